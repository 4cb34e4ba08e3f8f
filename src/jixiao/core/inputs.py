"""Reading an input's bytes: a regular file, or a pipe (``-``, /dev/stdin, a FIFO), never endlessly.

``read_input`` reads at most ``limit`` bytes. A regular file is read at once; a pipe — standard
input given as ``-`` or ``/dev/stdin``, ``<(command)``, a named FIFO — is read as its writer sends,
and given up with a Chinese message when nothing arrives for ``PIPE_IDLE_SECONDS`` (a FIFO that
nobody writes would otherwise block forever) or when it sends more than ``limit``. Devices
(``/dev/zero``, a terminal) and sockets are refused without reading. Failures of the file system
itself (missing, no permission) are left to the caller as ``OSError``.
"""

from __future__ import annotations

import errno
import io
import os
import select
import stat
import sys
from pathlib import Path

from .errors import UnusableInput

STDIN = "-"
PIPE_IDLE_SECONDS = 30.0
_CHUNK = 1 << 16


class InputRefused(UnusableInput):
    """An input that is not read: a device, a silent pipe, or more bytes than allowed (exit 2)."""


OS_REASONS = {
    errno.ENOENT: "文件或文件夹不存在",
    errno.EACCES: "没有权限",
    errno.EPERM: "不允许的操作",
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "超出磁盘配额",
    errno.EFBIG: "文件超过系统允许的大小",
    errno.EROFS: "只读文件系统",
    errno.ENAMETOOLONG: "文件名过长",
    errno.ELOOP: "符号链接循环",
    errno.ENOTDIR: "路径中有一级不是文件夹",
    errno.EISDIR: "这是文件夹",
    errno.EIO: "读写设备出错",
    errno.EBUSY: "文件正被占用",
    errno.EXDEV: "不能跨文件系统移动",
    errno.EINVAL: "参数无效（文件名含有不允许的字符？）",
}


def os_reason(error: OSError) -> str:
    """An operating system failure in Chinese (the system's own text is English)."""
    number = error.errno or 0
    return OS_REASONS.get(number) or f"系统错误 {errno.errorcode.get(number, type(error).__name__)}"


def is_stdin(path: Path | str) -> bool:
    """Whether ``path`` is ``-``, the usual name for standard input."""
    return str(path) == STDIN


def display_name(path: Path | str) -> str:
    """How an input is named in messages: standard input by its Chinese name."""
    return "标准输入（-）" if is_stdin(path) else str(path)


def is_pipe(path: Path | str) -> bool:
    """Whether ``path`` is standard input or names a pipe (``/dev/stdin`` from a pipe, a FIFO)."""
    if is_stdin(path):
        return True
    try:
        return stat.S_ISFIFO(Path(path).stat().st_mode)
    except (OSError, ValueError):
        return False


def read_input(path: Path, limit: int) -> bytes:
    """At most ``limit`` bytes of ``path`` (see the module); ``InputRefused`` or ``OSError`` otherwise."""
    name = display_name(path)
    if is_stdin(path):
        return _read_stdin(limit)
    status = path.stat()
    if stat.S_ISFIFO(status.st_mode):
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # opening a FIFO with no writer must not block
        try:
            return _read_pipe(descriptor, name, limit)
        finally:
            os.close(descriptor)
    if not stat.S_ISREG(status.st_mode) and not stat.S_ISDIR(status.st_mode):
        raise InputRefused(f"{name}：无法读取，这不是普通文件（设备、终端或套接字）")
    if status.st_size > limit:
        raise too_large(name, limit)
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise too_large(name, limit)
    return data


def too_large(name: str, limit: int) -> InputRefused:
    size = f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit} 字节"
    return InputRefused(f"{name}：文件过大（超过{size}），无法读取")


def _read_stdin(limit: int) -> bytes:
    name = display_name(STDIN)
    stream = sys.stdin
    if stream is None:
        raise InputRefused(f"{name}：没有标准输入")
    try:
        descriptor = stream.fileno()
    except (AttributeError, ValueError, io.UnsupportedOperation):  # replaced by a test runner or an embedding
        data = getattr(stream, "buffer", stream).read(limit + 1)
        data = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        if len(data) > limit:
            raise too_large(name, limit) from None
        return data
    if os.isatty(descriptor):
        raise InputRefused(f"{name}：标准输入是终端；请用管道或重定向给出文件，例如 jixiao score - < 评价.yaml")
    mode = os.fstat(descriptor).st_mode
    if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)):
        raise InputRefused(f"{name}：无法读取，标准输入不是文件或管道（设备？）")
    return _read_pipe(descriptor, name, limit)


def _read_pipe(descriptor: int, name: str, limit: int) -> bytes:
    """Read until the end, waiting at most ``PIPE_IDLE_SECONDS`` for each next piece."""
    chunks: list[bytes] = []
    size = 0
    while True:
        if not _wait(descriptor):
            raise InputRefused(
                f"{name}：等待{PIPE_IDLE_SECONDS:g}秒仍没有读到数据（没有程序向这个管道写入？），已停止读取"
            )
        try:
            chunk = os.read(descriptor, _CHUNK)
        except BlockingIOError:
            continue  # woken without data
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise too_large(name, limit)
        chunks.append(chunk)


def _wait(descriptor: int) -> bool:
    """Whether ``descriptor`` has data or its end within the idle time (Windows cannot wait on pipes: it reads)."""
    if os.name == "nt":
        return True
    ready, _, _ = select.select([descriptor], [], [], PIPE_IDLE_SECONDS)
    return bool(ready)
