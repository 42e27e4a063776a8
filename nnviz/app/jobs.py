"""Heavy actions done in short pieces: Step ×N, the gradient check, the loss landscape.

A click that cannot finish in about a second does not hold its session (nor, through
the one interpreter they share, every other session of the server) for its whole
length. It starts a :class:`Job` instead, and each :meth:`Job.advance` does a piece of
it for a time budget and says how far it got (:class:`JobProgress`): the live view
advances it in its runs, as it trains while playing, with a progress bar and a Stop.
A job done in its first piece is done at once, as the click always was.

* :class:`StepJob`: N training steps (``Explorer.train_chunk``: n chunks of training
  are n × ``step()``, bit for bit);
* :class:`GradientCheckJob`: :class:`nnviz.gradcheck.GradientChecker` a few parameters
  a piece — on a sample of the training rows and parameters when there are many (the
  result says which);
* :class:`LandscapeJob`: a landscape's computation
  (:class:`~nnviz.app.views.landscape.LandscapeComputation`) a block of grid points a
  piece.

Nothing here knows of Streamlit; the page keeps the job under way in the session.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ..gradcheck import GradientCheck, GradientChecker
from .explorer import Explorer

FIRST_PIECE_S = 0.3
"""Seconds the click's own run may give a job: a small one is done at once."""


@dataclass
class JobProgress:
    """How far a job has got."""

    done: int
    total: int
    finished: bool
    note: str = ""  # what the job says when it ends (its result in words, or why it stopped)

    @property
    def fraction(self) -> float:
        return 1.0 if self.finished or not self.total else min(self.done / self.total, 1.0)


class Job:
    """A heavy action done in pieces; subclasses say what a piece is (:meth:`_work`)."""

    title = "Working"
    unit = "steps"

    def __init__(self, total: int) -> None:
        self.done = 0
        self.total = int(total)
        self.stopped = False
        self.note = ""
        self._per_item = 0.0  # seconds one item took lately (the pieces are sized by it)

    @property
    def finished(self) -> bool:
        return self.stopped or self.done >= self.total

    def progress(self) -> JobProgress:
        return JobProgress(self.done, self.total, self.finished, self.note)

    def advance(self, budget_s: float) -> JobProgress:
        """Do the job on for about ``budget_s`` seconds (one item at least); its progress."""
        t0 = time.perf_counter()
        first = True
        while not self.finished:
            left = budget_s - (time.perf_counter() - t0)
            if left <= 0 and not first:
                break
            # as many items as the time left holds, at the pace measured (one at first)
            n = max(1, int(left / self._per_item)) if self._per_item else 1
            t1 = time.perf_counter()
            did = self._work(min(n, self.total - self.done), max(left, 0.0))
            if did:
                self._per_item = (time.perf_counter() - t1) / did
            first = False
            if did == 0:
                break
        if self.finished and not self.note:
            self.note = self._finished_note()
        return self.progress()

    def stop(self) -> str:
        """End the job where it is; a note saying where ("" if it had ended)."""
        if self.finished:
            return ""
        self.stopped = True
        self.note = f"{self.title} stopped after {self.done:,} of {self.total:,} {self.unit}."
        return self.note

    def words(self) -> str:
        """What the progress bar says."""
        return f"{self.title}: {self.done:,} of {self.total:,} {self.unit}"

    # ---------------------------------------------------------------- per kind
    def _work(self, n: int, left: float) -> int:
        """Do up to ``n`` items in about ``left`` seconds; how many were done."""
        raise NotImplementedError

    def _finished_note(self) -> str:
        return ""


class StepJob(Job):
    """N training steps of the live run, a time-budgeted chunk a piece."""

    unit = "steps"

    def __init__(self, ex: Explorer, n: int) -> None:
        super().__init__(n)
        self.ex, self.trainer = ex, ex.trainer
        self.title = f"Step ×{n:,}"

    @property
    def finished(self) -> bool:
        # a new run (Reset, a rebuilt network) ends it: its steps were for the old one
        return super().finished or self.ex.trainer is not self.trainer

    def _work(self, n: int, left: float) -> int:
        ex = self.ex
        result = ex.train_chunk(n, max(left, 0.01))
        self.done += result.steps
        if result.diverged:
            self.stopped = True
            self.note = ""  # the divergence is the page's banner
            return 0
        return result.steps

    def _finished_note(self) -> str:
        return ""  # the Iteration says it


MAX_CHECK_ROWS = 256
"""Training rows a gradient check uses at most: a seeded sample of a larger table."""

MAX_CHECK_PARAMS = 400
"""Parameters a gradient check checks at most: a seeded sample of a larger network."""


class GradientCheckJob(Job):
    """The gradient check of the network shown, a few parameters a piece: on at most
    MAX_CHECK_ROWS training rows and MAX_CHECK_PARAMS parameters (seeded samples of
    more), said in :attr:`sample`."""

    title = "Gradient check"
    unit = "parameters"

    def __init__(self, ex: Explorer, seed: int = 0) -> None:
        data, net = ex.data, ex.network
        X, y = data.X_train, data.y_train
        rng = np.random.default_rng(seed)
        words = []
        if len(X) > MAX_CHECK_ROWS:
            rows = np.sort(rng.choice(len(X), MAX_CHECK_ROWS, replace=False))
            words.append(f"{MAX_CHECK_ROWS} of the {len(X):,} training rows")
            X, y = X[rows], y[rows]
        n_check = net.n_params if net.bias else net.n_weights
        params = None
        if n_check > MAX_CHECK_PARAMS:
            params = np.sort(rng.choice(n_check, MAX_CHECK_PARAMS, replace=False))
            words.append(f"{MAX_CHECK_PARAMS} of the {n_check:,} parameters")
        self.checker = GradientChecker(net, X, y, ex.trainer.loss_name, params=params)
        super().__init__(self.checker.total)
        self.iteration = ex.trainer.iteration
        self.sample = (
            "on " + " and ".join(words) + " (a sample drawn with seed " + str(seed) + ")"
            if words
            else ""
        )

    def _work(self, n: int, left: float) -> int:
        did = self.checker.check(n)
        self.done = self.checker.done
        return did

    def result(self) -> GradientCheck:
        return self.checker.result()


class LandscapeJob(Job):
    """The loss landscape of the run shown, a block of grid points a piece:
    ``computation`` is a :class:`nnviz.app.views.landscape.LandscapeComputation` (made
    by the page, which draws it: this module draws nothing)."""

    unit = "points"

    def __init__(self, computation) -> None:
        self.computation = computation
        super().__init__(computation.total)
        res = computation.resolution
        self.title = f"Loss landscape {res} × {res}"

    def _work(self, n: int, left: float) -> int:
        did = self.computation.compute(n)
        self.done = self.computation.done
        return did

    def result(self):
        """The computation's result (a ``LandscapeResult``)."""
        return self.computation.result()


def first_piece(job: Job, budget_s: float = FIRST_PIECE_S) -> JobProgress:
    """The job's first piece, in the click's own run: a small job is done at once."""
    return job.advance(budget_s)


__all__ = [
    "FIRST_PIECE_S",
    "MAX_CHECK_PARAMS",
    "MAX_CHECK_ROWS",
    "GradientCheckJob",
    "Job",
    "JobProgress",
    "LandscapeJob",
    "StepJob",
    "first_piece",
]
