"""Chinese numbers: amounts, percents, numerals, list markers and dates, on snippets of the seed reports."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.audit import numbers_zh as nz

D = Decimal

# --- numerals ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("二十三", 23),
        ("十二", 12),
        ("十", 10),
        ("一百零五", 105),
        ("两千零二十四", 2024),
        ("二千零二十四", 2024),
        ("二〇二四", 2024),
        ("〇", 0),
        ("零", 0),
        ("三", 3),
        ("两", 2),
        ("十万", 100_000),
        ("一万零一十", 10_010),
        ("三万零四十", 30_040),
        ("一亿零五百万", 105_000_000),
        ("壹佰零伍", 105),
        ("负五", -5),
        ("２３", 23),
    ],
)
def test_cn_to_int(text: str, expected: int) -> None:
    assert nz.cn_to_int(text) == expected


@pytest.mark.parametrize("text", ["", "十十", "万", "一千零", "百千", "三是", "abc", "零十", "两两", "万万", "五亿亿"])
def test_cn_to_int_rejects(text: str) -> None:
    assert nz.cn_to_int(text) is None


@pytest.mark.parametrize(
    ("number", "expected"),
    [(0, "零"), (10, "十"), (15, "十五"), (23, "二十三"), (105, "一百零五"), (1005, "一千零五"), (2024, "二千零二十四"),
     (10_005, "一万零五"), (10_010, "一万零一十"), (100_000, "十万"), (100_001_000, "一亿零一千"), (-3, "负三")],
)  # fmt: skip
def test_int_to_cn(number: int, expected: str) -> None:
    assert nz.int_to_cn(number) == expected


def test_cn_round_trip_0_to_99999() -> None:
    assert all(nz.cn_to_int(nz.int_to_cn(n)) == n for n in range(100_000))


@given(st.integers(min_value=-(10**12), max_value=10**15))
def test_cn_round_trip_large(number: int) -> None:
    assert nz.cn_to_int(nz.int_to_cn(number)) == number


# --- amounts -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("12,345.67万元", D("12345.67"), "万元"),
        ("3.5亿元", D(35000), "亿元"),
        ("912.97 万元", D("912.97"), "万元"),
        ("1,234元", D("0.1234"), "元"),
        ("212171.9元", D("21.21719"), "元"),
        ("１２，３４５．６７万元", D("12345.67"), "万元"),
        ("5千元", D("0.5"), "千元"),
        ("-35.84万元", D("-35.84"), "万元"),
        (" 0万元 ", D(0), "万元"),
    ],
)
def test_parse_amount(text: str, value: Decimal, unit: str) -> None:
    assert nz.parse_amount(text) == (value, unit)


NOT_ONE_AMOUNT = ["", "万元", "912.97", "12,34万元", "约5万元", "5万元以上", "429万余次", "3万元、5万元"]


@pytest.mark.parametrize("text", NOT_ONE_AMOUNT)
def test_parse_amount_rejects(text: str) -> None:
    assert nz.parse_amount(text) is None


def test_find_amounts_zhanjiang_formula() -> None:
    # 湛江 2020: the 差异率 formula; the minus sign is an operator, not part of 3864.89
    text = "财政拨款收入预决算差异率=（4029.42万元-3864.89万元）/3864.89万元*100%=4.26%"
    assert [(v, u) for v, u, _, _ in nz.find_amounts(text)] == [
        (D("4029.42"), "万元"), (D("3864.89"), "万元"), (D("3864.89"), "万元")
    ]  # fmt: skip
    _, _, start, end = nz.find_amounts(text)[0]
    assert text[start:end] == "4029.42万元"


def test_find_amounts_lechang_and_lianjiang() -> None:
    lechang = "其中人员类经费预算747.92万元；公用经费39.7万元；部门预算部门职能类125.35万元，合计预算912.97万元。"
    assert [v for v, *_ in nz.find_amounts(lechang)] == [D("747.92"), D("39.7"), D("125.35"), D("912.97")]
    lianjiang = "为小微企业贷款金额达 13.05 亿元,较年初增长 526.01%。"
    assert [(v, u) for v, u, *_ in nz.find_amounts(lianjiang)] == [(D("130500.00"), "亿元")]
    listing = "分别为3万元，5万元"  # a Chinese comma between amounts is not a thousands separator
    assert [v for v, *_ in nz.find_amounts(listing)] == [D(3), D(5)]


@given(
    st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from(sorted(nz.AMOUNT_UNITS)),
    st.booleans(),
    st.sampled_from(["", " "]),
)
def test_parse_amount_round_trip(value: Decimal, unit: str, commas: bool, space: str) -> None:
    written = f"{value:,}" if commas else f"{value}"
    assert nz.parse_amount(f"{written}{space}{unit}") == (value * nz.AMOUNT_UNITS[unit], unit)


# --- percents ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("97.02%", D("97.02")),
        ("97.02 %", D("97.02")),
        ("９７．０２％", D("97.02")),
        ("-79.72%", D("-79.72")),
        ("百分之九十五", D(95)),
        ("百分之百", D(100)),
        ("百分之九十五点五", D("95.5")),
        ("100%", D(100)),
    ],
)
def test_parse_percent(text: str, expected: Decimal) -> None:
    assert nz.parse_percent(text) == expected


@pytest.mark.parametrize("text", ["", "%", "97.02", "百分之", "约97%", "97%以上"])
def test_parse_percent_rejects(text: str) -> None:
    assert nz.parse_percent(text) is None


def test_find_percents_in_formula() -> None:
    text = "国库集中支付结转结余存量资金变动率=（21.99万元/108.44万元-1）*100%=-79.72%。"
    assert [v for v, *_ in nz.find_percents(text)] == [D(100), D("-79.72")]
    text = "支出完成率=4276.91万元/（4029.42+378.68）万元*100%=97.02%。"
    value, start, end = nz.find_percents(text)[-1]
    assert (value, text[start:end]) == (D("97.02"), "97.02%")


# --- list markers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "kind", "value", "end"),
    [
        ("一、单位基本情况", "cn", 1, 2),
        ("十一、其他", "cn", 11, 3),
        ("(二) 年度总体工作和重点工作任务", "cn_paren", 2, 4),
        ("（三）部门整体支出绩效目标", "cn_paren", 3, 3),
        ("(四）改进措施", "cn_paren", 4, 3),
        ("（ 五 ） 存在问题", "cn_paren", 5, 6),
        ("1. 单位情况。我办为正科级行政机构", "arabic", 1, 3),
        ("1.部门主要职责。", "arabic", 1, 2),
        ("3、工作职能", "arabic", 3, 2),
        ("１．单位情况", "arabic", 1, 2),
        ("（1）预算编制合理性（5分）。", "arabic_paren", 1, 3),
        ("(10) 政务公开水平持续提升。", "arabic_paren", 10, 5),
        ("(2)目标设置。", "arabic_paren", 2, 3),
        ("①重点工作", "circled", 1, 1),
        ("⑳末项", "circled", 20, 1),
        ("一是预算编制合理性。", "ordinal_shi", 1, 2),
        ("四是政府采购执行率。", "ordinal_shi", 4, 2),
        ("第一，加强学习", "ordinal_di", 1, 3),
        ("第二、严格管理", "ordinal_di", 2, 3),
    ],
)
def test_parse_marker(line: str, kind: str, value: int, end: int) -> None:
    marker = nz.parse_marker(line)
    assert marker is not None
    assert (marker.kind, marker.value, marker.end) == (kind, value, end)
    assert marker.text == line[:end].strip()


@pytest.mark.parametrize(
    "line", ["1.5万元", "2023年度", "单位基本情况", "第一议题", "12345热线", "", "（公章）", "(0) 零", "是否"]
)
def test_parse_marker_rejects(line: str) -> None:
    assert nz.parse_marker(line) is None


def test_find_ordinals_zhanjiang_repeats_four() -> None:
    # 湛江 2020 uses 四是 twice in （2）支出管理
    text = (
        "（2）支出管理。一是支出完成率。支出完成率=97.02%。二是单位当年度结转结余额与当年度收入总额的比率=2.98%。"
        "三是国库集中支付结转结余存量资金效率性。四是资金下达合法性。本单位无需批复下属单位预算。四是政府采购执行率。"
        "五是财务合规性。"
    )
    assert [m.value for m in nz.find_ordinals(text)] == [1, 2, 3, 4, 4, 5]
    assert nz.find_ordinals("我们不是一是二") == []


# --- dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024年5月21日", date(2024, 5, 21)),
        ("2023.5.4", date(2023, 5, 4)),
        ("2025 年 7 月 8 日", date(2025, 7, 8)),
        ("2021-06-10", date(2021, 6, 10)),
        ("2021/6/10", date(2021, 6, 10)),
        ("二〇二五年七月八日", date(2025, 7, 8)),
        ("２０２４年５月２１日", date(2024, 5, 21)),
        ("2024年5月21日。", date(2024, 5, 21)),
    ],
)
def test_parse_date_zh(text: str, expected: date) -> None:
    assert nz.parse_date_zh(text) == expected


NOT_ONE_DATE = ["", "2024年2月30日", "2024年13月1日", "填报日期：2024年5月21日", "2024年5月", "0024.1.1"]


@pytest.mark.parametrize("text", NOT_ONE_DATE)
def test_parse_date_zh_rejects(text: str) -> None:
    assert nz.parse_date_zh(text) is None


def test_find_dates_in_seed_lines() -> None:
    line = "(一) 评价小组情况。2025 年 4 月 21 日，成立市政府办公室整体支出绩效评价自评工作小组"
    assert [d for d, *_ in nz.find_dates(line)] == [date(2025, 4, 21)]
    assert [d for d, *_ in nz.find_dates("填报日期：2021年6月10日")] == [date(2021, 6, 10)]
    assert nz.find_dates("收入预算为3830.11万元") == []


# --- any text ------------------------------------------------------------------------------------

ANY_TEXT = st.one_of(
    st.text(),
    st.text(alphabet="0123456789０１２.,，．%％ 万元亿千百十一二三四五六七八九零〇两是第、（）()年月日-－负点之①"),
)


@settings(max_examples=300)
@given(ANY_TEXT)
def test_never_raises_on_any_text(text: str) -> None:
    amount = nz.parse_amount(text)
    assert amount is None or isinstance(amount[0], Decimal)
    assert all(text[start:end] for _, _, start, end in nz.find_amounts(text))
    percent = nz.parse_percent(text)
    assert percent is None or isinstance(percent, Decimal)
    assert all(end > start for _, start, end in nz.find_percents(text))
    value = nz.cn_to_int(text)
    assert value is None or isinstance(value, int)
    marker = nz.parse_marker(text)
    assert marker is None or (marker.value > 0 and 0 < marker.end <= len(text))
    assert all(m.value > 0 for m in nz.find_ordinals(text))
    parsed = nz.parse_date_zh(text)
    assert parsed is None or isinstance(parsed, date)
    assert all(isinstance(d, date) for d, *_ in nz.find_dates(text))
