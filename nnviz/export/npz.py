"""NumPy's ``.npz``: ``W1`` …, ``b1`` …, ``layer_sizes`` and the activation names, no
object arrays. :func:`to_npz` writes one, :func:`from_npz` reads it (loaded with
``allow_pickle=False``; ``_read_npz`` with the stored meta, for
:func:`~nnviz.export.load_model`)."""

from __future__ import annotations

import io
import json
import math
import re
import zipfile
from typing import Any

import numpy as np

from ..network import Network
from ._rebuild import _build_network
from ._validate import (
    NPZ_FORMAT,
    VERSION,
    ModelFileError,
    _check_marker,
    _layer_number,
    _open_zip,
    _parse_json,
    _read_member,
)
from .weights import _Array, _collect_layers, _Format, _meta

# =============================================================================
# npz
# =============================================================================


def to_npz(network: Network, **meta: Any) -> bytes:
    """An ``.npz`` with ``W1`` …, ``b1`` …, ``layer_sizes`` and the settings; no object arrays.

    Strings (activation names, ``meta`` as JSON) are stored as unicode arrays, so
    ``np.load(..., allow_pickle=False)`` reads everything.
    """
    arrays: dict[str, np.ndarray] = {
        "format": np.array(NPZ_FORMAT),
        "version": np.array(VERSION, dtype=np.int64),
        "layer_sizes": np.array(network.layer_sizes, dtype=np.int64),
        "activation": np.array(network.activation),
        "output_activation": np.array(network.output_activation),
        "bias": np.array(network.bias),
        "init": np.array(network.init),
    }
    seed = int(network.seed)
    # any int NumPy's generators accept; one beyond int64 is kept as its decimal string
    fits = -(2**63) <= seed < 2**63
    arrays["seed"] = np.array(seed, dtype=np.int64) if fits else np.array(str(seed))
    for l, W in enumerate(network.weights, start=1):
        arrays[f"W{l}"] = np.array(W)
    for l, b in enumerate(network.biases, start=1):
        arrays[f"b{l}"] = np.array(b)
    meta = _meta(meta)
    if meta:
        arrays["meta"] = np.array(json.dumps(meta, allow_nan=False))
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def _npz_scalar(npz, key: str, kind: str, default: Any) -> Any:
    """A 0-d string/int/bool entry of the npz as a Python value (``default`` if absent)."""
    if key not in npz:
        return default
    arr = npz[key]
    if arr.ndim != 0 and arr.size == 1:
        arr = arr.reshape(())
    if arr.ndim != 0:
        raise ModelFileError(f"'{key}' in the .npz must be a single value.")
    if kind == "str" and arr.dtype.kind == "U":
        return str(arr)
    if kind == "int" and arr.dtype.kind in "iu":
        return int(arr)
    if kind == "int" and key == "seed" and arr.dtype.kind == "U" and str(arr).isdigit():
        return int(str(arr))
    if kind == "bool" and arr.dtype.kind in "biu" and int(arr) in (0, 1):
        return bool(arr)
    raise ModelFileError(f"'{key}' in the .npz has the wrong type ({arr.dtype}).")


# =============================================================================
# reading the npz
# =============================================================================

_NPZ = _Format("The .npz", "The .npz", "the .npz", lambda l: f"W{l}", lambda l: f"b{l}")
_NPZ_SETTINGS = (
    "format",
    "version",
    "layer_sizes",
    "activation",
    "output_activation",
    "bias",
    "init",
    "seed",
    "meta",
)
"""The entries besides W1 … and b1 … that nnviz reads; anything else is never read."""


def _npy_header(fp) -> tuple[tuple[int, ...], bool, np.dtype]:
    version = np.lib.format.read_magic(fp)
    if version == (1, 0):
        return np.lib.format.read_array_header_1_0(fp)
    if version == (2, 0):
        return np.lib.format.read_array_header_2_0(fp)
    raise ValueError(f".npy format version {version[0]}.{version[1]} is not one nnviz reads")


def _npy_array(zf: zipfile.ZipFile, info: zipfile.ZipInfo, key: str) -> _Array:
    """An array in the .npz by its header: shape and type known, data not yet read.

    The header's shape must fit the bytes the member holds, so a header that claims
    a huge array over a few bytes is refused before anything is allocated.
    """
    errors = (ValueError, OSError, EOFError, zipfile.BadZipFile, RuntimeError, NotImplementedError)
    try:
        with zf.open(info) as fp:
            shape, fortran, dtype = _npy_header(fp)
            start = fp.tell()
    except errors as e:
        raise ModelFileError(f"'{key}' in the .npz cannot be read ({e}).") from None
    if dtype.hasobject:
        raise ModelFileError(
            f"'{key}' in the .npz holds Python objects (pickled data). nnviz "
            f"only reads plain number arrays and never unpickles a file."
        )
    if dtype.kind not in "biufU" or dtype.itemsize == 0 or dtype.subdtype is not None:
        raise ModelFileError(f"'{key}' in the .npz is not an array of numbers or text ({dtype}).")
    nbytes = math.prod(shape) * dtype.itemsize
    if nbytes > info.file_size - start:
        raise ModelFileError(
            f"'{key}' in the .npz claims a shape of {shape} ({nbytes:,} bytes) but holds "
            f"{max(info.file_size - start, 0):,} bytes of data."
        )

    def read() -> np.ndarray:
        raw = _read_member(zf, info.filename)  # at most file_size bytes, CRC checked
        try:
            values = np.frombuffer(raw, dtype=dtype, count=math.prod(shape), offset=start)
        except ValueError:
            raise ModelFileError(
                f"'{key}' in the .npz is cut short: it holds less data than "
                f"its shape {shape} needs."
            ) from None
        return values.reshape(shape, order="F" if fortran else "C").copy()

    return _Array(key, tuple(shape), read)


def _npz_members(zf: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The .npz's arrays by key (``W1`` for ``W1.npy``), as np.load names them."""
    members: dict[str, zipfile.ZipInfo] = {}
    for info in zf.infolist():
        key = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
            continue
        if key in members:
            raise ModelFileError(f"The .npz holds two arrays called {key}; keep only one.")
        members[key] = info
    return members


def _npz_layers(members: dict[str, zipfile.ZipInfo]) -> tuple[dict[int, Any], dict[int, Any]]:
    """W1 … (or the tutorial's w1 …) and b1 … by layer."""
    found_w: dict[int, Any] = {}
    found_b: dict[int, Any] = {}
    for key in members:
        m = re.fullmatch(r"([Wwb])([1-9][0-9]*)", key)
        layer = _layer_number(m.group(2), key) if m else 0
        if m and m.group(1) == "b":
            found_b[layer] = key
        elif m and (m.group(1) == "W" or layer not in found_w):
            found_w[layer] = key
    return found_w, found_b


def _npz_config(entries: dict[str, np.ndarray], has_bias: Any) -> dict:
    """The network's settings from the .npz's entries (the tutorial's sigmoid by default)."""
    sizes = None
    if "layer_sizes" in entries:
        sizes_arr = entries["layer_sizes"]
        if sizes_arr.ndim != 1 or sizes_arr.dtype.kind not in "iu":
            raise ModelFileError("'layer_sizes' in the .npz must be a list of whole numbers.")
        sizes = [int(s) for s in sizes_arr]
    return {
        "layer_sizes": sizes,
        "activation": _npz_scalar(entries, "activation", "str", "sigmoid"),
        "output_activation": _npz_scalar(entries, "output_activation", "str", "sigmoid"),
        "bias": has_bias,
        "init": _npz_scalar(entries, "init", "str", "normal"),
        "seed": _npz_scalar(entries, "seed", "int", None),
    }


def _read_npz(data: bytes) -> tuple[Network, dict]:
    """The network in an .npz and its ``meta``."""
    data = bytes(data)
    if data[:6] == b"\x93NUMPY":
        raise ModelFileError(
            "This is a .npy file (one array), not an .npz: save the weights "
            "with np.savez(file, W1=..., W2=..., b1=..., b2=...)."
        )
    zf = _open_zip(data, "an .npz file")
    members = _npz_members(zf)
    entries = {
        key: _npy_array(zf, members[key], key).read() for key in _NPZ_SETTINGS if key in members
    }
    if "format" in entries:
        doc = {"format": _npz_scalar(entries, "format", "str", None)}
        if "version" in entries:
            doc["version"] = _npz_scalar(entries, "version", "int", VERSION)
        _check_marker(doc, NPZ_FORMAT, "This .npz")
    found_w, found_b = _npz_layers(members)
    if not found_w:
        raise ModelFileError(
            "The .npz holds no weight matrix W1: it needs W1, W2, … (one per layer)."
        )
    config = _npz_config(entries, _npz_scalar(entries, "bias", "bool", None))
    weights, biases, has_bias = _collect_layers(
        found_w,
        found_b,
        config["layer_sizes"],
        config["bias"],
        lambda key, kind, layer, n: _npy_array(zf, members[key], key),
        _NPZ,
        keep_unused_biases=True,
    )
    config["bias"] = has_bias
    net = _build_network(
        config, weights, biases if has_bias else None, _NPZ.wname, _NPZ.bname, "The .npz"
    )
    if not has_bias and biases is not None:
        # a network without biases ignores them, but keep what was saved (zeros from nnviz)
        try:
            net.biases = biases
        except ValueError as e:
            raise ModelFileError(f"The .npz biases do not fit the layers ({e}).") from None
    meta = {}
    if "meta" in entries:
        meta = _parse_json(_npz_scalar(entries, "meta", "str", "{}"), "'meta' in the .npz")
        if not isinstance(meta, dict):
            raise ModelFileError("'meta' in the .npz must be a JSON object.")
    return net, meta


def from_npz(data: bytes) -> Network:
    """The network in an ``.npz`` (from :func:`to_npz`, or ``np.savez(f, W1=…, b1=…)``).

    Loaded with ``allow_pickle=False``: an object array is refused, never unpickled.
    Entries other than ``W1`` … are optional: ``layer_sizes`` is checked against
    the matrices if present; without ``activation``/``output_activation`` the
    tutorial's sigmoid is assumed, and without ``bias`` the network has biases
    exactly when ``b1`` … are there.
    """
    return _read_npz(data)[0]
