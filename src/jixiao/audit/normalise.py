"""Normalising extracted text into located lines (stack.md "extracted text spacing").

Full-width digits and letters to ASCII, number punctuation made ASCII inside numbers, spaces
removed inside numbers, between a number and its unit and between Chinese characters, Markdown
``**`` dropped, page numbers and blank lines dropped, and lines broken by a PDF or page wrap
joined again — each line keeping the locator of where it started.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Final

from jixiao.audit.model import Line
from jixiao.audit.numbers_zh import parse_marker

# ---------------------------------------------------------------------------------------------
# Normalisation tables and patterns
# ---------------------------------------------------------------------------------------------

#: One character for one: full-width digits and letters to ASCII, odd spaces to " ", invisible ones dropped.
CHAR_MAP: Final = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
        **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
        **dict.fromkeys("\t\v\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a", " "),
        **dict.fromkeys("\n\x85\u2028\u2029\u202f\u205f\u3000", " "),
        **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\xad\x00\f\r", None),
        **dict.fromkeys([chr(c) for c in range(1, 32) if chr(c) not in "\t\n\v\f\r"], None),
        "\u2212": "-",
    }
)
#: Any character CHAR_MAP changes (translating only lines that have one is much faster).
CHAR_MAP_RE: Final = re.compile("[" + "".join(re.escape(chr(code)) for code in CHAR_MAP) + "]")
#: Chinese characters and the punctuation written with them.
CJK: Final = (
    "\u2e80-\u2fff\u3001-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3200-\u32ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uffef"
    "\u2014\u2018\u2019\u201c\u201d\u2026"
)

#: (pattern, replacement, characters one of which must be in the line for the rule to apply), in order.
SPACING_RULES: Final[tuple[tuple[re.Pattern[str], str, str], ...]] = (
    (re.compile(r"\*\*"), "", "*"),  # Markdown emphasis
    (re.compile(r"(?<=\d)\s*[％%]"), "%", "％%"),  # 97.02 ％ → 97.02%
    (re.compile(r"(?<=\d)．(?=\d)"), ".", "．"),  # 97．02 → 97.02
    (re.compile(r"－(?=\d)"), "-", "－"),  # －79.72% → -79.72%
    # 2024 年度, 912.97 万元, 开展 2025 年, 填 报 人 and a PDF wrap inside a word
    (re.compile(rf"(?<=[\d%{CJK}])\s+(?=[{CJK}])|(?<=[{CJK}])\s+(?=\d)"), "", " "),
    (re.compile(r" {2,}"), " ", " "),
)
#: 12，345.67 / 12 ,345 / 1, 234 → 12,345.67 (千分位 written with a full-width comma or spaces).
THOUSANDS_RE: Final = re.compile(r"(?<![\d.,])\d{1,3}(?:\s?[,，]\s?\d{3})+(?:\.\d+)?(?![\d])")
#: "1 2 3" or "1 2 , 3 4 5 . 6 7": a number spaced out character by character.
SPACED_DIGITS_RE: Final = re.compile(r"(?<![\d.,])\d(?: [\d.,]){2,}(?![\d.,])")
THOUSANDS_SEPARATOR_RE: Final = re.compile(r"\s?[,，]\s?")

#: Lines that are a page number wherever they are.
PAGE_NUMBER_RES: Final = (
    re.compile(r"[-—–―‒－~·•]+\s*\d{1,4}\s*[-—–―‒－~·•]+"),  # — 1 —, - 2 -
    re.compile(r"第\s*\d{1,4}\s*页(?:\s*[,，/、]?\s*共\s*\d{1,4}\s*页)?"),  # 第 3 页, 第3页 共10页
    re.compile(r"共\s*\d{1,4}\s*页\s*[,，/、]?\s*第\s*\d{1,4}\s*页"),
    re.compile(r"\d{1,4}\s*/\s*\d{1,4}"),  # 3/10
    re.compile(r"(?i:page)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?"),
)
#: A lone number: a page number only when it is the first or last line of a page.
LONE_NUMBER_RE: Final = re.compile(r"\d{1,3}")

#: A line ending with one of these ends a sentence (closing quotes are looked through).
SENTENCE_END: Final = frozenset("。！？!?；;：:…")
CLOSING_QUOTES: Final = "”’」』\"'"
#: A line with one of these inside is prose, not a heading.
SENTENCE_INNER: Final = frozenset("。！？；!?;")
#: A field of the cover page: 评价年度：…, 填报日期：…
FIELD_RE: Final = re.compile(r"[\u4e00-\u9fff（）()\s]{2,14}[：:]")
FIELD_MAX: Final = 40
#: Lines shorter than this without sentence punctuation are titles or headings.
SHORT_LINE: Final = 20
#: The shortest full line there is: 28 characters a line in GB/T 9704 official documents.
MIN_WIDTH: Final = 28
#: A line at least this share of the usual full line length may be a wrapped heading.
WIDE_SHARE: Final = 0.8
#: Markers that may start a wrapped continuation (一是 is also written mid-paragraph).
INLINE_MARKERS: Final = frozenset({"ordinal_shi", "ordinal_di"})

# ---------------------------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------------------------


def _thousands(match: re.Match[str]) -> str:
    return THOUSANDS_SEPARATOR_RE.sub(",", match.group())


def _unspace_digits(match: re.Match[str]) -> str:
    return match.group().replace(" ", "")


def normalise_text(text: str) -> str:
    """Normalise one line: ``２０２４ 年度`` → ``2024年度``, ``12，345.67 万元`` → ``12,345.67万元``.

    Also ``填 报 人`` → ``填报人`` and ``**粗体**`` → ``粗体``; Chinese punctuation outside numbers is kept.
    """
    out = (text.translate(CHAR_MAP) if CHAR_MAP_RE.search(text) else text).strip()
    if " " in out:
        out = SPACED_DIGITS_RE.sub(_unspace_digits, out)
    if "," in out or "，" in out:
        out = THOUSANDS_RE.sub(_thousands, out)
    for pattern, replacement, triggers in SPACING_RULES:
        if any(map(out.__contains__, triggers)):
            out = pattern.sub(replacement, out)
    return out.strip()


@dataclass(frozen=True, slots=True)
class RawLine:
    """A line as extracted, with its locator; ``sheet`` counts page breaks (to spot page numbers)."""

    text: str
    number: int
    page: int | None = None
    in_table: bool = False
    sheet: int = 0
    place: str = ""  # where a reviewer finds it: 第3页第5段 (.docx), 第3页第12行 (.pdf); "" for a text line


@dataclass(slots=True)
class _Item:
    text: str
    raw: RawLine
    page_edge: bool = False
    joined: bool = False


def is_page_number(text: str, *, page_edge: bool = False) -> bool:
    """``— 1 —``, ``- 2 -``, ``第 3 页``, ``3/10``; a lone ``7`` only at a page's first or last line."""
    if any(pattern.fullmatch(text) for pattern in PAGE_NUMBER_RES):
        return True
    return page_edge and LONE_NUMBER_RE.fullmatch(text) is not None


def _mark_page_edges(items: list[_Item]) -> None:
    """Flag the first and last line of every page (and the last line of the document)."""
    for index, item in enumerate(items):
        before = items[index - 1].raw.sheet if index else None
        after = items[index + 1].raw.sheet if index + 1 < len(items) else None
        item.page_edge = (index > 0 and before != item.raw.sheet) or after != item.raw.sheet


def _usual_width(items: Sequence[_Item]) -> int:
    """The length of a full line: the 90th percentile of line lengths (PDF lines are mostly full), at least 28."""
    lengths = sorted(len(item.text) for item in items if not item.raw.in_table)
    return max(MIN_WIDTH, lengths[min(len(lengths) - 1, int(0.9 * len(lengths)))] if lengths else 0)


def _ends_sentence(text: str) -> bool:
    stripped = text.rstrip(CLOSING_QUOTES)
    return not stripped or stripped[-1] in SENTENCE_END


def _is_field(text: str) -> bool:
    return len(text) < FIELD_MAX and FIELD_RE.match(text) is not None and not any(ch in "，。" for ch in text)


def _is_heading(text: str, width: int) -> bool:
    if any(ch in SENTENCE_INNER for ch in text) or len(text) >= WIDE_SHARE * width:
        return False
    return len(text) < SHORT_LINE or parse_marker(text) is not None


def _starts_block(text: str) -> bool:
    marker = parse_marker(text)
    return (marker is not None and marker.kind not in INLINE_MARKERS) or _is_field(text)


def _continues(prev: _Item, nxt: _Item, width: int) -> bool:
    """Whether ``nxt`` continues ``prev``, broken by a wrap: prev ends mid-sentence, nxt starts no block."""
    if prev.raw.in_table or nxt.raw.in_table or _is_cell(prev.text) or _is_cell(nxt.text):
        return False
    marker = parse_marker(prev.text)
    if marker is not None and marker.end >= len(prev.text.rstrip()):
        return True  # a numbering label alone on its line ("1." then a tab in Word) belongs to the next line
    if _ends_sentence(prev.text) or _is_field(prev.text) or (not prev.joined and _is_heading(prev.text, width)):
        return False
    return not _starts_block(nxt.text)


def _glue(left: str, right: str) -> str:
    space = " " if left[-1:].isascii() and left[-1:].isalpha() and right[:1].isascii() and right[:1].isalpha() else ""
    return left + space + right


def _join_wraps(items: list[_Item]) -> list[_Item]:
    width = _usual_width(items)
    joined: list[_Item] = []
    for item in items:
        if joined and _continues(joined[-1], item, width):
            prev = joined[-1]
            prev.joined = True
            prev.text = normalise_text(_glue(prev.text, item.text))
        else:
            joined.append(item)
    return joined


#: A line with this many tabs is a table row flattened into text: its tabs separate cells.
TAB_CELLS: Final = 2


def _tabs_to_cells(text: str) -> str:
    """ "收入预算数\t1200.00\t1185.00" → "收入预算数 | 1200.00 | 1185.00" (a single tab stays a space)."""
    if text.count("\t") < TAB_CELLS:
        return text
    return " | ".join(cell.strip() for cell in text.strip("\t\r\n").split("\t"))


def _is_cell(text: str) -> bool:
    """A table cell of a table flattened one cell a line ("主管部门 |"): never joined to its neighbours."""
    return text.endswith("|") or text.startswith("|") or " | " in text


def normalise_located(raws: Iterable[RawLine], *, join_wraps: bool = True) -> list[Line]:
    """Normalise located lines: clean each, drop blanks and page numbers, join wrapped lines (first locator kept)."""
    items = [_Item(normalise_text(_tabs_to_cells(raw.text)), raw) for raw in raws]
    items = [item for item in items if item.text]
    _mark_page_edges(items)
    items = [item for item in items if not is_page_number(item.text, page_edge=item.page_edge)]
    if join_wraps:
        items = _join_wraps(items)
    return [Line(item.text, item.raw.number, item.raw.page, item.raw.in_table, item.raw.place) for item in items]


def _raw_text_lines(lines: Iterable[str]) -> Iterator[RawLine]:
    """Number lines from 1; a form feed (``\\f``) starts a new page."""
    sheet = 0
    for number, text in enumerate(lines, start=1):
        if "\f" in text:
            before, _, after = text.rpartition("\f")
            if before.replace("\f", "").strip():
                yield RawLine(before, number, sheet=sheet)
            sheet += text.count("\f")
            text = after
        yield RawLine(text, number, sheet=sheet)


def normalise_lines(raw_lines: Iterable[str], *, join_wraps: bool = True) -> list[str]:
    """The normalised text of ``raw_lines`` (any source), blank and page-number lines dropped, wraps joined."""
    return [line.text for line in normalise_located(_raw_text_lines(raw_lines), join_wraps=join_wraps)]
