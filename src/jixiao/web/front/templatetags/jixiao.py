"""Filters: look a field's value up by its path name; format money with thousands separators."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

register = template.Library()


@register.filter
def get(mapping: Any, key: str) -> Any:
    if isinstance(mapping, dict):
        return mapping.get(key, "")
    return ""


@register.filter
def has(container: Any, item: Any) -> bool:
    try:
        return str(item) in container
    except TypeError:
        return False


@register.filter
def money(value: Any) -> str:
    """12,345.67 (never Django's zh-hans localisation, which groups by 4 without separators)."""
    if value in (None, ""):
        return ""
    try:
        return f"{Decimal(str(value)):,.2f}"
    except (InvalidOperation, ValueError):
        return str(value)


@register.filter
def points(value: Any) -> str:
    if value in (None, ""):
        return "—"
    number = Decimal(str(value))
    return f"{number:.2f}".rstrip("0").rstrip(".")
