"""The report model: outlines, wording, warnings, and agreement of every printed number with the scorecard."""

from __future__ import annotations

import itertools
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
        "（1）部门预算资金支出率（3分）。\n部门预算资金支出率=累计支出/年度部门预算资金×100%=912.97万元/912.97万元×100%=100.00%；"
        "因“资金下达合法性”不适用，其分值调整至本指标，本指标分值由3分调整为6分；达到100%，计满分，得6分。"
    ) in text
    assert "我办无一般性转移支付和专项转移支付，本指标不适用，其分值3分调整至“部门预算资金支出率”。" in text
    assert "自评分数为100分，等级为优（其中指标得分98分，加分项3.5分，合计101.5分，超过满分，按100分计）" in text
    # the unit lowered its own score: its reason and the points, not the reviewer's "经评审调整为"
    assert "远超采购预算；政府采购预算编制不科学，未充分考虑本单位实际需要，自评得0分。" in text
    assert (
        "上年末国库集中支付结转结余存量资金为零，无法计算存量资金变动率，本指标不适用，按评分表规定计满分，得3分。"
        in text
    )


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
        account = after.split("\n", 1)[0]
        if result.applicable or result.score == result.weight:
            assert account.endswith(f"得{fmt_points(result.score)}分。"), (lead, account)
        else:  # its weight was moved to another indicator: no score of its own to state
            assert "本指标不适用，其分值" in account and "得" not in account, (lead, account)
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
    assert sheet.header == ("一级指标", "二级指标", "三级指标", "分值", "指标解释", "评分标准", "得分", "说明")
    scores = [Decimal(r.cells[6]) for r in sheet.rows if r.kind != "total" and r.cells[6] != "—"]
    expected = [r.score for r in source.scorecard.indicators if r.is_leaf and r.score is not None]
    assert scores == expected
    total_row = next(r for r in sheet.rows if r.cells[0] == "总分")
    assert Decimal(total_row.cells[6]) == source.scorecard.total
    # the upper levels are merged over their rows: every leaf row carries its 一级指标's key
    leaves = [r for r in sheet.rows if r.kind != "total"]
    assert all(r.merge[0] for r in leaves)
    assert (
        sum(1 for above, r in itertools.pairwise(leaves) if not r.merged_with(above, 0))
        == len(source.framework.indicators) - 1
    )


def test_a_transferred_weight_is_explained_in_its_row() -> None:
    sheet = [b for b in report_of("lechang-2023").blocks if isinstance(b, Table)][1]
    row = next(r for r in sheet.rows if r.cells[2] == "部门预算资金支出率")
    assert (row.cells[3], row.cells[6]) == ("3（调整后6）", "6")
    assert "因“资金下达合法性”不适用，其分值调整至本指标，本指标分值由3分调整为6分" in row.cells[7]


ENGINE_PHRASES = ("缺少数据", "采用填报值", "不适用：", "无法计算（", "经评审", "按规则计算为", "自评得分0分", "sha256")


@pytest.mark.parametrize("name", NAMES)
def test_no_internal_id_or_engine_phrase_in_the_report(name: str) -> None:
    source = source_of(name)
    report = build_report(source)
    text = report.text()
    for phrase in ENGINE_PHRASES:
        assert phrase not in text, phrase
    assert source.framework.id not in text and f"第{source.framework.version}版" not in text
    assert "jixiao" not in text and "data." not in text
    ids = {node.id for node, _ in source.framework.walk()} | set(source.evaluation.data)
    ascii_words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_.]{2,}", text))
    assert not ascii_words & ids, ascii_words & ids
    # the engine's wording stays in the scorecard, where a reviewer reads it
    assert any("采用填报值" in r.explanation or "经评审" in r.explanation for r in source.scorecard.indicators)


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
