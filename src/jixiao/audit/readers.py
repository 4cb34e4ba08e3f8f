"""Reading submitted reports (.txt/.docx/.pdf) into normalised, located lines (formats.md §5).

``read(path)`` never raises for bad input: a file that cannot be read gives a ``Document`` with no
lines and ``problem`` set to a Chinese message naming the file. Line numbers point a reviewer at
the source: the original line number for .txt, the paragraph/table-row number for .docx, the
line within its page (``page`` set) for .pdf.

``normalise_lines`` is the shared clean-up (stack.md "extracted text spacing"): full-width digits
and letters to ASCII, number punctuation made ASCII inside numbers, spaces removed inside numbers,
between a number and its unit and between Chinese characters, Markdown ``**`` dropped, page
numbers and blank lines dropped, and lines broken by a PDF or page wrap joined again.

python-docx and pypdf are imported inside the functions that need them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Final

from jixiao.audit.docx_reader import format_counter, read_docx  # noqa: F401 - format_counter re-exported
from jixiao.audit.model import Document
from jixiao.audit.normalise import (  # noqa: F401 - re-exported: the readers' public clean-up API
    RawLine,
    _raw_text_lines,
    is_page_number,
    normalise_lines,
    normalise_located,
    normalise_text,
)
from jixiao.audit.problems import MAX_BYTES, Kind, _detail, _failed, _head, _not_readable, _os_problem
from jixiao.core.inputs import InputRefused, display_name, is_pipe, is_stdin, read_input, too_large

_Element = Any  # lxml elements (lxml ships no type information)

# ---------------------------------------------------------------------------------------------
# .txt
# ---------------------------------------------------------------------------------------------

BOMS: Final = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
LINE_BREAK_RE: Final = re.compile(r"\r\n|\r|\n")
#: UTF-8 text with at most this many broken sequences (or one per 1000 characters) is still read as UTF-8.
MAX_BROKEN_BYTES: Final = 3


def decode_text(data: bytes) -> tuple[str, str] | None:
    """(text, encoding): UTF-8 with or without BOM, else GB18030 (covers GBK/GB2312), UTF-16 with BOM; else None.

    UTF-8 with a few broken bytes stays UTF-8 (``utf-8 (lossy)``, shown as �): read as GB18030 it would
    decode without error into nonsense.
    """
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return _try_decode(data, encoding)
    return _try_decode(data, "utf-8") or _lossy_utf8(data) or _try_decode(data, "gb18030")


def _lossy_utf8(data: bytes) -> tuple[str, str] | None:
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    if broken > max(MAX_BROKEN_BYTES, len(text) // 1000) or "\x00" in text:
        return None
    return text, "utf-8 (lossy)"


def _try_decode(data: bytes, encoding: str) -> tuple[str, str] | None:
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    return (text, encoding) if "\x00" not in text else None


def document_from_text(text: str, file: str = "<文本>", *, encoding: str = "") -> Document:
    """A Document from text already decoded; line numbers are the text's own (1-based)."""
    lines = normalise_located(_raw_text_lines(LINE_BREAK_RE.split(text)))
    problem = "" if lines else f"文件“{Path(file).name}”没有文字内容"
    return Document(file=file, kind="txt", lines=tuple(lines), problem=problem, encoding=encoding)


def read_txt(path: Path) -> Document:
    """A text file in UTF-8, GB18030/GBK/GB2312 or UTF-16 (with BOM)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _failed(path, "txt", _os_problem(path, exc))
    if not data:
        return _failed(path, "txt", f"文件“{path.name}”是空的")
    decoded = decode_text(data)
    if decoded is None:
        message = f"文件“{path.name}”不是文本文件，或编码无法识别（支持 UTF-8、GB18030/GBK、带 BOM 的 UTF-16）"
        return _failed(path, "txt", message)
    text, encoding = decoded
    return document_from_text(text, str(path), encoding=encoding)


# ---------------------------------------------------------------------------------------------
# .pdf
# ---------------------------------------------------------------------------------------------

#: Fewer visible characters than this per page on average: no text layer.
MIN_CHARS_PER_PAGE: Final = 20


#: pdftotext may use this much memory and write this much text; a PDF whose streams inflate beyond is refused.
PDFTOTEXT_MEMORY: Final = 1024 * 1024 * 1024
PDFTOTEXT_OUTPUT: Final = 64 * 1024 * 1024
PDFTOTEXT_SECONDS: Final = 120


class PdfRefused(Exception):
    """A PDF whose content inflates beyond the limits; ``message`` is Chinese and names the file."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _limit_child() -> None:  # pragma: no cover - runs in the pdftotext child
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (PDFTOTEXT_MEMORY, PDFTOTEXT_MEMORY))
    resource.setrlimit(resource.RLIMIT_FSIZE, (PDFTOTEXT_OUTPUT, PDFTOTEXT_OUTPUT))


def _pdftotext_pages(path: Path) -> list[str] | None:
    """Text per page from poppler's pdftotext, which keeps reading order (pypdf can scramble quotes
    inside numbers: "自评得分4 “ ”分"); None when it is not installed or cannot read the file.

    It runs with its memory and output bounded (POSIX): a PDF whose content streams inflate to
    gigabytes makes it fail, and is refused (``PdfRefused``) rather than handed to pypdf.
    """
    binary = shutil.which("pdftotext")
    if binary is None:
        return None
    limited = os.name == "posix"
    with tempfile.TemporaryFile() as output:
        try:
            done = subprocess.run(
                [binary, "-enc", "UTF-8", str(path), "-"],
                stdout=output,
                stderr=subprocess.DEVNULL,
                timeout=PDFTOTEXT_SECONDS,
                check=False,
                preexec_fn=_limit_child if limited else None,
            )
        except subprocess.TimeoutExpired as exc:
            raise PdfRefused(f"文件“{path.name}”的内容过于复杂，{PDFTOTEXT_SECONDS} 秒内未能读出文字，已停止") from exc
        except OSError:
            return None
        size = output.tell()
        if limited and (done.returncode < 0 or size >= PDFTOTEXT_OUTPUT):
            raise PdfRefused(f"文件“{path.name}”的内容解压后过大（可能是压缩炸弹），已拒绝读取")
        if done.returncode != 0:
            return None
        output.seek(0)
        pages = output.read().decode("utf-8", "replace").split("\f")
    return pages[:-1] if len(pages) > 1 and not pages[-1].strip() else pages


def _pdf_pages(path: Path) -> tuple[list[str], str]:
    """Text per page, and a problem ("" if none); ``PdfRefused`` for content that inflates beyond the limits."""
    pages = _pdftotext_pages(path)
    if pages is not None:
        return pages, ""
    import logging

    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # pypdf's recoverable-damage notes are not for users
    reader = PdfReader(str(path), strict=False)
    if reader.is_encrypted and not reader.decrypt(""):
        return [], f"文件“{path.name}”是加密的 PDF，需要先解除密码保护"
    texts: list[str] = []
    inflated = 0
    for page in reader.pages:
        try:
            texts.append(page.extract_text() or "")
        except LimitReachedError as exc:  # a content stream inflating beyond pypdf's limit (75 MB)
            raise PdfRefused(f"文件“{path.name}”的内容解压后过大（可能是压缩炸弹），已拒绝读取") from exc
        except Exception:  # one broken page should not lose the others
            texts.append("")
        inflated += len(texts[-1])
        if inflated > PDFTOTEXT_OUTPUT:
            raise PdfRefused(
                f"文件“{path.name}”的文字超过 {PDFTOTEXT_OUTPUT // (1024 * 1024)} MB，不是一份报告，已拒绝读取"
            )
    return texts, ""


def _pdf_raw_lines(texts: Sequence[str]) -> list[RawLine]:
    """Lines numbered over the whole document (so a finding's line is unique), each with its page and
    its place there ("第3页第12行": the 12th line with text on page 3, as a reviewer counts them)."""
    raws: list[RawLine] = []
    number = 0
    for page, page_text in enumerate(texts, start=1):
        in_page = 0
        for text in LINE_BREAK_RE.split(page_text):
            number += 1
            in_page += bool(text.strip())
            raws.append(RawLine(text, number, page=page, sheet=page, place=f"第{page}页第{max(1, in_page)}行"))
    return raws


def read_pdf(path: Path) -> Document:
    """Text per page with pypdf; a PDF without a text layer (a scan) is reported, not guessed."""
    head = _head(path)
    if isinstance(head, str):
        return _failed(path, "pdf", head)
    try:
        texts, problem = _pdf_pages(path)
    except PdfRefused as refused:
        return _failed(path, "pdf", refused.message)
    except OSError as exc:
        return _failed(path, "pdf", _os_problem(path, exc))
    except Exception as exc:  # pypdf raises many types for broken files
        return _failed(path, "pdf", f"文件“{path.name}”已损坏或不是 PDF 文件：{_detail(exc)}")
    if problem:
        return _failed(path, "pdf", problem)
    if not texts:
        return _failed(path, "pdf", f"文件“{path.name}”没有页面")
    lines = normalise_located(_pdf_raw_lines(texts))
    visible = sum(len("".join(text.split())) for text in texts)
    if visible < MIN_CHARS_PER_PAGE * len(texts):
        problem = f"文件“{path.name}”没有文字层（可能是扫描件），需要先做文字识别（OCR）"
    return Document(file=str(path), kind="pdf", lines=tuple(lines), problem=problem)


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------

READERS_KIND: Final[dict[str, Kind]] = {".txt": "txt", ".text": "txt", ".docx": "docx", ".pdf": "pdf"}
READERS: Final = {".txt": read_txt, ".text": read_txt, ".docx": read_docx, ".pdf": read_pdf}
OTHER_FORMATS: Final = {
    ".doc": "旧版 Word（.doc）文件，请在 Word/WPS 中另存为 .docx 或 PDF",
    ".wps": "WPS 文字（.wps）文件，请在 WPS 中另存为 .docx 或 PDF",
    ".rtf": "RTF 文件，请另存为 .docx 或 PDF",
    ".odt": "OpenDocument（.odt）文件，请另存为 .docx 或 PDF",
}


def read(path: Path | str) -> Document:
    """Read a report by its suffix (.txt/.text, .docx, .pdf); never raises for bad input (see ``problem``)."""
    path = Path(path)
    if is_pipe(path):
        return _read_stream(path)
    suffix = path.suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        what = OTHER_FORMATS.get(suffix, f"不支持的文件类型“{suffix or '无扩展名'}”")
        return _failed(path, "txt", f"无法读取“{path.name}”：{what}；只能读取 .txt、.docx、.pdf")
    refused = _not_readable(path, READERS_KIND[suffix])
    if refused:
        return _failed(path, READERS_KIND[suffix], refused)
    try:
        return reader(path)
    except RecursionError:
        return _failed(path, READERS_KIND[suffix], f"文件“{path.name}”结构过深，无法读取")


def _read_stream(path: Path) -> Document:
    """A report from a pipe (``-``, /dev/stdin, a FIFO), read with a size limit and an idle timeout.

    Its kind is its suffix, else told by its first bytes (%PDF, a zip for .docx, else text); the
    bytes go through a temporary file of that kind, so every reader works as for a file.
    """
    try:
        data = read_input(path, max(MAX_BYTES.values()))
    except InputRefused as error:
        return _failed(path, "txt", error.message)
    except OSError as exc:
        return _failed(path, "txt", _os_problem(path, exc))
    suffix = path.suffix.lower() if path.suffix.lower() in READERS else _sniffed_suffix(data)
    kind = READERS_KIND[suffix]
    if len(data) > MAX_BYTES[kind]:
        return _failed(path, kind, too_large(display_name(path), MAX_BYTES[kind]).message)
    stem = "标准输入" if is_stdin(path) else (path.stem or "报告")
    with tempfile.TemporaryDirectory(prefix="jixiao-") as folder:
        spooled = Path(folder) / f"{stem}{suffix}"
        spooled.write_bytes(data)
        document = read(spooled)
    return replace(document, file=display_name(path))


def _sniffed_suffix(data: bytes) -> str:
    if data.startswith(b"%PDF"):
        return ".pdf"
    if data.startswith(b"PK\x03\x04"):
        return ".docx"
    return ".txt"
