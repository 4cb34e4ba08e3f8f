"""Issue 12: nothing lost, nothing crashes — outputs written atomically, never over an input or an
existing file (without --force), unusable inputs refused with a Chinese message and exit 2."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from conftest import EXAMPLES
from jixiao.cli import app

runner = CliRunner()
LECHANG = EXAMPLES / "lechang-2023.yaml"
ROOT_USER = hasattr(os, "geteuid") and os.geteuid() == 0


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


def copy(tmp_path: Path, source: Path = LECHANG, name: str = "e.yaml") -> Path:
    target = tmp_path / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


def workbook(path: Path, weight: object = 10) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "评分表"
    sheet.append(["一级指标", "二级指标", "分值", "评分标准"])
    sheet.append(["决策", "目标设定", weight, "目标明确得满分"])
    book.save(path)
    return path


def assert_clean(result, status: int) -> None:  # type: ignore[no-untyped-def]
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == status, result.output
    assert "Traceback" not in result.output


# --- atomic writes -------------------------------------------------------------------------------


def test_a_failed_write_leaves_the_earlier_file_intact(tmp_path: Path) -> None:
    from jixiao.services.files import OutputRefused, write_atomically

    output = tmp_path / "report.md"
    output.write_text("earlier good report", encoding="utf-8")

    def half_then_fail(path: Path) -> None:
        path.write_text("trunc", encoding="utf-8")
        raise OSError(28, "No space left on device")

    with pytest.raises(OutputRefused) as caught:
        write_atomically(output, half_then_fail)
    assert "磁盘空间不足" in caught.value.message and str(output) in caught.value.message
    assert output.read_text(encoding="utf-8") == "earlier good report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]  # no temporary left behind


def test_report_is_written_through_a_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jixiao.services import documents

    evaluation = copy(tmp_path)
    (tmp_path / "out.md").write_text("earlier", encoding="utf-8")

    def broken(report: object, path: Path) -> None:
        path.write_text("half a rep", encoding="utf-8")
        raise OSError(122, "Disk quota exceeded")

    monkeypatch.setitem(documents._RENDERERS, "md", broken)
    result = invoke("report", str(evaluation), "-o", str(tmp_path / "out.md"), "--force")
    assert_clean(result, 2)
    assert "无法写入" in result.output and "无法读取" not in result.output
    assert (tmp_path / "out.md").read_text(encoding="utf-8") == "earlier"


def test_tables_on_a_full_disk_keeps_the_earlier_workbook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from xlsxwriter.workbook import Workbook as XlsxBook

    evaluation = copy(tmp_path)
    (tmp_path / "t.xlsx").write_bytes(b"earlier workbook")

    def full(self: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(XlsxBook, "_store_workbook", full)
    result = invoke("tables", str(evaluation), "-o", str(tmp_path / "t.xlsx"), "--force")
    assert_clean(result, 2)
    assert "无法写入" in result.output and "磁盘空间不足" in result.output
    assert (tmp_path / "t.xlsx").read_bytes() == b"earlier workbook"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e.yaml", "t.xlsx"]


# --- outputs over inputs and over existing files ---------------------------------------------------


def test_report_never_writes_over_its_evaluation(tmp_path: Path) -> None:
    evaluation = copy(tmp_path, name="e.md")
    before = evaluation.read_bytes()
    result = invoke("report", str(evaluation), "-o", str(evaluation), "--force")
    assert_clean(result, 2)
    assert "输入文件" in result.output
    (tmp_path / "link.md").symlink_to(evaluation)
    result = invoke("report", str(evaluation), "-o", str(tmp_path / "link.md"), "--force")
    assert_clean(result, 2)
    assert evaluation.read_bytes() == before


def test_report_and_tables_refuse_an_existing_file_without_force(tmp_path: Path) -> None:
    evaluation = copy(tmp_path)
    for command, name in (("report", "r.md"), ("tables", "t.xlsx")):
        (tmp_path / name).write_text("keep me", encoding="utf-8")
        refused = invoke(command, str(evaluation), "-o", str(tmp_path / name))
        assert_clean(refused, 2)
        assert "已存在" in refused.output and "--force" in refused.output
        assert (tmp_path / name).read_text(encoding="utf-8") == "keep me"
        assert_clean(invoke(command, str(evaluation), "-o", str(tmp_path / name), "--force"), 0)
        assert (tmp_path / name).read_bytes() != b"keep me"


def test_audit_csv_never_replaces_the_audited_report(tmp_path: Path) -> None:
    report = tmp_path / "r.txt"
    report.write_text("某单位2023年度部门整体支出绩效自评报告\n", encoding="utf-8")
    result = invoke("audit", str(report), "--csv", str(report), "--force")
    assert_clean(result, 2)
    assert report.read_text(encoding="utf-8").startswith("某单位")
    (tmp_path / "f.csv").write_text("old", encoding="utf-8")
    assert_clean(invoke("audit", str(report), "--csv", str(tmp_path / "f.csv")), 2)
    assert (tmp_path / "f.csv").read_text(encoding="utf-8") == "old"
    assert invoke("audit", str(report), "--csv", str(tmp_path / "f.csv"), "--force").exit_code in (0, 1)
    assert (tmp_path / "f.csv").read_text(encoding="utf-8-sig") != "old"


def test_framework_import_refuses_an_existing_file_without_force(tmp_path: Path) -> None:
    source = workbook(tmp_path / "t.xlsx")
    (tmp_path / "t.yaml").write_text("mine", encoding="utf-8")
    args = ("framework", "import", str(source), "-o", str(tmp_path / "t.yaml"), "--id", "t")
    assert_clean(invoke(*args), 2)
    assert (tmp_path / "t.yaml").read_text(encoding="utf-8") == "mine"
    assert invoke(*args, "--force").exit_code in (0, 1)
    assert "jixiao/framework@1" in (tmp_path / "t.yaml").read_text(encoding="utf-8")


def test_same_named_evaluations_get_distinct_visible_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    here = copy(tmp_path / "work", name="e.yaml")
    copy(tmp_path, name="e.yaml")
    monkeypatch.chdir(here.parent)
    result = invoke("report", "e.yaml", "../e.yaml", "-o", "out", "--format", "md")
    assert_clean(result, 0)
    names = sorted(p.name for p in (here.parent / "out").iterdir())
    assert len(names) == 2 and not any(n.startswith((".", "-")) for n in names), names


# --- crashes and hangs -----------------------------------------------------------------------------


@pytest.mark.skipif(ROOT_USER, reason="root writes into read-only folders")
def test_unwritable_folders_give_a_message_not_a_crash(tmp_path: Path) -> None:
    evaluation = copy(tmp_path)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        tables = invoke("tables", str(evaluation), "-o", str(locked / "t.xlsx"))
        assert_clean(tables, 2)
        assert "无法写入" in tables.output
        source = workbook(tmp_path / "t.xlsx")
        imported = invoke("framework", "import", str(source), "-o", str(locked / "t.yaml"), "--id", "t")
        assert_clean(imported, 2)
        assert "无法写入" in imported.output
    finally:
        locked.chmod(0o700)


def test_framework_import_into_a_missing_folder(tmp_path: Path) -> None:
    source = workbook(tmp_path / "t.xlsx")
    result = invoke("framework", "import", str(source), "-o", str(tmp_path / "new" / "t.yaml"), "--id", "t")
    assert result.exit_code in (0, 1), result.output
    assert (tmp_path / "new" / "t.yaml").exists()


def test_framework_import_of_a_damaged_sheet_or_a_huge_weight(tmp_path: Path) -> None:
    source = workbook(tmp_path / "t.xlsx")
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(damaged, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            new.writestr(item, data[: len(data) // 2] if item.filename.endswith("sheet1.xml") else data)
    result = invoke("framework", "import", str(damaged), "-o", str(tmp_path / "d.yaml"), "--id", "t")
    assert_clean(result, 2)
    huge = workbook(tmp_path / "huge.xlsx", weight="1e101")
    result = invoke("framework", "import", str(huge), "-o", str(tmp_path / "h.yaml"), "--id", "t")
    assert_clean(result, 2)
    assert "分值" in result.output


def test_a_very_long_framework_reference(tmp_path: Path) -> None:
    text = LECHANG.read_text(encoding="utf-8").replace("framework: lechang-2023", "framework: " + "评" * 90)
    (tmp_path / "e.yaml").write_text(text, encoding="utf-8")
    result = invoke("score", str(tmp_path / "e.yaml"))
    assert_clean(result, 1)
    assert "framework" in result.output


def test_a_table_nested_340_levels_given_as_data() -> None:
    from jixiao.core.errors import UnusableInput
    from jixiao.frameworks.loader import load_document

    node: dict[str, object] = {"id": "leaf", "name": "l", "weight": 1, "rule": {"type": "yes_no"}}
    for i in range(340):
        node = {"id": f"n{i}", "name": "n", "weight": 1, "children": [node]}
    document = {"format": "jixiao/framework@1", "id": "x", "version": 1, "name": "x", "total": 1, "indicators": [node]}
    with pytest.raises(UnusableInput, match="嵌套层次过深"):
        load_document(document, "t")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_devices_are_refused_and_a_silent_fifo_is_given_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jixiao.core import inputs

    monkeypatch.setattr(inputs, "PIPE_IDLE_SECONDS", 0.3)
    result = invoke("score", "/dev/zero")
    assert_clean(result, 2)
    assert "不是普通文件" in result.output
    fifo = tmp_path / "f.yaml"
    os.mkfifo(fifo)  # nobody ever writes it: waited on for a while, then refused
    for args in (("score", str(fifo)), ("framework", "check", str(fifo)), ("init", str(fifo), "-o", "x.yaml")):
        result = invoke(*args)
        assert_clean(result, 2)
        assert "没有读到数据" in result.output, (args, result.output)
    for name in ("r.txt", "r.docx"):
        os.mkfifo(tmp_path / name)
        audited = invoke("audit", str(tmp_path / name))
        assert_clean(audited, 2)
        assert "没有读到数据" in audited.output
    (tmp_path / "z.xlsx").symlink_to("/dev/zero")
    imported = invoke("framework", "import", str(tmp_path / "z.xlsx"), "-o", str(tmp_path / "t.yaml"), "--id", "t")
    assert_clean(imported, 2)
    assert "不是普通文件" in imported.output and not (tmp_path / "t.yaml").exists()


def test_an_oversized_yaml_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jixiao.frameworks import yamlio

    monkeypatch.setattr(yamlio, "MAX_FILE_BYTES", 100)
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * 200 + "\n", encoding="utf-8")
    with pytest.raises(yamlio.YamlError, match="文件过大"):
        yamlio.load_file(path)


# --- messages --------------------------------------------------------------------------------------


def test_yaml_errors_are_explained_in_chinese_only(tmp_path: Path) -> None:
    from jixiao.frameworks import yamlio

    for text in ("a:\n\tb: 1\n", "- a\nb: 1\n", "a: 1\n---\nb: 2\n", "a: &x 1\nb: &x 2\n", "a: @x\n", "\x07a: 1\n"):
        with pytest.raises(yamlio.YamlError) as caught:
            yamlio.loads(text, "f.yaml")
        assert not any(word in caught.value.message for word in ("found", "expected", "occurrence", "character"))
    with pytest.raises(yamlio.YamlError, match="制表符"):
        yamlio.loads("a:\n\tb: 1\n", "f.yaml")


def test_command_line_errors_and_help_are_chinese() -> None:
    for args, english in (
        (("report", "x.yaml"), "Missing option"),
        (("score", "--bogus", "x"), "No such option"),
        (("report",), "Missing argument"),
        (("--help",), "Show this message"),
        (("score", "--help"), "Usage"),
    ):
        result = invoke(*args)
        assert english not in result.output, result.output
        for word in ("Usage", "Options", "Arguments", "Commands", "Try '", "Error"):
            assert word not in result.output, (args, word, result.output)
    assert "缺少选项" in invoke("report", "x.yaml").output


def test_not_generated_names_the_output(tmp_path: Path) -> None:
    text = LECHANG.read_text(encoding="utf-8").replace("satisfaction: 100", 'satisfaction: "100%"')
    (tmp_path / "e.yaml").write_text(text, encoding="utf-8")
    result = invoke("report", str(tmp_path / "e.yaml"), "-o", str(tmp_path / "out.docx"))
    assert result.exit_code == 1
    assert f"未生成 {tmp_path / 'out.docx'}" in result.output.replace("\n", "")


def test_user_text_is_not_turned_into_emoji(tmp_path: Path) -> None:
    text = LECHANG.read_text(encoding="utf-8").replace("name: 乐昌市人民政府办公室", "name: '办公室:100:'", 1)
    (tmp_path / "e.yaml").write_text(text, encoding="utf-8")
    result = invoke("score", str(tmp_path / "e.yaml"))
    assert ":100:" in result.output and "\U0001f4af" not in result.output


def test_system_errors_are_explained_in_chinese(tmp_path: Path) -> None:
    import errno

    from jixiao.services.files import OutputRefused, write_atomically

    for number, english in ((errno.EFBIG, "File too large"), (errno.ENOENT, "No such file"), (errno.EIO, "I/O error")):

        def fail(path: Path, number: int = number, english: str = english) -> None:
            raise OSError(number, english)

        with pytest.raises(OutputRefused) as caught:
            write_atomically(tmp_path / "o.md", fail)
        assert english not in caught.value.message and "无法写入" in caught.value.message


def test_an_output_of_the_wrong_kind_is_a_write_problem_not_a_read_problem(tmp_path: Path) -> None:
    evaluation = copy(tmp_path)
    for args in (
        ("tables", str(evaluation), "-o", str(tmp_path / "t.csv")),
        ("report", str(evaluation), "-o", str(tmp_path / "r.txt")),
        ("report", str(evaluation), str(evaluation), "-o", str(tmp_path / "r.md")),
        ("framework", "import", str(workbook(tmp_path / "w.xlsx")), "-o", str(tmp_path / "o.xlsx"), "--id", "t"),
        ("init", "lechang-2023", "-o", str(evaluation)),
    ):
        result = invoke(*args)
        assert_clean(result, 2)
        assert result.output.startswith("无法写入："), (args, result.output)


def test_a_table_path_in_an_evaluation_reads_only_yaml_and_never_echoes_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("password: hunter2-and-more-secret-text\n", encoding="utf-8")
    (tmp_path / "link.yaml").symlink_to(secret)  # a .yaml name is resolved first
    (tmp_path / "plain.yaml").write_text("hunter2 plain secret words\n", encoding="utf-8")
    text = LECHANG.read_text(encoding="utf-8")
    framework_line = next(line for line in text.splitlines() if line.startswith("framework:"))
    for ref, said in (
        (str(secret), "不是评分表文件"),
        ("../" * 6 + str(secret).lstrip("/"), "不是评分表文件"),
        ("link.yaml", "不是评分表文件"),
        ("plain.yaml", "实为一段文字"),
    ):
        (tmp_path / "e.yaml").write_text(text.replace(framework_line, f"framework: {ref}"), encoding="utf-8")
        result = invoke("score", str(tmp_path / "e.yaml"))
        assert_clean(result, 1)
        assert said in result.output and "hunter2" not in result.output, (ref, result.output)
