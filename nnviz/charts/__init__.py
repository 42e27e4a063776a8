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
    edge_at,
    edge_bins,
    network_animation,
    network_diagram,
    network_diagram_patch,
)
from .fit import fit_curve, prediction_scatter
from .landscape import landscape_figure
from .loss import loss_figure, loss_tail_patch
from .matrices import bias_heatmap, layer_heatmaps, matrix_figure, weight_heatmap
from .metrics import confusion_figure
from .neurons import neuron_thumbnails, neuron_thumbnails_patch, thumbnails_size
from .patch import apply_patch, figure_patch
from .plane import decision_plane, decision_plane_patch, plane_grid

__all__ = [
    "BLUE",
    "DIVERGING",
    "N_BINS",
    "N_TRACES",
    "ORANGE",
    "PALETTE",
    "SEQUENTIAL",
    "apply_patch",
    "bias_heatmap",
    "confusion_figure",
    "decision_plane",
    "decision_plane_patch",
    "default_layer_names",
    "edge_at",
    "edge_bins",
    "figure_patch",
    "fit_curve",
    "landscape_figure",
    "layer_heatmaps",
    "loss_figure",
    "loss_tail_patch",
    "matrix_figure",
    "network_animation",
    "network_diagram",
    "network_diagram_patch",
    "neuron_thumbnails",
    "neuron_thumbnails_patch",
    "plane_grid",
    "prediction_scatter",
    "thumbnails_size",
    "weight_heatmap",
]
