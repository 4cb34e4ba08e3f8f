"""PDF batches of any size: chunks, one profile per LibreOffice process, partial failures, interruptions.

Most tests use a fake ``soffice`` (a shell script) so they run in a second; one converts a small batch with
the real LibreOffice. The full 260-report batch is in bench/pdf_batch.py.
"""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES
from jixiao.cli import app
from jixiao.documents import pdf
from jixiao.documents.pdf import DocumentError, clean_stale, convert_to_pdf
from test_pdf import needs_soffice

SRC = Path(__file__).resolve().parent.parent / "src"

# Writes <outdir>/<stem>.pdf for every .docx argument except those named in $FAIL_NAME; logs each call.
FAKE = r"""#!/bin/sh
echo "$@" >> "$FAKE_LOG"
out=""; prev=""
for a in "$@"; do [ "$prev" = "--outdir" ] && out="$a"; prev="$a"; done
for a in "$@"; do
  case "$a" in
    *.docx) name=$(basename "$a" .docx)
            [ "$name" = "${FAIL_NAME:-}" ] || echo "%PDF-1.4 fake" > "$out/$name.pdf";;
  esac
done
"""


def fake_soffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str = FAKE) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    soffice = bin_dir / "soffice"
    soffice.write_text(script)
    soffice.chmod(soffice.stat().st_mode | stat.S_IXUSR)
    log = tmp_path / "calls.log"
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    monkeypatch.setenv("FAKE_LOG", str(log))
    monkeypatch.setattr(pdf, "_check_cjk_fonts", lambda conf: None)
    return log


def docx_files(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"r{i:03d}.docx" for i in range(count)]
    for path in paths:
        path.write_bytes(b"PK fake")
    return paths


def evaluations(folder: Path, count: int) -> list[Path]:
    """``count`` copies of the lechang example, each for a different unit."""
    folder.mkdir(parents=True, exist_ok=True)
    text = (EXAMPLES / "lechang-2023.yaml").read_text(encoding="utf-8")
    paths = []
    for i in range(count):
        path = folder / f"单位{i:03d}.yaml"
        path.write_text(text.replace("name: 乐昌市人民政府办公室", f"name: 乐昌市测试单位{i:03d}"), encoding="utf-8")
        paths.append(path)
    return paths


def test_batch_is_converted_in_chunks_each_with_its_own_profile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = fake_soffice(tmp_path, monkeypatch)
    monkeypatch.setattr(pdf, "CHUNK", 4)
    done: list[int] = []
    outputs = convert_to_pdf(docx_files(tmp_path / "in", 10), tmp_path / "out", done=done.append)
    assert [p.name for p in outputs] == [f"r{i:03d}.pdf" for i in range(10)]
    assert all(p.is_file() for p in outputs)
    calls = log.read_text().splitlines()
    sizes = sorted(len(re.findall(r"\.docx", c)) for c in calls)
    assert sum(sizes) == 10 and max(sizes) <= 4 and max(sizes) - min(sizes) <= 1  # even chunks, none too big
    profiles = {re.search(r"UserInstallation=(\S+)", c).group(1) for c in calls}  # type: ignore[union-attr]
    assert len(profiles) == len(calls)
    assert sorted(done) == sizes


def test_failed_files_are_named_and_the_others_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_soffice(tmp_path, monkeypatch)
    monkeypatch.setattr(pdf, "CHUNK", 3)
    monkeypatch.setenv("FAIL_NAME", "r004")
    inputs = docx_files(tmp_path / "in", 7)
    with pytest.raises(DocumentError, match=r"未能转换：r004\.docx") as error:
        convert_to_pdf(inputs, tmp_path / "out")
    assert error.value.failed == (inputs[4].resolve(),)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [f"r{i:03d}.pdf" for i in range(7) if i != 4]


def test_cli_batch_names_the_evaluation_that_failed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_soffice(tmp_path, monkeypatch)
    monkeypatch.setattr(pdf, "CHUNK", 2)
    monkeypatch.setenv("FAIL_NAME", "00002")  # the third report of the batch
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr("tempfile.tempdir", None)
    files = evaluations(tmp_path / "eval", 5)
    result = CliRunner().invoke(app, ["report", *map(str, files), "-o", str(tmp_path / "pdf"), "--format", "pdf"])
    assert result.exit_code == 1, result.output
    assert "单位002" in result.output and "未生成" in result.output
    assert "00002.docx" not in result.output  # the evaluation is named, not the temporary file
    assert sorted(p.name for p in (tmp_path / "pdf").iterdir()) == [f"单位{i:03d}.pdf" for i in (0, 1, 3, 4)]
    assert list((tmp_path / "tmp").iterdir()) == []


@needs_soffice
def test_real_batch_over_two_processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "CHUNK", 2)
    files = evaluations(tmp_path / "eval", 4)
    result = CliRunner().invoke(app, ["report", *map(str, files), "-o", str(tmp_path / "pdf"), "--format", "pdf"])
    assert result.exit_code == 0, result.output
    pdfs = sorted((tmp_path / "pdf").iterdir())
    assert [p.name for p in pdfs] == [f"单位{i:03d}.pdf" for i in range(4)]
    assert all(p.read_bytes().startswith(b"%PDF") for p in pdfs)


# --- interruptions ---------------------------------------------------------------------------------------

HANGING = '#!/bin/sh\necho "$@" >> "$FAKE_LOG"\nexec sleep 60\n'


def start_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int = 40
) -> tuple[subprocess.Popen[bytes], Path]:
    """``jixiao report`` of 3 evaluations to PDF in a child process, with a LibreOffice that hangs."""
    log = fake_soffice(tmp_path, monkeypatch, HANGING)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    files = evaluations(tmp_path / "eval", 3)
    env = dict(os.environ, TMPDIR=str(tmp), PYTHONPATH=f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    code = f"from jixiao.documents import pdf; pdf.CHUNK = {chunk}; from jixiao.cli import main; main()"
    command = [sys.executable, "-c", code, "report", *map(str, files)]
    process = subprocess.Popen([*command, "-o", str(tmp_path / "pdf"), "--format", "pdf"], env=env)
    deadline = time.monotonic() + 60
    while not (log.exists() and log.read_text()):
        assert time.monotonic() < deadline and process.poll() is None, "LibreOffice was never started"
        time.sleep(0.05)
    return process, tmp


def running_on(folder: Path) -> list[int]:
    """Processes whose command line names ``folder``."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if str(folder).encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def wait_gone(folder: Path) -> list[int]:
    deadline = time.monotonic() + 5
    while running_on(folder) and time.monotonic() < deadline:
        time.sleep(0.05)
    return running_on(folder)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize(("signum", "chunk"), [(signal.SIGINT, 40), (signal.SIGTERM, 40), (signal.SIGTERM, 1)])
def test_interrupted_batch_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, signum: int, chunk: int
) -> None:
    process, tmp = start_batch(tmp_path, monkeypatch, chunk)  # chunk 1: two LibreOffice processes at once
    process.send_signal(signum)
    assert process.wait(timeout=30) == 130
    assert list(tmp.iterdir()) == []
    assert wait_gone(tmp) == []
    assert not (tmp_path / "pdf").exists() or list((tmp_path / "pdf").iterdir()) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_killed_batch_is_cleaned_up_by_its_watchdog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    process, tmp = start_batch(tmp_path, monkeypatch)
    process.kill()  # SIGKILL: the batch itself gets no chance to clean up …
    process.wait(timeout=10)
    deadline = time.monotonic() + 10
    while list(tmp.iterdir()) and time.monotonic() < deadline:  # … its watchdog does
        time.sleep(0.05)
    assert list(tmp.iterdir()) == []
    assert wait_gone(tmp) == []


def test_folders_of_dead_processes_are_removed_on_the_next_start(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    left = tmp_path / f"jixiao-pdf-{dead.pid}-abc"
    (left / "profile-0").mkdir(parents=True)
    assert clean_stale(tmp_path) == [left]
    assert list(tmp_path.iterdir()) == []


def test_folders_of_live_processes_are_left_alone(tmp_path: Path) -> None:
    mine = tmp_path / f"jixiao-pdf-{os.getpid()}-abc"
    mine.mkdir()
    assert clean_stale(tmp_path) == [] and mine.is_dir()
