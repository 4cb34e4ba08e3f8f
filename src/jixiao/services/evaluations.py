"""Use cases on documents and bytes, for the web: score a parsed evaluation, write its reports, audit a report.

Nothing here reads a path a user gave: an evaluation is a parsed mapping (from YAML or JSON), its table
is found by id in a ``TableSource`` (the built-ins, or those plus tables stored as YAML text), and
documents come back as bytes. Temporary files are used only where a library needs a path, and removed.
Failures are ``UnusableInput`` with a Chinese message; problems inside a usable evaluation are issues.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..core.canonical import sha256_of
from ..core.errors import UnusableInput
from ..core.model import Issue, Severity
from ..documents.build import build_report
from ..documents.model import Report
from ..documents.source import Source
from ..frameworks import loader
from ..frameworks.yamlio import loads
from . import scoring

if TYPE_CHECKING:
    from .audit import Audited

REPORT_FORMATS = ("docx", "html", "md", "pdf")


class TableSource(Protocol):
    """Where tables are found by id."""

    def load(self, table_id: str) -> loader.Loaded: ...


class BuiltinTables:
    """The tables shipped in ``frameworks/data``, found by id only (never by a path)."""

    def load(self, table_id: str) -> loader.Loaded:
        path = loader.builtin_path(table_id)
        if path is None:
            return _unknown(table_id, self.known_ids())
        return scoring.load_table_file(path)

    def known_ids(self) -> list[str]:
        return loader.builtin_ids()


class StoredTables(BuiltinTables):
    """The built-ins plus tables given as YAML text by id; a built-in id cannot be replaced."""

    def __init__(self, extra: Mapping[str, str]) -> None:
        self._extra = dict(extra)
        self._loaded: dict[str, loader.Loaded] = {}

    def load(self, table_id: str) -> loader.Loaded:
        if loader.builtin_path(table_id) is not None or table_id not in self._extra:
            return super().load(table_id)
        if table_id not in self._loaded:
            self._loaded[table_id] = _stored(table_id, self._extra[table_id])
        return self._loaded[table_id]

    def known_ids(self) -> list[str]:
        return sorted({*super().known_ids(), *self._extra})


def _unknown(table_id: str, known: list[str]) -> loader.Loaded:
    message = f"没有编号为“{table_id}”的评分表（可用：{'、'.join(known)}）"
    return loader.Loaded(None, (Issue(Severity.ERROR, "framework-unknown", "framework", message),))


def _stored(table_id: str, text: str) -> loader.Loaded:
    """A stored table; its own ``id`` must be the one it is stored under (results are stamped with it)."""
    loaded = loader.load_document(loads(text, table_id), table_id)  # a YamlError is UnusableInput
    framework = loaded.framework
    if framework is None or framework.id == table_id:
        return loaded
    message = f"评分表以编号“{table_id}”保存，但其中的 id 为“{framework.id}”"
    return loader.Loaded(None, (*loaded.issues, Issue(Severity.ERROR, "id-invalid", "id", message, table_id)))


def score_document(doc: Any, tables: TableSource, *, framework: str | None = None, file: str = "") -> scoring.Scored:
    """Score a parsed evaluation; ``framework`` (a table id) replaces the document's own reference.

    A reference that looks like a path is refused with an issue, never read.
    """
    if framework is not None and isinstance(doc, Mapping):
        doc = {**doc, "framework": framework}
    return scoring.score_evaluation(doc, file, _by_id(tables))


def _by_id(tables: TableSource) -> scoring.TableLookup:
    def find(ref: str) -> loader.Loaded:
        if scoring.is_path_ref(ref):
            message = f"评分表只能按编号指定（如 zhanjiang-city），不能是文件路径“{ref}”"
            return loader.Loaded(None, (Issue(Severity.ERROR, "framework-path", "framework", message),))
        return tables.load(ref)

    return find


def evaluation_sha256(doc: Any) -> str:
    """The canonical content hash of an evaluation: the same for its YAML and its JSON."""
    try:
        return sha256_of(doc)
    except (TypeError, ValueError, ArithmeticError) as error:
        raise UnusableInput("评价数据含有无法识别的值（如无穷大或非文本、数字、列表、映射的内容）") from error


def source_of(scored: scoring.Scored, doc: Any) -> Source | None:
    """What documents are built from, stamped with the evaluation's hash; None when it has errors."""
    card, framework, evaluation = scored.scorecard, scored.framework, scored.evaluation
    if not scored.ok or card is None or framework is None or evaluation is None:
        return None
    return Source(card, framework, evaluation, evaluation_sha256(doc))


def report_bytes(source: Source, fmt: str) -> bytes:
    """The report as .docx, .html, .md or .pdf bytes; UnusableInput when it cannot be produced."""
    render = _RENDERERS.get(fmt)
    if render is None:
        raise UnusableInput(f"不支持的报告格式“{fmt}”，可用 {'、'.join(REPORT_FORMATS)}")
    report = build_report(source)  # a ReportError is UnusableInput
    from ..documents.pdf import DocumentError

    try:
        return render(report)
    except DocumentError as error:
        raise UnusableInput(error.message) from error


def _docx(report: Report) -> bytes:
    from ..documents.docx import docx_bytes

    return docx_bytes(report)


def _html(report: Report) -> bytes:
    from ..documents.html import to_html

    return to_html(report).encode("utf-8")


def _md(report: Report) -> bytes:
    from ..documents.md import to_markdown

    return to_markdown(report).encode("utf-8")


def _pdf(report: Report) -> bytes:
    from ..documents.pdf import pdf_bytes

    return pdf_bytes(report)


_RENDERERS: dict[str, Callable[[Report], bytes]] = {"docx": _docx, "html": _html, "md": _md, "pdf": _pdf}


def workbook_bytes(source: Source) -> bytes:
    """The 数据表/评分表 workbook (.xlsx) of a scored evaluation."""
    from ..documents.xlsx import xlsx_bytes

    return xlsx_bytes(source.scorecard, source.framework, source.evaluation)


def audit_bytes(name: str, data: bytes) -> Audited:
    """Audit a report given as bytes; the suffix of ``name`` (.txt .docx .pdf) picks the reader."""
    from ..audit.readers import read
    from .audit import audit_document

    with tempfile.TemporaryDirectory(prefix="jixiao-audit-") as tmp:
        path = Path(tmp) / _safe_name(name)
        path.write_bytes(data)
        document = read(path)
    return audit_document(name, replace(document, file=name))


def _safe_name(name: str) -> str:
    """A file name inside the temporary folder: the last part of ``name``, keeping its suffix."""
    base = Path(name.replace("\\", "/")).name
    return base if base not in ("", ".", "..") else f"report{Path(name).suffix}"
