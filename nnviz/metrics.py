"""Scores of a trained network beyond its loss: what people ask about the predictions.

Classification, from the targets ``Y`` and the network's outputs ``A`` (both as
the network sees them, one row per example):

* :func:`class_indices` — each row's class: the largest column of a one-hot /
  softmax row, or for one output column the threshold (0.5 for 0/1 targets, 0
  for −1/+1 targets): class 1 at or above it, class 0 below.
* :func:`confusion_matrix` — ``C[i, j]`` = the number of rows of true class i
  predicted as class j (rows = true class, columns = predicted).
* :func:`per_class_accuracy` — ``C[i, i] / Σ_j C[i, j]``: the share of each
  class's rows predicted right (NaN for a class without rows);
  :func:`accuracy` — the share of all rows predicted right.

Regression, from targets and predictions, in the user's units when given the
scaler's inverse (``inverse=data.scaler.inverse_y``):

* :func:`rmse` — √(mean over rows and outputs of (y − ŷ)²);
* :func:`r2_score` — R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)² per output column (their
  mean for several columns): 1 is perfect, 0 is no better than predicting ȳ.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def _as_2d(values, what: str) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 1:
        array = array.reshape(-1, 1)
    if array.ndim != 2:
        raise ValueError(
            f"{what} must be a table of numbers (rows × columns); got shape {array.shape}."
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{what} must be finite numbers.")
    return array


def _pair(Y, A, what: str) -> tuple[np.ndarray, np.ndarray]:
    Y = _as_2d(Y, "The targets")
    A = _as_2d(A, what)
    if Y.shape != A.shape:
        raise ValueError(
            f"The targets have shape {Y.shape} but the {what.lower()} have shape "
            f"{A.shape}: one row per example, one column per output."
        )
    if Y.shape[0] == 0:
        raise ValueError("There are no rows to score.")
    return Y, A


def default_threshold(Y) -> float:
    """The threshold between the two classes of one output column: 0 for −1/+1 targets, else 0.5."""
    Y = _as_2d(Y, "The targets")
    return 0.0 if np.any(Y < 0) else 0.5


def class_indices(values, threshold: float = 0.5) -> np.ndarray:
    """Each row's class (int): argmax of several columns, or ``value >= threshold`` for one."""
    values = _as_2d(values, "The values")
    if values.shape[1] == 1:
        return (values[:, 0] >= threshold).astype(np.int64)
    return np.argmax(values, axis=1).astype(np.int64)


def _check_labels(Y: np.ndarray) -> None:
    """Targets that name one class per row: one-hot rows, or one column of 0/1 or −1/+1."""
    if Y.shape[1] == 1:
        labels = set(np.unique(Y).tolist())
        if not (labels <= {0.0, 1.0} or labels <= {-1.0, 1.0}):
            shown = ", ".join(f"{v:g}" for v in sorted(labels)[:5])
            raise ValueError(
                f"One target column must hold class labels 0/1 or −1/+1, not "
                f"{shown}: these look like regression targets (use rmse or "
                "r2_score)."
            )
        return
    one_hot = np.all((Y == 0) | (Y == 1), axis=1) & (Y.sum(axis=1) == 1)
    if not np.all(one_hot):
        row = int(np.flatnonzero(~one_hot)[0])
        raise ValueError(
            f"Row {row} of the targets is not one-hot (exactly one 1, the rest 0), "
            "so it does not name one class."
        )


def confusion_matrix(Y, A, threshold: float | None = None) -> np.ndarray:
    """Counts ``C[i, j]`` of rows whose true class is i and predicted class is j.

    ``Y`` are the targets as the network learns them (one-hot rows, or one column
    of 0/1 or −1/+1 labels), ``A`` the network's outputs for the same rows.
    With one output column there are two classes, 0 (the 0 or −1 label) and 1;
    ``threshold`` defaults to :func:`default_threshold`. Returns an int array
    (n_classes, n_classes).
    """
    Y, A = _pair(Y, A, "Outputs")
    _check_labels(Y)
    if threshold is None:
        threshold = default_threshold(Y)
    true = class_indices(Y, 0.0 if np.any(Y < 0) else 0.5)
    predicted = class_indices(A, threshold)
    k = max(2, Y.shape[1])
    C = np.zeros((k, k), dtype=np.int64)
    np.add.at(C, (true, predicted), 1)
    return C


def per_class_accuracy(Y, A, threshold: float | None = None) -> np.ndarray:
    """For each true class, the share of its rows predicted as that class (NaN if it has none)."""
    C = confusion_matrix(Y, A, threshold)
    rows = C.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(rows > 0, np.diag(C) / rows, np.nan)


def accuracy(Y, A, threshold: float | None = None) -> float:
    """The share of rows whose predicted class is the true one."""
    C = confusion_matrix(Y, A, threshold)
    return float(np.trace(C) / C.sum())


def _in_units(Y, A, inverse: Callable | None) -> tuple[np.ndarray, np.ndarray]:
    Y, A = _pair(Y, A, "Predictions")
    if inverse is not None:
        Y, A = _pair(inverse(Y), inverse(A), "Predictions")
    return Y, A


def rmse(Y, A, inverse: Callable | None = None, per_output: bool = False):
    """Root mean squared error √(mean (y − ŷ)²), in the user's units with ``inverse``.

    ``inverse`` maps network values to the user's units (``scaler.inverse_y``) and is
    applied to the targets and the predictions. ``per_output=True`` gives one value
    per output column (an array) instead of one over all of them.
    """
    Y, A = _in_units(Y, A, inverse)
    squared = (Y - A) ** 2
    if per_output:
        return np.sqrt(np.mean(squared, axis=0))
    return float(np.sqrt(np.mean(squared)))


def r2_score(Y, A, inverse: Callable | None = None, per_output: bool = False):
    """R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)², per output column; their mean unless ``per_output``.

    A column whose targets are all equal has no spread to explain: its R² is NaN.
    ``inverse`` (``scaler.inverse_y``) puts both in the user's units first, which
    changes R² only when it is not a plain per-column scale and shift.
    """
    Y, A = _in_units(Y, A, inverse)
    residual = np.sum((Y - A) ** 2, axis=0)
    total = np.sum((Y - Y.mean(axis=0)) ** 2, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        r2 = np.where(total > 0, 1.0 - residual / total, np.nan)
    if per_output:
        return r2
    return float(np.mean(r2))
