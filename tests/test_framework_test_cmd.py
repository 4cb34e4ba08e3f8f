"""`jixiao framework test TABLE CASES.yaml`: a bureau runs its table's cases before issuing it."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from jixiao.cli import app

runner = CliRunner()
CASES = Path(__file__).parent / "cases" / "lechang-2023.yaml"


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["framework", "test", *args], env={"COLUMNS": "200"})
    return result.exit_code, " ".join(result.output.split())


def test_passing_cases_exit_0_with_a_count() -> None:
    code, output = _run("lechang-2023", str(CASES))
    cases = yaml.safe_load(CASES.read_text(encoding="utf-8"))["cases"]
    assert code == 0, output
    assert f"共 {len(cases)} 个用例：通过 {len(cases)} 个，未通过 0 个" in output


def test_a_wrong_expectation_fails_naming_the_case_and_the_figure(tmp_path: Path) -> None:
    spec = yaml.safe_load(CASES.read_text(encoding="utf-8"))
    spec["cases"] = [spec["cases"][0]]
    spec["cases"][0]["expect"] = {"total": 1}
    wrong = tmp_path / "cases.yaml"
    wrong.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    code, output = _run("lechang-2023", str(wrong))
    assert code == 1
    assert f"未通过 {spec['cases'][0]['name']}" in output and "总分（total）：期望 1，实为" in output
    assert "没有用例检查" in output  # one case leaves leaves unchecked


def test_a_file_that_is_no_case_file_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "x.yaml"
    bad.write_text("format: jixiao/evaluation@1\n", encoding="utf-8")
    code, output = _run("lechang-2023", str(bad))
    assert code == 2 and "不是测试用例文件" in output
