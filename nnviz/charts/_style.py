"""One look for every chart: white background, large fonts, explicit colours.

Colour language (as TensorFlow Playground): **blue = positive, orange = negative**,
white = zero, for weights, gradients, activations and outputs alike. Colourscales
are always set explicitly because Streamlit's theme replaces Plotly's defaults.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ..quoting import visible

BLUE = "#0877bd"
ORANGE = "#f59322"
WHITE = "#ffffff"
GREY = "#6b7280"
INK = "#1f2937"
GRID = "#e5e7eb"
FONT_FAMILY = "Inter, 'Segoe UI', Helvetica, Arial, sans-serif"
FONT_SIZE = 14  # readable on a projector
SMALL_FONT = 14  # never smaller than this

#: orange (negative) ↔ white (zero) ↔ blue (positive): weights, gradients, activations
DIVERGING = [[0.0, ORANGE], [0.5, WHITE], [1.0, BLUE]]
#: for quantities without a sign (a regression output, A in [0, 1]): the same colours
#: over the quantity's range, orange = low, white = the middle, blue = high — one colour
#: language for every quantity, so a neuron's map and the plane of the same output agree
SEQUENTIAL = DIVERGING

#: one colour per class / per run; the first two match the diverging ends
PALETTE = [
    ORANGE,
    BLUE,
    "#2ca02c",
    "#9467bd",
    "#d62728",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
]
#: runs compared on the loss chart (blue first: the current run)
RUN_COLORS = [BLUE, ORANGE, "#2ca02c", "#9467bd", "#d62728", "#8c564b", "#e377c2", "#17becf"]


_AXIS = dict(
    gridcolor=GRID,
    zerolinecolor=GRID,
    linecolor=GRID,
    ticks="",
    showgrid=True,
    automargin=True,
    zerolinewidth=1,
)
#: plotly_white's look in a few lines: applying the full plotly_white template validates
#: and copies it on every figure (~6 ms each, several figures per live refresh).
TEMPLATE = go.layout.Template(
    layout=dict(
        xaxis=_AXIS,
        yaxis=_AXIS,
        plot_bgcolor=WHITE,
        paper_bgcolor=WHITE,
        hovermode="closest",
        colorway=PALETTE,
    )
)


def esc(text) -> str:
    """A user's text (a column, class or file name) as Plotly text: shown as it is.

    Plotly renders a few HTML tags in titles, labels, names and hovers — ``<a href>``
    among them — so ``<``, ``>`` and ``&`` become entities; bidirectional controls and
    zero-width characters are written out (:func:`nnviz.quoting.visible`)."""
    return html.escape(visible(text), quote=False)


def base_layout(
    fig: go.Figure,
    *,
    height: int | None = None,
    title: str | None = None,
    margin: dict | None = None,
) -> go.Figure:
    """Apply the shared look (white, 14 px fonts, fixed height, constant uirevision).
    The title is text (see :func:`esc`)."""
    m = dict(l=60, r=20, t=50 if title else 20, b=50)
    if margin:
        m.update(margin)
    fig.update_layout(
        template=TEMPLATE,
        paper_bgcolor=WHITE,
        plot_bgcolor=WHITE,
        font=dict(family=FONT_FAMILY, size=FONT_SIZE, color=INK),
        hoverlabel=dict(font=dict(family=FONT_FAMILY, size=FONT_SIZE)),
        margin=m,
        uirevision="nnviz",
    )
    if title:
        # pinned to the top edge, so it never meets what sits above the plot area
        fig.update_layout(
            title=dict(
                text=esc(title),
                x=0.01,
                xanchor="left",
                y=1,
                yref="container",
                yanchor="top",
                pad=dict(t=12),
                font=dict(size=FONT_SIZE + 2),
            )
        )
    if height is not None:
        fig.update_layout(height=int(height))
    return fig


F32_MAX = float(np.finfo(np.float32).max)


def to_f32(a) -> np.ndarray:
    """float32 for compact JSON; values beyond its range (a diverged run) are clipped,
    and NaN stays NaN, without a NumPy warning."""
    a = np.asarray(a, dtype=np.float64)
    return np.clip(a, -F32_MAX, F32_MAX).astype(np.float32)


def fmt3(value: float) -> str:
    """A number with 3 significant digits, as cell text ("0.123", "-4.56", "1.23e+04")."""
    v = float(value)
    if not math.isfinite(v):
        return str(v)
    if v == 0.0:
        return "0"
    s = f"{v:.3g}"
    return "0" if s in ("-0", "0") else s


def fmt_array(a: np.ndarray) -> list:
    """Nested lists of :func:`fmt3` strings shaped like ``a`` (1-D or 2-D)."""
    a = np.asarray(a, dtype=float)
    if a.ndim == 1:
        return [fmt3(v) for v in a]
    return [[fmt3(v) for v in row] for row in a]


def symmetric_max(*arrays, zmax: float | None = None) -> float:
    """``zmax`` if given, else max |value| over the arrays (1.0 if all are zero/empty)."""
    if zmax is not None:
        z = float(zmax)
        if not (z > 0 and math.isfinite(z)):
            raise ValueError(f"zmax must be a positive number; got {zmax!r}")
        return z
    m = 0.0
    for a in arrays:
        a = np.asarray(a, dtype=float)
        if a.size:
            finite = a[np.isfinite(a)]
            if finite.size:
                m = max(m, float(np.max(np.abs(finite))))
    return m if m > 0 else 1.0


def unique_labels(labels: Sequence, n: int, prefix: str) -> list[str]:
    """``n`` distinct strings: the given labels (made unique with ' (2)' …) or prefix+index."""
    if labels is None:
        labels = [f"{prefix}{i + 1}" for i in range(n)]
    labels = [esc(x) for x in labels]
    if len(labels) != n:
        raise ValueError(f"expected {n} labels, got {len(labels)}: {labels}")
    seen: dict[str, int] = {}
    out = []
    for lab in labels:
        if lab in seen:
            seen[lab] += 1
            lab = f"{lab} ({seen[lab]})"
        seen.setdefault(lab, 1)
        out.append(lab)
    return out


def tint(color: str, amount: float) -> str:
    """``color`` (#rrggbb) mixed with white: amount 0 → white, 1 → the colour."""
    color = color.lstrip("#")
    r, g, b = (int(color[i : i + 2], 16) for i in (0, 2, 4))
    mix = [round(255 + (c - 255) * amount) for c in (r, g, b)]
    return "#{:02x}{:02x}{:02x}".format(*mix)


def rgba(color: str, alpha: float) -> str:
    color = color.lstrip("#")
    r, g, b = (int(color[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha:g})"


def even_indices(n: int, k: int) -> np.ndarray:
    """At most ``k`` indices of range(n), evenly spread, always with 0 and n-1."""
    if n <= 0:
        return np.zeros(0, dtype=int)
    if n <= k:
        return np.arange(n)
    k = max(2, int(k))
    return np.unique(np.round(np.linspace(0, n - 1, k)).astype(int))


def fmt_compact(value: float) -> str:
    """At most 5 characters for crowded grids: "0.80", "-6.90", "11.9", "123", "1e+04"."""
    v = float(value)
    if not math.isfinite(v):
        return str(v)
    a = abs(v)
    if a >= 1000:
        s = f"{v:.0e}"
    elif a >= 100:
        s = f"{v:.0f}"
    elif a >= 10:
        s = f"{v:.1f}"
    else:
        s = f"{v:.2f}"
    return "0" if s in ("0.00", "-0.00") else s


#: lighter orange ↔ white ↔ blue for backgrounds (the decision plane), so points stand out
DIVERGING_LIGHT = [[0.0, tint(ORANGE, 0.72)], [0.5, WHITE], [1.0, tint(BLUE, 0.72)]]
