"""Runs kept for comparison: ``RunRecord`` / ``record_run`` hold a kept run's settings,
initial weights, loss history and how fast it went, for the comparison table and chart.

What happened in the current run is :mod:`nnviz.app.runlog`'s (its names are importable
from here too, as before).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..thinning import downsample_indices
from .kinds import is_number
from .runlog import EVENT_KINDS, LINK_WORK_BUDGET, MAX_LINK_STEPS, RunEvent, link_cost
from .settings import COMPARE_COLUMNS, Column, setting

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
        """The run as a row of the comparison table: its settings (COMPARE_COLUMNS, each
        shown as its kind shows a value), how far and how fast it went, its size."""
        return {
            "run": self.name,
            **{c.title: _cell(c, self.settings) for c in COMPARE_COLUMNS},
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


def _cell(column: Column, settings: dict):
    """One setting as its kind shows it; several joined as text (numbers as ``1e-05``)."""
    cells = [setting(name).kind.cell(settings[name]) for name in column.settings]
    if len(cells) == 1:
        return cells[0]
    return column.join.join(f"{c:g}" if is_number(c) else str(c) for c in cells)


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


__all__ = [
    "MAX_POINTS",
    "MAX_RUNS",
    "RunRecord",
    "changed_settings",
    "record_run",
    "runs_table",
    # the run log's, as before (nnviz.app.runlog)
    "EVENT_KINDS",
    "LINK_WORK_BUDGET",
    "MAX_LINK_STEPS",
    "RunEvent",
    "link_cost",
]
