"""The lessons: the seed tutorials walked through on the app's live network.

Two lessons, one per tutorial:

* ``three_bits`` — seeds 000/001: a 3-5-1 sigmoid network on the three-bit rows,
  the variables, feed-forward, the error, backpropagation in the tutorial's
  "steps 1–8", the update, the training loop and the two test rows.
* ``exam_scores`` — seed 002: a 2-3-1 sigmoid network without biases on hours
  studied and slept → test score, scaled by the column maxima, forward, sigmoid
  prime, backward, 1000 training steps, the prediction for (4, 8) in points and
  the saved weights.

A :class:`Lesson` is data: its preset, and its :class:`LessonStep`\\ s, each with a
short explanation, the formula, which real matrices it shows (a function of the
live ``Explorer``: values from its network, its data and its next training step
as the backprop inspector takes it apart) and what "Run this step" does
(:class:`Action`: load the lesson's network, or train n steps). No Streamlit and
no Plotly here: the app draws what :func:`step_matrices` and :func:`readouts`
return.
"""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..data import PRESETS, load_preset
from ..export import weights_txt_zip
from .explorer import Explorer
from .inspector import InspectorStep, inspect_step
from .settings import SETTINGS, Settings, setting

#: the settings a lesson's explanations rely on: all but the seed (any seed's weights do)
#: and the momentum (it only matters to the momentum optimizer, itself compared)
LESSON_SETTINGS = tuple(s.name for s in SETTINGS if s.name not in ("seed", "momentum"))


@dataclass(frozen=True)
class Shown:
    """One real matrix of a step: the tutorial's name for it, its formula, its values.

    ``rows`` / ``cols`` say how to label its rows and columns: an int is a layer of
    the network (0 = the inputs; the labels are that layer's neuron names), None the
    rows of the batch ("row 0", "row 1" …) or plain column numbers. ``signed``:
    draw it on the orange ↔ blue scale around 0 (False: a sequential scale, for
    activations in 0 … 1 and raw data).
    """

    name: str
    notation: str
    value: np.ndarray
    rows: int | None = None
    cols: int | None = None
    signed: bool = True

    @property
    def shape(self) -> tuple:
        return tuple(np.shape(self.value))


@dataclass(frozen=True)
class Readout:
    """A number shown beside a step (the error, the prediction in points …)."""

    label: str
    value: str
    help: str = ""


@dataclass(frozen=True)
class Action:
    """What "Run this step" does: ``"load"`` the lesson's table and settings, or
    ``"train"`` the live run: ``steps`` steps, or with ``until`` up to iteration ``steps``
    (the tutorial's loop from the start; ``steps`` more once the run is past it)."""

    kind: str
    label: str
    steps: int = 0
    until: bool = False

    def steps_from(self, iteration: int) -> int:
        """How many steps a train action takes from ``iteration``."""
        if self.until and iteration < self.steps:
            return self.steps - iteration
        return self.steps

    def label_at(self, iteration: int) -> str:
        """The button's label at ``iteration`` (an ``until`` target already passed trains
        on by as many steps)."""
        if self.until and iteration >= self.steps:
            return f"Train {self.steps:,} more steps"
        return self.label


@dataclass(frozen=True)
class LessonStep:
    key: str
    title: str
    words: str
    formula: str
    matrices: Callable[[_Live], list[Shown]]
    action: Action | None = None
    chart: str | None = None  # "loss": the run's error curve beside the matrices
    readouts: Callable[[_Live], list[Readout]] | None = None
    files: bool = False  # show the saved weight files (np.savetxt's text)


@dataclass(frozen=True)
class Lesson:
    key: str
    title: str
    source: str  # which tutorial it follows
    preset: str  # the data set (and the settings made for it)
    sizes: tuple  # the network's layer sizes
    rows: int  # training rows
    summary: str
    steps: tuple[LessonStep, ...] = field(repr=False)

    def settings(self, seed: int = 0) -> Settings:
        """The settings the lesson is written for (the preset's), with ``seed``."""
        return Settings.for_preset(self.preset, seed=int(seed))

    def table(self):
        return load_preset(self.preset)

    def explorer(self, seed: int = 0) -> Explorer:
        """A fresh explorer on the lesson's table and settings (what step 1 loads)."""
        return Explorer(self.table(), self.settings(seed))


# ------------------------------------------------------------------ the live network, read once
class _Live:
    """What a step's matrices are read from: the explorer, its network, its data and the
    next training step taken apart (the backprop inspector's steps)."""

    def __init__(self, ex: Explorer):
        self.ex = ex
        self.net = ex.network
        self.data = ex.data
        self.L = self.net.n_layers
        self.trace = ex.trainer.trace()
        self.steps = {(s.phase, s.layer, s.quantity): s for s in inspect_step(self.trace)}

    def step(self, phase: str, layer: int, quantity: str) -> InspectorStep:
        return self.steps[(phase, layer, quantity)]

    def shown(
        self,
        name: str,
        phase: str,
        layer: int,
        quantity: str,
        *,
        rows=None,
        cols=None,
        signed: bool = True,
        sign: float = 1.0,
        notation: str | None = None,
    ) -> Shown:
        """An inspector step as a lesson matrix (``sign=-1``: the tutorial's y − o sign)."""
        s = self.step(phase, layer, quantity)
        value = np.asarray(s.value, dtype=float)
        notation = notation or s.notation
        if value.ndim == 3:  # softmax's Jacobian per row: its diagonal, ∂aᵢ/∂zᵢ
            value = np.einsum("nii->ni", value)
            notation += "   (each row's diagonal ∂aᵢ/∂zᵢ)"
        return Shown(
            name, notation, value * sign if sign != 1.0 else value.copy(), rows, cols, signed
        )

    @property
    def X(self) -> np.ndarray:
        return self.trace.backprop.X

    @property
    def Y(self) -> np.ndarray:
        return self.trace.backprop.Y


def _sigmoid_activation(live: _Live, layer: int) -> bool:
    """A's values lie in 0 … 1 (drawn on the sequential scale)."""
    return live.net.activations[layer - 1] in ("sigmoid", "softmax")


# ------------------------------------------------------------------ seeds 000/001
def _tb_define(v: _Live) -> list[Shown]:
    net = v.net
    return [
        Shown(
            "inputs",
            "X: one row per example, one column per bit",
            v.X.copy(),
            None,
            0,
            signed=False,
        ),
        Shown("output", "y: the target of each row", v.Y.copy(), None, v.L, signed=False),
        Shown("w1", "W₁: from the inputs to the hidden layer", net.weights[0].copy(), 0, 1),
        Shown("b1", "b₁: one bias per hidden neuron", net.biases[0].copy(), None, 1),
        Shown("w2", "W₂: from the hidden layer to the output", net.weights[1].copy(), 1, 2),
        Shown("b2", "b₂: the output neuron's bias", net.biases[1].copy(), None, 2),
    ]


def _tb_forward(v: _Live) -> list[Shown]:
    return [
        v.shown("z1", "forward", 1, "Z", cols=1),
        v.shown("a1", "forward", 1, "A", cols=1, signed=not _sigmoid_activation(v, 1)),
        v.shown("z2", "forward", 2, "Z", cols=2),
        v.shown("a2", "forward", 2, "A", cols=2, signed=not _sigmoid_activation(v, 2)),
    ]


def _tb_error(v: _Live) -> list[Shown]:
    A = np.asarray(v.step("forward", v.L, "A").value, dtype=float)
    return [
        Shown("output - a2", "y − ŷ: how far off each row is", v.Y - A, None, v.L),
        v.shown("error", "loss", 0, "loss"),
    ]


def _tb_step1(v: _Live) -> list[Shown]:
    return [
        v.shown("error_d_a2", "backward", 2, "dA", cols=2),
        v.shown("a2_d_z2", "backward", 2, "dAdZ", cols=2, signed=False),
        Shown(
            "z2_d_w2",
            "∂Z₂/∂W₂ = A₁",
            np.asarray(v.step("forward", 1, "A").value).copy(),
            None,
            1,
            signed=not _sigmoid_activation(v, 1),
        ),
    ]


def _tb_step2(v: _Live) -> list[Shown]:
    return [
        v.shown("error_d_a2 * a2_d_z2", "backward", 2, "dZ", cols=2),
        v.shown("delta_w2", "backward", 2, "dW", rows=1, cols=2),
    ]


def _tb_step3(v: _Live) -> list[Shown]:
    return [v.shown("delta_b2", "backward", 2, "db", cols=2)]


def _tb_step4(v: _Live) -> list[Shown]:
    return [
        v.shown("new w2", "update", 2, "W_new", rows=1, cols=2),
        v.shown("new b2", "update", 2, "b_new", cols=2),
    ]


def _tb_step5(v: _Live) -> list[Shown]:
    return [
        Shown(
            "z2_d_a1",
            "∂Z₂/∂A₁ = W₂ (the weights of this forward pass)",
            v.net.weights[1].copy(),
            1,
            2,
        ),
        v.shown("a1_d_z1", "backward", 1, "dAdZ", cols=1, signed=False),
        Shown("z1_d_w1", "∂Z₁/∂W₁ = X", v.X.copy(), None, 0, signed=False),
    ]


def _tb_step6(v: _Live) -> list[Shown]:
    return [
        v.shown("np.dot(delta, z2_d_a1.T)", "backward", 1, "dA", cols=1),
        v.shown("delta * a1_d_z1", "backward", 1, "dZ", cols=1),
        v.shown("delta_w1", "backward", 1, "dW", rows=0, cols=1),
    ]


def _tb_step7(v: _Live) -> list[Shown]:
    return [v.shown("delta_b1", "backward", 1, "db", cols=1)]


def _tb_step8(v: _Live) -> list[Shown]:
    return [
        v.shown("new w1", "update", 1, "W_new", rows=0, cols=1),
        v.shown("new b1", "update", 1, "b_new", cols=1),
    ]


def _tb_loop(v: _Live) -> list[Shown]:
    return [
        Shown("w1", "W₁ now", v.net.weights[0].copy(), 0, 1),
        Shown("w2", "W₂ now", v.net.weights[1].copy(), 1, 2),
        v.shown("a2", "forward", 2, "A", cols=2, signed=not _sigmoid_activation(v, 2)),
    ]


def _tb_test(v: _Live) -> list[Shown]:
    d = v.data
    if not len(d.X_test):
        return []
    out = v.net.forward(d.X_test)
    return [
        Shown("test inputs", "X_test: the rows kept back", d.X_test.copy(), None, 0, signed=False),
        Shown("test output", "y_test: their targets", d.y_test.copy(), None, v.L, signed=False),
        Shown(
            "a2 (test)",
            "ŷ_test = σ(σ(X_test · W₁ + b₁) · W₂ + b₂)",
            out,
            None,
            v.L,
            signed=v.net.output_activation not in ("sigmoid", "softmax"),
        ),
    ]


def _error_readouts(v: _Live) -> list[Readout]:
    m = v.ex.metrics()
    out = [
        Readout("Iteration", f"{m.iteration:,}"),
        Readout(
            f"Error ({v.ex.trainer.loss_name})",
            f"{m.train_loss:.4g}",
            "On the training rows, with the current weights.",
        ),
    ]
    if m.kind == "accuracy" and math.isfinite(m.train_score):
        out.append(Readout("Training rows right", f"{m.train_score:.0%}"))
    return out


def _test_readouts(v: _Live) -> list[Readout]:
    m = v.ex.metrics()
    if not len(v.data.X_test):
        return [Readout("Test rows", "none")]
    out = [
        Readout("Iteration", f"{m.iteration:,}"),
        Readout(f"Test error ({v.ex.trainer.loss_name})", f"{m.test_loss:.4g}"),
    ]
    if m.kind == "accuracy" and math.isfinite(m.test_score):
        out.append(Readout("Test rows right", f"{m.test_score:.0%}"))
    return out


THREE_BITS = Lesson(
    key="three_bits",
    title="Three bits: a 3-5-1 network by hand",
    source="seeds 000 and 001",
    preset="three_bits",
    sizes=(3, 5, 1),
    rows=6,
    summary="A network of three inputs, five hidden neurons and one output learns that the "
    "answer is the last of three bits — every matrix of its training, from the "
    "first guess to the test rows.",
    steps=(
        LessonStep(
            "define",
            "Define the variables",
            "Eight rows of three bits, and the target is simply the last bit. Six rows train "
            "the network; the last two are kept back to test it afterwards. The network has "
            "three inputs, one hidden layer of five neurons and one output, and its weights "
            "start as random normal numbers. The tutorial starts both biases at 1, one number "
            "shared by a whole layer; here every neuron has a bias of its own, starting at 0.",
            "X: 6 × 3    y: 6 × 1\nW₁: 3 × 5   b₁: 5\nW₂: 5 × 1   b₂: 1",
            _tb_define,
            Action("load", "Load the three-bit rows and the 3-5-1 network"),
        ),
        LessonStep(
            "forward",
            "Feed-forward",
            "Each row goes through the network from left to right. A layer multiplies what "
            "it receives by its weights, adds its biases, and squashes every sum into 0 … 1 "
            "with the sigmoid. Without the squashing, two layers would be no more than one "
            "linear map. The output layer's A₂ is the network's guess ŷ for every row.",
            "Z₁ = X · W₁ + b₁\nA₁ = σ(Z₁),   σ(z) = 1 / (1 + e^(−z))\nZ₂ = A₁ · W₂ + b₂\n"
            "ŷ = A₂ = σ(Z₂)",
            _tb_forward,
        ),
        LessonStep(
            "error",
            "The error",
            "Half the sum of the squared gaps between target and guess: one number for the "
            "whole batch. It is 0 only when every guess is exact, and the ½ makes its "
            "derivative come out clean.",
            "E = ½ · Σ (y − ŷ)²",
            _tb_error,
            readouts=_error_readouts,
        ),
        LessonStep(
            "step1",
            "Step 1: the derivatives at the output",
            "The error does not contain the weights directly, so the chain rule splits its "
            "derivative into links: how E changes with the output, how the output changes "
            "with its sum, and how the sum changes with W₂ (that is just A₁) or with b₂ "
            "(just 1).",
            "∂E/∂A₂ = A₂ − y\n∂A₂/∂Z₂ = A₂ ⊙ (1 − A₂)\n∂Z₂/∂W₂ = A₁,   ∂Z₂/∂b₂ = 1",
            _tb_step1,
        ),
        LessonStep(
            "step2",
            "Step 2: the gradient of W₂",
            "Multiply the first two links element by element to get the error at each "
            "output sum, then let A₁ᵀ gather it over the rows. Each entry of dW₂ says how "
            "fast E grows when that one weight grows.",
            "dZ₂ = ∂E/∂A₂ ⊙ ∂A₂/∂Z₂\ndW₂ = A₁ᵀ · dZ₂",
            _tb_step2,
        ),
        LessonStep(
            "step3",
            "Step 3: the gradient of b₂",
            "A bias adds the same amount to every row, so its gradient is the error at the "
            "output sum added up over the rows.",
            "db₂ = Σ_rows dZ₂",
            _tb_step3,
        ),
        LessonStep(
            "step4",
            "Step 4: update W₂ and b₂",
            "Each weight takes a step against its gradient, η times as long (η = 1 in the "
            "tutorial; the sidebar's learning rate here). Nothing has changed yet: these are "
            "the values the next training step will give.",
            "W₂ ← W₂ − η · dW₂\nb₂ ← b₂ − η · db₂",
            _tb_step4,
        ),
        LessonStep(
            "step5",
            "Step 5: the derivatives of the hidden layer",
            "The error reaches the hidden layer through W₂; the sigmoid's slope and the "
            "inputs X are the other links. One difference from the tutorial: it reads w2 "
            "after step 4 has already changed it, while the exact chain rule needs the W₂ "
            "that made this forward pass. nnviz uses that one — the gradient check in "
            "Check & edit confirms it.",
            "∂Z₂/∂A₁ = W₂\n∂A₁/∂Z₁ = A₁ ⊙ (1 − A₁)\n∂Z₁/∂W₁ = X",
            _tb_step5,
        ),
        LessonStep(
            "step6",
            "Step 6: the gradient of W₁",
            "Send the output error back through W₂ to see how much each hidden neuron is to "
            "blame, scale that blame by the neuron's slope, then gather it with the inputs "
            "over the rows.",
            "dA₁ = dZ₂ · W₂ᵀ\ndZ₁ = dA₁ ⊙ ∂A₁/∂Z₁\ndW₁ = Xᵀ · dZ₁",
            _tb_step6,
        ),
        LessonStep(
            "step7",
            "Step 7: the gradient of b₁",
            "As for b₂: the hidden error added up over the rows, one value per hidden neuron. "
            "The tutorial adds over the neurons as well, because its b1 is a single number "
            "for the whole layer.",
            "db₁ = Σ_rows dZ₁",
            _tb_step7,
        ),
        LessonStep(
            "step8",
            "Step 8: update W₁ and b₁",
            "The rule of step 4, for the first layer. Steps 4 and 8 together are one "
            "training step: Run this step applies both, and every view moves on one "
            "iteration (the matrices here then show the step after it).",
            "W₁ ← W₁ − η · dW₁\nb₁ ← b₁ − η · db₁",
            _tb_step8,
            Action("train", "Take the step (both updates)", 1),
            readouts=_error_readouts,
        ),
        LessonStep(
            "loop",
            "The training loop",
            "Training is steps 1–8 again and again. The tutorial repeats them 100 times and "
            "keeps each pass's error in a list: the chart is that list, and the live views "
            "above show where the weights went.",
            "repeat 100 times:\n    feed-forward → E → steps 1–8",
            _tb_loop,
            Action("train", "Train to iteration 100", 100, until=True),
            chart="loss",
            readouts=_error_readouts,
        ),
        LessonStep(
            "test",
            "The test rows",
            "The two rows kept back, 1 1 0 and 1 1 1, never changed a weight. If the network "
            "has learnt that the answer is the last bit, rather than memorising six rows, "
            "it gets these two right as well.",
            "ŷ_test = σ(σ(X_test · W₁ + b₁) · W₂ + b₂)",
            _tb_test,
            readouts=_test_readouts,
        ),
    ),
)


# ------------------------------------------------------------------ seed 002
PREDICT_ROW = (4.0, 8.0)  # hours studied, hours slept


def prediction(ex: Explorer) -> float | None:
    """Seed 002's question: the score for 4 h studied and 8 h slept, in points (None when
    the live network does not take those two inputs)."""
    if ex.data.n_inputs != len(PREDICT_ROW) or ex.data.classes is not None:
        return None
    return float(ex.predict_row(PREDICT_ROW)[0])


def _exam_raw(v: _Live) -> np.ndarray:
    return v.data.scaler.inverse_X(v.data.X_train)


def _ex_data(v: _Live) -> list[Shown]:
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


def _ex_network(v: _Live) -> list[Shown]:
    return [
        Shown("W1", "W₁: input → hidden", v.net.weights[0].copy(), 0, 1),
        Shown("W2", "W₂: hidden → output", v.net.weights[1].copy(), 1, 2),
    ]


def _ex_forward(v: _Live) -> list[Shown]:
    return [
        v.shown("z", "forward", 1, "Z", cols=1, notation="z = X · W₁"),
        v.shown(
            "z2",
            "forward",
            1,
            "A",
            cols=1,
            signed=not _sigmoid_activation(v, 1),
            notation="z2 = σ(z)   (A₁: an activation)",
        ),
        v.shown("z3", "forward", 2, "Z", cols=2, notation="z3 = z2 · W₂"),
        v.shown(
            "o",
            "forward",
            2,
            "A",
            cols=2,
            signed=not _sigmoid_activation(v, 2),
            notation="o = σ(z3)   (the predicted score / 100)",
        ),
    ]


def _ex_prime(v: _Live) -> list[Shown]:
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


def _ex_backward(v: _Live) -> list[Shown]:
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


def _ex_adjust(v: _Live) -> list[Shown]:
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


def _ex_train(v: _Live) -> list[Shown]:
    return [
        Shown("y", "the scaled scores", v.Y.copy(), None, v.L, signed=False),
        v.shown(
            "o",
            "forward",
            2,
            "A",
            cols=2,
            signed=not _sigmoid_activation(v, 2),
            notation="o: the network's scaled predictions now",
        ),
    ]


def _mean_squared(v: _Live) -> float:
    A = np.asarray(v.step("forward", v.L, "A").value, dtype=float)
    return float(np.mean(np.square(v.Y - A)))


def _ex_train_readouts(v: _Live) -> list[Readout]:
    return [
        Readout("Iteration", f"{v.ex.trainer.iteration:,}"),
        Readout(
            "Loss: mean of (y − o)²",
            f"{_mean_squared(v):.4g}",
            "What the tutorial prints on every pass; the chart shows the loss the "
            "trainer minimises.",
        ),
    ]


def _ex_predict(v: _Live) -> list[Shown]:
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
        Shown("hidden", "σ(x · W₁)", layers[0], None, 1, signed=not _sigmoid_activation(v, 1)),
        Shown(
            "output",
            "σ(hidden · W₂): the score / 100",
            layers[-1],
            None,
            v.L,
            signed=not _sigmoid_activation(v, v.L),
        ),
    ]


def _prediction_readouts(v: _Live) -> list[Readout]:
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


def _ex_save(v: _Live) -> list[Shown]:
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

LESSONS: dict[str, Lesson] = {lesson.key: lesson for lesson in (THREE_BITS, EXAM_SCORES)}


# ------------------------------------------------------------------ reading a lesson
def lesson_for(ex: Explorer) -> Lesson:
    """The lesson that fits the live data set (seed 002's unless it is the three bits)."""
    return THREE_BITS if ex.settings.dataset == THREE_BITS.preset else EXAM_SCORES


def differences(lesson: Lesson, ex: Explorer) -> list[str]:
    """How the live settings differ from the lesson's, in words (empty: they fit; the seed
    may be anything). On another data set, only that."""
    want = lesson.settings(ex.settings.seed)
    out = []
    # another data set: that says it all (its columns, its network follow from it)
    names = ("dataset",) if ex.settings.dataset != want.dataset else LESSON_SETTINGS
    for name in names:
        have, need = getattr(ex.settings, name), getattr(want, name)
        if have != need:
            out.append(
                f"{setting(name).label}: {_value_text(have)} (the lesson's: {_value_text(need)})"
            )
    return out


def _value_text(value) -> str:
    if isinstance(value, tuple):
        return (
            "-".join(map(str, value))
            if all(isinstance(v, int) for v in value)
            else (", ".join(map(str, value)) or "none")
        )
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if value in PRESETS:
        return PRESETS[value].title
    return str(value)


def shows_matrices(ex: Explorer) -> bool:
    """The lessons' steps name the matrices of a network with one hidden layer."""
    return ex.network.n_layers == 2


def can_train(lesson: Lesson, ex: Explorer) -> str:
    """ "" if a train step may run on the live network, else why not."""
    if ex.settings.dataset != lesson.preset or not shows_matrices(ex):
        return "Load the lesson's network first (Run step 1)."
    return ""


def step_matrices(ex: Explorer, step: LessonStep) -> list[Shown]:
    """The real matrices of ``step`` from the live network (empty unless it has one hidden
    layer, see :func:`shows_matrices`)."""
    if not shows_matrices(ex):
        return []
    return step.matrices(_Live(ex))


def readouts(ex: Explorer, step: LessonStep) -> list[Readout]:
    if step.readouts is None or not shows_matrices(ex):
        return []
    return step.readouts(_Live(ex))


def perform(ex: Explorer, step: LessonStep) -> int:
    """Run a train step on ``ex`` (the live explorer); returns the steps made. A load step
    goes through the app's settings instead (see :meth:`Lesson.settings`, ``table``)."""
    if step.action is None or step.action.kind != "train":
        raise ValueError(f"step {step.key!r} does not train")
    return ex.step(step.action.steps_from(ex.trainer.iteration))


__all__ = [
    "EXAM_SCORES",
    "LESSONS",
    "PREDICT_ROW",
    "THREE_BITS",
    "Action",
    "Lesson",
    "LessonStep",
    "Readout",
    "Shown",
    "can_train",
    "differences",
    "lesson_for",
    "perform",
    "prediction",
    "readouts",
    "saved_weights",
    "shows_matrices",
    "step_matrices",
]
