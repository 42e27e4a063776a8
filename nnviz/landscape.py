"""The loss landscape: the loss over a plane through the parameter space.

A network with P parameters has a loss surface in P + 1 dimensions. Li et al.
(2018, "Visualizing the Loss Landscape of Neural Nets") look at a 2-D slice
through the trained parameters θ* (``center``)::

    L(α, β) = loss(θ* + α·d1 + β·d2)

for two directions d1, d2 in parameter space (flat vectors laid out like
``Network.params``: every W row by row, then every b):

* ``"random"``: Gaussian directions, *filter-normalized*: in every weight matrix
  each neuron's incoming weights (a column of W) are rescaled to the norm of that
  column of the network's W, so a step of 1 moves every neuron by its own size;
  the bias entries are 0.
* ``"pca"``: the two principal directions of the training run — the snapshots
  θ_i recorded in a ``Trainer.history``, minus θ* — so the plane holds as much of
  the path the weights took as a plane can, and ``path`` draws that path on it.

Every grid point is evaluated in one batched forward pass: the parameters of a
block of grid points form a stack, and each layer is one ``np.matmul`` over it,
``Z[p] = A[p] @ W[p] + b[p]``, with the network's own activations. The loss of
each point is then taken with the loss's own code from :data:`nnviz.LOSSES`,
exactly as ``Network.loss`` does, so every activation and loss works.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .activations import get_activation
from .losses import get_loss
from .network import Network

MAX_RESOLUTION = 401
"""Most grid points along each axis."""

BATCH_FLOATS = 2**15
"""Floats (256 kB) per work array of one block of grid points: the memory bound.

Small enough for the arrays of a block to stay in the CPU cache, which is faster
than one block for the whole grid.
"""


@dataclass(eq=False)
class LossLandscape:
    """The loss on a grid of the plane ``center + α·d1 + β·d2``.

    ``loss[i, j]`` is the loss at ``center + alphas[j]·d1 + betas[i]·d2``: rows
    follow ``betas`` (the y axis of a heatmap), columns ``alphas``. ``path`` is
    (n_snapshots, 2): where each recorded snapshot of the run lies in the plane
    (α, β), or None without a history. For ``"pca"`` the directions are
    orthonormal and the path is the exact projection, ending at (0, 0); for
    ``"random"`` it is the least-squares fit of each snapshot in the plane.
    ``explained`` (pca only) is the share of the run's movement each direction
    holds.
    """

    alphas: np.ndarray
    betas: np.ndarray
    loss: np.ndarray
    d1: np.ndarray
    d2: np.ndarray
    center: np.ndarray
    path: np.ndarray | None
    directions: str
    loss_name: str
    explained: tuple[float, float] | None = None

    def params_at(self, alpha: float, beta: float) -> np.ndarray:
        """The parameter vector at (α, β): ``center + α·d1 + β·d2``."""
        return self.center + float(alpha) * self.d1 + float(beta) * self.d2


def _layout(sizes: tuple) -> tuple[list[tuple[int, int, int]], list[tuple[int, int]]]:
    """Where each W (start, rows, columns) and b (start, size) sits in a params vector."""
    weights, biases, pos = [], [], 0
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        weights.append((pos, n_in, n_out))
        pos += n_in * n_out
    for n_out in sizes[1:]:
        biases.append((pos, n_out))
        pos += n_out
    return weights, biases


def filter_normalized_direction(network: Network, rng: np.random.Generator) -> np.ndarray:
    """A Gaussian direction with each W column rescaled to that column's norm in the network.

    The bias entries are 0 (Li et al. 2018, section 4).
    """
    params = network.params
    d = np.zeros(network.n_params)
    weights, _ = _layout(network.layer_sizes)
    for start, n_in, n_out in weights:
        W = params[start : start + n_in * n_out].reshape(n_in, n_out)
        D = rng.standard_normal((n_in, n_out))
        # column j holds the weights into neuron j: give it the norm of W's column j
        D *= np.linalg.norm(W, axis=0) / np.linalg.norm(D, axis=0)
        d[start : start + n_in * n_out] = D.reshape(-1)
    return d


def _snapshots(history, n_params: int) -> np.ndarray:
    """Every recorded snapshot of a history as rows of a matrix (n_snapshots, n_params)."""
    if not hasattr(history, "snapshot_params"):
        if hasattr(getattr(history, "history", None), "snapshot_params"):
            history = history.history  # a Trainer
        else:
            raise ValueError("history must be a Trainer's history (nnviz.History).")
    n = len(history.snapshot_iterations)
    rows = [np.asarray(history.snapshot_params(i)[1], dtype=np.float64) for i in range(n)]
    if any(r.shape != (n_params,) for r in rows):
        raise ValueError(
            f"The history's snapshots do not have the network's {n_params} "
            "parameters: it is the history of another network."
        )
    return np.stack(rows)


def _pca_directions(M: np.ndarray) -> tuple[np.ndarray, np.ndarray, tuple[float, float]]:
    """The first two principal directions of the rows of M (snapshot − final)."""
    if M.shape[0] < 3:
        raise ValueError(
            f"directions='pca' needs at least 3 snapshots of the run; the history "
            f"holds {M.shape[0]} — train some steps first."
        )
    _, S, Vt = np.linalg.svd(M, full_matrices=False)
    if S.size < 2 or not S[0] > 0 or S[1] <= S[0] * 1e-12:
        raise ValueError(
            "directions='pca' needs a run whose weights moved in at least two "
            "directions; this history's snapshots lie on a line."
        )
    d1, d2 = Vt[0].copy(), Vt[1].copy()
    # orient both so that the run starts at negative coordinates and moves towards 0
    start = M[0]
    for d in (d1, d2):
        if float(start @ d) > 0:
            d *= -1.0
    total = float(np.sum(S**2))
    return d1, d2, (float(S[0] ** 2 / total), float(S[1] ** 2 / total))


def _check_arguments(network, X, y, loss, resolution, span, directions):
    if not isinstance(network, Network):
        raise ValueError(f"network must be an nnviz.Network, not {type(network).__name__}.")
    n_in, n_out = network.layer_sizes[0], network.layer_sizes[-1]
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 1:
        X = X.reshape(1, -1) if X.shape[0] == n_in else X.reshape(-1, 1)
    if X.ndim != 2 or X.shape[1] != n_in or X.shape[0] == 0:
        raise ValueError(
            f"X must have at least one row and {n_in} columns (one per input); got shape {X.shape}."
        )
    Y = np.asarray(y, dtype=np.float64)
    if Y.ndim == 1:
        Y = Y.reshape(-1, n_out)
    if Y.shape != (X.shape[0], n_out):
        raise ValueError(f"y must have shape ({X.shape[0]}, {n_out}); got {Y.shape}.")
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(Y))):
        raise ValueError("X and y must be finite numbers.")
    loss = get_loss(loss)
    loss.check_output(network.output_activation)
    if (
        isinstance(resolution, bool)
        or not isinstance(resolution, (int, np.integer))
        or not (2 <= resolution <= MAX_RESOLUTION)
    ):
        raise ValueError(
            f"resolution must be a whole number from 2 to {MAX_RESOLUTION}, not {resolution!r}."
        )
    if span is not None:
        try:
            span = float(span)
        except (TypeError, ValueError):
            span = math.nan
        if not (math.isfinite(span) and span > 0):
            raise ValueError("span must be a positive number (or None to fit the path).")
    if directions not in ("random", "pca"):
        raise ValueError(f"directions must be 'random' or 'pca', not {directions!r}.")
    return np.ascontiguousarray(X), np.ascontiguousarray(Y), loss, int(resolution), span


def loss_landscape(
    network: Network,
    X,
    y,
    loss="half_sse",
    resolution: int = 21,
    span: float | None = 1.0,
    directions: str = "random",
    history=None,
    seed: int | None = 0,
) -> LossLandscape:
    """The loss of ``network`` on (X, y) over a ``resolution`` × ``resolution`` grid of a plane.

    ``alphas`` and ``betas`` run from −span to +span (0 in the middle for an odd
    resolution, so the centre is a grid point). ``directions="random"`` draws two
    filter-normalized Gaussian directions from ``seed``; ``directions="pca"``
    takes the first two principal directions of the snapshots in ``history`` (a
    ``Trainer.history``, or the Trainer) minus the network's current parameters.
    Given a history, ``path`` places every snapshot in the plane (see
    :class:`LossLandscape`). ``span=None`` fits the grid to the path (1.2 × its
    largest coordinate). The network is left as it was. ValueError for bad arguments.

    The same as :class:`PartialLandscape` computed whole.
    """
    partial = PartialLandscape(
        network, X, y, loss, resolution, span, directions, history=history, seed=seed
    )
    partial.compute()
    return partial.landscape


class PartialLandscape:
    """A loss landscape computed a block of grid points at a time (:meth:`compute`), so
    that a large grid can be spread over many short pieces of work. Its ``landscape``
    holds the plane, the directions and the path at once, and the losses computed so
    far (NaN for the others, filled row by row of the grid). The arguments are
    :func:`loss_landscape`'s; the network is copied."""

    def __init__(
        self,
        network: Network,
        X,
        y,
        loss="half_sse",
        resolution: int = 21,
        span: float | None = 1.0,
        directions: str = "random",
        history=None,
        seed: int | None = 0,
    ) -> None:
        X, Y, loss_fn, resolution, span = _check_arguments(
            network, X, y, loss, resolution, span, directions
        )
        center = network.params.copy()
        d1, d2, path, explained = _plane(network, center, directions, history, seed)
        if span is None:
            if path is None:
                raise ValueError("span=None fits the grid to the run's path: give a history too.")
            reach = float(np.max(np.abs(path))) if path.size else 0.0
            span = 1.2 * reach if reach > 0 else 1.0
        axis = np.linspace(-span, span, resolution)
        if resolution % 2:
            axis[resolution // 2] = 0.0  # the centre exactly
        alphas, betas = axis.copy(), axis.copy()
        A_grid, B_grid = np.meshgrid(alphas, betas)  # [i, j] = (alphas[j], betas[i])
        self.network = network.copy()
        self.X, self.Y, self.loss_fn = X, Y, loss_fn
        self._alphas, self._betas = A_grid.ravel(), B_grid.ravel()
        self.landscape = LossLandscape(
            alphas=alphas,
            betas=betas,
            loss=np.full((resolution, resolution), np.nan),
            d1=d1,
            d2=d2,
            center=center,
            path=path,
            directions=directions,
            loss_name=loss_fn.name,
            explained=explained,
        )
        self.done = 0  # grid points computed so far (in the order of loss.ravel())

    @property
    def total(self) -> int:
        return self._alphas.shape[0]

    @property
    def finished(self) -> bool:
        return self.done >= self.total

    def compute(self, n: int | None = None) -> int:
        """Compute the next ``n`` grid points (all that are left by default); returns
        how many were computed."""
        start = self.done
        stop = self.total if n is None else min(self.total, start + max(int(n), 0))
        if stop > start:
            L = self.landscape
            L.loss.reshape(-1)[start:stop] = grid_losses(
                self.network,
                self.X,
                self.Y,
                self.loss_fn,
                L.center,
                L.d1,
                L.d2,
                self._alphas[start:stop],
                self._betas[start:stop],
            )
        self.done = stop
        return stop - start


def _plane(network: Network, center: np.ndarray, directions: str, history, seed):
    """The plane's directions ``d1``, ``d2``, the run's path in it (or None) and the
    share of the run's movement each direction holds (PCA only)."""
    M = None
    if history is not None:
        M = _snapshots(history, network.n_params) - center
    if directions == "pca":
        if M is None:
            raise ValueError("directions='pca' needs the run's history (history=trainer.history).")
        d1, d2, explained = _pca_directions(M)
        return d1, d2, M @ np.stack([d1, d2], axis=1), explained
    rng = np.random.default_rng(seed)
    d1 = filter_normalized_direction(network, rng)
    d2 = filter_normalized_direction(network, rng)
    if not (np.any(d1) and np.any(d2)):
        raise ValueError(
            "Every weight of the network is 0, so filter-normalized directions "
            "are 0 too: use directions='pca' or train the network first."
        )
    path = None
    if M is not None:
        D = np.stack([d1, d2], axis=1)
        path = np.linalg.lstsq(D, M.T, rcond=None)[0].T
    return d1, d2, path, None


def grid_losses(
    network: Network,
    X: np.ndarray,
    Y: np.ndarray,
    loss,
    center: np.ndarray,
    d1: np.ndarray,
    d2: np.ndarray,
    alphas: np.ndarray,
    betas: np.ndarray,
) -> np.ndarray:
    """The loss at ``center + alphas[p]·d1 + betas[p]·d2`` for every p, batched.

    Grid points go through the network in blocks whose work arrays hold at most
    :data:`BATCH_FLOATS` floats. Per block, with θ[p] the parameters of point p::

        Z_l[p] = A_{l-1}[p] @ W_l[p] + b_l[p]      one np.matmul for the block
        A_l[p] = f_l(Z_l[p])                        the network's activations
    """
    loss = get_loss(loss)
    sizes = network.layer_sizes
    weights, biases = _layout(sizes)
    acts = [get_activation(name, output=True) for name in network.activations]
    out_name = network.output_activation
    fused = out_name in loss.fused_with
    n = X.shape[0]
    per_point = n * max(sizes[1:]) + network.n_params
    block = max(1, BATCH_FLOATS // per_point)
    values = np.empty(alphas.shape[0])
    scratch = np.empty((n, sizes[-1]))
    with np.errstate(all="ignore"):
        for start in range(0, alphas.shape[0], block):
            a = alphas[start : start + block, None]
            b = betas[start : start + block, None]
            theta = center + a * d1 + b * d2  # (p, n_params): one parameter set per row
            p = theta.shape[0]
            A = X
            for (w0, n_in, n_out), (b0, _), f in zip(weights, biases, acts):
                W = theta[:, w0 : w0 + n_in * n_out].reshape(p, n_in, n_out)
                Z = np.matmul(A, W)  # (p, n, n_out)
                if network.bias:
                    Z += theta[:, None, b0 : b0 + n_out]
                A = np.empty_like(Z)
                # one row per (point, example): every activation works row by row
                f.forward(Z.reshape(-1, n_out), out=A.reshape(-1, n_out))
            for q in range(p):  # the loss, with the registry's own code (as Network.loss)
                if fused:
                    values[start + q] = loss.fused_value_and_dZ(Z[q], A[q], Y, scratch, out_name)
                else:
                    values[start + q] = loss.value(A[q], Y)
    return values
