"""What happened in the current run: how it came about and what replaying it costs.

* :class:`RunLog`: the table and settings of the run's iteration 0 and the trainer whose
  log (:attr:`nnviz.history.History.log`, :class:`RunEvent` s) holds every change since:
  new hot settings, a hand-edited weight, an edited table, a rewind, refused steps. It is
  what a link carries (:mod:`nnviz.app.urlstate`) and replays (:mod:`nnviz.app.linkreplay`).
* :func:`replay_cost` / :func:`link_cost`: what replaying a run's events costs — the
  training and every event applied — cut at the link budget (:data:`MAX_LINK_STEPS`,
  :data:`LINK_WORK_BUDGET`); how many events a link may carry (:data:`MAX_LINK_EVENTS`,
  :data:`MAX_LINK_TABLES`);
  :class:`LinkReplayProgress`: how far a replay has got.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from ..history import EVENT_KINDS, RunEvent
from ..trainer import Trainer
from .settings import Settings


@dataclass
class RunLog:
    """How the current run came about: the table and settings of its iteration 0 and what
    changed since, in order (:attr:`events`, the trainer's log). Replayed from the seed's
    weights, it is the same run."""

    table: pd.DataFrame
    settings: Settings
    trainer: Trainer | None  # the run this log is about (None: none of this session's)
    weights: str = ""  # where the initial weights came from if not from the seed

    @property
    def events(self) -> list[RunEvent]:
        """Every change since iteration 0, in order (rewound ones too: a link replays them);
        none without its trainer."""
        return [] if self.trainer is None else list(self.trainer.history.log)

    def foreign_weights(self, trainer: Trainer) -> str:
        """Why the seed does not give this run's initial weights ("" if it does)."""
        if trainer is not self.trainer:
            return "the run started from uploaded weights"
        return self.weights


@dataclass
class LinkReplayProgress:
    """How far the replay of a run's log has got (:mod:`nnviz.app.linkreplay`)."""

    iteration: int
    done: int  # steps trained so far
    total: int  # steps to train in all
    finished: bool
    note: str = ""  # why it stopped early, if it did
    settings_changed: bool = False  # this advance applied new settings: show them
    table_changed: bool = False  # … or an edited table

    @property
    def fraction(self) -> float:
        return 1.0 if self.finished or not self.total else min(self.done / self.total, 1.0)


def train_rows(table: pd.DataFrame) -> int:
    """How many rows of a table are for training (at most): those not marked test/predict."""
    if "split" not in table.columns:
        return len(table)
    other = table["split"].map(lambda v: str(v).strip().lower() in ("test", "predict"))
    return int(len(table) - other.sum())


@dataclass
class ReplayCost:
    """What replaying a run costs: the steps to train and the work, in rows × parameters
    of each step plus what applying each event costs (:func:`event_work`)."""

    steps: int  # steps to train, all segments together (a rewind trains some twice)
    work: float  # rows per step × parameters, summed over those steps, and the events'
    end: int  # the iteration the replay stops at
    events: int  # how many of the events it applies
    cut: bool  # the budget stopped it before the run's end


MAX_LINK_EVENTS = 2_000
"""Most changes a link's log may carry: more than a run made by hand needs (a lesson
changes a setting or a weight a few dozen times)."""

MAX_LINK_TABLES = 50
"""Most edited tables among them: each one is read, checked and prepared whole."""

EVENT_WORK = 50_000
"""The work of applying one event, in rows × parameters: what about 0.5 ms of training
does on the development machine (a settings change takes 0.1–0.2 ms, a rewind 0.02)."""

CELL_WORK = 20
"""And per cell of an edited table (read, compared and prepared: 2.4 ms for 4,500 × 3)."""


def event_work(event) -> float:
    """What applying one event costs a replay, in the units of rows × parameters."""
    if event.kind == "table":
        table = event.value
        cells = table.size if hasattr(table, "size") else 0
        return EVENT_WORK + CELL_WORK * cells
    return EVENT_WORK


def replay_cost(
    events,
    steps: int,
    n_params: int,
    n_train: int,
    batch_size: int | None,
    max_steps: float = math.inf,
    max_work: float = math.inf,
) -> ReplayCost:
    """Walk a run's events (training up to each, then applying it, then up to ``steps``),
    counting the work; stop where ``max_steps`` or ``max_work`` would be passed.

    The rows per step are the batch size in effect or the training rows of the table in
    effect, so the count is an upper bound of what the replay computes. Every event
    counts too (:func:`event_work`), whatever its kind: a log of many events at one
    iteration costs what applying them costs.
    """
    done, work, it = 0, 0.0, 0

    def rows() -> int:
        return min(batch_size, n_train) if batch_size else n_train

    def train_to(target: int):
        """Train from ``it`` to ``target``; returns the iteration reached within budget."""
        nonlocal done, work
        n = target - it
        per_step = max(rows(), 1) * n_params
        n_ok = int(min(n, max_steps - done, (max_work - work) // per_step))
        done += max(n_ok, 0)
        work += max(n_ok, 0) * per_step
        return it + max(n_ok, 0)

    for k, e in enumerate(events):
        reached = train_to(e.iteration)
        if reached < e.iteration:
            return ReplayCost(done, work, reached, k, True)
        it = e.iteration
        cost = event_work(e)
        if work + cost > max_work:
            return ReplayCost(done, work, it, k, True)
        work += cost
        if e.kind == "set" and "batch_size" in e.value:
            batch_size = e.value["batch_size"]
        elif e.kind == "table":
            n_train = train_rows(e.value)
        elif e.kind == "rewind":
            it = int(e.value)
        elif e.kind == "diverge":
            attempts = int(e.value)
            per_step = max(rows(), 1) * n_params
            if done + attempts > max_steps or work + attempts * per_step > max_work:
                return ReplayCost(done, work, it, k, True)
            done += attempts
            work += attempts * per_step
    reached = train_to(steps)
    return ReplayCost(done, work, reached, len(events), reached < steps)


MAX_LINK_STEPS = 50_000
"""Steps a link may ask to train (every segment together): the largest network trained
one row a step replays them in about 6 s of the development machine's CPU
(``benchmarks/bench_link.py``), about 10 s in the live view."""

LINK_WORK_BUDGET = 3e9
"""Rows per step × parameters × steps (and the events' work) a link may ask for: the
largest network on 70 rows replays it in about 5 s of CPU (10 s in the live view, which
draws as it goes). A room of 30 opening such a link costs the server 5 minutes, not an
hour."""


def link_cost(
    events, steps: int, n_params: int, table: pd.DataFrame, batch_size: int | None
) -> ReplayCost:
    """What replaying a link's run costs, cut where the link budget ends."""
    return replay_cost(
        events,
        steps,
        n_params,
        train_rows(table),
        batch_size,
        max_steps=MAX_LINK_STEPS,
        max_work=LINK_WORK_BUDGET,
    )


def budget_words() -> str:
    """The link budget, in words."""
    return (
        f"a link may ask for at most {MAX_LINK_STEPS:,} steps and {LINK_WORK_BUDGET:.0e} "
        "rows × parameters × steps of training"
    )


__all__ = [
    "CELL_WORK",
    "EVENT_KINDS",
    "EVENT_WORK",
    "LINK_WORK_BUDGET",
    "MAX_LINK_EVENTS",
    "MAX_LINK_STEPS",
    "MAX_LINK_TABLES",
    "LinkReplayProgress",
    "ReplayCost",
    "RunEvent",
    "RunLog",
    "budget_words",
    "event_work",
    "link_cost",
    "replay_cost",
    "train_rows",
]
