""":func:`standalone_script`: a NumPy-only Python file that rebuilds a trained network.

The script holds the weights as literal lists, spells out the activations and
the forward pass, and prints predictions in the user's units for its own rows
or for a CSV file.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..network import Network
from ._validate import _plain, _scaler_dict

_SCRIPT_ACTIVATIONS = {
    "sigmoid": '''def sigmoid(z):
    """1 / (1 + e^-z). For z < -709, e^-z overflows to inf and the result is exactly 0."""
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-z))''',
    "tanh": '''def tanh(z):
    return np.tanh(z)''',
    "relu": '''def relu(z):
    """max(0, z)"""
    return np.maximum(z, 0.0)''',
    "leaky_relu": '''def leaky_relu(z):
    """z where z > 0, else 0.01 * z"""
    return np.maximum(z, 0.01 * z)''',
    "linear": '''def linear(z):
    return z''',
    "softmax": '''def softmax(z):
    """Each row turned into probabilities that add up to 1.
    Subtracting the row's maximum first keeps np.exp from overflowing."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)''',
}


def _comment(text: Any) -> str:
    """``text`` safe inside a ``#`` comment: no line breaks or control characters."""
    return "".join(c if c.isprintable() else " " for c in str(text))


def _float_list(values) -> str:
    return "[" + ", ".join(repr(float(v)) for v in values) + "]"


def _matrix_literal(name: str, W: np.ndarray) -> str:
    rows = "\n".join(f"    {_float_list(row)}," for row in W)
    return f"{name} = np.array([\n{rows}\n])"


def _names_literal(names: list) -> str:
    return "[" + ", ".join(repr(n) for n in names) + "]"


def standalone_script(
    network: Network,
    *,
    scaler: Any = None,
    inputs: list | None = None,
    targets: list | None = None,
    rows: list | None = None,
    classes: list | None = None,
    iteration: int | None = None,
) -> str:
    """A Python script (NumPy only) that rebuilds this trained network and predicts with it.

    The weights are written as literal lists with every digit (``repr``), the
    activations and the forward pass ``a = f(a @ W + b)`` are spelled out, and
    ``scaler`` (a :class:`nnviz.data.Scaler` or its ``to_dict()``) gives the input
    scaling and the target un-scaling. Run, the script prints a table of ``rows``
    (inputs in the user's units) with their predictions in the user's units — the
    class name for a softmax output — or, given a CSV path as its first
    argument, of that file's rows. ``iteration`` goes into the header comment.
    """
    sizes = list(network.layer_sizes)
    n_in, n_out, L = sizes[0], sizes[-1], len(sizes) - 1
    softmax = network.output_activation == "softmax"
    scaling = _scaler_dict(scaler)
    if scaling is not None:
        for key, width in (("offset", n_in), ("divisor", n_in),
                           ("target_offset", n_out), ("target_divisor", n_out)):
            if len(scaling.get(key, [])) != width:
                raise ValueError(f"The scaler's {key} has {len(scaling.get(key, []))} values; "
                                 f"the network has {width}.")

    def names(value, key, default):
        if value is None and scaling is not None:
            value = scaling.get(key) or None
        value = default if value is None else [_plain(v, key) for v in value]
        return value

    inputs = names(inputs, "inputs", [f"x{i + 1}" for i in range(n_in)])
    if softmax:
        targets = names(targets, "targets", ["class"])[:1]
        classes = names(classes, "classes", list(range(n_out)))
        if len(classes) != n_out:
            raise ValueError(f"{len(classes)} class names for {n_out} outputs.")
    else:
        targets = names(targets, "targets", [f"y{i + 1}" for i in range(n_out)])
        if len(targets) != n_out:
            raise ValueError(f"{len(targets)} target names for {n_out} outputs.")
    if len(inputs) != n_in:
        raise ValueError(f"{len(inputs)} input names for {n_in} inputs.")
    rows_arr = None
    if rows is not None and len(rows):
        rows_arr = np.atleast_2d(np.asarray(rows, dtype=np.float64))
        if rows_arr.ndim != 2 or rows_arr.shape[1] != n_in:
            raise ValueError(f"Each row to predict needs {n_in} numbers (one per input); "
                             f"got an array of shape {rows_arr.shape}.")
        if not np.all(np.isfinite(rows_arr)):
            raise ValueError("The rows to predict must be finite numbers.")
    for W in network.weights:
        if not np.all(np.isfinite(W)):
            raise ValueError("The network has non-finite weights; it cannot be exported.")

    acts = [network.activation] * (L - 1) + [network.output_activation]
    hidden = sizes[1:-1]
    hidden_text = (
        "no hidden layer" if not hidden
        else f"{len(hidden)} hidden layer{'s' if len(hidden) > 1 else ''} of "
             f"{', '.join(map(str, hidden))} neurons"
    )
    scaled_note = (f"inputs by {_comment(scaling['method'])!r}, targets by "
                   f"{_comment(scaling['target_method'])!r}") if scaling else "none"
    out = []
    add = out.append
    add("#!/usr/bin/env python3")
    add("# A trained neural network, exported from nnviz.")
    add("#")
    add(f"# Network:     {' -> '.join(map(str, sizes))}  ({n_in} input{'s' * (n_in > 1)}, "
        f"{hidden_text}, {n_out} output{'s' * (n_out > 1)})")
    add(f"# Activations: {network.activation} in the hidden layers, "
        f"{network.output_activation} at the output" if hidden else
        f"# Activation:  {network.output_activation} at the output")
    add(f"# Biases:      {'yes' if network.bias else 'no'}")
    if iteration is not None:
        add(f"# Trained for: {int(iteration)} iterations")
    add(f"# Inputs:      {_comment(', '.join(map(str, inputs)))}")
    if softmax:
        add(f"# Predicts:    {_comment(targets[0])}, one of: "
            f"{_comment(', '.join(map(str, classes)))}")
    else:
        add(f"# Predicts:    {_comment(', '.join(map(str, targets)))}")
    add(f"# Scaling:     {scaled_note}")
    add("#")
    add("# Run it:")
    add("#   python this_file.py            predicts the rows in ROWS below")
    add("#   python this_file.py data.csv   predicts every row of a CSV file: the input columns")
    add("#                                  by name if a header row names them, else the first")
    add(f"#                                  {n_in} column{'s' * (n_in > 1)}")
    add("# Or import it and call predict(rows). It needs only NumPy.")
    add("")
    add("import csv")
    add("import sys")
    add("")
    add("import numpy as np")
    add("")
    add(f"INPUTS = {_names_literal(inputs)}")
    if softmax:
        add(f"TARGET = {targets[0]!r}")
        add(f"CLASSES = {_names_literal(classes)}  # one per output neuron, in order")
    else:
        add(f"OUTPUTS = {_names_literal(targets)}")
    add("")
    add("# The rows to predict when no CSV file is given: one list of inputs per row,")
    add("# in your units.")
    if rows_arr is None:
        add("ROWS = []")
    else:
        add("ROWS = [")
        for r in rows_arr:
            add(f"    {_float_list(r)},")
        add("]")
    add("")
    add("")
    add("# ---------------------------------------------------------------- scaling")
    if scaling is not None:
        add("# The network saw each input as (x - INPUT_OFFSET) / INPUT_DIVISOR")
        add(f"# (scaling {_comment(scaling['method'])!r}, fitted on the training rows).")
        add(f"INPUT_OFFSET = np.array({_float_list(scaling['offset'])})")
        add(f"INPUT_DIVISOR = np.array({_float_list(scaling['divisor'])})")
        if not softmax:
            add("# Its outputs go back to your units as output * TARGET_DIVISOR + TARGET_OFFSET")
            add(f"# (target scaling {_comment(scaling['target_method'])!r}).")
            add(f"TARGET_OFFSET = np.array({_float_list(scaling['target_offset'])})")
            add(f"TARGET_DIVISOR = np.array({_float_list(scaling['target_divisor'])})")
    else:
        add("# None: the network sees the inputs as they are and its outputs are the predictions.")
    add("")
    add("")
    add("# ---------------------------------------------------------------- weights")
    for l in range(1, L + 1):
        src = "input i" if l == 1 else f"neuron i of layer {l - 1}"
        role = "output layer" if l == L else "hidden layer"
        add(f"# Layer {l} ({role}): {sizes[l - 1]} -> {sizes[l]}, {acts[l - 1]}.")
        add(f"# W{l}[i, j] is the weight from {src} to neuron j"
            + (f"; b{l}[j] is the bias of neuron j." if network.bias else "."))
        add(_matrix_literal(f"W{l}", network.weights[l - 1]))
        if network.bias:
            add(f"b{l} = np.array({_float_list(network.biases[l - 1])})")
        add("")
    add("")
    add("# ---------------------------------------------------------------- activations")
    for name in dict.fromkeys(acts):
        add(_SCRIPT_ACTIVATIONS[name])
        add("")
        add("")
    add("# ---------------------------------------------------------------- forward pass")
    add("def forward(x):")
    add('    """Scaled inputs (one row per example) -> the network\'s outputs, layer by layer."""')
    add("    a = x")
    for l in range(1, L + 1):
        b = f" + b{l}" if network.bias else ""
        add(f"    a = {acts[l - 1]}(a @ W{l}{b})  # layer {l}")
    add("    return a")
    add("")
    add("")
    add("def _as_rows(rows):")
    add("    x = np.atleast_2d(np.asarray(rows, dtype=float))")
    add("    if x.ndim != 2 or x.shape[1] != len(INPUTS):")
    add('        raise ValueError(f"each row needs {len(INPUTS)} numbers: {INPUTS}")')
    add("    return x")
    add("")
    add("")
    scale_x = "(x - INPUT_OFFSET) / INPUT_DIVISOR" if scaling is not None else "x"
    if softmax:
        add("def probabilities(rows):")
        add('    """Rows of inputs in your units -> the probability of each class.')
        add("")
        add('    One column per class, in the order of CLASSES."""')
        add("    x = _as_rows(rows)")
        add(f"    return forward({scale_x})")
        add("")
        add("")
        add("def predict(rows):")
        add('    """Rows of inputs in your units -> the most likely class of each row."""')
        add("    return [CLASSES[k] for k in probabilities(rows).argmax(axis=1)]")
    else:
        add("def predict(rows):")
        add('    """Rows of inputs in your units -> predictions in your units, one row per row."""')
        add("    x = _as_rows(rows)")
        if scaling is not None:
            add(f"    return forward({scale_x}) * TARGET_DIVISOR + TARGET_OFFSET")
        else:
            add("    return forward(x)")
    add("")
    add("")
    add(_SCRIPT_MAIN_SOFTMAX if softmax else _SCRIPT_MAIN)
    return "\n".join(out)


_SCRIPT_READ_CSV = '''def read_csv(path):
    """The input columns of a CSV file as rows of numbers (a header row is optional)."""
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
    if not all(_is_number(cell) for cell in header):
        lines = lines[1:]
        if all(str(name) in header for name in INPUTS):
            columns = [header.index(str(name)) for name in INPUTS]
    rows = []
    for number, row in lines:
        if len(row) <= max(columns):
            sys.exit(f"{path}, line {number}: expected {len(INPUTS)} inputs, found {len(row)}.")
        cells = [row[c].strip() for c in columns]
        bad = [cell for cell in cells if not _is_number(cell)]
        if bad:
            sys.exit(f"{path}, line {number}: {bad[0]!r} is not a number.")
        rows.append([float(cell) for cell in cells])
    return rows


def _is_number(text):
    try:
        return bool(np.isfinite(float(text)))
    except ValueError:
        return False


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

_SCRIPT_MAIN = _SCRIPT_READ_CSV + '''

if __name__ == "__main__":
    rows = _rows_to_predict()
    header = [str(name) for name in INPUTS] + [f"{name} (predicted)" for name in OUTPUTS]
    body = [[repr(float(v)) for v in row] + [repr(float(v)) for v in prediction]
            for row, prediction in zip(rows, predict(rows))]
    print_table(header, body)
'''

_SCRIPT_MAIN_SOFTMAX = _SCRIPT_READ_CSV + '''

if __name__ == "__main__":
    rows = _rows_to_predict()
    p = probabilities(rows)
    header = ([str(name) for name in INPUTS] + [f"{TARGET} (predicted)"]
              + [f"P({c})" for c in CLASSES])
    body = [[repr(float(v)) for v in row] + [str(label)] + [repr(float(v)) for v in probs]
            for row, label, probs in zip(rows, predict(rows), p)]
    print_table(header, body)
'''
