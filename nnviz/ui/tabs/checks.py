"""Trust and touch: a gradient check on the current network, and editing one weight."""

from __future__ import annotations

import streamlit as st

from ...app import views
from ...app.jobs import GradientCheckJob
from ...quoting import said
from .. import jobs, state
from ..text import md

SS = st.session_state
ABOUT = "gradcheck_about"  # what the check shown covered: its sample, where it stopped


def _check() -> None:
    """The check of the weights shown, as a job: a few parameters a piece (on a sample
    of the rows and parameters of a large run, said with its result)."""
    jobs.start(GradientCheckJob(state.view()), done=_checked)


def _checked(job: GradientCheckJob) -> None:
    if not job.done:
        return  # stopped before any parameter: the last result stays
    SS.gradcheck = (job.iteration, job.result())
    about = [job.sample] if job.sample else []
    if job.stopped:
        about.append(f"stopped after {job.done:,} of the {job.total:,} parameters")
    SS[ABOUT] = "; ".join(about)


def _set_weight() -> None:
    ex = state.explorer()
    layer, i, j = int(SS.edit_layer), int(SS.edit_from), int(SS.edit_to)
    try:
        ex.set_weight(layer, i, j, float(SS.edit_value))
    except (ValueError, IndexError) as exc:
        state.note(f"Weight not set: {said(exc)}", "warning")
        return
    state.note(
        f"W{layer}[{i}, {j}] set to {float(SS.edit_value):g}: every view shows it.", "success"
    )


def gradient_check_panel() -> None:
    st.markdown(
        "**Gradient check** — backprop's dL/dW against numerical derivatives of the "
        "loss (Ridders' extrapolation) on the training rows."
    )
    checking = isinstance(jobs.running(), GradientCheckJob)
    st.button("Run the gradient check", key="run_gradcheck", on_click=_check, disabled=checking)
    if checking:
        st.caption("Under way: its progress bar and Stop are above the live charts.")
    found = SS.get("gradcheck")
    if found:
        iteration, r = found
        ok = r.max_relative_error < 1e-6
        about = f" ({SS[ABOUT]})" if SS.get(ABOUT) else ""
        (st.success if ok else st.warning)(
            f"Iteration {iteration}{about}: largest relative error "
            f"{r.max_relative_error:.2e} at {md(r.where)} (backprop {r.analytic:.6g}, "
            f"numerical {r.numeric:.6g}). "
            + (
                "Backprop is the exact derivative."
                if ok
                else "Larger than 1e-6: a kink (relu at 0) or a saturated unit can cause this."
            )
        )


def edit_weight_panel() -> None:
    ex = state.explorer()
    names = views.layer_names(ex)
    st.markdown(
        "**Edit one weight** — pick a connection and type its value; the change is "
        "applied at once and marked on the loss curve."
    )
    L = ex.network.n_layers
    SS.setdefault("edit_layer", 1)
    SS.edit_layer = min(int(SS.edit_layer), L)
    c1, c2, c3, c4, c5 = st.columns([0.8, 1.2, 1.2, 1, 0.8])
    # the choices are kept while another tab is open (only the open tab is built)
    kept = {"persist_state": "page"}
    c1.selectbox(
        "Layer", list(range(1, L + 1)), key="edit_layer", format_func=lambda k: f"W{k}", **kept
    )
    k = int(SS.edit_layer)
    rows, cols = names[k - 1], names[k]
    SS.edit_from = min(int(SS.get("edit_from", 0)), len(rows) - 1)
    SS.edit_to = min(int(SS.get("edit_to", 0)), len(cols) - 1)
    c2.selectbox(
        "From", list(range(len(rows))), key="edit_from", format_func=lambda i: rows[i], **kept
    )
    c3.selectbox("To", list(range(len(cols))), key="edit_to", format_func=lambda j: cols[j], **kept)
    current = float(ex.network.weights[k - 1][int(SS.edit_from), int(SS.edit_to)])
    shown = (k, int(SS.edit_from), int(SS.edit_to), current)
    if SS.get("_edit_shown") != shown:  # another weight, or this one moved: show its value
        SS._edit_shown = shown
        SS.edit_value = current
    c4.number_input("Value", key="edit_value", format="%.4f")
    c5.button("Set", key="set_weight", on_click=_set_weight, width="stretch")
    st.caption(
        f"Now W{k}\\[{md(rows[int(SS.edit_from)])} → {md(cols[int(SS.edit_to)])}\\] = {current:.6g}"
    )


def checks_tab() -> None:
    gradient_check_panel()
    st.divider()
    edit_weight_panel()
