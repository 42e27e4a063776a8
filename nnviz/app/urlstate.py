"""Settings ↔ URL query parameters: a link that reproduces a run.

The parameter names are the widgets' keys and the Settings' fields (``dataset``,
``hidden``, ``learning_rate`` …). Only what differs from the data set's own
suggested settings goes into the link, so links stay short. A custom or edited
table travels compressed in ``table`` (zlib + URL-safe base64 of its CSV) when it
is small enough. ``steps=N`` trains N steps on opening, which with the same seed
gives the same run. ``classroom=1`` with ``hide=loss,optimizer,…`` hides controls
for a focused exercise.

Reading is forgiving: an invalid parameter is ignored and a note says so; the rest
of the link still applies. Like TensorFlow Playground's ``state.ts``.
"""

from __future__ import annotations

import base64
import io
import math
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace

import pandas as pd

from ..activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from ..data import MAX_CSV_BYTES, PRESETS, SCALINGS, load_preset, read_csv_table
from ..errors import DataError
from ..initializers import INITS
from ..losses import LOSSES
from ..optimizers import OPTIMIZERS
from .settings import MAX_HIDDEN_LAYERS, MAX_NEURONS, Settings

MAX_TABLE_PARAM = 6000  # characters of encoded table a link may carry
MAX_LINK_STEPS = 100_000
CUSTOM = "custom"
# Controls a classroom link may hide (widget keys, plus groups).
HIDEABLE = (
    "dataset", "inputs", "targets", "scaling", "target_max", "hidden", "activation",
    "output_activation", "init", "seed", "bias", "loss", "optimizer", "learning_rate",
    "batch_size", "momentum", "l1", "l2", "table", "export", "inspector", "compare",
    "weights", "replay",
)


@dataclass
class LinkState:
    settings: Settings
    table: pd.DataFrame
    steps: int = 0
    classroom: bool = False
    hide: tuple = ()
    notes: list = field(default_factory=list)


def encode_table(table: pd.DataFrame) -> str:
    csv = table.to_csv(index=False).encode()
    return base64.urlsafe_b64encode(zlib.compress(csv, 9)).decode().rstrip("=")


def decode_table(text: str) -> pd.DataFrame:
    """A link's ``table`` → a table, read as an upload is (the same checks and limits).

    A link nnviz writes carries at most MAX_TABLE_PARAM characters, and unpacks to
    at most MAX_CSV_BYTES: anything longer is refused before it is decoded, and
    the unpacking stops at that size.
    """
    if len(text) > MAX_TABLE_PARAM:
        raise DataError(f"the table in the link is {len(text):,} characters long; a link "
                        f"carries at most {MAX_TABLE_PARAM:,}")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        unpack = zlib.decompressobj()
        csv = unpack.decompress(raw, MAX_CSV_BYTES + 1)
    except (ValueError, zlib.error) as exc:
        raise DataError("the table in the link is damaged (not compressed CSV)") from exc
    if len(csv) > MAX_CSV_BYTES or unpack.unconsumed_tail:
        raise DataError(f"the table in the link unpacks to more than {MAX_CSV_BYTES:,} bytes, "
                        "the largest table nnviz reads")
    if not unpack.eof:
        raise DataError("the table in the link is damaged (cut short)")
    return read_csv_table(io.BytesIO(csv))


def _choice(options):
    def parse(v):
        v = v.strip().lower()
        if v not in options:
            raise ValueError(f"choose one of {', '.join(options)}")
        return v
    return parse


def _number(lo, hi, integer=False):
    def parse(v):
        try:
            x = float(v)
        except ValueError:
            raise ValueError(f"not a number (a number from {lo:g} to {hi:g})") from None
        if not math.isfinite(x) or not lo <= x <= hi:
            raise ValueError(f"a number from {lo:g} to {hi:g}")
        if integer:
            if not x.is_integer():
                raise ValueError("a whole number")
            return int(x)
        return x
    return parse


def _hidden(v):
    v = v.strip()
    if v in ("", "0", "none"):
        return ()
    sizes = tuple(int(p) for p in v.replace(",", "-").split("-"))
    if len(sizes) > MAX_HIDDEN_LAYERS or any(not 1 <= s <= MAX_NEURONS for s in sizes):
        raise ValueError(f"up to {MAX_HIDDEN_LAYERS} layers of 1 to {MAX_NEURONS} neurons, "
                         "like 4-4")
    return sizes


def _bool(v):
    v = v.strip().lower()
    if v in ("1", "true", "yes", "on"):
        return True
    if v in ("0", "false", "no", "off"):
        return False
    raise ValueError("1 or 0")


def _names(v):
    names = tuple(n for n in (p.strip() for p in v.split(",")) if n)
    if not names:
        raise ValueError("one or more column names, separated by commas")
    return names


PARSERS = {
    "inputs": _names,
    "targets": _names,
    "scaling": _choice(tuple(SCALINGS)),
    "target_max": _number(0, 1e12),
    "hidden": _hidden,
    "activation": _choice(HIDDEN_ACTIVATIONS),
    "output_activation": _choice(OUTPUT_ACTIVATIONS),
    "bias": _bool,
    "init": _choice(tuple(INITS)),
    "seed": _number(0, 2**32 - 1, integer=True),
    "loss": _choice(tuple(LOSSES)),
    "optimizer": _choice(tuple(OPTIMIZERS)),
    "learning_rate": _number(1e-4, 10),
    "batch_size": _number(0, 5000, integer=True),
    "momentum": _number(0, 0.99),
    "l1": _number(0, 10),
    "l2": _number(0, 10),
}
OTHER = ("dataset", "table", "steps", "classroom", "hide")


def _format(name: str, value) -> str:
    if name in ("inputs", "targets"):
        return ",".join(map(str, value))
    if name == "hidden":
        return "-".join(map(str, value)) or "0"
    if isinstance(value, bool):
        return "1" if value else "0"
    if value is None:
        return "0"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _from_field(name: str, value):
    """Settings field value from a parsed URL value."""
    if name == "target_max":
        return value or None
    if name == "batch_size":
        return value or None
    return value


def custom_settings(table: pd.DataFrame) -> Settings:
    """Settings for a table of the user's: every column but the last in, the last out."""
    columns = [c for c in table.columns if c != "split"]
    return Settings(dataset=CUSTOM, inputs=tuple(columns[:-1]), targets=tuple(columns[-1:]),
                    scaling="standard", target_max=None, hidden=(4,), activation="tanh",
                    output_activation="linear", bias=True, init="xavier", loss="mse",
                    learning_rate=0.03)


def base_settings(dataset: str, table: pd.DataFrame) -> Settings:
    return Settings.for_preset(dataset) if dataset in PRESETS else custom_settings(table)


def read_link(params: Mapping[str, str]) -> LinkState:
    """Settings, table and options from URL parameters; bad ones are noted and skipped."""
    params = {str(k): (v[-1] if isinstance(v, list) else str(v)) for k, v in params.items()}
    notes: list[str] = []

    def ignore(name, why):
        notes.append(f"Ignored the link's {name}={params[name]!r}: {why}.")

    dataset = params.get("dataset", "exam_scores").strip().lower()
    table = None
    if dataset == CUSTOM or "table" in params:
        if "table" not in params:
            notes.append("The link names a custom table but carries none: using exam_scores.")
            dataset = "exam_scores"
        else:
            try:
                table = decode_table(params["table"])
            except DataError as exc:
                ignore("table", str(exc).rstrip("."))
    if dataset != CUSTOM and dataset not in PRESETS:
        ignore("dataset", f"no such data set (choose one of {', '.join(PRESETS)})")
        dataset = "exam_scores"
    if dataset == CUSTOM and table is None:
        dataset = "exam_scores"
    if table is None:
        table = load_preset(dataset)
    base = base_settings(dataset, table)
    changes = {}
    for name, parse in PARSERS.items():
        if name not in params:
            continue
        try:
            changes[name] = _from_field(name, parse(params[name]))
        except (ValueError, TypeError) as exc:
            ignore(name, str(exc) if str(exc) else "not understood")
    for name in ("inputs", "targets"):
        if name in changes:
            missing = [c for c in changes[name] if c not in table.columns]
            if missing:
                ignore(name, f"the table has no column {missing[0]!r}")
                del changes[name]
    settings = replace(base, **changes)
    steps = 0
    if "steps" in params:
        try:
            steps = _number(0, MAX_LINK_STEPS, integer=True)(params["steps"])
        except ValueError as exc:
            ignore("steps", str(exc))
    classroom = False
    if "classroom" in params:
        try:
            classroom = _bool(params["classroom"])
        except ValueError as exc:
            ignore("classroom", str(exc))
    hide = ()
    if "hide" in params:
        asked = [h.strip() for h in params["hide"].split(",") if h.strip()]
        unknown = [h for h in asked if h not in HIDEABLE]
        if unknown:
            notes.append(f"Ignored unknown controls in the link's hide: {', '.join(unknown)}.")
        hide = tuple(h for h in asked if h in HIDEABLE)
        classroom = classroom or bool(hide)
    known = set(PARSERS) | set(OTHER)
    for name in params:
        if name not in known:
            notes.append(f"Ignored the link's unknown parameter {name!r}.")
    return LinkState(settings, table, steps, classroom, hide, notes)


def write_link(settings: Settings, table: pd.DataFrame, *, steps: int = 0,
               classroom: bool = False, hide=()) -> dict[str, str]:
    """The URL parameters for these settings: what differs from the data set's defaults."""
    params: dict[str, str] = {}
    if settings.dataset in PRESETS:
        params["dataset"] = settings.dataset
        base = Settings.for_preset(settings.dataset)
        preset_table = load_preset(settings.dataset)
        edited = not (table.shape == preset_table.shape and table.equals(preset_table))
    else:
        params["dataset"] = CUSTOM
        base = custom_settings(table)
        edited = True
    if edited:
        encoded = encode_table(table)
        if len(encoded) <= MAX_TABLE_PARAM:
            params["table"] = encoded
    for f in fields(Settings):
        if f.name in PARSERS and getattr(settings, f.name) != getattr(base, f.name):
            params[f.name] = _format(f.name, getattr(settings, f.name))
    if steps:
        params["steps"] = str(int(steps))
    if classroom:
        params["classroom"] = "1"
    if hide:
        params["hide"] = ",".join(hide)
    return params
