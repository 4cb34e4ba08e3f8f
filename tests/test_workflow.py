"""The submission state machine of web.md §4.3, without a database."""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.core.workflow import (
    ACTIONS,
    AUDITED,
    CLEAN,
    COMMENT,
    IN_SCOPE,
    OPEN,
    REASON,
    TRANSITIONS,
    Context,
    Refusal,
    Role,
    State,
    allowed,
    decide,
    mermaid,
)

ALL = frozenset({OPEN, CLEAN, COMMENT, REASON, AUDITED, IN_SCOPE})
S, R = State, Role


def ok(state: State, action: str, role: Role, head_step: bool = True, facts: frozenset[str] = ALL) -> State:
    return decide(state, action, role, Context(head_step, facts))


def refused(state: State, action: str, role: Role, facts: frozenset[str] = ALL) -> str:
    with pytest.raises(Refusal) as info:
        decide(state, action, role, Context(True, facts))
    return info.value.kind


@pytest.mark.parametrize(
    ("state", "action", "role", "target"),
    [
        (S.NOT_STARTED, "save", R.FILLER, S.DRAFT),
        (S.RETURNED, "save", R.FILLER, S.RETURNED),
        (S.DRAFT, "submit", R.FILLER, S.PENDING_HEAD),
        (S.PENDING_HEAD, "approve", R.HEAD, S.SUBMITTED),
        (S.PENDING_HEAD, "reject", R.HEAD, S.DRAFT),
        (S.SUBMITTED, "withdraw", R.FILLER, S.DRAFT),
        (S.SUBMITTED, "start_review", R.REVIEWER, S.UNDER_REVIEW),
        (S.UNDER_REVIEW, "return", R.REVIEWER, S.RETURNED),
        (S.UNDER_REVIEW, "accept", R.REVIEWER, S.ACCEPTED),
        (S.ACCEPTED, "reopen", R.ADMIN, S.RETURNED),
        (S.ACCEPTED, "publish", R.REVIEWER, S.PUBLISHED),
        (S.PUBLISHED, "withdraw_publication", R.ADMIN, S.ACCEPTED),
        (S.DRAFT, "exempt", R.REVIEWER, S.EXEMPTED),
    ],
)
def test_the_table_of_web_md(state: State, action: str, role: Role, target: State) -> None:
    assert ok(state, action, role) is target


def test_without_a_head_step_submit_goes_to_the_bureau() -> None:
    assert ok(S.DRAFT, "submit", R.FILLER, head_step=False) is S.SUBMITTED


def test_role_is_checked_before_state() -> None:
    assert refused(S.ACCEPTED, "submit", R.REVIEWER) == "forbidden"
    assert refused(S.DRAFT, "approve", R.FILLER) == "forbidden"
    assert refused(S.ACCEPTED, "reopen", R.REVIEWER) == "forbidden"


def test_state_conflicts() -> None:
    assert refused(S.UNDER_REVIEW, "withdraw", R.FILLER) == "conflict"  # claimed by the reviewer
    assert refused(S.ACCEPTED, "save", R.FILLER) == "conflict"  # locked
    assert refused(S.PUBLISHED, "exempt", R.ADMIN) == "conflict"


def test_guards() -> None:
    assert refused(S.DRAFT, "submit", R.FILLER, ALL - {CLEAN}) == "conflict"
    assert refused(S.DRAFT, "save", R.FILLER, ALL - {OPEN}) == "conflict"
    assert refused(S.UNDER_REVIEW, "return", R.REVIEWER, ALL - {COMMENT}) == "invalid"
    assert refused(S.ACCEPTED, "reopen", R.ADMIN, ALL - {REASON}) == "invalid"
    assert refused(S.UNDER_REVIEW, "accept", R.REVIEWER, ALL - {AUDITED}) == "conflict"
    assert refused(S.SUBMITTED, "start_review", R.REVIEWER, ALL - {IN_SCOPE}) == "conflict"
    assert refused(S.DRAFT, "fly", R.ADMIN) == "unknown"


def test_refusals_are_in_chinese() -> None:
    with pytest.raises(Refusal) as info:
        decide(S.UNDER_REVIEW, "withdraw", R.FILLER)
    assert "审核中" in info.value.message and "撤回" in info.value.message


def test_locked_states_take_no_edit_from_anyone() -> None:
    for role in Role:
        assert "save" not in allowed(S.ACCEPTED, role, Context(True, ALL))
        assert "save" not in allowed(S.PUBLISHED, role, Context(True, ALL))


def test_buttons_per_role() -> None:
    assert allowed(S.DRAFT, R.FILLER, Context(True, ALL)) == ["save", "submit"]
    assert allowed(S.PENDING_HEAD, R.HEAD, Context(True, ALL)) == ["approve", "reject", "withdraw"]
    assert allowed(S.SUBMITTED, R.REVIEWER, Context(True, ALL)) == ["start_review", "exempt"]


def test_every_state_is_reachable_and_every_action_used() -> None:
    targets = {t.target for t in TRANSITIONS if t.target} | {S.DRAFT, S.PENDING_HEAD}
    assert targets | {S.NOT_STARTED} == set(State)
    assert len(ACTIONS) == len(set(ACTIONS)) == len(TRANSITIONS)


def test_the_diagram_in_the_docs_is_the_table() -> None:
    doc = (Path(__file__).resolve().parents[1] / "docs" / "workflow.md").read_text(encoding="utf-8")
    assert mermaid() in doc, "docs/workflow.md is out of date: paste jixiao.core.workflow.mermaid() into it"


def test_every_narrative_section_the_outlines_use_is_declared_once_in_the_spec() -> None:
    import re

    from jixiao.core.spec import SECTION_TITLES
    from jixiao.documents.outlines import SECTIONS
    from jixiao.frameworks.evaluation import TEXT_KEYS

    outlines = (Path(__file__).resolve().parents[1] / "src/jixiao/documents/outlines.py").read_text(encoding="utf-8")
    used = set(re.findall(r'\bs\.get\("([a-z_]+)"', outlines))
    assert used and used <= set(SECTION_TITLES)
    assert set(TEXT_KEYS) == set(SECTION_TITLES)
    asked = {key for sections in SECTIONS.values() for key, _ in sections}
    assert asked <= set(SECTION_TITLES)
    assert used <= asked  # the skeleton asks for every section a report prints
