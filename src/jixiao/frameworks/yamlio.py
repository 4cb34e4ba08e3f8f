"""Read YAML as YAML 1.2 core: only true/false are booleans, numbers are exact Decimals.

Dates stay text (the loaders parse them), duplicate keys are refused, and every failure is a
``YamlError`` with a Chinese message naming the file, line and column.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from ..core.errors import UnusableInput
from ..core.inputs import InputRefused, display_name, os_reason, read_input


class YamlError(UnusableInput):
    """A file that cannot be read as YAML; ``message`` is for users."""


class Number(Decimal):
    """A YAML number: an exact Decimal that remembers the text it was written as."""

    source: str

    def __new__(cls, text: str) -> Number:
        number = super().__new__(cls, text.replace("_", ""))
        number.source = text
        return number


MAX_DEPTH = 100


def check_depth(document: Any, name: str = "文档") -> None:
    """Refuse a document nested deeper than any real table or evaluation (the readers recurse)."""
    stack = [(document, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list | tuple):
            if depth > MAX_DEPTH:
                raise YamlError(f"{name}：嵌套层次过深（超过{MAX_DEPTH}层），无法读取")
            stack += [(child, depth + 1) for child in (item.values() if isinstance(item, dict) else item)]


def exact_numbers(document: Any) -> Any:
    """A parsed document with its int and float numbers (from JSON) as ``Number``, as YAML gives them.

    Booleans and non-finite floats are left as they are (the loaders refuse the latter as non-numbers).
    A document nested deeper than ``MAX_DEPTH`` is a ``YamlError``.
    """
    check_depth(document)
    return _exact(document)


def _exact(document: Any) -> Any:
    if isinstance(document, dict):
        return {key: _exact(value) for key, value in document.items()}
    if isinstance(document, list | tuple):
        return [_exact(value) for value in document]
    if isinstance(document, int) and not isinstance(document, bool):
        return Number(str(document))
    if isinstance(document, float) and math.isfinite(document):
        return Number(repr(document))
    return document


# libyaml's C parser when PyYAML was built with it (≈8× faster); resolution and construction
# stay ours either way, so both give the same documents and the same error positions.
_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _CoreLoader(_Base):  # type: ignore[valid-type,misc]
    pass


_CoreLoader.yaml_implicit_resolvers = {}
_RESOLVERS = [
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", "~nN"),
    ("tag:yaml.org,2002:int", r"^[-+]?[0-9]+$", "-+0123456789"),
    ("tag:yaml.org,2002:float", r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$", "-+.0123456789"),
]
for _tag, _pattern, _first in _RESOLVERS:
    _CoreLoader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first) or None)
_CoreLoader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^$"), [""])


def _number(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Number:
    text = str(loader.construct_scalar(node))
    try:
        number = Number(text)
    except (ArithmeticError, ValueError):
        number = None
    if number is None or not number.is_finite() or abs(number.adjusted()) > 100:
        raise yaml.constructor.ConstructorError(None, None, f"“{text}”不是有效的数字", node.start_mark)
    return number


def _mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, Number):
            key = key.source
        if isinstance(key, list | dict):
            raise yaml.constructor.ConstructorError(None, None, "键不能是列表或映射", key_node.start_mark)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"重复的键“{key}”", key_node.start_mark)
        seen[key] = loader.construct_object(value_node, deep=True)
    return seen


def _unsupported(loader: yaml.SafeLoader, node: yaml.Node) -> None:
    raise yaml.constructor.ConstructorError(None, None, f"不支持的 YAML 标签 {node.tag}", node.start_mark)


for _tag in ("binary", "set", "omap", "pairs", "timestamp"):
    _CoreLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _unsupported)
_CoreLoader.add_constructor("tag:yaml.org,2002:int", _number)
_CoreLoader.add_constructor("tag:yaml.org,2002:float", _number)
_CoreLoader.add_constructor("tag:yaml.org,2002:map", _mapping)


def _where(error: yaml.YAMLError) -> str:
    problem = getattr(error, "problem_mark", None)
    context = getattr(error, "context_mark", None)
    mark = problem or context
    if mark is None:
        return ""
    where = f"第{mark.line + 1}行第{mark.column + 1}列"
    if problem is not None and context is not None and context.line != problem.line:
        where += f"（自第{context.line + 1}行开始的内容）"
    return where + "："


TAB_ZH = "用了制表符（Tab）缩进，YAML 只能用空格缩进，请把 Tab 改为空格"
_PROBLEMS_ZH = (  # PyYAML's and libyaml's explanations (English) → what a user reads
    ("tab character", TAB_ZH),
    ("expected ',' or ']'", "列表缺少“,”或“]”（方括号未闭合？）"),
    ("expected ',' or '}'", "映射缺少“,”或“}”（花括号未闭合？）"),
    ("unexpected end of stream", "文件意外结束（引号或括号未闭合？）"),
    ("expected key", "缩进不一致，此处应为键"),
    ("expected '-' indicator", "缩进不一致，此处应为列表项（- …）"),
    ("expected <block end>", "缩进不一致"),
    ("mapping values are not allowed", "此处不能出现“:”（冒号后缺少空格或缩进有误？）"),
    ("sequence entries are not allowed", "此处不能出现列表项“-”（缩进有误？）"),
    ("mapping keys are not allowed", "此处不能出现“?”"),
    ("could not find expected ':'", "缺少“:”"),
    ("found undefined alias", "引用了未定义的锚点（*…）"),
    ("duplicate anchor", "锚点（&…）名称重复"),
    ("second occurrence", "锚点（&…）名称重复"),
    ("found unknown escape character", "引号内有无效的转义字符（\\ 之后的字符）"),
    ("escape", "引号内有无效的转义字符"),
    ("could not determine a constructor", "不支持的 YAML 标签（!…）"),
    ("tag", "无效的 YAML 标签（!…）"),
    ("incompatible YAML document", "不支持的 YAML 版本"),
    ("directive", "无效的 YAML 指令（%…）"),
    ("document", "文件只能包含一个文档（多余的“---”或多余的括号？）"),
    ("indentation indicator", "多行文本（| 或 >）的缩进标记无效"),
    ("chomping", "多行文本（| 或 >）的标记无效"),
    ("control character", "含有不允许的控制字符"),
    ("unacceptable character", "含有不允许的字符"),
    ("special characters", "含有不允许的特殊字符"),
    ("utf-8", "含有无效的 UTF-8 字节"),
    ("node content", "此处缺少内容"),
    ("comment or a line break", "此处应为注释（#）或换行"),
    ("unhashable key", "键不能是列表或映射"),
    ("alias", "无效的锚点引用"),
    ("anchor", "无效的锚点"),
)


def _problem_zh(problem: str, character: str = "") -> str:
    """PyYAML's explanation in Chinese; never the English text (formats: messages are Chinese)."""
    if any("\u4e00" <= ch <= "\u9fff" for ch in problem):
        return problem  # our own constructors' messages
    if "cannot start any token" in problem:
        if character == "\t":
            return TAB_ZH
        shown = f"“{character}”" if character.strip() else "此字符"
        return f"{shown}不能作为内容的开头（以 @ ` % 等开头的文字请加引号）"
    lowered = problem.lower()
    for needle, zh in _PROBLEMS_ZH:
        if needle.lower() in lowered:
            return zh
    return "格式错误"


def _character(error: yaml.YAMLError, text: str) -> str:
    """The character at the problem's place in ``text`` (libyaml's marks carry no buffer)."""
    mark = getattr(error, "problem_mark", None)
    if mark is None:
        return ""
    lines = text.split("\n")
    if mark.line >= len(lines) or mark.column >= len(lines[mark.line]):
        return ""
    return lines[mark.line][mark.column]


MAX_NODES = 100_000


def _check_size(document: Any, name: str) -> Any:
    """Refuse documents that expand beyond any real table (e.g. nested YAML aliases)."""
    budget, stack = MAX_NODES, [document]
    while stack:
        item = stack.pop()
        budget -= 1
        if budget < 0:
            raise YamlError(f"{name}：内容过大（超过{MAX_NODES}项，可能含大量重复引用），无法读取")
        if isinstance(item, dict):
            stack += item.values()
        elif isinstance(item, list):
            stack += item
    return document


def loads(text: str, name: str = "<文本>") -> Any:
    """Parse YAML text; raise YamlError with the place of the problem."""
    try:
        document = yaml.load(text, Loader=_CoreLoader)
    except yaml.YAMLError as error:
        problem = _problem_zh(str(getattr(error, "problem", None) or error), _character(error, text))
        raise YamlError(f"{name}：{_where(error)}不是有效的 YAML（{problem}）") from error
    except (ValueError, ArithmeticError) as error:
        raise YamlError(f"{name}：不是有效的 YAML（含无法识别的数值或内容）") from error
    except RecursionError as error:
        raise YamlError(f"{name}：嵌套层次过深，无法读取") from error
    check_depth(document, name)
    return _check_size(document, name)


MAX_FILE_BYTES = 50 * 1024 * 1024


def read_limited(path: Path, limit: int | None = None) -> bytes:
    """The bytes of a file or a pipe (``-`` is standard input) of at most ``limit`` bytes (``core.inputs``).

    A device or a larger input is refused, and a pipe that sends nothing for a while is given up:
    ``/dev/zero`` would never end and a FIFO nobody writes would block forever.
    """
    try:
        return read_input(path, MAX_FILE_BYTES if limit is None else limit)
    except InputRefused as error:
        raise YamlError(error.message) from error


def load_file(path: Path) -> Any:
    """Read and parse a YAML file (``-``: standard input); YamlError when it is missing, not UTF-8 or malformed."""
    name = display_name(path)
    try:
        raw = read_limited(path)
    except FileNotFoundError as error:
        raise YamlError(f"{name}：文件不存在") from error
    except IsADirectoryError as error:
        raise YamlError(f"{name}：无法读取，这是文件夹而不是文件") from error
    except PermissionError as error:
        raise YamlError(f"{name}：无法读取，没有读取权限") from error
    except OSError as error:
        raise YamlError(f"{name}：无法读取（{os_reason(error)}）") from error
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise YamlError(f"{name}：不是 UTF-8 编码的文本文件（第{error.start + 1}个字节无法解码）") from error
    return loads(text, name)
