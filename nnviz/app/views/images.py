"""Views of a table whose inputs are the pixels of a small image.

Rows shown as pictures (the Data tab), test rows as pictures with the class the
network predicts and the true one (in place of the output plane, which needs two
inputs), and the first layer's incoming weights as one picture per neuron (the
Weights tab), with a few lines on what they show.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ...charts.images import image_grid, weight_images
from ...data import ImageLayout, as_images, image_layout

MAX_TILES = 48
"""Most pictures in one grid (six rows of eight)."""

LIVE_TILES = 32
"""Test images in the live view, in place of the output plane (four rows of eight)."""


def layout_of(ex, force: bool = False) -> ImageLayout | None:
    """The image the explorer's inputs make, or None: raw number columns only (a text
    column or a derived feature is no pixel)."""
    data = ex.data
    if data.features or data.categories:
        return None
    return image_layout(data.raw_inputs, force=force)


def _pixels(ex, X: np.ndarray, layout: ImageLayout) -> np.ndarray:
    """Rows of the network's inputs ``X`` as images in the user's units (pixels are raw
    number columns: scaling them back gives the table's values)."""
    return as_images(ex.data.scaler.inverse_X(X), layout)


def image_labels(ex, X: np.ndarray, Y: np.ndarray, network=None) -> tuple[list, list | None]:
    """Each image's label — the predicted class (and the true one when it is wrong), or
    the predicted value of a regression — and whether it is right (None: no classes)."""
    net = ex.network if network is None else network
    out = net.forward(X)
    if ex.task == "regression":
        return [f"{v:.3g}" for v in ex.data.scaler.inverse_y(out)[:, 0]], None
    pred, true = _classes_of(ex, Y, out)
    correct = [p == t for p, t in zip(pred, true, strict=True)]
    labels = [p if ok else f"{p} (is {t})" for p, t, ok in zip(pred, true, correct, strict=True)]
    return labels, correct


def shown_rows(ex, limit: int = MAX_TILES) -> tuple[list, np.ndarray, np.ndarray]:
    """The rows a grid of test images shows: the first test rows (training rows when
    there are none): their index labels, inputs and targets."""
    data = ex.data
    use_test = len(data.test_index) > 0
    index = list(data.test_index if use_test else data.train_index)[:limit]
    X = (data.X_test if use_test else data.X_train)[: len(index)]
    Y = (data.y_test if use_test else data.y_train)[: len(index)]
    return index, X, Y


def _classes_of(ex, Y: np.ndarray, out: np.ndarray) -> tuple[list, list]:
    """(predicted, true) class names of rows with targets ``Y`` and outputs ``out``."""
    data = ex.data
    if out.shape[1] > 1:
        names = [str(c) for c in data.classes] if data.classes is not None else None
        names = names or [str(k) for k in range(out.shape[1])]
        return [names[k] for k in out.argmax(axis=1)], [names[k] for k in Y.argmax(axis=1)]
    from ...activations import ACTIVATIONS

    mid = ACTIVATIONS[ex.settings.output_activation].midpoint
    names = [str(c) for c in data.classes] if data.classes else None
    if names is None:
        low, high = ACTIVATIONS[ex.settings.output_activation].output_range
        names = [f"{low:g}", f"{high:g}"]
    pred = [names[int(v > mid)] for v in out[:, 0]]
    true = [names[int(v > mid)] for v in Y[:, 0]]
    return pred, true


def test_images_view(ex, limit: int = MAX_TILES, columns: int = 8) -> go.Figure | None:
    """The first test rows (training rows when there are none) as pictures, each labelled
    with the predicted class — blue when right, orange with the true class when wrong."""
    layout = layout_of(ex)
    if layout is None:
        return None
    index, X, Y = shown_rows(ex, limit)
    labels, correct = image_labels(ex, X, Y)
    hover = [f"row {r}" for r in index]
    return image_grid(_pixels(ex, X, layout), labels, correct, columns=columns, hover=hover)


def row_images_view(ex, index: list, columns: int = 8) -> go.Figure | None:
    """Table rows as pictures, labelled with their target (the Data tab)."""
    layout = layout_of(ex)
    if layout is None or not index:
        return None
    index = list(index)[:MAX_TILES]
    where = {r: k for k, r in enumerate(ex.data.index)}
    X = ex.data.X_all()[[where[r] for r in index]]
    images = _pixels(ex, X, layout)
    target = ex.data.targets[0]
    labels = [f"{r}: {ex.table.loc[r, target]}" for r in index]
    return image_grid(images, labels, columns=columns)


def weight_images_view(ex, columns: int = 8) -> go.Figure | None:
    """Each first-layer neuron's incoming weights as a picture (blue adds, orange subtracts)."""
    layout = layout_of(ex)
    if layout is None or ex.network.n_layers < 2:
        return None
    W = ex.network.weights[0]
    return weight_images(W, layout.pixels, layout.side, columns=columns)


def first_layer_notes(ex) -> list[str]:
    """A few lines, as in a lesson, on what the first layer's pictures show."""
    layout = layout_of(ex)
    if layout is None or ex.network.n_layers < 2:
        return []
    n, neurons = layout.side, ex.network.layer_sizes[1]
    it = ex.trainer.iteration
    lines = [
        f"Each picture is one of the {neurons} neurons of the first hidden layer: its "
        f"{n * n} incoming weights, laid out like the {n}×{n} pixels they multiply. A neuron "
        "adds up pixel × weight: more ink than usual on a blue pixel pushes its sum up, on an "
        "orange one down; a white pixel does not matter.",
    ]
    if it == 0:
        lines.append(
            "At iteration 0 the pictures are noise: the initial weights are random. Train and "
            "watch them turn into strokes and blobs — the parts of the images that tell the "
            "classes apart."
        )
    else:
        lines.append(
            f"After {it:,} iterations each neuron has become a detector: blue where its "
            "favourite pattern has ink, orange where that pattern must stay blank. No "
            "picture is a whole digit — the layer after combines them."
        )
    classes = ex.data.classes
    if ex.network.n_layers == 2 and classes is not None and ex.network.layer_sizes[-1] > 1:
        W2 = ex.network.weights[1]
        top = [
            f"h1.{j + 1} → {classes[int(np.argmax(W2[j]))]}"
            for j in np.argsort(-np.abs(W2).max(axis=1))[:4]
        ]
        lines.append(
            "The output layer's largest weights say which class each neuron speaks for most: "
            + ", ".join(top)
            + "."
        )
    return lines
