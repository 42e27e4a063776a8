"""A table the user brings (an upload, a paste) gets a setup that learns, said out loud.

:func:`load_table` checks the table, asks :func:`nnviz.app.setup.setup_for` for the
settings a careful person would pick, applies them and keeps the note that lists
them; :func:`setup_note` shows that note under the uploader with **Undo** (back to
the settings before, the table kept) and **Keep** (the note goes away) until one is
pressed or another table comes in.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from ..app.classroom import misfit
from ..app.settings import CUSTOM, GENERATOR_SETTINGS
from ..app.setup import setup_for
from ..errors import DataError
from ..quoting import shorten
from . import state
from .text import md_lines

SS = st.session_state
SETUP_NOTE = "_setup_note"  # the note listing the proposed setup (shown until Undo or Keep)
SETUP_UNDO = "_setup_undo"  # the settings before the proposed setup


def load_table(table: pd.DataFrame, name: str) -> str:
    """Take a table the user brought, with the setup proposed for it; "" when it was
    taken, else why not (nothing changed then)."""
    columns = [c for c in table.columns if c != "split"]
    if len(columns) < 2:
        return "the table needs at least an input and a target column."
    try:
        proposed = setup_for(table, state.read_settings())
    except DataError as exc:
        return str(exc)
    kept = state.keep(proposed.settings)  # a classroom link's fixed settings stay
    why = misfit(kept.settings, table, state.fixed())
    if "dataset" in kept.left or why:  # a fixed data set, or columns the table lacks
        return kept.reason(why) + "."
    state.stop_playing()
    state.write_settings(kept.settings)
    state.set_table(table)
    SS[SETUP_UNDO] = proposed.previous
    left = "".join(f"\n{n.text}" for n in kept.notes("The proposed setup"))
    SS[SETUP_NOTE] = f"Loaded {len(table):,} rows from {shorten(name)}. {proposed.note()}{left}"
    return ""


def undo_setup() -> None:
    """Back to the settings before the proposed setup; the table and its columns stay
    (the settings before named another table's columns)."""
    previous = SS.pop(SETUP_UNDO, None)
    SS.pop(SETUP_NOTE, None)
    if previous is None:
        return
    now = state.read_settings()
    restored = replace(
        previous,
        dataset=CUSTOM,
        inputs=now.inputs,
        targets=now.targets,
        features=(),
        **{g.name: None for g in GENERATOR_SETTINGS},
    )
    state.stop_playing()
    state.write_settings(state.keep(restored).settings)
    state.note("Back to the settings before the proposed setup; the table stays.")


def keep_setup() -> None:
    SS.pop(SETUP_NOTE, None)
    SS.pop(SETUP_UNDO, None)


def setup_note() -> None:
    """The proposed setup's note, with Undo and Keep, until one of them is pressed."""
    text = SS.get(SETUP_NOTE)
    if not text:
        return
    st.info(md_lines(text), icon=":material/auto_fix_high:")
    c1, c2, _ = st.columns([2, 2, 5])
    c1.button(
        "Undo",
        key="undo_setup",
        on_click=undo_setup,
        icon=":material/undo:",
        help="Back to the settings before this setup (the table stays).",
    )
    c2.button("Keep", key="keep_setup", on_click=keep_setup, help="Hide this note.")
