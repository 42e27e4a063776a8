"""Time ``nnviz.loss_landscape`` against a plain Python loop of forward passes over the same grid.

    .venv/bin/python benchmarks/bench_landscape.py [--runs 5] [--resolution 41]

The case: the ``spiral`` preset's training rows, a [2, 8, 8, 1] tanh network with a
sigmoid output and bce (the preset's output and loss), trained 200 steps, and a
41 × 41 grid of filter-normalized random directions. The baseline sets a copy of the
network to each grid point's parameters and calls ``Network.loss`` (one forward pass
and the loss), point by point. Both run interleaved, the medians are printed, and
the two grids are checked to agree.
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
from nnviz.data import PRESETS, load_preset, prepare  # noqa: E402


def setup():
    preset = PRESETS["spiral"]
    data = prepare(
        load_preset("spiral"),
        preset.inputs,
        preset.targets,
        output_activation=preset.output_activation,
    )
    net = nnviz.Network(
        [2, 8, 8, 1], activation="tanh", output_activation=preset.output_activation, seed=0
    )
    nnviz.Trainer(net, data.X_train, data.y_train, loss=preset.loss, learning_rate=0.1).run(200)
    return net, data.X_train, data.y_train, preset.loss


def loop_of_forward_calls(net, X, Y, loss, land):
    """The baseline: one Network.loss call per grid point."""
    other = net.copy()
    out = np.empty_like(land.loss)
    for i, beta in enumerate(land.betas):
        for j, alpha in enumerate(land.alphas):
            other.params[...] = land.center + alpha * land.d1 + beta * land.d2
            out[i, j] = other.loss(X, Y, loss)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--resolution", type=int, default=41)
    args = parser.parse_args()

    net, X, Y, loss = setup()
    land = nnviz.loss_landscape(net, X, Y, loss=loss, resolution=args.resolution)  # warm up
    reference = loop_of_forward_calls(net, X, Y, loss, land)
    batched, looped = [], []
    for _ in range(args.runs):
        start = time.perf_counter()
        land = nnviz.loss_landscape(net, X, Y, loss=loss, resolution=args.resolution)
        batched.append(time.perf_counter() - start)
        start = time.perf_counter()
        grid = loop_of_forward_calls(net, X, Y, loss, land)
        looped.append(time.perf_counter() - start)
    worst = float(np.max(np.abs(land.loss - reference) / np.maximum(np.abs(reference), 1e-300)))
    assert np.allclose(land.loss, grid, rtol=1e-10, atol=0), worst

    points = args.resolution**2
    b, l = statistics.median(batched), statistics.median(looped)
    print(
        f"spiral, {X.shape[0]} training rows, [2, 8, 8, 1] tanh/sigmoid, {loss}, "
        f"{args.resolution}×{args.resolution} = {points} grid points, median of {args.runs}"
    )
    print(f"  nnviz.loss_landscape (batched):      {b * 1e3:8.1f} ms  ({points / b:,.0f} points/s)")
    print(f"  Python loop of Network.loss calls:   {l * 1e3:8.1f} ms  ({points / l:,.0f} points/s)")
    print(f"  ratio: {l / b:.1f}× faster (largest relative difference {worst:.1e})")


if __name__ == "__main__":
    main()
