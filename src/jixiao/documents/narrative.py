"""How the unit itself accounts for an indicator in its report.

The scorecard's explanation is written for a reviewer: it says which figures were missing, that an
entered value stood in, that a score was adjusted and what the rule would have given. A unit's
report says what the real reports in ``../shared/seeds`` say: the formula with its figures, the
unit's own reason, the points. This module rewrites one leaf's explanation that way, from the leaf,
its result and the unit's entry; the reviewer's wording stays in the 评分表 explanation and the review.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal

from ..core import explain
from ..core.model import Indicator, IndicatorResult, LeafInput
from ..core.numbers import fmt_points

STAND_IN = "，采用填报值"
OVERRIDE = "；经评审调整为"
_ZERO_DENOMINATOR = re.compile(r"分母“([^”]+)”为零")
_DATA_ID = re.compile(r"（data\.[A-Za-z0-9_]+）")


def reason_of(entry: LeafInput | None) -> str:
    """The unit's reason as a clause: trimmed, without a final full stop."""
    return entry.reason.strip().rstrip("。；;") if entry is not None else ""


def leaf_account(
    leaf: Indicator,
    result: IndicatorResult,
    entry: LeafInput | None,
    movers: Mapping[str, list[Indicator]],
    names: Mapping[str, str],
) -> str:
    """One leaf as the unit's report states it, ending with 。.

    ``movers``: leaf id → the not-applicable leaves whose weight it received; ``names``: indicator
    id → name (for the leaf a weight is moved to).
    """
    if result.score is None:
        return "本项为二者择其一的指标，本单位选择另一项进行考核，本项不计分。"
    if not result.applicable:
        return _not_applicable(leaf, result, entry, names)
    return _applicable(leaf, result, entry, movers.get(leaf.id, []))


def _not_applicable(leaf: Indicator, result: IndicatorResult, entry: LeafInput | None, names: Mapping[str, str]) -> str:
    policy = leaf.not_applicable
    reason = reason_of(entry) if entry is not None and entry.applicable is False else _computed_reason(result, leaf)
    head = f"{reason}，本指标不适用" if reason else "本指标不适用"
    if policy is not None and policy.kind == "move_to":
        target = names.get(policy.target, policy.target)
        return f"{head}，其分值{fmt_points(leaf.weight)}分调整至“{target}”。"
    if policy is not None and policy.kind == "full_marks":
        return f"{head}，按评分表规定计满分，得{fmt_points(result.score or leaf.weight)}分。"
    return f"{head}，按评分表规定不得分。"


def _computed_reason(result: IndicatorResult, leaf: Indicator) -> str:
    """Why a computed leaf has no value (a zero denominator …), in the unit's words."""
    text = result.explanation
    if not text.startswith("不适用："):
        return ""
    why = text[len("不适用：") :].split("；")[0]
    inner = re.fullmatch(r"无法计算（(.*)）", why)
    if inner is None:
        return _DATA_ID.sub("", why)
    causes = [_ZERO_DENOMINATOR.sub(lambda m: f"{m[1]}为零", c) for c in inner[1].split("；")]
    return f"{'，'.join(_DATA_ID.sub('', c) for c in causes)}，无法计算{_metric(leaf)}"


def _metric(leaf: Indicator) -> str:
    """The name of what a leaf's formula computes: 支出完成率 in 支出完成率=…."""
    head = leaf.formula_text.split("=")[0].strip() if "=" in leaf.formula_text else ""
    return head or leaf.name


def _applicable(leaf: Indicator, result: IndicatorResult, entry: LeafInput | None, movers: list[Indicator]) -> str:
    text = result.explanation
    overridden = result.overridden and entry is not None and entry.override is not None
    if overridden:
        cut = text.rfind(OVERRIDE)
        text = text[:cut] if cut >= 0 else text
    parts: list[str] = []
    if STAND_IN in text:
        text = _after_stand_in(text, entry)
        parts += [reason_of(entry), f"{_metric(leaf)}为{_entered(entry, leaf)}"]
    elif leaf.value is not None and "；" in text and not text.startswith(_metric(leaf) + "填报值"):
        formula, text = text.split("；", 1)
        parts.append(formula)
    moved = explain.transfer_in([(m, m.weight) for m in movers]) if movers else ""
    if moved and text.startswith(moved):
        text = text[len(moved) :].lstrip("；")
    if movers:
        sources = "、".join(f"“{m.name}”" for m in movers)
        parts.append(
            f"因{sources}不适用，其分值调整至本指标，本指标分值由{fmt_points(leaf.weight)}分"
            f"调整为{fmt_points(result.effective_weight)}分"
        )
    if overridden:
        parts.append(f"{reason_of(entry)}，自评得{fmt_points(result.score or Decimal(0))}分")
    else:
        parts.append(_scored(text, leaf))
    return "；".join(p for p in parts if p).rstrip("。") + "。"


def _after_stand_in(text: str, entry: LeafInput | None) -> str:
    """What follows the stand-in note ``公式；缺少数据…，采用填报值X（依据：…）``."""
    rest = text[text.index(STAND_IN) + len(STAND_IN) :]
    basis = f"（依据：{entry.reason.strip()}）" if entry is not None and entry.reason.strip() else ""
    at = rest.find(basis) if basis else -1
    if at >= 0:
        return rest[at + len(basis) :].lstrip("；")
    return rest.split("；", 1)[1].lstrip("；") if "；" in rest else ""


def _entered(entry: LeafInput | None, leaf: Indicator) -> str:
    value = entry.value if entry is not None else None
    if isinstance(value, Decimal):
        return explain.value_text(value, leaf.unit)
    return "—"


def _scored(text: str, leaf: Indicator) -> str:
    """The rule's part: the unit's basis, the rule's phrase and the points; a weight scaled after a
    transfer is already said above."""
    text = re.sub(r"，按调整后分值[\d.]+分折算", "", text)
    return text.replace(f"{leaf.name}填报值为", f"{leaf.name}为")
