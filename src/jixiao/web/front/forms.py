"""The evaluation form, both ways: posted fields → a formats §2 document, and a document → field values.

Field names are the document's own paths (``data.income_final``, ``inputs.<id>.score``,
``text.functions``), so an engine issue's path finds its field. Numbers are read leniently
(``core.entry``); what is not a number is kept as typed, so the engine names it and nothing is lost.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.http import QueryDict

from ...core.entry import json_number, parse_date, parse_number
from ...core.spec import UNIT_DETAILS, EvaluationSpec, LeafSpec

ITEM_ROWS = 3  # empty bonus/penalty rows offered beyond those filled
GOAL_COLUMNS = ("goal", "name", "kind", "target", "actual", "unit", "direction", "reached")
DIRECTIONS = {"越高越好": "higher", "越低越好": "lower", "等于目标": "equal"}  # as the form shows them
DIRECTION_NAMES = {code: name for name, code in DIRECTIONS.items()}
_ISSUE_PATH = re.compile(r'\["([^"]+)"\]')


def _number(raw: str, kind: str = "") -> Any:
    value = parse_number(raw, kind)
    return json_number(value) if value is not None and not isinstance(value, str) else value


def _integer(raw: str) -> Any:
    value = _number(raw)
    return value


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if value not in (None, "", []):
        target[key] = value


def _unit(post: QueryDict, base: Mapping[str, Any]) -> dict[str, Any]:
    unit = dict(base.get("unit") or {}) if isinstance(base.get("unit"), dict) else {}
    for key, _ in UNIT_DETAILS:
        name = f"unit.{key}"
        if name in post:
            unit[key] = post.get(name, "").strip()
    if "unit.internal_bodies" in post:
        unit["internal_bodies"] = [
            b for b in re.split(r"[、,，;；\n]+", post.get("unit.internal_bodies", "")) if b.strip()
        ]
    return {k: v for k, v in unit.items() if v not in ("", None)}


def _leaf_input(post: QueryDict, leaf: LeafSpec) -> dict[str, Any]:
    p = f"inputs.{leaf.id}."
    entry: dict[str, Any] = {}
    reason = post.get(p + "reason", "").strip()
    if post.get(p + "not_applicable"):
        return {"applicable": False, "reason": reason}
    override = post.get(p + "override", "").strip()
    if override:
        return {"override": _number(override), "reason": reason}
    if leaf.entry == "judgement":
        _put(entry, "score", _number(post.get(p + "score", "")))
        _put(entry, "tier", post.get(p + "tier", "").strip())
    elif leaf.entry == "checklist":
        if post.get(p + "checklist_seen"):
            entry["checked"] = [int(i) for i in post.getlist(p + "checked") if i.isdigit()]
            _put(entry, "not_applicable", [int(i) for i in post.getlist(p + "absent") if i.isdigit()])
    elif leaf.entry == "count":
        _put(entry, "count", _integer(post.get(p + "count", "")))
    elif leaf.entry == "yes_no":
        choice = post.get(p + "value", "")
        if choice in ("true", "false"):
            entry["value"] = choice == "true"
    elif leaf.entry == "choice":
        _put(entry, "choice", _integer(post.get(p + "choice", "")))
    elif leaf.entry == "auto":
        pass  # decided from the figures or the goals: only a reason (or not applicable / override)
    else:
        _put(entry, "value", _number(post.get(p + "value", ""), "percent"))
    if entry or reason:
        _put(entry, "reason", reason)
    return entry


def _items(post: QueryDict, key: str) -> list[dict[str, Any]]:
    rows = []
    indices = sorted({int(m[1]) for name in post for m in [re.match(rf"^{key}\.(\d+)\.", name)] if m})
    for i in indices:
        item = post.get(f"{key}.{i}.item", "").strip()
        points = post.get(f"{key}.{i}.points", "").strip()
        basis = post.get(f"{key}.{i}.basis", "").strip()
        if item or points or basis:
            rows.append({"item": item, "points": _number(points) if points else None, "basis": basis})
    return rows


def _names(text: str) -> list[str]:
    return [n.strip() for n in re.split(r"[、,，;；\n]+", text) if n.strip()]


def _group(post: QueryDict, base: Mapping[str, Any]) -> dict[str, Any]:
    """自评工作小组: when it was formed, its leader, deputies and members."""
    group = dict(base.get("group") or {}) if isinstance(base.get("group"), dict) else {}
    if "group.formed" in post:
        group.pop("formed", None)
        _put(group, "formed", parse_date(post.get("group.formed", "")))
    if "group.leader" in post:
        group["leader"] = post.get("group.leader", "").strip()
    for key in ("deputies", "members"):
        if f"group.{key}" in post:
            group[key] = _names(post.get(f"group.{key}", ""))
    return {k: v for k, v in group.items() if v not in ("", None, [])}


def _goal_value(raw: str) -> Any:
    """A target or actual value: a number when it is one (95, 1,200), else the text (如“按期完成”)."""
    value = _number(raw, "percent")
    return value if value not in ("",) else None


def _goals(post: QueryDict) -> list[dict[str, Any]]:
    """Goal rows (目标, 指标, 年初目标值, 实际完成值, 单位) grouped by their 目标, in the order typed."""
    goals: dict[str, list[dict[str, Any]]] = {}
    indices = sorted({int(m[1]) for name in post for m in [re.match(r"^goal_rows\.(\d+)\.", name)] if m})
    for i in indices:
        row = {key: post.get(f"goal_rows.{i}.{key}", "").strip() for key in GOAL_COLUMNS}
        if not any(v for k, v in row.items() if k != "reached"):
            continue
        indicator = {
            "name": row["name"],
            "kind": row["kind"],
            "target": _goal_value(row["target"]),
            "actual": _goal_value(row["actual"]),
            "unit": row["unit"],
            "direction": DIRECTIONS.get(row["direction"], row["direction"]),
            "reached": {"true": True, "false": False}.get(row["reached"]),
        }
        goals.setdefault(row["goal"], []).append({k: v for k, v in indicator.items() if v not in ("", None)})
    return [{"goal": goal, "indicators": [i for i in rows if i]} for goal, rows in goals.items()]


def _posted(post: QueryDict, prefix: str) -> bool:
    """Whether the form carried any field of this part (a partial post keeps the rest as it was)."""
    return any(name.startswith(prefix) for name in post)


def document_from_post(post: QueryDict, spec: EvaluationSpec, base: Mapping[str, Any]) -> dict[str, Any]:
    """The §2 document the form describes; keys the form does not show are kept from ``base``."""
    doc = {k: v for k, v in base.items() if k not in ("data", "inputs", "text", "bonus", "penalty")}
    doc["unit"] = _unit(post, base)
    if _posted(post, "group."):
        doc["group"] = _group(post, base)
    if _posted(post, "goal_rows."):
        doc["goals"] = _goals(post)
    if "fill_date" in post:
        _put(doc, "fill_date", parse_date(post.get("fill_date", "")))
        if not post.get("fill_date", "").strip():
            doc.pop("fill_date", None)
    if "notice" in post:
        doc["notice"] = post.get("notice", "").strip()
    data = {k: v for k, v in dict(base.get("data") or {}).items()}
    for figure in spec.figures:
        name = f"data.{figure.id}"
        if name in post:
            value = _number(post.get(name, ""), figure.kind)
            data.pop(figure.id, None)
            _put(data, figure.id, value)
    doc["data"] = data
    inputs = dict(base.get("inputs") or {}) if isinstance(base.get("inputs"), dict) else {}
    for leaf in spec.leaves:
        if _posted(post, f"inputs.{leaf.id}."):
            inputs.pop(leaf.id, None)
            _put(inputs, leaf.id, _leaf_input(post, leaf))
    for choice in spec.choices:
        if _posted(post, f"inputs.{choice.id}."):
            inputs.pop(choice.id, None)
            chosen = post.get(f"inputs.{choice.id}.choose", "").strip()
            _put(inputs, choice.id, {"choose": chosen} if chosen else None)
    doc["inputs"] = inputs
    for key in ("bonus", "penalty"):
        doc[key] = _items(post, key) if _posted(post, f"{key}.") else base.get(key, [])
    text = dict(base.get("text") or {}) if isinstance(base.get("text"), dict) else {}
    for key, _ in spec.sections:
        if f"text.{key}" in post:
            text[key] = post.get(f"text.{key}", "").replace("\r\n", "\n").strip()
    doc["text"] = {k: v for k, v in text.items() if v}
    return doc


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def form_values(doc: Mapping[str, Any]) -> dict[str, Any]:
    """Field name → value to show; checklist indices as a set of strings."""
    values: dict[str, Any] = {}
    unit = doc.get("unit") if isinstance(doc.get("unit"), dict) else {}
    for key, value in (unit or {}).items():
        values[f"unit.{key}"] = "、".join(map(str, value)) if isinstance(value, list) else _shown(value)
    for key in ("fill_date", "notice"):
        values[key] = _shown(doc.get(key))
    values.update(group_values(doc))
    for key, value in dict(doc.get("data") or {}).items():
        values[f"data.{key}"] = _shown(value)
    for leaf_id, entry in dict(doc.get("inputs") or {}).items():
        if not isinstance(entry, dict):
            continue
        for key, value in entry.items():
            if key == "checked" and isinstance(value, list):
                values[f"inputs.{leaf_id}.checked"] = {str(v) for v in value}
            elif key == "not_applicable" and isinstance(value, list):
                values[f"inputs.{leaf_id}.absent"] = {str(v) for v in value}
            elif key == "applicable" and value is False:
                values[f"inputs.{leaf_id}.not_applicable"] = "on"
            else:
                values[f"inputs.{leaf_id}.{key}"] = _shown(value)
    for key, value in dict(doc.get("text") or {}).items():
        values[f"text.{key}"] = _shown(value)
    return values


def items_of(doc: Mapping[str, Any], key: str) -> list[dict[str, str]]:
    rows = [r for r in (doc.get(key) or []) if isinstance(r, dict)]
    shown = [
        {"item": _shown(r.get("item")), "points": _shown(r.get("points")), "basis": _shown(r.get("basis"))}
        for r in rows
    ]
    return shown + [{"item": "", "points": "", "basis": ""} for _ in range(ITEM_ROWS)]


def group_values(doc: Mapping[str, Any]) -> dict[str, str]:
    group = doc.get("group") if isinstance(doc.get("group"), dict) else {}
    out = {f"group.{k}": "、".join(map(str, v)) if isinstance(v, list) else _shown(v) for k, v in (group or {}).items()}
    return out


def goal_rows(doc: Mapping[str, Any]) -> list[dict[str, str]]:
    """The goals as rows of the form's table, plus empty rows to type into."""
    rows = []
    for goal in doc.get("goals") or []:
        if not isinstance(goal, dict):
            continue
        for indicator in goal.get("indicators") or [{}]:
            if isinstance(indicator, dict):
                row = {k: _shown(indicator.get(k)) for k in GOAL_COLUMNS if k != "goal"}
                row["direction"] = DIRECTION_NAMES.get(row["direction"], row["direction"])
                rows.append({"goal": _shown(goal.get("goal")), **row})
    return rows + [dict.fromkeys(GOAL_COLUMNS, "") for _ in range(ITEM_ROWS)]


def field_path(issue_path: str) -> str:
    """An engine path (``inputs["a.b"].score``) as the form's field name (``inputs.a.b.score``)."""
    return _ISSUE_PATH.sub(lambda m: "." + m[1], issue_path).lstrip(".")
