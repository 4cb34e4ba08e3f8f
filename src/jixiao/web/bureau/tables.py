"""Scoring tables the bureau uploads: YAML (`jixiao/framework@1`) or its .xlsx layout, validated and stored.

A stored table never changes: the same id with the same content is accepted again as a no-op, the
same id with other content is refused (the bureau is told to use a new id), and a built-in id can
never be taken. Validation is the ordinary loader's, through ``services.evaluations.StoredTables``.

A table converted from .xlsx is ``provenance: imported`` unless the bureau says it issued it
(``official``); its import report (how many leaves were read as rules, how many need a person, and
every warning with sheet, Excel row and the quoted 评分标准) is kept with it and shown on its page.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...core.errors import Conflict, JixiaoError, UnusableInput
from ...core.model import Framework, Issue, Severity
from ...frameworks import loader
from ...frameworks.yamlio import loads
from ...services import evaluations as ev
from ..errors import Invalid
from ..filing.models import StoredTable
from ..filing.tables import TABLES

TABLE_ID = re.compile(r"^[a-z0-9-]+$")
PROVENANCE_ZH = {
    "official": "正式发布",
    "imported": "由 Excel 导入（评分规则按评分标准文字识别，须经财政局确认后方为正式）",
    "reconstructed": "根据报告重构（评分规则非原文）",
    "example": "示例（分值或规则为推定，使用前请按本地通知核对）",
}


@dataclass(frozen=True)
class Stored:
    table: StoredTable
    created: bool
    warnings: tuple[Issue, ...] = ()
    report: dict[str, Any] = field(default_factory=dict)  # an .xlsx import's counts and warnings


def summary(report: dict[str, Any]) -> str:
    """The line "末级指标 N 项：X 项已读为计算规则，Y 项需人工评定" of an import report ("" for none)."""
    if not report or "leaves" not in report:
        return ""
    return f"末级指标 {report['leaves']} 项：{report['read']} 项已读为计算规则，{report['unread']} 项需人工评定"


def table_choices() -> list[tuple[str, str]]:
    """Every table a task may use (built-ins and stored), as (id, "name（id）")."""
    out = []
    for table_id in TABLES.known_ids():
        loaded = TABLES.load(table_id)
        name = loaded.framework.name if loaded.framework else "（无法读取）"
        out.append((table_id, f"{name}（{table_id}）"))
    return out


def _table_id(text: str) -> str:
    doc = loads(text, "上传的评分表")  # a YamlError (UnusableInput) says line and column
    if not isinstance(doc, dict) or not str(doc.get("id") or "").strip():
        raise Invalid("评分表缺少编号（id）", (Issue(Severity.ERROR, "key-missing", "id", "缺少 id"),))
    return str(doc["id"]).strip()


def validate(text: str) -> tuple[Framework, tuple[Issue, ...]]:
    """The table ``text`` describes and its warnings, or ``Invalid`` listing every error with its path."""
    table_id = _table_id(text)
    if loader.builtin_path(table_id) is not None:
        raise Conflict(f"编号“{table_id}”是内置评分表的编号，请换一个编号（如“{table_id}-2”）")
    loaded = ev.StoredTables({table_id: text}).load(table_id)
    errors = tuple(i for i in loaded.issues if i.severity is Severity.ERROR)
    if loaded.framework is None or errors:
        raise Invalid(f"评分表“{table_id}”有{len(errors)}处错误，未保存", errors)
    return loaded.framework, loaded.issues


def store_yaml(user: Any, text: str, report: dict[str, Any] | None = None) -> Stored:
    """Validate and store a YAML table; an existing id is accepted only with the same content.
    ``report`` is an .xlsx import's report, kept with a newly stored table."""
    framework, warnings = validate(text)
    existing = StoredTable.objects.filter(table_id=framework.id).first()
    if existing is not None:
        if existing.sha256 == framework.sha256:
            return Stored(existing, False, warnings, existing.import_report)
        raise Conflict(
            f"编号为“{framework.id}”的评分表已存在且内容不同；已保存的评分表不可修改，"
            f"请在文件中使用新的编号（如“{framework.id}-2”）后重新上传"
        )
    table = StoredTable.objects.create(
        table_id=framework.id,
        name=framework.name,
        version=framework.version,
        yaml_text=text,
        sha256=framework.sha256,
        uploaded_by=user,
        import_report=report or {},
    )
    return Stored(table, True, warnings, table.import_report)


def store_xlsx(user: Any, data: bytes, filename: str, meta: dict[str, Any], official: bool = False) -> Stored:
    """Convert a bureau's .xlsx table (columns 一级/二级/三级指标, 分值, 指标解释, 评分标准) and store it:
    ``provenance: imported``, or ``official`` when the bureau marks it as the table it issued."""
    from ...frameworks.xlsx_import import import_xlsx, to_yaml

    table_id = str(meta.get("id", ""))
    if not TABLE_ID.match(table_id):
        raise Invalid(f"评分表编号“{table_id}”只能由小写字母、数字和连字符组成")
    provenance = "official" if official else "imported"
    full = {"version": 1, "provenance": provenance, "source": f"由 {filename} 导入", **meta}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / (Path(filename).name or "table.xlsx")
        path.write_bytes(data)
        try:
            imported = import_xlsx(path, {k: v for k, v in full.items() if v not in ("", None, [])})
        except JixiaoError as error:
            raise UnusableInput(error.message.replace(str(path), path.name)) from None
    stored = store_yaml(user, to_yaml(imported.document), _report(imported))
    edited = (Issue(Severity.WARNING, "import-edited", "", f"{imported.edited}。"),) if imported.edited else ()
    return Stored(stored.table, stored.created, edited + stored.warnings, stored.report)


def _report(imported: Any) -> dict[str, Any]:
    """What the import found, as JSON: sheets, leaf counts and every warning (place, name, wording)."""
    warnings = [
        {"where": u.where, "name": u.name, "criteria": u.criteria, "note": u.note, "message": u.message()}
        for u in imported.unsure
    ]
    return {
        "sheet": imported.sheet,
        "leaves": imported.read + len(imported.unread),
        "read": imported.read,
        "unread": len(imported.unread),
        "same_as": imported.same_as,
        "warnings": warnings,
    }


def provenance(table_id: str) -> str:
    """The table's provenance in a few words, without the explanation ("" when it cannot be read)."""
    framework = TABLES.load(table_id).framework
    return PROVENANCE_ZH.get(framework.provenance, framework.provenance).split("（")[0] if framework else ""


def page(table_id: str) -> dict[str, Any] | None:
    """What a table's page shows: the table, its provenance and (for an .xlsx import) its report."""
    loaded = TABLES.load(table_id) if table_id in TABLES.known_ids() else None
    if loaded is None:
        return None
    stored = StoredTable.objects.select_related("uploaded_by").filter(table_id=table_id).first()
    framework = loaded.framework
    report = stored.import_report if stored is not None else {}
    words = PROVENANCE_ZH.get(framework.provenance, framework.provenance) if framework else ""
    short, _, note = words.partition("（")
    return {
        "table_id": table_id,
        "framework": framework,
        "stored": stored,
        "provenance_short": short,
        "provenance_note": note.rstrip("）"),
        "leaves": [(depth, node) for node, depth in framework.walk()] if framework else [],
        "report": report,
        "summary": summary(report),
    }
