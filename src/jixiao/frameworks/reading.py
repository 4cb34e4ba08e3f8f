"""Typed access to parsed YAML that records an issue (file + key path, Chinese) per problem."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from ..core.kinds import key_path
from ..core.model import Issue, Severity
from ..core.numbers import in_range, is_integral
from .yamlio import Number

MISSING: Any = object()

__all__ = ["MISSING", "Reader", "convert", "describe", "format_message", "is_blank", "key_path", "plausible_year"]


class Reader:
    """Collects issues while reading one file."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.issues: list[Issue] = []

    @property
    def failed(self) -> bool:
        return any(i.severity is Severity.ERROR for i in self.issues)

    def error(self, code: str, path: str, message: str) -> None:
        self.issues.append(Issue(Severity.ERROR, code, path, message, self.file))

    def warn(self, code: str, path: str, message: str) -> None:
        self.issues.append(Issue(Severity.WARNING, code, path, message, self.file))

    def mapping(self, raw: Any, path: str) -> Mapping[str, Any] | None:
        if isinstance(raw, dict):
            return raw
        if not path:  # the whole file: never echo what it holds (it may be any file a path names)
            what = "空值" if raw is None else "一段文字" if isinstance(raw, str) else describe(raw)
            message = f"文件内容应为键值映射（key: value），实为{what}；这不是 jixiao 的 YAML 文件？"
            self.error("key-type", path, message)
        else:
            self.error("key-type", path, f"{path}应为键值映射（key: value），实为{describe(raw)}")
        return None

    def sequence(self, raw: Any, path: str) -> list[Any] | None:
        if isinstance(raw, list):
            return raw
        self.error("key-type", path, f"{path}应为列表（- …），实为{describe(raw)}")
        return None

    def unknown_keys(
        self, raw: Mapping[str, Any], allowed: Iterable[str], path: str, severity: str = "warning", what: str = ""
    ) -> None:
        known = set(allowed)
        for key in raw:
            if key not in known:
                where = key_path(path, str(key))
                message = f"未知的键“{key}”{what}（可用：{'、'.join(sorted(known))}）"
                if severity == "error":
                    self.error("key-unknown", where, message)
                else:
                    self.warn("key-unknown", where, message + "，已忽略")

    def get(
        self, raw: Mapping[str, Any], key: str, path: str, kind: str, required: bool = False, default: Any = None
    ) -> Any:
        """Read ``raw[key]`` as ``kind`` (text, int, decimal, bool, list, map)."""
        where = key_path(path, key)
        if key not in raw or raw[key] is None:
            if required:
                self.error("key-missing", where, f"缺少必填项 {where}")
            return default
        value = convert(raw[key], kind)
        if required and kind == "text" and isinstance(value, str) and is_blank(value):
            self.error("key-missing", where, f"必填项 {where} 不能为空")
            return default
        if kind in ("int", "decimal") and value is not MISSING and not in_range(Decimal(value)):
            self.error(
                "number-out-of-range",
                where,
                f"{where} 数值过大（{describe(raw[key])}），请检查是否多写了位数或单位不是万元",
            )
            return default
        if value is MISSING:
            code = "not-a-number" if kind in ("int", "decimal") else "key-type"
            self.error(code, where, f"{where} 应为{KIND_ZH[kind]}，实为{describe(raw[key])}{_hint(raw[key], kind)}")
            return default
        return value


KIND_ZH = {"text": "文本", "int": "整数", "decimal": "数字", "bool": "true 或 false", "list": "列表", "map": "键值映射"}


def _hint(raw: Any, kind: str) -> str:
    if kind in ("int", "decimal") and isinstance(raw, str):
        return "；请只写数字，不带单位、百分号或逗号（如 95 而不是 “95%”）"
    return ""


def convert(raw: Any, kind: str) -> Any:
    """Convert a YAML value to ``kind`` or return MISSING when it is of the wrong type."""
    if kind == "text":
        if isinstance(raw, Number):
            return raw.source
        return raw if isinstance(raw, str) else MISSING
    if kind == "decimal":
        return Decimal(raw) if isinstance(raw, Decimal) and not isinstance(raw, bool) else MISSING
    if kind == "int":
        return int(raw) if isinstance(raw, Decimal) and in_range(raw) and is_integral(raw) else MISSING
    if kind == "bool":
        return raw if isinstance(raw, bool) else MISSING
    if kind == "list":
        return raw if isinstance(raw, list) else MISSING
    return raw if isinstance(raw, dict) else MISSING


_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def is_blank(text: str) -> bool:
    """Empty, or only spaces (\u3000 included) and zero-width characters: nothing a reader sees."""
    return not text.translate(_INVISIBLE).strip()


def describe(raw: Any) -> str:
    """How a wrong value looked, for messages."""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, Number):
        return f"数字 {raw.source}"
    if isinstance(raw, Decimal):
        return f"数字 {raw}"
    if isinstance(raw, float):
        return f"无效的数值 {raw}"
    if isinstance(raw, str):
        return f"文本“{raw[:30]}”"
    if isinstance(raw, list):
        return "列表"
    if isinstance(raw, dict):
        return "键值映射"
    return "空值" if raw is None else type(raw).__name__


def format_message(expected: str, found: Any) -> str:
    """Why a file's ``format:`` is not the one expected (missing, or another)."""
    if found is None:
        return f"缺少 format（应为 {expected}），请确认这是 jixiao 的文件"
    return f"format 应为 {expected}，实为“{found}”"


def plausible_year(year: int) -> bool:
    """An evaluation year a unit could mean (1990–2100); others are typing errors."""
    return 1990 <= year <= 2100
