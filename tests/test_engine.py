"""The scoring order of formats §1: values, not-applicable, transfers, scores, overrides, totals."""

from __future__ import annotations

from decimal import Decimal

from tables import codes, score, table

D = Decimal

ALTERNATIVES = table("""
total: 10
indicators:
  - id: a
    name: 产出
    weight: 10
    alternatives: true
    children:
      - {id: a.count, name: 数量, weight: 10, rule: {type: judgement}}
      - {id: a.rate, name: 完成率, weight: 10, value: "goals_met / goals_planned * 100", unit: "%",
         rule: {type: proportional, target: 100}}
""")


def test_alternatives_score_only_the_chosen_child() -> None:
    card = score(
        ALTERNATIVES,
        """
data: {goals_met: 9, goals_planned: 10}
inputs:
  a: {choose: a.rate}
""",
    )
    assert card.ok
    assert card.indicator("a").score == D(9)
    assert card.indicator("a.count").applicable is False
    assert card.indicator("a.count").score is None
    assert "二者择其一" in card.indicator("a.count").explanation
    assert card.total == D(9)


def test_alternatives_require_a_valid_choice() -> None:
    assert "input-missing" in codes(score(ALTERNATIVES, "inputs: {a.count: {score: 5, reason: 好}}"))
    card = score(ALTERNATIVES, "inputs: {a: {choose: a.other}}")
    assert "choose-invalid" in codes(card)
    assert card.total is None


CAPPED = table("""
total: 100
cap: 100
bonus: {name: 加分项, max: 3}
penalty: {name: 减分项, max: 10}
grades:
  - {grade: A, min: 95}
  - {grade: B, min: 85}
  - {grade: C, min: 75}
  - {grade: D, min: 60}
  - {grade: E, min: 0}
caps:
  - {when: "@exec.rate < 60", max: 69}
  - {when: "@exec.rate < 50", max: 59}
indicators:
  - id: exec
    name: 预算执行
    weight: 40
    children:
      - {id: exec.rate, name: 预算执行率, weight: 40, unit: "%", value: "expenditure_final / expenditure_budget * 100",
         rule: {type: threshold, standard: 100, direction: min, per: 0.5}}
  - {id: other, name: 其他, weight: 60, rule: {type: judgement}}
""")


def test_caps_tied_to_execution_rate() -> None:
    card = score(
        CAPPED,
        """
data: {expenditure_final: 55, expenditure_budget: 100}
inputs: {other: {score: 60, reason: 满分}}
""",
    )
    assert card.indicator("exec.rate").score == D("17.5")
    assert card.base == D("77.5")
    assert card.total == D(69)
    assert card.grade == "D"
    assert "总分不超过69分" in card.total_explanation


def test_lower_cap_applies_too_and_unavailable_condition_warns() -> None:
    card = score(
        CAPPED,
        """
data: {expenditure_final: 45, expenditure_budget: 100}
inputs: {other: {score: 60, reason: 满分}}
""",
    )
    assert card.base == D("72.5")
    assert card.total == D(59)
    assert card.grade == "E"


def test_bonus_and_penalty_are_capped_and_total_clamped() -> None:
    card = score(
        CAPPED,
        """
data: {expenditure_final: 100, expenditure_budget: 100}
inputs: {other: {score: 50, reason: 良好}}
bonus: [{item: 甲, points: 2}, {item: 乙, points: 2}]
penalty: [{item: 违规, points: 1}]
""",
    )
    assert (card.base, card.bonus, card.penalty, card.total, card.grade) == (D(90), D(3), D(1), D(92), "B")
    assert "加分项4分（超过上限3分，按3分计）" in card.total_explanation


def test_total_never_below_zero() -> None:
    card = score(
        CAPPED,
        """
data: {expenditure_final: 0, expenditure_budget: 100}
inputs: {other: {score: 3, reason: 差}}
penalty: [{item: 严重违规, points: 8}]
""",
    )
    assert card.base == D(3)
    assert card.penalty == D(8)
    assert card.total == D(0)
    assert "低于0分" in card.total_explanation


NA = table("""
total: 10
indicators:
  - id: g
    name: 组
    weight: 10
    children:
      - {id: g.a, name: 甲, weight: 4, rule: {type: yes_no}, not_applicable: zero}
      - {id: g.b, name: 乙, weight: 3, rule: {type: yes_no}, not_applicable: {move_to: g.c}}
      - {id: g.c, name: 丙, weight: 3, rule: {type: yes_no}, not_applicable: full_marks}
""")


def test_not_applicable_zero_keeps_weight_and_scores_nothing() -> None:
    card = score(
        NA,
        """
inputs:
  g.a: {applicable: false, reason: 无此事项}
  g.b: {value: true}
  g.c: {value: true}
""",
    )
    result = card.indicator("g.a")
    assert (result.applicable, result.score, result.effective_weight) == (False, D(0), D(4))
    assert "不得分" in result.explanation
    assert card.total == D(6)


def test_move_to_a_leaf_that_is_not_applicable_is_an_error() -> None:
    card = score(
        NA,
        """
inputs:
  g.a: {value: true}
  g.b: {applicable: false, reason: 无}
  g.c: {applicable: false, reason: 无}
""",
    )
    assert "move-to-invalid" in codes(card)
    assert card.total is None


def test_move_to_adds_weight_and_says_so_on_both_leaves() -> None:
    card = score(
        NA,
        """
inputs:
  g.a: {value: true}
  g.b: {applicable: false, reason: 无此事项}
  g.c: {value: true}
""",
    )
    assert card.indicator("g.c").effective_weight == D(6)
    assert card.indicator("g.c").score == D(6)
    assert "乙不适用，其3分调整至本指标" in card.indicator("g.c").explanation
    assert "3分调整至丙" in card.indicator("g.b").explanation
    assert card.indicator("g").score == D(10)


REFS = table("""
total: 10
indicators:
  - {id: r, name: 执行率, weight: 5, unit: "%", value: "expenditure_final / expenditure_budget * 100",
     rule: {type: proportional, target: 100}}
  - {id: ok, name: 执行率达标, weight: 3, value: "@r >= 90", rule: {type: yes_no}}
  - {id: p, name: 信访, weight: 2, value: "petitions", rule: {type: per_occurrence, per: 1}}
""")


def test_refs_conditions_and_computed_counts() -> None:
    card = score(REFS, "data: {expenditure_final: 95, expenditure_budget: 100, petitions: 1}")
    assert card.indicator("ok").score == D(3)
    assert "成立" in card.indicator("ok").explanation
    assert card.indicator("p").value == D(1)
    assert card.indicator("p").score == D(1)
    assert card.total == D("8.75")


def test_entered_value_that_disagrees_with_computed_is_an_error() -> None:
    card = score(
        REFS,
        """
data: {expenditure_final: 95, expenditure_budget: 100, petitions: 0}
inputs: {r: {value: 97}}
""",
    )
    assert "value-conflict" in codes(card)
    assert card.total is None


def test_entered_value_used_when_figures_missing() -> None:
    card = score(
        REFS,
        """
data: {petitions: 0}
inputs: {r: {value: 80, reason: 据决算报表}}
""",
    )
    assert card.indicator("r").value == D(80)
    assert card.indicator("r").score == D(4)
    assert "采用填报值80.00%" in card.indicator("r").explanation
    assert card.indicator("ok").score == D(0)


def test_scorecard_is_stamped_with_table_id_version_and_hash() -> None:
    card = score(REFS, "data: {expenditure_final: 95, expenditure_budget: 100, petitions: 0}")
    assert (card.framework_id, card.framework_version) == ("t", 1)
    assert len(card.framework_sha256) == 64
    assert card.framework_sha256 == REFS.sha256


def test_indicators_listed_parents_first_in_table_order() -> None:
    card = score(NA, "inputs: {g.a: {value: true}, g.b: {value: true}, g.c: {value: true}}")
    assert [r.id for r in card.indicators] == ["g", "g.a", "g.b", "g.c"]
    assert [r.depth for r in card.indicators] == [1, 2, 2, 2]


def test_override_outside_effective_weight_is_an_error() -> None:
    card = score(NA, "inputs: {g.a: {value: true, override: 5, reason: 多给}, g.b: {value: true}, g.c: {value: true}}")
    assert "score-over-weight" in codes(card)


def test_computed_explanation_formula_then_figures_then_result() -> None:
    card = score(REFS, "data: {expenditure_final: 95, expenditure_budget: 100, petitions: 0}")
    text = card.indicator("r").explanation
    assert text.startswith("执行率=支出决算数/支出预算数×100%=95.00万元/100.00万元×100%=95.00%")
    assert text.endswith("得4.75分")


def test_entered_value_is_rounded_like_a_computed_one() -> None:
    card = score(
        REFS,
        """
data: {expenditure_final: 95, expenditure_budget: 100, petitions: 0}
inputs: {r: {value: 95.004}}
""",
    )
    assert card.ok
    assert card.indicator("r").value == D("95.00")


def test_invalid_figure_is_named_as_invalid_not_missing() -> None:
    from jixiao.core.engine import Engine
    from jixiao.frameworks.evaluation import load_evaluation
    from jixiao.frameworks.yamlio import loads

    doc = loads(
        "format: jixiao/evaluation@1\nframework: t\nyear: 2023\nunit: {name: 单位}\n"
        "data: {expenditure_final: -95, expenditure_budget: 100, petitions: 0}\n"
    )
    loaded = load_evaluation(doc, "e.yaml")
    assert loaded.evaluation is not None
    assert [i.code for i in loaded.issues] == ["negative-amount"]
    card = Engine(REFS).score(loaded.evaluation)
    message = next(i.message for i in card.issues if i.path == 'inputs["r"].value')
    assert "填写有误" in message


def test_one_call_api_equals_the_prepared_engine() -> None:
    from jixiao.core.engine import Engine, evaluate_framework
    from jixiao.frameworks.evaluation import load_evaluation
    from jixiao.frameworks.yamlio import loads

    doc = loads(
        "format: jixiao/evaluation@1\nframework: t\nyear: 2023\nunit: {name: 单位}\n"
        "data: {expenditure_final: 95, expenditure_budget: 100, petitions: 0}\n"
    )
    evaluation = load_evaluation(doc, "e.yaml").evaluation
    assert evaluation is not None
    assert evaluate_framework(REFS, evaluation) == Engine(REFS).score(evaluation)


def test_a_sum_below_zero_is_clamped_and_said_so() -> None:
    fw = table("""
total: 10
penalty: {name: 减分项}
indicators:
  - {id: j, name: 评判, weight: 10, rule: {type: judgement}}
""")
    card = score(fw, "inputs: {j: {score: 1, reason: 差}}\npenalty: [{item: 违规, points: 5}]")
    assert card.total == 0 and card.raw_total == D(-4)
    assert "合计-4分，低于0分，按0分计" in card.total_explanation
    assert card.cap_notes == ()
