"""Issue 12 "Silently wrong": inputs that once scored (or passed) without a word, and now do not."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES
from invariants import check_scorecard
from jixiao.cli import app
from jixiao.core.model import Severity
from jixiao.frameworks import loader
from jixiao.frameworks.evaluation import load_evaluation
from jixiao.frameworks.yamlio import loads
from jixiao.services.scoring import engine_for, load_table, score_file
from jixiao.services.template import evaluation_template
from tables import codes, score, table

runner = CliRunner()
LECHANG = (EXAMPLES / "lechang-2023.yaml").read_text(encoding="utf-8")


def write(tmp_path: Path, text: str, name: str = "e.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def errors(path: Path) -> set[tuple[str, str]]:
    return {(i.code, i.path) for i in score_file(path).issues if i.severity is Severity.ERROR}


def test_an_empty_framework_reference_is_an_error_with_exit_1(tmp_path: Path) -> None:
    for blank in ('""', '"  "', '"\u3000"'):
        path = write(tmp_path, f"format: jixiao/evaluation@1\nframework: {blank}\nyear: 2023\nunit: {{name: 某单位}}\n")
        result = runner.invoke(app, ["score", str(path)])
        assert result.exit_code == 1, result.output
        assert "framework" in result.output and "不能为空" in result.output


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ("  satisfaction: 100", "  satisfaction: 1e15", "data.satisfaction"),
        ("  budgeting.targets.coverage:\n    value: 100", "  budgeting.targets.coverage:\n    value: 1e15",
         'inputs["budgeting.targets.coverage"].value'),
        ("  budgeting.targets.coverage:\n    value: 100", "  budgeting.targets.coverage:\n    value: -1e16",
         'inputs["budgeting.targets.coverage"].value'),
    ],
)
def test_numbers_of_1e15_or_more_are_errors_and_never_score(tmp_path: Path, old: str, new: str, path: str) -> None:
    assert old in LECHANG
    scored = score_file(write(tmp_path, LECHANG.replace(old, new, 1)))
    assert ("number-out-of-range", path) in {(i.code, i.path) for i in scored.issues}
    assert scored.scorecard is not None and scored.scorecard.total is None


def test_a_computed_value_out_of_range_is_an_error_even_with_a_not_applicable_policy() -> None:
    framework = table(
        """
        total: 10
        indicators:
          - {id: a, name: 甲, weight: 10, value: "income_final * income_final * 1000", rule: {type: proportional,
             target: 100}, not_applicable: full_marks}
        """
    )
    card = score(framework, "data: {income_final: 999999999}")
    assert "number-out-of-range" in codes(card) and card.indicator("a").score is None and card.total is None


@pytest.mark.parametrize("key", ["id", "name", "source", "provenance"])
@pytest.mark.parametrize("blank", ["", "   ", "\u3000", "\u200b"])
def test_a_table_with_a_blank_required_text_fails_validation(key: str, blank: str) -> None:
    path = loader.builtin_path("lechang-2023")
    assert path is not None
    text = path.read_text(encoding="utf-8")
    doc = loads(text)
    doc[key] = blank
    loaded = loader.load_document(doc, "t.yaml")
    assert loaded.framework is None
    assert any(i.code == "key-missing" and i.path == key for i in loaded.issues), loaded.issues


@pytest.mark.parametrize("name", ['"   "', '"\u3000"', '"\u200b"', '"\u3000\u200b "', '""'])
def test_a_unit_name_nobody_can_see_is_refused(tmp_path: Path, name: str) -> None:
    text = LECHANG.replace("  name: 乐昌市人民政府办公室", f"  name: {name}", 1)
    assert ("key-missing", "unit.name") in errors(write(tmp_path, text))


# --------------------------------------------------------------------------- 未填写 is never full marks


@pytest.mark.parametrize("table_id", loader.builtin_ids())
def test_an_unfilled_skeleton_scores_no_leaf_and_blocks_submission(tmp_path: Path, table_id: str) -> None:
    """The empty skeleton of every built-in table once scored some leaves 不适用 → 计满分 (11 points on
    zhanjiang-city) and untouched checklists 0; now every leaf is 未填写."""
    framework = load_table(table_id).framework
    assert framework is not None
    path = write(tmp_path, evaluation_template(framework, "某单位", 2023, table_id))
    scored = score_file(path)
    assert scored.scorecard is not None and scored.scorecard.total is None
    assert "not-applicable" not in {i.code for i in scored.issues}
    leaves = [r for r in scored.scorecard.indicators if r.is_leaf]
    assert all(r.score is None for r in leaves), [(r.id, r.score) for r in leaves if r.score is not None]
    unfilled = {i.path.split("]")[0] for i in scored.issues if "未填写" in i.message}
    assert len(unfilled) == len(leaves)  # every leaf named as 未填写
    check_scorecard(framework, scored.scorecard)


def test_missing_figures_are_unfilled_but_a_zero_denominator_keeps_the_policy(tmp_path: Path) -> None:
    """乐昌 has no 存量资金 (entered as 0): the table's 上年无存量资金的计满分 applies; the same leaf with
    the figures left out is 未填写."""
    scored = score_file(EXAMPLES / "lechang-2023.yaml")
    assert scored.scorecard is not None and scored.scorecard.total == 100
    result = scored.scorecard.indicator("execution.funds.stock_efficiency")
    assert (result.applicable, result.score) == (False, Decimal(3))
    text = LECHANG.replace("  stock_prior: 0\n", "").replace("  stock_end: 0\n", "")
    found = errors(write(tmp_path, text))
    assert ("value-unavailable", 'inputs["execution.funds.stock_efficiency"].value') in found


def test_an_untouched_checklist_is_unfilled_and_none_checked_needs_a_reason() -> None:
    framework = table(
        """
        total: 3
        indicators:
          - {id: c, name: 清单, weight: 3, rule: {type: checklist, items: [{text: 一, points: 1}, {text: 二, points: 1},
             {text: 三, points: 2}]}}
        """
    )
    card = score(framework, "inputs: {c: {checked: []}}")
    issue = next(i for i in card.issues if i.code == "input-missing")
    assert issue.path == 'inputs["c"].checked' and "未填写" in issue.message and "reason" in issue.message
    assert card.indicator("c").score is None and card.total is None
    card = score(framework, "inputs: {c: {checked: [], reason: 三项均未做到}}")
    assert card.ok and card.indicator("c").score == 0 and card.total == 0


# --------------------------------------------------------------------------- implausible figures warn


@pytest.mark.parametrize(
    ("value", "words"), [("0.95", ["0.95", "小数", "95"]), ("120", ["120", "超过100%"]), ("1", ["小数", "100"])]
)
def test_a_satisfaction_out_of_its_range_is_warned_naming_the_field(
    tmp_path: Path, value: str, words: list[str]
) -> None:
    scored = score_file(write(tmp_path, LECHANG.replace("  satisfaction: 100", f"  satisfaction: {value}", 1)))
    warnings = [i for i in scored.issues if i.code == "value-implausible"]
    assert len(warnings) == 1 and warnings[0].severity is Severity.WARNING
    assert warnings[0].path == "data.satisfaction" and "满意度" in warnings[0].message
    assert all(w in warnings[0].message for w in words), warnings[0].message
    assert scored.ok  # a warning, not an error: the figure may be right


@pytest.mark.parametrize("value", ["0", "60", "95", "100"])
def test_plausible_satisfaction_is_not_warned(tmp_path: Path, value: str) -> None:
    scored = score_file(write(tmp_path, LECHANG.replace("  satisfaction: 100", f"  satisfaction: {value}", 1)))
    assert "value-implausible" not in {i.code for i in scored.issues}


def test_an_entered_rate_that_looks_like_a_fraction_is_warned() -> None:
    framework = table(
        """
        total: 10
        fields: {satisfaction_clients: {name: 管理对象满意度, unit: "%"}}
        indicators:
          - {id: r, name: 执行率, weight: 5, unit: "%", rule: {type: proportional, target: 100}}
          - {id: s, name: 管理对象满意度, weight: 5, unit: "%", value: satisfaction_clients,
             rule: {type: proportional, target: 100}}
        """
    )
    card = score(framework, "data: {satisfaction_clients: 130}\ninputs: {r: {value: 0.97}}")
    found = {(i.code, i.path) for i in card.issues}
    assert found == {("value-implausible", 'inputs["r"].value'), ("value-implausible", "data.satisfaction_clients")}
    assert card.ok and card.total is not None


def test_the_examples_score_as_before_with_no_new_issue() -> None:
    expected = {"lechang-2023": (Decimal(100), "优")}
    for path in sorted(EXAMPLES.glob("*.yaml")):
        scored = score_file(path)
        assert scored.ok and scored.scorecard is not None, [i.message for i in scored.issues]
        assert not [i for i in scored.issues if i.code == "value-implausible"]
        if path.stem in expected:
            assert (scored.scorecard.total, scored.scorecard.grade) == expected[path.stem]
        framework = scored.framework
        assert framework is not None
        evaluation = load_evaluation(loads(path.read_text(encoding="utf-8")), str(path)).evaluation
        assert evaluation is not None
        check_scorecard(framework, engine_for(framework).score(evaluation))
