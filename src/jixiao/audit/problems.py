"""Chinese messages for files that cannot be read; a reader returns them as ``Document.problem``."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Literal

from jixiao.audit.model import Document
from jixiao.core.inputs import os_reason

Kind = Literal["txt", "docx", "pdf"]


def _failed(path: Path, kind: Kind, problem: str, encoding: str = "") -> Document:
    return Document(file=str(path), kind=kind, lines=(), problem=problem, encoding=encoding)


def _os_problem(path: Path, exc: OSError) -> str:
    name = path.name or str(path)
    if isinstance(exc, FileNotFoundError):
        return f"找不到文件“{name}”"
    if isinstance(exc, IsADirectoryError):
        return f"“{name}”是文件夹，不是文件"
    if isinstance(exc, PermissionError):
        return f"没有权限读取文件“{name}”"
    return f"读取文件“{name}”失败：{os_reason(exc)}"


def _detail(exc: BaseException) -> str:
    """What went wrong, for users: the library's own text only when it is Chinese, else the error kind."""
    text = str(exc).strip()
    if text and any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return text if len(text) <= 120 else text[:117] + "…"
    return f"内部结构错误（{type(exc).__name__}）"


def _head(path: Path) -> bytes | str:
    """The first bytes of the file, or a problem (missing, unreadable, empty)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        return _os_problem(path, exc)
    return head or f"文件“{path.name}”是空的"


#: Larger files are refused before they are read: no report is this large (a PDF with scans may be big).
MAX_BYTES: dict[str, int] = {"txt": 50 * 1024 * 1024, "docx": 200 * 1024 * 1024, "pdf": 500 * 1024 * 1024}


def _not_readable(path: Path, kind: Kind) -> str:
    """A problem for a device, a pipe or an oversized file ("" otherwise): such files are never opened.

    A FIFO would block the audit and ``/dev/zero`` would never end.
    """
    try:
        status = path.stat()
    except OSError:
        return ""  # the reader says what is wrong with the path
    if not stat.S_ISREG(status.st_mode) and not stat.S_ISDIR(status.st_mode):
        return f"“{path.name or path}”不是普通文件（设备、管道或套接字），无法读取"
    if status.st_size > MAX_BYTES[kind]:
        return f"文件“{path.name}”过大（超过{MAX_BYTES[kind] // (1024 * 1024)} MB），无法读取"
    return ""
