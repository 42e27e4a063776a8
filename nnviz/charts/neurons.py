"""Every neuron's own map: its activation over the input plane, layer by layer, in one
figure of small heatmaps (TensorFlow Playground's neuron thumbnails); click one to see
it large in the plane."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ._style import DIVERGING, INK, base_layout, esc, symmetric_max, to_f32
from .diagram import default_layer_names
from .plane import OUTPUT_RANGES, plane_grid


def _activation_range(act: str | None, values: list[np.ndarray]):
    """(zmin, zmax, zmid) for one layer's thumbnails."""
    if act in OUTPUT_RANGES:
        lo, hi = OUTPUT_RANGES[act]
        return lo, hi, (lo + hi) / 2
    if act is None:
        v = np.concatenate([a.ravel() for a in values])
        v = v[np.isfinite(v)]
        if v.size and v.min() >= 0 and v.max() <= 1:
            return 0.0, 1.0, 0.5
    z = symmetric_max(*values)
    return -z, z, 0.0


def _thumbnail_layers(network_or_forward_layers_fn, activations, x_range, y_range, resolution):
    obj = network_or_forward_layers_fn
    if hasattr(obj, "forward_layers"):
        if activations is None:
            activations = list(obj.activations)
        fn = obj.forward_layers
    elif callable(obj):
        fn = obj
    else:
        raise TypeError("pass a Network or a function returning the layer activations")
    xs, ys, XY = plane_grid(x_range, y_range, resolution)
    return xs, ys, [np.asarray(A, dtype=float) for A in fn(XY)], activations


def _thumbnail_values(layers, activations, n: int):
    """Per layer: its neurons' maps stacked top-down as one mosaic ((n + GAP)·size − GAP
    rows, NaN between the maps) and the layer's colour range (zmin, zmax, zmid)."""
    rows = max(A.shape[1] for A in layers)
    out = []
    for c, A in enumerate(layers):
        act = activations[c] if activations is not None else None
        zmin, zmax, zmid = _activation_range(act, [A])
        out.append(
            (
                _mosaic([np.round(A[:, r].reshape(n, n), 4) for r in range(A.shape[1])], n, rows),
                zmin,
                zmax,
                zmid,
            )
        )
    return out


THUMB_GAP = 0.35  # the gap between two neurons' maps, in map heights


def _gap(n: int) -> int:
    return max(1, round(THUMB_GAP * n))


def _mosaic(maps: list, n: int, rows: int) -> np.ndarray:
    """Maps (each n × n, row 0 at the bottom as in a heatmap) stacked with the first on
    top, in a column as tall as ``rows`` maps; NaN (blank) in the gaps and below."""
    g = _gap(n)
    z = np.full((rows * (n + g) - g, n), np.nan, dtype=np.float32)
    for r, M in enumerate(maps):
        top = (rows - 1 - r) * (n + g)  # row index of this map's first (bottom) row
        z[top : top + n] = to_f32(M)  # a diverged run's huge values are clipped, quietly
    return z


def _mosaic_neurons(sizes, n: int) -> list[np.ndarray]:
    """Per layer, each mosaic cell's neuron (its index in the layer; −1 in the gaps)."""
    rows = max(sizes)
    out = []
    for size in sizes:
        cell = _mosaic([np.full((n, n), float(r)) for r in range(size)], n, rows)
        out.append(np.where(np.isnan(cell), -1, cell).astype(int))
    return out


def neuron_thumbnails_patch(
    network_or_forward_layers_fn,
    *,
    x_range: Sequence[float],
    y_range: Sequence[float],
    resolution: int = 24,
    activations: Sequence[str] | None = None,
) -> dict:
    """What :func:`neuron_thumbnails` (same arguments) draws differently for another
    state of the network: every layer's maps and colour range, as a patch."""
    xs, _, layers, activations = _thumbnail_layers(
        network_or_forward_layers_fn, activations, x_range, y_range, resolution
    )
    values = _thumbnail_values(layers, activations, xs.shape[0])
    return {
        "data": {
            str(i): {"z": z, "zmin": lo, "zmax": hi, "zmid": mid}
            for i, (z, lo, hi, mid) in enumerate(values)
        },
        "layout": {},
    }


def neuron_thumbnails(
    network_or_forward_layers_fn,
    *,
    x_range: Sequence[float],
    y_range: Sequence[float],
    resolution: int = 24,
    layer_names: Sequence[Sequence] | None = None,
    activations: Sequence[str] | None = None,
    height: int | None = None,
    cell_px: int = 78,
) -> go.Figure:
    """Every hidden and output neuron's activation over the input plane, as small maps.

    One column per layer (hidden 1 … output), neurons stacked top-down, each map titled
    with its neuron's name. A layer is one heatmap (its maps stacked with blank gaps),
    so the figure stays light to draw and to update whatever the network's size. The
    heatmap's ``customdata`` says which neuron each cell belongs to (−1 in a gap) and
    its ``name`` is the layer's. ``network_or_forward_layers_fn`` is a ``Network`` with
    two inputs (its ``forward_layers`` is used) or a function taking an (m, 2) array of
    input-plane points and returning ``[A_1, …, A_L]`` (so the app can scale the inputs
    first). Colours: orange ↔ white ↔ blue, over the activation's range (sigmoid/softmax
    [0, 1] white at 0.5, tanh [−1, 1], ReLU/linear ±max|A| of the layer).
    ``activations`` defaults to the network's. The figure has a fixed width
    (``cell_px`` per map).
    """
    xs, ys, layers, activations = _thumbnail_layers(
        network_or_forward_layers_fn, activations, x_range, y_range, resolution
    )
    n = xs.shape[0]
    L = len(layers)
    sizes = [A.shape[1] for A in layers]
    if layer_names is None:
        layer_names = default_layer_names([2] + sizes)
    layer_names = [[esc(n) for n in x] for x in layer_names]
    if len(layer_names) == L + 1:  # drop the input layer's names
        layer_names = layer_names[1:]
    if [len(x) for x in layer_names] != sizes:
        raise ValueError(
            f"layer_names has {[len(x) for x in layer_names]} labels per layer; "
            f"the layers have {sizes} neurons"
        )
    rows, g = max(sizes), _gap(n)
    col_w = n + g + 2  # a layer's column, in map cells (its maps and room for a title)
    fig = go.Figure()
    annotations = []
    for c, ((z, zmin, zmax, zmid), who) in enumerate(
        zip(_thumbnail_values(layers, activations, n), _mosaic_neurons(sizes, n))
    ):
        names = np.array(layer_names[c], dtype=object)
        fig.add_trace(
            go.Heatmap(
                z=z,
                x0=c * col_w,
                dx=1,
                y0=0,
                dy=1,
                zmin=zmin,
                zmax=zmax,
                zmid=zmid,
                colorscale=DIVERGING,
                showscale=False,
                name=f"layer {c + 1}",
                customdata=who,
                text=np.where(who >= 0, names[np.clip(who, 0, None)], ""),
                hovertemplate="%{text} = %{z:.3g}<extra></extra>",
                hoverongaps=False,
            )
        )
        for r, name in enumerate(layer_names[c]):
            annotations.append(
                dict(
                    x=c * col_w + (n - 1) / 2,
                    y=(rows - 1 - r) * (n + g) + n - 0.5,
                    xref="x",
                    yref="y",
                    yanchor="bottom",
                    showarrow=False,
                    text=str(name),
                    font=dict(size=14, color=INK),
                )
            )
    top = rows * (n + g) - g
    width, tall = thumbnails_size(sizes, cell_px)
    base_layout(fig, height=height or tall, margin=dict(l=8, r=8, t=8, b=8))
    fig.update_layout(width=width, annotations=annotations, hovermode="closest")
    fig.update_xaxes(visible=False, range=[-0.5, L * col_w - g - 2.5], fixedrange=True)
    fig.update_yaxes(visible=False, range=[-0.5, top + g * 0.9], fixedrange=True, scaleanchor="x")
    return fig


def thumbnails_size(sizes: Sequence[int], cell_px: int) -> tuple[int, int]:
    """(width, height) in px of :func:`neuron_thumbnails` for layers of these sizes
    (hidden and output) with maps ``cell_px`` wide (a gap and a title between maps)."""
    return (
        int(16 + len(sizes) * cell_px * (1 + THUMB_GAP + 0.1)),
        int(16 + max(sizes) * cell_px * (1 + THUMB_GAP) + 0.3 * cell_px),
    )
