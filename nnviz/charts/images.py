"""Small images as charts: rows of pixels, and a first layer's weights, as n×n pictures.

Pure builders (arrays in, a figure out). Every picture of a grid is a tile of one
heatmap (a gap of one empty pixel between tiles), so a grid of 48 images is one
trace, with a label under each tile. One colour language, as everywhere: white is
zero, blue is positive (ink, or a weight that adds), orange is negative (a weight that
subtracts); one symmetric scale for the whole grid, so that tiles compare.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ._style import BLUE, DIVERGING, FONT_FAMILY, INK, ORANGE, SMALL_FONT, TEMPLATE, esc

TILE_PX = 9
"""Screen pixels per image pixel of a 8×8 tile at the grid's default width."""


def _steps(n: int) -> tuple[int, int]:
    """Image pixels from one tile to the next: across (a one-pixel gap) and down (room
    for the label under each tile)."""
    return n + 1, n + max(3, math.ceil(0.4 * n))


def grid_height(k: int, n: int, columns: int = 8) -> int:
    """The height in pixels :func:`image_grid` gives a grid of ``k`` n×n images."""
    rows = max(1, math.ceil(k / max(1, min(columns, k or 1))))
    return int(rows * _steps(n)[1] * TILE_PX) + 16


def label_colour(correct: bool | None) -> str:
    """A label's colour: blue when right, orange when wrong, ink when neither."""
    return INK if correct is None else (BLUE if correct else ORANGE)


def _tiles(images: np.ndarray, columns: int) -> tuple[np.ndarray, int, int]:
    """Images ``(k, n, n)`` laid out ``columns`` per row with gaps of NaN between them:
    the mosaic, and its grid's rows and columns."""
    k, n, _ = images.shape
    columns = max(1, min(columns, k))
    rows = math.ceil(k / columns)
    across, down = _steps(n)
    mosaic = np.full((rows * down, columns * across - 1), np.nan)
    for i in range(k):
        r, c = divmod(i, columns)
        mosaic[r * down : r * down + n, c * across : c * across + n] = images[i]
    return mosaic, rows, columns


def image_grid(
    images,
    labels: Sequence[str] | None = None,
    correct: Sequence[bool | None] | None = None,
    columns: int = 8,
    zmax: float | None = None,
    hover: Sequence[str] | None = None,
    colorbar_title: str = "",
    height: int | None = None,
) -> go.Figure:
    """A grid of n×n images ``(k, n, n)``, each with its label underneath.

    ``correct`` colours a label: blue for right, orange for wrong (None: plain).
    ``zmax`` is the scale's end (default: the largest absolute value): white is 0,
    blue ``+zmax``, orange ``−zmax``. ``hover`` is a line per image.
    """
    images = np.asarray(images, dtype=np.float64)
    if images.ndim != 3 or images.shape[1] != images.shape[2]:
        raise ValueError(f"images must have shape (k, n, n), not {images.shape}")
    k, n = images.shape[0], images.shape[1]
    mosaic, rows, columns = _tiles(images, columns) if k else (np.full((n, n), np.nan), 1, 1)
    finite = np.abs(images[np.isfinite(images)])
    top = float(zmax) if zmax else (float(finite.max()) if finite.size else 1.0)
    top = top if top > 0 else 1.0
    across, down = _steps(n)
    text = None
    if hover is not None and k:
        text = np.full(mosaic.shape, "", dtype=object)
        for i, line in enumerate(hover):
            r, c = divmod(i, columns)
            text[r * down : r * down + n, c * across : c * across + n] = esc(line)
    fig = go.Figure(
        go.Heatmap(
            z=mosaic,
            zmin=-top,
            zmax=top,
            zmid=0,
            colorscale=DIVERGING,
            showscale=bool(colorbar_title),
            colorbar=dict(title=dict(text=esc(colorbar_title)), thickness=12, len=0.8),
            text=text,
            hovertemplate="%{text}<br>%{z:.3g}<extra></extra>" if text is not None else None,
            hoverinfo="skip" if text is None else None,
            xgap=0,
            ygap=0,
        )
    )
    for i, label in enumerate(labels or []):
        r, c = divmod(i, columns)
        ok = None if correct is None else correct[i]
        fig.add_annotation(
            x=c * across + (n - 1) / 2,
            y=r * down + n - 0.4,
            text=esc(label),
            showarrow=False,
            yanchor="top",
            font=dict(size=SMALL_FONT, color=label_colour(ok)),
        )
    fig.update_layout(
        template=TEMPLATE,
        font=dict(family=FONT_FAMILY, size=SMALL_FONT, color=INK),
        margin=dict(l=4, r=4, t=4, b=4),
        height=height or grid_height(k, n, columns),
        xaxis=dict(visible=False, constrain="domain", range=[-0.5, columns * across - 1.5]),
        yaxis=dict(visible=False, autorange="reversed", scaleanchor="x"),
        meta=dict(tiles=k, side=n, columns=columns),
    )
    return fig


def weight_images(
    W,
    pixels: Sequence[int],
    side: int,
    names: Sequence[str] | None = None,
    columns: int = 8,
    height: int | None = None,
) -> go.Figure:
    """A first layer's incoming weights as one n×n picture per neuron.

    ``W`` is ``(inputs, neurons)``; ``pixels[r * side + c]`` is the input of pixel (r, c).
    Blue: a weight that adds when the pixel has ink, orange: one that subtracts; one
    scale for every neuron, symmetric about 0."""
    W = np.asarray(W, dtype=np.float64)
    if W.ndim != 2 or len(pixels) != side * side:
        raise ValueError(f"W must be (inputs, neurons) with {side * side} pixel inputs")
    images = W[list(pixels), :].T.reshape(-1, side, side)
    names = list(names) if names is not None else [f"h1.{j + 1}" for j in range(W.shape[1])]
    hover = [f"{name}: weights from the {side}×{side} pixels" for name in names]
    return image_grid(
        images,
        labels=names,
        columns=columns,
        hover=hover,
        colorbar_title="weight",
        height=height,
    )
