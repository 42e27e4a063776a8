"""The weight files: a zip of text matrices in the seed's format, and NumPy's ``.npz``.

:func:`weights_txt_zip` / :func:`network_from_txt_zip` and :func:`to_npz` /
:func:`from_npz`; the readers also return the ``meta`` stored with the weights,
which :func:`~nnviz.export.load_model` turns into a ModelBundle.
"""

from __future__ import annotations

import io
import json
import posixpath
import re
import warnings
import zipfile
from typing import Any

import numpy as np

from ..network import MAX_LAYER_WIDTH, Network
from ._rebuild import _build_network
from ._validate import (
    NPZ_FORMAT,
    TXT_FORMAT,
    VERSION,
    ModelFileError,
    _arch,
    _check_marker,
    _json_text,
    _numbers,
    _open_zip,
    _parse_json,
    _plain,
    _read_member,
)

# A weight written as text takes at most ~25 characters; anything much bigger is not ours.
_MAX_CHARS_PER_NUMBER = 64


# =============================================================================
# the seed's text format, zipped
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
