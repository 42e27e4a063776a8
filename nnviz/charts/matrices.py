"""Heatmaps of the real matrices: W_l, b_l, and any Z, A, dZ, dW of the backprop inspector.

Matrices read like the maths: row 0 on top, rows = "from" neurons (the inputs of
the layer), columns = "to" neurons. Diverging colours are centred at zero with a
symmetric range (orange negative, white zero, blue positive); the value is
printed in each cell when the matrix is at most 12 × 12.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ._style import (
    DIVERGING,
    GRID,
    SEQUENTIAL,
    base_layout,
    fmt_array,
    fmt_compact,
    symmetric_max,
    unique_labels,
)

MAX_TEXT_CELLS = 12  # print values when rows and columns are both at most this
MAX_TEXT_COLUMNS = 14  # layer_heatmaps: values only while all matrices have ≤ this many columns
TYPICAL_WIDTH_PX = 900  # plot width assumed when deciding whether labels need turning


def _as_matrix(M, what: str) -> np.ndarray:
    M = np.asarray(M, dtype=float)
    if M.ndim == 1:
        M = M.reshape(1, -1)
    if M.ndim != 2:
        raise ValueError(f"{what} takes a 1-D or 2-D array; got shape {M.shape}")
    return M


def _colorscale(colorscale):
    return DIVERGING if colorscale in (None, "playground") else colorscale


def _matrix_height(n_rows: int, height: int | None, top: int, bottom: int = 12) -> int:
    """Figure height: ~34 px a row, at least 110 px of plot, at most 620 px in all."""
    if height is not None:
        return int(height)
    return int(min(620, top + bottom + max(110, 34 * n_rows)))


def _category_axes(fig: go.Figure, *, row=None, col=None, show_x=True, show_y=True):
    fig.update_xaxes(
        type="category",
        side="top",
        showgrid=False,
        ticks="",
        showticklabels=show_x,
        tickfont=dict(size=14),
        row=row,
        col=col,
    )
    fig.update_yaxes(
        type="category",
        autorange="reversed",
        showgrid=False,
        ticks="",
        showticklabels=show_y,
        tickfont=dict(size=14),
        row=row,
        col=col,
    )


def weight_heatmap(
    W,
    *,
    row_labels: Sequence | None,
    col_labels: Sequence | None,
    title: str | None,
    zmax: float | None = None,
    colorscale=None,
    show_values: bool = True,
    height: int | None = None,
    value_name: str = "w",
) -> go.Figure:
    """W (n_in, n_out) as a heatmap: rows = "from" neurons, columns = "to" neurons.

    ``zmid=0`` with ``zmin = -zmax``; ``zmax`` defaults to max |W| so white is 0.
    Pass one ``zmax`` to several heatmaps to compare them (or the same matrix over
    time). Hover: "from X → to Y: value". Cell text (3 significant digits) when
    ``show_values`` and the matrix is at most 12 × 12. Row 0 is on top.
    ``colorscale`` defaults to orange (−) ↔ white ↔ blue (+), the colours of the
    network diagram's edges; pass ``"RdBu_r"`` or any Plotly scale to change it.
    """
    W = _as_matrix(W, "weight_heatmap")
    n_in, n_out = W.shape
    rows = unique_labels(row_labels, n_in, "in ")
    cols = unique_labels(col_labels, n_out, "out ")
    z = symmetric_max(W, zmax=zmax)
    small = show_values and n_in <= MAX_TEXT_CELLS and n_out <= MAX_TEXT_CELLS
    fig = go.Figure(
        go.Heatmap(
            z=W,
            x=cols,
            y=rows,
            zmin=-z,
            zmax=z,
            zmid=0,
            colorscale=_colorscale(colorscale),
            text=fmt_array(W) if small else None,
            texttemplate="%{text}" if small else None,
            textfont=dict(size=14),
            hovertemplate=f"from %{{y}} → to %{{x}}: {value_name} = %{{z:.4g}}<extra></extra>",
            xgap=1,
            ygap=1,
            colorbar=dict(thickness=14, len=0.9, tickfont=dict(size=14)),
        )
    )
    top = 80 if title else 40
    base_layout(
        fig, height=_matrix_height(n_in, height, top), title=title, margin=dict(t=top, l=80, b=12)
    )
    _category_axes(fig)
    fig.update_layout(xaxis_title=None, yaxis_title=None)
    return fig


def bias_heatmap(
    b,
    *,
    labels: Sequence | None,
    title: str | None,
    zmax: float | None = None,
    colorscale=None,
    show_values: bool = True,
    height: int | None = None,
) -> go.Figure:
    """b (n_out,) as a one-row heatmap, columns labelled with the "to" neuron names.

    Symmetric range (``zmax`` or max |b|), the colourbar horizontal under the row.
    """
    b = np.asarray(b, dtype=float).reshape(-1)
    n = b.shape[0]
    cols = unique_labels(labels, n, "out ")
    z = symmetric_max(b, zmax=zmax)
    small = show_values and n <= MAX_TEXT_CELLS
    fig = go.Figure(
        go.Heatmap(
            z=b.reshape(1, -1),
            x=cols,
            y=["bias"],
            zmin=-z,
            zmax=z,
            zmid=0,
            colorscale=_colorscale(colorscale),
            text=fmt_array(b.reshape(1, -1)) if small else None,
            texttemplate="%{text}" if small else None,
            textfont=dict(size=14),
            hovertemplate="bias of %{x}: %{z:.4g}<extra></extra>",
            xgap=1,
            ygap=1,
            colorbar=dict(
                orientation="h",
                thickness=10,
                len=0.5,
                x=1.0,
                xanchor="right",
                y=-0.15,
                yanchor="top",
                tickfont=dict(size=14),
            ),
        )
    )
    top = 80 if title else 40
    base_layout(fig, height=height or top + 44 + 60, title=title, margin=dict(t=top, l=80, b=60))
    _category_axes(fig)
    return fig


def layer_heatmaps(
    weights: Sequence,
    biases: Sequence | None,
    names: Sequence[Sequence],
    *,
    zmax: float | None = None,
    show_values: bool = True,
    height: int | None = None,
    title: str | None = None,
    colorscale=None,
    width: int = TYPICAL_WIDTH_PX,
) -> go.Figure:
    """Every W_l with its b_l right under it, one column per layer, in one figure.

    ``names``: node labels per layer including the input layer (as for
    :func:`network_diagram`). One shared symmetric colour range (``zmax`` or the
    largest |w| or |b| of all layers), one colourbar, so the layers compare
    directly. Every matrix has the same cell height (a 2-row W_1 is short, an
    8-row W_2 tall); column widths follow the number of "to" neurons. Cell text,
    when a matrix is at most 12 × 12 and all layers together have at most 14
    columns, is compact (two decimals, ≤ 5 characters: the exact value is in the
    hover) because the cells are narrow; column labels turn vertical when they
    would not fit side by side. ``width``: the px the figure is laid out for (labels
    turn, and the gap between two matrices leaves room for the next one's row labels).
    """
    weights = [_as_matrix(W, "layer_heatmaps") for W in weights]
    L = len(weights)
    if len(names) != L + 1:
        raise ValueError(
            f"names needs {L + 1} lists of node labels (input … output), got {len(names)}"
        )
    if biases is None:
        biases = [np.zeros(W.shape[1]) for W in weights]
    biases = [np.asarray(b, dtype=float).reshape(-1) for b in biases]
    z = symmetric_max(*weights, *biases, zmax=zmax)
    exponent = shared_exponent(z)
    unit = 10.0**exponent

    def cells(M):
        return [[fmt_compact(v / unit) for v in r] for r in np.atleast_2d(M)]

    widths = [max(W.shape[1], 1.5) for W in weights]
    max_rows = max(W.shape[0] for W in weights)
    cell = float(np.clip(520 / max_rows, 10, 36))
    gap = 8.0
    plot_px = cell * (max_rows + 1) + gap
    n_cols = sum(W.shape[1] for W in weights)
    crowded = n_cols > MAX_TEXT_COLUMNS
    # turn a matrix's "to" labels when they cannot sit side by side (Plotly's auto-rotation
    # would run them into the W titles); its title then moves up by the labels' length
    cell_px = width / (n_cols + 1.5 * L)
    label_px = []
    for l in range(L):
        longest = max(len(str(n)) for n in names[l + 1])
        turn = crowded or longest * 8.5 > cell_px
        label_px.append(int(longest * 8.5 + 8) if turn else 22)
    top = max(label_px) + 34 + (40 if title else 0)
    # the gap before W_l (l ≥ 2) holds its row labels: the names of layer l-1 (or "b_l")
    row_label_px = max([8.5 * max(len(str(n)) for n in names[l]) + 14 for l in range(1, L)] + [0.0])
    fig = make_subplots(
        rows=2,
        cols=L,
        column_widths=[w / sum(widths) for w in widths],
        horizontal_spacing=min(max(row_label_px / width, 0.04), 0.5 / max(L, 1)) if L > 1 else 0.04,
    )
    annotations = []
    for l, (W, b) in enumerate(zip(weights, biases, strict=True)):
        rows = unique_labels(names[l], W.shape[0], "in ")
        cols = unique_labels(names[l + 1], W.shape[1], "out ")
        small = (
            show_values
            and not crowded
            and W.shape[0] <= MAX_TEXT_CELLS
            and W.shape[1] <= MAX_TEXT_CELLS
        )
        fig.add_trace(
            go.Heatmap(
                z=W,
                x=cols,
                y=rows,
                coloraxis="coloraxis",
                text=cells(W) if small else None,
                texttemplate="%{text}" if small else None,
                textfont=dict(size=14),
                xgap=1,
                ygap=1,
                name=f"W{l + 1}",
                hovertemplate=f"W{l + 1}: from %{{y}} → to %{{x}}: %{{z:.4g}}<extra></extra>",
            ),
            row=1,
            col=l + 1,
        )
        fig.add_trace(
            go.Heatmap(
                z=b.reshape(1, -1),
                x=cols,
                y=[f"b{l + 1}"],
                coloraxis="coloraxis",
                text=cells(b) if small else None,
                texttemplate="%{text}" if small else None,
                textfont=dict(size=14),
                xgap=1,
                ygap=1,
                name=f"b{l + 1}",
                hovertemplate=f"b{l + 1}: bias of %{{x}}: %{{z:.4g}}<extra></extra>",
            ),
            row=2,
            col=l + 1,
        )
        _category_axes(fig, row=1, col=l + 1)
        fig.update_xaxes(tickangle=0 if label_px[l] == 22 else -90, row=1, col=l + 1)
        _category_axes(fig, row=2, col=l + 1, show_x=False)
        # same cell height everywhere: W_l from the top, b_l just under it
        w_bottom = 1 - W.shape[0] * cell / plot_px
        b_top = w_bottom - gap / plot_px
        fig.update_yaxes(domain=[max(w_bottom, 0.0), 1.0], row=1, col=l + 1)
        fig.update_yaxes(
            domain=[max(b_top - cell / plot_px, 0.0), max(b_top, 0.0)], row=2, col=l + 1
        )
        xdom = fig.get_subplot(1, l + 1).xaxis.domain
        annotations.append(
            dict(
                x=(xdom[0] + xdom[1]) / 2,
                y=1,
                xref="paper",
                yref="paper",
                yanchor="bottom",
                yshift=max(label_px) + 6,
                showarrow=False,
                text=f"<b>W{l + 1}</b>",
                font=dict(size=15),
            )
        )
    if exponent and not crowded and show_values:
        title = (f"{title} · " if title else "") + f"cell values ×{power_of_ten(exponent)}"
    base_layout(
        fig, height=height or int(top + plot_px + 12), title=title, margin=dict(t=top, l=80, b=12)
    )
    fig.update_layout(
        annotations=annotations,
        coloraxis=dict(
            colorscale=_colorscale(colorscale),
            cmin=-z,
            cmax=z,
            cmid=0,
            colorbar=dict(thickness=14, len=1.0, tickfont=dict(size=14), exponentformat="power"),
        ),
    )
    return fig


SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def shared_exponent(zmax: float) -> int:
    """The power of ten to print cells in when their largest |value| is ``zmax``: 0 for
    values a two-decimal cell shows (0.01 … 999), else the exponent that brings
    ``zmax`` to 1 … 9.99 (gradients of ±2e-4 print as "−2.00" with "×10⁻⁴")."""
    if not (zmax > 0 and np.isfinite(zmax)) or 0.01 <= zmax < 1000:
        return 0
    return int(np.floor(np.log10(zmax)))


def power_of_ten(exponent: int) -> str:
    return "10" + str(int(exponent)).translate(SUPERSCRIPT)


def matrix_figure(
    M,
    *,
    title: str | None,
    row_labels: Sequence | None = None,
    col_labels: Sequence | None = None,
    diverging: bool = True,
    zmax: float | None = None,
    show_values: bool = True,
    height: int | None = None,
) -> go.Figure:
    """Any small matrix (Z, A, dA, dZ, dW …) with its values, for the backprop inspector.

    ``diverging=True``: orange ↔ white ↔ blue centred at 0 with a symmetric range
    (``zmax`` or max |M|). ``diverging=False``: the same colours over the range, white
    in the middle; the range is [0, 1] when all values lie in it (activations of
    sigmoid/softmax), else [min, max].
    Rows default to "row 0", "row 1" … (batch rows), columns to "1", "2" ….
    A 1-D array is drawn as one row. Values printed when at most 12 × 12.
    """
    M = _as_matrix(M, "matrix_figure")
    n, m = M.shape
    rows = unique_labels(
        row_labels if row_labels is not None else [f"row {i}" for i in range(n)], n, "row "
    )
    cols = unique_labels(
        col_labels if col_labels is not None else [str(j + 1) for j in range(m)], m, "col "
    )
    small = show_values and n <= MAX_TEXT_CELLS and m <= MAX_TEXT_CELLS
    if diverging:
        z = symmetric_max(M, zmax=zmax)
        color = dict(zmin=-z, zmax=z, zmid=0, colorscale=DIVERGING)
    else:
        finite = M[np.isfinite(M)]
        lo = float(finite.min()) if finite.size else 0.0
        hi = float(finite.max()) if finite.size else 1.0
        if zmax is not None:
            lo, hi = min(lo, 0.0), float(zmax)
        elif lo >= 0.0 and hi <= 1.0:
            lo, hi = 0.0, 1.0
        if hi <= lo:
            hi = lo + 1.0
        color = dict(zmin=lo, zmax=hi, colorscale=SEQUENTIAL)
    fig = go.Figure(
        go.Heatmap(
            z=M,
            x=cols,
            y=rows,
            **color,
            text=fmt_array(M) if small else None,
            texttemplate="%{text}" if small else None,
            textfont=dict(size=14),
            xgap=1 if small else 0,
            ygap=1 if small else 0,
            hovertemplate="%{y}, %{x}: %{z:.4g}<extra></extra>",
            colorbar=dict(thickness=14, len=0.9, tickfont=dict(size=14)),
        )
    )
    top = 80 if title else 40
    base_layout(
        fig, height=_matrix_height(n, height, top), title=title, margin=dict(t=top, l=80, b=12)
    )
    _category_axes(fig, show_y=n <= 40)
    fig.update_xaxes(gridcolor=GRID)
    return fig
