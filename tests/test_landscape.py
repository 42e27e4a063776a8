"""nnviz.loss_landscape: the loss over a plane through the parameters."""

from __future__ import annotations

import numpy as np
import pytest

import nnviz
from nnviz.landscape import _layout


def _data(n_in, n_out, output, n=30, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, n_in))
    if output == "softmax":
        Y = np.eye(n_out)[rng.integers(0, n_out, n)]
    elif output == "sigmoid":
        Y = rng.integers(0, 2, (n, n_out)).astype(float)
    elif output == "tanh":
        Y = rng.uniform(-0.9, 0.9, (n, n_out))
    elif output == "relu":
        Y = rng.uniform(0.0, 2.0, (n, n_out))
    else:
        Y = rng.standard_normal((n, n_out))
    return X, Y


# (sizes, hidden activation, output activation, bias, loss)
CASES = [
    ([2, 3, 1], "sigmoid", "sigmoid", True, "half_sse"),
    ([2, 4, 1], "tanh", "sigmoid", True, "bce"),
    ([3, 4, 3, 2], "relu", "linear", False, "mse"),
    ([2, 5, 3], "leaky_relu", "softmax", True, "cross_entropy"),
    ([2, 4, 3], "tanh", "softmax", True, "bce"),
    ([2, 3, 2], "linear", "tanh", True, "mse"),
    ([2, 1], "sigmoid", "relu", True, "half_sse"),
]


@pytest.fixture(params=CASES, ids=[f"{c[1]}-{c[2]}-{c[4]}" for c in CASES])
def case(request):
    sizes, act, out, bias, loss = request.param
    net = nnviz.Network(sizes, activation=act, output_activation=out, bias=bias, seed=3)
    if bias:
        net.biases = [np.random.default_rng(1).normal(0, 0.5, b.shape) for b in net.biases]
    X, Y = _data(sizes[0], sizes[-1], out)
    return net, X, Y, loss


def test_the_centre_is_the_networks_loss_and_the_grid_is_laid_out_as_documented(case):
    net, X, Y, loss = case
    before = net.get_params()
    land = nnviz.loss_landscape(net, X, Y, loss=loss, resolution=9, span=0.7, seed=5)
    assert np.array_equal(net.params, before)  # the network is left as it was
    assert land.loss.shape == (9, 9) and land.alphas.shape == land.betas.shape == (9,)
    assert land.alphas[0] == -0.7 and land.alphas[-1] == 0.7 and land.alphas[4] == 0.0
    assert np.array_equal(land.center, before) and land.center is not net.params
    assert land.d1.shape == land.d2.shape == (net.n_params,)
    np.testing.assert_allclose(land.loss[4, 4], net.loss(X, Y, loss), rtol=1e-12)
    # any grid point, recomputed independently with a copy of the network
    other = net.copy()
    for i, j in ((0, 8), (2, 6), (8, 1), (7, 7)):
        other.set_params(land.center + land.alphas[j] * land.d1 + land.betas[i] * land.d2)
        np.testing.assert_allclose(land.loss[i, j], other.loss(X, Y, loss), rtol=1e-10)
        assert np.array_equal(land.params_at(land.alphas[j], land.betas[i]), other.params)
    assert np.all(np.isfinite(land.loss))
    assert land.loss_name == loss and land.path is None


def test_random_directions_are_filter_normalized():
    net = nnviz.Network([3, 5, 4, 2], activation="tanh", output_activation="linear", seed=2)
    net.biases = [np.ones(b.shape) for b in net.biases]
    X, Y = _data(3, 2, "linear")
    land = nnviz.loss_landscape(net, X, Y, loss="mse", resolution=3)
    weights, biases = _layout(net.layer_sizes)
    for d in (land.d1, land.d2):
        for (start, n_in, n_out), W in zip(weights, net.weights):
            D = d[start : start + n_in * n_out].reshape(n_in, n_out)
            # each neuron's incoming weights (a column) have the norm of the network's column
            np.testing.assert_allclose(
                np.linalg.norm(D, axis=0), np.linalg.norm(W, axis=0), rtol=1e-12
            )
            assert not np.allclose(D, W) and not np.allclose(D, -W)  # a direction, not W
        for start, n_out in biases:
            assert np.all(d[start : start + n_out] == 0.0)
    assert not np.allclose(land.d1, land.d2)


def test_a_zero_weight_column_stays_zero_and_the_seed_picks_the_directions():
    net = nnviz.Network([2, 3, 1], seed=0)
    W = net.weights[0].copy()
    W[:, 1] = 0.0
    net.weights[0] = W
    X, Y = _data(2, 1, "sigmoid")
    a = nnviz.loss_landscape(net, X, Y, resolution=3, seed=1)
    b = nnviz.loss_landscape(net, X, Y, resolution=3, seed=1)
    c = nnviz.loss_landscape(net, X, Y, resolution=3, seed=2)
    assert np.array_equal(a.d1, b.d1) and np.array_equal(a.loss, b.loss)
    assert not np.array_equal(a.d1, c.d1)
    assert np.all(a.d1[:6].reshape(2, 3)[:, 1] == 0.0)


def _trained(steps=60, **kwargs):
    net = nnviz.Network([2, 4, 1], activation="tanh", seed=4)
    X, Y = _data(2, 1, "sigmoid", n=40)
    trainer = nnviz.Trainer(net, X, Y, loss="bce", learning_rate=0.5, **kwargs)
    trainer.run(steps)
    return net, X, Y, trainer


def test_pca_directions_follow_the_run_and_its_path_ends_at_the_centre():
    net, X, Y, trainer = _trained()
    before = net.get_params()
    land = nnviz.loss_landscape(
        net, X, Y, loss="bce", resolution=11, directions="pca", history=trainer.history, span=None
    )
    assert np.array_equal(net.params, before)
    D = np.stack([land.d1, land.d2])
    np.testing.assert_allclose(D @ D.T, np.eye(2), atol=1e-12)  # orthonormal
    history = trainer.history
    n = len(history.snapshot_iterations)
    assert land.path.shape == (n, 2)
    np.testing.assert_allclose(land.path[-1], [0.0, 0.0], atol=1e-12)
    # the path is each snapshot's projection: snapshot − centre = α·d1 + β·d2 + (the rest ⟂)
    snaps = np.stack([history.snapshot_params(i)[1] for i in range(n)]) - land.center
    np.testing.assert_allclose(land.path, snaps @ D.T, atol=1e-12)
    # d1 is the first principal direction: no unit vector holds more of the run
    rng = np.random.default_rng(0)
    for _ in range(20):
        v = rng.standard_normal(net.n_params)
        v /= np.linalg.norm(v)
        assert np.sum((snaps @ v) ** 2) <= np.sum((snaps @ land.d1) ** 2) + 1e-12
    assert land.explained[0] >= land.explained[1] > 0 and sum(land.explained) <= 1 + 1e-12
    # span=None fits the grid around the path
    assert land.alphas[-1] >= np.max(np.abs(land.path)) > 0
    np.testing.assert_allclose(land.loss[5, 5], net.loss(X, Y, "bce"), rtol=1e-12)
    assert land.path[0, 0] < 0  # the run starts on the negative side and moves towards 0


def test_pca_accepts_the_trainer_and_random_directions_project_the_path():
    net, X, Y, trainer = _trained()
    a = nnviz.loss_landscape(net, X, Y, loss="bce", resolution=3, directions="pca", history=trainer)
    b = nnviz.loss_landscape(
        net, X, Y, loss="bce", resolution=3, directions="pca", history=trainer.history
    )
    assert np.array_equal(a.d1, b.d1)
    r = nnviz.loss_landscape(net, X, Y, loss="bce", resolution=3, history=trainer.history)
    assert r.path.shape == a.path.shape and r.explained is None
    np.testing.assert_allclose(r.path[-1], [0.0, 0.0], atol=1e-12)
    # least squares: the residual of each snapshot is orthogonal to both directions
    n = len(trainer.history.snapshot_iterations)
    snaps = np.stack([trainer.history.snapshot_params(i)[1] for i in range(n)]) - r.center
    residual = snaps - r.path @ np.stack([r.d1, r.d2])
    np.testing.assert_allclose(residual @ np.stack([r.d1, r.d2]).T, 0.0, atol=1e-9)


def test_large_grids_are_evaluated_in_blocks_with_the_same_result(monkeypatch):
    import nnviz.landscape as landscape

    net, X, Y, _ = _trained(steps=5)
    whole = nnviz.loss_landscape(net, X, Y, loss="bce", resolution=7)
    monkeypatch.setattr(landscape, "BATCH_FLOATS", 1)  # one grid point per block
    blocks = nnviz.loss_landscape(net, X, Y, loss="bce", resolution=7)
    np.testing.assert_allclose(blocks.loss, whole.loss, rtol=1e-13)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"resolution": 1}, "resolution must be a whole number from 2 to"),
        ({"resolution": 2.5}, "resolution must be a whole number"),
        ({"resolution": True}, "resolution must be a whole number"),
        ({"resolution": 10_000}, "resolution must be a whole number"),
        ({"span": 0}, "span must be a positive number"),
        ({"span": -1}, "span must be a positive number"),
        ({"span": float("inf")}, "span must be a positive number"),
        ({"span": "wide"}, "span must be a positive number"),
        ({"span": None}, "span=None fits the grid to the run's path"),
        ({"directions": "sideways"}, "directions must be 'random' or 'pca'"),
        ({"directions": "pca"}, "needs the run's history"),
        ({"loss": "hinge"}, "Unknown loss 'hinge'"),
        ({"loss": "cross_entropy"}, "cross_entropy needs a softmax output"),
        ({"history": object()}, "history must be a Trainer's history"),
    ],
)
def test_bad_arguments_are_refused_clearly(kwargs, message):
    net, X, Y, _ = _trained(steps=3)
    with pytest.raises(ValueError, match=message):
        nnviz.loss_landscape(net, X, Y, **kwargs)


def test_bad_data_and_histories_are_refused_clearly():
    net, X, Y, trainer = _trained(steps=3)
    with pytest.raises(ValueError, match="X must have at least one row and 2 columns"):
        nnviz.loss_landscape(net, X[:, :1], Y)
    with pytest.raises(ValueError, match="X must have at least one row"):
        nnviz.loss_landscape(net, np.zeros((0, 2)), np.zeros((0, 1)))
    with pytest.raises(ValueError, match=r"y must have shape \(40, 1\)"):
        nnviz.loss_landscape(net, X, Y[:5])
    with pytest.raises(ValueError, match="finite"):
        nnviz.loss_landscape(net, np.full_like(X, np.nan), Y)
    other = nnviz.Network([2, 5, 1], seed=0)
    with pytest.raises(ValueError, match="history of another network"):
        nnviz.loss_landscape(other, X, Y, history=trainer.history)
    fresh = nnviz.Trainer(nnviz.Network([2, 4, 1], seed=0), X, Y, loss="bce")
    with pytest.raises(ValueError, match="at least 3 snapshots"):
        nnviz.loss_landscape(fresh.network, X, Y, directions="pca", history=fresh.history)
    zero = nnviz.Network([2, 4, 1], seed=0)
    zero.set_params(np.zeros(zero.n_params))
    with pytest.raises(ValueError, match="Every weight of the network is 0"):
        nnviz.loss_landscape(zero, X, Y)
