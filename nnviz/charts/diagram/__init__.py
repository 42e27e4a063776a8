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

The package's modules: :mod:`.geometry` (where nodes, edges and labels go),
:mod:`.traces` (the traces above), :mod:`.figure` (:func:`network_diagram` and its
live patch :func:`network_diagram_patch`) and :mod:`.animation`
(:func:`network_animation`).
"""

from .animation import network_animation
from .figure import network_diagram, network_diagram_patch
from .geometry import (
    DESIGN_WIDTH,
    MAX_LABEL,
    NODE_SIZE,
    _geometry,
    default_layer_names,
    edge_at,
    node_label,
    text_px,
)
from .traces import BIAS_TRACE, EDGE_HOVER, N_BINS, N_TRACES, NODE_TRACE, edge_bins

__all__ = [
    "BIAS_TRACE",
    "DESIGN_WIDTH",
    "EDGE_HOVER",
    "MAX_LABEL",
    "NODE_SIZE",
    "NODE_TRACE",
    "N_BINS",
    "N_TRACES",
    "_geometry",
    "default_layer_names",
    "edge_at",
    "edge_bins",
    "network_animation",
    "network_diagram",
    "network_diagram_patch",
    "node_label",
    "text_px",
]
