"""The derived input features a user picks, over the input columns' real names.

How a column is written in an expression (:func:`column_ref`), TensorFlow Playground's
seven inputs as toggles over two columns (:data:`PLAYGROUND_INPUTS`,
:func:`playground_expressions`, :func:`playground_label`), adding one feature with every
check the network needs (:func:`with_feature`) and keeping those that still fit new
inputs (:func:`fit_features`). The grammar itself is :mod:`nnviz.data.features`'.
"""

from __future__ import annotations

import keyword
import unicodedata
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..data import parse_feature, parse_features
from ..errors import DataError


def column_ref(name: Any) -> str:
    """A column as a feature expression writes it: as it is if it is a plain identifier
    (``x1``, ``hours_studied``), else in backquotes (```hours studied```, ```lambda```)."""
    text = str(name)
    plain = (
        text.isidentifier()
        and not keyword.iskeyword(text)
        and unicodedata.normalize("NFKC", text) == text
    )
    return text if plain else f"`{text}`"


#: TensorFlow Playground's seven inputs over two columns (1 and 2): what each toggles —
#: the column itself (a raw input) or a feature, written with ``{1}`` and ``{2}``.
PLAYGROUND_INPUTS: dict[str, tuple[str, str]] = {
    "X1": ("column", "{1}"),
    "X2": ("column", "{2}"),
    "X1²": ("feature", "{1}**2"),
    "X2²": ("feature", "{2}**2"),
    "X1·X2": ("feature", "{1}*{2}"),
    "sin X1": ("feature", "sin({1})"),
    "sin X2": ("feature", "sin({2})"),
}


def playground_expressions(first: Any, second: Any) -> dict[str, str]:
    """The playground's seven inputs over two columns: toggle → the column's name (X1, X2)
    or the feature's expression (``x1**2``, ``sin(`hours studied`)`` …). A column whose
    name holds a backquote cannot be written in an expression: its features are left out."""
    refs = {"{1}": column_ref(first), "{2}": column_ref(second)}
    out = {}
    for toggle, (kind, pattern) in PLAYGROUND_INPUTS.items():
        if kind == "column":
            out[toggle] = str(first if pattern == "{1}" else second)
            continue
        if any("`" in str(c) for c, k in ((first, "{1}"), (second, "{2}")) if k in pattern):
            continue
        text = pattern
        for key, ref in refs.items():
            text = text.replace(key, ref)
        out[toggle] = text
    return out


def playground_label(toggle: str, first: Any, second: Any, width: int = 14) -> str:
    """A toggle's label with the real column names (each cut to ``width`` characters):
    ``x1²``, ``sin hours_studied``, ``x1·x2``."""

    def short(name):
        text = str(name)
        return text if len(text) <= width else text[: width - 1] + "…"

    return toggle.replace("X1", "\0").replace("X2", short(second)).replace("\0", short(first))


def same_feature(a: str, b: str, inputs: Sequence[Any]) -> bool:
    """Two expressions compute the same column (``x1**2`` and ``x1 ** 2``): the same text,
    or the same checked expression over ``inputs``."""
    if a.strip() == b.strip():
        return True
    try:
        return parse_feature(a, inputs).tree == parse_feature(b, inputs).tree
    except DataError:
        return False


def with_feature(
    features: Sequence[str],
    expression: str,
    inputs: Sequence[Any],
    table: pd.DataFrame | None = None,
) -> tuple:
    """``features`` and one more, ``expression``, checked over the input columns: raises
    DataError, naming the expression, if it is not a feature the network can take — outside
    the grammar, over a column that is not an input, an input column itself, the same as a
    feature already there, one too many, or (with ``table``) not a finite number in some
    row whose inputs are numbers."""
    inputs = list(inputs)
    feature = parse_feature(expression, inputs)
    text = feature.expression
    if feature.tree[0] == "col":
        name = inputs[feature.tree[1]]
        raise DataError(
            f"Feature '{text}' is the input column '{name}' itself — it is already an input."
        )
    for other in features:
        if same_feature(other, text, inputs):
            again = "" if other == text else f" (as '{other}')"
            raise DataError(f"Feature '{text}' is already a feature{again}.")
    added = (*features, text)
    parse_features(list(added), inputs)  # the count limit, and each one still checks
    if table is not None and all(c in table.columns for c in inputs):
        raw = table[inputs].apply(pd.to_numeric, errors="coerce")
        rows = raw.notna().all(axis=1).to_numpy()
        feature.evaluate(raw.to_numpy(dtype=np.float64)[rows], list(raw.index[rows]))
    return added


def fit_features(
    features: Sequence[str], inputs: Sequence[Any], columns: Sequence[Any] = ()
) -> tuple[tuple, list[str]]:
    """The features that still fit ``inputs``, and a note for each one dropped.

    A feature can only use input columns: when a column it uses stops being an input
    (or leaves the table: ``columns`` are the table's), the feature is dropped and the
    note says which column it needed."""
    inputs, columns = list(inputs), list(columns)
    kept, dropped = [], {}
    for text in features:
        try:
            parse_feature(text, inputs)
        except DataError as exc:
            why = str(exc)
            try:
                needed = [
                    str(columns[j])
                    for j in parse_feature(text, columns).used
                    if columns[j] not in inputs
                ]
            except DataError:
                needed = []
            if needed:
                names = ", ".join(f"'{n}'" for n in needed)
                verb = "is" if len(needed) == 1 else "are"
                why = f"it uses {names}, which {verb} no longer an input"
            dropped[text] = why.rstrip(".")
            continue
        kept.append(text)
    notes = [f"Removed the feature '{text}': {why}." for text, why in dropped.items()]
    return tuple(kept), notes
