"""Dashboard and exports: chart figures on a small accepted set, scope, JSON, the zip and the 汇总表,
a failed export's Chinese error and its retry."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from openpyxl import load_workbook

from jixiao.web.accounts.models import Profile, Unit
from jixiao.web.dashboard.models import Export, VersionDigest
from jixiao.web.demo import DEMO_PASSWORD
from jixiao.web.filing import ops
from jixiao.web.filing.models import GeneratedFile, Submission, Task

from .conftest import example_json

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(user(username))
    return client


def add_unit(code: str, name: str, department: str | None, task: Task) -> Submission:
    """A unit (under ``department``) on ``task``, with its filler and head."""
    unit = Unit.objects.create(code=code, name=name, level="县级", department=Unit.objects.get(code=department))
    task.units.add(unit)
    for role in ("filler", "head"):
        account = get_user_model().objects.create_user(f"{code}-{role}", password=DEMO_PASSWORD)
        Profile.objects.create(user=account, role=role, unit=unit)
    return Submission.objects.create(task=task, unit=unit)


def lechang(expenditure_final: float | None = None, factor: float = 1.0, year: int = 2023) -> dict[str, Any]:
    """The lechang example, optionally with a lower 支出决算数 or judgement scores scaled down (no bonus)."""
    doc = example_json("lechang-2023")
    doc["year"] = year
    if expenditure_final is not None:
        doc["data"]["expenditure_final"] = expenditure_final
    if factor != 1.0:
        doc["bonus"] = []
        for entry in doc["inputs"].values():
            if "score" in entry:
                entry["score"] = int(entry["score"] * factor)
    return doc


def accept(sub: Submission, doc: dict[str, Any], publish: bool = False) -> Submission:
    """Drive a submission through the workflow to accepted (and published) with filing.ops."""
    code = sub.unit.code
    filler, head, bureau = user(f"{code}-filler"), user(f"{code}-head"), user("bureau")
    sub = ops.save(filler, sub, doc, sub.lock_version).submission
    for actor, action in ((filler, "submit"), (head, "approve"), (bureau, "start_review"), (bureau, "accept")):
        sub = ops.act(actor, sub, ops.Request(action))
    if publish:
        sub = ops.act(bureau, sub, ops.Request("publish"))
    return sub


@pytest.fixture
def year(demo: Any) -> dict[str, Submission]:
    """2023 (table lechang-2023): 乐昌 (published, 100) and three units under it — A1 (优 with a 76.67 %
    执行率), A2 (89, 良), A3 (not started) — and B1 under 湛江 (100); 2022: 乐昌 (100)."""
    task = Submission.objects.get(unit__code="lechang").task
    subs = {
        "lechang": Submission.objects.get(unit__code="lechang"),
        "a1": add_unit("a1", "乐昌市甲单位", "lechang", task),
        "a2": add_unit("a2", "乐昌市乙单位", "lechang", task),
        "a3": add_unit("a3", "乐昌市丙单位", "lechang", task),
        "b1": add_unit("b1", "湛江市丁单位", "zhanjiang", task),
    }
    subs["lechang"] = accept(subs["lechang"], lechang(), publish=True)
    subs["a1"] = accept(subs["a1"], lechang(expenditure_final=700))
    subs["a2"] = accept(subs["a2"], lechang(factor=0.8))
    subs["b1"] = accept(subs["b1"], lechang())
    earlier = Task.objects.create(
        name="2022年度部门整体支出绩效自评（乐昌市人民政府办公室）",
        year=2022,
        framework_id=task.framework_id,
        framework_version=task.framework_version,
        framework_sha256=task.framework_sha256,
        deadline=task.deadline,
    )
    earlier.units.add(subs["lechang"].unit)
    subs["lechang-2022"] = accept(
        Submission.objects.create(task=earlier, unit=subs["lechang"].unit), lechang(year=2022)
    )
    return subs


def scoped_reviewer(department: str) -> Any:
    reviewer = get_user_model().objects.create_user("reviewer-lc", password=DEMO_PASSWORD)
    profile = Profile.objects.create(user=reviewer, role="reviewer")
    profile.scope.add(Unit.objects.get(code=department))
    return reviewer


def charts_json(client: Client, **params: Any) -> dict[str, Any]:
    response = client.get("/dashboard/", {"format": "json", **params})
    assert response.status_code == 200, response.content[:500]
    return response.json()


def table(chart: dict[str, Any], index: int = 0) -> list[list[Any]]:
    return chart["tables"][index]["rows"]


def test_the_charts_on_a_small_accepted_set(year) -> None:
    body = charts_json(client_for("bureau"), year=2023)
    assert body["year"] == 2023 and body["units"] == 5 and body["official"] == 4
    charts = body["charts"]

    status = {row[0]: row for row in table(charts["status"])}
    columns = charts["status"]["tables"][0]["columns"]
    lc = dict(zip(columns, status["乐昌市人民政府办公室"], strict=True))
    assert lc["审核通过"] == 2 and lc["已公开"] == 1 and lc["未填报"] == 1 and lc["合计"] == 4
    assert dict(zip(columns, status["中共湛江市委办公室"], strict=True))["审核通过"] == 1
    assert status["合计"][-2:] == [5, 4]

    versions = {code: year[code].accepted_version for code in ("lechang", "a1", "a2", "b1")}
    totals = {code: Decimal(str(v.score["total"])) for code, v in versions.items()}
    assert totals["a1"] == 100 and totals["a2"] == Decimal("89")
    histogram = {row[0]: row[1] for row in table(charts["histogram"])}
    assert histogram["95–100"] == 3 and histogram["85–90"] == 1 and sum(histogram.values()) == 4
    assert charts["histogram"]["mean"] == pytest.approx(float(sum(totals.values()) / 4))
    assert {row[0]: row[1] for row in table(charts["grades"])} == {"优": 3, "良": 1}

    # points lost per leaf, summed over the four accepted versions, straight from their score JSON
    expected: dict[str, Decimal] = {}
    for version in versions.values():
        rows = version.score["indicators"]
        ids = {r["id"] for r in rows}
        for r in rows:
            if any(i.startswith(r["id"] + ".") for i in ids):
                continue
            lost = Decimal(str(r["effective_weight"])) - Decimal(str(r["score"]))
            if lost > 0:
                expected[r["id"]] = expected.get(r["id"], Decimal(0)) + lost
    losses = {row[1]: row for row in table(charts["indicators"])}
    assert set(losses) == set(expected)
    for indicator, lost in expected.items():
        assert Decimal(str(losses[indicator][5])) == lost
        assert Decimal(str(losses[indicator][6])) == (lost / 4).quantize(Decimal("0.01"))
    assert losses["execution.funds.procurement_rate"][4] == 4  # every unit lost its 2 points there
    assert losses["execution.funds.spending_rate"][4] == 1  # only A1, whose 执行率 is 76.67 %
    ranked = [Decimal(str(r[5])) for r in table(charts["indicators"])]
    assert ranked == sorted(ranked, reverse=True)

    execution = charts["execution"]
    points = {row[0]: row for row in execution["points"]["rows"]}
    assert points["a1"][5] == pytest.approx(76.67) and points["a1"][4] == "优"
    assert "低于 80" in points["a1"][7]
    assert points["lechang"][5] == pytest.approx(100.0) and points["lechang"][7] == ""
    assert execution["flagged"] == 1 and [r[0] for r in table(execution, 1)] == ["a1"]
    bands = {row[0]: row for row in table(execution, 0)}
    assert bands["70%–80%"][1:] == [1, pytest.approx(100.0), 1, 1]
    assert bands["≥ 100%"][1] == 3 and bands["80%–90%"][1] == 0

    trend = {row[0]: row for row in table(charts["trend"])}
    assert trend["2022年"][1:3] == [1, pytest.approx(100.0)]
    assert trend["2023年"][1] == 4
    assert trend["2023年"][2] == pytest.approx(float((sum(totals.values()) / 4).quantize(Decimal("0.01"))))
    assert VersionDigest.objects.count() == 5  # one per accepted version, made once


def test_unit_year_over_year_and_the_page(year) -> None:
    client = client_for("bureau")
    unit = charts_json(client, year=2023, unit="lechang", chart="unit")
    assert [row[0] for row in table(unit)] == ["2022年", "2023年"]
    assert [row[2] for row in table(unit)] == ["审核通过", "已公开"]
    page = client.get("/dashboard/", {"year": 2023, "unit": "乐昌市"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "找到多个单位" in html and "乐昌市甲单位" in html  # a part of a name lists the matches
    html = client.get("/dashboard/", {"year": 2023, "unit": "a1"}).content.decode()
    assert "乐昌市甲单位历年得分" in html
    for name in ("status", "histogram", "grades", "indicators", "execution", "trend", "unit"):
        assert f'id="opts-{name}"' in html and f'data-chart="opts-{name}"' in html
    assert "echarts-6.1.0/echarts.min.js" in html and "dashboard/charts.js" in html
    assert "<script>" not in html and 'style="' not in html  # CSP: no inline script or style
    assert "疑似虚高" in html and "76.67" in html
    options = json.loads(html.split('id="opts-execution" type="application/json">')[1].split("</script>")[0])
    assert options["animation"] is False and options["tooltip"]["renderMode"] == "richText"


def test_scope_a_reviewer_sees_only_the_units_of_their_department(year) -> None:
    client = client_for(scoped_reviewer("lechang").username)
    body = charts_json(client, year=2023)
    assert body["units"] == 4 and body["official"] == 3
    assert [row[0] for row in table(body["charts"]["status"])] == ["乐昌市人民政府办公室", "合计"]
    codes = {row[0] for row in body["charts"]["execution"]["points"]["rows"]}
    assert codes == {"lechang", "a1", "a2"}
    html = client.get("/dashboard/", {"year": 2023}).content.decode()
    assert "湛江市丁单位" not in html and "中共湛江市委办公室" not in html
    missing = client.get("/dashboard/", {"year": 2023, "unit": "b1"}).content.decode()
    assert "没有名称或编码含“b1”的单位" in missing
    assert client.get("/dashboard/", {"year": 2020}).status_code == 404  # 湛江's 2020 task is out of scope
    zhanjiang_task = Submission.objects.get(unit__code="zhanjiang").task
    assert client.get("/dashboard/", {"task": zhanjiang_task.pk}).status_code == 404


def test_who_may_open_the_dashboard(year) -> None:
    assert Client().get("/dashboard/").status_code == 302
    assert Client().get("/dashboard/exports/").status_code == 302
    for name in ("lechang-filler", "lechang-head"):
        assert client_for(name).get("/dashboard/").status_code == 403
        assert client_for(name).get("/dashboard/exports/").status_code == 403
    assert client_for("admin").get("/dashboard/").status_code == 200
    assert client_for("bureau").get("/dashboard/", {"format": "json", "chart": "nope"}).status_code == 404


def build(client: Client, kind: str, **params: Any) -> Export:
    response = client.post("/dashboard/exports/", {"kind": kind, **params})
    assert response.status_code == 302
    return Export.objects.filter(kind=kind).latest("id")


def download(client: Client, export: Export) -> bytes:
    response = client.get(f"/dashboard/exports/{export.pk}/file")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert hashlib.sha256(data).hexdigest() == export.sha256 == response["X-Content-SHA256"]
    return data


def test_zip_of_accepted_reports(year) -> None:
    client = client_for("bureau")
    export = build(client, "reports", year=2023)
    assert export.status == "done" and export.done == export.total == 4
    with zipfile.ZipFile(io.BytesIO(download(client, export))) as archive:
        names = archive.namelist()
        reports = sorted(n for n in names if n.endswith(".docx"))
        assert len(reports) == 4 and not any(n.endswith(".pdf") for n in names)  # no PDF generated in tests
        assert "乐昌市人民政府办公室/a1-乐昌市甲单位2023年度部门整体支出绩效自评报告.docx" in reports
        assert "中共湛江市委办公室/b1-湛江市丁单位2023年度部门整体支出绩效自评报告.docx" in reports
        manifest = list(csv.reader(io.StringIO(archive.read("清单.csv").decode("utf-8-sig"))))
        assert manifest[0][-1] == "SHA-256" and len(manifest) == 5
        for row in manifest[1:]:
            assert hashlib.sha256(archive.read(row[6])).hexdigest() == row[7]
        a1 = year["a1"].accepted_version
        stored = GeneratedFile.objects.get(
            evaluation_sha256=a1.evaluation_sha256, framework_sha256=a1.framework_sha256, kind="report.docx"
        )
        assert archive.read(next(n for n in reports if "/a1-" in n)) == ops.file_bytes(stored)
    scoped = client_for(scoped_reviewer("lechang").username)
    mine = build(scoped, "reports", year=2023)
    with zipfile.ZipFile(io.BytesIO(download(scoped, mine))) as archive:
        assert sorted(n.split("/")[1][:3] for n in archive.namelist() if n.endswith(".docx")) == [
            "a1-",
            "a2-",
            "lec",
        ]
    assert scoped.get(f"/dashboard/exports/{export.pk}/file").status_code == 404  # not theirs
    assert scoped.get(f"/dashboard/exports/{export.pk}/row").status_code == 404


def test_summary_workbook_cells(year) -> None:
    client = client_for("bureau")
    export = build(client, "summary", year=2023)
    assert export.status == "done" and export.name.endswith("绩效自评汇总表.xlsx")
    book = load_workbook(io.BytesIO(download(client, export)))
    (sheet,) = book.worksheets
    framework = ops.framework_for("lechang-2023")
    nodes = [node for node, _ in framework.walk()]
    header = [c.value for c in sheet[2]]
    assert header[:5] == ["序号", "单位编码", "单位名称", "主管部门", "状态"]
    assert header[5 : 5 + len(nodes)] == [n.name for n in nodes]  # every indicator, in table order
    assert header[-4:] == ["加分", "减分", "总分", "等级"]
    assert [c.value for c in sheet[3]][5 : 5 + len(nodes)] == [n.id for n in nodes]
    assert [c.value for c in sheet[4]][5 : 5 + len(nodes)] == [float(n.weight) for n in nodes]
    rows = {r[1]: r for r in sheet.iter_rows(min_row=5, values_only=True)}
    assert set(rows) == {"lechang", "a1", "a2", "b1"}  # A3 has not filed: not in the 汇总表
    for code in ("a1", "a2"):
        score = year[code].accepted_version.score
        by_id = {r["id"]: r for r in score["indicators"]}
        row = rows[code]
        for i, node in enumerate(nodes):
            expected = by_id[node.id]
            cell = row[5 + i]
            assert cell == ("不适用" if expected["applicable"] is False else pytest.approx(expected["score"]))
        assert row[-2:] == (pytest.approx(score["total"]), score["grade"])
        assert row[-4] == pytest.approx(score["bonus"])
    assert rows["a1"][4] == "审核通过" and rows["lechang"][4] == "已公开" and rows["b1"][3] == "中共湛江市委办公室"
    assert rows["a2"][-1] == "良"


def test_a_failed_export_shows_its_chinese_error_and_can_be_retried(year, settings, tmp_path) -> None:
    client = client_for("bureau")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    good = settings.STORAGES
    settings.STORAGES = {**good, "default": {**good["default"], "OPTIONS": {"location": str(blocker)}}}
    export = build(client, "summary", year=2023)
    assert export.status == "failed" and "导出文件无法写入存储目录" in export.error
    page = client.get("/dashboard/exports/").content.decode()
    assert "导出文件无法写入存储目录" in page and f"/dashboard/exports/{export.pk}/retry" in page
    row = client.get(f"/dashboard/exports/{export.pk}/row").content.decode()
    assert "hx-trigger" not in row and "失败" in row  # a finished row stops polling
    assert client.get(f"/dashboard/exports/{export.pk}/file").status_code == 302  # nothing to download yet

    settings.STORAGES = good
    assert client.post(f"/dashboard/exports/{export.pk}/retry").status_code == 302
    export.refresh_from_db()
    assert export.status == "done" and export.error == "" and export.attempts == 2
    assert load_workbook(io.BytesIO(download(client, export))).worksheets[0]["B5"].value
    again = client.post(f"/dashboard/exports/{export.pk}/retry", follow=True).content.decode()
    assert "无需重试" in again


def test_progress_rows_poll_while_running(year) -> None:
    client = client_for("bureau")
    export = Export.objects.create(kind="summary", year=2023, created_by=user("bureau"), total=4, done=1)
    Export.objects.filter(pk=export.pk).update(status="running")
    row = client.get(f"/dashboard/exports/{export.pk}/row").content.decode()
    assert 'hx-trigger="every 2s"' in row and 'value="25"' in row and "1 / 4" in row
    from jixiao.web.dashboard import exports

    exports.build_export(export.pk)  # a second worker finds it taken: nothing is done twice
    export.refresh_from_db()
    assert export.status == "running" and export.attempts == 0
