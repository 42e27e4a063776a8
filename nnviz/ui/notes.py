"""Where the app's notes are shown: a toast each, or on the page until dismissed.

A note (:class:`~nnviz.app.notes.Note`) is shown once as a toast, unless it offers an
action (Undo …) or must stay readable (what a link or an opened run said): those stay
on the page, under the title, until dismissed, each action as a button beside its note.
What an action does is registered by name (:func:`register`; ``nnviz.ui.runs``
registers ``open_run``, the Undo of a replaced run). Messages are escaped (user text
is data, ``nnviz.ui.text``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import streamlit as st

from ..app.notes import Note
from . import state
from .text import md

ICONS = {
    "info": ":material/info:",
    "success": ":material/check_circle:",
    "warning": ":material/warning:",
    "error": ":material/error:",
}
ACTIONS: dict[str, Callable[[str], None]] = {}
"""A note's action name → what it does, called with the action's argument."""
ACTION_ICONS: dict[str, str] = {}
"""A note's action name → its button's icon (none when not listed)."""


def register(name: str, does: Callable[[str], None], icon: str | None = None) -> None:
    """What the notes' action ``name`` does (and its button's icon)."""
    ACTIONS[name] = does
    if icon:
        ACTION_ICONS[name] = icon


def show(notes: Iterable[Note]) -> None:
    """Show each note: a toast, or on the page when it offers an action."""
    for note in notes:
        if note.action is not None and note.action.name in ACTIONS:
            state.keep_note(note)
        else:
            st.toast(md(note.text), icon=ICONS[note.kind])


def _act(note: Note) -> None:
    state.drop_note(note)
    ACTIONS[note.action.name](note.action.arg)


def page_notes() -> None:
    """The notes that stay on the page: a box each (its action's button beside it), and
    one button that dismisses them all."""
    notes = state.link_notes()
    if not notes:
        return
    for n, note in enumerate(notes):
        box = st.warning if note.kind in ("warning", "error") else st.info
        if note.action is None or note.action.name not in ACTIONS:
            box(md(note.text), icon=ICONS[note.kind])
            continue
        text, button = st.columns([8, 1], vertical_alignment="center")
        with text:
            box(md(note.text), icon=ICONS[note.kind])
        button.button(
            note.action.label,
            key=f"note_action_{n}",
            on_click=_act,
            args=(note,),
            icon=ACTION_ICONS.get(note.action.name),
            width="stretch",
        )
    st.button("Dismiss these notes", key="dismiss_link_notes", on_click=state.dismiss_link_notes)
