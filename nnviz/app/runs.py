"""Runs: those kept for comparison, and what happened in the current one.

* ``RunRecord`` / ``record_run``: a kept run's settings, initial weights, loss history
  and how fast it went, for the comparison table and chart.
* ``RunEvent``: one change of a run at its iteration (new hot settings, a hand-edited
  weight, an edited table, a rewind, refused steps), what a link carries to replay it;
  ``replay_cost`` / ``link_cost``: what replaying them costs, cut at the link budget
  (``MAX_LINK_STEPS``, ``LINK_WORK_BUDGET``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..thinning import downsample_indices

MAX_RUNS = 8
MAX_POINTS = 2000  # loss points kept per run (evenly thinned)


@dataclass
class RunRecord:
    name: str
    settings: dict
    initial_params: np.ndarray
    iterations: np.ndarray
    train_loss: np.ndarray
    test_loss: np.ndarray
    iteration: int
    final_train_loss: float
    final_test_loss: float
    steps_per_second: float
    n_params: int

    def as_row(self) -> dict:
        s = self.settings
        return {
            "run": self.name,
            "features": "; ".join(s.get("features", ())) or "none",
            "hidden": "-".join(map(str, s["hidden"])) or "none",
            "activation": f"{s['activation']} → {s['output_activation']}",
            "loss": s["loss"],
            "optimizer": s["optimizer"],
            "learning rate": s["learning_rate"],
            "batch": s["batch_size"] or "all",
            "L1 / L2": f"{s['l1']:g} / {s['l2']:g}",
            "seed": s["seed"],
            "iterations": self.iteration,
            "final train loss": self.final_train_loss,
            "final test loss": None if math.isnan(self.final_test_loss) else self.final_test_loss,
            "steps/s": None if math.isnan(self.steps_per_second) else round(self.steps_per_second),
            "parameters": self.n_params,
        }

    def as_curve(self) -> dict:
        return {
            "name": self.name,
            "iterations": self.iterations,
            "train_loss": self.train_loss,
            "test_loss": self.test_loss,
        }


def record_run(name: str, explorer) -> RunRecord:
    """Capture the explorer's current run."""
    t = explorer.trainer
    h = t.history
    its, train, test = h.iterations, h.train_loss, h.test_loss
    keep = downsample_indices(its, MAX_POINTS) if len(its) > MAX_POINTS else slice(None)
    m = explorer.metrics()
    return RunRecord(
        name=name,
        settings=explorer.settings.to_dict(),
        initial_params=h.snapshot_params(0)[1],
        iterations=np.asarray(its)[keep],
        train_loss=np.asarray(train)[keep],
        test_loss=np.asarray(test)[keep],
        iteration=t.iteration,
        final_train_loss=m.train_loss,
        final_test_loss=m.test_loss,
        steps_per_second=explorer.steps_per_second,
        n_params=t.network.n_params,
    )


def runs_table(runs: list[RunRecord]) -> pd.DataFrame:
    return pd.DataFrame([r.as_row() for r in runs])


def changed_settings(runs: list[RunRecord]) -> list[str]:
    """The settings that differ between the runs (what the comparison is about)."""
    if len(runs) < 2:
        return []
    keys = runs[0].settings.keys()
    return [k for k in keys if any(r.settings[k] != runs[0].settings[k] for r in runs[1:])]


# ------------------------------------------------------------------ what happened in a run
EVENT_KINDS = ("set", "weight", "table", "rewind", "diverge")


@dataclass(frozen=True)
class RunEvent:
    """One thing that changed the current run, at the iteration it happened.

    ``kind`` and ``value``:

    * ``"set"``: ``{setting name: new value}``, the hot settings an update changed;
    * ``"weight"``: ``(layer, i, j, value)``, a weight edited by hand (layer 1-based);
    * ``"table"``: the new table (a DataFrame), training went on with its rows;
    * ``"rewind"``: the iteration the run went back to (continued from a replayed point);
    * ``"diverge"``: how many steps were tried and refused (divergence) at this iteration.

    Replaying a run's events at their iterations, in order, from the settings and the
    weights of its iteration 0, gives the same run to the last digit.
    """

    iteration: int
    kind: str
    value: object = None


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
