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
from typing import Any

import numpy as np

from ..activations import get_activation

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
            raise ModelFileError(f"{where} is {value}, which cannot be saved: "
                                 f"only finite numbers can.")
        return value
    if isinstance(value, dict):
        return {str(_plain(k, where)): _plain(v, f"{where}[{k!r}]") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, f"{where}[{i}]") for i, v in enumerate(value)]
    raise ModelFileError(f"{where} is a {type(value).__name__}, "
                         f"which cannot be saved in a model file.")


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
        raise ModelFileError(f"{what} must be the name of an activation, not {name!r}.")
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


def _check_int(value: Any, what: str, low: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ModelFileError(f"{what} must be a whole number, not {value!r}.")
    if low is not None and value < low:
        raise ModelFileError(f"{what} must be at least {low}; it is {value}.")
    return int(value)


def _parse_json(text: str | bytes, what: str) -> Any:
    """``json.loads`` that refuses NaN, Infinity and numbers too large for a float."""

    def bad_constant(name: str):
        raise ModelFileError(f"{what} contains {name}, which is not a finite number.")

    def parse_float(s: str) -> float:
        value = float(s)
        if not math.isfinite(value):
            raise ModelFileError(f"{what} contains {s}, which is too large to be a number here.")
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


def _check_marker(doc: dict, expected: str, what: str, hint: str = "") -> None:
    """The ``format`` and ``version`` fields must be ours."""
    marker = doc.get("format")
    if marker != expected:
        found = "no format marker" if marker is None else f"format {marker!r}"
        raise ModelFileError(
            f"{what} has {found}; an nnviz file has format {expected!r}.{hint}"
        )
    version = doc.get("version", VERSION)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ModelFileError(f"{what} has an invalid version {version!r}.")
    if version > VERSION:
        raise ModelFileError(
            f"{what} is version {version}, made by a newer nnviz; this one reads version "
            f"{VERSION}."
        )


def _unpacked_limit() -> int:
    """``nnviz.export.MAX_UNCOMPRESSED_BYTES``, read from the package when it is needed.

    The limit is defined on the package (which imports this module), so a new
    value set there, as the tests do, takes effect here.
    """
    from .. import export

    return export.MAX_UNCOMPRESSED_BYTES


def _open_zip(data: bytes, what: str) -> zipfile.ZipFile:
    """A ZipFile over ``data`` whose members are small enough to read."""
    data = bytes(data)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ModelFileError(f"This file is not {what}: it cannot be opened as a zip archive.")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        total = sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise ModelFileError(
            f"This file is not {what}: the zip archive is damaged ({e})."
        ) from None
    limit = _unpacked_limit()
    if total > limit:
        raise ModelFileError(
            f"The files inside this archive add up to {total / 2**20:.0f} MB unpacked, more "
            f"than the {limit // 2**20} MB nnviz reads."
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
