"""The scoring engine: evaluate(framework, evaluation) -> Scorecard (formats §1 scoring order).

Pure and deterministic. Problems are returned as issues, never raised. ``Engine`` prepares a
table once (ids, siblings, the order in which computed values depend on each other) so that
many evaluations can be scored against it cheaply.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from . import explain
from .expr import Unavailable, Value, evaluate, names, refs
from .leafscore import ANY_LEAF_KEYS, KIND_KEYS, LeafScoring, LeafState, input_path, show_value
from .model import (
    RULE_NAMES_ZH,
    BandsRule,
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
from .numbers import ZERO, in_range, q2
from .totals import TotalsInput, total_of


class Engine:
    """A scoring table prepared for scoring many evaluations."""

    def __init__(self, framework: Framework) -> None:
        self.framework = framework
        self.walk = framework.walk()
        self.by_id = {node.id: node for node, _ in self.walk}
        self.leaves = [node for node, _ in self.walk if node.is_leaf]
        self.labels = self._labels()
        self.order = _value_order(self.leaves)
        self.leaf_names = {leaf.id: tuple(sorted(names(leaf.value))) for leaf in self.leaves if leaf.value is not None}
        self.leaf_refs = {leaf.id: tuple(sorted(refs(leaf.value))) for leaf in self.leaves if leaf.value is not None}
        self.subtree = {node.id: tuple(leaf.id for leaf in _leaves(node)) for node, _ in self.walk if not node.is_leaf}

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


class _Run(LeafScoring):
    """One evaluation scored against one prepared table."""

    def __init__(self, engine: Engine, evaluation: Evaluation) -> None:
        self.engine = engine
        self.labels = engine.labels
        self.leaf_names, self.leaf_refs = engine.leaf_names, engine.leaf_refs
        self.fw = engine.framework
        self.ev = evaluation
        self.issues: list[Issue] = []
        self.state = {leaf.id: LeafState(leaf, effective=leaf.weight) for leaf in engine.leaves}
        self.chosen: dict[str, str | None] = {}

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
        allowed = KIND_KEYS[node.rule.type] | ANY_LEAF_KEYS
        for key in sorted(entry.keys - allowed):
            kinds = "、".join(sorted(KIND_KEYS[node.rule.type]))
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
            entry = self.ev.inputs.get(node.id)
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
                    self.warn_unused(child, choice)

    def warn_unused(self, node: Indicator, choice: str | None) -> None:
        for leaf in _leaves(node):
            if leaf.id in self.ev.inputs and choice:
                self.issue(
                    Severity.WARNING,
                    "input-unused",
                    input_path(leaf.id),
                    f"“二者择其一”选择了“{choice}”，指标“{leaf.name}”的填报内容不参与计分",
                )

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
            if name in self.ev.invalid_data:
                return Unavailable((f"数据“{label}”填写有误（data.{name}，见上）",))
            return Unavailable((f"缺少数据“{label}”（data.{name}）",))
        return value

    def lookup_ref(self, target: str) -> Value | Unavailable:
        leaf_state = self.state.get(target)
        value = leaf_state.value if leaf_state is not None else None
        name = leaf_state.node.name if leaf_state is not None else target
        if value is None or isinstance(value, Unavailable | bool):
            return Unavailable((f"指标“{name}”没有数值",))
        if leaf_state is not None and not (leaf_state.active and leaf_state.applicable):
            return Unavailable((f"指标“{name}”不适用",))
        return value

    def label(self, name: str) -> str:
        return self.labels.get(name) or explain.field_label(name, self.fw.fields)

    def compute_values(self) -> None:
        for leaf in self.engine.order:
            if self.state[leaf.id].active:
                self.compute_value(self.state[leaf.id])
        for leaf_state in self.state.values():
            if leaf_state.node.value is None and leaf_state.active:
                leaf_state.value = self.entered_value(leaf_state.node)
                leaf_state.entered = leaf_state.value is not None

    def entered_value(self, leaf: Indicator) -> Value | None:
        entry = self.ev.inputs.get(leaf.id)
        if entry is None:
            return None
        if isinstance(leaf.rule, PerOccurrenceRule):
            return entry.count
        return q2(entry.value) if isinstance(entry.value, Decimal) else entry.value

    def compute_value(self, leaf_state: LeafState) -> None:
        leaf = leaf_state.node
        assert leaf.value is not None
        result = evaluate(leaf.value, self.lookup_data, self.lookup_ref, self.label)
        if isinstance(result, Decimal):
            result = q2(result) if in_range(result) else Unavailable(("计算结果超出合理范围，请检查数据及其单位",))
        entered = self.entered_value(leaf)
        if entered is not None and not isinstance(result, Unavailable) and entered != result:
            key = "count" if isinstance(leaf.rule, PerOccurrenceRule) else "value"
            self.error(
                "value-conflict",
                input_path(leaf.id, key),
                f"指标“{leaf.name}”填报值{show_value(entered)}与按数据计算的{show_value(result)}不一致",
            )
        if isinstance(result, Unavailable) and entered is not None:
            head = explain.formula_head(leaf, leaf.value, self.labels)
            entry = self.ev.inputs.get(leaf.id)
            basis = (
                f"（依据：{entry.reason.strip()}）" if entry and entry.reason.strip() and entry.override is None else ""
            )
            why = "；".join(explain.plain(r) for r in result.reasons)
            leaf_state.parts.append(f"{head}；{why}，采用填报值{show_value(entered)}{leaf.unit}{basis}")
            result, leaf_state.entered = entered, True
        leaf_state.value = result

    # ------------------------------------------------------------------ applicability

    def needs_value(self, leaf: Indicator) -> bool:
        return isinstance(leaf.rule, ProportionalRule | ThresholdRule | BandsRule | PerOccurrenceRule | YesNoRule)

    def decide_applicability(self) -> None:
        for leaf_state in self.state.values():
            if leaf_state.active:
                self.decide(leaf_state)

    def decide(self, leaf_state: LeafState) -> None:
        leaf, entry = leaf_state.node, self.ev.inputs.get(leaf_state.node.id)
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

    def mark_not_applicable(self, leaf_state: LeafState, reason: str) -> None:
        leaf = leaf_state.node
        entry = self.ev.inputs.get(leaf.id)
        if entry is not None and entry.override is not None:
            self.error(
                "input-kind", input_path(leaf.id, "override"), f"指标“{leaf.name}”不适用，不能同时调整得分（override）"
            )
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

    def move(self, source: LeafState, target: LeafState) -> None:
        if target.active and not target.applicable and target.score is None:
            return  # the target cannot be scored (its own error is reported): nothing more to say here
        if not (target.active and target.applicable):
            self.error(
                "move-to-invalid",
                input_path(source.node.id, "applicable"),
                f"指标“{source.node.name}”的分值应调整至“{target.node.name}”，但后者也不适用，无法接收",
            )
            return
        target.effective += source.node.weight
        target.received.append((source.node, source.node.weight))

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
            state = self.state
            applicable = any(state[i].active and state[i].applicable for i in self.engine.subtree[node.id])
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
        active = leaf_state.active
        applicable = active and leaf_state.applicable
        value = leaf_state.value if isinstance(leaf_state.value, Decimal) and applicable else None
        text = "；".join(leaf_state.parts) if active else "“二者择其一”未选择本项，不计分"
        return IndicatorResult(
            node.id,
            node.name,
            depth,
            node.weight,
            eff if active else ZERO,
            value,
            score if active else None,
            applicable,
            text,
            True,
            node.unit,
            node.rule.type if node.rule else "",
            leaf_state.overridden,
        )


def _leaves(node: Indicator) -> list[Indicator]:
    if node.is_leaf:
        return [node]
    return [leaf for child in node.children for leaf in _leaves(child)]
