"""Heavy actions on the page: Step ×N, the gradient check and the loss landscape as jobs.

A click that cannot finish in about a second does not hold its session for its whole
length (nor, through the interpreter they share, every other session of the server).
The click's own run does a first piece of it (``FIRST_PIECE_S``): a small job is done
at once, as it always was. A larger one is kept in the session (one job at a time)
and goes on in the live view's loop, as Play does: while it runs, the browser asks
for the next chunk, and each run of the live fragment does one piece of the job for
the chunk's fair share of the process (``nnviz.ui.pace``: a running job counts as a
playing session), then draws its progress bar and a Stop. Between two pieces the page
is idle, so every click answers at once; when the job ends the whole page is drawn
again with its result. Nothing waits or sleeps on the server.

The jobs themselves (``nnviz.app.jobs``) know nothing of Streamlit; what a finished
job leaves on the page is said by the function given to :func:`start`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from ..app.jobs import FIRST_PIECE_S, GradientCheckJob, Job, LandscapeJob, StepJob
from . import pace, state

SS = st.session_state
RUNNING = state.JOB  # the session's job under way (a Running), or absent
STOP_KEY = "stop_job"
MIN_PIECE_S = 0.02  # a piece's budget at least, when playing took the chunk's share

#: what the Stop button says, by the kind of job
STOP_WORDS = {
    StepJob: "Stop stepping",
    GradientCheckJob: "Stop the check",
    LandscapeJob: "Stop the landscape",
}


@dataclass(eq=False)
class Running:
    """A job under way and what its end leaves on the page (``done(job)``, called once
    whether it finished or was stopped)."""

    job: Job
    done: Callable[[Job], None]


def running() -> Job | None:
    """The session's job under way, or None."""
    r = SS.get(RUNNING)
    return r.job if r is not None else None


def start(job: Job, done: Callable[[Job], None] = lambda job: None) -> None:
    """Start ``job`` (a click's callback): a job under way is stopped first (its note
    said), then the first piece is done in this run; a job that ends there is done."""
    stop()
    job.advance(FIRST_PIECE_S)
    SS[RUNNING] = Running(job, done)
    if job.finished:
        _end()


def stop() -> None:
    """End the job under way where it is (the Stop button; another heavy action or a
    training click): its note says how far it got."""
    r = SS.get(RUNNING)
    if r is None:
        return
    r.job.stop()
    _end()


def stop_stepping() -> None:
    """A training click (Step, Play, Reset …): a Step ×N under way ends where it is."""
    if isinstance(running(), StepJob):
        stop()


def _end() -> None:
    r = SS.pop(RUNNING, None)
    if r is None:
        return
    r.done(r.job)
    if r.job.note:
        state.note(r.job.note, "info" if r.job.stopped else "success")


def advance(p: pace.Pace, spent: float = 0.0) -> int:
    """One piece of the job under way, in a run of the live fragment (``p``: the
    session's pace, where a job counts as playing): the frames of play it covers (the
    browser asks for the next chunk once they have played), 0 when no job runs. The
    piece works for the chunk's fair share less ``spent`` (what Play's chunk took of
    it in this run)."""
    r = SS.get(RUNNING)
    if r is None:
        return 0
    if not r.job.finished:
        n = pace.PLAYERS.playing(p)
        frames = pace.chunk_frames(p.asked, n)
        r.job.advance(max(pace.budget(frames, n) - spent, MIN_PIECE_S))
        if not r.job.finished:
            return frames
    _end()  # finished (or a new run ended a Step ×N)
    if not state.playing():
        pace.PLAYERS.paused(p)
    return 0


def progress() -> bool:
    """The job under way's progress bar and Stop; whether one is under way."""
    job = running()
    if job is None:
        return False
    p = job.progress()
    bar, button = st.columns([5, 1], vertical_alignment="center")
    bar.progress(p.fraction, text=job.words())
    button.button(
        STOP_WORDS.get(type(job), "Stop"),
        key=STOP_KEY,
        icon=":material/stop:",
        on_click=stop,
        width="stretch",
        help="End it here: what is done so far is kept.",
    )
    return True


def identity() -> int | None:
    """Which job is under way (for the live view's page state: the page is drawn again
    when a job starts or ends)."""
    r = SS.get(RUNNING)
    return id(r) if r is not None else None
