"""A run saved and restored (nnviz/app/saved.py): exactly the same run, going on bit for bit in
a fresh process; and every way a saved row can be damaged, refused with a clear message."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import textwrap
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa

from nnviz.app import blobs, saved
from nnviz.app import store as st
from nnviz.app.explorer import Explorer
from nnviz.app.saved import RunSaver, load_explorer
from nnviz.app.settings import Settings, preset_table
from nnviz.app.store import RunCorrupt, RunStore, RunTooNew, new_run_id
from nnviz.app.urlstate import event_to_json, link_limits, run_link
from nnviz.data import load_preset

ROOT = Path(__file__).resolve().parents[1]


def explorer(dataset: str, **changes) -> Explorer:
    s = replace(Settings.for_preset(dataset), **changes)
    return Explorer(preset_table(s), s)


def apply(ex: Explorer, actions) -> Explorer:
    """What a user does: ["step", n], ["set", {setting: value}], ["rewind", iteration],
    ["edit", {"drop": [row labels]}], ["weight", [layer, i, j, value]]."""
    for kind, arg in actions:
        if kind == "step":
            ex.step(arg)
        elif kind == "set":
            ex.update(ex.table, replace(ex.settings, **arg))
        elif kind == "rewind":
            ex.continue_from(list(ex.trainer.history.snapshot_iterations).index(arg))
        elif kind == "edit":
            ex.update(ex.table.drop(index=arg["drop"]), ex.settings)
        elif kind == "weight":
            ex.set_weight(*arg)
    assert not ex.data_error, ex.data_error
    return ex


def bits(a) -> np.ndarray:
    a = np.ascontiguousarray(a)
    return a.view(np.uint8)


def same_bits(a, b) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(bits(a), bits(b))


def assert_same_run(a: Explorer, b: Explorer) -> None:
    """Everything that makes the run, to the last bit."""
    ta, tb = a.trainer, b.trainer
    assert ta.iteration == tb.iteration
    assert same_bits(ta.network.params, tb.network.params)
    sa_, sb = ta.state_dict(), tb.state_dict()
    ha, hb = sa_.pop("history"), sb.pop("history")
    for key in ("params", "kept", "perm"):
        if sa_[key] is None:
            assert sb[key] is None, key
        else:
            assert same_bits(sa_[key], sb[key]), key
    for key, value in sa_["optimizer"].items():
        assert (
            same_bits(value, sb["optimizer"][key])
            if isinstance(value, np.ndarray)
            else (value == sb["optimizer"][key])
        ), key
    for key in ("rng", "pos", "kept_iteration", "diverged", "divergence_message", "iteration",
                "learning_rate", "batch_size", "momentum", "l1", "l2", "seed"):  # fmt: skip
        assert sa_[key] == sb[key], key
    assert same_bits(sa_["last_finite_loss"], sb["last_finite_loss"])
    for key in ("iterations", "train_loss", "test_loss"):
        assert same_bits(ha[key], hb[key]), key
    assert ha["snapshot_iterations"] == hb["snapshot_iterations"]
    assert all(same_bits(x, y) for x, y in zip(ha["snapshots"], hb["snapshots"]))
    for key in ("last", "cuts", "loss_stride", "snapshot_stride", "iteration"):
        assert same_bits(ha[key], hb[key]) if key == "last" and ha[key] else ha[key] == hb[key], key
    assert a.settings == b.settings and a.run_log.settings == b.run_log.settings
    assert a.table.equals(b.table) and a.run_log.table.equals(b.run_log.table)
    ea, eb = (
        [event_to_json(e) for e in a.run_log.events],
        [event_to_json(e) for e in b.run_log.events],
    )
    assert ea == eb
    assert [e.marks for e in ha["log"]] == [e.marks for e in hb["log"]]  # the log's marks …
    assert ta.history.events == tb.history.events  # … and the markers on the path
    assert a.divergence == b.divergence
    assert run_link(a) == run_link(b) and link_limits(a) == link_limits(b)


@pytest.fixture
def store(tmp_path):
    engine = sa.create_engine(
        sa.URL.create("sqlite", database=str(tmp_path / "runs.sqlite")),
        connect_args={"timeout": 5},
    )
    yield RunStore(engine)
    engine.dispose()


# ---------------------------------------------------------------------------- exactly
CHILD = textwrap.dedent(
    """
    import json, sys
    import sqlalchemy as sa
    sys.path.insert(0, sys.argv[3])
    from test_saved import apply
    from nnviz.app.store import RunStore
    from nnviz.app.saved import RunSaver, load_explorer
    store = RunStore(sa.create_engine(sys.argv[1]))
    for job in json.loads(sys.argv[2]):
        ex = load_explorer(store, job["from"])
        apply(ex, job["after"])
        RunSaver(store, job["to"]).save(ex)
    print("ok")
    """
)

MINI = {"batch_size": 10, "hidden": (8, 8)}
SCENARIOS = {
    "sgd": ("spiral", {**MINI, "optimizer": "sgd", "learning_rate": 0.03},
            [["step", 300]], [["step", 200]]),
    "momentum": ("spiral", {**MINI, "optimizer": "momentum", "learning_rate": 0.01},
                 [["step", 300]], [["step", 200]]),
    "adam": ("circle", {**MINI, "optimizer": "adam", "learning_rate": 0.01, "l2": 0.001},
             [["step", 300]], [["step", 200]]),
    # continued from a replayed point, with a weight edited and a table edit on the way
    "rewind": ("circle", {**MINI, "optimizer": "adam", "learning_rate": 0.01},
               [["step", 250], ["rewind", 120], ["weight", [1, 0, 1, 0.5]],
                ["edit", {"drop": [3, 7, 11]}], ["step", 60]],
               [["set", {"learning_rate": 0.003, "batch_size": 7}], ["step", 200]]),
    # saved one step before the divergence: the restored run goes back to the kept
    # weights and the optimizer's spare state, as the uninterrupted one did
    "divergence": ("plane", {"optimizer": "momentum", "learning_rate": 10.0,
                             "batch_size": 10, "activation": "relu"},
                   [["step", 5]],
                   [["step", 300], ["rewind", 0], ["set", {"learning_rate": 0.001}],
                    ["step", 200]]),
}  # fmt: skip


def test_a_restored_run_goes_on_bit_for_bit_in_a_fresh_process(store, tmp_path):
    """300 steps, save, restore in a new process, 200 more ≡ 500 straight — weights,
    optimizer state, batch order, losses, snapshots and log — for SGD, momentum and Adam
    with mini-batches, after a rewind (and edits), and through a divergence."""
    jobs, straight = [], {}
    for name, (dataset, changes, before, after) in SCENARIOS.items():
        ex = apply(explorer(dataset, **changes), before)
        run_id = new_run_id()
        RunSaver(store, run_id).save(ex)
        jobs.append({"from": run_id, "to": new_run_id(), "after": after, "name": name})
        straight[name] = apply(apply(explorer(dataset, **changes), before), after)
    # the uninterrupted run went back to iteration 4's weights at its 6th step
    dataset, changes, before, after = SCENARIOS["divergence"]
    probe = apply(explorer(dataset, **changes), before + after[:1])
    assert "went back to the weights of iteration 4" in probe.divergence
    assert [e.kind for e in straight["divergence"].run_log.events] == ["diverge", "rewind", "set"]
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    done = subprocess.run(
        [sys.executable, str(script), str(store.engine.url), json.dumps(jobs), str(ROOT / "tests")],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert done.stdout == "ok\n", done.stderr[-3000:]
    for job in jobs:
        restored = load_explorer(store, job["to"])
        assert_same_run(straight[job["name"]], restored)
    assert straight["sgd"].trainer.iteration == 500
    assert straight["divergence"].trainer.iteration == 200  # back to 0, on at a new rate


def test_everything_the_views_show_comes_back(store):
    ex = apply(
        explorer("exam_scores"),
        [["step", 40], ["set", {"learning_rate": 0.5, "optimizer": "adam"}], ["step", 25]],
    )
    ex.steps_per_second = 12345.5
    run_id = new_run_id()
    saver = RunSaver(store, run_id)
    result = saver.save(ex)
    back = load_explorer(store, run_id)
    assert_same_run(ex, back)
    assert (
        back.steps_per_second == 12345.5
        and back.trainer.history.events == ex.trainer.history.events
    )
    assert back.metrics() == ex.metrics()
    assert back.predictions().equals(ex.predictions())
    info = store.info(run_id)
    assert info.iteration == 65 and info.summary == "exam_scores · 2-3-1 sigmoid · adam η 0.5"
    assert info.size_bytes == result.size_bytes
    # and it goes on as the original does
    ex.step(30)
    back.step(30)
    assert_same_run(ex, back)


def test_an_uploaded_model_stays_an_uploaded_model(store):
    ex = explorer("exam_scores")
    net = ex.network.copy()
    net.params[:] = np.linspace(-1, 1, net.n_params)
    ex.adopt(net)
    ex.step(10)
    run_id = new_run_id()
    RunSaver(store, run_id).save(ex)
    back = load_explorer(store, run_id)
    assert "uploaded weights" in link_limits(back)[0]
    assert_same_run(ex, back)


def test_a_save_writes_what_changed_since_the_last(store):
    ex = explorer("spiral", hidden=(8,) * 6, batch_size=10)
    ex.step(3000)
    run_id = new_run_id()
    saver = RunSaver(store, run_id)
    first = saver.save(ex)
    ex.step(10)
    second = saver.save(ex)
    assert second.written_bytes < first.written_bytes / 4
    assert second.size_bytes > first.size_bytes
    manifest = json.loads(_row(store, run_id).manifest)
    with store.engine.connect() as conn:
        keys = set(conn.scalars(sa.select(st.parts.c.key).where(st.parts.c.run_id == run_id)))
    assert keys == set(manifest)  # no part left behind
    chunks = {k for k in manifest if not k.startswith("table/")}
    ex.continue_from(5)  # a rewind rewrites the history: every chunk anew, once
    saver.save(ex)
    after = set(json.loads(_row(store, run_id).manifest))
    assert (
        not chunks & after
        and {k for k in after if k.startswith("table/")} == set(manifest) - chunks
    )
    assert_same_run(ex, load_explorer(store, run_id))
    other = RunSaver(store, run_id)  # another saver (another replica) of the same run
    ex.step(5)
    other.save(ex)
    assert_same_run(ex, load_explorer(store, run_id))


def _row(store, run_id):
    with store.engine.connect() as conn:
        return conn.execute(sa.select(st.runs).where(st.runs.c.id == run_id)).first()


# ---------------------------------------------------------------------------- damaged rows
def _doc(store, run_id) -> dict:
    return json.loads(_row(store, run_id).doc)


def _set(store, run_id, table=st.runs, **values):
    key = table.c.id if table is st.runs else table.c.run_id
    with store.engine.begin() as conn:
        conn.execute(table.update().where(key == run_id).values(**values))


def _set_part(store, run_id, key, data: bytes):
    """Replace a part's bytes, with a size and checksum that match (a foreign part)."""
    with store.engine.begin() as conn:
        conn.execute(
            st.parts.update()
            .where(st.parts.c.run_id == run_id, st.parts.c.key == key)
            .values(data=data, size_bytes=len(data), sha256=hashlib.sha256(data).hexdigest())
        )
        manifest = json.loads(
            conn.execute(sa.select(st.runs.c.manifest).where(st.runs.c.id == run_id)).scalar()
        )
        manifest[key] = len(data)
        conn.execute(
            st.runs.update().where(st.runs.c.id == run_id).values(manifest=json.dumps(manifest))
        )


def _npz_with(arrays: dict, **overrides) -> bytes:
    return blobs.write_npz({**arrays, **overrides})


def _edit_doc(doc: dict, path: str, value) -> dict:
    doc = json.loads(json.dumps(doc))
    *parents, last = path.split(".")
    node = doc
    for p in parents:
        node = node[p]
    node[last] = value
    return doc


def test_a_run_saved_in_format_1_opens_with_its_markers(store):
    """Format 1 kept the loss curve's markers of the current path in the history's
    ``events`` and the log without them: they come back as the markers they were."""
    ex = apply(
        explorer("circle", batch_size=10),
        [["step", 30], ["set", {"learning_rate": 0.3}], ["step", 10], ["rewind", 20]],
    )
    ex.step(5)
    run_id = new_run_id()
    RunSaver(store, run_id).save(ex)
    doc = _doc(store, run_id)
    assert doc["format"] == saved.FORMAT == 2 and len(doc["marks"]) == len(doc["events"])
    old = {k: v for k, v in doc.items() if k != "marks"} | {"format": 1}
    old["history"] = {k: v for k, v in doc["history"].items() if k != "cuts"} | {
        "events": [list(m) for m in ex.trainer.history.events]
    }
    _set(store, run_id, doc=json.dumps(old).encode())
    back = load_explorer(store, run_id)
    assert back.trainer.history.events == ex.trainer.history.events
    assert [event_to_json(e) for e in back.run_log.events] == [
        event_to_json(e) for e in ex.run_log.events
    ]
    assert run_link(back) == run_link(ex)
    # a damaged old record is refused as a new one is
    old["history"]["events"] = [[0, "x", "y" * 10_000]]
    _set(store, run_id, doc=json.dumps(old).encode())
    with pytest.raises(RunCorrupt, match="log"):
        load_explorer(store, run_id)


def _zip_bomb() -> bytes:
    """An .npz whose one member unpacks to 10 MB from 10 kB: refused from its directory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("params.npy", b"\x00" * 10_000_000)
    return buffer.getvalue()


DOC_CASES = {
    "not JSON": (lambda d: None, "not JSON"),
    "foreign JSON": (lambda d: {"hello": "world"}, "not one nnviz writes"),
    "a newer format": (lambda d: _edit_doc(d, "format", 99), "newer nnviz"),
    "an unknown setting": (lambda d: _edit_doc(d, "settings.colour", "red"), "colour"),
    "a setting out of range": (
        lambda d: _edit_doc(d, "settings.learning_rate", -1.0),
        "Learning rate",
    ),
    "another network": (lambda d: _edit_doc(d, "settings.hidden", [5]), "network"),
    "a bad event": (lambda d: _edit_doc(d, "events", [[3, "explode", 1]]), "event 1"),
    "events out of order": (
        lambda d: _edit_doc(d, "events", [[9, "weight", [1, 0, 0, 0.5]], [4, "rewind", 1]]),
        "comes after",
    ),
    "marks that do not fit the log": (lambda d: _edit_doc(d, "marks", []), "marks"),
    "a cut past the log": (lambda d: _edit_doc(d, "history.cuts", [[99, 0]]), "cuts"),
    "a random state that is not PCG64": (
        lambda d: _edit_doc(d, "trainer.rng", {"bit_generator": "MT19937"}),
        "PCG64",
    ),
    "a history past its capacity": (
        lambda d: _edit_doc(d, "history.loss_capacity", 2**40),
        "losses",
    ),
    "a stride of zero": (lambda d: _edit_doc(d, "history.loss_stride", 0), "powers of two"),
    "a missing table": (lambda d: _edit_doc(d, "table.part", "table/nope"), "missing"),
    "the iteration past the history": (
        lambda d: _edit_doc(d, "trainer.iteration", 10**6),
        "history ends",
    ),
}


@pytest.mark.parametrize("case", list(DOC_CASES))
def test_a_damaged_record_is_refused_with_a_clear_message(store, case):
    ex = apply(explorer("circle", batch_size=10), [["step", 30], ["rewind", 10], ["step", 5]])
    good, bad = new_run_id(), new_run_id()
    RunSaver(store, good).save(ex)
    RunSaver(store, bad).save(ex)
    edit, message = DOC_CASES[case]
    doc = edit(_doc(store, bad))
    _set(store, bad, doc=b"{not json" if doc is None else json.dumps(doc).encode())
    error = RunTooNew if case == "a newer format" else RunCorrupt
    with pytest.raises(error, match=message) as caught:
        load_explorer(store, bad)
    assert "Traceback" not in str(caught.value)
    assert_same_run(ex, load_explorer(store, good))  # nothing else lost


STATE_CASES = {
    "cut short": (lambda s: s[: len(s) // 2], "damaged or cut short"),
    "not an npz": (lambda s: b"PK\x03\x04" + b"\x00" * 50, "damaged or cut short"),
    "a pickled array": (
        lambda s: _pickled(),
        "damaged or cut short",
    ),
    "weights of another shape": (
        lambda s: _npz_with(_arrays(s), params=np.zeros(3)),
        "weights and biases",
    ),
    "weights that are not finite": (
        lambda s: _npz_with(_arrays(s), params=np.full(_arrays(s)["params"].shape, np.nan)),
        "not finite",
    ),
    "integer weights": (
        lambda s: _npz_with(_arrays(s), params=np.zeros(_arrays(s)["params"].shape, np.int64)),
        "expected float64",
    ),
    "a row order that is not a permutation": (
        lambda s: _npz_with(_arrays(s), perm=np.zeros(_arrays(s)["perm"].shape, np.int64)),
        "permutation",
    ),
    "an unexpected member": (lambda s: _npz_with(_arrays(s), extra=np.zeros(1)), "unexpected"),
    "a zip bomb": (lambda s: _zip_bomb(), "larger than expected"),
}


def _arrays(state: bytes) -> dict:
    with np.load(io.BytesIO(state), allow_pickle=False) as npz:
        return {k: npz[k] for k in npz.files}


def _pickled() -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, params=np.array([{"evil": 1}], dtype=object))
    return buffer.getvalue()


@pytest.mark.parametrize("case", list(STATE_CASES))
def test_a_damaged_state_is_refused_with_a_clear_message(store, case):
    ex = apply(explorer("circle", batch_size=10, optimizer="adam"), [["step", 33]])
    run_id = new_run_id()
    RunSaver(store, run_id).save(ex)
    edit, message = STATE_CASES[case]
    _set(store, run_id, state=edit(bytes(_row(store, run_id).state)))
    with pytest.raises(RunCorrupt, match=message):
        load_explorer(store, run_id)


def test_damaged_parts_tables_and_chunks_are_refused(store):
    ex = apply(explorer("circle", batch_size=10), [["step", 300]])
    run_id = new_run_id()
    saver = RunSaver(store, run_id)
    saver.save(ex)
    cases = [
        ("table", blobs.compress_text("x1,x2,label\n1,oops,1\n"), "oops"),  # the CSV's checks
        ("table", blobs.compress_text("a\n" * 10), "column"),  # another table
        ("table", b"\x78\x9c" + b"\x00" * 40, "damaged"),  # not zlib
        ("table", __import__("zlib").compress(b"a" * (st.MAX_PART_BYTES + 10)), "unpacks to more"),
        ("loss", b"PK", "damaged or cut short"),
        (
            "loss",
            blobs.write_npz(
                {"iterations": np.arange(5), "train_loss": np.ones(4), "test_loss": np.ones(5)}
            ),
            "entries",
        ),  # fmt: skip
        (
            "loss",
            blobs.write_npz(
                {
                    "iterations": np.arange(5),
                    "train_loss": np.full(5, np.inf),
                    "test_loss": np.ones(5),
                }
            ),
            "finite",
        ),  # fmt: skip
        ("snap", blobs.write_npz({"iterations": np.arange(2), "params": np.ones((2, 3))}), "fit"),
    ]
    for which, data, message in cases:
        store.delete(run_id)
        RunSaver(store, run_id).save(ex)
        doc = _doc(store, run_id)
        key = {
            "table": doc["table"]["part"],
            "loss": doc["history"]["loss_parts"][0],
            "snap": doc["history"]["snapshot_parts"][-1],
        }[which]
        _set_part(store, run_id, key, data)
        with pytest.raises(RunCorrupt, match=message):
            load_explorer(store, run_id)


def test_the_npz_reader_checks_sizes_before_it_unpacks():
    spec = {"a": blobs.ArraySpec("float64", 1, 100)}
    ok = blobs.write_npz({"a": np.arange(100.0)}, compress=True)
    assert same_bits(blobs.read_npz(ok, spec, "x")["a"], np.arange(100.0))
    with pytest.raises(blobs.BlobError, match="larger than expected"):
        blobs.read_npz(blobs.write_npz({"a": np.arange(1000.0)}), spec, "x")
    with pytest.raises(blobs.BlobError, match="at most 100 elements"):  # within the slack
        blobs.read_npz(blobs.write_npz({"a": np.arange(101.0)}), spec, "x")
    with pytest.raises(blobs.BlobError, match="lacks a"):
        blobs.read_npz(blobs.write_npz({}), spec, "x")
    with pytest.raises(blobs.BlobError, match="cut short"):
        blobs.read_npz(ok[:-30], spec, "x")
    with pytest.raises(blobs.BlobError, match="cut short"):  # its CRC no longer matches
        blobs.read_npz(ok[:60] + bytes([ok[60] ^ 1]) + ok[61:], spec, "x")


def test_a_table_with_row_labels_comes_back_with_them(store):
    ex = explorer("exam_scores")
    table = ex.table.drop(index=[1]).copy()
    ex.update(table, ex.settings)
    ex.step(3)
    run_id = new_run_id()
    RunSaver(store, run_id).save(ex)
    back = load_explorer(store, run_id)
    assert list(back.table.index) == list(ex.table.index) and back.table.equals(ex.table)
    assert isinstance(back.run_log.events[0].value, type(ex.table))
    assert back.run_log.events[0].value.equals(ex.run_log.events[0].value)
    assert_same_run(ex, back)


def test_a_table_that_reads_back_differently_is_caught_by_the_exact_test(store):
    """The CSV round trip keeps every float64 bit (checked here on hard values)."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal(300) * 10.0 ** rng.integers(-300, 300, 300)
    table = load_preset("exam_scores")
    big = table.loc[np.arange(300) % len(table)].reset_index(drop=True)
    big["hours_studied"] = np.abs(x) % 10 + 1e-300
    s = Settings.for_preset("exam_scores")
    ex = Explorer(big, replace(s, scaling="standard", output_activation="linear", loss="mse"))
    ex.step(5)
    run_id = new_run_id()
    RunSaver(store, run_id).save(ex)
    back = load_explorer(store, run_id)
    assert same_bits(back.table["hours_studied"].to_numpy(), big["hours_studied"].to_numpy())
    assert same_bits(back.trainer.X, ex.trainer.X)


def test_saved_row_bound_covers_the_largest_history():
    """The row bound leaves room for the largest history the app can make."""
    from nnviz.history import MEMORY_BUDGET

    assert st.MAX_RUN_BYTES >= MEMORY_BUDGET
    assert saved.LOSS_CHUNK * 8 * 3 < st.MAX_PART_BYTES
