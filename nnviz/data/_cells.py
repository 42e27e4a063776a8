"""Reading a table's cells for :func:`~nnviz.data.prepare`.

A typed cell becomes a number and a status (ok, empty, not a number, not
finite); the first bad cell raises a DataError that names it; a softmax target
column's class labels become one-hot rows.
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


def _read_cells(
    df: pd.DataFrame, inputs: list, targets: list, splits: np.ndarray, numeric_targets: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Parse the input and target cells; raise for the first bad one in table order.

    Inputs are checked in every row, targets only in train and test rows (a
    predict row's target is ignored). With ``numeric_targets=False`` (softmax)
    a target cell only has to be non-empty.
    """
    used = inputs + targets
    values = np.empty((len(df), len(used)))
    status = np.empty((len(df), len(used)), dtype=np.int64)
    for j, name in enumerate(used):
        if j < len(inputs) or numeric_targets:
            values[:, j], status[:, j] = _parse_numbers(df[name])
        else:
            values[:, j] = np.nan
            status[:, j] = [_EMPTY if _is_missing(v) else _OK for v in df[name].tolist()]
    status[splits == "predict", len(inputs) :] = _OK
    bad = np.argwhere(status != _OK)
    if bad.size:
        position, j = (int(v) for v in bad[0])
        raise _cell_error(
            df,
            used[j],
            position,
            int(status[position, j]),
            float(values[position, j]),
            is_target=j >= len(inputs),
        )
    return values[:, : len(inputs)], values[:, len(inputs) :]


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


def _one_hot(df: pd.DataFrame, target: Any, splits: np.ndarray) -> tuple[np.ndarray, list]:
    """The softmax target: one-hot rows (predict rows all zero) and the sorted classes."""
    used = splits != "predict"
    labels = _class_labels(df[target][used])
    classes = sorted(set(labels))
    if len(classes) < 2:
        only = ", ".join(_quote(c) for c in classes)
        raise DataError(
            f"Column {_col(target)} holds only one class ({only}) in its train and test rows "
            "— a softmax output needs at least two classes."
        )
    if len(classes) > MAX_OUTPUTS:
        raise DataError(
            f"Column {_col(target)} holds {len(classes)} classes in its train and test rows; "
            f"a softmax output has one output per class, at most {MAX_OUTPUTS}."
        )
    position = {c: i for i, c in enumerate(classes)}
    onehot = np.zeros((len(df), len(classes)))
    rows = np.flatnonzero(used)
    onehot[rows, [position[label] for label in labels]] = 1.0
    return onehot, classes
