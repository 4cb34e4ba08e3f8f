"""The submission state machine (web.md §4.3) as data: who may move a submission from which state.

Pure: no database, no Django. Models and views ask :func:`decide`; they never re-decide it. Each
row of :data:`TRANSITIONS` is (action, from states, target, roles, guards); the target ``None``
means "the state the action depends on" (``save`` keeps a returned submission returned, ``submit``
skips the unit head when the task has no head step). :func:`mermaid` renders the diagram in the docs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class State(StrEnum):
    NOT_STARTED = "not_started"
    DRAFT = "draft"
    PENDING_HEAD = "pending_head"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    RETURNED = "returned"
    ACCEPTED = "accepted"
    PUBLISHED = "published"
    EXEMPTED = "exempted"


class Role(StrEnum):
    FILLER = "filler"
    HEAD = "head"
    REVIEWER = "reviewer"
    ADMIN = "admin"


STATE_ZH: dict[State, str] = {
    State.NOT_STARTED: "未填报",
    State.DRAFT: "填报中",
    State.PENDING_HEAD: "待单位负责人审核",
    State.SUBMITTED: "已报送，待审核",
    State.UNDER_REVIEW: "审核中",
    State.RETURNED: "已退回",
    State.ACCEPTED: "审核通过",
    State.PUBLISHED: "已公开",
    State.EXEMPTED: "免报",
}
ROLE_ZH: dict[Role, str] = {
    Role.FILLER: "填报人",
    Role.HEAD: "单位负责人",
    Role.REVIEWER: "财政局审核人员",
    Role.ADMIN: "管理员",
}

# Guards: facts the caller supplies in a Context; each has the Chinese refusal it gives.
OPEN = "open"  # before the deadline or its extension
CLEAN = "clean"  # the evaluation has no error-severity issue
COMMENT = "comment"  # a comment (general or on an indicator) is given
REASON = "reason"  # a reason is given
AUDITED = "audited"  # the auditor has run on this version
IN_SCOPE = "in_scope"  # the reviewer's scope covers the unit

GUARD_ZH: dict[str, str] = {
    OPEN: "已过填报截止时间，不能再修改或报送；如需补报请联系财政局申请延期",
    CLEAN: "评价数据仍有错误，不能报送；请先改正",
    COMMENT: "请填写意见：退回时至少写一条意见",
    REASON: "请填写原因",
    AUDITED: "审核程序尚未检查本版本的报告，暂不能通过",
    IN_SCOPE: "该单位不在您的审核范围内",
}
REQUEST_GUARDS = frozenset({COMMENT, REASON})  # missing from the request itself, not from the state


@dataclass(frozen=True)
class Transition:
    action: str
    name_zh: str
    sources: frozenset[State]
    target: State | None
    roles: frozenset[Role]
    guards: tuple[str, ...] = ()


def _t(
    action: str, name: str, sources: Iterable[State], target: State | None, roles: Iterable[Role], *guards: str
) -> Transition:
    return Transition(action, name, frozenset(sources), target, frozenset(roles), guards)


S, R = State, Role
BUREAU = (R.REVIEWER, R.ADMIN)
TRANSITIONS: tuple[Transition, ...] = (
    _t("save", "保存", (S.NOT_STARTED, S.DRAFT, S.RETURNED), None, (R.FILLER,), OPEN),
    _t("submit", "提交", (S.NOT_STARTED, S.DRAFT, S.RETURNED), None, (R.FILLER,), OPEN, CLEAN),
    _t("approve", "单位负责人同意报送", (S.PENDING_HEAD,), S.SUBMITTED, (R.HEAD,), OPEN),
    _t("reject", "单位负责人退回", (S.PENDING_HEAD,), S.DRAFT, (R.HEAD,), COMMENT),
    _t("withdraw", "撤回", (S.PENDING_HEAD, S.SUBMITTED), S.DRAFT, (R.FILLER, R.HEAD)),
    _t("start_review", "开始审核", (S.SUBMITTED,), S.UNDER_REVIEW, BUREAU, IN_SCOPE),
    _t("return", "退回修改", (S.UNDER_REVIEW,), S.RETURNED, BUREAU, IN_SCOPE, COMMENT),
    _t("accept", "审核通过", (S.UNDER_REVIEW,), S.ACCEPTED, BUREAU, IN_SCOPE, AUDITED),
    _t("reopen", "重新打开", (S.ACCEPTED,), S.RETURNED, (R.ADMIN,), REASON),
    _t("publish", "公开", (S.ACCEPTED,), S.PUBLISHED, BUREAU, IN_SCOPE),
    _t("withdraw_publication", "撤回公开", (S.PUBLISHED,), S.ACCEPTED, (R.ADMIN,), REASON),
    _t(
        "exempt",
        "免报",
        (S.NOT_STARTED, S.DRAFT, S.PENDING_HEAD, S.SUBMITTED, S.UNDER_REVIEW, S.RETURNED),
        S.EXEMPTED,
        BUREAU,
        IN_SCOPE,
        REASON,
    ),
)
BY_ACTION: dict[str, Transition] = {t.action: t for t in TRANSITIONS}
ACTIONS: tuple[str, ...] = tuple(BY_ACTION)
EDITABLE: frozenset[State] = BY_ACTION["save"].sources
LOCKED: frozenset[State] = frozenset({S.ACCEPTED, S.PUBLISHED})


@dataclass(frozen=True)
class Context:
    """The facts the guards read; the caller fills them in from the database and the request."""

    head_step: bool = True
    facts: frozenset[str] = field(default_factory=frozenset)


class Refusal(Exception):
    """Why an action is refused. ``kind`` is ``unknown``, ``forbidden``, ``conflict`` or ``invalid``."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def target_of(transition: Transition, state: State, context: Context) -> State:
    if transition.target is not None:
        return transition.target
    if transition.action == "save":
        return S.RETURNED if state is S.RETURNED else S.DRAFT
    return S.PENDING_HEAD if context.head_step else S.SUBMITTED


def decide(state: State, action: str, role: Role, context: Context = Context()) -> State:
    """The state ``action`` leads to, or a Refusal saying why not (role first, then state, then guards)."""
    transition = BY_ACTION.get(action)
    if transition is None:
        raise Refusal("unknown", f"未知的操作“{action}”，可用：{'、'.join(ACTIONS)}")
    if role not in transition.roles:
        who = "、".join(ROLE_ZH[r] for r in sorted(transition.roles, key=list(Role).index))
        raise Refusal("forbidden", f"{ROLE_ZH[role]}不能执行“{transition.name_zh}”（仅限{who}）")
    if state not in transition.sources:
        raise Refusal("conflict", f"当前状态为“{STATE_ZH[state]}”，不能执行“{transition.name_zh}”")
    for guard in transition.guards:
        if guard not in context.facts:
            raise Refusal("invalid" if guard in REQUEST_GUARDS else "conflict", GUARD_ZH[guard])
    return target_of(transition, state, context)


def allowed(state: State, role: Role, context: Context = Context()) -> list[str]:
    """The actions ``role`` may take now (guards included), in table order: the buttons a page shows."""
    out = []
    for transition in TRANSITIONS:
        facts = context.facts | REQUEST_GUARDS  # a comment or reason is asked for when the button is used
        try:
            decide(state, transition.action, role, Context(context.head_step, facts))
        except Refusal:
            continue
        out.append(transition.action)
    return out


def mermaid() -> str:
    """The transition table as a Mermaid state diagram (docs/workflow.md is generated from it)."""
    lines = ["stateDiagram-v2"]
    for t in TRANSITIONS:
        targets = (
            [t.target] if t.target else ([S.DRAFT, S.RETURNED] if t.action == "save" else [S.PENDING_HEAD, S.SUBMITTED])
        )
        for source in sorted(t.sources, key=list(State).index):
            for target in targets:
                if t.action == "save" and (source is S.RETURNED) != (target is S.RETURNED):
                    continue
                lines.append(f"    {source.value} --> {target.value}: {t.name_zh}")
    return "\n".join(lines) + "\n"
