"""Use cases: write reports (.docx .pdf .html .md) and the 数据表/评分表 workbook (.xlsx).

Each evaluation is scored first; an evaluation with errors gets no document. PDFs of a batch are
converted together (documents.pdf: in chunks, one LibreOffice process per core).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..core.model import Issue, Severity
from ..documents.build import ReportError, build_report
from ..documents.model import Report
from ..documents.source import Source
from ..frameworks.yamlio import load_file
from .evaluations import source_of
from .files import OutputRefused, check_output, write_atomically
from .scoring import Scored, score_evaluation, tables_beside

REPORT_FORMATS = ("docx", "pdf", "html", "md")


@dataclass
class Outcome:
    """What happened to one evaluation: the file written, or why not, and warnings."""

    evaluation: Path
    output: Path | None = None
    target: Path | None = None  # the file it was to be written to
    issues: tuple[Issue, ...] = ()
    warnings: list[str] = field(default_factory=list)
    error: str = ""


def prepare(path: Path) -> tuple[Scored, Source | None, str]:
    """Score an evaluation file; the Source to build documents from, or the reason there is none.

    The Source is stamped with the hash of the evaluation's content, as the web stamps it.
    """
    document = load_file(path)  # a YamlError is UnusableInput
    scored = score_evaluation(document, str(path), tables_beside(path))
    source = source_of(scored, document)
    return scored, source, "" if source is not None else "评价数据存在错误，未生成文件"


def output_paths(evaluations: Sequence[Path], out: Path, fmt: str | None, force: bool = False) -> list[Path]:
    """One output per evaluation: ``out`` itself for one file with a suffix, else ``out/<stem>.<fmt>``.

    No output may be an evaluation, nor (without ``force``) a file that exists (``OutputRefused``).
    """
    if len(evaluations) == 1 and out.suffix and not out.is_dir():
        return [check_output(out, evaluations, force)]
    if out.suffix and not out.is_dir():
        raise OutputRefused(f"有{len(evaluations)}个评价文件，-o 应为目录，而不是文件 {out}")
    if out.exists() and not out.is_dir():
        raise OutputRefused(f"{out} 是已有的文件，-o 应为目录")
    return [check_output(path, evaluations, force) for path in _unique(out, evaluations, fmt or "docx")]


def _unique(folder: Path, evaluations: Sequence[Path], fmt: str) -> list[Path]:
    """One distinct, visible file per evaluation: a/unit.yaml and b/unit.yaml become a-unit and b-unit.

    The folder's name is taken from the resolved path (``../unit.yaml`` is not ``..-unit``); names
    that still coincide are numbered.
    """
    stems = [e.stem for e in evaluations]
    names = [_visible(f"{_folder_name(e)}-{e.stem}" if stems.count(e.stem) > 1 else e.stem) for e in evaluations]
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(folder / (f"{name}-{seen[name]}.{fmt}" if names.count(name) > 1 else f"{name}.{fmt}"))
    return out


def _folder_name(evaluation: Path) -> str:
    try:
        return evaluation.resolve().parent.name
    except (OSError, RuntimeError):
        return evaluation.parent.name


def _visible(name: str) -> str:
    """A file name that does not start with a dot (hidden) or a dash."""
    return name.lstrip(".-") or "评价"


def report_format(path: Path) -> str:
    fmt = path.suffix.lstrip(".").lower()
    if fmt not in REPORT_FORMATS:
        raise OutputRefused(f"{path}：不支持的报告格式“{path.suffix or '（无扩展名）'}”，可用 .docx .pdf .html .md")
    return fmt


def write_reports(
    evaluations: Sequence[Path], outputs: Sequence[Path], progress: Callable[[], None] = lambda: None
) -> list[Outcome]:
    """Build and write every report; PDFs are converted together at the end."""
    outcomes: list[Outcome] = []
    pending_pdf: list[tuple[Report, Path, Outcome]] = []
    for evaluation, output in zip(evaluations, outputs, strict=True):
        outcome = Outcome(evaluation, target=output)
        outcomes.append(outcome)
        report = _report(evaluation, outcome)
        if report is None:
            progress()
            continue
        fmt = report_format(output)
        if fmt == "pdf":
            pending_pdf.append((report, output, outcome))
            continue
        write_atomically(output, lambda path, r=report, f=fmt: _RENDERERS[f](r, path))
        outcome.output = output
        progress()
    if pending_pdf:
        _write_pdfs(pending_pdf, progress)
    return outcomes


def _report(evaluation: Path, outcome: Outcome) -> Report | None:
    scored, source, why = prepare(evaluation)
    outcome.issues = scored.issues
    if source is None:
        outcome.error = why
        return None
    try:
        report = build_report(source)
    except ReportError as error:
        outcome.error = error.message
        return None
    outcome.warnings = list(report.warnings)
    return report


def _write_pdfs(pending: list[tuple[Report, Path, Outcome]], progress: Callable[[], None]) -> None:
    """Convert the batch (documents.pdf: in chunks, one LibreOffice per core) and keep every PDF that converted.

    An evaluation whose PDF failed gets an error naming it; the others are written.
    """
    from ..documents.docx import render_docx
    from ..documents.pdf import DocumentError, batch_folder, convert_to_pdf

    with batch_folder() as tmp:
        sources = []
        for i, (report, _, _) in enumerate(pending):
            docx = tmp / f"{i:05d}.docx"
            render_docx(report, docx)
            sources.append(docx)
        failed: set[Path] = set()
        try:
            convert_to_pdf(sources, tmp, done=lambda n: _advance(progress, n))
        except DocumentError as error:
            if not error.failed:
                raise
            failed = set(error.failed)
        for docx, (_, output, outcome) in zip(sources, pending, strict=True):
            if docx.resolve() in failed or docx in failed:
                outcome.error = "LibreOffice 未能把该报告转换为 PDF（其余报告已生成）"
                continue
            pdf = docx.with_suffix(".pdf")
            write_atomically(output, lambda path, source=pdf: shutil.copyfile(source, path))
            outcome.output = output


def _advance(progress: Callable[[], None], count: int) -> None:
    for _ in range(count):
        progress()


def _render_docx(report: Report, path: Path) -> None:
    from ..documents.docx import render_docx

    render_docx(report, path)


def _render_html(report: Report, path: Path) -> None:
    from ..documents.html import render_html

    render_html(report, path)


def _render_md(report: Report, path: Path) -> None:
    from ..documents.md import render_md

    render_md(report, path)


_RENDERERS: dict[str, Callable[[Report, Path], None]] = {"docx": _render_docx, "html": _render_html, "md": _render_md}


def write_tables(evaluation: Path, output: Path, force: bool = False) -> Outcome:
    """The 数据表/评分表 workbook of one evaluation (never over the evaluation, nor a file unless ``force``)."""
    if output.suffix.lower() != ".xlsx":
        raise OutputRefused(f"{output}：数据表/评分表只能写成 .xlsx 文件")
    check_output(output, [evaluation], force)
    outcome = Outcome(evaluation, target=output)
    scored, source, why = prepare(evaluation)
    outcome.issues = scored.issues
    if source is None:
        outcome.error = why
        return outcome
    from ..documents.xlsx import render_xlsx

    write_atomically(output, lambda path: render_xlsx(source.scorecard, source.framework, source.evaluation, path))
    outcome.output = output
    return outcome


def has_errors(outcomes: Sequence[Outcome]) -> bool:
    return any(o.error or any(i.severity is Severity.ERROR for i in o.issues) for o in outcomes)
