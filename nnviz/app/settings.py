"""What a user chooses: one frozen ``Settings`` for the data, the network and training.

Every setting is declared once, in :data:`SETTINGS` (like TensorFlow Playground's
``State.PROPS``): its name (the ``Settings`` field, the widget's session key and the
link's parameter), its type, its label, its widget kind with the kind's bounds or
choices (:mod:`nnviz.app.kinds`: how a value is checked, read from and written to a
link and a widget), its default for each preset (the :class:`~nnviz.data.Preset`
attribute of the same name, else one value), whether a classroom link may hide it,
and what a change does:

* ``"hot"``: a running trainer takes it and keeps the weights (learning rate,
  optimizer, batch size, momentum, L1, L2: the trainer's
  :data:`~nnviz.trainer.HYPERPARAMETERS`, given by name to ``Trainer.configure``);
* ``"network"``: the network is rebuilt from its seed;
* ``"data"``: the table is prepared again and the network rebuilt.

``Settings`` itself (its fields are the table's rows, in order, with the default data
set's values), its keys, its checks, the link's reader and writer
(:mod:`nnviz.app.urlstate`), which changes a running trainer takes, the widgets'
ranges and the runs' comparison (:data:`COMPARE_COLUMNS`) all come from this one
table. :data:`PLAY_SETTINGS` is the same kind of table for how Play runs (speed and
where it stops), which belongs to the page, not to a run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

import pandas as pd

from ..activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from ..data import DEFAULT_PRESET, GAPS, PRESETS, SCALINGS, Preset, load_preset
from ..initializers import INITS
from ..limits import MAX_HIDDEN_LAYERS, MAX_NEURONS, MAX_ROWS
from ..losses import LOSSES
from ..optimizers import OPTIMIZERS
from ..quoting import quote

# the feature helpers and the link's features text, as before: nnviz.app.settings.X
from .features import (
    PLAYGROUND_INPUTS,
    column_ref,
    fit_features,
    playground_expressions,
    playground_label,
    same_feature,
    with_feature,
)
from .kinds import (
    FEATURE_SEPARATOR,
    KINDS,
    Checkbox,
    Choice,
    Columns,
    Features,
    Integer,
    Kind,
    Layers,
    LogSlider,
    Number,
    split_features,
)

CUSTOM = "custom"  # the data set name of a table of the user's own
# A 1-2-3-5 ladder per decade: the learning rate's log scale from 1e-4 to 10.
LEARNING_RATES = tuple(float(f"{m}e{e}") for e in range(-4, 1) for m in (1, 2, 3, 5)) + (10.0,)
# A 1-2-5 ladder per decade: Play's steps per refresh.
SPEEDS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)

HOT, NETWORK, DATA = "hot", "network", "data"
AUTO = "auto"  # the problem type: classes for a softmax output, numbers for any other
PROBLEMS = (AUTO, "classification", "regression")
WIDGETS = tuple(kind.name for kind in KINDS)


@dataclass(frozen=True)
class Setting:
    """One row of the settings table: everything the app knows about one setting."""

    name: str
    type: Any  # the Settings field's type
    label: str  # the widget's label
    kind: Kind  # its widget, with the bounds or choices of its values
    change: str  # HOT | NETWORK | DATA ("" for what is not a run's setting)
    default: Any = None  # when the preset says nothing (and for a table of the user's)
    hideable: bool = True  # a classroom link may hide its control
    help: str = ""
    param: str | None = None  # the generated data's parameter it sets (Preset.params)

    @property
    def hot(self) -> bool:
        """A running trainer takes a change and keeps the weights."""
        return self.change == HOT

    @property
    def widget(self) -> str:
        """Its kind's name ("number", "columns" …)."""
        return self.kind.name

    def default_for(self, preset: Preset | None) -> Any:
        """This setting's value in the settings a preset was made for."""
        if self.param is not None:  # a generator's parameter: None for a fixed table
            return None if preset is None else preset.params.get(self.param)
        attr = "name" if self.name == "dataset" else self.name
        value = getattr(preset, attr, self.default) if preset is not None else self.default
        return self.kind.normalize(value)

    # ------------------------------------------------------------ checks
    def describe(self) -> str:
        """What a valid value is, in words."""
        return self.kind.describe()

    def admits(self, value) -> bool:
        return self.kind.admits(value)

    def check(self, value) -> None:
        """Raise ValueError unless ``value`` is valid for this setting's field."""
        if not self.kind.admits(value):
            raise ValueError(f"{self.label} must be {self.describe()}; got {quote(value)}")

    # ------------------------------------------------------------ links and widgets
    def parse(self, text: str):
        """A link's text → the field's value; ValueError says what a valid value is."""
        return self.kind.parse(str(text).strip())

    def format(self, value) -> str:
        """The field's value → a link's text (``parse`` reads it back exactly)."""
        return self.kind.format(value)

    def to_widget(self, value):
        """The field's value → what its widget's session key holds (None → none_as)."""
        return self.kind.to_widget(value)

    def from_widget(self, value):
        """What the widget holds → the field's value."""
        return self.kind.from_widget(value)

    def widget_args(self) -> dict:
        """A number input's range: min_value, max_value, step (and format), from the table."""
        return self.kind.widget_args()


# One entry per setting, laid out by hand so that the table reads as a table.
# fmt: off
SETTINGS: tuple[Setting, ...] = (
    # ---------------------------------------------------------------- data
    Setting("dataset", str, "Data set", Choice((*PRESETS, CUSTOM)), DATA,
            help="Example tables: seeds 000 and 002 of the tutorials, TensorFlow Playground's "
                 "four sets and more. Edit any of them in the table."),
    Setting("inputs", tuple, "Inputs", Columns(), DATA, default=(),
            help="Columns fed to the input layer."),
    Setting("features", tuple, "Features", Features(), DATA, default=(),
            help="Derived inputs computed from the input columns, like x1**2 or sin(x2): "
                 "each one is one more node of the input layer."),
    Setting("targets", tuple, "Target", Columns(), DATA, default=(),
            help="Columns the network learns to output (one class column for softmax)."),
    Setting("problem", str, "Problem type", Choice(PROBLEMS), DATA, default=AUTO,
            help="classification: the target's values are classes (names, or a few whole "
                 "numbers); regression: numbers to predict. auto: classes for a softmax "
                 "output, numbers for any other."),
    Setting("scaling", str, "Scaling", Choice(tuple(SCALINGS)), DATA, default="none",
            help="'max' divides each column by its largest value, as seed 002 does."),
    Setting("target_max", float | None, "Target max",
            Number(0.0, 1e12, step=10.0, optional=True, none_as=0.0,
                   none_means="the column's largest value"), DATA,
            help="Under 'max' scaling, divide the target by this (seed 002: 100). "
                 "0: by the column's largest value."),
    Setting("gaps", str, "Rows with empty cells", Choice(GAPS), DATA, default="drop",
            help="drop: left out of training, with a note saying how many; mean: an empty "
                 "input cell takes its column's mean over the training rows."),
    # ---------------------------------------------------------------- generated data
    Setting("points", int | None, "Points",
            Integer(10, MAX_ROWS, step=10, optional=True, none_as=0), DATA, param="n",
            help="How many rows the data set's generator draws."),
    Setting("noise", float | None, "Noise",
            Number(0.0, 0.5, step=0.05, optional=True, none_as=-1.0), DATA, param="noise",
            help="How far the points stray from the pattern."),
    Setting("train_ratio", float | None, "Train share",
            Number(0.1, 0.9, step=0.05, optional=True, none_as=-1.0), DATA,
            param="train_ratio",
            help="The share of the rows the network trains on; the others are test rows."),
    Setting("data_seed", int | None, "Data seed",
            Integer(0, 2**32 - 1, step=1, optional=True, none_as=-1), DATA, param="seed",
            help="The same seed draws the same points; Regenerate draws new ones."),
    # ---------------------------------------------------------------- network
    Setting("hidden", tuple, "Hidden layers",
            Layers(1, MAX_NEURONS, step=1, max_items=MAX_HIDDEN_LAYERS), NETWORK,
            default=(4,), help="Neurons in each hidden layer."),
    Setting("activation", str, "Hidden activation", Choice(tuple(HIDDEN_ACTIVATIONS)),
            NETWORK, default="tanh"),
    Setting("output_activation", str, "Output activation", Choice(tuple(OUTPUT_ACTIVATIONS)),
            DATA, default="sigmoid"),
    Setting("bias", bool, "Biases", Checkbox(), NETWORK, default=True,
            help="A bias per neuron; seed 002's network has none."),
    Setting("init", str, "Init", Choice(tuple(INITS)), NETWORK, default="xavier",
            help="How the initial weights are drawn."),
    Setting("seed", int, "Seed", Integer(0, 2**32 - 1, step=1), NETWORK, default=0,
            help="The same seed gives the same initial weights."),
    Setting("loss", str, "Loss", Choice(tuple(LOSSES)), NETWORK, default="mse",
            help="half_sse = ½·Σ(y−ŷ)² (seeds 000/001), mse = mean (y−ŷ)² (seed 002's print)."),
    # ---------------------------------------------------------------- training (hot)
    Setting("optimizer", str, "Optimizer", Choice(tuple(OPTIMIZERS)), HOT, default="sgd"),
    Setting("learning_rate", float, "Learning rate η",
            LogSlider(1e-4, 10.0, ladder=LEARNING_RATES), HOT, default=0.1,
            help="Log scale. Changing it mid-run keeps the weights."),
    Setting("batch_size", int | None, "Batch size",
            Integer(0, MAX_ROWS, step=1, optional=True, none_as=0,
                    none_means="all training rows", none_cell="all"), HOT,
            help="Rows per step; 0 = all training rows (as the seeds)."),
    Setting("momentum", float, "Momentum μ", Number(0.0, 0.99, step=0.05), HOT, default=0.9,
            help="μ of the momentum optimizer."),
    Setting("l1", float, "L1", Number(0.0, 10.0, step=0.001, number_format="%.4f"), HOT,
            default=0.0),
    Setting("l2", float, "L2", Number(0.0, 10.0, step=0.001, number_format="%.4f"), HOT,
            default=0.0),
)
"""The settings table, in the order of the ``Settings`` fields."""

PLAY_SETTINGS: tuple[Setting, ...] = (
    Setting("speed", int, "Speed (steps per refresh)", LogSlider(1, 5000, ladder=SPEEDS), "",
            default=100, hideable=False),
    Setting("stop_at", int, "Stop at iteration", Integer(0, step=100), "", default=0,
            hideable=False, help="0: play until paused."),
    Setting("target_loss", float, "Stop below loss",
            Number(0.0, step=0.001, number_format="%.4f"), "", default=0.0, hideable=False,
            help="0: no target."),
    Setting("target_accuracy", float, "Stop at training accuracy (%)",
            Number(0.0, 100.0, step=5.0, number_format="%.1f"), "", default=0.0,
            hideable=False,
            help="Play stops at the first step whose weights classify at least this share "
                 "of the training rows right. 0: no target."),
)
# fmt: on
"""How Play runs (the live view reads them by name from the session): its speed and where
it stops. Not a run's settings: no link carries them."""


@dataclass(frozen=True)
class Column:
    """A column of the runs' comparison table: the settings it shows, joined."""

    title: str
    settings: tuple[str, ...]
    join: str = " / "


COMPARE_COLUMNS = (
    Column("features", ("features",)),
    Column("hidden", ("hidden",)),
    Column("activation", ("activation", "output_activation"), " → "),
    Column("loss", ("loss",)),
    Column("optimizer", ("optimizer",)),
    Column("learning rate", ("learning_rate",)),
    Column("batch", ("batch_size",)),
    Column("L1 / L2", ("l1", "l2")),
    Column("seed", ("seed",)),
)
"""The settings the runs' comparison shows, each cell as its kind shows a value."""

_BY_NAME = {s.name: s for s in SETTINGS}
HOT_SETTINGS = tuple(s for s in SETTINGS if s.hot)
WIDGET_SETTINGS = tuple(s for s in SETTINGS if s.kind.one_key)
"""The settings whose widget holds one session key named like the setting (every one but
``hidden``, whose widgets are ``n_hidden`` and ``neurons_0`` … see :func:`to_widgets`)."""


def setting(name: str) -> Setting:
    """The table row of one setting (KeyError for an unknown name)."""
    return _BY_NAME[name]


GENERATOR_SETTINGS = tuple(s for s in SETTINGS if s.param is not None)
"""The generated data's settings (points, noise, train share, data seed): None for a
data set with a fixed table."""


@dataclass(frozen=True)
class Settings:
    """Everything a user chooses; the same names feed the widgets and the URL.

    Its fields are :data:`SETTINGS`, in order, and their defaults the default data set's
    settings (seed 002's network); ``tests/test_settings.py`` holds the two together.
    """

    dataset: str = "exam_scores"
    inputs: tuple[str, ...] = ("hours_studied", "hours_slept")
    features: tuple[str, ...] = ()
    targets: tuple[str, ...] = ("test_score",)
    problem: str = "auto"
    scaling: str = "max"
    target_max: float | None = 100.0
    gaps: str = "drop"
    points: int | None = None
    noise: float | None = None
    train_ratio: float | None = None
    data_seed: int | None = None
    hidden: tuple[int, ...] = (3,)
    activation: str = "sigmoid"
    output_activation: str = "sigmoid"
    bias: bool = False
    init: str = "normal"
    seed: int = 0
    loss: str = "half_sse"
    optimizer: str = "sgd"
    learning_rate: float = 1.0
    batch_size: int | None = None
    momentum: float = 0.9
    l1: float = 0.0
    l2: float = 0.0

    def __post_init__(self) -> None:
        # one value per meaning: 0 batch rows / target max 0 are None, lists are tuples
        for s in SETTINGS:
            value = getattr(self, s.name)
            normal = s.kind.normalize(value)
            if normal is not value:
                object.__setattr__(self, s.name, normal)

    @classmethod
    def for_preset(cls, name: str, **overrides) -> Settings:
        """The settings a preset was made for (seed 002's network for exam_scores)."""
        preset = PRESETS[name]
        values = {s.name: s.default_for(preset) for s in SETTINGS}
        values.update(overrides)
        return cls(**values)

    @property
    def layer_sizes(self) -> tuple:
        # -1: the output width comes from the data
        return (len(self.inputs) + len(self.features), *self.hidden, -1)

    def data_key(self) -> tuple:
        """The settings that change the prepared data."""
        return tuple(getattr(self, s.name) for s in SETTINGS if s.change == DATA)

    def network_key(self) -> tuple:
        """The settings whose change rebuilds the network (all but the hot ones)."""
        return tuple(getattr(self, s.name) for s in SETTINGS if not s.hot)

    def check(self) -> None:
        """Raise ValueError for settings no widget should produce."""
        for s in SETTINGS:
            s.check(getattr(self, s.name))

    def to_dict(self) -> dict:
        return asdict(self)


def generator_args(s: Settings) -> dict:
    """The data set generator's parameters these settings ask for ({} for a fixed table)."""
    preset = PRESETS.get(s.dataset)
    if preset is None:
        return {}
    return {
        g.param: getattr(s, g.name)
        for g in GENERATOR_SETTINGS
        if g.param in preset.params and getattr(s, g.name) is not None
    }


def preset_table(s: Settings) -> pd.DataFrame:
    """The table of the settings' data set, drawn with their generator parameters."""
    return load_preset(s.dataset, **generator_args(s))


def hot_changes(old: Settings, new: Settings) -> dict:
    """The hot settings that differ between ``old`` and ``new``, with their new values."""
    return {
        s.name: getattr(new, s.name)
        for s in HOT_SETTINGS
        if getattr(new, s.name) != getattr(old, s.name)
    }


def why_rebuilt(old: Settings, new: Settings) -> str:
    if new.dataset != old.dataset:
        title = PRESETS[new.dataset].title if new.dataset in PRESETS else "your table"
        return f"new data set: {title}"
    if new.data_key() != old.data_key():
        if replace(new, features=old.features).data_key() == old.data_key():
            return "new input features"
        same_draw = {g.name: getattr(old, g.name) for g in GENERATOR_SETTINGS}
        if replace(new, **same_draw).data_key() == old.data_key():
            return "the data set drawn again"
        return "new input/target columns or scaling"
    if new.seed != old.seed:
        return f"new seed {new.seed}"
    return "the network changed"


def check_hot_settings(s: Settings) -> None:
    """Raise ValueError for hot settings outside their range (what a running trainer takes)."""
    for hot in HOT_SETTINGS:
        hot.check(getattr(s, hot.name))


def to_widgets(s: Settings) -> dict:
    """The widgets' session-state values for these settings: every WIDGET_SETTINGS key, plus
    ``n_hidden`` and ``neurons_0`` … for the hidden layers."""
    values: dict = {}
    for row in SETTINGS:
        values.update(row.kind.widget_values(row.name, getattr(s, row.name)))
    return values


def from_widgets(values: Mapping) -> Settings:
    """The settings the widgets hold (``values``: e.g. the session state); a layer whose
    neuron count is not there yet has 4 neurons, as a new layer's widget starts."""
    return Settings(**{row.name: row.kind.read_widgets(row.name, values) for row in SETTINGS})


__all__ = [
    "COMPARE_COLUMNS",
    "CUSTOM",
    "DATA",
    "DEFAULT_PRESET",
    "FEATURE_SEPARATOR",
    "GENERATOR_SETTINGS",
    "HOT",
    "HOT_SETTINGS",
    "LEARNING_RATES",
    "MAX_HIDDEN_LAYERS",
    "MAX_NEURONS",
    "NETWORK",
    "PLAYGROUND_INPUTS",
    "PLAY_SETTINGS",
    "SETTINGS",
    "SPEEDS",
    "WIDGETS",
    "WIDGET_SETTINGS",
    "Column",
    "Setting",
    "Settings",
    "check_hot_settings",
    "column_ref",
    "fit_features",
    "from_widgets",
    "generator_args",
    "hot_changes",
    "playground_expressions",
    "playground_label",
    "preset_table",
    "same_feature",
    "setting",
    "split_features",
    "to_widgets",
    "why_rebuilt",
    "with_feature",
]
