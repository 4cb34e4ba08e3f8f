"""The safe expression language of `value:` and `caps[].when` (formats §1) — no ``eval``.

Grammar, loosest binding first::

    or  ->  and ('or' and)*          and -> not ('and' not)*        not -> 'not' not | cmp
    cmp ->  sum (('<'|'<='|'>'|'>='|'=='|'!=') sum)?                 (not chained)
    sum ->  prod (('+'|'-') prod)*   prod -> unary (('*'|'/') unary)*
    unary -> '-' unary | atom
    atom -> NUMBER | NAME | '@' ID | FUNC '(' or (',' or)* ')' | '(' or ')'

Values are ``Decimal`` or ``bool``. A missing operand or a zero denominator makes the whole
expression unavailable (no short-circuit), with the reasons.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

Kind = Literal["num", "bool"]
Value = Decimal | bool


class ExprError(ValueError):
    """An expression that does not parse or does not type-check; ``pos`` is a 0-based offset."""

    def __init__(self, message: str, pos: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos


@dataclass(frozen=True, slots=True)
class Unavailable:
    """Why an expression has no value."""

    reasons: tuple[str, ...]


# --------------------------------------------------------------------------- AST


@dataclass(frozen=True, slots=True)
class Num:
    value: Decimal
    text: str
    kind: Kind = "num"


@dataclass(frozen=True, slots=True)
class Name:
    name: str
    kind: Kind = "num"


@dataclass(frozen=True, slots=True)
class Ref:
    target: str
    kind: Kind = "num"


@dataclass(frozen=True, slots=True)
class Neg:
    operand: Expr
    kind: Kind = "num"


@dataclass(frozen=True, slots=True)
class Bin:
    op: str
    left: Expr
    right: Expr
    kind: Kind = "num"


@dataclass(frozen=True, slots=True)
class Cmp:
    op: str
    left: Expr
    right: Expr
    kind: Kind = "bool"


@dataclass(frozen=True, slots=True)
class BoolOp:
    op: str
    operands: tuple[Expr, ...]
    kind: Kind = "bool"


@dataclass(frozen=True, slots=True)
class Not:
    operand: Expr
    kind: Kind = "bool"


@dataclass(frozen=True, slots=True)
class Call:
    func: str
    args: tuple[Expr, ...]
    kind: Kind = "num"


Expr = Num | Name | Ref | Neg | Bin | Cmp | BoolOp | Not | Call

FUNCTIONS = {"abs": (1, 1), "min": (1, None), "max": (1, None)}
_NORMALISE = str.maketrans({"×": "*", "÷": "/", "（": "(", "）": ")", "，": ",", "＜": "<", "＞": ">"})
_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?)|(?P<ref>@[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<op><=|>=|==|!=|[-+*/<>(),]))"
)


# --------------------------------------------------------------------------- parsing


def _tokenize(text: str) -> list[tuple[str, str, int]]:
    tokens: list[tuple[str, str, int]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            bad = text[pos:].lstrip()
            where = len(text) - len(bad)
            raise ExprError(f"无法识别的字符“{bad[:1]}”（第{where + 1}个字符）", where)
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind), match.start(kind)))
        pos = match.end()
    tokens.append(("end", "", len(text)))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.i = 0

    def peek(self) -> tuple[str, str, int]:
        return self.tokens[self.i]

    def take(self) -> tuple[str, str, int]:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def accept(self, *values: str) -> str | None:
        kind, text, _ = self.peek()
        if kind in ("op", "name") and text in values:
            self.i += 1
            return text
        return None

    def expect(self, value: str) -> None:
        if self.accept(value) is None:
            _, text, pos = self.peek()
            raise ExprError(f"此处应为“{value}”，实为“{text or '结尾'}”（第{pos + 1}个字符）", pos)

    def parse(self) -> Expr:
        node = self.or_()
        kind, text, pos = self.peek()
        if kind != "end":
            raise ExprError(f"多余的内容“{text}”（第{pos + 1}个字符）", pos)
        return node

    def or_(self) -> Expr:
        return self._bool("or", self.and_)

    def and_(self) -> Expr:
        return self._bool("and", self.not_)

    def _bool(self, op: str, sub: Callable[[], Expr]) -> Expr:
        operands = [sub()]
        while self.accept(op):
            operands.append(sub())
        if len(operands) == 1:
            return operands[0]
        for operand in operands:
            _need(operand, "bool", f"“{op}”的两边应为条件")
        return BoolOp(op, tuple(operands))

    def not_(self) -> Expr:
        if self.accept("not"):
            operand = self.not_()
            _need(operand, "bool", "“not”之后应为条件")
            return Not(operand)
        return self.cmp()

    def cmp(self) -> Expr:
        left = self.sum_()
        op = self.accept("<", "<=", ">", ">=", "==", "!=")
        if op is None:
            return left
        right = self.sum_()
        _need(left, "num", f"“{op}”两边应为数值")
        _need(right, "num", f"“{op}”两边应为数值")
        if self.accept("<", "<=", ">", ">=", "==", "!="):
            raise ExprError("比较不能连写（如 a < b < c），请用 and 连接", self.peek()[2])
        return Cmp(op, left, right)

    def sum_(self) -> Expr:
        return self._arith(("+", "-"), self.prod)

    def prod(self) -> Expr:
        return self._arith(("*", "/"), self.unary)

    def _arith(self, ops: tuple[str, ...], sub: Callable[[], Expr]) -> Expr:
        node = sub()
        while (op := self.accept(*ops)) is not None:
            right = sub()
            _need(node, "num", f"“{op}”两边应为数值")
            _need(right, "num", f"“{op}”两边应为数值")
            node = Bin(op, node, right)
        return node

    def unary(self) -> Expr:
        if self.accept("-"):
            operand = self.unary()
            _need(operand, "num", "负号之后应为数值")
            return Neg(operand)
        return self.atom()

    def atom(self) -> Expr:
        kind, text, pos = self.take()
        if kind == "num":
            if len(text.split(".")[0]) > 15:
                raise ExprError(f"数值“{text}”过大", pos)
            return Num(Decimal(text), text)
        if kind == "ref":
            return Ref(text[1:])
        if kind == "name" and text in FUNCTIONS:
            return self.call(text)
        if kind == "name" and text not in ("and", "or", "not"):
            return Name(text)
        if kind == "op" and text == "(":
            node = self.or_()
            self.expect(")")
            return node
        raise ExprError(f"此处应为数值、数据项或括号，实为“{text or '结尾'}”（第{pos + 1}个字符）", pos)

    def call(self, func: str) -> Expr:
        self.expect("(")
        args = [self.or_()]
        while self.accept(","):
            args.append(self.or_())
        self.expect(")")
        low, high = FUNCTIONS[func]
        if len(args) < low or (high is not None and len(args) > high):
            raise ExprError(f"函数 {func} 的参数个数不对", self.peek()[2])
        for arg in args:
            _need(arg, "num", f"函数 {func} 的参数应为数值")
        return Call(func, tuple(args))


def _need(node: Expr, kind: Kind, message: str) -> None:
    if node.kind != kind:
        raise ExprError(message)


def parse(text: str) -> Expr:
    """Parse an expression; raise ExprError with a Chinese message when it is malformed."""
    if not text.strip():
        raise ExprError("表达式为空")
    if len(text) > 500:
        raise ExprError("表达式过长（超过500个字符）")
    try:
        return _Parser(text.translate(_NORMALISE)).parse()
    except RecursionError as error:
        raise ExprError("表达式嵌套过深") from error


# --------------------------------------------------------------------------- inspection


def names(node: Expr) -> set[str]:
    """Data ids the expression reads."""
    return {n.name for n in _nodes(node) if isinstance(n, Name)}


def refs(node: Expr) -> set[str]:
    """Indicator ids the expression reads via ``@id``."""
    return {n.target for n in _nodes(node) if isinstance(n, Ref)}


def _nodes(node: Expr) -> list[Expr]:
    out: list[Expr] = [node]
    if isinstance(node, Neg | Not):
        out += _nodes(node.operand)
    elif isinstance(node, Bin | Cmp):
        out += _nodes(node.left) + _nodes(node.right)
    elif isinstance(node, BoolOp):
        for operand in node.operands:
            out += _nodes(operand)
    elif isinstance(node, Call):
        for arg in node.args:
            out += _nodes(arg)
    return out


# --------------------------------------------------------------------------- evaluation

Lookup = Callable[[str], "Value | Unavailable"]


def evaluate(node: Expr, data: Lookup, ref: Lookup, label: Callable[[str], str] = str) -> Value | Unavailable:
    """Evaluate ``node``; ``data`` and ``ref`` resolve names and ``@`` references.

    ``label`` names a data id or ``@ref`` in messages (e.g. its Chinese name).
    """
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Name):
        return data(node.name)
    if isinstance(node, Ref):
        return ref(node.target)
    if isinstance(node, Neg):
        inner = evaluate(node.operand, data, ref, label)
        return inner if isinstance(inner, Unavailable) else -_num(inner)
    if isinstance(node, Not):
        inner = evaluate(node.operand, data, ref, label)
        return inner if isinstance(inner, Unavailable) else not inner
    if isinstance(node, Bin | Cmp):
        return _binary(node, evaluate(node.left, data, ref, label), evaluate(node.right, data, ref, label), label)
    if isinstance(node, BoolOp):
        return _boolean(node.op, [evaluate(o, data, ref, label) for o in node.operands])
    return _call(node.func, [evaluate(a, data, ref, label) for a in node.args])


def _num(value: Value) -> Decimal:
    assert not isinstance(value, bool)
    return value


def _merge(values: list[Value | Unavailable]) -> Unavailable | None:
    reasons: list[str] = []
    for value in values:
        if isinstance(value, Unavailable):
            reasons += [r for r in value.reasons if r not in reasons]
    return Unavailable(tuple(reasons)) if reasons else None


OPERATORS: dict[str, Callable[[Decimal, Decimal], Value]] = {  # "/" is guarded against zero in _binary
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


def _binary(
    node: Bin | Cmp, left: Value | Unavailable, right: Value | Unavailable, label: Callable[[str], str]
) -> Value | Unavailable:
    if isinstance(left, Unavailable) or isinstance(right, Unavailable):
        missing = _merge([left, right])
        assert missing is not None
        return missing
    a, b = _num(left), _num(right)
    if node.op == "/":
        if b == 0:
            return Unavailable((f"分母“{render_names(node.right, label)}”为零",))
        return a / b
    return OPERATORS[node.op](a, b)


def _boolean(op: str, values: list[Value | Unavailable]) -> Value | Unavailable:
    missing = _merge(values)
    if missing is not None:
        return missing
    flags = [bool(v) for v in values]
    return all(flags) if op == "and" else any(flags)


def _call(func: str, values: list[Value | Unavailable]) -> Value | Unavailable:
    missing = _merge(values)
    if missing is not None:
        return missing
    numbers = [_num(v) for v in values]  # type: ignore[arg-type]
    if func == "abs":
        return abs(numbers[0])
    return min(numbers) if func == "min" else max(numbers)


# --------------------------------------------------------------------------- rendering

_PRECEDENCE = {"or": 1, "and": 2, "not": 3, "cmp": 4, "+": 5, "-": 5, "*": 6, "/": 6, "neg": 7}
_SHOW = {
    "*": "×",
    "/": "/",
    "+": "+",
    "-": "-",
    "<": "<",
    "<=": "≤",
    ">": ">",
    ">=": "≥",
    "==": "=",
    "!=": "≠",
    "and": "且",
    "or": "或",
}


def render_names(node: Expr, show: Callable[[str], str], percent: bool = False) -> str:
    """Render ``node`` with each data id or ``@ref`` replaced by ``show(id)``.

    With ``percent``, a trailing ``× 100`` is written ``×100%`` as reports do.
    """
    if percent and isinstance(node, Bin) and node.op == "*" and _is_hundred(node.right):
        return f"{_render(node.left, show, 6)}×100%"
    return _render(node, show, 0)


def _is_hundred(node: Expr) -> bool:
    return isinstance(node, Num) and node.value == 100


def _render(node: Expr, show: Callable[[str], str], outer: int) -> str:
    text, prec = _render_inner(node, show)
    return f"（{text}）" if prec < outer else text


def _render_inner(node: Expr, show: Callable[[str], str]) -> tuple[str, int]:
    if isinstance(node, Num):
        return node.text, 9
    if isinstance(node, Name):
        return show(node.name), 9
    if isinstance(node, Ref):
        return show("@" + node.target), 9
    if isinstance(node, Neg):
        return "-" + _render(node.operand, show, 7), 7
    if isinstance(node, Not):
        return "非" + _render(node.operand, show, 4), 3
    if isinstance(node, Call):
        if node.func == "abs":
            return f"|{_render(node.args[0], show, 0)}|", 9
        return f"{node.func}（{'，'.join(_render(a, show, 0) for a in node.args)}）", 9
    if isinstance(node, BoolOp):
        prec = _PRECEDENCE[node.op]
        return _SHOW[node.op].join(_render(o, show, prec + 1) for o in node.operands), prec
    prec = _PRECEDENCE["cmp"] if isinstance(node, Cmp) else _PRECEDENCE[node.op]
    right_prec = prec + 1 if isinstance(node, Cmp) or node.op in ("-", "/") else prec
    left = _render(node.left, show, prec + (1 if isinstance(node, Cmp) else 0))
    return f"{left}{_SHOW[node.op]}{_render(node.right, show, right_prec)}", prec
