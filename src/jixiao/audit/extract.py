"""Lines → facts: unit, year, fill date, score, grade, figures, indicator scores, stated ratios.

Patterns are data (``patterns.py``); this module only walks the lines and applies them.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from itertools import pairwise

from . import numbers_zh as nz
from . import patterns as p
from .metadata import read_metadata
from .model import Document, Extracted, Figure, IndicatorScore, Line, StatedRatio
from .table_scores import table_scores


def extract(doc: Document) -> Extracted:
    """Everything the auditor can read off a document."""
    found = Extracted()
    read_metadata(doc.lines, found)
    for line in doc.lines:
        _figures(line, found)
        _ratios(line, found)
    table_figures(doc.lines, found)
    _scores(doc.lines, found)
    tables = table_scores(doc.lines)
    found.table_scores, found.table_total = tables.rows, tables.total
    found.table_total_weight, found.table_skipped = tables.total_weight, tables.skipped
    found.transfers = transfers(doc.lines)
    return found


# --------------------------------------------------------------------------- figures


def label_of(text_before: str, year: int | None = None) -> str | None:
    """The figure key whose label ends right before a number, if any.

    A label that is the tail of a longer one ("“三公”经费预算安排", "项目支出预算", "专项项目总支出",
    "一般公共预算支出") or a figure of another year ("2022年决算总收入", "上年度…") is not this year's
    key figure. A colon after the label ("决算总收入：") belongs to it; right after this year, bare
    收入/支出 name the year's figures ("2022年支出848万元").
    """
    text_before = text_before.rstrip(" :：")
    cut = list(p.WINDOW_STOP.finditer(text_before))
    window = text_before[cut[-1].end() :] if cut else text_before
    stated = re.search(r"(\d{4})年", window)
    if stated and year is not None and int(stated[1]) != year:
        return None
    window, dated = re.subn(r"^.*?\d{4}年(?:度|底|末)?", "", window.strip())
    for key, regex in p.COMPILED_LABELS:
        match = regex.search(window)
        if match:
            return None if p.QUALIFIED_LABEL.search(window[: match.start()]) else key
    if dated:
        return next((key for key, regex in p.YEAR_LABELS if regex.search(window)), None)
    return None


CLAUSE_STOP = re.compile(r"[，,。；;：:]")
#: How far before a number its label is looked for: labels with their qualifiers are far shorter, and a
#: bounded look keeps a line of thousands of amounts linear (each was searched from the line's start).
LABEL_REACH = 120
QUOTE_REACH = 40


@lru_cache(maxsize=8)
def _first_stop(text: str) -> int:
    found = CLAUSE_STOP.search(text)
    return found.end() if found else len(text) + 1


def clause(text: str, start: int, end: int) -> str:
    """The clause around text[start:end]: from the previous "，。；" (at most 40 characters back) to the figure's end.

    Without a stop before the figure, the 30 characters before it.
    """
    low = max(0, start - QUOTE_REACH)
    stops = [m.end() for m in CLAUSE_STOP.finditer(text, low, start)]
    no_stop = low if _first_stop(text) <= low else max(0, start - 30)  # an earlier stop: cut at 40 characters
    begin = stops[-1] if stops else no_stop
    return text[max(begin, low) : end]


def _figures(line: Line, found: Extracted) -> None:
    for value, unit, start, end in nz.find_amounts(line.text):
        key = label_of(line.text[max(0, start - LABEL_REACH) : start], found.year)
        if key is not None:
            quote = clause(line.text, start, end)
            found.figures.setdefault(key, []).append(Figure(key, value, unit, quote, line.number))


def table_figures(lines: tuple[Line, ...], found: Extracted) -> None:
    """Figures in table rows whose unit is in the table's caption or header ("单位：万元", "预算数（万元）"):
    a label cell followed by a number cell ("收入预算数 | 1200.00"); rows run together with "|" or tabs."""
    unit: str | None = None
    for line in lines:
        cells = _row_cells(line)
        if cells is None:
            caption = p.TABLE_UNIT.search(line.text)
            unit = caption["unit"] if caption and len(line.text) < 40 else None
            continue
        if header := p.TABLE_UNIT.search(line.text):
            unit = header["unit"]
        if unit is None:
            continue
        for label, value in pairwise(cells):
            number = _plain_number(value)
            key = label_of(label, found.year) if number is not None else None
            if key is not None and number is not None:
                amount = number if unit == "万元" else number / 10000
                quote = f"{label} {value}（{unit}）"
                found.figures.setdefault(key, []).append(Figure(key, amount, unit, quote, line.number))
                break


def _row_cells(line: Line) -> list[str] | None:
    if not line.in_table and "|" not in line.text:
        return None
    return [cell.strip() for cell in line.text.strip().strip("|").split("|")]


_PLAIN_NUMBER = re.compile(r"^-?\d[\d,]*(?:\.\d+)?$")


def _plain_number(cell: str) -> Decimal | None:
    return Decimal(cell.replace(",", "")) if _PLAIN_NUMBER.match(cell) else None


def _ratios(line: Line, found: Extracted) -> None:
    for match in p.FORMULA.finditer(line.text):
        head = line.text[: match.start()]
        name = re.split(r"[，,。；;：:]", head)[-1].split("=")[0].strip()
        name = re.sub(r"^[一二三四五六七八九十]+是", "", name)
        numbers = re.findall(r"\d+(?:\.\d+)?", match["expr"])
        inputs = tuple(Decimal(n) for n in numbers if n not in ("1", "100"))
        found.ratios.append(
            StatedRatio(
                name,
                match["expr"].strip(),
                inputs,
                Decimal(match["result"]),
                line.text[max(0, match.start() - len(name) - 1) : match.end()],
                line.number,
            )
        )


# --------------------------------------------------------------------------- scores


class _Heading:
    """The indicator currently being discussed (its name and weight)."""

    def __init__(self) -> None:
        self.name = ""
        self.weight: Decimal | None = None
        self.level = 0
        self.group = False  # "指标分值18分，该指标主要从…" — a group with children of its own


def _scores(lines: tuple[Line, ...], found: Extracted) -> None:
    current = _Heading()
    for line in lines:
        _heading(line.text, current)
        for match in _indicator_matches(line.text):
            if current.name:
                score = Decimal(match["score"])
                found.indicator_scores.append(
                    IndicatorScore(
                        current.name, score, current.weight, match[0], line.number, current.level, current.group
                    )
                )
                current.name, current.weight = "", None
        _bonus(line, found)
        _penalty(line, found)


def _indicator_matches(text: str) -> list[re.Match[str]]:
    totals = [m.span() for regex in p.TOTAL_SCORE for m in regex.finditer(text)]
    out = []
    for regex in p.INDICATOR_SCORE:
        for match in regex.finditer(text):
            if not any(s <= match.start() < e or match.start() <= s < match.end() for s, e in totals):
                out.append(match)
    return sorted(out, key=lambda m: m.start())


def _heading(text: str, current: _Heading) -> None:
    marker = nz.parse_marker(text)
    if marker is None:
        return
    rest = text[marker.end :].strip()
    weight = p.WEIGHT_IN_HEADING.search(rest[:40])
    name = re.split(r"[（(。：:，,]", rest, maxsplit=1)[0].strip()
    if not name or len(name) > 30:
        return
    current.name = name
    current.weight = Decimal(weight["weight"]) if weight else _text_weight(rest)
    current.level = LEVELS.get(marker.kind, 9)
    current.group = p.WEIGHT_IN_TEXT.search(rest) is not None


LEVELS = {"cn": 1, "cn_paren": 2, "arabic": 3, "arabic_paren": 4, "circled": 5, "ordinal_shi": 5, "ordinal_di": 5}


def _text_weight(text: str) -> Decimal | None:
    match = p.WEIGHT_IN_TEXT.search(text)
    return Decimal(match["weight"]) if match else None


def _bonus(line: Line, found: Extracted) -> None:
    match = p.BONUS.search(line.text)
    if match and found.bonus is None and "不" not in line.text[max(0, match.start() - 2) : match.start()]:
        found.bonus = Decimal(match["points"])
        found.quotes["bonus"] = (match[0], line.number)


def _penalty(line: Line, found: Extracted) -> None:
    match = p.PENALTY.search(line.text)
    if match and found.penalty is None:
        found.penalty = Decimal(match["points"])
        found.quotes["penalty"] = (match[0], line.number)


def transfers(lines: tuple[Line, ...]) -> dict[str, Decimal]:
    """Points moved to an indicator ("3分分值调整至“部门预算资金支出率”"), by target name."""
    named: dict[str, Decimal] = {}
    received: dict[str, Decimal] = {}
    current = _Heading()
    for line in lines:
        _heading(line.text, current)
        for match in p.TRANSFER.finditer(line.text):
            target, points = match["target"].strip("“”\"' "), Decimal(match["points"])
            if target in p.SELF_TARGETS:
                received[current.name] = received.get(current.name, Decimal(0)) + points
            else:
                named[target] = named.get(target, Decimal(0)) + points
    return {k: max(named.get(k, Decimal(0)), received.get(k, Decimal(0))) for k in {*named, *received} if k}
