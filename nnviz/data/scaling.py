"""Scaling methods (:data:`SCALINGS`) and :class:`Scaler`, a fitted scaling of a table.

A scaler turns inputs in the user's units into what the network sees (computing
any derived features first, see :mod:`nnviz.data.features`), turns network
outputs back into the user's units, and converts to and from plain JSON-friendly
values.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nnviz.errors import DataError

from ._cells import _NOT_FINITE, _NOT_NUMBER, _cell_text, _parse_cell
from ._messages import _col, _fmt, _names, _quote
from .features import Feature, compute_features, parse_features


def _plain(value: Any) -> Any:
    """A NumPy scalar as the Python scalar ``json.dumps`` understands."""
    return value.item() if isinstance(value, np.generic) else value


def _fit_none(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    k = values.shape[1]
    return np.zeros(k), np.ones(k)


def _fit_max(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # A zero divisor is left in place: prepare() reports the column by name.
    return np.zeros(values.shape[1]), np.max(np.abs(values), axis=0)


def _fit_minmax(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    low = np.min(values, axis=0)
    with np.errstate(over="ignore"):  # a range beyond float64 is reported by check_fit
        spread = np.max(values, axis=0) - low
    return low, np.where(spread > 0, spread, 1.0)


def _fit_standard(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(over="ignore", invalid="ignore"):  # reported by check_fit
        mean = np.mean(values, axis=0)
        std = np.std(values, axis=0)
    return mean, np.where(std > 0, std, 1.0)


def check_fit(
    method: str, values: np.ndarray, offset: np.ndarray, divisor: np.ndarray, names: Sequence[Any]
) -> None:
    """Raise a DataError naming the first column the fitted scaling cannot scale.

    ``values`` are the rows the scaling was fitted on. A column whose numbers are
    too far apart for float64 (1e308 and −1e308: max − min, or the squares of the
    standard deviation, overflow) gets an infinite or NaN offset or divisor, or
    scales to infinity; the network could not learn from it.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        scaled = (values - offset) / divisor
    fine = np.isfinite(offset) & np.isfinite(divisor) & np.all(np.isfinite(scaled), axis=0)
    bad = np.flatnonzero(~fine)
    if not bad.size:
        return
    j = int(bad[0])
    low, high = float(np.min(values[:, j])), float(np.max(values[:, j]))
    raise DataError(
        f"Column {_col(names[j])} ranges from {_fmt(low)} to {_fmt(high)}: its range is too "
        f"large to scale with '{method}' (the scaled numbers would be infinite) — use smaller "
        "numbers, for example other units."
    )


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
            "(x − mean) / standard deviation over the training rows; a constant column becomes 0.",
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

    ``features`` are derived feature expressions (:mod:`nnviz.data.features`):
    the network's last ``len(features)`` inputs, named by their expressions at
    the end of ``inputs``. :meth:`transform_X` takes the raw inputs
    (:attr:`raw_inputs`) and computes them.

    ``categories`` maps a text input column to its values: the column gives one
    input per value, named ``column=value`` (1 for a row's value, 0 for the others),
    and ``columns`` then names the table's input columns (the raw inputs), which are
    no longer the network's inputs one for one. ``fill`` holds, per encoded input
    (before the features), the value an empty cell takes — each column's mean over
    the training rows; without it an empty cell stays empty (NaN).
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
    features: list = field(default_factory=list)
    columns: list | None = None
    categories: dict = field(default_factory=dict)
    fill: list | None = None
    _features: list[Feature] = field(init=False, repr=False, default_factory=list)

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
        self.features = [str(f).strip() for f in (self.features or [])]
        self.categories = {k: [str(v) for v in vs] for k, vs in (self.categories or {}).items()}
        n_encoded = self.offset.size - len(self.features)
        if self.columns is None and self.categories:
            raise ValueError("A scaler with categories needs its table columns (columns).")
        if self.columns is not None:
            self.columns = list(self.columns)
            self._check_columns(n_encoded)
        if self.fill is not None:
            self.fill = [float(v) for v in self.fill]
            if len(self.fill) != n_encoded or not all(math.isfinite(v) for v in self.fill):
                raise ValueError(
                    f"fill must hold {n_encoded} finite numbers, one per input before the features."
                )
        if self.features:
            if n_encoded < 1 or len(self.inputs) != self.offset.size:
                raise ValueError(
                    "A scaler with features needs one input name per scaled "
                    "column, the raw inputs first."
                )
            self._features = parse_features(self.features, self.raw_inputs)
            used = {self.raw_inputs[j] for f in self._features for j in f.used}
            text = [c for c in self.raw_inputs if c in self.categories and c in used]
            if text:
                raise ValueError(f"A feature uses the text column {_col(text[0])}.")
            if [str(n) for n in self.inputs[n_encoded:]] != self.features:
                raise ValueError("The scaler's last input names must be its feature expressions.")

    def _check_columns(self, n_encoded: int) -> None:
        """``columns`` and ``categories`` give ``n_encoded`` inputs, named as ``inputs``."""
        unknown = [c for c in self.categories if c not in self.columns]
        if unknown:
            raise ValueError(f"categories names {_col(unknown[0])}, which is not a column.")
        if any(not values for values in self.categories.values()):
            raise ValueError("Each text column needs at least one category.")
        names = self.encoded_inputs
        if len(names) != n_encoded:
            raise ValueError(
                f"The columns and their categories give {len(names)} inputs; the scaling "
                f"has {n_encoded} before the features."
            )
        if self.inputs and [str(n) for n in self.inputs[:n_encoded]] != [str(n) for n in names]:
            raise ValueError("The scaler's input names must follow from its columns.")

    @property
    def raw_inputs(self) -> list:
        """The input columns in the user's table; the features are computed from these."""
        if self.columns is not None:
            return list(self.columns)
        return self.inputs[: len(self.inputs) - len(self.features)]

    @property
    def encoded_inputs(self) -> list:
        """The network's inputs before the features: a column, or one per category."""
        names: list = []
        for column in self.raw_inputs:
            if column in self.categories:
                names += [f"{column}={value}" for value in self.categories[column]]
            else:
                names.append(column)
        return names

    @classmethod
    def identity(cls, n_inputs: int, n_targets: int) -> Scaler:
        """A scaler that changes nothing."""
        return cls(
            "none",
            np.zeros(n_inputs),
            np.ones(n_inputs),
            "none",
            np.zeros(n_targets),
            np.ones(n_targets),
        )

    def transform_X(self, X: Any, rows: Sequence[Any] | None = None) -> np.ndarray:
        """Raw input rows in the user's units → the network's X (features added, scaled).

        ``X`` holds the raw input columns (:attr:`raw_inputs`, in order); each
        feature is computed from them and appended, then every column is scaled.
        ``rows`` labels the rows in the DataError of a feature that is not finite
        (default: their positions).
        """
        if self.categories or self.fill is not None:
            X = self.encode(X, rows)
        else:
            width = self.offset.size - len(self.features)
            what = "X"
            if self._features:
                what = (
                    f"X (the raw inputs {_names(self.raw_inputs)}; the features are computed "
                    "from them)"
                )
            X = _as_2d(X, width, what)
        return self.transform_encoded(X, rows)

    def transform_encoded(self, X: np.ndarray, rows: Sequence[Any] | None = None) -> np.ndarray:
        """Encoded inputs (:meth:`encode`'s result) → the network's X: the features
        computed from them and appended, every column scaled."""
        if self._features:
            X = np.concatenate([X, compute_features(self._features, self._raw(X), rows)], axis=1)
        return (X - self.offset) / self.divisor

    def encode(self, X: Any, rows: Sequence[Any] | None = None) -> np.ndarray:
        """Raw input rows (text in a text column, empty cells allowed) → the network's
        inputs before the features and the scaling: a text column one-hot, an empty
        cell filled with :attr:`fill` (NaN without it). Raises :class:`DataError`
        naming the row, column and value for a cell that is neither a number nor one
        of its column's categories."""
        columns = self.raw_inputs
        cells = np.asarray(X, dtype=object)
        if cells.ndim == 1:
            cells = cells.reshape(1, -1)
        if cells.ndim != 2 or cells.shape[1] != len(columns):
            raise ValueError(
                f"X must have {len(columns)} column(s) ({_names(columns)}), got shape "
                f"{cells.shape}."
            )
        labels = list(range(cells.shape[0])) if rows is None else list(rows)
        parts = [self._encode_column(cells[:, j], c, labels) for j, c in enumerate(columns)]
        out = np.concatenate(parts, axis=1) if parts else np.empty((cells.shape[0], 0))
        if self.fill is not None:
            out = np.where(np.isnan(out), np.asarray(self.fill), out)
        return out

    def _encode_column(self, cells: np.ndarray, column: Any, labels: list) -> np.ndarray:
        """One raw column → its encoded input(s), NaN for an empty cell."""
        values = self.categories.get(column)
        if values is None:
            try:  # a column of numbers (and None for empty cells): at once
                numbers = np.asarray(cells, dtype=np.float64).reshape(-1, 1)
                if not np.any(np.isinf(numbers)):
                    return numbers
            except (TypeError, ValueError):
                pass
            out = np.empty((cells.size, 1))
            for i, cell in enumerate(cells.tolist()):
                number, status = _parse_cell(cell)
                if status in (_NOT_NUMBER, _NOT_FINITE):
                    raise DataError(
                        f"Row {labels[i]}, column {_col(column)}: {_quote(cell)} is not a "
                        "finite number."
                    )
                out[i, 0] = number
            return out
        position = {v: k for k, v in enumerate(values)}
        out = np.zeros((cells.size, len(values)))
        for i, cell in enumerate(cells.tolist()):
            text = _cell_text(cell)
            if text is None:
                out[i] = np.nan
            elif text in position:
                out[i, position[text]] = 1.0
            else:
                raise DataError(
                    f"Row {labels[i]}, column {_col(column)}: {_quote(cell)} is not one of its "
                    f"values ({', '.join(values)})."
                )
        return out

    def _raw(self, encoded: np.ndarray) -> np.ndarray:
        """The raw columns' numbers from the encoded inputs (a text column: NaN), for the
        features, which index the raw columns."""
        if not self.categories:
            return encoded
        raw = np.full((encoded.shape[0], len(self.raw_inputs)), np.nan)
        k = 0
        for j, column in enumerate(self.raw_inputs):
            width = len(self.categories.get(column, [None]))
            if column not in self.categories:
                raw[:, j] = encoded[:, k]
            k += width
        return raw

    def inverse_X(self, X_scaled: Any) -> np.ndarray:
        """Scaled inputs → the user's units (the raw inputs, then any features' values)."""
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
            "features": list(self.features),
            **self._encoding_dict(),
        }

    def _encoding_dict(self) -> dict[str, Any]:
        """The text columns' categories and the gaps' fill values, when there are any."""
        out: dict[str, Any] = {}
        if self.categories:
            out["columns"] = [_plain(c) for c in self.raw_inputs]
            out["categories"] = [[_plain(c), list(values)] for c, values in self.categories.items()]
        if self.fill is not None:
            out["fill"] = list(self.fill)
        return out

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
            features=d.get("features") or [],
            columns=d.get("columns"),
            categories={c: list(values) for c, values in d.get("categories") or []},
            fill=d.get("fill"),
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Scaler):
            return NotImplemented
        return self.to_dict() == other.to_dict()
