"""The registry of rule kinds: everything one rule type (formats §1) means, in one place.

A ``RuleKind`` says, for one ``rule: {type: …}``: its Chinese name, the model class, the YAML
keys it takes and how they are read and validated (``read``), what the unit enters for it
(``inputs``, ``subject``, the form's ``entry`` and the ``skeleton`` line of ``jixiao init``),
its prepared fraction (``prepare``, the engine's fast path) and its worded outcome
(``outcome``, for errors and explanations), how its 评分标准 reads in words (``describe``),
the items or options it lists (``options``, for the form, the skeleton and exports), and the
expressions it holds (``expressions``, validated with the table's fields).

Adding a rule type: its dataclass in ``model`` (and in the ``Rule`` union), its arithmetic in
``rules``, and one ``RuleKind`` here; ``tests/test_kinds.py`` checks that every behaviour covers
every kind. The engine reads a kind's input through its ``subject`` — ``value`` (a computed or
entered number), ``truth`` (true/false), ``count``, ``checked``, ``choice``, ``score`` (a judgement) or
``goals`` (the unit's 绩效指标) — so a new kind over an existing subject touches nothing else.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from typing import Any, Protocol

from . import expr as ex
from . import rules
from .model import (
    GOAL_KINDS,
    Band,
    BandsRule,
    CategoricalRule,
    ChecklistItem,
    ChecklistRule,
    GoalsRule,
    JudgementRule,
    Option,
    PerOccurrenceRule,
    ProportionalRule,
    Rule,
    ThresholdRule,
    Tier,
    YesNoRule,
)
from .numbers import ONE, ZERO, fmt_points


def key_path(parent: str, key: str | int) -> str:
    """Join a key path: data.income_final, indicators[3], inputs["a.b"]."""
    if isinstance(key, int):
        return f"{parent}[{key}]"
    if key.replace("_", "").isalnum() and key.isascii():
        return f"{parent}.{key}" if parent else key
    return f'{parent}["{key}"]'


class RuleReader(Protocol):
    """What reading a rule needs of the table reader (``frameworks.reading.Reader``)."""

    def error(self, code: str, path: str, message: str) -> None: ...

    def warn(self, code: str, path: str, message: str) -> None: ...

    def mapping(self, raw: Any, path: str) -> Mapping[str, Any] | None: ...

    def unknown_keys(
        self, raw: Mapping[str, Any], allowed: Any, path: str, severity: str = "warning", what: str = ""
    ) -> None: ...

    def get(
        self, raw: Mapping[str, Any], key: str, path: str, kind: str, required: bool = False, default: Any = None
    ) -> Any: ...


Read = Callable[[RuleReader, Mapping[str, Any], str, Decimal], "Rule | None"]
Prepare = Callable[[Any, Decimal], "rules.Fraction | None"]
Outcome = Callable[[Any, Any, Decimal, str], rules.Outcome]
Describe = Callable[[Any, Decimal, str], str]
Options = Callable[[Any], tuple[tuple[str, Decimal], ...]]
Expressions = Callable[[Any, str], tuple[tuple[str, ex.Expr], ...]]


@dataclass(frozen=True, slots=True)
class RuleKind:
    """One rule type and all it means (see the module docstring)."""

    type: str
    name_zh: str
    rule: builtins.type[Any]
    keys: tuple[str, ...]  # YAML keys besides type and text
    inputs: frozenset[str]  # input keys it reads, besides reason, applicable and override
    subject: str  # value | truth | count | checked | choice | score | goals
    read: Read
    prepare: Prepare
    outcome: Outcome
    describe: Describe
    entry: Callable[[Any, bool], str]  # (rule, has a value expression) → the form's entry
    skeleton: Callable[[Any], str]  # the input line of a skeleton, "" when nothing is to be entered
    options: Options = lambda rule: ()
    expressions: Expressions = lambda rule, path: ()

    @property
    def needs_value(self) -> bool:
        """Scored from a value (computed or entered): without one the leaf cannot be scored."""
        return self.subject in ("value", "truth", "count")


# --------------------------------------------------------------------------- reading helpers


def _choice(r: RuleReader, rule: Mapping[str, Any], key: str, path: str, options: tuple[str, ...]) -> str:
    value = r.get(rule, key, path, "text", default=options[0])
    if value not in options:
        r.error(
            "rule-key-type", key_path(path, key), f"{key_path(path, key)} 应为 {' 或 '.join(options)}，实为“{value}”"
        )
        return options[0]
    return str(value)


def _positive(
    r: RuleReader,
    rule: Mapping[str, Any],
    key: str,
    path: str,
    required: bool = True,
    default: Decimal | None = None,
) -> Decimal | None:
    value: Decimal | None = r.get(rule, key, path, "decimal", required=required, default=default)
    if value is not None and value <= 0:
        r.error("rule-key-type", key_path(path, key), f"{key_path(path, key)} 应大于0，实为{value}")
        return None
    return value


def _points_within(r: RuleReader, points: Decimal | None, where: str, weight: Decimal) -> None:
    if points is not None and not ZERO <= points <= weight:
        r.error("score-over-weight", where, f"{where}={fmt_points(points)} 超出 0 至分值{fmt_points(weight)}分")


def _list(r: RuleReader, rule: Mapping[str, Any], key: str, path: str) -> list[Any] | None:
    raw = r.get(rule, key, path, "list", required=True)
    if not raw:
        if raw is not None:
            r.error("rule-key-missing", key_path(path, key), f"{key_path(path, key)} 不能为空")
        return None
    return list(raw)


def _condition(r: RuleReader, text: str, path: str) -> ex.Expr | None:
    try:
        parsed = ex.parse(text)
    except ex.ExprError as error:
        r.error("expr-syntax", path, f"条件“{text}”无法解析：{error.message}")
        return None
    if parsed.kind != "bool":
        r.error("expr-kind", path, f"条件“{text}”应为比较或逻辑表达式（如 carryover_end == 0）")
        return None
    return parsed


def _circled(i: int) -> str:
    return rules.CIRCLED[i] if i < len(rules.CIRCLED) else f"({i + 1})"


# --------------------------------------------------------------------------- proportional


def _read_proportional(r: RuleReader, rule: Mapping[str, Any], path: str, weight: Decimal) -> Rule | None:
    target = r.get(rule, "target", path, "decimal", required=True)
    direction = _choice(r, rule, "direction", path, ("higher", "lower"))
    return None if target is None else ProportionalRule(target, direction)  # type: ignore[arg-type]


def _describe_proportional(rule: ProportionalRule, weight: Decimal, unit: str) -> str:
    w, target = fmt_points(weight), f"{fmt_points(rule.target)}{unit}"
    if rule.target == 0:
        side = "不低于" if rule.direction == "higher" else "不高于"
        return f"{side}{target}计{w}分，否则不得分。"
    if rule.direction == "higher":
        return f"达到{target}计{w}分，未达到按比例计分，满分为止。"
    return f"不高于{target}计{w}分，高于的按比例计分。"


def _outcome_proportional(rule: ProportionalRule, value: Decimal, weight: Decimal, unit: str) -> rules.Outcome:
    return rules.proportional(rule, value, unit)


def _value_entry(rule: Any, computed: bool) -> str:
    return "computed" if computed else "value"


def _value_skeleton(rule: Any) -> str:
    return "{value: }"


# --------------------------------------------------------------------------- threshold


def _read_threshold(r: RuleReader, rule: Mapping[str, Any], path: str, weight: Decimal) -> Rule | None:
    standard = r.get(rule, "standard", path, "decimal", required=True)
    per = _positive(r, rule, "per", path)
    step = _positive(r, rule, "step", path, required=False, default=ONE)
    direction = _choice(r, rule, "direction", path, ("max", "min"))
    steps = _choice(r, rule, "steps", path, ("exact", "floor", "ceil"))
    if standard is None or per is None or step is None:
        return None
    return ThresholdRule(standard, per, direction, step, steps)  # type: ignore[arg-type]


def _describe_threshold(rule: ThresholdRule, weight: Decimal, unit: str) -> str:
    side, limit = ("超过", "≤") if rule.direction == "max" else ("低于", "≥")
    step = f"{fmt_points(rule.step)}{unit or '个单位'}"
    rounding = {"floor": "（不足一个不计）", "ceil": "（不足一个按一个计）"}.get(rule.steps, "")
    return (
        f"以{fmt_points(rule.standard)}{unit}为标准，{limit}标准计{fmt_points(weight)}分；每{side}{step}扣"
        f"{fmt_points(rule.per)}分{rounding}，扣完为止。"
    )


def _outcome_threshold(rule: ThresholdRule, value: Decimal, weight: Decimal, unit: str) -> rules.Outcome:
    return rules.threshold(rule, value, weight, unit)


# --------------------------------------------------------------------------- bands


def _read_band(r: RuleReader, raw: Any, path: str, weight: Decimal) -> Band | None:
    band = r.mapping(raw, path)
    if band is None:
        return None
    r.unknown_keys(band, ("min", "max", "min_inclusive", "max_inclusive", "score", "ratio", "text"), path, "error")
    low, high = r.get(band, "min", path, "decimal"), r.get(band, "max", path, "decimal")
    score, ratio = r.get(band, "score", path, "decimal"), r.get(band, "ratio", path, "decimal")
    if (score is None) == (ratio is None):
        r.error("rule-key-missing", path, f"{path} 须有 score 或 ratio 之一（不能都有，也不能都没有）")
        return None
    _points_within(r, score, key_path(path, "score"), weight)
    if ratio is not None and not ZERO <= ratio <= ONE:
        r.error("rule-key-type", key_path(path, "ratio"), f"{key_path(path, 'ratio')} 应在 0 至 1 之间")
    low_in = r.get(band, "min_inclusive", path, "bool", default=True)
    high_in = r.get(band, "max_inclusive", path, "bool", default=True)
    if low is not None and high is not None and (low > high or (low == high and not (low_in and high_in))):
        r.error("band-empty", path, f"{path} 的范围（{low}–{high}）不含任何值")
    return Band(low, high, low_in, high_in, score, ratio)


def is_otherwise(band: Band) -> bool:
    """A band with neither bound: 其他情况, allowed only last."""
    return band.min is None and band.max is None


def check_bands(r: RuleReader, bands: list[Band], path: str) -> None:
    """Bands that overlap, or leave a gap between them that a value could fall in, are errors;
    a lowest band with a ``min`` or a highest band with a ``max`` leaves values outside: a warning.
    A last band without bounds (其他情况) takes every value the others do not: it overlaps
    nothing and closes every gap; a band without bounds anywhere else is an error."""
    for i, band in enumerate(bands[:-1]):
        if is_otherwise(band):
            r.error(
                "band-overlap",
                path,
                f"分档重叠：{key_path(path, i)}（其他情况）与 {key_path(path, i + 1)}；"
                "不写 min 与 max 的“其他情况”一档只能放在最后",
            )
            return
    if len(bands) > 1 and is_otherwise(bands[-1]):
        _check_bounded(r, bands[:-1], path, otherwise=True)
    elif len(bands) > 1 or not is_otherwise(bands[0]):
        _check_bounded(r, bands, path, otherwise=False)


def _check_bounded(r: RuleReader, bands: list[Band], path: str, otherwise: bool) -> None:
    ordered = sorted(enumerate(bands), key=lambda ib: (ib[1].min is not None, ib[1].min or ZERO))
    sound = True
    for (i, a), (j, b) in pairwise(ordered):
        pair = f"{key_path(path, i)}（{rules.band_text(a, '')}）与 {key_path(path, j)}（{rules.band_text(b, '')}）"
        if a.max is None or b.min is None or a.max > b.min or (a.max == b.min and a.max_inclusive and b.min_inclusive):
            r.error("band-overlap", path, f"分档重叠：{pair}")
            sound = False
        elif not otherwise and (a.max < b.min or (not a.max_inclusive and not b.min_inclusive)):
            r.error("band-gap", path, f"分档之间有空档：{pair}，落在其间的值无法计分")
            sound = False
    if sound and not otherwise:
        _check_ends(r, ordered[0], ordered[-1], path)


def _check_ends(r: RuleReader, lowest: tuple[int, Band], highest: tuple[int, Band], path: str) -> None:
    (i, low), (j, high) = lowest, highest
    if low.min is not None:
        below = "低于" if low.min_inclusive else "不高于"
        r.warn(
            "band-uncovered",
            f"{path}[{i}].min",
            f"最低一档（{rules.band_text(low, '')}）之下没有分档：{below}{fmt_points(low.min)}的值评分时将无法计分；"
            "如应覆盖，请去掉该档的 min，或加一档“其他情况”（不写 min 与 max）",
        )
    if high.max is not None:
        above = "高于" if high.max_inclusive else "不低于"
        r.warn(
            "band-uncovered",
            f"{path}[{j}].max",
            f"最高一档（{rules.band_text(high, '')}）之上没有分档：{above}{fmt_points(high.max)}的值评分时将无法计分；"
            "如应覆盖，请去掉该档的 max，或加一档“其他情况”（不写 min 与 max）",
        )


def _read_bands(r: RuleReader, rule: Mapping[str, Any], path: str, weight: Decimal) -> Rule | None:
    raw = _list(r, rule, "bands", path)
    if raw is None:
        return None
    bands = [_read_band(r, b, key_path(key_path(path, "bands"), i), weight) for i, b in enumerate(raw)]
    read = [b for b in bands if b is not None]
    if len(read) != len(bands):
        return None
    if not any(b.min is not None and b.max is not None and b.min > b.max for b in read):
        check_bands(r, read, key_path(path, "bands"))
    return BandsRule(tuple(read))


def _band_points(band: Band, weight: Decimal) -> Decimal:
    return band.score if band.score is not None else (band.ratio or ZERO) * weight


def _describe_bands(rule: BandsRule, weight: Decimal, unit: str) -> str:
    parts = [f"{rules.band_text(b, unit)}，计{fmt_points(_band_points(b, weight))}分" for b in rule.bands]
    return "；".join(parts) + "。"


def _outcome_bands(rule: BandsRule, value: Decimal, weight: Decimal, unit: str) -> rules.Outcome:
    return rules.bands(rule, value, weight, unit)


# --------------------------------------------------------------------------- checklist


def _read_item(r: RuleReader, raw: Any, where: str, weight: Decimal) -> ChecklistItem | None:
    entry = r.mapping(raw, where)
    if entry is None:
        return None
    r.unknown_keys(entry, ("text", "points", "required", "not_applicable"), where, "error")
    text = r.get(entry, "text", where, "text", required=True)
    points = r.get(entry, "points", where, "decimal", required=True)
    _points_within(r, points, key_path(where, "points"), weight)
    required = r.get(entry, "required", where, "bool", default=False)
    credit = entry.get("not_applicable")
    if credit is not None and credit != "full_marks":
        r.error(
            "rule-key-type",
            key_path(where, "not_applicable"),
            f"{key_path(where, 'not_applicable')} 只能为 full_marks（该项不适用时计其分数）",
        )
    if text is None or points is None:
        return None
    return ChecklistItem(text, points, bool(required), credit == "full_marks")


def _read_checklist(r: RuleReader, rule: Mapping[str, Any], path: str, weight: Decimal) -> Rule | None:
    raw = _list(r, rule, "items", path)
    if raw is None:
        return None
    items = [_read_item(r, item, key_path(key_path(path, "items"), i), weight) for i, item in enumerate(raw)]
    read = [item for item in items if item is not None]
    if len(read) != len(items):
        return None
    total = sum((item.points for item in read), ZERO)
    if total < weight:
        r.error(
            "checklist-short",
            key_path(path, "items"),
            f"各项分数合计{fmt_points(total)}分，达不到分值{fmt_points(weight)}分",
        )
    return ChecklistRule(tuple(read))


def _describe_checklist(rule: ChecklistRule, weight: Decimal, unit: str) -> str:
    parts = []
    for i, item in enumerate(rule.items):
        text = f"{_circled(i)}{item.text}，{fmt_points(item.points)}分"
        if item.credit_if_not_applicable:
            text += "（不适用的，计该项分数）"
        if item.required:
            text += "（不符合的，本指标不得分）"
        parts.append(text)
    return "；".join(parts) + "。"


def _outcome_checklist(rule: ChecklistRule, subject: Any, weight: Decimal, unit: str) -> rules.Outcome:
    checked, absent = subject
    return rules.checklist(rule, checked, weight, absent)


def _checklist_skeleton(rule: ChecklistRule) -> str:
    if any(item.credit_if_not_applicable for item in rule.items):
        return "{checked: [], not_applicable: []}"
    return "{checked: []}"


def _checklist_options(rule: ChecklistRule) -> tuple[tuple[str, Decimal], ...]:
    return tuple((item.text, item.points) for item in rule.items)


# --------------------------------------------------------------------------- per occurrence


def _read_per_occurrence(r: RuleReader, rule: Mapping[str, Any], path: str, weight: Decimal) -> Rule | None:
    per = _positive(r, rule, "per", path)
    return None if per is None else PerOccurrenceRule(per)


def _describe_per_occurrence(rule: PerOccurrenceRule, weight: Decimal, unit: str) -> str:
    return f"每出现一次扣{fmt_points(rule.per)}分，扣完为止。"


def _outcome_per_occurrence(rule: PerOccurrenceRule, count: Decimal, weight: Decimal, unit: str) -> rules.Outcome:
    return rules.per_occurrence(rule, count, weight)


# --------------------------------------------------------------------------- yes / no


def _read_yes_no(r: RuleReader, rule: Mapping[str, Any], path: str, weight: Decimal) -> Rule | None:
    return YesNoRule()


def _describe_yes_no(rule: YesNoRule, weight: Decimal, unit: str) -> str:
    return f"是，计{fmt_points(weight)}分；否，不得分。"


def _outcome_yes_no(rule: YesNoRule, value: bool, weight: Decimal, unit: str) -> rules.Outcome:
    return rules.yes_no(value)


# --------------------------------------------------------------------------- categorical


def _read_option(r: RuleReader, raw: Any, where: str, weight: Decimal) -> Option | None:
    entry = r.mapping(raw, where)
    if entry is None:
        return None
    r.unknown_keys(entry, ("text", "score", "when"), where, "error")
    text = r.get(entry, "text", where, "text", required=True)
    score = r.get(entry, "score", where, "decimal", required=True)
    _points_within(r, score, key_path(where, "score"), weight)
    when_text = r.get(entry, "when", where, "text", default="")
    when = _condition(r, when_text, key_path(where, "when")) if when_text else None
    if text is None or score is None or (when_text and when is None):
        return None
    return Option(text, score, when, when_text)


def _read_categorical(r: RuleReader, rule: Mapping[str, Any], path: str, weight: Decimal) -> Rule | None:
    raw = _list(r, rule, "options", path)
    if raw is None:
        return None
    options = [_read_option(r, item, key_path(key_path(path, "options"), i), weight) for i, item in enumerate(raw)]
    read = [o for o in options if o is not None]
    if len(read) != len(options):
        return None
    if any(o.when is not None for o in read):
        for i, option in enumerate(read[:-1]):
            if option.when is None:
                where = key_path(key_path(path, "options"), i)
                r.error(
                    "rule-key-missing",
                    key_path(where, "when"),
                    f"按条件选择的各项须有 when，只有最后一项（其他情况）可以不写：{where}",
                )
        if read[-1].when is not None:
            r.warn(
                "option-uncovered",
                key_path(path, "options"),
                "各项条件都不成立时无法计分；如应覆盖，请加一项不写 when 的“其他情况”",
            )
    return CategoricalRule(tuple(read))


def _describe_categorical(rule: CategoricalRule, weight: Decimal, unit: str) -> str:
    return "；".join(f"{o.text}，{fmt_points(o.score)}分" for o in rule.options) + "。"


def _outcome_categorical(rule: CategoricalRule, choice: int, weight: Decimal, unit: str) -> rules.Outcome:
    return rules.categorical(rule, choice, weight)


def _categorical_entry(rule: CategoricalRule, computed: bool) -> str:
    return "auto" if rule.conditional else "choice"


def _categorical_skeleton(rule: CategoricalRule) -> str:
    return "" if rule.conditional else "{choice: }"


def _categorical_options(rule: CategoricalRule) -> tuple[tuple[str, Decimal], ...]:
    return tuple((o.text, o.score) for o in rule.options)


def _categorical_expressions(rule: CategoricalRule, path: str) -> tuple[tuple[str, ex.Expr], ...]:
    where = key_path(path, "options")
    return tuple(
        (key_path(key_path(where, i), "when"), o.when) for i, o in enumerate(rule.options) if o.when is not None
    )


# --------------------------------------------------------------------------- judgement


def _read_judgement(r: RuleReader, rule: Mapping[str, Any], path: str, weight: Decimal) -> Rule | None:
    raw = r.get(rule, "tiers", path, "list", default=[])
    tiers: list[Tier] = []
    for i, item in enumerate(raw):
        where = key_path(key_path(path, "tiers"), i)
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
    default = rule.get("default")
    if default is not None and default != "full_marks":
        r.error(
            "rule-key-type",
            key_path(path, "default"),
            f"{key_path(path, 'default')} 只能为 full_marks（未填报得分时计满分，扣分须写明理由）",
        )
    return JudgementRule(tuple(tiers), default == "full_marks")


def _describe_judgement(rule: JudgementRule, weight: Decimal, unit: str) -> str:
    if rule.tiers:
        return "；".join(
            f"{t.name}，{fmt_points(t.min_ratio * weight)}–{fmt_points(t.max_ratio * weight)}分" for t in rule.tiers
        ) + ("；未评定的计满分，扣分须写明理由。" if rule.default_full else "；须写明理由。")
    if rule.default_full:
        return f"得{fmt_points(weight)}分，否则酌情扣分（扣分须写明理由）。"
    return f"由评价人在0–{fmt_points(weight)}分之间评定，须写明理由。"


def _outcome_judgement(rule: JudgementRule, subject: Any, weight: Decimal, unit: str) -> rules.Outcome:
    score, tier, effective = subject
    outcome = rules.judgement(rule, score, tier, effective)
    if rule.default_full and outcome.fraction is not None and not rule.tiers:
        deducted = effective - score
        phrase = f"酌情扣{fmt_points(deducted)}分" if deducted > 0 else rules.FULL_BY_DEFAULT
        return rules.Outcome(outcome.fraction, phrase)
    return outcome


def _judgement_skeleton(rule: JudgementRule) -> str:
    return "" if rule.default_full else "{score: , reason: }"


# --------------------------------------------------------------------------- goals


def _read_goals(r: RuleReader, rule: Mapping[str, Any], path: str, weight: Decimal) -> Rule | None:
    raw_kinds = r.get(rule, "kinds", path, "list", default=[])
    kinds: list[str] = []
    for i, kind in enumerate(raw_kinds):
        if kind not in GOAL_KINDS:
            r.error(
                "rule-key-type",
                key_path(key_path(path, "kinds"), i),
                f"{key_path(key_path(path, 'kinds'), i)} 应为{'、'.join(GOAL_KINDS)}之一，实为“{kind}”",
            )
        else:
            kinds.append(kind)
    base = _choice(r, rule, "base", path, ("share", "full"))
    over = per = None
    raw_deviation = rule.get("deviation")
    if raw_deviation is not None:
        where = key_path(path, "deviation")
        deviation = r.mapping(raw_deviation, where)
        if deviation is None:
            return None
        r.unknown_keys(deviation, ("over", "per"), where, "error")
        over, per = _positive(r, deviation, "over", where), _positive(r, deviation, "per", where)
        if over is None or per is None:
            return None
    elif base == "full":
        r.error(
            "rule-key-missing",
            key_path(path, "deviation"),
            f"base: full 须有 {key_path(path, 'deviation')}（偏离扣分）",
        )
        return None
    if len(kinds) != len(raw_kinds):
        return None
    return GoalsRule(tuple(kinds), base, over, per)  # type: ignore[arg-type]


def _describe_goals(rule: GoalsRule, weight: Decimal, unit: str) -> str:
    what = "、".join(rule.kinds) + "指标" if rule.kinds else "绩效指标"
    w = fmt_points(weight)
    text = f"按达到年初目标值的{what}个数÷全部{what}个数×{w}分计分" if rule.base == "share" else f"{what}计{w}分"
    if rule.deviation_over is not None and rule.deviation_per is not None:
        text += (
            f"；完成值超过年初目标值{fmt_points(rule.deviation_over)}%及以上的，定义为指标偏离，"
            f"每个扣{fmt_points(rule.deviation_per)}分，扣完为止"
        )
    return text + "。"


def _outcome_goals(rule: GoalsRule, goals: Any, weight: Decimal, unit: str) -> rules.Outcome:
    return rules.goals(rule, goals, weight)


def _auto_entry(rule: Any, computed: bool) -> str:
    return "auto"


def _no_skeleton(rule: Any) -> str:
    return ""


# --------------------------------------------------------------------------- the registry


VALUE = frozenset({"value"})

KINDS: Mapping[str, RuleKind] = {
    kind.type: kind
    for kind in (
        RuleKind(
            "proportional",
            "按比例计分",
            ProportionalRule,
            ("target", "direction"),
            VALUE,
            "value",
            _read_proportional,
            lambda rule, weight: rules._proportional(rule),
            _outcome_proportional,
            _describe_proportional,
            _value_entry,
            _value_skeleton,
        ),
        RuleKind(
            "threshold",
            "标准值扣分",
            ThresholdRule,
            ("standard", "direction", "per", "step", "steps"),
            VALUE,
            "value",
            _read_threshold,
            rules._threshold,
            _outcome_threshold,
            _describe_threshold,
            _value_entry,
            _value_skeleton,
        ),
        RuleKind(
            "bands",
            "分档计分",
            BandsRule,
            ("bands",),
            VALUE,
            "value",
            _read_bands,
            rules._bands,
            _outcome_bands,
            _describe_bands,
            _value_entry,
            _value_skeleton,
        ),
        RuleKind(
            "checklist",
            "逐项计分",
            ChecklistRule,
            ("items",),
            frozenset({"checked", "not_applicable"}),
            "checked",
            _read_checklist,
            rules._checklist,
            _outcome_checklist,
            _describe_checklist,
            lambda rule, computed: "checklist",
            _checklist_skeleton,
            _checklist_options,
        ),
        RuleKind(
            "per_occurrence",
            "按次扣分",
            PerOccurrenceRule,
            ("per",),
            frozenset({"count"}),
            "count",
            _read_per_occurrence,
            rules._per_occurrence,
            _outcome_per_occurrence,
            _describe_per_occurrence,
            lambda rule, computed: "computed" if computed else "count",
            lambda rule: "{count: }",
        ),
        RuleKind(
            "yes_no",
            "是否判断",
            YesNoRule,
            (),
            VALUE,
            "truth",
            _read_yes_no,
            lambda rule, weight: rules._yes_no,
            _outcome_yes_no,
            _describe_yes_no,
            lambda rule, computed: "computed" if computed else "yes_no",
            _value_skeleton,
        ),
        RuleKind(
            "categorical",
            "分类计分",
            CategoricalRule,
            ("options",),
            frozenset({"choice"}),
            "choice",
            _read_categorical,
            rules._categorical,
            _outcome_categorical,
            _describe_categorical,
            _categorical_entry,
            _categorical_skeleton,
            _categorical_options,
            _categorical_expressions,
        ),
        RuleKind(
            "judgement",
            "分级评判",
            JudgementRule,
            ("tiers", "default"),
            frozenset({"score", "tier"}),
            "score",
            _read_judgement,
            lambda rule, weight: None,
            _outcome_judgement,
            _describe_judgement,
            lambda rule, computed: "judgement",
            _judgement_skeleton,
        ),
        RuleKind(
            "goals",
            "绩效指标计分",
            GoalsRule,
            ("kinds", "base", "deviation"),
            frozenset(),
            "goals",
            _read_goals,
            rules._goals,
            _outcome_goals,
            _describe_goals,
            _auto_entry,
            _no_skeleton,
        ),
    )
}
"""Every rule kind by its ``type``."""

RULE_TYPES: tuple[str, ...] = tuple(KINDS)
RULE_NAMES_ZH: Mapping[str, str] = {kind.type: kind.name_zh for kind in KINDS.values()}
_BY_CLASS: Mapping[builtins.type[Any], RuleKind] = {kind.rule: kind for kind in KINDS.values()}


def kind_of(rule: object) -> RuleKind:
    """The kind of a rule object (KeyError for an object that is no rule)."""
    return _BY_CLASS[type(rule)]


def read_rule(r: RuleReader, raw: Any, path: str, weight: Decimal) -> Rule | None:
    """Parse ``raw`` (the rule mapping at ``path``) for a leaf of ``weight``; None on error."""
    rule = r.mapping(raw, path)
    if rule is None:
        return None
    kind = r.get(rule, "type", path, "text", required=True)
    if kind is None:
        return None
    if kind not in KINDS:
        r.error(
            "rule-type-unknown", key_path(path, "type"), f"未知的评分规则类型“{kind}”（可用：{'、'.join(RULE_TYPES)}）"
        )
        return None
    r.unknown_keys(rule, ("type", "text", *KINDS[kind].keys), path, "error", f"（{kind} 规则）")
    return KINDS[kind].read(r, rule, path, weight)
