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
        PageBreak(),
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


def score_sheet(source: Source) -> Table:
    table = score_table(source.scorecard, source.framework)
    rows: list[Row] = []
    for row in table.rows:
        names = ["", "", ""]
        names[min(row.depth, 3) - 1] = row.name
        detail = row.explanation if row.is_leaf else ""
        kind = "normal" if row.is_leaf else "subtotal"
        rows.append(
            Row((*names, fmt_points(row.weight), "—" if row.score is None else fmt_points(row.score), detail), kind)
        )
    for total in table.totals:
        value = "—" if total.value is None else fmt_points(total.value)
        rows.append(Row((total.label, "", "", "", value, total.note), "total"))
    rows.append(Row(("等级", "", "", "", table.grade or "—", ""), "total"))
    return Table(
        f"{source.framework.name}（{source.framework.id} 第{source.framework.version}版）",
        ("一级指标", "二级指标", "三级指标", "分值", "得分", "评分依据与计算过程"),
        tuple(rows),
        (11, 11, 15, 7, 9, 47),
        ("left", "left", "left", "right", "right", "left"),
    )
