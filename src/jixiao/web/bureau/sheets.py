"""Reading the bureau's lists (.xlsx) by their Chinese column headers, with Excel row numbers.

The header row is the first of the first ten rows that holds every required column; cells are
read as text (numbers that Excel stored as 1001.0 come back as "1001").
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from ...core.errors import UnusableInput


@dataclass(frozen=True)
class Row:
    number: int  # the row number Excel shows
    cells: dict[str, str]  # column key → text

    def get(self, key: str) -> str:
        return self.cells.get(key, "")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value)).strip()


def _match(header: list[str], columns: dict[str, tuple[str, ...]]) -> dict[str, int]:
    clean = [re.sub(r"\s", "", h) for h in header]
    found = {}
    for key, names in columns.items():
        index = next((i for i, h in enumerate(clean) if h in names), -1)
        if index >= 0:
            found[key] = index
    return found


def read_rows(data: bytes, columns: dict[str, tuple[str, ...]], required: tuple[str, ...]) -> list[Row]:
    """The non-empty rows under the header, as text keyed by ``columns``' keys."""
    from openpyxl import load_workbook

    from ...frameworks.packages import PackageRefused, check_package

    try:
        check_package(data, "上传的工作簿")
    except PackageRefused as refused:
        raise UnusableInput(refused.message) from refused
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for files that are not workbooks
        raise UnusableInput(f"无法作为 .xlsx 工作簿打开（{type(error).__name__}）") from error
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    for h, header in enumerate(rows[:10]):
        found = _match([_text(v) for v in header], columns)
        if all(key in found for key in required):
            return _data_rows(rows, h, found)
    names = "、".join(columns[key][0] for key in required)
    raise UnusableInput(f"没有找到表头：第一个工作表的前10行中应有一行包含“{names}”等列")


def _data_rows(rows: list[tuple[Any, ...]], header: int, found: dict[str, int]) -> list[Row]:
    out = []
    for number, values in enumerate(rows[header + 1 :], start=header + 2):
        cells = {key: _text(values[i]) if i < len(values) else "" for key, i in found.items()}
        if any(cells.values()):
            out.append(Row(number, cells))
    return out
