"""Compare runs: keep a run, start a variant from the same initial weights, overlay them."""

from __future__ import annotations

import string

import streamlit as st

from ... import charts
from ...app import views
from ...app.runs import MAX_RUNS, changed_settings, record_run, runs_table
from .. import state
from ..live import LOSS_AXES
from ..livechart import CONFIG as CHART_CONFIG
from ..text import md

SS = st.session_state


def _keep() -> None:
    ex = state.explorer()
    runs = SS[state.RUNS]
    if len(runs) >= MAX_RUNS:
        state.note(f"{MAX_RUNS} runs are kept already: remove one first.", "warning")
        return
    used = {r.name for r in runs}
    name = next(f"run {c}" for c in string.ascii_uppercase if f"run {c}" not in used)
    state.stop_playing()
    record = record_run(name, ex)
    runs.append(record)
    ex.start_over_from(record.initial_params)
    state.note(
        f"Kept {name}. A new run starts from the same initial weights: change one "
        "setting and train to compare."
    )


def _remove() -> None:
    names = set(SS.get("runs_to_remove") or [])
    SS[state.RUNS] = [r for r in SS[state.RUNS] if r.name not in names]
    SS.runs_to_remove = []


def _log_axis(runs, current) -> bool:
    choice = LOSS_AXES[SS.get(state.LOSS_AXIS) or "auto"]
    if choice is not None:
        return choice
    return views.spans_decades(current["train_loss"], *[r.train_loss for r in runs])


def compare_tab() -> None:
    ex = state.explorer()
    runs = SS[state.RUNS]
    c1, c2 = st.columns([1.3, 3])
    c1.button(
        "Keep this run",
        key="keep_run",
        icon=":material/push_pin:",
        on_click=_keep,
        width="stretch",
        help="Store this run and start a new one from the same initial weights.",
    )
    c2.caption(
        "Keep a run, change one setting (learning rate, optimizer, activation, "
        "batch size …) and train again: the new run starts from the same initial "
        "weights, so the curves compare fairly."
    )
    h = ex.trainer.history
    current = {
        "name": "current",
        "iterations": h.iterations,
        "train_loss": h.train_loss,
        "test_loss": h.test_loss,
    }
    fig = charts.loss_figure(
        None,
        None,
        runs=[r.as_curve() for r in runs] + [current],
        log_y=_log_axis(runs, current),
        height=380,
        title="Loss of the kept runs and the current one",
    )
    st.plotly_chart(fig, key="compare_chart", theme=None, config=CHART_CONFIG)
    if not runs:
        st.info("No run kept yet.")
        return
    table = runs_table([*runs, record_run("current", ex)])
    diff = changed_settings(runs)
    if diff:
        st.caption("Settings that differ between the kept runs: " + md(", ".join(diff)))
    st.dataframe(table, hide_index=True, width="stretch", key="runs_table")
    c1, c2, c3 = st.columns([2, 1, 1.2])
    c1.multiselect(
        "Runs to remove",
        [r.name for r in runs],
        key="runs_to_remove",
        label_visibility="collapsed",
        placeholder="Choose runs to remove",
    )
    c2.button("Remove", key="remove_runs", on_click=_remove, width="stretch")
    c3.download_button(
        "Runs table (.csv)",
        table.to_csv(index=False),
        file_name="nnviz-runs.csv",
        mime="text/csv",
        key="dl_runs",
        width="stretch",
    )
