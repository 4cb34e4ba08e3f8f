"""Command line adapter (typer + rich): each command parses, calls one service, prints.

Exit status (formats §3): 0 no error, 1 an error-severity issue, 2 unusable arguments or files
(``EXIT_STATUS``: the one place a failure becomes a status).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import cli_zh
from .core.errors import JixiaoError, UnusableInput
from .core.model import RULE_NAMES_ZH, Framework, Issue, Scorecard, Severity
from .core.numbers import fmt_points
from .frameworks.loader import Loaded
from .services import scoring
from .services.files import OutputRefused, check_output, write_text

if TYPE_CHECKING:  # imported where used: scoring does not load the document writers (start-up time)
    from .services import documents

cli_zh.install()  # click's and typer's own messages and help in Chinese
app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="jixiao 绩效：部门整体支出绩效自评的评分、报告与审核。",
)
framework_app = typer.Typer(no_args_is_help=True, help="评分表：检查、查看、从 Excel 导入、列出内置评分表。")
app.add_typer(framework_app, name="framework")
out = Console(highlight=False, soft_wrap=False, emoji=False)  # emoji=False: ":100:" in a unit's text stays text
if not out.is_terminal and "COLUMNS" not in os.environ:
    out.width = 160
err = Console(stderr=True, highlight=False, emoji=False)
if not err.is_terminal and "COLUMNS" not in os.environ:
    err.width = 160


def esc(value: object) -> str:
    """User text shown through rich, with its square brackets taken literally, not as markup."""
    return escape(str(value))


PROVENANCE_ZH = {
    "official": "正式发布",
    "reconstructed": "根据报告重构（评分规则非原文）",
    "example": "示例（分值或规则为推定，使用前请按本地通知核对）",
    "imported": "由 Excel 导入（评分规则按评分标准文字识别，须经财政局确认后方为正式）",
}
SEVERITY_ZH = {
    Severity.ERROR: "[red]错误[/red]",
    Severity.WARNING: "[yellow]警告[/yellow]",
    Severity.INFO: "[cyan]提示[/cyan]",
}


EXIT_STATUS: tuple[tuple[type[JixiaoError], int], ...] = (  # first match wins; the web maps them to HTTP
    (UnusableInput, 2),
    (JixiaoError, 2),
)


FORCE_HELP = "覆盖已有的输出文件（输入文件永远不会被覆盖）"


def fail(error: JixiaoError, heading: str = "无法读取") -> NoReturn:
    """Print a failure's message and exit with its status; an output that cannot be written is "无法写入"."""
    heading = "无法写入" if isinstance(error, OutputRefused) else heading
    err.print(f"[red]{heading}：[/red]{esc(error.message)}")
    raise typer.Exit(next(status for kind, status in EXIT_STATUS if isinstance(error, kind)))


def print_issues(issues: tuple[Issue, ...]) -> None:
    for issue in issues:
        where = issue.located()
        err.print(f"{SEVERITY_ZH[issue.severity]} {esc(where)}：{esc(issue.message)} [dim]({issue.code})[/dim]")


def exit_for(issues: tuple[Issue, ...], consequence: str = "") -> None:
    if any(i.severity is Severity.ERROR for i in issues):
        errors = sum(1 for i in issues if i.severity is Severity.ERROR)
        err.print(f"[red]共 {errors} 个错误{('，' + consequence) if consequence else ''}。[/red]")
        raise typer.Exit(1)


def scorecard_table(card: Scorecard, framework: Framework) -> Table:
    """The terminal 评分表, from the same rows as the report and the workbook (documents.tables)."""
    from .documents.tables import score_table

    table = Table(title=f"{esc(card.unit)} {card.year}年度 评分表", show_lines=False, expand=True)
    table.add_column("指标", overflow="fold", max_width=24)
    for name in ("分值", "值", "得分"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("说明", overflow="fold", ratio=1)
    for row in score_table(card, framework).rows:
        indent = "  " * (row.depth - 1)
        name = f"{indent}{esc(row.name)}" if row.is_leaf else f"{indent}[bold]{esc(row.name)}[/bold]"
        table.add_row(name, row.weight_text, esc(row.value_text), row.score_text, esc(row.explanation))
    return table


@app.command()
def score(
    evaluations: Annotated[
        list[Path], typer.Argument(help="一个或多个评价数据文件（jixiao/evaluation@1 YAML），或含有它们的目录")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON（jixiao/score@1；多个文件时为其列表）")] = False,
) -> None:
    """计算并打印评分表：每项指标的分值、值、得分与说明，以及总分和等级；多个文件时打印每个文件的结果汇总。

    退出状态：0 全部无错误，1 有文件存在错误，2 有文件无法读取（其余文件照常评分）。
    """
    try:
        files = _evaluation_files(evaluations)
    except JixiaoError as error:
        fail(error)
    if len(files) == 1 and not evaluations[0].is_dir():
        _score_one(files[0], as_json)
        return
    _score_many(files, as_json)


def _score_one(evaluation: Path, as_json: bool) -> None:
    try:
        scored = scoring.score_file(evaluation)
    except JixiaoError as error:
        fail(error)
    if as_json:
        out.print_json(json.dumps(scoring.score_json(scored), ensure_ascii=False))
    elif scored.scorecard is not None:
        print_scorecard(scored.scorecard, scored.framework)
    print_issues(scored.issues)
    exit_for(scored.issues, "未能给出总分")


def _score_many(files: list[Path], as_json: bool) -> None:
    """Every file scored in this one process; one summary row per file; the worst status is the exit status."""
    summary = Table(title=f"评分结果汇总（{len(files)} 个文件）")
    for name in ("文件", "单位", "年度", "总分", "等级", "错误", "警告", "结果"):
        summary.add_column(name, overflow="fold")
    results: list[Any] = []
    status = 0
    for path in files:
        try:
            scored = scoring.score_file(path)
        except JixiaoError as error:
            err.print(f"[red]无法读取：[/red]{esc(error.message)}")
            summary.add_row(esc(path), "—", "—", "—", "—", "—", "—", "[red]无法读取[/red]")
            status = 2
            continue
        print_issues(tuple(i for i in scored.issues if i.severity is not Severity.INFO))
        if as_json:
            results.append(scoring.score_json(scored))
        errors = sum(1 for i in scored.issues if i.severity is Severity.ERROR)
        warnings = sum(1 for i in scored.issues if i.severity is Severity.WARNING)
        card = scored.scorecard
        total = fmt_points(card.total) if card is not None and card.total is not None else "—"
        grade = (card.grade if card is not None else "") or "—"
        unit, year = (esc(card.unit), str(card.year)) if card is not None else ("—", "—")
        verdict = "[red]有错误[/red]" if errors else "[green]通过[/green]"
        summary.add_row(esc(path), unit, year, total, grade, str(errors), str(warnings), verdict)
        status = max(status, 1 if errors else 0)
    if as_json:
        out.print_json(json.dumps(results, ensure_ascii=False))
    else:
        out.print(summary)
    raise typer.Exit(status)


def _evaluation_files(paths: list[Path]) -> list[Path]:
    """The evaluation files named, a folder standing for its .yaml/.yml files (sorted, not recursive)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in (".yaml", ".yml") and p.is_file())
            if not found:
                raise UnusableInput(f"目录 {path} 中没有评价数据文件（.yaml）")
            files.extend(found)
        else:
            files.append(path)
    return files


def print_scorecard(card: Scorecard, framework: Framework | None) -> None:
    if framework is not None:
        out.print(scorecard_table(card, framework))
        note = PROVENANCE_ZH.get(framework.provenance, framework.provenance)
        out.print(
            f"评分表：{esc(framework.name)}（{esc(framework.id)} 第{framework.version}版，{note}；"
            f"sha256 {framework.sha256[:16]}…）"
        )
    if card.total is not None:
        out.print(f"[bold]总分 {fmt_points(card.total)} 分，等级：{card.grade}[/bold]")
        out.print(f"计算：{esc(card.total_explanation)}")


def _print_outcomes(outcomes: list[documents.Outcome]) -> None:
    for outcome in outcomes:
        print_issues(tuple(i for i in outcome.issues if i.severity is not Severity.INFO))
        for warning in outcome.warnings:
            err.print(f"{SEVERITY_ZH[Severity.WARNING]} {esc(outcome.evaluation)}：{esc(warning)}")
        if outcome.output is not None:
            out.print(f"[green]已生成[/green] {esc(outcome.output)}")
        else:
            named = f"{esc(outcome.target)}（{esc(outcome.evaluation)}）" if outcome.target else esc(outcome.evaluation)
            err.print(f"[red]未生成[/red] {named}：{esc(outcome.error)}")


@app.command()
def init(
    table: Annotated[str, typer.Argument(help="内置评分表编号或评分表 YAML 文件")],
    output: Annotated[Path, typer.Option("-o", "--output", help="要生成的评价数据文件（.yaml）")],
    unit: Annotated[str, typer.Option("--unit", help="单位名称")] = "",
    year: Annotated[int, typer.Option("--year", help="评价年度")] = 0,
) -> None:
    """生成评价数据模板：列出评分表用到的每项数据、每个指标需要填报的内容及评分标准。"""
    from .services.template import write_template

    loaded = _load(table)
    if loaded.framework is None:
        print_issues(loaded.issues)
        exit_for(loaded.issues)
        return
    try:
        write_template(loaded.framework, output, unit, year)
    except JixiaoError as error:
        fail(error)
    out.print(f"[green]已生成[/green] {esc(output)}：填写后运行 jixiao score {esc(output)}")


@app.command()
def report(
    evaluations: Annotated[list[Path], typer.Argument(help="一个或多个评价数据文件")],
    output: Annotated[Path, typer.Option("-o", "--output", help="输出文件（.docx .pdf .html .md），多个评价时为目录")],
    fmt: Annotated[str, typer.Option("--format", help="输出为目录时的格式：docx、pdf、html、md")] = "docx",
    force: Annotated[bool, typer.Option("--force", help=FORCE_HELP)] = False,
) -> None:
    """生成自评报告：.docx（公文格式）、.pdf、.html 或 .md，数字与评分表一致。"""
    from .services import documents

    if fmt not in documents.REPORT_FORMATS:
        err.print(f"[red]--format 应为 {'、'.join(documents.REPORT_FORMATS)} 之一[/red]")
        raise typer.Exit(2)
    try:
        _all_exist(evaluations)
        outputs = documents.output_paths(evaluations, output, fmt, force)
        for path in outputs:
            documents.report_format(path)
        with _terminate_as_interrupt():
            outcomes = _with_progress(evaluations, outputs)
    except UnusableInput as error:
        fail(error)
    except JixiaoError as error:  # e.g. LibreOffice missing
        fail(error, "无法生成文件")
    _print_outcomes(outcomes)
    if documents.has_errors(outcomes):
        raise typer.Exit(1)


def _all_exist(evaluations: list[Path]) -> None:
    """Refuse a batch naming a file that does not exist before any report is written (no partial batch)."""
    from .core.inputs import is_stdin

    missing = [str(p) for p in evaluations if not is_stdin(p) and not p.exists()]
    if missing:
        raise UnusableInput(f"{'、'.join(missing)}：文件不存在，未生成任何报告")


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """While a batch runs, SIGTERM interrupts it like Ctrl-C: temporary folders and LibreOffice are cleaned up."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave the signal alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _with_progress(evaluations: list[Path], outputs: list[Path]) -> list[documents.Outcome]:
    """Write the reports; a batch shows a progress bar on stderr when it is a terminal."""
    from .services import documents

    if len(evaluations) == 1:
        return documents.write_reports(evaluations, outputs)
    with Progress(
        TextColumn("生成报告"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task("reports", total=len(evaluations))
        return documents.write_reports(evaluations, outputs, lambda: bar.advance(task))


@app.command()
def tables(
    evaluations: Annotated[list[Path], typer.Argument(help="一个或多个评价数据文件，或含有它们的目录")],
    output: Annotated[Path, typer.Option("-o", "--output", help="输出的 .xlsx 文件；多个评价时为目录")],
    force: Annotated[bool, typer.Option("--force", help=FORCE_HELP)] = False,
) -> None:
    """生成数据表与评分表工作簿（.xlsx），小计与总分为公式；多个评价时每个评价一个工作簿。"""
    from .services import documents

    try:
        files = _evaluation_files(evaluations)
        if len(files) == 1 and not evaluations[0].is_dir():
            outcomes = [documents.write_tables(files[0], output, force)]
        else:
            outcomes = [
                _tables_of(path, target, force)
                for path, target in zip(files, documents.output_paths(files, output, "xlsx", force), strict=True)
            ]
    except JixiaoError as error:
        fail(error)
    _print_outcomes(outcomes)
    if documents.has_errors(outcomes):
        raise typer.Exit(1)


def _tables_of(evaluation: Path, target: Path, force: bool) -> documents.Outcome:
    """One workbook of a batch: a file that cannot be read or written is reported, the batch goes on."""
    from .services import documents

    try:
        return documents.write_tables(evaluation, target, force)
    except JixiaoError as error:
        return documents.Outcome(evaluation, target=target, error=error.message)


@app.command()
def audit(
    paths: Annotated[list[Path], typer.Argument(help="报告文件（.txt .docx .pdf）或目录")],
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON（jixiao/audit@1）")] = False,
    csv_out: Annotated[Path | None, typer.Option("--csv", help="把全部问题写入 CSV 文件")] = None,
    force: Annotated[bool, typer.Option("--force", help=FORCE_HELP)] = False,
    time_limit: Annotated[
        float, typer.Option("--time-limit", min=0, help="每个文件最多审核的秒数，超时的文件报告后跳过；0 表示不限")
    ] = 60.0,
) -> None:
    """审核报告：提取单位、年度、得分、等级和主要数字，找出审核人员关注的问题。"""
    from .services import audit as auditing

    try:
        files = auditing.expand(paths)
        if csv_out is not None:
            check_output(csv_out, files, force)
    except JixiaoError as error:
        fail(error)
    batch = _AuditBatch(as_json=as_json)
    results = auditing.audit_stream(files, time_limit or None)
    if len(files) <= 3:
        for result in results:
            batch.add(result)
    else:
        with Progress(
            TextColumn("审核报告"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err, transient=True
        ) as bar:
            task = bar.add_task("audit", total=len(files))
            for result in results:
                batch.add(result)
                bar.advance(task)
    if as_json:
        out.print_json(json.dumps(auditing.json_output(batch.json, paths), ensure_ascii=False))
    else:
        _print_summary(batch.summary)
    if csv_out is not None:
        try:
            write_text(csv_out, batch.csv_text(), encoding="utf-8-sig")
        except JixiaoError as error:
            fail(error)
        err.print(f"问题清单已写入 {esc(csv_out)}")
    if batch.unreadable:
        raise typer.Exit(2)  # formats §3: an unreadable file (or one stopped at the time limit)
    if batch.errors:
        raise typer.Exit(1)


class _AuditBatch:
    """What a batch keeps of each result as it comes: a summary row, its JSON or CSV rows — never the document."""

    def __init__(self, *, as_json: bool) -> None:
        self.as_json = as_json
        self.summary: list[tuple[str, ...]] = []
        self.json: list[dict[str, Any]] = []
        self.csv: list[list[str]] = []
        self.unreadable = self.errors = False

    def add(self, result: Any) -> None:
        from .services import audit as auditing

        self.unreadable = self.unreadable or any(f.code in ("unreadable", "time-limit") for f in result.findings)
        self.errors = self.errors or result.count("error") > 0
        self.csv.extend(auditing.csv_rows(result))
        if self.as_json:
            self.json.append(auditing.audit_json(result))
            return
        f = result.found
        self.summary.append(
            (
                esc(result.file),
                esc(f.unit or "—"),
                str(f.year or "—"),
                fmt_points(f.score) if f.score is not None else "—",
                f.grade or "—",
                str(result.count("error")),
                str(result.count("warning")),
            )
        )
        _print_findings(result)

    def csv_text(self) -> str:
        import csv
        import io

        from .services import audit as auditing

        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(auditing.CSV_HEADER)
        writer.writerows(self.csv)
        return buffer.getvalue()


def _print_findings(result: Any) -> None:
    """One file's findings, printed as soon as it is audited; each placed as in the CSV (第3页第5段)."""
    if not result.findings:
        return
    out.print(f"\n[bold]{esc(result.file)}[/bold]")
    for finding in result.findings:
        place = result.document.where(finding.line)
        where = f"{place} " if place else ""
        quote = f"\n    原文：“{finding.quote}”" if finding.quote else ""
        code = f"[dim]({finding.code})[/dim]"
        out.print(f"  {SEVERITY_ZH[finding.severity]} {where}{esc(finding.message)} {code}{esc(quote)}")


def _print_summary(rows: list[tuple[str, ...]]) -> None:
    summary = Table(title="审核结果汇总")
    for name in ("文件", "单位", "年度", "得分", "等级", "错误", "警告"):
        summary.add_column(name, overflow="fold")
    for row in rows:
        summary.add_row(*row)
    out.print()
    out.print(summary)


@framework_app.command("check")
def framework_check(table: Annotated[str, typer.Argument(help="内置评分表编号或 YAML 文件路径")]) -> None:
    """检查评分表：分值合计、编号、规则、分档、表达式等。"""
    loaded = _load(table)
    print_issues(loaded.issues)
    fw = loaded.framework
    if fw is not None:
        leaves = sum(1 for node, _ in fw.walk() if node.is_leaf)
        out.print(
            f"[green]评分表有效[/green]：{fw.name}（{fw.id} 第{fw.version}版），"
            f"{len(fw.walk())} 项指标（末级 {leaves} 项），满分 {fmt_points(fw.total)} 分；sha256 {fw.sha256}"
        )
    exit_for(loaded.issues)


@framework_app.command("show")
def framework_show(table: Annotated[str, typer.Argument(help="内置评分表编号或 YAML 文件路径")]) -> None:
    """打印评分表的指标树：分值、计算公式与评分标准。"""
    loaded = _load(table)
    fw = loaded.framework
    if fw is None:
        print_issues(loaded.issues)
        exit_for(loaded.issues)
        return
    tree = Table(title=f"{esc(fw.name)}（{esc(fw.id)} 第{fw.version}版）", expand=True)
    for name in ("指标", "编号", "分值", "规则", "公式与评分标准"):
        tree.add_column(name, overflow="fold", ratio=4 if name == "公式与评分标准" else None)
    for node, depth in fw.walk():
        rule = RULE_NAMES_ZH[node.rule.type] if node.rule else ("二者择其一" if node.alternatives else "")
        detail = "；".join(t for t in (node.formula_text or node.value_text, node.criteria) if t)
        tree.add_row(esc("  " * (depth - 1) + node.name), esc(node.id), fmt_points(node.weight), rule, esc(detail))
    out.print(tree)
    out.print(f"来源：{esc(fw.source)}（{PROVENANCE_ZH.get(fw.provenance, fw.provenance)}）")
    print_issues(loaded.issues)


@framework_app.command("import")
def framework_import(
    source: Annotated[
        Path, typer.Argument(help="评分表工作簿（.xlsx，列：一级指标、二级指标、三级指标、分值、指标解释、评分标准）")
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help="输出的评分表 YAML 文件")],
    table_id: Annotated[str, typer.Option("--id", help="评分表编号（小写字母、数字、连字符）")],
    name: Annotated[str, typer.Option("--name", help="评分表名称")] = "",
    issuer: Annotated[str, typer.Option("--issuer", help="发布机关")] = "",
    region: Annotated[str, typer.Option("--region", help="地区")] = "",
    year: Annotated[list[int] | None, typer.Option("--year", help="适用年度，可多次给出")] = None,
    outline: Annotated[str, typer.Option("--outline", help="报告提纲：zhanjiang 或 lechang")] = "zhanjiang",
    provenance: Annotated[
        str,
        typer.Option(
            "--provenance", help="imported（默认）| official（财政局确认的正式评分表）| reconstructed | example"
        ),
    ] = "imported",
    force: Annotated[bool, typer.Option("--force", help=FORCE_HELP)] = False,
) -> None:
    """把财政局的 .xlsx 评分表转换为 YAML：读出指标树、分值，并按评分标准的文字识别评分规则。"""
    meta = {
        "id": table_id,
        "version": 1,
        "name": name or source.stem,
        "issuer": issuer,
        "region": region,
        "years": year or [],
        "provenance": provenance,
        "source": f"由 {source.name} 导入",
        "outline": outline,
    }
    try:
        imported, _ = scoring.import_table(source, output, {k: v for k, v in meta.items() if v != ""}, force)
    except JixiaoError as error:
        fail(error)
    count, leaves = _count(imported.document["indicators"])
    out.print(f"已从工作表“{esc(imported.sheet)}”导入 {count} 项指标（末级 {leaves} 项），写入 {esc(output)}")
    if imported.same_as:
        out.print(
            f"这是 jixiao 按评分表“{esc(imported.same_as)}”生成的工作簿，指标、分值与评分标准未改动：按原表导入"
            "（编号、规则与 sha256 均与原表相同，--id 等选项不适用）。"
        )
        print_issues(imported.loaded.issues)
        exit_for(imported.loaded.issues)
        return
    if imported.edited:
        err.print(f"{SEVERITY_ZH[Severity.WARNING]} {esc(imported.edited)}。")
    for unsure in imported.unsure:
        err.print(f"{SEVERITY_ZH[Severity.WARNING]} {esc(unsure.message())}")
    caveats = sum(1 for u in imported.unsure if u.note)
    out.print(
        f"末级指标 {leaves} 项：{imported.read} 项的评分标准已读为计算规则"
        + (f"（其中 {caveats} 项请核对上述提示）" if caveats else "")
        + f"，{len(imported.unread)} 项需人工评定。"
    )
    print_issues(imported.loaded.issues)
    exit_for(imported.loaded.issues)


def _count(nodes: list[dict[str, Any]]) -> tuple[int, int]:
    """Indicators in an imported tree, and how many of them are leaves."""
    count = leaves = 0
    for node in nodes:
        below, below_leaves = _count(node.get("children", []))
        count, leaves = count + 1 + below, leaves + (below_leaves if below else 1)
    return count, leaves


@framework_app.command("test")
def framework_test(
    table: Annotated[str, typer.Argument(help="内置评分表编号或 YAML 文件路径")],
    cases_file: Annotated[Path, typer.Argument(help="测试用例文件（format: jixiao/cases@1，见 docs/tables.md）")],
) -> None:
    """运行评分表的测试用例：逐一评分并与期望的得分、总分、等级比较，发布评分表前自查。"""
    from .frameworks import cases

    loaded = _load(table)
    fw = loaded.framework
    if fw is None:
        print_issues(loaded.issues)
        exit_for(loaded.issues, "评分表无法使用")
        return
    try:
        found = cases.load_cases(cases_file)
    except JixiaoError as error:
        fail(error)
    if any(c.table != fw.id for c in found):
        err.print(
            f"{SEVERITY_ZH[Severity.WARNING]} 用例文件写的评分表是“{esc(found[0].table)}”，此处按“{esc(fw.id)}”运行"
        )
    engine = scoring.engine_for(fw)
    failed = 0
    for case in found:
        try:
            problems = cases.check_case(case, cases.score_case(case, fw, engine))
        except JixiaoError as error:
            problems = [error.message]
        failed += bool(problems)
        mark = "[red]未通过[/red]" if problems else "[green]通过[/green]"
        out.print(f"{mark} {esc(case.name)}")
        for problem in problems:
            out.print(f"    {esc(problem)}")
    leaves = {node.id for node, _ in fw.walk() if node.is_leaf}
    covered = {str(i) for c in found for i in (c.expect.get("indicators") or {})}
    missing = sorted(leaves - covered)
    out.print(f"共 {len(found)} 个用例：通过 {len(found) - failed} 个，未通过 {failed} 个。")
    if missing:
        err.print(f"{SEVERITY_ZH[Severity.WARNING]} 以下末级指标没有用例检查：{esc('、'.join(missing))}")
    if failed:
        raise typer.Exit(1)


@framework_app.command("list")
def framework_list() -> None:
    """列出内置评分表。"""
    table = Table(title="内置评分表")
    for name in ("编号", "名称", "版本", "来源性质"):
        table.add_column(name)
    for table_id in scoring.builtin_ids():
        loaded = _load(table_id)
        fw = loaded.framework
        if fw is not None:
            table.add_row(esc(fw.id), esc(fw.name), str(fw.version), PROVENANCE_ZH.get(fw.provenance, fw.provenance))
        else:
            table.add_row(esc(table_id), "（评分表有错误，请运行 framework check）", "", "")
    out.print(table)


def _load(table: str) -> Loaded:
    try:
        return scoring.open_table(table)
    except JixiaoError as error:
        fail(error)


web_app = typer.Typer(no_args_is_help=True, help="网页应用：为用户生成 API 令牌。")
app.add_typer(web_app, name="web")


@app.command()
def serve(
    demo: Annotated[
        bool, typer.Option("--demo", help="数据库为空时载入演示数据（一个财政局、三个示例单位及其任务）")
    ] = False,
    addr: Annotated[str, typer.Option("--addr", help="监听地址，主机:端口")] = "127.0.0.1:8000",
) -> None:
    """运行网页应用：应用数据库迁移、按需载入演示数据并提供服务。

    默认用 SQLite，数据在 JIXIAO_HOME（默认 ./jixiao-data）；设置 JIXIAO_DATABASE_URL=postgres://… 使用 PostgreSQL。
    """
    from .web import server

    try:
        server.parse_addr(addr)
    except ValueError as error:
        err.print(f"[red]错误[/red]：{esc(error)}")
        raise typer.Exit(2) from None
    server.serve(addr, demo, say=lambda text: out.print(esc(text)))


@web_app.command("token")
def web_token(user: Annotated[str, typer.Argument(help="用户名")]) -> None:
    """为用户生成新的个人 API 令牌（最后一行即令牌，只显示一次）。"""
    from .web import server

    try:
        token = server.token(user)
    except LookupError as error:
        err.print(f"[red]错误[/red]：{esc(error)}")
        raise typer.Exit(2) from None
    out.print(f"已为 {esc(user)} 生成 API 令牌（请求头 Authorization: Bearer 令牌）：")
    print(token)


def main() -> None:
    """Entry point: bugs print a short Chinese message (set JIXIAO_DEBUG=1 for the traceback)."""
    try:
        app()
    except (KeyboardInterrupt, BrokenPipeError):
        sys.exit(130)
    except Exception as error:
        if os.environ.get("JIXIAO_DEBUG"):
            raise
        err.print(
            f"[red]内部错误[/red]：{type(error).__name__}: {esc(error)}。请将命令与输入文件反馈给开发者"
            "（设置 JIXIAO_DEBUG=1 可查看详细信息）。"
        )
        sys.exit(3)


if __name__ == "__main__":
    main()
