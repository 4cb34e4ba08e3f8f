"""Import a scoring table from an .xlsx in the layout bureaus use (formats §1).

Columns are found by their headers (一级指标, 二级指标, 三级指标, 分值, 指标解释, 评分标准 and common
variants) on any of the first rows; merged cells carry down; each row's deepest name is an
indicator with its weight, definition and criteria. Rules are read from the criteria wording
(``criteria_zh``); wording that cannot be read becomes ``judgement``, and the result says which.
The output is a `jixiao/framework@1` document, validated by the ordinary loader. A workbook made
by jixiao carries the table it was scored on (``embedded``): while the 评分表 sheet still shows
that table (names, 分值, 指标解释, 评分标准), that very table is returned, with its sha256.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..core.errors import UnusableInput
from ..core.inputs import InputRefused, os_reason, read_input
from ..core.model import Framework, Indicator
from ..core.numbers import in_range, to_decimal
from ..core.rules import describe
from .criteria_zh import names_alternatives, read_criteria
from .embedded import embedded_table
from .loader import FORMAT, Loaded, builtin_path, load_document
from .packages import PackageRefused, check_package
from .yamlio import load_file, loads

HEADERS = {
    "level": (("一级指标",), ("二级指标",), ("三级指标",), ("四级指标",)),
    "weight": ("分值", "权重", "标准分", "分数", "指标分值"),
    "definition": ("指标解释", "指标说明", "指标内涵", "指标定义"),
    "criteria": ("评分标准", "评分细则", "评分依据", "评分办法", "评价标准"),
}
WEIGHT_IN_NAME = re.compile(r"[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]\s*$")
TOTAL_ROW = re.compile(r"^(合计|总计|总分|小计|指标得分合计|加分项|减分项|等级)")
OLD_FORMATS = (".xls", ".et", ".wps", ".ods")
OWN_KEYWORDS = re.compile(r"^(?P<id>[a-z0-9-]+) v\d+ sha256:(?P<sha>[0-9a-f]{64})$")


class TableImportError(UnusableInput):
    """The workbook cannot be used; ``message`` is for users."""


@dataclass
class _Node:
    name: str
    weight: Decimal | None = None
    definition: str = ""
    criteria: str = ""
    where: str = ""
    children: dict[str, _Node] = field(default_factory=dict)


@dataclass(frozen=True)
class Unsure:
    """A leaf whose 评分标准 needs a person: its name, place (sheet and Excel row) and wording,
    and why (``note``: empty when the wording was not read at all)."""

    name: str
    where: str
    criteria: str
    note: str = ""

    def message(self) -> str:
        """The warning shown to the user, quoting the sentence."""
        quote = f"“{self.criteria}”" if self.criteria else "（评分标准为空）"
        if self.note:
            return f"{self.where}“{self.name}”：评分标准{quote}已读为计算规则，但{self.note}"
        return f"{self.where}“{self.name}”：评分标准{quote}未能识别为计算规则，已按人工评定（judgement）导入，请核对"


@dataclass
class Imported:
    """The table document, its validation, the leaves whose rule was not recognised (``unsure``
    lists them and the readings with a caveat), and the leaves read as rules."""

    document: dict[str, Any]
    loaded: Loaded
    unread: list[str]
    sheet: str
    unsure: list[Unsure] = field(default_factory=list)
    read: int = 0
    same_as: str = ""  # the table a jixiao workbook was made on, re-imported as it is
    edited: str = ""  # a jixiao workbook whose 评分表 sheet was edited: read from the wording, and why


def _text(value: object) -> str:
    return "" if value is None else re.sub(r"\s+", " ", str(value)).strip()


def _columns(header: list[str]) -> dict[str, Any] | None:
    clean = [re.sub(r"\s", "", h) for h in header]
    levels = [next((i for i, h in enumerate(clean) if h in names), -1) for names in HEADERS["level"]]
    levels = [i for i in levels if i >= 0]
    found: dict[str, Any] = {"level": levels}
    for key in ("weight", "definition", "criteria"):
        found[key] = next((i for i, h in enumerate(clean) if h in HEADERS[key]), -1)
    weights = [i for i, h in enumerate(clean) if h in HEADERS["weight"]]
    # a 分值 column after each level (一级指标 | 分值 | 二级指标 | 分值 …): each level's own weight
    if len(weights) > 1 and len(weights) == len(levels):
        found["level_weights"] = weights
        found["weight"] = weights[-1]
    return found if levels and found["weight"] != -1 else None


def _find_tables(book: Any) -> list[tuple[Any, int, dict[str, Any]]]:
    """Every sheet with a table header (a table may be spread over several sheets)."""
    found = []
    for sheet in book.worksheets:
        for r, row in enumerate(sheet.iter_rows(min_row=1, max_row=12, values_only=True), start=1):
            columns = _columns([_text(v) for v in row])
            if columns is not None:
                found.append((sheet, r, columns))
                break
    if not found:
        raise TableImportError("没有找到评分表：应有一行表头，包含“一级指标/二级指标/三级指标”和“分值”等列")
    return found


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


Row = tuple[list[str], list[Decimal | None], Decimal | None, str, str, str]


def _merged_values(sheet: Any) -> dict[tuple[int, int], object]:
    """The value of every cell inside a merged range (openpyxl leaves all but the first empty)."""
    values: dict[tuple[int, int], object] = {}
    ranges = sheet.merged_cells.ranges if getattr(sheet, "merged_cells", None) is not None else ()
    for merged in ranges:
        value = sheet.cell(merged.min_row, merged.min_col).value
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                values[(r, c)] = value
    return values


def _rows(sheet: Any, header_row: int, columns: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    carried: list[str] = [""] * len(columns["level"])
    merged = _merged_values(sheet)
    level_weights: list[int] = columns.get("level_weights", [])
    for r, row in enumerate(sheet.iter_rows(min_row=header_row + 1, values_only=True), start=header_row + 1):
        raw = [merged.get((r, c + 1), v) if v is None else v for c, v in enumerate(row)]
        cells = [_text(v) for v in raw]
        where = f"工作表“{sheet.title}”第{r}行"
        names = [cells[i] if i < len(cells) else "" for i in columns["level"]]
        if TOTAL_ROW.match(next((n for n in names if n), "")):
            break
        deepest = max((i for i, n in enumerate(names) if n), default=-1)
        if deepest < 0:
            continue
        carried = [names[i] or (carried[i] if i < deepest else "") for i in range(len(names))]
        path = [n for n in carried[: deepest + 1] if n]
        weight, definition, criteria = (_cell(cells, columns[key]) for key in ("weight", "definition", "criteria"))
        levels = [_weight(_cell(cells, i), where) for i in level_weights[: deepest + 1]]
        rows.append((path, levels, _weight(weight, where), definition, criteria, where))
    return rows


def _tree(rows: list[Row]) -> dict[str, _Node]:
    top: dict[str, _Node] = {}
    for path, levels, weight, definition, criteria, where in rows:
        level = top
        node = None
        for depth, raw in enumerate(path):
            name, in_name = _split_name(raw)
            node = level.setdefault(name, _Node(name, where=where))
            stated = levels[depth] if depth < len(levels) else None
            node.weight = node.weight if node.weight is not None else (stated if stated is not None else in_name)
            level = node.children
        assert node is not None
        node.weight = weight if weight is not None else node.weight
        node.definition, node.criteria = definition or node.definition, criteria or node.criteria
        node.where = where
    return top


def _indicator(node: _Node, node_id: str, unsure: list[Unsure]) -> dict[str, Any]:
    out: dict[str, Any] = {"id": node_id, "name": node.name}
    if node.children:
        children = [_indicator(c, f"{node_id}.{i}", unsure) for i, c in enumerate(node.children.values(), 1)]
        alternatives = len(children) == 2 and all(
            names_alternatives(c.criteria + c.definition + c.name) for c in node.children.values()
        )
        total = children[0]["weight"] if alternatives else sum((c["weight"] for c in children), Decimal(0))
        out["weight"] = node.weight if node.weight is not None else total
        if alternatives:
            out["alternatives"] = True
        out["children"] = children
    else:
        out["weight"] = node.weight if node.weight is not None else Decimal(0)
        reading = read_criteria(node.criteria, out["weight"])
        if not reading.recognised or reading.note:
            unsure.append(Unsure(node.name, node.where, node.criteria, reading.note))
        out["rule"] = reading.rule
    for key in ("definition", "criteria"):
        if getattr(node, key):
            out[key] = getattr(node, key)
    return out


MAX_WORKBOOK_BYTES = 50 * 1024 * 1024


def _read_workbook(path: Path) -> bytes:
    """The workbook's bytes (a pipe or ``-`` too); a device, a silent pipe or an oversized file is refused."""
    try:
        return read_input(path, MAX_WORKBOOK_BYTES)
    except InputRefused as error:
        raise TableImportError(error.message) from error
    except FileNotFoundError as error:
        raise TableImportError(f"{path}：文件不存在") from error
    except IsADirectoryError as error:
        raise TableImportError(f"{path}：这是文件夹，不是 .xlsx 工作簿") from error
    except PermissionError as error:
        raise TableImportError(f"{path}：无法读取，没有读取权限") from error
    except OSError as error:
        raise TableImportError(f"{path}：无法读取（{os_reason(error)}）") from error


def import_xlsx(path: Path, meta: dict[str, Any]) -> Imported:
    """Read ``path`` into a table document with ``meta`` (id, name, issuer, …); validate it."""
    from openpyxl import load_workbook

    if path.suffix.lower() in OLD_FORMATS:
        raise TableImportError(f"{path}：不支持 {path.suffix} 格式，请在 Excel 或 WPS 中另存为 .xlsx 后再导入")
    data = _read_workbook(path)
    try:
        check_package(data, path.name)
    except PackageRefused as refused:
        raise TableImportError(f"{path}：{refused.message}") from refused
    try:
        book = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as error:  # openpyxl raises many types for files that are not workbooks
        raise TableImportError(
            f"{path}：无法作为 .xlsx 工作簿打开（{type(error).__name__}）；如为 .xls 或 .et 文件，请另存为 .xlsx"
        ) from error
    try:
        tables = _find_tables(book)
        rows = [row for sheet, header_row, columns in tables for row in _rows(sheet, header_row, columns)]
    except TableImportError as error:
        raise TableImportError(f"{path}：{error.message}") from error
    except Exception as error:  # a damaged sheet: openpyxl's XML parser raises many types while reading rows
        raise TableImportError(f"{path}：工作表已损坏，无法读取（{type(error).__name__}）") from error
    own, edited = _own_table(book, rows)
    if own is not None:  # jixiao's own 评分表 sheet, unchanged: the very table it was scored on
        loaded = load_document(loads(to_yaml(own)), str(path))
        leaves = _leaf_count(own["indicators"])
        sheets = "、".join(sheet.title for sheet, _, _ in tables)
        return Imported(own, loaded, [], sheets, [], leaves, str(own["id"]))
    unsure: list[Unsure] = []
    indicators = [_indicator(n, f"i{i}", unsure) for i, n in enumerate(_tree(rows).values(), 1)]
    document: dict[str, Any] = {
        "format": FORMAT,
        **meta,
        "total": sum((i["weight"] for i in indicators), Decimal(0)),
        "indicators": indicators,
    }
    leaves = _leaf_count(indicators)
    unread = [u for u in unsure if not u.note]
    sheets = "、".join(sheet.title for sheet, _, _ in tables)
    # validate exactly what will be written, so the YAML file and this result share one hash
    loaded = load_document(loads(to_yaml(document)), str(path))
    imported = Imported(document, loaded, [u.name for u in unread], sheets, unsure, leaves - len(unread))
    imported.edited = edited
    return imported


def _own_table(book: Any, rows: list[Row]) -> tuple[dict[str, Any] | None, str]:
    """The table a jixiao workbook was made on, when its 评分表 sheet still shows it; else None and,
    when the sheet was edited, a message saying where.

    The table comes from the document embedded in the custom properties (any table, the
    bureau's own too); a workbook made before that names a built-in table in its keywords
    (``id vN sha256:…``), and is compared on indicators and weights only.
    """
    properties = _custom_properties(book)
    document = embedded_table(properties)
    if document is not None:
        loaded = load_document(document, "工作簿内嵌的评分表")
        if loaded.framework is None:
            return None, ""
        changed = _first_change(rows, loaded.framework)
        if not changed:
            return document, ""
        table = loaded.framework
        return None, (
            f"这是 jixiao 按评分表“{table.name}”（{table.id}，sha256 {table.sha256[:12]}）生成的工作簿，"
            f"但评分表工作表已改动（{changed}）：已按工作表上的文字重新读取，编号、规则与 sha256 不再与原表相同"
        )
    return _named_builtin(book, rows), ""


def _custom_properties(book: Any) -> dict[str, object]:
    props = getattr(book, "custom_doc_props", None)
    return {str(p.name): p.value for p in props} if props is not None else {}


def _first_change(rows: list[Row], framework: Framework) -> str:
    """Where the visible rows first differ from ``framework`` (name, 分值, 指标解释 or 评分标准); "" if nowhere."""
    nodes = [node for node, _ in framework.walk()]
    for (path, _, weight, definition, criteria, where), node in zip(rows, nodes, strict=False):
        shown = (_split_name(path[-1])[0], weight, definition, criteria)
        table = (_split_name(_text(node.name))[0], node.weight, _text(node.definition), _text(_criteria_of(node)))
        for label, seen, meant in zip(("指标名称", "分值", "指标解释", "评分标准"), shown, table, strict=True):
            if seen != meant:
                return f"{where}的{label}"
    if len(rows) != len(nodes):
        return f"指标行数由 {len(nodes)} 行变为 {len(rows)} 行"
    return ""


def _criteria_of(node: Indicator) -> str:
    """The 评分标准 as jixiao's workbook shows it: the table's wording, or its rule described."""
    if node.criteria or node.rule is None:
        return node.criteria
    return describe(node.rule, node.weight, node.unit)


def _named_builtin(book: Any, rows: list[Row]) -> dict[str, Any] | None:
    """The document of the built-in table an older jixiao workbook names (``id vN sha256:…`` in its
    properties), when its 评分表 sheet still shows that table's indicators and weights."""
    match = OWN_KEYWORDS.match(str(getattr(book.properties, "keywords", "") or ""))
    found = builtin_path(match["id"]) if match else None
    if match is None or found is None:
        return None
    document = load_file(found)
    loaded = load_document(document, str(found))
    if loaded.framework is None or loaded.framework.sha256 != match["sha"]:
        return None
    shown = [(path[-1], weight) for path, _, weight, _, _, _ in rows]
    table = [(_split_name(node.name)[0], node.weight) for node, _ in loaded.framework.walk()]
    return dict(document) if shown == table else None


def _leaf_count(nodes: list[dict[str, Any]]) -> int:
    return sum(_leaf_count(n["children"]) if "children" in n else 1 for n in nodes)


def to_yaml(document: dict[str, Any]) -> str:
    """The document as YAML (numbers as written, Chinese unescaped, key order kept)."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def decimal(dumper: yaml.SafeDumper, value: Decimal) -> Any:
        text = format(value.normalize(), "f") if value != value.to_integral_value() else str(int(value))
        return dumper.represent_scalar("tag:yaml.org,2002:int" if "." not in text else "tag:yaml.org,2002:float", text)

    Dumper.add_multi_representer(Decimal, decimal)
    return yaml.dump(document, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=100)
