"""nnviz — placeholder page until the network explorer lands."""

import streamlit as st

st.set_page_config(page_title="nnviz", layout="wide")
st.title("nnviz")
st.write("Build a small neural network, edit its data in a table and watch it learn.")
