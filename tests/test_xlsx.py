"""The workbook (数据表 + 评分表): read back with openpyxl, golden contents, LibreOffice recompute, speed."""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import time
import zipfile
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from openpyxl.worksheet.worksheet import Worksheet

from conftest import EXAMPLES
from jixiao.core.model import Evaluation, Framework, Scorecard, Section
from jixiao.documents.tables import ScoreTable, data_rows, score_table
from jixiao.documents.xlsx import ERROR_NOTE, render_xlsx
from jixiao.services.scoring import score_file

NAMES = ("lechang-2023", "zhanjiang-2020", "lianjiang-2024")
CAPPED = "lechang-capped"  # lechang with a 减分项 and a conditional cap, to cover those formulas
DATA_HEADERS = ["序号", "项目", "数值", "单位", "数据项编号"]
SCORE_HEADERS = ["一级指标", "二级指标", "三级指标", "分值", "指标解释", "评分标准", "计算过程", "得分"]
WEIGHT, SCORE = 4, 8  # 1-based columns D and H of the 评分表
RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""


@dataclass(frozen=True)
class Case:
    card: Scorecard
    framework: Framework
    evaluation: Evaluation
    path: Path

    @property
    def table(self) -> ScoreTable:
        return score_table(self.card, self.framework)


def scored(name: str) -> tuple[Scorecard, Framework, Evaluation]:
    result = score_file(EXAMPLES / f"{name}.yaml")
    assert result.ok and result.scorecard and result.framework and result.evaluation
    return result.scorecard, result.framework, result.evaluation


def capped() -> tuple[Scorecard, Framework, Evaluation]:
    """lechang 2023 with 2 penalty points and a cap of 89: 98 + 3.5 − 2 = 99.5 → 89, 良."""
    card, framework, evaluation = scored("lechang-2023")
    framework = replace(framework, penalty=Section("减分项", Decimal(5)))
    cap = "因“@execution.funds.spending_rate < 101”成立，总分不超过89分，按89分计"
    card = replace(
        card, penalty=Decimal(2), total=Decimal(89), grade="良", raw_total=Decimal("99.5"), cap_notes=(cap,)
    )
    return card, framework, evaluation


def render(name: str, directory: Path) -> Case:
    card, framework, evaluation = capped() if name == CAPPED else scored(name)
    path = directory / f"{name}.xlsx"
    render_xlsx(card, framework, evaluation, path)
    return Case(card, framework, evaluation, path)


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Case]:
    directory = tmp_path_factory.mktemp("xlsx")
    return {name: render(name, directory) for name in (*NAMES, CAPPED)}


# --------------------------------------------------------------------------- reading back


def near(cell: Any, expected: Decimal | None) -> bool:
    """A cell's number equals a scorecard value to the cent (None ⇔ empty)."""
    if expected is None or cell is None:
        return cell is None and expected is None
    return isinstance(cell, int | float) and abs(Decimal(str(cell)) - expected) < Decimal("0.005")


def first_indicator_row(sheet: Worksheet) -> int:
    for row in range(1, 10):
        if sheet.cell(row, 1).value == SCORE_HEADERS[0]:
            return row + 1
    raise AssertionError("no header row in 评分表")


def total_rows(sheet: Worksheet, start: int) -> dict[str, int]:
    """Rows of the totals by their label in column A: 指标得分合计, 加分项, 减分项, 总分, 等级."""
    return {str(sheet.cell(r, 1).value): r for r in range(start, sheet.max_row + 1) if sheet.cell(r, 1).value}


def expected_totals(case: Case) -> dict[str, Decimal | str | None]:
    out: dict[str, Decimal | str | None] = {t.label: t.value for t in case.table.totals}
    out["等级"] = case.card.grade
    return out


def assert_scores(sheet: Worksheet, case: Case) -> None:
    """分值 and 得分 of every indicator, and the totals, equal the scorecard's (cached or recomputed values)."""
    first = first_indicator_row(sheet)
    table = case.table
    for i, row in enumerate(table.rows):
        assert near(sheet.cell(first + i, WEIGHT).value, row.weight), (row.id, "分值")
        assert near(sheet.cell(first + i, SCORE).value, row.score), (row.id, sheet.cell(first + i, SCORE).value)
    rows = total_rows(sheet, first + len(table.rows))
    for label, value in expected_totals(case).items():
        got = sheet.cell(rows[label], SCORE).value
        assert got == value if isinstance(value, str) else near(got, value), (label, got, value)


@pytest.mark.parametrize("name", (*NAMES, CAPPED))
def test_formulas_and_values_read_back(cases: dict[str, Case], name: str) -> None:
    case = cases[name]
    book = openpyxl.load_workbook(case.path)
    assert book.sheetnames == ["数据表", "评分表"]
    data, scores = book["数据表"], book["评分表"]
    assert [c.value for c in data[2]] == DATA_HEADERS
    assert [c.value for c in scores[3]] == SCORE_HEADERS
    assert (data.freeze_panes, scores.freeze_panes) == ("A3", "A4")
    first = first_indicator_row(scores)
    table = case.table
    for i, row in enumerate(table.rows):
        assert scores.cell(first + i, min(row.depth, 3)).value == row.name
        assert near(scores.cell(first + i, WEIGHT).value, row.weight), row.id
        score = scores.cell(first + i, SCORE).value
        if row.is_leaf:
            assert near(score, row.score), (row.id, score)
        else:
            children = [f"H{first + c}" for c in row.children]
            assert str(score).startswith("=SUM(") and all(_covers(str(score), ref) for ref in children), score
    rows = total_rows(scores, first + len(table.rows))
    assert str(scores.cell(rows["指标得分合计"], SCORE).value).startswith("=SUM(")
    assert str(scores.cell(rows["总分"], SCORE).value).startswith("=MIN(")
    assert str(scores.cell(rows["等级"], SCORE).value).startswith("=IF(")
    cached = openpyxl.load_workbook(case.path, data_only=True)["评分表"]
    assert_scores(cached, case)


def _covers(formula: str, ref: str) -> bool:
    """Whether ``ref`` (H12) is one of the formula's cells or inside one of its ranges (H10:H14)."""
    row = int(ref[1:])
    return any(int(a) <= row <= int(b or a) for a, b in re.findall(r"H(\d+)(?::H(\d+))?", formula))


def test_the_capped_total_keeps_the_cap_formula(cases: dict[str, Case]) -> None:
    sheet = openpyxl.load_workbook(cases[CAPPED].path)["评分表"]
    rows = total_rows(sheet, first_indicator_row(sheet))
    base, bonus, penalty = (f"H{rows[label]}" for label in ("指标得分合计", "加分项", "减分项"))
    assert sheet.cell(rows["总分"], SCORE).value == f"=MIN(MIN(100,MAX(0,{base}+{bonus}-{penalty})),89)"
    assert sheet.cell(rows["等级"], SCORE).value.startswith(f'=IF(ROUND(H{rows["总分"]},2)>=90,"优",IF(')


@pytest.mark.parametrize("name", NAMES)
def test_data_sheet_holds_every_figure_as_a_number(cases: dict[str, Case], name: str) -> None:
    case = cases[name]
    sheet = openpyxl.load_workbook(case.path)["数据表"]
    assert case.evaluation.unit.name in sheet["A1"].value and str(case.evaluation.year) in sheet["A1"].value
    formats = {"万元": "#,##0.00", "%": "0.00"}
    for i, row in enumerate(data_rows(case.evaluation, case.framework), start=3):
        value = sheet.cell(i, 3)
        assert (sheet.cell(i, 2).value, sheet.cell(i, 4).value, sheet.cell(i, 5).value) == (row.name, row.unit, row.id)
        assert near(value.value, row.value), row.id
        if row.value is not None:
            assert value.number_format == formats.get(row.unit, "0"), (row.id, value.number_format)


def test_print_setup(cases: dict[str, Case]) -> None:
    book = openpyxl.load_workbook(cases["lechang-2023"].path)
    for sheet, orientation, titles in ((book["数据表"], "portrait", "$2:$2"), (book["评分表"], "landscape", "$3:$3")):
        setup = sheet.page_setup
        fit = (setup.fitToWidth or 1, setup.fitToHeight)  # 1 is the default width, left out of the file
        assert (setup.orientation, setup.paperSize, fit) == (orientation, 9, (1, 0))
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows == titles
        assert sheet.oddFooter.center.text == "第 &P 页 共 &N 页"
        assert sheet.auto_filter.ref is None
    assert widths(book["评分表"]) == pytest.approx([14, 14, 18, 7, 40, 40, 50, 8], abs=1)


def widths(sheet: Worksheet) -> list[float]:
    """Column widths by column (openpyxl keeps a <col min max> range under its first letter only)."""
    found: dict[int, float] = {}
    for dim in sheet.column_dimensions.values():
        found |= dict.fromkeys(range(dim.min or 1, (dim.max or dim.min or 1) + 1), dim.width)
    return [round(found.get(col, 0), 2) for col in range(1, sheet.max_column + 1)]


def test_same_input_gives_the_same_bytes(cases: dict[str, Case], tmp_path: Path) -> None:
    case = cases["lechang-2023"]
    render_xlsx(case.card, case.framework, case.evaluation, tmp_path / "again.xlsx")
    assert (tmp_path / "again.xlsx").read_bytes() == case.path.read_bytes()


def test_a_scorecard_with_errors_still_gives_both_sheets(tmp_path: Path) -> None:
    evaluation = yaml.safe_load((EXAMPLES / "lechang-2023.yaml").read_text(encoding="utf-8"))
    del evaluation["inputs"]["budgeting.preparation.reasonableness"]
    source = tmp_path / "broken.yaml"
    source.write_text(yaml.safe_dump(evaluation, allow_unicode=True), encoding="utf-8")
    result = score_file(source)
    assert not result.ok and result.scorecard and result.framework and result.evaluation
    assert result.scorecard.total is None
    path = tmp_path / "broken.xlsx"
    render_xlsx(result.scorecard, result.framework, result.evaluation, path)
    sheet = openpyxl.load_workbook(path, data_only=True)["评分表"]
    case = Case(result.scorecard, result.framework, result.evaluation, path)
    assert_scores(sheet, case)  # blanks where the scorecard has none: the leaf, its parents, the total, the grade
    texts = [str(c.value) for c in sheet["A"] if c.value]
    assert ERROR_NOTE in texts
    assert any("预算编制合理性" in text for text in texts[texts.index(ERROR_NOTE) :])
    assert near(sheet.cell(first_indicator_row(sheet) + 10, SCORE).value, Decimal(40))  # 预算执行 is still known


# --------------------------------------------------------------------------- golden contents


def dump(path: Path) -> str:
    """Every cell (formulas with their cached value, number formats), merges, panes and print setup as text."""
    book, cached = openpyxl.load_workbook(path), openpyxl.load_workbook(path, data_only=True)
    lines: list[str] = []
    for sheet in book.worksheets:
        setup = sheet.page_setup
        lines += [
            f"## {sheet.title}",
            f"freeze {sheet.freeze_panes}; print titles {sheet.print_title_rows}; {setup.orientation}"
            f" A4={setup.paperSize == 9} fit {setup.fitToWidth or 1}x{setup.fitToHeight}",
            f"footer {sheet.oddFooter.center.text}; widths {widths(sheet)}",
            f"merged {sorted(str(r) for r in sheet.merged_cells.ranges)}",
        ]
        lines += [
            _cell_line(cell, cached[sheet.title]) for row in sheet.iter_rows() for cell in row if cell.value is not None
        ]
    return "\n".join(lines) + "\n"


def _cell_line(cell: Any, cached: Worksheet) -> str:
    text = f"{cell.coordinate}\t{cell.value!r}"
    if isinstance(cell.value, str) and cell.value.startswith("="):
        text += f"\t→ {cached[cell.coordinate].value!r}"
    return text + (f"\t[{cell.number_format}]" if cell.number_format != "General" else "")


@pytest.mark.parametrize("name", NAMES)
def test_golden_contents(cases: dict[str, Case], name: str, golden: Any) -> None:
    golden(f"{name}.xlsx.txt", dump(cases[name].path))


# --------------------------------------------------------------------------- LibreOffice recompute


def zero_cached_values(source: Path, target: Path) -> None:
    """A copy whose formulas all cache 0: only a real recalculation can bring the right numbers back."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data, count = re.subn(rb"(<f>[^<]*</f><v>)[^<]*(</v>)", rb"\g<1>0\g<2>", data)
                assert count or info.filename.endswith("sheet1.xml")
            new.writestr(info, data)


@pytest.fixture(scope="module")
def recomputed(cases: dict[str, Case], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every workbook and its zeroed copy (dirs "in"), saved again (dir "out") by LibreOffice told to recalculate."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: cannot check that the formulas recompute")
    root = tmp_path_factory.mktemp("soffice")
    inputs, out, profile = root / "in", root / "out", root / "profile"
    inputs.mkdir()
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS, encoding="utf-8")
    files = []
    for name, case in cases.items():
        files += [inputs / f"{name}.xlsx", inputs / f"{name}-zeroed.xlsx"]
        shutil.copy(case.path, files[-2])
        zero_cached_values(case.path, files[-1])
    command = [soffice, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}"]
    command += ["--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), *map(str, files)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    missing = [f.name for f in files if not (out / f.name).exists()]  # soffice exits 0 even when it fails
    assert not missing, (missing, done.stdout, done.stderr)
    return {"in": inputs, "out": out}


@pytest.mark.parametrize("name", (*NAMES, CAPPED))
def test_libreoffice_recomputes_the_same_scores(cases: dict[str, Case], recomputed: dict[str, Path], name: str) -> None:
    case = cases[name]
    zeroed = openpyxl.load_workbook(recomputed["in"] / f"{name}-zeroed.xlsx", data_only=True)["评分表"]
    rows = total_rows(zeroed, first_indicator_row(zeroed) + len(case.table.rows))
    assert (zeroed.cell(rows["总分"], SCORE).value, zeroed.cell(rows["等级"], SCORE).value) == (0, "0")  # really wrong
    for variant in (name, f"{name}-zeroed"):
        assert_scores(openpyxl.load_workbook(recomputed["out"] / f"{variant}.xlsx", data_only=True)["评分表"], case)


# --------------------------------------------------------------------------- speed


def test_speed_of_one_workbook(cases: dict[str, Case], tmp_path: Path) -> None:
    """The goal is ≤ 20 ms per workbook on one core; the bound here leaves room for a busy machine."""
    case = cases["lechang-2023"]
    path = tmp_path / "speed.xlsx"
    times = []
    for _ in range(15):
        start = time.perf_counter()
        render_xlsx(case.card, case.framework, case.evaluation, path)
        times.append(time.perf_counter() - start)
    median_ms = statistics.median(times) * 1000
    print(f"render_xlsx lechang-2023: {median_ms:.1f} ms per .xlsx (median of 15)")
    assert median_ms < 100


def test_a_section_maximum_is_noted_as_points_are_written() -> None:
    card, framework, _ = scored("lechang-2023")
    framework = replace(framework, bonus=Section("加分项", Decimal("5.0")))
    notes = {row.kind: row.note for row in score_table(card, framework).totals}
    assert notes["bonus"] == "上限5分"
