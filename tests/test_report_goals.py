"""The report's 绩效目标 section: each goal, then the table of its 绩效指标 with kind, 年初目标值,
实际完成值 and whether each was reached, and how many were reached (issue 13)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from conftest import EXAMPLES
from jixiao.core.model import Goal, GoalIndicator
from jixiao.documents.build import build_report
from jixiao.documents.md import to_markdown
from jixiao.documents.model import Table
from jixiao.services.documents import prepare

D = Decimal


def test_goals_are_reported_as_a_table_with_what_was_reached() -> None:
    _, source, why = prepare(EXAMPLES / "lechang-2023.yaml")
    assert source is not None, why
    goals = (
        Goal(
            "强化服务保障",
            (
                GoalIndicator("办理上级会议", D(500), D(515), "场次", "数量"),
                GoalIndicator("公文差错率", D(1), D(3), "%", "质量", "lower"),
                GoalIndicator("办结时限", "按期完成", "按期完成", "", "时效"),
            ),
        ),
    )
    source = dataclasses.replace(source, evaluation=dataclasses.replace(source.evaluation, goals=goals))
    report = build_report(source)
    tables = [b for b in report.blocks if isinstance(b, Table) and "绩效目标完成情况表" in b.caption]
    assert len(tables) == 1
    rows = [row.cells for row in tables[0].rows]
    assert rows == [
        ("强化服务保障", "办理上级会议", "数量指标", "500场次", "515场次", "是"),
        ("强化服务保障", "公文差错率", "质量指标", "1%", "3%", "否"),
        ("强化服务保障", "办结时限", "时效指标", "按期完成", "按期完成", "是"),
    ]
    text = to_markdown(report)
    assert "以上绩效指标共3个，达到年初目标值的2个，未达到的1个。" in text


def test_goals_without_indicators_read_as_before() -> None:
    _, source, why = prepare(EXAMPLES / "lechang-2023.yaml")
    assert source is not None, why
    report = build_report(source)
    assert not [b for b in report.blocks if isinstance(b, Table) and "绩效目标完成情况表" in b.caption]
