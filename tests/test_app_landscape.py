"""The Loss landscape tab through AppTest: computed on request, never on a rerun by itself.

The figure is read back from the page and compared with the network's own loss: the
grid's centre (0, 0) is the current weights, so its value is the training loss.
"""

from __future__ import annotations

import numpy as np
from conftest import (
    array,
    click,
    explorer,
    figure,
    infos,
    metric,
    open_tab,
    run,
    shown_text,
    step_n,
    trace_named,
)

from nnviz.app.views.landscape import stamp
from nnviz.charts.landscape import NOW_NAME, PATH_NAME

RESULT = "_landscape"


def captions(at) -> list[str]:
    return [shown_text(c.value) for c in at.caption]


def shown_grid(at) -> np.ndarray:
    """The loss on the page's grid (the hover's values: the loss itself, not its colour)."""
    return array(trace_named(figure(at, "landscape_chart"), "loss")["customdata"])


def train_loss(at) -> float:
    ex = explorer(at)
    return float(ex.network.loss(ex.data.X_train, ex.data.y_train, ex.trainer.loss_name))


def test_the_landscape_is_computed_when_the_tab_opens_and_centred_on_the_training_loss(at):
    step_n(at, 10)
    step_n(at, 10)
    assert RESULT not in at.session_state  # nothing is computed before the tab opens
    open_tab(at, "Loss landscape")
    result = at.session_state[RESULT]
    assert result.stamp == stamp(explorer(at)) and result.directions == "pca"
    grid = shown_grid(at)
    assert grid.shape == (21, 21)
    loss = train_loss(at)
    assert result.center_loss == loss  # exactly: (0, 0) is the current weights
    assert grid[10, 10] == np.float32(loss)
    assert metric(at, "Loss at (0, 0)") == f"{loss:.4g}"
    fig = figure(at, "landscape_chart")
    now = trace_named(fig, NOW_NAME)
    assert list(array(now["x"])) == [0.0] and list(array(now["y"])) == [0.0]
    path = trace_named(fig, PATH_NAME)  # every recorded snapshot, ending at (0, 0)
    its = array(path["customdata"])[:, 0]
    np.testing.assert_array_equal(its, np.arange(21))
    assert list(array(path["x"])[-1:]) == [0.0] and list(array(path["y"])[-1:]) == [0.0]
    assert any(
        "directions in parameter space in which the run moved most" in c
        and "(0, 0) is the current weights" in c
        for c in captions(at)
    )
    assert not any("Recompute" in i for i in infos(at))


def test_a_rerun_keeps_the_landscape_and_says_when_it_is_out_of_date(at):
    step_n(at, 10)
    open_tab(at, "Loss landscape")
    before = at.session_state[RESULT]
    click(at, "step")  # the run moves on: a rerun, no new landscape
    assert at.session_state[RESULT] is before and before.stamp.iteration == 10
    assert any(
        "computed at iteration 10; the network shown is at iteration 11" in i and "Recompute" in i
        for i in infos(at)
    )
    np.testing.assert_array_equal(shown_grid(at), before.landscape.loss.astype(np.float32))
    click(at, "landscape_recompute")
    after = at.session_state[RESULT]
    assert after is not before and after.stamp.iteration == 11
    assert not any("Recompute" in i for i in infos(at))
    assert shown_grid(at)[10, 10] == np.float32(train_loss(at))
    click(at, "reset")  # the same run from its start
    assert any("the network shown is at iteration 0" in i for i in infos(at))
    click(at, "new_seed")  # another run: said so
    assert any("computed for another run" in i for i in infos(at))


def test_resolution_and_directions_recompute_it(at):
    step_n(at, 10)
    open_tab(at, "Loss landscape")
    run(at.selectbox(key="landscape_resolution").set_value(11))
    assert shown_grid(at).shape == (11, 11) and at.session_state[RESULT].resolution == 11
    assert shown_grid(at)[5, 5] == np.float32(train_loss(at))
    at.session_state["landscape_directions"] = "random"
    click(at, "landscape_recompute")
    result = at.session_state[RESULT]
    assert result.directions == "random"
    names = [t.get("name") for t in figure(at, "landscape_chart")["data"]]
    assert PATH_NAME not in names and NOW_NAME in names
    assert any("random directions" in c and "path is not drawn" in c for c in captions(at))
    assert shown_grid(at)[5, 5] == np.float32(train_loss(at))
    run(at.toggle(key="landscape_3d").set_value(True))
    fig = figure(at, "landscape_chart")
    assert trace_named(fig, "loss")["type"] == "surface"
    assert at.session_state[RESULT] is result  # drawing it in 3-D computes nothing


def test_before_training_it_falls_back_to_random_directions(at):
    open_tab(at, "Loss landscape")
    result = at.session_state[RESULT]
    assert result.asked == "pca" and result.directions == "random"
    assert any("at least 3 recorded steps" in c for c in captions(at))
    assert shown_grid(at)[10, 10] == np.float32(train_loss(at))


def test_a_replayed_snapshot_gets_the_landscape_around_its_weights(at):
    for _ in range(3):
        step_n(at, 10)
    click(at, "replay")
    run(at.select_slider(key="replay_at").set_value(12))
    open_tab(at, "Loss landscape")
    result = at.session_state[RESULT]
    assert result.stamp.iteration == 12
    ex = explorer(at)
    _, W, b = ex.trainer.history.snapshot_at(12)
    net = ex.network.copy()
    net.weights, net.biases = W, b
    loss = float(net.loss(ex.data.X_train, ex.data.y_train, ex.trainer.loss_name))
    assert result.center_loss == loss and loss != train_loss(at)
    path = trace_named(figure(at, "landscape_chart"), PATH_NAME)
    np.testing.assert_array_equal(array(path["customdata"])[:, 0], np.arange(13))  # up to 12
    assert ex.trainer.iteration == 30  # the live run is untouched
