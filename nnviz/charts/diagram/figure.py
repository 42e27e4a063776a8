"""The whole diagram (:func:`network_diagram`) and what changes of it while a run plays
(:func:`network_diagram_patch`)."""

from __future__ import annotations

import html
from collections.abc import Sequence

import plotly.graph_objects as go

from .._style import (
    BLUE,
    FONT_SIZE,
    GREY,
    INK,
    ORANGE,
    WHITE,
    base_layout,
    esc,
    rgba,
    symmetric_max,
)
from .geometry import (
    DESIGN_WIDTH,
    MIN_LABEL_GAP_PX,
    Y_ABOVE,
    Y_BELOW,
    _check_shapes,
    _frame,
    _geometry,
    _headers,
    _sizes_of,
    default_layer_names,
    node_label,
    text_px,
)
from .traces import (
    BIAS_TRACE,
    N_BINS,
    NODE_TRACE,
    _bias_array,
    _bin_name,
    _dynamic_traces,
    _flat,
    _node_array,
    _statics,
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
