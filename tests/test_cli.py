"""The command contract of formats §3: output, JSON §4, exit codes 0/1/2, Chinese messages."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from conftest import EXAMPLES, SEEDS, needs_seeds
from jixiao.cli import app

runner = CliRunner()


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


def test_score_prints_the_scorecard() -> None:
    result = invoke("score", str(EXAMPLES / "lechang-2023.yaml"))
    assert result.exit_code == 0, result.output
    assert "部门预算资金支出率" in result.output
    assert "总分 100 分，等级：优" in result.output
    assert "3→6" in result.output


def test_score_json_follows_format_4() -> None:
    result = invoke("score", str(EXAMPLES / "lechang-2023.yaml"), "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["format"] == "jixiao/score@1"
    assert (data["base"], data["bonus"], data["penalty"], data["total"], data["grade"]) == (98.0, 3.5, 0.0, 100.0, "优")
    assert data["framework"]["id"] == "lechang-2023"
    assert len(data["framework"]["sha256"]) == 64
    spending = next(i for i in data["indicators"] if i["id"] == "execution.funds.spending_rate")
    assert (spending["weight"], spending["effective_weight"], spending["score"], spending["value"]) == (
        3,
        6,
        6.0,
        100.0,
    )
    legality = next(i for i in data["indicators"] if i["id"] == "execution.funds.transfer_legality")
    assert (legality["applicable"], legality["value"], legality["effective_weight"]) == (False, None, 0)
    assert "不适用" in legality["explanation"]


def write(tmp_path: Path, text: str, name: str = "eval.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_errors_exit_1_with_json_still_printed(tmp_path: Path) -> None:
    text = (EXAMPLES / "lechang-2023.yaml").read_text(encoding="utf-8")
    text = text.replace("framework: lechang-2023", "framework: lechang-2023").replace(
        "satisfaction: 100", 'satisfaction: "100%"'
    )
    path = write(tmp_path, text)
    result = invoke("score", str(path), "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["total"] is None and data["grade"] is None
    issue = next(i for i in data["issues"] if i["code"] == "not-a-number")
    assert issue["path"] == "data.satisfaction"
    assert "不带单位" in issue["message"]


def test_text_where_a_number_belongs_is_reported_in_chinese(tmp_path: Path) -> None:
    text = (
        (EXAMPLES / "lechang-2023.yaml").read_text(encoding="utf-8").replace("staff_actual: 23", "staff_actual: 二十三")
    )
    result = invoke("score", str(write(tmp_path, text)))
    assert result.exit_code == 1
    assert "data.staff_actual" in result.output
    assert "应为数字" in result.output
    assert "Traceback" not in result.output


def test_malformed_yaml_exits_2_naming_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "format: jixiao/evaluation@1\nframework: [lechang\nyear: 2023\n")
    result = invoke("score", str(path))
    assert result.exit_code == 2
    assert str(path) in result.output
    assert "行" in result.output


def test_missing_and_binary_files_exit_2(tmp_path: Path) -> None:
    assert invoke("score", str(tmp_path / "nope.yaml")).exit_code == 2
    binary = tmp_path / "bad.yaml"
    binary.write_bytes(b"\xff\xfe\x00garbage\x81")
    result = invoke("score", str(binary))
    assert result.exit_code == 2
    assert "UTF-8" in result.output


def test_unknown_format_and_unknown_framework_exit_1(tmp_path: Path) -> None:
    result = invoke("score", str(write(tmp_path, "format: jixiao/evaluation@9\n")))
    assert result.exit_code == 1
    assert "format" in result.output
    body = "format: jixiao/evaluation@1\nframework: nowhere-2099\nyear: 2023\nunit: {name: 某单位}\n"
    result = invoke("score", str(write(tmp_path, body)))
    assert result.exit_code == 1
    assert "nowhere-2099" in result.output


def test_framework_given_as_relative_path(tmp_path: Path) -> None:
    source = Path(__file__).parents[1] / "src/jixiao/frameworks/data/lechang-2023.yaml"
    (tmp_path / "tables").mkdir()
    (tmp_path / "tables" / "mine.yaml").write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    text = (
        (EXAMPLES / "lechang-2023.yaml")
        .read_text(encoding="utf-8")
        .replace("framework: lechang-2023", "framework: tables/mine.yaml")
    )
    result = invoke("score", str(write(tmp_path, text)))
    assert result.exit_code == 0, result.output


def test_framework_check_and_show() -> None:
    result = invoke("framework", "check", "lechang-2023")
    assert result.exit_code == 0
    assert "评分表有效" in result.output
    shown = invoke("framework", "show", "zhanjiang-city")
    assert shown.exit_code == 0
    assert "支出完成率=单位年度实际支出/财政下达预算数*100%" in shown.output
    listed = invoke("framework", "list")
    assert "lechang-2023" in listed.output and "dazhou" in listed.output


def test_framework_check_reports_errors_with_path(tmp_path: Path) -> None:
    source = (Path(__file__).parents[1] / "src/jixiao/frameworks/data/lechang-2023.yaml").read_text(encoding="utf-8")
    broken = source.replace("    weight: 28\n", "    weight: 27\n", 1)
    result = invoke("framework", "check", str(write(tmp_path, broken, "table.yaml")))
    assert result.exit_code == 1
    assert "weight-sum" in result.output
    assert 'indicators["budgeting"]' in result.output or "total" in result.output


def test_unusable_arguments_exit_2() -> None:
    assert invoke("score").exit_code == 2
    assert invoke("frobnicate").exit_code == 2


def test_installed_command_never_prints_a_traceback(tmp_path: Path) -> None:
    path = write(tmp_path, "- just\n- a list\n")
    done = subprocess.run([sys.executable, "-m", "jixiao.cli", "score", str(path)], capture_output=True, text=True)
    assert done.returncode in (1, 2)
    assert "Traceback" not in done.stderr + done.stdout
    assert "键值映射" in done.stderr + done.stdout


@needs_seeds
def test_audit_json_shapes_exit_codes_and_csv(tmp_path: Path) -> None:
    seeds = SEEDS
    one = invoke("audit", str(seeds / "000_a00a4ecf0d918d5e.txt"), "--json")
    assert one.exit_code == 0 and json.loads(one.stdout)["format"] == "jixiao/audit@1"  # one object
    many = invoke("audit", str(seeds), "--json", "--csv", str(tmp_path / "f.csv"))
    assert many.exit_code == 1  # the seeds have error findings
    assert json.loads(many.stdout)[0]["unit"] == "廉江市人民政府办公室"  # an array, in order
    assert "figure-conflict" in (tmp_path / "f.csv").read_text(encoding="utf-8-sig")
    (tmp_path / "bad.docx").write_bytes(b"garbage")
    broken = invoke("audit", str(tmp_path / "bad.docx"))
    assert broken.exit_code == 2 and "unreadable" in broken.output and "Traceback" not in broken.output


def _command_paths() -> list[tuple[str, ...]]:
    """Every command and subcommand of the CLI, as the words a user types before --help."""
    import typer.main

    paths: list[tuple[str, ...]] = []

    def walk(command: object, path: tuple[str, ...]) -> None:
        paths.append(path)
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            walk(sub, (*path, name))

    walk(typer.main.get_command(app), ())
    return paths


def test_every_help_page_is_chinese_down_to_the_metavars() -> None:
    english = ("<bool>", "<path>", "<str>", "<int>", "list[", "TEXT", "INTEGER", "PATH", "BOOLEAN", "FLOAT")
    english += ("Usage", "Options", "Arguments", "Commands", "Show this message", "[default", "[required]")
    paths = _command_paths()
    assert len(paths) >= 14  # jixiao, 7 commands, framework's 4 and web's 1
    for path in paths:
        result = invoke(*path, "--help")
        assert result.exit_code == 0, (path, result.output)
        for word in english:
            assert word not in result.output, (path, word, result.output)
        usage = next(line for line in result.output.splitlines() if "用法：" in line)
        for name in re.findall(r"\{([^}]*)\}", usage):  # a required argument, by its Chinese name
            assert re.search(r"[\u4e00-\u9fff]", name), (path, usage)


def test_a_missing_argument_is_named_in_chinese() -> None:
    result = invoke("audit")
    assert result.exit_code == 2
    assert "缺少参数 '报告或目录'" in result.output and "paths" not in result.output


def test_audit_exits_2_for_an_unreadable_file_as_the_reference_says(tmp_path: Path) -> None:
    reference = (Path(__file__).parents[1] / "docs" / "reference.md").read_text(encoding="utf-8")
    section = re.search(r"^### `jixiao audit`.*?(?=^### )", reference, re.M | re.S)
    assert section is not None, "docs/reference.md has no '### `jixiao audit`' section"
    exit_paragraph = next(p for p in section.group(0).split("\n\n") if p.startswith("退出码："))
    exit_two = re.search(r"；2 (.*)", exit_paragraph.replace("\n", ""))
    assert exit_two is not None and "有文件无法读取" in exit_two[1] and "`unreadable`" in exit_two[1]
    good = tmp_path / "good.txt"
    good.write_text("某单位2023年度部门整体支出绩效自评报告\n自评得分95分，等级为优。\n", encoding="utf-8")
    (tmp_path / "bad.docx").write_bytes(b"garbage")
    for args in ((str(good), str(tmp_path / "bad.docx")), ("--json", str(tmp_path / "bad.docx"), str(good))):
        result = invoke("audit", *args)
        assert result.exit_code == 2, result.output
        assert "unreadable" in result.output
    assert invoke("audit", str(good)).exit_code in (0, 1)
    assert invoke("audit", str(tmp_path / "missing.txt")).exit_code == 2


def test_an_empty_path_is_refused_not_taken_as_the_current_folder(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    evaluation = tmp_path / "e.yaml"
    evaluation.write_bytes((EXAMPLES / "lechang-2023.yaml").read_bytes())
    for args in (
        ("report", "e.yaml", "-o", ""),
        ("tables", "e.yaml", "-o", " "),
        ("audit", ""),
        ("audit", "e.yaml", "--csv", ""),
        ("score", ""),
    ):
        result = invoke(*args)
        assert result.exit_code == 2, (args, result.output)
        assert "路径不能为空" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e.yaml"]


def test_report_batch_naming_a_missing_file_writes_nothing(tmp_path: Path) -> None:
    good = tmp_path / "a.yaml"
    good.write_text(
        (Path(__file__).parents[1] / "examples" / "lechang-2023.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    out = tmp_path / "out"
    result = invoke("report", str(good), str(tmp_path / "missing.yaml"), "-o", str(out), "--format", "md")
    assert result.exit_code == 2
    assert "missing.yaml：文件不存在，未生成任何报告" in " ".join(result.output.split()).replace(" ", "")
    assert not out.exists()  # not half a batch
