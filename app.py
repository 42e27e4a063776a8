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

from nnviz.ui import controls, live, look, memory, notes, runs, sidebar, state, tabs  # noqa: E402

presentation = state.presentation()
st.set_page_config(
    page_title="nnviz",
    page_icon="🧠",
    layout="wide",
    initial_sidebar_state="collapsed" if presentation else "expanded",
)
look.apply(presentation)

runs.start()  # this tab's run: the one the address names (run=), restored, or a new one
state.follow_link_replay()
settings = sidebar.normalize()  # what the widgets hold; they are drawn after the charts
runs.catch_up()  # the last seconds of play saved before a change can replace the run
changed = state.apply_changes(settings)
notes.show(runs.with_undo([*state.take_notes(), *changed]))
state.sync_link(runs.address())

notes.page_notes()
controls.control_bar()
live.live_view()
sidebar.sidebar()
tabs.tabs()
runs.save_changes()  # what this run's actions changed, into the run store
runs.browser_runs()  # the runs this browser opened, kept in its localStorage
state.rest()  # an idle run lets go of its work arrays
memory.give_back()  # what closed sessions held, back to the system (every 30 s at most)
