"""Plausibility of the figures an evaluation states: warnings (never errors) that name the field.

A percent that cannot exceed 100 (a 满意度) stated above it scores full marks, and one written as
a fraction (0.95 meaning 95 %) scores nothing — both without anyone noticing. The figures may be
right (a warning does not block), so the unit is asked to check them: ``value-implausible``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from .fields import STANDARD_FIELDS
from .model import Framework, Indicator, Issue, ProportionalRule, Severity
from .numbers import HUNDRED, ONE, ZERO, fmt, fmt_points

CODE = "value-implausible"
BOUNDED = "满意"  # a percent of people (满意度、满意率): never above 100


def bounded_fields(framework: Framework) -> dict[str, str]:
    """Data ids whose value is a percent that cannot exceed 100, with their Chinese names."""
    found = {f.id: f.name for f in STANDARD_FIELDS.values() if f.kind == "percent"}
    found.update({f.id: f.name for f in framework.fields.values() if f.unit.strip() == "%" and BOUNDED in f.name})
    return found


def plausibility(
    framework: Framework, data: Mapping[str, Decimal], entered: Iterable[tuple[Indicator, Decimal]], file: str
) -> list[Issue]:
    """Warnings for the bounded percent fields of ``data`` and the percent values entered for leaves."""
    issues: list[Issue] = []
    for name, label in bounded_fields(framework).items():
        value = data.get(name)
        if value is not None:
            issues += _check(value, f"数据“{label}”", f"data.{name}", True, file)
    for leaf, value in entered:
        if leaf.unit.strip() != "%":
            continue
        bounded = BOUNDED in leaf.name
        if bounded or _large_target(leaf):
            issues += _check(value, f"指标“{leaf.name}”的填报值", f'inputs["{leaf.id}"].value', bounded, file)
    return issues


def _large_target(leaf: Indicator) -> bool:
    """A rate scored against a target of 50 % or more: 0.95 against 100 is surely a fraction."""
    rule = leaf.rule
    return isinstance(rule, ProportionalRule) and rule.direction == "higher" and rule.target >= 50


def _check(value: Decimal, what: str, path: str, bounded: bool, file: str) -> list[Issue]:
    if bounded and value > HUNDRED:
        message = f"{what}为{fmt(value)}%，超过100%，不合常理；请核对（百分数以100为满）"
    elif ZERO < value <= ONE:
        written = fmt_points(value * HUNDRED)
        message = f"{what}为{fmt(value)}%，像是以小数表示的比率（如 0.95 表示 95%）；百分数请写 {written}"
    else:
        return []
    return [Issue(Severity.WARNING, CODE, path, message, file)]
