"""Optimizers: how a gradient becomes a weight update. Each owns its state.

All work on the flat parameter vector θ (every weight and bias) and its gradient g:

* ``sgd``       θ ← θ − η·g                                   the seeds' ``w2 = w2 - delta_w2``
* ``momentum``  v ← μ·v − η·g;  θ ← θ + v                      (classical momentum)
* ``adam``      m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;
                θ ← θ − η·m̂ / (√v̂ + ε),  m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ)

Each optimizer declares its update rule once, in ``formula``, written with ``{W}``
for a parameter and ``{dW}`` for its gradient; ``equation`` fills in the names.

An update is two-phase so that a step that would diverge leaves no trace:
``propose(params, grad, lr, out)`` writes the candidate θ into ``out`` (which may
be ``params`` itself: an update in place) and keeps the would-be state aside;
``accept()`` makes that state current. A rejected proposal is simply never
accepted, and ``revert()`` takes the last accepted update's state back.

``state_dict()`` / ``load_state_dict(state)`` give and take everything an optimizer
holds — ``t``, its state arrays and the spare ones (the state before the last accepted
update, which ``revert()`` takes back) — so that a saved run goes on exactly.
"""

from __future__ import annotations

import numpy as np

from .quoting import quote


class Optimizer:
    name: str
    formula: str  # the update rule, with {W} for a parameter and {dW} for its gradient
    # The state arrays, by their name in state_dict(): the attribute each lives in.
    # The spare ones hold the state before the last accepted update (what revert()
    # takes back) or, after a rejected proposal, that proposal: any float64 values.
    state_arrays: dict[str, str] = {}
    spare_arrays: dict[str, str] = {}

    def __init__(self, n_params: int, **_):
        self.n_params = n_params
        self.t = 0  # accepted updates
        self._delta = np.empty(n_params)

    @classmethod
    def equation(cls, W: str = "W", dW: str = "dW") -> str:
        """``W₁ ← W₁ − η·dW₁``: the update rule with the given names."""
        return cls.formula.format(W=W, dW=dW)

    def propose(self, params, grad, lr: float, out) -> np.ndarray:
        raise NotImplementedError

    def accept(self) -> None:
        self.t += 1

    def revert(self) -> None:
        """Back to the state before the last accepted update (once, before a new proposal)."""
        self.t -= 1

    def state(self) -> dict:
        return {"t": self.t}

    def state_dict(self) -> dict:
        """Everything needed to go on exactly: ``name``, ``t`` (accepted updates) and
        every state array, current and spare, as float64 copies of shape (n_params,)."""
        out: dict = {"name": self.name, "t": self.t}
        for key, attribute in (*self.state_arrays.items(), *self.spare_arrays.items()):
            out[key] = getattr(self, attribute).copy()
        return out

    def load_state_dict(self, state: dict) -> None:
        """Take the state :meth:`state_dict` gave (of an optimizer of the same kind and
        size). Everything is checked before anything changes: a ValueError says what
        does not fit (the name, ``t``, an array's shape or type, a non-finite value in a
        current state array)."""
        if state.get("name") != self.name:
            raise ValueError(
                f"the optimizer state is of {quote(state.get('name'))}, not {self.name!r}"
            )
        t = state.get("t")
        if not (isinstance(t, int) and not isinstance(t, bool) and 0 <= t < 2**62):
            raise ValueError(
                f"the optimizer's step count must be a whole number >= 0; got {quote(t)}"
            )
        arrays = {}
        for key in (*self.state_arrays, *self.spare_arrays):
            value = state.get(key)
            if not (
                isinstance(value, np.ndarray)
                and value.dtype == np.float64
                and value.shape == (self.n_params,)
            ):
                raise ValueError(f"the optimizer's {key} must be {self.n_params} float64 numbers")
            if key in self.state_arrays and not np.isfinite(value).all():
                raise ValueError(f"the optimizer's {key} holds a value that is not finite")
            arrays[key] = value
        self.t = t
        for key, attribute in (*self.state_arrays.items(), *self.spare_arrays.items()):
            setattr(self, attribute, arrays[key].copy())

    def __repr__(self) -> str:
        return f"<optimizer {self.name}>"


class SGD(Optimizer):
    name = "sgd"
    formula = "{W} ← {W} − η·{dW}"

    def __init__(self, n_params, **_):
        super().__init__(n_params)
        self._lr = None
        self._neg_lr = np.array(0.0)

    def propose(self, params, grad, lr, out):
        if lr != self._lr:  # a 0-d array: cheaper than a Python float in every call
            self._lr = lr
            self._neg_lr[()] = -lr
        np.multiply(grad, self._neg_lr, out=self._delta)
        return np.add(params, self._delta, out=out)


class Momentum(Optimizer):
    name = "momentum"
    formula = "v ← μ·v − η·{dW};  {W} ← {W} + v"
    state_arrays = {"velocity": "velocity"}
    spare_arrays = {"velocity_spare": "_velocity_new"}

    def __init__(self, n_params, momentum=0.9, **_):
        super().__init__(n_params)
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"momentum must be in [0, 1); got {momentum}")
        self.momentum = float(momentum)
        self.velocity = np.zeros(n_params)
        self._velocity_new = np.zeros(n_params)

    def propose(self, params, grad, lr, out):
        v = self._velocity_new
        np.multiply(self.velocity, self.momentum, out=v)
        np.multiply(grad, lr, out=self._delta)
        np.subtract(v, self._delta, out=v)
        return np.add(params, v, out=out)

    def accept(self):
        self.velocity, self._velocity_new = self._velocity_new, self.velocity
        self.t += 1

    def revert(self):
        self.velocity, self._velocity_new = self._velocity_new, self.velocity
        self.t -= 1

    def state(self):
        return {"t": self.t, "velocity": self.velocity.copy()}


class Adam(Optimizer):
    name = "adam"
    formula = "m ← β₁·m + (1 − β₁)·{dW};  v ← β₂·v + (1 − β₂)·{dW}²;  {W} ← {W} − η·m̂ / (√v̂ + ε)"
    state_arrays = {"m": "m", "v": "v"}
    spare_arrays = {"m_spare": "_m_new", "v_spare": "_v_new"}

    def __init__(self, n_params, beta1=0.9, beta2=0.999, epsilon=1e-8, **_):
        super().__init__(n_params)
        self.beta1, self.beta2, self.epsilon = float(beta1), float(beta2), float(epsilon)
        self.m = np.zeros(n_params)
        self.v = np.zeros(n_params)
        self._m_new = np.zeros(n_params)
        self._v_new = np.zeros(n_params)

    def propose(self, params, grad, lr, out):
        b1, b2 = self.beta1, self.beta2
        m, v, d = self._m_new, self._v_new, self._delta
        np.multiply(self.m, b1, out=m)
        np.multiply(grad, 1.0 - b1, out=d)
        np.add(m, d, out=m)  # m = β₁m + (1−β₁)g
        np.multiply(grad, grad, out=d)
        np.multiply(d, 1.0 - b2, out=d)
        np.multiply(self.v, b2, out=v)
        np.add(v, d, out=v)  # v = β₂v + (1−β₂)g²
        t = self.t + 1
        # θ − η·m̂/(√v̂ + ε), with the bias corrections folded into two scalars
        np.sqrt(v, out=d)
        np.multiply(d, 1.0 / np.sqrt(1.0 - b2**t), out=d)
        np.add(d, self.epsilon, out=d)
        np.divide(m, d, out=d)
        np.multiply(d, -lr / (1.0 - b1**t), out=d)
        return np.add(params, d, out=out)

    def accept(self):
        self.m, self._m_new = self._m_new, self.m
        self.v, self._v_new = self._v_new, self.v
        self.t += 1

    def revert(self):
        self.m, self._m_new = self._m_new, self.m
        self.v, self._v_new = self._v_new, self.v
        self.t -= 1

    def state(self):
        return {"t": self.t, "m": self.m.copy(), "v": self.v.copy()}


OPTIMIZERS: dict[str, type[Optimizer]] = {c.name: c for c in (SGD, Momentum, Adam)}


def make_optimizer(name: str, n_params: int, **kwargs) -> Optimizer:
    key = str(name).strip().lower()
    if key not in OPTIMIZERS:
        raise ValueError(
            f"Unknown optimizer {quote(name)}; choose one of: {', '.join(OPTIMIZERS)}."
        )
    return OPTIMIZERS[key](n_params, **kwargs)
