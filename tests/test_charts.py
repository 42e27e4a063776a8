"""Tests for nnviz.charts: every builder returns a serializable go.Figure with the right content.

No browser: the figures' data is checked directly (values, labels, trace layout,
frames). Small real networks and trainers provide the numbers.
"""

from __future__ import annotations

import ast
import json
import math
import re
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest

import nnviz
from nnviz import charts
from nnviz.charts import diagram as D
from nnviz.charts._style import fmt3
from nnviz.thinning import downsample_indices

CHARTS_DIR = Path(charts.__file__).parent
BLUE_RGB = "rgba(8,119,189"
ORANGE_RGB = "rgba(245,147,34"


# ---------------------------------------------------------------------------- fixtures


def xor_data(n=120, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n, 2))
    y = ((X[:, 0] * X[:, 1]) > 0).astype(float)
    return X, y


@pytest.fixture(scope="module")
def trained():
    """A [2, 4, 3, 1] network trained 300 steps with test rows and two events."""
    X, y = xor_data()
    Xt, yt = xor_data(40, seed=1)
    net = nnviz.Network([2, 4, 3, 1], activation="tanh", seed=0)
    tr = nnviz.Trainer(net, X, y, loss="mse", learning_rate=0.5, X_test=Xt, y_test=yt)
    tr.run(100)
    tr.learning_rate = 1.0
    tr.run(100)
    tr.optimizer = "momentum"
    tr.run(100)
    return net, tr


@pytest.fixture(scope="module")
def big_run():
    """A [2, 8, 8, 1] network with more than 200 snapshots."""
    X, y = xor_data()
    net = nnviz.Network([2, 8, 8, 1], activation="tanh", seed=3)
    tr = nnviz.Trainer(net, X, y, loss="mse", learning_rate=0.3)
    tr.run(600)
    return net, tr


def names_for(net, inputs=("hours", "score"), outputs=("pass",)):
    return charts.default_layer_names(net.layer_sizes, list(inputs), list(outputs))


def heatmaps(fig):
    return [t for t in fig.data if t.type == "heatmap"]


def serializes(fig):
    assert isinstance(fig, go.Figure)
    spec = json.loads(fig.to_json())
    assert "data" in spec and "layout" in spec
    return spec


def segments(trace):
    """(x0, y0, x1, y1) of each segment of a polyline trace [x0, x1, None, …]."""
    x, y = list(trace.x or ()), list(trace.y or ())
    assert len(x) % 3 == 0 and len(x) == len(y)
    assert all(v is None for v in x[2::3]) and all(v is None for v in y[2::3])
    return [(x[k], y[k], x[k + 1], y[k + 1]) for k in range(0, len(x), 3)]


def edge_table(net_sizes, values):
    """{(x0, y0, x1, y1): value} for every edge of the diagram geometry."""
    geom = D._geometry(net_sizes)
    flat = np.concatenate([np.asarray(v).ravel() for v in values])
    return {
        (int(a), float(b), int(c), float(d)): float(v)
        for a, b, c, d, v in zip(geom.x0, geom.y0, geom.x1, geom.y1, flat, strict=True)
    }


# ---------------------------------------------------------------------------- purity


def test_charts_never_import_streamlit():
    for path in CHARTS_DIR.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                mods = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                mods = [node.module or ""]
            else:
                continue
            assert not any(m.split(".")[0] == "streamlit" for m in mods), path


def test_every_builder_returns_a_serializable_figure(trained):
    net, tr = trained
    h = tr.history
    names = names_for(net)
    trace = tr.trace()
    snaps = [h.snapshot(i) for i in range(len(h.snapshot_iterations))]
    figs = [
        charts.loss_figure(h.iterations, h.train_loss, h.test_loss, events=h.events),
        charts.weight_heatmap(net.weights[0], row_labels=names[0], col_labels=names[1], title="W1"),
        charts.bias_heatmap(net.biases[0], labels=names[1], title="b1"),
        charts.layer_heatmaps(net.weights, net.biases, names),
        charts.matrix_figure(trace.backprop.layers[0].Z, title="Z1"),
        charts.network_diagram(net.weights, net.biases, layer_names=names),
        charts.network_animation(snaps, layer_names=names, max_frames=20),
        charts.decision_plane(net.forward, x_range=(-1, 1), y_range=(-1, 1), resolution=20),
        charts.neuron_thumbnails(net, x_range=(-1, 1), y_range=(-1, 1), resolution=8),
        charts.prediction_scatter(
            [1.0, 2.0, 3.0], [1.1, 1.9, 3.2], split=["train", "train", "test"], target_name="price"
        ),
    ]
    for fig in figs:
        spec = serializes(fig)
        layout = spec["layout"]
        assert layout["paper_bgcolor"] == "#ffffff"
        assert layout["font"]["size"] >= 14


# ---------------------------------------------------------------------------- loss


def test_loss_figure_lines_axes_and_events(trained):
    _, tr = trained
    h = tr.history
    fig = charts.loss_figure(h.iterations, h.train_loss, h.test_loss, events=h.events)
    serializes(fig)
    assert [t.name for t in fig.data] == ["train", "test"]
    np.testing.assert_array_equal(fig.data[0].y, h.train_loss)
    np.testing.assert_array_equal(fig.data[1].y, h.test_loss)
    assert fig.data[1].line.dash == "dot"
    assert fig.layout.xaxis.title.text == "iteration"
    assert fig.layout.yaxis.title.text == "loss"
    assert fig.layout.yaxis.type == "linear"
    assert fig.layout.height == 320
    assert fig.layout.uirevision is not None
    # one dashed line and one label per event, at the event's iteration
    assert len(h.events) == 2
    assert len(fig.layout.shapes) == 2
    assert [s.x0 for s in fig.layout.shapes] == [e[0] for e in h.events]
    assert all(s.line.dash == "dash" for s in fig.layout.shapes)
    texts = [a.text for a in fig.layout.annotations]
    assert "η 0.5 → 1" in texts
    assert any("momentum" in t for t in texts)


def test_loss_figure_log_y_and_no_test_rows():
    its = np.arange(50)
    train = np.exp(-its / 10.0)
    fig = charts.loss_figure(its, train, np.full(50, np.nan), log_y=True, height=250)
    assert fig.layout.yaxis.type == "log"
    assert fig.layout.height == 250
    assert [t.name for t in fig.data] == ["train"]  # an all-NaN test series is left out


def test_loss_downsampling_keeps_ends_spikes_and_bound():
    n = 100_001
    its = np.arange(n)
    train = 1.0 / (1.0 + its / 100.0)
    train[54_321] = 50.0  # a spike
    train[77_777] = -1.0  # a dip
    test = train * 1.1
    fig = charts.loss_figure(its, train, test, max_points=2000)
    x = np.asarray(fig.data[0].x)
    y = np.asarray(fig.data[0].y)
    assert len(x) <= 2000
    assert x[0] == 0 and x[-1] == n - 1
    assert y[0] == train[0] and y[-1] == train[-1]
    assert np.all(np.diff(x) > 0)
    assert 54_321 in x and 77_777 in x
    np.testing.assert_array_equal(fig.data[1].x, x)  # test points at the same iterations
    np.testing.assert_allclose(fig.data[1].y, test[x])


@pytest.mark.parametrize(
    "n, k", [(10, 2), (10, 3), (2001, 2000), (2002, 2000), (5, 1000), (12345, 101)]
)
def test_downsample_indices_bounds(n, k):
    key = np.random.default_rng(n).normal(size=n)
    idx = downsample_indices(key, k)
    assert len(idx) <= k
    assert idx[0] == 0 and idx[-1] == n - 1
    assert len(np.unique(idx)) == len(idx)
    if n <= k:
        np.testing.assert_array_equal(idx, np.arange(n))


def test_loss_figure_overlays_runs_with_own_colours(trained):
    _, tr = trained
    h = tr.history
    runs = [
        {
            "name": "η 0.1",
            "iterations": h.iterations,
            "train_loss": h.train_loss * 2,
            "test_loss": h.test_loss * 2,
        },
        {
            "name": "adam",
            "iterations": h.iterations[:50],
            "train_loss": h.train_loss[:50],
            "test_loss": None,
        },
    ]
    fig = charts.loss_figure(h.iterations, h.train_loss, h.test_loss, runs=runs)
    serializes(fig)
    names = [t.name for t in fig.data]
    assert names == [
        "this run · train",
        "this run · test",
        "η 0.1 · train",
        "η 0.1 · test",
        "adam · train",
    ]
    colors = [t.line.color for t in fig.data]
    assert colors[0] == colors[1] and colors[2] == colors[3]
    assert len({colors[0], colors[2], colors[4]}) == 3
    assert [t.line.dash for t in fig.data] == [None, "dot", None, "dot", None]
    only_runs = charts.loss_figure(None, None, runs=runs)
    assert [t.name for t in only_runs.data] == names[2:]


# ---------------------------------------------------------------------------- heatmaps


def test_weight_heatmap_values_range_and_labels(trained):
    net, _ = trained
    names = names_for(net)
    W = net.weights[1]  # (4, 3)
    fig = charts.weight_heatmap(W, row_labels=names[1], col_labels=names[2], title="W2")
    serializes(fig)
    (hm,) = heatmaps(fig)
    np.testing.assert_array_equal(hm.z, W)
    m = np.abs(W).max()
    assert hm.zmax == pytest.approx(m) and hm.zmin == pytest.approx(-m) and hm.zmid == 0
    assert list(hm.y) == names[1] and list(hm.x) == names[2]
    assert "from %{y} → to %{x}" in hm.hovertemplate
    assert fig.layout.yaxis.autorange == "reversed"  # row 0 on top
    assert hm.text[0][0] == fmt3(W[0, 0])
    assert hm.text[3][2] == fmt3(W[3, 2])
    assert fig.layout.title.text == "W2"
    fixed = charts.weight_heatmap(W, row_labels=names[1], col_labels=names[2], title=None, zmax=5)
    assert (heatmaps(fixed)[0].zmin, heatmaps(fixed)[0].zmax) == (-5, 5)


def test_weight_heatmap_big_matrix_has_no_cell_text():
    W = np.random.default_rng(0).normal(size=(13, 5))
    fig = charts.weight_heatmap(W, row_labels=None, col_labels=None, title="big")
    assert heatmaps(fig)[0].text is None
    small = charts.weight_heatmap(W[:12], row_labels=None, col_labels=None, title="small")
    assert heatmaps(small)[0].text is not None
    off = charts.weight_heatmap(
        W[:2], row_labels=None, col_labels=None, title="x", show_values=False
    )
    assert heatmaps(off)[0].text is None


def test_weight_heatmap_duplicate_or_numeric_names_stay_distinct():
    W = np.arange(6.0).reshape(2, 3) - 2
    fig = charts.weight_heatmap(W, row_labels=["1", "1"], col_labels=["a", "b", "a"], title="W")
    hm = heatmaps(fig)[0]
    assert len(set(hm.y)) == 2 and len(set(hm.x)) == 3
    assert fig.layout.xaxis.type == "category" and fig.layout.yaxis.type == "category"


def test_bias_heatmap(trained):
    net, _ = trained
    names = names_for(net)
    b = np.array([0.5, -2.0, 1.0, 0.0])
    fig = charts.bias_heatmap(b, labels=names[1], title="b1")
    serializes(fig)
    hm = heatmaps(fig)[0]
    np.testing.assert_array_equal(np.asarray(hm.z), b.reshape(1, -1))
    assert (hm.zmin, hm.zmax) == (-2.0, 2.0)
    assert list(hm.x) == names[1]
    assert "bias of %{x}" in hm.hovertemplate


def test_layer_heatmaps_shared_range_and_order(trained):
    net, _ = trained
    names = names_for(net)
    fig = charts.layer_heatmaps(net.weights, net.biases, names)
    serializes(fig)
    hms = heatmaps(fig)
    assert len(hms) == 2 * net.n_layers
    m = max(
        max(np.abs(W).max(), np.abs(b).max()) for W, b in zip(net.weights, net.biases, strict=True)
    )
    assert fig.layout.coloraxis.cmin == pytest.approx(-m)
    assert fig.layout.coloraxis.cmax == pytest.approx(m)
    for l in range(net.n_layers):
        W_tr, b_tr = hms[2 * l], hms[2 * l + 1]
        np.testing.assert_array_equal(W_tr.z, net.weights[l])
        np.testing.assert_array_equal(np.asarray(b_tr.z), net.biases[l].reshape(1, -1))
        assert list(W_tr.y) == names[l] and list(W_tr.x) == names[l + 1]
        assert W_tr.coloraxis == b_tr.coloraxis == "coloraxis"
    assert [a.text for a in fig.layout.annotations] == ["<b>W1</b>", "<b>W2</b>", "<b>W3</b>"]


def test_matrix_figure_diverging_and_sequential(trained):
    _, tr = trained
    layer = tr.trace().backprop.layers[-1]
    Z = layer.Z[:5]
    fig = charts.matrix_figure(Z, title="Z3", col_labels=["pass"])
    hm = heatmaps(fig)[0]
    np.testing.assert_array_equal(hm.z, Z)
    assert hm.zmin == pytest.approx(-np.abs(Z).max())
    assert list(hm.y) == [f"row {i}" for i in range(5)]
    A = layer.A[:5]  # sigmoid output in [0, 1]
    seq = heatmaps(charts.matrix_figure(A, title="A3", diverging=False))[0]
    assert (seq.zmin, seq.zmax) == (0.0, 1.0)
    assert (
        seq.colorscale[0][1]
        == charts.matrix_figure(A, title="A", diverging=False).data[0].colorscale[0][1]
    )  # Viridis, explicit
    assert seq.zmid is None
    one_d = heatmaps(charts.matrix_figure(np.array([1.0, -3.0]), title="b"))[0]
    assert np.asarray(one_d.z).shape == (1, 2)
    with pytest.raises(ValueError, match="1-D or 2-D"):
        charts.matrix_figure(np.zeros((2, 2, 2)), title="J")


# ---------------------------------------------------------------------------- network diagram


def test_default_layer_names():
    assert charts.default_layer_names([2, 3, 1]) == [["x1", "x2"], ["h1.1", "h1.2", "h1.3"], ["ŷ"]]
    assert charts.default_layer_names([1, 2, 2, 3], ["a"], ["u", "v", "w"])[2] == ["h2.1", "h2.2"]
    with pytest.raises(ValueError):
        charts.default_layer_names([2, 1], ["only one"])


def test_network_diagram_trace_layout_is_fixed():
    a = nnviz.Network([2, 4, 3, 1], seed=0)
    b = nnviz.Network([2, 4, 3, 1], seed=99, init="xavier" if "xavier" in nnviz.INITS else "normal")
    b.weights[0] = np.zeros((2, 4))  # every layer-1 edge in one bin
    names = names_for(a)
    fa = charts.network_diagram(a.weights, a.biases, layer_names=names)
    fb = charts.network_diagram(b.weights, None, layer_names=names)
    grads = [np.random.default_rng(1).normal(size=W.shape) * 1e-3 for W in a.weights]
    fg = charts.network_diagram(
        a.weights, a.biases, layer_names=names, edge_values=grads, edge_label="dL/dW"
    )
    row = np.array([[0.3, -0.7]])
    fn = charts.network_diagram(
        a.weights,
        a.biases,
        layer_names=names,
        node_values=[row[0]] + [A[0] for A in a.forward_layers(row)],
    )
    for fig in (fa, fb, fg, fn):
        serializes(fig)
        assert len(fig.data) == charts.N_TRACES == 2 * charts.N_BINS + 3
        assert [t.type for t in fig.data] == [t.type for t in fa.data]
        assert [t.name for t in fig.data[2 * charts.N_BINS :]] == ["edges", "nodes", "biases"]


@pytest.mark.parametrize("use_grads", [False, True])
def test_every_edge_is_in_exactly_one_sign_width_trace(trained, use_grads):
    net, tr = trained
    names = names_for(net)
    values = [l.dW for l in tr.trace().backprop.layers] if use_grads else list(net.weights)
    fig = charts.network_diagram(
        net.weights,
        net.biases,
        layer_names=names,
        edge_values=values if use_grads else None,
        edge_label="dL/dW" if use_grads else "weight",
    )
    table = edge_table(net.layer_sizes, values)
    seen = []
    scale = max(np.abs(v).max() for v in values)
    for t, trace in enumerate(fig.data[: 2 * charts.N_BINS]):
        sign, bin_ = divmod(t, charts.N_BINS)
        color = trace.line.color
        assert color.startswith(ORANGE_RGB if sign else BLUE_RGB)
        for seg in segments(trace):
            v = table[seg]
            seen.append(seg)
            assert (v < 0) == bool(sign), (seg, v)  # positive weights in blue traces
            lo, hi = bin_ / charts.N_BINS * scale, (bin_ + 1) / charts.N_BINS * scale
            assert lo - 1e-12 <= abs(v) <= hi + 1e-12
        widths = [tr_.line.width for tr_ in fig.data[: charts.N_BINS]]
        assert widths == sorted(widths)
    assert len(seen) == len(table) == sum(W.size for W in net.weights)
    assert set(seen) == set(table)


def test_network_diagram_hover_uses_names_and_values(trained):
    net, tr = trained
    names = names_for(net)
    fig = charts.network_diagram(
        net.weights, net.biases, layer_names=names, activations=net.activations
    )
    hover = fig.data[D.EDGE_HOVER]
    assert hover.text[0] == "W1[hours→h1.1]"
    assert hover.text[-1] == "W3[h2.3→pass]"
    np.testing.assert_allclose(
        hover.customdata, np.concatenate([W.ravel() for W in net.weights]), rtol=1e-6
    )
    assert "%{text} = %{customdata" in hover.hovertemplate
    nodes = fig.data[D.NODE_TRACE]
    assert list(nodes.text) == [n for layer in names for n in layer]
    assert nodes.hovertemplate[2].startswith("<b>h1.1</b> (tanh)")
    assert "bias b1" in nodes.hovertemplate[2] and "bias" not in nodes.hovertemplate[0]
    biases = fig.data[D.BIAS_TRACE]
    assert biases.text[0] == "b1[h1.1]"
    np.testing.assert_allclose(biases.customdata, np.concatenate(net.biases), rtol=1e-6)
    labels = {a.text for a in fig.layout.annotations}
    assert {"hours", "score", "h1.1", "h2.3", "pass"} <= labels
    grads = [l.dW for l in tr.trace().backprop.layers]
    fg = charts.network_diagram(
        net.weights, net.biases, layer_names=names, edge_values=grads, edge_label="dL/dW"
    )
    gh = fg.data[D.EDGE_HOVER]
    assert gh.text[0] == "dL/dW1[hours→h1.1]"
    np.testing.assert_allclose(
        np.asarray(gh.customdata)[:, 0],
        np.concatenate([g.ravel() for g in grads]),
        rtol=1e-5,
        atol=1e-12,
    )
    np.testing.assert_allclose(
        np.asarray(gh.customdata)[:, 1], np.concatenate([W.ravel() for W in net.weights]), rtol=1e-6
    )


def test_network_diagram_node_values_colour_the_nodes(trained):
    net, _ = trained
    names = names_for(net)
    row = np.array([[0.25, -0.5]])
    values = [row[0]] + [A[0] for A in net.forward_layers(row)]
    fig = charts.network_diagram(net.weights, net.biases, layer_names=names, node_values=values)
    nodes = fig.data[D.NODE_TRACE]
    flat = np.concatenate(values)
    np.testing.assert_allclose(nodes.marker.color, flat, rtol=1e-6)
    assert nodes.marker.showscale
    assert nodes.marker.cmax == pytest.approx(np.abs(flat).max(), rel=1e-6)
    assert nodes.marker.cmin == -nodes.marker.cmax
    plain = charts.network_diagram(net.weights, net.biases, layer_names=names)
    assert plain.data[D.NODE_TRACE].marker.color == "#ffffff"
    with pytest.raises(ValueError, match="node_values"):
        charts.network_diagram(net.weights, layer_names=names, node_values=values[:2])


def test_network_diagram_layout_geometry():
    net = nnviz.Network([3, 5, 2], seed=0)
    fig = charts.network_diagram(net.weights, net.biases, layer_names=None)
    nodes = fig.data[D.NODE_TRACE]
    x, y = np.asarray(nodes.x), np.asarray(nodes.y)
    np.testing.assert_array_equal(x, [0, 0, 0, 1, 1, 1, 1, 1, 2, 2])
    for layer in range(3):
        ys = y[x == layer]
        assert ys.mean() == pytest.approx(0.0)  # centred
        assert np.all(np.diff(ys) < 0)  # node 0 on top
    with pytest.raises(ValueError, match="layer_names"):
        charts.network_diagram(net.weights, layer_names=[["a"], ["b"], ["c"]])


# ---------------------------------------------------------------------------- animation


def snapshots_of(tr):
    h = tr.history
    return [h.snapshot(i) for i in range(len(h.snapshot_iterations))]


def test_network_animation_frames_slider_and_buttons(big_run):
    net, tr = big_run
    snaps = snapshots_of(tr)
    assert len(snaps) > 200
    names = names_for(net)
    fig = charts.network_animation(
        snaps, layer_names=names, activations=net.activations, max_frames=50
    )
    serializes(fig)
    frames = fig.frames
    assert 2 <= len(frames) <= 50
    assert frames[0].name == str(snaps[0][0])
    assert frames[-1].name == str(snaps[-1][0])
    its = [int(f.name) for f in frames]
    assert its == sorted(its)
    for f in frames:
        assert len(f.data) == len(fig.data) == charts.N_TRACES
        assert list(f.traces) == list(range(charts.N_TRACES))
    slider = fig.layout.sliders[0]
    assert len(slider.steps) == len(frames)
    assert slider.active == 0
    for step, f in zip(slider.steps, frames, strict=True):
        assert step.method == "animate"
        assert step.label == f.name
        assert list(step.args[0]) == [f.name]
        assert step.args[1]["mode"] == "immediate"
        assert step.args[1]["frame"] == {"duration": 0, "redraw": False}
        assert step.args[1]["transition"] == {"duration": 0}
    labels = [b.label for b in fig.layout.updatemenus[0].buttons]
    assert any("Play" in s for s in labels) and any("Pause" in s for s in labels)
    # the figure starts at the first snapshot
    start = charts.network_diagram(snaps[0][1], snaps[0][2], layer_names=names)
    first_edges = sum(len(segments(t)) for t in fig.data[: 2 * charts.N_BINS])
    assert first_edges == sum(W.size for W in snaps[0][1])
    np.testing.assert_allclose(
        fig.data[D.EDGE_HOVER].customdata, start.data[D.EDGE_HOVER].customdata, rtol=1e-6
    )


def test_network_animation_uses_one_width_scale(big_run):
    net, tr = big_run
    snaps = snapshots_of(tr)
    names = names_for(net)
    fig = charts.network_animation(snaps, layer_names=names, max_frames=30)
    kept = {str(it): (W, b) for it, W, b in snaps}
    chosen = [kept[f.name] for f in fig.frames]
    scale = max(max(np.abs(W).max() for W in Ws) for Ws, _ in chosen)
    for f, (W, _) in zip(fig.frames, chosen, strict=True):
        table = edge_table(net.layer_sizes, W)
        bins = charts.edge_bins(np.array(list(table.values())), scale)
        expected = {seg: int(k) for seg, k in zip(table, bins, strict=True)}
        for t, trace in enumerate(f.data[: 2 * charts.N_BINS]):
            for seg in segments(trace):
                assert expected[seg] == t

    # the weights grow while training: early frames have thinner edges than the last one
    def mean_bin(frame):
        counts = [len(segments(t)) for t in frame.data[: 2 * charts.N_BINS]]
        return sum(c * (k % charts.N_BINS) for k, c in enumerate(counts)) / sum(counts)

    assert mean_bin(fig.frames[0]) < mean_bin(fig.frames[-1])


def test_network_animation_node_values_and_json_size(big_run):
    net, tr = big_run
    snaps = snapshots_of(tr)
    names = names_for(net)
    row = np.array([[0.5, -0.5]])

    def node_values(W, b):
        other = net.copy()
        other.weights, other.biases = W, b
        return [row[0]] + [A[0] for A in other.forward_layers(row)]

    fig = charts.network_animation(
        snaps,
        layer_names=names,
        activations=net.activations,
        node_values_fn=node_values,
        max_frames=200,
    )
    assert len(fig.frames) == 200
    last = fig.frames[-1]
    expected = np.concatenate(node_values(snaps[-1][1], snaps[-1][2]))
    np.testing.assert_allclose(last.data[D.NODE_TRACE].marker.color, expected, rtol=1e-5, atol=1e-6)
    assert fig.data[D.NODE_TRACE].marker.showscale
    size = len(fig.to_json())
    assert size < 1_500_000, size


def test_network_animation_thins_and_dedupes():
    net = nnviz.Network([2, 3, 1], seed=0)
    W, b = net.weights.copy_values(), net.biases.copy_values()
    snaps = [(i, W, b) for i in range(10)] + [(9, W, b)]
    fig = charts.network_animation(snaps, layer_names=None, max_frames=4)
    assert [f.name for f in fig.frames][0] == "0" and fig.frames[-1].name == "9"
    assert len(fig.frames) <= 4
    one = charts.network_animation(snaps[:1], layer_names=None)
    assert len(one.frames) == 1
    with pytest.raises(ValueError):
        charts.network_animation([], layer_names=None)


# ---------------------------------------------------------------------------- input plane


def test_decision_plane_grid_equals_predict_fn(trained):
    net, _ = trained
    X, y = xor_data()
    points = {
        "x": X[:, 0],
        "y": X[:, 1],
        "label": y,
        "split": np.where(np.arange(len(y)) % 4 == 0, "test", "train"),
    }
    fig = charts.decision_plane(
        net.forward,
        x_range=(-1.5, 1.5),
        y_range=(-1, 2),
        points=points,
        resolution=30,
        x_label="hours",
        y_label="score",
    )
    serializes(fig)
    hm = heatmaps(fig)[0]
    z = np.asarray(hm.z)
    assert z.shape == (30, 30)
    xs, ys = np.asarray(hm.x), np.asarray(hm.y)
    np.testing.assert_allclose(xs, np.linspace(-1.5, 1.5, 30))
    np.testing.assert_allclose(ys, np.linspace(-1, 2, 30))
    for i, j in [(0, 0), (3, 17), (29, 29), (12, 5)]:
        assert z[i, j] == pytest.approx(net.forward([[xs[j], ys[i]]])[0, 0])
    gx, gy = np.meshgrid(xs, ys)
    np.testing.assert_allclose(
        z, net.forward(np.column_stack([gx.ravel(), gy.ravel()])).reshape(30, 30)
    )
    assert (hm.zmin, hm.zmax, hm.zmid) == (0.0, 1.0, 0.5)
    assert fig.layout.xaxis.title.text == "hours" and fig.layout.yaxis.title.text == "score"
    scatters = [t for t in fig.data if t.type == "scatter"]
    assert sum(len(t.x) for t in scatters) == len(y)
    train = [t for t in scatters if t.name.endswith("train")]
    test = [t for t in scatters if t.name.endswith("test")]
    assert train and test
    assert {t.marker.symbol for t in train} != {t.marker.symbol for t in test}
    assert sum(len(t.x) for t in test) == len(y[::4])


def test_decision_plane_discretize_and_tanh():
    def fn(XY):
        return np.tanh(XY[:, :1] - XY[:, 1:])

    fig = charts.decision_plane(
        fn, x_range=(0, 1), y_range=(0, 1), resolution=10, output_activation="tanh"
    )
    hm = heatmaps(fig)[0]
    assert (hm.zmin, hm.zmax, hm.zmid) == (-1.0, 1.0, 0.0)
    d = heatmaps(
        charts.decision_plane(
            fn,
            x_range=(0, 1),
            y_range=(0, 1),
            resolution=10,
            output_activation="tanh",
            discretize=True,
        )
    )[0]
    assert set(np.unique(d.z)) <= {-1.0, 1.0}


def test_decision_plane_softmax_classes():
    def fn(XY):
        logits = np.column_stack([XY[:, 0], XY[:, 1], -XY[:, 0] - XY[:, 1]])
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    pts = {
        "x": [0.5, -0.5, 0.0],
        "y": [0.0, 0.5, -1.0],
        "label": ["a", "b", "c"],
        "split": ["train", "train", "test"],
    }
    fig = charts.decision_plane(
        fn,
        x_range=(-1, 1),
        y_range=(-1, 1),
        resolution=12,
        output_activation="softmax",
        class_names=["a", "b", "c"],
        points=pts,
    )
    serializes(fig)
    hm = heatmaps(fig)[0]
    z = np.asarray(hm.z)
    assert z.shape == (12, 12)
    xs, ys = np.asarray(hm.x), np.asarray(hm.y)
    gx, gy = np.meshgrid(xs, ys)
    cls = fn(np.column_stack([gx.ravel(), gy.ravel()])).argmax(axis=1).reshape(12, 12)
    np.testing.assert_array_equal(np.floor(z).astype(int), cls)  # integer part = class
    assert list(hm.colorbar.ticktext) == ["a", "b", "c"]
    assert {t.name for t in fig.data if t.type == "scatter"} == {
        "a · train",
        "b · train",
        "c · test",
    }


def test_decision_plane_regression_uses_sequential_scale():
    def fn(XY):
        return (XY[:, 0] * 3 + XY[:, 1]).reshape(-1, 1)

    pts = {"x": [0.0, 1.0], "y": [0.0, 1.0], "label": [0.0, 4.0]}
    fig = charts.decision_plane(
        fn, x_range=(0, 1), y_range=(0, 1), resolution=5, output_activation="linear", points=pts
    )
    hm = heatmaps(fig)[0]
    assert hm.coloraxis == "coloraxis"
    assert fig.layout.coloraxis.cmin == 0.0 and fig.layout.coloraxis.cmax == 4.0
    pts_trace = [t for t in fig.data if t.type == "scatter"][0]
    assert list(pts_trace.marker.color) == [0.0, 4.0]


def test_neuron_thumbnails_one_map_per_neuron_one_heatmap_per_layer(trained):
    net, _ = trained
    names = names_for(net)
    fig = charts.neuron_thumbnails(
        net, x_range=(-1, 1), y_range=(-1, 1), resolution=9, layer_names=names
    )
    serializes(fig)
    hms = heatmaps(fig)
    assert [h.name for h in hms] == ["layer 1", "layer 2", "layer 3"]  # light to draw
    titles = [a.text for a in fig.layout.annotations]
    assert sorted(titles) == sorted(names[1] + names[2] + names[3])
    xs, ys, XY = charts.plane_grid((-1, 1), (-1, 1), 9)
    layers = net.forward_layers(XY)
    for c, hm in enumerate(hms):
        z, who = np.asarray(hm.z, float), np.asarray(hm.customdata)
        for r in range(net.layer_sizes[c + 1]):
            # neuron r's cells hold its map (row 0 of the map at the bottom, as in a heatmap)
            cells = who == r
            assert cells.sum() == 81
            block = z[np.any(cells, axis=1)][:, np.any(cells, axis=0)]
            np.testing.assert_allclose(block, layers[c][:, r].reshape(9, 9), atol=1e-4)
            # the hover names the neuron of each cell
            assert set(np.asarray(hm.text)[cells]) == {names[c + 1][r]}
        assert np.isnan(z[who < 0]).all()  # gaps are blank
        # neuron 0 on top
        assert (
            np.flatnonzero(np.any(who == 0, axis=1)).min()
            > np.flatnonzero(np.any(who == net.layer_sizes[c + 1] - 1, axis=1)).min()
            or net.layer_sizes[c + 1] == 1
        )
    assert all(not h.showscale for h in hms)
    # tanh hidden layers on [-1, 1], the sigmoid output on [0, 1]
    assert (hms[0].zmin, hms[0].zmax) == (-1.0, 1.0)
    assert (hms[-1].zmin, hms[-1].zmax) == (0.0, 1.0)
    assert fig.layout.xaxis.visible is False
    # a function in place of the network, and names without the input layer
    fn_fig = charts.neuron_thumbnails(
        net.forward_layers, x_range=(-1, 1), y_range=(-1, 1), resolution=9, layer_names=names[1:]
    )
    assert len(heatmaps(fn_fig)) == 3


def test_prediction_scatter():
    t = np.array([1.0, 2.0, 3.0, 4.0])
    p = np.array([1.2, 1.8, 3.3, 3.9])
    fig = charts.prediction_scatter(
        t, p, split=["train", "train", "test", "test"], target_name="price"
    )
    serializes(fig)
    diag = fig.data[0]
    assert diag.x[0] == diag.y[0] and diag.x[1] == diag.y[1]
    assert diag.x[0] <= 1.0 and diag.x[1] >= 4.0
    assert [tr.name for tr in fig.data[1:]] == ["train", "test"]
    np.testing.assert_array_equal(fig.data[2].x, t[2:])
    np.testing.assert_array_equal(fig.data[2].y, p[2:])
    assert fig.layout.xaxis.title.text == "actual price"
    assert fig.layout.yaxis.title.text == "predicted price"


def test_fmt3():
    assert fmt3(0.123456) == "0.123"
    assert fmt3(-4.5678) == "-4.57"
    assert fmt3(0.0) == "0"
    assert fmt3(12345.0) == "1.23e+04"
    assert fmt3(-1e-20) == "-1e-20"
    assert math.isnan(float(fmt3(float("nan"))))


@pytest.mark.parametrize("width", [420, 470, 560])
@pytest.mark.parametrize("hidden", [(), (3,), (1, 16), (8,) * 4, (16,) * 6, (1,) * 6])
def test_diagram_layer_headers_never_overlap(hidden, width):
    """The headers ("hidden 2" / "tanh", or "h2" / "σ" when columns are narrow) fit side
    by side at the width the diagram is laid out for, for 0–6 hidden layers."""
    sizes = [2, *hidden, 1]
    rng = np.random.default_rng(0)
    weights = [rng.normal(size=(a, b)) for a, b in zip(sizes, sizes[1:])]
    names = charts.default_layer_names(sizes, ["hours_studied", "hours_slept"], ["test_score"])
    acts = ["leaky_relu"] * len(hidden) + ["sigmoid"]
    fig = charts.network_diagram(
        weights, None, layer_names=names, activations=acts, width=width, height=440, title="t"
    )
    m = fig.layout.margin
    plot_w = width - m.l - m.r
    lo, hi = fig.layout.xaxis.range
    heads = [a for a in fig.layout.annotations if a.name == "header"]
    assert len(heads) == len(sizes)
    spans = []
    for a in heads:
        lines = [re.sub("<[^>]+>", "", t).replace("&nbsp;", " ") for t in a.text.split("<br>")]
        w = max(D.text_px(line, bold=(k == 0)) for k, line in enumerate(lines))
        x = m.l + (a.x - lo) / (hi - lo) * plot_w
        spans.append((x - w / 2, x + w / 2))
    for (_, right), (left, _) in zip(spans, spans[1:]):
        assert right <= left, (hidden, width, [a.text for a in heads])
    # the headers and the node labels stay inside the figure
    assert spans[0][0] >= 0 and spans[-1][1] <= width


def test_diagram_bias_squares_sit_outside_their_nodes():
    net = nnviz.Network([2, 3, 1], seed=0)
    fig = charts.network_diagram(net.weights, net.biases, layer_names=None, height=440)
    nodes, biases = fig.data[D.NODE_TRACE], fig.data[D.BIAS_TRACE]
    m = fig.layout.margin
    lo, hi = fig.layout.xaxis.range
    ylo, yhi = fig.layout.yaxis.range
    px_x = (D.DESIGN_WIDTH - m.l - m.r) / (hi - lo)
    px_y = (440 - m.t - m.b) / (yhi - ylo)
    r = nodes.marker.size / 2
    half = biases.marker.size / 2
    for bx, by, nx, ny in zip(biases.x, biases.y, nodes.x[2:], nodes.y[2:]):
        dx, dy = (bx - nx) * px_x, (by - ny) * px_y
        # the square's nearest corner is no closer to the centre than the radius
        assert np.hypot(abs(dx) - half, abs(dy) - half) >= r - 1.0


def test_small_gradients_print_with_a_shared_exponent_not_as_zeros():
    rng = np.random.default_rng(1)
    dW = [rng.normal(scale=2e-4, size=(2, 3)), rng.normal(scale=2e-4, size=(3, 1))]
    db = [np.full(3, 1e-5), np.full(1, -3e-5)]
    names = charts.default_layer_names([2, 3, 1])
    fig = charts.layer_heatmaps(dW, db, names, title="Gradients")
    e = charts.matrices.shared_exponent(max(np.abs(np.concatenate([a.ravel() for a in dW + db]))))
    assert e in (-4, -3)
    assert fig.layout.title.text.endswith(f"cell values ×{charts.matrices.power_of_ten(e)}")
    w1 = [t for t in fig.data if t.name == "W1"][0]
    shown = np.array([[float(c) for c in row] for row in w1.text])
    np.testing.assert_allclose(shown * 10.0**e, dW[0], atol=0.006 * 10.0**e)
    assert not np.all(shown == 0)
    # values a two-decimal cell shows keep no exponent
    plain = charts.layer_heatmaps(
        [np.full((2, 3), 0.5), np.full((3, 1), -2.0)], None, names, title="W"
    )
    assert plain.layout.title.text == "W"


@pytest.mark.parametrize("width", [520, 900])
def test_layer_heatmaps_leave_room_for_the_next_matrix_row_labels(width):
    names = [["bit1", "bit2", "bit3"], [f"h1.{j}" for j in range(1, 6)], ["output"]]
    rng = np.random.default_rng(0)
    fig = charts.layer_heatmaps(
        [rng.normal(size=(3, 5)), rng.normal(size=(5, 1))],
        [rng.normal(size=5), rng.normal(size=1)],
        names,
        width=width,
    )
    x1 = fig.layout.xaxis.domain  # W1
    x2 = fig.layout.xaxis2.domain  # W2, whose rows are h1.1 … h1.5
    gap_px = (x2[0] - x1[1]) * (width - fig.layout.margin.l - (fig.layout.margin.r or 0))
    assert gap_px >= D.text_px("h1.5") + 6, gap_px


@pytest.mark.parametrize(
    "inputs, width",
    [
        (["x1", "x2"], 470),
        (["hours_studied", "hours_slept"], 470),  # long names: a wide left margin
        (["a rather long input name", "another long one"], 430),
        (["x1", "x2"], 300),
    ],
)
def test_the_diagrams_colour_legend_fits_the_figure(inputs, width):
    from nnviz.charts.diagram import text_px

    net = nnviz.Network([2, 3, 1], seed=0)
    names = [inputs, ["h1.1", "h1.2", "h1.3"], ["y"]]
    fig = charts.network_diagram(net.weights, None, layer_names=names, width=width)
    legend = next(a for a in fig.layout.annotations if a.name == "legend")
    text = re.sub("<[^>]+>", "", legend.text)
    start = fig.layout.margin.l + (legend.xshift or 0)  # px from the figure's left edge
    assert start >= 0
    assert start + text_px(text) <= width, (text, start, width)
