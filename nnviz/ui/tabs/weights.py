"""The Weights tab: every W and b as a heatmap, or their gradients, or how they moved."""

from __future__ import annotations

import streamlit as st

from ...app import views
from ...app.views import images
from .. import state
from ..livechart import CONFIG as CHART_CONFIG
from ..text import md

SS = st.session_state
WEIGHT_VIEWS = {
    "weights": ("W and b", views.heatmaps_view),
    "gradients": ("gradients dL/dW", views.gradient_heatmaps_view),
    "change": ("change since the last snapshot", views.change_heatmaps_view),
}


def weights_tab() -> None:
    ex = state.view()
    first_layer_pictures(ex)
    st.segmented_control(
        "Show",
        list(WEIGHT_VIEWS),
        key="weights_view",
        default="weights",
        persist_state="page",  # kept while another tab is open
        format_func=lambda k: WEIGHT_VIEWS[k][0],
    )
    _, build = WEIGHT_VIEWS[SS.get("weights_view") or "weights"]
    st.plotly_chart(build(ex), key="heatmaps_chart", theme=None, config=CHART_CONFIG)
    st.caption(
        "Each W maps the neurons of one layer (rows) to the next (columns); "
        "blue is positive, orange negative, the colour range is symmetric around 0."
    )


def first_layer_pictures(ex) -> None:
    """For a table of small images: each first-layer neuron's incoming weights as a
    picture, and what they show (as in a lesson)."""
    fig = images.weight_images_view(ex)
    if fig is None:
        return
    st.markdown("**What the first layer learned**")
    st.plotly_chart(fig, key="weight_images_chart", theme=None, config=CHART_CONFIG)
    for line in images.first_layer_notes(ex):
        st.caption(md(line))
