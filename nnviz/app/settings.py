"""What a user chooses: one frozen ``Settings`` for the data, the network and training.

Every setting is declared once, in :data:`SETTINGS` (like TensorFlow Playground's
``State.PROPS``): its name (the ``Settings`` field, the widget's session key and the
link's parameter), its type, how it reads from and writes to a link, its range or
choices, its default for each preset (the :class:`~nnviz.data.Preset` attribute of the
same name, else one value), its widget, whether a classroom link may hide it, and
what a change does:

* ``"hot"``: a running trainer takes it and keeps the weights (learning rate,
  optimizer, batch size, momentum, L1, L2: the trainer's
  :data:`~nnviz.trainer.HYPERPARAMETERS`, given by name to ``Trainer.configure``);
* ``"network"``: the network is rebuilt from its seed;
* ``"data"``: the table is prepared again and the network rebuilt.

``Settings`` itself, its keys, its checks, the link's reader and writer
(:mod:`nnviz.app.urlstate`), which changes a running trainer takes and the
widgets' ranges all come from this one table.
"""

from __future__ import annotations

import keyword
import math
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, make_dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from ..activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from ..data import (
    DEFAULT_PRESET,
    PRESETS,
    SCALINGS,
    Preset,
    load_preset,
    parse_feature,
    parse_features,
)
from ..data.features import MAX_FEATURE_LENGTH, MAX_FEATURES
from ..errors import DataError
from ..initializers import INITS
from ..limits import MAX_HIDDEN_LAYERS, MAX_NEURONS, MAX_ROWS
from ..losses import LOSSES
from ..optimizers import OPTIMIZERS

CUSTOM = "custom"  # the data set name of a table of the user's own
# A 1-2-3-5 ladder per decade: the learning rate's log scale from 1e-4 to 10.
LEARNING_RATES = tuple(float(f"{m}e{e}") for e in range(-4, 1) for m in (1, 2, 3, 5)) + (10.0,)

HOT, NETWORK, DATA = "hot", "network", "data"
WIDGETS = ("select", "columns", "features", "layers", "checkbox", "number", "integer", "log_slider")
FEATURE_SEPARATOR = ";"  # between two features in a link (never inside one, but in `…`)


def _number_text(x: float) -> str:
    """The shortest text that reads back as exactly ``x`` (0.3, 1e-05, 100)."""
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    short = f"{x:g}"
    return short if float(short) == x else repr(float(x))


@dataclass(frozen=True)
class Setting:
    """One row of the settings table: everything the app knows about one setting."""

    name: str
    type: Any  # the Settings field's type
    label: str  # the widget's label
    widget: str  # one of WIDGETS
    change: str  # HOT | NETWORK | DATA
    default: Any = None  # when the preset says nothing (and for a table of the user's)
    choices: tuple = ()  # the only valid values (widget "select")
    min: float | None = None  # numbers; for "layers": neurons per layer
    max: float | None = None
    step: float | None = None
    max_items: int | None = None  # "layers": most hidden layers
    ladder: tuple = ()  # suggested stops of a log slider (any value in range is valid)
    optional: bool = False  # None is valid; widgets and links write it as none_as
    none_as: Any = 0
    number_format: str | None = None  # the number input's format, e.g. "%.4f"
    hideable: bool = True  # a classroom link may hide its control
    help: str = ""
    param: str | None = None  # the generated data's parameter it sets (Preset.params)

    @property
    def hot(self) -> bool:
        """A running trainer takes a change and keeps the weights."""
        return self.change == HOT

    # ------------------------------------------------------------ presets
    def default_for(self, preset: Preset | None) -> Any:
        """This setting's value in the settings a preset was made for."""
        if self.param is not None:  # a generator's parameter: None for a fixed table
            return None if preset is None else preset.params.get(self.param)
        attr = "name" if self.name == "dataset" else self.name
        value = getattr(preset, attr, self.default) if preset is not None else self.default
        if self.widget in ("columns", "features", "layers"):
            value = tuple(value)
        return value

    # ------------------------------------------------------------ checks
    def describe(self) -> str:
        """What a valid value is, in words."""
        if self.choices:
            return f"one of {', '.join(map(str, self.choices))}"
        if self.widget == "layers":
            return (
                f"up to {self.max_items} layers of {self.min:g} to {self.max:g} neurons, like 4-4"
            )
        if self.widget == "checkbox":
            return "1 or 0"
        if self.widget == "columns":
            return "one or more column names, separated by commas"
        if self.widget == "features":
            return (
                f"up to {MAX_FEATURES} expressions over the input columns, separated by "
                f"{FEATURE_SEPARATOR} (like x1**2{FEATURE_SEPARATOR}sin(x2)), each at most "
                f"{MAX_FEATURE_LENGTH} characters and none twice"
            )
        whole = "a whole number" if self.widget == "integer" else "a number"
        text = f"{whole} from {_number_text(self.min)} to {_number_text(self.max)}"
        if self.optional:
            text += f" ({_number_text(self.none_as)}: {NONE_MEANS.get(self.name, 'none')})"
        return text

    def check(self, value) -> None:
        """Raise ValueError unless ``value`` is valid for this setting's field."""
        if self.admits(value):
            return
        raise ValueError(f"{self.label} must be {self.describe()}; got {value!r}")

    def admits(self, value) -> bool:
        if value is None:
            return self.optional
        if self.choices:
            return isinstance(value, str) and value in self.choices
        if self.widget == "checkbox":
            return isinstance(value, bool)
        if self.widget == "columns":
            return isinstance(value, tuple) and all(isinstance(v, str) for v in value)
        if self.widget == "features":
            return (
                isinstance(value, tuple)
                and len(value) <= MAX_FEATURES
                and all(
                    isinstance(v, str) and v.strip() == v and 0 < len(v) <= MAX_FEATURE_LENGTH
                    for v in value
                )
                and len(set(value)) == len(value)
            )
        if self.widget == "layers":
            return (
                isinstance(value, tuple)
                and len(value) <= self.max_items
                and all(
                    _is_number(n) and float(n).is_integer() and self.min <= n <= self.max
                    for n in value
                )
            )
        if not _is_number(value) or not math.isfinite(value):
            return False
        if self.widget == "integer" and not float(value).is_integer():
            return False
        if self.optional and value == self.none_as:
            return False  # the field holds None for it
        return self.min <= value <= self.max

    # ------------------------------------------------------------ links
    def parse(self, text: str):
        """A link's text → the field's value; ValueError says what a valid value is."""
        v = str(text).strip()
        if self.choices:
            return _parse_choice(self, v)
        return _PARSERS.get(self.widget, _parse_number)(self, v)

    def format(self, value) -> str:
        """The field's value → a link's text (``parse`` reads it back exactly)."""
        if value is None:
            value = self.none_as
        if self.widget == "columns":
            return ",".join(map(str, value))
        if self.widget == "features":
            return FEATURE_SEPARATOR.join(value)
        if self.widget == "layers":
            return "-".join(map(str, value)) or "0"
        if isinstance(value, bool):
            return "1" if value else "0"
        if self.widget == "integer":
            return str(int(value))
        if isinstance(value, float):
            return _number_text(value)
        return str(value)

    # ------------------------------------------------------------ widgets
    def to_widget(self, value):
        """The field's value → what its widget's session key holds (None → none_as)."""
        if value is None:
            return self.none_as
        if self.widget in ("columns", "features"):
            return list(value)
        if self.widget == "integer":
            return int(value)
        if self.widget in ("number", "log_slider"):
            return float(value)
        return value

    def from_widget(self, value):
        """What the widget holds → the field's value."""
        if self.widget == "columns":
            return tuple(value)
        if self.widget == "features":
            return tuple(str(f).strip() for f in value)
        if self.widget == "layers":
            return tuple(int(n) for n in value)
        if self.optional and (value is None or value == self.none_as):
            return None
        if self.widget == "integer":
            return int(value)
        if self.widget in ("number", "log_slider"):
            return float(value)
        if self.widget == "checkbox":
            return bool(value)
        return value

    def widget_args(self) -> dict:
        """A number input's range: min_value, max_value, step (and format), from the table."""
        args = {"min_value": self.min, "max_value": self.max, "step": self.step}
        if self.widget == "integer":
            args = {k: None if v is None else int(v) for k, v in args.items()}
        if self.number_format:
            args["format"] = self.number_format
        return {k: v for k, v in args.items() if v is not None}


# ---------------------------------------------------------------------------- link parsers
# Setting.parse: a link's text (stripped) → the field's value, one reader per widget (a
# setting with choices reads with _parse_choice); a ValueError says what a valid value is.
def _parse_choice(s: Setting, v: str) -> str:
    v = v.lower()
    if v not in s.choices:
        raise ValueError(f"choose {s.describe()}")
    return v


def _parse_columns(s: Setting, v: str) -> tuple[str, ...]:
    names = tuple(n for n in (p.strip() for p in v.split(",")) if n)
    if not names:
        raise ValueError(s.describe())
    return names


def _parse_features(s: Setting, v: str) -> tuple[str, ...]:
    features = split_features(v)
    if not s.admits(features):
        raise ValueError(s.describe())
    return features


def _parse_layers(s: Setting, v: str) -> tuple[int, ...]:
    try:
        sizes = (
            ()
            if v.lower() in ("", "0", "none")
            else tuple(int(p) for p in v.replace(",", "-").split("-"))
        )
    except ValueError:
        raise ValueError(s.describe()) from None
    if not s.admits(sizes):
        raise ValueError(s.describe())
    return sizes


def _parse_checkbox(s: Setting, v: str) -> bool:
    if v.lower() in ("1", "true", "yes", "on"):
        return True
    if v.lower() in ("0", "false", "no", "off"):
        return False
    raise ValueError(s.describe())


def _parse_number(s: Setting, v: str) -> float | int | None:
    """A number in range (a whole one for "integer"); ``none_as`` reads as None."""
    try:
        x = float(v)
    except ValueError:
        raise ValueError(f"not a number ({s.describe()})") from None
    if s.optional and x == s.none_as:
        return None
    value = int(x) if s.widget == "integer" and math.isfinite(x) and x.is_integer() else x
    if not s.admits(value):
        raise ValueError(s.describe())
    return value


_PARSERS: dict[str, Callable[[Setting, str], Any]] = {
    "columns": _parse_columns,
    "features": _parse_features,
    "layers": _parse_layers,
    "checkbox": _parse_checkbox,
    "number": _parse_number,
    "integer": _parse_number,
    "log_slider": _parse_number,
}


def _is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


NONE_MEANS = {"batch_size": "all training rows", "target_max": "the column's largest value"}


# One entry per setting, laid out by hand so that the table reads as a table.
# fmt: off
SETTINGS: tuple[Setting, ...] = (
    # ---------------------------------------------------------------- data
    Setting("dataset", str, "Data set", "select", DATA, choices=(*PRESETS, CUSTOM),
            help="Example tables: seeds 000 and 002 of the tutorials, TensorFlow Playground's "
                 "four sets and more. Edit any of them in the table."),
    Setting("inputs", tuple, "Inputs", "columns", DATA, default=(),
            help="Columns fed to the input layer."),
    Setting("features", tuple, "Features", "features", DATA, default=(),
            help="Derived inputs computed from the input columns, like x1**2 or sin(x2): "
                 "each one is one more node of the input layer."),
    Setting("targets", tuple, "Target", "columns", DATA, default=(),
            help="Columns the network learns to output (one class column for softmax)."),
    Setting("scaling", str, "Scaling", "select", DATA, default="none", choices=tuple(SCALINGS),
            help="'max' divides each column by its largest value, as seed 002 does."),
    Setting("target_max", float | None, "Target max", "number", DATA, default=None,
            min=0.0, max=1e12, step=10.0, optional=True, none_as=0.0,
            help="Under 'max' scaling, divide the target by this (seed 002: 100). "
                 "0: by the column's largest value."),
    # ---------------------------------------------------------------- generated data
    Setting("points", int | None, "Points", "integer", DATA, default=None, min=10,
            max=MAX_ROWS, step=10, optional=True, none_as=0, param="n",
            help="How many rows the data set's generator draws."),
    Setting("noise", float | None, "Noise", "number", DATA, default=None, min=0.0, max=0.5,
            step=0.05, optional=True, none_as=-1.0, param="noise",
            help="How far the points stray from the pattern."),
    Setting("train_ratio", float | None, "Train share", "number", DATA, default=None,
            min=0.1, max=0.9, step=0.05, optional=True, none_as=-1.0, param="train_ratio",
            help="The share of the rows the network trains on; the others are test rows."),
    Setting("data_seed", int | None, "Data seed", "integer", DATA, default=None, min=0,
            max=2**32 - 1, step=1, optional=True, none_as=-1, param="seed",
            help="The same seed draws the same points; Regenerate draws new ones."),
    # ---------------------------------------------------------------- network
    Setting("hidden", tuple, "Hidden layers", "layers", NETWORK, default=(4,),
            min=1, max=MAX_NEURONS, step=1, max_items=MAX_HIDDEN_LAYERS,
            help="Neurons in each hidden layer."),
    Setting("activation", str, "Hidden activation", "select", NETWORK, default="tanh",
            choices=tuple(HIDDEN_ACTIVATIONS)),
    Setting("output_activation", str, "Output activation", "select", DATA,
            default="sigmoid", choices=tuple(OUTPUT_ACTIVATIONS)),
    Setting("bias", bool, "Biases", "checkbox", NETWORK, default=True,
            help="A bias per neuron; seed 002's network has none."),
    Setting("init", str, "Init", "select", NETWORK, default="xavier", choices=tuple(INITS),
            help="How the initial weights are drawn."),
    Setting("seed", int, "Seed", "integer", NETWORK, default=0, min=0, max=2**32 - 1, step=1,
            help="The same seed gives the same initial weights."),
    Setting("loss", str, "Loss", "select", NETWORK, default="mse", choices=tuple(LOSSES),
            help="half_sse = ½·Σ(y−ŷ)² (seeds 000/001), mse = mean (y−ŷ)² (seed 002's print)."),
    # ---------------------------------------------------------------- training (hot)
    Setting("optimizer", str, "Optimizer", "select", HOT, default="sgd",
            choices=tuple(OPTIMIZERS)),
    Setting("learning_rate", float, "Learning rate η", "log_slider", HOT, default=0.1,
            min=1e-4, max=10.0, ladder=LEARNING_RATES,
            help="Log scale. Changing it mid-run keeps the weights."),
    Setting("batch_size", int | None, "Batch size", "integer", HOT, default=None,
            min=0, max=MAX_ROWS, step=1, optional=True, none_as=0,
            help="Rows per step; 0 = all training rows (as the seeds)."),
    Setting("momentum", float, "Momentum μ", "number", HOT, default=0.9,
            min=0.0, max=0.99, step=0.05,
            help="μ of the momentum optimizer."),
    Setting("l1", float, "L1", "number", HOT, default=0.0, min=0.0, max=10.0, step=0.001,
            number_format="%.4f"),
    Setting("l2", float, "L2", "number", HOT, default=0.0, min=0.0, max=10.0, step=0.001,
            number_format="%.4f"),
)
# fmt: on
"""The settings table, in the order of the ``Settings`` fields."""

_BY_NAME = {s.name: s for s in SETTINGS}
_NORMALIZED = tuple(
    s for s in SETTINGS if s.optional or s.widget in ("columns", "features", "layers")
)
HOT_SETTINGS = tuple(s for s in SETTINGS if s.hot)
WIDGET_SETTINGS = tuple(s for s in SETTINGS if s.widget != "layers")
"""The settings whose widget holds one session key named like the setting (every one but
``hidden``, whose widgets are ``n_hidden`` and ``neurons_0`` … see :func:`to_widgets`)."""


def setting(name: str) -> Setting:
    """The table row of one setting (KeyError for an unknown name)."""
    return _BY_NAME[name]


GENERATOR_SETTINGS = tuple(s for s in SETTINGS if s.param is not None)
"""The generated data's settings (points, noise, train share, data seed): None for a
data set with a fixed table."""


def generator_args(s) -> dict:
    """The data set generator's parameters these settings ask for ({} for a fixed table)."""
    preset = PRESETS.get(s.dataset)
    if preset is None:
        return {}
    return {
        g.param: getattr(s, g.name)
        for g in GENERATOR_SETTINGS
        if g.param in preset.params and getattr(s, g.name) is not None
    }


def preset_table(s) -> pd.DataFrame:
    """The table of the settings' data set, drawn with their generator parameters."""
    return load_preset(s.dataset, **generator_args(s))


class _SettingsMethods:
    """What ``Settings`` can do beyond holding its fields (which come from SETTINGS)."""

    __slots__ = ()

    def __post_init__(self) -> None:
        # one value per meaning: 0 batch rows / target max 0 are None, lists are tuples
        for s in _NORMALIZED:
            value = getattr(self, s.name)
            if (
                s.optional
                and value is not None
                and not isinstance(value, bool)
                and (value == s.none_as)
            ):
                object.__setattr__(self, s.name, None)
            elif s.widget == "features" and isinstance(value, (list, tuple)):
                object.__setattr__(
                    self, s.name, tuple(f.strip() if isinstance(f, str) else f for f in value)
                )
            elif isinstance(value, list):
                object.__setattr__(self, s.name, tuple(value))

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


Settings = make_dataclass(
    "Settings",
    [(s.name, s.type, field(default=s.default_for(PRESETS[DEFAULT_PRESET]))) for s in SETTINGS],
    bases=(_SettingsMethods,),
    frozen=True,
    namespace={
        "__module__": __name__,
        "__doc__": (
            "Everything a user chooses; the same names feed the widgets and the URL. "
            "Its fields are SETTINGS, and their defaults the default data set's settings."
        ),
    },
)


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
    values = {w.name: w.to_widget(getattr(s, w.name)) for w in WIDGET_SETTINGS}
    values["n_hidden"] = len(s.hidden)
    values.update({f"neurons_{i}": int(n) for i, n in enumerate(s.hidden)})
    return values


def from_widgets(values: Mapping) -> Settings:
    """The settings the widgets hold (``values``: e.g. the session state); a layer whose
    neuron count is not there yet has 4 neurons, as a new layer's widget starts."""
    n = int(values["n_hidden"])
    hidden = tuple(int(values.get(f"neurons_{i}", 4)) for i in range(n))
    return Settings(
        hidden=hidden, **{w.name: w.from_widget(values[w.name]) for w in WIDGET_SETTINGS}
    )


# ---------------------------------------------------------------------------- features
def split_features(text: str) -> tuple:
    """A link's ``features`` → the expressions: split at each ``;`` outside backquotes (a
    backquoted column name may hold one), spaces around each removed, empty parts dropped."""
    parts, current, quoted = [], [], False
    for ch in str(text):
        if ch == "`":
            quoted = not quoted
        if ch == FEATURE_SEPARATOR and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return tuple(p.strip() for p in parts if p.strip())


def column_ref(name: Any) -> str:
    """A column as a feature expression writes it: as it is if it is a plain identifier
    (``x1``, ``hours_studied``), else in backquotes (```hours studied```, ```lambda```)."""
    text = str(name)
    plain = (
        text.isidentifier()
        and not keyword.iskeyword(text)
        and unicodedata.normalize("NFKC", text) == text
    )
    return text if plain else f"`{text}`"


#: TensorFlow Playground's seven inputs over two columns (1 and 2): what each toggles —
#: the column itself (a raw input) or a feature, written with ``{1}`` and ``{2}``.
PLAYGROUND_INPUTS: dict[str, tuple[str, str]] = {
    "X1": ("column", "{1}"),
    "X2": ("column", "{2}"),
    "X1²": ("feature", "{1}**2"),
    "X2²": ("feature", "{2}**2"),
    "X1·X2": ("feature", "{1}*{2}"),
    "sin X1": ("feature", "sin({1})"),
    "sin X2": ("feature", "sin({2})"),
}


def playground_expressions(first: Any, second: Any) -> dict[str, str]:
    """The playground's seven inputs over two columns: toggle → the column's name (X1, X2)
    or the feature's expression (``x1**2``, ``sin(`hours studied`)`` …). A column whose
    name holds a backquote cannot be written in an expression: its features are left out."""
    refs = {"{1}": column_ref(first), "{2}": column_ref(second)}
    out = {}
    for toggle, (kind, pattern) in PLAYGROUND_INPUTS.items():
        if kind == "column":
            out[toggle] = str(first if pattern == "{1}" else second)
            continue
        if any("`" in str(c) for c, k in ((first, "{1}"), (second, "{2}")) if k in pattern):
            continue
        text = pattern
        for key, ref in refs.items():
            text = text.replace(key, ref)
        out[toggle] = text
    return out


def playground_label(toggle: str, first: Any, second: Any, width: int = 14) -> str:
    """A toggle's label with the real column names (each cut to ``width`` characters):
    ``x1²``, ``sin hours_studied``, ``x1·x2``."""

    def short(name):
        text = str(name)
        return text if len(text) <= width else text[: width - 1] + "…"

    return toggle.replace("X1", "\0").replace("X2", short(second)).replace("\0", short(first))


def same_feature(a: str, b: str, inputs: Sequence[Any]) -> bool:
    """Two expressions compute the same column (``x1**2`` and ``x1 ** 2``): the same text,
    or the same checked expression over ``inputs``."""
    if a.strip() == b.strip():
        return True
    try:
        return parse_feature(a, inputs).tree == parse_feature(b, inputs).tree
    except DataError:
        return False


def with_feature(
    features: Sequence[str],
    expression: str,
    inputs: Sequence[Any],
    table: pd.DataFrame | None = None,
) -> tuple:
    """``features`` and one more, ``expression``, checked over the input columns: raises
    DataError, naming the expression, if it is not a feature the network can take — outside
    the grammar, over a column that is not an input, an input column itself, the same as a
    feature already there, one too many, or (with ``table``) not a finite number in some
    row whose inputs are numbers."""
    inputs = list(inputs)
    feature = parse_feature(expression, inputs)
    text = feature.expression
    if feature.tree[0] == "col":
        name = inputs[feature.tree[1]]
        raise DataError(
            f"Feature '{text}' is the input column '{name}' itself — it is already an input."
        )
    for other in features:
        if same_feature(other, text, inputs):
            again = "" if other == text else f" (as '{other}')"
            raise DataError(f"Feature '{text}' is already a feature{again}.")
    added = (*features, text)
    parse_features(list(added), inputs)  # the count limit, and each one still checks
    if table is not None and all(c in table.columns for c in inputs):
        raw = table[inputs].apply(pd.to_numeric, errors="coerce")
        rows = raw.notna().all(axis=1).to_numpy()
        feature.evaluate(raw.to_numpy(dtype=np.float64)[rows], list(raw.index[rows]))
    return added


def fit_features(
    features: Sequence[str], inputs: Sequence[Any], columns: Sequence[Any] = ()
) -> tuple[tuple, list[str]]:
    """The features that still fit ``inputs``, and a note for each one dropped.

    A feature can only use input columns: when a column it uses stops being an input
    (or leaves the table: ``columns`` are the table's), the feature is dropped and the
    note says which column it needed."""
    inputs, columns = list(inputs), list(columns)
    kept, dropped = [], {}
    for text in features:
        try:
            parse_feature(text, inputs)
        except DataError as exc:
            why = str(exc)
            try:
                needed = [
                    str(columns[j])
                    for j in parse_feature(text, columns).used
                    if columns[j] not in inputs
                ]
            except DataError:
                needed = []
            if needed:
                names = ", ".join(f"'{n}'" for n in needed)
                verb = "is" if len(needed) == 1 else "are"
                why = f"it uses {names}, which {verb} no longer an input"
            dropped[text] = why.rstrip(".")
            continue
        kept.append(text)
    notes = [f"Removed the feature '{text}': {why}." for text, why in dropped.items()]
    return tuple(kept), notes
