"""Notes and updates are data: the page reads a note's kind, never its words."""

import pytest

from nnviz.app.notes import NOTE_KINDS, Action, Note, Update


def test_a_note_has_one_of_the_kinds():
    assert Note("Saved.").kind == "info"
    for kind in NOTE_KINDS:
        assert Note("x", kind).kind == kind
    with pytest.raises(ValueError, match="warning"):
        Note("x", "loud")


def test_an_update_says_what_changed():
    assert not Update().changed and Update().texts == []
    assert Update(hot=("learning_rate",)).changed
    rebuilt = Update(rebuilt=True, notes=(Note("Network rebuilt."),))
    assert rebuilt.changed and rebuilt.texts == ["Network rebuilt."]
    assert Update(table_edited=True).changed


def test_a_note_may_offer_an_action_named_not_worded():
    undo = Action("Undo", "open_run", "Qx3" + "a" * 21)
    note = Note("The run before is kept.", action=undo)
    assert note.action.name == "open_run" and note.action.arg.startswith("Qx3")
    assert Note("Saved.").action is None
    with pytest.raises(AttributeError):
        note.action = None  # frozen: a note shown is the note acted on
