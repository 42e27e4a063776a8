"""The table's limits, as ``nnviz.data.limits`` (they are declared in :mod:`nnviz.limits`)."""

from ..limits import (
    MAX_CELL_BYTES,
    MAX_COLUMNS,
    MAX_CSV_BYTES,
    MAX_LINE_BYTES,
    MAX_OUTPUTS,
    MAX_ROWS,
    MAX_TABLE_COLUMNS,
)

__all__ = [
    "MAX_CELL_BYTES",
    "MAX_COLUMNS",
    "MAX_CSV_BYTES",
    "MAX_LINE_BYTES",
    "MAX_OUTPUTS",
    "MAX_ROWS",
    "MAX_TABLE_COLUMNS",
]
