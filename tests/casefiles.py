"""The YAML test cases of built-in tables (`tests/cases/<id>.yaml`, docs/tables.md), run by the
package's case runner (``jixiao.frameworks.cases``, also behind `jixiao framework test`)."""

from __future__ import annotations

from pathlib import Path

from jixiao.core.model import Scorecard
from jixiao.frameworks import cases as runner
from jixiao.frameworks.cases import Case, check_case, load_cases, merged
from jixiao.services.scoring import engine_for, load_table

CASES_DIR = Path(__file__).parent / "cases"
__all__ = ["Case", "case_files", "check_case", "load_cases", "merged", "score_case"]


def case_files() -> list[Path]:
    return sorted(CASES_DIR.glob("*.yaml"))


def score_case(case: Case) -> Scorecard:
    table = load_table(case.table)
    assert table.framework is not None, [i.message for i in table.issues]
    return runner.score_case(case, table.framework, engine_for(table.framework))
