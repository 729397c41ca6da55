"""Safe arithmetic for parametrised numeric questions.

A formula comes from a bank file, so it is untrusted text. Python's parser reads it into an
expression tree (`ast.parse(mode="eval")` only parses: nothing is compiled or run), and `compile_formula`
turns that tree into a small tree of its own that holds nothing but numbers, parameter names,
arithmetic and calls to a short list of functions. `Formula.evaluate` walks that tree in floating
point, checking every intermediate value, so a hostile formula is refused when the bank is
validated and can never run code, allocate a huge integer or loop.
"""

from __future__ import annotations

import ast
import difflib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache

MAX_FORMULA_CHARS = 300  # the longest shipped formula is under 120
MAX_NODES = 120
MAX_EXPONENT = 64  # 2**64 is already past any count a question needs
MAX_MAGNITUDE = 1e60  # training FLOPs of the largest runs are about 1e26
MAX_CONSTANT = 1e30


def _round(x: float, digits: float = 0) -> float:
    if digits != int(digits) or not -12 <= digits <= 12:
        raise ArithmeticError("round's digits must be a whole number from -12 to 12")
    return float(round(x, int(digits)))


def _log(x: float, base: float = math.e) -> float:
    if x <= 0 or base <= 0 or base == 1:
        raise ArithmeticError("log of a number that is not positive (or to a base of 1)")
    return math.log(x, base)


# name -> (function, fewest and most arguments); the list is documented in docs/bank-format.md.
FUNCTIONS: dict[str, tuple[Callable[..., float], int, int]] = {
    "min": (min, 2, 8),
    "max": (max, 2, 8),
    "abs": (abs, 1, 1),
    "round": (_round, 1, 2),
    "ceil": (lambda x: float(math.ceil(x)), 1, 1),
    "floor": (lambda x: float(math.floor(x)), 1, 1),
    "sqrt": (math.sqrt, 1, 1),
    "log": (_log, 1, 2),
    "log2": (math.log2, 1, 1),
    "exp": (math.exp, 1, 1),
}

_BINARY: dict[type[ast.operator], str] = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%", ast.Pow: "**",
}
_NAMES_OF_NODES: dict[type[ast.AST], str] = {
    ast.Attribute: "an attribute (a.b)", ast.Subscript: "a subscript (a[b])", ast.Lambda: "a lambda",
    ast.ListComp: "a comprehension", ast.SetComp: "a comprehension", ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a comprehension", ast.Compare: "a comparison", ast.BoolOp: "and/or",
    ast.IfExp: "a conditional (x if c else y)", ast.List: "a list", ast.Tuple: "a tuple", ast.Dict: "a mapping",
    ast.Set: "a set", ast.JoinedStr: "a string", ast.NamedExpr: "an assignment (:=)", ast.Starred: "a *star",
    ast.Await: "await", ast.Yield: "yield", ast.YieldFrom: "yield",
}


class FormulaError(ValueError):
    """A formula that is refused, with the 0-based character offset in the formula it is about."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.offset = offset


# The formula's own tree. Each node keeps its character offset in the formula, for messages.
@dataclass(frozen=True, slots=True)
class Num:
    at: int
    value: float


@dataclass(frozen=True, slots=True)
class Var:
    at: int
    name: str


@dataclass(frozen=True, slots=True)
class Neg:
    at: int
    operand: Node


@dataclass(frozen=True, slots=True)
class Bin:
    at: int
    op: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Call:
    at: int
    name: str
    args: tuple[Node, ...]


Node = Num | Var | Neg | Bin | Call


@dataclass(frozen=True, slots=True)
class Formula:
    text: str
    root: Node
    names: frozenset[str]  # the parameter names it uses

    def evaluate(self, values: Mapping[str, float]) -> float:
        """The formula's value for `values`; FormulaError when a step fails (division by zero, a
        value that is not finite or beyond MAX_MAGNITUDE, an exponent past MAX_EXPONENT)."""
        return _eval(self.root, values)


def _char_offset(text: str, byte_offset: int | None) -> int:
    """ast counts columns in UTF-8 bytes; messages count characters."""
    if byte_offset is None:
        return 0
    return len(text.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))


@lru_cache(maxsize=1024)
def compile_formula(text: str, names: frozenset[str]) -> Formula:
    """Parse `text` once into a Formula over the parameters `names`; FormulaError for anything that
    is not arithmetic on numbers and those names."""
    if not text.strip():
        raise FormulaError("the formula is empty", 0)
    if len(text) > MAX_FORMULA_CHARS:
        raise FormulaError(f"the formula is longer than {MAX_FORMULA_CHARS} characters")
    if "\n" in text.strip():
        raise FormulaError("the formula must be one line")
    lead = len(text) - len(text.lstrip())
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        where = exc.offset - 1 if exc.offset else len(text.strip())  # 0: the formula ended too soon
        raise FormulaError(f"not a formula: {exc.msg}", lead + where) from None
    except (ValueError, RecursionError, MemoryError):
        raise FormulaError("not a formula (nested too deeply or holds a null character)") from None
    count = 0
    for _ in ast.walk(tree):
        count += 1
        if count > MAX_NODES:
            raise FormulaError(f"the formula has more than {MAX_NODES} parts")
    used: set[str] = set()
    root = _build(tree.body, text.strip(), names, used, lead)
    return Formula(text, root, frozenset(used))


def _build(node: ast.expr, text: str, names: frozenset[str], used: set[str], lead: int) -> Node:
    at = lead + _char_offset(text, getattr(node, "col_offset", None))
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            what = "a string" if isinstance(value, str | bytes) else repr(value)
            raise FormulaError(f"{what} is not allowed in a formula: only numbers", at)
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not abs(number) <= MAX_CONSTANT:
            raise FormulaError(f"a number larger than {MAX_CONSTANT:.0e} is not allowed in a formula", at)
        return Num(at, number)
    if isinstance(node, ast.Name):
        if node.id in names:
            used.add(node.id)
            return Var(at, node.id)
        if node.id in FUNCTIONS:
            raise FormulaError(f"'{node.id}' is a function: call it, as in {node.id}(x)", at)
        hint = difflib.get_close_matches(node.id, sorted(names), n=1)
        known = f" (did you mean '{hint[0]}'?)" if hint else f" (params: {', '.join(sorted(names))})"
        raise FormulaError(f"unknown name '{node.id}'" + known, at)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.UAdd | ast.USub):
        operand = _build(node.operand, text, names, used, lead)
        return Neg(at, operand) if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return Bin(at, _BINARY[type(node.op)], _build(node.left, text, names, used, lead),
                   _build(node.right, text, names, used, lead))
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            called = f"'{node.func.id}'" if isinstance(node.func, ast.Name) else "anything but a listed function"
            raise FormulaError(f"calling {called} is not allowed (functions: {', '.join(FUNCTIONS)})", at)
        if node.keywords:
            raise FormulaError(f"{node.func.id}() takes no keyword arguments", at)
        _, fewest, most = FUNCTIONS[node.func.id]
        if any(isinstance(a, ast.Starred) for a in node.args):
            raise FormulaError("a *star is not allowed in a formula", at)
        if not fewest <= len(node.args) <= most:
            raise FormulaError(f"{node.func.id}() takes {fewest}" + (f" to {most}" if most > fewest else "")
                               + f" argument(s), not {len(node.args)}", at)
        return Call(at, node.func.id, tuple(_build(a, text, names, used, lead) for a in node.args))
    if isinstance(node, ast.BinOp):
        raise FormulaError(f"the operator {type(node.op).__name__} is not allowed (only + - * / // % **)", at)
    if isinstance(node, ast.UnaryOp):
        raise FormulaError("only + and - may stand before a value", at)
    what = _NAMES_OF_NODES.get(type(node), type(node).__name__)
    raise FormulaError(f"{what} is not allowed in a formula", at)


def _checked(value: float, at: int) -> float:
    if not math.isfinite(value) or abs(value) > MAX_MAGNITUDE:
        raise FormulaError(f"a value in the formula goes beyond ±{MAX_MAGNITUDE:.0e}", at)
    return value


def _eval(node: Node, values: Mapping[str, float]) -> float:
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Var):
        return _checked(float(values[node.name]), node.at)
    if isinstance(node, Neg):
        return -_eval(node.operand, values)
    if isinstance(node, Bin):
        return _checked(_binary(node.op, _eval(node.left, values), _eval(node.right, values), node.at), node.at)
    args = [_eval(arg, values) for arg in node.args]
    try:
        return _checked(float(FUNCTIONS[node.name][0](*args)), node.at)
    except FormulaError:
        raise
    except (ArithmeticError, ValueError) as exc:
        shown = ", ".join(f"{a:g}" for a in args)
        raise FormulaError(f"{node.name}({shown}) has no value: {exc}", node.at) from None


def _binary(op: str, a: float, b: float, at: int) -> float:
    if op == "**" and abs(b) > MAX_EXPONENT:
        raise FormulaError(f"the exponent {b:g} is larger than {MAX_EXPONENT}", at)
    try:
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "/":
            return a / b
        if op == "//":
            return a // b
        if op == "%":
            return a % b
        return math.pow(a, b)
    except ZeroDivisionError:
        raise FormulaError(f"division by zero ({a:g} {op} 0)", at) from None
    except (OverflowError, ValueError):
        raise FormulaError(f"{a:g} {op} {b:g} has no finite real value", at) from None
