"""Per-leaf scoring: the rule applied to a leaf's value or input, overrides and wording.

``LeafScoring`` holds the per-evaluation state, one list entry per leaf position of the table's
``Plan``, shared with the engine's ``_Run`` (which owns the order of the steps); this module owns
what happens to one applicable leaf. Problems become issues at once; the explanation is recorded
as a ``model.Wording``, written only when someone reads it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal

from . import explain, rules
from .expr import Unavailable, Value
from .model import (
    Evaluation,
    Framework,
    GoalIndicator,
    Indicator,
    Issue,
    LeafInput,
    Part,
    Severity,
    join_parts,
)
from .numbers import CENT, ONE, ZERO, fmt, fmt_points, is_integral, q2
from .plan import ANY_LEAF_KEYS, KIND_KEYS, LeafPlan, Plan

__all__ = ["ANY_LEAF_KEYS", "KIND_KEYS", "LeafScoring", "input_path", "show_value"]



def input_path(indicator_id: str, key: str = "") -> str:
    """The key path of an input entry: inputs["a.b"].score."""
    return f'inputs["{indicator_id}"]' + (f".{key}" if key else "")


class LeafScoring:
    """State of one evaluation being scored (by leaf position), and the scoring of its leaves."""

    plan: Plan
    fw: Framework
    ev: Evaluation
    data: Mapping[str, Decimal]  # the evaluation's figures, copied when scoring began
    labels: Mapping[str, str]
    issues: list[Issue]
    entries: list[LeafInput | None]
    active: list[bool]
    applicable: list[bool]
    value: list[Value | Unavailable | None]
    entered: list[bool]
    effective: list[Decimal]
    score: list[Decimal | None]
    rule_scores: dict[int, Decimal]  # the rule's score of a leaf whose score was overridden
    received: dict[int, list[tuple[Indicator, Decimal]]]
    overridden: set[int]
    picked: dict[int, int]  # the option the figures chose, for a categorical leaf with `when` conditions
    goal_list: tuple[GoalIndicator, ...]  # the unit's 绩效指标, every goal's in order

    # ------------------------------------------------------------------ helpers

    def issue(self, severity: Severity, code: str, path: str, message: str) -> None:
        self.issues.append(Issue(severity, code, path, message, self.ev.file))

    def error(self, code: str, path: str, message: str) -> None:
        self.issue(Severity.ERROR, code, path, message)

    # ------------------------------------------------------------------ scoring

    def score_leaf(self, p: LeafPlan) -> Decimal | None:
        """Score an applicable leaf: its score, or None when an error has been reported."""
        i = p.index
        fraction = p.fraction(self.value[i]) if p.needs_value else self.entered_fraction(p)  # type: ignore[misc]
        if fraction is None:
            fraction = self.fraction_or_error(p)
            if fraction is None:
                return None
        # a fraction in [0, 1] of a weight: few digits, rounded in the default context
        score = self.score[i] = (fraction * self.effective[i]).quantize(CENT, ROUND_HALF_UP)
        entry = self.entries[i]
        if entry is not None and entry.override is not None:
            self.apply_override(p, entry.override, score)
        return self.score[i]

    def leaf_text(self, p: LeafPlan, early: list[Part] | None) -> str:
        """The explanation of an applicable leaf, written when read: formula = figures = result,
        what was noted before scoring, weight moved in, the rule's phrase and points, an override."""
        i = p.index
        parts: list[str] = []
        if p.compiled is not None and not self.entered[i]:
            parts.append(self.formula_part(p))
        if early:
            parts.append(join_parts(early))
        if i in self.received:
            parts.append(explain.transfer_in(self.received[i]))
        computed = self.rule_scores.get(i, self.score[i])
        if computed is not None:
            parts.append(self.scored_text(p, computed))
        if i in self.overridden:
            entry = self.entries[i]
            assert entry is not None and entry.override is not None
            parts.append(
                f"经评审调整为{fmt_points(entry.override)}分（按规则计算为{fmt_points(computed or ZERO)}分），"
                f"理由：{entry.reason.strip()}"
            )
        return "；".join(parts)

    def fraction_or_error(self, p: LeafPlan) -> Decimal | None:
        """The input cannot be scored as it is: the rule's outcome says why (an error), or scores it."""
        outcome = self.outcome(p)
        if outcome is None:
            return None
        if outcome.fraction is None:
            self.error(outcome.code, input_path(p.id, outcome.key), f"指标“{p.node.name}”：{outcome.phrase}")
        return outcome.fraction

    def entered_fraction(self, p: LeafPlan) -> Decimal | None:
        """The prepared rule applied to what was entered (checked items, a choice, a judgement);
        None when it cannot be scored as it is."""
        i = p.index
        entry = self.entries[i]
        subject = p.subject
        if subject == "goals":
            assert p.fraction is not None
            return p.fraction(self.goal_list)
        if p.conditions:
            assert p.fraction is not None
            choice = self.picked.get(i, entry.choice if entry is not None else None)
            return None if choice is None else p.fraction(choice)
        if entry is None:
            return ONE if p.default_full else None
        if p.judge is not None:
            if entry.score is None:
                return ONE if p.default_full else None
            if p.default_full and entry.score < self.effective[i] and not entry.reason.strip():
                return None  # less than full marks needs its reason: the outcome says so
            return p.judge(entry.score, entry.tier, self.effective[i])
        assert p.fraction is not None
        if subject == "checked":
            return None if untouched(entry) or entry.not_applicable else p.fraction(entry.checked)
        return p.fraction(entry.choice)

    def scored_text(self, p: LeafPlan, score: Decimal) -> str:
        """The basis, the rule's phrase and the points, e.g. 未达100%，按比例计分（…），得2.3分."""
        leaf, i = p.node, p.index
        outcome = self.outcome(p)
        assert outcome is not None
        scaled = i in self.received and p.judge is None
        suffix = f"，按调整后分值{fmt_points(self.effective[i])}分折算" if scaled else ""
        basis = self.basis(p)
        value = self.value[i]
        if p.compiled is None and isinstance(value, Decimal) and p.subject == "value":
            basis += f"{leaf.name}填报值为{explain.value_text(value, leaf.unit)}；"
        return f"{basis}{outcome.phrase}{suffix}，得{fmt_points(score)}分"

    def basis(self, p: LeafPlan) -> str:
        """The unit's stated basis, unless the reason belongs to an override or a value entry."""
        entry = self.entries[p.index]
        if entry is None or not entry.reason.strip() or entry.override is not None:
            return ""
        if self.entered[p.index] and p.compiled is not None:
            return ""
        return f"{entry.reason.strip().rstrip('。')}。"

    def formula_part(self, p: LeafPlan) -> str:
        """formula = figures = result, as the 湛江 2020 report writes a computed indicator."""
        leaf, value = p.node, self.value[p.index]
        assert leaf.value is not None
        data = self.data
        figures = {n: explain.field_figure(n, data[n], self.fw.fields) for n in p.names if n in data}
        for target in p.refs:
            position = self.plan.leaf_index.get(target)
            ref_value = self.value[position] if position is not None else None
            if position is not None and isinstance(ref_value, Decimal):
                figures[f"@{target}"] = explain.figure(
                    ref_value, self.plan.leaves[position].unit, self.plan.leaves[position].counted
                )
        if isinstance(value, bool):
            head = explain.computed(self.plan.formulas[p.index], figures, "成立" if value else "不成立")
            return head.rsplit("=", 1)[0] + ("，成立" if value else "，不成立")
        result = explain.figure(value, p.unit, p.counted) if isinstance(value, Decimal) else "—"
        return explain.computed(self.plan.formulas[p.index], figures, result)

    def outcome(self, p: LeafPlan) -> rules.Outcome | None:
        """The rule applied to the leaf; None when an error has been reported instead."""
        subject = _SUBJECTS[p.subject](self, p)
        if subject is None or isinstance(subject, rules.Outcome):
            return subject
        return p.kind.outcome(p.rule, subject, p.node.weight, p.node.unit)

    def truth(self, p: LeafPlan) -> bool | None:
        value = self.value[p.index]
        if isinstance(value, bool):
            return value
        self.error(
            "input-kind", input_path(p.id, "value"), f"指标“{p.node.name}”应填 true 或 false，实为{show_value(value)}"
        )
        return None

    def checked(self, p: LeafPlan) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
        entry, leaf = self.entries[p.index], p.node
        absent = entry.not_applicable if entry is not None else None
        if entry is None or (entry.checked is None and not absent):
            self.missing(leaf, "checked", "所符合的项（checked: [0, 1, …]）")
            return None
        if untouched(entry) and not absent:
            self.missing(leaf, "checked", "所符合的项；确实一项都不符合的，须在 reason 中写明理由")
            return None
        return entry.checked or (), absent or ()

    def choice(self, p: LeafPlan) -> int | None:
        i, entry = p.index, self.entries[p.index]
        picked = self.picked.get(i)
        if picked is not None:
            return picked
        if entry is None or entry.choice is None:
            self.missing(p.node, "choice", "所选类别（choice: 序号，从0起）")
            return None
        return entry.choice

    def judged(self, p: LeafPlan) -> tuple[Decimal, str | None, Decimal] | rules.Outcome | None:
        entry, leaf = self.entries[p.index], p.node
        effective = self.effective[p.index]
        if (entry is None or entry.score is None) and p.default_full:
            return rules.Outcome(ONE, rules.FULL_BY_DEFAULT)
        if entry is None or entry.score is None:
            self.missing(leaf, "score", "评判得分与理由（score, reason）")
            return None
        if entry.score > effective:
            self.error(
                "score-over-weight",
                input_path(leaf.id, "score"),
                f"指标“{leaf.name}”得分{fmt_points(entry.score)}分超过分值{fmt_points(effective)}分",
            )
            return None
        if p.default_full and entry.score < effective and not entry.reason.strip():
            self.error(
                "reason-missing",
                input_path(leaf.id, "reason"),
                f"指标“{leaf.name}”酌情扣分（{fmt_points(entry.score)}分，满分{fmt_points(effective)}分）须写明理由（reason）",
            )
            return None
        return entry.score, entry.tier, effective

    def goals(self, p: LeafPlan) -> tuple[GoalIndicator, ...]:
        return self.goal_list

    def missing(self, leaf: Indicator, key: str, what: str) -> None:
        self.error("input-missing", input_path(leaf.id, key), f"指标“{leaf.name}”未填写：须填报{what}")
        return None

    def numeric(self, p: LeafPlan) -> Decimal | None:
        value = self.value[p.index]
        if isinstance(value, Decimal):
            return value
        message = f"指标“{p.node.name}”的值应为数值，实为{show_value(value)}"
        self.error("input-kind", input_path(p.id, "value"), message)
        return None

    def count(self, p: LeafPlan) -> Decimal | None:
        value = self.value[p.index]
        if isinstance(value, Decimal) and value >= 0 and is_integral(value):
            return value
        self.error(
            "not-integer", input_path(p.id, "count"), f"指标“{p.node.name}”的次数应为非负整数，实为{show_value(value)}"
        )
        return None

    def apply_override(self, p: LeafPlan, override: Decimal, computed: Decimal) -> None:
        leaf, effective = p.node, self.effective[p.index]
        if not ZERO <= override <= effective:
            self.error(
                "score-over-weight",
                input_path(leaf.id, "override"),
                f"指标“{leaf.name}”调整后得分{fmt_points(override)}分不在0至{fmt_points(effective)}分之间",
            )
            return
        self.rule_scores[p.index] = computed
        self.score[p.index] = q2(override)
        self.overridden.add(p.index)


_SUBJECTS: Mapping[str, Callable[[LeafScoring, LeafPlan], object]] = {
    "value": LeafScoring.numeric,
    "truth": LeafScoring.truth,
    "count": LeafScoring.count,
    "checked": LeafScoring.checked,
    "choice": LeafScoring.choice,
    "score": LeafScoring.judged,
    "goals": LeafScoring.goals,
}
"""How the engine reads each subject a rule kind may score (``core.kinds``): the input, an
``Outcome`` already decided, or None when an error has been reported."""


def untouched(entry: LeafInput) -> bool:
    """A checklist with nothing checked and no reason: as an unfilled skeleton or form leaves it
    (未填写), not an answer; "none applies" is an answer only with its reason."""
    return entry.checked == () and not entry.reason.strip()


def show_value(value: object) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return fmt(value)
    if isinstance(value, Unavailable):
        return "无法计算"
    return "空" if value is None else str(value)
