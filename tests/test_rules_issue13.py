"""The rules added to formats §1 in issue 13, scored end to end from YAML tables and evaluations:
其他情况 bands, required and credited checklist items, options chosen by `when` conditions,
discretionary deduction from full marks, rules over the unit's 绩效指标, and proportional scoring
against negative or zero targets."""

from __future__ import annotations

import textwrap
from decimal import Decimal

import pytest

from jixiao.frameworks.evaluation import load_evaluation
from jixiao.frameworks.loader import load_document
from jixiao.frameworks.yamlio import loads
from tables import HEAD, codes, score, table

D = Decimal


def one_leaf(rule: str, extra: str = "", weight: int = 5) -> str:
    return f"""
total: {weight}
indicators:
  - id: a
    name: 指标
    weight: {weight}
    {extra}
    rule: {rule}
"""


def issues_of(body: str) -> list[tuple[str, str, str]]:
    loaded = load_document(loads(HEAD + textwrap.dedent(body)), "t.yaml")
    return [(i.code, i.path, i.message) for i in loaded.issues]


# --------------------------------------------------------------------------- 其他情况


OTHERWISE = table(
    one_leaf(
        "{type: bands, bands: [{min: 95, score: 5}, {min: 80, max: 90, score: 3}, {score: 1}]}",
        'value: "expenditure_final / expenditure_budget * 100"\n    unit: "%"',
    )
)


@pytest.mark.parametrize(
    ("spent", "points", "words"),
    [(96, 5, "≥95%"), (85, 3, "80%（含）-90%（含）"), (92, 1, "其他情况"), (50, 1, "其他情况")],
)
def test_a_last_band_without_bounds_takes_every_other_value(spent: int, points: int, words: str) -> None:
    card = score(OTHERWISE, f"data: {{expenditure_final: {spent}, expenditure_budget: 100}}")
    assert card.ok, card.issues
    assert card.indicator("a").score == D(points)
    assert words in card.indicator("a").explanation


def test_a_band_without_bounds_is_allowed_only_last() -> None:
    found = issues_of(one_leaf("{type: bands, bands: [{score: 1}, {min: 95, score: 5}]}"))
    assert [c for c, _, _ in found] == ["band-overlap"]
    assert "其他情况" in found[0][2] and "最后" in found[0][2]


def test_otherwise_is_described_as_such() -> None:
    from jixiao.core.rules import describe

    rule = OTHERWISE.indicators[0].rule
    assert describe(rule, D(5), "%") == "≥95%，计5分；80%（含）-90%（含），计3分；其他情况，计1分。"


# --------------------------------------------------------------------------- checklist items


CHECKLIST = table(
    one_leaf(
        """
      type: checklist
      items:
        - {text: 设置绩效目标, points: 2, required: true}
        - {text: 项目支出开展绩效自评, points: 2, not_applicable: full_marks}
        - {text: 自评结果公开, points: 1}""",
    )
)


def test_an_unmet_required_item_zeroes_the_leaf() -> None:
    card = score(CHECKLIST, "inputs: {a: {checked: [1, 2]}}")
    assert card.ok
    assert card.indicator("a").score == 0
    assert "设置绩效目标" in card.indicator("a").explanation and "不得分" in card.indicator("a").explanation
    assert score(CHECKLIST, "inputs: {a: {checked: [0, 2]}}").indicator("a").score == D(3)


def test_an_item_that_does_not_apply_is_credited_where_the_table_says() -> None:
    card = score(CHECKLIST, "inputs: {a: {checked: [0, 2], not_applicable: [1], reason: 本单位无项目支出}}")
    assert card.ok, card.issues
    assert card.indicator("a").score == D(5)
    assert "第②项不适用" in card.indicator("a").explanation


def test_an_item_without_the_credit_cannot_be_declared_not_applicable() -> None:
    card = score(CHECKLIST, "inputs: {a: {checked: [0], not_applicable: [2], reason: 不适用}}")
    assert "not-applicable-forbidden" in codes(card)
    assert card.total is None


def test_items_declared_not_applicable_need_a_reason() -> None:
    card = score(CHECKLIST, "inputs: {a: {checked: [0], not_applicable: [1]}}")
    assert "reason-missing" in codes(card)


def test_the_new_item_keys_are_described_and_validated() -> None:
    from jixiao.core.rules import describe

    words = describe(CHECKLIST.indicators[0].rule, D(5), "")
    assert "不符合的，本指标不得分" in words and "不适用的，计该项分数" in words
    found = issues_of(one_leaf("{type: checklist, items: [{text: a, points: 5, not_applicable: zero}]}"))
    assert [(c, p) for c, p, _ in found] == [("rule-key-type", 'indicators["a"].rule.items[0].not_applicable')]


# --------------------------------------------------------------------------- options chosen by conditions


SURPLUS = table(
    one_leaf(
        """
      type: categorical
      options:
        - {text: 无结余, score: 3, when: "carryover_end == 0"}
        - {text: 有结余，但不超过上年结转, score: 2, when: "carryover_end <= carryover_prior"}
        - {text: 结余超过上年结转, score: 0}""",
        "not_applicable: zero",
        weight=3,
    )
)


@pytest.mark.parametrize(
    ("end", "prior", "points", "text"), [(0, 10, 3, "无结余"), (8, 10, 2, "不超过"), (12, 10, 0, "超过上年")]
)
def test_options_are_chosen_by_the_first_condition_that_holds(end: int, prior: int, points: int, text: str) -> None:
    card = score(SURPLUS, f"data: {{carryover_end: {end}, carryover_prior: {prior}}}")
    assert card.ok, card.issues
    assert card.indicator("a").score == D(points)
    assert text in card.indicator("a").explanation


def test_an_entered_choice_must_agree_with_the_figures_and_stands_in_without_them() -> None:
    card = score(SURPLUS, "data: {carryover_end: 0, carryover_prior: 10}\ninputs: {a: {choice: 1}}")
    assert "value-conflict" in codes(card)
    card = score(SURPLUS, "data: {carryover_prior: 10}\ninputs: {a: {choice: 1, reason: 年末结余2万元}}")
    assert card.ok, card.issues
    assert card.indicator("a").score == D(2)
    assert "缺少数据" in card.indicator("a").explanation


def test_options_undecided_follow_the_not_applicable_policy_or_are_an_error() -> None:
    card = score(SURPLUS, "data: {carryover_prior: 10}")
    assert card.indicator("a").applicable is False and "not-applicable" in codes(card)
    strict = table(
        one_leaf(
            "{type: categorical, options: [{text: 无结余, score: 3, when: carryover_end == 0}, "
            "{text: 有结余, score: 0}]}",
            weight=3,
        )
    )
    card = score(strict, "data: {}")
    assert "value-unavailable" in codes(card) and card.total is None
    assert "上年结转结余" in " ".join(i.message for i in card.issues) or "年末结转结余" in " ".join(
        i.message for i in card.issues
    )


def test_conditions_are_validated_like_caps() -> None:
    found = issues_of(
        one_leaf(
            "{type: categorical, options: [{text: a, score: 3, when: 'no_such_field > 1'}, {text: b, score: 0}]}",
            weight=3,
        )
    )
    assert [(c, p) for c, p, _ in found] == [("expr-unknown-field", 'indicators["a"].rule.options[0].when')]
    found = issues_of(
        one_leaf(
            "{type: categorical, options: [{text: a, score: 3, when: 'petitions + 1'}, {text: b, score: 0}]}", weight=3
        )
    )
    assert [c for c, _, _ in found] == ["expr-kind"]
    found = issues_of(
        one_leaf(
            "{type: categorical, options: [{text: a, score: 3}, {text: b, score: 0, when: petitions == 0}]}", weight=3
        )
    )
    assert "rule-key-missing" in [c for c, _, _ in found]


# --------------------------------------------------------------------------- discretionary deduction


DISCRETION = table(one_leaf("{type: judgement, default: full_marks}"))


def test_a_discretionary_leaf_is_full_marks_unless_a_lower_score_has_its_reason() -> None:
    card = score(DISCRETION, "inputs: {}")
    assert card.ok and card.indicator("a").score == D(5)
    assert "计满分" in card.indicator("a").explanation
    assert "reason-missing" in codes(score(DISCRETION, "inputs: {a: {score: 3}}"))
    card = score(DISCRETION, "inputs: {a: {score: 3.5, reason: 个别资料未按时归档}}")
    assert card.ok and card.indicator("a").score == D("3.5")
    assert "个别资料未按时归档。酌情扣1.5分，得3.5分" in card.indicator("a").explanation
    assert score(DISCRETION, "inputs: {a: {score: 5}}").ok


def test_discretion_is_described() -> None:
    from jixiao.core.rules import describe

    assert describe(DISCRETION.indicators[0].rule, D(5), "") == "得5分，否则酌情扣分（扣分须写明理由）。"
    assert [c for c, _, _ in issues_of(one_leaf("{type: judgement, default: zero}"))] == ["rule-key-type"]


# --------------------------------------------------------------------------- goals


GOALS = table(one_leaf("{type: goals, kinds: [数量], deviation: {over: 30, per: 2}}", weight=10))

GOAL_LIST = """
goals:
  - goal: 强化服务保障
    indicators:
      - {name: 办理上级会议, kind: 数量, target: 500, actual: 515, unit: 场次}
      - {name: 公文处理, kind: 数量, target: 1000, actual: 1500, unit: 份}
      - {name: 督查事项, kind: 数量, target: 40, actual: 36, unit: 项}
      - {name: 公文差错率, kind: 质量, target: 1, actual: 3, unit: "%", direction: lower}
"""


def test_goals_score_the_share_reached_less_the_deviation_penalty() -> None:
    card = score(GOALS, GOAL_LIST)
    assert card.ok, card.issues
    # 2 of 3 数量指标 reached: 10 × 2/3 = 6.67; 公文处理 passed its target by 50 %: −2
    assert card.indicator("a").score == D("4.67")
    words = card.indicator("a").explanation
    assert "数量指标3个，达到年初目标值2个" in words and "“公文处理”" in words and "指标偏离" in words


def test_goals_of_every_kind_and_their_directions() -> None:
    every = table(one_leaf("{type: goals}", weight=4))
    card = score(every, GOAL_LIST)
    assert card.indicator("a").score == D(2)  # 2 of 4: 公文差错率 3 % is above its ceiling of 1 %


def test_worded_goals_are_reached_when_they_match_or_as_stated() -> None:
    every = table(one_leaf("{type: goals}", weight=4))
    card = score(
        every,
        """
goals:
  - goal: 按期办结
    indicators:
      - {name: 办结时限, kind: 时效, target: 按期完成, actual: 按期完成}
      - {name: 群众满意, kind: 满意度, target: 满意, actual: 基本满意, reached: false}
""",
    )
    assert card.ok and card.indicator("a").score == D(2)
    card = score(every, "goals: [{goal: g, indicators: [{name: x, kind: 时效, target: 按期完成, actual: 基本按期}]}]")
    assert "goal-undecided" in codes(card) and "reached" in " ".join(i.message for i in card.issues)


def test_goals_missing_follow_the_not_applicable_policy_or_are_an_error() -> None:
    card = score(GOALS, "goals: [{goal: g, indicators: [{name: x, kind: 质量, target: 1, actual: 1}]}]")
    assert "value-unavailable" in codes(card) and card.total is None
    lenient = table(one_leaf("{type: goals, kinds: [数量]}", "not_applicable: full_marks", weight=10))
    card = score(lenient, "goals: []")
    assert card.indicator("a").applicable is False and card.indicator("a").score == D(10)


def test_deviation_alone_deducts_from_full_marks() -> None:
    rule = table(one_leaf("{type: goals, base: full, deviation: {over: 30, per: 2}}", weight=5))
    assert score(rule, GOAL_LIST).indicator("a").score == D(3)
    assert [c for c, _, _ in issues_of(one_leaf("{type: goals, base: full}"))] == ["rule-key-missing"]
    assert [c for c, _, _ in issues_of(one_leaf("{type: goals, kinds: [数目]}"))] == ["rule-key-type"]


def test_goal_kinds_and_directions_are_validated() -> None:
    doc = loads(
        "format: jixiao/evaluation@1\nframework: t\nyear: 2023\nunit: {name: 测试单位}\n"
        "goals: [{goal: g, indicators: [{name: x, kind: 数目, direction: up, target: 1, actual: 1}]}]"
    )
    found = {(i.code, i.path) for i in load_evaluation(doc, "e.yaml").issues}
    assert found == {("key-type", "goals[0].indicators[0].kind"), ("key-type", "goals[0].indicators[0].direction")}
    doc = loads(
        "format: jixiao/evaluation@1\nframework: t\nyear: 2023\nunit: {name: 测试单位}\n"
        "goals: [{goal: g, indicators: [{name: x, kind: 数量指标, target: 1, actual: 1}]}]"
    )
    loaded = load_evaluation(doc, "e.yaml")
    assert not loaded.issues and loaded.evaluation is not None
    assert loaded.evaluation.goals[0].indicators[0].kind == "数量"


# --------------------------------------------------------------------------- negative and zero targets


@pytest.mark.parametrize(
    ("target", "direction", "value", "points"),
    [
        (-30, "lower", -30, 6),  # reduced by 30 %: reached
        (-30, "lower", -40, 6),
        (-30, "lower", -20, 4),  # 20 of the 30 points of reduction: 6 × 2/3
        (-30, "lower", 5, 0),  # rose instead
        (-30, "lower", 0, 0),
        (-10, "higher", -20, 3),  # fell by no more than 10 % wanted: −10 ÷ −20
        (-10, "higher", 5, 6),
        (0, "lower", 0, 6),  # 零增长
        (0, "lower", 3, 0),
        (0, "higher", -1, 0),
        (0, "higher", 2, 6),
    ],
)
def test_proportional_against_a_negative_or_zero_target(target: int, direction: str, value: int, points: int) -> None:
    rule = table(one_leaf(f"{{type: proportional, target: {target}, direction: {direction}}}", 'unit: "%"', weight=6))
    card = score(rule, f"inputs: {{a: {{value: {value}}}}}")
    assert card.ok, card.issues
    assert card.indicator("a").score == D(points)


def test_a_reduction_target_is_explained() -> None:
    rule = table(one_leaf("{type: proportional, target: -30, direction: lower}", 'unit: "%"', weight=6))
    words = score(rule, "inputs: {a: {value: -20}}").indicator("a").explanation
    assert "高于-30%，按比例计分（-20.00%÷-30%）" in words
    words = score(rule, "inputs: {a: {value: 5}}").indicator("a").explanation
    assert "不得分" in words
