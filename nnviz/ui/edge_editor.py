"""Click an edge of the diagram to edit its weight (as TensorFlow Playground lets you).

The live diagram sends the click (its edge hover points are clickable); this opens a
small dialog for that weight. "Set" applies the value at once, as the Check & edit
tab does: the run goes on from the edited weights and the loss curve marks the edit.
"""

from __future__ import annotations

import streamlit as st

from .. import charts
from ..app import views
from ..quoting import said
from . import state
from .text import md

SS = st.session_state
EDGE = "edge_edit"  # (layer, i, j) of the weight being edited, or absent


def on_edge_click(point: dict) -> None:
    """The live diagram's click handler: which weight the clicked edge is."""
    if state.replaying():
        return  # a replayed snapshot is read-only
    ex = state.explorer()
    try:
        layer, i, j = charts.edge_at(ex.network.layer_sizes, point.get("index"))
    except (TypeError, ValueError):
        return
    state.stop_playing()
    SS[EDGE] = (layer, i, j)
    SS.edge_value = float(ex.network.weights[layer - 1][i, j])


def _set() -> None:
    layer, i, j = SS.pop(EDGE)
    value = float(SS.edge_value)
    try:
        state.explorer().set_weight(layer, i, j, value)
    except (ValueError, IndexError) as exc:
        state.note(f"Weight not set: {said(exc)}", "warning")
        return
    state.note(f"W{layer}[{i}, {j}] set to {value:g}: every view shows it.", "success")


def _cancel() -> None:
    SS.pop(EDGE, None)


@st.dialog("Edit a weight", width="small", on_dismiss=_cancel)
def edge_dialog() -> None:
    if EDGE not in SS:  # set or cancelled: close, and draw the page with the new weight
        st.rerun()
    layer, i, j = SS[EDGE]
    ex = state.explorer()
    names = views.layer_names(ex)
    st.markdown(
        f"**W{layer}\\[{md(names[layer - 1][i])} → {md(names[layer][j])}\\]** "
        f"is {float(ex.network.weights[layer - 1][i, j]):.6g} at iteration "
        f"{ex.trainer.iteration:,}."
    )
    st.number_input("New value", key="edge_value", format="%.4f", step=0.1)
    c1, c2 = st.columns(2)
    c1.button("Set", key="edge_set", type="primary", on_click=_set, width="stretch")
    c2.button("Cancel", key="edge_cancel", on_click=_cancel, width="stretch")


def show() -> None:
    """Open the dialog if an edge was clicked."""
    if EDGE in SS:
        edge_dialog()
