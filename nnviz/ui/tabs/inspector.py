"""The backprop inspector: one training step as a sequence to step through.

Forward (Z, A per layer) → loss → backward from the output (dL/dA, dA/dZ, dZ, dW,
db) → update (W ← W − η·dW), each with its real numbers, its shape, its name in
the seeds' code and in matrix notation, and a line of plain words. On backward
and update steps the diagram beside it colours the edges by the gradient dL/dW.
Works on the live run or on the replayed snapshot.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from ... import charts
from ...activations import ACTIVATIONS
from ...app import views
from ...app.inspector import inspect_step
from .. import state
from ..livechart import CONFIG as CHART_CONFIG
from ..stepper import stepper

SS = st.session_state
PHASE_ICONS = {
    "forward": "Forward pass",
    "loss": "Loss",
    "backward": "Backward pass",
    "update": "Update",
}


def _labels(ex, step):
    names = views.layer_names(ex)
    q, k = step.quantity, step.layer
    value = np.asarray(step.value)
    rows = cols = None
    if q in ("dW", "W_new"):
        rows, cols = names[k - 1], names[k]
    elif q in ("Z", "A", "dA", "dAdZ", "dZ") and value.ndim == 2 or q in ("db", "b_new"):
        cols = names[k]
    return rows, cols


def inspector_tab() -> None:
    ex = state.view()
    trace = ex.trainer.trace()
    steps = inspect_step(trace, bias=ex.network.bias)
    n = len(steps)
    where = "replayed" if state.replaying() else "current"
    st.caption(
        f"The step the trainer would take next from the {where} weights "
        f"(iteration {ex.trainer.iteration}), taken apart — nothing is applied."
    )
    stepper(
        "inspector_step",
        n,
        label="Step of the calculation",
        back_key="inspector_prev",
        next_key="inspector_next",
    )
    step = steps[SS.inspector_step - 1]
    st.markdown(
        f"**{PHASE_ICONS[step.phase]} · step {SS.inspector_step} of {n}** — `{step.notation}`"
    )
    st.markdown(f"{step.words}  \nIn the seeds' code: `{step.seed_name}` · shape `{step.shape}`")
    left, right = st.columns([1.1, 1])
    with left:
        value = np.asarray(step.value)
        if value.ndim == 3:  # softmax's Jacobian: one k×k matrix per row
            row = st.number_input(
                "Row of the batch",
                0,
                value.shape[0] - 1,
                0,
                key="inspector_row",
                persist_state="page",
            )
            value = value[row]
        rows, cols = _labels(ex, step)
        diverging = (
            step.quantity != "A" or ACTIVATIONS[ex.network.activations[step.layer - 1]].symmetric
        )
        fig = charts.matrix_figure(
            value, title=step.notation, row_labels=rows, col_labels=cols, diverging=diverging
        )
        st.plotly_chart(fig, key="inspector_matrix", theme=None, config=CHART_CONFIG)
    with right:
        gradient = step.phase in ("backward", "update")
        net = ex.network
        weights = trace.W_new if step.phase == "update" else net.weights
        fig = charts.network_diagram(
            weights,
            (trace.b_new if step.phase == "update" else net.biases) if net.bias else None,
            layer_names=views.layer_names(ex),
            activations=net.activations,
            edge_values=step.edge_gradients if gradient else None,
            edge_label="dL/dW" if gradient else "weight",
            node_values=None if gradient else views.row_activations(ex, 0),
            height=440,
            width=420,
            title="Edges coloured by the gradient dL/dW" if gradient else "Edges by weight",
        )
        st.plotly_chart(fig, key="inspector_diagram", theme=None, config=CHART_CONFIG)
