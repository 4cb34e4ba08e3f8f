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


def _run(text: str, bold: bool = False) -> str:
    if not text:
        return ""
    rpr = "<w:rPr><w:b/><w:bCs/></w:rPr>" if bold else ""
    return f"<w:r>{rpr}{_T_OPEN}{_esc(text)}</w:t></w:r>"


def _para(style: str, runs: str, page_break: bool = False) -> str:
    before = "<w:pageBreakBefore/>" if page_break else ""
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{before}</w:pPr>{runs}</w:p>'


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


def _cell(width: int, ppr: str, text: str, bold: bool, span: int = 1) -> str:
    """A cell; ``ppr`` is the inside of its paragraph's w:pPr (style, keepNext, alignment)."""
    grid = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{grid}<w:vAlign w:val="center"/></w:tcPr>'
        f"<w:p><w:pPr>{ppr}</w:pPr>{_run(text, bold)}</w:p></w:tc>"
    )


def _cell_pprs(table: Table, keep: bool) -> list[str]:
    style = '<w:pStyle w:val="TableText"/>' + ("<w:keepNext/>" if keep else "")
    return [style + _JC[a] for a in table.align]


def _row(cells: str, header: bool, keep: bool) -> str:
    props = ("<w:cantSplit/>" if keep else "") + ("<w:tblHeader/>" if header else "")
    return f"<w:tr><w:trPr>{props}</w:trPr>{cells}</w:tr>" if props else f"<w:tr>{cells}</w:tr>"


def _body_row(row: Row, twips: Sequence[int], pprs: Sequence[str]) -> str:
    n = len(twips)
    cells = row.cells
    if len(cells) > n:
        raise ValueError(f"表格行的单元格多于列数（{len(cells)} > {n}）：{cells}")
    last = len(cells) - 1
    if row.kind == "group":  # a group label alone spans the row
        while last > 0 and not cells[last]:
            last -= 1
    bold = row.kind in _BOLD_ROWS
    parts = []
    for i in range(max(last, 0)):
        parts.append(_cell(twips[i], pprs[i], cells[i], bold))
    if last >= 0:
        parts.append(_cell(sum(twips[last:]), pprs[last], cells[last], bold, n - last))
    else:
        parts.append(_cell(sum(twips), pprs[0], "", bold, n))
    keep = max(map(len, cells), default=0) < _CANT_SPLIT_BELOW
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
    for i, row in enumerate(table.rows, start=1):
        keep_next = i < len(table.rows) and (keep or row.kind == "group")  # a group label stays with its rows
        yield _body_row(row, twips, with_next if keep_next else alone)
    yield "</w:tbl>"
    yield '<w:p><w:pPr><w:pStyle w:val="TableAfter"/></w:pPr></w:p>'  # separates tables; Word needs a last <w:p>


# --- the document -----------------------------------------------------------------------------------------


def _blocks(blocks: Sequence[Block], text_width: int) -> Iterator[str]:
    page_break = False
    for block in blocks:
        if isinstance(block, PageBreak):
            page_break = True
            continue
        if isinstance(block, Paragraph):
            yield _para(_PARAGRAPH_STYLE[block.kind], _runs(block.runs), page_break)
        elif isinstance(block, Heading):
            if not 1 <= block.level <= 4:
                raise ValueError(f"标题级别须为 1–4：{block.level}（{block.text}）")
            yield _para(f"Heading{block.level}", _run(block.text), page_break)
        elif isinstance(block, Table):
            if block.caption:
                yield _para("Caption", _run(block.caption), page_break)
            elif page_break:
                yield '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'
            yield from _table(block, text_width)
        page_break = False


def document_xml(report: Report, template: Path = TEMPLATE) -> str:
    """The ``word/document.xml`` of the report (exposed for tests and benchmarks)."""
    tpl = _load(template)
    body = "".join([*_title_block(report.title), *_blocks(report.blocks, tpl.text_width)])
    return f"{tpl.head}{body}{tpl.tail}"


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
