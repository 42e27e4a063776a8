"""What a training run records: the loss of every step and snapshots of the weights.

Memory stays bounded for any run length (64 MB by default):

* Losses: iteration, train loss and test loss of every step, up to
  ``loss_capacity`` entries (2¹⁹ ≈ 524k, 12.6 MB). When full, every other
  entry is dropped and from then on every 2nd (4th, 8th …) step is recorded,
  so the kept points stay evenly spaced from iteration 0.
* Weight snapshots: every parameter at iteration 0, then every
  ``snapshot_stride`` iterations, thinned the same way once ``max_snapshots``
  are held. The number held is at least 200 (for networks small enough that
  200 snapshots fit the budget) and never more than the budget allows.
  The current weights always count as the latest snapshot.
* The log: every change of the run (new hyperparameters, new rows, a weight edited
  by hand, a rewind, a refused step) as a :class:`RunEvent`, in order, never
  forgotten: replayed from the run's start it gives the same run. The loss curve's
  markers (:attr:`History.events`) are derived from it: the marks of the changes on
  the current path (a rewind to iteration k takes the later ones off the path, not
  out of the log).

``state_dict()`` / ``load_state_dict(state)`` give and take the whole record (as thinned
as it is, strides and all), so that a saved run goes on recording exactly as it would
have. ``revision`` counts the times recorded entries were rewritten (thinned or cut)
rather than appended: while it stays the same, the entries a save wrote earlier are
unchanged, and only the ones after them are new.
"""

from __future__ import annotations

import bisect
import itertools
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ._checks import whole as _whole
from .quoting import quote

if TYPE_CHECKING:
    from .network import Network

MEMORY_BUDGET = 64 * 2**20
MAX_EVENT_TEXT = 500  # characters of one event's text that a loaded record may hold

EVENT_KINDS = ("set", "weight", "table", "rewind", "diverge")


@dataclass(frozen=True)
class RunEvent:
    """One change of a run, at the iteration it was made.

    ``kind`` and ``value``:

    * ``"set"``: ``{name: new value}``, the hyperparameters one call changed
      (``optimizer``, ``learning_rate``, ``batch_size``, ``momentum``, ``l1``, ``l2``);
    * ``"weight"``: ``(layer, i, j, value)``, a weight edited by hand (layer 1-based);
    * ``"table"``: where the new training rows came from (the app's table), or None;
    * ``"rewind"``: the iteration the run went back to (continued from a snapshot);
    * ``"diverge"``: how many steps, trained from this iteration, found a step refused.

    ``marks`` are the loss curve's markers the change makes, ``(iteration, kind,
    text)`` each (``"η 1 → 0.3"``): what it says, not what it is, so events compare
    by iteration, kind and value alone. Replaying a run's events at their iterations,
    in order, from its start gives the same run to the last digit.
    """

    iteration: int
    kind: str
    value: object = None
    marks: tuple = field(default=(), compare=False, repr=False)


class History:
    """The record of one network's training run (a ``Trainer`` records into it).

    ``iteration`` is the iteration of the network's current weights, which always
    count as the latest snapshot: they are read from ``network.params`` when asked
    for, not copied on every step.
    """

    def __init__(
        self,
        network: Network,
        loss_capacity: int = 2**19,
        max_snapshots: int = 1000,
        min_snapshots: int = 200,
        memory_budget: int = MEMORY_BUDGET,
    ):
        if loss_capacity < 4 or loss_capacity % 2:
            raise ValueError("loss_capacity must be an even number >= 4")
        self._network = network
        self.iteration = 0
        initial_params = network.params
        # losses, grown by doubling up to loss_capacity
        self.loss_capacity = int(loss_capacity)
        size = min(1024, self.loss_capacity)
        self._its = np.zeros(size, dtype=np.int64)
        self._train = np.zeros(size)
        self._test = np.zeros(size)
        self._n = 0
        self.loss_stride = 1
        self.last = None  # (iteration, train, test) of the most recent step
        # snapshots
        snap_bytes = initial_params.nbytes + 200  # the array plus its Python object
        budget = memory_budget - self.loss_capacity * 24
        fit = max(2, budget // snap_bytes)
        cap = int(min(max(max_snapshots, min_snapshots), fit))
        self.max_snapshots = cap - cap % 2 if cap > 2 else 2
        self.snapshot_stride = 1
        self._snap_its: list[int] = [0]
        self._snaps: list[np.ndarray] = [initial_params.copy()]
        # the run's changes: the log (append-only) and where truncate() cut the path
        self.log: list[RunEvent] = []
        self._cuts: list[tuple[int, int]] = []  # (len(log) then, iteration kept)
        # the current path's markers (derived from the two, kept up to date as they grow)
        # and the running maximum of their iterations
        self._path: list[tuple] = []
        self._tops: list[int] = []
        self.revision = 0  # recorded entries rewritten (thinned or cut), not appended

    # ---------------------------------------------------------------- recording
    def record_step(self, iteration: int, train: float, test: float) -> None:
        """Step ``iteration`` measured these losses and was applied: the network now holds
        the weights of ``iteration + 1``, snapshotted when they fall on the stride."""
        self.last = (iteration, train, test)
        self.iteration = now = iteration + 1
        if not now % self.snapshot_stride:
            self._record_params(now)
        if iteration % self.loss_stride:
            return
        n = self._n
        if n == self._its.shape[0]:
            if n < self.loss_capacity:
                self._grow(min(2 * n, self.loss_capacity))
            else:
                self._thin_losses()
                if iteration % self.loss_stride:
                    return
                n = self._n
        self._its[n] = iteration
        self._train[n] = train
        self._test[n] = test
        self._n = n + 1

    def _grow(self, size: int) -> None:
        for name in ("_its", "_train", "_test"):
            old = getattr(self, name)
            new = np.zeros(size, dtype=old.dtype)
            new[: self._n] = old[: self._n]
            setattr(self, name, new)

    def _thin_losses(self) -> None:
        self.revision += 1
        half = self._n // 2
        for arr in (self._its, self._train, self._test):
            arr[:half] = arr[: self._n : 2]
        self._n = half
        self.loss_stride *= 2

    def _record_params(self, iteration: int) -> None:
        if len(self._snaps) >= self.max_snapshots:
            self.revision += 1
            self._snaps = self._snaps[::2]
            self._snap_its = self._snap_its[::2]
            self.snapshot_stride *= 2
            if iteration % self.snapshot_stride:
                return
        self._snap_its.append(iteration)
        self._snaps.append(self._network.params.copy())

    def truncate(self, iteration: int) -> None:
        """Forget everything after ``iteration``, whose weights the network holds again
        (a run continued from a replayed point, or gone back after a divergence).

        Losses of steps before it stay, snapshots up to it stay; later changes leave the
        current path (their markers go) but stay in the log.
        """
        self.revision += 1
        self.iteration = iteration
        keep = int(np.searchsorted(self._its[: self._n], iteration, side="left"))
        self._n = keep
        self.last = (
            (int(self._its[keep - 1]), float(self._train[keep - 1]), float(self._test[keep - 1]))
            if keep
            else None
        )
        n_snaps = bisect.bisect_right(self._snap_its, iteration)
        self._snap_its = self._snap_its[:n_snaps]
        self._snaps = self._snaps[:n_snaps]
        self._cuts.append((len(self.log), int(iteration)))
        self._cut_path(int(iteration))

    def record(self, event: RunEvent) -> None:
        """Log one change of the run (see :class:`RunEvent`)."""
        self.log.append(event)
        for mark in event.marks:
            self._path.append(mark)
            self._tops.append(max(mark[0], self._tops[-1]) if self._tops else mark[0])

    def _cut_path(self, iteration: int) -> None:
        """The markers after ``iteration`` leave the path. They come in the order of
        their iterations (a change is marked where the run is), so they go from the end:
        a rewind costs what it takes off, not the length of the log. (A loaded log whose
        markers are out of that order is filtered whole.)"""
        path, tops = self._path, self._tops
        while tops and tops[-1] > iteration:
            if path[-1][0] <= iteration:  # a later marker before an earlier one
                self._set_path([m for m in path if m[0] <= iteration])
                return
            path.pop()
            tops.pop()

    def _set_path(self, marks: list) -> None:
        self._path = list(marks)
        self._tops = list(itertools.accumulate((m[0] for m in self._path), max))

    def _derive_path(self) -> None:
        """The current path's markers, from the log and its cuts (for a loaded record)."""
        marks: list = []
        cuts = iter(self._cuts)
        cut = next(cuts, None)
        for position, event in enumerate([*self.log, None]):
            while cut is not None and cut[0] <= position:
                marks = [m for m in marks if m[0] <= cut[1]]
                cut = next(cuts, None)
            if event is not None:
                marks.extend(event.marks)
        self._set_path(marks)

    @property
    def events(self) -> list[tuple[int, str, str]]:
        """The loss curve's markers: ``(iteration, kind, text)`` of every change on the
        current path, in order (derived from :attr:`log`: the marks of its events, those
        after the iteration a rewind went back to taken off)."""
        return list(self._path)

    @property
    def n_events(self) -> int:
        """How many markers :attr:`events` holds (without copying them)."""
        return len(self._path)

    # ---------------------------------------------------------------- saving
    def state_dict(self) -> dict:
        """The whole record, to save it. The arrays are views of the live record (no
        copy, so that a save of a long run costs only what it writes): they are valid
        until the next step; copy what must outlive it.

        ``iterations``, ``train_loss``, ``test_loss``: the recorded losses (every
        ``loss_stride``-th step); ``last``: the most recent step's (iteration, train,
        test) or None; ``snapshot_iterations`` and ``snapshots`` (a list of flat
        parameter vectors): the recorded weights, every ``snapshot_stride``-th
        iteration; ``log``: the run's changes (the :class:`RunEvent` objects, each value as
        it was logged: a ``"table"`` event's is the caller's table) and ``cuts``:
        ``[position in the log, iteration]`` where the path was cut back (the loss curve's
        markers follow from the two); the capacities it thins at.
        """
        n = self._n
        return {
            "iteration": self.iteration,
            "revision": self.revision,
            "loss_capacity": self.loss_capacity,
            "max_snapshots": self.max_snapshots,
            "loss_stride": self.loss_stride,
            "snapshot_stride": self.snapshot_stride,
            "iterations": self._its[:n],
            "train_loss": self._train[:n],
            "test_loss": self._test[:n],
            "last": None if self.last is None else list(self.last),
            "snapshot_iterations": list(self._snap_its),
            "snapshots": list(self._snaps),
            "log": list(self.log),
            "cuts": [list(c) for c in self._cuts],
        }

    def load_state_dict(self, state: dict) -> None:
        """Take a record :meth:`state_dict` gave, for a network of the same size.

        Everything is checked before anything changes (a ValueError says what does not
        fit): the sizes against this record's own capacities (a record never holds more
        than its memory budget allows), the strides (powers of two), the iterations
        (increasing, before ``iteration``), the weights (finite, one vector per
        snapshot, shaped like the network's), the losses (float64; training losses
        finite), the log's events (their iterations, kinds and marks) and the cuts. The
        capacities are taken as saved when they are within
        this record's (so the record thins where it would have), else refused.
        """
        checked = _checked_state(self, state)
        (self.iteration, self.loss_capacity, self.max_snapshots) = checked["sizes"]
        self.loss_stride, self.snapshot_stride = checked["strides"]
        its, train, test = checked["losses"]
        n = its.shape[0]
        size = min(1024, self.loss_capacity)
        while size < n:
            size = min(2 * size, self.loss_capacity)
        self._its = np.zeros(size, dtype=np.int64)
        self._train = np.zeros(size)
        self._test = np.zeros(size)
        self._its[:n], self._train[:n], self._test[:n] = its, train, test
        self._n = n
        self.last = checked["last"]
        self._snap_its, self._snaps = checked["snapshots"]
        self.log, self._cuts = checked["log"]
        self._derive_path()
        self.revision += 1

    # ---------------------------------------------------------------- reading
    def _with_last(self, arr, index):
        if self.last is not None and (self._n == 0 or self._its[self._n - 1] != self.last[0]):
            return np.append(arr[: self._n], self.last[index])
        return arr[: self._n].copy()

    @property
    def iterations(self) -> np.ndarray:
        """Iteration of each recorded loss (every step until thinned; always the latest)."""
        return self._with_last(self._its, 0)

    @property
    def train_loss(self) -> np.ndarray:
        """Loss measured in each step's forward pass, before its update."""
        return self._with_last(self._train, 1)

    @property
    def test_loss(self) -> np.ndarray:
        """Loss on the test rows with the same weights (NaN without test rows)."""
        return self._with_last(self._test, 2)

    def __len__(self) -> int:
        return len(self.iterations)

    @property
    def snapshot_iterations(self) -> np.ndarray:
        """Iterations of the recorded snapshots, the current weights' last."""
        its = list(self._snap_its)
        if its[-1] != self.iteration:
            its.append(self.iteration)
        return np.asarray(its, dtype=np.int64)

    def snapshot_params(self, index: int) -> tuple[int, np.ndarray]:
        """(iteration, flat parameters) of the snapshot at ``index`` of snapshot_iterations."""
        its = self.snapshot_iterations
        index = range(len(its))[index]
        if index < len(self._snaps):
            return int(its[index]), self._snaps[index].copy()
        return self.iteration, self._network.params.copy()

    def snapshot(self, index: int) -> tuple[int, list[np.ndarray], list[np.ndarray]]:
        """(iteration, weights, biases) of one recorded snapshot (copies)."""
        iteration, flat = self.snapshot_params(index)
        W, b = self._network.unflatten(flat)  # views into the fresh copy
        return iteration, W, b

    def snapshot_at(self, iteration: int) -> tuple[int, list[np.ndarray], list[np.ndarray]]:
        """The latest snapshot at or before ``iteration``."""
        its = self.snapshot_iterations
        index = max(0, int(np.searchsorted(its, iteration, side="right")) - 1)
        return self.snapshot(index)

    @property
    def nbytes(self) -> int:
        """Bytes held by the recorded losses and snapshots."""
        snaps = sum(s.nbytes for s in self._snaps)
        return int(self._its.nbytes + self._train.nbytes + self._test.nbytes + snaps)

    def to_csv(self) -> str:
        lines = ["iteration,train_loss,test_loss"]
        for it, tr, te in zip(self.iterations, self.train_loss, self.test_loss):
            test = "" if np.isnan(te) else repr(float(te))
            lines.append(f"{int(it)},{float(tr)!r},{test}")
        return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------- loading
def _power_of_two(value) -> bool:
    return _whole(value, 1) and not (int(value) & (int(value) - 1))


def _checked_state(history: History, state: dict) -> dict:
    """The parts of a saved record, checked against ``history`` (ValueError if one does
    not fit); nothing of ``history`` changes."""
    iteration = state.get("iteration")
    capacity, max_snaps = state.get("loss_capacity"), state.get("max_snapshots")
    if not _whole(iteration):
        raise ValueError(
            f"the record's iteration must be a whole number >= 0; got {quote(iteration)}"
        )
    if not (_whole(capacity, 4, history.loss_capacity) and capacity % 2 == 0):
        raise ValueError(
            f"the record holds up to {quote(capacity)} losses; this one holds at most "
            f"{history.loss_capacity:,}"
        )
    if not (_whole(max_snaps, 2, history.max_snapshots) and max_snaps % 2 == 0):
        raise ValueError(
            f"the record holds up to {quote(max_snaps)} snapshots; this one holds at most "
            f"{history.max_snapshots:,}"
        )
    strides = (state.get("loss_stride"), state.get("snapshot_stride"))
    if not all(_power_of_two(s) for s in strides):
        raise ValueError(f"the record's strides must be powers of two; got {quote(strides)}")
    return {
        "sizes": (int(iteration), int(capacity), int(max_snaps)),
        "strides": tuple(int(s) for s in strides),
        "losses": _checked_losses(state, int(iteration), int(capacity)),
        "last": _checked_last(state.get("last"), int(iteration)),
        "snapshots": _checked_snapshots(history, state, int(iteration), int(max_snaps)),
        "log": _checked_log(state.get("log"), state.get("cuts")),
    }


def _checked_losses(state: dict, iteration: int, capacity: int):
    its, train, test = (state.get(k) for k in ("iterations", "train_loss", "test_loss"))
    arrays = (its, train, test)
    if not all(isinstance(a, np.ndarray) and a.ndim == 1 for a in arrays):
        raise ValueError("the record's losses must be 1-D arrays")
    n = its.shape[0]
    if n > capacity or train.shape[0] != n or test.shape[0] != n:
        raise ValueError(
            f"the record's losses hold {n:,}, {train.shape[0]:,} and {test.shape[0]:,} "
            f"entries; at most {capacity:,}, as many of each"
        )
    if its.dtype != np.int64 or train.dtype != np.float64 or test.dtype != np.float64:
        raise ValueError("the record's iterations must be int64 and its losses float64")
    if n and (its[0] < 0 or its[-1] >= iteration or np.any(np.diff(its) <= 0)):
        raise ValueError(
            f"the record's loss iterations must increase, from 0 to before {iteration:,}"
        )
    if not np.isfinite(train).all():
        raise ValueError("the record's training losses must be finite")
    return its, train, test


def _checked_last(last, iteration: int):
    if last is None:
        return None
    if not (
        isinstance(last, (list, tuple))
        and len(last) == 3
        and _whole(last[0], 0, iteration - 1)
        and all(isinstance(v, float) for v in last[1:])
        and math.isfinite(last[1])
    ):
        raise ValueError("the record's last step must be (iteration, train loss, test loss)")
    return (int(last[0]), float(last[1]), float(last[2]))


def _checked_snapshots(history: History, state: dict, iteration: int, max_snaps: int):
    its, snaps = state.get("snapshot_iterations"), state.get("snapshots")
    n_params = history._network.n_params
    if isinstance(snaps, np.ndarray):
        snaps = list(snaps) if snaps.ndim == 2 else None
    if not (isinstance(its, (list, tuple, np.ndarray)) and isinstance(snaps, list)):
        raise ValueError("the record's snapshots must be a list of weight vectors")
    its = [int(i) if _whole(i) else -1 for i in its]
    if not (1 <= len(its) == len(snaps) <= max_snaps):
        raise ValueError(
            f"the record holds {len(its):,} snapshot iterations and {len(snaps):,} "
            f"snapshots; as many of each, 1 to {max_snaps:,}"
        )
    if its[0] != 0 or its[-1] > iteration or any(b <= a for a, b in zip(its, its[1:])):
        raise ValueError(
            f"the record's snapshot iterations must increase from 0 to at most {iteration:,}"
        )
    for s in snaps:
        if not (isinstance(s, np.ndarray) and s.dtype == np.float64 and s.shape == (n_params,)):
            raise ValueError(f"each snapshot must be {n_params} float64 weights and biases")
        if not np.isfinite(s).all():
            raise ValueError("a snapshot holds a weight that is not finite")
    return its, [np.array(s) for s in snaps]


def _checked_log(log, cuts) -> tuple[list, list]:
    """The log's events (RunEvents of the known kinds, their marks (iteration, kind, text)
    of at most MAX_EVENT_TEXT characters) and the cuts of the path (positions in the log
    that never go back, iterations)."""
    if not isinstance(log, (list, tuple)):
        raise ValueError("the record's log must be a list of events")
    for e in log:
        if not (
            isinstance(e, RunEvent)
            and _whole(e.iteration)
            and e.kind in EVENT_KINDS
            and isinstance(e.marks, tuple)
            and all(_is_mark(m) for m in e.marks)
        ):
            raise ValueError(
                "each event of the record's log must be a RunEvent of a known kind, its "
                f"marks (iteration, kind, text) of at most {MAX_EVENT_TEXT} characters"
            )
    if not isinstance(cuts, (list, tuple)):
        raise ValueError("the record's cuts must be a list")
    out, position = [], 0
    for c in cuts:
        if not (
            isinstance(c, (list, tuple))
            and len(c) == 2
            and _whole(c[0], position, len(log))
            and _whole(c[1])
        ):
            raise ValueError(
                "each of the record's cuts must be [position in the log, iteration], in order"
            )
        position = int(c[0])
        out.append((position, int(c[1])))
    return list(log), out


def _is_mark(m) -> bool:
    return (
        isinstance(m, tuple)
        and len(m) == 3
        and _whole(m[0])
        and all(isinstance(v, str) and len(v) <= MAX_EVENT_TEXT for v in m[1:])
    )
