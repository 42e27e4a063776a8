"""The network as a graph: nodes by layer, edges coloured and sized by weight (or gradient).

Edges are grouped into a fixed set of traces, ``2 signs × N_BINS width bins``
(positive first, thinnest bin first), each a polyline ``[x0, x1, None, …]``; an
empty bin is still a trace with empty x/y. Then come three more traces: invisible
hover points on the edges, the nodes and the bias squares. So the trace count and
order depend on nothing but ``N_BINS``, and frames can animate. Trace layout::

    0 … N_BINS-1            positive edges, |value| bin 0 … N_BINS-1
    N_BINS … 2·N_BINS-1     negative edges
    2·N_BINS                edge hover points ("W2[h1.1→ŷ] = 0.42")
    2·N_BINS + 1            nodes (filled with node_values, if given)
    2·N_BINS + 2            bias squares (on the lower edge of their node)
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from ._style import (
    BLUE,
    DIVERGING,
    FONT_SIZE,
    GREY,
    INK,
    ORANGE,
    WHITE,
    base_layout,
    esc,
    even_indices,
    rgba,
    symmetric_max,
    to_f32,
)

N_BINS = 4
EDGE_WIDTHS = (1.0, 2.5, 4.5, 7.0)  # px, per |value| bin
EDGE_ALPHAS = (0.35, 0.55, 0.8, 1.0)  # thin edges are also fainter
HOVER_AT = 0.35  # hover point position along an edge, from its source (no two coincide)
NODE_SIZE = 28  # px, the largest; shrunk when a layer is crowded
N_TRACES = 2 * N_BINS + 3
EDGE_HOVER, NODE_TRACE, BIAS_TRACE = 2 * N_BINS, 2 * N_BINS + 1, 2 * N_BINS + 2
MIN_LABEL_GAP_PX = 34  # hidden-node labels are drawn only when nodes are this far apart
DESIGN_WIDTH = 470  # px the diagram's labels are laid out for (the live view's column)
Y_BELOW, Y_ABOVE = 0.7, 1.5  # y range beyond the outer nodes (room for layer titles above)


def default_layer_names(
    layer_sizes: Sequence[int],
    input_names: Sequence | None = None,
    output_names: Sequence | None = None,
) -> list[list[str]]:
    """Node labels per layer: the inputs' column names (default x1, x2 …), hidden
    neurons "h1.1", "h1.2" … (layer.neuron, 1-based), the outputs' target names
    (default "ŷ", or "ŷ1", "ŷ2" … for several)."""
    sizes = [int(s) for s in layer_sizes]
    names: list[list[str]] = []
    names.append(
        [str(n) for n in input_names]
        if input_names is not None
        else [f"x{i + 1}" for i in range(sizes[0])]
    )
    for l, n in enumerate(sizes[1:-1], start=1):
        names.append([f"h{l}.{j + 1}" for j in range(n)])
    if output_names is not None:
        names.append([str(n) for n in output_names])
    else:
        names.append(["ŷ"] if sizes[-1] == 1 else [f"ŷ{j + 1}" for j in range(sizes[-1])])
    for l, (lab, n) in enumerate(zip(names, sizes, strict=True)):
        if len(lab) != n:
            raise ValueError(f"layer {l} has {n} nodes but {len(lab)} names: {lab}")
    return names


@dataclass
class _Geometry:
    sizes: list
    node_x: np.ndarray  # (N,)
    node_y: np.ndarray
    offsets: list  # first node index of each layer
    x0: np.ndarray  # (E,) edge ends, edges in W_1.ravel(), W_2.ravel() … order
    y0: np.ndarray
    x1: np.ndarray
    y1: np.ndarray
    edge_layer: np.ndarray  # (E,) 0-based weight layer
    edge_from: np.ndarray  # (E,) global node index
    edge_to: np.ndarray


def _geometry(sizes: Sequence[int]) -> _Geometry:
    return _geometry_of(tuple(int(s) for s in sizes))


@functools.lru_cache(maxsize=64)
def _geometry_of(sizes: tuple) -> _Geometry:
    """Node and edge positions of one architecture (cached: live views redraw it often;
    the arrays are only read)."""
    sizes = list(sizes)
    node_x, node_y, offsets = [], [], []
    for l, n in enumerate(sizes):
        offsets.append(len(node_x))
        for j in range(n):
            node_x.append(float(l))
            node_y.append((n - 1) / 2 - j)  # centred, node 0 on top
    node_x, node_y = np.array(node_x), np.array(node_y)
    frm, to, lay = [], [], []
    for l in range(len(sizes) - 1):
        i = np.repeat(np.arange(sizes[l]), sizes[l + 1]) + offsets[l]
        j = np.tile(np.arange(sizes[l + 1]), sizes[l]) + offsets[l + 1]
        frm.append(i)
        to.append(j)
        lay.append(np.full(i.shape, l))
    frm, to, lay = np.concatenate(frm), np.concatenate(to), np.concatenate(lay)
    return _Geometry(
        sizes,
        node_x,
        node_y,
        offsets,
        node_x[frm],
        node_y[frm],
        node_x[to],
        node_y[to],
        lay,
        frm,
        to,
    )


def _margins_tb(title, animated: bool = False) -> tuple[int, int]:
    return (50 if title else 12), (120 if animated else 34)


MAX_LABEL = 14  # characters of a node's name on the diagram (the hover has it whole)


def node_label(name: str) -> str:
    """A node's name as drawn beside it: at most MAX_LABEL characters (chart text)."""
    raw = html.unescape(str(name))
    return esc(raw if len(raw) <= MAX_LABEL else raw[: MAX_LABEL - 1] + "…")


def text_px(text: str, bold: bool = False) -> float:
    """About how wide ``text`` is at the charts' font size (for laying labels out)."""
    return len(str(text)) * FONT_SIZE * (0.64 if bold else 0.58)


#: short forms of the layer headers' activation names, for narrow layer columns
SHORT_ACTIVATIONS = {"sigmoid": "σ", "softmax": "smax", "linear": "lin", "leaky_relu": "lrelu"}


def _headers(L: int, activations, spacing: float) -> tuple[list[str], list[str]]:
    """Each layer's header and activation line: full words when they fit the column
    width ``spacing`` (px) side by side, else short ones ("h3", "σ"), else (an
    activation) none: the hover of each node says it."""
    full = ["input"] + [f"hidden {l}" for l in range(1, L)] + ["output"]
    short = ["x"] + [f"h{l}" for l in range(1, L)] + ["ŷ"]
    acts = [""] + [str(a) for a in activations] if activations else [""] * (L + 1)
    room = spacing - 6
    heads = full if max(text_px(h, True) for h in full) <= room else short
    if max(text_px(a) for a in acts) > room:
        acts = [SHORT_ACTIVATIONS.get(a, a) for a in acts]
        # still too wide: the node's hover names its activation
        acts = [a if text_px(a) <= room else "" for a in acts]
    return heads, acts


def _frame(
    geom,
    layer_names,
    *,
    width: int,
    height: int,
    title,
    has_node_values: bool,
    animated: bool = False,
) -> dict:
    """Pixel layout for a diagram ``width`` × ``height`` px: margins, the px per unit of
    x (one layer to the next) and of y (one node to the next), the node size."""
    L = len(geom.sizes) - 1
    n_max = max(geom.sizes)
    top, bottom = _margins_tb(title, animated)
    plot_h = max(float(height) - top - bottom, 100.0)
    unit = plot_h / (n_max - 1 + Y_BELOW + Y_ABOVE)
    in_px = max(text_px(html.unescape(node_label(n))) for n in layer_names[0])
    out_px = max(text_px(html.unescape(node_label(n))) for n in layer_names[-1])
    node_px = float(np.clip(0.56 * unit, 14, NODE_SIZE))
    left = int(14 + in_px + node_px / 2)
    right = int(24 + out_px + node_px / 2 + (62 if has_node_values else 0))
    plot_w = max(float(width) - left - right, 60.0)
    spacing = plot_w / (L + 0.6)  # the x range is [-0.3, L + 0.3]
    node_px = float(min(node_px, max(0.5 * spacing, 10.0)))
    return dict(
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        plot_w=plot_w,
        spacing=spacing,
        unit=unit,
        node_px=node_px,
    )


def _check_shapes(weights, sizes, what="weights"):
    arrays = [np.asarray(W, dtype=float) for W in weights]
    for l, W in enumerate(arrays):
        if W.shape != (sizes[l], sizes[l + 1]):
            expected = (sizes[l], sizes[l + 1])
            raise ValueError(f"{what}[{l}] has shape {W.shape}; expected {expected}")
    return arrays


def _sizes_of(weights) -> list[int]:
    weights = [np.asarray(W) for W in weights]
    if not weights:
        raise ValueError("a network needs at least one weight matrix")
    for l in range(1, len(weights)):
        if weights[l].shape[0] != weights[l - 1].shape[1]:
            raise ValueError(
                f"weights[{l}] has {weights[l].shape[0]} rows but weights[{l - 1}] "
                f"has {weights[l - 1].shape[1]} columns"
            )
    return [weights[0].shape[0]] + [W.shape[1] for W in weights]


def edge_at(sizes: Sequence[int], index: int) -> tuple[int, int, int]:
    """The weight an edge hover point stands for: ``(layer, i, j)`` of ``W{layer}[i, j]``
    (layer 1-based), from its index in the hover trace (edges in W1, W2 … order)."""
    sizes = [int(s) for s in sizes]
    index = int(index)
    for layer, (n_in, n_out) in enumerate(zip(sizes, sizes[1:]), start=1):
        if 0 <= index < n_in * n_out:
            return layer, index // n_out, index % n_out
        index -= n_in * n_out
    raise ValueError(f"no edge {index} in a network of {sizes}")


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


def _layout(
    fig,
    geom,
    layer_names,
    activations,
    *,
    frame,
    height,
    title,
    edge_label,
    has_node_values,
    animated=False,
):
    L = len(geom.sizes) - 1
    n_max = max(geom.sizes)
    node_px, unit_px, spacing = frame["node_px"], frame["unit"], frame["spacing"]
    heads, acts = _headers(L, activations, spacing)
    annotations = []
    for l, n in enumerate(geom.sizes):
        annotations.append(
            dict(
                x=l,
                y=(n_max - 1) / 2,
                xref="x",
                yref="y",
                showarrow=False,
                yshift=node_px / 2 + 18,
                text=f"<b>{heads[l]}</b>" + (f"<br>{acts[l] or '&nbsp;'}" if activations else ""),
                yanchor="bottom",
                font=dict(size=FONT_SIZE, color=INK),
                name="header",
            )
        )
        r = node_px / 2
        hidden_room = spacing - 1.8 * r  # from this node's label to the next column's node
        for j in range(n):
            k = geom.offsets[l] + j
            label = node_label(layer_names[l][j])
            if l == 0:
                pos = dict(xanchor="right", xshift=-(r + 4))
            elif l == L:
                pos = dict(xanchor="left", xshift=r + 4)
            elif unit_px >= MIN_LABEL_GAP_PX and text_px(html.unescape(label)) <= hidden_room:
                # above right of the node, outside its circle and clear of the next column
                pos = dict(xanchor="left", yanchor="bottom", xshift=0.72 * r, yshift=0.72 * r)
            else:  # too crowded: hidden names only in the hover, as in the playground
                continue
            annotations.append(
                dict(
                    x=geom.node_x[k],
                    y=geom.node_y[k],
                    xref="x",
                    yref="y",
                    text=label,
                    showarrow=False,
                    font=dict(size=FONT_SIZE, color=INK),
                    bgcolor=rgba(WHITE, 0.75),
                    borderpad=0,
                    **pos,
                )
            )
    what = "|w|" if edge_label == "weight" else f"|{edge_label}|"
    legend = (
        f"<span style='color:{BLUE}'><b>blue</b></span> positive · "
        f"<span style='color:{ORANGE}'><b>orange</b></span> negative · "
        f"line width ∝ {what}"
    )
    # under the diagram from the figure's left edge (not the plot's: long input names
    # make a wide left margin), in full if it fits the figure's width, else short
    width = frame["plot_w"] + frame["left"] + frame["right"]
    if 1.05 * text_px(f"blue positive · orange negative · line width ∝ {what}") > width - 12:
        legend = (
            f"<span style='color:{BLUE}'><b>blue</b></span> + · "
            f"<span style='color:{ORANGE}'><b>orange</b></span> − · width ∝ {what}"
        )
    annotations.append(
        dict(
            x=0,
            y=0,
            xref="paper",
            yref="paper",
            yanchor="top",
            xanchor="left",
            xshift=-(frame["left"] - 6),
            yshift=-6,
            showarrow=False,
            font=dict(size=FONT_SIZE, color=GREY),
            text=legend,
            name="legend",
        )
    )
    base_layout(
        fig,
        height=height,
        title=title,
        margin=dict(l=frame["left"], r=frame["right"], t=frame["top"], b=frame["bottom"]),
    )
    fig.update_layout(
        annotations=annotations,
        showlegend=False,
        hovermode="closest",
        hoverdistance=16,
        dragmode=False,
    )
    fig.update_xaxes(visible=False, range=[-0.3, L + 0.3], fixedrange=True)
    fig.update_yaxes(
        visible=False,
        fixedrange=True,
        range=[-(n_max - 1) / 2 - Y_BELOW, (n_max - 1) / 2 + Y_ABOVE],
    )
    return fig


def _prepare(weights, layer_names, activations):
    sizes = _sizes_of(weights)
    if layer_names is None:
        layer_names = default_layer_names(sizes)
    layer_names = [[esc(n) for n in layer] for layer in layer_names]  # text, never markup
    if [len(x) for x in layer_names] != sizes:
        raise ValueError(
            f"layer_names has {[len(x) for x in layer_names]} labels per layer; "
            f"the network has {sizes}"
        )
    if activations is not None:
        activations = [str(a) for a in activations]
        if len(activations) != len(sizes) - 1:
            raise ValueError(f"activations needs {len(sizes) - 1} names, got {len(activations)}")
    return sizes, layer_names, activations


def _state(sizes, weights, biases, node_values, edge_values, edge_scale, node_max):
    """One state of the network as the diagram and its patch both read it: the checked
    weights and edge values, the node values' array, and the colour scales of the
    edges, nodes and biases (so a patch scales exactly as the whole figure does)."""
    weights = _check_shapes(weights, sizes)
    if edge_values is not None:
        edge_values = _check_shapes(edge_values, sizes, "edge_values")
    scale = symmetric_max(_flat(weights if edge_values is None else edge_values), zmax=edge_scale)
    nv = _node_array(node_values, sizes)
    nmax = symmetric_max(nv if nv is not None else [], zmax=node_max)
    bmax = symmetric_max(_bias_array(biases, sizes))
    return weights, edge_values, nv, scale, nmax, bmax


def network_diagram(
    weights: Sequence,
    biases: Sequence | None = None,
    *,
    layer_names: Sequence[Sequence] | None,
    activations: Sequence[str] | None = None,
    node_values: Sequence | None = None,
    edge_values: Sequence | None = None,
    edge_label: str = "weight",
    height: int = 460,
    width: int = DESIGN_WIDTH,
    edge_scale: float | None = None,
    node_max: float | None = None,
    title: str | None = None,
) -> go.Figure:
    """The network drawn as a graph: one column of nodes per layer.

    Edges are blue (positive) or orange (negative), wider and darker with a larger
    |value| (``N_BINS`` bins of ``edge_scale``, default the largest |value|).
    ``edge_values`` (arrays shaped like ``weights``) replaces the weights for
    colour and width, e.g. the gradients dL/dW with ``edge_label="dL/dW"``; the
    hover then shows both. ``node_values``: one array per layer (input included,
    e.g. ``[x_row] + net.forward_layers(x_row)``) fills the nodes with a diverging
    colour centred at 0 (range ±``node_max``, default the largest |value|) and a
    colourbar. Biases are small squares under their nodes. ``layer_names``: lists of
    node labels (see :func:`default_layer_names`; None for defaults).

    Always ``N_TRACES`` traces in the same order (see the module docstring),
    whatever the values, so figures of one architecture can be swapped or animated.
    """
    sizes, layer_names, activations = _prepare(weights, layer_names, activations)
    weights, edge_values, nv, scale, nmax, bmax = _state(
        sizes, weights, biases, node_values, edge_values, edge_scale, node_max
    )
    geom = _geometry(sizes)
    frame = _frame(
        geom, layer_names, width=width, height=height, title=title, has_node_values=nv is not None
    )
    statics = _statics(
        geom, layer_names, activations, edge_values is not None, edge_label, nv is not None, frame
    )
    traces = _dynamic_traces(
        geom,
        weights,
        biases,
        node_values,
        edge_values,
        edge_scale=scale,
        node_max=nmax,
        bias_max=bmax,
        full=True,
        statics=statics,
    )
    fig = go.Figure(data=traces)
    return _layout(
        fig,
        geom,
        layer_names,
        activations,
        frame=frame,
        height=height,
        title=title,
        edge_label=edge_label,
        has_node_values=nv is not None,
    )


def network_diagram_patch(
    weights: Sequence,
    biases: Sequence | None = None,
    *,
    node_values: Sequence | None = None,
    edge_values: Sequence | None = None,
    edge_scale: float | None = None,
    node_max: float | None = None,
    title: str | None = None,
) -> dict:
    """What :func:`network_diagram` draws differently for another state of the same
    network: ``{"data": {trace: {attribute path: value}}, "layout": {...}}``.

    Applied to a diagram of the same architecture, names and options, it gives the
    diagram of this state (edges, their bins and widths, node and bias colours and
    ranges, hover values, the title). Live views send this instead of a new figure.
    """
    sizes = _sizes_of(weights)
    weights, edge_values, nv, scale, nmax, bmax = _state(
        sizes, weights, biases, node_values, edge_values, edge_scale, node_max
    )
    geom = _geometry(sizes)
    traces = _dynamic_traces(
        geom,
        weights,
        biases,
        node_values,
        edge_values,
        edge_scale=scale,
        node_max=nmax,
        bias_max=bmax,
        full=False,
    )
    data = {}
    for t, trace in enumerate(traces):
        attrs = {k: v for k, v in trace.items() if k not in ("type", "marker")}
        for k, v in (trace.get("marker") or {}).items():
            attrs[f"marker.{k}"] = v
        data[str(t)] = attrs
    for t in range(2 * N_BINS):
        data[str(t)]["name"] = _bin_name(t, scale)
    if nv is not None:
        data[str(NODE_TRACE)].update({"marker.cmin": -nmax, "marker.cmax": nmax})
    data[str(BIAS_TRACE)].update({"marker.cmin": -bmax, "marker.cmax": bmax})
    return {"data": data, "layout": {"title.text": title} if title else {}}


def network_animation(
    snapshots: Sequence,
    *,
    layer_names: Sequence[Sequence] | None,
    activations: Sequence[str] | None = None,
    node_values_fn: Callable | None = None,
    max_frames: int = 200,
    height: int = 500,
    width: int = 900,
    frame_ms: int = 80,
    title: str | None = None,
) -> go.Figure:
    """A replay of training: one Plotly frame per snapshot, a slider and Play/Pause.

    ``snapshots``: ``(iteration, weights, biases)`` tuples in order, as
    ``History.snapshot(i)`` returns them; evenly thinned to at most ``max_frames``
    (first and last always kept; repeated iterations keep their last snapshot).
    ``node_values_fn(weights, biases)`` → node values per layer (input included)
    colours the nodes in every frame. Edge widths use ONE |w| scale over all
    frames (the largest |w| anywhere), node and bias colours one range too, so
    widths and colours compare across time. Frames carry only what changes (edge
    polylines, hover values, colours) as float32; each frame has all ``N_TRACES``
    traces. The figure starts at the first frame, slider at 0.
    """
    snaps = []
    for snap in snapshots:
        it, W, b = snap
        if snaps and int(it) == snaps[-1][0]:
            snaps[-1] = (int(it), W, b)
        else:
            snaps.append((int(it), W, b))
    if not snaps:
        raise ValueError("network_animation needs at least one snapshot")
    snaps = [snaps[i] for i in even_indices(len(snaps), max(2, int(max_frames)))]
    sizes, layer_names, activations = _prepare(snaps[0][1], layer_names, activations)
    geom = _geometry(sizes)
    weights_all = [_check_shapes(W, sizes) for _, W, _ in snaps]
    if node_values_fn is not None:
        nodes_all = [node_values_fn(W, b) for _, W, b in snaps]
    else:
        nodes_all = [None] * len(snaps)
    scale = symmetric_max(*[_flat(W) for W in weights_all])
    biases_all = [b for _, _, b in snaps]
    bmax = symmetric_max(*[_bias_array(b, sizes) for b in biases_all])
    has_nodes = node_values_fn is not None
    nmax = symmetric_max(*[_node_array(nv, sizes) for nv in nodes_all]) if has_nodes else 1.0
    frame = _frame(
        geom,
        layer_names,
        width=width,
        height=height,
        title=title,
        has_node_values=has_nodes,
        animated=True,
    )
    statics = _statics(geom, layer_names, activations, False, "weight", has_nodes, frame)
    kw = dict(edge_scale=scale, node_max=nmax, bias_max=bmax)
    first = _dynamic_traces(
        geom, weights_all[0], biases_all[0], nodes_all[0], None, full=True, statics=statics, **kw
    )
    fig = go.Figure(data=first)
    trace_ids = list(range(N_TRACES))
    frames, steps = [], []
    for k, (it, _, _) in enumerate(snaps):
        name = str(it)
        data = _dynamic_traces(
            geom, weights_all[k], biases_all[k], nodes_all[k], None, full=False, **kw
        )
        frames.append({"name": name, "data": data, "traces": trace_ids})
        steps.append(
            dict(
                method="animate",
                label=name,
                args=[
                    [name],
                    {
                        "mode": "immediate",
                        "frame": {"duration": 0, "redraw": False},
                        "transition": {"duration": 0},
                    },
                ],
            )
        )
    fig.frames = frames
    _layout(
        fig,
        geom,
        layer_names,
        activations,
        frame=frame,
        height=height,
        title=title,
        edge_label="weight",
        has_node_values=has_nodes,
        animated=True,
    )
    fig.update_layout(
        sliders=[
            dict(
                active=0,
                steps=steps,
                x=0.0,
                len=1.0,
                y=0,
                yanchor="top",
                pad=dict(t=34, b=0),
                currentvalue=dict(
                    prefix="iteration ", font=dict(size=FONT_SIZE + 1), xanchor="right", offset=12
                ),
                font=dict(size=14),
                ticklen=4,
                minorticklen=2,
            )
        ],
        updatemenus=[
            dict(
                # on the row of the slider's "iteration N" (which sits at the right)
                type="buttons",
                direction="left",
                showactive=False,
                x=0.0,
                y=0,
                xanchor="left",
                yanchor="top",
                pad=dict(t=30, r=8),
                font=dict(size=FONT_SIZE),
                buttons=[
                    dict(
                        label="▶ Play",
                        method="animate",
                        args=[
                            None,
                            {
                                "mode": "immediate",
                                "fromcurrent": True,
                                "frame": {"duration": int(frame_ms), "redraw": False},
                                "transition": {"duration": 0},
                            },
                        ],
                    ),
                    dict(
                        label="❚❚ Pause",
                        method="animate",
                        args=[
                            [None],
                            {
                                "mode": "immediate",
                                "frame": {"duration": 0, "redraw": False},
                                "transition": {"duration": 0},
                            },
                        ],
                    ),
                ],
            )
        ],
    )
    return fig
