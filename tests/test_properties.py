"""Property tests for every loader and reader (issue 12 "Keep it so").

Whatever the input — an example evaluation or a built-in table with one key replaced by anything,
a bureau's workbook with arbitrary cells, bytes given as a .txt/.docx/.pdf report — the outcome is
a clear error (a ``JixiaoError``, or issues with an error) or a result that satisfies the
invariants of ``tests/invariants.py``. Never another exception.
"""

from __future__ import annotations

import copy
import io
import zipfile
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES
from invariants import check_scorecard
from jixiao.core.errors import JixiaoError
from jixiao.core.model import Framework, Severity
from jixiao.frameworks import loader, yamlio
from jixiao.frameworks.evaluation import load_evaluation
from jixiao.services.scoring import engine_for, load_table, score_evaluation

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))

# values chosen to reach the edges: blanks, invisible text, fractions, percents above 100, huge numbers
EDGE_NUMBERS = st.sampled_from(
    [Decimal(v) for v in ("0", "0.95", "1", "100", "120", "-5", "1e15", "-1e15", "1e78", "999999999999999.99")]
)
NUMBERS = st.one_of(
    EDGE_NUMBERS, st.decimals(min_value=Decimal("-1e6"), max_value=Decimal("1e6"), allow_nan=False, places=2)
)
TEXTS = st.one_of(st.sampled_from(["", " ", "\u3000", "\u200b", "lechang-2023", "95%", "true"]), st.text(max_size=8))
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, TEXTS)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.one_of(TEXTS, st.just("value")), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(obj: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(obj, dict):
        for key, value in obj.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(obj, list):
        for i, value in enumerate(obj):
            out += _paths(value, (*prefix, i))
    return out


def mutate(doc: Any, data: st.DataObject, times: int = 3) -> Any:
    """``doc`` with up to ``times`` keys replaced by arbitrary values, or deleted."""
    doc = copy.deepcopy(doc)
    for _ in range(data.draw(st.integers(1, times))):
        paths = _paths(doc)[1:]
        if not paths:
            break
        path = data.draw(st.sampled_from(paths))
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        if isinstance(parent, dict) and data.draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = data.draw(VALUES)
    return doc


@cache
def parsed(path: Path) -> Any:
    return yamlio.load_file(path)


def builtin_only(ref: str) -> loader.Loaded:
    """Tables by built-in id only: a fuzzed ``framework:`` never reads a file of this machine."""
    if "/" in ref or "\\" in ref or ref.endswith((".yaml", ".yml")) or loader.builtin_path(ref) is None:
        return load_table("no-such-table")
    return load_table(ref)


# --------------------------------------------------------------------------- YAML evaluations


@FAST
@given(st.sampled_from(EXAMPLE_FILES), st.data())
def test_a_mutated_example_evaluation_is_refused_or_scores_within_the_invariants(
    path: Path, data: st.DataObject
) -> None:
    doc = mutate(parsed(path), data)
    try:
        scored = score_evaluation(doc, "e.yaml", builtin_only)
    except JixiaoError:
        return
    if scored.scorecard is None:
        assert not scored.ok, scored.issues  # no scorecard: an error says why
        return
    assert scored.framework is not None
    check_scorecard(scored.framework, scored.scorecard)
    if scored.ok:
        assert scored.scorecard.total is not None


# --------------------------------------------------------------------------- YAML tables


@cache
def builtin_framework(table_id: str) -> Framework:
    loaded = load_table(table_id)
    assert loaded.framework is not None
    return loaded.framework


@FAST
@given(st.sampled_from(EXAMPLE_FILES), st.data())
def test_a_mutated_builtin_table_is_refused_or_scores_within_the_invariants(path: Path, data: st.DataObject) -> None:
    evaluation = load_evaluation(parsed(path), str(path)).evaluation
    assert evaluation is not None
    table_file = loader.builtin_path(evaluation.framework)
    assert table_file is not None
    loaded = loader.load_document(mutate(parsed(table_file), data), "t.yaml")
    if loaded.framework is None:
        assert any(i.severity is Severity.ERROR for i in loaded.issues)
        return
    check_scorecard(loaded.framework, engine_for(loaded.framework).score(evaluation))


@given(st.sampled_from(["id", "name", "source", "provenance"]), st.sampled_from(["", " ", "\u3000", "\u200b", "\t"]))
def test_a_table_with_a_blank_required_text_is_refused(key: str, blank: str) -> None:
    doc = copy.deepcopy(parsed(loader.builtin_path("lechang-2023")))  # type: ignore[arg-type]
    doc[key] = blank
    loaded = loader.load_document(doc, "t.yaml")
    assert loaded.framework is None
    assert any(i.code == "key-missing" and i.path == key for i in loaded.issues)


# --------------------------------------------------------------------------- the .xlsx import

CELLS = st.one_of(
    st.none(),
    st.integers(-10, 200),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["部门决策（30分）", "目标设定", "合计", "5", "1e101", "符合要求的得5分。", "", " "]),
    st.text(max_size=12),
)
HEADER = ["一级指标", "二级指标", "三级指标", "分值", "指标解释", "评分标准"]


@FAST
@given(rows=st.lists(st.lists(CELLS, min_size=6, max_size=6), max_size=8), with_header=st.booleans())
def test_an_xlsx_import_is_refused_or_gives_a_table_that_scores_within_the_invariants(
    rows: list[list[Any]], with_header: bool, tmp_path_factory: Any
) -> None:
    from openpyxl import Workbook

    from jixiao.frameworks.xlsx_import import import_xlsx

    book = Workbook()
    sheet = book.active
    if with_header:
        sheet.append(HEADER)
    for row in rows:
        sheet.append([_cell(c) for c in row])
    path = tmp_path_factory.mktemp("xlsx") / "t.xlsx"
    book.save(path)
    meta = {"id": "t", "version": 1, "name": "表", "provenance": "example", "source": "测试"}
    try:
        imported = import_xlsx(path, meta)
    except JixiaoError as error:
        assert error.message
        return
    framework = imported.loaded.framework
    if framework is None:
        assert any(i.severity is Severity.ERROR for i in imported.loaded.issues)
        return
    evaluation = load_evaluation(
        {"format": "jixiao/evaluation@1", "framework": "t", "year": 2023, "unit": {"name": "单位"}}, "e.yaml"
    ).evaluation
    assert evaluation is not None
    check_scorecard(framework, engine_for(framework).score(evaluation))


def _cell(value: Any) -> Any:
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return str(value)  # openpyxl cannot store NaN or infinity as numbers
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        return ILLEGAL_CHARACTERS_RE.sub("", value)  # nor control characters (Excel cannot either)
    return value


# --------------------------------------------------------------------------- the .txt/.docx/.pdf readers


def _docx_bytes(paragraphs: list[str]) -> bytes:
    from docx import Document

    word = Document()
    for text in paragraphs:
        word.add_paragraph(text)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


@cache
def _pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _damaged(raw: bytes, data: st.DataObject) -> bytes:
    how = data.draw(st.sampled_from(["keep", "truncate", "flip", "random"]))
    if how == "truncate":
        return raw[: data.draw(st.integers(0, max(0, len(raw) - 1)))]
    if how == "flip" and raw:
        at = data.draw(st.integers(0, len(raw) - 1))
        return raw[:at] + bytes([raw[at] ^ 0xFF]) + raw[at + 1 :]
    if how == "random":
        return data.draw(st.binary(max_size=300))
    return raw


def _zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


@FAST
@given(kind=st.sampled_from(["txt", "docx", "pdf"]), data=st.data())
def test_a_report_is_read_or_refused_with_a_reason_and_audits_without_raising(
    kind: str, data: st.DataObject, tmp_path_factory: Any
) -> None:
    from jixiao.audit.readers import read
    from jixiao.services.audit import audit_document

    words = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40)  # as Word can hold them
    paragraphs = data.draw(st.lists(words, max_size=6))
    if kind == "txt":
        raw = data.draw(st.one_of(st.binary(max_size=300), st.just("\n".join(paragraphs).encode("gb18030"))))
    elif kind == "docx":
        raw = data.draw(
            st.one_of(
                st.builds(lambda: _docx_bytes(paragraphs)),
                st.just(_zip_of({"word/document.xml": b"<w:document/>"})),
                st.binary(max_size=200),
            )
        )
        raw = _damaged(raw, data)
    else:
        raw = _damaged(_pdf_bytes(), data)
    path = tmp_path_factory.mktemp("report") / f"r.{kind}"
    path.write_bytes(raw)
    document = read(path)
    assert document.kind == kind
    if document.problem:
        assert document.lines == () or document.problem  # a reason, in words
    audited = audit_document(str(path), document)
    codes = {f.code for f in audited.findings}
    if document.problem:
        assert "unreadable" in codes
    for finding in audited.findings:
        assert finding.severity in ("error", "warning", "info") and finding.message
