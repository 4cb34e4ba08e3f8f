"""The total: base + bonus − penalty, clamped to the cap, lowered by conditional caps, graded.

The sentence that explains the total is written when first read (``model.Wording``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from .expr import Unavailable, Value, evaluate
from .model import Evaluation, Framework, IndicatorResult, Issue, Item, Scorecard, Section, Severity, Wording
from .numbers import ZERO, clamp, fmt_points, q2

Lookup = Callable[[str], "Value | Unavailable"]


@dataclass(frozen=True, slots=True)
class TotalsInput:
    framework: Framework
    evaluation: Evaluation
    results: list[IndicatorResult]
    base: Decimal | None
    data: Lookup
    ref: Lookup


def grade_of(framework: Framework, total: Decimal) -> str:
    """The grade band the total falls in (lower bounds inclusive, highest first)."""
    for band in framework.grades:
        if total >= band.min:
            return band.grade
    return framework.grades[-1].grade


def _points(section: Section, items: tuple[Item, ...]) -> tuple[Decimal, Decimal]:
    """The points the items of a bonus or penalty section add up to, and what counts (up to its max)."""
    raw = q2(sum([item.points for item in items], ZERO))
    return raw, (raw if section.max is None or raw <= section.max else section.max)


def _section(name: str, section: Section | None, items: tuple[Item, ...], file: str, issues: list[Issue]) -> Decimal:
    """The points a bonus or penalty section adds or takes, up to its maximum."""
    if not items:
        return ZERO
    if section is None:
        what = "加分项" if name == "bonus" else "减分项"
        issues.append(Issue(Severity.ERROR, "section-missing", name, f"评分表没有{what}，不能填报 {name}", file))
        return ZERO
    return _points(section, items)[1]


def _section_text(section: Section | None, items: tuple[Item, ...]) -> str:
    if section is None or not items:
        return ""
    raw, amount = _points(section, items)
    text = f"{section.name}{fmt_points(raw)}分"
    if amount != raw:
        text += f"（超过上限{fmt_points(amount)}分，按{fmt_points(amount)}分计）"
    return text


def _caps(inp: TotalsInput, total: Decimal, parts: list[str], issues: list[Issue]) -> Decimal:
    for i, cap in enumerate(inp.framework.caps):
        held = evaluate(cap.when, inp.data, inp.ref)
        if isinstance(held, Unavailable):
            issues.append(
                Issue(
                    Severity.WARNING,
                    "cap-unavailable",
                    f"caps[{i}].when",
                    f"封顶条件“{cap.when_text}”无法判断（{'；'.join(held.reasons)}），已跳过",
                    inp.framework.file,
                )
            )
        elif held and total > cap.max:
            parts.append(f"因“{cap.when_text}”成立，总分不超过{fmt_points(cap.max)}分，按{fmt_points(cap.max)}分计")
            total = cap.max
    return total


def _explain_total(
    fw: Framework,
    ev: Evaluation,
    base: Decimal,
    raw: Decimal,
    clamped: Decimal,
    caps: list[str],
    grade: str,
    total: Decimal,
) -> str:
    """指标得分合计…；加分项…；合计…，超过满分，按…分计；因…成立…；总分…，等级“…”."""
    parts = [f"指标得分合计{fmt_points(base)}分"]
    parts += [t for t in (_section_text(fw.bonus, ev.bonus), _section_text(fw.penalty, ev.penalty)) if t]
    parts += [note] if (note := clamp_note(raw, fw.cap)) else []
    return "；".join([*parts, *caps, f"总分{fmt_points(total)}分，等级“{grade}”"])


def clamp_note(raw: Decimal, cap: Decimal) -> str:
    """合计…分，超过满分（低于0分），按…分计 — or "" when the sum needs no clamping."""
    clamped = clamp(raw, ZERO, cap)
    if clamped == raw:
        return ""
    return f"合计{fmt_points(raw)}分，{'超过满分' if raw > cap else '低于0分'}，按{fmt_points(clamped)}分计"


def _has_error(issues: list[Issue]) -> bool:
    return any([issue.severity is Severity.ERROR for issue in issues])


def total_of(inp: TotalsInput, issues: list[Issue]) -> Scorecard:
    """Finish the scorecard: totals, caps, grade; null totals when there is an error."""
    fw, ev = inp.framework, inp.evaluation
    bonus = _section("bonus", fw.bonus, ev.bonus, ev.file, issues)
    penalty = _section("penalty", fw.penalty, ev.penalty, ev.file, issues)
    base = inp.base if inp.base is not None else ZERO
    raw = base + bonus - penalty
    clamped = clamp(raw, ZERO, fw.cap)
    caps: list[str] = []
    total = _caps(inp, clamped, caps, issues) if fw.caps else clamped
    failed = inp.base is None or _has_error(issues)
    grade = grade_of(fw, total)
    wording = Wording(_explain_total, fw, ev, base, raw, clamped, caps, grade, total)
    return Scorecard(
        framework_id=fw.id,
        framework_version=fw.version,
        framework_sha256=fw.sha256,
        framework_name=fw.name,
        unit=ev.unit.name,
        year=ev.year,
        indicators=tuple(inp.results),
        issues=tuple(issues),
        base=None if failed else base,
        bonus=bonus,
        penalty=penalty,
        total=None if failed else total,
        grade=None if failed else grade,
        total_wording="" if failed else wording,
        raw_total=None if failed else raw,
        cap_notes=() if failed else tuple(caps),
    )
