"""The weight files: a zip of text matrices in the seed's format, and NumPy's ``.npz``.

:func:`weights_txt_zip` / :func:`network_from_txt_zip` and :func:`to_npz` /
:func:`from_npz`; the readers also return the ``meta`` stored with the weights,
which :func:`~nnviz.export.load_model` turns into a ModelBundle.

Both readers hand their files to one layer collector (:func:`_collect_layers`):
it works out the layers from the names and the declared sizes, and checks every
matrix's shape — read from the ``.npy`` header, or counted in the text — against
the largest network nnviz builds before any value is read.
"""

from __future__ import annotations

import io
import json
import math
import posixpath
import re
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..network import Network
from ._rebuild import _build_network
from ._validate import (
    MAX_CHARS_PER_NUMBER,
    NPZ_FORMAT,
    TXT_FORMAT,
    VERSION,
    ModelFileError,
    _arch,
    _check_architecture,
    _check_marker,
    _int_sizes,
    _json_text,
    _numbers,
    _open_zip,
    _parse_json,
    _plain,
    _read_member,
    network_limits,
)

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
        (
            f"Activations: {network.activation} in the hidden layers, "
            f"{network.output_activation} at the output."
            if L > 1
            else f"Activation: {network.output_activation} at the output."
        ),
        "",
        "Files",
        "-----",
    ]
    for l in range(1, L + 1):
        lines.append(
            f"w{l}.txt  weights of layer {l}: a {sizes[l - 1]} x {sizes[l]} matrix, "
            f"one row per {'input' if l == 1 else 'neuron of layer ' + str(l - 1)}"
        )
    if network.bias:
        for l in range(1, L + 1):
            lines.append(f"b{l}.txt  biases of layer {l}: {sizes[l]} numbers, one per line")
    else:
        lines.append("(no b*.txt files: this network has no biases)")
    lines += [
        "network.json  layer sizes, activations and other settings",
        "",
        'The numbers are written with np.savetxt(..., fmt="%s"), as in the \'Build a Neural',
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
        lines.append(f'    W{l} = np.loadtxt("w{l}.txt", ndmin=2)  # {sizes[l - 1]} x {sizes[l]}')
        if network.bias:
            lines.append(f'    b{l} = np.loadtxt("b{l}.txt", ndmin=1)  # {sizes[l]}')
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


# =============================================================================
# reading the text zip
# =============================================================================

_TXT_NAME = re.compile(r"^([wb])(\d+)\.txt$", re.IGNORECASE)
_TXT = _Format(
    "The zip", "network.json", "network.json", lambda l: f"w{l}.txt", lambda l: f"b{l}.txt"
)


def _zip_members(zf: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The zip's files by base name (folders and macOS resource forks left out)."""
    members: dict[str, zipfile.ZipInfo] = {}
    for info in zf.infolist():
        base = posixpath.basename(info.filename.replace("\\", "/"))
        if info.is_dir() or base.startswith("._"):
            continue
        if base in members:
            raise ModelFileError(f"The zip holds two files called {base}; keep only one.")
        members[base] = info
    return members


def _txt_config(zf: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo]) -> tuple[dict, dict]:
    """network.json's settings and ``meta``; without it, the tutorial's (sigmoid, maybe no
    biases)."""
    info = members.get("network.json")
    if info is None:
        return {}, {}
    if info.file_size > network_limits().max_meta_bytes:
        raise ModelFileError(
            f"network.json is {info.file_size:,} bytes, far larger than the "
            f"settings of any network nnviz builds."
        )
    doc = _parse_json(_read_member(zf, info.filename), "network.json")
    if not isinstance(doc, dict):
        raise ModelFileError("network.json must hold a JSON object.")
    _check_marker(
        doc, TXT_FORMAT, "network.json", " Is this the zip nnviz made with 'weights as text'?"
    )
    meta = doc.get("meta") or {}
    if not isinstance(meta, dict):
        raise ModelFileError("network.json: meta must be an object.")
    return doc, meta


def _text_shape(text: str, name: str, kind: str) -> tuple[int, ...]:
    """The shape of a text matrix, counted (lines and fields) without reading a number."""
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split("#", 1)[0].split()
        if fields:
            rows.append((number, len(fields)))
    if not rows:
        raise ModelFileError(f"{name} is empty.")
    width = rows[0][1]
    for number, count in rows:
        if count != width:
            raise ModelFileError(
                f"{name} is not a table of numbers: line {number} has {count} "
                f"values, line {rows[0][0]} has {width}."
            )
    if kind == "w":
        return (len(rows), width)
    if len(rows) > 1 and width > 1:
        raise ModelFileError(f"{name} must hold one number per line; it has {width} columns.")
    return (len(rows) * width,)


def _loadtxt(text: str, name: str, ndmin: int) -> np.ndarray:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "input contained no data" → empty file
            return np.loadtxt(io.StringIO(text), ndmin=ndmin, dtype=np.float64)
    except (ValueError, UserWarning) as e:
        raise ModelFileError(f"{name} is not a table of numbers ({e}).") from None


def _txt_probe(zf: zipfile.ZipFile, sizes: list[int] | None):
    """The collector's probe for the text zip: a file's size, then its counted shape."""
    limits = network_limits()

    def probe(info: zipfile.ZipInfo, kind: str, layer: int, n: int) -> _Array:
        name = posixpath.basename(info.filename.replace("\\", "/"))
        if sizes is not None and len(sizes) == n + 1:
            width, rows = sizes[layer], sizes[layer - 1]
        else:
            width, rows = limits.width(layer, n), limits.rows(layer)
        count = rows * width if kind == "w" else width
        if info.file_size > count * MAX_CHARS_PER_NUMBER + 1024:
            raise ModelFileError(
                f"{name} is {info.file_size:,} bytes: far too large for the "
                f"{count} number(s) it can hold."
            )
        try:
            text = _read_member(zf, info.filename).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ModelFileError(f"{name} is not a text file.") from None
        ndmin = 2 if kind == "w" else 1
        return _Array(name, _text_shape(text, name, kind), lambda: _loadtxt(text, name, ndmin))

    return probe


def _read_txt_zip(data: bytes) -> tuple[Network, dict]:
    """The network in a text-matrix zip and the ``meta`` of its network.json."""
    zf = _open_zip(data, "a zip of weight files")
    members = _zip_members(zf)
    config, meta = _txt_config(zf, members)
    found: dict[str, dict[int, zipfile.ZipInfo]] = {"w": {}, "b": {}}
    for base, info in members.items():
        m = _TXT_NAME.match(base)
        if m:
            found[m.group(1).lower()][int(m.group(2))] = info
    if not found["w"]:
        if any(name.endswith(".npy") for name in members):
            raise ModelFileError(
                "This zip holds .npy arrays, not w1.txt …: it looks like an "
                ".npz file. Rename it to .npz and load it again."
            )
        raise ModelFileError(
            "The zip holds no w1.txt: it needs one text file of weights per "
            "layer (w1.txt, w2.txt, …)."
        )
    sizes = config.get("layer_sizes")
    weights, biases, has_bias = _collect_layers(
        found["w"], found["b"], sizes, config.get("bias"), _txt_probe(zf, _int_sizes(sizes)), _TXT
    )
    config = {**config, "bias": has_bias}
    net = _build_network(config, weights, biases, _TXT.wname, _TXT.bname, "network.json")
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
        if m and m.group(1) == "b":
            found_b[int(m.group(2))] = key
        elif m and (m.group(1) == "W" or int(m.group(2)) not in found_w):
            found_w[int(m.group(2))] = key
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
