"""A link reproduces the run it came from, changes and all, chunk by chunk, within a budget."""

from __future__ import annotations

import base64
import json
import zlib
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from nnviz.app import runlog, runs, urlstate
from nnviz.app.explorer import Explorer, Settings
from nnviz.app.linkreplay import start_link_replay
from nnviz.app.runs import LINK_WORK_BUDGET, RunEvent, link_cost
from nnviz.app.urlstate import (
    MAX_LOG_PARAM,
    decode_log,
    encode_log,
    link_limits,
    read_link,
    run_link,
    write_link,
)
from nnviz.data import load_preset
from nnviz.network import Network


def circle(**overrides) -> Explorer:
    return Explorer(load_preset("circle"), Settings.for_preset("circle", **overrides))


def change(ex: Explorer, **settings) -> None:
    ex.update(ex.table, replace(ex.settings, **settings))
    assert ex.data_error == ""


def reopen(params: dict, budget_s: float = 0.003) -> tuple[Explorer, list, int]:
    """Open a link as the app does and replay it in small chunks: (explorer, notes, chunks)."""
    link = read_link(params)
    ex = Explorer(link.table, link.settings)
    notes = [n.text for n in link.notes + start_link_replay(ex, link)]
    chunks = 0
    while ex.link_replay_pending:
        p = ex.advance_link_replay(budget_s)
        chunks += 1
        assert p.done <= p.total  # never more than the plan
        if p.note:
            notes.append(p.note)
        assert chunks < 100_000
    return ex, notes, chunks


def assert_same_run(a: Explorer, b: Explorer) -> None:
    assert b.trainer.iteration == a.trainer.iteration
    assert np.array_equal(a.network.params, b.network.params)
    assert np.array_equal(
        a.trainer.history.train_loss, b.trainer.history.train_loss, equal_nan=True
    )
    assert a.metrics().train_loss == b.metrics().train_loss
    assert b.settings == a.settings
    assert [e.kind for e in b.run_log.events] == [e.kind for e in a.run_log.events]


def replayed(a: Explorer) -> Explorer:
    assert link_limits(a) == []
    b, notes, chunks = reopen(run_link(a))
    assert notes == [] and not b.link_replay_pending
    assert_same_run(a, b)
    return b


# ---------------------------------------------------------------------------- the brief's run


def test_a_learning_rate_change_mid_run_travels_in_the_link():
    a = circle()
    a.step(800)
    change(a, learning_rate=0.3)
    a.step(1000)
    params = run_link(a)
    assert "learning_rate" not in params  # the link's settings are those of iteration 0
    assert params["steps"] == "1800" and "log" in params
    b, notes, chunks = reopen(params)
    assert notes == [] and chunks > 1  # trained in chunks
    assert_same_run(a, b)
    # the settings-and-steps link of before replays a different run
    old = read_link(write_link(a.settings, a.table, steps=a.trainer.iteration))
    c = Explorer(old.table, old.settings)
    c.step(old.steps)
    assert not np.array_equal(c.network.params, a.network.params)


def test_a_weight_edit_mid_run_travels_in_the_link():
    a = circle()
    a.step(400)
    a.set_weight(1, 0, 0, 3.0)
    a.step(600)
    b = replayed(a)
    assert b.run_log.events[0] == RunEvent(400, "weight", (1, 0, 0, 3.0))


# ---------------------------------------------------------------------------- each kind of event


@pytest.mark.parametrize(
    "start, changes",
    [
        ({}, {"learning_rate": 0.7}),
        ({}, {"optimizer": "adam", "learning_rate": 0.01}),
        ({}, {"optimizer": "momentum"}),
        ({}, {"batch_size": 16}),
        ({"batch_size": 10}, {"batch_size": 37}),
        ({"batch_size": 10}, {"batch_size": None}),
        ({"optimizer": "momentum"}, {"momentum": 0.5}),
        ({}, {"l1": 0.003}),
        ({"batch_size": 20}, {"l2": 0.02}),
        ({}, {"l1": 0.001, "l2": 0.01, "learning_rate": 1 / 3}),
    ],
    ids=[
        "learning_rate",
        "adam",
        "momentum-optimizer",
        "batch_size",
        "batch_size-again",
        "full-batch",
        "momentum",
        "l1",
        "l2",
        "several",
    ],
)
def test_each_settings_change_mid_run_is_replayed_exactly(start, changes):
    a = circle(seed=3, **start)
    a.step(150)
    change(a, **changes)
    a.step(250)
    b = replayed(a)
    assert b.run_log.events == a.run_log.events


def test_several_changes_and_edits_in_one_run():
    a = circle(seed=5, batch_size=12)
    a.step(100)
    change(a, learning_rate=0.5, l2=0.001)
    a.step(37)
    a.set_weight(2, 1, 0, -1.25)
    a.set_weight(1, 1, 3, 0.1 + 0.2)
    a.step(1)
    change(a, optimizer="adam", learning_rate=0.003, batch_size=50)
    a.step(80)
    change(a, optimizer="momentum", momentum=0.8)
    a.step(20)
    replayed(a)


def test_a_data_edit_mid_run_is_replayed():
    a = circle(seed=2, batch_size=25)
    a.step(120)
    table = a.table.copy()
    table.loc[3, "x1"] = 1.2345678901234567
    table.loc[7, "label"] = 1 - table.loc[7, "label"]
    table.loc[11, "split"] = "test"
    a.update(table, a.settings)
    assert a.run_log.events[-1].kind == "table"
    a.step(80)
    b = replayed(a)
    assert b.table.loc[3, "x1"] == 1.2345678901234567


def test_an_edited_table_from_the_start_and_a_data_edit():
    t = load_preset("xor")
    t.loc[0, "x2"] = -4.5
    a = Explorer(t, Settings.for_preset("xor"))
    a.step(50)
    t2 = a.table.drop(index=[5, 6])
    a.update(t2, a.settings)
    a.step(50)
    params = run_link(a)
    assert "table" in params  # the table of iteration 0
    b, notes, _ = reopen(params)
    assert notes == []
    assert_same_run(a, b)


def test_continuing_from_a_replayed_point_is_replayed():
    a = circle(seed=1, batch_size=30)
    a.step(300)
    its = list(a.trainer.history.snapshot_iterations)
    a.continue_from(its.index(100))
    change(a, learning_rate=0.2)
    a.step(50)
    assert a.trainer.iteration == 150
    b = replayed(a)
    assert [e.kind for e in b.run_log.events] == ["rewind", "set"]


def test_a_refused_step_then_a_smaller_rate_is_replayed():
    a = Explorer(
        load_preset("plane"),
        Settings.for_preset("plane", activation="relu", learning_rate=10.0, batch_size=16),
    )
    a.step(1000)
    assert a.divergence
    change(a, learning_rate=0.01)
    assert a.divergence == ""
    a.step(200)
    b = replayed(a)
    assert b.run_log.events[0].kind == "diverge"


def test_a_run_that_ends_diverged_is_replayed_diverged():
    a = Explorer(
        load_preset("plane"), Settings.for_preset("plane", activation="relu", learning_rate=10.0)
    )
    a.train_chunk(1000, budget_s=2.0)
    assert a.divergence
    b = replayed(a)
    assert b.divergence and b.error == b.divergence


# ---------------------------------------------------------------------------- the plan


def test_replay_is_chunked_and_resumable():
    a = circle(seed=4)
    a.step(200)
    change(a, learning_rate=0.4)
    a.step(2000)
    link = read_link(run_link(a))
    b = Explorer(link.table, link.settings)
    assert start_link_replay(b, link) == []
    assert b.link_replay_pending
    seen = []
    while b.link_replay_pending:
        p = b.advance_link_replay(0.002)
        seen.append(p)
        assert p.done <= p.total == 2200 and 0 <= p.fraction <= 1
    assert len(seen) > 2 and seen[-1].finished and seen[-1].fraction == 1.0
    assert [p.done for p in seen] == sorted(p.done for p in seen)
    assert_same_run(a, b)
    again = b.advance_link_replay(0.01)  # nothing left: finished at once
    assert again.finished and b.trainer.iteration == 2200


def test_a_change_of_the_users_stops_the_replay():
    a = circle()
    a.step(3000)
    link = read_link(run_link(a))
    b = Explorer(link.table, link.settings)
    start_link_replay(b, link)
    b.advance_link_replay(0.001)
    it = b.trainer.iteration
    assert 0 < it < 3000 and b.link_replay_pending
    change(b, learning_rate=0.5)
    assert not b.link_replay_pending
    assert b.advance_link_replay(0.01).finished and b.trainer.iteration == it
    c = Explorer(link.table, link.settings)
    start_link_replay(c, link)
    c.advance_link_replay(0.001)
    assert "Stopped replaying the link at iteration" in c.stop_link_replay()
    assert c.stop_link_replay() == "" and not c.link_replay_pending
    d = Explorer(link.table, link.settings)  # Step, Reset, an edit … stop it too
    start_link_replay(d, link)
    d.step(1)
    assert not d.link_replay_pending
    for user_change in (
        lambda e: e.set_weight(1, 0, 0, 1.0),
        lambda e: e.continue_from(0),
        lambda e: e.reset(),
        lambda e: e.update(e.table.drop(index=[0]), e.settings),
    ):
        e = Explorer(link.table, link.settings)
        start_link_replay(e, link)
        e.advance_link_replay(0.001)
        assert e.link_replay_pending
        user_change(e)
        assert not e.link_replay_pending
    # the replay's own changes do not stop it; nothing changed by the user neither
    f = Explorer(link.table, link.settings)
    start_link_replay(f, link)
    f.update(f.table, f.settings)
    f.replay(0)
    assert f.link_replay_pending


def test_new_weights_in_the_same_run_end_the_replay_with_a_note():
    link = read_link({"dataset": "circle", "steps": "3000"})
    ex = Explorer(link.table, link.settings)
    start_link_replay(ex, link)
    ex.advance_link_replay(0.001)
    ex.adopt(Network(ex.network.layer_sizes, activation="tanh", seed=9))
    assert ex.link_replay_pending  # the next advance says why it ends
    p = ex.advance_link_replay(0.01)
    assert p.finished and "the run was replaced" in p.note and not ex.link_replay_pending


def test_the_replay_needs_the_links_settings():
    link = read_link({"dataset": "circle", "steps": "10"})
    ex = Explorer()  # the app fell back to the default data set
    assert "not replayed" in start_link_replay(ex, link)[0].text
    assert not ex.link_replay_pending


def test_an_older_link_without_a_log_still_opens():
    params = {"dataset": "circle", "learning_rate": "0.3", "batch_size": "20", "steps": "500"}
    b, notes, _ = reopen(params)
    assert notes == []
    c = circle(learning_rate=0.3, batch_size=20)
    c.step(500)
    assert np.array_equal(b.network.params, c.network.params)


def huge_table(rows: int = 5000) -> pd.DataFrame:
    i = np.arange(rows)
    return pd.DataFrame({"x1": (i % 7) / 7.0, "x2": (i % 5) / 5.0, "y": (i % 3) / 2.0})


def hostile_link(steps: int = runlog.MAX_LINK_STEPS) -> dict:
    table = huge_table()
    s = Settings(
        dataset="custom",
        inputs=("x1", "x2"),
        targets=("y",),
        scaling="none",
        target_max=None,
        hidden=(16,) * 6,
        activation="tanh",
        output_activation="linear",
        bias=True,
        init="xavier",
        loss="mse",
        learning_rate=0.01,
    )
    params = write_link(s, table, steps=steps)
    assert "table" in params  # a regular table, small once compressed
    return params


def test_an_over_budget_link_is_cut_with_a_note():
    link = read_link(hostile_link())
    assert link.steps == runlog.MAX_LINK_STEPS and len(link.table) == 5000
    ex = Explorer(link.table, link.settings)
    notes = [n.text for n in start_link_replay(ex, link)]
    n_params = ex.network.n_params
    assert n_params == 1425
    per_step = 5000 * n_params
    allowed = int(LINK_WORK_BUDGET // per_step)
    budget = f"{LINK_WORK_BUDGET:.0e}"
    asked = f"{runlog.MAX_LINK_STEPS:,} steps"
    assert len(notes) == 1 and budget in notes[0] and asked in notes[0]
    assert f"up to iteration {allowed:,}" in notes[0]
    assert ex.link_replay.end == allowed and ex.link_replay.total == allowed
    assert allowed * per_step <= LINK_WORK_BUDGET < (allowed + 1) * per_step
    ex.stop_link_replay()  # training the whole budget takes seconds: see the next test


def test_an_over_budget_link_never_trains_past_the_budget(monkeypatch):
    monkeypatch.setattr(runlog, "LINK_WORK_BUDGET", 5000 * 1425 * 40.5)  # link_cost reads it
    link = read_link(hostile_link())
    ex = Explorer(link.table, link.settings)
    notes = start_link_replay(ex, link)
    assert "up to iteration 40" in notes[0].text and notes[0].kind == "info"
    while ex.link_replay_pending:
        ex.advance_link_replay(0.05)
    assert ex.trainer.iteration == 40


def test_steps_past_the_link_maximum_are_cut():
    link = read_link({"dataset": "exam_scores", "steps": "1e9"})
    most = runlog.MAX_LINK_STEPS
    assert link.steps == most and f"{most:,}" in link.notes[0].text
    ex = Explorer(link.table, link.settings)
    assert start_link_replay(ex, link) == []  # seed 002's tiny network fits the work budget
    assert ex.link_replay.end == most
    ex.stop_link_replay()


def test_link_cost_counts_batches_tables_rewinds_and_refusals():
    table = huge_table(100)
    events = [
        RunEvent(10, "set", {"batch_size": 5}),
        RunEvent(20, "rewind", 15),
        RunEvent(30, "table", huge_table(40)),
        RunEvent(40, "diverge", 3),
    ]
    cost = link_cost(events, 50, 7, table, None)
    # 10 steps × 100 rows, 10 × 5, 15 × 5, 10 × 5, 3 refused × 5, 10 × 5 (×7 parameters)
    assert cost.steps == 10 + 10 + 15 + 10 + 3 + 10
    # and every event: the table's by its cells
    applied = 4 * runlog.EVENT_WORK + runlog.CELL_WORK * huge_table(40).size
    assert cost.work == 7 * (1000 + 50 + 75 + 50 + 15 + 50) + applied
    assert (cost.end, cost.events, cost.cut) == (50, 4, False)


# ---------------------------------------------------------------------------- what a link cannot carry


def test_uploaded_weights_are_not_in_the_link():
    a = circle()
    net = Network([2, 4, 4, 1], activation="tanh", output_activation="sigmoid", seed=99)
    a.adopt(net)
    a.step(100)
    limits = link_limits(a)
    assert len(limits) == 1 and "settings, not the weights" in limits[0]
    params = run_link(a)
    assert "steps" not in params and "log" not in params
    b, notes, _ = reopen(params)
    assert b.settings == a.settings and b.trainer.iteration == 0


def test_a_kept_runs_weights_from_another_seed_are_not_in_the_link():
    a = circle(seed=1)
    kept = a.network.params.copy()
    change(a, seed=2)
    a.start_over_from(kept)
    assert "seed 2" in link_limits(a)[0]
    a.start_over_from(a.trainer.history.snapshot_params(0)[1].copy())
    assert "seed" in link_limits(a)[0]
    a.reset()  # the seed's own weights again
    assert link_limits(a) == []
    b = circle(seed=2)
    b.start_over_from(circle(seed=2).network.params)
    assert link_limits(b) == []


def test_a_table_too_large_for_a_link_is_said():
    rng = np.random.default_rng(0)
    table = pd.DataFrame(
        {
            "x1": rng.normal(size=3000),
            "x2": rng.normal(size=3000),
            "label": rng.integers(0, 2, 3000),
        }
    )
    a = Explorer(table, Settings.for_preset("circle"))
    a.step(10)
    limits = link_limits(a)
    assert len(limits) == 1 and "too large for a link" in limits[0]
    assert "table" not in run_link(a) and "steps" not in run_link(a)


def test_a_log_too_long_for_a_link_keeps_the_run_up_to_where_it_fits():
    rng = np.random.default_rng(1)
    edits = [(int(k), float(v)) for k, v in zip(rng.integers(0, 4, 800), rng.normal(size=800))]

    def run(n_edits: int) -> Explorer:
        ex = circle(seed=6)
        for k, v in edits[:n_edits]:
            ex.step(1)
            ex.set_weight(1, 0, k, v)
        return ex

    a = run(len(edits))
    a.step(5)
    limits = link_limits(a)
    assert len(limits) == 1 and "up to iteration" in limits[0] and "do not fit" in limits[0]
    params = run_link(a)
    assert len(params["log"]) <= MAX_LOG_PARAM
    b, notes, _ = reopen(params)
    fitted = len(b.run_log.events)
    assert 0 < fitted < len(edits)
    c = run(fitted)
    c.step(1)  # the link ends where the first edit that does not fit was made
    assert b.trainer.iteration == c.trainer.iteration == fitted + 1
    assert np.array_equal(b.network.params, c.network.params)


# ---------------------------------------------------------------------------- the log itself


def _log(items) -> str:
    raw = json.dumps(items).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw)).decode().rstrip("=")


def test_the_log_is_versioned_compressed_json():
    events = [
        RunEvent(5, "set", {"learning_rate": 0.1 + 0.2, "batch_size": None}),
        RunEvent(9, "weight", (1, 0, 2, -0.5)),
    ]
    text = encode_log(events)
    items = json.loads(zlib.decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))))
    assert items[0] == 1
    assert items[1] == [5, "set", {"learning_rate": 0.30000000000000004, "batch_size": None}]
    back, steps, notes = decode_log(text, 20)
    assert back == events and steps == 20 and notes == []


def test_a_log_from_a_newer_version_is_ignored_with_a_note():
    link = read_link({"dataset": "circle", "steps": "30", "log": _log([2, [3, "warp", 1]])})
    assert link.events == () and link.steps == 0
    assert "version 2" in link.notes[0].text


@pytest.mark.parametrize(
    "bad, words",
    [
        ([10, "set", {"hidden": "4-4"}], "cannot change during a run"),
        ([10, "set", {"learning_rate": 99.0}], "Learning rate"),
        ([10, "weight", [1, 0, 0, "x"]], "weight edit"),
        ([10, "table", "a,a\n1,2"], "'a'"),
        ([10, "rewind", 11], "rewind"),
        ([10, "diverge", 0], "refused"),
        ([10, "teleport", 1], "not [iteration, kind, value]"),
        ([3, "set", {"l1": 0.1}], "comes after"),
    ],
)
def test_a_bad_event_cuts_the_replay_there(bad, words):
    log = _log([1, [5, "set", {"learning_rate": 0.2}], bad, [20, "set", {"l2": 0.1}]])
    link = read_link({"dataset": "circle", "steps": "40", "log": log})
    assert link.events == (RunEvent(5, "set", {"learning_rate": 0.2}),)
    assert link.steps == (10 if bad[0] >= 5 else 5)
    note = link.notes[0]
    assert "Ignored the link's log from its event 2 on" in note.text and words in note.text
    assert note.kind == "warning"


def test_every_kind_of_event_has_a_reader():
    assert set(urlstate._EVENT_VALUES) == set(runs.EVENT_KINDS)


def test_a_damaged_log_is_ignored_with_a_note():
    link = read_link({"dataset": "circle", "steps": "30", "log": "@@@not-a-log"})
    assert link.events == () and link.steps == 0 and "log" in link.notes[0].text
    assert read_link({"dataset": "circle", "log": "A" * (MAX_LOG_PARAM + 1)}).notes


def test_progress_says_when_the_settings_or_the_table_changed():
    a = circle(seed=8)
    a.step(100)
    change(a, learning_rate=0.6)
    a.step(100)
    table = a.table.copy()
    table.loc[0, "x2"] = 0.5
    a.update(table, a.settings)
    a.step(100)
    link = read_link(run_link(a))
    b = Explorer(link.table, link.settings)
    start_link_replay(b, link)
    seen = []
    while b.link_replay_pending:
        before = (b.settings, b.table)
        p = b.advance_link_replay(0.002)
        assert p.settings_changed == (b.settings != before[0])
        assert p.table_changed == (not b.table.equals(before[1]))
        seen.append(p)
    assert sum(p.settings_changed for p in seen) == 1
    assert sum(p.table_changed for p in seen) == 1
    assert_same_run(a, b)


def test_a_refusal_that_never_comes_is_trained_in_chunks_and_noted():
    log = _log([1, [0, "diverge", 20_000]])
    link = read_link({"dataset": "exam_scores", "steps": "5", "log": log})
    ex = Explorer(link.table, link.settings)
    start_link_replay(ex, link)
    chunks, p = 0, None
    while ex.link_replay_pending:
        p = ex.advance_link_replay(0.01)
        chunks += 1
    assert chunks > 1 and ex.trainer.iteration == 20_000
    assert "did not diverge" in p.note and p.finished
