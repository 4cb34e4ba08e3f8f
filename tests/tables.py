"""Helpers to build small tables and evaluations from YAML text in tests."""

from __future__ import annotations

import textwrap

from jixiao.core.engine import Engine
from jixiao.core.model import Framework, Scorecard
from jixiao.frameworks.evaluation import load_evaluation
from jixiao.frameworks.loader import load_document
from jixiao.frameworks.yamlio import loads

HEAD = """
format: jixiao/framework@1
id: t
version: 1
name: 测试表
provenance: example
source: 测试
"""


def table(body: str) -> Framework:
    loaded = load_document(loads(HEAD + textwrap.dedent(body)), "t.yaml")
    assert loaded.framework is not None, [(i.code, i.path, i.message) for i in loaded.issues]
    return loaded.framework


def score(framework: Framework, body: str) -> Scorecard:
    doc = loads(
        "format: jixiao/evaluation@1\nframework: t\nyear: 2023\nunit: {name: 测试单位}\n" + textwrap.dedent(body)
    )
    loaded = load_evaluation(doc, "e.yaml")
    assert loaded.evaluation is not None
    assert not loaded.issues, [(i.code, i.path, i.message) for i in loaded.issues]
    return Engine(framework).score(loaded.evaluation)


def codes(card: Scorecard) -> set[str]:
    return {i.code for i in card.issues}
