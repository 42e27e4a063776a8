"""The backprop inspector's steps hold the core's own numbers, in the seeds' order."""

import numpy as np
import pytest

import nnviz
from nnviz.app.inspector import inspect_step


def trainer(sizes=(2, 3, 1), bias=True, **kw):
    rng = np.random.default_rng(0)
    X, y = rng.uniform(size=(4, sizes[0])), rng.uniform(size=(4, sizes[-1]))
    net = nnviz.Network(list(sizes), activation="tanh", bias=bias, seed=1)
    return nnviz.Trainer(net, X, y, learning_rate=0.5, **kw)


@pytest.mark.parametrize("sizes", [(2, 3, 1), (3, 4, 4, 2), (2, 5, 3, 3, 1)])
def test_sequence_follows_forward_loss_backward_update_for_any_depth(sizes):
    t = trainer(sizes)
    steps = inspect_step(t.trace())
    L = len(sizes) - 1
    phases = [s.phase for s in steps]
    assert phases == ["forward"] * 2 * L + ["loss"] + ["backward"] * 5 * L + ["update"] * 2 * L
    assert [s.layer for s in steps if s.phase == "forward"] == sorted(list(range(1, L + 1)) * 2)
    # backward runs from the output back
    assert [s.layer for s in steps if s.phase == "backward"][::5] == list(range(L, 0, -1))
    assert [s.quantity for s in steps[2 * L + 1 : 2 * L + 6]] == ["dA", "dAdZ", "dZ", "dW", "db"]


def test_values_equal_the_core_trace_and_the_update():
    t = trainer((2, 3, 1))
    t.run(7)
    trace = t.trace()
    steps = inspect_step(trace)
    by = {(s.quantity, s.layer): s for s in steps}
    for layer in trace.backprop.layers:
        k = layer.layer
        for q in ("Z", "A", "dA", "dAdZ", "dZ", "dW", "db"):
            assert np.array_equal(by[(q, k)].value, getattr(layer, q)), (q, k)
        assert by[("dW", k)].seed_name == f"delta_w{k}"
        assert by[("dW", k)].shape == layer.dW.shape
    # the update step is what the next step() really does
    W_before = [w.copy() for w in t.network.weights]
    t.step()
    for k in (1, 2):
        assert np.allclose(by[("W_new", k)].value, t.network.weights[k - 1], atol=1e-15)
        assert np.allclose(
            by[("W_new", k)].value, W_before[k - 1] - 0.5 * by[("dW", k)].value, atol=1e-15
        )
    assert by[("loss", 0)].value[0, 0] == trace.backprop.loss


def test_backward_steps_carry_gradients_for_the_diagram_and_words():
    steps = inspect_step(trainer((2, 4, 1)).trace())
    for s in steps:
        assert s.words and s.notation and s.seed_name
        if s.phase in ("backward", "update"):
            assert [g.shape for g in s.edge_gradients] == [(2, 4), (4, 1)]
        else:
            assert s.edge_gradients is None
    assert any(s.seed_name == "a2_d_z2" for s in steps)
    assert any(s.seed_name == "error_d_a2" for s in steps)


def test_no_bias_steps_without_biases():
    steps = inspect_step(trainer((2, 3, 1), bias=False).trace(), bias=False)
    assert not any(s.quantity in ("db", "b_new") for s in steps)


def test_softmax_output_shows_its_jacobian():
    rng = np.random.default_rng(0)
    net = nnviz.Network([2, 3, 3], output_activation="softmax", seed=0)
    t = nnviz.Trainer(
        net, rng.normal(size=(5, 2)), np.eye(3)[[0, 1, 2, 0, 1]], loss="cross_entropy"
    )
    dadz = [s for s in inspect_step(t.trace()) if s.quantity == "dAdZ" and s.layer == 2][0]
    assert dadz.shape == (5, 3, 3)


def test_diagram_gradients_appear_from_the_output_back():
    steps = inspect_step(trainer((2, 4, 3, 1)).trace())
    backward = [s for s in steps if s.phase == "backward"]
    for s in backward:
        shown = [bool(np.any(g)) for g in s.edge_gradients]
        reached = [j > s.layer or (j == s.layer and s.quantity in ("dW", "db")) for j in (1, 2, 3)]
        assert shown == reached, (s.quantity, s.layer, shown)
    assert all(np.any(g) for g in steps[-1].edge_gradients)  # update: every layer
