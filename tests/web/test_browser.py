"""In Debian's Chromium (Playwright, no browser download): a filler fills the 乐昌 example by hand
through the form, sees 100 分 / 优 appear live, downloads the .docx and submits; the head approves."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import CHROMIUM

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "lechang-2023.yaml"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed (scripts/install-system-deps)"),
]


def login(page: Any, site: str, username: str) -> None:
    page.goto(f"{site}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo-pass-2025")
    page.click("button[type=submit]")
    page.wait_for_url(f"{site}/")


def text(value: Any) -> str:
    return str(value)


def fill_leaf(page: Any, leaf: str, entry: dict[str, Any]) -> None:
    p = f"inputs.{leaf}."
    if entry.get("applicable") is False or "override" in entry:
        page.locator(f"[data-path='inputs.{leaf}'] details summary").click()
    if entry.get("applicable") is False:
        page.check(f"[name='{p}not_applicable']")
    if "override" in entry:
        page.fill(f"[name='{p}override']", text(entry["override"]))
    if "tier" in entry:
        page.select_option(f"[name='{p}tier']", entry["tier"])
    if "score" in entry:
        page.fill(f"[name='{p}score']", text(entry["score"]))
    if "count" in entry:
        page.fill(f"[name='{p}count']", text(entry["count"]))
    for index in entry.get("checked", []):
        page.check(f"[name='{p}checked'][value='{index}']")
    if isinstance(entry.get("value"), bool):
        side = "yes" if entry["value"] else "no"
        page.click(f"label[for='f-{leaf}-{side}']")  # as a person does: the radio itself is hidden (btn-check)
        assert page.is_checked(f"[id='f-{leaf}-{side}']")
    elif "value" in entry:
        page.fill(f"[name='{p}value']", text(entry["value"]))
    if "reason" in entry:
        page.fill(f"[name='{p}reason']", text(entry["reason"]))


def fill_example(page: Any, doc: dict[str, Any]) -> None:
    page.fill("[name='fill_date']", f"{doc['fill_date'].year}年{doc['fill_date'].month}月{doc['fill_date'].day}日")
    for key in ("head", "filler", "phone"):
        if doc["unit"].get(key):
            page.fill(f"[name='unit.{key}']", text(doc["unit"][key]))
    page.locator("details:has(> summary:text('其他数据'))").evaluate("el => el.open = true")
    for key, value in doc["data"].items():
        page.fill(f"[name='data.{key}']", f"{value:,}" if isinstance(value, float) and value > 1000 else text(value))
    for leaf, entry in doc["inputs"].items():
        fill_leaf(page, leaf, entry)
    for i, item in enumerate(doc.get("bonus", [])):
        if not page.locator(f"[name='bonus.{i}.item']").count():
            page.click(".jx-add-row[data-key='bonus']")
        for key in ("item", "points", "basis"):
            page.fill(f"[name='bonus.{i}.{key}']", text(item[key]))
    for key, value in doc["text"].items():
        page.fill(f"[name='text.{key}']", text(value))


def test_filler_fills_by_hand_sees_the_score_live_and_the_head_approves(page: Any, site: str, tmp_path: Path) -> None:
    doc = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    login(page, site, "lechang-filler")
    page.click("a.btn-primary:text-is('填报')")
    page.wait_for_selector("#eval-form")
    fill_example(page, doc)
    page.locator("#total").filter(has_text="100").wait_for(timeout=30_000)
    assert page.inner_text("#grade").strip() == "优"
    assert "已自动保存" in page.inner_text("#panel")
    assert page.locator("[data-score-for='execution.funds.spending_rate']").inner_text().startswith("6")
    page.screenshot(path=str(tmp_path / "filled.png"), full_page=True)

    page.reload()  # what was typed was saved
    assert page.input_value("[name='data.expenditure_final']") in ("912.97", "912.97")
    assert page.inner_text("#grade").strip() == "优"
    with page.expect_download() as download:
        page.click("#dl-docx")
    saved = tmp_path / "report.docx"
    download.value.save_as(saved)
    assert saved.read_bytes()[:2] == b"PK" and download.value.suggested_filename.endswith(".docx")

    page.click("button[data-action='submit']")
    page.wait_for_selector("text=已提交")
    assert page.inner_text("#status-badge") == "待单位负责人审核"
    page.click("form[action$='/logout/'] button")

    login(page, site, "lechang-head")
    page.click("a.btn-primary:text-is('查看')")
    page.click("button[data-action='approve']")
    page.wait_for_selector("text=已单位负责人同意报送")
    assert page.inner_text("#status-badge") == "已报送，待审核"
