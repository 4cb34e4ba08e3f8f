"""Load a scoring table (`format: jixiao/framework@1`) into a validated ``Framework``.

Every problem becomes an issue naming the file and the key path; a table with any error is
not returned. Built-in tables live in ``data/<id>.yaml`` beside this module.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..core import expr as ex
from ..core.canonical import canonical_json, sha256_text
from ..core.fields import STANDARD_FIELDS
from ..core.kinds import kind_of
from ..core.model import Cap, Field, Framework, GradeBand, Indicator, Issue, Section
from ..core.numbers import ZERO, fmt_points
from .reading import Reader, format_message, key_path
from .tree_reader import all_leaves, check_tree, numeric_leaf, read_nodes
from .yamlio import exact_numbers, load_file

FORMAT = "jixiao/framework@1"
DATA_DIR = Path(__file__).parent / "data"
TOP_KEYS = (
    "format",
    "id",
    "version",
    "name",
    "issuer",
    "region",
    "years",
    "provenance",
    "source",
    "total",
    "cap",
    "grades",
    "caps",
    "outline",
    "bonus",
    "penalty",
    "indicators",
    "fields",
    "notes",
)
PROVENANCES = ("official", "reconstructed", "example", "imported")
OUTLINES = ("zhanjiang", "lechang")
_TABLE_ID = re.compile(r"^[a-z0-9-]+$")
_FIELD_ID = re.compile(r"^[a-z][a-z0-9_]*$")
DEFAULT_GRADES = (
    GradeBand("优", Decimal(90)),
    GradeBand("良", Decimal(80)),
    GradeBand("中", Decimal(60)),
    GradeBand("差", ZERO),
)


@dataclass(frozen=True)
class Loaded:
    """A table (None when it has errors) and the issues found reading it."""

    framework: Framework | None
    issues: tuple[Issue, ...]


def builtin_ids() -> list[str]:
    """Ids of the tables shipped with jixiao."""
    return sorted(p.stem for p in DATA_DIR.glob("*.yaml"))


def builtin_path(table_id: str) -> Path | None:
    """The file of a built-in table, or None."""
    path = DATA_DIR / f"{table_id}.yaml"
    return path if _TABLE_ID.match(table_id) and path.is_file() else None


def is_builtin(framework: Framework) -> bool:
    """Whether ``framework`` was loaded from the tables shipped with jixiao."""
    return bool(framework.file) and Path(framework.file).resolve().parent == DATA_DIR.resolve()


def load_path(path: Path) -> Loaded:
    """Read and validate a table file (YamlError propagates: the file is unusable)."""
    return load_document(load_file(path), str(path))


def load_document(doc: Any, file: str) -> Loaded:
    """Validate a parsed table document."""
    r = Reader(file)
    top = r.mapping(exact_numbers(doc), "")
    if top is None:
        return Loaded(None, tuple(r.issues))
    if top.get("format") != FORMAT:
        r.error("format-unknown", "format", format_message(FORMAT, top.get("format")))
        return Loaded(None, tuple(r.issues))
    r.unknown_keys(top, TOP_KEYS, "")
    framework = _framework(r, top, file)
    return Loaded(None if r.failed else framework, tuple(r.issues))


def _framework(r: Reader, top: Mapping[str, Any], file: str) -> Framework:
    table_id = r.get(top, "id", "", "text", required=True, default="")
    if table_id and not _TABLE_ID.match(table_id):
        r.error("id-invalid", "id", f"评分表编号“{table_id}”只能由小写字母、数字和连字符组成")
    version = r.get(top, "version", "", "int", required=True, default=0)
    if version is not None and version < 1:
        r.error("key-type", "version", "version 应为正整数")
    fields = _fields(r, top.get("fields"))
    indicators = read_nodes(r, top.get("indicators"), "indicators")
    total = r.get(top, "total", "", "decimal", required=True, default=ZERO)
    _check_total(r, indicators, total)
    check_tree(r, indicators, fields)
    _check_rule_expressions(r, indicators, fields)
    provenance = _one_of(r, top, "provenance", PROVENANCES, required=True)
    canonical = canonical_json(dict(top))
    return Framework(
        id=table_id,
        version=version,
        name=r.get(top, "name", "", "text", required=True, default=""),
        total=total,
        cap=_cap(r, top, total),
        grades=_grades(r, top.get("grades")),
        indicators=indicators,
        sha256=sha256_text(canonical),
        issuer=r.get(top, "issuer", "", "text", default=""),
        region=r.get(top, "region", "", "text", default=""),
        years=_years(r, top.get("years")),
        provenance=provenance,
        source=r.get(top, "source", "", "text", required=True, default=""),
        outline=_one_of(r, top, "outline", OUTLINES) or "zhanjiang",
        caps=_caps(r, top.get("caps"), indicators, fields),
        bonus=_section(r, top.get("bonus"), "bonus"),
        penalty=_section(r, top.get("penalty"), "penalty"),
        fields=fields,
        file=file,
        canonical=canonical,
    )


def _check_total(r: Reader, indicators: tuple[Any, ...], total: Decimal) -> None:
    if not indicators:
        r.error("key-missing", "indicators", "indicators 至少要有一项指标")
        return
    weights = sum((i.weight for i in indicators), ZERO)
    if indicators and weights != total:
        parts = "+".join(fmt_points(i.weight) for i in indicators)
        r.error(
            "weight-sum",
            "total",
            f"一级指标分值合计{parts}={fmt_points(weights)}分，与 total {fmt_points(total)}分不符",
        )


def _cap(r: Reader, top: Mapping[str, Any], total: Decimal) -> Decimal:
    cap: Decimal = r.get(top, "cap", "", "decimal", default=total)
    if cap < 0:
        r.error("key-type", "cap", "cap 不能为负数")
    return cap


def _one_of(r: Reader, top: Mapping[str, Any], key: str, options: tuple[str, ...], required: bool = False) -> str:
    value = r.get(top, key, "", "text", required=required, default="")
    if value and value not in options:
        r.error("key-type", key, f"{key} 应为 {' | '.join(options)} 之一，实为“{value}”")
    return str(value or "")


def _years(r: Reader, raw: Any) -> tuple[int, ...]:
    if raw is None:
        return ()
    items = r.sequence(raw, "years") or []
    years = [r.get({i: y}, i, "years", "int") for i, y in enumerate(items)]  # type: ignore[dict-item]
    return tuple(y for y in years if y is not None)


def _grades(r: Reader, raw: Any) -> tuple[GradeBand, ...]:
    if raw is None:
        return DEFAULT_GRADES
    bands: list[GradeBand] = []
    for i, item in enumerate(r.sequence(raw, "grades") or []):
        entry = r.mapping(item, f"grades[{i}]")
        if entry is None:
            continue
        grade = r.get(entry, "grade", f"grades[{i}]", "text", required=True)
        low = r.get(entry, "min", f"grades[{i}]", "decimal", required=True)
        if grade is not None and low is not None:
            bands.append(GradeBand(grade, low))
    mins = [b.min for b in bands]
    if not bands or mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins) or mins[-1] != 0:
        r.error("grades-invalid", "grades", "grades 应从高到低排列，下限依次递减，最后一档的 min 为 0")
    return tuple(bands) or DEFAULT_GRADES


def _caps(r: Reader, raw: Any, indicators: tuple[Indicator, ...], fields: Mapping[str, Field]) -> tuple[Cap, ...]:
    if raw is None:
        return ()
    leaves = {leaf.id for leaf in all_leaves(indicators) if numeric_leaf(leaf)}
    caps: list[Cap] = []
    for i, item in enumerate(r.sequence(raw, "caps") or []):
        where = f"caps[{i}]"
        entry = r.mapping(item, where)
        if entry is None:
            continue
        when = r.get(entry, "when", where, "text", required=True)
        cap_max = r.get(entry, "max", where, "decimal", required=True)
        if cap_max is not None and cap_max < 0:
            r.error("key-type", key_path(where, "max"), f"{key_path(where, 'max')} 不能为负数")
        parsed = _condition(r, when, key_path(where, "when"), fields, leaves) if when else None
        if parsed is not None and cap_max is not None:
            caps.append(Cap(parsed, when, cap_max))
    return tuple(caps)


def _check_rule_expressions(r: Reader, indicators: tuple[Indicator, ...], fields: Mapping[str, Field]) -> None:
    """The expressions a rule holds (the `when` of options chosen by the figures) name known data
    and numeric leaves, as `caps` conditions do."""
    leaves = all_leaves(indicators)
    numeric = {leaf.id for leaf in leaves if numeric_leaf(leaf)}
    for leaf in leaves:
        if leaf.rule is None:
            continue
        for path, parsed in kind_of(leaf.rule).expressions(leaf.rule, key_path(leaf.path, "rule")):
            _check_names(r, parsed, path, fields, numeric)


def _condition(r: Reader, text: str, path: str, fields: Mapping[str, Field], leaves: set[str]) -> ex.Expr | None:
    try:
        parsed = ex.parse(text)
    except ex.ExprError as error:
        r.error("expr-syntax", path, f"条件“{text}”无法解析：{error.message}")
        return None
    if parsed.kind != "bool":
        r.error("expr-kind", path, f"条件“{text}”应为比较或逻辑表达式（如 @a.b < 50）")
    _check_names(r, parsed, path, fields, leaves)
    return parsed


def _check_names(r: Reader, parsed: ex.Expr, path: str, fields: Mapping[str, Field], leaves: set[str]) -> None:
    for name in sorted(ex.names(parsed)):
        if name not in STANDARD_FIELDS and name not in fields:
            r.error("expr-unknown-field", path, f"条件中的数据项“{name}”既不是标准数据项，也未在 fields 中声明")
    for target in sorted(ex.refs(parsed) - leaves):
        r.error("expr-unknown-ref", path, f"条件引用的“@{target}”不是本表有数值的末级指标")


def _section(r: Reader, raw: Any, key: str) -> Section | None:
    if raw is None:
        return None
    entry = r.mapping(raw, key)
    if entry is None:
        return None
    r.unknown_keys(entry, ("name", "max"), key, "error")
    default = "加分项" if key == "bonus" else "减分项"
    section_max = r.get(entry, "max", key, "decimal")
    if section_max is not None and section_max < 0:
        r.error("key-type", key_path(key, "max"), f"{key_path(key, 'max')} 不能为负数")
    return Section(r.get(entry, "name", key, "text", default=default), section_max)


def _fields(r: Reader, raw: Any) -> dict[str, Field]:
    if raw is None:
        return {}
    entries = r.mapping(raw, "fields") or {}
    fields: dict[str, Field] = {}
    for field_id, spec in entries.items():
        where = key_path("fields", str(field_id))
        if not _FIELD_ID.match(str(field_id)) or field_id in STANDARD_FIELDS:
            r.error("id-invalid", where, f"自定义数据项“{field_id}”应为小写蛇形命名，且不能与标准数据项重名")
            continue
        entry = r.mapping(spec, where)
        if entry is not None:
            r.unknown_keys(entry, ("name", "unit"), where, "error")
            fields[field_id] = Field(
                field_id,
                r.get(entry, "name", where, "text", required=True, default=field_id),
                r.get(entry, "unit", where, "text", default=""),
            )
    return fields
