"""Import a scoring table from an .xlsx in the layout bureaus use (formats §1).

Columns are found by their headers (一级指标, 二级指标, 三级指标, 分值, 指标解释, 评分标准 and common
variants) on any of the first rows; merged cells carry down; each row's deepest name is an
indicator with its weight, definition and criteria. Rules are read from the criteria wording
(``criteria_zh``); wording that cannot be read becomes ``judgement``, and the result says which.
The output is a `jixiao/framework@1` document, validated by the ordinary loader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..core.errors import UnusableInput
from ..core.numbers import in_range, to_decimal
from .criteria_zh import rule_from_text
from .loader import FORMAT, Loaded, load_document
from .packages import PackageRefused, check_package
from .yamlio import loads

HEADERS = {
    "level": (("一级指标",), ("二级指标",), ("三级指标",), ("四级指标",)),
    "weight": ("分值", "权重", "标准分", "分数", "指标分值"),
    "definition": ("指标解释", "指标说明", "指标内涵", "指标定义"),
    "criteria": ("评分标准", "评分细则", "评分依据", "评分办法", "评价标准"),
}
WEIGHT_IN_NAME = re.compile(r"[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]\s*$")
TOTAL_ROW = re.compile(r"^(合计|总计|总分|小计)")


class TableImportError(UnusableInput):
    """The workbook cannot be used; ``message`` is for users."""


@dataclass
class _Node:
    name: str
    weight: Decimal | None = None
    definition: str = ""
    criteria: str = ""
    children: dict[str, _Node] = field(default_factory=dict)


@dataclass
class Imported:
    """The table document, its validation, and the leaves whose rule was not recognised."""

    document: dict[str, Any]
    loaded: Loaded
    unread: list[str]
    sheet: str


def _text(value: object) -> str:
    return "" if value is None else re.sub(r"\s+", " ", str(value)).strip()


def _columns(header: list[str]) -> dict[str, int | list[int]] | None:
    clean = [re.sub(r"\s", "", h) for h in header]
    levels = [next((i for i, h in enumerate(clean) if h in names), -1) for names in HEADERS["level"]]
    levels = [i for i in levels if i >= 0]
    found: dict[str, int | list[int]] = {"level": levels}
    for key in ("weight", "definition", "criteria"):
        found[key] = next((i for i, h in enumerate(clean) if h in HEADERS[key]), -1)  # type: ignore[arg-type]
    return found if levels and found["weight"] != -1 else None


def _find_table(book: Any) -> tuple[Any, int, dict[str, Any]]:
    for sheet in book.worksheets:
        for r, row in enumerate(sheet.iter_rows(min_row=1, max_row=12, values_only=True), start=1):
            columns = _columns([_text(v) for v in row])
            if columns is not None:
                return sheet, r, columns
    raise TableImportError("没有找到评分表：应有一行表头，包含“一级指标/二级指标/三级指标”和“分值”等列")


def _weight(value: object, where: str) -> Decimal | None:
    text = _text(value).removesuffix("分")
    if not text:
        return None
    weight = to_decimal(text)
    if weight is None:
        raise TableImportError(f"{where} 的分值“{_text(value)}”不是数字")
    if not weight.is_finite() or not in_range(weight):
        raise TableImportError(f"{where} 的分值“{_text(value)[:30]}”过大，不是合理的分值")
    return weight


def _cell(cells: list[str], index: int) -> str:
    return cells[index] if 0 <= index < len(cells) else ""


def _split_name(raw: str) -> tuple[str, Decimal | None]:
    match = WEIGHT_IN_NAME.search(raw)
    if match is None:
        return raw, None
    return raw[: match.start()].strip(), Decimal(match[1])


def _rows(
    sheet: Any, header_row: int, columns: dict[str, Any]
) -> list[tuple[list[str], Decimal | None, str, str, str]]:
    rows = []
    carried: list[str] = [""] * len(columns["level"])
    for r, row in enumerate(sheet.iter_rows(min_row=header_row + 1, values_only=True), start=header_row + 1):
        cells = [_text(v) for v in row]
        names = [cells[i] if i < len(cells) else "" for i in columns["level"]]
        if TOTAL_ROW.match(next((n for n in names if n), "")):
            break
        deepest = max((i for i, n in enumerate(names) if n), default=-1)
        if deepest < 0:
            continue
        carried = [names[i] or (carried[i] if i < deepest else "") for i in range(len(names))]
        path = [n for n in carried[: deepest + 1] if n]
        weight, definition, criteria = (_cell(cells, columns[key]) for key in ("weight", "definition", "criteria"))
        rows.append((path, _weight(weight, f"第{r}行"), definition, criteria, f"第{r}行"))
    return rows


def _tree(rows: list[tuple[list[str], Decimal | None, str, str, str]]) -> dict[str, _Node]:
    top: dict[str, _Node] = {}
    for path, weight, definition, criteria, _ in rows:
        level = top
        node = None
        for raw in path:
            name, in_name = _split_name(raw)
            node = level.setdefault(name, _Node(name))
            node.weight = node.weight if node.weight is not None else in_name
            level = node.children
        assert node is not None
        node.weight = weight if weight is not None else node.weight
        node.definition, node.criteria = definition or node.definition, criteria or node.criteria
    return top


def _indicator(node: _Node, node_id: str, unread: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"id": node_id, "name": node.name}
    if node.children:
        children = [_indicator(c, f"{node_id}.{i}", unread) for i, c in enumerate(node.children.values(), 1)]
        out["weight"] = node.weight if node.weight is not None else sum((c["weight"] for c in children), Decimal(0))
        out["children"] = children
    else:
        out["weight"] = node.weight if node.weight is not None else Decimal(0)
        rule, recognised = rule_from_text(node.criteria, out["weight"])
        if not recognised:
            unread.append(node.name)
        out["rule"] = rule
    for key in ("definition", "criteria"):
        if getattr(node, key):
            out[key] = getattr(node, key)
    return out


def import_xlsx(path: Path, meta: dict[str, Any]) -> Imported:
    """Read ``path`` into a table document with ``meta`` (id, name, issuer, …); validate it."""
    from openpyxl import load_workbook

    try:
        check_package(path, path.name)
    except PackageRefused as refused:
        raise TableImportError(f"{path}：{refused.message}") from refused
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for files that are not workbooks
        raise TableImportError(f"{path}：无法作为 .xlsx 工作簿打开（{type(error).__name__}）") from error
    try:
        sheet, header_row, columns = _find_table(book)
        rows = _rows(sheet, header_row, columns)
    except TableImportError as error:
        raise TableImportError(f"{path}：{error.message}") from error
    except Exception as error:  # a damaged sheet: openpyxl's XML parser raises many types while reading rows
        raise TableImportError(f"{path}：工作表已损坏，无法读取（{type(error).__name__}）") from error
    unread: list[str] = []
    indicators = [_indicator(n, f"i{i}", unread) for i, n in enumerate(_tree(rows).values(), 1)]
    document: dict[str, Any] = {
        "format": FORMAT,
        **meta,
        "total": sum((i["weight"] for i in indicators), Decimal(0)),
        "indicators": indicators,
    }
    # validate exactly what will be written, so the YAML file and this result share one hash
    return Imported(document, load_document(loads(to_yaml(document)), str(path)), unread, sheet.title)


def to_yaml(document: dict[str, Any]) -> str:
    """The document as YAML (numbers as written, Chinese unescaped, key order kept)."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def decimal(dumper: yaml.SafeDumper, value: Decimal) -> Any:
        text = format(value.normalize(), "f") if value != value.to_integral_value() else str(int(value))
        return dumper.represent_scalar("tag:yaml.org,2002:int" if "." not in text else "tag:yaml.org,2002:float", text)

    Dumper.add_representer(Decimal, decimal)
    return yaml.dump(document, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=100)
