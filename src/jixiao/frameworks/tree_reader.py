"""Read the indicator tree of a table: nodes, weights, expressions, not-applicable policies."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..core import expr as ex
from ..core.fields import STANDARD_FIELDS
from ..core.model import (
    Field,
    Indicator,
    NotApplicable,
)
from ..core.numbers import ZERO, fmt_points
from ..core.plan import NEEDS_VALUE
from .reading import Reader, is_blank, key_path
from .rules_reader import read_rule

NODE_KEYS = (
    "id",
    "name",
    "weight",
    "definition",
    "criteria",
    "source",
    "children",
    "rule",
    "value",
    "formula_text",
    "unit",
    "not_applicable",
    "alternatives",
    "note",
)
_ID = re.compile(r"^[A-Za-z0-9_]+(?:[.-][A-Za-z0-9_]+)*$")


def node_path(index_path: str, node_id: str | None) -> str:
    """indicators["a.b"] once the id is known, else the positional path."""
    return f'indicators["{node_id}"]' if node_id else index_path


def read_nodes(r: Reader, raw: Any, path: str) -> tuple[Indicator, ...]:
    """Read a list of nodes at ``path`` (``indicators`` or ``…children``)."""
    items = r.sequence(raw, path)
    if items is None:
        return ()
    nodes = [read_node(r, item, f"{path}[{i}]") for i, item in enumerate(items)]
    return tuple(n for n in nodes if n is not None)


def read_node(r: Reader, raw: Any, index_path: str) -> Indicator | None:
    node = r.mapping(raw, index_path)
    if node is None:
        return None
    node_id = r.get(node, "id", index_path, "text", required=True)
    path = node_path(index_path, node_id)
    if node_id is not None and not _ID.match(node_id):
        r.error(
            "id-invalid", key_path(path, "id"), f"指标编号“{node_id}”只能由字母、数字、下划线组成，以点或连字符分隔"
        )
    r.unknown_keys(node, NODE_KEYS, path)
    weight = r.get(node, "weight", path, "decimal", required=True, default=ZERO)
    if weight < 0:
        r.error("rule-key-type", key_path(path, "weight"), f"{key_path(path, 'weight')} 不能为负数")
    elif weight != weight.quantize(Decimal("0.01")):
        r.error("rule-key-type", key_path(path, "weight"), f"{key_path(path, 'weight')} 最多两位小数（分值以0.01分计）")
    text = {
        k: r.get(node, k, path, "text", default="")
        for k in ("name", "definition", "criteria", "source", "formula_text", "unit")
    }
    if "name" not in node or node["name"] is None:
        r.error("key-missing", key_path(path, "name"), f"缺少必填项 {key_path(path, 'name')}")
    elif is_blank(text["name"]):
        r.error(
            "key-missing",
            key_path(path, "name"),
            f"{key_path(path, 'name')} 为空白（只有空格或不可见字符）：指标名称会印在评分表和报告中，请填写",
        )
    has_children, has_rule = "children" in node, "rule" in node
    if has_children == has_rule:
        r.error("key-missing", path, f"{path} 须有 children（中间指标）或 rule（末级指标）之一，且只能有一个")
        return None
    if has_children:
        return _inner(r, node, path, node_id or "", weight, text)
    return _leaf(r, node, path, node_id or "", weight, text)


def _inner(
    r: Reader, node: Mapping[str, Any], path: str, node_id: str, weight: Decimal, text: Mapping[str, str]
) -> Indicator:
    for key in ("value", "formula_text", "not_applicable", "unit"):
        if key in node:
            r.error("key-unknown", key_path(path, key), f"{key_path(path, key)} 只能用于末级指标")
    children = read_nodes(r, node.get("children"), key_path(path, "children"))
    alternatives = bool(r.get(node, "alternatives", path, "bool", default=False))
    if not children:
        r.error("key-missing", key_path(path, "children"), f"{key_path(path, 'children')} 不能为空")
    check_weights(r, path, weight, children, alternatives)
    return Indicator(
        node_id,
        text["name"],
        weight,
        path,
        children=children,
        alternatives=alternatives,
        definition=text["definition"],
        criteria=text["criteria"],
        source=text["source"],
    )


def check_weights(r: Reader, path: str, weight: Decimal, children: tuple[Indicator, ...], alternatives: bool) -> None:
    """Children's weights add up to the parent's (each equals it under ``alternatives``)."""
    if alternatives:
        for child in children:
            if child.weight != weight:
                r.error(
                    "weight-sum",
                    key_path(child.path, "weight"),
                    f"“二者择其一”的下级指标分值应等于上级分值{fmt_points(weight)}分，实为{fmt_points(child.weight)}分",
                )
        return
    total = sum((c.weight for c in children), ZERO)
    if children and total != weight:
        parts = "+".join(fmt_points(c.weight) for c in children)
        r.error(
            "weight-sum",
            key_path(path, "weight"),
            f"下级指标分值合计{parts}={fmt_points(total)}分，与本指标分值{fmt_points(weight)}分不符",
        )


def _leaf(
    r: Reader, node: Mapping[str, Any], path: str, node_id: str, weight: Decimal, text: Mapping[str, str]
) -> Indicator:
    rule = read_rule(r, node.get("rule"), key_path(path, "rule"), weight) if weight > 0 else None
    if weight == 0 and isinstance(node.get("weight"), Decimal):
        r.error("rule-key-type", key_path(path, "weight"), f"末级指标 {path} 的分值应大于0")
    value_text = r.get(node, "value", path, "text", default="")
    parsed = (
        _expression(r, value_text, key_path(path, "value")) if "value" in node and node["value"] is not None else None
    )
    if parsed is not None and rule is not None:
        _check_value_kind(r, parsed, rule.type, key_path(path, "value"))
    if "alternatives" in node:
        r.error("key-unknown", key_path(path, "alternatives"), f"{key_path(path, 'alternatives')} 只能用于中间指标")
    return Indicator(
        node_id,
        text["name"],
        weight,
        path,
        rule=rule,
        value=parsed,
        value_text=value_text,
        formula_text=text["formula_text"],
        unit=text["unit"],
        definition=text["definition"],
        criteria=text["criteria"],
        source=text["source"],
        not_applicable=_not_applicable(r, node.get("not_applicable"), key_path(path, "not_applicable")),
    )


def _expression(r: Reader, text: str, path: str) -> ex.Expr | None:
    try:
        return ex.parse(text)
    except ex.ExprError as error:
        r.error("expr-syntax", path, f"表达式“{text}”无法解析：{error.message}")
        return None


def _check_value_kind(r: Reader, parsed: ex.Expr, rule_type: str, path: str) -> None:
    if rule_type == "yes_no" and parsed.kind != "bool":
        r.error("expr-kind", path, "是否判断（yes_no）规则的 value 应为条件（如 petitions == 0）")
    if rule_type in NEEDS_VALUE - {"yes_no"} and parsed.kind != "num":
        r.error("expr-kind", path, "此规则的 value 应为数值表达式，而不是条件")


def _not_applicable(r: Reader, raw: Any, path: str) -> NotApplicable | None:
    if raw is None:
        return None
    if raw in ("full_marks", "zero"):
        return NotApplicable(raw)
    if isinstance(raw, dict) and set(raw) == {"move_to"} and isinstance(raw["move_to"], str):
        return NotApplicable("move_to", raw["move_to"])
    r.error("rule-key-type", path, f"{path} 应为 full_marks、zero 或 {{move_to: 同级末级指标编号}}")
    return None


def check_tree(r: Reader, indicators: tuple[Indicator, ...], fields: Mapping[str, Field]) -> None:
    """Cross-node checks: unique ids, move_to targets, expression names and references."""
    nodes = _all(indicators)
    seen: dict[str, str] = {}
    for node in nodes:
        if node.id in seen:
            r.error("duplicate-id", key_path(node.path, "id"), f"指标编号“{node.id}”重复出现，编号须唯一")
        seen.setdefault(node.id, node.path)
    leaves = {n.id: n for n in nodes if n.is_leaf}
    _check_moves(r, indicators, leaves)
    _check_expressions(r, leaves, fields)


def _all(nodes: tuple[Indicator, ...]) -> list[Indicator]:
    out: list[Indicator] = []
    for node in nodes:
        out.append(node)
        out += _all(node.children)
    return out


def _check_moves(r: Reader, siblings: tuple[Indicator, ...], leaves: Mapping[str, Indicator]) -> None:
    ids = {s.id for s in siblings}
    for node in siblings:
        policy = node.not_applicable
        if policy is not None and policy.kind == "move_to":
            where = key_path(key_path(node.path, "not_applicable"), "move_to")
            target = leaves.get(policy.target)
            if policy.target not in ids or target is None or policy.target == node.id:
                r.error("move-to-invalid", where, f"move_to“{policy.target}”应为本指标的同级末级指标")
            elif target.not_applicable is not None and target.not_applicable.kind == "move_to":
                r.error("move-to-invalid", where, f"move_to 的目标“{policy.target}”自身也会调出分值，不能连续调整")
        _check_moves(r, node.children, leaves)


def _check_expressions(r: Reader, leaves: Mapping[str, Indicator], fields: Mapping[str, Field]) -> None:
    for leaf in leaves.values():
        if leaf.value is None:
            continue
        where = key_path(leaf.path, "value")
        for name in sorted(ex.names(leaf.value)):
            if name not in STANDARD_FIELDS and name not in fields:
                r.error("expr-unknown-field", where, f"表达式中的数据项“{name}”既不是标准数据项，也未在 fields 中声明")
        for target in sorted(ex.refs(leaf.value)):
            if target not in leaves:
                r.error("expr-unknown-ref", where, f"表达式引用的“@{target}”不是本表的末级指标")
            elif not numeric_leaf(leaves[target]):
                r.error("expr-kind", where, f"“@{target}”是是否判断类指标，没有数值，不能在表达式中引用")
    _check_cycles(r, leaves)


def _check_cycles(r: Reader, leaves: Mapping[str, Indicator]) -> None:
    state: dict[str, int] = {}

    def visit(leaf_id: str, trail: list[str]) -> None:
        if state.get(leaf_id) == 2:
            return
        if state.get(leaf_id) == 1:
            cycle = " → ".join([*trail[trail.index(leaf_id) :], leaf_id])
            r.error("expr-cycle", key_path(leaves[leaf_id].path, "value"), f"指标之间循环引用：{cycle}")
            return
        state[leaf_id] = 1
        value = leaves[leaf_id].value
        for target in sorted(ex.refs(value)) if value is not None else []:
            if target in leaves:
                visit(target, [*trail, leaf_id])
        state[leaf_id] = 2

    for leaf_id in leaves:
        visit(leaf_id, [])


def all_leaves(nodes: tuple[Indicator, ...]) -> list[Indicator]:
    """Every leaf under ``nodes``."""
    return [n for n in _all(nodes) if n.is_leaf]


def numeric_leaf(leaf: Indicator) -> bool:
    """Whether ``@leaf`` has a number to offer: not a yes/no leaf nor one computed by a condition."""
    is_condition = leaf.value is not None and leaf.value.kind == "bool"
    return not (is_condition or (leaf.rule is not None and leaf.rule.type == "yes_no"))
