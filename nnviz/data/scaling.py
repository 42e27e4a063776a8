"""Scaling methods (:data:`SCALINGS`) and :class:`Scaler`, a fitted scaling of a table.

A scaler turns inputs in the user's units into what the network sees (computing
any derived features first, see :mod:`nnviz.data.features`), turns network
outputs back into the user's units, and converts to and from plain JSON-friendly
values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nnviz.errors import DataError

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
        if self.features:
            n_raw = self.offset.size - len(self.features)
            if n_raw < 1 or len(self.inputs) != self.offset.size:
                raise ValueError(
                    "A scaler with features needs one input name per scaled "
                    "column, the raw inputs first."
                )
            self._features = parse_features(self.features, self.inputs[:n_raw])
            if [str(n) for n in self.inputs[n_raw:]] != self.features:
                raise ValueError("The scaler's last input names must be its feature expressions.")

    @property
    def raw_inputs(self) -> list:
        """The input columns in the user's table; the features are computed from these."""
        return self.inputs[: len(self.inputs) - len(self.features)]

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
        width = self.offset.size - len(self.features)
        what = "X"
        if self._features:
            what = (
                f"X (the raw inputs {_names(self.raw_inputs)}; the features are computed from them)"
            )
        X = _as_2d(X, width, what)
        if self._features:
            X = np.concatenate([X, compute_features(self._features, X, rows)], axis=1)
        return (X - self.offset) / self.divisor

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
            features=d.get("features") or [],
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Scaler):
            return NotImplemented
        return self.to_dict() == other.to_dict()
