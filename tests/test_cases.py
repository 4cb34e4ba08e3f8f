"""Every built-in table's YAML cases pass, and together they cover every leaf of the table."""

from __future__ import annotations

import pytest

from casefiles import Case, case_files, check_case, load_cases, score_case
from jixiao.frameworks.loader import builtin_ids
from jixiao.services.scoring import load_table

CASES = [case for path in case_files() for case in load_cases(path)]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.table}:{c.name}" for c in CASES])
def test_case(case: Case) -> None:
    problems = check_case(case, score_case(case))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("table_id", builtin_ids())
def test_cases_cover_every_leaf(table_id: str) -> None:
    framework = load_table(table_id).framework
    assert framework is not None
    leaves = {node.id for node, _ in framework.walk() if node.is_leaf}
    covered = {i for c in CASES if c.table == table_id for i in (c.expect.get("indicators") or {})}
    assert leaves - covered == set(), f"{table_id}: leaves without a case: {sorted(leaves - covered)}"
