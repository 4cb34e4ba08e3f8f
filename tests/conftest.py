"""Shared fixtures: paths of the repository, examples and seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture
def examples() -> Path:
    return EXAMPLES
