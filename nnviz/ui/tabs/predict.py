"""The Predict tab: a new row in the table's units, its prediction in the same units.

It asks for the raw input columns only (``data.raw_inputs``): the derived features are
computed from them, as for the training rows."""

from __future__ import annotations

import numpy as np
import streamlit as st

from ...activations import ACTIVATIONS
from ...app import views
from ...errors import DataError
from .. import state
from ..text import md

SS = st.session_state


def predict_tab() -> None:
    ex = state.view()
    data = ex.data
    names = data.raw_inputs
    raw = views.raw_rows(ex) if len(data.index) else np.zeros((1, len(names)))
    defaults = SS.get("predict_row_defaults")
    if defaults is None or len(defaults) != len(names):
        defaults = [
            data.categories[n][0] if n in data.categories else float(np.nan_to_num(v))
            for n, v in zip(names, raw[-1], strict=True)
        ]
    with st.form("predict_form", border=False):
        cols = st.columns(max(1, min(len(names), 6)))
        values = [_cell_input(cols[i % len(cols)], data, name, defaults[i], i)
                  for i, name in enumerate(names)]  # fmt: skip
        submitted = st.form_submit_button("Predict")
    if submitted:
        SS.predict_row_defaults = values
    try:
        out = ex.predict_row(values)
    except DataError as exc:  # a feature is not a number for these inputs (log of -1 …)
        st.error(md(str(exc).replace("Row 0, feature", "Feature")), icon=":material/error:")
        return
    if data.features:
        st.caption(
            "The network also sees the features "
            + md(", ".join(data.features))
            + ", computed from these inputs."
        )
    if data.classes is not None and len(out) == 1:  # two classes, one output
        act = ACTIVATIONS[ex.settings.output_activation]
        k = int(out[0] > act.midpoint)
        st.metric("Predicted class", str(data.classes[k]), f"output = {out[0]:.3f}")
    elif data.classes is not None:
        k = int(np.argmax(out))
        st.metric("Predicted class", str(data.classes[k]), f"p = {out[k]:.3f}")
    else:
        for name, v in zip(data.targets, out):
            st.metric(f"Predicted {md(name)}", f"{v:.4g}")
    st.caption(
        "Inputs are in your table's units; they are scaled as the training rows were, "
        "and the output is scaled back."
    )


def _cell_input(col, data, name, default, i: int):
    """One input of the new row: a text column's values to pick from, else a number."""
    values = data.categories.get(name)
    if values is not None:
        index = values.index(default) if default in values else 0
        return col.selectbox(md(name), values, index=index, key=f"pred_in_{i}")
    return col.number_input(md(name), value=float(default), key=f"pred_in_{i}", format="%.4g")
