"""What the auditor reads and finds: located lines, extracted facts, findings (formats §5)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Literal

from ..core.model import Severity

SeverityName = Literal["error", "warning", "info"]  # the values of Severity, as checks write them


@dataclass(frozen=True, slots=True)
class Line:
    """One normalised line of a document and where it is: number, page, and the place a reviewer looks up.

    ``number`` is unique over the document (a finding names its line by it): the line of a .txt,
    the paragraph or table row of a .docx, the extracted line of a .pdf. ``place`` is what the
    reader says in words: 第3页第12行 (.pdf: the line within its page), 第3页第5段 or 第45段 (.docx).
    """

    text: str
    number: int  # 1-based, over the whole document
    page: int | None = None
    in_table: bool = False
    place: str = ""

    @property
    def where(self) -> str:
        if self.place:
            return self.place
        return f"第{self.page}页第{self.number}行" if self.page else f"第{self.number}行"


@dataclass(frozen=True)
class Document:
    """A report read from .txt/.docx/.pdf as lines; ``problem`` is set when it could not be read."""

    file: str
    kind: Literal["txt", "docx", "pdf"]
    lines: tuple[Line, ...]
    problem: str = ""
    encoding: str = ""

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    def line(self, number: int | None) -> Line | None:
        """The line a finding names by its number (None when there is none)."""
        return None if number is None else self._by_number.get(number)

    @cached_property
    def _by_number(self) -> dict[int, Line]:
        by_number: dict[int, Line] = {}
        for line in self.lines:
            by_number.setdefault(line.number, line)
        return by_number

    def where(self, number: int | None) -> str:
        """Where line ``number`` is, in words ("" for none): 第3页第5段, 第3页第12行, 第12行."""
        line = self.line(number)
        if line is not None:
            return line.where
        return f"第{number}行" if number else ""


@dataclass(frozen=True, slots=True)
class Finding:
    """Something a check found; its severity is the one Severity of issues (given as it or its value)."""

    severity: Severity | SeverityName
    code: str
    message: str
    quote: str = ""
    line: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "severity", Severity(self.severity))


@dataclass(frozen=True, slots=True)
class Figure:
    """A figure as stated: value in 万元 (or % for ratios), the unit written and where."""

    key: str
    value: Decimal
    unit: str
    quote: str
    line: int


@dataclass(frozen=True, slots=True)
class IndicatorScore:
    name: str
    score: Decimal
    weight: Decimal | None
    quote: str
    line: int
    level: int = 0  # marker level of its heading: 1 一、 2 （一） 3 1. 4 （1） 5 ①/一是
    subtotal: bool = False  # stated on a group ("指标分值18分，自评得分18分")


@dataclass(frozen=True, slots=True)
class StatedRatio:
    """A ratio the report computes with a formula: its name, the figures it uses and the stated result."""

    name: str
    expression: str
    inputs: tuple[Decimal, ...]
    stated: Decimal  # percent
    quote: str
    line: int


@dataclass
class Extracted:
    """Everything the extractor found; keys absent from the document stay None / empty."""

    unit: str | None = None
    year: int | None = None
    fill_date: date | None = None
    score: Decimal | None = None
    grade: str | None = None
    figures: dict[str, list[Figure]] = field(default_factory=dict)
    indicator_scores: list[IndicatorScore] = field(default_factory=list)
    table_scores: list[IndicatorScore] = field(default_factory=list)  # rows of a 评分表 table
    table_total: tuple[Decimal, str, int] | None = None  # its 总分 row: score, quote, line
    table_total_weight: Decimal | None = None  # the 分值 of its 总分/合计 row
    table_skipped: int = 0  # rows of the table that could not be read
    transfers: dict[str, Decimal] = field(default_factory=dict)  # points moved to an indicator, by its name
    ratios: list[StatedRatio] = field(default_factory=list)
    bonus: Decimal | None = None
    penalty: Decimal | None = None
    quotes: dict[str, tuple[str, int]] = field(default_factory=dict)  # where unit/year/score… were found
