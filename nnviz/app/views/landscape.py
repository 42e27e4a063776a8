"""The loss landscape of the run shown: computed on request, drawn from what was kept.

:func:`compute_landscape` runs :func:`nnviz.loss_landscape` on the explorer's network
and training rows — PCA directions of the recorded run (the snapshots up to the
iteration shown, so a replayed snapshot gets the path that led to it) or random
filter-normalized ones — and keeps what the chart needs with a :class:`Stamp` of the
state it was computed for. :func:`out_of_date` compares a stamp with the explorer now
and says, in words, what changed since. The grid's cost is bounded: at most 41 × 41
points, fewer when rows × parameters are many (:func:`bounded_resolution`).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field

import numpy as np
import plotly.graph_objects as go

from ... import charts
from ...landscape import LossLandscape, PartialLandscape, grid_losses
from ..explorer import Explorer

RESOLUTIONS = (11, 21, 31, 41)
MAX_RESOLUTION = RESOLUTIONS[-1]
DEFAULT_RESOLUTION = 21
DIRECTIONS = {
    "pca": "the run's main directions (PCA)",
    "random": "random directions (filter-normalized)",
}
WORK_BUDGET = 4e9
"""Grid points × training rows × parameters per landscape: about a second of NumPy."""


@dataclass(frozen=True)
class Stamp:
    """What a landscape was computed for: the run, its iteration, its weights and rows."""

    run: str  # the run's initial weights and the network's shape
    iteration: int
    weights: str
    rows: str  # the training rows and the loss
    snapshots: int  # recorded snapshots up to the iteration (the PCA path)


def _digest(*arrays) -> str:
    h = hashlib.blake2b(digest_size=12)
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(str(a.shape).encode())
        h.update(a.tobytes())
    return h.hexdigest()


class _HistoryUpTo:
    """The run's recorded snapshots up to one iteration (duck-types ``nnviz.History``)."""

    def __init__(self, history, iteration: int):
        its = np.asarray(history.snapshot_iterations)
        self._history = history
        self._n = int(np.searchsorted(its, iteration, side="right"))
        self.snapshot_iterations = its[: self._n]

    def snapshot_params(self, index: int):
        if not 0 <= index < self._n:
            raise IndexError(index)
        return self._history.snapshot_params(index)


def _history(ex: Explorer) -> _HistoryUpTo:
    return _HistoryUpTo(ex.trainer.history, ex.trainer.iteration)


def stamp(ex: Explorer) -> Stamp:
    net, data = ex.network, ex.data
    h = ex.trainer.history
    first = h.snapshot_params(0)[1] if len(h.snapshot_iterations) else net.params
    return Stamp(
        run=_digest(first, np.asarray(net.layer_sizes)),
        iteration=int(ex.trainer.iteration),
        weights=_digest(net.params),
        rows=_digest(data.X_train, data.y_train) + ex.trainer.loss_name,
        snapshots=len(_history(ex).snapshot_iterations),
    )


def out_of_date(then: Stamp, ex: Explorer) -> str:
    """ "" if a landscape stamped ``then`` still shows ``ex``; else what changed, in words."""
    now = stamp(ex)
    if now == then:
        return ""
    if now.run != then.run:
        return "It was computed for another run: the network has been rebuilt or reset since."
    if now.rows != then.rows:
        return "The training rows or the loss have changed since it was computed."
    if now.iteration != then.iteration:
        return (
            f"It was computed at iteration {then.iteration:,}; the network shown is at "
            f"iteration {now.iteration:,}."
        )
    return "The weights have changed since it was computed (an edited weight?)."


def bounded_resolution(requested: int, n_rows: int, n_params: int) -> tuple[int, str]:
    """The grid's points per axis within :data:`WORK_BUDGET` (odd, so (0, 0) is a grid
    point; at most 41, at least 5) and a note when it had to be lowered."""
    res = int(min(max(int(requested), 5), MAX_RESOLUTION))
    res -= 1 - res % 2  # odd
    per_point = max(int(n_rows), 1) * max(int(n_params), 1)
    fits = int(math.sqrt(WORK_BUDGET / per_point))
    if fits >= res:
        return res, ""
    lowered = max(5, fits - (1 - fits % 2))
    return lowered, (
        f"{lowered} × {lowered} points instead of {res} × {res}: {n_rows:,} rows × "
        f"{n_params:,} parameters make each point costly."
    )


@dataclass
class LandscapeResult:
    """A computed landscape and what the chart and the page say about it."""

    landscape: LossLandscape
    stamp: Stamp
    asked: str  # the directions asked for ("pca" / "random")
    resolution: int  # points per axis used
    train_loss: float  # the network's training loss (the value at (0, 0))
    path_iterations: np.ndarray | None = None
    path_loss: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def directions(self) -> str:
        """The directions used (random when PCA could not be had)."""
        return self.landscape.directions

    @property
    def center_loss(self) -> float:
        L = self.landscape
        return float(L.loss[int(np.argmin(np.abs(L.betas))), int(np.argmin(np.abs(L.alphas)))])


def compute_landscape(
    ex: Explorer, directions: str = "pca", resolution: int = DEFAULT_RESOLUTION, seed: int = 0
) -> LandscapeResult:
    """The loss over a plane through the network's weights, on its training rows.

    ``directions="pca"``: the plane the run moved in most (its snapshots up to the
    iteration shown); when the run has not moved enough for that yet, random directions
    with a note. The grid spans the path (PCA) or ±1 filter-normalized step (random).
    The same as :class:`LandscapeComputation` computed whole.
    """
    computation = LandscapeComputation(ex, directions, resolution, seed)
    computation.compute()
    return computation.result()


class LandscapeComputation:
    """:func:`compute_landscape` a block of grid points at a time (:meth:`compute`), so
    that a large grid is spread over short pieces of work; :meth:`result` once
    ``finished``. The plane, the grid and the stamp are fixed when it starts: the
    explorer may train on meanwhile (the page then says the landscape is out of date)."""

    def __init__(
        self,
        ex: Explorer,
        directions: str = "pca",
        resolution: int = DEFAULT_RESOLUTION,
        seed: int = 0,
    ) -> None:
        if directions not in DIRECTIONS:
            raise ValueError(
                f"directions must be one of {', '.join(DIRECTIONS)}; got {directions!r}"
            )
        net, data = ex.network, ex.data
        X, Y, loss = data.X_train, data.y_train, ex.trainer.loss_name
        res, note = bounded_resolution(resolution, len(X), net.n_params)
        self.notes = [note] if note else []
        self.asked, self.resolution = directions, res
        self.history = _history(ex)
        self.stamp = stamp(ex)
        self.partial = None
        if directions == "pca":
            n = len(self.history.snapshot_iterations)
            if n < 3:
                self.notes.append(
                    f"The run's main directions need at least 3 recorded steps (there "
                    f"{'is' if n == 1 else 'are'} {n}): random directions until you "
                    "train."
                )
            else:
                try:
                    self.partial = PartialLandscape(
                        net, X, Y, loss, res, span=None, directions="pca", history=self.history
                    )
                except ValueError:
                    self.notes.append(
                        "The run has moved along a single line so far, so it has no "
                        "second main direction: random directions instead."
                    )
        if self.partial is None:
            self.partial = PartialLandscape(
                net, X, Y, loss, res, span=1.0, directions="random", seed=seed
            )
        with np.errstate(all="ignore"):
            self.train_loss = float(net.loss(X, Y, loss))

    @property
    def done(self) -> int:
        return self.partial.done

    @property
    def total(self) -> int:
        return self.partial.total

    @property
    def finished(self) -> bool:
        return self.partial.finished

    def compute(self, n: int | None = None) -> int:
        """Compute the next ``n`` grid points (all that are left by default)."""
        return self.partial.compute(n)

    def result(self) -> LandscapeResult:
        """The landscape computed (the path's losses with it)."""
        p = self.partial
        landscape = p.landscape
        path_its = path_loss = None
        if landscape.directions == "pca" and landscape.path is not None:
            path_its = np.asarray(self.history.snapshot_iterations, dtype=np.int64)
            path = landscape.path
            path_loss = grid_losses(
                p.network,
                p.X,
                p.Y,
                p.loss_fn,
                landscape.center,
                landscape.d1,
                landscape.d2,
                path[:, 0].copy(),
                path[:, 1].copy(),
            )
        return LandscapeResult(
            landscape,
            self.stamp,
            self.asked,
            self.resolution,
            self.train_loss,
            path_its,
            path_loss,
            list(self.notes),
        )


def axis_labels(result: LandscapeResult) -> tuple[str, str]:
    L = result.landscape
    if L.directions == "pca" and L.explained is not None:
        return (
            f"α: direction 1 ({L.explained[0]:.0%} of the run's movement)",
            f"β: direction 2 ({L.explained[1]:.0%})",
        )
    return "α: random direction 1", "β: random direction 2"


def landscape_view(
    result: LandscapeResult, *, surface: bool = False, height: int = 560
) -> go.Figure:
    L = result.landscape
    x_label, y_label = axis_labels(result)
    pca = L.directions == "pca"
    return charts.landscape_figure(
        L.alphas,
        L.betas,
        L.loss,
        path=L.path if pca else None,
        path_iterations=result.path_iterations,
        path_loss=result.path_loss,
        center_loss=result.center_loss,
        x_label=x_label,
        y_label=y_label,
        surface=surface,
        height=height,
        title=f"Loss ({L.loss_name}) around iteration {result.stamp.iteration:,}",
    )


__all__ = [
    "DEFAULT_RESOLUTION",
    "DIRECTIONS",
    "MAX_RESOLUTION",
    "RESOLUTIONS",
    "LandscapeResult",
    "Stamp",
    "axis_labels",
    "bounded_resolution",
    "compute_landscape",
    "landscape_view",
    "out_of_date",
    "stamp",
]
