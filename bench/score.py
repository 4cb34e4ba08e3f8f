"""Benchmark: score generated evaluations against the built-in table ``lechang-2023``.

Figures (the last lines of the output, one per figure, ``bench: <name> <value> <unit>``):

* ``score_per_s`` — ``Engine.score`` on pre-built ``Evaluation`` objects (10,000 by default),
  generated with a seeded ``random.Random``;
* ``baseline_per_s`` — a plain hand-written function for the same table, on plain dicts of the
  same figures and inputs (Decimal, half-up rounding, an explanation per leaf);
* ``engine_vs_baseline`` — score_per_s / baseline_per_s;
* ``explained_per_s`` — ``Engine.score`` and then every explanation read (each indicator's and
  the total's), as a report or a 评分表 export does, on the first 2,000 evaluations: explanations
  are written when first read, so ``score_per_s`` does not include them;
* ``yaml_score_per_s`` — examples/lechang-2023.yaml text parsed, validated and scored, N times.

The baseline is checked against the engine (base, bonus, total, grade and every leaf score of
every evaluation), and every scorecard is checked to have no error issue. The engine and the
baseline are timed in turns, ten chunks each, so that both meet the same machine (a shared
machine drifts by tens of percent within a minute; their ratio is the steady figure); the
fastest chunk is shown too, as a sign of how much other processes disturbed a run.

Run: ``.venv/bin/python bench/score.py [--count 10000] [--seed 2023] [--yaml-count 200] [--cpu 0]``.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import sys
from collections.abc import Callable, Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from jixiao.core.engine import Engine
from jixiao.core.model import Evaluation, Framework, Item, LeafInput, Scorecard, Severity, Unit
from jixiao.frameworks.evaluation import load_evaluation
from jixiao.frameworks.yamlio import loads
from jixiao.services.scoring import load_table
from timing import Timed, interleaved, pin_one_core, timed

TABLE_ID = "lechang-2023"
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "lechang-2023.yaml"
CENT = Decimal("0.01")
ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)

PlainEval = dict[str, Any]
LeafScore = tuple[Decimal, str]

# --------------------------------------------------------------------------- the table, by hand

JUDGEMENTS: dict[str, int] = {
    "budgeting.preparation.reasonableness": 5,
    "budgeting.preparation.standardization": 5,
    "budgeting.preparation.planning": 4,
    "budgeting.preparation.scientific": 4,
    "budgeting.targets.reasonableness": 4,
    "budgeting.targets.clarity": 4,
    "execution.projects.supervision": 5,
    "benefit.effect": 10,
}
TIERS: tuple[tuple[str, Decimal, Decimal], ...] = (
    ("达成", Decimal("0.8"), ONE),
    ("部分达成", Decimal("0.6"), Decimal("0.8")),
    ("未达成", ZERO, Decimal("0.6")),
)
CHECKLISTS: dict[str, tuple[Decimal, ...]] = {
    "execution.funds.disclosure": (Decimal("1.5"), Decimal("1.5"), ONE),
    "execution.rules": (ONE, ONE, Decimal(2)),
    "benefit.economy": (Decimal(3), Decimal(3)),
}
YES_NO = ("execution.assets.allocation", "execution.assets.inventory")
GRADES = (("优", Decimal(90)), ("良", Decimal(80)), ("中", Decimal(60)), ("差", ZERO))
LEAVES_BY_TOP: dict[str, tuple[str, ...]] = {
    "budgeting": (
        "budgeting.preparation.reasonableness",
        "budgeting.preparation.standardization",
        "budgeting.preparation.planning",
        "budgeting.preparation.scientific",
        "budgeting.targets.coverage",
        "budgeting.targets.reasonableness",
        "budgeting.targets.clarity",
    ),
    "execution": (
        "execution.funds.spending_rate",
        "execution.funds.carryover_rate",
        "execution.funds.stock_efficiency",
        "execution.funds.procurement_rate",
        "execution.funds.compliance",
        "execution.funds.transfer_legality",
        "execution.funds.disclosure",
        "execution.projects.procedure",
        "execution.projects.supervision",
        "execution.assets.allocation",
        "execution.assets.inventory",
        "execution.assets.utilization",
        "execution.staffing",
        "execution.rules",
    ),
    "benefit": (
        "benefit.economy",
        "benefit.efficiency.key_tasks",
        "benefit.efficiency.goals",
        "benefit.efficiency.timeliness",
        "benefit.effect",
        "benefit.fairness",
    ),
}
BONUS_MAX = Decimal(5)
TOTAL_CAP = Decimal(100)
REASONS = ("按规定完成，资料齐全", "部分完成，存在不足", "经核查符合要求", "抽查发现个别问题")


# --------------------------------------------------------------------------- generation


def money(rng: random.Random, low: float, high: float) -> Decimal:
    """An amount in 万元 with two decimals."""
    return Decimal(f"{rng.uniform(low, high):.2f}")


def funds_data(rng: random.Random, excellent: bool) -> dict[str, Decimal]:
    """Budget, expenditure, carry-over and stock figures."""
    budget = money(rng, 200, 20000)
    income = q2(budget * Decimal(f"{rng.uniform(0.95, 1.05):.4f}"))
    no_carry = rng.random() < (0.8 if excellent else 0.25)
    carry_end = ZERO if no_carry else q2(income * Decimal(f"{rng.uniform(0, 0.15):.4f}"))
    stock_prior = ZERO if rng.random() < 0.3 else money(rng, 1, 500)
    return {
        "expenditure_budget": budget,
        "expenditure_final": q2(budget * Decimal(f"{rng.uniform(0.98 if excellent else 0.7, 1.02):.4f}")),
        "income_final": income,
        "carryover_prior": money(rng, 0, 200),
        "carryover_end": carry_end,
        "stock_prior": stock_prior,
        "stock_end": q2(stock_prior * Decimal(f"{rng.uniform(0.2, 1.4):.3f}")),
    }


def count_pair(rng: random.Random, low: int, high: int, short: int) -> tuple[Decimal, Decimal]:
    """A planned count and a done count a little below it."""
    planned = rng.randint(low, high)
    return Decimal(planned), Decimal(rng.randint(max(0, planned - short), planned))


def other_data(rng: random.Random, excellent: bool) -> dict[str, Decimal]:
    """Procurement, staff, tasks, goals, projects and satisfaction."""
    plan = ZERO if rng.random() < 0.2 else money(rng, 1, 500)
    quota = rng.randint(5, 150)
    short = 0 if excellent else 1
    tasks, done = count_pair(rng, 1, 30, 4 * short)
    goals, met = count_pair(rng, 1, 20, 3 * short)
    projects, on_time = count_pair(rng, 0, 20, 3 * short)
    return {
        "procurement_plan": plan,
        "procurement_actual": money(rng, 0, float(plan) * 1.5) if plan else money(rng, 0, 50),
        "staff_quota": Decimal(quota),
        "staff_actual": Decimal(rng.randint(int(quota * 0.7), int(quota * (1 if excellent else 1.15)))),
        "key_tasks_planned": tasks,
        "key_tasks_done": done,
        "goals_planned": goals,
        "goals_met": met,
        "projects_planned": projects,
        "projects_on_time": on_time,
        "satisfaction": money(rng, 95 if excellent else 55, 100),
    }


def judgement_input(rng: random.Random, weight: int, excellent: bool) -> dict[str, Any]:
    """A judgement score within the weight (in half points), a reason, sometimes the tier."""
    low = 0.9 if excellent else 0.4
    score = Decimal(round(rng.triangular(low * weight, weight, weight) * 2)) / 2
    entry: dict[str, Any] = {"score": score, "reason": rng.choice(REASONS)}
    if rng.random() < 0.5:
        entry["tier"] = tier_of(score / weight)
    return entry


def leaf_inputs(rng: random.Random, data: dict[str, Decimal], excellent: bool) -> dict[str, dict[str, Any]]:
    """The inputs of every leaf that needs one (and a few that may have one)."""
    met = 1.0 if excellent else 0.85
    inputs = {leaf: judgement_input(rng, w, excellent) for leaf, w in JUDGEMENTS.items()}
    for leaf, items in CHECKLISTS.items():
        checked = tuple(i for i in range(len(items)) if rng.random() < met)
        inputs[leaf] = {"checked": checked} if checked else {"checked": checked, "reason": "本年度均不符合"}
    for leaf in YES_NO:
        inputs[leaf] = {"value": rng.random() < 0.9, "reason": rng.choice(REASONS)}
    inputs["budgeting.targets.coverage"] = {"value": money(rng, 80, 100), "reason": "按支出测算"}
    inputs["execution.funds.compliance"] = {"count": Decimal(rng.choice((0, 0, 0, 0, 1, 2, 5)))}
    if rng.random() < 0.5:
        inputs["execution.funds.transfer_legality"] = {"applicable": False, "reason": "无转移支付"}
    else:
        inputs["execution.funds.transfer_legality"] = {"value": rng.random() < 0.85}
    if rng.random() < 0.15:
        inputs["execution.projects.procedure"] = {"applicable": False, "reason": "无项目支出"}
    else:
        inputs["execution.projects.procedure"] = {"value": rng.random() < 0.9}
    if rng.random() < 0.4:
        inputs["execution.assets.utilization"] = {"value": money(rng, 60, 100), "reason": "据资产台账"}
    else:
        total = money(rng, 10, 5000)
        data["fixed_assets_total"] = total
        data["fixed_assets_in_use"] = q2(total * Decimal(f"{rng.uniform(0.6, 1):.3f}"))
    if data["procurement_plan"] and rng.random() < 0.1:
        inputs["execution.funds.procurement_rate"] = {"override": ONE, "reason": "采购预算编制不科学"}
    return inputs


def generate(rng: random.Random, index: int) -> PlainEval:
    """One evaluation as a plain dict: figures, inputs and bonus points.

    About one unit in five is excellent (figures near target, high judgements, every checklist
    item met), so that base + bonus sometimes exceeds the total cap of 100.
    """
    excellent = rng.random() < 0.2
    data = funds_data(rng, excellent) | other_data(rng, excellent)
    inputs = leaf_inputs(rng, data, excellent)
    bonus = [Decimal(rng.choice(("0.5", "1", "2"))) for _ in range(rng.choice((0, 0, 1, 2, 3, 5, 8)))]
    return {"unit": f"乐昌市测试单位{index:05d}", "data": data, "inputs": inputs, "bonus": bonus}


def to_evaluation(plain: PlainEval) -> Evaluation:
    """The same content as a ``jixiao.core.model.Evaluation``."""
    inputs = {
        leaf: LeafInput(path=f'inputs["{leaf}"]', keys=frozenset(entry), **entry)
        for leaf, entry in plain["inputs"].items()
    }
    bonus = tuple(Item(f"加分事项{i + 1}", points) for i, points in enumerate(plain["bonus"]))
    return Evaluation(
        framework=TABLE_ID,
        year=2023,
        unit=Unit(name=plain["unit"]),
        data=dict(plain["data"]),
        inputs=inputs,
        bonus=bonus,
    )


# --------------------------------------------------------------------------- the baseline


def q2(value: Decimal) -> Decimal:
    """Half-up to 2 places."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def clamp01(value: Decimal) -> Decimal:
    return ZERO if value < ZERO else ONE if value > ONE else value


def tier_of(ratio: Decimal) -> str:
    """The first tier whose bounds (inclusive) hold the ratio."""
    return next(name for name, low, high in TIERS if low <= ratio <= high)


def ratio(num: Decimal, den: Decimal) -> Decimal | None:
    """num / den × 100 rounded to 2 places; None when the denominator is zero."""
    return None if den == 0 else q2(num / den * HUNDRED)


def proportional(name: str, value: Decimal, eff: Decimal) -> LeafScore:
    """min(1, value / 100) × effective weight."""
    fraction = ONE if value >= HUNDRED else clamp01(value / HUNDRED)
    score = q2(fraction * eff)
    return score, f"{name}{value:.2f}%，按比例得{score}分"


def judgement(entry: dict[str, Any], weight: Decimal) -> LeafScore:
    score = q2(clamp01(entry["score"] / weight) * weight)
    return score, f"{entry['reason']}。评定为“{tier_of(entry['score'] / weight)}”档，得{score}分"


def checklist(checked: Iterable[int], points: Sequence[Decimal], weight: Decimal) -> LeafScore:
    got = sum((points[i] for i in sorted(set(checked))), ZERO)
    score = q2(clamp01(got / weight) * weight)
    return score, f"符合{len(set(checked))}项，计{got}分，得{score}分"


def yes_no(value: bool, weight: Decimal) -> LeafScore:
    return (weight, "是，计满分") if value else (ZERO, "否，不得分")


def carryover(data: dict[str, Decimal]) -> LeafScore:
    value = ratio(data["carryover_end"], data["carryover_prior"] + data["income_final"])
    assert value is not None
    points = 3 if value <= 0 else 2 if value <= 5 else 1 if value <= 10 else 0
    score = q2(Decimal(points) / 3 * 3)
    return score, f"结转结余率{value:.2f}%，该档计{points}分"


def stock(data: dict[str, Decimal]) -> LeafScore:
    prior = data["stock_prior"]
    if prior == 0:
        return Decimal(3), "不适用：上年末存量资金为零；计满分3分"
    value = q2((data["stock_end"] / prior - 1) * HUNDRED)
    if value <= 0:
        return Decimal(3), f"存量资金变动率{value:.2f}%，未增加，计满分"
    steps = math.ceil(value / 10)
    deducted = Decimal("0.5") * steps
    score = q2(clamp01((3 - deducted) / 3) * 3)
    return score, f"存量资金增加{value:.2f}%，扣{deducted}分，得{score}分"


def procurement(data: dict[str, Decimal], entry: dict[str, Any] | None) -> LeafScore:
    value = ratio(data["procurement_actual"], data["procurement_plan"])
    if value is None:
        return Decimal(2), "不适用：无政府采购计划；计满分2分"
    score, text = proportional("政府采购执行率", value, Decimal(2))
    if entry is not None and "override" in entry:
        return entry["override"], f"{text}；经评审调整为{entry['override']}分，理由：{entry['reason']}"
    return score, text


def compliance(count: Decimal) -> LeafScore:
    score = q2(clamp01((4 - count) / 4) * 4)
    return score, f"出现{count}次，每次扣1分，得{score}分"


def staffing(data: dict[str, Decimal]) -> LeafScore:
    value = ratio(data["staff_actual"], data["staff_quota"])
    assert value is not None
    if value <= HUNDRED:
        return Decimal(2), f"控制率{value:.2f}%，不超过100%，计满分"
    score = q2(clamp01((2 - Decimal("0.5") * (value - HUNDRED)) / 2) * 2)
    return score, f"控制率{value:.2f}%，超过标准，得{score}分"


def fairness(value: Decimal) -> LeafScore:
    points = 5 if value >= 95 else 4 if value >= 90 else 3 if value >= 80 else 2 if value >= 60 else 0
    return q2(Decimal(points) / 5 * 5), f"满意度{value:.2f}%，该档计{points}分"


def count_rate(name: str, done: Decimal, planned: Decimal, full_if_none: bool) -> LeafScore:
    value = ratio(done, planned)
    if value is None:
        assert full_if_none
        return Decimal(3), f"不适用：{name}无计划数；计满分3分"
    return proportional(name, value, Decimal(3))


def funds_leaves(data: dict[str, Decimal], inputs: dict[str, dict[str, Any]]) -> dict[str, LeafScore]:
    """资金管理: the 3 points of 资金下达合法性 move to 部门预算资金支出率 when not applicable."""
    transfer = inputs["execution.funds.transfer_legality"]
    moved = transfer.get("applicable") is False
    spending = ratio(data["expenditure_final"], data["expenditure_budget"])
    assert spending is not None
    return {
        "execution.funds.spending_rate": proportional("部门预算资金支出率", spending, Decimal(6 if moved else 3)),
        "execution.funds.carryover_rate": carryover(data),
        "execution.funds.stock_efficiency": stock(data),
        "execution.funds.procurement_rate": procurement(data, inputs.get("execution.funds.procurement_rate")),
        "execution.funds.compliance": compliance(inputs["execution.funds.compliance"]["count"]),
        "execution.funds.transfer_legality": (ZERO, "不适用；3分调整至部门预算资金支出率")
        if moved
        else yes_no(transfer["value"], Decimal(3)),
    }


def assets_leaves(data: dict[str, Decimal], inputs: dict[str, dict[str, Any]]) -> dict[str, LeafScore]:
    """项目管理 procedure, 资产管理 and 人员管理."""
    procedure = inputs["execution.projects.procedure"]
    utilization = inputs.get("execution.assets.utilization")
    used = utilization["value"] if utilization else ratio(data["fixed_assets_in_use"], data["fixed_assets_total"])
    assert used is not None
    out = {leaf: yes_no(inputs[leaf]["value"], Decimal(2)) for leaf in YES_NO}
    out["execution.projects.procedure"] = (
        (Decimal(2), "不适用；计满分2分")
        if procedure.get("applicable") is False
        else yes_no(procedure["value"], Decimal(2))
    )
    out["execution.assets.utilization"] = proportional("固定资产利用率", used, Decimal(3))
    out["execution.staffing"] = staffing(data)
    return out


def benefit_leaves(data: dict[str, Decimal]) -> dict[str, LeafScore]:
    """效率性 and 公平性 from the figures."""
    return {
        "benefit.efficiency.key_tasks": count_rate(
            "重点工作完成率", data["key_tasks_done"], data["key_tasks_planned"], False
        ),
        "benefit.efficiency.goals": count_rate("绩效目标完成率", data["goals_met"], data["goals_planned"], False),
        "benefit.efficiency.timeliness": count_rate(
            "项目完成及时率", data["projects_on_time"], data["projects_planned"], True
        ),
        "benefit.fairness": fairness(q2(data["satisfaction"])),
    }


def grade_of(total: Decimal) -> str:
    return next(grade for grade, low in GRADES if total >= low)


def baseline_score(plain: PlainEval) -> dict[str, Any]:
    """Hand-written scoring of ``lechang-2023`` on a plain dict: leaves, base, bonus, total, grade."""
    data, inputs = plain["data"], plain["inputs"]
    leaves = {leaf: judgement(inputs[leaf], Decimal(w)) for leaf, w in JUDGEMENTS.items()}
    leaves.update(
        {leaf: checklist(inputs[leaf]["checked"], points, sum(points, ZERO)) for leaf, points in CHECKLISTS.items()}
    )
    leaves["budgeting.targets.coverage"] = proportional(
        "绩效目标覆盖率", inputs["budgeting.targets.coverage"]["value"], Decimal(2)
    )
    leaves.update(funds_leaves(data, inputs))
    leaves.update(assets_leaves(data, inputs))
    leaves.update(benefit_leaves(data))
    tops = {top: sum((leaves[leaf][0] for leaf in ids), ZERO) for top, ids in LEAVES_BY_TOP.items()}
    base = sum(tops.values(), ZERO)
    raw_bonus = sum(plain["bonus"], ZERO)
    bonus = min(raw_bonus, BONUS_MAX)
    total = min(max(base + bonus, ZERO), TOTAL_CAP)
    return {
        "leaves": leaves,
        "base": base,
        "bonus": bonus,
        "total": total,
        "grade": grade_of(total),
        "explanation": f"指标得分合计{base}分；加分项{raw_bonus}分；总分{total}分",
    }


# --------------------------------------------------------------------------- digests and checks

# What a timed loop keeps of each result: error count, base, bonus, total, grade, leaf scores in
# table order. Keeping a small digest instead of whole scorecards keeps the heap (and so the
# garbage collector's work) the same size for 1,000 or 100,000 evaluations.
Digest = tuple[int, Decimal | None, Decimal | None, Decimal | None, str | None, tuple[Decimal | None, ...]]


def card_digest(card: Scorecard) -> Digest:
    errors = sum(1 for issue in card.issues if issue.severity is Severity.ERROR)
    leaves = tuple(r.score for r in card.indicators if r.is_leaf)
    return errors, card.base, card.bonus, card.total, card.grade, leaves


def engine_runner(engine: Engine) -> Callable[[Evaluation], Digest]:
    """Engine.score, digested."""

    def run(evaluation: Evaluation) -> Digest:
        return card_digest(engine.score(evaluation))

    return run


def explained_runner(engine: Engine) -> Callable[[Evaluation], int]:
    """Engine.score, then every explanation read, as a report or a 评分表 export does."""

    def run(evaluation: Evaluation) -> int:
        card = engine.score(evaluation)
        return sum(len(r.explanation) for r in card.indicators) + len(card.total_explanation)

    return run


def baseline_runner(order: Sequence[str]) -> Callable[[PlainEval], Digest]:
    """baseline_score, digested in the same shape (leaf scores in table order)."""

    def run(plain: PlainEval) -> Digest:
        ref = baseline_score(plain)
        leaves = ref["leaves"]
        return 0, ref["base"], ref["bonus"], ref["total"], ref["grade"], tuple(leaves[leaf][0] for leaf in order)

    return run


def yaml_runner(engine: Engine, file: str) -> Callable[[str], Digest]:
    """Parse, validate and score one evaluation file's text."""

    def run(text: str) -> Digest:
        loaded = load_evaluation(loads(text, file), file)
        assert loaded.evaluation is not None, loaded.issues
        digest = card_digest(engine.score(loaded.evaluation))
        errors = sum(1 for issue in loaded.issues if issue.severity is Severity.ERROR)
        return (digest[0] + errors, *digest[1:])

    return run


def check_complete(digests: Sequence[Digest], what: str) -> None:
    """Every scorecard is complete: no error issue, a total and a grade."""
    for i, (errors, _, _, total, grade, _) in enumerate(digests):
        assert errors == 0, f"{what} {i}: {errors} error issue(s)"
        assert total is not None and grade is not None, f"{what} {i}: no total"


def check_baseline(engine: Sequence[Digest], baseline: Sequence[Digest]) -> None:
    """Base, bonus, total, grade and every leaf score agree on every evaluation."""
    for i, (got, want) in enumerate(zip(engine, baseline, strict=True)):
        assert got[1:5] == want[1:5], f"evaluation {i}: engine {got[1:5]} != baseline {want[1:5]}"
        assert got[5] == want[5], f"evaluation {i}: leaf scores {got[5]} != {want[5]}"


# --------------------------------------------------------------------------- timing


# --------------------------------------------------------------------------- main


def table() -> Framework:
    loaded = load_table(TABLE_ID)
    assert loaded.framework is not None, loaded.issues
    return loaded.framework


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=10_000, help="generated evaluations (10000)")
    parser.add_argument("--seed", type=int, default=2023, help="random seed (2023)")
    parser.add_argument("--yaml-count", type=int, default=200, help="YAML files to parse+score (200)")
    parser.add_argument("--explained-count", type=int, default=2000, help="scored and every text read (2000)")
    parser.add_argument("--cpu", type=int, default=0, help="the one CPU to run on (0)")
    return parser.parse_args(argv)


def summary(args: argparse.Namespace, pinned: str, figures: dict[str, Timed]) -> None:
    """The human-readable part of the output."""
    grades: dict[str, int] = {}
    for digest in figures["engine"].results:
        grades[digest[4] or "-"] = grades.get(digest[4] or "-", 0) + 1
    print(f"jixiao scoring benchmark — table {TABLE_ID}, seed {args.seed}")
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs, {pinned}")
    print(f"grades of the generated evaluations: {dict(sorted(grades.items()))}")
    for name, what in (
        ("engine", "Engine.score"),
        ("baseline", "hand-written dict code"),
        ("explained", "score + read every text"),
        ("yaml", "YAML parse+validate+score"),
    ):
        run = figures[name]
        print(
            f"{what:26} {len(run.results):6d} in {run.seconds:7.3f} s = {run.rate():7.0f}/s "
            f"({run.seconds / len(run.results) * 1e6:7.1f} µs each; "
            f"fastest chunk {run.best_rate():7.0f}/s)"
        )
    print(
        f"baseline and engine agree on base, bonus, total, grade and all leaf scores "
        f"of {len(figures['engine'].results)} evaluations; no scorecard has an error"
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    pinned = pin_one_core(args.cpu)
    framework = table()
    engine = Engine(framework)
    rng = random.Random(args.seed)
    plain = [generate(rng, i) for i in range(args.count)]
    evaluations = [to_evaluation(p) for p in plain]
    order = [node.id for node, _ in framework.walk() if node.is_leaf]
    text = EXAMPLE.read_text(encoding="utf-8")
    engine_run, baseline_run = interleaved((engine_runner(engine), evaluations), (baseline_runner(order), plain))
    figures = {
        "engine": engine_run,
        "baseline": baseline_run,
        "explained": timed(explained_runner(engine), evaluations[: args.explained_count]),
        "yaml": timed(yaml_runner(engine, str(EXAMPLE)), [text] * args.yaml_count),
    }
    check_complete(figures["engine"].results, "evaluation")
    check_complete(figures["yaml"].results, "YAML file")
    check_baseline(figures["engine"].results, figures["baseline"].results)
    summary(args, pinned, figures)
    engine_rate, baseline_rate = figures["engine"].rate(), figures["baseline"].rate()
    print(f"bench: score_per_s {engine_rate:.0f} evaluations/s")
    print(f"bench: baseline_per_s {baseline_rate:.0f} evaluations/s")
    print(f"bench: engine_vs_baseline {engine_rate / baseline_rate:.2f} ratio")
    print(f"bench: explained_per_s {figures['explained'].rate():.0f} evaluations/s")
    print(f"bench: yaml_score_per_s {figures['yaml'].rate():.0f} files/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
