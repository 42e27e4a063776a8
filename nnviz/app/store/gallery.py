"""The run store's lists, names, copies, the gallery's publishing, deleting, and its size
kept under the cap by pruning: the part of :class:`~nnviz.app.store.RunStore` that is
not saving and loading one run (a base class of it)."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from .errors import (
    ENV_MAX_MB,
    MAX_LISTED,
    BadRunId,
    BadRunName,
    RunNotFound,
    RunReadOnly,
    StoreBusy,
    StoreFull,
    check_run_id,
    check_run_name,
    new_run_id,
)
from .schema import _INFO_COLUMNS, PruneResult, RunInfo, _info, _megabytes, parts, runs


class Gallery:
    """Lists, names, copies, publishing, deleting and pruning (mixed into RunStore, whose
    ``engine``, ``ready``, ``_errors``, ``_now_ms``, ``clock`` and limits it uses)."""

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
