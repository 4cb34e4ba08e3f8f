"""Use cases on the database: who sees what, saving a draft, moving a submission, its documents.

Views and the API call these and nothing else; the rules come from ``core.workflow``, the scoring
and the documents from ``services``. Every refusal is a ``JixiaoError`` that ``web.errors`` maps
to an HTTP status once.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from ...core.errors import Conflict, Forbidden, NotFound
from ...core.model import Framework, Issue, Severity
from ...core.workflow import (
    AUDITED,
    CLEAN,
    COMMENT,
    IN_SCOPE,
    OPEN,
    REASON,
    STATE_ZH,
    Context,
    Refusal,
    Role,
    State,
    decide,
)
from ...frameworks.evaluation import FORMAT
from ...services import evaluations as ev
from ...services.scoring import Scored, score_json
from ..accounts.models import Profile
from ..errors import Invalid
from .models import (
    EditRecord,
    GeneratedFile,
    Notice,
    Publication,
    PublishedFile,
    ReviewComment,
    Submission,
    SubmissionVersion,
    Task,
    Transition,
)
from .tables import TABLES

User = AbstractBaseUser | AnonymousUser
KINDS = {"report.docx": "docx", "report.pdf": "pdf", "tables.xlsx": "xlsx"}
KIND_ZH = {"report.docx": "自评报告（Word）", "report.pdf": "自评报告（PDF）", "tables.xlsx": "数据表与评分表（Excel）"}


# --------------------------------------------------------------------------- who sees what


def profile_of(user: User) -> Profile | None:
    if not user.is_authenticated:
        return None
    try:
        return user.profile  # type: ignore[union-attr]
    except Profile.DoesNotExist:
        return None


def role_of(user: User) -> Role | None:
    profile = profile_of(user)
    if profile is not None:
        return Role(profile.role)
    if user.is_authenticated and getattr(user, "is_superuser", False):
        return Role.ADMIN
    return None


def visible(user: User) -> QuerySet[Submission]:
    """The submissions ``user`` may see: own unit's, the reviewer's scope, or all for an admin."""
    base = Submission.objects.select_related("task", "unit")
    role, profile = role_of(user), profile_of(user)
    if role is Role.ADMIN:
        return base.all()
    if profile is None:
        return base.none()
    if role is Role.REVIEWER:
        if profile.scope_all:
            return base.all()
        scope = list(profile.scope.values_list("id", flat=True))
        return base.filter(Q(unit_id__in=scope) | Q(unit__department_id__in=scope))
    if profile.unit_id is None:
        return base.none()
    return base.filter(unit_id=profile.unit_id)


def get_visible(user: User, submission_id: int) -> Submission:
    """A submission the user may see; any other id is "not found" (no leak of what exists)."""
    try:
        return visible(user).get(pk=submission_id)
    except (Submission.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound(f"没有编号为 {submission_id} 的填报，或您无权查看") from None


# --------------------------------------------------------------------------- documents and scores


def framework_for(framework_id: str) -> Framework:
    loaded = TABLES.load(framework_id)
    if loaded.framework is None:
        raise Conflict(f"任务使用的评分表“{framework_id}”无法读取", loaded.issues)
    return loaded.framework


def skeleton(submission: Submission) -> dict[str, Any]:
    """The document a unit starts from: format, table, year and its own name filled in."""
    return {
        "format": FORMAT,
        "framework": submission.task.framework_id,
        "year": submission.task.year,
        "unit": {"name": submission.unit.name},
    }


def normalised(submission: Submission, doc: Mapping[str, Any]) -> dict[str, Any]:
    """The stored form of a document: the task's table by id (never a path), year and unit defaulted."""
    out = copy.deepcopy(dict(doc))
    out.setdefault("format", FORMAT)
    out["framework"] = submission.task.framework_id
    if out.get("year") in (None, ""):
        out["year"] = submission.task.year
    unit = out.get("unit")
    if unit is None:
        out["unit"] = {"name": submission.unit.name}
    elif isinstance(unit, dict) and not unit.get("name"):
        unit["name"] = submission.unit.name
    return out


def current_doc(submission: Submission) -> dict[str, Any]:
    return copy.deepcopy(submission.evaluation) if submission.evaluation else skeleton(submission)


def score(submission: Submission, doc: Mapping[str, Any]) -> Scored:
    """Score a document on the task's table; a year other than the task's is an error."""
    scored = ev.score_document(doc, TABLES, framework=submission.task.framework_id, file="")
    year = doc.get("year")
    if isinstance(year, int) and year != submission.task.year:
        extra = Issue(
            Severity.ERROR, "year-mismatch", "year", f"评价年度应为任务的{submission.task.year}年，实为{year}年"
        )
        scored = replace(scored, issues=(*scored.issues, extra))
        if scored.scorecard is not None:
            card = replace(scored.scorecard, issues=scored.issues, base=None, total=None, grade=None, total_wording="")
            scored = replace(scored, scorecard=card)
    return scored


def score_of(submission: Submission) -> dict[str, Any]:
    return score_json(score(submission, current_doc(submission)))


def errors_of(scored: Scored) -> list[Issue]:
    return [i for i in scored.issues if i.severity is Severity.ERROR]


# --------------------------------------------------------------------------- saving


def _facts(submission: Submission, extra: Iterable[str] = ()) -> frozenset[str]:
    facts = {IN_SCOPE, *extra}
    if timezone.now() <= submission.deadline:
        facts.add(OPEN)
    return frozenset(facts)


def _decide(user: User, submission: Submission, action: str, facts: frozenset[str]) -> State:
    role = role_of(user)
    if role is None:
        raise Forbidden("请先登录")
    try:
        return decide(submission.state, action, role, Context(submission.task.head_step, facts))
    except Refusal as refusal:
        raise _refusal_error(refusal) from None


def _refusal_error(refusal: Refusal) -> Exception:
    if refusal.kind == "forbidden":
        return Forbidden(refusal.message)
    if refusal.kind in ("invalid", "unknown"):
        return Invalid(refusal.message)
    return Conflict(refusal.message)


def flatten(doc: Any, prefix: str = "") -> dict[str, Any]:
    """Leaf paths of a document (``data.income_final``, ``inputs.x.score``) and their values."""
    if isinstance(doc, dict):
        out: dict[str, Any] = {}
        for key, value in doc.items():
            out.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    return {prefix: doc}


def changed_paths(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> list[str]:
    a, b = flatten(dict(old or {})), flatten(dict(new))
    return sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))


@dataclass(frozen=True)
class Saved:
    submission: Submission
    scored: Scored


def save(user: User, submission: Submission, doc: Mapping[str, Any], expected: int, source: str = "form") -> Saved:
    """Save a draft (errors included: nothing typed is lost) if ``expected`` is still the version."""
    target = _decide(user, submission, "save", _facts(submission))
    doc = normalised(submission, doc)
    scored = score(submission, doc)
    card = scored.scorecard
    now = timezone.now()
    with transaction.atomic():
        updated = Submission.objects.filter(pk=submission.pk, lock_version=expected, status=submission.status).update(
            evaluation=doc,
            evaluation_sha256=ev.evaluation_sha256(doc),
            lock_version=F("lock_version") + 1,
            status=target.value,
            total=card.total if card else None,
            grade=(card.grade or "") if card else "",
            error_count=len(errors_of(scored)),
            updated_at=now,
            updated_by=user if user.is_authenticated else None,
        )
        if not updated:
            raise _stale(submission, expected)
        EditRecord.objects.create(
            submission=submission,
            actor=user,
            lock_version=expected + 1,
            changed=changed_paths(submission.evaluation, doc),
            source=source,
            at=now,
        )
        if target is not submission.state:
            Transition.objects.create(
                submission=submission,
                action="save",
                from_status=submission.status,
                to_status=target.value,
                actor=user,
                lock_version=expected + 1,
                at=now,
            )
    submission.refresh_from_db()
    return Saved(submission, scored)


def _stale(submission: Submission, expected: int) -> Conflict:
    fresh = Submission.objects.get(pk=submission.pk)
    if fresh.status != submission.status:
        return Conflict(f"状态已变为“{STATE_ZH[fresh.state]}”，本次修改未保存；请刷新页面")
    return Conflict(
        f"内容已被他人修改（当前版本 {fresh.lock_version}，您的修改基于版本 {expected}），为免覆盖，本次修改未保存；"
        "请刷新页面后再改"
    )


# --------------------------------------------------------------------------- actions


@dataclass(frozen=True)
class Request:
    action: str
    comment: str = ""
    comments: tuple[tuple[str, str], ...] = ()  # (indicator, text)
    expected: int | None = None


def act(user: User, submission: Submission, request: Request) -> Submission:
    """Move a submission by one workflow action; the state change is a conditional UPDATE."""
    comment = request.comment.strip()
    comments = tuple((i.strip(), t.strip()) for i, t in request.comments if t.strip())
    facts = set()
    if comment or comments:
        facts.add(COMMENT)
    if comment:
        facts.add(REASON)
    if request.action == "submit":
        scored = score(submission, current_doc(submission))
        if submission.evaluation and not errors_of(scored):
            facts.add(CLEAN)
        elif submission.state in (State.DRAFT, State.RETURNED, State.NOT_STARTED):
            _check_submittable(user, submission, scored)
    if request.action == "accept" and _latest_version(submission) is not None:
        facts.add(AUDITED)
    target = _decide(user, submission, request.action, _facts(submission, facts))
    expected = submission.lock_version if request.expected is None else request.expected
    with transaction.atomic():
        fields = _side_effects(user, submission, request.action, target, comment, comments, expected)
        updated = Submission.objects.filter(pk=submission.pk, lock_version=expected, status=submission.status).update(
            status=target.value, lock_version=F("lock_version") + 1, updated_at=timezone.now(), **fields
        )
        if not updated:
            raise _stale(submission, expected)
        Transition.objects.create(
            submission=submission,
            action=request.action,
            from_status=submission.status,
            to_status=target.value,
            actor=user,
            comment=comment,
            lock_version=expected + 1,
        )
    submission.refresh_from_db()
    return submission


def _check_submittable(user: User, submission: Submission, scored: Scored) -> None:
    """Refuse a submit with errors, listing them (after the role check, so a reviewer gets 403)."""
    _decide(user, submission, "submit", _facts(submission, {CLEAN}))
    errors = errors_of(scored) if submission.evaluation else [Issue(Severity.ERROR, "empty", "", "尚未填写任何内容")]
    raise Conflict(f"评价数据仍有{len(errors)}处错误，不能报送；请先改正", tuple(errors))


def _latest_version(submission: Submission) -> SubmissionVersion | None:
    return submission.versions.order_by("-number").first()


def _side_effects(
    user: User,
    sub: Submission,
    action: str,
    target: State,
    comment: str,
    comments: tuple[tuple[str, str], ...],
    expected: int,
) -> dict[str, Any]:
    """Rows an action writes besides the status, and the extra Submission fields it sets."""
    version = _latest_version(sub)
    _notify(sub, action, target)
    if action == "submit":
        _snapshot(user, sub, expected)
    if action in ("reject", "return", "reopen", "exempt", "withdraw_publication") or (comment and action != "submit"):
        _comments(user, sub, version, action, comment, comments)
    if action == "accept":
        return {"accepted_version": version}
    if action == "reopen":
        return {"accepted_version": None, "published_at": None}
    if action == "publish":
        assert version is not None
        _publish(user, sub, sub.accepted_version or version)
        return {"published_at": timezone.now()}
    if action == "withdraw_publication":
        Publication.objects.filter(submission=sub, withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now(), withdrawn_reason=comment
        )
        return {"published_at": None}
    return {}


def _comments(
    user: User,
    sub: Submission,
    version: SubmissionVersion | None,
    action: str,
    comment: str,
    comments: tuple[tuple[str, str], ...],
) -> None:
    rows = [(indicator, text) for indicator, text in comments]
    if comment:
        rows.insert(0, ("", comment))
    for indicator, text in rows:
        ReviewComment.objects.create(
            submission=sub, version=version, indicator=indicator, text=text, author=user, action=action
        )


def _notify(sub: Submission, action: str, target: State) -> None:
    text = {
        "reject": "单位负责人已退回，请修改后重新提交",
        "return": "财政局已退回修改，请查看审核意见",
        "accept": "财政局已审核通过",
        "exempt": "财政局已将本单位设为免报",
        "reopen": "财政局已重新打开，请按意见修改",
    }.get(action)
    if text:
        Notice.objects.create(unit=sub.unit, submission=sub, text=f"{sub.task.name}：{text}")


def _snapshot(user: User, sub: Submission, expected: int) -> SubmissionVersion:
    """The immutable version of a submit: data, score, table hash, files and the auditor's findings."""
    doc = current_doc(sub)
    scored = score(sub, doc)
    files = {kind: ensure_file(sub, doc, kind).sha256 for kind in ("report.docx", "tables.xlsx")}
    findings = audit_generated(sub, doc)
    number = (sub.versions.count() or 0) + 1
    framework = framework_for(sub.task.framework_id)
    version = SubmissionVersion.objects.create(
        submission=sub,
        number=number,
        lock_version=expected + 1,
        evaluation=doc,
        evaluation_sha256=ev.evaluation_sha256(doc),
        score=score_json(scored),
        framework_id=framework.id,
        framework_sha256=framework.sha256,
        files=files,
        findings=findings,
        created_by=user,
    )
    request_pdf(sub, doc)
    return version


def audit_generated(sub: Submission, doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The auditor's findings on the report generated from ``doc``."""
    from ...services.audit import audit_json

    data = file_bytes(ensure_file(sub, doc, "report.docx"))
    result = audit_json(ev.audit_bytes("report.docx", data))
    return list(result.get("findings", []))


def _publish(user: User, sub: Submission, version: SubmissionVersion) -> Publication:
    publication = Publication.objects.create(
        submission=sub, version=version, unit_name=sub.unit.name, year=sub.task.year, published_by=user
    )
    for kind in ("report.pdf", "report.docx", "tables.xlsx"):
        stored = GeneratedFile.objects.filter(
            evaluation_sha256=version.evaluation_sha256,
            framework_sha256=version.framework_sha256,
            kind=kind,
            status="done",
        ).first()
        if stored is None and kind != "report.pdf":
            stored = ensure_file(sub, version.evaluation, kind)
        if stored is not None:
            PublishedFile.objects.create(
                publication=publication,
                name=download_name(sub, kind),
                kind=kind,
                sha256=stored.sha256,
                path=stored.path,
            )
    return publication


# --------------------------------------------------------------------------- files


def download_name(sub: Submission, kind: str) -> str:
    title = f"{sub.unit.name}{sub.task.year}年度部门整体支出绩效自评"
    return {"report.docx": f"{title}报告.docx", "report.pdf": f"{title}报告.pdf", "tables.xlsx": f"{title}数据表.xlsx"}[
        kind
    ]


def _source(sub: Submission, doc: Mapping[str, Any]) -> Any:
    scored = score(sub, doc)
    source = ev.source_of(scored, doc) if not errors_of(scored) else None
    if source is None:
        raise Conflict("评价数据存在错误，未生成文件；请先改正", tuple(errors_of(scored)))
    return source


def _store(data: bytes, ext: str) -> tuple[str, str]:
    sha = hashlib.sha256(data).hexdigest()
    path = f"docs/{sha[:2]}/{sha}.{ext}"
    if not default_storage.exists(path):
        default_storage.save(path, ContentFile(data))
    return sha, path


def ensure_file(sub: Submission, doc: Mapping[str, Any], kind: str) -> GeneratedFile:
    """The .docx or .xlsx of ``doc``, generated now if needed (a few milliseconds)."""
    source = _source(sub, doc)
    framework = framework_for(sub.task.framework_id)
    key = {"evaluation_sha256": ev.evaluation_sha256(doc), "framework_sha256": framework.sha256, "kind": kind}
    stored = GeneratedFile.objects.filter(**key, status="done").first()
    if stored is not None:
        return stored
    data = ev.workbook_bytes(source) if kind == "tables.xlsx" else ev.report_bytes(source, KINDS[kind])
    sha, path = _store(data, KINDS[kind])
    stored, _ = GeneratedFile.objects.update_or_create(
        **key,
        defaults={
            "status": "done",
            "sha256": sha,
            "path": path,
            "framework_id": framework.id,
            "updated_at": timezone.now(),
            "error": "",
        },
    )
    return stored


def file_bytes(stored: GeneratedFile) -> bytes:
    with default_storage.open(stored.path, "rb") as handle:
        return handle.read()


def request_pdf(sub: Submission, doc: Mapping[str, Any], retry: bool = False) -> GeneratedFile:
    """The PDF of ``doc``: done, or a background job queued (once) that makes it."""
    _source(sub, doc)
    framework = framework_for(sub.task.framework_id)
    key = {"evaluation_sha256": ev.evaluation_sha256(doc), "framework_sha256": framework.sha256, "kind": "report.pdf"}
    stored, created = GeneratedFile.objects.get_or_create(
        **key, defaults={"status": "pending", "evaluation": dict(doc), "framework_id": framework.id}
    )
    if created or (retry and stored.status == "failed"):
        if not created:
            GeneratedFile.objects.filter(pk=stored.pk, status="failed").update(status="pending", error="")
        from .jobs import make_pdf

        transaction.on_commit(lambda: make_pdf.enqueue(stored.pk))
        stored.refresh_from_db()
    return stored


def build_pdf(file_id: int) -> None:
    """The background job's work: claim the row (pending → running), convert, store; errors kept."""
    claimed = GeneratedFile.objects.filter(pk=file_id, status="pending").update(
        status="running", updated_at=timezone.now()
    )
    if not claimed:
        return  # done, failed or taken by another worker: nothing is done twice
    stored = GeneratedFile.objects.get(pk=file_id)
    try:
        loaded = TABLES.load(stored.framework_id)
        scored = ev.score_document(stored.evaluation, TABLES, framework=stored.framework_id)
        source = ev.source_of(scored, stored.evaluation) if loaded.framework else None
        if source is None:
            raise Conflict("评价数据存在错误，未生成 PDF")
        sha, path = _store(ev.report_bytes(source, "pdf"), "pdf")
    except Exception as error:  # the message is shown on the page and the job can be retried
        message = getattr(error, "message", "") or f"{type(error).__name__}: {error}"
        GeneratedFile.objects.filter(pk=file_id).update(status="failed", error=message, updated_at=timezone.now())
        return
    GeneratedFile.objects.filter(pk=file_id).update(status="done", sha256=sha, path=path, updated_at=timezone.now())


# --------------------------------------------------------------------------- publication


def published(year: int | None = None) -> QuerySet[Publication]:
    rows = Publication.objects.prefetch_related("files").order_by("-published_at")
    return rows.filter(year=year) if year else rows


def verify(sha256: str) -> PublishedFile | None:
    return (
        PublishedFile.objects.select_related("publication")
        .filter(sha256=sha256.strip().lower())
        .order_by(F("publication__withdrawn_at").asc(nulls_first=True), "-publication__published_at")
        .first()
    )


def tasks_of(user: User) -> QuerySet[Task]:
    return Task.objects.filter(submissions__in=visible(user)).distinct()


# --------------------------------------------------------------------------- starting points


# Last year's accepted figures that still apply: this year's opening balances are last year's closing ones.
CARRIED_DATA = {
    "carryover_prior": "carryover_end",
    "stock_prior": "stock_end",
    "public_prior": "public_final",
    "sangong_prior": "sangong_final",
    "staff_quota": "staff_quota",
}
CARRIED_UNIT = ("level", "head", "filler", "phone", "address", "internal_bodies", "subordinate_units")
CARRIED_TEXT = ("overview", "functions")


def last_year(sub: Submission) -> Submission | None:
    """The unit's latest earlier submission that the bureau accepted."""
    return (
        Submission.objects.filter(unit=sub.unit, task__year__lt=sub.task.year, accepted_version__isnull=False)
        .select_related("task", "accepted_version")
        .order_by("-task__year")
        .first()
    )


def _fill_missing(target: dict[str, Any], source: Mapping[str, Any], pairs: Iterable[tuple[str, str]]) -> list[str]:
    copied = []
    for key, from_key in pairs:
        if target.get(key) in (None, "", []) and source.get(from_key) not in (None, "", []):
            target[key] = copy.deepcopy(source[from_key])
            copied.append(key)
    return copied


def copy_last_year(user: User, sub: Submission, expected: int) -> tuple[Saved, list[str]]:
    """Fill what is still empty from last year's accepted version; nothing typed is overwritten."""
    previous = last_year(sub)
    if previous is None or previous.accepted_version is None:
        raise NotFound("本单位没有以前年度已审核通过的填报，无法从上年复制")
    old = previous.accepted_version.evaluation
    doc = current_doc(sub)
    for key in ("data", "unit", "text"):
        if not isinstance(doc.get(key), dict):
            doc[key] = {}
    copied = [f"data.{k}" for k in _fill_missing(doc["data"], old.get("data") or {}, CARRIED_DATA.items())]
    copied += [f"unit.{k}" for k in _fill_missing(doc["unit"], old.get("unit") or {}, ((k, k) for k in CARRIED_UNIT))]
    copied += [f"text.{k}" for k in _fill_missing(doc["text"], old.get("text") or {}, ((k, k) for k in CARRIED_TEXT))]
    return save(user, sub, doc, expected, source="last_year"), copied


def import_figures(user: User, sub: Submission, data: bytes, name: str, expected: int) -> tuple[Saved, Any]:
    """Figures read from a 数据表 workbook replace those in the draft (other figures are kept)."""
    from ...core.spec import evaluation_spec
    from ...services.figures_import import figures_from_xlsx

    spec = evaluation_spec(framework_for(sub.task.framework_id))
    imported = figures_from_xlsx(data, spec.figures, file=name)
    doc = current_doc(sub)
    if not isinstance(doc.get("data"), dict):
        doc["data"] = {}
    doc["data"].update(imported.values)
    return save(user, sub, doc, expected, source="import"), imported


def reap_stalled(older_than: timedelta) -> int:
    """Documents stuck "running" (a worker killed mid-conversion) become failed, so pages offer 重试."""
    cutoff = timezone.now() - older_than
    return GeneratedFile.objects.filter(status="running", updated_at__lt=cutoff).update(
        status="failed", error="后台任务中断（处理进程被终止），请点击重试", updated_at=timezone.now()
    )
