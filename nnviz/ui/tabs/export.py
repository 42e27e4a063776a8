"""The Export / share tab: downloads of the model and the run, a model upload, the link.

The downloads are serialized only while this tab is open (the tabs are lazy)."""

from __future__ import annotations

import math
from urllib.parse import urlencode

import streamlit as st

from ... import export
from ...app import views
from ...app.urlstate import link_limits, run_link
from ...quoting import said, shorten
from .. import runs, state
from ..text import md

SS = st.session_state


def export_tab() -> None:
    ex = state.explorer()
    net, t = ex.network, ex.trainer
    meta = {"hyperparameters": export.trainer_hyperparameters(t)}
    names = {"inputs": ex.data.inputs, "targets": ex.data.targets, "classes": ex.data.classes}
    st.markdown("**Download**")
    cols = st.columns(3)
    cols[0].download_button(
        "Weights (seed text: w1.txt …)",
        export.weights_txt_zip(net, scaler=ex.data.scaler, **meta),
        file_name="nnviz-weights.zip",
        mime="application/zip",
        key="dl_txt",
    )
    cols[1].download_button(
        "Weights (.npz)",
        export.to_npz(net, scaler=ex.data.scaler, **meta),
        file_name="nnviz-weights.npz",
        key="dl_npz",
    )
    cols[2].download_button(
        "Model (.json)",
        export.to_json(net, scaler=ex.data.scaler, iteration=t.iteration, **meta, **names),
        file_name="nnviz-model.json",
        mime="application/json",
        key="dl_json",
    )
    cols = st.columns(3)
    cols[0].download_button(
        "Loss history (.csv)",
        export.history_csv(t.history),
        file_name="nnviz-loss.csv",
        mime="text/csv",
        key="dl_loss",
    )
    rows = views.raw_rows(ex).tolist()  # the raw inputs: the script computes the features
    cols[1].download_button(
        "Standalone script (.py)",
        export.standalone_script(
            net, scaler=ex.data.scaler, rows=rows, iteration=t.iteration, **names
        ),
        file_name="nnviz_predict.py",
        mime="text/x-python",
        key="dl_script",
    )
    st.markdown("**Continue from a saved model**")
    st.file_uploader(
        "Upload a model (.json, .npz or the weights .zip)",
        type=["json", "npz", "zip"],
        key=state.upload_key("upload_model"),
        on_change=_load_model,
        max_upload_size=MAX_MODEL_MB,
    )


# the largest model file of a network nnviz builds, in MB (rounded up)
MAX_MODEL_MB = math.ceil(export.network_limits().max_file_bytes / 1e6)


def _load_model() -> None:
    file = SS.get(state.upload_key("upload_model"))
    if file is None:
        return
    ex = state.explorer()
    try:
        bundle = export.load_model(file.getvalue(), file.name)
        features = bundle.features or list(getattr(bundle.scaler, "features", None) or [])
        kept = state.keep(ex.settings_for_model(bundle.network, features))
        if kept.left:  # the weights need the network they were trained in, whole
            why = f"the model's are {kept.values(kept.wanted)}"
            state.note(kept.refusal(f"The model {shorten(file.name)}", why))
            return
        runs.catch_up()  # a trained run is kept (Undo) as it was
        ex.adopt(bundle.network, features=features)
    except ValueError as exc:
        state.note(f"Model not loaded: {said(exc)}", "warning")
        return
    finally:
        state.release("upload_model", file)
    state.stop_playing()
    state.write_settings(ex.settings)
    state.note(f"Loaded {shorten(file.name)}: training continues from its weights.", "success")


def share_panel() -> None:
    ex = state.explorer()
    params = run_link(
        ex, classroom=SS.get(state.CLASSROOM, False), hide=tuple(sorted(SS.get(state.HIDE, ())))
    )
    base = st.context.url or "http://localhost:8501/"
    link = f"{base.split('?')[0]}?{urlencode(params)}"
    st.markdown(
        "**Link to this run** — opening it rebuilds the same network from the same "
        "initial weights and replays the run: the same steps, with every change of a "
        "setting, a weight or the table at the iteration it was made."
    )
    for limit in link_limits(ex):
        st.warning(md(limit), icon=":material/link_off:")
    with st.container(key="share_link"):
        st.code(link, language=None, wrap_lines=True)
    st.caption(
        "The copy button at the right of the link copies it. For a classroom "
        "exercise, add `&classroom=1&hide=optimizer,loss,learning_rate` (any "
        "settings): students see them but cannot change them."
    )


def export_and_share() -> None:
    export_tab()
    share_panel()
