"""Use cases of the dashboard on the database; views call these and nothing else.

Everything starts from ``filing.ops.visible(user)``: a reviewer sees the units of the 主管部门 in
their scope, an admin all. Figures come from ``VersionDigest`` rows (made once per accepted
version, see ``models``), read with ``values_list`` and summed with Decimal in Python. A computed
dashboard is cached per (scope, year, task, last change), where the last change is the newest
transition and the newest submission: any accept, publish, reopen or new unit changes the key;
the cache entry also expires after ``CACHE_SECONDS`` (unit tree edits).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Max, Q, QuerySet

from ...core.errors import Forbidden, JixiaoError, NotFound
from ...core.workflow import Role
from ..filing import ops as filing
from ..filing.models import Submission, SubmissionVersion, Transition
from . import charts
from .charts import OFFICIAL, Chart, Digest, Meta, Row
from .models import VersionDigest

User = filing.User
CACHE_SECONDS = 300
CHUNK = 500
STALE_RUNNING = timedelta(minutes=30)
DIGEST_COLUMNS = (
    "accepted_version__dashboard_digest__total",
    "accepted_version__dashboard_digest__grade",
    "accepted_version__dashboard_digest__execution_rate",
    "accepted_version__dashboard_digest__error_findings",
)


# --------------------------------------------------------------------------- access


def may_view(user: User) -> Role:
    """Bureau pages are for reviewers and admins; anyone else is refused (403)."""
    role = filing.role_of(user)
    if role not in (Role.REVIEWER, Role.ADMIN):
        raise Forbidden("统计与导出仅供财政局审核人员和管理员使用")
    return role


def scope_key(user: User) -> str:
    """The user's scope as a cache key part: "all", or the ids of the 主管部门 in scope."""
    role, profile = filing.role_of(user), filing.profile_of(user)
    if role is Role.ADMIN or (profile is not None and profile.scope_all):
        return "all"
    if profile is None:
        return "none"
    ids = sorted(profile.scope.values_list("id", flat=True))
    return "s" + hashlib.sha1(",".join(map(str, ids)).encode()).hexdigest()[:16]


def last_change() -> str:
    """Newest transition and newest submission: changes whenever a figure shown here can change."""
    t = Transition.objects.aggregate(m=Max("id"))["m"] or 0
    s = Submission.objects.aggregate(m=Max("id"))["m"] or 0
    return f"{t}.{s}"


def official(qs: QuerySet[Submission]) -> QuerySet[Submission]:
    return qs.filter(status__in=OFFICIAL, accepted_version__isnull=False)


# --------------------------------------------------------------------------- digests


def ensure_digests(qs: QuerySet[Submission]) -> int:
    """Make the missing digests of the accepted versions in ``qs``; the number made."""
    missing = list(
        official(qs)
        .filter(accepted_version__dashboard_digest__isnull=True)
        .values_list("accepted_version_id", flat=True)
    )
    for start in range(0, len(missing), CHUNK):
        chunk = missing[start : start + CHUNK]
        rows = SubmissionVersion.objects.filter(pk__in=chunk).values_list("pk", "score", "evaluation__data", "findings")
        VersionDigest.objects.bulk_create(
            [
                VersionDigest(
                    version_id=pk, **charts.digest_fields(score or {}, data if isinstance(data, dict) else {}, findings)
                )
                for pk, score, data, findings in rows
            ],
            ignore_conflicts=True,  # two processes may fill the same digest: same content, first one kept
        )
    return len(missing)


def _digest(total: Any, grade: Any, rate: Any, errors: Any, losses: Any = None) -> Digest | None:
    if total is None and grade is None:
        return None
    return Digest(charts.dec(total), grade or "", charts.dec(rate), int(errors or 0), losses or {})


# --------------------------------------------------------------------------- the dashboard


@dataclass
class Choice:
    """What the user may pick: years and tasks in scope."""

    years: list[int]
    tasks: list[tuple[int, int, str]]  # (id, year, name)


@dataclass
class Dashboard:
    year: int | None
    task: tuple[int, int, str] | None
    choice: Choice
    charts: list[Chart]
    units: int = 0
    official: int = 0
    made_in_ms: float = 0.0
    stamp: str = ""
    options: dict[str, Any] = field(default_factory=dict)

    def chart(self, name: str) -> Chart:
        for c in self.charts:
            if c.name == name:
                return c
        raise NotFound(f"没有名为“{name}”的图表（可用：{'、'.join(c.name for c in self.charts)}）")

    def json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "task": {"id": self.task[0], "name": self.task[2]} if self.task else None,
            "units": self.units,
            "official": self.official,
            "charts": {c.name: c.json() for c in self.charts},
        }


def choices(user: User) -> Choice:
    rows = filing.visible(user).order_by().values_list("task_id", "task__year", "task__name").distinct()
    tasks = sorted(set(rows), key=lambda t: (-t[1], t[0]))
    return Choice(sorted({t[1] for t in tasks}, reverse=True), tasks)


def metas(framework_ids: Iterable[str]) -> dict[str, Meta]:
    """Names, weights and grades of the tables used; a table that cannot be read is left out."""
    out = {}
    for fid in sorted(set(framework_ids)):
        try:
            framework = filing.framework_for(fid)
        except JixiaoError:
            continue
        indicators = {node.id: (node.name, node.weight, node.is_leaf) for node, _ in framework.walk()}
        ordered = tuple(g.grade for g in sorted(framework.grades, key=lambda g: -g.min))
        out[fid] = Meta(framework.name, indicators, ordered)
    return out


def rows_of(qs: QuerySet[Submission]) -> list[Row]:
    """One ``Row`` per submission, with its digest when accepted or published (one query)."""
    values = qs.values_list(
        "pk",
        "status",
        "unit__code",
        "unit__name",
        "unit__department__name",
        "task__framework_id",
        *DIGEST_COLUMNS,
        "accepted_version__dashboard_digest__losses",
    )
    out = []
    for pk, status, code, name, department, fid, total, grade, rate, errors, losses in values.iterator(chunk_size=2000):
        digest = _digest(total, grade, rate, errors, losses) if status in OFFICIAL else None
        out.append(Row(pk, status, code, name, department or name, fid, digest))
    return out


def selected(choice: Choice, year: int | None, task_id: int | None) -> tuple[int | None, Any]:
    task = next((t for t in choice.tasks if t[0] == task_id), None) if task_id else None
    if task_id and task is None:
        raise NotFound(f"没有编号为 {task_id} 的任务，或您无权查看")
    if task is not None:
        return task[1], task
    if year is None:
        return (choice.years[0] if choice.years else None), None
    if year not in choice.years:
        raise NotFound(f"您的范围内没有 {year} 年度的任务")
    return year, None


def dashboard_key(user: User, year: int | None, task_id: int | None) -> str:
    """The cache key of a dashboard: scope, choice and last change (also checks the role)."""
    may_view(user)
    return f"jixiao-dash:{scope_key(user)}:{year}:{task_id}:{last_change()}"


def dashboard(user: User, year: int | None = None, task_id: int | None = None) -> Dashboard:
    """The charts for ``year`` (default: the latest) or one task, within the user's scope; cached."""
    key = dashboard_key(user, year, task_id)
    found = cache.get(key)
    if found is not None:
        return found
    started = time.perf_counter()
    choice = choices(user)
    chosen_year, task = selected(choice, year, task_id)
    visible = filing.visible(user)
    ensure_digests(visible)
    scoped = visible.filter(task__year=chosen_year) if chosen_year else visible.none()
    if task:
        scoped = scoped.filter(task_id=task[0])
    rows = rows_of(scoped)
    tables = metas(r.framework_id for r in rows)
    grade_order = next((m.grades for m in tables.values()), ("优", "良", "中", "差"))
    trend = official(visible).values_list("task__year", "accepted_version__dashboard_digest__total")
    board = Dashboard(
        chosen_year,
        task,
        choice,
        [
            charts.status_by_department(rows),
            charts.histogram(rows),
            charts.grades(rows, grade_order),
            charts.indicator_losses(rows, tables),
            charts.execution_scatter(rows, tables),
            charts.year_over_year((y, charts.dec(t)) for y, t in trend if t is not None),
        ],
        units=len(rows),
        official=sum(1 for r in rows if r.digest is not None),
        stamp=key.rsplit(":", 1)[-1],
    )
    board.made_in_ms = (time.perf_counter() - started) * 1000
    cache.set(key, board, CACHE_SECONDS)
    return board


@dataclass
class UnitPick:
    query: str
    chart: Chart | None = None
    candidates: list[tuple[str, str]] = field(default_factory=list)  # (code, name)
    message: str = ""


def unit_years(user: User, query: str) -> UnitPick:
    """Year over year for one unit in scope, found by its code or name (a part of the name lists matches)."""
    may_view(user)
    query = query.strip()
    pick = UnitPick(query)
    if not query:
        return pick
    visible = filing.visible(user)
    exact = list(
        visible.filter(Q(unit__code=query) | Q(unit__name=query))
        .order_by()
        .values_list("unit__code", "unit__name")
        .distinct()
    )
    if len(exact) != 1:
        found = exact or list(
            visible.filter(Q(unit__code__icontains=query) | Q(unit__name__icontains=query))
            .values_list("unit__code", "unit__name")
            .distinct()
            .order_by("unit__code")[:21]
        )
        if len(found) != 1:
            pick.candidates = sorted(set(found))[:20]
            pick.message = "找到多个单位，请选择：" if found else f"您的范围内没有名称或编码含“{query}”的单位"
            return pick
        exact = found
    code, name = exact[0]
    subs = visible.filter(unit__code=code)
    ensure_digests(subs)
    rows = subs.values_list("task__year", "task__name", "status", *DIGEST_COLUMNS)
    pick.chart = charts.unit_years(name, [(y, t, s, _digest(*d) if s in OFFICIAL else None) for y, t, s, *d in rows])
    return pick
