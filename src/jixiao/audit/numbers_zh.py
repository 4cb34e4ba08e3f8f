"""Chinese numbers in report text: amounts, percents, numerals, list markers and dates.

Pure functions over already-read text. Every pattern and table lives at module level; the
functions never raise on odd input, they return ``None`` or an empty list. Full-width digits
and punctuation are accepted everywhere: they are mapped 1:1 to ASCII before matching, so the
positions returned by the ``find_*`` functions are positions in the text as given.

Amounts are returned in 万元 (the unit of formats.md §2) with the unit as written; percents as
the percent value (``97.02`` for 97.02%).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Final, Literal

# ---------------------------------------------------------------------------------------------
# Character tables
# ---------------------------------------------------------------------------------------------

#: Full-width digits, letters and number punctuation → ASCII, one character for one (keeps offsets).
HALF_WIDTH: Final = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
        **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
        "％": "%",
        "．": ".",
        "，": ",",
        "－": "-",
        "−": "-",
        "＋": "+",
        "／": "/",
        "（": "(",
        "）": ")",
        "\u3000": " ",
    }
)

#: Chinese digits (小写 and 大写) → value.
CN_DIGITS: Final[dict[str, int]] = {
    "〇": 0, "零": 0, "○": 0,
    "一": 1, "壹": 1,
    "二": 2, "两": 2, "贰": 2, "貳": 2,
    "三": 3, "叁": 3,
    "四": 4, "肆": 4,
    "五": 5, "伍": 5,
    "六": 6, "陆": 6,
    "七": 7, "柒": 7,
    "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}  # fmt: skip
#: Units inside a four-digit section.
CN_SMALL_UNITS: Final[dict[str, int]] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
#: Section units.
CN_BIG_UNITS: Final[dict[str, int]] = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
CN_ZERO_CHARS: Final = frozenset("〇零○")
CN_NEGATIVE: Final = "负"
CN_POINT: Final = "点"
#: Digits and units used when writing a number (int_to_cn).
CN_WRITE_DIGITS: Final = "零一二三四五六七八九"
CN_WRITE_SMALL: Final = ("", "十", "百", "千")

#: Amount units → factor to 万元.
AMOUNT_UNITS: Final[dict[str, Decimal]] = {
    "元": Decimal("0.0001"),
    "千元": Decimal("0.1"),
    "万元": Decimal(1),
    "百万元": Decimal(100),
    "千万元": Decimal(1000),
    "亿元": Decimal(10_000),
}

#: Circled numbers ①…⑳, ㉑…㉟, ㊱…㊿.
CIRCLED: Final[dict[str, int]] = {
    **{chr(0x2460 + i): i + 1 for i in range(20)},
    **{chr(0x3251 + i): i + 21 for i in range(15)},
    **{chr(0x32B1 + i): i + 36 for i in range(15)},
}

# ---------------------------------------------------------------------------------------------
# Patterns (applied to text already passed through HALF_WIDTH)
# ---------------------------------------------------------------------------------------------

#: A number with optional 千分位 commas and decimals; a sign only where it cannot be a minus operator.
_NUMBER: Final = r"(?:(?<![\d%元)])[-+])?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
#: Not inside another number: no digit, "1." or "1," just before.
_NOT_IN_NUMBER: Final = r"(?<!\d)(?<!\d[.,])"
_CN_NUMERAL_CHARS: Final = "".join(CN_DIGITS) + "".join(CN_SMALL_UNITS) + "".join(CN_BIG_UNITS)

AMOUNT_RE: Final = re.compile(
    rf"{_NOT_IN_NUMBER}(?P<num>{_NUMBER})(?![\d])\s*(?P<unit>{'|'.join(sorted(AMOUNT_UNITS, key=len, reverse=True))})"
)
PERCENT_RE: Final = re.compile(
    rf"{_NOT_IN_NUMBER}(?P<num>{_NUMBER})(?![\d])\s*%"
    rf"|(?P<neg>负)?百分之(?P<cn>[{_CN_NUMERAL_CHARS}]+(?:点[{''.join(CN_DIGITS)}]+)?)"
)

#: cn 一、 | cn_paren （一） | arabic 1. 1、 | arabic_paren （1） | circled ① | ordinal_shi 一是 | ordinal_di 第一，
MarkerKind = Literal["cn", "cn_paren", "arabic", "arabic_paren", "circled", "ordinal_shi", "ordinal_di"]
MARKER_PATTERNS: Final[tuple[tuple[MarkerKind, re.Pattern[str]], ...]] = (
    ("cn_paren", re.compile(rf"\s*\(\s*(?P<v>[{_CN_NUMERAL_CHARS}]{{1,4}})\s*\)\s*")),
    ("arabic_paren", re.compile(r"\s*\(\s*(?P<v>\d{1,3})\s*\)\s*")),
    ("cn", re.compile(rf"\s*(?P<v>[{_CN_NUMERAL_CHARS}]{{1,4}})\s*[、.](?!\d)\s*")),
    ("arabic", re.compile(r"\s*(?P<v>\d{1,3})\s*(?:、|\.(?!\d))\s*")),
    ("circled", re.compile(rf"\s*(?P<v>[{''.join(CIRCLED)}])\s*")),
    ("ordinal_shi", re.compile(rf"\s*(?P<v>[{_CN_NUMERAL_CHARS}]{{1,3}})是(?=\S)")),
    ("ordinal_di", re.compile(rf"\s*第(?P<v>[{_CN_NUMERAL_CHARS}]{{1,3}})(?:\s*[、,:：.]\s*|\s+)")),
)
#: 一是/二是 inside a paragraph: at its start or after punctuation.
ORDINAL_SHI_IN_TEXT_RE: Final = re.compile(rf"(?:^|(?<=[。；;,，:：\s]))(?P<v>[{_CN_NUMERAL_CHARS}]{{1,3}})是")

DATE_PATTERNS: Final[tuple[re.Pattern[str], ...]] = (
    re.compile(r"(?<!\d)(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"),
    re.compile(r"(?<![\d.])(?P<y>\d{4})\s*(?P<sep>[./-])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<d>\d{1,2})(?![\d.])"),
    re.compile(
        rf"(?P<y>[{''.join(CN_DIGITS)}]{{4}})年(?P<m>[{_CN_NUMERAL_CHARS}]{{1,3}})月(?P<d>[{_CN_NUMERAL_CHARS}]{{1,3}})日"
    ),
)
YEAR_RANGE: Final = range(1900, 2200)


# ---------------------------------------------------------------------------------------------
# Chinese numerals
# ---------------------------------------------------------------------------------------------


def cn_to_int(text: str) -> int | None:
    """``二十三`` → 23, ``两千零二十四`` → 2024, ``二〇二四`` → 2024, ``十`` → 10; None if not a numeral.

    Also accepts 大写 (壹贰叁…拾佰仟), 万/亿, a leading 负, and plain ASCII digits.
    """
    s = text.strip().translate(HALF_WIDTH)
    negative = s.startswith(CN_NEGATIVE)
    s = s.removeprefix(CN_NEGATIVE)
    value = _cn_unsigned(s)
    if value is None:
        return None
    return -value if negative else value


def _cn_unsigned(s: str) -> int | None:
    if not s:
        return None
    if s.isascii() and s.isdigit():
        return int(s)
    if all(ch in CN_DIGITS for ch in s):
        return _cn_digitwise(s)
    return _cn_positional(s)


def _cn_digitwise(s: str) -> int | None:
    """二〇二四 → 2024 (digits without units); a single digit is its value."""
    if len(s) > 1 and "两" in s:
        return None
    return int("".join(str(CN_DIGITS[ch]) for ch in s))


def _cn_positional(s: str) -> int | None:
    """Numerals with units (十百千万亿), e.g. 一百零五, 十二, 三万零四十, 一亿零五百万."""
    yi = wan = section = 0
    digit: int | None = None
    small = 10**4  # units within a section must decrease: 千 > 百 > 十
    for ch in s:
        if ch in CN_DIGITS:
            if digit not in (None, 0):
                return None
            digit = CN_DIGITS[ch]
        elif ch in CN_SMALL_UNITS:
            unit = CN_SMALL_UNITS[ch]
            if unit >= small or digit == 0:
                return None
            section += (1 if digit is None else digit) * unit
            digit, small = None, unit
        elif ch in CN_BIG_UNITS and CN_BIG_UNITS[ch] == 10_000:
            section += digit or 0
            if section == 0 or wan:
                return None
            wan, section, digit, small = section * 10_000, 0, None, 10**4
        elif ch in CN_BIG_UNITS:
            value = wan + section + (digit or 0)
            if value == 0 or yi:
                return None
            yi, wan, section, digit, small = value * 100_000_000, 0, 0, None, 10**4
        else:
            return None
    if digit == 0:  # a trailing 零 (一千零) is not a numeral
        return None
    return yi + wan + section + (digit or 0)


def int_to_cn(n: int) -> str:
    """23 → ``二十三``, 105 → ``一百零五``, 2024 → ``二千零二十四``, 10 → ``十``; negative → ``负…``; below 10¹⁶."""
    if n < 0:
        return CN_NEGATIVE + int_to_cn(-n)
    if n == 0:
        return CN_WRITE_DIGITS[0]
    if n >= 10**16:
        raise ValueError("数值过大")
    out = _cn_below_yi(n) if n < 10**8 else _cn_split(n, 10**8, "亿", _cn_below_yi)
    return out[1:] if out.startswith("一十") else out


def _cn_below_yi(n: int) -> str:
    return _cn_section(n) if n < 10**4 else _cn_split(n, 10**4, "万", _cn_section)


def _cn_split(n: int, unit: int, name: str, write: Callable[[int], str]) -> str:
    """``high`` ``name`` [零] ``low``: 10005 → 一万零五, 100010000 → 一亿零一万."""
    high, low = divmod(n, unit)
    out = write(high) + name
    if low:
        out += (CN_WRITE_DIGITS[0] if low < unit // 10 else "") + write(low)
    return out


def _cn_section(n: int) -> str:
    """A number below 10 000 without leading zero: 1005 → 一千零五."""
    out = ""
    zero = False
    for power in (3, 2, 1, 0):
        digit = n // 10**power % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += CN_WRITE_DIGITS[0]
        out += CN_WRITE_DIGITS[digit] + CN_WRITE_SMALL[power]
        zero = False
    return out


# ---------------------------------------------------------------------------------------------
# Amounts and percents
# ---------------------------------------------------------------------------------------------


def _decimal(number: str) -> Decimal | None:
    try:
        return Decimal(number.replace(",", ""))
    except (InvalidOperation, ValueError):
        return None


def find_amounts(text: str) -> list[tuple[Decimal, str, int, int]]:
    """Every amount with a unit 元/千元/万元/百万元/亿元: (value in 万元, unit as written, start, end)."""
    found: list[tuple[Decimal, str, int, int]] = []
    for match in AMOUNT_RE.finditer(text.translate(HALF_WIDTH)):
        number = _decimal(match["num"])
        if number is not None:
            unit = match["unit"]
            found.append((number * AMOUNT_UNITS[unit], text[match.start("unit") : match.end()], *match.span()))
    return found


def parse_amount(text: str) -> tuple[Decimal, str] | None:
    """``12,345.67万元`` → (12345.67, "万元"); ``1,234元`` → (0.1234, "元"); None unless the text is one amount."""
    stripped = text.strip()
    found = find_amounts(stripped)
    if len(found) != 1 or found[0][2] != 0 or found[0][3] != len(stripped):
        return None
    return found[0][0], found[0][1]


def _cn_decimal(text: str) -> Decimal | None:
    """九十五 → 95, 九十五点五 → 95.5, 百 → 100 (as in 百分之百)."""
    whole, _, fraction = text.partition(CN_POINT)
    integer = 100 if whole == "百" else cn_to_int(whole)
    if integer is None:
        return None
    if not fraction:
        return Decimal(integer)
    return Decimal(f"{integer}.{''.join(str(CN_DIGITS[ch]) for ch in fraction)}")


def find_percents(text: str) -> list[tuple[Decimal, int, int]]:
    """Every percent: ``97.02%``, ``97.02 ％``, ``-79.72%``, ``百分之九十五`` → (percent, start, end)."""
    found: list[tuple[Decimal, int, int]] = []
    for match in PERCENT_RE.finditer(text.translate(HALF_WIDTH)):
        if match["num"] is not None:
            value = _decimal(match["num"])
        else:
            value = _cn_decimal(match["cn"])
            if value is not None and match["neg"]:
                value = -value
        if value is not None:
            found.append((value, *match.span()))
    return found


def parse_percent(text: str) -> Decimal | None:
    """``97.02%`` → Decimal("97.02"); ``百分之九十五`` → 95; None unless the text is one percent."""
    stripped = text.strip()
    found = find_percents(stripped)
    if len(found) != 1 or found[0][1] != 0 or found[0][2] != len(stripped):
        return None
    return found[0][0]


# ---------------------------------------------------------------------------------------------
# List markers
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Marker:
    """A list/heading marker at the start of a line: kind, value, the marker as written, where content starts."""

    kind: MarkerKind
    value: int
    text: str
    end: int


def _marker_value(kind: MarkerKind, raw: str) -> int | None:
    if kind == "circled":
        return CIRCLED.get(raw)
    if raw.isdigit():
        return int(raw)
    return cn_to_int(raw)


@lru_cache(maxsize=8192)
def parse_marker(line: str) -> Marker | None:
    """The marker a line starts with: ``一、`` ``(二) `` ``（三）`` ``1.`` ``1、`` ``（1）`` ``①`` ``一是`` ``第一，``.

    Half- and full-width parentheses (also mixed, as in ``(四）``) and spaces are tolerated; ``1.5万元``
    is not a marker. ``end`` is the index where the content begins (after trailing spaces).
    """
    half = line[:24].translate(HALF_WIDTH)  # a marker is short and at the start; HALF_WIDTH maps 1:1
    for kind, pattern in MARKER_PATTERNS:
        match = pattern.match(half)
        if match is None:
            continue
        value = _marker_value(kind, match["v"])
        if value is not None and value > 0:
            return Marker(kind, value, line[: match.end()].strip(), match.end())
    return None


def find_ordinals(text: str) -> list[Marker]:
    """一是/二是/… inside a paragraph (at its start or after punctuation); ``end`` is the offset after 是."""
    found: list[Marker] = []
    for match in ORDINAL_SHI_IN_TEXT_RE.finditer(text):
        value = cn_to_int(match["v"])
        if value is not None and value > 0:
            found.append(Marker("ordinal_shi", value, match.group(), match.end()))
    return found


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------


def _make_date(year: str, month: str, day: str) -> date | None:
    parts = [int(p) if p.isascii() and p.isdigit() else cn_to_int(p) for p in (year, month, day)]
    y, m, d = parts
    if y is None or m is None or d is None or y not in YEAR_RANGE:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None


def find_dates(text: str) -> list[tuple[date, int, int]]:
    """Every valid date as (date, start, end): ``2024年5月21日``, ``2023.5.4``, ``2021-06-10``, ``二〇二五年七月八日``.

    Chinese-width digits and spaces (``2025 年 7 月 8 日``) are accepted; impossible dates are skipped.
    """
    half = text.translate(HALF_WIDTH)
    found: list[tuple[date, int, int]] = []
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(half):
            value = _make_date(match["y"], match["m"], match["d"])
            if value is not None:
                found.append((value, *match.span()))
    return sorted(found, key=lambda item: item[1])


def parse_date_zh(text: str) -> date | None:
    """The date a field gives: ``2024年5月21日`` | ``2023.5.4`` | ``2025 年 7 月 8 日`` | ``2021-06-10`` → date."""
    stripped = text.strip().removesuffix("。")
    found = find_dates(stripped)
    if len(found) != 1 or found[0][1] != 0 or found[0][2] != len(stripped):
        return None
    return found[0][0]
