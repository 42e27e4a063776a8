"""The Streamlit app through AppTest: every control path runs without an exception.

Each ``run()`` is a full script run (~0.2 s). The fixtures (``at``, ``downloads``) and
helpers live in ``conftest.py``, with notes on AppTest's quirks.
"""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd
import pytest
from conftest import (
    chart_keys,
    click,
    edit_table,
    errors,
    explorer,
    infos,
    iteration,
    live_numbers,
    metric,
    open_tab,
    params,
    play_label,
    run,
    step_n,
    toasts,
)
from streamlit.testing.v1 import AppTest

from nnviz import export
from nnviz.app.explorer import Explorer
from nnviz.data import read_csv_table
from nnviz.network import Network

# ---------------------------------------------------------------------------- first run


def test_first_run_shows_exam_scores_ready_to_train(at):
    assert at.selectbox(key="dataset").value == "exam_scores"
    assert list(at.session_state["table"].columns) == [
        "hours_studied",
        "hours_slept",
        "test_score",
        "split",
    ]
    assert at.multiselect(key="inputs").value == ["hours_studied", "hours_slept"]
    assert at.multiselect(key="targets").value == ["test_score"]
    ex = explorer(at)
    assert ex.settings.dataset == "exam_scores"
    assert ex.network.layer_sizes == (2, 3, 1)
    assert iteration(at) == 0
    assert math.isfinite(float(metric(at, "Train loss")))
    assert len(chart_keys(at)) >= 4
    assert at.session_state["playing"] is False
    assert play_label(at) == "Play"
    assert errors(at) == []
    # the data editor shows the table with the network's predictions beside it
    shown = at.data_editor(key="table_0").value
    assert {"prediction", "error"} <= set(shown.columns)
    assert len(shown) == 4
    # every documented control is there (each lookup raises if it is missing)
    for key in ("step", "step_n", "play", "reset", "new_seed"):
        at.button(key=key)
    for key in (
        "dataset",
        "step_n_count",
        "scaling",
        "activation",
        "output_activation",
        "init",
        "loss",
        "optimizer",
    ):
        at.selectbox(key=key)
    for key in ("inputs", "targets"):
        at.multiselect(key=key)
    for key in (
        "target_max",
        "neurons_0",
        "seed",
        "batch_size",
        "momentum",
        "l1",
        "l2",
        "stop_at",
        "target_loss",
    ):
        at.number_input(key=key)
    at.slider(key="n_hidden")
    at.checkbox(key="bias")
    for key in ("learning_rate", "speed"):
        at.select_slider(key=key)
    assert at.select_slider(key="learning_rate").value == 1.0
    assert at.selectbox(key="step_n_count").options == ["×10", "×100", "×1000"]


# ---------------------------------------------------------------------------- stepping


def test_step_and_step_n(at):
    loss0 = metric(at, "Train loss")
    click(at, "step")
    assert iteration(at) == explorer(at).trainer.iteration == 1
    assert float(metric(at, "Train loss")) < float(loss0)
    step_n(at, 10)
    assert iteration(at) == 11
    step_n(at, 100)
    assert iteration(at) == explorer(at).trainer.iteration == 111


def test_reset_and_new_seed(at):
    first = params(at)
    step_n(at)
    assert not np.array_equal(params(at), first)
    click(at, "reset")
    assert iteration(at) == 0
    np.testing.assert_array_equal(params(at), first)  # exactly the first run's weights
    assert any("Reset" in t for t in toasts(at))
    click(at, "new_seed")
    assert iteration(at) == 0
    drawn = params(at)
    assert not np.array_equal(drawn, first)
    seed = explorer(at).settings.seed
    assert at.number_input(key="seed").value == seed  # the sidebar shows the new seed
    assert any(str(seed) in t for t in toasts(at))
    click(at, "step")  # the seed widget and the explorer agree: no rebuild on this run
    assert iteration(at) == 1
    click(at, "reset")  # back to the new seed's weights, not the first ones
    np.testing.assert_array_equal(params(at), drawn)


# ---------------------------------------------------------------------------- settings


def test_preset_change_loads_its_table_and_rebuilds(at):
    step_n(at)
    version = at.session_state["table_version"]
    run(at.selectbox(key="dataset").set_value("xor"))
    assert list(at.session_state["table"].columns) == ["x1", "x2", "label", "split"]
    assert at.session_state["table_version"] == version + 1
    ex = explorer(at)
    assert ex.settings.dataset == "xor"
    assert ex.network.layer_sizes == (2, 4, 4, 1)
    assert iteration(at) == 0
    assert at.multiselect(key="inputs").value == ["x1", "x2"]
    assert {"Train acc.", "Test acc."} <= set(live_numbers(at))
    assert any("rebuilt" in t for t in toasts(at))
    assert len(at.data_editor(key=f"table_{version + 1}").value) == len(at.session_state["table"])


def test_other_shapes_of_presets_load_and_train(at):
    # xor and plane are used elsewhere; the spiral/circle/moons pages are xor's shape
    for name in ("three_bits", "sine", "blobs3"):  # 3 inputs · 1 input · softmax
        run(at.selectbox(key="dataset").set_value(name))
        assert explorer(at).settings.dataset == name
        assert iteration(at) == 0, name
        assert errors(at) == [], name
        assert len(chart_keys(at)) >= 3, name
    step_n(at)
    assert iteration(at) == 10
    open_tab(at, "Predict")
    assert metric(at, "Predicted class") in ("0", "1", "2")


def test_switching_between_similar_presets_rebuilds(at):
    run(at.selectbox(key="dataset").set_value("xor"))
    click(at, "step")
    run(at.selectbox(key="dataset").set_value("circle"))
    assert iteration(at) == 0


def test_learning_rate_change_keeps_the_run(at):
    step_n(at)
    before = params(at)
    run(at.select_slider(key="learning_rate").set_value(0.3))
    assert iteration(at) == 10
    np.testing.assert_array_equal(params(at), before)
    ex = explorer(at)
    assert ex.trainer.learning_rate == 0.3
    assert ex.trainer.history.events[-1][:2] == (10, "learning_rate")


def test_architecture_changes_rebuild(at):
    changes = [
        (lambda: at.slider(key="n_hidden").set_value(2), (2, 3, 4, 1)),
        (lambda: at.number_input(key="neurons_0").set_value(6), (2, 6, 4, 1)),
        (lambda: at.selectbox(key="activation").set_value("tanh"), (2, 6, 4, 1)),
        (lambda: at.slider(key="n_hidden").set_value(0), (2, 1)),
    ]
    for change, sizes in changes:
        click(at, "step")
        assert iteration(at) == 1
        run(change())
        assert iteration(at) == 0, sizes
        assert explorer(at).network.layer_sizes == sizes
    assert explorer(at).network.activations == ["sigmoid"]  # no hidden layer left
    assert explorer(at).settings.activation == "tanh"
    click(at, "step")
    assert iteration(at) == 1


def test_missing_target_shows_an_error_and_keeps_training(at):
    run(at.multiselect(key="targets").unselect("test_score"))
    assert any("No target column" in e for e in errors(at))
    click(at, "step")
    assert iteration(at) == 1


def test_incompatible_loss_shows_an_error(at):
    run(at.selectbox(key="loss").set_value("cross_entropy"))
    assert any("softmax" in e for e in errors(at))


# ---------------------------------------------------------------------------- the data table


def test_cell_edit_reaches_the_run(at):
    step_n(at)
    before = params(at)
    edit_table(at, {"edited_rows": {"0": {"test_score": 95}}})
    assert at.session_state["table"].loc[0, "test_score"] == 95
    assert at.session_state["table_version"] == 1
    ex = explorer(at)
    assert ex.table.loc[0, "test_score"] == 95
    assert ex.data.y_train[0, 0] == pytest.approx(0.95)
    assert iteration(at) == 10  # the run continues …
    np.testing.assert_array_equal(params(at), before)  # … from the same weights
    assert ex.trainer.history.events[-1][:2] == (10, "data")
    assert errors(at) == []
    # the new editor starts clean on the new table
    assert at.data_editor(key="table_1").value.loc[0, "test_score"] == 95
    click(at, "step")
    assert iteration(at) == 11


def test_seeded_editor_state_is_not_folded(at):
    """AppTest behaviour: a seeded edit record skips on_change, so the app ignores it.

    (``edit_table`` is the way to edit; this pins the limitation so a change shows.)
    """
    at.session_state["table_0"] = {
        "edited_rows": {0: {"test_score": 95}},
        "added_rows": [],
        "deleted_rows": [],
    }
    run(at)
    assert at.session_state["table"].loc[0, "test_score"] == 92
    assert at.session_state["table_version"] == 0
    assert explorer(at).table.loc[0, "test_score"] == 92


def test_bad_cell_shows_where_and_keeps_the_last_good_data(at):
    step_n(at)
    data, trainer = explorer(at).data, explorer(at).trainer
    edit_table(at, {"edited_rows": {"1": {"test_score": "abc"}}})
    msgs = [e for e in errors(at) if "abc" in e]
    assert msgs, errors(at)
    assert "Row 1" in msgs[0] and "'test_score'" in msgs[0] and "'abc'" in msgs[0]
    assert at.session_state["table"].loc[1, "test_score"] == "abc"  # what the user typed stays
    ex = explorer(at)
    assert ex.data is data and ex.trainer is trainer
    assert ex.table.loc[1, "test_score"] == 86.0
    click(at, "step")
    assert iteration(at) == 11
    # fixing the cell clears the message and the run takes the new value
    edit_table(at, {"edited_rows": {"1": {"test_score": 80}}})
    assert not any("abc" in e for e in errors(at))
    assert explorer(at).table.loc[1, "test_score"] == 80
    assert iteration(at) == 11


def test_rows_added_and_deleted(at):
    edit_table(at, {"added_rows": [{"hours_studied": 5, "hours_slept": 7, "split": "predict"}]})
    table = at.session_state["table"]
    assert len(table) == 5 and table.iloc[-1]["split"] == "predict"
    assert errors(at) == []
    assert len(explorer(at).predictions()) == 5
    edit_table(at, {"deleted_rows": [0]})
    table = at.session_state["table"]
    assert len(table) == 4 and table.iloc[0]["test_score"] == 86
    assert errors(at) == []
    assert len(explorer(at).data.X_train) == 2


def test_csv_upload_becomes_the_table(at):
    csv = b"a,b,c\n1,2,0.5\n2,3,0.25\n3,1,0.75\n"
    run(at.file_uploader(key="upload_csv").set_value(("t.csv", csv, "text/csv")))
    assert at.session_state["dataset"] == "custom"
    assert list(at.session_state["table"].columns) == ["a", "b", "c"]
    ex = explorer(at)
    assert ex.settings.inputs == ("a", "b") and ex.settings.targets == ("c",)
    assert any("Loaded 3 rows from t.csv" in t for t in infos(at))  # with its setup


# ---------------------------------------------------------------------------- play


def test_play_pause_and_step_while_playing(at):
    at.select_slider(key="speed").set_value(10)
    click(at, "play")
    assert at.session_state["playing"] is True
    assert play_label(at) == "Pause"
    assert iteration(at) == 10  # the fragment's tick ran once in this run
    click(at, "step")  # Step while playing pauses, then steps
    assert at.session_state["playing"] is False
    assert play_label(at) == "Play"
    assert iteration(at) == 11
    click(at, "play")
    assert play_label(at) == "Pause" and iteration(at) == 21
    click(at, "play")
    assert at.session_state["playing"] is False
    assert play_label(at) == "Play"
    assert iteration(at) == 21  # paused: nothing trains


def test_play_stops_at_the_chosen_iteration(at):
    at.number_input(key="stop_at").set_value(5)
    click(at, "play")
    assert iteration(at) == 5
    assert at.session_state["playing"] is False
    assert play_label(at) == "Play"
    assert any("Reached iteration 5" in t for t in toasts(at))


def test_play_stops_at_the_chosen_training_accuracy(at):
    assert not [w for w in at.number_input if w.key == "target_accuracy"]  # a regression
    run(at.selectbox(key="dataset").set_value("circle"))
    at.number_input(key="target_accuracy").set_value(90.0)
    at.select_slider(key="speed").set_value(1000)
    click(at, "play")  # each run's tick trains up to 1000 steps, or 50 ms
    for _ in range(100):
        if not at.session_state["playing"]:
            break
        run(at)
    ex = explorer(at)
    assert at.session_state["playing"] is False and play_label(at) == "Play"
    assert 0 < ex.trainer.iteration < 1000
    assert ex.trainer.accuracy() >= 0.9
    assert any("Training accuracy" in t and "90.0%" in t for t in toasts(at))


def diverge(at: AppTest) -> AppTest:
    run(at.selectbox(key="dataset").set_value("plane"))
    at.selectbox(key="activation").set_value("relu")
    run(at.select_slider(key="learning_rate").set_value(10.0))
    s = explorer(at).settings
    assert (s.dataset, s.activation, s.learning_rate) == ("plane", "relu", 10.0)
    with np.errstate(all="ignore"):
        step_n(at, 100)
    return at


def test_divergence_is_reported_without_an_exception(at):
    diverge(at)
    it = iteration(at)
    assert 0 < it < 100
    # said once, as the banner over the charts (not a toast as well)
    assert [e for e in errors(at) if e.startswith("Training diverged")]
    assert not [t for t in toasts(at) if "diverged" in t]
    assert np.all(np.isfinite(params(at)))
    click(at, "play")  # play on a diverged run stops at once, with the message
    assert at.session_state["playing"] is False
    assert iteration(at) == it


def test_divergence_message_stays_on_the_page(at):
    diverge(at)
    assert any(e.startswith("Training diverged") for e in errors(at))


# ---------------------------------------------------------------------------- predict, export


def test_predict_tab_shows_the_networks_prediction(at):
    open_tab(at, "Predict")
    untrained = float(metric(at, "Predicted test_score"))
    step_n(at, 100)
    ex = explorer(at)
    shown = float(metric(at, "Predicted test_score"))
    expected = float(ex.predict_row([4, 8])[0])  # the predict row (4, 8) is the default input
    assert 50 < expected <= 100
    assert shown != untrained
    assert shown == pytest.approx(expected, rel=1e-3)  # shown with 4 significant digits
    at.number_input(key="pred_in_0").set_value(1.0)
    at.number_input(key="pred_in_1").set_value(5.0)
    click(at, "FormSubmitter:predict_form-Predict")
    assert float(metric(at, "Predicted test_score")) == pytest.approx(
        float(ex.predict_row([1, 5])[0]), rel=1e-3
    )


def test_downloads_load_back_to_the_live_network(at, downloads):
    step_n(at)
    ex = explorer(at)
    X = ex.data.X_all()
    live = ex.network.forward(X)
    table_csv = {b.key: b for b in at.get("download_button")}["download_csv"]  # the Data tab
    open_tab(at, "Export / share")
    buttons = {b.key: b for b in at.get("download_button")}
    assert {"dl_txt", "dl_npz", "dl_json", "dl_loss", "dl_script"} <= set(buttons)
    assert "download_csv" not in buttons  # only the open tab is built
    for key, name in (("dl_json", "m.json"), ("dl_npz", "m.npz"), ("dl_txt", "m.zip")):
        data = downloads[buttons[key].proto.url]
        bundle = export.load_model(data, name)
        np.testing.assert_allclose(bundle.network.forward(X), live, rtol=1e-12, err_msg=key)
        if bundle.scaler is not None:
            np.testing.assert_allclose(
                bundle.scaler.transform_X(ex.table[list(ex.data.inputs)].to_numpy(float)), X
            )
    bundle = export.load_model(downloads[buttons["dl_json"].proto.url], "m.json")
    assert bundle.iteration == 10
    assert bundle.inputs == ["hours_studied", "hours_slept"]
    assert bundle.targets == ["test_score"]
    history = pd.read_csv(io.BytesIO(downloads[buttons["dl_loss"].proto.url]))
    assert list(history["iteration"]) == list(range(10))
    table = read_csv_table(io.BytesIO(downloads[table_csv.proto.url]))
    pd.testing.assert_frame_equal(
        table.reset_index(drop=True), at.session_state["table"], check_dtype=False
    )


def test_model_upload(at):
    open_tab(at, "Export / share")
    before = params(at)
    bad = export.to_json(Network([3, 2, 1], seed=1))
    run(
        at.file_uploader(key="upload_model").set_value(
            ("bad.json", bad.encode(), "application/json")
        )
    )
    assert any(t.startswith("Model not loaded") and "3 inputs" in t for t in toasts(at))
    np.testing.assert_array_equal(params(at), before)
    src = Explorer()
    src.step(200)
    good = export.to_json(src.network, scaler=src.data.scaler, iteration=200)
    # the uploader starts empty after each file it read (under its next key)
    run(
        at.file_uploader(key="upload_model_1").set_value(
            ("m.json", good.encode(), "application/json")
        )
    )
    np.testing.assert_array_equal(params(at), src.network.params)
    assert any("m.json" in t for t in toasts(at))
    click(at, "step")
    assert iteration(at) == 1


# ---------------------------------------------------------------------------- replay and tools


def test_replay_shows_a_snapshot_and_continues_from_it(at):
    step_n(at)
    live = params(at)
    click(at, "replay")
    assert iteration(at) == 10  # the replay starts at the latest snapshot
    click(at, "back_to_start")
    assert iteration(at) == 0  # every view shows the initial weights …
    assert explorer(at).trainer.iteration == 10  # … and the live run is untouched
    np.testing.assert_array_equal(params(at), live)
    run(at.select_slider(key="replay_at").set_value(4))
    assert iteration(at) == 4
    snapshot = explorer(at).trainer.history.snapshot_params(4)[1]
    click(at, "continue_here")
    assert at.session_state["replay_index"] is None
    assert explorer(at).trainer.iteration == iteration(at) == 4
    np.testing.assert_array_equal(params(at), snapshot)


def test_play_while_replaying_trains_or_is_disabled(at):
    step_n(at)
    click(at, "replay")
    if at.button(key="play").disabled:
        return
    click(at, "play")
    assert at.session_state["replay_index"] is None
    assert iteration(at) > 10


def test_gradient_check_weight_edit_and_kept_runs(at):
    open_tab(at, "Check & edit")
    click(at, "run_gradcheck")
    assert any("Backprop is the exact derivative" in s.value for s in at.success)
    at.number_input(key="edit_value").set_value(5.0)
    click(at, "set_weight")
    assert explorer(at).network.weights[0][0, 0] == 5.0
    assert any("set to 5" in t for t in toasts(at))
    step_n(at)
    initial = explorer(at).trainer.history.snapshot_params(0)[1]
    open_tab(at, "Compare runs")
    click(at, "keep_run")
    assert len(at.session_state["runs"]) == 1
    assert iteration(at) == 0  # a new run from the kept run's initial weights
    np.testing.assert_array_equal(params(at), initial)
