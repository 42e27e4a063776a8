"""A setup that learns, said out loud: the settings a careful person picks for a table.

:func:`propose_setup` looks at a loaded table — which column is the target and
what it holds, which columns can be inputs, how many rows there are, whether it
has gaps or a split of its own, whether its inputs are the pixels of an image —
and returns the settings it would train with, by the names of the app's settings
table, with one line of words for each choice:

* the target read as a person means it (:func:`~nnviz.data.read_target`): the task,
  the output activation and the loss;
* the inputs: every column but the target, the split, a row number and a text column
  of many values (a text column of a few values is one input per value);
* standard scaling, biases, one hidden layer sized to the inputs, tanh with Xavier
  initialisation (the initialisation made for it), Adam with a modest learning rate
  and a little L2 weight decay, mini-batches for a larger table;
* a train share for a table without a split of its own, and what to do with gaps.

It is a pure function of the table: the same table always gets the same proposal.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from nnviz.errors import DataError

from ._cells import _is_missing, _parse_numbers
from ._messages import _col, _names
from .images import ImageLayout, image_layout
from .limits import MAX_INPUTS, MAX_OUTPUTS
from .reading import (
    CLASSIFICATION,
    LEFT_OUT,
    NUMBER,
    REGRESSION,
    InputColumn,
    TargetReading,
    read_inputs,
    read_target,
)
from .split import DEFAULT_TRAIN_SHARE

TARGET_NAMES = (
    "target",
    "label",
    "class",
    "y",
    "species",
    "digit",
    "outcome",
    "diagnosis",
    "output",
    "result",
)
"""Column names (in any case) taken for the target when no target is given; without
one, the last column is."""

ROW_NUMBER_NAMES = ("id", "index", "row", "unnamed: 0")
"""Column names (in any case) of a row number, which is no input."""

PROPOSED_LEARNING_RATE = 0.01
"""A modest step for Adam: it learns in a few hundred steps and does not overshoot."""

PROPOSED_L2 = 0.01
"""A little weight decay: a thousand steps on a small table then learn its pattern rather
than its noise (a 10-column regression table of 350 rows goes from test R² −0.3 to 0.3)."""

BATCH_ROWS = 64
"""Rows per step for a table of more than :data:`FULL_BATCH_ROWS` training rows."""

FULL_BATCH_ROWS = 1000
"""Up to this many training rows, each step uses them all."""

MIN_NEURONS, MAX_PROPOSED_NEURONS = 4, 16
"""The proposed hidden layer has twice as many neurons as inputs, within these bounds
(16 is also the most a hidden layer may have)."""


@dataclass(frozen=True)
class Proposal:
    """The settings proposed for a table (by setting name) and the choices in words."""

    settings: dict
    choices: list[str]
    target: TargetReading
    columns: list[InputColumn] = field(default_factory=list)
    image: ImageLayout | None = None

    def words(self) -> str:
        """The choices as one text, a line each."""
        return "\n".join(self.choices)


def _guess_target(df: pd.DataFrame, split_column: Any) -> Any:
    columns = [c for c in df.columns if c != split_column]
    if not columns:
        raise DataError("The table has no column to learn — it needs an input and a target.")
    for name in TARGET_NAMES:
        for c in columns:
            if str(c).strip().lower() == name:
                return c
    return columns[-1]


ROW_NUMBER_ROWS = 20
"""A column counting 0, 1, 2 … (or 1, 2, 3 …) is taken for row numbers from this many rows
on (in a smaller table it may as well be a measurement)."""


def _is_row_number(column: pd.Series) -> bool:
    """A column of row numbers: named like one, or whole numbers counting up by one."""
    if str(column.name).strip().lower() in ROW_NUMBER_NAMES:
        return True
    values, status = _parse_numbers(column)
    if len(values) < ROW_NUMBER_ROWS or np.any(status != 0):
        return False
    return bool(np.all(np.diff(values) == 1) and values[0] in (0, 1))


def _inputs(
    df: pd.DataFrame, targets: list, split_column: Any, inputs: Sequence[Any] | None
) -> tuple[list[InputColumn], list[str]]:
    """The input columns proposed, and the words for what was left out."""
    notes: list[str] = []
    if inputs is None:
        candidates = [c for c in df.columns if c != split_column and c not in targets]
        rows = [c for c in candidates if _is_row_number(df[c])]
        if rows:
            notes.append(
                f"Left out {_names(rows)}: {'it counts' if len(rows) == 1 else 'they count'} "
                "the rows, which says nothing about the target."
            )
        empty = [c for c in candidates if all(_is_missing(v) for v in df[c].tolist())]
        if empty:
            notes.append(f"Left out {_names(empty)}: no values.")
        inputs = [c for c in candidates if c not in rows and c not in empty]
    columns = read_inputs(df, list(inputs))
    notes += [c.why for c in columns if c.kind == LEFT_OUT]
    used, width = [], 0
    for c in columns:
        if c.kind == LEFT_OUT:
            continue
        if width + len(c.nodes) > MAX_INPUTS:
            notes.append(
                f"Left out {_col(c.name)} and the columns after it: a network takes at most "
                f"{MAX_INPUTS} inputs."
            )
            break
        used.append(c)
        width += len(c.nodes)
    if not used:
        raise DataError(
            "No column can be an input: " + " ".join(notes) + " The table needs a column of "
            "numbers (or of a few different texts) besides the target."
        )
    return used, notes


def _input_words(used: list[InputColumn], image: ImageLayout | None) -> list[str]:
    n_nodes = sum(len(c.nodes) for c in used)
    numbers = [c.name for c in used if c.kind == NUMBER]
    texts = [c for c in used if c.kind != NUMBER]
    if image is not None:
        lines = [f"Inputs: {n_nodes} columns. {image.describe()}"]
    elif len(numbers) <= 8:
        lines = [f"Inputs: {_names(numbers)}" + (" (numbers)." if texts else ".")]
    else:
        lines = [f"Inputs: {len(numbers)} columns of numbers, {_col(numbers[0])} … "]
        lines[0] += f"{_col(numbers[-1])}."
    lines += [c.why for c in texts]
    return lines


def _gaps(df: pd.DataFrame, used: list[InputColumn], targets: list) -> tuple[str, list[str]]:
    """Leave out rows with gaps, or fill them (when leaving out would lose half the rows)."""
    names = [c.name for c in used] + targets
    gap = np.zeros(len(df), dtype=bool)
    for name in names:
        gap |= np.array([_is_missing(v) for v in df[name].tolist()], dtype=bool)
    n = int(gap.sum())
    if not n:
        return "drop", []
    if 2 * n <= len(df):
        return "drop", [
            f"Gaps: {n} of {len(df)} rows have empty cells and are left out (or fill the gaps "
            "with each column's mean)."
        ]
    return "mean", [
        f"Gaps: {n} of {len(df)} rows have empty cells — too many to leave out: each empty "
        "input cell is filled with its column's mean over the training rows (a row without "
        "a target is left out)."
    ]


def _split(df: pd.DataFrame, split_column: Any, classification: bool) -> tuple[Any, str]:
    """The train share (None: the table's own split) and the words for it."""
    marks = (
        df[split_column].map(lambda v: "" if _is_missing(v) else str(v).strip().lower())
        if split_column is not None and split_column in df.columns
        else pd.Series([""] * len(df))
    )
    unmarked = int((marks == "").sum())
    by_class = ", stratified by class" if classification else ""
    share = round(100 * DEFAULT_TRAIN_SHARE)
    if unmarked == len(df):
        return DEFAULT_TRAIN_SHARE, (
            f"Split: no split column — {share} % of the rows train and {100 - share} % test "
            f"(a seeded shuffle{by_class})."
        )
    if unmarked:
        return DEFAULT_TRAIN_SHARE, (
            f"Split: the rows marked in the split column keep their mark; the {unmarked} "
            f"without one are drawn, {share} % train{by_class}."
        )
    return None, "Split: the table's own split column."


def _train_rows(df: pd.DataFrame, share: float | None, split_column: Any) -> int:
    if share is None:
        marks = df[split_column].map(lambda v: str(v).strip().lower())
        return int((marks == "train").sum())
    return max(1, math.floor(len(df) * share + 0.5))


def _hidden(n_inputs: int) -> int:
    return min(MAX_PROPOSED_NEURONS, max(MIN_NEURONS, 2 * n_inputs))


def propose_setup(
    df: pd.DataFrame,
    inputs: Sequence[Any] | None = None,
    targets: Sequence[Any] | None = None,
    split_column: Any = "split",
) -> Proposal:
    """The settings a careful person would pick to train on ``df``, and why.

    ``targets`` (default: a column named like one of :data:`TARGET_NAMES`, else the
    last) and ``inputs`` (default: every other column that can be one) may be given.
    Returns a :class:`Proposal` whose ``settings`` hold, by setting name: ``inputs``,
    ``targets``, ``features``, ``problem`` (the task), ``scaling``, ``target_max``, ``gaps``,
    ``train_ratio``, ``hidden``, ``activation``, ``output_activation``, ``bias``,
    ``init``, ``loss``, ``optimizer``, ``learning_rate``, ``batch_size``, ``l1``,
    ``l2``. Raises :class:`DataError` for a table nothing can be learned from.
    """
    targets = [_guess_target(df, split_column)] if targets is None else list(targets)
    if not targets or len(targets) > MAX_OUTPUTS:
        raise DataError(f"Choose one to {MAX_OUTPUTS} target columns.")
    if len(targets) == 1:
        reading = read_target(df, targets[0], split_column)
    else:
        reading = TargetReading(
            targets[0],
            REGRESSION,
            "numbers",
            (),
            "linear",
            "mse",
            f"Targets {_names(targets)}: a regression of each — a linear output per column "
            "with the mean squared error.",
        )
    used, input_notes = _inputs(df, targets, split_column, inputs)
    image = image_layout([c.name for c in used]) if all(c.kind == NUMBER for c in used) else None
    n_inputs = sum(len(c.nodes) for c in used)
    classification = reading.task == CLASSIFICATION
    share, split_words = _split(df, split_column, classification)
    gaps, gap_words = _gaps(df, used, targets)
    n_train = _train_rows(df, share, split_column)
    hidden = _hidden(n_inputs)
    batch = None if n_train <= FULL_BATCH_ROWS else BATCH_ROWS
    settings = {
        "inputs": tuple(c.name for c in used),
        "targets": tuple(targets),
        "features": (),
        "problem": reading.task,
        "scaling": "standard",
        "target_max": None,
        "gaps": gaps,
        "train_ratio": share,
        "hidden": (hidden,),
        "activation": "tanh",
        "output_activation": reading.output_activation,
        "bias": True,
        "init": "xavier",
        "loss": reading.loss,
        "optimizer": "adam",
        "learning_rate": PROPOSED_LEARNING_RATE,
        "batch_size": batch,
        "l1": 0.0,
        "l2": PROPOSED_L2,
    }
    steps = (
        f"all {n_train:,} training rows in each step"
        if batch is None
        else f"mini-batches of {batch} of the {n_train:,} training rows"
    )
    choices = [
        reading.why,
        *_input_words(used, image),
        *input_notes,
        "Scaling: standardise — each input"
        + (" and the target" if reading.task == REGRESSION else "")
        + " to mean 0 and standard deviation 1 over the training rows.",
        f"Network: one hidden layer of {hidden} tanh neurons (twice the {n_inputs} inputs, "
        f"{MIN_NEURONS} to {MAX_PROPOSED_NEURONS}), biases on, Xavier initialisation (made "
        "for tanh).",
        f"Training: Adam with learning rate {PROPOSED_LEARNING_RATE:g}, {steps}, a little "
        f"weight decay (L2 {PROPOSED_L2:g}) so that the network learns the pattern rather "
        "than the training rows' noise.",
        split_words,
        *gap_words,
    ]
    return Proposal(settings, choices, reading, used, image)


__all__ = ["Proposal", "TARGET_NAMES", "propose_setup"]
