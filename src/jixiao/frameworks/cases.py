"""A table's YAML test cases (`format: jixiao/cases@1`, docs/tables.md): read, score, compare.

Used by the test suite for the built-in tables and by `jixiao framework test TABLE CASES.yaml`,
so a bureau can check its own table before issuing it. Each case is an evaluation (the file's
``base`` with the case's ``data``/``inputs`` merged in) and the results it expects.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..core.engine import Engine
from ..core.errors import UnusableInput
from ..core.model import Framework, Scorecard
from .evaluation import load_evaluation
from .yamlio import load_file

CASES_FORMAT = "jixiao/cases@1"
RESULT_KEYS = ("value", "score", "applicable", "effective_weight", "weight")
RESULT_ZH = {"value": "数值", "score": "得分", "applicable": "适用", "effective_weight": "调整后分值", "weight": "分值"}
TOTAL_ZH = {"base": "指标得分合计", "bonus": "加分", "penalty": "减分", "total": "总分", "grade": "等级"}


@dataclass(frozen=True)
class Case:
    """One case: the table it is for, its name, the evaluation document and what it expects."""

    table: str
    name: str
    doc: dict[str, Any]
    expect: dict[str, Any]


def load_cases(path: Path) -> list[Case]:
    """The cases of a file; UnusableInput (in Chinese, naming the file and case) if malformed."""
    spec = load_file(path)
    if not isinstance(spec, dict) or spec.get("format") != CASES_FORMAT:
        raise UnusableInput(f"{path}：不是测试用例文件（应有 format: {CASES_FORMAT}）")
    table, raw = spec.get("framework"), spec.get("cases")
    if not isinstance(table, str) or not table:
        raise UnusableInput(f"{path}：缺少 framework（评分表编号）")
    if not isinstance(raw, list) or not raw:
        raise UnusableInput(f"{path}：cases 应为非空列表")
    base = spec.get("base") or {}
    cases = []
    for i, case in enumerate(raw):
        if not isinstance(case, dict) or not str(case.get("name") or "").strip():
            raise UnusableInput(f"{path}：cases[{i}] 应为含 name 的映射")
        expect = case.get("expect") or {}
        if not isinstance(expect, dict):
            raise UnusableInput(f"{path}：用例“{case['name']}”的 expect 应为映射")
        cases.append(Case(table, str(case["name"]), merged(table, base, case), expect))
    return cases


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
    for key in ("bonus", "penalty", "year", "goals"):
        if key in case:
            doc[key] = case[key]
    return doc


def score_case(case: Case, framework: Framework, engine: Engine | None = None) -> Scorecard:
    """The scorecard of a case on ``framework``; the evaluation's own issues come first (and
    leave no total, as the CLI would)."""
    loaded = load_evaluation(case.doc, f"{case.table}:{case.name}")
    if loaded.evaluation is None:
        problems = "；".join(f"{i.located()}：{i.message}" for i in loaded.issues)
        raise UnusableInput(f"用例“{case.name}”的评价数据无法读取：{problems}")
    card = (engine or Engine(framework)).score(loaded.evaluation)
    if not loaded.issues:
        return card
    return replace(card, issues=tuple(loaded.issues) + card.issues, base=None, total=None, grade=None)


def check_case(case: Case, card: Scorecard) -> list[str]:
    """Every difference between the case's expectations and the scorecard, in Chinese."""
    problems: list[str] = []
    expect = case.expect
    for key in ("base", "bonus", "penalty", "total", "grade"):
        if key in expect and _differs(getattr(card, key), expect[key]):
            problems.append(f"{TOTAL_ZH[key]}（{key}）：期望 {expect[key]}，实为 {getattr(card, key)}")
    for indicator_id, wanted in (expect.get("indicators") or {}).items():
        problems += _check_indicator(card, str(indicator_id), wanted or {})
    for wanted in expect.get("issues") or []:
        if not any(
            i.code == wanted.get("code") and i.severity.value == wanted.get("severity", i.severity.value)
            for i in card.issues
        ):
            found = "、".join(f"{i.code}（{i.path}）" for i in card.issues) or "无"
            problems.append(f"缺少期望的问题 {wanted}；实际问题：{found}")
    if not expect.get("issues") and not card.ok:
        errors = [f"{i.code}（{i.path}）：{i.message}" for i in card.issues if i.severity.value == "error"]
        problems.append("出现未期望的错误：" + "；".join(errors))
    return problems


def _check_indicator(card: Scorecard, indicator_id: str, wanted: dict[str, Any]) -> list[str]:
    try:
        result = card.indicator(indicator_id)
    except KeyError:
        return [f"{indicator_id}：评分表中没有该指标"]
    problems = [
        f"{indicator_id} 的{RESULT_ZH[k]}（{k}）：期望 {wanted[k]}，实为 {getattr(result, k)}"
        for k in RESULT_KEYS
        if k in wanted and _differs(getattr(result, k), wanted[k])
    ]
    for text in wanted.get("explanation") or []:
        if text not in result.explanation:
            problems.append(f"{indicator_id} 的计算说明缺少“{text}”：{result.explanation}")
    return problems


def _differs(actual: Any, wanted: Any) -> bool:
    if isinstance(wanted, bool) or wanted is None or isinstance(wanted, str):
        return bool(actual != wanted)
    try:
        return actual is None or Decimal(actual) != Decimal(str(wanted))
    except (InvalidOperation, TypeError, ValueError):
        return True
