"""Reading submitted reports (.txt/.docx/.pdf) into normalised, located lines (formats.md §5).

``read(path)`` never raises for bad input: a file that cannot be read gives a ``Document`` with no
lines and ``problem`` set to a Chinese message naming the file. Line numbers point a reviewer at
the source: the original line number for .txt, the paragraph/table-row number for .docx, the
line within its page (``page`` set) for .pdf.

``normalise_lines`` is the shared clean-up (stack.md "extracted text spacing"): full-width digits
and letters to ASCII, number punctuation made ASCII inside numbers, spaces removed inside numbers,
between a number and its unit and between Chinese characters, Markdown ``**`` dropped, page
numbers and blank lines dropped, and lines broken by a PDF or page wrap joined again.

python-docx and pypdf are imported inside the functions that need them.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

from jixiao.audit.model import Document, Line
from jixiao.audit.numbers_zh import CIRCLED, int_to_cn, parse_marker

_Element = Any  # lxml elements (lxml ships no type information)
Kind = Literal["txt", "docx", "pdf"]

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
    if prev.raw.in_table or nxt.raw.in_table:
        return False
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


def normalise_located(raws: Iterable[RawLine], *, join_wraps: bool = True) -> list[Line]:
    """Normalise located lines: clean each, drop blanks and page numbers, join wrapped lines (first locator kept)."""
    items = [_Item(normalise_text(raw.text), raw) for raw in raws]
    items = [item for item in items if item.text]
    _mark_page_edges(items)
    items = [item for item in items if not is_page_number(item.text, page_edge=item.page_edge)]
    if join_wraps:
        items = _join_wraps(items)
    return [Line(item.text, item.raw.number, item.raw.page, item.raw.in_table) for item in items]


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


# ---------------------------------------------------------------------------------------------
# Problems
# ---------------------------------------------------------------------------------------------


def _failed(path: Path, kind: Kind, problem: str, encoding: str = "") -> Document:
    return Document(file=str(path), kind=kind, lines=(), problem=problem, encoding=encoding)


def _os_problem(path: Path, exc: OSError) -> str:
    name = path.name or str(path)
    if isinstance(exc, FileNotFoundError):
        return f"找不到文件“{name}”"
    if isinstance(exc, IsADirectoryError):
        return f"“{name}”是文件夹，不是文件"
    if isinstance(exc, PermissionError):
        return f"没有权限读取文件“{name}”"
    return f"读取文件“{name}”失败：{exc.strerror or exc}"


def _detail(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "…"


# ---------------------------------------------------------------------------------------------
# .txt
# ---------------------------------------------------------------------------------------------

BOMS: Final = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
LINE_BREAK_RE: Final = re.compile(r"\r\n|\r|\n")
#: UTF-8 text with at most this many broken sequences (or one per 1000 characters) is still read as UTF-8.
MAX_BROKEN_BYTES: Final = 3


def decode_text(data: bytes) -> tuple[str, str] | None:
    """(text, encoding): UTF-8 with or without BOM, else GB18030 (covers GBK/GB2312), UTF-16 with BOM; else None.

    UTF-8 with a few broken bytes stays UTF-8 (``utf-8 (lossy)``, shown as �): read as GB18030 it would
    decode without error into nonsense.
    """
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return _try_decode(data, encoding)
    return _try_decode(data, "utf-8") or _lossy_utf8(data) or _try_decode(data, "gb18030")


def _lossy_utf8(data: bytes) -> tuple[str, str] | None:
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    if broken > max(MAX_BROKEN_BYTES, len(text) // 1000) or "\x00" in text:
        return None
    return text, "utf-8 (lossy)"


def _try_decode(data: bytes, encoding: str) -> tuple[str, str] | None:
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    return (text, encoding) if "\x00" not in text else None


def document_from_text(text: str, file: str = "<文本>", *, encoding: str = "") -> Document:
    """A Document from text already decoded; line numbers are the text's own (1-based)."""
    lines = normalise_located(_raw_text_lines(LINE_BREAK_RE.split(text)))
    problem = "" if lines else f"文件“{Path(file).name}”没有文字内容"
    return Document(file=file, kind="txt", lines=tuple(lines), problem=problem, encoding=encoding)


def read_txt(path: Path) -> Document:
    """A text file in UTF-8, GB18030/GBK/GB2312 or UTF-16 (with BOM)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _failed(path, "txt", _os_problem(path, exc))
    if not data:
        return _failed(path, "txt", f"文件“{path.name}”是空的")
    decoded = decode_text(data)
    if decoded is None:
        message = f"文件“{path.name}”不是文本文件，或编码无法识别（支持 UTF-8、GB18030/GBK、带 BOM 的 UTF-16）"
        return _failed(path, "txt", message)
    text, encoding = decoded
    return document_from_text(text, str(path), encoding=encoding)


# ---------------------------------------------------------------------------------------------
# .docx: body paragraphs and tables in order, Word auto-numbering resolved
# ---------------------------------------------------------------------------------------------

W: Final = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS: Final = {"w": W, "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006"}
W_P, W_TBL, W_TR, W_TC, W_SDT, W_CUSTOM = (f"{{{W}}}{t}" for t in ("p", "tbl", "tr", "tc", "sdt", "customXml"))
W_T, W_TAB, W_BR, W_CR, W_HYPHEN = (f"{{{W}}}{t}" for t in ("t", "tab", "br", "cr", "noBreakHyphen"))
W_VAL: Final = f"{{{W}}}val"
RUN_CONTENT_XPATH: Final = (
    ".//w:r[not(ancestor::mc:Fallback) and not(ancestor::w:moveFrom)]"
    "/*[self::w:t or self::w:tab or self::w:br or self::w:cr or self::w:noBreakHyphen]"
)
CELL_SEPARATOR: Final = " | "
MAX_LEVELS: Final = 9
OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0"

STEMS: Final = "甲乙丙丁戊己庚辛壬癸"
BRANCHES: Final = "子丑寅卯辰巳午未申酉戌亥"
LEGAL: Final = str.maketrans("零一二三四五六七八九十百千", "零壹贰叁肆伍陆柒捌玖拾佰仟")
IDEO_DIGITS: Final = "〇一二三四五六七八九"
ROMAN: Final = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))  # fmt: skip
CIRCLED_BY_VALUE: Final = {value: char for char, value in CIRCLED.items()}


def _roman(n: int) -> str:
    out = ""
    for value, letters in ROMAN:
        count, n = divmod(n, value)
        out += letters * count
    return out


def _letters(n: int) -> str:
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else ""


def _enclosed(base: int, n: int) -> str:
    return chr(base + n - 1) if 1 <= n <= 20 else str(n)


#: Word numFmt → how a counter is written.
NUMBER_FORMATS: Final[dict[str, Any]] = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "upperRoman": _roman,
    "lowerRoman": lambda n: _roman(n).lower(),
    "upperLetter": _letters,
    "lowerLetter": lambda n: _letters(n).lower(),
    "chineseCounting": int_to_cn,
    "chineseCountingThousand": int_to_cn,
    "japaneseCounting": int_to_cn,
    "taiwaneseCounting": int_to_cn,
    "taiwaneseCountingThousand": int_to_cn,
    "chineseLegalSimplified": lambda n: int_to_cn(n).translate(LEGAL),
    "ideographLegalTraditional": lambda n: int_to_cn(n).translate(LEGAL),
    "ideographDigital": lambda n: "".join(IDEO_DIGITS[int(d)] for d in str(n)),
    "taiwaneseDigital": lambda n: "".join(IDEO_DIGITS[int(d)] for d in str(n)),
    "japaneseDigitalTenThousand": lambda n: "".join(IDEO_DIGITS[int(d)] for d in str(n)),
    "ideographTraditional": lambda n: STEMS[(n - 1) % 10],
    "ideographZodiac": lambda n: BRANCHES[(n - 1) % 12],
    "decimalEnclosedCircle": lambda n: CIRCLED_BY_VALUE.get(n, str(n)),
    "decimalEnclosedCircleChinese": lambda n: CIRCLED_BY_VALUE.get(n, str(n)),
    "ideographEnclosedCircle": lambda n: chr(0x3280 + n - 1) if 1 <= n <= 10 else str(n),
    "decimalEnclosedFullstop": lambda n: _enclosed(0x2488, n),
    "decimalEnclosedParen": lambda n: _enclosed(0x2474, n),
    "none": lambda n: "",
    "bullet": lambda n: "",
}


def format_counter(n: int, num_fmt: str) -> str:
    """A counter in a Word number format: (3, "chineseCounting") → 三; unknown formats as decimals."""
    try:
        return str(NUMBER_FORMATS.get(num_fmt, str)(n))
    except (ValueError, IndexError):
        return str(n)


@dataclass(frozen=True, slots=True)
class _Level:
    fmt: str = "decimal"
    text: str = ""
    start: int = 1
    restart: int | None = None
    legal: bool = False
    suffix: str = "tab"
    style: str = ""


def _val(element: _Element | None, child: str, default: str | None = None) -> str | None:
    if element is None:
        return default
    found = element.find(f"w:{child}", NS)
    if found is None:
        return default
    value: str | None = found.get(W_VAL, default)
    return value


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _parse_level(lvl: _Element) -> _Level:
    restart = _val(lvl, "lvlRestart")
    return _Level(
        fmt=_val(lvl, "numFmt", "decimal") or "decimal",
        text=_val(lvl, "lvlText", "") or "",
        start=_int(_val(lvl, "start"), 1),
        restart=None if restart is None else _int(restart, 0),
        legal=lvl.find("w:isLgl", NS) is not None and _val(lvl, "isLgl", "1") not in ("0", "false"),
        suffix=_val(lvl, "suff", "tab") or "tab",
        style=_val(lvl, "pStyle", "") or "",
    )


def _levels(parent: _Element) -> dict[int, _Level]:
    return {_int(lvl.get(f"{{{W}}}ilvl"), 0): _parse_level(lvl) for lvl in parent.findall("w:lvl", NS)}


@dataclass(slots=True)
class _Num:
    abstract: str
    starts: dict[int, int]
    levels: dict[int, _Level]


class Numbering:
    """Word auto-numbering: numId → abstractNum → level format, text and counters, in document order."""

    def __init__(self, numbering: _Element | None, styles: _Element | None) -> None:
        self.abstracts: dict[str, dict[int, _Level]] = {}
        self.links: dict[str, str] = {}  # abstractNum id → numbering style it links to
        self.nums: dict[str, _Num] = {}
        self.style_numbering = _style_numbering(styles)
        self.default_style = _default_paragraph_style(styles)
        self.counters: dict[str, dict[int, int]] = {}
        self.used: set[str] = set()
        if numbering is not None:
            self._load(numbering)

    def _load(self, numbering: _Element) -> None:
        for abstract in numbering.findall("w:abstractNum", NS):
            key = abstract.get(f"{{{W}}}abstractNumId", "")
            self.abstracts[key] = _levels(abstract)
            link = _val(abstract, "numStyleLink")
            if link:
                self.links[key] = link
        for num in numbering.findall("w:num", NS):
            self.nums[num.get(f"{{{W}}}numId", "")] = _parse_num(num)

    def _resolve(self, num_id: str) -> tuple[str, dict[int, _Level]] | None:
        num = self.nums.get(num_id)
        if num is None:
            return None
        abstract_id = num.abstract
        levels = self.abstracts.get(abstract_id, {})
        link = self.links.get(abstract_id)
        if not levels and link:  # numStyleLink: the levels are defined on the numbering style's list
            linked = self.nums.get(self.style_numbering.get(link, ("", None))[0] or "")
            if linked is not None:
                abstract_id, levels = linked.abstract, self.abstracts.get(linked.abstract, {})
        return abstract_id, {**levels, **num.levels}

    def _num_pr(self, p: _Element) -> tuple[str | None, int | None, str]:
        ppr = p.find("w:pPr", NS)
        style = (_val(ppr, "pStyle") if ppr is not None else None) or self.default_style
        num_pr = ppr.find("w:numPr", NS) if ppr is not None else None
        num_id, ilvl = (_val(num_pr, "numId"), _val(num_pr, "ilvl")) if num_pr is not None else (None, None)
        style_num, style_ilvl = self.style_numbering.get(style, (None, None))
        level = _int(ilvl, -1) if ilvl is not None else style_ilvl
        return num_id if num_id is not None else style_num, level, style

    def label(self, p: _Element) -> str:
        """The label Word shows before paragraph ``p`` (``一、``, ``（一）``, ``1.``), advancing the counters."""
        num_id, ilvl, style = self._num_pr(p)
        if not num_id or num_id == "0":
            return ""
        resolved = self._resolve(num_id)
        if resolved is None:
            return ""
        abstract_id, levels = resolved
        if ilvl is None or ilvl < 0:
            ilvl = next((i for i, lvl in levels.items() if style and lvl.style == style), 0)
        level = levels.get(ilvl)
        if level is None:
            return ""
        counters = self._advance(num_id, abstract_id, ilvl, levels)
        return _render(level, counters, levels)

    def _advance(self, num_id: str, abstract_id: str, ilvl: int, levels: dict[int, _Level]) -> dict[int, int]:
        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self.used:  # a list restarted with startOverride begins there
            self.used.add(num_id)
            for index, start in self.nums[num_id].starts.items():
                counters[index] = start - 1
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else levels[ilvl].start
        for deeper in range(ilvl + 1, MAX_LEVELS):
            restart = levels[deeper].restart if deeper in levels else None
            if restart is None or (restart != 0 and ilvl < restart):
                counters.pop(deeper, None)
        return counters


def _parse_num(num: _Element) -> _Num:
    starts: dict[int, int] = {}
    levels: dict[int, _Level] = {}
    for override in num.findall("w:lvlOverride", NS):
        index = _int(override.get(f"{{{W}}}ilvl"), 0)
        start = _val(override, "startOverride")
        if start is not None:
            starts[index] = _int(start, 1)
        lvl = override.find("w:lvl", NS)
        if lvl is not None:
            levels[index] = _parse_level(lvl)
    return _Num(_val(num, "abstractNumId", "") or "", starts, levels)


def _render(level: _Level, counters: dict[int, int], levels: dict[int, _Level]) -> str:
    if level.fmt == "bullet":
        return ""

    def placeholder(match: re.Match[str]) -> str:
        index = int(match.group(1)) - 1
        ref = levels.get(index, _Level())
        value = counters.get(index, ref.start)
        return format_counter(value, "decimal" if level.legal and ref.fmt != "none" else ref.fmt)

    label = re.sub(r"%([1-9])", placeholder, level.text).strip()
    if not label or level.suffix == "nothing" or re.search(rf"[{CJK}]$", label):
        return label
    return label + " "


def _style_numbering(styles: _Element | None) -> dict[str, tuple[str | None, int | None]]:
    """style id → (numId, ilvl) from the style or the styles it is based on."""
    if styles is None:
        return {}
    own: dict[str, tuple[str | None, int | None]] = {}
    based: dict[str, str] = {}
    for style in styles.findall("w:style", NS):
        key = style.get(f"{{{W}}}styleId", "")
        parent = _val(style, "basedOn")
        if parent:
            based[key] = parent
        num_pr = style.find("w:pPr/w:numPr", NS)
        if num_pr is not None:
            ilvl = _val(num_pr, "ilvl")
            own[key] = (_val(num_pr, "numId"), None if ilvl is None else _int(ilvl, 0))
    return {key: found for key in {*own, *based} if (found := _inherited(key, own, based)) is not None}


def _inherited(
    key: str, own: dict[str, tuple[str | None, int | None]], based: dict[str, str]
) -> tuple[str | None, int | None] | None:
    for _ in range(20):  # basedOn chains are short; cycles are cut
        if key in own:
            return own[key]
        if key not in based:
            return None
        key = based[key]
    return None


def _default_paragraph_style(styles: _Element | None) -> str:
    if styles is None:
        return ""
    for style in styles.findall("w:style", NS):
        if style.get(f"{{{W}}}type") == "paragraph" and style.get(f"{{{W}}}default") in ("1", "true", "on"):
            return str(style.get(f"{{{W}}}styleId", ""))
    return ""


@dataclass
class _DocxWalker:
    """Walks the body in order, yielding (text, in_table) per paragraph and per table row."""

    numbering: Numbering
    run_content: Any

    def paragraph_text(self, p: _Element) -> str:
        parts = [self.numbering.label(p)]
        for node in self.run_content(p):
            tag = node.tag
            if tag == W_T:
                parts.append(node.text or "")
            elif tag == W_TAB:
                parts.append("\t")
            elif tag == W_HYPHEN:
                parts.append("-")
            elif node.get(f"{{{W}}}type") in (None, "textWrapping"):  # w:br / w:cr; page breaks add nothing
                parts.append("\n")
        return "".join(parts)

    def blocks(self, parent: _Element) -> Iterator[tuple[str, bool]]:
        for child in parent.iterchildren():
            tag = child.tag
            if tag == W_P:
                yield self.paragraph_text(child), False
            elif tag == W_TBL:
                yield from self.rows(child)
            elif tag in (W_SDT, W_CUSTOM):
                content = child.find("w:sdtContent", NS) if tag == W_SDT else child
                if content is not None:
                    yield from self.blocks(content)

    def rows(self, table: _Element) -> Iterator[tuple[str, bool]]:
        for tr in table.iter(W_TR):
            if _nearest(tr, W_TBL) is not table:
                continue  # a nested table's rows are read as part of their cell
            cells = [self.cell_text(tc) for tc in tr.iter(W_TC) if _nearest(tc, W_TR) is tr]
            if any(cell.strip() for cell in cells):
                yield CELL_SEPARATOR.join(cells), True

    def cell_text(self, tc: _Element) -> str:
        texts = (text for text, _ in self.blocks(tc))
        return " ".join(t.replace("\n", " ").strip() for t in texts if t.strip())


def _nearest(element: _Element, tag: str) -> _Element | None:
    parent = element.getparent()
    while parent is not None and parent.tag != tag:
        parent = parent.getparent()
    return parent


def _docx_problem(path: Path, data_head: bytes) -> str | None:
    if data_head.startswith(OLE_MAGIC):
        return f"文件“{path.name}”是旧版 Word（.doc）或其他 OLE 格式，请在 Word/WPS 中另存为 .docx"
    if not data_head.startswith(b"PK"):
        return f"文件“{path.name}”已损坏或不是 Word（.docx）文件（不是 zip 格式）"
    return None


def _related_element(part: Any, relationship: str) -> _Element | None:
    try:
        element: _Element = part.part_related_by(relationship).element
    except (KeyError, AttributeError, ValueError):
        return None
    return element


def _docx_raw_lines(path: Path) -> list[RawLine]:
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from lxml import etree  # type: ignore[import-untyped]

    document = docx.Document(str(path))
    part = document.part
    numbering = Numbering(_related_element(part, RT.NUMBERING), _related_element(part, RT.STYLES))
    walker = _DocxWalker(numbering, etree.XPath(RUN_CONTENT_XPATH, namespaces=NS))
    raws: list[RawLine] = []
    number = 0
    for text, in_table in walker.blocks(document.element.body):
        if not text.strip():
            continue
        number += 1
        raws.extend(RawLine(piece, number, in_table=in_table) for piece in text.split("\n"))
    return raws


def _head(path: Path) -> bytes | str:
    """The first bytes of the file, or a problem (missing, unreadable, empty)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        return _os_problem(path, exc)
    return head or f"文件“{path.name}”是空的"


def read_docx(path: Path) -> Document:
    """Paragraphs and table rows in document order, Word's auto-numbering labels prefixed."""
    head = _head(path)
    if isinstance(head, str):
        return _failed(path, "docx", head)
    early = _docx_problem(path, head)
    if early:
        return _failed(path, "docx", early)
    try:
        raws = _docx_raw_lines(path)
    except zipfile.BadZipFile:
        return _failed(path, "docx", f"文件“{path.name}”已损坏，无法作为 Word（.docx）打开")
    except OSError as exc:
        return _failed(path, "docx", _os_problem(path, exc))
    except Exception as exc:  # python-docx/lxml raise many types for broken packages
        return _failed(path, "docx", f"文件“{path.name}”不是有效的 Word（.docx）文件：{_detail(exc)}")
    lines = normalise_located(raws, join_wraps=False)
    problem = "" if lines else f"文件“{path.name}”没有文字内容"
    return Document(file=str(path), kind="docx", lines=tuple(lines), problem=problem)


# ---------------------------------------------------------------------------------------------
# .pdf
# ---------------------------------------------------------------------------------------------

#: Fewer visible characters than this per page on average: no text layer.
MIN_CHARS_PER_PAGE: Final = 20


def _pdf_pages(path: Path) -> tuple[list[str], str]:
    """Text per page, and a problem ("" if none)."""
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # pypdf's recoverable-damage notes are not for users
    reader = PdfReader(str(path), strict=False)
    if reader.is_encrypted and not reader.decrypt(""):
        return [], f"文件“{path.name}”是加密的 PDF，需要先解除密码保护"
    texts: list[str] = []
    for page in reader.pages:
        try:
            texts.append(page.extract_text() or "")
        except Exception:  # one broken page should not lose the others
            texts.append("")
    return texts, ""


def _pdf_raw_lines(texts: Sequence[str]) -> list[RawLine]:
    """Lines numbered over the whole document (so a finding's line is unique), each with its page."""
    pages = [(page, text) for page, page_text in enumerate(texts, start=1) for text in LINE_BREAK_RE.split(page_text)]
    return [RawLine(text, number, page=page, sheet=page) for number, (page, text) in enumerate(pages, start=1)]


def read_pdf(path: Path) -> Document:
    """Text per page with pypdf; a PDF without a text layer (a scan) is reported, not guessed."""
    head = _head(path)
    if isinstance(head, str):
        return _failed(path, "pdf", head)
    try:
        texts, problem = _pdf_pages(path)
    except OSError as exc:
        return _failed(path, "pdf", _os_problem(path, exc))
    except Exception as exc:  # pypdf raises many types for broken files
        return _failed(path, "pdf", f"文件“{path.name}”已损坏或不是 PDF 文件：{_detail(exc)}")
    if problem:
        return _failed(path, "pdf", problem)
    if not texts:
        return _failed(path, "pdf", f"文件“{path.name}”没有页面")
    lines = normalise_located(_pdf_raw_lines(texts))
    visible = sum(len("".join(text.split())) for text in texts)
    if visible < MIN_CHARS_PER_PAGE * len(texts):
        problem = f"文件“{path.name}”没有文字层（可能是扫描件），需要先做文字识别（OCR）"
    return Document(file=str(path), kind="pdf", lines=tuple(lines), problem=problem)


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------

READERS_KIND: Final[dict[str, Kind]] = {".txt": "txt", ".text": "txt", ".docx": "docx", ".pdf": "pdf"}
READERS: Final = {".txt": read_txt, ".text": read_txt, ".docx": read_docx, ".pdf": read_pdf}
OTHER_FORMATS: Final = {
    ".doc": "旧版 Word（.doc）文件，请在 Word/WPS 中另存为 .docx 或 PDF",
    ".wps": "WPS 文字（.wps）文件，请在 WPS 中另存为 .docx 或 PDF",
    ".rtf": "RTF 文件，请另存为 .docx 或 PDF",
    ".odt": "OpenDocument（.odt）文件，请另存为 .docx 或 PDF",
}


def read(path: Path | str) -> Document:
    """Read a report by its suffix (.txt/.text, .docx, .pdf); never raises for bad input (see ``problem``)."""
    path = Path(path)
    suffix = path.suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        what = OTHER_FORMATS.get(suffix, f"不支持的文件类型“{suffix or '无扩展名'}”")
        return _failed(path, "txt", f"无法读取“{path.name}”：{what}；只能读取 .txt、.docx、.pdf")
    try:
        return reader(path)
    except RecursionError:
        return _failed(path, READERS_KIND[suffix], f"文件“{path.name}”结构过深，无法读取")
