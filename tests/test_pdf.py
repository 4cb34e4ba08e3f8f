"""PDF through LibreOffice: the batch converts, Chinese text reads back, fonts and layout are right, errors are clear.

Tests that run LibreOffice are skipped when ``soffice`` is absent (CI installs it with
``bash scripts/install-system-deps``); the error paths run everywhere with a fake or missing ``soffice``.
"""

from __future__ import annotations

import re
import shutil
import stat
from pathlib import Path

import pypdf
import pytest

from jixiao.documents import pdf
from jixiao.documents.docx import render_docx
from jixiao.documents.model import Report
from jixiao.documents.pdf import DocumentError, convert_to_pdf, render_pdf
from test_docx import para, paragraph_texts, sample_report

needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice (soffice) not installed: run `bash scripts/install-system-deps`",
)
GRID_TEXT = "".join(chr(0x4E00 + (i * 37) % 5000) for i in range(28 * 50))  # 50 full lines, no punctuation


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def grid_report() -> Report:
    report = sample_report()
    return Report(report.title, (para(GRID_TEXT),), report.stamp, "", 2023, "", "")


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pypdf.PdfReader]:
    """One LibreOffice run for the whole module: the sample report and a page of plain text."""
    tmp = tmp_path_factory.mktemp("pdf")
    render_docx(sample_report(), tmp / "report.docx")
    render_docx(grid_report(), tmp / "grid.docx")
    outputs = convert_to_pdf([tmp / "report.docx", tmp / "grid.docx"], tmp / "out")
    assert [p.name for p in outputs] == ["report.pdf", "grid.pdf"]
    return {p.stem: pypdf.PdfReader(p) for p in outputs}


@needs_soffice
def test_chinese_text_layer(converted: dict[str, pypdf.PdfReader]) -> None:
    text = flat("".join(page.extract_text() for page in converted["report"].pages))
    missing = [t for t in paragraph_texts(sample_report()) if flat(t) not in text]
    assert not missing
    for cell in ("预算编制合理性", "“三公经费”控制率", "4,276.91", "97.02%", "等级：优"):
        assert cell in text


@needs_soffice
def test_page_size_numbers_and_repeated_table_header(converted: dict[str, pypdf.PdfReader]) -> None:
    pages = converted["report"].pages
    assert len(pages) >= 4
    assert all(round(float(p.mediabox.width)) == 595 and round(float(p.mediabox.height)) == 842 for p in pages)
    texts = [flat(page.extract_text()) for page in pages]
    assert all(f"—{n}—" in text for n, text in enumerate(texts, start=1))
    with_header = [n for n, text in enumerate(texts) if "一级指标二级指标分值得分评分说明" in text]
    assert len(with_header) >= 3, "the 评分表 spans pages and repeats its header row"


@needs_soffice
def test_cjk_fonts_mapped_serif_and_sans(converted: dict[str, pypdf.PdfReader]) -> None:
    fonts = {str(f["/BaseFont"]) for page in converted["report"].pages for f in page["/Resources"]["/Font"].values()}
    assert any("SerifCJK" in f and "Bold" not in f for f in fonts), fonts  # 仿宋_GB2312 body
    assert any("SerifCJK" in f and "Bold" in f for f in fonts), fonts  # 方正小标宋简体 title
    assert any("SansCJK" in f for f in fonts), fonts  # 黑体 headings


@needs_soffice
def test_22_lines_of_28_characters(converted: dict[str, pypdf.PdfReader]) -> None:
    page = converted["grid"].pages[1]  # a full page of body text
    lines = [flat(line) for line in page.extract_text().splitlines() if line.strip()]
    body = [line for line in lines if not line.startswith("—")]
    assert [len(line) for line in body] == [28] * 22


@needs_soffice
def test_render_pdf(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "自评报告.pdf"
    render_pdf(grid_report(), path)
    assert GRID_TEXT[:20] in flat(pypdf.PdfReader(path).pages[0].extract_text())
    assert list(tmp_path.rglob("*")) == [tmp_path / "sub", path]


@needs_soffice
def test_failed_file_in_batch_is_reported(tmp_path: Path) -> None:
    render_docx(grid_report(), tmp_path / "good.docx")
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04not really a zip")
    with pytest.raises(DocumentError, match=re.escape("未能转换：broken.docx")) as error:
        convert_to_pdf([tmp_path / "good.docx", tmp_path / "broken.docx"], tmp_path / "out")
    assert error.value.failed == ((tmp_path / "broken.docx").resolve(),)
    assert (tmp_path / "out" / "good.pdf").is_file()


# --- error paths without LibreOffice ---------------------------------------------------------------------


def test_missing_soffice_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    render_docx(grid_report(), tmp_path / "a.docx")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(DocumentError) as error:
        convert_to_pdf([tmp_path / "a.docx"], tmp_path / "out")
    message = error.value.message
    assert "未找到 LibreOffice" in message
    assert "apt-get install -y libreoffice-writer-nogui" in message and "bash scripts/install-system-deps" in message


def test_missing_cjk_font_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if shutil.which("fc-list") is None:
        pytest.skip("fontconfig's fc-list not installed")
    conf = tmp_path / "fonts.conf"
    conf.write_text(f"<fontconfig><dir>{tmp_path}/none</dir><cachedir>{tmp_path}/cache</cachedir></fontconfig>")
    monkeypatch.setattr(pdf, "FONTS_CONF", conf)
    fake_soffice(tmp_path, monkeypatch, "exit 0")
    render_docx(grid_report(), tmp_path / "a.docx")
    with pytest.raises(DocumentError, match=r"未找到中文字体.*apt-get install -y fonts-noto-cjk"):
        convert_to_pdf([tmp_path / "a.docx"], tmp_path / "out")


def fake_soffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str) -> None:
    """Put a shell script named ``soffice`` first on PATH."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    soffice = bin_dir / "soffice"
    soffice.write_text(f"#!/bin/sh\n{script}\n")
    soffice.chmod(soffice.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")


def test_exit_zero_without_output_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_soffice(tmp_path, monkeypatch, 'echo "Error: source file could not be loaded"; exit 0')
    monkeypatch.setattr(pdf, "_check_cjk_fonts", lambda conf: None)
    render_docx(grid_report(), tmp_path / "a.docx")
    with pytest.raises(DocumentError, match=r"未能转换：a\.docx.*could not be loaded"):
        convert_to_pdf([tmp_path / "a.docx"], tmp_path / "out")


def test_timeout_kills_libreoffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_soffice(tmp_path, monkeypatch, "sleep 30")
    monkeypatch.setattr(pdf, "_check_cjk_fonts", lambda conf: None)
    render_docx(grid_report(), tmp_path / "a.docx")
    with pytest.raises(DocumentError, match="超时"):
        convert_to_pdf([tmp_path / "a.docx"], tmp_path / "out", timeout=0.5)


def test_batch_inputs_are_checked(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    render_docx(grid_report(), tmp_path / "a.docx")
    render_docx(grid_report(), tmp_path / "x" / "a.docx")
    with pytest.raises(DocumentError, match="文件名重复"):
        convert_to_pdf([tmp_path / "a.docx", tmp_path / "x" / "a.docx"], tmp_path / "out")
    with pytest.raises(DocumentError, match="不存在"):
        convert_to_pdf([tmp_path / "missing.docx"], tmp_path / "out")
    assert convert_to_pdf([], tmp_path / "out") == []
