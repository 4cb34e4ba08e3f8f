"""`jixiao init`: a commented evaluation skeleton for any table, that scoring then completes."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.frameworks.loader import builtin_ids
from jixiao.services.scoring import score_file

runner = CliRunner()
# "fill this in" — and move-to-invalid where a table's not-applicable policies meet with no data at all
WHAT_A_SKELETON_LACKS = {"input-missing", "value-unavailable", "key-missing", "move-to-invalid"}


@pytest.mark.parametrize("table_id", builtin_ids())
def test_skeleton_loads_and_asks_for_every_input(table_id: str, tmp_path: Path) -> None:
    out = tmp_path / "eval.yaml"
    result = runner.invoke(app, ["init", table_id, "-o", str(out), "--unit", "某单位", "--year", "2024"])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert f"framework: {table_id}" in text and "year: 2024" in text
    scored = score_file(out)
    codes = {i.code for i in scored.issues if i.severity.value == "error"}
    assert codes and codes <= WHAT_A_SKELETON_LACKS, codes  # only "fill this in", never a format error
    assert not [i for i in scored.issues if i.code in ("not-a-number", "key-type", "format-unknown")]


def test_skeleton_never_prefills_an_answer(tmp_path: Path) -> None:
    out = tmp_path / "eval.yaml"
    runner.invoke(app, ["init", "zhanjiang-city", "-o", str(out)])
    text = out.read_text(encoding="utf-8")
    assert "{value: true}" not in text and "{count: 0}" not in text
    assert "{value: }" in text and "{score: , reason: }" in text


def test_existing_file_is_not_overwritten(tmp_path: Path) -> None:
    out = tmp_path / "eval.yaml"
    out.write_text("已填写的内容", encoding="utf-8")
    result = runner.invoke(app, ["init", "lechang-2023", "-o", str(out)])
    assert result.exit_code == 2
    assert out.read_text(encoding="utf-8") == "已填写的内容"


def test_unknown_table(tmp_path: Path) -> None:
    result = runner.invoke(app, ["init", "no-such-table", "-o", str(tmp_path / "e.yaml")])
    assert result.exit_code == 2  # an unusable argument (formats §3)
    assert "no-such-table" in result.output


def test_a_table_file_is_referred_to_by_its_path(tmp_path: Path) -> None:
    source = Path(__file__).parents[1] / "src/jixiao/frameworks/data/lechang-2023.yaml"
    (tmp_path / "tables").mkdir()
    table = tmp_path / "tables" / "mine.yaml"
    table.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "evaluations" / "2023" / "e.yaml"  # folders are created
    result = runner.invoke(app, ["init", str(table), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "framework: ../../tables/mine.yaml" in out.read_text(encoding="utf-8")
    serious = {i.code for i in score_file(out).issues if i.severity.value != "info"}
    assert serious - WHAT_A_SKELETON_LACKS <= {"year-mismatch"}


def test_a_table_file_named_like_a_built_in_table_is_referred_to_by_its_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    source = Path(__file__).parents[1] / "src/jixiao/frameworks/data/lechang-2023.yaml"
    own = source.read_text(encoding="utf-8").replace("id: lechang-2023", "id: mine", 1)
    (tmp_path / "dazhou").write_text(own, encoding="utf-8")  # a local file that shadows a built-in id
    out = tmp_path / "e.yaml"
    result = runner.invoke(app, ["init", "dazhou", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "framework: dazhou" in text  # the file beside the evaluation, as `score` will find it
    assert "framework: mine" not in text


def test_a_skeleton_asks_for_the_figures_a_cap_condition_reads(tmp_path: Path) -> None:
    source = Path(__file__).parents[1] / "src/jixiao/frameworks/data/lechang-2023.yaml"
    text = source.read_text(encoding="utf-8")
    assert "caps:" not in text
    table = tmp_path / "capped.yaml"
    table.write_text(text + 'caps:\n  - {when: "petitions > 3", max: 80}\n', encoding="utf-8")
    out = tmp_path / "e.yaml"
    assert runner.invoke(app, ["init", str(table), "-o", str(out)]).exit_code == 0
    assert "petitions:" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("table_id", builtin_ids())
def test_skeleton_asks_for_every_section_its_report_prints_in_chinese(table_id: str, tmp_path: Path) -> None:
    from jixiao.documents.outlines import sections_for
    from jixiao.frameworks.loader import builtin_path, load_path

    out = tmp_path / "eval.yaml"
    assert runner.invoke(app, ["init", table_id, "-o", str(out)]).exit_code == 0
    text = out.read_text(encoding="utf-8")
    path = builtin_path(table_id)
    assert path is not None
    framework = load_path(path).framework
    assert framework is not None
    asked = text.split("\ntext:", 1)[1]
    for key, title in sections_for(framework.outline):
        assert f"  {key}: ''   # {title}" in asked
    # formulas are shown in Chinese: no raw data id after 由数据表计算
    for line in text.splitlines():
        if "由数据表计算：" in line:
            formula = line.split("由数据表计算：", 1)[1].split("；", 1)[0]
            assert not re.search(r"[A-Za-z_]{3,}", formula), line


@pytest.mark.parametrize(
    ("today", "expected"), [(date(2025, 3, 1), "fill_date: 2025-03-01"), (date(2027, 1, 5), "如 2025-06-30")]
)
def test_default_year_and_fill_date_agree(
    today: date, expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import jixiao.services.template as template

    class Today(date):
        @classmethod
        def today(cls) -> Today:
            return cls(today.year, today.month, today.day)

    monkeypatch.setattr(template, "date", Today)
    out = tmp_path / "eval.yaml"
    assert runner.invoke(app, ["init", "zhanjiang-city", "-o", str(out), "--year", "2024"]).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "year: 2024" in text and expected in text
