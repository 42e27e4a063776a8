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


def test_the_comparison_shows_the_settings_as_the_table_says():
    ex = Explorer(None, Settings.for_preset("circle", features=("x1**2",), l2=0.001, seed=7))
    ex.step(3)
    row = record_run("A", ex).as_row()
    assert list(row) == [
        "run",
        "features",
        "hidden",
        "activation",
        "loss",
        "optimizer",
        "learning rate",
        "batch",
        "L1 / L2",
        "seed",
        "iterations",
        "final train loss",
        "final test loss",
        "steps/s",
        "parameters",
    ]
    s = ex.settings
    assert row["features"] == "x1**2" and row["hidden"] == "-".join(map(str, s.hidden))
    assert row["activation"] == f"{s.activation} → {s.output_activation}"
    assert (row["loss"], row["optimizer"], row["learning rate"]) == (
        s.loss,
        s.optimizer,
        s.learning_rate,
    )
    assert row["batch"] == "all" and row["L1 / L2"] == "0 / 0.001" and row["seed"] == 7
    ex.update(ex.table, replace(ex.settings, features=(), hidden=(), batch_size=16))
    row = record_run("B", ex).as_row()
    assert (row["features"], row["hidden"], row["batch"]) == ("none", "none", 16)
