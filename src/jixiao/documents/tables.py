"""The 数据表 and 评分表 as structured rows: the one scorecard view-model.

The report, the workbook, the terminal table (``jixiao score``) and the web page all show a
scorecard through these rows, so they always agree. Numbers stay ``Decimal`` (the workbook writes
them as numbers and formulas); the ``*_text`` properties are the shared display forms.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from ..core import rules
from ..core.explain import figure
from ..core.fields import STANDARD_FIELDS, used_fields
from ..core.model import Evaluation, Framework, Indicator, IndicatorResult, Scorecard
from ..core.numbers import fmt_points


@dataclass(frozen=True, slots=True)
class DataRow:
    """One figure of the 数据表."""

    id: str
    name: str
    value: Decimal | None
    unit: str


@dataclass(frozen=True, slots=True)
class ScoreRow:
    """One indicator of the 评分表; ``children`` are row indices of its direct children."""

    id: str
    depth: int
    name: str
    weight: Decimal
    effective_weight: Decimal
    score: Decimal | None
    value: Decimal | None
    unit: str
    definition: str
    criteria: str
    explanation: str
    is_leaf: bool
    applicable: bool
    children: tuple[int, ...]
    rule_type: str = ""
    overridden: bool = False

    @property
    def weight_text(self) -> str:
        """分值, with the weight it received (3→6) when a not-applicable sibling's was moved to it."""
        text = fmt_points(self.weight)
        if self.effective_weight != self.weight and self.applicable:
            text += f"→{fmt_points(self.effective_weight)}"
        return text

    @property
    def score_text(self) -> str:
        """得分; ``*`` marks a score set by the unit's override (with its reason in the explanation)."""
        if self.score is None:
            return "—"
        return fmt_points(self.score) + ("*" if self.overridden else "")

    @property
    def value_text(self) -> str:
        return "—" if self.value is None else figure(self.value, self.unit, self.rule_type == "per_occurrence")


@dataclass(frozen=True, slots=True)
class TotalRow:
    kind: Literal["base", "bonus", "penalty", "total"]
    label: str
    value: Decimal | None
    note: str = ""


@dataclass(frozen=True, slots=True)
class ScoreTable:
    rows: tuple[ScoreRow, ...]
    top: tuple[int, ...]  # row indices of the 一级指标
    totals: tuple[TotalRow, ...]
    cap: Decimal
    caps_applied: Decimal | None  # the conditional cap that lowered the total, if any
    grades: tuple[tuple[str, Decimal], ...]
    grade: str | None


def data_rows(evaluation: Evaluation, framework: Framework) -> list[DataRow]:
    """Standard fields given or used by the table (in formats §2 order), then custom ones."""
    rows = []
    for field_id in used_fields(framework, evaluation.data):
        field = STANDARD_FIELDS.get(field_id) or framework.fields.get(field_id)
        name, unit = (field.name, field.unit) if field else (field_id, "")
        rows.append(DataRow(field_id, name, evaluation.data.get(field_id), unit))
    return rows


def criteria_of(node: Indicator) -> str:
    """The table's 评分标准 wording, or the rule described in words."""
    if node.criteria or node.rule is None:
        return node.criteria
    return rules.describe(node.rule, node.weight, node.unit)


def score_table(scorecard: Scorecard, framework: Framework) -> ScoreTable:
    """Every indicator in table order with its children's row indices, and the total rows."""
    results = {r.id: r for r in scorecard.indicators}
    nodes = framework.walk()
    index = {node.id: i for i, (node, _) in enumerate(nodes)}
    rows = tuple(_row(node, depth, results[node.id], index) for node, depth in nodes)
    return ScoreTable(
        rows,
        tuple(index[n.id] for n in framework.indicators),
        _totals(scorecard, framework),
        framework.cap,
        _applied_cap(scorecard),
        tuple((g.grade, g.min) for g in framework.grades),
        scorecard.grade,
    )


def _row(node: Indicator, depth: int, result: IndicatorResult, index: dict[str, int]) -> ScoreRow:
    return ScoreRow(
        node.id,
        depth,
        node.name,
        node.weight,
        result.effective_weight,
        result.score,
        result.value,
        node.unit,
        node.definition,
        criteria_of(node),
        result.explanation,
        node.is_leaf,
        result.applicable,
        tuple(index[c.id] for c in node.children),
        result.rule_type,
        result.overridden,
    )


def _totals(card: Scorecard, framework: Framework) -> tuple[TotalRow, ...]:
    rows = [TotalRow("base", "指标得分合计", card.base)]
    for kind, section, amount in (("bonus", framework.bonus, card.bonus), ("penalty", framework.penalty, card.penalty)):
        if section is not None:
            note = f"上限{fmt_points(section.max)}分" if section.max is not None else ""
            rows.append(TotalRow(kind, section.name, amount, note))
    rows.append(TotalRow("total", "总分", card.total, card.total_explanation))
    return tuple(rows)


def _applied_cap(card: Scorecard) -> Decimal | None:
    """The total when a conditional cap lowered it (the workbook's formula needs it)."""
    return card.total if card.cap_notes else None
