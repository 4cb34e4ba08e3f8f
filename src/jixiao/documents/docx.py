"""Render a ``Report`` as .docx in the GB/T 9704-2012 layout.

Speed matters (thousands of reports), so the body is written as WordprocessingML text straight into the
template's ``word/document.xml`` (no python-docx object tree, no Jinja): every other part of the template
(styles, settings, fonts, footers with the page number, page setup in the final ``w:sectPr``) is copied
as it is. ``scripts/make_template.py`` regenerates the shipped template.

A bureau may supply its own Word/WPS template: it must define the paragraph style ids used here — Title,
DocNote, CoverLine, Body, Note, Signature, Heading1–Heading4, Caption, TableText, TableHeader,
TableAfter — and its last ``w:sectPr`` sets the page (tables span the width between the margins).
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .model import Block, Heading, PageBreak, Paragraph, Report, Row, Run, Stamp, Table, TitleBlock

TEMPLATE = Path(__file__).parent / "templates" / "report.docx"

_DOCUMENT, _CORE, _CUSTOM = "word/document.xml", "docProps/core.xml", "docProps/custom.xml"
_EPOCH = (1980, 1, 1, 0, 0, 0)  # fixed zip timestamps: the same report gives the same bytes

_PARAGRAPH_STYLE = {"body": "Body", "note": "Note", "signature": "Signature"}
_JC = {"left": "", "center": '<w:jc w:val="center"/>', "right": '<w:jc w:val="right"/>'}
_BOLD_ROWS = frozenset({"group", "subtotal", "total"})
_BORDER = 'w:val="single" w:sz="4" w:space="0" w:color="000000"'
_BORDERS = "".join(f"<w:{side} {_BORDER}/>" for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
_CELL_MARGINS = '<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
_CANT_SPLIT_BELOW = 120  # rows whose longest cell is shorter than this are kept on one page
_KEEP_TOGETHER = 12  # tables of at most this many rows are kept on one page (w:keepNext on all but the last)

# Text → XML character data: escape markup, drop characters XML forbids, tabs and line breaks as elements.
_T_OPEN = '<w:t xml:space="preserve">'
_ESCAPES: dict[int, str | None] = {c: None for c in range(32)}
_ESCAPES |= {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", 0xFFFE: None, 0xFFFF: None}
_ESCAPES |= {ord("\t"): f"</w:t><w:tab/>{_T_OPEN}", ord("\n"): f"</w:t><w:br/>{_T_OPEN}"}


def _esc(text: str) -> str:
    """Escape run text; tabs and line breaks become Word's own elements."""
    return text.translate(_ESCAPES)


_PLAIN_ESCAPES = {**_ESCAPES, ord("\t"): " ", ord("\n"): " "}


def _esc_plain(text: str) -> str:
    """Escape text for document properties (plain XML: no run markup)."""
    return text.translate(_PLAIN_ESCAPES)


@dataclass(frozen=True, slots=True)
class _Template:
    parts: tuple[tuple[str, bytes], ...]  # in package order; document.xml and properties are regenerated
    head: str  # document.xml up to and including <w:body>
    tail: str  # from the final <w:sectPr> to the end
    text_width: int  # twips between the left and right margins


@functools.lru_cache(maxsize=8)
def _load(path: Path) -> _Template:
    with zipfile.ZipFile(path) as package:
        parts = tuple((name, package.read(name)) for name in package.namelist())
    document = dict(parts)[_DOCUMENT].decode("utf-8")
    body = document.index("<w:body>") + len("<w:body>")
    sect = document.rindex("<w:sectPr")
    return _Template(parts, document[:body], document[sect:], _text_width(document[sect:]))


def _text_width(sect_pr: str) -> int:
    def twips(pattern: str) -> int:
        found = re.search(pattern, sect_pr)
        if found is None:
            raise ValueError(f"模板的 w:sectPr 缺少页面设置（{pattern}）")
        return int(found.group(1))

    return (
        twips(r'<w:pgSz[^>]*w:w="(\d+)"')
        - twips(r'<w:pgMar[^>]*w:left="(\d+)"')
        - twips(r'<w:pgMar[^>]*w:right="(\d+)"')
    )


# --- paragraphs -------------------------------------------------------------------------------------------


_MINUS = re.compile(r"-(?=\d)")


def _run(text: str, bold: bool = False) -> str:
    if not text:
        return ""
    text = _MINUS.sub("-\u2060", text)  # a word joiner keeps a minus on the line of its number (…规模-1）)
    rpr = "<w:rPr><w:b/><w:bCs/></w:rPr>" if bold else ""
    return f"<w:r>{rpr}{_T_OPEN}{_esc(text)}</w:t></w:r>"


_UNBREAKABLE = re.compile(r"[\x21-\x7e×÷]{8,}")  # a formula, figure or hash: no break inside for a line


def _para(style: str, runs: str, page_break: bool = False, ragged: bool = False) -> str:
    """A paragraph; ``ragged``: left-aligned, so that a long unbreakable stretch (a formula with its
    figures) does not leave the line before it spread across the page by justification."""
    before = "<w:pageBreakBefore/>" if page_break else ""
    jc = '<w:jc w:val="left"/>' if ragged else ""
    widow = "<w:widowControl/>" if style == "Body" else ""  # never one line of a paragraph alone on a page
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{before}{widow}{jc}</w:pPr>{runs}</w:p>'


def _runs(runs: Sequence[Run]) -> str:
    return "".join(_run(run.text, run.bold) for run in runs)


def _title_block(title: TitleBlock) -> Iterator[str]:
    if title.note:
        yield _para("DocNote", _run(title.note))
    yield _para("Title", _run(title.title))
    for label, value in title.lines:
        yield _para("CoverLine", _run(f"{label}：{value}" if label else value))


# --- tables -----------------------------------------------------------------------------------------------


def _scale(widths: Sequence[int], total: int) -> list[int]:
    """Relative widths → twips summing exactly to ``total`` (largest remainder)."""
    if not widths or any(w <= 0 for w in widths):
        raise ValueError(f"表格列宽须为正数：{tuple(widths)}")
    weight = sum(widths)
    exact = [w * total / weight for w in widths]
    twips = [int(x) for x in exact]
    by_remainder = sorted(range(len(widths)), key=lambda i: twips[i] - exact[i])
    for i in by_remainder[: total - sum(twips)]:
        twips[i] += 1
    return twips


def _cell(width: int, ppr: str, text: str, bold: bool, span: int = 1, vmerge: str = "") -> str:
    """A cell; ``ppr`` is the inside of its paragraph's w:pPr (style, keepNext, alignment);
    ``vmerge`` "restart" opens a vertically merged cell, "continue" extends the one above."""
    grid = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    merge = {"": "", "restart": '<w:vMerge w:val="restart"/>', "continue": "<w:vMerge/>"}[vmerge]
    run = "" if vmerge == "continue" else _run(text, bold)
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{grid}{merge}<w:vAlign w:val="center"/></w:tcPr>'
        f"<w:p><w:pPr>{ppr}</w:pPr>{run}</w:p></w:tc>"
    )


def _cell_pprs(table: Table, keep: bool) -> list[str]:
    style = '<w:pStyle w:val="TableText"/>' + ("<w:keepNext/>" if keep else "")
    return [style + _JC[a] for a in table.align]


def _row(cells: str, header: bool, keep: bool) -> str:
    props = ("<w:cantSplit/>" if keep else "") + ("<w:tblHeader/>" if header else "")
    return f"<w:tr><w:trPr>{props}</w:trPr>{cells}</w:tr>" if props else f"<w:tr>{cells}</w:tr>"


def _body_row(row: Row, above: Row | None, twips: Sequence[int], pprs: Sequence[str]) -> str:
    n = len(twips)
    cells = row.cells
    if len(cells) > n:
        raise ValueError(f"表格行的单元格多于列数（{len(cells)} > {n}）：{cells}")
    bold = row.kind in _BOLD_ROWS
    keep = max(map(len, cells), default=0) < _CANT_SPLIT_BELOW
    if row.kind == "group" or not cells:  # a group label alone spans the row
        last = len(cells) - 1
        while last > 0 and not cells[last]:
            last -= 1
        spans = [1] * max(last, 0) + [n - max(last, 0)]
        cells = (*cells[: max(last, 0)], cells[last] if cells else "")
    else:
        spans = [row.span(i) for i in range(len(cells))]
        if sum(spans) < n:
            spans[-1] += n - sum(spans)
    parts = []
    column = 0
    for i, (text, span) in enumerate(zip(cells, spans, strict=True)):
        if span <= 0:
            continue
        width = sum(twips[column : column + span])
        vmerge = ""
        if i < len(row.merge) and row.merge[i]:
            vmerge = "continue" if row.merged_with(above, i) else "restart"
        parts.append(_cell(width, pprs[column], text, bold, span, vmerge))
        column += span
    return _row("".join(parts), False, keep)


def _table(table: Table, text_width: int) -> Iterator[str]:
    n = len(table.widths)
    if len(table.align) != n or (table.header and len(table.header) != n):
        raise ValueError(
            f"表格“{table.caption}”的列数不一致：宽度 {n}、对齐 {len(table.align)}、表头 {len(table.header)}"
        )
    twips = _scale(table.widths, text_width)
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in twips)
    yield (
        f'<w:tbl><w:tblPr><w:tblW w:w="{text_width}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblBorders>{_BORDERS}</w:tblBorders><w:tblLayout w:type="fixed"/>{_CELL_MARGINS}'
        f'<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="0"'
        f' w:noVBand="1"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
    )
    if table.header:
        head = '<w:pStyle w:val="TableHeader"/>'
        yield _row("".join(_cell(w, head, h, False) for w, h in zip(twips, table.header, strict=True)), True, True)
    keep = len(table.rows) <= _KEEP_TOGETHER
    with_next, alone = _cell_pprs(table, True), _cell_pprs(table, False)
    above: Row | None = None
    for i, row in enumerate(table.rows, start=1):
        # a group label stays with its rows; the totals stay together and with the last indicator
        keep_next = i < len(table.rows) and (keep or row.kind == "group" or table.rows[i].kind == "total")
        yield _body_row(row, above, twips, with_next if keep_next else alone)
        above = row
    yield "</w:tbl>"
    yield '<w:p><w:pPr><w:pStyle w:val="TableAfter"/></w:pPr></w:p>'  # separates tables; Word needs a last <w:p>


# --- the document -----------------------------------------------------------------------------------------


def _landscape(sect_pr: str) -> str:
    """The template's page turned sideways: A4 landscape, the margins turned with it."""

    def attr(name: str, tag: str) -> str:
        found = re.search(rf'<w:{tag}[^>]*w:{name}="(\d+)"', sect_pr)
        return found.group(1) if found else "0"

    width, height = attr("w", "pgSz"), attr("h", "pgSz")
    top, right, bottom, left = (attr(side, "pgMar") for side in ("top", "right", "bottom", "left"))
    turned = re.sub(r"<w:pgSz[^>]*/>", f'<w:pgSz w:w="{height}" w:h="{width}" w:orient="landscape"/>', sect_pr, count=1)

    def margins(found: re.Match[str]) -> str:
        tag = found.group(0)
        for side, value in (("top", left), ("right", bottom), ("bottom", right), ("left", top)):
            tag = re.sub(rf'w:{side}="\d+"', f'w:{side}="{value}"', tag)
        return tag

    return re.sub(r"<w:pgMar[^>]*/>", margins, turned, count=1)


def _end_section(parts: list[str], sect_pr: str) -> None:
    """Close the pages so far as a section with ``sect_pr`` (in the last paragraph's properties)."""
    inner = sect_pr.removesuffix("</w:body></w:document>")
    for at in range(len(parts) - 1, -1, -1):
        if parts[at].startswith("<w:p><w:pPr>"):
            cut = parts[at].index("</w:pPr>")
            parts[at] = parts[at][:cut] + inner + parts[at][cut:]
            return
    parts.append(f"<w:p><w:pPr>{inner}</w:pPr></w:p>")


def _blocks(blocks: Sequence[Block], tpl: _Template) -> tuple[list[str], bool]:
    """The body paragraphs and tables, and whether the document ends on landscape pages."""
    parts: list[str] = []
    page_break = False
    landscape = False
    text_width = tpl.text_width
    for block in blocks:
        if isinstance(block, PageBreak):
            if block.landscape and not landscape:  # a section break starts the new page
                _end_section(parts, tpl.tail)
                landscape, text_width = True, _text_width(_landscape(tpl.tail))
            else:
                page_break = True
            continue
        if isinstance(block, Paragraph):
            ragged = _UNBREAKABLE.search(block.text) is not None
            parts.append(_para(_PARAGRAPH_STYLE[block.kind], _runs(block.runs), page_break, ragged))
        elif isinstance(block, Heading):
            if not 1 <= block.level <= 4:
                raise ValueError(f"标题级别须为 1–4：{block.level}（{block.text}）")
            parts.append(_para(f"Heading{block.level}", _run(block.text), page_break))
        elif isinstance(block, Table):
            if block.caption:
                parts.append(_para("Caption", _run(block.caption), page_break))
            elif page_break:
                parts.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')
            parts.extend(_table(block, text_width))
        page_break = False
    return parts, landscape


def _stamp_line(stamp: Stamp) -> str:
    """The stamp as a small grey line closing the document (the full hashes are in the properties)."""
    ppr = '<w:pStyle w:val="Note"/><w:spacing w:before="240" w:line="240" w:lineRule="auto"/><w:ind w:firstLine="0"/>'
    rpr = '<w:rPr><w:color w:val="808080"/><w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr>'
    return f"<w:p><w:pPr>{ppr}</w:pPr><w:r>{rpr}{_T_OPEN}{_esc(stamp.line())}</w:t></w:r></w:p>"


def document_xml(report: Report, template: Path = TEMPLATE) -> str:
    """The ``word/document.xml`` of the report (exposed for tests and benchmarks)."""
    tpl = _load(template)
    parts, landscape = _blocks(report.blocks, tpl)
    body = "".join([*_title_block(report.title), *parts, _stamp_line(report.stamp)])
    return f"{tpl.head}{body}{_landscape(tpl.tail) if landscape else tpl.tail}"


def _core_xml(report: Report) -> str:
    stamp = report.stamp
    description = (
        f"framework={stamp.framework_id} v{stamp.framework_version} sha256={stamp.framework_sha256}; "
        f"evaluation sha256={stamp.evaluation_sha256}; generator={stamp.generator}"
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties '
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>{_esc_plain(report.title.title)}</dc:title>"
        f"<dc:subject>{_esc_plain(report.unit)} {report.year}年度</dc:subject>"
        f"<dc:creator>jixiao</dc:creator><cp:keywords>部门整体支出绩效自评 {_esc_plain(report.grade)}</cp:keywords>"
        f"<dc:description>{_esc_plain(description)}</dc:description><cp:revision>1</cp:revision></cp:coreProperties>"
    )


def _custom_xml(stamp: Stamp) -> str:
    """The stamp as custom document properties ``jixiao.*`` (File → Properties → Custom in Word)."""
    values = [
        ("framework_id", "lpwstr", stamp.framework_id),
        ("framework_version", "i4", str(stamp.framework_version)),
        ("framework_sha256", "lpwstr", stamp.framework_sha256),
        ("evaluation_sha256", "lpwstr", stamp.evaluation_sha256),
        ("generator", "lpwstr", stamp.generator),
    ]
    props = "".join(
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{pid}" name="jixiao.{name}">'
        f"<vt:{kind}>{_esc_plain(value)}</vt:{kind}></property>"
        for pid, (name, kind, value) in enumerate(values, start=2)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        f'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">{props}</Properties>'
    )


def render_docx(report: Report, path: Path, template: Path = TEMPLATE) -> None:
    """Write ``report`` to ``path`` as .docx, laid out by ``template``."""
    path.write_bytes(docx_bytes(report, template))


def docx_bytes(report: Report, template: Path = TEMPLATE) -> bytes:
    """``report`` as the bytes of a .docx file, laid out by ``template``."""
    tpl = _load(template)
    generated = {
        _DOCUMENT: document_xml(report, template).encode("utf-8"),
        _CORE: _core_xml(report).encode("utf-8"),
        _CUSTOM: _custom_xml(report.stamp).encode("utf-8"),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in tpl.parts:  # properties parts are filled in only if the template has them
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            package.writestr(info, generated.get(name, data), zipfile.ZIP_DEFLATED, 6)
    return buffer.getvalue()
