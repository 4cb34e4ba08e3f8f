"""The command-line library's own words in Chinese: typer's errors, usage line, help panels and metavars.

typer ships its own copy of click (``typer._click``) whose messages are plain English f-strings,
so they are translated where they leave: ``install()`` wraps each exception's ``format_message``
with ``translate`` (patterns in ``ERRORS``), gives the usage line a Chinese prefix and the help
option a Chinese text, and sets typer's panel titles. A message without a pattern stays as it was.

Every parameter gets a Chinese metavar when a command hands out its parameters (``get_params``):
an argument is named by ``ARGUMENT_NAMES`` (or the start of its help text), an option's value by
its type (``TYPE_NAMES``: 路径, 文字, 整数 …), and a flag shows no value at all — so neither
typer's ``<path>``/``<bool>`` nor click's ``TEXT``/``INTEGER`` reach the help or the errors.

An empty path (``-o ""``, ``audit "$UNSET"``) is refused: Python reads it as ".", the current
folder, so a script with an empty variable would otherwise write or audit there without a word.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from pathlib import PurePath
from typing import Any

KINDS = {
    "File": "文件",
    "Directory": "文件夹",
    "Path": "路径",
    "integer": "整数",
    "float": "数字",
    "number": "数字",
    "boolean": "true 或 false",
}
ERRORS: tuple[tuple[str, str], ...] = (
    (r"^(?P<m>.*?)\.? Did you mean (?P<s>.+)\?$", "{m!t}。是不是 {s}？"),
    (r"^Missing option (?P<n>.+?)\.?$", "缺少选项 {n}。"),
    (r"^Missing argument (?P<n>.+?)\.?$", "缺少参数 {n}。"),
    (r"^Missing parameter:? ?(?P<n>.*?)\.?$", "缺少参数 {n}。"),
    (r"^Missing command\.?$", "缺少命令。"),
    (r"^No such option:? (?P<n>.+?)\.?$", "没有选项 {n}"),
    (r"^No such command (?P<n>.+?)\.?$", "没有命令 {n}"),
    (r"^Option (?P<n>.+?) requires an argument\.?$", "选项 {n} 需要一个值。"),
    (r"^Option (?P<n>.+?) requires (?P<k>\d+) arguments\.?$", "选项 {n} 需要 {k} 个值。"),
    (r"^Option (?P<n>.+?) does not take a value\.?$", "选项 {n} 不带值。"),
    (r"^Argument (?P<n>.+?) takes (?P<k>\d+) values\.?$", "参数 {n} 需要 {k} 个值。"),
    (r"^Got unexpected extra arguments? ?(?:\(s\))? \((?P<n>.+)\)$", "多余的参数（{n}）"),
    (r"^Invalid value for (?P<n>.+?): (?P<m>.+)$", "{n} 的值无效：{m!t}"),
    (r"^Invalid value: (?P<m>.+)$", "值无效：{m!t}"),
    (r"^(?P<v>.+) is not a valid (?P<k>integer|float|boolean)\.?$", "{v} 不是有效的{k!k}。"),
    (r"^(?P<v>.+) is not in the range (?P<r>.+?)\.?$", "{v} 不在范围 {r} 内。"),
    (r"^(?P<v>.+) is not one of (?P<c>.+?)\.?$", "{v} 不是可选值 {c} 之一。"),
    (r"^(?P<k>File|Directory|Path) (?P<n>.+) does not exist\.?$", "{k!k} {n} 不存在。"),
    (r"^(?P<k>File|Directory|Path) (?P<n>.+) is a directory\.?$", "{k!k} {n} 是文件夹，应为文件。"),
    (r"^(?P<k>File|Directory|Path) (?P<n>.+) is a file\.?$", "{k!k} {n} 是文件，应为文件夹。"),
    (r"^(?P<k>File|Directory|Path) (?P<n>.+) is not readable\.?$", "{k!k} {n} 无法读取（没有读取权限）。"),
    (r"^(?P<k>File|Directory|Path) (?P<n>.+) is not writable\.?$", "{k!k} {n} 无法写入（没有写入权限）。"),
    (r"^Input should be a valid (?P<k>integer|number|boolean)\b.*$", "应为{k!k}"),
    (r"^Could not open file (?P<n>.+?): (?P<m>.+)$", "无法打开文件 {n}：{m}"),
)
_COMPILED = tuple((re.compile(pattern, re.DOTALL), template) for pattern, template in ERRORS)
_FIELD = re.compile(r"\{(\w)(?:!(\w))?\}")


def translate(message: str) -> str:
    """A typer/click error message in Chinese (``{x!t}`` translated again, ``{x!k}`` a kind's name)."""
    for pattern, template in _COMPILED:
        found = pattern.match(message)
        if found is not None:
            return _render(template, found.groupdict())
    return message


def _render(template: str, groups: dict[str, str]) -> str:
    return _FIELD.sub(lambda f: _fill(groups[f[1]], f[2]), template)


def _fill(value: str, how: str | None) -> str:
    if how == "t":
        return translate(value)
    if how == "k":
        return KINDS.get(value, value)
    return value


#: How an argument is named in the usage line, the help and errors (parameter name → Chinese).
ARGUMENT_NAMES = {
    "evaluation": "评价文件",
    "evaluations": "评价文件",
    "table": "评分表",
    "paths": "报告或目录",
    "source": "工作簿",
    "user": "用户名",
}
#: An option's value by its type (typer's annotation name or click's type name).
TYPE_NAMES = {
    "path": "路径",
    "str": "文字",
    "text": "文字",
    "int": "整数",
    "integer": "整数",
    "float": "数字",
    "decimal": "数字",
    "choice": "选项",
}
_HELP_HEAD = re.compile(r"^[^（(，,：:；;。]+")


def metavar(param: Any) -> str:
    """The Chinese metavar of a typer/click parameter: "" for a flag (no value to show)."""
    if getattr(param, "is_flag", False) or _type_name(param) in ("bool", "boolean"):
        return ""
    if getattr(param, "param_type_name", "") == "argument":
        return ARGUMENT_NAMES.get(param.name or "") or _help_head(getattr(param, "help", None) or "") or "值"
    return TYPE_NAMES.get(_type_name(param), "值")


def _type_name(param: Any) -> str:
    """The value's type: typer's annotation (``list[X]`` counts as X) or, in older typers, click's ParamType."""
    descriptor = getattr(param, "type_descriptor", None)
    annotation = getattr(descriptor, "annotation", None)
    if annotation is not None:
        while getattr(annotation, "__args__", None) and getattr(annotation, "__origin__", None) is list:
            annotation = annotation.__args__[0]
        if isinstance(annotation, type) and issubclass(annotation, PurePath):
            return "path"
        return str(getattr(annotation, "__name__", annotation)).lower()
    return str(getattr(getattr(param, "type", None), "name", "")).lower()


def _help_head(text: str) -> str:
    found = _HELP_HEAD.match(text.strip())
    head = found[0].strip() if found else ""
    return head if head and len(head) <= 12 and any("\u4e00" <= ch <= "\u9fff" for ch in head) else ""


def _localise(param: Any) -> None:
    if getattr(param, "_jixiao_zh", False):
        return
    if param.metavar is None:
        param.metavar = metavar(param)
    param._jixiao_zh = True


_PANEL_TEXTS = {
    "ARGUMENTS_PANEL_TITLE": "参数",
    "OPTIONS_PANEL_TITLE": "选项",
    "COMMANDS_PANEL_TITLE": "命令",
    "ERRORS_PANEL_TITLE": "错误",
    "ABORTED_TEXT": "已中止。",
    "RICH_HELP": "运行 [blue]'{command_path} {help_option}'[/] 查看帮助。",
    "DEFAULT_STRING": "[默认：{}]",
    "ENVVAR_STRING": "[环境变量：{}]",
    "REQUIRED_LONG_STRING": "[必填]",
    "DEPRECATED_STRING": "（已弃用）",
}


def _translated(method: Callable[..., str]) -> Callable[..., str]:
    if getattr(method, "_jixiao_zh", False):
        return method

    @wraps(method)
    def zh(self: Any) -> str:
        return translate(method(self))

    zh._jixiao_zh = True  # type: ignore[attr-defined]
    return zh


def install() -> None:
    """Put the Chinese texts in place (idempotent)."""
    from typer import _click, core, rich_utils
    from typer._click import exceptions, formatting

    for value in vars(exceptions).values():
        if isinstance(value, type) and "format_message" in vars(value):
            value.format_message = _translated(value.format_message)
    _usage_prefix(formatting.HelpFormatter)
    _help_option_text(_click.core.Command)
    _chinese_metavars(_click.core.Command)
    _refuse_empty_paths(getattr(core, "_TyperParameter", _click.core.Parameter), exceptions.BadParameter)
    if hasattr(core, "TyperArgument") and hasattr(core.TyperArgument, "display_type_rich"):
        core.TyperArgument.display_type_rich = _no_type  # type: ignore[method-assign]
    for constant, text in _PANEL_TEXTS.items():
        if hasattr(rich_utils, constant):
            setattr(rich_utils, constant, text)


def _usage_prefix(formatter: Any) -> None:
    original = formatter.write_usage
    if getattr(original, "_jixiao_zh", False):
        return

    def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        args = args.replace("[OPTIONS]", "[选项]").replace("COMMAND [ARGS]...", "命令 [参数]...")
        original(self, prog, args, "用法：" if prefix is None else prefix)

    write_usage._jixiao_zh = True  # type: ignore[attr-defined]
    formatter.write_usage = write_usage


def _help_option_text(command: Any) -> None:
    original = command.get_help_option
    if getattr(original, "_jixiao_zh", False):
        return

    def get_help_option(self: Any, ctx: Any) -> Any:
        option = original(self, ctx)
        if option is not None:
            option.help = "显示本帮助并退出。"
        return option

    get_help_option._jixiao_zh = True  # type: ignore[attr-defined]
    command.get_help_option = get_help_option


def _chinese_metavars(command: Any) -> None:
    original = command.get_params
    if getattr(original, "_jixiao_zh", False):
        return

    def get_params(self: Any, ctx: Any) -> Any:
        params = original(self, ctx)
        for param in params:
            _localise(param)
        return params

    get_params._jixiao_zh = True  # type: ignore[attr-defined]
    command.get_params = get_params


def _no_type(self: Any, ctx: Any) -> None:
    """An argument's type column stays empty: its Chinese name (the metavar) says what it is."""
    return None


EMPTY_PATH = "路径不能为空（空的路径会被当作当前文件夹）"


def _refuse_empty_paths(parameter: Any, bad_parameter: Any) -> None:
    original = parameter.process_value
    if getattr(original, "_jixiao_zh", False):
        return

    def process_value(self: Any, ctx: Any, value: Any) -> Any:
        given = value if isinstance(value, list | tuple) else [value]
        if _type_name(self) == "path" and any(isinstance(v, str) and not v.strip() for v in given):
            raise bad_parameter(EMPTY_PATH, ctx=ctx, param=self)
        return original(self, ctx, value)

    process_value._jixiao_zh = True  # type: ignore[attr-defined]
    parameter.process_value = process_value
