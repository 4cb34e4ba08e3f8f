"""One small function per rule type (formats §1), checked against the wording of real tables."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.core import rules
from jixiao.core.model import (
    Band,
    BandsRule,
    CategoricalRule,
    ChecklistItem,
    ChecklistRule,
    JudgementRule,
    Option,
    PerOccurrenceRule,
    ProportionalRule,
    ThresholdRule,
    Tier,
)

D = Decimal


def frac(outcome: rules.Outcome) -> Decimal:
    assert outcome.fraction is not None, outcome.phrase
    return outcome.fraction


def test_proportional_76_percent_of_10_scores_7_6() -> None:
    # "按完成比例计算得分,满分为止。" (执行率 76%, 权重 10 → 7.6)
    outcome = rules.proportional(ProportionalRule(D(100)), D(76), "%")
    assert frac(outcome) * 10 == D("7.6")
    assert "按比例" in outcome.phrase


@pytest.mark.parametrize(("value", "expected"), [(D(100), D(1)), (D(120), D(1)), (D(-5), D(0)), (D(0), D(0))])
def test_proportional_higher_is_clamped(value: Decimal, expected: Decimal) -> None:
    assert frac(rules.proportional(ProportionalRule(D(100)), value, "%")) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(D(80), D(1)), (D(100), D(1)), (D(0), D(1)), (D(-3), D(1)), (D(125), D("0.8"))]
)
def test_proportional_lower(value: Decimal, expected: Decimal) -> None:
    assert frac(rules.proportional(ProportionalRule(D(100), "lower"), value, "%")) == expected


STAFF = ThresholdRule(standard=D(100), per=D("0.5"))  # "≦100%,计5分;每超过一个百分点扣0.5分,扣完为止。"


@pytest.mark.parametrize(
    ("value", "score"),
    [(D("76.67"), D(5)), (D(100), D(5)), (D(102), D(4)), (D("101.5"), D("4.25")), (D(110), D(0)), (D(150), D(0))],
)
def test_threshold_deduction_per_point(value: Decimal, score: Decimal) -> None:
    assert frac(rules.threshold(STAFF, value, D(5), "%")) * 5 == score


def test_threshold_steps_floor_and_ceil() -> None:
    floor = ThresholdRule(standard=D(100), per=D(1), steps="floor")
    ceil = ThresholdRule(standard=D(100), per=D(1), steps="ceil")
    assert frac(rules.threshold(floor, D("102.5"), D(5), "%")) * 5 == D(3)
    assert frac(rules.threshold(ceil, D("102.5"), D(5), "%")) * 5 == D(2)
    assert frac(rules.threshold(ceil, D("100.01"), D(5), "%")) * 5 == D(4)


def test_threshold_min_direction_and_step() -> None:
    rule = ThresholdRule(standard=D(90), per=D(1), direction="min", step=D(5), steps="ceil")
    assert frac(rules.threshold(rule, D(95), D(4), "%")) == 1
    assert frac(rules.threshold(rule, D(87), D(4), "%")) * 4 == D(3)
    assert frac(rules.threshold(rule, D(84), D(4), "%")) * 4 == D(2)
    outcome = rules.threshold(rule, D(10), D(4), "%")
    assert frac(outcome) == 0
    assert "扣完为止" in outcome.phrase


KEY_SPENDING = BandsRule(
    (  # "≥90%,计5分;80%(含)-90%,计4分;70%(含)-80%,计3分;60%(含)-70%,计2分;低于60%不得分。"
        Band(D(90), None, score=D(5)),
        Band(D(80), D(90), max_inclusive=False, score=D(4)),
        Band(D(70), D(80), max_inclusive=False, score=D(3)),
        Band(D(60), D(70), max_inclusive=False, score=D(2)),
        Band(None, D(60), max_inclusive=False, score=D(0)),
    )
)


@pytest.mark.parametrize(
    ("value", "score"),
    [(D(95), 5), (D(90), 5), (D("89.99"), 4), (D(80), 4), (D(75), 3), (D(60), 2), (D("59.99"), 0), (D(-10), 0)],
)
def test_bands(value: Decimal, score: int) -> None:
    assert frac(rules.bands(KEY_SPENDING, value, D(5), "%")) * 5 == score


def test_bands_ratio_and_value_in_no_band() -> None:
    rule = BandsRule((Band(D(0), D(50), ratio=D("0.5")), Band(D(50), D(100), min_inclusive=False, ratio=D(1))))
    assert frac(rules.bands(rule, D(20), D(4), "%")) == D("0.5")
    outcome = rules.bands(rule, D(150), D(4), "%")
    assert outcome.fraction is None
    assert outcome.code == "band-missing"


def test_band_text_reads_like_a_notice() -> None:
    assert rules.band_text(Band(D(80), D(90), max_inclusive=False), "%") == "80%（含）-90%"
    assert rules.band_text(Band(D(90), None), "%") == "≥90%"
    assert rules.band_text(Band(None, D(60), max_inclusive=False), "%") == "低于60%"


SYSTEMS = ChecklistRule(
    (  # "①已制定…,1分; ②相关管理制度合法、合规、完整,1分; ③相关管理制度得到有效执行,1分。"
        ChecklistItem("已制定相关管理制度", D(1)),
        ChecklistItem("相关管理制度合法、合规、完整", D(1)),
        ChecklistItem("相关管理制度得到有效执行", D(1)),
    )
)


def test_checklist() -> None:
    assert frac(rules.checklist(SYSTEMS, (0, 1, 2), D(3))) == 1
    outcome = rules.checklist(SYSTEMS, (0, 2), D(3))
    assert frac(outcome) * 3 == 2
    assert "①③" in outcome.phrase
    assert "合法、合规、完整" in outcome.phrase
    assert frac(rules.checklist(SYSTEMS, (), D(3))) == 0


def test_checklist_points_beyond_weight_are_capped_and_indices_checked() -> None:
    assert frac(rules.checklist(SYSTEMS, (0, 1, 2), D(2))) == 1
    outcome = rules.checklist(SYSTEMS, (0, 3), D(3))
    assert outcome.code == "index-out-of-range"


@pytest.mark.parametrize(("count", "score"), [(0, D(3)), (1, D(2)), (3, D(0)), (7, D(0))])
def test_per_occurrence(count: int, score: Decimal) -> None:
    # "以上情况每出现一例不符合要求的扣1分,扣完为止。"
    assert frac(rules.per_occurrence(PerOccurrenceRule(D(1)), D(count), D(3))) * 3 == score


def test_yes_no() -> None:
    assert frac(rules.yes_no(True)) == 1
    assert frac(rules.yes_no(False)) == 0


def test_categorical() -> None:
    # "无结余,3分;有结余,但不超过上年结转,2分;结余超过上年结转,不得分。"
    rule = CategoricalRule(
        (Option("无结余", D(3)), Option("有结余，但不超过上年结转", D(2)), Option("结余超过上年结转", D(0)))
    )
    assert frac(rules.categorical(rule, 1, D(3))) * 3 == 2
    assert "不超过上年结转" in rules.categorical(rule, 1, D(3)).phrase
    assert rules.categorical(rule, 3, D(3)).code == "index-out-of-range"


TIERS = JudgementRule(
    (Tier("达成", D("0.8"), D(1)), Tier("部分达成", D("0.6"), D("0.8")), Tier("未达成", D(0), D("0.6")))
)


def test_judgement_tiers() -> None:
    assert frac(rules.judgement(TIERS, D(8), "达成", D(10))) == D("0.8")
    assert "部分达成" in rules.judgement(TIERS, D(7), None, D(10)).phrase
    wrong = rules.judgement(TIERS, D(9), "部分达成", D(10))
    assert wrong.code == "tier-mismatch"
    assert "部分达成" in wrong.phrase
    assert rules.judgement(TIERS, D(9), "优秀", D(10)).code == "tier-mismatch"


def test_judgement_without_tiers_is_score_over_effective_weight() -> None:
    assert frac(rules.judgement(JudgementRule(), D(3), None, D(6))) == D("0.5")
