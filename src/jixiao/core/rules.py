"""Rule types (formats §1): the fraction of a leaf's weight, and the phrase that says why.

Every rule yields a fraction of the leaf's *own* weight, clamped to [0, 1] ("扣完为止",
"满分为止"). Points written in a rule are points of the leaf's own weight.

Two faces per rule type, one source of arithmetic:

* ``fraction_for(rule, weight)`` prepares, once per table, a function from the leaf's input to its
  fraction, or to None when the input cannot be scored as it is — the engine's fast path;
* ``proportional(rule, value, unit)`` and its siblings return an ``Outcome``: the same fraction
  (from the prepared function) with the phrase a reviewer writes, or the error that explains why
  the input cannot be scored. The engine calls them for errors and, lazily, for explanations.

Which function serves which rule type is declared in the registry of rule kinds (``core.kinds``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any, NamedTuple

from .model import (
    Band,
    BandsRule,
    CategoricalRule,
    ChecklistRule,
    GoalIndicator,
    GoalsRule,
    JudgementRule,
    PerOccurrenceRule,
    ProportionalRule,
    Rule,
    ThresholdRule,
    Tier,
)
from .numbers import ONE, ZERO, fmt, fmt_points, is_integral

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
FULL_BY_DEFAULT = "未发现扣分情形，计满分"

Fraction = Callable[[Any], "Decimal | None"]
"""A prepared rule: the leaf's input (value, count, checked items or choice) → fraction or None."""


class Outcome(NamedTuple):
    """A rule's result: the fraction of the weight and its phrase, or an error (code, text)."""

    fraction: Decimal | None
    phrase: str
    code: str = ""
    key: str = ""

    @staticmethod
    def fail(code: str, message: str, key: str) -> Outcome:
        """A rule that cannot be applied; ``key`` is the input key at fault."""
        return Outcome(None, message, code, key)


def unit_interval(fraction: Decimal) -> Decimal:
    """``fraction`` clamped to [0, 1]; at either end exactly 0 or 1 (never −0 or 1.000)."""
    return ZERO if fraction <= ZERO else ONE if fraction >= ONE else fraction


# --------------------------------------------------------------------------- prepared fractions


def fraction_for(rule: Rule, weight: Decimal) -> Fraction | None:
    """The prepared fraction of a leaf with this rule and own weight (None for judgements,
    whose fraction depends on the weight in effect); each kind prepares its own (``core.kinds``)."""
    from .kinds import kind_of

    return kind_of(rule).prepare(rule, weight)


def _proportional(rule: ProportionalRule) -> Fraction:
    """Reaching the target (≥ for higher, ≤ for lower) is full marks; short of it, the ratio of
    the smaller magnitude to the larger: value/target or target/value for a positive target,
    mirrored for a negative one (a reduction target such as −30: −20 reaches 20/30 of it); a
    value on the wrong side of zero scores 0, and so does any miss of a zero target."""
    target = rule.target

    def higher(value: Any) -> Decimal | None:
        if not isinstance(value, Decimal):
            return None
        if value >= target:
            return ONE
        return unit_interval(value / target) if target > 0 else unit_interval(target / value) if target else ZERO

    def lower(value: Any) -> Decimal | None:
        if not isinstance(value, Decimal):
            return None
        if value <= target:
            return ONE
        return unit_interval(target / value) if target > 0 else unit_interval(value / target) if target else ZERO

    return higher if rule.direction == "higher" else lower


def proportional_ratio(rule: ProportionalRule, value: Decimal) -> bool | None:
    """How a missed target is scored: None when reached or when the target is zero (0 points);
    else whether the ratio is value÷target (True) or target÷value (False)."""
    reached = value >= rule.target if rule.direction == "higher" else value <= rule.target
    if reached or rule.target == 0:
        return None
    return (rule.direction == "higher") == (rule.target > 0)


def _steps(distance: Decimal, rule: ThresholdRule) -> Decimal:
    n = distance / rule.step
    if rule.steps == "floor":
        return Decimal(math.floor(n))
    if rule.steps == "ceil":
        return Decimal(math.ceil(n))
    return n


def _threshold(rule: ThresholdRule, weight: Decimal) -> Fraction:
    standard, upper = rule.standard, rule.direction == "max"

    def fraction(value: Any) -> Decimal | None:
        if not isinstance(value, Decimal):
            return None
        distance = value - standard if upper else standard - value
        if distance <= 0:
            return ONE
        return unit_interval((weight - rule.per * _steps(distance, rule)) / weight)

    return fraction


def _band_fraction(band: Band, weight: Decimal) -> Decimal:
    return band.ratio if band.ratio is not None else (band.score or ZERO) / weight


def _bands(rule: BandsRule, weight: Decimal) -> Fraction:
    # Band.holds, unrolled: (min, min inclusive, max, max inclusive, fraction) per band
    prepared = tuple(
        (band.min, band.min_inclusive, band.max, band.max_inclusive, unit_interval(_band_fraction(band, weight)))
        for band in rule.bands
    )

    def fraction(value: Any) -> Decimal | None:
        if not isinstance(value, Decimal):
            return None
        for low, low_in, high, high_in, band_fraction in prepared:
            if low is not None and (value < low or (value == low and not low_in)):
                continue
            if high is not None and (value > high or (value == high and not high_in)):
                continue
            return band_fraction
        return None

    return fraction


MEMO = 4096
"""How many distinct inputs a prepared checklist remembers (items checked are few and repeat)."""


def _checklist(rule: ChecklistRule, weight: Decimal) -> Fraction:
    points, count = tuple(item.points for item in rule.items), len(rule.items)
    required = frozenset(i for i, item in enumerate(rule.items) if item.required)
    memo: dict[tuple[int, ...], Decimal] = {}

    def fraction(checked: Any) -> Decimal | None:
        if checked is None:
            return None
        remembered = isinstance(checked, tuple)
        known = memo.get(checked) if remembered else None
        if known is not None:
            return known
        if any([not 0 <= i < count for i in checked]):
            return None
        if required and not required <= set(checked):
            result = ZERO
        else:
            result = unit_interval(sum([points[i] for i in set(checked)], ZERO) / weight)
        if remembered and len(memo) < MEMO:
            memo[checked] = result
        return result

    return fraction


def _per_occurrence(rule: PerOccurrenceRule, weight: Decimal) -> Fraction:
    per = rule.per

    def fraction(count: Any) -> Decimal | None:
        if not isinstance(count, Decimal) or count < 0 or not is_integral(count):
            return None
        return ONE if count == 0 else unit_interval((weight - per * count) / weight)

    return fraction


def _yes_no(value: Any) -> Decimal | None:
    return ONE if value is True else ZERO if value is False else None


def _categorical(rule: CategoricalRule, weight: Decimal) -> Fraction:
    fractions = tuple(unit_interval(option.score / weight) for option in rule.options)

    def fraction(choice: Any) -> Decimal | None:
        return fractions[choice] if isinstance(choice, int) and 0 <= choice < len(fractions) else None

    return fraction


def goal_reached(goal: GoalIndicator) -> bool | None:
    """Whether a 绩效指标 reached its 年初目标值: as stated (``reached``), by its numbers and
    direction, or by matching words ("按期完成" / "按期完成"); None when that cannot be told."""
    if goal.reached is not None:
        return goal.reached
    target, actual = goal.target, goal.actual
    if isinstance(target, Decimal) and isinstance(actual, Decimal):
        if goal.direction == "lower":
            return actual <= target
        return actual == target if goal.direction == "equal" else actual >= target
    if isinstance(target, str) and isinstance(actual, str) and target.strip() == actual.strip():
        return True
    return None


HUNDRED = Decimal(100)


def goal_deviates(goal: GoalIndicator, over: Decimal) -> bool:
    """Whether the actual value passes the target, on its better side, by ``over`` percent of the
    target or more ("完成值超过年初设置指标值30%及以上"); only numbers with a non-zero target."""
    target, actual = goal.target, goal.actual
    if not isinstance(target, Decimal) or not isinstance(actual, Decimal) or target == 0:
        return False
    margin = abs(target) * over / HUNDRED
    if goal.direction == "lower":
        return target - actual >= margin
    return abs(actual - target) >= margin if goal.direction == "equal" else actual - target >= margin


def counted_goals(rule: GoalsRule, goals: tuple[GoalIndicator, ...]) -> tuple[GoalIndicator, ...]:
    """The goals a rule counts: those of its kinds (every goal when it names none)."""
    return goals if not rule.kinds else tuple(g for g in goals if g.kind in rule.kinds)


def _goals(rule: GoalsRule, weight: Decimal) -> Fraction:
    def fraction(goals: Any) -> Decimal | None:
        if not isinstance(goals, tuple):
            return None
        counted = counted_goals(rule, goals)
        if not counted:
            return None
        points = weight
        if rule.base == "share":
            reached = [goal_reached(g) for g in counted]
            if None in reached:
                return None
            points = weight * sum(1 for r in reached if r) / len(counted)
        if rule.deviation_over is not None and rule.deviation_per is not None:
            points -= rule.deviation_per * sum(1 for g in counted if goal_deviates(g, rule.deviation_over))
        return unit_interval(points / weight)

    return fraction


Judge = Callable[[Decimal, "str | None", Decimal], "Decimal | None"]
"""A prepared judgement: (score, tier named or None, weight in effect) → fraction or None."""


def judge_for(rule: JudgementRule) -> Judge:
    """The prepared fraction of a judgement: None when the score is above the weight in effect
    or the named tier does not exist or does not hold the score (``judgement`` says which)."""
    bounds: dict[str, tuple[Decimal, Decimal]] = {}
    for tier in rule.tiers:
        bounds.setdefault(tier.name, (tier.min_ratio, tier.max_ratio))  # the first of a name, as find_tier

    def fraction(score: Decimal, tier: str | None, effective: Decimal) -> Decimal | None:
        if score > effective:
            return None
        ratio = score / effective if effective else ZERO
        if tier is not None:
            low, high = bounds.get(tier, (ONE, ZERO))
            if not low <= ratio <= high:
                return None
        return unit_interval(ratio)

    return fraction


# --------------------------------------------------------------------------- outcomes and phrases


def _scored(fraction: Decimal | None, phrase: str) -> Outcome:
    assert fraction is not None  # the callers have checked the input
    return Outcome(fraction, phrase)


def proportional(rule: ProportionalRule, value: Decimal, unit: str) -> Outcome:
    fraction = _proportional(rule)(value)
    target = f"{fmt_points(rule.target)}{unit}"
    higher = rule.direction == "higher"
    if value >= rule.target if higher else value <= rule.target:
        return _scored(fraction, f"{'达到' if higher else '不高于'}{target}，计满分")
    missed = "未达" if higher else "高于"
    ratio = proportional_ratio(rule, value)
    if ratio is None:
        return _scored(fraction, f"{missed}{target}，不得分")
    shown = f"{fmt(value)}{unit}"
    quotient = f"{shown}÷{target}" if ratio else f"{target}÷{shown}"
    if fraction == ZERO:
        return _scored(fraction, f"{missed}{target}且方向相反，不得分")
    return _scored(fraction, f"{missed}{target}，按比例计分（{quotient}）")


def threshold(rule: ThresholdRule, value: Decimal, weight: Decimal, unit: str) -> Outcome:
    fraction = _threshold(rule, weight)(value)
    upper = rule.direction == "max"
    distance = value - rule.standard if upper else rule.standard - value
    if distance <= 0:
        limit = "不超过" if upper else "不低于"
        return _scored(fraction, f"以{fmt_points(rule.standard)}{unit}为标准，{limit}标准，计满分")
    deducted = rule.per * _steps(distance, rule)
    side = "超过" if upper else "低于"
    step = f"{fmt_points(rule.step)}{unit or '个单位'}"
    phrase = (
        f"{side}标准{fmt_points(distance)}{unit}，每{side}{step}扣{fmt_points(rule.per)}分，扣{fmt_points(deducted)}分"
    )
    if deducted >= weight:
        phrase += "，扣完为止"
    return _scored(fraction, phrase)


def band_text(band: Band, unit: str) -> str:
    """A band as notices write it: 80%（含）-90%, ≥90%, 低于60%."""
    low = None if band.min is None else f"{fmt_points(band.min)}{unit}" + ("（含）" if band.min_inclusive else "")
    high = None if band.max is None else f"{fmt_points(band.max)}{unit}" + ("（含）" if band.max_inclusive else "")
    if low and high:
        negative = (band.min is not None and band.min < 0) or (band.max is not None and band.max < 0)
        return f"{low}至{high}" if negative else f"{low}-{high}"
    if low:
        return ("≥" if band.min_inclusive else ">") + low.replace("（含）", "")
    if high:
        return ("≤" if band.max_inclusive else "低于") + high.replace("（含）", "")
    return "其他情况"


def bands(rule: BandsRule, value: Decimal, weight: Decimal, unit: str) -> Outcome:
    for band in rule.bands:
        if band.holds(value):
            points = fmt_points(_band_fraction(band, weight) * weight)
            return _scored(_bands(rule, weight)(value), f"属“{band_text(band, unit)}”档，该档计{points}分")
    return Outcome.fail("band-missing", f"值{fmt(value)}{unit}不在任何分档内，无法计分", "value")


def _marks(indices: list[int]) -> str:
    return "".join(CIRCLED[i] if i < len(CIRCLED) else f"({i + 1})" for i in indices)


def checklist(rule: ChecklistRule, checked: tuple[int, ...], weight: Decimal, absent: tuple[int, ...] = ()) -> Outcome:
    """Checked items score their points; ``absent`` items do not apply to the unit and score
    theirs where the table credits them; an unmet ``required`` item zeroes the leaf."""
    count = len(rule.items)
    for key, indices in (("checked", checked), ("not_applicable", absent)):
        bad = [i for i in indices if not 0 <= i < count]
        if bad:
            return Outcome.fail("index-out-of-range", f"所选项序号{bad}超出范围（共{count}项，从0起编号）", key)
    refused = [i for i in absent if not rule.items[i].credit_if_not_applicable]
    if refused:
        texts = "；".join(rule.items[i].text for i in refused)
        return Outcome.fail(
            "not-applicable-forbidden", f"评分表未规定第{_marks(refused)}项（{texts}）可以不适用", "not_applicable"
        )
    met = sorted(set(checked) | set(absent))
    points = sum((rule.items[i].points for i in met), ZERO)
    missing = [i for i in range(count) if i not in met]
    unmet = [i for i in missing if rule.items[i].required]
    parts = [f"符合第{_marks(sorted(set(checked) - set(absent)))}项"] if set(checked) - set(absent) else []
    if absent:
        parts.append(f"第{_marks(sorted(set(absent)))}项不适用，按规定计分")
    if unmet:
        texts = "；".join(rule.items[i].text for i in unmet)
        return Outcome(ZERO, "；".join([*parts, f"未符合“{texts}”，该项不符合的本指标不得分"]))
    phrase = "，".join(parts) + f"，计{fmt_points(points)}分" if met else "各项均不符合，不得分"
    if missing and met:
        phrase += "；未符合：" + "；".join(rule.items[i].text for i in missing)
    return Outcome(unit_interval(points / weight), phrase)


def per_occurrence(rule: PerOccurrenceRule, count: Decimal, weight: Decimal) -> Outcome:
    fraction = _per_occurrence(rule, weight)(count)
    if count == 0:
        return _scored(fraction, "未出现扣分情形，计满分")
    deducted = rule.per * count
    phrase = f"出现{fmt_points(count)}次，每次扣{fmt_points(rule.per)}分，扣{fmt_points(deducted)}分"
    if deducted >= weight:
        phrase += "，扣完为止"
    return _scored(fraction, phrase)


def yes_no(value: bool) -> Outcome:
    return _scored(_yes_no(value), "是，计满分" if value else "否，不得分")


def categorical(rule: CategoricalRule, choice: int, weight: Decimal) -> Outcome:
    if not 0 <= choice < len(rule.options):
        message = f"所选项序号{choice}超出范围（共{len(rule.options)}项，从0起编号）"
        return Outcome.fail("index-out-of-range", message, "choice")
    option = rule.options[choice]
    return _scored(_categorical(rule, weight)(choice), f"属“{option.text}”，计{fmt_points(option.score)}分")


def goals(rule: GoalsRule, all_goals: tuple[GoalIndicator, ...], weight: Decimal) -> Outcome:
    """The rule over the unit's 绩效指标, with the count it rests on; an error when a goal of its
    kinds cannot be told reached (words that differ, no actual value) or there is none."""
    counted = counted_goals(rule, all_goals)
    what = "、".join(rule.kinds) + "指标" if rule.kinds else "绩效指标"
    if not counted:
        return Outcome.fail("goals-missing", f"评价数据的绩效目标（goals）中没有{what}，无法计分", "")
    parts: list[str] = []
    if rule.base == "share":
        unknown = [g for g in counted if goal_reached(g) is None]
        if unknown:
            names = "、".join(f"“{g.name}”" for g in unknown)
            return Outcome.fail(
                "goal-undecided",
                f"{names}无法判断是否达到目标（实际完成值未填，或为与目标值不同的文字），"
                "请填写实际完成值或 reached: true/false",
                "",
            )
        reached = sum(1 for g in counted if goal_reached(g))
        parts.append(f"{what}{len(counted)}个，达到年初目标值{reached}个，按达成比例计分（{reached}÷{len(counted)}）")
    else:
        parts.append(f"{what}{len(counted)}个")
    if rule.deviation_over is not None and rule.deviation_per is not None:
        deviating = [g for g in counted if goal_deviates(g, rule.deviation_over)]
        if deviating:
            names = "、".join(f"“{g.name}”" for g in deviating)
            parts.append(
                f"{names}完成值超过年初目标值{fmt_points(rule.deviation_over)}%及以上，属指标偏离，"
                f"每个扣{fmt_points(rule.deviation_per)}分，扣{fmt_points(rule.deviation_per * len(deviating))}分"
            )
        else:
            parts.append("无指标偏离")
    fraction = _goals(rule, weight)(all_goals)
    return _scored(fraction, "；".join(parts))


def find_tier(rule: JudgementRule, name: str | None, ratio: Decimal) -> tuple[Tier | None, str]:
    """The tier of a judgement (named or inferred) and an error message when it does not fit."""
    if name is not None:
        named = [t for t in rule.tiers if t.name == name]
        if not named:
            return None, f"档次“{name}”不存在（可选：{'、'.join(t.name for t in rule.tiers)}）"
        tier = named[0]
        if not tier.min_ratio <= ratio <= tier.max_ratio:
            return tier, (
                f"得分率{fmt(ratio * 100)}%不在“{tier.name}”档"
                f"（{fmt_points(tier.min_ratio * 100)}%–{fmt_points(tier.max_ratio * 100)}%）内"
            )
        return tier, ""
    fitting = [t for t in rule.tiers if t.min_ratio <= ratio <= t.max_ratio]
    return (fitting[0] if fitting else None), ""


def judgement(rule: JudgementRule, score: Decimal, tier: str | None, effective: Decimal) -> Outcome:
    ratio = score / effective if effective else ZERO
    found, error = find_tier(rule, tier, ratio)
    if error:
        return Outcome.fail("tier-mismatch", error, "tier")
    return Outcome(unit_interval(ratio), f"评定为“{found.name}”档" if found is not None else "经评定")


def describe(rule: object, weight: Decimal, unit: str) -> str:
    """The 评分标准 of a rule in words, for tables that do not give their own wording (each
    rule kind words its own: ``core.kinds``)."""
    from .kinds import kind_of

    return kind_of(rule).describe(rule, weight, unit)
