"""The whole year in Chromium: the bureau issues a task, the unit fills and submits, the head approves,
the reviewer returns with a comment on one indicator, the unit answers and resubmits, the reviewer
accepts and publishes; the public downloads the report and verifies it, and a tampered copy is not
reported as published."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import CHROMIUM
from .test_browser import EXAMPLE, fill_example, login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed (scripts/install-system-deps)"),
]
INDICATOR = "execution.funds.spending_rate"


def logout(page: Any) -> None:
    page.click("form[action$='/logout/'] button")
    page.wait_for_url("**/login/")


def issue_task(page: Any, site: str) -> int:
    from jixiao.web.accounts.models import Unit
    from jixiao.web.filing.models import Submission

    login(page, site, "bureau")
    page.goto(f"{site}/bureau/tasks/new")
    page.fill("[name='name']", "2024年度部门整体支出绩效自评")
    page.fill("[name='year']", "2024")
    page.select_option("[name='framework_id']", "lechang-2023")
    page.fill("[name='deadline']", "2099-06-30")
    page.fill("[name='instructions']", "请于截止日前报送")
    page.check(f"#u-{Unit.objects.get(code='lechang').pk}")
    page.click("#task-form button.btn-primary")
    page.wait_for_url("**/bureau/tasks/*/")
    logout(page)
    return Submission.objects.get(unit__code="lechang", task__year=2024).pk


def unit_submits(page: Any, site: str, sid: int, doc: dict[str, Any] | None, note: str) -> None:
    login(page, site, "lechang-filler")
    page.goto(f"{site}/s/{sid}/")
    if doc is not None:
        fill_example(page, doc)
    page.fill("[name='text.other']", note)
    page.locator("#saved-at").wait_for()
    page.locator("#total").filter(has_text="100").wait_for(timeout=30_000)
    page.click("button[data-action='submit']")
    page.locator("#status-badge").filter(has_text="待单位负责人审核").wait_for()
    logout(page)
    login(page, site, "lechang-head")
    page.goto(f"{site}/s/{sid}/")
    page.click("button[data-action='approve']")
    page.wait_for_selector("text=已报送，待审核")
    logout(page)


def review(page: Any, site: str, sid: int, action: str, comment: str = "") -> None:
    page.goto(f"{site}/review/{sid}/")
    page.click("button[data-action='start_review']")
    page.wait_for_selector("button[data-action='return']")
    if comment:
        page.fill(f"[name='c:{INDICATOR}']", comment)
    page.click(f"button[data-action='{action}']")
    page.wait_for_load_state()


def test_the_whole_year(page: Any, site: str, tmp_path: Path) -> None:
    doc = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    sid = issue_task(page, site)
    unit_submits(page, site, sid, doc, "无")

    login(page, site, "bureau")
    review(page, site, sid, "return", "请说明支出率100%的依据")
    logout(page)

    login(page, site, "lechang-filler")
    page.goto(f"{site}/s/{sid}/")
    assert "请说明支出率100%的依据" in page.inner_text("body")
    assert page.inner_text("#status-badge") == "已退回"
    logout(page)
    unit_submits(page, site, sid, None, "支出率依据：决算报表，已补充说明")

    login(page, site, "bureau")
    review(page, site, sid, "accept")
    page.click("button[data-action='publish']")
    page.wait_for_load_state()
    logout(page)

    page.goto(f"{site}/public/?year=2024")
    assert "乐昌市人民政府办公室" in page.inner_text("body")
    with page.expect_download() as download:
        page.click("a[href$='.docx']")
    report = tmp_path / "report.docx"
    download.value.save_as(report)
    page.goto(f"{site}/public/verify")
    page.set_input_files("#v-file", str(report))
    page.click("button:text-is('核验')")
    assert "一致" in page.inner_text("#verify-result") and "乐昌市人民政府办公室" in page.inner_text("#verify-result")
    tampered = tmp_path / "tampered.docx"
    tampered.write_bytes(report.read_bytes() + b"\0")
    page.goto(f"{site}/public/verify")
    page.set_input_files("#v-file", str(tampered))
    page.click("button:text-is('核验')")
    assert "不一致" in page.inner_text("#verify-result")
