"""The loss curve: train and test loss over iterations, events marked, runs overlaid."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import plotly.graph_objects as go

from ..quoting import shorten
from ..thinning import downsample_indices
from ._style import BLUE, GREY, GRID, ORANGE, RUN_COLORS, SMALL_FONT, base_layout, esc, rgba


def _series(iterations, train, test, max_points):
    its = np.asarray(iterations)
    tr = np.asarray(train, dtype=float)
    if its.shape != tr.shape:
        raise ValueError(f"iterations {its.shape} and train_loss {tr.shape} differ in length")
    te = None
    if test is not None:
        te = np.asarray(test, dtype=float)
        if te.shape != tr.shape:
            raise ValueError(f"test_loss {te.shape} and train_loss {tr.shape} differ in length")
        if not np.any(np.isfinite(te)):
            te = None
    idx = downsample_indices(tr, max_points)
    return its[idx], tr[idx], (None if te is None else te[idx])


MAX_MARKERS = 9
"""Most change markers a loss curve draws, whatever the run's log holds: changes closer
than 1/8 of the axis share one marker, labelled with how many changes it stands for and
listing them when hovered (nine labels on three levels fit a chart 300 px wide)."""

HOVER_CHANGES = 12  # changes a merged marker lists when hovered (then "… and N more")
MARKER_CHARS = 60  # characters of one change's text a marker shows


def _event_list(events) -> list[tuple[float, str]]:
    """(iteration, text) of each event, in the order of their iterations."""
    out = []
    for ev in events or ():
        if isinstance(ev, dict):
            out.append((float(ev["iteration"]), str(ev.get("text", ev.get("kind", "")))))
        elif len(ev) >= 3:
            out.append((float(ev[0]), str(ev[2])))
        else:
            out.append((float(ev[0]), str(ev[1])))
    return sorted(out, key=lambda e: e[0])


def _markers(events, span: float) -> list[tuple[float, str, str | None]]:
    """The markers to draw: ``(x, label, hover)`` — one per change, or one for the
    changes within ``width`` of each other (labelled "N changes", listed in ``hover``);
    at most MAX_MARKERS of them, however many events there are."""
    listed = _event_list(events)
    if not listed:
        return []
    width = max(span, listed[-1][0] - listed[0][0]) / (MAX_MARKERS - 1)
    groups: list[list] = []  # [x, count, first texts]
    for x, text in listed:
        if groups and x - groups[-1][0] < width:
            group = groups[-1]
            group[1] += 1
            if len(group[2]) < HOVER_CHANGES:
                group[2].append(text)
        else:
            groups.append([x, 1, [text]])
    out = []
    for x, count, texts in groups:
        lines = [esc(shorten(t, MARKER_CHARS)) for t in texts]
        if count == 1:
            out.append((x, lines[0], None))
            continue
        if count > len(lines):
            lines.append(f"… and {count - len(lines):,} more")
        out.append((x, f"{count:,} changes", "<br>".join(lines)))
    return out


def loss_figure(
    iterations: Sequence | None,
    train_loss: Sequence | None,
    test_loss: Sequence | None = None,
    *,
    events: Iterable = (),
    log_y: bool = False,
    max_points: int = 2000,
    height: int = 320,
    runs: list[dict] | None = None,
    title: str | None = None,
) -> go.Figure:
    """Train (solid) and test (dotted) loss against the iteration.

    Long series are thinned to at most ``max_points`` points per line with
    :func:`downsample_indices` (min/max per bucket: spikes stay visible; first
    and last points kept). ``events`` are ``(iteration, kind, text)`` tuples as in
    ``History.events`` (or ``(iteration, text)`` / dicts): each becomes a dashed
    vertical line with its text ("η 0.1 → 0.5") at the top; changes close together
    share one ("5 changes", listed when hovered), so that at most MAX_MARKERS are drawn
    however long the run's log is. A test series that is
    all NaN (no test rows) is left out. ``runs``: extra runs to overlay, dicts
    ``{name, iterations, train_loss, test_loss}``; each run has its own colour,
    train solid and test dotted. ``iterations``/``train_loss`` may be None when
    only ``runs`` are drawn. Fixed height and a constant ``uirevision``.
    """
    fig = go.Figure()
    series = []
    if iterations is not None and train_loss is not None:
        series.append(
            {
                "name": None,
                "iterations": iterations,
                "train_loss": train_loss,
                "test_loss": test_loss,
            }
        )
    for run in runs or ():
        series.append(run)
    compare = bool(runs)
    for k, run in enumerate(series):
        its, tr, te = _series(
            run["iterations"], run["train_loss"], run.get("test_loss"), max_points
        )
        name = esc(run["name"]) if run.get("name") else ("this run" if compare else None)
        color = RUN_COLORS[k % len(RUN_COLORS)] if compare else BLUE
        test_color = color if compare else ORANGE
        prefix = f"{name} · " if compare else ""
        group = f"run{k}"
        fig.add_trace(
            go.Scatter(
                x=its,
                y=tr,
                mode="lines" if len(its) > 1 else "markers",
                name=f"{prefix}train",
                legendgroup=group,
                line=dict(color=color, width=2.5),
                hovertemplate="%{y:.4g}",
            )
        )
        if te is not None:
            fig.add_trace(
                go.Scatter(
                    x=its,
                    y=te,
                    mode="lines" if len(its) > 1 else "markers",
                    name=f"{prefix}test",
                    legendgroup=group,
                    line=dict(color=test_color, width=2.5, dash="dot"),
                    hovertemplate="%{y:.4g}",
                )
            )

    all_its = [np.asarray(s["iterations"]) for s in series if len(s["iterations"])]
    span = 1.0
    if all_its:
        lo = min(float(a.min()) for a in all_its)
        hi = max(float(a.max()) for a in all_its)
        span = max(hi - lo, 1.0)
    shapes, annotations = [], []
    level, last_x = 0, None
    for x, text, hover in _markers(events, span):
        if last_x is not None and x - last_x < 0.15 * span:
            level = (level + 1) % 3
        else:
            level = 0
        last_x = x
        shapes.append(
            dict(
                type="line",
                xref="x",
                yref="paper",
                x0=x,
                x1=x,
                y0=0,
                y1=1,
                line=dict(color=GREY, width=1.5, dash="dash"),
            )
        )
        annotations.append(
            dict(
                x=x,
                xref="x",
                y=1 - 0.11 * level,
                yref="paper",
                yanchor="top",
                xanchor="left",
                text=text,
                showarrow=False,
                xshift=5,
                font=dict(size=SMALL_FONT, color=GREY),
                bgcolor=rgba("#ffffff", 0.8),
                **({} if hover is None else {"hovertext": hover}),
            )
        )

    base_layout(fig, height=height, title=title, margin=dict(t=40 if title else 10, b=45))
    fig.update_layout(
        shapes=shapes,
        annotations=annotations,
        hovermode="x unified",
        legend=dict(
            orientation="h",
            yanchor="bottom",
            y=1.0,
            xanchor="right",
            x=1.0,
            bgcolor="rgba(255,255,255,0)",
        ),
        showlegend=True,
    )
    fig.update_xaxes(
        title=dict(text="iteration", standoff=4),
        gridcolor=GRID,
        zeroline=False,
        rangemode="tozero",
        tickformat=",d",
    )
    if all_its and max(float(a.max()) for a in all_its) < MIN_X_RANGE:
        # a short run (or iteration 0 alone) on whole iterations, not on 0 … 1 in 0.2s
        fig.update_xaxes(range=[0, MIN_X_RANGE], autorange=False)
    fig.update_yaxes(
        title=dict(text="loss", standoff=4),
        gridcolor=GRID,
        zeroline=False,
        type="log" if log_y else "linear",
        exponentformat="power",
    )
    if not log_y:
        fig.update_yaxes(rangemode="tozero")
        single = [
            float(np.asarray(s["train_loss"], float)[0])
            for s in series
            if len(s["iterations"]) == 1
        ]
        if single and len(series) == 1 and np.isfinite(single[0]) and single[0] > 0:
            # one point: in the middle of the axis, not on its top edge
            fig.update_yaxes(range=[0, 2 * single[0]], autorange=False)
    return fig


MIN_X_RANGE = 10  # iterations the x axis spans at least


def loss_tail_patch(
    iterations: Sequence,
    train_loss: Sequence,
    test_loss: Sequence | None = None,
    *,
    after: float,
    upto: float | None = None,
    max_points: int = 400,
) -> dict:
    """The points of a single run's curve past iteration ``after`` (and up to ``upto``),
    as a patch that appends them to :func:`loss_figure`'s lines (train is trace 0, test
    trace 1 when the figure has it). A long tail is thinned like the curve itself."""
    its = np.asarray(iterations)
    lo = int(np.searchsorted(its, after, side="right"))
    hi = its.shape[0] if upto is None else int(np.searchsorted(its, upto, side="right"))
    tail_its = its[lo:hi]
    train = np.asarray(train_loss, dtype=float)[lo:hi]
    idx = downsample_indices(train, max_points)
    data = {"0": {"x": {"+": tail_its[idx]}, "y": {"+": train[idx]}}}
    if test_loss is not None:
        test = np.asarray(test_loss, dtype=float)[lo:hi]
        data["1"] = {"x": {"+": tail_its[idx]}, "y": {"+": test[idx]}}
    return {"data": data, "layout": {}}
