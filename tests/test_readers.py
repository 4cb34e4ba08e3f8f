"""Reading reports: seed .txt artefacts and encodings, .docx with Word numbering and tables, .pdf pages."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SEEDS, needs_seeds
from jixiao.audit import readers
from jixiao.audit.model import Document
from jixiao.audit.numbers_zh import parse_marker

LIANJIANG = SEEDS / "000_a00a4ecf0d918d5e.txt"
LECHANG = SEEDS / "003_673b39950d73d57f.txt"
ZHANJIANG = SEEDS / "004_c422740acbf9e05b.txt"
SEED_FILES = (LIANJIANG, LECHANG, ZHANJIANG)
NUM_ID = 90  # the numbering definition the test documents add
RESTART_NUM_ID = 91  # the same list, restarted at 六 with startOverride


def texts(doc: Document) -> dict[int, str]:
    return {line.number: line.text for line in doc.lines}


# --- seeds (.txt) ---------------------------------------------------------------------------------


@needs_seeds
@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name[:3])
def test_seed_reads_cleanly_and_keeps_original_line_numbers(path: Path) -> None:
    doc = readers.read(path)
    assert (doc.problem, doc.kind, doc.encoding) == ("", "txt", "utf-8")
    original = path.read_text(encoding="utf-8").split("\n")
    for line in doc.lines:
        assert line.text and line.page is None and not line.in_table
        assert readers.normalise_text(original[line.number - 1]).startswith(line.text[:12]), line
        assert "**" not in line.text
        assert not re.search(r"\d [年月日个人名万元%]|[\u4e00-\u9fff] [\u4e00-\u9fff]", line.text), line
    numbers = [line.number for line in doc.lines]
    assert numbers == sorted(set(numbers))


@needs_seeds
def test_lianjiang_artefacts() -> None:
    lines = texts(readers.read(LIANJIANG))
    assert lines[7] == "评价年度：2024年度"
    assert lines[9] == "评价单位（公章）：廉江市人民政府办公室"
    assert lines[11] == "填报日期：2025年7月8日"
    assert lines[21] == "1. 单位情况。我办为正科级行政机构，驻地在廉江市五一路1号。"
    assert lines[27] == "(二) 年度总体工作和重点工作任务"
    assert lines[37].endswith("坚持纠正“四风”，着力营造风清气正的政治生态。")  # a page wrap across a blank line
    assert lines[77].startswith("2024年,在市委、市政府的坚强领导下,我办紧紧围绕全市发展大局和中心工作，")
    assert "发出督查通报22期、预警函25份" in lines[147]
    assert lines[169].endswith("三是预算编制准确性。")  # 廉江's empty heading stays visible, on its own line number
    assert lines[117] == (
        "我办2024年收入预算数717.33万元，支出预算数717.33万元，2024年决算总收入836.63万元，总支出835.78万元。"
    )
    assert {39, 149, 171, 187, 201, 225}.isdisjoint(lines)  # continuation lines were joined
    assert lines[115] == "(四) 部门整体支出情况"  # a heading is not joined to its paragraph


@needs_seeds
def test_lechang_artefacts() -> None:
    lines = texts(readers.read(LECHANG))
    assert lines[3] == "2023年度部门整体支出绩效"
    assert lines[8] == "填报人：成廷雄"
    assert lines[6] == "部门名称：乐昌市人民政府办公室"
    assert lines[67] == "（3）国库集中支付结转结余存量资金效率性（3分）"
    assert lines[69].startswith("自评得分3分，")
    assert lines[62].startswith("自评得分6分，2023年我办年度部门预算资金912.96万元")
    assert lines[119] == "加分得分3.5分。"


@needs_seeds
def test_zhanjiang_artefacts() -> None:
    lines = texts(readers.read(ZHANJIANG))
    assert lines[1] == "整体绩效自评报告"
    assert lines[5] == "市级预算部门单位（公章）：中共湛江市委办公室"
    assert lines[7] == "填报日期：2021年6月10日"
    assert lines[10] == "单位基本情况"
    assert lines[41].startswith("市委办公室2020年收入预算为3830.11万元，支出预算为3830.11万元")
    assert "按照《预算法》和政府信息公开有关规定" in lines[88]
    assert lines[108] == "(四）改进措施"
    assert lines[118] == "无"


@needs_seeds
@pytest.mark.parametrize(
    ("codec", "recorded"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"), ("gb18030", "gb18030"), ("utf-16", "utf-16")],
)
def test_encodings(tmp_path: Path, codec: str, recorded: str) -> None:
    text = LIANJIANG.read_text(encoding="utf-8")
    path = tmp_path / "report.txt"
    path.write_bytes(text.replace("\n", "\r\n").encode(codec))
    doc = readers.read(path)
    assert (doc.problem, doc.encoding) == ("", recorded)
    assert doc.lines == readers.read(LIANJIANG).lines


@needs_seeds
def test_utf8_with_a_broken_byte_stays_utf8(tmp_path: Path) -> None:
    data = bytearray(LECHANG.read_bytes())
    data[data.index(b"912.97") - 1] = 0xFF  # breaks the character before the amount
    path = tmp_path / "broken.txt"
    path.write_bytes(bytes(data))
    doc = readers.read(path)
    assert (doc.problem, doc.encoding) == ("", "utf-8 (lossy)")
    assert len(doc.lines) == len(readers.read(LECHANG).lines)
    assert any("\ufffd912.97万元" in line.text for line in doc.lines)


def test_text_suffix_and_str_path(tmp_path: Path) -> None:
    path = tmp_path / "报告.TEXT"
    path.write_text("评价年度：2024 年度\n", encoding="utf-8")
    doc = readers.read(str(path))
    assert (doc.kind, doc.file, [line.text for line in doc.lines]) == ("txt", str(path), ["评价年度：2024年度"])


# --- normalisation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("评价年度：2024 年度", "评价年度：2024年度"),
        ("合计 12,345.67 万元", "合计12,345.67万元"),
        ("合计 12，345.67 万元", "合计12,345.67万元"),
        ("合计１２，３４５．６７万元", "合计12,345.67万元"),
        ("支出完成率为９７．０２％。", "支出完成率为97.02%。"),
        ("支出完成率为 97.02 %", "支出完成率为97.02%"),
        ("变动率为－79.72％", "变动率为-79.72%"),
        ("共 1 2 3 人", "共123人"),
        ("填报日期：2025 年 7 月 8 日", "填报日期：2025年7月8日"),
        ("          填 报 人：成廷雄", "填报人：成廷雄"),
        ("1. **单位情况。**我办为正科级行政机构", "1. 单位情况。我办为正科级行政机构"),
        ("(二) 年度总体工作", "(二) 年度总体工作"),
        ("ＡＰＥＣ 商务旅行卡", "APEC 商务旅行卡"),
        ("分别为3，5，7项", "分别为3，5，7项"),  # a Chinese comma between numbers is kept
        ("驻地在廉江市五一路 1 号。", "驻地在廉江市五一路1号。"),
        ("\u3000\u3000根据《通知》\u200b要求，", "根据《通知》要求，"),
    ],
)
def test_normalise_text(raw: str, expected: str) -> None:
    assert readers.normalise_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (["正文。", "", "— 1 —", "- 2 -", "第 3 页", "3/10", "第3页 共10页", "-3-", "结束。"], ["正文。", "结束。"]),
        (["第一页正文。", "7\f第二页正文。", "8"], ["第一页正文。", "第二页正文。"]),  # lone numbers at page ends
        (["预算数：", "7", "万元。"], ["预算数：", "7", "万元。"]),  # a lone number inside a page is kept
        (
            ["我办紧紧围绕全市发展大局，充分发挥参谋辅政、统筹协调", "", "服务保障等主要职能。"],
            ["我办紧紧围绕全市发展大局，充分发挥参谋辅政、统筹协调服务保障等主要职能。"],
        ),
        (
            [
                "紧抓党风廉政建设，落实中央八项规定实施细则精神，坚持纠正“四风”，着",
                "— 3 —",
                "\f力营造风清气正的政治生态。",
            ],
            ["紧抓党风廉政建设，落实中央八项规定实施细则精神，坚持纠正“四风”，着力营造风清气正的政治生态。"],
        ),
        (
            ["(7) 聚焦重点勤督促。编发督查专报 24 期，发出督查通报 22", "", "期、预警函 25 份。"],
            ["(7) 聚焦重点勤督促。编发督查专报24期，发出督查通报22期、预警函25份。"],
        ),
        (
            ["（四）部门整体支出情况", "我办2024年收入预算数717.33万元。"],
            ["（四）部门整体支出情况", "我办2024年收入预算数717.33万元。"],
        ),
        (["部门整体支出绩效自评报告", "评价年度：2024年度"], ["部门整体支出绩效自评报告", "评价年度：2024年度"]),
        (
            ["市级预算部门单位（公章）：中共湛江市委办公室", "", "填报日期：2021年6月10日"],
            ["市级预算部门单位（公章）：中共湛江市委办公室", "填报日期：2021年6月10日"],
        ),
        (
            ["一是加强理论学习，组织2次业务知识竞赛，召开碰头会", "（二）抓好党建促业务工作。"],
            ["一是加强理论学习，组织2次业务知识竞赛，召开碰头会", "（二）抓好党建促业务工作。"],
        ),
        (
            ["The budget of the office was approved by the", "council in March."],
            ["The budget of the office was approved by the council in March."],
        ),
    ],
)
def test_normalise_lines(raw: list[str], expected: list[str]) -> None:
    assert readers.normalise_lines(raw) == expected


def test_normalise_lines_without_joining() -> None:
    raw = ["我办紧紧围绕全市发展大局，充分发挥参谋辅政、统筹协调", "服务保障等主要职能。"]
    assert readers.normalise_lines(raw, join_wraps=False) == raw


def test_joined_line_keeps_the_first_locator() -> None:
    raws = [
        readers.RawLine("坚持纠正“四风”，深入推进作风建设，持续整治形式主义、官僚主义，着", 31, page=2, sheet=2),
        readers.RawLine("- 2 -", 32, page=2, sheet=2),
        readers.RawLine("力营造风清气正的政治生态。", 1, page=3, sheet=3),
    ]
    (line,) = readers.normalise_located(raws)
    assert (line.page, line.number, line.where) == (2, 31, "第2页第31行")
    assert line.text.endswith("着力营造风清气正的政治生态。")


@settings(max_examples=300)
@given(st.text())
def test_normalise_text_is_idempotent(text: str) -> None:
    once = readers.normalise_text(text)
    assert readers.normalise_text(once) == once
    assert "\n" not in once and once == once.strip()


@given(st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=60), max_size=30))
def test_normalise_lines_on_any_lines(raw: list[str]) -> None:
    out = readers.normalise_lines(raw)
    assert all(line and line == line.strip() for line in out)
    assert len(out) <= len(raw) + sum(line.count("\f") for line in raw)


# --- .docx ----------------------------------------------------------------------------------------

ABSTRACT_NUM = """<w:abstractNum {ns} w:abstractNumId="90">
  <w:multiLevelType w:val="multilevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/>
    <w:suff w:val="nothing"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/>
    <w:suff w:val="nothing"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
  <w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="（%4）"/>
    <w:suff w:val="nothing"/></w:lvl>
</w:abstractNum>"""
NUMS = """<w:num {ns} w:numId="90"><w:abstractNumId w:val="90"/></w:num>"""
RESTART = """<w:num {ns} w:numId="91"><w:abstractNumId w:val="90"/>
  <w:lvlOverride w:ilvl="0"><w:startOverride w:val="6"/></w:lvlOverride></w:num>"""


def add_numbering(document: object) -> None:
    """Word numbering definitions: 一、 / （一） / 1. / （1）, and a copy of the list restarted at 六."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    numbering = document.part.numbering_part.element  # type: ignore[attr-defined]
    ns = nsdecls("w")
    first_num = numbering.find(qn("w:num"))
    abstract = parse_xml(ABSTRACT_NUM.format(ns=ns))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(parse_xml(NUMS.format(ns=ns)))
    numbering.append(parse_xml(RESTART.format(ns=ns)))


def numbered(document: object, text: str, level: int, num_id: int = NUM_ID) -> object:
    paragraph = document.add_paragraph(text)  # type: ignore[attr-defined]
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = level
    num_pr.get_or_add_numId().val = num_id
    return paragraph


def numbered_style(document: object) -> str:
    """A paragraph style carrying the numbering (level 0), as Word's 标题 styles do."""
    from docx.enum.style import WD_STYLE_TYPE

    style = document.styles.add_style("编号标题", WD_STYLE_TYPE.PARAGRAPH)  # type: ignore[attr-defined]
    num_pr = style.element.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = NUM_ID
    return str(style.name)


def wrap_in_content_control(paragraph: object) -> None:
    from docx.oxml import OxmlElement

    p = paragraph._p  # type: ignore[attr-defined]
    sdt, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
    p.addprevious(sdt)
    sdt.append(content)
    content.append(p)


def build_docx(path: Path) -> None:
    import docx

    document = docx.Document()
    add_numbering(document)
    document.add_paragraph("2023 年度部门整体支出绩效自评报告")
    numbered(document, "单位基本情况", 0)
    numbered(document, "单位机构设置、部门职能情况", 1)
    numbered(document, "单位情况。我办为正科级行政机构。", 2)
    numbered(document, "人员情况。我办共有行政编制 34 名。", 2)
    numbered(document, "部门整体支出情况", 1)
    table = document.add_table(rows=3, cols=3)
    rows = [("项目", "预算数（万元）", "决算数（万元）"), ("收入", "717.33", "836.63"), ("", "", "")]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    numbered(document, "自评工作开展情况", 0)
    numbered(document, "评价小组情况", 1)
    numbered(document, "组长：唐上平", 2)
    run = document.add_paragraph("第一行").add_run()
    run.add_break()
    run.add_text("第二行")
    document.add_paragraph("")
    numbered(document, "绩效自评情况", 0)
    document.add_paragraph("其他自评情况", style=numbered_style(document))
    wrap_in_content_control(numbered(document, "相关建议", 0, RESTART_NUM_ID))
    document.save(str(path))


EXPECTED_DOCX = [
    (1, "2023年度部门整体支出绩效自评报告", False),
    (2, "一、单位基本情况", False),
    (3, "（一）单位机构设置、部门职能情况", False),
    (4, "1. 单位情况。我办为正科级行政机构。", False),
    (5, "2. 人员情况。我办共有行政编制34名。", False),
    (6, "（二）部门整体支出情况", False),
    (7, "项目 | 预算数（万元） | 决算数（万元）", True),
    (8, "收入 | 717.33 | 836.63", True),
    (9, "二、自评工作开展情况", False),
    (10, "（一）评价小组情况", False),
    (11, "1. 组长：唐上平", False),
    (12, "第一行", False),
    (12, "第二行", False),
    (13, "三、绩效自评情况", False),
    (14, "四、其他自评情况", False),
    (15, "六、相关建议", False),
]


def test_docx_paragraphs_tables_and_word_numbering(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    build_docx(path)
    doc = readers.read(path)
    assert (doc.problem, doc.kind) == ("", "docx")
    assert [(line.number, line.text, line.in_table) for line in doc.lines] == EXPECTED_DOCX
    assert all(line.page is None for line in doc.lines)


@pytest.mark.parametrize(
    ("number", "fmt", "expected"),
    [
        (1, "chineseCounting", "一"),
        (12, "chineseCountingThousand", "十二"),
        (3, "ideographTraditional", "丙"),
        (13, "ideographZodiac", "子"),
        (2, "decimalEnclosedCircle", "②"),
        (2, "decimalEnclosedCircleChinese", "②"),
        (4, "upperRoman", "IV"),
        (28, "lowerLetter", "bb"),
        (10, "ideographDigital", "一〇"),
        (15, "chineseLegalSimplified", "拾伍"),
        (7, "decimalZero", "07"),
        (1, "bullet", ""),
        (7, "someFutureFormat", "7"),
    ],
)
def test_format_counter(number: int, fmt: str, expected: str) -> None:
    assert readers.format_counter(number, fmt) == expected


# --- .pdf (made from a .docx by LibreOffice) ------------------------------------------------------

BODY = (
    "市委办公室是市委的综合部门，负责推动市委决策部署的落实。按照市委要求协调有关方面开展工作，承担市委运行保障具体"
    "事务。2023 年收入预算为 3830.11 万元，支出完成率为 97.02%。"
)


def add_page_number_footer(document: object) -> None:
    """A footer "— N —" with a PAGE field, as official documents have."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    paragraph = document.sections[0].footer.paragraphs[0]  # type: ignore[attr-defined]
    paragraph.add_run("— ")
    field = f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
    paragraph._p.append(parse_xml(field))
    paragraph.add_run(" —")


def build_long_docx(path: Path, chapters: int = 2) -> None:
    import docx

    document = docx.Document()
    add_numbering(document)
    add_page_number_footer(document)
    document.add_paragraph("2023 年度部门整体支出绩效自评报告")
    for _ in range(chapters):
        numbered(document, "单位基本情况", 0)
        for _ in range(3):
            numbered(document, "单位机构设置、部门职能情况", 1)
            for _ in range(3):
                numbered(document, "单位情况。", 2)
                document.add_paragraph(BODY * 2)
    document.save(str(path))


def soffice_pdf(docx_path: Path, workdir: Path) -> Path:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    profile = (workdir / "lo-profile").as_uri()
    command = [soffice, "--headless", "--norestore", f"-env:UserInstallation={profile}", "--convert-to", "pdf"]
    subprocess.run([*command, "--outdir", str(workdir), str(docx_path)], capture_output=True, timeout=180, check=False)
    pdf = workdir / (docx_path.stem + ".pdf")
    if not pdf.exists():
        pytest.skip("LibreOffice could not convert the test document")
    return pdf


@pytest.fixture(scope="module")
def long_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    workdir = tmp_path_factory.mktemp("pdf")
    docx_path = workdir / "long.docx"
    build_long_docx(docx_path)
    return docx_path, soffice_pdf(docx_path, workdir)


def test_pdf_from_docx_has_pages_and_the_same_text(long_report: tuple[Path, Path]) -> None:
    docx_path, pdf_path = long_report
    pdf, docx_doc = readers.read(pdf_path), readers.read(docx_path)
    assert (pdf.problem, pdf.kind) == ("", "pdf")
    pages = [line.page for line in pdf.lines]
    assert None not in pages and pages == sorted(pages) and max(p for p in pages if p) >= 2
    assert not any(re.fullmatch(r"[—-]?\s*\d+\s*[—-]?", line.text) for line in pdf.lines)  # footers dropped
    # wrapped lines are joined again: the PDF says what the .docx says, label for label. (A wrap right after
    # a 。 stays a line break, so the comparison allows extra breaks; on this layout there are none.)
    # (spaces may differ: Word puts a tab after a numbering label, pdftotext does not keep it)
    pdf_texts = [line.text.replace(" ", "") for line in pdf.lines]
    docx_texts = [line.text.replace(" ", "") for line in docx_doc.lines]
    assert "".join(pdf_texts) == "".join(docx_texts)
    assert [t for t in pdf_texts if parse_marker(t)] == [t for t in docx_texts if parse_marker(t)]
    assert len(docx_texts) <= len(pdf_texts) <= len(docx_texts) * 1.1
    assert pdf.lines[1].text == "一、单位基本情况" and pdf.lines[-1].text.endswith("支出完成率为97.02%。")
    second_page = next(line for line in pdf.lines if line.page == 2)
    assert second_page.where.startswith("第2页第")


def test_pdf_without_text_layer_needs_ocr(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_blank_page(595, 842)
    path = tmp_path / "扫描件.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    doc = readers.read(path)
    assert doc.kind == "pdf" and doc.lines == ()
    assert doc.problem == "文件“扫描件.pdf”没有文字层（可能是扫描件），需要先做文字识别（OCR）"


# --- unreadable input -----------------------------------------------------------------------------


def encrypted_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("empty.txt", b"", "是空的"),
        ("empty.docx", b"", "是空的"),
        ("empty.pdf", b"", "是空的"),
        ("binary.txt", b"\x00\x01\x02\xff\xfe\x00", "不是文本文件"),
        ("bad.txt", b"\x81\x30\xff\xff\xff abc", "编码无法识别"),
        ("random.docx", bytes(range(256)) * 4, "不是 zip 格式"),
        ("old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "旧版 Word（.doc）"),
        ("nodocument.docx", zip_bytes({"hello.txt": b"hi"}), "不是有效的 Word（.docx）文件"),
        ("truncated.docx", zip_bytes({"[Content_Types].xml": b"<x/>" * 100})[:60], "Word（.docx）"),
        ("garbage.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 8, "已损坏或不是 PDF 文件"),
        ("notapdf.pdf", "这不是 PDF".encode(), "已损坏或不是 PDF 文件"),
        ("locked.pdf", encrypted_pdf(), "是加密的 PDF"),
        ("report.xlsx", b"PK", "不支持的文件类型“.xlsx”"),
        ("report.doc", b"\xd0\xcf\x11\xe0", "旧版 Word（.doc）"),
        ("report", b"text", "无扩展名"),
    ],
)
def test_unreadable_files_give_a_problem(tmp_path: Path, name: str, data: bytes, expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    doc = readers.read(path)
    assert doc.lines == ()
    assert expected in doc.problem and name in doc.problem, doc.problem


@pytest.mark.parametrize("suffix", [".txt", ".docx", ".pdf"])
def test_missing_file_and_directory(tmp_path: Path, suffix: str) -> None:
    missing = readers.read(tmp_path / f"缺少{suffix}")
    assert missing.problem == f"找不到文件“缺少{suffix}”" and missing.lines == ()
    folder = tmp_path / f"folder{suffix}"
    folder.mkdir()
    assert f"folder{suffix}" in readers.read(folder).problem


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can read any file")
def test_permission_denied(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("正文", encoding="utf-8")
    path.chmod(0)
    assert readers.read(path).problem == "没有权限读取文件“secret.txt”"


def test_text_with_nothing_in_it(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_text("\n \n— 1 —\n", encoding="utf-8")
    doc = readers.read(path)
    assert (doc.lines, doc.problem) == ((), "文件“blank.txt”没有文字内容")


# --- fuzzing: whatever the bytes, read() returns a Document ---------------------------------------


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module")
def valid_docx(fuzz_dir: Path) -> bytes:
    path = fuzz_dir / "valid.docx"
    build_docx(path)
    return path.read_bytes()


def check_document(doc: Document) -> None:
    assert isinstance(doc, Document)
    assert doc.problem or doc.lines
    assert all(line.text and line.number >= 1 for line in doc.lines)


FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".txt", ".docx", ".pdf"]))
def test_read_random_bytes(fuzz_dir: Path, data: bytes, suffix: str) -> None:
    path = fuzz_dir / f"random{suffix}"
    path.write_bytes(data)
    check_document(readers.read(path))


@FUZZ
@given(
    st.dictionaries(
        st.sampled_from(["[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/numbering.xml", "x.bin"]),
        st.one_of(st.binary(max_size=200), st.sampled_from([b"<w:document/>", b"<?xml version='1.0'?><a/>"])),
    )
)
def test_read_random_zip_as_docx(fuzz_dir: Path, members: dict[str, bytes]) -> None:
    path = fuzz_dir / "zip.docx"
    path.write_bytes(zip_bytes(members))
    check_document(readers.read(path))


@FUZZ
@given(st.data())
def test_read_damaged_docx_and_pdf(fuzz_dir: Path, valid_docx: bytes, data: st.DataObject) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    buffer = io.BytesIO()
    writer.write(buffer)
    for suffix, original in ((".docx", valid_docx), (".pdf", buffer.getvalue())):
        damaged = bytearray(original)
        for _ in range(data.draw(st.integers(1, 8))):
            damaged[data.draw(st.integers(0, len(damaged) - 1))] = data.draw(st.integers(0, 255))
        cut = data.draw(st.integers(1, len(damaged)))
        path = fuzz_dir / f"damaged{suffix}"
        path.write_bytes(bytes(damaged[:cut]))
        check_document(readers.read(path))
