"""Regression views in the user's units: predicted against actual, and a fitted curve.

Both draw the table's rows the same way: train rows blue circles, test rows orange
diamonds, any other (predict) rows grey crosses.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ._style import BLUE, GREY, GRID, INK, ORANGE, WHITE, base_layout, esc

SPLIT_MARKERS = {"train": (BLUE, "circle"), "test": (ORANGE, "diamond")}


def _split(split: Sequence | None, n: int) -> np.ndarray:
    return np.asarray(split if split is not None else ["train"] * n).astype(str)


def _add_rows(fig: go.Figure, x, y, split: np.ndarray, *, size: int, hovertemplate: str) -> None:
    """One marker trace per split, in the order train, test, then the others."""
    for s in ["train", "test"] + sorted(set(split) - {"train", "test"}):
        m = split == s
        if not m.any():
            continue
        color, symbol = SPLIT_MARKERS.get(s, (GREY, "x"))
        fig.add_trace(
            go.Scatter(
                x=x[m],
                y=y[m],
                mode="markers",
                name=s,
                marker=dict(color=color, symbol=symbol, size=size, line=dict(color=WHITE, width=1)),
                hovertemplate=hovertemplate,
            )
        )


def prediction_scatter(
    y_true,
    y_pred,
    *,
    split: Sequence | None = None,
    target_name: str = "target",
    height: int = 380,
) -> go.Figure:
    """Predicted against actual values (regression, in the user's units) with the
    y = x diagonal: points on the line are predicted exactly."""
    target_name = esc(target_name)  # a column name: text, never markup
    t = np.asarray(y_true, dtype=float).reshape(-1)
    p = np.asarray(y_pred, dtype=float).reshape(-1)
    if t.shape != p.shape:
        raise ValueError(f"y_true {t.shape} and y_pred {p.shape} differ in length")
    both = np.concatenate([t, p])
    both = both[np.isfinite(both)]
    lo, hi = (float(both.min()), float(both.max())) if both.size else (0.0, 1.0)
    pad = 0.05 * (hi - lo if hi > lo else 1.0)
    lo, hi = lo - pad, hi + pad
    fig = go.Figure(
        go.Scatter(
            x=[lo, hi],
            y=[lo, hi],
            mode="lines",
            name="predicted = actual",
            line=dict(color=GREY, dash="dash", width=1.5),
            hoverinfo="skip",
        )
    )
    _add_rows(
        fig,
        t,
        p,
        _split(split, t.shape[0]),
        size=9,
        hovertemplate=f"actual {target_name} = %{{x:.4g}}<br>predicted = %{{y:.4g}}"
        "<extra>%{fullData.name}</extra>",
    )
    base_layout(fig, height=height, margin=dict(t=36))
    fig.update_xaxes(
        title=dict(text=f"actual {target_name}"),
        range=[lo, hi],
        gridcolor=GRID,
        zeroline=False,
        constrain="domain",
    )
    fig.update_yaxes(
        title=dict(text=f"predicted {target_name}"),
        range=[lo, hi],
        gridcolor=GRID,
        zeroline=False,
        scaleanchor="x",
        constrain="domain",
    )
    fig.update_layout(legend=dict(orientation="h", yanchor="bottom", y=1.0, x=0))
    return fig


def fit_curve(
    x_grid,
    y_grid,
    *,
    x,
    y,
    split: Sequence | None = None,
    x_label: str = "x",
    y_label: str = "y",
    title: str | None = None,
    height: int = 380,
) -> go.Figure:
    """One input, one output: the network's curve over the input with the rows on top."""
    x_label, y_label = esc(x_label), esc(y_label)  # column names: text, never markup
    x = np.asarray(x, dtype=float).reshape(-1)
    y = np.asarray(y, dtype=float).reshape(-1)
    fig = go.Figure(
        go.Scatter(
            x=np.asarray(x_grid, dtype=float),
            y=np.asarray(y_grid, dtype=float),
            mode="lines",
            name="network",
            line=dict(color=INK, width=2.5),
            hovertemplate=(
                f"{x_label} = %{{x:.3g}}<br>network: {y_label} = %{{y:.4g}}<extra></extra>"
            ),
        )
    )
    _add_rows(
        fig,
        x,
        y,
        _split(split, x.shape[0]),
        size=8,
        hovertemplate=f"{x_label} = %{{x:.3g}}<br>{y_label} = %{{y:.4g}}"
        "<extra>%{fullData.name}</extra>",
    )
    base_layout(fig, height=height, title=title, margin=dict(t=60 if title else 36))
    fig.update_xaxes(title=dict(text=x_label), gridcolor=GRID, zeroline=False)
    fig.update_yaxes(title=dict(text=y_label), gridcolor=GRID, zeroline=False)
    fig.update_layout(legend=dict(orientation="h", yanchor="bottom", y=1.0, x=1, xanchor="right"))
    return fig
