"""What happened in the current run: how it came about and what replaying it costs.

* :class:`RunLog`: the table and settings of the run's iteration 0 and the trainer whose
  log (:attr:`nnviz.history.History.log`, :class:`RunEvent` s) holds every change since:
  new hot settings, a hand-edited weight, an edited table, a rewind, refused steps. It is
  what a link carries (:mod:`nnviz.app.urlstate`) and replays (:mod:`nnviz.app.linkreplay`).
* :func:`replay_cost` / :func:`link_cost`: what replaying a run's events costs, cut at the
  link budget (:data:`MAX_LINK_STEPS`, :data:`LINK_WORK_BUDGET`);
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
    """What replaying a run costs: the steps to train and rows × parameters × steps."""

    steps: int  # steps to train, all segments together (a rewind trains some twice)
    work: float  # rows per step × parameters, summed over those steps
    end: int  # the iteration the replay stops at
    events: int  # how many of the events it applies
    cut: bool  # the budget stopped it before the run's end


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
    effect, so the count is an upper bound of what the replay computes.
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


MAX_LINK_STEPS = 100_000  # steps a link may ask to train (every segment together)
LINK_WORK_BUDGET = 1e10  # rows per step × parameters × steps a link may ask to train


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
    "EVENT_KINDS",
    "LINK_WORK_BUDGET",
    "MAX_LINK_STEPS",
    "LinkReplayProgress",
    "ReplayCost",
    "RunEvent",
    "RunLog",
    "budget_words",
    "link_cost",
    "replay_cost",
    "train_rows",
]
