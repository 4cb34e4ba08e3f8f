"""The auditor on the real seed reports, on reports jixiao generates, and on injected faults."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from conftest import EXAMPLES, SEEDS, needs_seeds
from jixiao.audit.checks import run_checks
from jixiao.audit.extract import extract
from jixiao.audit.model import Document, Line
from jixiao.documents.build import build_report
from jixiao.services.audit import audit_file, audit_json
from jixiao.services.documents import prepare

LIANJIANG, LECHANG, ZHANJIANG = (
    SEEDS / "000_a00a4ecf0d918d5e.txt",
    SEEDS / "003_673b39950d73d57f.txt",
    SEEDS / "004_c422740acbf9e05b.txt",
)


def errors(path: Path) -> set[tuple[str, int | None]]:
    return {(f.code, f.line) for f in audit_file(path).findings if f.severity == "error"}


def codes(path: Path) -> set[str]:
    return {f.code for f in audit_file(path).findings}


# --------------------------------------------------------------------------- the seeds (domain.md §7)


@needs_seeds
def test_zhanjiang_2020_extraction() -> None:
    data = audit_json(audit_file(ZHANJIANG))
    assert (data["unit"], data["year"], data["fill_date"], data["score"], data["grade"]) == (
        "中共湛江市委办公室",
        2020,
        "2021-06-10",
        100.0,
        "优",
    )
    assert data["figures"]["income_budget"] == 3830.11
    assert data["figures"]["income_final"] == 4029.42
    assert data["figures"]["expenditure_final"] == 4276.91
    assert data["figures"]["procurement_actual"] == 391.90


@needs_seeds
def test_zhanjiang_2020_faults_and_nothing_else() -> None:
    found = audit_file(ZHANJIANG).findings
    conflict = next(f for f in found if f.code == "figure-conflict")
    assert "3830.11" in conflict.message and "3864.89" in conflict.message
    assert "3864.89" in conflict.quote
    repeat = next(f for f in found if f.code == "numbering-repeat")
    assert "四是" in repeat.message and repeat.quote.startswith("四是")
    gaps = [f for f in found if f.code == "numbering-gap"]
    assert any("一、" in f.message and f.quote.startswith("二、") for f in gaps)
    assert errors(ZHANJIANG) == {
        ("numbering-gap", 20),
        ("numbering-gap", 43),
        ("figure-conflict", 71),
        ("numbering-repeat", 81),
        ("numbering-gap", 104),
    }
    assert "ratio-mismatch" not in codes(ZHANJIANG)  # its ratios all recompute


@needs_seeds
def test_lechang_2023_extraction() -> None:
    data = audit_json(audit_file(LECHANG))
    assert (data["unit"], data["year"], data["fill_date"], data["score"]) == (
        "乐昌市人民政府办公室",
        2023,
        "2024-05-21",
        100.0,
    )
    assert data["figures"]["income_final"] == 912.97
    scores = {s["name"]: (s["score"], s["weight"]) for s in data["indicator_scores"]}
    assert scores["部门预算资金支出率"] == (6.0, 3.0)
    assert scores["政府采购执行率"] == (0.0, 2.0)
    assert sum(s["score"] for s in data["indicator_scores"]) == 98.0


@needs_seeds
def test_lechang_2023_faults_and_what_it_explains() -> None:
    found = audit_file(LECHANG).findings
    conflicts = [f for f in found if f.code == "figure-conflict"]
    assert conflicts and all("912.96" in f.message and "912.97" in f.message for f in conflicts)
    assert any(f.code == "year-mismatch" and "2022年" in f.quote and "固定资产" in f.quote for f in found)
    assert any(f.code == "numbering-repeat" and f.quote.startswith("1.") for f in found)
    # 支出率 weight 3 scored 6 is explained by the stated transfer; 100 = min(100, 98 + 3.5)
    assert "score-over-weight" not in codes(LECHANG)
    assert "total-mismatch" not in codes(LECHANG)
    assert {c for c, _ in errors(LECHANG)} == {"figure-conflict", "numbering-repeat"}


@needs_seeds
def test_lianjiang_2024_empty_heading_and_nothing_else() -> None:
    data = audit_json(audit_file(LIANJIANG))
    assert (data["unit"], data["year"], data["fill_date"], data["score"], data["grade"]) == (
        "廉江市人民政府办公室",
        2024,
        "2025-07-08",
        97.0,
        "优",
    )
    assert data["figures"] == {
        "income_budget": 717.33,
        "expenditure_budget": 717.33,
        "income_final": 836.63,
        "expenditure_final": 835.78,
        "public_final": 29.59,
        "public_prior": 65.43,
    }
    empty = [f for f in audit_file(LIANJIANG).findings if f.code == "empty-section"]
    assert len(empty) == 1 and "三是预算编制准确性" in empty[0].quote
    assert errors(LIANJIANG) == set()


# --------------------------------------------------------------------------- generated reports audit clean


def generated_text(name: str) -> str:
    _, source, why = prepare(EXAMPLES / f"{name}.yaml")
    assert source is not None, why
    return build_report(source).text()


def audit_text(text: str) -> tuple[object, list]:  # type: ignore[type-arg]
    doc = Document("report.txt", "txt", tuple(Line(t, i) for i, t in enumerate(text.splitlines(), 1) if t.strip()))
    found = extract(doc)
    return found, run_checks(doc, found)


@pytest.mark.parametrize("name", ["lechang-2023", "zhanjiang-2020", "lianjiang-2024"])
def test_generated_report_audits_without_errors_and_gives_back_its_figures(name: str) -> None:
    _, source, _ = prepare(EXAMPLES / f"{name}.yaml")
    assert source is not None
    found, findings = audit_text(build_report(source).text())
    assert [f for f in findings if f.severity == "error"] == []
    assert found.score == source.scorecard.total  # type: ignore[attr-defined]
    assert found.grade == source.scorecard.grade  # type: ignore[attr-defined]
    assert found.year == source.evaluation.year  # type: ignore[attr-defined]
    for key, figures in found.figures.items():  # type: ignore[attr-defined]
        assert all(f.value == source.evaluation.data[key] for f in figures), key


@pytest.mark.parametrize("suffix", ["docx", "pdf"])
def test_generated_document_files_audit_clean(suffix: str, tmp_path: Path) -> None:
    import shutil

    from jixiao.services.documents import write_reports

    if suffix == "pdf" and shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) not installed: run bash scripts/install-system-deps")
    names = ["lechang-2023", "zhanjiang-2020", "lianjiang-2024"]
    outputs = [tmp_path / f"{n}.{suffix}" for n in names]
    write_reports([EXAMPLES / f"{n}.yaml" for n in names], outputs)
    for name, out in zip(names, outputs, strict=True):
        _, source, _ = prepare(EXAMPLES / f"{name}.yaml")
        assert source is not None
        result = audit_file(out)
        assert [f for f in result.findings if f.severity == "error"] == [], name
        assert result.found.score == source.scorecard.total
        assert result.found.unit == source.evaluation.unit.name
        assert result.found.year == source.evaluation.year


# --------------------------------------------------------------------------- mutations: each fault is found

MUTATIONS = [
    ("figure-conflict", "合计预算912.97万元", "合计预算921.97万元"),
    ("ratio-mismatch", "912.97万元/912.97万元×100%=100.00%", "912.97万元/912.97万元×100%=99.00%"),
    ("unit-suspect", "912.97万元/912.97万元×100%=100.00%", "9129700元/912.97万元×100%=100.00%"),
    ("sum-mismatch", "其中基本支出795.87万元", "其中基本支出759.87万元"),
    (
        "score-over-weight",
        "（2）结转结余率（3分）。\n结转结余率=",
        "（2）结转结余率（3分）。\n自评得分5分，结转结余率=",
    ),
    ("total-mismatch", "自评分数为100分", "自评分数为96分"),
    ("grade-mismatch", "等级为优", "等级为良"),
    ("numbering-repeat", "三、绩效分析", "二、绩效分析"),
    ("numbering-gap", "五、存在问题", "七、存在问题"),
    ("year-mismatch", "2023年，乐昌市人民政府办公室部门整体支出", "2019年，乐昌市人民政府办公室部门整体支出"),
    ("empty-section", "四、主要绩效\n切实加强政治建设", "四、主要绩效\n五、存在问题\n切实加强政治建设"),
    ("missing-section", "五、存在问题\n政府采购预算编制不科学", "五、其他\n政府采购预算编制不科学"),
    ("count-mismatch", "（二）部门整体收支情况", "（二）部门整体收支情况\n我办共设3个股室，分别为：秘书股、调研股。"),
    ("missing-figure", "2023年决算总收入912.97万元", "2023年决算总共912.97万元"),
]


@pytest.mark.parametrize(("code", "old", "new"), MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_each_injected_fault_is_found(code: str, old: str, new: str) -> None:
    text = generated_text("lechang-2023")
    assert old in text, old
    _, before = audit_text(text)
    assert code not in {f.code for f in before}
    _, after = audit_text(text.replace(old, new, 1))
    assert code in {f.code for f in after}, [(f.code, f.message) for f in after]


def test_name_mismatch_between_cover_and_opening() -> None:
    text = generated_text("zhanjiang-2020").replace(
        "现将2020年度中共湛江市委办公室", "现将2020年度中共湛江市政府办公室"
    )
    _, findings = audit_text(text)
    assert "name-mismatch" in {f.code for f in findings}


def test_unreadable_file_is_a_finding(tmp_path: Path) -> None:
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"not a zip at all")
    result = audit_file(bad)
    assert [f.code for f in result.findings] == ["unreadable"]
    assert "broken.docx" in result.findings[0].message


# --------------------------------------------------------------------------- another region's style, in GBK

POTOU_STYLE = Path(__file__).parent / "fixtures" / "audit" / "potou-style-gbk.txt"


def test_other_style_in_gbk_extraction() -> None:
    result = audit_file(POTOU_STYLE)
    assert result.document.encoding == "gb18030"
    data = audit_json(result)
    assert (data["unit"], data["year"], data["fill_date"], data["score"], data["grade"]) == (
        "湛江市坡头区某局",
        2022,
        "2023-05-04",
        96.0,
        "良",
    )
    assert [(s["name"], s["score"], s["weight"]) for s in data["indicator_scores"]] == [
        ("前期准备", 19.0, 20.0),
        ("预算编制", 15.0, 15.0),
        ("预算支出管理", 52.0, 55.0),
        ("部门产出绩效", 12.0, 10.0),
    ]


def test_other_style_faults() -> None:
    found = {(f.code, f.line) for f in audit_file(POTOU_STYLE).findings}
    assert found == {
        ("sum-mismatch", 7),  # 600.00 + 170.65 ≠ 776.65, reported once
        ("score-over-weight", 16),  # 12 of 10
        ("grade-mismatch", 18),  # 96 is 优, not 良好
        ("total-mismatch", 18),  # 19 + 15 + 52 + 12 = 98 ≠ 96
        ("missing-section", None),  # no 自评工作开展情况
    }


@needs_seeds
def test_stated_ratios_with_their_inputs_are_extracted_and_recomputed() -> None:
    ratios = {r["name"]: r for r in audit_json(audit_file(ZHANJIANG))["ratios"]}
    assert ratios["支出完成率"]["inputs"] == [4276.91, 4029.42, 378.68]
    assert ratios["支出完成率"]["stated"] == ratios["支出完成率"]["recomputed"] == 97.02
    assert ratios["国库集中支付结转结余存量资金变动率"]["recomputed"] == -79.72
    assert ratios["单位当年度结转结余额与当年度收入总额的比率"]["stated"] == 2.98


def test_colon_forms_full_width_digits_and_thousands_separators() -> None:
    data = audit_json(audit_file(Path(__file__).parent / "fixtures" / "audit" / "variant-colons.txt"))
    assert (data["unit"], data["year"], data["fill_date"], data["score"], data["grade"]) == (
        "某县农业农村局",
        2023,
        "2024-03-08",
        92.0,
        "优",
    )
    assert data["figures"]["income_budget"] == data["figures"]["expenditure_budget"] == 1234.56  # １，２３４．５６
    assert data["ratios"][0]["recomputed"] == 95.62
    assert data["findings"] == []


def test_a_table_run_together_by_a_pdf_text_layer_is_not_read_as_prose() -> None:
    from jixiao.audit.check_base import looks_tabular

    dump = "项目预算数决算数1基本支出795.87795.872项目支出117.10117.103合计912.97912.974三公经费66.003.14"
    prose = "2023年我办累计支出912.97万元，其中基本支出795.87万元，项目支出117.10万元，合计912.97万元。"
    assert looks_tabular(dump)
    assert not looks_tabular(prose)
    text = generated_text("lechang-2023").replace("四、主要绩效", f"{dump}\n四、主要绩效")
    _, findings = audit_text(text)
    assert [f for f in findings if f.severity == "error"] == []


# --------------------------------------------------------------------------- ordinary wording: no errors

CLEAN_SENTENCES = [
    "“三公”经费预算安排15.00万元，实际支出12.00万元。",
    "政府采购预算安排120.00万元。",
    "项目支出预算380.00万元。",
    "其中专项项目总支出380.00万元。",
    "2023年上半年累计支出600.00万元。",
    "2022年决算总收入为1100.00万元。",
    "上年度决算总支出为1050.00万元。",
    "现将2023年度我局整体支出绩效自评情况报告如下：",
    "现将2023年度部门整体支出绩效自评情况报告如下：",
    "支出1280万元，比上年增加80万元，其中人员经费1000万元，公用经费200万元。",
    "1.科学合理编制预算。\n2.加强预算执行监控。",
    "内设机构5个，分别为：办公室（挂财务室、档案室牌子）、业务一科、业务二科和人事科、法规科。",
    "资金结余率=1-94.81%=5.19%。",
]


def consistent_report(extra: str) -> str:
    return "\n".join(
        [
            "某县示范局2023年度部门整体支出绩效自评报告",
            "评价单位：某县示范局",
            "一、单位基本情况",
            "2023年收入预算数为1200.00万元，支出预算数为1200.00万元；收入决算数1250.00万元，支出决算数1185.00万元。",
            extra,
            "二、自评工作开展情况",
            "成立自评小组。",
            "三、绩效自评情况",
            "自评总分：92分，评价等级：优秀。",
            "四、存在问题",
            "无。",
            "五、改进措施",
            "无。",
        ]
    )


@pytest.mark.parametrize("sentence", CLEAN_SENTENCES)
def test_ordinary_wording_raises_no_error(sentence: str) -> None:
    _, findings = audit_text(consistent_report(sentence))
    assert [(f.code, f.message) for f in findings if f.severity == "error"] == []


@pytest.mark.parametrize(
    ("sentence", "code"),
    [
        ("预决算差异率=（1,300.00万元-1,250.00万元）/1,250.00万元*100%=9.00%。", "ratio-mismatch"),
        ("公用经费比率=（850.00元/860.00万元）*100%=98.84%。", "unit-suspect"),
        ("基本支出900万元，其中人员经费710万元。公用经费决算数200万元。", "sum-mismatch"),
    ],
)
def test_faults_found_in_varied_wording(sentence: str, code: str) -> None:
    text = consistent_report(sentence).replace("支出决算数1185.00万元", "支出决算数1185.00万元，基本支出900万元")
    _, findings = audit_text(text)
    assert code in {f.code for f in findings}, [(f.code, f.message) for f in findings]


def test_total_above_100_and_penalties() -> None:
    _, findings = audit_text(consistent_report("").replace("自评总分：92分", "自评总分：105分"))
    assert "total-mismatch" in {f.code for f in findings}
    scored = "\n".join(f"（{i}）指标{i}（25分）。\n自评得分{s}分，说明。" for i, s in enumerate((24, 23, 23, 22), 1))
    text = consistent_report(scored + "\n减分项得分2分。").replace("自评总分：92分", "自评总分：90分")
    _, findings = audit_text(text)
    assert "total-mismatch" not in {f.code for f in findings}  # 92 − 2 = 90


@needs_seeds
@pytest.mark.skipif(__import__("shutil").which("soffice") is None, reason="LibreOffice not installed")
def test_a_seed_as_pdf_audits_like_the_text(tmp_path: Path) -> None:
    """The same report as .txt and as PDF (Word → LibreOffice) gives the same findings: wraps, labels alone on
    their line and text-layer quirks do not add or hide any."""
    from docx import Document as WordDocument

    from jixiao.documents.pdf import convert_to_pdf

    sources = []
    for seed in (LECHANG, ZHANJIANG):
        word = WordDocument()
        for text in seed.read_text(encoding="utf-8").splitlines():
            if text.strip():
                word.add_paragraph(text.strip())
        word.save(str(tmp_path / f"{seed.stem}.docx"))
        sources.append(tmp_path / f"{seed.stem}.docx")
    for seed, pdf in zip((LECHANG, ZHANJIANG), convert_to_pdf(sources, tmp_path), strict=True):
        as_text = {(f.code, f.severity) for f in audit_file(seed).findings}
        as_pdf = {(f.code, f.severity) for f in audit_file(pdf).findings}
        assert as_pdf == as_text, seed.name


@pytest.mark.parametrize(
    ("sentence", "faulty"),
    [
        ("我局共有内设机构5个，其中综合科室2个，业务科室2个。", True),
        ("在职55人，其中行政人员50人，工勤人员7人。", True),
        ("内设机构3个，其中综合科室1个，业务科室2个。", False),
        ("调研员共6名（其中一级调研员不超过3名），三、四级调研员共11名。", False),
    ],
)
def test_counts_whose_parts_do_not_add_up(sentence: str, faulty: bool) -> None:
    _, findings = audit_text(consistent_report(sentence))
    assert ("count-mismatch" in {f.code for f in findings}) is faulty


# --------------------------------------------------------------------------- the 评分表 table of a report


def table_doc(*rows: str, prose: str = "自评总分为95分，等级为优。") -> Document:
    lines = [Line(prose, 1)] + [Line(row, i, in_table=True) for i, row in enumerate(rows, 2)]
    return Document("report.docx", "docx", tuple(lines))


HEADER = "一级指标 | 二级指标 | 三级指标 | 分值 | 得分 | 评分依据"


def test_table_rows_are_read_with_their_weights_and_the_total() -> None:
    found = extract(
        table_doc(
            HEADER,
            "预算执行 | | | 40 | 38 |",
            "| | 结转结余率 | 3 | 2.5 | 按比例计分",
            "| 人员管理 | | 2 | 2 |",
            "总分 | | | | 95 |",
        )
    )
    assert [(r.name, r.weight, r.score) for r in found.table_scores] == [
        ("预算执行", 40, 38),
        ("结转结余率", 3, Decimal("2.5")),
        ("人员管理", 2, 2),
    ]
    assert found.table_total is not None and found.table_total[0] == 95


def test_a_table_row_scored_above_its_weight_is_an_error_unless_points_were_moved() -> None:
    doc = table_doc(HEADER, "| | 结转结余率 | 3 | 5 | 按比例计分", "| | 支出率 | 3 | 6 | 其3分调整至本指标")
    findings = [f for f in run_checks(doc, extract(doc)) if f.code == "score-over-weight"]
    assert [(f.line, f.severity) for f in findings] == [(3, "error")]
    assert "评分表中“结转结余率”得分5分超过分值3分" in findings[0].message


def test_a_table_total_other_than_the_text_is_warned() -> None:
    doc = table_doc(HEADER, "| | 结转结余率 | 3 | 3 |", "总分 | | | | 93 |")
    findings = [f for f in run_checks(doc, extract(doc)) if f.code == "total-mismatch"]
    assert [(f.severity, f.line) for f in findings] == [("warning", 4)]
    assert "评分表总分93分" in findings[0].message and "95分" in findings[0].message


def test_rows_merged_unlike_the_header_and_other_tables_are_not_misread() -> None:
    found = extract(table_doc(HEADER, "结转结余率 | 3 | 9", "序号 | 项目 | 数值 | 单位", "1 | 收入 | 912.97 | 万元"))
    assert found.table_scores == []
    found = extract(table_doc("指标 | 评分标准 | 得分", "结转结余率 | 3 | 5"))  # 评分标准 is not 分值
    assert found.table_scores == []


def test_a_generated_docx_with_a_table_score_changed_is_caught(tmp_path: Path) -> None:
    import docx

    from jixiao.services.documents import write_reports

    path = tmp_path / "lechang-2023.docx"
    write_reports([EXAMPLES / "lechang-2023.yaml"], [path])
    document = docx.Document(str(path))
    table = document.tables[-1]
    for row in table.rows:
        cells = [c.text for c in row.cells]
        if cells[2] == "结转结余率" or cells[0] == "总分":
            row.cells[6].paragraphs[0].runs[0].text = "5" if cells[2] == "结转结余率" else "99"
    document.save(str(path))
    findings = audit_file(path).findings
    assert any(f.code == "score-over-weight" and "评分表中“结转结余率”得分5分" in f.message for f in findings)
    assert any(f.code == "total-mismatch" and "评分表总分99分" in f.message for f in findings)


def test_a_score_merged_over_several_rows_is_not_read_as_one_rows() -> None:
    # 得分 given per group, merged down over its leaves: 8 belongs to both rows, not to the first alone
    found = extract(table_doc(HEADER, "| 资金管理 | 支出率 | 3 | 8 |", "| | 结转率 | 5 | |"))
    assert found.table_scores == []


def test_points_after_a_comma_count_in_their_sequence() -> None:
    text = "我办采取了四项措施：一是加强管理。二是完善制度，三是落实责任；四是强化监督。"
    doc = Document("report.txt", "txt", (Line(text, 1),))
    assert "numbering-gap" not in {f.code for f in run_checks(doc, extract(doc))}


def test_json_recomputes_a_ratio_half_up_like_the_findings(tmp_path: Path) -> None:
    report = tmp_path / "r.txt"
    report.write_text("支出完成率=4.265万元/100万元×100%=4.27%。\n", encoding="utf-8")
    result = audit_file(report)
    assert audit_json(result)["ratios"][0]["recomputed"] == 4.27
    assert "ratio-mismatch" not in {f.code for f in result.findings}
