"""How large nnviz's networks and tables may be, declared once for every layer.

The app's widgets, the settings' checks, the data's checks, the model files' checks
and a link's budget all read their limits here. This module imports nothing (no
NumPy, no pandas), so the lowest layer can use it.

The network: at most :data:`MAX_HIDDEN_LAYERS` hidden layers of :data:`MAX_NEURONS`
neurons, :data:`MAX_COLUMNS` inputs and :data:`MAX_OUTPUTS` outputs. The table: at
most :data:`MAX_ROWS` rows and :data:`MAX_TABLE_COLUMNS` columns. The raw-text bounds
follow from the table limits, so a file or a link's table can be refused from its
size, its line lengths and its first line alone, before it is parsed: nothing a table
nnviz accepts can need is refused, and nothing bigger is read.
"""

from __future__ import annotations

MAX_HIDDEN_LAYERS = 6
"""Most hidden layers a network may have."""

MAX_NEURONS = 16
"""Most neurons a hidden layer may have."""

MAX_ROWS = 5000
"""Most rows a table may have (train, test and predict rows together)."""

MAX_COLUMNS = 32
"""Most input plus target columns one network may use."""

MAX_OUTPUTS = MAX_COLUMNS
"""Most outputs a network may have: its target columns, or a softmax target's classes."""

MAX_TABLE_COLUMNS = MAX_COLUMNS + 1
"""Most columns an uploaded CSV may have: the used columns plus the split column."""

MAX_CELL_BYTES = 64
"""Room for one cell or column name in a CSV line, in bytes.

A float64 written in full takes 24 (``-2.2250738585072014e-308``); the rest is room
for names, class labels and the split (``predict``). One cell may be longer when
others in its line are shorter: only the whole line is bounded.
"""

MAX_LINE_BYTES = MAX_TABLE_COLUMNS * (MAX_CELL_BYTES + 3)
"""Longest line of a CSV (2211 bytes): every column's cell quoted ("…") and a separator."""

MAX_CSV_BYTES = (MAX_ROWS + 1) * (MAX_LINE_BYTES + 2)
"""Largest CSV :func:`~nnviz.data.read_csv_table` reads (11,067,213 bytes): the first line and
:data:`MAX_ROWS` rows, each of :data:`MAX_LINE_BYTES` and a CR LF line break."""
