"""A bounded fuzz run of `jixiao score` (issue 12 "Keep it so"): 200 mutated evaluation files.

Each file is an example with a few lines changed as people and programs damage them (a line lost,
doubled or cut, a number replaced by an edge value, a tab, text where a number belongs, blanks).
Whatever the file, the command exits 0, 1 or 2 with no traceback, and its JSON keeps the invariants.
Deterministic (one seed) and well under 30 seconds.
"""

from __future__ import annotations

import json
import random
import re
import time
from pathlib import Path

from typer.testing import CliRunner

from conftest import EXAMPLES
from invariants import check_score_json
from jixiao.cli import app

RUNS = 200
EDGES = ["0", "0.95", "120", "-1", "1e15", "1e78", "999999999999999", '""', '" "', '"\u3000"', '"\u200b"', "~",
         "[]", "{}", "true", "95%", "二十", ".nan", "-.inf", "1_000"]
NUMBER = re.compile(r"(?<=: )-?\d+(\.\d+)?\b")


def mutate(lines: list[str], rng: random.Random) -> list[str]:
    lines = list(lines)
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(lines))
        how = rng.randrange(7)
        if how == 0:
            del lines[i]
        elif how == 1:
            lines.insert(i, lines[i])
        elif how == 2:
            lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)]
        elif how == 3 and NUMBER.search(lines[i]):
            lines[i] = NUMBER.sub(rng.choice(EDGES), lines[i], count=1)
        elif how == 4:
            lines[i] = "\t" + lines[i]
        elif how == 5 and ": " in lines[i]:
            head = lines[i].split(": ", 1)[0]
            lines[i] = f"{head}: {rng.choice(EDGES)}"
        else:
            lines[i] = lines[i].replace("  ", " ", 1)
        if not lines:
            lines = [""]
    return lines


def test_jixiao_score_survives_200_mutated_evaluations(tmp_path: Path) -> None:
    rng = random.Random(12)
    sources = [p.read_text(encoding="utf-8").splitlines() for p in sorted(EXAMPLES.glob("*.yaml"))]
    runner = CliRunner()
    seen: set[int] = set()
    started = time.monotonic()
    for run in range(RUNS):
        path = tmp_path / f"e{run}.yaml"
        path.write_text("\n".join(mutate(rng.choice(sources), rng)) + "\n", encoding="utf-8")
        result = runner.invoke(app, ["score", str(path), "--json"])
        output = result.output
        assert result.exit_code in (0, 1, 2), (path.read_text(encoding="utf-8"), output, result.exception)
        assert "Traceback" not in output, output
        seen.add(result.exit_code)
        if result.exit_code in (0, 1):
            data = json.loads(result.stdout)
            check_score_json(data)
            assert (result.exit_code == 0) == (data["total"] is not None), output
    assert time.monotonic() - started < 60
    assert seen >= {0, 1, 2}, seen  # the mutations reach every outcome
