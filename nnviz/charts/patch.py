"""Patches: what one figure draws differently from another of the same structure.

A patch is ``{"data": {"<trace index>": {"<attr.path>": value}}, "layout":
{"<attr.path>": value}}``; a value ``{"+": array}`` appends to the array already
there. Live views send patches instead of whole figures (the browser applies them,
``nnviz/ui/assets/live_chart.js``); :func:`apply_patch` is the same rule in Python,
so the builders' ``*_patch`` functions are tested against their figures here.
"""

from __future__ import annotations

import base64
import copy
from typing import Any

import numpy as np


def _as_dict(figure: Any) -> dict:
    return figure.to_plotly_json() if hasattr(figure, "to_plotly_json") else figure


def as_array(value: Any) -> np.ndarray:
    """A figure's data array as NumPy: plotly's typed-array dict ``{dtype, bdata, shape}``
    (what ``to_plotly_json`` writes for NumPy input) or a list."""
    if isinstance(value, dict) and "bdata" in value:
        out = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        return out.reshape([int(s) for s in str(shape).split(",")]) if shape else out
    return np.asarray(value)


def _set(node: dict, path: str, value: Any) -> None:
    keys = path.split(".")
    for k in keys[:-1]:
        node = node.setdefault(k, {})
    last = keys[-1]
    if isinstance(value, dict) and set(value) == {"+"}:
        old = node.get(last)
        old = as_array([] if old is None else old)
        new = as_array(value["+"])
        value = np.concatenate([old.astype(np.result_type(old, new)), new]) if old.size else new
    node[last] = value


def apply_patch(figure: Any, patch: dict) -> dict:
    """The figure (a go.Figure or its dict) with ``patch`` applied, as a new dict."""
    out = copy.deepcopy(_as_dict(figure))
    for index, attrs in (patch.get("data") or {}).items():
        trace = out["data"][int(index)]
        for path, value in attrs.items():
            _set(trace, path, value)
    for path, value in (patch.get("layout") or {}).items():
        _set(out.setdefault("layout", {}), path, value)
    return out


def _flat(d: dict, prefix: str = "") -> dict:
    out = {}
    for k, v in d.items():
        path = f"{prefix}{k}"
        if isinstance(v, dict) and v and "bdata" not in v and k != "template":
            out.update(_flat(v, path + "."))
        else:
            out[path] = v
    return out


def same(a: Any, b: Any) -> bool:
    """Equal values, arrays compared element-wise (NaN equal to NaN)."""
    if isinstance(a, (np.ndarray, list, tuple)) or isinstance(b, (np.ndarray, list, tuple)):
        try:
            x, y = np.asarray(a), np.asarray(b)
        except (ValueError, TypeError):
            return a == b
        if x.shape != y.shape:
            return False
        if x.dtype.kind in "fc" or y.dtype.kind in "fc":
            return bool(np.array_equal(x, y, equal_nan=True))
        return bool(np.array_equal(x, y))
    return a == b


def figure_patch(base: Any, new: Any) -> dict | None:
    """The patch that turns ``base`` into ``new``, or None when their structure differs
    (another number or type of traces, or an attribute that ``new`` no longer has)."""
    base, new = _as_dict(base), _as_dict(new)
    old_traces, new_traces = base.get("data", []), new.get("data", [])
    if len(old_traces) != len(new_traces):
        return None
    data = {}
    for i, (a, b) in enumerate(zip(old_traces, new_traces)):
        if a.get("type") != b.get("type"):
            return None
        fa, fb = _flat(a), _flat(b)
        if set(fa) - set(fb):
            return None
        changed = {k: v for k, v in fb.items() if k not in fa or not same(fa[k], v)}
        if changed:
            data[str(i)] = changed
    la, lb = _flat(base.get("layout", {})), _flat(new.get("layout", {}))
    if set(la) - set(lb):
        return None
    layout = {k: v for k, v in lb.items() if k not in la or not same(la[k], v)}
    return {"data": data, "layout": layout}
