"""The network's maths: shapes, activations, exact gradients, the backprop trace."""

import itertools
import warnings
import zlib

import numpy as np
import pytest

import nnviz
from nnviz.activations import ACTIVATIONS

RNG = np.random.default_rng(12345)


def targets_for(output_activation, n, k, rng):
    if output_activation == "softmax":
        return np.eye(k)[rng.integers(0, k, n)]
    if output_activation == "sigmoid":
        return rng.uniform(0.05, 0.95, (n, k))
    if output_activation == "tanh":
        return rng.uniform(-0.9, 0.9, (n, k))
    if output_activation == "relu":
        return rng.uniform(0.0, 2.0, (n, k))
    return rng.normal(size=(n, k))


def valid(loss, output):
    try:
        nnviz.LOSSES[loss].check_output(output)
    except ValueError:
        return False
    return True


def test_shapes_follow_layer_sizes():
    net = nnviz.Network([3, 5, 4, 2], seed=0)
    assert [w.shape for w in net.weights] == [(3, 5), (5, 4), (4, 2)]
    assert [b.shape for b in net.biases] == [(5,), (4,), (2,)]
    assert all(w.dtype == np.float64 for w in net.weights)
    assert net.forward(np.ones((7, 3))).shape == (7, 2)
    assert net.n_params == 3 * 5 + 5 * 4 + 4 * 2 + 5 + 4 + 2


def test_same_seed_same_weights_and_other_seed_differs():
    a, b, c = (nnviz.Network([2, 4, 1], seed=s) for s in (7, 7, 8))
    assert all(np.array_equal(x, y) for x, y in zip(a.weights, b.weights))
    assert not np.array_equal(a.weights[0], c.weights[0])


@pytest.mark.parametrize("init", sorted(nnviz.INITS))
def test_inits_have_their_scale(init):
    net = nnviz.Network([200, 300, 1], init=init, seed=0)
    W = net.weights[0]
    expected_std = {
        "normal": 1.0,
        "uniform": 1 / np.sqrt(12),
        "xavier": np.sqrt(2 / 500),
        "he": np.sqrt(2 / 200),
    }[init]
    assert W.std() == pytest.approx(expected_std, rel=0.03)
    assert all(np.all(b == 0) for b in net.biases)
    if init == "uniform":
        assert W.min() >= -0.5 and W.max() <= 0.5


def test_weights_can_be_replaced_or_edited_and_stay_connected():
    net = nnviz.Network([2, 3, 1], seed=0)
    W1 = np.arange(6.0).reshape(2, 3)
    net.weights[0] = W1
    net.weights[1][2, 0] = -4.0
    assert np.array_equal(net.weights[0], W1)
    assert net.params[5] == 5.0 and net.params[8] == -4.0  # the flat vector sees both edits
    net.weights = [np.ones((2, 3)), np.zeros((3, 1))]
    assert np.all(net.forward([[1.0, 2.0]]) == 0.5)
    with pytest.raises(ValueError, match="shape"):
        net.weights[0] = np.ones((3, 2))


def test_forward_is_the_seed_formula():
    rng = np.random.default_rng(3)
    X = rng.uniform(0, 1, (5, 3))
    net = nnviz.Network([3, 4, 2], seed=1)
    W1, W2 = net.weights
    b1, b2 = net.biases
    b1[:] = rng.normal(size=4)
    b2[:] = rng.normal(size=2)

    def sigmoid(x):
        return 1 / (1 + np.exp(-x))

    expected = sigmoid(sigmoid(X @ W1 + b1) @ W2 + b2)
    assert np.allclose(net.forward(X), expected, rtol=0, atol=1e-15)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activations_are_stable_for_huge_inputs(name):
    Z = np.array([[-1e4, -800.0, -30.0, 0.0, 30.0, 800.0, 1e4]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        A = ACTIVATIONS[name](Z)
    assert np.all(np.isfinite(A))
    lo, hi = ACTIVATIONS[name].output_range
    assert np.all(lo <= A) and np.all(hi >= A)
    if name == "sigmoid":
        assert A[0, 0] == 0.0 and A[0, -1] == 1.0
    if name == "softmax":
        assert A.sum() == pytest.approx(1.0) and A[0, -1] == 1.0


def test_forward_of_huge_inputs_gives_no_warning():
    net = nnviz.Network([2, 3, 2], output_activation="softmax", seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = net.forward([[1e4, -1e4], [-1e4, 1e4]])
    assert np.all(np.isfinite(out))


@pytest.mark.parametrize(
    "hidden,output,loss,bias",
    [
        c
        for c in itertools.product(
            nnviz.HIDDEN_ACTIVATIONS, nnviz.OUTPUT_ACTIVATIONS, sorted(nnviz.LOSSES), (True, False)
        )
        if valid(c[2], c[1])
    ],
)
def test_gradient_check_every_activation_loss_bias(hidden, output, loss, bias):
    rng = np.random.default_rng(zlib.crc32(f"{hidden}{output}{loss}{bias}".encode()))
    for sizes in ([3, 4, 2], [2, 3, 4, 3]):
        net = nnviz.Network(
            sizes,
            activation=hidden,
            output_activation=output,
            bias=bias,
            seed=int(rng.integers(1 << 30)),
        )
        if bias:  # non-zero biases, so they matter in the check
            net.biases = [rng.normal(scale=0.5, size=b.shape) for b in net.biases]
        X = rng.normal(size=(5, sizes[0]))
        y = targets_for(output, 5, sizes[-1], rng)
        err = nnviz.gradient_check(net, X, y, loss)
        assert err < 1e-6, (sizes, nnviz.gradient_details(net, X, y, loss))


def test_gradient_check_catches_a_wrong_gradient(monkeypatch):
    net = nnviz.Network([2, 3, 1], activation="tanh", seed=0)
    X = np.random.default_rng(0).normal(size=(4, 2))
    y = np.array([[0.2], [0.4], [0.6], [0.8]])
    assert nnviz.gradient_check(net, X, y, "mse") < 1e-7
    tanh = ACTIVATIONS["tanh"]
    monkeypatch.setattr(
        type(tanh), "derivative", lambda self, Z, A, out: np.copyto(out, 1 - A) or out
    )
    assert nnviz.gradient_check(net, X, y, "mse") > 1e-3


def test_loss_definitions():
    A = np.array([[0.2, 0.9], [0.6, 0.3], [0.5, 0.5]])
    Y = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    net_out = {
        "half_sse": 0.5 * np.sum((Y - A) ** 2),
        "mse": np.mean((Y - A) ** 2),
        "bce": -np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A)),
    }
    for name, expected in net_out.items():
        assert nnviz.LOSSES[name].value(A, Y) == pytest.approx(expected, rel=1e-14)
    P = A / A.sum(axis=1, keepdims=True)
    assert nnviz.LOSSES["cross_entropy"].value(P, np.eye(2)[[1, 0, 0]]) == pytest.approx(
        -np.mean(np.log([P[0, 1], P[1, 0], P[2, 0]])), rel=1e-14
    )


def test_fused_losses_stay_finite_when_saturated():
    net = nnviz.Network([1, 1], output_activation="sigmoid", seed=0)
    net.weights = [np.array([[100.0]])]
    loss = net.loss([[10.0]], [[0.0]], "bce")  # log(1 - σ(1000)) would be log(0)
    assert loss == pytest.approx(1000.0)
    _, dW, _ = net.loss_and_gradients([[10.0]], [[0.0]], "bce")
    assert dW[0][0, 0] == pytest.approx(10.0)


def test_incompatible_loss_and_output_are_rejected():
    net = nnviz.Network([2, 2], output_activation="linear")
    with pytest.raises(ValueError, match="bce needs outputs between 0 and 1"):
        net.loss_and_gradients([[0, 1]], [[0, 1]], "bce")
    with pytest.raises(ValueError, match="cross_entropy needs a softmax output"):
        net.loss_and_gradients([[0, 1]], [[0, 1]], "cross_entropy")
    with pytest.raises(ValueError, match="output activation only"):
        nnviz.Network([2, 2, 1], activation="softmax")
    with pytest.raises(ValueError, match="Unknown activation"):
        nnviz.Network([2, 1], activation="swish")


def test_bias_false_keeps_biases_zero_with_zero_gradient():
    net = nnviz.Network([2, 3, 1], bias=False, seed=0)
    X = np.array([[0.1, 0.2], [0.3, 0.9]])
    _, dW, db = net.loss_and_gradients(X, [[1.0], [0.0]], "half_sse")
    assert all(np.all(g == 0) for g in db)
    assert any(np.any(g != 0) for g in dW)


def test_backprop_trace_matches_gradients_and_shapes():
    rng = np.random.default_rng(1)
    net = nnviz.Network([3, 5, 4, 2], activation="tanh", seed=2)
    X, y = rng.normal(size=(6, 3)), rng.uniform(size=(6, 2))
    trace = net.backprop_trace(X, y, "half_sse")
    loss, dW, db = net.loss_and_gradients(X, y, "half_sse")
    assert trace.loss == loss and len(trace.layers) == 3
    for l, layer in enumerate(trace.layers):
        shapes = layer.shapes()
        n_in, n_out = net.layer_sizes[l], net.layer_sizes[l + 1]
        assert shapes["Z"] == shapes["A"] == shapes["dA"] == shapes["dZ"] == (6, n_out)
        assert shapes["dW"] == (n_in, n_out) and shapes["db"] == (n_out,)
        assert np.array_equal(layer.dW, dW[l]) and np.array_equal(layer.db, db[l])
        # the chain rule, written out: dZ = dA ⊙ dA/dZ, dW = A_prevᵀ dZ
        assert np.allclose(layer.dZ, layer.dA * layer.dAdZ, atol=1e-15)
        assert np.allclose(layer.dW, layer.A_prev.T @ layer.dZ, atol=1e-15)
    # the output's dL/dA for ½·SSE is ŷ − y (the seeds' error_d_a2)
    assert np.allclose(trace.layers[-1].dA, trace.layers[-1].A - y)
    # hidden dL/dA is the next layer's dZ @ Wᵀ (the seeds' delta @ z2_d_a1.T)
    assert np.allclose(trace.layers[0].dA, trace.layers[1].dZ @ net.weights[1].T)
    assert trace.layers[1].seed_names(3)["dW"] == "delta_w2"


def test_softmax_trace_has_jacobian():
    net = nnviz.Network([2, 3, 3], output_activation="softmax", seed=0)
    X = np.array([[0.5, -1.0], [2.0, 0.1]])
    Y = np.eye(3)[[0, 2]]
    out = net.backprop_trace(X, Y, "cross_entropy").layers[-1]
    assert out.dAdZ.shape == (2, 3, 3)
    assert np.allclose(np.einsum("nij,ni->nj", out.dAdZ, out.dA), out.dZ)
    assert np.allclose(out.dZ, (out.A - Y) / 2)


def test_the_training_interface_fills_grad_like_loss_and_gradients():
    rng = np.random.default_rng(4)
    net = nnviz.Network([3, 5, 2], activation="tanh", seed=0)
    X = net.check_inputs(rng.normal(size=(6, 3)))
    Y = net.check_targets(rng.uniform(size=(6, 2)), 6)
    work = net.workspace(6)
    assert net.workspace(6) is work  # reused, not rebuilt
    value = net.backprop(X, Y, nnviz.LOSSES["mse"], work)
    expected, dW, db = net.copy().loss_and_gradients(X, Y, "mse")
    assert value == expected
    grad_W, grad_b = net.unflatten(net.grad)
    assert all(np.array_equal(g, e) for g, e in zip(grad_W + grad_b, dW + db))
    # unflatten gives views: writing through them writes the vector
    W, _ = net.unflatten(net.params)
    W[1][0, 0] = 7.0
    assert net.weights[1][0, 0] == 7.0
    with pytest.raises(ValueError, match="3 columns"):
        net.check_inputs(np.ones((2, 4)))
    with pytest.raises(ValueError, match=r"shape \(6, 2\)"):
        net.check_targets(np.ones((6, 3)), 6)


def test_pre_activations_are_the_sums_of_every_layer():
    rng = np.random.default_rng(5)
    net = nnviz.Network([2, 4, 3], activation="relu", output_activation="linear", seed=2)
    net.biases = [rng.normal(size=b.shape) for b in net.biases]
    X = rng.normal(size=(5, 2))
    Z1, Z2 = net.pre_activations(X)
    W1, W2 = net.weights
    b1, b2 = net.biases
    assert np.allclose(Z1, X @ W1 + b1, atol=1e-15)
    assert np.allclose(Z2, np.maximum(Z1, 0) @ W2 + b2, atol=1e-14)
    assert np.array_equal(net.forward_layers(X)[1], Z2)  # a linear output: A = Z
