"""One small function per rule type: (rule, input, weight) -> Outcome (formats §1).

Every rule yields a fraction of the leaf's *own* weight, clamped to [0, 1] ("扣完为止",
"满分为止"), and a phrase that says how, the way a reviewer writes it. Points written in a rule
are points of the leaf's own weight.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import NamedTuple

from .model import (
    Band,
    BandsRule,
    CategoricalRule,
    ChecklistRule,
    JudgementRule,
    PerOccurrenceRule,
    ProportionalRule,
    ThresholdRule,
    Tier,
)
from .numbers import ONE, ZERO, fmt, fmt_points

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


class Outcome(NamedTuple):
    """A rule's result: the fraction of the weight, or an error message (code, text).

    The phrase is written only when asked (``explain``): the engine scores first and words the
    explanation when someone reads it.
    """

    fraction: Decimal | None
    phrase: str
    code: str = ""
    key: str = ""

    @staticmethod
    def fail(code: str, message: str, key: str) -> Outcome:
        """A rule that cannot be applied; ``key`` is the input key at fault."""
        return Outcome(None, message, code, key)


def _ok(fraction: Decimal, phrase: str = "") -> Outcome:
    return Outcome(ZERO if fraction < ZERO else ONE if fraction > ONE else fraction, phrase)


FULL = Outcome(ONE, "")


def proportional(rule: ProportionalRule, value: Decimal, unit: str, explain: bool = True) -> Outcome:
    higher = rule.direction == "higher"
    if value >= rule.target if higher else value <= rule.target:
        if not explain:
            return FULL
        return _ok(ONE, f"{'达到' if higher else '不高于'}{fmt_points(rule.target)}{unit}，计满分")
    fraction = value / rule.target if higher else rule.target / value
    if not explain:
        return _ok(fraction)
    target, shown = f"{fmt_points(rule.target)}{unit}", f"{fmt(value)}{unit}"
    if higher:
        return _ok(fraction, f"未达{target}，按比例计分（{shown}÷{target}）")
    return _ok(fraction, f"高于{target}，按比例计分（{target}÷{shown}）")


def _steps(distance: Decimal, rule: ThresholdRule) -> Decimal:
    n = distance / rule.step
    if rule.steps == "floor":
        return Decimal(math.floor(n))
    if rule.steps == "ceil":
        return Decimal(math.ceil(n))
    return n


def threshold(rule: ThresholdRule, value: Decimal, weight: Decimal, unit: str, explain: bool = True) -> Outcome:
    upper = rule.direction == "max"
    distance = value - rule.standard if upper else rule.standard - value
    if distance <= 0:
        if not explain:
            return FULL
        limit = "不超过" if upper else "不低于"
        return _ok(ONE, f"以{fmt_points(rule.standard)}{unit}为标准，{limit}标准，计满分")
    n = _steps(distance, rule)
    deducted = rule.per * n
    if not explain:
        return _ok((weight - deducted) / weight)
    side = "超过" if upper else "低于"
    step = f"{fmt_points(rule.step)}{unit or '个单位'}"
    phrase = (
        f"{side}标准{fmt_points(distance)}{unit}，每{side}{step}扣{fmt_points(rule.per)}分，扣{fmt_points(deducted)}分"
    )
    if deducted >= weight:
        phrase += "，扣完为止"
    return _ok((weight - deducted) / weight, phrase)


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
    return "任意值"


def bands(rule: BandsRule, value: Decimal, weight: Decimal, unit: str, explain: bool = True) -> Outcome:
    for band in rule.bands:
        if band.holds(value):
            fraction = band.ratio if band.ratio is not None else (band.score or ZERO) / weight
            if not explain:
                return _ok(fraction)
            return _ok(fraction, f"属“{band_text(band, unit)}”档，该档计{fmt_points(fraction * weight)}分")
    return Outcome.fail("band-missing", f"值{fmt(value)}{unit}不在任何分档内，无法计分", "value")


def checklist(rule: ChecklistRule, checked: tuple[int, ...], weight: Decimal, explain: bool = True) -> Outcome:
    count = len(rule.items)
    bad = [i for i in checked if not 0 <= i < count]
    if bad:
        return Outcome.fail("index-out-of-range", f"所选项序号{bad}超出范围（共{count}项，从0起编号）", "checked")
    points = sum([rule.items[i].points for i in set(checked)], ZERO)
    if not explain:
        return _ok(points / weight)
    marks = "".join(CIRCLED[i] if i < len(CIRCLED) else f"({i + 1})" for i in sorted(set(checked)))
    missing = [i for i in range(len(rule.items)) if i not in checked]
    phrase = f"符合第{marks}项，计{fmt_points(points)}分" if checked else "各项均不符合，不得分"
    if missing and checked:
        phrase += "；未符合：" + "；".join(rule.items[i].text for i in missing)
    return _ok(points / weight, phrase)


def per_occurrence(rule: PerOccurrenceRule, count: Decimal, weight: Decimal, explain: bool = True) -> Outcome:
    if count == 0:
        return _ok(ONE, "未出现扣分情形，计满分" if explain else "")
    deducted = rule.per * count
    if not explain:
        return _ok((weight - deducted) / weight)
    phrase = f"出现{fmt_points(count)}次，每次扣{fmt_points(rule.per)}分，扣{fmt_points(deducted)}分"
    if deducted >= weight:
        phrase += "，扣完为止"
    return _ok((weight - deducted) / weight, phrase)


_YES, _NO = Outcome(ONE, "是，计满分"), Outcome(ZERO, "否，不得分")


def yes_no(value: bool) -> Outcome:
    return _YES if value else _NO


def categorical(rule: CategoricalRule, choice: int, weight: Decimal, explain: bool = True) -> Outcome:
    if not 0 <= choice < len(rule.options):
        message = f"所选项序号{choice}超出范围（共{len(rule.options)}项，从0起编号）"
        return Outcome.fail("index-out-of-range", message, "choice")
    option = rule.options[choice]
    return _ok(option.score / weight, f"属“{option.text}”，计{fmt_points(option.score)}分" if explain else "")


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


def judgement(
    rule: JudgementRule, score: Decimal, tier: str | None, effective: Decimal, explain: bool = True
) -> Outcome:
    ratio = score / effective if effective else ZERO
    if tier is None and not explain:
        return _ok(ratio)
    found, error = find_tier(rule, tier, ratio)
    if error:
        return Outcome.fail("tier-mismatch", error, "tier")
    return _ok(ratio, f"评定为“{found.name}”档" if found is not None else "经评定")


def describe(rule: object, weight: Decimal, unit: str) -> str:
    """The 评分标准 of a rule in words, for tables that do not give their own wording."""
    w = fmt_points(weight)
    if isinstance(rule, ProportionalRule):
        target = f"{fmt_points(rule.target)}{unit}"
        if rule.direction == "higher":
            return f"达到{target}计{w}分，未达到按比例计分，满分为止。"
        return f"不高于{target}计{w}分，高于的按比例计分。"
    if isinstance(rule, ThresholdRule):
        side, limit = ("超过", "≤") if rule.direction == "max" else ("低于", "≥")
        step = f"{fmt_points(rule.step)}{unit or '个单位'}"
        rounding = {"floor": "（不足一个不计）", "ceil": "（不足一个按一个计）"}.get(rule.steps, "")
        return (
            f"以{fmt_points(rule.standard)}{unit}为标准，{limit}标准计{w}分；每{side}{step}扣"
            f"{fmt_points(rule.per)}分{rounding}，扣完为止。"
        )
    if isinstance(rule, BandsRule):
        parts = [
            f"{band_text(b, unit)}，计{fmt_points(b.score if b.score is not None else (b.ratio or ZERO) * weight)}分"
            for b in rule.bands
        ]
        return "；".join(parts) + "。"
    if isinstance(rule, ChecklistRule):
        return (
            "；".join(
                f"{CIRCLED[i] if i < len(CIRCLED) else i + 1}{it.text}，{fmt_points(it.points)}分"
                for i, it in enumerate(rule.items)
            )
            + "。"
        )
    if isinstance(rule, PerOccurrenceRule):
        return f"每出现一次扣{fmt_points(rule.per)}分，扣完为止。"
    if isinstance(rule, CategoricalRule):
        return "；".join(f"{o.text}，{fmt_points(o.score)}分" for o in rule.options) + "。"
    if isinstance(rule, JudgementRule) and rule.tiers:
        return (
            "；".join(
                f"{t.name}，{fmt_points(t.min_ratio * weight)}–{fmt_points(t.max_ratio * weight)}分" for t in rule.tiers
            )
            + "；须写明理由。"
        )
    if isinstance(rule, JudgementRule):
        return f"由评价人在0–{w}分之间评定，须写明理由。"
    return f"是，计{w}分；否，不得分。"
