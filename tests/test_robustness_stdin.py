"""Issue 12: inputs read from a pipe — ``-``, /dev/stdin, ``<(…)``, a named FIFO — work with a size
limit; a pipe that sends nothing is given up with a Chinese message, never waited on forever."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES
from jixiao.cli import app
from jixiao.core import inputs
from jixiao.frameworks import yamlio

LECHANG = EXAMPLES / "lechang-2023.yaml"
runner = CliRunner()
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    """The installed command in a real process, with real standard input (a pipe) and output."""
    command = [sys.executable, "-c", "from jixiao.cli import main; main()", *args]
    return subprocess.run(command, input=stdin, capture_output=True, timeout=120, env={**os.environ, "COLUMNS": "200"})  # type: ignore[call-overload]


def text(result: subprocess.CompletedProcess[bytes]) -> str:  # type: ignore[type-var]
    return (result.stdout + result.stderr).decode("utf-8")


def test_score_reads_an_evaluation_piped_as_dash_or_dev_stdin() -> None:
    data = LECHANG.read_bytes()
    by_file = run("score", "--json", str(LECHANG))
    for name in ("-", "/dev/stdin"):
        piped = run("score", "--json", name, stdin=data)
        assert piped.returncode == 0, text(piped)
        assert piped.stdout == by_file.stdout.replace(str(LECHANG).encode(), name.encode())


def test_report_tables_and_import_take_standard_input(tmp_path: Path) -> None:
    data = LECHANG.read_bytes()
    report = run("report", "-", "-o", str(tmp_path / "e.md"), stdin=data)
    assert report.returncode == 0, text(report)
    assert "总分" in (tmp_path / "e.md").read_text(encoding="utf-8")
    tables = run("tables", "/dev/stdin", "-o", str(tmp_path / "e.xlsx"), stdin=data)
    assert tables.returncode == 0 and (tmp_path / "e.xlsx").stat().st_size > 0, text(tables)
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["一级指标", "二级指标", "分值", "评分标准"])
    book.active.append(["决策", "目标设定", 10, "目标明确得满分"])
    book.save(tmp_path / "w.xlsx")
    imported = run(
        "framework",
        "import",
        "-",
        "-o",
        str(tmp_path / "t.yaml"),
        "--id",
        "t",
        stdin=(tmp_path / "w.xlsx").read_bytes(),
    )
    assert imported.returncode == 0, text(imported)
    assert "目标设定" in (tmp_path / "t.yaml").read_text(encoding="utf-8")


def test_a_relative_table_of_a_piped_evaluation_is_found_in_the_current_folder(tmp_path: Path) -> None:
    from jixiao.services import scoring

    table = Path(scoring.loader.builtin_path("lechang-2023") or "")
    (tmp_path / "local.yaml").write_bytes(table.read_bytes())
    text_ = LECHANG.read_text(encoding="utf-8")
    framework_line = next(line for line in text_.splitlines() if line.startswith("framework:"))
    piped = text_.replace(framework_line, "framework: local.yaml").encode()
    command = [sys.executable, "-c", "from jixiao.cli import main; main()", "score", "/dev/stdin"]
    result = subprocess.run(command, input=piped, capture_output=True, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr.decode()
    assert "总分 100 分" in result.stdout.decode()


def test_an_endless_pipe_stops_at_the_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlio, "MAX_FILE_BYTES", 1000)
    read_end, write_end = os.pipe()

    def flood() -> None:
        try:
            while True:
                os.write(write_end, b"a" * 4096)
        except OSError:  # the reader gave up and closed its end
            pass
        finally:
            os.close(write_end)

    writer = threading.Thread(target=flood, daemon=True)
    writer.start()
    try:
        with pytest.raises(yamlio.YamlError, match="文件过大"):
            yamlio.load_file(Path(f"/dev/fd/{read_end}"))
    finally:
        os.close(read_end)
    writer.join(5)


@needs_fifo
def test_a_fifo_written_later_is_read_and_a_silent_one_given_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fifo = tmp_path / "e.yaml"
    os.mkfifo(fifo)

    def write_late() -> None:
        time.sleep(0.3)
        fifo.write_bytes(LECHANG.read_bytes())  # blocks until the reader has opened the FIFO

    writer = threading.Thread(target=write_late, daemon=True)
    writer.start()
    result = runner.invoke(app, ["score", str(fifo)], env={"COLUMNS": "200"})
    writer.join(5)
    assert result.exit_code == 0, result.output
    assert "总分 100 分" in result.output
    monkeypatch.setattr(inputs, "PIPE_IDLE_SECONDS", 0.3)
    started = time.monotonic()
    silent = runner.invoke(app, ["score", str(fifo)], env={"COLUMNS": "200"})
    assert silent.exit_code == 2 and "没有读到数据" in silent.output
    assert time.monotonic() - started < 10


def test_dash_reads_the_test_runners_standard_input() -> None:
    result = runner.invoke(app, ["score", "-"], input=LECHANG.read_text(encoding="utf-8"), env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "总分 100 分" in result.output


def test_audit_reads_a_piped_report_whatever_its_kind(tmp_path: Path) -> None:
    report = run("report", str(LECHANG), "-o", str(tmp_path / "r.docx"))
    assert report.returncode == 0, text(report)
    by_file = run("audit", "--json", str(tmp_path / "r.docx"))
    piped = run("audit", "--json", "-", stdin=(tmp_path / "r.docx").read_bytes())
    assert piped.returncode == by_file.returncode, text(piped)
    assert b'"unit": "\\u4e50' in piped.stdout or "乐昌市人民政府办公室" in piped.stdout.decode()
    assert '"file": "-"' in piped.stdout.decode()


def test_a_terminal_as_standard_input_is_refused() -> None:
    pty = pytest.importorskip("pty")
    primary, secondary = pty.openpty()
    try:
        command = [sys.executable, "-c", "from jixiao.cli import main; main()", "score", "-"]
        result = subprocess.run(command, stdin=secondary, capture_output=True, timeout=60)
    finally:
        os.close(primary)
        os.close(secondary)
    assert result.returncode == 2
    assert "标准输入是终端" in result.stderr.decode()


def test_init_refuses_a_piped_table_it_could_not_refer_to(tmp_path: Path) -> None:
    from jixiao.frameworks import loader

    table = Path(loader.builtin_path("lechang-2023") or "").read_bytes()
    result = run("init", "-", "-o", str(tmp_path / "e.yaml"), stdin=table)
    assert result.returncode == 2 and "保存为 .yaml 文件" in text(result)
    assert not (tmp_path / "e.yaml").exists()
    checked = run("framework", "check", "-", stdin=table)
    assert checked.returncode == 0 and "评分表有效" in text(checked)
