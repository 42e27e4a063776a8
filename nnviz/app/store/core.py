"""The run store itself: :class:`RunStore` on an engine, saving and loading one run (its
lists, copies, publishing and pruning come from :class:`~.gallery.Gallery`)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import time
import weakref
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from .errors import (
    DEFAULT_MAX_MB,
    MAX_DOC_BYTES,
    MAX_KEY_LENGTH,
    MAX_PART_BYTES,
    MAX_PARTS,
    MAX_RUN_BYTES,
    MAX_STATE_BYTES,
    MAX_SUMMARY_LENGTH,
    OPEN_TRIES,
    PRUNE_AFTER_DAYS,
    PRUNE_EVERY_S,
    ROW_OVERHEAD,
    SAVE_TRIES,
    RunChanged,
    RunCorrupt,
    RunNotFound,
    RunReadOnly,
    RunTooLarge,
    StoreBusy,
    StoreError,
    StoreUnavailable,
    _kind,
    _translate,
    check_run_id,
)
from .gallery import Gallery
from .schema import (
    _INFO_COLUMNS,
    RunInfo,
    RunPayload,
    SaveResult,
    StoredRun,
    _info,
    _megabytes,
    ensure_schema,
    parts,
    runs,
)

# ---------------------------------------------------------------------------- the store
_READY: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # engines with the schema


class _Conflict(Exception):
    """Another writer changed the run between this save's read and its write."""


class RunStore(Gallery):
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
        for attempt in range(OPEN_TRIES):
            try:
                with self._errors("open the run store"):
                    self._prepare_file()
                    ensure_schema(self.engine)
                break
            except StoreBusy:
                # refused at once by SQLite while other processes open it too: again
                if attempt == OPEN_TRIES - 1:
                    raise
                time.sleep(0.05 * 2**attempt)
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
