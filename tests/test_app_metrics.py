"""The Metrics tab through AppTest: the confusion matrices and scores on the page are
``nnviz.metrics`` of the session's network, split by split."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import (
    array,
    click,
    explorer,
    figure,
    metric,
    open_tab,
    run,
    shown_text,
    step_n,
    trace_named,
)

from nnviz import metrics
from nnviz.data import PRESETS


def confusion_on_page(at, split: str) -> tuple[np.ndarray, list[str], dict]:
    fig = figure(at, f"confusion_{split}")
    (hm,) = fig["data"]
    counts = np.array([[int(t) for t in row] for row in hm["text"]])
    return counts, hm["x"], fig


def per_class_on_page(at):
    tables = [d for d in at.dataframe if "class" in d.value.columns]
    assert len(tables) == 1
    return tables[0].value


def test_binary_confusion_matrices_count_every_row_as_nnviz_metrics_does(at):
    run(at.selectbox(key="dataset").set_value("xor"))
    step_n(at, 100)
    open_tab(at, "Metrics")
    ex = explorer(at)
    d = ex.data
    for split, X, Y in (("train", d.X_train, d.y_train), ("test", d.X_test, d.y_test)):
        counts, names, fig = confusion_on_page(at, split)
        assert names == ["0", "1"]  # the label column's values
        assert counts.sum() == len(X)  # every row, once
        A = ex.network.forward(X)
        np.testing.assert_array_equal(counts, metrics.confusion_matrix(Y, A))
        np.testing.assert_array_equal(counts.sum(axis=1), [np.sum(Y == 0), np.sum(Y == 1)])
        right = np.trace(counts) / counts.sum()
        assert right == ex.trainer.accuracy(X, Y)  # the accuracy shown above the tabs
        assert fig["layout"]["title"]["text"].endswith(f"{right:.0%} right")
    shown = per_class_on_page(at)
    assert list(shown["class"]) == ["0", "1"]
    acc = metrics.per_class_accuracy(d.y_test, ex.network.forward(d.X_test))
    assert list(shown["test right"]) == [f"{v:.0%}" for v in acc]
    assert list(shown["train rows"]) == [int(np.sum(d.y_train == 0)), int(np.sum(d.y_train == 1))]


def test_three_classes_are_named_by_the_data_and_follow_training(at):
    run(at.selectbox(key="dataset").set_value("blobs3"))
    open_tab(at, "Metrics")
    ex = explorer(at)
    counts, names, _ = confusion_on_page(at, "train")
    assert names == [str(c) for c in ex.data.classes] == ["0", "1", "2"]
    before = counts
    assert counts.sum() == len(ex.data.X_train)
    step_n(at, 100)
    counts, _, _ = confusion_on_page(at, "train")
    np.testing.assert_array_equal(
        counts, metrics.confusion_matrix(ex.data.y_train, ex.network.forward(ex.data.X_train))
    )
    assert np.trace(counts) > np.trace(before)  # more rows on the diagonal after training


def test_regression_scores_in_the_tables_units_and_predicted_against_actual(at):
    run(at.selectbox(key="dataset").set_value("sine"))
    step_n(at, 100)
    open_tab(at, "Metrics")
    ex = explorer(at)
    d, inv = ex.data, ex.data.scaler.inverse_y
    for split, X, Y in (("train", d.X_train, d.y_train), ("test", d.X_test, d.y_test)):
        A = ex.network.forward(X)
        target = d.targets[0]
        assert metric(at, f"R² ({split})") == f"{metrics.r2_score(Y, A, inverse=inv):.3f}"
        assert metric(at, f"RMSE ({split}, {target})") == f"{metrics.rmse(Y, A, inverse=inv):.4g}"
    fig = figure(at, "metrics_scatter")
    train = trace_named(fig, "train")
    np.testing.assert_allclose(array(train["x"]), inv(d.y_train)[:, 0])
    np.testing.assert_allclose(array(train["y"]), inv(ex.network.forward(d.X_train))[:, 0])
    assert len(array(trace_named(fig, "test")["x"])) == len(d.X_test)
    # the RMSE above the tabs (3 significant digits) is the same number
    rmse = metrics.rmse(d.y_train, ex.network.forward(d.X_train), inverse=inv)
    assert float(metric(at, "RMSE train")) == pytest.approx(rmse, rel=5e-3)


def test_exam_scores_have_no_test_rows_and_the_tab_says_so(at):
    step_n(at, 100)
    open_tab(at, "Metrics")
    ex = explorer(at)
    r2 = metrics.r2_score(
        ex.data.y_train, ex.network.forward(ex.data.X_train), inverse=ex.data.scaler.inverse_y
    )
    assert metric(at, "R² (train)") == f"{r2:.3f}"
    assert not [m for m in at.metric if "test" in m.label and "R²" in m.label]
    assert any("No test rows" in c.value for c in at.caption)


def test_metrics_follow_a_replayed_snapshot(at):
    run(at.selectbox(key="dataset").set_value("xor"))
    step_n(at, 100)
    click(at, "replay")
    run(at.select_slider(key="replay_at").set_value(0))
    open_tab(at, "Metrics")
    ex = explorer(at)
    _, W, b = ex.trainer.history.snapshot_at(0)
    net = ex.network.copy()
    net.weights, net.biases = W, b
    counts, _, _ = confusion_on_page(at, "train")
    np.testing.assert_array_equal(
        counts, metrics.confusion_matrix(ex.data.y_train, net.forward(ex.data.X_train))
    )
    live = metrics.confusion_matrix(ex.data.y_train, ex.network.forward(ex.data.X_train))
    assert not np.array_equal(counts, live)


@pytest.mark.parametrize(
    "query",
    [{"dataset": name} for name in PRESETS]
    + [{"dataset": "xor", "hidden": "0"}, {"dataset": "spiral", "hidden": "8-8-8-8-8-8"}],
)
def test_lessons_landscape_and_metrics_draw_for_every_data_set(new_app, query):
    at = new_app(query)
    step_n(at, 10)
    for tab, key in (("Metrics", None), ("Loss landscape", "landscape_chart"), ("Lessons", None)):
        open_tab(at, tab)  # run() fails on any exception in the page
        if key:
            assert figure(at, key)["data"]
    ex = explorer(at)
    if ex.network.n_layers != 2:  # the lessons say why they show no matrices
        assert any("one hidden layer" in shown_text(w.value) for w in at.warning)
