"""nnviz — build a small neural network, edit its data, watch it learn.

Run with `make run` (or `streamlit run app.py`). This file only lays the page out;
the pieces live in nnviz/ui, the maths in nnviz.
"""

import streamlit as st

from nnviz.ui import controls, live, replay, sidebar, state, tabs
from nnviz.ui.text import md

st.set_page_config(page_title="nnviz", page_icon="🧠", layout="wide",
                   initial_sidebar_state="expanded")

ICONS = {"info": ":material/info:", "success": ":material/check_circle:",
         "warning": ":material/warning:", "error": ":material/error:"}

state.init()
state.follow_link_replay()
settings = sidebar.sidebar()
explorer = state.explorer()
if not explorer.link_replay_pending:  # the widgets follow the replay until it ends
    for text in explorer.update(st.session_state[state.TABLE], settings):
        state.note(text)
for note in state.take_notes():
    st.toast(md(note.text), icon=ICONS[note.kind])
state.sync_link()

st.title("nnviz")
st.caption("A neural network you can watch learn: every step, every matrix, every number.")
if st.session_state[state.LINK_NOTES]:
    for text in st.session_state[state.LINK_NOTES]:
        (st.warning if text.startswith("Ignored") else st.info)(md(text),
                                                                 icon=":material/link:")
    st.button("Dismiss the link notes", key="dismiss_link_notes",
              on_click=lambda: st.session_state.update({state.LINK_NOTES: []}))
controls.control_bar()
replay.replay_bar()
live.live_view()
tabs.tabs()
