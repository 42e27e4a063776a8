"""Derived input features: extra input columns computed from the others, like ``x1**2``.

TensorFlow Playground's classic lesson: a network without a hidden layer draws
a straight line, so it cannot separate the ``circle`` data from x1 and x2 — but
given ``x1**2`` and ``x2**2`` as two more inputs, the circle becomes a line in
those coordinates and it can. Each feature is an expression over the table's
input columns; :func:`~nnviz.data.prepare` (``features=[...]``) adds one input
column per feature, named by its expression, and scales it like the others.

The grammar — nothing else is accepted:

* numbers (``2``, ``0.5``, ``1e-3``) and the input columns' names;
* ``+ - * / **``, unary minus (and plus), parentheses;
* the functions ``sin cos tan tanh exp log sqrt abs`` of one argument
  (``log`` is the natural logarithm).

Column names: a name that is a Python identifier (``x1``, ``hours_studied``) is
written as it is. Any column name — ``hours studied``, ``size (cm)``, ``2024``,
``lambda`` — can be written in backquotes: ``` `hours studied` ** 2 ```. The text
between two backquotes must be an input column's name exactly (a name containing
a backquote cannot be used). A feature can only use input columns, so a saved
model needs nothing but the raw inputs.

Safety: an expression is text typed by a user (or read from a model file), so it
is never given to ``eval``. Its length and bracket depth are bounded before it
is parsed, it is parsed with :mod:`ast` and checked against the grammar node by
node (the node count and depth are bounded too), numbers are converted to
floats before any arithmetic (``9**9**9`` is ``inf``, not a huge integer), and
the checked tree is evaluated with NumPy on float64 columns. A result that is
not a finite number in some row (``log(0)``, ``1/0``, ``sqrt(-1)``,
``1e308*1e308``) is a :class:`~nnviz.errors.DataError` naming the feature and
the row.

A :class:`Feature` also writes itself as NumPy source (:meth:`Feature.numpy_source`)
for the standalone script, which computes exactly the same numbers.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from nnviz.errors import DataError

from ..limits import MAX_FEATURE_LENGTH, MAX_INPUTS
from ..quoting import quote
from ._messages import _col, _fmt, _names

FEATURE_FUNCTIONS: dict[str, Callable] = {
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "tanh": np.tanh,
    "exp": np.exp,
    "log": np.log,
    "sqrt": np.sqrt,
    "abs": np.abs,
}
"""The functions a feature may call, each of one argument, by name."""


MAX_FEATURE_DEPTH = 50
"""Deepest nesting of brackets, and of operators and calls, in one expression."""

MAX_FEATURE_NODES = 200
"""Most syntax-tree nodes (numbers, names, operators, calls) in one expression."""

MAX_FEATURES = MAX_INPUTS
"""Most features one table may add (each is one of the network's :data:`MAX_INPUTS`)."""

_BINARY: dict[type, tuple[str, Callable]] = {
    ast.Add: ("+", operator.add),
    ast.Sub: ("-", operator.sub),
    ast.Mult: ("*", operator.mul),
    ast.Div: ("/", operator.truediv),
    ast.Pow: ("**", operator.pow),
}
_APPLY = {symbol: fn for symbol, fn in _BINARY.values()}

_GRAMMAR = (
    "a feature is built from numbers, the input columns, + - * / **, parentheses "
    "and the functions " + ", ".join(FEATURE_FUNCTIONS)
)

# What a rejected piece of syntax is called in a message (with its verb).
_FORBIDDEN: dict[type, str] = {
    ast.Attribute: "attribute access (a dot after a value) is",
    ast.Subscript: "indexing with [ ] is",
    ast.Lambda: "lambda functions are",
    ast.IfExp: "conditional expressions (… if … else …) are",
    ast.Compare: "comparisons (< > == …) are",
    ast.BoolOp: "and / or are",
    ast.ListComp: "comprehensions are",
    ast.SetComp: "comprehensions are",
    ast.DictComp: "comprehensions are",
    ast.GeneratorExp: "comprehensions are",
    ast.List: "lists are",
    ast.Tuple: "tuples (a comma outside a function call) are",
    ast.Set: "sets are",
    ast.Dict: "dicts are",
    ast.NamedExpr: "assignments (:=) are",
    ast.JoinedStr: "text (strings) is",
    ast.FormattedValue: "text (strings) is",
    ast.Starred: "unpacking with * is",
    ast.Await: "await is",
    ast.Yield: "yield is",
    ast.YieldFrom: "yield is",
    ast.Slice: "slices are",
}
_OPERATOR_NAMES: dict[type, str] = {
    ast.Mod: "%",
    ast.FloorDiv: "//",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.BitAnd: "&",
    ast.Not: "not",
    ast.Invert: "~",
}


# A checked expression is a small tree of tuples:
#   ("num", float)  ("col", j)  ("neg", node)  ("call", name, node)  ("bin", symbol, left, right)
# with every operation on two numbers already done (in float64), so evaluating it in
# nnviz and in the exported script runs exactly the same NumPy operations.
Node = tuple


@dataclass(frozen=True, eq=False)
class Feature:
    """One checked feature expression over the input columns ``columns``.

    ``expression`` is the text as given (surrounding spaces removed): it names the
    new input column. ``columns`` are the raw input names it may refer to, in
    order; ``used`` the positions of those it does refer to.
    """

    expression: str
    columns: tuple
    tree: Node
    used: tuple

    def evaluate(self, raw: np.ndarray, rows: Sequence[Any] | None = None) -> np.ndarray:
        """The feature's value for each row of ``raw`` (n, len(columns)) float64: shape (n,).

        Raises DataError naming the feature and the first row (a label of ``rows``,
        else its position) where the value is not a finite number.
        """
        raw = np.asarray(raw, dtype=np.float64)
        if raw.ndim != 2 or raw.shape[1] != len(self.columns):
            raise ValueError(
                f"feature {self.expression!r} needs rows of {len(self.columns)} "
                f"input value(s); got an array of shape {raw.shape}"
            )
        with np.errstate(all="ignore"):
            value = _evaluate(self.tree, raw)
        value = np.array(np.broadcast_to(value, (raw.shape[0],)), dtype=np.float64)
        bad = np.flatnonzero(~np.isfinite(value))
        if bad.size:
            i = int(bad[0])
            label = rows[i] if rows is not None else i
            values = ", ".join(f"{self.columns[j]} = {_fmt(raw[i, j])}" for j in self.used)
            where = f" for {values}" if values else ""
            raise DataError(
                f"Row {label}, feature {_col(self.expression)}: the result is "
                f"{_fmt_result(value[i])}{where} — a feature must give a finite number in "
                "every row (log needs a positive number, sqrt a non-negative one, / a "
                "non-zero divisor)."
            )
        return value

    def numpy_source(self, column: Callable[[int], str]) -> str:
        """The expression as NumPy source code; ``column(j)`` writes input column ``j``.

        Evaluating it computes exactly what :meth:`evaluate` does (numbers are
        written with every digit, functions as ``np.sin`` …).
        """
        return _source(self.tree, column, outer=True)

    def __repr__(self) -> str:
        return f"Feature({self.expression!r})"


def _fmt_result(value: float) -> str:
    return "not a number (nan)" if math.isnan(value) else _fmt(value)


def _evaluate(node: Node, raw: np.ndarray):
    kind = node[0]
    if kind == "num":
        return node[1]
    if kind == "col":
        return raw[:, node[1]]
    if kind == "neg":
        return -_evaluate(node[1], raw)
    if kind == "call":
        return FEATURE_FUNCTIONS[node[1]](_evaluate(node[2], raw))
    return _APPLY[node[1]](_evaluate(node[2], raw), _evaluate(node[3], raw))


def _number_source(value: float) -> str:
    if math.isnan(value):
        return "np.nan"
    if math.isinf(value):
        return "np.inf" if value > 0 else "(-np.inf)"
    text = repr(value)
    return f"({text})" if value < 0 or text.startswith("-") else text


def _source(node: Node, column: Callable[[int], str], outer: bool = False) -> str:
    """Every operation in parentheses (except the outermost), so no precedence is implied."""
    kind = node[0]
    if kind == "num":
        return _number_source(node[1])
    if kind == "col":
        return column(node[1])
    if kind == "call":
        return f"np.{node[1]}({_source(node[2], column, outer=True)})"
    if kind == "neg":
        text = f"-{_source(node[1], column)}"
    else:
        text = f"{_source(node[2], column)} {node[1]} {_source(node[3], column)}"
    return text if outer else f"({text})"


# ------------------------------------------------------------------------ parsing
def _error(expression: str, problem: str) -> DataError:
    # an expression is at most MAX_FEATURE_LENGTH characters (checked first): named whole
    return DataError(f"Feature {quote(expression, MAX_FEATURE_LENGTH)}: {problem}.")


def _substitute_backquotes(text: str, expression: str, columns: list) -> tuple[str, dict]:
    """Replace each `name` by a fresh identifier; returns the text and identifier → column."""
    parts = text.split("`")
    if len(parts) % 2 == 0:
        raise _error(
            expression,
            "a backquote is not closed — write a column name between "
            "two backquotes, like `hours studied`",
        )
    prefix = "_col"
    while prefix in text:
        prefix += "_"
    names = [str(c) for c in columns]
    quoted: dict[str, int] = {}
    out = [parts[0]]
    for k in range(1, len(parts), 2):
        name = parts[k]
        if name in names:
            j = names.index(name)
        elif name.strip() in names:
            j = names.index(name.strip())
        else:
            raise _error(
                expression, f"`{name}` is not an input column — the inputs are {_names(columns)}"
            )
        ident = f"{prefix}{len(quoted)}"
        quoted[ident] = j
        out.append(f" {ident} ")
        out.append(parts[k + 1])
    return "".join(out).strip(), quoted


def _bracket_depth(text: str) -> int:
    depth = deepest = 0
    for ch in text:
        if ch in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in ")]}":
            depth -= 1
    return deepest


class _Checker:
    """Walks a parsed expression and builds the checked tree (or raises DataError)."""

    def __init__(self, expression: str, columns: list, quoted: dict):
        self.expression = expression
        self.columns = columns
        self.names = [str(c) for c in columns]
        self.quoted = quoted
        self.used: set[int] = set()

    def fail(self, problem: str) -> DataError:
        return _error(self.expression, problem)

    def check(self, node: ast.AST, depth: int = 0) -> Node:
        if depth > MAX_FEATURE_DEPTH:
            raise self.fail(f"it is nested too deeply (more than {MAX_FEATURE_DEPTH} levels)")
        if isinstance(node, ast.Constant):
            return ("num", self.number(node.value))
        if isinstance(node, ast.Name):
            return ("col", self.column(node.id))
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, (ast.USub, ast.UAdd)):
                inner = self.check(node.operand, depth + 1)
                if isinstance(node.op, ast.UAdd):
                    return inner
                if inner[0] == "num":
                    return ("num", -inner[1])
                return ("neg", inner)
            raise self.fail(
                f"the operator {_OPERATOR_NAMES.get(type(node.op), '?')} is not "
                f"allowed — {_GRAMMAR}"
            )
        if isinstance(node, ast.BinOp):
            if type(node.op) not in _BINARY:
                raise self.fail(
                    f"the operator {_OPERATOR_NAMES.get(type(node.op), '?')} is "
                    f"not allowed — {_GRAMMAR}"
                )
            symbol = _BINARY[type(node.op)][0]
            left = self.check(node.left, depth + 1)
            right = self.check(node.right, depth + 1)
            if left[0] == "num" and right[0] == "num":
                with np.errstate(all="ignore"):
                    value = _APPLY[symbol](np.float64(left[1]), np.float64(right[1]))
                return ("num", float(value))
            return ("bin", symbol, left, right)
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        what = _FORBIDDEN.get(type(node), f"this kind of expression ({type(node).__name__}) is")
        raise self.fail(f"{what} not allowed — {_GRAMMAR}")

    def number(self, value: Any) -> float:
        # Only int and float literals; converted to float before any arithmetic.
        if isinstance(value, bool) or value is None or value is Ellipsis:
            raise self.fail(f"{value!r} is not a number or an input column — {_GRAMMAR}")
        if isinstance(value, (str, bytes)):
            raise self.fail(f"text ({value!r}) is not allowed — {_GRAMMAR}")
        if isinstance(value, complex):
            raise self.fail(f"complex numbers ({value!r}) are not allowed — {_GRAMMAR}")
        if not isinstance(value, (int, float)):
            raise self.fail(f"{value!r} is not a number — {_GRAMMAR}")
        try:
            number = float(value)
        except OverflowError:
            raise self.fail("a number in it is too large") from None
        if not math.isfinite(number):
            raise self.fail(f"the number {value!r} is too large")
        return number

    def column(self, ident: str) -> int:
        if ident in self.quoted:
            j = self.quoted[ident]
        elif ident in self.names:
            j = self.names.index(ident)
        elif ident in FEATURE_FUNCTIONS:
            raise self.fail(f"{ident} is a function — write {ident}( … ) with its argument")
        else:
            raise self.fail(
                f"{ident!r} is not an input column — the inputs are "
                f"{_names(self.columns)} (a feature can only use input columns; "
                "write a name with spaces or symbols in backquotes, like "
                "`hours studied`)"
            )
        self.used.add(j)
        return j

    def call(self, node: ast.Call, depth: int) -> Node:
        func = node.func
        if not isinstance(func, ast.Name) or func.id in self.quoted:
            raise self.fail(f"only the functions {', '.join(FEATURE_FUNCTIONS)} can be called")
        name = func.id
        if name not in FEATURE_FUNCTIONS:
            raise self.fail(
                f"{name}( … ) is not one of the functions {', '.join(FEATURE_FUNCTIONS)}"
            )
        if node.keywords:
            raise self.fail(
                f"keyword arguments are not allowed — {name} takes one argument, like {name}(x1)"
            )
        if len(node.args) != 1:
            raise self.fail(f"{name} takes one argument, not {len(node.args)}")
        if isinstance(node.args[0], ast.Starred):
            raise self.fail(f"unpacking with * is not allowed — {_GRAMMAR}")
        inner = self.check(node.args[0], depth + 1)
        if inner[0] == "num":
            with np.errstate(all="ignore"):
                return ("num", float(FEATURE_FUNCTIONS[name](np.float64(inner[1]))))
        return ("call", name, inner)


def parse_feature(expression: Any, columns: Sequence[Any]) -> Feature:
    """Check one expression over the input columns ``columns``; raise DataError if it is bad.

    The error names the expression and says what is wrong (an unknown column, a
    construct outside the grammar, a syntax error …).
    """
    columns = list(columns)
    if not isinstance(expression, str):
        raise DataError(
            f"A feature must be an expression written as text, like 'x1**2', not "
            f"{quote(expression)}."
        )
    text = expression.strip()
    if not text:
        raise DataError(
            "A feature is empty — write an expression over the input columns, like 'x1**2'."
        )
    if len(text) > MAX_FEATURE_LENGTH:
        raise DataError(
            f"Feature {_col(text[:40] + '…')} is {len(text)} characters long; "
            f"the limit is {MAX_FEATURE_LENGTH}."
        )
    body, quoted = _substitute_backquotes(text, text, columns)
    if _bracket_depth(body) > MAX_FEATURE_DEPTH:
        raise _error(text, f"its brackets are nested more than {MAX_FEATURE_DEPTH} deep")
    try:
        tree = ast.parse(body, mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError) as e:
        detail = getattr(e, "msg", "") or "invalid syntax"
        raise _error(text, f"it is not a valid expression ({detail}) — {_GRAMMAR}") from None
    n_nodes = sum(1 for _ in ast.walk(tree))
    if n_nodes > MAX_FEATURE_NODES:
        raise _error(text, f"it has {n_nodes} parts; the limit is {MAX_FEATURE_NODES}")
    checker = _Checker(text, columns, quoted)
    checked = checker.check(tree.body)
    if checked[0] == "num" and not math.isfinite(checked[1]):
        raise _error(text, f"its value is {_fmt_result(checked[1])}, not a finite number")
    return Feature(
        expression=text, columns=tuple(columns), tree=checked, used=tuple(sorted(checker.used))
    )


def parse_features(expressions: Any, columns: Sequence[Any]) -> list[Feature]:
    """Check a list of expressions (a single string is one expression; None is none).

    Besides each expression's own checks: at most :data:`MAX_FEATURES`, none
    chosen twice, and none spelled like an input column (it would name two
    input columns the same).
    """
    if expressions is None:
        return []
    if isinstance(expressions, str):
        expressions = [expressions]
    try:
        expressions = list(expressions)
    except TypeError:
        raise DataError(
            f"features must be a list of expressions, like ['x1**2'], not {quote(expressions)}."
        ) from None
    if len(expressions) > MAX_FEATURES:
        raise DataError(f"{len(expressions)} features are given; the limit is {MAX_FEATURES}.")
    features = [parse_feature(e, columns) for e in expressions]
    names = [str(c) for c in columns]
    seen: set[str] = set()
    for f in features:
        if f.expression in names:
            raise DataError(
                f"Feature {_col(f.expression)} is the input column "
                f"{_col(f.expression)} itself — it is already an input."
            )
        if f.expression in seen:
            raise DataError(f"Feature {_col(f.expression)} is given twice.")
        seen.add(f.expression)
    return features


def compute_features(
    features: Sequence[Feature], raw: np.ndarray, rows: Sequence[Any] | None = None
) -> np.ndarray:
    """The columns of ``features`` for the rows of ``raw``: shape (n, len(features)).

    ``rows`` labels the rows in error messages (default: their positions).
    """
    raw = np.asarray(raw, dtype=np.float64)
    out = np.empty((raw.shape[0], len(features)))
    for k, feature in enumerate(features):
        out[:, k] = feature.evaluate(raw, rows)
    return out
