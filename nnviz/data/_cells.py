"""Reading a table's cells for :func:`~nnviz.data.prepare`.

A typed cell becomes a number and a status (ok, empty, not a number, not
finite); the first bad cell raises a DataError that names it; a class column's
labels become one-hot rows (softmax) or the two ends of an output's range.
An input column is read as numbers, or — when most of its cells are text — as
categories, one input per value (:func:`read_input_column`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from nnviz.errors import DataError

from ..limits import MAX_OUTPUTS
from ._messages import _col, _fmt, _quote

_OK, _EMPTY, _NOT_NUMBER, _NOT_FINITE = 0, 1, 2, 3


def _is_missing(value: Any) -> bool:
    """True for None, NaN, pd.NA, NaT and blank strings."""
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # list-like cell
        return False


def _cell_text(value: Any) -> str | None:
    """A cell as the text of a category or class: stripped, ``'3'`` for a whole 3.0;
    None for an empty cell."""
    if _is_missing(value):
        return None
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        value = int(value)
    return str(value).strip()


def _parse_cell(value: Any) -> tuple[float, int]:
    """One cell → (number, status). Strings like ``" 2 "`` or ``"3.5"`` are numbers."""
    if _is_missing(value):
        return math.nan, _EMPTY
    try:
        number = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        return math.nan, _NOT_NUMBER
    if math.isnan(number):
        return math.nan, _EMPTY
    if math.isinf(number):
        return number, _NOT_FINITE
    return number, _OK


def _parse_numbers(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """A column → (float64 values, status per cell)."""
    if pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_complex_dtype(
        column.dtype
    ):
        values = column.to_numpy(dtype=np.float64, na_value=np.nan)
        status = np.where(np.isnan(values), _EMPTY, np.where(np.isinf(values), _NOT_FINITE, _OK))
        return values, status
    parsed = [_parse_cell(v) for v in column.tolist()]
    values = np.array([p[0] for p in parsed], dtype=np.float64)
    status = np.array([p[1] for p in parsed], dtype=np.int64)
    return values, status


def _cell_error(
    df: pd.DataFrame, name: Any, position: int, status: int, value: float, is_target: bool
) -> DataError:
    """The message for one bad cell (empty, not a number, not finite)."""
    where = f"Row {df.index[position]}, column {_col(name)}"
    if status == _EMPTY and is_target:
        return DataError(
            f"{where} is empty — a 'train' or 'test' row needs a target value; "
            "fill it in or set the row's split to 'predict'."
        )
    if status == _EMPTY:
        return DataError(f"{where} is empty — every row needs a number in each input column.")
    if status == _NOT_NUMBER:
        raw = df[name].iloc[position]
        hint = ""
        if isinstance(raw, str) and _parse_cell(raw.replace(",", "."))[1] == _OK:
            hint = " — write decimals with a point, like 1.5"
        return DataError(f"{where}: {_quote(raw)} is not a number{hint}.")
    return DataError(f"{where}: {_fmt(value)} is not a finite number — use an ordinary number.")


def _first_bad_cell(
    df: pd.DataFrame,
    names: list,
    values: np.ndarray,
    status: np.ndarray,
    n_inputs: int,
    empty_is_bad: bool,
) -> DataError | None:
    """The message for the first bad cell in table order, or None.

    ``status``/``values`` have one column per name in ``names`` (the input columns,
    then the targets). A cell that is not a number, or not finite, is always bad;
    an empty one only when ``empty_is_bad`` (gaps are neither left out nor filled).
    """
    bad = (status == _NOT_NUMBER) | (status == _NOT_FINITE)
    if empty_is_bad:
        bad |= status == _EMPTY
    where = np.argwhere(bad)
    if not where.size:
        return None
    position, j = (int(v) for v in where[0])
    return _cell_error(
        df,
        names[j],
        position,
        int(status[position, j]),
        float(values[position, j]),
        is_target=j >= n_inputs,
    )


def _label_status(column: pd.Series) -> np.ndarray:
    """A class column's cells: ok, or empty."""
    return np.array([_EMPTY if _is_missing(v) else _OK for v in column.tolist()], dtype=np.int64)


def _one_hot_cells(column: pd.Series, categories: tuple) -> tuple[np.ndarray, np.ndarray]:
    """A text input column → one column per category (a NaN row for an empty cell) and
    each cell's status (ok or empty)."""
    position = {c: k for k, c in enumerate(categories)}
    out = np.zeros((len(column), len(categories)))
    status = np.full(len(column), _OK, dtype=np.int64)
    for i, value in enumerate(column.tolist()):
        text = _cell_text(value)
        if text is None:
            out[i] = np.nan
            status[i] = _EMPTY
        else:
            out[i, position[text]] = 1.0
    return out, status


def _class_labels(column: pd.Series) -> list:
    """Class labels as ints when they all are whole numbers, else as stripped strings."""
    raw = column.tolist()
    numbers = [_parse_cell(v) for v in raw]
    if all(s == _OK and n.is_integer() for n, s in numbers):
        return [int(n) for n, _ in numbers]
    labels = []
    for value, (number, status) in zip(raw, numbers, strict=True):
        if status == _OK and number.is_integer():
            labels.append(str(int(number)))
        else:
            labels.append(str(value).strip())
    return labels


def _class_targets(
    df: pd.DataFrame, target: Any, rows: np.ndarray, width: int | None, ends: tuple
) -> tuple[np.ndarray, list]:
    """A class column's targets for the rows ``rows`` (a mask): one-hot rows for a softmax
    output (``width`` None), or for one output the two ends of its range (``ends``:
    the first class → the low end, the second → the high end); other rows all zero.
    Returns the targets and the sorted classes."""
    labels = _class_labels(df[target][rows])
    classes = sorted(set(labels))
    if len(classes) < 2:
        only = ", ".join(_quote(c) for c in classes)
        raise DataError(
            f"Column {_col(target)} holds only one class ({only}) in its train and test rows "
            "— a class column needs at least two classes."
        )
    if len(classes) > MAX_OUTPUTS:
        raise DataError(
            f"Column {_col(target)} holds {len(classes)} classes in its train and test rows; "
            f"a softmax output has one output per class, at most {MAX_OUTPUTS}."
        )
    position = {c: i for i, c in enumerate(classes)}
    picked = np.flatnonzero(rows)
    if width is None:
        out = np.zeros((len(df), len(classes)))
        out[picked, [position[label] for label in labels]] = 1.0
        return out, classes
    if len(classes) != 2:
        raise DataError(
            f"Column {_col(target)} holds {len(classes)} classes "
            f"({', '.join(_quote(c) for c in classes[:6])}{' …' if len(classes) > 6 else ''}); "
            "one sigmoid output tells two classes apart — use a softmax output, one per class."
        )
    out = np.zeros((len(df), 1))
    out[picked, 0] = [ends[position[label]] for label in labels]
    return out, classes
