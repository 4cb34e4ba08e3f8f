"""The evaluation spec: what a unit fills in for a table, declared once.

Figures of the 数据表 (with their units), the input each leaf's rule needs, the unit's details and
the narrative sections with their Chinese titles. The YAML skeleton of ``init``, the loader's list
of text keys, the report outlines and the web form are all derived from this declaration.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .fields import STANDARD_FIELDS, used_fields
from .kinds import RULE_NAMES_ZH, kind_of
from .model import ChecklistRule, Framework, Indicator
from .numbers import fmt_points
from .rules import describe

# The narrative sections of a report, in the order a unit writes them (formats §2 ``text``).
NARRATIVE_SECTIONS: tuple[tuple[str, str], ...] = (
    ("overview", "部门（单位）概况"),
    ("functions", "工作职能"),
    ("staffing", "人员情况"),
    ("key_work", "年度总体工作和重点工作任务"),
    ("goals", "部门整体支出绩效目标"),
    ("spending", "部门整体支出情况"),
    ("group", "自评工作组织"),
    ("process", "自评工作过程"),
    ("quality", "数据质量与佐证"),
    ("submission", "报送情况"),
    ("results", "社会经济效益 / 主要绩效"),
    ("experience", "主要做法和经验"),
    ("problems", "存在问题"),
    ("measures", "改进措施"),
    ("other", "其他自评情况"),
    ("conclusion", "自评结论"),
)
# The sections the skeleton and the form ask for by default (the others are optional in every outline).
ASKED_SECTIONS: tuple[str, ...] = (
    "functions",
    "staffing",
    "key_work",
    "goals",
    "process",
    "results",
    "experience",
    "problems",
    "measures",
    "other",
)
SECTION_TITLES: dict[str, str] = dict(NARRATIVE_SECTIONS)

UNIT_DETAILS: tuple[tuple[str, str], ...] = (
    ("name", "单位名称"),
    ("level", "单位级次"),
    ("head", "单位负责人"),
    ("filler", "填报人"),
    ("phone", "联系电话"),
    ("address", "地址"),
)
UNIT_LEVELS: tuple[str, ...] = ("省级", "市级", "县级", "区级", "乡镇")


@dataclass(frozen=True)
class Figure:
    id: str
    label: str
    unit: str
    kind: str  # amount | count | percent | custom
    scored: bool = True  # the table reads it; the others feed only the report's 数据表


@dataclass(frozen=True)
class LeafSpec:
    """One leaf: its wording, and the input its rule asks of the unit (``entry``)."""

    id: str
    name: str
    trail: tuple[str, ...]  # names of its ancestors, 一级 first
    weight: str
    rule_type: str
    rule_name: str
    criteria: str
    definition: str
    entry: str  # judgement | checklist | count | yes_no | choice | value | computed
    formula: str
    options: tuple[tuple[int, str, str], ...] = ()  # (index, text, points) of checklist items or categories
    tiers: tuple[str, ...] = ()
    can_not_apply: bool = False
    credited: tuple[int, ...] = ()  # checklist items the unit may mark as not applying, for their points


@dataclass(frozen=True)
class ChoiceSpec:
    """An ``alternatives`` node: the unit chooses which child applies."""

    id: str
    name: str
    children: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class EvaluationSpec:
    figures: tuple[Figure, ...]
    leaves: tuple[LeafSpec, ...]
    choices: tuple[ChoiceSpec, ...]
    bonus: str  # the bonus section's name, "" when the table has none
    penalty: str
    sections: tuple[tuple[str, str], ...]


def figures(framework: Framework, given: tuple[str, ...] = ()) -> tuple[Figure, ...]:
    """The table's figures first, then every other standard figure (for the report's 数据表)."""
    out = []
    scored = set(used_fields(framework))
    for fid in used_fields(framework, given):
        standard = STANDARD_FIELDS.get(fid)
        if standard is not None:
            out.append(Figure(fid, standard.name, standard.unit, standard.kind, fid in scored))
            continue
        custom = framework.fields.get(fid)
        out.append(Figure(fid, custom.name if custom else fid, custom.unit if custom else "", "custom", fid in scored))
    listed = {f.id for f in out}
    out += [Figure(f.id, f.name, f.unit, f.kind, False) for f in STANDARD_FIELDS.values() if f.id not in listed]
    return tuple(sorted(out, key=lambda f: not f.scored))


def _points(value: Decimal) -> str:
    return fmt_points(value)


def entry_of(leaf: Indicator) -> str:
    """What the unit enters for a leaf (formats §2 ``inputs``): judgement, checklist, count,
    yes_no, choice, value, computed (a value computed from the 数据表; an entry stands in) or auto
    (decided from the figures or the 绩效指标; nothing to enter)."""
    assert leaf.rule is not None
    return kind_of(leaf.rule).entry(leaf.rule, leaf.value is not None)


def leaf_spec(leaf: Indicator, trail: tuple[str, ...]) -> LeafSpec:
    rule = leaf.rule
    assert rule is not None
    kind = kind_of(rule)
    options = tuple((i, text, _points(points)) for i, (text, points) in enumerate(kind.options(rule)))
    tiers = tuple(t.name for t in rule.tiers) if rule.type == "judgement" else ()
    return LeafSpec(
        id=leaf.id,
        name=leaf.name,
        trail=trail,
        weight=_points(leaf.weight),
        rule_type=rule.type,
        rule_name=RULE_NAMES_ZH[rule.type],
        criteria=leaf.criteria or describe(rule, leaf.weight, leaf.unit),
        definition=leaf.definition,
        entry=entry_of(leaf),
        formula=leaf.formula_text or leaf.value_text,
        options=options,
        tiers=tiers,
        can_not_apply=leaf.not_applicable is not None,
        credited=tuple(i for i, item in enumerate(rule.items) if item.credit_if_not_applicable)
        if isinstance(rule, ChecklistRule)
        else (),
    )


def evaluation_spec(framework: Framework, given_figures: tuple[str, ...] = ()) -> EvaluationSpec:
    """Everything a form or a skeleton asks of the unit for ``framework``."""
    leaves: list[LeafSpec] = []
    choices: list[ChoiceSpec] = []
    trail: list[str] = []
    for node, depth in framework.walk():
        del trail[depth - 1 :]
        if node.is_leaf:
            leaves.append(leaf_spec(node, tuple(trail)))
        else:
            if node.alternatives:
                choices.append(ChoiceSpec(node.id, node.name, tuple((c.id, c.name) for c in node.children)))
            trail.append(node.name)
    return EvaluationSpec(
        figures=figures(framework, given_figures),
        leaves=tuple(leaves),
        choices=tuple(choices),
        bonus=framework.bonus.name if framework.bonus else "",
        penalty=framework.penalty.name if framework.penalty else "",
        sections=NARRATIVE_SECTIONS,
    )
