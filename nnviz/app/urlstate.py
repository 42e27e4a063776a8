"""Settings ↔ URL query parameters: a link that reproduces a run, changes and all.

The parameter names are the settings' names (``dataset``, ``hidden``,
``learning_rate`` …; :data:`~nnviz.app.settings.SETTINGS` says how each reads and
writes). Derived input features travel in ``features``, separated by ``;``
(``features=x1**2;x2**2``; a ``;`` inside a backquoted column name is part of the name);
each is checked against the link's inputs and table, and one that does not fit is
ignored with a note. Only what differs from the data set's own suggested settings goes into the
link, so links stay short. A custom or edited table travels compressed in ``table``
(zlib + URL-safe base64 of its CSV) when it is small enough.

A link to a run (:func:`run_link`) carries the settings and the table of its
iteration 0, ``steps=N`` (the iteration it ended at) and, if anything changed on the
way, ``log``: the run's events (:class:`~nnviz.history.RunEvent`: new hot settings,
hand-edited weights, edited tables, rewinds, refused steps) with their iterations, as
JSON ``[version, [iteration, kind, value], …]`` compressed like the table. Replayed
from the same seed, the same batches and the same events at the same iterations
(:mod:`nnviz.app.linkreplay`), it gives the same run to the last digit. What a
link cannot carry is said by :func:`link_limits`. A link without ``log`` (the older
format: settings and steps) replays its settings throughout, as it always did.

``classroom=1`` with ``hide=loss,optimizer,…`` hides controls for a focused exercise.

Reading is forgiving: an invalid parameter is ignored and a note says so (a
:class:`~nnviz.app.notes.Note` of kind ``warning``; what the link changes to fit, such
as steps cut at the budget, are ``info``); the rest of the link still applies. Like
TensorFlow Playground's ``state.ts``.
"""

from __future__ import annotations

import base64
import io
import json
import math
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from ..data import MAX_CSV_BYTES, PRESETS, load_preset, read_csv_table
from ..errors import DataError
from ..quoting import number, quote, said
from .blobs import inflate
from .kinds import Checkbox, Integer
from .notes import Note
from .panels import PANELS
from .runlog import (
    EVENT_KINDS,
    LINK_WORK_BUDGET,
    MAX_LINK_EVENTS,
    MAX_LINK_STEPS,
    MAX_LINK_TABLES,
    RunEvent,
    budget_words,
    link_cost,
)
from .settings import (
    CUSTOM,
    DEFAULT_PRESET,
    GENERATOR_SETTINGS,
    SETTINGS,
    Setting,
    Settings,
    generator_args,
    preset_table,
    setting,
    with_feature,
)
from .setup import setup_for

MAX_TABLE_PARAM = 6000  # characters of encoded table a link may carry
MAX_LOG_PARAM = 6000  # characters of encoded event log a link may carry
MAX_LOG_BYTES = 1_000_000  # bytes the log's JSON may unpack to (a long run's: ~100 kB)
LOG_VERSION = 1
MAX_DIVERGE_TRIES = 10**6
MAX_EVENT_ITERATION = 10**12  # the last iteration a link's event may name (as steps=)
# What a classroom link may hide: every setting's control, and the tabs it may.
HIDEABLE = tuple(s.name for s in SETTINGS if s.hideable) + tuple(
    p.name for p in PANELS if p.hideable
)
# Settings read from a link by name (``dataset`` is read first, with the table).
PARSERS = {s.name: s.parse for s in SETTINGS if s.name != "dataset"}
# The link's other parameters, read like settings.
OPTIONS = {
    "steps": Setting("steps", int, "steps", Integer(0, MAX_EVENT_ITERATION), ""),
    "classroom": Setting("classroom", bool, "classroom", Checkbox(), ""),
}
OTHER = ("dataset", "table", "log", "hide", "run", *OPTIONS)  # run: a stored run's id
__all__ = [
    "CUSTOM",
    "HIDEABLE",
    "LINK_WORK_BUDGET",
    "MAX_LINK_STEPS",
    "PARSERS",
    "LinkState",
    "decode_log",
    "decode_table",
    "unpack",
    "encode_log",
    "encode_table",
    "event_to_json",
    "events_from_json",
    "link_limits",
    "read_link",
    "run_link",
    "write_link",
]


@dataclass
class LinkState:
    """What a link asks for: the settings and table of iteration 0, and the run after it."""

    settings: Settings
    table: pd.DataFrame
    steps: int = 0  # the iteration the run ends at
    classroom: bool = False
    hide: tuple = ()
    notes: list = field(default_factory=list)  # Notes: what was ignored (warnings), and why
    events: tuple = ()  # RunEvents to replay on the way (an older link has none)


def pack(raw: bytes) -> str:
    """Bytes as a link carries them: zlib-compressed, URL-safe base64 without padding."""
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")


def unpack(text: str, what: str, max_chars: int, max_bytes: int) -> bytes:
    """A compressed link parameter (``table``, ``log`` …: :func:`pack`'s text) → its bytes,
    bounded before any work: refused (a ValueError naming ``what``) when it is longer than
    ``max_chars`` characters, before it is decoded; unpacked as a stream that stops after
    ``max_bytes`` bytes, however well it compresses (refused past them); refused when
    damaged or cut short. Every compressed parameter a link carries is read through it."""
    if len(text) > max_chars:
        raise ValueError(
            f"{what} is {len(text):,} characters long; a link carries at most {max_chars:,}"
        )
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError as exc:
        raise ValueError(f"{what} is damaged (not compressed data)") from exc
    return inflate(raw, max_bytes, what)  # a BlobError (ValueError) says what is wrong


def encode_table(table: pd.DataFrame) -> str:
    return pack(table.to_csv(index=False).encode())


def decode_table(text: str) -> pd.DataFrame:
    """A link's ``table`` → a table, read as an upload is (the same checks and limits).

    A link nnviz writes carries at most MAX_TABLE_PARAM characters, and unpacks to
    at most MAX_CSV_BYTES: anything longer is refused before it is decoded, and
    the unpacking stops at that size (:func:`unpack`).
    """
    try:
        csv = unpack(text, "the table in the link", MAX_TABLE_PARAM, MAX_CSV_BYTES)
    except ValueError as exc:
        why = str(exc)
        if "unpacks to more" in why:
            why += ", the largest table nnviz reads"
        elif "damaged" in why or "cut short" in why:
            why = "the table in the link is damaged (not compressed CSV, or cut short)"
        raise DataError(why) from exc
    return read_csv_table(io.BytesIO(csv))


def custom_settings(table: pd.DataFrame) -> Settings:
    """Settings for a table of the user's: the setup nnviz proposes for it
    (:func:`nnviz.app.setup.setup_for`), which a link's own parameters then change; for a
    table nothing can be proposed for, every column but the last in and the last out."""
    try:
        return setup_for(table, Settings()).settings
    except DataError:
        pass
    columns = [c for c in table.columns if c != "split"]
    return Settings(
        dataset=CUSTOM,
        inputs=tuple(columns[:-1]),
        targets=tuple(columns[-1:]),
        scaling="standard",
        target_max=None,
        hidden=(4,),
        activation="tanh",
        output_activation="linear",
        bias=True,
        init="xavier",
        loss="mse",
        learning_rate=0.03,
    )


def base_settings(dataset: str, table: pd.DataFrame) -> Settings:
    return Settings.for_preset(dataset) if dataset in PRESETS else custom_settings(table)


# ---------------------------------------------------------------------------- the event log
def encode_log(events: Sequence[RunEvent]) -> str:
    """A run's events → the link's ``log``: JSON [version, [iteration, kind, value], …],
    zlib-compressed, URL-safe base64. Numbers are written exactly (JSON floats round-trip)."""
    items: list = [LOG_VERSION, *(event_to_json(e) for e in events)]
    return pack(json.dumps(items, separators=(",", ":"), allow_nan=False).encode())


def decode_log(text: str, steps: int) -> tuple[list[RunEvent], int, list[Note]]:
    """The link's ``log`` → (events, steps, notes), bounded before any work: the text's
    length, then the bytes it unpacks to (:data:`MAX_LOG_BYTES`, :func:`unpack`), then
    the number of changes (:data:`~nnviz.app.runlog.MAX_LINK_EVENTS`, of them at most
    :data:`~nnviz.app.runlog.MAX_LINK_TABLES` edited tables) — past that the log is cut,
    with a note. Events are checked one by one: from the first bad one on, the log is
    dropped and the run is replayed up to its iteration."""
    try:
        items = json.loads(unpack(text, "it", MAX_LOG_PARAM, MAX_LOG_BYTES))
        if not isinstance(items, list) or not items or items[0] != LOG_VERSION:
            version = items[0] if isinstance(items, list) and items else None
            raise ValueError(
                f"it is version {quote(version)}; this nnviz reads version {LOG_VERSION}"
            )
    except (ValueError, TypeError, RecursionError) as exc:
        why = str(exc)
        if not why.startswith("it "):
            why = "it is damaged (not a compressed event list)"
        return [], 0, [_ignored(f"Ignored the link's log ({why}): replaying none of the run.")]
    body = items[1:]
    fits = _fitting_count(body)
    events: list[RunEvent] = []
    it = 0  # the iteration the replay is at
    for n, item in enumerate(body[:fits]):
        try:
            event = _event(item, it)
        except (ValueError, TypeError, DataError) as exc:
            cut = _cut_at(item, it, steps)
            return (
                events,
                cut,
                [
                    _ignored(
                        f"Ignored the link's log from its event {n + 1:,} on "
                        f"({said(str(exc).rstrip('.'))}): the run is replayed up to "
                        f"iteration {cut:,}."
                    )
                ],
            )
        events.append(event)
        it = _after(event)
    if fits < len(body):
        cut = _cut_at(body[fits], it, steps)
        tables = sum(1 for item in body if _kind(item) == "table")
        return (
            events,
            cut,
            [
                _ignored(
                    f"The link's log holds {len(body):,} changes ({tables:,} of them edited "
                    f"tables); a link carries at most {MAX_LINK_EVENTS:,} "
                    f"({MAX_LINK_TABLES} tables), more than a run made by hand needs: the "
                    f"first {fits:,} are replayed, up to iteration {cut:,}."
                )
            ],
        )
    if steps < it:
        return (
            events,
            it,
            [
                Note(
                    f"The link's steps={steps:,} ends before its last event: "
                    f"replaying up to iteration {it:,}."
                )
            ],
        )
    return events, steps, []


def _kind(item) -> object:
    return item[1] if isinstance(item, list) and len(item) > 1 else None


def _fitting_count(items: list) -> int:
    """How many of a log's items a link may carry: at most MAX_LINK_EVENTS, of them at
    most MAX_LINK_TABLES edited tables (each one is read and prepared whole)."""
    tables = 0
    for n, item in enumerate(items[:MAX_LINK_EVENTS]):
        if _kind(item) == "table":
            tables += 1
            if tables > MAX_LINK_TABLES:
                return n
    return min(len(items), MAX_LINK_EVENTS)


def _cut_at(item, it: int, steps: int) -> int:
    """Where the replay stops when the log is cut before ``item``: its iteration (if it
    names one), within the link's steps and not before where the replay is."""
    cut = item[0] if isinstance(item, list) and item and _whole(item[0]) else it
    return max(min(cut, steps), it)


def event_to_json(e: RunEvent) -> list:
    """One event as the log writes it: [iteration, kind, value], JSON-ready (a table as
    its CSV text, a weight edit as a list)."""
    value = e.value
    if e.kind == "table":
        value = value.to_csv(index=False)
    elif e.kind == "weight":
        value = list(value)
    return [int(e.iteration), e.kind, value]


def events_from_json(items) -> list[RunEvent]:
    """[iteration, kind, value] items (as :func:`event_to_json` writes them) → RunEvents,
    each checked as a link's log is; a ValueError names the first one that is not right."""
    if not isinstance(items, list):
        raise ValueError("the events are not a list")
    events: list[RunEvent] = []
    it = 0
    for n, item in enumerate(items):
        try:
            event = _event(item, it)
        except (ValueError, TypeError, DataError) as exc:
            raise ValueError(f"event {n + 1}: {str(exc).rstrip('.')}") from exc
        events.append(event)
        it = _after(event)
    return events


def _after(event: RunEvent) -> int:
    """The iteration a replay is at after this event."""
    if event.kind == "rewind":
        return int(event.value)
    if event.kind == "diverge":
        return max(event.iteration - 1, 0)
    return event.iteration


def _ignored(text: str) -> Note:
    """A part of the link that is not used: a warning on the page."""
    return Note(text, "warning")


def _whole(x) -> bool:
    return isinstance(x, int) and not isinstance(x, bool) and x >= 0


def _event(item, it: int) -> RunEvent:
    """One log item → a RunEvent, checked (ValueError/TypeError/DataError says why not)."""
    if not (
        isinstance(item, list) and len(item) == 3 and _whole(item[0]) and item[1] in EVENT_KINDS
    ):
        raise ValueError("not [iteration, kind, value]")
    iteration, kind, value = item
    if iteration > MAX_EVENT_ITERATION:
        raise ValueError(
            f"its iteration, {number(iteration)}, is past the last a link may name "
            f"({MAX_EVENT_ITERATION:,})"
        )
    if iteration < it:
        raise ValueError(f"iteration {iteration:,} comes after {it:,}")
    return RunEvent(iteration, kind, _EVENT_VALUES[kind](value, iteration))


# One reader per event kind: the log's value (JSON) at an iteration → the RunEvent's value,
# checked (ValueError/TypeError/DataError says why not).
def _set_value(value, iteration: int) -> dict:
    """{name: value} of hot settings, each valid (a whole number reads as a float one)."""
    if not isinstance(value, dict) or not value:
        raise ValueError("a settings change without settings")
    out = {}
    for name, v in value.items():
        s = setting(name) if name in PARSERS else None
        if s is None or not s.hot:
            raise ValueError(f"{quote(name)} cannot change during a run")
        v = s.kind.coerce(v)  # a whole number in a float setting reads as a float
        s.check(v)
        out[name] = v
    return out


def _weight_value(value, iteration: int) -> tuple:
    """[layer, row, column, value] → (layer, row, column, float value)."""
    if not (
        isinstance(value, list)
        and len(value) == 4
        and all(map(_whole, value[:3]))
        and isinstance(value[3], (int, float))
        and math.isfinite(value[3])
    ):
        raise ValueError("a weight edit is [layer, row, column, value]")
    return (*value[:3], float(value[3]))


def _table_value(value, iteration: int) -> pd.DataFrame:
    """The CSV text of the new table → the table."""
    if not isinstance(value, str):
        raise ValueError("a table edit without a table")
    return read_csv_table(io.BytesIO(value.encode()))


def _rewind_value(value, iteration: int) -> int:
    """The iteration the run went back to: at most the event's."""
    if not (_whole(value) and value <= iteration):
        raise ValueError("a rewind goes back to an earlier iteration")
    return value


def _diverge_value(value, iteration: int) -> int:
    """How many steps were refused: 1 to MAX_DIVERGE_TRIES."""
    if not (_whole(value) and 1 <= value <= MAX_DIVERGE_TRIES):
        raise ValueError("refused steps are counted by a whole number")
    return value


_EVENT_VALUES = {
    "set": _set_value,
    "weight": _weight_value,
    "table": _table_value,
    "rewind": _rewind_value,
    "diverge": _diverge_value,
}


# ---------------------------------------------------------------------------- reading
def read_link(params: Mapping[str, str]) -> LinkState:
    """Settings, table, run and options from URL parameters; bad ones are noted and skipped."""
    params = {str(k): (v[-1] if isinstance(v, list) else str(v)) for k, v in params.items()}
    notes: list[Note] = []

    def ignore(name, why):
        notes.append(_ignored(f"Ignored the link's {name}={quote(params[name])}: {said(why)}."))

    dataset, table = _read_table(params, ignore, notes)
    settings = base_settings(dataset, table)
    changes, options = {}, {"steps": 0, "classroom": False}
    for name, s in (*((s.name, s) for s in SETTINGS[1:]), *OPTIONS.items()):
        if name not in params:
            continue
        try:
            value = s.parse(params[name])
            missing = s.kind.missing(value, table.columns)
            if missing:
                raise ValueError(f"the table has no column {quote(missing[0])}")
            (options if name in OPTIONS else changes)[name] = value
        except ValueError as exc:
            ignore(name, str(exc) or "not understood")
    settings = replace(settings, **changes)
    settings, table = _generated(settings, table, "table" in params, params, notes)
    if settings.features:
        settings = _fitting_features(settings, table, notes)
    steps, events = options["steps"], []
    if "log" in params:
        events, steps, log_notes = decode_log(params["log"], steps)
        notes += log_notes
    if steps > MAX_LINK_STEPS:
        notes.append(
            Note(
                f"The link asks for {steps:,} steps; a link may ask for at most "
                f"{MAX_LINK_STEPS:,}: the run is replayed up to iteration "
                f"{MAX_LINK_STEPS:,}."
            )
        )
        steps = MAX_LINK_STEPS
        events = [e for e in _until(events, steps)]
    hide = tuple(h.strip() for h in params.get("hide", "").split(",") if h.strip())
    unknown = [h for h in hide if h not in HIDEABLE]
    if unknown:
        listed = ", ".join(quote(h) for h in unknown[:5])
        more = f" and {len(unknown) - 5:,} more" if len(unknown) > 5 else ""
        notes.append(_ignored(f"Ignored unknown controls in the link's hide: {listed}{more}."))
    hide = tuple(h for h in hide if h in HIDEABLE)
    unknown = [name for name in params if name not in PARSERS and name not in OTHER]
    notes += [_ignored(f"Ignored the link's unknown parameter {quote(n)}.") for n in unknown[:5]]
    if len(unknown) > 5:
        notes.append(_ignored(f"Ignored {len(unknown) - 5:,} more unknown parameters."))
    return LinkState(
        settings, table, steps, options["classroom"] or bool(hide), hide, notes, tuple(events)
    )


def _generated(
    settings: Settings, table: pd.DataFrame, carried: bool, params: dict, notes: list
) -> tuple[Settings, pd.DataFrame]:
    """The link's generated data: its points, noise, train share and data seed apply to a
    data set drawn by a generator (the table is drawn with them, unless the link carries
    its table); for any other table they are ignored, with a note."""
    args = generator_args(settings)
    dropped = {}
    for g in GENERATOR_SETTINGS:
        if getattr(settings, g.name) is not None and g.param not in args:
            dropped[g.name] = None
            if g.name in params:
                notes.append(
                    _ignored(
                        f"Ignored the link's {g.name}={quote(params[g.name])}: "
                        f"{settings.dataset} is not a generated data set."
                    )
                )
    settings = replace(settings, **dropped)
    if not carried and args != generator_args(base_settings(settings.dataset, table)):
        table = preset_table(settings)
    return settings, table


def _fitting_features(settings: Settings, table: pd.DataFrame, notes: list) -> Settings:
    """The link's settings with the features that fit its inputs and table (each one checked
    as the app's feature box checks it); a note for each one ignored."""
    kept: tuple = ()
    for text in settings.features:
        try:
            kept = with_feature(kept, text, settings.inputs, table)
        except DataError as exc:
            notes.append(
                _ignored(f"Ignored the link's feature {quote(text)}: {said(str(exc).rstrip('.'))}.")
            )
    return replace(settings, features=kept)


def _until(events, end: int):
    """The events up to the first one past iteration ``end``."""
    for e in events:
        if e.iteration > end:
            return
        yield e


def _read_table(params: dict, ignore, notes: list) -> tuple[str, pd.DataFrame]:
    """The link's data set and table (a preset's own, or the one the link carries)."""
    dataset = params.get("dataset", DEFAULT_PRESET).strip().lower()
    table = None
    if "table" in params:
        try:
            table = decode_table(params["table"])
        except DataError as exc:
            ignore("table", str(exc).rstrip("."))
    elif dataset == CUSTOM:
        notes.append(
            Note(f"The link names a custom table but carries none: using {DEFAULT_PRESET}.")
        )
    if dataset != CUSTOM and dataset not in PRESETS:
        ignore("dataset", f"no such data set (choose one of {', '.join(PRESETS)})")
        dataset = DEFAULT_PRESET
    if dataset == CUSTOM and table is None:
        dataset = DEFAULT_PRESET
    return dataset, load_preset(dataset) if table is None else table


# ---------------------------------------------------------------------------- writing
def write_link(
    settings: Settings,
    table: pd.DataFrame,
    *,
    steps: int = 0,
    classroom: bool = False,
    hide=(),
    events: Sequence[RunEvent] = (),
) -> dict[str, str]:
    """The URL parameters for these settings (what differs from the data set's defaults),
    ``steps`` and the run's ``events`` on the way (see :func:`run_link`)."""
    params: dict[str, str] = {}
    if settings.dataset in PRESETS:
        params["dataset"] = settings.dataset
        base = Settings.for_preset(settings.dataset)
        drawn = preset_table(settings)
        edited = not (table.shape == drawn.shape and table.equals(drawn))
    else:
        params["dataset"] = CUSTOM
        base = custom_settings(table)
        edited = True
    if edited:
        encoded = encode_table(table)
        if len(encoded) <= MAX_TABLE_PARAM:
            params["table"] = encoded
    for s in SETTINGS[1:]:
        if getattr(settings, s.name) != getattr(base, s.name):
            params[s.name] = s.format(getattr(settings, s.name))
    if steps:
        params["steps"] = str(int(steps))
    if events:
        params["log"] = encode_log(events)
    if classroom:
        params["classroom"] = "1"
    if hide:
        params["hide"] = ",".join(hide)
    return params


def run_link(explorer, *, classroom: bool = False, hide=()) -> dict[str, str]:
    """The link that reproduces the explorer's run: its iteration-0 settings and table,
    its events and its iteration (or less: :func:`link_limits` says what and why)."""
    return _share(explorer, classroom, tuple(hide))[0]


def link_limits(explorer) -> list[str]:
    """What :func:`run_link` cannot carry of this run, in words ([] if it reproduces it)."""
    return _share(explorer, False, ())[1]


def _share(ex, classroom: bool, hide: tuple) -> tuple[dict[str, str], list[str]]:
    options = {"classroom": classroom, "hide": hide}
    run = ex.run_log
    foreign = run.foreign_weights(ex.trainer)
    if foreign:
        return write_link(ex.settings, ex.table, **options), [
            f"This link reproduces the settings, not the weights: {foreign}, and a link "
            "cannot carry weights. It opens with the weights its seed draws."
        ]
    size = len(encode_table(run.table)) if _edited(run.settings, run.table) else 0
    if size > MAX_TABLE_PARAM:
        opens = "the data set's own table" if run.settings.dataset in PRESETS else DEFAULT_PRESET
        return write_link(ex.settings, ex.table, **options), [
            f"The table is too large for a link ({size:,} characters compressed; a link "
            f"carries at most {MAX_TABLE_PARAM:,}): the link carries the settings only and "
            f"opens with {opens}. Download the table as CSV to share it."
        ]
    events, steps, notes = run.events, ex.trainer.iteration, []
    fit = _fitting_count([[e.iteration, e.kind] for e in events])
    if fit < len(events):
        steps = events[fit].iteration
        tables = sum(1 for e in events if e.kind == "table")
        notes.append(
            f"This run made {len(events):,} changes ({tables:,} of them edited tables); a "
            f"link carries at most {MAX_LINK_EVENTS:,} ({MAX_LINK_TABLES} tables), more than "
            f"a run made by hand needs: the link reproduces the run up to iteration "
            f"{steps:,}, where its change {fit + 1:,} was made."
        )
        events = events[:fit]
    fit = _fitting_prefix(events)
    if fit < len(events):
        steps = events[fit].iteration
        notes.append(
            f"The link reproduces the run up to iteration {steps:,}: the "
            f"{len(events) - fit} changes from there on do not fit in a link."
        )
        events = events[:fit]
    cost = link_cost(events, steps, ex.network.n_params, run.table, run.settings.batch_size)
    if cost.cut:
        notes.append(
            f"Opening this link trains only up to iteration {cost.end:,}: {budget_words()}."
        )
        events, steps = events[: cost.events], cost.end
    return write_link(run.settings, run.table, steps=steps, events=events, **options), notes


def _edited(settings: Settings, table: pd.DataFrame) -> bool:
    if settings.dataset not in PRESETS:
        return True
    own = preset_table(settings)
    return not (table.shape == own.shape and table.equals(own))


def _fitting_prefix(events: list) -> int:
    """How many of the events fit in a link's log (the longest prefix that does)."""
    if not events or len(encode_log(events)) <= MAX_LOG_PARAM:
        return len(events)
    lo, hi = 0, len(events)  # encode_log(events[:lo]) fits, events[:hi] does not
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if len(encode_log(events[:mid])) <= MAX_LOG_PARAM else (lo, mid)
    return lo
