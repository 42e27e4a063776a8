"""This tab's run in the run store: opened from the address, saved as it goes, listed.

The store's logic is in :mod:`nnviz.app.store` and :mod:`nnviz.app.keeper` (no
Streamlit there); this module gives them Streamlit's connection and the page's hooks:

* :func:`store` — ``st.connection("runs", type="sql", **connection_kwargs(section))``,
  its engine read anew each script run (a changed secrets.toml gives a new one);
  pruned once per server process. A store that cannot be opened leaves the app in
  memory, said once on the page, never a traceback. ``NNVIZ_DB_URL=none``: no store.
* :func:`start` — the tab's run: the one the address names (``run=``), restored, or a
  new one (a new run id).
* The page's hooks, small so that the live view can call them wherever it trains:
  :func:`catch_up` before something replaces the run (Reset, New seed, an upload),
  :func:`with_undo` after a change (a trained run replaced by a new one is kept, and
  the change's note offers Undo), :func:`save_changes` at the end of a page run,
  :func:`save_while_playing` in the live view (at most every 2 s).
* :func:`open_run` — the one route that puts a stored run into this tab (the Runs tab,
  a note's Undo, the gallery).
* :func:`browser_runs` — a tiny component that keeps the ids of the runs this browser
  opened in its ``localStorage`` (never on the server: one student never sees another's
  runs) and notices when the page moved to a new server session (a replica that went
  away): the run is restored from its last save and goes on playing if it was.
"""

from __future__ import annotations

import math
import secrets
import threading
import time
from collections.abc import Mapping

import streamlit as st

from ..app import store as run_store
from ..app.keeper import OPEN_RUN, SAVE_EVERY_S, RunKeeper, ago
from ..app.keeper import open_run as _open
from ..app.notes import Note
from ..app.store import RunStore, StoreError
from . import notes, state

SS = st.session_state
KEEPER = "_run_keeper"  # this tab's RunKeeper
PAGE = "_run_page"  # a random token of this server session (the browser component's)
RESTORED = "_run_restored"  # the note of the run the address opened (this session)
FORGET = "_run_forget"  # ids the browser should drop from its list
LIST_KEY = "browser_runs"  # the component's key; its state: "ids" and the trigger "moved"
WANT_IDS = "_run_want_ids"  # a view of the runs asks the browser for its list
RETRY_AFTER_S = 30.0  # a store that could not be opened is tried again after this long

_PROCESS: dict = {"pruned": set(), "failed": {}}  # pruned URLs; URL -> (when, why)
_LOCK = threading.Lock()


# ---------------------------------------------------------------------------- the store
def secrets_section(name: str) -> Mapping:
    """A section of .streamlit/secrets.toml ({} without the file or the section)."""
    try:
        if not st.secrets.load_if_toml_exists():
            return {}
        value = st.secrets.get(name, {})
        return value.to_dict() if hasattr(value, "to_dict") else dict(value or {})
    except Exception:  # noqa: BLE001 - a broken secrets.toml: Streamlit says why in its log
        return {}


def store() -> tuple[RunStore | None, StoreError | None]:
    """The run store (its engine read anew each script run), or None and why not
    (None, None: turned off by ``NNVIZ_DB_URL=none``). Old runs are pruned once per
    server process and database; a database that failed is tried again after
    RETRY_AFTER_S."""
    if run_store.disabled():
        return None, None
    try:
        section = secrets_section("connections").get("runs") or {}
        kwargs = run_store.connection_kwargs(section=section)
    except StoreError as exc:
        return None, exc
    where = str(kwargs.get("url", ""))
    with _LOCK:
        when, failure = _PROCESS["failed"].get(where, (-math.inf, None))
        if time.monotonic() - when < RETRY_AFTER_S:
            return None, failure
    try:
        conn = st.connection("runs", type="sql", **kwargs)
        found = RunStore(conn.engine, max_bytes=run_store.max_bytes())
        found.ready()
        with _LOCK:
            prune = where not in _PROCESS["pruned"]
            _PROCESS["pruned"].add(where)
        if prune:
            found.prune()
    except Exception as exc:  # noqa: BLE001 - Streamlit's, SQLAlchemy's or the driver's
        failure = run_store.open_error(exc)
        with _LOCK:
            _PROCESS["failed"][where] = (time.monotonic(), failure)
        return None, failure
    return found, None


def keeper() -> RunKeeper:
    return SS[KEEPER]


def _keeper_with_store() -> RunKeeper | None:
    """This tab's keeper on this run's engine; None when nothing is saved."""
    k = SS.get(KEEPER)
    if k is None or not k.saving:
        return None
    found, _ = store()
    if found is not None:
        k.use(found)  # else its last engine: the save says what is wrong
    return k


# ---------------------------------------------------------------------------- opening
def start() -> None:
    """This tab's run, on its first page run: the run the address names (``run=``),
    restored from the store, else a new run (state.init: the link's or the default)."""
    if state.EXPLORER in SS:
        return
    SS[PAGE] = secrets.token_urlsafe(9)
    found, failure = store()
    wanted = st.query_params.get(state.RUN, "")
    said: list[Note] = []
    if failure is not None:
        said.append(
            Note(f"Runs are not saved: {failure} This run lives in this tab only.", "warning")
        )
    opened = None
    if wanted and found is not None:
        try:
            opened = _open(found, wanted)
        except StoreError as exc:
            said.append(Note(f"{exc} A new run starts from the address's settings.", "warning"))
    elif wanted and failure is None:
        said.append(
            Note(
                "The address names a saved run, but runs are not kept here (NNVIZ_DB_URL=none): "
                "a new run starts from the address's settings.",
                "warning",
            )
        )
    if opened is not None:
        said.insert(0, opened.note)
        SS[RESTORED] = opened.note
    state.init(opened.explorer if opened else None, said)
    SS[KEEPER] = opened.keeper if opened else RunKeeper(found)


def open_run(run_id: str) -> None:
    """Put the stored run ``run_id`` into this tab (a published one as a copy of its own):
    the run, its settings in the widgets, its id in the address. The run shown before is
    saved first; if the run cannot be opened, a note says why and nothing changes."""
    found, failure = store()
    if found is None:
        state.note(f"The run cannot be opened: {failure or 'runs are not kept here.'}", "warning")
        return
    catch_up()
    try:
        opened = _open(found, run_id)
    except StoreError as exc:
        state.note(str(exc), "warning")
        return
    state.stop_playing()
    state.leave_replay()
    SS[state.EXPLORER] = opened.explorer
    state.write_settings(opened.explorer.settings)
    state.set_table(opened.explorer.table)
    SS[KEEPER] = opened.keeper
    state.note(opened.note)


notes.register(OPEN_RUN, open_run, icon=":material/undo:")


# ---------------------------------------------------------------------------- saving
def _show(said: list[Note]) -> None:
    for note in said:
        state.note(note)


def catch_up() -> None:
    """Save what play left unsaved (its last 2 s at most), before something replaces
    the run (Reset, New seed, an upload, a rebuild, opening another run): the run kept
    for Undo is the run as it was."""
    k = _keeper_with_store()
    if k is not None:
        _show(k.catch_up(state.explorer()))


def with_undo(said: list[Note]) -> list[Note]:
    """After a change: when a new run replaced a trained one (a rebuild, Reset, New
    seed, an upload), the trained one stays in the store under its id and the new run
    gets one of its own; a note after the change's own says so and offers Undo."""
    k = _keeper_with_store()
    kept = None if k is None else k.keep_replaced(state.explorer())
    return said if kept is None else [*said, kept]


def save_changes() -> None:
    """At the end of a page run: save what the run's actions changed (while playing, at
    most every 2 s); a new run id (another tab saved this run) goes in the address."""
    k = _keeper_with_store()
    if k is None:
        return
    before = k.run_id
    notes.show(k.save(state.explorer(), playing=state.playing()))
    if k.run_id != before:
        state.sync_link(k.run_id)


def save_now() -> None:
    """Save the run now, whatever changed (a name, a copy or a publication needs it in
    the store); the notes go on the page."""
    k = _keeper_with_store()
    if k is not None:
        _show(k.save(state.explorer()))


def save_while_playing() -> None:
    """In the live view, after a chunk is drawn: save at most every 2 s while playing.
    When this tab had to move to a new run id, the page reruns (its address changes)."""
    if not state.playing():
        return
    k = SS.get(KEEPER)
    if k is None or not k.due(playing=True):
        return  # between saves, a chunk costs nothing more
    k = _keeper_with_store()
    before = k.run_id
    said = k.save(state.explorer(), playing=True)
    for note in said:
        state.note(note)
    if said or k.run_id != before:
        st.rerun()


def address() -> str:
    """The run id for the address ("" when runs are not saved)."""
    k = SS.get(KEEPER)
    return k.run_id if k is not None and k.saving else ""


# ---------------------------------------------------------------------------- the browser
_BROWSER_JS = """
const KEY = "nnviz.runs";
const MAX = 100;
const ID = /^[A-Za-z0-9_-]{24}$/;
const memory = (window.__nnvizRuns =
  window.__nnvizRuns || { page: null, run: null, playing: false, sent: null });

function read() {
  try {
    const ids = JSON.parse(window.localStorage.getItem(KEY) || "[]");
    return Array.isArray(ids) ? ids.filter((id) => typeof id === "string" && ID.test(id)) : [];
  } catch (e) {
    return [];
  }
}

export default function ({ data, setStateValue, setTriggerValue }) {
  const d = data || {};
  const forget = new Set(d.forget || []);
  let ids = read().filter((id) => !forget.has(id));
  if (d.run && ID.test(d.run)) ids = [d.run, ...ids.filter((id) => id !== d.run)];
  ids = ids.slice(0, MAX);
  try {
    window.localStorage.setItem(KEY, JSON.stringify(ids));
  } catch (e) {}
  const sent = d.page + " " + ids.join(",");
  if (d.want && sent !== memory.sent) {
    memory.sent = sent;
    setStateValue("ids", ids);
  }
  if (memory.page && memory.page !== d.page) {
    // this page was drawn by another server session, which has gone (a replica stopped)
    setTriggerValue("moved", { run: memory.run || "", playing: memory.playing });
  }
  memory.page = d.page;
  memory.run = d.run || "";
  memory.playing = !!d.playing;
}
"""

_component = None


def _mounter():
    global _component
    if _component is None:
        _component = st.components.v2.component("nnviz.browser_runs", js=_BROWSER_JS)
    return _component


def browser_ids() -> list[str]:
    """The run ids this browser keeps (most recently opened first), as it last sent them."""
    value = (SS.get(LIST_KEY) or {}).get("ids") or []
    return [i for i in value if isinstance(i, str)][:200] if isinstance(value, list) else []


def forget(run_id: str) -> None:
    """Ask the browser to drop ``run_id`` from its list."""
    SS[FORGET] = [*SS.get(FORGET, []), run_id][-200:]


def browser_runs() -> None:
    """The component that keeps this browser's list of runs (draw it in every page run;
    it takes no room). It sends the list when a view of it asks (:data:`WANT_IDS`)."""
    k = SS.get(KEEPER)
    data = {
        "page": SS.get(PAGE, ""),
        "run": address(),
        "playing": state.playing(),
        "forget": SS.get(FORGET, []),
        "want": bool(SS.pop(WANT_IDS, False)),
    }
    if k is None:
        return
    with st.container(key="browser_runs_box", height=1, border=False):
        _mounter()(key=LIST_KEY, data=data, height=1, on_moved_change=_moved, on_ids_change=_got)


def _got() -> None:
    """The browser sent its list (read with :func:`browser_ids`)."""


def _moved() -> None:
    """The page was drawn by a server session that has gone (its replica stopped or
    restarted) and reconnected to this new one, which restored the run from the address:
    say so, and go on playing if the page was playing."""
    value = (SS.get(LIST_KEY) or {}).get("moved") or {}
    if not isinstance(value, dict):
        return
    k = SS.get(KEEPER)
    restored = SS.pop(RESTORED, None)
    if restored is not None:
        state.drop_note(restored)
    lost = "The server this page was on has stopped (restarted, or one of several gone)"
    if k is not None and k.saving and restored is not None and value.get("run") == k.run_id:
        text = (
            f"{lost}: the page moved to another and the run was restored from its last save, "
            f"{ago(k.saved_at or 0, time.time())}, at iteration {k.saved_iteration:,}."
        )
        if value.get("playing"):
            state.start_playing()
            text += f" It goes on playing (at most the last {SAVE_EVERY_S:g} s of play were lost)."
        else:
            text += " A click made while the page had no server was not applied."
        state.keep_note(Note(text, "info"))
    else:
        why = (
            "runs are not saved here"
            if k is None or not k.saving
            else "the run it showed was not saved"
        )
        state.keep_note(
            Note(
                f"{lost}, and the run it showed with it ({why}): the page starts again from "
                "the address's settings.",
                "warning",
            )
        )
