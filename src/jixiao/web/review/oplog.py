"""The operation log (操作日志): transitions, saved edits and logins merged into one trail, newest first.

Each source is filtered in SQL and read newest first, at most as many rows as the page needs; the
sources are then merged in Python. Counts add up per source, so paging is exact.
"""

from __future__ import annotations

import heapq
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from axes.models import AccessAttempt, AccessLog
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from ...core.workflow import BY_ACTION, STATE_ZH, State
from ..filing.models import EditRecord, Transition

EDIT, LOGIN, LOGIN_FAILED = "edit", "login", "login_failed"
ACTION_ZH: dict[str, str] = {
    EDIT: "修改填报内容",
    LOGIN: "登录",
    LOGIN_FAILED: "登录失败",
    **{a: t.name_zh for a, t in BY_ACTION.items()},
}
SOURCE_ZH = {"form": "网页", "api": "接口", "import": "Excel 导入", "last_year": "从上年复制"}
EXPORT_LIMIT = 100_000


@dataclass(frozen=True)
class Filter:
    user: str = ""
    unit: str = ""  # unit code
    action: str = ""
    start: date | None = None
    end: date | None = None


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def parse(params: Mapping[str, str]) -> Filter:
    action = params.get("action", "")
    return Filter(
        user=params.get("user", "").strip(),
        unit=params.get("unit", "").strip(),
        action=action if action in ACTION_ZH else "",
        start=_date(params.get("start", "")),
        end=_date(params.get("end", "")),
    )


@dataclass(frozen=True)
class Entry:
    at: datetime
    user: str
    unit: str
    action: str
    submission_id: int | None
    detail: str

    @property
    def action_zh(self) -> str:
        return ACTION_ZH.get(self.action, self.action)


def _range(rows: QuerySet[Any], wanted: Filter, field: str) -> QuerySet[Any]:
    zone = timezone.get_current_timezone()
    if wanted.start:
        rows = rows.filter(**{f"{field}__gte": datetime.combine(wanted.start, time.min, zone)})
    if wanted.end:
        rows = rows.filter(**{f"{field}__lt": datetime.combine(wanted.end + timedelta(days=1), time.min, zone)})
    return rows


def _submission_rows(model: Any, wanted: Filter) -> QuerySet[Any]:
    rows = model.objects.select_related("actor", "submission__unit", "submission__task")
    if wanted.user:
        rows = rows.filter(actor__username__iexact=wanted.user)
    if wanted.unit:
        rows = rows.filter(submission__unit__code=wanted.unit)
    return _range(rows, wanted, "at").order_by("-at", "-id")


def _logins(model: Any, wanted: Filter) -> QuerySet[Any]:
    rows = model.objects.all()
    if wanted.user:
        rows = rows.filter(username__iexact=wanted.user)
    if wanted.unit:
        names = get_user_model().objects.filter(profile__unit__code=wanted.unit).values_list("username", flat=True)
        rows = rows.filter(username__in=list(names))
    return _range(rows, wanted, "attempt_time").order_by("-attempt_time", "-id")


def sources(wanted: Filter) -> list[tuple[QuerySet[Any], Any]]:
    """(queryset, row → Entry) for every source the filter's action can come from."""
    out: list[tuple[QuerySet[Any], Any]] = []
    if wanted.action in ("", EDIT):
        out.append((_submission_rows(EditRecord, wanted), _edit))
    if wanted.action not in (EDIT, LOGIN, LOGIN_FAILED):
        rows = _submission_rows(Transition, wanted)
        out.append((rows.filter(action=wanted.action) if wanted.action else rows, of_transition))
    if wanted.action in ("", LOGIN):
        out.append((_logins(AccessLog, wanted), _login))
    if wanted.action in ("", LOGIN_FAILED):
        out.append((_logins(AccessAttempt, wanted), _failed))
    return out


def _unit(sub: Any) -> str:
    return sub.unit.name if sub is not None else ""


def _edit(r: EditRecord) -> Entry:
    paths = "、".join(r.changed[:8]) + (f" 等{len(r.changed)}项" if len(r.changed) > 8 else "")
    detail = f"{SOURCE_ZH.get(r.source, r.source)}保存，版本 {r.lock_version}；改动：{paths or '无'}"
    return Entry(r.at, _name(r.actor), _unit(r.submission), EDIT, r.submission_id, detail)


def _state(value: str) -> str:
    try:
        return STATE_ZH[State(value)]
    except ValueError:
        return value


def of_transition(r: Transition) -> Entry:
    detail = f"{_state(r.from_status)} → {_state(r.to_status)}" + (f"；{r.comment}" if r.comment else "")
    return Entry(r.at, _name(r.actor), _unit(r.submission), r.action, r.submission_id, detail)


def _login(r: AccessLog) -> Entry:
    detail = f"地址 {r.ip_address or '—'}" + ("，已退出" if r.logout_time else "")
    return Entry(r.attempt_time, r.username or "", "", LOGIN, None, detail)


def _failed(r: AccessAttempt) -> Entry:
    """axes keeps one row per user name and address (cleared by a successful login): the first failure's time."""
    detail = f"地址 {r.ip_address or '—'}，连续失败 {r.failures_since_start} 次"
    return Entry(r.attempt_time, r.username or "", "", LOGIN_FAILED, None, detail)


def _name(user: Any) -> str:
    return user.get_username() if user is not None else "—"


def count(wanted: Filter) -> int:
    return sum(rows.count() for rows, _ in sources(wanted))


def entries(wanted: Filter, offset: int, limit: int) -> list[Entry]:
    """Rows ``offset`` … ``offset + limit`` of the merged trail, newest first."""
    streams = [map(convert, rows[: offset + limit]) for rows, convert in sources(wanted)]
    merged: Iterator[Entry] = heapq.merge(*streams, key=lambda e: e.at, reverse=True)
    out = []
    for index, entry in enumerate(merged):
        if index >= offset + limit:
            break
        if index >= offset:
            out.append(entry)
    return out


def _units_of_logins(rows: list[Entry]) -> list[Entry]:
    """Logins carry the user's unit name (looked up once for the page)."""
    names = {e.user for e in rows if e.action in (LOGIN, LOGIN_FAILED)}
    units = dict(
        get_user_model()
        .objects.filter(username__in=names, profile__unit__isnull=False)
        .values_list("username", "profile__unit__name")
    )
    return [
        e if e.unit or e.user not in units else Entry(e.at, e.user, units[e.user], e.action, e.submission_id, e.detail)
        for e in rows
    ]


def page(wanted: Filter, number: int, size: int = 50) -> tuple[list[Entry], int]:
    total = count(wanted)
    return _units_of_logins(entries(wanted, (max(number, 1) - 1) * size, size)), total


def xlsx(wanted: Filter) -> bytes:
    """The filtered trail as an .xlsx (at most ``EXPORT_LIMIT`` rows, newest first)."""
    import xlsxwriter

    rows = _units_of_logins(entries(wanted, 0, EXPORT_LIMIT))
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("操作日志")
    bold = book.add_format({"bold": True, "bg_color": "#DDE4EE", "border": 1})
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    headers = ["时间", "用户", "单位", "操作", "填报编号", "详情"]
    for col, (title, width) in enumerate(zip(headers, (20, 16, 28, 14, 10, 80), strict=True)):
        sheet.write(0, col, title, bold)
        sheet.set_column(col, col, width)
    for n, e in enumerate(rows, start=1):
        sheet.write_datetime(n, 0, timezone.localtime(e.at).replace(tzinfo=None), when)
        sheet.write_row(n, 1, [e.user, e.unit, e.action_zh, e.submission_id or "", e.detail])
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)
    book.close()
    return buffer.getvalue()
