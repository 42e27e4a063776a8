"""The run replayed inside the chart: one frame per snapshot, a slider and Play/Pause."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import plotly.graph_objects as go

from .._style import (
    FONT_SIZE,
    even_indices,
    symmetric_max,
)
from .figure import (
    _layout,
    _prepare,
)
from .geometry import (
    _check_shapes,
    _frame,
    _geometry,
)
from .traces import (
    N_TRACES,
    _bias_array,
    _dynamic_traces,
    _flat,
    _node_array,
    _statics,
)


def network_animation(
    snapshots: Sequence,
    *,
    layer_names: Sequence[Sequence] | None,
    activations: Sequence[str] | None = None,
    node_values_fn: Callable | None = None,
    max_frames: int = 200,
    height: int = 500,
    width: int = 900,
    frame_ms: int = 80,
    title: str | None = None,
) -> go.Figure:
    """A replay of training: one Plotly frame per snapshot, a slider and Play/Pause.

    ``snapshots``: ``(iteration, weights, biases)`` tuples in order, as
    ``History.snapshot(i)`` returns them; evenly thinned to at most ``max_frames``
    (first and last always kept; repeated iterations keep their last snapshot).
    ``node_values_fn(weights, biases)`` → node values per layer (input included)
    colours the nodes in every frame. Edge widths use ONE |w| scale over all
    frames (the largest |w| anywhere), node and bias colours one range too, so
    widths and colours compare across time. Frames carry only what changes (edge
    polylines, hover values, colours) as float32; each frame has all ``N_TRACES``
    traces. The figure starts at the first frame, slider at 0.
    """
    snaps = []
    for snap in snapshots:
        it, W, b = snap
        if snaps and int(it) == snaps[-1][0]:
            snaps[-1] = (int(it), W, b)
        else:
            snaps.append((int(it), W, b))
    if not snaps:
        raise ValueError("network_animation needs at least one snapshot")
    snaps = [snaps[i] for i in even_indices(len(snaps), max(2, int(max_frames)))]
    sizes, layer_names, activations = _prepare(snaps[0][1], layer_names, activations)
    geom = _geometry(sizes)
    weights_all = [_check_shapes(W, sizes) for _, W, _ in snaps]
    if node_values_fn is not None:
        nodes_all = [node_values_fn(W, b) for _, W, b in snaps]
    else:
        nodes_all = [None] * len(snaps)
    scale = symmetric_max(*[_flat(W) for W in weights_all])
    biases_all = [b for _, _, b in snaps]
    bmax = symmetric_max(*[_bias_array(b, sizes) for b in biases_all])
    has_nodes = node_values_fn is not None
    nmax = symmetric_max(*[_node_array(nv, sizes) for nv in nodes_all]) if has_nodes else 1.0
    frame = _frame(
        geom,
        layer_names,
        width=width,
        height=height,
        title=title,
        has_node_values=has_nodes,
        animated=True,
    )
    statics = _statics(geom, layer_names, activations, False, "weight", has_nodes, frame)
    kw = dict(edge_scale=scale, node_max=nmax, bias_max=bmax)
    first = _dynamic_traces(
        geom, weights_all[0], biases_all[0], nodes_all[0], None, full=True, statics=statics, **kw
    )
    fig = go.Figure(data=first)
    trace_ids = list(range(N_TRACES))
    frames, steps = [], []
    for k, (it, _, _) in enumerate(snaps):
        name = str(it)
        data = _dynamic_traces(
            geom, weights_all[k], biases_all[k], nodes_all[k], None, full=False, **kw
        )
        frames.append({"name": name, "data": data, "traces": trace_ids})
        steps.append(
            dict(
                method="animate",
                label=name,
                args=[
                    [name],
                    {
                        "mode": "immediate",
                        "frame": {"duration": 0, "redraw": False},
                        "transition": {"duration": 0},
                    },
                ],
            )
        )
    fig.frames = frames
    _layout(
        fig,
        geom,
        layer_names,
        activations,
        frame=frame,
        height=height,
        title=title,
        edge_label="weight",
    )
    fig.update_layout(
        sliders=[
            dict(
                active=0,
                steps=steps,
                x=0.0,
                len=1.0,
                y=0,
                yanchor="top",
                pad=dict(t=34, b=0),
                currentvalue=dict(
                    prefix="iteration ", font=dict(size=FONT_SIZE + 1), xanchor="right", offset=12
                ),
                font=dict(size=14),
                ticklen=4,
                minorticklen=2,
            )
        ],
        updatemenus=[
            dict(
                # on the row of the slider's "iteration N" (which sits at the right)
                type="buttons",
                direction="left",
                showactive=False,
                x=0.0,
                y=0,
                xanchor="left",
                yanchor="top",
                pad=dict(t=30, r=8),
                font=dict(size=FONT_SIZE),
                buttons=[
                    dict(
                        label="▶ Play",
                        method="animate",
                        args=[
                            None,
                            {
                                "mode": "immediate",
                                "fromcurrent": True,
                                "frame": {"duration": int(frame_ms), "redraw": False},
                                "transition": {"duration": 0},
                            },
                        ],
                    ),
                    dict(
                        label="❚❚ Pause",
                        method="animate",
                        args=[
                            [None],
                            {
                                "mode": "immediate",
                                "frame": {"duration": 0, "redraw": False},
                                "transition": {"duration": 0},
                            },
                        ],
                    ),
                ],
            )
        ],
    )
    return fig
