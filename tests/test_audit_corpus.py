"""The auditor on a corpus of real reports of other units, regions and years (tests/data/audit_corpus).

Each report's truth was read off its text by hand. The test prints field accuracy, genuine defects
found and false errors, and asserts floors that hold now, so a regression fails (figures in
docs/performance.md). Run with ``-s`` to see the table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import SEEDS
from jixiao.audit.model import Severity
from jixiao.services.audit import audit_file, audit_json

CORPUS = Path(__file__).parent / "data" / "audit_corpus"
FIELDS = ("unit", "year", "fill_date", "score", "grade")


def _reports() -> list[tuple[str, Path, dict[str, Any]]]:
    out = []
    for meta in sorted(CORPUS.glob("*.yaml")):
        truth = yaml.safe_load(meta.read_text(encoding="utf-8"))
        text = SEEDS / truth["seed"] if "seed" in truth else meta.with_suffix(".txt")
        if text.exists():
            out.append((meta.stem, text, truth))
    return out


@dataclass
class Tally:
    """Counts over the corpus: fields right/stated, defects found/genuine, false errors."""

    right: dict[str, int] = field(default_factory=dict)
    stated: dict[str, int] = field(default_factory=dict)
    wrong: list[str] = field(default_factory=list)
    defects: int = 0
    found: int = 0
    found_as_error: int = 0
    false_errors: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    reports: int = 0
    provinces: set[str] = field(default_factory=set)
    years: set[int] = field(default_factory=set)

    def count(self, name: str, ok: bool, detail: str) -> None:
        self.stated[name] = self.stated.get(name, 0) + 1
        self.right[name] = self.right.get(name, 0) + ok
        if not ok:
            self.wrong.append(detail)

    def accuracy(self, name: str | None = None) -> float:
        names = [name] if name else list(self.stated)
        stated = sum(self.stated.get(n, 0) for n in names)
        return sum(self.right.get(n, 0) for n in names) / stated if stated else 1.0


def _same(key: str, got: Any, want: Any) -> bool:
    if want is None:
        return got is None
    if key == "fill_date":
        return got == (want.isoformat() if isinstance(want, dt.date) else str(want))
    if key in ("score",) or (isinstance(want, int | float) and not isinstance(want, bool) and key != "year"):
        return got is not None and abs(Decimal(str(got)) - Decimal(str(want))) < Decimal("0.005")
    return bool(got == want)


def _tally_one(tally: Tally, name: str, path: Path, truth: dict[str, Any]) -> None:
    result = audit_file(path)
    data = audit_json(result)
    want = truth["truth"]
    tally.reports += 1
    if truth.get("province"):
        tally.provinces.add(truth["province"])
    if want.get("year"):
        tally.years.add(want["year"])
    for key in FIELDS:
        if want.get(key) is not None or data.get(key) is not None:
            ok = _same(key, data.get(key), want.get(key))
            tally.count(key, ok, f"{name}: {key} = {data.get(key)!r}, truth {want.get(key)!r}")
    for key, value in (want.get("figures") or {}).items():
        ok = _same(key, data["figures"].get(key), value)
        tally.count("figures", ok, f"{name}: {key} = {data['figures'].get(key)!r}, truth {value!r}")
    genuine = {d["code"] for d in truth.get("defects") or []}
    for defect in truth.get("defects") or []:
        tally.defects += 1
        hits = [f for f in result.findings if f.code == defect["code"]]
        tally.found += bool(hits)
        if not hits:
            tally.missed.append(f"{name}: {defect['code']} {defect['note'][:50]}")
        tally.found_as_error += any(f.severity == Severity.ERROR for f in hits)
    for finding in result.findings:
        if finding.severity == Severity.ERROR and finding.code not in genuine:
            tally.false_errors.append(f"{name}: {finding.code} {finding.message[:60]} | {finding.quote[:40]}")


@pytest.fixture(scope="module")
def tally() -> Tally:
    out = Tally()
    for name, path, truth in _reports():
        _tally_one(out, name, path, truth)
    return out


def _print(tally: Tally) -> None:
    print(f"\n语料：{tally.reports} 份报告，{len(tally.provinces)} 个省份，年度 {sorted(tally.years)}")
    for name in sorted(tally.stated):
        print(f"  {name:10s} {tally.right[name]:3d}/{tally.stated[name]:3d}  {tally.accuracy(name):.0%}")
    print(f"  全部字段     {sum(tally.right.values())}/{sum(tally.stated.values())}  {tally.accuracy():.0%}")
    print(f"  真实问题     {tally.found}/{tally.defects} 找到（其中 {tally.found_as_error} 个为错误级）")
    print(f"  误报错误     {len(tally.false_errors)}")
    for title, lines in (("读错或未读出", tally.wrong), ("漏报", tally.missed), ("误报", tally.false_errors)):
        for line in lines:
            print(f"   {title}：{line}")


def test_corpus_is_real_and_varied(tally: Tally) -> None:
    """Every report has a source address and truth; the texts come from several provinces and years."""
    for meta in CORPUS.glob("*.yaml"):
        truth = yaml.safe_load(meta.read_text(encoding="utf-8"))
        assert truth["source"] and set(truth["truth"]) >= {*FIELDS, "figures"}, meta.name
        assert "seed" in truth or meta.with_suffix(".txt").exists(), meta.name
    assert len(list(CORPUS.glob("*.txt"))) >= 12
    assert len(tally.provinces) >= 5 and len(tally.years) >= 6


def test_corpus_accuracy_defects_and_false_errors(tally: Tally) -> None:
    """Floors that hold now (see docs/performance.md); raise them as the auditor improves."""
    _print(tally)
    assert tally.accuracy("unit") >= 0.85
    assert tally.accuracy("year") >= 0.9
    assert tally.accuracy("fill_date") >= 0.9
    assert tally.accuracy("score") >= 0.85
    assert tally.accuracy() >= 0.85
    assert tally.found >= tally.defects * 0.6
    assert tally.false_errors == []
