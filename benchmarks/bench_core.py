"""Steps per second of ``Trainer.step()`` against a bare NumPy loop of the same maths.

Both are measured in the same run, interleaved, and the ratio of their medians is
printed (higher is better for nnviz; 1.0 means the abstraction costs nothing).

    .venv/bin/python benchmarks/bench_core.py [--quick]

Cases:
* seed: seed 002's network (3 rows, 2-3-1, sigmoid, no bias, ½·SSE, learning rate 1),
  against the tutorial's own ``forward``/``backward`` loop plus the loss it prints.
* large: 4096 rows, [2, 64, 64, 1], tanh hidden, sigmoid output, bias, full batch,
  against a hand-written loop of the same maths (np.dot, no preallocation).
* history: bytes held by the history after 1,000,000 steps of the seed network.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import nnviz  # noqa: E402


def seed_data():
    X = np.array(([2, 9], [1, 5], [3, 6]), dtype=float)
    y = np.array(([92], [86], [89]), dtype=float)
    return X / np.amax(X, axis=0), y / 100


def bare_seed_loop(X, y, W1, W2):
    """Seed 002's Neural_Network.train, verbatim maths, plus the loss it prints."""

    def sigmoid(s):
        return 1 / (1 + np.exp(-s))

    def sigmoid_prime(s):
        return s * (1 - s)

    def step():
        nonlocal W1, W2
        z = np.dot(X, W1)
        z2 = sigmoid(z)
        z3 = np.dot(z2, W2)
        o = sigmoid(z3)
        loss = 0.5 * np.sum(np.square(y - o))
        o_error = y - o
        o_delta = o_error * sigmoid_prime(o)
        z2_error = o_delta.dot(W2.T)
        z2_delta = z2_error * sigmoid_prime(z2)
        W1 += X.T.dot(z2_delta)
        W2 += z2.T.dot(o_delta)
        return loss

    return step


def bare_large_loop(X, y, Ws, bs, lr):
    """A plain L-layer loop: tanh hidden, sigmoid output, ½·SSE, SGD, with biases."""

    def step():
        As, A = [X], X
        for i, (W, b) in enumerate(zip(Ws, bs)):
            Z = A @ W + b
            A = np.tanh(Z) if i < len(Ws) - 1 else 1 / (1 + np.exp(-Z))
            As.append(A)
        diff = A - y
        loss = 0.5 * np.sum(diff * diff)
        dZ = diff * A * (1 - A)
        for i in range(len(Ws) - 1, -1, -1):
            dW = As[i].T @ dZ
            db = dZ.sum(axis=0)
            if i:
                dZ = (dZ @ Ws[i].T) * (1 - As[i] ** 2)
            Ws[i] -= lr * dW
            bs[i] -= lr * db
        return loss

    return step


def torch_seed_loop(X, y, W1, W2):
    """The same seed-002 step with PyTorch's CPU autograd (if PyTorch is installed)."""
    import torch

    torch.set_num_threads(1)
    Xt, yt = torch.tensor(X), torch.tensor(y)
    w1 = torch.tensor(W1, requires_grad=True)
    w2 = torch.tensor(W2, requires_grad=True)

    def step():
        o = torch.sigmoid(torch.sigmoid(Xt @ w1) @ w2)
        loss = 0.5 * ((yt - o) ** 2).sum()
        loss.backward()
        with torch.no_grad():
            for w in (w1, w2):
                w.sub_(w.grad)
                w.grad.zero_()
        return loss

    return step


def rate(fn, n):
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    return n / (time.perf_counter() - t0)


def compare(name, ours, bare, n, rounds):
    r_ours, r_bare = [], []
    for _ in range(rounds):
        r_bare.append(rate(bare, n))
        r_ours.append(rate(ours, n))
    m_ours, m_bare = statistics.median(r_ours), statistics.median(r_bare)
    print(
        f"{name:<8} Trainer.step {m_ours:>10,.0f} steps/s   "
        f"{'autograd' if name == 'torch' else 'bare loop':<9} {m_bare:>10,.0f} steps/s"
        f"   ratio {m_ours / m_bare:5.2f}x   (median of {rounds} rounds of {n:,} steps)"
    )
    return m_ours / m_bare


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer rounds, no 1M-step history run")
    args = ap.parse_args(argv)
    rounds = 3 if args.quick else 7

    X, y = seed_data()
    rng = np.random.default_rng(0)
    W1, W2 = rng.standard_normal((2, 3)), rng.standard_normal((3, 1))
    net = nnviz.Network([2, 3, 1], bias=False)
    net.weights = [W1, W2]
    trainer = nnviz.Trainer(net, X, y, loss="half_sse", learning_rate=1.0)
    compare("seed", trainer.step, bare_seed_loop(X, y, W1.copy(), W2.copy()), 20_000, rounds)
    try:
        torch_step = torch_seed_loop(X, y, W1, W2)
    except ImportError:
        print("torch    (PyTorch not installed: no autograd comparison)")
    else:
        net_t = nnviz.Network([2, 3, 1], bias=False)
        net_t.weights = [W1, W2]
        ours = nnviz.Trainer(net_t, X, y, loss="half_sse", learning_rate=1.0)
        compare("torch", ours.step, torch_step, 5_000, rounds)

    Xl = rng.uniform(-1, 1, (4096, 2))
    yl = (Xl[:, :1] * Xl[:, 1:] > 0).astype(float)
    big = nnviz.Network([2, 64, 64, 1], activation="tanh", init="xavier", seed=1)
    Ws = [w.copy() for w in big.weights]
    bs = [b.copy() for b in big.biases]
    tl = nnviz.Trainer(big, Xl, yl, loss="half_sse", learning_rate=1e-3)
    compare("large", tl.step, bare_large_loop(Xl, yl, Ws, bs, 1e-3), 60, rounds)

    if not args.quick:
        t = nnviz.Trainer(nnviz.Network([2, 3, 1], bias=False, seed=0), X, y)
        t0 = time.perf_counter()
        t.run(1_000_000)
        dt = time.perf_counter() - t0
        h = t.history
        print(
            f"history  1,000,000 steps in {dt:.1f} s: {h.nbytes / 2**20:.1f} MB held "
            f"(budget 64 MB), {len(h.iterations):,} loss points, "
            f"{len(h.snapshot_iterations)} snapshots"
        )


if __name__ == "__main__":
    main()
