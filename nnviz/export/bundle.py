"""The JSON model bundle, :func:`load_model`, and the training records saved with a model.

:func:`to_json` / :func:`from_json` write and read one document with the
weights, scaling, hyperparameters and column names; :func:`load_model` picks
the reader from the file name and returns a :class:`ModelBundle`.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any

from ..network import Network
from ..quoting import quote
from ..trainer import HYPERPARAMETERS
from ._rebuild import _build_network, _extras
from ._validate import (
    JSON_FORMAT,
    TXT_FORMAT,
    VERSION,
    ModelFileError,
    _check_declared,
    _check_file_size,
    _check_marker,
    _json_text,
    _numbers,
    _parse_json,
    _plain,
    _scaler_dict,
)
from .npz import _read_npz
from .txtzip import _read_txt_zip


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
    features: list = field(default_factory=list)  # derived-feature expressions, the last inputs


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
    ``features`` lists the scaler's derived-feature expressions (the network's last
    inputs), which :func:`from_json` gives back to the scaler so that it computes
    them from the raw inputs.
    """
    scaling = _scaler_dict(scaler)
    features = list(scaling.pop("features", None) or []) if scaling is not None else []

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
        "features": features,
    }
    return _json_text(doc) + "\n"


def from_json(text: str | bytes) -> ModelBundle:
    """The model in a document written by :func:`to_json`, checked and rebuilt.

    The text's size, the number of matrices and the declared layer sizes are checked
    against the largest network nnviz builds before the numbers are read.
    """
    _check_file_size(text, "This model file")
    doc = _parse_json(text, "This model file")
    if not isinstance(doc, dict):
        raise ModelFileError(
            f"This model file must hold a JSON object, not a {type(doc).__name__}."
        )
    hint = ""
    if doc.get("format") == TXT_FORMAT:
        hint = " This is the network.json of a weights zip: load the whole .zip instead."
    _check_marker(doc, JSON_FORMAT, "This JSON file", hint)
    for key in ("layer_sizes", "weights"):
        if key not in doc:
            raise ModelFileError(f"This model file has no {key!r}.")
    raw_w = doc["weights"]
    if not isinstance(raw_w, list) or not raw_w:
        raise ModelFileError(
            "This model file's 'weights' must be a list of matrices, one per layer."
        )
    _check_declared(doc["layer_sizes"], len(raw_w), "This model file")
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
    net = _build_network(
        doc,
        weights,
        biases if has_bias is True else None,
        lambda l: f"the weight matrix of layer {l}",
        lambda l: f"the bias vector of layer {l}",
        "This model file",
    )
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
        f"nnviz cannot read {quote(name or 'a file without a name')}: load a model saved by "
        "nnviz as .json, .npz or .zip (weights as text)."
    )


# =============================================================================
# training records
# =============================================================================


def history_csv(history: Any) -> str:
    """The loss curve as CSV (``iteration,train_loss,test_loss``); a Trainer works too."""
    if not hasattr(history, "to_csv") and hasattr(history, "history"):
        history = history.history
    return history.to_csv()


def trainer_hyperparameters(trainer: Any) -> dict:
    """The settings of a :class:`~nnviz.trainer.Trainer` as plain values, for :func:`to_json`:
    its loss, every hyperparameter a run can change (:data:`~nnviz.trainer.HYPERPARAMETERS`,
    which the app's settings table takes by name), its seed and its iteration."""
    return {
        "loss": trainer.loss_name,
        **{name: getattr(trainer, name) for name in HYPERPARAMETERS},  # plain already
        "seed": int(trainer.seed),
        "iteration": int(trainer.iteration),
    }
