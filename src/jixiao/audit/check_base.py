"""Shared pieces of the checks: figure names, number and marker formatting, prose lines, findings."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from ..core.numbers import fmt_points
from ..frameworks.loader import DEFAULT_GRADES
from . import numbers_zh as nz
from . import patterns as p
from .model import Document, Finding, Line

GRADES = tuple((band.min, band.grade) for band in DEFAULT_GRADES)  # when the report names no table
KEY_FIGURES = {
    "income_budget": "收入预算数",
    "income_final": "收入决算数",
    "expenditure_budget": "支出预算数",
    "expenditure_final": "支出决算数",
}
FIGURE_NAMES = {
    **KEY_FIGURES,
    "basic_expenditure": "基本支出",
    "project_expenditure": "项目支出",
    "carryover_prior": "上年结转结余",
    "carryover_end": "年末结转结余",
    "procurement_plan": "政府采购计划",
    "procurement_actual": "实际政府采购金额",
    "public_budget": "公用经费预算数",
    "public_final": "公用经费决算数",
    "sangong_budget": "“三公”经费预算数",
    "sangong_final": "“三公”经费决算数",
    "personnel_expenditure": "人员经费",
    "public_prior": "上年公用经费决算数",
    "sangong_prior": "上年“三公”经费决算数",
}


def fmt_plain(value: Decimal) -> str:
    """A figure without needless zeros: 912.97, 3.5, 100 (the engine's own formatting)."""
    return fmt_points(value)


def fmt_wan(value: Decimal) -> str:
    return f"{fmt_plain(value)}万元"


_MARKER_FORMS = {
    "cn": "{}、",
    "cn_paren": "（{}）",
    "arabic": "{}.",
    "arabic_paren": "（{}）",
    "circled": "{}",
    "ordinal_shi": "{}是",
    "ordinal_di": "第{}",
}


def marker_text(kind: str, value: int) -> str:
    """How a marker is written: 二、 （三） 4. （5） ⑥ 七是."""
    if kind == "circled":
        return "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"[value - 1] if 0 < value <= 20 else str(value)
    shown = nz.int_to_cn(value) if kind in ("cn", "cn_paren", "ordinal_shi", "ordinal_di") else str(value)
    return _MARKER_FORMS.get(kind, "{}").format(shown)


@lru_cache(maxsize=8)
def prose(doc: Document) -> tuple[Line, ...]:
    """Lines of running text: not table rows (a .docx table, "a | b | c" in plain text), and nothing after an
    appendix heading "附件1 数据表" / "附件2 评分表" (a PDF's text layer runs table cells together)."""
    lines: list[Line] = []
    for line in doc.lines:
        if p.APPENDIX_TABLE.match(line.text):
            break
        if not line.in_table and line.text.count("|") < 2 and not looks_tabular(line.text):
            lines.append(line)
    return tuple(lines)


@lru_cache(maxsize=8)
def text_lines(doc: Document) -> tuple[Line, ...]:
    """Lines that are not table rows, up to an appendix table: like ``prose`` but keeping a long line that
    holds a whole flattened report (its sentences are read one by one)."""
    lines: list[Line] = []
    for line in doc.lines:
        if p.APPENDIX_TABLE.match(line.text):
            break
        if not line.in_table and line.text.count("|") < 2:
            lines.append(line)
    return tuple(lines)


_NUMBER = re.compile(r"\d+(?:\.\d+)?")


_PUNCTUATION = re.compile(r"[，。；、：,;:！？]")


def looks_tabular(text: str) -> bool:
    """A table's cells run together (a PDF text layer): many numbers, hardly any punctuation."""
    numbers = len(_NUMBER.findall(text))
    return numbers >= 8 and len(_PUNCTUATION.findall(text)) * 100 < 3 * len(text)


def _f(severity: str, code: str, message: str, quote: str = "", line: int | None = None) -> Finding:
    return Finding(severity, code, message, quote, line)  # type: ignore[arg-type]


def sentences(text: str) -> list[str]:
    """A line split at 。！？ (clauses joined by ，；stay together)."""
    return [s for s in re.split(r"[。！？]", text) if s]
