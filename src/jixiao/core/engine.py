"""The scoring engine: evaluate(framework, evaluation) -> Scorecard (formats §1 scoring order).

Pure and deterministic. Problems are returned as issues, never raised. ``Engine`` compiles a
table once into a ``Plan`` (positions, compiled expressions, the order in which computed values
depend on each other) so that many evaluations can be scored against it cheaply; explanations
are worded when they are first read.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from . import explain, rules
from .compiled import FAILURES
from .engine_plausible import plausibility
from .expr import Unavailable, Value, evaluate, names, refs, render_names
from .kinds import RULE_NAMES_ZH
from .leafscore import LeafScoring, input_path, show_value
from .model import (
    Evaluation,
    Framework,
    Indicator,
    IndicatorResult,
    LeafInput,
    Part,
    Scorecard,
    Severity,
    Wording,
    join_parts,
)
from .numbers import CENT, LIMIT, ZERO, q2
from .plan import KIND_KEYS, LeafPlan, NodePlan, Plan
from .totals import TotalsInput, total_of

OUT_OF_RANGE = Unavailable(("计算结果超出合理范围，请检查数据及其单位",))


class Engine:
    """A scoring table prepared for scoring many evaluations."""

    def __init__(self, framework: Framework) -> None:
        self.framework = framework
        self.plan = Plan(framework)

    def score(self, evaluation: Evaluation) -> Scorecard:
        """Score one evaluation; every problem becomes an issue on the scorecard."""
        return _Run(self.plan, evaluation).run()


def evaluate_framework(framework: Framework, evaluation: Evaluation) -> Scorecard:
    """Score ``evaluation`` against ``framework`` (prepares the table each call)."""
    return Engine(framework).score(evaluation)


class _Run(LeafScoring):
    """One evaluation scored against one prepared table."""

    def __init__(self, plan: Plan, evaluation: Evaluation) -> None:
        count = len(plan.leaves)
        self.plan, self.fw, self.ev, self.labels = plan, plan.framework, evaluation, plan.labels
        self.issues = []
        # the figures as they are now: explanations are written later, and a caller may reuse the dict
        self.data = dict(evaluation.data)
        inputs = evaluation.inputs
        self.entries = [inputs.get(p.node.id) for p in plan.leaves] if inputs else [None] * count
        self.active = [True] * count
        self.applicable = [True] * count
        self.value = [None] * count
        self.entered = [False] * count
        self.effective = list(plan.weights)
        self.score = [None] * count
        self.early: dict[int, list[Part]] = {}  # explanation parts noted before a leaf is scored
        self.rule_scores = {}
        self.received = {}
        self.overridden = set()
        self.numbers: dict[str, Decimal] = {}  # numeric values of active leaves, for @references
        self.chosen: dict[str, str | None] = {}
        self.picked = {}
        self.unpicked: dict[int, Unavailable] = {}  # conditional options that could not be decided, and why
        self.goal_list = tuple(ind for goal in evaluation.goals for ind in goal.indicators) if evaluation.goals else ()

    # ------------------------------------------------------------------ the order

    def run(self) -> Scorecard:
        self.check_context()
        self.check_inputs()
        self.choose_alternatives()
        self.compute_values()
        self.check_plausible()
        self.decide_applicability()
        self.transfer_weights()
        results, base = self.results()
        self.early = {}  # the wordings hold these parts now; keeping them here would make a reference cycle
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

    def check_plausible(self) -> None:
        """Warnings for percents out of their range or written as fractions (engine_plausible)."""
        values, leaves = self.value, self.plan.leaves
        entered = [(leaves[i].node, v) for i, v in enumerate(values) if self.entered[i] and isinstance(v, Decimal)]
        self.issues += plausibility(self.fw, self.data, entered, self.ev.file)

    def check_inputs(self) -> None:
        leaf_index, leaves = self.plan.leaf_index, self.plan.leaves
        for indicator_id, entry in self.ev.inputs.items():
            position = leaf_index.get(indicator_id)
            if position is not None:
                p = leaves[position]
                if not entry.keys <= p.allowed or not entry.reason.strip():  # else nothing can be wrong
                    self.check_leaf_input(p, entry)
                continue
            node = self.plan.by_id.get(indicator_id)
            if node is None:
                self.error(
                    "unknown-indicator", input_path(indicator_id), f"评分表“{self.fw.id}”中没有指标“{indicator_id}”"
                )
            else:
                self.check_inner_input(node, entry)

    def check_inner_input(self, node: Indicator, entry: LeafInput) -> None:
        allowed = {"choose", "reason"} if node.alternatives else {"reason"}
        for key in sorted(entry.keys - allowed):
            what = (
                "只能填写 choose（所选子指标）"
                if node.alternatives
                else "不是末级指标，得分由下级指标合计，不能直接填报"
            )
            self.error("input-kind", input_path(node.id, key), f"指标“{node.name}”{what}")

    def check_leaf_input(self, p: LeafPlan, entry: LeafInput) -> None:
        node = p.node
        if not entry.keys <= p.allowed:
            for key in sorted(entry.keys - p.allowed):
                kinds = "、".join(sorted(KIND_KEYS[p.rule.type]))
                self.error(
                    "input-kind",
                    input_path(node.id, key),
                    f"指标“{node.name}”为{RULE_NAMES_ZH[p.rule.type]}，不接受“{key}”（应填写：{kinds}）",
                )
        needs_reason = (
            entry.override is not None
            or entry.applicable is False
            or bool(entry.not_applicable)
            or (entry.score is not None and p.judge is not None and not p.default_full)
        )
        if needs_reason and not entry.reason.strip():
            what = "调整得分" if entry.override is not None else ("不适用" if entry.applicable is False else "评判得分")
            what = "所列各项不适用" if entry.not_applicable and what == "评判得分" else what
            self.error("reason-missing", input_path(node.id, "reason"), f"指标“{node.name}”{what}须写明理由（reason）")

    def choose_alternatives(self) -> None:
        for node in self.plan.alternatives:
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
        for position in self.plan.nodes_by_id[node.id].subtree:
            leaf = self.plan.leaves[position].node
            if leaf.id in self.ev.inputs and choice:
                self.issue(
                    Severity.WARNING,
                    "input-unused",
                    input_path(leaf.id),
                    f"“二者择其一”选择了“{choice}”，指标“{leaf.name}”的填报内容不参与计分",
                )

    def deactivate(self, node: Indicator) -> None:
        for position in self.plan.nodes_by_id[node.id].subtree:
            self.active[position] = False

    # ------------------------------------------------------------------ values

    def lookup_data(self, name: str) -> Value | Unavailable:
        value = self.data.get(name)
        if value is None:
            label = explain.field_label(name, self.fw.fields)
            if name in self.ev.invalid_data:
                return Unavailable((f"数据“{label}”填写有误（data.{name}，见上）",))
            return Unavailable((f"缺少数据“{label}”（data.{name}）",))
        return value

    def lookup_ref(self, target: str) -> Value | Unavailable:
        """``@target`` once applicability is decided (for ``caps``)."""
        return self.reference(target, True)

    def lookup_value(self, target: str) -> Value | Unavailable:
        """``@target`` while values are computed, before applicability is decided."""
        return self.reference(target, False)

    def reference(self, target: str, decided: bool) -> Value | Unavailable:
        position = self.plan.leaf_index.get(target)
        if position is None:
            return Unavailable((f"指标“{target}”没有数值",))
        value, name = self.value[position], self.plan.leaves[position].node.name
        if value is None or isinstance(value, Unavailable | bool):
            return Unavailable((f"指标“{name}”没有数值",))
        if not (self.active[position] and (self.applicable[position] or not decided)):
            return Unavailable((f"指标“{name}”不适用",))
        return value

    def label(self, name: str) -> str:
        return self.labels.get(name) or explain.field_label(name, self.fw.fields)

    def compute_values(self) -> None:
        leaves, active, numbers, entries = self.plan.leaves, self.active, self.numbers, self.entries
        values, entered = self.value, self.entered
        for position in self.plan.entered_only:
            if entries[position] is None or not active[position]:
                continue
            p = leaves[position]
            value = self.entered_value(p)
            if value is None:
                continue
            if isinstance(value, Decimal):
                numbers[p.id] = value
            values[position], entered[position] = value, True
        data = self.data
        for position in self.plan.value_order:
            if not active[position]:
                continue
            p = leaves[position]
            try:
                result: Value | Unavailable = p.compiled(data, numbers)  # type: ignore[misc]
            except FAILURES:  # something is missing
                if self.stands_in(p):
                    continue
                result = self.evaluate_slowly(p)  # again, collecting every reason
            if isinstance(result, Decimal):
                # within range, a result has few enough digits to be rounded in the default context
                result = result.quantize(CENT, ROUND_HALF_UP) if -LIMIT < result < LIMIT else OUT_OF_RANGE
            if entries[position] is not None:
                result = self.with_entry(p, result)
            values[position] = result
            if isinstance(result, Decimal):
                numbers[p.node.id] = result
        if self.plan.conditional:
            self.pick_options()

    def pick_options(self) -> None:
        """Categorical leaves chosen by the figures: the first option whose `when` holds (an option
        without one is 其他情况); undecided when a condition before the one that holds is unavailable."""
        data, numbers = self.data, self.numbers
        for position in self.plan.conditional:
            if not self.active[position]:
                continue
            p = self.plan.leaves[position]
            for index, condition in enumerate(p.conditions):
                if condition is None:
                    self.picked[position] = index
                    break
                compiled, expression = condition
                try:
                    holds: Value | Unavailable = compiled(data, numbers)
                except FAILURES:
                    holds = evaluate(expression, self.lookup_data, self.lookup_value, self.label)
                if isinstance(holds, Unavailable):
                    self.unpicked[position] = holds
                    break
                if holds is True:
                    self.picked[position] = index
                    break

    def entered_value(self, p: LeafPlan) -> Value | None:
        entry = self.entries[p.index]
        if entry is None:
            return None
        if p.counted:
            return entry.count
        return q2(entry.value) if isinstance(entry.value, Decimal) else entry.value

    def evaluate_slowly(self, p: LeafPlan) -> Value | Unavailable:
        """The expression evaluated step by step, with every reason a value is unavailable."""
        assert p.node.value is not None
        return evaluate(p.node.value, self.lookup_data, self.lookup_value, self.label)

    def stands_in(self, p: LeafPlan) -> bool:
        """A value that cannot be computed, but which the unit entered: the entry stands in, and
        why computing failed is worded when the explanation is read."""
        entered = self.entered_value(p) if self.entries[p.index] is not None else None
        if entered is None:
            return False
        self.early.setdefault(p.index, []).append((self.stand_in_text, (p, entered)))
        self.value[p.index], self.entered[p.index] = entered, True
        if isinstance(entered, Decimal):
            self.numbers[p.node.id] = entered
        return True

    def stand_in_text(self, p: LeafPlan, entered: Value, unavailable: Unavailable | None = None) -> str:
        """公式；缺少数据…，采用填报值…（依据：…）."""
        leaf, result = p.node, unavailable or self.evaluate_slowly(p)
        assert leaf.value is not None and isinstance(result, Unavailable)
        head = explain.formula_head(leaf, leaf.value, self.labels)
        entry = self.entries[p.index]
        basis = f"（依据：{entry.reason.strip()}）" if entry and entry.reason.strip() and entry.override is None else ""
        why = "；".join(explain.plain(r) for r in result.reasons)
        return f"{head}；{why}，采用填报值{show_value(entered)}{leaf.unit}{basis}"

    def with_entry(self, p: LeafPlan, result: Value | Unavailable) -> Value | Unavailable:
        """A computed leaf for which the unit also entered a value."""
        entered = self.entered_value(p)
        return result if entered is None else self.reconcile(p, result, entered)

    def reconcile(self, p: LeafPlan, result: Value | Unavailable, entered: Value) -> Value | Unavailable:
        """A value both computed and entered: they must agree; the entry stands in when computing fails."""
        leaf = p.node
        if not isinstance(result, Unavailable):
            if entered != result:
                key = "count" if p.counted else "value"
                self.error(
                    "value-conflict",
                    input_path(leaf.id, key),
                    f"指标“{leaf.name}”填报值{show_value(entered)}与按数据计算的{show_value(result)}不一致",
                )
            return result
        self.early.setdefault(p.index, []).append(self.stand_in_text(p, entered, result))
        self.entered[p.index] = True
        return entered

    # ------------------------------------------------------------------ applicability

    def decide_applicability(self) -> None:
        active, entries, values, leaves = self.active, self.entries, self.value, self.plan.leaves
        for p in leaves:
            i = p.index
            if not active[i]:
                continue
            entry, value = entries[i], values[i]
            if entry is not None and entry.applicable is False:
                self.declared_not_applicable(p, entry)
            elif p.needs_value and (value is None or isinstance(value, Unavailable)):
                self.cannot_compute(p, value)
        for position in self.plan.conditional:
            if active[position] and self.applicable[position]:
                self.check_picked(leaves[position])
        for position in self.plan.goal_leaves:
            if active[position] and self.applicable[position]:
                self.check_goals(leaves[position])

    def check_picked(self, p: LeafPlan) -> None:
        """A categorical leaf chosen by the figures: a choice entered must agree with them, and stands in
        when they are missing; with neither, the table's not-applicable policy or an error."""
        i, entry, leaf = p.index, self.entries[p.index], p.node
        entered = entry.choice if entry is not None else None
        picked = self.picked.get(i)
        if picked is not None:
            self.early.setdefault(i, []).append((self.condition_text, (p, picked)))
            if entered is not None and entered != picked:
                self.error(
                    "value-conflict",
                    input_path(leaf.id, "choice"),
                    f"指标“{leaf.name}”所选第{entered}项与按数据判定的第{picked}项（{p.kind.options(p.rule)[picked][0]}）不一致",
                )
            return
        why = "；".join(self.unpicked[i].reasons) if i in self.unpicked else "各项条件均不成立"
        if entered is not None:
            self.early.setdefault(i, []).append(f"无法按数据判定（{explain.plain(why)}），采用所选项")
            return
        self.cannot_decide(p, why, "choice")

    def condition_text(self, p: LeafPlan, picked: int) -> str:
        """Why the figures chose this option: its condition in words with the figures, or that
        none of the conditions before the 其他情况 option held."""
        condition = p.conditions[picked]
        if condition is None:
            return "以上各情形的条件均不成立，属其他情况"
        expression = condition[1]
        rendered = render_names(expression, self.label)
        figures = [
            f"{self.label(n)}{explain.field_figure(n, self.data[n], self.fw.fields)}"
            for n in sorted(names(expression))
            if n in self.data
        ]
        for target in sorted(refs(expression)):
            value = self.numbers.get(target)
            position = self.plan.leaf_index.get(target)
            if value is not None and position is not None:
                leaf = self.plan.leaves[position]
                figures.append(f"{leaf.name}{explain.figure(value, leaf.unit, leaf.counted)}")
        shown = f"（{'，'.join(figures)}）" if figures else ""
        return f"按数据判定：{rendered}{shown}，成立"

    def check_goals(self, p: LeafPlan) -> None:
        """A leaf scored over the 绩效指标: with none of its kinds, the not-applicable policy or an error."""
        if rules.counted_goals(p.rule, self.goal_list):  # type: ignore[arg-type]
            return
        what = "、".join(p.rule.kinds) + "指标" if p.rule.kinds else "绩效指标"  # type: ignore[union-attr]
        self.cannot_decide(p, f"评价数据的绩效目标（goals）中没有{what}", "")

    def cannot_decide(self, p: LeafPlan, why: str, key: str) -> None:
        leaf = p.node
        if leaf.not_applicable is not None:
            self.issue(
                Severity.INFO, "not-applicable", input_path(leaf.id), f"指标“{leaf.name}”{why}，按评分表规定视为不适用"
            )
            self.mark_not_applicable(p, why)
            return
        self.error("value-unavailable", input_path(leaf.id, key), f"指标“{leaf.name}”无法计分：{why}")
        self.early[p.index] = [f"无法计分：{why}"]
        self.applicable[p.index] = False

    def declared_not_applicable(self, p: LeafPlan, entry: LeafInput) -> None:
        leaf = p.node
        if leaf.not_applicable is None:
            self.error(
                "not-applicable-forbidden",
                input_path(leaf.id, "applicable"),
                f"评分表未规定指标“{leaf.name}”可以不适用，不能填写 applicable: false",
            )
            self.applicable[p.index], self.effective[p.index] = False, ZERO
            return
        self.mark_not_applicable(p, entry.reason)

    def cannot_compute(self, p: LeafPlan, value: Unavailable | None) -> None:
        """No value to score: the table's not-applicable policy when the figures are there but give no
        value (a zero denominator …); an error when the inputs were never entered (未填写: never
        full marks) or the value is out of range."""
        leaf = p.node
        reasons = value.reasons if isinstance(value, Unavailable) else ()
        unfilled = self.unfilled(p)
        why = "；".join(reasons) or self.nothing_entered(p)
        if leaf.not_applicable is not None and not unfilled and value is not OUT_OF_RANGE:
            self.issue(
                Severity.INFO,
                "not-applicable",
                input_path(leaf.id),
                f"指标“{leaf.name}”无法计算（{why or '未填报'}），按评分表规定视为不适用",
            )
            self.mark_not_applicable(p, f"无法计算（{why or '未填报'}）")
            return
        key = "count" if p.counted else "value"
        code = "input-missing" if not reasons else "value-unavailable"
        hint = "；确不适用的，填写 applicable: false 并写明理由（reason）" if leaf.not_applicable is not None else ""
        head = "未填写" if unfilled else "缺少计分依据"
        self.error(
            "number-out-of-range" if value is OUT_OF_RANGE else code,
            input_path(leaf.id, key),
            f"指标“{leaf.name}”{head}{'：' if why else ''}{why}；请补充数据或填写 {key}{hint}",
        )
        self.early[p.index] = [f"无法计分（{head}）{'：' if why else ''}{why}"]
        self.applicable[p.index] = False

    def unfilled(self, p: LeafPlan) -> bool:
        """Whether the leaf's inputs were never entered: no entered value for a leaf without a
        formula, or a figure its formula needs (or a leaf it references, likewise) absent."""
        if p.compiled is None:
            return self.value[p.index] is None
        if any(name not in self.data for name in p.names):
            return True
        positions = [self.plan.leaf_index[t] for t in p.refs if t in self.plan.leaf_index]
        return any(not isinstance(self.value[i], Decimal) and self.unfilled(self.plan.leaves[i]) for i in positions)

    def nothing_entered(self, p: LeafPlan) -> str:
        entry = self.entries[p.index]
        if entry is not None and entry.keys & {"value", "count"}:
            return "填报值有误（见上）"
        return ""

    def mark_not_applicable(self, p: LeafPlan, reason: str) -> None:
        leaf, i = p.node, p.index
        entry = self.entries[i]
        if entry is not None and entry.override is not None:
            self.error(
                "input-kind", input_path(leaf.id, "override"), f"指标“{leaf.name}”不适用，不能同时调整得分（override）"
            )
        policy = leaf.not_applicable
        assert policy is not None
        self.applicable[i] = False
        self.effective[i] = ZERO if policy.kind == "move_to" else leaf.weight
        self.score[i] = leaf.weight if policy.kind == "full_marks" else ZERO
        target = self.plan.leaves[p.move_to].node if p.move_to >= 0 else None
        self.early[i] = [(explain.not_applicable, (reason, leaf, target))]

    def transfer_weights(self) -> None:
        for position in self.plan.movers:
            if self.active[position] and not self.applicable[position] and self.score[position] is not None:
                source = self.plan.leaves[position]
                self.move(source, self.plan.leaves[source.move_to])

    def move(self, source: LeafPlan, target: LeafPlan) -> None:
        t = target.index
        target_on = self.active[t] and self.applicable[t]
        if self.active[t] and not self.applicable[t] and self.score[t] is None:
            return  # the target cannot be scored (its own error is reported): nothing more to say here
        if not target_on:
            self.error(
                "move-to-invalid",
                input_path(source.node.id, "applicable"),
                f"指标“{source.node.name}”的分值应调整至“{target.node.name}”，但后者也不适用，无法接收",
            )
            return
        self.effective[t] += source.node.weight
        self.received.setdefault(t, []).append((source.node, source.node.weight))

    # ------------------------------------------------------------------ results

    def results(self) -> tuple[list[IndicatorResult], Decimal | None]:
        """Every node's result in table order: leaves scored, inner nodes summed bottom-up."""
        plan = self.plan
        sums = _Sums(len(plan.nodes))
        out: list[IndicatorResult] = [NO_RESULT] * len(plan.nodes)
        self.leaf_results(out, sums)
        self.inner_results(out, sums)
        base: Decimal | None = ZERO
        for position in plan.top:
            score = sums.scores[position]
            base = None if base is None or score is None else base + score
        return out, base

    def leaf_results(self, out: list[IndicatorResult], sums: _Sums) -> None:
        """Score each applicable leaf and build every leaf's result, noting what its parents sum."""
        active, applicable, values, early = self.active, self.applicable, self.value, self.early
        scores, effective, applies = sums.scores, sums.effective, sums.applicable
        for p in self.plan.leaves:
            i, position = p.index, p.position
            if not active[i]:
                out[position] = p.not_chosen
                continue
            ok = applicable[i]
            if ok:
                score = self.score_leaf(p)
                wording = Wording(LeafScoring.leaf_text, self, p, early.get(i))
            else:
                score = self.score[i]
                wording = Wording(join_parts, early.get(i, []))
            eff, value = self.effective[i], values[i]
            scores[position], effective[position], applies[position] = score, eff, ok
            shown = value if ok and isinstance(value, Decimal) else None
            overridden = i in self.overridden
            row = (
                p.id,
                p.name,
                p.depth,
                p.weight,
                eff,
                shown,
                score,
                ok,
                wording,
                True,
                p.unit,
                p.rule_type,
                overridden,
            )
            out[position] = _new(IndicatorResult, row)

    def inner_results(self, out: list[IndicatorResult], sums: _Sums) -> None:
        """Each inner node, children first: the sum of its children's scores and weights in effect."""
        scores, effective, applies = sums.scores, sums.effective, sums.applicable
        for position in self.plan.inner_bottom_up:
            node = self.plan.nodes[position]
            if node.node.alternatives:
                self.chosen_score(node, position, scores, effective)
            else:
                total: Decimal | None = ZERO
                weight = ZERO
                for child in node.children:
                    score = scores[child]
                    total = None if total is None or score is None else total + score
                    weight += effective[child]
                scores[position], effective[position] = total, weight
            applies[position] = any([applies[c] for c in node.children])
            out[position] = _inner_result(node, scores[position], effective[position], applies[position])

    def chosen_score(
        self, plan: NodePlan, position: int, scores: list[Decimal | None], effective: list[Decimal]
    ) -> None:
        """A "二者择其一" node scores as its chosen child (no score when none was chosen)."""
        choice = self.chosen.get(plan.node.id)
        chosen = next((c for c in plan.children if self.plan.nodes[c].node.id == choice), None)
        scores[position], effective[position] = (
            (scores[chosen], effective[chosen]) if chosen is not None else (None, plan.node.weight)
        )


class _Sums:
    """Per node position: score, weight in effect and applicability, as the inner sums need them."""

    __slots__ = ("applicable", "effective", "scores")

    def __init__(self, size: int) -> None:
        self.scores: list[Decimal | None] = [None] * size
        self.effective: list[Decimal] = [ZERO] * size
        self.applicable = [False] * size


_new = tuple.__new__  # builds a NamedTuple from a full tuple without the per-field keyword handling
NO_RESULT = IndicatorResult("", "", 0, ZERO, ZERO, None, None, False, "", False)


def _inner_result(plan: NodePlan, score: Decimal | None, eff: Decimal, applicable: bool) -> IndicatorResult:
    node = plan.node
    wording = Wording(explain.inner, len(plan.children), score, node.weight)
    return _new(
        IndicatorResult,
        (node.id, node.name, plan.depth, node.weight, eff, None, score, applicable, wording, False, "", "", False),
    )
