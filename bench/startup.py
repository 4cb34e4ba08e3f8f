"""Benchmark: start-up of ``jixiao score FILE`` (issue 11 goal: ≤ 100 ms from start to finish).

Runs the command in fresh processes (``python -m jixiao.cli score examples/lechang-2023.yaml``) and
reports the median and fastest wall time, beside an empty Python start and the import of the scoring
service alone, so the share of each layer is visible. It also lists which heavy modules a score loads
(none of the document writers, the auditor or Django should be).

Figures (``bench: <name> <value> <unit>``): ``python_start_ms``, ``scoring_import_ms``,
``cli_import_ms``, ``score_one_file_ms`` (median) and ``score_one_file_best_ms``.

Run: ``.venv/bin/python bench/startup.py [--runs 15]``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "lechang-2023.yaml"
GOAL_MS = 100.0
HEAVY = ("jixiao.documents.build", "jixiao.documents.docx", "jixiao.services.documents", "jixiao.audit", "django")


def wall(command: list[str], runs: int) -> tuple[float, float]:
    """Median and fastest wall time of ``command`` in milliseconds (after one warm-up run)."""
    subprocess.run(command, capture_output=True, check=False)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=False)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times)


def loaded_heavy() -> list[str]:
    code = (
        "import sys\nfrom jixiao.cli import main\n"
        f"sys.argv = ['jixiao', 'score', {str(EXAMPLE)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print([m for m in {HEAVY!r} if m in sys.modules])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    return list(eval(result.stdout.strip().splitlines()[-1]))  # our own list literal


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    py = sys.executable
    start, _ = wall([py, "-c", "pass"], runs)
    scoring, _ = wall([py, "-c", "import jixiao.services.scoring"], runs)
    cli, _ = wall([py, "-c", "import jixiao.cli"], runs)
    median, best = wall([py, "-m", "jixiao.cli", "score", str(EXAMPLE)], runs)
    heavy = loaded_heavy()
    print(f"jixiao score {EXAMPLE.name}: median {median:.0f} ms, fastest {best:.0f} ms over {runs} runs")
    print(f"heavy modules loaded by a score: {heavy or 'none'}")
    print(f"bench: python_start_ms {start:.0f} ms")
    print(f"bench: scoring_import_ms {scoring:.0f} ms")
    print(f"bench: cli_import_ms {cli:.0f} ms")
    print(
        f"bench: score_one_file_ms {median:.0f} ms (goal ≤ {GOAL_MS:.0f}; {'met' if median <= GOAL_MS else 'NOT met'})"
    )
    print(f"bench: score_one_file_best_ms {best:.0f} ms")


if __name__ == "__main__":
    main()
