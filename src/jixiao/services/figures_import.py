"""The figures of a 数据表 read from an uploaded .xlsx: jixiao's own workbook or a plain two-column sheet.

Two layouts are read. A sheet with a header row (jixiao's 数据表 sheet: 序号 | 项目 | 数值 | 单位 | 数据项编号,
or any sheet whose header names a 项目 and a 数值/金额 column) is read by those columns, the 数据项编号
column first when there is one. Any other sheet is read as label | value pairs: the label column is the
one where most labels are recognised, the value is in the column to its right. Labels match a figure's
label, its standard name (core/fields.py) or its id, after normalising (NFKC, no spaces or quotes, a
trailing unit in parentheses dropped). Values that are not numbers are issues, never guesses.

A file that is not a workbook raises ``UnusableInput``; everything else a unit can mend is an ``Issue``.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from jixiao.core.entry import parse_number
from jixiao.core.errors import UnusableInput
from jixiao.core.fields import STANDARD_FIELDS
from jixiao.core.model import Issue, Severity
from jixiao.core.spec import Figure
from jixiao.documents.xlsx import DATA_HEADERS, DATA_SHEET

MAX_ROWS = 2000  # a 数据表 has a few dozen rows; more is read no further
MAX_COLS = 30
HEADER_SCAN = 20  # rows searched for a header row
LIMIT = Decimal(10) ** 15  # as the loader's number-out-of-range
LABEL_HEADERS = frozenset({DATA_HEADERS[1], "项目名称", "名称", "数据项", "指标", "label", "name", "item"})
VALUE_HEADERS = frozenset({DATA_HEADERS[2], "金额", "数据", "数额", "值", "value", "amount"})
ID_HEADERS = frozenset({DATA_HEADERS[4], "编号", "id"})
MONEY_UNITS = frozenset({"元", "千元", "万元", "百万元", "亿元"})
_QUOTES = str.maketrans("", "", "“”\"'‘’「」『』")
_UNIT = re.compile(r"^(.+?)[(\[]([^()\[\]]*)[)\]]$")
_MARKER = re.compile(r"^(?:\d{1,3}[.、)]|\(\d{1,3}\)|[一二三四五六七八九十]{1,3}[、.])(?=\D)")


@dataclass(frozen=True)
class ImportedFigures:
    """What an upload gave: values by data id, the problems found, and which labels were recognised."""

    values: dict[str, Any]  # data id -> JSON number (int when integral, else float)
    issues: tuple[Issue, ...]
    matched: tuple[tuple[str, str], ...]  # (label as found, data id) of every recognised row, empty ones too


@dataclass(frozen=True, slots=True)
class _Cell:
    value: object
    percent: bool  # shown as a percent: Excel keeps 95% as 0.95


@dataclass(frozen=True, slots=True)
class _Sheet:
    title: str
    rows: tuple[tuple[_Cell, ...], ...]  # rows[i][j] is the cell at Excel row i+1, column j+1


@dataclass(frozen=True, slots=True)
class _Layout:
    label: int
    value: int
    ident: int | None
    first: int  # index of the first data row


@dataclass
class _Found:
    """What reading the rows gathers."""

    values: dict[str, Any] = field(default_factory=dict)
    where: dict[str, str] = field(default_factory=dict)  # id -> cell its value came from
    issues: list[Issue] = field(default_factory=list)
    matched: list[tuple[str, str]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    blank: list[tuple[Figure, int, int]] = field(default_factory=list)  # (figure, row, col) of empty values


def figures_from_xlsx(data: bytes, figures: Sequence[Figure], file: str = "数据表.xlsx") -> ImportedFigures:
    """The 数据表 figures in ``data`` (an .xlsx) for ``figures``; raises UnusableInput for a non-workbook."""
    sheet = _read(data, file, data_only=True)
    lookup = _lookup(figures)
    layout = _layout(sheet.rows, lookup)
    found = _Found()
    for r in range(layout.first, len(sheet.rows)):
        _take_row(sheet, r, layout, lookup, found, file)
    if found.blank:
        _check_formulas(data, file, sheet.title, found)
    _summarise(sheet.title, found, file)
    return ImportedFigures(found.values, tuple(found.issues), tuple(found.matched))


# --------------------------------------------------------------------------- reading the workbook


def _read(data: bytes, file: str, *, data_only: bool) -> _Sheet:
    """The 数据表 sheet (or the first sheet) as plain cells; any failure to read is UnusableInput."""
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    from ..frameworks.packages import PackageRefused, check_package

    try:
        check_package(data, file)
    except PackageRefused as refused:
        raise UnusableInput(refused.message) from refused
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except Exception as error:  # openpyxl raises many types for bytes that are not a workbook
        raise _unusable(data, file) from error
    try:
        return _sheet_of(book, file)
    except UnusableInput:
        raise
    except Exception as error:  # a damaged sheet inside a readable zip
        raise _unusable(data, file) from error
    finally:
        book.close()


def _unusable(data: bytes, file: str) -> UnusableInput:
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        hint = "：看起来是旧版 .xls 或加密的工作簿，请在 Excel 中另存为 .xlsx 后再导入"
    else:
        hint = ""
    return UnusableInput(f"{file} 不是有效的 Excel（.xlsx）文件{hint}")


def _sheet_of(book: Any, file: str) -> _Sheet:
    sheets = list(book.worksheets)
    if not sheets:
        raise UnusableInput(f"{file} 不是有效的 Excel（.xlsx）文件：没有工作表")
    sheet = next((s for s in sheets if s.title == DATA_SHEET), sheets[0])
    sheet.reset_dimensions()  # the stored dimensions may be wrong; read what is there
    rows = sheet.iter_rows(min_row=1, min_col=1, max_row=MAX_ROWS, max_col=MAX_COLS)
    return _Sheet(str(sheet.title), tuple(tuple(_cell(c) for c in row) for row in rows))


def _cell(cell: Any) -> _Cell:
    fmt = getattr(cell, "number_format", None)
    return _Cell(getattr(cell, "value", None), isinstance(fmt, str) and "%" in fmt)


def _ref(row: int, col: int) -> str:
    """0-based row and column as Excel names the cell: (4, 2) -> C5."""
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"{letters}{row + 1}"


# --------------------------------------------------------------------------- labels


def _key(text: str) -> str:
    """A label as compared: NFKC, no spaces, quotes or list marker, no trailing colon, lower case."""
    plain = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    plain = re.sub(r"[\s\u200b]+", "", plain).rstrip(":").lower()
    return _MARKER.sub("", plain)


def _split_unit(key: str) -> tuple[str, str]:
    """``收入预算数(万元)`` -> (``收入预算数``, ``万元``); a key without one -> (key, "")."""
    match = _UNIT.match(key)
    return (match[1], match[2]) if match else (key, "")


def _lookup(figures: Sequence[Figure]) -> dict[str, Figure]:
    """Every key a figure answers to: its label, its standard name, its id, each without a trailing unit."""
    table: dict[str, Figure] = {}
    for figure in figures:
        standard = STANDARD_FIELDS.get(figure.id)
        for name in (figure.id, figure.label, standard.name if standard else ""):
            if name:
                key = _key(name)
                table.setdefault(key, figure)
                table.setdefault(_split_unit(key)[0], figure)
    return table


def _match(value: object, lookup: Mapping[str, Figure]) -> tuple[Figure | None, str]:
    """The figure a label names and the unit written after it."""
    if not isinstance(value, str):
        return None, ""
    key = _key(value)
    unit = ""
    for _ in range(3):
        if key in lookup:
            return lookup[key], unit
        key, unit = _split_unit(key)
        if not unit:
            break
    return None, ""


def _header_key(value: object) -> str:
    return _split_unit(_key(value))[0] if isinstance(value, str) else ""


def _layout(rows: Sequence[Sequence[_Cell]], lookup: Mapping[str, Figure]) -> _Layout:
    """Columns from a header row when there is one, else the column where most labels are recognised."""
    for r, row in enumerate(rows[:HEADER_SCAN]):
        keys = [_header_key(c.value) for c in row]
        value = next((i for i, k in enumerate(keys) if k in VALUE_HEADERS), None)
        if value is None:
            continue
        label = next((i for i, k in enumerate(keys) if k in LABEL_HEADERS and i != value), max(value - 1, 0))
        ident = next((i for i, k in enumerate(keys) if k in ID_HEADERS), None)
        if label != value:
            return _Layout(label, value, ident, r + 1)
    counts = [0] * MAX_COLS
    for row in rows:
        for i, c in enumerate(row[: MAX_COLS - 1]):
            counts[i] += _match(c.value, lookup)[0] is not None
    label = counts.index(max(counts))
    return _Layout(label, label + 1, None, 0)


# --------------------------------------------------------------------------- rows and values


def _at(row: Sequence[_Cell], col: int | None) -> _Cell:
    return row[col] if col is not None and col < len(row) else _Cell(None, False)


def _take_row(sheet: _Sheet, r: int, layout: _Layout, lookup: Mapping[str, Figure], found: _Found, file: str) -> None:
    row = sheet.rows[r]
    label, cell = _at(row, layout.label).value, _at(row, layout.value)
    figure, unit = _match(_at(row, layout.ident).value, lookup)
    if figure is None:
        figure, unit = _match(label, lookup)
    shown = str(label).strip() if label is not None else str(_at(row, layout.ident).value)
    if figure is None:
        if isinstance(label, str) and label.strip() and _numeric(cell):
            found.unknown.append(label.strip())
        return
    found.matched.append((shown, figure.id))
    ref = f"{sheet.title}!{_ref(r, layout.value)}"
    if unit in MONEY_UNITS and figure.unit in MONEY_UNITS and unit != figure.unit:
        found.issues.append(
            _issue(
                "import-unit",
                figure,
                file,
                f"{ref}（{shown}）：单位是{unit}，数据表以{figure.unit}填报，请换算为{figure.unit}后再导入",
            )
        )
        return
    _take_value(cell, figure, ref, found, file, (r, layout.value))


def _take_value(cell: _Cell, figure: Figure, ref: str, found: _Found, file: str, at: tuple[int, int]) -> None:
    number, problem = _number(cell, figure)
    if problem:
        found.issues.append(_issue("import-value", figure, file, f"{ref}（{figure.label}）：{problem}，未导入"))
    elif number is None:
        found.blank.append((figure, *at))
    elif figure.id in found.values:
        _duplicate(figure, number, ref, found, file)
    else:
        found.values[figure.id] = number
        found.where[figure.id] = ref


def _number(cell: _Cell, figure: Figure) -> tuple[int | float | None, str]:
    """(the JSON number, "") or (None, "") for an empty cell or (None, what is wrong)."""
    raw = cell.value
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, ""
    if isinstance(raw, (bool, datetime, date, time, timedelta)):
        return None, f"“{_shown(raw)}”不是数字"
    if isinstance(raw, (int, float)):
        parsed: Decimal | str | None = _decimal(raw)
        if isinstance(parsed, Decimal) and cell.percent and (figure.kind == "percent" or figure.unit == "%"):
            parsed *= 100
    else:
        parsed = parse_number(str(raw), figure.kind)
    if parsed is None:
        return None, ""
    if isinstance(parsed, str):
        return None, f"“{_shown(raw)}”不是数字"
    if not parsed.is_finite() or abs(parsed) >= LIMIT:
        return None, f"“{_shown(raw)}”超出合理范围（绝对值应小于 10¹⁵）"
    return (int(parsed) if parsed == parsed.to_integral_value() else float(parsed)), ""


def _decimal(raw: int | float) -> Decimal | str:
    try:
        return Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
    except (InvalidOperation, ValueError):
        return repr(raw)


def _numeric(cell: _Cell) -> bool:
    raw = cell.value
    if isinstance(raw, bool):
        return False
    return isinstance(raw, (int, float)) or (isinstance(raw, str) and isinstance(parse_number(raw), Decimal))


def _shown(raw: object, width: int = 40) -> str:
    text = str(raw).strip()
    return text if len(text) <= width else text[: width - 1] + "…"


def _duplicate(figure: Figure, number: int | float, ref: str, found: _Found, file: str) -> None:
    first = found.where[figure.id]
    if found.values[figure.id] != number:
        kept = found.values[figure.id]
        text = f"{ref}（{figure.label}）：与 {first} 重复且数值不同（{kept} 与 {number}），已采用 {first}"
        found.issues.append(_issue("import-duplicate", figure, file, text, Severity.WARNING))


def _issue(code: str, figure: Figure, file: str, message: str, severity: Severity = Severity.ERROR) -> Issue:
    return Issue(severity, code, f"data.{figure.id}", message, file)


# --------------------------------------------------------------------------- formulas and the summary


def _check_formulas(data: bytes, file: str, title: str, found: _Found) -> None:
    """An empty value that is a formula in the file: saved by a program that does not calculate."""
    formulas = _read(data, file, data_only=False)
    if formulas.title != title:
        return
    for figure, r, c in found.blank:
        value = _at(formulas.rows[r], c).value if r < len(formulas.rows) else None
        if _is_formula(value):
            ref = f"{title}!{_ref(r, c)}"
            message = f"{ref}（{figure.label}）：公式没有保存计算结果，请在 Excel 中打开并保存后再导入"
            found.issues.append(_issue("import-formula", figure, file, message))


def _is_formula(value: object) -> bool:
    return (isinstance(value, str) and value.startswith("=")) or type(value).__name__ in {
        "ArrayFormula",
        "DataTableFormula",
    }


def _summarise(title: str, found: _Found, file: str) -> None:
    if found.unknown:
        names = "、".join(found.unknown[:5]) + ("等" if len(found.unknown) > 5 else "")
        message = f"{title} 中有 {len(found.unknown)} 行的项目未能识别，已忽略：{names}"
        found.issues.append(Issue(Severity.INFO, "import-unknown", "data", message, file))
    if not found.matched:
        message = (
            f"{title} 中没有可识别的数据项：请以数据表的项目名称（如“收入预算数”）或数据项编号为一列、数值为其右一列"
        )
        found.issues.append(Issue(Severity.WARNING, "import-empty", "data", message, file))
