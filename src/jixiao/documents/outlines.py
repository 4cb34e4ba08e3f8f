"""The two report outlines of domain.md §6: 湛江 (市级) and 乐昌.

Each returns the title block and the body blocks; narratives are the unit's own text, figures
and scores come from the scorecard, so the report always agrees with the 评分表.
"""

from __future__ import annotations

from decimal import Decimal

from ..core import rules
from ..core.model import GoalIndicator, Indicator, IndicatorResult
from ..core.numbers import fmt_points
from ..core.totals import clamp_note
from .model import Block, Heading, Paragraph, Row, Table, TitleBlock
from .narrative import leaf_account
from .source import Source
from .wording import (
    Sections,
    amount,
    date_zh,
    joined,
    level1,
    level2,
    ordinal,
    para,
    paragraphs,
    points,
    sentence,
)

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"

# The unit's text each outline prints, in report order, with the title the report gives it; the
# ``init`` skeleton asks for exactly these.
SECTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "zhanjiang": (
        ("overview", "单位情况"),
        ("staffing", "人员情况"),
        ("functions", "工作职能"),
        ("key_work", "年度总体工作和重点工作任务"),
        ("goals", "部门整体支出绩效目标"),
        ("spending", "部门整体支出情况（数据表以外的说明，可不填）"),
        ("group", "评价小组情况（已填写自评工作小组的可不填）"),
        ("process", "自评工作过程"),
        ("quality", "自评材料报送时间及质量（可不填）"),
        ("submission", "自评材料报送及公开一致情况（可不填）"),
        ("results", "社会经济效益"),
        ("experience", "主要做法和经验"),
        ("problems", "存在问题"),
        ("measures", "改进措施"),
        ("other", "其他自评情况"),
    ),
    "lechang": (
        ("functions", "部门主要职责"),
        ("staffing", "部门人员编制构成"),
        ("spending", "部门整体收支情况（数据表以外的说明，可不填）"),
        ("goals", "部门整体支出目标及任务"),
        ("conclusion", "自评结论"),
        ("results", "主要绩效"),
        ("problems", "存在问题"),
        ("measures", "相关建议"),
    ),
}


def sections_for(outline: str) -> tuple[tuple[str, str], ...]:
    """The narrative sections a report in ``outline`` asks the unit for: (key, Chinese title)."""
    return SECTIONS["lechang" if outline == "lechang" else "zhanjiang"]


# --------------------------------------------------------------------------- shared pieces


def opening(source: Source) -> Paragraph:
    ev, fw = source.evaluation, source.framework
    if ev.notice_title:
        basis = f"根据《{ev.notice_title}》" + (f"（{ev.notice}）" if ev.notice else "")
    elif ev.notice:
        basis = f"根据{fw.issuer or '财政部门'}绩效自评工作通知（{ev.notice}）"
    else:
        basis = f"根据{fw.issuer or '财政部门'}绩效自评工作要求"
    return para(
        f"{basis}要求，我单位及时布置自评，成立自评工作小组，明确分工，落实责任，认真开展自评自查工作，"
        "经查阅、核实有关账务及项目等执行情况，填写自评表格并综合分析，形成本评价报告。"
        f"现将{ev.year}年度{ev.unit.name}整体支出绩效自评情况报告如下："
    )


def spending(source: Source) -> list[str]:
    """部门整体收支 written from the 数据表 (only the figures that are given)."""
    d, year = source.evaluation.data, source.evaluation.year
    out: list[str] = []
    budget = [
        f"收入预算为{amount(d['income_budget'])}" if "income_budget" in d else "",
        f"支出预算为{amount(d['expenditure_budget'])}" if "expenditure_budget" in d else "",
    ]
    if any(budget):
        out.append(f"{year}年{joined(budget).replace('、', '，')}。")
    if "income_final" in d:
        parts = [
            f"{name}{amount(d[key])}"
            for key, name in (
                ("income_general", "一般公共预算财政拨款收入"),
                ("income_fund", "政府性基金预算财政拨款收入"),
                ("income_other", "其他收入"),
            )
            if key in d
        ]
        out.append(f"{year}年决算总收入{amount(d['income_final'])}" + (f"，其中{joined(parts)}。" if parts else "。"))
    if "expenditure_final" in d:
        out.append(f"{year}年决算总支出{amount(d['expenditure_final'])}" + _spending_parts(source) + "。")
    carry = [
        f"上年结转结余{amount(d['carryover_prior'])}" if "carryover_prior" in d else "",
        f"年末结转结余{amount(d['carryover_end'])}" if "carryover_end" in d else "",
    ]
    if any(carry):
        out.append(joined(carry).replace("、", "，") + "。")
    return out


def _spending_parts(source: Source) -> str:
    d = source.evaluation.data
    parts = []
    if "basic_expenditure" in d:
        inner = [
            f"人员经费{amount(d['personnel_expenditure'])}" if "personnel_expenditure" in d else "",
            f"公用经费{amount(d['public_final'])}" if "public_final" in d else "",
        ]
        parts.append(f"基本支出{amount(d['basic_expenditure'])}" + (f"（{joined(inner)}）" if any(inner) else ""))
    if "project_expenditure" in d:
        parts.append(f"项目支出{amount(d['project_expenditure'])}")
    return f"，其中{joined(parts)}" if parts else ""


def staffing(source: Source, sections: Sections) -> str:
    written = sections.get("staffing", "人员情况", required=False)
    if written:
        return written
    d = source.evaluation.data
    parts = [
        f"核定编制{fmt_points(d['staff_quota'])}名" if "staff_quota" in d else "",
        f"年末在职{fmt_points(d['staff_actual'])}人" if "staff_actual" in d else "",
    ]
    return sentence(joined(parts).replace("、", "，")) if any(parts) else sections.get("staffing", "人员情况")


def group_text(source: Source, sections: Sections) -> str:
    written = sections.get("group", "评价小组情况", required=False)
    g = source.evaluation.group
    if written or not (g.leader or g.members):
        return written or sections.get("group", "评价小组情况")
    when = f"{date_zh(g.formed)}，" if g.formed else ""
    roles = [
        f"组长：{g.leader}" if g.leader else "",
        f"副组长：{joined(g.deputies)}" if g.deputies else "",
        f"组员：{joined(g.members)}" if g.members else "",
    ]
    return f"{when}成立{source.evaluation.unit.name}整体支出绩效自评工作小组，{'，'.join(r for r in roles if r)}。"


def goals(source: Source, sections: Sections) -> list[Block]:
    """部门整体支出绩效目标: the unit's words, each goal, then the table of its 绩效指标 — kind,
    年初目标值, 实际完成值 and whether each was reached — and how many were reached."""
    ev = source.evaluation
    out: list[Block] = list(paragraphs(sections.get("goals", "部门整体支出绩效目标", required=not ev.goals)))
    for i, goal in enumerate(ev.goals, 1):
        out.append(para(sentence(goal.goal), f"{i}."))
    indicators = [(goal.goal, ind) for goal in ev.goals for ind in goal.indicators]
    if not indicators:
        return out
    out.append(goal_table(source, indicators))
    told = [rules.goal_reached(ind) for _, ind in indicators]
    if None not in told:
        reached = sum(1 for r in told if r)
        missed = len(told) - reached
        out.append(para(f"以上绩效指标共{len(told)}个，达到年初目标值的{reached}个，未达到的{missed}个。"))
    return out


def goal_table(source: Source, indicators: list[tuple[str, GoalIndicator]]) -> Table:
    """绩效目标完成情况表: one row per 绩效指标 under its goal."""
    rows = []
    for goal, ind in indicators:
        reached = rules.goal_reached(ind)
        rows.append(
            Row(
                (
                    goal,
                    ind.name,
                    f"{ind.kind}指标" if ind.kind else "—",
                    f"{_g(ind.target)}{ind.unit if isinstance(ind.target, Decimal) else ''}",
                    f"{_g(ind.actual)}{ind.unit if isinstance(ind.actual, Decimal) else ''}",
                    "—" if reached is None else "是" if reached else "否",
                )
            )
        )
    return Table(
        f"{source.evaluation.unit.name}{source.evaluation.year}年度绩效目标完成情况表",
        ("绩效目标", "绩效指标", "指标类别", "年初目标值", "实际完成值", "是否达到"),
        tuple(rows),
        (24, 26, 12, 14, 14, 10),
        ("left", "left", "center", "right", "right", "center"),
    )


def _g(value: object) -> str:
    return fmt_points(value) if isinstance(value, Decimal) else str(value or "—")


def score_sentence(source: Source) -> str:
    card, fw = source.scorecard, source.framework
    text = f"自评分数为{fmt_points(card.total or 0)}分，等级为{card.grade}"
    extras = []
    if fw.bonus is not None and card.bonus:
        extras.append(f"{fw.bonus.name}{fmt_points(card.bonus)}分")
    if fw.penalty is not None and card.penalty:
        extras.append(f"{fw.penalty.name}{fmt_points(card.penalty)}分")
    extras += capping(source)
    if extras:
        text += f"（其中指标得分{fmt_points(card.base or 0)}分，{'，'.join(extras)}）"
    return text + "。"


def capping(source: Source) -> list[str]:
    """How the total was capped: at the table's maximum, or by a condition tied to 执行率 etc."""
    card = source.scorecard
    note = clamp_note(card.raw_total, source.framework.cap) if card.raw_total is not None else ""
    return [note, *card.cap_notes] if note else list(card.cap_notes)


def bonus_blocks(source: Source) -> list[Block]:
    ev, fw, card = source.evaluation, source.framework, source.scorecard
    out: list[Block] = []
    for section, items, amount_ in ((fw.bonus, ev.bonus, card.bonus), (fw.penalty, ev.penalty, card.penalty)):
        if section is None or not items:
            continue
        raw = sum(i.points for i in items)
        capped = (
            f"（合计{fmt_points(raw)}分，上限{fmt_points(section.max)}分）"
            if section.max is not None and raw > section.max
            else ""
        )
        out.append(para(f"{section.name}得分{points(amount_)}{capped}。"))
        for n, item in enumerate(items, 1):
            basis = f"（依据：{item.basis}）" if item.basis else ""
            out.append(para(f"{item.item}{basis}，{fmt_points(item.points)}分。", f"{n}."))
    return out


# --------------------------------------------------------------------------- indicator analysis


def analysis(source: Source, style: str) -> list[Block]:
    """Every indicator with its weight and score; computed ones with formula, figures and result."""
    results = {r.id: r for r in source.scorecard.indicators}
    out: list[Block] = []
    for n, top in enumerate(source.framework.indicators, 1):
        if style == "lechang":
            out.append(level2(n, f"{top.name}情况（{fmt_points(top.weight)}分）"))
        else:
            out.append(
                para(
                    f"得分{points(results[top.id].score)}（分值{fmt_points(top.weight)}分）。", f"{n}.{top.name}情况。"
                )
            )
        out += _children(top, results, style, source)
    return out


def _children(node: Indicator, results: dict[str, IndicatorResult], style: str, source: Source) -> list[Block]:
    out: list[Block] = []
    for n, child in enumerate(node.children, 1):
        result = results[child.id]
        if child.is_leaf:
            out += _leaf(child, result, f"{n}." if style == "lechang" else f"（{n}）", style, source)
            continue
        names = joined(c.name for c in child.children)
        head = f"{n}." if style == "lechang" else f"（{n}）"
        out.append(
            para(
                f"指标分值{fmt_points(child.weight)}分，得分{points(result.score)}，主要从{names}等方面进行考核。",
                f"{head}{child.name}。",
            )
        )
        for m, leaf in enumerate(child.children, 1):
            label = f"（{m}）" if style == "lechang" else ordinal(m)
            out += _deep(leaf, results, label, style, source)
    return out


def _deep(node: Indicator, results: dict[str, IndicatorResult], label: str, style: str, source: Source) -> list[Block]:
    if node.is_leaf:
        return _leaf(node, results[node.id], label, style, source)
    out = [
        para(f"指标分值{fmt_points(node.weight)}分，得分{points(results[node.id].score)}。", f"{label}{node.name}。")
    ]
    for m, leaf in enumerate(node.children, 1):
        out += _deep(leaf, results, CIRCLED[m - 1] if m <= len(CIRCLED) else f"{m}.", style, source)
    return out


def _leaf(node: Indicator, result: IndicatorResult, label: str, style: str, source: Source) -> list[Block]:
    lead = f"{label}{node.name}（{fmt_points(node.weight)}分）。"
    text = leaf_account(node, result, source.evaluation.inputs.get(node.id), *transfers(source))
    if style == "lechang":
        return [Heading(4, lead), para(text)] if label.startswith("（") else [para(text, lead)]
    return [para(text, lead)]


def transfers(source: Source) -> tuple[dict[str, list[Indicator]], dict[str, str]]:
    """Leaf id → the not-applicable leaves whose weight it received; indicator id → name."""
    results = {r.id: r for r in source.scorecard.indicators}
    nodes = [node for node, _ in source.framework.walk()]
    movers: dict[str, list[Indicator]] = {}
    for node in nodes:
        policy, result = node.not_applicable, results[node.id]
        if policy is not None and policy.kind == "move_to" and not result.applicable and result.score is not None:
            movers.setdefault(policy.target, []).append(node)
    return movers, {node.id: node.name for node in nodes}


# --------------------------------------------------------------------------- the outlines


def zhanjiang(source: Source, s: Sections) -> tuple[TitleBlock, list[Block]]:
    ev = source.evaluation
    title = TitleBlock(
        "部门整体支出绩效自评报告",
        (("评价年度", f"{ev.year}年度"), ("评价单位（公章）", ev.unit.name), ("填报日期", date_zh(ev.fill_date))),
    )
    blocks: list[Block] = [opening(source), level1(1, "单位基本情况"), level2(1, "单位机构设置、部门职能情况")]
    bodies = joined(ev.unit.internal_bodies)
    overview = s.get("overview", "单位情况", required=not bodies)
    if bodies:
        overview = sentence(
            f"{overview.rstrip('。')}。内设机构{len(ev.unit.internal_bodies)}个：{bodies}"
            if overview
            else f"内设机构{len(ev.unit.internal_bodies)}个：{bodies}"
        )
    blocks += [
        para(overview, "1.单位情况。"),
        para(staffing(source, s), "2.人员情况。"),
        *paragraphs(s.get("functions", "工作职能"), "3.工作职能。"),
        level2(2, "年度总体工作和重点工作任务"),
        *paragraphs(s.get("key_work", "年度总体工作和重点工作任务")),
        level2(3, "部门整体支出绩效目标"),
        *goals(source, s),
        level2(4, "部门整体支出情况"),
    ]
    blocks += [para(t) for t in spending(source)] + paragraphs(s.get("spending", "部门整体支出情况", required=False))
    blocks += [
        level1(2, "自评工作开展情况"),
        level2(1, "评价小组情况"),
        para(group_text(source, s)),
        level2(2, "自评工作过程"),
        *paragraphs(s.get("process", "自评工作过程")),
        level2(3, "自评材料报送时间及质量"),
        *paragraphs(
            s.get("quality", "", required=False)
            or "我单位对所报送自评材料真实性、完整性、一致性、规范性负责，严格把关，确保按时按质完成自评任务。"
        ),
        level2(4, "自评材料报送及公开一致情况"),
        *paragraphs(
            s.get("submission", "", required=False)
            or "本单位所报送的自评报告、数据表、评分表与公开的自评报告、数据表、评分表一致。"
        ),
    ]
    blocks += [
        level1(3, "绩效自评情况"),
        level2(1, "自评结果"),
        *paragraphs(s.get("results", "社会经济效益"), "1.社会经济效益："),
        para(score_sentence(source), "2."),
        level2(2, "部门整体支出绩效指标分析"),
        para(f"对照《{source.framework.name}》逐项分析各指标完成情况。"),
        *analysis(source, "zhanjiang"),
        *bonus_blocks(source),
        level2(3, "主要做法和经验"),
        *paragraphs(s.get("experience", "主要做法和经验")),
        level2(4, "存在问题"),
        *paragraphs(s.get("problems", "存在问题")),
        level2(5, "改进措施"),
        *paragraphs(s.get("measures", "改进措施")),
        level1(4, "其他自评情况"),
        *paragraphs(s.get("other", "其他自评情况")),
    ]
    return title, blocks


def lechang(source: Source, s: Sections) -> tuple[TitleBlock, list[Block]]:
    ev = source.evaluation
    unit = ev.unit
    title = TitleBlock(
        f"{ev.year}年度部门整体支出绩效\n自评报告",
        tuple(
            (k, v)
            for k, v in (
                ("部门名称", unit.name),
                ("单位负责人", unit.head),
                ("填 报 人", unit.filler),
                ("联系电话", unit.phone),
                ("填报日期", date_zh(ev.fill_date)),
            )
            if v
        ),
    )
    subordinate = f"下属单位：{joined(unit.subordinate_units)}。" if unit.subordinate_units else "无下属单位。"
    blocks: list[Block] = [
        level1(1, "部门的基本情况"),
        level2(1, "部门整体概况"),
        *paragraphs(s.get("functions", "部门主要职责"), "1.部门主要职责。"),
        para(subordinate, "2.纳入预算编制范围下属单位。"),
        para(staffing(source, s), "3.部门人员编制构成。"),
        level2(2, "部门整体收支情况"),
    ]
    figures = spending(source)
    outgo = "".join(t for t in figures if "决算总支出" in t or "结转" in t)
    income = "".join(t for t in figures if t not in outgo)
    leads = [(income, "1.部门整体收入。"), (outgo, "2.部门整体支出情况。")]
    blocks += [para(t, lead) for t, lead in leads if t] or [para(s.get("spending", "部门整体收支情况"))]
    blocks += [
        level2(3, "部门整体支出目标及任务"),
        *goals(source, s),
        level1(2, "自评结论"),
        *paragraphs(s.get("conclusion", "自评结论")),
        para(f"{ev.year}年，{unit.name}部门整体支出绩效{score_sentence(source)}"),
        level1(3, "绩效分析"),
        para("为使各项指标的得分情况更清晰，针对涉及的评价指标逐一进行分析。"),
        *analysis(source, "lechang"),
        *bonus_blocks(source),
        level1(4, "主要绩效"),
        *paragraphs(s.get("results", "主要绩效")),
        level1(5, "存在问题"),
        *paragraphs(s.get("problems", "存在问题")),
        level1(6, "相关建议"),
        *paragraphs(s.get("measures", "相关建议")),
    ]
    return title, blocks
