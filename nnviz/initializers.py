"""Weight initializers: ``INITS[name](rng, fan_in, fan_out)`` → W of shape (fan_in, fan_out).

* ``normal``  standard normal, as the seeds' ``np.random.randn(inputs, hidden)``
* ``uniform`` uniform in ±0.5, as TensorFlow Playground
* ``xavier``  normal with std √(2 / (fan_in + fan_out))  (Glorot), for tanh/sigmoid
* ``he``      normal with std √(2 / fan_in)  (He), for relu

Biases always start at 0.
"""

from __future__ import annotations

import numpy as np

from .quoting import quote


def normal(rng: np.random.Generator, fan_in: int, fan_out: int) -> np.ndarray:
    return rng.standard_normal((fan_in, fan_out))


def uniform(rng: np.random.Generator, fan_in: int, fan_out: int) -> np.ndarray:
    return rng.uniform(-0.5, 0.5, size=(fan_in, fan_out))


def xavier(rng: np.random.Generator, fan_in: int, fan_out: int) -> np.ndarray:
    return rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / (fan_in + fan_out))


def he(rng: np.random.Generator, fan_in: int, fan_out: int) -> np.ndarray:
    return rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)


INITS = {"normal": normal, "uniform": uniform, "xavier": xavier, "he": he}


def get_init(name: str):
    key = str(name).strip().lower()
    if key not in INITS:
        raise ValueError(f"Unknown init {quote(name)}; choose one of: {', '.join(INITS)}.")
    return INITS[key]
