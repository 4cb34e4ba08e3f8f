"""Read and validate one leaf's `rule:` mapping (formats §1 rule types and their keys)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from itertools import pairwise
from typing import Any

from ..core.model import (
    RULE_TYPES,
    Band,
    BandsRule,
    CategoricalRule,
    ChecklistItem,
    ChecklistRule,
    JudgementRule,
    Option,
    PerOccurrenceRule,
    ProportionalRule,
    Rule,
    ThresholdRule,
    Tier,
    YesNoRule,
)
from ..core.numbers import ONE, ZERO, fmt_points
from ..core.rules import band_text
from .reading import Reader, key_path

RULE_KEYS: Mapping[str, tuple[str, ...]] = {
    "proportional": ("target", "direction"),
    "threshold": ("standard", "direction", "per", "step", "steps"),
    "bands": ("bands",),
    "checklist": ("items",),
    "per_occurrence": ("per",),
    "yes_no": (),
    "categorical": ("options",),
    "judgement": ("tiers",),
}


def read_rule(r: Reader, raw: Any, path: str, weight: Decimal) -> Rule | None:
    """Parse ``raw`` (the rule mapping at ``path``) for a leaf of ``weight``; None on error."""
    rule = r.mapping(raw, path)
    if rule is None:
        return None
    kind = r.get(rule, "type", path, "text", required=True)
    if kind is None:
        return None
    if kind not in RULE_TYPES:
        r.error(
            "rule-type-unknown", key_path(path, "type"), f"未知的评分规则类型“{kind}”（可用：{'、'.join(RULE_TYPES)}）"
        )
        return None
    r.unknown_keys(rule, ("type", "text", *RULE_KEYS[kind]), path, "error", f"（{kind} 规则）")
    return _READERS[kind](r, rule, path, weight)


def _choice(r: Reader, rule: Mapping[str, Any], key: str, path: str, options: tuple[str, ...]) -> str:
    value = r.get(rule, key, path, "text", default=options[0])
    if value not in options:
        r.error(
            "rule-key-type", key_path(path, key), f"{key_path(path, key)} 应为 {' 或 '.join(options)}，实为“{value}”"
        )
        return options[0]
    return str(value)


def _positive(
    r: Reader,
    rule: Mapping[str, Any],
    key: str,
    path: str,
    required: bool = True,
    default: Decimal | None = None,
    allow_zero: bool = False,
) -> Decimal | None:
    value: Decimal | None = r.get(rule, key, path, "decimal", required=required, default=default)
    if value is not None and (value < 0 or (value == 0 and not allow_zero)):
        r.error("rule-key-type", key_path(path, key), f"{key_path(path, key)} 应大于0，实为{value}")
        return None
    return value


def _proportional(r: Reader, rule: Mapping[str, Any], path: str, weight: Decimal) -> Rule | None:
    target = _positive(r, rule, "target", path)
    direction = _choice(r, rule, "direction", path, ("higher", "lower"))
    return None if target is None else ProportionalRule(target, direction)  # type: ignore[arg-type]


def _threshold(r: Reader, rule: Mapping[str, Any], path: str, weight: Decimal) -> Rule | None:
    standard = r.get(rule, "standard", path, "decimal", required=True)
    per = _positive(r, rule, "per", path)
    step = _positive(r, rule, "step", path, required=False, default=ONE)
    direction = _choice(r, rule, "direction", path, ("max", "min"))
    steps = _choice(r, rule, "steps", path, ("exact", "floor", "ceil"))
    if standard is None or per is None or step is None:
        return None
    return ThresholdRule(standard, per, direction, step, steps)  # type: ignore[arg-type]


def _band(r: Reader, raw: Any, path: str, weight: Decimal) -> Band | None:
    band = r.mapping(raw, path)
    if band is None:
        return None
    r.unknown_keys(band, ("min", "max", "min_inclusive", "max_inclusive", "score", "ratio", "text"), path, "error")
    low, high = r.get(band, "min", path, "decimal"), r.get(band, "max", path, "decimal")
    score, ratio = r.get(band, "score", path, "decimal"), r.get(band, "ratio", path, "decimal")
    if (score is None) == (ratio is None):
        r.error("rule-key-missing", path, f"{path} 须有 score 或 ratio 之一（不能都有，也不能都没有）")
        return None
    if score is not None and not ZERO <= score <= weight:
        r.error(
            "score-over-weight",
            key_path(path, "score"),
            f"{key_path(path, 'score')}={fmt_points(score)} 超出 0 至分值{fmt_points(weight)}分",
        )
    if ratio is not None and not ZERO <= ratio <= ONE:
        r.error("rule-key-type", key_path(path, "ratio"), f"{key_path(path, 'ratio')} 应在 0 至 1 之间")
    low_in = r.get(band, "min_inclusive", path, "bool", default=True)
    high_in = r.get(band, "max_inclusive", path, "bool", default=True)
    if low is not None and high is not None and (low > high or (low == high and not (low_in and high_in))):
        r.error("band-empty", path, f"{path} 的范围（{low}–{high}）不含任何值")
    return Band(low, high, low_in, high_in, score, ratio)


def check_bands(r: Reader, bands: list[Band], path: str) -> None:
    """Bands that overlap, or leave a gap between them that a value could fall in, are errors;
    a lowest band with a ``min`` or a highest band with a ``max`` leaves values outside: a warning."""
    ordered = sorted(enumerate(bands), key=lambda ib: (ib[1].min is not None, ib[1].min or ZERO))
    sound = True
    for (i, a), (j, b) in pairwise(ordered):
        pair = f"{path}[{i}]（{band_text(a, '')}）与 {path}[{j}]（{band_text(b, '')}）"
        if a.max is None or b.min is None or a.max > b.min or (a.max == b.min and a.max_inclusive and b.min_inclusive):
            r.error("band-overlap", path, f"分档重叠：{pair}")
            sound = False
        elif a.max < b.min or (not a.max_inclusive and not b.min_inclusive):
            r.error("band-gap", path, f"分档之间有空档：{pair}，落在其间的值无法计分")
            sound = False
    if sound:
        _check_ends(r, ordered[0], ordered[-1], path)


def _check_ends(r: Reader, lowest: tuple[int, Band], highest: tuple[int, Band], path: str) -> None:
    (i, low), (j, high) = lowest, highest
    if low.min is not None:
        below = "低于" if low.min_inclusive else "不高于"
        r.warn(
            "band-uncovered",
            f"{path}[{i}].min",
            f"最低一档（{band_text(low, '')}）之下没有分档：{below}{fmt_points(low.min)}的值评分时将无法计分；"
            "如应覆盖，请去掉该档的 min",
        )
    if high.max is not None:
        above = "高于" if high.max_inclusive else "不低于"
        r.warn(
            "band-uncovered",
            f"{path}[{j}].max",
            f"最高一档（{band_text(high, '')}）之上没有分档：{above}{fmt_points(high.max)}的值评分时将无法计分；"
            "如应覆盖，请去掉该档的 max",
        )


def _bands(r: Reader, rule: Mapping[str, Any], path: str, weight: Decimal) -> Rule | None:
    raw = r.get(rule, "bands", path, "list", required=True)
    if not raw:
        if raw is not None:
            r.error("rule-key-missing", key_path(path, "bands"), f"{key_path(path, 'bands')} 不能为空")
        return None
    bands = [_band(r, b, f"{key_path(path, 'bands')}[{i}]", weight) for i, b in enumerate(raw)]
    if any(b is None for b in bands):
        return None
    if not any(b.min is not None and b.max is not None and b.min > b.max for b in bands if b is not None):
        check_bands(r, [b for b in bands if b is not None], key_path(path, "bands"))
    return BandsRule(tuple(b for b in bands if b is not None))


def _entries(
    r: Reader, rule: Mapping[str, Any], key: str, path: str, points_key: str, weight: Decimal
) -> list[tuple[str, Decimal]] | None:
    raw = r.get(rule, key, path, "list", required=True)
    if not raw:
        if raw is not None:
            r.error("rule-key-missing", key_path(path, key), f"{key_path(path, key)} 不能为空")
        return None
    out: list[tuple[str, Decimal]] = []
    for i, item in enumerate(raw):
        where = f"{key_path(path, key)}[{i}]"
        entry = r.mapping(item, where)
        if entry is None:
            continue
        r.unknown_keys(entry, ("text", points_key), where, "error")
        text = r.get(entry, "text", where, "text", required=True)
        points = r.get(entry, points_key, where, "decimal", required=True)
        if points is not None and not ZERO <= points <= weight:
            r.error(
                "score-over-weight",
                key_path(where, points_key),
                f"{key_path(where, points_key)}={fmt_points(points)} 超出 0 至分值{fmt_points(weight)}分",
            )
        if text is not None and points is not None:
            out.append((text, points))
    return out if len(out) == len(raw) else None


def _checklist(r: Reader, rule: Mapping[str, Any], path: str, weight: Decimal) -> Rule | None:
    items = _entries(r, rule, "items", path, "points", weight)
    if items is None:
        return None
    total = sum((p for _, p in items), ZERO)
    if total < weight:
        r.error(
            "checklist-short",
            key_path(path, "items"),
            f"各项分数合计{fmt_points(total)}分，达不到分值{fmt_points(weight)}分",
        )
    return ChecklistRule(tuple(ChecklistItem(t, p) for t, p in items))


def _per_occurrence(r: Reader, rule: Mapping[str, Any], path: str, weight: Decimal) -> Rule | None:
    per = _positive(r, rule, "per", path)
    return None if per is None else PerOccurrenceRule(per)


def _categorical(r: Reader, rule: Mapping[str, Any], path: str, weight: Decimal) -> Rule | None:
    options = _entries(r, rule, "options", path, "score", weight)
    return None if options is None else CategoricalRule(tuple(Option(t, s) for t, s in options))


def _judgement(r: Reader, rule: Mapping[str, Any], path: str, weight: Decimal) -> Rule | None:
    raw = r.get(rule, "tiers", path, "list", default=[])
    tiers: list[Tier] = []
    for i, item in enumerate(raw):
        where = f"{key_path(path, 'tiers')}[{i}]"
        tier = r.mapping(item, where)
        if tier is None:
            continue
        r.unknown_keys(tier, ("name", "min_ratio", "max_ratio"), where, "error")
        name = r.get(tier, "name", where, "text", required=True)
        low = r.get(tier, "min_ratio", where, "decimal", required=True)
        high = r.get(tier, "max_ratio", where, "decimal", required=True)
        if low is not None and high is not None and not ZERO <= low <= high <= ONE:
            r.error(
                "rule-key-type", where, f"{where} 的比例应满足 0 ≤ min_ratio ≤ max_ratio ≤ 1（为分值的比例，如 0.8）"
            )
        elif name is not None and any(t.name == name for t in tiers):
            r.error("tier-duplicate", where, f"档次名称“{name}”重复出现，同一指标的档次名称须唯一")
        elif name is not None and low is not None and high is not None:
            tiers.append(Tier(name, low, high))
    return JudgementRule(tuple(tiers))


def _yes_no(r: Reader, rule: Mapping[str, Any], path: str, weight: Decimal) -> Rule | None:
    return YesNoRule()


_READERS: Mapping[str, Callable[[Reader, Mapping[str, Any], str, Decimal], Rule | None]] = {
    "proportional": _proportional,
    "threshold": _threshold,
    "bands": _bands,
    "checklist": _checklist,
    "per_occurrence": _per_occurrence,
    "yes_no": _yes_no,
    "categorical": _categorical,
    "judgement": _judgement,
}
