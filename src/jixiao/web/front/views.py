"""Pages: 待办, the evaluation page with its live score, actions, documents, profile, public pages.

Each view parses the request, calls ``filing.ops`` and renders; refusals come back as messages in
Chinese on the page (htmx fragments are answered with status 200 so they are swapped in).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from ...core.errors import JixiaoError, NotFound
from ...core.spec import evaluation_spec
from ...core.workflow import BY_ACTION, STATE_ZH, Context, Role, State, allowed
from ...services.scoring import score_json
from ..accounts.models import ApiToken
from ..errors import Invalid
from ..filing import ops
from ..filing.models import Notice, PublishedFile, Submission
from . import forms
from .files import file_response, pdf_state

STATUS_BADGE = {
    "not_started": "secondary",
    "draft": "info",
    "pending_head": "warning",
    "submitted": "primary",
    "under_review": "primary",
    "returned": "danger",
    "accepted": "success",
    "published": "success",
    "exempted": "secondary",
}


def healthz(request: HttpRequest) -> HttpResponse:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def _get(request: HttpRequest, submission_id: int) -> Submission:
    try:
        return ops.get_visible(request.user, submission_id)
    except NotFound as error:
        raise Http404(error.message) from None


def _row(sub: Submission) -> dict[str, Any]:
    left = sub.deadline - timezone.now()
    return {
        "sub": sub,
        "status_zh": STATE_ZH[sub.state],
        "badge": STATUS_BADGE[sub.status],
        "days_left": left.days,
        "overdue": left.total_seconds() < 0,
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    role = ops.role_of(request.user)
    rows = ops.visible(request.user).order_by("-task__year", "task_id", "unit__code")
    status = request.GET.get("status", "")
    counts: dict[str, int] = {}
    for sub in rows:
        counts[sub.status] = counts.get(sub.status, 0) + 1
    if status:
        rows = rows.filter(status=status)
    profile = ops.profile_of(request.user)
    notices = Notice.objects.filter(unit=profile.unit, read_at__isnull=True)[:10] if profile and profile.unit_id else []
    return render(
        request,
        "jixiao/home.html",
        {
            "rows": [_row(s) for s in rows[:500]],
            "role": role,
            "is_unit": role in (Role.FILLER, Role.HEAD),
            "notices": notices,
            "counts": [(s.value, STATE_ZH[s], counts.get(s.value, 0), STATUS_BADGE[s.value]) for s in State],
            "status": status,
        },
    )


def _labels(sub: Submission) -> dict[str, str]:
    """Field paths → the Chinese names a unit knows them by (数据表 figures and indicators)."""
    spec = evaluation_spec(ops.framework_for(sub.task.framework_id))
    labels = {f"data.{f.id}": f"数据“{f.label}”" for f in spec.figures}
    labels.update({f"inputs.{leaf.id}": f"指标“{leaf.name}”" for leaf in spec.leaves})
    return labels


def _humanise(message: str, path: str, labels: dict[str, str]) -> str:
    """A message that starts with its internal path starts with the field's Chinese name instead."""
    field = forms.field_path(path)
    for key in (field, field.rsplit(".", 1)[0]):
        if key in labels and message.startswith(path):
            return labels[key] + message[len(path) :]
    return message


def _panel(sub: Submission, scored: Any) -> dict[str, Any]:
    """What the live score panel shows: total, grade, caps, per-indicator scores and issues by field."""
    data = score_json(scored)
    labels = _labels(sub)
    issues = [
        {**i, "field": forms.field_path(i["path"]), "message": _humanise(i["message"], i["path"], labels)}
        for i in data["issues"]
    ]
    return {
        "score": data,
        "issues": issues,
        "errors": [i for i in issues if i["severity"] == "error"],
        "warnings": [i for i in issues if i["severity"] != "error"],
        "live": {
            "indicators": _indicator_view(scored),
            "issues": issues,
            "version": sub.lock_version,
        },
    }


def _indicator_view(scored: Any) -> dict[str, dict[str, Any]]:
    """Each indicator's score as the terminal table and the documents show it (documents.tables rows)."""
    from ...documents.tables import score_table

    if scored.scorecard is None or scored.framework is None:
        return {}
    return {
        row.id: {
            "score_text": row.score_text,
            "weight_text": row.weight_text,
            "score": float(row.score) if row.score is not None else None,
            "weight": float(row.effective_weight),
            "explanation": row.explanation,
            "applicable": row.applicable,
        }
        for row in score_table(scored.scorecard, scored.framework).rows
    }


def _actions(request: HttpRequest, sub: Submission) -> list[dict[str, str]]:
    role = ops.role_of(request.user)
    if role is None:
        return []
    facts = frozenset({"open", "clean", "audited", "in_scope"})
    names = [a for a in allowed(sub.state, role, Context(sub.task.head_step, facts)) if a != "save"]
    needs = {"reject", "return", "reopen", "exempt", "withdraw_publication"}
    return [{"action": a, "name": BY_ACTION[a].name_zh, "needs_comment": a in needs} for a in names]


def _transition(t: Any) -> dict[str, Any]:
    name = BY_ACTION[t.action].name_zh if t.action in BY_ACTION else t.action
    return {
        "at": t.at,
        "actor": t.actor.get_username() if t.actor else "—",
        "name": name,
        "to": STATE_ZH[State(t.to_status)],
        "comment": t.comment,
    }


def _page(request: HttpRequest, sub: Submission) -> dict[str, Any]:
    doc = ops.current_doc(sub)
    framework = ops.framework_for(sub.task.framework_id)
    spec = evaluation_spec(
        framework, tuple((doc.get("data") or {}).keys()) if isinstance(doc.get("data"), dict) else ()
    )
    scored = ops.score(sub, doc)
    role = ops.role_of(request.user)
    editable = (
        role is Role.FILLER
        and sub.state in (State.NOT_STARTED, State.DRAFT, State.RETURNED)
        and timezone.now() <= sub.deadline
    )
    comments = list(sub.comments.select_related("author"))
    return {
        "sub": sub,
        "row": _row(sub),
        "framework": framework,
        "spec": spec,
        "values": forms.form_values(doc),
        "goal_rows": forms.goal_rows(doc),
        "bonus_rows": forms.items_of(doc, "bonus"),
        "penalty_rows": forms.items_of(doc, "penalty"),
        "editable": editable,
        "actions": _actions(request, sub),
        "comments": comments,
        "comments_by_indicator": {c.indicator for c in comments if c.indicator},
        "transitions": [_transition(t) for t in sub.transitions.select_related("actor")],
        "versions": sub.versions.all(),
        "pdf": pdf_state(sub) if not ops.errors_of(scored) and sub.evaluation else None,
        "has_last_year": editable and ops.last_year(sub) is not None,
        "extra_figures_filled": any(f"data.{f.id}" in forms.form_values(doc) for f in spec.figures if not f.scored),
        **_panel(sub, scored),
    }


@login_required
def submission(request: HttpRequest, submission_id: int) -> HttpResponse:
    sub = _get(request, submission_id)
    return render(request, "jixiao/submission.html", _page(request, sub))


@login_required
@require_POST
def save(request: HttpRequest, submission_id: int) -> HttpResponse:
    """The htmx autosave: parse the form, save (errors included), answer with the score panel."""
    sub = _get(request, submission_id)
    framework = ops.framework_for(sub.task.framework_id)
    base = ops.current_doc(sub)
    spec = evaluation_spec(
        framework, tuple((base.get("data") or {}).keys()) if isinstance(base.get("data"), dict) else ()
    )
    doc = forms.document_from_post(request.POST, spec, base)
    try:
        expected = int(request.POST.get("_version", ""))
        saved = ops.save(request.user, sub, doc, expected, source="form")
    except ValueError:
        return _save_error("页面缺少版本号，请刷新页面")
    except JixiaoError as error:
        return _save_error(error.message)
    fresh = saved.submission
    context = {
        "sub": fresh,
        "saved_at": timezone.localtime(),
        "badge": STATUS_BADGE[fresh.status],
        "status_zh": STATE_ZH[fresh.state],
        "files_oob": True,
        "pdf": pdf_state(fresh) if not ops.errors_of(saved.scored) else None,
        **_panel(fresh, saved.scored),
    }
    return render(request, "jixiao/_panel.html", context)


def _save_error(message: str) -> HttpResponse:
    """A refused save is shown above the form; the panel and the typed text stay as they are."""
    response = HttpResponse(render_to_string("jixiao/_save_error.html", {"message": message}))
    response["HX-Retarget"] = "#save-status"
    response["HX-Reswap"] = "innerHTML"
    return response


@login_required
@require_POST
def act(request: HttpRequest, submission_id: int) -> HttpResponse:
    sub = _get(request, submission_id)
    action = request.POST.get("action", "")
    indicator, text = request.POST.get("indicator", ""), request.POST.get("indicator_comment", "")
    try:
        version = int(request.POST["_version"]) if request.POST.get("_version") else None
        ops.act(request.user, sub, ops.Request(action, request.POST.get("comment", ""), ((indicator, text),), version))
    except JixiaoError as error:
        messages.error(request, error.message)
        for issue in getattr(error, "issues", ())[:20]:
            messages.warning(request, f"{forms.field_path(issue.path)}：{issue.message}")
    else:
        name = BY_ACTION[action].name_zh if action in BY_ACTION else action
        messages.success(request, f"已{name}")
    return redirect("submission", submission_id=sub.pk)


def _version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("_version", ""))
    except ValueError:
        raise Invalid("页面缺少版本号，请刷新页面后再试") from None


@login_required
@require_POST
def import_figures(request: HttpRequest, submission_id: int) -> HttpResponse:
    """Figures from an uploaded 数据表 .xlsx (jixiao's own workbook or a two-column label/value sheet)."""
    sub = _get(request, submission_id)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise Invalid("请选择要导入的 Excel（.xlsx）文件")
        if upload.size > 20 * 1024 * 1024:
            raise Invalid(f"{upload.name}：文件超过 20 MB")
        saved, imported = ops.import_figures(request.user, sub, upload.read(), upload.name, _version(request))
    except JixiaoError as error:
        messages.error(request, error.message)
        return redirect("submission", submission_id=sub.pk)
    messages.success(request, f"已从 {upload.name} 导入 {len(imported.values)} 项数据并保存")
    for issue in imported.issues[:20]:
        (messages.error if issue.severity.value == "error" else messages.warning)(request, issue.message)
    return redirect("submission", submission_id=saved.submission.pk)


@login_required
@require_POST
def copy_last_year(request: HttpRequest, submission_id: int) -> HttpResponse:
    sub = _get(request, submission_id)
    try:
        saved, copied = ops.copy_last_year(request.user, sub, _version(request))
    except JixiaoError as error:
        messages.error(request, error.message)
        return redirect("submission", submission_id=sub.pk)
    labels = _labels(sub)
    names = "、".join(labels.get(p, p) for p in copied) or "没有可复制的内容（相关项目已填写）"
    messages.success(request, f"已从上年已审核通过的填报复制：{names}")
    return redirect("submission", submission_id=saved.submission.pk)


@login_required
@require_GET
def download(request: HttpRequest, submission_id: int, name: str) -> HttpResponse:
    sub = _get(request, submission_id)
    try:
        return file_response(sub, name, api=False)
    except JixiaoError as error:
        messages.error(request, error.message)
        return redirect("submission", submission_id=sub.pk)


@login_required
def pdf_status(request: HttpRequest, submission_id: int) -> HttpResponse:
    sub = _get(request, submission_id)
    if request.method == "POST":
        try:
            ops.request_pdf(sub, ops.current_doc(sub), retry=True)
        except JixiaoError as error:
            return HttpResponse(error.message)
    return render(request, "jixiao/_pdf.html", {"sub": sub, "pdf": pdf_state(sub)})


@login_required
def preview(request: HttpRequest, submission_id: int) -> HttpResponse:
    sub = _get(request, submission_id)
    try:
        source = ops._source(sub, ops.current_doc(sub))
    except JixiaoError as error:
        return render(request, "jixiao/preview.html", {"sub": sub, "error": error.message})
    html = ops.ev.report_bytes(source, "html").decode("utf-8")
    body = html.split("<body>", 1)[-1].rsplit("</body>", 1)[0] if "<body>" in html else html
    return render(request, "jixiao/preview.html", {"sub": sub, "report": body})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    token = None
    if request.method == "POST":
        token = ApiToken.issue(request.user, request.POST.get("label", "网页生成")[:100])
    return render(
        request,
        "jixiao/profile.html",
        {
            "role": ops.role_of(request.user),
            "profile": ops.profile_of(request.user),
            "token": token,
            "tokens": ApiToken.objects.filter(user=request.user).order_by("-created_at"),
        },
    )


# --------------------------------------------------------------------------- public


def public_reports(request: HttpRequest) -> HttpResponse:
    year = request.GET.get("year", "")
    rows = ops.published(int(year) if year.isdigit() else None)
    years = sorted({p.year for p in ops.published()}, reverse=True)
    return render(request, "jixiao/public.html", {"rows": rows, "years": years, "year": year})


def public_verify(request: HttpRequest) -> HttpResponse:
    from ..api import verification

    result = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is not None:
            result = verification(hashlib.sha256(upload.read()).hexdigest())
            result["file"] = upload.name
        elif request.POST.get("sha256", "").strip():
            result = verification(request.POST["sha256"].strip().lower())
        else:
            messages.error(request, "请选择要核验的文件，或填写 sha256 值")
    return render(request, "jixiao/verify.html", {"result": result})


def public_file(request: HttpRequest, file_id: int, name: str) -> HttpResponse:
    from django.core.files.storage import default_storage

    row = PublishedFile.objects.filter(pk=file_id).first()
    if row is None:
        raise Http404("没有这个公开文件")
    return FileResponse(default_storage.open(row.path, "rb"), as_attachment=True, filename=row.name)


def public_verify_json(request: HttpRequest) -> JsonResponse:  # kept for links from printed reports
    from ..api import verification

    return JsonResponse(verification(request.GET.get("sha256", "")))
