"""A tab's run in the run store: saved as it goes, opened again, kept when a new one starts.

:class:`RunKeeper` keeps one browser tab's run in a :class:`~nnviz.app.store.RunStore`
(or nowhere: without a store the run lives in the tab's memory only) under a run id,
which the page carries in its address (``run=``). It knows nothing of Streamlit: the
page calls :meth:`RunKeeper.save` after each action and while playing, and
:func:`open_run` when an address names a run.

* **What changed is saved.** :meth:`~RunKeeper.save` saves the run when it changed
  since the last save (its trainer, iteration, log, history, settings or table; the
  :class:`~nnviz.app.saved.RunSaver` writes only the new parts): at once after an
  action, at most every :data:`SAVE_EVERY_S` seconds while playing.
* **A new run keeps the old one.** When a new run replaces one that was trained (a
  rebuild, Reset, New seed, an uploaded model), the trained run stays in the store
  under its id and the new one gets a new id; the note says so and offers Undo, which
  opens the old run again (:class:`~nnviz.app.notes.Action` ``open_run``).
* **Two tabs on one run.** Each save names the revision of the run it expects. When
  another tab or window saved the run since (or deleted it), this tab goes on as a
  copy of its own under a new id, with a note: neither overwrites the other.
* **Published runs open as copies.** :func:`open_run` of a published run (the gallery's,
  or a share link's frozen copy) gives the tab a copy of its own; the original never
  changes.
* **Failures** (a locked, read-only or full database, an unreachable server, a run past
  its size bound) leave the run in memory, untouched: the note says so once, and saving
  is tried again at the next change (a busy database) or after :data:`RETRY_AFTER_S`.

Publishing is open where no passphrase is set (a lecturer's own ``make run``) and needs
the passphrase where one is (:func:`publish_passphrase`, :func:`may_publish`).
"""

from __future__ import annotations

import math
import os
import time
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .explorer import Explorer
from .notes import Action, Note
from .saved import RunSaver, explorer_from_stored
from .store import (
    RunChanged,
    RunInfo,
    RunStore,
    StoreBusy,
    StoreError,
    new_run_id,
    passphrase_matches,
)

SAVE_EVERY_S = 2.0  # while playing, a run is saved at most this often
RETRY_AFTER_S = 30.0  # after a failed save (but a busy database's), the next try
ENV_PASSPHRASE = "NNVIZ_PUBLISH_PASSPHRASE"
SECRET_PASSPHRASE = "publish_passphrase"  # under [nnviz] in .streamlit/secrets.toml
OPEN_RUN = "open_run"  # the name of a note's action that opens a run (its arg: the id)


def _state(ex: Explorer) -> tuple:
    """What a save would write differently when it changes (besides the trainer itself)."""
    t = ex.trainer
    h = t.history
    return (
        t.iteration,
        len(h.log),
        h.revision,
        ex.settings,
        id(ex.table),
        id(ex.run_log),
        ex.divergence,
    )


def ago(then: float, now: float) -> str:
    """How long ago, in words: "just now", "40 s ago", "3 min ago", "5 h ago", "2 days ago"."""
    s = max(0.0, now - then)
    if s < 5:
        return "just now"
    if s < 90:
        return f"{s:.0f} s ago"
    if s < 90 * 60:
        return f"{s / 60:.0f} min ago"
    if s < 36 * 3600:
        return f"{s / 3600:.0f} h ago"
    days = s / 86400
    return f"{days:.0f} days ago"


class RunKeeper:
    """One tab's run in ``store`` (None: in memory only) under ``run_id`` (a new one by
    default). ``revision`` and ``explorer``: the run as it was opened from the store."""

    def __init__(
        self,
        store: RunStore | None,
        run_id: str | None = None,
        *,
        revision: int | None = None,
        explorer: Explorer | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ):
        self.store = store
        self.clock, self.wall = clock, wall
        self.run_id = run_id or new_run_id()
        self._saver = None if store is None else RunSaver(store, self.run_id, revision)
        self._trainer = None  # (a weak reference to) the trainer whose run is saved
        self._state: tuple | None = None  # what was saved of it
        self.saved_iteration = 0  # the iteration of the run under run_id, as saved
        self.saved_at: float | None = None  # when (seconds since the epoch)
        self.failure = ""  # why the last save failed ("" when it did not)
        self._tried = -math.inf  # when the last save was tried (clock)
        self._busy = False  # the last failure was a busy database: try again soon
        self.behind = False  # play changed the run since its last save
        if explorer is not None:
            self._saved(explorer)

    @property
    def saving(self) -> bool:
        """Whether runs are saved (a store is there)."""
        return self.store is not None

    def changed(self, ex: Explorer) -> bool:
        """The run differs from what was last saved of it (always, before a first save)."""
        same = self._trainer is not None and self._trainer() is ex.trainer
        return not same or _state(ex) != self._state

    def _saved(self, ex: Explorer) -> None:
        self.behind = False
        self._trainer = weakref.ref(ex.trainer)
        self._state = _state(ex)
        self.saved_iteration = ex.trainer.iteration
        self.saved_at = self.wall()

    def _move_to(self, run_id: str) -> None:
        """Go on under a new id, where nothing is saved yet."""
        self.run_id = run_id
        self._saver = None if self.store is None else RunSaver(self.store, run_id)
        self._trainer, self._state = None, None
        self.saved_iteration, self.saved_at = 0, None

    def use(self, store: RunStore) -> None:
        """Go on saving into ``store``: the same database through this page run's engine
        (Streamlit's connection may make a new one). Nothing changes without a store."""
        if self.store is not None and self._saver is not None:
            self.store = self._saver.store = store

    # ------------------------------------------------------------------ saving
    def due(self, *, playing: bool = False) -> bool:
        """Whether a save now would be tried (cheap: no look at the run): not while
        playing within SAVE_EVERY_S of the last try."""
        if self._saver is None:
            return False
        if playing and self.clock() - self._tried < SAVE_EVERY_S:
            self.behind = True
            return False
        return True

    def save(self, ex: Explorer, *, playing: bool = False) -> list[Note]:
        """Save the run if it changed since the last save (while ``playing``, at most
        every SAVE_EVERY_S seconds); the notes to show: a trained run kept (with Undo),
        this tab gone on as a copy, a failure (once), saving again after one."""
        if self._saver is None or not self.changed(ex):
            return []
        now = self.clock()
        if playing and now - self._tried < SAVE_EVERY_S:
            self.behind = True
            return []
        if self.failure and not self._busy and now - self._tried < RETRY_AFTER_S:
            return []
        self._tried = now
        notes = [kept] if (kept := self.keep_replaced(ex)) else []
        try:
            notes += self._save_or_fork(ex)
        except StoreError as exc:
            return [*notes, *self._failed(exc)]
        if self.failure:
            self.failure = ""
            notes.append(Note("Saved again: the run store answers again.", "success"))
        self._saved(ex)
        return notes

    def catch_up(self, ex: Explorer) -> list[Note]:
        """Save what play left unsaved (its last seconds), before something replaces the
        run: the run kept for Undo is then the run as it was."""
        return self.save(ex) if self.behind else []

    def keep_replaced(self, ex: Explorer) -> Note | None:
        """A new run replaced the trained one saved under this id (a rebuild, Reset, New
        seed, an upload): that one stays there, this one gets a new id. The note offers
        Undo (open the kept run)."""
        if self._trainer is None or self._trainer() is ex.trainer or self.saved_iteration == 0:
            return None
        kept, iteration = self.run_id, self.saved_iteration
        self._move_to(new_run_id())
        return Note(
            f"The run before, at iteration {iteration:,}, is kept: Undo opens it again.",
            "info",
            Action("Undo", OPEN_RUN, kept),
        )

    def _save_or_fork(self, ex: Explorer) -> list[Note]:
        try:
            self._saver.save(ex)
            return []
        except RunChanged as exc:
            deleted = exc.deleted
        self._move_to(new_run_id())
        self._saver.save(ex)
        if deleted:
            return [Note("This run was deleted in another tab or window; this tab keeps it.")]
        return [
            Note(
                "This run was also saved from another tab or window since this tab opened "
                "it. So that neither overwrites the other, this tab goes on as a copy of "
                "its own (the address has its new run id); the other keeps the original.",
                "warning",
            )
        ]

    def _failed(self, exc: StoreError) -> list[Note]:
        first = not self.failure
        self.failure = str(exc)
        self._busy = isinstance(exc, StoreBusy)
        if not first:
            return []
        when = "at the next change" if self._busy else f"in {RETRY_AFTER_S:.0f} s"
        return [
            Note(
                f"Not saved: {exc} The run goes on in memory; saving is tried again {when}.",
                "warning",
            )
        ]

    # ------------------------------------------------------------------ words
    def status(self) -> str:
        """Where the run stands, in a line: saved when and at which iteration, or why not."""
        if self.store is None:
            return "Runs are not saved here: this run lives in this tab only."
        if self.failure:
            return f"Not saved: {self.failure}"
        if self.saved_at is None:
            return "Not saved yet."
        return f"Saved {ago(self.saved_at, self.wall())}, at iteration {self.saved_iteration:,}."


# ---------------------------------------------------------------------------- opening
@dataclass
class Opened:
    """A run opened from the store: its explorer, the keeper that goes on saving it, the
    note that says what was opened, and the stored run's info."""

    explorer: Explorer
    keeper: RunKeeper
    note: Note
    info: RunInfo


def open_run(
    store: RunStore,
    run_id: str,
    *,
    clock: Callable[[], float] = time.monotonic,
    wall: Callable[[], float] = time.time,
) -> Opened:
    """The run saved under ``run_id`` for a tab: its explorer at the same iteration, to
    the last bit, and a keeper that goes on saving it there. A published run (the
    gallery's, or a share link's frozen copy) opens as a copy of the tab's own under a
    new id; the original never changes. StoreError (with a message for the user) if it
    cannot be opened; nothing is changed then."""
    stored = store.load(run_id)
    ex = explorer_from_stored(stored)
    info = stored.info
    clocks = {"clock": clock, "wall": wall}
    now = wall()
    if not info.published:
        keeper = RunKeeper(store, run_id, revision=stored.revision, explorer=ex, **clocks)
        note = Note(
            f"Restored this run as it was saved {ago(info.updated, now)}: iteration "
            f"{info.iteration:,}."
        )
        return Opened(ex, keeper, note, info)
    try:
        copy_id, revision = store.copy(run_id), 1
    except StoreError:
        copy_id, revision = new_run_id(), None  # saved whole at the first save, if it can
    keeper = RunKeeper(store, copy_id, revision=revision, **clocks)
    if revision is not None:
        keeper._saved(ex)
    if info.name:
        what = f"Opened “{info.name}” from the gallery"
        original = "the published run stays as it is"
    else:
        what = f"Opened a run shared {ago(info.updated, now)}"
        original = "the link goes on showing the run as it was shared"
    note = Note(
        f"{what} (iteration {info.iteration:,}) as a copy of your own, saved as you go; {original}."
    )
    return Opened(ex, keeper, note, info)


# ---------------------------------------------------------------------------- publishing
def publish_passphrase(
    environ: Mapping[str, str] | None = None, section: Mapping | None = None
) -> str | None:
    """The passphrase that publishing to the gallery needs: ``NNVIZ_PUBLISH_PASSPHRASE``,
    else ``publish_passphrase`` under ``[nnviz]`` in ``.streamlit/secrets.toml``
    (``section``); None when neither is set (publishing is open: a local ``make run``)."""
    environ = os.environ if environ is None else environ
    value = environ.get(ENV_PASSPHRASE, "").strip()
    if not value and section:
        value = str(section.get(SECRET_PASSPHRASE) or "").strip()
    return value or None


def may_publish(given: str | None, expected: str | None) -> bool:
    """Whether publishing is allowed: always without a passphrase set, else only with it
    (compared in constant time)."""
    return expected is None or passphrase_matches(given, expected)
