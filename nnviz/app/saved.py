"""An explorer's run as the run store keeps it, and back: exactly, to go on bit for bit.

:class:`RunSaver` turns an :class:`~nnviz.app.explorer.Explorer` into a
:class:`~nnviz.app.store.RunPayload` and saves it; :func:`load_explorer` (or
:func:`explorer_from_stored` for a loaded row) makes a new explorer holding that run.
What is saved: the settings the run started from and the current ones, the table of
iteration 0 and the current one, the run's log (its changes, what a link carries, with
the loss curve's marks of each), and the trainer's whole state
(:meth:`~nnviz.Trainer.state_dict`: weights, optimizer state, batch order, divergence
bookkeeping, history as thinned as it is), with the steps per second and the divergence
message shown.

**The row.** ``doc`` is JSON (format :data:`FORMAT`): the settings, the references to the
tables, the log (``events``: ``[iteration, kind, value]`` as a link writes them, a table
by reference; ``marks``: each event's marks on the loss curve; the history's ``cuts``:
where a rewind cut the path back), the trainer's and the history's numbers. Format 1
(before the log held the marks) kept the markers of the current path in the history's
``events``: they are read as the marks of its last event. ``state`` is an ``.npz``:
the weights (``params``), the kept weights (``kept``), the epoch's row order (``perm``)
and the optimizer's arrays (``optimizer.velocity`` …). The parts, each written once:
``table/<sha256>``: a table as zlib-compressed CSV (read back through
:func:`nnviz.data.read_csv_table`, its index kept in ``doc``); ``loss/…``: the loss
history in chunks of :data:`LOSS_CHUNK` points (an .npz of ``iterations``,
``train_loss``, ``test_loss``); ``snap/…``: weight snapshots in chunks of
:data:`SNAPSHOT_CHUNK` (an .npz of ``iterations`` and ``params``). A chunk's key names
its history (a token per history object of this saver), the history's ``revision``, its
number and its length, so that it never changes under its key: while the history only
grows, a save writes the last, partial chunk and the new ones; when it thins or is cut,
all of them once.

**Loading** checks everything before the explorer is made: each blob's size and type
(:mod:`nnviz.app.blobs`), the settings (their own checks), the tables (the CSV reader's
checks and limits, then the data preparation), the events (the link log's checks),
the network (its architecture against the saved one) and the trainer's and history's
state (their ``load_state_dict`` checks). Any failure is a
:class:`~nnviz.app.store.RunCorrupt` that says what is wrong.
"""

from __future__ import annotations

import hashlib
import io
import math
import secrets
import weakref
from dataclasses import fields, replace

import numpy as np
import pandas as pd

from ..data import MAX_CSV_BYTES, MAX_ROWS, read_csv_table
from ..errors import DataError
from ..history import History
from .blobs import (
    ArraySpec,
    BlobError,
    compress_text,
    decompress_text,
    read_json,
    read_npz,
    write_json,
    write_npz,
)
from .explorer import Explorer, RunLog
from .runs import RunEvent
from .settings import Settings
from .store import (
    MAX_DOC_BYTES,
    Part,
    RunCorrupt,
    RunPayload,
    RunStore,
    RunTooNew,
    SaveResult,
    StoredRun,
)
from .urlstate import event_to_json, events_from_json

FORMAT = 2
LOSS_CHUNK = 4096  # loss points per part (98 kB)
SNAPSHOT_CHUNK = 64  # weight snapshots per part
MAX_PARAMS = 2**20  # weights and biases a saved array may hold (the app's networks: < 3000)
MAX_TEXT = 4000  # characters of a message kept in the doc
_SETTING_NAMES = {f.name for f in fields(Settings)}
_OPTIMIZER_ARRAYS = ("velocity", "velocity_spare", "m", "v", "m_spare", "v_spare")


# ---------------------------------------------------------------------------- saving
class RunSaver:
    """Saves one session's run into ``store`` under ``run_id``, writing only what changed
    since its last save (tables it wrote are kept by key; the history's chunks too).

    ``revision``: the stored run's revision as this saver knows it (the one loaded, then
    each of its saves'); a save finds out when another writer saved the run meanwhile
    (:class:`~nnviz.app.store.RunChanged`, nothing written). None: a new run, or one
    saved whatever the store holds."""

    def __init__(self, store: RunStore, run_id: str, revision: int | None = None):
        self.store = store
        self.run_id = run_id
        self.revision = revision
        self._tables: dict[int, tuple] = {}  # id(table) -> (weakref, shape, columns, part)
        self._tokens: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def save(self, explorer: Explorer) -> SaveResult:
        """Save the explorer's run (StoreError if it cannot be: the run is untouched)."""
        payload = self.payload(explorer)
        result = self.store.save(self.run_id, payload, expect_revision=self.revision)
        self.revision = result.revision
        return result

    def payload(self, explorer: Explorer) -> RunPayload:
        """The explorer's run as the store keeps it. The parts' data are made only if the
        store asks for them (those it does not hold yet), at once, while the history's
        arrays are as they are now: save before training on."""
        ex = explorer
        trainer = ex.trainer
        state = trainer.state_dict()
        history = state.pop("history")
        log = history.pop("log")
        parts: dict[str, Part] = {}

        def table_ref(table: pd.DataFrame) -> dict:
            part = self._table_part(table)
            parts[part.key] = part
            index = table.index
            plain = isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1
            integer = pd.api.types.is_integer_dtype(index)
            return {"part": part.key, "index": None if plain or not integer else index.tolist()}

        events = [  # the run's one log (a table by reference), and the marks of each event
            [int(e.iteration), "table", table_ref(e.value)]
            if e.kind == "table"
            else event_to_json(e)
            for e in log
        ]
        marks = [[list(m) for m in e.marks] for e in log]
        token = self._token(trainer.history)
        loss_keys = self._loss_parts(history, token, parts)
        snap_keys = self._snapshot_parts(history, token, parts)
        doc = {
            "format": FORMAT,
            "network": trainer.network.config(),
            "settings": ex.settings.to_dict(),
            "table": table_ref(ex.table),
            "start": {
                "settings": ex.run_log.settings.to_dict(),
                "table": table_ref(ex.run_log.table),
                "weights": ex.run_log.weights,
                "uploaded": ex.run_log.trainer is not trainer,
            },
            "events": events,
            "marks": marks,
            "steps_per_second": float(ex.steps_per_second),
            "divergence": ex.divergence,
            "trainer": {k: v for k, v in state.items() if not isinstance(v, (np.ndarray, dict))}
            | {"rng": state["rng"], "optimizer": _scalars(state["optimizer"])},
            "history": {
                k: v
                for k, v in history.items()
                if k not in ("iterations", "train_loss", "test_loss", "snapshots")
                and k != "snapshot_iterations"
            }
            | {"loss_parts": loss_keys, "snapshot_parts": snap_keys},
        }
        arrays = {"params": state["params"]}
        if state["kept"] is not None:
            arrays["kept"] = state["kept"]
        if state["perm"] is not None:
            arrays["perm"] = state["perm"]
        for key, value in state["optimizer"].items():
            if isinstance(value, np.ndarray):
                arrays[f"optimizer.{key}"] = value
        return RunPayload(
            doc=write_json(doc),
            state=write_npz(arrays),
            parts=list(parts.values()),
            iteration=int(trainer.iteration),
            summary=summary(ex),
        )

    def _token(self, history: History) -> str:
        token = self._tokens.get(history)
        if token is None:
            token = self._tokens[history] = secrets.token_hex(6)
        return token

    def _table_part(self, table: pd.DataFrame) -> Part:
        """A table's part (made once per table object: the explorer replaces its tables,
        it does not edit them in place; the shape and columns are checked all the same)."""
        cached = self._tables.get(id(table))
        if cached is not None:
            ref, shape, columns, part = cached
            if ref() is table and shape == table.shape and columns == tuple(table.columns):
                return part
        csv = table.to_csv(index=False)
        key = "table/" + hashlib.sha256(csv.encode("utf-8")).hexdigest()[:40]
        part = Part(key, compress_text(csv))
        self._tables = {k: v for k, v in self._tables.items() if v[0]() is not None}
        self._tables[id(table)] = (weakref.ref(table), table.shape, tuple(table.columns), part)
        return part

    @staticmethod
    def _loss_parts(history: dict, token: str, parts: dict) -> list[str]:
        its, train, test = history["iterations"], history["train_loss"], history["test_loss"]
        keys = []
        for start in range(0, its.shape[0], LOSS_CHUNK):
            cut = slice(start, min(start + LOSS_CHUNK, its.shape[0]))
            key = f"loss/{token}/{history['revision']}/{start // LOSS_CHUNK}/{cut.stop - start}"

            def data(cut=cut):
                arrays = {"iterations": its[cut], "train_loss": train[cut], "test_loss": test[cut]}
                return write_npz(arrays, compress=True)

            parts[key] = Part(key, data)
            keys.append(key)
        return keys

    @staticmethod
    def _snapshot_parts(history: dict, token: str, parts: dict) -> list[str]:
        its, snaps = history["snapshot_iterations"], history["snapshots"]
        keys = []
        for start in range(0, len(its), SNAPSHOT_CHUNK):
            cut = slice(start, min(start + SNAPSHOT_CHUNK, len(its)))
            key = f"snap/{token}/{history['revision']}/{start // SNAPSHOT_CHUNK}/{cut.stop - start}"

            def data(cut=cut):
                chunk_its = np.asarray(its[cut], dtype=np.int64)
                return write_npz({"iterations": chunk_its, "params": np.stack(snaps[cut])}, True)

            parts[key] = Part(key, data)
            keys.append(key)
        return keys


def _scalars(state: dict) -> dict:
    return {k: v for k, v in state.items() if not isinstance(v, np.ndarray)}


def summary(ex: Explorer) -> str:
    """One line for lists: data set, architecture, optimizer and learning rate."""
    s = ex.settings
    sizes = "-".join(str(n) for n in ex.network.layer_sizes)
    return f"{s.dataset} · {sizes} {s.activation} · {s.optimizer} η {s.learning_rate:g}"


def save_run(store: RunStore, run_id: str, explorer: Explorer) -> SaveResult:
    """Save the explorer's run once (a :class:`RunSaver` writes only what changed)."""
    return RunSaver(store, run_id).save(explorer)


# ---------------------------------------------------------------------------- loading
def load_explorer(store: RunStore, run_id: str) -> Explorer:
    """A new explorer holding the run saved under ``run_id`` (StoreError if it cannot)."""
    return explorer_from_stored(store.load(run_id))


def explorer_from_stored(stored: StoredRun) -> Explorer:
    """A new explorer holding a loaded run: the same iteration, weights, optimizer state,
    batch order, history and log, to the last bit. :class:`RunCorrupt` (no other error)
    if any of it is not right; nothing else changes."""
    try:
        return _explorer(stored)
    except RunCorrupt:
        raise
    except (
        ValueError,
        TypeError,
        KeyError,
        IndexError,
        ArithmeticError,
        DataError,
        RecursionError,
    ) as error:
        why = str(error).strip().rstrip(".") or type(error).__name__
        raise RunCorrupt(f"This saved run cannot be opened: {why}.") from error


def _explorer(stored: StoredRun) -> Explorer:
    doc = read_json(stored.doc, MAX_DOC_BYTES, "the run's record")
    if not isinstance(doc, dict) or not isinstance(doc.get("format"), int):
        raise BlobError("the run's record is not one nnviz writes")
    if doc["format"] > FORMAT:
        raise RunTooNew(
            f"This run was saved by a newer nnviz (format {doc['format']}; this one reads "
            f"up to {FORMAT}): update nnviz to open it."
        )
    tables = _Tables(stored.parts)
    start = _dict(doc, "start")
    settings, start_settings = _settings(doc.get("settings")), _settings(start.get("settings"))
    table, start_table = tables.get(doc.get("table")), tables.get(start.get("table"))
    ex = Explorer(table, settings)
    net = ex.network
    if doc.get("network") != net.config():
        raise BlobError(
            f"the run was saved for a network {_arch(doc.get('network'))}; its settings build "
            f"{_arch(net.config())}"
        )
    arrays = read_npz(stored.state, _state_spec(net.n_params), "the run's state")
    trainer_state = dict(_dict(doc, "trainer"))
    optimizer = dict(_dict(trainer_state, "optimizer"))
    optimizer.update(
        (k.removeprefix("optimizer."), v) for k, v in arrays.items() if k.startswith("optimizer.")
    )
    history = _history(_dict(doc, "history"), stored.parts, net.n_params)
    history["log"] = _with_marks(_events(doc.get("events"), tables), doc, history)
    trainer_state.update(
        params=arrays["params"],
        kept=arrays.get("kept"),
        perm=arrays.get("perm"),
        optimizer=optimizer,
        history=history,
    )
    ex.trainer.load_state_dict(trainer_state)
    weights, uploaded = start.get("weights"), start.get("uploaded")
    if not (isinstance(weights, str) and len(weights) <= MAX_TEXT and isinstance(uploaded, bool)):
        raise BlobError("the run's start is not described as nnviz describes it")
    trainer = None if uploaded else ex.trainer  # a log of another trainer: uploaded weights
    ex.run_log = RunLog(start_table, start_settings, trainer, weights)
    speed, divergence = doc.get("steps_per_second"), doc.get("divergence")
    if not (
        isinstance(speed, float) and isinstance(divergence, str) and len(divergence) < MAX_TEXT
    ):
        raise BlobError("the run's speed and message are not numbers and text")
    ex.steps_per_second, ex.divergence = speed, divergence
    ex.notes = []
    return ex


def _dict(doc: dict, key: str) -> dict:
    value = doc.get(key)
    if not isinstance(value, dict):
        raise BlobError(f"the run's record has no {key}")
    return value


def _arch(config) -> str:
    if not isinstance(config, dict):
        return "of unknown shape"
    sizes = config.get("layer_sizes")
    shape = "-".join(map(str, sizes)) if isinstance(sizes, list) else "?"
    return f"{shape} ({config.get('activation')} → {config.get('output_activation')})"


def _settings(values) -> Settings:
    """Settings from their saved dict, through the settings' own checks."""
    if not isinstance(values, dict) or not set(values) <= _SETTING_NAMES:
        unknown = sorted(set(values) - _SETTING_NAMES) if isinstance(values, dict) else []
        raise BlobError(f"the saved settings are not nnviz's (unknown: {unknown[:3]})")
    settings = Settings(**values)
    settings.check()
    return settings


class _Tables:
    """The run's tables by part key, each read once through the CSV reader's checks."""

    def __init__(self, found: dict[str, bytes]):
        self._parts = found
        self._read: dict[str, pd.DataFrame] = {}

    def csv(self, key) -> str:
        if not (isinstance(key, str) and key.startswith("table/") and key in self._parts):
            raise BlobError(f"the run's table {str(key)[:60]!r} is missing")
        return decompress_text(self._parts[key], MAX_CSV_BYTES, "a saved table")

    def get(self, ref) -> pd.DataFrame:
        if not isinstance(ref, dict):
            raise BlobError("a table reference is not one nnviz writes")
        key, index = ref.get("part"), ref.get("index")
        if key not in self._read:
            self._read[key] = read_csv_table(io.BytesIO(self.csv(key).encode("utf-8")))
        table = self._read[key].copy()
        if index is not None:
            if not (
                isinstance(index, list)
                and len(index) == len(table)
                and all(isinstance(i, int) and not isinstance(i, bool) for i in index)
                and len(set(index)) == len(index)
            ):
                raise BlobError("a saved table's row labels do not fit its rows")
            table.index = pd.Index(index, dtype="int64")
        return table


def _events(items, tables: _Tables) -> list[RunEvent]:
    """The run's log through the link log's checks (a table event reads its table)."""
    if not isinstance(items, list):
        raise BlobError("the run's log is not a list")
    plain, labels = [], {}
    for n, item in enumerate(items):
        if isinstance(item, list) and len(item) == 3 and item[1] == "table":
            ref = item[2] if isinstance(item[2], dict) else {}
            labels[n] = ref
            item = [item[0], "table", tables.csv(ref.get("part"))]
        plain.append(item)
    events = events_from_json(plain)
    for n, ref in labels.items():  # the same table, with its row labels
        e = events[n]
        events[n] = RunEvent(e.iteration, e.kind, tables.get(ref))
    return events


def _with_marks(events: list[RunEvent], doc: dict, history: dict) -> list[RunEvent]:
    """The log's events with the loss curve's marks of each (the history's checks look at
    them). Format 1 kept the markers of the current path in the history's ``events``:
    they become the last event's marks, with no cut, so the curve shows them as it did."""
    if doc["format"] < 2:
        markers = history.pop("events", [])
        history["cuts"] = []
        if not (isinstance(markers, list) and all(isinstance(m, list) for m in markers)):
            raise BlobError("the run's history events are not a list of markers")
        marks = [[] for _ in events]
        if events:
            marks[-1] = markers
    else:
        marks = doc.get("marks")
    if not (isinstance(marks, list) and len(marks) == len(events)):
        raise BlobError("the run's log has not one list of marks per event")
    out = []
    for event, its_marks in zip(events, marks):
        if not (isinstance(its_marks, list) and all(isinstance(m, list) for m in its_marks)):
            raise BlobError("an event's marks are not a list of [iteration, kind, text]")
        out.append(replace(event, marks=tuple(tuple(m) for m in its_marks)))
    return out


def _state_spec(n_params: int) -> dict[str, ArraySpec]:
    spec = {
        "params": ArraySpec("float64", 1, n_params),
        "kept": ArraySpec("float64", 1, n_params, optional=True),
        "perm": ArraySpec("int64", 1, MAX_ROWS, optional=True),
    }
    for key in _OPTIMIZER_ARRAYS:
        spec[f"optimizer.{key}"] = ArraySpec("float64", 1, n_params, optional=True)
    return spec


def _history(doc: dict, found: dict[str, bytes], n_params: int) -> dict:
    """The history's state: its numbers from the doc, its losses and snapshots from its
    chunks (each read with bounds; their counts bounded by the history's capacities)."""
    state = {k: v for k, v in doc.items() if k not in ("loss_parts", "snapshot_parts", "revision")}
    loss_keys, snap_keys = doc.get("loss_parts"), doc.get("snapshot_parts")
    capacity = state.get("loss_capacity")
    max_snaps = state.get("max_snapshots")
    if not (
        isinstance(loss_keys, list)
        and isinstance(snap_keys, list)
        and isinstance(capacity, int)
        and isinstance(max_snaps, int)
        and len(loss_keys) <= math.ceil(min(capacity, 2**22) / LOSS_CHUNK)
        and len(snap_keys) <= math.ceil(min(max_snaps, 2**16) / SNAPSHOT_CHUNK)
    ):
        raise BlobError("the run's history is not described as nnviz describes it")
    loss_spec = {
        "iterations": ArraySpec("int64", 1, LOSS_CHUNK),
        "train_loss": ArraySpec("float64", 1, LOSS_CHUNK),
        "test_loss": ArraySpec("float64", 1, LOSS_CHUNK),
    }
    chunks = [
        read_npz(_part(found, k), loss_spec, "a chunk of the loss history") for k in loss_keys
    ]
    for name in ("iterations", "train_loss", "test_loss"):
        dtype = np.int64 if name == "iterations" else np.float64
        state[name] = np.concatenate([c[name] for c in chunks]) if chunks else np.zeros(0, dtype)
    snap_spec = {
        "iterations": ArraySpec("int64", 1, SNAPSHOT_CHUNK),
        "params": ArraySpec("float64", 2, SNAPSHOT_CHUNK * min(n_params, MAX_PARAMS)),
    }
    its, snaps = [], []
    for key in snap_keys:
        chunk = read_npz(_part(found, key), snap_spec, "a chunk of the weight snapshots")
        if chunk["params"].shape != (chunk["iterations"].shape[0], n_params):
            raise BlobError("a chunk of weight snapshots does not fit the network")
        its += chunk["iterations"].tolist()
        snaps += list(chunk["params"])
    state["snapshot_iterations"], state["snapshots"] = its, snaps
    return state


def _part(found: dict[str, bytes], key) -> bytes:
    if not (isinstance(key, str) and key in found):
        raise BlobError(f"a part of the run ({str(key)[:60]!r}) is missing")
    return found[key]
