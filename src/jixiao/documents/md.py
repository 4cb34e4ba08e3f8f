"""Markdown rendering of the report model (layout only)."""

from __future__ import annotations

from pathlib import Path

from .model import Heading, PageBreak, Paragraph, Report, Row, Table


def _cell(text: str) -> str:
    return text.replace("|", "｜").replace("\n", " ")


def _table(table: Table) -> list[str]:
    rule = {"left": ":---", "center": ":---:", "right": "---:"}
    lines = [
        f"**{table.caption}**",
        "",
        "| " + " | ".join(table.header) + " |",
        "| " + " | ".join(rule[a] for a in table.align) + " |",
    ]
    above: Row | None = None
    for row in table.rows:
        cells = ["" if row.merged_with(above, i) else _cell(c) for i, c in enumerate(row.cells)]
        above = row
        if row.kind in ("subtotal", "total"):
            cells = [f"**{c}**" if c else c for c in cells]
        lines.append("| " + " | ".join(cells) + " |")
    return [*lines, ""]


_TRAILING = "。，、；：！？）」』”"


def _bold(text: str) -> str:
    """**…** with trailing punctuation outside, so CommonMark closes the emphasis before Chinese text."""
    core = text.rstrip(_TRAILING)
    if core.count("（") > core.count("）"):  # keep a closing bracket inside: **人员管理（2分）**。
        core = text[: len(core) + 1]
    return f"**{core}**{text[len(core) :]}" if core else text


def _paragraph(paragraph: Paragraph) -> str:
    return "".join(_bold(run.text) if run.bold and run.text else run.text for run in paragraph.runs)


def to_markdown(report: Report) -> str:
    """The report as Markdown: # title, ## 一、, ### （一）, #### 1., tables as pipe tables."""
    title = report.title
    lines = ([title.note, ""] if title.note else []) + [f"# {title.title.replace(chr(10), '')}", ""]
    lines += [f"{label}：{value}  " for label, value in title.lines] + [""]
    for block in report.blocks:
        if isinstance(block, Heading):
            lines += [f"{'#' * (block.level + 1)} {block.text}", ""]
        elif isinstance(block, Paragraph):
            lines += [_paragraph(block), ""]
        elif isinstance(block, Table):
            lines += _table(block)
        elif isinstance(block, PageBreak):
            lines += ["---", ""]
    lines += ["", f"<!-- {report.stamp.line()} -->"]
    return "\n".join(lines).rstrip() + "\n"


def render_md(report: Report, path: Path) -> None:
    path.write_text(to_markdown(report), encoding="utf-8")
