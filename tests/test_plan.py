"""The compiled plan: closures agree with the step-by-step evaluator, lazy wording, no cycles."""

from __future__ import annotations

import copy
import gc
import pickle
from decimal import Decimal

from hypothesis import assume, given
from hypothesis import strategies as st

from jixiao.core import expr as ex
from jixiao.core import rules
from jixiao.core.compiled import FAILURES, compile_expr
from jixiao.core.engine import Engine
from jixiao.core.model import ChecklistItem, ChecklistRule, Evaluation, JudgementRule, Tier, Unit, Wording
from tables import codes, score, table

D = Decimal
NAMES = ("a", "b", "c")
REFS = ("x", "y")

numbers = st.one_of(
    st.sampled_from(["0", "1", "2.5", "100", "0.01"]),
    st.sampled_from(NAMES),
    st.sampled_from([f"@{r}" for r in REFS]),
)


def _numeric(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(children, st.sampled_from(["+", "-", "*", "/"]), children).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        children.map(lambda c: f"-{c}"),
        st.tuples(st.sampled_from(["min", "max"]), children, children).map(lambda t: f"{t[0]}({t[1]}, {t[2]})"),
        children.map(lambda c: f"abs({c})"),
    )


numeric = st.recursive(numbers, _numeric, max_leaves=6)
comparison = st.tuples(numeric, st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), numeric).map(" ".join)


def _logical(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(children, st.sampled_from(["and", "or"]), children).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        children.map(lambda c: f"not ({c})"),
    )


logical = st.recursive(comparison, _logical, max_leaves=4)
figures = st.dictionaries(
    st.sampled_from(NAMES + REFS), st.sampled_from([D(0), D(1), D("-3.5"), D("12.34"), D(100)]), max_size=5
)


@given(st.one_of(numeric, logical), figures)
def test_compiled_expressions_agree_with_the_evaluator(text: str, values: dict[str, Decimal]) -> None:
    try:
        node = ex.parse(text)
    except ex.ExprError:
        assume(False)
        return
    data = {k: v for k, v in values.items() if k in NAMES}
    refs = {k: v for k, v in values.items() if k in REFS}

    def missing(kind: str) -> ex.Unavailable:
        return ex.Unavailable((f"缺少{kind}",))

    slow = ex.evaluate(
        node, lambda n: data[n] if n in data else missing(n), lambda r: refs[r] if r in refs else missing(r)
    )
    try:
        fast = compile_expr(node)(data, refs)
    except FAILURES:
        assert isinstance(slow, ex.Unavailable)
        return
    assert not isinstance(slow, ex.Unavailable)
    assert type(fast) is type(slow)
    assert fast == slow


REFERENCING = table("""
total: 10
indicators:
  - id: g
    name: 组
    weight: 10
    children:
      - {id: g.rate, name: 填报率, weight: 5, unit: "%", rule: {type: proportional, target: 100}}
      - {id: g.half, name: 折半率, weight: 5, unit: "%", value: "@g.rate / 2",
         rule: {type: proportional, target: 50}}
""")


def test_an_expression_reads_an_entered_value() -> None:
    card = score(REFERENCING, "inputs: {g.rate: {value: 80, reason: 据台账}}")
    assert card.ok, [i.message for i in card.issues]
    assert card.indicator("g.half").value == D(40)
    assert card.indicator("g.half").score == D(4)
    assert "80.00%/2=40.00%" in card.indicator("g.half").explanation


STAND_IN = table("""
total: 10
indicators:
  - id: r
    name: 预算执行率
    weight: 10
    unit: "%"
    value: "expenditure_final / expenditure_budget * 100"
    rule: {type: proportional, target: 100}
""")


def test_an_entered_value_stands_in_with_its_reason_worded_lazily() -> None:
    card = score(STAND_IN, "inputs: {r: {value: 95, reason: 决算数据尚未公布}}")
    assert card.ok
    assert card.indicator("r").score == D("9.5")
    text = card.indicator("r").explanation
    assert "缺少数据" in text and "采用填报值95.00%" in text and "决算数据尚未公布" in text
    assert "data." not in text


def test_wordings_are_written_once_and_survive_copies() -> None:
    card = score(STAND_IN, "data: {expenditure_final: 90, expenditure_budget: 100}")
    result = card.indicator("r")
    assert isinstance(result.wording, Wording)
    first = result.explanation
    assert result.explanation is first  # kept after the first reading
    assert copy.deepcopy(card).indicator("r").explanation == first
    assert pickle.loads(pickle.dumps(card)).indicator("r").explanation == first
    assert card == score(STAND_IN, "data: {expenditure_final: 90, expenditure_budget: 100}")
    assert card.total_explanation == "指标得分合计9分；总分9分，等级“差”"


def test_scoring_leaves_no_reference_cycles() -> None:
    """A scorecard is freed as soon as it is dropped: scoring many units does not pile up garbage."""
    engine = Engine(STAND_IN)
    figures = {"expenditure_final": D(90), "expenditure_budget": D(100)}
    evaluation = Evaluation("t", 2023, Unit("测试单位"), data=figures)
    engine.score(evaluation)
    gc.collect()
    gc.disable()
    try:
        for read in (False, True):
            card = engine.score(evaluation)
            assert card.indicator("r").score == D(9)
            if read:
                assert card.indicator("r").explanation
            del card
            assert gc.collect() == 0
    finally:
        gc.enable()


def test_a_prepared_checklist_remembers_and_still_rejects() -> None:
    rule = ChecklistRule((ChecklistItem("甲", D(1)), ChecklistItem("乙", D(2))))
    prepared = rules.fraction_for(rule, D(3))
    assert prepared is not None
    assert prepared((0, 1)) == D(1)
    assert prepared((0, 1)) == D(1)  # remembered
    assert prepared([1]) == D(2) / D(3)  # lists are scored too, not remembered
    assert prepared((5,)) is None
    assert "index-out-of-range" in codes(
        score(
            table("""
total: 3
indicators:
  - {id: c, name: 制度, weight: 3, rule: {type: checklist, items: [{text: 甲, points: 1}, {text: 乙, points: 2}]}}
"""),
            "inputs: {c: {checked: [0, 7]}}",
        )
    )


def test_an_entered_value_stands_in_for_a_result_out_of_range() -> None:
    card = score(
        STAND_IN,
        """
data: {expenditure_final: 100000000000000, expenditure_budget: 0.01}
inputs: {r: {value: 95, reason: 按决算数}}
""",
    )
    assert card.indicator("r").score == D("9.5")
    assert "计算结果超出合理范围" in card.indicator("r").explanation


def test_a_prepared_judgement_reads_the_first_tier_of_a_name_as_the_error_message_does() -> None:
    rule = JudgementRule((Tier("好", D("0.8"), D(1)), Tier("好", D(0), D("0.5"))))
    assert rules.judge_for(rule)(D(2), "好", D(5)) is None  # 40 % is not in the first 好 (80–100 %)
    assert rules.judgement(rule, D(2), "好", D(5)).code == "tier-mismatch"


ONE_LEAF = """
total: 10
indicators:
  - {id: r, name: 完成率, weight: 10, unit: "%", rule: {type: proportional, target: 100}}
  - {id: n, name: 违规, weight: 0, rule: {type: per_occurrence, per: 1}}
"""


def test_a_zero_score_is_never_negative_zero() -> None:
    card = score(
        table(ONE_LEAF.replace("weight: 0", "weight: 2").replace("total: 10", "total: 12")),
        "inputs: {r: {value: -0.0, reason: 未执行}, n: {count: 0}}",
    )
    assert str(card.indicator("r").score) == "0.00"


def test_an_entered_count_is_kept_as_entered() -> None:
    card = score(
        table(ONE_LEAF.replace("weight: 0", "weight: 2").replace("total: 10", "total: 12")),
        "inputs: {r: {value: 100, reason: 已完成}, n: {count: 2}}",
    )
    assert str(card.indicator("n").value) == "2"
    assert card.indicator("n").score == D(0)


def test_a_single_figure_under_a_formula_text_ending_in_equals() -> None:
    stated = table("""
total: 10
indicators:
  - {id: s, name: 满意度, weight: 10, unit: "%", value: satisfaction, formula_text: "满意度=",
     rule: {type: proportional, target: 100}}
""")
    card = score(stated, "data: {satisfaction: 95}")
    assert card.indicator("s").explanation.startswith("为95.00%")


def test_explanations_read_late_show_the_figures_scored() -> None:
    engine = Engine(STAND_IN)
    figures = {"expenditure_final": D(90), "expenditure_budget": D(100)}
    card = engine.score(Evaluation("t", 2023, Unit("测试单位"), data=figures))
    figures["expenditure_final"] = D(50)  # a caller reusing its dict for the next unit
    assert "90.00万元/100.00万元" in card.indicator("r").explanation


def test_a_referenced_count_is_shown_as_a_count() -> None:
    counted = table("""
total: 10
indicators:
  - {id: n, name: 违规次数, weight: 5, rule: {type: per_occurrence, per: 1}}
  - {id: m, name: 加倍次数, weight: 5, value: "@n * 2", rule: {type: per_occurrence, per: 1}}
""")
    card = score(counted, "inputs: {n: {count: 2}}")
    assert card.ok, [i.message for i in card.issues]
    assert card.indicator("m").explanation.startswith("加倍次数=违规次数×2=2次×2=4次")
