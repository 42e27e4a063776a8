"""The explorer's model: a table, the settings chosen for it, and the run they make.

This is what the app shows, without the app: ``Explorer`` turns a table and a
``Settings`` into prepared data, a network and a trainer; applies changes the way
a user expects (a new learning rate keeps the weights, a new architecture rebuilds
the network, an edited cell keeps the run) and says what it did (an :class:`Update`
with its :class:`Note` s); trains in time-budgeted chunks for live play; and answers
what the views need — metrics, per-row predictions in the user's units, a prediction
for a new row. Bad input never replaces the last good state: the message is kept in
``data_error`` instead; why training stopped diverging is in ``divergence``.

It also keeps how the current run came about (``run_log``, :mod:`nnviz.app.runlog`:
the settings and table of its iteration 0; every change since is in the trainer's
log), which is what a link carries. A link's run is replayed on it by
:mod:`nnviz.app.linkreplay`, attached as ``link_replay``.
"""

from __future__ import annotations

import copy
import math
import time
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..activations import ACTIVATIONS
from ..chunks import ChunkResult, train_chunk
from ..data import DEFAULT_PRESET, PRESETS, PreparedData, infer_task, prepare
from ..errors import DataError, TrainingDiverged
from ..network import Network
from ..quoting import said
from ..trainer import Trainer
from .notes import Note, Update
from .runlog import LinkReplayProgress, RunLog
from .settings import (
    AUTO,
    MAX_HIDDEN_LAYERS,
    MAX_NEURONS,
    Settings,
    check_hot_settings,
    hot_changes,
    preset_table,
    why_rebuilt,
)


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
        self.notes: list[Note] = []  # what the latest change did, in words
        self.data_error: str = ""  # why the last table or settings offered were refused
        self.divergence: str = ""  # why training stopped: a step was refused
        self.table = table.copy()
        self.settings = settings
        self.data = self._prepare(self.table, settings)  # raises DataError for a bad start
        self.trainer = self._build(settings)
        self.last_chunk = ChunkResult(0, 0.0)
        self.steps_per_second = math.nan
        self.link_replay = None  # a link's run replayed on it (nnviz.app.linkreplay)
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
        self.run_log = RunLog(self.table, self.settings, self.trainer, weights)

    # ------------------------------------------------------------------ a link's run
    @property
    def link_replay_pending(self) -> bool:
        """A link's run is being replayed on this explorer: advance it until done."""
        return self.link_replay is not None and self.link_replay.pending

    def advance_link_replay(self, budget_s: float = 0.15) -> LinkReplayProgress:
        """Advance the link replay attached to this explorer (see
        :meth:`nnviz.app.linkreplay.LinkReplay.advance`); the live view asks it here.
        Without one under way, it is finished at once."""
        if not self.link_replay_pending:
            return LinkReplayProgress(self.trainer.iteration, 0, 0, True)
        return self.link_replay.advance(budget_s)

    def stop_link_replay(self) -> str:
        """End a link replay under way; returns a note saying where ("" if none was)."""
        return "" if self.link_replay is None else self.link_replay.stop()

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
            task=None if s.problem == AUTO else s.problem,
            gaps=s.gaps,
            # a table of the user's own: the rows without a mark drawn at the train share
            train_share=None if s.dataset in PRESETS else s.train_ratio,
            split_seed=s.data_seed or 0,
            # an example table's inputs are numbers: a text cell there is a typo to name
            text_inputs=s.dataset not in PRESETS,
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
    def update(self, table: pd.DataFrame, settings: Settings) -> Update:
        """Apply a new table and/or settings; returns what happened (:class:`Update`).

        Everything is checked, and a rebuilt trainer made, before any state changes:
        on bad data or settings the last good state stays whole, ``data_error`` says
        why and nothing is reported as changed.
        """
        old = self.settings
        table_changed = not same_table(table, self.table)
        if not table_changed and settings == old:
            self.data_error = ""  # e.g. a bad cell was put back as it was
            return Update()  # nothing changed: a divergence message stays on the page
        try:
            data, rebuilt = self._checked(table, settings, table_changed)
        except (DataError, ValueError) as exc:
            self.data_error = said(exc)
            return Update()
        self.data_error = self.divergence = ""
        self.table, self.data, self.settings = table.copy(), data, settings
        if rebuilt is not None:
            self.trainer = rebuilt
            self.steps_per_second = math.nan
            self._start_run()
            why = why_rebuilt(old, settings)
            note = Note(f"Network rebuilt ({why}): training starts again from iteration 0.")
            result = Update(rebuilt=True, notes=(note,))
        else:
            t = self.trainer
            if table_changed:
                t.set_data(data.X_train, data.y_train, data.X_test, data.y_test, source=self.table)
            hot = t.configure(**hot_changes(old, settings))
            t.diverged = False
            edited = Note("Table edited: training continues on the new rows.")
            result = Update(
                table_edited=table_changed,
                hot=tuple(hot),
                notes=(edited,) if table_changed else (),
            )
        self.notes = list(result.notes)
        return result

    def _checked(
        self, table: pd.DataFrame, settings: Settings, table_changed: bool
    ) -> tuple[PreparedData, Trainer | None]:
        """A new table and settings checked, before anything changes: the data prepared
        for them and, if they need a new network, its trainer (None: the run goes on).
        Raises DataError or ValueError."""
        settings.check()
        old, data = self.settings, self.data
        if table_changed or settings.data_key() != old.data_key():
            data = self._prepare(table, settings)
        if (
            settings.network_key() != old.network_key()
            or data.n_inputs != self.data.n_inputs
            or data.n_outputs != self.data.n_outputs
        ):
            return data, self._build(settings, data=data)
        check_hot_settings(settings)
        return data, None

    def reset(self) -> None:
        """Back to iteration 0 with the same initial weights (same seed)."""
        self.trainer = self._build(self.settings)
        self.divergence = ""
        self.steps_per_second = math.nan
        self._start_run()
        self.notes = [Note(f"Reset: the initial weights of seed {self.settings.seed} again.")]

    def new_seed(self, seed: int | None = None) -> int:
        """Draw new initial weights; returns the new seed."""
        if seed is None:
            seed = int(np.random.SeedSequence().generate_state(1)[0] % 1_000_000)
        self.settings = replace(self.settings, seed=int(seed))
        self.reset()
        self.notes = [Note(f"New initial weights from seed {seed}.")]
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
        settings = self.settings_for_model(net, features)
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
        self.notes = [Note("Continuing from the uploaded weights.")]

    def settings_for_model(self, net: Network, features=None) -> Settings:
        """The settings a model's network makes (its architecture, activations, biases,
        init and seed, its features if given), the others as they are: what :meth:`adopt`
        would apply."""
        return replace(
            self.settings,
            hidden=tuple(net.layer_sizes[1:-1]),
            activation=net.activation,
            output_activation=net.output_activation,
            bias=net.bias,
            init=net.init,
            seed=net.seed,
            **({} if features is None else {"features": tuple(features)}),
        )

    def replay(self, index: int) -> Explorer:
        """A read-only view of the run at snapshot ``index``: every view can draw it.

        The live trainer is untouched; the view shares the table, data and history.
        """
        view = copy.copy(self)
        view.trainer = self.trainer.frozen_at(index)
        return view

    def continue_from(self, index: int) -> int:
        """Make the replayed snapshot ``index`` the live state and train on from there."""
        iteration = self.trainer.continue_from(index)
        self.divergence = ""
        self.notes = [Note(f"Continuing from iteration {iteration}.")]
        return iteration

    def start_over_from(self, params) -> None:
        """A fresh run (iteration 0) from the given initial weights and the current settings.

        This is how a variant of a kept run starts from exactly its initial weights.
        """
        net = self._network(self.settings)
        seeded = net.params.copy()
        net.set_params(params)  # raises ValueError if the architecture changed
        self.trainer = self._build(self.settings, net)
        self.divergence = ""
        self._start_run(
            ""
            if np.array_equal(net.params, seeded)
            else "the run started from a kept run's initial weights, which its seed "
            f"{self.settings.seed} does not draw"
        )

    def set_weight(self, layer: int, i: int, j: int, value: float) -> None:
        """Edit one weight by hand (layer is 1-based, as W1, W2 …); ValueError if there is
        no such weight or the value is not a finite number (the run is then untouched)."""
        self.trainer.check_weight(layer, i, j, value)
        self.trainer.set_weight(layer, i, j, value)

    # ------------------------------------------------------------------ training
    def release_work_arrays(self) -> None:
        """Let go of the arrays training and drawing work in (made again when next
        needed): a run at rest, or in a closed tab, holds its weights and record only."""
        self.trainer.release_work_arrays()

    def step(self, n: int = 1) -> int:
        """Train n steps; returns how many were made (fewer if training diverged)."""
        start = self.trainer.iteration
        t0 = time.perf_counter()
        try:
            self.trainer.run(n)
        except TrainingDiverged as exc:
            self._diverged(str(exc))
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
        if self.task == "regression":
            target_accuracy = 0.0
        result = train_chunk(
            self.trainer, max_steps, budget_s, stop_at, target_loss, target_accuracy
        )
        if result.diverged:
            self._diverged(result.stopped)
        elif result.steps:
            self.divergence = ""
        self._measure(result.steps, result.seconds)
        self.last_chunk = result
        return result

    def _diverged(self, message: str) -> None:
        """Training ended in a refused step (the trainer logged it)."""
        self.divergence = message

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
        if data.classes is not None and data.n_outputs == 1:
            return self._two_classes(frame, out[:, 0])
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

    def _two_classes(self, frame: pd.DataFrame, out: np.ndarray) -> pd.DataFrame:
        """Two classes told apart by one output: the class each row's output is nearer,
        and whether it is the row's own."""
        data = self.data
        act = ACTIVATIONS[self.settings.output_activation]
        predicted = (out > act.midpoint).astype(int)
        frame["prediction"] = [str(data.classes[k]) for k in predicted]
        if self.settings.output_activation == "sigmoid":  # the predicted class's probability
            frame["confidence"] = np.where(predicted == 1, out, 1 - out)
        splits = np.asarray(data.splits)
        truth = np.full(len(splits), -1)
        for name, Y in (("train", data.y_train), ("test", data.y_test)):
            if len(Y):
                truth[splits == name] = (Y[:, 0] > act.midpoint).astype(int)
        hit = np.where(predicted == truth, "✓", "✗")
        frame["correct"] = np.where(splits == "predict", "", hit)
        return frame

    def predict_row(self, values) -> np.ndarray:
        """The prediction for one new row given in the user's units (seed 002: (4, 8) → ~92).

        ``values`` are the raw input columns (``data.raw_inputs``): the derived features
        are computed from them (a DataError if one is not a finite number there)."""
        scaler = self.data.scaler
        with np.errstate(all="ignore"):  # huge values or weights: inf, quietly
            X = scaler.transform_X(np.asarray(values, dtype=object).reshape(1, -1))
            out = self.network.forward(X)
            if self.data.classes is not None:
                return out[0]
            return scaler.inverse_y(out)[0]


def same_table(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """The same table: the same shape, columns and cells (dtypes too)."""
    try:
        return a.shape == b.shape and a.columns.equals(b.columns) and a.equals(b)
    except (TypeError, ValueError):
        return False


__all__ = [
    "MAX_HIDDEN_LAYERS",
    "MAX_NEURONS",
    "ChunkResult",
    "Explorer",
    "Metrics",
    "Note",
    "RunLog",
    "Settings",
    "Update",
    "infer_task",
    "same_table",
    "train_chunk",
]
