"""nnviz's charts: pure functions that build Plotly figures (no Streamlit here).

Colour language everywhere: blue = positive, orange = negative, white = zero
(TensorFlow Playground's), fonts of at least 14 px, white background, colourscales
set explicitly (Streamlit's theme would replace the defaults).

* :func:`loss_figure`: train/test loss, events marked, runs overlaid.
* :func:`weight_heatmap`, :func:`bias_heatmap`, :func:`layer_heatmaps`,
  :func:`matrix_figure`: the real matrices, values in the cells.
* :func:`network_diagram`, :func:`network_animation`: the network as a graph,
  edges by weight (or gradient), a replay with a slider.
* :func:`decision_plane`, :func:`neuron_thumbnails`: output and neurons over the
  input plane. :func:`prediction_scatter`, :func:`fit_curve`: regression in the
  user's units (predicted vs actual; the curve over one input).
"""

from ._style import BLUE, DIVERGING, ORANGE, PALETTE, SEQUENTIAL
from .diagram import (
    N_BINS,
    N_TRACES,
    default_layer_names,
    edge_bins,
    network_animation,
    network_diagram,
)
from .fit import fit_curve, prediction_scatter
from .loss import downsample_indices, loss_figure
from .matrices import bias_heatmap, layer_heatmaps, matrix_figure, weight_heatmap
from .plane import decision_plane, neuron_thumbnails, plane_grid

__all__ = [
    "BLUE",
    "DIVERGING",
    "N_BINS",
    "N_TRACES",
    "ORANGE",
    "PALETTE",
    "SEQUENTIAL",
    "bias_heatmap",
    "decision_plane",
    "default_layer_names",
    "downsample_indices",
    "edge_bins",
    "fit_curve",
    "layer_heatmaps",
    "loss_figure",
    "matrix_figure",
    "network_animation",
    "network_diagram",
    "neuron_thumbnails",
    "plane_grid",
    "prediction_scatter",
    "weight_heatmap",
]
