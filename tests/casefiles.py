"""Run the YAML test cases of built-in tables (`tests/cases/<id>.yaml`, docs/tables.md)."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from jixiao.core.model import Scorecard
from jixiao.frameworks.evaluation import load_evaluation
from jixiao.frameworks.yamlio import load_file
from jixiao.services.scoring import engine_for, load_table

CASES_DIR = Path(__file__).parent / "cases"
RESULT_KEYS = ("value", "score", "applicable", "effective_weight", "weight")


@dataclass(frozen=True)
class Case:
    table: str
    name: str
    doc: dict[str, Any]
    expect: dict[str, Any]


def case_files() -> list[Path]:
    return sorted(CASES_DIR.glob("*.yaml"))


def load_cases(path: Path) -> list[Case]:
    spec = load_file(path)
    assert spec.get("format") == "jixiao/cases@1", f"{path}: format should be jixiao/cases@1"
    base = spec.get("base") or {}
    return [
        Case(spec["framework"], str(c["name"]), merged(spec["framework"], base, c), c.get("expect") or {})
        for c in spec["cases"]
    ]


def merged(table: str, base: dict[str, Any], case: dict[str, Any]) -> dict[str, Any]:
    """The evaluation document of a case: base, with data/inputs merged and lists replaced."""
    doc = copy.deepcopy(base)
    doc.setdefault("format", "jixiao/evaluation@1")
    doc.setdefault("framework", table)
    doc.setdefault("year", 2023)
    doc.setdefault("unit", {"name": "测试单位"})
    for key in ("data", "inputs"):
        target = doc.setdefault(key, {})
        for k, v in (case.get(key) or {}).items():
            if v is None:
                target.pop(k, None)
            else:
                target[k] = v
    for key in ("bonus", "penalty", "year"):
        if key in case:
            doc[key] = case[key]
    return doc


def score_case(case: Case) -> Scorecard:
    table = load_table(case.table)
    assert table.framework is not None, [i.message for i in table.issues]
    loaded = load_evaluation(case.doc, f"{case.table}:{case.name}")
    assert loaded.evaluation is not None, [i.message for i in loaded.issues]
    card = engine_for(table.framework).score(loaded.evaluation)
    return card if not loaded.issues else _with(card, loaded.issues)


def _with(card: Scorecard, issues: tuple[Any, ...]) -> Scorecard:
    from dataclasses import replace

    return replace(card, issues=tuple(issues) + card.issues, base=None, total=None, grade=None)


def check_case(case: Case, card: Scorecard) -> list[str]:
    """Every difference between the case's expectations and the scorecard, as text."""
    problems: list[str] = []
    expect = case.expect
    for key in ("base", "bonus", "penalty", "total", "grade"):
        if key in expect and _differs(getattr(card, key), expect[key]):
            problems.append(f"{key}: expected {expect[key]}, got {getattr(card, key)}")
    for indicator_id, wanted in (expect.get("indicators") or {}).items():
        problems += _check_indicator(card, indicator_id, wanted)
    for wanted in expect.get("issues") or []:
        if not any(
            i.code == wanted["code"] and i.severity.value == wanted.get("severity", i.severity.value)
            for i in card.issues
        ):
            problems.append(f"missing issue {wanted}; got {[(i.code, i.path) for i in card.issues]}")
    if not expect.get("issues") and not card.ok:
        problems.append(
            f"unexpected errors: {[(i.code, i.path, i.message) for i in card.issues if i.severity.value == 'error']}"
        )
    return problems


def _check_indicator(card: Scorecard, indicator_id: str, wanted: dict[str, Any]) -> list[str]:
    try:
        result = card.indicator(indicator_id)
    except KeyError:
        return [f"{indicator_id}: no such indicator"]
    problems = [
        f"{indicator_id}.{k}: expected {wanted[k]}, got {getattr(result, k)}"
        for k in RESULT_KEYS
        if k in wanted and _differs(getattr(result, k), wanted[k])
    ]
    for text in wanted.get("explanation") or []:
        if text not in result.explanation:
            problems.append(f"{indicator_id}.explanation lacks “{text}”: {result.explanation}")
    return problems


def _differs(actual: Any, wanted: Any) -> bool:
    if isinstance(wanted, bool) or wanted is None or isinstance(wanted, str):
        return actual != wanted
    return actual is None or Decimal(actual) != Decimal(wanted)
