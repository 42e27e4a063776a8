"""The control bar: Step, Step ×N, Play/Pause, Reset, New seed.

Buttons act through on_click callbacks, which run before the script: the page then
draws the state after the click. Play only sets a flag; the live fragment trains.
"""

from __future__ import annotations

import functools
import time

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from . import replay, state

SS = st.session_state
STEP_COUNTS = (10, 100, 1000)
REPEAT_WINDOW = 0.5  # seconds: a click's second delivery comes this soon after its first
LAST_CLICK = "_last_control_click"  # (button key, when, whether in a live refresh)


def once_per_click(key: str):
    """A control button's callback, run once per click.

    While the live view refreshes on a timer, one click can reach the server twice:
    first in the timer's refresh of the live fragment (a fragment run), then in the
    click's own run of the page. Between the two the button may be drawn again with
    the opposite action (Pause → Play), so the second call would undo the first; a
    call of the same button's callback within REPEAT_WINDOW of one made in a live
    refresh is that second delivery, and does nothing.
    """

    def wrap(fn):
        @functools.wraps(fn)
        def callback(*args):
            ctx = get_script_run_ctx()
            in_refresh = bool(ctx and ctx.fragment_ids_this_run)
            now = time.monotonic()
            last = SS.get(LAST_CLICK)
            SS[LAST_CLICK] = (key, now, in_refresh)
            if last is not None and last[0] == key and last[2] and now - last[1] < REPEAT_WINDOW:
                return None
            return fn(*args)

        return callback

    return wrap


def _train(n: int) -> None:
    state.stop_playing()
    state.leave_replay()  # stepping trains the live run: show it
    state.explorer().step(n)


@once_per_click("step")
def _step(n: int) -> None:
    _train(n)


@once_per_click("step_n")
def _step_n() -> None:
    _train(int(SS.get("step_n_count", 100)))


@once_per_click("play")
def _set_playing(playing: bool) -> None:
    """Play/Pause's callback. It sets, not toggles, and runs once per click."""
    if playing:
        state.explorer().clear_divergence()
        state.start_playing()
    else:
        state.stop_playing()


@once_per_click("reset")
def _reset() -> None:
    state.stop_playing()
    state.explorer().reset()
    state.note(state.explorer().notes[-1])


@once_per_click("new_seed")
def _new_seed() -> None:
    state.stop_playing()
    seed = state.explorer().new_seed()
    SS.seed = seed  # the seed widget shows it (callbacks run before widgets are drawn)
    state.note(f"New initial weights from seed {seed}.")


def control_bar() -> None:
    """One row: Step, Step ×N, Play/Pause, Reset, New seed and Replay — or, while a
    snapshot is replayed, Step and Play beside the replay slider and its buttons."""
    playing = state.playing()
    if state.replaying():
        cols = st.columns([0.8, 1.1, 5.5], vertical_alignment="bottom")
        _step_button(cols[0])
        _play_button(cols[1], playing)
        with cols[2]:
            replay.replay_row()
        return
    cols = st.columns([0.8, 1.05, 0.85, 1.1, 0.9, 1.05, 1.0])
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
