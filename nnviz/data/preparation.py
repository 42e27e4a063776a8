"""From a table to arrays: :func:`prepare` checks a table and returns :class:`PreparedData`.

Also the split names (:data:`SPLITS`) and the range each output activation can
produce (:data:`OUTPUT_RANGES`), which scaled targets must lie in. Every check
raises a DataError naming the row, the column and the value. :func:`infer_task` says
what the prepared data asks of the network: classes, two values or numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from nnviz.activations import ACTIVATIONS
from nnviz.errors import DataError

from ..limits import MAX_COLUMNS, MAX_ROWS
from ._cells import _is_missing, _one_hot, _read_cells
from ._messages import _col, _fmt, _fmt_bound, _names, _nice_ceiling, _normalize_names, _quote
from .features import compute_features, parse_features
from .scaling import SCALINGS, Scaler, _fit_none, check_fit

SPLITS = ("train", "test", "predict")
"""The values of the split column (read case-insensitively)."""

OUTPUT_RANGES: dict[str, tuple[float, float]] = {
    name: act.output_range for name, act in ACTIVATIONS.items()
}
"""The values each output activation can produce (its ``output_range``); (scaled)
targets must lie inside."""


@dataclass(eq=False)
class PreparedData:
    """A checked table as scaled float64 arrays, one set per split.

    ``X_*`` are ``(rows, inputs)``, ``y_*`` are ``(rows, outputs)`` (one-hot for a
    softmax output); a split without rows gives a ``(0, width)`` array.
    ``*_index`` hold the table's index labels of each split's rows, in table order.
    ``inputs`` names the network's inputs: the table's input columns, then one per
    derived feature (named by its expression, listed in ``features``).
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    X_predict: np.ndarray
    train_index: list
    test_index: list
    predict_index: list
    inputs: list
    targets: list
    classes: list | None
    scaler: Scaler
    output_activation: str = "sigmoid"
    index: list = field(default_factory=list)
    splits: list = field(default_factory=list)
    features: list = field(default_factory=list)

    @property
    def raw_inputs(self) -> list:
        """The table's input columns: what :meth:`Scaler.transform_X` takes."""
        return self.inputs[: len(self.inputs) - len(self.features)]

    @property
    def n_inputs(self) -> int:
        """Width of the input layer."""
        return self.X_train.shape[1]

    @property
    def n_outputs(self) -> int:
        """Width of the output layer (number of classes for softmax)."""
        return self.y_train.shape[1]

    def X_all(self) -> np.ndarray:
        """Scaled inputs of every row, in table order (rows of :attr:`index`)."""
        X = np.empty((len(self.splits), self.n_inputs))
        splits = np.asarray(self.splits, dtype=object)
        for name, part in (
            ("train", self.X_train),
            ("test", self.X_test),
            ("predict", self.X_predict),
        ):
            X[splits == name] = part
        return X


def _check_columns(df: pd.DataFrame, inputs: list, targets: list, split_column: Any) -> None:
    """The chosen columns exist, are distinct, within the limit, and not the split."""
    if not inputs:
        raise DataError("No input column is chosen — choose at least one input column.")
    if not targets:
        raise DataError(
            "No target column is chosen — choose the column the network should learn to output."
        )
    if len(inputs) + len(targets) > MAX_COLUMNS:
        raise DataError(
            f"{len(inputs) + len(targets)} input and target columns are chosen; "
            f"the limit is {MAX_COLUMNS}."
        )
    for role, names in (("an input", inputs), ("a target", targets)):
        for name in names:
            if names.count(name) > 1:
                raise DataError(f"Column {_col(name)} is chosen twice as {role}.")
    both = [name for name in inputs if name in targets]
    if both:
        raise DataError(
            f"Column {_col(both[0])} is both an input and a target — a column can only be one."
        )
    columns = list(df.columns)
    for name in inputs + targets:
        if split_column is not None and name == split_column:
            raise DataError(
                f"Column {_col(name)} holds each row's split (train/test/predict) and cannot "
                "be an input or a target."
            )
        if name not in columns:
            raise DataError(
                f"Column {_col(name)} is not in the table — its columns are {_names(columns)}."
            )
        if columns.count(name) > 1:
            raise DataError(f"The table has more than one column named {_col(name)}.")


def _check_row_count(df: pd.DataFrame) -> None:
    """At least one row, at most :data:`MAX_ROWS`."""
    if len(df) == 0:
        raise DataError("The table has no rows — add at least one training row.")
    if len(df) > MAX_ROWS:
        raise DataError(f"The table has {len(df)} rows; the limit is {MAX_ROWS} rows.")


def _parse_splits(df: pd.DataFrame, split_column: Any) -> np.ndarray:
    """Each row's split as "train"/"test"/"predict". No split column: all train.

    Values are read case-insensitively with surrounding spaces ignored; an empty
    cell (a row just added in the table editor) counts as "train".
    """
    if split_column is None or split_column not in df.columns:
        return np.full(len(df), "train", dtype=object)
    splits = np.empty(len(df), dtype=object)
    for position, value in enumerate(df[split_column].tolist()):
        if _is_missing(value):
            splits[position] = "train"
            continue
        text = str(value).strip().lower()
        if text not in SPLITS:
            raise DataError(
                f"Row {df.index[position]}, column {_col(split_column)}: {_quote(value)} is not "
                "a split — use 'train', 'test' or 'predict'."
            )
        splits[position] = text
    if not np.any(splits == "train"):
        n_test = int(np.sum(splits == "test"))
        n_predict = int(np.sum(splits == "predict"))
        raise DataError(
            f"No row has split 'train' (the table has {n_test} 'test' and {n_predict} "
            "'predict' rows) — mark at least one row as 'train' for the network to learn from."
        )
    return splits


def _check_options(
    scaling: str, target_scaling: str, target_max: float | None, output_activation: str
) -> None:
    """The scaling and activation names are known; a target maximum is positive."""
    for what, name in (("scaling", scaling), ("target scaling", target_scaling)):
        if name not in SCALINGS:
            raise DataError(f"Unknown {what} {_quote(name)} — choose one of {_names(SCALINGS)}.")
    if output_activation not in OUTPUT_RANGES:
        raise DataError(
            f"Unknown output activation {_quote(output_activation)} — choose one "
            f"of {_names(OUTPUT_RANGES)}."
        )
    if target_max is None:
        return
    try:
        top = float(target_max)
    except (TypeError, ValueError):
        top = math.nan
    if not (math.isfinite(top) and top > 0):
        raise DataError(f"The target maximum must be a positive number, not {_quote(target_max)}.")


def _default_target_scaling(scaling: str, output_activation: str, y: np.ndarray) -> str:
    """Regression targets follow the input scaling; class labels are left alone.

    Targets that are whole numbers inside a bounded output range (0/1 for
    sigmoid, −1/0/1 for tanh) are labels, so scaling them would change their
    meaning; a softmax target holds class names.
    """
    if output_activation == "softmax":
        return "none"
    low, high = OUTPUT_RANGES[output_activation]
    bounded = math.isfinite(low) and math.isfinite(high)
    if bounded and y.size and np.all((y >= low) & (y <= high) & (y == np.round(y))):
        return "none"
    return scaling


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


def _range_advice(output_activation: str, raw: np.ndarray) -> str:
    """How to bring a target column into the output's range."""
    low, high = OUTPUT_RANGES[output_activation]
    if raw.size and np.all((raw >= low) & (raw <= high)):
        fix = "leave the target unscaled (target scaling 'none')"
    elif low == 0 and raw.size and np.min(raw) < 0:
        fix = "scale the target (scaling 'minmax')"
    else:
        top = _nice_ceiling(float(np.max(np.abs(raw)))) if raw.size else 1.0
        fix = f"scale the target (scaling 'max' with target maximum {_fmt(top)})"
    return f"{fix} or use a linear output"


def _check_target_range(
    df: pd.DataFrame,
    targets: list,
    raw: np.ndarray,
    scaled: np.ndarray,
    rows: np.ndarray,
    method: str,
    output_activation: str,
) -> None:
    """Every scaled train/test target lies in the output activation's range.

    ``raw``/``scaled`` hold the targets of the table rows ``rows`` (positions).
    """
    low, high = OUTPUT_RANGES[output_activation]
    outside = np.argwhere((scaled < low) | (scaled > high))
    if not outside.size:
        return
    i, j = (int(v) for v in outside[0])
    value = _fmt(raw[i, j])
    if method != "none":
        value += f" (after scaling '{method}': {float(scaled[i, j]):.6g})"
    raise DataError(
        f"Row {df.index[rows[i]]}, column {_col(targets[j])}: {value} is outside the "
        f"{output_activation} output's range {_fmt_bound(low)} … {_fmt_bound(high)} — "
        f"{_range_advice(output_activation, raw[:, j])}."
    )


def prepare(
    df: pd.DataFrame,
    inputs: Sequence[Any] | str,
    targets: Sequence[Any] | str,
    scaling: str = "none",
    target_scaling: str | None = None,
    target_max: float | None = None,
    output_activation: str = "sigmoid",
    split_column: Any = "split",
    features: Sequence[str] | str | None = None,
) -> PreparedData:
    """Check a table and turn it into scaled arrays for training.

    ``inputs``/``targets`` name the columns (a single target may be a string).
    Without a split column every row is a training row. ``scaling`` is fitted
    on the training rows (see :data:`SCALINGS`); ``target_scaling`` defaults to
    ``scaling`` for regression targets and to ``"none"`` for labels (0/1 with a
    sigmoid output, −1/0/1 with tanh, class labels with softmax); ``target_max``
    replaces the fitted maximum under ``"max"`` (the tutorial's ``y / 100``).
    For a ``softmax`` output the one target column holds class labels (numbers
    or text), which are one-hot encoded in sorted class order.

    ``features`` are expressions over the input columns (``["x1**2", "sin(x2)"]``,
    grammar in :mod:`nnviz.data.features`): each becomes one more input column,
    named by its expression, after the raw inputs, and is scaled like them. The
    scaler computes them for new rows: ``scaler.transform_X`` takes the raw inputs.

    Scaled targets must lie in the output activation's range (:data:`OUTPUT_RANGES`,
    bounds included): in training rows always, in test rows when the target
    mapping is fixed by the user (scaling "none", or "max" with ``target_max``);
    a test value beyond the training rows' range under a fitted scaling is
    allowed, since the network is only scored on it.

    Raises :class:`DataError`, naming the row, column and value, for anything
    the network cannot learn from.
    """
    inputs = _normalize_names(inputs)
    targets = _normalize_names(targets)
    output_activation = str(output_activation).strip().lower()
    scaling = str(scaling).strip().lower()
    if target_scaling is not None:
        target_scaling = str(target_scaling).strip().lower()
    _check_columns(df, inputs, targets, split_column)
    derived = parse_features(features, inputs)
    if derived and len(inputs) + len(derived) + len(targets) > MAX_COLUMNS:
        raise DataError(
            f"{len(inputs)} input, {len(derived)} feature and {len(targets)} target columns "
            f"are chosen; the limit is {MAX_COLUMNS}."
        )
    network_inputs = inputs + [f.expression for f in derived]
    _check_options(scaling, target_scaling or "none", target_max, output_activation)
    softmax = output_activation == "softmax"
    if softmax and len(targets) != 1:
        raise DataError(
            f"A softmax output needs exactly one target column holding the class labels; "
            f"{len(targets)} are chosen: {_names(targets)}."
        )
    _check_row_count(df)
    splits = _parse_splits(df, split_column)
    X_raw, y_raw = _read_cells(df, inputs, targets, splits, numeric_targets=not softmax)
    train, test, predict = (splits == "train"), (splits == "test"), (splits == "predict")
    labelled = train | test

    X_fit = X_raw[train]
    if derived:
        X_fit = np.concatenate([X_fit, compute_features(derived, X_fit, df.index[train])], axis=1)
    offset, divisor = _fit(scaling, X_fit, network_inputs, None, "input")
    if softmax:
        y_all, classes = _one_hot(df, targets[0], splits)
        method = "none"
        t_offset, t_divisor = _fit_none(y_all)
    else:
        classes = None
        method = target_scaling or _default_target_scaling(
            scaling, output_activation, y_raw[labelled]
        )
        t_offset, t_divisor = _fit(method, y_raw[train], targets, target_max, "target")
        y_all = y_raw
    scaler = Scaler(
        scaling,
        offset,
        divisor,
        method,
        t_offset,
        t_divisor,
        inputs=network_inputs,
        targets=targets,
        classes=classes,
        features=[f.expression for f in derived],
    )

    X_all = scaler.transform_X(X_raw, rows=list(df.index))
    y_labelled = scaler.transform_y(y_all[labelled])
    if not softmax:
        # Rows whose scaled target must fit the output: training rows always; test
        # rows when the user fixed the mapping ("none", or "max" with a target
        # maximum). A fitted scaling may put an unseen test value past the edge.
        fixed = method == "none" or (method == "max" and target_max is not None)
        checked = (train | test) if fixed else train
        _check_target_range(
            df,
            targets,
            y_raw[checked],
            scaler.transform_y(y_raw[checked]),
            np.flatnonzero(checked),
            method,
            output_activation,
        )
    y_scaled = np.zeros_like(y_all)
    y_scaled[labelled] = y_labelled

    index = list(df.index)
    return PreparedData(
        X_train=np.ascontiguousarray(X_all[train]),
        y_train=np.ascontiguousarray(y_scaled[train]),
        X_test=np.ascontiguousarray(X_all[test]),
        y_test=np.ascontiguousarray(y_scaled[test]),
        X_predict=np.ascontiguousarray(X_all[predict]),
        train_index=[index[i] for i in np.flatnonzero(train)],
        test_index=[index[i] for i in np.flatnonzero(test)],
        predict_index=[index[i] for i in np.flatnonzero(predict)],
        inputs=network_inputs,
        targets=targets,
        classes=classes,
        scaler=scaler,
        output_activation=output_activation,
        index=index,
        splits=[str(s) for s in splits],
        features=[f.expression for f in derived],
    )


def infer_task(data: PreparedData, output_activation: str) -> str:
    """ "multiclass", "binary" (every label at one end of a bounded output's range: 0/1
    for sigmoid, ±1 for tanh) or "regression": one rule for the presets and users' tables."""
    if data.classes is not None:
        return "multiclass"
    act = ACTIVATIONS[output_activation]
    if act.bounded and data.n_outputs == 1:
        low, high = act.output_range
        ys = np.concatenate([data.y_train.ravel(), data.y_test.ravel()])
        if np.all((ys == low) | (ys == high)):
            return "binary"
    return "regression"
