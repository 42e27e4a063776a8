"""The lessons' content, without Streamlit: every step of both tutorials has its words,
its formula and real matrices of the lesson's network, with the shapes the tutorials
print, and the values the tutorials' own NumPy code computes from the same weights."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.app.explorer import Explorer
from nnviz.app.lessons import (
    EXAM_SCORES,
    LESSONS,
    PREDICT_ROW,
    THREE_BITS,
    Action,
    can_train,
    differences,
    lesson_for,
    perform,
    prediction,
    readouts,
    saved_weights,
    shows_matrices,
    step_matrices,
)
from nnviz.app.settings import Settings
from nnviz.data import load_preset

# the shapes seed 000 prints, and nnviz's biases (one per neuron, where the tutorial has
# one number per layer)
THREE_BITS_SHAPES = {
    "inputs": (6, 3),
    "output": (6, 1),
    "w1": (3, 5),
    "w2": (5, 1),
    "b1": (5,),
    "b2": (1,),
    "z1": (6, 5),
    "a1": (6, 5),
    "z2": (6, 1),
    "a2": (6, 1),
    "output - a2": (6, 1),
    "error": (1, 1),
    "error_d_a2": (6, 1),
    "a2_d_z2": (6, 1),
    "z2_d_w2": (6, 5),
    "error_d_a2 * a2_d_z2": (6, 1),
    "delta_w2": (5, 1),
    "delta_b2": (1,),
    "new w2": (5, 1),
    "new b2": (1,),
    "z2_d_a1": (5, 1),
    "a1_d_z1": (6, 5),
    "z1_d_w1": (6, 3),
    "np.dot(delta, z2_d_a1.T)": (6, 5),
    "delta * a1_d_z1": (6, 5),
    "delta_w1": (3, 5),
    "delta_b1": (5,),
    "new w1": (3, 5),
    "new b1": (5,),
    "test inputs": (2, 3),
    "test output": (2, 1),
    "a2 (test)": (2, 1),
}
# seed 002: X is 3×2, y 3×1, W1 2×3, W2 3×1, and the (4, 8) row
EXAM_SHAPES = {
    "X (hours)": (3, 2),
    "np.amax(X, axis=0)": (2,),
    "X (scaled)": (3, 2),
    "y (scaled)": (3, 1),
    "W1": (2, 3),
    "W2": (3, 1),
    "z": (3, 3),
    "z2": (3, 3),
    "z3": (3, 1),
    "o": (3, 1),
    "sigmoidPrime(o)": (3, 1),
    "sigmoidPrime(z2)": (3, 3),
    "o_error": (3, 1),
    "o_delta": (3, 1),
    "z2_error": (3, 3),
    "z2_delta": (3, 3),
    "X.T.dot(z2_delta)": (2, 3),
    "z2.T.dot(o_delta)": (3, 1),
    "new W1": (2, 3),
    "new W2": (3, 1),
    "y": (3, 1),
    "xPredicted (hours)": (1, 2),
    "xPredicted (scaled)": (1, 2),
    "hidden": (1, 3),
    "output": (1, 1),
    "w1.txt": (2, 3),
    "w2.txt": (3, 1),
}
SHAPES = {"three_bits": THREE_BITS_SHAPES, "exam_scores": EXAM_SHAPES}


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


# ---------------------------------------------------------------------------- content


@pytest.mark.parametrize("key", list(LESSONS))
def test_every_step_has_words_a_formula_and_the_lesson_networks_matrices(key):
    lesson = LESSONS[key]
    ex = lesson.explorer()
    assert ex.network.layer_sizes == lesson.sizes and len(ex.data.X_train) == lesson.rows
    assert differences(lesson, ex) == [] and can_train(lesson, ex) == ""
    keys = [s.key for s in lesson.steps]
    assert len(set(keys)) == len(keys)
    seen = set()
    for step in lesson.steps:
        assert step.title and len(step.words) > 80 and step.formula.strip(), step.key
        matrices = step_matrices(ex, step)
        assert matrices, f"{step.key} shows no matrix"
        for m in matrices:
            assert m.name in SHAPES[key], (step.key, m.name)
            assert m.shape == SHAPES[key][m.name], (step.key, m.name, m.shape)
            assert m.notation and np.all(np.isfinite(m.value))
            seen.add(m.name)
    assert seen == set(SHAPES[key])  # every matrix the tutorial names is shown somewhere


@pytest.mark.parametrize("key", list(LESSONS))
def test_each_lesson_starts_by_loading_its_preset_and_trains_its_loop(key):
    lesson = LESSONS[key]
    first = lesson.steps[0]
    assert first.action is not None and first.action.kind == "load"
    assert lesson.settings(seed=7) == Settings.for_preset(lesson.preset, seed=7)
    assert lesson.table().equals(load_preset(lesson.preset))
    loops = [s for s in lesson.steps if s.chart == "loss"]
    assert len(loops) == 1 and loops[0].action.kind == "train"
    assert loops[0].action.steps == {"three_bits": 100, "exam_scores": 1000}[key]


def test_a_train_action_goes_up_to_its_iteration_then_on_by_as_many():
    a = Action("train", "Train to iteration 100", 100, until=True)
    assert a.steps_from(0) == 100 and a.steps_from(1) == 99 and a.steps_from(100) == 100
    assert a.label_at(5) == "Train to iteration 100"
    assert a.label_at(150) == "Train 100 more steps"
    once = Action("train", "Take the step", 1)
    assert once.steps_from(0) == once.steps_from(10) == 1


# ---------------------------------------------------------------------------- seeds 000/001


def _by_name(ex, lesson) -> dict:
    return {m.name: m.value for s in lesson.steps for m in step_matrices(ex, s)}


def test_three_bits_matrices_are_the_tutorials_numpy_with_the_same_weights():
    ex = THREE_BITS.explorer(seed=3)
    ex.step(5)  # any state of the run, not only the initial weights
    shown = _by_name(ex, THREE_BITS)
    W1, W2 = (w.copy() for w in ex.network.weights)
    b1, b2 = (b.copy() for b in ex.network.biases)
    X, y, lr = ex.data.X_train, ex.data.y_train, ex.trainer.learning_rate
    assert lr == 1.0  # the tutorial's plain "w = w - delta"
    # the tutorial's feed-forward, error and steps 1–8, written out
    z1 = np.dot(X, W1) + b1
    a1 = sigmoid(z1)
    z2 = np.dot(a1, W2) + b2
    a2 = sigmoid(z2)
    error = np.sum(0.5 * (y - a2) ** 2)
    error_d_a2 = a2 - y
    a2_d_z2 = a2 * (1 - a2)
    delta = error_d_a2 * a2_d_z2
    delta_w2 = np.dot(a1.T, delta)
    delta_b2 = delta.sum(axis=0)
    a1_d_z1 = a1 * (1 - a1)
    back = np.dot(delta, W2.T)  # the W2 of this forward pass (the exact chain rule)
    delta_w1 = np.dot(X.T, back * a1_d_z1)
    delta_b1 = (back * a1_d_z1).sum(axis=0)
    expected = {
        "inputs": X,
        "output": y,
        "w1": W1,
        "w2": W2,
        "b1": b1,
        "b2": b2,
        "z1": z1,
        "a1": a1,
        "z2": z2,
        "a2": a2,
        "output - a2": y - a2,
        "error": [[error]],
        "error_d_a2": error_d_a2,
        "a2_d_z2": a2_d_z2,
        "z2_d_w2": a1,
        "error_d_a2 * a2_d_z2": delta,
        "delta_w2": delta_w2,
        "delta_b2": delta_b2,
        "new w2": W2 - lr * delta_w2,
        "new b2": b2 - lr * delta_b2,
        "z2_d_a1": W2,
        "a1_d_z1": a1_d_z1,
        "z1_d_w1": X,
        "np.dot(delta, z2_d_a1.T)": back,
        "delta * a1_d_z1": back * a1_d_z1,
        "delta_w1": delta_w1,
        "delta_b1": delta_b1,
        "new w1": W1 - lr * delta_w1,
        "new b1": b1 - lr * delta_b1,
        "test inputs": ex.data.X_test,
        "test output": ex.data.y_test,
        "a2 (test)": sigmoid(sigmoid(ex.data.X_test @ W1 + b1) @ W2 + b2),
    }
    assert set(expected) == set(shown)
    for name, value in expected.items():
        np.testing.assert_allclose(shown[name], value, rtol=1e-12, atol=1e-15, err_msg=name)
    # step 8's run is one training step: exactly the updates steps 4 and 8 showed
    step8 = next(s for s in THREE_BITS.steps if s.key == "step8")
    assert perform(ex, step8) == 1
    np.testing.assert_allclose(ex.network.weights[0], W1 - delta_w1, rtol=1e-12)
    np.testing.assert_allclose(ex.network.weights[1], W2 - delta_w2, rtol=1e-12)


def test_three_bits_loop_and_test_rows_after_the_tutorials_100_passes():
    ex = THREE_BITS.explorer()
    loop = next(s for s in THREE_BITS.steps if s.key == "loop")
    assert perform(ex, loop) == 100 and ex.trainer.iteration == 100
    assert perform(ex, loop) == 100 and ex.trainer.iteration == 200  # past it: 100 more
    errors = ex.trainer.history.train_loss
    assert errors[-1] < errors[0] / 10  # the error curve falls
    test = next(s for s in THREE_BITS.steps if s.key == "test")
    shown = {r.label: r.value for r in readouts(ex, test)}
    assert shown["Iteration"] == "200"
    assert shown["Test rows right"] == f"{ex.metrics().test_score:.0%}"
    assert shown["Test error (half_sse)"] == f"{ex.metrics().test_loss:.4g}"
    (out,) = [m.value for m in step_matrices(ex, test) if m.name == "a2 (test)"]
    np.testing.assert_array_equal(out, ex.network.forward(ex.data.X_test))


# ---------------------------------------------------------------------------- seed 002


def test_exam_matrices_are_the_tutorials_numpy_with_the_same_weights():
    ex = EXAM_SCORES.explorer(seed=1)
    shown = _by_name(ex, EXAM_SCORES)
    W1, W2 = (w.copy() for w in ex.network.weights)
    # the tutorial's code on its own data
    X = np.array(([2, 9], [1, 5], [3, 6]), dtype=float)
    y = np.array(([92], [86], [89]), dtype=float)
    np.testing.assert_array_equal(shown["X (hours)"], X)
    np.testing.assert_array_equal(shown["np.amax(X, axis=0)"], [3, 9])
    X = X / np.amax(X, axis=0)
    y = y / 100
    z = np.dot(X, W1)
    z2 = sigmoid(z)
    z3 = np.dot(z2, W2)
    o = sigmoid(z3)
    o_error = y - o
    o_delta = o_error * o * (1 - o)
    z2_error = o_delta.dot(W2.T)
    z2_delta = z2_error * z2 * (1 - z2)
    x = np.array([PREDICT_ROW]) / [3, 9]
    expected = {
        "X (scaled)": X,
        "y (scaled)": y,
        "W1": W1,
        "W2": W2,
        "z": z,
        "z2": z2,
        "z3": z3,
        "o": o,
        "sigmoidPrime(o)": o * (1 - o),
        "sigmoidPrime(z2)": z2 * (1 - z2),
        "o_error": o_error,
        "o_delta": o_delta,
        "z2_error": z2_error,
        "z2_delta": z2_delta,
        "X.T.dot(z2_delta)": X.T.dot(z2_delta),
        "z2.T.dot(o_delta)": z2.T.dot(o_delta),
        # W1 += X.T.dot(z2_delta): nnviz's update is the tutorial's
        "new W1": W1 + X.T.dot(z2_delta),
        "new W2": W2 + z2.T.dot(o_delta),
        "y": y,
        "xPredicted (scaled)": x,
        "hidden": sigmoid(x @ W1),
        "output": sigmoid(sigmoid(x @ W1) @ W2),
        "w1.txt": W1,
        "w2.txt": W2,
    }
    for name, value in expected.items():
        np.testing.assert_allclose(shown[name], value, rtol=1e-12, atol=1e-15, err_msg=name)
    files = saved_weights(ex)
    assert sorted(files) == ["w1.txt", "w2.txt"]  # no biases: the tutorial saves two files
    np.testing.assert_array_equal(np.loadtxt(files["w1.txt"].splitlines(), ndmin=2), W1)


def test_exam_lesson_predicts_about_90_points_after_its_1000_steps():
    ex = EXAM_SCORES.explorer()
    W1, W2 = (w.copy() for w in ex.network.weights)
    for step in EXAM_SCORES.steps:  # walk it: Run every step that trains
        if step.action is not None and step.action.kind == "train":
            perform(ex, step)
    assert ex.trainer.iteration == 1000
    points = prediction(ex)
    assert 80 <= points <= 100
    # the tutorial's own loop from the same weights: 1000 × forward and backward
    X = np.array(([2, 9], [1, 5], [3, 6]), dtype=float)
    y = np.array(([92], [86], [89]), dtype=float) / 100
    X = X / np.amax(X, axis=0)
    for _ in range(1000):
        z2 = sigmoid(X @ W1)
        o = sigmoid(z2 @ W2)
        o_delta = (y - o) * o * (1 - o)
        z2_delta = o_delta.dot(W2.T) * z2 * (1 - z2)
        W1 += X.T.dot(z2_delta)
        W2 += z2.T.dot(o_delta)
    x = np.array([PREDICT_ROW]) / [3, 9]
    assert points == pytest.approx(100 * sigmoid(sigmoid(x @ W1) @ W2)[0, 0], rel=1e-9)
    last = EXAM_SCORES.steps[-1]
    shown = {r.label: r.value for r in readouts(ex, last)}
    assert shown["Predicted test_score for (4 h, 8 h)"] == f"{points:.1f} points"


# ---------------------------------------------------------------------------- other networks


def test_lessons_say_how_the_live_network_differs_and_refuse_to_train_another():
    ex = Explorer(load_preset("xor"), Settings.for_preset("xor"))
    assert lesson_for(ex) is EXAM_SCORES
    assert lesson_for(THREE_BITS.explorer()) is THREE_BITS
    said = differences(THREE_BITS, ex)
    assert said == ["Data set: Exclusive or (the lesson's: Three bits → last bit)"]
    assert can_train(THREE_BITS, ex).startswith("Load the lesson's network")
    tuned = THREE_BITS.explorer()
    tuned.update(tuned.table, Settings.for_preset("three_bits", learning_rate=0.5))
    assert differences(THREE_BITS, tuned) == ["Learning rate η: 0.5 (the lesson's: 1)"]
    assert can_train(THREE_BITS, tuned) == ""  # the same network, another rate: trains
    other_init = THREE_BITS.explorer()
    other_init.update(other_init.table, Settings.for_preset("three_bits", init="xavier"))
    assert differences(THREE_BITS, other_init) == ["Init: xavier (the lesson's: normal)"]


def test_a_deeper_network_has_no_lesson_matrices():
    ex = Explorer(load_preset("three_bits"), Settings.for_preset("three_bits", hidden=(4, 4)))
    assert not shows_matrices(ex)
    assert all(step_matrices(ex, s) == [] and readouts(ex, s) == [] for s in THREE_BITS.steps)
    assert can_train(THREE_BITS, ex)
    assert prediction(ex) is None  # three inputs: no (4, 8) question


@pytest.mark.parametrize("preset", ["blobs3", "xor", "sine", "exam_scores"])
@pytest.mark.parametrize("activation", ["relu", "tanh", "linear"])
def test_any_one_hidden_layer_network_gets_drawable_matrices(preset, activation):
    # the lessons name a sigmoid network's matrices, but any network with one hidden layer
    # shows its own (a softmax output's Jacobian as each row's diagonal)
    ex = Explorer(
        load_preset(preset), Settings.for_preset(preset, hidden=(3,), activation=activation)
    )
    ex.step(3)
    for lesson in LESSONS.values():
        for step in lesson.steps:
            for m in step_matrices(ex, step):
                assert np.ndim(m.value) in (1, 2) and np.all(np.isfinite(m.value)), m.name
            readouts(ex, step)
    if preset == "blobs3":
        step1 = next(s for s in THREE_BITS.steps if s.key == "step1")
        (slope,) = [m for m in step_matrices(ex, step1) if m.name == "a2_d_z2"]
        A = ex.network.forward(ex.data.X_train)
        np.testing.assert_allclose(slope.value, A * (1 - A), rtol=1e-9)  # the diagonal
