"""Hand-written-looking digits, drawn by nnviz itself: 8×8 images, grey levels 0–16.

Nothing is copied from a data set: each digit 0–9 is a few strokes (lines and arcs)
written here, and every image is that digit drawn again with its own slant,
rotation, size, position, stroke width and wobble, averaged down to 8×8 pixels and
given some noise — the same seed always draws the same images. The result looks
like the classic 8×8 digit tables (integer grey levels 0–16, one column per pixel,
``pixel_0_0`` … ``pixel_7_7``, and the ``digit``), so a network can be trained on
them and its first layer's weights seen as pictures.

How it is drawn: for each digit, the distance from every point of a fine grid to
the nearest stroke is computed once (:func:`_distance_field`); an image samples
that field through a random affine map and a smooth wobble, and a point is ink
where it is closer to a stroke than half the stroke's width.
"""

from __future__ import annotations

import functools

import numpy as np

SIDE = 8
"""Pixels per side of a digit image."""

LEVELS = 16
"""The darkest grey level (0 is white paper)."""

_SUPERSAMPLE = 2  # points per pixel and axis averaged into one pixel
_FIELD = 72  # the distance field's grid points per axis
_FIELD_LOW, _FIELD_HIGH = -0.5, 1.5  # the area it covers (the unit square in the middle)


def _arc(cx: float, cy: float, rx: float, ry: float, a0: float, a1: float) -> np.ndarray:
    """Points along an elliptic arc, angles in degrees (0 = right, 90 = down: y grows down)."""
    t = np.radians(np.linspace(a0, a1, max(4, int(abs(a1 - a0) / 15) + 1)))
    return np.column_stack([cx + rx * np.cos(t), cy + ry * np.sin(t)])


def _line(*points: tuple[float, float]) -> np.ndarray:
    return np.array(points, dtype=np.float64)


def _path(*parts: np.ndarray) -> np.ndarray:
    """One stroke made of several pieces drawn one after the other."""
    return np.vstack(parts)


# Each digit as strokes (polylines) in the unit square, x to the right and y down, some
# written in two or three ways.
STROKES: dict[int, list[list[np.ndarray]]] = {
    0: [[_arc(0.5, 0.5, 0.24, 0.37, 0, 360)], [_arc(0.5, 0.5, 0.2, 0.36, 0, 360)]],
    1: [
        [_line((0.36, 0.25), (0.53, 0.1), (0.53, 0.9))],
        [_line((0.5, 0.1), (0.5, 0.9))],
        [_line((0.38, 0.24), (0.53, 0.1), (0.53, 0.9)), _line((0.36, 0.9), (0.7, 0.9))],
    ],
    2: [
        [_path(_arc(0.5, 0.32, 0.23, 0.21, 190, 390), _line((0.24, 0.9), (0.78, 0.9)))],
        [_path(_arc(0.48, 0.3, 0.22, 0.2, 180, 400), _line((0.26, 0.88), (0.8, 0.86)))],
    ],
    3: [
        [_arc(0.48, 0.3, 0.22, 0.19, 200, 450), _arc(0.48, 0.69, 0.25, 0.21, 270, 520)],
        [
            _path(
                _line((0.26, 0.1), (0.74, 0.1), (0.45, 0.44)),
                _arc(0.5, 0.67, 0.24, 0.23, 270, 510),
            )
        ],
    ],
    4: [
        [_line((0.64, 0.9), (0.64, 0.1), (0.22, 0.64), (0.8, 0.64))],
        [_line((0.3, 0.1), (0.26, 0.58), (0.78, 0.58)), _line((0.64, 0.2), (0.64, 0.9))],
    ],
    5: [
        [
            _path(
                _line((0.74, 0.1), (0.32, 0.1), (0.29, 0.46)),
                _arc(0.5, 0.66, 0.25, 0.23, 235, 520),
            )
        ]
    ],
    6: [
        [
            _path(
                _line((0.68, 0.1), (0.46, 0.24), (0.31, 0.46)),
                _arc(0.5, 0.68, 0.21, 0.21, 190, 550),
            )
        ],
        [_path(_arc(0.62, 0.55, 0.34, 0.45, 250, 180), _arc(0.5, 0.7, 0.2, 0.19, 180, 540))],
    ],
    7: [
        [_line((0.22, 0.1), (0.78, 0.1), (0.42, 0.9))],
        [_line((0.22, 0.1), (0.78, 0.1), (0.44, 0.9)), _line((0.38, 0.5), (0.7, 0.5))],
    ],
    8: [[_arc(0.5, 0.3, 0.19, 0.19, 0, 360), _arc(0.5, 0.7, 0.23, 0.2, 0, 360)]],
    9: [
        [
            _path(
                _arc(0.5, 0.32, 0.21, 0.21, 10, 370),
                _line((0.71, 0.36), (0.64, 0.62), (0.46, 0.9)),
            )
        ],
        [_path(_arc(0.5, 0.32, 0.21, 0.21, 10, 370), _line((0.71, 0.34), (0.7, 0.9)))],
    ],
}
"""The strokes of each digit (each written one or more ways), in the unit square."""


@functools.cache
def _distance_field(digit: int, way: int) -> np.ndarray:
    """The distance from each point of a fine grid to the nearest stroke of one way of
    writing a digit: ``(_FIELD, _FIELD)``, rows along y."""
    lines = STROKES[digit][way]
    a = np.concatenate([p[:-1] for p in lines])
    b = np.concatenate([p[1:] for p in lines])
    axis = np.linspace(_FIELD_LOW, _FIELD_HIGH, _FIELD)
    xs, ys = np.meshgrid(axis, axis)
    points = np.column_stack([xs.ravel(), ys.ravel()])[:, None, :]  # (G, 1, 2)
    ab = (b - a)[None]  # (1, S, 2)
    ap = points - a[None]
    t = np.clip((ap * ab).sum(-1) / np.maximum((ab**2).sum(-1), 1e-12), 0.0, 1.0)
    gap = ap - t[..., None] * ab
    return np.sqrt((gap**2).sum(-1)).min(axis=1).reshape(_FIELD, _FIELD)


def _sample(field: np.ndarray, xy: np.ndarray) -> np.ndarray:
    """The field at points ``xy`` (..., 2), bilinear; far outside, the edge's value."""
    scale = (_FIELD - 1) / (_FIELD_HIGH - _FIELD_LOW)
    g = np.clip((xy - _FIELD_LOW) * scale, 0.0, _FIELD - 1.000001)
    i0 = np.floor(g).astype(np.int64)
    f = g - i0
    x0, y0 = i0[..., 0], i0[..., 1]
    fx, fy = f[..., 0], f[..., 1]
    top = field[y0, x0] * (1 - fx) + field[y0, x0 + 1] * fx
    bottom = field[y0 + 1, x0] * (1 - fx) + field[y0 + 1, x0 + 1] * fx
    return top * (1 - fy) + bottom * fy


def _grid() -> np.ndarray:
    """The points sampled for one image, in the unit square: ``(SIDE·k)²`` of them,
    row by row (y), then column (x)."""
    n = SIDE * _SUPERSAMPLE
    c = (np.arange(n) + 0.5) / n
    xs, ys = np.meshgrid(c, c)
    return np.column_stack([xs.ravel(), ys.ravel()])


def draw_digits(digits: np.ndarray, rng: np.random.Generator, noise: float) -> np.ndarray:
    """One 8×8 image per digit in ``digits``: ``(len(digits), 64)`` grey levels 0–16, row by
    row. Each is drawn with its own random way of writing, slant, rotation, size, position,
    stroke width and wobble; ``noise`` (0 … 0.5) adds Gaussian noise of ``8·noise`` levels."""
    m = len(digits)
    angle = rng.uniform(-0.22, 0.22, m)
    shear = rng.uniform(-0.3, 0.3, m)
    scale = rng.uniform(0.85, 1.2, (m, 2))  # > 1 samples wider: a smaller digit
    shift = rng.uniform(-0.08, 0.08, (m, 2))
    width = rng.uniform(0.045, 0.095, m)
    phase = rng.uniform(0, 2 * np.pi, (m, 2))
    wobble = rng.uniform(0.0, 0.035, (m, 2))
    ways = rng.random(m)
    c, s = np.cos(angle), np.sin(angle)
    # the map from the image to the strokes' square: rotation, shear, scale, shift
    A = np.empty((m, 2, 2))
    A[:, 0, 0], A[:, 0, 1] = c * scale[:, 0], (c * shear - s) * scale[:, 1]
    A[:, 1, 0], A[:, 1, 1] = s * scale[:, 0], (s * shear + c) * scale[:, 1]
    gx, gy = (_grid() - 0.5).T[:, None, :]  # each (1, points)
    xy = np.empty((m, gx.size, 2))
    for i, across in enumerate((gy, gx)):
        xy[..., i] = (
            A[:, i, 0, None] * gx
            + A[:, i, 1, None] * gy
            + (0.5 + shift[:, i, None])
            + wobble[:, i, None] * np.sin(3 * np.pi * across + phase[:, i, None])
        )
    distance = np.empty(xy.shape[:2])
    for digit in range(10):
        for way in range(len(STROKES[digit])):
            n_ways = len(STROKES[digit])
            rows = np.flatnonzero(
                (digits == digit) & (np.floor(ways * n_ways).astype(np.int64) == way)
            )
            if rows.size:
                distance[rows] = _sample(_distance_field(digit, way), xy[rows])
    ink = np.clip(1.0 - (distance - width[:, None]) / 0.04, 0.0, 1.0)
    k = _SUPERSAMPLE
    pixels = ink.reshape(m, SIDE, k, SIDE, k).mean(axis=(2, 4)).reshape(m, SIDE * SIDE)
    levels = pixels * LEVELS + rng.normal(0.0, 8.0 * noise, pixels.shape)
    return np.clip(np.round(levels), 0, LEVELS)
