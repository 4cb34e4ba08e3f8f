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
    cells: tuple[str, ...]
    kind: Literal["normal", "group", "subtotal", "total"] = "normal"


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
    pass


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
                lines += [" | ".join(row.cells) for row in block.rows]
        return "\n".join(line for line in lines if line)
