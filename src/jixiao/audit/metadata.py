"""Lines → the report's own facts: unit, year, fill date, total score and grade.

Reports of different regions name them in many ways: a cover label with or without a colon
("部门(单位)名称：", "单位名称", "评价单位（公章）：", a table cell with the value in the next cell), the
unit on its own line above the title or inside the title (before or after the year), the year in
the title, under it ("（2023年度）") or in the opening paragraph, the fill date as 填报日期/报告日期
with more text after it or as a lone cover date, the score with its number on the next line.
The patterns are in ``patterns.py``; this module tries them in order of how sure each is.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Decimal
from itertools import pairwise

from . import numbers_zh as nz
from . import patterns as p
from .model import Extracted, Line

HEAD = 60
"""Lines that make up the cover and title (a flattened cover is one long line, a real one many short ones)."""

_SEAL = re.compile(r"\s*[（(](?:公章|盖章|章)[）)]\s*$")
_CODE = re.compile(r"^\d{1,12}-")
_SUFFIX_SAME_UNIT = re.compile(r"(?:机关本级|[（(]本级[）)]|本级)$")
_CELL_BARS = re.compile(r"^[\s|]+|[\s|]+$")


def clean_unit(value: str) -> str:
    """A unit name as written in a field: bars, seal remark, code prefix and a 本级 suffix dropped."""
    value = _CELL_BARS.sub("", value)
    value = re.split(r"\s{2,}|\|", value, maxsplit=1)[0].strip()
    value = _SEAL.sub("", value).strip()
    value = _CODE.sub("", value)
    return _SUFFIX_SAME_UNIT.sub("", value).strip()


def read_metadata(lines: Sequence[Line], found: Extracted) -> None:
    """Fill unit, year, fill date, score and grade (and the quotes they came from) into ``found``."""
    head = lines[:HEAD]
    _unit(lines, head, found)
    _year(lines, head, found)
    _fill_date(head, found)
    _score(lines, found)
    _grade(lines, found)
    for line in lines:
        if match := p.OPENING_UNIT.search(line.text):
            found.quotes["opening_unit"] = (match["unit"].strip(), line.number)
            break


def _set(found: Extracted, attr: str, value: object, quote: str, line: int) -> None:
    setattr(found, attr, value)
    found.quotes[attr] = (quote, line)


# --------------------------------------------------------------------------- unit


def _unit(lines: Sequence[Line], head: Sequence[Line], found: Extracted) -> None:
    finders: list[Callable[[Sequence[Line]], tuple[str, str, int] | None]] = [
        _labelled_unit,
        _unit_in_next_cell,
        lambda ls: _search(ls, (p.UNIT_LABEL_INLINE, p.UNIT_LABEL_SPACED)),
        _unit_above_title,
    ]
    for finder in finders:
        if hit := finder(head):
            _set_unit(found, *hit)
            return
    hit = _search(lines, (p.OPENING_UNIT, p.TITLE_UNIT, p.TITLE_YEAR_UNIT)) or _search(head, (p.PARENT_LABEL,))
    if hit:
        _set_unit(found, *hit)


def _set_unit(found: Extracted, unit: str, quote: str, line: int) -> None:
    _set(found, "unit", unit, quote, line)


def _plausible(unit: str) -> bool:
    return 2 <= len(unit) <= 40 and not unit.startswith(("我", "本", "该")) and "意见" not in unit


def _search(lines: Iterable[Line], regexes: Iterable[re.Pattern[str]]) -> tuple[str, str, int] | None:
    regexes = tuple(regexes)
    for line in lines:
        for regex in regexes:
            match = regex.search(line.text)
            if match and _plausible(unit := clean_unit(match["unit"])):
                return unit, match[0], line.number
    return None


def _labelled_unit(head: Sequence[Line]) -> tuple[str, str, int] | None:
    return _search(head, (p.UNIT_LABELS,))


def _unit_in_next_cell(head: Sequence[Line]) -> tuple[str, str, int] | None:
    """A label alone in its cell ("实施单位（盖章） |") with the name in the next one."""
    for line, following in pairwise(head):
        if p.UNIT_LABEL_CELL.match(line.text):
            unit = clean_unit(following.text)
            if p.UNIT_NAME_LINE.match(unit) and _plausible(unit):
                return unit, f"{line.text.strip(' |')} {unit}", following.number
    return None


def _unit_above_title(head: Sequence[Line]) -> tuple[str, str, int] | None:
    """ "益阳市赫山区城市管理和综合执法局" on its own line, then "2019年部门整体支出绩效评价报告"."""
    for line, following in pairwise(head):
        name = clean_unit(line.text)
        if (
            p.TITLE_LINE.search(following.text)
            and p.UNIT_NAME_LINE.match(name)
            and p.UNIT_SUFFIX.search(name)
            and not p.TITLE_LINE.search(name)
        ):
            return name, name, line.number
    return None


# --------------------------------------------------------------------------- year


def _year(lines: Sequence[Line], head: Sequence[Line], found: Extracted) -> None:
    for group, where in ((p.TITLE_YEAR, head), (p.OPENING_YEAR, lines[: HEAD * 2])):
        for line in where:
            for regex in group:
                match = regex.search(line.text)
                if match and _plausible_year(int(match["year"])):
                    _set(found, "year", int(match["year"]), match[0], line.number)
                    return
    _year_most_mentioned(head, found)


def _plausible_year(year: int) -> bool:
    return 2000 <= year <= date.today().year + 1


def _year_most_mentioned(head: Sequence[Line], found: Extracted) -> None:
    """The year the head of the report mentions most ("中心2021年较好地完成了履职任务"), when nothing names it."""
    counts: Counter[int] = Counter()
    where: dict[int, tuple[str, int]] = {}
    for line in head:
        for match in p.ANY_YEAR.finditer(line.text):
            year = int(match["year"])
            if _plausible_year(year):
                counts[year] += 1
                where.setdefault(year, (match[0], line.number))
    if counts:
        year = max(counts, key=lambda y: (counts[y], -where[y][1]))
        _set(found, "year", year, *where[year])


# --------------------------------------------------------------------------- fill date


def _fill_date(head: Sequence[Line], found: Extracted) -> None:
    """填报日期/报告日期 followed by a date (and perhaps more text); else a cover line that is only a date."""
    for line in head:
        match = p.FILL_DATE.search(line.text)
        if match and (value := _leading_date(match["date"])):
            _set(found, "fill_date", value, match[0][:40], line.number)
            return
    for line in head[: HEAD // 2]:
        value = nz.parse_date_zh(line.text)
        if value is not None and "年" in line.text:
            _set(found, "fill_date", value, line.text, line.number)
            return


def _leading_date(text: str) -> date | None:
    stripped = text.lstrip(" :：")
    dates = nz.find_dates(stripped)
    return dates[0][0] if dates and dates[0][1] == 0 else None


# --------------------------------------------------------------------------- score and grade


def _score(lines: Sequence[Line], found: Extracted) -> None:
    for index, line in enumerate(lines):
        texts = [line.text]
        if p.SCORE_LABEL_AT_END.search(line.text) and index + 1 < len(lines):
            texts.append(line.text + lines[index + 1].text)  # "自评得分" / "90 分"
        for text in texts:
            for regex in p.TOTAL_SCORE:
                match = regex.search(text)
                if match:
                    _set(found, "score", Decimal(match["score"]), match[0], line.number)
                    return


def _grade(lines: Sequence[Line], found: Extracted) -> None:
    for line in lines:
        for regex in p.GRADE:
            match = regex.search(line.text)
            if match:
                _set(found, "grade", p.GRADE_NAMES[match["grade"]], match[0], line.number)
                return
