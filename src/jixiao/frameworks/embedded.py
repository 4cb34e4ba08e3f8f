"""A scoring table carried inside a workbook's custom document properties.

jixiao's 数据表/评分表 workbook embeds the canonical JSON of the table it was scored on
(``jixiao/framework@1``), so that ``framework import`` gives back the very same table, with the
same sha256, whatever the table: built-in or a bureau's own. Excel limits a text property to 255
characters, so the JSON is compressed (zlib), written as base64 and split over numbered
properties (``jixiao-table-001`` …), next to ``jixiao-table-sha256``. Nothing is put on the
sheets: readers of the visible cells (figures import, auditors, people) see no difference.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..core.canonical import sha256_of, sha256_text

SHA_PROPERTY = "jixiao-table-sha256"
PART_PROPERTY = "jixiao-table-{:03d}"
PART_CHARS = 255
MAX_PARTS = 999
MAX_JSON_BYTES = 20 * 1024 * 1024


def table_properties(canonical: str) -> list[tuple[str, str]]:
    """The (name, text) custom properties carrying a table's canonical JSON; none when too large."""
    if not canonical:
        return []
    packed = base64.b64encode(zlib.compress(canonical.encode("utf-8"), 9)).decode("ascii")
    parts = [packed[i : i + PART_CHARS] for i in range(0, len(packed), PART_CHARS)]
    if len(parts) > MAX_PARTS:
        return []
    named = [(PART_PROPERTY.format(n), part) for n, part in enumerate(parts, start=1)]
    return [(SHA_PROPERTY, sha256_text(canonical)), *named]


def embedded_table(properties: Mapping[str, object]) -> dict[str, Any] | None:
    """The table document carried by ``properties`` when it is whole and hashes to the stated
    sha256; None otherwise (an older workbook, a damaged or altered property)."""
    sha = properties.get(SHA_PROPERTY)
    if not isinstance(sha, str):
        return None
    parts: list[str] = []
    while len(parts) < MAX_PARTS and isinstance(part := properties.get(PART_PROPERTY.format(len(parts) + 1)), str):
        parts.append(part)
    try:
        unpack = zlib.decompressobj()
        text = unpack.decompress(base64.b64decode("".join(parts), validate=True), MAX_JSON_BYTES)
        if unpack.unconsumed_tail or not unpack.eof:
            return None
        document = json.loads(text.decode("utf-8"), parse_float=Decimal)
    except (binascii.Error, zlib.error, UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(document, dict) or sha256_of(document) != sha:
        return None
    return document
