"""Replay: a slider over the recorded iterations drives every view at once.

While replaying, the views draw ``state.view()`` — the run at the chosen snapshot —
and the live trainer is untouched; "Continue from here" makes that snapshot live.
"""

from __future__ import annotations

import streamlit as st

from ..app import views
from . import state
from .live import CHART_CONFIG

SS = st.session_state


def _start_replay() -> None:
    SS.playing = False
    its = state.explorer().trainer.history.snapshot_iterations
    SS.replay_index = len(its) - 1
    SS.replay_at = int(its[-1])


def _back_to_start() -> None:
    SS.playing = False
    SS.replay_index = 0
    SS.replay_at = 0


def _live() -> None:
    SS.replay_index = None


def _slider_moved() -> None:
    its = list(state.explorer().trainer.history.snapshot_iterations)
    SS.replay_index = its.index(SS.replay_at) if SS.replay_at in its else len(its) - 1


def _continue() -> None:
    index = SS.replay_index
    SS.replay_index = None
    if index is not None:
        it = state.explorer().continue_from(int(index))
        state.flash(f"The run goes on from iteration {it}; what came after it is forgotten.")


def replay_bar() -> None:
    """Above the live view: enter replay, or the slider with its buttons."""
    ex = state.explorer()
    its = [int(i) for i in ex.trainer.history.snapshot_iterations]
    if SS.get("replay_index") is None:
        c1, c2, _ = st.columns([1.2, 1.3, 4])
        c1.button(
            "Replay the run",
            key="replay",
            icon=":material/history:",
            on_click=_start_replay,
            disabled=len(its) < 2,
            width="stretch",
            help="Scrub back through the recorded weights; every view follows.",
        )
        c2.button(
            "Back to start",
            key="back_to_start",
            on_click=_back_to_start,
            icon=":material/first_page:",
            disabled=len(its) < 2,
            width="stretch",
            help="Show the initial weights.",
        )
        return
    SS.replay_index = min(int(SS.replay_index), len(its) - 1)
    SS.replay_at = its[SS.replay_index]
    st.info(f"Replaying iteration {SS.replay_at:,}: every view shows the run as it was then. "
            f"The live run waits at iteration {its[-1]:,}; Step or Play goes back to it.",
            icon=":material/history:")
    st.select_slider(
        f"Replaying iteration (of {its[-1]:,}; {len(its)} snapshots)",
        its,
        key="replay_at",
        on_change=_slider_moved,
    )
    c1, c2, c3, _ = st.columns([1.1, 1.3, 1.4, 3])
    c1.button(
        "Back to start",
        key="back_to_start",
        on_click=_back_to_start,
        width="stretch",
        icon=":material/first_page:",
    )
    c2.button(
        "Back to live",
        key="back_to_live",
        on_click=_live,
        width="stretch",
        icon=":material/last_page:",
        help="Leave the replay; the live run is as you left it.",
    )
    c3.button(
        "Continue from here",
        key="continue_here",
        on_click=_continue,
        icon=":material/call_split:",
        width="stretch",
        help="Make this snapshot the live state and train on from it.",
    )


def animation_tab() -> None:
    ex = state.explorer()
    if SS.get("playing"):
        st.info("Pause to build the animation of the whole run.")
        return
    if ex.trainer.iteration == 0:
        st.info(
            "Train a few steps: the animation plays the recorded weights, iteration by iteration."
        )
        return
    row = SS.get("diagram_row", 0)
    # built once per state of the run: other clicks (tabs, options) reuse it
    stamp = (id(ex.trainer), ex.trainer.iteration, row, len(ex.trainer.history.events))
    if SS.get("_animation_stamp") != stamp:
        SS._animation = views.animation_view(ex, row=row)
        SS._animation_stamp = stamp
    st.plotly_chart(
        SS._animation,
        key="animation_chart",
        theme=None,
        config=CHART_CONFIG,
    )
    st.caption(
        f"{len(ex.trainer.history.snapshot_iterations)} recorded snapshots; "
        "at most 200 frames, evenly spread from iteration 0 to now. "
        "Press ▶ in the chart or drag its slider."
    )
