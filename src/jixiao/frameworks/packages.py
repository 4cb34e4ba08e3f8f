"""Office packages (.docx, .xlsx: zip files) checked from their declared sizes before anything is read.

A zip bomb — a 1 MB file whose parts inflate to gigabytes — is refused from the sizes its
directory declares, before a byte is inflated. Python's ``zipfile`` never inflates a member beyond
its declared size (a member that lies about it fails its CRC check), so the declared sizes bound
what reading can cost. Every message is Chinese and names the file.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import IO, Final

MB: Final = 1024 * 1024
#: More parts than this is not an office document.
MAX_MEMBERS: Final = 10_000
#: All parts together, inflated: pictures hardly compress, so a real package inflates to about its own size.
MAX_TOTAL_BYTES: Final = 500 * MB
#: One part, inflated, beyond which its compression ratio is looked at.
RATIO_FLOOR_BYTES: Final = 10 * MB
#: Text and XML compress 5–50 times; deflate cannot do better than about 1,030 (long runs of one byte).
MAX_RATIO: Final = 200
#: A part the readers parse (document.xml, a sheet, numbering.xml …) is never larger than this inflated.
MAX_PART_BYTES: Final = 100 * MB


class PackageRefused(Exception):
    """A package refused from its declared sizes; ``message`` is Chinese and names the file."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _mb(size: int) -> str:
    return f"{size / MB:,.0f} MB" if size >= MB else f"{size / 1024:,.0f} KB"


def package_problem(archive: zipfile.ZipFile, name: str) -> str:
    """Why the package ``name`` must not be read ("" when its declared sizes are plausible)."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        return (
            f"文件“{name}”包含 {len(members):,} 个部件（上限 {MAX_MEMBERS:,} 个），不是正常的 Office 文件，已拒绝读取"
        )
    total = sum(member.file_size for member in members)
    if total > MAX_TOTAL_BYTES:
        return f"文件“{name}”解压后共 {_mb(total)}（上限 {_mb(MAX_TOTAL_BYTES)}），可能是压缩炸弹，已拒绝读取"
    for member in members:
        inflated, packed = member.file_size, max(1, member.compress_size)
        if inflated > RATIO_FLOOR_BYTES and inflated / packed > MAX_RATIO:
            return (
                f"文件“{name}”中的“{member.filename}”由 {_mb(packed)} 解压为 {_mb(inflated)}"
                f"（压缩比 {inflated // packed}:1），可能是压缩炸弹，已拒绝读取"
            )
    return ""


def check_package(source: Path | bytes | IO[bytes], name: str) -> None:
    """Raise ``PackageRefused`` when ``source`` is a zip whose declared sizes are implausible.

    A source that is not a zip at all passes: the caller's own reader says what is wrong with it.
    """
    stream: IO[bytes] | Path = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        with zipfile.ZipFile(stream) as archive:
            problem = package_problem(archive, name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return
    finally:
        if not isinstance(stream, Path):
            stream.seek(0)
    if problem:
        raise PackageRefused(problem)


def read_part(archive: zipfile.ZipFile, member: str, name: str, limit: int = MAX_PART_BYTES) -> bytes:
    """The inflated bytes of one part, refused (``PackageRefused``) when declared or found larger than ``limit``."""
    info = archive.getinfo(member)
    if info.file_size > limit:
        raise PackageRefused(f"文件“{name}”中的“{member}”解压后 {_mb(info.file_size)}（上限 {_mb(limit)}），已拒绝读取")
    with archive.open(info) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise PackageRefused(f"文件“{name}”中的“{member}”解压后超过 {_mb(limit)}，已拒绝读取")
    return data
