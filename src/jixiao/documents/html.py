"""Self-contained, printable HTML rendering of the report model (layout only, inline CSS)."""

from __future__ import annotations

from html import escape
from pathlib import Path

from .model import Heading, PageBreak, Paragraph, Report, Row, Table

CSS = """
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
body { font-family: "仿宋_GB2312", "FangSong", "Noto Serif CJK SC", "Source Han Serif SC", serif;
       font-size: 16pt; line-height: 28.9pt; max-width: 156mm; margin: 2em auto; color: #000; }
h1.title { font-family: "方正小标宋简体", "Noto Serif CJK SC", serif; font-size: 22pt; font-weight: normal;
           text-align: center; margin: 1.5em 0 1em; line-height: 1.4; }
.note { font-family: "黑体", "SimHei", "Noto Sans CJK SC", sans-serif; }
.meta { text-indent: 2em; margin: 0; }
h2 { font-family: "黑体", "SimHei", "Noto Sans CJK SC", sans-serif; font-size: 16pt; font-weight: normal;
     margin: 0; text-indent: 2em; }
h3 { font-family: "楷体", "KaiTi", "Noto Serif CJK SC", serif; font-size: 16pt; font-weight: normal;
     margin: 0; text-indent: 2em; }
h4, h5 { font-size: 16pt; font-weight: bold; margin: 0; text-indent: 2em; }
p { margin: 0; text-indent: 2em; text-align: justify; }
p.signature { text-align: right; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0 1em; font-size: 10.5pt; line-height: 1.5; }
caption { font-family: "黑体", "SimHei", "Noto Sans CJK SC", sans-serif; font-size: 12pt; padding: 0.3em; }
th, td { border: 1px solid #000; padding: 2px 4px; vertical-align: top; }
thead { display: table-header-group; }
tr.subtotal td, tr.total td { font-weight: bold; }
td.right { text-align: right; white-space: nowrap; } td.center { text-align: center; }
.break { page-break-after: always; break-after: page; height: 0; }
footer.stamp { font-size: 9pt; color: #555; margin-top: 2em; text-indent: 0; }
@media print { body { margin: 0; max-width: none; } .break { display: block; } }
"""


def _paragraph(paragraph: Paragraph) -> str:
    inner = "".join(f"<strong>{escape(r.text)}</strong>" if r.bold else escape(r.text) for r in paragraph.runs)
    css = ' class="signature"' if paragraph.kind == "signature" else ""
    return f"<p{css}>{inner}</p>"


def _rowspan(rows: tuple[Row, ...], at: int, column: int) -> int:
    """How many rows the cell opening at row ``at`` covers in ``column``."""
    n = 1
    while at + n < len(rows) and rows[at + n].merged_with(rows[at + n - 1], column):
        n += 1
    return n


def _row_cells(rows: tuple[Row, ...], at: int, align: tuple[str, ...]) -> str:
    row, above = rows[at], rows[at - 1] if at else None
    out = []
    for i, (text, side) in enumerate(zip(row.cells, align, strict=False)):
        span = row.span(i)
        if span <= 0 or row.merged_with(above, i):
            continue
        attrs = f' colspan="{span}"' if span > 1 else ""
        down = _rowspan(rows, at, i) if i < len(row.merge) and row.merge[i] else 1
        attrs += f' rowspan="{down}"' if down > 1 else ""
        out.append(f'<td class="{side}"{attrs}>{escape(text)}</td>')
    return "".join(out)


def _table(table: Table) -> str:
    cols = "".join(f'<col style="width:{w * 100 / sum(table.widths):.1f}%">' for w in table.widths)
    head = "".join(f"<th>{escape(h)}</th>" for h in table.header)
    rows = [f'<tr class="{row.kind}">{_row_cells(table.rows, i, table.align)}</tr>' for i, row in enumerate(table.rows)]
    return (
        f"<table><caption>{escape(table.caption)}</caption><colgroup>{cols}</colgroup>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def to_html(report: Report) -> str:
    """A complete HTML document; no external resources, prints on A4."""
    title = report.title
    parts = [
        f'<p class="note">{escape(title.note)}</p>' if title.note else "",
        f'<h1 class="title">{escape(title.title).replace(chr(10), "<br>")}</h1>',
    ]
    parts += [f'<p class="meta">{escape(k)}：{escape(v)}</p>' for k, v in title.lines]
    for block in report.blocks:
        if isinstance(block, Heading):
            level = min(block.level + 1, 5)
            parts.append(f"<h{level}>{escape(block.text)}</h{level}>")
        elif isinstance(block, Paragraph):
            parts.append(_paragraph(block))
        elif isinstance(block, Table):
            parts.append(_table(block))
        elif isinstance(block, PageBreak):
            parts.append('<div class="break"></div>')
    stamp = report.stamp
    table_ref = f"{escape(stamp.framework_id)}@{stamp.framework_version}:{stamp.framework_sha256}"
    parts.append(
        f'<footer class="stamp">评分表 {table_ref}；评价数据 sha256:{escape(stamp.evaluation_sha256)}；'
        f"{escape(stamp.generator)}</footer>"
    )
    body = "\n".join(p for p in parts if p)
    return (
        f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(report.unit)}：{escape(title.title.replace(chr(10), ''))}</title>\n"
        f'<meta name="jixiao-framework" content="{table_ref}">\n'
        f"<style>{CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def render_html(report: Report, path: Path) -> None:
    path.write_text(to_html(report), encoding="utf-8")
