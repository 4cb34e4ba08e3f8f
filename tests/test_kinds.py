"""The registry of rule kinds (``core.kinds``): every behaviour covers every kind.

Each kind has a sample below (a rule, the input that scores it and the score expected); a kind
added without one fails here, and so does a kind that a behaviour forgets: reading, the fast
fraction and the worded outcome agreeing, the 评分标准 in words, the skeleton of ``jixiao init``,
the web form's entry, and the 评分表 export.
"""

from __future__ import annotations

import typing
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.core import kinds, model
from jixiao.core.leafscore import _SUBJECTS
from jixiao.core.model import Rule
from jixiao.core.spec import evaluation_spec
from jixiao.documents.tables import criteria_of
from jixiao.frameworks.evaluation import INPUT_KEYS
from jixiao.services.template import evaluation_template
from tables import score, table

D = Decimal

# type → (rule YAML, extra leaf keys, evaluation body, expected score of a leaf of weight 4)
SAMPLES: dict[str, tuple[str, str, str, str]] = {
    "proportional": ("{type: proportional, target: 100}", 'unit: "%"', "inputs: {a: {value: 50}}", "2"),
    "threshold": ("{type: threshold, standard: 5, per: 1}", 'unit: "%"', "inputs: {a: {value: 7}}", "2"),
    "bands": ("{type: bands, bands: [{min: 90, score: 4}, {score: 1}]}", "", "inputs: {a: {value: 50}}", "1"),
    "checklist": (
        "{type: checklist, items: [{text: 甲, points: 2, required: true}, {text: 乙, points: 2}]}",
        "",
        "inputs: {a: {checked: [0]}}",
        "2",
    ),
    "per_occurrence": ("{type: per_occurrence, per: 1}", "", "inputs: {a: {count: 3}}", "1"),
    "yes_no": ("{type: yes_no}", "", "inputs: {a: {value: true}}", "4"),
    "categorical": (
        "{type: categorical, options: [{text: 甲, score: 4, when: petitions == 0}, {text: 乙, score: 1}]}",
        "",
        "data: {petitions: 2}",
        "1",
    ),
    "judgement": ("{type: judgement, default: full_marks}", "", "inputs: {a: {score: 3, reason: 扣1分}}", "3"),
    "goals": (
        "{type: goals, kinds: [数量]}",
        "",
        "goals: [{goal: g, indicators: [{name: x, kind: 数量, target: 2, actual: 1}, "
        "{name: y, kind: 数量, target: 2, actual: 3}]}]",
        "2",
    ),
}
FORM_ENTRIES = ("judgement", "checklist", "count", "yes_no", "choice", "value", "auto", "computed")
FORM = Path(__file__).parent.parent / "src/jixiao/web/front/templates/jixiao/submission.html"


def sample_table(kind: str):  # type: ignore[no-untyped-def]
    rule, extra, _, _ = SAMPLES[kind]
    return table(f"""
total: 4
indicators:
  - id: a
    name: 样例指标
    weight: 4
    {extra}
    rule: {rule}
""")


def test_every_rule_class_has_one_kind_and_every_kind_a_sample() -> None:
    classes = set(typing.get_args(Rule))
    assert classes == {kind.rule for kind in kinds.KINDS.values()}
    assert set(SAMPLES) == set(kinds.KINDS)
    assert model.RULE_TYPES == kinds.RULE_TYPES  # the old names still answer
    for kind in kinds.KINDS.values():
        assert kind.rule.__dataclass_fields__["type"].default == kind.type


@pytest.mark.parametrize("kind", list(kinds.KINDS))
def test_every_kind_reads_scores_and_explains(kind: str) -> None:
    framework = sample_table(kind)
    leaf = framework.indicators[0]
    assert kinds.kind_of(leaf.rule).type == kind
    card = score(framework, SAMPLES[kind][2])
    assert card.ok, card.issues
    assert card.indicator("a").score == D(SAMPLES[kind][3])
    assert card.indicator("a").explanation.endswith(f"得{SAMPLES[kind][3]}分")


@pytest.mark.parametrize("kind", list(kinds.KINDS))
def test_every_kind_has_an_engine_subject_and_known_input_keys(kind: str) -> None:
    declared = kinds.KINDS[kind]
    assert declared.subject in _SUBJECTS
    assert declared.inputs <= set(INPUT_KEYS)
    assert declared.name_zh and all("\u4e00" <= c <= "\u9fff" for c in declared.name_zh)


@pytest.mark.parametrize("kind", list(kinds.KINDS))
def test_every_kind_is_described_skeletoned_and_offered_on_the_form(kind: str) -> None:
    framework = sample_table(kind)
    leaf = framework.indicators[0]
    described = criteria_of(leaf)  # the 评分表 export and the form use this wording
    assert described.endswith("。") and "分" in described
    if kind != "yes_no":
        assert not described.startswith("是，计")
    spec = evaluation_spec(framework).leaves[0]
    assert spec.entry in FORM_ENTRIES
    assert spec.rule_name == kinds.RULE_NAMES_ZH[kind]
    if spec.entry != "computed":
        assert f'leaf.entry == "{spec.entry}"' in FORM.read_text(encoding="utf-8")
    skeleton = evaluation_template(framework, "测试单位", 2023)
    assert "样例指标" in skeleton
    line = kinds.KINDS[kind].skeleton(leaf.rule)
    assert (f"  a: {line}" in skeleton) if line else ("  a:" not in skeleton)


@pytest.mark.parametrize("kind", list(kinds.KINDS))
def test_the_fast_path_and_the_worded_outcome_agree(kind: str) -> None:
    """The engine scores with the kind's prepared fraction and words with its outcome: the two
    must give the same fraction for the sample."""
    from jixiao.core.engine import _Run
    from jixiao.core.plan import Plan
    from jixiao.frameworks.evaluation import load_evaluation
    from jixiao.frameworks.yamlio import loads

    framework = sample_table(kind)
    doc = loads("format: jixiao/evaluation@1\nframework: t\nyear: 2023\nunit: {name: 测试单位}\n" + SAMPLES[kind][2])
    evaluation = load_evaluation(doc, "e.yaml").evaluation
    assert evaluation is not None
    run = _Run(Plan(framework), evaluation)
    card = run.run()
    leaf = run.plan.leaves[0]
    outcome = run.outcome(leaf)
    assert outcome is not None and outcome.fraction is not None
    assert (outcome.fraction * 4).quantize(D("0.01")) == card.indicator("a").score
    fast = leaf.fraction(run.value[0]) if leaf.needs_value else run.entered_fraction(leaf)
    assert fast == outcome.fraction
