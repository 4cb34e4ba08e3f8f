"""Convert .docx reports to PDF with LibreOffice headless, so the PDF has Word's layout.

A batch is converted in chunks (one ``soffice`` call reads only about 250 file arguments, and starting
LibreOffice costs more than a page), one process per core at a time, each with a fresh profile (two
conversions sharing a profile fail), the project's fontconfig aliases (the official Chinese font names →
installed Noto CJK fonts) and a timeout. LibreOffice exits 0 even when it could not load a file, so every
expected output is checked, and the PDFs that did convert are kept. Temporary folders are named after
this process; an interrupted batch kills its LibreOffice processes, and folders left by a killed one are
removed (with their LibreOffice) on the next start.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..core.errors import JixiaoError
from .docx import render_docx
from .model import Report

SOFFICE = "soffice"  # looked up on PATH
FC_LIST = "fc-list"
FONTS_CONF = Path(__file__).parent / "fonts" / "fonts.conf"
INSTALL_HINT = "或在项目目录运行 bash scripts/install-system-deps"


class DocumentError(JixiaoError):
    """A document could not be produced; the message (Chinese) says why and what to install.

    ``failed`` lists the inputs of a batch that gave no PDF (the others were converted).
    """

    def __init__(self, message: str, failed: Sequence[Path] = ()) -> None:
        super().__init__(message)
        self.failed = tuple(failed)


def _soffice() -> str:
    found = shutil.which(SOFFICE)
    if found is None:
        raise DocumentError(
            f"未找到 LibreOffice（{SOFFICE}），无法生成 PDF。请安装：sudo apt-get install -y libreoffice-writer-nogui，"
            f"{INSTALL_HINT}。"
        )
    return found


def _environment(tmp: Path | None = None) -> dict[str, str]:
    """LibreOffice's environment: the project's fonts, and its own temporary files in ``tmp`` (removed with it)."""
    env = dict(os.environ)
    env["FONTCONFIG_FILE"] = str(FONTS_CONF)
    if tmp is not None:
        tmp.mkdir(parents=True, exist_ok=True)
        env["TMPDIR"] = str(tmp)
    return env


@functools.cache
def _check_cjk_fonts(conf: str) -> None:
    """Fail early if fontconfig knows no Chinese font (the PDF would show empty boxes). Cached on success."""
    fc_list = shutil.which(FC_LIST)
    if fc_list is None:
        return  # fontconfig's tools absent: LibreOffice still works, we cannot check
    env = dict(os.environ, FONTCONFIG_FILE=conf)
    result = subprocess.run([fc_list, ":lang=zh", "family"], env=env, capture_output=True, text=True, check=False)
    if not result.stdout.strip():
        raise DocumentError(
            f"未找到中文字体，PDF 中的汉字将无法显示。请安装：sudo apt-get install -y fonts-noto-cjk，{INSTALL_HINT}。"
        )


def _inputs(docx_paths: Sequence[Path]) -> list[Path]:
    paths = [Path(p).resolve() for p in docx_paths]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise DocumentError(f"要转换的文件不存在：{'，'.join(missing)}")
    stems = [p.stem for p in paths]
    clashes = sorted({s for s in stems if stems.count(s) > 1})
    if clashes:
        raise DocumentError(f"同一批转换中文件名重复（输出的 PDF 会互相覆盖）：{'，'.join(clashes)}")
    return paths


def _run(command: list[str], env: dict[str, str], timeout: float) -> str:
    """Run LibreOffice in its own process group; returns its output.

    On a timeout, an interruption (Ctrl-C, SIGTERM turned into an exception by the CLI) or any other
    exception the whole group is killed before the exception goes on. Where the system allows it, the
    direct child is also killed by the kernel when this process dies (``PR_SET_PDEATHSIG``); what a
    SIGKILL still leaves behind is removed by ``clean_stale`` on the next start.
    """
    with subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        preexec_fn=_die_with_parent,
    ) as process:
        with _LOCK:
            _RUNNING.add(process)
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            raise DocumentError(f"LibreOffice 转换超时（{timeout:.0f} 秒），已终止。") from None
        except BaseException:
            _kill_group(process)
            raise
        finally:
            with _LOCK:
                _RUNNING.discard(process)
    return output or ""


_RUNNING: set[subprocess.Popen[str]] = set()  # LibreOffice processes of this batch, for an interruption
_LOCK = threading.Lock()


def _kill_running() -> None:
    with _LOCK:
        running = list(_RUNNING)
    for process in running:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)


def _kill_group(process: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(Exception):
        process.communicate(timeout=10)


def _die_with_parent() -> None:
    """In the child before exec: ask Linux to SIGKILL it when its parent dies (no-op elsewhere).

    ``prctl`` is looked up in the parent (``_prctl``): the child, forked from a threaded process, only calls it.
    """
    if _PRCTL is not None:
        _PRCTL(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        function: Callable[..., int] = ctypes.CDLL(None).prctl
    except (OSError, AttributeError):
        return None
    return function


_PRCTL = _prctl()


# --------------------------------------------------------------------------- temporary folders

BATCH_PREFIX = "jixiao-pdf-"


@contextlib.contextmanager
def batch_folder() -> Iterator[Path]:
    """A temporary folder for one conversion, named with this process's id, removed afterwards.

    Folders left by a process that no longer exists (killed with SIGKILL) are removed first, with any
    LibreOffice still running on them.
    """
    clean_stale()
    folder = Path(tempfile.mkdtemp(prefix=f"{BATCH_PREFIX}{os.getpid()}-"))
    watchdog = _watchdog(folder)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if watchdog is not None:
            with contextlib.suppress(OSError):
                watchdog.stdin.close()  # type: ignore[union-attr]  # the watchdog finds nothing left and exits
            with contextlib.suppress(subprocess.TimeoutExpired):
                watchdog.wait(timeout=2)


# Run by the watchdog (``python -c``): wait until the batch's process closes the pipe — when it ends in
# any way, SIGKILL included — then kill every process whose command line names the folder (LibreOffice on
# one of its profiles) and remove the folder. Standard library only, so it starts in a few milliseconds.
_WATCHDOG = """
import os, shutil, signal, sys
folder = sys.argv[1]
sys.stdin.buffer.read()
mark = folder.encode()
for name in os.listdir("/proc"):
    if name.isdigit() and int(name) != os.getpid():
        try:
            with open(f"/proc/{name}/cmdline", "rb") as f:
                if mark in f.read():
                    os.kill(int(name), signal.SIGKILL)
        except (OSError, ValueError):
            pass
shutil.rmtree(folder, ignore_errors=True)
"""


def _watchdog(folder: Path) -> subprocess.Popen[bytes] | None:
    """A small process that cleans ``folder`` and its LibreOffice up when this process dies, even by SIGKILL.

    It holds the read end of a pipe only this process writes to; the kernel closes it when this process
    ends, however it ends. Where /proc is missing (not Linux), ``clean_stale`` on the next start does it.
    """
    if not Path("/proc/self/cmdline").exists():
        return None
    try:
        return subprocess.Popen(
            [sys.executable, "-S", "-c", _WATCHDOG, str(folder)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C in the terminal reaches the batch, not its watchdog
        )
    except OSError:
        return None


def clean_stale(root: Path | None = None) -> list[Path]:
    """Remove ``jixiao-pdf-<pid>-…`` folders whose process is gone, killing LibreOffice left on them."""
    root = Path(tempfile.gettempdir()) if root is None else root
    removed = []
    with contextlib.suppress(OSError):
        for folder in root.glob(f"{BATCH_PREFIX}*-*"):
            pid = folder.name[len(BATCH_PREFIX) :].split("-", 1)[0]
            if not pid.isdigit() or _alive(int(pid)) or not folder.is_dir():
                continue
            _kill_using(folder)
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _kill_using(folder: Path) -> None:
    """SIGKILL every process whose command line names ``folder`` (LibreOffice on one of its profiles)."""
    mark = str(folder).encode()
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if mark in (entry / "cmdline").read_bytes():
                os.kill(int(entry.name), signal.SIGKILL)
        except (OSError, ValueError):
            continue


# --------------------------------------------------------------------------- conversion

CHUNK = 100  # at most this many files per LibreOffice call: well under the ~250 arguments it reads


def _workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def convert_to_pdf(
    docx_paths: Sequence[Path],
    out_dir: Path,
    timeout: float | None = None,
    done: Callable[[int], None] = lambda n: None,
) -> list[Path]:
    """Convert ``docx_paths`` to ``out_dir/<stem>.pdf``; returns the PDF paths, in order.

    The files are converted in chunks of ``CHUNK``, one LibreOffice process per core at a time, each
    with its own profile; ``done(n)`` is called as each chunk of ``n`` files finishes. Every PDF that
    converted is kept; if some did not, ``DocumentError.failed`` lists their inputs.
    """
    paths = _inputs(docx_paths)
    if not paths:
        return []
    soffice = _soffice()
    _check_cjk_fonts(str(FONTS_CONF))
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    outputs = [out_dir / f"{p.stem}.pdf" for p in paths]
    for stale in outputs:
        stale.unlink(missing_ok=True)
    workers = _workers()
    rounds = -(-len(paths) // (workers * CHUNK))  # chunks as even as possible, a multiple of the workers
    count = min(len(paths), workers * rounds)
    chunks = [paths[i::count] for i in range(count)]  # sizes differ by one at most
    logs: list[str] = []
    with batch_folder() as profiles:

        def convert(index: int) -> None:
            chunk = chunks[index]
            profile = profiles / f"profile-{index}"
            command = [
                soffice, "--headless", "--norestore", "--nolockcheck", "--nologo", "--nodefault",
                f"-env:UserInstallation={profile.as_uri()}",
                "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, chunk),
            ]  # fmt: skip
            limit = timeout if timeout is not None else 60 + 5 * len(chunk)
            try:
                logs.append(_run(command, _environment(profile / "tmp"), limit))
            except DocumentError as error:
                logs.append(error.message)
            finally:
                shutil.rmtree(profile, ignore_errors=True)
            done(len(chunk))

        _in_parallel(convert, len(chunks), min(workers, len(chunks)))
    failed = [p for p, pdf in zip(paths, outputs, strict=True) if not pdf.is_file() or pdf.stat().st_size == 0]
    if failed:
        names, detail = "，".join(p.name for p in failed), "\n".join(logs).strip()[-500:]
        raise DocumentError(f"LibreOffice 未能转换：{names}。输出：{detail or '（无）'}", failed)
    return outputs


def _in_parallel(task: Callable[[int], None], count: int, workers: int) -> None:
    """``task(0)`` … ``task(count - 1)`` on ``workers`` threads; the first exception is raised after all stop."""
    if workers <= 1:
        for index in range(count):
            task(index)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(task, index) for index in range(count)]
        try:
            for future in futures:
                future.result()
        except BaseException:  # Ctrl-C or SIGTERM in the main thread: stop the other chunks now
            for future in futures:
                future.cancel()
            _kill_running()
            raise


def pdf_bytes(report: Report) -> bytes:
    """``report`` as the bytes of a PDF (converted in a temporary directory, removed afterwards)."""
    with batch_folder() as tmp:
        path = tmp / "report.pdf"
        render_pdf(report, path)
        return path.read_bytes()


def render_pdf(report: Report, path: Path) -> None:
    """Write ``report`` to ``path`` as PDF (via a .docx in a temporary directory)."""
    path = Path(path)
    with batch_folder() as tmp:
        source = tmp / f"{path.stem or 'report'}.docx"
        render_docx(report, source)
        (pdf,) = convert_to_pdf([source], tmp / "out")
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(pdf, path)
