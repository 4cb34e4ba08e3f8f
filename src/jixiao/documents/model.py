"""The renderer-neutral report: a title block and a flat list of blocks.

Everything a renderer needs is decided here and in ``build.py``: wording, numbering (typed as
text, e.g. "一、", "（一）"), figures already formatted. Renderers only lay blocks out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True, slots=True)
class Run:
    """A stretch of text; ``bold`` for a lead-in such as "1.单位情况。"."""

    text: str
    bold: bool = False


@dataclass(frozen=True, slots=True)
class Heading:
    """A numbered heading: level 1 "一、…" (黑体), 2 "（一）…" (楷体), 3 "1.…", 4 "（1）…"."""

    level: int
    text: str


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A body paragraph (first-line indent of two characters in official layout)."""

    runs: tuple[Run, ...]
    kind: Literal["body", "note", "signature"] = "body"

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


Align = Literal["left", "center", "right"]


@dataclass(frozen=True, slots=True)
class Row:
    """A table row. ``merge``: per column, a key; consecutive rows with the same non-empty key in a
    column share one cell (the upper levels of the 评分表). ``spans``: per column, how many columns
    the cell covers, 0 for a column covered by the cell to its left; empty means one each."""

    cells: tuple[str, ...]
    kind: Literal["normal", "group", "subtotal", "total"] = "normal"
    merge: tuple[str, ...] = ()
    spans: tuple[int, ...] = ()

    def span(self, column: int) -> int:
        return self.spans[column] if column < len(self.spans) else 1

    def merged_with(self, above: Row | None, column: int) -> bool:
        """Whether this row's cell in ``column`` continues the cell above it."""
        key = self.merge[column] if column < len(self.merge) else ""
        return bool(key) and above is not None and column < len(above.merge) and above.merge[column] == key


@dataclass(frozen=True, slots=True)
class Table:
    """A table with header rows repeated across pages; ``widths`` are relative."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[Row, ...]
    widths: tuple[int, ...]
    align: tuple[Align, ...]


@dataclass(frozen=True, slots=True)
class PageBreak:
    """A new page; ``landscape``: the pages from here on are turned sideways (a wide table)."""

    landscape: bool = False


Block = Heading | Paragraph | Table | PageBreak


@dataclass(frozen=True, slots=True)
class TitleBlock:
    """The cover lines: title and (label, value) pairs such as ("评价年度", "2020年度")."""

    title: str
    lines: tuple[tuple[str, str], ...]
    note: str = ""  # e.g. "附件4"


@dataclass(frozen=True, slots=True)
class Stamp:
    """What the document was generated from, for verification."""

    framework_id: str
    framework_version: int
    framework_sha256: str
    evaluation_sha256: str
    generator: str

    def line(self) -> str:
        """The discreet last line of a document: which table and data it was generated from."""
        data = f"；评价数据 {self.evaluation_sha256[:16]}" if self.evaluation_sha256 else ""
        return (
            f"生成信息：评分表 {self.framework_id} 第{self.framework_version}版 {self.framework_sha256[:16]}"
            f"{data}；{self.generator}"
        )


@dataclass(frozen=True)
class Report:
    title: TitleBlock
    blocks: tuple[Block, ...]
    stamp: Stamp
    unit: str
    year: int
    total: str
    grade: str
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def text(self) -> str:
        """All text of the report, one block per line (tables row by row), for tests and search."""
        lines = [self.title.note, self.title.title] + [f"{k}：{v}" for k, v in self.title.lines]
        for block in self.blocks:
            if isinstance(block, Heading | Paragraph):
                lines.append(block.text)
            elif isinstance(block, Table):
                lines.append(block.caption)
                lines.append(" | ".join(block.header))
                above: Row | None = None
                for row in block.rows:
                    cells = ["" if row.merged_with(above, i) else c for i, c in enumerate(row.cells)]
                    lines.append(" | ".join(cells))
                    above = row
        return "\n".join(line for line in lines if line)
