"""Per-session state: one Explorer per browser session, the table and its editor.

Everything lives in ``st.session_state`` (never in ``st.cache_resource``, which is
shared by every user). The data editor gets a base table that only changes when an
edit is folded in, an upload arrives or a preset is loaded; each of those bumps a
version in the editor's key, so the editor starts clean on the new base.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from ..app.explorer import Explorer, Settings
from ..app.urlstate import read_link, write_link
from ..data import PRESETS, load_preset
from ..errors import DataError

DEFAULT_DATASET = "exam_scores"
SS = st.session_state


def init() -> None:
    """Create this session's state on its first run: from the link's parameters if any,
    else the default data set, ready to train."""
    if "explorer" in SS:
        return
    SS.flash = []  # notes to show once on the next run
    link = read_link(st.query_params.to_dict())
    try:
        ex = Explorer(link.table, link.settings)
    except (DataError, ValueError) as exc:
        link.notes.append(f"The link's settings do not fit its table ({exc}); "
                          f"showing {DEFAULT_DATASET} instead.")
        link = read_link({})
        ex = Explorer(link.table, link.settings)
    if link.steps:
        ex.step(link.steps)
        link.notes.append(f"Trained {link.steps} steps, as the link asks.")
    SS.explorer = ex
    SS.table = link.table
    SS.table_version = 0
    SS.playing = False
    SS.classroom = link.classroom
    SS.hide = set(link.hide)
    SS.replay_index = None
    SS.runs = []
    SS.link_notes = link.notes
    write_settings(link.settings)


def explorer() -> Explorer:
    """The live explorer (the one that trains)."""
    return SS.explorer


def view() -> Explorer:
    """What the views show: the live explorer, or the replayed snapshot."""
    ex = SS.explorer
    index = SS.get("replay_index")
    if index is None:
        return ex
    n = len(ex.trainer.history.snapshot_iterations)
    return ex.replay(min(int(index), n - 1))


def hidden(control: str) -> bool:
    """A classroom link hides this control."""
    return control in SS.get("hide", ())


def sync_link() -> None:
    """Keep the address bar's parameters in step with the settings (no retraining)."""
    ex = explorer()
    params = write_link(ex.settings, SS.table, classroom=SS.get("classroom", False),
                        hide=tuple(sorted(SS.get("hide", ()))))
    if params != SS.get("_link_params"):
        SS._link_params = params
        st.query_params.from_dict(params)


def editor_key() -> str:
    return f"table_{SS.table_version}"


def set_table(table: pd.DataFrame) -> None:
    """A new base table for the editor (drops the editor's pending edit record)."""
    SS.table = table.reset_index(drop=True) if not table.index.is_unique else table
    SS.table_version += 1
    SS.pop("predict_row_defaults", None)
    for key in [k for k in SS if str(k).startswith("pred_in_")]:
        del SS[key]  # the Predict tab's inputs start from the new table's rows


def flash(message: str) -> None:
    SS.flash = [*SS.get("flash", []), message]


# ----------------------------------------------------------------------- settings ↔ widgets
SETTING_KEYS = ("scaling", "activation", "output_activation", "bias", "init", "seed", "loss",
                "optimizer", "learning_rate", "momentum", "l1", "l2")


def write_settings(s: Settings) -> None:
    """Put settings into the widgets' session-state keys (before the widgets are drawn)."""
    SS.dataset = s.dataset
    SS.inputs = list(s.inputs)
    SS.targets = list(s.targets)
    SS.target_max = float(s.target_max) if s.target_max else 0.0
    SS.n_hidden = len(s.hidden)
    for i, n in enumerate(s.hidden):
        SS[f"neurons_{i}"] = int(n)
    SS.batch_size = int(s.batch_size or 0)
    for key in SETTING_KEYS:
        SS[key] = getattr(s, key)


def read_settings() -> Settings:
    """The settings the widgets show now."""
    hidden = tuple(int(SS.get(f"neurons_{i}", 4)) for i in range(int(SS.n_hidden)))
    values = {key: SS[key] for key in SETTING_KEYS}
    return Settings(
        dataset=SS.dataset,
        inputs=tuple(SS.inputs),
        targets=tuple(SS.targets),
        target_max=float(SS.target_max) or None,
        hidden=hidden,
        batch_size=int(SS.batch_size) or None,
        **{**values, "seed": int(values["seed"]), "learning_rate": float(values["learning_rate"])},
    )


def load_dataset() -> None:
    """on_change of the data-set picker: the preset's table and the settings made for it."""
    name = SS.dataset
    SS.playing = False
    if name not in PRESETS:
        return
    settings = Settings.for_preset(name, seed=int(SS.get("seed", 0)))
    write_settings(settings)
    set_table(load_preset(name))


def fold_editor_edits() -> None:
    """on_change of the data editor: apply its edit record to the base table."""
    record = SS.get(editor_key())
    if not record:
        return
    SS.table = apply_edits(SS.table, record)
    SS.table_version += 1


def apply_edits(table: pd.DataFrame, record: dict) -> pd.DataFrame:
    """The table after an st.data_editor edit record {edited_rows, added_rows, deleted_rows}.

    Row positions in the record refer to the table as the editor showed it.
    Cells keep what the user typed (text included), so a bad cell can be named.
    """
    out = table.copy()
    shown = list(out.columns)
    for pos, changes in (record.get("edited_rows") or {}).items():
        label = out.index[int(pos)]
        for col, value in changes.items():
            if col not in shown:
                continue  # prediction columns are read-only
            if out[col].dtype != object and not _fits(out[col].dtype, value):
                out[col] = out[col].astype(object)
            out.loc[label, col] = value
    deleted = [out.index[int(p)] for p in record.get("deleted_rows") or []]
    out = out.drop(index=deleted)
    added = [
        {c: row.get(c, np.nan) for c in shown} for row in (record.get("added_rows") or [])
    ]
    if added:
        start = (max(out.index) + 1) if len(out) and _int_index(out) else len(out)
        new = pd.DataFrame(added, columns=shown,
                           index=range(start, start + len(added)) if _int_index(out) else None)
        if "split" in new and new["split"].isna().any():
            new["split"] = new["split"].fillna("train")
        out = pd.concat([out.astype(object), new.astype(object)]).infer_objects()
    return out


def _int_index(df: pd.DataFrame) -> bool:
    return pd.api.types.is_integer_dtype(df.index)


def _fits(dtype, value) -> bool:
    if value is None:
        return pd.api.types.is_float_dtype(dtype)
    if isinstance(value, bool):
        return pd.api.types.is_bool_dtype(dtype)
    if isinstance(value, (int, float)):
        return pd.api.types.is_numeric_dtype(dtype) and (
            pd.api.types.is_float_dtype(dtype) or float(value).is_integer()
        )
    return False
