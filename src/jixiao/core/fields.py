"""The standard data fields of the 数据表 (formats §2): Chinese names, units and kinds."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from .expr import names
from .model import Framework

FieldKind = Literal["amount", "count", "percent"]


@dataclass(frozen=True, slots=True)
class StandardField:
    id: str
    name: str
    unit: str
    kind: FieldKind


_AMOUNTS = {
    "income_budget": "收入预算数",
    "income_final": "收入决算数",
    "income_general": "一般公共预算财政拨款收入",
    "income_fund": "政府性基金预算财政拨款收入",
    "income_other": "其他收入",
    "expenditure_budget": "支出预算数",
    "expenditure_final": "支出决算数",
    "basic_expenditure": "基本支出",
    "project_expenditure": "项目支出",
    "personnel_expenditure": "人员经费",
    "carryover_prior": "上年结转结余",
    "carryover_end": "年末结转结余",
    "stock_prior": "上年末国库集中支付结转结余存量资金",
    "stock_end": "年末存量资金",
    "procurement_plan": "政府采购预算(计划)",
    "procurement_actual": "政府采购实际金额",
    "procurement_goods": "政府采购货物支出",
    "procurement_works": "政府采购工程支出",
    "procurement_services": "政府采购服务支出",
    "fixed_assets_total": "固定资产总额",
    "fixed_assets_in_use": "在用固定资产总额",
    "public_budget": "公用经费预算数",
    "public_final": "公用经费决算数",
    "public_prior": "上年公用经费决算数",
    "sangong_budget": "“三公”经费预算数",
    "sangong_final": "“三公”经费决算数",
    "sangong_prior": "上年“三公”经费决算数",
}

_COUNTS = {
    "staff_quota": ("编制数", "人"),
    "staff_actual": ("在职人数", "人"),
    "key_tasks_planned": ("重点工作计划数", "项"),
    "key_tasks_done": ("重点工作完成数", "项"),
    "goals_planned": ("绩效目标数", "个"),
    "goals_met": ("已完成绩效目标数", "个"),
    "projects_planned": ("预算项目数", "个"),
    "projects_on_time": ("按时完成项目数", "个"),
    "petitions": ("信访数", "件"),
}


def _build() -> dict[str, StandardField]:
    table = {k: StandardField(k, v, "万元", "amount") for k, v in _AMOUNTS.items()}
    table.update({k: StandardField(k, n, u, "count") for k, (n, u) in _COUNTS.items()})
    table["satisfaction"] = StandardField("satisfaction", "满意度", "%", "percent")
    return table


STANDARD_FIELDS: Mapping[str, StandardField] = _build()


def used_fields(framework: Framework, given: Iterable[str] = ()) -> list[str]:
    """The data ids a table reads — in its values and its cap conditions — and the ``given`` ones:
    standard ids in formats §2 order, then the others sorted."""
    used = set(given)
    for node, _ in framework.walk():
        if node.value is not None:
            used |= names(node.value)
    for cap in framework.caps:
        used |= names(cap.when)
    return [f for f in STANDARD_FIELDS if f in used] + sorted(used - set(STANDARD_FIELDS))
