"""The standalone script's own code, as templates that :mod:`nnviz.export.script` fills
in: the file's frame (header, rows, scaling, weights, forward pass), the activations
spelled out, the derived features, the encoding of text cells, the predict functions of
the three kinds of output, and the CSV reader and main part run as a script.
"""

from __future__ import annotations

from string import Template

_SCRIPT_ACTIVATIONS = {
    "sigmoid": '''def sigmoid(z):
    """1 / (1 + e^-z). For z < -709, e^-z overflows to inf and the result is exactly 0."""
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-z))''',
    "tanh": """def tanh(z):
    return np.tanh(z)""",
    "relu": '''def relu(z):
    """max(0, z)"""
    return np.maximum(z, 0.0)''',
    "leaky_relu": '''def leaky_relu(z):
    """z where z > 0, else 0.01 * z"""
    return np.maximum(z, 0.01 * z)''',
    "linear": """def linear(z):
    return z""",
    "softmax": '''def softmax(z):
    """Each row turned into probabilities that add up to 1.
    Subtracting the row's maximum first keeps np.exp from overflowing."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)''',
}


_TEMPLATE = Template('''\
#!/usr/bin/env python3
# A trained neural network, exported from nnviz.
#
$header
#
# Run it:
#   python this_file.py            predicts the rows in ROWS below
#   python this_file.py data.csv   predicts every row of a CSV file: the input columns
#                                  by name if a header row names them, else the first
#                                  $n_columns
# Or import it and call predict(rows). It needs only NumPy.

import csv
import sys

import numpy as np

$names

# The rows to predict when no CSV file is given: one list of inputs per row,
# in your units.
$rows


$encoding$features# ---------------------------------------------------------------- scaling
$scaling


# ---------------------------------------------------------------- weights
$weights


# ---------------------------------------------------------------- activations
$activations


# ---------------------------------------------------------------- forward pass
def forward(x):
    """Scaled inputs (one row per example) -> the network's outputs, layer by layer."""
    a = x
$layers
    return a


$as_rows

$predict


$main''')
"""The script; each ``$name`` is filled in by a helper of :mod:`nnviz.export.script` (values
are never re-read)."""

_FEATURES = Template('''\
# ---------------------------------------------------------------- features
# The network also sees these columns, computed from the inputs in your units
# ($columns):
FEATURES = $names


def add_features(x):
    """Rows of inputs -> the same rows with one more column per feature, in FEATURES order."""
    with np.errstate(all="ignore"):
        columns = [
$code
        ]
    f = np.column_stack([np.broadcast_to(c, x.shape[:1]) for c in columns])
    bad = np.argwhere(~np.isfinite(f))
    if bad.size:
        row, k = bad[0]
        raise ValueError(f"row {row + 1}: feature {FEATURES[k]!r} is {f[row, k]}, "
                         "not a finite number")
    return np.hstack([x, f])


''')

_AS_ROWS = """def _as_rows(rows):
    x = np.atleast_2d(np.asarray(rows, dtype=float))
    if x.ndim != 2 or x.shape[1] != len(INPUTS):
        raise ValueError(f"each row needs {len(INPUTS)} numbers: {INPUTS}")
    return x
"""

_ENCODING = Template('''\
# ---------------------------------------------------------------- encoding
# A text column gives the network one input per value: 1 for the row's value and 0
# for the others. The network's inputs, in order: $nodes.
CATEGORIES = $categories

# The value an empty cell takes, one per network input above (each input's mean over
# the training rows); None: an empty cell is an error.
FILL = $fill


def _text(cell):
    """A cell as the text of a category: "3" for 3.0, without surrounding spaces."""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return str(cell).strip()


def _is_empty(cell):
    return cell is None or (isinstance(cell, float) and cell != cell) or _text(cell) == ""


def _encode_cell(name, cell):
    """One cell -> its input(s): a number, or one 0/1 per value of a text column."""
    values = CATEGORIES.get(name)
    if _is_empty(cell):
        if FILL is None:
            raise ValueError(f"{name!r} is empty")
        return [float("nan")] * (len(values) if values is not None else 1)
    if values is not None:
        if _text(cell) not in values:
            raise ValueError(f"{cell!r} is not one of the values of {name!r}: {values}")
        return [1.0 if value == _text(cell) else 0.0 for value in values]
    try:
        number = float(cell)
    except (TypeError, ValueError):
        raise ValueError(f"{cell!r} is not a number ({name!r})") from None
    if not np.isfinite(number):
        raise ValueError(f"{cell!r} is not a finite number ({name!r})")
    return [number]


def encode_row(row):
    """One row of cells in your units -> the network's inputs before scaling."""
    if len(row) != len(INPUTS):
        raise ValueError(f"each row needs {len(INPUTS)} cells: {INPUTS}")
    return [value for name, cell in zip(INPUTS, row) for value in _encode_cell(name, cell)]


def encode(rows):
    """Rows of cells in your units (text in a text column; None or "" for an empty
    cell) -> the network's inputs before scaling: a text column one-hot, gaps filled."""
    out = []
    for number, row in enumerate(rows, start=1):
        try:
            out.append(encode_row(list(row)))
        except ValueError as e:
            raise ValueError(f"row {number}: {e}") from None
    x = np.array(out, dtype=float).reshape(len(out), -1)
    if FILL is not None:
        x = np.where(np.isnan(x), np.array(FILL), x)
    return x


''')

_PREDICT = Template('''\
def predict(rows):
    """Rows of inputs in your units -> predictions in your units, one row per row."""
$rows_to_x
    return forward($x)$back''')

_PREDICT_SOFTMAX = Template('''\
def probabilities(rows):
    """Rows of inputs in your units -> the probability of each class.

    One column per class, in the order of CLASSES."""
$rows_to_x
    return forward($x)


def predict(rows):
    """Rows of inputs in your units -> the most likely class of each row."""
    return [CLASSES[k] for k in probabilities(rows).argmax(axis=1)]''')


_PREDICT_BINARY = Template('''\
def probabilities(rows):
    """Rows of inputs in your units -> the network's output for each row: $meaning."""
$rows_to_x
    return forward($x)[:, 0]


def predict(rows):
    """Rows of inputs in your units -> the more likely class of each row."""
    return [CLASSES[int(p > MIDPOINT)] for p in probabilities(rows)]''')


_SCRIPT_READ_CSV = '''def read_csv(path):
    """The input columns of a CSV file as rows of $what (a header row is optional)."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        text = f.read()
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\\t")
    except csv.Error:
        dialect = csv.excel
    lines = [(number, row) for number, row in
             enumerate(csv.reader(text.splitlines(), dialect), start=1)
             if any(cell.strip() for cell in row)]
    if not lines:
        sys.exit(f"{path} has no rows.")
    columns = list(range(len(INPUTS)))
    header = [cell.strip() for cell in lines[0][1]]
    if all(str(name) in header for name in INPUTS) or not _is_row(header[:len(INPUTS)]):
        lines = lines[1:]
        if all(str(name) in header for name in INPUTS):
            columns = [header.index(str(name)) for name in INPUTS]
    rows = []
    for number, row in lines:
        if len(row) <= max(columns):
            sys.exit(f"{path}, line {number}: expected {len(INPUTS)} inputs, found {len(row)}.")
        cells = [row[c].strip() for c in columns]
$convert
    return rows


def _is_number(text):
    try:
        return bool(np.isfinite(float(text)))
    except ValueError:
        return False


$is_row


def _show(cell):
    """A cell or a prediction as printed: a number in full, else the text."""
    try:
        return repr(float(cell))
    except (TypeError, ValueError):
        return str(cell)


def print_table(header, body):
    widths = [max(len(r[i]) for r in [header] + body) for i in range(len(header))]
    for r in [header, ["-" * w for w in widths]] + body:
        print(" | ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip())


def _rows_to_predict():
    rows = read_csv(sys.argv[1]) if len(sys.argv) > 1 else ROWS
    if not rows:
        sys.exit("No rows to predict: add some to ROWS at the top of this file, "
                 f"or run: python {sys.argv[0]} data.csv")
    return rows
'''

_CONVERT_NUMBERS = """        bad = [cell for cell in cells if not _is_number(cell)]
        if bad:
            sys.exit(f"{path}, line {number}: {bad[0]!r} is not a number.")
        rows.append([float(cell) for cell in cells])"""

_IS_ROW_NUMBERS = '''def _is_row(cells):
    """A line of data rather than a header: every cell a number."""
    return all(_is_number(cell) for cell in cells)'''

_CONVERT_CELLS = """        try:
            encode_row(cells)
        except ValueError as e:
            sys.exit(f"{path}, line {number}: {e}.")
        rows.append(cells)"""

_IS_ROW_CELLS = '''def _is_row(cells):
    """A line of data rather than a header: its cells can be encoded."""
    try:
        encode_row(cells)
    except ValueError:
        return False
    return True'''

_MAIN_NUMBERS = """

if __name__ == "__main__":
    rows = _rows_to_predict()
    header = [str(name) for name in INPUTS] + [f"{name} (predicted)" for name in OUTPUTS]
    body = [[_show(v) for v in row] + [repr(float(v)) for v in prediction]
            for row, prediction in zip(rows, predict(rows))]
    print_table(header, body)
"""

_MAIN_SOFTMAX = """

if __name__ == "__main__":
    rows = _rows_to_predict()
    p = probabilities(rows)
    header = ([str(name) for name in INPUTS] + [f"{TARGET} (predicted)"]
              + [f"P({c})" for c in CLASSES])
    body = [[_show(v) for v in row] + [str(label)] + [repr(float(v)) for v in probs]
            for row, label, probs in zip(rows, predict(rows), p)]
    print_table(header, body)
"""

_MAIN_BINARY = """

if __name__ == "__main__":
    rows = _rows_to_predict()
    header = [str(name) for name in INPUTS] + [f"{TARGET} (predicted)", "output"]
    body = [[_show(v) for v in row] + [str(label), repr(float(out))]
            for row, label, out in zip(rows, predict(rows), probabilities(rows))]
    print_table(header, body)
"""


def _script_main(softmax: bool, binary: bool, encoded: bool) -> str:
    """The CSV reader (of numbers, or of cells to encode) and the part run as a script."""
    reader = Template(_SCRIPT_READ_CSV).substitute(
        what="cells" if encoded else "numbers",
        convert=_CONVERT_CELLS if encoded else _CONVERT_NUMBERS,
        is_row=_IS_ROW_CELLS if encoded else _IS_ROW_NUMBERS,
    )
    main = _MAIN_SOFTMAX if softmax else _MAIN_BINARY if binary else _MAIN_NUMBERS
    return reader + main
