"""Pages through Django's test client: 待办, the evaluation form (lenient numbers, autosave, conflicts),
imports, last year's figures, offline assets and CSP."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from jixiao.web.filing.models import EditRecord, Submission, SubmissionVersion, Task

from .conftest import example_json, submission_id

WEB = Path(__file__).resolve().parents[2] / "src" / "jixiao" / "web"
pytestmark = pytest.mark.django_db


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_login_page_and_redirect(demo) -> None:
    assert Client().get("/").status_code == 302
    page = Client().get("/login/").content.decode()
    assert "登录" in page and "用户名" in page
    response = Client().post("/login/", {"username": "lechang-filler", "password": "demo-pass-2025"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_wrong_passwords_lock_the_user_name_not_the_office(demo) -> None:
    for _ in range(5):
        Client().post("/login/", {"username": "lechang-head", "password": "wrong"}, REMOTE_ADDR="10.1.1.1")
    locked = Client().post(
        "/login/", {"username": "lechang-head", "password": "demo-pass-2025"}, REMOTE_ADDR="10.1.1.2"
    )
    assert locked.status_code in (403, 429) and "锁定" in locked.content.decode()
    colleague = Client().post(
        "/login/", {"username": "lechang-filler", "password": "demo-pass-2025"}, REMOTE_ADDR="10.1.1.1"
    )
    assert colleague.status_code == 302  # same address, other user: not locked


def test_todo_lists_the_units_tasks_with_deadline(demo) -> None:
    page = client_for("lechang-filler").get("/").content.decode()
    assert "我的待办" in page and "乐昌市人民政府办公室" in page and "还剩 30 天" in page and "填报说明与附件" in page
    assert "中共湛江市委办公室" not in page
    bureau = client_for("bureau").get("/").content.decode()
    assert "填报总览" in bureau and "中共湛江市委办公室" in bureau


def test_the_form_is_generated_from_the_table(demo) -> None:
    page = client_for("lechang-filler").get(f"/s/{submission_id('lechang')}/").content.decode()
    for text in (
        "支出决算数",
        "万元",
        "预算编制合理性",
        "评分标准",
        "指标解释",
        "部门预算资金支出率",
        "工作职能",
        "加分项",
    ):
        assert text in page, text
    assert 'name="data.expenditure_final"' in page
    assert 'name="inputs.budgeting.preparation.reasonableness.score"' in page


def post_form(client: Client, sid: int, fields: dict[str, str]) -> str:
    version = Submission.objects.get(pk=sid).lock_version
    return client.post(
        f"/s/{sid}/save", {"_version": str(version), **fields}, headers={"HX-Request": "true"}
    ).content.decode()


def test_numbers_pasted_from_excel_are_accepted(demo) -> None:
    sid = submission_id("lechang")
    client = client_for("lechang-filler")
    post_form(
        client,
        sid,
        {
            "data.expenditure_final": "1,234.50",
            "data.expenditure_budget": "１２３４．５",
            "data.satisfaction": "95%",
            "data.income_final": "912.97万元",
            "fill_date": "2024年5月21日",
        },
    )
    doc = Submission.objects.get(pk=sid).evaluation
    assert doc["data"]["expenditure_final"] == 1234.5 and doc["data"]["expenditure_budget"] == 1234.5
    assert doc["data"]["satisfaction"] == 95 and doc["data"]["income_final"] == 912.97
    assert doc["fill_date"] == "2024-05-21"


def test_text_where_a_number_belongs_is_kept_and_named(demo) -> None:
    sid = submission_id("lechang")
    panel = post_form(client_for("lechang-filler"), sid, {"data.expenditure_final": "九百万"})
    assert "支出决算数" in panel and "应为数字" in panel
    assert Submission.objects.get(pk=sid).evaluation["data"]["expenditure_final"] == "九百万"


def test_a_stale_form_is_refused_without_overwriting(demo) -> None:
    sid = submission_id("lechang")
    first, second = client_for("lechang-filler"), client_for("lechang-filler")
    post_form(first, sid, {"text.other": "甲的修改"})
    stale = second.post(
        f"/s/{sid}/save", {"_version": "0", "text.other": "乙基于旧页面的修改"}, headers={"HX-Request": "true"}
    )
    assert "未保存" in stale.content.decode() and stale["HX-Retarget"] == "#save-status"
    assert Submission.objects.get(pk=sid).evaluation["text"]["other"] == "甲的修改"
    assert EditRecord.objects.filter(submission_id=sid).count() == 1


def test_the_live_panel_shows_total_and_grade(demo) -> None:
    sid = submission_id("lechang")
    client = client_for("lechang-filler")
    doc = example_json("lechang-2023")
    client_api_version = Submission.objects.get(pk=sid).lock_version
    from jixiao.web.filing import ops

    ops.save(
        get_user_model().objects.get(username="lechang-filler"), Submission.objects.get(pk=sid), doc, client_api_version
    )
    panel = post_form(client, sid, {"text.other": "无"})
    assert 'id="total">100' in panel and "优" in panel and "已自动保存" in panel


def test_figures_imported_from_the_workbook(demo) -> None:
    from jixiao.services import evaluations as ev

    doc = example_json("lechang-2023")
    scored = ev.score_document(doc, ev.BuiltinTables())
    workbook = ev.workbook_bytes(ev.source_of(scored, doc))
    sid = submission_id("lechang")
    client = client_for("lechang-filler")
    response = client.post(
        f"/s/{sid}/import", {"_version": "0", "file": SimpleUploadedFile("数据表.xlsx", workbook)}, follow=True
    )
    assert "导入" in response.content.decode()
    data = Submission.objects.get(pk=sid).evaluation["data"]
    assert data["expenditure_final"] == 912.97
    bad = client.post(
        f"/s/{sid}/import", {"_version": "1", "file": SimpleUploadedFile("坏.xlsx", b"not a zip")}, follow=True
    ).content.decode()
    assert "不是有效的 Excel" in bad


def test_start_from_last_year_copies_what_still_applies(demo) -> None:
    sid = submission_id("lechang")
    current = Submission.objects.get(pk=sid)
    earlier = Task.objects.create(
        name="2022年度", year=2022, framework_id="lechang-2023", deadline=timezone.now() - timedelta(days=300)
    )
    previous = Submission.objects.create(task=earlier, unit=current.unit)
    old = example_json("lechang-2023") | {"year": 2022}
    old["data"]["carryover_end"] = 12.5
    version = SubmissionVersion.objects.create(
        submission=previous,
        number=1,
        lock_version=1,
        evaluation=old,
        evaluation_sha256="x",
        score={},
        framework_id="lechang-2023",
        framework_sha256="y",
    )
    Submission.objects.filter(pk=previous.pk).update(status="accepted", accepted_version=version)
    client = client_for("lechang-filler")
    post_form(client, sid, {"unit.head": "新负责人"})
    response = client.post(f"/s/{sid}/last-year", {"_version": "1"}, follow=True).content.decode()
    assert "已从上年" in response
    doc = Submission.objects.get(pk=sid).evaluation
    assert doc["data"]["carryover_prior"] == 12.5  # last year's closing balance opens this year
    assert doc["unit"]["head"] == "新负责人"  # what was typed is kept
    assert doc["text"]["functions"] == old["text"]["functions"]


def test_pages_load_nothing_from_outside_and_send_csp(demo) -> None:
    page = client_for("lechang-filler").get(f"/s/{submission_id('lechang')}/")
    assert "default-src 'self'" in page["Content-Security-Policy"]
    html = page.content.decode()
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, f"inline script: {tag}"
    for path in list((WEB / "front" / "templates").rglob("*.html")) + list(
        (WEB / "front" / "static" / "jixiao").rglob("*")
    ):
        text = path.read_text(encoding="utf-8").replace("http://www.w3.org/2000/svg", "")  # an XML namespace
        assert not re.search(r"https?://", text), path


def test_profile_issues_an_api_token(demo) -> None:
    page = client_for("lechang-filler").post("/me/", {"label": "脚本"}).content.decode()
    token = re.search(r'id="new-token">([^<]+)<', page)[1]
    assert Client().get("/api/me", headers={"Authorization": f"Bearer {token}"}).json()["username"] == "lechang-filler"


def test_healthz(db) -> None:
    assert Client().get("/healthz").status_code == 200


def test_admin_creates_a_task_that_opens_its_units_submissions(demo) -> None:
    from jixiao.web.accounts.models import Unit

    admin = client_for("admin")
    units = [str(u.pk) for u in Unit.objects.all()]
    form = {
        "name": "2025年度部门整体支出绩效自评",
        "year": "2025",
        "framework_id": "zhanjiang-city",
        "deadline_0": "2026-06-30",
        "deadline_1": "23:59:59",
        "head_step": "on",
        "instructions": "按通知填报",
        "units": units,
        "created_at_0": "2026-01-01",
        "created_at_1": "00:00:00",
    }
    response = admin.post("/admin/filing/task/add/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    task = Task.objects.get(year=2025)
    assert task.framework_sha256 and Submission.objects.filter(task=task).count() == len(units)
    bad = admin.post("/admin/filing/task/add/", form | {"framework_id": "no-such-table", "year": "2026"})
    assert bad.status_code == 200 and "no-such-table" in bad.content.decode()
    assert Client().get("/admin/").status_code == 302
    assert "系统管理" in admin.get("/admin/").content.decode()


def test_a_conversion_interrupted_by_a_killed_worker_can_be_retried(demo) -> None:
    from datetime import timedelta

    from django.core.management import call_command

    from jixiao.web.filing import ops
    from jixiao.web.filing.models import GeneratedFile

    row = GeneratedFile.objects.create(
        evaluation_sha256="a" * 64,
        framework_sha256="b" * 64,
        kind="report.pdf",
        status="running",
        updated_at=timezone.now() - timedelta(hours=1),
    )
    fresh = GeneratedFile.objects.create(
        evaluation_sha256="c" * 64, framework_sha256="b" * 64, kind="report.pdf", status="running"
    )
    assert ops.reap_stalled(timedelta(minutes=15)) == 1
    row.refresh_from_db()
    fresh.refresh_from_db()
    assert row.status == "failed" and "重试" in row.error and fresh.status == "running"
    call_command("reap_stalled", "--minutes", "0")
    fresh.refresh_from_db()
    assert fresh.status == "failed"


def test_group_and_goals_are_entered_in_the_form(demo) -> None:
    sid = submission_id("lechang")
    client = client_for("lechang-filler")
    post_form(
        client,
        sid,
        {
            "group.formed": "2024年4月21日",
            "group.leader": "吴章继",
            "group.deputies": "甲、乙",
            "group.members": "丙，丁",
            "goal_rows.0.goal": "强化服务保障",
            "goal_rows.0.name": "办理上级会议",
            "goal_rows.0.target": "500",
            "goal_rows.0.actual": "515",
            "goal_rows.0.unit": "场次",
            "goal_rows.1.goal": "强化服务保障",
            "goal_rows.1.name": "公文办理",
            "goal_rows.1.target": "按期",
            "goal_rows.1.actual": "按期",
            "goal_rows.2.goal": "",
            "goal_rows.2.name": "",
        },
    )
    doc = Submission.objects.get(pk=sid).evaluation
    assert doc["group"] == {
        "formed": "2024-04-21",
        "leader": "吴章继",
        "deputies": ["甲", "乙"],
        "members": ["丙", "丁"],
    }
    assert doc["goals"] == [
        {
            "goal": "强化服务保障",
            "indicators": [
                {"name": "办理上级会议", "target": 500, "actual": 515, "unit": "场次"},
                {"name": "公文办理", "target": "按期", "actual": "按期"},
            ],
        }
    ]
    page = client.get(f"/s/{sid}/").content.decode()
    assert 'value="办理上级会议"' in page and 'value="甲、乙"' in page


def test_goal_kinds_and_directions_round_trip_through_the_form(demo) -> None:
    sid = submission_id("lechang")
    client = client_for("lechang-filler")
    post_form(
        client,
        sid,
        {
            "goal_rows.0.goal": "强化服务保障",
            "goal_rows.0.name": "公文差错率",
            "goal_rows.0.kind": "质量",
            "goal_rows.0.target": "1",
            "goal_rows.0.actual": "0.5",
            "goal_rows.0.unit": "%",
            "goal_rows.0.direction": "越低越好",
            "goal_rows.0.reached": "",
            "goal_rows.1.goal": "",
        },
    )
    doc = Submission.objects.get(pk=sid).evaluation
    assert doc["goals"] == [
        {
            "goal": "强化服务保障",
            "indicators": [
                {"name": "公文差错率", "kind": "质量", "target": 1, "actual": 0.5, "unit": "%", "direction": "lower"}
            ],
        }
    ]
    page = client.get(f"/s/{sid}/").content.decode()
    assert 'value="质量"' in page and 'value="越低越好"' in page


def test_the_form_offers_the_new_rule_kinds() -> None:
    """Options decided by the figures and goals rules ask nothing; a checklist item the table
    credits when it does not apply has its own box; both map to the §2 inputs."""
    from django.http import QueryDict

    from jixiao.core.spec import evaluation_spec
    from jixiao.web.front.forms import document_from_post, form_values
    from tables import table

    framework = table("""
total: 9
indicators:
  - {id: a, name: 结余控制, weight: 3, rule: {type: categorical, options: [
       {text: 无结余, score: 3, when: carryover_end == 0}, {text: 有结余, score: 0}]}}
  - {id: b, name: 目标完成, weight: 3, rule: {type: goals}}
  - {id: c, name: 自评开展, weight: 3, rule: {type: checklist, items: [
       {text: 开展部门整体自评, points: 1}, {text: 开展项目自评, points: 2, not_applicable: full_marks}]}}
""")
    spec = evaluation_spec(framework)
    assert [leaf.entry for leaf in spec.leaves] == ["auto", "auto", "checklist"]
    assert spec.leaves[2].credited == (1,)
    post = QueryDict(mutable=True)
    post.update({"inputs.c.checklist_seen": "1", "inputs.c.checked": "0", "inputs.c.reason": "本单位无项目"})
    post.update({"inputs.c.absent": "1", "inputs.a.reason": "", "inputs.b.reason": ""})
    doc = document_from_post(post, spec, {})
    assert doc["inputs"]["c"] == {"checked": [0], "not_applicable": [1], "reason": "本单位无项目"}
    assert not doc["inputs"].get("a") and not doc["inputs"].get("b")  # nothing to enter
    values = form_values(doc)
    assert values["inputs.c.absent"] == {"1"}


NEW_KINDS_TABLE = """
format: jixiao/framework@1
id: new-kinds
version: 1
name: 新规则类型测试表
provenance: example
source: 测试
total: 12
indicators:
  - {id: a, name: 结余控制, weight: 3, rule: {type: categorical, options: [
       {text: 无结余, score: 3, when: carryover_end == 0}, {text: 有结余, score: 0}]}}
  - {id: b, name: 目标完成, weight: 3, rule: {type: goals}}
  - {id: c, name: 自评开展, weight: 3, rule: {type: checklist, items: [
       {text: 开展部门整体自评, points: 1}, {text: 开展项目自评, points: 2, not_applicable: full_marks}]}}
  - {id: d, name: 资料归档, weight: 3, rule: {type: judgement, default: full_marks}}
"""


def test_the_form_page_shows_and_scores_the_new_rule_kinds(demo) -> None:
    from jixiao.web.filing.models import StoredTable

    StoredTable.objects.create(table_id="new-kinds", name="新规则类型", yaml_text=NEW_KINDS_TABLE, sha256="e" * 64)
    sid = submission_id("lechang")
    Task.objects.filter(submissions__pk=sid).update(framework_id="new-kinds")
    client = client_for("lechang-filler")
    page = client.get(f"/s/{sid}/").content.decode()
    assert "按数据表自动判定所属情形" in page and "按“绩效目标及其指标”的完成情况自动计分" in page
    assert 'name="inputs.c.absent" value="1"' in page and "本单位不适用" in page
    post_form(
        client,
        sid,
        {
            "data.carryover_end": "0",
            "inputs.c.checklist_seen": "1",
            "inputs.c.checked": "0",
            "inputs.c.absent": "1",
            "inputs.c.reason": "本单位无项目支出",
            "goal_rows.0.goal": "强化服务保障",
            "goal_rows.0.name": "办理上级会议",
            "goal_rows.0.kind": "数量",
            "goal_rows.0.target": "500",
            "goal_rows.0.actual": "515",
        },
    )
    doc = Submission.objects.get(pk=sid).evaluation
    assert doc["inputs"]["c"] == {"checked": [0], "not_applicable": [1], "reason": "本单位无项目支出"}
    score = client.get(f"/api/submissions/{sid}/score").json()
    leaves = {row["id"]: row["score"] for row in score["indicators"]}
    assert leaves == {"a": 3, "b": 3, "c": 3, "d": 3}, score["issues"]
