"""The auditor's patterns, kept as data: labels of figures, score and grade phrases, sections.

A figure is recognised by the label that ends right before its number ("决算总收入为 836.63万元");
labels are regular expressions anchored at that end. Adding a region's wording means adding a
line here, not code.
"""

from __future__ import annotations

import re

_TAIL = r"(?:数|总额|金额)?(?:为|是|达|约|共|合计)?[:：]?$"

# key → label pattern (anchored at the end of the text before the number)
FIGURE_LABELS: tuple[tuple[str, str], ...] = (
    ("income_budget", r"(?:收入预算|预算收入|年初预算收入)"),
    ("expenditure_budget", r"(?:支出预算|预算支出|年度部门预算资金|部门预算资金|合计预算|预算安排)"),
    ("income_final", r"(?:决算总收入|收入决算|累计收入|决算收入|本年收入|总收入|收入合计)"),
    ("expenditure_final", r"(?:决算总支出|支出决算|累计支出|决算支出|总支出|单位年度实际支出|本年支出|支出合计)"),
    ("basic_expenditure", r"基本支出"),
    ("project_expenditure", r"项目支出(?:资金)?"),
    ("personnel_expenditure", r"人员经费(?:支出)?"),
    ("carryover_prior", r"(?:上年结转结余|上年结转|年初结转结余)"),
    ("carryover_end", r"(?:年末结转结余|结转结余额|剩余结转资金|年末结余)"),
    ("procurement_plan", r"(?:年度政府采购计划|政府采购计划|政府采购预算|政府采购安排)"),
    ("procurement_actual", r"(?:实际政府采购金额|实际政府采购支出|政府采购实际金额|实际政府采购)"),
    ("public_prior", r"上年(?:日常)?公用经费(?:决算)?"),
    ("sangong_prior", r"上年[“\"]?三公[”\"]?经费(?:决算)?"),
    ("public_budget", r"(?:日常)?公用经费预算"),
    ("public_final", r"(?:日常)?公用经费决算"),
    ("sangong_budget", r"[“\"]?三公[”\"]?经费预算"),
    ("sangong_final", r"[“\"]?三公[”\"]?经费决算"),
)
COMPILED_LABELS = tuple((key, re.compile(label + _TAIL)) for key, label in FIGURE_LABELS)

# words that make a label part of a longer one: "“三公”经费预算安排", "上年度决算总支出", "专项项目总支出"
QUALIFIED_LABEL = re.compile(r"(?:经费|采购|项目|专项|半年|季度|上年|上年度|去年|同期|月份|月|[”\"])$")

# the window before a number stops at these characters
WINDOW_STOP = re.compile(r"[，,。；;：:、（）()\n]|其中")

TOTAL_SCORE = (
    re.compile(r"自评(?:总)?分数?(?:为|是)(?P<score>\d+(?:\.\d+)?)分"),
    re.compile(r"整体支出绩效(?:自评)?得分(?:为|是)?(?P<score>\d+(?:\.\d+)?)分"),
    re.compile(r"(?:自评总分|综合得分|总得分|自评得分合计|自评综合得分)(?:为|是|[:：])?\s*(?P<score>\d+(?:\.\d+)?)分"),
    re.compile(r"(?:综合|本次|最终|总体)自评(?:得分|分数)(?:为|是|[:：])?\s*(?P<score>\d+(?:\.\d+)?)分"),
)
GRADE = (
    re.compile(r"等级(?:为|是|评定为|[:：])?\s*[“\"]?(?P<grade>优秀|优|良好|良|中等|中|合格|不合格|差)"),
    re.compile(r"\d分[，,、](?P<grade>优秀|优|良好|良|中等|合格|不合格|差)[。，,]"),
)
GRADE_NAMES = {
    "优秀": "优",
    "优": "优",
    "良好": "良",
    "良": "良",
    "中等": "中",
    "中": "中",
    "合格": "中",
    "不合格": "差",
    "差": "差",
}
INDICATOR_SCORE = (
    re.compile(r"(?<!整体)(?<!部门)自评得分[:：]?\s*(?P<score>\d+(?:\.\d+)?)分"),
    re.compile(r"此项指标得分(?P<score>\d+(?:\.\d+)?)分"),
)
WEIGHT_IN_HEADING = re.compile(r"[（(](?P<weight>\d+(?:\.\d+)?)分[）)]")
WEIGHT_IN_TEXT = re.compile(r"指标分值(?P<weight>\d+(?:\.\d+)?)分")
BONUS = re.compile(r"加分(?:项)?(?:得分|合计)?(?:为)?(?P<points>\d+(?:\.\d+)?)分")
PENALTY = re.compile(r"减分(?:项)?(?:得分|合计)?(?:为)?(?P<points>\d+(?:\.\d+)?)分")
SELF_TARGETS = ("本", "本指标", "本项", "本项指标")
"""What "调整至…" names when the points move to the indicator being described ("其3分调整至本指标")."""
TRANSFER = re.compile(
    r"(?<!\d)(?P<points>\d+(?:\.\d+)?)分(?:分值)?调整至[“\"']?(?P<target>[^”\"'。；，]+?)[”\"']?(?:指标)?(?:[。；，]|$)"
)

UNIT_LABELS = re.compile(r"^(?:部门名称|单位名称|评价单位|预算单位)(?:（公章）|\(公章\))?[:：]\s*(?P<unit>\S.*)$")
TITLE_UNIT = re.compile(r"^(?P<unit>[\u4e00-\u9fff（）()]{4,40}?)(?:\d{4}年度?)(?:部门)?整体(?:支出)?绩效")
OPENING_UNIT = re.compile(r"现将\s*\d{4}\s*年度?[（(]?(?P<unit>[^）)]+?)[）)]?(?:部门)?整体")
TITLE_YEAR = (
    re.compile(r"评价年度[:：]\s*(?P<year>\d{4})"),
    re.compile(r"^(?P<year>\d{4})年度?部门整体支出绩效"),
    re.compile(r"(?P<year>\d{4})年度[^。]{0,12}整体(?:支出)?绩效(?:自评|自我评价)"),
)
FILL_DATE = re.compile(r"填报日期[:：]\s*(?P<date>.+)$")
CLAUSE_YEAR = re.compile(r"(?:^|[。；，,])\s*(?P<year>\d{4})年[，,]")

# explicit formula chains: "…=<arithmetic with figures>=<result>%"
FORMULA = re.compile(r"=(?P<expr>[\d.,，+\-*/×÷()（）\s万亿元人个%]+?)=(?P<result>-?\d+(?:\.\d+)?)%")
# a ratio stated in words: "…率(为|达)?97.02%" / "…比率=94.49%"
VERBAL_RATIO = re.compile(
    r"(?P<name>[\u4e00-\u9fff“”]{0,20}(?:比率|率))(?:为|达|是|=|：)?\s*(?P<result>-?\d+(?:\.\d+)?)%"
)

COUNT_LIST = re.compile(
    r"共(?:设)?(?P<n>\d+|[一二三四五六七八九十两]+)个(?P<what>[\u4e00-\u9fff]{1,8})[，,：:](?:分别为|分别是|包括|即)[:：]?(?P<items>[^。；]+)"
)
# the list is bounded: unbounded, a line of "有：有：…" without 共 is searched to its end from every 有 (quadratic)
LIST_THEN_COUNT = re.compile(r"(?:有|为)[:：](?P<items>[^。；]{1,300}?)共(?P<n>\d+|[一二三四五六七八九十两]+)个")
PART_SUM = re.compile(r"其中(?P<parts>[^。]+)")
# a number starts where a run of digits or numerals starts (the lookbehinds keep a long run linear, not quadratic)
_CN_N = r"(?<!\d)\d+|(?<![一二三四五六七八九十两百])[一二三四五六七八九十两百]+"
COUNT_PARTS = re.compile(
    rf"(?P<n>{_CN_N})\s*(?P<unit>个|人|名|项|件)[^，,。；;其（(]{{0,12}}[，,]\s*其中(?P<parts>[^。；;（()）]+)"
)
TOTAL_AFTER_PARTS = re.compile(
    r"(?:合计|共计|总计)(?:预算)?(?P<total>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>万元|亿元|元|人|个)"
)

SECTIONS = {
    "zhanjiang": ("(?:单位|部门)的?基本情况", "自评工作开展情况", "绩效自评情况", "存在问题", "改进措施"),
    "lechang": ("(?:部门|单位)的?基本情况", "自评结论", "绩效分析", "存在问题", "建议|改进措施"),
}
APPENDIX_TABLE = re.compile(r"^\s*附件\s*\d*\s*[：:]?\s*(?:数据表|评分表|.{0,20}(?:数据表|评分表))")
