"""Domain objects: scoring tables (Framework), evaluations, scorecards and issues.

Everything here is immutable and free of I/O; loaders build these objects, the engine reads
them. Amounts and ratios are ``Decimal``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Literal, NamedTuple

from .expr import Expr


class Severity(StrEnum):
    """How bad an issue is; an ``error`` makes the command exit 1."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem found in a table, an evaluation or while scoring, with where it is."""

    severity: Severity
    code: str
    path: str
    message: str
    file: str = ""

    def located(self) -> str:
        """The place as users read it: ``file: path``."""
        where = f"{self.file}: " if self.file else ""
        return f"{where}{self.path}" if self.path else where.rstrip(": ")


# --------------------------------------------------------------------------- rules


@dataclass(frozen=True, slots=True)
class ProportionalRule:
    target: Decimal
    direction: Literal["higher", "lower"] = "higher"
    type: Literal["proportional"] = "proportional"


@dataclass(frozen=True, slots=True)
class ThresholdRule:
    standard: Decimal
    per: Decimal
    direction: Literal["max", "min"] = "max"
    step: Decimal = Decimal(1)
    steps: Literal["exact", "floor", "ceil"] = "exact"
    type: Literal["threshold"] = "threshold"


@dataclass(frozen=True, slots=True)
class Band:
    min: Decimal | None
    max: Decimal | None
    min_inclusive: bool = True
    max_inclusive: bool = True
    score: Decimal | None = None
    ratio: Decimal | None = None

    def holds(self, value: Decimal) -> bool:
        """Whether ``value`` lies in this band."""
        if self.min is not None and (value < self.min or (value == self.min and not self.min_inclusive)):
            return False
        return not (self.max is not None and (value > self.max or (value == self.max and not self.max_inclusive)))


@dataclass(frozen=True, slots=True)
class BandsRule:
    bands: tuple[Band, ...]
    type: Literal["bands"] = "bands"


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One item; ``required``: unmet, the whole leaf scores 0 ("未设置绩效目标，该栏不得分");
    ``credit_if_not_applicable``: the unit may say it does not apply and gets its points
    ("若单位无项目，得2分")."""

    text: str
    points: Decimal
    required: bool = False
    credit_if_not_applicable: bool = False


@dataclass(frozen=True, slots=True)
class ChecklistRule:
    items: tuple[ChecklistItem, ...]
    type: Literal["checklist"] = "checklist"


@dataclass(frozen=True, slots=True)
class PerOccurrenceRule:
    per: Decimal
    type: Literal["per_occurrence"] = "per_occurrence"


@dataclass(frozen=True, slots=True)
class YesNoRule:
    type: Literal["yes_no"] = "yes_no"


@dataclass(frozen=True, slots=True)
class Option:
    """A category; with ``when`` it is chosen by the figures: the first option whose condition
    holds (an option without ``when`` after conditional ones is 其他情况)."""

    text: str
    score: Decimal
    when: Expr | None = None
    when_text: str = ""


@dataclass(frozen=True, slots=True)
class CategoricalRule:
    options: tuple[Option, ...]
    type: Literal["categorical"] = "categorical"

    @property
    def conditional(self) -> bool:
        """Whether the option is chosen by conditions on the figures, not by the unit."""
        return any(option.when is not None for option in self.options)


@dataclass(frozen=True, slots=True)
class Tier:
    name: str
    min_ratio: Decimal
    max_ratio: Decimal


@dataclass(frozen=True, slots=True)
class JudgementRule:
    """A score given by a person; ``default_full``: full marks unless a lower score is entered
    with its reason ("得5分，否则酌情扣分")."""

    tiers: tuple[Tier, ...] = ()
    default_full: bool = False
    type: Literal["judgement"] = "judgement"


GOAL_KINDS: tuple[str, ...] = ("数量", "质量", "时效", "成本", "效益", "满意度")
"""The kinds of 绩效指标, as the 绩效目标表 names them."""


@dataclass(frozen=True, slots=True)
class GoalsRule:
    """A score over the unit's 绩效指标 (``Evaluation.goals``) of the given kinds (all when empty):
    ``base: share`` — weight × reached/counted ("达到预期值的数量指标个数/全部数量指标个数");
    ``base: full`` — full marks; then ``deviation_per`` points off for each goal whose actual
    value passes its target by ``deviation_over`` percent or more ("指标偏离并减2分")."""

    kinds: tuple[str, ...] = ()
    base: Literal["share", "full"] = "share"
    deviation_over: Decimal | None = None
    deviation_per: Decimal | None = None
    type: Literal["goals"] = "goals"


Rule = (
    ProportionalRule
    | ThresholdRule
    | BandsRule
    | ChecklistRule
    | PerOccurrenceRule
    | YesNoRule
    | CategoricalRule
    | JudgementRule
    | GoalsRule
)


def __getattr__(name: str) -> object:
    """``RULE_TYPES`` and ``RULE_NAMES_ZH``, kept here for older imports: the registry of rule
    kinds (``core.kinds``) is where they are declared."""
    if name in ("RULE_TYPES", "RULE_NAMES_ZH"):
        from . import kinds

        return getattr(kinds, name)
    raise AttributeError(name)


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True, slots=True)
class NotApplicable:
    """What happens when a leaf cannot be assessed: ``full_marks``, ``zero`` or ``move_to``."""

    kind: Literal["full_marks", "zero", "move_to"]
    target: str = ""


@dataclass(frozen=True, slots=True)
class Indicator:
    """A node of the indicator tree: inner (``children``) or leaf (``rule``)."""

    id: str
    name: str
    weight: Decimal
    path: str
    children: tuple[Indicator, ...] = ()
    rule: Rule | None = None
    value: Expr | None = None
    value_text: str = ""
    formula_text: str = ""
    unit: str = ""
    definition: str = ""
    criteria: str = ""
    source: str = ""
    not_applicable: NotApplicable | None = None
    alternatives: bool = False

    @property
    def is_leaf(self) -> bool:
        return not self.children


@dataclass(frozen=True, slots=True)
class GradeBand:
    grade: str
    min: Decimal


@dataclass(frozen=True, slots=True)
class Cap:
    when: Expr
    when_text: str
    max: Decimal


@dataclass(frozen=True, slots=True)
class Section:
    """The 加分项 / 减分项 section of a table."""

    name: str
    max: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Field:
    """A data field a table declares beside the standard ones."""

    id: str
    name: str
    unit: str = ""


@dataclass(frozen=True, slots=True)
class Framework:
    """A scoring table (评分表), stamped with its content hash."""

    id: str
    version: int
    name: str
    total: Decimal
    cap: Decimal
    grades: tuple[GradeBand, ...]
    indicators: tuple[Indicator, ...]
    sha256: str
    issuer: str = ""
    region: str = ""
    years: tuple[int, ...] = ()
    provenance: str = ""
    source: str = ""
    outline: str = "zhanjiang"
    caps: tuple[Cap, ...] = ()
    bonus: Section | None = None
    penalty: Section | None = None
    fields: Mapping[str, Field] = field(default_factory=dict)
    file: str = ""
    canonical: str = field(default="", repr=False, compare=False)  # the document's canonical JSON (hashed)

    def walk(self) -> list[tuple[Indicator, int]]:
        """Every node with its depth (1 = 一级指标), parents before children, in table order."""
        out: list[tuple[Indicator, int]] = []

        def visit(node: Indicator, depth: int) -> None:
            out.append((node, depth))
            for child in node.children:
                visit(child, depth + 1)

        for top in self.indicators:
            visit(top, 1)
        return out


# --------------------------------------------------------------------------- evaluations


@dataclass(frozen=True, slots=True)
class LeafInput:
    """One entry of ``inputs``; which keys are set depends on the rule type."""

    path: str
    keys: frozenset[str]
    score: Decimal | None = None
    tier: str | None = None
    reason: str = ""
    checked: tuple[int, ...] | None = None
    count: Decimal | None = None
    value: Decimal | bool | None = None
    choice: int | None = None
    choose: str | None = None
    applicable: bool | None = None
    override: Decimal | None = None
    not_applicable: tuple[int, ...] | None = None  # checklist items that do not apply (credited where the table says)


@dataclass(frozen=True, slots=True)
class Item:
    """A bonus or penalty item (加分项 / 减分项)."""

    item: str
    points: Decimal
    basis: str = ""


@dataclass(frozen=True, slots=True)
class GoalIndicator:
    """One 绩效指标: 年初目标值 (``target``) and 实际完成值 (``actual``), numbers or words.

    ``kind`` is one of ``GOAL_KINDS`` ("" when not given); ``direction`` says which way is
    better: ``higher`` (≥ target reaches it), ``lower`` (≤) or ``equal``; ``reached`` states
    whether it was reached when the values are words that do not match ("按期完成")."""

    name: str
    target: Decimal | str | None = None
    actual: Decimal | str | None = None
    unit: str = ""
    kind: str = ""
    direction: Literal["higher", "lower", "equal"] = "higher"
    reached: bool | None = None


@dataclass(frozen=True, slots=True)
class Goal:
    goal: str
    indicators: tuple[GoalIndicator, ...] = ()


@dataclass(frozen=True, slots=True)
class Unit:
    name: str
    level: str = ""
    head: str = ""
    filler: str = ""
    phone: str = ""
    address: str = ""
    internal_bodies: tuple[str, ...] = ()
    subordinate_units: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Group:
    """The 自评工作小组."""

    formed: date | None = None
    leader: str = ""
    deputies: tuple[str, ...] = ()
    members: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Evaluation:
    """A unit's 数据表 and judgements for one year, against one table."""

    framework: str
    year: int
    unit: Unit
    data: Mapping[str, Decimal] = field(default_factory=dict)
    inputs: Mapping[str, LeafInput] = field(default_factory=dict)
    bonus: tuple[Item, ...] = ()
    penalty: tuple[Item, ...] = ()
    fill_date: date | None = None
    notice: str = ""
    notice_title: str = ""
    group: Group = field(default_factory=Group)
    goals: tuple[Goal, ...] = ()
    text: Mapping[str, str] = field(default_factory=dict)
    file: str = ""
    invalid_data: frozenset[str] = frozenset()  # data ids given but rejected by the loader


# --------------------------------------------------------------------------- results


Part = str | tuple[Callable[..., str], tuple[object, ...]]
"""A piece of an explanation: text, or a function and its arguments that write it."""


def join_parts(parts: list[Part]) -> str:
    """The pieces of an explanation written and joined with "；"."""
    return "；".join(p if isinstance(p, str) else p[0](*p[1]) for p in parts)


class Wording:
    """An explanation written when first read — ``write(*args)`` — and then kept.

    Scoring a thousand units for a dashboard needs their scores, not every sentence; a document
    reads each sentence. Compared and hashed by its text; copies and pickles carry the text.
    """

    __slots__ = ("_args", "_text", "_write")

    def __init__(self, write: Callable[..., str], *args: object) -> None:
        self._write: Callable[..., str] | None = write
        self._args = args
        self._text = ""

    @property
    def text(self) -> str:
        if self._write is not None:
            self._text = self._write(*self._args)
            self._write, self._args = None, ()  # let go of the scoring run
        return self._text

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Wording | str):
            return self.text == (other if isinstance(other, str) else other.text)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.text)

    def __repr__(self) -> str:
        return repr(self.text)

    def __reduce__(self) -> tuple[type[str], tuple[str]]:
        return str, (self.text,)


class IndicatorResult(NamedTuple):
    """The scored form of one node of the tree (a NamedTuple: immutable and cheap to build)."""

    id: str
    name: str
    depth: int
    weight: Decimal
    effective_weight: Decimal
    value: Decimal | None
    score: Decimal | None
    applicable: bool
    wording: Wording | str
    is_leaf: bool
    unit: str = ""
    rule_type: str = ""
    overridden: bool = False

    @property
    def explanation(self) -> str:
        """How the score was reached, as a reviewer writes it."""
        wording = self.wording
        return wording if isinstance(wording, str) else wording.text


@dataclass(frozen=True, slots=True)
class Scorecard:
    """The 评分表 of one evaluation: every indicator scored and explained, plus the total."""

    framework_id: str
    framework_version: int
    framework_sha256: str
    framework_name: str
    unit: str
    year: int
    indicators: tuple[IndicatorResult, ...]
    issues: tuple[Issue, ...]
    base: Decimal | None
    bonus: Decimal | None
    penalty: Decimal | None
    total: Decimal | None
    grade: str | None
    total_wording: Wording | str = ""
    raw_total: Decimal | None = None  # base + bonus − penalty, before the total cap and conditional caps
    cap_notes: tuple[str, ...] = ()  # the conditional caps that lowered the total, as sentences

    @property
    def total_explanation(self) -> str:
        """How the total was reached: sum, bonus and penalty, caps, grade."""
        wording = self.total_wording
        return wording if isinstance(wording, str) else wording.text

    @property
    def ok(self) -> bool:
        """True when no issue is an error."""
        return not any(issue.severity is Severity.ERROR for issue in self.issues)

    def indicator(self, indicator_id: str) -> IndicatorResult:
        """The result of one indicator by id (KeyError if unknown)."""
        for result in self.indicators:
            if result.id == indicator_id:
                return result
        raise KeyError(indicator_id)
