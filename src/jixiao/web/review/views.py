"""Pages of the bureau's review: queue, workspace, batch publication, audits of outside reports, 操作日志.

Each view parses the request, calls one use case (``ops``, ``audits``, ``oplog``) and renders;
refused workflow actions come back as messages on the page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from ...core.errors import JixiaoError, NotFound
from ...core.fields import STANDARD_FIELDS
from ...core.workflow import STATE_ZH, Role, State
from ..accounts.models import Unit
from ..filing import ops as filing
from . import audits, oplog, ops
from .access import page

BADGE = {
    "submitted": "primary",
    "under_review": "info",
    "returned": "danger",
    "accepted": "success",
    "published": "dark",
}


# --------------------------------------------------------------------------- queue and publication


@page()
def queue(request: HttpRequest) -> HttpResponse:
    wanted = ops.parse_filter(request.GET)
    pages = Paginator(ops.queue(request.user, wanted), 50).get_page(request.GET.get("page"))
    versions = ops.latest_versions(s.pk for s in pages)
    rows = [
        {
            "sub": s,
            "status_zh": STATE_ZH[s.state],
            "badge": BADGE.get(s.status, "secondary"),
            "department": s.unit.department_or_self.name,
            "errors": ops.error_findings(versions.get(s.pk)),
            "version": versions.get(s.pk),
        }
        for s in pages
    ]
    context = {
        "rows": rows,
        "page": pages,
        "wanted": wanted,
        "states": [(v, STATE_ZH[State(v)]) for v in ops.QUEUE_STATES],
        "query": _query_without_page(request),
        **ops.choices(request.user),
    }
    return render(request, "review/queue.html", context)


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@page()
@require_POST
def publish(request: HttpRequest) -> HttpResponse:
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit()]
    if not ids:
        messages.warning(request, "请先勾选要公开的已审核通过的填报")
        return redirect("review:queue")
    results = ops.publish_many(request.user, ids)
    return render(request, "review/published.html", {"results": results})


# --------------------------------------------------------------------------- workspace


@page()
def workspace(request: HttpRequest, submission_id: int) -> HttpResponse:
    sub = filing.get_visible(request.user, submission_id)
    version = sub.versions.order_by("-number").first()
    rows, previous = ops.scorecard(sub, version)
    actions = ops.actions(request.user, sub)
    context: dict[str, Any] = {
        "sub": sub,
        "status_zh": STATE_ZH[sub.state],
        "badge": BADGE.get(sub.status, "secondary"),
        "version": version,
        "score": version.score if version else None,
        "rows": rows,
        "previous": previous,
        "findings": (version.findings or []) if version else [],
        "audited": version is not None and version.findings is not None,
        "rounds": ops.rounds(sub),
        "actions": [(a, ops.action_name(a)) for a in actions],
        "can_comment": "return" in actions or "accept" in actions,
        "general_comments": [c for c in sub.comments.select_related("author", "version") if not c.indicator],
        "transitions": [
            oplog.of_transition(t)
            for t in sub.transitions.select_related("actor", "submission__unit").order_by("-at", "-id")
        ],
        "kinds": list(filing.KIND_ZH.items()),
    }
    return render(request, "review/workspace.html", context)


@page()
@require_POST
def act(request: HttpRequest, submission_id: int) -> HttpResponse:
    action = request.POST.get("action", "")
    comments = {k[2:]: v for k, v in request.POST.items() if k.startswith("c:")}
    try:
        ops.review(request.user, submission_id, action, request.POST.get("comment", ""), comments)
    except NotFound:
        raise  # out of sight: 404 (the decorator maps it)
    except JixiaoError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已{ops.action_name(action)}")
    return redirect("review:workspace", submission_id=submission_id)


# --------------------------------------------------------------------------- audits of outside reports


@page()
def audit_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "请选择要审核的报告文件（.docx、.pdf、.txt）或 .zip 压缩包")
        else:
            try:
                batch = audits.start(request.user, upload.name or "report", upload, upload.size or 0)
            except JixiaoError as error:
                messages.error(request, error.message)
            else:
                return redirect("review:audit_batch", batch_id=batch.pk)
    rows = audits.batches(request.user)[:50]
    limits = {"max_files": audits.MAX_FILES, "max_mb": audits.MAX_TOTAL // 1024 // 1024}
    return render(request, "review/audits.html", {"batches": rows, **limits})


def _batch_context(batch: audits.AuditBatch) -> dict[str, Any]:
    items = list(batch.items.all())
    for item in items:
        item.figure_rows = [_figure(k, v) for k, v in (item.result.get("figures") or {}).items()]
    return {
        "batch": batch,
        "items": items,
        "percent": int(100 * batch.done / batch.total) if batch.total else 0,
        "totals": {
            "errors": sum(i.errors for i in items),
            "warnings": sum(i.warnings for i in items),
            "infos": sum(i.infos for i in items),
        },
        "severity_zh": audits.SEVERITY_ZH,
    }


def _figure(key: str, value: Any) -> tuple[str, Any, str]:
    field = STANDARD_FIELDS.get(key)
    return (field.name, value, field.unit) if field else (key, value, "")


@page()
def audit_batch(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = audits.get_batch(request.user, batch_id)
    return render(request, "review/audit_batch.html", _batch_context(batch))


@page()
def audit_progress(request: HttpRequest, batch_id: int) -> HttpResponse:
    """The polled progress bar; once the batch is finished the page reloads to show the results."""
    batch = audits.get_batch(request.user, batch_id)
    if not batch.active and request.htmx:
        return HttpResponseClientRefresh()
    return render(request, "review/_progress.html", _batch_context(batch))


@page()
@require_POST
def audit_retry(request: HttpRequest, batch_id: int) -> HttpResponse:
    audits.retry(request.user, audits.get_batch(request.user, batch_id))
    return redirect("review:audit_batch", batch_id=batch_id)


@page()
def audit_csv(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = audits.get_batch(request.user, batch_id)
    response = HttpResponse(("\ufeff" + audits.csv_text(batch.items.all())).encode("utf-8"), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="audit-{batch.pk}-findings.csv"'
    return response


# --------------------------------------------------------------------------- operation log


@page(roles=(Role.ADMIN,))
def oplog_page(request: HttpRequest) -> HttpResponse:
    wanted = oplog.parse(request.GET)
    number = int(request.GET["page"]) if request.GET.get("page", "").isdigit() else 1
    rows, total = oplog.page(wanted, number)
    pages = Paginator(range(total), 50).get_page(number)
    context = {
        "rows": rows,
        "total": total,
        "page": pages,
        "wanted": wanted,
        "actions": list(oplog.ACTION_ZH.items()),
        "units": Unit.objects.order_by("code"),
        "query": _query_without_page(request),
    }
    return render(request, "review/oplog.html", context)


@page(roles=(Role.ADMIN,))
def oplog_export(request: HttpRequest) -> HttpResponse:
    data = oplog.xlsx(oplog.parse(request.GET))
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="oplog.xlsx"'
    return response
