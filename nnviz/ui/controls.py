"""The control bar: Step, Step ×N, Play/Pause, Reset, New seed — and keys for a presenter.

Buttons act through on_click callbacks, which run before the script: the page then
draws the state after the click. Play only sets a flag; the live fragment trains.
Play/Pause is a state, not a toggle: the button's callback sets the state its label
offered (a "pause" delivered twice pauses), and every click acts.

Keys (``assets/presenter_keys.js``), when no text field has the focus: Space plays or
pauses, → and Page Down step (a presenter remote's "next"), ← and Page Up step back
through the replay, R resets; listed in the popover beside the controls.
"""

from __future__ import annotations

import streamlit as st

from ..app.jobs import StepJob
from . import jobs, livechart, replay, runs, state

SS = st.session_state
STEP_COUNTS = (10, 100, 1000)
KEYS = "presenter_keys"  # the keys' element key
KEY_HELP = """
| Key | Action |
| --- | --- |
| Space | Play / Pause |
| → or Page Down | Step |
| ← or Page Up | Step back through the replay |
| R | Reset |

When no text field has the focus.
"""


def _train(n: int) -> None:
    state.stop_playing()
    jobs.stop_stepping()  # a Step ×N under way ends where it is
    state.leave_replay()  # stepping trains the live run: show it
    state.explorer().step(n)


def _step(n: int) -> None:
    _train(n)


def _step_n() -> None:
    """N steps as a job (nnviz.ui.jobs): at once when they are quick, else in chunks
    with a progress bar and a Stop, as Play trains."""
    state.stop_playing()
    state.leave_replay()
    jobs.start(StepJob(state.explorer(), int(SS.get("step_n_count", 100))))


def _set_playing(playing: bool) -> None:
    """Play/Pause's callback: it sets the state the button offered, never toggles."""
    if playing:
        jobs.stop_stepping()
        state.explorer().clear_divergence()
        state.start_playing()
    else:
        state.stop_playing()


def _reset() -> None:
    state.stop_playing()
    jobs.stop_stepping()
    state.leave_replay()  # the run starts again: show it
    runs.catch_up()  # a trained run is kept (Undo) as it was
    state.explorer().reset()
    state.note(state.explorer().notes[-1])


def _new_seed() -> None:
    state.stop_playing()
    runs.catch_up()
    seed = state.explorer().new_seed()
    SS.seed = seed  # the seed widget shows it (callbacks run before widgets are drawn)
    state.note(f"New initial weights from seed {seed}.")


def step_back() -> None:
    """One recorded snapshot back: into the replay from the live run (the snapshot
    before the one it is at), or the snapshot before the one replayed."""
    ex = state.explorer()
    its = ex.trainer.history.snapshot_iterations
    if len(its) < 2:
        return
    if state.replaying():
        index = int(SS[state.REPLAY_INDEX]) - 1
    else:
        index = len(its) - 2 if int(its[-1]) == ex.trainer.iteration else len(its) - 1
    state.replay_at(max(index, 0))


ACTIONS = {
    "play": lambda: _set_playing(not state.playing()),
    "step": lambda: _train(1),
    "back": step_back,
    "reset": _reset,
}


def _key_pressed() -> None:
    key = (SS.get(KEYS) or {}).get("key") or {}
    action = ACTIONS.get(key.get("action") if isinstance(key, dict) else None)
    if action is not None:
        action()


def keys_help() -> None:
    """The keys, in a popover beside the controls, and the element that listens for
    them (hidden: it draws nothing)."""
    with st.popover("", icon=":material/keyboard:", help="Keyboard shortcuts"):
        st.markdown(KEY_HELP)
    mount = livechart.component("presenter_keys", "presenter_keys.js")
    if mount is not None:
        mount(key=KEYS, data={"on": True}, on_key_change=_key_pressed)


def control_bar() -> None:
    """One row: Step, Step ×N, Play/Pause, Reset, New seed and Replay — or, while a
    snapshot is replayed, Step and Play beside the replay slider and its buttons."""
    playing = state.playing()
    if state.replaying():
        cols = st.columns([0.8, 1.1, 5.5, 0.4], vertical_alignment="bottom")
        _step_button(cols[0])
        _play_button(cols[1], playing)
        with cols[2]:
            replay.replay_row()
        with cols[3]:
            keys_help()
        return
    cols = st.columns([0.8, 1.05, 0.85, 1.1, 0.9, 1.05, 1.0, 0.4])
    _step_button(cols[0])
    cols[1].button(
        "Step ×N",
        key="step_n",
        on_click=_step_n,
        width="stretch",
        help="N steps at once (N on the right).",
    )
    cols[2].selectbox(
        "N",
        STEP_COUNTS,
        index=1,
        key="step_n_count",
        label_visibility="collapsed",
        format_func=lambda n: f"×{n}",
    )
    _play_button(cols[3], playing)
    cols[4].button(
        "Reset",
        key="reset",
        on_click=_reset,
        width="stretch",
        help="Back to iteration 0 with the same initial weights.",
    )
    cols[5].button(
        "New seed",
        key="new_seed",
        on_click=_new_seed,
        width="stretch",
        help="Draw new initial weights.",
        disabled=state.hidden("seed"),
    )
    with cols[6]:
        replay.replay_button()
    with cols[7]:
        keys_help()


def _step_button(col) -> None:
    col.button(
        "Step",
        key="step",
        on_click=_step,
        args=(1,),
        width="stretch",
        help="One update on one batch.",
    )


def _play_button(col, playing: bool) -> None:
    col.button(
        "Pause" if playing else "Play",
        key="play",
        on_click=_set_playing,
        args=(not playing,),
        icon=":material/pause:" if playing else ":material/play_arrow:",
        type="primary",
        width="stretch",
        help="Train live; the charts follow as it learns.",
    )
