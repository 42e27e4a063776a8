"""Reading columns the way a person means them: class names, class codes, numbers, text.

Two pure functions of a table and the chosen columns, each saying what it decided
and why:

* :func:`read_target` — a target column of names, or of a few whole-number codes
  (at most :data:`~nnviz.data.limits.MAX_CLASS_CODES` distinct values, each seen
  about twice or more), is a *class* column: two classes → one sigmoid output with
  binary cross-entropy, more → softmax with cross-entropy. A column of many
  distinct numbers is a *regression* target → a linear output and the mean
  squared error, the target standardised and predictions shown in its units.
* :func:`read_input_column` — an input column is numbers, or (when most of its
  cells are text) categories: a few distinct values (at most
  :data:`~nnviz.data.limits.MAX_CATEGORIES`) give one input per value, named
  ``column=value`` (one-hot); a column of many different texts is left out.

:func:`~nnviz.data.prepare` reads its input columns with :func:`read_input_column`;
:func:`~nnviz.data.propose_setup` reads the target with :func:`read_target`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from nnviz.errors import DataError

from ._cells import (
    _EMPTY,
    _NOT_NUMBER,
    _OK,
    _cell_text,
    _class_labels,
    _is_missing,
    _parse_numbers,
)
from ._messages import _col
from .limits import MAX_CATEGORIES, MAX_CELL_BYTES, MAX_CLASS_CODES, MAX_OUTPUTS

CLASSIFICATION, REGRESSION = "classification", "regression"
TASKS = (CLASSIFICATION, REGRESSION)
"""What a network is asked to do with its target: tell classes apart, or predict numbers."""

NUMBER, CATEGORIES, LEFT_OUT = "number", "categories", "left_out"


@dataclass(frozen=True)
class InputColumn:
    """How one input column is read: as a number, as categories (one input per value),
    or left out; ``why`` says so in words."""

    name: Any
    kind: str  # NUMBER | CATEGORIES | LEFT_OUT
    categories: tuple = ()  # the values of a CATEGORIES column, sorted
    why: str = ""

    @property
    def nodes(self) -> list:
        """The network inputs this column gives: itself, one per category, or none."""
        if self.kind == CATEGORIES:
            return [category_input(self.name, c) for c in self.categories]
        return [self.name] if self.kind == NUMBER else []


def category_input(column: Any, value: str) -> str:
    """The name of a category's input: ``island=Biscoe``."""
    return f"{column}={value}"


def _texts(column: pd.Series) -> list[str]:
    """The non-empty cells of a column as text, stripped (``'3'`` for a number 3)."""
    return [t for t in map(_cell_text, column.tolist()) if t is not None]


def is_text_column(column: pd.Series) -> bool:
    """Most of the column's non-empty cells are text that is not a number.

    A column of numbers with a typo in it is still a number column (its typo is a
    bad cell, named in a message); a column of names with a number in it is text.
    """
    if pd.api.types.is_bool_dtype(column.dtype):
        return False
    if pd.api.types.is_numeric_dtype(column.dtype):
        return False
    _, status = _parse_numbers(column)
    present = int(np.sum(status != _EMPTY))
    return present > 0 and 2 * int(np.sum(status == _NOT_NUMBER)) > present


def read_input_column(column: pd.Series, name: Any | None = None) -> InputColumn:
    """How an input column is read (see the module's docstring)."""
    name = column.name if name is None else name
    if not is_text_column(column):
        return InputColumn(name, NUMBER)
    texts = _texts(column)
    values = sorted(set(texts))
    if len(values) > MAX_CATEGORIES:
        return InputColumn(
            name,
            LEFT_OUT,
            why=f"Column {_col(name)} holds {len(values)} different texts: it is left out of "
            f"the inputs (a text column gives one input per value, for at most "
            f"{MAX_CATEGORIES} values).",
        )
    longest = max(values, key=len)
    if len(longest.encode("utf-8")) > MAX_CELL_BYTES:
        return InputColumn(
            name,
            LEFT_OUT,
            why=f"Column {_col(name)} holds texts longer than {MAX_CELL_BYTES} characters: it "
            "is left out of the inputs (a text column's values are categories, one input "
            "each).",
        )
    shown = ", ".join(values)
    return InputColumn(
        name,
        CATEGORIES,
        tuple(values),
        why=f"Column {_col(name)} holds text: one input per value ({len(values)}: {shown}), "
        "1 for a row's value and 0 for the others.",
    )


@dataclass(frozen=True)
class TargetReading:
    """What a target column asks of the network, and why."""

    column: Any
    task: str  # CLASSIFICATION | REGRESSION
    kind: str  # "names" | "codes" | "numbers"
    classes: tuple  # the classes of a class column, sorted; () for regression
    output_activation: str
    loss: str
    why: str

    @property
    def binary(self) -> bool:
        return len(self.classes) == 2


def _labelled(df: pd.DataFrame, split_column: Any) -> np.ndarray:
    """Rows whose target counts: every row but those marked 'predict'."""
    if split_column is None or split_column not in df.columns:
        return np.ones(len(df), dtype=bool)
    marks = df[split_column].map(lambda v: "" if _is_missing(v) else str(v).strip().lower())
    return (marks != "predict").to_numpy()


def _classes_read(name: Any, kind: str, classes: list, extra: str) -> TargetReading:
    shown = ", ".join(map(str, classes[:6])) + (" …" if len(classes) > 6 else "")
    if len(classes) == 2:
        return TargetReading(
            name,
            CLASSIFICATION,
            kind,
            tuple(classes),
            "sigmoid",
            "bce",
            f"Target {_col(name)} holds 2 {kind} ({shown}){extra}: a classification of two "
            f"classes — one sigmoid output (the probability of '{classes[1]}') with binary "
            "cross-entropy.",
        )
    return TargetReading(
        name,
        CLASSIFICATION,
        kind,
        tuple(classes),
        "softmax",
        "cross_entropy",
        f"Target {_col(name)} holds {len(classes)} {kind} ({shown}){extra}: a classification "
        f"— a softmax output, one probability per class, with cross-entropy.",
    )


def read_target(df: pd.DataFrame, target: Any, split_column: Any = "split") -> TargetReading:
    """Read a target column as a person means it: class names, class codes, or numbers.

    Only the rows that are not marked 'predict' count, and their empty cells are
    skipped. Names (most cells text) are classes; whole numbers with at most
    :data:`~nnviz.data.limits.MAX_CLASS_CODES` distinct values, each seen about twice
    or more on average, are class codes; anything else is a regression target.
    Raises :class:`DataError` for a column that is not in the table, has no value,
    holds one class only, or more classes than a network has outputs.
    """
    if target not in df.columns:
        raise DataError(f"Column {_col(target)} is not in the table.")
    column = df[target][_labelled(df, split_column)]
    present = column[[not _is_missing(v) for v in column.tolist()]]
    if not len(present):
        raise DataError(f"Column {_col(target)} has no values to learn from.")
    if is_text_column(present):
        classes = sorted(set(_class_labels(present)), key=str)
        if len(classes) < 2:
            raise DataError(
                f"Column {_col(target)} holds one name only ('{classes[0]}'): a class column "
                "needs at least two classes."
            )
        if len(classes) > MAX_OUTPUTS:
            raise DataError(
                f"Column {_col(target)} holds {len(classes)} different names; a class column "
                f"may have at most {MAX_OUTPUTS} classes (one output each)."
            )
        return _classes_read(target, "names", classes, "")
    values, status = _parse_numbers(present)
    numbers = values[status == _OK]
    distinct = np.unique(numbers)
    whole = bool(numbers.size) and bool(np.all(numbers == np.round(numbers)))
    few = 2 <= distinct.size <= MAX_CLASS_CODES and 2 * distinct.size <= numbers.size
    if whole and few:
        codes = [int(v) for v in distinct]
        extra = f", each seen {numbers.size / distinct.size:.0f} times on average"
        return _classes_read(target, "codes", codes, extra)
    why = (
        f"Target {_col(target)} holds {distinct.size} different numbers: a regression — a "
        "linear output with the mean squared error, the target standardised for training "
        "and the predictions shown in its units."
    )
    if whole and distinct.size > MAX_CLASS_CODES:
        why += f" (Whole numbers, but more than {MAX_CLASS_CODES} of them: not class codes.)"
    return TargetReading(target, REGRESSION, "numbers", (), "linear", "mse", why)


def read_inputs(df: pd.DataFrame, inputs: Sequence[Any]) -> list[InputColumn]:
    """:func:`read_input_column` for each of ``inputs`` (columns of ``df``)."""
    return [read_input_column(df[name], name) for name in inputs]


__all__ = [
    "CATEGORIES",
    "CLASSIFICATION",
    "LEFT_OUT",
    "NUMBER",
    "REGRESSION",
    "TASKS",
    "InputColumn",
    "TargetReading",
    "category_input",
    "is_text_column",
    "read_input_column",
    "read_inputs",
    "read_target",
]
