"""The Runs tab: this run (its name, where it stands, a link to a stored copy), the runs
this browser opened (open, delete) and the gallery of published runs (open as a copy,
publish with the passphrase where one is set).

The list of this browser's runs comes from the browser itself (``nnviz.ui.runs``: the
ids it keeps in its localStorage); the server never lists runs but the gallery's.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

import streamlit as st

from ...app.keeper import ago, may_publish, publish_passphrase
from ...app.store import RunInfo, RunStore, StoreError
from .. import runs, state
from ..text import md

SS = st.session_state
NAME = "run_name"
TITLE = "publish_title"
PASSPHRASE = "publish_passphrase"
SHARED = "_run_shared"  # the last link to a stored copy: (run id it copies, link)
MAX_SHOWN = 30  # runs a list shows


def _passphrase() -> str | None:
    return publish_passphrase(section=runs.secrets_section("nnviz"))


def _saved(found: RunStore) -> bool:
    """Save this run now (a name, a copy or a publication needs it in the store)."""
    runs.save_now()
    k = runs.keeper()
    return not k.failure and k.saved_at is not None


def _name(found: RunStore) -> None:
    if not _saved(found):
        return
    try:
        name = found.name(runs.keeper().run_id, SS.get(NAME) or None)
    except StoreError as exc:
        state.note(str(exc), "warning")
        return
    if name:
        state.note(f"This run is named “{name}”: a named run is never pruned.", "success")
    else:
        state.note("This run has no name now.")


def _share(found: RunStore) -> None:
    if not _saved(found):
        return
    k = runs.keeper()
    try:
        frozen = found.freeze(k.run_id)
    except StoreError as exc:
        state.note(str(exc), "warning")
        return
    base = (st.context.url or "http://localhost:8501/").split("?")[0]
    SS[SHARED] = (k.run_id, f"{base}?{urlencode({state.RUN: frozen})}")


def _publish(found: RunStore) -> None:
    given = SS.get(PASSPHRASE, "")
    SS[PASSPHRASE] = ""
    if not may_publish(given, _passphrase()):
        state.note("Wrong passphrase: nothing was published.", "warning")
        return
    title = (SS.get(TITLE) or "").strip()
    if not title:
        state.note("A published run needs a title.", "warning")
        return
    if not _saved(found):
        return
    try:
        found.publish(runs.keeper().run_id, title)
    except StoreError as exc:
        state.note(str(exc), "warning")
        return
    state.note(f"Published “{title}” to the gallery: everyone here can open a copy.", "success")


def _delete(found: RunStore, run_id: str) -> None:
    try:
        found.delete(run_id)
    except StoreError as exc:
        state.note(str(exc), "warning")
        return
    runs.forget(run_id)
    state.note("The run is deleted.")


def _copy(found: RunStore, run_id: str) -> None:
    """Open a copy of the run (under a new id of its own): a variant to try things on."""
    try:
        copied = found.copy(run_id)
    except StoreError as exc:
        state.note(str(exc), "warning")
        return
    runs.open_run(copied)


def _this_run(found: RunStore) -> None:
    k = runs.keeper()
    st.markdown(f"**This run** — {md(k.status())}")
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    left.text_input("Name", key=NAME, max_chars=100, placeholder="a name keeps it for good")
    right.button("Name this run", key="name_run", on_click=_name, args=(found,), width="stretch")
    st.button(
        "Link to a copy of this run",
        key="share_copy",
        on_click=_share,
        args=(found,),
        help="A copy as it is now, stored: the link opens it at once (no replay), as a "
        "copy of the opener's own; later steps here do not change it.",
    )
    shared = SS.get(SHARED)
    if shared and shared[0] == k.run_id:
        with st.container(key="share_copy_link"):
            st.code(shared[1], language=None, wrap_lines=True)


def _row(info: RunInfo, current: str) -> str:
    name = f"**{md(info.name)}** · " if info.name else ""
    where = " · published" if info.published else ""
    this = " · *this run*" if info.id == current else ""
    return (
        f"{name}{md(info.summary)} · iteration {info.iteration:,} · saved "
        f"{ago(info.updated, time.time())}{where}{this}"
    )


def _my_runs(found: RunStore) -> None:
    st.markdown("**Runs opened in this browser** (kept by the browser, never listed to others)")
    SS[runs.WANT_IDS] = True
    try:
        listed = found.list_runs(runs.browser_ids()[:MAX_SHOWN])
    except StoreError as exc:
        st.warning(md(str(exc)), icon=":material/warning:")
        return
    current = runs.keeper().run_id
    if not listed:
        st.caption("None yet: runs you open or train here are listed once saved.")
    for info in listed:
        text, open_, copy, delete = st.columns([6, 1, 1, 1], vertical_alignment="center")
        text.markdown(_row(info, current))
        open_.button(
            "Open",
            key=f"open_run_{info.id}",
            on_click=runs.open_run,
            args=(info.id,),
            disabled=info.id == current,
        )
        copy.button(
            "Copy",
            key=f"copy_run_{info.id}",
            on_click=_copy,
            args=(found, info.id),
            help="Open a copy of this run under a new id: the run itself stays as it is.",
        )
        delete.button(
            "Delete",
            key=f"delete_run_{info.id}",
            on_click=_delete,
            args=(found, info.id),
            disabled=info.id == current or info.published,
        )


def _gallery(found: RunStore) -> None:
    st.markdown("**Gallery** — runs published here; opening one gives you a copy of your own")
    try:
        listed = found.gallery(MAX_SHOWN)
    except StoreError as exc:
        st.warning(md(str(exc)), icon=":material/warning:")
        listed = []
    if not listed:
        st.caption("Nothing published yet.")
    for info in listed:
        text, open_ = st.columns([7, 1], vertical_alignment="center")
        text.markdown(_row(info, ""))
        open_.button("Open", key=f"gallery_run_{info.id}", on_click=runs.open_run, args=(info.id,))
    with st.expander("Publish this run to the gallery"):
        st.text_input("Title", key=TITLE, max_chars=100)
        if _passphrase() is not None:
            st.text_input("Passphrase", key=PASSPHRASE, type="password")
        st.button("Publish", key="publish", on_click=_publish, args=(found,))


def runs_tab() -> None:
    found, failure = runs.store()
    if found is None:
        st.info(
            md(f"Runs are not saved here{f': {failure}' if failure else ' (NNVIZ_DB_URL=none)'}."),
            icon=":material/info:",
        )
        return
    _this_run(found)
    st.divider()
    _my_runs(found)
    st.divider()
    _gallery(found)
