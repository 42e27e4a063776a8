"""The run store: runs kept in a database, so that they outlive a session, a server and a
replica. SQLite by default (one file that several replicas on one host share), PostgreSQL
by changing one URL. It takes a SQLAlchemy engine and knows nothing of Streamlit or of
what a run holds: :mod:`nnviz.app.saved` turns an explorer into a :class:`RunPayload`
and back.

The package's modules, by job: :mod:`.errors` (limits, errors, run ids and names, the
passphrase's check), :mod:`.config` (the URL, the engine's arguments, the cap),
:mod:`.schema` (the tables, their versions and migrations, what a save writes),
:mod:`.core` (:class:`RunStore`: saving and loading one run) and :mod:`.gallery` (lists,
names, copies, publishing, deleting, pruning). Everything is imported from here.

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

from .config import (
    connection_kwargs,
    create_store_engine,
    db_url,
    default_db_path,
    disabled,
    max_bytes,
    open_error,
)
from .core import (
    RunStore,
)
from .errors import (
    _RUN_ID as _RUN_ID,  # the id pattern (tests check ids against it)
)
from .errors import (
    DEFAULT_MAX_MB,
    DISABLED,
    ENV_MAX_MB,
    ENV_URL,
    MAX_DOC_BYTES,
    MAX_KEY_LENGTH,
    MAX_LISTED,
    MAX_NAME_LENGTH,
    MAX_PART_BYTES,
    MAX_PARTS,
    MAX_RUN_BYTES,
    MAX_STATE_BYTES,
    MAX_SUMMARY_LENGTH,
    POSTGRES_CONNECT_TIMEOUT_S,
    POSTGRES_LOCK_TIMEOUT_MS,
    PRUNE_AFTER_DAYS,
    PRUNE_EVERY_S,
    ROW_OVERHEAD,
    RUN_ID_BYTES,
    RUN_ID_LENGTH,
    SAVE_TRIES,
    SCHEMA_VERSION,
    SQLITE_TIMEOUT_S,
    BadRunId,
    BadRunName,
    RunChanged,
    RunCorrupt,
    RunNotFound,
    RunReadOnly,
    RunTooLarge,
    RunTooNew,
    SchemaTooNew,
    StoreBusy,
    StoreError,
    StoreFull,
    StoreReadOnly,
    StoreUnavailable,
    check_run_id,
    check_run_name,
    new_run_id,
    passphrase_matches,
)
from .schema import (
    MIGRATIONS,
    Part,
    PruneResult,
    RunInfo,
    RunPayload,
    SaveResult,
    StoredRun,
    ensure_schema,
    metadata,
    metadata_v1,
    parts,
    parts_v1,
    runs,
    runs_v1,
    schema_table,
    schema_version,
)

__all__ = [
    "BadRunId",
    "BadRunName",
    "check_run_id",
    "check_run_name",
    "connection_kwargs",
    "create_store_engine",
    "db_url",
    "default_db_path",
    "DEFAULT_MAX_MB",
    "DISABLED",
    "disabled",
    "ensure_schema",
    "ENV_MAX_MB",
    "ENV_URL",
    "max_bytes",
    "MAX_DOC_BYTES",
    "MAX_KEY_LENGTH",
    "MAX_LISTED",
    "MAX_NAME_LENGTH",
    "MAX_PART_BYTES",
    "MAX_PARTS",
    "MAX_RUN_BYTES",
    "MAX_STATE_BYTES",
    "MAX_SUMMARY_LENGTH",
    "metadata",
    "metadata_v1",
    "MIGRATIONS",
    "new_run_id",
    "open_error",
    "Part",
    "parts",
    "parts_v1",
    "passphrase_matches",
    "POSTGRES_CONNECT_TIMEOUT_S",
    "POSTGRES_LOCK_TIMEOUT_MS",
    "PRUNE_AFTER_DAYS",
    "PRUNE_EVERY_S",
    "PruneResult",
    "ROW_OVERHEAD",
    "RUN_ID_BYTES",
    "RUN_ID_LENGTH",
    "RunChanged",
    "RunCorrupt",
    "RunInfo",
    "RunNotFound",
    "RunPayload",
    "RunReadOnly",
    "runs",
    "runs_v1",
    "RunStore",
    "RunTooLarge",
    "RunTooNew",
    "SAVE_TRIES",
    "SaveResult",
    "schema_table",
    "SCHEMA_VERSION",
    "schema_version",
    "SchemaTooNew",
    "SQLITE_TIMEOUT_S",
    "StoreBusy",
    "StoredRun",
    "StoreError",
    "StoreFull",
    "StoreReadOnly",
    "StoreUnavailable",
]
