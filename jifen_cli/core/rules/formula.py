"""A tiny, safe arithmetic language for totals: section codes, numbers, percentages,
``+ - * /``, parentheses, ``min(...)`` and ``max(...)``.  No ``eval``.

``parse(text) -> Node`` raises :class:`FormulaError` (Chinese message, column);
``evaluate(node, values) -> (Decimal, notes)`` never raises on division by zero: the
quotient is 0 and a Chinese note says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

FUNCTIONS = ("min", "max")


class FormulaError(ValueError):
    def __init__(self, message: str, column: int):
        super().__init__(message)
        self.message = message
        self.column = column


@dataclass(frozen=True)
class Num:
    value: Decimal


@dataclass(frozen=True)
class Name:
    name: str


@dataclass(frozen=True)
class Neg:
    operand: object


@dataclass(frozen=True)
class BinOp:
    op: str
    left: object
    right: object


@dataclass(frozen=True)
class Call:
    func: str
    args: tuple


_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?%?)|(?P<name>[A-Za-z_\u4e00-\u9fff][A-Za-z0-9_\u4e00-\u9fff]*)"
    r"|(?P<op>[-+*/(),]))"
)


def _tokens(text: str):
    pos = 0
    text = text.replace("（", "(").replace("）", ")").replace("×", "*").replace("÷", "/")
    text = text.replace("，", ",").replace("－", "-").replace("＋", "+")
    out = []
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise FormulaError(f"公式第 {pos + 1} 个字符“{text[pos]}”无法识别", pos + 1)
        kind = m.lastgroup
        out.append((kind, m.group(kind), m.start(kind) + 1))
        pos = m.end()
    out.append(("end", "", len(text) + 1))
    return out


class _Parser:
    def __init__(self, text: str):
        self.toks = _tokens(text)
        self.i = 0

    def peek(self):
        return self.toks[self.i]

    def take(self):
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def expect(self, value):
        kind, text, col = self.take()
        if text != value:
            found = "公式结尾" if kind == "end" else f"“{text}”"
            raise FormulaError(f"公式第 {col} 个字符处应为“{value}”，实际为{found}", col)

    def parse(self):
        node = self.expr()
        kind, text, col = self.peek()
        if kind != "end":
            raise FormulaError(f"公式第 {col} 个字符处多出“{text}”", col)
        return node

    def expr(self):
        node = self.term()
        while self.peek()[1] in ("+", "-") and self.peek()[0] == "op":
            op = self.take()[1]
            node = BinOp(op, node, self.term())
        return node

    def term(self):
        node = self.unary()
        while self.peek()[1] in ("*", "/") and self.peek()[0] == "op":
            op = self.take()[1]
            node = BinOp(op, node, self.unary())
        return node

    def unary(self):
        if self.peek()[1] == "-" and self.peek()[0] == "op":
            self.take()
            return Neg(self.unary())
        if self.peek()[1] == "+" and self.peek()[0] == "op":
            self.take()
            return self.unary()
        return self.atom()

    def atom(self):
        kind, text, col = self.take()
        if kind == "num":
            if text.endswith("%"):
                return Num(Decimal(text[:-1]) / 100)
            return Num(Decimal(text))
        if kind == "name":
            if text in FUNCTIONS and self.peek()[1] == "(":
                self.take()
                args = [self.expr()]
                while self.peek()[1] == ",":
                    self.take()
                    args.append(self.expr())
                self.expect(")")
                return Call(text, tuple(args))
            return Name(text)
        if text == "(":
            node = self.expr()
            self.expect(")")
            return node
        found = "公式结尾" if kind == "end" else f"“{text}”"
        raise FormulaError(f"公式第 {col} 个字符处缺少数字或板块名，实际为{found}", col)


def parse(text: str):
    if not isinstance(text, str) or not text.strip():
        raise FormulaError("公式为空", 1)
    return _Parser(text).parse()


def names(node) -> set[str]:
    """Every section code the formula refers to."""
    if isinstance(node, Name):
        return {node.name}
    if isinstance(node, Neg):
        return names(node.operand)
    if isinstance(node, BinOp):
        return names(node.left) | names(node.right)
    if isinstance(node, Call):
        out = set()
        for a in node.args:
            out |= names(a)
        return out
    return set()


def literal_zero_divisors(node) -> bool:
    """True when the formula divides by a constant 0 somewhere."""
    if isinstance(node, BinOp):
        if node.op == "/" and isinstance(node.right, Num) and node.right.value == 0:
            return True
        return literal_zero_divisors(node.left) or literal_zero_divisors(node.right)
    if isinstance(node, Neg):
        return literal_zero_divisors(node.operand)
    if isinstance(node, Call):
        return any(literal_zero_divisors(a) for a in node.args)
    return False


def evaluate(node, values: dict[str, Decimal], notes: list[str] | None = None) -> Decimal:
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Name):
        return values[node.name]
    if isinstance(node, Neg):
        return -evaluate(node.operand, values, notes)
    if isinstance(node, Call):
        args = [evaluate(a, values, notes) for a in node.args]
        return min(args) if node.func == "min" else max(args)
    left = evaluate(node.left, values, notes)
    right = evaluate(node.right, values, notes)
    if node.op == "+":
        return left + right
    if node.op == "-":
        return left - right
    if node.op == "*":
        return left * right
    if right == 0:
        if notes is not None:
            notes.append("公式中除数为 0，该项按 0 计")
        return Decimal(0)
    return left / right
