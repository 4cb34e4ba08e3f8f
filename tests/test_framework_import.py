"""`jixiao framework import`: a bureau's .xlsx scoring table becomes a valid jixiao/framework@1 YAML."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.core.model import Framework
from jixiao.frameworks.criteria_zh import read_criteria, rule_from_text
from jixiao.frameworks.loader import load_document, load_path
from jixiao.frameworks.yamlio import loads
from tables import score

runner = CliRunner()

ROWS = [  # 一级, 二级, 三级, 分值, 指标解释, 评分标准
    ("部门决策（30分）", "目标设定", "绩效目标合理性", 5, "目标是否依据充分", "符合要求的得5分，部分符合酌情扣分。"),
    (None, None, "绩效指标明确性", 5, "指标是否清晰可衡量", "①已设置绩效指标，2分；②指标清晰、可衡量，3分。"),
    (
        None,
        "预算配置",
        "在职人员控制率",
        10,
        "在职人员数/编制数",
        "以100%为标准。在职人员控制率≦100%,计10分;每超过一个百分点扣0.5分,扣完为止。",
    ),
    (
        None,
        None,
        "重点支出安排率",
        10,
        "重点项目支出/项目总支出",
        "重点支出安排率≥90%,计10分;80%(含)-90%,计8分;70%(含)-80%,计6分;低于70%不得分。",
    ),
    ("部门管理", "预算执行", "预算完成率", 30, "预算完成数/预算数", "按完成比例计算得分,满分为止。"),
    (None, "资金合规", "资金使用合规性", 10, "是否合规", "以上情况每出现一例不符合要求的扣2分,扣完为止。"),
    (None, None, "结转结余情况", 10, "结转结余", "无结余,10分;有结余,但不超过上年结转,6分;结余超过上年结转,不得分。"),
    ("部门绩效", "履职效益", "社会效益", 20, "社会效益", "酌情评分。"),
    ("合计", None, None, 100, None, None),
]


def bureau_workbook(path: Path, rows: list[tuple[object, ...]] = ROWS) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "评分表"
    sheet.append(["某市部门整体支出绩效评价指标体系"])
    sheet.append(["一级指标", "二级指标", "三级指标", "分值", "指标解释", "评分标准"])
    for row in rows:
        sheet.append(list(row))
    sheet.merge_cells("A3:A6")  # merged cells carry down
    book.save(path)
    return path


def run_import(tmp_path: Path, source: Path) -> tuple[int, str, Path]:
    out = tmp_path / "table.yaml"
    result = runner.invoke(
        app,
        [
            "framework",
            "import",
            str(source),
            "-o",
            str(out),
            "--id",
            "city-2024",
            "--name",
            "某市评分表",
            "--year",
            "2024",
        ],
        env={"COLUMNS": "200"},
    )
    return result.exit_code, result.output, out


def test_import_gives_a_valid_table_with_rules_read_from_the_wording(tmp_path: Path) -> None:
    code, output, out = run_import(tmp_path, bureau_workbook(tmp_path / "表.xlsx"))
    assert code == 0, output
    plain = " ".join(output.split())
    assert "社会效益" in plain and "工作表“评分表”第10行" in plain and "“酌情评分。”" in plain  # quoted, placed
    assert "8 项：7 项的评分标准已读为计算规则" in plain and "1 项需人工评定" in plain
    loaded = load_path(out)
    assert loaded.framework is not None, [i.message for i in loaded.issues]
    fw = loaded.framework
    assert [(n.name, n.weight) for n in fw.indicators] == [("部门决策", 30), ("部门管理", 50), ("部门绩效", 20)]
    rules = {node.name: node.rule.type for node, _ in fw.walk() if node.rule is not None}
    assert rules == {
        "绩效目标合理性": "judgement",  # 得5分，部分符合酌情扣分: full marks unless a person deducts
        "绩效指标明确性": "checklist",
        "在职人员控制率": "threshold",
        "重点支出安排率": "bands",
        "预算完成率": "proportional",
        "资金使用合规性": "per_occurrence",
        "结转结余情况": "categorical",
        "社会效益": "judgement",
    }


def test_written_yaml_has_the_hash_of_the_imported_table(tmp_path: Path) -> None:
    from jixiao.services.scoring import import_table

    meta = {"id": "city-2024", "version": 1, "name": "某市评分表", "provenance": "official", "source": "t.xlsx"}
    imported, text = import_table(bureau_workbook(tmp_path / "t.xlsx"), tmp_path / "t.yaml", meta)
    written = load_path(tmp_path / "t.yaml").framework
    assert imported.loaded.framework is not None and written is not None
    assert written.sha256 == imported.loaded.framework.sha256
    assert written.total == Decimal(100)
    assert "在职人员控制率" in text and "\\u" not in text  # Chinese written as is


def test_stated_group_weight_that_disagrees_is_an_error(tmp_path: Path) -> None:
    rows = [("部门决策（35分）", *ROWS[0][1:]), *ROWS[1:]]
    code, output, out = run_import(tmp_path, bureau_workbook(tmp_path / "t.xlsx", rows))
    assert code == 1
    assert "weight-sum" in output
    assert out.exists()  # nothing the bureau entered is lost


def test_not_a_workbook_and_no_header_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a zip")
    code, output, _ = run_import(tmp_path, bad)
    assert code == 2 and "无法作为 .xlsx 工作簿打开" in output
    book = Workbook()
    book.active.append(["名称", "数量"])
    book.save(tmp_path / "plain.xlsx")
    code, output, _ = run_import(tmp_path, tmp_path / "plain.xlsx")
    assert code == 2 and "表头" in output


def test_text_weight_is_named_with_its_row(tmp_path: Path) -> None:
    rows = [(*ROWS[0][:3], "五分", *ROWS[0][4:]), *ROWS[1:]]
    code, output, _ = run_import(tmp_path, bureau_workbook(tmp_path / "t.xlsx", rows))
    assert code == 2 and "工作表“评分表”第3行" in output and "不是数字" in output


@pytest.mark.parametrize("weight", ["NaN", "Infinity"])
def test_a_weight_that_is_no_finite_number_is_named_with_its_row(tmp_path: Path, weight: str) -> None:
    rows = [(*ROWS[0][:3], weight, *ROWS[0][4:]), *ROWS[1:]]
    code, output, _ = run_import(tmp_path, bureau_workbook(tmp_path / "t.xlsx", rows))
    assert code == 2 and "工作表“评分表”第3行" in output and "不是数字" in output


@pytest.mark.parametrize(
    ("text", "weight", "expected"),
    [
        (
            "以100%为标准。在职人员控制率≦100%,计5分;每超过一个百分点扣0.5分,扣完为止。",
            5,
            {"type": "threshold", "standard": 100, "direction": "max", "per": Decimal("0.5")},
        ),
        (
            "以95%为标准，每低于一个百分点扣1分，不足一个百分点按一个计。",
            5,
            {"type": "threshold", "standard": 95, "direction": "min", "per": 1, "steps": "ceil"},
        ),
        ("按完成比例计算得分,满分为止。", 10, {"type": "proportional", "target": 100}),
        ("以上情况每出现一例不符合要求的扣1分,扣完为止。", 4, {"type": "per_occurrence", "per": 1}),
        ("是，计2分；否，不得分。", 2, {"type": "yes_no"}),
        ("由评价组综合评定。", 5, {"type": "judgement"}),
    ],
)
def test_rules_read_from_wording(text: str, weight: int, expected: dict[str, object]) -> None:
    rule, _ = rule_from_text(text, Decimal(weight))
    assert rule == expected


def test_import_reports_how_many_indicators_and_leaves(tmp_path: Path) -> None:
    code, output, out = run_import(tmp_path, bureau_workbook(tmp_path / "表.xlsx"))
    assert code == 0, output
    framework = load_path(out).framework
    assert framework is not None
    nodes = framework.walk()
    leaves = sum(1 for node, _ in nodes if node.is_leaf)
    assert f"导入 {len(nodes)} 项指标（末级 {leaves} 项）" in " ".join(output.split())


def test_imported_table_is_marked_imported_and_keeps_the_wording_verbatim(tmp_path: Path) -> None:
    code, output, out = run_import(tmp_path, bureau_workbook(tmp_path / "表.xlsx"))
    assert code == 0, output
    framework = load_path(out).framework
    assert framework is not None and framework.provenance == "imported"
    criteria = {node.name: node.criteria for node, _ in framework.walk() if node.is_leaf}
    assert criteria["结转结余情况"] == ROWS[6][5]
    judged = next(node for node, _ in framework.walk() if node.name == "绩效目标合理性")
    assert judged.rule is not None and judged.rule.default_full  # type: ignore[union-attr]


@pytest.mark.parametrize("suffix", [".xls", ".et"])
def test_old_formats_are_asked_to_be_saved_as_xlsx(tmp_path: Path, suffix: str) -> None:
    old = tmp_path / f"表{suffix}"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    code, output, _ = run_import(tmp_path, old)
    assert code == 2 and "另存为 .xlsx" in output


def test_a_weight_column_per_level_and_several_sheets(tmp_path: Path) -> None:
    book = Workbook()
    first = book.active
    first.title = "决策"
    header = ["一级指标", "分值", "二级指标", "分值", "三级指标", "分值", "评分标准"]
    first.append(header)
    first.append(["部门决策", 10, "目标", 10, "目标明确性", 5, "①已设置绩效目标，2分；②目标清晰可衡量，3分。"])
    first.append([None, None, None, None, "目标合理性", 5, "由评价组综合评定。"])
    first.merge_cells("A2:A3")
    first.merge_cells("B2:B3")
    second = book.create_sheet("绩效")
    second.append(header)
    second.append(["部门绩效", 5, "效益", 5, "满意度", 5, "满意度≥90%，计5分；80%（含）-90%，计3分；其他情况不得分。"])
    book.save(tmp_path / "t.xlsx")
    code, output, out = run_import(tmp_path, tmp_path / "t.xlsx")
    assert code == 0, output
    framework = load_path(out).framework
    assert framework is not None
    assert [(n.name, n.weight) for n in framework.indicators] == [("部门决策", 10), ("部门绩效", 5)]
    rules = {node.name: node.rule.type for node, _ in framework.walk() if node.rule is not None}
    assert rules == {"目标明确性": "checklist", "目标合理性": "judgement", "满意度": "bands"}
    plain = " ".join(output.split())
    assert "工作表“决策”第3行“目标合理性”" in plain and "“由评价组综合评定。”" in plain


@pytest.mark.parametrize("name", ["   ", "\u200b", "\u3000"])
def test_a_blank_indicator_name_is_refused_clearly(name: str) -> None:
    from jixiao.frameworks.loader import load_document

    leaf = {"id": "a", "name": name, "weight": 100, "rule": {"type": "judgement"}}
    document = {
        "format": "jixiao/framework@1", "id": "t", "version": 1, "name": "表", "provenance": "example",
        "source": "测试", "total": 100, "indicators": [leaf],
    }  # fmt: skip
    loaded = load_document(document, "t.yaml")
    blank = [i for i in loaded.issues if i.code == "key-missing" and "空白" in i.message]
    assert blank and 'indicators["a"].name' in blank[0].message and "空白" in blank[0].message


def test_jixiaos_own_score_sheet_reimports_to_the_same_table(tmp_path: Path) -> None:
    from jixiao.services.scoring import load_table

    examples = Path(__file__).parent.parent / "examples" / "lechang-2023.yaml"
    made = runner.invoke(app, ["tables", str(examples), "-o", str(tmp_path / "t.xlsx")])
    assert made.exit_code == 0, made.output
    code, output, out = run_import(tmp_path, tmp_path / "t.xlsx")
    assert code == 0, output
    assert "按原表导入" in " ".join(output.split())
    table = load_table("lechang-2023").framework
    again = load_path(out).framework
    assert table is not None and again is not None and again.sha256 == table.sha256


def test_an_edited_own_sheet_is_read_from_its_wording(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    examples = Path(__file__).parent.parent / "examples" / "lechang-2023.yaml"
    runner.invoke(app, ["tables", str(examples), "-o", str(tmp_path / "t.xlsx")])
    book = load_workbook(tmp_path / "t.xlsx")
    sheet = book["评分表"]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 3).value == "资金下达合法性")
    sheet.cell(row, 3).value = "资金下达合规性"  # the bureau renamed an indicator
    book.save(tmp_path / "edited.xlsx")
    _, output, out = run_import(tmp_path, tmp_path / "edited.xlsx")
    assert "按原表导入" not in output
    framework = load_path(out).framework
    assert framework is not None and framework.id == "city-2024" and framework.provenance == "imported"


def test_goal_rules_and_a_required_item_are_read_into_a_valid_table(tmp_path: Path) -> None:
    rows = [
        ("部门绩效", "产出", "数量指标完成率", 6, None, "达到预期值的数量指标个数/全部数量指标个数"),
        (None, None, "指标偏离", 4, None, "完成值超过年初设置指标值30%及以上的，定义为指标偏离并减2分"),
        (None, "目标", "目标设置", 3, None, "①设置绩效目标，2分；②目标细化量化，1分。未设置绩效目标，该栏不得分。"),
        ("合计", None, None, 13, None, None),
    ]
    code, output, out = run_import(tmp_path, bureau_workbook(tmp_path / "t.xlsx", rows))
    assert code == 0, output
    framework = load_path(out).framework
    assert framework is not None
    rules = {node.name: node.rule for node, _ in framework.walk() if node.rule is not None}
    assert rules["数量指标完成率"].type == "goals" and rules["数量指标完成率"].kinds == ("数量",)  # type: ignore[union-attr]
    assert rules["指标偏离"].deviation_per == 2  # type: ignore[union-attr]
    assert [item.required for item in rules["目标设置"].items] == [True, False]  # type: ignore[union-attr]


def test_two_indicators_marked_as_alternatives(tmp_path: Path) -> None:
    rows = [
        ("结转结余", "结转结余", "结转结余率", 10, None, "二者择其一进行考核,按完成比例计算得分,满分为止."),
        (None, None, "结转结余变动率", 10, None, "二者择其一进行考核,按完成比例计算得分,满分为止."),
        ("合计", None, None, 10, None, None),
    ]
    code, output, out = run_import(tmp_path, bureau_workbook(tmp_path / "t.xlsx", rows))
    assert code == 0, output
    framework = load_path(out).framework
    assert framework is not None and framework.total == 10
    pair = next(node for node, _ in framework.walk() if node.alternatives)
    assert [c.name for c in pair.children] == ["结转结余率", "结转结余变动率"]
    assert "2 项需人工评定" in " ".join(output.split())  # each one's target is its own 年度工作目标


# --------------------------------------------------------------------------- rule kinds the wording maps onto

SURPLUS_WORDING = "无结余,3分;有结余,但不超过上年结转,2分;结余超过上年结转,不得分。"  # 岳阳市科技局 评分表


def _leaf_table(rule: dict[str, object], weight: int) -> Framework:
    doc = loads(
        "format: jixiao/framework@1\nid: t\nversion: 1\nname: 测试表\nprovenance: imported\nsource: 测试\n"
        f"total: {weight}\n"
    )
    doc["indicators"] = [{"id": "a", "name": "指标", "weight": Decimal(weight), "rule": rule}]
    loaded = load_document(doc, "t.yaml")
    assert loaded.framework is not None, [(i.code, i.path, i.message) for i in loaded.issues]
    assert not loaded.issues, [(i.code, i.path, i.message) for i in loaded.issues]
    return loaded.framework


@pytest.mark.parametrize(("end", "prior", "points"), [(0, 5, 3), (4, 5, 2), (5, 5, 2), (6, 5, 0)])
def test_options_worded_on_figures_are_chosen_by_the_figures(end: int, prior: int, points: int) -> None:
    reading = read_criteria(SURPLUS_WORDING, Decimal(3))
    assert reading.recognised and not reading.note
    whens = [option.get("when") for option in reading.rule["options"]]
    assert whens == ["carryover_end == 0", "carryover_end <= carryover_prior", None]  # the last is the rest
    card = score(_leaf_table(reading.rule, 3), f"data: {{carryover_end: {end}, carryover_prior: {prior}}}")
    assert card.ok, card.issues
    assert card.indicator("a").score == points


def test_options_on_figures_that_name_no_data_field_are_chosen_by_hand_with_a_warning() -> None:
    # the 岳阳 wording with "上年存量", which names no standard data field (formats §2)
    reading = read_criteria("无结余,3分;有结余,但不超过上年存量,2分;结余超过上年存量,不得分。", Decimal(3))
    assert reading.rule["type"] == "categorical"
    assert all("when" not in option for option in reading.rule["options"])
    assert "未能对应到数据项" in reading.note and "上年存量" in reading.note


def test_options_without_conditions_on_figures_stay_chosen_by_hand_without_a_warning() -> None:
    reading = read_criteria("符合要求,5分;基本符合,3分;不符合,不得分。", Decimal(5))
    assert reading.rule["type"] == "categorical" and not reading.note
    assert all("when" not in option for option in reading.rule["options"])


def test_not_applicable_wording_alone_is_for_a_person_and_names_the_setting() -> None:
    reading = read_criteria("若单位无项目,得2分", Decimal(2))  # domain.md §5, from a real table
    assert not reading.recognised
    assert "not_applicable: full_marks" in reading.note


def test_an_item_credited_when_it_does_not_apply() -> None:
    # items ① ② from 财预〔2013〕53号, ③ from the 岳阳 公路 评分表, and the not-applicable clause of domain.md §5
    wording = (
        "①已制定或具有预算资金管理办法、内部财务管理制度、会计核算制度等管理制度，1分；②相关管理制度合法、合规、完整，1分；"
        "③项目支出按规定经过评估论证，2分；若单位无项目，得2分。"
    )
    reading = read_criteria(wording, Decimal(4))
    assert reading.recognised and not reading.note
    items = reading.rule["items"]
    assert [item.get("not_applicable") for item in items] == [None, None, "full_marks"]
    framework = _leaf_table(reading.rule, 4)
    card = score(framework, "inputs: {a: {checked: [0, 1], not_applicable: [2], reason: 本单位无项目支出}}")
    assert card.ok, card.issues
    assert card.indicator("a").score == 4
    card = score(framework, "inputs: {a: {checked: [0, 1]}}")
    assert card.indicator("a").score == 2


def test_imported_options_on_figures_are_chosen_from_the_data_sheet(tmp_path: Path) -> None:
    code, output, out = run_import(tmp_path, bureau_workbook(tmp_path / "t.xlsx"))
    assert code == 0, output
    assert "结转结余情况" not in output  # read whole: no warning
    framework = load_path(out).framework
    assert framework is not None
    rule = next(node.rule for node, _ in framework.walk() if node.name == "结转结余情况")
    assert rule.conditional  # type: ignore[union-attr]
    assert [o.when_text for o in rule.options] == ["carryover_end == 0", "carryover_end <= carryover_prior", ""]  # type: ignore[union-attr]


def custom_table_and_workbook(tmp_path: Path) -> tuple[Path, Path]:
    """A bureau's own table (a built-in one with its id, name, two weights and two 评分标准 changed),
    an evaluation on it, and the workbook `jixiao tables` makes of it."""
    from jixiao.frameworks.loader import builtin_path
    from jixiao.frameworks.xlsx_import import to_yaml
    from jixiao.frameworks.yamlio import load_file

    found = builtin_path("lechang-2023")
    assert found is not None
    table = dict(load_file(found))
    table.update(id="mycity-2024", name="某市自定评分表", provenance="imported", source="某市财政局自定")
    first, second = table["indicators"][0]["children"][0]["children"][:2]
    first["weight"], second["weight"] = Decimal("5.5"), Decimal("4.5")
    first["criteria"] = "完全符合计满分；基本符合酌情扣分；不符合不得分。"
    del second["criteria"]  # the workbook shows its rule described in words instead
    (tmp_path / "mycity.yaml").write_text(to_yaml(table), encoding="utf-8")
    examples = Path(__file__).parent.parent / "examples" / "lechang-2023.yaml"
    evaluation = examples.read_text(encoding="utf-8").replace("framework: lechang-2023", "framework: mycity.yaml")
    evaluation = evaluation.replace("standardization:\n    score: 5\n", "standardization:\n    score: 4.5\n")
    (tmp_path / "eval.yaml").write_text(evaluation, encoding="utf-8")
    made = runner.invoke(app, ["tables", str(tmp_path / "eval.yaml"), "-o", str(tmp_path / "t.xlsx")])
    assert made.exit_code == 0, made.output
    return tmp_path / "mycity.yaml", tmp_path / "t.xlsx"


def test_a_custom_table_reimports_from_jixiaos_workbook_with_the_same_sha256(tmp_path: Path) -> None:
    original, workbook = custom_table_and_workbook(tmp_path)
    checked = runner.invoke(app, ["framework", "check", str(original)], env={"COLUMNS": "200"})
    assert checked.exit_code == 0, checked.output
    code, output, out = run_import(tmp_path, workbook)
    assert code == 0, output
    assert "按原表导入" in " ".join(output.split())
    again = runner.invoke(app, ["framework", "check", str(out)], env={"COLUMNS": "200"})
    sha = load_path(original).framework.sha256  # type: ignore[union-attr]
    assert sha in checked.output.replace("\n", "") and sha in again.output.replace("\n", "")
    framework = load_path(out).framework
    assert framework is not None and framework.id == "mycity-2024" and framework.sha256 == sha


def test_an_edited_custom_workbook_is_read_from_its_wording_and_says_so(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    original, workbook = custom_table_and_workbook(tmp_path)
    book = load_workbook(workbook)
    sheet = book["评分表"]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 3).value == "预算编制合理性")
    sheet.cell(row, 6).value = "符合要求的得5.5分，否则不得分。"  # the bureau rewrote a 评分标准
    book.save(tmp_path / "edited.xlsx")
    _, output, out = run_import(tmp_path, tmp_path / "edited.xlsx")
    flat = "".join(output.split())
    assert "按原表导入" not in flat
    assert f"工作表“评分表”第{row}行的评分标准" in flat and "已按工作表上的文字重新读取" in flat
    framework = load_path(out).framework
    assert framework is not None and framework.id == "city-2024"
    assert framework.sha256 != load_path(original).framework.sha256  # type: ignore[union-attr]


def test_a_damaged_embedded_table_is_ignored(tmp_path: Path) -> None:
    from jixiao.frameworks.embedded import PART_PROPERTY, SHA_PROPERTY, embedded_table, table_properties

    properties = dict(table_properties('{"a":1}'))
    assert embedded_table(properties) == {"a": 1}
    assert embedded_table({**properties, SHA_PROPERTY: "0" * 64}) is None  # altered: the hash no longer holds
    assert embedded_table({**properties, PART_PROPERTY.format(1): "!!"}) is None  # not base64
    assert embedded_table({}) is None  # a workbook made before tables were embedded
