"""The live part of the page: the numbers, loss curve, network diagram and output plane.

It is one ``st.fragment``, and the browser drives its clock. While playing, each run
of the fragment trains one *chunk* — a few steps per frame, the state after each kept
— and sends it: the numbers and every chart's frames, which the browser plays out at
the frame rate. When they are about to run out the browser asks for the next chunk
(the numbers' trigger "next"), which reruns the fragment: one request in flight per
page, so a slow server gives fewer, larger chunks and never a queue. No timer runs on
the server and nothing waits there (``nnviz.ui.pace`` has the arithmetic and the fair
share of a process's time). Paused, the fragment draws once per page run.

The buttons live outside it, so a click waits at most for one short run. Play/Pause,
Step and Reset act in their callbacks, before the page is drawn.

The charts are live charts (``nnviz.ui.livechart``): one Plotly div each, updated in
place with patches, never re-created while the page lives; each chart's spec
(``nnviz.app.views.live``) says where it goes, how often it moves and what a click on
it does.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import streamlit as st

from ..app.views import live as lv
from . import edge_editor, jobs, livechart, pace, runs, state
from .text import md

SS = st.session_state
LOSS_AXES = {"auto": None, "linear": False, "log": True}
OPEN_RUN = "_live_run_open"  # set while a run of the live view draws
PACE = "_live_pace"
NUMBERS = "live_metrics"  # the numbers' element key


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


def percent(v) -> str:
    return "—" if v is None or math.isnan(v) else f"{v:.0%}"


def session_pace() -> pace.Pace:
    return SS.setdefault(PACE, pace.Pace())


# ------------------------------------------------------------------------ the numbers
def metrics_of(ex) -> list[livechart.Metric]:
    """The live numbers' labels and help: Iteration, the losses, the score (accuracy
    or RMSE in the table's units) and steps per second."""
    loss = ex.trainer.loss_name
    if ex.task == "regression":
        unit = ex.data.targets[0]
        scores = [
            livechart.Metric(
                "train_score",
                "RMSE train",
                f"Root mean squared error of {unit} on the training rows, in the table's units.",
            ),
            livechart.Metric("test_score", "RMSE test", f"The same for the test rows ({unit})."),
        ]
    else:
        scores = [
            livechart.Metric(
                "train_score", "Train acc.", "Share of training rows classified right."
            ),
            livechart.Metric("test_score", "Test acc.", "Share of test rows classified right."),
        ]
    return [
        livechart.Metric("iteration", "Iteration", "Training steps taken."),
        livechart.Metric(
            "train_loss", "Train loss", f"{loss} on the training rows, at the weights shown."
        ),
        livechart.Metric("test_loss", "Test loss", "The same loss on the test rows."),
        *scores,
        livechart.Metric(
            "steps_per_s",
            "Steps / s",
            "Steps per second of the last Step ×N or live chunk (computing only).",
        ),
    ]


def values_of(ex, *, replaying: bool = False) -> list[str]:
    """The live numbers of ``ex`` now, as shown (in the order of ``metrics_of``)."""
    m = ex.metrics()
    score = percent if m.kind == "accuracy" else short
    sps = math.nan if replaying else ex.steps_per_second
    return [
        f"{m.iteration:,}",
        short(m.train_loss),
        short(m.test_loss),
        score(m.train_score),
        score(m.test_score),
        "—" if math.isnan(sps) else f"{sps:,.0f}",
    ]


# ------------------------------------------------------------------------ a chunk
@dataclass
class Chunk:
    """What one run of the live view shows: a state and its numbers per frame."""

    states: list[lv.State]
    values: list[list[str]]

    @property
    def frames(self) -> int:
        return len(self.states)


def still(frames: int = 1) -> Chunk:
    """The view as it is (paused, replaying, or a run cut short), held for ``frames``."""
    ex = state.view()
    return Chunk([lv.state_of(ex)] * frames, [values_of(ex, replaying=state.replaying())] * frames)


def asked(key: str = NUMBERS) -> None:
    """The browser asks for the next chunk: how many frames would cover its wait."""
    value = (SS.get(key) or {}).get("next") or {}
    try:
        session_pace().asked = int(value.get("frames") or 0)
    except (TypeError, ValueError, AttributeError):
        session_pace().asked = 0


def tick() -> Chunk:
    """Train one chunk if playing, a few steps per frame; its states and numbers.

    The chunk's budget (``pace.budget``, wall-clock seconds) is for training alone:
    the steps that fit in it at this session's training rate (steps per CPU second of
    its thread, so that a busy interpreter does not make it plan ever fewer) are
    spread over the frames, and past the budget the frames repeat the state. Play
    stops at the chosen iteration or loss, or on divergence (with a note).
    """
    p = session_pace()
    if not state.playing() or state.replaying():
        pace.PLAYERS.paused(p)
        return still()
    ex = state.explorer()
    n = pace.PLAYERS.playing(p)
    frames = pace.chunk_frames(p.asked, n)
    budget = pace.budget(frames, n)
    steps = pace.frame_steps(int(SS.get("speed", 100)), frames, budget * p.rate)
    chunk = Chunk([], [])
    spent, cpu, trained = 0.0, 0.0, 0  # seconds (wall, and this thread's CPU), steps
    for k, count in enumerate(steps):
        result = None
        if count and (spent < budget or not k):
            cpu0 = time.thread_time()
            result = ex.train_chunk(
                count,
                max(budget - spent, 0.0) / (frames - k),
                int(SS.get("stop_at") or 0),
                float(SS.get("target_loss") or 0.0),
                float(SS.get("target_accuracy") or 0.0) / 100,
            )
            cpu += time.thread_time() - cpu0
            spent, trained = spent + result.seconds, trained + result.steps
        if chunk.states and not (result and result.steps):
            chunk.states.append(chunk.states[-1])  # nothing trained: the same state again
            chunk.values.append(chunk.values[-1])
        else:
            chunk.states.append(lv.state_of(ex))
            chunk.values.append(values_of(ex))
        if result and result.stopped:
            state.stop_playing()
            pace.PLAYERS.paused(p)
            if not ex.divergence:  # a divergence is shown once, as the banner
                state.note(result.stopped, "success")
            break
    if trained and cpu > 0:
        p.rate = trained / cpu  # steps a CPU second, as this session trains in frames
    return chunk


# ------------------------------------------------------------------------ the charts
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


#: what a click on a live chart does, by the name its spec gives (``LiveSpec.click``)
CLICKS = {
    "edit_weight": edge_editor.on_edge_click,
    "show_neuron": show_neuron,
}


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


def specs() -> list[lv.LiveSpec]:
    return lv.live_specs(
        state.view(),
        log_y=LOSS_AXES[SS.get(state.LOSS_AXIS) or "auto"],
        replay=state.replaying(),
        row=SS.get(state.DIAGRAM_ROW, 0),
        playing=state.playing(),
        discretize=bool(SS.get(state.DISCRETIZE)),
        neuron=SS.get(NEURON),
        show_test=SS.get(SHOW_TEST, True),
    )


PAGE_RUNS = "_live_page_runs"  # full runs of the page so far
DRAWN = "_live_drawn"  # what the charts last showed, not playing: (page run, neuron, State)


def drawn_view(chunk: Chunk) -> tuple:
    """What the charts show when drawn with ``chunk``, not playing: (page run, neuron,
    its last state)."""
    return SS.get(PAGE_RUNS, 0), SS.get(NEURON), chunk.states[-1]


def drawn_already(chunk: Chunk) -> bool:
    """Not playing, the charts show this chunk's state already: no full run of the page
    since they were drawn whole (its settings and options are as they were), and the
    same iteration, parameters and neuron (a heavy action that does not train, as it
    goes on, costs no chart updates)."""
    last, now = SS.get(DRAWN), drawn_view(chunk)
    return (
        last is not None
        and last[:2] == now[:2]
        and last[2].iteration == now[2].iteration
        and np.array_equal(last[2].params, now[2].params)
    )


def charts_area(chunk: Chunk, timing: livechart.Timing, first: int) -> None:
    """Every live chart in its place of a 2 × 2 grid: two columns of two charts (three
    blocks for the browser to redraw, not six), each with the frames it is due at."""
    p = session_pace()
    n = pace.PLAYERS.count()
    column = st.columns([1.25, 1], gap="small")
    same = timing.now and drawn_already(chunk)
    SS.pop(DRAWN, None)  # set again once every chart is drawn (a run may be cut short)
    for spec in sorted(specs(), key=lambda sp: sp.place):
        if same:
            due = []  # the browser shows it already: nothing new to send
        elif timing.now:
            due = [(chunk.frames - 1, chunk.states[-1])]  # not playing: as it is now
            p.due.pop(spec.key, None)
        else:
            every = pace.cadence(spec.every, n)
            frames = p.due_frames(spec.key, every, first, chunk.frames)
            due = [(i, chunk.states[i]) for i in frames]
        with column[spec.place[1]]:
            livechart.chart(spec, timing, due, on_click=CLICKS.get(spec.click))
            if caption := spec.caption():
                st.caption(md(caption))
    if timing.now:
        SS[DRAWN] = drawn_view(chunk)


# ------------------------------------------------------------------------ the fragment
LINK_BUDGET = 0.1  # seconds of a link's training per run


def link_replay() -> bool:
    """Advance the run a link asks for by one run's work, with a progress bar;
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


def chunk_of_run() -> Chunk:
    """This run's chunk: Play's (``tick``), and a piece of a heavy action under way
    (``nnviz.ui.jobs``) in what is left of the chunk's share — or, not playing, in
    the share of a chunk that holds the view as it is after the piece."""
    p = session_pace()
    if state.playing() and not state.replaying():
        t0 = time.perf_counter()
        chunk = tick()
        jobs.advance(p, time.perf_counter() - t0)
        return chunk
    frames = jobs.advance(p)
    return still(frames) if frames else tick()


def divergence_banner() -> None:
    ex = state.explorer()
    if ex.divergence:
        st.error(md(ex.divergence), icon=":material/warning:")


def page_state() -> tuple:
    """What the page outside the fragment shows of the run: Play's label, the replay
    row, a link's replay. When a run of the fragment changes it (Play stopped at its
    target; a click's callback ran in the fragment's run) the whole page reruns."""
    ex = state.explorer()
    return state.playing(), SS.get(state.REPLAY_INDEX), ex.link_replay_pending, jobs.identity()


def live_view() -> None:
    """Declare and draw the live fragment (it reruns when the browser asks for more)."""
    SS[PAGE_RUNS] = SS.get(PAGE_RUNS, 0) + 1
    plane_options()
    if state.playing():
        # Streamlit's running indicator would flicker on every chunk
        st.html("<style>[data-testid='stStatusWidget']{visibility:hidden}</style>")
    drawn = page_state()

    @st.fragment
    def _live():
        replaying_link = link_replay()
        # A run that did not get to its end was interrupted (by a click, or by an
        # error): this one only draws, so what is on screen catches up first.
        cut_short = SS.get(OPEN_RUN, False)
        SS[OPEN_RUN] = True
        chunk = still() if cut_short else chunk_of_run()
        if page_state() != drawn:
            st.rerun()  # the whole page: Play's label, the replay row, a job's result …
        playing = state.playing() and not state.replaying()
        working = jobs.progress()  # a heavy action under way: its progress and Stop
        p = session_pace()
        number, first = p.next_chunk(chunk.frames)
        # the browser asks for more when these run out
        more = playing or replaying_link or working
        timing = livechart.Timing(p.sid, number, chunk.frames, more, not playing)
        divergence_banner()
        livechart.numbers(NUMBERS, timing, metrics_of(state.view()), chunk.values, on_next=asked)
        charts_area(chunk, timing, first)
        SS[OPEN_RUN] = False
        edge_editor.show()
        if playing:
            runs.save_while_playing()  # the chunk trained: saved at most every 2 s

    _live()
