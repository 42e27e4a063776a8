"""Per-session state: one Explorer per browser session, the table and its editor, and
the session keys the UI modules share — each written here once, with small accessors.

Everything lives in ``st.session_state`` (never in ``st.cache_resource``, which is
shared by every user). The data editor gets a base table that only changes when an
edit is folded in, an upload arrives or a preset is loaded; each of those bumps a
version in the editor's key, so the editor starts clean on the new base.

Notes to the user take one route: :func:`note` queues a message (a
:class:`~nnviz.app.notes.Note`, whose kind decides the icon), :func:`take_notes` hands
them to the page once; a link's notes stay on the page until dismissed
(:func:`link_notes`). Messages are escaped there (user text is data, see
``nnviz.ui.text``).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from ..app.classroom import Kept, fixed_settings, keep_fixed, misfit
from ..app.edits import apply_edits, draft_rows, without_drafts
from ..app.explorer import Explorer
from ..app.linkreplay import start_link_replay
from ..app.notes import Note
from ..app.settings import (
    GENERATOR_SETTINGS,
    Settings,
    from_widgets,
    generator_args,
    preset_table,
    to_widgets,
)
from ..app.urlstate import LinkState, read_link, write_link
from ..data import DEFAULT_PRESET, PRESETS
from ..errors import DataError
from ..quoting import said

SS = st.session_state

# --- the session keys shared across modules (widget keys live with their widgets)
EXPLORER = "explorer"
TABLE = "table"
TABLE_VERSION = "table_version"
PLAYING = "playing"
REPLAY_INDEX = "replay_index"  # None: live; else the snapshot shown
REPLAY_AT = "replay_at"  # the replay slider's iteration (its widget key)
RUNS = "runs"
NOTES = "notes"
LINK_NOTES = "link_notes"
CLASSROOM = "classroom"
HIDE = "hide"
DIAGRAM_ROW = "diagram_row"
LOSS_AXIS = "loss_axis"
DISCRETIZE = "discretize"
PRESENTATION = "presentation"  # a link parameter: no sidebar, larger text
RUN = "run"  # a link parameter: the id of a run in the run store (nnviz.ui.runs)
JOB = "_job"  # a heavy action under way (nnviz.ui.jobs)
REFIT = "_scaling_refit"  # why every prediction moved after an edit (shown by the table)


def init(restored: Explorer | None = None, notes: Sequence[Note] = ()) -> None:
    """Create this session's state on its first run: the ``restored`` run (one the
    address names, opened from the run store: the link's settings are its mirror), else
    from the link's parameters if any, else the default data set, ready to train.
    ``notes`` stay on the page until dismissed, before the link's own."""
    if EXPLORER in SS:
        return
    SS[NOTES] = []
    params = st.query_params.to_dict()
    params.pop(PRESENTATION, None)  # the page's look, not the run's
    params.pop(RUN, None)  # the run store's (nnviz.ui.runs)
    link = read_link(params)
    if restored is not None:
        ex, link.notes = restored, []
    else:
        ex, link = _from_link(link)
    SS[EXPLORER] = ex
    SS[TABLE] = ex.table if restored is not None else link.table
    SS[TABLE_VERSION] = 0
    SS[PLAYING] = False
    SS[CLASSROOM] = link.classroom
    SS[HIDE] = set(link.hide)
    SS[REPLAY_INDEX] = None
    SS[RUNS] = []
    SS[LINK_NOTES] = [*notes, *link.notes]
    write_settings(ex.settings)


def _from_link(link: LinkState) -> tuple[Explorer, LinkState]:
    """The explorer a link asks for (its run replayed in the live view's refreshes), or
    the default data set's when its settings do not fit its table."""
    try:
        ex = Explorer(link.table, link.settings)
    except (DataError, ValueError) as exc:
        link.notes.append(
            Note(
                f"The link's settings do not fit its table ({said(exc)}); showing "
                f"{DEFAULT_PRESET} instead."
            )
        )
        fallback = read_link({})
        fallback.notes = link.notes
        link = fallback
        ex = Explorer(link.table, link.settings)
    if link.steps or link.events:
        # trained in the live view's refreshes, with a progress bar (never all at once)
        link.notes.extend(start_link_replay(ex, link))
    return ex, link


# --- the run ---------------------------------------------------------------------
def explorer() -> Explorer:
    """The live explorer (the one that trains)."""
    return SS[EXPLORER]


def view() -> Explorer:
    """What the views show: the live explorer, or the replayed snapshot."""
    ex = SS[EXPLORER]
    index = SS.get(REPLAY_INDEX)
    if index is None:
        return ex
    n = len(ex.trainer.history.snapshot_iterations)
    return ex.replay(min(int(index), n - 1))


def playing() -> bool:
    return bool(SS.get(PLAYING))


def start_playing() -> None:
    SS[PLAYING] = True
    leave_replay()  # playing trains the live run: show it


def stop_playing() -> None:
    SS[PLAYING] = False


def rest() -> None:
    """At the end of a page run: a run that is not training (playing, replaying a link,
    a Step ×N under way) lets go of its work arrays until it trains again, so that an
    idle session — or one whose tab was closed — holds only what it must
    (nnviz.ui.memory)."""
    ex = SS.get(EXPLORER)
    if ex is not None and not playing() and not ex.link_replay_pending and JOB not in SS:
        ex.release_work_arrays()


def replaying() -> bool:
    return SS.get(REPLAY_INDEX) is not None


def leave_replay() -> None:
    SS[REPLAY_INDEX] = None


def replay_at(index: int) -> None:
    """Show snapshot ``index`` of the run (and stop playing)."""
    stop_playing()
    its = explorer().trainer.history.snapshot_iterations
    index = max(0, min(int(index), len(its) - 1))
    SS[REPLAY_INDEX] = index
    SS[REPLAY_AT] = int(its[index])


def hidden(control: str) -> bool:
    """A classroom link hides this control."""
    return control in SS.get(HIDE, ())


def fixed() -> tuple[str, ...]:
    """The settings a classroom link fixes (shown greyed out, kept by every route)."""
    return fixed_settings(SS.get(HIDE, ()))


def keep(wanted: Settings) -> Kept:
    """The settings a route wants, with the classroom link's fixed ones kept as the live
    run has them (:func:`nnviz.app.classroom.keep_fixed`). Every route that changes the
    settings passes through here: the widgets (:func:`apply_changes`), a data set picked,
    an upload, a lesson, the setup proposed for a table."""
    return keep_fixed(wanted, explorer().settings, fixed())


def follow_link_replay() -> None:
    """While a link's run is replayed (and once after), the widgets show the explorer's
    settings and table: the replay applies the link's changes at their iterations."""
    ex = explorer()
    if not (ex.link_replay_pending or SS.pop("_link_sync", False)):
        return
    write_settings(ex.settings)
    if not ex.table.equals(SS[TABLE]):
        set_table(ex.table)


def stop_link_replay() -> None:
    note(explorer().stop_link_replay())
    SS["_link_sync"] = True


def apply_changes(settings: Settings) -> list[Note]:
    """Give the explorer the widgets' settings and the table (without the rows still
    being filled in); returns the notes of what happened. While a link's run is
    replayed the widgets follow it instead."""
    ex = explorer()
    if ex.link_replay_pending:
        return []
    notes: list[Note] = []
    kept = keep(settings)
    if kept.left:  # a widget a classroom link fixes got another value: it goes back
        settings = kept.settings
        write_settings(settings)
        notes = kept.notes("Your change")
    if (
        settings.dataset == ex.settings.dataset
        and settings.dataset in PRESETS
        and (generator_args(settings) != generator_args(ex.settings))
    ):
        set_table(preset_table(settings))  # points, noise, train share or seed: draw again
    table = without_drafts(SS[TABLE], [*settings.inputs, *settings.targets])
    scaler = ex.data.scaler
    update = ex.update(table, settings)
    if update.table_edited and ex.data.scaler != scaler:
        SS[REFIT] = (
            f"The edited rows changed the '{settings.scaling}' scaling fitted on the "
            "training rows: every prediction moved, with the same weights."
        )
    return [*notes, *update.notes]


def drafts() -> list:
    """The table's rows still being filled in (left out of training)."""
    return draft_rows(SS[TABLE], [*SS.get("inputs", []), *SS.get("targets", [])])


# --- notes -----------------------------------------------------------------------
def note(message: Note | str, kind: str = "info") -> None:
    """Tell the user something once, on the next page run: a Note, or a text and its kind."""
    if not isinstance(message, Note):
        message = Note(str(message), kind)
    SS[NOTES] = [*SS.get(NOTES, []), message]


def take_notes() -> list[Note]:
    notes = list(SS.get(NOTES, []))
    SS[NOTES] = []
    return notes


def link_notes() -> list[Note]:
    """What the link said (shown until dismissed): its notes, and the replay's last word
    (the live view adds that as plain text: an info)."""
    return [n if isinstance(n, Note) else Note(str(n)) for n in SS.get(LINK_NOTES, [])]


def dismiss_link_notes() -> None:
    SS[LINK_NOTES] = []


def keep_note(note: Note) -> None:
    """Show ``note`` on the page until it is dismissed (or its action is taken)."""
    SS[LINK_NOTES] = [*SS.get(LINK_NOTES, []), note]


def drop_note(note: Note) -> None:
    """Take ``note`` off the page."""
    SS[LINK_NOTES] = [n for n in SS.get(LINK_NOTES, []) if n is not note]


# --- the link --------------------------------------------------------------------
def presentation() -> bool:
    """``?presentation=1``: the page for a large room (sidebar closed, larger text)."""
    return st.query_params.get(PRESENTATION, "") in ("1", "true", "yes", "on")


def sync_link(run: str = "") -> None:
    """Keep the address bar's parameters in step with the settings (no retraining) and,
    when the run is saved, its id (``run``: a reload opens the run itself)."""
    ex = explorer()
    params = write_link(
        ex.settings,
        SS[TABLE],
        classroom=SS.get(CLASSROOM, False),
        hide=tuple(sorted(SS.get(HIDE, ()))),
    )
    if presentation():
        params[PRESENTATION] = "1"
    if run:
        params[RUN] = run
    if params != SS.get("_link_params"):
        SS._link_params = params
        st.query_params.from_dict(params)


# --- the table and its editor ----------------------------------------------------
def editor_key() -> str:
    return f"table_{SS[TABLE_VERSION]}"


def set_table(table: pd.DataFrame) -> None:
    """A new base table for the editor (drops the editor's pending edit record)."""
    SS[TABLE] = table.reset_index(drop=True) if not table.index.is_unique else table
    SS[TABLE_VERSION] += 1
    SS.pop("predict_row_defaults", None)
    for key in [k for k in SS if str(k).startswith("pred_in_")]:
        del SS[key]  # the Predict tab's inputs start from the new table's rows


def fold_editor_edits() -> None:
    """on_change of the data editor: apply its edit record to the base table."""
    record = SS.get(editor_key())
    if not record:
        return
    SS[TABLE] = apply_edits(SS[TABLE], record)
    SS[TABLE_VERSION] += 1
    SS.pop(REFIT, None)


# --- uploads ---------------------------------------------------------------------
def upload_key(name: str) -> str:
    """The uploader's key: ``name``, then ``name_1``, ``name_2`` … after each upload is
    read, so the widget starts empty and its bytes are dropped (see :func:`release`)."""
    n = SS.get(f"_{name}_uploads", 0)
    return name if n == 0 else f"{name}_{n}"


def release(name: str, file) -> None:
    """The upload ``file`` was read: drop its bytes from the session (the uploader's
    next key starts empty; the server's copy is removed)."""
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    SS[f"_{name}_uploads"] = SS.get(f"_{name}_uploads", 0) + 1
    ctx = get_script_run_ctx()
    file_id = getattr(file, "file_id", None)
    if ctx is not None and file_id and isinstance(ctx.uploaded_file_mgr, MemoryUploadedFileManager):
        ctx.uploaded_file_mgr.remove_file(session_id=ctx.session_id, file_id=file_id)


# --- settings ↔ widgets ----------------------------------------------------------
def write_settings(s: Settings) -> None:
    """Put settings into the widgets' session-state keys (before the widgets are drawn)."""
    SS.update(to_widgets(s))


def read_settings() -> Settings:
    """The settings the widgets show now (a generated data set's settings are None for
    a fixed table, whose page has no widgets for them)."""
    values = {g.name: g.to_widget(None) for g in GENERATOR_SETTINGS}
    values.update({k: SS[k] for k in SS if isinstance(k, str)})
    return from_widgets(values)


def load_dataset() -> None:
    """on_change of the data-set picker: the preset's table and the settings made for it
    (those a classroom link fixes kept as they are; refused, with a note, when the fixed
    ones do not fit the preset's table)."""
    name = SS.dataset
    stop_playing()
    if name not in PRESETS:
        return
    kept = keep(Settings.for_preset(name, seed=int(SS.get("seed", 0))))
    table = preset_table(kept.settings)
    why = misfit(kept.settings, table, fixed())
    title = PRESETS[name].title
    if "dataset" in kept.left or why:
        SS.dataset = explorer().settings.dataset  # the picker goes back
        note(kept.refusal(title, why))
        return
    write_settings(kept.settings)
    set_table(table)
    for n in kept.notes(f"Picking {title}"):
        note(n)
