"""The .docx renderer: GB/T 9704 layout, fonts, tables and text, read back with python-docx."""

from __future__ import annotations

import re
import time
import zipfile
from pathlib import Path

import docx
import pytest
from docx.shared import Mm, Pt
from lxml import etree

from jixiao.documents.docx import document_xml, render_docx
from jixiao.documents.model import Heading, PageBreak, Paragraph, Report, Row, Run, Stamp, Table, TitleBlock

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
STAMP = Stamp("zhanjiang-city", 3, "a" * 64, "b" * 64, "jixiao 0.1.0")

INDICATORS = [  # (一级, 二级/三级, 分值, 得分)
    ("预算编制", "预算编制合理性", "6", "5.5"),
    ("预算编制", "绩效目标合理性", "4", "4"),
    ("预算编制", "绩效指标明确性", "4", "3"),
    ("预算执行", "预算完成率", "8", "7.76"),
    ("预算执行", "预算调整率", "5", "5"),
    ("预算执行", "支付进度率", "5", "4.5"),
    ("预算执行", "结转结余率", "5", "5"),
    ("预算执行", "“三公经费”控制率", "4", "4"),
    ("预算管理", "管理制度健全性", "4", "4"),
    ("预算管理", "资金使用合规性", "6", "6"),
    ("预算管理", "预决算信息公开性", "3", "3"),
    ("资产管理", "资产管理安全性", "4", "3.5"),
    ("资产管理", "固定资产利用率", "3", "3"),
]


def score_table(repeat: int = 3) -> Table:
    """A 评分表 of about 45 rows: groups, indicators, subtotals and the total (spans pages)."""
    rows: list[Row] = []
    for n in range(repeat):
        group = None
        for first, name, weight, score in INDICATORS:
            if first != group:
                group = first
                rows.append(Row((f"{first}（第{n + 1}部分）",), "group"))
            note = "按《湛江市财政局关于开展2023年度部门整体支出绩效自评工作的通知》要求核实"
            rows.append(Row((first, name, weight, score, note)))
        rows.append(Row(("小计", "", "61", "58.26", ""), "subtotal"))
    rows.append(Row(("合计", "", "100", "93.26", "等级：优"), "total"))
    return Table(
        caption="表2 部门整体支出绩效评价指标评分表",
        header=("一级指标", "二级指标", "分值", "得分", "评分说明"),
        rows=tuple(rows),
        widths=(2, 3, 1, 1, 5),
        align=("left", "left", "right", "right", "left"),
    )


BUDGET = Table(
    caption="表1 2023年度部门整体支出情况（万元）",
    header=("项目", "年初预算", "调整预算", "实际支出", "执行率"),
    rows=(
        Row(("基本支出", "2,345.67", "2,401.20", "2,398.55", "99.89%")),
        Row(("项目支出", "1,683.75", "2,006.90", "1,878.36", "93.59%")),
        Row(("合计", "4,029.42", "4,408.10", "4,276.91", "97.02%"), "total"),
    ),
    widths=(3, 2, 2, 2, 2),
    align=("left", "right", "right", "right", "right"),
)

BODY = (
    "根据《湛江市财政局关于开展2023年度部门整体支出绩效自评工作的通知》（湛财绩〔2024〕5号）要求，"
    "我单位及时布置自评工作，成立自评工作小组，对2023年度部门整体支出情况开展绩效自评。"
)


def para(text: str, lead: str = "") -> Paragraph:
    return Paragraph((Run(lead, bold=True), Run(text)) if lead else (Run(text),))


def sample_report(filler: int = 0) -> Report:
    """A realistic report with every block kind; ``filler`` adds that many extra heading+paragraph pairs."""
    blocks = [
        para(BODY),
        Heading(1, "一、单位基本情况"),
        Heading(2, "（一）单位机构设置、部门职能情况"),
        para("本单位内设办公室、财务科、业务科等5个科室，下属事业单位2个。", lead="1.单位情况。"),
        para("年末实有人数86人，其中在职人员72人，离退休人员14人。", lead="2.人员情况。"),
        Heading(2, "（二）部门整体支出情况"),
        BUDGET,
        para("支出完成率=单位年度实际支出/财政下达预算数*100%=4276.91万元/（4029.42+378.68）万元*100%=97.02%。"),
        Heading(1, "二、自评工作开展情况"),
        Heading(3, "1.评价小组情况"),
        para("自评工作小组由单位主要负责同志任组长，分管财务的负责同志任副组长。" * 3),
        Heading(4, "（1）自评工作过程"),
        para("自评工作分为前期准备、组织实施、分析评价和撰写报告四个阶段。" * 2),
    ]
    for n in range(filler):
        blocks += [Heading(3, f"{n + 2}.补充说明事项"), para(BODY * 2)]
    blocks += [
        PageBreak(),
        Heading(1, "三、绩效自评情况"),
        Heading(2, "（一）自评结果"),
        score_table(),
        para("自评得分93.26分，自评等级为“优”。"),
        Paragraph((Run("注：本报告金额单位除特别注明外均为万元。"),), "note"),
        Paragraph((Run("湛江市某某局"),), "signature"),
        Paragraph((Run("2024年3月15日"),), "signature"),
    ]
    title = TitleBlock(
        "湛江市某某局2023年度部门整体支出绩效自评报告",
        (("评价年度", "2023年度"), ("评价单位（盖章）", "湛江市某某局"), ("填报日期", "2024年3月15日")),
        note="附件4",
    )
    return Report(title, tuple(blocks), STAMP, "湛江市某某局", 2023, "93.26", "优")


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("docx") / "report.docx"
    render_docx(sample_report(), path)
    return path


def east_asia(style: docx.styles.style.BaseStyle) -> str | None:
    """The w:eastAsia font of a style, following basedOn."""
    while style is not None:
        fonts = style.element.find(f"{W}rPr/{W}rFonts")
        if fonts is not None and fonts.get(f"{W}eastAsia"):
            return fonts.get(f"{W}eastAsia")
        style = style.base_style
    return None


def paragraph_texts(report: Report) -> list[str]:
    """What the body paragraphs should read, in order (tables contribute their caption)."""
    title = report.title
    texts = [title.note, title.title, *(f"{label}：{value}" for label, value in title.lines)]
    for block in report.blocks:
        if isinstance(block, Heading | Paragraph):
            texts.append(block.text)
        elif isinstance(block, Table):
            texts.append(block.caption)
    return [*texts, report.stamp.line()]  # the stamp closes the document in a small grey line


def test_paragraph_texts_in_order(written: Path) -> None:
    document = docx.Document(str(written))
    assert [p.text for p in document.paragraphs if p.text] == paragraph_texts(sample_report())


def test_stamp_is_in_the_properties_and_a_discreet_last_line(written: Path) -> None:
    report = sample_report()
    document = docx.Document(str(written))
    last = [p for p in document.paragraphs if p.text][-1]
    assert last.text == report.stamp.line()
    assert last.runs[0].font.size == Pt(8)
    assert report.stamp.framework_sha256 in document.core_properties.comments
    assert report.stamp.framework_sha256[:16] not in "".join(p.text for p in document.paragraphs[:-1])


def test_styles_and_fonts(written: Path) -> None:
    document = docx.Document(str(written))
    by_text = {p.text: p for p in document.paragraphs}
    expect = {
        "湛江市某某局2023年度部门整体支出绩效自评报告": ("Title", "方正小标宋简体", 22),
        "一、单位基本情况": ("Heading 1", "黑体", 16),
        "（一）自评结果": ("Heading 2", "楷体", 16),
        "1.评价小组情况": ("Heading 3", "仿宋_GB2312", 16),
        BODY: ("公文正文", "仿宋_GB2312", 16),
        "附件4": ("附件标注", "黑体", 16),
    }
    for text, (style, font, size) in expect.items():
        paragraph = by_text[text]
        assert paragraph.style.name == style, text
        assert east_asia(paragraph.style) == font, text
        assert paragraph.style.font.size == Pt(size) or paragraph.style.base_style.font.size == Pt(size), text
    body = document.styles["公文正文"]
    assert body.paragraph_format.first_line_indent == Pt(32)
    normal = document.styles["Normal"].paragraph_format
    assert normal.line_spacing == Pt(28.95) and normal.line_spacing_rule == docx.enum.text.WD_LINE_SPACING.EXACTLY
    assert document.styles["Heading 3"].font.bold is True
    assert document.styles["Heading 1"].font.bold is False
    table_text = document.styles["表格文字"]
    assert table_text.paragraph_format.first_line_indent in (None, 0)
    assert east_asia(table_text) == "仿宋_GB2312" and table_text.font.size == Pt(10.5)


def test_bold_lead_in_and_kinds(written: Path) -> None:
    document = docx.Document(str(written))
    lead = next(p for p in document.paragraphs if p.text.startswith("1.单位情况。"))
    assert [(r.text, r.bold) for r in lead.runs] == [("1.单位情况。", True), (lead.text[7:], None)]
    by_text = {p.text: p.style.name for p in document.paragraphs}
    assert by_text["注：本报告金额单位除特别注明外均为万元。"] == "公文附注"
    assert by_text["2024年3月15日"] == "Signature"
    assert by_text["评价年度：2023年度"] == "封面信息"
    assert document.paragraphs[0].text == "附件4"


def test_page_setup_and_grid(written: Path) -> None:
    section = docx.Document(str(written)).sections[0]
    assert (section.page_width, section.page_height) == (Mm(210), Mm(297)) or (
        abs(section.page_width - Mm(210)) < Mm(0.1) and abs(section.page_height - Mm(297)) < Mm(0.1)
    )
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert all(abs(m - Mm(v)) < Mm(0.05) for m, v in zip(margins, (37, 35, 28, 26), strict=True))
    grid = section._sectPr.find(f"{W}docGrid")
    assert grid.get(f"{W}type") == "lines" and grid.get(f"{W}linePitch") == "579"
    footer = "".join(t.text for t in section.footer._element.iter(f"{W}t", f"{W}instrText"))
    assert footer.replace(" ", "") == "—PAGE1—"
    assert section.even_page_footer._element.find(f".//{W}instrText") is not None


def test_tables(written: Path) -> None:
    document = docx.Document(str(written))
    budget, scores = document.tables
    assert [c.text for c in budget.rows[0].cells] == list(BUDGET.header)
    assert [c.text for c in budget.rows[3].cells] == list(BUDGET.rows[2].cells)
    expected = score_table()
    assert len(scores.rows) == len(expected.rows) + 1
    assert scores.rows[2].cells[1].text == "预算编制合理性"
    assert scores.rows[-1].cells[0].text == "合计"
    for table in (budget, scores):
        assert table.autofit is False
        header = table.rows[0]._tr
        assert header.find(f"{W}trPr/{W}tblHeader") is not None
        assert all(r._tr.find(f"{W}trPr/{W}tblHeader") is None for r in table.rows[1:])


def test_table_widths_alignment_and_bold_rows(written: Path) -> None:
    table = docx.Document(str(written)).tables[1]
    grid = [int(c.get(f"{W}w")) for c in table._tbl.tblGrid.iter(f"{W}gridCol")]
    assert sum(grid) == 11906 - 1587 - 1474 and grid[4] > grid[1] > grid[0] > grid[2]
    row = table.rows[2]
    assert [int(tc.tcPr.find(f"{W}tcW").get(f"{W}w")) for tc in row._tr.tc_lst] == grid
    assert row.cells[3].paragraphs[0].alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT
    assert row.cells[3].paragraphs[0].style.name == "表格文字"
    group = table.rows[1]._tr.tc_lst
    assert len(group) == 1 and group[0].grid_span == 5 and table.rows[1].cells[0].paragraphs[0].runs[0].bold
    total = table.rows[-1]
    assert all(run.bold for cell in total.cells for p in cell.paragraphs for run in p.runs)
    assert not any(run.bold for p in row.cells[0].paragraphs for run in p.runs)


def test_typed_numbering_and_page_break(written: Path) -> None:
    xml = (zipfile.ZipFile(written).read("word/document.xml")).decode()
    assert "<w:numPr>" not in xml
    heading = next(p for p in docx.Document(str(written)).paragraphs if p.text == "三、绩效自评情况")
    assert heading.paragraph_format.page_break_before is True


def test_valid_xml_escaping_and_stamp(tmp_path: Path) -> None:
    tricky = "A&B <c> “引号” \x01控制符\t制表\n换行"
    report = sample_report()
    report = Report(report.title, (para(tricky), *report.blocks), report.stamp, "<单位>", 2023, "90", "优")
    path = tmp_path / "tricky.docx"
    render_docx(report, path)
    with zipfile.ZipFile(path) as package:
        for name in package.namelist():
            if name.endswith(".xml") or name.endswith(".rels"):
                etree.fromstring(package.read(name))  # well-formed
        custom = package.read("docProps/custom.xml").decode()
    assert 'name="jixiao.framework_id"><vt:lpwstr>zhanjiang-city<' in custom
    document = docx.Document(str(path))
    assert any(p.text == "A&B <c> “引号” 控制符\t制表\n换行" for p in document.paragraphs)
    assert document.core_properties.subject == "<单位> 2023年度"
    assert "a" * 64 in document.core_properties.comments


def test_reproducible(tmp_path: Path) -> None:
    render_docx(sample_report(), tmp_path / "a.docx")
    render_docx(sample_report(), tmp_path / "b.docx")
    assert (tmp_path / "a.docx").read_bytes() == (tmp_path / "b.docx").read_bytes()


def test_rejects_inconsistent_tables() -> None:
    bad = Table("表", ("甲", "乙"), (Row(("1", "2", "3")),), (1, 1), ("left", "left"))
    report = sample_report()
    with pytest.raises(ValueError, match="单元格多于列数"):
        document_xml(Report(report.title, (bad,), report.stamp, "", 2023, "", ""))
    with pytest.raises(ValueError, match="列数不一致"):
        document_xml(Report(report.title, (Table("表", ("甲",), (), (1, 1), ("left",)),), report.stamp, "", 0, "", ""))


def test_speed(tmp_path: Path) -> None:
    """About 10 pages (60 blocks, two tables of ~40 rows) in well under the 40 ms goal."""
    report = sample_report(filler=22)
    report = Report(report.title, (*report.blocks, score_table()), report.stamp, "", 2023, "", "")
    assert len(report.blocks) >= 60
    render_docx(report, tmp_path / "warm.docx")
    start = time.perf_counter()
    for n in range(10):
        render_docx(report, tmp_path / f"{n}.docx")
    per_file = (time.perf_counter() - start) / 10
    assert per_file < 0.040, f"{per_file * 1000:.1f} ms per .docx"


def test_template_is_reproducible_from_script() -> None:
    import importlib.util

    script = Path(__file__).resolve().parents[1] / "scripts" / "make_template.py"
    spec = importlib.util.spec_from_file_location("make_template", script)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.build() == module.OUT.read_bytes(), "run: .venv/bin/python scripts/make_template.py"


def test_no_auto_numbering_styles_or_python_docx_defaults(written: Path) -> None:
    with zipfile.ZipFile(written) as package:
        names = package.namelist()
        styles = package.read("word/styles.xml").decode()
    assert "word/numbering.xml" not in names and "word/stylesWithEffects.xml" not in names
    assert len(re.findall(r"<w:style ", styles)) < 25


def _example_xml() -> str:
    from jixiao.documents.build import build_report
    from jixiao.documents.source import Source
    from jixiao.services.scoring import score_file

    scored = score_file(Path(__file__).parents[1] / "examples" / "zhanjiang-2020.yaml")
    assert scored.scorecard is not None and scored.framework is not None
    return document_xml(build_report(Source(scored.scorecard, scored.framework, scored.evaluation)))


def test_layout_of_a_real_report() -> None:
    xml = _example_xml()
    paragraphs = re.findall(r"<w:p>.*?</w:p>", xml)
    # a paragraph with a formula is left-aligned: justification would spread the line before it
    formula = next(p for p in paragraphs if "4276.91万元" in p and "支出完成率=" in p)
    assert '<w:jc w:val="left"/>' in formula and "<w:widowControl/>" in formula
    # a minus stays on the line of its number (…规模-1）)
    assert "规模-\u20601" in xml
    # the 评分表 annex is on landscape pages: the body's section ends before it, the document's is turned
    sections = re.findall(r"<w:sectPr>.*?</w:sectPr>", xml)
    assert len(sections) == 2
    assert 'w:orient="landscape"' not in sections[0] and 'w:w="11906" w:h="16838"' in sections[0]
    assert '<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>' in sections[1]
    annex = xml[xml.index(sections[0]) :]
    assert "附件2 评分表" in annex and "附件1 数据表" not in annex
    # upper levels merged down their rows
    assert annex.count('<w:vMerge w:val="restart"/>') >= 4 and annex.count("<w:vMerge/>") > 10
