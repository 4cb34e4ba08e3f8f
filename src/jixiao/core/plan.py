"""A scoring table compiled once into a plan, so that many evaluations are scored cheaply.

Everything the engine needs that does not depend on the evaluation is worked out here: each
leaf's position, the input keys its rule accepts, its expression compiled to a closure, the
order in which computed values depend on each other, the position a ``move_to`` sends weight to,
and for every inner node the positions of its children. Scoring an evaluation then runs over
lists by position instead of walking the tree and looking things up by id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from . import explain, rules
from .compiled import Compiled, compile_expr
from .expr import Expr, names, refs
from .kinds import KINDS, RuleKind
from .model import CategoricalRule, Framework, Indicator, IndicatorResult, JudgementRule, Rule
from .numbers import ZERO

KIND_KEYS: Mapping[str, frozenset[str]] = {kind.type: kind.inputs for kind in KINDS.values()}
"""The input keys each rule type reads, besides ``ANY_LEAF_KEYS`` (declared by each kind)."""
ANY_LEAF_KEYS = frozenset({"reason", "applicable", "override"})
NEEDS_VALUE = frozenset(kind.type for kind in KINDS.values() if kind.needs_value)
"""Rule types scored from a value (computed or entered): without one the leaf cannot be scored."""
NOT_CHOSEN = "“二者择其一”未选择本项，不计分"


@dataclass(frozen=True, slots=True)
class LeafPlan:
    """One leaf, prepared: what the engine reads for it in every evaluation."""

    index: int
    node: Indicator
    rule: Rule
    allowed: frozenset[str]
    needs_value: bool
    compiled: Compiled | None
    names: tuple[str, ...]
    refs: tuple[str, ...]
    move_to: int  # the position of the leaf that receives the weight when not applicable, or -1
    counted: bool  # its entered value is a count (per_occurrence), not a value
    subject: str  # what the rule reads: value, count, checked, choice, score (judgements) or goals
    fraction: rules.Fraction | None  # the prepared rule (not for judgements); reads the value when subject is "value"
    judge: rules.Judge | None  # the prepared judgement
    kind: RuleKind
    conditions: tuple[tuple[Compiled, Expr] | None, ...]  # the options' `when`, compiled (conditional categorical)
    default_full: bool  # a judgement that is full marks unless a lower score is entered
    position: int  # in walk order
    id: str
    name: str
    depth: int
    weight: Decimal
    unit: str
    rule_type: str
    not_chosen: IndicatorResult  # its result when "二者择其一" chose the other branch


@dataclass(frozen=True, slots=True)
class NodePlan:
    """One node of the tree in walk order; ``leaf`` is its leaf position (−1 for inner nodes)."""

    node: Indicator
    depth: int
    leaf: int
    children: tuple[int, ...]  # walk positions
    subtree: tuple[int, ...]  # leaf positions


class Plan:
    """A scoring table compiled for the engine (see the module docstring)."""

    def __init__(self, framework: Framework) -> None:
        self.framework = framework
        walk = framework.walk()
        self.by_id = {node.id: node for node, _ in walk}
        leaf_nodes = [(position, node, depth) for position, (node, depth) in enumerate(walk) if node.is_leaf]
        self.leaf_index = {leaf.id: i for i, (_, leaf, _) in enumerate(leaf_nodes)}
        self.leaves = tuple(self._leaf(i, *leaf) for i, leaf in enumerate(leaf_nodes))
        self.weights = tuple(p.node.weight for p in self.leaves)
        self.nodes = self._nodes(walk)
        self.nodes_by_id = {plan.node.id: plan for plan in self.nodes}
        self.top = tuple(i for i, plan in enumerate(self.nodes) if plan.depth == 1)
        self.inner_bottom_up = tuple(i for i in reversed(range(len(self.nodes))) if self.nodes[i].leaf < 0)
        self.value_order = _value_order(self.leaves, self.leaf_index)
        self.entered_only = tuple(p.index for p in self.leaves if p.compiled is None)
        self.conditional = tuple(p.index for p in self.leaves if p.conditions)
        self.goal_leaves = tuple(p.index for p in self.leaves if p.subject == "goals")
        self.movers = tuple(p.index for p in self.leaves if p.move_to >= 0)
        self.alternatives = tuple(node for node, _ in walk if node.alternatives)
        self.labels = self._labels()
        self.formulas = {
            p.index: explain.formula(p.node, p.node.value, self.labels) for p in self.leaves if p.node.value is not None
        }

    def _leaf(self, index: int, position: int, leaf: Indicator, depth: int) -> LeafPlan:
        assert leaf.rule is not None
        policy = leaf.not_applicable
        target = policy.target if policy is not None and policy.kind == "move_to" else ""
        rule = leaf.rule
        kind = KINDS[rule.type]
        conditions = (
            tuple((compile_expr(o.when), o.when) if o.when is not None else None for o in rule.options)
            if isinstance(rule, CategoricalRule) and rule.conditional
            else ()
        )
        return LeafPlan(
            index=index,
            node=leaf,
            rule=rule,
            allowed=kind.inputs | ANY_LEAF_KEYS,
            needs_value=kind.needs_value,
            compiled=compile_expr(leaf.value) if leaf.value is not None else None,
            names=tuple(sorted(names(leaf.value))) if leaf.value is not None else (),
            refs=tuple(sorted(refs(leaf.value))) if leaf.value is not None else (),
            move_to=self.leaf_index.get(target, -1),
            counted=kind.subject == "count",
            subject=kind.subject,
            fraction=kind.prepare(rule, leaf.weight),
            judge=rules.judge_for(rule) if isinstance(rule, JudgementRule) else None,
            kind=kind,
            conditions=conditions,
            default_full=isinstance(rule, JudgementRule) and rule.default_full,
            position=position,
            id=leaf.id,
            name=leaf.name,
            depth=depth,
            weight=leaf.weight,
            unit=leaf.unit,
            rule_type=leaf.rule.type,
            not_chosen=IndicatorResult(
                leaf.id,
                leaf.name,
                depth,
                leaf.weight,
                ZERO,
                None,
                None,
                False,
                NOT_CHOSEN,
                True,
                leaf.unit,
                leaf.rule.type,
                False,
            ),
        )

    def _nodes(self, walk: list[tuple[Indicator, int]]) -> tuple[NodePlan, ...]:
        position = {node.id: i for i, (node, _) in enumerate(walk)}
        return tuple(
            NodePlan(
                node=node,
                depth=depth,
                leaf=self.leaf_index[node.id] if node.is_leaf else -1,
                children=tuple(position[child.id] for child in node.children),
                subtree=tuple(self.leaf_index[leaf.id] for leaf in subtree_leaves(node)),
            )
            for node, depth in walk
        )

    def _labels(self) -> dict[str, str]:
        labels = {f"@{p.id}": p.node.name for p in self.leaves}
        for p in self.leaves:
            labels.update({n: explain.field_label(n, self.framework.fields) for n in p.names})
        return labels


def _value_order(leaves: tuple[LeafPlan, ...], index: Mapping[str, int]) -> tuple[int, ...]:
    """Leaves with an expression, each after the leaves it references (cycles are validated)."""
    done: set[int] = set()
    order: list[int] = []

    def visit(plan: LeafPlan, trail: frozenset[int]) -> None:
        if plan.index in done or plan.index in trail or plan.compiled is None:
            return
        for target in plan.refs:
            if target in index:
                visit(leaves[index[target]], trail | {plan.index})
        done.add(plan.index)
        order.append(plan.index)

    for plan in leaves:
        visit(plan, frozenset())
    return tuple(order)


def subtree_leaves(node: Indicator) -> list[Indicator]:
    """The leaves under ``node`` (itself when it is a leaf), in table order."""
    if node.is_leaf:
        return [node]
    return [leaf for child in node.children for leaf in subtree_leaves(child)]
