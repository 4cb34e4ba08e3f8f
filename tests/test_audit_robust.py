"""Auditor robustness (issue 10): long lines in linear time, zip and stream bombs refused, a per-file
time limit in a batch, findings placed by page and paragraph, old formats reported, empty folders refused."""

from __future__ import annotations

import csv
import io
import shutil
import time
import zipfile
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from jixiao.audit import readers
from jixiao.audit.readers import document_from_text
from jixiao.cli import app
from jixiao.core.errors import UnusableInput
from jixiao.frameworks.packages import PackageRefused, check_package
from jixiao.services import audit as auditing
from jixiao.services.audit import audit_document

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
runner = CliRunner()
LONG = 30_000
#: Loose: each of these took 10–35 s before (quadratic); linear, they take well under a second.
LIMIT_S = 2.0


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


def timed_audit(text: str) -> float:
    start = time.perf_counter()
    audit_document("long.txt", document_from_text(text))
    return time.perf_counter() - start


# --- no quadratic regex --------------------------------------------------------------------------

PATHOLOGICAL = [
    "1",
    "一",
    "1 ",
    "1万元",
    "二十",
    "百",
    "1元",
    "有：",
    "合计1万元",
    "两",
    "1分",
    "1个",
    "1,",
    "（一）",
    "=1",
]


@pytest.mark.parametrize("unit", PATHOLOGICAL)
def test_a_30kb_line_audits_in_linear_time(unit: str) -> None:
    line = (unit * (LONG // len(unit) + 1))[:LONG]
    assert timed_audit(line) < LIMIT_S


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pieces=st.lists(
        st.sampled_from(
            [
                "1",
                "2.5",
                "一",
                "十",
                "个",
                "人",
                "分",
                "其中",
                "，",
                "有：",
                "共",
                "万元",
                "元",
                "调整至",
                " ",
                "率",
                "%",
            ]
        ),
        min_size=1,
        max_size=6,
    )
)
def test_generated_long_lines_audit_in_linear_time(pieces: list[str]) -> None:
    unit = "".join(pieces)
    line = (unit * (20_000 // len(unit) + 1))[:20_000]
    assert timed_audit(line) < LIMIT_S


def test_counts_and_transfers_still_read_after_the_linear_rewrite() -> None:
    text = "一、部门基本情况\n内设机构5个，其中综合科室2个，业务科室2个。\n其3分调整至“部门预算资金支出率”指标。"
    result = audit_document("r.txt", document_from_text(text))
    assert "count-mismatch" in [f.code for f in result.findings]
    assert result.found.transfers == {"部门预算资金支出率": 3}


# --- zip and stream bombs ------------------------------------------------------------------------


def bomb_member(archive: zipfile.ZipFile, name: str, megabytes: int) -> None:
    with archive.open(name, "w", force_zip64=True) as handle:
        for _ in range(megabytes):
            handle.write(bytes(1024 * 1024))


@pytest.fixture(scope="module")
def report_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from jixiao.services.documents import write_reports

    out = tmp_path_factory.mktemp("docx") / "lechang-2023.docx"
    write_reports([EXAMPLES / "lechang-2023.yaml"], [out])
    return out


def test_a_docx_bomb_is_refused_from_its_declared_sizes(report_docx: Path, tmp_path: Path) -> None:
    bomb = tmp_path / "炸弹.docx"
    shutil.copy(report_docx, bomb)
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as archive:
        bomb_member(archive, "word/media/image9.bin", 64)
    assert bomb.stat().st_size < 1024 * 1024
    start = time.perf_counter()
    result = auditing.audit_file(bomb)
    assert time.perf_counter() - start < 1.0  # refused before a byte of it is inflated
    (finding,) = result.findings
    assert finding.code == "unreadable" and "炸弹.docx" in finding.message and "压缩炸弹" in finding.message


def test_a_docx_whose_document_part_is_too_large_is_refused(report_docx: Path, tmp_path: Path) -> None:
    bomb = tmp_path / "big.docx"
    with zipfile.ZipFile(report_docx) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "word/document.xml":
                target.writestr(info, source.read(info))
        with target.open("word/document.xml", "w", force_zip64=True) as handle:
            for _ in range(101):
                handle.write(b" " * (1024 * 1024))
    assert "big.docx" in readers.read(bomb).problem


def test_a_valid_docx_is_read_without_python_docx_objects(report_docx: Path) -> None:
    document = readers.read(report_docx)
    assert document.problem == "" and document.lines[0].text.startswith("2023年度")


@pytest.mark.parametrize("megabytes", [64])
def test_an_xlsx_bomb_is_refused_everywhere_an_xlsx_is_opened(tmp_path: Path, megabytes: int) -> None:
    from jixiao.frameworks.xlsx_import import TableImportError, import_xlsx
    from jixiao.services.figures_import import figures_from_xlsx

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        bomb_member(archive, "xl/worksheets/sheet1.xml", megabytes)
    data = buffer.getvalue()
    with pytest.raises(PackageRefused, match="压缩炸弹"):
        check_package(data, "数据表.xlsx")
    path = tmp_path / "评分表.xlsx"
    path.write_bytes(data)
    with pytest.raises(TableImportError, match=r"评分表\.xlsx"):
        import_xlsx(path, {"id": "x", "name": "x"})
    with pytest.raises(UnusableInput, match=r"数据表\.xlsx"):
        figures_from_xlsx(data, [], "数据表.xlsx")


def pdf_with_stream(content: bytes) -> bytes:
    packed = zlib.compress(content, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@pytest.mark.parametrize("pdftotext", [True, False])
def test_a_pdf_stream_bomb_is_read_in_bounded_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pdftotext: bool
) -> None:
    if not pdftotext:
        monkeypatch.setattr(readers.shutil, "which", lambda name: None)
    path = tmp_path / "bomb.pdf"
    path.write_bytes(pdf_with_stream(b" " * (120 * 1024 * 1024)))
    start = time.perf_counter()
    document = readers.read(path)
    assert time.perf_counter() - start < 20
    assert document.problem and "bomb.pdf" in document.problem and not document.lines


# --- install: the pypdf fallback reads Chinese ---------------------------------------------------


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_without_pdftotext_a_chinese_pdf_reads_as_with_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jixiao.services.documents import write_reports

    pdf = tmp_path / "lechang-2023.pdf"
    write_reports([EXAMPLES / "lechang-2023.yaml"], [pdf])
    with_poppler = auditing.audit_file(pdf)
    monkeypatch.setattr(readers.shutil, "which", lambda name: None)
    without = auditing.audit_file(pdf)
    assert without.document.problem == ""
    for field in ("unit", "year", "score", "grade"):
        assert getattr(without.found, field) == getattr(with_poppler.found, field)
    assert without.found.unit == "乐昌市人民政府办公室"
    assert [f for f in without.findings if f.severity == "error"] == []


# --- located by page and paragraph ---------------------------------------------------------------

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_with_pages(path: Path, paragraphs: list[str]) -> None:
    """A minimal .docx; "|" in a paragraph marks where Word rendered a page break."""
    body = "".join(
        "<w:p>"
        + "".join(
            "<w:r><w:lastRenderedPageBreak/></w:r>" if piece == "|" else f"<w:r><w:t>{piece}</w:t></w:r>"
            for piece in text.replace("|", "\x00|\x00").split("\x00")
            if piece
        )
        + "</w:p>"
        for text in paragraphs
    )
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"'
        ' Target="word/document.xml"/></Relationships>'
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", rels)
        archive.writestr("word/document.xml", f"<w:document {W}><w:body>{body}</w:body></w:document>")


def test_docx_lines_are_placed_by_rendered_page_and_paragraph(tmp_path: Path) -> None:
    path = tmp_path / "pages.docx"
    docx_with_pages(path, ["封面", "第一段。", "|第二页第一段。", "第二页第二段|跨页。", "第三页第一段。"])
    lines = readers.read(path).lines
    assert [(line.text, line.where) for line in lines] == [
        ("封面", "第1页第1段"),
        ("第一段。", "第1页第2段"),
        ("第二页第一段。", "第2页第1段"),
        ("第二页第二段跨页。", "第2页第2段"),
        ("第三页第一段。", "第3页第1段"),
    ]


def test_docx_without_rendered_pages_is_placed_by_paragraph(report_docx: Path) -> None:
    lines = readers.read(report_docx).lines
    assert lines[2].where.endswith("段") and "页" not in lines[2].where


def test_pdf_lines_are_placed_by_page_and_line_within_it() -> None:
    raws = readers._pdf_raw_lines(["标题\n\n正文一\n", "正文二\n正文三"])
    assert [(raw.text, raw.place) for raw in raws if raw.text] == [
        ("标题", "第1页第1行"),
        ("正文一", "第1页第2行"),
        ("正文二", "第2页第1行"),
        ("正文三", "第2页第2行"),
    ]


def test_terminal_and_csv_place_findings_by_page_and_paragraph(tmp_path: Path) -> None:
    path = tmp_path / "pages.docx"
    docx_with_pages(path, ["一、部门基本情况", "情况良好。", "|三、存在问题", "问题若干。"])
    result = invoke("audit", str(path), "--csv", str(tmp_path / "out.csv"))
    assert "第2页第1段" in result.output  # 一、 … 三、: a numbering gap, placed where 三、 is
    rows = list(csv.reader(io.StringIO((tmp_path / "out.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["文件", "单位", "年度", "级别", "代码", "页", "位置", "说明", "原文"]
    gap = next(row for row in rows[1:] if row[4] == "numbering-gap")
    assert (gap[3], gap[5], gap[6]) == ("错误", "2", "第2页第1段")


# --- folders: old formats reported, empty folders refused, a time limit per file -----------------


def test_doc_and_wps_in_a_folder_are_reported_not_skipped(tmp_path: Path) -> None:
    (tmp_path / "旧报告.doc").write_bytes(b"\xd0\xcf\x11\xe0" + bytes(100))
    (tmp_path / "金山.wps").write_bytes(b"\xd0\xcf\x11\xe0" + bytes(100))
    (tmp_path / "好的.txt").write_text("2023年度部门整体支出绩效自评报告\n", encoding="utf-8")
    result = invoke("audit", str(tmp_path))
    assert result.exit_code == 2
    assert "旧报告.doc" in result.output and "金山.wps" in result.output and "另存为 .docx" in result.output


def test_an_empty_folder_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("x", encoding="utf-8")
    result = invoke("audit", str(tmp_path))
    assert result.exit_code == 2 and "没有可审核的报告" in result.output


def _slow_or_normal(path: Path) -> auditing.Audited:
    if path.name.startswith("slow"):
        time.sleep(30)
    return audit_document(str(path), readers.read(path))


def test_a_file_over_the_time_limit_is_reported_and_the_batch_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("a.txt", "slow.txt", "z.txt"):
        (tmp_path / name).write_text("2023年度部门整体支出绩效自评报告\n", encoding="utf-8")
    monkeypatch.setattr(auditing, "audit_file", _slow_or_normal)  # the worker is forked with it
    start = time.perf_counter()
    results = list(auditing.audit_stream(sorted(tmp_path.iterdir()), time_limit=1.0))
    assert time.perf_counter() - start < 10
    assert [Path(r.file).name for r in results] == ["a.txt", "slow.txt", "z.txt"]
    (stopped,) = results[1].findings
    assert stopped.code == "time-limit" and "slow.txt" in stopped.message
    assert results[2].found.year == 2023  # the worker was replaced and went on


def test_results_are_streamed_one_by_one(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("2023年度部门整体支出绩效自评报告\n", encoding="utf-8")
    stream = auditing.audit_stream(sorted(tmp_path.iterdir()))
    first = next(stream)
    assert Path(first.file).name == "a.txt"
    assert [Path(r.file).name for r in stream] == ["b.txt"]
