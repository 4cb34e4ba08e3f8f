"""Load an evaluation (`format: jixiao/evaluation@1`): the 数据表, inputs and narratives.

Type problems are issues with the key path (``data.income_final``, ``inputs["a.b"].score``);
what needs the table (unknown indicator ids, input kinds) is checked by the engine.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..core.fields import STANDARD_FIELDS
from ..core.model import GOAL_KINDS, Evaluation, Goal, GoalIndicator, Group, Issue, Item, LeafInput, Unit
from ..core.numbers import in_range, is_integral
from ..core.spec import NARRATIVE_SECTIONS
from .reading import Reader, convert, describe, format_message, is_blank, key_path, plausible_year
from .yamlio import exact_numbers, load_file

FORMAT = "jixiao/evaluation@1"
TOP_KEYS = (
    "format",
    "framework",
    "year",
    "fill_date",
    "notice",
    "notice_title",
    "unit",
    "group",
    "data",
    "inputs",
    "bonus",
    "penalty",
    "goals",
    "text",
)
UNIT_KEYS = ("name", "level", "head", "filler", "phone", "address", "internal_bodies", "subordinate_units")
INPUT_KEYS = (
    "score",
    "tier",
    "reason",
    "checked",
    "not_applicable",
    "count",
    "value",
    "choice",
    "choose",
    "applicable",
    "override",
)
GOAL_KEYS = ("name", "kind", "target", "actual", "unit", "direction", "reached")
DIRECTIONS = ("higher", "lower", "equal")
TEXT_KEYS = tuple(key for key, _ in NARRATIVE_SECTIONS)  # declared once in core.spec
_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
_DATE = re.compile(r"^\s*(\d{4})\s*(?:-|/|\.|年)\s*(\d{1,2})\s*(?:-|/|\.|月)\s*(\d{1,2})\s*日?\s*$")


@dataclass(frozen=True)
class LoadedEvaluation:
    evaluation: Evaluation | None
    issues: tuple[Issue, ...]


def load_evaluation_path(path: Path) -> LoadedEvaluation:
    """Read an evaluation file (YamlError propagates: the file is unusable)."""
    return load_evaluation(load_file(path), str(path))


def load_evaluation(doc: Any, file: str) -> LoadedEvaluation:
    """Validate a parsed evaluation document; the Evaluation is returned even with errors."""
    r = Reader(file)
    top = r.mapping(exact_numbers(doc), "")
    if top is None:
        return LoadedEvaluation(None, tuple(r.issues))
    if top.get("format") != FORMAT:
        r.error("format-unknown", "format", format_message(FORMAT, top.get("format")))
        return LoadedEvaluation(None, tuple(r.issues))
    r.unknown_keys(top, TOP_KEYS, "")
    framework = r.get(top, "framework", "", "text", required=True, default="")
    year = r.get(top, "year", "", "int", required=True, default=0)
    if year is not None and "year" in top and not plausible_year(year):
        r.error("key-type", "year", f"评价年度{year}不合理")
    raw_data = top.get("data")
    data = _data(r, raw_data)
    given = {str(k) for k, v in raw_data.items() if v is not None} if isinstance(raw_data, dict) else set()
    evaluation = Evaluation(
        framework=framework,
        year=year or 0,
        unit=_unit(r, top.get("unit")),
        data=data,
        invalid_data=frozenset(given - set(data)),
        inputs=_inputs(r, top.get("inputs")),
        bonus=_items(r, top.get("bonus"), "bonus"),
        penalty=_items(r, top.get("penalty"), "penalty"),
        fill_date=parse_date(r, top.get("fill_date"), "fill_date"),
        notice=r.get(top, "notice", "", "text", default=""),
        notice_title=r.get(top, "notice_title", "", "text", default=""),
        group=_group(r, top.get("group")),
        goals=_goals(r, top.get("goals")),
        text=_text(r, top.get("text")),
        file=file,
    )
    return LoadedEvaluation(evaluation, tuple(r.issues))


def parse_date(r: Reader, raw: Any, path: str) -> date | None:
    """2024-05-21, 2024.5.21, 2024/5/21 or 2024年5月21日."""
    if raw is None:
        return None
    match = _DATE.match(raw) if isinstance(raw, str) else None
    try:
        if match:
            return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        pass
    r.error("key-type", path, f"{path} 应为日期（如 2024-05-21），实为{describe(raw)}")
    return None


def _strings(r: Reader, raw: Any, path: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    items = r.sequence(raw, path) or []
    values = [convert(v, "text") for v in items]
    for i, value in enumerate(values):
        if not isinstance(value, str):
            r.error("key-type", f"{path}[{i}]", f"{path}[{i}] 应为文本")
    return tuple(v for v in values if isinstance(v, str))


def _unit(r: Reader, raw: Any) -> Unit:
    entry = r.mapping(raw, "unit") if raw is not None else None
    if entry is None:
        if raw is None:
            r.error("key-missing", "unit", "缺少必填项 unit（评价单位）")
        return Unit(name="")
    r.unknown_keys(entry, UNIT_KEYS, "unit")
    text = {k: r.get(entry, k, "unit", "text", default="") for k in UNIT_KEYS[:6]}
    if is_blank(text["name"]):
        r.error("key-missing", "unit.name", "缺少必填项 unit.name（单位名称），不能为空或只有空格")
    return Unit(
        **text,
        internal_bodies=_strings(r, entry.get("internal_bodies"), "unit.internal_bodies"),
        subordinate_units=_strings(r, entry.get("subordinate_units"), "unit.subordinate_units"),
    )


def _group(r: Reader, raw: Any) -> Group:
    entry = r.mapping(raw, "group") if raw is not None else None
    if entry is None:
        return Group()
    r.unknown_keys(entry, ("formed", "leader", "deputies", "members"), "group")
    return Group(
        parse_date(r, entry.get("formed"), "group.formed"),
        r.get(entry, "leader", "group", "text", default=""),
        _strings(r, entry.get("deputies"), "group.deputies"),
        _strings(r, entry.get("members"), "group.members"),
    )


def _data(r: Reader, raw: Any) -> dict[str, Decimal]:
    entries = r.mapping(raw, "data") if raw is not None else {}
    data: dict[str, Decimal] = {}
    for key in entries or {}:
        where = key_path("data", str(key))
        if not _SNAKE.match(str(key)):
            r.error("key-invalid", where, f"数据项“{key}”应为小写蛇形命名（如 income_final）")
            continue
        number = r.get(entries or {}, str(key), "data", "decimal")
        if number is None:
            continue  # empty: not entered (the engine names what a score needs); a wrong type is an error
        if _check_field(r, str(key), number, where):
            data[str(key)] = number
    return data


def _check_field(r: Reader, key: str, number: Decimal, where: str) -> bool:
    standard = STANDARD_FIELDS.get(key)
    if standard is None:
        return True
    if number < 0:
        r.error("negative-amount", where, f"{where}（{standard.name}）不能为负数，实为{number}")
        return False
    if standard.kind == "count" and not is_integral(number):
        r.error("not-integer", where, f"{where}（{standard.name}）应为整数，实为{number}")
        return False
    return True


def _inputs(r: Reader, raw: Any) -> dict[str, LeafInput]:
    entries = r.mapping(raw, "inputs") if raw is not None else {}
    return {str(k): _input(r, str(k), v) for k, v in (entries or {}).items()}


def _input(r: Reader, indicator_id: str, raw: Any) -> LeafInput:
    path = f'inputs["{indicator_id}"]'
    entry = r.mapping(raw, path) or {}
    r.unknown_keys(entry, INPUT_KEYS, path, "error")
    score = _non_negative(r, entry, "score", path)
    count = _non_negative(r, entry, "count", path)
    if count is not None and not is_integral(count):
        r.error("not-integer", key_path(path, "count"), f"{key_path(path, 'count')} 应为整数（次数），实为{count}")
        count = None
    value = entry.get("value")
    if value is not None and not isinstance(value, bool | Decimal):
        r.error(
            "not-a-number",
            key_path(path, "value"),
            f"{key_path(path, 'value')} 应为数字或 true/false，实为{describe(value)}；不带单位或百分号",
        )
        value = None
    elif isinstance(value, Decimal) and not isinstance(value, bool) and not in_range(value):
        r.error(
            "number-out-of-range",
            key_path(path, "value"),
            f"{key_path(path, 'value')} 数值过大（{value}），请检查是否多写了位数",
        )
        value = None
    return LeafInput(
        path=path,
        keys=frozenset(k for k in entry if entry[k] is not None),
        score=score,
        tier=r.get(entry, "tier", path, "text"),
        reason=r.get(entry, "reason", path, "text", default=""),
        checked=_checked(r, entry.get("checked"), key_path(path, "checked")),
        not_applicable=_checked(r, entry.get("not_applicable"), key_path(path, "not_applicable")),
        count=count,
        value=Decimal(value) if isinstance(value, Decimal) else value,
        choice=_index(r, entry, "choice", path),
        choose=r.get(entry, "choose", path, "text"),
        applicable=r.get(entry, "applicable", path, "bool"),
        override=_non_negative(r, entry, "override", path),
    )


def _non_negative(r: Reader, entry: Mapping[str, Any], key: str, path: str) -> Decimal | None:
    value: Decimal | None = r.get(entry, key, path, "decimal")
    if value is not None and value < 0:
        r.error("negative-amount", key_path(path, key), f"{key_path(path, key)} 不能为负数，实为{value}")
        return None
    return value


def _index(r: Reader, entry: Mapping[str, Any], key: str, path: str) -> int | None:
    value: int | None = r.get(entry, key, path, "int")
    if value is not None and value < 0:
        r.error("index-out-of-range", key_path(path, key), f"{key_path(path, key)} 应为从0起的序号")
        return None
    return value


def _checked(r: Reader, raw: Any, path: str) -> tuple[int, ...] | None:
    if raw is None:
        return None
    items = r.sequence(raw, path)
    if items is None:
        return None
    indices = [convert(v, "int") for v in items]
    bad = [describe(v) for v, i in zip(items, indices, strict=True) if not isinstance(i, int)]
    if bad:
        r.error("key-type", path, f"{path} 应为从0起的项序号列表（如 [0, 2]），含有{'、'.join(bad)}")
        return None
    negative = [i for i in indices if isinstance(i, int) and i < 0]
    if negative:
        r.error("index-out-of-range", path, f"{path} 中的序号{negative}无效：项序号从0起编号")
        return None
    return tuple(i for i in indices if isinstance(i, int))


def _items(r: Reader, raw: Any, key: str) -> tuple[Item, ...]:
    if raw is None:
        return ()
    items: list[Item] = []
    for i, entry_raw in enumerate(r.sequence(raw, key) or []):
        where = f"{key}[{i}]"
        entry = r.mapping(entry_raw, where)
        if entry is None:
            continue
        r.unknown_keys(entry, ("item", "points", "basis"), where, "error")
        name = r.get(entry, "item", where, "text", required=True)
        points = _non_negative(r, entry, "points", where)
        if "points" not in entry:
            r.error("key-missing", key_path(where, "points"), f"缺少必填项 {key_path(where, 'points')}")
        if name and points is not None:
            items.append(Item(name, points, r.get(entry, "basis", where, "text", default="")))
    return tuple(items)


def _goals(r: Reader, raw: Any) -> tuple[Goal, ...]:
    """部门整体支出绩效目标, each with its 绩效指标 (formats §2 ``goals``)."""
    if raw is None:
        return ()
    goals: list[Goal] = []
    for i, entry_raw in enumerate(r.sequence(raw, "goals") or []):
        where = f"goals[{i}]"
        entry = r.mapping(entry_raw, where)
        if entry is None:
            continue
        r.unknown_keys(entry, ("goal", "indicators"), where)
        name = r.get(entry, "goal", where, "text", required=True, default="")
        listed = r.sequence(entry.get("indicators") or [], key_path(where, "indicators")) or []
        indicators = [_goal_indicator(r, ind, f"{where}.indicators[{j}]") for j, ind in enumerate(listed)]
        goals.append(Goal(name, tuple(indicators)))
    return tuple(goals)


def _goal_indicator(r: Reader, raw: Any, where: str) -> GoalIndicator:
    """One 绩效指标: name, kind (数量/质量/时效/成本/效益/满意度), 年初目标值, 实际完成值, unit,
    direction (higher | lower | equal) and, for worded values, whether it was reached."""
    ind = r.mapping(raw, where) or {}
    r.unknown_keys(ind, GOAL_KEYS, where)
    kind = str(r.get(ind, "kind", where, "text", default="") or "").strip()
    if kind and kind not in GOAL_KINDS:
        trimmed = kind.removesuffix("指标")
        if trimmed in GOAL_KINDS:
            kind = trimmed
        else:
            r.error(
                "key-type",
                key_path(where, "kind"),
                f"{key_path(where, 'kind')} 应为{'、'.join(GOAL_KINDS)}之一，实为“{kind}”",
            )
            kind = ""
    direction = r.get(ind, "direction", where, "text", default="higher")
    if direction not in DIRECTIONS:
        r.error(
            "key-type",
            key_path(where, "direction"),
            f"{key_path(where, 'direction')} 应为 higher（越高越好）、lower（越低越好）或 equal（等于目标），"
            f"实为“{direction}”",
        )
        direction = "higher"
    return GoalIndicator(
        str(convert(ind.get("name"), "text") or ""),
        _goal_value(ind.get("target")),
        _goal_value(ind.get("actual")),
        str(convert(ind.get("unit"), "text") or ""),
        kind,
        direction,
        r.get(ind, "reached", where, "bool"),
    )


def _goal_value(raw: Any) -> Decimal | str | None:
    if isinstance(raw, Decimal) and not isinstance(raw, bool):
        return Decimal(raw)
    return raw if isinstance(raw, str) else None


def _text(r: Reader, raw: Any) -> dict[str, str]:
    entries = r.mapping(raw, "text") if raw is not None else {}
    text: dict[str, str] = {}
    for key, value in (entries or {}).items():
        converted = convert(value, "text")
        if value is None:
            continue
        if not isinstance(converted, str):
            r.error("key-type", key_path("text", str(key)), f"{key_path('text', str(key))} 应为文本")
        else:
            text[str(key)] = converted.strip()
    if entries:
        r.unknown_keys(entries, TEXT_KEYS, "text")
    return text
