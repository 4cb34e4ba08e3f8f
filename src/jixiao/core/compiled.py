"""Expressions compiled once per table into closures, for scoring many evaluations fast.

``compile_expr(node)`` returns a function of ``(data, values)`` — the evaluation's figures and
the numeric values of the leaves computed so far — that computes what ``expr.evaluate``
computes, on the happy path only. A missing figure or value raises ``KeyError`` and a zero
denominator raises a ``decimal`` ``ArithmeticError``; the engine then evaluates the expression
again with ``expr.evaluate``, which collects every reason. Both apply the same ``Decimal``
operations in the same order, so their results are identical.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from decimal import Decimal

from .expr import OPERATORS, Bin, BoolOp, Call, Cmp, Expr, Name, Neg, Not, Num, Ref, Value

Values = Mapping[str, Decimal]
Compiled = Callable[[Values, Values], Value]

_BINARY: dict[str, Callable[[Decimal, Decimal], Value]] = {**OPERATORS, "/": operator.truediv}

FAILURES = (KeyError, ArithmeticError)
"""What a compiled expression raises when the value is unavailable (see the module docstring)."""


def compile_expr(node: Expr) -> Compiled:
    """The closure computing ``node`` from (data, values); see the module docstring."""
    if isinstance(node, Num):
        return _constant(node.value)
    if isinstance(node, Name):
        return _figure(node.name)
    if isinstance(node, Ref):
        return _reference(node.target)
    if isinstance(node, Neg):
        return _negative(compile_expr(node.operand))
    if isinstance(node, Not):
        return _negation(compile_expr(node.operand))
    if isinstance(node, Bin | Cmp):
        return _binary(node)
    operands = tuple(compile_expr(o) for o in (node.operands if isinstance(node, BoolOp) else node.args))
    if isinstance(node, BoolOp):
        return _all(operands) if node.op == "and" else _any(operands)
    assert isinstance(node, Call)
    return _function(node.func, operands)


def _constant(value: Decimal) -> Compiled:
    return lambda data, values: value


def _figure(name: str) -> Compiled:
    return lambda data, values: data[name]


def _reference(target: str) -> Compiled:
    return lambda data, values: values[target]


def _negative(operand: Compiled) -> Compiled:
    def negative(data: Values, values: Values) -> Value:
        number: Decimal = operand(data, values)  # type: ignore[assignment]  # typed at load
        return -number

    return negative


def _negation(operand: Compiled) -> Compiled:
    return lambda data, values: not operand(data, values)


def _binary(node: Bin | Cmp) -> Compiled:
    apply = _BINARY[node.op]
    left, right = node.left, node.right
    if isinstance(left, Name) and isinstance(right, Name):  # the common a / b of a ratio
        a, b = left.name, right.name
        return lambda data, values: apply(data[a], data[b])
    if isinstance(right, Num):  # … × 100
        first, constant = compile_expr(left), right.value
        return lambda data, values: apply(first(data, values), constant)  # type: ignore[arg-type]
    first, second = compile_expr(left), compile_expr(right)
    return lambda data, values: apply(first(data, values), second(data, values))  # type: ignore[arg-type]


def _all(operands: tuple[Compiled, ...]) -> Compiled:
    # every operand is evaluated (no short-circuit): an unavailable one makes the whole unavailable
    return lambda data, values: all([bool(f(data, values)) for f in operands])


def _any(operands: tuple[Compiled, ...]) -> Compiled:
    return lambda data, values: any([bool(f(data, values)) for f in operands])


def _function(func: str, operands: tuple[Compiled, ...]) -> Compiled:
    if func == "abs":
        only = operands[0]

        def absolute(data: Values, values: Values) -> Value:
            number: Decimal = only(data, values)  # type: ignore[assignment]  # typed at load
            return abs(number)

        return absolute
    pick = min if func == "min" else max

    def extreme(data: Values, values: Values) -> Value:
        numbers: list[Decimal] = [f(data, values) for f in operands]  # type: ignore[misc]  # typed at load
        return pick(numbers)

    return extreme
