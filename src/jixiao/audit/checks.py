"""What reviewers look for. CHECKS is a plain list of small functions (Document, Extracted) -> findings.

What a report explains is not a fault: a weight transfer it states, a total capped at 100 after a
bonus, a known formula variant. Heuristic checks (ratios stated in words) give warnings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal

from . import patterns as p
from .check_base import GRADES, _f, fmt_plain
from .check_figures import figure_conflicts, missing_figures, relations, sentence_sums
from .check_ratios import formula_ratios, verbal_ratios
from .check_structure import count_parts, counts, empty_sections, numbering, sections_present, unit_names, years
from .model import Document, Extracted, Finding, IndicatorScore

Check = Callable[[Document, Extracted], list[Finding]]

# --------------------------------------------------------------------------- scores


def scores_over_weight(doc: Document, found: Extracted) -> list[Finding]:
    moved = found.transfers
    out = []
    for item in found.indicator_scores:
        if item.weight is None or item.score <= item.weight:
            continue
        allowed = item.weight + moved.get(item.name, Decimal(0))
        if item.score <= allowed:
            continue
        out.append(
            _f(
                "error",
                "score-over-weight",
                f"“{item.name}”得分{fmt_plain(item.score)}分超过分值{fmt_plain(item.weight)}分，且报告未说明分值调整",
                item.quote,
                item.line,
            )
        )
    return out


def table_scores_over_weight(doc: Document, found: Extracted) -> list[Finding]:
    """A 评分表 row scored above its weight, unless the report moves points to it (in prose or in the row)."""
    moved = found.transfers
    stated = {(s.name, s.score) for s in found.indicator_scores}  # said in the text too: reported once
    out = []
    for row in found.table_scores:
        if row.weight is None or row.score <= row.weight or (row.name, row.score) in stated:
            continue
        if row.score <= row.weight + max(moved.get(row.name, Decimal(0)), _moved_in_row(row.quote)):
            continue
        what = f"评分表中“{row.name}”得分{fmt_plain(row.score)}分超过分值{fmt_plain(row.weight)}分"
        out.append(_f("error", "score-over-weight", f"{what}，且报告未说明分值调整", row.quote[:120], row.line))
    return out


def _moved_in_row(row: str) -> Decimal:
    """Points a 评分表 row says were moved to itself ("其3分调整至本指标")."""
    moves = [Decimal(m["points"]) for m in p.TRANSFER.finditer(row) if m["target"] in p.SELF_TARGETS]
    return sum(moves, Decimal(0))


def table_total_matches(doc: Document, found: Extracted) -> list[Finding]:
    """The 总分 row of a 评分表 says what the text says."""
    if found.table_total is None or found.score is None:
        return []
    total, quote, line = found.table_total
    if abs(total - found.score) <= Decimal("0.01"):
        return []
    message = f"评分表总分{fmt_plain(total)}分，正文所写总分为{fmt_plain(found.score)}分，两者不一致"
    return [_f("warning", "total-mismatch", message, quote, line)]


def table_sums(doc: Document, found: Extracted) -> list[Finding]:
    """A 评分表's rows add up to its own 总分/合计 row. An error only when the table was read whole: no row
    skipped and the weights of one level add up to the total's 分值 (or 100); otherwise nothing is claimed."""
    if found.table_total is None or not found.table_scores or found.table_skipped:
        return []
    total, quote, line = found.table_total
    full = found.table_total_weight or Decimal(100)
    for level in sorted({row.level for row in found.table_scores}):
        rows = [row for row in found.table_scores if row.level == level]
        weights = sum((row.weight or Decimal(0) for row in rows), Decimal(0))
        if weights != full:
            continue
        added = sum((row.score for row in rows), Decimal(0))
        if any(abs(min(full, added + adjust) - total) <= Decimal("0.01") for adjust in _adjustments(found, quote)):
            return []
        shown = "+".join(fmt_plain(row.score) for row in rows)
        message = f"评分表各指标得分{shown}={fmt_plain(added)}分，与其合计行{fmt_plain(total)}分不符"
        return [_f("error", "table-sum", message, quote, line)]
    return []


def _adjustments(found: Extracted, quote: str) -> set[Decimal]:
    """What may stand between the indicator scores and a total: nothing, or the bonus/penalty the report
    (or the total row itself: "加分项3.5分") states."""
    bonus = [Decimal(m["points"]) for m in p.BONUS.finditer(quote)] + [found.bonus or Decimal(0)]
    penalty = [Decimal(m["points"]) for m in p.PENALTY.finditer(quote)] + [found.penalty or Decimal(0)]
    return {Decimal(0)} | {b - q for b in bonus for q in penalty}


def total_follows(doc: Document, found: Extracted) -> list[Finding]:
    """The stated total equals min(100, Σ indicator scores + bonus − penalty), for some plausible set of scores.

    Reports that state subtotals as well as leaves are read both ways (all scores, scores of one
    level, scores without the subtotal lines); only when no reading fits is it a fault.
    """
    if found.score is None:
        return []
    quote, line = found.quotes.get("score", ("", 0))
    if found.score > 100:
        return [_f("error", "total-mismatch", f"总分{fmt_plain(found.score)}分超过满分100分", quote, line or None)]
    if len(found.indicator_scores) < 3:
        return []
    adjust = (found.bonus or Decimal(0)) - (found.penalty or Decimal(0))
    readings = _candidate_readings(found)
    sums = [sum((s.score for s in reading), Decimal(0)) for reading in readings]
    if any(abs(min(Decimal(100), max(Decimal(0), s + adjust)) - found.score) <= Decimal("0.01") for s in sums):
        return []
    base = sums[0]
    expected = min(Decimal(100), max(Decimal(0), base + adjust))
    extra = f"+加分{fmt_plain(found.bonus)}" if found.bonus else ""
    extra += f"-减分{fmt_plain(found.penalty)}" if found.penalty else ""
    message = (
        f"各指标得分合计{fmt_plain(base)}{extra}，封顶100分后应为{fmt_plain(expected)}分，"
        f"报告写{fmt_plain(found.score)}分"
    )
    if any(_complete(reading) for reading in readings):
        return [_f("error", "total-mismatch", message, quote, line or None)]
    weights = sum((s.weight or Decimal(0) for s in readings[0]), Decimal(0))
    message += f"（读到的指标分值合计{fmt_plain(weights)}分，不足100分，可能未读全，请核对）"
    return [_f("warning", "total-mismatch", message, quote, line or None)]


def _complete(reading: list[IndicatorScore]) -> bool:
    """Whether a set of indicators is the whole scorecard: every weight read, and they add up to 100."""
    return all(s.weight is not None for s in reading) and sum(
        (s.weight or Decimal(0) for s in reading), Decimal(0)
    ) == Decimal(100)


def _candidate_readings(found: Extracted) -> list[list[IndicatorScore]]:
    scores = found.indicator_scores
    readings = [list(scores), [s for s in scores if not s.subtotal]]
    readings += [[s for s in scores if s.level == level] for level in sorted({s.level for s in scores})]
    return readings


def grade_follows(doc: Document, found: Extracted) -> list[Finding]:
    if found.score is None or found.grade is None:
        return []
    expected = next(g for low, g in GRADES if found.score >= low)
    if expected == found.grade:
        return []
    quote, line = found.quotes.get("grade", ("", 0))
    return [
        _f(
            "error",
            "grade-mismatch",
            f"{fmt_plain(found.score)}分按财政部默认等级应为“{expected}”，报告写“{found.grade}”",
            quote,
            line or None,
        )
    ]


def unreadable(doc: Document, found: Extracted) -> list[Finding]:
    return [_f("error", "unreadable", doc.problem)] if doc.problem else []


CHECKS: list[Check] = [
    unreadable,
    figure_conflicts,
    missing_figures,
    relations,
    sentence_sums,
    formula_ratios,
    verbal_ratios,
    scores_over_weight,
    table_scores_over_weight,
    total_follows,
    table_total_matches,
    table_sums,
    grade_follows,
    numbering,
    empty_sections,
    sections_present,
    years,
    unit_names,
    counts,
    count_parts,
]


def run_checks(doc: Document, found: Extracted, checks: Iterable[Check] = CHECKS) -> list[Finding]:
    if doc.problem and not doc.lines:
        return unreadable(doc, found)
    findings: list[Finding] = []
    seen_sums: set[int | None] = set()
    for check in checks:
        for finding in check(doc, found):
            if finding.code == "sum-mismatch" and finding.line is not None:
                if finding.line in seen_sums:
                    continue  # 支出 = 基本 + 项目 stated in one sentence is one fault, found by two checks
                seen_sums.add(finding.line)
            findings.append(finding)
    return sorted(findings, key=lambda f: (f.line or 0, f.code))
