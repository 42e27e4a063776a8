"""What the app's model tells the user, and what a change did — as data, not as text to test.

* :class:`Note`: one message, with its kind (``info``, ``success``, ``warning``,
  ``error``); the page picks the icon and the colour from the kind, never from the
  words. A note may offer an :class:`Action` (Undo …): a button beside it.
* :class:`Update`: what :meth:`nnviz.app.explorer.Explorer.update` did with a new table
  and settings: whether the network was rebuilt, whether training went on with an
  edited table, and the notes to show.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..quoting import said

NOTE_KINDS = ("info", "success", "warning", "error")
MAX_NOTE_CHARS = 2000  # a note longer than this is cut: a message is a few lines at most


@dataclass(frozen=True)
class Action:
    """What a note offers to do, as a button beside it: its ``label`` ("Undo"), the
    ``name`` of what it does (the page maps names to what they do, e.g. ``open_run``)
    and that action's argument (e.g. a run id)."""

    label: str
    name: str
    arg: str = ""


@dataclass(frozen=True)
class Note:
    """One message for the user: plain text (escaped when shown) and its kind, and what
    it offers to do, if anything (``action``: a button beside it); at most
    MAX_NOTE_CHARS characters (the messages quote a user's values short,
    :mod:`nnviz.quoting`).

    Frozen and keyword-friendly, so that more can be added later without changing its
    users.
    """

    text: str
    kind: str = "info"  # one of NOTE_KINDS
    action: Action | None = None

    def __post_init__(self) -> None:
        if self.kind not in NOTE_KINDS:
            raise ValueError(f"a note's kind is one of {', '.join(NOTE_KINDS)}; got {self.kind!r}")
        if len(self.text) > MAX_NOTE_CHARS:  # every quoted value is short; this is the net
            object.__setattr__(self, "text", said(self.text, MAX_NOTE_CHARS))


@dataclass(frozen=True)
class Update:
    """What one update of the table and settings did.

    Nothing changed (the same table and settings, or a refused change, whose reason is
    the explorer's ``data_error``): every field false and no notes.
    """

    rebuilt: bool = False  # a new network (from its seed): training starts at iteration 0
    table_edited: bool = False  # the run goes on, training on the edited table's rows
    hot: tuple = ()  # the names of the hot settings that changed (the weights are kept)
    notes: tuple[Note, ...] = ()

    @property
    def changed(self) -> bool:
        """The explorer took the new table or settings."""
        return self.rebuilt or self.table_edited or bool(self.hot)

    @property
    def texts(self) -> list[str]:
        """The notes' texts, in order."""
        return [n.text for n in self.notes]
