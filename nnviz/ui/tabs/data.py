"""The data table: edit, add and delete rows; upload and download CSV; see predictions.

The editor shows the base table plus read-only prediction columns. An edit is
folded into the base table by the editor's on_change, under a new editor key
(see ``state``). A bad cell never reaches the run: the core's DataError message
is shown beside the table and the last valid data keeps training.
"""

from __future__ import annotations

import math
import re

import pandas as pd
import streamlit as st

from ...app.edits import editor_view
from ...app.settings import preset_table
from ...app.views import images
from ...data import PRESETS, DataError, read_csv_table, to_csv_bytes
from ...data.limits import MAX_CSV_BYTES
from ...quoting import said, shorten
from .. import setup, state
from ..livechart import CONFIG as CHART_CONFIG
from ..text import md

SS = st.session_state
GAP_COLUMN = "gap"
PRED_COLUMNS = ("prediction", "error", "confidence", "correct", GAP_COLUMN)


def _editor_frame() -> pd.DataFrame:
    """The base table with the network's prediction and error beside each valid row."""
    ex = state.view()
    table = editor_view(SS[state.TABLE])
    if ex.data_error:  # the table has a bad cell: the last valid data's rows would not match
        return table
    try:
        pred = ex.predictions()
    except Exception:  # noqa: BLE001 - predictions are a courtesy; never block editing
        return table
    for col in pred.columns:
        table[col] = pred[col].reindex(table.index)
    left_out = set(ex.data.left_out)
    if left_out:  # rows with an empty cell, left out of training (the "gaps" setting)
        table[GAP_COLUMN] = ["left out: empty cell" if r in left_out else "" for r in table.index]
    return table


def _column_config(frame: pd.DataFrame) -> dict:
    config = {
        "split": st.column_config.SelectboxColumn(
            "split",
            options=["train", "test", "predict"],
            required=True,
            default="train",
            help="train: the network learns from the row; test: it is scored on it; "
            "predict: just shown its prediction.",
        ),
    }
    for col in frame.columns:
        if col in PRED_COLUMNS or str(col).startswith(("predicted ", "error ")):
            config[col] = (
                st.column_config.NumberColumn(col, format="%.4g", disabled=True)
                if pd.api.types.is_numeric_dtype(frame[col])
                else st.column_config.TextColumn(col, disabled=True)
            )
    return config


# the largest CSV read_csv_table reads, in MB (rounded up); server.maxUploadSize covers it
MAX_CSV_MB = math.ceil(MAX_CSV_BYTES / 1e6)


UPLOAD_REFUSED = "_upload_refused"  # why the last table brought was not used (until the next)
PASTE = "paste_csv"  # the paste box's key


def _upload() -> None:
    file = SS.get(state.upload_key("upload_csv"))
    if file is None:
        return
    try:
        _bring(lambda: read_csv_table(file), file.name)
    finally:
        state.release("upload_csv", file)


def _paste() -> None:
    text = str(SS.get(PASTE) or "")
    if not text.strip():
        SS[UPLOAD_REFUSED] = (
            "Nothing pasted: paste the table's CSV text (its first line the names)."
        )
        return
    if _bring(lambda: read_csv_table(text.encode("utf-8")), "the pasted text"):
        SS[PASTE] = ""


def _bring(read, name: str) -> bool:
    """Read a table the user brings and take it with its proposed setup; why it was
    refused stays beside the uploader until the next table comes in."""
    SS.pop(UPLOAD_REFUSED, None)
    try:
        table = read()
    except DataError as exc:
        SS[UPLOAD_REFUSED] = f"Not used ({shorten(name)}): {said(exc)}"
        return False
    refused = setup.load_table(table, name)
    if refused:
        SS[UPLOAD_REFUSED] = f"Not used ({shorten(name)}): {said(refused)}"
        return False
    SS._uploaded_name = _safe_name(name) if name != "the pasted text" else "pasted-table.csv"
    return True


def _safe_name(name: str) -> str:
    """An uploaded file's name as a download name: its stem, letters, digits, - and _."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", str(name).rsplit(".", 1)[0]).strip("-")[:60]
    return f"{stem or 'nnviz-table'}.csv"


def data_table() -> None:
    ex = state.explorer()
    frame = _editor_frame()
    st.caption(
        "Edit cells, add rows at the bottom, delete with the row checkbox. "
        "Prediction and error (in your units) are the network's, read-only."
    )
    st.data_editor(
        frame,
        key=state.editor_key(),
        num_rows="dynamic",
        on_change=state.fold_editor_edits,
        column_config=_column_config(frame),
        disabled=[c for c in frame.columns if c not in SS[state.TABLE].columns],
        height=min(38 + 35 * (len(frame) + 1), 460),
        width="stretch",
    )
    for note in ex.data.notes:  # what prepare decided on its own: text columns, gaps, split
        st.caption(f":material/info: {md(note)}")
    _row_pictures(ex)
    drafts = state.drafts()
    if drafts:
        rows = ", ".join(str(r) for r in drafts[:5]) + (" …" if len(drafts) > 5 else "")
        st.caption(
            f":material/edit_note: Row{'s' if len(drafts) > 1 else ''} {rows}: still "
            "empty, left out of training until filled in."
        )
    if SS.get(state.REFIT):
        st.caption(f":material/straighten: {SS[state.REFIT]}")
    if ex.data_error:
        st.error(
            f"{md(ex.data_error)}  \nTraining keeps the last valid table until this is fixed.",
            icon=":material/warning:",
        )
    c1, c2 = st.columns(2)
    c1.file_uploader(
        "Upload a CSV table",
        type=["csv", "txt"],
        key=state.upload_key("upload_csv"),
        on_change=_upload,
        max_upload_size=MAX_CSV_MB,
        help="First line: column names. Optional 'split' column: train/test/predict. "
        "nnviz proposes a setup for it (you can undo it).",
    )
    if SS.get(UPLOAD_REFUSED):
        c1.warning(md(SS[UPLOAD_REFUSED]), icon=":material/block:")
    with c1.expander("…or paste a CSV table"):
        st.text_area(
            "CSV text",
            key=PASTE,
            height=120,
            placeholder="sepal_length,sepal_width,species\n5.1,3.5,setosa\n…",
        )
        st.button("Use the pasted table", key="use_paste", on_click=_paste)
    c2.download_button(
        "Download the table as CSV",
        _table_csv(SS[state.TABLE]),
        file_name=_csv_name(),
        mime="text/csv",
        key="download_csv",
    )
    setup.setup_note()  # under the uploader: what was chosen for the table just brought


def _table_csv(table: pd.DataFrame) -> bytes:
    """The table as CSV, written again only when the table is another one (an edit or a
    load replaces it): a large table costs one writing, not one every run."""
    kept = SS.get("_table_csv")
    if kept is None or kept[0] is not table:
        kept = (table, to_csv_bytes(table))
        SS["_table_csv"] = kept
    return kept[1]


def _csv_name() -> str:
    """What the download holds: the data set's name, "-edited" when it is not the preset
    as it comes, or the uploaded file's name."""
    name = SS.dataset
    if name in PRESETS:
        return (
            f"{name}.csv"
            if SS[state.TABLE].equals(preset_table(state.read_settings()))
            else f"{name}-edited.csv"
        )
    return SS.get("_uploaded_name") or "nnviz-table.csv"


def _row_pictures(ex) -> None:
    """A table of small images: its first rows as pictures."""
    layout = images.layout_of(ex)
    if layout is None:
        return
    with st.expander(f"The rows as {layout.side}×{layout.side} images", expanded=False):
        index = list(ex.data.index)[: images.MAX_TILES]
        fig = images.row_images_view(ex, index)
        if fig is not None:
            st.plotly_chart(fig, key="row_images_chart", theme=None, config=CHART_CONFIG)
            st.caption("Row number and target under each; white is 0, blue the most ink.")
