"""What every model format shares: its markers, :class:`ModelFileError` and the checks.

Plain JSON values and the indented JSON text they are saved as; for reading,
finite number arrays, JSON text that refuses NaN, the ``format``/``version``
marker, and zip archives opened with a size guard. Each problem is a
:class:`ModelFileError` whose message says what to fix.
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..activations import get_activation
from ..limits import (
    MAX_CATEGORIES,
    MAX_CELL_BYTES,
    MAX_FEATURE_LENGTH,
    MAX_HIDDEN_LAYERS,
    MAX_INPUTS,
    MAX_LINE_BYTES,
    MAX_NEURONS,
    MAX_OUTPUTS,
)
from ..quoting import number, quote, said, shorten

JSON_FORMAT = "nnviz-model"
"""The ``format`` marker of a JSON model bundle."""

TXT_FORMAT = "nnviz-weights-txt"
"""The ``format`` marker in the ``network.json`` of a text-matrix zip."""

NPZ_FORMAT = "nnviz-weights-npz"
"""The ``format`` marker stored in an ``.npz`` written by :func:`to_npz`."""

VERSION = 1
"""The version of all three formats; a file with a higher version is refused."""


class ModelFileError(ValueError):
    """A model file cannot be loaded; the message says why in plain words."""


def _plain(value: Any, where: str = "value") -> Any:
    """``value`` as plain JSON types (NumPy scalars and arrays → Python numbers and lists).

    Raises ModelFileError for NaN/inf and for objects JSON cannot hold.
    """
    if isinstance(value, np.ndarray):
        value = value.tolist()
    elif isinstance(value, np.generic):
        value = value.item()
    elif hasattr(value, "to_dict") and callable(value.to_dict):
        value = value.to_dict()
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ModelFileError(
                f"{where} is {value}, which cannot be saved: only finite numbers can."
            )
        return value
    if isinstance(value, dict):
        return {str(_plain(k, where)): _plain(v, f"{where}[{quote(k)}]") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, f"{where}[{i}]") for i, v in enumerate(value)]
    raise ModelFileError(
        f"{where} is a {type(value).__name__}, which cannot be saved in a model file."
    )


def _scaler_dict(scaler: Any) -> dict | None:
    """A Scaler (or the dict of its ``to_dict()``) as a plain dict, or None."""
    if scaler is None:
        return None
    d = scaler.to_dict() if hasattr(scaler, "to_dict") else dict(scaler)
    return _plain(d, "scaling")


def _arch(sizes) -> str:
    """``2-3-1``."""
    return "-".join(str(int(s)) for s in sizes)


def _shape(a: np.ndarray) -> str:
    """``3×1`` for a matrix, ``3 values`` for a vector."""
    if a.ndim == 2:
        return f"{a.shape[0]}×{a.shape[1]}"
    return f"{a.size} value{'s' if a.size != 1 else ''}"


def _activation_name(name: Any, *, output: bool, what: str) -> str:
    """A valid activation name, or a ModelFileError saying which ones exist."""
    if not isinstance(name, str):
        raise ModelFileError(f"{what} must be the name of an activation, not {quote(name)}.")
    try:
        return get_activation(name, output=output).name
    except ValueError as e:
        raise ModelFileError(f"{what}: {e}") from None


def _numbers(value: Any, name: str, ndim: int) -> np.ndarray:
    """``value`` (nested lists or an array) as a finite float64 array of ``ndim`` dimensions."""
    kind = "matrix (a list of rows)" if ndim == 2 else "list of numbers"
    if isinstance(value, np.ndarray):
        arr = value
    else:
        try:
            arr = np.array(value)
        except (ValueError, TypeError):
            raise ModelFileError(
                f"{name} must be a {kind}, but its rows have different lengths."
            ) from None
    if arr.dtype.kind not in "iuf":
        raise ModelFileError(f"{name} must contain only numbers.")
    if arr.ndim != ndim:
        raise ModelFileError(f"{name} must be a {kind}; it has {arr.ndim} dimension(s).")
    if arr.size == 0:
        raise ModelFileError(f"{name} is empty.")
    arr = np.asarray(arr, dtype=np.float64)
    bad = ~np.isfinite(arr)
    if bad.any():
        pos = np.argwhere(bad)[0]
        where = f"row {pos[0] + 1}, column {pos[1] + 1}" if ndim == 2 else f"position {pos[0] + 1}"
        raise ModelFileError(
            f"{name} holds {arr[tuple(pos)]} at {where}: every weight and bias must be a "
            f"finite number (this network may have diverged before it was saved)."
        )
    return arr


MAX_LAYER_DIGITS = 100  # a member's layer number longer than this is not read as a number


def _layer_number(digits: str, member: str) -> int:
    """The layer a weights member names (``w2.txt``, ``W2``), its digits checked before
    they are read as a number (Python refuses to read one of more than 4,300 digits)."""
    if len(digits) > MAX_LAYER_DIGITS:
        raise ModelFileError(
            f"The file's member {quote(member)} names a layer by a {len(digits):,}-digit "
            f"number: a network has at most {MAX_HIDDEN_LAYERS + 1} layers of weights."
        )
    return int(digits)


def _check_int(value: Any, what: str, low: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ModelFileError(f"{what} must be a whole number, not {quote(value)}.")
    if low is not None and value < low:
        raise ModelFileError(f"{what} must be at least {low}; it is {number(int(value))}.")
    return int(value)


def _parse_json(text: str | bytes, what: str) -> Any:
    """``json.loads`` that refuses NaN, Infinity and numbers too large for a float."""

    def bad_constant(name: str):
        raise ModelFileError(f"{what} contains {name}, which is not a finite number.")

    def parse_float(s: str) -> float:
        value = float(s)
        if not math.isfinite(value):
            raise ModelFileError(
                f"{what} contains {shorten(s)}, which is too large to be a number here."
            )
        return value

    if isinstance(text, (bytes, bytearray, memoryview)):
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ModelFileError(f"{what} is not JSON text (it is not even UTF-8).") from None
    try:
        return json.loads(text, parse_constant=bad_constant, parse_float=parse_float)
    except ModelFileError:
        raise
    except json.JSONDecodeError as e:
        raise ModelFileError(
            f"{what} is not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})."
        ) from None
    except RecursionError:
        raise ModelFileError(f"{what} is nested too deeply to be a model file.") from None
    except ValueError as e:  # e.g. an integer of more digits than Python converts
        raise ModelFileError(f"{what} is not valid JSON ({said(e)}).") from None


def _check_marker(doc: dict, expected: str, what: str, hint: str = "") -> None:
    """The ``format`` and ``version`` fields must be ours."""
    marker = doc.get("format")
    if marker != expected:
        found = "no format marker" if marker is None else f"format {quote(marker)}"
        raise ModelFileError(f"{what} has {found}; an nnviz file has format {expected!r}.{hint}")
    version = doc.get("version", VERSION)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ModelFileError(f"{what} has an invalid version {quote(version)}.")
    if version > VERSION:
        raise ModelFileError(
            f"{what} is version {number(version)}, made by a newer nnviz; this one reads "
            f"version {VERSION}."
        )


# =============================================================================
# how large a model may be: the largest network nnviz builds
# =============================================================================

MAX_CHARS_PER_NUMBER = 64
"""Room for one weight or bias written as text (a float64 in full takes at most 24)."""

_SETTINGS_BYTES = 16 * 1024
"""Room for what a model file holds besides numbers and names: keys, activations,
hyperparameters, the README of a weights zip."""

_ARCHIVE_BYTES = 256 * 1024
"""Room for a zip's own headers (a local and a central header per file) and comment."""


@dataclass(frozen=True)
class NetworkLimits:
    """The largest network nnviz builds; every model file is checked against it."""

    hidden_layers: int  # nnviz.limits.MAX_HIDDEN_LAYERS
    neurons: int  # per hidden layer: nnviz.limits.MAX_NEURONS
    inputs: int  # nnviz.limits.MAX_INPUTS
    outputs: int  # nnviz.limits.MAX_OUTPUTS

    def rows(self, layer: int) -> int:
        """Most rows of weight matrix ``layer`` (1-based): one per input or neuron before it."""
        return self.inputs if layer == 1 else self.neurons

    def width(self, layer: int, n_layers: int) -> int:
        """Most neurons of layer ``layer`` of ``n_layers``: its matrix's columns, its biases."""
        return self.outputs if layer == n_layers else self.neurons

    @property
    def max_params(self) -> int:
        """Most weights and biases of any network within the limits (2944)."""
        best = 0
        for hidden in range(self.hidden_layers + 1):
            sizes = [self.inputs, *[self.neurons] * hidden, self.outputs]
            best = max(best, sum(a * b + b for a, b in zip(sizes, sizes[1:])))
        return best

    @property
    def max_meta_bytes(self) -> int:
        """Longest settings text a model needs: its names, its scaling, the rest.

        What a model names comes from its table: the input and target columns' names
        all stand in the table's first line (at most ``MAX_LINE_BYTES``); a text
        column's inputs are named ``column=value`` (a column gives at most
        ``MAX_CATEGORIES`` of them, each value at most ``MAX_CELL_BYTES``); a class
        label is a cell, which may take a whole line; a feature is at most
        ``MAX_FEATURE_LENGTH``. A model names them in the file and again in its
        scaling, which also lists the table's columns and the text columns' values.
        """
        header = MAX_LINE_BYTES
        one_hot = MAX_CATEGORIES * MAX_LINE_BYTES + self.inputs * (MAX_CELL_BYTES + 1)
        features = self.inputs * MAX_FEATURE_LENGTH
        classes = self.outputs * MAX_LINE_BYTES
        names = 2 * (header + one_hot + features + classes) + header + self.inputs * MAX_CELL_BYTES
        # the scaling's offsets and divisors, and the value an empty input cell takes
        numbers = 2 * (self.inputs + self.outputs) + self.inputs
        return names + numbers * MAX_CHARS_PER_NUMBER + _SETTINGS_BYTES

    @property
    def max_unpacked_bytes(self) -> int:
        """The most a model file of the largest network needs, unpacked (2,081,160 bytes).

        Every number as text (the JSON model and the weights zip) and the settings
        text four times over: an .npz stores it as UTF-32, its numbers in 8 bytes.
        """
        return self.max_params * MAX_CHARS_PER_NUMBER + 4 * self.max_meta_bytes

    @property
    def max_file_bytes(self) -> int:
        """The largest model file nnviz reads: its content and a zip's headers."""
        return self.max_unpacked_bytes + _ARCHIVE_BYTES


_NETWORK_LIMITS = NetworkLimits(MAX_HIDDEN_LAYERS, MAX_NEURONS, MAX_INPUTS, MAX_OUTPUTS)

MAX_UNCOMPRESSED_BYTES = _NETWORK_LIMITS.max_unpacked_bytes
"""The largest total size of the files inside an uploaded zip/npz: what a model of the
largest network nnviz builds needs (:attr:`NetworkLimits.max_unpacked_bytes`, 2,081,160
bytes). Read by :func:`_open_zip` on every call."""


def network_limits() -> NetworkLimits:
    """The limits of the app's networks (:mod:`nnviz.limits`)."""
    return _NETWORK_LIMITS


def _check_architecture(sizes: list[int], source: str) -> None:
    """The layer sizes of a network nnviz builds: hidden layers, neurons, inputs, outputs."""
    limits = network_limits()
    hidden = sizes[1:-1]
    if len(hidden) > limits.hidden_layers:
        raise ModelFileError(
            f"{source} describes a network with {len(hidden)} hidden layers ({_arch(sizes)}); "
            f"nnviz builds at most {limits.hidden_layers}."
        )
    for layer, width in enumerate(hidden, start=1):
        if width > limits.neurons:
            raise ModelFileError(
                f"{source} describes a network whose hidden layer {layer} has {width} neurons "
                f"({_arch(sizes)}); nnviz builds at most {limits.neurons} per hidden layer."
            )
    if sizes[0] > limits.inputs:
        raise ModelFileError(
            f"{source} describes a network with {sizes[0]} inputs; an nnviz "
            f"network has at most {limits.inputs}."
        )
    if sizes[-1] > limits.outputs:
        raise ModelFileError(
            f"{source} describes a network with {sizes[-1]} outputs; an nnviz "
            f"network has at most {limits.outputs}."
        )


def _int_sizes(sizes: Any) -> list[int] | None:
    """Declared layer sizes if they are a list of positive whole numbers, else None."""
    if (
        isinstance(sizes, list)
        and len(sizes) >= 2
        and all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in sizes)
    ):
        return sizes
    return None


def _check_declared(sizes: Any, n_matrices: int, source: str) -> None:
    """Before any number is read: the count of weight matrices and the declared layer
    sizes (if they are whole numbers; else they are reported later) within the limits."""
    most = network_limits().hidden_layers
    if n_matrices - 1 > most:
        raise ModelFileError(
            f"{source} holds {n_matrices} weight matrices: a network of "
            f"{n_matrices - 1} hidden layers; nnviz builds at most {most}."
        )
    if _int_sizes(sizes):
        _check_architecture(sizes, source)


def _check_file_size(data: bytes | str, what: str) -> None:
    """A model file no larger than the largest network nnviz builds can need."""
    limit = network_limits().max_file_bytes
    if len(data) > limit:
        raise ModelFileError(
            f"{what} is {len(data):,} bytes; a model of the largest network nnviz builds "
            f"takes at most {limit:,}."
        )


def _open_zip(data: bytes, what: str) -> zipfile.ZipFile:
    """A ZipFile over ``data`` whose members are small enough to read.

    The file's size is checked before its directory is read, and the sizes its
    directory declares before any member is unpacked.
    """
    data = bytes(data)
    _check_file_size(data, "This file")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ModelFileError(f"This file is not {what}: it cannot be opened as a zip archive.")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        total = sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise ModelFileError(
            f"This file is not {what}: the zip archive is damaged ({e})."
        ) from None
    limit = MAX_UNCOMPRESSED_BYTES
    if total > limit:
        raise ModelFileError(
            f"The files inside this archive add up to {total:,} bytes unpacked, more than "
            f"the {limit:,} bytes a model of the largest network nnviz builds needs."
        )
    return zf


def _read_member(zf: zipfile.ZipFile, name: str) -> bytes:
    try:
        return zf.read(name)
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError) as e:
        raise ModelFileError(f"{name} inside the zip cannot be read ({e}).") from None


def _json_text(value: Any, indent: int = 0) -> str:
    """Indented JSON in which every list of plain numbers or names stays on one line.

    A weight matrix then reads as one line per row.
    """
    pad = "  " * (indent + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{pad}{json.dumps(k)}: {_json_text(v, indent + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + "  " * indent + "}"
    if isinstance(value, list) and any(isinstance(v, (list, dict)) for v in value):
        items = [pad + _json_text(v, indent + 1) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + "  " * indent + "]"
    return json.dumps(value, allow_nan=False, ensure_ascii=False)
