"""The explorer's model: a table, the settings chosen for it, and the run they make.

This is what the app shows, without the app: ``Explorer`` turns a table and a
``Settings`` into prepared data, a network and a trainer; applies changes the way
a user expects (a new learning rate keeps the weights, a new architecture rebuilds
the network, an edited cell keeps the run); trains in time-budgeted chunks for
live play; and answers what the views need — metrics, per-row predictions in
the user's units, a prediction for a new row. Bad input never replaces the last
good state: the message is kept in ``data_error`` instead; why training stopped
diverging is in ``divergence``.

It also keeps how the current run came about (``run_log``: the settings and table of
its iteration 0 and every change since, as ``RunEvent``s), which is what a link
carries, and replays a link's run in chunks (``start_link_replay``,
``advance_link_replay``) within the link budget.
"""

from __future__ import annotations

import copy
import math
import time
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ..activations import ACTIVATIONS
from ..chunks import ChunkResult, train_chunk
from ..data import DEFAULT_PRESET, PreparedData, infer_task, prepare
from ..errors import DataError, TrainingDiverged
from ..network import Network
from ..trainer import Trainer
from .runs import RunEvent, budget_words, link_cost, replay_cost, train_rows
from .settings import (
    MAX_HIDDEN_LAYERS,
    MAX_NEURONS,
    Settings,
    apply_hot_settings,
    check_hot_settings,
    hot_changes,
    preset_table,
    why_rebuilt,
)


@dataclass
class RunLog:
    """How the current run came about: the table and settings of its iteration 0 and what
    changed since, in order. Replayed from the seed's weights, it is the same run."""

    table: pd.DataFrame
    settings: Settings
    trainer: Trainer  # the run this log is about
    events: list = field(default_factory=list)  # RunEvents
    weights: str = ""  # where the initial weights came from if not from the seed

    def foreign_weights(self, trainer: Trainer) -> str:
        """Why the seed does not give this run's initial weights ("" if it does)."""
        if trainer is not self.trainer:
            return "the run started from uploaded weights"
        return self.weights


@dataclass
class LinkReplay:
    """A link's run being replayed: its events, how far it has got, where it ends."""

    events: list
    end: int  # the iteration it ends at
    total: int  # steps to train in all (with the refused ones)
    trainer: Trainer
    next: int = 0  # the next event to apply
    done: int = 0  # steps trained so far
    refusing: bool = False  # training on until a step is refused (a "diverge" event)


@dataclass
class LinkReplayProgress:
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


@dataclass
class Metrics:
    iteration: int
    train_loss: float
    test_loss: float
    kind: str  # "accuracy" | "rmse"
    train_score: float
    test_score: float


class Explorer:
    """One user's table, settings, network and run."""

    def __init__(self, table: pd.DataFrame | None = None, settings: Settings | None = None):
        settings = settings or Settings.for_preset(DEFAULT_PRESET)
        if table is None:
            table = preset_table(settings)
        self.notes: list[str] = []
        self.data_error: str = ""  # why the last table or settings offered were refused
        self.divergence: str = ""  # why training stopped: a step was refused
        self.table = table.copy()
        self.settings = settings
        self.data = self._prepare(self.table, settings)  # raises DataError for a bad start
        self.trainer = self._build(settings)
        self.last_chunk = ChunkResult(0, 0.0)
        self.steps_per_second = math.nan
        self._replay: LinkReplay | None = None
        self._replaying = False  # the link replay itself is making the changes
        self._start_run()

    @property
    def error(self) -> str:
        """The message to show, if any: the data error, else the divergence (read-only)."""
        return self.data_error or self.divergence

    def clear_divergence(self) -> None:
        """Forget why training stopped (e.g. when play is pressed again)."""
        self.divergence = ""

    # ------------------------------------------------------------------ the run's record
    def _start_run(self, weights: str = "") -> None:
        """A new run starts at iteration 0 (weights: where they came from if not the seed)."""
        self.run_log = RunLog(self.table, self.settings, self.trainer, [], weights)

    def _record(self, iteration: int, kind: str, value) -> None:
        self.run_log.events.append(RunEvent(int(iteration), kind, value))

    # ------------------------------------------------------------------ a link's run
    def start_link_replay(self, link) -> list[str]:
        """Plan the run a link asks for (``read_link``'s LinkState); returns notes.

        The explorer must hold the link's table and settings (``Explorer(link.table,
        link.settings)``); it goes back to iteration 0. The plan trains up to the link's
        steps, applying its events at their iterations, within the link budget (cut with
        a note if over it). Advance it with :meth:`advance_link_replay` while
        :attr:`link_replay_pending`; any change of the user's ends it.
        """
        self._replay = None
        if link.settings != self.settings or not _same_table(link.table, self.table):
            return [
                "The link's run is not replayed: the explorer does not hold the link's "
                "settings and table."
            ]
        if self.trainer.iteration or self.run_log.events:
            self.reset()
        events, n_params = list(link.events), self.network.n_params
        cost = link_cost(events, link.steps, n_params, self.table, self.settings.batch_size)
        notes = []
        if cost.cut:
            rows = train_rows(self.table)
            full = replay_cost(events, link.steps, n_params, rows, self.settings.batch_size)
            notes.append(
                f"The link asks for {full.steps:,} steps of a {n_params:,}-parameter network "
                f"on up to {rows:,} rows ({full.work:.2g} rows × parameters × steps); "
                f"{budget_words()}: training up to iteration {cost.end:,}."
            )
        if cost.end or cost.events:
            self._replay = LinkReplay(events[: cost.events], cost.end, cost.steps, self.trainer)
        return notes

    @property
    def link_replay_pending(self) -> bool:
        """A link's run is being replayed: call :meth:`advance_link_replay` until done."""
        return self._replay is not None

    def advance_link_replay(self, budget_s: float = 0.15) -> LinkReplayProgress:
        """Train the link's run on for about ``budget_s`` seconds, applying its events at
        their iterations: a chunk never trains past the next event. Returns the progress;
        ``finished`` once the whole plan is done (or it stopped, ``note`` says why)."""
        plan = self._replay
        if plan is None:
            return LinkReplayProgress(self.trainer.iteration, 0, 0, True)
        if plan.trainer is not self.trainer:
            return self._end_replay("the run was replaced")
        t0 = time.perf_counter()
        settings, first = self.settings, plan.next
        self._replaying = True
        try:
            while True:
                event, refused, target = self._replay_target(plan)
                if self.trainer.iteration < target:
                    left = budget_s - (time.perf_counter() - t0)
                    if left <= 0:
                        break
                    why = self._replay_train(plan, event, refused, target, left)
                else:
                    why = self._replay_event(plan, event, refused, target)
                if why is not None:
                    return self._end_replay(why, settings, first)
        finally:
            self._replaying = False
        return self._progress(plan, False, "", settings, first)

    def _replay_target(self, plan: LinkReplay) -> tuple[RunEvent | None, bool, int]:
        """(the next event or None, whether it is a refusal to train on to, the iteration
        to train to before it). A "diverge" event at the current iteration (or one being
        trained on to) means training on until a step is refused, as the run did."""
        event = plan.events[plan.next] if plan.next < len(plan.events) else None
        refused = (
            event is not None
            and event.kind == "diverge"
            and (plan.refusing or self.trainer.iteration == event.iteration)
        )
        if refused:
            plan.refusing = True
            return event, True, event.iteration + event.value
        return event, False, plan.end if event is None else event.iteration

    def _replay_train(
        self, plan: LinkReplay, event: RunEvent | None, refused: bool, target: int, left: float
    ) -> str | None:
        """Train one chunk towards ``target`` in at most ``left`` seconds; None to go on,
        else why the replay ends."""
        it = self.trainer.iteration
        r = train_chunk(self.trainer, target - it, left, stop_at=target)
        plan.done += max(r.steps, 0) + r.diverged
        self._measure(r.steps, r.seconds)
        if r.diverged and refused:  # refused where the run was: the event is done
            self._diverged(event.iteration, r.stopped)
            plan.refusing = False
            plan.next += 1
        elif r.diverged:
            self._diverged(it, r.stopped)
            return f"training diverged at iteration {self.trainer.iteration:,}"
        return None

    def _replay_event(
        self, plan: LinkReplay, event: RunEvent | None, refused: bool, target: int
    ) -> str | None:
        """At (or past) ``target``: apply the event there; None to go on, else why the
        replay ends ("" when the whole plan is done)."""
        it = self.trainer.iteration
        if refused:
            return "training did not diverge where the run did"
        if event is None:
            return ""
        if it > target:
            return f"it is at iteration {it:,} where the link's run changed at {target:,}"
        why = self._apply(event)
        if why:
            return why
        plan.next += 1
        return None

    def _progress(
        self, plan: LinkReplay, finished: bool, note: str, settings: Settings, first: int
    ) -> LinkReplayProgress:
        tables = any(e.kind == "table" for e in plan.events[first : plan.next])
        return LinkReplayProgress(
            self.trainer.iteration,
            plan.done,
            plan.total,
            finished,
            note,
            self.settings != settings,
            tables,
        )

    def _apply(self, e) -> str:
        """Apply one event of a link's run as the user did; "" or why it could not be."""
        if e.kind in ("set", "table"):
            table = e.value if e.kind == "table" else self.table
            settings = replace(self.settings, **e.value) if e.kind == "set" else self.settings
            self._update(table, settings, e.kind == "table")
            return self.data_error
        if e.kind == "weight":
            try:
                self.set_weight(*e.value)
            except ValueError as exc:
                return str(exc)
            return ""
        if e.kind == "rewind":
            its = [int(i) for i in self.trainer.history.snapshot_iterations]
            if e.value not in its:
                return f"no recorded weights of iteration {e.value:,} to continue from"
            self.continue_from(its.index(e.value))
        return ""

    def _end_replay(
        self, why: str, settings: Settings | None = None, first: int | None = None
    ) -> LinkReplayProgress:
        plan, self._replay = self._replay, None
        it = self.trainer.iteration
        note = f"The replay stopped at iteration {it:,}: {why}." if why else ""
        return self._progress(
            plan, True, note, settings or self.settings, plan.next if first is None else first
        )

    def stop_link_replay(self) -> str:
        """End a link replay under way; returns a note saying where ("" if none was)."""
        plan, self._replay = self._replay, None
        if plan is None:
            return ""
        return (
            f"Stopped replaying the link at iteration {self.trainer.iteration:,} "
            f"(it ends at {plan.end:,})."
        )

    def _interrupt(self) -> None:
        """A change of the user's ends a link replay that is under way."""
        if self._replay is not None and not self._replaying:
            self.stop_link_replay()

    # ------------------------------------------------------------------ building
    @staticmethod
    def _prepare(table: pd.DataFrame, s: Settings) -> PreparedData:
        return prepare(
            table,
            list(s.inputs),
            list(s.targets),
            scaling=s.scaling,
            target_max=s.target_max,
            output_activation=s.output_activation,
            features=list(s.features),
        )

    def _network(self, s: Settings, data: PreparedData | None = None) -> Network:
        data = data or self.data
        sizes = [data.n_inputs, *s.hidden, data.n_outputs]
        return Network(
            sizes,
            activation=s.activation,
            output_activation=s.output_activation,
            bias=s.bias,
            init=s.init,
            seed=s.seed,
        )

    def _build(
        self, s: Settings, net: Network | None = None, data: PreparedData | None = None
    ) -> Trainer:
        s.check()
        data = data or self.data
        if net is None:
            net = self._network(s, data)
        return Trainer(
            net,
            data.X_train,
            data.y_train,
            loss=s.loss,
            optimizer=s.optimizer,
            learning_rate=s.learning_rate,
            batch_size=s.batch_size,
            momentum=s.momentum,
            l1=s.l1,
            l2=s.l2,
            seed=s.seed,
            X_test=data.X_test,
            y_test=data.y_test,
        )

    @property
    def network(self) -> Network:
        return self.trainer.network

    @property
    def task(self) -> str:
        return infer_task(self.data, self.settings.output_activation)

    # ------------------------------------------------------------------ changes
    def update(self, table: pd.DataFrame, settings: Settings) -> list[str]:
        """Apply a new table and/or settings; returns what happened, in words.

        Everything is checked, and a rebuilt trainer made, before any state changes:
        on bad data or settings the last good state stays whole and ``data_error`` says
        why. A change ends a link replay under way.
        """
        return self._update(table, settings, not _same_table(table, self.table))

    def _update(self, table: pd.DataFrame, settings: Settings, table_changed: bool) -> list[str]:
        old = self.settings
        if not table_changed and settings == old:
            self.data_error = ""  # e.g. a bad cell was put back as it was
            return []  # nothing changed: a divergence message stays on the page
        rebuild = settings.network_key() != old.network_key()
        try:
            settings.check()
            if table_changed or settings.data_key() != old.data_key():
                data = self._prepare(table, settings)
            else:
                data = self.data
            rebuild = (
                rebuild
                or data.n_inputs != self.data.n_inputs
                or (data.n_outputs != self.data.n_outputs)
            )
            if rebuild:
                trainer = self._build(settings, data=data)
            else:
                check_hot_settings(settings)
        except (DataError, ValueError) as exc:
            self.data_error = str(exc)
            return []
        self._interrupt()
        self.data_error = self.divergence = ""
        self.table, self.data, self.settings = table.copy(), data, settings
        notes: list[str] = []
        if rebuild:
            self.trainer = trainer
            self.steps_per_second = math.nan
            self._start_run()
            notes.append(
                f"Network rebuilt ({why_rebuilt(old, settings)}): training starts "
                "again from iteration 0."
            )
        else:
            t = self.trainer
            if table_changed:
                t.set_data(data.X_train, data.y_train, data.X_test, data.y_test)
                self._record(t.iteration, "table", self.table)
                notes.append("Table edited: training continues on the new rows.")
            changes = hot_changes(old, settings)
            apply_hot_settings(t, settings)
            if changes:
                self._record(t.iteration, "set", changes)
            t.diverged = False
        self.notes = notes
        return notes

    def reset(self) -> None:
        """Back to iteration 0 with the same initial weights (same seed)."""
        self._interrupt()
        self.trainer = self._build(self.settings)
        self.divergence = ""
        self.steps_per_second = math.nan
        self._start_run()
        self.notes = [f"Reset: the initial weights of seed {self.settings.seed} again."]

    def new_seed(self, seed: int | None = None) -> int:
        """Draw new initial weights; returns the new seed."""
        if seed is None:
            seed = int(np.random.SeedSequence().generate_state(1)[0] % 1_000_000)
        self.settings = replace(self.settings, seed=int(seed))
        self.reset()
        self.notes = [f"New initial weights from seed {seed}."]
        return int(seed)

    def adopt(self, net: Network, features=None) -> None:
        """Continue from given weights (an uploaded model): a new run that starts from them.

        ``features``: the model's derived input features (its last inputs), if any; they
        replace the current ones. Everything is checked before anything changes — the
        settings the model makes (within the app's limits, ``Settings.check()``), the
        table prepared for its output activation and features, its inputs and outputs,
        the trainer built on it: a refused model (a ValueError, or the DataError of a
        table it cannot use) leaves the run as it was.
        """
        sizes = net.layer_sizes
        settings = replace(
            self.settings,
            hidden=tuple(sizes[1:-1]),
            activation=net.activation,
            output_activation=net.output_activation,
            bias=net.bias,
            init=net.init,
            seed=net.seed,
            **({} if features is None else {"features": tuple(features)}),
        )
        settings.check()
        data = self.data
        if settings.data_key() != self.settings.data_key():
            data = self._prepare(self.table, settings)
        if sizes[0] != data.n_inputs or sizes[-1] != data.n_outputs:
            raise ValueError(
                f"The model has {sizes[0]} inputs and {sizes[-1]} outputs; the table gives "
                f"{data.n_inputs} inputs and {data.n_outputs} outputs."
            )
        trainer = self._build(settings, net, data)
        self.settings, self.data, self.trainer = settings, data, trainer
        self.divergence = ""
        self.notes = ["Continuing from the uploaded weights."]

    def replay(self, index: int) -> Explorer:
        """A read-only view of the run at snapshot ``index``: every view can draw it.

        The live trainer is untouched; the view shares the table, data and history.
        """
        view = copy.copy(self)
        view.trainer = self.trainer.frozen_at(index)
        return view

    def continue_from(self, index: int) -> int:
        """Make the replayed snapshot ``index`` the live state and train on from there."""
        self._interrupt()
        before = self.trainer.iteration
        iteration = self.trainer.continue_from(index)
        self._record(before, "rewind", iteration)
        self.divergence = ""
        self.notes = [f"Continuing from iteration {iteration}."]
        return iteration

    def start_over_from(self, params) -> None:
        """A fresh run (iteration 0) from the given initial weights and the current settings.

        This is how a variant of a kept run starts from exactly its initial weights.
        """
        net = self._network(self.settings)
        seeded = net.params.copy()
        net.set_params(params)  # raises ValueError if the architecture changed
        self._interrupt()
        self.trainer = self._build(self.settings, net)
        self.divergence = ""
        self._start_run(
            ""
            if np.array_equal(net.params, seeded)
            else "the run started from a kept run's initial weights, which its seed "
            f"{self.settings.seed} does not draw"
        )

    def set_weight(self, layer: int, i: int, j: int, value: float) -> None:
        """Edit one weight by hand (layer is 1-based, as W1, W2 …)."""
        value = float(value)
        if not math.isfinite(value):
            raise ValueError("a weight must be a finite number")
        L = self.network.n_layers
        if not 1 <= layer <= L:
            raise ValueError(f"layer must be 1 to {L} (W1 … W{L}); got {layer}")
        W = self.network.weights[layer - 1]
        if not (0 <= i < W.shape[0] and 0 <= j < W.shape[1]):
            raise ValueError(f"W{layer} has shape {W.shape}; there is no [{i}, {j}]")
        self._interrupt()
        W[i, j] = value
        self.trainer.history.add_event(
            self.trainer.iteration, "edit", f"W{layer}[{i}, {j}] = {value:g}"
        )
        self._record(self.trainer.iteration, "weight", (layer, i, j, value))

    # ------------------------------------------------------------------ training
    def step(self, n: int = 1) -> int:
        """Train n steps; returns how many were made (fewer if training diverged)."""
        self._interrupt()
        start = self.trainer.iteration
        t0 = time.perf_counter()
        try:
            self.trainer.run(n)
        except TrainingDiverged as exc:
            self._diverged(start, str(exc))
        else:
            if n > 0:
                self.divergence = ""
        done = self.trainer.iteration - start
        self._measure(done, time.perf_counter() - t0)
        return done

    def train_chunk(
        self,
        max_steps: int,
        budget_s: float = 0.15,
        stop_at: int = 0,
        target_loss: float = 0.0,
        target_accuracy: float = 0.0,
    ) -> ChunkResult:
        """One live-training tick; see :func:`train_chunk`. ``target_accuracy`` applies
        to classification only (a regression has no accuracy)."""
        self._interrupt()
        start = self.trainer.iteration
        if self.task == "regression":
            target_accuracy = 0.0
        result = train_chunk(
            self.trainer, max_steps, budget_s, stop_at, target_loss, target_accuracy
        )
        if result.diverged:
            self._diverged(start, result.stopped)
        elif result.steps:
            self.divergence = ""
        self._measure(result.steps, result.seconds)
        self.last_chunk = result
        return result

    def _diverged(self, start: int, message: str) -> None:
        """Training from iteration ``start`` ended in a refused step."""
        self.divergence = message
        # replaying: train from ``start`` and the same step is refused within this many
        self._record(start, "diverge", max(self.trainer.iteration - start, 0) + 2)

    def _measure(self, steps: int, seconds: float) -> None:
        if steps >= 10 and seconds > 0:
            self.steps_per_second = steps / seconds

    # ------------------------------------------------------------------ reading
    def metrics(self) -> Metrics:
        """Losses and the score (accuracy or RMSE in the user's units) of the current weights;
        huge weights give inf, never a NumPy warning."""
        t, data = self.trainer, self.data
        train_loss = t.network.loss(data.X_train, data.y_train, t.loss_name)
        test_loss = (
            t.network.loss(data.X_test, data.y_test, t.loss_name) if len(data.X_test) else math.nan
        )
        if self.task == "regression":
            kind = "rmse"
            score = self._rmse
        else:
            kind = "accuracy"
            score = self._accuracy
        return Metrics(
            t.iteration,
            train_loss,
            test_loss,
            kind,
            score(data.X_train, data.y_train),
            score(data.X_test, data.y_test),
        )

    def _rmse(self, X, y) -> float:
        if not len(X):
            return math.nan
        inv = self.data.scaler.inverse_y
        with np.errstate(all="ignore"):  # huge predictions: inf, quietly
            return float(np.sqrt(np.mean((inv(self.network.forward(X)) - inv(y)) ** 2)))

    def _accuracy(self, X, y) -> float:
        if not len(X):
            return math.nan
        return self.trainer.accuracy(X, y)

    def predictions(self) -> pd.DataFrame:
        """Per table row, in the user's units: the network's prediction and its error."""
        data = self.data
        out = self.network.forward(data.X_all())
        frame = pd.DataFrame(index=pd.Index(data.index, name=self.table.index.name))
        if data.classes is not None:
            predicted = out.argmax(axis=1)
            frame["prediction"] = [str(data.classes[k]) for k in predicted]
            frame["confidence"] = out.max(axis=1)
            # the true class of each train/test row, from the one-hot targets (table order)
            splits = np.asarray(data.splits)
            truth = np.full(len(splits), -1)
            for name, Y in (("train", data.y_train), ("test", data.y_test)):
                if len(Y):
                    truth[splits == name] = Y.argmax(axis=1)
            frame["correct"] = np.where(
                splits == "predict", "", np.where(predicted == truth, "✓", "✗")
            )
            return frame
        with np.errstate(all="ignore"):  # huge predictions: inf in the table, quietly
            pred = data.scaler.inverse_y(out)
        task = self.task
        for k, name in enumerate(data.targets):
            col = f"predicted {name}" if len(data.targets) > 1 else "prediction"
            frame[col] = pred[:, k]
            truth = pd.to_numeric(self.table.loc[data.index, name], errors="coerce").to_numpy()
            err_col = f"error {name}" if len(data.targets) > 1 else "error"
            with np.errstate(all="ignore"):
                frame[err_col] = pred[:, k] - truth
            if task == "binary" and len(data.targets) == 1:
                mid = ACTIVATIONS[self.settings.output_activation].midpoint
                hit = (pred[:, 0] > mid) == (truth > mid)
                frame["correct"] = np.where(np.isnan(truth), "", np.where(hit, "✓", "✗"))
        return frame

    def predict_row(self, values) -> np.ndarray:
        """The prediction for one new row given in the user's units (seed 002: (4, 8) → ~92).

        ``values`` are the raw input columns (``data.raw_inputs``): the derived features
        are computed from them (a DataError if one is not a finite number there)."""
        scaler = self.data.scaler
        with np.errstate(all="ignore"):  # huge values or weights: inf, quietly
            X = scaler.transform_X(np.asarray(values, dtype=float).reshape(1, -1))
            out = self.network.forward(X)
            if self.data.classes is not None:
                return out[0]
            return scaler.inverse_y(out)[0]


def _same_table(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    try:
        return a.shape == b.shape and a.columns.equals(b.columns) and a.equals(b)
    except (TypeError, ValueError):
        return False


__all__ = [
    "MAX_HIDDEN_LAYERS",
    "MAX_NEURONS",
    "ChunkResult",
    "Explorer",
    "LinkReplayProgress",
    "Metrics",
    "RunLog",
    "Settings",
    "infer_task",
    "train_chunk",
]
