"""The app's runs in the run store: every action saves, an address with ``run=`` opens
the run exactly, a bad or unknown id starts afresh with a note, a rebuilt run is kept with
Undo, two tabs on one run never overwrite each other, a store that cannot be opened
leaves the app working in memory. SQLite (the test run's file, tests/conftest.py) and a
real PostgreSQL cluster (tests/postgres.py)."""

from __future__ import annotations

import os

import numpy as np
import pytest
import sqlalchemy as sa
from conftest import click, explorer, infos, iteration, params, step_n, toasts, warnings

from nnviz.app.store import RunStore, create_store_engine, new_run_id


def stored(run_id: str) -> RunStore:
    store = RunStore(create_store_engine(os.environ))
    assert store.info(run_id) is not None
    return store


def address(at) -> dict:
    """The page's address parameters, as a reload or a new tab opens them."""
    return {k: at.query_params[k] for k in at.query_params}


def run_id(at) -> str:
    found = at.query_params["run"]
    return found[0] if isinstance(found, list) else found


def same_run(a, b) -> None:
    ea, eb = explorer(a), explorer(b)
    assert ea.trainer.iteration == eb.trainer.iteration
    np.testing.assert_array_equal(ea.network.params, eb.network.params)  # bit for bit
    ha, hb = ea.trainer.history, eb.trainer.history
    np.testing.assert_array_equal(ha.train_loss, hb.train_loss)
    np.testing.assert_array_equal(ha.test_loss, hb.test_loss)
    np.testing.assert_array_equal(ha.snapshot_iterations, hb.snapshot_iterations)
    for i in range(len(ha.snapshot_iterations)):  # the replay's snapshots
        np.testing.assert_array_equal(ha.snapshot_params(i)[1], hb.snapshot_params(i)[1])


def test_every_action_saves_and_the_address_opens_the_run_exactly(new_app):
    at = new_app()
    first = run_id(at)
    assert len(first) == 24  # 144 random bits, URL-safe
    step_n(at, 100)
    assert stored(first).info(first).iteration == 100
    click(at, "step")
    assert stored(first).info(first).iteration == 101
    at.select_slider(key="learning_rate").set_value(0.3).run()
    assert not at.exception and explorer(at).settings.learning_rate == 0.3
    step_n(at, 10)
    assert run_id(at) == first
    assert stored(first).info(first).iteration == 111

    again = new_app(address(at))  # a reload, a new tab, another server: the same address
    assert iteration(again) == 111
    same_run(at, again)
    assert explorer(again).settings == explorer(at).settings
    assert any("Restored this run" in t and "iteration 111" in t for t in infos(again))
    assert run_id(again) == first
    # both go on alike, bit for bit
    step_n(at, 100)
    step_n(again, 100)
    np.testing.assert_array_equal(params(at), params(again))


@pytest.mark.parametrize(
    "bad, said",
    [
        ("not-a-run", "not one nnviz makes"),
        ("x" * 24 + "';--", "not one nnviz makes"),
        (None, "no run"),  # well formed, never saved
    ],
)
def test_a_bad_or_unknown_run_id_starts_a_fresh_run_with_a_note(new_app, bad, said):
    wanted = bad or new_run_id()
    at = new_app({"run": wanted})
    assert iteration(at) == 0
    shown = " ".join(warnings(at)).lower()
    assert said in shown and "a new run starts" in shown, shown
    assert run_id(at) != wanted and len(run_id(at)) == 24
    step_n(at, 10)  # and it saves as any run
    assert stored(run_id(at)).info(run_id(at)).iteration == 10


def test_reset_of_a_trained_run_keeps_it_with_undo(new_app):
    at = new_app()
    trained = run_id(at)
    step_n(at, 100)
    weights = params(at)
    click(at, "reset")
    assert iteration(at) == 0
    assert any("Reset" in t for t in toasts(at))
    assert any("iteration 100 is kept" in t or "iteration 100, is kept" in t for t in infos(at))
    assert run_id(at) != trained  # the new run has an id of its own
    assert stored(trained).info(trained).iteration == 100  # the old one is still there
    undo = [b for b in at.button if b.label == "Undo"]
    assert len(undo) == 1
    undo[0].click().run()
    assert not at.exception
    assert iteration(at) == 100 and run_id(at) == trained
    np.testing.assert_array_equal(params(at), weights)


def test_a_rebuild_keeps_the_trained_run(new_app):
    at = new_app()
    trained = run_id(at)
    step_n(at, 100)
    hidden = at.number_input(key="neurons_0")
    hidden.set_value(hidden.value + 1).run()
    assert not at.exception
    assert iteration(at) == 0 and run_id(at) != trained
    assert any(b.label == "Undo" for b in at.button)
    assert stored(trained).info(trained).iteration == 100


def test_two_tabs_on_one_run_never_overwrite_each_other(new_app):
    one = new_app()
    shared = run_id(one)
    step_n(one, 10)
    two = new_app(address(one))  # the same address in a second tab
    step_n(two, 100)  # saved under the shared id (110)
    step_n(one, 10)  # finds it changed: goes on as a copy of its own
    assert not one.exception
    assert any("another tab or window" in w for w in warnings(one) + toasts(one))
    forked = run_id(one)
    assert forked != shared
    store = stored(shared)
    assert store.info(shared).iteration == 110  # the second tab's run, untouched
    assert store.info(forked).iteration == 20
    step_n(two, 10)  # the second tab goes on where it was
    assert run_id(two) == shared and store.info(shared).iteration == 120


def test_a_store_that_cannot_be_opened_leaves_the_run_in_memory(new_app, monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    url = sa.URL.create("sqlite", database=str(blocker / "runs.sqlite")).render_as_string()
    monkeypatch.setenv("NNVIZ_DB_URL", url)
    at = new_app()
    assert not at.exception
    assert any("Runs are not saved" in w for w in warnings(at)), warnings(at)
    assert "run" not in at.query_params
    step_n(at, 10)
    assert iteration(at) == 10


def test_the_store_turned_off(new_app, monkeypatch):
    monkeypatch.setenv("NNVIZ_DB_URL", "none")
    at = new_app()
    assert "run" not in at.query_params and not warnings(at)
    step_n(at, 10)
    assert iteration(at) == 10


def test_restore_on_postgresql(new_app, monkeypatch, postgres_url):
    monkeypatch.setenv("NNVIZ_DB_URL", postgres_url)
    at = new_app()
    step_n(at, 100)
    click(at, "step")
    ours = run_id(at)
    assert RunStore(create_store_engine(os.environ)).info(ours).iteration == 101
    again = new_app(address(at))
    assert iteration(again) == 101 and run_id(again) == ours
    same_run(at, again)


# ---------------------------------------------------------------------------- the Runs tab
def test_the_runs_tab_names_links_a_copy_and_publishes(new_app, monkeypatch):
    from conftest import open_tab

    monkeypatch.delenv("NNVIZ_PUBLISH_PASSPHRASE", raising=False)
    at = new_app()
    step_n(at, 100)
    ours = run_id(at)
    open_tab(at, "Runs")
    at.text_input(key="run_name").input("Circle, first try").run()
    click(at, "name_run")
    assert stored(ours).info(ours).name == "Circle, first try"
    # a link to a stored copy: opens at once as the opener's own copy
    click(at, "share_copy")
    link = next(c.value for c in at.code if "run=" in c.value)
    frozen = link.split("run=")[1]
    opened = new_app({"run": frozen})
    assert iteration(opened) == 100 and run_id(opened) not in (frozen, ours)
    same_run(at, opened)
    assert any("shared" in t for t in infos(opened))
    step_n(opened, 10)
    assert stored(frozen).info(frozen).iteration == 100  # the link's copy never changes
    # publishing (no passphrase set: a lecturer's own make run)
    at.text_input(key="publish_title").input("Circle after 100 steps").run()
    click(at, "publish")
    gallery = stored(ours).gallery()
    assert [g.name for g in gallery].count("Circle after 100 steps") == 1
    published = next(g.id for g in gallery if g.name == "Circle after 100 steps")
    student = new_app()
    open_tab(student, "Runs")
    click(student, f"gallery_run_{published}")
    assert iteration(student) == 100 and run_id(student) != published
    same_run(at, student)
    step_n(student, 10)  # the student's copy saves; the published run stays
    assert stored(published).info(published).iteration == 100
    assert stored(run_id(student)).info(run_id(student)).iteration == 110


def test_a_wrong_passphrase_publishes_nothing(new_app, monkeypatch):
    from conftest import open_tab

    monkeypatch.setenv("NNVIZ_PUBLISH_PASSPHRASE", "owl and pussycat")
    at = new_app()
    step_n(at, 10)
    open_tab(at, "Runs")
    before = len(stored(run_id(at)).gallery())
    at.text_input(key="publish_title").input("Mine").run()
    at.text_input(key="publish_passphrase").input("owl").run()
    click(at, "publish")
    assert any("Wrong passphrase" in t for t in toasts(at))
    assert len(stored(run_id(at)).gallery()) == before
    at.text_input(key="publish_passphrase").input("owl and pussycat").run()
    click(at, "publish")
    assert any(g.name == "Mine" for g in stored(run_id(at)).gallery())


def test_with_no_setup_runs_go_to_the_data_folder(new_app, monkeypatch, tmp_path):
    """make run: no URL anywhere, the SQLite file is made under $XDG_DATA_HOME/nnviz
    (~/.local/share/nnviz without it), outside the repository."""
    monkeypatch.delenv("NNVIZ_DB_URL")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    at = new_app()
    step_n(at, 10)
    path = tmp_path / "data" / "nnviz" / "runs.sqlite"
    assert path.is_file()
    url = sa.URL.create("sqlite", database=str(path)).render_as_string()
    store = RunStore(create_store_engine({"NNVIZ_DB_URL": url}))
    assert store.info(run_id(at)).iteration == 10


def test_the_runs_this_browser_opened_open_copy_and_delete(new_app):
    from conftest import open_tab

    first = new_app()
    step_n(first, 100)
    kept = run_id(first)
    at = new_app()
    step_n(at, 10)
    ours = run_id(at)
    # what the browser's list sends (the ids its localStorage keeps, newest first)
    at.session_state["browser_runs"] = {"ids": [ours, kept, "not an id"]}
    open_tab(at, "Runs")
    assert at.button(key=f"open_run_{ours}").disabled  # this run
    assert at.button(key=f"delete_run_{ours}").disabled
    click(at, f"copy_run_{kept}")  # a copy of the other run, opened here
    copied = run_id(at)
    assert copied not in (kept, ours) and iteration(at) == 100
    assert stored(copied).info(copied).copied_from == kept
    at.session_state["browser_runs"] = {"ids": [copied, ours, kept]}
    open_tab(at, "Runs")
    click(at, f"open_run_{ours}")
    assert run_id(at) == ours and iteration(at) == 10
    at.session_state["browser_runs"] = {"ids": [ours, copied, kept]}
    open_tab(at, "Runs")
    click(at, f"delete_run_{kept}")
    assert not stored(ours).list_runs([kept])
    assert kept in at.session_state["_run_forget"]  # the browser drops it from its list
