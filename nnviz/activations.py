"""Activation functions: A = f(Z), applied elementwise (softmax: row by row).

Each activation declares, once, everything the rest of nnviz reads from it:

* ``name``                the lowercase key of ``ACTIVATIONS`` (API, app, URL)
* ``formula``             f(Z) written with ``{Z}`` for the layer's sums: ``1 / (1 + e^(−{Z}))``
* ``derivative_formula``  dA/dZ written with ``{Z}`` and ``{A}``: ``{A} ⊙ (1 − {A})``
* ``output_range``        (low, high): every value f can produce; ``bounded``, ``midpoint``
  and ``symmetric`` are derived from it (target checks, accuracy, colour scales)
* ``kink``                the z where f' jumps (relu: 0), None for a smooth f
* ``hidden``              usable in a hidden layer (softmax is for the output only)

and computes:

* ``forward(Z, out)``       A = f(Z)
* ``derivative(Z, A, out)`` dA/dZ, elementwise (the seeds' ``a2_d_z2 = a2 * (1 - a2)``)
* ``backward(dA, Z, A, dZ, dAdZ)``  dZ = dL/dA * dA/dZ (the chain rule for one layer)

All of them write into preallocated arrays (``out=``) so a training step allocates
nothing, and all are numerically stable: callers run them under
``np.errstate(all="ignore")`` and the formulas are chosen so that an overflow
in an intermediate (``exp(1e4)``) still gives the exact limit (0 or 1).

``ACTIVATIONS`` maps the lowercase name used by the API, the app and the URL
to the activation object.
"""

from __future__ import annotations

import math

import numpy as np

from .quoting import quote

# 0-d arrays instead of Python floats: NumPy converts a Python scalar on every call,
# which costs as much as the arithmetic itself on the small matrices shown here.
ONE = np.array(1.0)


class Activation:
    """Base class: an elementwise activation with its derivative.

    A subclass declares ``name``, ``formula``, ``derivative_formula`` and
    ``output_range`` itself (there are no defaults to inherit by mistake).
    """

    name: str
    formula: str  # f(Z), with {Z} for the sums
    derivative_formula: str  # dA/dZ, with {Z} and {A}
    output_range: tuple[float, float]  # (low, high); ±math.inf when unbounded
    kink: float | None = None  # where the derivative jumps
    hidden = True  # usable in hidden layers
    elementwise = True

    @property
    def bounded(self) -> bool:
        """True when both ends of ``output_range`` are finite (sigmoid, tanh, softmax)."""
        low, high = self.output_range
        return math.isfinite(low) and math.isfinite(high)

    @property
    def midpoint(self) -> float | None:
        """The middle of a bounded range (sigmoid 0.5, tanh 0): where a 0/1 or ±1 label
        flips. None for an unbounded range."""
        low, high = self.output_range
        return (low + high) / 2 if self.bounded else None

    @property
    def symmetric(self) -> bool:
        """True when the outputs reach as far below 0 as above (tanh, linear, leaky_relu):
        values of both signs around 0, suited to a diverging colour scale centred at 0."""
        low, high = self.output_range
        return low == -high

    def equation(self, Z: str = "Z", A: str = "A") -> str:
        """The forward formula with the given names: ``A₁ = sigmoid(Z₁) = 1 / (1 + e^(−Z₁))``."""
        return f"{A} = {self.name}({Z}) = {self.formula.format(Z=Z, A=A)}"

    def derivative_equation(self, Z: str = "Z", A: str = "A") -> str:
        """The derivative with the given names: ``dA₁/dZ₁ = sigmoid'(Z₁) = A₁ ⊙ (1 − A₁)``."""
        return f"d{A}/d{Z} = {self.name}'({Z}) = {self.derivative_formula.format(Z=Z, A=A)}"

    def forward(self, Z: np.ndarray, out: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def derivative(self, Z: np.ndarray, A: np.ndarray, out: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward(self, dA, Z, A, dZ, dAdZ):
        """dZ = dA * dA/dZ; leaves dA/dZ in ``dAdZ`` for the backprop trace."""
        self.derivative(Z, A, out=dAdZ)
        return np.multiply(dA, dAdZ, out=dZ)

    def __call__(self, Z):
        Z = np.asarray(Z, dtype=np.float64)
        with np.errstate(all="ignore"):
            return self.forward(Z, out=np.empty_like(Z))

    def __repr__(self) -> str:
        return f"<activation {self.name}>"


class Sigmoid(Activation):
    name = "sigmoid"
    formula = "1 / (1 + e^(−{Z}))"
    derivative_formula = "{A} ⊙ (1 − {A})"
    output_range = (0.0, 1.0)

    def forward(self, Z, out):
        # 1 / (1 + exp(-z)), the seeds' formula; exp(-z) = inf for z << 0 gives exactly 0.
        np.negative(Z, out=out)
        np.exp(out, out=out)
        np.add(out, ONE, out=out)
        return np.divide(ONE, out, out=out)

    def derivative(self, Z, A, out):
        np.subtract(ONE, A, out=out)
        return np.multiply(out, A, out=out)  # a * (1 - a)


class Tanh(Activation):
    name = "tanh"
    formula = "(e^({Z}) − e^(−{Z})) / (e^({Z}) + e^(−{Z}))"
    derivative_formula = "1 − {A}²"
    output_range = (-1.0, 1.0)

    def forward(self, Z, out):
        return np.tanh(Z, out=out)

    def derivative(self, Z, A, out):
        np.multiply(A, A, out=out)
        return np.subtract(ONE, out, out=out)


class ReLU(Activation):
    name = "relu"
    formula = "max(0, {Z})"
    derivative_formula = "1 where {Z} > 0, else 0"
    output_range = (0.0, math.inf)
    kink = 0.0

    def forward(self, Z, out):
        return np.maximum(Z, 0.0, out=out)

    def derivative(self, Z, A, out):
        return np.greater(Z, 0.0, out=out)


class LeakyReLU(Activation):
    name = "leaky_relu"
    slope = 0.01
    formula = f"max({slope:g}·{{Z}}, {{Z}})"
    derivative_formula = f"1 where {{Z}} > 0, else {slope:g}"
    output_range = (-math.inf, math.inf)
    kink = 0.0

    def forward(self, Z, out):
        # max(z, 0.01 z) equals z for z > 0 and 0.01 z otherwise.
        np.multiply(Z, self.slope, out=out)
        return np.maximum(Z, out, out=out)

    def derivative(self, Z, A, out):
        np.greater(Z, 0.0, out=out)  # 1.0 or 0.0
        np.multiply(out, 1.0 - self.slope, out=out)
        return np.add(out, self.slope, out=out)


class Linear(Activation):
    name = "linear"
    formula = "{Z}"
    derivative_formula = "1"
    output_range = (-math.inf, math.inf)

    def forward(self, Z, out):
        np.copyto(out, Z)
        return out

    def derivative(self, Z, A, out):
        out.fill(1.0)
        return out

    def backward(self, dA, Z, A, dZ, dAdZ):
        if dAdZ is not None:
            dAdZ.fill(1.0)
        np.copyto(dZ, dA)
        return dZ


class Softmax(Activation):
    """Row-wise softmax, for the output layer only.

    Its derivative is not elementwise: for one row, dA/dZ is the Jacobian
    J = diag(a) − a·aᵀ, so ``derivative`` returns an array (n, k, k) and
    ``backward`` uses J·dA without building it: dZ = a ⊙ (dA − (dA·a)).
    """

    name = "softmax"
    formula = "e^({Z}) / Σ_row e^({Z})"
    derivative_formula = "diag(a) − aᵀ·a for each row a of {A}"
    output_range = (0.0, 1.0)
    hidden = False
    elementwise = False

    def forward(self, Z, out):
        # Subtracting the row maximum keeps exp() <= 1: no overflow for any z.
        np.subtract(Z, Z.max(axis=1, keepdims=True), out=out)
        np.exp(out, out=out)
        return np.divide(out, out.sum(axis=1, keepdims=True), out=out)

    def derivative(self, Z, A, out=None):
        # (n, k, k): diag(a) - a aᵀ for every row
        J = -A[:, :, None] * A[:, None, :]
        k = A.shape[1]
        J[:, np.arange(k), np.arange(k)] += A
        if out is not None and out.shape == J.shape:
            np.copyto(out, J)
            return out
        return J

    def backward(self, dA, Z, A, dZ, dAdZ):
        # dAdZ is not filled here: the trace asks ``derivative`` for the Jacobian.
        s = np.sum(dA * A, axis=1, keepdims=True)
        np.subtract(dA, s, out=dZ)
        return np.multiply(dZ, A, out=dZ)


ACTIVATIONS: dict[str, Activation] = {
    a.name: a for a in (Sigmoid(), Tanh(), ReLU(), LeakyReLU(), Linear(), Softmax())
}
HIDDEN_ACTIVATIONS = tuple(name for name, a in ACTIVATIONS.items() if a.hidden)
OUTPUT_ACTIVATIONS = tuple(ACTIVATIONS)


def get_activation(name: str | Activation, *, output: bool = False) -> Activation:
    """Look an activation up by name; a clear ValueError lists the valid ones."""
    if isinstance(name, Activation):
        act = name
    else:
        key = str(name).strip().lower()
        if key not in ACTIVATIONS:
            valid = OUTPUT_ACTIVATIONS if output else HIDDEN_ACTIVATIONS
            raise ValueError(
                f"Unknown activation {quote(name)}; choose one of: {', '.join(valid)}."
            )
        act = ACTIVATIONS[key]
    if not output and not act.hidden:
        raise ValueError(
            f"{act.name} is an output activation only; hidden layers take one of: "
            f"{', '.join(HIDDEN_ACTIVATIONS)}."
        )
    return act
