"""Training data: ready-made tables (presets) and the step from a table to arrays.

A *table* is a pandas DataFrame with named columns (numbers, or a few texts) and an optional
``split`` column whose values are ``"train"``, ``"test"`` or ``"predict"``:

* ``train`` rows are what the network learns from (and what scaling is fitted on);
* ``test`` rows are scored but never learned from;
* ``predict`` rows only need their inputs: the app shows what the network says
  for them (the seed tutorial's "studied 4 hours, slept 8 — what score?").

:func:`prepare` checks a table the way a person typed it (text in a number
column, empty cells, a score of 92 for a sigmoid output …), raises
:class:`~nnviz.errors.DataError` with a message that names the row, the column
and the value, and otherwise returns float64 arrays scaled by a JSON-friendly
:class:`Scaler`.

:data:`PRESETS` holds the example tables: the two seed tutorials
(``three_bits``, ``exam_scores``), the TensorFlow Playground's data sets
(``circle``, ``xor``, ``gaussian``, ``spiral``, ``plane``) and a few more
(``moons``, ``blobs3``, ``sine``). Every generator is deterministic for a seed.

The package's modules: :mod:`~nnviz.data.presets` (the example tables),
:mod:`~nnviz.data.tables` (CSV in and out, arrays → table),
:mod:`~nnviz.data.scaling` (:data:`SCALINGS`, :class:`Scaler`),
:mod:`~nnviz.data.features` (derived input features such as ``x1**2``),
:mod:`~nnviz.data.preparation` (:func:`prepare`, :class:`PreparedData`,
:func:`infer_task`; its checks of a table and its options in :mod:`~nnviz.data.checks`,
the rows it keeps and how their inputs read in :mod:`~nnviz.data.rows`),
:mod:`~nnviz.data.reading` (how a target or an input column reads: class names and
codes, numbers, text), :mod:`~nnviz.data.split` (a seeded, stratified split),
:mod:`~nnviz.data.proposal` (:func:`propose_setup`: the settings a careful person picks
for a table), :mod:`~nnviz.data.images` (inputs that are the pixels of an image),
:mod:`~nnviz.data.digits` (the digits nnviz draws); the table's limits are
:mod:`nnviz.limits`' (also importable as ``nnviz.data.limits``). Everything public is
importable from ``nnviz.data``.
"""

from __future__ import annotations

from nnviz.errors import DataError as DataError  # as before: nnviz.data.DataError

from .features import FEATURE_FUNCTIONS, Feature, compute_features, parse_feature, parse_features
from .images import ImageLayout, as_images, image_layout, pixel_names
from .limits import MAX_COLUMNS, MAX_CSV_BYTES, MAX_INPUTS, MAX_OUTPUTS, MAX_ROWS, MAX_TABLE_COLUMNS
from .preparation import GAPS, OUTPUT_RANGES, SPLITS, PreparedData, infer_task, prepare
from .presets import (
    BLOB_CENTERS,
    DEFAULT_PRESET,
    PRESETS,
    Preset,
    UnknownPresetError,
    load_preset,
    make_blobs3,
    make_circle,
    make_digits,
    make_exam_scores,
    make_gaussian,
    make_moons,
    make_plane,
    make_sine,
    make_spiral,
    make_three_bits,
    make_xor,
)
from .proposal import Proposal, propose_setup
from .reading import (
    CLASSIFICATION,
    REGRESSION,
    TASKS,
    InputColumn,
    TargetReading,
    read_input_column,
    read_target,
)
from .scaling import SCALINGS, Scaler, Scaling
from .split import DEFAULT_TRAIN_SHARE, assign_split
from .tables import read_csv_table, table_from_arrays, to_csv_bytes

__all__ = [
    "BLOB_CENTERS",
    "CLASSIFICATION",
    "DEFAULT_TRAIN_SHARE",
    "GAPS",
    "ImageLayout",
    "InputColumn",
    "MAX_INPUTS",
    "MAX_OUTPUTS",
    "Proposal",
    "REGRESSION",
    "TASKS",
    "TargetReading",
    "as_images",
    "assign_split",
    "image_layout",
    "make_digits",
    "pixel_names",
    "propose_setup",
    "read_input_column",
    "read_target",
    "FEATURE_FUNCTIONS",
    "DEFAULT_PRESET",
    "MAX_COLUMNS",
    "MAX_CSV_BYTES",
    "MAX_ROWS",
    "MAX_TABLE_COLUMNS",
    "OUTPUT_RANGES",
    "PRESETS",
    "Feature",
    "SCALINGS",
    "SPLITS",
    "Preset",
    "PreparedData",
    "Scaler",
    "Scaling",
    "UnknownPresetError",
    "compute_features",
    "infer_task",
    "load_preset",
    "make_blobs3",
    "make_circle",
    "make_exam_scores",
    "make_gaussian",
    "make_moons",
    "make_plane",
    "make_sine",
    "make_spiral",
    "make_three_bits",
    "make_xor",
    "parse_feature",
    "parse_features",
    "prepare",
    "read_csv_table",
    "table_from_arrays",
    "to_csv_bytes",
]
