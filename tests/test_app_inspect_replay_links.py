"""The app's deeper features through AppTest, checked against the core's own numbers.

The backprop inspector, replay, kept runs, links (URL parameters, bad ones, classroom
mode), editing one weight and the gradient check. Each figure is read back from the
page (its Plotly JSON) and compared with what ``nnviz`` computes on its own, so a
view that shows the wrong state fails. Fixtures and helpers: ``conftest.py``.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace
from urllib.parse import parse_qsl, urlsplit

import numpy as np
import pandas as pd
from conftest import (
    array,
    click,
    errors,
    explorer,
    figure,
    infos,
    iteration,
    metric,
    open_tab,
    params,
    run,
    shown_text,
    step_n,
    title,
    toasts,
    trace_named,
    warnings,
)

from nnviz.app.explorer import Explorer, Settings
from nnviz.app.inspector import inspect_step
from nnviz.app.urlstate import read_link
from nnviz.gradcheck import gradient_details
from nnviz.ui.live import short


def flat(arrays) -> np.ndarray:
    return np.concatenate([np.asarray(a, dtype=float).ravel() for a in arrays])


def f32(arrays) -> np.ndarray:
    """What a diagram's hover carries: the values as float32."""
    return flat(arrays).astype(np.float32)


def widget_keys(at) -> set:
    kinds = (
        "button",
        "checkbox",
        "multiselect",
        "number_input",
        "select_slider",
        "selectbox",
        "slider",
        "text_input",
        "toggle",
    )
    return {w.key for kind in kinds for w in at.get(kind)}


# ---------------------------------------------------------------------------- 1 inspector


def test_inspector_shows_the_cores_numbers_step_by_step(at):
    run(at.selectbox(key="dataset").set_value("three_bits"))  # biases, 3-5-1, 6 rows
    step_n(at, 10)
    ex = explorer(at)
    assert ex.network.bias and ex.trainer.iteration == 10
    # the app's run is the core's run: a pure Explorer stepped as often has its weights
    ref = Explorer(at.session_state["table"], ex.settings)
    ref.step(10)
    np.testing.assert_array_equal(params(at), ref.network.params)
    open_tab(at, "Backprop inspector")
    steps = inspect_step(ex.trainer.trace(), bias=ex.network.bias)
    L = ex.network.n_layers
    where = {(s.phase, s.layer, s.quantity): k for k, s in enumerate(steps)}
    assert len(steps) == 2 * L + 1 + 5 * L + 2 * L  # forward, loss, backward, update
    assert at.slider(key="inspector_step").max == len(steps)  # steps are numbered from 1

    def shown(k: int):
        fig = figure(at, "inspector_matrix")
        assert title(fig) == steps[k].notation, k
        np.testing.assert_array_equal(array(fig["data"][0]["z"]), np.atleast_2d(steps[k].value))
        return figure(at, "inspector_diagram")

    # forward Z of layer 1 (the first step): the diagram is coloured by weight
    assert at.slider(key="inspector_step").value == 1
    assert at.button(key="inspector_prev").disabled
    diagram = shown(where["forward", 1, "Z"])
    assert title(diagram) == "Edges by weight"
    edges = trace_named(diagram, "edges")
    np.testing.assert_array_equal(array(edges["customdata"]), f32(ex.network.weights))
    assert edges["text"][0].startswith("W1[")

    # backward dW of the output layer: coloured by the gradient, the weight in the hover
    k = where["backward", L, "dW"]
    run(at.slider(key="inspector_step").set_value(k + 1))
    diagram = shown(k)
    assert "dL/dW" in title(diagram)
    edges = trace_named(diagram, "edges")
    hover = array(edges["customdata"])
    np.testing.assert_array_equal(hover[:, 0], f32(steps[k].edge_gradients))
    np.testing.assert_array_equal(hover[:, 1], f32(ex.network.weights))
    assert edges["text"][0].startswith("dL/dW1[") and "W = " in edges["hovertemplate"]
    # only the gradients computed so far, from the output back: dW of the output layer
    dW = [layer.dW for layer in ex.trainer.trace().backprop.layers]
    np.testing.assert_array_equal(steps[k].edge_gradients[-1], dW[-1])
    assert all(not g.any() for g in steps[k].edge_gradients[:-1])

    # Next and Back move one step
    click(at, "inspector_next")
    assert at.slider(key="inspector_step").value == k + 2
    shown(k + 1)
    assert steps[k + 1].quantity == "db"
    click(at, "inspector_prev")
    assert at.slider(key="inspector_step").value == k + 1
    shown(k)

    # update W_new of layer 1: the diagram draws the proposed weights …
    k = where["update", 1, "W_new"]
    run(at.slider(key="inspector_step").set_value(k + 1))
    diagram = shown(k)
    hover = array(trace_named(diagram, "edges")["customdata"])
    W_new = ex.trainer.trace().W_new
    np.testing.assert_array_equal(hover[:, 1], f32(W_new))
    # … which are exactly the weights the next Step makes (nothing was applied before it)
    np.testing.assert_array_equal(params(at), ref.network.params)
    run(at.slider(key="inspector_step").set_value(len(steps)))
    assert at.button(key="inspector_next").disabled
    click(at, "step")
    np.testing.assert_array_equal(flat(explorer(at).network.weights), flat(W_new))


def test_inspector_shows_one_row_of_the_softmax_jacobian(at):
    run(at.selectbox(key="dataset").set_value("blobs3"))
    open_tab(at, "Backprop inspector")
    ex = explorer(at)
    steps = inspect_step(ex.trainer.trace(), bias=ex.network.bias)
    (k,) = [k for k, s in enumerate(steps) if np.ndim(s.value) == 3]  # dA/dZ of softmax
    assert (steps[k].phase, steps[k].layer, steps[k].quantity) == (
        "backward",
        ex.network.n_layers,
        "dAdZ",
    )
    run(at.slider(key="inspector_step").set_value(k + 1))
    for row in (0, 5):
        if row:
            run(at.number_input(key="inspector_row").set_value(row))
        z = array(figure(at, "inspector_matrix")["data"][0]["z"])
        np.testing.assert_array_equal(z, steps[k].value[row])
    assert at.number_input(key="inspector_row").max == steps[k].value.shape[0] - 1


# ---------------------------------------------------------------------------- 2 replay


def test_replay_at_k_shows_snapshot_k_and_continues_from_it(at):
    step_n(at, 100)
    ex = explorer(at)
    live = params(at)
    history = ex.trainer.history
    its = [int(i) for i in history.snapshot_iterations]
    k = 37
    index = its.index(k)
    click(at, "replay")
    assert at.session_state["replay_index"] == len(its) - 1 and iteration(at) == 100
    run(at.select_slider(key="replay_at").set_value(k))
    assert at.session_state["replay_index"] == index
    assert iteration(at) == k
    it, W, b = history.snapshot(index)
    assert it == k
    ref = Explorer()  # the same run, by itself, stopped at k
    ref.step(k)
    np.testing.assert_array_equal(flat(W + b), flat(ref.network.weights + ref.network.biases))

    open_tab(at, "Weights")
    heatmaps = figure(at, "heatmaps_chart")
    assert title(heatmaps) == f"Weights and biases at iteration {k}"
    for layer, (Wl, bl) in enumerate(zip(W, b, strict=True), start=1):
        np.testing.assert_array_equal(array(trace_named(heatmaps, f"W{layer}")["z"]), Wl)
        np.testing.assert_array_equal(array(trace_named(heatmaps, f"b{layer}")["z"]).ravel(), bl)
    diagram = figure(at, "diagram_chart")
    assert title(diagram).startswith(f"Iteration {k} ")
    np.testing.assert_array_equal(array(trace_named(diagram, "edges")["customdata"]), f32(W))
    assert metric(at, "Train loss") == short(ref.metrics().train_loss)
    # the table's prediction column is the network at snapshot k, not the live one
    open_tab(at, "Data")
    shown = at.data_editor(key="table_0").value
    expected = ref.predictions()
    np.testing.assert_allclose(
        shown["prediction"].to_numpy(float), expected["prediction"].to_numpy(float), rtol=1e-12
    )
    assert not np.allclose(
        shown["prediction"].to_numpy(float), ex.predictions()["prediction"].to_numpy(float)
    )
    # the inspector and the gradient check work on the replayed weights too
    open_tab(at, "Backprop inspector")
    assert any("replayed" in c.value and f"iteration {k})" in c.value for c in at.caption)
    np.testing.assert_array_equal(
        array(figure(at, "inspector_matrix")["data"][0]["z"]),
        inspect_step(ref.trainer.trace(), bias=False)[0].value,
    )
    open_tab(at, "Check & edit")
    click(at, "run_gradcheck")
    assert at.session_state["gradcheck"][0] == k
    # … and the live run is untouched
    assert explorer(at) is ex and ex.trainer.iteration == 100
    np.testing.assert_array_equal(params(at), live)

    click(at, "back_to_start")
    assert iteration(at) == 0 and at.select_slider(key="replay_at").value == 0
    open_tab(at, "Weights")
    heatmaps = figure(at, "heatmaps_chart")
    np.testing.assert_array_equal(
        array(trace_named(heatmaps, "W1")["z"]), Explorer().network.weights[0]
    )
    np.testing.assert_array_equal(params(at), live)

    run(at.select_slider(key="replay_at").set_value(k))
    click(at, "continue_here")
    assert at.session_state["replay_index"] is None
    assert explorer(at).trainer.iteration == iteration(at) == k
    np.testing.assert_array_equal(params(at), ref.network.params)
    assert any(f"goes on from iteration {k}" in t for t in toasts(at))
    step_n(at, 10)  # training appends from k, as if the run had stopped there
    ref.step(10)
    h, rh = explorer(at).trainer.history, ref.trainer.history
    assert iteration(at) == k + 10
    np.testing.assert_array_equal(params(at), ref.network.params)
    np.testing.assert_array_equal(h.iterations, rh.iterations)
    np.testing.assert_array_equal(h.train_loss, rh.train_loss)
    assert list(h.snapshot_iterations) == list(range(k + 11))
    assert [e[:2] for e in h.events] == [(k, "continue")]


# ---------------------------------------------------------------------------- 3 compare runs


def test_kept_runs_start_from_the_same_weights_and_compare(at, downloads):
    open_tab(at, "Compare runs")
    initial = params(at)
    step_n(at, 10)
    click(at, "keep_run")
    assert iteration(at) == 0  # a new run from the kept run's initial weights
    np.testing.assert_array_equal(params(at), initial)
    run(at.select_slider(key="learning_rate").set_value(0.3))
    step_n(at, 10)
    click(at, "keep_run")
    a, b = at.session_state["runs"]
    assert (a.name, b.name) == ("run A", "run B")
    np.testing.assert_array_equal(a.initial_params, b.initial_params)
    np.testing.assert_array_equal(a.initial_params, initial)
    assert a.train_loss[0] == b.train_loss[0]  # same weights, same data: same first loss
    assert a.train_loss[-1] != b.train_loss[-1]
    assert (a.settings["learning_rate"], b.settings["learning_rate"]) == (1.0, 0.3)
    assert {k for k in a.settings if a.settings[k] != b.settings[k]} == {"learning_rate"}
    assert any(
        shown_text(c.value).endswith("differ between the kept runs: learning_rate")
        for c in at.caption
    )

    chart = figure(at, "compare_chart")
    for name, record in (("run A", a), ("run B", b)):
        line = trace_named(chart, f"{name} · train")
        np.testing.assert_array_equal(array(line["x"]), record.iterations)
        np.testing.assert_array_equal(array(line["y"]), record.train_loss)
    trace_named(chart, "current · train")
    # st.dataframe without on_select drops its key (empty element id): find it by mode
    (table,) = [d.value for d in at.dataframe if d.editing_mode == "read_only"]
    # the kept runs, then the current one (a fresh run from the same initial weights)
    assert list(table["run"]) == ["run A", "run B", "current"]
    assert list(table["learning rate"]) == [1.0, 0.3, 0.3]
    assert list(table["iterations"]) == [10, 10, 0]
    url = next(d.proto.url for d in at.get("download_button") if d.key == "dl_runs")
    csv = pd.read_csv(io.BytesIO(downloads[url]))
    assert list(csv["run"]) == ["run A", "run B", "current"]
    assert list(csv["learning rate"]) == [1.0, 0.3, 0.3]

    at.multiselect(key="runs_to_remove").select("run A")
    click(at, "remove_runs")
    assert [r.name for r in at.session_state["runs"]] == ["run B"]
    assert at.multiselect(key="runs_to_remove").value == []
    assert [t["name"] for t in figure(at, "compare_chart")["data"]][:1] == ["run B · train"]

    # six more kept runs (copies of run B, by name; keeping each by click is slow) …
    kept = at.session_state["runs"]
    at.session_state["runs"] = kept + [replace(kept[0], name=f"run {c}") for c in "CDEFGH"]
    click(at, "keep_run")  # … and the 8th by click: it takes the first free name
    names = [r.name for r in at.session_state["runs"]]
    assert names == ["run B", "run C", "run D", "run E", "run F", "run G", "run H", "run A"]
    lines = [t["name"] for t in figure(at, "compare_chart")["data"]]
    assert [n for n in lines if n.endswith(" · train")] == [
        f"{n} · train" for n in [*names, "current"]
    ]
    click(at, "keep_run")  # the 9th is refused
    assert len(at.session_state["runs"]) == 8
    assert any("8 runs are kept already" in t for t in toasts(at))


# ---------------------------------------------------------------------------- 4-5 links

LINK = {
    "dataset": "circle",
    "hidden": "5-3",
    "activation": "relu",
    "seed": "7",
    "learning_rate": "0.3",
    "batch_size": "10",
    "steps": "40",
}


def test_a_link_reproduces_the_weights_and_the_losses(new_app):
    first, second = new_app(LINK), new_app(LINK)
    link = read_link(LINK)
    assert link.notes == [] and link.steps == 40
    ref = Explorer(link.table, link.settings)
    ref.step(40)
    for at in (first, second):
        ex = explorer(at)
        s = ex.settings
        assert (s.dataset, s.hidden, s.activation, s.seed, s.learning_rate, s.batch_size) == (
            "circle",
            (5, 3),
            "relu",
            7,
            0.3,
            10,
        )
        assert ex.trainer.learning_rate == 0.3 and ex.trainer.batch_size == 10
        assert iteration(at) == 40
        assert "Trained 40 steps, as the link asks." in infos(at)
        np.testing.assert_array_equal(params(at), ref.network.params)
        np.testing.assert_array_equal(ex.trainer.history.iterations, ref.trainer.history.iterations)
        np.testing.assert_array_equal(ex.trainer.history.train_loss, ref.trainer.history.train_loss)
        np.testing.assert_array_equal(
            ex.trainer.history.snapshot_params(0)[1], ref.trainer.history.snapshot_params(0)[1]
        )
        assert ex.trainer.history.events == []  # nothing changed after the link's steps
    # the address bar holds the settings (the steps were done; they are not repeated) and
    # the run's id in the run store (a reload opens the run itself)
    address = {k: first.query_params[k] for k in first.query_params}
    assert len(address.pop("run")) == 24
    assert address == {k: v for k, v in LINK.items() if k != "steps"}
    # the share panel's link opens the same run
    open_tab(first, "Export / share")
    share = next(c.value for c in first.code if "steps=" in c.value)
    shared = dict(parse_qsl(urlsplit(share).query))
    assert shared == LINK
    third = new_app(shared)
    np.testing.assert_array_equal(params(third), ref.network.params)
    # a changed setting is written back into the URL
    run(first.select_slider(key="learning_rate").set_value(0.03))
    assert first.query_params["learning_rate"] == "0.03"
    assert explorer(first).trainer.learning_rate == 0.03


def test_a_link_learning_rate_off_the_slider_still_reproduces_the_run(new_app):
    query = {"learning_rate": "0.25", "steps": "5"}
    at = new_app(query)
    step_n(at, 10)
    link = read_link(query)
    ref = Explorer(link.table, link.settings)
    ref.step(15)
    ex = explorer(at)
    assert not ex.trainer.history.events, ex.trainer.history.events
    np.testing.assert_array_equal(params(at), ref.network.params)


def test_bad_link_parameters_become_notes_and_the_app_works(new_app):
    at = new_app({"learning_rate": "fast", "hidden": "99", "dataset": "nope", "foo": "1"})
    notes = warnings(at)
    assert len(notes) == 4 and all(n.startswith("Ignored the link's") for n in notes), notes
    for name in ("learning_rate='fast'", "hidden='99'", "dataset='nope'", "parameter 'foo'"):
        assert sum(name in n for n in notes) == 1, (name, notes)
    assert errors(at) == []
    ex = explorer(at)
    assert ex.settings == Settings.for_preset("exam_scores")  # the rest of the link: defaults
    address = {k: at.query_params[k] for k in at.query_params}
    assert len(address.pop("run")) == 24  # the run's id in the run store
    assert address == {"dataset": "exam_scores"}  # the bad parameters are gone
    click(at, "step")
    assert iteration(at) == 1
    assert len(warnings(at)) == 4  # the notes stay until dismissed
    click(at, "dismiss_link_notes")
    assert warnings(at) == []
    assert "dismiss_link_notes" not in widget_keys(at)


# ---------------------------------------------------------------------------- 6 classroom


def test_classroom_link_hides_controls_and_keeps_their_settings(new_app):
    at = new_app(
        {
            "classroom": "1",
            "hide": "loss,optimizer,learning_rate,compare",
            "learning_rate": "0.3",
            "loss": "mse",
            "optimizer": "momentum",
        }
    )
    assert warnings(at) == []
    keys = widget_keys(at)
    assert not keys & {"keep_run", "remove_runs"}  # the hidden Compare tab
    # the fixed settings are shown, read-only, so students see what is set
    assert at.selectbox(key="loss").disabled and at.selectbox(key="loss").value == "mse"
    assert at.selectbox(key="optimizer").disabled
    assert at.select_slider(key="learning_rate").disabled
    assert not at.selectbox(key="activation").disabled
    assert {"activation", "seed", "batch_size", "step"} <= keys
    tabs = [t.label for t in at.tabs]
    assert "Compare runs" not in tabs and "Backprop inspector" in tabs
    assert "run_gradcheck" in widget_keys(open_tab(at, "Check & edit"))
    assert any(i.startswith("Classroom exercise") for i in infos(at))
    assert at.query_params["classroom"] == "1"
    assert at.query_params["hide"] == "compare,learning_rate,loss,optimizer"

    def uses_the_link(at):
        t = explorer(at).trainer
        assert (t.learning_rate, t.loss_name, t.optimizer) == (0.3, "mse", "momentum")

    uses_the_link(at)
    click(at, "step")
    click(at, "step")
    assert iteration(at) == 2
    uses_the_link(at)
    assert explorer(at).trainer.history.events == []  # no setting changed on the way
    run(at.selectbox(key="activation").set_value("tanh"))  # a shown control: a rebuild …
    assert iteration(at) == 0 and explorer(at).settings.activation == "tanh"
    uses_the_link(at)  # … that keeps the hidden settings
    step_n(at, 10)
    assert iteration(at) == 10
    uses_the_link(at)


# ---------------------------------------------------------------------------- 7 weight edit


def test_a_hand_edited_weight_changes_the_prediction(at):
    step_n(at, 10)
    ex = explorer(at)
    before = params(at)
    predicted = metric(open_tab(at, "Predict"), "Predicted test_score")
    column = open_tab(at, "Data").data_editor(key="table_0").value["prediction"].to_numpy(float)
    open_tab(at, "Check & edit")
    at.selectbox(key="edit_layer").set_value(2)
    at.selectbox(key="edit_from").set_value(1)
    at.selectbox(key="edit_to").set_value(0)
    at.number_input(key="edit_value").set_value(-3.5)
    click(at, "set_weight")
    assert ex.network.weights[1][1, 0] == -3.5
    changed = np.flatnonzero(params(at) != before)
    assert len(changed) == 1  # that weight only
    assert iteration(at) == 10
    assert any("W2[1, 0] set to -3.5" in t for t in toasts(at))
    assert any(
        shown_text(c.value).startswith("Now W2[h1.2 → test_score] = -3.5") for c in at.caption
    )
    assert (
        metric(open_tab(at, "Predict"), "Predicted test_score")
        == (f"{ex.predict_row([4, 8])[0]:.4g}")
        != predicted
    )
    now = open_tab(at, "Data").data_editor(key="table_0").value["prediction"].to_numpy(float)
    np.testing.assert_allclose(now, ex.predictions()["prediction"].to_numpy(float), rtol=1e-12)
    assert not np.allclose(now, column)
    assert ex.trainer.history.events[-1] == (10, "edit", "W2[1, 0] = -3.5")
    loss_chart = figure(at, "loss_chart")
    assert any("W2[1, 0] = -3.5" in a.get("text", "") for a in loss_chart["layout"]["annotations"])


def test_setting_a_chosen_weight_without_typing_changes_nothing(at):
    open_tab(at, "Check & edit")
    run(at.selectbox(key="edit_layer").set_value(2))
    run(at.selectbox(key="edit_from").set_value(2))
    W2 = explorer(at).network.weights[1]
    before = params(at)
    assert at.number_input(key="edit_value").value == W2[2, 0]
    click(at, "set_weight")
    np.testing.assert_array_equal(params(at), before)


# ---------------------------------------------------------------------------- 8 gradient check


def test_gradient_check_reports_its_largest_error_and_where(at):
    run(at.selectbox(key="dataset").set_value("xor"))  # biases and two hidden layers
    step_n(at, 10)
    open_tab(at, "Check & edit")
    click(at, "run_gradcheck")
    ex = explorer(at)
    it, result = at.session_state["gradcheck"]
    assert it == 10 and result.max_relative_error < 1e-6
    expected = gradient_details(ex.network, ex.data.X_train, ex.data.y_train, "bce")
    assert expected.where == result.where
    assert re.fullmatch(r"W[1-3]\[\d+, \d+\]|b[1-3]\[\d+\]", result.where)
    (message,) = [shown_text(s.value) for s in at.success]
    assert message.startswith("Iteration 10: largest relative error ")
    found = re.search(r"largest relative error (\S+) at (\S+\[[\d, ]+\])", message)
    assert found and float(found[1]) < 1e-6 and found[2] == result.where
    assert f"backprop {result.analytic:.6g}, numerical {result.numeric:.6g}" in message
    assert "Backprop is the exact derivative." in message


def test_a_tabs_choices_survive_a_visit_to_another_tab(at):
    """Only the open tab is built, so its widgets are not drawn while another tab is
    open: what was chosen in them is kept for when the tab opens again."""
    open_tab(at, "Backprop inspector")
    run(at.slider(key="inspector_step").set_value(7))
    open_tab(at, "Weights")
    run(at.segmented_control(key="weights_view").set_value("change"))
    open_tab(at, "Check & edit")
    run(at.selectbox(key="edit_layer").set_value(2))
    run(at.selectbox(key="edit_from").set_value(1))
    open_tab(at, "Data")
    step_n(at, 10)  # and the run goes on meanwhile
    open_tab(at, "Backprop inspector")
    assert at.slider(key="inspector_step").value == 7
    open_tab(at, "Weights")
    assert at.segmented_control(key="weights_view").value == "change"
    open_tab(at, "Check & edit")
    assert at.selectbox(key="edit_layer").value == 2
    assert at.selectbox(key="edit_from").value == 1
