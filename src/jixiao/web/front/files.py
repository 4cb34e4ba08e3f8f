"""Downloads of a submission's documents; the PDF is made by a background job and polled."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpResponse, JsonResponse

from ...core.errors import Conflict, NotFound
from ..filing import ops
from ..filing.models import Submission

CONTENT_TYPES = {
    "report.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "report.pdf": "application/pdf",
    "tables.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def file_response(sub: Submission, name: str, api: bool) -> HttpResponse:
    if name not in ops.KINDS:
        raise NotFound(f"没有名为“{name}”的文件（可用：report.docx、report.pdf、tables.xlsx）")
    doc = ops.current_doc(sub)
    if name == "report.pdf":
        stored = ops.request_pdf(sub, doc)
        if stored.status == "failed":
            raise Conflict(f"PDF 生成失败：{stored.error}；可在填报页面重试")
        if stored.status != "done":
            body = {"detail": "PDF 正在后台生成，请稍后再取", "status": stored.status, "issues": []}
            response = JsonResponse(body, status=202, json_dumps_params={"ensure_ascii": False})
            response["Retry-After"] = "3"
            return response
    else:
        stored = ops.ensure_file(sub, doc, name)
    from django.core.files.storage import default_storage

    response = FileResponse(
        default_storage.open(stored.path, "rb"),
        as_attachment=True,
        filename=ops.download_name(sub, name),
        content_type=CONTENT_TYPES[name],
    )
    response["X-Content-SHA256"] = stored.sha256
    return response


def pdf_state(sub: Submission) -> dict[str, Any] | None:
    """The PDF row of the current content (None when none was asked for yet)."""
    from ..filing.models import GeneratedFile

    doc = ops.current_doc(sub)
    framework = ops.framework_for(sub.task.framework_id)
    row = GeneratedFile.objects.filter(
        evaluation_sha256=ops.ev.evaluation_sha256(doc), framework_sha256=framework.sha256, kind="report.pdf"
    ).first()
    if row is None:
        return {"status": "none"}
    return {"status": row.status, "error": row.error, "sha256": row.sha256}
