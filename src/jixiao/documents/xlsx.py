"""The workbook a unit submits: 数据表 and 评分表 as an .xlsx (XlsxWriter).

Both sheets come from the shared rows of ``tables.py``. Figures, weights and leaf scores are
numbers; subtotals, the sum of the indicators, the total and the grade are formulas over the
cells above them, so a reviewer who edits a leaf score sees the table add up again. Every formula
carries the scorecard's own result as its cached value, so readers that do not recalculate
(openpyxl, previewers, mail clients) show the right numbers too. A scorecard with errors still
gives both sheets, with blanks where a value is unknown and a visible note instead of the total.
The table scored on travels in custom document properties (``frameworks.embedded``), so the
评分表 sheet re-imports to the same table.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..core.fields import STANDARD_FIELDS
from ..core.model import Evaluation, Framework, Item, Scorecard, Severity
from ..frameworks.embedded import table_properties
from .tables import DataRow, ScoreRow, ScoreTable, TotalRow, data_rows, score_table

DATA_SHEET = "数据表"
SCORE_SHEET = "评分表"
DATA_HEADERS = ("序号", "项目", "数值", "单位", "数据项编号")
DATA_WIDTHS = (6, 36, 16, 8, 28)
SCORE_HEADERS = ("一级指标", "二级指标", "三级指标", "分值", "指标解释", "评分标准", "计算过程", "得分")
SCORE_WIDTHS = (14, 14, 18, 7, 40, 40, 50, 8)
WEIGHT_COL = SCORE_HEADERS.index("分值")
NOTE_COL = SCORE_HEADERS.index("指标解释")
PROCESS_COL = SCORE_HEADERS.index("计算过程")
SCORE_COL = SCORE_HEADERS.index("得分")
DATA_HEADER_ROW = 1  # 0-based: title, header, figures
SCORE_HEADER_ROW = 2  # 0-based: title, table identity, header, indicators
ERROR_NOTE = "存在错误，未能给出总分"
FOOTER = "&C第 &P 页 共 &N 页"
A4 = 9
LINE_HEIGHT = 13.5  # points per line of 10-point text
FONT = "宋体"
TITLE_FONT = "黑体"


@dataclass(frozen=True, slots=True)
class _Styles:
    """The cell formats of the workbook, made once per workbook."""

    title: Format
    subtitle: Format
    header: Format
    text: Format
    wrap: Format
    bold: Format
    weight: Format
    weight_bold: Format
    score: Format
    score_bold: Format
    amount: Format
    percent: Format
    count: Format
    number: Format
    note: Format

    @classmethod
    def of(cls, book: Workbook) -> _Styles:
        def fmt(**props: Any) -> Format:
            base: dict[str, Any] = {"font_name": FONT, "font_size": 10, "border": 1, "valign": "vcenter"}
            return book.add_format(base | props)

        return cls(
            title=fmt(font_name=TITLE_FONT, font_size=16, bold=True, align="center", border=0),
            subtitle=fmt(font_size=9, align="center", border=0, text_wrap=True),
            header=fmt(bold=True, align="center", text_wrap=True, bg_color="#D9D9D9"),
            text=fmt(text_wrap=True),
            wrap=fmt(text_wrap=True, valign="top"),
            bold=fmt(bold=True, text_wrap=True),
            weight=fmt(align="center"),
            weight_bold=fmt(align="center", bold=True),
            score=fmt(num_format="0.00"),
            score_bold=fmt(num_format="0.00", bold=True),
            amount=fmt(num_format="#,##0.00"),
            percent=fmt(num_format="0.00"),
            count=fmt(num_format="0"),
            number=fmt(),
            note=fmt(bold=True, font_color="#C00000", text_wrap=True),
        )


def render_xlsx(scorecard: Scorecard, framework: Framework, evaluation: Evaluation, path: Path) -> None:
    """Write the 数据表 and 评分表 of one evaluation to ``path``."""
    path.write_bytes(xlsx_bytes(scorecard, framework, evaluation))


def xlsx_bytes(scorecard: Scorecard, framework: Framework, evaluation: Evaluation) -> bytes:
    """The 数据表 and 评分表 of one evaluation as the bytes of an .xlsx file."""
    buffer = io.BytesIO()
    book = Workbook(buffer, {"in_memory": True, "constant_memory": False})
    book.set_properties(_properties(scorecard, framework, evaluation))
    for name, text in table_properties(framework.canonical):  # the table itself, for `framework import`
        book.set_custom_property(name, text, "text")
    styles = _Styles.of(book)
    _write_data_sheet(book.add_worksheet(DATA_SHEET), data_rows(evaluation, framework), evaluation, styles)
    sheet = book.add_worksheet(SCORE_SHEET)
    _write_score_sheet(sheet, scorecard, framework, evaluation, styles)
    book.close()
    return buffer.getvalue()


def _properties(card: Scorecard, framework: Framework, evaluation: Evaluation) -> dict[str, Any]:
    """Document properties; the fixed creation date makes the same input give the same bytes."""
    day = evaluation.fill_date or date(evaluation.year + 1, 1, 1)
    return {
        "title": f"{card.unit}{card.year}年度部门整体支出绩效自评",
        "subject": framework.name,
        "keywords": f"{framework.id} v{framework.version} sha256:{framework.sha256}",
        "created": datetime(day.year, day.month, day.day),
    }


def _number(value: Decimal) -> int | float:
    """A Decimal as the number written to a cell."""
    return int(value) if value == value.to_integral_value() else float(value)


def _literal(value: Decimal) -> str:
    """A Decimal as a formula literal: 100, 89.5."""
    return f"{value.normalize():f}"


def _setup_print(sheet: Worksheet, header_row: int, landscape: bool) -> None:
    sheet.set_paper(A4)
    if landscape:
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(header_row)
    sheet.center_horizontally()
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    sheet.set_footer(FOOTER)
    sheet.freeze_panes(header_row + 1, 0)


def _widths(sheet: Worksheet, widths: Sequence[float]) -> None:
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)


def _lines(text: str, width: float) -> int:
    """Lines ``text`` wraps to in a column ``width`` characters wide (a CJK character counts 2)."""
    units = len(text.encode("gbk", errors="replace"))  # 2 bytes per CJK character, 1 per ASCII
    return max(1, math.ceil(units / max(1.0, width))) + text.count("\n")


def _fit_height(sheet: Worksheet, r: int, cells: Iterable[tuple[str, float]]) -> None:
    """Set the row height to its longest wrapped text: readers other than Excel do not autofit on load."""
    lines = max((_lines(text, width) for text, width in cells if text), default=1)
    if lines > 1:
        sheet.set_row(r, lines * LINE_HEIGHT + 3)


def _header(sheet: Worksheet, row: int, labels: Sequence[str], style: Format) -> None:
    sheet.set_row(row, 22)
    for col, label in enumerate(labels):
        sheet.write_string(row, col, label, style)


# --------------------------------------------------------------------------- 数据表


def _write_data_sheet(sheet: Worksheet, rows: list[DataRow], evaluation: Evaluation, st: _Styles) -> None:
    last = len(DATA_HEADERS) - 1
    sheet.set_row(0, 30)
    title = f"{evaluation.unit.name}部门整体支出绩效自评数据表（评价年度：{evaluation.year}年）"
    sheet.merge_range(0, 0, 0, last, title, st.title)
    _header(sheet, DATA_HEADER_ROW, DATA_HEADERS, st.header)
    for i, row in enumerate(rows):
        _write_data_row(sheet, DATA_HEADER_ROW + 1 + i, i + 1, row, st)
    _widths(sheet, DATA_WIDTHS)
    _setup_print(sheet, DATA_HEADER_ROW, landscape=False)


def _write_data_row(sheet: Worksheet, r: int, number: int, row: DataRow, st: _Styles) -> None:
    sheet.write_number(r, 0, number, st.weight)
    sheet.write_string(r, 1, row.name, st.text)
    if row.value is None:
        sheet.write_blank(r, 2, None, st.number)
    else:
        sheet.write_number(r, 2, _number(row.value), _data_style(row, row.value, st))
    sheet.write_string(r, 3, row.unit, st.weight)
    sheet.write_string(r, 4, row.id, st.text)


def _data_style(row: DataRow, value: Decimal, st: _Styles) -> Format:
    """#,##0.00 for 万元, 0.00 for %, whole numbers for counts."""
    field = STANDARD_FIELDS.get(row.id)
    kind = field.kind if field else {"万元": "amount", "%": "percent"}.get(row.unit, "")
    if kind == "amount":
        return st.amount
    if kind == "percent":
        return st.percent
    return st.count if value == value.to_integral_value() else st.number


# --------------------------------------------------------------------------- 评分表


def _write_score_sheet(
    sheet: Worksheet, card: Scorecard, framework: Framework, evaluation: Evaluation, st: _Styles
) -> None:
    table = score_table(card, framework)
    _score_title(sheet, card, framework, st)
    _header(sheet, SCORE_HEADER_ROW, SCORE_HEADERS, st.header)
    first = SCORE_HEADER_ROW + 1
    for i, row in enumerate(table.rows):
        _write_indicator(sheet, first + i, row, first, st)
    r = _write_totals(sheet, first + len(table.rows), table, evaluation, st)
    if card.total is None:
        _write_error_note(sheet, r, card, st)
    _widths(sheet, SCORE_WIDTHS)
    _setup_print(sheet, SCORE_HEADER_ROW, landscape=True)


def _score_title(sheet: Worksheet, card: Scorecard, framework: Framework, st: _Styles) -> None:
    last = len(SCORE_HEADERS) - 1
    sheet.set_row(0, 30)
    sheet.merge_range(0, 0, 0, last, f"{card.unit}{card.year}年度部门整体支出绩效自评指标评分表", st.title)
    identity = f"评分表：{framework.name}（{framework.id} 第{framework.version}版，sha256 {framework.sha256[:12]}）"
    sheet.set_row(1, 18)
    sheet.merge_range(1, 0, 1, last, identity, st.subtitle)


def _cell(row: int, col: int = SCORE_COL) -> str:
    return str(xl_rowcol_to_cell(row, col))


def _refs(rows: Iterable[int], col: int = SCORE_COL) -> str:
    """Cells of ``rows`` in one column, runs of consecutive rows as ranges: H5:H8,H10."""
    ordered = sorted(rows)
    runs: list[tuple[int, int]] = []
    for r in ordered:
        if runs and runs[-1][1] == r - 1:
            runs[-1] = (runs[-1][0], r)
        else:
            runs.append((r, r))
    return ",".join(_cell(a, col) if a == b else f"{_cell(a, col)}:{_cell(b, col)}" for a, b in runs)


def _process(row: ScoreRow) -> str:
    """计算过程: the explanation, with the adjusted weight when a transfer changed it."""
    if row.is_leaf and row.applicable and row.effective_weight != row.weight:
        return f"（调整后{_literal(row.effective_weight)}分）{row.explanation}"
    return row.explanation


def _write_indicator(sheet: Worksheet, r: int, row: ScoreRow, first: int, st: _Styles) -> None:
    inner = not row.is_leaf
    name_col = min(row.depth, 3) - 1
    for col in range(3):
        sheet.write_string(r, col, row.name if col == name_col else "", st.bold if inner else st.text)
    sheet.write_number(r, WEIGHT_COL, _number(row.weight), st.weight_bold if inner else st.weight)
    process = _process(row)
    sheet.write_string(r, NOTE_COL, row.definition, st.wrap)
    sheet.write_string(r, NOTE_COL + 1, row.criteria, st.wrap)
    sheet.write_string(r, PROCESS_COL, process, st.wrap)
    texts = (row.name, row.definition, row.criteria, process)
    _fit_height(sheet, r, zip(texts, (SCORE_WIDTHS[name_col], *SCORE_WIDTHS[NOTE_COL : PROCESS_COL + 1]), strict=True))
    style = st.score_bold if inner else st.score
    if row.score is None:
        sheet.write_blank(r, SCORE_COL, None, style)
    elif inner:
        formula = f"=SUM({_refs(first + c for c in row.children)})"
        sheet.write_formula(r, SCORE_COL, formula, style, _number(row.score))
    else:
        sheet.write_number(r, SCORE_COL, _number(row.score), style)


def _write_totals(sheet: Worksheet, r: int, table: ScoreTable, evaluation: Evaluation, st: _Styles) -> int:
    """指标得分合计, 加分项/减分项, 总分 and 等级; returns the next free row."""
    first = SCORE_HEADER_ROW + 1
    cells: dict[str, str] = {}
    for total in table.totals:
        cells[total.kind] = _cell(r)
        _total_label(sheet, r, total.label, _total_note(total, evaluation), st)
        formula = _total_formula(total, table, cells, first)
        _write_value(sheet, r, formula, total.value, st.score_bold)
        if total.kind == "base":
            _write_weight_sum(sheet, r, table, first, st)
        r += 1
    _total_label(sheet, r, "等级", _bands_text(table.grades), st)
    _write_value(sheet, r, _grade_formula(cells["total"], table.grades), table.grade, st.weight_bold)
    return r + 1


def _write_weight_sum(sheet: Worksheet, r: int, table: ScoreTable, first: int, st: _Styles) -> None:
    """分值 of the 指标得分合计 row: the sum of the 一级 weights."""
    weight = sum((table.rows[i].weight for i in table.top), Decimal(0))
    formula = f"=SUM({_refs((first + i for i in table.top), WEIGHT_COL)})"
    sheet.write_formula(r, WEIGHT_COL, formula, st.weight_bold, _number(weight))


def _total_label(sheet: Worksheet, r: int, label: str, note: str, st: _Styles) -> None:
    sheet.merge_range(r, 0, r, 2, label, st.bold)
    sheet.write_blank(r, WEIGHT_COL, None, st.weight_bold)
    sheet.merge_range(r, NOTE_COL, r, PROCESS_COL, note, st.text)
    _fit_height(sheet, r, [(note, sum(SCORE_WIDTHS[NOTE_COL : PROCESS_COL + 1]))])


def _write_value(sheet: Worksheet, r: int, formula: str | None, value: Decimal | str | None, style: Format) -> None:
    """A total cell: blank when unknown, else the formula with its value cached, or the bare value."""
    if value is None:
        sheet.write_blank(r, SCORE_COL, None, style)
        return
    cached = value if isinstance(value, str) else _number(value)
    if formula is not None:
        sheet.write_formula(r, SCORE_COL, formula, style, cached)
    elif isinstance(cached, str):
        sheet.write_string(r, SCORE_COL, cached, style)
    else:
        sheet.write_number(r, SCORE_COL, cached, style)


def _total_formula(total: TotalRow, table: ScoreTable, cells: dict[str, str], first: int) -> str | None:
    """=SUM of the 一级 rows for the base, =MIN(cap, MAX(0, …)) for the total; None for bonus/penalty."""
    if total.kind == "base":
        return f"=SUM({_refs(first + i for i in table.top)})"
    if total.kind != "total":
        return None
    raw = cells["base"] + (f"+{cells['bonus']}" if "bonus" in cells else "")
    raw += f"-{cells['penalty']}" if "penalty" in cells else ""
    formula = f"MIN({_literal(table.cap)},MAX(0,{raw}))"
    if table.caps_applied is not None:
        formula = f"MIN({formula},{_literal(table.caps_applied)})"
    return f"={formula}"


def _total_note(total: TotalRow, evaluation: Evaluation) -> str:
    """The note beside a total: the items of 加分项/减分项, the explanation of the total."""
    items: tuple[Item, ...] = {"bonus": evaluation.bonus, "penalty": evaluation.penalty}.get(total.kind, ())
    parts = [f"{item.item}（{_literal(item.points)}分）" for item in items]
    return "；".join([*parts, total.note] if total.note else parts)


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _grade_formula(total: str, grades: Sequence[tuple[str, Decimal]]) -> str | None:
    """Nested IF over the bands, highest first, lower bound inclusive; the last band is the rest.

    The total is rounded to cents first so that a float sum such as 89.99999999999999 grades as 90.
    """
    if not grades:
        return None
    formula = _quoted(grades[-1][0])
    for grade, low in reversed(grades[:-1]):
        formula = f"IF(ROUND({total},2)>={_literal(low)},{_quoted(grade)},{formula})"
    return f"={formula}"


def _bands_text(grades: Sequence[tuple[str, Decimal]]) -> str:
    return "；".join(f"{grade}：≥{_literal(low)}分" for grade, low in grades)


def _write_error_note(sheet: Worksheet, r: int, card: Scorecard, st: _Styles) -> None:
    last = len(SCORE_HEADERS) - 1
    sheet.merge_range(r, 0, r, last, ERROR_NOTE, st.note)
    errors = [i for i in card.issues if i.severity is Severity.ERROR]
    for n, issue in enumerate(errors, start=1):
        where = issue.located()
        text = f"{n}. {where}：{issue.message}" if where else f"{n}. {issue.message}"
        sheet.merge_range(r + n, 0, r + n, last, text, st.text)
        _fit_height(sheet, r + n, [(text, sum(SCORE_WIDTHS))])
