"""Pages of the dashboard and the exports: parse the request, call ``ops``/``exports``, render.

Refusals map once: not in scope → 404, a role that may not use these pages → 403, a state conflict
→ a message on the page. ``?format=json`` on the dashboard answers its charts as JSON (all, or one
with ``&chart=NAME``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from ...core.errors import Forbidden, JixiaoError, NotFound
from . import exports, ops

CONTENT_TYPES = {
    "summary": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "reports": "application/zip",
}


def _number(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        raise Http404("参数应为数字") from None


def bureau_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login required; NotFound → 404, Forbidden → 403 (other refusals are handled by the view)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            ops.may_view(request.user)
            return view(request, *args, **kwargs)
        except NotFound as error:
            raise Http404(error.message) from None
        except Forbidden as error:
            raise PermissionDenied(error.message) from None

    return wrapped


def _json(body: Any) -> JsonResponse:
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


@require_GET
@bureau_page
def index(request: HttpRequest) -> HttpResponse:
    year, task = _number(request.GET.get("year")), _number(request.GET.get("task"))
    board = ops.dashboard(request.user, year, task) if request.GET.get("format") == "json" else None
    pick = ops.unit_years(request.user, request.GET.get("unit", ""))
    if request.GET.get("format") == "json":
        chart = request.GET.get("chart", "")
        if chart == "unit":
            if pick.chart is None:
                raise Http404(pick.message or "请用 unit= 给出单位编码或名称")
            return _json(pick.chart.json())
        assert board is not None
        body = board.chart(chart).json() if chart else board.json()
        if not chart and pick.chart is not None:
            body["charts"]["unit"] = pick.chart.json()
        return _json(body)
    key = ops.dashboard_key(request.user, year, task) + ":html"
    board_html = cache.get(key)
    if board_html is None:
        board_html = _board_html(board or ops.dashboard(request.user, year, task))
        cache.set(key, board_html, ops.CACHE_SECONDS)
    context = {"board_html": mark_safe(board_html), "pick": pick, "year": year, "task": task}
    return render(request, "dashboard/index.html", context)


def _board_html(board: ops.Dashboard) -> str:
    """The charts, tables and filter of one dashboard as HTML (the same for everyone with this scope)."""
    query = urlencode({k: v for k, v in (("year", board.year), ("task", board.task[0] if board.task else "")) if v})
    context = {
        "board": board,
        "query": query,
        "mean": board.chart("histogram").extra["mean"],
        "flagged": board.chart("execution").extra["flagged"],
    }
    return render_to_string("dashboard/_board.html", context)


@bureau_page
def export_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            created = exports.create_export(
                request.user,
                request.POST.get("kind", ""),
                _number(request.POST.get("year")),
                _number(request.POST.get("task")),
            )
            messages.success(request, f"已开始生成“{created.get_kind_display()}”，完成后可在下方下载")
        except JixiaoError as error:
            if isinstance(error, (NotFound, Forbidden)):
                raise
            messages.error(request, error.message)
        return redirect("dashboard:exports")
    return render(
        request,
        "dashboard/exports.html",
        {"exports": exports.exports_of(request.user)[:50], "choice": ops.choices(request.user)},
    )


@require_GET
@bureau_page
def export_row(request: HttpRequest, export_id: int) -> HttpResponse:
    return render(request, "dashboard/_export_row.html", {"e": exports.get_export(request.user, export_id)})


@require_POST
@bureau_page
def export_retry(request: HttpRequest, export_id: int) -> HttpResponse:
    try:
        exports.retry_export(request.user, export_id)
        messages.success(request, "已重新开始生成")
    except JixiaoError as error:
        if isinstance(error, (NotFound, Forbidden)):
            raise
        messages.error(request, error.message)
    return redirect("dashboard:exports")


@require_GET
@bureau_page
def export_file(request: HttpRequest, export_id: int) -> HttpResponse:
    export = exports.get_export(request.user, export_id)
    try:
        handle = exports.open_export(export)
    except JixiaoError as error:
        messages.error(request, error.message)
        return redirect("dashboard:exports")
    response = FileResponse(handle, as_attachment=True, filename=export.name, content_type=CONTENT_TYPES[export.kind])
    response["X-Content-SHA256"] = export.sha256
    return response
