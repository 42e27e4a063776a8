"""The kinds of widget a setting is chosen with, each a class that owns its values.

A setting's row in the settings table (:data:`nnviz.app.settings.SETTINGS`) names its
kind with the kind's own bounds (``Number(0.0, 0.99, step=0.05)``); the kind says what
a valid value is (:meth:`~Kind.admits`, in words :meth:`~Kind.describe`), how a link
reads and writes one (:meth:`~Kind.parse`, :meth:`~Kind.format`), what its widget
holds (:meth:`~Kind.to_widget`, :meth:`~Kind.from_widget`, for the layers two or more
session keys: :meth:`~Kind.widget_values`), the one value each meaning has
(:meth:`~Kind.normalize`) and how the runs' comparison shows one
(:meth:`~Kind.cell`). The sidebar draws each kind with one function of its own.

Kinds: :class:`Choice`, :class:`Checkbox`, :class:`Columns`, :class:`Features`,
:class:`Layers`, :class:`Number`, :class:`Integer`, :class:`LogSlider`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from ..data.features import MAX_FEATURE_LENGTH, MAX_FEATURES

FEATURE_SEPARATOR = ";"  # between two features in a link (never inside one, but in `…`)


def number_text(x: float) -> str:
    """The shortest text that reads back as exactly ``x`` (0.3, 1e-05, 100)."""
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    short = f"{x:g}"
    return short if float(short) == x else repr(float(x))


def is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


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


class Kind:
    """What every kind of widget knows of its values (the defaults fit most kinds)."""

    name: ClassVar[str]  # the kind's name ("number", "columns" …)
    optional: ClassVar[bool] = False  # None is a valid value (numbers may say so)
    one_key: ClassVar[bool] = True  # its widget holds one session key, the setting's name

    def admits(self, value) -> bool:
        """``value`` is valid for a setting of this kind."""
        if value is None:
            return self.optional
        return self._admits(value)

    def _admits(self, value) -> bool:
        raise NotImplementedError

    def describe(self) -> str:
        """What a valid value is, in words."""
        raise NotImplementedError

    def parse(self, text: str):
        """A link's text (stripped) → the value; ValueError says what a valid one is."""
        raise NotImplementedError

    def format(self, value) -> str:
        """The value → a link's text (:meth:`parse` reads it back exactly)."""
        return str(value)

    def normalize(self, value):
        """The one value a meaning has (a list as a tuple, the widget's "none" as None)."""
        return value

    def coerce(self, value):
        """A value read from JSON (a link's log) → the field's type."""
        return value

    def to_widget(self, value):
        """The value → what its widget's session key holds."""
        return value

    def from_widget(self, value):
        """What the widget holds → the value."""
        return value

    def widget_values(self, key: str, value) -> dict:
        """The session keys and values of the widget(s) that show ``value``."""
        return {key: self.to_widget(value)}

    def read_widgets(self, key: str, values: Mapping):
        """The value the widget(s) of :meth:`widget_values` hold in ``values``."""
        return self.from_widget(values[key])

    def missing(self, value, columns) -> list:
        """The names in ``value`` that are not among a table's ``columns`` (a column setting)."""
        return []

    def cell(self, value):
        """The value as the runs' comparison table shows it."""
        return value


# ---------------------------------------------------------------------------- choices
@dataclass(frozen=True)
class Choice(Kind):
    """One of a few names (a select box)."""

    choices: tuple
    name: ClassVar[str] = "select"

    def _admits(self, value) -> bool:
        return isinstance(value, str) and value in self.choices

    def describe(self) -> str:
        return f"one of {', '.join(map(str, self.choices))}"

    def parse(self, text: str) -> str:
        text = text.lower()
        if text not in self.choices:
            raise ValueError(f"choose {self.describe()}")
        return text


@dataclass(frozen=True)
class Checkbox(Kind):
    """Yes or no."""

    name: ClassVar[str] = "checkbox"

    def _admits(self, value) -> bool:
        return isinstance(value, bool)

    def describe(self) -> str:
        return "1 or 0"

    def parse(self, text: str) -> bool:
        if text.lower() in ("1", "true", "yes", "on"):
            return True
        if text.lower() in ("0", "false", "no", "off"):
            return False
        raise ValueError(self.describe())

    def format(self, value) -> str:
        return "1" if value else "0"

    def from_widget(self, value) -> bool:
        return bool(value)


# ---------------------------------------------------------------------------- names
class _Names(Kind):
    """A tuple of names, a list in its widget."""

    def normalize(self, value):
        return tuple(value) if isinstance(value, list) else value

    def to_widget(self, value) -> list:
        return list(value)

    def from_widget(self, value) -> tuple:
        return tuple(value)

    def cell(self, value) -> str:
        return "; ".join(value) or "none"


@dataclass(frozen=True)
class Columns(_Names):
    """Columns of the table, by name (a multiselect)."""

    name: ClassVar[str] = "columns"

    def _admits(self, value) -> bool:
        return isinstance(value, tuple) and all(isinstance(v, str) for v in value)

    def describe(self) -> str:
        return "one or more column names, separated by commas"

    def parse(self, text: str) -> tuple[str, ...]:
        names = tuple(n for n in (p.strip() for p in text.split(",")) if n)
        if not names:
            raise ValueError(self.describe())
        return names

    def format(self, value) -> str:
        return ",".join(map(str, value))

    def missing(self, value, columns) -> list:
        return [c for c in value if c not in columns]


@dataclass(frozen=True)
class Features(_Names):
    """Derived input features: expressions over the input columns (chips, toggles, a box)."""

    most: int = MAX_FEATURES
    longest: int = MAX_FEATURE_LENGTH
    name: ClassVar[str] = "features"

    def _admits(self, value) -> bool:
        return (
            isinstance(value, tuple)
            and len(value) <= self.most
            and all(
                isinstance(v, str) and v.strip() == v and 0 < len(v) <= self.longest for v in value
            )
            and len(set(value)) == len(value)
        )

    def describe(self) -> str:
        return (
            f"up to {self.most} expressions over the input columns, separated by "
            f"{FEATURE_SEPARATOR} (like x1**2{FEATURE_SEPARATOR}sin(x2)), each at most "
            f"{self.longest} characters and none twice"
        )

    def parse(self, text: str) -> tuple[str, ...]:
        features = split_features(text)
        if not self.admits(features):
            raise ValueError(self.describe())
        return features

    def format(self, value) -> str:
        return FEATURE_SEPARATOR.join(value)

    def normalize(self, value):
        if isinstance(value, (list, tuple)):
            return tuple(f.strip() if isinstance(f, str) else f for f in value)
        return value

    def from_widget(self, value) -> tuple:
        return tuple(str(f).strip() for f in value)


# ---------------------------------------------------------------------------- layers
@dataclass(frozen=True)
class Layers(Kind):
    """Hidden layers: how many (a slider, session key ``n_hidden``) and the neurons of
    each (a number input each, ``neurons_0`` …)."""

    min: int
    max: int
    step: int
    max_items: int
    new_layer: int = 4  # the neurons of a layer whose widget is not drawn yet
    name: ClassVar[str] = "layers"
    one_key: ClassVar[bool] = False

    def _admits(self, value) -> bool:
        return (
            isinstance(value, tuple)
            and len(value) <= self.max_items
            and all(
                is_number(n) and float(n).is_integer() and self.min <= n <= self.max for n in value
            )
        )

    def describe(self) -> str:
        return f"up to {self.max_items} layers of {self.min:g} to {self.max:g} neurons, like 4-4"

    def parse(self, text: str) -> tuple[int, ...]:
        try:
            sizes = (
                ()
                if text.lower() in ("", "0", "none")
                else tuple(int(p) for p in text.replace(",", "-").split("-"))
            )
        except ValueError:
            raise ValueError(self.describe()) from None
        if not self.admits(sizes):
            raise ValueError(self.describe())
        return sizes

    def format(self, value) -> str:
        return "-".join(map(str, value)) or "0"

    def normalize(self, value):
        return tuple(value) if isinstance(value, list) else value

    def to_widget(self, value) -> tuple:
        return tuple(int(n) for n in value)

    def from_widget(self, value) -> tuple:
        return tuple(int(n) for n in value)

    def widget_values(self, key: str, value) -> dict:
        return {"n_hidden": len(value), **{f"neurons_{i}": int(n) for i, n in enumerate(value)}}

    def read_widgets(self, key: str, values: Mapping) -> tuple:
        n = int(values["n_hidden"])
        return tuple(int(values.get(f"neurons_{i}", self.new_layer)) for i in range(n))

    def cell(self, value) -> str:
        return "-".join(map(str, value)) or "none"


# ---------------------------------------------------------------------------- numbers
@dataclass(frozen=True)
class Number(Kind):
    """A number in a range (a number input). ``optional``: None is valid, and its widget
    and link write it as ``none_as`` (which ``none_means``, ``none_cell`` in a table)."""

    min: float
    max: float | None = None  # None: no upper bound
    step: float | None = None
    number_format: str | None = None  # the number input's format, e.g. "%.4f"
    optional: bool = False
    none_as: Any = 0
    none_means: str = "none"
    none_cell: str = "none"
    name: ClassVar[str] = "number"

    def _admits(self, value) -> bool:
        if not is_number(value) or not math.isfinite(value):
            return False
        if self.optional and value == self.none_as:
            return False  # the field holds None for it
        return self.min <= value and (self.max is None or value <= self.max)

    def describe(self) -> str:
        if self.max is None:
            text = f"a number of at least {number_text(self.min)}"
        else:
            text = f"a number from {number_text(self.min)} to {number_text(self.max)}"
        if self.optional:
            text += f" ({number_text(self.none_as)}: {self.none_means})"
        return text

    def parse(self, text: str):
        try:
            x = float(text)
        except ValueError:
            raise ValueError(f"not a number ({self.describe()})") from None
        if self.optional and x == self.none_as:
            return None
        value = self._from_float(x)
        if not self.admits(value):
            raise ValueError(self.describe())
        return value

    def _from_float(self, x: float):
        return x

    def format(self, value) -> str:
        if value is None:
            value = self.none_as
        if isinstance(value, float):
            return number_text(value)
        return str(value)

    def normalize(self, value):
        if self.optional and is_number(value) and value == self.none_as:
            return None
        return value

    def coerce(self, value):
        """A whole number read from JSON is a float here."""
        return float(value) if isinstance(value, int) and not isinstance(value, bool) else value

    def to_widget(self, value):
        return self.none_as if value is None else float(value)

    def from_widget(self, value):
        if self.optional and (value is None or value == self.none_as):
            return None
        return float(value)

    def widget_args(self) -> dict:
        """The number input's range: min_value, max_value, step (and format)."""
        args = {"min_value": self.min, "max_value": self.max, "step": self.step}
        args = {k: self._widget_number(v) for k, v in args.items() if v is not None}
        if self.number_format:
            args["format"] = self.number_format
        return args

    def _widget_number(self, v):
        return v

    def cell(self, value):
        return self.none_cell if value is None else value


@dataclass(frozen=True)
class Integer(Number):
    """A whole number in a range (a number input with whole steps)."""

    name: ClassVar[str] = "integer"

    def _admits(self, value) -> bool:
        return super()._admits(value) and float(value).is_integer()

    def describe(self) -> str:
        return "a whole " + super().describe().removeprefix("a ")

    def _from_float(self, x: float):
        return int(x) if math.isfinite(x) and x.is_integer() else x

    def format(self, value) -> str:
        return str(int(self.none_as if value is None else value))

    def coerce(self, value):
        return value

    def to_widget(self, value) -> int:
        return int(self.none_as if value is None else value)

    def from_widget(self, value):
        if self.optional and (value is None or value == self.none_as):
            return None
        return int(value)

    def _widget_number(self, v) -> int:
        return int(v)


@dataclass(frozen=True)
class LogSlider(Number):
    """A number on a log scale: a slider over a ladder of stops (1-2-5 or 1-2-3-5 per
    decade); any value in range is valid (a link's value between two stops joins them)."""

    ladder: tuple = ()
    name: ClassVar[str] = "log_slider"

    def stops(self, value) -> tuple:
        """The slider's stops, with ``value`` among them."""
        return tuple(sorted({*self.ladder, float(value)}))


KINDS = (Choice, Checkbox, Columns, Features, Layers, Number, Integer, LogSlider)
"""Every kind of widget a setting can have."""
