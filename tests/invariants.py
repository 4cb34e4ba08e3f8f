"""What every scorecard must satisfy, whatever the input (issue 12 "Keep it so").

score ≤ effective weight (and ≥ 0); an inner node is the sum of its children (an ``alternatives``
node its chosen child); base is the sum of the top level; the total lies in [0, cap], is only given
without errors, and its grade is the one the table's bands give it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from jixiao.core.model import Framework, Indicator, Scorecard, Severity

ZERO = Decimal(0)


def check_scorecard(framework: Framework, card: Scorecard) -> None:
    """Assert the invariants of one scorecard of ``framework``."""
    for node, _ in framework.walk():
        result = card.indicator(node.id)
        if result.score is not None:
            assert ZERO <= result.score <= result.effective_weight, (node.id, result.score, result.effective_weight)
        if not node.is_leaf:
            _check_parent(card, node)
    tops = [card.indicator(n.id).score for n in framework.indicators]
    if card.base is not None:
        assert None not in tops and card.base == sum(tops, ZERO), (card.base, tops)
    errors = any(i.severity is Severity.ERROR for i in card.issues)
    if errors:
        assert (card.base, card.total, card.grade) == (None, None, None)
    if card.total is not None:
        assert ZERO <= card.total <= framework.cap, card.total
        assert card.grade == grade_of(framework, card.total), (card.total, card.grade)


def _check_parent(card: Scorecard, node: Indicator) -> None:
    result = card.indicator(node.id)
    children = [card.indicator(c.id) for c in node.children]
    if node.alternatives:
        chosen = [c for c in children if c.score is not None]
        assert result.score is None or [result.score] == [c.score for c in chosen], node.id
    elif result.score is not None:
        assert None not in [c.score for c in children]
        assert result.score == sum((c.score for c in children if c.score is not None), ZERO), node.id


def grade_of(framework: Framework, total: Decimal) -> str:
    return next(band.grade for band in framework.grades if total >= band.min)


def check_score_json(data: dict[str, Any]) -> None:
    """The invariants that the score JSON (formats §4) shows: scores within weights, a grade only with
    a total, no total with errors."""
    for row in data["indicators"]:
        if row["score"] is not None:
            assert 0 <= row["score"] <= row["effective_weight"] + 1e-9, row
    errors = [i for i in data["issues"] if i["severity"] == "error"]
    if errors:
        assert (data["base"], data["total"], data["grade"]) == (None, None, None)
    assert (data["total"] is None) == (data["grade"] is None)
