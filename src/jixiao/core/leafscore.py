"""Per-leaf scoring: the rule applied to a leaf's value or input, overrides and wording.

``LeafScoring`` holds the per-evaluation state shared with the engine's ``_Run`` (which owns the
order of the steps); this module owns what happens to one applicable leaf.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from . import explain, rules
from .expr import Unavailable, Value
from .model import (
    BandsRule,
    CategoricalRule,
    ChecklistRule,
    Evaluation,
    Framework,
    Indicator,
    Issue,
    JudgementRule,
    LeafInput,
    PerOccurrenceRule,
    ProportionalRule,
    Severity,
    ThresholdRule,
    YesNoRule,
)
from .numbers import ZERO, fmt, fmt_points, is_integral, q2

NUMERIC_RULES = (ProportionalRule, ThresholdRule, BandsRule)
KIND_KEYS: Mapping[str, frozenset[str]] = {
    "proportional": frozenset({"value"}),
    "threshold": frozenset({"value"}),
    "bands": frozenset({"value"}),
    "checklist": frozenset({"checked"}),
    "per_occurrence": frozenset({"count"}),
    "yes_no": frozenset({"value"}),
    "categorical": frozenset({"choice"}),
    "judgement": frozenset({"score", "tier"}),
}
ANY_LEAF_KEYS = frozenset({"reason", "applicable", "override"})


def input_path(indicator_id: str, key: str = "") -> str:
    """The key path of an input entry: inputs["a.b"].score."""
    return f'inputs["{indicator_id}"]' + (f".{key}" if key else "")


@dataclass(slots=True)
class LeafState:
    """Per-evaluation state of one leaf."""

    node: Indicator
    active: bool = True
    value: Value | Unavailable | None = None
    entered: bool = False
    applicable: bool = True
    effective: Decimal = ZERO
    score: Decimal | None = None
    parts: list[str] = field(default_factory=list)
    received: list[tuple[Indicator, Decimal]] = field(default_factory=list)
    overridden: bool = False


class LeafScoring:
    """State of one evaluation being scored, and the scoring of its leaves."""

    fw: Framework
    ev: Evaluation
    labels: Mapping[str, str]
    leaf_names: Mapping[str, tuple[str, ...]]
    leaf_refs: Mapping[str, tuple[str, ...]]
    issues: list[Issue]
    state: dict[str, LeafState]

    # ------------------------------------------------------------------ helpers

    def issue(self, severity: Severity, code: str, path: str, message: str) -> None:
        self.issues.append(Issue(severity, code, path, message, self.ev.file))

    def error(self, code: str, path: str, message: str) -> None:
        self.issue(Severity.ERROR, code, path, message)

    # ------------------------------------------------------------------ scoring

    def score_leaf(self, leaf_state: LeafState) -> None:
        leaf = leaf_state.node
        if leaf_state.received:
            leaf_state.parts.append(explain.transfer_in(leaf_state.received))
        if leaf.value is not None and not leaf_state.entered:
            leaf_state.parts.insert(0, self.formula_part(leaf, leaf_state.value))
        outcome = self.outcome(leaf_state)
        if outcome is None:
            return
        if outcome.fraction is None:
            self.error(outcome.code, input_path(leaf.id, outcome.key), f"指标“{leaf.name}”：{outcome.phrase}")
            return
        leaf_state.score = q2(outcome.fraction * leaf_state.effective)
        scaled = leaf_state.received and not isinstance(leaf.rule, JudgementRule)
        suffix = f"，按调整后分值{fmt_points(leaf_state.effective)}分折算" if scaled else ""
        basis = self.basis(leaf_state)
        if leaf.value is None and isinstance(leaf_state.value, Decimal) and isinstance(leaf.rule, NUMERIC_RULES):
            basis += f"{leaf.name}填报值为{explain.value_text(leaf_state.value, leaf.unit)}；"
        leaf_state.parts.append(f"{basis}{outcome.phrase}{suffix}，得{fmt_points(leaf_state.score)}分")
        self.apply_override(leaf_state)

    def basis(self, leaf_state: LeafState) -> str:
        """The unit's stated basis, unless the reason belongs to an override or a value entry."""
        entry = self.ev.inputs.get(leaf_state.node.id)
        if entry is None or not entry.reason.strip() or entry.override is not None:
            return ""
        if leaf_state.entered and leaf_state.node.value is not None:
            return ""
        return f"{entry.reason.strip().rstrip('。')}。"

    def formula_part(self, leaf: Indicator, value: object) -> str:
        assert leaf.value is not None
        figures = {
            n: explain.field_figure(n, self.ev.data[n], self.fw.fields)
            for n in self.leaf_names[leaf.id]
            if n in self.ev.data
        }
        for target in self.leaf_refs[leaf.id]:
            ref_value = self.state[target].value if target in self.state else None
            if isinstance(ref_value, Decimal):
                figures[f"@{target}"] = explain.value_text(ref_value, self.state[target].node.unit)
        if isinstance(value, bool):
            head = explain.computed(leaf, leaf.value, self.labels, figures, "成立" if value else "不成立")
            return head.rsplit("=", 1)[0] + ("，成立" if value else "，不成立")
        if isinstance(value, Decimal) and isinstance(leaf.rule, PerOccurrenceRule):
            result = f"{fmt_points(value)}{leaf.unit or '次'}"
        else:
            result = explain.value_text(value, leaf.unit) if isinstance(value, Decimal) else "—"
        return explain.computed(leaf, leaf.value, self.labels, figures, result)

    def outcome(self, leaf_state: LeafState) -> rules.Outcome | None:
        leaf, entry, rule = leaf_state.node, self.ev.inputs.get(leaf_state.node.id), leaf_state.node.rule
        value, weight = leaf_state.value, leaf.weight
        if isinstance(rule, ProportionalRule | ThresholdRule | BandsRule):
            number = self.numeric(leaf, value)
            if number is None:
                return None
            if isinstance(rule, ProportionalRule):
                return rules.proportional(rule, number, leaf.unit)
            if isinstance(rule, ThresholdRule):
                return rules.threshold(rule, number, weight, leaf.unit)
            return rules.bands(rule, number, weight, leaf.unit)
        if isinstance(rule, PerOccurrenceRule):
            count = self.count(leaf, value)
            return None if count is None else rules.per_occurrence(rule, count, weight)
        if isinstance(rule, YesNoRule):
            return self.yes_no(leaf, value)
        return self.entered_outcome(leaf_state, entry)

    def entered_outcome(self, leaf_state: LeafState, entry: LeafInput | None) -> rules.Outcome | None:
        leaf, rule = leaf_state.node, leaf_state.node.rule
        if isinstance(rule, ChecklistRule):
            if entry is None or entry.checked is None:
                return self.missing(leaf, "checked", "所符合的项（checked: [0, 1, …]）")
            return rules.checklist(rule, entry.checked, leaf.weight)
        if isinstance(rule, CategoricalRule):
            if entry is None or entry.choice is None:
                return self.missing(leaf, "choice", "所选类别（choice: 序号，从0起）")
            return rules.categorical(rule, entry.choice, leaf.weight)
        assert isinstance(rule, JudgementRule)
        if entry is None or entry.score is None:
            return self.missing(leaf, "score", "评判得分与理由（score, reason）")
        if entry.score > leaf_state.effective:
            self.error(
                "score-over-weight",
                input_path(leaf.id, "score"),
                f"指标“{leaf.name}”得分{fmt_points(entry.score)}分超过分值{fmt_points(leaf_state.effective)}分",
            )
            return None
        return rules.judgement(rule, entry.score, entry.tier, leaf_state.effective)

    def missing(self, leaf: Indicator, key: str, what: str) -> rules.Outcome | None:
        self.error("input-missing", input_path(leaf.id, key), f"指标“{leaf.name}”须填报{what}")
        return None

    def numeric(self, leaf: Indicator, value: object) -> Decimal | None:
        if isinstance(value, Decimal):
            return value
        message = f"指标“{leaf.name}”的值应为数值，实为{show_value(value)}"
        self.error("input-kind", input_path(leaf.id, "value"), message)
        return None

    def count(self, leaf: Indicator, value: object) -> Decimal | None:
        if isinstance(value, Decimal) and value >= 0 and is_integral(value):
            return value
        self.error(
            "not-integer", input_path(leaf.id, "count"), f"指标“{leaf.name}”的次数应为非负整数，实为{show_value(value)}"
        )
        return None

    def yes_no(self, leaf: Indicator, value: object) -> rules.Outcome | None:
        if isinstance(value, bool):
            return rules.yes_no(value)
        self.error(
            "input-kind", input_path(leaf.id, "value"), f"指标“{leaf.name}”应填 true 或 false，实为{show_value(value)}"
        )
        return None

    def apply_override(self, leaf_state: LeafState) -> None:
        entry = self.ev.inputs.get(leaf_state.node.id)
        if entry is None or entry.override is None:
            return
        leaf = leaf_state.node
        if not ZERO <= entry.override <= leaf_state.effective:
            self.error(
                "score-over-weight",
                input_path(leaf.id, "override"),
                f"指标“{leaf.name}”调整后得分{fmt_points(entry.override)}分不在0至{fmt_points(leaf_state.effective)}分之间",
            )
            return
        computed = leaf_state.score
        leaf_state.score, leaf_state.overridden = q2(entry.override), True
        leaf_state.parts.append(
            f"经评审调整为{fmt_points(entry.override)}分（按规则计算为{fmt_points(computed or ZERO)}分），"
            f"理由：{entry.reason.strip()}"
        )


def show_value(value: object) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return fmt(value)
    if isinstance(value, Unavailable):
        return "无法计算"
    return "空" if value is None else str(value)
