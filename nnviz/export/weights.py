"""What the two weight-file formats share: the metadata stored with the weights, and one
layer collector for both readers (:func:`_collect_layers`).

The collector works out the layers from the files' names and the declared sizes, and
checks every matrix's shape — read from the ``.npy`` header, or counted in the text —
against the largest network nnviz builds before any value is read. The formats are
:mod:`~nnviz.export.txtzip` (the seed's text matrices, zipped) and
:mod:`~nnviz.export.npz` (NumPy's ``.npz``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._validate import (
    ModelFileError,
    _arch,
    _check_architecture,
    _int_sizes,
    _numbers,
    _plain,
    network_limits,
)


def _meta(meta: dict) -> dict:
    """Keyword metadata as plain JSON values; ``scaler=`` is stored as ``scaling``."""
    meta = dict(meta)
    if "scaler" in meta:
        meta["scaling"] = meta.pop("scaler")
    return _plain(meta, "meta")


# =============================================================================
# reading: one layer collector for both formats
# =============================================================================


@dataclass(frozen=True)
class _Format:
    """How a file format names its parts in messages."""

    where: str  # "The zip"
    source: str  # where the settings are: "network.json"
    sizes_in: str  # the same within a sentence
    wname: Callable[[int], str]  # layer → "w1.txt"
    bname: Callable[[int], str]


@dataclass
class _Array:
    """A weight matrix or bias vector in a file: its shape, known before its values are read."""

    name: str
    shape: tuple[int, ...]  # from the .npy header, or counted in the text
    read: Callable[[], np.ndarray]


def _layer_count(found: dict[int, Any], sizes: Any, fmt: _Format) -> int:
    """How many weight layers there are; checked against the limits before any file is read.

    The declared layer sizes decide if there are any, else the highest ``w<l>``.
    """
    declared = isinstance(sizes, list) and len(sizes) >= 2
    n = len(sizes) - 1 if declared else max(found)
    most = network_limits().hidden_layers
    if n - 1 > most:
        what = (
            f"The layer sizes in {fmt.sizes_in} make"
            if declared
            else f"{fmt.where} holds {fmt.wname(n)}:"
        )
        raise ModelFileError(
            f"{what} a network of {n - 1} hidden layers; nnviz builds at most {most}."
        )
    if _int_sizes(sizes):
        _check_architecture(sizes, fmt.source)
    for l in range(1, n + 1):
        if l not in found:
            need = fmt.wname(1) if n == 1 else f"{fmt.wname(1)} … {fmt.wname(n)}"
            arch = _arch(sizes) if _int_sizes(sizes) else f"{n}-layer"
            raise ModelFileError(
                f"{fmt.where} has no {fmt.wname(l)}: a {arch} network needs {need}."
            )
    extra = sorted(l for l in found if l > n)
    if extra:
        raise ModelFileError(
            f"{fmt.where} holds {fmt.wname(extra[0])}, but the layer sizes in "
            f"{fmt.sizes_in} make a network of {n} weight layer(s)."
        )
    return n


def _check_shape(array: _Array, kind: str, layer: int, n: int) -> None:
    """One matrix or vector against the largest network nnviz builds (layer of n, 1-based)."""
    limits = network_limits()
    shape, name = array.shape, array.name
    want = 2 if kind == "w" else 1
    if len(shape) != want:
        what = "matrix (a list of rows)" if want == 2 else "list of numbers"
        raise ModelFileError(f"{name} must be a {what}; it has {len(shape)} dimension(s).")
    last = layer == n
    neurons = f"nnviz builds at most {limits.neurons} neurons per hidden layer"
    per = (
        f"output, and an nnviz network has at most {limits.outputs} outputs"
        if last
        else f"neuron of hidden layer {layer}, and {neurons}"
    )
    if kind == "b":
        if shape[0] > limits.width(layer, n):
            raise ModelFileError(f"{name} has {shape[0]} values: one per {per}.")
        return
    rows, cols = shape
    if rows > limits.rows(layer):
        before = (
            f"input, and an nnviz network has at most {limits.inputs} inputs"
            if layer == 1
            else f"neuron of hidden layer {layer - 1}, and {neurons}"
        )
        raise ModelFileError(f"{name} is {rows}×{cols}: a row per {before}.")
    if cols > limits.width(layer, n):
        raise ModelFileError(f"{name} is {rows}×{cols}: a column per {per}.")


def _collect_layers(
    found_w: dict[int, Any],
    found_b: dict[int, Any],
    sizes: Any,
    has_bias: Any,
    probe: Callable[[Any, str, int, int], _Array],
    fmt: _Format,
    keep_unused_biases: bool = False,
) -> tuple[list[np.ndarray], list[np.ndarray] | None, Any]:
    """The weight matrices and bias vectors of a file, checked before their values are read.

    ``found_w``/``found_b`` map a layer (1-based) to the format's handle of its file
    or array; ``probe(handle, "w" or "b", layer, n_layers)`` returns its :class:`_Array`
    (the format checks the member's size there). ``has_bias`` is the file's setting,
    or None: then the network has biases if bias files are there. With
    ``keep_unused_biases``, a network without biases still gets biases that are all
    there (the .npz stores zeros). Returns ``(weights, biases or None, has_bias)``.
    """
    n = _layer_count(found_w, sizes, fmt)
    if has_bias is None:
        has_bias = any(l in found_b for l in range(1, n + 1))
    if has_bias is True:
        for l in range(1, n + 1):
            if l not in found_b:
                raise ModelFileError(
                    f"{fmt.where} has no {fmt.bname(l)}, but the network has "
                    f"biases: it needs {fmt.bname(1)} … {fmt.bname(n)}."
                )
    all_biases = all(l in found_b for l in range(1, n + 1))
    layers = range(1, n + 1)
    weights = [probe(found_w[l], "w", l, n) for l in layers]
    biases = None
    if has_bias is True or (keep_unused_biases and all_biases):
        biases = [probe(found_b[l], "b", l, n) for l in layers]
    for kind, arrays in (("w", weights), ("b", biases or [])):
        for l, array in enumerate(arrays, start=1):
            _check_shape(array, kind, l, n)
    values_w = [_numbers(a.read(), a.name, 2) for a in weights]
    values_b = None if biases is None else [_numbers(a.read(), a.name, 1) for a in biases]
    return values_w, values_b, has_bias
