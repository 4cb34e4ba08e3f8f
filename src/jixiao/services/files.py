"""Writing the commands' outputs: atomically, never over an input, never over a file unless asked.

``write_atomically`` writes to a temporary file in the output's folder and renames it into place,
so a failed write (disk full, quota, a crash) leaves the earlier file intact. ``check_output``
refuses an output that is one of the command's inputs (symlinks resolved) or, without ``force``,
a file that already exists.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from ..core.errors import UnusableInput
from ..core.inputs import os_reason


class OutputRefused(UnusableInput):
    """An output that cannot or may not be written (exit status 2); the message names the output."""


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
        return a.resolve() == b.resolve()
    except (OSError, RuntimeError):  # a symlink loop, a name too long
        return False


def check_output(output: Path, inputs: Iterable[Path] = (), force: bool = False) -> Path:
    """Refuse ``output`` when it is one of ``inputs``, a folder, under a file, or exists without ``force``."""
    for source in inputs:
        if _same_file(output, source):
            raise OutputRefused(f"{output}：这是输入文件 {source}，不能把输出写在输入上，请换一个文件名")
    if output.is_dir():
        raise OutputRefused(f"{output} 是文件夹，请给出文件名")
    for parent in output.parents:
        if parent.exists():
            if not parent.is_dir():
                raise OutputRefused(f"{output}：上级路径 {parent} 是文件，不是文件夹")
            break
    if not force and (output.exists() or output.is_symlink()):
        raise OutputRefused(f"{output} 已存在；为免覆盖，请换一个文件名，或加 --force 覆盖")
    return output


def write_atomically(output: Path, write: Callable[[Path], object]) -> None:
    """Call ``write(temporary)`` in ``output``'s folder, then rename it to ``output``.

    On any failure the temporary file is removed and ``output`` (if it existed) is untouched; a
    file system refusal becomes ``OutputRefused`` with a Chinese message naming the output.
    """
    target = Path(os.path.realpath(output)) if output.is_symlink() else output  # replace the file, keep the link
    temporary: Path | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        prefix, suffix = f".{target.stem[:40]}-", f".tmp{target.suffix}"
        handle, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=target.parent)
        os.close(handle)
        temporary = Path(name)
        write(temporary)
        _keep_mode(target, temporary)
        os.replace(temporary, target)
        temporary = None
    except Exception as error:
        cause = _os_error(error)
        if cause is None:
            raise
        raise OutputRefused(f"{output}：无法写入（{_why(cause)}）") from error
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)


def write_text(output: Path, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``output`` atomically."""
    write_atomically(output, lambda path: path.write_text(text, encoding=encoding))


def _keep_mode(target: Path, temporary: Path) -> None:
    """The new file gets the old file's permissions, or the usual ones (mkstemp makes it private)."""
    try:
        mode = target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(temporary, mode)


def _os_error(error: BaseException) -> OSError | None:
    """The file system error behind ``error``: itself, or what a writer wrapped (XlsxWriter's FileCreateError)."""
    seen: BaseException | None = error
    for _ in range(5):
        if seen is None:
            return None
        if isinstance(seen, OSError):
            return seen
        wrapped = seen.args[0] if seen.args and isinstance(seen.args[0], OSError) else None
        seen = wrapped or seen.__cause__ or seen.__context__
    return None


def _why(error: OSError) -> str:
    return "没有写入权限" if error.errno in (errno.EACCES, errno.EPERM) else os_reason(error)
