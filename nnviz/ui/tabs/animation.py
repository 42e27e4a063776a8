"""The Animation tab: the whole run played inside one chart (Plotly frames and a slider)."""

from __future__ import annotations

import streamlit as st

from ...app import views
from .. import state
from ..livechart import CONFIG as CHART_CONFIG

SS = st.session_state


def animation_stamp(ex, row) -> tuple:
    """What the animation shows: this run's recorded snapshots and the row. It is built
    once per stamp (when the tab is open), not once per iteration."""
    h = ex.trainer.history
    its = h.snapshot_iterations
    return (id(ex.trainer), len(its), int(its[-1]) if len(its) else -1, row, len(h.events))


def animation_tab() -> None:
    ex = state.explorer()
    if state.playing():
        st.info("Pause to build the animation of the whole run.")
        return
    if ex.trainer.iteration == 0:
        st.info(
            "Train a few steps: the animation plays the recorded weights, iteration by iteration."
        )
        return
    row = SS.get(state.DIAGRAM_ROW, 0)
    stamp = animation_stamp(ex, row)
    if SS.get("_animation_stamp") != stamp:
        SS._animation = views.animation_view(ex, row=row)
        SS._animation_stamp = stamp
    st.plotly_chart(SS._animation, key="animation_chart", theme=None, config=CHART_CONFIG)
    st.caption(
        f"{len(ex.trainer.history.snapshot_iterations)} recorded snapshots; "
        "at most 200 frames, evenly spread from iteration 0 to now. "
        "Press ▶ in the chart or drag its slider."
    )
