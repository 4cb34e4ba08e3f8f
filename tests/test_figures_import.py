"""Figures of the 数据表 read from an uploaded .xlsx (services/figures_import.py)."""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from conftest import EXAMPLES
from jixiao.core.errors import UnusableInput
from jixiao.core.fields import STANDARD_FIELDS
from jixiao.core.model import Issue, Severity
from jixiao.core.spec import Figure, figures
from jixiao.frameworks.yamlio import load_file
from jixiao.services.evaluations import BuiltinTables, score_document, source_of, workbook_bytes
from jixiao.services.figures_import import ImportedFigures, figures_from_xlsx

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
STANDARD = tuple(Figure(f.id, f.name, f.unit, f.kind) for f in STANDARD_FIELDS.values())
CUSTOM = Figure("change_rate", "公用经费变动率", "%", "custom", False)
FIGURES = (*STANDARD, CUSTOM)


def jixiao_workbook(path: Path) -> tuple[bytes, tuple[Figure, ...], dict[str, Any]]:
    doc = load_file(path)
    source = source_of(score_document(doc, BuiltinTables()), doc)
    assert source is not None
    given_ids = tuple(source.evaluation.data)
    return workbook_bytes(source), figures(source.framework, given_ids), dict(source.evaluation.data)


def sheet_bytes(rows: Sequence[Sequence[Any]], title: str = "Sheet1", formats: dict[str, str] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    for ref, fmt in (formats or {}).items():
        sheet[ref].number_format = fmt
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def by_code(result: ImportedFigures, code: str) -> list[Issue]:
    return [i for i in result.issues if i.code == code]


# ------------------------------------------------------------------ jixiao's own workbook


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=[p.stem for p in EXAMPLE_FILES])
def test_round_trip_of_the_jixiao_workbook(path: Path) -> None:
    data, given_figures, expected = jixiao_workbook(path)
    result = figures_from_xlsx(data, given_figures)
    assert result.issues == ()
    assert result.values == {k: float(v) for k, v in expected.items()}
    for key, value in result.values.items():
        assert isinstance(value, int) == (expected[key] == expected[key].to_integral_value()), key
    assert {fid for _, fid in result.matched} >= set(expected)


def test_a_bad_value_in_the_jixiao_workbook_names_sheet_and_cell() -> None:
    data, given_figures, expected = jixiao_workbook(EXAMPLES / "lechang-2023.yaml")
    book = load_workbook(io.BytesIO(data))
    sheet = book["数据表"]
    assert sheet["E3"].value == "income_budget"
    sheet["C3"] = "九百一十二"
    out = io.BytesIO()
    book.save(out)
    result = figures_from_xlsx(out.getvalue(), given_figures, file="乐昌.xlsx")
    [issue] = result.issues
    assert (issue.severity, issue.code, issue.path, issue.file) == (
        Severity.ERROR,
        "import-value",
        "data.income_budget",
        "乐昌.xlsx",
    )
    assert "数据表!C3" in issue.message and "九百一十二" in issue.message
    assert "income_budget" not in result.values
    assert len(result.values) == len(expected) - 1


def test_the_id_column_wins_over_a_renamed_label() -> None:
    data, given_figures, _ = jixiao_workbook(EXAMPLES / "lechang-2023.yaml")
    book = load_workbook(io.BytesIO(data))
    book["数据表"]["B3"] = "本年收入预算（自填）"
    out = io.BytesIO()
    book.save(out)
    result = figures_from_xlsx(out.getvalue(), given_figures)
    assert result.values["income_budget"] == 912.97
    assert ("本年收入预算（自填）", "income_budget") in result.matched


# ------------------------------------------------------------------ a plain two-column sheet


def test_a_hand_made_two_column_sheet() -> None:
    rows = [
        ("数据项", "金额（万元）"),
        ("收入预算数（万元）", "1,234.50"),
        ("  支出决算数 ", "９１２．９７"),
        ("“三公”经费决算数", 3.14),
        ("满意度（％）", "95%"),
        ("在 职 人 数：", 23),
        ("收入决算数", "约九百万"),
        ("食堂面积", 120),
        ("income_general", "800"),
        ("公用经费变动率", -3.5),
        ("政府采购预算（计划）（万元）", "5万元"),
    ]
    result = figures_from_xlsx(sheet_bytes(rows), FIGURES, file="上传.xlsx")
    assert result.values == {
        "income_budget": 1234.5,
        "expenditure_final": 912.97,
        "sangong_final": 3.14,
        "satisfaction": 95,
        "staff_actual": 23,
        "income_general": 800,
        "change_rate": -3.5,
        "procurement_plan": 5,
    }
    assert isinstance(result.values["income_general"], int)
    [bad] = by_code(result, "import-value")
    assert (bad.severity, bad.path, bad.file) == (Severity.ERROR, "data.income_final", "上传.xlsx")
    assert "Sheet1!B7" in bad.message and "约九百万" in bad.message
    [unknown] = by_code(result, "import-unknown")
    assert unknown.severity is Severity.INFO and "1 行" in unknown.message and "食堂面积" in unknown.message
    assert len(result.issues) == 2
    assert ("收入预算数（万元）", "income_budget") in result.matched
    assert ("income_general", "income_general") in result.matched


def test_label_column_found_beside_a_number_column_in_any_order() -> None:
    rows = [
        (3, "满意度", 98),
        (1, "基本支出", "795.87"),
        (2, "收入预算数", 912.97),
        (None, None, None),
        (4, "备注", "无"),
    ]
    result = figures_from_xlsx(sheet_bytes(rows, title="数据"), FIGURES)
    assert result.values == {"satisfaction": 98, "basic_expenditure": 795.87, "income_budget": 912.97}
    assert result.issues == ()


def test_a_formula_without_a_cached_value_is_an_issue() -> None:
    result = figures_from_xlsx(sheet_bytes([("收入预算数", 10), ("收入决算数", "=B1*2")]), FIGURES)
    assert result.values == {"income_budget": 10}
    [issue] = result.issues
    assert issue.code == "import-formula" and issue.path == "data.income_final"
    assert "Sheet1!B2" in issue.message and "公式没有保存计算结果，请在 Excel 中打开并保存后再导入" in issue.message


def test_a_percent_formatted_cell_is_read_as_a_percent() -> None:
    data = sheet_bytes([("满意度", 0.955), ("收入预算数", 0.5)], formats={"B1": "0.0%", "B2": "0%"})
    assert figures_from_xlsx(data, FIGURES).values == {"satisfaction": 95.5, "income_budget": 0.5}


def test_a_label_in_yuan_is_not_taken_as_wanyuan() -> None:
    result = figures_from_xlsx(sheet_bytes([("收入预算数（元）", 9129700)]), FIGURES)
    assert result.values == {}
    [issue] = result.issues
    assert issue.code == "import-unit" and issue.severity is Severity.ERROR and "万元" in issue.message


def test_odd_cells_are_issues_not_crashes() -> None:
    rows = [("收入预算数", True), ("收入决算数", 1e300), ("支出预算数", "1e5"), ("基本支出", "#DIV/0!")]
    result = figures_from_xlsx(sheet_bytes(rows), FIGURES)
    assert result.values == {}
    assert [i.path for i in by_code(result, "import-value")] == [
        "data.income_budget",
        "data.income_final",
        "data.expenditure_budget",
        "data.basic_expenditure",
    ]


def test_merged_cells_do_not_crash() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["收入预算数", None, 5])
    sheet.append(["收入决算数", 6])
    sheet.merge_cells("A1:B1")
    out = io.BytesIO()
    book.save(out)
    assert figures_from_xlsx(out.getvalue(), FIGURES).values == {"income_final": 6}


def test_a_repeated_label_with_another_value_is_a_warning() -> None:
    result = figures_from_xlsx(sheet_bytes([("收入预算数", 1), ("收入预算数", 2), ("收入预算数", 1)]), FIGURES)
    assert result.values == {"income_budget": 1}
    [issue] = result.issues
    assert issue.code == "import-duplicate" and issue.severity is Severity.WARNING and "Sheet1!B2" in issue.message


def test_a_sheet_without_figures_says_so() -> None:
    result = figures_from_xlsx(sheet_bytes([("姓名", "张三")]), FIGURES)
    assert result.values == {} and [i.code for i in result.issues] == ["import-empty"]


# ------------------------------------------------------------------ files that are not workbooks


def not_xlsx_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "不是工作簿")
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [b"", b"not a workbook", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, b"PK\x03\x04broken", not_xlsx_zip()],
    ids=["empty", "text", "xls", "broken-zip", "other-zip"],
)
def test_corrupt_bytes_are_unusable_input(data: bytes) -> None:
    with pytest.raises(UnusableInput) as caught:
        figures_from_xlsx(data, FIGURES, file="坏文件.xlsx")
    assert caught.value.message.startswith("坏文件.xlsx 不是有效的 Excel（.xlsx）文件")


def test_a_truncated_workbook_is_unusable_input() -> None:
    data = sheet_bytes([("收入预算数", 1)])
    with pytest.raises(UnusableInput):
        figures_from_xlsx(data[: len(data) // 2], FIGURES)


# ------------------------------------------------------------------ property


def legal(text: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", text)


LABELS = st.one_of(
    st.sampled_from([f.name for f in STANDARD_FIELDS.values()] + list(STANDARD_FIELDS) + ["食堂面积", ""]),
    st.text(max_size=20).map(legal),
    st.none(),
    st.integers(),
)
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20).map(legal),
    st.sampled_from(["1,234.50", "９５", "95%", "(12)", "5万元", "=1+1", "1e999", "9" * 40, "#N/A"]),
    st.dates(),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(st.one_of(LABELS, VALUES), min_size=1, max_size=4), max_size=12))
def test_random_rows_give_finite_numbers_or_unusable_input(rows: list[list[Any]]) -> None:
    try:
        data = sheet_bytes(rows)
    except Exception:  # openpyxl refuses some values; those are not this module's concern
        return
    try:
        result = figures_from_xlsx(data, FIGURES)
    except UnusableInput:
        return
    ids = {f.id for f in FIGURES}
    for key, value in result.values.items():
        assert key in ids
        assert type(value) in (int, float) and math.isfinite(value)
    assert all(i.code.startswith("import-") and i.message for i in result.issues)


@settings(max_examples=40, deadline=None)
@given(cut=st.integers(min_value=0), noise=st.binary(max_size=64))
def test_damaged_bytes_raise_only_unusable_input(cut: int, noise: bytes) -> None:
    data = sheet_bytes([("收入预算数", 1), ("满意度", "95%")])
    cut %= len(data)
    damaged = data[:cut] + noise + data[cut + len(noise) :]
    try:
        result = figures_from_xlsx(damaged, FIGURES)
    except UnusableInput:
        return
    assert all(math.isfinite(v) for v in result.values.values())
