"""The Predict tab: a new row in the table's units, its prediction in the same units."""

from __future__ import annotations

import numpy as np
import streamlit as st

from .. import state
from ..text import md

SS = st.session_state


def predict_tab() -> None:
    ex = state.view()
    data = ex.data
    raw = data.scaler.inverse_X(data.X_all()) if len(data.index) else np.zeros((1, data.n_inputs))
    defaults = SS.get("predict_row_defaults")
    if defaults is None or len(defaults) != data.n_inputs:
        defaults = [float(v) for v in raw[-1]]
    with st.form("predict_form", border=False):
        cols = st.columns(max(1, min(data.n_inputs, 6)))
        values = [
            cols[i % len(cols)].number_input(
                md(name), value=float(defaults[i]), key=f"pred_in_{i}", format="%.4g")
            for i, name in enumerate(data.inputs)
        ]
        submitted = st.form_submit_button("Predict")
    if submitted:
        SS.predict_row_defaults = values
    out = ex.predict_row(values)
    if data.classes is not None:
        k = int(np.argmax(out))
        st.metric("Predicted class", str(data.classes[k]), f"p = {out[k]:.3f}")
    else:
        for name, v in zip(data.targets, out):
            st.metric(f"Predicted {md(name)}", f"{v:.4g}")
    st.caption("Inputs are in your table's units; they are scaled as the training rows were, "
               "and the output is scaled back.")
