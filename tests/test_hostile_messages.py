"""Messages of bounded size, and names shown as they are.

A message quotes at most a few dozen characters of any user value — a cell, a column,
file or parameter name, a number (:mod:`nnviz.quoting`) — so a 10 MB cell or a link's
2.79 MB parameter gives a message of a line; Python's raw errors (an int of more than
4,300 digits) become messages. And a name's bidirectional controls and zero-width
characters are written out wherever it is shown (the page's Markdown, the charts), so
``\\u202egpj.json`` is not read as ``json.jpg``."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from conftest import edit_table, open_tab, run, shown_text, toasts

from nnviz import export
from nnviz.app import views
from nnviz.app.explorer import Explorer
from nnviz.app.notes import MAX_NOTE_CHARS, Note
from nnviz.app.settings import Settings
from nnviz.app.urlstate import encode_table, read_link
from nnviz.charts import loss_figure
from nnviz.data import DataError, prepare
from nnviz.network import Network
from nnviz.quoting import QUOTE_CHARS, number, quote, said, shorten, visible
from nnviz.ui.text import md

BIG = "a" * 10_000_000
RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE


# ---------------------------------------------------------------------------- the helper


def test_quote_names_a_value_in_a_few_dozen_characters():
    assert quote("hours") == "'hours'"
    assert quote(BIG) == f"'{'a' * QUOTE_CHARS}…' (10,000,000 characters)"
    assert quote(12.5) == "12.5" and quote(np.float64(2.0)) == "2.0" and quote(None) == "None"
    assert len(quote(list(range(10**6)))) < 100
    # whole numbers past Python's 4,300-digit conversion limit are named by their size
    assert quote(10**4299) == "a 4,300-digit number"
    assert number(-(10**9999)) == "minus a 10,000-digit number"
    assert quote([10**5000]) == "a list too large to show"
    assert shorten(BIG, 10) == "aaaaaaaaaa… (10,000,000 characters)"


def test_pythons_raw_errors_are_said_plainly():
    with pytest.raises(ValueError) as raw:
        int("9" * 5000)
    assert said(raw.value) == "a whole number of more than 4,300 digits"
    assert len(said("x" * 10**6)) < 1100


def test_a_note_is_never_longer_than_a_few_lines():
    assert len(Note(BIG).text) <= MAX_NOTE_CHARS + 40


# ---------------------------------------------------------------------------- cells and links


def test_a_10_mb_cell_is_quoted_in_a_line():
    table = pd.DataFrame({"x": [1.0, BIG], "y": [0.0, 1.0]})
    with pytest.raises(DataError) as info:
        prepare(table, ["x"], ["y"])
    text = str(info.value)
    assert text == (
        f"Row 1, column 'x': '{'a' * QUOTE_CHARS}…' (10,000,000 characters) is not a number."
    )


def test_a_long_cell_in_the_grid_gives_a_short_message_on_every_run(at):
    edit_table(at, {"edited_rows": {"0": {"hours_slept": "x" * 1_000_000}}})
    [error] = [shown_text(e.value) for e in at.error]
    assert "(1,000,000 characters) is not a number" in error and len(error) < 300
    run(at)  # and the next run says it again, as short
    assert all(len(e.value) < 400 for e in at.error)


@pytest.mark.parametrize(
    "name", ["inputs", "targets", "hidden", "dataset", "hide", "features", "seed", "steps", "x"]
)
def test_a_links_2_79_mb_parameter_gives_a_short_note(name):
    link = read_link({name: "b" * 2_790_000})
    assert link.notes
    for note in link.notes:
        assert len(note.text) < 400, note.text[:500]


def test_a_links_table_with_a_long_cell_gives_a_short_note():
    table = pd.DataFrame({"x1": ["0.5", "c" * 60_000], "x2": [1.0, 2.0], "y": [0.0, 1.0]})
    csv = table.to_csv(index=False).encode()
    text = encode_table(table)
    assert len(text) < 6000 and len(csv) > 60_000
    link = read_link({"dataset": "custom", "table": text})
    assert all(len(n.text) < 400 for n in link.notes)


def test_a_zip_member_named_with_5000_digits_gets_a_message():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("w1.txt", "0.1 0.2\n0.3 0.4\n")
        z.writestr("w" + "9" * 5000 + ".txt", "1\n")
    with pytest.raises(ValueError) as info:
        export.load_model(buf.getvalue(), "m.zip")
    text = str(info.value)
    assert "set_int_max_str_digits" not in text and len(text) < 300
    assert "names a layer by a 5,000-digit number" in text


def test_a_model_file_with_a_5000_digit_number_gets_a_message():
    doc = json.loads(export.to_json(Network([2, 2, 1], seed=1)))
    text = json.dumps(doc).replace('"seed": 1', '"seed": ' + "7" * 5000)
    with pytest.raises(ValueError) as info:
        export.load_model(text.encode(), "m.json")
    message = str(info.value)
    assert "set_int_max_str_digits" not in message and len(message) < 300
    assert "a whole number of more than 4,300 digits" in message


# ---------------------------------------------------------------------------- names as they are


def test_bidirectional_and_zero_width_characters_are_written_out():
    assert visible(f"{RLO}gpj.json") == "⟨U+202E⟩gpj.json"
    assert visible("a\u200bb\u2066c\u2069\ufeff") == "a⟨U+200B⟩b⟨U+2066⟩c⟨U+2069⟩⟨U+FEFF⟩"
    assert visible("hours studied · Köln · 東京") == "hours studied · Köln · 東京"
    shown = shown_text(md(f"Loaded {RLO}gpj.json"))
    assert RLO not in shown and shown == "Loaded ⟨U+202E⟩gpj.json"


def test_a_model_file_named_with_a_right_to_left_override_is_named_as_it_is(at):
    open_tab(at, "Export / share")
    src = Explorer()
    good = export.to_json(src.network, scaler=src.data.scaler)
    name = f"{RLO}gpj.json"
    run(at.file_uploader(key="upload_model").set_value((name, good.encode(), "application/json")))
    [loaded] = [t for t in toasts(at) if t.startswith("Loaded")]
    assert loaded == "Loaded ⟨U+202E⟩gpj.json: training continues from its weights."


def test_names_reach_the_charts_as_they_are():
    fig = loss_figure([0, 1], [1.0, 0.5], events=[(1, "data", f"{RLO}gpj.json edited")])
    assert fig.layout.annotations[0].text == "⟨U+202E⟩gpj.json edited"
    table = pd.DataFrame(
        {f"x{RLO}1": np.linspace(0, 1, 12), "x2": np.linspace(1, 0, 12), "y": [0.0, 1.0] * 6}
    )
    settings = Settings.for_preset("xor", dataset="custom", inputs=(f"x{RLO}1", "x2"))
    ex = Explorer(table, replace(settings, targets=("y",)))
    text = json.dumps(views.diagram_view(ex).to_plotly_json(), ensure_ascii=False)
    assert "x⟨U+202E⟩1" in text and RLO not in text
