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
from . import edge_editor, livechart, state
from .text import md

SS = st.session_state
TICK = 0.1  # seconds between refreshes while playing
BUDGET = 0.05  # seconds of training per refresh, at most
SLICES = 3  # states per refresh, played out in the browser between refreshes
THUMBS_EVERY = 2  # the neuron maps refresh every this many refreshes
LOSS_AXES = {"auto": None, "linear": False, "log": True}


def short(v) -> str:
    """A number in at most ~8 characters: 3 significant digits, scientific when small
    or large ("0.0931", "12.3", "1.23e-05"); "—" when there is none."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    v = float(v)
    if not math.isfinite(v):
        return "∞" if v > 0 else "−∞"
    if v != 0 and not 1e-3 <= abs(v) < 1e5:
        return f"{v:.2e}"
    return f"{v:.3g}"


def slices_for(ex) -> int:
    """States per refresh: fewer for a large diagram (each state is a frame of every
    edge), so a refresh stays a few kB and the browser keeps up."""
    sizes = ex.network.layer_sizes
    edges = sum(a * b for a, b in zip(sizes, sizes[1:]))
    return SLICES if edges <= 120 else 2 if edges <= 300 else 1


def tick() -> list[lv.State]:
    """Train one chunk if playing, in slices; the states to show (the last is now).

    Play stops at the chosen iteration or loss, or on divergence (with a note).
    """
    ex = state.explorer()
    if not state.playing() or state.replaying():
        return [lv.state_of(state.view())]
    speed = int(SS.get("speed", 100))
    slices = max(1, min(SLICES, speed, slices_for(ex)))
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


def percent(v) -> str:
    return "—" if v is None or math.isnan(v) else f"{v:.0%}"


def metrics_row() -> None:
    """Six metrics on one line, each short enough for its column at 1280 px."""
    ex = state.view()
    m = ex.metrics()
    cols = st.columns(6)
    cols[0].metric("Iteration", f"{m.iteration:,}")
    cols[1].metric("Train loss", short(m.train_loss), help=f"{ex.trainer.loss_name} on the "
                   "training rows, at the weights shown.")
    cols[2].metric("Test loss", short(m.test_loss), help="The same loss on the test rows.")
    if m.kind == "accuracy":
        cols[3].metric("Train acc.", percent(m.train_score),
                       help="Share of training rows classified right.")
        cols[4].metric("Test acc.", percent(m.test_score), help="Share of test rows classified "
                       "right.")
    else:
        unit = md(ex.data.targets[0])
        cols[3].metric("RMSE train", short(m.train_score),
                       help=f"Root mean squared error of {unit} on the training rows, in the "
                            "table's units.")
        cols[4].metric("RMSE test", short(m.test_score),
                       help=f"The same for the test rows ({unit}).")
    sps = math.nan if state.replaying() else ex.steps_per_second
    cols[5].metric("Steps / s", "—" if math.isnan(sps) else f"{sps:,.0f}",
                   help="Steps per second of the last Step ×N or live chunk (computing only).")


NEURON = "plane_neuron"  # a neuron shown large in the plane (its name), or absent
SHOW_TEST = "show_test"


def show_neuron(point: dict) -> None:
    """A neuron's map was clicked: show it large in the plane."""
    SS[NEURON] = point.get("trace")


def neuron_traces() -> tuple:
    """The neuron maps' trace names (hidden and output neurons, as the diagram names them)."""
    return tuple(n for names in lv.layer_names(state.view())[1:] for n in names)


def plane_options(spec: lv.PlaneLive) -> None:
    """Over the plane: which neuron it shows, the test rows and discretize toggles."""
    neuron = spec.options["neuron"]
    c0, c1, c2 = st.columns([1.6, 1, 1], vertical_alignment="center")
    if neuron:
        c0.button(f"Output, not {md(neuron)}", key="plane_output",
                  icon=":material/undo:", on_click=lambda: SS.pop(NEURON, None),
                  help="The plane shows one neuron's map; click a map below for another, or "
                       "this to see the network's output again.")
    c1.toggle("Test data", key=SHOW_TEST, value=True, help="Show the test rows on the plane.")
    c2.toggle("Discretize", key=state.DISCRETIZE, help="Two colours: the class each point of "
              "the plane gets.")


def _clicks(key: str) -> dict:
    """What a click on a live chart does: an edge opens its weight's editor, a neuron's
    map is shown large in the plane."""
    if key == "diagram_chart":
        return {"on_click": edge_editor.on_edge_click, "clickable": ("edges",)}
    if key == "thumbs_chart":  # small maps: no toolbar over their titles
        return {"on_click": show_neuron, "clickable": neuron_traces(),
                "config": {"displayModeBar": False}}
    return {}


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
                         height=spec.height, **_clicks(spec.key))


#: where each live chart goes: (row, column) of a 2 × 2 grid — the output and the
#: network side by side on top (above a projector's fold), loss and neuron maps below
PLACES = {"plane_chart": (0, 0), "curve_chart": (0, 0), "fit_chart": (0, 0),
          "live_heatmaps_chart": (0, 0), "diagram_chart": (0, 1), "loss_chart": (1, 0),
          "thumbs_chart": (1, 1)}


def charts_area(states: list[lv.State], span_ms: float) -> None:
    ex = state.view()
    playing = state.playing()
    specs = lv.live_specs(ex, log_y=LOSS_AXES[SS.get(state.LOSS_AXIS) or "auto"],
                          replay=state.replaying(), row=SS.get(state.DIAGRAM_ROW, 0),
                          playing=playing, discretize=bool(SS.get(state.DISCRETIZE)),
                          neuron=SS.get(NEURON), show_test=SS.get(SHOW_TEST, True))
    grid = [st.columns([1.25, 1], gap="small"), st.columns([1.25, 1], gap="small")]
    count = SS.get("_refreshes", 0) + 1
    SS._refreshes = count
    for spec in sorted(specs, key=lambda sp: PLACES[sp.key]):
        r, c = PLACES[spec.key]
        with grid[r][c]:
            if isinstance(spec, lv.ThumbnailsLive):
                refresh = not playing or count % THUMBS_EVERY == 0
                _draw(spec, states[-1:], 0, refresh=refresh)
                st.caption(f"Each neuron's output over ({md(ex.data.raw_inputs[0])}, "
                           f"{md(ex.data.raw_inputs[1])}), layer by layer: how the network "
                           "builds its answer. Click one to see it large above; click an "
                           "edge of the diagram to edit its weight.")
            elif isinstance(spec, lv.PlaneLive):
                plane_options(spec)
                _draw(spec, states[-1:], 0)
            else:
                _draw(spec, states, span_ms)


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
    declared_playing = state.playing()  # the fragment's timer runs while this holds

    @st.fragment(run_every=TICK if declared_playing or replaying_link else None)
    def _live():
        if replaying_link and not link_replay():
            st.rerun()  # the whole page: the widgets show the replayed run's settings
        now = time.perf_counter()
        last = SS.get("_last_refresh", now - TICK)
        SS._last_refresh = now
        states = tick()
        if declared_playing and not state.playing():
            st.rerun()  # the whole page: Play's label and the fragment's timer change
        divergence_banner()
        metrics_row()
        span = min(max(now - last, TICK), 0.5) * 1000 if declared_playing else 0.0
        charts_area(states, span)
        edge_editor.show()

    _live()
