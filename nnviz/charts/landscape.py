"""The loss landscape: the loss over a plane through parameter space, the run's path on it.

``landscape_figure`` draws ``loss[i, j]`` at ``(alphas[j], betas[i])`` (the layout of
:class:`nnviz.landscape.LossLandscape`) as filled contours, or as a 3-D surface, with
the run's path (one point per recorded snapshot) and the current weights at (0, 0).
The loss has no sign, so the colours are the project's scale for unsigned quantities
(``SEQUENTIAL``, low to high); when it spans more than two decades the colours follow
log₁₀ of the loss, with the colour bar labelled in loss values.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from ._style import FONT_SIZE, INK, SEQUENTIAL, WHITE, base_layout, rgba, to_f32

LOG_DECADES = 2.0  # colours by log₁₀(loss) once the loss spans more than this many decades
NOW_NAME = "current weights"
PATH_NAME = "path"
START_NAME = "start"


def _z_log_ticks(*losses) -> dict:
    """The 3-D log axis's ticks over these losses (the surface's, the path's): at most
    five decades, none in the bottom eighth of the axis, where its label would sit on
    the α axis's ticks at the corner they share."""
    values = _finite_positive(
        np.concatenate([np.asarray(v, dtype=float).ravel() for v in losses if v is not None])
    )
    if not values.size:
        return {}
    lo, hi = math.log10(values.min()), math.log10(values.max())
    if hi - lo < 1:
        return {}
    decades = list(range(math.ceil(lo), math.floor(hi) + 1))
    step = max(1, math.ceil(len(decades) / 5))
    kept = [d for d in decades[::-1][::step] if (d - lo) / (hi - lo) >= 0.125]
    return {"tickvals": [10.0**d for d in kept]} if len(kept) >= 2 else {}


def _finite_positive(loss: np.ndarray) -> np.ndarray:
    v = loss[np.isfinite(loss)]
    return v[v > 0]


def wants_log(loss) -> bool:
    """True when the positive, finite losses span more than LOG_DECADES powers of ten."""
    v = _finite_positive(np.asarray(loss, dtype=float))
    return bool(v.size) and float(v.max()) > 10**LOG_DECADES * float(v.min())


def _log_ticks(lo: float, hi: float) -> tuple[list[float], list[str]]:
    """Colour-bar ticks at 1, 2 and 5 × the powers of ten between 10**lo and 10**hi."""
    vals, text = [], []
    for e in range(math.floor(lo), math.ceil(hi) + 1):
        for m in (1, 2, 5):
            t = math.log10(m) + e
            if lo - 1e-9 <= t <= hi + 1e-9:
                vals.append(t)
                text.append(f"{m * 10.0**e:.3g}")
    if len(vals) > 9:  # too many: the powers of ten only
        keep = [i for i, t in enumerate(vals) if abs(t - round(t)) < 1e-9]
        vals, text = [vals[i] for i in keep], [text[i] for i in keep]
    return vals, text


def _colour_values(loss: np.ndarray, log: bool) -> tuple[np.ndarray, dict]:
    """The values colours follow and the colour bar that labels them."""
    bar = dict(
        thickness=14,
        len=0.9,
        tickfont=dict(size=FONT_SIZE),
        title=dict(text="loss", font=dict(size=FONT_SIZE), side="right"),
    )
    if not log:
        return loss, bar
    floor = float(_finite_positive(loss).min())
    with np.errstate(all="ignore"):
        z = np.log10(np.where(np.isfinite(loss), np.maximum(loss, floor), np.nan))
    finite = z[np.isfinite(z)]
    vals, text = _log_ticks(float(finite.min()), float(finite.max()))
    bar.update(tickvals=vals, ticktext=text)
    bar["title"]["text"] = "loss (log scale)"
    return z, bar


def landscape_figure(
    alphas,
    betas,
    loss,
    *,
    path=None,
    path_iterations=None,
    path_loss=None,
    center_loss: float | None = None,
    x_label: str = "direction 1",
    y_label: str = "direction 2",
    surface: bool = False,
    log_color: bool | None = None,
    title: str | None = None,
    height: int = 560,
) -> go.Figure:
    """The loss over the plane: contours (or a surface), the run's path, (0, 0) marked.

    ``loss`` is (len(betas), len(alphas)). ``path`` (n, 2) places each recorded snapshot
    in the plane, with its ``path_iterations`` and ``path_loss`` (the loss at the
    projected point, for the surface and the hover). ``center_loss``: the loss at (0, 0),
    the current weights (read from the grid's centre when left out). ``log_color=None``
    colours by log₁₀ once the loss spans more than two decades.
    """
    a = np.asarray(alphas, dtype=float).reshape(-1)
    b = np.asarray(betas, dtype=float).reshape(-1)
    L = np.asarray(loss, dtype=float)
    if L.shape != (b.size, a.size):
        raise ValueError(
            f"loss must have shape (len(betas), len(alphas)) = ({b.size}, {a.size}); got {L.shape}"
        )
    if log_color is None:
        log = wants_log(L)
    else:  # a log scale needs a positive loss somewhere
        log = bool(log_color) and _finite_positive(L).size > 0
    z, bar = _colour_values(L, log)
    if center_loss is None:
        i, j = int(np.argmin(np.abs(b))), int(np.argmin(np.abs(a)))
        center_loss = float(L[i, j])
    hover = "α = %{x:.3g}, β = %{y:.3g}<br>loss = %{customdata:.4g}<extra></extra>"
    P = None if path is None else np.asarray(path, dtype=float).reshape(-1, 2)
    its = (
        (np.arange(len(P)) if path_iterations is None else np.asarray(path_iterations))
        if P is not None
        else None
    )
    fig = go.Figure()
    if surface:
        fig.add_trace(
            go.Surface(
                name="loss",
                x=to_f32(a),
                y=to_f32(b),
                z=to_f32(L),
                surfacecolor=to_f32(z),
                colorscale=SEQUENTIAL,
                colorbar=bar,
                customdata=to_f32(L),
                hovertemplate="α = %{x:.3g}, β = %{y:.3g}<br>loss = %{z:.4g}<extra></extra>",
                contours=dict(z=dict(show=True, usecolormap=True, project=dict(z=False))),
            )
        )
        if P is not None and path_loss is not None and len(P):
            fig.add_trace(
                go.Scatter3d(
                    name=PATH_NAME,
                    x=P[:, 0],
                    y=P[:, 1],
                    z=np.asarray(path_loss, dtype=float),
                    mode="lines+markers",
                    line=dict(color=INK, width=5),
                    marker=dict(size=3, color=INK),
                    customdata=its,
                    hovertemplate="iteration %{customdata}<br>loss = %{z:.4g}<extra></extra>",
                )
            )
        fig.add_trace(
            go.Scatter3d(
                name=NOW_NAME,
                x=[0.0],
                y=[0.0],
                z=[center_loss],
                mode="markers",
                marker=dict(size=7, color=WHITE, symbol="diamond", line=dict(color=INK, width=2)),
                hovertemplate="the current weights<br>loss = %{z:.4g}<extra></extra>",
            )
        )
        axis = dict(tickfont=dict(size=FONT_SIZE), backgroundcolor=WHITE, gridcolor="#d1d5db")
        fig.update_layout(
            scene=dict(
                xaxis=dict(title=dict(text="α", font=dict(size=FONT_SIZE)), **axis),
                yaxis=dict(title=dict(text="β", font=dict(size=FONT_SIZE)), **axis),
                zaxis=dict(
                    title=dict(text="loss", font=dict(size=FONT_SIZE)),
                    type="log" if log else "linear",
                    exponentformat="e",
                    nticks=6,
                    **(_z_log_ticks(L, path_loss) if log else {}),
                    **axis,
                ),
                aspectmode="manual",
                aspectratio=dict(x=1, y=1, z=0.7),
                camera=dict(eye=dict(x=1.5, y=-1.5, z=1.0)),
            )
        )
        base_layout(
            fig, height=height, title=title, margin=dict(l=10, r=10, t=60 if title else 20, b=10)
        )
    else:
        fig.add_trace(
            go.Contour(
                name="loss",
                x=to_f32(a),
                y=to_f32(b),
                z=to_f32(z),
                customdata=to_f32(L),
                colorscale=SEQUENTIAL,
                colorbar=bar,
                ncontours=18,
                contours=dict(
                    coloring="heatmap",
                    showlabels=not log,
                    labelfont=dict(size=FONT_SIZE, color=INK),
                ),
                line=dict(width=0.7, color=rgba(INK, 0.3)),
                hovertemplate=hover,
            )
        )
        if P is not None and len(P):
            pl = (
                np.asarray(path_loss, dtype=float)
                if path_loss is not None
                else np.full(len(P), np.nan)
            )
            fig.add_trace(
                go.Scatter(
                    name=PATH_NAME,
                    x=P[:, 0],
                    y=P[:, 1],
                    mode="lines+markers",
                    line=dict(color=INK, width=2.5),
                    marker=dict(size=6, color=INK, line=dict(color=WHITE, width=1)),
                    customdata=np.stack([its, pl], axis=1),
                    hovertemplate="iteration %{customdata[0]}<br>loss = %{customdata[1]:.4g}"
                    "<extra></extra>",
                )
            )
            fig.add_trace(
                go.Scatter(
                    name=START_NAME,
                    x=P[:1, 0],
                    y=P[:1, 1],
                    mode="markers",
                    marker=dict(
                        size=13, color=WHITE, symbol="circle", line=dict(color=INK, width=2)
                    ),
                    customdata=np.stack([its[:1], pl[:1]], axis=1),
                    hovertemplate="start: iteration %{customdata[0]}<br>loss = "
                    "%{customdata[1]:.4g}<extra></extra>",
                )
            )
        fig.add_trace(
            go.Scatter(
                name=NOW_NAME,
                x=[0.0],
                y=[0.0],
                mode="markers",
                marker=dict(size=20, color=WHITE, symbol="star", line=dict(color=INK, width=2)),
                customdata=[center_loss],
                hovertemplate="the current weights (0, 0)<br>loss = %{customdata:.4g}"
                "<extra></extra>",
            )
        )
        base_layout(
            fig, height=height, title=title, margin=dict(t=90 if title else 50, l=70, r=20, b=60)
        )
        fig.update_xaxes(
            title=dict(text=x_label),
            range=[float(a.min()), float(a.max())],
            showgrid=False,
            zeroline=False,
            constrain="domain",
        )
        fig.update_yaxes(
            title=dict(text=y_label),
            range=[float(b.min()), float(b.max())],
            showgrid=False,
            zeroline=False,
            scaleanchor="x",
            constrain="domain",
        )
    fig.update_layout(
        legend=dict(
            orientation="h",
            yanchor="bottom",
            y=1.0,
            x=0,
            font=dict(size=FONT_SIZE),
            bgcolor="rgba(255,255,255,0.8)",
        )
    )
    return fig


__all__ = ["NOW_NAME", "PATH_NAME", "START_NAME", "landscape_figure", "wants_log"]
