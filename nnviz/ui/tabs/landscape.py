"""The Loss landscape tab: the loss over a plane through the weights, the run's path on it.

Computing a landscape costs up to 41 × 41 forward passes over the training rows, so it
happens only on request: the Recompute button, a change of the tab's own options, or
the tab opening with nothing computed yet — never on a rerun by itself — and as a job
(``nnviz.ui.jobs``): a block of grid points a piece, with a progress bar and a Stop
above the live charts, the page answering meanwhile. The result is kept in the session
with the stamp of the state it was computed for (the run, its iteration, its weights
and rows), and the page says when that state has moved on. A replayed snapshot gets
the landscape around its own weights.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from ...app.jobs import LandscapeJob
from ...app.views import landscape as view
from .. import jobs, state
from ..livechart import CONFIG as CHART_CONFIG
from ..text import md

SS = st.session_state
RESULT = "_landscape"
DIRECTIONS = "landscape_directions"
RESOLUTION = "landscape_resolution"
SURFACE = "landscape_3d"
STOPPED = "_landscape_stopped"  # its computation was stopped: the tab does not start another


def _compute() -> None:
    ex = state.view()
    directions = SS.get(DIRECTIONS) or "pca"
    resolution = int(SS.get(RESOLUTION) or view.DEFAULT_RESOLUTION)
    SS[STOPPED] = False
    jobs.start(LandscapeJob(view.LandscapeComputation(ex, directions, resolution)), _computed)


def _computed(job: LandscapeJob) -> None:
    if job.stopped:
        SS[STOPPED] = True  # the last landscape (if any) stays
    else:
        SS[RESULT] = job.result()


def _first() -> None:
    """The tab opened with nothing computed: compute it (unless another heavy action is
    under way, or the user stopped this one); a job that goes on is drawn by the live
    view, which this run has drawn already: the page is drawn again."""
    if jobs.running() is not None or SS.get(STOPPED):
        return
    _compute()
    if jobs.running() is not None:
        st.rerun()


def landscape_tab() -> None:
    ex = state.view()
    c1, c2, c3, c4 = st.columns([2.2, 1.1, 0.9, 1])
    c1.segmented_control(
        "Directions",
        list(view.DIRECTIONS),
        key=DIRECTIONS,
        default="pca",
        format_func=lambda k: {"pca": "the run's main directions", "random": "random"}[k],
        on_change=_compute,
        persist_state="page",
        help="The run's main directions: the plane the weights moved in most "
        "(PCA of the recorded snapshots). Random: two random directions, "
        "each neuron's weights scaled to their own size (Li et al. "
        "2018).",
    )
    c2.selectbox(
        "Resolution",
        view.RESOLUTIONS,
        key=RESOLUTION,
        index=view.RESOLUTIONS.index(view.DEFAULT_RESOLUTION),
        on_change=_compute,
        format_func=lambda n: f"{n} × {n}",
        help="Grid points per axis.",
        persist_state="page",
    )
    c3.toggle("3-D surface", key=SURFACE, persist_state="page")
    c4.button(
        "Recompute",
        key="landscape_recompute",
        icon=":material/refresh:",
        on_click=_compute,
        width="stretch",
    )
    if SS.get(RESULT) is None:
        _first()
    computing = isinstance(jobs.running(), LandscapeJob)
    if computing:
        st.caption("Computing: its progress bar and Stop are above the live charts.")
    result = SS.get(RESULT)
    if result is None:
        if not computing:
            st.info("No landscape computed yet: press **Recompute**.", icon=":material/info:")
        return
    if result.directions == "pca":
        st.caption(
            "α and β are the two directions in parameter space in which the run moved "
            "most; (0, 0) is the current weights (the marked point), the line is the "
            "path the weights took to get there."
        )
    else:
        st.caption(
            "α and β are two random directions in parameter space, each neuron's "
            "weights scaled to their own size; (0, 0) is the current weights (the "
            "marked point). The run's path is not drawn: random directions hold almost "
            "none of it."
        )
    stale = view.out_of_date(result.stamp, ex)
    if stale:
        st.info(
            md(stale) + " Press **Recompute** to see the landscape of the weights shown now.",
            icon=":material/update:",
        )
    chart, side = st.columns([2.2, 1])
    with chart:
        fig = view.landscape_view(result, surface=bool(SS.get(SURFACE)))
        st.plotly_chart(fig, key="landscape_chart", theme=None, config=CHART_CONFIG)
    with side:
        st.metric(
            "Loss at (0, 0)",
            f"{result.center_loss:.4g}",
            help="The training loss of the weights the landscape was computed around.",
        )
        loss = result.landscape.loss
        finite = loss[np.isfinite(loss)]
        st.metric(
            "Lowest loss on the grid",
            f"{float(finite.min()):.4g}" if finite.size else "—",
            help="Somewhere on this plane the loss is this low; training follows the "
            "gradient, which need not lead there.",
        )
        st.metric(
            "Computed at iteration",
            f"{result.stamp.iteration:,}",
            help=f"On a grid of {result.resolution} × {result.resolution} points.",
        )
        for text in result.notes:
            st.caption(md(text))
