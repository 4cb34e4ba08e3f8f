"""Checks on ratios: formulas that do not recompute, ratios stated in words, 元/万元 mix-ups."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from ..core import expr as ex
from ..core.numbers import q2
from . import numbers_zh as nz
from . import patterns as p
from .check_base import _f, fmt_plain, prose, sentences
from .model import Document, Extracted, Finding, Line


def formula_ratios(doc: Document, found: Extracted) -> list[Finding]:
    """ "…=（4029.42万元-3864.89万元）/3864.89万元*100%=4.26%": the formula must recompute."""
    out = []
    for line in prose(doc):
        for match in p.FORMULA.finditer(line.text):
            out += _recompute(match["expr"], Decimal(match["result"]), match[0], line)
    return out


def _arith(text: str) -> str:
    """A stated formula as arithmetic: units and thousands separators dropped, "×100%" kept as ×100 and
    any other percent operand ("1-94.81%") read as a fraction."""
    text = text.replace("（", "(").replace("）", ")").replace("×", "*").replace("÷", "/")
    text = re.sub(r"(?<=\d)[,，](?=\d{3})", "", text)
    text = re.sub(r"万元|亿元|元|人|个|\s", "", text)
    text = re.sub(r"\*100%$", "*100", text)
    return re.sub(r"(\d+(?:\.\d+)?)%", r"(\1/100)", text)


def _evaluate(text: str) -> Decimal | None:
    try:
        value = ex.evaluate(ex.parse(text), lambda n: ex.Unavailable(("",)), lambda n: ex.Unavailable(("",)))
    except ex.ExprError:
        return None
    return value if isinstance(value, Decimal) and not isinstance(value, bool) else None


def _in_wan(raw: str) -> str:
    """The formula with every 元/亿元 figure converted to 万元."""

    def convert(match: re.Match[str]) -> str:
        factor = {"元": Decimal("0.0001"), "亿元": Decimal(10000)}[match["unit"]]
        return f"{Decimal(match['n'].replace(',', '')) * factor}万元"

    return re.sub(r"(?P<n>\d[\d,]*(?:\.\d+)?)(?P<unit>亿元|(?<!万)元)", convert, raw)


def ratio_of(raw: str, stated: Decimal) -> Decimal | None:
    text = _arith(raw)
    value = _evaluate(text)
    if value is not None and "*100" not in text and abs(value) < 10 and abs(stated) >= Decimal("0.1"):
        value *= 100
    return value


def _recompute(raw: str, stated: Decimal, quote: str, line: Line) -> list[Finding]:
    if re.search(r"\d\s*元", raw.replace("万元", "").replace("亿元", "")) and "万元" in raw:
        message = "算式中“元”与“万元”混用，请核对金额单位"
        return [_f("warning", "unit-suspect", message, quote, line.number)]
    value = ratio_of(raw, stated)
    if value is None or _agrees(value, stated):
        return []
    converted = ratio_of(_in_wan(raw), stated)
    if converted is not None and _agrees(converted, stated):
        message = "算式中的金额单位不一致（元与万元混用），换算为万元后才与结果相符"
        return [_f("warning", "unit-suspect", message, quote, line.number)]
    computed = q2(value)
    return [_f("error", "ratio-mismatch", f"按所列数字重新计算为{computed}%，报告写{stated}%", quote, line.number)]


def _agrees(value: Decimal, stated: Decimal) -> bool:
    places = -stated.as_tuple().exponent if isinstance(stated.as_tuple().exponent, int) else 2
    unit = Decimal(10) ** -max(int(places), 0)
    return abs(value.quantize(unit, ROUND_HALF_UP) - stated) <= unit


def verbal_ratios(doc: Document, found: Extracted) -> list[Finding]:
    """ "比率为99.57%" with its two figures in the same (or next) sentence: one pair must give the ratio."""
    out = []
    for line in prose(doc):
        parts = sentences(line.text)
        for i, sentence in enumerate(parts):
            for match in p.VERBAL_RATIO.finditer(sentence):
                if "=" in sentence[: match.start()] and p.FORMULA.search(sentence):
                    continue
                numbers = _operands(sentence, match["name"])
                if not numbers and not nz.find_amounts(sentence) and i + 1 < len(parts):
                    numbers = _operands(parts[i + 1], match["name"])  # "…的比率=94.49%。日常公用经费决算数为…"
                out += _verbal(match, numbers, sentence, line)
    return out


def _operands(sentence: str, ratio_name: str) -> list[Decimal]:
    """The figures a stated ratio may be computed from: 2–3 amounts (or head counts) of the same sentence,
    at least one of them labelled with a phrase of the ratio's name (so unrelated figures are left alone)."""
    amounts = [(a[0], a[2]) for a in nz.find_amounts(sentence)]
    counts = [(Decimal(m[1]), m.start()) for m in re.finditer(r"(\d+)人", sentence)]
    numbers = amounts if len(amounts) >= 2 else counts
    if not 2 <= len(numbers) <= 3:
        return []
    phrases = {ratio_name[i : i + 3] for i in range(len(ratio_name) - 2)}
    labels = [sentence[max(0, start - 14) : start] for _, start in numbers]
    related = any(phrase in label for label in labels for phrase in phrases)
    return [n for n, _ in numbers] if related else []


def _verbal(match: re.Match[str], numbers: list[Decimal], sentence: str, line: Line) -> list[Finding]:
    if not numbers:
        return []
    stated = Decimal(match["result"])
    for a in numbers:
        for b in numbers:
            if b and (a is not b) and _agrees(a / b * 100, stated):
                return []
    if any(
        b and _agrees(a / b * 100 * k, stated) for a in numbers for b in numbers for k in (10000, Decimal("0.0001"))
    ):
        return [
            _f(
                "warning",
                "unit-suspect",
                f"{match['name']}{stated}%只有把其中一个金额按“元/万元”换算后才成立",
                sentence.strip(),
                line.number,
            )
        ]
    shown = "、".join(fmt_plain(n) for n in numbers)
    return [
        _f(
            "warning",
            "ratio-mismatch",
            f"{match['name']}{stated}%无法由同句中的数字（{shown}）算出",
            sentence.strip(),
            line.number,
        )
    ]
