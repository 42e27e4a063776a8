"""The diagram's traces: edges binned by sign and size, their hover points, the nodes
and the bias squares, in the fixed order the package's docstring gives."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .._style import (
    BLUE,
    DIVERGING,
    INK,
    ORANGE,
    WHITE,
    rgba,
    to_f32,
)
from .geometry import _Geometry

N_BINS = 4
EDGE_WIDTHS = (1.0, 2.5, 4.5, 7.0)  # px, per |value| bin
EDGE_ALPHAS = (0.35, 0.55, 0.8, 1.0)  # thin edges are also fainter
HOVER_AT = 0.35  # hover point position along an edge, from its source (no two coincide)
N_TRACES = 2 * N_BINS + 3
EDGE_HOVER, NODE_TRACE, BIAS_TRACE = 2 * N_BINS, 2 * N_BINS + 1, 2 * N_BINS + 2


def edge_bins(values: np.ndarray, scale: float) -> np.ndarray:
    """Trace index (0 … 2·N_BINS-1) of each edge value: sign × |value|/scale bin."""
    values = np.asarray(values, dtype=float)
    a = np.abs(np.nan_to_num(values)) / (scale if scale > 0 else 1.0)
    b = np.clip(np.floor(a * N_BINS), 0, N_BINS - 1).astype(int)
    return np.where(values < 0, N_BINS + b, b)


def _segments(geom: _Geometry, idx: np.ndarray) -> tuple[list, list]:
    k = idx.shape[0]
    x = np.empty(3 * k, dtype=object)
    y = np.empty(3 * k, dtype=object)
    x[0::3] = [int(v) for v in geom.x0[idx]]
    x[1::3] = [int(v) for v in geom.x1[idx]]
    y[0::3] = [float(v) for v in geom.y0[idx]]
    y[1::3] = [float(v) for v in geom.y1[idx]]
    x[2::3] = None
    y[2::3] = None
    return x.tolist(), y.tolist()


def _edge_traces(geom, values, scale, *, full: bool) -> list:
    bins = edge_bins(values, scale)
    traces = []
    for t in range(2 * N_BINS):
        x, y = _segments(geom, np.flatnonzero(bins == t))
        if not full:  # frame payload: a plain dict (validated once, with the figure)
            traces.append({"type": "scatter", "x": x, "y": y})
            continue
        sign, b = divmod(t, N_BINS)
        traces.append(
            go.Scatter(
                x=x,
                y=y,
                mode="lines",
                hoverinfo="skip",
                showlegend=False,
                name=_bin_name(t, scale),
                line=dict(
                    color=rgba(ORANGE if sign else BLUE, EDGE_ALPHAS[b]), width=EDGE_WIDTHS[b]
                ),
            )
        )
    return traces


def _bin_name(t: int, scale: float) -> str:
    """Edge trace ``t``'s name: its sign and the |value| range it draws."""
    sign, b = divmod(t, N_BINS)
    lo, hi = b / N_BINS * scale, (b + 1) / N_BINS * scale
    return f"{'−' if sign else '+'} |v| {lo:.2g}–{hi:.2g}"


def _flat(arrays) -> np.ndarray:
    return np.concatenate([np.asarray(a, dtype=float).ravel() for a in arrays])


def _node_array(node_values, sizes) -> np.ndarray | None:
    """Node values as one flat array over all nodes (NaN for a layer not given)."""
    if node_values is None:
        return None
    node_values = list(node_values)
    if len(node_values) == len(sizes) - 1:  # no input layer given
        node_values = [np.full(sizes[0], np.nan)] + node_values
    if len(node_values) != len(sizes):
        raise ValueError(
            f"node_values needs one array per layer ({len(sizes)} incl. the input "
            f"layer); got {len(node_values)}"
        )
    out = []
    for l, (v, n) in enumerate(zip(node_values, sizes, strict=True)):
        v = np.asarray(v, dtype=float).reshape(-1)
        if v.shape[0] != n:
            raise ValueError(f"node_values[{l}] has {v.shape[0]} values for {n} nodes")
        out.append(v)
    return np.concatenate(out)


def _bias_array(biases, sizes) -> np.ndarray:
    if biases is None:
        return np.full(sum(sizes[1:]), np.nan)
    biases = [np.asarray(b, dtype=float).reshape(-1) for b in biases]
    for l, b in enumerate(biases):
        if b.shape[0] != sizes[l + 1]:
            raise ValueError(f"biases[{l}] has {b.shape[0]} values; expected {sizes[l + 1]}")
    return np.concatenate(biases)


def _dynamic_traces(
    geom,
    weights,
    biases,
    node_values,
    edge_values,
    *,
    edge_scale,
    node_max,
    bias_max,
    full: bool,
    statics: dict | None = None,
) -> list:
    """The N_TRACES traces for one state. ``full=False``: only what changes, as dicts
    (frame payloads)."""
    w = _flat(weights)
    v = w if edge_values is None else _flat(edge_values)
    b = _bias_array(biases, geom.sizes)
    nv = _node_array(node_values, geom.sizes)
    traces = _edge_traces(geom, v, edge_scale, full=full)

    hover_cd = to_f32(v if edge_values is None else np.column_stack([v, w]))
    n_in = geom.sizes[0]
    node_cd = np.column_stack(
        [
            np.full(geom.node_x.shape, np.nan) if nv is None else nv,
            np.concatenate([np.full(n_in, np.nan), b]),
        ]
    )
    bias_color = np.nan_to_num(b)
    node_color = None if nv is None else np.where(np.isnan(nv), 0.0, nv)
    if not full:
        traces.append({"type": "scatter", "customdata": hover_cd})
        node = {"type": "scatter", "customdata": to_f32(node_cd)}
        if node_color is not None:
            node["marker"] = {"color": to_f32(node_color)}
        traces.append(node)
        traces.append(
            {"type": "scatter", "customdata": to_f32(b), "marker": {"color": to_f32(bias_color)}}
        )
        return traces

    s = statics
    size = s["node_px"]
    traces.append(
        go.Scatter(
            x=s["hover_x"],
            y=s["hover_y"],
            mode="markers",
            text=s["edge_names"],
            customdata=hover_cd,
            hovertemplate=s["edge_template"],
            showlegend=False,
            marker=dict(size=14, color="rgba(0,0,0,0)"),
            name="edges",
        )
    )
    marker = dict(size=size, line=dict(color=INK, width=1.5))
    if node_color is None:
        marker["color"] = WHITE
    else:
        marker.update(
            color=to_f32(node_color),
            colorscale=DIVERGING,
            cmin=-node_max,
            cmax=node_max,
            showscale=True,
            colorbar=dict(
                title=dict(text="node value", side="right"),
                thickness=14,
                len=0.75,
                tickfont=dict(size=14),
                x=1.0,
                xref="container",
                xanchor="right",
                xpad=10,
            ),
        )
    traces.append(
        go.Scatter(
            x=geom.node_x,
            y=geom.node_y,
            mode="markers",
            text=s["node_names"],
            customdata=to_f32(node_cd),
            hovertemplate=s["node_templates"],
            showlegend=False,
            name="nodes",
            marker=marker,
        )
    )
    traces.append(
        go.Scatter(
            x=np.round(geom.node_x[n_in:] + s["bias_dx"], 4),
            y=np.round(geom.node_y[n_in:] + s["bias_dy"], 4),
            mode="markers",
            text=s["bias_names"],
            customdata=to_f32(b),
            hovertemplate="%{text} = %{customdata:.4g}<extra></extra>",
            showlegend=False,
            name="biases",
            visible=biases is not None,
            marker=dict(
                symbol="square",
                size=max(7.0, size * 0.34),
                color=to_f32(bias_color),
                colorscale=DIVERGING,
                cmin=-bias_max,
                cmax=bias_max,
                line=dict(color=INK, width=1),
            ),
        )
    )
    return traces


def _statics(
    geom,
    layer_names,
    activations,
    edge_values_given: bool,
    edge_label: str,
    has_node_values: bool,
    frame: dict,
) -> dict:
    names = [str(n) for layer in layer_names for n in layer]
    prefix = "W" if edge_label == "weight" else edge_label
    edge_names = [
        f"{prefix}{l + 1}[{names[i]}→{names[j]}]"
        for l, i, j in zip(geom.edge_layer, geom.edge_from, geom.edge_to, strict=True)
    ]
    if edge_values_given:
        template = "%{text} = %{customdata[0]:.4g}<br>W = %{customdata[1]:.4g}<extra></extra>"
    else:
        template = "%{text} = %{customdata:.4g}<extra></extra>"
    n_in = geom.sizes[0]
    bias_names = []
    node_templates = []
    for l, n in enumerate(geom.sizes):
        act = activations[l - 1] if (activations and l > 0) else None
        for j in range(n):
            name = str(layer_names[l][j])
            if l > 0:
                bias_names.append(f"b{l}[{name}]")
            lines = [f"<b>{name}</b>" + (f" ({act})" if act else "")]
            if has_node_values:
                lines.append(("input" if l == 0 else "activation") + " = %{customdata[0]:.4g}")
            if l > 0:
                lines.append(f"bias b{l} = %{{customdata[1]:.4g}}")
            node_templates.append("<br>".join(lines) + "<extra></extra>")
    t = HOVER_AT
    return dict(
        edge_names=edge_names,
        edge_template=template,
        bias_names=bias_names,
        node_names=names,
        node_templates=node_templates,
        hover_x=np.round((1 - t) * geom.x0 + t * geom.x1, 4),
        hover_y=np.round((1 - t) * geom.y0 + t * geom.y1, 4),
        n_in=n_in,
        node_px=frame["node_px"],
        unit_px=frame["unit"],
        # the bias square sits just outside its node, below and to the left (45°), clear
        # of the output names on the right
        bias_dx=-0.92 * frame["node_px"] / frame["spacing"],
        bias_dy=-0.92 * frame["node_px"] / frame["unit"],
    )
