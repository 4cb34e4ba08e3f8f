"""Build the renderer-neutral report (model.Report) from a scored evaluation.

All wording of the report is decided here and in ``outlines.py``/``wording.py``: renderers only
lay blocks out. The outline (domain.md §6) is chosen by the table's ``outline``.
"""

from __future__ import annotations

from .. import __version__
from ..core import explain
from ..core.numbers import fmt_points
from . import outlines
from .model import Block, Heading, PageBreak, Report, Row, Stamp, Table
from .narrative import leaf_account
from .source import ReportError, Source
from .tables import data_rows, score_table
from .wording import Sections


def build_report(source: Source) -> Report:
    """The complete self-evaluation report in the table's outline."""
    card = source.scorecard
    if card.total is None or card.grade is None:
        raise ReportError("评价数据存在错误，未能给出总分，不能生成报告；请先用 jixiao score 查看并改正错误")
    sections = Sections(source.evaluation.text)
    build = outlines.lechang if source.framework.outline == "lechang" else outlines.zhanjiang
    title, blocks = build(source, sections)
    blocks = [*blocks, *appendices(source)]
    stamp = Stamp(
        card.framework_id,
        card.framework_version,
        card.framework_sha256,
        source.evaluation_sha256,
        f"jixiao {__version__}",
    )
    return Report(
        title, tuple(blocks), stamp, card.unit, card.year, fmt_points(card.total), card.grade, tuple(sections.warnings)
    )


def appendices(source: Source) -> list[Block]:
    """附件1 数据表 and 附件2 评分表, from the same rows as the workbook."""
    return [
        PageBreak(),
        Heading(1, "附件1 数据表"),
        data_table(source),
        PageBreak(landscape=True),
        Heading(1, "附件2 评分表"),
        score_sheet(source),
    ]


def data_table(source: Source) -> Table:
    fields = source.framework.fields
    rows = tuple(
        Row((str(i), r.name, "—" if r.value is None else explain.field_number(r.id, r.value, fields), r.unit))
        for i, r in enumerate(data_rows(source.evaluation, source.framework), 1)
    )
    return Table(
        f"{source.scorecard.unit}{source.scorecard.year}年度部门整体支出数据表",
        ("序号", "项目", "数值", "单位"),
        rows,
        (8, 50, 24, 12),
        ("center", "left", "right", "center"),
    )


SHEET_HEADER = ("一级指标", "二级指标", "三级指标", "分值", "指标解释", "评分标准", "得分", "说明")


def score_sheet(source: Source) -> Table:
    """The 评分表 as a unit submits it: one row per indicator scored, the upper levels merged over
    their rows, the unit's own account in 说明, then the totals and the grade."""
    card, fw = source.scorecard, source.framework
    table = score_table(card, fw)
    movers, names = outlines.transfers(source)
    results = {r.id: r for r in card.indicators}
    nodes = {node.id: node for node, _ in fw.walk()}
    rows: list[Row] = []
    trail: list[str] = []  # names of the inner rows above, by depth
    keys: list[str] = []
    for row in table.rows:
        del trail[row.depth - 1 :], keys[row.depth - 1 :]
        if not row.is_leaf:
            trail.append(f"{row.name}（{fmt_points(row.weight)}分）")
            keys.append(row.id)
            continue
        names3 = [*trail[:2], "—".join([*trail[2:], row.name])]  # levels below the third join the third
        cells = [*names3, "", "", ""][:3]
        node = nodes[row.id]
        account = leaf_account(node, results[row.id], source.evaluation.inputs.get(row.id), movers, names)
        weight = fmt_points(row.weight)
        if row.applicable and row.effective_weight != row.weight:
            weight += f"（调整后{fmt_points(row.effective_weight)}）"
        score = "—" if row.score is None else fmt_points(row.score)
        merge = [*keys, "", ""][:2] + [""] * 6
        rows.append(
            Row(
                (*cells, weight, row.definition, row.criteria, score, account),
                merge=tuple(merge),
            )
        )
    for total in table.totals:
        value = "—" if total.value is None else fmt_points(total.value)
        note = "；".join(outlines.capping(source)) if total.kind == "total" else total.note
        rows.append(Row((total.label, "", "", "", "", "", value, note), "total"))
    rows.append(Row(("等级", "", "", "", "", "", table.grade or "—", ""), "total"))
    return Table(
        fw.name,
        SHEET_HEADER,
        tuple(rows),
        (7, 8, 10, 5, 18, 20, 5, 27),
        ("center", "center", "left", "center", "left", "left", "center", "left"),
    )
