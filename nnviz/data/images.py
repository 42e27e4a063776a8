"""Small images: when a table's inputs are the pixels of an n×n image.

A row of 64 numbers may be an 8×8 picture (a hand-written digit, say), and then
it is best shown as one, and so are the first layer's weights: each hidden neuron
has one weight per pixel, an n×n picture of what it looks for.

:func:`image_layout` says whether input names are pixels: n² of them (2 ≤ n ≤ 16)
named by row and column (``pixel_3_5``, ``r3c5``, ``px3x5``) or by one running
number (``pixel12``, ``p12``, ``12``), 0- or 1-based; or, without such names, exactly 64
inputs (an 8×8 image) — or any n² when asked (``force=True``, the page's switch).
:func:`as_images` arranges rows of inputs as images. (The table limits allow up to
:data:`~nnviz.data.limits.MAX_INPUTS` inputs: 8×8.)
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

MAX_IMAGE_SIDE = 16
"""The largest side of an image read from input names."""

AUTO_SIDE = 8
"""Inputs without pixel names are an image when there are exactly this side squared."""

_TWO = re.compile(r"^\D*?(\d+)\D+(\d+)\D*$")
_ONE = re.compile(r"^(?:pixel|pix|px|p)?[_ \-]?(\d+)$", re.IGNORECASE)


@dataclass(frozen=True)
class ImageLayout:
    """Where each pixel of an n×n image is among the inputs.

    ``pixels[r * side + c]`` is the position, among the inputs, of pixel (r, c)
    (row r from the top, column c from the left).
    """

    side: int
    pixels: tuple[int, ...]
    named: bool  # the inputs' names say where each pixel is

    def describe(self) -> str:
        how = "by their names" if self.named else "in column order, row by row"
        return (
            f"The {self.side * self.side} inputs are the pixels of a {self.side}×{self.side} "
            f"image ({how})."
        )


def _grid(indices: list[tuple[int, int]], side: int) -> tuple[int, ...] | None:
    """Positions for (row, column) indices that cover an n×n grid, 0- or 1-based."""
    rows = {r for r, _ in indices}
    cols = {c for _, c in indices}
    for base in (0, 1):
        span = set(range(base, base + side))
        if rows == span and cols == span and len(set(indices)) == side * side:
            order = {(r - base) * side + (c - base): k for k, (r, c) in enumerate(indices)}
            return tuple(order[p] for p in range(side * side))
    return None


def _running(numbers: list[int], side: int) -> tuple[int, ...] | None:
    """Positions for running pixel numbers 0 … n²−1 (or 1 … n²), row by row."""
    for base in (0, 1):
        if sorted(numbers) == list(range(base, base + side * side)):
            order = {n - base: k for k, n in enumerate(numbers)}
            return tuple(order[p] for p in range(side * side))
    return None


def _by_names(names: list[str], side: int) -> tuple[int, ...] | None:
    two = [_TWO.match(n) for n in names]
    if all(two):
        found = _grid([(int(m.group(1)), int(m.group(2))) for m in two], side)
        if found is not None:
            return found
    one = [_ONE.match(n) for n in names]
    if all(one):
        return _running([int(m.group(1)) for m in one], side)
    return None


def image_layout(inputs: Sequence[Any], force: bool = False) -> ImageLayout | None:
    """The image the inputs make, or None (see the module's docstring)."""
    names = [str(n).strip() for n in inputs]
    side = math.isqrt(len(names))
    if side * side != len(names) or not 2 <= side <= MAX_IMAGE_SIDE:
        return None
    found = _by_names(names, side)
    if found is not None:
        return ImageLayout(side, found, True)
    if force or side == AUTO_SIDE:
        return ImageLayout(side, tuple(range(side * side)), False)
    return None


def as_images(X: Any, layout: ImageLayout) -> np.ndarray:
    """Rows of inputs (or a first layer's weights, one column per neuron: pass ``W.T``)
    → images ``(rows, side, side)``."""
    X = np.atleast_2d(np.asarray(X, dtype=np.float64))
    return X[:, list(layout.pixels)].reshape(-1, layout.side, layout.side)


def pixel_names(side: int) -> list[str]:
    """``pixel_0_0`` … ``pixel_{n-1}_{n-1}``, row by row: how nnviz names pixels."""
    return [f"pixel_{r}_{c}" for r in range(side) for c in range(side)]
