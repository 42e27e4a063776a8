"""Saving a trained network, loading it back, and a standalone script that uses it.

Four ways out, three ways back in:

* :func:`weights_txt_zip` — a zip of plain text matrices in the seed tutorial's
  format (``np.savetxt("w1.txt", W1, fmt="%s")``): ``w1.txt``, ``w2.txt`` …,
  ``b1.txt`` …, a ``network.json`` with the architecture and a ``README.txt``.
  Read back with :func:`network_from_txt_zip`.
* :func:`to_npz` — NumPy's ``.npz``: ``W1`` …, ``b1`` …, ``layer_sizes`` and the
  activation names, no object arrays. Read back with :func:`from_npz`.
* :func:`to_json` — one JSON document with the weights, the input/target scaling,
  the training settings and the column names. Read back with :func:`from_json`.
* :func:`standalone_script` — a Python file (NumPy only) that rebuilds the
  trained network and prints its predictions in the user's units.

:func:`load_model` picks the reader from the file name. Every reader treats the
file as untrusted: nothing is executed or unpickled, sizes are checked before
large allocations, and every problem (not a zip, a wrong format marker, a
missing matrix, shapes that don't chain, NaN/inf, an unknown activation) is a
:class:`ModelFileError` — a ``ValueError`` whose message says what to fix.

All formats keep float64 values bit for bit, so a loaded network predicts
exactly what the saved one did.
"""

from __future__ import annotations

import io
import json
import math
import posixpath
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .activations import get_activation
from .network import MAX_LAYER_WIDTH, Network

__all__ = [
    "JSON_FORMAT",
    "NPZ_FORMAT",
    "TXT_FORMAT",
    "VERSION",
    "ModelBundle",
    "ModelFileError",
    "from_json",
    "from_npz",
    "history_csv",
    "load_model",
    "network_from_txt_zip",
    "standalone_script",
    "to_json",
    "to_npz",
    "trainer_hyperparameters",
    "weights_txt_zip",
]

JSON_FORMAT = "nnviz-model"
"""The ``format`` marker of a JSON model bundle."""

TXT_FORMAT = "nnviz-weights-txt"
"""The ``format`` marker in the ``network.json`` of a text-matrix zip."""

NPZ_FORMAT = "nnviz-weights-npz"
"""The ``format`` marker stored in an ``.npz`` written by :func:`to_npz`."""

VERSION = 1
"""The version of all three formats; a file with a higher version is refused."""

MAX_UNCOMPRESSED_BYTES = 512 * 2**20
"""Largest total size of the files inside an uploaded zip/npz (a guard against zip bombs)."""

# A weight written as text takes at most ~25 characters; anything much bigger is not ours.
_MAX_CHARS_PER_NUMBER = 64


class ModelFileError(ValueError):
    """A model file cannot be loaded; the message says why in plain words."""


@dataclass
class ModelBundle:
    """A loaded model: the network plus what is needed to use it in the user's units."""

    network: Network
    scaler: Any = None  # nnviz.data.Scaler, or None when the file has no scaling
    hyperparameters: dict = field(default_factory=dict)
    inputs: list | None = None
    targets: list | None = None
    classes: list | None = None
    iteration: int | None = None


# =============================================================================
# helpers: plain Python values, shapes, names
# =============================================================================


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


# =============================================================================
# the one place a network is rebuilt from loaded arrays
# =============================================================================


def _build_network(
    config: dict,
    weights: list[np.ndarray],
    biases: list[np.ndarray] | None,
    wname,
    bname,
    source: str,
) -> Network:
    """Check the loaded matrices against each other and the config; make the Network.

    ``weights``/``biases`` are already finite float64 arrays of the right number of
    dimensions; ``wname(i)``/``bname(i)`` name layer ``i`` (1-based) in messages,
    ``source`` names where the settings came from (``network.json`` …).
    ``biases`` is None for a network without biases.
    """
    if not weights:
        raise ModelFileError(f"{source} holds no weight matrices ({wname(1)} is missing).")
    # consecutive layers must chain: W_l is (n_{l-1}, n_l), W_{l+1} is (n_l, n_{l+1})
    for i in range(1, len(weights)):
        prev, cur = weights[i - 1], weights[i]
        if cur.shape[0] != prev.shape[1]:
            raise ModelFileError(
                f"{wname(i + 1)} is {_shape(cur)} but {wname(i)} is {_shape(prev)}: layer {i} "
                f"has {prev.shape[1]} neurons, so {wname(i + 1)} needs {prev.shape[1]} rows "
                f"(one per neuron of the layer before)."
            )
    sizes = [weights[0].shape[0]] + [w.shape[1] for w in weights]
    declared = config.get("layer_sizes")
    if declared is not None:
        if not isinstance(declared, (list, tuple)) or len(declared) < 2:
            raise ModelFileError(f"{source}: layer_sizes must be a list of at least two sizes.")
        declared = [_check_int(s, f"{source}: each layer size", 1) for s in declared]
        if declared != sizes:
            raise ModelFileError(
                f"{source} says the layer sizes are {_arch(declared)}, but the weight "
                f"matrices ({', '.join(_shape(w) for w in weights)}) make a "
                f"{_arch(sizes)} network."
            )
    too_wide = [s for s in sizes if s > MAX_LAYER_WIDTH]
    if too_wide:
        raise ModelFileError(f"A layer of {too_wide[0]} neurons is wider than nnviz allows "
                             f"({MAX_LAYER_WIDTH}).")
    has_bias = config.get("bias", True)
    if not isinstance(has_bias, (bool, np.bool_)):
        raise ModelFileError(f"{source}: bias must be true or false, not {has_bias!r}.")
    if has_bias:
        if biases is None:
            raise ModelFileError(f"The network has biases but {bname(1)} is missing.")
        if len(biases) != len(weights):
            raise ModelFileError(
                f"There are {len(weights)} weight matrices but {len(biases)} bias vectors; "
                f"each layer needs one of each."
            )
        for i, b in enumerate(biases):
            if b.shape != (sizes[i + 1],):
                raise ModelFileError(
                    f"{bname(i + 1)} has {_shape(b)}, but layer {i + 1} has {sizes[i + 1]} "
                    f"neurons: it needs one bias per neuron."
                )
    activation = _activation_name(config.get("activation", "sigmoid"), output=False,
                                  what=f"{source}: the hidden-layer activation")
    output_activation = _activation_name(config.get("output_activation", "sigmoid"), output=True,
                                         what=f"{source}: the output activation")
    init = config.get("init", "normal")
    seed = config.get("seed")
    if seed is not None:
        seed = _check_int(seed, f"{source}: seed", 0)
    try:
        net = Network(sizes, activation, output_activation, bool(has_bias), init, seed)
    except ValueError as e:  # an unknown init name and the like
        raise ModelFileError(f"{source}: {e}") from None
    net.weights = weights
    if has_bias:
        net.biases = biases
    return net


def _extras(doc: dict, network: Network, source: str) -> dict:
    """Scaling, hyperparameters, names and iteration from a loaded document, checked.

    Returns the keyword arguments of :class:`ModelBundle` other than ``network``.
    """
    n_in, n_out = network.layer_sizes[0], network.layer_sizes[-1]
    scaler = None
    scaling = doc.get("scaling")
    if scaling is not None:
        scaler = _load_scaler(scaling, n_in, n_out, source)
    hyper = doc.get("hyperparameters")
    if hyper is None:
        hyper = {}
    if not isinstance(hyper, dict):
        raise ModelFileError(f"{source}: hyperparameters must be an object of name: value pairs.")

    def names(key: str) -> list | None:
        value = doc.get(key)
        if value is None and scaler is not None:
            value = getattr(scaler, key, None) or None
        if value is None:
            return None
        if not isinstance(value, list) or not all(
            isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value
        ):
            raise ModelFileError(f"{source}: {key} must be a list of names.")
        return list(value)

    inputs, targets, classes = names("inputs"), names("targets"), names("classes")
    if inputs is not None and len(inputs) != n_in:
        raise ModelFileError(
            f"{source} names {len(inputs)} input(s) ({', '.join(map(str, inputs))}) but the "
            f"network has {n_in} input(s)."
        )
    if classes is not None and len(classes) != n_out:
        raise ModelFileError(
            f"{source} names {len(classes)} classes but the network has {n_out} output(s)."
        )
    if targets is not None and classes is None and len(targets) != n_out:
        raise ModelFileError(
            f"{source} names {len(targets)} target(s) but the network has {n_out} output(s)."
        )
    iteration = doc.get("iteration")
    if iteration is not None:
        iteration = _check_int(iteration, f"{source}: iteration", 0)
    return {"scaler": scaler, "hyperparameters": hyper, "inputs": inputs,
            "targets": targets, "classes": classes, "iteration": iteration}


def _load_scaler(d: Any, n_in: int, n_out: int, source: str):
    """``Scaler.from_dict(d)`` with its sizes and numbers checked against the network."""
    if not isinstance(d, dict):
        raise ModelFileError(f"{source}: scaling must be an object (or null for no scaling).")
    for key in ("offset", "divisor", "target_offset", "target_divisor"):
        if key not in d:
            raise ModelFileError(f"{source}: the scaling has no {key!r}.")
        width = n_in if key in ("offset", "divisor") else n_out
        arr = _numbers(d[key], f"{source}: scaling {key}", 1)
        if arr.size != width:
            who = "input" if width == n_in else "output"
            raise ModelFileError(
                f"{source}: scaling {key} has {arr.size} value(s) but the network has "
                f"{width} {who}(s)."
            )
        if key.endswith("divisor") and not np.all(arr != 0):
            raise ModelFileError(f"{source}: scaling {key} contains 0; it divides the values.")
    try:
        from .data import Scaler  # imported here: the data module needs pandas
    except ImportError as e:  # pragma: no cover - data.py ships with nnviz
        raise ModelFileError(
            f"This model has input scaling, which needs nnviz.data ({e})."
        ) from None
    try:
        return Scaler.from_dict(d)
    except (KeyError, TypeError, ValueError) as e:
        raise ModelFileError(f"{source}: the scaling cannot be read ({e}).") from None


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
    if total > MAX_UNCOMPRESSED_BYTES:
        raise ModelFileError(
            f"The files inside this archive add up to {total / 2**20:.0f} MB unpacked, more "
            f"than the {MAX_UNCOMPRESSED_BYTES // 2**20} MB nnviz reads."
        )
    return zf


def _read_member(zf: zipfile.ZipFile, name: str) -> bytes:
    try:
        return zf.read(name)
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError) as e:
        raise ModelFileError(f"{name} inside the zip cannot be read ({e}).") from None


# =============================================================================
# 1. the seed's text format, zipped
# =============================================================================


def _savetxt(array: np.ndarray) -> bytes:
    # fmt="%s" as the seed writes it. "%s" of a float64 is str(), which NumPy (since
    # 1.14, and in 2.x) prints as the shortest string that reads back as the same
    # float, so these files round-trip bit for bit; the tests check that.
    buf = io.BytesIO()
    np.savetxt(buf, array, fmt="%s")
    return buf.getvalue()


def _readme(network: Network) -> str:
    sizes = network.layer_sizes
    L = len(sizes) - 1
    lines = [
        "Weights of a neural network trained with nnviz",
        "==============================================",
        "",
        f"Network: {' -> '.join(map(str, sizes))} ({sizes[0]} inputs, {L - 1} hidden "
        f"layer(s), {sizes[-1]} output(s))",
        (f"Activations: {network.activation} in the hidden layers, "
         f"{network.output_activation} at the output." if L > 1
         else f"Activation: {network.output_activation} at the output."),
        "",
        "Files",
        "-----",
    ]
    for l in range(1, L + 1):
        lines.append(f"w{l}.txt  weights of layer {l}: a {sizes[l - 1]} x {sizes[l]} matrix, "
                     f"one row per {'input' if l == 1 else 'neuron of layer ' + str(l - 1)}")
    if network.bias:
        for l in range(1, L + 1):
            lines.append(f"b{l}.txt  biases of layer {l}: {sizes[l]} numbers, one per line")
    else:
        lines.append("(no b*.txt files: this network has no biases)")
    lines += [
        "network.json  layer sizes, activations and other settings",
        "",
        "The numbers are written with np.savetxt(..., fmt=\"%s\"), as in the 'Build a Neural",
        "Network' tutorial: every value reads back exactly.",
        "",
        "Loading them",
        "------------",
        "Use ndmin=2 for the weights: a matrix with one column (such as a 3 x 1 output layer)",
        "is stored one number per line, and np.loadtxt would otherwise return a flat vector.",
        "",
        "    import numpy as np",
    ]
    for l in range(1, L + 1):
        lines.append(f"    W{l} = np.loadtxt(\"w{l}.txt\", ndmin=2)  # {sizes[l - 1]} x {sizes[l]}")
        if network.bias:
            lines.append(f"    b{l} = np.loadtxt(\"b{l}.txt\", ndmin=1)  # {sizes[l]}")
    lines += [
        "",
        "The forward pass, for X with one row per example (scaled the way it was in training):",
        "",
        "    a = X",
    ]
    for l in range(1, L + 1):
        f = network.activation if l < L else network.output_activation
        b = f" + b{l}" if network.bias else ""
        lines.append(f"    a = {f}(a @ W{l}{b})")
    lines += ["", "nnviz itself reads the whole zip back: load it in the app."]
    return "\n".join(lines) + "\n"


def weights_txt_zip(network: Network, **meta: Any) -> bytes:
    """A zip of text matrices in the seed's format, with ``network.json`` and ``README.txt``.

    ``w1.txt`` … hold the weight matrices and ``b1.txt`` … the biases (none when the
    network has no biases), each written with ``np.savetxt(..., fmt="%s")``.
    ``meta`` (plain values: names, hyperparameters, ``scaling=scaler`` …) is
    stored in ``network.json`` under ``"meta"``.
    """
    doc = {"format": TXT_FORMAT, "version": VERSION, **_plain(network.config(), "network")}
    meta = _meta(meta)
    if meta:
        doc["meta"] = meta
    files = {}
    for l, W in enumerate(network.weights, start=1):
        files[f"w{l}.txt"] = _savetxt(W)
    if network.bias:
        for l, b in enumerate(network.biases, start=1):
            files[f"b{l}.txt"] = _savetxt(b)
    files["network.json"] = (_json_text(doc) + "\n").encode()
    files["README.txt"] = _readme(network).encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in files.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))  # same bytes every time
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, content)
    return buf.getvalue()


def _meta(meta: dict) -> dict:
    """Keyword metadata as plain JSON values; ``scaler=`` is stored as ``scaling``."""
    meta = dict(meta)
    if "scaler" in meta:
        meta["scaling"] = meta.pop("scaler")
    return _plain(meta, "meta")


_TXT_NAME = re.compile(r"^([wb])(\d+)\.txt$", re.IGNORECASE)


def _read_txt_zip(data: bytes) -> tuple[Network, dict]:
    """The network in a text-matrix zip and the ``meta`` of its network.json."""
    zf = _open_zip(data, "a zip of weight files")
    members: dict[str, zipfile.ZipInfo] = {}
    for info in zf.infolist():
        if info.is_dir():
            continue
        base = posixpath.basename(info.filename.replace("\\", "/"))
        if base.startswith("._"):  # macOS resource forks next to the real files
            continue
        if base in members:
            raise ModelFileError(f"The zip holds two files called {base}; keep only one.")
        members[base] = info

    config: dict = {}
    meta: dict = {}
    if "network.json" in members:
        doc = _parse_json(_read_member(zf, members["network.json"].filename), "network.json")
        if not isinstance(doc, dict):
            raise ModelFileError("network.json must hold a JSON object.")
        _check_marker(doc, TXT_FORMAT, "network.json",
                      " Is this the zip nnviz made with 'weights as text'?")
        config = doc
        meta = doc.get("meta") or {}
        if not isinstance(meta, dict):
            raise ModelFileError("network.json: meta must be an object.")
    # Without network.json: a zip of the tutorial's own files (sigmoid, maybe no biases).

    found: dict[str, dict[int, zipfile.ZipInfo]] = {"w": {}, "b": {}}
    for base, info in members.items():
        m = _TXT_NAME.match(base)
        if m:
            found[m.group(1).lower()][int(m.group(2))] = info
    if not found["w"]:
        if any(name.endswith(".npy") for name in members):
            raise ModelFileError("This zip holds .npy arrays, not w1.txt …: it looks like an "
                                 ".npz file. Rename it to .npz and load it again.")
        raise ModelFileError("The zip holds no w1.txt: it needs one text file of weights per "
                             "layer (w1.txt, w2.txt, …).")
    sizes = config.get("layer_sizes")
    if isinstance(sizes, list) and len(sizes) >= 2:
        n_layers = len(sizes) - 1
    else:
        n_layers = max(found["w"])
    for l in range(1, n_layers + 1):
        if l not in found["w"]:
            need = "w1.txt" if n_layers == 1 else f"w1.txt … w{n_layers}.txt"
            raise ModelFileError(f"The zip has no w{l}.txt: a {n_layers}-layer network needs "
                                 f"{need}.")
    extra = sorted(l for l in found["w"] if l > n_layers)
    if extra:
        raise ModelFileError(f"The zip holds w{extra[0]}.txt, but network.json describes a "
                             f"network with {n_layers} weight layer(s).")

    if "bias" not in config:
        config = {**config, "bias": bool(found["b"])}
    has_bias = config["bias"]
    if has_bias is True:
        for l in range(1, n_layers + 1):
            if l not in found["b"]:
                raise ModelFileError(f"The zip has no b{l}.txt, but the network has biases: "
                                     f"it needs b1.txt … b{n_layers}.txt.")

    def load(info: zipfile.ZipInfo, ndmin: int, cells_max: int) -> np.ndarray:
        name = posixpath.basename(info.filename)
        if info.file_size > cells_max * _MAX_CHARS_PER_NUMBER + 1024:
            raise ModelFileError(f"{name} is far too large for the network network.json describes.")
        raw = _read_member(zf, info.filename)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ModelFileError(f"{name} is not a text file.") from None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # "input contained no data" → empty file
                arr = np.loadtxt(io.StringIO(text), ndmin=ndmin, dtype=np.float64)
        except (ValueError, UserWarning) as e:
            if not text.strip():
                raise ModelFileError(f"{name} is empty.") from None
            raise ModelFileError(f"{name} is not a table of numbers ({e}).") from None
        if ndmin == 1 and arr.ndim != 1:
            raise ModelFileError(f"{name} must hold one number per line; it has "
                                 f"{arr.shape[1]} columns.")
        return _numbers(arr, name, ndmin)

    if isinstance(sizes, list) and len(sizes) == n_layers + 1 and all(
        isinstance(s, int) and 0 < s <= MAX_LAYER_WIDTH for s in sizes
    ):
        cap = [sizes[l] * sizes[l + 1] for l in range(n_layers)]
    else:
        cap = [MAX_LAYER_WIDTH * MAX_LAYER_WIDTH] * n_layers
    weights = [load(found["w"][l], 2, cap[l - 1]) for l in range(1, n_layers + 1)]
    biases = ([load(found["b"][l], 1, cap[l - 1]) for l in range(1, n_layers + 1)]
              if has_bias is True else None)
    net = _build_network(config, weights, biases, lambda l: f"w{l}.txt", lambda l: f"b{l}.txt",
                         "network.json")
    return net, meta


def network_from_txt_zip(data: bytes) -> Network:
    """The network saved by :func:`weights_txt_zip` (or a zip of the tutorial's w1.txt, w2.txt).

    Weights are read with ``np.loadtxt(..., ndmin=2)`` and biases with ``ndmin=1``;
    the shapes come from the files and must agree with ``network.json``. Without
    a ``network.json`` the tutorial's settings are assumed: sigmoid everywhere,
    biases only if ``b1.txt`` … are there.
    """
    return _read_txt_zip(data)[0]


# =============================================================================
# 2. npz
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


def _read_npz(data: bytes) -> tuple[Network, dict]:
    """The network in an .npz and its ``meta``."""
    data = bytes(data)
    if data[:6] == b"\x93NUMPY":
        raise ModelFileError("This is a .npy file (one array), not an .npz: save the weights "
                             "with np.savez(file, W1=..., W2=..., b1=..., b2=...).")
    zf = _open_zip(data, "an .npz file")
    zf.close()
    try:
        npz = np.load(io.BytesIO(data), allow_pickle=False)
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as e:
        raise ModelFileError(f"This file is not an .npz file ({e}).") from None
    with npz:
        entries = {}
        for key in npz.files:
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
                continue
            try:
                entries[key] = npz[key]
            except ValueError as e:
                if "allow_pickle" in str(e) or "Object arrays" in str(e):
                    raise ModelFileError(
                        f"'{key}' in the .npz holds Python objects (pickled data). nnviz "
                        f"only reads plain number arrays and never unpickles a file."
                    ) from None
                raise ModelFileError(f"'{key}' in the .npz cannot be read ({e}).") from None
            except (OSError, EOFError, zipfile.BadZipFile) as e:
                raise ModelFileError(f"'{key}' in the .npz cannot be read ({e}).") from None

    if "format" in entries:
        marker = _npz_scalar(entries, "format", "str", None)
        doc = {"format": marker}
        if "version" in entries:
            doc["version"] = _npz_scalar(entries, "version", "int", VERSION)
        _check_marker(doc, NPZ_FORMAT, "This .npz")
    # W1 or w1 (the tutorial's name), in order
    weights, biases = [], []
    l = 1
    while f"W{l}" in entries or f"w{l}" in entries:
        weights.append(entries.get(f"W{l}", entries.get(f"w{l}")))
        l += 1
    n_layers = len(weights)
    sizes = None
    if "layer_sizes" in entries:
        sizes_arr = entries["layer_sizes"]
        if sizes_arr.ndim != 1 or sizes_arr.dtype.kind not in "iu":
            raise ModelFileError("'layer_sizes' in the .npz must be a list of whole numbers.")
        sizes = [int(s) for s in sizes_arr]
    if not weights:
        raise ModelFileError("The .npz holds no weight matrix W1: it needs W1, W2, … (one "
                             "per layer).")
    if sizes is not None and len(sizes) - 1 != n_layers:
        expected = len(sizes) - 1
        missing = f"W{n_layers + 1}" if n_layers < expected else None
        if missing:
            raise ModelFileError(f"The .npz has no {missing}: a {_arch(sizes)} network needs "
                                 f"W1 … W{expected}.")
        raise ModelFileError(f"The .npz holds W{n_layers}, but its layer_sizes "
                             f"{_arch(sizes)} describe {expected} weight layer(s).")
    for l in range(1, n_layers + 1):
        if f"b{l}" in entries:
            biases.append(entries[f"b{l}"])
    has_bias = _npz_scalar(entries, "bias", "bool", bool(biases))
    if has_bias and len(biases) != n_layers:
        raise ModelFileError(f"The .npz has no b{len(biases) + 1}, but the network has biases: "
                             f"it needs b1 … b{n_layers}.")
    config = {
        "layer_sizes": sizes,
        "activation": _npz_scalar(entries, "activation", "str", "sigmoid"),
        "output_activation": _npz_scalar(entries, "output_activation", "str", "sigmoid"),
        "bias": has_bias,
        "init": _npz_scalar(entries, "init", "str", "normal"),
        "seed": _npz_scalar(entries, "seed", "int", None),
    }
    weights = [_numbers(w, f"W{l}", 2) for l, w in enumerate(weights, start=1)]
    biases_arr = [_numbers(b, f"b{l}", 1) for l, b in enumerate(biases, start=1)] or None
    net = _build_network(config, weights, biases_arr if has_bias else None,
                         lambda l: f"W{l}", lambda l: f"b{l}", "The .npz")
    if not has_bias and biases_arr is not None and len(biases_arr) == n_layers:
        # a network without biases ignores them, but keep what was saved (zeros from nnviz)
        try:
            net.biases = biases_arr
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


# =============================================================================
# 3. JSON model bundle
# =============================================================================


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


def to_json(
    network: Network,
    *,
    scaler: Any = None,
    hyperparameters: dict | None = None,
    inputs: list | None = None,
    targets: list | None = None,
    classes: list | None = None,
    iteration: int | None = None,
) -> str:
    """The whole model as one JSON document (``"format": "nnviz-model"``).

    Weights are nested lists (``weights[l][i][j]`` = ``net.weights[l][i, j]``);
    Python writes each float as its shortest exact repr, so the values read back
    bit for bit. ``scaler`` is a :class:`nnviz.data.Scaler` (stored with its
    ``to_dict()``); ``inputs``/``targets``/``classes`` default to its names.
    """
    scaling = _scaler_dict(scaler)

    def names(value, key):
        if value is None and scaling is not None:
            value = scaling.get(key) or None
        return None if value is None else _plain(list(value), key)

    doc = {
        "format": JSON_FORMAT,
        "version": VERSION,
        **_plain(network.config(), "network"),
        "weights": [W.tolist() for W in network.weights],
        "biases": [b.tolist() for b in network.biases],
        "scaling": scaling,
        "hyperparameters": _plain(dict(hyperparameters or {}), "hyperparameters"),
        "inputs": names(inputs, "inputs"),
        "targets": names(targets, "targets"),
        "classes": names(classes, "classes"),
        "iteration": None if iteration is None else int(iteration),
    }
    return _json_text(doc) + "\n"


def from_json(text: str | bytes) -> ModelBundle:
    """The model in a document written by :func:`to_json`, checked and rebuilt."""
    doc = _parse_json(text, "This model file")
    if not isinstance(doc, dict):
        raise ModelFileError("This model file must hold a JSON object, not a "
                             f"{type(doc).__name__}.")
    hint = ""
    if doc.get("format") == TXT_FORMAT:
        hint = " This is the network.json of a weights zip: load the whole .zip instead."
    _check_marker(doc, JSON_FORMAT, "This JSON file", hint)
    for key in ("layer_sizes", "weights"):
        if key not in doc:
            raise ModelFileError(f"This model file has no {key!r}.")
    raw_w = doc["weights"]
    if not isinstance(raw_w, list) or not raw_w:
        raise ModelFileError("This model file's 'weights' must be a list of matrices, one "
                             "per layer.")
    has_bias = doc.get("bias", True)
    raw_b = doc.get("biases")
    weights = [_numbers(w, f"The weights of layer {l}", 2) for l, w in enumerate(raw_w, 1)]
    sizes = doc["layer_sizes"]
    if isinstance(sizes, list) and len(sizes) - 1 != len(weights):
        raise ModelFileError(
            f"This model file has {len(weights)} weight matrices, but its layer sizes "
            f"{'-'.join(map(str, sizes))} need {len(sizes) - 1}."
        )
    biases = None
    if raw_b is not None:
        if not isinstance(raw_b, list):
            raise ModelFileError("This model file's 'biases' must be a list, one per layer.")
        biases = [_numbers(b, f"The biases of layer {l}", 1) for l, b in enumerate(raw_b, 1)]
    elif has_bias is True:
        raise ModelFileError("This model file has no 'biases', but its network has biases.")
    net = _build_network(doc, weights, biases if has_bias is True else None,
                         lambda l: f"the weight matrix of layer {l}",
                         lambda l: f"the bias vector of layer {l}", "This model file")
    if has_bias is not True and biases is not None:
        try:
            net.biases = biases  # ignored by a network without biases, kept for fidelity
        except ValueError as e:
            raise ModelFileError(f"This model file's biases do not fit the layers ({e}).") from None
    return ModelBundle(network=net, **_extras(doc, net, "This model file"))


def load_model(data: bytes, filename: str) -> ModelBundle:
    """Read an uploaded model file; the extension (.json, .npz, .zip) picks the format."""
    name = str(filename or "")
    ext = posixpath.splitext(name.lower().replace("\\", "/"))[1]
    if ext == ".json":
        return from_json(bytes(data))
    if ext == ".npz":
        net, meta = _read_npz(data)
        return ModelBundle(network=net, **_extras(meta, net, "The .npz's meta"))
    if ext == ".zip":
        net, meta = _read_txt_zip(data)
        return ModelBundle(network=net, **_extras(meta, net, "network.json's meta"))
    raise ModelFileError(
        f"nnviz cannot read {name or 'a file without a name'!r}: load a model saved by nnviz "
        f"as .json, .npz or .zip (weights as text)."
    )


# =============================================================================
# 5. training records
# =============================================================================


def history_csv(history: Any) -> str:
    """The loss curve as CSV (``iteration,train_loss,test_loss``); a Trainer works too."""
    if not hasattr(history, "to_csv") and hasattr(history, "history"):
        history = history.history
    return history.to_csv()


def trainer_hyperparameters(trainer: Any) -> dict:
    """The settings of a :class:`~nnviz.trainer.Trainer` as plain values, for :func:`to_json`."""
    return {
        "loss": trainer.loss_name,
        "optimizer": trainer.optimizer,
        "learning_rate": float(trainer.learning_rate),
        "batch_size": None if trainer.batch_size is None else int(trainer.batch_size),
        "l1": float(trainer.l1),
        "l2": float(trainer.l2),
        "momentum": float(trainer.momentum),
        "seed": int(trainer.seed),
        "iteration": int(trainer.iteration),
    }


# =============================================================================
# 6. standalone script
# =============================================================================

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
