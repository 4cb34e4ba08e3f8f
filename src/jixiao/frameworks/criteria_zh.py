"""Read a scoring rule from its Chinese wording (评分标准), as bureaus write it in their tables.

Each reader recognises one rule type in the exact phrasing seen in real tables (domain.md §5) and
returns the `rule:` mapping of formats §1, or None. Wording no reader recognises becomes a
`judgement` rule, and the importer says so. Patterns are data at the top of the module.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

NUM = r"(\d+(?:\.\d+)?)"
CN_ONE = {"一": "1", "两": "2", "二": "2", "三": "3", "五": "5", "十": "10"}

THRESHOLD = re.compile(
    rf"以{NUM}%为标准.*?每(?P<side>超过|超出|高于|低于|少于)(?P<step>[一二三五十]|{NUM})个百分点(?:扣|减)(?P<per>{NUM[1:-1]})分"
)
BAND_RANGE = re.compile(rf"{NUM}%?[（(]含[)）]\s*[-—~～至到]\s*{NUM}%[^，,；;。]*?[，,]?\s*(?:计|得)?\s*{NUM}分")
BAND_MIN = re.compile(rf"(?:≥|>=|不低于|达到){NUM}%[^，,；;。]*?[，,]?\s*(?:计|得)?\s*{NUM}分")
BAND_BELOW = re.compile(rf"(?:低于|<|＜){NUM}%[^；;。]*?(?:不得分|计0分|得0分|(?:计|得)?\s*{NUM}分)")
PROPORTIONAL = re.compile(r"按(?:完成|执行|实际)?(?:比例|比率)计(?:算)?(?:得)?分")
PER_OCCURRENCE = re.compile(rf"每(?:出现|发现|发生)?(?:一|1)(?:例|次|项|个|起|处)[^；;。]*?(?:扣|减){NUM}分")
CHECKLIST_ITEM = re.compile(rf"([①②③④⑤⑥⑦⑧⑨⑩])([^①②③④⑤⑥⑦⑧⑨⑩]+?)[，,]\s*{NUM}分")
OPTION = re.compile(rf"^(.+?)[，,]\s*(?:计|得)?\s*(?:{NUM}分|(不得分)|计0分)$")
YES_NO = re.compile(
    r"^(?:是|符合|已|有)[^；;]*?[，,]\s*(?:计|得)?\s*\d+(?:\.\d+)?分[；;。]\s*(?:否|不符合|未|无)[^；;]*?(?:不得分|计0分)"
)


def _n(text: str) -> Decimal:
    return Decimal(CN_ONE.get(text, text))


def _threshold(text: str, weight: Decimal) -> dict[str, Any] | None:
    m = THRESHOLD.search(text)
    if m is None:
        return None
    upper = m["side"] in ("超过", "超出", "高于")
    rule: dict[str, Any] = {
        "type": "threshold",
        "standard": Decimal(m[1]),
        "direction": "max" if upper else "min",
        "per": Decimal(m["per"]),
    }
    step = _n(m["step"])
    if step != 1:
        rule["step"] = step
    if "不足一个百分点按一个" in text or "不足1个百分点按1个" in text:
        rule["steps"] = "ceil"
    return rule


def _bands(text: str, weight: Decimal) -> dict[str, Any] | None:
    bands: list[dict[str, Any]] = []
    for m in BAND_MIN.finditer(text):
        bands.append({"min": Decimal(m[1]), "score": Decimal(m[2])})
    for m in BAND_RANGE.finditer(text):
        bands.append({"min": Decimal(m[1]), "max": Decimal(m[2]), "max_inclusive": False, "score": Decimal(m[3])})
    for m in BAND_BELOW.finditer(text):
        bands.append({"max": Decimal(m[1]), "max_inclusive": False, "score": Decimal(m[2] or 0)})
    if len(bands) < 2:
        return None
    bands.sort(key=lambda b: b.get("min", Decimal("-1e9")), reverse=True)
    return {"type": "bands", "bands": bands}


def _proportional(text: str, weight: Decimal) -> dict[str, Any] | None:
    return {"type": "proportional", "target": Decimal(100)} if PROPORTIONAL.search(text) else None


def _per_occurrence(text: str, weight: Decimal) -> dict[str, Any] | None:
    m = PER_OCCURRENCE.search(text)
    return {"type": "per_occurrence", "per": Decimal(m[1])} if m else None


def _checklist(text: str, weight: Decimal) -> dict[str, Any] | None:
    items = [{"text": m[2].strip(" ；;。"), "points": Decimal(m[3])} for m in CHECKLIST_ITEM.finditer(text)]
    if len(items) < 2 or sum(i["points"] for i in items) < weight:
        return None
    return {"type": "checklist", "items": items}


def _yes_no(text: str, weight: Decimal) -> dict[str, Any] | None:
    return {"type": "yes_no"} if YES_NO.search(text.strip()) else None


def _categorical(text: str, weight: Decimal) -> dict[str, Any] | None:
    matches = [OPTION.match(part) for part in re.split(r"[；;。]", text) if part.strip()]
    if not matches or None in matches:
        return None
    options = [{"text": m[1].strip(), "score": Decimal(m[2] or 0)} for m in matches if m is not None]
    if len(options) < 2 or any(o["score"] > weight for o in options) or "%" in text:
        return None
    return {"type": "categorical", "options": options}


READERS: tuple[Callable[[str, Decimal], dict[str, Any] | None], ...] = (
    _threshold,
    _checklist,
    _bands,
    _per_occurrence,
    _proportional,
    _yes_no,
    _categorical,
)


def rule_from_text(text: str, weight: Decimal) -> tuple[dict[str, Any], bool]:
    """The rule the wording states, and whether it was recognised (else a judgement rule)."""
    compact = re.sub(r"\s+", "", text.replace("（", "(").replace("）", ")")).replace("(", "（").replace(")", "）")
    for reader in READERS:
        rule = reader(compact, weight)
        if rule is not None:
            return rule, True
    return {"type": "judgement"}, False
