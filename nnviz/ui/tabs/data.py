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
from ...data import PRESETS, DataError, read_csv_table, to_csv_bytes
from ...data.limits import MAX_CSV_BYTES
from .. import state
from ..text import md

SS = st.session_state
PRED_COLUMNS = ("prediction", "error", "confidence", "correct")


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


def _upload() -> None:
    file = SS.get(state.upload_key("upload_csv"))
    if file is None:
        return
    try:
        table = read_csv_table(file)
    except DataError as exc:
        state.note(f"Upload not used: {exc}", "warning")
        return
    finally:
        state.release("upload_csv", file)
    columns = [c for c in table.columns if c != "split"]
    if len(columns) < 2:
        state.note(
            "Upload not used: the file needs at least an input and a target column.", "warning"
        )
        return
    state.stop_playing()
    SS.dataset = "custom"
    SS._uploaded_name = _safe_name(file.name)
    state.set_table(table)
    SS.inputs, SS.targets = columns[:-1], columns[-1:]
    inputs = ", ".join(map(str, columns[:-1]))
    state.note(
        f"Loaded {len(table)} rows from {file.name}: inputs {inputs}, "
        f"target {columns[-1]} (change them in the sidebar).",
        "success",
    )


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
        help="First line: column names. Optional 'split' column: train/test/predict.",
    )
    c2.download_button(
        "Download the table as CSV",
        _table_csv(SS[state.TABLE]),
        file_name=_csv_name(),
        mime="text/csv",
        key="download_csv",
    )


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
