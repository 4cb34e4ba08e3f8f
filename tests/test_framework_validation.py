"""Validation of scoring tables (formats §1): every error with its code, severity, path and message.

Each test starts from a small valid table (``BASE``), changes one thing, and checks the issue
that ``load_document`` reports: the code, the severity, the exact key path, and a Chinese
message that names the problem.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from jixiao.core.canonical import sha256_of
from jixiao.core.model import Framework, Issue, Severity
from jixiao.frameworks import yamlio
from jixiao.frameworks.loader import Loaded, builtin_ids, builtin_path, load_document, load_path

FILE = "t.yaml"
CJK = re.compile(r"[\u4e00-\u9fff]")

# total 10 = a (6: a.x 3 + a.y 3) + b (4)
BASE = """
format: jixiao/framework@1
id: t
version: 1
name: 测试表
provenance: example
source: 测试
total: 10
years: [2023]
indicators:
  - id: a
    name: 甲
    weight: 6
    children:
      - {id: a.x, name: 甲一, weight: 3, rule: {type: judgement}}
      - {id: a.y, name: 甲二, weight: 3, value: "petitions == 0", rule: {type: yes_no}}
  - id: b
    name: 乙
    weight: 4
    value: expenditure_final / expenditure_budget * 100
    rule: {type: proportional, target: 100}
"""


# --------------------------------------------------------------------------- helpers


def y(text: str) -> Any:
    """A YAML value as the loader would see it (numbers are exact Decimals)."""
    return yamlio.loads(f"v: {text}")["v"]


def table() -> dict[str, Any]:
    """A fresh valid table document."""
    doc = yamlio.loads(BASE)
    assert isinstance(doc, dict)
    return doc


def node(doc: dict[str, Any], node_id: str) -> dict[str, Any]:
    """The node dict with ``id`` == node_id."""

    def find(nodes: list[dict[str, Any]]) -> dict[str, Any] | None:
        for n in nodes:
            if n.get("id") == node_id:
                return n
            found = find(n.get("children") or [])
            if found is not None:
                return found
        return None

    found = find(doc["indicators"])
    assert found is not None, node_id
    return found


def with_rule(rule: str, value: str | None = "satisfaction", doc: dict[str, Any] | None = None,
              ) -> dict[str, Any]:
    """The table with leaf ``b`` (weight 4) given ``rule`` (flow YAML) and ``value``."""
    doc = doc if doc is not None else table()
    leaf = node(doc, "b")
    leaf["rule"] = y(rule)
    leaf.pop("value", None)
    if value is not None:
        leaf["value"] = value
    return doc


def load(doc: Any) -> Loaded:
    return load_document(doc, FILE)


def show(issues: tuple[Issue, ...]) -> str:
    return "\n".join(f"{i.severity.value} {i.code} {i.path} {i.message}" for i in issues)


def expect(loaded: Loaded, code: str, path: str, *words: str,
           severity: Severity = Severity.ERROR) -> Issue:
    """The issue with ``code`` at ``path``; checks severity, file, a Chinese message and words."""
    found = [i for i in loaded.issues if i.code == code and i.path == path]
    assert found, f"no {code} at {path}; issues:\n{show(loaded.issues)}"
    issue = found[0]
    assert issue.severity is severity, show(loaded.issues)
    assert issue.file == FILE
    assert CJK.search(issue.message), issue.message
    for word in words:
        assert word in issue.message, (word, issue.message)
    if severity is Severity.ERROR:
        assert loaded.framework is None, "a table with errors must not be returned"
    return issue


def ok(loaded: Loaded) -> Framework:
    errors = [i for i in loaded.issues if i.severity is Severity.ERROR]
    assert not errors, show(loaded.issues)
    assert loaded.framework is not None
    return loaded.framework


def leaf_path(node_id: str, *keys: str) -> str:
    return f'indicators["{node_id}"]' + "".join(f".{k}" for k in keys)


# --------------------------------------------------------------------------- the valid table


def test_valid_table_loads_without_issues() -> None:
    loaded = load(table())
    fw = ok(loaded)
    assert loaded.issues == ()
    assert (fw.id, fw.version, fw.total, fw.cap) == ("t", 1, Decimal(10), Decimal(10))
    assert [n.id for n, _ in fw.walk()] == ["a", "a.x", "a.y", "b"]
    assert fw.years == (2023,)
    assert fw.file == FILE
    assert re.fullmatch(r"[0-9a-f]{64}", fw.sha256)


def test_sha256_is_the_canonical_json_hash() -> None:
    doc = table()
    assert ok(load(doc)).sha256 == sha256_of(doc)


def _reversed(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _reversed(obj[k]) for k in reversed(list(obj))}
    if isinstance(obj, list):
        return [_reversed(v) for v in obj]
    return obj


def test_sha256_does_not_depend_on_key_order() -> None:
    doc = table()
    again = _reversed(doc)
    assert list(again) != list(doc)
    assert ok(load(again)).sha256 == ok(load(doc)).sha256


def test_sha256_does_not_depend_on_how_a_number_is_written() -> None:
    text = BASE.replace("total: 10", "total: 10.0").replace("weight: 4", "weight: 4.00")
    assert text != BASE
    assert ok(load(yamlio.loads(text))).sha256 == ok(load(table())).sha256


def test_sha256_changes_when_a_weight_changes() -> None:
    doc = table()
    node(doc, "a.x")["weight"] = y("2.5")
    node(doc, "a.y")["weight"] = y("3.5")
    assert ok(load(doc)).sha256 != ok(load(table())).sha256


def test_decimal_weights_add_up_exactly() -> None:
    doc = table()  # 0.1 + 0.2 == 0.3 as decimals (not as floats)
    node(doc, "a")["weight"] = y("0.3")
    node(doc, "a.x")["weight"] = y("0.1")
    node(doc, "a.y")["weight"] = y("0.2")
    node(doc, "b")["weight"] = y("9.7")
    ok(load(doc))


KNOWN_BUILTINS = ("lechang-2023", "zhanjiang-city", "mof-2013", "potou-2022", "dazhou")


@pytest.mark.parametrize("table_id", sorted(set(KNOWN_BUILTINS) | set(builtin_ids())))
def test_builtin_table_loads_without_errors(table_id: str) -> None:
    path = builtin_path(table_id)
    if path is None:
        pytest.skip(f"built-in table {table_id} does not exist yet")
    fw = ok(load_path(path))
    assert fw.id == table_id


# --------------------------------------------------------------------------- weights


def test_top_level_weights_must_add_up_to_total() -> None:
    doc = table()
    doc["total"] = y("11")
    expect(load(doc), "weight-sum", "total", "6+4=10", "11", "不符")


def test_children_weights_must_add_up_to_parent() -> None:
    doc = table()
    node(doc, "a.x")["weight"] = y("4")
    node(doc, "a")["children"].append(y("{id: a.z, name: 甲三, weight: 1, rule: {type: judgement}}"))
    doc["total"] = y("10")
    expect(load(doc), "weight-sum", leaf_path("a", "weight"), "4+3+1=8", "6", "不符")


def test_deep_inner_node_weights_are_checked() -> None:
    doc = table()
    node(doc, "a.x").pop("rule")
    node(doc, "a.x")["children"] = y("[{id: a.x.1, name: 深, weight: 2, rule: {type: judgement}}]")
    expect(load(doc), "weight-sum", leaf_path("a.x", "weight"), "2", "3")


def test_alternatives_children_must_carry_the_parent_weight() -> None:
    doc = table()
    node(doc, "a")["alternatives"] = True
    loaded = load(doc)
    for child in ("a.x", "a.y"):
        expect(loaded, "weight-sum", leaf_path(child, "weight"), "二者择其一", "6", "3")


def test_alternatives_with_parent_weight_are_valid() -> None:
    doc = table()
    node(doc, "a")["alternatives"] = True
    node(doc, "a.x")["weight"] = y("6")
    node(doc, "a.y")["weight"] = y("6")
    fw = ok(load(doc))
    assert fw.indicators[0].alternatives


def test_negative_weight_is_an_error() -> None:
    doc = table()
    node(doc, "b")["weight"] = y("-4")
    expect(load(doc), "rule-key-type", leaf_path("b", "weight"), "负数")


def test_leaf_weight_zero_is_an_error() -> None:
    doc = table()
    node(doc, "b")["weight"] = y("0")
    doc["total"] = y("6")
    expect(load(doc), "rule-key-type", leaf_path("b", "weight"), "大于0")


@pytest.mark.parametrize("text", ['"4分"', '"4%"', "四", "true"])
def test_weight_as_text_is_not_a_number(text: str) -> None:
    doc = table()
    node(doc, "b")["weight"] = y(text)
    expect(load(doc), "not-a-number", leaf_path("b", "weight"), "应为数字")


# --------------------------------------------------------------------------- ids


def test_duplicate_ids_are_an_error() -> None:
    doc = table()
    node(doc, "b")["id"] = "a.x"
    expect(load(doc), "duplicate-id", leaf_path("a.x", "id"), "a.x", "重复")


def test_duplicate_id_of_inner_and_leaf() -> None:
    doc = table()
    node(doc, "a.y")["id"] = "a"
    expect(load(doc), "duplicate-id", leaf_path("a", "id"), "重复")


@pytest.mark.parametrize("bad", ["b c", "b..c", ".b", "b.", "b/c", "乙", "b:c", "b-", "b@c"])
def test_invalid_indicator_ids(bad: str) -> None:
    doc = table()
    node(doc, "b")["id"] = bad
    expect(load(doc), "id-invalid", leaf_path(bad, "id"), bad)


@pytest.mark.parametrize("good", ["b", "B_1", "b-2", "b.c.d", "b_c-d.e"])
def test_valid_indicator_ids(good: str) -> None:
    doc = table()
    node(doc, "b")["id"] = good
    ok(load(doc))


@pytest.mark.parametrize("bad", ["T", "t_1", "t.1", "测试", "t 1"])
def test_invalid_table_id(bad: str) -> None:
    doc = table()
    doc["id"] = bad
    expect(load(doc), "id-invalid", "id", bad)


def test_missing_indicator_id_uses_positional_path() -> None:
    doc = table()
    node(doc, "b").pop("id")
    expect(load(doc), "key-missing", "indicators[1].id", "缺少")


@pytest.mark.parametrize("field_id", ["Bad", "bad-id", "1bad", "satisfaction"])
def test_invalid_custom_field_ids(field_id: str) -> None:
    doc = table()
    doc["fields"] = {field_id: y("{name: 自定义}")}
    expect(load(doc), "id-invalid", f"fields.{field_id}" if field_id.replace("_", "").isalnum()
           else f'fields["{field_id}"]', field_id)


# --------------------------------------------------------------------------- move_to


def test_move_to_a_sibling_leaf_is_valid() -> None:
    doc = table()
    node(doc, "a.x")["not_applicable"] = y("{move_to: a.y}")
    fw = ok(load(doc))
    assert fw.indicators[0].children[0].not_applicable is not None


@pytest.mark.parametrize(("source", "target", "why"), [
    ("a.x", "b", "not a sibling"),
    ("b", "a", "a sibling but not a leaf"),
    ("a.x", "a.x", "itself"),
    ("a.x", "zz", "no such indicator"),
])
def test_move_to_invalid(source: str, target: str, why: str) -> None:
    doc = table()
    node(doc, source)["not_applicable"] = {"move_to": target}
    expect(load(doc), "move-to-invalid", leaf_path(source, "not_applicable", "move_to"), target, "同级末级指标")


def test_move_to_chained() -> None:
    doc = table()
    node(doc, "a")["children"].append(y("{id: a.z, name: 甲三, weight: 1, rule: {type: judgement}}"))
    node(doc, "a.x")["weight"] = y("2")
    node(doc, "a.x")["not_applicable"] = y("{move_to: a.y}")
    node(doc, "a.y")["not_applicable"] = y("{move_to: a.z}")
    loaded = load(doc)
    expect(loaded, "move-to-invalid", leaf_path("a.x", "not_applicable", "move_to"), "a.y", "连续")
    assert not [i for i in loaded.issues if i.path == leaf_path("a.y", "not_applicable", "move_to")]


def test_move_to_each_other() -> None:
    doc = table()
    node(doc, "a.x")["not_applicable"] = y("{move_to: a.y}")
    node(doc, "a.y")["not_applicable"] = y("{move_to: a.x}")
    loaded = load(doc)
    expect(loaded, "move-to-invalid", leaf_path("a.x", "not_applicable", "move_to"), "连续")
    expect(loaded, "move-to-invalid", leaf_path("a.y", "not_applicable", "move_to"), "连续")


@pytest.mark.parametrize("policy", ["half", "{move_to: a.y, extra: 1}", "{move_to: 5}", "[zero]", "true"])
def test_not_applicable_policy_mistyped(policy: str) -> None:
    doc = table()
    node(doc, "a.x")["not_applicable"] = y(policy)
    expect(load(doc), "rule-key-type", leaf_path("a.x", "not_applicable"), "full_marks", "zero", "move_to")


@pytest.mark.parametrize("policy", ["full_marks", "zero"])
def test_not_applicable_policies_valid(policy: str) -> None:
    doc = table()
    node(doc, "a.x")["not_applicable"] = policy
    ok(load(doc))


# --------------------------------------------------------------------------- rule keys


@pytest.mark.parametrize(("rule", "key"), [
    ("{type: proportional}", "target"),
    ("{type: threshold, per: 1}", "standard"),
    ("{type: threshold, standard: 5}", "per"),
    ("{type: per_occurrence}", "per"),
    ("{type: bands}", "bands"),
    ("{type: checklist}", "items"),
    ("{type: categorical}", "options"),
    ("{target: 100}", "type"),
    ("{type: null}", "type"),
])
def test_missing_rule_keys(rule: str, key: str) -> None:
    expect(load(with_rule(rule)), "key-missing", leaf_path("b", "rule", key), "缺少", key)


@pytest.mark.parametrize(("rule", "path"), [
    ("{type: checklist, items: [{text: 一}]}", "rule.items[0].points"),
    ("{type: checklist, items: [{points: 4}]}", "rule.items[0].text"),
    ("{type: categorical, options: [{text: 一}]}", "rule.options[0].score"),
    ("{type: judgement, tiers: [{min_ratio: 0, max_ratio: 1}]}", "rule.tiers[0].name"),
    ("{type: judgement, tiers: [{name: 好, max_ratio: 1}]}", "rule.tiers[0].min_ratio"),
])
def test_missing_keys_inside_rule_entries(rule: str, path: str) -> None:
    expect(load(with_rule(rule, None)), "key-missing", f"{leaf_path('b')}.{path}", "缺少")


@pytest.mark.parametrize(("rule", "path", "words"), [
    ("{type: bands, bands: []}", "rule.bands", ("不能为空",)),
    ("{type: checklist, items: []}", "rule.items", ("不能为空",)),
    ("{type: categorical, options: []}", "rule.options", ("不能为空",)),
    ("{type: bands, bands: [{min: 0}]}", "rule.bands[0]", ("score", "ratio")),
    ("{type: bands, bands: [{min: 0, score: 4, ratio: 1}]}", "rule.bands[0]", ("score", "ratio")),
])
def test_rule_key_missing(rule: str, path: str, words: tuple[str, ...]) -> None:
    expect(load(with_rule(rule)), "rule-key-missing", f"{leaf_path('b')}.{path}", *words)


@pytest.mark.parametrize(("rule", "key"), [
    ('{type: proportional, target: "100%"}', "target"),
    ("{type: proportional, target: 百}", "target"),
    ("{type: proportional, target: true}", "target"),
    ('{type: threshold, standard: "5万元", per: 1}', "standard"),
    ('{type: threshold, standard: 5, per: "1分"}', "per"),
    ("{type: threshold, standard: 5, per: 1, step: 一}", "step"),
    ('{type: per_occurrence, per: "0.5分"}', "per"),
])
def test_text_where_a_rule_number_belongs(rule: str, key: str) -> None:
    issue = expect(load(with_rule(rule)), "not-a-number", leaf_path("b", "rule", key), "应为数字")
    assert "实为" in issue.message


def test_not_a_number_message_explains_percent() -> None:
    issue = expect(load(with_rule('{type: proportional, target: "100%"}')), "not-a-number",
                   leaf_path("b", "rule", "target"))
    assert "“100%”" in issue.message and "百分号" in issue.message


@pytest.mark.parametrize(("rule", "path", "words"), [
    ("{type: proportional, target: 100, direction: up}", "rule.direction", ("higher", "lower", "up")),
    ("{type: threshold, standard: 5, per: 0}", "rule.per", ("大于0",)),
    ("{type: threshold, standard: 5, per: 1, step: 0}", "rule.step", ("大于0",)),
    ("{type: threshold, standard: 5, per: 1, direction: higher}", "rule.direction", ("max", "min")),
    ("{type: threshold, standard: 5, per: 1, steps: round}", "rule.steps", ("exact", "floor", "ceil")),
    ("{type: per_occurrence, per: -1}", "rule.per", ("大于0",)),
    ("{type: bands, bands: [{ratio: 1.5}]}", "rule.bands[0].ratio", ("0 至 1",)),
    ("{type: judgement, tiers: [{name: 好, min_ratio: 0.9, max_ratio: 0.5}]}", "rule.tiers[0]",
     ("min_ratio", "max_ratio")),
    ("{type: judgement, tiers: [{name: 好, min_ratio: 0.8, max_ratio: 80}]}", "rule.tiers[0]",
     ("比例",)),
])
def test_mistyped_rule_keys(rule: str, path: str, words: tuple[str, ...]) -> None:
    expect(load(with_rule(rule)), "rule-key-type", f"{leaf_path('b')}.{path}", *words)


@pytest.mark.parametrize(("rule", "path"), [
    ("judgement", "rule"),
    ("[judgement]", "rule"),
    ("{type: checklist, items: {text: 一, points: 4}}", "rule.items"),
    ("{type: bands, bands: [{min: 0, score: 4, min_inclusive: yes}]}", "rule.bands[0].min_inclusive"),
    ("{type: judgement, tiers: 好}", "rule.tiers"),
    ("{type: [judgement]}", "rule.type"),
])
def test_wrong_structure_in_rule(rule: str, path: str) -> None:
    expect(load(with_rule(rule)), "key-type", f"{leaf_path('b')}.{path}", "应为")


@pytest.mark.parametrize(("rule", "path"), [
    ("{type: proportional, target: 100, per: 1}", "rule.per"),
    ("{type: yes_no, target: 1}", "rule.target"),
    ("{type: judgement, weight: 4}", "rule.weight"),
    ("{type: bands, bands: [{min: 0, score: 4, points: 1}]}", "rule.bands[0].points"),
    ("{type: checklist, items: [{text: 一, points: 4, score: 1}]}", "rule.items[0].score"),
    ("{type: categorical, options: [{text: 一, score: 4, points: 1}]}", "rule.options[0].points"),
    ("{type: judgement, tiers: [{name: 好, min_ratio: 0, max_ratio: 1, score: 1}]}", "rule.tiers[0].score"),
])
def test_unknown_rule_keys_are_errors(rule: str, path: str) -> None:
    key = path.rsplit(".", 1)[1]
    expect(load(with_rule(rule)), "key-unknown", f"{leaf_path('b')}.{path}", "未知", key)


@pytest.mark.parametrize("kind", ["linear", "Judgement", "percent", "bonus", "5"])
def test_unknown_rule_type(kind: str) -> None:
    expect(load(with_rule(f"{{type: {kind}}}")), "rule-type-unknown", leaf_path("b", "rule", "type"),
           kind, "未知")


@pytest.mark.parametrize("rule", [
    "{type: threshold, standard: 5, per: 1, direction: min, step: 0.5, steps: ceil}",
    "{type: per_occurrence, per: 0.5}",
    "{type: checklist, items: [{text: 一, points: 2}, {text: 二, points: 2}, {text: 三, points: 1}]}",
    "{type: categorical, options: [{text: 一, score: 4}, {text: 二, score: 0}]}",
    "{type: judgement, tiers: [{name: 好, min_ratio: 0.8, max_ratio: 1}, {name: 差, min_ratio: 0, max_ratio: 0.8}]}",
    "{type: proportional, target: 5, direction: lower, text: 越低越好}",
])
def test_valid_rules(rule: str) -> None:
    value = "petitions" if "threshold" in rule or "proportional" in rule else None
    ok(load(with_rule(rule, value)))


# --------------------------------------------------------------------------- checklist, options, scores


def test_checklist_points_that_cannot_reach_the_weight() -> None:
    rule = "{type: checklist, items: [{text: 一, points: 1}, {text: 二, points: 2.5}]}"
    expect(load(with_rule(rule, None)), "checklist-short", leaf_path("b", "rule", "items"), "3.5", "4", "达不到")


def test_checklist_points_exactly_the_weight_are_valid() -> None:
    rule = "{type: checklist, items: [{text: 一, points: 1.5}, {text: 二, points: 2.5}]}"
    ok(load(with_rule(rule, None)))


@pytest.mark.parametrize(("rule", "path", "score"), [
    ("{type: checklist, items: [{text: 一, points: 5}]}", "rule.items[0].points", "5"),
    ("{type: checklist, items: [{text: 一, points: 4}, {text: 二, points: -1}]}", "rule.items[1].points", "-1"),
    ("{type: categorical, options: [{text: 一, score: 4.5}]}", "rule.options[0].score", "4.5"),
    ("{type: bands, bands: [{min: 90, score: 5}, {max: 90, max_inclusive: false, score: 0}]}",
     "rule.bands[0].score", "5"),
    ("{type: bands, bands: [{min: 90, score: 4}, {max: 90, max_inclusive: false, score: -1}]}",
     "rule.bands[1].score", "-1"),
])
def test_scores_above_the_weight(rule: str, path: str, score: str) -> None:
    expect(load(with_rule(rule)), "score-over-weight", f"{leaf_path('b')}.{path}", score, "4分", "超出")


# --------------------------------------------------------------------------- bands

VALID_BANDS = ("{type: bands, bands: [{min: 90, score: 4}, {min: 60, max: 90, max_inclusive: false, score: 2},"
               " {max: 60, max_inclusive: false, score: 0}]}")


def test_contiguous_bands_are_valid() -> None:
    ok(load(with_rule(VALID_BANDS)))


def test_point_band_with_inclusive_bounds_is_valid() -> None:
    rule = ("{type: bands, bands: [{min: 100, max: 100, score: 4}, {min: 100, min_inclusive: false, score: 4},"
            " {max: 100, max_inclusive: false, score: 0}]}")
    ok(load(with_rule(rule)))


def test_ratio_bands_are_valid() -> None:
    ok(load(with_rule("{type: bands, bands: [{min: 90, ratio: 1}, {max: 90, max_inclusive: false, ratio: 0.5}]}")))


@pytest.mark.parametrize(("bands", "first", "second"), [
    # a shared bound inclusive on both sides: 90 lies in both
    ("[{min: 90, score: 4}, {min: 60, max: 90, score: 2}, {max: 60, max_inclusive: false, score: 0}]", 1, 0),
    # overlapping ranges
    ("[{min: 80, score: 4}, {max: 90, score: 2}]", 1, 0),
    ("[{min: 0, max: 50, score: 1}, {min: 40, max: 100, score: 4}]", 0, 1),
    # two bands open upwards
    ("[{min: 80, score: 4}, {min: 90, score: 2}, {max: 80, max_inclusive: false, score: 0}]", 0, 1),
    # two bands open downwards
    ("[{max: 80, score: 4}, {max: 90, score: 2}, {min: 90, min_inclusive: false, score: 0}]", 0, 1),
    # a band without bounds and another band
    ("[{score: 4}, {min: 90, score: 2}]", 0, 1),
])
def test_bands_that_overlap(bands: str, first: int, second: int) -> None:
    issue = expect(load(with_rule(f"{{type: bands, bands: {bands}}}")), "band-overlap",
                   leaf_path("b", "rule", "bands"), "重叠")
    assert f"bands[{first}]" in issue.message and f"bands[{second}]" in issue.message


@pytest.mark.parametrize("bands", [
    "[{min: 90, score: 4}, {max: 80, score: 0}]",
    "[{min: 90, score: 4}, {min: 60, max: 80, score: 2}, {max: 60, max_inclusive: false, score: 0}]",
    # a shared bound exclusive on both sides: exactly 90 falls in no band
    "[{min: 90, min_inclusive: false, score: 4}, {max: 90, max_inclusive: false, score: 0}]",
])
def test_bands_that_leave_a_gap(bands: str) -> None:
    expect(load(with_rule(f"{{type: bands, bands: {bands}}}")), "band-gap", leaf_path("b", "rule", "bands"),
           "空档", "无法计分")


def test_a_bad_band_bound_flag_is_reported_once() -> None:
    rule = ("{type: bands, bands: [{min: 90, min_inclusive: maybe, score: 4},"
            " {max: 90, max_inclusive: false, score: 0}]}")
    issues = [i for i in load(with_rule(rule)).issues if i.path.endswith("min_inclusive")]
    assert len(issues) == 1, show(tuple(issues))


def test_two_tiers_with_one_name_are_an_error() -> None:
    rule = ("{type: judgement, tiers: [{name: 好, min_ratio: 0.8, max_ratio: 1},"
            " {name: 好, min_ratio: 0, max_ratio: 0.5}]}")
    expect(load(with_rule(rule, value=None)), "tier-duplicate", leaf_path("b", "rule", "tiers[1]"), "好", "唯一")


def test_bands_that_leave_values_beyond_their_ends_are_warned() -> None:
    rule = "{type: bands, bands: [{min: 90, max: 120, score: 4}, {min: 0, max: 90, max_inclusive: false, score: 2}]}"
    loaded = load(with_rule(rule))
    assert loaded.framework is not None  # usable: only a warning
    expect(loaded, "band-uncovered", leaf_path("b", "rule", "bands[1].min"), "低于0", "去掉该档的 min",
           severity=Severity.WARNING)
    expect(loaded, "band-uncovered", leaf_path("b", "rule", "bands[0].max"), "高于120", "去掉该档的 max",
           severity=Severity.WARNING)


def test_open_ended_bands_cover_every_value() -> None:
    rule = "{type: bands, bands: [{min: 90, score: 4}, {max: 90, max_inclusive: false, score: 2}]}"
    assert "band-uncovered" not in {i.code for i in load(with_rule(rule)).issues}


def test_band_with_min_above_max_is_empty() -> None:
    rule = "{type: bands, bands: [{min: 90, max: 80, score: 4}]}"
    expect(load(with_rule(rule)), "band-empty", leaf_path("b", "rule", "bands[0]"), "90", "80")


def test_band_with_equal_bounds_and_an_exclusive_end_is_empty() -> None:
    rule = ("{type: bands, bands: [{min: 90, max: 90, min_inclusive: false, score: 4},"
            " {max: 90, score: 0}]}")
    expect(load(with_rule(rule)), "band-empty", leaf_path("b", "rule", "bands[0]"))


# --------------------------------------------------------------------------- expressions


@pytest.mark.parametrize("text", [
    "(expenditure_final / expenditure_budget * 100",
    "expenditure_final / expenditure_budget) * 100",
    "((satisfaction)",
    "1 < satisfaction < 2",
    "satisfaction == 1 == 1",
    "satisfaction +",
    "satisfaction *",
    "* satisfaction",
    "satisfaction $ 2",
    "satisfaction % 2",
    "satisfaction ** 2",
    "satisfaction 2",
    "eval('1')",
    "eval(satisfaction)",
    "__import__('os').system('ls')",
    "lambda: 1",
    "satisfaction; 1",
    "   ",
    "abs(1, 2)",
    "abs()",
    "min(satisfaction < 1)",
    "not satisfaction",
    "satisfaction and 1",
    "1e5",
])
def test_expressions_that_do_not_parse(text: str) -> None:
    doc = table()
    node(doc, "b")["value"] = text
    issue = expect(load(doc), "expr-syntax", leaf_path("b", "value"), "无法解析")
    assert f"“{text}”" in issue.message


@pytest.mark.parametrize("text", [
    "expenditure_final ÷ expenditure_budget × 100",
    "（expenditure_final - carryover_end）/ expenditure_budget * 100",
    "max(0, min(100, satisfaction))",
    "abs(-satisfaction) + 1.5",
    "-satisfaction",
])
def test_expressions_that_parse(text: str) -> None:
    doc = table()
    node(doc, "b")["value"] = text
    ok(load(doc))


def test_empty_expression_does_not_parse() -> None:
    doc = table()
    node(doc, "b")["value"] = ""
    expect(load(doc), "expr-syntax", leaf_path("b", "value"), "为空")


def test_expression_written_as_a_yaml_number_is_a_constant() -> None:
    doc = table()
    node(doc, "b")["value"] = y("95")
    assert ok(load(doc)).indicators[1].value_text == "95"


@pytest.mark.parametrize("value", ["[satisfaction]", "{a: 1}", "true"])
def test_expression_that_is_not_text_is_mistyped(value: str) -> None:
    doc = table()
    node(doc, "b")["value"] = y(value)
    expect(load(doc), "key-type", leaf_path("b", "value"), "文本")


@pytest.mark.parametrize(("text", "name"), [
    ("foo / expenditure_budget * 100", "foo"),
    ("expenditure_final / Expenditure_budget", "Expenditure_budget"),
    ("income * 2", "income"),
])
def test_expression_names_an_unknown_field(text: str, name: str) -> None:
    doc = table()
    node(doc, "b")["value"] = text
    expect(load(doc), "expr-unknown-field", leaf_path("b", "value"), f"“{name}”")


def test_expression_may_name_a_declared_custom_field() -> None:
    doc = table()
    doc["fields"] = y('{key_project_rate: {name: 重点项目完成率, unit: "%"}}')
    node(doc, "b")["value"] = "key_project_rate"
    fw = ok(load(doc))
    assert "key_project_rate" in fw.fields


@pytest.mark.parametrize(("text", "target"), [("@nosuch * 2", "nosuch"), ("@a + 1", "a"), ("@a.z", "a.z")])
def test_expression_refers_to_an_unknown_leaf(text: str, target: str) -> None:
    doc = table()
    node(doc, "b")["value"] = text
    expect(load(doc), "expr-unknown-ref", leaf_path("b", "value"), f"@{target}")


def test_expression_may_refer_to_another_leaf() -> None:
    doc = table()
    node(doc, "b")["value"] = "@a.x * 10"
    ok(load(doc))


def test_expression_referring_to_itself_is_a_cycle() -> None:
    doc = table()
    node(doc, "b")["value"] = "@b + 1"
    expect(load(doc), "expr-cycle", leaf_path("b", "value"), "循环", "b → b")


def test_expressions_referring_to_each_other_are_a_cycle() -> None:
    doc = table()
    node(doc, "a.x")["value"] = "@b + 1"
    node(doc, "b")["value"] = "@a.x + 1"
    loaded = load(doc)
    cycles = [i for i in loaded.issues if i.code == "expr-cycle"]
    assert cycles, show(loaded.issues)
    issue = expect(loaded, "expr-cycle", cycles[0].path, "循环")
    assert issue.path in (leaf_path("a.x", "value"), leaf_path("b", "value"))
    assert "a.x" in issue.message and "b" in issue.message


def test_longer_cycle_is_found() -> None:
    doc = table()
    node(doc, "a.x")["value"] = "@a.y"
    node(doc, "a.y")["value"] = "@b > 1"
    node(doc, "b")["value"] = "@a.x * 2"
    loaded = load(doc)
    assert any(i.code == "expr-cycle" and i.severity is Severity.ERROR for i in loaded.issues), show(loaded.issues)
    assert loaded.framework is None


def test_numeric_value_for_yes_no_is_the_wrong_kind() -> None:
    doc = table()
    node(doc, "a.y")["value"] = "petitions"
    expect(load(doc), "expr-kind", leaf_path("a.y", "value"), "yes_no", "条件")


@pytest.mark.parametrize("rule", [
    "{type: proportional, target: 100}",
    "{type: threshold, standard: 5, per: 1}",
    "{type: bands, bands: [{score: 4}]}",
    "{type: per_occurrence, per: 1}",
])
def test_boolean_value_for_a_numeric_rule_is_the_wrong_kind(rule: str) -> None:
    expect(load(with_rule(rule, "satisfaction >= 90")), "expr-kind", leaf_path("b", "value"), "数值")


# --------------------------------------------------------------------------- caps


def test_valid_caps() -> None:
    doc = table()
    doc["caps"] = y('[{when: "@b < 50 and satisfaction < 60", max: 59}]')
    fw = ok(load(doc))
    assert fw.caps[0].max == 59


@pytest.mark.parametrize("when", ["satisfaction <", "(satisfaction < 1", "1 < satisfaction < 2", "eval('x')"])
def test_caps_condition_that_does_not_parse(when: str) -> None:
    doc = table()
    doc["caps"] = [{"when": when, "max": y("59")}]
    expect(load(doc), "expr-syntax", "caps[0].when", f"“{when}”", "无法解析")


@pytest.mark.parametrize("when", ["satisfaction", "@b * 2", "min(satisfaction, 1)"])
def test_caps_condition_that_is_not_boolean(when: str) -> None:
    doc = table()
    doc["caps"] = [{"when": when, "max": y("59")}]
    expect(load(doc), "expr-kind", "caps[0].when", "条件")


def test_caps_condition_with_unknown_field() -> None:
    doc = table()
    doc["caps"] = y('[{when: "foo < 1", max: 59}]')
    expect(load(doc), "expr-unknown-field", "caps[0].when", "“foo”")


def test_caps_condition_with_unknown_ref() -> None:
    doc = table()
    doc["caps"] = y('[{when: "@nosuch < 1", max: 59}]')
    expect(load(doc), "expr-unknown-ref", "caps[0].when", "@nosuch")


def test_caps_condition_may_name_a_declared_custom_field() -> None:
    doc = table()
    doc["fields"] = y("{my_rate: {name: 自定义比率}}")
    doc["caps"] = y('[{when: "my_rate < 50", max: 59}]')
    ok(load(doc))


def test_caps_max_as_text() -> None:
    doc = table()
    doc["caps"] = y('[{when: "satisfaction < 60", max: "59分"}]')
    expect(load(doc), "not-a-number", "caps[0].max", "59分")


def test_caps_missing_keys() -> None:
    doc = table()
    doc["caps"] = y("[{max: 59}]")
    expect(load(doc), "key-missing", "caps[0].when", "缺少")


# --------------------------------------------------------------------------- grades


@pytest.mark.parametrize("grades", [
    "[{grade: 优, min: 90}, {grade: 差, min: 10}]",
    "[{grade: 差, min: 0}, {grade: 优, min: 90}]",
    "[{grade: 优, min: 90}, {grade: 良, min: 95}, {grade: 差, min: 0}]",
    "[{grade: 优, min: 90}, {grade: 良, min: 90}, {grade: 差, min: 0}]",
    "[]",
])
def test_grades_invalid(grades: str) -> None:
    doc = table()
    doc["grades"] = y(grades)
    expect(load(doc), "grades-invalid", "grades", "min", "0")


def test_grades_valid() -> None:
    doc = table()
    doc["grades"] = y("[{grade: 合格, min: 60}, {grade: 不合格, min: 0}]")
    assert [g.grade for g in ok(load(doc)).grades] == ["合格", "不合格"]


def test_grade_missing_min() -> None:
    doc = table()
    doc["grades"] = y("[{grade: 优, min: 90}, {grade: 差}]")
    loaded = load(doc)
    expect(loaded, "key-missing", "grades[1].min", "缺少")


# --------------------------------------------------------------------------- document shape


@pytest.mark.parametrize("fmt", ["jixiao/framework@2", "jixiao/evaluation@1", "framework", None])
def test_unknown_format(fmt: str | None) -> None:
    doc = table()
    if fmt is None:
        doc.pop("format")
    else:
        doc["format"] = fmt
    loaded = load(doc)
    expect(loaded, "format-unknown", "format", "jixiao/framework@1")
    assert len(loaded.issues) == 1


@pytest.mark.parametrize("doc", [None, [], "text", Decimal(5)])
def test_document_that_is_not_a_mapping(doc: Any) -> None:
    expect(load(doc), "key-type", "", "键值映射")


def test_leaf_with_both_children_and_rule() -> None:
    doc = table()
    node(doc, "b")["children"] = y("[{id: b.1, name: 乙一, weight: 4, rule: {type: judgement}}]")
    expect(load(doc), "key-missing", leaf_path("b"), "children", "rule")


def test_node_with_neither_children_nor_rule() -> None:
    doc = table()
    node(doc, "b").pop("rule")
    expect(load(doc), "key-missing", leaf_path("b"), "children", "rule")


def test_inner_node_with_empty_children() -> None:
    doc = table()
    node(doc, "a")["children"] = []
    expect(load(doc), "key-missing", leaf_path("a", "children"), "不能为空")


@pytest.mark.parametrize("key", ["value", "formula_text", "not_applicable", "unit"])
def test_leaf_only_keys_on_an_inner_node(key: str) -> None:
    doc = table()
    node(doc, "a")[key] = "zero" if key == "not_applicable" else "satisfaction"
    expect(load(doc), "key-unknown", leaf_path("a", key), "末级指标")


def test_alternatives_on_a_leaf() -> None:
    doc = table()
    node(doc, "b")["alternatives"] = True
    expect(load(doc), "key-unknown", leaf_path("b", "alternatives"), "中间指标")


def test_missing_name() -> None:
    doc = table()
    node(doc, "b").pop("name")
    expect(load(doc), "key-missing", leaf_path("b", "name"), "缺少")


@pytest.mark.parametrize("key", ["id", "version", "name", "total", "provenance", "source"])
def test_missing_required_top_level_keys(key: str) -> None:
    doc = table()
    doc.pop(key)
    loaded = load(doc)
    expect(loaded, "key-missing", key, "缺少", key)


@pytest.mark.parametrize(("key", "value", "code"), [
    ("version", "0", "key-type"),
    ("version", "1.5", "not-a-number"),
    ("total", '"100"', "not-a-number"),
    ("cap", "满分", "not-a-number"),
    ("provenance", "guess", "key-type"),
    ("outline", "beijing", "key-type"),
    ("indicators", "{a: 1}", "key-type"),
    ("bonus", "5", "key-type"),
    ("fields", "[a]", "key-type"),
])
def test_mistyped_top_level_keys(key: str, value: str, code: str) -> None:
    doc = table()
    doc[key] = y(value)
    expect(load(doc), code, key)


def test_section_with_unknown_key_or_negative_max() -> None:
    doc = table()
    doc["bonus"] = y("{name: 加分项, cap: 5}")
    doc["penalty"] = y("{max: -1}")
    loaded = load(doc)
    expect(loaded, "key-unknown", "bonus.cap", "cap")
    expect(loaded, "key-type", "penalty.max", "负数")


def test_year_as_text_is_reported_at_its_index() -> None:
    doc = table()
    doc["years"] = ["2023年"]
    expect(load(doc), "not-a-number", "years[0]", "2023年")


def test_year_as_text_is_an_error() -> None:
    doc = table()
    doc["years"] = ["2023年"]
    loaded = load(doc)
    issues = [i for i in loaded.issues if i.code == "not-a-number"]
    assert issues and issues[0].severity is Severity.ERROR and "2023年" in issues[0].message
    assert loaded.framework is None


def test_unknown_top_level_key_is_only_a_warning() -> None:
    doc = table()
    doc["colour"] = "red"
    loaded = load(doc)
    expect(loaded, "key-unknown", "colour", "colour", "已忽略", severity=Severity.WARNING)
    fw = ok(loaded)
    assert fw.id == "t"


def test_unknown_node_key_is_only_a_warning() -> None:
    doc = table()
    node(doc, "b")["colour"] = "red"
    loaded = load(doc)
    expect(loaded, "key-unknown", leaf_path("b", "colour"), "colour", severity=Severity.WARNING)
    ok(loaded)


def test_every_error_is_reported_in_one_pass() -> None:
    doc = table()
    doc["total"] = y("11")
    node(doc, "a.y")["id"] = "a.x"
    doc["grades"] = y("[{grade: 优, min: 90}]")
    with_rule("{type: linear}", None, doc)
    codes = {i.code for i in load(doc).issues}
    assert {"weight-sum", "duplicate-id", "grades-invalid", "rule-type-unknown"} <= codes


@pytest.mark.parametrize("where", ["total", "weight", "band"])
def test_huge_numbers_do_not_crash(where: str) -> None:
    doc = table()
    if where == "total":
        doc["total"] = y("1e30")
    elif where == "weight":
        node(doc, "b")["weight"] = y("1e30")
    else:
        with_rule("{type: bands, bands: [{min: 0, score: 1e30}]}", doc=doc)
    loaded = load(doc)
    assert loaded.framework is None
    assert any(i.severity is Severity.ERROR for i in loaded.issues)
