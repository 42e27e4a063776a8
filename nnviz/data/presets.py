"""The example tables: deterministic generators, :data:`PRESETS` and :func:`load_preset`.

The two seed tutorials (``three_bits``, ``exam_scores``), the TensorFlow
Playground's data sets (``circle``, ``xor``, ``gaussian``, ``spiral``,
``plane``), ``moons``, ``blobs3``, ``sine`` and ``digits`` (8×8 images, drawn
by :mod:`nnviz.data.digits`), each with the network settings it was made for
(:class:`Preset`). :data:`DEFAULT_PRESET` is the one
the app opens with.
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from ..limits import MAX_ROWS
from ..quoting import quote
from ._messages import _col, _names, _quote
from .digits import SIDE, draw_digits
from .images import pixel_names
from .preparation import infer_task, prepare


def _check_generator_args(n: int, noise: float, train_ratio: float) -> None:
    """Shared argument checks of the random generators (ValueError)."""
    if isinstance(n, bool) or int(n) != n or not 1 <= n <= MAX_ROWS:
        raise ValueError(f"n must be a whole number from 1 to {MAX_ROWS}, not {quote(n)}.")
    if not 0.0 <= noise <= 0.5:
        raise ValueError(f"noise must be between 0 and 0.5, not {quote(noise)}.")
    if not 0.0 < train_ratio <= 1.0:
        raise ValueError(f"train_ratio must be above 0 and at most 1, not {quote(train_ratio)}.")


def _finish(
    columns: dict[str, np.ndarray], rng: np.random.Generator, train_ratio: float
) -> pd.DataFrame:
    """Shuffle generated rows and give round(n·train_ratio) (≥ 1) of them split "train"."""
    n = len(next(iter(columns.values())))
    order = rng.permutation(n)
    df = pd.DataFrame({name: values[order] for name, values in columns.items()})
    n_train = min(n, max(1, round(n * train_ratio)))
    split = np.full(n, "test", dtype=object)
    split[rng.permutation(n)[:n_train]] = "train"
    df["split"] = split.astype(str).tolist()
    return df


def _halves(n: int) -> tuple[int, int]:
    """(positives, negatives) for n points: the odd one out is positive."""
    return n - n // 2, n // 2


def make_three_bits() -> pd.DataFrame:
    """The 8 three-bit rows in binary order; ``output`` = ``bit3``; 6 train, 2 test."""
    bits = np.array([[(i >> 2) & 1, (i >> 1) & 1, i & 1] for i in range(8)], dtype=np.float64)
    return pd.DataFrame(
        {
            "bit1": bits[:, 0],
            "bit2": bits[:, 1],
            "bit3": bits[:, 2],
            "output": bits[:, 2].copy(),
            "split": ["train"] * 6 + ["test"] * 2,
        }
    )


def make_exam_scores() -> pd.DataFrame:
    """Hours studied and slept → test score; (4, 8) is the row to predict."""
    return pd.DataFrame(
        {
            "hours_studied": np.array([2.0, 1.0, 3.0, 4.0]),
            "hours_slept": np.array([9.0, 5.0, 6.0, 8.0]),
            "test_score": np.array([92.0, 86.0, 89.0, np.nan]),
            "split": ["train", "train", "train", "predict"],
        }
    )


def make_circle(
    n: int = 200, noise: float = 0.1, seed: int = 0, train_ratio: float = 0.7
) -> pd.DataFrame:
    """Playground "circle": label 1 inside radius 2.5, 0 on the ring 3.5 … 5.

    As in the playground, noise shifts the point used for the label (by up to
    ±5·noise per axis), so noisy labels near the boundary flip.
    """
    _check_generator_args(n, noise, train_ratio)
    rng = np.random.default_rng(seed)
    radius = 5.0
    n_in, n_out = _halves(n)
    r = np.concatenate(
        [rng.uniform(0, radius * 0.5, n_in), rng.uniform(radius * 0.7, radius, n_out)]
    )
    angle = rng.uniform(0, 2 * np.pi, n)
    x1, x2 = r * np.sin(angle), r * np.cos(angle)
    shift = rng.uniform(-radius, radius, (2, n)) * noise
    label = (np.hypot(x1 + shift[0], x2 + shift[1]) < radius * 0.5).astype(np.int64)
    return _finish({"x1": x1, "x2": x2, "label": label}, rng, train_ratio)


def make_xor(
    n: int = 200, noise: float = 0.1, seed: int = 0, train_ratio: float = 0.7
) -> pd.DataFrame:
    """Playground "exclusive or": uniform in ±5 pushed 0.3 off the axes; label 1 if x1·x2 ≥ 0."""
    _check_generator_args(n, noise, train_ratio)
    rng = np.random.default_rng(seed)
    padding = 0.3
    points = rng.uniform(-5, 5, (2, n))
    points += np.where(points > 0, padding, -padding)
    shift = rng.uniform(-5, 5, (2, n)) * noise
    label = ((points[0] + shift[0]) * (points[1] + shift[1]) >= 0).astype(np.int64)
    return _finish({"x1": points[0], "x2": points[1], "label": label}, rng, train_ratio)


def make_gaussian(
    n: int = 200, noise: float = 0.1, seed: int = 0, train_ratio: float = 0.7
) -> pd.DataFrame:
    """Playground "gaussian": label 1 around (2, 2), 0 around (−2, −2).

    The variance grows with noise from 0.5 (noise 0) to 4 (noise 0.5).
    """
    _check_generator_args(n, noise, train_ratio)
    rng = np.random.default_rng(seed)
    std = math.sqrt(0.5 + noise * (4.0 - 0.5) / 0.5)
    n_pos, n_neg = _halves(n)
    x = np.concatenate([rng.normal(2.0, std, (n_pos, 2)), rng.normal(-2.0, std, (n_neg, 2))])
    label = np.concatenate([np.ones(n_pos, np.int64), np.zeros(n_neg, np.int64)])
    return _finish({"x1": x[:, 0], "x2": x[:, 1], "label": label}, rng, train_ratio)


def _spiral_arm(
    count: int, delta: float, noise: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """One playground spiral arm: radius 0 → 5 over 1.75 turns, plus ±noise jitter."""
    i = np.arange(count)
    r = i / max(count, 1) * 5.0
    t = 1.75 * i / max(count, 1) * 2 * np.pi + delta
    jitter = rng.uniform(-1, 1, (2, count)) * noise
    return r * np.sin(t) + jitter[0], r * np.cos(t) + jitter[1]


def make_spiral(
    n: int = 200, noise: float = 0.1, seed: int = 0, train_ratio: float = 0.7
) -> pd.DataFrame:
    """Playground "spiral": two interleaved spiral arms, label 1 and label 0."""
    _check_generator_args(n, noise, train_ratio)
    rng = np.random.default_rng(seed)
    n_pos, n_neg = _halves(n)
    ax, ay = _spiral_arm(n_pos, 0.0, noise, rng)
    bx, by = _spiral_arm(n_neg, np.pi, noise, rng)
    label = np.concatenate([np.ones(n_pos, np.int64), np.zeros(n_neg, np.int64)])
    return _finish(
        {"x1": np.concatenate([ax, bx]), "x2": np.concatenate([ay, by]), "label": label},
        rng,
        train_ratio,
    )


def make_moons(
    n: int = 200, noise: float = 0.1, seed: int = 0, train_ratio: float = 0.7
) -> pd.DataFrame:
    """Two interleaving half circles (as scikit-learn's make_moons), Gaussian noise of std noise.

    Label 0: the upper arc (cos t, sin t); label 1: the lower arc
    (1 − cos t, 0.5 − sin t), t from 0 to π.
    """
    _check_generator_args(n, noise, train_ratio)
    rng = np.random.default_rng(seed)
    n_inner, n_outer = _halves(n)
    t_outer = np.linspace(0, np.pi, n_outer)
    t_inner = np.linspace(0, np.pi, n_inner)
    x1 = np.concatenate([np.cos(t_outer), 1 - np.cos(t_inner)])
    x2 = np.concatenate([np.sin(t_outer), 1 - np.sin(t_inner) - 0.5])
    x1 = x1 + rng.normal(0.0, noise, n)
    x2 = x2 + rng.normal(0.0, noise, n)
    label = np.concatenate([np.zeros(n_outer, np.int64), np.ones(n_inner, np.int64)])
    return _finish({"x1": x1, "x2": x2, "label": label}, rng, train_ratio)


BLOB_CENTERS = np.array(
    [[0.0, 3.0], [-3.0 * math.sqrt(3) / 2, -1.5], [3.0 * math.sqrt(3) / 2, -1.5]]
)
"""Centers of the three ``blobs3`` classes: radius 3 at 90°, 210° and 330°."""


def make_blobs3(
    n: int = 200, noise: float = 0.1, seed: int = 0, train_ratio: float = 0.7
) -> pd.DataFrame:
    """Three Gaussian blobs (classes 0, 1, 2) around :data:`BLOB_CENTERS`.

    The variance grows with noise as in "gaussian": 0.5 at noise 0, 4 at 0.5.
    """
    _check_generator_args(n, noise, train_ratio)
    rng = np.random.default_rng(seed)
    std = math.sqrt(0.5 + noise * (4.0 - 0.5) / 0.5)
    sizes = [n // 3 + (1 if k < n % 3 else 0) for k in range(3)]
    x = np.concatenate([rng.normal(BLOB_CENTERS[k], std, (sizes[k], 2)) for k in range(3)])
    cls = np.repeat(np.arange(3, dtype=np.int64), sizes)
    return _finish({"x1": x[:, 0], "x2": x[:, 1], "class": cls}, rng, train_ratio)


def make_plane(
    n: int = 200, noise: float = 0.1, seed: int = 0, train_ratio: float = 0.7
) -> pd.DataFrame:
    """Playground "plane" regression: y = (x1 + x2) / 10 for x in [−5, 5]².

    As in the playground, noise shifts the point the value is computed at by
    up to ±5·noise per axis.
    """
    _check_generator_args(n, noise, train_ratio)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-5, 5, (2, n))
    shift = rng.uniform(-5, 5, (2, n)) * noise
    y = (x[0] + shift[0] + x[1] + shift[1]) / 10
    return _finish({"x1": x[0], "x2": x[1], "y": y}, rng, train_ratio)


def make_sine(
    n: int = 200, noise: float = 0.1, seed: int = 0, train_ratio: float = 0.7
) -> pd.DataFrame:
    """y = sin(x) plus Gaussian noise of std ``noise``, x uniform in [−3, 3]."""
    _check_generator_args(n, noise, train_ratio)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-3, 3, n)
    y = np.sin(x) + rng.normal(0.0, noise, n)
    return _finish({"x": x, "y": y}, rng, train_ratio)


def make_digits(
    n: int = 2000, noise: float = 0.1, seed: int = 0, train_ratio: float = 0.8
) -> pd.DataFrame:
    """Hand-written-looking digits 0–9 as 8×8 images, grey levels 0–16, drawn by
    :mod:`nnviz.data.digits` (no data set is copied): ``pixel_0_0`` … ``pixel_7_7`` and
    ``digit``, as many of each digit (the first ones get one more when n is not a
    multiple of 10). Noise adds Gaussian noise of 8·noise grey levels."""
    _check_generator_args(n, noise, train_ratio)
    rng = np.random.default_rng(seed)
    digits = np.arange(n, dtype=np.int64) % 10
    pixels = draw_digits(digits, rng, noise)  # whole grey levels, as float64 like every input
    columns = {name: pixels[:, j] for j, name in enumerate(pixel_names(SIDE))}
    columns["digit"] = digits
    return _finish(columns, rng, train_ratio)


DEFAULT_PRESET = "exam_scores"
"""The data set the app opens with: seed 002's exam scores."""


@dataclass(frozen=True)
class Preset:
    """An example table and the network settings it was made for.

    Everything a preset wants is declared here (the app's settings table reads the
    attributes that share a setting's name); what kind of task it is comes from
    its table and output (:attr:`task`), not from a declaration.
    """

    name: str
    title: str
    description: str
    make: Callable[..., pd.DataFrame]
    inputs: list
    targets: list
    output_activation: str
    loss: str
    hidden: tuple[int, ...]
    learning_rate: float
    scaling: str = "none"
    target_max: float | None = None
    activation: str = "tanh"
    init: str = "xavier"
    bias: bool = True
    optimizer: str = "sgd"
    batch_size: int | None = None
    params: dict = field(default_factory=dict)

    def prepare_kwargs(self) -> dict[str, Any]:
        """The :func:`prepare` arguments this preset suggests."""
        return {
            "inputs": list(self.inputs),
            "targets": list(self.targets),
            "scaling": self.scaling,
            "target_max": self.target_max,
            "output_activation": self.output_activation,
        }

    @cached_property
    def task(self) -> str:
        """ "regression", "binary" or "multiclass": what ``infer_task`` says of its table."""
        data = prepare(self.make(**self.params), **self.prepare_kwargs())
        return infer_task(data, self.output_activation)


def _preset(make: Callable[..., pd.DataFrame], **fields: Any) -> Preset:
    """A preset whose ``params`` are the generator's keyword defaults."""
    params = {
        name: p.default
        for name, p in inspect.signature(make).parameters.items()
        if p.default is not inspect.Parameter.empty
    }
    return Preset(make=make, params=params, **fields)


def _classifier(
    name: str,
    title: str,
    description: str,
    make: Callable[..., pd.DataFrame],
    hidden: tuple[int, ...] = (4, 4),
    **settings: Any,
) -> Preset:
    """A two-input, 0/1-label preset (the playground's classification sets)."""
    settings.setdefault("learning_rate", 0.1)
    return _preset(
        make,
        name=name,
        title=title,
        description=description,
        inputs=["x1", "x2"],
        targets=["label"],
        output_activation="sigmoid",
        loss="bce",
        hidden=hidden,
        **settings,
    )


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        _preset(
            make_three_bits,
            name="three_bits",
            title="Three bits → last bit",
            description="All eight 3-bit patterns with the output equal to the last bit, "
            "six rows to train and two to test, from the NumPy tutorial that "
            "builds a 3-5-1 sigmoid network by hand.",
            inputs=["bit1", "bit2", "bit3"],
            targets=["output"],
            output_activation="sigmoid",
            loss="half_sse",
            hidden=(5,),
            learning_rate=1.0,
            activation="sigmoid",
            init="normal",  # the tutorial's 3-5-1 sigmoid network
        ),
        _preset(
            make_exam_scores,
            name="exam_scores",
            title="Exam scores",
            description="Hours studied and hours slept → test score (three rows) and "
            "(4, 8) to predict, from the 'Build a Neural Network' tutorial "
            "after Welch Labs, scaled by the column maxima and 100.",
            inputs=["hours_studied", "hours_slept"],
            targets=["test_score"],
            output_activation="sigmoid",
            loss="half_sse",
            hidden=(3,),
            learning_rate=1.0,
            scaling="max",
            target_max=100.0,
            activation="sigmoid",
            init="normal",
            bias=False,  # seed 002's network
        ),
        _classifier(
            "circle",
            "Circle",
            "Points inside a circle (label 1) and on a ring around it (label 0), "
            "TensorFlow Playground's circle data set.",
            make_circle,
        ),
        _classifier(
            "xor",
            "Exclusive or",
            "Points in four quadrants labelled 1 where x1·x2 ≥ 0, "
            "TensorFlow Playground's exclusive-or data set.",
            make_xor,
        ),
        _classifier(
            "gaussian",
            "Two Gaussians",
            "Two Gaussian clouds around (2, 2) and (−2, −2), "
            "TensorFlow Playground's Gaussian data set.",
            make_gaussian,
        ),
        _classifier(
            "spiral",
            "Spiral",
            "Two interleaved spirals, TensorFlow Playground's hardest classification data set.",
            make_spiral,
            # adam: plain sgd needs many thousands of steps here
            hidden=(8, 8, 8),
            optimizer="adam",
            learning_rate=0.01,
        ),
        _classifier(
            "moons",
            "Two moons",
            "Two interleaving half circles, like scikit-learn's make_moons.",
            make_moons,
        ),
        _preset(
            make_blobs3,
            name="blobs3",
            title="Three blobs",
            description="Three Gaussian clouds, one per class 0, 1 and 2, for a softmax output.",
            inputs=["x1", "x2"],
            targets=["class"],
            output_activation="softmax",
            loss="cross_entropy",
            hidden=(4, 4),
            learning_rate=0.1,
        ),
        _preset(
            make_digits,
            name="digits",
            title="Digits (8×8 images)",
            description="Hand-written-looking digits 0–9 as 8×8-pixel images (grey levels "
            "0–16), drawn by nnviz from strokes with random slant, size, width and noise: "
            "ten classes, one input per pixel.",
            inputs=pixel_names(SIDE),
            targets=["digit"],
            output_activation="softmax",
            loss="cross_entropy",
            hidden=(16,),
            learning_rate=0.01,
            scaling="standard",
            optimizer="adam",
            batch_size=64,
        ),
        _preset(
            make_plane,
            name="plane",
            title="Plane (regression)",
            description="y = (x1 + x2) / 10 over [−5, 5]², "
            "TensorFlow Playground's plane regression data set.",
            inputs=["x1", "x2"],
            targets=["y"],
            output_activation="linear",
            loss="mse",
            hidden=(4,),
            learning_rate=0.03,
        ),
        _preset(
            make_sine,
            name="sine",
            title="Sine curve (regression)",
            description="y = sin(x) plus noise for x in [−3, 3], a one-input curve to fit.",
            inputs=["x"],
            targets=["y"],
            output_activation="linear",
            loss="mse",
            hidden=(8, 8),
            learning_rate=0.03,
        ),
    )
}
"""The example tables by name."""


class UnknownPresetError(KeyError, ValueError):
    """No preset has this name (both a KeyError and a ValueError)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


@functools.lru_cache(maxsize=4)
def _drawn(name: str, params: tuple) -> pd.DataFrame:
    """A preset's table as its generator draws it, kept for the next call with the same
    parameters (drawing 20,000 digits takes a second; the same seed draws the same)."""
    return PRESETS[name].make(**{key: value for key, _, value in params})


def load_preset(name: str, **kwargs: Any) -> pd.DataFrame:
    """The table of preset ``name``; ``kwargs`` override its generator's :attr:`Preset.params`."""
    key = str(name).strip().lower()
    if key not in PRESETS:
        raise UnknownPresetError(
            f"Unknown preset {_quote(name)} — choose one of {_names(PRESETS)}."
        )
    preset = PRESETS[key]
    unknown = [k for k in kwargs if k not in preset.params]
    if unknown:
        accepted = _names(preset.params) if preset.params else "none"
        raise ValueError(
            f"Preset {_col(key)} has no parameter {_col(unknown[0])}; its parameters: {accepted}."
        )
    try:
        # the type too: True == 1, but n=True is refused and n=1 is not
        params = tuple(sorted((k, type(v).__name__, v) for k, v in kwargs.items()))
        hash(params)
    except TypeError:  # an argument that cannot be a key: draw it afresh
        return preset.make(**kwargs)
    return _drawn(key, params).copy()
