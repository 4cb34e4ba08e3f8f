"""Reading .docx: body paragraphs and table rows in document order, Word auto-numbering resolved.

The package is read directly (zipfile + lxml, only document.xml, numbering.xml and styles.xml),
after its declared sizes are checked (``frameworks.packages``: a zip bomb is refused before a byte
is inflated). Word's 一、/（一） labels, which python-docx drops (stack.md), are rebuilt from
numbering.xml. Each block is located by paragraph, and by page when Word recorded where its pages
broke (``w:lastRenderedPageBreak``, written by Word and WPS when they save): a .docx has no pages
of its own, so without them the paragraph number over the whole document is given.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from jixiao.audit.model import Document
from jixiao.audit.normalise import CJK, RawLine, normalise_located
from jixiao.audit.numbers_zh import CIRCLED, int_to_cn
from jixiao.audit.problems import _detail, _failed, _head, _os_problem
from jixiao.frameworks.packages import PackageRefused, package_problem, read_part

_Element = Any  # lxml elements (lxml ships no type information)

# ---------------------------------------------------------------------------------------------
# .docx: body paragraphs and tables in order, Word auto-numbering resolved
# ---------------------------------------------------------------------------------------------

W: Final = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS: Final = {"w": W, "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006"}
W_P, W_TBL, W_TR, W_TC, W_SDT, W_CUSTOM = (f"{{{W}}}{t}" for t in ("p", "tbl", "tr", "tc", "sdt", "customXml"))
W_T, W_TAB, W_BR, W_CR, W_HYPHEN = (f"{{{W}}}{t}" for t in ("t", "tab", "br", "cr", "noBreakHyphen"))
W_RENDERED_BREAK: Final = f"{{{W}}}lastRenderedPageBreak"
W_R: Final = f"{{{W}}}r"
RUN_TAGS: Final = frozenset({W_T, W_TAB, W_BR, W_CR, W_HYPHEN, W_RENDERED_BREAK})
W_PPR, W_PSTYLE, W_NUMPR, W_NUMID, W_ILVL = (f"{{{W}}}{t}" for t in ("pPr", "pStyle", "numPr", "numId", "ilvl"))
W_VAL: Final = f"{{{W}}}val"
W_TYPE: Final = f"{{{W}}}type"
RUN_CONTENT_XPATH: Final = (
    ".//w:r[not(ancestor::mc:Fallback) and not(ancestor::w:moveFrom)]/*[self::w:t or self::w:tab or self::w:br"
    " or self::w:cr or self::w:noBreakHyphen or self::w:lastRenderedPageBreak]"
)
REL: Final = "http://schemas.openxmlformats.org/package/2006/relationships"
RT_BASE: Final = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
RT_DOCUMENT, RT_NUMBERING, RT_STYLES = (RT_BASE + t for t in ("officeDocument", "numbering", "styles"))
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


def _clark_val(element: _Element, tag: str) -> str | None:
    found = element.find(tag)
    return None if found is None else found.get(W_VAL)


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
        ppr = p.find(W_PPR)
        style, num_id, ilvl = None, None, None
        if ppr is not None:
            style = _clark_val(ppr, W_PSTYLE)
            num_pr = ppr.find(W_NUMPR)
            if num_pr is not None:
                num_id, ilvl = _clark_val(num_pr, W_NUMID), _clark_val(num_pr, W_ILVL)
        style = style or self.default_style
        style_num, style_ilvl = self.style_numbering.get(style, (None, None))
        level = _int(ilvl, -1) if ilvl is not None else style_ilvl
        return num_id if num_id is not None else style_num, level, style

    def label(self, p: _Element) -> str:
        """The label Word shows before paragraph ``p`` (``一、``, ``（一）``, ``1.``), advancing the counters."""
        if not self.nums:
            return ""  # no list in the document
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
    """Walks the body in order, yielding (text, in_table, page) per paragraph and per table row.

    ``page`` counts Word's rendered page breaks (``rendered``); it is None when there are none.
    """

    numbering: Numbering
    run_content: Any
    rendered: bool = False
    page: int = 1

    def paragraph(self, p: _Element) -> tuple[str, int | None]:
        """The paragraph's text (label first) and the page it starts on."""
        parts = [self.numbering.label(p)]
        start: int | None = None
        for node in self.run_content(p):
            tag = node.tag
            if tag == W_RENDERED_BREAK:
                self.page += 1
                continue
            if start is None:
                start = self.page
            if tag == W_T:
                parts.append(node.text or "")
            elif tag == W_TAB:
                parts.append("\t")
            elif tag == W_HYPHEN:
                parts.append("-")
            elif node.get(W_TYPE) in (None, "textWrapping"):  # w:br / w:cr; page breaks add nothing
                parts.append("\n")
        return "".join(parts), (start or self.page) if self.rendered else None

    def blocks(self, parent: _Element) -> Iterator[tuple[str, bool, int | None]]:
        for child in parent.iterchildren():
            tag = child.tag
            if tag == W_P:
                text, page = self.paragraph(child)
                yield text, False, page
            elif tag == W_TBL:
                yield from self.rows(child)
            elif tag in (W_SDT, W_CUSTOM):
                content = child.find("w:sdtContent", NS) if tag == W_SDT else child
                if content is not None:
                    yield from self.blocks(content)

    def rows(self, table: _Element) -> Iterator[tuple[str, bool, int | None]]:
        for tr in _own(table, W_TR):  # a nested table's rows are read as part of their cell
            pages: list[int | None] = []
            cells = [self.cell_text(tc, pages) for tc in _own(tr, W_TC)]
            start = pages[0] if pages else (self.page if self.rendered else None)
            if any(cell.strip() for cell in cells):
                yield CELL_SEPARATOR.join(cells), True, start

    def cell_text(self, tc: _Element, pages: list[int | None]) -> str:
        """The cell's paragraphs on one line; the page of the first one with text is added to ``pages``."""
        texts = []
        for text, _, page in self.blocks(tc):
            if text.strip():
                texts.append(text.replace("\n", " ").strip())
                pages.append(page)
        return " ".join(texts)


def _needs_xpath(data: bytes) -> bool:
    return b"AlternateContent" in data or b"moveFrom" in data


def _run_content(p: _Element) -> Iterator[_Element]:
    """What ``RUN_CONTENT_XPATH`` selects, for a document without mc:AlternateContent or w:moveFrom: faster."""
    for run in p.iter(W_R):
        for node in run:
            if node.tag in RUN_TAGS:
                yield node


def _own(parent: _Element, tag: str) -> Iterator[_Element]:
    """The ``tag`` elements under ``parent`` (rows of a table, cells of a row), not those of a nested table."""
    for child in parent.iterchildren():
        if child.tag == tag:
            yield child
        elif child.tag != W_TBL:
            yield from _own(child, tag)


def _docx_problem(path: Path, data_head: bytes) -> str | None:
    if data_head.startswith(OLE_MAGIC):
        return f"文件“{path.name}”是旧版 Word（.doc）或其他 OLE 格式，请在 Word/WPS 中另存为 .docx"
    if not data_head.startswith(b"PK"):
        return f"文件“{path.name}”已损坏或不是 Word（.docx）文件（不是 zip 格式）"
    return None


class _NotWord(Exception):
    """A zip that is not a Word document (no main document part)."""


def _xml_parser() -> Any:
    from lxml import etree  # type: ignore[import-untyped]

    # no entities, no network, libxml2's default depth and size limits (huge_tree off)
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


def _relationships(archive: zipfile.ZipFile, part: str, name: str) -> dict[str, str]:
    """relationship type → target part name, for ``part`` ("" for the package itself)."""
    from lxml import etree

    folder, _, base = part.rpartition("/")
    rels = f"{folder + '/' if folder else ''}_rels/{base}.rels"
    if rels not in archive.NameToInfo:
        return {}
    root = etree.fromstring(read_part(archive, rels, name), _xml_parser())
    found: dict[str, str] = {}
    for rel in root.iter(f"{{{REL}}}Relationship"):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External" or not target:
            continue
        target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        found.setdefault(rel.get("Type", ""), target)
    return found


def _part(archive: zipfile.ZipFile, member: str | None, name: str) -> _Element | None:
    from lxml import etree

    if not member or member not in archive.NameToInfo:
        return None
    return etree.fromstring(read_part(archive, member, name), _xml_parser())


def _docx_raw_lines(path: Path) -> list[RawLine]:
    from lxml import etree

    with zipfile.ZipFile(path) as archive:
        problem = package_problem(archive, path.name)
        if problem:
            raise PackageRefused(problem)
        main = _relationships(archive, "", path.name).get(RT_DOCUMENT, "word/document.xml")
        if main not in archive.NameToInfo:
            raise _NotWord(main)
        related = _relationships(archive, main, path.name)
        data = read_part(archive, main, path.name)
        document = etree.fromstring(data, _xml_parser())
        numbering = Numbering(
            _part(archive, related.get(RT_NUMBERING), path.name), _part(archive, related.get(RT_STYLES), path.name)
        )
    body = document.find(f"{{{W}}}body")
    if body is None:
        raise _NotWord(main)
    # the XPath (which skips mc:Fallback copies and moved-from text) only when the document has either
    run_content = etree.XPath(RUN_CONTENT_XPATH, namespaces=NS) if _needs_xpath(data) else _run_content
    walker = _DocxWalker(numbering, run_content, b"lastRenderedPageBreak" in data)
    return _located(walker.blocks(body))


def _located(blocks: Iterator[tuple[str, bool, int | None]]) -> list[RawLine]:
    """Raw lines numbered by block (paragraph or table row); placed by page and paragraph when pages are known."""
    raws: list[RawLine] = []
    number = in_page = 0
    last_page: int | None = None
    for text, in_table, page in blocks:
        if not text.strip():
            continue
        number += 1
        in_page = in_page + 1 if page == last_page else 1
        last_page = page
        place = f"第{page}页第{in_page}段" if page is not None else f"第{number}段"
        if in_table:
            place += "（表格）"
        raws.extend(RawLine(piece, number, page=page, in_table=in_table, place=place) for piece in text.split("\n"))
    return raws


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
    except PackageRefused as refused:
        return _failed(path, "docx", refused.message)
    except _NotWord:
        return _failed(
            path, "docx", f"文件“{path.name}”不是有效的 Word（.docx）文件：缺少正文部分（word/document.xml）"
        )
    except zipfile.BadZipFile:
        return _failed(path, "docx", f"文件“{path.name}”已损坏，无法作为 Word（.docx）打开")
    except OSError as exc:
        return _failed(path, "docx", _os_problem(path, exc))
    except Exception as exc:  # zipfile/lxml raise many types for broken packages
        return _failed(path, "docx", f"文件“{path.name}”不是有效的 Word（.docx）文件：{_detail(exc)}")
    lines = normalise_located(raws, join_wraps=False)
    problem = "" if lines else f"文件“{path.name}”没有文字内容"
    return Document(file=str(path), kind="docx", lines=tuple(lines), problem=problem)
