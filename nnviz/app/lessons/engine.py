"""The lessons' engine: what a lesson is, and how its steps read the live network.

A :class:`Lesson` is data: its preset, and its :class:`LessonStep`\\ s, each with a
short explanation, the formula, which real matrices it shows (a function of the
:class:`Live` network: values from the explorer's network, its data and its next
training step as the backprop inspector takes it apart) and what "Run this step" does
(:class:`Action`: load the lesson's network, or train n steps). The app draws what
:func:`step_matrices` and :func:`readouts` return, and runs :func:`perform`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ...data import PRESETS, load_preset
from ..explorer import Explorer
from ..inspector import InspectorStep, inspect_step
from ..settings import SETTINGS, Settings, setting

#: the settings a lesson's explanations rely on: all but the seed (any seed's weights do)
#: and the momentum (it only matters to the momentum optimizer, itself compared)
LESSON_SETTINGS = tuple(s.name for s in SETTINGS if s.name not in ("seed", "momentum"))


@dataclass(frozen=True)
class Shown:
    """One real matrix of a step: the tutorial's name for it, its formula, its values.

    ``rows`` / ``cols`` say how to label its rows and columns: an int is a layer of
    the network (0 = the inputs; the labels are that layer's neuron names), None the
    rows of the batch ("row 0", "row 1" …) or plain column numbers. ``signed``:
    draw it on the orange ↔ blue scale around 0 (False: a sequential scale, for
    activations in 0 … 1 and raw data).
    """

    name: str
    notation: str
    value: np.ndarray
    rows: int | None = None
    cols: int | None = None
    signed: bool = True

    @property
    def shape(self) -> tuple:
        return tuple(np.shape(self.value))


@dataclass(frozen=True)
class Readout:
    """A number shown beside a step (the error, the prediction in points …)."""

    label: str
    value: str
    help: str = ""


@dataclass(frozen=True)
class Action:
    """What "Run this step" does: ``"load"`` the lesson's table and settings, or
    ``"train"`` the live run: ``steps`` steps, or with ``until`` up to iteration ``steps``
    (the tutorial's loop from the start; ``steps`` more once the run is past it)."""

    kind: str
    label: str
    steps: int = 0
    until: bool = False

    def steps_from(self, iteration: int) -> int:
        """How many steps a train action takes from ``iteration``."""
        if self.until and iteration < self.steps:
            return self.steps - iteration
        return self.steps

    def label_at(self, iteration: int) -> str:
        """The button's label at ``iteration`` (an ``until`` target already passed trains
        on by as many steps)."""
        if self.until and iteration >= self.steps:
            return f"Train {self.steps:,} more steps"
        return self.label


@dataclass(frozen=True)
class LessonStep:
    key: str
    title: str
    words: str
    formula: str
    matrices: Callable[[Live], list[Shown]]
    action: Action | None = None
    chart: str | None = None  # "loss": the run's error curve beside the matrices
    readouts: Callable[[Live], list[Readout]] | None = None
    files: bool = False  # show the saved weight files (np.savetxt's text)


@dataclass(frozen=True)
class Lesson:
    key: str
    title: str
    source: str  # which tutorial it follows
    preset: str  # the data set (and the settings made for it)
    sizes: tuple  # the network's layer sizes
    rows: int  # training rows
    summary: str
    steps: tuple[LessonStep, ...] = field(repr=False)

    def settings(self, seed: int = 0) -> Settings:
        """The settings the lesson is written for (the preset's), with ``seed``."""
        return Settings.for_preset(self.preset, seed=int(seed))

    def table(self):
        return load_preset(self.preset)

    def explorer(self, seed: int = 0) -> Explorer:
        """A fresh explorer on the lesson's table and settings (what step 1 loads)."""
        return Explorer(self.table(), self.settings(seed))


# ------------------------------------------------------------------ the live network, read once
class Live:
    """What a step's matrices are read from: the explorer, its network, its data and the
    next training step taken apart (the backprop inspector's steps)."""

    def __init__(self, ex: Explorer):
        self.ex = ex
        self.net = ex.network
        self.data = ex.data
        self.L = self.net.n_layers
        self.trace = ex.trainer.trace()
        self.steps = {(s.phase, s.layer, s.quantity): s for s in inspect_step(self.trace)}

    def step(self, phase: str, layer: int, quantity: str) -> InspectorStep:
        return self.steps[(phase, layer, quantity)]

    def shown(
        self,
        name: str,
        phase: str,
        layer: int,
        quantity: str,
        *,
        rows=None,
        cols=None,
        signed: bool = True,
        sign: float = 1.0,
        notation: str | None = None,
    ) -> Shown:
        """An inspector step as a lesson matrix (``sign=-1``: the tutorial's y − o sign)."""
        s = self.step(phase, layer, quantity)
        value = np.asarray(s.value, dtype=float)
        notation = notation or s.notation
        if value.ndim == 3:  # softmax's Jacobian per row: its diagonal, ∂aᵢ/∂zᵢ
            value = np.einsum("nii->ni", value)
            notation += "   (each row's diagonal ∂aᵢ/∂zᵢ)"
        return Shown(
            name, notation, value * sign if sign != 1.0 else value.copy(), rows, cols, signed
        )

    @property
    def X(self) -> np.ndarray:
        return self.trace.backprop.X

    @property
    def Y(self) -> np.ndarray:
        return self.trace.backprop.Y


def unit_range(live: Live, layer: int) -> bool:
    """A's values lie in 0 … 1 (drawn on the sequential scale)."""
    return live.net.activations[layer - 1] in ("sigmoid", "softmax")


# ------------------------------------------------------------------ reading a lesson
def differences(lesson: Lesson, ex: Explorer) -> list[str]:
    """How the live settings differ from the lesson's, in words (empty: they fit; the seed
    may be anything). On another data set, only that."""
    want = lesson.settings(ex.settings.seed)
    out = []
    # another data set: that says it all (its columns, its network follow from it)
    names = ("dataset",) if ex.settings.dataset != want.dataset else LESSON_SETTINGS
    for name in names:
        have, need = getattr(ex.settings, name), getattr(want, name)
        if have != need:
            out.append(
                f"{setting(name).label}: {_value_text(have)} (the lesson's: {_value_text(need)})"
            )
    return out


def _value_text(value) -> str:
    if isinstance(value, tuple):
        return (
            "-".join(map(str, value))
            if all(isinstance(v, int) for v in value)
            else (", ".join(map(str, value)) or "none")
        )
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if value in PRESETS:
        return PRESETS[value].title
    return str(value)


def shows_matrices(ex: Explorer) -> bool:
    """The lessons' steps name the matrices of a network with one hidden layer."""
    return ex.network.n_layers == 2


def can_train(lesson: Lesson, ex: Explorer) -> str:
    """ "" if a train step may run on the live network, else why not."""
    if ex.settings.dataset != lesson.preset or not shows_matrices(ex):
        return "Load the lesson's network first (Run step 1)."
    return ""


def step_matrices(ex: Explorer, step: LessonStep) -> list[Shown]:
    """The real matrices of ``step`` from the live network (empty unless it has one hidden
    layer, see :func:`shows_matrices`)."""
    if not shows_matrices(ex):
        return []
    return step.matrices(Live(ex))


def readouts(ex: Explorer, step: LessonStep) -> list[Readout]:
    if step.readouts is None or not shows_matrices(ex):
        return []
    return step.readouts(Live(ex))


def perform(ex: Explorer, step: LessonStep) -> int:
    """Run a train step on ``ex`` (the live explorer); returns the steps made. A load step
    goes through the app's settings instead (see :meth:`Lesson.settings`, ``table``)."""
    if step.action is None or step.action.kind != "train":
        raise ValueError(f"step {step.key!r} does not train")
    return ex.step(step.action.steps_from(ex.trainer.iteration))
