"""Wording of explanations: how a reviewer writes a computed figure, a transfer, a total."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from .expr import Expr, Name, render_names
from .fields import STANDARD_FIELDS
from .model import Field, Indicator
from .numbers import fmt, fmt_points

MONEY_AND_RATIO = ("万元", "元", "亿元", "%", "")


def field_label(name: str, fields: Mapping[str, Field]) -> str:
    """The Chinese name of a data id (standard or declared by the table)."""
    if name in STANDARD_FIELDS:
        return STANDARD_FIELDS[name].name
    return fields[name].name if name in fields else name


def field_figure(name: str, value: Decimal, fields: Mapping[str, Field]) -> str:
    """A data value as a report prints it: 912.97万元, 23人, 100.00%."""
    return f"{field_number(name, value, fields)}{field_unit(name, fields)}"


def field_number(name: str, value: Decimal, fields: Mapping[str, Field]) -> str:
    """The number of a data value as printed: a count whole (23), amounts and ratios with two decimals."""
    standard = STANDARD_FIELDS.get(name)
    if standard is not None:
        return fmt_points(value) if standard.kind == "count" else fmt(value)
    whole = field_unit(name, fields) not in MONEY_AND_RATIO and value == value.to_integral_value()
    return fmt_points(value) if whole else fmt(value)


def field_unit(name: str, fields: Mapping[str, Field]) -> str:
    """The unit of a data id (standard or declared by the table)."""
    if name in STANDARD_FIELDS:
        return STANDARD_FIELDS[name].unit
    return fields[name].unit if name in fields else ""


def value_text(value: Decimal, unit: str) -> str:
    """A leaf's value with its unit."""
    return f"{fmt(value)}{unit}"


def figure(value: Decimal, unit: str, counted: bool = False) -> str:
    """A leaf's value as printed: a count as 3次, anything else with two decimals and its unit."""
    return f"{fmt_points(value)}{unit or '次'}" if counted else value_text(value, unit)


def formula_head(leaf: Indicator, expr: Expr, labels: Mapping[str, str]) -> str:
    """The formula as the table prints it, or rendered from the expression with Chinese names."""
    if leaf.formula_text:
        text = leaf.formula_text.rstrip("。；; ")
        return text if "=" in text else f"{leaf.name}={text}"
    symbolic = render_names(expr, lambda n: labels.get(n, n), percent=leaf.unit == "%")
    return f"{leaf.name}={symbolic}"


def plain(reason: str) -> str:
    """A reason as a document prints it: without the data ids users need in error messages."""
    return re.sub(r"（data\.[A-Za-z0-9_]+）", "", reason)


@dataclass(frozen=True, slots=True)
class Formula:
    """How a computed leaf's formula is written: prepared once per table, filled per evaluation."""

    head: str  # 支出完成率=单位年度实际支出/财政下达预算数×100%
    slots: tuple[str, ...]  # the expression split around its names: text, name, text, …, text
    stated: str | None  # for a single figure, the name it is stated under (社会公众或服务对象满意度); else None


def formula(leaf: Indicator, expr: Expr, labels: Mapping[str, str]) -> Formula:
    """The table-only part of a computed leaf's explanation."""
    if isinstance(expr, Name):
        stated = leaf.formula_text.split("=")[-1].strip() if leaf.formula_text else labels.get(expr.name, expr.name)
        return Formula("", (), stated)
    marked = render_names(expr, lambda n: f"\0{n}\0", percent=leaf.unit == "%")
    return Formula(formula_head(leaf, expr, labels), tuple(marked.split("\0")), None)


def computed(prepared: Formula, figures: Mapping[str, str], result: str) -> str:
    """formula = figures = result, e.g. 支出完成率=…=4276.91万元/（…）×100%=97.02%; a single figure is
    stated plainly (社会公众或服务对象满意度为100.00%) rather than as a circular formula."""
    if prepared.stated is not None:
        return f"{prepared.stated}为{result}"
    shown = "".join(figures.get(s, s) if i % 2 else s for i, s in enumerate(prepared.slots))
    head = prepared.head
    return f"{head}={result}" if shown == result else f"{head}={shown}={result}"


def transfer_in(sources: list[tuple[Indicator, Decimal]]) -> str:
    """Said on the leaf that receives moved weight."""
    return "；".join(f"{src.name}不适用，其{fmt_points(w)}分调整至本指标" for src, w in sources)


def not_applicable(reason: str, leaf: Indicator, target: Indicator | None) -> str:
    """Said on a leaf that is not applicable, by its policy."""
    head = f"不适用：{reason}" if reason else "不适用"
    policy = leaf.not_applicable
    if policy is None:
        return head
    if policy.kind == "move_to" and target is not None:
        return f"{head}；{fmt_points(leaf.weight)}分调整至{target.name}"
    if policy.kind == "full_marks":
        return f"{head}；按评分表规定计满分{fmt_points(leaf.weight)}分"
    return f"{head}；按评分表规定不得分"


def inner(children: int, score: Decimal | None, weight: Decimal) -> str:
    """Said on an inner node."""
    if score is None:
        return f"下设{children}项指标，因存在错误未能合计（分值{fmt_points(weight)}分）"
    return f"下设{children}项指标，合计得{fmt_points(score)}分（分值{fmt_points(weight)}分）"
