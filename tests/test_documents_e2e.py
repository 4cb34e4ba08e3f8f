"""End to end: the .docx of each seed example read back (golden content), batches, missing converter."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from docx import Document as WordDocument
from typer.testing import CliRunner

from conftest import EXAMPLES
from jixiao.cli import app

NAMES = ["lechang-2023", "zhanjiang-2020", "lianjiang-2024"]
runner = CliRunner()


def docx_content(path: Path) -> str:
    """Paragraph texts and table cells in document order — content, not bytes."""
    doc = WordDocument(str(path))
    lines = [p.text for p in doc.paragraphs if p.text.strip()]
    for i, table in enumerate(doc.tables, 1):
        lines.append(f"[table {i}]")
        lines += [" | ".join(cell.text for cell in row.cells) for row in table.rows]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("name", NAMES)
def test_docx_content_matches_golden(name: str, tmp_path: Path, golden) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / f"{name}.docx"
    result = runner.invoke(app, ["report", str(EXAMPLES / f"{name}.yaml"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    golden(f"{name}.docx.txt", docx_content(out))


def test_report_batch_to_a_folder_with_every_format(tmp_path: Path) -> None:
    evaluations = [str(EXAMPLES / f"{n}.yaml") for n in NAMES]
    for fmt in ("docx", "html", "md"):
        result = runner.invoke(app, ["report", *evaluations, "-o", str(tmp_path / fmt), "--format", fmt])
        assert result.exit_code == 0, result.output
        assert sorted(p.name for p in (tmp_path / fmt).iterdir()) == sorted(f"{n}.{fmt}" for n in NAMES)


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice not installed: bash scripts/install-system-deps"
)
def test_pdf_batch_in_one_process(tmp_path: Path) -> None:
    evaluations = [str(EXAMPLES / f"{n}.yaml") for n in NAMES]
    result = runner.invoke(app, ["report", *evaluations, "-o", str(tmp_path), "--format", "pdf"])
    assert result.exit_code == 0, result.output
    pdfs = sorted(tmp_path.glob("*.pdf"))
    assert len(pdfs) == 3 and all(p.stat().st_size > 10_000 for p in pdfs)


def test_missing_converter_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice anywhere
    monkeypatch.setattr(shutil, "which", lambda *a, **k: None)
    result = runner.invoke(app, ["report", str(EXAMPLES / "lechang-2023.yaml"), "-o", str(tmp_path / "r.pdf")])
    assert result.exit_code == 2
    assert "libreoffice" in result.output.lower() or "install-system-deps" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "r.pdf").exists()
    assert os.environ["PATH"] == str(tmp_path)


def test_several_evaluations_need_a_folder(tmp_path: Path) -> None:
    evaluations = [str(EXAMPLES / f"{n}.yaml") for n in NAMES[:2]]
    result = runner.invoke(app, ["report", *evaluations, "-o", str(tmp_path / "x.docx")])
    assert result.exit_code == 2
    assert "目录" in result.output


def test_unknown_suffix_is_refused(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", str(EXAMPLES / "lechang-2023.yaml"), "-o", str(tmp_path / "r.rtf")])
    assert result.exit_code == 2
    assert ".docx" in result.output


def test_tables_writes_the_workbook_and_refuses_other_suffixes(tmp_path: Path) -> None:
    ok = runner.invoke(app, ["tables", str(EXAMPLES / "zhanjiang-2020.yaml"), "-o", str(tmp_path / "t.xlsx")])
    assert ok.exit_code == 0 and (tmp_path / "t.xlsx").exists()
    bad = runner.invoke(app, ["tables", str(EXAMPLES / "zhanjiang-2020.yaml"), "-o", str(tmp_path / "t.csv")])
    assert bad.exit_code == 2


def test_no_document_for_an_evaluation_with_errors(tmp_path: Path) -> None:
    broken = tmp_path / "e.yaml"
    broken.write_text(
        (EXAMPLES / "lechang-2023.yaml").read_text(encoding="utf-8").replace("satisfaction: 100", "satisfaction: 满意"),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["report", str(broken), "-o", str(tmp_path / "r.docx")])
    assert result.exit_code == 1
    assert "data.satisfaction" in result.output
    assert not (tmp_path / "r.docx").exists()


@pytest.mark.parametrize("name", NAMES)
def test_every_xml_part_of_the_docx_is_well_formed(name: str, tmp_path: Path) -> None:
    import zipfile
    from xml.dom import minidom

    out = tmp_path / f"{name}.docx"
    assert runner.invoke(app, ["report", str(EXAMPLES / f"{name}.yaml"), "-o", str(out)]).exit_code == 0
    with zipfile.ZipFile(out) as package:
        for part in package.namelist():
            if part.endswith((".xml", ".rels")):
                minidom.parseString(package.read(part))  # raises on malformed XML


def test_same_file_names_in_a_batch_do_not_overwrite_each_other(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "unit.yaml").write_text(
            (EXAMPLES / "lechang-2023.yaml").read_text(encoding="utf-8"), encoding="utf-8"
        )
    evaluations = [str(tmp_path / "a" / "unit.yaml"), str(tmp_path / "b" / "unit.yaml")]
    result = runner.invoke(app, ["report", *evaluations, "-o", str(tmp_path / "out"), "--format", "md"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a-unit.md", "b-unit.md"]


def test_unusable_outputs_are_refused_with_a_message(tmp_path: Path) -> None:
    (tmp_path / "x.docx").mkdir()
    (tmp_path / "file").write_text("", encoding="utf-8")
    result = runner.invoke(app, ["report", str(EXAMPLES / "lechang-2023.yaml"), "-o", str(tmp_path / "x.docx")])
    assert result.exit_code == 0 and (tmp_path / "x.docx" / "lechang-2023.docx").is_file()  # an existing folder
    result = runner.invoke(
        app, ["report", str(EXAMPLES / "lechang-2023.yaml"), "-o", str(tmp_path / "file" / "r.docx")]
    )
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "内部错误" not in result.output
    result = runner.invoke(
        app, ["tables", str(EXAMPLES / "lechang-2023.yaml"), "-o", str(tmp_path / "file" / "t.xlsx")]
    )
    assert result.exit_code == 2
