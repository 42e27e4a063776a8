"""The live part of the page: metrics, loss curve, network diagram and output plane.

It is one ``st.fragment``. While playing it reruns itself every ``TICK`` seconds and
trains one time-budgeted chunk first (``Explorer.train_chunk``); paused, it is drawn
once per page run. The buttons live outside it, so a click is never stuck behind a
long loop: a chunk lasts at most ``BUDGET`` seconds.
"""

from __future__ import annotations

import math

import streamlit as st

from ..app import views
from . import state

SS = st.session_state
TICK = 0.25  # seconds between refreshes while playing
BUDGET = 0.12  # seconds of training per refresh, at most
CHART_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def _fmt(v: float, digits: int = 4) -> str:
    return "—" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.{digits}g}"


def tick() -> str:
    """Train one chunk if playing; returns why play stopped ("" if it goes on)."""
    ex = state.explorer()
    if not SS.get("playing") or SS.get("replay_index") is not None:
        return ""
    result = ex.train_chunk(int(SS.get("speed", 100)), BUDGET, int(SS.get("stop_at") or 0),
                            float(SS.get("target_loss") or 0.0))
    if result.stopped:
        SS.playing = False
        state.flash(result.stopped)
    return result.stopped


def metrics_row() -> None:
    ex = state.view()
    m = ex.metrics()
    cols = st.columns(6)
    cols[0].metric("Iteration", f"{m.iteration:,}")
    cols[1].metric("Train loss", _fmt(m.train_loss))
    cols[2].metric("Test loss", _fmt(m.test_loss))
    if m.kind == "accuracy":
        cols[3].metric("Accuracy train / test",
                       f"{m.train_score:.0%} / " + ("—" if math.isnan(m.test_score)
                                                   else f"{m.test_score:.0%}"))
    else:
        target = ex.data.targets[0]
        cols[3].metric(f"RMSE train ({target})", _fmt(m.train_score, 3),
                       help="Root mean squared error in the table's units.")
        cols[4].metric("RMSE test", _fmt(m.test_score, 3))
    sps = math.nan if SS.get("replay_index") is not None else ex.steps_per_second
    cols[5].metric("Steps / s", "—" if math.isnan(sps) else f"{sps:,.0f}",
                   help="Steps per second of the last Step ×N or live chunk (computing only).")


LOSS_AXES = {"auto": None, "linear": False, "log": True}


def charts_area() -> None:
    ex = state.view()
    playing = bool(SS.get("playing"))
    left, right = st.columns([1, 1.15])
    with left:
        log_y = LOSS_AXES[SS.get("loss_axis") or "auto"]
        st.plotly_chart(views.loss_view(ex, log_y=log_y,
                                        replay=SS.get("replay_index") is not None),
                        key="loss_chart",
                        theme=None, config=CHART_CONFIG)
        if views.has_plane(ex):
            st.plotly_chart(views.plane_view(ex, resolution=60 if playing else 90,
                                             discretize=bool(SS.get("discretize")),
                                             height=440),
                            key="plane_chart", theme=None, config=CHART_CONFIG)
        elif views.has_curve(ex):
            st.plotly_chart(views.curve_view(ex), key="curve_chart", theme=None,
                            config=CHART_CONFIG)
        elif ex.task == "regression":
            st.plotly_chart(views.fit_view(ex), key="fit_chart", theme=None, config=CHART_CONFIG)
        else:
            st.plotly_chart(views.heatmaps_view(ex), key="live_heatmaps_chart", theme=None,
                            config=CHART_CONFIG)
    with right:
        row = SS.get("diagram_row", 0)
        st.plotly_chart(views.diagram_view(ex, row=row, height=520), key="diagram_chart",
                        theme=None, config=CHART_CONFIG)
        if views.has_plane(ex) and ex.network.n_layers > 1:
            st.caption(f"Each neuron's output over ({ex.data.inputs[0]}, {ex.data.inputs[1]}), "
                       "layer by layer: how the network builds its answer.")
            st.plotly_chart(views.thumbnails_view(ex, resolution=16 if playing else 24),
                            key="thumbs_chart", theme=None, config=CHART_CONFIG,
                            width="content")


def live_view() -> None:
    """Declare and draw the fragment (its refresh interval depends on playing)."""

    if SS.get("playing"):
        # Streamlit's running indicator would flicker on every refresh
        st.html("<style>[data-testid='stStatusWidget']{visibility:hidden}</style>")

    @st.fragment(run_every=TICK if SS.get("playing") else None)
    def _live():
        stopped = tick()
        if stopped:
            st.rerun()  # the whole page: Play's label and the fragment's timer change
        ex = state.explorer()
        if ex.error.startswith("Training diverged"):
            st.error(ex.error)
        metrics_row()
        charts_area()

    _live()
