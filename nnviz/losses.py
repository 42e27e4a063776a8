"""Loss functions L(A, Y) of the output A = ŷ against the targets Y, both (n, k).

* ``half_sse``       L = ½·Σ (y − ŷ)²    seeds 000/001: ``np.sum((1/2)*(output - a2)**2)``
* ``mse``            L = mean over rows and outputs of (y − ŷ)²      what seed 002 prints
* ``bce``            L = mean over rows and outputs of −[y·log ŷ + (1 − y)·log(1 − ŷ)]
* ``cross_entropy``  L = mean over rows of −Σ_j y_j·log ŷ_j          with a softmax output

Each loss declares its ``formula`` (L) and ``gradient_formula`` (dL/dA), written
with ``{A}`` for the output and ``{Y}`` for the targets; ``equation`` and
``gradient_equation`` fill in the names a view uses.

``value_and_grad(A, Y, dA)`` returns L and writes dL/dA into ``dA`` (the seeds'
``error_d_a2``). For a sigmoid output with ``bce`` and a softmax output with
``cross_entropy`` the two chain-rule factors cancel into dL/dZ = (ŷ − y)/N;
``fused_value_and_dZ`` computes that product directly, and the loss from the
logits Z, which stays exact where log(ŷ) would lose all its digits.
"""

from __future__ import annotations

import numpy as np

from .activations import ACTIVATIONS
from .quoting import quote

# ŷ is kept this far from 0 and 1 inside log() when the loss is computed from ŷ.
EPS = 1e-15


class Loss:
    name: str
    formula: str  # L, with {A} for the output and {Y} for the targets
    gradient_formula: str  # dL/dA, with {A} and {Y}
    fused_with: tuple[str, ...] = ()  # output activations computed straight from the logits Z

    def equation(self, A: str = "A", Y: str = "Y") -> str:
        """``L = ½·Σ (Y − A₂)²``: the formula with the given names."""
        return f"L = {self.formula.format(A=A, Y=Y)}"

    def gradient_equation(self, A: str = "A", Y: str = "Y") -> str:
        """``dL/dA₂ = A₂ − Y``: the gradient with the given names."""
        return f"dL/d{A} = {self.gradient_formula.format(A=A, Y=Y)}"

    def value(self, A: np.ndarray, Y: np.ndarray) -> float:
        raise NotImplementedError

    def value_and_grad(self, A: np.ndarray, Y: np.ndarray, dA: np.ndarray) -> float:
        raise NotImplementedError

    def fused_value_and_dZ(self, Z, A, Y, dZ, activation: str) -> float:
        raise NotImplementedError

    def check_output(self, activation_name: str) -> None:
        """Raise ValueError if this loss makes no sense with that output activation."""

    def __repr__(self) -> str:
        return f"<loss {self.name}>"


class HalfSSE(Loss):
    name = "half_sse"
    formula = "½·Σ ({Y} − {A})²"
    gradient_formula = "{A} − {Y}"

    def value(self, A, Y):
        d = A - Y
        return 0.5 * float(np.vdot(d, d))

    def value_and_grad(self, A, Y, dA):
        np.subtract(A, Y, out=dA)  # error_d_a2 = a2 - output
        return 0.5 * float(np.vdot(dA, dA))


class MSE(Loss):
    name = "mse"
    formula = "mean(({Y} − {A})²)"
    gradient_formula = "2·({A} − {Y}) / N,  N = rows × outputs"

    def value(self, A, Y):
        d = A - Y
        return float(np.vdot(d, d)) / d.size

    def value_and_grad(self, A, Y, dA):
        np.subtract(A, Y, out=dA)
        n = dA.size
        loss = float(np.vdot(dA, dA)) / n
        np.multiply(dA, 2.0 / n, out=dA)
        return loss


class BCE(Loss):
    name = "bce"
    formula = "−mean({Y} ⊙ log {A} + (1 − {Y}) ⊙ log(1 − {A}))"
    gradient_formula = "({A} − {Y}) / ({A} ⊙ (1 − {A})·N),  N = rows × outputs"
    fused_with = ("sigmoid", "softmax")

    def check_output(self, activation_name):
        low, high = ACTIVATIONS[activation_name].output_range
        if not (low >= 0.0 and high <= 1.0):
            fits = " or ".join(
                name
                for name, a in ACTIVATIONS.items()
                if a.output_range[0] >= 0.0 and a.output_range[1] <= 1.0
            )
            raise ValueError(
                f"bce needs outputs between 0 and 1: use a {fits} output, not {activation_name}."
            )

    def value(self, A, Y):
        P = np.clip(A, EPS, 1.0 - EPS)
        return -float(np.mean(Y * np.log(P) + (1.0 - Y) * np.log1p(-P)))

    def value_and_grad(self, A, Y, dA):
        P = np.clip(A, EPS, 1.0 - EPS)
        np.subtract(P, Y, out=dA)
        np.divide(dA, P * (1.0 - P) * A.size, out=dA)
        return -float(np.mean(Y * np.log(P) + (1.0 - Y) * np.log1p(-P)))

    def fused_value_and_dZ(self, Z, A, Y, dZ, activation):
        n = Z.size
        if activation == "softmax":
            return self._softmax_value_and_dZ(Z, Y, dZ)
        # With ŷ = σ(z): −[y log σ(z) + (1−y) log(1−σ(z))] = max(z, 0) − z·y + log(1 + e^(−|z|))
        loss = np.maximum(Z, 0.0) - Z * Y + np.log1p(np.exp(-np.abs(Z)))
        np.subtract(A, Y, out=dZ)  # dL/dz = (σ(z) − y)/N
        np.multiply(dZ, 1.0 / n, out=dZ)
        return float(loss.sum()) / n

    @staticmethod
    def _softmax_value_and_dZ(Z, Y, dZ):
        # 1 − ŷ_j = Σ_{m≠j} e^(z_m) / Σ_m e^(z_m): a sum of positives, exact even when ŷ_j ≈ 1
        n, k = Z.shape
        shifted = Z - Z.max(axis=1, keepdims=True)
        E = np.exp(shifted)
        S = E.sum(axis=1, keepdims=True)
        not_me = 1.0 - np.eye(k)
        others = np.maximum(E @ not_me, np.finfo(float).tiny)  # Σ_{m≠j} e^(z_m)
        log_S = np.log(S)
        loss = -float(np.sum(Y * (shifted - log_S) + (1.0 - Y) * (np.log(others) - log_S)))
        # g_j = ŷ_j·dL/dŷ_j = −(y_j − (1 − y_j)·ŷ_j/(1 − ŷ_j))/N, and the softmax chain rule
        # dZ_j = g_j − ŷ_j·Σ_m g_m, regrouped as g_j·(1 − ŷ_j) − ŷ_j·Σ_{m≠j} g_m (no cancellation)
        g = -(Y - (1.0 - Y) * (E / others)) / Z.size
        np.subtract(g * (others / S), (E / S) * (g @ not_me), out=dZ)
        return loss / Z.size


class CrossEntropy(Loss):
    name = "cross_entropy"
    formula = "−Σ {Y} ⊙ log {A} / n,  n = rows"
    gradient_formula = "−{Y} / (n·{A}),  n = rows"
    fused_with = ("softmax",)

    def check_output(self, activation_name):
        if activation_name != "softmax":
            raise ValueError(
                f"cross_entropy needs a softmax output (one probability per class), "
                f"not {activation_name}."
            )

    def value(self, A, Y):
        P = np.clip(A, EPS, 1.0)
        return -float(np.sum(Y * np.log(P))) / A.shape[0]

    def value_and_grad(self, A, Y, dA):
        P = np.clip(A, EPS, 1.0)
        np.divide(Y, P, out=dA)
        np.multiply(dA, -1.0 / A.shape[0], out=dA)
        return -float(np.sum(Y * np.log(P))) / A.shape[0]

    def fused_value_and_dZ(self, Z, A, Y, dZ, activation):
        # log softmax(z) = z − max − log Σ e^(z − max): finite for any z.
        n = Z.shape[0]
        shifted = Z - Z.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        np.subtract(A, Y, out=dZ)
        np.multiply(dZ, 1.0 / n, out=dZ)
        return -float(np.sum(Y * log_p)) / n


LOSSES: dict[str, Loss] = {c.name: c for c in (HalfSSE(), MSE(), BCE(), CrossEntropy())}


def get_loss(name: str | Loss) -> Loss:
    if isinstance(name, Loss):
        return name
    key = str(name).strip().lower()
    if key not in LOSSES:
        raise ValueError(f"Unknown loss {quote(name)}; choose one of: {', '.join(LOSSES)}.")
    return LOSSES[key]
