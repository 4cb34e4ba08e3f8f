"""The dashboard's charts, computed in Python with Decimal from plain rows (no database here).

Each chart is a ``Chart``: tables (what the page shows and the JSON variant returns) and an ECharts
option dict (what ``static/dashboard/charts.js`` draws). Figures are read from the digests of the
accepted or published versions (``VersionDigest``); averages are Decimal, rounded half-up to two
decimals. The option dicts carry plain floats, since ECharts wants numbers.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from ...core.workflow import STATE_ZH, State

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
LOW_RATE = Decimal(80)  # 支出执行率 below this with the top grade is flagged
TOP_INDICATORS = 15
PAGE_FLAGGED = 100  # flagged units listed on the page; the JSON lists them all
OFFICIAL = (State.ACCEPTED.value, State.PUBLISHED.value)
STATUS_COLOURS = {
    "not_started": "#adb5bd",
    "draft": "#6ea8fe",
    "pending_head": "#ffc107",
    "submitted": "#3d8bfd",
    "under_review": "#1f4e8c",
    "returned": "#dc3545",
    "accepted": "#20c997",
    "published": "#198754",
    "exempted": "#6c757d",
}
GRADE_COLOURS = {"优": "#198754", "良": "#1f4e8c", "中": "#ffc107", "差": "#dc3545"}
BASE_OPTION: dict[str, Any] = {
    "animation": False,
    "textStyle": {"fontFamily": 'system-ui, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif'},
}


def dec(value: Any) -> Decimal | None:
    """A JSON number (or numeric string) as Decimal; None for anything else."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def q2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def mean(values: Sequence[Decimal]) -> Decimal | None:
    return q2(sum(values, Decimal(0)) / len(values)) if values else None


def num(value: Any) -> Any:
    """A value as JSON/ECharts wants it: Decimal → float, the rest unchanged."""
    return float(value) if isinstance(value, Decimal) else value


# --------------------------------------------------------------------------- digests


@dataclass(frozen=True)
class Digest:
    """The parts of an accepted version the dashboard reads."""

    total: Decimal | None
    grade: str
    execution_rate: Decimal | None
    error_findings: int
    losses: Mapping[str, Any] = field(default_factory=dict)


def leaf_ids(indicators: Sequence[Mapping[str, Any]]) -> set[str]:
    """Ids of the leaves: nodes that no other node's id extends (``a.b`` is a child of ``a``)."""
    ids = [str(i.get("id", "")) for i in indicators]
    parents = {i.rsplit(".", 1)[0] for i in ids if "." in i}
    return {i for i in ids if i not in parents}


def execution_rate(data: Mapping[str, Any] | None) -> Decimal | None:
    """支出执行率 = 支出决算数 / 支出预算数 × 100, two decimals; None when either is missing or 0."""
    data = data or {}
    budget, final = dec(data.get("expenditure_budget")), dec(data.get("expenditure_final"))
    if budget is None or final is None or budget <= 0:
        return None
    return q2(final / budget * HUNDRED)


def digest_fields(score: Mapping[str, Any], data: Mapping[str, Any] | None, findings: Any) -> dict[str, Any]:
    """The ``VersionDigest`` columns of one version (score JSON §4, evaluation data §2, findings §5)."""
    indicators = [i for i in score.get("indicators") or [] if isinstance(i, dict)]
    leaves = leaf_ids(indicators)
    losses: dict[str, float] = {}
    scores: dict[str, float | None] = {}
    for row in indicators:
        got = dec(row.get("score"))
        weight = dec(row.get("effective_weight"))
        if weight is None:
            weight = dec(row.get("weight"))
        scores[row["id"]] = None if row.get("applicable") is False else num(got)
        if row["id"] in leaves and got is not None and weight is not None and weight > got:
            losses[row["id"]] = float(q2(weight - got))
    errors = sum(1 for f in findings or [] if isinstance(f, dict) and f.get("severity") == "error")
    return {
        "framework_id": str((score.get("framework") or {}).get("id", "")),
        "total": dec(score.get("total")),
        "grade": str(score.get("grade") or ""),
        "bonus": dec(score.get("bonus")),
        "penalty": dec(score.get("penalty")),
        "execution_rate": execution_rate(data),
        "error_findings": errors,
        "losses": losses,
        "scores": scores,
    }


# --------------------------------------------------------------------------- rows and charts


@dataclass(frozen=True)
class Row:
    """One submission in the dashboard's scope."""

    submission: int
    status: str
    unit_code: str
    unit_name: str
    department: str
    framework_id: str
    digest: Digest | None  # None unless accepted or published


@dataclass(frozen=True)
class Meta:
    """What a scoring table tells the charts: indicator names and weights, grades best first."""

    name: str
    indicators: Mapping[str, tuple[str, Decimal, bool]]  # id -> (name, weight, is leaf), table order
    grades: tuple[str, ...]


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[Any]]
    numeric: frozenset[int] = frozenset()
    note: str = ""

    def json(self) -> dict[str, Any]:
        return {"title": self.title, "columns": self.columns, "rows": [[num(c) for c in r] for r in self.rows]}

    def cells(self) -> list[list[tuple[str, bool]]]:
        """Rows as (text, right-aligned) for the page."""
        return [[(text(c), i in self.numeric) for i, c in enumerate(r)] for r in self.rows]


def text(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


@dataclass
class Chart:
    name: str
    title: str
    option: dict[str, Any]
    tables: list[Table]
    size: str = "md"  # the chart's height class: sm, md, lg, xl
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)  # more data for the JSON variant

    @property
    def dom_id(self) -> str:
        return f"opts-{self.name}"

    @property
    def empty(self) -> bool:
        return not any(t.rows for t in self.tables)

    def json(self) -> dict[str, Any]:
        return {"title": self.title, "note": self.note, "tables": [t.json() for t in self.tables], **self.extra}


def _option(**parts: Any) -> dict[str, Any]:
    return {**BASE_OPTION, **parts}


def _tooltip(trigger: str = "item", **more: Any) -> dict[str, Any]:
    return {"trigger": trigger, "renderMode": "richText", "confine": True, **more}


def status_by_department(rows: Iterable[Row]) -> Chart:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        counts[row.department][row.status] += 1
    departments = sorted(counts, key=lambda d: (-sum(counts[d].values()), d))
    present = [s for s in State if any(counts[d][s.value] for d in departments)]
    columns = ["主管部门", *(STATE_ZH[s] for s in present), "合计", "审核通过及已公开"]
    table_rows = []
    for d in departments:
        c = counts[d]
        table_rows.append([d, *(c[s.value] for s in present), sum(c.values()), sum(c[s] for s in OFFICIAL)])
    if departments:
        totals = [sum(r[i] for r in table_rows) for i in range(1, len(columns))]
        table_rows.append(["合计", *totals])
    shown = list(reversed(departments))  # the biggest at the top of a horizontal bar chart
    option = _option(
        tooltip=_tooltip("axis", axisPointer={"type": "shadow"}),
        legend={"top": 0, "type": "scroll"},
        grid={"left": 8, "right": 24, "top": 36, "bottom": 8, "containLabel": True},
        xAxis={"type": "value", "minInterval": 1},
        yAxis={
            "type": "category",
            "data": shown,
            "axisLabel": {"width": 160, "overflow": "truncate", "interval": 0, "fontSize": 11},
        },
        series=[
            {
                "name": STATE_ZH[s],
                "type": "bar",
                "stack": "total",
                "itemStyle": {"color": STATUS_COLOURS[s.value]},
                "data": [counts[d][s.value] for d in shown],
            }
            for s in present
        ],
    )
    size = (
        "sm" if len(departments) <= 4 else "md" if len(departments) <= 12 else "lg" if len(departments) <= 30 else "xl"
    )
    if len(departments) > 60:
        option["dataZoom"] = [
            {"type": "slider", "yAxisIndex": 0, "startValue": len(shown) - 40, "endValue": len(shown) - 1}
        ]
    numeric = frozenset(range(1, len(columns)))
    return Chart(
        "status",
        "各主管部门填报状态",
        option,
        [Table("各主管部门填报状态（单位数）", columns, table_rows, numeric)],
        size=size,
    )


def _official(rows: Iterable[Row]) -> list[Row]:
    return [r for r in rows if r.digest is not None and r.digest.total is not None]


def histogram(rows: Iterable[Row]) -> Chart:
    totals = [r.digest.total for r in _official(rows) if r.digest and r.digest.total is not None]
    bins = Counter(min(int(t // 5), 19) if t >= 0 else 0 for t in totals)
    first = min(bins) if bins else 0
    labels = [f"{b * 5}–{b * 5 + 5}" for b in range(first, 20)]
    values = [bins.get(b, 0) for b in range(first, 20)]
    table = Table(
        "总分分布",
        ["分数段", "单位数", "占比（%）"],
        [[label, n, q2(Decimal(n) * HUNDRED / len(totals))] for label, n in zip(labels, values, strict=True)]
        if totals
        else [],
        frozenset({1, 2}),
        note="分数段含下限不含上限，最后一段含 100 分。",
    )
    option = _option(
        tooltip=_tooltip("axis"),
        grid={"left": 8, "right": 16, "top": 40, "bottom": 28, "containLabel": True},
        xAxis={"type": "category", "data": labels, "name": "总分", "nameLocation": "middle", "nameGap": 28},
        yAxis={"type": "value", "name": "单位数", "minInterval": 1},
        series=[
            {"name": "单位数", "type": "bar", "barCategoryGap": "8%", "data": values, "itemStyle": {"color": "#1f4e8c"}}
        ],
    )
    return Chart("histogram", "总分分布", option, [table], extra={"mean": num(mean(totals))})


def grades(rows: Iterable[Row], order: Sequence[str]) -> Chart:
    counted = Counter(r.digest.grade or "无等级" for r in _official(rows) if r.digest)
    names = [g for g in order if counted.get(g)] + sorted(g for g in counted if g not in order)
    total = sum(counted.values())
    table = Table(
        "等级分布",
        ["等级", "单位数", "占比（%）"],
        [[g, counted[g], q2(Decimal(counted[g]) * HUNDRED / total)] for g in names],
        frozenset({1, 2}),
    )
    option = _option(
        tooltip=_tooltip("item", formatter="{b}：{c} 个（{d}%）"),
        legend={"bottom": 0},
        series=[
            {
                "name": "等级",
                "type": "pie",
                "radius": ["35%", "68%"],
                "label": {"formatter": "{b} {c}"},
                "data": [
                    {"name": g, "value": counted[g], "itemStyle": {"color": GRADE_COLOURS.get(g, "#adb5bd")}}
                    for g in names
                ],
            }
        ],
    )
    return Chart("grades", "等级分布", option, [table])


def indicator_losses(rows: Iterable[Row], metas: Mapping[str, Meta]) -> Chart:
    """Leaf indicators by points lost (effective weight − score), summed and averaged over versions."""
    lost: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    losing: Counter[tuple[str, str]] = Counter()
    versions: Counter[str] = Counter()
    for row in _official(rows):
        assert row.digest is not None
        versions[row.framework_id] += 1
        for indicator, points in row.digest.losses.items():
            value = dec(points)
            if value:
                lost[(row.framework_id, indicator)] += value
                losing[(row.framework_id, indicator)] += 1
    several = len(versions) > 1
    ranked = sorted(lost, key=lambda k: (-lost[k], k))[:TOP_INDICATORS]
    table_rows = []
    labels = []
    for fid, indicator in ranked:
        meta = metas.get(fid)
        name, weight, _ = meta.indicators.get(indicator, (indicator, None, True)) if meta else (indicator, None, True)
        average = q2(lost[(fid, indicator)] / versions[fid])
        label = f"{name}（{meta.name if meta else fid}）" if several else name
        labels.append(label)
        table_rows.append(
            [label, indicator, weight, versions[fid], losing[(fid, indicator)], q2(lost[(fid, indicator)]), average]
        )
    shown = list(reversed(table_rows))
    option = _option(
        tooltip=_tooltip("axis", axisPointer={"type": "shadow"}),
        grid={"left": 8, "right": 40, "top": 8, "bottom": 28, "containLabel": True},
        xAxis={"type": "value", "name": "平均失分（分）", "nameLocation": "middle", "nameGap": 28},
        yAxis={"type": "category", "data": [r[0] for r in shown], "axisLabel": {"width": 200, "overflow": "truncate"}},
        series=[
            {
                "name": "平均失分",
                "type": "bar",
                "data": [num(r[6]) for r in shown],
                "itemStyle": {"color": "#b22222"},
                "label": {"show": True, "position": "right"},
            }
        ],
    )
    table = Table(
        f"失分最多的指标（前 {TOP_INDICATORS} 项）",
        ["指标", "指标编号", "分值", "参评单位数", "失分单位数", "失分合计", "平均失分"],
        table_rows,
        frozenset({2, 3, 4, 5, 6}),
        note="失分 = 调整后分值 − 得分，仅计末级指标；平均失分按参评单位数平均。",
    )
    return Chart("indicators", "失分最多的指标", option, [table], size="lg" if len(table_rows) > 8 else "md")


BANDS = (
    ("≥ 100%", Decimal(100), None),
    ("90%–100%", Decimal(90), Decimal(100)),
    ("80%–90%", Decimal(80), Decimal(90)),
    ("70%–80%", Decimal(70), Decimal(80)),
    ("< 70%", None, Decimal(70)),
)


def _band(rate: Decimal) -> str:
    for label, low, high in BANDS:
        if (low is None or rate >= low) and (high is None or rate < high):
            return label
    return BANDS[-1][0]


def flag_reason(digest: Digest, top_grade: str) -> str:
    """Why a top-graded unit looks inflated ("" when it does not)."""
    if not top_grade or digest.grade != top_grade:
        return ""
    reasons = []
    if digest.execution_rate is not None and digest.execution_rate < LOW_RATE:
        reasons.append(f"支出执行率 {digest.execution_rate}% 低于 {LOW_RATE}%")
    if digest.error_findings:
        reasons.append(f"审核发现 {digest.error_findings} 处错误")
    return "；".join(reasons)


def execution_scatter(rows: Iterable[Row], metas: Mapping[str, Meta]) -> Chart:
    points, flagged, missing = [], [], 0
    by_band: dict[str, list[Decimal]] = defaultdict(list)
    top_in_band: Counter[str] = Counter()
    flagged_in_band: Counter[str] = Counter()
    for row in _official(rows):
        d = row.digest
        assert d is not None and d.total is not None
        meta = metas.get(row.framework_id)
        top = meta.grades[0] if meta and meta.grades else "优"
        reason = flag_reason(d, top)
        point = [
            row.unit_code,
            row.unit_name,
            row.department,
            d.total,
            d.grade,
            d.execution_rate,
            d.error_findings,
            reason,
        ]
        points.append(point)
        if reason:
            flagged.append(point)
        if d.execution_rate is None:
            missing += 1
            continue
        band = _band(d.execution_rate)
        by_band[band].append(d.total)
        top_in_band[band] += d.grade == top
        flagged_in_band[band] += bool(reason)
    bands = Table(
        "支出执行率分段与总分",
        ["支出执行率", "单位数", "平均总分", "其中“优”", "疑似虚高"],
        [
            [label, len(by_band[label]), mean(by_band[label]), top_in_band[label], flagged_in_band[label]]
            for label, *_ in BANDS
        ],
        frozenset({1, 2, 3, 4}),
        note=f"另有 {missing} 个单位缺少支出预算数或决算数，未计执行率。" if missing else "",
    )
    flagged.sort(key=lambda p: (p[5] if p[5] is not None else Decimal(1000), p[0]))
    suspects = Table(
        "疑似虚高：评为“优”但支出执行率低于 80% 或审核发现错误",
        ["单位编码", "单位名称", "主管部门", "总分", "等级", "支出执行率（%）", "错误类审核发现", "原因"],
        [p for p in flagged[:PAGE_FLAGGED]],
        frozenset({3, 5, 6}),
        note=f"共 {len(flagged)} 个单位，页面列出前 {PAGE_FLAGGED} 个，完整名单见 JSON。"
        if len(flagged) > PAGE_FLAGGED
        else "",
    )
    plain = [[num(p[5]), num(p[3])] for p in points if p[5] is not None and not p[7]]
    marked = [{"name": p[1], "value": [num(p[5]), num(p[3])]} for p in flagged if p[5] is not None]
    option = _option(
        tooltip=_tooltip("item"),
        legend={"top": 0},
        grid={"left": 8, "right": 24, "top": 48, "bottom": 28, "containLabel": True},
        xAxis={"type": "value", "name": "支出执行率（%）", "scale": True, "nameLocation": "middle", "nameGap": 28},
        yAxis={"type": "value", "name": "总分", "scale": True},
        series=[
            {
                "name": "其他单位",
                "type": "scatter",
                "symbolSize": 5,
                "large": len(plain) > 2000,
                "itemStyle": {"color": "#1f4e8c", "opacity": 0.55},
                "tooltip": {"formatter": "支出执行率 {c}"},
                "data": plain,
                "markLine": {
                    "silent": True,
                    "symbol": "none",
                    "lineStyle": {"type": "dashed", "color": "#b22222"},
                    "label": {"formatter": "{b}"},
                    "data": [{"xAxis": float(LOW_RATE), "name": "执行率 80%"}],
                },
            },
            {
                "name": "疑似虚高",
                "type": "scatter",
                "symbolSize": 9,
                "itemStyle": {"color": "#dc3545"},
                "tooltip": {"formatter": "{b}\n支出执行率、总分：{c}"},
                "data": marked,
            },
        ],
    )
    extra = {
        "points": {
            "columns": [
                "单位编码",
                "单位名称",
                "主管部门",
                "总分",
                "等级",
                "支出执行率",
                "错误类审核发现",
                "疑似虚高原因",
            ],
            "rows": [[num(c) for c in p] for p in points],
        },
        "flagged": len(flagged),
    }
    return Chart(
        "execution",
        "支出执行率与总分",
        option,
        [bands, suspects],
        size="lg",
        note="每个点是一个审核通过或已公开的单位；红点为评为“优”但支出执行率低于 80% 或报告审核发现错误的单位。",
        extra=extra,
    )


def year_over_year(pairs: Iterable[tuple[int, Decimal]]) -> Chart:
    """Mean total per year over every accepted or published submission in scope."""
    by_year: dict[int, list[Decimal]] = defaultdict(list)
    for year, total in pairs:
        by_year[year].append(total)
    years = sorted(by_year)
    table_rows = [[f"{y}年", len(by_year[y]), mean(by_year[y]), min(by_year[y]), max(by_year[y])] for y in years]
    option = _option(
        tooltip=_tooltip("axis"),
        grid={"left": 8, "right": 24, "top": 56, "bottom": 8, "containLabel": True},
        legend={"top": 0},
        xAxis={"type": "category", "data": [f"{y}年" for y in years]},
        yAxis=[
            {"type": "value", "name": "平均总分", "scale": True},
            {"type": "value", "name": "单位数", "minInterval": 1},
        ],
        series=[
            {
                "name": "单位数",
                "type": "bar",
                "yAxisIndex": 1,
                "data": [len(by_year[y]) for y in years],
                "itemStyle": {"color": "#ced4da"},
            },
            {
                "name": "平均总分",
                "type": "line",
                "data": [num(mean(by_year[y])) for y in years],
                "itemStyle": {"color": "#1f4e8c"},
                "label": {"show": True},
            },
        ],
    )
    table = Table(
        "历年平均总分", ["年度", "单位数", "平均总分", "最低分", "最高分"], table_rows, frozenset({1, 2, 3, 4})
    )
    return Chart("trend", "历年平均总分（全部单位）", option, [table], size="sm")


def unit_years(name: str, rows: Iterable[tuple[int, str, str, Digest | None]]) -> Chart:
    """One unit's accepted scores year by year: (year, task name, status, digest)."""
    table_rows = []
    for year, task, status, digest in sorted(rows, key=lambda r: r[0]):
        table_rows.append(
            [
                f"{year}年",
                task,
                STATE_ZH[State(status)],
                digest.total if digest else None,
                digest.grade if digest else "",
                digest.execution_rate if digest else None,
            ]
        )
    scored = [r for r in table_rows if r[3] is not None]
    option = _option(
        tooltip=_tooltip("axis"),
        grid={"left": 8, "right": 24, "top": 56, "bottom": 8, "containLabel": True},
        legend={"top": 0},
        xAxis={"type": "category", "data": [r[0] for r in scored]},
        yAxis=[
            {"type": "value", "name": "总分", "scale": True},
            {"type": "value", "name": "执行率（%）", "scale": True},
        ],
        series=[
            {
                "name": "总分",
                "type": "line",
                "data": [num(r[3]) for r in scored],
                "label": {"show": True},
                "itemStyle": {"color": "#1f4e8c"},
            },
            {
                "name": "支出执行率",
                "type": "line",
                "yAxisIndex": 1,
                "data": [num(r[5]) for r in scored],
                "itemStyle": {"color": "#b22222"},
            },
        ],
    )
    table = Table(
        f"{name}历年得分",
        ["年度", "任务", "状态", "总分", "等级", "支出执行率（%）"],
        table_rows,
        frozenset({3, 5}),
        note="总分取审核通过的版本；未通过的年度只列状态。",
    )
    return Chart("unit", f"{name}历年得分", option, [table], size="sm")
