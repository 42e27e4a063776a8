"""A classroom link's fixed settings stay as the lecturer set them, whatever the route.

``?dataset=xor&hidden=2&classroom=1&hide=hidden,activation,loss,optimizer`` fixes the
network; every route that changes settings — the widgets (a value sent for a greyed-out
one), a data set picked, a model or a CSV table uploaded, a link's own table, a lesson —
goes through one place (``nnviz.app.classroom.keep_fixed``, via ``state.keep``), which
keeps the fixed ones and says what it left; a route that cannot do without changing
them is refused with a note."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import click, explorer, infos, open_tab, params, run, toasts, warnings

from nnviz import export
from nnviz.app.classroom import fixed_settings, keep_fixed, misfit
from nnviz.app.settings import Settings
from nnviz.app.urlstate import encode_table
from nnviz.network import Network

FIXED = {
    "dataset": "xor",
    "hidden": "2",
    "classroom": "1",
    "hide": "hidden,activation,loss,optimizer",
}


def the_lecturers(at) -> tuple:
    s = explorer(at).settings
    return s.hidden, s.activation, s.loss, s.optimizer


LECTURERS = ((2,), "tanh", "bce", "sgd")


# ---------------------------------------------------------------------------- the one place


def test_keep_fixed_keeps_the_fixed_and_names_them():
    current = Settings.for_preset("xor", hidden=(2,))
    wanted = Settings.for_preset("spiral")
    kept = keep_fixed(wanted, current, fixed_settings(FIXED["hide"].split(",")))
    assert kept.settings.hidden == (2,) and kept.settings.optimizer == "sgd"
    assert kept.settings.dataset == "spiral" and kept.settings.learning_rate == wanted.learning_rate
    assert kept.left == ("hidden", "optimizer")  # the activation and loss were the same
    [note] = kept.notes("Picking Spiral")
    assert note.kind == "warning"
    assert note.text == (
        "Picking Spiral left hidden layers (2), optimizer (sgd) as the classroom link sets them."
    )
    assert keep_fixed(wanted, current, ()).settings == wanted  # nothing fixed: all applied


def test_a_fixed_column_the_table_lacks_is_a_misfit():
    s = Settings.for_preset("xor")
    table = pd.DataFrame({"a": [1.0], "b": [2.0]})
    assert misfit(s, table, ("inputs",)) == "the table has no column 'x1'"
    assert misfit(s, table, ("hidden",)) == ""


# ---------------------------------------------------------------------------- every route


def test_picking_another_data_set_keeps_the_fixed_network(new_app):
    at = new_app(FIXED)
    assert the_lecturers(at) == LECTURERS
    run(at.selectbox(key="dataset").set_value("spiral"))
    ex = explorer(at)
    assert ex.settings.dataset == "spiral" and the_lecturers(at) == LECTURERS
    assert tuple(ex.network.layer_sizes) == (2, 2, 1)
    assert (
        "Picking Spiral left hidden layers (2), optimizer (sgd) as the classroom link sets them."
        in toasts(at)
    )
    assert at.slider(key="n_hidden").value == 1 and at.slider(key="n_hidden").disabled
    assert at.selectbox(key="optimizer").value == "sgd"


def test_a_value_sent_for_a_greyed_out_widget_goes_back(new_app):
    at = new_app(FIXED)
    # a greyed-out widget cannot be changed in a browser; a crafted message (or a route
    # that writes the widget's value) can: the session state is what the app reads
    at.session_state["optimizer"] = "adam"
    run(at)
    assert the_lecturers(at) == LECTURERS and at.selectbox(key="optimizer").value == "sgd"
    assert "Your change left optimizer (sgd) as the classroom link sets it." in toasts(at)
    at.session_state["activation"] = "relu"
    run(at)
    assert the_lecturers(at) == LECTURERS
    # a setting the link does not fix still changes
    run(at.select_slider(key="learning_rate").set_value(0.3))
    assert explorer(at).settings.learning_rate == 0.3 and the_lecturers(at) == LECTURERS


def test_a_model_of_another_network_is_not_loaded(new_app):
    at = new_app(FIXED)
    open_tab(at, "Export / share")
    before = params(at)
    model = export.to_json(Network([2, 16, 16, 16, 1], activation="relu", seed=3))
    run(
        at.file_uploader(key="upload_model").set_value(
            ("m.json", model.encode(), "application/json")
        )
    )
    assert the_lecturers(at) == LECTURERS
    np.testing.assert_array_equal(params(at), before)
    assert (
        "The model m.json not used: this classroom exercise keeps hidden layers (2), hidden "
        "activation (tanh) as the link sets them (the model's are hidden layers (16-16-16), "
        "hidden activation (relu))." in toasts(at)
    )
    # a model of the lecturer's network is taken
    same = Network([2, 2, 1], activation="tanh", output_activation="sigmoid", seed=0, init="xavier")
    run(
        at.file_uploader(key="upload_model_1").set_value(
            ("ok.json", export.to_json(same).encode(), "application/json")
        )
    )
    np.testing.assert_array_equal(params(at), same.params)


def _csv(table: pd.DataFrame) -> tuple:
    return ("t.csv", table.to_csv(index=False).encode(), "text/csv")


def test_a_csv_upload_keeps_a_fixed_data_set(new_app):
    at = new_app({**FIXED, "hide": "dataset,inputs,targets,hidden"})
    open_tab(at, "Data")
    table = pd.DataFrame({"a": np.arange(20.0), "b": np.arange(20.0) % 3, "y": np.arange(20.0) % 2})
    run(at.file_uploader(key="upload_csv").set_value(_csv(table)))
    s = explorer(at).settings
    assert (s.dataset, s.inputs, s.targets, s.hidden) == ("xor", ("x1", "x2"), ("label",), (2,))
    assert at.session_state["table"].columns.tolist() == explorer(at).table.columns.tolist()
    [refused] = [w for w in warnings(at) if w.startswith("Not used (t.csv)")]
    assert refused == (
        "Not used (t.csv): this classroom exercise keeps data set (xor), inputs (x1,x2), "
        "target (label), hidden layers (2) as the link sets them (the table has no column "
        "'x1')."
    )


def test_the_proposed_setup_for_a_table_keeps_what_is_fixed(new_app):
    at = new_app(FIXED)
    open_tab(at, "Data")
    rng = np.random.default_rng(0)
    table = pd.DataFrame({"u": rng.normal(size=40), "v": rng.normal(size=40)})
    table["y"] = np.where(table.u * table.v > 0, "same", "other")
    run(at.file_uploader(key="upload_csv").set_value(_csv(table)))
    s = explorer(at).settings
    assert s.dataset == "custom" and s.inputs == ("u", "v") and the_lecturers(at) == LECTURERS
    [note] = [i for i in infos(at) if "A setup for your table" in i]
    assert note.endswith(
        "The proposed setup left hidden layers (2), optimizer (sgd) as the classroom link "
        "sets them."
    )
    assert s.learning_rate == 0.01  # what is not fixed is the proposal's
    # a pasted table goes the same way
    at.session_state["paste_csv"] = table.rename(columns={"u": "p"}).to_csv(index=False)
    click(at, "use_paste")
    s = explorer(at).settings
    assert s.inputs == ("p", "v") and the_lecturers(at) == LECTURERS


def test_a_links_own_table_is_the_lecturers(new_app):
    table = pd.DataFrame({"p": np.linspace(0, 1, 20), "q": np.linspace(1, 0, 20)})
    table["y"] = (table.p > table.q).astype(float)
    at = new_app(
        {
            "dataset": "custom",
            "table": encode_table(table),
            "hidden": "3-3",
            "classroom": "1",
            "hide": "hidden,inputs",
        }
    )
    s = explorer(at).settings
    assert s.hidden == (3, 3) and s.inputs == ("p", "q")
    at.session_state["n_hidden"] = 1
    run(at)
    assert explorer(at).settings.hidden == (3, 3) and at.slider(key="n_hidden").value == 2


@pytest.mark.parametrize(
    "hide, loads", [("hidden", False), ("momentum", True)], ids=["needed", "not needed"]
)
def test_a_lesson_keeps_the_fixed_settings(new_app, hide, loads):
    at = new_app(
        {"dataset": "xor", "momentum": "0.5", "hidden": "2", "classroom": "1", "hide": hide}
    )
    open_tab(at, "Lessons")
    button = at.button(key="lesson_run")
    assert button.disabled != loads
    if not loads:  # greyed out, saying why
        assert any("keeps some settings fixed" in c.value for c in at.caption)
        return
    click(at, "lesson_run")
    s = explorer(at).settings
    assert s.dataset == "exam_scores" and s.momentum == 0.5
    assert "The lesson left momentum μ (0.5) as the classroom link sets it." in toasts(at)
