"""Live charts: one Plotly div per chart, updated in place while the run plays.

``st.plotly_chart`` re-creates its chart (a new DOM node, a full ``Plotly.newPlot``)
whenever the figure changes, so a live view built with it blanks out and keeps the
browser busy. ``live_chart`` mounts a small ``st.components.v2`` component instead
(``assets/live_chart.js``) that keeps one graph div and calls ``Plotly.react``.

What travels per refresh (see the protocol at the top of ``live_chart.js``):

* the whole figure (its *base*) only when a chart is new or its structure changed —
  the caller says which by a *signature* (architecture, axis type, …);
* otherwise only *frames*: patches of what changed (the loss curve's new tail,
  the edges, the output grid), each relative to the base, several per refresh, which
  the browser plays out between refreshes.

plotly.js is served as a file beside the glue (the component's ``asset_dir``,
declared in pyproject.toml), copied there from the installed ``plotly`` package: no
CDN, and nothing big is re-sent with every render.
"""

from __future__ import annotations

import base64
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import orjson
import streamlit as st

from ..charts.patch import apply_patch

SS = st.session_state
COMPONENT = "nnviz.live_chart"
ASSETS = Path(__file__).resolve().parent / "assets"
BUNDLE = "plotly.min.js"
CONFIG = {
    "displaylogo": False,
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    "responsive": True,
}
F32_MAX = float(np.finfo(np.float32).max)


def _install_bundle() -> bool:
    """plotly.js from the installed plotly package into the asset folder (once)."""
    target = ASSETS / BUNDLE
    try:
        source = resources.files("plotly") / "package_data" / BUNDLE
        with resources.as_file(source) as src:
            if not target.exists() or target.stat().st_size != Path(src).stat().st_size:
                tmp = target.with_suffix(".tmp")
                shutil.copyfile(src, tmp)
                tmp.replace(target)
        return True
    except OSError:
        return target.exists()


_UNSET = object()
_component = _UNSET


def _mounter():
    """The component's mount function, registered on first use (inside a script run,
    where Streamlit's runtime knows the asset folder), or None: then live charts are
    plain ``st.plotly_chart`` (nnviz not installed, so its asset folder is unknown)."""
    global _component
    if _component is _UNSET:
        _component = None
        if _install_bundle():
            try:
                _component = st.components.v2.component(
                    COMPONENT, js="live_chart.js", isolate_styles=False
                )
            except Exception:  # noqa: BLE001 - no manifest: plain charts
                _component = None
    return _component


def available() -> bool:
    return _mounter() is not None


# ------------------------------------------------------------------------ encoding
def _typed(a: np.ndarray) -> dict | list:
    """A numeric array as plotly.js's typed-array spec (base64), float32 for floats."""
    if a.dtype.kind == "f":
        a = np.clip(a, -F32_MAX, F32_MAX).astype("<f4")  # NaN stays NaN
        dtype = "f4"
    elif a.dtype.kind in "iu" and a.size and (a.min() < -(2**31) or a.max() >= 2**31):
        a, dtype = a.astype("<f8"), "f8"
    elif a.dtype.kind in "iub":
        a, dtype = a.astype("<i4"), "i4"
    else:
        return a.tolist()
    spec = {"dtype": dtype, "bdata": base64.b64encode(np.ascontiguousarray(a).tobytes()).decode()}
    if a.ndim > 1:
        spec["shape"] = ",".join(map(str, a.shape))
    return spec


def _plain(value):
    """JSON-ready: NumPy arrays as typed specs, tuples as lists, NumPy scalars as numbers."""
    if isinstance(value, np.ndarray):
        return _typed(value) if value.dtype.kind in "fiub" else value.tolist()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def encode(message: dict) -> bytes:
    return orjson.dumps(_plain(message), option=orjson.OPT_SERIALIZE_NUMPY)


# ------------------------------------------------------------------------ the chart
@dataclass
class Sent:
    """What this session's browser holds for one chart."""

    epoch: int
    signature: object
    base: dict  # the whole figure the browser holds (as to_plotly_json gives it)
    info: dict = field(default_factory=dict)  # what patches need to know of the base
    payload: bytes | None = None  # the last message (to draw it again unchanged)
    frames: list = field(default_factory=list)  # the last message's patches
    resync: bool = False  # the browser lost the figure: send it whole


def _sent() -> dict[str, Sent]:
    return SS.setdefault("_live_charts", {})


def sent(key: str) -> Sent | None:
    """What the browser holds for ``key``, if it can take a patch on it."""
    s = _sent().get(key)
    return None if s is None or s.resync else s


def _ask_resync(key: str) -> Callable[[], None]:
    def callback() -> None:
        if key in _sent():
            _sent()[key].resync = True

    return callback


def _mount(key: str, payload: bytes, height: int) -> None:
    _mounter()(
        key=key,
        data=payload,
        height=int(height),
        on_resync_change=_ask_resync(key),
        on_click_change=_clicked(key),
    )


def _clicked(key: str) -> Callable[[], None]:
    def callback() -> None:
        value = (SS.get(key) or {}).get("click")
        handler = SS.get("_live_click_handlers", {}).get(key)
        if value and handler is not None:
            handler(value)

    return callback


def live_chart(
    key: str,
    *,
    signature: object,
    figure: Callable[[], object],
    info: Callable[[], dict] | None = None,
    frames: Sequence[dict] = (),
    span_ms: float = 0.0,
    height: int,
    config: dict | None = None,
    on_click: Callable[[dict], None] | None = None,
    clickable: Sequence[str] = (),
) -> int:
    """Draw chart ``key``; returns the bytes sent.

    ``frames``: patches on the figure the browser holds (see :func:`sent`), the last
    one the current state, played out over ``span_ms``. Without frames the whole
    figure is sent: ``figure()`` builds it and ``info()`` says what later patches
    need to know of it; ``signature`` is stored with it (a new signature means the
    caller sends the figure whole again). ``on_click(point)`` is called (as a widget
    callback, before the page reruns) with ``{"trace": name, "index": i}`` when a point
    of a trace named in ``clickable`` is clicked.
    """
    config = {**CONFIG, **(config or {})}
    if _mounter() is None:
        st.plotly_chart(figure(), key=key, theme=None, config=config)
        return 0
    message: dict = {
        "span_ms": round(float(span_ms)),
        "config": config,
        "height": int(height),
        "clickable": list(clickable) if on_click else [],
    }
    SS.setdefault("_live_click_handlers", {})[key] = on_click
    record = sent(key)
    if record is not None and frames:
        record.frames = list(frames)
        message.update(epoch=record.epoch, frames=record.frames)
    else:
        old = _sent().get(key)
        fig = figure()
        base = fig.to_plotly_json() if hasattr(fig, "to_plotly_json") else fig
        record = Sent((old.epoch + 1) if old else 1, signature, base, info() if info else {})
        _sent()[key] = record
        message.update(epoch=record.epoch, base=base, frames=[])
    payload = encode(message)
    record.payload = payload
    _mount(key, payload, height)
    return len(payload)


def resend(key: str, height: int) -> None:
    """Draw ``key`` again exactly as last time (the browser keeps what it shows)."""
    record = _sent()[key]
    _mount(key, record.payload, height)


def shown(key: str) -> dict | None:
    """The figure the browser shows for ``key`` now (its base with the last patch), or
    None: what a test reads instead of a screen."""
    record = _sent().get(key)
    if record is None:
        return None
    return apply_patch(record.base, record.frames[-1]) if record.frames else record.base


def bytes_sent() -> dict[str, int]:
    """Size of the last message of each chart (what one refresh costs)."""
    return {k: len(s.payload or b"") for k, s in _sent().items()}
