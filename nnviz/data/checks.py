"""What a table and the options of :func:`~nnviz.data.preparation.prepare` must be,
checked before anything is computed: the column counts and names, the row count, the
split marks, the options (scaling, gaps, train share, output activation), the targets'
range for an output and the problem type. Each check raises a DataError naming the row,
the column and the value.

Also the split names (:data:`SPLITS`), the ways to handle empty cells (:data:`GAPS`) and
the range each output activation can produce (:data:`OUTPUT_RANGES`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from nnviz.activations import ACTIVATIONS
from nnviz.errors import DataError

from ..limits import MAX_COLUMNS, MAX_OUTPUTS, MAX_ROWS
from ._cells import _is_missing
from ._messages import _col, _fmt, _fmt_bound, _names, _nice_ceiling, _quote
from .reading import (
    CLASSIFICATION,
    REGRESSION,
    TASKS,
)
from .scaling import SCALINGS

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
