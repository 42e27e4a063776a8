"""What the explorer shows, as figures: an Explorer in, Plotly figures out.

The glue between the run (``nnviz.app.explorer``) and the pure chart builders
(``nnviz.charts``): node names from the table's columns, the input plane's range
from the data, the replayed weights from the history. No Streamlit here, so every
view is tested without a browser.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ... import charts
from ...data.features import _evaluate as _evaluate_feature
from ...errors import DataError
from ..explorer import Explorer

PLANE_MARGIN = 0.1  # the plane reaches this share of the data's range beyond it


def short_name(name, limit: int = 16) -> str:
    """A column's name for a title: at most ``limit`` characters."""
    name = str(name)
    return name if len(name) <= limit else name[: limit - 1] + "…"


def layer_names(ex: Explorer) -> list[list[str]]:
    data = ex.data
    softmax = data.classes is not None and len(data.classes) == data.n_outputs
    outputs = [str(c) for c in data.classes] if softmax else data.targets
    return charts.default_layer_names(ex.network.layer_sizes, data.inputs, outputs)


def loss_view(
    ex: Explorer,
    *,
    log_y: bool | None = None,
    height: int = 320,
    replay: bool = False,
    max_points: int = 2000,
) -> go.Figure:
    """Train and test loss per iteration. Before the first step: the loss of the initial
    weights as one point. ``log_y=None`` picks a log axis once the loss spans 2 decades."""
    h = ex.trainer.history
    its, train = h.iterations, h.train_loss
    test = h.test_loss if len(ex.data.X_test) else None
    if len(its) == 0:
        m = ex.metrics()
        its, train = np.array([ex.trainer.iteration]), np.array([m.train_loss])
        test = np.array([m.test_loss]) if test is not None else None
    if log_y is None:
        log_y = spans_decades(train)
    events = list(h.events)
    if replay:  # "you are here" on the whole run's curve
        events.append((ex.trainer.iteration, "replay", f"replaying {ex.trainer.iteration}"))
    return charts.loss_figure(
        its,
        train,
        test,
        events=events,
        log_y=log_y,
        max_points=max_points,
        height=height,
        title=f"Loss ({ex.trainer.loss_name})" + (" · log scale" if log_y else ""),
    )


def spans_decades(*series, decades: float = 2.0) -> bool:
    """True when the positive losses span more than ``decades`` powers of ten (log axis)."""
    values = np.concatenate([np.asarray(s, dtype=float).ravel() for s in series])
    positive = values[np.isfinite(values) & (values > 0)]
    return bool(len(positive)) and positive.max() > 10**decades * positive.min()


def row_activations(
    ex: Explorer, row: int | None, weights=None, biases=None, *, network=None
) -> list | None:
    """Node values for one table row (by position): its scaled inputs and every layer's A
    — of the explorer's network, of ``network``, or with ``weights``/``biases``."""
    X = ex.data.X_all()
    if row is None or not len(X):
        return None
    row = int(np.clip(row, 0, len(X) - 1))
    x = X[row : row + 1]
    net = ex.network if network is None else network
    if weights is not None:
        net = net.copy()
        net.weights = weights
        if biases is not None:
            net.biases = biases
    return [x[0]] + [A[0] for A in net.forward_layers(x)]


def diagram_view(
    ex: Explorer,
    *,
    row: int | None = 0,
    height: int = 460,
    width: int = 430,
    edge_values=None,
    edge_label: str = "weight",
) -> go.Figure:
    net = ex.network
    return charts.network_diagram(
        net.weights,
        net.biases if net.bias else None,
        layer_names=layer_names(ex),
        activations=net.activations,
        node_values=row_activations(ex, row),
        edge_values=edge_values,
        edge_label=edge_label,
        height=height,
        width=width,
        title=f"Iteration {ex.trainer.iteration}" + ("" if row is None else f" · row {row}"),
    )


def heatmaps_view(ex: Explorer, *, width: int = 900) -> go.Figure:
    """Every W and b; ``width``: the px it is laid out for (the live view's column is
    about 520)."""
    net = ex.network
    return charts.layer_heatmaps(
        net.weights,
        net.biases,
        layer_names(ex),
        title=f"Weights and biases at iteration {ex.trainer.iteration}",
        width=width,
    )


def gradient_heatmaps_view(ex: Explorer) -> go.Figure:
    """dL/dW and dL/db of the next step, laid out like the weights."""
    trace = ex.trainer.trace()
    layers = trace.backprop.layers
    return charts.layer_heatmaps(
        [layer.dW for layer in layers],
        [layer.db for layer in layers] if ex.network.bias else None,
        layer_names(ex),
        title=f"Gradients dL/dW and dL/db of the next step (iteration {ex.trainer.iteration})",
    )


def change_heatmaps_view(ex: Explorer) -> go.Figure:
    """How much each weight moved since the previous recorded snapshot."""
    h = ex.trainer.history
    its = h.snapshot_iterations
    now = int(np.searchsorted(its, ex.trainer.iteration, side="right")) - 1
    before = max(now - 1, 0)
    it0, W0, b0 = h.snapshot(before)
    W, b = ex.network.weights, ex.network.biases
    return charts.layer_heatmaps(
        [w - w0 for w, w0 in zip(W, W0)],
        [x - x0 for x, x0 in zip(b, b0)] if ex.network.bias else None,
        layer_names(ex),
        title=f"Change of every weight from iteration {it0} to {ex.trainer.iteration}",
    )


def animation_view(
    ex: Explorer, *, row: int | None = 0, max_frames: int = 200, height: int = 500
) -> go.Figure:
    h = ex.trainer.history
    its = h.snapshot_iterations
    picks = np.unique(np.linspace(0, len(its) - 1, min(len(its), max_frames)).round().astype(int))
    snaps = [h.snapshot(int(i)) for i in picks]
    if not ex.network.bias:
        snaps = [(it, W, None) for it, W, _ in snaps]

    def node_values(W, b):
        return row_activations(ex, row, W, b)

    return charts.network_animation(
        snaps,
        layer_names=layer_names(ex),
        activations=ex.network.activations,
        node_values_fn=node_values if row is not None else None,
        max_frames=max_frames,
        height=height,
        title="Animation of the run (press ▶ in the chart)",
    )


def has_plane(ex: Explorer) -> bool:
    """Two raw input columns of numbers (the derived features are computed over the
    plane; a text column has no axis)."""
    return len(ex.data.raw_inputs) == 2 and not ex.data.categories


def raw_rows(ex: Explorer) -> np.ndarray:
    """Every row's raw input columns (``data.raw_inputs``) in the table's units, without
    the derived features: what the plane, the curve and ``Scaler.transform_X`` take."""
    data = ex.data
    if data.categories:  # a text column: the table's cells (only numbers are asked for)
        cells = ex.table.loc[data.index, list(data.raw_inputs)]
        return cells.apply(lambda c: pd.to_numeric(c, errors="coerce")).to_numpy(dtype=float)
    return data.scaler.inverse_X(data.X_all())[:, : len(data.raw_inputs)]


def grid_X(ex: Explorer, raw: np.ndarray) -> np.ndarray:
    """Points in raw input units → the network's X, the features computed from them. A
    feature that is not a finite number at a point (``log`` past the data's range) makes
    that point's X NaN, so the views leave it blank instead of refusing the whole grid."""
    scaler = ex.data.scaler
    try:
        return scaler.transform_X(raw)
    except DataError:
        pass
    raw = np.asarray(raw, dtype=np.float64)
    columns = [raw]
    for feature in scaler._features:
        with np.errstate(all="ignore"):
            value = np.broadcast_to(_evaluate_feature(feature.tree, raw), (raw.shape[0],))
        columns.append(np.where(np.isfinite(value), value, np.nan)[:, None])
    return (np.concatenate(columns, axis=1) - scaler.offset) / scaler.divisor


def plane_ranges(ex: Explorer) -> tuple[tuple, tuple]:
    """The input plane, in the table's units: the data's range plus a margin."""
    raw = raw_rows(ex)
    lo, hi = raw.min(axis=0), raw.max(axis=0)
    pad = np.maximum((hi - lo) * PLANE_MARGIN, 1e-9)
    return (lo[0] - pad[0], hi[0] + pad[0]), (lo[1] - pad[1], hi[1] + pad[1])


def _predict_units(ex: Explorer, network=None):
    scaler = ex.data.scaler
    net = ex.network if network is None else network
    regression = ex.task == "regression"

    def predict(XY):
        out = net.forward(grid_X(ex, XY))
        if regression:
            return scaler.inverse_y(out)  # the plane shows the user's units
        return out

    return predict


def plane_view(
    ex: Explorer,
    *,
    resolution: int = 80,
    discretize: bool = False,
    height: int = 480,
    network=None,
    iteration: int | None = None,
    patch: bool = False,
    neuron: str | None = None,
    show_test: bool = True,
):
    """TensorFlow Playground's main view: the output over the plane, the rows on top.

    ``network``/``iteration``: another state of the run (the explorer's by default);
    ``patch=True`` returns only what differs between states (see ``nnviz.charts.patch``).
    ``neuron``: a hidden or output neuron's name (as the diagram names it): its own
    activation over the plane instead of the output. ``show_test=False``: the training
    rows only.
    """
    data = ex.data
    xr, yr = plane_ranges(ex)
    raw = raw_rows(ex)
    x_name, y_name = data.raw_inputs
    table = ex.table.loc[data.index]
    target = data.targets[0]
    if data.classes is not None:
        labels = table[target].astype(str).to_numpy()
    else:
        labels = np.asarray(pd_numeric(table[target]), dtype=float)
    act = ex.settings.output_activation
    regression = ex.task == "regression"
    iteration = ex.trainer.iteration if iteration is None else iteration
    splits = np.asarray(data.splits)
    keep = np.ones(len(splits), dtype=bool) if show_test else splits != "test"
    common = dict(
        x_range=xr,
        y_range=yr,
        points={"x": raw[keep, 0], "y": raw[keep, 1], "label": labels[keep], "split": splits[keep]},
        resolution=resolution,
        output_activation="linear" if regression else act,
        discretize=discretize,
        class_names=data.classes,
        title=f"Output over ({short_name(x_name)}, {short_name(y_name)}) · iteration {iteration}",
    )
    predict = _predict_units(ex, network)
    place = neuron_place(ex, neuron)
    if place is not None:  # one neuron's activation, its layer's colour range
        layer, j = place
        net = ex.network if network is None else network

        def predict(XY):
            return net.forward_layers(grid_X(ex, XY))[layer][:, j : j + 1]

        common.update(
            output_activation=net.activations[layer],
            discretize=False,
            title=f"Neuron {neuron} over ({short_name(x_name)}, "
            f"{short_name(y_name)}) · iteration {iteration}",
        )
        if patch:
            return charts.decision_plane_patch(predict, **common)
        return charts.decision_plane(
            predict,
            x_label=x_name,
            y_label=y_name,
            height=height,
            label_activation="linear" if regression else act,
            **common,
        )
    if patch:
        return charts.decision_plane_patch(predict, **common)
    return charts.decision_plane(predict, x_label=x_name, y_label=y_name, height=height, **common)


def neuron_place(ex: Explorer, name: str | None) -> tuple[int, int] | None:
    """(layer index from 0 = first hidden, neuron) of the neuron named ``name``, or None."""
    if not name:
        return None
    for layer, names in enumerate(layer_names(ex)[1:]):
        if name in names:
            return layer, names.index(name)
    return None


def thumbnails_view(ex: Explorer, *, resolution: int = 24, network=None, patch: bool = False):
    """Every neuron's activation over the input plane (the playground's thumbnails).

    Cells shrink for wide layers so the figure stays about as tall as the diagram.
    ``network``: another state of the run; ``patch=True``: only what differs."""
    xr, yr = plane_ranges(ex)
    net = ex.network if network is None else network

    def layers(XY):
        return net.forward_layers(grid_X(ex, XY))

    common = dict(x_range=xr, y_range=yr, resolution=resolution, activations=net.activations)
    if patch:
        return charts.neuron_thumbnails_patch(layers, **common)
    return charts.neuron_thumbnails(
        layers, layer_names=layer_names(ex)[1:], cell_px=thumbnail_px(ex), **common
    )


THUMBS_WIDTH = 420  # px: the neuron maps' room, the live view's right column at 1280 px
THUMB_PX = (32, 78)  # the smallest and largest map, px


def thumbnail_px(ex: Explorer) -> int:
    """Thumbnail width: smaller for wide layers, so the maps stay about as tall as the
    diagram, and for many layers, so that all of them fit THUMBS_WIDTH side by side."""
    sizes = ex.network.layer_sizes[1:]
    lo, hi = THUMB_PX
    px = int(np.clip(420 // max(sizes), lo, hi))
    while px > lo and charts.thumbnails_size(sizes, px)[0] > THUMBS_WIDTH:
        px -= 1
    return px


def thumbnails_height(ex: Explorer) -> int:
    return charts.thumbnails_size(ex.network.layer_sizes[1:], thumbnail_px(ex))[1]


def has_curve(ex: Explorer) -> bool:
    """One raw input column (any derived features are computed along the curve)."""
    return (
        len(ex.data.raw_inputs) == 1
        and not ex.data.categories
        and ex.data.n_outputs == 1
        and ex.task == "regression"
    )


def curve_view(ex: Explorer, *, points: int = 200, height: int = 400) -> go.Figure:
    """One input: the network's output as a curve over the input, the rows on top."""
    data = ex.data
    raw = raw_rows(ex)[:, 0]
    x_name = data.raw_inputs[0]
    lo, hi = float(raw.min()), float(raw.max())
    pad = max((hi - lo) * PLANE_MARGIN, 1e-9)
    grid = np.linspace(lo - pad, hi + pad, points)
    curve = _predict_units(ex)(grid.reshape(-1, 1))[:, 0]
    target = data.targets[0]
    truth = pd_numeric(ex.table.loc[data.index, target])
    return charts.fit_curve(
        grid,
        curve,
        x=raw,
        y=truth,
        split=np.asarray(data.splits),
        x_label=x_name,
        y_label=target,
        height=height,
        title=f"The network's {short_name(target)} over "
        f"{short_name(x_name)} · iteration {ex.trainer.iteration}",
    )


def fit_view(ex: Explorer) -> go.Figure:
    """Regression: predicted against actual, in the user's units."""
    data = ex.data
    pred = ex.predictions()
    target = data.targets[0]
    truth = pd_numeric(ex.table.loc[data.index, target])
    col = "prediction" if "prediction" in pred else f"predicted {target}"
    keep = np.asarray(data.splits) != "predict"
    return charts.prediction_scatter(
        np.asarray(truth)[keep],
        pred[col].to_numpy()[keep],
        split=np.asarray(data.splits)[keep],
        target_name=target,
    )


def pd_numeric(series) -> np.ndarray:
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
