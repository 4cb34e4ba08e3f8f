"""Validation of evaluations (formats §2): every error with its code, severity, path and message.

An evaluation is loaded with ``load_evaluation`` (type problems) and scored against a small
inline table with ``Engine`` (problems that need the table). Each test changes one thing in a
valid evaluation and checks the issue: code, severity, exact key path, Chinese message.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from jixiao.core.engine import Engine
from jixiao.core.model import Issue, Scorecard, Severity
from jixiao.frameworks import yamlio
from jixiao.frameworks.evaluation import LoadedEvaluation, load_evaluation
from jixiao.frameworks.loader import load_document
from jixiao.services import scoring

FILE = "e.yaml"
CJK = re.compile(r"[\u4e00-\u9fff]")

# total 30 = a (10) + b (10) + c (10, 二者择其一); no bonus or penalty section
TABLE = """
format: jixiao/framework@1
id: t
version: 1
name: 测试表
provenance: example
source: 测试
total: 30
years: [2023]
indicators:
  - id: a
    name: 甲
    weight: 10
    children:
      - id: a.j
        name: 评判
        weight: 4
        rule:
          type: judgement
          tiers:
            - {name: 好, min_ratio: 0.8, max_ratio: 1}
            - {name: 中, min_ratio: 0.6, max_ratio: 0.8}
            - {name: 差, min_ratio: 0, max_ratio: 0.6}
      - id: a.c
        name: 清单
        weight: 3
        rule: {type: checklist, items: [{text: 一, points: 1}, {text: 二, points: 1}, {text: 三, points: 1}]}
      - id: a.k
        name: 分类
        weight: 3
        rule: {type: categorical, options: [{text: 全部, score: 3}, {text: 部分, score: 1}]}
  - id: b
    name: 乙
    weight: 10
    children:
      - id: b.rate
        name: 支出率
        weight: 4
        value: expenditure_final / expenditure_budget * 100
        rule: {type: proportional, target: 100}
      - id: b.moved
        name: 合法性
        weight: 2
        rule: {type: yes_no}
        not_applicable: {move_to: b.rate}
      - id: b.petitions
        name: 信访
        weight: 2
        rule: {type: per_occurrence, per: 1}
      - id: b.sat
        name: 满意度
        weight: 2
        value: satisfaction
        rule: {type: proportional, target: 90}
        not_applicable: full_marks
  - id: c
    name: 丙
    weight: 10
    alternatives: true
    children:
      - {id: c.one, name: 丙一, weight: 10, rule: {type: judgement}}
      - {id: c.two, name: 丙二, weight: 10, rule: {type: judgement}}
"""

EVAL = """
format: jixiao/evaluation@1
framework: t.yaml
year: 2023
fill_date: 2024-05-21
unit: {name: 测试单位}
data:
  expenditure_budget: 100
  expenditure_final: 95
  satisfaction: 95
inputs:
  a.j: {score: 4, tier: 好, reason: 符合要求}
  a.c: {checked: [0, 1, 2]}
  a.k: {choice: 0}
  b.moved: {value: true}
  b.petitions: {count: 0}
  c: {choose: c.one}
  c.one: {score: 10, reason: 完成}
"""

_LOADED = load_document(yamlio.loads(TABLE), "t.yaml")
assert _LOADED.framework is not None, _LOADED.issues
FRAMEWORK = _LOADED.framework
ENGINE = Engine(FRAMEWORK)


# --------------------------------------------------------------------------- helpers


def y(text: str) -> Any:
    """A YAML value as the loader sees it (numbers are exact Decimals)."""
    return yamlio.loads(f"v: {text}")["v"]


def evaluation(data: dict[str, str | None] | None = None, inputs: dict[str, str | None] | None = None,
               **top: str | None) -> dict[str, Any]:
    """The valid evaluation with changes; values are YAML text, None removes the key."""
    doc = yamlio.loads(EVAL)
    for section, changes in (("data", data), ("inputs", inputs), ("", top)):
        target = doc[section] if section else doc
        for key, text in (changes or {}).items():
            if text is None:
                target.pop(key, None)
            else:
                target[key] = y(text)
    return doc


def load(doc: Any) -> LoadedEvaluation:
    return load_evaluation(doc, FILE)


def score(doc: Any) -> tuple[LoadedEvaluation, Scorecard]:
    loaded = load(doc)
    assert loaded.evaluation is not None, loaded.issues
    return loaded, ENGINE.score(loaded.evaluation)


def all_issues(doc: Any) -> tuple[Issue, ...]:
    loaded, card = score(doc)
    return loaded.issues + card.issues


def show(issues: tuple[Issue, ...]) -> str:
    return "\n".join(f"{i.severity.value} {i.code} {i.path} {i.message}" for i in issues)


def expect(issues: tuple[Issue, ...], code: str, path: str, *words: str,
           severity: Severity = Severity.ERROR) -> Issue:
    """The issue with ``code`` at ``path``: severity, file, a Chinese message naming ``words``."""
    found = [i for i in issues if i.code == code and i.path == path]
    assert found, f"no {code} at {path}; issues:\n{show(issues)}"
    issue = found[0]
    assert issue.severity is severity, show(issues)
    assert issue.file == FILE
    assert CJK.search(issue.message), issue.message
    for word in words:
        assert word in issue.message, (word, issue.message)
    return issue


def no_errors(issues: tuple[Issue, ...]) -> None:
    errors = [i for i in issues if i.severity is Severity.ERROR]
    assert not errors, show(issues)


def inp(indicator_id: str, key: str = "") -> str:
    return f'inputs["{indicator_id}"]' + (f".{key}" if key else "")


# --------------------------------------------------------------------------- the valid evaluation


def test_valid_evaluation_has_no_issues_and_a_total() -> None:
    loaded, card = score(evaluation())
    assert loaded.issues == () and card.issues == ()
    assert card.base == card.total == Decimal("29.80")
    assert card.grade is not None
    ev = loaded.evaluation
    assert ev is not None and ev.fill_date == date(2024, 5, 21) and ev.year == 2023


# --------------------------------------------------------------------------- text where a number belongs


@pytest.mark.parametrize("text", ['"95%"', '"1,234.5"', "五", '"95 万元"', '""', "true", "[95]"])
def test_text_where_a_data_number_belongs(text: str) -> None:
    loaded = load(evaluation(data={"expenditure_final": text}))
    issue = expect(loaded.issues, "not-a-number", "data.expenditure_final", "data.expenditure_final", "应为数字")
    assert "实为" in issue.message


def test_percent_text_message_says_write_the_number() -> None:
    issue = expect(load(evaluation(data={"satisfaction": '"95%"'})).issues, "not-a-number", "data.satisfaction")
    assert "“95%”" in issue.message and "百分号" in issue.message


@pytest.mark.parametrize("text", ['"95%"', '"1,234.5"', "五", '"3分"'])
def test_text_where_a_score_belongs(text: str) -> None:
    issues = all_issues(evaluation(inputs={"a.j": f"{{score: {text}, reason: 理由}}"}))
    expect(issues, "not-a-number", inp("a.j", "score"), "应为数字")


@pytest.mark.parametrize(("key", "entry"), [
    ("override", '{checked: [0], override: "2分", reason: 调整}'),
    ("count", "{count: 两次}"),
    ("choice", "{choice: 第一项}"),
])
def test_text_where_an_input_number_belongs(key: str, entry: str) -> None:
    target = {"override": "a.c", "count": "b.petitions", "choice": "a.k"}[key]
    issues = all_issues(evaluation(inputs={target: entry}))
    expect(issues, "not-a-number", inp(target, key), "应为")


def test_text_where_a_value_belongs() -> None:
    issues = all_issues(evaluation(data={"expenditure_final": None}, inputs={"b.rate": '{value: "97.02%"}'}))
    expect(issues, "not-a-number", inp("b.rate", "value"), "97.02%", "数字")


# --------------------------------------------------------------------------- negative values


@pytest.mark.parametrize("field", ["expenditure_final", "income_budget", "carryover_end", "sangong_final",
                                   "petitions", "staff_actual", "satisfaction"])
def test_negative_standard_fields(field: str) -> None:
    issue = expect(load(evaluation(data={field: "-1"})).issues, "negative-amount", f"data.{field}", "负数")
    assert "-1" in issue.message


def test_negative_amount_message_names_the_field() -> None:
    issue = expect(load(evaluation(data={"expenditure_final": "-95"})).issues, "negative-amount",
                   "data.expenditure_final")
    assert "支出决算数" in issue.message


@pytest.mark.parametrize(("target", "entry", "key"), [
    ("a.j", "{score: -1, reason: 理由}", "score"),
    ("b.petitions", "{count: -1}", "count"),
    ("a.c", "{checked: [0], override: -1, reason: 调整}", "override"),
])
def test_negative_inputs(target: str, entry: str, key: str) -> None:
    issues = all_issues(evaluation(inputs={target: entry}))
    expect(issues, "negative-amount", inp(target, key), "负数")


@pytest.mark.parametrize("section", ["bonus", "penalty"])
def test_negative_bonus_or_penalty_points(section: str) -> None:
    issues = load(evaluation(**{section: "[{item: 项目, points: -1}]"})).issues
    expect(issues, "negative-amount", f"{section}[0].points", "负数")


def test_custom_fields_may_be_negative() -> None:
    loaded, card = score(evaluation(data={"change_rate": "-12.5", "my_growth": "-3"}))
    assert loaded.issues == () and card.issues == ()
    assert loaded.evaluation is not None
    assert loaded.evaluation.data["change_rate"] == Decimal("-12.5")


def test_entered_values_may_be_negative() -> None:
    loaded, card = score(evaluation(data={"expenditure_final": None}, inputs={"b.rate": "{value: -5}"}))
    no_errors(loaded.issues + card.issues)
    result = card.indicator("b.rate")
    assert result.value == Decimal("-5") and result.score == 0
    assert card.total is not None


@pytest.mark.parametrize("key", ["Change-Rate", "变化率", "1rate", "Rate"])
def test_data_ids_must_be_snake_case(key: str) -> None:
    doc = evaluation()
    doc["data"][key] = y("1")
    issues = load(doc).issues
    path = f"data.{key}" if key.replace("_", "").isalnum() and key.isascii() else f'data["{key}"]'
    expect(issues, "key-invalid", path, key)


def test_empty_data_value_means_not_entered() -> None:
    loaded = load(evaluation(data={"income_budget": "null"}))
    assert not [i for i in loaded.issues if i.path == "data.income_budget"]
    assert loaded.evaluation is not None and "income_budget" not in loaded.evaluation.data


# --------------------------------------------------------------------------- integers


@pytest.mark.parametrize("field", ["petitions", "staff_quota", "key_tasks_done", "goals_met"])
def test_non_integer_standard_counts(field: str) -> None:
    issue = expect(load(evaluation(data={field: "1.5"})).issues, "not-integer", f"data.{field}", "整数")
    assert "1.5" in issue.message


def test_integral_decimals_are_integers() -> None:
    loaded, card = score(evaluation(data={"petitions": "2.0"}, inputs={"b.petitions": "{count: 2.00}"}))
    no_errors(loaded.issues + card.issues)
    assert card.indicator("b.petitions").score == 0


def test_amounts_need_not_be_integers() -> None:
    no_errors(load(evaluation(data={"income_budget": "912.97"})).issues)


def test_non_integer_count_input() -> None:
    issues = all_issues(evaluation(inputs={"b.petitions": "{count: 1.5}"}))
    expect(issues, "not-integer", inp("b.petitions", "count"), "整数", "1.5")


def test_non_integer_choice() -> None:
    issues = all_issues(evaluation(inputs={"a.k": "{choice: 0.5}"}))
    expect(issues, "not-a-number", inp("a.k", "choice"), "整数")


# --------------------------------------------------------------------------- ids and kinds


@pytest.mark.parametrize("indicator_id", ["zz", "a.z", "b.rate.x", "5"])
def test_unknown_indicator_ids(indicator_id: str) -> None:
    doc = evaluation()
    doc["inputs"][indicator_id] = y("{score: 1, reason: 理由}")
    _, card = score(doc)
    expect(card.issues, "unknown-indicator", inp(indicator_id), f"“{indicator_id}”", "没有")
    assert card.total is None


@pytest.mark.parametrize(("target", "entry", "key"), [
    ("a.j", "{checked: [0]}", "checked"),
    ("a.j", "{score: 4, reason: 理由, count: 1}", "count"),
    ("a.c", "{count: 1}", "count"),
    ("a.c", "{checked: [0], score: 1}", "score"),
    ("a.c", "{checked: [0], choose: a.j}", "choose"),
    ("a.k", "{choice: 0, value: 1}", "value"),
    ("b.rate", "{score: 4, reason: 理由}", "score"),
    ("b.petitions", "{count: 0, checked: [0]}", "checked"),
    ("b.moved", "{value: true, tier: 好}", "tier"),
])
def test_inputs_of_the_wrong_kind_for_the_rule(target: str, entry: str, key: str) -> None:
    issues = all_issues(evaluation(inputs={target: entry}))
    expect(issues, "input-kind", inp(target, key), f"“{key}”", "不接受")


@pytest.mark.parametrize(("target", "entry", "key"), [
    ("a", "{score: 10, reason: 理由}", "score"),
    ("b", "{applicable: false, reason: 理由}", "applicable"),
    ("c", "{choose: c.one, score: 10}", "score"),
])
def test_inputs_on_an_inner_node(target: str, entry: str, key: str) -> None:
    issues = all_issues(evaluation(inputs={target: entry}))
    expect(issues, "input-kind", inp(target, key), "指标")


def test_reason_on_an_inner_node_is_allowed() -> None:
    no_errors(all_issues(evaluation(inputs={"a": "{reason: 说明}"})))


def test_wrong_value_kind_for_yes_no() -> None:
    issues = all_issues(evaluation(inputs={"b.moved": "{value: 1}"}))
    expect(issues, "input-kind", inp("b.moved", "value"), "true", "false")


def test_wrong_value_kind_for_a_numeric_rule() -> None:
    issues = all_issues(evaluation(data={"expenditure_final": None}, inputs={"b.rate": "{value: true}"}))
    expect(issues, "input-kind", inp("b.rate", "value"), "数值")


@pytest.mark.parametrize("word", ["yes", "是", "on"])
def test_yes_no_value_as_text(word: str) -> None:
    issues = all_issues(evaluation(inputs={"b.moved": f"{{value: {word}}}"}))
    expect(issues, "not-a-number", inp("b.moved", "value"), "true/false")


def test_unknown_input_keys() -> None:
    issues = all_issues(evaluation(inputs={"a.j": "{score: 4, tier: 好, reason: 理由, points: 1}"}))
    expect(issues, "key-unknown", inp("a.j", "points"), "“points”", "未知")


@pytest.mark.parametrize(("entry", "path"), [
    ("5", inp("a.j")),
    ("[4]", inp("a.j")),
    ("{score: 4, reason: 理由, applicable: 否}", inp("a.j", "applicable")),
    ("{score: 4, reason: [理由]}", inp("a.j", "reason")),
])
def test_mistyped_inputs(entry: str, path: str) -> None:
    expect(load(evaluation(inputs={"a.j": entry})).issues, "key-type", path, "应为")


def test_choose_not_a_child() -> None:
    issues = all_issues(evaluation(inputs={"c": "{choose: a.j}"}))
    expect(issues, "choose-invalid", inp("c", "choose"), "a.j", "c.one", "c.two")


# --------------------------------------------------------------------------- scores, tiers, reasons


def test_judgement_score_above_the_weight() -> None:
    issues = all_issues(evaluation(inputs={"a.j": "{score: 4.5, reason: 理由}"}))
    expect(issues, "score-over-weight", inp("a.j", "score"), "4.5", "4分", "超过")


def test_override_above_the_weight() -> None:
    issues = all_issues(evaluation(inputs={"a.c": "{checked: [0], override: 3.5, reason: 调整}"}))
    expect(issues, "score-over-weight", inp("a.c", "override"), "3.5", "3分")


def test_override_within_the_effective_weight_after_a_move() -> None:
    doc = evaluation(inputs={"b.moved": "{applicable: false, reason: 无转移支付}",
                             "b.rate": "{override: 6, reason: 复核调整}"})
    loaded, card = score(doc)
    no_errors(loaded.issues + card.issues)
    result = card.indicator("b.rate")
    assert (result.effective_weight, result.score, result.overridden) == (6, 6, True)


def test_override_above_the_effective_weight_after_a_move() -> None:
    doc = evaluation(inputs={"b.moved": "{applicable: false, reason: 无转移支付}",
                             "b.rate": "{override: 6.5, reason: 复核调整}"})
    expect(all_issues(doc), "score-over-weight", inp("b.rate", "override"), "6.5", "6分")


def test_judgement_outside_its_tier() -> None:
    issues = all_issues(evaluation(inputs={"a.j": "{score: 2, tier: 好, reason: 理由}"}))
    expect(issues, "tier-mismatch", inp("a.j", "tier"), "“好”", "50.00%")


def test_judgement_tier_bounds_are_inclusive() -> None:
    no_errors(all_issues(evaluation(inputs={"a.j": "{score: 3.2, tier: 好, reason: 理由}"})))
    no_errors(all_issues(evaluation(inputs={"a.j": "{score: 3.2, tier: 中, reason: 理由}"})))


def test_unknown_tier_name() -> None:
    issues = all_issues(evaluation(inputs={"a.j": "{score: 4, tier: 极好, reason: 理由}"}))
    expect(issues, "tier-mismatch", inp("a.j", "tier"), "“极好”", "不存在")


@pytest.mark.parametrize(("target", "entry", "word"), [
    ("a.j", "{score: 4}", "评判"),
    ("a.j", '{score: 4, reason: "  "}', "评判"),
    ("c.one", "{score: 10}", "评判"),
    ("a.c", "{checked: [0], override: 3}", "调整"),
    ("b.moved", "{applicable: false}", "不适用"),
    ("b.moved", '{applicable: false, reason: ""}', "不适用"),
])
def test_reason_missing(target: str, entry: str, word: str) -> None:
    issues = all_issues(evaluation(inputs={target: entry}))
    expect(issues, "reason-missing", inp(target, "reason"), word, "理由")


def test_not_applicable_with_reason_moves_the_weight() -> None:
    loaded, card = score(evaluation(inputs={"b.moved": "{applicable: false, reason: 无转移支付}"}))
    no_errors(loaded.issues + card.issues)
    moved, target = card.indicator("b.moved"), card.indicator("b.rate")
    assert (moved.applicable, moved.effective_weight, moved.score) == (False, 0, 0)
    assert target.effective_weight == 6 and target.score == Decimal("5.70")


def test_override_on_a_not_applicable_leaf_is_reported() -> None:
    issues = all_issues(evaluation(inputs={"b.moved": "{applicable: false, reason: 无, override: 1}"}))
    assert any(i.severity is Severity.ERROR and i.path.startswith(inp("b.moved")) for i in issues), show(issues)


# --------------------------------------------------------------------------- indices


def test_checklist_index_out_of_range() -> None:
    issues = all_issues(evaluation(inputs={"a.c": "{checked: [0, 3]}"}))
    expect(issues, "index-out-of-range", inp("a.c", "checked"), "3", "超出范围", "共3项")


@pytest.mark.parametrize("checked", ["[1.5]", "[一]", "1", "[true]"])
def test_checklist_indices_mistyped(checked: str) -> None:
    issues = all_issues(evaluation(inputs={"a.c": f"{{checked: {checked}}}"}))
    expect(issues, "key-type", inp("a.c", "checked"), "应为")


def test_negative_checklist_index_is_out_of_range_like_a_negative_choice() -> None:
    issues = all_issues(evaluation(inputs={"a.c": "{checked: [-1]}"}))
    expect(issues, "index-out-of-range", inp("a.c", "checked"), "-1", "从0起")


def test_categorical_choice_out_of_range() -> None:
    issues = all_issues(evaluation(inputs={"a.k": "{choice: 2}"}))
    expect(issues, "index-out-of-range", inp("a.k", "choice"), "2", "超出范围", "共2项")


def test_categorical_negative_choice() -> None:
    issues = all_issues(evaluation(inputs={"a.k": "{choice: -1}"}))
    expect(issues, "index-out-of-range", inp("a.k", "choice"), "从0起")


# --------------------------------------------------------------------------- missing inputs and values


@pytest.mark.parametrize(("target", "key"), [
    ("a.j", "score"),
    ("a.c", "checked"),
    ("a.k", "choice"),
    ("b.petitions", "count"),
    ("c.one", "score"),
])
def test_leaf_that_needs_an_input_and_has_none(target: str, key: str) -> None:
    issues = all_issues(evaluation(inputs={target: None}))
    expect(issues, "input-missing", inp(target, key), key)


def test_judgement_with_tier_but_no_score() -> None:
    issues = all_issues(evaluation(inputs={"a.j": "{tier: 好, reason: 理由}"}))
    expect(issues, "input-missing", inp("a.j", "score"), "score")


def test_alternatives_without_choice() -> None:
    issues = all_issues(evaluation(inputs={"c": None}))
    expect(issues, "input-missing", inp("c", "choose"), "choose", "c.one")


def test_unchosen_alternative_needs_no_input() -> None:
    _, card = score(evaluation(inputs={"c": "{choose: c.two}", "c.one": None,
                                       "c.two": "{score: 8, reason: 理由}"}))
    no_errors(card.issues)
    assert card.indicator("c").score == 8 and card.indicator("c.one").score is None


def test_yes_no_without_input_is_unfilled_not_its_not_applicable_policy() -> None:
    """Issue 12: a leaf never entered is 未填写 (an error), even where the table allows 不适用;
    the policy is for a unit that says so, with a reason."""
    _, card = score(evaluation(inputs={"b.moved": None}))
    expect(card.issues, "input-missing", inp("b.moved", "value"), "未填写", "applicable: false")
    assert "not-applicable" not in {i.code for i in card.issues}
    assert card.indicator("b.rate").effective_weight == 4 and card.total is None  # nothing moved to it
    loaded, card = score(evaluation(inputs={"b.moved": "{applicable: false, reason: 无转移支付}"}))
    no_errors(loaded.issues + card.issues)
    assert card.indicator("b.rate").effective_weight == 6


@pytest.mark.parametrize(("data", "word"), [
    ({"expenditure_final": None}, "支出决算数"),
    ({"expenditure_budget": None}, "支出预算数"),
    ({"expenditure_budget": "0"}, "分母"),
])
def test_computed_value_unavailable_without_policy(data: dict[str, str | None], word: str) -> None:
    _, card = score(evaluation(data=data))
    expect(card.issues, "value-unavailable", inp("b.rate", "value"), word, "value")
    assert card.total is None


def test_computed_value_unavailable_uses_the_entered_value() -> None:
    loaded, card = score(evaluation(data={"expenditure_final": None}, inputs={"b.rate": "{value: 97.02}"}))
    no_errors(loaded.issues + card.issues)
    assert card.indicator("b.rate").value == Decimal("97.02")


def test_figures_never_entered_are_unfilled_even_with_a_full_marks_policy() -> None:
    """Issue 12: a missing 满意度 once scored 不适用 → 计满分; 未填写 is an error, never full marks."""
    _, card = score(evaluation(data={"satisfaction": None}))
    expect(card.issues, "value-unavailable", inp("b.sat", "value"), "未填写", "满意度")
    assert "not-applicable" not in {i.code for i in card.issues}
    assert card.indicator("b.sat").score is None and card.total is None
    declared = {"b.sat": "{applicable: false, reason: 未调查}"}
    loaded, card = score(evaluation(data={"satisfaction": None}, inputs=declared))
    no_errors(loaded.issues + card.issues)
    result = card.indicator("b.sat")
    assert (result.applicable, result.score) == (False, 2)


def test_entered_value_that_disagrees_with_the_computed_one() -> None:
    _, card = score(evaluation(inputs={"b.rate": "{value: 97}"}))
    expect(card.issues, "value-conflict", inp("b.rate", "value"), "97.00", "95.00", "不一致")


def test_entered_value_that_agrees_with_the_computed_one() -> None:
    no_errors(all_issues(evaluation(inputs={"b.rate": "{value: 95.00}"})))


def test_not_applicable_on_a_leaf_without_policy() -> None:
    issues = all_issues(evaluation(inputs={"b.rate": "{applicable: false, reason: 无}"}))
    expect(issues, "not-applicable-forbidden", inp("b.rate", "applicable"), "支出率", "applicable")


# --------------------------------------------------------------------------- sections, format, dates, year


@pytest.mark.parametrize(("section", "word"), [("bonus", "加分项"), ("penalty", "减分项")])
def test_items_without_a_section_in_the_table(section: str, word: str) -> None:
    _, card = score(evaluation(**{section: "[{item: 项目, points: 1, basis: 文件}]"}))
    expect(card.issues, "section-missing", section, word)
    assert card.total is None


def test_empty_bonus_list_is_fine_without_a_section() -> None:
    no_errors(all_issues(evaluation(bonus="[]", penalty="[]")))


def test_bonus_item_missing_points() -> None:
    expect(load(evaluation(bonus="[{item: 项目}]")).issues, "key-missing", "bonus[0].points", "缺少")


@pytest.mark.parametrize("fmt", ["jixiao/evaluation@2", "jixiao/framework@1", "evaluation", None])
def test_unknown_format(fmt: str | None) -> None:
    doc = evaluation()
    if fmt is None:
        doc.pop("format")
    else:
        doc["format"] = fmt
    loaded = load(doc)
    expect(loaded.issues, "format-unknown", "format", "jixiao/evaluation@1")
    assert loaded.evaluation is None and len(loaded.issues) == 1


@pytest.mark.parametrize("doc", [None, [], "text"])
def test_document_that_is_not_a_mapping(doc: Any) -> None:
    loaded = load(doc)
    expect(loaded.issues, "key-type", "", "键值映射")
    assert loaded.evaluation is None


@pytest.mark.parametrize("text", ["2024-13-01", "2024-02-30", "2024-00-10", "昨天", "20240521", "2024", "[2024]"])
def test_bad_fill_date(text: str) -> None:
    issues = load(evaluation(fill_date=text)).issues
    expect(issues, "key-type", "fill_date", "日期", "2024-05-21")


def test_bad_group_date() -> None:
    issues = load(evaluation(group="{formed: 2024-04-31, leader: 某}")).issues
    expect(issues, "key-type", "group.formed", "日期")


@pytest.mark.parametrize("text", ["2024-05-21", "2024年5月21日", "2024.5.21", "2024/5/21", "2024-5-21"])
def test_date_spellings(text: str) -> None:
    loaded = load(evaluation(fill_date=text))
    no_errors(loaded.issues)
    assert loaded.evaluation is not None and loaded.evaluation.fill_date == date(2024, 5, 21)


@pytest.mark.parametrize(("text", "code"), [('"2023年"', "not-a-number"), ("2023.5", "not-a-number"),
                                            ("1800", "key-type")])
def test_bad_year(text: str, code: str) -> None:
    expect(load(evaluation(year=text)).issues, code, "year", "年" if code == "key-type" else "整数")


def test_year_outside_the_tables_years_is_a_warning() -> None:
    loaded, card = score(evaluation(year="2022"))
    no_errors(loaded.issues + card.issues)
    expect(card.issues, "year-mismatch", "year", "2022", "2023", severity=Severity.WARNING)
    assert card.total == Decimal("29.80") and card.grade is not None


@pytest.mark.parametrize("key", ["unit", "framework", "year"])
def test_missing_required_keys(key: str) -> None:
    doc = evaluation()
    doc.pop(key)
    issues = load(doc).issues
    expect(issues, "key-missing", key, "缺少")


def test_unknown_top_level_key_is_a_warning() -> None:
    expect(load(evaluation(colour="red")).issues, "key-unknown", "colour", "colour", severity=Severity.WARNING)


# --------------------------------------------------------------------------- the total with errors / warnings


@pytest.mark.parametrize("change", [
    {"inputs": {"a.j": "{score: 5, reason: 理由}"}},
    {"inputs": {"zz": "{score: 1, reason: 理由}"}},
    {"inputs": {"a.c": None}},
    {"data": {"expenditure_final": None}},
    {"bonus": "[{item: 项目, points: 1}]"},
])
def test_any_engine_error_nulls_base_total_and_grade(change: dict[str, Any]) -> None:
    _, card = score(evaluation(**change))
    assert not card.ok
    assert (card.base, card.total, card.grade) == (None, None, None)
    assert card.total_explanation == ""


def test_warnings_and_infos_only_keep_the_total() -> None:
    _, card = score(evaluation(year="2022", data={"satisfaction": "120"}))
    assert card.ok and {i.code for i in card.issues} == {"year-mismatch", "value-implausible"}
    assert card.base is not None and card.total is not None and card.grade is not None


def _score_file(tmp_path: Path, data: str = "", top: str = "") -> scoring.Scored:
    """Score the valid evaluation as a file, with extra ``data`` lines and top-level lines."""
    (tmp_path / "t.yaml").write_text(TABLE, encoding="utf-8")
    text = EVAL.replace("  satisfaction: 95\n", f"  satisfaction: 95\n{data}") + top
    path = tmp_path / "e.yaml"
    path.write_text(text, encoding="utf-8")
    return scoring.score_file(path)


def test_score_file_without_issues_has_a_total(tmp_path: Path) -> None:
    scored = _score_file(tmp_path)
    assert scored.ok and scored.issues == ()
    assert scored.scorecard is not None and scored.scorecard.total == Decimal("29.80")


@pytest.mark.parametrize(("data", "top", "code", "path"), [
    ("  petitions: -1\n", "", "negative-amount", "data.petitions"),
    ("  staff_quota: 2.5\n", "", "not-integer", "data.staff_quota"),
    ("", "notice: [not, text]\n", "key-type", "notice"),
])
def test_loader_error_alone_nulls_the_total(tmp_path: Path, data: str, top: str, code: str, path: str) -> None:
    # errors the loader finds and the engine does not see still null base, total and grade
    scored = _score_file(tmp_path, data, top)
    assert not scored.ok
    assert any(i.code == code and i.path == path and i.severity is Severity.ERROR for i in scored.issues)
    card = scored.scorecard
    assert card is not None and (card.base, card.total, card.grade) == (None, None, None)
    out = scoring.score_json(scored)
    assert (out["base"], out["total"], out["grade"]) == (None, None, None)


def test_warning_only_keeps_the_total_of_score_file(tmp_path: Path) -> None:
    scored = _score_file(tmp_path, top="colour: red\n")
    assert scored.ok and scored.issues
    assert scored.scorecard is not None and scored.scorecard.total == Decimal("29.80")


# --------------------------------------------------------------------------- robustness


@pytest.mark.parametrize("change", [
    {"data": {"expenditure_final": "1e30"}},
    {"inputs": {"a.j": "{score: 1e30, reason: 理由}"}},
    {"inputs": {"b.petitions": "{count: 1e30}"}},
    {"inputs": {"a.c": "{checked: [0], override: 1e30, reason: 调整}"}},
])
def test_huge_numbers_do_not_crash_the_engine(change: dict[str, Any]) -> None:
    score(evaluation(**change))


def test_rejected_figure_is_not_reported_as_missing() -> None:
    _, card = score(evaluation(data={"expenditure_final": '"95%"'}))
    issue = expect(card.issues, "value-unavailable", inp("b.rate", "value"), "data.expenditure_final")
    assert "缺少数据" not in issue.message


# ------------------------------------------------------------------ JSON documents


def test_json_numbers_load_as_yaml_numbers() -> None:
    """A document from ``json.loads`` (int and float, dates as text) reads as its YAML does."""
    text = "format: jixiao/evaluation@1\nframework: t\nyear: 2023\nfill_date: 2024-05-21\nnotice: 12\n"
    text += "unit: {name: 某局}\ndata: {income_final: 120.5, staff_actual: 3}\ninputs: {a: {score: 8, reason: 好}}\n"
    from_yaml = load_evaluation(yamlio.loads(text), FILE)
    doc = json.loads(
        '{"format": "jixiao/evaluation@1", "framework": "t", "year": 2023, "fill_date": "2024-05-21",'
        ' "notice": 12, "unit": {"name": "某局"}, "data": {"income_final": 120.5, "staff_actual": 3},'
        ' "inputs": {"a": {"score": 8, "reason": "好"}}}'
    )
    from_json = load_evaluation(doc, FILE)
    assert from_json.issues == from_yaml.issues == ()
    assert from_json.evaluation == from_yaml.evaluation


def test_a_non_finite_json_number_is_not_a_number() -> None:
    doc = {"format": "jixiao/evaluation@1", "framework": "t", "year": 2023, "unit": {"name": "某局"}}
    loaded = load_evaluation(doc | {"data": {"income_final": float("nan")}}, FILE)
    assert [(i.code, i.path) for i in loaded.issues] == [("not-a-number", "data.income_final")]
