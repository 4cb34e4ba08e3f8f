"""Benchmark: reports audited per second (read → extract → check) for .txt, .docx and .pdf, on one core.

Inputs: the three real seed reports as .txt (../shared/seeds), and the three example evaluations
rendered by jixiao as .docx and .pdf (the PDF part is skipped when LibreOffice is missing).
Goals (issue #4): ≥ 50 .txt and ≥ 10 .docx per second; issue 10: ≥ 100 .docx per second.

The .docx reader alone is also timed against a baseline, the reader it replaced: python-docx
opening the whole package (every part parsed), then the same walk over the body
(``docx_read_per_s``, ``docx_read_baseline_per_s``, ``docx_read_vs_baseline``).

Run: ``.venv/bin/python bench/audit.py [--rounds 30] [--cpu 0]``. The last lines are the figures,
one per line: ``bench: <name> <value> <unit>``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from jixiao.audit import docx_reader
from jixiao.audit.normalise import normalise_located
from jixiao.audit.readers import read
from jixiao.services.audit import audit_file
from jixiao.services.documents import write_reports
from timing import pin_one_core

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def per_second(files: Sequence[Path], rounds: int) -> tuple[float, int]:
    """Files audited per second over ``rounds`` passes, and the error findings seen (a sanity figure)."""
    for path in files:
        audit_file(path)  # warm-up: imports, regex compilation
    start = time.perf_counter()
    errors = 0
    for _ in range(rounds):
        for path in files:
            errors += sum(1 for f in audit_file(path).findings if f.severity == "error")
    elapsed = time.perf_counter() - start
    return rounds * len(files) / elapsed, errors


def baseline_read(path: Path) -> int:
    """The reader before issue 10: python-docx loads and parses every part, then the body is walked."""
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from lxml import etree  # type: ignore[import-untyped]

    document = docx.Document(str(path))
    part = document.part

    def related(kind: str) -> object:
        try:
            return part.part_related_by(kind).element
        except (KeyError, AttributeError, ValueError):
            return None

    numbering = docx_reader.Numbering(related(RT.NUMBERING), related(RT.STYLES))
    walker = docx_reader._DocxWalker(numbering, etree.XPath(docx_reader.RUN_CONTENT_XPATH, namespaces=docx_reader.NS))
    raws = docx_reader._located(walker.blocks(document.element.body))
    return len(normalise_located(raws, join_wraps=False))


def read_rates(files: Sequence[Path], rounds: int) -> tuple[float, float]:
    """(.docx files read per second now, by the baseline reader), timed in turns, after checking they agree."""
    for path in files:
        assert baseline_read(path) == len(read(path).lines), path
    now = base = 0.0
    for _ in range(rounds):
        start = time.perf_counter()
        for path in files:
            read(path)
        middle = time.perf_counter()
        for path in files:
            baseline_read(path)
        now, base = now + middle - start, base + time.perf_counter() - middle
    count = rounds * len(files)
    return count / now, count / base


def rendered(tmp: Path, suffix: str) -> list[Path]:
    outputs = [tmp / f"{e.stem}.{suffix}" for e in EXAMPLES]
    write_reports(EXAMPLES, outputs)
    return outputs


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30, help="passes over each set of files")
    parser.add_argument("--cpu", type=int, default=0, help="CPU to pin to")
    parser.add_argument("--no-pdf", action="store_true", help="skip the .pdf set (slow to render)")
    args = parser.parse_args(argv)
    pin_one_core(args.cpu)
    figures: list[tuple[str, float, str]] = []
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-audit-") as name:
        tmp = Path(name)
        sets = {"txt": sorted(SEEDS.glob("*.txt")), "docx": rendered(tmp, "docx")}
        if args.no_pdf:
            pass
        elif shutil.which("soffice"):
            sets["pdf"] = rendered(tmp, "pdf")
        else:
            print("LibreOffice (soffice) not found: .pdf skipped (bash scripts/install-system-deps)")
        for kind, files in sets.items():
            rounds = args.rounds if kind != "pdf" else max(1, args.rounds // 5)
            rate, errors = per_second(files, rounds)
            print(
                f"{kind:5s} {len(files)} files × {rounds} rounds: {rate:8.1f} reports/s "
                f"({1000 / rate:6.1f} ms each; {errors // rounds} error findings per pass)"
            )
            figures.append((f"audit_{kind}_per_s", rate, "reports/s"))
        now, base = read_rates(sets["docx"], args.rounds)
        print(f"docx reader: {now:8.1f} files/s; baseline (python-docx) {base:8.1f} files/s; ratio {now / base:.2f}")
        figures += [
            ("docx_read_per_s", now, "files/s"),
            ("docx_read_baseline_per_s", base, "files/s"),
            ("docx_read_vs_baseline", now / base, "ratio"),
        ]
    for name, value, unit in figures:
        print(f"bench: {name} {value:.2f} {unit}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
