"""Docs stay honest and complete: what users read matches the code, and sends them nowhere outside the repository.

The user docs (Chinese) are README.md and docs/{guide-unit,guide-bureau,tables,formats,reference}.md.
Every command, option, rule type and issue code is in the command reference; every standard data
field, report section and import header is in the formats page; the guides name every page, state
and action of the web application; the worked example of docs/tables.md passes `framework check`
and scores as the page says; no doc links outside the repository, and every relative link and
anchor resolves.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from jixiao.cli import app, framework_app
from jixiao.core.fields import STANDARD_FIELDS
from jixiao.core.model import RULE_NAMES_ZH, RULE_TYPES
from jixiao.core.spec import NARRATIVE_SECTIONS
from jixiao.core.workflow import ROLE_ZH, STATE_ZH, TRANSITIONS
from jixiao.frameworks.xlsx_import import HEADERS as TABLE_HEADERS
from jixiao.services.figures_import import ID_HEADERS, LABEL_HEADERS, VALUE_HEADERS

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
REFERENCE = (DOCS / "reference.md").read_text(encoding="utf-8")
USER_DOCS = ("guide-unit.md", "guide-bureau.md", "tables.md", "formats.md", "reference.md")


def read(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def all_docs() -> list[Path]:
    return [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]


# --------------------------------------------------------------------------- the command reference


def emitted_codes() -> set[str]:
    sources = [p for p in (ROOT / "src" / "jixiao").rglob("*.py") if not {"documents", "web"} & set(p.parts)]
    text = "\n".join(p.read_text(encoding="utf-8") for p in sources)
    return set(re.findall(r'"([a-z]+(?:-[a-z]+)+)"', text)) - {"utf-8-sig"}


def test_every_issue_code_is_documented() -> None:
    missing = sorted(code for code in emitted_codes() if f"`{code}`" not in REFERENCE)
    assert not missing, f"codes missing from docs/reference.md: {missing}"


def test_every_rule_type_is_documented() -> None:
    assert all(f"`{rule}`" in REFERENCE for rule in RULE_TYPES)
    tables, formats = read("tables.md"), read("formats.md")
    missing = [name for name in RULE_NAMES_ZH.values() if name not in REFERENCE or name not in formats]
    assert not missing, f"rule names missing from reference.md or formats.md: {missing}"
    assert all(f"`{rule}`" in tables or RULE_NAMES_ZH[rule] in tables for rule in RULE_TYPES)


def test_every_command_is_documented() -> None:
    def name(command: object) -> str:
        return getattr(command, "name", None) or command.callback.__name__  # type: ignore[attr-defined]

    commands = [f"jixiao {name(c)}" for c in app.registered_commands]
    commands += [f"jixiao framework {name(c)}" for c in framework_app.registered_commands]
    assert all(f"`{command}" in REFERENCE for command in commands), commands


def cli_commands() -> list[tuple[str, Any]]:
    """Every runnable command of the CLI with its full name ("jixiao framework import").

    Typer carries its own copy of click, so groups and options are told apart by what they have.
    """
    found: list[tuple[str, Any]] = []

    def walk(command: Any, name: str) -> None:
        if getattr(command, "commands", None):
            for sub_name, sub in command.commands.items():
                walk(sub, f"{name} {sub_name}")
        else:
            found.append((name, command))

    walk(typer.main.get_command(app), "jixiao")
    return found


def reference_section(command: str) -> str:
    """The text of the reference's "### `jixiao …`" section for ``command``."""
    match = re.search(rf"^### `{re.escape(command)}`.*?(?=^#{{2,3}} |\Z)", REFERENCE, re.M | re.S)
    assert match, f"docs/reference.md has no section '### `{command}`'"
    return match.group(0)


def test_every_cli_command_has_a_section_naming_each_of_its_options() -> None:
    missing = []
    for command, cli in cli_commands():
        section = reference_section(command)
        for param in cli.params:
            if param.param_type_name == "option" and "--help" not in param.opts:
                missing += [f"{command} {opt}" for opt in param.opts if f"`{opt}`" not in section]
    assert not missing, f"options missing from their command's section in docs/reference.md: {missing}"


# --------------------------------------------------------------------------- the formats page


def module_dict(path: Path, name: str) -> dict[str, tuple[str, ...]]:
    """A module-level dict literal of ``path`` (read, not imported: the web modules need Django)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            value = ast.literal_eval(node.value)
            assert isinstance(value, dict)
            return value
    raise AssertionError(f"{path}: no {name}")


def test_formats_lists_every_standard_field_section_and_import_header() -> None:
    formats = read("formats.md")
    missing = [f"{f.id} {f.name}" for f in STANDARD_FIELDS.values() if f"`{f.id}` | {f.name} |" not in formats]
    missing += [f"text.{key}" for key, title in NARRATIVE_SECTIONS if f"`{key}` | {title}" not in formats]
    headers = [h for level in TABLE_HEADERS["level"] for h in level]
    headers += [h for key in ("weight", "definition", "criteria") for h in TABLE_HEADERS[key]]
    headers += sorted(LABEL_HEADERS | VALUE_HEADERS | ID_HEADERS)
    people = ROOT / "src" / "jixiao" / "web" / "bureau" / "people.py"
    for name in ("UNIT_COLUMNS", "USER_COLUMNS"):
        headers += [h for names in module_dict(people, name).values() for h in names]
    missing += [f"header {h}" for h in headers if h.isascii() and f"`{h}`" not in formats]
    missing += [f"header {h}" for h in headers if not h.isascii() and h not in formats]
    assert not missing, f"missing from docs/formats.md: {missing}"


# --------------------------------------------------------------------------- the guides


def test_the_guides_name_every_page_state_action_and_role_of_the_web_application() -> None:
    from jixiao.web.front.context import BUREAU_MENU

    unit, bureau = read("guide-unit.md"), read("guide-bureau.md")
    missing = [f"menu {label}" for label, _ in BUREAU_MENU if label not in bureau]
    missing += [f"state {name}" for name in STATE_ZH.values() if name not in unit]
    missing += [f"action {t.name_zh}" for t in TRANSITIONS if t.action != "save" and t.name_zh not in unit + bureau]
    missing += [f"role {name}" for name in ROLE_ZH.values() if name not in unit + bureau]
    assert not missing, f"missing from docs/guide-unit.md or docs/guide-bureau.md: {missing}"


def prose(text: str) -> str:
    """What a reader reads as sentences: without code blocks, inline code, link targets and comments."""
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    text = re.sub(r"`[^`]*`", "", text)
    return re.sub(r"\]\([^)]*\)", "]", text)


@pytest.mark.parametrize("name", USER_DOCS)
def test_user_docs_are_in_chinese(name: str) -> None:
    text = prose(read(name))
    cjk = len(re.findall(r"[\u4e00-\u9fff]", text))
    latin = len(re.findall(r"[A-Za-z]", text))
    assert cjk > 500 and cjk > 2 * latin, f"docs/{name}: {cjk} Chinese and {latin} Latin letters in its prose"


def test_readme_links_every_user_doc() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert all(f"](docs/{name})" in readme for name in USER_DOCS)


def test_readme_has_exactly_two_setup_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```bash", 1)[1].split("```", 1)[0]
    commands = [line for line in block.splitlines() if line.strip() and not line.strip().startswith("#")]
    assert commands == ["make demo", "make test"]
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- links


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    out = set()
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
    for heading in re.findall(r"^#{1,6} (.+)$", text, re.M):
        base = slug(heading)
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.add(base if n == 0 else f"{base}-{n}")
    return out


def links(path: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
    return re.findall(r"\]\(([^)\s]+)\)", text)


@pytest.mark.parametrize("path", all_docs(), ids=lambda p: p.name)
def test_no_doc_sends_a_reader_outside_the_repository(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    outside = [m for m in ("../shared", "shared/docs", "shared/seeds", "/work/") if m in text]
    assert not outside, f"{path.name} mentions files outside the repository: {outside}"


@pytest.mark.parametrize("path", all_docs(), ids=lambda p: p.name)
def test_every_relative_link_and_anchor_resolves(path: Path) -> None:
    broken = []
    for target in links(path):
        if re.match(r"^[a-z]+:", target):
            continue  # http(s):, mailto: — none in the user docs, but not a file either
        file_part, _, anchor = target.partition("#")
        resolved = (path.parent / file_part).resolve() if file_part else path
        if ROOT not in resolved.parents and resolved != ROOT:
            broken.append(f"{target} (outside the repository)")
        elif not resolved.exists():
            broken.append(f"{target} (no such file)")
        elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
            broken.append(f"{target} (no such heading)")
    assert not broken, f"{path.name}: {broken}"


# --------------------------------------------------------------------------- the worked example


def example_files(text: str) -> dict[str, str]:
    """The files the page gives in full: a "<!-- 示例文件：NAME -->" line, then a yaml block."""
    found = re.findall(r"<!-- 示例文件：(\S+) -->\s*```yaml\n(.*?)```", text, re.S)
    return {name: body for name, body in found}


def test_the_worked_example_of_the_tables_guide_checks_and_scores_as_the_page_says(tmp_path: Path) -> None:
    page = read("tables.md")
    files = example_files(page)
    assert set(files) == {"city-2025.yaml", "试算.yaml"}, set(files)
    for name, body in files.items():
        (tmp_path / name).write_text(body, encoding="utf-8")
    runner = CliRunner()
    checked = runner.invoke(app, ["framework", "check", str(tmp_path / "city-2025.yaml")], env={"COLUMNS": "300"})
    assert checked.exit_code == 0, checked.output
    stated = re.search(r"评分表有效：(.+?)，(\d+) 项指标（末级 (\d+) 项），满分 (\d+) 分", page)
    assert stated is not None and stated.group(0) in checked.output.replace("\n", ""), checked.output
    scored = runner.invoke(app, ["score", str(tmp_path / "试算.yaml"), "--json"], env={"COLUMNS": "300"})
    assert scored.exit_code == 0, scored.output
    card = json.loads(scored.stdout)
    total = re.search(r"总分 ([\d.]+) 分，等级：(\S+)\n", page)
    assert total is not None and (card["total"], card["grade"]) == (float(total[1]), total[2])
    rows = {i["name"]: i for i in card["indicators"]}
    assert rows["政府采购执行率"]["applicable"] is False and rows["支出完成率"]["effective_weight"] == 30
