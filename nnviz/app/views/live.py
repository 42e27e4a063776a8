"""The live view's charts as *live specs*: a whole figure now and then, patches between.

While a run plays, the page shows the loss curve, the network diagram, the output
over the input plane and every neuron's map, several frames a second. Each chart
here is a ``LiveSpec`` — everything the page needs to know to show it:

* ``key``, ``height``, ``place`` — its element key, its height, and its (row, column)
  in the live view's 2 × 2 grid;
* ``every`` — its cadence: seconds of play between two of its frames (0: every
  frame), so the browser spends its time on what moves most;
* ``click`` and ``clickable()`` — what a click on one of its traces does (an action
  the page knows by name: ``"edit_weight"``, ``"show_neuron"``), and which traces;
  ``config`` (Plotly's, on top of the page's) and ``caption()`` (a line under it);
* ``signature()`` — what the figure's structure depends on (architecture, names,
  axis type, data rows …). While it stays the same, the browser keeps its figure
  and gets patches; when it changes, the whole figure is sent again.
* ``figure()`` — the whole figure (the pure builders in ``nnviz.charts``).
* ``base_info()`` — what a patch needs to know of the figure the browser holds
  (the loss curve: the last iteration it draws).
* ``frames(base, info, states)`` — patches relative to ``base`` (the figure the
  browser holds) for the given states, in order: one per state, or fewer, which
  then belong to the last states (the loss curve sends one, its whole new tail);
  None when the figure must be sent whole instead.

A ``State`` is the run at one frame of a chunk (its iteration and parameters): a
chunk trains a few steps per frame and keeps the state after each, and the browser
plays the states out at the frame rate.

Adding a live chart is one spec here and one line in ``live_specs``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ... import charts
from ...charts._style import esc
from ...charts.images import grid_height, label_colour
from ...charts.patch import figure_patch
from ...network import Network
from ..explorer import Explorer
from . import (
    has_curve,
    has_plane,
    images,
    layer_names,
    loss_view,
    neuron_place,
    plane_ranges,
    plane_view,
    row_activations,
    spans_decades,
    thumbnails_height,
    thumbnails_view,
)

TOP_ROW_PX = 460  # the output and the diagram: above the fold of a 1280×720 screen
LIVE_POINTS = 800  # loss points of the live curve (about two per pixel of its width)
MAX_TAIL = 400  # a patch appends at most this many loss points (a longer tail is thinned)


@dataclass(frozen=True)
class State:
    """The run at one moment: its iteration and its parameters (a copy)."""

    iteration: int
    params: np.ndarray


def state_of(ex: Explorer) -> State:
    return State(int(ex.trainer.iteration), ex.network.params.copy())


class _Scratch:
    """One spare network per refresh to put each state's parameters into."""

    def __init__(self, net: Network):
        self.net = net.copy()

    def at(self, state: State) -> Network:
        self.net.set_params(state.params)
        return self.net


class LiveSpec:
    key = "chart"
    height = 400
    place = (0, 0)  # (row, column) in the live view's grid
    every = 0.0  # seconds of play between two frames of this chart (0: every frame)
    click: str | None = None  # what a click on one of its clickable traces does
    config: dict = {}  # Plotly's config, on top of the live view's

    def __init__(self, ex: Explorer):
        self.ex = ex

    def clickable(self) -> tuple[str, ...]:
        """The names of the traces a click acts on (with ``click``)."""
        return ()

    def caption(self) -> str | None:
        """A line of plain text under the chart, if any."""
        return None

    def signature(self) -> tuple:
        raise NotImplementedError

    def figure(self):
        raise NotImplementedError

    def base_info(self) -> dict:
        return {}

    def frames(self, base: dict, info: dict, states: Sequence[State]) -> list[dict] | None:
        raise NotImplementedError


def _data_signature(ex: Explorer) -> tuple:
    """What the drawn rows depend on: the data (a new table or columns make a new
    PreparedData) and the network's shape."""
    return (
        id(ex.data),
        tuple(ex.network.layer_sizes),
        ex.network.activation,
        ex.network.output_activation,
        ex.network.bias,
    )


class LossLive(LiveSpec):
    key = "loss_chart"
    place = (1, 0)
    every = 0.3

    def __init__(self, ex: Explorer, *, log_y: bool | None, replay: bool, height: int = 300):
        super().__init__(ex)
        self.choice, self.replay, self.height = log_y, replay, height
        h = ex.trainer.history
        self.log_y = spans_decades(h.train_loss) if log_y is None else log_y

    def signature(self) -> tuple:
        h = self.ex.trainer.history
        short = not len(h.iterations) or h.iterations[-1] < charts.loss.MIN_X_RANGE
        return (
            "loss",
            id(h),
            self.log_y,
            h.n_events,
            min(len(h.iterations), 2),
            short,
            len(self.ex.data.X_test) > 0,
            self.ex.trainer.loss_name,
            self.height,
            self.ex.trainer.iteration if self.replay else None,
        )

    def figure(self):
        return loss_view(
            self.ex,
            log_y=self.log_y,
            replay=self.replay,
            height=self.height,
            max_points=LIVE_POINTS,
        )

    def base_info(self) -> dict:
        its = self.ex.trainer.history.iterations
        return {"after": float(its[-1]) if len(its) else -1.0, "points": len(its)}

    def frames(self, base, info, states):
        h = self.ex.trainer.history
        after = info["after"]
        tail = len(h.iterations) - int(np.searchsorted(h.iterations, after, side="right"))
        if tail > max(MAX_TAIL, info["points"]):
            return None  # the run has doubled since: send the curve whole, thinned evenly
        test = h.test_loss if len(self.ex.data.X_test) else None
        # one frame, the whole tail: a frame per state would send the tail again each time
        return [
            charts.loss_tail_patch(
                h.iterations,
                h.train_loss,
                test,
                after=after,
                upto=states[-1].iteration - 1,
                max_points=MAX_TAIL,
            )
        ]


LARGE_DIAGRAM = 300  # edges: a larger diagram takes about 35 ms a draw in a browser


def edges(ex: Explorer) -> int:
    sizes = ex.network.layer_sizes
    return sum(a * b for a, b in zip(sizes, sizes[1:]))


class DiagramLive(LiveSpec):
    key = "diagram_chart"
    place = (0, 1)
    click = "edit_weight"

    def __init__(self, ex: Explorer, *, row: int | None, height: int = TOP_ROW_PX):
        super().__init__(ex)
        self.row, self.height = row, height
        # a large diagram (hundreds of edges, each drawn and hoverable) is drawn about
        # twice a second, so the page's main thread keeps time for the rest
        self.every = 0.1 if edges(ex) <= LARGE_DIAGRAM else 0.45

    def clickable(self) -> tuple[str, ...]:
        return ("edges",)

    def signature(self) -> tuple:
        return ("diagram", _data_signature(self.ex), self.row, self.height)

    def figure(self):
        from . import diagram_view

        return diagram_view(self.ex, row=self.row, height=self.height)

    def frames(self, base, info, states):
        ex, scratch = self.ex, _Scratch(self.ex.network)
        out = []
        for s in states:
            net = scratch.at(s)
            out.append(
                charts.network_diagram_patch(
                    net.weights,
                    net.biases if net.bias else None,
                    node_values=row_activations(ex, self.row, network=net),
                    title=_diagram_title(s.iteration, self.row),
                )
            )
        return out


def _diagram_title(iteration: int, row: int | None) -> str:
    return f"Iteration {iteration}" + ("" if row is None else f" · row {row}")


class PlaneLive(LiveSpec):
    key = "plane_chart"
    every = 0.45

    def __init__(
        self,
        ex: Explorer,
        *,
        resolution: int,
        discretize: bool,
        height: int = TOP_ROW_PX,
        neuron: str | None = None,
        show_test: bool = True,
    ):
        super().__init__(ex)
        self.resolution, self.discretize, self.height = resolution, discretize, height
        self.options = dict(
            resolution=resolution,
            discretize=discretize,
            show_test=show_test,
            neuron=neuron if neuron_place(ex, neuron) else None,
        )

    def signature(self) -> tuple:
        return ("plane", _data_signature(self.ex), self.height, *sorted(self.options.items()))

    def figure(self):
        return plane_view(self.ex, height=self.height, **self.options)

    def frames(self, base, info, states):
        ex, scratch = self.ex, _Scratch(self.ex.network)
        return [
            plane_view(ex, network=scratch.at(s), iteration=s.iteration, patch=True, **self.options)
            for s in states
        ]


class ThumbnailsLive(LiveSpec):
    key = "thumbs_chart"
    place = (1, 1)
    every = 0.6
    click = "show_neuron"
    config = {"displayModeBar": False}  # small maps: no toolbar over their titles

    def __init__(self, ex: Explorer, *, resolution: int):
        super().__init__(ex)
        self.resolution = resolution
        self._fig = None

    def clickable(self) -> tuple[str, ...]:
        """The maps' heatmaps: one per layer, named "layer k"."""
        return tuple(f"layer {k}" for k in range(1, self.ex.network.n_layers + 1))

    def caption(self) -> str:
        x, y = self.ex.data.raw_inputs[:2]
        return (
            f"Each neuron's output over ({x}, {y}), layer by layer: how the network "
            "builds its answer. Click one to see it large above; click an edge of the "
            "diagram to edit its weight."
        )

    @property
    def height(self) -> int:
        return thumbnails_height(self.ex)

    def signature(self) -> tuple:
        return ("thumbs", _data_signature(self.ex), self.resolution)

    def figure(self):
        if self._fig is None:
            self._fig = thumbnails_view(self.ex, resolution=self.resolution)
        return self._fig

    def frames(self, base, info, states):
        ex, scratch = self.ex, _Scratch(self.ex.network)
        return [
            thumbnails_view(ex, resolution=self.resolution, network=scratch.at(s), patch=True)
            for s in states
        ]


class FigureLive(LiveSpec):
    """Any other chart: built whole for a frame, sent as the patch from the figure the
    browser holds (one frame, the last state's)."""

    every = 0.3

    def __init__(self, ex: Explorer, key: str, build, *, signature: tuple, height: int):
        super().__init__(ex)
        self.key, self.build, self.sig, self.height = key, build, signature, height
        self._fig = None

    def signature(self) -> tuple:
        return self.sig

    def figure(self):
        if self._fig is None:
            self._fig = self.build()
        return self._fig

    def frames(self, base, info, states):
        patch = figure_patch(base, self.figure())
        return None if patch is None else [patch]


class ImagesLive(LiveSpec):
    """Test images labelled with the class the network predicts: the pictures are sent
    once, each refresh only the labels (and their colours) of each state."""

    key = "images_chart"
    place = (0, 0)  # in place of the output plane
    every = 0.2  # labels only: light to send and to draw

    def __init__(self, ex: Explorer, *, side: int):
        super().__init__(ex)
        self.index, self.X, self.Y = images.shown_rows(ex, images.LIVE_TILES)
        self.height = grid_height(len(self.index), side)

    def signature(self) -> tuple:
        return ("images", _data_signature(self.ex))

    def figure(self):
        return images.test_images_view(self.ex, limit=images.LIVE_TILES)

    def frames(self, base, info, states):
        shown = (base or {}).get("layout", {}).get("annotations")
        if not shown or len(shown) != len(self.index):
            return None
        scratch = _Scratch(self.ex.network)
        frames = []
        for s in states:
            labels, correct = images.image_labels(self.ex, self.X, self.Y, scratch.at(s))
            marks = correct or [None] * len(labels)
            notes = [
                {**a, "text": esc(t), "font": {**a.get("font", {}), "color": label_colour(ok)}}
                for a, t, ok in zip(shown, labels, marks, strict=True)
            ]
            frames.append({"layout": {"annotations": notes}})
        return frames


def live_specs(
    ex: Explorer,
    *,
    log_y: bool | None,
    replay: bool,
    row: int | None,
    playing: bool,
    discretize: bool,
    neuron: str | None = None,
    show_test: bool = True,
) -> list[LiveSpec]:
    """The live view's charts for this explorer, in page order (left column, right)."""
    specs: list[LiveSpec] = [LossLive(ex, log_y=log_y, replay=replay)]
    if has_plane(ex):
        specs.append(
            PlaneLive(
                ex,
                resolution=60 if playing else 90,
                discretize=discretize,
                neuron=neuron,
                show_test=show_test,
            )
        )
    elif (layout := images.layout_of(ex)) is not None and ex.task != "regression":
        specs.append(ImagesLive(ex, side=layout.side))  # test images, in place of the plane
    elif has_curve(ex):
        from . import curve_view

        specs.append(
            FigureLive(
                ex,
                "curve_chart",
                lambda: curve_view(ex),
                signature=("curve", _data_signature(ex)),
                height=400,
            )
        )
    elif ex.task == "regression":
        from . import fit_view

        specs.append(
            FigureLive(
                ex,
                "fit_chart",
                lambda: fit_view(ex),
                signature=("fit", _data_signature(ex)),
                height=400,
            )
        )
    else:
        from . import heatmaps_view

        fig = heatmaps_view(ex, width=520)
        specs.append(
            FigureLive(
                ex,
                "live_heatmaps_chart",
                lambda: fig,
                signature=("heatmaps", _data_signature(ex)),
                height=int(fig.layout.height or 400),
            )
        )
    specs.append(DiagramLive(ex, row=row))
    if has_plane(ex) and ex.network.n_layers > 1:
        neurons = sum(ex.network.layer_sizes[1:])
        # small maps while playing (TensorFlow Playground's are 10 × 10): light to send
        specs.append(ThumbnailsLive(ex, resolution=(10 if neurons > 16 else 16) if playing else 24))
    return specs


__all__ = [
    "MAX_TAIL",
    "DiagramLive",
    "FigureLive",
    "LiveSpec",
    "LossLive",
    "PlaneLive",
    "State",
    "ThumbnailsLive",
    "layer_names",
    "live_specs",
    "plane_ranges",
    "state_of",
]
