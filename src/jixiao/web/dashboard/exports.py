"""Batch exports on the database: the zip of accepted reports and the 汇总表 workbook.

An ``Export`` row is created by the user's request and built by a background job
(``jobs.make_export``), which claims it with a conditional UPDATE (pending → running), writes its
progress (done/total) as it goes and ends done (with the stored file) or failed (with the error in
Chinese; the user may retry). An export holds only what its creator may see
(``filing.ops.visible``), and only its creator may download it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import tempfile
import time
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from ...core.errors import Conflict, JixiaoError, NotFound
from ...core.workflow import STATE_ZH, State
from ..errors import Invalid
from ..filing import ops as filing
from ..filing.models import GeneratedFile, Submission, SubmissionVersion
from .models import KINDS, Export
from .ops import CHUNK, User, choices, ensure_digests, may_view, metas, official, selected

STALE_RUNNING = timedelta(minutes=30)

# --------------------------------------------------------------------------- exports


KIND_ZH = dict(KINDS)


def exports_of(user: User) -> QuerySet[Export]:
    """The user's own exports (each was built within its creator's scope)."""
    may_view(user)
    return Export.objects.filter(created_by=user).select_related("task")


def get_export(user: User, export_id: int) -> Export:
    try:
        return exports_of(user).get(pk=export_id)
    except Export.DoesNotExist:
        raise NotFound(f"没有编号为 {export_id} 的导出，或您无权查看") from None


def create_export(user: User, kind: str, year: int | None, task_id: int | None) -> Export:
    """Queue an export of the accepted and published submissions of ``year`` (or one task) in scope."""
    may_view(user)
    if kind not in KIND_ZH:
        raise Invalid(f"未知的导出类型“{kind}”")
    choice = choices(user)
    chosen_year, task = selected(choice, year, task_id)
    if chosen_year is None:
        raise Conflict("您的范围内还没有任务，无可导出的内容")
    export = Export.objects.create(kind=kind, year=chosen_year, task_id=task[0] if task else None, created_by=user)
    _enqueue(export.pk)
    return export


def retry_export(user: User, export_id: int) -> Export:
    """A failed export (or one stuck running for a long time) is queued again from the start."""
    export = get_export(user, export_id)
    stale = timezone.now() - STALE_RUNNING
    reset = Export.objects.filter(Q(status="failed") | Q(status="running", started_at__lt=stale), pk=export.pk).update(
        status="pending", error="", done=0, total=0, started_at=None, finished_at=None
    )
    if not reset:
        raise Conflict(f"该导出当前为“{export.get_status_display()}”，无需重试")
    _enqueue(export.pk)
    export.refresh_from_db()
    return export


def _enqueue(export_id: int) -> None:
    from .jobs import make_export

    make_export.enqueue(export_id)


def export_queryset(export: Export) -> QuerySet[Submission]:
    """What an export contains: accepted and published submissions its creator may see."""
    qs = official(filing.visible(export.created_by)).filter(task__year=export.year)
    if export.task_id:
        qs = qs.filter(task_id=export.task_id)
    return qs.order_by("unit__department__code", "unit__code", "task_id")


class Progress:
    """Writes done/total to the export row, at most every ``every`` seconds."""

    def __init__(self, export_id: int, total: int, every: float = 0.5) -> None:
        self.export_id, self.total, self.every, self.last = export_id, total, every, 0.0
        Export.objects.filter(pk=export_id).update(total=total, done=0)

    def step(self, done: int) -> None:
        now = time.monotonic()
        if now - self.last >= self.every or done == self.total:
            self.last = now
            Export.objects.filter(pk=self.export_id, status="running").update(done=done)


def build_export(export_id: int) -> None:
    """The background job: claim the row (pending → running), build, store; any error kept in Chinese."""
    claimed = Export.objects.filter(pk=export_id, status="pending").update(
        status="running", started_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return  # done, failed, or taken by another worker: nothing is done twice
    export = Export.objects.select_related("created_by", "task").get(pk=export_id)
    try:
        builder = summary_workbook if export.kind == "summary" else reports_zip
        name, path, size, sha = builder(export)
    except Exception as error:  # shown on the page; the export can be retried
        Export.objects.filter(pk=export_id).update(status="failed", error=error_text(error), finished_at=timezone.now())
        return
    Export.objects.filter(pk=export_id).update(
        status="done", name=name, path=path, size=size, sha256=sha, finished_at=timezone.now(), error=""
    )


def error_text(error: BaseException) -> str:
    """The Chinese message a user sees for a failed export."""
    if isinstance(error, JixiaoError):
        return f"导出失败：{error.message}"
    if isinstance(error, OSError):
        detail = error.strerror or str(error)
        return f"导出文件无法写入存储目录（{type(error).__name__}：{detail}），请检查磁盘空间和目录权限后重试"
    return f"导出失败（{type(error).__name__}：{error}），请重试；仍失败请联系管理员"


def _title(export: Export) -> str:
    return export.task.name if export.task else f"{export.year}年度"


def _store(export: Export, handle: Any, ext: str) -> tuple[str, int, str]:
    """Save the built file under exports/; its path, size and sha256."""
    handle.seek(0)
    digest = hashlib.sha256()
    for block in iter(lambda: handle.read(1 << 20), b""):
        digest.update(block)
    size = handle.tell()
    handle.seek(0)
    path = default_storage.save(f"exports/{export.pk}-{export.attempts}.{ext}", File(handle))
    return path, size, digest.hexdigest()


# ---- 汇总表


def summary_workbook(export: Export) -> tuple[str, str, int, str]:
    """One sheet per scoring table: every unit's indicator scores in table order, total and grade."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    qs = export_queryset(export)
    ensure_digests(qs)
    rows = list(
        qs.values_list(
            "unit__code",
            "unit__name",
            "unit__department__name",
            "status",
            "task__framework_id",
            "accepted_version__dashboard_digest__scores",
            "accepted_version__dashboard_digest__bonus",
            "accepted_version__dashboard_digest__penalty",
            "accepted_version__dashboard_digest__total",
            "accepted_version__dashboard_digest__grade",
        ).iterator(chunk_size=2000)
    )
    progress = Progress(export.pk, len(rows))
    tables = metas(r[4] for r in rows)
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    done = 0
    for fid in sorted({r[4] for r in rows}) or [""]:
        meta = tables.get(fid)
        if meta is None and fid:
            raise Conflict(f"评分表“{fid}”无法读取，不能生成汇总表")
        sheet = book.create_sheet(_sheet_name(meta.name if meta else "汇总表", book.sheetnames))
        ids = list(meta.indicators) if meta else []
        sheet.freeze_panes = "F5"
        title = WriteOnlyCell(sheet, f"{_title(export)}部门整体支出绩效自评汇总表（{meta.name if meta else ''}）")
        title.font = Font(bold=True, size=14)
        sheet.append([title])
        head = [
            "序号",
            "单位编码",
            "单位名称",
            "主管部门",
            "状态",
            *(meta.indicators[i][0] for i in ids),
            "加分",
            "减分",
            "总分",
            "等级",
        ]
        sheet.append([_bold(sheet, h, bold) for h in head])
        sheet.append(["", "", "", "", "指标编号", *ids, "", "", "", ""])
        sheet.append(["", "", "", "", "分值", *(float(meta.indicators[i][1]) for i in ids), "", "", "", ""])
        number = 0
        for code, name, department, status, row_fid, scores, bonus, penalty, total, grade in rows:
            if row_fid != fid:
                continue
            number += 1
            scores = scores or {}
            cells = [_score(scores, i) for i in ids]
            sheet.append(
                [
                    number,
                    code,
                    name,
                    department or name,
                    STATE_ZH[State(status)],
                    *cells,
                    _n(bonus),
                    _n(penalty),
                    _n(total),
                    grade,
                ]
            )
            done += 1
            progress.step(done)
    with tempfile.TemporaryFile() as handle:
        book.save(handle)
        path, size, sha = _store(export, handle, "xlsx")
    progress.step(len(rows))
    return f"{_title(export)}绩效自评汇总表.xlsx", path, size, sha


def _bold(sheet: Any, value: Any, font: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value)
    cell.font = font
    return cell


def _score(scores: dict[str, Any], indicator: str) -> Any:
    if indicator not in scores:
        return ""
    value = scores[indicator]
    return "不适用" if value is None else value


def _n(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else ("" if value is None else value)


def _sheet_name(name: str, taken: list[str]) -> str:
    clean = "".join("_" if c in "[]:*?/\\" else c for c in name)[:28] or "汇总表"
    out, n = clean, 2
    while out in taken:
        out, n = f"{clean[:25]}({n})", n + 1
    return out


# ---- zip of reports


@dataclass(frozen=True)
class _Entry:
    submission: int
    code: str
    name: str
    department: str
    status: str
    version: int
    evaluation_sha256: str
    framework_sha256: str
    total: Any
    grade: str


def _entries(qs: QuerySet[Submission]) -> list[_Entry]:
    values = qs.values_list(
        "pk",
        "unit__code",
        "unit__name",
        "unit__department__name",
        "status",
        "accepted_version_id",
        "accepted_version__evaluation_sha256",
        "accepted_version__framework_sha256",
        "accepted_version__score__total",
        "accepted_version__score__grade",
    )
    return [_Entry(p, c, n, d or n, s, v, e, f, t, g or "") for p, c, n, d, s, v, e, f, t, g in values]


def _stored_files(entries: list[_Entry]) -> dict[tuple[str, str, str], GeneratedFile]:
    keys = {(e.evaluation_sha256, e.framework_sha256) for e in entries}
    out: dict[tuple[str, str, str], GeneratedFile] = {}
    shas = {k[0] for k in keys}
    for start in range(0, len(shas), CHUNK):
        chunk = sorted(shas)[start : start + CHUNK]
        for row in GeneratedFile.objects.filter(
            evaluation_sha256__in=chunk, kind__in=("report.docx", "report.pdf"), status="done"
        ):
            if (row.evaluation_sha256, row.framework_sha256) in keys:
                out[(row.evaluation_sha256, row.framework_sha256, row.kind)] = row
    return out


def _docx_of(entry: _Entry, stored: dict[tuple[str, str, str], GeneratedFile]) -> GeneratedFile:
    found = stored.get((entry.evaluation_sha256, entry.framework_sha256, "report.docx"))
    if found is not None:
        return found
    sub = Submission.objects.select_related("task", "unit").get(pk=entry.submission)
    version = SubmissionVersion.objects.only("evaluation").get(pk=entry.version)
    return filing.ensure_file(sub, version.evaluation, "report.docx")


def _zip_names(entries: Iterable[_Entry]) -> Iterator[tuple[_Entry, str]]:
    for entry in entries:
        folder = _safe(entry.department)
        yield entry, f"{folder}/{_safe(entry.code)}-{_safe(entry.name)}"


def _safe(part: str) -> str:
    return "".join("_" if c in '/\\:*?"<>|' else c for c in str(part)).strip() or "_"


def reports_zip(export: Export) -> tuple[str, str, int, str]:
    """The accepted reports (.docx, and .pdf where generated) by 主管部门, with a 清单.csv of hashes."""
    entries = _entries(export_queryset(export))
    progress = Progress(export.pk, len(entries))
    stored = _stored_files(entries)
    manifest = io.StringIO()
    writer = csv.writer(manifest)
    writer.writerow(["主管部门", "单位编码", "单位名称", "状态", "总分", "等级", "文件", "SHA-256"])
    with tempfile.TemporaryFile() as handle:
        with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
            for done, (entry, stem) in enumerate(_zip_names(entries), start=1):
                files = [("docx", _docx_of(entry, stored))]
                pdf = stored.get((entry.evaluation_sha256, entry.framework_sha256, "report.pdf"))
                if pdf is not None:
                    files.append(("pdf", pdf))
                for ext, row in files:
                    name = f"{stem}{export.year}年度部门整体支出绩效自评报告.{ext}"
                    archive.writestr(name, filing.file_bytes(row))
                    writer.writerow(
                        [
                            entry.department,
                            entry.code,
                            entry.name,
                            STATE_ZH[State(entry.status)],
                            entry.total,
                            entry.grade,
                            name,
                            row.sha256,
                        ]
                    )
                progress.step(done)
            if not entries:
                manifest.write("（范围内没有审核通过或已公开的填报）\n")
            archive.writestr("清单.csv", "\ufeff" + manifest.getvalue(), compress_type=zipfile.ZIP_DEFLATED)
        path, size, sha = _store(export, handle, "zip")
    return f"{_title(export)}部门整体支出绩效自评报告.zip", path, size, sha


def open_export(export: Export) -> Any:
    if export.status != "done" or not export.path:
        raise Conflict("导出尚未完成，暂不能下载")
    return default_storage.open(export.path, "rb")
