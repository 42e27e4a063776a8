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
file as untrusted: nothing is executed or unpickled; the file's size, the sizes a
zip declares, and every matrix's shape (from the ``.npy`` header, or counted in
the text) are checked against the largest network nnviz builds
(:func:`network_limits`: the app's hidden-layer and neuron limits, the table's
column limit) before any value is read; and every problem (not a zip, a wrong
format marker, a missing matrix, a network too large, shapes that don't chain,
NaN/inf, an unknown activation) is a :class:`ModelFileError` — a ``ValueError``
whose message says what to fix.

All formats keep float64 values bit for bit, so a loaded network predicts
exactly what the saved one did.

The package's modules: :mod:`~nnviz.export.txtzip` (the text zip),
:mod:`~nnviz.export.npz` (the npz), :mod:`~nnviz.export.weights` (what the two share),
:mod:`~nnviz.export.bundle` (JSON, :class:`ModelBundle`,
:func:`load_model`, training records) and :mod:`~nnviz.export.script` (the
standalone script; its own code's templates in :mod:`~nnviz.export.script_text`);
everything public is importable from ``nnviz.export``.
"""

from __future__ import annotations

from ._validate import (
    JSON_FORMAT,
    MAX_UNCOMPRESSED_BYTES,
    NPZ_FORMAT,
    TXT_FORMAT,
    VERSION,
    ModelFileError,
    NetworkLimits,
    network_limits,
)
from .bundle import (
    ModelBundle,
    from_json,
    history_csv,
    load_model,
    to_json,
    trainer_hyperparameters,
)
from .npz import from_npz, to_npz
from .script import _SCRIPT_ACTIVATIONS as _SCRIPT_ACTIVATIONS  # the tests read it
from .script import standalone_script
from .txtzip import network_from_txt_zip, weights_txt_zip

__all__ = [
    "JSON_FORMAT",
    "MAX_UNCOMPRESSED_BYTES",
    "NPZ_FORMAT",
    "TXT_FORMAT",
    "VERSION",
    "ModelBundle",
    "ModelFileError",
    "NetworkLimits",
    "from_json",
    "from_npz",
    "history_csv",
    "load_model",
    "network_from_txt_zip",
    "network_limits",
    "standalone_script",
    "to_json",
    "to_npz",
    "trainer_hyperparameters",
    "weights_txt_zip",
]
