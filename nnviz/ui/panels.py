"""The tabs under the live view: weights, replay animation, predict, export."""

from __future__ import annotations

from urllib.parse import urlencode

import numpy as np
import streamlit as st

from .. import export
from ..app import views
from ..app.urlstate import write_link
from . import state
from .live import CHART_CONFIG

SS = st.session_state


def view_options() -> None:
    ex = state.explorer()
    n_rows = len(ex.data.index)
    cols = st.columns([1, 1, 2])
    cols[0].segmented_control("Loss axis", list(("auto", "linear", "log")), key="loss_axis",
                              default="auto",
                              help="auto: a log axis once the loss spans two decades.")
    cols[1].toggle("Discretize output", key="discretize", disabled=not views.has_plane(ex))
    if n_rows:
        SS.diagram_row = min(int(SS.get("diagram_row", 0)), n_rows - 1)
        cols[2].number_input(
            f"Row shown in the diagram (0–{n_rows - 1})", 0, n_rows - 1, key="diagram_row",
            help="Node colours are this row's activations.")


WEIGHT_VIEWS = {
    "weights": ("W and b", views.heatmaps_view),
    "gradients": ("gradients dL/dW", views.gradient_heatmaps_view),
    "change": ("change since the last snapshot", views.change_heatmaps_view),
}


def weights_tab() -> None:
    ex = state.view()
    st.segmented_control("Show", list(WEIGHT_VIEWS), key="weights_view", default="weights",
                         format_func=lambda k: WEIGHT_VIEWS[k][0])
    _, build = WEIGHT_VIEWS[SS.get("weights_view") or "weights"]
    st.plotly_chart(build(ex), key="heatmaps_chart", theme=None, config=CHART_CONFIG)
    st.caption("Each W maps the neurons of one layer (rows) to the next (columns); "
               "blue is positive, orange negative, the colour range is symmetric around 0.")


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
                str(name), value=float(defaults[i]), key=f"pred_in_{i}", format="%.4g")
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
            st.metric(f"Predicted {name}", f"{v:.4g}")
    st.caption("Inputs are in your table's units; they are scaled as the training rows were, "
               "and the output is scaled back.")


def export_tab() -> None:
    ex = state.explorer()
    net, t = ex.network, ex.trainer
    meta = {"hyperparameters": export.trainer_hyperparameters(t)}
    names = {"inputs": ex.data.inputs, "targets": ex.data.targets, "classes": ex.data.classes}
    st.markdown("**Download**")
    cols = st.columns(3)
    cols[0].download_button(
        "Weights (seed text: w1.txt …)", export.weights_txt_zip(net, scaler=ex.data.scaler,
                                                                 **meta),
        file_name="nnviz-weights.zip", mime="application/zip", key="dl_txt")
    cols[1].download_button("Weights (.npz)", export.to_npz(net, scaler=ex.data.scaler, **meta),
                            file_name="nnviz-weights.npz", key="dl_npz")
    cols[2].download_button(
        "Model (.json)",
        export.to_json(net, scaler=ex.data.scaler, iteration=t.iteration, **meta, **names),
        file_name="nnviz-model.json", mime="application/json", key="dl_json")
    cols = st.columns(3)
    cols[0].download_button("Loss history (.csv)", export.history_csv(t.history),
                            file_name="nnviz-loss.csv", mime="text/csv", key="dl_loss")
    rows = ex.data.scaler.inverse_X(ex.data.X_all()).tolist()
    cols[1].download_button(
        "Standalone script (.py)",
        export.standalone_script(net, scaler=ex.data.scaler, rows=rows, iteration=t.iteration,
                                 **names),
        file_name="nnviz_predict.py", mime="text/x-python", key="dl_script")
    st.markdown("**Continue from a saved model**")
    st.file_uploader("Upload a model (.json, .npz or the weights .zip)",
                     type=["json", "npz", "zip"], key="upload_model", on_change=_load_model)


def _load_model() -> None:
    file = SS.get("upload_model")
    if file is None:
        return
    ex = state.explorer()
    try:
        bundle = export.load_model(file.getvalue(), file.name)
    except ValueError as exc:
        state.flash(f"Model not loaded: {exc}")
        return
    try:
        ex.adopt(bundle.network)
    except ValueError as exc:
        state.flash(f"Model not loaded: {exc}")
        return
    SS.playing = False
    state.write_settings(ex.settings)
    state.flash(f"Loaded {file.name}: training continues from its weights.")


def share_panel() -> None:
    ex = state.explorer()
    params = write_link(ex.settings, SS.table, steps=ex.trainer.iteration,
                        classroom=SS.get("classroom", False),
                        hide=tuple(sorted(SS.get("hide", ()))))
    base = st.context.url or "http://localhost:8501/"
    link = f"{base}?{urlencode(params)}"
    st.markdown("**Link to this run** — opening it rebuilds the same network from the same "
                "initial weights and trains the same number of steps.")
    st.code(link, language=None, wrap_lines=True)
    st.caption("For a classroom exercise, add `&classroom=1&hide=optimizer,loss,learning_rate` "
               "(any controls) to hide what the students should not change.")


TABS = (
    ("Data", "table", lambda: _data_table()),
    ("Weights", "weights", lambda: weights_tab()),
    ("Backprop inspector", "inspector", lambda: _inspector()),
    ("Animation", "replay", lambda: _animation()),
    ("Compare runs", "compare", lambda: _compare()),
    ("Predict", None, lambda: predict_tab()),
    ("Check & edit", None, lambda: _tools()),
    ("Export / share", "export", lambda: (export_tab(), share_panel())),
)


def _data_table():
    from .table import data_table

    data_table()


def _inspector():
    from .inspect import inspector_tab

    inspector_tab()


def _animation():
    from .replay import animation_tab

    animation_tab()


def _compare():
    from .compare import compare_tab

    compare_tab()


def _tools():
    from .tools import tools_tab

    tools_tab()


def tabs() -> None:
    view_options()
    shown = [(title, draw) for title, control, draw in TABS
             if control is None or not state.hidden(control)]
    for tab, (_, draw) in zip(st.tabs([title for title, _ in shown]), shown):
        with tab:
            draw()
