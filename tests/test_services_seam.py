"""The services as a seam for the web: documents and bytes in, data and bytes out (services/evaluations.py)."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any, get_args

import pytest
from openpyxl import load_workbook

from conftest import EXAMPLES
from jixiao.audit import model as audit_model
from jixiao.core.errors import JixiaoError, UnusableInput
from jixiao.core.model import Severity
from jixiao.documents.pdf import DocumentError
from jixiao.documents.source import ReportError
from jixiao.frameworks import loader
from jixiao.frameworks.xlsx_import import TableImportError
from jixiao.frameworks.yamlio import YamlError, load_file
from jixiao.services import scoring
from jixiao.services.documents import prepare
from jixiao.services.evaluations import (
    BuiltinTables,
    StoredTables,
    audit_bytes,
    evaluation_sha256,
    report_bytes,
    score_document,
    source_of,
    workbook_bytes,
)

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
ids = [p.stem for p in EXAMPLE_FILES]


def as_json(doc: Any) -> Any:
    """The document as a JSON client sends it: numbers as JSON numbers, everything else as text."""

    def plain(value: Any) -> Any:
        if isinstance(value, Decimal):
            return int(value) if value == value.to_integral_value() else float(value)
        raise TypeError(type(value).__name__)

    return json.loads(json.dumps(doc, default=plain, ensure_ascii=False))


def without_files(data: Any) -> Any:
    """Score JSON with every ``file`` key removed (the top one and each issue's)."""
    if isinstance(data, dict):
        return {k: without_files(v) for k, v in data.items() if k != "file"}
    if isinstance(data, list):
        return [without_files(v) for v in data]
    return data


def scored_source(name: str = "zhanjiang-2020") -> Any:
    doc = load_file(EXAMPLES / f"{name}.yaml")
    source = source_of(score_document(doc, BuiltinTables()), doc)
    assert source is not None
    return source


# ------------------------------------------------------------------ scoring documents


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=ids)
def test_score_document_gives_the_json_of_score_file(path: Path) -> None:
    by_file = scoring.score_json(scoring.score_file(path))
    by_document = scoring.score_json(score_document(load_file(path), BuiltinTables()))
    assert by_document["file"] == ""
    assert without_files(by_document) == without_files(by_file)
    named = scoring.score_json(score_document(load_file(path), BuiltinTables(), file=str(path)))
    assert named == by_file


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=ids)
def test_json_numbers_score_as_yaml_numbers(path: Path) -> None:
    yaml_doc = load_file(path)
    json_doc = as_json(yaml_doc)
    assert any(isinstance(v, int) for v in json_doc.values()), "the round trip should give JSON numbers"
    from_yaml = score_document(yaml_doc, BuiltinTables())
    from_json = score_document(json_doc, BuiltinTables())
    assert from_json.ok, [i.message for i in from_json.issues]
    a, b = from_yaml.scorecard, from_json.scorecard
    assert a is not None and b is not None
    assert (b.total, b.grade, b.base) == (a.total, a.grade, a.base)
    assert [(r.id, r.score, r.value) for r in b.indicators] == [(r.id, r.score, r.value) for r in a.indicators]
    assert scoring.score_json(from_json) == scoring.score_json(from_yaml)


def test_json_year_and_text_fields_are_read_like_yaml() -> None:
    doc = as_json(load_file(EXAMPLES / "zhanjiang-2020.yaml"))
    doc |= {"year": 2023, "fill_date": "2024-05-21", "notice": 12}
    scored = score_document(doc, BuiltinTables())
    assert scored.evaluation is not None
    assert scored.evaluation.year == 2023
    assert scored.evaluation.fill_date is not None and scored.evaluation.fill_date.isoformat() == "2024-05-21"
    assert scored.evaluation.notice == "12"


def test_a_non_finite_json_number_is_an_issue_not_a_crash() -> None:
    doc = as_json(load_file(EXAMPLES / "zhanjiang-2020.yaml"))
    doc["data"]["income_final"] = float("inf")
    scored = score_document(doc, BuiltinTables())
    assert any(i.path == "data.income_final" and i.severity is Severity.ERROR for i in scored.issues)


def test_framework_override_replaces_the_documents_reference() -> None:
    doc = load_file(EXAMPLES / "lianjiang-2024.yaml")
    doc["framework"] = "no-such-table"
    assert not score_document(doc, BuiltinTables()).ok
    scored = score_document(doc, BuiltinTables(), framework="zhanjiang-city")
    assert scored.ok and scored.framework is not None and scored.framework.id == "zhanjiang-city"
    assert doc["framework"] == "no-such-table", "the caller's document is not changed"


@pytest.mark.parametrize("ref", ["../x/table.yaml", "tables/city.yaml", "city.yml", "C:\\t\\city", "/etc/passwd"])
def test_a_path_reference_is_refused_without_reading(ref: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_reading(*_: Any, **__: Any) -> Any:
        raise AssertionError("a table file was read")

    monkeypatch.setattr(loader, "load_path", no_reading)
    monkeypatch.setattr(scoring, "load_table_file", no_reading)
    doc = load_file(EXAMPLES / "zhanjiang-2020.yaml") | {"framework": ref}
    scored = score_document(doc, StoredTables({}))
    issue = next(i for i in scored.issues if i.code == "framework-path")
    assert (issue.severity, issue.path) == (Severity.ERROR, "framework")
    assert "编号" in issue.message and scored.scorecard is None


def test_an_unknown_id_lists_the_known_ones() -> None:
    doc = load_file(EXAMPLES / "zhanjiang-2020.yaml") | {"framework": "nowhere-2030"}
    scored = score_document(doc, StoredTables({"city-2025": "irrelevant"}))
    issue = next(i for i in scored.issues if i.code == "framework-unknown")
    assert issue.path == "framework" and "nowhere-2030" in issue.message
    assert "zhanjiang-city" in issue.message and "city-2025" in issue.message
    assert BuiltinTables().load("nowhere-2030").framework is None


def test_stored_tables_by_id() -> None:
    text = (
        (loader.DATA_DIR / "zhanjiang-city.yaml")
        .read_text(encoding="utf-8")
        .replace("id: zhanjiang-city", "id: city-2025")
    )
    tables = StoredTables({"city-2025": text, "misnamed": text})
    doc = load_file(EXAMPLES / "zhanjiang-2020.yaml")
    scored = score_document(doc, tables, framework="city-2025")
    assert scored.ok and scored.framework is not None and scored.framework.id == "city-2025"
    builtin = score_document(doc, BuiltinTables())
    assert scored.scorecard is not None and builtin.scorecard is not None
    assert scored.scorecard.total == builtin.scorecard.total
    misnamed = tables.load("misnamed")
    assert misnamed.framework is None and any(i.code == "id-invalid" for i in misnamed.issues)
    with pytest.raises(UnusableInput):
        StoredTables({"broken": "a: [1,"}).load("broken")


def test_errors_give_no_source() -> None:
    doc = load_file(EXAMPLES / "zhanjiang-2020.yaml") | {"framework": "nowhere"}
    scored = score_document(doc, BuiltinTables())
    assert scored.scorecard is None and source_of(scored, doc) is None


# ------------------------------------------------------------------ hashes


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=ids)
def test_evaluation_hash_is_the_same_for_yaml_and_json(path: Path) -> None:
    yaml_doc = load_file(path)
    assert evaluation_sha256(as_json(yaml_doc)) == evaluation_sha256(yaml_doc)
    assert len(evaluation_sha256(yaml_doc)) == 64


def test_the_cli_stamps_the_content_hash() -> None:
    path = EXAMPLES / "zhanjiang-2020.yaml"
    _, source, _ = prepare(path)
    assert source is not None
    assert source.evaluation_sha256 == evaluation_sha256(load_file(path))


# ------------------------------------------------------------------ documents as bytes


def test_report_bytes_docx_html_md() -> None:
    source = scored_source()
    docx = report_bytes(source, "docx")
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        assert "word/document.xml" in package.namelist()
    html = report_bytes(source, "html").decode("utf-8")
    assert "<html" in html and source.evaluation_sha256 in html
    assert "自评" in report_bytes(source, "md").decode("utf-8")


def test_report_bytes_refuses_an_unknown_format() -> None:
    with pytest.raises(UnusableInput, match="不支持的报告格式"):
        report_bytes(scored_source(), "odt")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not on PATH")
def test_report_bytes_pdf() -> None:
    assert report_bytes(scored_source(), "pdf").startswith(b"%PDF")


def test_workbook_bytes_opens_with_openpyxl() -> None:
    book = load_workbook(io.BytesIO(workbook_bytes(scored_source())))
    assert len(book.sheetnames) == 2


def test_audit_bytes_reads_a_report_made_as_bytes() -> None:
    source = scored_source()
    result = audit_bytes("报告.docx", report_bytes(source, "docx"))
    assert result.file == "报告.docx" and result.document.file == "报告.docx"
    assert result.found.unit == source.evaluation.unit.name
    assert result.found.year == source.evaluation.year
    assert not any(f.code == "unreadable" for f in result.findings)


@pytest.mark.parametrize("name", ["x.docx", "../../x.docx", "x.pdf"])
def test_audit_bytes_of_garbage_is_unreadable(name: str) -> None:
    result = audit_bytes(name, b"this is not a document")
    assert [f.code for f in result.findings] == ["unreadable"]
    assert result.findings[0].severity == "error"


# ------------------------------------------------------------------ one failure vocabulary


def test_errors_share_one_base() -> None:
    for error in (scoring.UnusableInput, YamlError, ReportError, TableImportError):
        assert issubclass(error, UnusableInput)
    assert issubclass(DocumentError, JixiaoError)
    assert scoring.UnusableInput is UnusableInput
    error = UnusableInput("无法读取")
    assert (error.message, error.issues) == ("无法读取", ())


def test_findings_and_issues_share_severity_values() -> None:
    assert set(get_args(audit_model.SeverityName)) == {s.value for s in Severity}
    finding = audit_model.Finding("warning", "code", "说明")
    assert finding.severity is Severity.WARNING
    assert json.dumps(finding.severity) == '"warning"'
