"""Tables in and out: arrays → a table, a table → CSV bytes, and reading a user's CSV."""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from nnviz.errors import DataError

from ._messages import _names, _normalize_names
from .limits import MAX_COLUMNS, MAX_CSV_BYTES, MAX_ROWS, MAX_TABLE_COLUMNS


def table_from_arrays(
    X: Any,
    y: Any,
    inputs: Sequence[Any],
    targets: Sequence[Any] | str,
    split: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Arrays → a table with named columns and a split column.

    ``X`` is ``(rows, inputs)``; ``y`` is ``(rows, targets)`` or 1-D for one
    target; ``split`` is one split for every row (default ``"train"``) or one
    per row.
    """
    inputs = _normalize_names(inputs)
    targets = _normalize_names(targets)
    X = np.asarray(X, dtype=np.float64)
    X = X.reshape(-1, 1) if X.ndim == 1 else X
    y = np.asarray(y)
    y = y.reshape(-1, 1) if y.ndim == 1 else y
    if X.ndim != 2 or X.shape[1] != len(inputs):
        raise ValueError(f"X has shape {X.shape}; expected {len(inputs)} column(s) "
                         f"for {_names(inputs)}.")
    if y.ndim != 2 or y.shape[1] != len(targets) or y.shape[0] != X.shape[0]:
        raise ValueError(f"y has shape {y.shape}; expected ({X.shape[0]}, {len(targets)}).")
    if split is None or isinstance(split, str):
        split_values = [split or "train"] * X.shape[0]
    else:
        split_values = [str(s) for s in split]
        if len(split_values) != X.shape[0]:
            raise ValueError(f"split has {len(split_values)} values for {X.shape[0]} rows.")
    columns: dict[Any, Any] = {name: X[:, j] for j, name in enumerate(inputs)}
    columns.update({name: y[:, j] for j, name in enumerate(targets)})
    columns["split"] = split_values
    return pd.DataFrame(columns)


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """A table as UTF-8 CSV bytes (no index column), for a download button."""
    return df.to_csv(index=False).encode("utf-8")


def _read_bytes(file_or_bytes: Any) -> bytes:
    """The raw content of bytes, a path, or a file-like object (e.g. an upload)."""
    if isinstance(file_or_bytes, (bytes, bytearray, memoryview)):
        return bytes(file_or_bytes)
    if isinstance(file_or_bytes, (str, os.PathLike)):
        try:
            with open(file_or_bytes, "rb") as handle:
                return handle.read(MAX_CSV_BYTES + 1)
        except OSError as error:
            raise DataError(f"The file could not be opened: {error.strerror}.") from error
    if hasattr(file_or_bytes, "read"):
        if hasattr(file_or_bytes, "seek"):
            file_or_bytes.seek(0)
        content = file_or_bytes.read(MAX_CSV_BYTES + 1)
        return content.encode("utf-8") if isinstance(content, str) else bytes(content)
    raise TypeError(f"Expected bytes, a path or a file, not {type(file_or_bytes).__name__}.")


def _decode(content: bytes) -> str:
    """CSV bytes → text (UTF-8 with or without BOM, else Windows-1252)."""
    if b"\x00" in content:
        raise DataError("The file is not a text CSV file — save it as CSV (comma-separated) "
                        "and upload it again.")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return content.decode("cp1252")
        except UnicodeDecodeError as error:
            raise DataError("The file is not a text CSV file — save it as CSV (UTF-8) "
                            "and upload it again.") from error


def _parse_csv(text: str) -> pd.DataFrame:
    """CSV text → DataFrame; a one-column result is retried with ``;`` and tab."""
    def read(sep: str) -> pd.DataFrame:
        return pd.read_csv(io.StringIO(text), sep=sep, skipinitialspace=True)

    try:
        df = read(",")
        if df.shape[1] == 1:
            header = text.splitlines()[0] if text else ""
            for sep in (";", "\t"):
                if sep in header:
                    df = read(sep)
                    break
    except pd.errors.EmptyDataError as error:
        raise DataError("The file is empty — a CSV needs a first line with the column "
                        "names.") from error
    except (pd.errors.ParserError, ValueError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else "unknown error"
        raise DataError(f"The file could not be read as CSV: {reason}.") from error
    return df


def read_csv_table(file_or_bytes: Any) -> pd.DataFrame:
    """Read a user's CSV (bytes, a path or a file-like upload) into a table.

    The first line holds the column names. Comma-, semicolon- and
    tab-separated files are read; surrounding spaces in names are dropped.
    Raises :class:`DataError` for an empty, unreadable or too large file.
    """
    content = _read_bytes(file_or_bytes)
    if len(content) > MAX_CSV_BYTES:
        raise DataError(f"The file is larger than {MAX_CSV_BYTES // 1_000_000} MB.")
    if not content.strip():
        raise DataError("The file is empty — a CSV needs a first line with the column names.")
    df = _parse_csv(_decode(content))
    if len(df) > MAX_ROWS:
        raise DataError(f"The file has {len(df)} rows; the limit is {MAX_ROWS} rows.")
    if df.shape[1] > MAX_TABLE_COLUMNS:
        raise DataError(f"The file has {df.shape[1]} columns; the limit is "
                        f"{MAX_TABLE_COLUMNS} ({MAX_COLUMNS} inputs and targets and a "
                        "split column).")
    df.columns = [c.strip() if isinstance(c, str) else c for c in df.columns]
    return df.reset_index(drop=True)
