"""Seeds 000/001 as a lesson: a 3-5-1 sigmoid network on the three-bit rows.

The variables, feed-forward, the error, backpropagation in the tutorial's "steps 1–8",
the update, the training loop (100 steps) and the two test rows, each under the
tutorial's names (``error_d_a2``, ``delta_w2`` …) with the live network's numbers.
"""

from __future__ import annotations

import math

import numpy as np

from .engine import Action, Lesson, LessonStep, Live, Readout, Shown, unit_range


def _tb_define(v: Live) -> list[Shown]:
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


def _tb_forward(v: Live) -> list[Shown]:
    return [
        v.shown("z1", "forward", 1, "Z", cols=1),
        v.shown("a1", "forward", 1, "A", cols=1, signed=not unit_range(v, 1)),
        v.shown("z2", "forward", 2, "Z", cols=2),
        v.shown("a2", "forward", 2, "A", cols=2, signed=not unit_range(v, 2)),
    ]


def _tb_error(v: Live) -> list[Shown]:
    A = np.asarray(v.step("forward", v.L, "A").value, dtype=float)
    return [
        Shown("output - a2", "y − ŷ: how far off each row is", v.Y - A, None, v.L),
        v.shown("error", "loss", 0, "loss"),
    ]


def _tb_step1(v: Live) -> list[Shown]:
    return [
        v.shown("error_d_a2", "backward", 2, "dA", cols=2),
        v.shown("a2_d_z2", "backward", 2, "dAdZ", cols=2, signed=False),
        Shown(
            "z2_d_w2",
            "∂Z₂/∂W₂ = A₁",
            np.asarray(v.step("forward", 1, "A").value).copy(),
            None,
            1,
            signed=not unit_range(v, 1),
        ),
    ]


def _tb_step2(v: Live) -> list[Shown]:
    return [
        v.shown("error_d_a2 * a2_d_z2", "backward", 2, "dZ", cols=2),
        v.shown("delta_w2", "backward", 2, "dW", rows=1, cols=2),
    ]


def _tb_step3(v: Live) -> list[Shown]:
    return [v.shown("delta_b2", "backward", 2, "db", cols=2)]


def _tb_step4(v: Live) -> list[Shown]:
    return [
        v.shown("new w2", "update", 2, "W_new", rows=1, cols=2),
        v.shown("new b2", "update", 2, "b_new", cols=2),
    ]


def _tb_step5(v: Live) -> list[Shown]:
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


def _tb_step6(v: Live) -> list[Shown]:
    return [
        v.shown("np.dot(delta, z2_d_a1.T)", "backward", 1, "dA", cols=1),
        v.shown("delta * a1_d_z1", "backward", 1, "dZ", cols=1),
        v.shown("delta_w1", "backward", 1, "dW", rows=0, cols=1),
    ]


def _tb_step7(v: Live) -> list[Shown]:
    return [v.shown("delta_b1", "backward", 1, "db", cols=1)]


def _tb_step8(v: Live) -> list[Shown]:
    return [
        v.shown("new w1", "update", 1, "W_new", rows=0, cols=1),
        v.shown("new b1", "update", 1, "b_new", cols=1),
    ]


def _tb_loop(v: Live) -> list[Shown]:
    return [
        Shown("w1", "W₁ now", v.net.weights[0].copy(), 0, 1),
        Shown("w2", "W₂ now", v.net.weights[1].copy(), 1, 2),
        v.shown("a2", "forward", 2, "A", cols=2, signed=not unit_range(v, 2)),
    ]


def _tb_test(v: Live) -> list[Shown]:
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


def _error_readouts(v: Live) -> list[Readout]:
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


def _test_readouts(v: Live) -> list[Readout]:
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
