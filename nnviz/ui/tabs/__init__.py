"""The tabs under the live view. Only the open tab is built: ``st.tabs`` with
``on_change="rerun"`` reruns the page when another tab is chosen, and each tab's
``.open`` says which one to draw (a hidden tab costs nothing)."""

from __future__ import annotations

import streamlit as st

from .. import state
from .animation import animation_tab
from .checks import checks_tab
from .compare import compare_tab
from .data import data_table
from .export import export_and_share
from .inspector import inspector_tab
from .landscape import landscape_tab
from .lessons import lessons_tab
from .metrics import metrics_tab
from .predict import predict_tab
from .weights import weights_tab

SS = st.session_state
TAB_KEY = "tab"

#: (title, the classroom control that hides it or None, the function that draws it)
TABS = (
    ("Data", "table", data_table),
    ("Weights", "weights", weights_tab),
    ("Backprop inspector", "inspector", inspector_tab),
    ("Lessons", "lessons", lessons_tab),
    ("Loss landscape", "landscape", landscape_tab),
    ("Metrics", "metrics", metrics_tab),
    ("Animation", "replay", animation_tab),
    ("Compare runs", "compare", compare_tab),
    ("Predict", None, predict_tab),
    ("Check & edit", None, checks_tab),
    ("Export / share", "export", export_and_share),
)


def view_options() -> None:
    ex = state.explorer()
    n_rows = len(ex.data.index)
    cols = st.columns([1, 1.4, 1.6])
    cols[0].segmented_control(
        "Loss axis",
        list(("auto", "linear", "log")),
        key=state.LOSS_AXIS,
        default="auto",
        help="auto: a log axis once the loss spans two decades.",
    )
    if n_rows:
        SS[state.DIAGRAM_ROW] = min(int(SS.get(state.DIAGRAM_ROW, 0)), n_rows - 1)
        cols[1].number_input(
            f"Row shown in the diagram (0–{n_rows - 1})",
            0,
            n_rows - 1,
            key=state.DIAGRAM_ROW,
            help="Node colours are this row's activations.",
        )


def shown_tabs() -> list[tuple[str, object]]:
    return [
        (title, draw)
        for title, control, draw in TABS
        if control is None or not state.hidden(control)
    ]


def tabs() -> None:
    view_options()
    shown = shown_tabs()
    for tab, (_, draw) in zip(
        st.tabs([t for t, _ in shown], key=TAB_KEY, on_change="rerun"), shown
    ):
        if tab.open:
            with tab:
                draw()
