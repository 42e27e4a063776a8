"""Replay: a slider over the recorded iterations drives every view at once.

While replaying, the views draw ``state.view()`` — the run at the chosen snapshot —
and the live trainer is untouched; "Continue from here" makes that snapshot live.
"""

from __future__ import annotations

import streamlit as st

from . import state

SS = st.session_state


def _start_replay() -> None:
    state.replay_at(len(state.explorer().trainer.history.snapshot_iterations) - 1)


def _back_to_start() -> None:
    state.replay_at(0)


def _slider_moved() -> None:
    its = list(state.explorer().trainer.history.snapshot_iterations)
    at = SS[state.REPLAY_AT]
    SS[state.REPLAY_INDEX] = its.index(at) if at in its else len(its) - 1


def _continue() -> None:
    index = SS.get(state.REPLAY_INDEX)
    state.leave_replay()
    if index is not None:
        it = state.explorer().continue_from(int(index))
        state.note(f"The run goes on from iteration {it}; what came after it is forgotten.")


def replay_button() -> None:
    """In the control row: enter the replay (at the latest snapshot)."""
    its = state.explorer().trainer.history.snapshot_iterations
    st.button(
        "Replay",
        key="replay",
        icon=":material/history:",
        on_click=_start_replay,
        disabled=len(its) < 2,
        width="stretch",
        help="Scrub back through the recorded weights; every view follows.",
    )


def replay_row() -> None:
    """While replaying: the slider over the recorded iterations, and Back to start,
    Back to live, Continue from here."""
    ex = state.explorer()
    its = [int(i) for i in ex.trainer.history.snapshot_iterations]
    SS[state.REPLAY_INDEX] = min(int(SS[state.REPLAY_INDEX]), len(its) - 1)
    SS[state.REPLAY_AT] = its[SS[state.REPLAY_INDEX]]
    c0, c1, c2, c3 = st.columns([3.1, 0.9, 0.9, 1.2], vertical_alignment="bottom")
    c0.select_slider(
        f"Replaying iteration (of {its[-1]:,}; {len(its)} snapshots)",
        its,
        key="replay_at",
        on_change=_slider_moved,
        help="Every view shows the run as it was at this iteration; the live run waits "
        f"at iteration {its[-1]:,}. Step or Play goes back to it.",
    )
    c1.button(
        "Start",
        key="back_to_start",
        on_click=_back_to_start,
        width="stretch",
        icon=":material/first_page:",
        help="The initial weights.",
    )
    c2.button(
        "Live",
        key="back_to_live",
        on_click=state.leave_replay,
        width="stretch",
        icon=":material/last_page:",
        help="Leave the replay; the live run is as you left it.",
    )
    c3.button(
        "Continue",
        key="continue_here",
        on_click=_continue,
        width="stretch",
        icon=":material/call_split:",
        help="Continue from here: make this snapshot the live state and train on from "
        "it (what came after it is forgotten).",
    )
