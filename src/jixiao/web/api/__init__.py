"""The JSON API of formats §6 (django-ninja; OpenAPI at /api/openapi.json, docs at /api/docs).

Browsers use the session (CSRF checked); scripts send ``Authorization: Bearer TOKEN``. Every route
is a few lines around one ``filing.ops`` call; errors are mapped once in ``web.errors``.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import File, Form, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.files import UploadedFile
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer, django_auth

from ...core.errors import Forbidden, JixiaoError
from ...core.workflow import Role
from ...frameworks.evaluation import FORMAT
from ..accounts.models import ApiToken, token_digest
from ..errors import Invalid, body_of, status_of
from ..filing import ops
from ..filing.models import Submission

MAX_UPLOAD = 20 * 1024 * 1024
TOKEN_TOUCH = timedelta(minutes=5)


class BearerAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = ApiToken.objects.select_related("user").filter(digest=token_digest(token), user__is_active=True).first()
        if row is None:
            return None
        now = timezone.now()
        if row.last_used_at is None or now - row.last_used_at > TOKEN_TOUCH:  # not a write on every request
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        return row.user


class ChineseJSON(JSONRenderer):
    """JSON with Chinese written as characters, not \\u escapes (readable in logs and by people)."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=ChineseJSON(),
    title="jixiao 绩效自评 API",
    version="1",
    description="部门整体支出绩效自评：单位填报、报送与财政局审核、公开（formats §6）",
    auth=[BearerAuth(), django_auth],
    urls_namespace="api",
)


@api.exception_handler(JixiaoError)
def _domain_error(request: HttpRequest, error: JixiaoError) -> HttpResponse:
    return api.create_response(request, body_of(error), status=status_of(error))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, error: Exception) -> HttpResponse:
    return api.create_response(
        request, {"detail": "请先登录，或在 Authorization 头中提供有效的 API 令牌", "issues": []}, status=401
    )


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    where = "；".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}：{e.get('msg', '')}" for e in error.errors)
    return api.create_response(request, {"detail": f"请求格式不正确：{where}", "issues": []}, status=422)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": str(error), "issues": []}, status=error.status_code)


def _user(request: HttpRequest) -> Any:
    return request.auth if getattr(request, "auth", None) is not None else request.user  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- me and submissions


@api.get("/me", summary="当前用户")
def me(request: HttpRequest) -> dict[str, Any]:
    user = _user(request)
    role = ops.role_of(user)
    profile = ops.profile_of(user)
    unit = profile.unit if profile and profile.unit_id else None
    return {
        "username": user.get_username(),
        "role": role.value if role else None,
        "unit": unit.code if unit else None,
        "unit_name": unit.name if unit else None,
    }


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _row(sub: Submission) -> dict[str, Any]:
    return {
        "id": sub.pk,
        "task": sub.task_id,
        "year": sub.task.year,
        "unit": sub.unit.code,
        "unit_name": sub.unit.name,
        "status": sub.status,
        "version": sub.lock_version,
        "total": _number(sub.total),
        "grade": sub.grade or None,
        "deadline": sub.deadline.isoformat(),
    }


@api.get("/submissions", summary="可见的填报")
def submissions(request: HttpRequest, task: str | None = None, status: str | None = None) -> list[dict[str, Any]]:
    rows = ops.visible(_user(request)).order_by("task_id", "unit__code")
    if task not in (None, ""):
        if not str(task).strip().isdigit():
            raise Invalid(f"task 应为任务编号（整数），实为“{str(task)[:40]}”")
        rows = rows.filter(task_id=int(str(task).strip()))
    if status:
        rows = rows.filter(status=status)
    return [_row(s) for s in rows]


def _comments(sub: Submission) -> list[dict[str, Any]]:
    return [
        {
            "indicator": c.indicator or None,
            "text": c.text,
            "author": c.author.get_username() if c.author else None,
            "at": c.at.isoformat(),
            "action": c.action,
        }
        for c in sub.comments.select_related("author")
    ]


@api.get("/submissions/{submission_id}", summary="填报详情")
def submission(request: HttpRequest, submission_id: int) -> dict[str, Any]:
    sub = ops.get_visible(_user(request), submission_id)
    return {**_row(sub), "evaluation": ops.current_doc(sub), "comments": _comments(sub)}


def _if_match(request: HttpRequest) -> int:
    raw = request.headers.get("If-Match", "").strip()
    raw = raw.removeprefix("W/").strip('"').strip()
    if not raw:
        raise HttpError(428, "请在 If-Match 头中给出所修改的版本号（取自 GET 的 version），以免覆盖他人的修改")
    try:
        return int(raw)
    except ValueError:
        raise HttpError(400, f"If-Match 应为版本号（整数），实为“{raw[:40]}”") from None


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        doc = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError) as error:
        raise Invalid(f"请求体不是有效的 JSON：{error}") from None
    if not isinstance(doc, dict):
        raise Invalid("请求体应为 jixiao/evaluation@1 格式的 JSON 对象")
    if doc.get("format", FORMAT) != FORMAT:
        raise Invalid(f"format 应为 {FORMAT}，实为“{str(doc.get('format'))[:60]}”")
    return doc


@api.put("/submissions/{submission_id}/evaluation", summary="保存评价数据（草稿，有错误也保存）")
def put_evaluation(request: HttpRequest, submission_id: int) -> dict[str, Any]:
    user = _user(request)
    sub = ops.get_visible(user, submission_id)
    expected = _if_match(request)
    doc = _body(request)
    saved = ops.save(user, sub, doc, expected, source="api")
    return {
        "version": saved.submission.lock_version,
        "status": saved.submission.status,
        "score": ops.score_json(saved.scored),
    }


@api.get("/submissions/{submission_id}/score", summary="当前版本的评分（formats §4）")
def get_score(request: HttpRequest, submission_id: int) -> dict[str, Any]:
    sub = ops.get_visible(_user(request), submission_id)
    return ops.score_of(sub)


@api.get("/submissions/{submission_id}/files/{name}", summary="当前版本的文件：report.docx、report.pdf、tables.xlsx")
def get_file(request: HttpRequest, submission_id: int, name: str) -> HttpResponse:
    from ..front.files import file_response

    sub = ops.get_visible(_user(request), submission_id)
    return file_response(sub, name, api=True)


class CommentIn(Schema):
    indicator: str | None = None
    text: str = ""


class ActionIn(Schema):
    action: str
    comment: str | None = ""
    comments: list[CommentIn] = []
    version: int | None = None


@api.post("/submissions/{submission_id}/actions", summary="流转操作：提交、审核、退回、通过、公开……")
def action(request: HttpRequest, submission_id: int, payload: ActionIn) -> dict[str, Any]:
    user = _user(request)
    sub = ops.get_visible(user, submission_id)
    comments = tuple((c.indicator or "", c.text) for c in payload.comments)
    done = ops.act(user, sub, ops.Request(payload.action, payload.comment or "", comments, payload.version))
    return {"id": done.pk, "status": done.status, "version": done.lock_version}


# --------------------------------------------------------------------------- audits


def _read_upload(file: UploadedFile) -> bytes:
    if file.size and file.size > MAX_UPLOAD:
        raise Invalid(f"{file.name}：文件超过 {MAX_UPLOAD // 1024 // 1024} MB")
    return file.read()


@api.post("/audits", summary="审核一份报告（.txt/.docx/.pdf），返回 formats §5")
def audit(request: HttpRequest, file: UploadedFile = File(...)) -> dict[str, Any]:  # noqa: B008
    from ...services.audit import audit_json

    if ops.role_of(_user(request)) not in (Role.REVIEWER, Role.ADMIN):
        raise Forbidden("只有财政局审核人员和管理员可以使用报告审核")
    return audit_json(ops.ev.audit_bytes(file.name or "report.txt", _read_upload(file)))


# --------------------------------------------------------------------------- public


def _public(pub: Any) -> dict[str, Any]:
    return {
        "unit": pub.unit_name,
        "year": pub.year,
        "published_at": pub.published_at.isoformat(),
        "withdrawn": pub.withdrawn_at is not None,
        "withdrawn_at": pub.withdrawn_at.isoformat() if pub.withdrawn_at else None,
        "files": [
            {"name": f.name, "kind": f.kind, "sha256": f.sha256, "url": f"/public/files/{f.pk}/{f.name}"}
            for f in pub.files.all()
        ],
    }


@api.get("/public/reports", auth=None, summary="已公开的报告（无需登录）")
def public_reports(request: HttpRequest, year: int | None = None) -> list[dict[str, Any]]:
    return [_public(p) for p in ops.published(year)]


@api.post("/public/verify", auth=None, summary="核验文件是否为公开版本（无需登录）")
def public_verify(
    request: HttpRequest,
    file: UploadedFile | None = File(None),  # noqa: B008
    sha256: str | None = Form(None),
) -> dict[str, Any]:
    if file is not None:
        digest = hashlib.sha256(_read_upload(file)).hexdigest()
    elif sha256:
        digest = sha256.strip().lower()
    else:
        raise Invalid("请上传文件（file），或给出 sha256")
    return verification(digest)


def verification(digest: str) -> dict[str, Any]:
    found = ops.verify(digest)
    if found is None:
        return {
            "match": False,
            "sha256": digest,
            "unit": None,
            "year": None,
            "name": None,
            "published_at": None,
            "withdrawn": None,
        }
    pub = found.publication
    return {
        "match": True,
        "sha256": digest,
        "unit": pub.unit_name,
        "year": pub.year,
        "name": found.name,
        "published_at": pub.published_at.isoformat(),
        "withdrawn": pub.withdrawn_at is not None,
        "withdrawn_at": pub.withdrawn_at.isoformat() if pub.withdrawn_at else None,
    }
