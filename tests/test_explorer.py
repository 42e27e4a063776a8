"""Tests of nnviz.app.explorer: the app's model (table + settings → data, network, run), no Streamlit.

Expected numbers are computed by hand from the table (column maxima, ×100 …), not
through the code under test, wherever the test is about units or scaling.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import time
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from nnviz.app.explorer import Explorer, Note, Settings, Update, train_chunk
from nnviz.data import PRESETS, load_preset
from nnviz.network import Network

EXAM_TRAIN_X = np.array([[2.0, 9.0], [1.0, 5.0], [3.0, 6.0]])
EXAM_TRAIN_Y = np.array([92.0, 86.0, 89.0])
EXAM_X_MAX = np.array([3.0, 9.0])  # the training rows' column maxima (seed 002's np.amax)


def exam(steps: int = 0) -> Explorer:
    ex = Explorer()
    if steps:
        ex.step(steps)
    return ex


def preset(name: str, steps: int = 0, **overrides) -> Explorer:
    ex = Explorer(settings=Settings.for_preset(name, **overrides))
    if steps:
        ex.step(steps)
    return ex


def with_cell(table: pd.DataFrame, row, column, value) -> pd.DataFrame:
    """A copy of ``table`` with one cell replaced (the column turns object for text)."""
    out = table.copy()
    if isinstance(value, str):
        out[column] = out[column].astype(object)
    out.loc[row, column] = value
    return out


# ---------------------------------------------------------------------------- the default


def test_default_is_seed_002_exam_scores():
    ex = Explorer()
    s = ex.settings
    assert s == Settings.for_preset("exam_scores")
    assert s.dataset == "exam_scores"
    pd.testing.assert_frame_equal(ex.table, load_preset("exam_scores"))
    assert ex.network.layer_sizes == (2, 3, 1)
    assert ex.network.activations == ["sigmoid", "sigmoid"]
    assert ex.network.bias is False
    assert (s.scaling, s.target_max) == ("max", 100.0)
    # seed 002's scaling: X / np.amax(X, axis=0) over the training rows, y / 100
    np.testing.assert_allclose(ex.data.X_train, EXAM_TRAIN_X / EXAM_X_MAX)
    np.testing.assert_allclose(ex.data.y_train[:, 0], EXAM_TRAIN_Y / 100)
    assert ex.trainer.iteration == 0
    assert ex.error == ""


def test_default_trains_and_keeps_biases_at_zero():
    ex = Explorer()
    before = ex.metrics().train_loss
    assert ex.step(200) == 200
    after = ex.metrics()
    assert after.iteration == 200
    assert after.train_loss < before / 10
    assert all(np.all(b == 0) for b in ex.network.biases)  # seed 002's network has no biases


# ---------------------------------------------------------------------------- every preset


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_builds_and_training_lowers_the_loss(name):
    p = PRESETS[name]
    ex = preset(name)
    assert ex.settings.dataset == name
    assert list(ex.data.inputs) == list(p.inputs)
    assert list(ex.data.targets) == list(p.targets)
    assert ex.network.layer_sizes[1:-1] == tuple(p.hidden)
    assert ex.network.output_activation == p.output_activation
    assert ex.trainer.loss_name == p.loss
    before = ex.metrics().train_loss
    assert ex.step(300) == 300
    after = ex.metrics().train_loss
    assert math.isfinite(after)
    assert after < before
    assert ex.error == ""


def test_for_preset_takes_overrides():
    s = Settings.for_preset("xor", learning_rate=0.3, hidden=(2,), seed=9)
    assert (s.learning_rate, s.hidden, s.seed) == (0.3, (2,), 9)
    assert s.targets == ("label",)
    assert preset("xor", learning_rate=0.3).trainer.learning_rate == 0.3


# ---------------------------------------------------------------------------- update: keep


@pytest.mark.parametrize(
    "change, event, check",
    [
        ({"learning_rate": 0.3}, "learning_rate", lambda t: t.learning_rate == 0.3),
        ({"optimizer": "adam"}, "optimizer", lambda t: t.optimizer == "adam"),
        ({"l2": 0.01}, "l2", lambda t: t.l2 == 0.01),
        ({"l1": 0.002}, "l1", lambda t: t.l1 == 0.002),
        ({"batch_size": 2}, "batch_size", lambda t: t.batch_size == 2),
    ],
    ids=["learning_rate", "optimizer", "l2", "l1", "batch_size"],
)
def test_training_settings_keep_the_weights(change, event, check):
    ex = exam(20)
    trainer = ex.trainer
    params = ex.network.params.copy()
    update = ex.update(ex.table, replace(ex.settings, **change))
    assert update == Update(hot=tuple(change))  # the weights are kept: no note
    assert ex.error == ""
    assert ex.trainer is trainer
    assert ex.trainer.iteration == 20
    np.testing.assert_array_equal(ex.network.params, params)
    assert ex.trainer.history.events[-1][:2] == (20, event)
    assert check(ex.trainer)
    assert ex.settings == replace(Settings.for_preset("exam_scores"), **change)
    ex.step(5)
    assert ex.trainer.iteration == 25


def test_momentum_change_applies_to_the_momentum_optimizer():
    ex = exam()
    ex.update(ex.table, replace(ex.settings, optimizer="momentum"))
    ex.step(5)
    ex.update(ex.table, replace(ex.settings, momentum=0.5))
    assert ex.trainer.momentum == 0.5
    assert ex.trainer.history.events[-1][:2] == (5, "momentum")
    assert ex.trainer.iteration == 5


# ---------------------------------------------------------------------------- update: rebuild


@pytest.mark.parametrize(
    "change, why, sizes",
    [
        ({"hidden": (4,)}, "the network changed", (2, 4, 1)),
        ({"hidden": (3, 2)}, "the network changed", (2, 3, 2, 1)),
        ({"activation": "tanh"}, "the network changed", (2, 3, 1)),
        ({"seed": 7}, "new seed 7", (2, 3, 1)),
        ({"inputs": ("hours_studied",)}, "new input/target columns", (1, 3, 1)),
        ({"bias": True}, "the network changed", (2, 3, 1)),
    ],
    ids=["hidden", "two-layers", "activation", "seed", "inputs", "bias"],
)
def test_architecture_changes_rebuild_and_say_why(change, why, sizes):
    ex = exam(30)
    new = replace(ex.settings, **change)
    update = ex.update(ex.table, new)
    assert update.rebuilt and not update.table_edited and len(update.notes) == 1
    assert "rebuilt" in update.texts[0].lower()
    assert why in update.texts[0]
    assert ex.trainer.iteration == 0
    assert len(ex.trainer.history) == 0
    assert ex.network.layer_sizes == sizes
    assert ex.settings == new
    # the rebuilt network is exactly a fresh one with those settings (same seed, same weights)
    np.testing.assert_array_equal(ex.network.params, Explorer(settings=new).network.params)
    if "activation" in change:
        assert ex.network.activations[0] == "tanh"


# ---------------------------------------------------------------------------- update: data


def test_edited_cell_keeps_the_run_and_marks_it():
    ex = exam(25)
    trainer = ex.trainer
    params = ex.network.params.copy()
    table = with_cell(ex.table, 0, "test_score", 95.0)
    update = ex.update(table, ex.settings)
    assert update.table_edited and not update.rebuilt
    assert update.notes == (Note("Table edited: training continues on the new rows.", "info"),)
    assert ex.error == ""
    assert ex.trainer is trainer
    assert ex.trainer.iteration == 25
    np.testing.assert_array_equal(ex.network.params, params)
    assert ex.trainer.history.events[-1][:2] == (25, "data")
    assert ex.table.loc[0, "test_score"] == 95.0
    # the run trains on the new value from here on
    assert ex.data.y_train[0, 0] == pytest.approx(0.95)
    assert ex.trainer.Y[0, 0] == pytest.approx(0.95)
    ex.step(3)
    assert ex.trainer.iteration == 28


def test_update_copies_the_table():
    ex = exam()
    table = with_cell(ex.table, 1, "test_score", 80.0)
    ex.update(table, ex.settings)
    table.loc[1, "test_score"] = 10.0  # the caller's frame changes afterwards …
    assert ex.table.loc[1, "test_score"] == 80.0  # … the explorer's does not


def test_an_emptied_cell_leaves_its_row_out_with_a_note_or_is_filled():
    ex = exam(10)
    emptied = with_cell(ex.table, 0, "test_score", np.nan)
    update = ex.update(emptied, ex.settings)
    assert update.table_edited and not update.rebuilt and ex.error == ""
    assert ex.data.left_out == [0] and ex.data.train_index == [1, 2]
    assert any(n.startswith("1 row with empty cells is left out") for n in ex.data.notes)
    gap = with_cell(ex.table, 1, "hours_slept", np.nan)
    ex.update(gap, dataclasses.replace(ex.settings, gaps="mean"))
    assert ex.data.left_out == [0]  # no target: still out; the input gap is filled
    assert ex.data.scaler.fill is not None and 1 in ex.data.train_index


@pytest.mark.parametrize(
    "row, column, value, words",
    [
        (1, "test_score", "abc", ["Row 1", "'test_score'", "'abc'", "not a number"]),
        (2, "hours_slept", np.inf, ["Row 2", "'hours_slept'", "inf", "not a finite number"]),
        (3, "hours_studied", "4,5", ["Row 3", "'hours_studied'", "'4,5'", "point"]),
    ],
    ids=["text", "inf", "decimal-comma"],
)
def test_bad_cell_keeps_the_last_good_state(row, column, value, words):
    ex = exam(10)
    table, data, trainer = ex.table, ex.data, ex.trainer
    params = ex.network.params.copy()
    events = list(trainer.history.events)
    bad = with_cell(table, row, column, value)
    assert ex.update(bad, ex.settings) == Update()  # nothing changed
    for w in words:
        assert w in ex.error, (w, ex.error)
    assert ex.table is table
    assert ex.data is data
    assert ex.trainer is trainer
    np.testing.assert_array_equal(ex.network.params, params)
    assert trainer.history.events == events
    pd.testing.assert_frame_equal(table, load_preset("exam_scores"))  # untouched
    # training goes on with the last good data; fixing the cell clears the message
    assert ex.step(5) == 5
    good = with_cell(table, 1, "test_score", 87.0)
    ex.update(good, ex.settings)
    assert ex.error == ""
    assert ex.table.loc[1, "test_score"] == 87.0


def test_empty_target_in_a_predict_row_is_fine():
    ex = exam()
    table = with_cell(ex.table, 3, "test_score", np.nan)  # row 3 is the 'predict' row
    ex.update(table, ex.settings)
    assert ex.error == ""


def test_bad_settings_keep_the_last_good_state():
    ex = exam(5)
    trainer = ex.trainer
    assert ex.update(ex.table, replace(ex.settings, targets=())) == Update()
    assert "No target column" in ex.error
    assert ex.trainer is trainer and ex.trainer.iteration == 5
    assert ex.settings == Settings.for_preset("exam_scores")


def test_incompatible_loss_sets_error_instead_of_raising():
    ex = exam(5)
    trainer = ex.trainer
    ex.update(ex.table, replace(ex.settings, loss="cross_entropy"))
    assert "softmax" in ex.error
    assert ex.trainer is trainer and ex.trainer.iteration == 5


def test_failed_rebuild_leaves_settings_and_trainer_consistent():
    ex = exam(5)
    old = ex.settings
    with contextlib.suppress(ValueError):
        ex.update(ex.table, replace(old, loss="cross_entropy"))
    assert ex.settings == old
    assert ex.settings.loss == ex.trainer.loss_name
    # the next update with the same (bad) settings must not silently accept them
    ex.update(ex.table, replace(old, loss="cross_entropy"))
    assert ex.error


def test_new_data_set_with_the_same_columns_rebuilds():
    ex = preset("xor", 50)
    update = ex.update(load_preset("circle"), Settings.for_preset("circle"))
    assert ex.trainer.iteration == 0 and update.rebuilt
    assert any("new data set: Circle" in n for n in update.texts)


# ---------------------------------------------------------------------------- reset and seeds


def test_reset_restores_the_initial_weights_of_the_seed():
    ex = exam()
    initial = ex.network.params.copy()
    ex.step(50)
    assert not np.array_equal(ex.network.params, initial)
    ex.reset()
    assert ex.trainer.iteration == 0
    assert len(ex.trainer.history) == 0
    np.testing.assert_array_equal(ex.network.params, initial)
    np.testing.assert_array_equal(ex.network.params, Explorer(settings=ex.settings).network.params)


def test_reset_keeps_changed_training_settings():
    ex = exam(10)
    ex.update(ex.table, replace(ex.settings, learning_rate=0.3))
    ex.reset()
    assert ex.trainer.learning_rate == 0.3
    np.testing.assert_array_equal(ex.network.params, Explorer().network.params)


def test_new_seed_draws_new_weights():
    ex = exam(10)
    initial = Explorer().network.params
    seed = ex.new_seed()
    assert ex.settings.seed == seed
    assert ex.trainer.iteration == 0
    assert not np.array_equal(ex.network.params, initial)
    np.testing.assert_array_equal(
        ex.network.params, Explorer(settings=replace(ex.settings, seed=seed)).network.params
    )
    assert ex.new_seed(123) == 123
    np.testing.assert_array_equal(
        ex.network.params, Explorer(settings=replace(ex.settings, seed=123)).network.params
    )


# ---------------------------------------------------------------------------- train_chunk


def test_train_chunk_respects_max_steps():
    ex = exam()
    r = ex.train_chunk(37, budget_s=5.0)
    assert (r.steps, r.stopped) == (37, "")
    assert ex.trainer.iteration == 37
    assert ex.last_chunk is r


def test_train_chunk_stops_at_the_iteration_exactly():
    ex = exam()
    r = ex.train_chunk(10**6, budget_s=5.0, stop_at=777)
    assert ex.trainer.iteration == 777
    assert r.steps == 777
    assert "777" in r.stopped
    again = ex.train_chunk(10**6, budget_s=5.0, stop_at=777)
    assert again.steps == 0 and "777" in again.stopped
    assert ex.trainer.iteration == 777


def test_train_chunk_stop_at_counts_from_the_current_iteration():
    ex = exam(10)
    r = ex.train_chunk(100, budget_s=5.0, stop_at=12)
    assert r.steps == 2 and ex.trainer.iteration == 12 and r.stopped


def test_train_chunk_stops_at_the_target_loss():
    ex = exam()
    r = ex.train_chunk(10**6, budget_s=5.0, target_loss=0.001)
    assert "target" in r.stopped
    assert ex.trainer.iteration < 10**6
    last_loss = ex.trainer.history.train_loss[-1]
    assert last_loss <= 0.001
    assert ex.trainer.history.train_loss[0] > 0.001


def test_train_chunk_stops_at_the_first_step_below_the_target_loss():
    ex = exam()
    ex.train_chunk(10**6, budget_s=5.0, target_loss=0.001)
    h = ex.trainer.history
    first = int(h.iterations[np.argmax(h.train_loss <= 0.001)])
    assert ex.trainer.iteration == first + 1


def test_train_chunk_stops_at_the_first_weights_that_reach_the_target_accuracy():
    ex = preset("circle")
    start = ex.trainer.accuracy()
    target = 0.95
    assert start < target
    r = ex.train_chunk(10**6, budget_s=10.0, target_accuracy=target)
    assert "accuracy" in r.stopped and "95.0%" in r.stopped, r.stopped
    assert ex.trainer.accuracy() >= target
    # one step fewer, from the same start, falls short: it stopped at the first
    again = preset("circle")
    again.step(ex.trainer.iteration - 1)
    assert again.trainer.accuracy() < target


def test_a_regression_has_no_accuracy_to_stop_at():
    ex = exam()
    r = ex.train_chunk(50, budget_s=5.0, target_accuracy=0.5)
    assert r.steps == 50 and r.stopped == ""


def test_train_chunk_stays_within_its_time_budget():
    ex = exam()
    t0 = time.perf_counter()
    r = ex.train_chunk(10**9, budget_s=0.2)
    wall = time.perf_counter() - t0
    assert r.stopped == ""
    assert r.steps > 0 and ex.trainer.iteration == r.steps
    assert 0.2 <= r.seconds < 0.7
    assert wall < 0.7
    assert ex.steps_per_second > 0


def diverging() -> Explorer:
    return preset("plane", activation="relu", learning_rate=10.0)


def test_train_chunk_reports_divergence_without_raising():
    ex = diverging()
    r = ex.train_chunk(1000, budget_s=2.0)
    assert r.stopped.startswith("Training diverged")
    assert ex.error == r.stopped
    assert 0 < ex.trainer.iteration < 1000
    assert np.all(np.isfinite(ex.network.params))
    assert ex.trainer.history.events[-1][1] == "diverged"
    # asking again neither raises nor moves
    it = ex.trainer.iteration
    again = ex.train_chunk(1000, budget_s=2.0)
    assert again.steps == 0 and again.stopped.startswith("Training diverged")
    assert ex.trainer.iteration == it


def test_train_chunk_counts_every_step_made_before_divergence():
    ex = diverging()
    r = ex.train_chunk(1000, budget_s=2.0)
    assert r.steps == ex.trainer.iteration


def test_step_reports_divergence_without_raising():
    ex = diverging()
    done = ex.step(1000)
    assert done == ex.trainer.iteration < 1000
    assert ex.error.startswith("Training diverged")
    assert np.all(np.isfinite(ex.network.params))


def test_divergence_message_survives_an_unchanged_update():
    ex = diverging()
    ex.step(1000)
    assert ex.error.startswith("Training diverged")
    ex.update(ex.table, ex.settings)  # what app.py does on every run
    assert ex.error.startswith("Training diverged")


def test_train_chunk_function_on_a_bare_trainer():
    t = exam().trainer
    r = train_chunk(t, 50, budget_s=5.0)
    assert r.steps == 50 and t.iteration == 50


@pytest.mark.parametrize(
    "name, overrides",
    [
        ("exam_scores", {}),
        ("xor", {"batch_size": 16}),  # random batches: the order of the draws matters too
    ],
    ids=["full-batch", "mini-batch"],
)
def test_n_single_steps_equal_one_step_of_n(name, overrides):
    a, b, c = (preset(name, **overrides) for _ in range(3))
    for _ in range(25):
        a.step()
    b.step(25)
    c.train_chunk(25, budget_s=10.0)
    for other in (b, c):
        assert other.trainer.iteration == 25
        np.testing.assert_array_equal(a.network.params, other.network.params)
        np.testing.assert_array_equal(
            a.trainer.history.train_loss, other.trainer.history.train_loss
        )


# ---------------------------------------------------------------------------- metrics


@pytest.mark.parametrize("name", ["three_bits", "xor", "circle", "blobs3"])
def test_classification_metrics_are_accuracies(name):
    ex = preset(name, 100)
    m = ex.metrics()
    assert m.kind == "accuracy"
    assert m.iteration == 100
    out_tr = ex.network.forward(ex.data.X_train)
    out_te = ex.network.forward(ex.data.X_test)
    if out_tr.shape[1] > 1:
        acc_tr = np.mean(out_tr.argmax(1) == ex.data.y_train.argmax(1))
        acc_te = np.mean(out_te.argmax(1) == ex.data.y_test.argmax(1))
    else:
        acc_tr = np.mean((out_tr[:, 0] > 0.5) == (ex.data.y_train[:, 0] > 0.5))
        acc_te = np.mean((out_te[:, 0] > 0.5) == (ex.data.y_test[:, 0] > 0.5))
    assert m.train_score == pytest.approx(acc_tr)
    assert m.test_score == pytest.approx(acc_te)
    assert math.isfinite(m.test_loss)


def test_exam_scores_rmse_is_in_points():
    ex = exam(100)
    m = ex.metrics()
    assert m.kind == "rmse"
    pred = ex.network.forward(EXAM_TRAIN_X / EXAM_X_MAX)[:, 0] * 100
    expected = math.sqrt(np.mean((pred - EXAM_TRAIN_Y) ** 2))
    assert m.train_score == pytest.approx(expected, rel=1e-12)
    assert 0.5 < m.train_score < 30  # points, not hundredths
    assert math.isnan(m.test_score) and math.isnan(m.test_loss)  # no test rows
    # the train loss is half_sse of the scaled targets
    half_sse = 0.5 * np.sum((pred / 100 - EXAM_TRAIN_Y / 100) ** 2)
    assert m.train_loss == pytest.approx(half_sse)


def test_plane_rmse_on_test_rows():
    ex = preset("plane", 50)
    t = ex.table
    test = t[t["split"] == "test"]
    pred = ex.network.forward(test[["x1", "x2"]].to_numpy(float))[:, 0]  # scaling 'none'
    expected = math.sqrt(np.mean((pred - test["y"].to_numpy(float)) ** 2))
    assert ex.metrics().test_score == pytest.approx(expected)


# ---------------------------------------------------------------------------- predictions


def test_predictions_are_per_row_in_points():
    ex = exam(100)
    p = ex.predictions()
    assert list(p.index) == list(ex.table.index)
    all_x = ex.table[["hours_studied", "hours_slept"]].to_numpy(float)
    expected = ex.network.forward(all_x / EXAM_X_MAX)[:, 0] * 100
    np.testing.assert_allclose(p["prediction"].to_numpy(), expected, rtol=1e-12)
    np.testing.assert_allclose(p["error"].to_numpy()[:3], expected[:3] - EXAM_TRAIN_Y)
    assert math.isnan(p["error"].iloc[3])  # the predict row has no target


def test_binary_predictions_mark_right_and_wrong():
    ex = preset("xor", 100)
    p = ex.predictions()
    assert len(p) == len(ex.table)
    truth = ex.table["label"].to_numpy(float)
    hit = (p["prediction"].to_numpy() > 0.5) == (truth > 0.5)
    assert list(p["correct"]) == ["✓" if h else "✗" for h in hit]


def test_class_predictions_name_the_classes():
    ex = preset("blobs3", 300)
    p = ex.predictions()
    assert set(p["prediction"]) <= {"0", "1", "2"}
    right = (p["correct"] == "✓").mean()
    assert right == pytest.approx(
        np.mean(p["prediction"].to_numpy() == ex.table["class"].astype(str).to_numpy())
    )
    assert right > 0.9


def test_class_predictions_with_a_float_class_column():
    ex = preset("blobs3", 300)
    table = ex.table.copy()
    new = pd.DataFrame(
        {"x1": [0.0], "x2": [0.0], "class": [np.nan], "split": ["predict"]}, index=[len(table)]
    )
    table = pd.concat([table, new])  # the class column turns float (NaN in the new row)
    ex.update(table, ex.settings)
    assert ex.error == ""
    p = ex.predictions()
    assert (p["correct"] == "✓").mean() > 0.9


def test_predict_row_is_in_points():
    ex = exam(200)
    out = ex.predict_row([4, 8])
    assert out.shape == (1,)
    expected = ex.network.forward(np.array([[4.0, 8.0]]) / EXAM_X_MAX)[0, 0] * 100
    assert out[0] == pytest.approx(expected, rel=1e-12)
    assert 50 < out[0] <= 100  # a test score, not a fraction


def test_predict_row_for_classes_gives_probabilities():
    ex = preset("blobs3", 50)
    out = ex.predict_row([0.0, 0.0])
    assert out.shape == (3,)
    assert out.sum() == pytest.approx(1.0)


# ---------------------------------------------------------------------------- adopt, set_weight


def test_adopt_continues_from_given_weights():
    ex = exam(20)
    net = Network([2, 5, 1], activation="tanh", output_activation="sigmoid", bias=True, seed=3)
    given = net.params.copy()
    ex.adopt(net)
    assert ex.trainer.iteration == 0
    np.testing.assert_array_equal(ex.network.params, given)
    assert ex.settings.hidden == (5,)
    assert ex.settings.activation == "tanh"
    assert ex.settings.bias is True
    loss0 = ex.metrics().train_loss
    ex.step(50)
    assert ex.metrics().train_loss < loss0
    # the settings now describe the adopted network: an unchanged update keeps it
    params = ex.network.params.copy()
    assert ex.update(ex.table, ex.settings) == Update()
    np.testing.assert_array_equal(ex.network.params, params)


def test_adopt_rejects_a_shape_mismatch():
    ex = exam(5)
    trainer = ex.trainer
    with pytest.raises(ValueError, match="3 inputs and 1 outputs.*2 inputs and 1 outputs"):
        ex.adopt(Network([3, 4, 1], seed=1))
    with pytest.raises(ValueError, match="2 outputs"):
        ex.adopt(Network([2, 4, 2], seed=1))
    assert ex.trainer is trainer and ex.trainer.iteration == 5


def test_set_weight_changes_the_prediction():
    ex = exam(50)
    before = ex.predict_row([4, 8])[0]
    ex.set_weight(1, 0, 0, 5.0)
    assert ex.network.weights[0][0, 0] == 5.0
    after = ex.predict_row([4, 8])[0]
    assert after != pytest.approx(before)
    # the explorer's own forward pass gives the new prediction
    expected = ex.network.forward(np.array([[4.0, 8.0]]) / EXAM_X_MAX)[0, 0] * 100
    assert after == pytest.approx(expected)
    assert ex.trainer.history.events[-1][:2] == (50, "edit")
    with pytest.raises(ValueError):
        ex.set_weight(1, 0, 0, math.inf)


@pytest.mark.parametrize(
    "where",
    [(0, 0, 0), (3, 0, 0), (1, -1, 0), (1, 0, 3), (2, 3, 0)],
    ids=["layer-0", "layer-3", "negative-row", "column-3", "row-3"],
)
def test_set_weight_rejects_a_place_outside_the_network(where):
    ex = exam()
    params = ex.network.params.copy()
    with pytest.raises(ValueError):
        ex.set_weight(*where, 5.0)  # layers are 1-based: 0 must not mean the last one
    np.testing.assert_array_equal(ex.network.params, params)


# ---------------------------------------------------------------------------- typed errors


def test_data_error_and_divergence_are_kept_apart():
    ex = diverging()
    ex.step(1000)
    assert ex.divergence.startswith("Training diverged") and ex.data_error == ""
    assert ex.error == ex.divergence
    bad = with_cell(ex.table, 0, "x1", "abc")
    ex.update(bad, ex.settings)
    assert "'abc'" in ex.data_error
    assert ex.divergence.startswith("Training diverged")  # still true: nothing was applied
    assert ex.error == ex.data_error  # the data error is shown first
    ex.update(ex.table, ex.settings)  # the cell is put back: the data error goes
    assert ex.data_error == "" and ex.error == ex.divergence


def test_a_successful_change_clears_both_errors():
    ex = diverging()
    ex.step(1000)
    ex.update(with_cell(ex.table, 0, "x1", "abc"), ex.settings)
    ex.update(ex.table, replace(ex.settings, learning_rate=0.01))
    assert (ex.data_error, ex.divergence, ex.error) == ("", "", "")


def test_clear_divergence_and_error_is_read_only():
    ex = diverging()
    r = ex.train_chunk(1000, budget_s=2.0)
    assert r.diverged and ex.divergence == r.stopped
    ex.clear_divergence()
    assert ex.divergence == "" and ex.error == ""
    with pytest.raises(AttributeError):
        ex.error = ""
    again = ex.train_chunk(1000, budget_s=2.0)  # still diverging: said again
    assert again.diverged and ex.divergence.startswith("Training diverged")


def test_reset_clears_the_divergence_but_not_a_data_error():
    ex = diverging()
    ex.step(1000)
    ex.update(with_cell(ex.table, 0, "x1", "abc"), ex.settings)
    ex.reset()
    assert ex.divergence == "" and "'abc'" in ex.data_error


def test_chunks_that_do_not_diverge_say_so():
    ex = exam()
    r = ex.train_chunk(20, budget_s=5.0)
    assert not r.diverged and r.stopped == "" and ex.error == ""


# ---------------------------------------------------------------------------- the run's record


def test_the_run_log_records_each_change_with_its_iteration():
    ex = preset("xor", 10)
    first = ex.run_log
    assert (first.settings, first.events) == (ex.settings, [])
    ex.update(ex.table, replace(ex.settings, learning_rate=0.3, l2=0.01))
    ex.step(5)
    ex.set_weight(1, 0, 1, 0.5)
    table = with_cell(ex.table, 2, "x1", 0.25)
    ex.update(table, ex.settings)
    assert [(e.iteration, e.kind) for e in ex.run_log.events] == [
        (10, "set"),
        (15, "weight"),
        (15, "table"),
    ]
    assert ex.run_log.events[0].value == {"learning_rate": 0.3, "l2": 0.01}
    assert ex.run_log.events[1].value == (1, 0, 1, 0.5)
    assert ex.run_log.settings == Settings.for_preset("xor")  # iteration 0's
    ex.update(ex.table, replace(ex.settings, hidden=(3,)))  # a new run
    assert ex.run_log.events == [] and ex.run_log.settings == ex.settings
    assert ex.run_log.table is ex.table
    ex.step(3)
    ex.reset()
    assert ex.run_log.events == []


def test_one_log_of_the_runs_changes_and_the_markers_derived_from_it():
    ex = preset("xor", 10)
    ex.update(ex.table, replace(ex.settings, learning_rate=0.3, l2=0.01))
    ex.step(5)
    ex.set_weight(1, 0, 1, 0.5)
    h = ex.trainer.history
    # one record: the run log's events are the trainer's log, each change once
    assert ex.run_log.events == h.log and len(h.log) == 2
    # the loss curve's markers are derived from it: one per setting changed, one edit
    assert h.events == [
        (10, "learning_rate", f"η {Settings.for_preset('xor').learning_rate:g} → 0.3"),
        (10, "l2", "l2 0 → 0.01"),
        (15, "edit", "W1[0, 1] = 0.5"),
    ]
    # a rewind to 10 takes the later markers off the path, not the changes out of the log
    its = list(h.snapshot_iterations)
    ex.continue_from(its.index(10))
    assert [(e.iteration, e.kind) for e in ex.run_log.events] == [
        (10, "set"),
        (15, "weight"),
        (15, "rewind"),
    ]
    assert [m[:2] for m in h.events] == [(10, "learning_rate"), (10, "l2"), (10, "continue")]
    ex.step(2)
    ex.update(ex.table, replace(ex.settings, learning_rate=0.1))
    assert [m[:2] for m in h.events][-1] == (12, "learning_rate")
    assert h.events[-1][2] == "η 0.3 → 0.1" and len(ex.run_log.events) == 4


# ---------------------------------------------------------------------------- derived features


def test_features_become_input_nodes_computed_from_the_raw_columns():
    ex = preset("circle", features=("x1**2", "x2**2"))
    data = ex.data
    assert data.inputs == ["x1", "x2", "x1**2", "x2**2"] and data.raw_inputs == ["x1", "x2"]
    assert ex.network.layer_sizes == (4, 4, 4, 1)
    table = ex.table.loc[data.train_index]
    raw = ex.data.scaler.inverse_X(data.X_train)
    np.testing.assert_allclose(raw[:, 2], table["x1"].to_numpy() ** 2)
    np.testing.assert_allclose(raw[:, 3], table["x2"].to_numpy() ** 2)
    # a new row is given by its raw inputs only
    ex.step(20)
    x = np.array([[1.5, -2.0, 2.25, 4.0]])
    expected = ex.network.forward((x - data.scaler.offset) / data.scaler.divisor)[0]
    np.testing.assert_allclose(ex.predict_row([1.5, -2.0]), expected)


def test_a_bad_feature_keeps_the_last_good_state():
    ex = preset("circle", steps=5, features=("x1**2",))
    trainer = ex.trainer
    for bad, words in [
        (("x1^2",), "operator ^"),
        (("x3*2",), "'x3' is not an input column"),
        (("log(x1-x1)",), "feature 'log(x1-x1)'"),
    ]:
        ex.update(ex.table, replace(ex.settings, features=bad))
        assert words in ex.data_error, ex.data_error
        assert ex.trainer is trainer and ex.trainer.iteration == 5
        assert ex.settings.features == ("x1**2",) and ex.data.inputs[-1] == "x1**2"
    # the same feature over an input removed: refused too (the app drops it first, with a note)
    ex.update(ex.table, replace(ex.settings, inputs=("x2",)))
    assert "'x1' is not an input column" in ex.data_error and ex.trainer is trainer


def test_the_classic_lesson_x1_squared_and_x2_squared_separate_the_circle():
    plain = preset("circle", steps=300, hidden=())
    assert plain.metrics().train_score < 0.8  # a line cannot separate a circle
    squared = preset("circle", steps=1500, hidden=(), features=("x1**2", "x2**2"))
    assert squared.metrics().train_score >= 0.95
    assert squared.metrics().test_score >= 0.9
