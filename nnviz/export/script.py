""":func:`standalone_script`: a NumPy-only Python file that rebuilds a trained network.

The script holds the weights as literal lists, spells out the activations and
the forward pass, and prints predictions in the user's units for its own rows
or for a CSV file. Its own code is in :mod:`nnviz.export.script_text`, as templates
that the helpers here fill in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..activations import get_activation
from ..network import Network
from ._validate import _plain, _scaler_dict
from .script_text import (
    _AS_ROWS,
    _ENCODING,
    _FEATURES,
    _PREDICT,
    _PREDICT_BINARY,
    _PREDICT_SOFTMAX,
    _SCRIPT_ACTIVATIONS,
    _TEMPLATE,
    _script_main,
)


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


def _count(n: int, word: str) -> str:
    """``1 input``, ``2 inputs``."""
    return f"{n} {word}{'s' * (n > 1)}"


def _header(
    network: Network,
    inputs: list,
    targets: list,
    classes: list | None,
    features: list,
    scaling: dict | None,
    iteration: int | None,
) -> str:
    """The comment lines that say what the network is, what it reads and predicts."""
    sizes = list(network.layer_sizes)
    hidden = sizes[1:-1]
    hidden_text = (
        "no hidden layer"
        if not hidden
        else f"{len(hidden)} hidden layer{'s' if len(hidden) > 1 else ''} of "
        f"{', '.join(map(str, hidden))} neurons"
    )
    lines = [
        f"# Network:     {' -> '.join(map(str, sizes))}  ({_count(sizes[0], 'input')}, "
        f"{hidden_text}, {_count(sizes[-1], 'output')})",
        f"# Activations: {network.activation} in the hidden layers, "
        f"{network.output_activation} at the output"
        if hidden
        else f"# Activation:  {network.output_activation} at the output",
        f"# Biases:      {'yes' if network.bias else 'no'}",
    ]
    if iteration is not None:
        lines.append(f"# Trained for: {int(iteration)} iterations")
    lines.append(f"# Inputs:      {_comment(', '.join(map(str, inputs)))}")
    if features:
        lines.append(f"# Features:    {_comment(', '.join(features))} (computed from the inputs)")
    if classes is not None:
        lines.append(
            f"# Predicts:    {_comment(targets[0])}, one of: "
            f"{_comment(', '.join(map(str, classes)))}"
        )
    else:
        lines.append(f"# Predicts:    {_comment(', '.join(map(str, targets)))}")
    scaled = (
        (
            f"inputs by {_comment(scaling['method'])!r}, targets by "
            f"{_comment(scaling['target_method'])!r}"
        )
        if scaling
        else "none"
    )
    lines.append(f"# Scaling:     {scaled}")
    return "\n".join(lines)


def _names_block(
    inputs: list, targets: list, classes: list | None, midpoint: float | None = None
) -> str:
    """INPUTS, and OUTPUTS (or TARGET and CLASSES for a class column: one per output
    neuron of a softmax output; for one output, its low and its high end)."""
    lines = [f"INPUTS = {_names_literal(inputs)}"]
    if classes is None:
        lines.append(f"OUTPUTS = {_names_literal(targets)}")
    elif midpoint is None:
        lines.append(f"TARGET = {targets[0]!r}")
        lines.append(f"CLASSES = {_names_literal(classes)}  # one per output neuron, in order")
    else:
        lines.append(f"TARGET = {targets[0]!r}")
        lines.append(
            f"CLASSES = {_names_literal(classes)}  # the output's low end, then its high end"
        )
        lines.append(f"MIDPOINT = {float(midpoint)!r}  # above it: the second class")
    return "\n".join(lines)


def _cell_literal(cell: Any) -> str:
    """A cell of an example row as a Python literal: a number, a text, or None."""
    if cell is None:
        return "None"
    if isinstance(cell, str):
        return repr(cell)
    return repr(float(cell))


def _rows_block(rows: np.ndarray | list | None) -> str:
    if rows is None:
        return "ROWS = []"
    if isinstance(rows, np.ndarray):
        return "ROWS = [\n" + "".join(f"    {_float_list(r)},\n" for r in rows) + "]"
    lines = "".join("    [" + ", ".join(_cell_literal(c) for c in r) + "],\n" for r in rows)
    return "ROWS = [\n" + lines + "]"


def _features_block(features: list, inputs: list, positions: list[int] | None = None) -> str:
    """FEATURES and ``add_features``, written from each feature's checked expression.

    ``positions[j]``: where raw input ``j`` is among the encoded inputs (a text column
    takes one per value), when they are encoded."""
    if not features:
        return ""
    where = positions or list(range(len(inputs)))
    code = "\n".join(
        f"            {f.numpy_source(lambda j: f'x[:, {where[j]}]')},  # {_comment(f.expression)}"
        for f in features
    )
    used = sorted({j for f in features for j in f.used})
    columns = ", ".join(f"x[:, {where[j]}] is {_comment(inputs[j])}" for j in used)
    return _FEATURES.substitute(
        columns=columns, code=code, names=_names_literal([f.expression for f in features])
    )


@dataclass(frozen=True)
class _Encoding:
    """A scaler's text columns and gap fill, as the script needs them."""

    columns: list  # the table's input columns
    categories: dict  # a text column → its values
    fill: list | None  # per encoded input: an empty cell's value
    nodes: list  # the encoded inputs' names

    def positions(self) -> list[int]:
        """Where each column's (first) input is among the encoded inputs."""
        out, k = [], 0
        for column in self.columns:
            out.append(k)
            k += len(self.categories.get(column, [None]))
        return out

    def block(self) -> str:
        pairs = ", ".join(
            f"{_plain(c, 'a column name')!r}: {_names_literal(v)}"
            for c, v in self.categories.items()
        )
        return _ENCODING.substitute(
            nodes=_comment(", ".join(map(str, self.nodes))),
            categories="{" + pairs + "}",
            fill="None" if self.fill is None else _float_list(self.fill),
        )


def _encoding(scaling: dict | None, n_in: int, n_features: int) -> _Encoding | None:
    """The scaler's encoding (text columns one-hot, gaps filled), if it has one."""
    if not scaling or not (scaling.get("categories") or scaling.get("fill") is not None):
        return None
    categories = {
        _plain(c, "a column name"): [str(v) for v in values]
        for c, values in (scaling.get("categories") or [])
    }
    names = list(scaling.get("inputs") or [])
    n_encoded = n_in - n_features
    columns = list(scaling.get("columns") or names[:n_encoded])
    nodes = [
        n
        for c in columns
        for n in ([f"{c}={v}" for v in categories[c]] if c in categories else [c])
    ]
    if len(nodes) != n_encoded:
        raise ValueError(
            f"The scaler's columns give {len(nodes)} inputs; the network has {n_encoded} "
            "before its features."
        )
    fill = scaling.get("fill")
    if fill is not None and len(fill) != n_encoded:
        raise ValueError(f"The scaler fills {len(fill)} inputs; the network has {n_encoded}.")
    return _Encoding(columns, categories, fill, nodes)


def _scaling_block(scaling: dict | None, softmax: bool, features: bool) -> str:
    if scaling is None:
        return (
            "# None: the network sees the inputs as they are and its outputs are the predictions."
        )
    lines = [
        "# The network saw each input"
        + (", the features last," if features else "")
        + " as (x - INPUT_OFFSET) / INPUT_DIVISOR",
        f"# (scaling {_comment(scaling['method'])!r}, fitted on the training rows).",
        f"INPUT_OFFSET = np.array({_float_list(scaling['offset'])})",
        f"INPUT_DIVISOR = np.array({_float_list(scaling['divisor'])})",
    ]
    if not softmax:
        lines += [
            "# Its outputs go back to your units as output * TARGET_DIVISOR + TARGET_OFFSET",
            f"# (target scaling {_comment(scaling['target_method'])!r}).",
            f"TARGET_OFFSET = np.array({_float_list(scaling['target_offset'])})",
            f"TARGET_DIVISOR = np.array({_float_list(scaling['target_divisor'])})",
        ]
    return "\n".join(lines)


def _weights_block(network: Network, acts: list) -> str:
    """Each layer's W (and b) as literals, with a comment saying what its entries mean."""
    sizes, L = network.layer_sizes, network.n_layers
    blocks = []
    for l in range(1, L + 1):
        src = "input i" if l == 1 else f"neuron i of layer {l - 1}"
        role = "output layer" if l == L else "hidden layer"
        lines = [
            f"# Layer {l} ({role}): {sizes[l - 1]} -> {sizes[l]}, {acts[l - 1]}.",
            f"# W{l}[i, j] is the weight from {src} to neuron j"
            + (f"; b{l}[j] is the bias of neuron j." if network.bias else "."),
            _matrix_literal(f"W{l}", network.weights[l - 1]),
        ]
        if network.bias:
            lines.append(f"b{l} = np.array({_float_list(network.biases[l - 1])})")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _layers_block(network: Network, acts: list) -> str:
    """The body of ``forward``: ``a = f(a @ W + b)`` per layer."""
    lines = []
    for l in range(1, network.n_layers + 1):
        b = f" + b{l}" if network.bias else ""
        lines.append(f"    a = {acts[l - 1]}(a @ W{l}{b})  # layer {l}")
    return "\n".join(lines)


def _predict_block(
    softmax: bool, scaled: bool, features: bool, encoded: bool = False, binary: str = ""
) -> str:
    """``predict`` (and ``probabilities`` for classes): raw rows → (encoded) → features →
    scale → forward. ``binary``: what one output's value means, for two classes."""
    rows_to_x = "    x = encode(rows)" if encoded else "    x = _as_rows(rows)"
    rows_to_x += "\n    x = add_features(x)" if features else ""
    x = "(x - INPUT_OFFSET) / INPUT_DIVISOR" if scaled else "x"
    if softmax:
        return _PREDICT_SOFTMAX.substitute(rows_to_x=rows_to_x, x=x)
    if binary:
        return _PREDICT_BINARY.substitute(rows_to_x=rows_to_x, x=x, meaning=binary)
    back = " * TARGET_DIVISOR + TARGET_OFFSET" if scaled else ""
    return _PREDICT.substitute(rows_to_x=rows_to_x, x=x, back=back)


def _script_features(
    scaling: dict | None, n_in: int, encoding: _Encoding | None = None
) -> tuple[list, int]:
    """The scaler's features, parsed again (they become code), and the number of raw inputs
    (the table's input columns)."""
    expressions = list((scaling or {}).get("features") or [])
    n_raw = n_in - len(expressions) if encoding is None else len(encoding.columns)
    if not expressions:
        return [], n_raw
    from ..data.features import parse_features  # here: the data package needs pandas

    names = list(scaling.get("inputs") or [])
    if n_raw < 1 or len(names) != n_in:
        raise ValueError(
            f"The scaler has {len(expressions)} features and names "
            f"{len(names)} inputs; the network has {n_in} inputs."
        )
    raw = names[:n_raw] if encoding is None else encoding.columns
    return parse_features(expressions, raw), n_raw


def _check_scaling(scaling: dict | None, n_in: int, n_out: int) -> None:
    """The scaler's offsets and divisors: one per network input, one per output."""
    if scaling is None:
        return
    for key, width in (
        ("offset", n_in),
        ("divisor", n_in),
        ("target_offset", n_out),
        ("target_divisor", n_out),
    ):
        if len(scaling.get(key, [])) != width:
            raise ValueError(
                f"The scaler's {key} has {len(scaling.get(key, []))} values; "
                f"the network has {width}."
            )


def _given_names(value: list | None, scaling: dict | None, key: str, default: list) -> list:
    """The names given, else the scaler's ``key``, else ``default``; each a plain Python value."""
    if value is None and scaling is not None:
        value = scaling.get(key) or None
    return default if value is None else [_plain(v, key) for v in value]


def _output_names(
    targets: list | None, classes: list | None, scaling: dict | None, softmax: bool, n_out: int
) -> tuple[list, list | None]:
    """(targets, classes): a softmax output has one target and a class per output; one
    output with two classes (a class column read by its two ends) one target and two
    classes; any other, a target per output and no classes."""
    if softmax:
        targets = _given_names(targets, scaling, "targets", ["class"])[:1]
        classes = _given_names(classes, scaling, "classes", list(range(n_out)))
        if len(classes) != n_out:
            raise ValueError(f"{len(classes)} class names for {n_out} outputs.")
        return targets, classes
    given = _given_names(classes, scaling, "classes", [])
    if n_out == 1 and given:
        if len(given) != 2:
            raise ValueError(f"{len(given)} class names for one output: it tells two apart.")
        return _given_names(targets, scaling, "targets", ["class"])[:1], given
    targets = _given_names(targets, scaling, "targets", [f"y{i + 1}" for i in range(n_out)])
    if len(targets) != n_out:
        raise ValueError(f"{len(targets)} target names for {n_out} outputs.")
    return targets, None


def _rows_cells(rows: list | None, n_raw: int) -> list | None:
    """Example rows of cells (numbers, texts, None for an empty cell), checked."""
    if rows is None or not len(rows):
        return None
    out = []
    for row in rows:
        cells = list(row)
        if len(cells) != n_raw:
            raise ValueError(f"Each row to predict needs {n_raw} cells (one per input column).")
        for cell in cells:
            if cell is not None and not isinstance(cell, str):
                number = float(cell)
                if not np.isfinite(number) and not np.isnan(number):
                    raise ValueError("The rows to predict must hold finite numbers.")
        out.append([c if c is None or isinstance(c, str) else float(c) for c in cells])
    return out


def _rows_array(rows: list | None, n_raw: int, features: list) -> np.ndarray | None:
    """The example rows as a checked (n, n_raw) array, None for none; every feature is
    evaluated on them now, so a bad one fails here, not when the script runs."""
    if rows is None or not len(rows):
        return None
    rows_arr = np.atleast_2d(np.asarray(rows, dtype=np.float64))
    if rows_arr.ndim != 2 or rows_arr.shape[1] != n_raw:
        raise ValueError(
            f"Each row to predict needs {n_raw} numbers (one per input); "
            f"got an array of shape {rows_arr.shape}."
        )
    if not np.all(np.isfinite(rows_arr)):
        raise ValueError("The rows to predict must be finite numbers.")
    for feature in features:
        feature.evaluate(rows_arr)  # a DataError now, not when the script runs
    return rows_arr


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

    A scaler with derived features (:mod:`nnviz.data.features`) makes the script
    compute them from the raw inputs exactly as the scaler does, so ``rows`` and
    the CSV file hold the raw input columns only, and ``inputs`` names those
    (naming every network input, the features last, works too).
    """
    n_in, n_out = network.layer_sizes[0], network.layer_sizes[-1]
    softmax = network.output_activation == "softmax"
    scaling = _scaler_dict(scaler)
    _check_scaling(scaling, n_in, n_out)
    n_features = len((scaling or {}).get("features") or [])
    encoding = _encoding(scaling, n_in, n_features)
    features, n_raw = _script_features(scaling, n_in, encoding)
    default = [f"x{i + 1}" for i in range(n_raw)] if encoding is None else encoding.columns
    inputs = _given_names(inputs, scaling, "inputs", default)
    if len(inputs) == n_in and n_raw != n_in:
        inputs = inputs[:n_raw] if encoding is None else encoding.columns
    targets, classes = _output_names(targets, classes, scaling, softmax, n_out)
    if len(inputs) != n_raw:
        raise ValueError(f"{len(inputs)} input names for {n_raw} inputs.")
    if encoding is None:
        rows_arr = _rows_array(rows, n_raw, features)
    else:
        rows_arr = _rows_cells(rows, n_raw)
    for W in network.weights:
        if not np.all(np.isfinite(W)):
            raise ValueError("The network has non-finite weights; it cannot be exported.")

    binary = "" if softmax or classes is None else _binary_meaning(network, classes)
    midpoint = get_activation(network.output_activation).midpoint if binary else None
    acts = [network.activation] * (network.n_layers - 1) + [network.output_activation]
    return _TEMPLATE.substitute(
        header=_header(
            network, inputs, targets, classes, [f.expression for f in features], scaling, iteration
        ),
        n_columns=_count(n_raw, "column"),
        names=_names_block(inputs, targets, classes, midpoint),
        rows=_rows_block(rows_arr),
        encoding="" if encoding is None else encoding.block(),
        features=_features_block(
            features, inputs, None if encoding is None else encoding.positions()
        ),
        scaling=_scaling_block(scaling, softmax or bool(binary), bool(features)),
        weights=_weights_block(network, acts),
        activations="\n\n\n".join(_SCRIPT_ACTIVATIONS[name] for name in dict.fromkeys(acts)),
        layers=_layers_block(network, acts),
        as_rows="" if encoding is not None else _AS_ROWS,
        predict=_predict_block(
            softmax, scaling is not None, bool(features), encoding is not None, binary
        ),
        main=_script_main(softmax, bool(binary), encoding is not None),
    )


def _binary_meaning(network: Network, classes: list) -> str:
    """What one output's value means when it tells two classes apart."""
    if network.output_activation == "sigmoid":
        return f"the probability of {_comment(classes[1])!r}"
    low, high = get_activation(network.output_activation).output_range
    return f"near {low:g} for {_comment(classes[0])!r}, near {high:g} for {_comment(classes[1])!r}"
