"""Use cases: write reports (.docx .pdf .html .md) and the 数据表/评分表 workbook (.xlsx).

Each evaluation is scored first; an evaluation with errors gets no document. PDFs of a batch are
converted by one LibreOffice process.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..core.model import Issue, Severity
from ..documents.build import ReportError, build_report
from ..documents.model import Report
from ..documents.source import Source
from ..frameworks.yamlio import load_file
from .evaluations import source_of
from .scoring import Scored, UnusableInput, score_evaluation, tables_beside

REPORT_FORMATS = ("docx", "pdf", "html", "md")


@dataclass
class Outcome:
    """What happened to one evaluation: the file written, or why not, and warnings."""

    evaluation: Path
    output: Path | None = None
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


def output_paths(evaluations: Sequence[Path], out: Path, fmt: str | None) -> list[Path]:
    """One output per evaluation: ``out`` itself for one file with a suffix, else ``out/<stem>.<fmt>``."""
    if len(evaluations) == 1 and out.suffix and not out.is_dir():
        return [_writable(out)]
    if out.suffix and not out.is_dir():
        raise UnusableInput(f"有{len(evaluations)}个评价文件，-o 应为目录，而不是文件 {out}")
    if out.exists() and not out.is_dir():
        raise UnusableInput(f"{out} 是已有的文件，-o 应为目录")
    return [_writable(path) for path in _unique(out, evaluations, fmt or "docx")]


def _unique(folder: Path, evaluations: Sequence[Path], fmt: str) -> list[Path]:
    """One distinct file per evaluation: a/unit.yaml and b/unit.yaml become a-unit and b-unit."""
    stems = [e.stem for e in evaluations]
    names = [f"{e.parent.name}-{e.stem}" if stems.count(e.stem) > 1 else e.stem for e in evaluations]
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(folder / (f"{name}-{seen[name]}.{fmt}" if names.count(name) > 1 else f"{name}.{fmt}"))
    return out


def _writable(path: Path) -> Path:
    """Refuse an output that is a folder or lies under a file, before any work is done."""
    if path.is_dir():
        raise UnusableInput(f"{path} 是文件夹，请给出文件名")
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise UnusableInput(f"{path}：上级路径 {parent} 是文件，不是文件夹")
            break
    return path


def report_format(path: Path) -> str:
    fmt = path.suffix.lstrip(".").lower()
    if fmt not in REPORT_FORMATS:
        raise UnusableInput(f"{path}：不支持的报告格式“{path.suffix or '（无扩展名）'}”，可用 .docx .pdf .html .md")
    return fmt


def write_reports(
    evaluations: Sequence[Path], outputs: Sequence[Path], progress: Callable[[], None] = lambda: None
) -> list[Outcome]:
    """Build and write every report; PDFs are converted together at the end."""
    outcomes: list[Outcome] = []
    pending_pdf: list[tuple[Report, Path, Outcome]] = []
    for evaluation, output in zip(evaluations, outputs, strict=True):
        outcome = Outcome(evaluation)
        outcomes.append(outcome)
        report = _report(evaluation, outcome)
        if report is None:
            progress()
            continue
        fmt = report_format(output)
        if fmt == "pdf":
            pending_pdf.append((report, output, outcome))
            continue
        _safely(output, lambda path, r=report, f=fmt: _RENDERERS[f](r, path))
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
    from ..documents.docx import render_docx
    from ..documents.pdf import convert_to_pdf

    with tempfile.TemporaryDirectory(prefix="jixiao-pdf-") as tmp:
        sources = []
        for i, (report, _, _) in enumerate(pending):
            docx = Path(tmp) / f"{i:05d}.docx"
            render_docx(report, docx)
            sources.append(docx)
        pdfs = convert_to_pdf(sources, Path(tmp))
        for pdf, (_, output, outcome) in zip(pdfs, pending, strict=True):
            _safely(output, lambda path, source=pdf: shutil.move(str(source), path))
            outcome.output = output
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


def write_tables(evaluation: Path, output: Path) -> Outcome:
    """The 数据表/评分表 workbook of one evaluation."""
    if output.suffix.lower() != ".xlsx":
        raise UnusableInput(f"{output}：数据表/评分表只能写成 .xlsx 文件")
    outcome = Outcome(evaluation)
    scored, source, why = prepare(evaluation)
    outcome.issues = scored.issues
    if source is None:
        outcome.error = why
        return outcome
    from ..documents.xlsx import render_xlsx

    _writable(output)
    _safely(output, lambda path: render_xlsx(source.scorecard, source.framework, source.evaluation, path))
    outcome.output = output
    return outcome


def _safely(path: Path, write: Callable[[Path], object]) -> None:
    """Create the folder and write; a file system refusal becomes a message, not a traceback."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write(path)
    except OSError as error:
        raise UnusableInput(f"{path}：无法写入（{error.strerror or type(error).__name__}）") from error


def has_errors(outcomes: Sequence[Outcome]) -> bool:
    return any(o.error or any(i.severity is Severity.ERROR for i in o.issues) for o in outcomes)
