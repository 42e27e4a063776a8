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
* Events: learning-rate, optimizer and other changes, with their iteration,
  for marking the loss curve.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .network import Network

MEMORY_BUDGET = 64 * 2**20


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
        self.events: list[tuple[int, str, str]] = []

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
        half = self._n // 2
        for arr in (self._its, self._train, self._test):
            arr[:half] = arr[: self._n : 2]
        self._n = half
        self.loss_stride *= 2

    def _record_params(self, iteration: int) -> None:
        if len(self._snaps) >= self.max_snapshots:
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

        Losses of steps before it stay, snapshots up to it stay, later events go.
        """
        self.iteration = iteration
        keep = int(np.searchsorted(self._its[: self._n], iteration, side="left"))
        self._n = keep
        self.last = (
            (int(self._its[keep - 1]), float(self._train[keep - 1]), float(self._test[keep - 1]))
            if keep
            else None
        )
        n_snaps = sum(1 for it in self._snap_its if it <= iteration)
        self._snap_its = self._snap_its[:n_snaps]
        self._snaps = self._snaps[:n_snaps]
        self.events = [e for e in self.events if e[0] <= iteration]

    def add_event(self, iteration: int, kind: str, text: str) -> None:
        self.events.append((int(iteration), kind, text))

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
