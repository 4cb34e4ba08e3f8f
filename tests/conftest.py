"""Shared fixtures: paths of the repository, examples and seeds."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SEEDS = Path(os.environ.get("JIXIAO_SEEDS", ROOT.parent / "shared" / "seeds"))
"""The seed reports; JIXIAO_SEEDS points at them when they are not beside the checkout (a git worktree)."""
SEEDS_REASON = "the real reports (../shared/seeds) are not beside this checkout"
needs_seeds = pytest.mark.skipif(not SEEDS.exists(), reason=SEEDS_REASON)
"""Only the tests that read the seed reports are skipped in a clean clone; one line says so."""


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line for the tests skipped because the seeds are absent (not one per test)."""
    skipped = terminalreporter.stats.get("skipped", [])
    count = sum(1 for report in skipped if SEEDS_REASON in str(getattr(report, "longrepr", "")))
    if count:
        terminalreporter.write_line(f"{count} tests skipped: {SEEDS_REASON} ({SEEDS})", yellow=True)


@pytest.fixture
def examples() -> Path:
    return EXAMPLES


GOLDEN = Path(__file__).parent / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--regen-golden", action="store_true", help="rewrite tests/golden/* from current output")


@pytest.fixture
def golden(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """``golden(name, text)``: compare ``text`` with tests/golden/<name>, or rewrite it with --regen-golden."""
    regen = bool(request.config.getoption("--regen-golden"))

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if regen or not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            if not regen:
                pytest.fail(f"golden file {name} did not exist; written — review and commit it")
        assert text == path.read_text(encoding="utf-8"), f"differs from tests/golden/{name} (run with --regen-golden)"

    return check
