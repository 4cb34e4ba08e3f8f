"""Convert .docx reports to PDF with LibreOffice headless, so the PDF has Word's layout.

One ``soffice`` process converts a whole batch (starting LibreOffice costs more than a page), with a fresh
profile per call (two conversions sharing a profile fail), the project's fontconfig aliases (the official
Chinese font names → installed Noto CJK fonts) and a timeout. LibreOffice exits 0 even when it could not
load a file, so every expected output is checked.
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
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


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["FONTCONFIG_FILE"] = str(FONTS_CONF)
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
    """Run LibreOffice in its own process group; on timeout kill the whole group. Returns its output."""
    with subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    ) as process:
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise DocumentError(f"LibreOffice 转换超时（{timeout:.0f} 秒），已终止。") from None
    return output or ""


def convert_to_pdf(docx_paths: Sequence[Path], out_dir: Path, timeout: float | None = None) -> list[Path]:
    """Convert ``docx_paths`` to ``out_dir/<stem>.pdf`` in one LibreOffice process; returns the PDF paths."""
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
    with tempfile.TemporaryDirectory(prefix="jixiao-soffice-") as profile:
        command = [
            soffice, "--headless", "--norestore", "--nolockcheck", "--nologo", "--nodefault",
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, paths),
        ]  # fmt: skip
        output = _run(command, _environment(), timeout if timeout is not None else 60 + 5 * len(paths))
    failed = [p for p, pdf in zip(paths, outputs, strict=True) if not pdf.is_file() or pdf.stat().st_size == 0]
    if failed:
        names, detail = "，".join(p.name for p in failed), output.strip()[-500:]
        raise DocumentError(f"LibreOffice 未能转换：{names}。输出：{detail or '（无）'}", failed)
    return outputs


def pdf_bytes(report: Report) -> bytes:
    """``report`` as the bytes of a PDF (converted in a temporary directory, removed afterwards)."""
    with tempfile.TemporaryDirectory(prefix="jixiao-pdf-") as tmp:
        path = Path(tmp) / "report.pdf"
        render_pdf(report, path)
        return path.read_bytes()


def render_pdf(report: Report, path: Path) -> None:
    """Write ``report`` to ``path`` as PDF (via a .docx in a temporary directory)."""
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="jixiao-pdf-") as tmp:
        source = Path(tmp) / f"{path.stem or 'report'}.docx"
        render_docx(report, source)
        (pdf,) = convert_to_pdf([source], Path(tmp) / "out")
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(pdf, path)
