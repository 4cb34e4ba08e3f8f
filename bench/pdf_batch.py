"""Benchmark: ``jixiao report … --format pdf`` of a bureau-sized batch (issue 11).

260 evaluations are generated from examples/lechang-2023.yaml, each for a different unit, and
converted in one command. Figures (``bench: <name> <value> <unit>``): ``pdf_batch_reports`` (PDFs
written; must equal the count), ``pdf_batch_s`` (wall time of the command) and ``pdf_per_report_s``
(amortised; goal ≤ 0.25 s on a 2-core machine).

Run: ``.venv/bin/python bench/pdf_batch.py [--count 260]``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "lechang-2023.yaml"
GOAL_S = 0.25


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=260)
    count = parser.parse_args().count
    text = EXAMPLE.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as tmp:
        folder = Path(tmp)
        files = []
        for i in range(count):
            path = folder / f"unit{i:04d}.yaml"
            path.write_text(
                text.replace("name: 乐昌市人民政府办公室", f"name: 乐昌市测试单位{i:04d}"), encoding="utf-8"
            )
            files.append(str(path))
        start = time.perf_counter()
        command = [sys.executable, "-m", "jixiao.cli", "report", *files, "-o", str(folder / "pdf"), "--format", "pdf"]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - start
        written = len(list((folder / "pdf").glob("*.pdf")))
    if result.returncode != 0:
        print(result.stderr[-2000:], file=sys.stderr)
    per = elapsed / count
    print(f"{count} evaluations → {written} PDFs in {elapsed:.1f} s (exit {result.returncode})")
    print(f"bench: pdf_batch_reports {written} reports")
    print(f"bench: pdf_batch_s {elapsed:.1f} s")
    verdict = "met" if per <= GOAL_S and written == count else "NOT met"
    print(f"bench: pdf_per_report_s {per:.3f} s (goal ≤ {GOAL_S}; {verdict})")
    sys.exit(0 if written == count and result.returncode == 0 else 1)


if __name__ == "__main__":
    main()
