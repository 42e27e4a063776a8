"""Training: steps, runs, optimizers, regularization, history, divergence."""

import contextlib
import tracemalloc
import warnings

import numpy as np
import pytest

import nnviz
from nnviz.data import load_preset, prepare
from nnviz.history import RunEvent


def xor_data():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([[0], [1], [1], [0]], dtype=float)
    return X, y


def make(net_seed=0, **kw):
    X, y = xor_data()
    net = nnviz.Network([2, 4, 1], activation="tanh", seed=net_seed)
    return nnviz.Trainer(net, X, y, **kw)


def test_step_returns_record_measured_before_update():
    t = make(learning_rate=0.5)
    before = t.network.loss(t.X, t.Y, "half_sse")
    rec = t.step()
    assert rec.iteration == 0 and t.iteration == 1
    assert rec.loss == before  # measured in the step's own forward pass
    assert t.history.train_loss[0] == before
    assert t.network.loss(t.X, t.Y, "half_sse") < before


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"optimizer": "momentum", "learning_rate": 0.1},
        {"optimizer": "adam", "learning_rate": 0.01, "l2": 0.01},
        {"batch_size": 3, "seed": 4, "l1": 0.001},
    ],
)
def test_n_steps_equal_run_n(kw):
    a, b = make(**kw), make(**kw)
    for _ in range(57):
        a.step()
    b.run(57)
    assert np.array_equal(a.network.params, b.network.params)
    assert np.array_equal(a.history.train_loss, b.history.train_loss)
    assert np.array_equal(a.history.iterations, np.arange(57))
    assert a.iteration == b.iteration == 57


def test_same_seed_same_run_with_minibatches_and_other_seed_differs():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, 2)), rng.uniform(size=(40, 1))

    def run(seed):
        net = nnviz.Network([2, 5, 1], seed=1)
        t = nnviz.Trainer(net, X, y, batch_size=8, seed=seed, learning_rate=0.3)
        batches = [t.step().batch.copy() for _ in range(12)]
        return net.params.copy(), batches

    p1, b1 = run(5)
    p2, b2 = run(5)
    p3, b3 = run(6)
    assert np.array_equal(p1, p2) and all(np.array_equal(x, z) for x, z in zip(b1, b2))
    assert not np.array_equal(p1, p3)
    # each epoch (5 batches of 8) visits every row exactly once
    assert sorted(np.concatenate(b1[:5]).tolist()) == list(range(40))


def test_minibatch_step_uses_only_its_rows():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(10, 2)), rng.uniform(size=(10, 1))
    net = nnviz.Network([2, 3, 1], seed=0)
    t = nnviz.Trainer(net, X, y, batch_size=4, seed=1, learning_rate=0.1)
    ref = net.copy()
    rec = t.step()
    loss, dW, db = ref.loss_and_gradients(X[rec.batch], y[rec.batch], "half_sse")
    assert rec.loss == loss
    assert np.allclose(net.weights[0], ref.weights[0] - 0.1 * dW[0], rtol=0, atol=1e-15)


def first_step_gradient(t):
    net = t.network.copy()
    _, dW, db = net.loss_and_gradients(t.X, t.Y, t.loss_name)
    return net, np.concatenate([g.ravel() for g in dW] + [g.ravel() for g in db])


def test_sgd_first_step_by_hand():
    t = make(learning_rate=0.7)
    net0, g = first_step_gradient(t)
    t.step()
    assert np.allclose(t.network.params, net0.params - 0.7 * g, rtol=0, atol=1e-15)


def test_momentum_two_steps_by_hand():
    t = make(optimizer="momentum", learning_rate=0.2, momentum=0.8)
    net0, g0 = first_step_gradient(t)
    t.step()
    v1 = -0.2 * g0
    assert np.allclose(t.network.params, net0.params + v1, atol=1e-15)
    net1, g1 = first_step_gradient(t)
    t.step()
    v2 = 0.8 * v1 - 0.2 * g1
    assert np.allclose(t.network.params, net1.params + v2, atol=1e-15)


def test_adam_two_steps_by_hand():
    t = make(optimizer="adam", learning_rate=0.05)
    b1, b2, eps = 0.9, 0.999, 1e-8
    net0, g0 = first_step_gradient(t)
    t.step()
    # first step: m̂ = g, v̂ = g², so the update is −η·g/(|g| + ε)
    assert np.allclose(t.network.params, net0.params - 0.05 * g0 / (np.abs(g0) + eps), atol=1e-15)
    net1, g1 = first_step_gradient(t)
    t.step()
    m = b1 * (1 - b1) * g0 + (1 - b1) * g1
    v = b2 * (1 - b2) * g0**2 + (1 - b2) * g1**2
    m_hat, v_hat = m / (1 - b1**2), v / (1 - b2**2)
    assert np.allclose(
        t.network.params, net1.params - 0.05 * m_hat / (np.sqrt(v_hat) + eps), atol=1e-14
    )


def test_l2_and_l1_add_their_terms_to_weights_only():
    t = make(learning_rate=0.1, l2=0.3, l1=0.05)
    net0, g = first_step_gradient(t)
    W = net0.params[: net0.n_weights]
    rec = t.step()
    expected = net0.params - 0.1 * g
    expected[: net0.n_weights] -= 0.1 * (0.3 * W + 0.05 * np.sign(W))
    assert np.allclose(t.network.params, expected, atol=1e-15)
    assert rec.penalty == pytest.approx(0.15 * np.sum(W**2) + 0.05 * np.sum(np.abs(W)))


def test_learning_rate_and_optimizer_change_mid_run_keep_weights_and_are_marked():
    t = make(learning_rate=0.5)
    t.run(10)
    params = t.network.params.copy()
    t.learning_rate = 0.05
    t.optimizer = "adam"
    t.set_regularization(l2=0.01)
    assert np.array_equal(t.network.params, params)
    kinds = [(it, kind) for it, kind, _ in t.history.events]
    assert kinds == [(10, "learning_rate"), (10, "optimizer"), (10, "l2")]
    t.run(5)
    assert t.iteration == 15 and t.optimizer_state["t"] == 5


def test_changes_are_logged_once_each_and_marked_on_the_loss_curve():
    t = make(learning_rate=0.5, batch_size=2)
    t.run(4)
    assert t.configure(learning_rate=0.05, optimizer="adam", l1=0.0) == {
        "learning_rate": 0.05,
        "optimizer": "adam",
    }  # l1 was 0 already: not a change
    t.set_momentum(0.5)  # changes μ, which sgd/adam do not use: logged, not marked
    t.set_data(t.X[:3], t.Y[:3], source="three rows")
    t.set_weight(2, 1, 0, 0.25)
    assert t.network.weights[1][1, 0] == 0.25
    assert [(e.iteration, e.kind, e.value) for e in t.history.log] == [
        (4, "set", {"learning_rate": 0.05, "optimizer": "adam"}),
        (4, "set", {"momentum": 0.5}),
        (4, "table", "three rows"),
        (4, "weight", (2, 1, 0, 0.25)),
    ]
    assert t.history.events == [
        (4, "learning_rate", "η 0.5 → 0.05"),
        (4, "optimizer", "sgd → adam"),
        (4, "data", "data edited"),
        (4, "edit", "W2[1, 0] = 0.25"),
    ]
    with pytest.raises(ValueError, match="not a hyperparameter"):
        t.configure(loss="mse")
    with pytest.raises(ValueError, match="l2 must be"):
        t.set_regularization(l1=0.5, l2=-1.0)  # l1 is taken before l2 is refused: logged
    assert t.l1 == 0.5 and t.history.log[-1].value == {"l1": 0.5}
    assert t.history.events[-1] == (4, "l1", "l1 0 → 0.5")
    with pytest.raises(ValueError, match="W2 has shape"):
        t.set_weight(2, 4, 0, 1.0)
    assert len(t.history.log) == 5  # a refused weight: nothing logged


def test_a_rewind_keeps_the_log_whole_and_takes_later_markers_off_the_path():
    t = make(learning_rate=0.5)
    t.run(10)
    t.learning_rate = 0.1
    t.run(10)
    t.optimizer = "adam"
    t.run(5)
    its = list(t.history.snapshot_iterations)
    assert t.continue_from(its.index(10)) == 10
    kinds = [(e.iteration, e.kind) for e in t.history.log]
    assert kinds == [(10, "set"), (20, "set"), (25, "rewind")]
    assert t.history.log[-1].value == 10
    assert t.history.events == [
        (10, "learning_rate", "η 0.5 → 0.1"),
        (10, "continue", "continued from iteration 10"),
    ]
    t.run(3)
    t.learning_rate = 0.2
    assert [m[0] for m in t.history.events] == [10, 10, 13]


def test_bias_false_biases_never_change():
    X, y = xor_data()
    net = nnviz.Network([2, 3, 1], bias=False, seed=0)
    t = nnviz.Trainer(net, X, y, optimizer="adam", learning_rate=0.1, l2=0.1)
    t.run(50)
    assert all(np.all(b == 0) for b in net.biases)


def test_test_loss_recorded_with_same_weights():
    X, y = xor_data()
    net = nnviz.Network([2, 3, 1], seed=0)
    t = nnviz.Trainer(net, X[:3], y[:3], X_test=X[3:], y_test=y[3:])
    before = net.loss(X[3:], y[3:], "half_sse")
    rec = t.step()
    assert rec.test_loss == before == t.history.test_loss[0]
    assert np.isnan(make().step().test_loss)


def plane_trainer(**kw):
    """The plane preset's regression (linear output, mse) on a relu network."""
    data = prepare(
        load_preset("plane"), ["x1", "x2"], ["y"], scaling="standard", output_activation="linear"
    )
    net = nnviz.Network([2, 8, 8, 1], activation="relu", output_activation="linear", seed=0)
    return nnviz.Trainer(net, data.X_train, data.y_train, loss="mse", **kw)


def run_until_diverged(t, max_steps=5000):
    """Step until TrainingDiverged; returns the message and, per iteration reached, the
    weights and optimizer state the trainer held there."""
    seen = {t.iteration: (t.network.params.copy(), t.optimizer_state)}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no NumPy warning escapes
        with pytest.raises(nnviz.TrainingDiverged) as info:
            for _ in range(max_steps):
                t.step()
                seen[t.iteration] = (t.network.params.copy(), t.optimizer_state)
    return str(info.value), seen


@pytest.mark.parametrize(
    "optimizer,learning_rate",
    [
        ("sgd", 3.0),
        ("momentum", 3.0),
        ("adam", 1e60),
    ],
)
def test_divergence_goes_back_to_the_last_weights_with_a_finite_loss(optimizer, learning_rate):
    t = plane_trainer(optimizer=optimizer, learning_rate=learning_rate)
    message, seen = run_until_diverged(t)
    k = t.iteration
    assert k + 1 in seen  # the weights of iteration k + 1 were made, and their loss was inf
    assert t.diverged and t.divergence_message == message
    assert f"diverged at iteration {k + 1}: the loss became inf" in message
    assert f"weights of iteration {k}, the last with a finite loss" in message
    assert "Reset or the replay slider gets back to earlier ones" in message
    # the network holds the weights of iteration k, whose loss is finite, and the
    # optimizer the state it had there
    params, state = seen[k]
    assert np.array_equal(t.network.params, params)
    for key, value in state.items():
        assert np.array_equal(t.optimizer_state[key], value), key
    loss = t.network.loss(t.X, t.Y, "mse")
    assert np.isfinite(loss) and loss == pytest.approx(t.last_finite_loss, rel=1e-12)
    assert f"({t.last_finite_loss:.4g})" in message
    # the history ends where the weights are: step k is yet to be taken
    h = t.history
    assert np.all(h.iterations < k) and h.snapshot_iterations[-1] == k
    assert np.array_equal(h.snapshot_params(-1)[1], params)
    assert [(it, kind) for it, kind, _ in h.events] == [(k, "diverged")]
    # a smaller learning rate trains on from there (momentum's velocity would carry on)
    if optimizer == "momentum":
        t.optimizer = "sgd"
    t.learning_rate = 1e-12
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t.run(3)
    assert t.iteration == k + 3


def test_divergence_asked_again_comes_back_to_the_same_weights():
    t = plane_trainer(learning_rate=3.0)
    message, _ = run_until_diverged(t)
    stuck, params = t.iteration, t.network.params.copy()
    with pytest.raises(nnviz.TrainingDiverged) as info:
        t.run(100)
    assert str(info.value) == message
    assert t.iteration == stuck and np.array_equal(t.network.params, params)
    assert [kind for _, kind, _ in t.history.events] == ["diverged"]


def test_a_step_that_would_make_a_weight_infinite_is_not_applied():
    X, y = xor_data()
    net = nnviz.Network([2, 4, 1], activation="tanh", output_activation="linear", seed=0)
    t = nnviz.Trainer(net, 10 * X, 10 * y, learning_rate=1e308)  # η·dW overflows
    params = net.params.copy()
    loss = net.loss(t.X, t.Y, "half_sse")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(nnviz.TrainingDiverged, match="a weight would have become infinite"):
            t.step()
    assert t.iteration == 0 and np.array_equal(net.params, params)
    assert t.last_finite_loss == loss
    assert "not applied: the network keeps the weights of iteration 0" in t.divergence_message
    assert t.optimizer_state["t"] == 0


def test_weights_whose_own_loss_is_infinite_have_nothing_to_go_back_to():
    X, y = xor_data()
    net = nnviz.Network([2, 3, 1], output_activation="linear", seed=0)
    net.weights[1][...] = 1e300  # ŷ ≈ 1e300, (ŷ − y)² overflows
    t = nnviz.Trainer(net, X, y)
    params = net.params.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(nnviz.TrainingDiverged, match="no earlier weights"):
            t.step()
    assert t.iteration == 0 and np.array_equal(net.params, params)
    assert np.isnan(t.last_finite_loss)


def test_new_rows_forget_the_weights_measured_on_the_old_ones():
    t = plane_trainer(learning_rate=0.01)
    t.run(20)
    params = t.network.params.copy()
    t.set_data(1e200 * t.X, t.Y)  # the current weights' loss on these rows is inf
    with pytest.raises(nnviz.TrainingDiverged, match="no earlier weights"):
        t.step()
    assert t.iteration == 20 and np.array_equal(t.network.params, params)


def test_sigmoid_network_at_huge_learning_rate_stays_finite():
    X, y = xor_data()
    t = nnviz.Trainer(nnviz.Network([2, 4, 1], seed=0), X, y, learning_rate=1e3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with contextlib.suppress(nnviz.TrainingDiverged):
            t.run(2000)
    assert np.all(np.isfinite(t.network.params))


def test_snapshots_replay_the_run():
    t = make(learning_rate=0.5, history_options={"max_snapshots": 8, "min_snapshots": 4})
    seen = {0: t.network.params.copy()}
    for _ in range(40):
        t.step()
        seen[t.iteration] = t.network.params.copy()
    its = t.history.snapshot_iterations
    assert its[0] == 0 and its[-1] == 40 and len(its) <= 9
    assert np.all(np.diff(its[:-1]) == np.diff(its[:-1])[0])  # evenly thinned
    for i, it in enumerate(its):
        k, flat = t.history.snapshot_params(i)
        assert k == it and np.array_equal(flat, seen[it])
    k, W, b = t.history.snapshot_at(13)
    assert k <= 13 and np.array_equal(W[0], seen[k][:8].reshape(2, 4))


def test_loss_history_thins_evenly_past_its_capacity():
    t = make(learning_rate=0.5, history_options={"loss_capacity": 16})
    t.run(100)
    its = t.history.iterations
    assert its[0] == 0 and its[-1] == 99
    body = its[:-1]
    assert len(body) <= 16 and np.all(np.diff(body) == np.diff(body)[0])
    assert len(t.history.train_loss) == len(its) == len(t.history.test_loss)


def _held_arrays(history) -> int:
    """Bytes of every array the history holds, whatever is recorded in them."""
    return (
        history._its.nbytes
        + history._train.nbytes
        + history._test.nbytes
        + sum(s.nbytes for s in history._snaps)
    )


def test_history_thins_to_a_small_budget_over_many_times_its_capacity():
    # The million-step run below, scaled down: 64 losses and a memory budget of 40
    # snapshots, 10,000 steps (156× the loss capacity, 250× the snapshots), checked
    # after every step: the arrays never outgrow the budget, the kept points stay
    # evenly spaced from iteration 0 and at least half of each capacity stays filled.
    X = np.array([[2 / 3, 1.0], [1 / 3, 5 / 9], [1.0, 2 / 3]])
    y = np.array([[0.92], [0.86], [0.89]])
    net = nnviz.Network([2, 3, 1], bias=False, seed=0)
    snap = net.params.nbytes + 200
    budget = 64 * 24 + 40 * snap
    options = {"loss_capacity": 64, "memory_budget": budget}
    t = nnviz.Trainer(net, X, y, history_options=options)
    h = t.history
    assert h.max_snapshots == 40  # the budget, not max_snapshots=1000, sets it
    for step in range(10_000):
        t.step()
        assert _held_arrays(h) <= budget, step
        assert len(h.snapshot_iterations) <= 41 and h._its.shape[0] <= 64, step
    assert h.nbytes <= budget
    assert h.iterations[0] == 0 and h.iterations[-1] == 9_999
    assert h.snapshot_iterations[0] == 0 and h.snapshot_iterations[-1] == 10_000
    assert len(h.iterations) >= 32 and len(h.snapshot_iterations) >= 20
    for its in (h.iterations[:-1], h.snapshot_iterations[:-1]):
        gaps = np.diff(its)
        assert np.all(gaps == gaps[0]) and gaps[0] & (gaps[0] - 1) == 0  # a power of two
    assert h.loss_stride == h.snapshot_stride == 256  # 10,000 / 256: 39 of each kept


@pytest.mark.slow
def test_history_bounded_over_a_million_steps():
    # The real size: a million steps under tracemalloc (the fast test above covers the
    # same thinning at a small capacity; make test runs this one too).
    X = np.array([[2 / 3, 1.0], [1 / 3, 5 / 9], [1.0, 2 / 3]])
    y = np.array([[0.92], [0.86], [0.89]])
    t = nnviz.Trainer(nnviz.Network([2, 3, 1], bias=False, seed=0), X, y)
    tracemalloc.start()
    t.run(1_000_000)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    h = t.history
    assert h.nbytes < 64 * 2**20
    assert peak < 64 * 2**20
    assert h.iterations[0] == 0 and h.iterations[-1] == 999_999
    assert h.snapshot_iterations[0] == 0 and h.snapshot_iterations[-1] == 1_000_000
    assert len(h.snapshot_iterations) >= 200
    assert len(h.iterations) >= 2**18


def test_history_budget_holds_for_a_big_network():
    X = np.zeros((2, 300))
    y = np.zeros((2, 10))
    net = nnviz.Network([300, 200, 10], output_activation="linear", seed=0)  # 62k params
    t = nnviz.Trainer(net, X, y, learning_rate=0.01)
    t.run(1500)
    assert t.history.nbytes < 64 * 2**20
    assert len(t.history.snapshot_iterations) >= 2


def test_trace_shows_the_next_step_without_taking_it():
    t = make(learning_rate=0.3, l2=0.1)
    t.run(3)
    params = t.network.params.copy()
    tr = t.trace()
    assert np.array_equal(t.network.params, params) and t.iteration == 3
    rec = t.step()
    assert tr.backprop.loss == rec.loss
    for l in range(2):
        assert np.allclose(tr.W_new[l], t.network.weights[l], atol=1e-15)
        assert np.allclose(tr.W_new[l], tr.backprop.layers[l].W - 0.3 * tr.dW_total[l], atol=1e-15)


def test_bad_settings_are_rejected():
    X, y = xor_data()
    net = nnviz.Network([2, 2, 1])
    with pytest.raises(ValueError, match="learning_rate"):
        nnviz.Trainer(net, X, y, learning_rate=0)
    with pytest.raises(ValueError, match="Unknown optimizer"):
        nnviz.Trainer(net, X, y, optimizer="rmsprop")
    with pytest.raises(ValueError, match="X must have 2 columns"):
        nnviz.Trainer(net, np.ones((4, 3)), y)
    with pytest.raises(ValueError, match=r"y must have shape \(4, 1\)"):
        nnviz.Trainer(net, X, np.ones((3, 1)))
    with pytest.raises(ValueError, match="l2"):
        nnviz.Trainer(net, X, y, l2=-1)


def test_accuracy_splits_one_output_at_the_middle_of_its_range():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    labels = (X[:, :1] > 0).astype(float)
    for output, y, mid, other in (
        ("sigmoid", labels, 0.5, 0.0),
        ("tanh", 2 * labels - 1, 0.0, 0.5),
    ):
        net = nnviz.Network(
            [2, 4, 1], activation="tanh", output_activation=output, init="uniform", seed=3
        )  # small weights: outputs near the middle
        t = nnviz.Trainer(net, X, y)
        out = net.forward(X)[:, 0]
        right = np.mean((out > mid) == (y[:, 0] > mid))
        assert right != np.mean((out > other) == (y[:, 0] > other))  # the middle matters
        assert t.accuracy() == right
    linear = nnviz.Trainer(nnviz.Network([2, 1], output_activation="linear"), X, labels)
    with pytest.raises(ValueError, match="bounded output"):
        linear.accuracy()


def test_a_step_allocates_no_batch_sized_arrays():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (4096, 2))
    y = (X[:, :1] * X[:, 1:] > 0).astype(float)
    net = nnviz.Network([2, 64, 64, 1], activation="tanh", seed=1)
    t = nnviz.Trainer(net, X, y, learning_rate=1e-3)
    t.run(3)
    batch_sized = 4096 * 64 * 8  # one Z or A of a hidden layer: 2 MB
    tracemalloc.start()
    try:
        for _ in range(3):
            before = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            t.step()
            after, peak = tracemalloc.get_traced_memory()
            # what a step holds only while it runs (the history's snapshot stays)
            assert peak - max(before, after) < batch_sized / 8
    finally:
        tracemalloc.stop()


# ---------------------------------------------------------------------------- saving
def _circle_trainer(optimizer="adam", history_options=None, **kw):
    data = prepare(load_preset("circle"), ["x1", "x2"], ["label"], output_activation="sigmoid")
    net = nnviz.Network([2, 5, 1], activation="tanh", seed=3)
    return nnviz.Trainer(
        net, data.X_train, data.y_train, loss="bce", optimizer=optimizer, learning_rate=0.05,
        batch_size=7, seed=11, X_test=data.X_test, y_test=data.y_test,
        history_options=history_options, **kw,
    )  # fmt: skip


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_a_loaded_state_goes_on_exactly_through_the_history_thinning(optimizer):
    """Small capacities, so that the record thins before and after the save: n steps, save,
    load into a new trainer, m more ≡ n + m straight, to the last bit."""
    small = {"loss_capacity": 64, "max_snapshots": 8, "min_snapshots": 2}
    straight = _circle_trainer(optimizer, small)
    straight.run(500)
    first = _circle_trainer(optimizer, small)
    first.run(300)
    assert first.history.loss_stride > 1 and first.history.revision > 0
    state = first.state_dict()
    second = _circle_trainer(optimizer, small)
    second.load_state_dict(state)
    second.run(200)
    h1, h2 = straight.history, second.history
    assert np.array_equal(straight.network.params, second.network.params)
    for name in ("iterations", "train_loss", "test_loss", "snapshot_iterations"):
        assert np.array_equal(getattr(h1, name), getattr(h2, name)), name
    assert (h1.loss_stride, h1.snapshot_stride) == (h2.loss_stride, h2.snapshot_stride)
    for k in range(len(h1.snapshot_iterations)):
        assert np.array_equal(h1.snapshot_params(k)[1], h2.snapshot_params(k)[1])
    assert straight.optimizer_state.keys() == second.optimizer_state.keys()


def test_revision_counts_rewrites_not_appends():
    t = _circle_trainer("sgd", {"loss_capacity": 64, "max_snapshots": 8, "min_snapshots": 2})
    t.run(5)
    assert t.history.revision == 0  # appended only
    t.run(10)
    assert t.history.revision == 1  # the 8 snapshots thinned
    before = t.history.revision
    t.continue_from(3)
    assert t.history.revision == before + 1


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda s: s.update(params=s["params"][:-1]), "weights and biases"),
        (lambda s: s["params"].__setitem__(0, np.inf), "not finite"),
        (lambda s: s.update(learning_rate=-1.0), "learning_rate"),
        (lambda s: s.update(momentum=1.5), "momentum"),
        (lambda s: s.update(batch_size=0), "batch_size"),
        (lambda s: s.update(rng={"bit_generator": "PCG64"}), "PCG64"),
        (lambda s: s.update(perm=np.zeros_like(s["perm"])), "permutation"),
        (lambda s: s["optimizer"].update(name="rmsprop"), "Unknown optimizer"),
        (lambda s: s["optimizer"].update(t=-1), "step count"),
        (lambda s: s["optimizer"]["m"].__setitem__(0, np.nan), "not finite"),
        (lambda s: s.update(kept_iteration=10**9), "kept weights"),
        (lambda s: s["history"].update(loss_stride=3), "powers of two"),
        (lambda s: s["history"].update(loss_capacity=2**30), "at most"),
        (lambda s: s["history"].update(iteration=5), "before 5|history ends|at most 5"),
        (lambda s: s["history"]["snapshots"].__setitem__(0, np.zeros(2)), "snapshot"),
        (lambda s: s["history"].update(log=[(0, "x", "y" * 10_000)]), "log"),
        (lambda s: s["history"].update(log=[RunEvent(0, "x")]), "log"),
        (
            lambda s: s["history"].update(log=[RunEvent(0, "set", {}, ((0, "x", "y" * 999),))]),
            "log",
        ),
        (lambda s: s["history"].update(cuts=[[5, 0]]), "cuts"),
        (lambda s: s["history"].update(train_loss=s["history"]["train_loss"][:-1]), "entries"),
    ],
)
def test_a_state_that_does_not_fit_is_refused_and_nothing_changes(change, message):
    source = _circle_trainer()
    source.run(40)
    state = source.state_dict()
    state["history"] = {
        k: (v.copy() if isinstance(v, np.ndarray) else list(v) if isinstance(v, list) else v)
        for k, v in state["history"].items()
    }
    change(state)
    target = _circle_trainer()
    target.run(3)
    params = target.network.params.copy()
    with pytest.raises(ValueError, match=message):
        target.load_state_dict(state)
    assert target.iteration == 3 and np.array_equal(target.network.params, params)
    target.run(1)  # still a working trainer
