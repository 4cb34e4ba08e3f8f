"""Audits of outside reports uploaded by the bureau: one .docx/.pdf/.txt, or a .zip of many.

A zip is checked before anything is read from it: at most ``MAX_FILES`` files and ``MAX_TOTAL``
bytes uncompressed; directories, hidden names (``.x``, which covers ``..``), ``__MACOSX`` and
absolute paths are left out. Nothing is extracted to disk under a name from the zip: each member is
read into memory (never more than its declared size) and handed to ``services.evaluations.audit_bytes``.
Small uploads are audited at once; a large zip is worked through by a background job.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import uuid
import zipfile
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import IO, Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from ...core.errors import NotFound
from ...core.workflow import Role
from ...services.audit import audit_json
from ...services.evaluations import audit_bytes
from ..errors import Invalid
from ..filing.ops import User, role_of
from .models import AuditBatch, AuditItem

SUFFIXES = (".docx", ".pdf", ".txt")
MAX_FILES = 500
MAX_TOTAL = 200 * 1024 * 1024
MAX_UPLOAD = 200 * 1024 * 1024
INLINE_FILES = 3  # a zip this small (and under INLINE_BYTES) is audited while the user waits
INLINE_BYTES = 5 * 1024 * 1024
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


# --------------------------------------------------------------------------- reading a zip safely


def _member_name(info: zipfile.ZipInfo) -> str:
    """The member's name; names written by Chinese Windows tools without the UTF-8 flag are GBK."""
    name = info.filename
    if not info.flag_bits & 0x800:
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            name = name.encode("cp437").decode("gbk")
    return name.replace("\\", "/")


def _ignored(name: str) -> bool:
    parts = [p for p in name.split("/") if p]
    return not parts or any(p.startswith(".") or p == "__MACOSX" for p in parts)


def _unsafe(name: str) -> bool:
    return name.startswith("/") or bool(re.match(r"^[A-Za-z]:", name))


def members(archive: zipfile.ZipFile) -> tuple[list[tuple[str, zipfile.ZipInfo]], list[str]]:
    """(name, info) of the files to audit, and the names left out as unsafe; refuses too much."""
    files: list[tuple[str, zipfile.ZipInfo]] = []
    skipped: list[str] = []
    for info in archive.infolist():
        name = _member_name(info)
        if info.is_dir() or _ignored(name):
            continue
        if _unsafe(name):
            skipped.append(f"{name}（路径不安全，已忽略）")
            continue
        files.append((name, info))
    if len(files) > MAX_FILES:
        raise Invalid(f"压缩包内有 {len(files)} 个文件，超过上限 {MAX_FILES} 个；请分批上传")
    total = sum(info.file_size for _, info in files)
    if total > MAX_TOTAL:
        raise Invalid(
            f"压缩包解压后共 {total / 1024 / 1024:.0f} MB，超过上限 {MAX_TOTAL // 1024 // 1024} MB；请分批上传"
        )
    if not files:
        raise Invalid("压缩包内没有可审核的文件")
    return files, skipped


def open_zip(handle: IO[bytes]) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise Invalid("上传的 .zip 文件已损坏或不是 zip 格式") from None


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The member's bytes, never more than its declared size (a lying header is an error)."""
    with archive.open(info) as handle:
        data = handle.read(info.file_size + 1)
    if len(data) > info.file_size:
        raise ValueError("解压后的大小与压缩包中声明的不符")
    return data


# --------------------------------------------------------------------------- auditing


def _unreadable(name: str, message: str) -> dict[str, Any]:
    return {
        "format": "jixiao/audit@1",
        "file": name,
        "unit": None,
        "year": None,
        "fill_date": None,
        "score": None,
        "grade": None,
        "figures": {},
        "indicator_scores": [],
        "ratios": [],
        "findings": [{"severity": "error", "code": "unreadable", "message": message, "quote": "", "line": None}],
    }


def audit_one(name: str, data: bytes) -> dict[str, Any]:
    """formats §5 for one file; a reader that fails gives the ``unreadable`` finding, never a crash."""
    try:
        result = audit_json(audit_bytes(name, data))
    except Exception as error:
        return _unreadable(name, f"无法读取“{PurePosixPath(name).name}”：{type(error).__name__}")
    result["file"] = name
    return json.loads(json.dumps(result, ensure_ascii=False, default=str))


def _store_item(batch: AuditBatch, position: int, name: str, result: dict[str, Any]) -> None:
    counts = {s: sum(1 for f in result["findings"] if f.get("severity") == s) for s in SEVERITY_ZH}
    AuditItem.objects.get_or_create(
        batch=batch,
        position=position,
        defaults={
            "name": name[:500],
            "result": result,
            "errors": counts["error"],
            "warnings": counts["warning"],
            "infos": counts["info"],
        },
    )
    AuditBatch.objects.filter(pk=batch.pk).update(done=batch.items.count())


# --------------------------------------------------------------------------- starting a batch


def start(user: User, name: str, handle: IO[bytes], size: int) -> AuditBatch:
    """Audit an uploaded file now, or store a zip and audit it (now if small, else in a job)."""
    suffix = PurePosixPath(name).suffix.lower()
    if size > MAX_UPLOAD:
        raise Invalid(f"{name}：文件超过 {MAX_UPLOAD // 1024 // 1024} MB")
    if suffix in SUFFIXES:
        return _single(user, name, handle.read())
    if suffix != ".zip":
        raise Invalid(f"{name}：只能上传 .docx、.pdf、.txt 文件，或包含它们的 .zip 压缩包")
    with open_zip(handle) as archive:
        files, skipped = members(archive)
    handle.seek(0)
    path = default_storage.save(f"audits/{uuid.uuid4().hex}.zip", handle)
    batch = AuditBatch.objects.create(
        name=name, created_by=user, total=len(files), skipped=skipped, upload_path=path, status="pending"
    )
    if len(files) <= INLINE_FILES and sum(i.file_size for _, i in files) <= INLINE_BYTES:
        run(batch.pk)
    else:
        from .jobs import audit_batch

        transaction.on_commit(lambda: audit_batch.enqueue(batch.pk))
    batch.refresh_from_db()
    return batch


def _single(user: User, name: str, data: bytes) -> AuditBatch:
    batch = AuditBatch.objects.create(name=name, created_by=user, total=1, status="running")
    _store_item(batch, 0, name, audit_one(name, data))
    AuditBatch.objects.filter(pk=batch.pk).update(status="done", finished_at=timezone.now())
    batch.refresh_from_db()
    return batch


def run(batch_id: int) -> None:
    """The job's work: claim the batch (pending → running), audit each file not yet done, finish."""
    if not AuditBatch.objects.filter(pk=batch_id, status="pending").update(status="running", error=""):
        return  # running elsewhere, done or failed: nothing is done twice
    batch = AuditBatch.objects.get(pk=batch_id)
    try:
        _work_through(batch)
    except Exception as error:
        message = getattr(error, "message", "") or f"{type(error).__name__}: {error}"
        AuditBatch.objects.filter(pk=batch_id).update(status="failed", error=message, finished_at=timezone.now())
        return
    AuditBatch.objects.filter(pk=batch_id).update(status="done", upload_path="", finished_at=timezone.now())
    default_storage.delete(batch.upload_path)


def _work_through(batch: AuditBatch) -> None:
    done = set(batch.items.values_list("position", flat=True))
    with default_storage.open(batch.upload_path, "rb") as handle, open_zip(handle) as archive:
        files, _ = members(archive)
        for position, (name, info) in enumerate(files):
            if position in done:
                continue
            try:
                result = audit_one(name, read_member(archive, info))
            except (ValueError, zipfile.BadZipFile, RuntimeError, OSError) as error:
                result = _unreadable(name, f"无法从压缩包中读出“{name}”：{error}")
            _store_item(batch, position, name, result)


def retry(user: User, batch: AuditBatch) -> AuditBatch:
    """A failed batch goes back to the queue; the files already audited are kept."""
    if AuditBatch.objects.filter(pk=batch.pk, status="failed").exclude(upload_path="").update(status="pending"):
        from .jobs import audit_batch

        transaction.on_commit(lambda: audit_batch.enqueue(batch.pk))
    batch.refresh_from_db()
    return batch


# --------------------------------------------------------------------------- reading results


def batches(user: User) -> QuerySet[AuditBatch]:
    """The batches a user sees: their own; an admin sees every batch."""
    rows = AuditBatch.objects.select_related("created_by")
    if role_of(user) is Role.ADMIN:
        return rows
    return rows.filter(created_by=user) if user.is_authenticated else rows.none()


def get_batch(user: User, batch_id: int) -> AuditBatch:
    try:
        return batches(user).get(pk=batch_id)
    except AuditBatch.DoesNotExist:
        raise NotFound(f"没有编号为 {batch_id} 的审核批次，或您无权查看") from None


def csv_text(items: Iterable[AuditItem]) -> str:
    """All findings of a batch, one per row (the columns of ``jixiao audit --csv``, and the page)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["文件", "单位", "年度", "级别", "代码", "行", "页", "说明", "原文"])
    for item in items:
        r = item.result
        for f in r.get("findings", []):
            writer.writerow(
                [
                    item.name,
                    r.get("unit") or "",
                    r.get("year") or "",
                    SEVERITY_ZH.get(f.get("severity"), f.get("severity")),
                    f.get("code", ""),
                    f.get("line") or "",
                    f.get("page") or "",
                    f.get("message", ""),
                    f.get("quote", ""),
                ]
            )
    return buffer.getvalue()
