"""Checks on the document's structure: numbering, empty and missing sections, years, names, counts."""

from __future__ import annotations

import re
from itertools import pairwise

from . import numbers_zh as nz
from . import patterns as p
from .check_base import _f, marker_text, prose
from .model import Document, Extracted, Finding, Line


def numbering(doc: Document, found: Extracted) -> list[Finding]:
    """List markers that skip or repeat: 一、二、四、 / 1. 1. / 一是…四是…四是."""
    out: list[Finding] = []
    stack: list[tuple[str, int]] = []
    closed: dict[str, int] = {}
    seen: set[str] = set()
    previous = ""
    for line in prose(doc):
        marker = nz.parse_marker(line.text)
        if marker is not None and line.text in seen:
            continue  # a short heading repeated word for word is a running page header, not a new item
        if marker is not None and marker.kind != "ordinal_shi":
            if len(line.text) <= HEADER_MAX and "。" not in line.text.rstrip("。"):
                seen.add(line.text)
            if marker.value > 1 and _inline_in(previous, marker.kind, marker.value - 1):
                _step(
                    stack, marker.kind, marker.value - 1, line, closed
                )  # "…（5）…。" then "（6）…": one list, wrapped
            out += _step(stack, marker.kind, marker.value, line, closed)
        out += _inline_points(line) + _inline_arabic(line)
        previous = line.text
    return out


HEADER_MAX = 30
"""A running page header is a short heading line."""


def _inline_in(text: str, kind: str, value: int) -> bool:
    """Whether ``text`` holds the marker ``value`` of ``kind`` after its start, as in "…。（5）…"."""
    written = marker_text(kind, value)
    forms = {written, written.replace("（", "(").replace("）", ")")}
    return any(text.find(form, 1) > 0 for form in forms) if kind in ("arabic_paren", "cn_paren", "circled") else False


def _step(
    stack: list[tuple[str, int]], kind: str, value: int, line: Line, closed: dict[str, int] | None = None
) -> list[Finding]:
    """Follow one marker; ``closed`` keeps where each list closed by a higher heading stopped."""
    closed = {} if closed is None else closed
    level = _LEVEL.get(kind, 9)
    while stack and _LEVEL.get(stack[-1][0], 9) > level:
        closed[stack[-1][0]] = stack[-1][1]
        stack.pop()  # a higher heading closes the deeper lists under it
    if not stack or stack[-1][0] != kind:
        stack.append((kind, value))
        if value == 1 or closed.get(kind) == value - 1:
            return []  # a new list, or one numbered on across sections ("3." under 一、, "4." under 二、)
        return [_gap(line, kind, value, 0)]
    previous = stack[-1][1]
    stack[-1] = (kind, value)
    if value == previous + 1 or (value == 1 and previous != 1):
        return []
    if value == previous:
        return [_f("error", "numbering-repeat", f"序号“{marker_text(kind, value)}”重复", line.text[:40], line.number)]
    if value > previous + 1:
        return [_gap(line, kind, value, previous)]
    return [
        _f(
            "warning",
            "numbering-repeat",
            f"序号“{marker_text(kind, value)}”倒退（前一项为“{marker_text(kind, previous)}”）",
            line.text[:40],
            line.number,
        )
    ]


def _gap(line: Line, kind: str, value: int, previous: int) -> Finding:
    missing = "".join(marker_text(kind, n) for n in range(previous + 1, value))
    return _f("error", "numbering-gap", f"序号跳过了“{missing}”", line.text[:40], line.number)


def _inline_points(line: Line) -> list[Finding]:
    values = [m.value for m in nz.find_ordinals(line.text)]
    out = []
    for previous, value in pairwise(values):
        if value == previous:
            out.append(
                _f(
                    "error",
                    "numbering-repeat",
                    f"“{nz.int_to_cn(value)}是”重复使用",
                    _quote_of(line, value),
                    line.number,
                )
            )
        elif value > previous + 1:
            out.append(
                _f(
                    "error",
                    "numbering-gap",
                    f"“{nz.int_to_cn(previous)}是”之后直接是“{nz.int_to_cn(value)}是”",
                    _quote_of(line, value),
                    line.number,
                )
            )
    return out


def _inline_arabic(line: Line) -> list[Finding]:
    """ "1.完成…。2.做好…。3.…4.…4.…" in one paragraph (a table cell): a number used twice or skipped.

    Only a list that starts the paragraph at 1 and otherwise counts on is read as one."""
    matches = list(p.INLINE_ARABIC.finditer(line.text))
    values = [int(m["v"]) for m in matches]
    if len(values) < 3 or values[0] != 1 or matches[0].start() != 0:
        return []
    steps = [b - a for a, b in pairwise(values)]
    if sum(step != 1 for step in steps) != 1:
        return []
    out = []
    for (a, b), match in zip(pairwise(values), matches[1:], strict=True):
        quote = line.text[match.start() : match.start() + 24].strip()
        if b == a:
            out.append(_f("error", "numbering-repeat", f"序号“{b}.”重复", quote, line.number))
        elif b == a + 2:
            out.append(_f("error", "numbering-gap", f"序号跳过了“{a + 1}.”", quote, line.number))
    return out


def _quote_of(line: Line, value: int) -> str:
    mark = f"{nz.int_to_cn(value)}是"
    index = line.text.rfind(mark)
    return line.text[index : index + 24] if index >= 0 else line.text[:24]


def empty_sections(doc: Document, found: Extracted) -> list[Finding]:
    """A heading with nothing under it, including an inline "三是预算编制准确性。" left empty."""
    out = []
    lines = prose(doc)
    for i, line in enumerate(lines):
        following = lines[i + 1] if i + 1 < len(lines) else None
        out += _empty_inline(line) + _empty_heading(line, following)
    return out


def _empty_inline(line: Line) -> list[Finding]:
    points = nz.find_ordinals(line.text)
    if len(points) < 2:
        return []
    last = line.text[points[-1].end :]
    siblings = [line.text[a.end : b.end - len(b.text)] for a, b in pairwise(points)]
    if all(_has_body(s) for s in siblings) and not _has_body(last) and len(last.strip("。 ")) <= 16:
        title = last.strip("。 ")
        return [
            _f(
                "warning",
                "empty-section",
                f"“{points[-1].text}{title}”之后没有内容",
                line.text[points[-1].end - len(points[-1].text) :].strip("。；： "),
                line.number,
            )
        ]
    return []


def _has_body(point: str) -> bool:
    """A point "预算编制合理性。部门预算编制…" has text after its title sentence."""
    parts = point.strip().split("。", 1)
    return len(parts) == 2 and bool(parts[1].strip("。；： "))


def _empty_heading(line: Line, following: Line | None) -> list[Finding]:
    marker = nz.parse_marker(line.text)
    if marker is None or marker.kind in ("ordinal_shi", "circled"):
        return []
    title = line.text[marker.end :].strip()
    if title.endswith(("。", "！", "？")) and len(title) > 6:
        return []  # "1.科学合理编制预算。" is a one-line point, not an empty heading
    if len(title) > 24 or "。" in title.rstrip("。") or re.search(r"[，,；;：:]|\d", title):
        return []
    nxt = nz.parse_marker(following.text) if following is not None else None
    if following is not None and (nxt is None or _deeper(nxt.kind, marker.kind)):
        return []
    return [_f("warning", "empty-section", f"标题“{line.text.strip()}”下没有内容", line.text.strip(), line.number)]


_LEVEL = {"cn": 1, "cn_paren": 2, "arabic": 3, "arabic_paren": 4, "circled": 5, "ordinal_shi": 6}


def _deeper(kind: str, than: str) -> bool:
    return _LEVEL.get(kind, 9) > _LEVEL.get(than, 9)


def _section_name(pattern: str) -> str:
    """A section pattern as readers know it: "(?:单位|部门)的?基本情况" → "单位基本情况"."""
    return re.sub(r"\(\?:([^|)]+)[^)]*\)|\?|\|.*$", r"\1", pattern).replace("的", "")


def sections_present(doc: Document, found: Extracted) -> list[Finding]:
    """The outline is the one of which at least two sections are present; report the others missing."""
    text = doc.text
    present = {name: [s for s in sections if re.search(s, text)] for name, sections in p.SECTIONS.items()}
    outline = max(present, key=lambda name: len(present[name]))
    if len(present[outline]) < 2 or not doc.lines:
        return []
    missing = [_section_name(s) for s in p.SECTIONS[outline] if s not in present[outline]]
    return [_f("warning", "missing-section", f"缺少规定的部分：{'、'.join(missing)}")] if missing else []


def years(doc: Document, found: Extracted) -> list[Finding]:
    """A statement dated in a year that is neither the evaluation year nor the next."""
    if found.year is None:
        return []
    out = []
    for line in prose(doc):
        for match in p.CLAUSE_YEAR.finditer(line.text):
            year = int(match["year"])
            if year not in (found.year, found.year + 1):
                out.append(
                    _f(
                        "warning",
                        "year-mismatch",
                        f"{found.year}年度的报告中出现“{year}年，…”的表述，请核对年份",
                        line.text[match.start() : match.start() + 30].lstrip("。；，, "),
                        line.number,
                    )
                )
    return out


def _bare(name: str) -> str:
    """A unit name without remarks in brackets (closed or not), spaces, a code prefix and a suffix that names
    the same unit: 湛江市示范局（本级） / 湛江市示范局本级 / 湛江市示范局机关 → 湛江市示范局."""
    name = re.sub(r"[（(][^）)]*[）)]?|\s|^\d{1,12}-", "", name)
    return re.sub(r"(?:机关本级|本级|机关)$", "", name)


def unit_names(doc: Document, found: Extracted) -> list[Finding]:
    opening = found.quotes.get("opening_unit")
    if found.unit is None or opening is None:
        return []
    name = _bare(opening[0])
    if len(name) < 4 or name.startswith(("我", "本", "该", "部门", "单位")) or name == _bare(found.unit):
        return []  # "我局", "本单位", "部门整体…": the opening does not name the unit
    return [
        _f(
            "error",
            "name-mismatch",
            f"单位名称前后不一致：封面为“{found.unit}”，正文为“{opening[0]}”",
            opening[0],
            opening[1],
        )
    ]


def counts(doc: Document, found: Extracted) -> list[Finding]:
    """ "共设10个内设机构，分别为：甲、乙…" — the list must have as many items as stated."""
    out = []
    for line in prose(doc):
        for regex in (p.COUNT_LIST, p.COUNT_NAMED, p.LIST_THEN_COUNT):
            for match in regex.finditer(line.text):
                stated = int(match["n"]) if match["n"].isdigit() else nz.cn_to_int(match["n"])
                listed = re.sub(r"[（(][^）)]*[）)]", "", match["items"].strip("：: "))
                if re.search(r"等(?:[\u4e00-\u9fff]{0,6})?$", listed.strip()):
                    continue  # "…、乙等": the list is not complete
                items = [i for i in re.split(r"[、，,]", listed) if i.strip()]
                fewest, most = _item_counts(items)
                if stated is not None and not fewest <= stated <= most:
                    listed_n = fewest if stated < fewest else most
                    message = f"写明共{stated}个，实际列出{listed_n}个"
                    out.append(_f("error", "count-mismatch", message, match[0][:60], line.number))
    return out


def _item_counts(items: list[str]) -> tuple[int, int]:
    """How many things a list names, at fewest and at most: "业务二科和人事科" may be one item or two, and
    "发展和改革局" is one — a count is wrong only when no reading of 和/及 gives it."""
    if not items:
        return 0, 0
    joined = sum(len([x for x in re.split(r"和|及", item) if x.strip()]) - 1 for item in items)
    return len(items), len(items) + joined


def count_parts(doc: Document, found: Extracted) -> list[Finding]:
    """ "内设机构5个，其中综合科室2个，业务科室2个": the parts of a count must add up to it."""
    out = []
    for line in prose(doc):
        for match in p.COUNT_PARTS.finditer(line.text):
            total = _count(match["n"])
            parts = [_count(m[1]) for m in re.finditer(rf"({p._CN_N})\s*{match['unit']}", match["parts"])]
            if total is None or len(parts) < 2 or None in parts:
                continue
            added = sum(x for x in parts if x is not None)
            if added != total:
                shown = "+".join(str(x) for x in parts)
                message = f"写明{total}{match['unit']}，其中各项合计{shown}={added}{match['unit']}"
                out.append(_f("error", "count-mismatch", message, match[0][:60], line.number))
    return out


def _count(text: str) -> int | None:
    return int(text) if text.isdigit() else nz.cn_to_int(text)
