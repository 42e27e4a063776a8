"""How numbers, cells and column names are written in the data modules' messages.

Also the normalising of a column-name argument (``"y"`` → ``["y"]``), which the
functions that take column names share.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from ..quoting import quote


def _fmt(value: float) -> str:
    """A number as a person would write it: ``92`` not ``92.0``, ``inf``, ``0.92``."""
    value = float(value)
    if math.isnan(value):
        return "empty"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.12g}"


def _fmt_bound(value: float) -> str:
    """A range bound: ``∞`` for an open end."""
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    return _fmt(value)


def _quote(value: Any) -> str:
    """A cell as it was typed: strings in single quotes, anything else as repr — at most
    a few dozen characters of it (:func:`nnviz.quoting.quote`)."""
    if isinstance(value, np.generic):
        value = value.item()
    return quote(value)


def _col(name: Any) -> str:
    """A column name in a message: ``'test_score'`` (a long one cut short)."""
    return quote(str(name))


def _names(names: Iterable[Any]) -> str:
    """A list of names in a message: ``'a', 'b', 'c'``."""
    return ", ".join(_col(n) for n in names)


def _nice_ceiling(value: float) -> float:
    """The smallest 1, 2 or 5 × 10ᵏ that is ≥ ``value`` (92 → 100, 3.5 → 5, 150 → 200)."""
    if not value > 0 or not math.isfinite(value):
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        candidate = float(step) * 10.0**exponent
        if candidate >= value:
            return candidate
    return 10.0 ** (exponent + 1)  # pragma: no cover - the loop always returns


def _normalize_names(names: Any) -> list:
    """``"y"`` → ``["y"]``; ``None`` → ``[]``; any iterable → list."""
    if names is None:
        return []
    if isinstance(names, (str, bytes)) or not isinstance(names, Iterable):
        return [names]
    return list(names)
