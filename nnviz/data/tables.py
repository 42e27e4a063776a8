"""Tables in and out: arrays → a table, a table → CSV bytes, and reading a user's CSV."""

from __future__ import annotations

import csv
import io
import math
import os
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from nnviz.errors import DataError

from ..limits import (
    MAX_CELL_BYTES,
    MAX_COLUMNS,
    MAX_CSV_BYTES,
    MAX_LINE_BYTES,
    MAX_ROWS,
    MAX_TABLE_COLUMNS,
)
from ._messages import _col, _names, _normalize_names


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
        raise ValueError(
            f"X has shape {X.shape}; expected {len(inputs)} column(s) for {_names(inputs)}."
        )
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


_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_EXACT_INT = 2**53  # every whole float64 below this in magnitude is an exact integer


def _safe_text(text: str) -> str:
    """Text a spreadsheet program will not run as a formula.

    A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a CR gets a ``'`` in
    front (which spreadsheets show as text), unless it is a plain number such as
    ``-3.5``, ``+2`` or ``-1e-3``, which stays as it is.
    """
    if text.startswith(_FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def _is_whole(value: float) -> bool:
    """A finite whole float that prints as the same integer (not −0.0, not beyond 2⁵³)."""
    return (
        math.isfinite(value)
        and value.is_integer()
        and abs(value) < _EXACT_INT
        and not (value == 0 and math.copysign(1.0, value) < 0)
    )


def _export_cell(value: Any) -> Any:
    """One cell of a text (object) column, as it is written to the CSV."""
    if isinstance(value, str):
        return _safe_text(value)
    if isinstance(value, (float, np.floating)) and _is_whole(float(value)):
        return int(value)
    return value


def _export_column(column: pd.Series) -> pd.Series:
    """A column as it is written: whole floats as integers, text made safe."""
    dtype = column.dtype
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_integer_dtype(dtype):
        return column
    if pd.api.types.is_float_dtype(dtype):
        values = column.to_numpy(dtype=np.float64, na_value=np.nan)
        present = values[~np.isnan(values)]
        # a column of whole numbers turned float by an empty cell or an edit: write 2, not 2.0
        if all(_is_whole(v) for v in present.tolist()):
            return column.astype("Int64")
        return column
    if pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype):
        return column
    return column.astype(object).map(_export_cell, na_action="ignore")


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """A table as UTF-8 CSV bytes (no index column), for a download button.

    Safe to open in a spreadsheet: a cell or column name that would start a formula
    (``=``, ``+``, ``-``, ``@``, tab, CR) gets a leading ``'``; numbers are kept as
    they are (``-3.5``, ``1e-3``). A column whose values are all whole numbers is
    written as integers (``2``, not ``2.0``) even when an empty cell made it float.
    Lines end in CR LF.
    """
    out = df.copy()
    for position in range(df.shape[1]):
        out.isetitem(position, _export_column(df.iloc[:, position]))
    out.columns = [_safe_text(c) if isinstance(c, str) else c for c in df.columns]
    # CR LF line ends (RFC 4180): a cell holding a CR or LF is then quoted, not split
    return out.to_csv(index=False, lineterminator="\r\n").encode("utf-8")


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
        raise DataError(
            "The file is not a text CSV file — save it as CSV (comma-separated) "
            "and upload it again."
        )
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return content.decode("cp1252")
        except UnicodeDecodeError as error:
            raise DataError(
                "The file is not a text CSV file — save it as CSV (UTF-8) and upload it again."
            ) from error


_LINE = re.compile(rb"[^\r\n]+")


def _line_number(content: bytes, position: int) -> int:
    """The 1-based line at byte ``position`` (lines end in LF, CR LF, or CR alone)."""
    breaks = content.count(b"\n", 0, position) or content.count(b"\r", 0, position)
    return breaks + 1


def _check_raw(content: bytes) -> None:
    """Size, line lengths and line count of the raw bytes, before anything is parsed.

    Every line counts as a row except blank ones, so a file that passes has at most
    :data:`MAX_ROWS` rows; the scan stops at the first line over a limit.
    """
    if len(content) > MAX_CSV_BYTES:
        raise DataError(
            f"The file is {len(content):,} bytes; the limit is {MAX_CSV_BYTES:,} bytes "
            f"({MAX_ROWS} rows of {MAX_TABLE_COLUMNS} columns of numbers to six digits) — "
            "leave out rows or columns you do not need, or round the numbers."
        )
    for count, line in enumerate(_LINE.finditer(content), start=1):
        length = line.end() - line.start()
        if length > MAX_LINE_BYTES:
            where = f"Line {_line_number(content, line.start())} of the file is"
            if count == 1:  # the names: say how many, as a separator count (no parsing)
                names = 1 + max(
                    content.count(sep, line.start(), line.end()) for sep in (b",", b";", b"\t")
                )
                where = f"The first line of the file holds {names:,} column names and is"
            raise DataError(
                f"{where} {length:,} characters long; the limit is {MAX_LINE_BYTES:,} "
                f"({MAX_TABLE_COLUMNS} columns of up to {MAX_CELL_BYTES} characters each)."
            )
        if count > MAX_ROWS + 1:  # the first line holds the names
            raise DataError(
                f"The file has more than {MAX_ROWS} rows; the limit is {MAX_ROWS} rows — "
                "upload a sample of them."
            )


def _too_many_columns(n: int) -> str:
    return (
        f"The file has {n} columns; the limit is {MAX_TABLE_COLUMNS} ({MAX_COLUMNS} inputs "
        "and targets and a split column) — leave out the columns the network does not need."
    )


def _first_record(text: str, sep: str) -> list[str]:
    """The fields of the first non-blank line (quotes read as pandas reads them)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, skipinitialspace=True)
    try:
        for record in reader:
            if len(record) > 1 or (record and record[0].strip()):
                return record
    except csv.Error as error:
        raise DataError(f"The file could not be read as CSV: {error}.") from error
    return []


def _header(text: str) -> tuple[str, list[str]]:
    """The separator (``,``, else ``;`` or tab if the first line holds one) and the names.

    Checked here, on the first line alone, before pandas reads the file: at most
    :data:`MAX_TABLE_COLUMNS` names, none of them twice.
    """
    sep, names = ",", _first_record(text, ",")
    if len(names) == 1:
        for other in (";", "\t"):
            if other in names[0]:
                sep, names = other, _first_record(text, other)
                break
    if not names:
        raise DataError("The file is empty — a CSV needs a first line with the column names.")
    if len(names) > MAX_TABLE_COLUMNS:
        raise DataError(_too_many_columns(len(names)))
    seen: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        name = name.strip()
        if name and name in seen:
            raise DataError(
                f"The file has more than one column named {_col(name)} (columns "
                f"{seen[name]} and {position}) — give each column its own name."
            )
        seen.setdefault(name, position)
    return sep, names


def _parse_csv(text: str, sep: str) -> pd.DataFrame:
    """CSV text → DataFrame."""
    try:
        return pd.read_csv(io.StringIO(text), sep=sep, skipinitialspace=True)
    except pd.errors.EmptyDataError as error:
        raise DataError(
            "The file is empty — a CSV needs a first line with the column names."
        ) from error
    except (pd.errors.ParserError, ValueError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else "unknown error"
        raise DataError(f"The file could not be read as CSV: {reason}.") from error


def read_csv_table(file_or_bytes: Any) -> pd.DataFrame:
    """Read a user's CSV (bytes, a path or a file-like upload) into a table.

    The first line holds the column names. Comma-, semicolon- and
    tab-separated files are read; surrounding spaces in names are dropped.
    Raises :class:`DataError` for an empty, unreadable or too large file, and
    for a name used twice. The size, the line lengths, the number of lines and
    the first line's names are checked on the raw text, before it is parsed
    (:mod:`~nnviz.data.limits`), so a hostile file costs little to refuse.
    """
    content = _read_bytes(file_or_bytes)
    _check_raw(content)
    if not content.strip():
        raise DataError("The file is empty — a CSV needs a first line with the column names.")
    text = _decode(content)
    sep, _ = _header(text)
    df = _parse_csv(text, sep)
    if len(df) > MAX_ROWS:
        raise DataError(
            f"The file has {len(df)} rows; the limit is {MAX_ROWS} rows — upload a sample of them."
        )
    if df.shape[1] > MAX_TABLE_COLUMNS:
        raise DataError(_too_many_columns(df.shape[1]))
    df.columns = [c.strip() if isinstance(c, str) else c for c in df.columns]
    return df.reset_index(drop=True)
