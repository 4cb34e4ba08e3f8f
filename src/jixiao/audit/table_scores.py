"""Scores read off a report's 评分表 table: rows with a 分值 and a 得分 column, and its 总分 row.

A table is a run of table lines: rows of a .docx table, or "a | b | c" lines of a text or Markdown
report (a PDF's text layer runs cells together, so its tables are not read). Its header row names
both columns (分值/权重/满分…, 得分/自评得分…); each following row with as many cells as the header
gives the indicator named in its last text cell before those columns, with its weight and score.
Rows whose cells were merged differently from the header are skipped rather than misread, and so
is a row whose 得分 is followed by a row with a 分值 but an empty 得分 (a score merged over both).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from .model import IndicatorScore, Line

WEIGHT_HEADERS = frozenset({"分值", "标准分值", "指标分值", "权重", "权重分", "权重分值", "满分", "标准分", "分值权重"})
SCORE_HEADERS = frozenset({"得分", "自评得分", "评价得分", "实际得分", "自评分", "考核得分", "评分得分", "自评分值"})
TOTAL_NAMES = frozenset({"总分", "总计", "合计", "自评总分", "总得分", "综合得分", "评价总分", "得分合计"})
_SEPARATOR_ROW = re.compile(r"^[\s|:\-]+$")
_DECORATION = re.compile(r"[*\s]|[（(]分[）)]$")
_NUMBER = re.compile(r"^(?P<n>\d+(?:\.\d+)?)分?$")


@dataclass
class TableScores:
    """Indicator rows and the 总分 row (score, quote, line) of the 评分表 tables of a document."""

    rows: list[IndicatorScore] = field(default_factory=list)
    total: tuple[Decimal, str, int] | None = None
    total_weight: Decimal | None = None  # the 分值 of the 总分/合计 row, when it has one
    skipped: int = 0  # rows with numbers that could not be read (merged unlike the header): the table is partly read


@dataclass(frozen=True)
class _Header:
    weight: int
    score: int
    cells: int


def table_scores(lines: tuple[Line, ...]) -> TableScores:
    """Every 评分表 row with a weight and a score, and the table's 总分 (see the module docstring)."""
    found = TableScores()
    header: _Header | None = None
    last: IndicatorScore | None = None
    for line in lines:
        cells = _cells(line)
        if cells is None:
            header, last = None, None  # the table has ended
        elif header is None:
            header = _header(cells)
        elif len(cells) != header.cells:
            found.skipped += any(_number(c) is not None for c in cells)
        else:
            row = _row(cells, header, line, found)
            if row is UNSCORED and last is not None and found.rows and found.rows[-1] is last:
                found.rows.pop()  # its 得分 cell may be merged over this row too: not its own score
            last = row if isinstance(row, IndicatorScore) else None
    return found


def _cells(line: Line) -> list[str] | None:
    text = line.text.strip()
    if not line.in_table and text.count("|") < 2:
        return None
    if _SEPARATOR_ROW.match(text):
        return []  # a Markdown rule under the header: part of the table, no cells
    if not line.in_table:  # "| a | b |": the outer bars are borders (a .docx row's are empty cells)
        text = text.removeprefix("|").removesuffix("|")
    return [_DECORATION.sub("", cell) for cell in text.split("|")]


def _header(cells: list[str]) -> _Header | None:
    weight = next((i for i, c in enumerate(cells) if c in WEIGHT_HEADERS), None)
    score = next((i for i, c in enumerate(cells) if c in SCORE_HEADERS), None)
    if weight is None or score is None:
        return None
    return _Header(weight, score, len(cells))


UNSCORED = object()
"""A row with a weight but an empty 得分 cell (what a score merged over several rows leaves)."""


def _row(cells: list[str], header: _Header, line: Line, found: TableScores) -> IndicatorScore | object | None:
    score, weight = _number(cells[header.score]), _number(cells[header.weight])
    if score is None:
        return UNSCORED if weight is not None and not cells[header.score] else None
    names = [c for c in cells[: min(header.weight, header.score)] if c and _number(c) is None]
    if not names:
        return None
    name, quote = names[-1], line.text.strip()
    if name in TOTAL_NAMES:
        if found.total is None:
            found.total, found.total_weight = (score, quote[:120], line.number), weight
        return None
    if weight is None:
        return None
    level = max(i for i, c in enumerate(cells[: min(header.weight, header.score)]) if c == name)
    row = IndicatorScore(name, score, weight, quote, line.number, level)
    found.rows.append(row)
    return row


def _number(cell: str) -> Decimal | None:
    match = _NUMBER.match(cell)
    return Decimal(match["n"]) if match else None
