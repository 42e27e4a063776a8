"""Links: settings and tables survive a round trip; bad parameters are noted, not fatal."""

from dataclasses import replace

import numpy as np
import pytest

import nnviz
from nnviz.app.explorer import Explorer, Settings
from nnviz.app.urlstate import decode_table, encode_table, read_link, write_link
from nnviz.data import load_preset


def test_defaults_give_a_short_link_and_back():
    s = Settings.for_preset("exam_scores")
    params = write_link(s, load_preset("exam_scores"))
    assert params == {"dataset": "exam_scores"}
    link = read_link(params)
    assert link.settings == s and link.notes == [] and link.steps == 0


@pytest.mark.parametrize(
    "changes",
    [
        {"learning_rate": 0.3, "optimizer": "adam"},
        {"hidden": (5, 2), "activation": "relu", "init": "he", "seed": 42},
        {"batch_size": 16, "l2": 0.001, "l1": 0.01, "momentum": 0.5, "loss": "mse"},
        {"hidden": (), "bias": False, "scaling": "standard"},
    ],
)
def test_round_trip_of_settings(changes):
    s = replace(Settings.for_preset("xor"), **changes)
    link = read_link(write_link(s, load_preset("xor"), steps=120))
    assert link.settings == s
    assert link.steps == 120 and link.notes == []


def test_edited_and_custom_tables_travel_compressed():
    t = load_preset("xor")
    t.loc[3, "x1"] = 1.25
    params = write_link(Settings.for_preset("xor"), t)
    assert "table" in params
    assert read_link(params).table.equals(t)
    custom = nnviz.data.table_from_arrays(
        np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[0.5], [0.7]]), ["a", "b"], ["y"]
    )
    s = replace(Settings.for_preset("xor"), dataset="custom", inputs=("a", "b"), targets=("y",))
    link = read_link(write_link(s, custom))
    assert link.table.equals(custom) and link.settings.inputs == ("a", "b")
    assert decode_table(encode_table(custom)).equals(custom)


def test_a_link_reproduces_the_run():
    s = replace(Settings.for_preset("circle"), learning_rate=0.3, seed=7, batch_size=10)
    a = Explorer(load_preset("circle"), s)
    a.step(60)
    link = read_link(write_link(a.settings, a.table, steps=a.trainer.iteration))
    b = Explorer(link.table, link.settings)
    first = Explorer(link.table, link.settings).network.params
    assert np.array_equal(first, a.trainer.history.snapshot_params(0)[1])
    b.step(link.steps)
    assert np.array_equal(a.network.params, b.network.params)
    assert np.array_equal(a.trainer.history.train_loss, b.trainer.history.train_loss)


def test_bad_parameters_are_ignored_with_a_note():
    link = read_link(
        {
            "dataset": "xor",
            "learning_rate": "fast",
            "hidden": "4-99",
            "seed": "-3",
            "activation": "swish",
            "inputs": "x1,nope",
            "wat": "1",
            "steps": "1e9",
            "table": "@@@",
        }
    )
    s = Settings.for_preset("xor")
    assert link.settings == s  # nothing bad got through
    text = " ".join(n.text for n in link.notes)
    assert {n.kind for n in link.notes if n.text.startswith("Ignored")} == {"warning"}
    for name in (
        "learning_rate='fast'",
        "hidden='4-99'",
        "seed='-3'",
        "activation='swish'",
        "inputs",
        "'wat'",
        "steps",
        "table",
    ):
        assert name in text, name
    assert read_link({"dataset": "nope"}).settings.dataset == "exam_scores"


def test_classroom_mode():
    link = read_link({"dataset": "xor", "classroom": "1", "hide": "loss,optimizer,zzz"})
    assert link.classroom and link.hide == ("loss", "optimizer")
    assert any("zzz" in n.text and n.kind == "warning" for n in link.notes)
    params = write_link(link.settings, link.table, classroom=True, hide=link.hide)
    assert params["classroom"] == "1" and params["hide"] == "loss,optimizer"


def test_a_fresh_run_gives_the_short_link():
    from nnviz.app.urlstate import link_limits, run_link

    ex = Explorer()
    assert run_link(ex) == {"dataset": "exam_scores"} and link_limits(ex) == []
    ex.step(30)
    assert run_link(ex) == {"dataset": "exam_scores", "steps": "30"}
    p = run_link(ex, classroom=True, hide=("loss",))
    assert p["classroom"] == "1" and p["hide"] == "loss"
    # the address bar's link holds the settings as they are now; the run's link, iteration 0's
    ex.update(ex.table, replace(ex.settings, learning_rate=0.3))
    assert write_link(ex.settings, ex.table)["learning_rate"] == "0.3"
    assert "learning_rate" not in run_link(ex) and "log" in run_link(ex)


def test_a_custom_link_without_its_table_opens_the_default():
    link = read_link({"dataset": "custom", "inputs": "a"})
    assert link.settings.dataset == "exam_scores"
    assert "carries none" in link.notes[0].text and "'a'" in link.notes[1].text


def test_a_link_with_features_reproduces_the_weights():
    s = replace(Settings.for_preset("circle"), hidden=(), features=("x1**2", "x2**2"))
    a = Explorer(load_preset("circle"), s)
    a.step(80)
    params = write_link(a.settings, a.table, steps=a.trainer.iteration)
    assert params["features"] == "x1**2;x2**2"
    link = read_link(params)
    assert link.notes == [] and link.settings == s and link.steps == 80
    b = Explorer(link.table, link.settings)
    assert b.data.inputs == ["x1", "x2", "x1**2", "x2**2"]
    b.step(link.steps)
    assert np.array_equal(a.network.params, b.network.params)
    assert np.array_equal(a.trainer.history.train_loss, b.trainer.history.train_loss)


def test_a_link_feature_over_a_spaced_name_with_the_separator_travels():
    table = load_preset("exam_scores").rename(columns={"hours_studied": "hours; studied"})
    s = replace(
        Settings.for_preset("exam_scores"),
        dataset="custom",
        inputs=("hours; studied", "hours_slept"),
        features=("`hours; studied`**2", "`hours; studied`*hours_slept"),
    )
    params = write_link(s, table)
    assert params["features"] == "`hours; studied`**2;`hours; studied`*hours_slept"
    link = read_link(params)
    assert link.notes == [] and link.settings.features == s.features
    assert Explorer(link.table, link.settings).data.n_inputs == 4


def test_link_features_that_do_not_fit_are_ignored_with_a_note():
    link = read_link({"dataset": "circle", "features": "x1**2;x3**2;x1^2;log(x1-x1);x1 ** 2"})
    assert link.settings.features == ("x1**2",)
    assert [n.text.split(":")[0] for n in link.notes] == [
        "Ignored the link's feature 'x3**2'",
        "Ignored the link's feature 'x1^2'",
        "Ignored the link's feature 'log(x1-x1)'",
        "Ignored the link's feature 'x1 ** 2'",
    ]
    assert "'x3' is not an input column" in link.notes[0].text
    assert "already a feature" in link.notes[3].text
    assert {n.kind for n in link.notes} == {"warning"}
    # a feature over a column the link leaves out of the inputs
    link = read_link({"dataset": "circle", "inputs": "x2", "features": "x1**2;x2**2"})
    assert link.settings.inputs == ("x2",) and link.settings.features == ("x2**2",)
    assert "'x1' is not an input column" in link.notes[0].text
    Explorer(link.table, link.settings)  # what the link opens with builds


def test_the_tabs_a_link_may_hide_are_the_panels_table():
    from nnviz.app.panels import PANELS
    from nnviz.app.urlstate import HIDEABLE
    from nnviz.ui.tabs import DRAW

    assert [h for h in HIDEABLE if h in DRAW] == [p.name for p in PANELS if p.hideable]
    assert list(DRAW) == [p.name for p in PANELS]  # every tab is drawn, in order
