"""Thinning a long series for display while keeping its shape (NumPy only).

Used by the loss chart and by kept runs, which store at most a few thousand points.
"""

from __future__ import annotations

import numpy as np


def downsample_indices(key: np.ndarray, max_points: int) -> np.ndarray:
    """Indices of at most ``max_points`` points that keep the shape of ``key``.

    Min/max per bucket: the interior points are cut into ``(max_points - 2) // 2``
    equal buckets and each keeps its lowest and its highest value, so spikes and
    dips survive (a plain stride would drop them); the first and last points are
    always kept. Returned in increasing order; ``arange(n)`` if no thinning is needed.
    """
    key = np.asarray(key, dtype=float)
    n = key.shape[0]
    max_points = int(max_points)
    if max_points < 2:
        raise ValueError(f"max_points must be at least 2; got {max_points}")
    if n <= max_points:
        return np.arange(n)
    n_buckets = (max_points - 2) // 2
    if n_buckets == 0:
        return np.array([0, n - 1])
    interior = key[1 : n - 1]
    m = interior.shape[0]
    size = -(-m // n_buckets)  # ceil
    n_buckets = -(-m // size)
    padded_lo = np.full(n_buckets * size, np.inf)
    padded_hi = np.full(n_buckets * size, -np.inf)
    finite = np.where(np.isnan(interior), np.inf, interior)
    padded_lo[:m] = finite
    padded_hi[:m] = np.where(np.isnan(interior), -np.inf, interior)
    rows = np.arange(n_buckets) * size
    lo = rows + np.argmin(padded_lo.reshape(n_buckets, size), axis=1)
    hi = rows + np.argmax(padded_hi.reshape(n_buckets, size), axis=1)
    picked = np.concatenate([lo, hi])
    picked = picked[picked < m] + 1
    idx = np.unique(np.concatenate([[0, n - 1], picked]))
    return idx
