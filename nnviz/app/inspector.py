"""The seeds' "steps 1–8" for any depth: one training step as a sequence to step through.

``inspect_step(trace)`` turns a ``Trainer.trace()`` into an ordered list of
``InspectorStep``: the forward pass (Z, A per layer), the loss, the backward pass
from the output back (dL/dA, dA/dZ, dZ, dW, db per layer), then the update
W ← W − η·dW. Each step carries the real matrix, its shape, its name in the
seeds' code and in matrix notation, and one line of plain words. The formulas are
the activations', the loss's and the optimizer's own (``nnviz.activations`` …).
Backward steps also carry the gradients dW, so the network diagram can colour its
edges by them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..activations import ACTIVATIONS
from ..losses import LOSSES
from ..optimizers import OPTIMIZERS
from ..trainer import StepTrace


@dataclass
class InspectorStep:
    phase: str  # "forward" | "loss" | "backward" | "update"
    layer: int  # 1-based; 0 for the loss
    quantity: str  # "Z", "A", "loss", "dA", "dAdZ", "dZ", "dW", "db", "W_new", "b_new"
    notation: str  # matrix notation, e.g. "dW₂ = A₁ᵀ · dZ₂"
    seed_name: str  # the seeds' variable, e.g. "delta_w2"
    value: np.ndarray
    words: str  # what it means, in one line
    edge_gradients: list | None = None  # dW of every layer, for a diagram coloured by gradient

    @property
    def shape(self) -> tuple:
        return tuple(np.shape(self.value))

    @property
    def title(self) -> str:
        return f"{self.notation}   ({self.seed_name}, shape {self.shape})"


SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _s(k: int) -> str:
    return str(k).translate(SUB)


def inspect_step(trace: StepTrace, bias: bool = True) -> list[InspectorStep]:
    """The ordered steps of one training step, forward → loss → backward → update.

    ``bias=False`` leaves out the bias steps (the network has none).
    """
    layers = trace.backprop.layers
    return [
        *_forward(layers, bias),
        _loss(trace.backprop, len(layers)),
        *_backward(trace.backprop, bias),
        *_update(trace, bias),
    ]


def _forward(layers, bias: bool) -> list[InspectorStep]:
    """Z = A_prev · W (+ b) and A = f(Z), layer by layer."""
    L = len(layers)
    steps = []
    for layer in layers:
        k = layer.layer
        f = ACTIVATIONS[layer.activation]
        prev = "X" if k == 1 else f"A{_s(k - 1)}"
        seed_prev = "inputs" if k == 1 else f"a{k - 1}"
        steps.append(
            InspectorStep(
                "forward",
                k,
                "Z",
                f"Z{_s(k)} = {prev} · W{_s(k)}" + (f" + b{_s(k)}" if bias else ""),
                f"z{k} = np.dot({seed_prev}, w{k})" + (f" + b{k}" if bias else ""),
                layer.Z,
                f"Each neuron of layer {k} sums its inputs times their weights"
                + (", plus its bias" if bias else "")
                + ": one row per example, one column per neuron.",
            )
        )
        steps.append(
            InspectorStep(
                "forward",
                k,
                "A",
                f.equation(Z=f"Z{_s(k)}", A=f"A{_s(k)}"),
                f"a{k} = {layer.activation}(z{k})",
                layer.A,
                f"The activation squashes each sum: this is what layer {k} passes on"
                + (" — the network's prediction ŷ." if k == L else "."),
            )
        )
    return steps


def _loss(bp, L: int) -> InspectorStep:
    loss = LOSSES[bp.loss_name]
    return InspectorStep(
        "loss",
        0,
        "loss",
        f"{loss.equation(A=f'A{_s(L)}', Y='Y')} = {bp.loss:.6g}",
        "error",
        np.array([[bp.loss]]),
        "One number says how wrong the predictions are; training makes it smaller.",
    )


def _backward(bp, bias: bool) -> list[InspectorStep]:
    """dL/dA, dA/dZ, dZ, dW (and db) from the output layer back to the first."""
    layers = bp.layers
    L = len(layers)
    loss = LOSSES[bp.loss_name]
    grads = [layer.dW for layer in layers]
    steps = []
    for layer in reversed(layers):
        k = layer.layer
        f = ACTIVATIONS[layer.activation]
        prev = "X" if k == 1 else f"A{_s(k - 1)}"
        names = layer.seed_names(L)
        out = k == L
        # the diagram shows only the gradients computed so far (from the output back)
        before = [g if j > k else np.zeros_like(g) for j, g in enumerate(grads, start=1)]
        upto = [g if j >= k else np.zeros_like(g) for j, g in enumerate(grads, start=1)]
        steps.append(
            InspectorStep(
                "backward",
                k,
                "dA",
                loss.gradient_equation(A=f"A{_s(k)}", Y="Y")
                if out
                else f"dL/dA{_s(k)} = dZ{_s(k + 1)} · W{_s(k + 1)}ᵀ",
                names["dA"],
                layer.dA,
                "How the loss changes when each output moves."
                if out
                else f"The error sent back through W{_s(k + 1)}: how much each neuron of layer {k} "
                f"is to blame.",
                before,
            )
        )
        steps.append(
            InspectorStep(
                "backward",
                k,
                "dAdZ",
                f.derivative_equation(Z=f"Z{_s(k)}", A=f"A{_s(k)}"),
                names["dAdZ"],
                layer.dAdZ,
                "The activation's slope at each sum: flat (saturated) neurons pass little back.",
                before,
            )
        )
        steps.append(
            InspectorStep(
                "backward",
                k,
                "dZ",
                f"dZ{_s(k)} = dL/dA{_s(k)} ⊙ dA{_s(k)}/dZ{_s(k)}",
                names["dZ"],
                layer.dZ,
                "The chain rule, elementwise: the error at each neuron's sum.",
                before,
            )
        )
        steps.append(
            InspectorStep(
                "backward",
                k,
                "dW",
                f"dW{_s(k)} = {prev}ᵀ · dZ{_s(k)}",
                names["dW"],
                layer.dW,
                f"Each weight's gradient: its input times the error it feeds, summed over the "
                f"rows. The diagram colours the edges of W{_s(k)} by it.",
                upto,
            )
        )
        if bias:
            steps.append(
                InspectorStep(
                    "backward",
                    k,
                    "db",
                    f"db{_s(k)} = Σ_rows dZ{_s(k)}",
                    names["db"],
                    layer.db,
                    "Each bias's gradient: the error at its neuron, summed over the rows.",
                    upto,
                )
            )
    return steps


def _update(trace: StepTrace, bias: bool) -> list[InspectorStep]:
    """W ← the optimizer's step (and b the same way), layer by layer."""
    eta = trace.learning_rate
    optimizer = OPTIMIZERS[trace.optimizer]
    grads = [layer.dW for layer in trace.backprop.layers]
    steps = []
    for k, (W_new, b_new) in enumerate(zip(trace.W_new, trace.b_new), start=1):
        rule = f"{optimizer.equation(W=f'W{_s(k)}', dW=f'dW{_s(k)}')},  η = {eta:g}"
        if trace.optimizer == "sgd":
            words = "Gradient descent: each weight moves a step against its gradient."
        else:
            words = (
                f"{trace.optimizer} turns the gradient into a step using its own memory "
                f"of earlier gradients."
            )
        steps.append(
            InspectorStep(
                "update", k, "W_new", rule, f"w{k} = w{k} - delta_w{k}", W_new, words, grads
            )
        )
        if bias:
            steps.append(
                InspectorStep(
                    "update",
                    k,
                    "b_new",
                    f"{optimizer.equation(W=f'b{_s(k)}', dW=f'db{_s(k)}')},  η = {eta:g}",
                    f"b{k} = b{k} - delta_b{k}",
                    b_new,
                    "The biases move the same way.",
                    grads,
                )
            )
    return steps
