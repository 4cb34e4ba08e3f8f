"""The bureau's pages: tasks (create, edit, 免报, 延期, attachments), tables, units and users, progress.

Each view parses the request, calls one use case (``ops``, ``tables``, ``people``, ``progress``)
and renders; refusals come back in Chinese on the page, errors of an upload listed with their place.
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from ...core.errors import JixiaoError, NotFound
from ...core.workflow import STATE_ZH, State
from ..filing import ops as filing
from ..filing.models import StoredTable, Submission, Task
from . import access, ops, people, progress, tables
from .access import admin_required, bureau_required
from .forms import ExemptForm, ExtendForm, ImportForm, TableUploadForm, TaskForm
from .models import Attachment

SUBMITTED = [s.value for s in State if s not in progress.NOT_SUBMITTED and s is not State.EXEMPTED]
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

LIST_SHOWN = 100  # rows of each list on the page; the .xlsx export has them all
PROGRESS_CACHE_SECONDS = 60  # the 逾期 list depends on the clock too: a minute at most


def _failure(error: JixiaoError) -> dict[str, Any]:
    """An error for the page: its message and the issues found, each with its place."""
    return {
        "message": error.message,
        "issues": [
            {"path": "" if i.message.startswith(i.path) else i.path, "message": i.message}
            for i in getattr(error, "issues", ())
        ][:200],
    }


# --------------------------------------------------------------------------- tasks


@bureau_required
def task_list(request: HttpRequest) -> HttpResponse:
    visible = filing.visible(request.user)
    year = request.GET.get("year", "")
    tasks = access.visible_tasks(request.user).annotate(
        n_units=Count("submissions", filter=Q(submissions__in=visible), distinct=True),
        n_submitted=Count(
            "submissions", filter=Q(submissions__in=visible, submissions__status__in=SUBMITTED), distinct=True
        ),
        n_exempted=Count(
            "submissions", filter=Q(submissions__in=visible, submissions__status="exempted"), distinct=True
        ),
    )
    years = sorted(set(access.visible_tasks(request.user).values_list("year", flat=True)), reverse=True)
    if year.isdigit():
        tasks = tasks.filter(year=int(year))
    return render(
        request,
        "bureau/tasks.html",
        {"tasks": tasks.order_by("-year", "-id"), "years": years, "year": year, "now": timezone.now()},
    )


def _task_form_page(request: HttpRequest, form: TaskForm, task: Task | None, error: Any = None) -> HttpResponse:
    selected = {str(v) for v in (form["units"].value() or [])}
    return render(
        request,
        "bureau/task_form.html",
        {
            "form": form,
            "task": task,
            "tree": people.tree(request.user),
            "selected": selected,
            "error": error,
            "attachments": task.attachments.all() if task else [],
        },
    )


@bureau_required
def task_create(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        initial = {"framework_id": request.GET.get("table", "")}
        return _task_form_page(request, TaskForm(user=request.user, initial=initial), None)
    form = TaskForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        return _task_form_page(request, form, None)
    try:
        task = ops.create_task(request.user, form.task_input(), form.uploads())
    except JixiaoError as error:
        return _task_form_page(request, form, None, _failure(error))
    messages.success(request, f"已下发任务“{task.name}”：{task.submissions.count()} 个单位")
    return redirect("bureau:task", task_id=task.pk)


@bureau_required
def task_edit(request: HttpRequest, task_id: int) -> HttpResponse:
    task = access.get_task(request.user, task_id)
    if request.method != "POST":
        initial = {
            "name": task.name,
            "year": task.year,
            "framework_id": task.framework_id,
            "deadline": timezone.localtime(task.deadline).date(),
            "head_step": task.head_step,
            "instructions": task.instructions,
            "units": [str(pk) for pk in task.submissions.values_list("unit_id", flat=True)],
        }
        return _task_form_page(request, TaskForm(user=request.user, initial=initial), task)
    form = TaskForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        return _task_form_page(request, form, task)
    remove = [int(v) for v in request.POST.getlist("remove_attachment") if v.isdigit()]
    try:
        ops.update_task(request.user, task, form.task_input(), form.uploads(), remove)
    except JixiaoError as error:
        return _task_form_page(request, form, task, _failure(error))
    messages.success(request, "任务已保存")
    return redirect("bureau:task", task_id=task.pk)


@bureau_required
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    task = access.get_task(request.user, task_id)
    rows = ops.task_rows(request.user, task)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["sub"].status] = counts.get(row["sub"].status, 0) + 1
    return render(
        request,
        "bureau/task.html",
        {
            "task": task,
            "rows": rows,
            "badges": STATUS_BADGE,
            "counts": [(STATE_ZH[s], counts[s.value], STATUS_BADGE[s.value]) for s in State if counts.get(s.value)],
            "attachments": task.attachments.all(),
            "can_edit": access.sees_whole_task(request.user, task),
            "info_url": request.build_absolute_uri(reverse("bureau:task_info", args=[task.pk])),
            "exempt_form": ExemptForm(),
            "extend_form": ExtendForm(),
        },
    )


def _task_submission(request: HttpRequest, task_id: int, submission_id: int) -> Submission:
    try:
        sub = filing.get_visible(request.user, submission_id)
    except NotFound as error:
        raise Http404(error.message) from None
    if sub.task_id != task_id:
        raise Http404("该任务中没有这个单位")
    return sub


@bureau_required
@require_POST
def task_exempt(request: HttpRequest, task_id: int, submission_id: int) -> HttpResponse:
    sub = _task_submission(request, task_id, submission_id)
    try:
        ops.exempt(request.user, sub, request.POST.get("reason", ""))
    except JixiaoError as error:
        messages.error(request, f"{sub.unit.name}：{error.message}")
    else:
        messages.success(request, f"已将“{sub.unit.name}”设为免报")
    return redirect("bureau:task", task_id=task_id)


@bureau_required
@require_POST
def task_extend(request: HttpRequest, task_id: int, submission_id: int) -> HttpResponse:
    sub = _task_submission(request, task_id, submission_id)
    form = ExtendForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, f"{sub.unit.name}：{'；'.join(errors)}")
        return redirect("bureau:task", task_id=task_id)
    try:
        ext = ops.extend(request.user, sub, form.cleaned_data["until"], form.cleaned_data["reason"])
    except JixiaoError as error:
        messages.error(request, f"{sub.unit.name}：{error.message}")
    else:
        messages.success(request, f"已同意“{sub.unit.name}”延期至{timezone.localtime(ext.until):%Y年%m月%d日 %H:%M}")
    return redirect("bureau:task", task_id=task_id)


@login_required
def task_info(request: HttpRequest, task_id: int) -> HttpResponse:
    """填报说明 and attachments, for the task's units' users and the bureau (others: 404)."""
    task = Task.objects.filter(pk=task_id).first() if str(task_id).isdigit() else None
    if task is None or not ops.task_visible(request.user, task):
        raise Http404("没有该任务，或您无权查看")
    own = filing.visible(request.user).filter(task=task).select_related("unit")
    return render(
        request,
        "bureau/task_info.html",
        {
            "task": task,
            "attachments": task.attachments.all(),
            "own": own[:1].first() if not access.sees_all(request.user) else None,
        },
    )


@login_required
def attachment_download(request: HttpRequest, attachment_id: int) -> HttpResponse:
    try:
        row: Attachment = ops.attachment_for(request.user, attachment_id)
    except NotFound as error:
        raise Http404(error.message) from None
    response = FileResponse(
        default_storage.open(row.path, "rb"),
        as_attachment=True,
        filename=row.name,
        content_type=ops.CONTENT_TYPES[row.kind],
    )
    response["X-Content-SHA256"] = row.sha256
    return response


# --------------------------------------------------------------------------- tables


@bureau_required
def table_list(request: HttpRequest) -> HttpResponse:
    form, error, stored = TableUploadForm(), None, None
    if request.method == "POST":
        form = TableUploadForm(request.POST, request.FILES)
        if form.is_valid():
            error, stored = _store_table(request, form)
            if stored is not None:
                return redirect("bureau:table", table_id=stored.table.table_id)
    uploaded = StoredTable.objects.select_related("uploaded_by").order_by("-uploaded_at")
    builtin = [c for c in tables.table_choices() if not uploaded.filter(table_id=c[0]).exists()]
    return render(
        request,
        "bureau/tables.html",
        {
            "form": form,
            "error": error,
            "uploaded": [(t, tables.provenance(t.table_id)) for t in uploaded],
            "builtin": builtin,
            "just": request.GET.get("stored", ""),
        },
    )


def _store_table(request: HttpRequest, form: TableUploadForm) -> tuple[Any, Any]:
    upload = form.cleaned_data["file"]
    data = upload.read()
    try:
        if form.cleaned_data["kind"] == "xlsx":
            official = bool(form.cleaned_data.get("official"))
            stored = tables.store_xlsx(request.user, data, upload.name, form.meta(), official)
        else:
            stored = tables.store_yaml(request.user, data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return {"message": "文件不是 UTF-8 编码的文本，无法作为 YAML 读取", "issues": []}, None
    except JixiaoError as error:
        return _failure(error), None
    table = stored.table
    verb = "已保存" if stored.created else "已存在相同内容的评分表，未重复保存"
    messages.success(request, f"评分表“{table.name}”（{table.table_id}）{verb}")
    if tables.summary(stored.report):
        messages.info(request, tables.summary(stored.report) + "；各项提示见下方“导入提示”")
    for issue in stored.warnings[:20]:
        messages.warning(request, f"{issue.path}：{issue.message}" if issue.path else issue.message)
    return None, stored


@bureau_required
def table_page(request: HttpRequest, table_id: str) -> HttpResponse:
    """One table: provenance, source, sha256, indicators and, for an .xlsx import, its report."""
    shown = tables.page(table_id)
    if shown is None:
        raise Http404("没有这个评分表")
    return render(request, "bureau/table.html", shown)


# --------------------------------------------------------------------------- units and users


@bureau_required
def unit_list(request: HttpRequest) -> HttpResponse:
    return _units_page(request)


def _units_page(request: HttpRequest, error: Any = None, which: str = "") -> HttpResponse:
    return render(
        request,
        "bureau/units.html",
        {
            "tree": people.tree(request.user),
            "counts": people.unit_count(request.user),
            "is_admin": access.is_admin(request.user),
            "form": ImportForm(),
            "error": error,
            "which": which,
        },
    )


@admin_required
@require_POST
def units_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _units_page(request, {"message": "请选择 .xlsx 文件", "issues": []}, "units")
    try:
        done = people.import_units(form.cleaned_data["file"].read())
    except JixiaoError as error:
        return _units_page(request, _failure(error), "units")
    messages.success(request, f"单位导入完成：新增 {done.created} 个，更新 {done.updated} 个")
    return redirect("bureau:units")


@admin_required
@require_POST
def users_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _units_page(request, {"message": "请选择 .xlsx 文件", "issues": []}, "users")
    try:
        count = people.import_users(form.cleaned_data["file"].read())
    except JixiaoError as error:
        return _units_page(request, _failure(error), "users")
    messages.success(request, f"用户导入完成：新增 {count} 个用户")
    return redirect("bureau:units")


@admin_required
def scopes(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("departments") if v.isdigit()]
        try:
            profile = people.set_scope(
                int(request.POST.get("profile", "0") or 0), ids, request.POST.get("scope_all") == "1"
            )
        except (JixiaoError, ValueError) as error:
            messages.error(request, getattr(error, "message", "请求无效"))
        else:
            messages.success(request, f"已更新“{profile.user.get_username()}”的审核范围")
        return redirect("bureau:scopes")
    rows = [{"profile": p, "scope": {u.pk for u in p.scope.all()}} for p in people.reviewers()]
    return render(request, "bureau/scopes.html", {"rows": rows, "departments": people.departments()})


# --------------------------------------------------------------------------- progress


def _selection(request: HttpRequest) -> progress.Selection:
    task_id, year = request.GET.get("task", ""), request.GET.get("year", "")
    if task_id.isdigit():
        return progress.Selection(access.get_task(request.user, int(task_id)), None)
    if year.isdigit():
        return progress.Selection(None, int(year))
    latest = access.visible_tasks(request.user).order_by("-year").values_list("year", flat=True).first()
    return progress.Selection(None, latest)


@bureau_required
def progress_page(request: HttpRequest) -> HttpResponse:
    selection = _selection(request)
    tasks = access.visible_tasks(request.user).order_by("-year", "-id")
    query = {"task": selection.task.pk} if selection.task else ({"year": selection.year} if selection.year else {})
    return render(
        request,
        "bureau/progress.html",
        {
            "selection": selection,
            "tasks": tasks,
            "years": sorted(set(tasks.values_list("year", flat=True)), reverse=True),
            "query": urlencode(query),
            "body": _progress_body(request, selection, urlencode(query)),
        },
    )


def _progress_body(request: HttpRequest, selection: Any, query: str) -> str:
    """The table and the two lists, rendered once per (user, session, selection, last change) for a minute:
    thousands of units cost ~100 ms to render, and a bureau's staff reload this page all day."""
    from django.conf import settings
    from django.core.cache import cache

    session = hashlib.sha256(request.COOKIES.get(settings.CSRF_COOKIE_NAME, "").encode()).hexdigest()[:16]
    key = f"jixiao-progress:{request.user.pk}:{session}:{query}:{progress.last_change()}"
    html = cache.get(key)
    if html is None:
        html = render_to_string(
            "bureau/_progress_body.html",
            {
                "table": progress.counts(request.user, selection),
                "shown": LIST_SHOWN,
                "not_filed": progress.not_filed(request.user, selection)[:LIST_SHOWN],
                "n_not_filed": progress.not_filed(request.user, selection).count(),
                "overdue": progress.overdue(request.user, selection)[:LIST_SHOWN],
                "n_overdue": progress.overdue(request.user, selection).count(),
                "query": query,
                "badges": STATUS_BADGE,
            },
            request=request,
        )
        cache.set(key, html, PROGRESS_CACHE_SECONDS)
    return mark_safe(html)  # rendered by our own template, escaped there


@bureau_required
@require_POST
def progress_remind(request: HttpRequest) -> HttpResponse:
    selection = _selection(request)
    which = "overdue" if request.POST.get("which") == "overdue" else "not_filed"
    count = progress.remind(request.user, selection, which)
    label = "逾期" if which == "overdue" else "未填报"
    if count:
        messages.success(request, f"已向 {count} 个{label}单位发送催报通知，将显示在其待办中")
    else:
        messages.info(request, f"没有需要催报的{label}单位（12 小时内已催报且未读的不重复发送）")
    return redirect(f"{reverse('bureau:progress')}?{request.GET.urlencode()}")


@bureau_required
def progress_export(request: HttpRequest) -> HttpResponse:
    selection = _selection(request)
    data = progress.export_xlsx(request.user, selection)
    name = f"填报进度_{selection.label}_{timezone.localtime():%Y%m%d}.xlsx"
    response = HttpResponse(data, content_type=ops.CONTENT_TYPES["xlsx"])
    from django.utils.http import content_disposition_header

    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
