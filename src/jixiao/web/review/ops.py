"""Use cases of the review pages: the queue, the workspace of one submission, review actions, publication.

Everything starts from ``filing.ops.visible(user)`` (a reviewer sees only the units of the 主管部门 in
scope); state changes go through ``filing.ops.act`` so ``core.workflow`` decides them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from ...core.errors import JixiaoError, NotFound
from ...core.workflow import BY_ACTION, Context, State, allowed
from ..accounts.models import Unit
from ..filing import ops
from ..filing.models import ReviewComment, Submission, SubmissionVersion, Task
from ..filing.ops import User

AWAITING = (State.SUBMITTED.value, State.UNDER_REVIEW.value)
DECIDED = (State.ACCEPTED.value, State.RETURNED.value, State.PUBLISHED.value)
RECENT = timedelta(days=30)
QUEUE_STATES = (*AWAITING, *DECIDED)
REVIEW_ACTIONS = ("start_review", "return", "accept", "publish")


# --------------------------------------------------------------------------- the queue


@dataclass(frozen=True)
class QueueFilter:
    task: int | None = None
    department: int | None = None
    status: str = ""


def parse_filter(params: Mapping[str, str]) -> QueueFilter:
    def number(key: str) -> int | None:
        value = params.get(key, "")
        return int(value) if value.isdigit() else None

    status = params.get("status", "")
    return QueueFilter(number("task"), number("department"), status if status in QUEUE_STATES else "")


def queue(user: User, wanted: QueueFilter) -> QuerySet[Submission]:
    """Submitted or under review, accepted (awaiting publication), and returned/published lately."""
    since = timezone.now() - RECENT
    rows = ops.visible(user).filter(
        Q(status__in=AWAITING) | Q(status=State.ACCEPTED.value) | Q(status__in=DECIDED, updated_at__gte=since)
    )
    if wanted.task:
        rows = rows.filter(task_id=wanted.task)
    if wanted.department:
        rows = rows.filter(Q(unit__department_id=wanted.department) | Q(unit_id=wanted.department))
    if wanted.status:
        rows = rows.filter(status=wanted.status)
    return rows.select_related("unit__department").order_by("-task__year", "task_id", "status", "unit__code")


def latest_versions(submission_ids: Iterable[int]) -> dict[int, SubmissionVersion]:
    out: dict[int, SubmissionVersion] = {}
    for version in SubmissionVersion.objects.filter(submission_id__in=list(submission_ids)).order_by("-number"):
        out.setdefault(version.submission_id, version)
    return out


def error_findings(version: SubmissionVersion | None) -> int | None:
    if version is None or version.findings is None:
        return None
    return sum(1 for f in version.findings if f.get("severity") == "error")


def choices(user: User) -> dict[str, list[tuple[int, str]]]:
    """The tasks and 主管部门 a user may filter the queue by."""
    seen = ops.visible(user)
    tasks = Task.objects.filter(submissions__in=seen).distinct().order_by("-year", "name")
    unit_ids = seen.values("unit_id")
    departments = Unit.objects.filter(Q(subunits__id__in=unit_ids) | Q(id__in=unit_ids, department__isnull=True))
    return {
        "tasks": [(t.pk, t.name) for t in tasks],
        "departments": [(u.pk, u.name) for u in departments.distinct().order_by("code")],
    }


# --------------------------------------------------------------------------- the workspace


@dataclass
class Row:
    """One indicator of the scorecard beside last year's score and the comments on it."""

    id: str
    name: str
    level: int
    weight: Any
    effective_weight: Any
    score: Any
    applicable: bool
    explanation: str
    leaf: bool
    last_score: Any = None
    last_weight: Any = None
    comments: list[ReviewComment] = field(default_factory=list)

    @property
    def change(self) -> Any:
        if self.score is None or self.last_score is None:
            return None
        return round(float(self.score) - float(self.last_score), 2)


def _last_year_scores(
    sub: Submission,
) -> tuple[Submission | None, dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    previous = ops.last_year(sub)
    if previous is None or previous.accepted_version is None:
        return None, {}, {}
    indicators = previous.accepted_version.score.get("indicators", [])
    return previous, {i["id"]: i for i in indicators}, {i["name"]: i for i in reversed(indicators)}


def scorecard(sub: Submission, version: SubmissionVersion | None) -> tuple[list[Row], Submission | None]:
    """Every indicator of the version's score (formats §4), matched to last year's by id, else by name."""
    if version is None:
        return [], None
    previous, by_id, by_name = _last_year_scores(sub)
    indicators = version.score.get("indicators", [])
    ids = [i["id"] for i in indicators]
    comments = _comments_by_indicator(sub)
    rows = []
    for item in indicators:
        old = by_id.get(item["id"]) or by_name.get(item["name"])
        rows.append(
            Row(
                id=item["id"],
                name=item["name"],
                level=item.get("level") or item["id"].count(".") + 1,
                weight=item.get("weight"),
                effective_weight=item.get("effective_weight"),
                score=item.get("score"),
                applicable=item.get("applicable", True),
                explanation=item.get("explanation", ""),
                leaf=not any(other.startswith(item["id"] + ".") for other in ids),
                last_score=old.get("score") if old else None,
                last_weight=old.get("effective_weight") if old else None,
                comments=comments.get(item["id"], []),
            )
        )
    return rows, previous


def _comments_by_indicator(sub: Submission) -> dict[str, list[ReviewComment]]:
    out: dict[str, list[ReviewComment]] = {}
    for comment in sub.comments.select_related("author", "version").exclude(indicator=""):
        out.setdefault(comment.indicator, []).append(comment)
    return out


@dataclass(frozen=True)
class Round:
    """One submitted version with the comments and transitions written on it."""

    version: SubmissionVersion
    total: Any
    grade: str
    errors: int | None
    comments: list[ReviewComment]


def rounds(sub: Submission) -> list[Round]:
    comments = list(sub.comments.select_related("author", "version"))
    out = []
    for version in sub.versions.select_related("created_by").order_by("-number"):
        out.append(
            Round(
                version=version,
                total=version.score.get("total"),
                grade=version.score.get("grade") or "",
                errors=error_findings(version),
                comments=[c for c in comments if c.version_id == version.pk],
            )
        )
    return out


def actions(user: User, sub: Submission) -> list[str]:
    """The review actions the user may take now (the workflow's answer; guards asked at the click)."""
    role = ops.role_of(user)
    if role is None:
        return []
    facts = frozenset({"open", "clean", "audited", "in_scope"})
    return [a for a in allowed(sub.state, role, Context(sub.task.head_step, facts)) if a in REVIEW_ACTIONS]


def review(user: User, submission_id: int, action: str, comment: str, comments: Mapping[str, str]) -> Submission:
    """Start the review, return (needs a comment) or accept, through ``filing.ops.act``."""
    sub = ops.get_visible(user, submission_id)
    if action not in REVIEW_ACTIONS:
        raise NotFound(f"未知的审核操作“{action}”")
    pairs = tuple((indicator, text) for indicator, text in comments.items() if text.strip())
    return ops.act(user, sub, ops.Request(action, comment, pairs))


def action_name(action: str) -> str:
    return BY_ACTION[action].name_zh if action in BY_ACTION else action


# --------------------------------------------------------------------------- batch publication


@dataclass(frozen=True)
class Published:
    submission_id: int
    unit: str
    ok: bool
    message: str


def publish_many(user: User, submission_ids: Iterable[int]) -> list[Published]:
    """Publish each submission on its own: one refusal does not stop the others."""
    out = []
    for sid in dict.fromkeys(submission_ids):
        try:
            sub = ops.get_visible(user, sid)
        except NotFound as error:
            out.append(Published(sid, "—", False, error.message))
            continue
        try:
            ops.act(user, sub, ops.Request("publish"))
        except JixiaoError as error:
            out.append(Published(sid, sub.unit.name, False, error.message))
        else:
            out.append(Published(sid, sub.unit.name, True, f"{sub.task.year}年度报告已公开，可在公开报告页下载与核验"))
    return out
