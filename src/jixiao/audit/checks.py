"""What reviewers look for. CHECKS is a plain list of small functions (Document, Extracted) -> findings.

What a report explains is not a fault: a weight transfer it states, a total capped at 100 after a
bonus, a known formula variant. Heuristic checks (ratios stated in words) give warnings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

from ..core import expr as ex
from . import numbers_zh as nz
from . import patterns as p
from .extract import transfers
from .model import Document, Extracted, Finding, Line

Check = Callable[[Document, Extracted], list[Finding]]
GRADES = ((Decimal(90), "优"), (Decimal(80), "良"), (Decimal(60), "中"), (Decimal(0), "差"))
KEY_FIGURES = {
    "income_budget": "收入预算数",
    "income_final": "收入决算数",
    "expenditure_budget": "支出预算数",
    "expenditure_final": "支出决算数",
}
FIGURE_NAMES = {
    **KEY_FIGURES,
    "basic_expenditure": "基本支出",
    "project_expenditure": "项目支出",
    "carryover_prior": "上年结转结余",
    "carryover_end": "年末结转结余",
    "procurement_plan": "政府采购计划",
    "procurement_actual": "实际政府采购金额",
    "public_budget": "公用经费预算数",
    "public_final": "公用经费决算数",
    "sangong_budget": "“三公”经费预算数",
    "sangong_final": "“三公”经费决算数",
    "personnel_expenditure": "人员经费",
    "public_prior": "上年公用经费决算数",
    "sangong_prior": "上年“三公”经费决算数",
}


def fmt_plain(value: Decimal) -> str:
    """A figure without needless zeros: 912.97, 3.5, 100."""
    text = f"{value.quantize(Decimal('0.01'), ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def fmt_wan(value: Decimal) -> str:
    return f"{fmt_plain(value)}万元"


_MARKER_FORMS = {
    "cn": "{}、",
    "cn_paren": "（{}）",
    "arabic": "{}.",
    "arabic_paren": "（{}）",
    "circled": "{}",
    "ordinal_shi": "{}是",
    "ordinal_di": "第{}",
}


def marker_text(kind: str, value: int) -> str:
    """How a marker is written: 二、 （三） 4. （5） ⑥ 七是."""
    if kind == "circled":
        return "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"[value - 1] if 0 < value <= 20 else str(value)
    shown = nz.int_to_cn(value) if kind in ("cn", "cn_paren", "ordinal_shi", "ordinal_di") else str(value)
    return _MARKER_FORMS.get(kind, "{}").format(shown)


def prose(doc: Document) -> list[Line]:
    """Lines of running text: not table rows (a .docx table, "a | b | c" in plain text), and nothing after an
    appendix heading "附件1 数据表" / "附件2 评分表" (a PDF's text layer runs table cells together)."""
    lines: list[Line] = []
    for line in doc.lines:
        if p.APPENDIX_TABLE.match(line.text):
            break
        if not line.in_table and line.text.count("|") < 2:
            lines.append(line)
    return lines


def _f(severity: str, code: str, message: str, quote: str = "", line: int | None = None) -> Finding:
    return Finding(severity, code, message, quote, line)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- figures


def figure_conflicts(doc: Document, found: Extracted) -> list[Finding]:
    """The same figure stated with two values."""
    out = []
    for key, figures in found.figures.items():
        first = figures[0]
        for other in figures[1:]:
            if abs(other.value - first.value) >= Decimal("0.005"):
                name = FIGURE_NAMES.get(key, key)
                out.append(
                    _f(
                        "error",
                        "figure-conflict",
                        f"{name}前后不一致：第{first.line}行为{fmt_wan(first.value)}，第{other.line}行为{fmt_wan(other.value)}",
                        other.quote,
                        other.line,
                    )
                )
                break
    return out


def missing_figures(doc: Document, found: Extracted) -> list[Finding]:
    missing = [name for key, name in KEY_FIGURES.items() if key not in found.figures]
    if not missing or not doc.lines:
        return []
    return [_f("warning", "missing-figure", f"报告未写明{'、'.join(missing)}")]


def relations(doc: Document, found: Extracted) -> list[Finding]:
    """支出 = 基本支出 + 项目支出; 上年结转 + 收入 − 支出 = 年末结转结余 (domain §3)."""
    v = {k: figs[0] for k, figs in found.figures.items()}
    out = []
    if {"expenditure_final", "basic_expenditure", "project_expenditure"} <= set(v):
        total, parts = v["expenditure_final"], v["basic_expenditure"].value + v["project_expenditure"].value
        if abs(total.value - parts) > Decimal("0.01"):
            out.append(
                _f(
                    "error",
                    "sum-mismatch",
                    f"支出{fmt_wan(total.value)}不等于基本支出与项目支出之和{fmt_wan(parts)}",
                    v["basic_expenditure"].quote,
                    v["basic_expenditure"].line,
                )
            )
    keys = {"carryover_prior", "income_final", "expenditure_final", "carryover_end"}
    if keys <= set(v):
        expected = v["carryover_prior"].value + v["income_final"].value - v["expenditure_final"].value
        if abs(expected - v["carryover_end"].value) > Decimal("0.01"):
            out.append(
                _f(
                    "error",
                    "sum-mismatch",
                    f"上年结转+本年收入-本年支出={fmt_wan(expected)}，"
                    f"与年末结转结余{fmt_wan(v['carryover_end'].value)}不符",
                    v["carryover_end"].quote,
                    v["carryover_end"].line,
                )
            )
    return out


def sentence_sums(doc: Document, found: Extracted) -> list[Finding]:
    """ "X万元，其中A万元、B万元…" and "A万元；B万元，合计X万元" must add up (amounts and head counts)."""
    out = []
    for line in prose(doc):
        for sentence in _sentences(line.text):
            out += _parts_after_total(sentence, line) + _total_after_parts(sentence, line)
    return out


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"[。！？]", text) if s]


def _parts_after_total(sentence: str, line: Line) -> list[Finding]:
    match = p.PART_SUM.search(sentence)
    if not match:
        return []
    before = nz.find_amounts(sentence[: match.start()])
    parts = [a[0] for a in nz.find_amounts(match["parts"])]
    if not before or len(parts) < 2:
        return []
    total = before[-1][0]
    return _sum_finding(total, parts, sentence, line)


def _total_after_parts(sentence: str, line: Line) -> list[Finding]:
    match = p.TOTAL_AFTER_PARTS.search(sentence)
    if not match:
        return []
    head = sentence[: match.start()]
    if match["unit"] in ("人", "个"):
        parts = [Decimal(n) for n in re.findall(rf"(\d+){match['unit']}", head)]
        total = Decimal(match["total"].replace(",", ""))
    else:
        amounts = nz.find_amounts(sentence[match.start() :])
        if not amounts:
            return []
        parts, total = [a[0] for a in nz.find_amounts(head)], amounts[0][0]
    return _sum_finding(total, parts, sentence, line) if len(parts) >= 2 else []


def _sum_finding(total: Decimal, parts: list[Decimal], sentence: str, line: Line) -> list[Finding]:
    if abs(sum(parts) - total) <= Decimal("0.01") * len(parts):
        return []
    shown = "+".join(fmt_plain(x) for x in parts)
    return [
        _f(
            "error",
            "sum-mismatch",
            f"分项之和{shown}={fmt_plain(sum(parts))}，与合计{fmt_plain(total)}不符",
            sentence.strip(),
            line.number,
        )
    ]


# --------------------------------------------------------------------------- ratios


def formula_ratios(doc: Document, found: Extracted) -> list[Finding]:
    """ "…=（4029.42万元-3864.89万元）/3864.89万元*100%=4.26%": the formula must recompute."""
    out = []
    for line in prose(doc):
        for match in p.FORMULA.finditer(line.text):
            out += _recompute(match["expr"], Decimal(match["result"]), match[0], line)
    return out


def _arith(text: str) -> str:
    text = text.replace("（", "(").replace("）", ")").replace("×", "*").replace("÷", "/")
    text = re.sub(r"万元|亿元|元|人|个|\s", "", text)
    return text.replace("%", "")


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


def _ratio_of(raw: str, stated: Decimal) -> Decimal | None:
    text = _arith(raw)
    value = _evaluate(text)
    if value is not None and "*100" not in text and abs(value) < 10 and abs(stated) >= Decimal("0.1"):
        value *= 100
    return value


def _recompute(raw: str, stated: Decimal, quote: str, line: Line) -> list[Finding]:
    value = _ratio_of(raw, stated)
    if value is None or _agrees(value, stated):
        return []
    converted = _ratio_of(_in_wan(raw), stated)
    if converted is not None and _agrees(converted, stated):
        message = "算式中的金额单位不一致（元与万元混用），换算为万元后才与结果相符"
        return [_f("warning", "unit-suspect", message, quote, line.number)]
    computed = value.quantize(Decimal("0.01"), ROUND_HALF_UP)
    return [_f("error", "ratio-mismatch", f"按所列数字重新计算为{computed}%，报告写{stated}%", quote, line.number)]


def _agrees(value: Decimal, stated: Decimal) -> bool:
    places = -stated.as_tuple().exponent if isinstance(stated.as_tuple().exponent, int) else 2
    unit = Decimal(10) ** -max(int(places), 0)
    return abs(value.quantize(unit, ROUND_HALF_UP) - stated) <= unit


def verbal_ratios(doc: Document, found: Extracted) -> list[Finding]:
    """ "比率为99.57%" with its two figures in the same (or next) sentence: one pair must give the ratio."""
    out = []
    for line in prose(doc):
        sentences = _sentences(line.text)
        for i, sentence in enumerate(sentences):
            for match in p.VERBAL_RATIO.finditer(sentence):
                if "=" in sentence[: match.start()] and p.FORMULA.search(sentence):
                    continue
                numbers = _operands(sentence, match["name"])
                if not numbers and not nz.find_amounts(sentence) and i + 1 < len(sentences):
                    numbers = _operands(sentences[i + 1], match["name"])  # "…的比率=94.49%。日常公用经费决算数为…"
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


# --------------------------------------------------------------------------- scores


def scores_over_weight(doc: Document, found: Extracted) -> list[Finding]:
    moved = transfers(doc.lines)
    out = []
    for item in found.indicator_scores:
        if item.weight is None or item.score <= item.weight:
            continue
        allowed = item.weight + moved.get(item.name, Decimal(0))
        if item.score <= allowed:
            continue
        out.append(
            _f(
                "error",
                "score-over-weight",
                f"“{item.name}”得分{fmt_plain(item.score)}分超过分值{fmt_plain(item.weight)}分，且报告未说明分值调整",
                item.quote,
                item.line,
            )
        )
    return out


def total_follows(doc: Document, found: Extracted) -> list[Finding]:
    """The stated total equals min(100, Σ indicator scores + bonus − penalty) when scores are stated."""
    if found.score is None or len(found.indicator_scores) < 3:
        return []
    base = sum((s.score for s in found.indicator_scores), Decimal(0))
    expected = min(Decimal(100), max(Decimal(0), base + (found.bonus or 0)))
    if abs(expected - found.score) <= Decimal("0.01"):
        return []
    quote, line = found.quotes.get("score", ("", 0))
    bonus = f"+加分{fmt_plain(found.bonus)}" if found.bonus else ""
    return [
        _f(
            "error",
            "total-mismatch",
            f"各指标得分合计{fmt_plain(base)}{bonus}，封顶100分后应为"
            f"{fmt_plain(expected)}分，报告写{fmt_plain(found.score)}分",
            quote,
            line or None,
        )
    ]


def grade_follows(doc: Document, found: Extracted) -> list[Finding]:
    if found.score is None or found.grade is None:
        return []
    expected = next(g for low, g in GRADES if found.score >= low)
    if expected == found.grade:
        return []
    quote, line = found.quotes.get("grade", ("", 0))
    return [
        _f(
            "error",
            "grade-mismatch",
            f"{fmt_plain(found.score)}分按财政部默认等级应为“{expected}”，报告写“{found.grade}”",
            quote,
            line or None,
        )
    ]


# --------------------------------------------------------------------------- structure


def numbering(doc: Document, found: Extracted) -> list[Finding]:
    """List markers that skip or repeat: 一、二、四、 / 1. 1. / 一是…四是…四是."""
    out: list[Finding] = []
    stack: list[tuple[str, int]] = []
    for line in prose(doc):
        marker = nz.parse_marker(line.text)
        if marker is not None and marker.kind != "ordinal_shi":
            out += _step(stack, marker.kind, marker.value, line)
        out += _inline_points(line)
    return out


def _step(stack: list[tuple[str, int]], kind: str, value: int, line: Line) -> list[Finding]:
    level = _LEVEL.get(kind, 9)
    while stack and _LEVEL.get(stack[-1][0], 9) > level:
        stack.pop()  # a higher heading closes the deeper lists under it
    if not stack or stack[-1][0] != kind:
        stack.append((kind, value))
        return [] if value == 1 else [_gap(line, kind, value, 0)]
    previous = stack[-1][1]
    stack[-1] = (kind, value)
    if value == previous + 1 or (value == 1 and previous != 1):
        return []
    if value == previous:
        return [_f("error", "numbering-repeat", f"序号“{marker_text(kind, value)}”重复", line.text[:40], line.number)]
    if value > previous + 1:
        return [_gap(line, kind, value, previous)]
    return [
        _f(
            "warning",
            "numbering-repeat",
            f"序号“{marker_text(kind, value)}”倒退（前一项为“{marker_text(kind, previous)}”）",
            line.text[:40],
            line.number,
        )
    ]


def _gap(line: Line, kind: str, value: int, previous: int) -> Finding:
    missing = "".join(marker_text(kind, n) for n in range(previous + 1, value))
    return _f("error", "numbering-gap", f"序号跳过了“{missing}”", line.text[:40], line.number)


def _inline_points(line: Line) -> list[Finding]:
    values = [nz.cn_to_int(m["n"]) for m in p.INLINE_POINT.finditer(line.text)]
    out = []
    for previous, value in pairwise(values):
        if value == previous:
            out.append(
                _f(
                    "error",
                    "numbering-repeat",
                    f"“{nz.int_to_cn(value)}是”重复使用",
                    _quote_of(line, value),
                    line.number,
                )
            )
        elif value > previous + 1:
            out.append(
                _f(
                    "error",
                    "numbering-gap",
                    f"“{nz.int_to_cn(previous)}是”之后直接是“{nz.int_to_cn(value)}是”",
                    _quote_of(line, value),
                    line.number,
                )
            )
    return out


def _quote_of(line: Line, value: int) -> str:
    mark = f"{nz.int_to_cn(value)}是"
    index = line.text.rfind(mark)
    return line.text[index : index + 24] if index >= 0 else line.text[:24]


def empty_sections(doc: Document, found: Extracted) -> list[Finding]:
    """A heading with nothing under it, including an inline "三是预算编制准确性。" left empty."""
    out = []
    lines = prose(doc)
    for i, line in enumerate(lines):
        following = lines[i + 1] if i + 1 < len(lines) else None
        out += _empty_inline(line) + _empty_heading(line, following)
    return out


def _empty_inline(line: Line) -> list[Finding]:
    points = list(p.INLINE_POINT.finditer(line.text))
    if len(points) < 2:
        return []
    last = line.text[points[-1].end() :]
    siblings = [line.text[a.end() : b.start()] for a, b in pairwise(points)]
    if all(_has_body(s) for s in siblings) and not _has_body(last) and len(last.strip("。 ")) <= 16:
        title = last.strip("。 ")
        return [
            _f(
                "warning",
                "empty-section",
                f"“{points[-1]['n']}是{title}”之后没有内容",
                line.text[points[-1].start() :].strip("。；： "),
                line.number,
            )
        ]
    return []


def _has_body(point: str) -> bool:
    """A point "预算编制合理性。部门预算编制…" has text after its title sentence."""
    parts = point.strip().split("。", 1)
    return len(parts) == 2 and bool(parts[1].strip("。；： "))


def _empty_heading(line: Line, following: Line | None) -> list[Finding]:
    marker = nz.parse_marker(line.text)
    if marker is None or marker.kind in ("ordinal_shi", "circled"):
        return []
    title = line.text[marker.end :].strip()
    if len(title) > 24 or "。" in title.rstrip("。") or re.search(r"[，,；;：:]|\d", title):
        return []
    nxt = nz.parse_marker(following.text) if following is not None else None
    if following is not None and (nxt is None or _deeper(nxt.kind, marker.kind)):
        return []
    return [_f("warning", "empty-section", f"标题“{line.text.strip()}”下没有内容", line.text.strip(), line.number)]


_LEVEL = {"cn": 1, "cn_paren": 2, "arabic": 3, "arabic_paren": 4, "circled": 5, "ordinal_shi": 6}


def _deeper(kind: str, than: str) -> bool:
    return _LEVEL.get(kind, 9) > _LEVEL.get(than, 9)


def sections_present(doc: Document, found: Extracted) -> list[Finding]:
    text = doc.text
    outline = next((name for name, hints in p.OUTLINE_HINTS.items() if any(h in text for h in hints)), None)
    if outline is None or not doc.lines:
        return []
    missing = [s.split("|")[0] for s in p.SECTIONS[outline] if not re.search(s, text)]
    return [_f("warning", "missing-section", f"缺少规定的部分：{'、'.join(missing)}")] if missing else []


def years(doc: Document, found: Extracted) -> list[Finding]:
    """A statement dated in a year that is neither the evaluation year nor the next."""
    if found.year is None:
        return []
    out = []
    for line in prose(doc):
        for match in p.CLAUSE_YEAR.finditer(line.text):
            year = int(match["year"])
            if year not in (found.year, found.year + 1):
                out.append(
                    _f(
                        "warning",
                        "year-mismatch",
                        f"{found.year}年度的报告中出现“{year}年，…”的表述，请核对年份",
                        line.text[match.start() : match.start() + 30].lstrip("。；，, "),
                        line.number,
                    )
                )
    return out


def unit_names(doc: Document, found: Extracted) -> list[Finding]:
    opening = found.quotes.get("opening_unit")
    if found.unit is None or opening is None:
        return []
    strip = re.compile(r"[（）()\s]")
    if strip.sub("", opening[0]) in (strip.sub("", found.unit), ""):
        return []
    return [
        _f(
            "error",
            "name-mismatch",
            f"单位名称前后不一致：封面为“{found.unit}”，正文为“{opening[0]}”",
            opening[0],
            opening[1],
        )
    ]


def counts(doc: Document, found: Extracted) -> list[Finding]:
    """ "共设10个内设机构，分别为：甲、乙…" — the list must have as many items as stated."""
    out = []
    for line in prose(doc):
        for regex in (p.COUNT_LIST, p.LIST_THEN_COUNT):
            for match in regex.finditer(line.text):
                stated = int(match["n"]) if match["n"].isdigit() else nz.cn_to_int(match["n"])
                items = [i for i in re.split(r"[、，,]", match["items"].strip("：: ")) if i.strip()]
                if stated is not None and len(items) != stated:
                    out.append(
                        _f(
                            "error",
                            "count-mismatch",
                            f"写明共{stated}个，实际列出{len(items)}个",
                            match[0][:60],
                            line.number,
                        )
                    )
    return out


def unreadable(doc: Document, found: Extracted) -> list[Finding]:
    return [_f("error", "unreadable", doc.problem)] if doc.problem else []


CHECKS: list[Check] = [
    unreadable,
    figure_conflicts,
    missing_figures,
    relations,
    sentence_sums,
    formula_ratios,
    verbal_ratios,
    scores_over_weight,
    total_follows,
    grade_follows,
    numbering,
    empty_sections,
    sections_present,
    years,
    unit_names,
    counts,
]


def run_checks(doc: Document, found: Extracted, checks: Iterable[Check] = CHECKS) -> list[Finding]:
    if doc.problem and not doc.lines:
        return unreadable(doc, found)
    findings: list[Finding] = []
    for check in checks:
        findings += check(doc, found)
    return sorted(findings, key=lambda f: (f.line or 0, f.code))
