"""The API of formats §6 through a whole year: fill, submit, approve, review, return, accept, publish, verify."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from .conftest import example_json, submission_id

pytestmark = pytest.mark.django_db(transaction=False)


def fill(api, code: str = "lechang", example: str = "lechang-2023") -> tuple[int, int]:
    sid = submission_id(code)
    filler = api(f"{code}-filler")
    current = filler.get(f"/api/submissions/{sid}").json()
    response = filler.put(f"/api/submissions/{sid}/evaluation", example_json(example), current["version"])
    assert response.status_code == 200, response.content
    return sid, response.json()["version"]


def test_me_and_list(api) -> None:
    me = api("lechang-filler").get("/api/me").json()
    assert me["username"] == "lechang-filler" and me["role"] == "filler" and me["unit"] == "lechang"
    assert api("bureau").get("/api/me").json()["role"] == "reviewer"
    assert api("admin").get("/api/me").json()["role"] == "admin"
    rows = api("lechang-filler").get("/api/submissions").json()
    assert [r["unit"] for r in rows] == ["lechang"]
    assert rows[0]["status"] == "not_started" and rows[0]["year"] == 2023 and rows[0]["version"] == 0
    assert {r["unit"] for r in api("bureau").get("/api/submissions").json()} == {"lechang", "lianjiang", "zhanjiang"}
    assert api("bureau").get("/api/submissions", status="draft").json() == []
    assert len(api("bureau").get("/api/submissions", task="", status="").json()) == 3
    assert api("bureau").get("/api/submissions", task="x").status_code == 422
    task = rows[0]["task"]
    assert [r["unit"] for r in api("bureau").get("/api/submissions", task=task).json()] == ["lechang"]


def test_save_scores_the_example_as_the_cli_does(api) -> None:
    sid = submission_id("lechang")
    filler = api("lechang-filler")
    response = filler.put(f"/api/submissions/{sid}/evaluation", example_json("lechang-2023"), 0)
    body = response.json()
    assert response.status_code == 200
    assert body["version"] == 1
    assert body["score"]["total"] == 100.0 and body["score"]["grade"] == "优"
    assert body["score"]["format"] == "jixiao/score@1"
    again = filler.get(f"/api/submissions/{sid}").json()
    assert again["status"] == "draft" and again["version"] == 1
    assert again["evaluation"]["framework"] == "lechang-2023"
    assert filler.get(f"/api/submissions/{sid}/score").json()["total"] == 100.0


def test_every_example_scores_through_the_api(api) -> None:
    for code, example in (("lianjiang", "lianjiang-2024"), ("zhanjiang", "zhanjiang-2020")):
        sid = submission_id(code)
        body = api(f"{code}-filler").put(f"/api/submissions/{sid}/evaluation", example_json(example), 0).json()
        assert body["score"]["total"] is not None and body["score"]["grade"]


def test_a_draft_with_errors_is_saved_not_lost(api) -> None:
    sid = submission_id("lechang")
    doc = example_json("lechang-2023")
    doc["data"]["expenditure_final"] = "九百一十二万"
    response = api("lechang-filler").put(f"/api/submissions/{sid}/evaluation", doc, 0)
    assert response.status_code == 200
    score = response.json()["score"]
    assert score["total"] is None
    assert any(i["path"] == "data.expenditure_final" and i["severity"] == "error" for i in score["issues"])
    stored = api("lechang-filler").get(f"/api/submissions/{sid}").json()["evaluation"]
    assert stored["data"]["expenditure_final"] == "九百一十二万"


def test_stale_version_is_refused_without_overwriting(api) -> None:
    sid, version = fill(api)
    filler = api("lechang-filler")
    doc = example_json("lechang-2023")
    doc["text"]["other"] = "第一位编辑的修改"
    assert filler.put(f"/api/submissions/{sid}/evaluation", doc, version).status_code == 200
    doc["text"]["other"] = "第二位编辑基于旧版本的修改"
    stale = filler.put(f"/api/submissions/{sid}/evaluation", doc, version)
    assert stale.status_code == 409
    assert "版本" in stale.json()["detail"]
    assert filler.get(f"/api/submissions/{sid}").json()["evaluation"]["text"]["other"] == "第一位编辑的修改"


@pytest.mark.parametrize("body", [b"[1, 2]", b"not json", b'"text"', b'{"format": "jixiao/score@1"}'])
def test_a_body_that_is_not_an_evaluation_is_422(api, body: bytes) -> None:
    sid = submission_id("lechang")
    response = api("lechang-filler").put(f"/api/submissions/{sid}/evaluation", body, 0)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_missing_if_match_is_refused(api) -> None:
    sid = submission_id("lechang")
    response = api("lechang-filler").put(f"/api/submissions/{sid}/evaluation", example_json("lechang-2023"), None)
    assert response.status_code == 428


def test_a_path_in_framework_is_never_read(api) -> None:
    sid = submission_id("lechang")
    doc = example_json("lechang-2023")
    doc["framework"] = "/etc/passwd"
    body = api("lechang-filler").put(f"/api/submissions/{sid}/evaluation", doc, 0).json()
    assert body["score"]["total"] == 100.0  # the task's table is used
    assert "root:" not in str(body)


def test_submit_is_blocked_while_errors_remain(api) -> None:
    sid = submission_id("lechang")
    doc = example_json("lechang-2023")
    del doc["data"]["income_budget"]
    doc["data"]["satisfaction"] = "很好"
    api("lechang-filler").put(f"/api/submissions/{sid}/evaluation", doc, 0)
    response = api("lechang-filler").act(sid, "submit")
    assert response.status_code == 409
    assert response.json()["issues"], "the errors are listed"
    assert api("lechang-filler").get(f"/api/submissions/{sid}").json()["status"] == "draft"


def test_the_whole_year(api) -> None:
    sid, _ = fill(api)
    filler, head, bureau, admin = api("lechang-filler"), api("lechang-head"), api("bureau"), api("admin")
    assert head.act(sid, "submit").status_code == 403
    submitted = filler.act(sid, "submit")
    assert submitted.status_code == 200 and submitted.json()["status"] == "pending_head"
    assert (
        filler.put(
            f"/api/submissions/{sid}/evaluation", example_json("lechang-2023"), submitted.json()["version"]
        ).status_code
        == 409
    )
    assert head.act(sid, "reject").status_code == 422  # a comment is required
    assert head.act(sid, "approve").json()["status"] == "submitted"
    assert bureau.act(sid, "accept").status_code == 409  # review has not started
    assert bureau.act(sid, "start_review").json()["status"] == "under_review"
    assert filler.act(sid, "withdraw").status_code == 409  # claimed by the reviewer
    assert bureau.act(sid, "return").status_code == 422
    returned = bureau.act(
        sid, "return", comments=[{"indicator": "execution.funds.spending_rate", "text": "请核对支出数"}]
    )
    assert returned.json()["status"] == "returned"
    comments = filler.get(f"/api/submissions/{sid}").json()["comments"]
    assert comments[0]["indicator"] == "execution.funds.spending_rate" and comments[0]["text"] == "请核对支出数"
    assert comments[0]["author"] == "bureau" and comments[0]["at"]
    doc = example_json("lechang-2023")
    doc["text"]["other"] = "已核对支出数"
    version = filler.get(f"/api/submissions/{sid}").json()["version"]
    saved = filler.put(f"/api/submissions/{sid}/evaluation", doc, version)
    assert saved.json()["status"] == "returned"
    assert filler.act(sid, "submit").json()["status"] == "pending_head"
    head.act(sid, "approve")
    bureau.act(sid, "start_review")
    accepted = bureau.act(sid, "accept")
    assert accepted.json()["status"] == "accepted"
    assert filler.put(f"/api/submissions/{sid}/evaluation", doc, accepted.json()["version"]).status_code == 409
    assert bureau.act(sid, "reopen", "原因").status_code == 403  # only an admin reopens
    published = bureau.act(sid, "publish")
    assert published.json()["status"] == "published"

    reports = Client().get("/api/public/reports", {"year": 2023}).json()
    assert len(reports) == 1 and reports[0]["unit"] == "乐昌市人民政府办公室" and not reports[0]["withdrawn"]
    files = {f["name"]: f for f in reports[0]["files"]}
    docx = next(f for name, f in files.items() if name.endswith(".docx"))
    download = Client().get(docx["url"])
    data = b"".join(download.streaming_content)
    assert hashlib.sha256(data).hexdigest() == docx["sha256"]
    verdict = Client().post("/api/public/verify", {"file": SimpleUploadedFile("r.docx", data)}).json()
    assert verdict["match"] and verdict["unit"] == "乐昌市人民政府办公室" and verdict["year"] == 2023
    assert not verdict["withdrawn"]
    tampered = Client().post("/api/public/verify", {"file": SimpleUploadedFile("r.docx", data + b" ")}).json()
    assert tampered["match"] is False
    assert Client().get("/api/public/reports", {"year": 2022}).json() == []

    assert admin.act(sid, "withdraw_publication", "发现问题").json()["status"] == "accepted"
    again = Client().post("/api/public/verify", {"sha256": docx["sha256"]}).json()
    assert again["match"] and again["withdrawn"] is True
    assert admin.act(sid, "reopen").status_code == 422
    assert admin.act(sid, "reopen", "单位申请更正").json()["status"] == "returned"


def test_documents_of_the_current_version(api) -> None:
    sid, _ = fill(api)
    filler = api("lechang-filler")
    docx = filler.get(f"/api/submissions/{sid}/files/report.docx")
    assert docx.status_code == 200 and b"".join(docx.streaming_content)[:2] == b"PK"
    assert "attachment" in docx["Content-Disposition"]
    xlsx = filler.get(f"/api/submissions/{sid}/files/tables.xlsx")
    assert xlsx.status_code == 200
    assert filler.get(f"/api/submissions/{sid}/files/secret.txt").status_code == 404


def test_documents_of_a_draft_with_errors_are_refused(api) -> None:
    sid = submission_id("lechang")
    doc = example_json("lechang-2023")
    doc["data"]["satisfaction"] = "很好"
    api("lechang-filler").put(f"/api/submissions/{sid}/evaluation", doc, 0)
    response = api("lechang-filler").get(f"/api/submissions/{sid}/files/report.docx")
    assert response.status_code == 409 and response.json()["issues"]


def test_audit_upload_is_for_reviewers(api) -> None:
    sid, _ = fill(api)
    docx = b"".join(api("lechang-filler").get(f"/api/submissions/{sid}/files/report.docx").streaming_content)
    upload = {"file": SimpleUploadedFile("report.docx", docx)}
    result = api("bureau").client.post(
        "/api/audits", upload, headers={"Authorization": f"Bearer {api('bureau').token}"}
    )
    assert result.status_code == 200
    assert result.json()["format"] == "jixiao/audit@1" and result.json()["year"] == 2023
    refused = api("lechang-filler").client.post(
        "/api/audits",
        {"file": SimpleUploadedFile("report.docx", docx)},
        headers={"Authorization": f"Bearer {api('lechang-filler').token}"},
    )
    assert refused.status_code == 403


def test_unauthenticated_is_401_in_chinese(db) -> None:
    response = Client().get("/api/me")
    assert response.status_code == 401 and "登录" in response.json()["detail"]
    assert Client().get("/api/me", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_openapi_is_served_locally(db) -> None:
    spec = Client().get("/api/openapi.json").json()
    assert "/api/submissions/{submission_id}/evaluation" in spec["paths"]
    docs = Client().get("/api/docs").content.decode()
    assert "cdn" not in docs.lower()
