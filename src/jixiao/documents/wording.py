"""Small wording helpers shared by the outlines: dates, amounts, numbering, paragraphs."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from ..core.numbers import fmt, fmt_points
from .model import Heading, Paragraph, Run

CN_NUMERALS = "一二三四五六七八九十"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 23 → 二十三 (up to 99)."""
    if n <= 10:
        return CN_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "十" if tens == 1 else CN_NUMERALS[tens - 1] + "十"
    return head + (CN_NUMERALS[ones - 1] if ones else "")


def level1(n: int, text: str) -> Heading:
    return Heading(1, f"{cn_number(n)}、{text}")


def level2(n: int, text: str) -> Heading:
    return Heading(2, f"（{cn_number(n)}）{text}")


def ordinal(n: int) -> str:
    """一是, 二是, … as reports enumerate points."""
    return f"{cn_number(n)}是"


def date_zh(value: date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def amount(value: Decimal) -> str:
    return f"{fmt(value)}万元"


def points(value: Decimal | None) -> str:
    return "—" if value is None else f"{fmt_points(value)}分"


def para(text: str, lead: str = "") -> Paragraph:
    runs = (Run(lead, bold=True), Run(text)) if lead else (Run(text),)
    return Paragraph(runs)


_FOLDED = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])[ \t]+(?=[\u3000-\u9fff\uff00-\uffef])")


def unfold(text: str) -> str:
    """Drop spaces between CJK characters (left by YAML line folding or copy-paste)."""
    return _FOLDED.sub("", text)


def paragraphs(text: str, lead: str = "") -> list[Paragraph]:
    """The unit's text, one paragraph per non-empty line; ``lead`` opens the first one."""
    lines = [unfold(line.strip()) for line in text.splitlines() if line.strip()]
    if not lines:
        return [para("", lead)] if lead else []
    return [para(lines[0], lead)] + [para(line) for line in lines[1:]]


def sentence(text: str) -> str:
    """End a sentence with 。 unless it already ends with punctuation."""
    text = text.strip()
    return text if not text or text[-1] in "。！？；：.!?;" else text + "。"


def joined(items: Iterable[str]) -> str:
    return "、".join(i for i in items if i)


class Sections:
    """The unit's narrative sections, with a warning for each one left empty."""

    def __init__(self, text: Mapping[str, str]) -> None:
        self.text = text
        self.warnings: list[str] = []

    def get(self, key: str, title: str, required: bool = True) -> str:
        value = self.text.get(key, "").strip()
        if not value and required:
            self.warnings.append(f"“{title}”未填写（text.{key}），报告中该节标注为未填写")
            return "（未填写）"
        return value
