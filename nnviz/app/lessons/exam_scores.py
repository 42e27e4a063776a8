"""Seed 002 as a lesson: a 2-3-1 sigmoid network without biases, hours studied and slept
→ test score.

Scaling by the column maxima, forward, sigmoid prime, backward, 1000 training steps,
the prediction for 4 h studied and 8 h slept in points (:func:`prediction`) and the
saved weights (:func:`saved_weights`: ``w1.txt``, ``w2.txt`` as np.savetxt writes them).
"""

from __future__ import annotations

import io
import zipfile

import numpy as np

from ...export import weights_txt_zip
from ..explorer import Explorer
from .engine import Action, Lesson, LessonStep, Live, Readout, Shown, unit_range

PREDICT_ROW = (4.0, 8.0)  # hours studied, hours slept


def prediction(ex: Explorer) -> float | None:
    """Seed 002's question: the score for 4 h studied and 8 h slept, in points (None when
    the live network does not take those two inputs)."""
    if ex.data.n_inputs != len(PREDICT_ROW) or ex.data.classes is not None:
        return None
    return float(ex.predict_row(PREDICT_ROW)[0])


def _exam_raw(v: Live) -> np.ndarray:
    return v.data.scaler.inverse_X(v.data.X_train)


def _ex_data(v: Live) -> list[Shown]:
    raw = _exam_raw(v)
    return [
        Shown("X (hours)", "hours studied, hours slept", raw, None, 0, signed=False),
        Shown(
            "np.amax(X, axis=0)",
            "each column's largest value",
            raw.max(axis=0),
            None,
            0,
            signed=False,
        ),
        Shown("X (scaled)", "X / column maxima", v.data.X_train.copy(), None, 0, signed=False),
        Shown("y (scaled)", "score / 100", v.data.y_train.copy(), None, v.L, signed=False),
    ]


def _ex_network(v: Live) -> list[Shown]:
    return [
        Shown("W1", "W₁: input → hidden", v.net.weights[0].copy(), 0, 1),
        Shown("W2", "W₂: hidden → output", v.net.weights[1].copy(), 1, 2),
    ]


def _ex_forward(v: Live) -> list[Shown]:
    return [
        v.shown("z", "forward", 1, "Z", cols=1, notation="z = X · W₁"),
        v.shown(
            "z2",
            "forward",
            1,
            "A",
            cols=1,
            signed=not unit_range(v, 1),
            notation="z2 = σ(z)   (A₁: an activation)",
        ),
        v.shown("z3", "forward", 2, "Z", cols=2, notation="z3 = z2 · W₂"),
        v.shown(
            "o",
            "forward",
            2,
            "A",
            cols=2,
            signed=not unit_range(v, 2),
            notation="o = σ(z3)   (the predicted score / 100)",
        ),
    ]


def _ex_prime(v: Live) -> list[Shown]:
    return [
        v.shown(
            "sigmoidPrime(o)",
            "backward",
            2,
            "dAdZ",
            cols=2,
            signed=False,
            notation="σ′ at the output: o ⊙ (1 − o)",
        ),
        v.shown(
            "sigmoidPrime(z2)",
            "backward",
            1,
            "dAdZ",
            cols=1,
            signed=False,
            notation="σ′ at the hidden layer: z2 ⊙ (1 − z2)",
        ),
    ]


def _ex_backward(v: Live) -> list[Shown]:
    return [
        v.shown(
            "o_error",
            "backward",
            2,
            "dA",
            cols=2,
            sign=-1.0,
            notation="o_error = y − o   (= −dL/dA₂)",
        ),
        v.shown(
            "o_delta",
            "backward",
            2,
            "dZ",
            cols=2,
            sign=-1.0,
            notation="o_delta = o_error ⊙ σ′(o)   (= −dZ₂)",
        ),
        v.shown(
            "z2_error",
            "backward",
            1,
            "dA",
            cols=1,
            sign=-1.0,
            notation="z2_error = o_delta · W₂ᵀ   (= −dL/dA₁)",
        ),
        v.shown(
            "z2_delta",
            "backward",
            1,
            "dZ",
            cols=1,
            sign=-1.0,
            notation="z2_delta = z2_error ⊙ σ′(z2)   (= −dZ₁)",
        ),
    ]


def _ex_adjust(v: Live) -> list[Shown]:
    return [
        v.shown(
            "X.T.dot(z2_delta)",
            "backward",
            1,
            "dW",
            rows=0,
            cols=1,
            sign=-1.0,
            notation="added to W₁: Xᵀ · z2_delta   (= −dW₁)",
        ),
        v.shown(
            "z2.T.dot(o_delta)",
            "backward",
            2,
            "dW",
            rows=1,
            cols=2,
            sign=-1.0,
            notation="added to W₂: z2ᵀ · o_delta   (= −dW₂)",
        ),
        v.shown("new W1", "update", 1, "W_new", rows=0, cols=1),
        v.shown("new W2", "update", 2, "W_new", rows=1, cols=2),
    ]


def _ex_train(v: Live) -> list[Shown]:
    return [
        Shown("y", "the scaled scores", v.Y.copy(), None, v.L, signed=False),
        v.shown(
            "o",
            "forward",
            2,
            "A",
            cols=2,
            signed=not unit_range(v, 2),
            notation="o: the network's scaled predictions now",
        ),
    ]


def _mean_squared(v: Live) -> float:
    A = np.asarray(v.step("forward", v.L, "A").value, dtype=float)
    return float(np.mean(np.square(v.Y - A)))


def _ex_train_readouts(v: Live) -> list[Readout]:
    return [
        Readout("Iteration", f"{v.ex.trainer.iteration:,}"),
        Readout(
            "Loss: mean of (y − o)²",
            f"{_mean_squared(v):.4g}",
            "What the tutorial prints on every pass; the chart shows the loss the "
            "trainer minimises.",
        ),
    ]


def _ex_predict(v: Live) -> list[Shown]:
    raw = np.asarray([PREDICT_ROW])
    if v.data.n_inputs != raw.shape[1]:
        return []
    x = v.data.scaler.transform_X(raw)
    layers = v.net.forward_layers(x)
    return [
        Shown("xPredicted (hours)", "4 h studied, 8 h slept", raw, None, 0, signed=False),
        Shown(
            "xPredicted (scaled)",
            "divided by the training rows' column maxima",
            x,
            None,
            0,
            signed=False,
        ),
        Shown("hidden", "σ(x · W₁)", layers[0], None, 1, signed=not unit_range(v, 1)),
        Shown(
            "output",
            "σ(hidden · W₂): the score / 100",
            layers[-1],
            None,
            v.L,
            signed=not unit_range(v, v.L),
        ),
    ]


def _prediction_readouts(v: Live) -> list[Readout]:
    points = prediction(v.ex)
    if points is None:
        return []
    target = v.data.targets[0]
    return [
        Readout("Iteration", f"{v.ex.trainer.iteration:,}"),
        Readout(
            f"Predicted {target} for (4 h, 8 h)",
            f"{points:.1f} points",
            "The network's output for the new row, scaled back by × 100.",
        ),
    ]


def _ex_save(v: Live) -> list[Shown]:
    return [
        Shown(f"w{k}.txt", f"W{k} as np.savetxt writes it", W.copy(), k - 1, k)
        for k, W in enumerate(v.net.weights, start=1)
    ]


def saved_weights(ex: Explorer) -> dict[str, str]:
    """The weight files the tutorial saves (``w1.txt``, ``w2.txt`` … as np.savetxt writes
    them): the Export tab's zip, read back."""
    with zipfile.ZipFile(io.BytesIO(weights_txt_zip(ex.network))) as z:
        return {
            name: z.read(name).decode()
            for name in z.namelist()
            if name.endswith(".txt") and name[0] in "wb" and name[1].isdigit()
        }


EXAM_SCORES = Lesson(
    key="exam_scores",
    title="Exam scores: a 2-3-1 network that predicts a score",
    source="seed 002",
    preset="exam_scores",
    sizes=(2, 3, 1),
    rows=3,
    summary="Hours studied and hours slept go in, a test score comes out: a 2-3-1 sigmoid "
    "network without biases, trained 1000 times, then asked about a student who "
    "studied 4 hours and slept 8.",
    steps=(
        LessonStep(
            "data",
            "The data and its scaling",
            "Three students: hours studied, hours slept, and the score each one got. Hours "
            "and points come in very different sizes, so every input column is divided by "
            "its largest value and the score by 100 — now everything lies between 0 and 1, "
            "where the sigmoid's output lives. The fourth row (4 h studied, 8 h slept) has "
            "no score: that is the network's question at the end.",
            "X ← X / (the largest value of each column)\ny ← y / 100",
            _ex_data,
            Action("load", "Load the exam scores and the 2-3-1 network"),
        ),
        LessonStep(
            "network",
            "The network",
            "Two inputs, three hidden neurons, one output, the sigmoid everywhere and no "
            "biases. Both weight matrices start as random normal numbers; training shapes "
            "them.",
            "W₁: 2 × 3 (input → hidden)\nW₂: 3 × 1 (hidden → output)",
            _ex_network,
        ),
        LessonStep(
            "forward",
            "Forward propagation",
            "Multiply the scaled rows by W₁, squash with the sigmoid, multiply by W₂, squash "
            "again: o is each student's predicted score divided by 100. Mind the tutorial's "
            "names — its z2 is already an activation, and z3 is the output's sum.",
            "z = X · W₁\nz2 = σ(z)\nz3 = z2 · W₂\no = σ(z3)",
            _ex_forward,
        ),
        LessonStep(
            "prime",
            "Sigmoid prime",
            "The sigmoid's slope can be read off its own output s as s · (1 − s). It is "
            "largest, 0.25, at s = 0.5 and nearly 0 when a neuron sits close to 0 or 1: such "
            "a saturated neuron hardly learns.",
            "σ′(z) = σ(z) · (1 − σ(z)) = s · (1 − s)",
            _ex_prime,
        ),
        LessonStep(
            "backward",
            "Backward propagation",
            "Start from how far off each prediction is, weigh it by the output's slope "
            "(o_delta), share it out to the hidden neurons through W₂ᵀ (z2_error), and weigh "
            "that by their slopes (z2_delta). The tutorial takes the error as y − o, the "
            "opposite sign of the gradient, which is why it then adds to the weights instead "
            "of subtracting.",
            "o_error = y − o\no_delta = o_error ⊙ σ′(o)\nz2_error = o_delta · W₂ᵀ\n"
            "z2_delta = z2_error ⊙ σ′(z2)",
            _ex_backward,
        ),
        LessonStep(
            "adjust",
            "Adjusting the weights",
            "Each weight matrix moves by its input's transpose times the delta it feeds. "
            "That is the gradient of ½ · Σ (y − o)² with a learning rate of 1: plain gradient "
            "descent. Run this step applies it once.",
            "W₁ += Xᵀ · z2_delta\nW₂ += z2ᵀ · o_delta",
            _ex_adjust,
            Action("train", "Adjust the weights once", 1),
        ),
        LessonStep(
            "train",
            "Train 1000 times",
            "Forward, backward, adjust — 1000 times. The tutorial prints the mean of the "
            "squared errors on every pass; the chart shows the loss the trainer minimises "
            "(½ · Σ, the same curve at another scale). The predictions o creep towards "
            "0.92, 0.86 and 0.89.",
            "repeat 1000 times:\n    o = forward(X)\n    backward(X, y, o)\nloss = mean((y − o)²)",
            _ex_train,
            Action("train", "Train to iteration 1000", 1000, until=True),
            chart="loss",
            readouts=_ex_train_readouts,
        ),
        LessonStep(
            "predict",
            "Predict 4 h studied, 8 h slept",
            "Scale the new row exactly like the training rows — by their column maxima, 3 "
            "and 9 — run it forward and multiply by 100 for points. (The tutorial divides "
            "the new row by its own largest value, 8, which turns it into (0.5, 1) instead "
            "of (1.33, 0.89): a different student from the one asked about.)",
            "x = (4, 8) / (3, 9)\nscore = 100 · σ(σ(x · W₁) · W₂)",
            _ex_predict,
            readouts=_prediction_readouts,
        ),
        LessonStep(
            "save",
            "Save the weights",
            "np.savetxt writes a matrix as plain text, one row per line, and np.loadtxt "
            "reads it back, so the trained network can be used without training it again. "
            "Export / share gives these files, and the network as JSON or as a standalone "
            "script.",
            'np.savetxt("w1.txt", W₁)\nnp.savetxt("w2.txt", W₂)',
            _ex_save,
            readouts=_prediction_readouts,
            files=True,
        ),
    ),
)
