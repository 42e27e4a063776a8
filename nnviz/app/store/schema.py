"""The run store's tables, versioned (each version's tables carry its number), the
migration from each older version, and what a save writes and a load returns."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from .errors import (
    ENV_URL,
    MAX_KEY_LENGTH,
    MAX_NAME_LENGTH,
    MAX_SUMMARY_LENGTH,
    ROW_OVERHEAD,
    RUN_ID_LENGTH,
    SCHEMA_VERSION,
    SchemaTooNew,
    StoreBusy,
    StoreError,
    _kind,
)

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
