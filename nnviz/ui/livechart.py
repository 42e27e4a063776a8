"""The live view's elements in the browser: live charts and the live numbers.

``st.plotly_chart`` re-creates its chart (a new DOM node, a full ``Plotly.newPlot``)
whenever the figure changes, so a live view built with it blanks out and keeps the
browser busy. The live view mounts a small ``st.components.v2`` component instead
(``assets/live_chart.js``): each chart keeps one graph div and calls ``Plotly.react``;
the numbers (Iteration, losses, score) are a row of plain elements of the page.

Every message names the chunk of the run it belongs to (``Timing``): the browser plays
each chunk's frames out at the frame rate, asks for the next chunk when they are about
to run out, and shows the numbers and every chart's frames at their time.

What travels for a chart (the protocol is at the top of ``live_chart.js``), decided in
one place, :func:`chart`:

* the whole figure (its *base*) only when a chart is new, its structure changed (its
  spec's *signature*: architecture, axis type, …) or the browser lost it;
* else, for the frames the chart is due at (its cadence), *patches* of what changed
  (the loss curve's new tail, the edges, the output grid), each relative to the base;
* else nothing new: the chart keeps what it shows.

plotly.js is plotly.js's official cartesian partial bundle (scatter, heatmap, contour …:
everything the live view draws, a third of the full bundle), shipped in ``assets/``
with its licence and served from there: no CDN, and nothing is written at run time.
The component's asset folder is declared in ``nnviz/pyproject.toml``, inside the
package, where Streamlit finds it for an installed nnviz (a wheel or editable).
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import orjson
import streamlit as st

from ..charts.patch import apply_patch
from .pace import FRAME_S

SS = st.session_state
ASSETS = Path(__file__).resolve().parent / "assets"
BUNDLES = sorted(ASSETS.glob("plotly-cartesian-*.min.js"))
BUNDLE = BUNDLES[-1].name if BUNDLES else None  # its name: version and content hash
CONFIG = {
    "displaylogo": False,
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    "responsive": True,
}
F32_MAX = float(np.finfo(np.float32).max)

_components: dict[str, object] = {}


def loader(name: str, js: str, query: str = "") -> str:
    """The component's inline script: it imports ``js`` from the component's asset
    folder once and hands every render to it. Streamlit runs a file-backed ``js``
    by adding a ``<script>`` to the page at every render and waiting for its load
    event, which came 50–130 ms after the data in headless Chromium here; an inline
    module is imported once. (Inline content travels with every render: this is two
    lines, the script itself stays a file.) ``query`` goes with the script's address
    (the script reads it from ``import.meta.url``)."""
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    url = ("/" + base if base else "") + f"/_stcore/bidi-components/nnviz.{name}/{js}{query}"
    return (
        f"const module = import(new URL({url!r}, location.href).href);\n"
        "export default async (component) => (await module).default(component);\n"
    )


def component(name: str, js: str, query: str = ""):
    """The mount function of nnviz's component ``name`` (its script ``js`` in
    ``assets/``), registered on first use, or None when Streamlit does not know the
    component's asset folder (nnviz not installed: the manifest in the installed
    package, ``nnviz/pyproject.toml``, declares it)."""
    if name not in _components:
        root = asset_root(name)
        mount = None
        if root is not None and (root / js).is_file():
            mount = st.components.v2.component(
                f"nnviz.{name}", js=loader(name, js, query), isolate_styles=False
            )
        _components[name] = mount
    return _components[name]


def asset_root(name: str) -> Path | None:
    """Where Streamlit serves component ``name``'s files from (its asset folder, as
    the installed package's manifest declares it), or None."""
    from streamlit.components.v2.get_bidi_component_manager import get_bidi_component_manager

    path = get_bidi_component_manager().get_component_path(f"nnviz.{name}")
    return Path(path) if path else None


def _mounter():
    """The live elements' mount function, or None: then live charts are plain
    ``st.plotly_chart`` and the numbers ``st.metric``. The script is told plotly.js's
    name, so that it starts loading it as soon as it runs."""
    if BUNDLE is None:
        return None
    return component("live_chart", "live_chart.js", f"?plotly={BUNDLE}")


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


# ------------------------------------------------------------------------ a run's chunk
@dataclass(frozen=True)
class Timing:
    """What every message of one run of the live view says of its chunk."""

    sid: str  # the session (a new one restarts the browser's count)
    chunk: int  # the chunk's number
    frames: int  # its frames, played one every FRAME_S
    more: bool  # the run trains on: the browser asks for the next chunk in time
    now: bool  # show at once, dropping the frames still to play (not playing)

    def header(self) -> dict:
        return {
            "sid": self.sid,
            "chunk": self.chunk,
            "frames": self.frames,
            "frame_ms": FRAME_S * 1000,
            "more": self.more,
            "now": self.now,
        }


# ------------------------------------------------------------------------ the charts
@dataclass
class Sent:
    """What this session's browser holds for one chart."""

    epoch: int
    signature: object
    base: dict  # the whole figure the browser holds (as to_plotly_json gives it)
    info: dict = field(default_factory=dict)  # what patches need to know of the base
    payload: bytes | None = None  # the last message
    frames: list = field(default_factory=list)  # the last patches sent
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


def _clicked(key: str) -> Callable[[], None]:
    def callback() -> None:
        value = (SS.get(key) or {}).get("click")
        handler = SS.get("_live_click_handlers", {}).get(key)
        if value and handler is not None:
            handler(value)

    return callback


def chart(
    spec,
    timing: Timing,
    due: Sequence[tuple[int, object]] = (),
    *,
    on_click: Callable[[dict], None] | None = None,
) -> int:
    """Show live chart ``spec`` (a ``LiveSpec``) in this run; returns the bytes sent.

    ``due``: the frames of this chunk the chart is due at, as (frame index, State).
    The whole figure goes when the browser holds none of this chart, one of another
    signature, or lost it, or when ``spec.frames`` cannot patch; else the patches of
    the due frames; else (not due) nothing new. ``on_click(point)`` is called (as a
    widget callback, before the page reruns) with ``{"trace", "index", "customdata"}``
    when a point of one of ``spec.clickable()`` is clicked.
    """
    config = {**CONFIG, **spec.config}
    if _mounter() is None:
        st.plotly_chart(spec.figure(), key=spec.key, theme=None, config=config)
        return 0
    message = {**timing.header(), "height": int(spec.height)}
    SS.setdefault("_live_click_handlers", {})[spec.key] = on_click
    record = sent(spec.key)
    patches = None
    if record is not None and record.signature == spec.signature():
        states = [s for _, s in due]
        patches = spec.frames(record.base, record.info, states) if states else []
    if patches is None:
        old = _sent().get(spec.key)
        fig = spec.figure()
        base = fig.to_plotly_json() if hasattr(fig, "to_plotly_json") else fig
        record = Sent((old.epoch + 1) if old else 1, spec.signature(), base, spec.base_info())
        _sent()[spec.key] = record
        clickable = list(spec.clickable()) if on_click else []
        message.update(base=base, config=config, clickable=clickable, plotly=BUNDLE, patches=[])
    else:
        frames = [i for i, _ in due][len(due) - len(patches) :]
        if patches:
            record.frames = list(patches)
        message["patches"] = [[i, p] for i, p in zip(frames, patches)]
    message["epoch"] = record.epoch
    payload = encode(message)
    record.payload = payload
    _mounter()(
        key=spec.key,
        data=payload,
        height=int(spec.height),
        on_resync_change=_ask_resync(spec.key),
        on_click_change=_clicked(spec.key),
    )
    return len(payload)


def shown(key: str) -> dict | None:
    """The figure the browser shows for ``key`` once its frames have played (its base
    with the last patch), or None: what a test reads instead of a screen."""
    record = _sent().get(key)
    if record is None:
        return None
    return apply_patch(record.base, record.frames[-1]) if record.frames else record.base


# ------------------------------------------------------------------------ the numbers
@dataclass(frozen=True)
class Metric:
    name: str  # data-nnviz-metric
    label: str
    help: str = ""


def numbers(
    key: str,
    timing: Timing,
    metrics: Sequence[Metric],
    values: Sequence[Sequence[str]],
    *,
    on_next: Callable[[], None],
) -> int:
    """The live numbers: one text per metric and frame (``values[frame][metric]``),
    shown with the charts' frames. This element is the clock: its trigger "next" (the
    browser asking for the next chunk, ``on_next``) reruns the live fragment."""
    if _mounter() is None:
        row = st.container(horizontal=True, gap="small")
        for m, v in zip(metrics, values[-1]):
            row.metric(m.label, v, help=m.help or None, width="stretch")
        return 0
    message = {
        **timing.header(),
        "clock": True,
        "metrics": [{"name": m.name, "label": m.label, "help": m.help} for m in metrics],
        "values": [list(v) for v in values],
    }
    payload = encode(message)
    _mounter()(key=key, data=payload, on_next_change=on_next)
    return len(payload)
