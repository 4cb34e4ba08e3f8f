"""Use case: audit submitted reports (files or folders) and produce formats §5 results."""

from __future__ import annotations

import csv
import io
import multiprocessing
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..audit.check_ratios import ratio_of
from ..audit.checks import run_checks
from ..audit.extract import extract
from ..audit.model import Document, Extracted, Finding, StatedRatio
from ..audit.readers import OTHER_FORMATS, READERS_KIND, read
from ..core.inputs import is_stdin
from ..core.numbers import q2
from .scoring import UnusableInput

AUDIT_FORMAT = "jixiao/audit@1"
SUFFIXES = (".txt", ".text", ".docx", ".pdf")


@dataclass(frozen=True)
class Audited:
    file: str
    document: Document
    found: Extracted
    findings: tuple[Finding, ...]

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


#: Formats a folder may hold that cannot be read as they are: listed with a finding saying to save them as .docx.
RESAVE_SUFFIXES = tuple(OTHER_FORMATS)
#: Seconds one file may take in a batch before it is stopped and reported (``time-limit``).
FILE_TIME_LIMIT = 60.0


def expand(paths: Sequence[Path]) -> list[Path]:
    """Files as given, folders as their .txt/.docx/.pdf files (recursively, sorted).

    Word/WPS files in an older format (.doc, .wps, .rtf, .odt) are listed too: each is reported
    ("请另存为 .docx") rather than skipped in silence. A folder with no report in it is unusable.
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.suffix.lower() in (*SUFFIXES, *RESAVE_SUFFIXES)
                and not p.name.startswith(("~$", "."))
                and p.is_file()
            )
            if not found:
                raise UnusableInput(f"{path}：目录中没有可审核的报告（.txt、.docx、.pdf）")
            files += found
        elif is_stdin(path) or path.exists():  # "-": a report piped in
            files.append(path)
        else:
            raise UnusableInput(f"{path}：文件或目录不存在")
    return files


def audit_file(path: Path) -> Audited:
    return audit_document(str(path), read(path))


def timed_out(path: Path, seconds: float) -> Audited:
    """The result for a file stopped at the time limit: a ``time-limit`` error naming it."""
    message = f"文件“{path.name}”审核超过 {seconds:g} 秒，已停止（文件可能异常或过于复杂），其余文件照常审核"
    document = Document(file=str(path), kind=_kind(path), lines=(), problem=message)
    return Audited(str(path), document, Extracted(), (Finding("error", "time-limit", message),))


def _kind(path: Path) -> Any:
    return READERS_KIND.get(path.suffix.lower(), "txt")


def audit_stream(paths: Iterable[Path], time_limit: float | None = FILE_TIME_LIMIT) -> Iterator[Audited]:
    """Audit files one by one, yielding each result as it is ready (memory stays flat in their number).

    With a ``time_limit``, each file is audited in a worker process that is stopped (and replaced)
    when a file takes longer: that file gets a ``time-limit`` finding and the batch goes on.
    """
    if time_limit is None:
        yield from (audit_file(path) for path in paths)
        return
    with _Worker() as worker:
        for path in paths:
            # a worker process has no standard input of its own: a piped report is audited here
            yield audit_file(path) if is_stdin(path) else worker.audit(path, time_limit)


def audit_document(file: str, document: Document) -> Audited:
    """Extract and check a report already read; an unreadable one gives the ``unreadable`` finding."""
    found = extract(document)
    return Audited(file, document, found, tuple(run_checks(document, found)))


def audit_all(paths: Iterable[Path]) -> list[Audited]:
    return [audit_file(path) for path in paths]


class _Worker:
    """One worker process auditing files sent to it; replaced when a file runs over its time limit."""

    def __init__(self) -> None:
        methods = multiprocessing.get_all_start_methods()
        self.context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self.process: Any = None
        self.conn: Any = None

    def __enter__(self) -> _Worker:
        return self

    def __exit__(self, *_: object) -> None:
        self._stop()

    def _start(self) -> None:
        here, there = self.context.Pipe()
        self.process = self.context.Process(target=_serve, args=(there,), daemon=True)
        self.process.start()
        there.close()
        self.conn = here

    def _stop(self) -> None:
        if self.process is None:
            return
        if self.conn is not None:
            self.conn.close()
        self.process.kill()
        self.process.join()
        self.process = self.conn = None

    def audit(self, path: Path, time_limit: float) -> Audited:
        if self.process is None or not self.process.is_alive():
            self._stop()
            self._start()
        try:
            self.conn.send(path)
            if self.conn.poll(time_limit):
                result: Audited | BaseException = self.conn.recv()
                if isinstance(result, BaseException):
                    raise result
                return result
        except (EOFError, OSError):  # the worker died (out of memory, a crash in a C library)
            self._stop()
            return _crashed(path)
        self._stop()
        return timed_out(path, time_limit)


def _crashed(path: Path) -> Audited:
    message = f"文件“{path.name}”审核时读取程序异常退出（文件可能损坏或过于复杂），其余文件照常审核"
    document = Document(file=str(path), kind=_kind(path), lines=(), problem=message)
    return Audited(str(path), document, Extracted(), (Finding("error", "unreadable", message),))


def _serve(conn: Any) -> None:
    """The worker's loop: a path in, its ``Audited`` (or the exception raised) out."""
    while True:
        try:
            path = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(audit_file(path))
        except Exception as error:  # sent back and raised in the parent, as in a plain call
            conn.send(error)


def _number(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def _ratio(ratio: StatedRatio) -> dict[str, Any]:
    recomputed = ratio_of(ratio.expression, ratio.stated)
    return {
        "name": ratio.name,
        "expression": ratio.expression,
        "inputs": [float(i) for i in ratio.inputs],
        "stated": float(ratio.stated),
        "recomputed": None if recomputed is None else float(q2(recomputed)),  # half-up, as the finding says
        "line": ratio.line,
    }


def _finding(f: Finding, document: Document) -> dict[str, Any]:
    data: dict[str, Any] = {
        "severity": f.severity,
        "code": f.code,
        "message": f.message,
        "quote": f.quote,
        "line": f.line,
    }
    line = document.line(f.line)
    if line is not None and line.page:
        data["page"] = line.page
    if line is not None and document.kind != "txt":
        data["where"] = line.where
    return data


def audit_json(result: Audited) -> dict[str, Any]:
    found = result.found
    return {
        "format": AUDIT_FORMAT,
        "file": result.file,
        "unit": found.unit,
        "year": found.year,
        "fill_date": found.fill_date.isoformat() if found.fill_date else None,
        "score": _number(found.score),
        "grade": found.grade,
        "figures": {key: float(figures[0].value) for key, figures in found.figures.items()},
        "indicator_scores": [
            {"name": s.name, "score": float(s.score), "weight": _number(s.weight)} for s in found.indicator_scores
        ],
        "ratios": [_ratio(r) for r in found.ratios],
        "findings": [_finding(f, result.document) for f in result.findings],
    }


CSV_HEADER = ("文件", "单位", "年度", "级别", "代码", "页", "位置", "说明", "原文")
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}


def csv_rows(result: Audited) -> Iterator[list[str]]:
    """The CSV rows of one file's findings: page and place as a reviewer looks them up (第3页第5段)."""
    for f in result.findings:
        line = result.document.line(f.line)
        yield [
            result.file,
            result.found.unit or "",
            str(result.found.year or ""),
            SEVERITY_NAMES.get(str(f.severity), str(f.severity)),
            f.code,
            str(line.page) if line is not None and line.page else "",
            result.document.where(f.line),
            f.message,
            f.quote,
        ]


def findings_csv(results: Iterable[Audited]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    for result in results:
        writer.writerows(csv_rows(result))
    return buffer.getvalue()


def audit_output(results: Sequence[Audited], paths: Sequence[Path]) -> dict[str, Any] | list[dict[str, Any]]:
    """formats §5: one object for a single file given as such, else an array in the order given."""
    return json_output([audit_json(r) for r in results], paths)


def json_output(data: list[dict[str, Any]], paths: Sequence[Path]) -> dict[str, Any] | list[dict[str, Any]]:
    """``audit_output`` from results already turned into JSON (a batch keeps only those, not the documents)."""
    return data[0] if len(paths) == 1 and len(data) == 1 and paths[0].is_file() else data
