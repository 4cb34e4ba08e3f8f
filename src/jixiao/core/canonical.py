"""Canonical JSON of a document (keys sorted, UTF-8, exact decimals) and its sha256."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal


def _number(value: Decimal) -> str:
    normal = value.normalize()
    if normal == normal.to_integral_value():
        return str(int(normal))
    return format(normal, "f")


def canonical_json(obj: object) -> str:
    """Serialise plain data deterministically: 5, 5.0 and 5.00 all become ``5``."""
    if obj is None or isinstance(obj, bool):
        return json.dumps(obj)
    if isinstance(obj, Decimal | int):
        return _number(Decimal(obj))
    if isinstance(obj, float):
        return _number(Decimal(repr(obj)))
    if isinstance(obj, str):
        return json.dumps(obj, ensure_ascii=False)
    if isinstance(obj, date):
        return json.dumps(obj.isoformat())
    if isinstance(obj, dict):
        items = sorted((str(k), v) for k, v in obj.items())
        return "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{canonical_json(v)}" for k, v in items) + "}"
    if isinstance(obj, list | tuple):
        return "[" + ",".join(canonical_json(v) for v in obj) + "]"
    raise TypeError(f"cannot canonicalise {type(obj).__name__}")


def sha256_text(canonical: str) -> str:
    """The sha256 (hex) of a canonical JSON text."""
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def sha256_of(obj: object) -> str:
    """The sha256 (hex) of the canonical JSON of ``obj``."""
    return sha256_text(canonical_json(obj))
