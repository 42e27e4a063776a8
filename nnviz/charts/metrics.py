"""Scores beyond the loss: the confusion matrix of a classifier.

``confusion_figure`` draws ``C[i, j]`` — the rows of true class i predicted as class j —
with rows = true class (top to bottom) and columns = predicted class, the count printed
in every cell. Colour says right or wrong in the playground's language: the diagonal
(predicted right) blue, every other cell (a mistake) orange, deeper for a larger share of
the true class's rows, white for none. Predicted against actual for regression is
:func:`nnviz.charts.prediction_scatter`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ._style import DIVERGING, FONT_SIZE, base_layout, unique_labels

CELL_PX = 64  # height of a row of cells
MIN_DEPTH = 0.3  # the colour of a cell with one row in it, on the scale 0 (white) … 1


def confusion_shares(C) -> np.ndarray:
    """Each cell's share of its true class's rows (0 for a class without rows)."""
    C = np.asarray(C, dtype=float)
    rows = C.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(rows > 0, C / np.where(rows > 0, rows, 1.0), 0.0)


def confusion_figure(
    C,
    class_names: Sequence | None = None,
    *,
    title: str | None = None,
    height: int | None = None,
) -> go.Figure:
    """A confusion matrix as a heatmap of counts: rows true class, columns predicted.

    ``z`` grows with the share of the true class's rows (from MIN_DEPTH for any rows at
    all to 1 for all of them; 0 for none), positive on the diagonal (blue: right) and
    negative off it (orange: wrong); the cell text is the count, the hover the share.
    ``class_names`` label both axes (default "class 0", "class 1" …).
    """
    C = np.asarray(C)
    if C.ndim != 2 or C.shape[0] != C.shape[1] or C.shape[0] == 0:
        raise ValueError(f"a confusion matrix is square (classes × classes); got {C.shape}")
    if not np.all(np.isfinite(C)) or np.any(C < 0) or not np.all(np.round(C) == C):
        raise ValueError("a confusion matrix holds counts: whole numbers ≥ 0")
    C = C.astype(np.int64)
    k = C.shape[0]
    names = unique_labels(
        class_names if class_names is not None else [f"class {i}" for i in range(k)], k, "class "
    )
    share = confusion_shares(C)
    # any row at all shows (a single mistake must not look white), deeper for a larger share
    depth = np.where(C > 0, MIN_DEPTH + (1 - MIN_DEPTH) * share, 0.0)
    signed = np.where(np.eye(k, dtype=bool), depth, -depth)
    fig = go.Figure(
        go.Heatmap(
            z=signed,
            x=names,
            y=names,
            zmin=-1,
            zmax=1,
            zmid=0,
            colorscale=DIVERGING,
            showscale=False,
            text=[[str(v) for v in row] for row in C],
            texttemplate="%{text}",
            textfont=dict(size=FONT_SIZE + 4),
            customdata=share,
            xgap=2,
            ygap=2,
            hovertemplate="true %{y}, predicted %{x}: %{text} rows<br>"
            "%{customdata:.0%} of the true class<extra></extra>",
        )
    )
    top = 70 if title else 30
    bottom = 70
    base_layout(
        fig,
        height=height or int(top + bottom + max(2, k) * CELL_PX),
        title=title,
        margin=dict(t=top, l=90, r=20, b=bottom),
    )
    fig.update_xaxes(
        type="category",
        title=dict(text="predicted class"),
        showgrid=False,
        ticks="",
        tickfont=dict(size=FONT_SIZE),
        constrain="domain",
    )
    fig.update_yaxes(
        type="category",
        title=dict(text="true class"),
        autorange="reversed",
        showgrid=False,
        ticks="",
        tickfont=dict(size=FONT_SIZE),
        scaleanchor="x",
        constrain="domain",
    )
    return fig


__all__ = ["confusion_figure", "confusion_shares"]
