"""The report model: outlines, wording, warnings, and agreement of every printed number with the scorecard."""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest

from conftest import EXAMPLES
from jixiao.core.numbers import fmt, fmt_points
from jixiao.documents.build import ReportError, Source, build_report
from jixiao.documents.html import to_html
from jixiao.documents.md import to_markdown
from jixiao.documents.model import Heading, Paragraph, Report, Table
from jixiao.services.documents import prepare
from jixiao.services.scoring import score_file

NAMES = ["lechang-2023", "zhanjiang-2020", "lianjiang-2024"]


def source_of(name: str) -> Source:
    _, source, why = prepare(EXAMPLES / f"{name}.yaml")
    assert source is not None, why
    return source


def report_of(name: str) -> Report:
    return build_report(source_of(name))


@pytest.mark.parametrize("name", NAMES)
def test_report_text_matches_golden(name: str, golden) -> None:  # type: ignore[no-untyped-def]
    report = report_of(name)
    golden(f"{name}.report.txt", report.text() + "\n\n[warnings]\n" + "\n".join(report.warnings) + "\n")


@pytest.mark.parametrize("name", NAMES)
def test_markdown_and_html_carry_the_same_text(name: str, golden) -> None:  # type: ignore[no-untyped-def]
    report = report_of(name)
    markdown = to_markdown(report)
    golden(f"{name}.report.md", markdown)
    html = to_html(report)
    assert html.startswith("<!DOCTYPE html>") and "<link" not in html and "<script" not in html
    html_text = unescape(re.sub(r"<[^>]+>", "", html))
    md_text = markdown.replace("**", "")
    for block in report.blocks:
        if isinstance(block, Paragraph | Heading) and block.text:
            assert block.text in html_text
            assert block.text in md_text


def test_zhanjiang_outline_sections_in_order() -> None:
    headings = [b.text for b in report_of("zhanjiang-2020").blocks if isinstance(b, Heading) and b.level == 1]
    assert headings == [
        "一、单位基本情况",
        "二、自评工作开展情况",
        "三、绩效自评情况",
        "四、其他自评情况",
        "附件1 数据表",
        "附件2 评分表",
    ]


def test_lechang_outline_sections_in_order() -> None:
    headings = [b.text for b in report_of("lechang-2023").blocks if isinstance(b, Heading) and b.level == 1]
    assert headings == [
        "一、部门的基本情况",
        "二、自评结论",
        "三、绩效分析",
        "四、主要绩效",
        "五、存在问题",
        "六、相关建议",
        "附件1 数据表",
        "附件2 评分表",
    ]


def test_opening_cites_the_notice_and_its_number() -> None:
    text = report_of("zhanjiang-2020").text()
    assert "根据《湛江市财政局关于开展2021年市级财政资金绩效自评工作的通知》（湛财绩[2021]5号）要求" in text


def test_spending_is_written_from_the_data() -> None:
    text = report_of("zhanjiang-2020").text()
    assert "2020年收入预算为3864.89万元，支出预算为3830.11万元。" in text
    assert "2020年决算总支出4276.91万元。" in text
    assert "上年结转结余378.68万元，年末结转结余131.19万元。" in text


def test_lechang_analysis_reads_like_the_report() -> None:
    text = report_of("lechang-2023").text()
    assert (
        "（1）部门预算资金支出率（3分）。\n自评得分6分，部门预算资金支出率=累计支出/年度部门预算资金×100%=912.97万元/912.97万元×100%=100.00%"
        in text
    )
    assert "资金下达合法性不适用，其3分调整至本指标" in text
    assert "自评分数为100分，等级为优（其中指标得分98分，加分项3.5分，合计101.5分，超过满分，按100分计）" in text
    assert "经评审调整为0分" in text


def test_empty_sections_are_warned_not_dropped() -> None:
    report = report_of("zhanjiang-2020")
    assert any("主要做法和经验" in w for w in report.warnings)
    text = report.text()
    assert "（三）主要做法和经验\n（未填写）" in text


def test_no_report_from_an_evaluation_with_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        (EXAMPLES / "lechang-2023.yaml").read_text(encoding="utf-8").replace("staff_actual: 23", "staff_actual: x"),
        encoding="utf-8",
    )
    scored = score_file(bad)
    assert scored.scorecard is not None
    with pytest.raises(ReportError):
        build_report(Source(scored.scorecard, scored.framework, scored.evaluation))  # type: ignore[arg-type]


# --------------------------------------------------------------------------- every number agrees


@pytest.mark.parametrize("name", NAMES)
def test_every_indicator_weight_and_score_printed_equals_the_scorecard(name: str) -> None:
    source = source_of(name)
    text = build_report(source).text()
    for result in source.scorecard.indicators:
        if not result.is_leaf or result.score is None:
            continue
        lead = f"{result.name}（{fmt_points(result.weight)}分）。"
        assert lead in text, lead
        after = text.split(lead, 1)[1].lstrip("\n")
        assert after.startswith(f"自评得分{fmt_points(result.score)}分"), (lead, after[:40])
        if (
            result.value is not None
            and result.applicable
            and result.rule_type in ("proportional", "threshold", "bands")
        ):
            assert f"{fmt(result.value)}{result_unit(source, result.id)}" in after.split("\n", 1)[0]


def result_unit(source: Source, indicator_id: str) -> str:
    return next(node.unit for node, _ in source.framework.walk() if node.id == indicator_id)


@pytest.mark.parametrize("name", NAMES)
def test_appendix_tables_equal_scorecard_and_data(name: str) -> None:
    source = source_of(name)
    report = build_report(source)
    tables = [b for b in report.blocks if isinstance(b, Table)]
    data, sheet = tables
    printed = {row.cells[1]: row.cells[2] for row in data.rows}
    for row in data.rows:
        if row.cells[2] != "—":
            assert Decimal(row.cells[2]) == next(
                v for k, v in source.evaluation.data.items() if row.cells[1] == _name(k, source)
            )
    assert printed
    scores = [Decimal(r.cells[4]) for r in sheet.rows if r.kind != "total" and r.cells[4] != "—"]
    expected = [r.score for r in source.scorecard.indicators if r.score is not None]
    assert scores == expected
    total_row = next(r for r in sheet.rows if r.cells[0] == "总分")
    assert Decimal(total_row.cells[4]) == source.scorecard.total


def _name(field_id: str, source: Source) -> str:
    from jixiao.core.fields import STANDARD_FIELDS

    return STANDARD_FIELDS[field_id].name if field_id in STANDARD_FIELDS else source.framework.fields[field_id].name


@pytest.mark.parametrize("name", NAMES)
def test_all_numbers_in_the_score_sentence_agree(name: str) -> None:
    source = source_of(name)
    text = build_report(source).text()
    match = re.search(r"自评分数为([\d.]+)分，等级为(\S)", text)
    assert match is not None
    assert Decimal(match[1]) == source.scorecard.total
    assert match[2] == source.scorecard.grade


def test_caps_are_stated_in_words(tmp_path: Path) -> None:
    text = report_of("lechang-2023").text()
    assert "（其中指标得分98分，加分项3.5分，合计101.5分，超过满分，按100分计）" in text
    table = (EXAMPLES.parent / "src/jixiao/frameworks/data/lechang-2023.yaml").read_text(encoding="utf-8")
    table = table.replace("cap: 100\n", 'cap: 100\ncaps:\n  - {when: "@execution.staffing < 80", max: 89}\n')
    (tmp_path / "capped.yaml").write_text(table, encoding="utf-8")
    evaluation = (
        (EXAMPLES / "lechang-2023.yaml")
        .read_text(encoding="utf-8")
        .replace("framework: lechang-2023", f"framework: {tmp_path / 'capped.yaml'}")
    )
    (tmp_path / "e.yaml").write_text(evaluation, encoding="utf-8")
    _, source, why = prepare(tmp_path / "e.yaml")
    assert source is not None, why
    assert source.scorecard.total == Decimal(89)
    capped = build_report(source).text()
    assert "因“@execution.staffing < 80”成立，总分不超过89分，按89分计" in capped
    assert "自评分数为89分，等级为良" in capped


def test_a_custom_figure_is_printed_in_the_data_table_as_in_the_explanations() -> None:
    from dataclasses import replace

    from jixiao.core.explain import field_figure
    from jixiao.core.model import Field
    from jixiao.documents.build import data_table

    source = source_of("lechang-2023")
    fields = {**source.framework.fields, "audit_days": Field("audit_days", "审计天数", "天")}
    framework = replace(source.framework, fields=fields)
    evaluation = replace(source.evaluation, data={**source.evaluation.data, "audit_days": Decimal(5)})
    table = data_table(replace(source, framework=framework, evaluation=evaluation))
    row = next(r.cells for r in table.rows if r.cells[1] == "审计天数")
    assert row[2] + row[3] == field_figure("audit_days", Decimal(5), fields) == "5天"
