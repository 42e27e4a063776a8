"""nnviz — build a small neural network, edit its data, watch it learn.

Run with `make run` (or `streamlit run app.py`). This file only lays the page out;
the pieces live in nnviz/ui, the maths in nnviz.
"""

import streamlit as st

from nnviz.ui import controls, live, panels, replay, sidebar, state

st.set_page_config(page_title="nnviz", page_icon="🧠", layout="wide",
                   initial_sidebar_state="expanded")

state.init()
settings = sidebar.sidebar()
explorer = state.explorer()
for note in explorer.update(st.session_state.table, settings):
    st.toast(note)
for message in st.session_state.flash:
    st.toast(message)
st.session_state.flash = []
state.sync_link()

st.title("nnviz")
st.caption("A neural network you can watch learn: every step, every matrix, every number.")
if st.session_state.link_notes:
    for note in st.session_state.link_notes:
        (st.warning if note.startswith("Ignored") else st.info)(note, icon=":material/link:")
    st.button("Dismiss the link notes", key="dismiss_link_notes",
              on_click=lambda: st.session_state.update(link_notes=[]))
controls.control_bar()
replay.replay_bar()
live.live_view()
panels.tabs()
