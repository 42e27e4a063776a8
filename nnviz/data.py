"""Training data: ready-made tables (presets) and the step from a table to arrays.

A *table* is a pandas DataFrame with named numeric columns and an optional
``split`` column whose values are ``"train"``, ``"test"`` or ``"predict"``:

* ``train`` rows are what the network learns from (and what scaling is fitted on);
* ``test`` rows are scored but never learned from;
* ``predict`` rows only need their inputs: the app shows what the network says
  for them (the seed tutorial's "studied 4 hours, slept 8 — what score?").

:func:`prepare` checks a table the way a person typed it (text in a number
column, empty cells, a score of 92 for a sigmoid output …), raises
:class:`~nnviz.errors.DataError` with a message that names the row, the column
and the value, and otherwise returns float64 arrays scaled by a JSON-friendly
:class:`Scaler`.

:data:`PRESETS` holds the example tables: the two seed tutorials
(``three_bits``, ``exam_scores``), the TensorFlow Playground's data sets
(``circle``, ``xor``, ``gaussian``, ``spiral``, ``plane``) and a few more
(``moons``, ``blobs3``, ``sine``). Every generator is deterministic for a seed.
"""

from __future__ import annotations

import inspect
import io
import math
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from nnviz.errors import DataError

__all__ = [
    "BLOB_CENTERS",
    "MAX_COLUMNS",
    "MAX_CSV_BYTES",
    "MAX_ROWS",
    "MAX_TABLE_COLUMNS",
    "OUTPUT_RANGES",
    "PRESETS",
    "SCALINGS",
    "SPLITS",
    "Preset",
    "PreparedData",
    "Scaler",
    "Scaling",
    "UnknownPresetError",
    "load_preset",
    "make_blobs3",
    "make_circle",
    "make_exam_scores",
    "make_gaussian",
    "make_moons",
    "make_plane",
    "make_sine",
    "make_spiral",
    "make_three_bits",
    "make_xor",
    "prepare",
    "read_csv_table",
    "table_from_arrays",
    "to_csv_bytes",
]

# --------------------------------------------------------------------------- limits

MAX_ROWS = 5000
"""Most rows a table may have (train, test and predict rows together)."""

MAX_COLUMNS = 32
"""Most input plus target columns one network may use."""

MAX_TABLE_COLUMNS = MAX_COLUMNS + 1
"""Most columns an uploaded CSV may have: the used columns plus the split column."""

MAX_CSV_BYTES = 10_000_000
"""Largest CSV file :func:`read_csv_table` reads."""

SPLITS = ("train", "test", "predict")
"""The values of the split column (read case-insensitively)."""

OUTPUT_RANGES: dict[str, tuple[float, float]] = {
    "sigmoid": (0.0, 1.0),
    "tanh": (-1.0, 1.0),
    "relu": (0.0, math.inf),
    "leaky_relu": (-math.inf, math.inf),
    "linear": (-math.inf, math.inf),
    "softmax": (0.0, 1.0),
}
"""The values each output activation can produce; (scaled) targets must lie inside."""

# ------------------------------------------------------------------- small helpers


def _fmt(value: float) -> str:
    """A number as a person would write it: ``92`` not ``92.0``, ``inf``, ``0.92``."""
    value = float(value)
    if math.isnan(value):
        return "empty"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.12g}"


def _fmt_bound(value: float) -> str:
    """A range bound: ``∞`` for an open end."""
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    return _fmt(value)


def _quote(value: Any) -> str:
    """A cell as it was typed: strings in single quotes, anything else as repr."""
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, np.generic):
        value = value.item()
    return repr(value)


def _col(name: Any) -> str:
    """A column name in a message: ``'test_score'``."""
    return f"'{name}'"


def _names(names: Iterable[Any]) -> str:
    """A list of names in a message: ``'a', 'b', 'c'``."""
    return ", ".join(_col(n) for n in names)


def _plain(value: Any) -> Any:
    """A NumPy scalar as the Python scalar ``json.dumps`` understands."""
    return value.item() if isinstance(value, np.generic) else value


def _nice_ceiling(value: float) -> float:
    """The smallest 1, 2 or 5 × 10ᵏ that is ≥ ``value`` (92 → 100, 3.5 → 5, 150 → 200)."""
    if not value > 0 or not math.isfinite(value):
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        candidate = float(step) * 10.0**exponent
        if candidate >= value:
            return candidate
    return 10.0 ** (exponent + 1)  # pragma: no cover - the loop always returns


# ----------------------------------------------------------------------- scalings


def _fit_none(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    k = values.shape[1]
    return np.zeros(k), np.ones(k)


def _fit_max(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # A zero divisor is left in place: prepare() reports the column by name.
    return np.zeros(values.shape[1]), np.max(np.abs(values), axis=0)


def _fit_minmax(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    low = np.min(values, axis=0)
    spread = np.max(values, axis=0) - low
    return low, np.where(spread > 0, spread, 1.0)


def _fit_standard(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = np.mean(values, axis=0)
    std = np.std(values, axis=0)
    return mean, np.where(std > 0, std, 1.0)


@dataclass(frozen=True)
class Scaling:
    """One way to scale a column: ``scaled = (value − offset) / divisor``.

    ``fit(values)`` takes the training rows as a 2-D array and returns the
    per-column ``(offset, divisor)`` arrays.
    """

    name: str
    title: str
    description: str
    fit: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]


SCALINGS: dict[str, Scaling] = {
    s.name: s
    for s in (
        Scaling("none", "None", "Use the numbers as they are.", _fit_none),
        Scaling(
            "max",
            "Divide by the maximum",
            "Divide each column by its largest absolute value over the training rows "
            "(the seed tutorial's X / np.amax(X, axis=0)); a target can be divided by "
            "a fixed target maximum instead, like the tutorial's score / 100.",
            _fit_max,
        ),
        Scaling(
            "minmax",
            "Min–max to 0 … 1",
            "(x − min) / (max − min) over the training rows; a constant column becomes 0.",
            _fit_minmax,
        ),
        Scaling(
            "standard",
            "Standardize",
            "(x − mean) / standard deviation over the training rows; "
            "a constant column becomes 0.",
            _fit_standard,
        ),
    )
}
"""Scaling methods by name; each is fitted on the training rows only."""


def _as_2d(values: Any, width: int, what: str) -> np.ndarray:
    """``values`` as a float64 2-D array with ``width`` columns (one row if 1-D)."""
    array = np.atleast_2d(np.asarray(values, dtype=np.float64))
    if array.ndim != 2 or array.shape[1] != width:
        raise ValueError(f"{what} must have {width} column(s), got shape {array.shape}.")
    return array


@dataclass(eq=False)
class Scaler:
    """The fitted scaling of a table: ``scaled = (value − offset) / divisor``.

    ``method``/``offset``/``divisor`` are for the input columns,
    ``target_method``/``target_offset``/``target_divisor`` for the target
    columns (for a softmax output: one column per class, left as is).
    Everything converts to plain lists and strings with :meth:`to_dict`.
    """

    method: str
    offset: np.ndarray
    divisor: np.ndarray
    target_method: str
    target_offset: np.ndarray
    target_divisor: np.ndarray
    inputs: list = field(default_factory=list)
    targets: list = field(default_factory=list)
    classes: list | None = None

    def __post_init__(self) -> None:
        self.offset = np.asarray(self.offset, dtype=np.float64).reshape(-1)
        self.divisor = np.asarray(self.divisor, dtype=np.float64).reshape(-1)
        self.target_offset = np.asarray(self.target_offset, dtype=np.float64).reshape(-1)
        self.target_divisor = np.asarray(self.target_divisor, dtype=np.float64).reshape(-1)
        if self.offset.shape != self.divisor.shape:
            raise ValueError("offset and divisor must have the same length.")
        if self.target_offset.shape != self.target_divisor.shape:
            raise ValueError("target_offset and target_divisor must have the same length.")
        self.inputs = list(self.inputs)
        self.targets = list(self.targets)
        if self.classes is not None:
            self.classes = list(self.classes)

    @classmethod
    def identity(cls, n_inputs: int, n_targets: int) -> Scaler:
        """A scaler that changes nothing."""
        return cls("none", np.zeros(n_inputs), np.ones(n_inputs),
                   "none", np.zeros(n_targets), np.ones(n_targets))

    def transform_X(self, X: Any) -> np.ndarray:
        """Inputs in the user's units → the scaled inputs the network sees."""
        X = _as_2d(X, self.offset.size, "X")
        return (X - self.offset) / self.divisor

    def inverse_X(self, X_scaled: Any) -> np.ndarray:
        """Scaled inputs → the user's units."""
        X_scaled = _as_2d(X_scaled, self.offset.size, "X")
        return X_scaled * self.divisor + self.offset

    def transform_y(self, y: Any) -> np.ndarray:
        """Targets in the user's units → scaled targets (a softmax one-hot passes through)."""
        y = _as_2d(y, self.target_offset.size, "y")
        return (y - self.target_offset) / self.target_divisor

    def inverse_y(self, y_scaled: Any) -> np.ndarray:
        """Network outputs (scaled targets) → the user's units, e.g. 0.92 → 92."""
        y_scaled = _as_2d(y_scaled, self.target_offset.size, "y")
        return y_scaled * self.target_divisor + self.target_offset

    def encode_classes(self, labels: Sequence[Any]) -> np.ndarray:
        """Class labels → one-hot rows in the order of :attr:`classes` (softmax only)."""
        if self.classes is None:
            raise ValueError("This scaler has no classes (the output is not softmax).")
        position = {c: i for i, c in enumerate(self.classes)}
        onehot = np.zeros((len(labels), len(self.classes)))
        for row, label in enumerate(labels):
            key = _plain(label)
            if key not in position:
                raise DataError(
                    f"{_quote(label)} is not one of the classes {_names(self.classes)}."
                )
            onehot[row, position[key]] = 1.0
        return onehot

    def to_dict(self) -> dict[str, Any]:
        """Plain lists, floats and strings: survives ``json.dumps`` unchanged."""
        return {
            "method": self.method,
            "offset": [float(v) for v in self.offset],
            "divisor": [float(v) for v in self.divisor],
            "target_method": self.target_method,
            "target_offset": [float(v) for v in self.target_offset],
            "target_divisor": [float(v) for v in self.target_divisor],
            "inputs": [_plain(n) for n in self.inputs],
            "targets": [_plain(n) for n in self.targets],
            "classes": None if self.classes is None else [_plain(c) for c in self.classes],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Scaler:
        """The inverse of :meth:`to_dict`."""
        return cls(
            method=d["method"],
            offset=d["offset"],
            divisor=d["divisor"],
            target_method=d["target_method"],
            target_offset=d["target_offset"],
            target_divisor=d["target_divisor"],
            inputs=d.get("inputs", []),
            targets=d.get("targets", []),
            classes=d.get("classes"),
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Scaler):
            return NotImplemented
        return self.to_dict() == other.to_dict()


# ------------------------------------------------------------------ prepared data


@dataclass(eq=False)
class PreparedData:
    """A checked table as scaled float64 arrays, one set per split.

    ``X_*`` are ``(rows, inputs)``, ``y_*`` are ``(rows, outputs)`` (one-hot for a
    softmax output); a split without rows gives a ``(0, width)`` array.
    ``*_index`` hold the table's index labels of each split's rows, in table order.
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
        for name, part in (("train", self.X_train), ("test", self.X_test),
                           ("predict", self.X_predict)):
            X[splits == name] = part
        return X


# ------------------------------------------------------------------ table → arrays

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


def _normalize_names(names: Any) -> list:
    """``"y"`` → ``["y"]``; ``None`` → ``[]``; any iterable → list."""
    if names is None:
        return []
    if isinstance(names, (str, bytes)) or not isinstance(names, Iterable):
        return [names]
    return list(names)


def _check_columns(df: pd.DataFrame, inputs: list, targets: list, split_column: Any) -> None:
    """The chosen columns exist, are distinct, within the limit, and not the split."""
    if not inputs:
        raise DataError("No input column is chosen — choose at least one input column.")
    if not targets:
        raise DataError("No target column is chosen — choose the column the network should "
                        "learn to output.")
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


def _cell_error(df: pd.DataFrame, name: Any, position: int, status: int,
                value: float, is_target: bool) -> DataError:
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


def _read_cells(df: pd.DataFrame, inputs: list, targets: list, splits: np.ndarray,
                numeric_targets: bool) -> tuple[np.ndarray, np.ndarray]:
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
    status[splits == "predict", len(inputs):] = _OK
    bad = np.argwhere(status != _OK)
    if bad.size:
        position, j = (int(v) for v in bad[0])
        raise _cell_error(df, used[j], position, int(status[position, j]),
                          float(values[position, j]), is_target=j >= len(inputs))
    return values[:, : len(inputs)], values[:, len(inputs):]


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
    position = {c: i for i, c in enumerate(classes)}
    onehot = np.zeros((len(df), len(classes)))
    rows = np.flatnonzero(used)
    onehot[rows, [position[label] for label in labels]] = 1.0
    return onehot, classes


def _check_options(scaling: str, target_scaling: str, target_max: float | None,
                   output_activation: str) -> None:
    """The scaling and activation names are known; a target maximum is positive."""
    for what, name in (("scaling", scaling), ("target scaling", target_scaling)):
        if name not in SCALINGS:
            raise DataError(f"Unknown {what} {_quote(name)} — choose one of "
                            f"{_names(SCALINGS)}.")
    if output_activation not in OUTPUT_RANGES:
        raise DataError(f"Unknown output activation {_quote(output_activation)} — choose one "
                        f"of {_names(OUTPUT_RANGES)}.")
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


def _fit(method: str, values: np.ndarray, names: list, divide_by: float | None,
         what: str) -> tuple[np.ndarray, np.ndarray]:
    """Fit one scaling on the training rows; a zero maximum is reported by column."""
    if method == "max" and divide_by is not None:
        return np.zeros(values.shape[1]), np.full(values.shape[1], float(divide_by))
    offset, divisor = SCALINGS[method].fit(values)
    if method == "max":
        zero = np.flatnonzero(divisor == 0)
        if zero.size:
            name = names[int(zero[0])]
            fix = ("remove it from the inputs or use another scaling" if what == "input"
                   else "set a target maximum or use another target scaling")
            raise DataError(
                f"Column {_col(name)} is 0 in every training row, so scaling 'max' would "
                f"divide by 0 — {fix}."
            )
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


def _check_target_range(df: pd.DataFrame, targets: list, raw: np.ndarray,
                        scaled: np.ndarray, rows: np.ndarray, method: str,
                        output_activation: str) -> None:
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

    offset, divisor = _fit(scaling, X_raw[train], inputs, None, "input")
    if softmax:
        y_all, classes = _one_hot(df, targets[0], splits)
        method = "none"
        t_offset, t_divisor = _fit_none(y_all)
    else:
        classes = None
        method = target_scaling or _default_target_scaling(scaling, output_activation,
                                                             y_raw[labelled])
        t_offset, t_divisor = _fit(method, y_raw[train], targets, target_max, "target")
        y_all = y_raw
    scaler = Scaler(scaling, offset, divisor, method, t_offset, t_divisor,
                    inputs=inputs, targets=targets, classes=classes)

    X_all = scaler.transform_X(X_raw)
    y_labelled = scaler.transform_y(y_all[labelled])
    if not softmax:
        # Rows whose scaled target must fit the output: training rows always; test
        # rows when the user fixed the mapping ("none", or "max" with a target
        # maximum). A fitted scaling may put an unseen test value past the edge.
        fixed = method == "none" or (method == "max" and target_max is not None)
        checked = (train | test) if fixed else train
        _check_target_range(df, targets, y_raw[checked], scaler.transform_y(y_raw[checked]),
                            np.flatnonzero(checked), method, output_activation)
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
        inputs=inputs,
        targets=targets,
        classes=classes,
        scaler=scaler,
        output_activation=output_activation,
        index=index,
        splits=[str(s) for s in splits],
    )


# ----------------------------------------------------------------- tables and CSV


def table_from_arrays(
    X: Any,
    y: Any,
    inputs: Sequence[Any],
    targets: Sequence[Any] | str,
    split: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Arrays → a table with named columns and a split column.

    ``X`` is ``(rows, inputs)``; ``y`` is ``(rows, targets)`` or 1-D for one
    target; ``split`` is one split for every row (default ``"train"``) or one
    per row.
    """
    inputs = _normalize_names(inputs)
    targets = _normalize_names(targets)
    X = np.asarray(X, dtype=np.float64)
    X = X.reshape(-1, 1) if X.ndim == 1 else X
    y = np.asarray(y)
    y = y.reshape(-1, 1) if y.ndim == 1 else y
    if X.ndim != 2 or X.shape[1] != len(inputs):
        raise ValueError(f"X has shape {X.shape}; expected {len(inputs)} column(s) "
                         f"for {_names(inputs)}.")
    if y.ndim != 2 or y.shape[1] != len(targets) or y.shape[0] != X.shape[0]:
        raise ValueError(f"y has shape {y.shape}; expected ({X.shape[0]}, {len(targets)}).")
    if split is None or isinstance(split, str):
        split_values = [split or "train"] * X.shape[0]
    else:
        split_values = [str(s) for s in split]
        if len(split_values) != X.shape[0]:
            raise ValueError(f"split has {len(split_values)} values for {X.shape[0]} rows.")
    columns: dict[Any, Any] = {name: X[:, j] for j, name in enumerate(inputs)}
    columns.update({name: y[:, j] for j, name in enumerate(targets)})
    columns["split"] = split_values
    return pd.DataFrame(columns)


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """A table as UTF-8 CSV bytes (no index column), for a download button."""
    return df.to_csv(index=False).encode("utf-8")


def _read_bytes(file_or_bytes: Any) -> bytes:
    """The raw content of bytes, a path, or a file-like object (e.g. an upload)."""
    if isinstance(file_or_bytes, (bytes, bytearray, memoryview)):
        return bytes(file_or_bytes)
    if isinstance(file_or_bytes, (str, os.PathLike)):
        try:
            with open(file_or_bytes, "rb") as handle:
                return handle.read(MAX_CSV_BYTES + 1)
        except OSError as error:
            raise DataError(f"The file could not be opened: {error.strerror}.") from error
    if hasattr(file_or_bytes, "read"):
        if hasattr(file_or_bytes, "seek"):
            file_or_bytes.seek(0)
        content = file_or_bytes.read(MAX_CSV_BYTES + 1)
        return content.encode("utf-8") if isinstance(content, str) else bytes(content)
    raise TypeError(f"Expected bytes, a path or a file, not {type(file_or_bytes).__name__}.")


def _decode(content: bytes) -> str:
    """CSV bytes → text (UTF-8 with or without BOM, else Windows-1252)."""
    if b"\x00" in content:
        raise DataError("The file is not a text CSV file — save it as CSV (comma-separated) "
                        "and upload it again.")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return content.decode("cp1252")
        except UnicodeDecodeError as error:
            raise DataError("The file is not a text CSV file — save it as CSV (UTF-8) "
                            "and upload it again.") from error


def _parse_csv(text: str) -> pd.DataFrame:
    """CSV text → DataFrame; a one-column result is retried with ``;`` and tab."""
    def read(sep: str) -> pd.DataFrame:
        return pd.read_csv(io.StringIO(text), sep=sep, skipinitialspace=True)

    try:
        df = read(",")
        if df.shape[1] == 1:
            header = text.splitlines()[0] if text else ""
            for sep in (";", "\t"):
                if sep in header:
                    df = read(sep)
                    break
    except pd.errors.EmptyDataError as error:
        raise DataError("The file is empty — a CSV needs a first line with the column "
                        "names.") from error
    except (pd.errors.ParserError, ValueError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else "unknown error"
        raise DataError(f"The file could not be read as CSV: {reason}.") from error
    return df


def read_csv_table(file_or_bytes: Any) -> pd.DataFrame:
    """Read a user's CSV (bytes, a path or a file-like upload) into a table.

    The first line holds the column names. Comma-, semicolon- and
    tab-separated files are read; surrounding spaces in names are dropped.
    Raises :class:`DataError` for an empty, unreadable or too large file.
    """
    content = _read_bytes(file_or_bytes)
    if len(content) > MAX_CSV_BYTES:
        raise DataError(f"The file is larger than {MAX_CSV_BYTES // 1_000_000} MB.")
    if not content.strip():
        raise DataError("The file is empty — a CSV needs a first line with the column names.")
    df = _parse_csv(_decode(content))
    if len(df) > MAX_ROWS:
        raise DataError(f"The file has {len(df)} rows; the limit is {MAX_ROWS} rows.")
    if df.shape[1] > MAX_TABLE_COLUMNS:
        raise DataError(f"The file has {df.shape[1]} columns; the limit is "
                        f"{MAX_TABLE_COLUMNS} ({MAX_COLUMNS} inputs and targets and a "
                        "split column).")
    df.columns = [c.strip() if isinstance(c, str) else c for c in df.columns]
    return df.reset_index(drop=True)


# ------------------------------------------------------------------------ presets


def _check_generator_args(n: int, noise: float, train_ratio: float) -> None:
    """Shared argument checks of the random generators (ValueError)."""
    if isinstance(n, bool) or int(n) != n or not 1 <= n <= MAX_ROWS:
        raise ValueError(f"n must be a whole number from 1 to {MAX_ROWS}, not {n!r}.")
    if not 0.0 <= noise <= 0.5:
        raise ValueError(f"noise must be between 0 and 0.5, not {noise!r}.")
    if not 0.0 < train_ratio <= 1.0:
        raise ValueError(f"train_ratio must be above 0 and at most 1, not {train_ratio!r}.")


def _finish(columns: dict[str, np.ndarray], rng: np.random.Generator,
            train_ratio: float) -> pd.DataFrame:
    """Shuffle generated rows and give round(n·train_ratio) (≥ 1) of them split "train"."""
    n = len(next(iter(columns.values())))
    order = rng.permutation(n)
    df = pd.DataFrame({name: values[order] for name, values in columns.items()})
    n_train = min(n, max(1, round(n * train_ratio)))
    split = np.full(n, "test", dtype=object)
    split[rng.permutation(n)[:n_train]] = "train"
    df["split"] = split.astype(str).tolist()
    return df


def _halves(n: int) -> tuple[int, int]:
    """(positives, negatives) for n points: the odd one out is positive."""
    return n - n // 2, n // 2


def make_three_bits() -> pd.DataFrame:
    """The 8 three-bit rows in binary order; ``output`` = ``bit3``; 6 train, 2 test."""
    bits = np.array([[(i >> 2) & 1, (i >> 1) & 1, i & 1] for i in range(8)], dtype=np.float64)
    return pd.DataFrame({
        "bit1": bits[:, 0],
        "bit2": bits[:, 1],
        "bit3": bits[:, 2],
        "output": bits[:, 2].copy(),
        "split": ["train"] * 6 + ["test"] * 2,
    })


def make_exam_scores() -> pd.DataFrame:
    """Hours studied and slept → test score; (4, 8) is the row to predict."""
    return pd.DataFrame({
        "hours_studied": np.array([2.0, 1.0, 3.0, 4.0]),
        "hours_slept": np.array([9.0, 5.0, 6.0, 8.0]),
        "test_score": np.array([92.0, 86.0, 89.0, np.nan]),
        "split": ["train", "train", "train", "predict"],
    })


def make_circle(n: int = 200, noise: float = 0.1, seed: int = 0,
                train_ratio: float = 0.7) -> pd.DataFrame:
    """Playground "circle": label 1 inside radius 2.5, 0 on the ring 3.5 … 5.

    As in the playground, noise shifts the point used for the label (by up to
    ±5·noise per axis), so noisy labels near the boundary flip.
    """
    _check_generator_args(n, noise, train_ratio)
    rng = np.random.default_rng(seed)
    radius = 5.0
    n_in, n_out = _halves(n)
    r = np.concatenate([rng.uniform(0, radius * 0.5, n_in),
                        rng.uniform(radius * 0.7, radius, n_out)])
    angle = rng.uniform(0, 2 * np.pi, n)
    x1, x2 = r * np.sin(angle), r * np.cos(angle)
    shift = rng.uniform(-radius, radius, (2, n)) * noise
    label = (np.hypot(x1 + shift[0], x2 + shift[1]) < radius * 0.5).astype(np.int64)
    return _finish({"x1": x1, "x2": x2, "label": label}, rng, train_ratio)


def make_xor(n: int = 200, noise: float = 0.1, seed: int = 0,
             train_ratio: float = 0.7) -> pd.DataFrame:
    """Playground "exclusive or": uniform in ±5 pushed 0.3 off the axes; label 1 if x1·x2 ≥ 0."""
    _check_generator_args(n, noise, train_ratio)
    rng = np.random.default_rng(seed)
    padding = 0.3
    points = rng.uniform(-5, 5, (2, n))
    points += np.where(points > 0, padding, -padding)
    shift = rng.uniform(-5, 5, (2, n)) * noise
    label = ((points[0] + shift[0]) * (points[1] + shift[1]) >= 0).astype(np.int64)
    return _finish({"x1": points[0], "x2": points[1], "label": label}, rng, train_ratio)


def make_gaussian(n: int = 200, noise: float = 0.1, seed: int = 0,
                  train_ratio: float = 0.7) -> pd.DataFrame:
    """Playground "gaussian": label 1 around (2, 2), 0 around (−2, −2).

    The variance grows with noise from 0.5 (noise 0) to 4 (noise 0.5).
    """
    _check_generator_args(n, noise, train_ratio)
    rng = np.random.default_rng(seed)
    std = math.sqrt(0.5 + noise * (4.0 - 0.5) / 0.5)
    n_pos, n_neg = _halves(n)
    x = np.concatenate([rng.normal(2.0, std, (n_pos, 2)), rng.normal(-2.0, std, (n_neg, 2))])
    label = np.concatenate([np.ones(n_pos, np.int64), np.zeros(n_neg, np.int64)])
    return _finish({"x1": x[:, 0], "x2": x[:, 1], "label": label}, rng, train_ratio)


def _spiral_arm(count: int, delta: float, noise: float,
                rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One playground spiral arm: radius 0 → 5 over 1.75 turns, plus ±noise jitter."""
    i = np.arange(count)
    r = i / max(count, 1) * 5.0
    t = 1.75 * i / max(count, 1) * 2 * np.pi + delta
    jitter = rng.uniform(-1, 1, (2, count)) * noise
    return r * np.sin(t) + jitter[0], r * np.cos(t) + jitter[1]


def make_spiral(n: int = 200, noise: float = 0.1, seed: int = 0,
                train_ratio: float = 0.7) -> pd.DataFrame:
    """Playground "spiral": two interleaved spiral arms, label 1 and label 0."""
    _check_generator_args(n, noise, train_ratio)
    rng = np.random.default_rng(seed)
    n_pos, n_neg = _halves(n)
    ax, ay = _spiral_arm(n_pos, 0.0, noise, rng)
    bx, by = _spiral_arm(n_neg, np.pi, noise, rng)
    label = np.concatenate([np.ones(n_pos, np.int64), np.zeros(n_neg, np.int64)])
    return _finish({"x1": np.concatenate([ax, bx]), "x2": np.concatenate([ay, by]),
                    "label": label}, rng, train_ratio)


def make_moons(n: int = 200, noise: float = 0.1, seed: int = 0,
               train_ratio: float = 0.7) -> pd.DataFrame:
    """Two interleaving half circles (as scikit-learn's make_moons), Gaussian noise of std noise.

    Label 0: the upper arc (cos t, sin t); label 1: the lower arc
    (1 − cos t, 0.5 − sin t), t from 0 to π.
    """
    _check_generator_args(n, noise, train_ratio)
    rng = np.random.default_rng(seed)
    n_inner, n_outer = _halves(n)
    t_outer = np.linspace(0, np.pi, n_outer)
    t_inner = np.linspace(0, np.pi, n_inner)
    x1 = np.concatenate([np.cos(t_outer), 1 - np.cos(t_inner)])
    x2 = np.concatenate([np.sin(t_outer), 1 - np.sin(t_inner) - 0.5])
    x1 = x1 + rng.normal(0.0, noise, n)
    x2 = x2 + rng.normal(0.0, noise, n)
    label = np.concatenate([np.zeros(n_outer, np.int64), np.ones(n_inner, np.int64)])
    return _finish({"x1": x1, "x2": x2, "label": label}, rng, train_ratio)


BLOB_CENTERS = np.array([[0.0, 3.0], [-3.0 * math.sqrt(3) / 2, -1.5],
                         [3.0 * math.sqrt(3) / 2, -1.5]])
"""Centers of the three ``blobs3`` classes: radius 3 at 90°, 210° and 330°."""


def make_blobs3(n: int = 200, noise: float = 0.1, seed: int = 0,
                train_ratio: float = 0.7) -> pd.DataFrame:
    """Three Gaussian blobs (classes 0, 1, 2) around :data:`BLOB_CENTERS`.

    The variance grows with noise as in "gaussian": 0.5 at noise 0, 4 at 0.5.
    """
    _check_generator_args(n, noise, train_ratio)
    rng = np.random.default_rng(seed)
    std = math.sqrt(0.5 + noise * (4.0 - 0.5) / 0.5)
    sizes = [n // 3 + (1 if k < n % 3 else 0) for k in range(3)]
    x = np.concatenate([rng.normal(BLOB_CENTERS[k], std, (sizes[k], 2)) for k in range(3)])
    cls = np.repeat(np.arange(3, dtype=np.int64), sizes)
    return _finish({"x1": x[:, 0], "x2": x[:, 1], "class": cls}, rng, train_ratio)


def make_plane(n: int = 200, noise: float = 0.1, seed: int = 0,
               train_ratio: float = 0.7) -> pd.DataFrame:
    """Playground "plane" regression: y = (x1 + x2) / 10 for x in [−5, 5]².

    As in the playground, noise shifts the point the value is computed at by
    up to ±5·noise per axis.
    """
    _check_generator_args(n, noise, train_ratio)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-5, 5, (2, n))
    shift = rng.uniform(-5, 5, (2, n)) * noise
    y = (x[0] + shift[0] + x[1] + shift[1]) / 10
    return _finish({"x1": x[0], "x2": x[1], "y": y}, rng, train_ratio)


def make_sine(n: int = 200, noise: float = 0.1, seed: int = 0,
              train_ratio: float = 0.7) -> pd.DataFrame:
    """y = sin(x) plus Gaussian noise of std ``noise``, x uniform in [−3, 3]."""
    _check_generator_args(n, noise, train_ratio)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-3, 3, n)
    y = np.sin(x) + rng.normal(0.0, noise, n)
    return _finish({"x": x, "y": y}, rng, train_ratio)


@dataclass(frozen=True)
class Preset:
    """An example table and the network settings it was made for."""

    name: str
    title: str
    description: str
    make: Callable[..., pd.DataFrame]
    inputs: list
    targets: list
    task: str  # "regression" | "binary" | "multiclass"
    output_activation: str
    loss: str
    hidden: tuple[int, ...]
    learning_rate: float
    scaling: str = "none"
    target_max: float | None = None
    params: dict = field(default_factory=dict)

    def prepare_kwargs(self) -> dict[str, Any]:
        """The :func:`prepare` arguments this preset suggests."""
        return {
            "inputs": list(self.inputs),
            "targets": list(self.targets),
            "scaling": self.scaling,
            "target_max": self.target_max,
            "output_activation": self.output_activation,
        }


def _preset(make: Callable[..., pd.DataFrame], **fields: Any) -> Preset:
    """A preset whose ``params`` are the generator's keyword defaults."""
    params = {name: p.default for name, p in inspect.signature(make).parameters.items()
              if p.default is not inspect.Parameter.empty}
    return Preset(make=make, params=params, **fields)


def _classifier(name: str, title: str, description: str, make: Callable[..., pd.DataFrame],
                hidden: tuple[int, ...] = (4, 4), learning_rate: float = 0.1) -> Preset:
    """A two-input, 0/1-label preset (the playground's classification sets)."""
    return _preset(make, name=name, title=title, description=description,
                   inputs=["x1", "x2"], targets=["label"], task="binary",
                   output_activation="sigmoid", loss="bce", hidden=hidden,
                   learning_rate=learning_rate)


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        _preset(
            make_three_bits, name="three_bits", title="Three bits → last bit",
            description="All eight 3-bit patterns with the output equal to the last bit, "
                        "six rows to train and two to test, from the NumPy tutorial that "
                        "builds a 3-5-1 sigmoid network by hand.",
            inputs=["bit1", "bit2", "bit3"], targets=["output"], task="binary",
            output_activation="sigmoid", loss="half_sse", hidden=(5,), learning_rate=1.0,
        ),
        _preset(
            make_exam_scores, name="exam_scores", title="Exam scores",
            description="Hours studied and hours slept → test score (three rows) and "
                        "(4, 8) to predict, from the 'Build a Neural Network' tutorial "
                        "after Welch Labs, scaled by the column maxima and 100.",
            inputs=["hours_studied", "hours_slept"], targets=["test_score"],
            task="regression", output_activation="sigmoid", loss="half_sse", hidden=(3,),
            learning_rate=1.0, scaling="max", target_max=100.0,
        ),
        _classifier("circle", "Circle",
                    "Points inside a circle (label 1) and on a ring around it (label 0), "
                    "TensorFlow Playground's circle data set.", make_circle),
        _classifier("xor", "Exclusive or",
                    "Points in four quadrants labelled 1 where x1·x2 ≥ 0, "
                    "TensorFlow Playground's exclusive-or data set.", make_xor),
        _classifier("gaussian", "Two Gaussians",
                    "Two Gaussian clouds around (2, 2) and (−2, −2), "
                    "TensorFlow Playground's Gaussian data set.", make_gaussian),
        _classifier("spiral", "Spiral",
                    "Two interleaved spirals, TensorFlow Playground's hardest "
                    "classification data set.", make_spiral,
                    hidden=(8, 8, 8), learning_rate=0.03),
        _classifier("moons", "Two moons",
                    "Two interleaving half circles, like scikit-learn's make_moons.",
                    make_moons),
        _preset(
            make_blobs3, name="blobs3", title="Three blobs",
            description="Three Gaussian clouds, one per class 0, 1 and 2, "
                        "for a softmax output.",
            inputs=["x1", "x2"], targets=["class"], task="multiclass",
            output_activation="softmax", loss="cross_entropy", hidden=(4, 4),
            learning_rate=0.1,
        ),
        _preset(
            make_plane, name="plane", title="Plane (regression)",
            description="y = (x1 + x2) / 10 over [−5, 5]², "
                        "TensorFlow Playground's plane regression data set.",
            inputs=["x1", "x2"], targets=["y"], task="regression",
            output_activation="linear", loss="mse", hidden=(4,), learning_rate=0.03,
        ),
        _preset(
            make_sine, name="sine", title="Sine curve (regression)",
            description="y = sin(x) plus noise for x in [−3, 3], a one-input curve to fit.",
            inputs=["x"], targets=["y"], task="regression",
            output_activation="linear", loss="mse", hidden=(8, 8), learning_rate=0.03,
        ),
    )
}
"""The example tables by name."""


class UnknownPresetError(KeyError, ValueError):
    """No preset has this name (both a KeyError and a ValueError)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


def load_preset(name: str, **kwargs: Any) -> pd.DataFrame:
    """The table of preset ``name``; ``kwargs`` override its generator's :attr:`Preset.params`."""
    key = str(name).strip().lower()
    if key not in PRESETS:
        raise UnknownPresetError(
            f"Unknown preset {_quote(name)} — choose one of {_names(PRESETS)}."
        )
    preset = PRESETS[key]
    unknown = [k for k in kwargs if k not in preset.params]
    if unknown:
        accepted = _names(preset.params) if preset.params else "none"
        raise ValueError(f"Preset {_col(key)} has no parameter {_col(unknown[0])}; "
                         f"its parameters: {accepted}.")
    return preset.make(**kwargs)
