"""Decimal parsing and the one rounding policy of the project (half-up, 2 places on output)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from functools import lru_cache

CENT = Decimal("0.01")
ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
LIMIT = Decimal("1e15")  # larger magnitudes are typing errors in any budget (万元) or ratio
_WIDE = Context(prec=80)


def q2(value: Decimal) -> Decimal:
    """Round half-up to 2 decimals, as a report prints a figure."""
    try:
        return value.quantize(CENT, ROUND_HALF_UP)  # positional: half the cost of keywords in C decimal
    except InvalidOperation:  # more digits than the default context holds
        return value.quantize(CENT, ROUND_HALF_UP, _WIDE)


def to_decimal(raw: object) -> Decimal | None:
    """Return ``raw`` as a finite Decimal, or None when it is not a number (bools excluded)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, Decimal):
        return raw if raw.is_finite() else None
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(repr(raw))
    if isinstance(raw, str):
        try:
            value = Decimal(raw.strip())
        except InvalidOperation:
            return None
        return value if value.is_finite() else None
    return None


def clamp(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    """Clamp ``value`` into [low, high]."""
    return max(low, min(high, value))


@lru_cache(maxsize=4096)
def fmt(value: Decimal) -> str:
    """Format a figure with exactly two decimals (97.02, 100.00, -79.72; never -0.00)."""
    rounded = q2(value)
    return "0.00" if rounded == 0 else f"{rounded:.2f}"


@lru_cache(maxsize=4096)
def fmt_points(value: Decimal) -> str:
    """Format points without needless zeros: 6 → '6', 3.5 → '3.5', 2.91 → '2.91'."""
    rounded = q2(value)
    if rounded == rounded.to_integral_value():
        return str(int(rounded))
    return f"{rounded:f}".rstrip("0")


def is_integral(value: Decimal) -> bool:
    """True when ``value`` has no fractional part."""
    return value == value.to_integral_value(context=_WIDE)


def in_range(value: Decimal) -> bool:
    """True when ``value`` is a plausible figure (|value| < 1e15)."""
    return abs(value) < LIMIT
