"""The bureau's review pages: queue, workspace (scorecard, last year, documents, findings, comments,
start/return/accept), batch publication, audits of outside reports (file, zip, background job) and
the operation log (filters, paging, .xlsx export) — with scope (out of scope → 404) and roles."""

from __future__ import annotations

import io
import os
import zipfile
from datetime import timedelta
from typing import Any

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from jixiao.web.accounts.models import Profile, Unit
from jixiao.web.filing import ops as fops
from jixiao.web.filing.models import Publication, ReviewComment, Submission, SubmissionVersion, Task, Transition
from jixiao.web.review import audits
from jixiao.web.review.models import AuditBatch

from .conftest import example_json, submission_id

pytestmark = pytest.mark.django_db
EXAMPLES = {"lechang": "lechang-2023", "lianjiang": "lianjiang-2024", "zhanjiang": "zhanjiang-2020"}


def user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(user(username))
    return client


def drive(code: str, to: str, sub: Submission | None = None, doc: dict[str, Any] | None = None) -> Submission:
    """Move a unit's submission to ``to`` as the demo users would: fill, submit, approve, review."""
    sub = sub or Submission.objects.get(unit__code=code)
    steps = [
        ("submitted", f"{code}-filler", "submit"),
        ("submitted", f"{code}-head", "approve"),
        ("under_review", "bureau", "start_review"),
        ("accepted", "bureau", "accept"),
        ("published", "bureau", "publish"),
    ]
    order = ["draft", "submitted", "under_review", "accepted", "published"]
    fops.save(user(f"{code}-filler"), sub, doc or example_json(EXAMPLES[code]), sub.lock_version)
    sub.refresh_from_db()
    for state, who, action in steps:
        if order.index(state) > order.index(to):
            break
        sub = fops.act(user(who), sub, fops.Request(action))
    return sub


def other_reviewer() -> Any:
    """A reviewer whose scope is a 主管部门 none of the demo units belong to."""
    dept = Unit.objects.create(code="other-dept", name="其他主管部门")
    reviewer = get_user_model().objects.create_user("other-reviewer", password="x-pass-2025-long")
    Profile.objects.create(user=reviewer, role="reviewer").scope.add(dept)
    return reviewer


# --------------------------------------------------------------------------- access


def test_bureau_pages_need_a_bureau_role(demo) -> None:
    sid = submission_id("lechang")
    for path in ("/review/", f"/review/{sid}/", "/review/audits/", "/review/oplog/"):
        response = Client().get(path)
        assert response.status_code == 302 and "/login/" in response["Location"]
        assert client_for("lechang-filler").get(path).status_code == 403
        assert client_for("lechang-head").get(path).status_code == 403
    assert client_for("bureau").get("/review/").status_code == 200
    assert client_for("bureau").get("/review/oplog/").status_code == 403  # the log is for admins only
    assert client_for("admin").get("/review/oplog/").status_code == 200


def test_a_reviewer_out_of_scope_gets_404(demo) -> None:
    sub = drive("lechang", "submitted")
    other = Client()
    other.force_login(other_reviewer())
    assert other.get(f"/review/{sub.pk}/").status_code == 404
    assert other.post(f"/review/{sub.pk}/act", {"action": "start_review"}).status_code == 404
    assert "乐昌市人民政府办公室" not in other.get("/review/").content.decode()
    page = other.post("/review/publish", {"ids": [sub.pk]}).content.decode()
    assert "无权查看" in page
    sub.refresh_from_db()
    assert sub.status == "submitted"


# --------------------------------------------------------------------------- queue


def test_queue_lists_submissions_awaiting_review_and_filters(demo) -> None:
    dept = Unit.objects.create(code="dept-zj", name="湛江市财政局主管")
    Unit.objects.filter(code__in=["lianjiang", "zhanjiang"]).update(department=dept)
    lechang = drive("lechang", "submitted")
    lianjiang = drive("lianjiang", "under_review")
    fops.save(
        user("zhanjiang-filler"), Submission.objects.get(unit__code="zhanjiang"), example_json("zhanjiang-2020"), 0
    )
    client = client_for("bureau")
    response = client.get("/review/")
    page = response.content.decode()
    assert "乐昌市人民政府办公室" in page and "廉江市人民政府办公室" in page
    rows = {r["sub"].pk: r for r in response.context["rows"]}
    assert set(rows) == {lechang.pk, lianjiang.pk}  # a draft is not in the queue
    version = SubmissionVersion.objects.get(submission=lechang)
    expected_errors = sum(1 for f in version.findings if f["severity"] == "error")
    assert rows[lechang.pk]["errors"] == expected_errors
    assert rows[lechang.pk]["sub"].total == lechang.total and rows[lechang.pk]["sub"].grade == "优"
    assert [r["sub"].pk for r in client.get("/review/", {"status": "under_review"}).context["rows"]] == [lianjiang.pk]
    assert [r["sub"].pk for r in client.get("/review/", {"department": dept.pk}).context["rows"]] == [lianjiang.pk]
    assert [r["sub"].pk for r in client.get("/review/", {"task": lechang.task_id}).context["rows"]] == [lechang.pk]
    assert "湛江市财政局主管" in page  # the 主管部门 filter offers it


def test_recently_decided_stay_and_old_ones_leave(demo) -> None:
    sub = drive("lechang", "under_review")
    fops.act(user("bureau"), sub, fops.Request("return", "请补充说明"))
    assert sub.pk in [r["sub"].pk for r in client_for("bureau").get("/review/").context["rows"]]
    Submission.objects.filter(pk=sub.pk).update(updated_at=timezone.now() - timedelta(days=60))
    assert sub.pk not in [r["sub"].pk for r in client_for("bureau").get("/review/").context["rows"]]


# --------------------------------------------------------------------------- workspace


def test_workspace_shows_scorecard_documents_findings_and_versions(demo) -> None:
    sub = drive("lechang", "submitted")
    version = SubmissionVersion.objects.get(submission=sub)
    response = client_for("bureau").get(f"/review/{sub.pk}/")
    page = response.content.decode()
    for indicator in version.score["indicators"]:
        assert indicator["name"] in page
    leaf = next(i for i in version.score["indicators"] if i["id"] == "budgeting.targets.coverage")
    assert leaf["explanation"][:20] in page
    for name in ("report.docx", "report.pdf", "tables.xlsx"):
        assert f"/s/{sub.pk}/files/{name}" in page
    assert f"/s/{sub.pk}/preview" in page
    assert version.evaluation_sha256 in page and version.files["report.docx"] in page
    for finding in version.findings:
        assert finding["message"] in page
    assert "第 1 次报送" in page and "开始审核" in page
    assert 'name="c:' not in page  # comment boxes only once the review has started


def test_start_review_return_needs_a_comment_then_per_indicator_comment(demo) -> None:
    sub = drive("lechang", "submitted")
    client = client_for("bureau")
    page = client.post(f"/review/{sub.pk}/act", {"action": "start_review"}, follow=True).content.decode()
    sub.refresh_from_db()
    assert sub.status == "under_review" and "已开始审核" in page and 'name="c:budgeting.targets.coverage"' in page
    refused = client.post(f"/review/{sub.pk}/act", {"action": "return", "comment": " "}, follow=True)
    assert "退回时至少写一条意见" in refused.content.decode()
    sub.refresh_from_db()
    assert sub.status == "under_review" and not ReviewComment.objects.filter(submission=sub).exists()
    client.post(
        f"/review/{sub.pk}/act",
        {"action": "return", "comment": "", "c:budgeting.targets.coverage": "覆盖率的依据不足，请补充"},
    )
    sub.refresh_from_db()
    assert sub.status == "returned"
    comment = ReviewComment.objects.get(submission=sub)
    assert comment.indicator == "budgeting.targets.coverage" and comment.action == "return"
    assert comment.version == SubmissionVersion.objects.get(submission=sub)
    # the next round: the unit answers and resubmits; the earlier comment stays visible beside the indicator
    sub = fops.act(user("lechang-filler"), sub, fops.Request("submit"))
    sub = fops.act(user("lechang-head"), sub, fops.Request("approve"))
    page = client.get(f"/review/{sub.pk}/").content.decode()
    assert "第 2 次报送" in page and "覆盖率的依据不足，请补充" in page and "1 条意见" in page


def test_accept_locks_and_a_refusal_is_a_message(demo) -> None:
    sub = drive("lechang", "submitted")
    client = client_for("bureau")
    early = client.post(f"/review/{sub.pk}/act", {"action": "accept"}, follow=True).content.decode()
    assert "不能执行" in early  # not under review yet: the workflow refuses, shown as a message
    client.post(f"/review/{sub.pk}/act", {"action": "start_review"})
    page = client.post(f"/review/{sub.pk}/act", {"action": "accept"}, follow=True).content.decode()
    sub.refresh_from_db()
    assert sub.status == "accepted" and "已审核通过" in page
    assert sub.accepted_version == SubmissionVersion.objects.get(submission=sub)
    assert Transition.objects.filter(submission=sub, action="accept", actor__username="bureau").exists()
    assert client_for("lechang-filler").post(f"/review/{sub.pk}/act", {"action": "return"}).status_code == 403


def _next_year(code: str) -> Submission:
    previous = Submission.objects.get(unit__code=code).task
    task = Task.objects.create(
        name="2024年度绩效自评",
        year=2024,
        framework_id=previous.framework_id,
        framework_sha256=previous.framework_sha256,
        deadline=previous.deadline,
    )
    return Submission.objects.create(task=task, unit=Unit.objects.get(code=code))


def test_last_years_scores_beside_this_years_by_id_then_by_name(demo) -> None:
    accepted = drive("lechang", "accepted")
    old = accepted.accepted_version.score
    doc = example_json("lechang-2023")
    doc["year"] = 2024
    doc["data"]["satisfaction"] = 80
    this_year = drive("lechang", "submitted", sub=_next_year("lechang"), doc=doc)
    response = client_for("bureau").get(f"/review/{this_year.pk}/")
    rows = {r.id: r for r in response.context["rows"]}
    assert "2023年度已通过版本" in response.content.decode()
    for indicator in old["indicators"]:
        assert rows[indicator["id"]].last_score == indicator["score"]
    changed = [r for r in rows.values() if r.change]
    assert changed, "a lower satisfaction shows as a change against last year"
    # an indicator renamed by id in last year's table is still found by its name
    renamed = {**old, "indicators": [{**i, "id": "old." + i["id"]} for i in old["indicators"]]}
    SubmissionVersion.objects.filter(pk=accepted.accepted_version_id).update(score=renamed)
    rows = {r.id: r for r in client_for("bureau").get(f"/review/{this_year.pk}/").context["rows"]}
    leaf = next(i for i in old["indicators"] if i["id"] == "budgeting.targets.coverage")
    assert rows["budgeting.targets.coverage"].last_score == leaf["score"]


# --------------------------------------------------------------------------- batch publication


def test_batch_publication_reports_each_row(demo) -> None:
    lechang = drive("lechang", "accepted")
    zhanjiang = drive("zhanjiang", "accepted")
    lianjiang = drive("lianjiang", "under_review")
    queue = client_for("bureau").get("/review/").content.decode()
    assert f'name="ids" value="{lechang.pk}"' in queue and f'name="ids" value="{lianjiang.pk}"' not in queue
    response = client_for("bureau").post("/review/publish", {"ids": [lechang.pk, zhanjiang.pk, lianjiang.pk, 99999]})
    results = {r.submission_id: r for r in response.context["results"]}
    assert results[lechang.pk].ok and results[zhanjiang.pk].ok
    assert not results[lianjiang.pk].ok and "不能执行" in results[lianjiang.pk].message
    assert not results[99999].ok and "无权查看" in results[99999].message
    assert Submission.objects.get(pk=lechang.pk).status == "published"
    assert Submission.objects.get(pk=lianjiang.pk).status == "under_review"
    assert Publication.objects.filter(submission__in=[lechang, zhanjiang]).count() == 2
    page = response.content.decode()
    assert page.count("已公开") >= 2 and "未公开" in page


# --------------------------------------------------------------------------- audits of outside reports


def report_docx(code: str = "lechang") -> bytes:
    sub = drive(code, "submitted")
    response = client_for("bureau").get(f"/s/{sub.pk}/files/report.docx")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_audit_of_a_report_the_system_produced(demo) -> None:
    data = report_docx()
    client = client_for("bureau")
    response = client.post("/review/audits/", {"file": SimpleUploadedFile("乐昌.docx", data)})
    assert response.status_code == 302
    batch = AuditBatch.objects.get()
    assert batch.status == "done" and batch.total == batch.done == 1
    item = batch.items.get()
    assert item.result["unit"] == "乐昌市人民政府办公室" and item.result["year"] == 2023
    assert item.result["score"] == 100.0 and item.result["grade"] == "优"
    assert item.result["figures"] and item.errors == 0
    page = client.get(response["Location"]).content.decode()
    assert "乐昌市人民政府办公室" in page and "主要数字" in page and "收入预算数" in page
    csv_text = client.get(f"/review/audits/{batch.pk}/findings.csv").content.decode("utf-8-sig")
    assert csv_text.startswith("文件,单位,年度,级别,代码,行,页,说明,原文")
    assert len(csv_text.strip().splitlines()) == 1 + len(item.result["findings"])
    assert client_for("admin").get(f"/review/audits/{batch.pk}/").status_code == 200
    other = Client()
    other.force_login(other_reviewer())
    assert other.get(f"/review/audits/{batch.pk}/").status_code == 404  # another reviewer's upload


def make_zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            if name.endswith("/"):
                archive.writestr(zipfile.ZipInfo(name), b"")
            else:
                archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_of_two_reports_and_a_garbage_file(demo) -> None:
    docx = report_docx()
    text = "乐昌市人民政府办公室2023年度部门整体支出绩效自评报告\n一、部门基本情况\n收入预算数为912.97万元。\n".encode()
    data = make_zip(
        {
            "报告/乐昌.docx": docx,
            "报告/说明.txt": text,
            "报告/garbage.pdf": os.urandom(3000),
            "报告/": b"",
            "__MACOSX/报告/._乐昌.docx": b"junk",
            ".DS_Store": b"junk",
            "../escape.txt": b"outside",
        }
    )
    client = client_for("bureau")
    response = client.post("/review/audits/", {"file": SimpleUploadedFile("三份报告.zip", data)}, follow=True)
    assert response.status_code == 200
    batch = AuditBatch.objects.get()
    assert batch.status == "done" and batch.total == 3 and batch.done == 3
    items = {i.name: i for i in batch.items.all()}
    assert set(items) == {"报告/乐昌.docx", "报告/说明.txt", "报告/garbage.pdf"}
    assert items["报告/乐昌.docx"].result["score"] == 100.0
    assert [f["code"] for f in items["报告/garbage.pdf"].result["findings"]] == ["unreadable"]
    page = response.content.decode()
    assert "garbage.pdf" in page and "unreadable" in page and "汇总（3 个文件" in page
    assert not batch.upload_path and not AuditBatch.objects.get().upload_path  # the stored zip is removed
    rows = client.get(f"/review/audits/{batch.pk}/findings.csv").content.decode("utf-8-sig").splitlines()
    assert any("garbage.pdf" in r and "unreadable" in r for r in rows)


def test_zip_limits_are_refused_before_reading(demo, monkeypatch) -> None:
    client = client_for("bureau")
    monkeypatch.setattr(audits, "MAX_FILES", 3)
    many = make_zip({f"r{i}.txt": b"x" for i in range(4)})
    page = client.post("/review/audits/", {"file": SimpleUploadedFile("many.zip", many)}, follow=True)
    assert "超过上限 3 个" in page.content.decode()
    monkeypatch.setattr(audits, "MAX_TOTAL", 10_000)
    bomb = make_zip({"bomb.txt": b"0" * 50_000})
    assert len(bomb) < 1000  # small upload, large once unpacked
    page = client.post("/review/audits/", {"file": SimpleUploadedFile("bomb.zip", bomb)}, follow=True)
    assert "超过上限" in page.content.decode()
    page = client.post("/review/audits/", {"file": SimpleUploadedFile("x.xlsx", b"PK")}, follow=True)
    assert "只能上传" in page.content.decode()
    page = client.post("/review/audits/", {"file": SimpleUploadedFile("broken.zip", b"not a zip")}, follow=True)
    assert "不是 zip 格式" in page.content.decode()
    assert not AuditBatch.objects.exists()


def test_a_large_zip_runs_as_a_background_job_with_progress(
    demo, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    monkeypatch.setattr(audits, "INLINE_FILES", 0)
    data = make_zip({f"r{i}.txt": f"第{i}份报告\n收入预算数为100万元。\n".encode() for i in range(5)})
    client = client_for("bureau")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/review/audits/", {"file": SimpleUploadedFile("大批量.zip", data)})
    batch = AuditBatch.objects.get()
    assert batch.status == "pending" and batch.total == 5 and batch.done == 0
    page = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in page and "排队等待后台审核" in page
    polled = client.get(f"/review/audits/{batch.pk}/progress", headers={"HX-Request": "true"})
    assert polled.status_code == 200 and 'hx-trigger="every 2s"' in polled.content.decode()
    assert len(callbacks) == 1
    callbacks[0]()  # the job (Immediate backend in tests: runs now)
    batch.refresh_from_db()
    assert batch.status == "done" and batch.done == 5 and batch.items.count() == 5
    finished = client.get(f"/review/audits/{batch.pk}/progress", headers={"HX-Request": "true"})
    assert finished["HX-Refresh"] == "true"  # polling stops: the page reloads with the results
    assert 'hx-trigger="every 2s"' not in client.get(f"/review/audits/{batch.pk}/").content.decode()
    audits.run(batch.pk)  # a second worker finds nothing to do
    assert batch.items.count() == 5


def test_a_failed_batch_shows_its_error_and_can_be_retried(
    demo, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    monkeypatch.setattr(audits, "INLINE_FILES", 0)
    data = make_zip({f"r{i}.txt": b"text" for i in range(2)})
    client = client_for("bureau")
    with django_capture_on_commit_callbacks(execute=False):
        client.post("/review/audits/", {"file": SimpleUploadedFile("two.zip", data)})
    batch = AuditBatch.objects.get()

    monkeypatch.setattr(audits, "_work_through", lambda b: (_ for _ in ()).throw(OSError("存储不可用")))
    audits.run(batch.pk)
    batch.refresh_from_db()
    assert batch.status == "failed" and "存储不可用" in batch.error
    page = client.get(f"/review/audits/{batch.pk}/").content.decode()
    assert "存储不可用" in page and "重试" in page
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/review/audits/{batch.pk}/retry")
    batch.refresh_from_db()
    assert batch.status == "done" and batch.items.count() == 2


# --------------------------------------------------------------------------- operation log


def test_oplog_merges_filters_pages_and_exports(demo) -> None:
    Client().post("/login/", {"username": "lechang-head", "password": "demo-pass-2025"}, REMOTE_ADDR="10.2.3.4")
    Client().post("/login/", {"username": "lechang-filler", "password": "wrong"}, REMOTE_ADDR="10.2.3.4")
    sub = drive("lechang", "under_review")
    drive("lianjiang", "submitted")
    for n in range(55):  # enough edits of one draft for a second page
        zhanjiang = Submission.objects.get(unit__code="zhanjiang")
        doc = example_json("zhanjiang-2020")
        doc["text"]["other"] = f"第{n}次修改"
        fops.save(user("zhanjiang-filler"), zhanjiang, doc, zhanjiang.lock_version)
    admin = client_for("admin")
    first = admin.get("/review/oplog/")
    assert first.status_code == 200 and len(first.context["rows"]) == 50
    total = first.context["total"]
    second = admin.get("/review/oplog/", {"page": 2}).context["rows"]
    assert len(second) == min(50, total - 50)
    times = [e.at for e in first.context["rows"] + second]
    assert times == sorted(times, reverse=True)
    actions = {e.action for e in admin.get("/review/oplog/", {"page": 1}).context["rows"]} | {e.action for e in second}
    page_all = [
        e for p in range(1, (total + 49) // 50 + 1) for e in admin.get("/review/oplog/", {"page": p}).context["rows"]
    ]
    assert {"edit", "submit", "approve", "start_review", "login", "login_failed"} <= {
        e.action for e in page_all
    } | actions
    by_user = admin.get("/review/oplog/", {"user": "lechang-filler"}).context["rows"]
    assert by_user and {e.user for e in by_user} == {"lechang-filler"}
    by_action = admin.get("/review/oplog/", {"action": "start_review"}).context["rows"]
    assert {e.submission_id for e in by_action} == {sub.pk} and {e.action_zh for e in by_action} == {"开始审核"}
    by_unit = admin.get("/review/oplog/", {"unit": "lechang"}).context["rows"]
    assert by_unit and {e.unit for e in by_unit} == {"乐昌市人民政府办公室"}
    assert {"login", "login_failed"} <= {e.action for e in by_unit}  # the unit's users' logins belong to it
    today = timezone.localdate()
    assert admin.get("/review/oplog/", {"start": str(today + timedelta(days=1))}).context["total"] == 0
    assert admin.get("/review/oplog/", {"start": str(today), "end": str(today)}).context["total"] == total
    assert admin.get("/review/oplog/", {"end": str(today - timedelta(days=1))}).context["total"] == 0
    export = admin.get("/review/oplog.xlsx", {"user": "lechang-filler"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("时间", "用户", "单位", "操作", "填报编号", "详情")
    assert len(values) - 1 == len(by_user) and {v[1] for v in values[1:]} == {"lechang-filler"}
    assert client_for("bureau").get("/review/oplog.xlsx").status_code == 403
