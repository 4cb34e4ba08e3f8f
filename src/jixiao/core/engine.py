"""The scoring engine: evaluate(framework, evaluation) -> Scorecard (formats §1 scoring order).

Pure and deterministic. Problems are returned as issues, never raised. ``Engine`` prepares a
table once (ids, siblings, the order in which computed values depend on each other) so that
many evaluations can be scored against it cheaply.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from . import explain, rules
from .expr import Unavailable, Value, evaluate, names, refs
from .model import (
    RULE_NAMES_ZH,
    BandsRule,
    CategoricalRule,
    ChecklistRule,
    Evaluation,
    Framework,
    Indicator,
    IndicatorResult,
    Issue,
    JudgementRule,
    LeafInput,
    PerOccurrenceRule,
    ProportionalRule,
    Scorecard,
    Severity,
    ThresholdRule,
    YesNoRule,
)
from .numbers import ZERO, fmt, fmt_points, is_integral, q2
from .totals import TotalsInput, total_of

NUMERIC_RULES = (ProportionalRule, ThresholdRule, BandsRule)
_KIND_KEYS: Mapping[str, frozenset[str]] = {
    "proportional": frozenset({"value"}),
    "threshold": frozenset({"value"}),
    "bands": frozenset({"value"}),
    "checklist": frozenset({"checked"}),
    "per_occurrence": frozenset({"count"}),
    "yes_no": frozenset({"value"}),
    "categorical": frozenset({"choice"}),
    "judgement": frozenset({"score", "tier"}),
}
_ANY_LEAF = frozenset({"reason", "applicable", "override"})


def input_path(indicator_id: str, key: str = "") -> str:
    """The key path of an input entry: inputs["a.b"].score."""
    return f'inputs["{indicator_id}"]' + (f".{key}" if key else "")


@dataclass
class _Leaf:
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


class Engine:
    """A scoring table prepared for scoring many evaluations."""

    def __init__(self, framework: Framework) -> None:
        self.framework = framework
        self.walk = framework.walk()
        self.by_id = {node.id: node for node, _ in self.walk}
        self.leaves = [node for node, _ in self.walk if node.is_leaf]
        self.labels = self._labels()
        self.order = _value_order(self.leaves)

    def _labels(self) -> dict[str, str]:
        labels = {f"@{leaf.id}": leaf.name for leaf in self.leaves}
        for leaf in self.leaves:
            if leaf.value is not None:
                labels.update({n: explain.field_label(n, self.framework.fields) for n in names(leaf.value)})
        return labels

    def score(self, evaluation: Evaluation) -> Scorecard:
        """Score one evaluation; every problem becomes an issue on the scorecard."""
        return _Run(self, evaluation).run()


def evaluate_framework(framework: Framework, evaluation: Evaluation) -> Scorecard:
    """Score ``evaluation`` against ``framework`` (prepares the table each call)."""
    return Engine(framework).score(evaluation)


def _value_order(leaves: list[Indicator]) -> list[Indicator]:
    """Leaves with an expression, each after the leaves it references (cycles are validated)."""
    by_id = {leaf.id: leaf for leaf in leaves}
    done: set[str] = set()
    order: list[Indicator] = []

    def visit(leaf: Indicator, trail: frozenset[str]) -> None:
        if leaf.id in done or leaf.id in trail or leaf.value is None:
            return
        for target in sorted(refs(leaf.value)):
            if target in by_id:
                visit(by_id[target], trail | {leaf.id})
        done.add(leaf.id)
        order.append(leaf)

    for leaf in leaves:
        visit(leaf, frozenset())
    return order


class _Run:
    """One evaluation scored against one prepared table."""

    def __init__(self, engine: Engine, evaluation: Evaluation) -> None:
        self.engine = engine
        self.fw = engine.framework
        self.ev = evaluation
        self.issues: list[Issue] = []
        self.state = {leaf.id: _Leaf(leaf, effective=leaf.weight) for leaf in engine.leaves}
        self.chosen: dict[str, str | None] = {}

    # ------------------------------------------------------------------ helpers

    def issue(self, severity: Severity, code: str, path: str, message: str) -> None:
        self.issues.append(Issue(severity, code, path, message, self.ev.file))

    def error(self, code: str, path: str, message: str) -> None:
        self.issue(Severity.ERROR, code, path, message)

    def inp(self, leaf_id: str) -> LeafInput | None:
        return self.ev.inputs.get(leaf_id)

    # ------------------------------------------------------------------ the order

    def run(self) -> Scorecard:
        self.check_context()
        self.check_inputs()
        self.choose_alternatives()
        self.compute_values()
        self.decide_applicability()
        self.transfer_weights()
        for leaf_state in self.state.values():
            if leaf_state.active and leaf_state.applicable:
                self.score_leaf(leaf_state)
        results, base = self.results()
        return total_of(TotalsInput(self.fw, self.ev, results, base, self.lookup_data, self.lookup_ref), self.issues)

    def check_context(self) -> None:
        if self.fw.years and self.ev.year not in self.fw.years:
            years = "、".join(str(y) for y in self.fw.years)
            self.issue(
                Severity.WARNING,
                "year-mismatch",
                "year",
                f"评价年度{self.ev.year}不在评分表适用年度（{years}）内，请确认所用评分表",
            )

    def check_inputs(self) -> None:
        for indicator_id, entry in self.ev.inputs.items():
            node = self.engine.by_id.get(indicator_id)
            if node is None:
                self.error(
                    "unknown-indicator", input_path(indicator_id), f"评分表“{self.fw.id}”中没有指标“{indicator_id}”"
                )
            elif not node.is_leaf:
                self.check_inner_input(node, entry)
            else:
                self.check_leaf_input(node, entry)

    def check_inner_input(self, node: Indicator, entry: LeafInput) -> None:
        allowed = {"choose", "reason"} if node.alternatives else {"reason"}
        for key in sorted(entry.keys - allowed):
            what = (
                "只能填写 choose（所选子指标）"
                if node.alternatives
                else "不是末级指标，得分由下级指标合计，不能直接填报"
            )
            self.error("input-kind", input_path(node.id, key), f"指标“{node.name}”{what}")

    def check_leaf_input(self, node: Indicator, entry: LeafInput) -> None:
        assert node.rule is not None
        allowed = _KIND_KEYS[node.rule.type] | _ANY_LEAF
        for key in sorted(entry.keys - allowed):
            kinds = "、".join(sorted(_KIND_KEYS[node.rule.type]))
            self.error(
                "input-kind",
                input_path(node.id, key),
                f"指标“{node.name}”为{RULE_NAMES_ZH[node.rule.type]}，不接受“{key}”（应填写：{kinds}）",
            )
        needs_reason = (
            entry.override is not None
            or entry.applicable is False
            or (isinstance(node.rule, JudgementRule) and entry.score is not None)
        )
        if needs_reason and not entry.reason.strip():
            what = "调整得分" if entry.override is not None else ("不适用" if entry.applicable is False else "评判得分")
            self.error("reason-missing", input_path(node.id, "reason"), f"指标“{node.name}”{what}须写明理由（reason）")

    def choose_alternatives(self) -> None:
        for node, _ in self.engine.walk:
            if not node.alternatives:
                continue
            entry = self.inp(node.id)
            choice = entry.choose if entry else None
            ids = [c.id for c in node.children]
            if choice not in ids:
                msg = f"所选“{choice}”不是其下级指标" if choice else "“二者择其一”指标须选择一项（choose）"
                self.error(
                    "choose-invalid" if choice else "input-missing",
                    input_path(node.id, "choose"),
                    f"指标“{node.name}”：{msg}（可选：{'、'.join(ids)}）",
                )
                choice = None
            self.chosen[node.id] = choice
            for child in node.children:
                if child.id != choice:
                    self.deactivate(child)

    def deactivate(self, node: Indicator) -> None:
        if node.is_leaf:
            self.state[node.id].active = False
        for child in node.children:
            self.deactivate(child)

    # ------------------------------------------------------------------ values

    def lookup_data(self, name: str) -> Value | Unavailable:
        value = self.ev.data.get(name)
        if value is None:
            label = explain.field_label(name, self.fw.fields)
            return Unavailable((f"缺少数据“{label}”（data.{name}）",))
        return value

    def lookup_ref(self, target: str) -> Value | Unavailable:
        leaf_state = self.state.get(target)
        value = leaf_state.value if leaf_state is not None else None
        if value is None or isinstance(value, Unavailable):
            name = leaf_state.node.name if leaf_state is not None else target
            return Unavailable((f"指标“{name}”没有值",))
        return value

    def label(self, name: str) -> str:
        return self.engine.labels.get(name) or explain.field_label(name, self.fw.fields)

    def compute_values(self) -> None:
        for leaf in self.engine.order:
            if self.state[leaf.id].active:
                self.compute_value(self.state[leaf.id])
        for leaf_state in self.state.values():
            if leaf_state.node.value is None and leaf_state.active:
                leaf_state.value = self.entered_value(leaf_state.node)
                leaf_state.entered = leaf_state.value is not None

    def entered_value(self, leaf: Indicator) -> Value | None:
        entry = self.inp(leaf.id)
        if entry is None:
            return None
        return entry.count if isinstance(leaf.rule, PerOccurrenceRule) else entry.value

    def compute_value(self, leaf_state: _Leaf) -> None:
        leaf = leaf_state.node
        assert leaf.value is not None
        result = evaluate(leaf.value, self.lookup_data, self.lookup_ref, self.label)
        if isinstance(result, Decimal):
            result = q2(result)
        entered = self.entered_value(leaf)
        if entered is not None and not isinstance(result, Unavailable) and entered != result:
            key = "count" if isinstance(leaf.rule, PerOccurrenceRule) else "value"
            self.error(
                "value-conflict",
                input_path(leaf.id, key),
                f"指标“{leaf.name}”填报值{_show(entered)}与按数据计算的{_show(result)}不一致",
            )
        if isinstance(result, Unavailable) and entered is not None:
            head = explain.formula_head(leaf, leaf.value, self.engine.labels)
            entry = self.inp(leaf.id)
            basis = (
                f"（依据：{entry.reason.strip()}）" if entry and entry.reason.strip() and entry.override is None else ""
            )
            leaf_state.parts.append(
                f"{head}；{'；'.join(result.reasons)}，采用填报值{_show(entered)}{leaf.unit}{basis}"
            )
            result, leaf_state.entered = entered, True
        leaf_state.value = result

    # ------------------------------------------------------------------ applicability

    def needs_value(self, leaf: Indicator) -> bool:
        return (
            isinstance(leaf.rule, NUMERIC_RULES)
            or leaf.value is not None
            or isinstance(leaf.rule, PerOccurrenceRule | YesNoRule)
        )

    def decide_applicability(self) -> None:
        for leaf_state in self.state.values():
            if leaf_state.active:
                self.decide(leaf_state)

    def decide(self, leaf_state: _Leaf) -> None:
        leaf, entry = leaf_state.node, self.inp(leaf_state.node.id)
        if entry is not None and entry.applicable is False:
            if leaf.not_applicable is None:
                self.error(
                    "not-applicable-forbidden",
                    input_path(leaf.id, "applicable"),
                    f"评分表未规定指标“{leaf.name}”可以不适用，不能填写 applicable: false",
                )
                leaf_state.applicable, leaf_state.effective = False, ZERO
                return
            self.mark_not_applicable(leaf_state, entry.reason)
            return
        missing = leaf_state.value is None or isinstance(leaf_state.value, Unavailable)
        if not (missing and self.needs_value(leaf)):
            return
        reasons = leaf_state.value.reasons if isinstance(leaf_state.value, Unavailable) else ()
        why = "；".join(reasons) or "未填报"
        if leaf.not_applicable is not None:
            self.issue(
                Severity.INFO,
                "not-applicable",
                input_path(leaf.id),
                f"指标“{leaf.name}”无法计算（{why}），按评分表规定视为不适用",
            )
            self.mark_not_applicable(leaf_state, f"无法计算（{why}）")
            return
        key = "count" if isinstance(leaf.rule, PerOccurrenceRule) else "value"
        self.error(
            "input-missing" if not reasons else "value-unavailable",
            input_path(leaf.id, key),
            f"指标“{leaf.name}”缺少计分依据：{why}；请补充数据或填写 {key}",
        )
        leaf_state.parts = [f"无法计分：{why}"]
        leaf_state.applicable = False

    def mark_not_applicable(self, leaf_state: _Leaf, reason: str) -> None:
        leaf = leaf_state.node
        policy = leaf.not_applicable
        assert policy is not None
        leaf_state.applicable = False
        leaf_state.effective = ZERO if policy.kind == "move_to" else leaf.weight
        leaf_state.score = leaf.weight if policy.kind == "full_marks" else ZERO
        target = self.engine.by_id.get(policy.target) if policy.kind == "move_to" else None
        leaf_state.parts = [explain.not_applicable(reason, leaf, target)]

    def transfer_weights(self) -> None:
        for leaf_state in self.state.values():
            policy = leaf_state.node.not_applicable
            if (
                leaf_state.active
                and not leaf_state.applicable
                and policy
                and policy.kind == "move_to"
                and leaf_state.score is not None
            ):
                self.move(leaf_state, self.state[policy.target])

    def move(self, source: _Leaf, target: _Leaf) -> None:
        if not (target.active and target.applicable):
            self.error(
                "move-to-invalid",
                input_path(source.node.id, "applicable"),
                f"指标“{source.node.name}”的分值应调整至“{target.node.name}”，但后者也不适用，无法接收",
            )
            return
        target.effective += source.node.weight
        target.received.append((source.node, source.node.weight))

    # ------------------------------------------------------------------ scoring

    def score_leaf(self, leaf_state: _Leaf) -> None:
        leaf = leaf_state.node
        if leaf_state.received:
            leaf_state.parts.append(explain.transfer_in(leaf_state.received))
        if leaf.value is not None and not leaf_state.entered:
            leaf_state.parts.insert(0, self.formula_part(leaf, leaf_state.value))
        outcome = self.outcome(leaf_state)
        if outcome is None:
            return
        if outcome.fraction is None:
            self.error(outcome.code, input_path(leaf.id), f"指标“{leaf.name}”：{outcome.phrase}")
            return
        leaf_state.score = q2(outcome.fraction * leaf_state.effective)
        scaled = leaf_state.received and not isinstance(leaf.rule, JudgementRule)
        suffix = f"，按调整后分值{fmt_points(leaf_state.effective)}分折算" if scaled else ""
        basis = self.basis(leaf_state)
        if leaf.value is None and isinstance(leaf_state.value, Decimal) and isinstance(leaf.rule, NUMERIC_RULES):
            basis += f"{leaf.name}填报值为{explain.value_text(leaf_state.value, leaf.unit)}；"
        leaf_state.parts.append(f"{basis}{outcome.phrase}{suffix}，得{fmt_points(leaf_state.score)}分")
        self.apply_override(leaf_state)

    def basis(self, leaf_state: _Leaf) -> str:
        """The unit's stated basis, unless the reason belongs to an override or a value entry."""
        entry = self.inp(leaf_state.node.id)
        if entry is None or not entry.reason.strip() or entry.override is not None:
            return ""
        if leaf_state.entered and leaf_state.node.value is not None:
            return ""
        return f"{entry.reason.strip().rstrip('。')}。"

    def formula_part(self, leaf: Indicator, value: object) -> str:
        assert leaf.value is not None
        figures = {
            n: explain.field_figure(n, self.ev.data[n], self.fw.fields) for n in names(leaf.value) if n in self.ev.data
        }
        for target in refs(leaf.value):
            ref_value = self.state[target].value if target in self.state else None
            if isinstance(ref_value, Decimal):
                figures[f"@{target}"] = explain.value_text(ref_value, self.state[target].node.unit)
        if isinstance(value, bool):
            head = explain.computed(leaf, leaf.value, self.engine.labels, figures, "成立" if value else "不成立")
            return head.rsplit("=", 1)[0] + ("，成立" if value else "，不成立")
        result = explain.value_text(value, leaf.unit) if isinstance(value, Decimal) else "—"
        return explain.computed(leaf, leaf.value, self.engine.labels, figures, result)

    def outcome(self, leaf_state: _Leaf) -> rules.Outcome | None:
        leaf, entry, rule = leaf_state.node, self.inp(leaf_state.node.id), leaf_state.node.rule
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

    def entered_outcome(self, leaf_state: _Leaf, entry: LeafInput | None) -> rules.Outcome | None:
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
        self.error("input-kind", input_path(leaf.id, "value"), f"指标“{leaf.name}”的值应为数值，实为{_show(value)}")
        return None

    def count(self, leaf: Indicator, value: object) -> Decimal | None:
        if isinstance(value, Decimal) and value >= 0 and is_integral(value):
            return value
        self.error(
            "not-integer", input_path(leaf.id, "count"), f"指标“{leaf.name}”的次数应为非负整数，实为{_show(value)}"
        )
        return None

    def yes_no(self, leaf: Indicator, value: object) -> rules.Outcome | None:
        if isinstance(value, bool):
            return rules.yes_no(value)
        self.error(
            "input-kind", input_path(leaf.id, "value"), f"指标“{leaf.name}”应填 true 或 false，实为{_show(value)}"
        )
        return None

    def apply_override(self, leaf_state: _Leaf) -> None:
        entry = self.inp(leaf_state.node.id)
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
        leaf_state.score, leaf_state.overridden = entry.override, True
        leaf_state.parts.append(
            f"经评审调整为{fmt_points(entry.override)}分（按规则计算为{fmt_points(computed or ZERO)}分），"
            f"理由：{entry.reason.strip()}"
        )

    # ------------------------------------------------------------------ results

    def results(self) -> tuple[list[IndicatorResult], Decimal | None]:
        results: list[IndicatorResult] = []
        scores: dict[str, Decimal | None] = {}
        effective: dict[str, Decimal] = {}
        for node, _ in reversed(self.engine.walk):
            if node.is_leaf:
                leaf_state = self.state[node.id]
                scores[node.id] = leaf_state.score if leaf_state.active else None
                effective[node.id] = leaf_state.effective if leaf_state.active else ZERO
            else:
                scores[node.id], effective[node.id] = self.inner_score(node, scores, effective)
        for node, depth in self.engine.walk:
            results.append(self.result(node, depth, scores[node.id], effective[node.id]))
        top = [scores[n.id] for n in self.fw.indicators]
        base = None if any(s is None for s in top) else sum((s for s in top if s is not None), ZERO)
        return results, base

    def inner_score(
        self, node: Indicator, scores: Mapping[str, Decimal | None], effective: Mapping[str, Decimal]
    ) -> tuple[Decimal | None, Decimal]:
        if node.alternatives:
            choice = self.chosen.get(node.id)
            return (scores[choice], effective[choice]) if choice else (None, node.weight)
        children = [scores[c.id] for c in node.children]
        weight = sum((effective[c.id] for c in node.children), ZERO)
        if any(s is None for s in children):
            return None, weight
        return sum((s for s in children if s is not None), ZERO), weight

    def result(self, node: Indicator, depth: int, score: Decimal | None, eff: Decimal) -> IndicatorResult:
        if not node.is_leaf:
            applicable = any(self.state[leaf.id].active and self.state[leaf.id].applicable for leaf in _leaves(node))
            return IndicatorResult(
                node.id,
                node.name,
                depth,
                node.weight,
                eff,
                None,
                score,
                applicable,
                explain.inner(len(node.children), score, node.weight),
                False,
            )
        leaf_state = self.state[node.id]
        value = leaf_state.value if isinstance(leaf_state.value, Decimal) and leaf_state.applicable else None
        if not leaf_state.active:
            text = "“二者择其一”未选择本项，不计分"
            return IndicatorResult(
                node.id,
                node.name,
                depth,
                node.weight,
                ZERO,
                None,
                None,
                False,
                text,
                True,
                node.unit,
                node.rule.type if node.rule else "",
            )
        return IndicatorResult(
            node.id,
            node.name,
            depth,
            node.weight,
            eff,
            value,
            score,
            leaf_state.applicable,
            "；".join(leaf_state.parts),
            True,
            node.unit,
            node.rule.type if node.rule else "",
            leaf_state.overridden,
        )


def _leaves(node: Indicator) -> list[Indicator]:
    if node.is_leaf:
        return [node]
    return [leaf for child in node.children for leaf in _leaves(child)]


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return fmt(value)
    if isinstance(value, Unavailable):
        return "无法计算"
    return "空" if value is None else str(value)
