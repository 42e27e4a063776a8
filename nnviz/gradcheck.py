"""Check backpropagation against numerical derivatives of the loss.

For every weight and bias θ_i, the derivative dL/dθ_i is estimated from the
loss alone with Ridders' method: central differences (L(θ+h) − L(θ−h)) / 2h for
a shrinking sequence of h, extrapolated to h → 0 (Numerical Recipes, dfridr).
It is accurate to ~1e-10 relative, far beyond a single central difference, and
it backs off from a kink of relu where a large h would straddle it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import ACTIVATIONS
from .network import Network


@dataclass
class GradientCheck:
    max_relative_error: float
    where: str  # e.g. "W2[3, 0]"
    analytic: float
    numeric: float
    relative_errors: np.ndarray  # one per parameter, flat layout as network.params

    def __float__(self) -> float:
        return self.max_relative_error


def _ridders(f, x0: float, h: float) -> float:
    con, con2, ntab, safe = 1.4, 1.96, 10, 2.0
    a = np.zeros((ntab, ntab))
    a[0, 0] = (f(x0 + h) - f(x0 - h)) / (2.0 * h)
    best, err = a[0, 0], np.inf
    for i in range(1, ntab):
        h /= con
        a[0, i] = (f(x0 + h) - f(x0 - h)) / (2.0 * h)
        fac = con2
        for j in range(1, i + 1):
            a[j, i] = (a[j - 1, i] * fac - a[j - 1, i - 1]) / (fac - 1.0)
            fac *= con2
            errt = max(abs(a[j, i] - a[j - 1, i]), abs(a[j, i] - a[j - 1, i - 1]))
            if errt <= err:
                err, best = errt, a[j, i]
        if abs(a[i, i] - a[i - 1, i - 1]) >= safe * err:
            break
    return float(best)


def _param_name(net: Network, i: int) -> str:
    pos = 0
    for l, W in enumerate(net.weights):
        if i < pos + W.size:
            r, c = divmod(i - pos, W.shape[1])
            return f"W{l + 1}[{r}, {c}]"
        pos += W.size
    for l, b in enumerate(net.biases):
        if i < pos + b.size:
            return f"b{l + 1}[{i - pos}]"
        pos += b.size
    return f"param[{i}]"


def _kink_pattern(net: Network, X) -> np.ndarray | None:
    """Which side of its kink each sum Z of a kinked layer (relu …) is on; None without one."""
    kinks = [ACTIVATIONS[name].kink for name in net.activations]
    if all(kink is None for kink in kinks):
        return None
    return np.concatenate(
        [
            np.greater(Z, kink).ravel()
            for Z, kink in zip(net.pre_activations(X), kinks)
            if kink is not None
        ]
    )


def _safe_step(net: Network, X, i: int, h: float) -> float | None:
    """Shrink h until θ_i ± h crosses no kink (relu's 0) for any row; None: θ_i sits on one."""
    base = _kink_pattern(net, X)
    if base is None:
        return h
    x0 = net.params[i]
    while h > 1e-9:
        same = True
        for x in (x0 - h, x0 + h):
            net.params[i] = x
            same = same and np.array_equal(_kink_pattern(net, X), base)
        net.params[i] = x0
        if same:
            break
        h /= 8.0
    else:
        return None
    return h


def _one_sided(f, x0: float, direction: float, h: float = 1e-6) -> float:
    """A one-sided derivative (Richardson-extrapolated forward difference)."""
    f0 = f(x0)

    def d(step):
        return (f(x0 + direction * step) - f0) / (direction * step)

    return 2.0 * d(h / 2) - d(h)


class GradientChecker:
    """A gradient check done a few parameters at a time (:meth:`check`), so that a large
    network's check can be spread over many short pieces of work; :meth:`result` is the
    check of the parameters done so far. ``params``: which parameters (flat indices, in
    the layout of ``network.params``) to check, all of them by default. The network is
    copied: changing it meanwhile changes nothing here.

    ``gradient_details(...)`` is ``GradientChecker(...).check()`` and its result."""

    def __init__(
        self, network: Network, X, y, loss="half_sse", h: float = 1e-2, params=None
    ) -> None:
        self.net = net = network.copy()
        self.X, self.y, self.loss, self.h = X, y, loss, h
        _, dW, db = net.loss_and_gradients(X, y, loss)
        self.analytic = np.concatenate([g.ravel() for g in dW] + [g.ravel() for g in db])
        n_check = net.n_params if net.bias else net.n_weights
        order = np.arange(n_check) if params is None else np.asarray(params, dtype=np.int64)
        self.order = order[(order >= 0) & (order < n_check)]
        self.base = net.params.copy()
        L0 = abs(net.loss(X, y, loss))
        # Gradients far below the loss's own scale are compared absolutely against this floor.
        self.floor = 1e-6 * max(1.0, L0)
        self.rel = np.zeros(net.n_params)
        self.numeric = np.zeros(net.n_params)
        self.done = 0  # parameters of ``order`` checked so far

    @property
    def total(self) -> int:
        return len(self.order)

    @property
    def finished(self) -> bool:
        return self.done >= self.total

    def check(self, n: int | None = None) -> int:
        """Check the next ``n`` parameters (all that are left by default); returns how
        many were checked."""
        stop = self.total if n is None else min(self.total, self.done + max(int(n), 0))
        start = self.done
        for k in range(start, stop):
            self._one(int(self.order[k]))
        self.done = stop
        return stop - start

    def _one(self, i: int) -> None:
        net, X, y, loss, base = self.net, self.X, self.y, self.loss, self.base

        def f(v):
            net.params[i] = v
            value = net.loss(X, y, loss)
            net.params[i] = base[i]
            return value

        a = self.analytic[i]
        step = _safe_step(net, X, i, self.h)
        if step is None:
            # On a kink (a relu input exactly 0) only one-sided derivatives exist;
            # backprop takes relu'(0) = 0, which is one of them.
            sides = [_one_sided(f, base[i], d) for d in (-1.0, 1.0)]
            self.numeric[i] = min(sides, key=lambda v: abs(v - a))
        else:
            self.numeric[i] = _ridders(f, base[i], step)
        n = self.numeric[i]
        self.rel[i] = abs(a - n) / max(abs(a), abs(n), self.floor)

    def result(self) -> GradientCheck:
        """The check of the parameters done so far (``relative_errors`` 0 for the others)."""
        worst = int(np.argmax(self.rel))
        return GradientCheck(
            float(self.rel[worst]),
            _param_name(self.net, worst),
            float(self.analytic[worst]),
            float(self.numeric[worst]),
            self.rel,
        )


def gradient_details(network: Network, X, y, loss="half_sse", h: float = 1e-2) -> GradientCheck:
    """Backprop's gradient against Ridders' numerical derivative, for every parameter."""
    checker = GradientChecker(network, X, y, loss, h)
    checker.check()
    return checker.result()


def gradient_check(network: Network, X, y, loss="half_sse") -> float:
    """The largest relative error between backprop and numerical derivatives.

    Below ~1e-7 means the backward pass is the exact derivative of the loss.
    """
    return gradient_details(network, X, y, loss).max_relative_error
