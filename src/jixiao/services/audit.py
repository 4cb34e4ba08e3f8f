"""Use case: audit submitted reports (files or folders) and produce formats §5 results."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..audit.check_ratios import ratio_of
from ..audit.checks import run_checks
from ..audit.extract import extract
from ..audit.model import Document, Extracted, Finding, StatedRatio
from ..audit.readers import read
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


def expand(paths: Sequence[Path]) -> list[Path]:
    """Files as given, folders as their .txt/.docx/.pdf files (recursively, sorted)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(
                p
                for p in path.rglob("*")
                if p.suffix.lower() in SUFFIXES and p.is_file() and not p.name.startswith(("~$", "."))
            )
        elif is_stdin(path) or path.exists():  # "-": a report piped in
            files.append(path)
        else:
            raise UnusableInput(f"{path}：文件或目录不存在")
    return files


def audit_file(path: Path) -> Audited:
    return audit_document(str(path), read(path))


def audit_document(file: str, document: Document) -> Audited:
    """Extract and check a report already read; an unreadable one gives the ``unreadable`` finding."""
    found = extract(document)
    return Audited(file, document, found, tuple(run_checks(document, found)))


def audit_all(paths: Iterable[Path]) -> list[Audited]:
    return [audit_file(path) for path in paths]


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


def _finding(f: Finding, pages: dict[int, int | None]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "severity": f.severity,
        "code": f.code,
        "message": f.message,
        "quote": f.quote,
        "line": f.line,
    }
    if pages and f.line in pages:
        data["page"] = pages[f.line]
    return data


def audit_json(result: Audited) -> dict[str, Any]:
    found = result.found
    pages = (
        {line.number: line.page for line in result.document.lines if line.page} if result.document.kind == "pdf" else {}
    )
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
        "findings": [_finding(f, pages) for f in result.findings],
    }


def findings_csv(results: Sequence[Audited]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["文件", "单位", "年度", "级别", "代码", "行", "说明", "原文"])
    for result in results:
        for f in result.findings:
            writer.writerow(
                [
                    result.file,
                    result.found.unit or "",
                    result.found.year or "",
                    f.severity,
                    f.code,
                    f.line or "",
                    f.message,
                    f.quote,
                ]
            )
    return buffer.getvalue()


def audit_output(results: Sequence[Audited], paths: Sequence[Path]) -> dict[str, Any] | list[dict[str, Any]]:
    """formats §5: one object for a single file given as such, else an array in the order given."""
    data = [audit_json(r) for r in results]
    return data[0] if len(paths) == 1 and len(data) == 1 and paths[0].is_file() else data
