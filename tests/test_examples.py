"""The seed reports, reconstructed as examples, score the way the reports say (issue #2 §7)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from conftest import EXAMPLES
from jixiao.services.scoring import score_file

D = Decimal


def scored(name: str):  # type: ignore[no-untyped-def]
    result = score_file(EXAMPLES / name)
    assert result.ok, [(i.code, i.path, i.message) for i in result.issues]
    assert result.scorecard is not None
    return result.scorecard


def test_lechang_2023_reproduces_the_report() -> None:
    card = scored("lechang-2023.yaml")
    assert (card.base, card.bonus, card.total, card.grade) == (D(98), D("3.5"), D(100), "优")
    spending = card.indicator("execution.funds.spending_rate")
    assert (spending.weight, spending.effective_weight, spending.score, spending.value) == (D(3), D(6), D(6), D(100))
    legality = card.indicator("execution.funds.transfer_legality")
    assert (legality.applicable, legality.effective_weight, legality.score) == (False, D(0), D(0))
    assert card.indicator("execution.funds.procurement_rate").score == D(0)
    assert card.indicator("execution.funds.procurement_rate").overridden
    assert card.indicator("execution.staffing").value == D("76.67")
    assert "合计101.5分，超过满分，按100分计" in card.total_explanation


ZHANJIANG_RATIOS = {
    "budgeting.preparation.accuracy": "4.26",
    "execution.spending.completion_rate": "97.02",
    "execution.spending.carryover_rate": "2.98",
    "execution.spending.stock_change": "-79.72",
    "execution.spending.procurement_rate": "99.57",
    "execution.assets.utilization": "100",
    "benefit.economy": "94.49",
}


@pytest.mark.parametrize(("indicator_id", "ratio"), ZHANJIANG_RATIOS.items())
def test_zhanjiang_2020_reproduces_the_seven_ratios(indicator_id: str, ratio: str) -> None:
    card = scored("zhanjiang-2020.yaml")
    result = card.indicator(indicator_id)
    assert result.value == D(ratio)
    assert f"={D(ratio):.2f}%" in result.explanation


def test_zhanjiang_2020_writes_the_reports_formula() -> None:
    card = scored("zhanjiang-2020.yaml")
    assert card.indicator("execution.spending.completion_rate").explanation.startswith(
        "支出完成率=单位年度实际支出/财政下达预算数*100%=4276.91万元/（4029.42万元+378.68万元）×100%=97.02%"
    )


def test_lianjiang_2024_scores_without_errors() -> None:
    card = scored("lianjiang-2024.yaml")
    assert card.indicator("budgeting.preparation.accuracy").value == D("16.63")
    assert card.grade == "优"


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_example_scores_cleanly(path: Path) -> None:
    result = score_file(path)
    assert result.ok
    assert not [i for i in result.issues if i.severity.value == "warning"]
