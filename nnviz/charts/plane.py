"""The input plane: the network's output over two inputs (TensorFlow Playground's main
view), the rows on top. Each neuron's own map over the same plane is
:mod:`nnviz.charts.neurons`'."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import plotly.graph_objects as go

from ..activations import ACTIVATIONS
from ._style import (
    BLUE,
    DIVERGING_LIGHT,
    GREY,
    INK,
    ORANGE,
    PALETTE,
    WHITE,
    base_layout,
    esc,
    tint,
)

#: output activation → (low, high) of its range, centre in the middle (the bounded ones)
OUTPUT_RANGES = {name: act.output_range for name, act in ACTIVATIONS.items() if act.bounded}


def plane_grid(x_range, y_range, resolution: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(xs, ys, XY): the grid axes and its points as an (resolution², 2) array, rows
    in the order ``z.ravel()`` of a heatmap ``z[i, j]`` at ``(xs[j], ys[i])``."""
    n = int(resolution)
    if n < 2:
        raise ValueError(f"resolution must be at least 2; got {resolution}")
    xs = np.linspace(float(x_range[0]), float(x_range[1]), n)
    ys = np.linspace(float(y_range[0]), float(y_range[1]), n)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.column_stack([gx.ravel(), gy.ravel()])


def _class_scale(k: int, discretize: bool) -> list:
    """Colourscale over z in [0, k]: band c runs from a light to a full tint of class c."""
    scale = []
    for c in range(k):
        color = PALETTE[c % len(PALETTE)]
        lo, hi = c / k, (c + 1) / k
        scale.append([lo, tint(color, 0.72 if discretize else 0.08)])
        scale.append([hi, tint(color, 0.72)])
    return scale


def _class_index(labels, class_names) -> np.ndarray:
    labels = np.asarray(labels, dtype=object)
    out = np.full(labels.shape, -1, dtype=int)
    names = [str(c) for c in class_names] if class_names is not None else None
    for i, lab in enumerate(labels):
        if names is not None and str(lab) in names:
            out[i] = names.index(str(lab))
            continue
        try:
            f = float(lab)
        except (TypeError, ValueError):
            continue
        if np.isfinite(f):
            out[i] = int(round(f))
    return out


def _grid_outputs(predict_fn, x_range, y_range, resolution):
    xs, ys, XY = plane_grid(x_range, y_range, resolution)
    out = np.asarray(predict_fn(XY), dtype=float)
    if out.ndim == 1:
        out = out.reshape(-1, 1)
    if out.shape[0] != XY.shape[0]:
        raise ValueError(f"predict_fn returned {out.shape[0]} rows for {XY.shape[0]} grid points")
    return xs, ys, out


def _class_names(class_names, k: int) -> list[str]:
    """The classes' names as chart text (see ``esc``)."""
    names = [esc(c) for c in class_names] if class_names is not None else [str(c) for c in range(k)]
    if len(names) != k:
        raise ValueError(f"class_names has {len(names)} names for {k} outputs")
    return names


def _output_parts(
    out: np.ndarray,
    n: int,
    *,
    act: str,
    discretize: bool,
    class_names,
    output: int,
    points: dict | None,
) -> dict:
    """What the plane's heatmap shows for these outputs, by attribute path: ``z`` (and
    ``text`` for classes), plus ``coloraxis.cmin``/``cmax`` for a linear output (whose
    colours span the outputs and the targets)."""
    if act == "softmax" and out.shape[1] > 1:
        k = out.shape[1]
        names = _class_names(class_names, k)
        cls = out.argmax(axis=1)
        p = out.max(axis=1)
        conf = np.ones_like(p) if discretize else np.clip((p - 1 / k) / (1 - 1 / k), 0, 1)
        z = (cls + np.minimum(conf, 0.999)).reshape(n, n)
        text = [
            [f"{names[c]} (p = {q:.2f})" for c, q in zip(crow, prow, strict=True)]
            for crow, prow in zip(cls.reshape(n, n), p.reshape(n, n), strict=True)
        ]
        return {"z": z, "text": text}
    col = int(output)
    if not 0 <= col < out.shape[1]:
        raise ValueError(f"output {output} out of range for {out.shape[1]} outputs")
    z = out[:, col].reshape(n, n)
    if act in OUTPUT_RANGES:
        lo, hi = OUTPUT_RANGES[act]
        if discretize:
            z = np.where(z >= (lo + hi) / 2, hi, lo)
        return {"z": z}
    vals = [z.ravel()]
    if points is not None and len(points.get("label", [])):
        try:  # target values share the colours (class labels of a neuron's map do not)
            lab = np.asarray(points["label"], dtype=float)
            vals.append(lab[np.isfinite(lab)])
        except (TypeError, ValueError):
            pass
    allv = np.concatenate(vals)
    allv = allv[np.isfinite(allv)]
    lo, hi = (float(allv.min()), float(allv.max())) if allv.size else (0.0, 1.0)
    if hi <= lo:
        hi = lo + 1.0
    return {"z": z, "coloraxis.cmin": lo, "coloraxis.cmax": hi}


def _add_output(
    fig, xs, ys, parts: dict, *, act: str, k: int, class_names, discretize: bool, hover_xy: str
) -> str | None:
    """The output heatmap (the first trace); returns the colour axis the points share
    (a linear output's), or None."""
    if k > 1:  # softmax: the argmax class, tinted by how sure
        fig.add_trace(
            go.Heatmap(
                x=xs,
                y=ys,
                z=parts["z"],
                zmin=0,
                zmax=k,
                colorscale=_class_scale(k, discretize),
                text=parts["text"],
                hovertemplate=hover_xy + "%{text}<extra></extra>",
                name="output",
                colorbar=dict(
                    title=dict(text="class", side="right"),
                    tickvals=np.arange(k) + 0.5,
                    ticktext=_class_names(class_names, k),
                    thickness=14,
                    tickfont=dict(size=14),
                ),
            )
        )
        return None
    if act in OUTPUT_RANGES:
        lo, hi = OUTPUT_RANGES[act]
        fig.add_trace(
            go.Heatmap(
                x=xs,
                y=ys,
                z=parts["z"],
                zmin=lo,
                zmax=hi,
                zmid=(lo + hi) / 2,
                colorscale=DIVERGING_LIGHT,
                name="output",
                zsmooth=False if discretize else "fast",
                hovertemplate=hover_xy + "output = %{z:.3f}<extra></extra>",
                colorbar=dict(thickness=12, tickfont=dict(size=14), xpad=6),
            )
        )
        return None
    fig.add_trace(
        go.Heatmap(
            x=xs,
            y=ys,
            z=parts["z"],
            coloraxis="coloraxis",
            name="output",
            zsmooth="fast",
            hovertemplate=hover_xy + "output = %{z:.4g}<extra></extra>",
        )
    )
    fig.update_layout(
        coloraxis=dict(
            colorscale=DIVERGING_LIGHT,
            cmin=parts["coloraxis.cmin"],
            cmax=parts["coloraxis.cmax"],
            colorbar=dict(thickness=12, tickfont=dict(size=14), xpad=6),
        )
    )
    return "coloraxis"


def decision_plane(
    predict_fn: Callable[[np.ndarray], np.ndarray],
    *,
    x_range: Sequence[float],
    y_range: Sequence[float],
    points: dict | None = None,
    resolution: int = 80,
    output_activation: str = "sigmoid",
    title: str | None = None,
    discretize: bool = False,
    class_names: Sequence | None = None,
    x_label: str = "x1",
    y_label: str = "x2",
    output: int = 0,
    height: int = 480,
    label_activation: str | None = None,
) -> go.Figure:
    """The network's output over a plane of two inputs, with the data on top.

    ``predict_fn`` gets the grid as an (resolution², 2) array in the table's input
    units and returns (m, k) outputs. Single output (column ``output``):

    * sigmoid / tanh: light orange ↔ white ↔ light blue (lighter than the
      points, as in TensorFlow Playground) centred at 0.5 / 0 over the
      activation's range; ``discretize`` thresholds at the centre (two colours).
      ``z`` holds the outputs themselves.
    * linear (or anything else): the same colours over the range of the outputs and
      targets (white in the middle); regression points are coloured on the same
      scale, so a mismatch shows.

    softmax (k > 1): each cell takes the colour of its argmax class, from a light
    tint (probability 1/k, unsure) to the full colour (probability 1);
    ``discretize`` draws the full colours only. The colourbar names the classes.

    ``points``: dict of arrays ``x``, ``y``, ``label`` and optionally ``split``
    ("train" → filled circles with a white ring, "test" → diamonds with a dark
    ring, others → grey crosses). Labels are classes (0/1, −1/1, class index or
    name from ``class_names``) or target values for a linear output.
    ``label_activation``: the output activation the labels are read for, when the map
    is not the output's (a hidden neuron's map shows the classes as the output sees them).

    The heatmap is always the first trace: :func:`decision_plane_patch` redraws it
    for another state of the network.
    """
    xs, ys, out = _grid_outputs(predict_fn, x_range, y_range, resolution)
    n = xs.shape[0]
    x_label, y_label = esc(x_label), esc(y_label)  # column names are text, never markup
    act = str(output_activation).lower()
    softmax = act == "softmax" and out.shape[1] > 1
    parts = _output_parts(
        out,
        n,
        act=act,
        discretize=discretize,
        class_names=class_names,
        output=output,
        points=points,
    )
    fig = go.Figure()
    hover_xy = f"{x_label} = %{{x:.3g}}<br>{y_label} = %{{y:.3g}}<br>"
    coloraxis = _add_output(
        fig,
        xs,
        ys,
        parts,
        act=act,
        k=out.shape[1] if softmax else 1,
        class_names=class_names,
        discretize=discretize,
        hover_xy=hover_xy,
    )

    if points is not None:
        labels_act = act if label_activation is None else str(label_activation).lower()
        regression = labels_act not in OUTPUT_RANGES
        _add_points(
            fig,
            points,
            act=labels_act,
            softmax=softmax or labels_act == "softmax",
            out_width=out.shape[1] if class_names is None else len(class_names),
            class_names=class_names,
            coloraxis=coloraxis if regression else None,
            x_label=x_label,
            y_label=y_label,
        )

    base_layout(fig, height=height, title=title, margin=dict(t=70 if title else 36, r=6, l=50))
    fig.update_xaxes(
        title=dict(text=str(x_label), standoff=6),
        range=[xs[0], xs[-1]],
        showgrid=False,
        zeroline=False,
        constrain="domain",
        ticks="outside",
    )
    fig.update_yaxes(
        title=dict(text=str(y_label), standoff=6),
        range=[ys[0], ys[-1]],
        showgrid=False,
        zeroline=False,
        ticks="outside",
    )
    fig.update_layout(
        legend=dict(
            orientation="h",
            yanchor="bottom",
            y=1.0,
            xanchor="left",
            x=0,
            bgcolor="rgba(255,255,255,0)",
            font=dict(size=14),
            itemwidth=30,
            tracegroupgap=4,
        ),
        hovermode="closest",
    )
    return fig


def decision_plane_patch(
    predict_fn: Callable[[np.ndarray], np.ndarray],
    *,
    x_range: Sequence[float],
    y_range: Sequence[float],
    points: dict | None = None,
    resolution: int = 80,
    output_activation: str = "sigmoid",
    title: str | None = None,
    discretize: bool = False,
    class_names: Sequence | None = None,
    output: int = 0,
) -> dict:
    """What :func:`decision_plane` (same arguments) draws differently for another state
    of the network: the heatmap's values and the title, as a patch."""
    xs, _, out = _grid_outputs(predict_fn, x_range, y_range, resolution)
    parts = _output_parts(
        out,
        xs.shape[0],
        act=str(output_activation).lower(),
        discretize=discretize,
        class_names=class_names,
        output=output,
        points=points,
    )
    layout = {k: parts.pop(k) for k in list(parts) if k.startswith("coloraxis.")}
    if title:
        layout["title.text"] = title
    return {"data": {"0": parts}, "layout": layout}


_SPLIT_STYLE = {
    "train": dict(symbol="circle", size=9, line=dict(color=WHITE, width=1.2)),
    "test": dict(symbol="diamond", size=10, line=dict(color=INK, width=1.5)),
}
_OTHER_STYLE = dict(symbol="x", size=11, line=dict(color=INK, width=1.2))


def _add_points(fig, points, *, act, softmax, out_width, class_names, coloraxis, x_label, y_label):
    x = np.asarray(points["x"], dtype=float)
    y = np.asarray(points["y"], dtype=float)
    labels = np.asarray(points.get("label", np.full(x.shape, np.nan)), dtype=object)
    split = np.asarray(points.get("split", ["train"] * len(x)), dtype=object).astype(str)
    if not (x.shape == y.shape == labels.shape == split.shape):
        raise ValueError("points x, y, label and split must have the same length")
    hover = (
        f"{x_label} = %{{x:.3g}}<br>{y_label} = %{{y:.3g}}<br>%{{text}}"
        "<extra>%{fullData.name}</extra>"
    )
    order = ["train", "test"] + sorted(set(split) - {"train", "test"})
    regression = coloraxis is not None
    for s in order:
        m = split == s
        if not m.any():
            continue
        style = dict(_SPLIT_STYLE.get(s, _OTHER_STYLE))
        if regression:
            lab = labels[m].astype(float)
            style.update(color=np.where(np.isfinite(lab), lab, np.nan), coloraxis=coloraxis)
            if s not in _SPLIT_STYLE:
                style.update(color=GREY)
                style.pop("coloraxis")
            style["line"] = dict(color=INK, width=1.2)
            fig.add_trace(
                go.Scatter(
                    x=x[m],
                    y=y[m],
                    mode="markers",
                    name=s,
                    marker=style,
                    text=[f"target = {v:.4g}" for v in lab],
                    hovertemplate=hover,
                )
            )
            continue
        # classification: one trace per class so the legend names them
        if softmax:
            idx = _class_index(labels[m], class_names)
            names = (
                [esc(c) for c in class_names]
                if class_names is not None
                else [str(c) for c in range(out_width)]
            )
            groups = [
                (c, names[c] if c < len(names) else str(c), PALETTE[c % len(PALETTE)])
                for c in range(len(names))
            ]
        else:
            lo, hi = OUTPUT_RANGES.get(act, (0.0, 1.0))
            mid = (lo + hi) / 2
            vals = np.array([float(v) if _is_number(v) else np.nan for v in labels[m]])
            idx = np.where(np.isnan(vals), -1, (vals >= mid).astype(int))
            low_name = f"{lo:g}" if class_names is None else esc(class_names[0])
            high_name = f"{hi:g}" if class_names is None else esc(class_names[-1])
            groups = [(0, low_name, ORANGE), (1, high_name, BLUE)]
        groups.append((-1, "no label", GREY))
        for c, name, color in groups:
            mm = idx == c
            if not mm.any():
                continue
            st = dict(style, color=color)
            if s not in _SPLIT_STYLE:
                st["color"] = GREY
            fig.add_trace(
                go.Scatter(
                    x=x[m][mm],
                    y=y[m][mm],
                    mode="markers",
                    name=f"{name} · {s}",
                    marker=st,
                    text=[f"label {name}"] * int(mm.sum()),
                    hovertemplate=hover,
                )
            )


def _is_number(v) -> bool:
    try:
        return np.isfinite(float(v))
    except (TypeError, ValueError):
        return False
