"""A data editor's edit record applied to a table (pandas only, no Streamlit).

``st.data_editor`` reports an edit as ``{edited_rows, added_rows, deleted_rows}``
relative to the table it was given; :func:`apply_edits` folds that into the table,
keeping what the user typed (text included) so a bad cell can be named.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def apply_edits(table: pd.DataFrame, record: dict) -> pd.DataFrame:
    """The table after an edit record {edited_rows, added_rows, deleted_rows}.

    Row positions in the record refer to the table as the editor showed it.
    Cells keep what the user typed (text included), so a bad cell can be named.
    Columns the table does not have (the editor's read-only prediction columns)
    are ignored.
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
