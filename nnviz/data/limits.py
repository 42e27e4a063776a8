"""How large a table may be: rows, columns, and the CSV file it is read from."""

from __future__ import annotations

MAX_ROWS = 5000
"""Most rows a table may have (train, test and predict rows together)."""

MAX_COLUMNS = 32
"""Most input plus target columns one network may use."""

MAX_TABLE_COLUMNS = MAX_COLUMNS + 1
"""Most columns an uploaded CSV may have: the used columns plus the split column."""

MAX_CSV_BYTES = 10_000_000
"""Largest CSV file :func:`read_csv_table` reads."""
