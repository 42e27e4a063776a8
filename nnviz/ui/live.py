"""The live part of the page: metrics, loss curve, network diagram and output plane.

It is one ``st.fragment``. While playing it reruns itself every ``TICK`` seconds and
trains one time-budgeted chunk first, in ``SLICES`` slices: the state after each slice
becomes a frame, and the browser plays the frames out until the next refresh, so the
charts move more often than the server refreshes. Paused, it is drawn once per page
run. The buttons live outside it, so a click waits at most for one short refresh.

The charts are live charts (``nnviz.ui.livechart``): one Plotly div each, updated in
place with patches, never re-created while the page lives.
"""

from __future__ import annotations

import math
import time

import streamlit as st

from ..app.views import live as lv
from . import livechart, state
from .text import md

SS = st.session_state
TICK = 0.1  # seconds between refreshes while playing
BUDGET = 0.05  # seconds of training per refresh, at most
SLICES = 3  # states per refresh, played out in the browser between refreshes
THUMBS_EVERY = 2  # the neuron maps refresh every this many refreshes
LOSS_AXES = {"auto": None, "linear": False, "log": True}


def _fmt(v: float, digits: int = 4) -> str:
    return "—" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.{digits}g}"


def tick() -> list[lv.State]:
    """Train one chunk if playing, in slices; the states to show (the last is now).

    Play stops at the chosen iteration or loss, or on divergence (with a note).
    """
    ex = state.explorer()
    if not state.playing() or state.replaying():
        return [lv.state_of(state.view())]
    speed = int(SS.get("speed", 100))
    slices = max(1, min(SLICES, speed))
    states = []
    done = 0
    for k in range(slices):
        steps = (speed * (k + 1)) // slices - done
        result = ex.train_chunk(steps, BUDGET / slices, int(SS.get("stop_at") or 0),
                                float(SS.get("target_loss") or 0.0))
        done += result.steps
        if result.steps or not states:
            states.append(lv.state_of(ex))
        if result.stopped:
            state.stop_playing()
            if not ex.divergence:  # a divergence is shown once, as the banner
                state.note(result.stopped, "success")
            break
    return states


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
        cols[3].metric(f"RMSE train ({md(target)})", _fmt(m.train_score, 3),
                       help="Root mean squared error in the table's units.")
        cols[4].metric("RMSE test", _fmt(m.test_score, 3))
    sps = math.nan if state.replaying() else ex.steps_per_second
    cols[5].metric("Steps / s", "—" if math.isnan(sps) else f"{sps:,.0f}",
                   help="Steps per second of the last Step ×N or live chunk (computing only).")


def _draw(spec: lv.LiveSpec, states: list[lv.State], span_ms: float, *, refresh: bool = True):
    """One live chart: patches for these states, or the whole figure when needed."""
    sent = livechart.sent(spec.key)
    frames = None
    if sent is not None and sent.signature == spec.signature():
        if not refresh and sent.payload is not None:
            livechart.resend(spec.key, spec.height)
            return
        frames = spec.frames(sent.base, sent.info, states)
    livechart.live_chart(spec.key, signature=spec.signature(), figure=spec.figure,
                         info=spec.base_info, frames=frames or (), span_ms=span_ms,
                         height=spec.height)


def charts_area(states: list[lv.State], span_ms: float) -> None:
    ex = state.view()
    playing = state.playing()
    specs = lv.live_specs(ex, log_y=LOSS_AXES[SS.get(LOSS_AXIS_KEY) or "auto"],
                          replay=state.replaying(), row=SS.get(state.DIAGRAM_ROW, 0),
                          playing=playing, discretize=bool(SS.get(state.DISCRETIZE)))
    left, right = st.columns([1, 1.15])
    count = SS.get("_refreshes", 0) + 1
    SS._refreshes = count
    for spec in specs:
        column = left if spec.key in ("loss_chart", "plane_chart", "curve_chart", "fit_chart",
                                      "live_heatmaps_chart") else right
        with column:
            if isinstance(spec, lv.ThumbnailsLive):
                st.caption(f"Each neuron's output over ({md(ex.data.inputs[0])}, "
                           f"{md(ex.data.inputs[1])}), layer by layer: how the network "
                           "builds its answer.")
                refresh = not playing or count % THUMBS_EVERY == 0
                _draw(spec, states[-1:], 0, refresh=refresh)
            elif isinstance(spec, lv.PlaneLive):
                _draw(spec, states[-1:], 0)
            else:
                _draw(spec, states, span_ms)


LOSS_AXIS_KEY = state.LOSS_AXIS


LINK_BUDGET = 0.1  # seconds of a link's training per refresh


def link_replay() -> bool:
    """Advance the run a link asks for by one refresh's work, with a progress bar;
    True while it goes on."""
    ex = state.explorer()
    if not ex.link_replay_pending:
        return False
    p = ex.advance_link_replay(LINK_BUDGET)
    if p.settings_changed or p.table_changed or p.finished:
        SS["_link_sync"] = True
    if p.finished:
        SS[state.LINK_NOTES] = [*SS.get(state.LINK_NOTES, []), p.note or (
            f"Trained {p.done:,} steps, as the link asks.")]
        return False
    st.progress(p.fraction, text=f"Replaying the link's run: iteration {p.iteration:,} of "
                                 f"{p.total:,}")
    st.button("Stop replaying the link", key="stop_link_replay",
              on_click=state.stop_link_replay)
    return True


def divergence_banner() -> None:
    ex = state.explorer()
    if ex.divergence:
        st.error(md(ex.divergence), icon=":material/warning:")


def live_view() -> None:
    """Declare and draw the fragment (its refresh interval depends on playing)."""
    if state.playing():
        # Streamlit's running indicator would flicker on every refresh
        st.html("<style>[data-testid='stStatusWidget']{visibility:hidden}</style>")

    replaying_link = state.explorer().link_replay_pending

    @st.fragment(run_every=TICK if state.playing() or replaying_link else None)
    def _live():
        if replaying_link and not link_replay():
            st.rerun()  # the whole page: the widgets show the replayed run's settings
        was_playing = state.playing()
        now = time.perf_counter()
        last = SS.get("_last_refresh", now - TICK)
        SS._last_refresh = now
        states = tick()
        if was_playing and not state.playing():
            st.rerun()  # the whole page: Play's label and the fragment's timer change
        divergence_banner()
        metrics_row()
        span = min(max(now - last, TICK), 0.5) * 1000 if was_playing else 0.0
        charts_area(states, span)

    _live()
