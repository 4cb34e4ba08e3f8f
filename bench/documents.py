"""Benchmark: write reports (.docx, .pdf) and 数据表/评分表 workbooks (.xlsx) for the three examples.

Figures (the last lines of the output, one per figure, ``bench: <name> <value> <unit>``):

* ``docx_ms`` — ``render_docx(report, path)``, 200 reports by default, per file;
* ``xlsx_ms`` — ``render_xlsx(scorecard, framework, evaluation, path)``, 200 workbooks, per file;
* ``pdf_ms`` — ``convert_to_pdf`` on batches of 50 of those .docx files (one LibreOffice process per
  batch), per file amortised over the batch; left out (with a note) when ``soffice`` is absent or
  ``--pdf 0`` is given;
* ``build_ms`` — ``build_report(source)`` (the renderer-neutral report model), per report;
* ``python_docx_ms`` — ``python_docx_report``: the same report built with python-docx from ``Document()``
  (same headings, paragraphs and tables with the same texts, East Asian fonts through ``w:rFonts
  w:eastAsia`` on the styles and the table runs, page setup, footer page number, saved), on the first
  15 of the same Report objects by default (python-docx takes ≈ 0.3 s a report), per file;
* ``docx_vs_python_docx`` — docx_ms / python_docx_ms (below 1: jixiao is faster).

The examples ``examples/{lechang-2023,zhanjiang-2020,lianjiang-2024}.yaml`` are scored once up front
(``jixiao.services.documents.prepare``); the reports and workbooks cycle through the three. Files are
written to a temporary directory, removed at the end. After timing (so not timed) the outputs are
checked: every .docx opens with python-docx and holds its report's title, every .xlsx is a package
with both sheets, every PDF exists, starts with ``%PDF`` and is non-empty, and the python-docx baseline
holds the same texts as jixiao's .docx (one report per example). Each loop is timed in five chunks; the
fastest chunk is shown too, as a sign of how much other processes disturbed it. A failed check is
printed as ``CHECK FAILED: …`` and makes the exit status 1; the figures are printed all the same.
Everything runs on one CPU; the LibreOffice processes inherit it.

Run: ``.venv/bin/python bench/documents.py [--count 200] [--baseline-count 15] [--pdf 50] [--pdf-batches 1]
[--cpu 0]`` (``--pdf 0``: no PDF, e.g. without LibreOffice, which is also skipped with a note when absent).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import docx
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Mm, Pt, RGBColor, Twips
from docx.styles.style import ParagraphStyle
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.font import Font
from lxml import etree

from jixiao.documents.build import Source, build_report
from jixiao.documents.docx import render_docx
from jixiao.documents.model import Heading, PageBreak, Paragraph, Report, Row, Table, TitleBlock
from jixiao.documents.pdf import SOFFICE, DocumentError, convert_to_pdf
from jixiao.documents.xlsx import DATA_SHEET, SCORE_SHEET, render_xlsx
from jixiao.services.documents import prepare
from timing import Timed, pin_one_core, timed

EXAMPLES = tuple(
    Path(__file__).resolve().parent.parent / "examples" / f"{name}.yaml"
    for name in ("lechang-2023", "zhanjiang-2020", "lianjiang-2024")
)
WARM_UP = 3  # one of each example

# --------------------------------------------------------------------------- the baseline (python-docx)

FANGSONG, XIAOBIAOSONG, HEITI, KAITI = "仿宋_GB2312", "方正小标宋简体", "黑体", "楷体"
THEME_FONTS = tuple(qn(a) for a in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"))
ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}
TEXT_WIDTH = 8845  # twips between the margins (A4, 28/26 mm left/right), as jixiao's template
CELL_SIZE = Pt(10.5)
BOLD_ROWS = frozenset({"group", "subtotal", "total"})
# style key → (style name, font or None to inherit 仿宋_GB2312 from Normal, size in pt, bold, alignment)
STYLE_SPECS: dict[str, tuple[str, str | None, float, bool, WD_ALIGN_PARAGRAPH | None]] = {
    "body": ("Normal", FANGSONG, 16, False, WD_ALIGN_PARAGRAPH.JUSTIFY),
    "title": ("Title", XIAOBIAOSONG, 22, False, WD_ALIGN_PARAGRAPH.CENTER),
    "h1": ("Heading 1", HEITI, 16, False, None),
    "h2": ("Heading 2", KAITI, 16, False, None),
    "h3": ("Heading 3", FANGSONG, 16, True, None),
    "h4": ("Heading 4", FANGSONG, 16, False, None),
    "caption": ("Caption", HEITI, 14, False, WD_ALIGN_PARAGRAPH.CENTER),
    "doc_note": ("DocNote", HEITI, 16, False, WD_ALIGN_PARAGRAPH.LEFT),
    "note": ("Note", None, 14, False, None),
    "signature": ("Signature", None, 16, False, WD_ALIGN_PARAGRAPH.RIGHT),
    "after": ("TableAfter", None, 8, False, None),
}
INDENTED = frozenset({"body", "note", "h1", "h2", "h3", "h4"})


def east_asian(font: Font, rpr: Any, name: str) -> None:
    """ascii/hAnsi through python-docx, eastAsia/cs on w:rFonts by hand; theme fonts dropped (Word prefers them)."""
    font.name = name
    fonts = rpr.get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)
    fonts.set(qn("w:cs"), name)
    for attribute in THEME_FONTS:
        fonts.attrib.pop(attribute, None)


def paragraph_style(document: Document, key: str) -> ParagraphStyle:
    """A built-in style set up as in the official layout, or a new one based on Normal."""
    name, font, size, bold, align = STYLE_SPECS[key]
    try:
        style = document.styles[name]
    except KeyError:
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles["Normal"]
    assert isinstance(style, ParagraphStyle)
    if font is not None:
        east_asian(style.font, style.element.get_or_add_rPr(), font)
    style.font.size, style.font.bold, style.font.color.rgb = Pt(size), bold, RGBColor(0, 0, 0)
    layout = style.paragraph_format
    layout.space_before = layout.space_after = Pt(0)
    layout.first_line_indent = Pt(32) if key in INDENTED else Pt(0)
    if align is not None:
        layout.alignment = align
    return style


def baseline_styles(document: Document) -> dict[str, ParagraphStyle]:
    """The styles of the report, set up once per document (body text is Normal: 仿宋_GB2312 三号, exact lines)."""
    styles = {key: paragraph_style(document, key) for key in STYLE_SPECS}
    styles["body"].paragraph_format.line_spacing = Twips(579)  # exact: 22 lines a page
    return styles


def page_setup(section: Section) -> None:
    """A4, GB/T 9704 margins, a centred page number "— PAGE —" in the footer."""
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("— ")
    for kind in ("begin", "instr", "end"):
        element = OxmlElement("w:instrText" if kind == "instr" else "w:fldChar")
        if kind == "instr":
            element.text = " PAGE "
        else:
            element.set(qn("w:fldCharType"), kind)
        footer.add_run()._r.append(element)
    footer.add_run(" —")


def add_title(document: Document, title: TitleBlock, styles: dict[str, ParagraphStyle]) -> None:
    if title.note:
        document.add_paragraph(title.note, styles["doc_note"])
    document.add_paragraph(title.title, styles["title"])
    for label, value in title.lines:
        document.add_paragraph(f"{label}：{value}" if label else value)


def cell_text(cell: _Cell, text: str, align: str, bold: bool, font: str | None = None) -> None:
    """Table text: 五号, no indent, single spacing (Normal is the body style), fonts on the run."""
    paragraph = cell.paragraphs[0]
    layout = paragraph.paragraph_format
    layout.first_line_indent, layout.line_spacing, layout.alignment = Pt(0), 1.0, ALIGN[align]
    if text:
        run = paragraph.add_run(text)
        run.bold = bold or None
        run.font.size = CELL_SIZE
        if font is not None:
            east_asian(run.font, run._r.get_or_add_rPr(), font)


def fill_row(cells: Sequence[_Cell], row: Row, table: Table) -> None:
    """One row, bold for subtotals and totals; a group label spans the rest of its row."""
    if row.kind == "group":
        last = max((i for i, text in enumerate(row.cells) if text), default=0)
        if last < len(cells) - 1:
            cells = [*cells[:last], cells[last].merge(cells[-1])]
    bold = row.kind in BOLD_ROWS
    for cell, text, align in zip(cells, row.cells, table.align, strict=False):
        cell_text(cell, text, align, bold)


def add_table(document: Document, table: Table, styles: dict[str, ParagraphStyle], page_break: bool) -> None:
    """Caption, a bordered fixed-width table with a repeated header row, then a small spacer paragraph."""
    caption = document.add_paragraph(table.caption, styles["caption"])
    caption.paragraph_format.page_break_before = page_break or None
    grid = document.add_table(rows=len(table.rows) + 1, cols=len(table.widths))
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    weight = sum(table.widths)
    for column, width in zip(grid.columns, table.widths, strict=True):
        column.width = Twips(TEXT_WIDTH * width // weight)
    rows = iter(grid.rows)
    head = next(rows)
    head._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell, text in zip(head.cells, table.header, strict=True):
        cell_text(cell, text, "center", False, HEITI)
    for row, data in zip(rows, table.rows, strict=True):
        fill_row(row.cells, data, table)
    document.add_paragraph(style=styles["after"])


def add_blocks(document: Document, report: Report, styles: dict[str, ParagraphStyle]) -> None:
    page_break = False
    for block in report.blocks:
        if isinstance(block, PageBreak):
            page_break = True
            continue
        if isinstance(block, Table):
            add_table(document, block, styles, page_break)
        elif isinstance(block, Heading):
            heading = document.add_paragraph(block.text, styles[f"h{block.level}"])
            heading.paragraph_format.page_break_before = page_break or None
        elif isinstance(block, Paragraph):
            paragraph = document.add_paragraph(style=None if block.kind == "body" else styles[block.kind])
            paragraph.paragraph_format.page_break_before = page_break or None
            for run in block.runs:
                paragraph.add_run(run.text).bold = run.bold or None
        page_break = False


def python_docx_report(report: Report, path: Path) -> None:
    """The same report built with python-docx from scratch, as a straightforward implementation would."""
    document = docx.Document()
    styles = baseline_styles(document)
    page_setup(document.sections[0])
    properties = document.core_properties
    properties.title, properties.subject = report.title.title, f"{report.unit} {report.year}年度"
    properties.author, properties.keywords = "jixiao", f"部门整体支出绩效自评 {report.grade}"
    add_title(document, report.title, styles)
    add_blocks(document, report, styles)
    document.save(str(path))


# --------------------------------------------------------------------------- timing


def star(func: Callable[..., Any]) -> Callable[[tuple[Any, ...]], Any]:
    """``func`` taking one tuple of its arguments, for ``timed``."""
    return lambda args: func(*args)


def pdf_batches(docx_paths: Sequence[Path], size: int, batches: int, out: Path) -> Timed:
    """``batches`` calls of convert_to_pdf, each on ``size`` of the .docx files (cycling), no warm-up."""
    spans: list[tuple[int, float]] = []
    pdfs: list[Path] = []
    for b in range(batches):
        batch = [docx_paths[(b * size + i) % len(docx_paths)] for i in range(size)]
        start = time.perf_counter()
        pdfs += convert_to_pdf(batch, out / f"pdf-{b:02d}")
        spans.append((size, time.perf_counter() - start))
    return Timed(pdfs, spans)


# --------------------------------------------------------------------------- checks (not timed)


def bad_part(path: Path) -> str:
    """The first XML part of a package that is not well-formed, or ""."""
    with zipfile.ZipFile(path) as package:
        for name in package.namelist():
            try:
                etree.fromstring(package.read(name))
            except etree.XMLSyntaxError:
                return name
    return ""


def open_docx(path: Path) -> tuple[Any, str]:
    """The python-docx Document of ``path``, or None and why it does not open."""
    try:
        return docx.Document(str(path)), ""
    except Exception as error:  # any failure to open is a finding, not a crash
        part = bad_part(path)
        return None, f"{type(error).__name__}{f' in {part}' if part else ''}: {error}"


def grouped(failures: dict[str, list[str]], total: int, what: str) -> list[str]:
    """One line per distinct reason: how many of ``total`` files, the first few names, the reason."""
    lines = []
    for reason, names in failures.items():
        shown = ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
        lines.append(f"{len(names)} of {total} {what} ({shown}): {reason}")
    return lines


def check_docx(paths: Sequence[Path], reports: Sequence[Report]) -> list[str]:
    """Every .docx opens with python-docx and holds its report's title."""
    failures: dict[str, list[str]] = {}
    for path, report in zip(paths, reports, strict=True):
        document, why = open_docx(path)
        if document is None:
            failures.setdefault(f"does not open with python-docx: {why}", []).append(path.name)
        elif report.title.title not in "\n".join(p.text for p in document.paragraphs):
            failures.setdefault(f"the title {report.title.title!r} is missing", []).append(path.name)
    return grouped(failures, len(paths), ".docx")


def check_xlsx(paths: Sequence[Path]) -> list[str]:
    """Every .xlsx is a package whose workbook names both sheets."""
    problems = []
    for path in paths:
        with zipfile.ZipFile(path) as package:
            workbook = package.read("xl/workbook.xml").decode("utf-8")
        if DATA_SHEET not in workbook or SCORE_SHEET not in workbook:
            problems.append(f"{path.name}: the sheets {DATA_SHEET}/{SCORE_SHEET} are missing")
    return problems


def check_pdfs(paths: Sequence[Path]) -> list[str]:
    """Every PDF exists, is non-empty and starts with %PDF."""
    return [
        f"{path.name}: missing, empty or not a PDF"
        for path in paths
        if not path.is_file() or path.stat().st_size == 0 or path.read_bytes()[:4] != b"%PDF"
    ]


def document_texts(document: Any) -> list[str]:
    """Paragraph and table-cell texts of a python-docx Document in body order, empty ones left out."""
    texts: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, DocxTable):
            texts += [cell.text for row in item.rows for cell in row.cells]
        else:
            texts.append(item.text)
    return [text for text in texts if text]


def check_baseline(jixiao: Sequence[Path], baseline: Sequence[Path]) -> list[str]:
    """The python-docx baseline writes the same texts as jixiao, in the same order."""
    problems = []
    for ours, theirs in zip(jixiao, baseline, strict=True):
        (mine, why), (other, why_not) = open_docx(ours), open_docx(theirs)
        if mine is None or other is None:
            name = ours.name if mine is None else theirs.name
            problems.append(f"python-docx baseline not compared: {name} does not open: {why or why_not}")
        elif document_texts(mine) != document_texts(other):
            problems.append(f"{theirs.name}: the python-docx baseline's texts differ from {ours.name}")
    return problems


# --------------------------------------------------------------------------- main


def sources() -> list[Source]:
    """The three examples, each scored once."""
    found = []
    for example in EXAMPLES:
        _, source, why = prepare(example)
        if source is None:
            raise SystemExit(f"{example.name}: {why}")
        found.append(source)
    return found


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=200, help="reports and workbooks to write (200)")
    parser.add_argument(
        "--baseline-count", type=int, default=15, help="of those reports, how many python-docx also builds (15)"
    )
    parser.add_argument("--pdf", type=int, default=50, help=".docx files per LibreOffice batch; 0 skips PDF (50)")
    parser.add_argument("--pdf-batches", type=int, default=1, help="LibreOffice batches (1)")
    parser.add_argument("--cpu", type=int, default=0, help="the one CPU to run on (0)")
    return parser.parse_args(argv)


def pdf_note(args: argparse.Namespace) -> str:
    """Why PDFs are skipped, or "" when they are timed."""
    if args.pdf <= 0 or args.pdf_batches <= 0:
        return "PDF skipped (--pdf 0 or --pdf-batches 0)"
    if shutil.which(SOFFICE) is None:
        return f"PDF skipped: LibreOffice ({SOFFICE}) not found on PATH"
    return ""


def line(what: str, run: Timed, unit: str) -> str:
    return (
        f"{what:34} {len(run.results):4d} in {run.seconds:7.3f} s = {run.ms():7.1f} ms/{unit} "
        f"(fastest chunk {run.best_ms():7.1f} ms/{unit})"
    )


def summary(args: argparse.Namespace, pinned: str, figures: dict[str, Timed], note: str, problems: list[str]) -> None:
    """The human-readable part of the output."""
    print(f"jixiao documents benchmark — {', '.join(e.stem for e in EXAMPLES)} cycling, {args.count} of each kind")
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs, {pinned}")
    print(line("build_report (report model)", figures["build"], "report"))
    print(line("render_docx", figures["docx"], "file"))
    print(line("render_xlsx", figures["xlsx"], "file"))
    print(line("python-docx baseline", figures["baseline"], "file"))
    if "pdf" in figures:
        pdf = figures["pdf"]
        print(
            f"{'convert_to_pdf':34} {len(pdf.results):4d} in {pdf.seconds:7.3f} s = {pdf.ms():7.1f} ms/file "
            f"({len(pdf.chunks)} batch(es) of {args.pdf}, one LibreOffice process each)"
        )
    else:
        print(note)
    for problem in problems:
        print(f"CHECK FAILED: {problem}")
    if not problems:
        pdfs = ", every PDF is non-empty" if "pdf" in figures else ""
        print(
            f"checked: every .docx opens with python-docx and holds its title, every .xlsx has both sheets{pdfs}; "
            "the baseline writes the same texts as jixiao"
        )


def run_all(args: argparse.Namespace, tmp: Path, note: str) -> tuple[dict[str, Timed], list[str]]:
    """Time every step, writing into ``tmp``; then check the outputs (the problems found)."""
    scored = sources()
    cycle = [scored[i % len(scored)] for i in range(args.count)]
    figures = {"build": timed(build_report, cycle)}
    reports: list[Report] = figures["build"].results
    docx_paths = [tmp / f"report-{i:04d}.docx" for i in range(args.count)]
    xlsx_paths = [tmp / f"tables-{i:04d}.xlsx" for i in range(args.count)]
    base_paths = [tmp / f"python-docx-{i:04d}.docx" for i in range(min(args.baseline_count, args.count))]
    workbooks = [(s.scorecard, s.framework, s.evaluation, p) for s, p in zip(cycle, xlsx_paths, strict=True)]
    figures["docx"] = timed(star(render_docx), list(zip(reports, docx_paths, strict=True)))
    figures["xlsx"] = timed(star(render_xlsx), workbooks)
    figures["baseline"] = timed(star(python_docx_report), list(zip(reports, base_paths, strict=False)))
    problems = []
    if not note:
        try:
            figures["pdf"] = pdf_batches(docx_paths, args.pdf, args.pdf_batches, tmp)
            problems += check_pdfs(figures["pdf"].results)
        except DocumentError as error:
            problems.append(f"convert_to_pdf failed, no PDF figure: {error.message}")
    problems += check_docx(docx_paths, reports)
    problems += check_xlsx(xlsx_paths)
    problems += check_baseline(docx_paths[: len(scored)], base_paths[: len(scored)])
    return figures, problems


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if min(args.count, args.baseline_count) < len(EXAMPLES):
        raise SystemExit(f"--count and --baseline-count must be at least {len(EXAMPLES)}")
    note = pdf_note(args)
    if not note and args.pdf > args.count:
        raise SystemExit("--pdf must not exceed --count (a batch may not hold the same file twice)")
    pinned = pin_one_core(args.cpu)
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as tmp:
        figures, problems = run_all(args, Path(tmp), note)
    summary(args, pinned, figures, note, problems)
    docx_ms, baseline_ms = figures["docx"].ms(), figures["baseline"].ms()
    print(f"bench: docx_ms {docx_ms:.1f} ms/file")
    print(f"bench: xlsx_ms {figures['xlsx'].ms():.1f} ms/file")
    if "pdf" in figures:
        print(f"bench: pdf_ms {figures['pdf'].ms():.0f} ms/file")
    print(f"bench: build_ms {figures['build'].ms():.2f} ms/report")
    print(f"bench: python_docx_ms {baseline_ms:.1f} ms/file")
    print(f"bench: docx_vs_python_docx {docx_ms / baseline_ms:.2f} ratio")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
