"""Tests of nnviz.app.views: every figure the app shows, built from an Explorer, no browser.

Expected values (grids, predictions in the user's units) are computed here from the
table and the network, independently of the chart code.
"""

from __future__ import annotations

import functools
import json
from dataclasses import replace

import numpy as np
import plotly.graph_objects as go
import pytest

from nnviz.app import views
from nnviz.app.explorer import Explorer, Settings
from nnviz.data import PRESETS

TWO_INPUTS = [n for n, p in PRESETS.items() if len(p.inputs) == 2]


@functools.cache
def trained(name: str, steps: int = 20) -> Explorer:
    """A trained explorer per preset (shared: tests must not change it)."""
    ex = Explorer(settings=Settings.for_preset(name))
    ex.step(steps)
    return ex


def strict_json(fig: go.Figure) -> dict:
    """The figure as the browser gets it; NaN/Infinity are not JSON and would break it."""
    assert isinstance(fig, go.Figure)

    def reject(token):
        raise ValueError(f"{token} in the figure's JSON")

    return json.loads(fig.to_json(), parse_constant=reject)


def figures(ex: Explorer) -> dict:
    figs = {
        "loss": views.loss_view(ex),
        "loss_log": views.loss_view(ex, log_y=True),
        "diagram": views.diagram_view(ex),
        "diagram_no_row": views.diagram_view(ex, row=None),
        "heatmaps": views.heatmaps_view(ex),
        "animation": views.animation_view(ex),
    }
    if views.has_plane(ex):
        figs["plane"] = views.plane_view(ex)
        figs["plane_discrete"] = views.plane_view(ex, discretize=True)
        figs["thumbnails"] = views.thumbnails_view(ex)
    if ex.task == "regression":
        figs["fit"] = views.fit_view(ex)
    return figs


# ---------------------------------------------------------------------------- every view


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_view_serializes_for_every_preset(name):
    ex = trained(name)
    figs = figures(ex)
    expected = {"loss", "loss_log", "diagram", "diagram_no_row", "heatmaps", "animation"}
    if len(PRESETS[name].inputs) == 2:
        expected |= {"plane", "plane_discrete", "thumbnails"}
    if PRESETS[name].task == "regression":
        expected.add("fit")
    assert set(figs) == expected
    for key, fig in figs.items():
        doc = strict_json(fig)
        assert doc["data"], key  # something is drawn


def test_views_of_an_untrained_network_serialize():
    ex = Explorer()
    for key, fig in figures(ex).items():
        strict_json(fig)
        if key == "animation":
            assert len(fig.frames) == 1 and fig.frames[0].name == "0"


def test_views_of_a_diverged_network_serialize():
    ex = Explorer(settings=Settings.for_preset("plane", activation="relu", learning_rate=10.0))
    with np.errstate(all="ignore"):
        ex.step(100)
        assert ex.error.startswith("Training diverged")
        for fig in figures(ex).values():
            strict_json(fig)  # huge outputs become null, not Infinity


@pytest.mark.parametrize("name", list(PRESETS))
def test_has_plane_means_two_inputs(name):
    ex = trained(name)
    assert views.has_plane(ex) == (ex.data.n_inputs == 2)
    assert views.has_plane(ex) == (name not in ("three_bits", "sine", "digits"))


def test_no_plane_for_three_bits_and_sine():
    assert not views.has_plane(trained("three_bits"))
    assert not views.has_plane(trained("sine"))


# ---------------------------------------------------------------------------- diagram


def node_names(fig: go.Figure) -> list:
    (nodes,) = [t for t in fig.data if t.name == "nodes"]
    return list(nodes.text)


@pytest.mark.parametrize("name", list(PRESETS))
def test_diagram_nodes_are_named_after_the_columns(name):
    ex = trained(name)
    fig = views.diagram_view(ex)
    names = node_names(fig)
    sizes = ex.network.layer_sizes
    assert len(names) == sum(sizes)
    p = PRESETS[name]
    assert names[: sizes[0]] == list(p.inputs)
    if name == "blobs3":
        assert names[-sizes[-1] :] == ["0", "1", "2"]  # one output per class
    elif name == "digits":
        assert names[-sizes[-1] :] == [str(k) for k in range(10)]
    else:
        assert names[-sizes[-1] :] == list(p.targets)
    assert names[sizes[0]] == "h1.1"
    # the labels drawn beside the nodes are the same names
    texts = {a.text for a in fig.layout.annotations}
    assert set(p.inputs) <= texts


def test_diagram_names_follow_a_change_of_columns():
    ex = Explorer()
    ex.update(ex.table, replace(ex.settings, inputs=("hours_slept",)))
    assert node_names(views.diagram_view(ex)) == [
        "hours_slept",
        "h1.1",
        "h1.2",
        "h1.3",
        "test_score",
    ]


def test_diagram_node_colours_are_the_rows_activations():
    ex = trained("exam_scores")
    fig = views.diagram_view(ex, row=1)
    (nodes,) = [t for t in fig.data if t.name == "nodes"]
    x = ex.data.X_all()[1:2]
    expected = np.concatenate([x[0]] + [A[0] for A in ex.network.forward_layers(x)])
    np.testing.assert_allclose(np.asarray(nodes.marker.color, dtype=float), expected, rtol=1e-6)
    assert "row 1" in fig.layout.title.text


# ---------------------------------------------------------------------------- animation


@pytest.mark.parametrize("name", ["exam_scores", "blobs3"])
def test_animation_spans_the_run_in_at_most_200_frames(name):
    ex = Explorer(settings=Settings.for_preset(name))
    ex.step(500)
    fig = views.animation_view(ex)
    names = [f.name for f in fig.frames]
    assert 2 <= len(names) <= 200
    assert names[0] == "0"
    assert names[-1] == str(ex.trainer.iteration) == "500"
    its = [int(n) for n in names]
    assert its == sorted(set(its))  # in order, no repeats
    steps = fig.layout.sliders[0].steps
    assert [s.label for s in steps] == names
    # every frame carries all traces (Plotly animates trace by trace)
    assert all(len(f.data) == len(fig.data) for f in fig.frames)


def test_short_run_animates_every_step():
    ex = Explorer()
    ex.step(30)
    names = [f.name for f in views.animation_view(ex).frames]
    assert names == [str(i) for i in range(31)]


def test_long_run_animation_still_ends_at_the_current_iteration():
    ex = Explorer()
    ex.step(3000)  # more steps than the history keeps snapshots of
    names = [f.name for f in views.animation_view(ex).frames]
    assert len(names) <= 200
    assert (names[0], names[-1]) == ("0", "3000")


# ---------------------------------------------------------------------------- loss


def test_loss_view_ends_at_the_last_recorded_step():
    ex = Explorer()
    ex.step(500)
    fig = views.loss_view(ex)
    train = fig.data[0]
    assert train.x[0] == 0
    assert train.x[-1] == ex.trainer.iteration - 1 == 499
    # the loss of step k is measured before its update: train.y[-1] is step 499's
    np.testing.assert_allclose(train.y[-1], ex.trainer.history.train_loss[-1])
    assert len(fig.data) == 1  # exam_scores has no test rows: no test line
    assert not fig.layout.shapes  # no events yet


def test_loss_view_has_a_test_line_when_there_are_test_rows():
    fig = views.loss_view(trained("xor"))
    assert [t.name for t in fig.data] == ["train", "test"]
    assert fig.data[1].x[-1] == trained("xor").trainer.iteration - 1


def test_learning_rate_change_is_marked_on_the_loss_curve():
    ex = Explorer()
    ex.step(200)
    ex.update(ex.table, replace(ex.settings, learning_rate=0.3))
    ex.step(100)
    fig = views.loss_view(ex)
    assert fig.data[0].x[-1] == 299
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert [(s.x0, s.x1) for s in lines] == [(200, 200)]
    texts = [a.text for a in fig.layout.annotations]
    assert any("η" in t and "0.3" in t for t in texts), texts


def test_loss_view_of_an_untrained_network_shows_its_initial_loss():
    ex = Explorer()
    fig = views.loss_view(ex)
    assert list(fig.data[0].x) == [0]
    assert fig.data[0].y[0] == ex.metrics().train_loss
    assert fig.data[0].mode == "markers"  # one point: a line would not show


def test_loss_view_switches_to_log_once_the_loss_spans_two_decades():
    ex = Explorer()
    assert views.loss_view(ex).layout.yaxis.type != "log"
    ex.step(3000)
    h = ex.trainer.history
    assert h.train_loss.max() > 100 * h.train_loss.min()
    assert views.loss_view(ex).layout.yaxis.type == "log"
    assert views.loss_view(ex, log_y=False).layout.yaxis.type != "log"


# ---------------------------------------------------------------------------- plane


def heatmap(fig: go.Figure) -> go.Heatmap:
    (h,) = [t for t in fig.data if t.type == "heatmap" and t.name == "output"]
    return h


def expected_grid(ex: Explorer, columns, resolution):
    """The plane's axes from the table by hand: every row's range plus 10 % each side."""
    raw = ex.table[list(columns)].to_numpy(float)
    lo, hi = raw.min(axis=0), raw.max(axis=0)
    pad = (hi - lo) * 0.1
    xs = np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution)
    ys = np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.column_stack([gx.ravel(), gy.ravel()])


def test_plane_heatmap_is_the_regression_output_in_user_units():
    ex = Explorer(settings=Settings.for_preset("plane"))
    ex.step(200)
    res = 30
    h = heatmap(views.plane_view(ex, resolution=res))
    xs, ys, grid = expected_grid(ex, ("x1", "x2"), res)
    np.testing.assert_allclose(np.asarray(h.x, float), xs)
    np.testing.assert_allclose(np.asarray(h.y, float), ys)
    z = ex.network.forward(grid)[:, 0].reshape(res, res)  # plane: scaling 'none'
    np.testing.assert_allclose(np.asarray(h.z, float), z, rtol=1e-9, atol=1e-12)


def test_exam_scores_plane_shows_points_not_fractions():
    ex = Explorer()
    ex.step(200)
    res = 25
    h = heatmap(views.plane_view(ex, resolution=res))
    _, _, grid = expected_grid(ex, ("hours_studied", "hours_slept"), res)
    z = ex.network.forward(grid / np.array([3.0, 9.0]))[:, 0].reshape(res, res) * 100
    np.testing.assert_allclose(np.asarray(h.z, float), z, rtol=1e-9)
    assert np.asarray(h.z, float).max() > 10  # test-score points


def test_classification_plane_shows_the_output_probability():
    ex = trained("xor")
    res = 20
    fig = views.plane_view(ex, resolution=res)
    h = heatmap(fig)
    _, _, grid = expected_grid(ex, ("x1", "x2"), res)
    z = ex.network.forward(grid)[:, 0].reshape(res, res)
    np.testing.assert_allclose(np.asarray(h.z, float), z, rtol=1e-9)
    discrete = heatmap(views.plane_view(ex, resolution=res, discretize=True))
    np.testing.assert_array_equal(np.asarray(discrete.z, float), np.where(z >= 0.5, 1.0, 0.0))


def test_plane_points_are_the_table_rows():
    ex = trained("xor")
    fig = views.plane_view(ex, resolution=10)
    points = [t for t in fig.data if t.type == "scatter"]
    n = sum(len(t.x) for t in points)
    assert n == len(ex.table)
    xs = np.sort(np.concatenate([np.asarray(t.x, float) for t in points]))
    np.testing.assert_allclose(xs, np.sort(ex.table["x1"].to_numpy(float)))


def test_thumbnails_have_one_heatmap_per_neuron():
    ex = trained("xor")
    fig = views.thumbnails_view(ex)
    sizes = ex.network.layer_sizes
    maps = [t for t in fig.data if t.type == "heatmap"]
    assert len(maps) == len(sizes) - 1  # one mosaic per layer
    # every neuron has its map, the output named after the target column
    assert sum(len(set(np.asarray(t.customdata).ravel()) - {-1}) for t in maps) == sum(sizes[1:])
    assert "label" in set(np.asarray(maps[-1].text).ravel())


def test_fit_view_plots_prediction_against_target_in_points():
    ex = trained("exam_scores", 100)
    fig = views.fit_view(ex)
    points = [t for t in fig.data if t.mode == "markers"]
    xs = np.concatenate([np.asarray(t.x, float) for t in points])
    ys = np.concatenate([np.asarray(t.y, float) for t in points])
    order = np.argsort(xs)
    np.testing.assert_allclose(
        xs[order], np.sort([92.0, 86.0, 89.0])
    )  # the predict row is left out
    pred = ex.predictions()["prediction"].to_numpy()[:3]
    np.testing.assert_allclose(np.sort(ys), np.sort(pred))


def test_gradient_and_change_heatmaps_hold_the_real_numbers():
    ex = Explorer(None, Settings.for_preset("xor"))
    ex.step(30)
    trace = ex.trainer.trace()
    grads = views.gradient_heatmaps_view(ex)
    W_traces = [t for t in grads.data if t.type == "heatmap" and np.shape(t.z)[0] > 1]
    assert len(W_traces) >= 1
    np.testing.assert_allclose(
        np.asarray(W_traces[0].z, dtype=float), trace.backprop.layers[0].dW, rtol=1e-6
    )
    change = views.change_heatmaps_view(ex)
    its = ex.trainer.history.snapshot_iterations
    _, W_before, _ = ex.trainer.history.snapshot(len(its) - 2)
    C = [t for t in change.data if t.type == "heatmap" and np.shape(t.z)[0] > 1]
    np.testing.assert_allclose(
        np.asarray(C[0].z, dtype=float), ex.network.weights[0] - W_before[0], rtol=1e-6, atol=1e-12
    )
    assert "iteration 29 to 30" in change.layout.title.text


def test_curve_view_draws_the_network_over_its_one_input():
    ex = Explorer(None, Settings.for_preset("sine"))
    ex.step(200)
    assert views.has_curve(ex) and not views.has_plane(ex)
    fig = views.curve_view(ex, points=50)
    line = fig.data[0]
    x = np.asarray(line.x, dtype=float)
    expected = ex.data.scaler.inverse_y(
        ex.network.forward(ex.data.scaler.transform_X(x.reshape(-1, 1)))
    )[:, 0]
    np.testing.assert_allclose(np.asarray(line.y, dtype=float), expected, rtol=1e-12)
    names = [t.name for t in fig.data]
    assert names[:3] == ["network", "train", "test"]
    n_rows = sum(len(t.x) for t in fig.data[1:])
    assert n_rows == len(ex.table)


@pytest.mark.parametrize(
    "name, hidden", [("xor", (4,)), ("blobs3", (8,) * 6), ("spiral", (8,) * 6), ("circle", ())]
)
def test_the_neuron_maps_fit_their_column_side_by_side(name, hidden):
    ex = Explorer(settings=Settings.for_preset(name, hidden=hidden))
    fig = views.thumbnails_view(ex, resolution=8)
    assert fig.layout.width <= views.THUMBS_WIDTH, (fig.layout.width, ex.network.layer_sizes)
    assert views.thumbnail_px(ex) >= views.THUMB_PX[0]
