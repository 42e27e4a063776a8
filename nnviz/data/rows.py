"""The rows :func:`~nnviz.data.preparation.prepare` keeps and how their inputs read: the
input columns used (a text column one input per value, or left out), the cells encoded,
the rows with gaps left out or filled with the training mean, the inputs scaled, and a
seeded split drawn for the rows without a mark. What is decided without being asked is
said in notes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from nnviz.errors import DataError

from ..limits import MAX_COLUMNS, MAX_INPUTS
from ._cells import (
    _EMPTY,
    _OK,
    _is_missing,
    _label_status,
    _one_hot_cells,
    _parse_numbers,
)
from ._messages import _col, _quote
from .checks import SPLITS
from .features import Feature, parse_features
from .reading import CATEGORIES, LEFT_OUT, NUMBER, InputColumn, read_inputs
from .scaling import SCALINGS, check_fit
from .split import assign_split, split_words


def _fit(
    method: str, values: np.ndarray, names: list, divide_by: float | None, what: str
) -> tuple[np.ndarray, np.ndarray]:
    """Fit one scaling on the training rows; a zero maximum is reported by column."""
    if method == "max" and divide_by is not None:
        offset, divisor = np.zeros(values.shape[1]), np.full(values.shape[1], float(divide_by))
        check_fit(method, values, offset, divisor, names)
        return offset, divisor
    offset, divisor = SCALINGS[method].fit(values)
    if method == "max":
        zero = np.flatnonzero(divisor == 0)
        if zero.size:
            name = names[int(zero[0])]
            fix = (
                "remove it from the inputs or use another scaling"
                if what == "input"
                else "set a target maximum or use another target scaling"
            )
            raise DataError(
                f"Column {_col(name)} is 0 in every training row, so scaling 'max' would "
                f"divide by 0 — {fix}."
            )
    check_fit(method, values, offset, divisor, names)  # a range too large: infinite results
    return offset, divisor


def _input_columns(
    df: pd.DataFrame, inputs: list, features: Any, n_targets: int, text_inputs: bool = True
) -> tuple[list[InputColumn], list[Feature], list[str]]:
    """The input columns used (a text column of many values left out, with a note), the
    derived features over them, and the notes. ``text_inputs=False``: every input column
    is read as numbers (a text cell is a bad cell)."""
    columns = read_inputs(df, inputs) if text_inputs else [InputColumn(c, NUMBER) for c in inputs]
    derived = parse_features(features, inputs)  # names a column that is not an input
    if derived and len(inputs) + len(derived) + n_targets > MAX_COLUMNS:
        raise DataError(
            f"{len(inputs)} input, {len(derived)} feature and {n_targets} target columns "
            f"are chosen; the limit is {MAX_COLUMNS}."
        )
    kinds = {c.name: c for c in columns}
    for feature in derived:
        for j in feature.used:
            if kinds[inputs[j]].kind != NUMBER:
                raise DataError(
                    f"Feature {_quote(feature.expression)} uses column {_col(inputs[j])}, "
                    "which holds text — a feature is computed from columns of numbers."
                )
    used = [c for c in columns if c.kind != LEFT_OUT]
    notes = [c.why for c in columns if c.why]
    if not used:
        raise DataError(
            f"No input column is left: {' '.join(notes)} Choose a column of numbers (or of a "
            "few different texts) as an input."
        )
    names = [c.name for c in used]
    derived = parse_features([f.expression for f in derived], names)
    nodes = [n for c in used for n in c.nodes] + [f.expression for f in derived]
    if len(nodes) > MAX_INPUTS:
        raise DataError(
            f"The inputs make {len(nodes)} input nodes (a text column gives one per value); "
            f"a network has at most {MAX_INPUTS} — choose fewer input columns."
        )
    twice = [n for n in nodes if nodes.count(n) > 1]
    if twice:
        raise DataError(
            f"Two of the network's inputs would both be named {_quote(str(twice[0]))} — "
            "rename a column."
        )
    return used, derived, notes


def _encode_inputs(
    df: pd.DataFrame, used: list[InputColumn]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The used input columns → (encoded inputs with NaN for a gap, each input column's
    cell status, the number columns' values for messages)."""
    parts, status, values = [], [], []
    for column in used:
        if column.kind == CATEGORIES:
            encoded, cells = _one_hot_cells(df[column.name], column.categories)
            parts.append(encoded)
            status.append(cells)
            values.append(np.full(len(df), np.nan))
        else:
            numbers, cells = _parse_numbers(df[column.name])
            parts.append(np.where(cells == _OK, numbers, np.nan).reshape(-1, 1))
            status.append(cells)
            values.append(numbers)
    return np.concatenate(parts, axis=1), np.stack(status, axis=1), np.stack(values, axis=1)


def _target_cells(
    df: pd.DataFrame, targets: list, classes: bool, splits: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The target cells as (numbers, status); a class column's cells are only ok or empty,
    and a predict row's target is never looked at."""
    if classes:
        values = np.full((len(df), 1), np.nan)
        status = _label_status(df[targets[0]]).reshape(-1, 1)
    else:
        read = [_parse_numbers(df[name]) for name in targets]
        values = np.stack([v for v, _ in read], axis=1)
        status = np.stack([s for _, s in read], axis=1)
    status[splits == "predict"] = _OK
    return values, status


def _rows_words(labels: list) -> str:
    shown = ", ".join(str(r) for r in labels[:8])
    return f"row{'s' * (len(labels) > 1)} {shown}{' …' if len(labels) > 8 else ''}"


def _gap_rows(
    labels: list, status: np.ndarray, n_inputs: int, splits: np.ndarray, gaps: str | None
) -> tuple[np.ndarray, list[str]]:
    """The rows left out for their gaps (a mask) and the note that says so."""
    input_gap = np.any(status[:, :n_inputs] == _EMPTY, axis=1)
    target_gap = np.any(status[:, n_inputs:] == _EMPTY, axis=1)
    if gaps is None:
        return np.zeros(len(labels), dtype=bool), []
    out = (input_gap | target_gap) if gaps == "drop" else target_gap
    if not out.any():
        return out, []
    rows = [labels[i] for i in np.flatnonzero(out)]
    counts = ", ".join(
        f"{int(np.sum(splits[out] == name))} {name}"
        for name in SPLITS
        if np.any(splits[out] == name)
    )
    n = len(rows)
    if gaps == "drop":
        note = (
            f"{n} row{'s' * (n > 1)} with empty cells {'are' if n > 1 else 'is'} left out "
            f"({counts}: {_rows_words(rows)}); or fill the gaps with their column's mean."
        )
    else:
        note = (
            f"{n} row{'s' * (n > 1)} without a target {'are' if n > 1 else 'is'} left out "
            f"({counts}: {_rows_words(rows)})."
        )
    return out, [note]


def _fill_gaps(
    encoded: np.ndarray, train: np.ndarray, used: list[InputColumn]
) -> tuple[np.ndarray, list[float], list[str]]:
    """Empty input cells filled with their input's mean over the training rows (a text
    column's inputs: each value's share); the fill values and a note."""
    owner = [c for c in used for _ in (c.nodes or [c.name])]
    gaps = np.isnan(encoded)
    fill = []
    for k in range(encoded.shape[1]):
        present = encoded[train, k][~gaps[train, k]]
        if not present.size:
            raise DataError(
                f"Column {_col(owner[k].name)} is empty in every training row — its gaps "
                "cannot be filled with its mean; fill some in or leave the rows with gaps out."
            )
        fill.append(float(np.mean(present)))
    filled = np.where(gaps, np.asarray(fill), encoded)
    notes = []
    counted: dict[Any, int] = {}
    for k in np.flatnonzero(gaps.any(axis=0)):
        column = owner[k]
        if column.name not in counted:
            counted[column.name] = int(np.sum(gaps[:, k]))
    if counted:
        parts = ", ".join(f"{_col(c)} ({n})" for c, n in counted.items())
        total = sum(counted.values())
        notes.append(
            f"{total} empty input cell{'s' * (total > 1)} filled with their column's mean over "
            f"the training rows: {parts}."
        )
    return filled, fill, notes


def _raw_numbers(encoded: np.ndarray, used: list[InputColumn]) -> np.ndarray:
    """The used columns' numbers (a text column: NaN), in their order: what features read."""
    raw = np.full((encoded.shape[0], len(used)), np.nan)
    k = 0
    for j, column in enumerate(used):
        if column.kind == NUMBER:
            raw[:, j] = encoded[:, k]
        k += len(column.nodes)
    return raw


def _fit_inputs(
    method: str, X_fit: np.ndarray, names: list, one_hot: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The input scaling fitted on the training rows; a text column's inputs stay 0 or 1."""
    offset, divisor = np.zeros(X_fit.shape[1]), np.ones(X_fit.shape[1])
    numeric = np.flatnonzero(~one_hot)
    if numeric.size:
        o, d = _fit(method, X_fit[:, numeric], [names[k] for k in numeric], None, "input")
        offset[numeric], divisor[numeric] = o, d
    return offset, divisor


@dataclass
class _Rows:
    """The rows prepare keeps (the others are left out for their gaps)."""

    df: pd.DataFrame
    splits: np.ndarray
    encoded: np.ndarray
    y_raw: np.ndarray
    left_out: list


def _keep_rows(
    df: pd.DataFrame,
    splits: np.ndarray,
    encoded: np.ndarray,
    y_raw: np.ndarray,
    out: np.ndarray,
) -> _Rows:
    if not out.any():
        return _Rows(df, splits, encoded, y_raw, [])
    keep = np.flatnonzero(~out)
    left_out = list(df.index[np.flatnonzero(out)])
    rows = _Rows(df.iloc[keep], splits[keep], encoded[keep], y_raw[keep], left_out)
    if not np.any(rows.splits == "train"):
        raise DataError(
            f"Every training row has an empty cell: with the {len(left_out)} rows with gaps "
            "left out, none is left to learn from — fill the gaps with their column's mean, "
            "or fill in some cells."
        )
    return rows


def _draw_split(
    df: pd.DataFrame,
    marks: np.ndarray,
    target: Any,
    classes: bool,
    train_share: float | None,
    seed: int,
) -> tuple[np.ndarray, list[str]]:
    """Each row's split: its mark, or (with a train share) a seeded, stratified draw."""
    unmarked = marks == ""
    if train_share is None or not unmarked.any():
        return np.where(unmarked, "train", marks).astype(object), []
    strata = None
    if classes:
        labels = df[target].tolist()
        strata = ["" if _is_missing(v) else str(v).strip() for v in labels]
    splits = assign_split(marks, float(train_share), seed, strata)
    return splits, [split_words(splits[unmarked].tolist(), float(train_share), classes)]
