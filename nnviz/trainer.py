"""Training, one step at a time: ``Trainer.step()`` is the unit, ``run(n)`` is n steps.

A step (the seeds' loop body) is: take a batch → forward pass → loss →
backward pass → add the L1/L2 terms → let the optimizer propose new
parameters → check that they are finite → accept them. The loss recorded for
a step is the one measured in its forward pass, before its update, as the seeds
print it.

Divergence: a loss is only known one step after its weights were made, so each
step keeps the weights it measured (a copy into a preallocated vector). When the
next loss is infinite or NaN the network goes back to them — the last weights
whose loss was finite — and when a proposed weight is not finite the step is not
applied. Either way ``step()`` raises ``TrainingDiverged`` saying which
iteration's weights were kept.

Saving: ``state_dict()`` is everything a run needs to go on exactly — the weights, the
optimizer's state, the hot settings, the batch order's random state and position, the
divergence bookkeeping and the history — and ``load_state_dict(state)`` puts it into a
trainer built for the same network and rows: 300 steps, save, load into a new trainer,
200 more is the same run as 500 straight, to the last bit.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ._quiet import quiet_enter, quiet_exit
from .activations import ACTIVATIONS
from .errors import TrainingDiverged
from .history import History, RunEvent
from .losses import get_loss
from .network import BackpropTrace, Network
from .optimizers import make_optimizer
from .quoting import quote
from .trainer_state import check_penalty, checked_state

HYPERPARAMETERS = ("optimizer", "learning_rate", "batch_size", "momentum", "l1", "l2")
"""What a run can change mid-run, keeping its weights (:meth:`Trainer.configure`)."""


class StepRecord(NamedTuple):
    """What one step did."""

    iteration: int  # the weights of this iteration were measured, then updated
    loss: float  # data loss on the batch, before the update
    test_loss: float  # loss on the test rows with the same weights (NaN without them)
    penalty: float  # the L1/L2 term added to the loss being minimized
    learning_rate: float
    batch: np.ndarray | None  # row indices of the batch (None: all rows)


@dataclass
class StepTrace:
    """One step, taken apart: the backprop trace and the update it would make."""

    iteration: int
    backprop: BackpropTrace
    learning_rate: float
    optimizer: str
    dW_total: list  # dW plus the L1/L2 terms: what the optimizer receives
    W_new: list  # W after this step's update
    b_new: list


class Trainer:
    """Trains ``network`` on (X, y); remembers every step in ``history``.

    ``iteration`` counts the updates made; ``diverged`` and ``divergence_message`` say
    whether and how the last step diverged; ``last_finite_loss`` is the loss of the
    latest weights whose loss was finite, as its step measured it — after a divergence,
    the loss of the weights the network kept (NaN when it holds none).
    """

    def __init__(
        self,
        network: Network,
        X,
        y,
        loss: str = "half_sse",
        optimizer: str = "sgd",
        learning_rate: float = 1.0,
        batch_size: int | None = None,
        momentum: float = 0.9,
        l1: float = 0.0,
        l2: float = 0.0,
        seed: int | None = None,
        X_test=None,
        y_test=None,
        history_options: dict | None = None,
    ):
        self.network = net = network
        self.X = net.check_inputs(X)
        if self.X.shape[0] == 0:
            raise ValueError("X has no rows to train on")
        self.Y = net.check_targets(y, self.X.shape[0])
        self._loss = get_loss(loss)
        self._loss.check_output(net.output_activation)
        self.momentum = float(momentum)
        self._set_lr(learning_rate)
        self._optimizer = make_optimizer(optimizer, net.n_params, momentum=self.momentum)
        self.l1 = self._check_penalty("l1", l1)
        self.l2 = self._check_penalty("l2", l2)
        if seed is None:
            seed = int(np.random.SeedSequence().generate_state(1)[0])
        self.seed = int(seed)
        self._rng = np.random.default_rng(self.seed)
        self.batch_size = self._check_batch_size(batch_size)
        self._perm = None
        self._pos = 0

        if X_test is not None and y_test is not None and len(X_test):
            self.X_test = net.check_inputs(X_test)
            self.Y_test = net.check_targets(y_test, self.X_test.shape[0])
        else:
            self.X_test = self.Y_test = None

        self.iteration = 0
        self.diverged = False
        self.divergence_message = ""
        self.last_finite_loss = math.nan
        self._kept = np.empty(net.n_params)  # the weights the latest step measured
        self._kept_iteration = None  # … and their iteration (None: none to go back to)
        self._call_start = 0  # where the latest run() or step() started
        self._zeros = np.zeros(net.n_params)
        self._ws = {}  # batch size -> work arrays, kept alive here
        self._ws_full = self._work(self.X.shape[0])
        self.history = History(net, **(history_options or {}))

    # ---------------------------------------------------------------- settings
    @staticmethod
    def _check_penalty(name, value) -> float:
        return check_penalty(name, value)

    def _check_batch_size(self, batch_size):
        if batch_size is None:
            return None
        batch_size = int(batch_size)
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1; got {batch_size}")
        return batch_size

    # ---------------------------------------------------------------- changes mid-run
    def configure(self, **changes) -> dict:
        """Change hyperparameters mid-run, keeping the weights: any of
        :data:`HYPERPARAMETERS`, applied in the order given. Those that changed are logged
        as one ``"set"`` event (each marked on the loss curve) and returned."""
        unknown = [name for name in changes if name not in HYPERPARAMETERS]
        if unknown:
            raise ValueError(
                f"{quote(unknown[0])} is not a hyperparameter a run can change; "
                f"choose from {', '.join(HYPERPARAMETERS)}"
            )
        changed, marks = {}, []
        try:
            for name, value in changes.items():
                text = getattr(self, f"_change_{name}")(value)  # ValueError if not valid
                if text is not None:
                    changed[name] = value
                    if text:
                        marks.append((self.iteration, name, text))
        finally:  # what was changed before a refused value is logged too
            if changed:
                self.history.record(RunEvent(self.iteration, "set", changed, tuple(marks)))
        return changed

    # Each _change_<name> applies one hyperparameter: None if it was already so, else
    # the loss curve's text for the change ("" when the change shows nowhere).
    def _change_optimizer(self, name: str) -> str | None:
        """A new optimizer starts afresh (its state is not carried over)."""
        new = make_optimizer(name, self.network.n_params, momentum=self.momentum)
        if new.name == self._optimizer.name:
            return None
        old, self._optimizer = self._optimizer.name, new
        return f"{old} → {new.name}"

    def _change_learning_rate(self, lr) -> str | None:
        old = self._lr
        self._set_lr(lr)
        return None if self._lr == old else f"η {old:g} → {self._lr:g}"

    def _change_batch_size(self, batch_size) -> str | None:
        new = self._check_batch_size(batch_size)
        if new == self.batch_size:
            return None
        old = "all" if self.batch_size is None else self.batch_size
        self.batch_size = new
        self._perm, self._pos = None, 0
        return f"batch {old} → {'all' if new is None else new}"

    def _change_momentum(self, momentum) -> str | None:
        """μ of the momentum optimizer (its velocity starts afresh)."""
        momentum = float(momentum)
        if momentum == self.momentum:
            return None
        old, self.momentum = self.momentum, momentum
        if self._optimizer.name != "momentum":
            return ""
        self._optimizer = make_optimizer("momentum", self.network.n_params, momentum=momentum)
        return f"μ {old:g} → {momentum:g}"

    def _change_l1(self, value) -> str | None:
        return self._change_penalty("l1", value)

    def _change_l2(self, value) -> str | None:
        return self._change_penalty("l2", value)

    def _change_penalty(self, name: str, value) -> str | None:
        value = self._check_penalty(name, value)
        old = getattr(self, name)
        if value == old:
            return None
        setattr(self, name, value)
        return f"{name} {old:g} → {value:g}"

    def set_batch_size(self, batch_size: int | None) -> None:
        """Change the batch size mid-run (None: full batch); marked on the loss curve."""
        self.configure(batch_size=batch_size)

    def _set_lr(self, lr) -> None:
        lr = float(lr)
        if not (lr > 0.0 and math.isfinite(lr)):
            raise ValueError(f"learning_rate must be a positive number; got {lr}")
        self._lr = lr

    @property
    def loss_name(self) -> str:
        return self._loss.name

    @property
    def learning_rate(self) -> float:
        return self._lr

    @learning_rate.setter
    def learning_rate(self, lr) -> None:
        self.configure(learning_rate=lr)

    @property
    def optimizer(self) -> str:
        return self._optimizer.name

    @optimizer.setter
    def optimizer(self, name: str) -> None:
        """Switch optimizer (its state starts afresh); the weights are untouched."""
        self.configure(optimizer=name)

    def set_momentum(self, momentum: float) -> None:
        """Change μ of the momentum optimizer (its velocity starts afresh)."""
        self.configure(momentum=momentum)

    @property
    def optimizer_state(self) -> dict:
        return self._optimizer.state()

    def set_regularization(self, l1: float | None = None, l2: float | None = None) -> None:
        """Change L1/L2 mid-run; marked on the loss curve."""
        self.configure(**{k: v for k, v in (("l1", l1), ("l2", l2)) if v is not None})

    def set_data(
        self, X, y, X_test=None, y_test=None, note: str = "data edited", source=None
    ) -> None:
        """Train on new rows from here on (the weights and the optimizer state stay).

        The column counts must match the network; logged as a ``"table"`` event whose
        value is ``source`` (what the rows came from: the app gives its table, which a
        link replays), marked ``note`` on the loss curve.
        """
        net = self.network
        X = net.check_inputs(X)
        if X.shape[0] == 0:
            raise ValueError("X has no rows to train on")
        Y = net.check_targets(y, X.shape[0])
        if X_test is not None and y_test is not None and len(X_test):
            X_test = net.check_inputs(X_test)
            Y_test = net.check_targets(y_test, X_test.shape[0])
        else:
            X_test = Y_test = None
        self.X, self.Y, self.X_test, self.Y_test = X, Y, X_test, Y_test
        self._perm, self._pos = None, 0
        self._ws = {}
        self._ws_full = self._work(X.shape[0])
        self._kept_iteration = None  # their loss was measured on the old rows
        it = self.iteration
        self.history.record(RunEvent(it, "table", source, ((it, "data", note),)))

    def check_weight(self, layer: int, i: int, j: int, value: float) -> float:
        """ValueError unless ``W{layer}[i, j]`` exists (layer 1-based) and ``value`` is a
        finite number; returns the value as a float."""
        value = float(value)
        if not math.isfinite(value):
            raise ValueError("a weight must be a finite number")
        L = self.network.n_layers
        if not 1 <= layer <= L:
            raise ValueError(f"layer must be 1 to {L} (W1 … W{L}); got {layer}")
        W = self.network.weights[layer - 1]
        if not (0 <= i < W.shape[0] and 0 <= j < W.shape[1]):
            raise ValueError(f"W{layer} has shape {W.shape}; there is no [{i}, {j}]")
        return value

    def set_weight(self, layer: int, i: int, j: int, value: float) -> None:
        """Edit one weight by hand (layer is 1-based, as W1, W2 …); marked on the loss curve."""
        value = self.check_weight(layer, i, j, value)
        self.network.weights[layer - 1][i, j] = value
        it = self.iteration
        mark = (it, "edit", f"W{layer}[{i}, {j}] = {value:g}")
        self.history.record(RunEvent(it, "weight", (layer, i, j, value), (mark,)))

    # ---------------------------------------------------------------- batches
    def _batch_rows(self, advance: bool) -> np.ndarray | None:
        bs = self.batch_size
        if bs is None or bs >= self.X.shape[0]:
            return None
        n = self.X.shape[0]
        perm, pos = self._perm, self._pos
        rng_state = None
        if perm is None or pos >= n:
            if not advance:
                rng_state = self._rng.bit_generator.state
            perm, pos = self._rng.permutation(n), 0
            if not advance:
                self._rng.bit_generator.state = rng_state
        rows = perm[pos : pos + bs]
        if advance:
            self._perm, self._pos = perm, pos + bs
        return rows

    def _work(self, n: int):
        ws = self._ws.get(n)
        if ws is None:
            ws = self._ws[n] = self.network.workspace(n)
        return ws

    def release_work_arrays(self) -> None:
        """Let go of the arrays a step works in (the largest network on 4,500 rows: 20 MB);
        the next step makes them again. A run at rest holds its weights and its record."""
        self._ws = {}
        self._ws_full = None
        self.network.release_workspaces()

    # ---------------------------------------------------------------- training
    def _penalty(self) -> float:
        """Add the L1/L2 terms to the weight gradients; return their loss term."""
        net = self.network
        W = net.params[: net.n_weights]
        dW = net.grad[: net.n_weights]
        penalty = 0.0
        if self.l2:
            penalty += 0.5 * self.l2 * float(np.vdot(W, W))  # (l2/2)·ΣW²
            dW += self.l2 * W
        if self.l1:
            penalty += self.l1 * float(np.abs(W).sum())  # l1·Σ|W|
            dW += self.l1 * np.sign(W)
        return penalty

    def test_loss(self) -> float:
        if self.X_test is None:
            return math.nan
        with np.errstate(all="ignore"):
            return self.network.loss(self.X_test, self.Y_test, self._loss)

    def _diverge(self, reason: str, loss_of_current: bool = False):
        """Keep the last weights whose loss was finite, say which, and raise TrainingDiverged.

        ``loss_of_current``: the current weights' own loss is not finite, so the network
        goes back to the weights the previous step measured, if it holds them.
        """
        k = self.iteration
        went_back = loss_of_current and self._kept_iteration == k - 1
        if went_back:
            np.copyto(self.network.params, self._kept)
            self._optimizer.revert()
            self.iteration = k - 1
            self.history.truncate(k - 1)
            self._kept_iteration = None  # the kept weights are the current ones now
            kept = (
                f"The network went back to the weights of iteration {k - 1}, the last "
                f"with a finite loss ({self.last_finite_loss:.4g})"
            )
        elif loss_of_current:
            self.last_finite_loss = math.nan
            kept = (
                f"The network keeps the weights of iteration {k}; no earlier weights "
                f"with a finite loss are held"
            )
        else:
            kept = (
                f"The step was not applied: the network keeps the weights of iteration "
                f"{k}, the last with a finite loss ({self.last_finite_loss:.4g})"
            )
        msg = (
            f"Training diverged at iteration {k}: {reason}. {kept}. Reset or the replay "
            f"slider gets back to earlier ones. Try a smaller learning rate (now {self._lr:g})."
        )
        # trained on from where this call started, a step is refused within this many
        start, it = self._call_start, self.iteration
        marks = () if self.diverged else ((it, "diverged", reason),)
        self.history.record(RunEvent(start, "diverge", max(it - start, 0) + 2, marks))
        self.diverged = True
        self.divergence_message = msg
        raise TrainingDiverged(msg)

    def _step(self) -> StepRecord:
        net = self.network
        k = self.iteration
        rows = None if self.batch_size is None else self._batch_rows(advance=True)
        if rows is None:
            Xb, Yb = self.X, self.Y
            if self._ws_full is None:
                self._ws_full = self._work(self.X.shape[0])
            ws = self._ws_full
        else:
            Xb, Yb = self.X[rows], self.Y[rows]
            ws = self._work(rows.shape[0])
        loss = net.backprop(Xb, Yb, self._loss, ws)
        penalty = self._penalty() if (self.l1 or self.l2) else 0.0
        if not math.isfinite(loss + penalty):
            self._diverge(f"the loss became {loss + penalty}", loss_of_current=True)
        self.last_finite_loss = loss
        test = math.nan if self.X_test is None else self.test_loss()
        # keep θ_k, whose loss is finite, and write θ_{k+1} into the network's own vector
        kept = self._kept
        np.copyto(kept, net.params)
        self._kept_iteration = k
        self._optimizer.propose(kept, net.grad, self._lr, net.params)
        if not math.isfinite(net.params.dot(self._zeros)):  # inf·0 and nan·0 are nan
            np.copyto(net.params, kept)
            self._diverge("a weight would have become infinite or NaN")
        self._optimizer.accept()
        self.iteration = k + 1
        self.history.record_step(k, loss, test)
        return StepRecord(k, loss, test, penalty, self._lr, rows)

    def step(self) -> StepRecord:
        """One update on one batch. Raises TrainingDiverged (weights kept) if it would diverge."""
        self._call_start = self.iteration
        token = quiet_enter()  # np.errstate(all="ignore"), cheaper
        try:
            return self._step()
        finally:
            quiet_exit(token)

    def run(self, n: int) -> StepRecord | None:
        """``n`` steps, exactly as ``n`` calls of ``step()``; returns the last record."""
        record = None
        self._call_start = self.iteration
        token = quiet_enter()
        try:
            for _ in range(int(n)):
                record = self._step()
        finally:
            quiet_exit(token)
        return record

    # ---------------------------------------------------------------- saving
    def state_dict(self) -> dict:
        """Everything this run needs to go on exactly, to save it: JSON-ready values and
        NumPy arrays (copies, but the history's arrays are views: see
        :meth:`History.state_dict`).

        ``params`` (the network's weights and biases, laid out as ``network.params``),
        ``optimizer`` (:meth:`Optimizer.state_dict`), the hot settings (``learning_rate``,
        ``batch_size``, ``momentum``, ``l1``, ``l2``), ``seed``, ``rng`` (the batch
        order's bit generator state), ``perm`` and ``pos`` (the current epoch's row order
        and the position in it), the divergence bookkeeping (``kept`` and
        ``kept_iteration``: the weights the latest step measured, ``diverged``,
        ``divergence_message``, ``last_finite_loss``) and ``history``.
        """
        kept = None if self._kept_iteration is None else self._kept.copy()
        return {
            "iteration": self.iteration,
            "params": self.network.params.copy(),
            "optimizer": self._optimizer.state_dict(),
            "learning_rate": self._lr,
            "batch_size": self.batch_size,
            "momentum": self.momentum,
            "l1": self.l1,
            "l2": self.l2,
            "seed": self.seed,
            "rng": self._rng.bit_generator.state,
            "perm": None if self._perm is None else self._perm.copy(),
            "pos": self._pos,
            "kept": kept,
            "kept_iteration": self._kept_iteration,
            "diverged": self.diverged,
            "divergence_message": self.divergence_message,
            "last_finite_loss": self.last_finite_loss,
            "history": self.history.state_dict(),
        }

    def load_state_dict(self, state: dict) -> None:
        """Go on from a saved run: this trainer must be built for the same network
        architecture and the same training rows (its loss, data and network come from
        there, not from ``state``).

        Everything is checked before anything changes, and a ValueError says what does
        not fit (:func:`~nnviz.trainer_state.checked_state`): the weights (finite, shaped
        like the network's), the optimizer's state, the hot settings (their own checks),
        the random state (a PCG64 state), the row order (a permutation of the training
        rows), the bookkeeping and the history.
        """
        c = checked_state(state, self.network, self.X.shape[0], self.history)
        np.copyto(self.network.params, c["params"])
        self.iteration = c["iteration"]
        self._lr, self.momentum, self.l1, self.l2 = c["hot"]
        self.batch_size = c["batch_size"]
        self._optimizer = c["optimizer"]
        self.seed = c["seed"]
        self._rng = c["rng"]
        self._perm, self._pos = c["order"]
        kept, self._kept_iteration = c["kept"]
        self._kept[...] = 0.0 if kept is None else kept
        self.diverged, self.divergence_message, self.last_finite_loss = c["divergence"]
        self.history = c["history"]

    # ---------------------------------------------------------------- replay
    def frozen_at(self, index: int) -> Trainer:
        """A read-only view of this run at snapshot ``index``: for replaying, never stepped.

        It shares the history; its network is a copy holding the snapshot's weights.
        The optimizer's state is not recorded, so a replayed trace proposes the update
        of a fresh optimizer (exact for sgd).
        """
        iteration, flat = self.history.snapshot_params(index)
        view = copy.copy(self)
        view.network = self.network.copy()
        view.network.set_params(flat)
        view.iteration = iteration
        view._optimizer = make_optimizer(
            self.optimizer, self.network.n_params, momentum=self.momentum
        )
        view._ws = {}
        view._ws_full = view._work(self.X.shape[0])
        view._kept, view._kept_iteration = np.empty(self.network.n_params), None
        return view

    def continue_from(self, index: int) -> int:
        """Rewind the run to snapshot ``index`` and go on from there; returns its iteration.

        Later losses and snapshots are forgotten; the optimizer starts afresh.
        """
        before = self.iteration
        iteration, flat = self.history.snapshot_params(index)
        self.network.set_params(flat)
        self.history.truncate(iteration)
        self.iteration = iteration
        self._optimizer = make_optimizer(
            self.optimizer, self.network.n_params, momentum=self.momentum
        )
        self._kept_iteration = None
        self.diverged, self.divergence_message = False, ""
        mark = (iteration, "continue", f"continued from iteration {iteration}")
        self.history.record(RunEvent(before, "rewind", iteration, (mark,)))
        return iteration

    # ---------------------------------------------------------------- inspection
    def trace(self) -> StepTrace:
        """The next step taken apart, without taking it: the seeds' steps 1–8 with numbers."""
        net = self.network
        rows = self._batch_rows(advance=False)
        Xb, Yb = (self.X, self.Y) if rows is None else (self.X[rows], self.Y[rows])
        params = net.params.copy()
        with np.errstate(all="ignore"):
            backprop = net.backprop_trace(Xb, Yb, self._loss)
            if self.l1 or self.l2:
                self._penalty()
            grad = net.grad.copy()
            # a throw-away optimizer with the same state proposes the update
            probe = copy.deepcopy(self._optimizer)
            new = probe.propose(params, grad, self._lr, np.empty_like(params))
        W_new, b_new = net.unflatten(new)  # views into the fresh arrays
        return StepTrace(
            iteration=self.iteration,
            backprop=backprop,
            learning_rate=self._lr,
            optimizer=self.optimizer,
            dW_total=net.unflatten(grad)[0],
            W_new=W_new,
            b_new=b_new,
        )

    def accuracy(self, X=None, Y=None) -> float:
        """Share of rows whose predicted class is right: the largest output's, or with one
        output, the side of its range's midpoint (sigmoid 0.5, tanh 0) it falls on."""
        net = self.network
        A = net.forward(self.X if X is None else X)
        Y = self.Y if Y is None else net.check_targets(Y, A.shape[0])
        if A.shape[1] > 1:
            return float(np.mean(A.argmax(axis=1) == Y.argmax(axis=1)))
        mid = ACTIVATIONS[net.output_activation].midpoint
        if mid is None:
            bounded = ", ".join(name for name, a in ACTIVATIONS.items() if a.bounded)
            raise ValueError(
                f"accuracy needs a bounded output ({bounded}) to tell the classes "
                f"apart; a {net.output_activation} output has no middle."
            )
        return float(np.mean((A[:, 0] > mid) == (Y[:, 0] > mid)))
