"""Checks on figures: the same figure twice, missing key figures, parts that do not add up."""

from __future__ import annotations

import re
from decimal import Decimal

from . import numbers_zh as nz
from . import patterns as p
from .check_base import FIGURE_NAMES, KEY_FIGURES, _f, fmt_plain, fmt_wan, looks_tabular, sentences, text_lines
from .model import Document, Extracted, Finding, Line


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
    if {"basic_expenditure", "personnel_expenditure", "public_final"} <= set(v):
        basic, parts = v["basic_expenditure"], v["personnel_expenditure"].value + v["public_final"].value
        if abs(basic.value - parts) > Decimal("0.01"):
            message = f"基本支出{fmt_wan(basic.value)}不等于人员经费与公用经费之和{fmt_wan(parts)}"
            out.append(
                _f("error", "sum-mismatch", message, v["personnel_expenditure"].quote, v["personnel_expenditure"].line)
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
    """ "X万元，其中A万元、B万元…", "X万元。其中：A…；B…" and "A万元；B万元，合计X万元" must add up.

    Sentences are read in every line that is not a table row, so a report flattened into one line is read
    too; a sentence that is a table run together (many numbers, no punctuation) is not."""
    out = []
    for line in text_lines(doc):
        parts = sentences(line.text)
        for index, sentence in enumerate(parts):
            if looks_tabular(sentence):
                continue
            before = parts[index - 1] if index else ""
            out += _parts_after_total(sentence, line, before) + _total_after_parts(sentence, line)
    return out


def _kind(label: str) -> str | None:
    """Whether an amount's label speaks of income or of expenditure (None: neither, or both)."""
    income, spending = "收入" in label or "收" in label[-2:], "支出" in label or "支" in label[-2:]
    return "收入" if income and not spending else "支出" if spending and not income else None


def _mixed(labels: list[str]) -> bool:
    """Income parts compared with an expenditure total (or the other way): not a sum at all."""
    return len({k for k in map(_kind, labels) if k is not None}) > 1


def _parts_after_total(sentence: str, line: Line, previous: str = "") -> list[Finding]:
    match = p.PART_SUM.search(sentence)
    if not match:
        return []
    clause = re.split(r"[，,；;：:]", sentence[: match.start()].rstrip("，,："))[-1]
    if not clause.strip() and previous:  # "…共完成预算资金89.97万元。其中：30万元…"
        clause = re.split(r"[，,；;：:]", previous)[-1]
    before = nz.find_amounts(clause)
    parts_text = re.sub(r"[（(][^）)]*[）)]", "", match["parts"])  # "（人员经费…、公用经费…）" details a part
    amounts = nz.find_amounts(parts_text)
    parts = [a[0] for a in amounts]
    if len(before) != 1 or len(parts) < 2 or "%" in clause:
        return []
    labels = [clause[: before[0][2]]] + [_label_before(parts_text, a[2]) for a in amounts]
    if _mixed(labels):
        return []
    return _sum_finding(
        before[0][0], parts, f"{clause}。{sentence}" if clause not in sentence else sentence, line, "warning"
    )


def _label_before(text: str, start: int) -> str:
    return re.split(r"[，,；;：:、]", text[:start])[-1][-12:]


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
        found = nz.find_amounts(head)
        labels = [_label_before(head, len(head))] + [_label_before(head, a[2]) for a in found]
        if _mixed(labels):
            return []  # "财政拨款收入800万元，其他收入56.3万元，支出合计850万元": income parts, an expenditure total
        parts, total = [a[0] for a in found], amounts[0][0]
    return _sum_finding(total, parts, sentence, line) if len(parts) >= 2 else []


def _sum_finding(
    total: Decimal, parts: list[Decimal], sentence: str, line: Line, severity: str = "error"
) -> list[Finding]:
    # an error needs the parts to miss by more than their rounding; a warning asks to check any cent
    slack = Decimal("0.01") * len(parts) if severity == "error" else Decimal("0.01")
    if abs(sum(parts) - total) <= slack:
        return []
    shown = "+".join(fmt_plain(x) for x in parts)
    return [
        _f(
            severity,
            "sum-mismatch",
            f"分项之和{shown}={fmt_plain(sum(parts))}，与合计{fmt_plain(total)}不符",
            sentence.strip(),
            line.number,
        )
    ]
