"""From a table to arrays: :func:`prepare` checks a table and returns :class:`PreparedData`.

Also the split names (:data:`SPLITS`), the ways to handle empty cells (:data:`GAPS`)
and the range each output activation can produce (:data:`OUTPUT_RANGES`), which
scaled targets must lie in. Every check raises a DataError naming the row, the
column and the value; what :func:`prepare` decided on its own (a text column
one-hot encoded or left out, rows with gaps left out, gaps filled, a split
drawn) is said in :attr:`PreparedData.notes`. :func:`infer_task` says what the
prepared data asks of the network: classes, two values or numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from nnviz.activations import ACTIVATIONS

from ._cells import _class_targets, _first_bad_cell
from ._messages import _normalize_names
from .checks import GAPS as GAPS  # GAPS and SPLITS: importable from here as before
from .checks import (
    OUTPUT_RANGES,
    _check_columns,
    _check_options,
    _check_row_count,
    _check_some_train,
    _check_target_range,
    _check_task,
    _default_target_scaling,
    _parse_marks,
)
from .checks import SPLITS as SPLITS
from .features import Feature, compute_features
from .reading import CATEGORIES, InputColumn
from .rows import (
    _draw_split,
    _encode_inputs,
    _fill_gaps,
    _fit,
    _fit_inputs,
    _gap_rows,
    _input_columns,
    _keep_rows,
    _raw_numbers,
    _Rows,
    _target_cells,
)
from .scaling import Scaler, _fit_none


@dataclass(eq=False)
class PreparedData:
    """A checked table as scaled float64 arrays, one set per split.

    ``X_*`` are ``(rows, inputs)``, ``y_*`` are ``(rows, outputs)`` (one-hot for a
    softmax output); a split without rows gives a ``(0, width)`` array.
    ``*_index`` hold the table's index labels of each split's rows, in table order.
    ``inputs`` names the network's inputs: the table's input columns (a text column
    one per value, ``column=value``), then one per derived feature (named by its
    expression, listed in ``features``). ``columns`` are the table's input columns
    used (a text column of many values is left out); ``categories`` the values of
    each one-hot column. ``classes`` are the classes of a class column (a softmax
    output's, one per output; or one sigmoid output's two: the first is its 0, the
    second its 1). Rows left out for their gaps are in ``left_out``, not in
    ``index``; ``notes`` say in words what was decided without being asked.
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
    columns: list | None = None
    categories: dict = field(default_factory=dict)
    left_out: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    @property
    def raw_inputs(self) -> list:
        """The table's input columns: what :meth:`Scaler.transform_X` takes."""
        if self.columns is not None:
            return list(self.columns)
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
    task: str | None = None,
    gaps: str | None = None,
    train_share: float | None = None,
    split_seed: int = 0,
    text_inputs: bool = True,
) -> PreparedData:
    """Check a table and turn it into scaled arrays for training.

    ``inputs``/``targets`` name the columns (a single target may be a string).
    Without a split column every row is a training row. ``scaling`` is fitted
    on the training rows (see :data:`SCALINGS`); ``target_scaling`` defaults to
    ``scaling`` for regression targets and to ``"none"`` for labels (0/1 with a
    sigmoid output, −1/0/1 with tanh, class labels with softmax); ``target_max``
    replaces the fitted maximum under ``"max"`` (the tutorial's ``y / 100``).

    ``task``: ``"classification"`` reads the one target column as class labels (names
    or codes, sorted into :attr:`PreparedData.classes`): one-hot rows for a softmax
    output, or — two classes, one sigmoid or tanh output — the first class as the low
    end of the output's range and the second as the high end. ``"regression"`` reads
    numbers. ``None`` (the default): class labels for a softmax output, numbers for
    any other (:func:`~nnviz.data.read_target` says which a column is).

    An input column of numbers is one input; a text column (most of its cells text)
    with a few values gives one input per value, ``column=value``, 1 or 0 (one-hot,
    left unscaled); one with many values is left out, with a note
    (:func:`~nnviz.data.read_input_column`). ``text_inputs=False`` reads every input
    column as numbers (a table whose inputs are numbers by design: a text cell is a typo).

    ``gaps``: an empty cell in an input, or in a train or test row's target, is a
    DataError naming it (``None``, the default); ``"drop"`` leaves such rows out;
    ``"mean"`` fills an empty input cell with its column's mean over the training rows
    (kept in the scaler, so new rows are filled the same way) and leaves out the rows
    without a target. Either way a note says how many.

    ``train_share``: rows without a mark (no split column, or an empty split cell) are
    drawn into train and test — that share trains, by a shuffle seeded with
    ``split_seed``, stratified by class for a classification; rows marked by hand keep
    their mark. ``None``: an unmarked row trains.

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
    _check_options(scaling, target_scaling or "none", target_max, output_activation)
    task, gaps, classes_mode = _check_task(task, gaps, train_share, output_activation, targets)
    _check_row_count(df)
    used, derived, notes = _input_columns(df, inputs, features, len(targets), text_inputs)
    marks = _parse_marks(df, split_column)
    splits, split_notes = _draw_split(
        df, marks, targets[0], classes_mode, train_share, int(split_seed)
    )
    _check_some_train(splits)
    encoded, in_status, in_values = _encode_inputs(df, used)
    y_raw, y_status = _target_cells(df, targets, classes_mode, splits)
    status = np.concatenate([in_status, y_status], axis=1)
    names = [c.name for c in used] + targets
    bad = _first_bad_cell(
        df, names, np.concatenate([in_values, y_raw], axis=1), status, len(used), gaps is None
    )
    if bad is not None:
        raise bad
    out, gap_notes = _gap_rows(list(df.index), status, len(used), splits, gaps)
    rows = _keep_rows(df, splits, encoded, y_raw, out)
    return _finish(
        rows,
        used,
        derived,
        targets,
        _Options(scaling, target_scaling, target_max, output_activation, classes_mode, gaps),
        notes + gap_notes + split_notes,
    )


@dataclass(frozen=True)
class _Options:
    scaling: str
    target_scaling: str | None
    target_max: float | None
    output_activation: str
    classes: bool
    gaps: str | None


def _targets(
    rows: _Rows, targets: list, o: _Options, train: np.ndarray, labelled: np.ndarray
) -> tuple[np.ndarray, list | None, str, np.ndarray, np.ndarray]:
    """(the targets, the classes, the target scaling, its offset and divisor)."""
    if o.classes:
        softmax = o.output_activation == "softmax"
        y_all, classes = _class_targets(
            rows.df,
            targets[0],
            labelled,
            None if softmax else 1,
            OUTPUT_RANGES[o.output_activation],
        )
        offset, divisor = _fit_none(y_all)
        return y_all, classes, "none", offset, divisor
    method = o.target_scaling or _default_target_scaling(
        o.scaling, o.output_activation, rows.y_raw[labelled]
    )
    offset, divisor = _fit(method, rows.y_raw[train], targets, o.target_max, "target")
    return rows.y_raw, None, method, offset, divisor


def _finish(
    rows: _Rows,
    used: list[InputColumn],
    derived: list[Feature],
    targets: list,
    o: _Options,
    notes: list[str],
) -> PreparedData:
    """Fill, add the features, fit the scalings and scale: the arrays of the kept rows."""
    df, splits = rows.df, rows.splits
    train, test, predict = (splits == "train"), (splits == "test"), (splits == "predict")
    labelled = train | test
    encoded, fill = rows.encoded, None
    if o.gaps == "mean":
        encoded, fill, fill_notes = _fill_gaps(encoded, train, used)
        notes = notes + fill_notes
    one_hot = np.array([c.kind == CATEGORIES for c in used for _ in c.nodes], dtype=bool)
    one_hot = np.concatenate([one_hot, np.zeros(len(derived), dtype=bool)])
    X_fit = encoded[train]
    if derived:
        extra = compute_features(derived, _raw_numbers(X_fit, used), df.index[train])
        X_fit = np.concatenate([X_fit, extra], axis=1)
    network_inputs = [n for c in used for n in c.nodes] + [f.expression for f in derived]
    offset, divisor = _fit_inputs(o.scaling, X_fit, network_inputs, one_hot)
    y_all, classes, method, t_offset, t_divisor = _targets(rows, targets, o, train, labelled)
    categories = {c.name: list(c.categories) for c in used if c.kind == CATEGORIES}
    scaler = Scaler(
        o.scaling,
        offset,
        divisor,
        method,
        t_offset,
        t_divisor,
        inputs=network_inputs,
        targets=targets,
        classes=classes,
        features=[f.expression for f in derived],
        columns=[c.name for c in used] if categories else None,
        categories=categories,
        fill=fill,
    )
    index = list(df.index)
    X_all = scaler.transform_encoded(encoded, rows=index)
    if not o.classes:
        _check_targets_fit(df, targets, rows.y_raw, scaler, method, o, train, labelled)
    y_scaled = np.zeros_like(y_all)
    y_scaled[labelled] = scaler.transform_y(y_all[labelled])
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
        output_activation=o.output_activation,
        index=index,
        splits=[str(s) for s in splits],
        features=[f.expression for f in derived],
        columns=[c.name for c in used],
        categories=categories,
        left_out=rows.left_out,
        notes=notes,
    )


def _check_targets_fit(
    df: pd.DataFrame,
    targets: list,
    y_raw: np.ndarray,
    scaler: Scaler,
    method: str,
    o: _Options,
    train: np.ndarray,
    labelled: np.ndarray,
) -> None:
    """Rows whose scaled target must fit the output: training rows always; test rows when
    the user fixed the mapping ("none", or "max" with a target maximum). A fitted scaling
    may put an unseen test value past the edge."""
    fixed = method == "none" or (method == "max" and o.target_max is not None)
    checked = labelled if fixed else train
    _check_target_range(
        df,
        targets,
        y_raw[checked],
        scaler.transform_y(y_raw[checked]),
        np.flatnonzero(checked),
        method,
        o.output_activation,
    )


def infer_task(data: PreparedData, output_activation: str) -> str:
    """ "multiclass" (a softmax output's classes), "binary" (two classes by one output, or
    every label at one end of a bounded output's range: 0/1 for sigmoid, ±1 for tanh) or
    "regression": one rule for the presets and users' tables."""
    if data.classes is not None:
        return "binary" if data.n_outputs == 1 else "multiclass"
    act = ACTIVATIONS[output_activation]
    if act.bounded and data.n_outputs == 1:
        low, high = act.output_range
        ys = np.concatenate([data.y_train.ravel(), data.y_test.ravel()])
        if np.all((ys == low) | (ys == high)):
            return "binary"
    return "regression"
