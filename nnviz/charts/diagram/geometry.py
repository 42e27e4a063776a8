"""Where the diagram's nodes and edges go, and how much room its labels take.

Nodes by layer (node 0 of a layer on top), edges in ``W1.ravel(), W2.ravel() …`` order
(:func:`edge_at` finds the weight of one), the node labels (:func:`default_layer_names`,
:func:`node_label`), the layer headers and the pixel frame of a diagram of a given
size (:func:`_frame`).
"""

from __future__ import annotations

import functools
import html
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .._style import (
    FONT_SIZE,
    esc,
)

NODE_SIZE = 28  # px, the largest; shrunk when a layer is crowded
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
