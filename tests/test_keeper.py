"""A tab's run in the run store (nnviz.app.keeper): saved when it changed, at most every
2 s while playing, a replaced trained run kept with Undo, two writers of one run forked
instead of overwriting, published runs opened as copies, failures kept in memory. On
SQLite and on a real PostgreSQL (the ``engine`` fixture of tests/conftest.py)."""

from __future__ import annotations

import numpy as np
import pytest
import sqlalchemy as sa

from nnviz.app.explorer import Explorer, Settings
from nnviz.app.keeper import (
    OPEN_RUN,
    SAVE_EVERY_S,
    RunKeeper,
    ago,
    may_publish,
    open_run,
    publish_passphrase,
)
from nnviz.app.store import RunReadOnly, RunStore, StoreError, create_store_engine


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store(engine) -> RunStore:
    return RunStore(engine)


def keeper(store, clock=None, **kw) -> RunKeeper:
    clock = clock or Clock()
    return RunKeeper(store, clock=clock, wall=clock, **kw)


def test_saves_what_changed_and_at_most_every_2_s_while_playing(store):
    clock = Clock()
    k = keeper(store, clock)
    ex = Explorer(None, Settings.for_preset("xor"))
    assert k.save(ex) == [] and store.info(k.run_id).iteration == 0
    assert k.save(ex) == [] and not k.changed(ex)  # nothing changed: nothing written
    clock.now += SAVE_EVERY_S
    ex.step(10)
    k.save(ex, playing=True)
    assert store.info(k.run_id).iteration == 10
    clock.now += SAVE_EVERY_S / 2
    ex.step(10)
    k.save(ex, playing=True)  # too soon while playing
    assert store.info(k.run_id).iteration == 10 and k.behind
    k.catch_up(ex)  # before something replaces the run: its last seconds saved
    assert store.info(k.run_id).iteration == 20 and not k.behind
    clock.now += SAVE_EVERY_S
    ex.step(10)
    k.save(ex, playing=True)
    assert store.info(k.run_id).iteration == 30
    ex.step(1)
    k.save(ex)  # an action saves at once
    assert store.info(k.run_id).iteration == 31 and k.status().startswith("Saved just now")


def test_opened_run_goes_on_bit_for_bit(store):
    k = keeper(store)
    ex = Explorer(None, Settings.for_preset("spiral"))
    ex.step(300)
    k.save(ex)
    opened = open_run(store, k.run_id)
    assert opened.keeper.run_id == k.run_id and "iteration 300" in opened.note.text
    ex.step(200)
    opened.explorer.step(200)
    np.testing.assert_array_equal(ex.network.params, opened.explorer.network.params)
    np.testing.assert_array_equal(
        ex.trainer.history.train_loss, opened.explorer.trainer.history.train_loss
    )
    assert opened.keeper.save(opened.explorer) == []  # saves on under the same id
    assert store.info(k.run_id).iteration == 500


def test_a_replaced_trained_run_is_kept_and_undo_opens_it(store):
    k = keeper(store)
    ex = Explorer(None, Settings.for_preset("xor"))
    ex.step(50)
    k.save(ex)
    trained = k.run_id
    ex.reset()  # a new trainer: a new run
    said = k.save(ex)
    assert k.run_id != trained
    undo = [n for n in said if n.action is not None]
    assert len(undo) == 1 and undo[0].action.name == OPEN_RUN and undo[0].action.arg == trained
    assert "iteration 50" in undo[0].text
    assert store.info(trained).iteration == 50 and store.info(k.run_id).iteration == 0
    # a run never trained is not worth keeping: replaced under the same id
    ex.reset()
    again = k.run_id
    assert not [n for n in k.save(ex) if n.action] and k.run_id == again


def test_two_writers_of_one_run_fork_instead_of_overwriting(store):
    k = keeper(store)
    ex = Explorer(None, Settings.for_preset("xor"))
    ex.step(10)
    k.save(ex)
    other = open_run(store, k.run_id)  # a second tab on the same run
    other.explorer.step(100)
    assert other.keeper.save(other.explorer) == []
    ex.step(5)
    said = k.save(ex)
    assert k.run_id != other.keeper.run_id
    assert any("another tab or window" in n.text for n in said)
    assert store.info(other.keeper.run_id).iteration == 110
    assert store.info(k.run_id).iteration == 15
    # deleted by the other tab: this one keeps it, under a new id
    store.delete(k.run_id)
    gone = k.run_id
    ex.step(1)
    said = k.save(ex)
    assert k.run_id != gone and store.info(k.run_id).iteration == 16
    assert any("deleted" in n.text for n in said)


def test_a_published_run_opens_as_a_copy(store):
    k = keeper(store)
    ex = Explorer(None, Settings.for_preset("xor"))
    ex.step(40)
    k.save(ex)
    published = store.publish(k.run_id, "XOR after 40 steps")
    opened = open_run(store, published)
    assert opened.keeper.run_id != published and "as a copy of your own" in opened.note.text
    opened.explorer.step(10)
    opened.keeper.save(opened.explorer)
    assert store.info(published).iteration == 40  # the original never changes
    assert store.info(opened.keeper.run_id).iteration == 50
    with pytest.raises(RunReadOnly):
        RunKeeper(store, published)._saver.save(opened.explorer)
    frozen = store.freeze(k.run_id)  # a share link's copy: not in the gallery
    assert frozen not in [r.id for r in store.gallery()]
    assert "shared" in open_run(store, frozen).note.text


def test_a_failed_save_keeps_the_run_in_memory_and_says_so_once(tmp_path):
    clock = Clock()
    path = tmp_path / "runs.sqlite"
    url = sa.URL.create("sqlite", database=str(path)).render_as_string()
    store = RunStore(create_store_engine({"NNVIZ_DB_URL": url}))
    k = keeper(store, clock)
    ex = Explorer(None, Settings.for_preset("xor"))
    k.save(ex)
    store.engine.dispose()
    path.unlink()
    path.mkdir()  # the file gone, a folder in its place: nothing can be written there
    ex.step(5)
    said = k.save(ex)
    assert len(said) == 1 and said[0].kind == "warning" and "Not saved" in said[0].text
    assert "goes on in memory" in said[0].text and k.failure
    ex.step(5)
    assert k.save(ex) == []  # said once
    assert ex.trainer.iteration == 10  # the run itself is untouched
    assert k.status().startswith("Not saved")


def test_publishing_needs_the_passphrase_where_one_is_set():
    assert publish_passphrase({}, None) is None and may_publish(None, None)
    assert publish_passphrase({}, {"publish_passphrase": "owl"}) == "owl"
    assert (
        publish_passphrase({"NNVIZ_PUBLISH_PASSPHRASE": "cat"}, {"publish_passphrase": "x"})
        == "cat"
    )
    assert may_publish("owl", "owl") and not may_publish("owls", "owl")
    assert not may_publish("", "owl") and not may_publish(None, "owl")


def test_ago_in_words():
    assert ago(100, 101) == "just now"
    assert ago(0, 40) == "40 s ago"
    assert ago(0, 180) == "3 min ago"
    assert ago(0, 5 * 3600) == "5 h ago"
    assert ago(0, 2 * 86400) == "2 days ago"


def test_without_a_store_nothing_is_saved():
    k = RunKeeper(None)
    ex = Explorer(None, Settings.for_preset("xor"))
    ex.step(3)
    assert k.save(ex) == [] and not k.saving
    assert "not saved" in k.status()
    with pytest.raises(StoreError):
        RunStore(create_store_engine({"NNVIZ_DB_URL": "sqlite:////proc/no/runs.sqlite"})).ready()
