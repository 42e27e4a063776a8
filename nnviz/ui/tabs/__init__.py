"""The tabs under the live view. Only the open tab is built: ``st.tabs`` with
``on_change="rerun"`` reruns the page when another tab is chosen, and each tab's
``.open`` says which one to draw (a hidden tab costs nothing)."""

from __future__ import annotations

import streamlit as st

from ...app.panels import PANELS
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
from .runs import runs_tab
from .weights import weights_tab

SS = st.session_state
TAB_KEY = "tab"

#: how each tab of the page (nnviz.app.panels.PANELS) is drawn
DRAW = {
    "table": data_table,
    "weights": weights_tab,
    "inspector": inspector_tab,
    "lessons": lessons_tab,
    "landscape": landscape_tab,
    "metrics": metrics_tab,
    "replay": animation_tab,
    "compare": compare_tab,
    "predict": predict_tab,
    "checks": checks_tab,
    "export": export_and_share,
    "runs": runs_tab,
}

#: (title, the classroom control that hides it or None, the function that draws it)
TABS = tuple((p.title, p.name if p.hideable else None, DRAW[p.name]) for p in PANELS)


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
