"""The run store: runs kept in a database, so that they outlive a session, a server and a
replica. SQLite by default (one file that several replicas on one host share), PostgreSQL
by changing one URL. It takes a SQLAlchemy engine and knows nothing of Streamlit or of
what a run holds: :mod:`nnviz.app.saved` turns an explorer into a :class:`RunPayload`
and back.

**Where.** :func:`connection_kwargs` gives what ``st.connection("runs", type="sql", …)``
needs: the URL from ``NNVIZ_DB_URL``, else ``[connections.runs] url`` of
``.streamlit/secrets.toml``, else the SQLite file ``$XDG_DATA_HOME/nnviz/runs.sqlite``
(``~/.local/share/nnviz/runs.sqlite``), created on first use; and the engine's keyword
arguments (SQLite's busy timeout). :func:`create_store_engine` makes the same engine
without Streamlit. ``NNVIZ_DB_MAX_MB`` caps the runs' total size (:func:`max_bytes`).

**What.** A run is one row of ``nnviz_runs_2`` (its id, name, whether it is published, its
times, its iteration and a one-line summary for lists, and two small blobs rewritten at
every save: ``doc``, JSON, and ``state``, an ``.npz``) and its *parts* in
``nnviz_parts_2``: blobs under keys that name their content (a table, a chunk of the loss
history, a chunk of weight snapshots). A part, once written, never changes: a save
writes only the parts the row's ``manifest`` does not list yet, and deletes those it no
longer lists, in one transaction, so that saving a long run costs what changed since the
last save. Each part carries its size and SHA-256, checked on loading.

**Schema.** ``nnviz_schema`` holds the schema's version. A database of a newer version is
refused (:class:`SchemaTooNew`); an older one is migrated on first use, one version at a
time, each in one transaction. Each version's tables carry its number, so that a
migration creates the new tables, copies the rows over (``INSERT … SELECT``) and drops
the old ones, with SQLAlchemy Core alone. Version 1 kept no access times nor sizes; 2
adds them (pruning needs them) and the copy's origin.

**Safe.** Run ids are 144 random bits as 24 URL-safe characters (:func:`new_run_id`),
checked before any query (:func:`check_run_id`). Every statement is a SQLAlchemy Core
expression with bound parameters. A row is bounded (:data:`MAX_RUN_BYTES`), and so is
every piece of it before it is read. Every failure is a :class:`StoreError` whose message
is meant for the person using the app: a corrupt row (:class:`RunCorrupt`), a locked
(:class:`StoreBusy`), read-only (:class:`StoreReadOnly`) or full (:class:`StoreFull`)
database, a schema from the future (:class:`SchemaTooNew`). Nothing else is lost: a
failed save changes nothing.

**Bounded.** :meth:`RunStore.prune` deletes the unnamed, unpublished runs untouched (not
saved nor opened) for :data:`PRUNE_AFTER_DAYS` days, and keeps the runs' total size
under the cap by deleting the least recently touched unnamed, unpublished runs first. A
named or published run is never deleted but by :meth:`RunStore.delete`: when they alone
fill the cap, a save that would grow the store is refused with a :class:`StoreFull`
saying so (the run goes on in memory).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import math
import os
import re
import secrets
import time
import unicodedata
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

# ---------------------------------------------------------------------------- limits
SCHEMA_VERSION = 2
RUN_ID_BYTES = 18  # 144 random bits
RUN_ID_LENGTH = 24  # their URL-safe base64 text
_RUN_ID = re.compile(r"[A-Za-z0-9_-]{24}")

MAX_RUN_BYTES = 64 * 2**20
"""Most bytes one run may take (its blobs and parts together): 64 MiB, the memory budget
of a run's history (``nnviz.history.MEMORY_BUDGET``). A history holds at most 2¹⁹ loss
points (12.6 MB) and snapshots up to that budget (at most 19.5 MB for the largest
network the app builds, 2,432 parameters × 1000 snapshots), and a table at most 11 MB of
CSV (about a third of that compressed): a run of the app fits with room for the tables
of several edits. A run past it is not saved (:class:`RunTooLarge`)."""
MAX_DOC_BYTES = 8 * 2**20  # the JSON document: settings, logs, scalars
MAX_STATE_BYTES = 4 * 2**20  # the small .npz rewritten at every save
MAX_PART_BYTES = 16 * 2**20  # one part (the largest is a compressed table, ≤ 11 MB raw)
MAX_PARTS = 2048
MAX_KEY_LENGTH = 160
MAX_NAME_LENGTH = 100
MAX_SUMMARY_LENGTH = 300
MAX_LISTED = 200  # runs one list asks for or shows
ROW_OVERHEAD = 512  # bytes counted for a run's row besides its blobs and parts
PRUNE_AFTER_DAYS = 30
PRUNE_EVERY_S = 3600  # a store prunes old runs at most this often while it saves
SAVE_TRIES = 3

ENV_URL = "NNVIZ_DB_URL"
ENV_MAX_MB = "NNVIZ_DB_MAX_MB"
DEFAULT_MAX_MB = 2048
SQLITE_TIMEOUT_S = 5.0
"""How long a SQLite connection waits for another writer (its busy timeout), in seconds.
A save is a few milliseconds, so 5 s rides out many replicas saving at once; past it the
save fails with :class:`StoreBusy` and the run goes on in memory."""
POSTGRES_LOCK_TIMEOUT_MS = 5000  # the same bound for PostgreSQL's row locks
POSTGRES_CONNECT_TIMEOUT_S = 5  # an unreachable server is given up after this long
DISABLED = "none"
"""``NNVIZ_DB_URL=none``: no run store; runs live in their tab's memory only."""


# ---------------------------------------------------------------------------- errors
class StoreError(Exception):
    """Something the run store could not do. The message is for the person using the
    app; the run in memory is untouched."""


class BadRunId(StoreError, ValueError):
    """A run id that nnviz did not make (checked before any query)."""


class BadRunName(StoreError, ValueError):
    """A run name that is too long or holds control characters."""


class RunNotFound(StoreError):
    """No run with that id: never saved, deleted, or pruned."""


class RunCorrupt(StoreError):
    """A row that is damaged, cut short or not nnviz's."""


class RunTooNew(RunCorrupt):
    """A run saved by a newer nnviz, in a format this one does not read."""


class RunReadOnly(StoreError):
    """A published run: it never changes (open it to get a copy of your own)."""


class RunChanged(StoreError):
    """A save that expected the run as it last loaded or saved it found it changed by
    another writer since (another tab or window on the same run), or deleted (``deleted``).
    Nothing was written."""

    def __init__(self, message: str, *, deleted: bool = False):
        super().__init__(message)
        self.deleted = deleted


class RunTooLarge(StoreError):
    """A run past :data:`MAX_RUN_BYTES`."""


class SchemaTooNew(StoreError):
    """A database made by a newer nnviz."""


class StoreBusy(StoreError):
    """The database is locked by another writer for longer than the timeout."""


class StoreReadOnly(StoreError):
    """The database cannot be written (a read-only file, user or transaction)."""


class StoreFull(StoreError):
    """The disk is full, or the runs fill the store's cap and none may be deleted."""


class StoreUnavailable(StoreError):
    """The database cannot be opened or reached."""


# ---------------------------------------------------------------------------- schema
metadata = sa.MetaData()

schema_table = sa.Table(
    "nnviz_schema",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("version", sa.Integer, nullable=False),
)

runs = sa.Table(
    "nnviz_runs_2",
    metadata,
    sa.Column("id", sa.String(RUN_ID_LENGTH), primary_key=True),
    sa.Column("name", sa.String(MAX_NAME_LENGTH)),
    sa.Column("published", sa.Boolean, nullable=False),
    sa.Column("copied_from", sa.String(RUN_ID_LENGTH)),
    sa.Column("created_ms", sa.BigInteger, nullable=False),
    sa.Column("updated_ms", sa.BigInteger, nullable=False),
    sa.Column("touched_ms", sa.BigInteger, nullable=False),
    sa.Column("iteration", sa.BigInteger, nullable=False),
    sa.Column("summary", sa.String(MAX_SUMMARY_LENGTH), nullable=False),
    sa.Column("size_bytes", sa.BigInteger, nullable=False),
    sa.Column("revision", sa.BigInteger, nullable=False),
    sa.Column("manifest", sa.Text, nullable=False),  # JSON {part key: size}
    sa.Column("doc", sa.LargeBinary, nullable=False),
    sa.Column("state", sa.LargeBinary, nullable=False),
    sa.Index("ix_nnviz_runs_2_gallery", "published", "updated_ms"),
    sa.Index("ix_nnviz_runs_2_touched", "touched_ms"),
)

parts = sa.Table(
    "nnviz_parts_2",
    metadata,
    sa.Column("run_id", sa.String(RUN_ID_LENGTH), primary_key=True),
    sa.Column("key", sa.String(MAX_KEY_LENGTH), primary_key=True),
    sa.Column("size_bytes", sa.BigInteger, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
)

# Version 1, kept to migrate from: no access time, no size, no copy's origin.
metadata_v1 = sa.MetaData()
runs_v1 = sa.Table(
    "nnviz_runs_1",
    metadata_v1,
    sa.Column("id", sa.String(RUN_ID_LENGTH), primary_key=True),
    sa.Column("name", sa.String(MAX_NAME_LENGTH)),
    sa.Column("published", sa.Boolean, nullable=False),
    sa.Column("created_ms", sa.BigInteger, nullable=False),
    sa.Column("updated_ms", sa.BigInteger, nullable=False),
    sa.Column("iteration", sa.BigInteger, nullable=False),
    sa.Column("summary", sa.String(MAX_SUMMARY_LENGTH), nullable=False),
    sa.Column("revision", sa.BigInteger, nullable=False),
    sa.Column("manifest", sa.Text, nullable=False),
    sa.Column("doc", sa.LargeBinary, nullable=False),
    sa.Column("state", sa.LargeBinary, nullable=False),
)
parts_v1 = sa.Table(
    "nnviz_parts_1",
    metadata_v1,
    sa.Column("run_id", sa.String(RUN_ID_LENGTH), primary_key=True),
    sa.Column("key", sa.String(MAX_KEY_LENGTH), primary_key=True),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
)


def _migrate_1_to_2(conn: sa.Connection) -> None:
    """Version 1 → 2: every run touched when it was last saved; sizes from the blobs."""
    metadata.create_all(conn, tables=[runs, parts])
    length = sa.func.length
    parts_size = (
        sa.select(sa.func.coalesce(sa.func.sum(length(parts_v1.c.data)), 0))
        .where(parts_v1.c.run_id == runs_v1.c.id)
        .scalar_subquery()
    )
    v1 = runs_v1.c
    conn.execute(
        runs.insert().from_select(
            [c.name for c in runs.c],
            sa.select(
                v1.id,
                v1.name,
                v1.published,
                sa.null(),
                v1.created_ms,
                v1.updated_ms,
                v1.updated_ms,
                v1.iteration,
                v1.summary,
                length(v1.doc) + length(v1.state) + parts_size + sa.literal(ROW_OVERHEAD),
                v1.revision,
                v1.manifest,
                v1.doc,
                v1.state,
            ),
        )
    )
    p1 = parts_v1.c
    conn.execute(
        parts.insert().from_select(
            ["run_id", "key", "size_bytes", "sha256", "data"],
            sa.select(p1.run_id, p1.key, length(p1.data), p1.sha256, p1.data),
        )
    )
    metadata_v1.drop_all(conn, tables=[parts_v1, runs_v1])


MIGRATIONS: dict[int, Callable[[sa.Connection], None]] = {1: _migrate_1_to_2}
"""From version k to k + 1, for every k below :data:`SCHEMA_VERSION`."""


# ---------------------------------------------------------------------------- ids, names
def new_run_id() -> str:
    """A new run id: 144 random bits (``secrets``) as 24 URL-safe characters."""
    return secrets.token_urlsafe(RUN_ID_BYTES)


def _shown(value, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check_run_id(value) -> str:
    """``value`` if it is a run id nnviz makes (24 letters, digits, ``-`` or ``_``), else
    :class:`BadRunId`. Its length is checked before anything else is looked at."""
    if not (isinstance(value, str) and len(value) == RUN_ID_LENGTH and _RUN_ID.fullmatch(value)):
        raise BadRunId(
            f"The run id {_shown(value)} is not one nnviz makes ({RUN_ID_LENGTH} letters, "
            "digits, '-' or '_'): no run was opened."
        )
    return value


def check_run_name(name) -> str | None:
    """A run's name, tidied (spaces around it dropped, runs of spaces made one); None for
    no name. :class:`BadRunName` for one that is not text, too long or holds control
    characters."""
    if name is None:
        return None
    if not isinstance(name, str):
        raise BadRunName(f"A run's name is text; got {_shown(name)}.")
    if len(name) > 4 * MAX_NAME_LENGTH:
        raise BadRunName(f"A run's name has at most {MAX_NAME_LENGTH} characters.")
    tidy = " ".join(name.split())
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") for ch in tidy):
        raise BadRunName(f"The name {_shown(tidy)} holds a control or unassigned character.")
    if len(tidy) > MAX_NAME_LENGTH:
        raise BadRunName(
            f"The name {_shown(tidy)} has {len(tidy)} characters; at most {MAX_NAME_LENGTH}."
        )
    return tidy or None


# ---------------------------------------------------------------------------- what is kept
@dataclass(frozen=True)
class Part:
    """One immutable piece of a run, under a key that names its content: ``data`` (or a
    function that makes it, called only if the store does not hold the key yet)."""

    key: str
    data: bytes | Callable[[], bytes]


@dataclass
class RunPayload:
    """What a save writes: the two blobs rewritten every time, the parts (written when
    new), and what lists show (the iteration and a one-line summary)."""

    doc: bytes
    state: bytes
    parts: Sequence[Part] = ()
    iteration: int = 0
    summary: str = ""


@dataclass(frozen=True)
class RunInfo:
    """A run as lists show it. Times are seconds since the epoch."""

    id: str
    name: str | None
    published: bool
    copied_from: str | None
    created: float
    updated: float
    touched: float
    iteration: int
    summary: str
    size_bytes: int


@dataclass
class StoredRun:
    """A run as loaded: its info, its blobs and its parts (by key), checked for size and
    checksum; their content is for :mod:`nnviz.app.saved` to read. ``revision`` counts
    the run's saves: a save that passes it as ``expect_revision`` goes through only if no
    other writer saved the run since."""

    info: RunInfo
    doc: bytes
    state: bytes
    parts: dict[str, bytes]
    revision: int = 0


@dataclass
class SaveResult:
    written_bytes: int  # the blobs and the new parts written
    size_bytes: int  # the run's size now
    pruned: list[str] = field(default_factory=list)  # runs deleted to make room
    revision: int = 0  # the run's revision after this save


@dataclass
class PruneResult:
    removed: int  # runs deleted
    freed_bytes: int
    total_bytes: int  # the runs' total size after
    max_bytes: int
    note: str = ""  # why the total is still over the cap, if it is

    @property
    def over_cap(self) -> bool:
        return self.total_bytes > self.max_bytes


_INFO_COLUMNS = (
    runs.c.id,
    runs.c.name,
    runs.c.published,
    runs.c.copied_from,
    runs.c.created_ms,
    runs.c.updated_ms,
    runs.c.touched_ms,
    runs.c.iteration,
    runs.c.summary,
    runs.c.size_bytes,
)


def _info(row) -> RunInfo:
    return RunInfo(
        id=row.id,
        name=row.name,
        published=bool(row.published),
        copied_from=row.copied_from,
        created=row.created_ms / 1000,
        updated=row.updated_ms / 1000,
        touched=row.touched_ms / 1000,
        iteration=int(row.iteration),
        summary=row.summary,
        size_bytes=int(row.size_bytes),
    )


def _megabytes(n: float) -> str:
    return f"{n / 2**20:,.1f} MB"


# ---------------------------------------------------------------------------- errors
_SQLITE_ERRORS = (
    (("SQLITE_BUSY", "SQLITE_LOCKED"), "busy"),
    (("SQLITE_READONLY",), "read_only"),
    (("SQLITE_FULL",), "full"),
    (("SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_NOTADB", "SQLITE_CORRUPT", "SQLITE_PERM"), "gone"),
)
_POSTGRES_ERRORS = (
    (("55P03", "40001", "40P01", "57014"), "busy"),
    (("25006", "42501"), "read_only"),
    (("53",), "full"),
    (("08", "57P", "28", "3D"), "gone"),
)


def _kind(error: sa_exc.DBAPIError) -> str:
    orig = error.orig
    name = getattr(orig, "sqlite_errorname", None)
    if isinstance(name, str):
        return next((k for prefixes, k in _SQLITE_ERRORS if name.startswith(prefixes)), "")
    state = getattr(orig, "sqlstate", None)
    if isinstance(state, str):
        return next((k for prefixes, k in _POSTGRES_ERRORS if state.startswith(prefixes)), "")
    if isinstance(error, sa_exc.OperationalError):
        return "gone"  # e.g. no server at that address: the driver gives no code
    return ""


def _reason(error: BaseException) -> str:
    text = str(getattr(error, "orig", None) or error).strip().splitlines()
    return (text[0] if text else type(error).__name__)[:200]


def _translate(error: sa_exc.SQLAlchemyError, action: str, where: str) -> StoreError:
    kind = _kind(error) if isinstance(error, sa_exc.DBAPIError) else ""
    reason = _reason(error)
    where = f" {where}" if where else ""
    if kind == "busy":
        return StoreBusy(
            f"The run store is busy: it could not {action} ({reason}); another program or "
            "replica holds it locked. Try again in a moment."
        )
    if kind == "read_only":
        return StoreReadOnly(
            f"The run store{where} is read-only ({reason}): it could not {action}. Runs can "
            "be opened but not saved."
        )
    if kind == "full":
        return StoreFull(
            f"The run store{where} is full ({reason}): it could not {action}. Free some disk "
            "space or delete runs you no longer need."
        )
    if kind == "gone":
        return StoreUnavailable(
            f"The run store{where} cannot be reached ({reason}): it could not {action}."
        )
    return StoreError(f"The run store could not {action} ({reason}).")


# ---------------------------------------------------------------------------- where
def default_db_path(environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_DATA_HOME/nnviz/runs.sqlite`` (an absolute XDG_DATA_HOME only, as the XDG
    spec says), else ``~/.local/share/nnviz/runs.sqlite``: outside the repository."""
    environ = os.environ if environ is None else environ
    base = environ.get("XDG_DATA_HOME", "")
    if not (base and os.path.isabs(base)):
        home = environ.get("HOME") or os.path.expanduser("~")
        base = os.path.join(home, ".local", "share")
    return Path(base) / "nnviz" / "runs.sqlite"


def db_url(environ: Mapping[str, str] | None = None, configured: str | None = None) -> str:
    """The database's URL: ``NNVIZ_DB_URL``, else ``configured`` (e.g. secrets.toml's
    ``[connections.runs] url``), else the default SQLite file."""
    environ = os.environ if environ is None else environ
    url = environ.get(ENV_URL, "").strip() or (configured or "").strip()
    if url:
        return url
    return sa.URL.create("sqlite", database=str(default_db_path(environ))).render_as_string()


def _dialect(url: str) -> str:
    try:
        return sa.make_url(url).get_backend_name()
    except sa_exc.ArgumentError as error:
        raise StoreUnavailable(
            f"The run store's URL is not a database URL ({error}); set {ENV_URL} to one such "
            "as sqlite:////path/runs.sqlite or postgresql+psycopg://user@host/db."
        ) from error


def connection_kwargs(
    environ: Mapping[str, str] | None = None, section: Mapping | None = None
) -> dict:
    """The keyword arguments for ``st.connection("runs", type="sql", **kwargs)`` (and for
    :func:`create_store_engine`): ``url`` and SQLAlchemy's ``create_engine`` arguments.

    ``section`` is ``[connections.runs]`` of ``.streamlit/secrets.toml`` as a mapping
    (``st.secrets.get("connections", {}).get("runs", {})``), if any. ``NNVIZ_DB_URL``
    wins over its ``url``; its ``create_engine_kwargs`` are kept, with the store's
    defaults added where it sets none: SQLite's busy timeout (``connect_args.timeout``)
    and PostgreSQL's lock timeout (``connect_args.options``). All are returned because
    ``st.connection`` lets a keyword argument replace a secrets.toml entry of the same
    name whole (``connect_args`` included). A section that gives ``dialect``/``host``
    rather than a ``url`` is left to Streamlit unless ``NNVIZ_DB_URL`` is set.
    """
    environ = os.environ if environ is None else environ
    section = dict(section or {})
    engine = dict(section.get("create_engine_kwargs") or {})
    connect_args = dict(engine.get("connect_args") or {})
    out: dict = {}
    if environ.get(ENV_URL, "").strip() or "url" in section or "dialect" not in section:
        out["url"] = db_url(environ, section.get("url"))
        dialect = _dialect(out["url"])
    else:
        dialect = str(section.get("dialect"))
    if dialect == "sqlite":
        connect_args.setdefault("timeout", SQLITE_TIMEOUT_S)
    elif dialect == "postgresql":
        connect_args.setdefault("options", f"-c lock_timeout={POSTGRES_LOCK_TIMEOUT_MS}")
        connect_args.setdefault("connect_timeout", POSTGRES_CONNECT_TIMEOUT_S)
        engine.setdefault("pool_pre_ping", True)
    if connect_args:
        engine["connect_args"] = connect_args
    return {**out, **engine}


def disabled(environ: Mapping[str, str] | None = None) -> bool:
    """``NNVIZ_DB_URL=none``: no run store (runs live in their tab's memory only)."""
    environ = os.environ if environ is None else environ
    return environ.get(ENV_URL, "").strip().lower() == DISABLED


def open_error(error: BaseException, environ: Mapping[str, str] | None = None) -> StoreError:
    """An error met while opening the store — Streamlit's (``st.connection``), SQLAlchemy's
    or the driver's — as a :class:`StoreError` whose message is for the person using the
    app (a StoreError is returned as it is)."""
    if isinstance(error, StoreError):
        return error
    if isinstance(error, sa_exc.SQLAlchemyError):
        return _translate(error, "open the run store", "")
    return StoreUnavailable(
        f"The run store cannot be opened ({_reason(error)}): check {ENV_URL} or "
        "[connections.runs] in .streamlit/secrets.toml."
    )


def max_bytes(environ: Mapping[str, str] | None = None) -> int:
    """The runs' total size cap: ``NNVIZ_DB_MAX_MB`` megabytes (default 2048); a value
    that is not a positive number is refused with a StoreError naming it."""
    environ = os.environ if environ is None else environ
    text = environ.get(ENV_MAX_MB, "").strip()
    if not text:
        return DEFAULT_MAX_MB * 2**20
    try:
        mb = float(text)
    except ValueError:
        mb = math.nan
    if not (mb > 0 and math.isfinite(mb)):
        raise StoreError(f"{ENV_MAX_MB}={_shown(text)} is not a positive number of megabytes.")
    return int(mb * 2**20)


def create_store_engine(
    environ: Mapping[str, str] | None = None, section: Mapping | None = None
) -> sa.Engine:
    """The engine :func:`connection_kwargs` describes, made without Streamlit (for
    scripts, tests and benchmarks; the app gets its own from ``st.connection``)."""
    kwargs = connection_kwargs(environ, section)
    return sa.create_engine(kwargs.pop("url"), **kwargs)


# ---------------------------------------------------------------------------- the store
_READY: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # engines with the schema


class _Conflict(Exception):
    """Another writer changed the run between this save's read and its write."""


class RunStore:
    """Runs in the database behind ``engine``: save, load, list, name, copy, publish,
    delete, prune. Thread-safe (it holds no state but its settings); every method opens
    its own connection and transaction."""

    def __init__(
        self,
        engine: sa.Engine,
        *,
        max_bytes: int = DEFAULT_MAX_MB * 2**20,
        max_run_bytes: int = MAX_RUN_BYTES,
        prune_after_days: float = PRUNE_AFTER_DAYS,
        clock: Callable[[], float] = time.time,
    ):
        self.engine = engine
        self.max_bytes = int(max_bytes)
        self.max_run_bytes = int(max_run_bytes)
        self.prune_after_days = float(prune_after_days)
        self.clock = clock
        self._last_prune = -math.inf

    # ------------------------------------------------------------------ plumbing
    @property
    def where(self) -> str:
        """The database, in words (no password)."""
        url = self.engine.url
        if url.get_backend_name() == "sqlite":
            return f"({url.database or 'in memory'})"
        return f"({url.render_as_string(hide_password=True)})"

    @contextmanager
    def _errors(self, action: str):
        try:
            yield
        except sa_exc.SQLAlchemyError as error:
            raise _translate(error, action, self.where) from error
        except OSError as error:  # the SQLite file's folder could not be made
            raise StoreUnavailable(
                f"The run store {self.where} cannot be reached ({error.strerror}): it could "
                f"not {action}."
            ) from error

    def _now_ms(self) -> int:
        return int(self.clock() * 1000)

    def ready(self) -> None:
        """Make sure the database holds the current schema: create it in an empty one,
        migrate an older one, refuse a newer one (:class:`SchemaTooNew`). Done once per
        engine; every method calls it."""
        if _READY.get(self.engine):
            return
        with self._errors("open the run store"):
            self._prepare_file()
            ensure_schema(self.engine)
        _READY[self.engine] = True

    def _prepare_file(self) -> None:
        """SQLite: the file's folder made on first use, and WAL mode (kept in the file:
        readers never wait for a writer, several processes share it)."""
        url = self.engine.url
        if url.get_backend_name() != "sqlite":
            return
        database = url.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA journal_mode=WAL")
        except sa_exc.OperationalError as error:
            if _kind(error) != "read_only":  # a read-only file keeps its mode; it can be read
                raise

    # ------------------------------------------------------------------ saving
    def save(
        self, run_id: str, payload: RunPayload, *, expect_revision: int | None = None
    ) -> SaveResult:
        """Save a run under ``run_id`` (new or not): the blobs, and the parts the stored
        run does not hold yet; the parts it no longer lists are deleted. One transaction:
        on any error nothing changed. Refused for a published run (:class:`RunReadOnly`),
        past :data:`MAX_RUN_BYTES` (:class:`RunTooLarge`), or when the store's cap cannot
        be met without deleting a named or published run (:class:`StoreFull`).

        ``expect_revision``: the run's revision as this writer last loaded or saved it
        (:attr:`StoredRun.revision`, :attr:`SaveResult.revision`); if another writer saved
        the run since, or deleted it, the save is refused with :class:`RunChanged` and
        nothing is written. None: save whatever the store holds (a new run)."""
        run_id = check_run_id(run_id)
        self._check_payload(payload)
        self.ready()
        with self._errors("save the run"):
            for _ in range(SAVE_TRIES):
                try:
                    result = self._save_once(run_id, payload, expect_revision)
                except _Conflict:
                    continue
                if self.clock() - self._last_prune > PRUNE_EVERY_S:
                    self._last_prune = self.clock()
                    self._prune_old(keep=run_id)
                return result
        raise StoreBusy(
            "The run could not be saved: another session saved it at the same moment, "
            f"{SAVE_TRIES} times. It goes on in memory and is saved at the next change."
        )

    def _check_payload(self, payload: RunPayload) -> None:
        if len(payload.doc) > MAX_DOC_BYTES or len(payload.state) > MAX_STATE_BYTES:
            raise RunTooLarge(
                f"This run's record is too large to save ({_megabytes(len(payload.doc))} of "
                f"settings and logs, {_megabytes(len(payload.state))} of state; at most "
                f"{_megabytes(MAX_DOC_BYTES)} and {_megabytes(MAX_STATE_BYTES)})."
            )
        keys = [p.key for p in payload.parts]
        if len(keys) > MAX_PARTS or len(set(keys)) != len(keys):
            raise RunTooLarge(f"A run has at most {MAX_PARTS} parts, each under its own key.")
        if any(not (isinstance(k, str) and 0 < len(k) <= MAX_KEY_LENGTH) for k in keys):
            raise ValueError(f"a part's key is text of 1 to {MAX_KEY_LENGTH} characters")
        if not (isinstance(payload.iteration, int) and 0 <= payload.iteration < 2**62):
            raise ValueError("a run's iteration is a whole number >= 0")

    def _save_once(self, run_id: str, payload: RunPayload, expect: int | None) -> SaveResult:
        """One try: read the stored manifest, make the parts it lacks and room for them,
        then lock the run's row (the first statement of the write transaction updates it,
        which takes SQLite's write lock and PostgreSQL's row lock, so that writers of one
        run take turns), read the manifest (and revision) again under the lock and write."""
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(
                    runs.c.manifest, runs.c.published, runs.c.size_bytes, runs.c.revision
                ).where(runs.c.id == run_id)
            ).first()
            if row is not None and row.published:
                raise RunReadOnly(
                    "This run is published in the gallery and never changes: open it to get "
                    "a copy of your own, which saves."
                )
            _expected(row, expect)
            made: dict[str, bytes] = {}
            old, _ = self._manifest_of(row)
            self._make_parts(payload, old, made)
            size = self._size(payload, old, made)
            pruned = self._make_room(size - (0 if row is None else row.size_bytes), run_id)
            now = self._now_ms()
            try:
                if row is None:
                    locked, damaged = {}, False
                else:
                    bump = conn.execute(
                        runs.update()
                        .where(runs.c.id == run_id)
                        .values(revision=runs.c.revision + 1)
                    )
                    if bump.rowcount != 1:
                        raise _Conflict  # deleted meanwhile: save it anew
                    again = conn.execute(
                        sa.select(runs.c.manifest, runs.c.revision).where(runs.c.id == run_id)
                    ).first()
                    if expect is not None and again.revision != expect + 1:
                        conn.rollback()
                        _expected(again, expect + 1)  # another writer saved it meanwhile
                    locked, damaged = self._manifest_of(again)
                self._make_parts(payload, locked, made)
                manifest = {p.key: _held_size(p.key, locked, made) for p in payload.parts}
                size = self._size(payload, locked, made)
                values = {
                    "iteration": payload.iteration,
                    "summary": payload.summary[:MAX_SUMMARY_LENGTH],
                    "size_bytes": size,
                    "manifest": json.dumps(manifest, separators=(",", ":")),
                    "doc": payload.doc,
                    "state": payload.state,
                    "updated_ms": now,
                    "touched_ms": now,
                }
                if row is None:
                    conn.execute(
                        runs.insert().values(
                            id=run_id, name=None, published=False, copied_from=None,
                            created_ms=now, revision=1, **values,
                        )
                    )  # fmt: skip
                else:
                    conn.execute(runs.update().where(runs.c.id == run_id).values(**values))
                if damaged:
                    conn.execute(parts.delete().where(parts.c.run_id == run_id))
                new_parts = [(k, made[k]) for k in manifest if k not in locked]
                self._write_parts(conn, run_id, new_parts)
                gone = [key for key in locked if key not in manifest]
                for chunk in _chunks(gone, 500):
                    conn.execute(
                        parts.delete().where(parts.c.run_id == run_id, parts.c.key.in_(chunk))
                    )
                conn.commit()
            except sa_exc.IntegrityError as error:
                raise _Conflict from error  # created by another writer at the same moment
        written = len(payload.doc) + len(payload.state) + sum(len(d) for _, d in new_parts)
        revision = 1 if row is None else int(again.revision)
        return SaveResult(written, size, pruned, revision)

    def _manifest_of(self, row) -> tuple[dict, bool]:
        """(the row's manifest, whether it was damaged: then the run is written anew)."""
        if row is None:
            return {}, False
        try:
            return _manifest(row.manifest, self.max_run_bytes), False
        except RunCorrupt:
            return {}, True

    @staticmethod
    def _make_parts(payload: RunPayload, held: dict, made: dict) -> None:
        """Make the data of the parts the store does not hold (``held``) nor ``made``."""
        for part in payload.parts:
            if part.key not in held and part.key not in made:
                data = bytes(part.data() if callable(part.data) else part.data)
                if len(data) > MAX_PART_BYTES:
                    raise RunTooLarge(
                        f"A part of this run is {_megabytes(len(data))}; at most "
                        f"{_megabytes(MAX_PART_BYTES)}."
                    )
                made[part.key] = data

    def _size(self, payload: RunPayload, held: dict, made: dict) -> int:
        """The run's size as the cap counts it; RunTooLarge past the row bound."""
        parts_size = sum(_held_size(p.key, held, made) for p in payload.parts)
        size = len(payload.doc) + len(payload.state) + parts_size + ROW_OVERHEAD
        if size > self.max_run_bytes:
            raise RunTooLarge(
                f"This run takes {_megabytes(size)}; a run may take at most "
                f"{_megabytes(self.max_run_bytes)}. It goes on in memory, unsaved: "
                "Reset, or keep fewer edited tables."
            )
        return size

    @staticmethod
    def _write_parts(conn: sa.Connection, run_id: str, new_parts: list) -> None:
        if new_parts:
            conn.execute(
                parts.insert(),
                [
                    {
                        "run_id": run_id,
                        "key": key,
                        "size_bytes": len(data),
                        "sha256": hashlib.sha256(data).hexdigest(),
                        "data": data,
                    }
                    for key, data in new_parts
                ],
            )

    # ------------------------------------------------------------------ loading
    def load(self, run_id: str) -> StoredRun:
        """The run saved under ``run_id``, every piece checked for size before it is read
        and for its checksum after (:class:`RunNotFound`, :class:`RunCorrupt`). Opening a
        run counts as touching it (pruning goes by that), when the store can be written."""
        run_id = check_run_id(run_id)
        self.ready()
        with self._errors("open the run"):
            for _ in range(SAVE_TRIES):
                stored = self._load_once(run_id)
                if stored is not None:
                    break
            else:
                raise RunCorrupt("This run's saved parts are missing: it cannot be opened.")
        with contextlib.suppress(StoreError):  # read-only or busy: the run is open all the same
            self.touch(run_id)
        return stored

    def _load_once(self, run_id: str) -> StoredRun | None:
        """The run, or None when its parts changed while they were read (read again)."""
        length = sa.func.length
        with self.engine.connect() as conn:
            head = conn.execute(
                sa.select(
                    *_INFO_COLUMNS,
                    runs.c.revision,
                    length(runs.c.doc).label("doc_size"),
                    length(runs.c.state).label("state_size"),
                    length(runs.c.manifest).label("manifest_size"),
                ).where(runs.c.id == run_id)
            ).first()
            if head is None:
                raise RunNotFound(
                    f"No run {run_id} is saved here: it was deleted, or pruned after "
                    f"{self.prune_after_days:g} days unused without a name."
                )
            if (
                head.doc_size > MAX_DOC_BYTES
                or head.state_size > MAX_STATE_BYTES
                or head.manifest_size > MAX_PARTS * (MAX_KEY_LENGTH + 16)
            ):
                raise RunCorrupt("This run's saved record is larger than nnviz writes one.")
            body = conn.execute(
                sa.select(runs.c.revision, runs.c.manifest, runs.c.doc, runs.c.state).where(
                    runs.c.id == run_id
                )
            ).first()
            if body is None or body.revision != head.revision:
                return None
            manifest = _manifest(body.manifest, self.max_run_bytes)
            found = self._read_parts(conn, run_id, manifest)
        if found is None:
            return None
        return StoredRun(_info(head), bytes(body.doc), bytes(body.state), found, int(body.revision))

    @staticmethod
    def _read_parts(conn: sa.Connection, run_id: str, manifest: dict) -> dict | None:
        found: dict[str, bytes] = {}
        for keys in _chunks(list(manifest), 500):
            sizes = conn.execute(
                sa.select(parts.c.key, parts.c.size_bytes, sa.func.length(parts.c.data)).where(
                    parts.c.run_id == run_id, parts.c.key.in_(keys)
                )
            ).all()
            if len(sizes) != len(keys):
                return None  # rewritten since the manifest was read
            for key, size, actual in sizes:
                if not (size == actual == manifest[key]):
                    raise RunCorrupt(f"A part of this run ({key}) is not the size it was saved at.")
            rows = conn.execute(
                sa.select(parts.c.key, parts.c.sha256, parts.c.data).where(
                    parts.c.run_id == run_id, parts.c.key.in_(keys)
                )
            ).all()
            if len(rows) != len(keys):
                return None
            for key, digest, data in rows:
                data = bytes(data)
                if hashlib.sha256(data).hexdigest() != digest:
                    raise RunCorrupt(
                        f"A part of this run ({key}) is damaged: its checksum differs."
                    )
                found[key] = data
        return found

    def info(self, run_id: str) -> RunInfo:
        """The run as lists show it (:class:`RunNotFound` if there is none)."""
        found = self.list_runs([check_run_id(run_id)])
        if not found:
            raise RunNotFound(f"No run {run_id} is saved here.")
        return found[0]

    def touch(self, run_id: str) -> None:
        """Mark the run as used now (pruning deletes runs untouched for long)."""
        run_id = check_run_id(run_id)
        self.ready()
        with self._errors("mark the run as used"), self.engine.begin() as conn:
            conn.execute(runs.update().where(runs.c.id == run_id).values(touched_ms=self._now_ms()))

    # ------------------------------------------------------------------ lists
    def list_runs(self, ids: Iterable[str]) -> list[RunInfo]:
        """The saved runs among ``ids`` (the first :data:`MAX_LISTED`; ids nnviz does not
        make are skipped), in the order given; ids with no run are left out."""
        wanted = []
        for run_id in ids:
            if len(wanted) >= MAX_LISTED:
                break
            try:
                wanted.append(check_run_id(run_id))
            except BadRunId:
                continue
        if not wanted:
            return []
        self.ready()
        with self._errors("list the runs"), self.engine.connect() as conn:
            rows = conn.execute(sa.select(*_INFO_COLUMNS).where(runs.c.id.in_(wanted))).all()
        by_id = {row.id: _info(row) for row in rows}
        return [by_id[i] for i in dict.fromkeys(wanted) if i in by_id]

    def gallery(self, limit: int = MAX_LISTED) -> list[RunInfo]:
        """The published runs with a title, the most recent first (at most ``limit``); a
        frozen copy (:meth:`freeze`) has none and is not listed."""
        limit = max(0, min(int(limit), MAX_LISTED))
        self.ready()
        with self._errors("list the gallery"), self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(*_INFO_COLUMNS)
                .where(runs.c.published == sa.true(), runs.c.name.is_not(None))
                .order_by(runs.c.updated_ms.desc(), runs.c.id)
                .limit(limit)
            ).all()
        return [_info(row) for row in rows]

    # ------------------------------------------------------------------ changes
    def name(self, run_id: str, name: str | None) -> str | None:
        """Give the run a name ("" or None: take it away); returns the name as kept. A
        named run is never pruned. :class:`RunReadOnly` for a published run."""
        run_id = check_run_id(run_id)
        name = check_run_name(name)
        self.ready()
        with self._errors("name the run"), self.engine.connect() as conn:
            done = conn.execute(
                runs.update()
                .where(runs.c.id == run_id, runs.c.published == sa.false())
                .values(name=name, touched_ms=self._now_ms())
            )
            conn.commit()
        if done.rowcount != 1:
            self._refuse_change(run_id)
        return name

    def _refuse_change(self, run_id: str):
        info = self.info(run_id)  # RunNotFound if there is none
        if info.published:
            raise RunReadOnly("This run is published in the gallery and never changes.")
        raise StoreBusy("The run changed while it was being renamed: try again.")

    def delete(self, run_id: str) -> bool:
        """Delete the run and its parts; False if there was none."""
        run_id = check_run_id(run_id)
        self.ready()
        with self._errors("delete the run"), self.engine.begin() as conn:
            return bool(_delete_runs(conn, [run_id]))

    def copy(self, run_id: str, *, name: str | None = None, published: bool = False) -> str:
        """A copy of the run under a new id (returned), unnamed unless ``name`` is given;
        its ``copied_from`` is ``run_id``. The cap is kept as a save keeps it."""
        run_id = check_run_id(run_id)
        name = check_run_name(name)
        source = self.info(run_id)
        new_id = new_run_id()
        with self._errors("copy the run"):
            self._make_room(source.size_bytes, run_id)
            with self.engine.begin() as conn:
                # hold the source's row (PostgreSQL) so that its parts match its manifest
                held = conn.execute(
                    sa.select(runs.c.id).where(runs.c.id == run_id).with_for_update()
                ).first()
                if held is None:
                    raise RunNotFound(f"No run {run_id} is saved here: it was just deleted.")
                now = self._now_ms()
                c = runs.c
                conn.execute(
                    runs.insert().from_select(
                        [col.name for col in runs.c],
                        sa.select(
                            sa.literal(new_id, sa.String),
                            sa.literal(name, sa.String),
                            sa.literal(bool(published), sa.Boolean),
                            sa.literal(run_id, sa.String),
                            sa.literal(now, sa.BigInteger),
                            sa.literal(now, sa.BigInteger),
                            sa.literal(now, sa.BigInteger),
                            c.iteration,
                            c.summary,
                            c.size_bytes,
                            sa.literal(1, sa.BigInteger),
                            c.manifest,
                            c.doc,
                            c.state,
                        ).where(c.id == run_id),
                    )
                )
                p = parts.c
                conn.execute(
                    parts.insert().from_select(
                        ["run_id", "key", "size_bytes", "sha256", "data"],
                        sa.select(
                            sa.literal(new_id, sa.String), p.key, p.size_bytes, p.sha256, p.data
                        ).where(p.run_id == run_id),
                    )
                )
        return new_id

    def publish(self, run_id: str, title: str) -> str:
        """Publish a copy of the run to the gallery, under ``title``; returns its id. A
        published run is read-only and listed for everyone (:meth:`gallery`); opening one
        should give a copy (:meth:`copy`). Who may publish is the app's to decide (a
        passphrase: :func:`passphrase_matches`)."""
        title = check_run_name(title)
        if not title:
            raise BadRunName("A published run needs a title.")
        return self.copy(run_id, name=title, published=True)

    def freeze(self, run_id: str) -> str:
        """A frozen copy of the run (its id returned): read-only like a published run, but
        without a title and so not in the gallery — reached only by its id, as a share
        link does. Opening one should give a copy (:meth:`copy`), as for a published run.
        Never pruned: a link shared stays good (the cap still counts it)."""
        return self.copy(run_id, published=True)

    # ------------------------------------------------------------------ size
    def total_bytes(self) -> int:
        """The runs' total size, as the cap counts it: their blobs and parts, plus
        :data:`ROW_OVERHEAD` each. (The database's own file is larger by its indexes and
        free pages; SQLite reuses free pages rather than shrinking the file.)"""
        self.ready()
        with self._errors("measure the runs"), self.engine.connect() as conn:
            total = conn.execute(sa.select(sa.func.coalesce(sa.func.sum(runs.c.size_bytes), 0)))
            return int(total.scalar_one())

    def _make_room(self, need: int, keep: str) -> list[str]:
        """Delete the least recently touched unnamed, unpublished runs (never ``keep``)
        until ``need`` more bytes fit under the cap; StoreFull if they cannot."""
        if need <= 0:
            return []
        total = self.total_bytes()
        if total + need <= self.max_bytes:
            return []
        removed, freed = self._evict(total + need - self.max_bytes, keep)
        if total - freed + need > self.max_bytes:
            raise StoreFull(
                f"The run store is full: its runs take {_megabytes(total - freed)} of the "
                f"{_megabytes(self.max_bytes)} it may use ({ENV_MAX_MB}), and this save needs "
                f"{_megabytes(need)} more. The others are named or published runs, which "
                "are never deleted without you: delete runs you no longer need, or raise "
                f"{ENV_MAX_MB}. This run goes on in memory, unsaved."
            )
        return removed

    def _evict(self, need: int, keep: str | None) -> tuple[list[str], int]:
        """Delete unnamed, unpublished runs, least recently touched first, until ``need``
        bytes are freed (or none is left); returns their ids and the bytes freed."""
        removed, freed = [], 0
        while freed < need:
            with self.engine.begin() as conn:
                query = (
                    sa.select(runs.c.id, runs.c.size_bytes)
                    .where(*_prunable())
                    .order_by(runs.c.touched_ms, runs.c.id)
                    .limit(100)
                )
                if keep is not None:
                    query = query.where(runs.c.id != keep)
                batch, total = [], 0
                for run_id, size in conn.execute(query):
                    if freed + total >= need:
                        break
                    batch.append(run_id)
                    total += size
                if not batch:
                    break
                gone = _delete_runs(conn, batch, *_prunable())
            removed += [run_id for run_id, _ in gone]
            freed += sum(size for _, size in gone)
        return removed, freed

    def _prune_old(self, keep: str | None = None) -> tuple[list[str], int]:
        cutoff = self._now_ms() - int(self.prune_after_days * 86_400_000)
        removed, freed = [], 0
        while True:
            with self.engine.begin() as conn:
                query = (
                    sa.select(runs.c.id)
                    .where(*_prunable(), runs.c.touched_ms < cutoff)
                    .order_by(runs.c.touched_ms)
                    .limit(500)
                )
                if keep is not None:
                    query = query.where(runs.c.id != keep)
                batch = list(conn.scalars(query))
                if not batch:
                    return removed, freed
                gone = _delete_runs(conn, batch, *_prunable(), runs.c.touched_ms < cutoff)
            removed += [run_id for run_id, _ in gone]
            freed += sum(size for _, size in gone)

    def prune(self) -> PruneResult:
        """Delete the unnamed, unpublished runs untouched for ``prune_after_days`` days,
        then, while the runs' total is over the cap, the least recently touched unnamed,
        unpublished ones. Named and published runs stay: if they alone are over the cap,
        ``note`` says so (and saves that would grow the store are refused)."""
        self.ready()
        with self._errors("prune old runs"):
            removed, freed = self._prune_old()
            self._last_prune = self.clock()
            total = self.total_bytes()
            if total > self.max_bytes:
                more, more_freed = self._evict(total - self.max_bytes, None)
                removed, freed, total = removed + more, freed + more_freed, total - more_freed
        note = ""
        if total > self.max_bytes:
            note = (
                f"The runs take {_megabytes(total)}, over the {_megabytes(self.max_bytes)} "
                f"cap ({ENV_MAX_MB}), and all are named or published, which are never "
                "deleted without you: delete some, or raise the cap. Until then only saves "
                "that do not grow the store go through."
            )
        return PruneResult(len(removed), freed, total, self.max_bytes, note)


def _expected(row, expect: int | None) -> None:
    """RunChanged unless the stored run (``row``, None: there is none) is at revision
    ``expect`` (None: any, or none)."""
    if expect is None:
        return
    if row is None:
        raise RunChanged(
            "This run was deleted from the run store (in another tab or window) since this "
            "tab last saved it.",
            deleted=True,
        )
    if int(row.revision) != expect:
        raise RunChanged(
            "This run was saved by another tab or window since this tab last opened or saved it."
        )


def _held_size(key: str, held: dict, made: dict) -> int:
    return held[key] if key in held else len(made[key])


def _prunable() -> tuple:
    return (runs.c.name.is_(None), runs.c.published == sa.false())


def _delete_runs(conn: sa.Connection, ids: list[str], *where) -> list[tuple[str, int]]:
    """Delete these runs (those that still meet ``where``) and their parts; returns the
    (id, size) of each deleted."""
    gone = conn.execute(
        runs.delete().where(runs.c.id.in_(ids), *where).returning(runs.c.id, runs.c.size_bytes)
    ).all()
    deleted = [row[0] for row in gone]
    if deleted:
        conn.execute(parts.delete().where(parts.c.run_id.in_(deleted)))
    return [(row[0], int(row[1])) for row in gone]


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _manifest(text, max_run_bytes: int) -> dict[str, int]:
    """A row's manifest ({part key: size}), checked: RunCorrupt if it is not one."""
    try:
        manifest = json.loads(text)
    except (TypeError, ValueError, RecursionError) as error:
        raise RunCorrupt("This run's list of parts is damaged (not JSON).") from error
    if not (
        isinstance(manifest, dict)
        and len(manifest) <= MAX_PARTS
        and all(
            isinstance(k, str)
            and 0 < len(k) <= MAX_KEY_LENGTH
            and isinstance(v, int)
            and 0 <= v <= MAX_PART_BYTES
            for k, v in manifest.items()
        )
        and sum(manifest.values()) <= max_run_bytes
    ):
        raise RunCorrupt("This run's list of parts is not one nnviz writes.")
    return manifest


# ---------------------------------------------------------------------------- the schema
def schema_version(conn: sa.Connection) -> int | None:
    """The database's schema version, or None for one without nnviz's tables."""
    if not sa.inspect(conn).has_table(schema_table.name):
        return None
    value = conn.execute(
        sa.select(schema_table.c.version).where(schema_table.c.id == 1)
    ).scalar_one_or_none()
    return None if value is None else int(value)


def ensure_schema(engine: sa.Engine) -> int:
    """Bring the database to :data:`SCHEMA_VERSION`: create the tables in one without
    them, migrate an older one version by version, refuse a newer one. Safe when several
    processes do it at once (the version row is the lock). Returns the version found."""
    found = None
    for _ in range(5):
        with engine.connect() as conn:
            version = schema_version(conn)
        found = version if found is None else found
        if version == SCHEMA_VERSION:
            return found if found is not None else SCHEMA_VERSION
        if version is None:
            _create(engine)
        elif version > SCHEMA_VERSION:
            raise SchemaTooNew(
                f"The run database was made by a newer nnviz (schema version {version}; this "
                f"one knows versions up to {SCHEMA_VERSION}). Update nnviz, or point "
                f"{ENV_URL} at another database. Runs are kept in memory only."
            )
        elif version < 1 or version not in MIGRATIONS:
            raise StoreError(
                f"The run database has schema version {version}, which no nnviz wrote."
            )
        else:
            _migrate(engine, version)
    raise StoreBusy("The run database's schema kept changing while it was being prepared.")


def _create(engine: sa.Engine) -> None:
    try:
        with engine.begin() as conn:
            metadata.create_all(conn, checkfirst=True)
        with engine.begin() as conn:
            conn.execute(schema_table.insert().values(id=1, version=SCHEMA_VERSION))
    except (sa_exc.IntegrityError, sa_exc.OperationalError, sa_exc.ProgrammingError) as error:
        if isinstance(error, sa_exc.OperationalError) and _kind(error) not in ("", "busy"):
            raise  # a read-only, full or unreachable database: say so
        # another process created them at the same moment: look again


def _migrate(engine: sa.Engine, version: int) -> None:
    with engine.connect() as conn:
        # the first statement writes: it takes SQLite's write lock (and PostgreSQL's row
        # lock), so that one process migrates while the others wait and then see it done
        moved = conn.execute(
            schema_table.update()
            .where(schema_table.c.id == 1, schema_table.c.version == version)
            .values(version=version + 1)
        )
        if moved.rowcount == 1:
            MIGRATIONS[version](conn)
        conn.commit()


# ---------------------------------------------------------------------------- publishing
def passphrase_matches(given: str | None, expected: str | None) -> bool:
    """Whether ``given`` is the publishing passphrase ``expected``, compared in constant
    time (``hmac.compare_digest`` of their UTF-8 bytes). No passphrase set: False."""
    if not expected or not isinstance(given, str):
        return False
    return hmac.compare_digest(given.encode("utf-8"), str(expected).encode("utf-8"))
