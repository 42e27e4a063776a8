"""A split for every table: the rows not marked by hand are drawn into train and test.

A table's ``split`` column marks rows ``train``, ``test`` or ``predict``; a row
without a mark (no split column, or an empty cell) is *unmarked*. With a train
share, :func:`assign_split` draws the unmarked rows: a seeded shuffle, stratified
by class for a classification (each class gets the same share of training rows),
so the same table, share and seed always give the same split, and rows marked
by hand keep their mark.

Each row gets one random key from the seed, by its position, and the rows of
each class are taken in the order of their keys: marking one row by hand, or
moving the share, moves only a few others.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

DEFAULT_TRAIN_SHARE = 0.8
"""The share of unmarked rows that train when a table has no split of its own."""


def assign_split(
    marks: Sequence[str],
    share: float,
    seed: int = 0,
    strata: Sequence[Any] | None = None,
) -> np.ndarray:
    """Each row's split: its mark, or for an unmarked row (``""``) train or test.

    ``marks`` hold ``"train"``, ``"test"``, ``"predict"`` or ``""`` per row;
    ``share`` (above 0, at most 1) of each stratum's unmarked rows train — round(n·share),
    at least one — and the others test; ``strata`` (e.g. each row's class) groups the
    rows, ``None`` puts them all in one group.
    """
    if not 0.0 < float(share) <= 1.0:
        raise ValueError(f"The train share must be above 0 and at most 1, not {share!r}.")
    marks = np.asarray([str(m) for m in marks], dtype=object)
    out = marks.copy()
    keys = np.random.default_rng(int(seed)).random(len(marks))
    free = np.flatnonzero(marks == "")
    if strata is None:
        groups = {"": free}
    else:
        labels = np.asarray([str(s) for s in strata], dtype=object)
        groups = {k: free[labels[free] == k] for k in sorted(set(labels[free].tolist()))}
    for rows in groups.values():
        if not rows.size:
            continue
        order = rows[np.argsort(keys[rows], kind="stable")]
        n_train = min(rows.size, max(1, math.floor(rows.size * float(share) + 0.5)))
        out[order[:n_train]] = "train"
        out[order[n_train:]] = "test"
    return out


def split_words(splits: Sequence[str], share: float, stratified: bool) -> str:
    """The split drawn, in words: ``120 train rows and 30 test rows (80 % of the unmarked
    rows train, a seeded shuffle stratified by class)``."""
    splits = list(splits)
    n_train, n_test = splits.count("train"), splits.count("test")
    how = "a seeded shuffle" + (" stratified by class" if stratified else "")
    return (
        f"{n_train} train rows and {n_test} test rows ({round(100 * share)} % of the "
        f"rows without a mark train, {how})."
    )
