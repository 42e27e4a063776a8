"""A link's run, replayed on an explorer in chunks, within the link budget.

:func:`start_link_replay` plans the run a link asks for (``read_link``'s ``LinkState``):
from the link's settings and table at iteration 0, train up to the link's steps,
applying its events (:class:`~nnviz.history.RunEvent`) at their iterations, as the
user did — new hot settings, an edited table, a weight edited by hand, a rewind, a
refused step. The plan (:class:`LinkReplay`) is attached to the explorer
(``explorer.link_replay``), and each :meth:`LinkReplay.advance` trains it on and applies
its events for a time budget (the live view's refreshes), never training past the next
event, and says how far it got (:class:`LinkReplayProgress`). It drives the explorer
through its public methods only, as a user would; any change the user makes meanwhile
ends it.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import replace

from ..history import RunEvent
from .explorer import Explorer, same_table
from .notes import Note
from .runlog import LinkReplayProgress, budget_words, link_cost, replay_cost, train_rows


def start_link_replay(ex: Explorer, link) -> list[Note]:
    """Plan the run a link asks for on ``ex``, which must hold the link's table and
    settings (``Explorer(link.table, link.settings)``; it goes back to iteration 0), and
    attach the plan as ``ex.link_replay``; returns notes (the plan cut at the link
    budget, or why nothing is replayed)."""
    ex.link_replay = None
    if link.settings != ex.settings or not same_table(link.table, ex.table):
        return [
            Note(
                "The link's run is not replayed: the explorer does not hold the link's "
                "settings and table."
            )
        ]
    if ex.trainer.iteration or ex.run_log.events:
        ex.reset()
    events, n_params = list(link.events), ex.network.n_params
    batch_size = ex.settings.batch_size
    cost = link_cost(events, link.steps, n_params, ex.table, batch_size)
    notes = []
    if cost.cut:
        rows = train_rows(ex.table)
        full = replay_cost(events, link.steps, n_params, rows, batch_size)
        notes.append(
            Note(
                f"The link asks for {full.steps:,} steps of a {n_params:,}-parameter network "
                f"on up to {rows:,} rows ({full.work:.2g} rows × parameters × steps); "
                f"{budget_words()}: training up to iteration {cost.end:,}."
            )
        )
    if cost.end or cost.events:
        ex.link_replay = LinkReplay(ex, events[: cost.events], cost.end, cost.steps)
    return notes


class LinkReplay:
    """A link's run being replayed on an explorer: its events, how far it has got, where
    it ends. Made by :func:`start_link_replay`."""

    def __init__(self, ex: Explorer, events: list, end: int, total: int):
        self.ex = ex
        self.events = events
        self.end = end  # the iteration it ends at
        self.total = total  # steps to train in all (with the refused ones)
        self.next = 0  # the next event to apply
        self.done = 0  # steps trained so far
        self.refusing = False  # training on until a step is refused (a "diverge" event)
        self.stopped = False
        self._run, self._trainer = ex.run_log, ex.trainer
        self._left = self._state()

    # ------------------------------------------------------------------ who changed it
    def _state(self) -> tuple:
        """What the explorer looks like: compared after the replay's own work with what it
        looks like at the next call, it tells a change of the user's."""
        ex = self.ex
        return (ex.trainer.iteration, len(ex.trainer.history.log), ex.settings, ex.table)

    @property
    def pending(self) -> bool:
        """Still to be advanced: not finished, and the user changed nothing meanwhile (a
        new run, a step, an edit … end it; new weights in the same run end it at the next
        advance, with a note)."""
        if self.stopped or self.ex.run_log is not self._run:
            return False
        return self.ex.trainer is not self._trainer or self._state() == self._left

    # ------------------------------------------------------------------ advancing
    def advance(self, budget_s: float = 0.15) -> LinkReplayProgress:
        """Train the link's run on for about ``budget_s`` seconds, applying its events at
        their iterations: a chunk never trains past the next event. Returns the progress;
        ``finished`` once the whole plan is done (or it stopped, ``note`` says why)."""
        ex = self.ex
        if not self.pending:
            self.stopped = True
            return LinkReplayProgress(ex.trainer.iteration, self.done, self.total, True)
        if ex.trainer is not self._trainer:
            return self._end("the run was replaced")
        t0 = time.perf_counter()
        settings, first = ex.settings, self.next
        try:
            for piece in itertools.count():
                # the time is checked before each piece of work after the first, an event
                # as well as a chunk of training: many events at one iteration take
                # several refreshes, and every refresh gets somewhere
                left = budget_s - (time.perf_counter() - t0)
                if piece and left <= 0:
                    break
                event, refused, target = self._target()
                if ex.trainer.iteration < target:
                    why = self._train(refused, target, left)
                else:
                    why = self._apply(event, refused, target)
                if why is not None:
                    return self._end(why, settings, first)
        finally:
            self._left = self._state()
        return self._progress(False, "", settings, first)

    def _target(self) -> tuple[RunEvent | None, bool, int]:
        """(the next event or None, whether it is a refusal to train on to, the iteration
        to train to before it). A "diverge" event at the current iteration (or one being
        trained on to) means training on until a step is refused, as the run did."""
        event = self.events[self.next] if self.next < len(self.events) else None
        refused = (
            event is not None
            and event.kind == "diverge"
            and (self.refusing or self.ex.trainer.iteration == event.iteration)
        )
        if refused:
            self.refusing = True
            return event, True, event.iteration + event.value
        return event, False, self.end if event is None else event.iteration

    def _train(self, refused: bool, target: int, left: float) -> str | None:
        """Train one chunk towards ``target`` in at most ``left`` seconds; None to go on,
        else why the replay ends."""
        ex = self.ex
        r = ex.train_chunk(target - ex.trainer.iteration, left, stop_at=target)
        self.done += max(r.steps, 0) + r.diverged
        if r.diverged and refused:  # refused where the run was: the event is done
            self.refusing = False
            self.next += 1
        elif r.diverged:
            return f"training diverged at iteration {ex.trainer.iteration:,}"
        return None

    def _apply(self, event: RunEvent | None, refused: bool, target: int) -> str | None:
        """At (or past) ``target``: apply the event there, as the user did; None to go on,
        else why the replay ends ("" when the whole plan is done)."""
        ex = self.ex
        it = ex.trainer.iteration
        if refused:
            return "training did not diverge where the run did"
        if event is None:
            return ""
        if it > target:
            return f"it is at iteration {it:,} where the link's run changed at {target:,}"
        why = _apply_event(ex, event)
        if why:
            return why
        self.next += 1
        return None

    # ------------------------------------------------------------------ ending
    def _progress(self, finished: bool, note: str, settings, first: int) -> LinkReplayProgress:
        tables = any(e.kind == "table" for e in self.events[first : self.next])
        return LinkReplayProgress(
            self.ex.trainer.iteration,
            self.done,
            self.total,
            finished,
            note,
            self.ex.settings != settings,
            tables,
        )

    def _end(self, why: str, settings=None, first: int | None = None) -> LinkReplayProgress:
        self.stopped = True
        it = self.ex.trainer.iteration
        note = f"The replay stopped at iteration {it:,}: {why}." if why else ""
        return self._progress(
            True, note, settings or self.ex.settings, self.next if first is None else first
        )

    def stop(self) -> str:
        """End the replay; returns a note saying where ("" if it was not under way)."""
        if not self.pending:
            self.stopped = True
            return ""
        self.stopped = True
        return (
            f"Stopped replaying the link at iteration {self.ex.trainer.iteration:,} "
            f"(it ends at {self.end:,})."
        )


def _apply_event(ex: Explorer, e: RunEvent) -> str:
    """Apply one event of a link's run as the user did; "" or why it could not be."""
    if e.kind in ("set", "table"):
        table = e.value if e.kind == "table" else ex.table
        settings = replace(ex.settings, **e.value) if e.kind == "set" else ex.settings
        ex.update(table, settings)
        return ex.data_error
    if e.kind == "weight":
        try:
            ex.set_weight(*e.value)
        except ValueError as exc:
            return str(exc)
        return ""
    if e.kind == "rewind":
        its = [int(i) for i in ex.trainer.history.snapshot_iterations]
        if e.value not in its:
            return f"no recorded weights of iteration {e.value:,} to continue from"
        ex.continue_from(its.index(e.value))
    return ""
