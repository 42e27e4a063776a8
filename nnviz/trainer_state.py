"""A trainer's saved state, checked: everything :meth:`Trainer.load_state_dict
<nnviz.trainer.Trainer.load_state_dict>` takes, checked before anything changes.

:func:`checked_state` reads a :meth:`~nnviz.trainer.Trainer.state_dict` against the
network and the rows of the trainer that takes it, and returns the parts ready to use —
a new optimizer and history holding their saved state, the batch order's generator — or
raises a ValueError that says what does not fit.
"""

from __future__ import annotations

import math

import numpy as np

from ._checks import whole as _whole
from .history import History
from .network import Network
from .optimizers import make_optimizer
from .quoting import quote

_U128 = 2**128


def _float(state: dict, key: str) -> float:
    value = state.get(key)
    if not isinstance(value, float):
        raise ValueError(f"{key} must be a number; got {quote(value)}")
    return value


def _float_vector(value, n: int, what: str, finite: bool = True) -> np.ndarray:
    if not (isinstance(value, np.ndarray) and value.dtype == np.float64 and value.shape == (n,)):
        raise ValueError(f"the {what} must be {n} float64 numbers")
    if finite and not np.isfinite(value).all():
        raise ValueError(f"the {what} hold a value that is not finite")
    return value


def _checked_rng(state) -> np.random.Generator:
    """A generator in a saved PCG64 state (the batch order's; numpy's default_rng)."""
    inner = state.get("state") if isinstance(state, dict) else None
    if not (
        isinstance(inner, dict)
        and state.get("bit_generator") == "PCG64"
        and _whole(inner.get("state"), 0, _U128 - 1)
        and _whole(inner.get("inc"), 0, _U128 - 1)
        and inner["inc"] % 2 == 1
        and state.get("has_uint32") in (0, 1)
        and _whole(state.get("uinteger"), 0, 2**32 - 1)
    ):
        raise ValueError("the batch order's random state is not a PCG64 state")
    rng = np.random.default_rng()
    rng.bit_generator.state = {
        "bit_generator": "PCG64",
        "state": {"state": int(inner["state"]), "inc": int(inner["inc"])},
        "has_uint32": int(state["has_uint32"]),
        "uinteger": int(state["uinteger"]),
    }
    return rng


def _checked_kept(state: dict, n_params: int, iteration: int):
    """The weights the latest step measured and their iteration (None: none held)."""
    kept_iteration = state.get("kept_iteration")
    if kept_iteration is None:
        return None, None
    if not _whole(kept_iteration, 0, iteration):
        raise ValueError(f"the kept weights' iteration must be at most {iteration:,}")
    return _float_vector(state.get("kept"), n_params, "kept weights"), int(kept_iteration)


def check_penalty(name: str, value) -> float:
    """An L1 or L2 factor: a finite number >= 0 (ValueError otherwise)."""
    value = float(value)
    if not (value >= 0.0 and math.isfinite(value)):
        raise ValueError(f"{name} must be a finite number >= 0; got {value}")
    return value


def _checked_order(perm, pos, n: int) -> tuple[np.ndarray | None, int]:
    """The epoch's row order (a permutation of the ``n`` training rows, or None) and the
    position in it."""
    if perm is not None:
        if not (
            isinstance(perm, np.ndarray)
            and perm.dtype == np.int64
            and perm.shape == (n,)
            and np.array_equal(np.sort(perm), np.arange(n))
        ):
            raise ValueError(f"the batch order must be a permutation of the {n} training rows")
        perm = perm.copy()
    if not _whole(pos, 0, 2 * n + 2**31):
        raise ValueError(
            f"the position in the batch order must be a whole number; got {quote(pos)}"
        )
    return perm, int(pos)


def _checked_hot(state: dict) -> tuple:
    """(learning rate, momentum, l1, l2), (batch size), each by its own rule."""
    lr, momentum, l1, l2 = (_float(state, k) for k in ("learning_rate", "momentum", "l1", "l2"))
    if not (lr > 0.0 and math.isfinite(lr)):
        raise ValueError(f"learning_rate must be a positive number; got {lr}")
    if not 0.0 <= momentum < 1.0:
        raise ValueError(f"momentum must be in [0, 1); got {quote(momentum)}")
    l1, l2 = check_penalty("l1", l1), check_penalty("l2", l2)
    batch_size = state.get("batch_size")
    if not (batch_size is None or _whole(batch_size, 1)):
        raise ValueError(f"batch_size must be a whole number >= 1 or None; got {quote(batch_size)}")
    return (lr, momentum, l1, l2), None if batch_size is None else int(batch_size)


def _checked_divergence(state: dict) -> tuple[bool, str, float]:
    diverged, message = state.get("diverged"), state.get("divergence_message")
    last_finite = state.get("last_finite_loss")
    if not (isinstance(diverged, bool) and isinstance(message, str) and len(message) < 4000):
        raise ValueError("the divergence state must be a flag and a message")
    if not isinstance(last_finite, float) or math.isinf(last_finite):
        raise ValueError(f"last_finite_loss must be finite or NaN; got {quote(last_finite)}")
    return diverged, message, last_finite


def checked_state(state: dict, network: Network, n_rows: int, history: History) -> dict:
    """The parts of a saved trainer state, checked against ``network``, its ``n_rows``
    training rows and its current ``history`` (whose capacities bound the saved one's):
    ``params``, ``iteration``, ``hot`` (learning rate, momentum, l1, l2), ``batch_size``,
    ``seed``, ``optimizer`` and ``history`` (new objects holding their saved state),
    ``rng``, ``order`` (perm, pos), ``kept`` (weights, iteration) and ``divergence``
    (flag, message, last finite loss). Nothing of the trainer changes."""
    params = _float_vector(state.get("params"), network.n_params, "weights and biases")
    iteration = state.get("iteration")
    if not _whole(iteration):
        raise ValueError(f"the iteration must be a whole number >= 0; got {quote(iteration)}")
    hot, batch_size = _checked_hot(state)
    seed = state.get("seed")
    if not _whole(seed, 0, 2**64):
        raise ValueError(f"the seed must be a whole number >= 0; got {quote(seed)}")
    opt_state = state.get("optimizer")
    if not isinstance(opt_state, dict):
        raise ValueError("the optimizer's state is missing")
    optimizer = make_optimizer(opt_state.get("name", ""), network.n_params, momentum=hot[1])
    optimizer.load_state_dict(opt_state)
    rng = _checked_rng(state.get("rng"))
    order = _checked_order(state.get("perm"), state.get("pos"), n_rows)
    kept = _checked_kept(state, network.n_params, iteration)
    divergence = _checked_divergence(state)
    saved = History(network, loss_capacity=history.loss_capacity)
    saved.max_snapshots = history.max_snapshots
    saved.load_state_dict(state.get("history") or {})
    if saved.iteration != iteration:
        raise ValueError(
            f"the history ends at iteration {saved.iteration:,}, the run at {iteration:,}"
        )
    return {
        "params": params,
        "iteration": int(iteration),
        "hot": hot,
        "batch_size": batch_size,
        "seed": int(seed),
        "optimizer": optimizer,
        "rng": rng,
        "order": order,
        "kept": kept,
        "divergence": divergence,
        "history": saved,
    }
