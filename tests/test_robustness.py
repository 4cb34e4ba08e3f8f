"""Inputs found by review that once crashed or scored wrongly; each must now behave."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES
from jixiao.cli import app
from jixiao.frameworks.yamlio import YamlError, loads
from tables import codes, score, table

runner = CliRunner()
LECHANG = (EXAMPLES / "lechang-2023.yaml").read_text(encoding="utf-8")


def write(tmp_path: Path, text: str, name: str = "e.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_square_brackets_in_user_text_are_shown_not_parsed(tmp_path: Path) -> None:
    text = LECHANG.replace("reason: 根据本部门职责", 'reason: "[/b]无 [bold]粗体[/bold]"\n    # ', 1)
    result = runner.invoke(app, ["score", str(write(tmp_path, text))], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "[/b]无 [bold]粗体[/bold]" in result.output
    bad = LECHANG.replace("staff_actual: 23", 'staff_actual: "[/x]"')
    result = runner.invoke(app, ["score", str(write(tmp_path, bad, "b.yaml"))], env={"COLUMNS": "200"})
    assert result.exit_code == 1 and "[/x]" in result.output


SIMPLE = table(
    """
total: 100
bonus: {name: 加分项, max: 5}
indicators:
  - {id: a, name: 甲, weight: 100, rule: {type: judgement}}
  - {id: yes, name: 乙, weight: 0.5, rule: {type: yes_no}}
""".replace("weight: 100,", "weight: 99.5,")
)


def test_overrides_and_bonus_points_are_rounded_like_every_score() -> None:
    card = score(SIMPLE, "inputs: {a: {score: 99.5, override: 89.995, reason: 评审调整}, yes: {value: false}}")
    assert card.indicator("a").score == Decimal("90.00")
    assert (card.total, card.grade) == (Decimal("90.00"), "优")
    card = score(
        SIMPLE, "inputs: {a: {score: 80, reason: 好}, yes: {value: false}}\nbonus: [{item: 奖, points: 0.995}]"
    )
    assert card.bonus == Decimal("1.00")


def test_a_yes_no_leaf_cannot_be_used_as_a_number() -> None:
    from jixiao.frameworks.loader import load_document
    from tables import HEAD

    body = """
total: 10
caps: [{when: "@a.y == 1", max: 4}]
indicators:
  - {id: a.y, name: 是否, weight: 5, rule: {type: yes_no}}
  - {id: a.v, name: 值, weight: 5, value: "@a.y * 100", rule: {type: proportional, target: 100}}
"""
    issues = load_document(loads(HEAD + body), "t.yaml").issues
    assert {(i.code, i.path) for i in issues} >= {
        ("expr-kind", 'indicators["a.v"].value'),
        ("expr-unknown-ref", "caps[0].when"),
    }


@pytest.mark.parametrize("number", ["!!float NaN", "!!float .inf", "1e999999999", "!!float .nan"])
def test_impossible_numbers_are_refused_when_reading(number: str) -> None:
    with pytest.raises(YamlError) as caught:
        loads(f"a: {number}", "x.yaml")
    assert "不是有效的数字" in caught.value.message or "不是有效的 YAML" in caught.value.message


def test_absurd_computed_value_is_unavailable_not_a_crash(tmp_path: Path) -> None:
    text = LECHANG.replace("expenditure_budget: 912.97", "expenditure_budget: 0.0000000000001")
    result = runner.invoke(app, ["score", str(write(tmp_path, text))], env={"COLUMNS": "200"})
    assert result.exit_code == 1, result.output
    assert "超出合理范围" in result.output


def test_table_is_found_relative_to_the_evaluation_not_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / "cwd").mkdir()
    (tmp_path / "cwd" / "lechang-2023").write_text("not a table", encoding="utf-8")
    evaluation = write(tmp_path, LECHANG)
    here = Path.cwd()
    os.chdir(tmp_path / "cwd")
    try:
        result = runner.invoke(app, ["score", str(evaluation)])
    finally:
        os.chdir(here)
    assert result.exit_code == 0, result.output


def test_caps_ignore_a_not_applicable_leaf() -> None:
    capped = table("""
total: 10
caps: [{when: "@a.x < 50", max: 5}]
indicators:
  - {id: a.x, name: 率, weight: 5, value: "goals_met / goals_planned * 100", unit: "%",
     rule: {type: proportional, target: 100}, not_applicable: full_marks}
  - {id: b, name: 乙, weight: 5, rule: {type: judgement}}
""")
    card = score(
        capped,
        """
data: {goals_met: 1, goals_planned: 10}
inputs: {a.x: {applicable: false, reason: 不考核}, b: {score: 5, reason: 好}}
""",
    )
    assert card.total == Decimal(10)
    assert "cap-unavailable" in codes(card)
