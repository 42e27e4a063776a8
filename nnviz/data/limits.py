"""The table's limits, as ``nnviz.data.limits`` (they are declared in :mod:`nnviz.limits`)."""

from ..limits import (
    MAX_CATEGORIES,
    MAX_CELL_BYTES,
    MAX_CLASS_CODES,
    MAX_COLUMNS,
    MAX_CSV_BYTES,
    MAX_INPUTS,
    MAX_LINE_BYTES,
    MAX_OUTPUTS,
    MAX_ROWS,
    MAX_TABLE_COLUMNS,
    MEAN_CELL_BYTES,
)

__all__ = [
    "MAX_CATEGORIES",
    "MAX_CELL_BYTES",
    "MAX_CLASS_CODES",
    "MAX_COLUMNS",
    "MAX_CSV_BYTES",
    "MAX_INPUTS",
    "MAX_LINE_BYTES",
    "MAX_OUTPUTS",
    "MAX_ROWS",
    "MAX_TABLE_COLUMNS",
    "MEAN_CELL_BYTES",
]
