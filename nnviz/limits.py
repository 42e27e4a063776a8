"""How large nnviz's networks and tables may be, declared once for every layer.

The app's widgets, the settings' checks, the data's checks, the model files' checks
and a link's budget all read their limits here. This module imports nothing (no
NumPy, no pandas), so the lowest layer can use it.

The network: at most :data:`MAX_HIDDEN_LAYERS` hidden layers of :data:`MAX_NEURONS`
neurons, :data:`MAX_INPUTS` inputs and :data:`MAX_OUTPUTS` outputs. The table: at
most :data:`MAX_ROWS` rows and :data:`MAX_TABLE_COLUMNS` columns. The raw-text bounds
follow from the table limits, so a file or a link's table can be refused from its
size, its line lengths and its first line alone, before it is parsed: a line holds at
most :data:`MAX_TABLE_COLUMNS` cells of :data:`MAX_CELL_BYTES` each, and the whole file
at most :data:`MAX_ROWS` lines whose cells average :data:`MEAN_CELL_BYTES`. The largest
table nnviz takes, written as numbers to six significant digits, fits; so does a
smaller one with longer cells.
"""

from __future__ import annotations

MAX_HIDDEN_LAYERS = 6
"""Most hidden layers a network may have."""

MAX_NEURONS = 16
"""Most neurons a hidden layer may have."""

MAX_FEATURE_LENGTH = 200
"""Most characters in one derived feature's expression (:mod:`nnviz.data.features`)."""

MAX_ROWS = 20_000
"""Most rows a table may have (train, test and predict rows together)."""

MAX_INPUTS = 64
"""Most inputs a network may have: its input columns (a text column gives one per value)
and its derived features. 64 is an 8×8-pixel image per row."""

MAX_OUTPUTS = 32
"""Most outputs a network may have: its target columns, or a class column's classes."""

MAX_COLUMNS = MAX_INPUTS + 1
"""Most input plus target columns one network may use (64 inputs and a target)."""

MAX_TABLE_COLUMNS = MAX_COLUMNS + 1
"""Most columns an uploaded CSV may have: the used columns plus the split column."""

MAX_CATEGORIES = 12
"""Most distinct values a text input column may have to be one-hot encoded (one input
per value, like the twelve months); a column with more is left out of the inputs."""

MAX_CLASS_CODES = 20
"""Most distinct whole numbers a target column may hold to be read as class codes."""

MAX_CELL_BYTES = 64
"""Room for one cell or column name in a CSV line, in bytes; also the longest value a
text input column's categories may have.

A float64 written in full takes 24 (``-2.2250738585072014e-308``); the rest is room
for names, class labels and the split (``predict``). One cell may be longer when
others in its line are shorter: only the whole line is bounded.
"""

MAX_LINE_BYTES = MAX_TABLE_COLUMNS * (MAX_CELL_BYTES + 3)
"""Longest line of a CSV (4422 bytes): every column's cell quoted ("…") and a separator."""

MEAN_CELL_BYTES = 9
"""The room a cell takes on average in the largest table nnviz reads: a number to six
significant digits (``-0.123456``, ``1.23457e-05``) or a short name, and its separator."""

MAX_CSV_BYTES = (MAX_ROWS + 1) * (MAX_TABLE_COLUMNS * MEAN_CELL_BYTES + 2)
"""Largest CSV :func:`read_csv_table` reads, and a link's table unpacks to (11,920,596
bytes, under the 12 MB upload limit): the first line and :data:`MAX_ROWS` rows of
:data:`MAX_TABLE_COLUMNS` cells of :data:`MEAN_CELL_BYTES` on average, each line ending
in CR LF. It does not grow with the room one cell may take (``MAX_ROWS × MAX_LINE_BYTES``
would be 88 MB)."""
