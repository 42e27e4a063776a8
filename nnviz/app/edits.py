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
    added = [{c: row.get(c, np.nan) for c in shown} for row in (record.get("added_rows") or [])]
    if added:
        start = (max(out.index) + 1) if len(out) and _int_index(out) else len(out)
        new = pd.DataFrame(
            added,
            columns=shown,
            index=range(start, start + len(added)) if _int_index(out) else None,
        )
        if "split" in new and new["split"].isna().any():
            new["split"] = new["split"].astype(object).fillna("train")
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


def _empty(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def draft_rows(table: pd.DataFrame, columns) -> list:
    """Index labels of rows still being filled in: every one of ``columns`` (the inputs
    and targets) empty. A row added in the editor starts so; it is not an error, it is
    left out of training until it has values."""
    columns = [c for c in columns if c in table.columns]
    if not columns or not len(table):
        return []
    empty = np.ones(len(table), dtype=bool)
    for c in columns:
        empty &= _empty_cells(table[c])
        if not empty.any():
            break
    return list(table.index[empty])


def _empty_cells(column: pd.Series) -> np.ndarray:
    """Which cells of a column are empty: at once for a column of numbers, cell by cell
    (a blank text is empty too) for any other."""
    if pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column.dtype):
        return column.isna().to_numpy()
    return np.array([_empty(v) for v in column], dtype=bool)


def without_drafts(table: pd.DataFrame, columns) -> pd.DataFrame:
    drafts = draft_rows(table, columns)
    return table.drop(index=drafts) if drafts else table


def editor_view(table: pd.DataFrame) -> pd.DataFrame:
    """The table as the editor shows it: a column that holds numbers (and empty cells)
    is a float column — an empty cell shows blank, not "None", and typing 1e308 into a
    column of whole numbers stays 1e308. Text columns stay text."""
    out = table.copy()
    for c in out.columns:
        col = out[c]
        if pd.api.types.is_bool_dtype(col) or pd.api.types.is_float_dtype(col):
            continue
        if pd.api.types.is_numeric_dtype(col):
            out[c] = col.astype("float64")
            continue
        values = [v for v in col if not _empty(v)]
        if values and all(
            isinstance(v, (int, float, np.number)) and not isinstance(v, bool) for v in values
        ):
            out[c] = pd.to_numeric(col.where(~col.map(_empty), np.nan), errors="coerce")
        elif col.map(lambda v: v is None).any():
            out[c] = col.where(~col.map(lambda v: v is None), "")
    return out
