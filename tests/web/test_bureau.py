"""The bureau's side (issue 9): tasks with tables, attachments, 免报 and 延期; units and users; progress.

Runs on the demo data (three units, a reviewer of all of them, an admin) plus two 主管部门 with
units of their own and a reviewer scoped to one of them.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from jixiao.core.errors import Conflict
from jixiao.frameworks import loader
from jixiao.web.accounts.models import Profile, Unit
from jixiao.web.bureau.models import Attachment, Extension
from jixiao.web.filing import ops as filing
from jixiao.web.filing.models import Notice, StoredTable, Submission, SubmissionVersion, Task, Transition
from jixiao.web.filing.tables import TABLES

from .conftest import example_json, submission_id

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def xlsx(rows: list[list[Any]], title: str = "Sheet") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = XLSX) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def tree(demo: Any) -> dict[str, Unit]:
    """Two 主管部门 (教育局, 卫健局) with two units each, both in "bureau"'s scope; "edu-reviewer" sees 教育局 only."""
    edu = Unit.objects.create(code="D01", name="某市教育局", level="市级")
    health = Unit.objects.create(code="D02", name="某市卫生健康局", level="市级")
    units = {"D01": edu, "D02": health}
    for code, name, dept in (
        ("D01-1", "某市第一中学", edu),
        ("D01-2", "某市第二中学", edu),
        ("D02-1", "某市人民医院", health),
        ("D02-2", "某市疾控中心", health),
    ):
        units[code] = Unit.objects.create(code=code, name=name, level="市级", department=dept)
    Profile.objects.get(user__username="bureau").scope.add(edu, health)
    user = get_user_model().objects.create_user("edu-reviewer", password="x")
    Profile.objects.create(user=user, role="reviewer").scope.add(edu)
    for code in ("D01-1", "D02-1"):
        filler = get_user_model().objects.create_user(f"{code}-filler", password="x")
        Profile.objects.create(user=filler, role="filler", unit=units[code])
    return units


def errors_of(response: Any) -> list[str]:
    """The error messages a page shows (for assertion messages)."""
    import re

    return re.findall(r"(?:text-danger small|alert alert-danger)[^>]*>(.*?)</div>", response.content.decode(), re.S)


def task_post(units: list[Unit], **extra: Any) -> dict[str, Any]:
    data = {
        "name": "2024年度部门整体支出绩效自评",
        "year": 2024,
        "framework_id": "zhanjiang-city",
        "deadline": (timezone.localdate() + timedelta(days=20)).isoformat(),
        "head_step": "on",
        "instructions": "请按评分表填写。",
        "units": [str(u.pk) for u in units],
    }
    data.update(extra)
    return data


def create_task(client: Client, units: list[Unit], **extra: Any) -> Task:
    response = client.post("/bureau/tasks/new", task_post(units, **extra))
    assert response.status_code == 302, errors_of(response)
    return Task.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[-1]))


# --------------------------------------------------------------------------- access


def test_bureau_pages_for_reviewers_and_admins_only(tree: Any) -> None:
    pages = ["/bureau/tasks/", "/bureau/tasks/new", "/bureau/tables/", "/bureau/units/", "/bureau/progress/"]
    for page in pages:
        assert Client().get(page).status_code == 302  # to the login page
        assert client_for("lechang-filler").get(page).status_code == 403
        assert client_for("lechang-head").get(page).status_code == 403
        assert client_for("bureau").get(page).status_code == 200
        assert client_for("admin").get(page).status_code == 200
    assert client_for("bureau").get("/bureau/scopes/").status_code == 403  # admin only
    assert client_for("admin").get("/bureau/scopes/").status_code == 200


# --------------------------------------------------------------------------- tables


def builtin_yaml(new_id: str) -> str:
    text = (loader.DATA_DIR / "zhanjiang-city.yaml").read_text(encoding="utf-8")
    return text.replace("id: zhanjiang-city", f"id: {new_id}", 1)


def post_yaml(client: Client, text: str, name: str = "table.yaml") -> Any:
    return client.post("/bureau/tables/", {"file": upload(name, text.encode("utf-8"), "application/x-yaml")})


def test_yaml_table_upload_is_validated_stored_and_immutable(tree: Any) -> None:
    client = client_for("bureau")
    text = builtin_yaml("city-2031")
    assert post_yaml(client, text).status_code == 302
    stored = StoredTable.objects.get(table_id="city-2031")
    assert TABLES.load("city-2031").framework.sha256 == stored.sha256
    page = client.get("/bureau/tables/?stored=city-2031").content.decode()
    assert "已保存" in page and "city-2031" in page

    again = post_yaml(client, text)
    assert again.status_code == 302 and StoredTable.objects.filter(table_id="city-2031").count() == 1
    assert "未重复保存" in client.get("/bureau/tables/").content.decode()

    changed = post_yaml(client, text.replace("name: 湛江市市级", "name: 某市市级", 1))
    page = changed.content.decode()
    assert changed.status_code == 200 and "已存在且内容不同" in page and "新的编号" in page and "city-2031-2" in page
    assert StoredTable.objects.get(table_id="city-2031").yaml_text == text  # unchanged

    builtin = post_yaml(client, builtin_yaml("zhanjiang-city"))
    assert "内置评分表" in builtin.content.decode()


def test_yaml_table_with_errors_lists_them_with_paths_and_stores_nothing(tree: Any) -> None:
    client = client_for("bureau")
    bad = builtin_yaml("city-bad").replace("total: 100", "total: 90", 1).replace("provenance: example\n", "", 1)
    page = post_yaml(client, bad).content.decode()
    assert "处错误，未保存" in page
    assert "<code>provenance</code>" in page and "<code>total</code>" in page  # each error with its path
    assert not StoredTable.objects.filter(table_id="city-bad").exists()
    broken = post_yaml(client, "format: jixiao/framework@1\nid: [unclosed\n").content.decode()
    assert "行" in broken and not StoredTable.objects.exists()
    wrong = client.post("/bureau/tables/", {"file": upload("t.txt", b"x", "text/plain")}).content.decode()
    assert "只接受" in wrong


ROWS = [  # 一级, 二级, 三级, 分值, 指标解释, 评分标准 (the layout frameworks/xlsx_import.py reads)
    ("部门决策（30分）", "目标设定", "绩效目标合理性", 10, "目标是否依据充分", "符合要求的得10分，部分符合酌情扣分。"),
    (
        None,
        "预算配置",
        "在职人员控制率",
        20,
        "在职人员数/编制数",
        "以100%为标准。在职人员控制率≦100%,计20分;每超过一个百分点扣0.5分,扣完为止。",
    ),
    ("部门管理", "预算执行", "预算完成率", 50, "预算完成数/预算数", "按完成比例计算得分,满分为止。"),
    ("部门绩效", "履职效益", "社会效益", 20, "社会效益", "酌情评分。"),
    ("合计", None, None, 100, None, None),
]


def bureau_table_xlsx(rows: list[tuple[Any, ...]] = ROWS) -> bytes:
    return xlsx(
        [
            ["某市部门整体支出绩效评价指标体系"],
            ["一级指标", "二级指标", "三级指标", "分值", "指标解释", "评分标准"],
            *[list(r) for r in rows],
        ],
        "评分表",
    )


def test_an_edited_jixiao_workbook_upload_is_read_from_its_wording_with_a_warning(tree: Any, tmp_path: Any) -> None:
    from pathlib import Path

    from openpyxl import load_workbook
    from typer.testing import CliRunner

    from jixiao.cli import app

    examples = Path(__file__).parent.parent.parent / "examples" / "lechang-2023.yaml"
    made = CliRunner().invoke(app, ["tables", str(examples), "-o", str(tmp_path / "t.xlsx")])
    assert made.exit_code == 0, made.output
    book = load_workbook(tmp_path / "t.xlsx")
    sheet = book["评分表"]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 3).value == "资金下达合法性")
    sheet.cell(row, 3).value = "资金下达合规性"  # the bureau renamed an indicator
    edited = io.BytesIO()
    book.save(edited)
    client = client_for("bureau")
    meta = {"table_id": "city-edited", "name": "改过的表", "year": 2024, "outline": "lechang"}
    response = client.post("/bureau/tables/", {"file": upload("评分表.xlsx", edited.getvalue()), **meta})
    assert response.status_code == 302
    page = "".join(client.get("/bureau/tables/").content.decode().split())
    assert f"第{row}行的指标名称" in page and "已按工作表上的文字重新读取" in page
    assert TABLES.load("city-edited").framework is not None


def test_xlsx_table_upload_is_converted_validated_and_usable_for_a_task(tree: Any) -> None:
    client = client_for("bureau")
    meta = {
        "table_id": "city-xlsx-2024",
        "name": "某市评分表",
        "issuer": "某市财政局",
        "year": 2024,
        "outline": "zhanjiang",
    }
    response = client.post("/bureau/tables/", {"file": upload("评分表.xlsx", bureau_table_xlsx()), **meta})
    assert response.status_code == 302 and response["Location"] == "/bureau/tables/city-xlsx-2024/"
    stored = StoredTable.objects.get(table_id="city-xlsx-2024")
    framework = TABLES.load("city-xlsx-2024").framework
    assert framework is not None and framework.name == "某市评分表" and framework.total == 100
    assert [n.name for n in framework.indicators] == ["部门决策", "部门管理", "部门绩效"]
    assert "city-xlsx-2024" in stored.yaml_text
    page = client.get(response["Location"]).content.decode()
    assert "需人工评定" in page and "社会效益" in page  # unread wording named

    task = create_task(client, [tree["D01-1"]], framework_id="city-xlsx-2024")
    assert task.framework_id == "city-xlsx-2024" and task.framework_sha256 == framework.sha256

    bad_rows = [r if r[2] != "绩效目标合理性" else (*r[:3], 5, *r[4:]) for r in ROWS]  # 部门决策 says 30, has 25
    bad = client.post(
        "/bureau/tables/",
        {"file": upload("坏表.xlsx", bureau_table_xlsx(bad_rows)), **meta, "table_id": "city-xlsx-bad"},
    )
    assert "未保存" in bad.content.decode() and not StoredTable.objects.filter(table_id="city-xlsx-bad").exists()
    missing = client.post("/bureau/tables/", {"file": upload("t.xlsx", bureau_table_xlsx())}).content.decode()
    assert "须填写评分表编号" in missing
    not_a_table = client.post(
        "/bureau/tables/", {"file": upload("空.xlsx", xlsx([["无关"]])), **meta, "table_id": "city-none"}
    ).content.decode()
    assert "没有找到评分表" in not_a_table


def post_xlsx(client: Client, table_id: str, rows: list[tuple[Any, ...]] = ROWS, **extra: Any) -> Any:
    meta = {"table_id": table_id, "name": "某市评分表", "issuer": "某市财政局", "outline": "zhanjiang", **extra}
    return client.post("/bureau/tables/", {"file": upload("评分表.xlsx", bureau_table_xlsx(rows)), **meta})


def test_xlsx_table_is_imported_unless_the_bureau_marks_it_as_its_official_table(tree: Any) -> None:
    client = client_for("bureau")
    assert post_xlsx(client, "city-imported").status_code == 302
    imported = TABLES.load("city-imported").framework
    assert imported is not None and imported.provenance == "imported"
    page = client.get("/bureau/tables/city-imported/").content.decode()
    assert "由 Excel 导入" in page and "正式发布" not in page
    listing = client.get("/bureau/tables/").content.decode()
    assert "本局正式印发的评分表" in listing and 'name="official"' in listing

    assert post_xlsx(client, "city-official", official="on").status_code == 302
    official = TABLES.load("city-official").framework
    assert official is not None and official.provenance == "official"
    assert "正式发布" in client.get("/bureau/tables/city-official/").content.decode()
    assert official.sha256 != imported.sha256  # the provenance is part of the table


def test_yaml_upload_keeps_its_own_provenance_whatever_the_checkbox(tree: Any) -> None:
    client = client_for("bureau")
    text = builtin_yaml("city-2031")  # an example table: provenance example
    response = client.post(
        "/bureau/tables/", {"file": upload("t.yaml", text.encode(), "application/x-yaml"), "official": "on"}
    )
    assert response.status_code == 302
    framework = TABLES.load("city-2031").framework
    own = re.search(r"^provenance: (\w+)$", text, re.M)
    assert own is not None and own[1] != "official" and framework is not None and framework.provenance == own[1]
    assert StoredTable.objects.get(table_id="city-2031").import_report == {}
    page = client.get("/bureau/tables/city-2031/").content.decode()
    assert "末级指标" not in page and "导入提示" not in page


def test_xlsx_upload_shows_the_counts_and_every_warning_with_sheet_row_and_wording(tree: Any) -> None:
    client = client_for("bureau")
    response = post_xlsx(client, "city-warned")
    page = client.get(response["Location"]).content.decode()
    # ROWS: 4 leaves; 社会效益's "酌情评分。" cannot be read (row 6 of sheet 评分表, after a title and a header)
    report = StoredTable.objects.get(table_id="city-warned").import_report
    assert report["leaves"] == 4 and report["read"] + report["unread"] == 4 and report["unread"] >= 1
    summary = f"末级指标 4 项：{report['read']} 项已读为计算规则，{report['unread']} 项需人工评定"
    assert summary in page  # shown once as the message after the upload, once in the report
    assert "工作表“评分表”第6行" in page and "社会效益" in page and "酌情评分。" in page
    for warning in report["warnings"]:
        assert warning["where"] in page and warning["criteria"] in page
    again = client.get("/bureau/tables/city-warned/").content.decode()  # the table's page keeps them
    assert summary in again and "工作表“评分表”第6行" in again
    assert "需人工评定" in client.get("/bureau/tables/").content.decode()
    assert client.get("/bureau/tables/no-such-table/").status_code == 404
    assert client.get("/bureau/tables/zhanjiang-city/").status_code == 200  # a built-in table has a page too


# --------------------------------------------------------------------------- tasks


def test_task_creation_makes_one_submission_per_unit_with_attachments(tree: Any) -> None:
    client = client_for("bureau")
    unit_list = xlsx([["单位编码", "单位名称"], ["D02-1", "某市人民医院"], ["D01-1", "某市第一中学"]])
    data = task_post(
        [tree["D01"], tree["D01-1"]],
        unit_list=upload("名单.xlsx", unit_list),
        attachments=[upload("通知.pdf", PDF, "application/pdf"), upload("模板.xlsx", xlsx([["数据表"]]))],
    )
    response = client.post("/bureau/tasks/new", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    task = Task.objects.get(name="2024年度部门整体支出绩效自评")
    subs = Submission.objects.filter(task=task)
    assert sorted(s.unit.code for s in subs) == ["D01", "D01-1", "D02-1"]
    assert {s.status for s in subs} == {"not_started"}
    local = timezone.localtime(task.deadline)
    assert (local.hour, local.minute, local.second, str(local.tzinfo)) == (23, 59, 59, "Asia/Shanghai")
    assert task.framework_sha256 == TABLES.load("zhanjiang-city").framework.sha256 and task.head_step
    assert sorted(a.kind for a in task.attachments.all()) == ["pdf", "xlsx"]

    page = client.get(f"/bureau/tasks/{task.pk}/").content.decode()
    assert "某市人民医院" in page and "通知.pdf" in page and f"/bureau/tasks/{task.pk}/info" in page
    pdf = Attachment.objects.get(task=task, kind="pdf")
    # the task's units' users open the info page and download; others get 404
    unit_user = client_for("D01-1-filler")
    assert "通知.pdf" in unit_user.get(f"/bureau/tasks/{task.pk}/info").content.decode()
    download = unit_user.get(f"/bureau/attachments/{pdf.pk}")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert "filename" in download["Content-Disposition"]
    assert client_for("lechang-filler").get(f"/bureau/tasks/{task.pk}/info").status_code == 404
    assert client_for("lechang-filler").get(f"/bureau/attachments/{pdf.pk}").status_code == 404
    assert Client().get(f"/bureau/attachments/{pdf.pk}").status_code == 302


def test_task_form_refuses_bad_attachments_and_unknown_units(tree: Any) -> None:
    client = client_for("bureau")
    fake = client.post("/bureau/tasks/new", task_post([tree["D01"]], attachments=[upload("通知.pdf", b"MZ\x90\x00")]))
    assert "类型不受支持" in fake.content.decode()
    mismatch = client.post(
        "/bureau/tasks/new", task_post([tree["D01"]], attachments=[upload("通知.docx", PDF, "application/pdf")])
    )
    assert "与扩展名" in mismatch.content.decode()
    unknown = client.post(
        "/bureau/tasks/new",
        task_post([], unit_list=upload("名单.xlsx", xlsx([["单位编码"], ["D01-1"], ["NOPE"]]))),
    )
    assert "第3行" in unknown.content.decode() and "NOPE" in unknown.content.decode()
    past = client.post("/bureau/tasks/new", task_post([tree["D01"]], deadline="2020-01-01"))
    assert "不能早于今天" in past.content.decode()
    none = client.post("/bureau/tasks/new", task_post([]))
    assert "请至少选择一个填报单位" in none.content.decode()
    assert not Task.objects.filter(name="2024年度部门整体支出绩效自评").exists()
    assert not Attachment.objects.exists()


def test_attachment_over_20_mb_is_refused() -> None:
    from jixiao.web.bureau import ops
    from jixiao.web.errors import Invalid

    big = PDF + b"0" * (20 * 1024 * 1024)
    with pytest.raises(Invalid, match="20 MB"):
        ops.attachment_kind("大.pdf", big)
    with pytest.raises(Invalid, match="Excel"):
        ops.attachment_kind("a.zip", xlsx([["x"]]))  # an .xlsx is a zip, but read as a workbook
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("说明.txt", "x")
    assert ops.attachment_kind("材料.zip", packed.getvalue()) == "zip"
    assert ops.attachment_kind("通知.PDF", PDF) == "pdf"


def test_task_edit_adds_units_and_keeps_started_ones(tree: Any) -> None:
    client = client_for("admin")
    task = create_task(client, [tree["D01-1"], tree["D02-1"]])
    form = client.get(f"/bureau/tasks/{task.pk}/edit").content.decode()
    assert "某市第一中学" in form and "checked" in form
    response = client.post(f"/bureau/tasks/{task.pk}/edit", task_post([tree["D01-1"], tree["D01-2"]]))
    assert response.status_code == 302
    assert sorted(task.submissions.values_list("unit__code", flat=True)) == ["D01-1", "D01-2"]
    sub = task.submissions.get(unit__code="D01-1")
    filing.save(get_user_model().objects.get(username="D01-1-filler"), sub, {"year": 2024}, sub.lock_version)
    refused = client.post(f"/bureau/tasks/{task.pk}/edit", task_post([tree["D01-2"]]))
    assert "已开始填报，不能移出任务" in refused.content.decode()
    table = client.post(f"/bureau/tasks/{task.pk}/edit", task_post([tree["D01-1"]], framework_id="lechang-2023"))
    assert "不能更换评分表" in table.content.decode()
    # a reviewer who does not see every unit of a task cannot change it
    mixed = create_task(client, [tree["D01-1"], tree["D02-1"]])
    assert (
        "只能由管理员修改"
        in client_for("edu-reviewer")
        .post(f"/bureau/tasks/{mixed.pk}/edit", task_post([tree["D01-1"]]))
        .content.decode()
    )


def test_exempt_with_reason_through_the_workflow(tree: Any) -> None:
    client = client_for("bureau")
    task = create_task(client, [tree["D01-1"], tree["D01-2"]])
    sub = task.submissions.get(unit__code="D01-1")
    client.post(f"/bureau/tasks/{task.pk}/s/{sub.pk}/exempt", {"reason": ""})
    sub.refresh_from_db()
    assert sub.status == "not_started"
    assert "请填写原因" in client.get(f"/bureau/tasks/{task.pk}/").content.decode()
    client.post(f"/bureau/tasks/{task.pk}/s/{sub.pk}/exempt", {"reason": "本年度已撤并"})
    sub.refresh_from_db()
    assert sub.status == "exempted"
    transition = Transition.objects.get(submission=sub, action="exempt")
    assert transition.comment == "本年度已撤并" and transition.actor.username == "bureau"
    assert Notice.objects.filter(unit=tree["D01-1"], text__contains="免报").exists()
    assert "本年度已撤并" in client.get(f"/bureau/tasks/{task.pk}/").content.decode()
    other = task.submissions.get(unit__code="D01-2")
    wrong_task = create_task(client, [tree["D02-2"]])
    assert client.post(f"/bureau/tasks/{wrong_task.pk}/s/{other.pk}/exempt", {"reason": "x"}).status_code == 404


def test_extension_lets_a_unit_past_the_deadline_save_while_another_cannot(demo: Any) -> None:
    lechang, lianjiang = (
        Submission.objects.get(pk=submission_id("lechang")),
        Submission.objects.get(pk=submission_id("lianjiang")),
    )
    Task.objects.filter(pk__in=[lechang.task_id, lianjiang.task_id]).update(deadline=timezone.now() - timedelta(days=2))
    client = client_for("bureau")
    until = timezone.localdate() + timedelta(days=7)
    response = client.post(
        f"/bureau/tasks/{lechang.task_id}/s/{lechang.pk}/extend", {"until": until.isoformat(), "reason": "系统故障补报"}
    )
    assert response.status_code == 302
    lechang.refresh_from_db()
    assert timezone.localtime(lechang.extended_until).date() == until
    ext = Extension.objects.get(submission=lechang)
    assert ext.reason == "系统故障补报" and ext.granted_by.username == "bureau" and ext.previous < timezone.now()
    assert Notice.objects.filter(submission=lechang, text__contains="延期").exists()

    user = get_user_model().objects.get(username="lechang-filler")
    saved = filing.save(user, lechang, example_json("lechang-2023"), lechang.lock_version)
    assert saved.submission.status == "draft"
    other = get_user_model().objects.get(username="lianjiang-filler")
    lianjiang.refresh_from_db()
    with pytest.raises(Conflict, match="截止"):
        filing.save(other, lianjiang, example_json("lianjiang-2024"), lianjiang.lock_version)
    page = client_for("lianjiang-filler").post(
        f"/s/{lianjiang.pk}/save", {"_version": lianjiang.lock_version, "data.expenditure_budget": "1"}
    )
    assert "截止" in page.content.decode()

    past = client.post(
        f"/bureau/tasks/{lianjiang.task_id}/s/{lianjiang.pk}/extend",
        {"until": (timezone.localdate() - timedelta(days=1)).isoformat(), "reason": "x"},
    )
    assert past.status_code == 302 and not Extension.objects.filter(submission=lianjiang).exists()


# --------------------------------------------------------------------------- progress


@pytest.fixture
def progress_task(tree: Any) -> Task:
    """A task over the two 主管部门: statuses set as a year's filing leaves them."""
    task = create_task(client_for("admin"), [tree[c] for c in ("D01", "D01-1", "D01-2", "D02", "D02-1", "D02-2")])
    states = {
        "D01": "submitted",
        "D01-1": "draft",
        "D01-2": "not_started",
        "D02": "accepted",
        "D02-1": "returned",
        "D02-2": "pending_head",
    }
    for code, status in states.items():
        if status != "accepted":
            Submission.objects.filter(task=task, unit__code=code).update(status=status)
    sub = task.submissions.get(unit__code="D02")
    version = SubmissionVersion.objects.create(
        submission=sub,
        number=1,
        lock_version=1,
        evaluation={},
        evaluation_sha256="x",
        score={},
        framework_id="t",
        framework_sha256="t",
    )
    Submission.objects.filter(pk=sub.pk).update(status="accepted", accepted_version=version)
    return task


def test_progress_counts_by_department_and_status(progress_task: Task) -> None:
    from jixiao.web.bureau import progress

    admin = get_user_model().objects.get(username="admin")
    table = progress.counts(admin, progress.Selection(progress_task, None))
    by_name = {
        r["department"].name: dict(zip([s.value for s in table.states], r["counts"], strict=True)) for r in table.rows
    }
    assert by_name["某市教育局"]["submitted"] == 1 and by_name["某市教育局"]["draft"] == 1
    assert by_name["某市教育局"]["not_started"] == 1 and sum(by_name["某市教育局"].values()) == 3
    assert by_name["某市卫生健康局"]["accepted"] == 1 and by_name["某市卫生健康局"]["returned"] == 1
    assert by_name["某市卫生健康局"]["pending_head"] == 1 and table.total == 6
    page = client_for("admin").get(f"/bureau/progress/?task={progress_task.pk}").content.decode()
    assert "某市教育局" in page and "某市卫生健康局" in page and "未填报单位" in page
    not_filed = {s.unit.code for s in progress.not_filed(admin, progress.Selection(progress_task, None))}
    assert not_filed == {"D01-1", "D01-2", "D02-1"}
    assert not progress.overdue(admin, progress.Selection(progress_task, None)).exists()
    Task.objects.filter(pk=progress_task.pk).update(deadline=timezone.now() - timedelta(hours=1))
    Submission.objects.filter(task=progress_task, unit__code="D01-1").update(
        extended_until=timezone.now() + timedelta(days=3)
    )
    overdue = {s.unit.code for s in progress.overdue(admin, progress.Selection(progress_task, None))}
    assert overdue == {"D01-2", "D02-1", "D02-2"}  # D01-1 has an extension; submitted/accepted are not late
    by_year = progress.counts(admin, progress.Selection(None, 2024))
    assert by_year.total == 7  # and the demo's 2024 task of 廉江 (the other demo tasks are of other years)
    assert progress.counts(admin, progress.Selection(None, 2023)).total == 1


def test_remind_puts_notices_on_the_units_todo(progress_task: Task) -> None:
    client = client_for("admin")
    response = client.post(f"/bureau/progress/remind?task={progress_task.pk}", {"which": "not_filed"})
    assert response.status_code == 302
    notices = Notice.objects.filter(text__contains="财政局催报")
    assert sorted(n.unit.code for n in notices) == ["D01-1", "D01-2", "D02-1"]
    todo = client_for("D01-1-filler").get("/").content.decode()
    assert "财政局催报" in todo
    client.post(f"/bureau/progress/remind?task={progress_task.pk}", {"which": "not_filed"})
    assert Notice.objects.filter(text__contains="财政局催报").count() == 3  # not twice the same day
    Task.objects.filter(pk=progress_task.pk).update(deadline=timezone.now() - timedelta(hours=1))
    Notice.objects.update(read_at=timezone.now())
    client.post(f"/bureau/progress/remind?task={progress_task.pk}", {"which": "overdue"})
    late = Notice.objects.filter(read_at__isnull=True)
    assert sorted(n.unit.code for n in late) == ["D01-1", "D01-2", "D02-1", "D02-2"]
    assert all("已超过填报截止时间" in n.text for n in late)


def test_progress_export_opens_with_the_numbers(progress_task: Task) -> None:
    response = client_for("admin").get(f"/bureau/progress/export.xlsx?task={progress_task.pk}")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["填报进度"]
    rows = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    header = next(r for r in rows if r[0] == "主管部门编码")
    edu = dict(zip(header, next(r for r in rows if r[0] == "D01"), strict=True))
    assert (edu["已报送，待审核"], edu["填报中"], edu["未填报"], edu["合计"]) == (1, 1, 1, 3)
    total = dict(zip(header, next(r for r in rows if r[1] == "合计"), strict=True))
    assert total["合计"] == 6 and total["审核通过"] == 1
    assert {r[0] for r in book["未填报单位"].iter_rows(min_row=2, values_only=True)} == {"D01-1", "D01-2", "D02-1"}


# --------------------------------------------------------------------------- units and users


UNIT_HEADER = ["单位编码", "单位名称", "主管部门编码", "主管部门名称", "级次"]


def test_unit_import_builds_the_tree(tree: Any) -> None:
    client = client_for("admin")
    rows = [
        UNIT_HEADER,
        ["D03", "某市交通运输局", "", "", "市级"],
        ["D03-1", "某市公路事务中心", "D03", "某市交通运输局", "市级"],
        ["D04-1", "某市文化馆", "D04", "某市文化广电旅游局", "县级"],
        ["D01-1", "某市第一中学（更名）", "D01", "某市教育局", "市级"],
    ]
    response = client.post("/bureau/units/import", {"file": upload("单位.xlsx", xlsx(rows))})
    assert response.status_code == 302
    assert Unit.objects.get(code="D03-1").department.code == "D03"
    assert Unit.objects.get(code="D04").name == "某市文化广电旅游局"
    assert Unit.objects.get(code="D04-1").department.code == "D04"
    assert Unit.objects.get(code="D01-1").name == "某市第一中学（更名）"
    page = client.get("/bureau/units/").content.decode()
    assert "新增 4 个，更新 1 个" in page and "某市公路事务中心" in page


def test_unit_import_with_an_error_row_imports_nothing(tree: Any) -> None:
    before = Unit.objects.count()
    rows = [
        UNIT_HEADER,
        ["D05", "某市水务局", "", "", "市级"],
        ["D05-1", "某市供水公司", "D99", "", "市级"],  # unknown 主管部门 without a name
        ["D05 2", "", "D05", "", "国家级"],
    ]
    page = client_for("admin").post("/bureau/units/import", {"file": upload("单位.xlsx", xlsx(rows))}).content.decode()
    assert "未导入任何单位" in page and "第3行" in page and "D99" in page and "第4行" in page and "级次" in page
    assert Unit.objects.count() == before


USER_HEADER = ["用户名", "姓名", "角色", "单位编码", "初始密码"]


def test_user_import_good(tree: Any) -> None:
    rows = [
        USER_HEADER,
        ["d011-head", "张三", "单位负责人", "D01-1", "Lv7-qiu-Shan-2024"],
        ["d012-filler", "李四", "填报人", "D01-2", "Kq9-hai-Bian-2024"],
        ["health-rev", "王五", "审核人员", "D02", "Wx3-yun-Duan-2024"],
        ["ops-admin", "赵六", "管理员", "", "Zt5-shu-Lin-2024"],
    ]
    response = client_for("admin").post("/bureau/users/import", {"file": upload("用户.xlsx", xlsx(rows))})
    assert response.status_code == 302
    head = get_user_model().objects.get(username="d011-head")
    assert head.first_name == "张三" and head.check_password("Lv7-qiu-Shan-2024")
    assert (head.profile.role, head.profile.unit.code) == ("head", "D01-1")
    reviewer = get_user_model().objects.get(username="health-rev")
    assert [u.code for u in reviewer.profile.scope.all()] == ["D02"]
    assert get_user_model().objects.get(username="ops-admin").profile.role == "admin"
    # the imported reviewer sees only 卫健局's units
    page = client_for("health-rev").get("/bureau/units/").content.decode()
    assert "某市人民医院" in page and "某市第一中学" not in page


def test_user_import_with_error_rows_imports_nobody(tree: Any) -> None:
    before = get_user_model().objects.count()
    rows = [
        USER_HEADER,
        ["ok-user", "张三", "填报人", "D01-1", "Lv7-qiu-Shan-2024"],
        ["weak-user", "李四", "填报人", "D01-2", "12345678"],
        ["lost-user", "王五", "单位负责人", "NOPE", "Kq9-hai-Bian-2024"],
        ["bureau", "重名", "局长", "", "Kq9-hai-Bian-2024"],
    ]
    page = client_for("admin").post("/bureau/users/import", {"file": upload("用户.xlsx", xlsx(rows))}).content.decode()
    assert "未导入任何用户" in page
    assert "第3行" in page and "密码太短，至少需要10个字符" in page and "这个密码太常见了" in page
    assert "第4行" in page and "NOPE" in page
    assert "第5行" in page and "已存在" in page and "局长" in page
    assert get_user_model().objects.count() == before
    assert client_for("bureau").post("/bureau/users/import", {"file": upload("u.xlsx", xlsx(rows))}).status_code == 403
    assert client_for("bureau").post("/bureau/units/import", {"file": upload("u.xlsx", xlsx(rows))}).status_code == 403


def test_reviewer_scope_limits_what_is_seen_everywhere(tree: Any, progress_task: Task) -> None:
    reviewer = client_for("edu-reviewer")
    units = reviewer.get("/bureau/units/").content.decode()
    assert "某市第一中学" in units and "某市人民医院" not in units and "乐昌" not in units
    progress_page = reviewer.get(f"/bureau/progress/?task={progress_task.pk}").content.decode()
    assert (
        "某市教育局" in progress_page and "某市卫生健康局" not in progress_page and "某市人民医院" not in progress_page
    )
    export = load_workbook(io.BytesIO(reviewer.get(f"/bureau/progress/export.xlsx?task={progress_task.pk}").content))
    codes = {r[0] for r in export["填报进度"].iter_rows(values_only=True)}
    assert "D01" in codes and "D02" not in codes
    task_page = reviewer.get(f"/bureau/tasks/{progress_task.pk}/").content.decode()
    assert "某市第一中学" in task_page and "某市人民医院" not in task_page
    form = reviewer.get("/bureau/tasks/new").content.decode()
    assert "某市第二中学" in form and "某市疾控中心" not in form
    hospital = progress_task.submissions.get(unit__code="D02-1")
    assert reviewer.post(f"/bureau/tasks/{progress_task.pk}/s/{hospital.pk}/exempt", {"reason": "x"}).status_code == 404
    reviewer.post(f"/bureau/progress/remind?task={progress_task.pk}", {"which": "not_filed"})
    assert sorted(Notice.objects.filter(text__contains="催报").values_list("unit__code", flat=True)) == [
        "D01-1",
        "D01-2",
    ]
    demo_task = Submission.objects.get(pk=submission_id("lechang")).task_id
    assert reviewer.get(f"/bureau/tasks/{demo_task}/").status_code == 404
    assert "乐昌" not in reviewer.get("/bureau/tasks/").content.decode()
    refused = reviewer.post("/bureau/tasks/new", task_post([tree["D02-1"]]))
    assert "选择一个有效的选项" in refused.content.decode() or refused.status_code == 200
    assert not Task.objects.filter(submissions__unit__code="D02-1").exclude(pk=progress_task.pk).exists()


def test_admin_assigns_scopes(tree: Any) -> None:
    profile = Profile.objects.get(user__username="edu-reviewer")
    client = client_for("admin")
    page = client.get("/bureau/scopes/").content.decode()
    assert "edu-reviewer" in page and "某市卫生健康局" in page
    client.post("/bureau/scopes/", {"profile": profile.pk, "departments": [tree["D02"].pk]})
    assert [u.code for u in profile.scope.all()] == ["D02"]
    assert "某市人民医院" in client_for("edu-reviewer").get("/bureau/units/").content.decode()
    client.post("/bureau/scopes/", {"profile": profile.pk, "departments": [tree["D02-1"].pk]})
    assert [u.code for u in profile.scope.all()] == ["D02"]  # a unit that is no 主管部门 is refused
    assert client_for("bureau").post("/bureau/scopes/", {"profile": profile.pk}).status_code == 403


def test_progress_page_is_fresh_after_every_change(tree: Any) -> None:
    """The rendered table is reused for a minute, but any transition shows at once."""
    import re

    def not_filed(page: str) -> int:
        return int(re.search(r"未填报单位 <span class=\"badge text-bg-secondary\">(\d+)<", page)[1])

    client = client_for("bureau")
    sid = submission_id("lechang")
    url = f"/bureau/progress/?task={Submission.objects.get(pk=sid).task_id}"
    assert not_filed(client.get(url).content.decode()) == 1
    assert not_filed(client.get(url).content.decode()) == 1  # served again from the cache
    filing.act(get_user_model().objects.get(username="bureau"), Submission.objects.get(pk=sid),
               filing.Request("exempt", "单位撤销"))
    assert not_filed(client.get(url).content.decode()) == 0
