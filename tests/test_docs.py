"""Docs stay honest: every rule type, issue code and command is documented (architecture habit 8)."""

from __future__ import annotations

import re
from pathlib import Path

from jixiao.cli import app, framework_app
from jixiao.core.model import RULE_TYPES

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")


def emitted_codes() -> set[str]:
    sources = [p for p in (ROOT / "src" / "jixiao").rglob("*.py") if not {"documents", "web"} & set(p.parts)]
    text = "\n".join(p.read_text(encoding="utf-8") for p in sources)
    return set(re.findall(r'"([a-z]+(?:-[a-z]+)+)"', text)) - {"utf-8-sig"}


def test_every_issue_code_is_documented() -> None:
    missing = sorted(code for code in emitted_codes() if f"`{code}`" not in REFERENCE)
    assert not missing, f"codes missing from docs/reference.md: {missing}"


def test_every_rule_type_is_documented() -> None:
    assert all(f"`{rule}`" in REFERENCE for rule in RULE_TYPES)


def test_every_command_is_documented() -> None:
    def name(command: object) -> str:
        return getattr(command, "name", None) or command.callback.__name__  # type: ignore[attr-defined]

    commands = [f"jixiao {name(c)}" for c in app.registered_commands]
    commands += [f"jixiao framework {name(c)}" for c in framework_app.registered_commands]
    assert all(f"`{command}" in REFERENCE for command in commands), commands


def test_readme_has_exactly_two_setup_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```bash", 1)[1].split("```", 1)[0]
    commands = [line for line in block.splitlines() if line.strip() and not line.strip().startswith("#")]
    assert commands == ["make demo", "make test"]
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
