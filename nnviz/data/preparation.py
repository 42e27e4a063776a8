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

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from nnviz.activations import ACTIVATIONS
from nnviz.errors import DataError

from ..limits import MAX_COLUMNS, MAX_INPUTS, MAX_OUTPUTS, MAX_ROWS
from ._cells import (
    _EMPTY,
    _OK,
    _class_targets,
    _first_bad_cell,
    _is_missing,
    _label_status,
    _one_hot_cells,
    _parse_numbers,
)
from ._messages import _col, _fmt, _fmt_bound, _names, _nice_ceiling, _normalize_names, _quote
from .features import Feature, compute_features, parse_features
from .reading import (
    CATEGORIES,
    CLASSIFICATION,
    LEFT_OUT,
    NUMBER,
    REGRESSION,
    TASKS,
    InputColumn,
    read_inputs,
)
from .scaling import SCALINGS, Scaler, _fit_none, check_fit
from .split import assign_split, split_words

SPLITS = ("train", "test", "predict")
"""The values of the split column (read case-insensitively)."""

GAPS = ("drop", "mean")
"""What :func:`prepare` does with a row that has an empty cell: ``"drop"`` leaves it out
(of training, scoring and predicting), ``"mean"`` fills an empty input cell with its
column's mean over the training rows (a row without a target is still left out)."""

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


def _check_counts(inputs: list, targets: list) -> None:
    """Within the limits: inputs and targets together, and targets (one output each)."""
    if len(inputs) + len(targets) > MAX_COLUMNS:
        raise DataError(
            f"{len(inputs) + len(targets)} input and target columns are chosen; "
            f"the limit is {MAX_COLUMNS}."
        )
    if len(targets) > MAX_OUTPUTS:
        raise DataError(
            f"{len(targets)} target columns are chosen; a network has at most {MAX_OUTPUTS} "
            "outputs."
        )


def _check_columns(df: pd.DataFrame, inputs: list, targets: list, split_column: Any) -> None:
    """The chosen columns exist, are distinct, within the limit, and not the split."""
    if not inputs:
        raise DataError("No input column is chosen — choose at least one input column.")
    if not targets:
        raise DataError(
            "No target column is chosen — choose the column the network should learn to output."
        )
    _check_counts(inputs, targets)
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


def _parse_marks(df: pd.DataFrame, split_column: Any) -> np.ndarray:
    """Each row's mark as "train"/"test"/"predict", or "" for a row without one (no split
    column, or an empty cell: a row just added in the table editor).

    Values are read case-insensitively with surrounding spaces ignored.
    """
    if split_column is None or split_column not in df.columns:
        return np.full(len(df), "", dtype=object)
    marks = np.empty(len(df), dtype=object)
    for position, value in enumerate(df[split_column].tolist()):
        if _is_missing(value):
            marks[position] = ""
            continue
        text = str(value).strip().lower()
        if text not in SPLITS:
            raise DataError(
                f"Row {df.index[position]}, column {_col(split_column)}: {_quote(value)} is not "
                "a split — use 'train', 'test' or 'predict'."
            )
        marks[position] = text
    return marks


def _check_some_train(splits: np.ndarray) -> None:
    if not np.any(splits == "train"):
        n_test = int(np.sum(splits == "test"))
        n_predict = int(np.sum(splits == "predict"))
        raise DataError(
            f"No row has split 'train' (the table has {n_test} 'test' and {n_predict} "
            "'predict' rows) — mark at least one row as 'train' for the network to learn from."
        )


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


def _check_task(
    task: Any, gaps: Any, train_share: Any, output_activation: str, targets: list
) -> tuple[str | None, str | None, bool]:
    """The task, the gaps rule and the train share are known values and fit the output.

    Returns (task, gaps, whether the target is a class column)."""
    if task is not None:
        task = str(task).strip().lower()
        if task not in TASKS:
            raise DataError(f"Unknown task {_quote(task)} — choose one of {_names(TASKS)}.")
    if gaps is not None:
        gaps = str(gaps).strip().lower()
        if gaps not in GAPS:
            raise DataError(f"Unknown way to handle gaps {_quote(gaps)} — choose {_names(GAPS)}.")
    if train_share is not None and not (
        isinstance(train_share, (int, float)) and 0 < float(train_share) <= 1
    ):
        raise DataError(f"The train share must be above 0 and at most 1, not {train_share!r}.")
    softmax = output_activation == "softmax"
    if task == REGRESSION and softmax:
        raise DataError(
            "A softmax output gives the probability of each class — a regression needs a "
            "linear output (or one whose range holds the targets)."
        )
    classes = task == CLASSIFICATION or (task is None and softmax)
    if classes and len(targets) != 1:
        what = "A softmax output" if softmax else "A classification"
        raise DataError(
            f"{what} needs exactly one target column holding the class labels; "
            f"{len(targets)} are chosen: {_names(targets)}."
        )
    if classes and not softmax and not ACTIVATIONS[output_activation].bounded:
        raise DataError(
            f"A {output_activation} output cannot tell classes apart — use a sigmoid output "
            "for two classes or softmax for more."
        )
    return task, gaps, classes


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
