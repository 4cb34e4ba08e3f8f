"""The safe expression language: grammar, types, unavailable values, rendering; never eval."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.core import expr as ex

D = Decimal
DATA = {"a": D("4276.91"), "b": D("4029.42"), "c": D("378.68"), "z": D("0"), "n": D("-5")}


def run(text: str, data: dict[str, Decimal] | None = None, refs: dict[str, Decimal] | None = None) -> object:
    values = DATA if data is None else data
    ref_values = refs or {}

    def lookup(name: str) -> ex.Value | ex.Unavailable:
        return values[name] if name in values else ex.Unavailable((f"缺少{name}",))

    def ref(target: str) -> ex.Value | ex.Unavailable:
        return ref_values[target] if target in ref_values else ex.Unavailable((f"无{target}",))

    return ex.evaluate(ex.parse(text), lookup, ref)


def test_zhanjiang_completion_rate() -> None:
    value = run("a / (b + c) * 100")
    assert isinstance(value, Decimal)
    assert value.quantize(D("0.01")) == D("97.02")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 + 2 * 3", D(7)),
        ("(1 + 2) * 3", D(9)),
        ("10 - 4 - 3", D(3)),
        ("12 / 3 / 2", D(2)),
        ("-2 * 3", D(-6)),
        ("--2", D(2)),
        ("abs(n)", D(5)),
        ("min(3, 1, 2)", D(1)),
        ("max(3, 1, 2)", D(3)),
        ("0.1 + 0.2", D("0.3")),
        ("3 × 2 ÷ 4", D("1.5")),
        ("（1+1）*2", D(4)),
    ],
)
def test_arithmetic(text: str, expected: Decimal) -> None:
    assert run(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 < 2", True),
        ("2 <= 2", True),
        ("1 > 2", False),
        ("2 >= 3", False),
        ("1 == 1.0", True),
        ("1 != 1", False),
        ("1 < 2 and 2 < 3", True),
        ("1 > 2 or 2 < 3", True),
        ("not 1 > 2", True),
        ("not (1 < 2 and 3 < 2)", True),
        ("1 < 2 or 1 < 2 and 1 > 2", True),
    ],
)
def test_conditions(text: str, expected: bool) -> None:
    assert run(text) is expected


def test_refs_and_names_are_listed() -> None:
    node = ex.parse("@execution.rate < 50 and a > b")
    assert ex.refs(node) == {"execution.rate"}
    assert ex.names(node) == {"a", "b"}
    assert run("@x.y * 2", refs={"x.y": D(3)}) == D(6)


def test_missing_operand_makes_whole_expression_unavailable_with_all_reasons() -> None:
    value = run("missing1 + missing2 * 0")
    assert isinstance(value, ex.Unavailable)
    assert value.reasons == ("缺少missing1", "缺少missing2")


def test_no_short_circuit() -> None:
    assert isinstance(run("1 > 2 and missing > 0"), ex.Unavailable)
    assert isinstance(run("1 < 2 or missing > 0"), ex.Unavailable)


def test_zero_denominator_is_unavailable_with_reason() -> None:
    value = run("a / z * 100")
    assert isinstance(value, ex.Unavailable)
    assert "为零" in value.reasons[0]
    assert isinstance(run("a / (c - c)"), ex.Unavailable)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "1 +",
        "(1 + 2",
        "1 + 2)",
        "1 < 2 < 3",
        "a $ b",
        "__import__('os')",
        "eval(1)",
        "a.b",
        "1 + (2 > 1)",
        "not 3",
        "abs(1, 2)",
        "min()",
        "1 and 2",
        "abs(1 > 2)",
    ],
)
def test_malformed_expressions_raise_expr_error(text: str) -> None:
    with pytest.raises(ex.ExprError) as info:
        ex.parse(text)
    assert info.value.message


def test_render_with_figures_and_percent() -> None:
    node = ex.parse("expenditure_final / (income_final + carryover_prior) * 100")
    figures = {"expenditure_final": "4276.91万元", "income_final": "4029.42万元", "carryover_prior": "378.68万元"}
    text = ex.render_names(node, lambda n: figures[n], percent=True)
    assert text == "4276.91万元/（4029.42万元+378.68万元）×100%"


def test_render_keeps_needed_parentheses_only() -> None:
    show = str
    assert ex.render_names(ex.parse("(a - b) - (c - n)"), show) == "a-b-（c-n）"
    assert ex.render_names(ex.parse("a / (b / c)"), show) == "a/（b/c）"
    assert ex.render_names(ex.parse("(a / b - 1) * 100"), show, percent=True) == "（a/b-1）×100%"
    assert ex.render_names(ex.parse("abs(a - b)"), show) == "|a-b|"


_leaf = st.one_of(
    st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from(["a", "b", "c"]),
)


def _combine(children: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.tuples(st.sampled_from(["+", "-", "*", "/"]), children, children)


@st.composite
def trees(draw: st.DrawFn) -> object:
    return draw(st.recursive(_leaf, _combine, max_leaves=8))


def _text(tree: object) -> str:
    if isinstance(tree, tuple):
        op, left, right = tree
        return f"({_text(left)} {op} {_text(right)})"
    return f"({tree})" if isinstance(tree, Decimal) and tree < 0 else str(tree)


def _value(tree: object) -> Decimal | None:
    if isinstance(tree, tuple):
        op, left, right = tree
        a, b = _value(left), _value(right)
        if a is None or b is None or (op == "/" and b == 0):
            return None
        return {"+": a + b, "-": a - b, "*": a * b, "/": a / b if b else D(0)}[op]
    return DATA[tree] if isinstance(tree, str) else tree


@given(trees())
def test_evaluation_matches_decimal_arithmetic(tree: object) -> None:
    expected = _value(tree)
    got = run(_text(tree))
    if expected is None:
        assert isinstance(got, ex.Unavailable)
    else:
        assert got == expected


@given(st.text(max_size=60))
def test_parser_never_crashes(text: str) -> None:
    try:
        node = ex.parse(text)
    except ex.ExprError:
        return
    assert node.kind in ("num", "bool")


@given(st.text(alphabet="0123456789.+-*/()<>=! abcnotrdmix@,", max_size=40))
def test_parser_never_crashes_on_expression_like_text(text: str) -> None:
    try:
        node = ex.parse(text)
    except ex.ExprError:
        return
    run(text, data={"a": D(1), "b": D(2), "c": D(0)})
    assert node.kind in ("num", "bool")
