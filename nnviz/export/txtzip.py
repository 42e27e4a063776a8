"""The seed's format: a zip of text matrices (``np.savetxt("w1.txt", W1, fmt="%s")``).

:func:`weights_txt_zip` writes ``w1.txt``, ``w2.txt`` …, ``b1.txt`` …, a
``network.json`` with the architecture and a ``README.txt``;
:func:`network_from_txt_zip` reads them back (``_read_txt_zip`` with the stored meta,
for :func:`~nnviz.export.load_model`).
"""

from __future__ import annotations

import io
import posixpath
import re
import warnings
import zipfile
from typing import Any

import numpy as np

from ..network import Network
from ._rebuild import _build_network
from ._validate import (
    MAX_CHARS_PER_NUMBER,
    TXT_FORMAT,
    VERSION,
    ModelFileError,
    _check_marker,
    _int_sizes,
    _json_text,
    _layer_number,
    _open_zip,
    _parse_json,
    _plain,
    _read_member,
    network_limits,
)
from .weights import _Array, _collect_layers, _Format, _meta

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
            found[m.group(1).lower()][_layer_number(m.group(2), base)] = info
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
