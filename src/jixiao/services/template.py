"""Use case: a commented evaluation skeleton for a table — every figure it uses, every input it needs."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

from ..core.explain import field_label
from ..core.expr import render_names
from ..core.fields import STANDARD_FIELDS, used_fields
from ..core.inputs import is_pipe
from ..core.kinds import RULE_NAMES_ZH, kind_of
from ..core.model import Framework, Indicator
from ..core.numbers import fmt_points
from ..core.rules import describe
from ..documents.outlines import sections_for
from ..frameworks.loader import is_builtin
from ..frameworks.reading import plausible_year
from .files import OutputRefused, check_output, write_text
from .scoring import UnusableInput


def _plain_or_quoted(text: str) -> str:
    return text if re.fullmatch(r"[A-Za-z0-9_./-]+", text) else _quote(text)


def _line(text: str) -> str:
    """Text that goes into a YAML comment: one line."""
    return " ".join(text.split())


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _fields(framework: Framework) -> list[str]:
    lines = []
    for name in used_fields(framework):
        field = STANDARD_FIELDS.get(name) or framework.fields.get(name)
        label = f"{field.name}（{field.unit}）" if field else name
        lines.append(f"  {name}:   # {label}")
    return lines


def _input(leaf: Indicator, framework: Framework) -> list[str]:
    rule = leaf.rule
    assert rule is not None
    kind = kind_of(rule)
    entry = kind.entry(rule, leaf.value is not None)
    note = f"{_line(leaf.name)}（{fmt_points(leaf.weight)}分，{RULE_NAMES_ZH[kind.type]}）"
    criteria = _line(leaf.criteria or describe(rule, leaf.weight, leaf.unit))
    lines = [f"  # {note}：{criteria}"]
    lines += [
        f"  #   {i}: {_line(text)}（{fmt_points(points)}分）" for i, (text, points) in enumerate(kind.options(rule))
    ]
    if leaf.not_applicable is not None:
        lines.append("  #   不适用时填 {applicable: false, reason: …}")
    if entry == "computed":
        lines.append(f"  # 由数据表计算：{_formula(leaf, framework)}；数据不全时可填 {{value: …, reason: …}}")
        return lines
    skeleton = kind.skeleton(rule)
    if not skeleton:
        lines.append(_nothing_to_enter(kind.subject, leaf))
        return lines
    lines.append(f"  {leaf.id}: {skeleton}")
    return lines


def _nothing_to_enter(subject: str, leaf: Indicator) -> str:
    """The comment of a leaf that needs no entry: what decides it, and how to say otherwise."""
    if subject == "goals":
        return "  #   由 goals（绩效目标及其指标）自动计分，无需填写"
    if subject == "choice":
        return "  #   按数据自动判定所属情形，无需填写；数据不全时可填 {choice: 序号, reason: …}"
    return f"  #   未填写时计满分；酌情扣分时填 {leaf.id}: {{score: …, reason: 扣分理由}}"


def _formula(leaf: Indicator, framework: Framework) -> str:
    """The leaf's formula in Chinese names (信访数, not petitions)."""
    if leaf.formula_text:
        return _line(leaf.formula_text)
    assert leaf.value is not None
    names = {node.id: node.name for node, _ in framework.walk()}

    def show(name: str) -> str:
        return names.get(name.lstrip("@"), name) if name.startswith("@") else field_label(name, framework.fields)

    return render_names(leaf.value, show, percent=leaf.unit == "%")


def _fill_date(year: int) -> str:
    """Today when it falls in the year after the evaluated year (when units fill in); else left to fill."""
    today = date.today()
    if today.year == year + 1:
        return f"fill_date: {today.isoformat()}"
    return f"fill_date:         # 填报日期，如 {year + 1}-06-30"


def evaluation_template(framework: Framework, unit: str, year: int, reference: str = "") -> str:
    """The YAML text of a skeleton evaluation for ``framework`` (``reference``: how the file names it)."""
    lines = [
        f"# {_line(framework.name)}（{framework.id} 第{framework.version}版）评价数据",
        "# 金额以万元计，比率以百分数计（97.02 表示 97.02%）；只写数字，不带单位。",
        "# 填好后运行：jixiao score 本文件   查看评分表与需要补充的内容",
        "format: jixiao/evaluation@1",
        f"framework: {_plain_or_quoted(reference or framework.id)}",
        f"year: {year}",
        _fill_date(year),
        "notice:            # 通知文号，如 某财绩〔2025〕1号",
        "notice_title:      # 通知标题",
        "unit:",
        f"  name: {_quote(unit)}",
        "  head:            # 单位负责人",
        "  filler:          # 填报人",
        "  phone:",
        "  internal_bodies: []",
        "group:             # 自评工作小组",
        "  formed:",
        "  leader:",
        "  deputies: []",
        "  members: []",
        "data:              # 数据表",
        *_fields(framework),
        "inputs:            # 各指标的评判、所选项与说明",
    ]
    for node, _ in framework.walk():
        if node.is_leaf:
            lines += _input(node, framework)
        elif node.alternatives:
            ids = "、".join(c.id for c in node.children)
            lines += [f"  # {node.name}：二者择其一（{ids}）", f"  {node.id}: {{choose: }}"]
    if framework.bonus is not None:
        lines += [f"bonus: []          # {framework.bonus.name}：- {{item: 奖项, points: 1, basis: 文号}}"]
    if framework.penalty is not None:
        lines += [f"penalty: []        # {framework.penalty.name}"]
    if any(node.rule is not None and kind_of(node.rule).subject == "goals" for node, _ in framework.walk()):
        lines += [
            "goals:             # 绩效目标及其指标（本表按指标完成情况计分）",
            "  - goal: ''",
            "    indicators:    # kind: 数量/质量/时效/成本/效益/满意度；direction: higher（越高越好）| lower | equal",
            "      - {name: '', kind: 数量, target: , actual: , unit: ''}",
        ]
    lines += ["text:              # 报告各部分的文字，由单位填写"]
    lines += [f"  {key}: ''   # {title}" for key, title in sections_for(framework.outline)]
    return "\n".join(lines) + "\n"


def write_template(framework: Framework, output: Path, unit: str = "", year: int = 0) -> None:
    """Write the skeleton for ``framework`` to ``output``; never overwrite; UnusableInput on a bad request.

    A built-in table is named by its id; a table file by its path relative to the evaluation.
    """
    if output.exists() or output.is_symlink():
        raise OutputRefused(f"{output} 已存在，为免覆盖已填写的内容，请换一个文件名")
    check_output(output, [Path(framework.file)] if framework.file else [])
    if framework.file and not is_builtin(framework) and is_pipe(framework.file):
        why = "评分表是从标准输入或管道读入的，模板无法引用它"
        raise UnusableInput(f"{why}；请先把评分表保存为 .yaml 文件，再对该文件运行 init")
    year = year or (framework.years[-1] if framework.years else date.today().year - 1)
    if not plausible_year(year):
        raise UnusableInput(f"评价年度{year}不合理")
    reference = framework.id if is_builtin(framework) else os.path.relpath(framework.file, output.parent.resolve())
    write_text(output, evaluation_template(framework, unit or "（单位名称）", year, reference))
