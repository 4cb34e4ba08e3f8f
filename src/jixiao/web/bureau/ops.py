"""Use cases of 任务下发: creating and changing a yearly task, its attachments, 免报 and 延期.

Views call these and nothing else. Every refusal is a ``JixiaoError`` in Chinese; what a user may
see starts from ``filing.ops.visible`` (through ``access``); state changes go through
``filing.ops.act`` (the workflow in ``core.workflow`` decides them).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import PurePath
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from ...core.errors import Conflict, Forbidden
from ...core.model import Issue, Severity
from ...core.workflow import STATE_ZH, State
from ..accounts.models import Unit
from ..errors import Invalid
from ..filing import ops as filing
from ..filing.models import Notice, Submission, Task, Transition
from . import access
from .models import Attachment, Extension
from .sheets import read_rows

SHANGHAI = ZoneInfo("Asia/Shanghai")
MAX_ATTACHMENT = 20 * 1024 * 1024
KIND_ZH = {"pdf": "PDF 文件", "docx": "Word 文档（.docx）", "xlsx": "Excel 工作簿（.xlsx）", "zip": "zip 压缩包"}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}
EXTENDABLE = frozenset({State.NOT_STARTED, State.DRAFT, State.RETURNED, State.PENDING_HEAD})


def end_of_day(day: date) -> datetime:
    """A deadline date as 23:59:59 Beijing time."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=SHANGHAI)


@dataclass
class TaskInput:
    """What the task form gives: the task's fields and the units picked (tree and/or .xlsx list)."""

    name: str
    year: int
    framework_id: str
    deadline: date
    head_step: bool
    instructions: str
    units: list[Unit] = field(default_factory=list)


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


# --------------------------------------------------------------------------- tasks


def create_task(user: Any, data: TaskInput, uploads: Iterable[Upload] = ()) -> Task:
    """A task with its table stamped, one not-started submission per unit, and its attachments."""
    _check_units(user, data.units)
    if not data.units:
        raise Invalid("请至少选择一个填报单位")
    if end_of_day(data.deadline) < timezone.now():
        raise Invalid("填报截止日期不能早于今天")
    framework = filing.framework_for(data.framework_id)
    files = [(u.name, u.data, attachment_kind(u.name, u.data)) for u in uploads]
    with transaction.atomic():
        task = Task.objects.create(
            name=data.name,
            year=data.year,
            framework_id=framework.id,
            framework_version=framework.version,
            framework_sha256=framework.sha256,
            deadline=end_of_day(data.deadline),
            head_step=data.head_step,
            instructions=data.instructions,
        )
        _add_units(task, data.units)
        for name, content, kind in files:
            _store_attachment(user, task, name, content, kind)
    return task


def update_task(
    user: Any, task: Task, data: TaskInput, uploads: Iterable[Upload] = (), remove: Iterable[int] = ()
) -> Task:
    """Change a task: fields, units (added; removed only while untouched), attachments.

    The table may change only while no unit has saved anything; a unit that has started stays (免报 it).
    """
    if not access.sees_whole_task(user, task):
        raise Forbidden("该任务包含您审核范围以外的单位，只能由管理员修改")
    _check_units(user, data.units)
    if not data.units:
        raise Invalid("请至少选择一个填报单位")
    files = [(u.name, u.data, attachment_kind(u.name, u.data)) for u in uploads]
    with transaction.atomic():
        if data.framework_id != task.framework_id:
            _change_table(task, data.framework_id)
        task.name, task.year, task.head_step, task.instructions = (
            data.name,
            data.year,
            data.head_step,
            data.instructions,
        )
        task.deadline = end_of_day(data.deadline)
        task.save()
        current = set(task.submissions.values_list("unit_id", flat=True))
        wanted = {u.pk for u in data.units}
        _remove_units(task, current - wanted)
        _add_units(task, [u for u in data.units if u.pk not in current])
        Attachment.objects.filter(task=task, pk__in=list(remove)).delete()
        for name, content, kind in files:
            _store_attachment(user, task, name, content, kind)
    return task


def _check_units(user: Any, units: list[Unit]) -> None:
    allowed = set(access.visible_units(user).values_list("pk", flat=True))
    outside = [u for u in units if u.pk not in allowed]
    if outside:
        raise Forbidden(f"单位“{outside[0].name}”不在您的审核范围内")


def _change_table(task: Task, framework_id: str) -> None:
    if task.submissions.exclude(status=State.NOT_STARTED.value, lock_version=0).exists():
        raise Conflict("已有单位开始填报，不能更换评分表；如需更换，请新建任务")
    framework = filing.framework_for(framework_id)
    task.framework_id, task.framework_version, task.framework_sha256 = framework.id, framework.version, framework.sha256


def _add_units(task: Task, units: list[Unit]) -> None:
    task.units.add(*units)
    Submission.objects.bulk_create([Submission(task=task, unit=u) for u in units], ignore_conflicts=True)


def _remove_units(task: Task, unit_ids: set[int]) -> None:
    if not unit_ids:
        return
    subs = Submission.objects.filter(task=task, unit_id__in=unit_ids).select_related("unit")
    started = [s for s in subs if s.status != State.NOT_STARTED.value or s.lock_version or s.transitions.exists()]
    if started:
        raise Conflict(f"单位“{started[0].unit.name}”已开始填报，不能移出任务；如该单位无需填报，请设为免报")
    Notice.objects.filter(submission__in=subs).delete()
    subs.delete()
    task.units.remove(*unit_ids)


# --------------------------------------------------------------------------- unit lists


def units_from_xlsx(user: Any, data: bytes) -> list[Unit]:
    """The units of an .xlsx list (column 单位编码, optionally 单位名称); every unknown code is an error."""
    rows = read_rows(data, {"code": ("单位编码", "编码"), "name": ("单位名称", "名称")}, ("code",))
    units = {u.code: u for u in access.visible_units(user)}
    issues, found = [], []
    for row in rows:
        unit = units.get(row.get("code"))
        if unit is None:
            issues.append(_row_issue(row.number, f"单位编码“{row.get('code')}”不存在或不在您的审核范围内"))
        elif unit not in found:
            found.append(unit)
    if issues:
        raise Invalid(f"单位名单有{len(issues)}处错误，请改正后重新上传", tuple(issues))
    if not found:
        raise Invalid("单位名单中没有单位")
    return found


def _row_issue(number: int, message: str) -> Issue:
    return Issue(Severity.ERROR, "row-invalid", f"第{number}行", f"第{number}行：{message}")


# --------------------------------------------------------------------------- attachments


def attachment_kind(name: str, data: bytes) -> str:
    """The file's type read from its content (pdf/docx/xlsx/zip); a size over 20 MB or a mismatch is refused."""
    if len(data) > MAX_ATTACHMENT:
        raise Invalid(f"附件“{name}”超过 20 MB")
    kind = _sniff(data)
    if kind is None:
        raise Invalid(f"附件“{name}”的类型不受支持：只接受 PDF、Word（.docx）、Excel（.xlsx）和 zip 压缩包")
    suffix = PurePath(name).suffix.lower().lstrip(".")
    if suffix != kind:
        raise Invalid(f"附件“{name}”的内容是{KIND_ZH[kind]}，与扩展名“.{suffix}”不符")
    return kind


def _sniff(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if not data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return None
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except zipfile.BadZipFile:
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return "zip"


def _store_attachment(user: Any, task: Task, name: str, data: bytes, kind: str) -> Attachment:
    sha = hashlib.sha256(data).hexdigest()
    path = f"attachments/{sha[:2]}/{sha}.{kind}"
    if not default_storage.exists(path):
        default_storage.save(path, ContentFile(data))
    clean = PurePath(name.replace("\\", "/")).name[:200] or f"附件.{kind}"
    return Attachment.objects.create(
        task=task, name=clean, kind=kind, size=len(data), sha256=sha, path=path, uploaded_by=user
    )


def attachment_for(user: Any, attachment_id: int) -> Attachment:
    """An attachment of a task the user sees (its units' users, the bureau in scope); else NotFound."""
    from ...core.errors import NotFound

    row = Attachment.objects.filter(pk=attachment_id).select_related("task").first()
    if row is None or not task_visible(user, row.task):
        raise NotFound("没有该附件，或您无权下载")
    return row


def task_visible(user: Any, task: Task) -> bool:
    return access.sees_all(user) or filing.visible(user).filter(task=task).exists()


# --------------------------------------------------------------------------- 免报 and 延期


def exempt(user: Any, sub: Submission, reason: str) -> Submission:
    """免报: the workflow's ``exempt`` action (reason required; the unit gets a notice)."""
    return filing.act(user, sub, filing.Request("exempt", reason))


def extend(user: Any, sub: Submission, until: date, reason: str) -> Extension:
    """延期: a new deadline for one unit (end of that day), recorded with its reason; the unit is told."""
    if not reason.strip():
        raise Invalid("请填写延期原因")
    if sub.state not in EXTENDABLE:
        raise Conflict(f"当前状态为“{STATE_ZH[sub.state]}”，无需延期")
    new = end_of_day(until)
    if new <= timezone.now():
        raise Invalid("新的截止日期应晚于今天")
    if new <= sub.task.deadline:
        raise Invalid(f"新的截止日期应晚于任务的截止时间（{timezone.localtime(sub.task.deadline):%Y年%m月%d日}）")
    with transaction.atomic():
        previous = sub.deadline
        updated = Submission.objects.filter(pk=sub.pk, status__in=[s.value for s in EXTENDABLE]).update(
            extended_until=new
        )
        if not updated:
            raise Conflict("状态已被他人更新，请刷新页面")
        row = Extension.objects.create(
            submission=sub, until=new, previous=previous, reason=reason.strip(), granted_by=user
        )
        Notice.objects.create(
            unit=sub.unit, submission=sub, text=f"{sub.task.name}：财政局已同意延期至{new:%Y年%m月%d日}，请按时报送"
        )
    sub.refresh_from_db()
    return row


def task_rows(user: Any, task: Task) -> list[dict[str, Any]]:
    """The task's submissions the user sees, with status, deadline in force and extensions."""
    subs = filing.visible(user).filter(task=task).select_related("unit", "unit__department").order_by("unit__code")
    extensions: dict[int, list[Extension]] = {}
    for ext in Extension.objects.filter(submission__in=subs).select_related("granted_by"):
        extensions.setdefault(ext.submission_id, []).append(ext)
    reasons = dict(
        Transition.objects.filter(submission__in=subs, action="exempt").values_list("submission_id", "comment")
    )
    now = timezone.now()
    return [
        {
            "sub": s,
            "status_zh": STATE_ZH[s.state],
            "overdue": s.deadline < now and s.state in EXTENDABLE,
            "can_exempt": s.state not in (State.ACCEPTED, State.PUBLISHED, State.EXEMPTED),
            "can_extend": s.state in EXTENDABLE,
            "extensions": extensions.get(s.pk, []),
            "exempt_reason": reasons.get(s.pk, ""),
        }
        for s in subs
    ]
