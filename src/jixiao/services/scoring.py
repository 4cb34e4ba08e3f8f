"""Use cases: check a table, score an evaluation file, and the score JSON of formats §4."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..core.engine import Engine
from ..core.errors import UnusableInput
from ..core.inputs import is_stdin
from ..core.model import Evaluation, Framework, Issue, Scorecard, Severity
from ..frameworks import loader
from ..frameworks.evaluation import load_evaluation
from ..frameworks.yamlio import load_file

SCORE_FORMAT = "jixiao/score@1"
_ENGINES: dict[str, Engine] = {}


@dataclass(frozen=True)
class Scored:
    """The result of scoring one evaluation file."""

    file: str
    issues: tuple[Issue, ...]
    framework: Framework | None = None
    evaluation: Evaluation | None = None
    scorecard: Scorecard | None = None

    @property
    def ok(self) -> bool:
        return not any(i.severity is Severity.ERROR for i in self.issues)


def is_path_ref(ref: str) -> bool:
    """A framework reference is a path when it contains "/" or ends in .yaml/.yml."""
    return "/" in ref or "\\" in ref or ref.endswith((".yaml", ".yml"))


def load_table(ref: str, base_dir: Path | None = None) -> loader.Loaded:
    """Load a table by built-in id or path (relative to ``base_dir``); UnusableInput if unreadable."""
    candidate = Path(ref) if base_dir is None or Path(ref).is_absolute() else base_dir / ref
    if is_path_ref(ref) or _is_file(candidate):
        path = candidate
    else:
        found = loader.builtin_path(ref)
        if found is None:
            known = "、".join(loader.builtin_ids())
            issue = Issue(
                Severity.ERROR,
                "framework-unknown",
                "framework",
                f"没有名为“{ref}”的内置评分表（可用：{known}），也不是文件路径",
            )
            return loader.Loaded(None, (issue,))
        path = found
    if base_dir is not None and path is candidate:
        refused = _not_a_table_file(ref, path)
        if refused:
            return loader.Loaded(None, (Issue(Severity.ERROR, "framework-path", "framework", refused),))
    return load_table_file(path)  # a YamlError is UnusableInput


TABLE_SUFFIXES = (".yaml", ".yml", ".json")


def _not_a_table_file(ref: str, path: Path) -> str:
    """Why the file an evaluation names is not read as a table ("" when it may be): only .yaml files are."""
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError, ValueError):
        return ""  # reading it says what is wrong with the name
    if resolved.suffix.lower() not in TABLE_SUFFIXES:
        shown = ref if str(resolved) == ref else f"{ref}（即 {resolved}）"
        return f"{shown}不是评分表文件（评分表应为 .yaml 文件，或内置评分表编号），未读取"
    return ""


def _is_file(path: Path) -> bool:
    """Whether ``path`` names a file (or a pipe to read it from); a name the system cannot take names none."""
    try:
        return is_stdin(path) or (path.exists() and not path.is_dir())
    except (OSError, ValueError):  # too long, a NUL
        return False


def open_table(ref: str) -> loader.Loaded:
    """A table asked for by name on the command line: UnusableInput if there is no such table or file."""
    loaded = load_table(ref)
    unknown = [i for i in loaded.issues if i.code == "framework-unknown"]
    if unknown:
        raise UnusableInput(unknown[0].message)
    return loaded


def builtin_ids() -> list[str]:
    """Ids of the tables shipped with jixiao."""
    return loader.builtin_ids()


def load_table_file(path: Path) -> loader.Loaded:
    """A table file, read again only when it changed: a batch of reports on one table loads it once."""
    try:
        status = path.stat()
    except OSError:
        return loader.load_path(path)  # says itself what is wrong with the path
    return _load_unchanged(path, status.st_mtime_ns, status.st_size)


@lru_cache(maxsize=32)
def _load_unchanged(path: Path, mtime_ns: int, size: int) -> loader.Loaded:
    return loader.load_path(path)


def engine_for(framework: Framework) -> Engine:
    """A prepared engine per table content (tables are immutable, keyed by their hash)."""
    engine = _ENGINES.get(framework.sha256)
    if engine is None:
        engine = _ENGINES[framework.sha256] = Engine(framework)
    return engine


TableLookup = Callable[[str], loader.Loaded]


def score_file(path: Path) -> Scored:
    """Load an evaluation file and score it; UnusableInput (a YamlError) if it cannot be read."""
    return score_evaluation(load_file(path), str(path), tables_beside(path))


def tables_beside(evaluation: Path) -> TableLookup:
    """The CLI's way to find a table: a built-in id, or a path relative to the evaluation's folder.

    An evaluation read from standard input (``-``, /dev/stdin, ``<(…)``) has no folder: the current one.
    """
    folder = (
        Path() if is_stdin(evaluation) or evaluation.parts[:2] in (("/", "dev"), ("/", "proc")) else evaluation.parent
    )
    return lambda ref: load_table(ref, folder)


def score_evaluation(document: Any, file: str, find_table: TableLookup) -> Scored:
    """Validate a parsed evaluation, find its table with ``find_table`` and score it.

    Errors anywhere leave base, total and grade empty; the scorecard still explains every leaf.
    """
    loaded = load_evaluation(document, file)
    evaluation = loaded.evaluation
    if evaluation is None or not evaluation.framework:
        return Scored(file, loaded.issues, evaluation=evaluation)
    table = find_table(evaluation.framework)
    issues = loaded.issues + _relocate(table.issues, "framework")
    if table.framework is None:
        return Scored(file, issues, evaluation=evaluation)
    scorecard = engine_for(table.framework).score(evaluation)
    issues += scorecard.issues
    if any(i.severity is Severity.ERROR for i in issues):
        scorecard = replace(scorecard, base=None, total=None, grade=None, total_wording="")
    return Scored(file, issues, table.framework, evaluation, replace(scorecard, issues=issues))


def _relocate(issues: tuple[Issue, ...], path: str) -> tuple[Issue, ...]:
    """Issues without a file (an unknown built-in id) belong to the evaluation's ``framework`` key."""
    return tuple(i if i.file else replace(i, path=path) for i in issues)


def number(value: Decimal | None) -> float | None:
    """A score or value as a JSON number (weights use ``weight_number``)."""
    if value is None:
        return None
    return float(value)


def weight_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def issue_json(issue: Issue) -> dict[str, Any]:
    return {
        "severity": issue.severity.value,
        "code": issue.code,
        "path": issue.path,
        "message": issue.message,
        "file": issue.file,
    }


def score_json(scored: Scored) -> dict[str, Any]:
    """The score JSON of formats §4 (also printed when there are errors)."""
    card, fw, ev = scored.scorecard, scored.framework, scored.evaluation
    indicators = (
        []
        if card is None
        else [
            {
                "id": r.id,
                "name": r.name,
                "level": r.depth,
                "weight": weight_number(r.weight),
                "effective_weight": weight_number(r.effective_weight),
                "value": number(r.value),
                "score": number(r.score),
                "applicable": r.applicable,
                "overridden": r.overridden,
                "explanation": r.explanation,
            }
            for r in card.indicators
        ]
    )
    return {
        "format": SCORE_FORMAT,
        "file": scored.file,
        "unit": ev.unit.name if ev else None,
        "year": ev.year if ev else None,
        "framework": None
        if fw is None
        else {"id": fw.id, "version": fw.version, "sha256": fw.sha256, "name": fw.name, "provenance": fw.provenance},
        "base": number(card.base) if card else None,
        "bonus": number(card.bonus) if card else None,
        "penalty": number(card.penalty) if card else None,
        "total": number(card.total) if card else None,
        "grade": card.grade if card else None,
        "total_explanation": card.total_explanation if card else "",
        "indicators": indicators,
        "issues": [issue_json(i) for i in scored.issues],
    }


def import_table(source: Path, output: Path, meta: dict[str, Any], force: bool = False) -> tuple[Any, str]:
    """Convert a bureau's .xlsx table to YAML at ``output``; the import result and the YAML written.

    The YAML is written (atomically; over an existing file only with ``force``) even when it has
    errors, so nothing the bureau entered is lost; the caller reports the issues.
    """
    from ..frameworks.xlsx_import import import_xlsx, to_yaml
    from .files import OutputRefused, check_output, write_text

    if not is_stdin(source) and not source.exists():
        raise UnusableInput(f"{source}：文件不存在")
    if output.suffix.lower() in (".xlsx", ".xls"):
        raise OutputRefused(f"{output}：输出应为 .yaml 文件，不能覆盖工作簿")
    check_output(output, [source], force)
    imported = import_xlsx(source, meta)  # a TableImportError is UnusableInput
    text = to_yaml(imported.document)
    write_text(output, text)
    return imported, text
