"""What people type into a form, read leniently: numbers pasted from Excel and Chinese dates.

``1,234.50``, full-width ``１２３４．５``, ``95%`` in a percent field, ``912.97万元`` in an amount field,
``(1,234)`` for a negative; ``2024年5月21日``, ``2024/5/21``, ``2024.5.21``. Anything else is returned
as the text typed, so the loader reports it at its path instead of it being lost or guessed.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_DATE = re.compile(r"^(\d{4})\s*(?:-|/|\.|年)\s*(\d{1,2})\s*(?:-|/|\.|月)\s*(\d{1,2})\s*日?$")
_SUFFIXES = {"percent": ("%",), "amount": ("万元",), "count": ("人", "个", "项", "件", "次")}


def normalise(text: str) -> str:
    """Full-width digits and punctuation to ASCII, ideographic spaces removed, ends trimmed."""
    return unicodedata.normalize("NFKC", text).replace("\u3000", " ").replace("\u200b", "").strip()


def _strip_suffix(text: str, kind: str) -> str:
    for suffix in _SUFFIXES.get(kind, ()):
        if text.endswith(suffix):
            return text[: -len(suffix)].strip()
    return text


def parse_number(raw: str, kind: str = "") -> Decimal | str | None:
    """A Decimal, None for an empty entry, or the text itself when it is not a number."""
    text = normalise(raw)
    if not text:
        return None
    body = _strip_suffix(text.replace("，", ","), kind)
    negative = body.startswith("(") and body.endswith(")")
    body = body.strip("()").replace(" ", "")
    if _GROUPED.match(body):
        body = body.replace(",", "")
    if not _NUMBER.match(body):
        return raw.strip()
    try:
        value = Decimal(body)
    except InvalidOperation:
        return raw.strip()
    return -value if negative else value


def json_number(value: Decimal) -> int | float:
    """A Decimal as the JSON number a document stores (exact for the 2-decimal figures of a 数据表)."""
    if value == value.to_integral_value() and "." not in str(value) and abs(value) < 10**15:
        return int(value)
    return float(value)


def parse_date(raw: str) -> str | None:
    """An ISO date for the usual Chinese and numeric forms, None when empty, else the text itself."""
    text = normalise(raw)
    if not text:
        return None
    match = _DATE.match(text)
    if match is None:
        return raw.strip()
    try:
        return date(int(match[1]), int(match[2]), int(match[3])).isoformat()
    except ValueError:
        return raw.strip()
