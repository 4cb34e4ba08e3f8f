"""Read a scoring rule from its Chinese wording (评分标准), as bureaus write it in their tables.

Each reader recognises one rule form in the phrasing seen in real tables (domain.md §5,
tests/data/criteria_corpus.yaml) and returns the `rule:` mapping of formats §1, or None.
Wording no reader recognises becomes a `judgement` rule and the importer says so, quoting it;
a reading that holds but leaves part of the wording to a person (a not-applicable clause, a
base that the wording does not state) carries a ``note`` the importer shows as a warning.
Options worded as conditions on figures ("无结余…；有结余，但不超过上年结转…") get `when` expressions
only when each figure named maps to one standard data field (core/fields.py); otherwise they stay
chosen by hand, with a note. An item the wording credits when it does not apply ("若单位无项目，得2分")
gets ``not_applicable: full_marks``.
The text is first normalised (full-width punctuation, ≦, spaces); patterns are data at the top.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from typing import Any

from ..core.fields import STANDARD_FIELDS

NUM = r"(-?\d+(?:\.\d+)?)"
CN_NUM = {"一": "1", "两": "2", "二": "2", "三": "3", "四": "4", "五": "5", "十": "10"}
STEP = r"(?P<step>[一二两三五十]|\d+(?:\.\d+)?)"
NORMAL = str.maketrans(
    {"（": "(", "）": ")", "，": ",", "；": ";", "：": ":", "％": "%", "≦": "≤", "≧": "≥", "＜": "<", "＞": ">",
     "＝": "=", "－": "-", "—": "-", "～": "-", "~": "-", "、": "、", "。": ";", "．": "."}
)  # fmt: skip
SCORE = rf"(?:(?:计|得|给)?{NUM}分|(?P<zero>不得分|不计分|计0分|得0分|0分)|(?P<full>计满分|得满分|满分))"
SEP = r"[;]"

THRESHOLD_STEP = re.compile(
    rf"每(?P<side>超过|超出|高于|增加|上升|低于|少于|下降|减少){STEP}(?:个)?百分点(?:扣|减)(?P<per>\d+(?:\.\d+)?)分"
)
STANDARD = re.compile(rf"以{NUM}%?为标准|(?P<op>≤|<=|≥|>=){NUM}%?,?(?:计|得)")
CEIL = re.compile(r"不足(?:一|1)个?(?:百分点)?(?:的)?按(?:一|1)个?(?:百分点)?(?:计|算)")
PROPORTIONAL = re.compile(
    r"按(?:完成|执行|实际|[^,;]{0,8}?率|覆盖|完成率)?(?:比例|比率)?(?:计|得)(?:算)?(?:得)?分|按比例(?:计|得)分"
)
PRODUCT = re.compile(rf"得分=[^,;×*]{{1,10}}率[×*]{NUM}分|得分=[^,;×*]{{1,10}}[×*]分值")
FULL_AT = re.compile(
    rf"(?:达到|≥|>=|不低于){NUM}%(?:\(含\))?(?:及)?(?:以上)?(?:的)?,?(?:计|得)满分|{NUM}%(?:\(含\))?(?:及)?以上(?:的)?,?(?:计|得)满分"
)
PER_OCCURRENCE = re.compile(
    rf"(?:每|发现|出现)(?:出现|发现|发生|有)?(?:一|1)(?:例|次|项|个|起|处|笔)[^;]*?(?:扣|减){NUM}分"
    rf"|依次(?:扣|减){NUM}分"  # "未按规定执行依次扣1分": one deduction per case, in turn
)
ITEM_MARK = r"(?:[①②③④⑤⑥⑦⑧⑨⑩]|(?<![\d.])\d{1,2}[.、](?!\d)|\(\d{1,2}\))"
CHECK_ITEM = re.compile(
    rf"({ITEM_MARK})(?P<text>.+?)(?:,|:)?(?:\((?P<p1>\d+(?:\.\d+)?)分\)|(?:计|得)?(?P<p2>\d+(?:\.\d+)?)分)(?=[;,]|{ITEM_MARK}|$)"
)
OTHERWISE = re.compile(r"^(?:其他|其它|其余)(?:情况|情形)?(?:的)?,?(?:不得分|计0分|得0分)$")
DEDUCT = re.compile(rf"^(.+?),?(?:扣|减){NUM}分$")
OPTION = re.compile(rf"^(.+?),?{SCORE}$")
FULL_ELSE_ZERO = re.compile(
    r"^(.+?),?(?:(?:计|得)\d+(?:\.\d+)?分|计满分|得满分)[;,](?:否则|否|未|不|没有|无|其他|其它|若未|如未)[^;]*?(?:不得分|计0分|得0分|0分)$"
)
DISCRETION = re.compile(
    r"^(.*?),?(?:(?:计|得)\d+(?:\.\d+)?分|计满分|得满分);?(?:否则|不符合|未)?[^;]*?酌情(?:扣|减|给)分$"
)
NOT_APPLICABLE = re.compile(
    r"(?:无|没有)[^;]{0,20}?(?:的|者)?,?(?:本项|该项)?(?:得满分|计满分|不考核|不参与|调整至|调至)"
)
NA_ITEM = re.compile(
    rf"^(?:若|如|如果)?(?:本?单位|本?部门)?(?:无|没有)(?P<what>[^,;]{{1,12}}?)(?:的)?,?(?:本项)?(?:得|计){NUM}分$"
)
# Conditions on figures, as options are worded: "无结余" / "有结余,但不超过上年结转" / "结余超过上年结转"
CONDITIONS = (
    (re.compile(r"^(?:无|没有)(?P<x>[^,;<>=]{1,12})$"), "{x} == 0"),
    (
        re.compile(r"^有(?P<x>[^,;<>=]{1,12}?),?(?:但|且)?(?:不超过|未超过|不高于|不大于)(?P<y>[^,;<>=]{1,12})$"),
        "{x} <= {y}",
    ),
    (re.compile(r"^(?P<x>[^,;<>=]{1,12}?)(?:不超过|未超过|不高于|不大于)(?P<y>[^,;<>=]{1,12})$"), "{x} <= {y}"),
    (re.compile(r"^(?P<x>[^,;<>=]{1,12}?)(?:超过|高于|大于)(?P<y>[^,;<>=]{1,12})$"), "{x} > {y}"),
)
FIGURE_WORD = re.compile(r"结余|结转|资金|经费|支出|收入|预算|决算|金额|存量|\d")
COMPLEMENT = {"<=": ">", ">": "<=", "<": ">=", ">=": "<", "==": "!=", "!=": "=="}
GOAL_SHARE = re.compile(
    r"(?:达到|完成|实现)(?:预期值|目标值|年初目标值|指标值)?的(?P<kind>数量|质量|时效|成本|效益|满意度)?(?:类)?(?:绩效)?指标(?:个数|数)"
    r"/(?:全部|所有)?(?P=kind)?(?:类)?(?:绩效)?指标(?:个数|数)"
)
GOAL_DEVIATION = re.compile(
    rf"完成值超过(?:年初)?(?:设置|设定)?(?:的)?(?:指标值|目标值){NUM}%及以上(?:的)?,?(?:定义为|视为|为)?指标偏离,?并?(?:减|扣){NUM}分"
)
REQUIRED = re.compile(r"(?:^|;)未(?P<what>[^;,]{2,20}?)(?:的)?,?(?:该栏|本栏|该项|本项|此项)(?:均)?不得分")
ALTERNATIVES = re.compile(r"二者择其一|两者择其一|二选一|择一")
BAND_SEGMENT_COND = (
    (re.compile(rf"^(?:[^\d<>≤≥=]*?)(?:≥|>=|不低于|达到){NUM}%?(?:\(含\))?(?:以上|及以上)?(?:的)?$"), "min_in"),
    (re.compile(rf"^(?:[^\d<>≤≥=]*?){NUM}%?\(含\)(?:以上|及以上)(?:的)?$"), "min_in"),
    (re.compile(rf"^(?:[^\d<>≤≥=]*?)(?:>|大于|高于|超过){NUM}%?(?:的)?$"), "min_ex"),
    (re.compile(rf"^(?:[^\d<>≤≥=]*?){NUM}%?(?P<lo>\(含\))?-{NUM}%?(?P<hi>\(含\))?(?:之间)?(?:的)?$"), "range"),
    (re.compile(rf"^(?:[^\d<>≤≥=]*?)(?:<|低于|小于|不足){NUM}%?(?:的)?$"), "max_ex"),
    (re.compile(rf"^(?:[^\d<>≤≥=]*?)(?:≤|<=|不高于|不超过){NUM}%?(?:\(含\))?(?:以下)?(?:的)?$"), "max_in"),
    (re.compile(rf"^(?:[^\d<>≤≥=]*?)(?:=|为|等于){NUM}%?(?:的)?$"), "equal"),
)


@dataclass(frozen=True)
class Reading:
    """The rule the wording states; ``recognised`` False means judgement by a person; ``note``
    says what of the wording the rule leaves to a person (shown as a warning)."""

    rule: dict[str, Any]
    recognised: bool
    note: str = ""


def normalise(text: str) -> str:
    """The wording with half-width punctuation, no spaces, and 。 as a clause end (;)."""
    compact = re.sub(r"\s+", "", text.translate(NORMAL))
    return re.sub(r";+", ";", compact).strip(";")


def _n(text: str) -> Decimal:
    return Decimal(CN_NUM.get(text, text))


def _score(m: re.Match[str], weight: Decimal, group: int = 1) -> Decimal | None:
    if m["zero"]:
        return Decimal(0)
    if m["full"]:
        return weight
    return Decimal(m[group])


def _threshold(text: str, weight: Decimal) -> Reading | None:
    step = THRESHOLD_STEP.search(text)
    if step is None:
        return None
    standard = STANDARD.search(text[: step.start()])
    if standard is None:
        return None
    value = Decimal(standard[1] if standard[1] is not None else standard[3])
    upper = step["side"] in ("超过", "超出", "高于", "增加", "上升")
    rule: dict[str, Any] = {
        "type": "threshold",
        "standard": value,
        "direction": "max" if upper else "min",
        "per": Decimal(step["per"]),
    }
    if _n(step["step"]) != 1:
        rule["step"] = _n(step["step"])
    if CEIL.search(text):
        rule["steps"] = "ceil"
    return Reading(rule, True, _na_note(text))


def _band_condition(cond: str) -> dict[str, Any] | None:
    for pattern, kind in BAND_SEGMENT_COND:
        m = pattern.match(cond)
        if m is None:
            continue
        if kind == "range":
            low, high = Decimal(m[1]), Decimal(m[3])
            if low >= high:
                return None
            # "80%(含)-90%" includes its lower end; "0-10%(含)" its upper; a bare range includes its lower end only
            high_in = bool(m["hi"]) and not m["lo"]
            return {"min": low, "max": high, "min_inclusive": not high_in, "max_inclusive": high_in}
        value = Decimal(m[1])
        shapes: dict[str, dict[str, Any]] = {
            "min_in": {"min": value},
            "min_ex": {"min": value, "min_inclusive": False},
            "max_ex": {"max": value, "max_inclusive": False},
            "max_in": {"max": value},
            "equal": {"min": value, "max": value},
        }
        return shapes[kind]
    return None


def _band_segments(text: str, weight: Decimal) -> list[dict[str, Any]] | None:
    bands: list[dict[str, Any]] = []
    for segment in (s for s in re.split(SEP, text) if s):
        if OTHERWISE.match(segment):
            bands.append({"score": Decimal(0)})
            continue
        m = re.match(rf"^(.+?),?{SCORE}$", segment)
        if m is None:
            return None
        band = _band_condition(m[1].rstrip(","))
        score = _score(m, weight, 2)
        if band is None or score is None:
            return None
        bands.append({**band, "score": score})
    return bands


def _closes(bands: list[dict[str, Any]]) -> bool:
    """Whether the bands, in order, cover the line without overlap (so the reading is whole)."""
    bounded = [b for b in bands if "min" in b or "max" in b]
    unbounded = [i for i, b in enumerate(bands) if "min" not in b and "max" not in b]
    if unbounded and unbounded != [len(bands) - 1]:
        return False  # 其他情况 only as the last band
    ordered = sorted(bounded, key=lambda b: b.get("min", Decimal("-1e18")))
    for a, b in pairwise(ordered):
        if "max" not in a or "min" not in b or a["max"] != b["min"]:
            return False
        if a.get("max_inclusive", True) == b.get("min_inclusive", True):
            return False
    return True


def _bands(text: str, weight: Decimal) -> Reading | None:
    scoring, _, rest = text.partition("未开展")
    bands = _band_segments(_strip_na(scoring), weight)
    if not bands or len(bands) < 2 or any(b["score"] > weight for b in bands):
        return None
    for band in bands:  # inclusive is the default of formats §1: written only when false
        for key in ("min_inclusive", "max_inclusive"):
            if band.get(key) is True:
                del band[key]
    note = _na_note(text) or (f"“未开展{rest.split(';')[0]}”的情形须人工判断" if rest else "")
    if not _closes(bands):
        return Reading({"type": "bands", "bands": bands}, True, note or "各档之间有空档或重叠，请核对各档边界")
    return Reading({"type": "bands", "bands": bands}, True, note)


def _proportional(text: str, weight: Decimal) -> Reading | None:
    if not (PROPORTIONAL.search(text) or PRODUCT.search(text)) or ALTERNATIVES.search(text):
        return None  # of two alternatives the target is each one's own (年度工作目标): for a person
    full = FULL_AT.search(text)
    if full is not None:
        target = Decimal(full[1] or full[2])
        note = (
            f"达到{target}%计满分、低于时按比例计分：已按“实际值÷{target}%×分值”读取；"
            f"如比例的基数是100%，请改为分档或人工评定"
        )
        return Reading({"type": "proportional", "target": target}, True, note if target != 100 else _na_note(text))
    if re.search(r"\d+(?:\.\d+)?%", text) and not PRODUCT.search(text):
        return None  # a percentage the rule would not use: leave to a person
    return Reading({"type": "proportional", "target": Decimal(100)}, True, _na_note(text))


def _goals(text: str, weight: Decimal) -> Reading | None:
    """Scored over the unit's 绩效指标: the share reached, and/or a deduction per deviating goal."""
    share, deviation = GOAL_SHARE.search(text), GOAL_DEVIATION.search(text)
    if share is None and deviation is None:
        return None
    rule: dict[str, Any] = {"type": "goals"}
    if share is not None and share["kind"]:
        rule["kinds"] = [share["kind"]]
    if share is None:
        rule["base"] = "full"
    if deviation is not None:
        rule["deviation"] = {"over": Decimal(deviation[1]), "per": Decimal(deviation[2])}
    return Reading(rule, True, _na_note(text))


def _per_occurrence(text: str, weight: Decimal) -> Reading | None:
    m = PER_OCCURRENCE.search(text)
    if m is None:
        return None
    return Reading({"type": "per_occurrence", "per": Decimal(m[1] or m[2])}, True, _na_note(text))


def _checklist(text: str, weight: Decimal) -> Reading | None:
    found = [(m["text"].strip(" ;,。:"), Decimal(m["p1"] or m["p2"])) for m in CHECK_ITEM.finditer(text)]
    if len(found) < 2:
        return None
    total = sum((points for _, points in found), Decimal(0))
    items = [{"text": item, "points": points} for item, points in found]
    if total < weight or any(not item for item, _ in found):
        return None
    note = "" if total == weight else f"各项分数合计{total}分，超过分值{weight}分（满分为止）"
    note = _credit_items(text, items, weight) or note
    for required in REQUIRED.finditer(text):  # "未设置绩效目标，该栏不得分": that item zeroes the leaf
        item = next((i for i in items if required["what"] in str(i["text"])), None)
        if item is None:
            note = note or f"“未{required['what']}，该栏不得分”未能对应到某一项，请设定该项 required: true"
        else:
            item["required"] = True
    return Reading({"type": "checklist", "items": items}, True, note or _na_note(text))


def _credit_items(text: str, items: list[dict[str, Any]], weight: Decimal) -> str:
    """Items credited when they do not apply ("若单位无项目，得2分" after the items): the item that
    names the thing and carries those points gets ``not_applicable: full_marks``; else a note."""
    for segment in text.split(";"):
        m = NA_ITEM.match(segment)
        if m is None:
            continue
        points = Decimal(m[2])
        if points == weight:
            return f"“{segment}”：整项不适用时得满分，请在该指标设定 not_applicable: full_marks"
        item = next((i for i in items if m["what"] in str(i["text"]) and i["points"] == points), None)
        if item is None:
            return f"“{segment}”未能对应到某一项，请在该项设定 not_applicable: full_marks"
        item["not_applicable"] = "full_marks"
    return ""


def _field(term: str) -> str | None:
    """The standard data field a figure's words name ("结余" → 年末结转结余), or None unless exactly one.
    Words without 上年 name the year's own figure, so 上年 fields are left out and 年末 ones preferred."""
    term = term.strip("“”\"'")
    found = [f for f in STANDARD_FIELDS.values() if term and term in f.name.replace("“", "").replace("”", "")]
    if "上年" not in term:
        found = [f for f in found if "上年" not in f.name]
        if len(found) > 1:
            found = [f for f in found if f.name.startswith("年末")]
    return found[0].id if len(found) == 1 else None


def _condition(words: str) -> tuple[str | None, bool]:
    """The `when` expression the words state over standard fields, and whether they read as a
    condition on figures at all (so that one naming no known field can be reported)."""
    for pattern, shape in CONDITIONS:
        m = pattern.match(words)
        if m is None:
            continue
        terms = m.groupdict()
        fields = {k: _field(v) for k, v in terms.items()}
        if any(f is None for f in fields.values()):
            figure = any(f is not None for f in fields.values()) or any(FIGURE_WORD.search(v) for v in terms.values())
            return None, figure
        return shape.format(**fields), True
    return None, False


def _chosen_by_figures(options: list[dict[str, Any]]) -> str:
    """Sets `when` on options whose wording is a condition on standard fields (formats §1.3); the
    last option needs none when it is 其他情况 or the complement of an earlier condition. Returns a
    note when wording reads as a condition on figures but names no known field (chosen by hand)."""
    conditions = [_condition(str(o["text"])) for o in options]
    whens = [w for w, _ in conditions]
    last = whens[-1]
    if all(w is not None for w in whens[:-1]) and (last is not None or options[-1]["text"] == "其他情况"):
        for option, when in zip(options[:-1], whens[:-1], strict=True):
            option["when"] = when
        if last is None:
            return ""
        x, op, y = last.split(" ")
        if f"{x} {COMPLEMENT[op]} {y}" in whens[:-1]:
            return ""
        options[-1]["when"] = last
        return "各项条件都不成立时无法计分，请核对各选项的条件，或加一项“其他情况”"
    unread = [str(o["text"]) for o, (w, figure) in zip(options, conditions, strict=True) if figure and w is None]
    if unread:
        return f"选项“{'”“'.join(unread)}”所说的数未能对应到数据项，须由人工选择"
    return ""


def _yes_no(text: str, weight: Decimal) -> Reading | None:
    if FULL_ELSE_ZERO.match(text) is None or "%" in text:
        return None
    m = re.search(r"(?:计|得)(\d+(?:\.\d+)?)分", text.split(";")[0])
    if m is not None and Decimal(m[1]) != weight:
        return None
    return Reading({"type": "yes_no"}, True)


def _discretion(text: str, weight: Decimal) -> Reading | None:
    m = DISCRETION.match(text)
    if m is None:
        return None
    points = re.search(r"(?:计|得)(\d+(?:\.\d+)?)分", text)
    if points is not None and Decimal(points[1]) != weight:
        return None
    return Reading({"type": "judgement", "default": "full_marks"}, True)


def _options(text: str, weight: Decimal) -> Reading | None:
    """Options each with a score ("无结余,3分;…不得分") or each a deduction ("…扣8分;…扣5分")."""
    segments = [s for s in re.split(SEP, _strip_na(text)) if s]
    if len(segments) < 2 or "%" in text or "每" in text:
        return None
    deductions = [DEDUCT.match(s) for s in segments]
    if all(deductions):
        options = [{"text": "无上述情形", "score": weight}]
        options += [{"text": m[1], "score": max(weight - Decimal(m[2]), Decimal(0))} for m in deductions if m]
        return Reading({"type": "categorical", "options": options}, True, _na_note(text))
    options = []
    for segment in segments:
        if OTHERWISE.match(segment):
            options.append({"text": "其他情况", "score": Decimal(0)})
            continue
        m = OPTION.match(segment)
        score = _score(m, weight, 2) if m is not None else None
        if m is None or score is None or score > weight:
            return None
        options.append({"text": m[1].rstrip(","), "score": score})
    if not any(o["score"] == weight for o in options):
        return None
    note = _chosen_by_figures(options)
    return Reading({"type": "categorical", "options": options}, True, note or _na_note(text))


def _strip_na(text: str) -> str:
    """The wording without its not-applicable clause (read into a note instead)."""
    return ";".join(s for s in text.split(";") if not NOT_APPLICABLE.search(s))


def _na_note(text: str) -> str:
    clause = next((s for s in text.split(";") if NOT_APPLICABLE.search(s)), "")
    return f"不适用的情形“{clause}”须在 not_applicable 中设定" if clause else ""


READERS: tuple[Callable[[str, Decimal], Reading | None], ...] = (
    _goals,
    _threshold,
    _checklist,
    _bands,
    _per_occurrence,
    _proportional,
    _discretion,
    _yes_no,
    _options,
)


def read_criteria(text: str, weight: Decimal) -> Reading:
    """The rule the wording states, or a judgement that is not recognised."""
    compact = normalise(text)
    for reader in READERS:
        reading = reader(compact, weight)
        if reading is not None:
            return reading
    na = NA_ITEM.match(compact)
    if na is not None and Decimal(na[2]) == weight:  # "若单位无项目，得2分" alone: says only the not-applicable case
        return Reading(
            {"type": "judgement"}, False, f"“{compact}”：不适用时得满分，请在该指标设定 not_applicable: full_marks"
        )
    return Reading({"type": "judgement"}, False)


def rule_from_text(text: str, weight: Decimal) -> tuple[dict[str, Any], bool]:
    """The rule the wording states, and whether it was recognised (else a judgement rule)."""
    reading = read_criteria(text, weight)
    return reading.rule, reading.recognised


def names_alternatives(text: str) -> bool:
    """Whether the wording marks its indicator as one of two to choose from ("二者择其一")."""
    return ALTERNATIVES.search(normalise(text)) is not None
