"""进度: counts by status per 主管部门, the 未填报 and 逾期 lists, 催报 notices and the .xlsx export.

Everything starts from ``filing.ops.visible(user)``: a reviewer counts only the units in scope.
Counts are done in SQL (they are counts, not money).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Count, F, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from ...core.workflow import STATE_ZH, State
from ..accounts.models import Unit
from ..filing import ops as filing
from ..filing.models import Notice, Submission, Task, Transition

NOT_FILED = (State.NOT_STARTED, State.DRAFT, State.RETURNED)
NOT_SUBMITTED = (*NOT_FILED, State.PENDING_HEAD)
STATES = tuple(State)
REMIND_TEXT = "财政局催报：请于{deadline}前完成填报并报送"
OVERDUE_TEXT = "财政局催报：已超过填报截止时间（{deadline}），请尽快报送或联系财政局申请延期"


@dataclass(frozen=True)
class Selection:
    """What the page shows: one task, or every task of a year."""

    task: Task | None
    year: int | None

    @property
    def label(self) -> str:
        if self.task is not None:
            return self.task.name
        return f"{self.year}年度全部任务" if self.year else "全部任务"


def submissions(user: Any, selection: Selection) -> QuerySet[Submission]:
    rows = filing.visible(user)
    if selection.task is not None:
        return rows.filter(task=selection.task)
    if selection.year is not None:
        return rows.filter(task__year=selection.year)
    return rows


@dataclass(frozen=True)
class Table:
    states: tuple[State, ...]
    rows: list[dict[str, Any]]  # {"department": Unit, "counts": [int per state], "total": int}
    totals: list[int]
    total: int

    @property
    def headers(self) -> list[str]:
        return [STATE_ZH[s] for s in self.states]


def last_change() -> str:
    """Changes to what the page shows: a transition, a new submission, an extension (cheap max-id reads)."""
    from django.db.models import Max

    from .models import Extension

    marks = (
        Transition.objects.aggregate(m=Max("id"))["m"],
        Submission.objects.aggregate(m=Max("id"))["m"],
        Extension.objects.aggregate(m=Max("id"))["m"],
    )
    return ":".join(str(m or 0) for m in marks)


def counts(user: Any, selection: Selection) -> Table:
    """Submissions by 主管部门 (rows) × status (columns), with row and column totals."""
    grouped = (
        submissions(user, selection)
        .annotate(dept=Coalesce(F("unit__department_id"), F("unit_id")))
        .values("dept", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_dept: dict[int, dict[str, int]] = {}
    for row in grouped:
        by_dept.setdefault(row["dept"], {})[row["status"]] = row["n"]
    departments = {u.pk: u for u in Unit.objects.filter(pk__in=by_dept).order_by("code")}
    rows = []
    for pk, unit in departments.items():
        cells = [by_dept[pk].get(s.value, 0) for s in STATES]
        rows.append({"department": unit, "counts": cells, "total": sum(cells)})
    totals = [sum(r["counts"][i] for r in rows) for i in range(len(STATES))]
    return Table(STATES, rows, totals, sum(totals))


def not_filed(user: Any, selection: Selection) -> QuerySet[Submission]:
    """未填报: nothing with the bureau or the unit head (not started, draft, returned)."""
    return _listed(submissions(user, selection).filter(status__in=[s.value for s in NOT_FILED]))


def overdue(user: Any, selection: Selection) -> QuerySet[Submission]:
    """逾期: past the deadline in force (task's, or the extension's) and not yet submitted."""
    now = timezone.now()
    rows = submissions(user, selection).filter(status__in=[s.value for s in NOT_SUBMITTED])
    return _listed(rows.annotate(due=Coalesce(F("extended_until"), F("task__deadline"))).filter(due__lt=now))


def _listed(rows: QuerySet[Submission]) -> QuerySet[Submission]:
    return rows.select_related("unit", "unit__department", "task").order_by("unit__code", "task_id")


def remind(user: Any, selection: Selection, which: str) -> int:
    """催报: a notice on each listed unit's 待办; a unit already reminded today (unread) is not reminded again."""
    rows = overdue(user, selection) if which == "overdue" else not_filed(user, selection)
    since = timezone.now() - timedelta(hours=12)
    recent = set(
        Notice.objects.filter(
            submission__in=rows, read_at__isnull=True, created_at__gte=since, text__contains="财政局催报"
        ).values_list("submission_id", flat=True)
    )
    notices = []
    for sub in rows:
        if sub.pk in recent:
            continue
        template = OVERDUE_TEXT if sub.deadline < timezone.now() else REMIND_TEXT
        deadline = f"{timezone.localtime(sub.deadline):%Y年%m月%d日 %H:%M}"
        notices.append(
            Notice(unit=sub.unit, submission=sub, text=f"{sub.task.name}：{template.format(deadline=deadline)}")
        )
    Notice.objects.bulk_create(notices)
    return len(notices)


def export_xlsx(user: Any, selection: Selection) -> bytes:
    """The progress table (and the two lists) as an .xlsx workbook."""
    import xlsxwriter

    table = counts(user, selection)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = book.add_format({"bold": True, "border": 1, "bg_color": "#DDE4EE", "align": "center", "valign": "vcenter"})
    cell = book.add_format({"border": 1})
    num = book.add_format({"border": 1, "num_format": "0"})
    sheet = book.add_worksheet("填报进度")
    sheet.write(0, 0, f"填报进度：{selection.label}（{timezone.localtime():%Y年%m月%d日 %H:%M}）")
    headers = ["主管部门编码", "主管部门", *table.headers, "合计"]
    for c, name in enumerate(headers):
        sheet.write(2, c, name, bold)
    for r, row in enumerate(table.rows, start=3):
        sheet.write(r, 0, row["department"].code, cell)
        sheet.write(r, 1, row["department"].name, cell)
        for c, n in enumerate([*row["counts"], row["total"]], start=2):
            sheet.write_number(r, c, n, num)
    last = 3 + len(table.rows)
    sheet.write(last, 0, "", bold)
    sheet.write(last, 1, "合计", bold)
    for c, n in enumerate([*table.totals, table.total], start=2):
        sheet.write_number(last, c, n, bold)
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 1, 28)
    sheet.set_column(2, len(headers) - 1, 10)
    _list_sheet(book, "未填报单位", not_filed(user, selection), bold, cell)
    _list_sheet(book, "逾期单位", overdue(user, selection), bold, cell)
    book.close()
    return out.getvalue()


def _list_sheet(book: Any, title: str, rows: QuerySet[Submission], bold: Any, cell: Any) -> None:
    sheet = book.add_worksheet(title)
    for c, name in enumerate(("单位编码", "单位名称", "主管部门", "任务", "状态", "截止时间")):
        sheet.write(0, c, name, bold)
    for r, sub in enumerate(rows, start=1):
        values = (
            sub.unit.code,
            sub.unit.name,
            sub.unit.department_or_self.name,
            sub.task.name,
            STATE_ZH[sub.state],
            f"{timezone.localtime(sub.deadline):%Y-%m-%d %H:%M}",
        )
        for c, value in enumerate(values):
            sheet.write_string(r, c, value, cell)
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 3, 30)
    sheet.set_column(4, 5, 16)
