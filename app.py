"""nnviz — build a small neural network, edit its data, watch it learn.

Run with `make run` (or `streamlit run app.py`). This file only lays the page out;
the pieces live in nnviz/ui, the maths in nnviz.
"""

import os

# The sessions of one server share its cores: one BLAS thread each. (Set before NumPy
# loads; with a thread per core, a 20,000-row table's matrix products waited on each
# other and took ten times as long on a busy machine.)
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import streamlit as st  # noqa: E402

from nnviz.ui import controls, live, look, sidebar, state, tabs  # noqa: E402
from nnviz.ui.text import md  # noqa: E402

presentation = state.presentation()
st.set_page_config(
    page_title="nnviz",
    page_icon="🧠",
    layout="wide",
    initial_sidebar_state="collapsed" if presentation else "expanded",
)
look.apply(presentation)

ICONS = {
    "info": ":material/info:",
    "success": ":material/check_circle:",
    "warning": ":material/warning:",
    "error": ":material/error:",
}

state.init()
state.follow_link_replay()
settings = sidebar.normalize()  # what the widgets hold; they are drawn after the charts
for note in state.apply_changes(settings):
    state.note(note)
for note in state.take_notes():
    st.toast(md(note.text), icon=ICONS[note.kind])
state.sync_link()

if link_notes := state.link_notes():
    for note in link_notes:
        (st.warning if note.kind == "warning" else st.info)(md(note.text), icon=":material/link:")
    st.button("Dismiss the link notes", key="dismiss_link_notes", on_click=state.dismiss_link_notes)
controls.control_bar()
live.live_view()
sidebar.sidebar()
tabs.tabs()
