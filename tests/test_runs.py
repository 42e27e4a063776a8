"""Kept runs: a variant starts from the very same initial weights; the table says what differs."""

from dataclasses import replace

import numpy as np

from nnviz.app.explorer import Explorer, Settings
from nnviz.app.runs import changed_settings, record_run, runs_table


def test_kept_run_and_variant_start_from_identical_weights():
    ex = Explorer(None, Settings.for_preset("xor"))
    ex.step(200)
    a = record_run("run A", ex)
    ex.start_over_from(a.initial_params)
    assert ex.trainer.iteration == 0
    ex.update(ex.table, replace(ex.settings, learning_rate=0.03))
    ex.step(200)
    b = record_run("run B", ex)
    assert np.array_equal(a.initial_params, b.initial_params)
    assert not np.array_equal(a.train_loss, b.train_loss)
    assert a.train_loss[0] == b.train_loss[0]  # same weights, same first loss
    table = runs_table([a, b])
    assert list(table["learning rate"]) == [0.1, 0.03]
    assert list(table["iterations"]) == [200, 200]
    assert table["parameters"].tolist() == [ex.network.n_params] * 2
    assert changed_settings([a, b]) == ["learning_rate"]
    assert "final train loss" in table and "steps/s" in table


def test_long_runs_are_thinned_for_the_overlay():
    ex = Explorer(None, Settings.for_preset("exam_scores"))
    ex.step(5000)
    r = record_run("long", ex)
    assert len(r.iterations) <= 2000 + 2 and r.iterations[0] == 0 and r.iterations[-1] == 4999
