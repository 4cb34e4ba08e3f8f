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
    (
        "expenditure_budget",
        r"(?:支出预算|预算支出|年度部门预算资金|部门预算资金|合计预算|预算安排|部门预算总金额|预算总金额)",
    ),
    ("income_final", r"(?:决算总收入|收入决算|累计收入|决算收入|本年收入|总收入|收入合计)"),
    (
        "expenditure_final",
        r"(?:决算总支出|支出决算|累计支出|决算支出|总支出|(?:单位|部门)?(?:年度|全年|本年)实际支出|部门实际支出|本年支出|支出合计)",
    ),
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
#: Bare words that name this year's figure only right after the year: "2022年支出848万元", "2022年实际收入…".
YEAR_LABELS = (
    ("income_final", re.compile(r"^(?:实际|全年)?收入" + _TAIL)),
    ("expenditure_final", re.compile(r"^(?:实际|全年)?支出" + _TAIL)),
)
#: A table's caption or header giving its amounts' unit: "单位：万元", "（万元）", "金额单位：元".
TABLE_UNIT = re.compile(r"(?:单位[:：]\s*|[（(])(?P<unit>万元|元)[）)]?")

# words that make a label part of a longer one: "“三公”经费预算安排", "上年度决算总支出", "专项项目总支出"
QUALIFIED_LABEL = re.compile(
    r"(?:经费|采购|项目|专项|半年|季度|上年|上年度|去年|同期|月份|月|[”\"]|一般公共|公共财政|政府性基金|国有资本经营|财政拨款|财政专户|基金)$"
)

# the window before a number stops at these characters
WINDOW_STOP = re.compile(r"[，,。；;：:、（）()\n]|其中")

_SCORE = r"(?P<score>\d{1,3}(?:\.\d+)?)"
_SCORE_END = r"(?:分|(?![\d.%％]))"  # "自评总分：69" has no 分
TOTAL_SCORE = (
    re.compile(r"自评(?:总)?分数?(?:为|是)" + _SCORE + "分"),
    re.compile(r"整体支出绩效(?:自评)?得分(?:为|是)?" + _SCORE + "分"),
    re.compile(
        r"(?:自评总分|综合得分|综合评分|总得分|自评得分合计|自评综合得分|评价总分|自评总得分)"
        r"(?:[（(]分[）)])?(?:为|是|[:：])?\s*" + _SCORE + _SCORE_END
    ),
    re.compile(r"(?:综合|本次|最终|总体)自评(?:得分|分数)(?:为|是|[:：])?\s*" + _SCORE + "分"),
    # "本部门对2017年整体支出开展绩效自评，自评得分90分"
    re.compile(r"整体支出[^。]{0,16}?自评[，,]\s*(?:自评)?得分(?:为|是|[:：])?\s*" + _SCORE + "分"),
)
#: A line ending with one of these labels has its score on the next line ("自评得分" / "90 分").
SCORE_LABEL_AT_END = re.compile(r"(?:自评总分|自评得分|综合得分|综合评分|总得分|评价总分)(?:[（(]分[）)])?[:：]?$")
_GRADE_WORD = r"(?P<grade>优秀|良好|中等|不合格|合格|优|良|中|差)"
_GRADE_END = r"[”\"]?(?:等级|等次|级)?(?=[”\"。，,；;）)\s]|$)"
GRADE = (
    re.compile(r"等级(?:为|是|评定为|[:：])?\s*[“\"]?" + _GRADE_WORD),
    re.compile(r"\d分[，,、](?P<grade>优秀|优|良好|良|中等|合格|不合格|差)[。，,]"),
    # "自评为优秀", "评价结果为优", "综合评分97分，为良好" — grades without 等级
    re.compile(
        r"(?:自评|评价|考评|绩效)(?:结果|结论|等次)?(?:为|是|评定为|属于|达到)[“\"]?" + _GRADE_WORD + _GRADE_END
    ),
    re.compile(r"\d分[，,]\s*(?:为|属于|评定为|达到)[“\"]?" + _GRADE_WORD + _GRADE_END),
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
    r"(?<![\d.])(?P<points>\d+(?:\.\d+)?)分(?:分值)?调整至[“\"']?(?P<target>[^”\"'。；，]+?)[”\"']?(?:指标)?(?:[。；，]|$)"
)

_PAREN_UNIT = r"(?:[（(]单位[）)])?"
_SEAL = r"(?:\s*[（(](?:公章|盖章|章)[）)])?"
#: The labels a cover or table names the unit with (the unit follows, with or without a colon).
UNIT_LABEL_WORDS = (
    r"(?:部门" + _PAREN_UNIT + r"|单位|预算单位|项目单位|评价单位|实施单位|填报单位|被评价单位|部门单位)"
    r"(?:名称|全称)?" + _SEAL
)
UNIT_LABELS = re.compile(r"^\s*" + UNIT_LABEL_WORDS + r"\s*[:：]\s*(?P<unit>\S.*)$")
#: A label run together with its value and the next label, as a cover flattened into one line does.
UNIT_LABEL_INLINE = re.compile(
    r"(?:部门" + _PAREN_UNIT + r"|项目单位|实施单位|评价单位|预算单位)(?:名称|全称)" + _SEAL + r"\s*[:：]?\s*"
    r"(?:\d{1,12}-)?(?P<unit>[\u4e00-\u9fff（）()]{4,40}?)"
    r"(?=预算编码|报告日期|填报日期|填表日期|联系人|联系电话|评价|主管部门|项目名称|\s|[（(](?:公章|盖章)|$)"
)
#: The same labels alone in a table cell, with the unit in the next cell (or line).
UNIT_LABEL_CELL = re.compile(r"^\s*\|?\s*" + UNIT_LABEL_WORDS + r"\s*[:：]?\s*\|?\s*$")
#: 主管部门 names the unit only when nothing else does (it may be the parent department).
PARENT_LABEL = re.compile(
    r"主管部门" + _SEAL + r"\s*[:：|]?\s*(?:\d{1,12}-)?(?P<unit>[\u4e00-\u9fff（）()]{4,40}?)(?=\s|\||$|实施单位)"
)
#: "实施单位 219001-某镇人民政府": a label and its value in a table flattened with spaces.
UNIT_LABEL_SPACED = re.compile(
    r"(?:实施单位|项目单位)" + _SEAL + r"\s+(?:\d{1,12}-)?(?P<unit>[\u4e00-\u9fff（）()]{4,40}?)(?=\s|$)"
)
_REPORT_KIND = r"(?:部门|单位|机关|部门[（(]单位[）)]|部门单位)?(?:整体|项目)(?:支出)?(?:绩效|资金)"
TITLE_UNIT = re.compile(r"^(?P<unit>[\u4e00-\u9fff（）()]{4,40}?)(?:\d{4}年度?)" + _REPORT_KIND)
#: "2022年度某县某局部门整体支出绩效自评报告": the year before the unit.
TITLE_YEAR_UNIT = re.compile(r"^\d{4}年度?(?P<unit>[\u4e00-\u9fff（）()]{4,40}?)" + _REPORT_KIND)
#: Words a unit's name ends with (a line of only such a name above the title names the unit).
UNIT_SUFFIX = re.compile(
    r"(?:局|办公室|办|委员会|委|中心|院|所|站|队|政府|厅|处|部|会|馆|社|台|校|学校|医院|公司|集团|大队|支队|协会|联合会|街道|科|室)$"
)
UNIT_NAME_LINE = re.compile(r"^[\u4e00-\u9fff（）()]{4,40}$")
#: A report's title: the line a unit written on its own line stands above.
TITLE_LINE = re.compile(r"(?:整体|项目)?(?:支出)?绩效(?:自评|评价|自我评价)[^。]{0,12}(?:报告|表)")
OPENING_UNIT = re.compile(r"现将\s*\d{4}\s*年度?[（(]?(?P<unit>[^）)]+?)[）)]?(?:部门)?整体")
TITLE_YEAR = (
    re.compile(r"评价年度[:：]\s*(?P<year>\d{4})"),
    re.compile(r"^(?P<year>\d{4})年度?部门整体支出绩效"),
    re.compile(r"(?P<year>\d{4})年度[^。]{0,12}整体(?:支出)?绩效(?:自评|自我评价)"),
    # titles: "南县财政局2020年度机关整体支出绩效评价报告", "2019年部门整体支出绩效评价报告",
    # "…2024年度项目支出绩效单位自评报告"
    re.compile(r"(?P<year>\d{4})年度?[^。，,]{0,24}?(?:整体|项目)(?:支出)?绩效"),
    # "(2023年度)" under the title, "项目支出绩效自评表（2022年度）"
    re.compile(r"^\s*[（(]\s*(?P<year>\d{4})\s*年度?\s*[）)]"),
    re.compile(r"(?:绩效|自评)[^。]{0,12}?(?:报告|表)\s*[（(]\s*(?P<year>\d{4})\s*年度?\s*[）)]"),
)
#: The year in the opening paragraph: "对2019年度本单位整体支出进行了绩效自评", "现将2021年度…".
OPENING_YEAR = (
    re.compile(r"现将\s*(?P<year>\d{4})\s*年度?"),
    re.compile(
        r"对[^。，,]{0,20}?(?P<year>\d{4})\s*年度?[^。]{0,30}?(?:支出|经费|资金|项目)[^。]{0,20}?(?:绩效|评价|自评)"
    ),
    re.compile(r"^(?P<year>\d{4})年度?部门决算"),
)
#: A year mentioned in the text ("2021年", "2022年度"), not a date ("2022年5月") nor a document number.
ANY_YEAR = re.compile(r"(?<![\d〔\[［（(])(?P<year>(?:19|20)\d{2})年(?![\d月])")
FILL_DATE = re.compile(r"(?:填报|报告|填表|报送|自评)日期\s*[:：]?\s*(?P<date>.+)$")
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
#: "直属事业单位10个，即甲、乙…" / "内设8个内设机构，即…": a count without 共, listed after 即/分别为.
COUNT_NAMED = re.compile(
    r"(?<!共)(?<!共设)(?<![\d一二三四五六七八九十两])(?P<n>\d+|[一二三四五六七八九十两]+)个(?P<what>[\u4e00-\u9fff]{0,8})"
    r"[，,：:]\s*(?:即|分别为|分别是)[:：]?(?P<items>[^。；]+)"
)
# the list is bounded: unbounded, a line of "有：有：…" without 共 is searched to its end from every 有 (quadratic)
LIST_THEN_COUNT = re.compile(r"(?:有|为)[:：](?P<items>[^。；]{1,300}?)共(?P<n>\d+|[一二三四五六七八九十两]+)个")
PART_SUM = re.compile(r"其中(?P<parts>[^。]+)")
# a number starts where a run of digits or numerals starts (the lookbehinds keep a long run linear, not quadratic)
_CN_N = r"(?<!\d)\d+|(?<![一二三四五六七八九十两百])[一二三四五六七八九十两百]+"
COUNT_PARTS = re.compile(
    rf"(?<![\d一二三四五六七八九十两百])(?P<n>{_CN_N})\s*(?P<unit>个|人|名|项|件)[^，,。；;其（(]{{0,12}}[，,。]\s*其中[，,:：]?"
    r"(?P<parts>[^。；;（()）]+)"
)
TOTAL_AFTER_PARTS = re.compile(
    r"(?:合计|共计|总计)(?:预算)?(?P<total>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>万元|亿元|元|人|个)"
)

SECTIONS = {
    "zhanjiang": ("(?:单位|部门)的?基本情况", "自评工作开展情况", "绩效自评情况", "存在问题", "改进措施"),
    "lechang": ("(?:部门|单位)的?基本情况", "自评结论", "绩效分析", "存在问题", "建议|改进措施"),
}
#: Items numbered inside one paragraph: "1.完成…。2.做好…。3.…" (a marker at the start or after 。；).
INLINE_ARABIC = re.compile(r"(?:^|(?<=[。；;]))\s*(?P<v>\d{1,2})[.．、](?=[\u4e00-\u9fff])")
APPENDIX_TABLE = re.compile(r"^\s*附件\s*\d*\s*[：:]?\s*(?:数据表|评分表|.{0,20}(?:数据表|评分表))")
