"""The one place a network is rebuilt from loaded arrays, and the rest of a model checked.

:func:`_build_network` checks the matrices against each other and the settings
(:func:`_layer_sizes`, :func:`_check_biases`);
:func:`_extras` checks the scaling, hyperparameters, names and iteration that
go into a :class:`~nnviz.export.ModelBundle`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..network import Network
from ..quoting import quote, said
from ._validate import (
    ModelFileError,
    _activation_name,
    _arch,
    _check_architecture,
    _check_int,
    _numbers,
    _shape,
)


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
    sizes = _layer_sizes(config, weights, wname, source)
    _check_architecture(sizes, source)  # the largest network nnviz builds
    has_bias = config.get("bias", True)
    if not isinstance(has_bias, (bool, np.bool_)):
        raise ModelFileError(f"{source}: bias must be true or false, not {quote(has_bias)}.")
    if has_bias:
        _check_biases(biases, weights, sizes, bname)
    activation = _activation_name(
        config.get("activation", "sigmoid"),
        output=False,
        what=f"{source}: the hidden-layer activation",
    )
    output_activation = _activation_name(
        config.get("output_activation", "sigmoid"),
        output=True,
        what=f"{source}: the output activation",
    )
    init = config.get("init", "normal")
    seed = config.get("seed")
    if seed is not None:
        seed = _check_int(seed, f"{source}: seed", 0)
    try:
        net = Network(sizes, activation, output_activation, bool(has_bias), init, seed)
    except ValueError as e:  # an unknown init name and the like
        raise ModelFileError(f"{source}: {said(e)}") from None
    net.weights = weights
    if has_bias:
        net.biases = biases
    return net


def _layer_sizes(config: dict, weights: list[np.ndarray], wname, source: str) -> list[int]:
    """The layer sizes the weight matrices make, checked to chain and against the config's
    ``layer_sizes`` (if it has them)."""
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
    if declared is None:
        return sizes
    if not isinstance(declared, (list, tuple)) or len(declared) < 2:
        raise ModelFileError(f"{source}: layer_sizes must be a list of at least two sizes.")
    declared = [_check_int(s, f"{source}: each layer size", 1) for s in declared]
    if declared != sizes:
        raise ModelFileError(
            f"{source} says the layer sizes are {_arch(declared)}, but the weight "
            f"matrices ({', '.join(_shape(w) for w in weights)}) make a "
            f"{_arch(sizes)} network."
        )
    return sizes


def _check_biases(
    biases: list[np.ndarray] | None, weights: list[np.ndarray], sizes: list[int], bname
) -> None:
    """A network with biases: one bias vector per layer, one bias per neuron."""
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


def _extras(doc: dict, network: Network, source: str) -> dict:
    """Scaling, hyperparameters, names and iteration from a loaded document, checked.

    Returns the keyword arguments of :class:`ModelBundle` other than ``network``.
    """
    n_in, n_out = network.layer_sizes[0], network.layer_sizes[-1]
    scaler = None
    scaling = doc.get("scaling")
    features = doc.get("features")
    listed = isinstance(features, list) and all(isinstance(f, str) for f in features)
    if isinstance(scaling, dict) and not scaling.get("features") and features and listed:
        # a JSON model lists its features beside the scaling: the scaling computes them
        scaling = {**scaling, "features": features}
    if scaling is not None:
        scaler = _load_scaler(scaling, n_in, n_out, source)
    scaler, features = _load_features(doc, scaler, n_in, n_out, source)
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
    _check_names(source, network, inputs, targets, classes)
    iteration = doc.get("iteration")
    if iteration is not None:
        iteration = _check_int(iteration, f"{source}: iteration", 0)
    return {
        "scaler": scaler,
        "hyperparameters": hyper,
        "inputs": inputs,
        "targets": targets,
        "classes": classes,
        "iteration": iteration,
        "features": features,
    }


def _check_names(
    source: str, network: Network, inputs: list | None, targets: list | None, classes: list | None
) -> None:
    """One name per input; one class per output (or two for one output that tells two
    classes apart), else one target per output."""
    n_in, n_out = network.layer_sizes[0], network.layer_sizes[-1]
    if inputs is not None and len(inputs) != n_in:
        raise ModelFileError(
            f"{source} names {len(inputs)} input(s) ({', '.join(map(str, inputs))}) but the "
            f"network has {n_in} input(s)."
        )
    two_ends = n_out == 1 and network.output_activation != "softmax"
    if classes is not None and len(classes) != n_out and not (two_ends and len(classes) == 2):
        raise ModelFileError(
            f"{source} names {len(classes)} classes but the network has {n_out} output(s)."
        )
    if targets is not None and classes is None and len(targets) != n_out:
        raise ModelFileError(
            f"{source} names {len(targets)} target(s) but the network has {n_out} output(s)."
        )


def _load_features(doc: dict, scaler: Any, n_in: int, n_out: int, source: str):
    """The derived-feature expressions (``features``), checked, and the scaler that computes them.

    A JSON model lists them at the top level; a scaler's dict (the npz/zip meta)
    may carry them too. Each must parse over the raw inputs (the names before the
    features in ``inputs``); without a scaling, an identity scaler computes them.
    """
    features = doc.get("features")
    if features is None:
        features = list(getattr(scaler, "features", None) or [])
    if not isinstance(features, list) or not all(isinstance(f, str) for f in features):
        raise ModelFileError(f"{source}: features must be a list of expressions (text).")
    if not features:
        return scaler, []
    if scaler is not None and scaler.features:
        if scaler.features != [f.strip() for f in features]:
            raise ModelFileError(f"{source}: the features and the scaling's features differ.")
        return scaler, list(scaler.features)
    from ..data import Scaler  # imported here: the data package needs pandas

    if scaler is not None:
        d = scaler.to_dict()
    else:
        d = Scaler.identity(n_in, n_out).to_dict()
        d["inputs"] = doc.get("inputs") or []
    d["features"] = features
    try:
        scaler = Scaler.from_dict(d)
    except (KeyError, TypeError, ValueError) as e:
        raise ModelFileError(f"{source}: the features cannot be used ({said(e)})") from None
    return scaler, list(scaler.features)


def _load_scaler(d: Any, n_in: int, n_out: int, source: str):
    """``Scaler.from_dict(d)`` with its sizes and numbers checked against the network."""
    if not isinstance(d, dict):
        raise ModelFileError(f"{source}: scaling must be an object (or null for no scaling).")
    for key in ("offset", "divisor", "target_offset", "target_divisor"):
        if key not in d:
            raise ModelFileError(f"{source}: the scaling has no {quote(key)}.")
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
        from ..data import Scaler  # imported here: the data package needs pandas
    except ImportError as e:  # pragma: no cover - nnviz.data ships with nnviz
        raise ModelFileError(
            f"This model has input scaling, which needs nnviz.data ({e})."
        ) from None
    try:
        return Scaler.from_dict(d)
    except (KeyError, TypeError, ValueError) as e:
        raise ModelFileError(f"{source}: the scaling cannot be read ({e}).") from None
