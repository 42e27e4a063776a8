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
import threading
import time

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.scriptrunner_utils.script_requests import ScriptRequestType

from ..app.views import live as lv
from . import edge_editor, livechart, state
from .text import md

SS = st.session_state
TICK = 0.15  # seconds between refreshes while playing
BUDGET = 0.05  # seconds of training per refresh, at most
SHARE = 0.4  # of a process's time, the share its playing sessions may train in together
SLICES = 2  # states per refresh, played out in the browser between refreshes
THUMBS_EVERY = 4  # the neuron maps refresh every this many refreshes while playing
PLANE_EVERY = 3  # the output plane likewise
LOSS_EVERY = 2  # and the loss curve
REFRESHES_PER_S = 45  # of all the playing sessions of one server process together
HOLD_SLICE = 0.02  # seconds: how often a held refresh looks for a waiting click
STALE_AFTER = 1.0  # seconds without a refresh (or 3 intervals) after which a session
# no longer counts as playing
LOSS_AXES = {"auto": None, "linear": False, "log": True}
OPEN_REFRESH = "_refresh_open"  # set while a refresh runs


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


def _edges(ex) -> int:
    sizes = ex.network.layer_sizes
    return sum(a * b for a, b in zip(sizes, sizes[1:]))


def slices_for(ex) -> int:
    """States per refresh: fewer for a large diagram (each state is a frame of every
    edge), so a refresh stays a few kB and the browser keeps up."""
    edges = _edges(ex)
    return SLICES if edges <= 120 else 2 if edges <= 300 else 1


def diagram_every(ex) -> int:
    """A large diagram (hundreds of edges, each drawn and hoverable: about 35 ms a
    draw in headless Chromium here) is redrawn every third refresh while playing, so
    the page's main thread keeps half its time for the rest (benchmarks/bench_app.py)."""
    return 1 if _edges(ex) <= 300 else 3


_PLAYING: dict[str, float] = {}  # session id → when it last trained (this process)
_PLAYING_LOCK = threading.Lock()


def playing_sessions() -> int:
    """How many sessions of this server process are playing now (this one counted)."""
    ctx = get_script_run_ctx()
    now = time.monotonic()
    with _PLAYING_LOCK:
        if ctx is not None:
            _PLAYING[ctx.session_id] = now
        stale = max(STALE_AFTER, 3 * interval(len(_PLAYING)))
        for sid in [s for s, t in _PLAYING.items() if now - t > stale]:
            del _PLAYING[sid]
        return max(len(_PLAYING), 1)


def fair_budget(n: int) -> float:
    """Seconds of training this refresh may take: BUDGET, or less when ``n`` sessions
    of this server process play (they share one interpreter): all their training
    together takes at most SHARE of the process's time, so a room of playing sessions
    leaves time for drawing and for everyone's clicks."""
    return min(BUDGET, SHARE * interval(n) / n)


def interval(n: int) -> float:
    """Seconds between a playing session's refreshes, when ``n`` sessions of this
    process play: TICK, or longer once they would together ask for more than
    REFRESHES_PER_S. Past that the server cannot send a refresh before the session's
    next one starts, and Streamlit drops what was not sent: every page froze at once
    (benchmarks/bench_serve.py, 20 playing on one process) instead of slowing down."""
    return max(TICK, n / REFRESHES_PER_S)


def _click_waiting() -> bool:
    """A click (a rerun of the whole page) is waiting for this run to end, or the
    session is closing. Reads Streamlit's pending request; False if that cannot be read."""
    requests = getattr(get_script_run_ctx(), "script_requests", None)
    pending = getattr(requests, "_rerun_data", None)
    kind = getattr(requests, "_state", None)
    if kind == ScriptRequestType.STOP:
        return True
    return (
        kind == ScriptRequestType.RERUN
        and pending is not None
        and not pending.fragment_id_queue
        and not pending.fragment_id
    )


def hold(started: float, n: int) -> None:
    """Keep this refresh open until ``interval(n)`` has passed since it started, when
    that is longer than TICK (the browser's timer): the session's next refresh waits
    meanwhile and the server sends this one. A click ends the wait at once."""
    span = interval(n)
    if span <= TICK:
        return
    until = started + span
    while (left := until - time.perf_counter()) > 0 and not _click_waiting():
        time.sleep(min(left, HOLD_SLICE))


def tick() -> list[lv.State]:
    """Train one chunk if playing, in slices; the states to show (the last is now).

    Play stops at the chosen iteration or loss, or on divergence (with a note).
    """
    ex = state.explorer()
    if not state.playing() or state.replaying():
        return [lv.state_of(state.view())]
    speed = int(SS.get("speed", 100))
    slices = max(1, min(SLICES, speed, slices_for(ex)))
    budget = fair_budget(playing_sessions())
    states = []
    done = 0
    for k in range(slices):
        steps = (speed * (k + 1)) // slices - done
        result = ex.train_chunk(
            steps,
            budget / slices,
            int(SS.get("stop_at") or 0),
            float(SS.get("target_loss") or 0.0),
            float(SS.get("target_accuracy") or 0.0) / 100,
        )
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
    """Six metrics on one line, each short enough for its share of 1280 px. One
    horizontal container (not six columns): fewer blocks for the browser to redraw."""
    ex = state.view()
    m = ex.metrics()
    if m.kind == "accuracy":
        scores = [
            ("Train acc.", percent(m.train_score), "Share of training rows classified right."),
            ("Test acc.", percent(m.test_score), "Share of test rows classified right."),
        ]
    else:
        unit = md(ex.data.targets[0])
        scores = [
            (
                "RMSE train",
                short(m.train_score),
                f"Root mean squared error of {unit} on the training rows, in the table's units.",
            ),
            ("RMSE test", short(m.test_score), f"The same for the test rows ({unit})."),
        ]
    sps = math.nan if state.replaying() else ex.steps_per_second
    shown = [
        ("Iteration", f"{m.iteration:,}", None),
        (
            "Train loss",
            short(m.train_loss),
            f"{ex.trainer.loss_name} on the training rows, at the weights shown.",
        ),
        ("Test loss", short(m.test_loss), "The same loss on the test rows."),
        *scores,
        (
            "Steps / s",
            "—" if math.isnan(sps) else f"{sps:,.0f}",
            "Steps per second of the last Step ×N or live chunk (computing only).",
        ),
    ]
    row = st.container(horizontal=True, gap="small")
    for label, value, help_text in shown:
        row.metric(label, value, help=help_text, width="stretch")


NEURON = "plane_neuron"  # a neuron shown large in the plane (its name), or absent
SHOW_TEST = "show_test"


def show_neuron(point: dict) -> None:
    """A neuron's map was clicked: show it large in the plane (the maps' heatmap of
    layer k is named "layer k"; each cell's customdata is its neuron)."""
    try:
        layer = int(str(point.get("trace")).removeprefix("layer "))
        neuron = int(point.get("customdata"))
        names = lv.layer_names(state.view())[layer]
    except (TypeError, ValueError, IndexError):
        return
    if 0 <= neuron < len(names):
        SS[NEURON] = names[neuron]


def neuron_traces() -> tuple:
    """The neuron maps' trace names: one heatmap per layer."""
    return tuple(f"layer {k}" for k in range(1, state.view().network.n_layers + 1))


def plane_options() -> None:
    """Over the charts (outside the live fragment, so a refresh does not redraw them):
    which neuron the plane shows, the test rows and discretize toggles."""
    ex = state.view()
    if not lv.has_plane(ex):
        return
    neuron = SS.get(NEURON) if lv.neuron_place(ex, SS.get(NEURON)) else None
    c0, c1, c2, _ = st.columns([1.5, 0.8, 0.8, 2.2], vertical_alignment="center")
    if neuron:
        c0.button(
            f"Output, not {md(neuron)}",
            key="plane_output",
            icon=":material/undo:",
            on_click=lambda: SS.pop(NEURON, None),
            help="The plane shows one neuron's map; click a map below for another, or "
            "this to see the network's output again.",
        )
    c1.toggle("Test data", key=SHOW_TEST, value=True, help="Show the test rows on the plane.")
    c2.toggle(
        "Discretize",
        key=state.DISCRETIZE,
        help="Two colours: the class each point of the plane gets.",
    )


def _clicks(key: str) -> dict:
    """What a click on a live chart does: an edge opens its weight's editor, a neuron's
    map is shown large in the plane."""
    if key == "diagram_chart":
        return {"on_click": edge_editor.on_edge_click, "clickable": ("edges",)}
    if key == "thumbs_chart":  # small maps: no toolbar over their titles
        return {
            "on_click": show_neuron,
            "clickable": neuron_traces(),
            "config": {"displayModeBar": False},
        }
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
    livechart.live_chart(
        spec.key,
        signature=spec.signature(),
        figure=spec.figure,
        info=spec.base_info,
        frames=frames or (),
        span_ms=span_ms,
        height=spec.height,
        **_clicks(spec.key),
    )


#: where each live chart goes: (row, column) of a 2 × 2 grid — the output and the
#: network side by side on top (above a projector's fold), loss and neuron maps below
PLACES = {
    "plane_chart": (0, 0),
    "curve_chart": (0, 0),
    "fit_chart": (0, 0),
    "live_heatmaps_chart": (0, 0),
    "images_chart": (0, 0),
    "diagram_chart": (0, 1),
    "loss_chart": (1, 0),
    "thumbs_chart": (1, 1),
}


def charts_area(states: list[lv.State], span_ms: float) -> None:
    ex = state.view()
    playing = state.playing()
    specs = lv.live_specs(
        ex,
        log_y=LOSS_AXES[SS.get(state.LOSS_AXIS) or "auto"],
        replay=state.replaying(),
        row=SS.get(state.DIAGRAM_ROW, 0),
        playing=playing,
        discretize=bool(SS.get(state.DISCRETIZE)),
        neuron=SS.get(NEURON),
        show_test=SS.get(SHOW_TEST, True),
    )
    # two columns of two charts (the top pair as tall as each other, so rows line up):
    # three blocks for the browser to redraw at each refresh, not six
    column = st.columns([1.25, 1], gap="small")
    count = SS.get("_refreshes", 0) + 1
    SS._refreshes = count
    for spec in sorted(specs, key=lambda sp: PLACES[sp.key]):
        _, c = PLACES[spec.key]
        with column[c]:
            if isinstance(spec, lv.ThumbnailsLive):
                refresh = not playing or count % THUMBS_EVERY == 0
                _draw(spec, states[-1:], 0, refresh=refresh)
                st.caption(
                    f"Each neuron's output over ({md(ex.data.raw_inputs[0])}, "
                    f"{md(ex.data.raw_inputs[1])}), layer by layer: how the network "
                    "builds its answer. Click one to see it large above; click an "
                    "edge of the diagram to edit its weight."
                )
            elif isinstance(spec, lv.PlaneLive):
                refresh = not playing or count % PLANE_EVERY == 0
                _draw(spec, states[-1:], 0, refresh=refresh)
            elif isinstance(spec, lv.LossLive):
                refresh = not playing or count % LOSS_EVERY == 0
                _draw(spec, states[-1:], 0, refresh=refresh)
            elif isinstance(spec, lv.DiagramLive):
                refresh = not playing or count % diagram_every(ex) == 0
                _draw(spec, states, span_ms, refresh=refresh)
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
        SS[state.LINK_NOTES] = [
            *SS.get(state.LINK_NOTES, []),
            p.note or (f"Trained {p.done:,} steps, as the link asks."),
        ]
        return False
    st.progress(
        p.fraction, text=f"Replaying the link's run: iteration {p.iteration:,} of {p.total:,}"
    )
    st.button("Stop replaying the link", key="stop_link_replay", on_click=state.stop_link_replay)
    return True


def divergence_banner() -> None:
    ex = state.explorer()
    if ex.divergence:
        st.error(md(ex.divergence), icon=":material/warning:")


def live_view() -> None:
    """Declare and draw the fragment (its refresh interval depends on playing)."""
    plane_options()
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
        # A refresh that did not get to its end was interrupted (by a click, or by an
        # error): this one only draws, so what is on screen catches up first.
        cut_short = SS.get(OPEN_REFRESH, False)
        SS[OPEN_REFRESH] = True
        states = [lv.state_of(state.view())] if cut_short else tick()
        if declared_playing and not state.playing():
            st.rerun()  # the whole page: Play's label and the fragment's timer change
        divergence_banner()
        metrics_row()
        span = min(max(now - last, TICK), 0.5) * 1000 if declared_playing else 0.0
        charts_area(states, span)
        SS[OPEN_REFRESH] = False
        edge_editor.show()
        if declared_playing and state.playing():
            hold(now, playing_sessions())

    _live()
