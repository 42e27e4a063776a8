"""User text is data: hostile names reach the page and the charts as text, never markup.

Column names, class labels, file names and link parameters can carry Markdown
(``![x](https://tracker/p.png)`` loads an image, ``[Sign in](https://evil)`` is a link)
or HTML (Plotly renders ``<a href>`` in chart text). Fed through every route — a
link's parameters and table, an uploaded file, the data grid — none may come out
as markup: every Markdown string on the page keeps them escaped, and no chart text
holds a tag the charts did not write themselves.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from conftest import edit_table, infos, open_tab, run, shown_text, step_n

from nnviz.app.explorer import Explorer
from nnviz.app.settings import Settings
from nnviz.app.urlstate import encode_table
from nnviz.app.views import live as lv

EVIL = "evil.example"
HOSTILE = [
    f"![pixel](https://{EVIL}/p.png)",
    f"[Session expired — sign in again](https://{EVIL}/login)",
    f"<img src=https://{EVIL}/i.png>",
    f'<a href="https://{EVIL}">x</a>',
    ":red[alert] :material/warning:",
    "$x^2$ **bold** `code` <script>alert(1)</script>",
]
#: Markdown that would render as an image or a link, or raw HTML tags
UNESCAPED = re.compile(r"(?<!\\)!\[|(?<!\\)\]\(|(?<!\\)<(img|a |script)|(?<!\\):red\[")
#: the only tags the charts write themselves
OWN_TAGS = re.compile(r"</?(b|br|i|sup|sub|extra|span( style='[^']*')?)>")


def table_with_hostile_names(classes: bool = True) -> pd.DataFrame:
    """Two inputs and a target named with markup; with ``classes``, class labels too
    (else a number: a table a link opens with its default regression settings)."""
    rng = np.random.default_rng(0)
    n = 24
    x1, x2 = rng.normal(size=n), rng.normal(size=n)
    label = np.where(x1 * x2 > 0, HOSTILE[0], HOSTILE[3]) if classes else x1 * x2
    return pd.DataFrame(
        {HOSTILE[1]: x1, HOSTILE[2]: x2, HOSTILE[4]: label, "split": ["train"] * 18 + ["test"] * 6}
    )


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from strings(v)


def test_charts_draw_hostile_names_as_text():
    table = table_with_hostile_names()
    cols = [c for c in table.columns if c != "split"]
    s = Settings(
        dataset="custom",
        inputs=tuple(cols[:2]),
        targets=(cols[2],),
        scaling="standard",
        target_max=None,
        hidden=(3,),
        activation="tanh",
        output_activation="softmax",
        bias=True,
        init="xavier",
        loss="cross_entropy",
        learning_rate=0.1,
    )
    ex = Explorer(table, s)
    ex.step(5)
    figures = [
        spec.figure()
        for spec in lv.live_specs(
            ex, log_y=None, replay=False, row=0, playing=False, discretize=False
        )
    ]
    from nnviz.app import views

    figures += [views.heatmaps_view(ex), views.animation_view(ex, row=0)]
    seen = 0
    for fig in figures:
        for text in strings(fig.to_plotly_json()):
            if EVIL in text or "alert" in text:
                seen += 1
            rest = OWN_TAGS.sub("", text)
            assert "<" not in rest or "&lt;" in text, text[:200]
            assert not re.search(r"<(a|img|script)\b", text), text[:200]
    assert seen > 10  # the names are on the charts, as text


def markdown_strings(at) -> list[str]:
    """Every string the page renders as Markdown: messages, captions, Markdown, labels
    and help texts of widgets and metrics."""
    out = []
    for kind in ("toast", "warning", "info", "error", "success", "caption", "markdown"):
        out += [e.value for e in at.get(kind)]
    for m in at.metric:
        out += [m.label, m.proto.help or ""]
    for kind in (
        "button",
        "number_input",
        "selectbox",
        "multiselect",
        "toggle",
        "checkbox",
        "text_input",
        "slider",
        "select_slider",
    ):
        for w in at.get(kind):
            out += [w.label or "", getattr(w, "help", "") or ""]
    return out


def assert_no_markup(at) -> int:
    found = 0
    for text in markdown_strings(at):
        if EVIL in shown_text(text) or "alert" in text:
            found += 1
        assert not UNESCAPED.search(text), text
    return found


def test_a_hostile_link_shows_its_notes_as_text(new_app):
    table = table_with_hostile_names()
    params = {
        "dataset": "custom",
        "table": encode_table(table),
        HOSTILE[1]: HOSTILE[0],
        "learning_rate": HOSTILE[1],
        "hidden": HOSTILE[2],
        "inputs": HOSTILE[5],
    }
    at = new_app(params)
    assert assert_no_markup(at) >= 3  # the ignored parameters are named, escaped
    step_n(at, 10)
    for tab in ("Data", "Predict", "Check & edit", "Export / share", "Weights"):
        assert_no_markup(open_tab(at, tab))


def test_an_upload_with_hostile_names_shows_them_as_text(at):
    csv = table_with_hostile_names().to_csv(index=False).encode()
    run(at.file_uploader(key="upload_csv").set_value((f"{HOSTILE[0]}.csv", csv, "text/csv")))
    assert any(EVIL in t for t in infos(at))  # in the proposed setup's note, as text
    assert assert_no_markup(at) >= 1
    step_n(at, 10)
    for tab in ("Predict", "Check & edit", "Compare runs"):
        assert_no_markup(open_tab(at, tab))


def test_a_hostile_cell_in_the_grid_is_named_as_text(at):
    edit_table(at, {"edited_rows": {"0": {"hours_slept": HOSTILE[1]}}})
    errors = [e.value for e in at.error]
    assert errors and EVIL in shown_text(errors[0])
    assert_no_markup(at)


@pytest.mark.parametrize("name", HOSTILE)
def test_the_escape_helper_leaves_no_markup(name):
    from nnviz.ui.text import md

    assert not UNESCAPED.search(md(name))
    assert shown_text(md(name)) == name  # and the reader sees it unchanged
