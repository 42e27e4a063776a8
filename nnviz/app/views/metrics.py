"""Scores of the network shown, per split: what the Metrics tab draws.

Classification (binary or multiclass): the confusion matrix and per-class accuracy of
the training and the test rows, from :mod:`nnviz.metrics`, with the class names the
data gives (``data.classes`` for a class column, else the target's two values in the
table's units: 0 / 1, or −1 / 1 for a tanh output). Regression: R² and RMSE per target
in the table's units, and predicted against actual.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ... import charts, metrics
from ...activations import ACTIVATIONS
from ..explorer import Explorer

SPLITS = ("train", "test")


@dataclass
class ClassScores:
    split: str
    rows: int
    confusion: np.ndarray  # C[i, j]: rows of true class i predicted as j
    per_class: np.ndarray  # share of each true class's rows predicted right (NaN: none)
    accuracy: float


@dataclass
class RegressionScores:
    split: str
    rows: int
    r2: np.ndarray  # per target
    rmse: np.ndarray  # per target, in the table's units


def is_classification(ex: Explorer) -> bool:
    return ex.task != "regression"


def _rows(ex: Explorer, split: str) -> tuple[np.ndarray, np.ndarray]:
    d = ex.data
    return (d.X_train, d.y_train) if split == "train" else (d.X_test, d.y_test)


def _outputs(ex: Explorer, X: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        return ex.network.forward(X)


def _threshold(ex: Explorer) -> float | None:
    """One output column: the output's midpoint (0.5 for sigmoid, 0 for tanh), as the app's
    accuracy uses."""
    if ex.data.n_outputs != 1:
        return None
    return ACTIVATIONS[ex.settings.output_activation].midpoint


def class_names(ex: Explorer) -> list[str]:
    """The classes' names from the data: the class column's values, or the two target
    values a binary output learns, in the table's units."""
    d = ex.data
    if d.classes is not None:
        return [str(c) for c in d.classes]
    low, high = ACTIVATIONS[ex.settings.output_activation].output_range
    with np.errstate(all="ignore"):
        raw = d.scaler.inverse_y(np.array([[low], [high]], dtype=float))[:, 0]
    return [f"{v:g}" for v in raw]


def classification_scores(ex: Explorer) -> list[ClassScores]:
    """Confusion matrix, per-class accuracy and accuracy of each split that has rows.
    ValueError when the outputs are not finite (a diverged run)."""
    out = []
    threshold = _threshold(ex)
    for split in SPLITS:
        X, Y = _rows(ex, split)
        if not len(X):
            continue
        A = _outputs(ex, X)
        C = metrics.confusion_matrix(Y, A, threshold)
        out.append(
            ClassScores(
                split,
                len(X),
                C,
                metrics.per_class_accuracy(Y, A, threshold),
                metrics.accuracy(Y, A, threshold),
            )
        )
    return out


def regression_scores(ex: Explorer) -> list[RegressionScores]:
    """R² and RMSE (in the table's units) per target, for each split that has rows.
    ValueError when the predictions are not finite."""
    inv = ex.data.scaler.inverse_y
    out = []
    for split in SPLITS:
        X, Y = _rows(ex, split)
        if not len(X):
            continue
        A = _outputs(ex, X)
        with np.errstate(all="ignore"):
            r2 = metrics.r2_score(Y, A, inverse=inv, per_output=True)
            rmse = metrics.rmse(Y, A, inverse=inv, per_output=True)
        out.append(RegressionScores(split, len(X), np.asarray(r2), np.asarray(rmse)))
    return out


def confusion_view(ex: Explorer, scores: ClassScores, *, height: int | None = None) -> go.Figure:
    what = "training" if scores.split == "train" else "test"
    return charts.confusion_figure(
        scores.confusion,
        class_names(ex),
        height=height,
        title=f"{what.capitalize()} rows ({scores.rows:,}): {scores.accuracy:.0%} right",
    )


def per_class_table(ex: Explorer, scores: list[ClassScores]) -> pd.DataFrame:
    """One row per class: its rows and the share predicted right, per split."""
    names = class_names(ex)
    table = pd.DataFrame({"class": names})
    for s in scores:
        table[f"{s.split} rows"] = s.confusion.sum(axis=1)
        table[f"{s.split} right"] = [f"{v:.0%}" if np.isfinite(v) else "—" for v in s.per_class]
    return table


def predicted_actual_view(ex: Explorer, target: int = 0, *, height: int = 420) -> go.Figure:
    """Predicted against actual for one target, train and test rows, in the table's units."""
    d = ex.data
    inv = d.scaler.inverse_y
    truth, pred, split = [], [], []
    for name in SPLITS:
        X, Y = _rows(ex, name)
        if not len(X):
            continue
        with np.errstate(all="ignore"):
            truth.append(inv(Y)[:, target])
            pred.append(inv(_outputs(ex, X))[:, target])
        split += [name] * len(X)
    if not truth:
        truth, pred = [np.zeros(0)], [np.zeros(0)]
    return charts.prediction_scatter(
        np.concatenate(truth),
        np.concatenate(pred),
        split=split,
        target_name=str(d.targets[target]),
        height=height,
    )


__all__ = [
    "ClassScores",
    "RegressionScores",
    "class_names",
    "classification_scores",
    "confusion_view",
    "is_classification",
    "per_class_table",
    "predicted_actual_view",
    "regression_scores",
]
