"""The settings table: every setting declared once, and everything derived from it agrees."""

from __future__ import annotations

import dataclasses
from dataclasses import replace

import numpy as np
import pytest

from nnviz.app import settings as settings_module
from nnviz.app.explorer import Explorer
from nnviz.app.kinds import KINDS, Choice, Kind, Layers, LogSlider, Number
from nnviz.app.settings import (
    DATA,
    HOT,
    HOT_SETTINGS,
    NETWORK,
    PLAY_SETTINGS,
    PLAYGROUND_INPUTS,
    SETTINGS,
    WIDGET_SETTINGS,
    Settings,
    check_hot_settings,
    column_ref,
    fit_features,
    from_widgets,
    playground_expressions,
    playground_label,
    preset_table,
    same_feature,
    setting,
    split_features,
    to_widgets,
    why_rebuilt,
    with_feature,
)
from nnviz.app.urlstate import HIDEABLE, PARSERS, read_link, write_link
from nnviz.data import DEFAULT_PRESET, MAX_ROWS, PRESETS, load_preset, parse_feature, prepare
from nnviz.data.features import MAX_FEATURES
from nnviz.errors import DataError
from nnviz.trainer import HYPERPARAMETERS

# A valid value other than the default data set's for every setting (a new setting must
# add one here, so each test below walks it too).
OTHER = {
    "dataset": "three_bits",
    "inputs": ("hours_studied",),
    "features": ("hours_studied**2", "sin(hours_slept)"),
    "targets": ("hours_slept",),
    "scaling": "minmax",
    "target_max": 92.5,
    "hidden": (5, 2),
    "activation": "tanh",
    "output_activation": "linear",
    "bias": True,
    "init": "he",
    "seed": 4_000_000_000,
    "loss": "mse",
    "optimizer": "adam",
    "learning_rate": 0.1 + 0.2,  # 0.30000000000000004: the link must keep every digit
    "batch_size": 2,
    "momentum": 0.55,
    "l1": 1e-5,
    "l2": 0.0123456789,
    "problem": "regression",
    "gaps": "mean",
    "points": 300,
    "noise": 0.25,
    "train_ratio": 0.6,
    "data_seed": 7,
}
GENERATED = "circle"  # a generated data set: the points, noise … settings apply to it


def base_for(s) -> Settings:
    """The settings a setting's other value is tried on: a generated data set's for the
    generated data's settings (None for the default data set's fixed table)."""
    return Settings.for_preset(GENERATED) if s.param else Settings()


def test_settings_fields_are_the_table():
    fields = dataclasses.fields(Settings)
    assert [f.name for f in fields] == [s.name for s in SETTINGS]  # the names, in order
    default = PRESETS[DEFAULT_PRESET]  # … and the default data set's values
    assert [f.default for f in fields] == [s.default_for(default) for s in SETTINGS]
    assert [type(f.default) for f in fields] == [type(s.default_for(default)) for s in SETTINGS]
    assert set(OTHER) == {s.name for s in SETTINGS}
    assert all(setting(s.name) is s for s in SETTINGS)
    with pytest.raises(dataclasses.FrozenInstanceError):
        Settings().seed = 3


def test_the_default_settings_are_the_default_data_sets():
    assert DEFAULT_PRESET == "exam_scores"
    assert Settings() == Settings.for_preset(DEFAULT_PRESET)
    s = Settings()
    # seed 002's network: 2-3-1, sigmoid, no biases, normal init, η = 1
    assert (s.hidden, s.activation, s.bias, s.init, s.learning_rate) == (
        (3,),
        "sigmoid",
        False,
        "normal",
        1.0,
    )


@pytest.mark.parametrize("name", list(PRESETS))
def test_presets_describe_their_own_settings(name):
    p, s = PRESETS[name], Settings.for_preset(name)
    for attr in (
        "activation",
        "init",
        "bias",
        "optimizer",
        "learning_rate",
        "loss",
        "output_activation",
        "scaling",
        "target_max",
    ):
        assert getattr(s, attr) == getattr(p, attr), attr
    assert s.hidden == tuple(p.hidden) and s.inputs == tuple(p.inputs)
    assert s.dataset == name


def test_for_preset_reads_the_preset_not_its_name(monkeypatch):
    # a preset that asks for something else gets it: no name is special-cased
    changed = replace(
        PRESETS["exam_scores"],
        activation="relu",
        bias=True,
        init="he",
        optimizer="momentum",
        learning_rate=0.05,
    )
    monkeypatch.setitem(PRESETS, "exam_scores", changed)
    s = Settings.for_preset("exam_scores")
    assert (s.activation, s.bias, s.init, s.optimizer, s.learning_rate) == (
        "relu",
        True,
        "he",
        "momentum",
        0.05,
    )
    assert Settings.for_preset("spiral").optimizer == "adam"
    assert Settings.for_preset("spiral", optimizer="sgd").optimizer == "sgd"


def test_every_setting_is_hot_or_rebuilds():
    assert {s.change for s in SETTINGS} == {HOT, NETWORK, DATA}
    assert [s.name for s in HOT_SETTINGS] == [
        "optimizer",
        "learning_rate",
        "batch_size",
        "momentum",
        "l1",
        "l2",
    ]
    # … exactly what a running trainer takes by name (Trainer.configure)
    assert tuple(s.name for s in HOT_SETTINGS) == HYPERPARAMETERS


@pytest.mark.parametrize("s", SETTINGS, ids=lambda s: s.name)
def test_a_change_of_each_setting_does_what_the_table_says(s):
    ex = Explorer(None, base_for(s))
    if s.name == "momentum":  # μ is only used by the momentum optimizer
        ex.update(ex.table, replace(ex.settings, optimizer="momentum"))
    ex.step(5)
    trainer, params = ex.trainer, ex.network.params.copy()
    table = load_preset(OTHER["dataset"]) if s.name == "dataset" else ex.table
    new = replace(ex.settings, **{s.name: OTHER[s.name]})
    if s.param:  # the generated data drawn with the new value
        table = preset_table(new)
    if s.name == "dataset":
        new = Settings.for_preset(OTHER["dataset"])
    if s.name == "loss" or s.name == "output_activation":
        new = replace(new, scaling="standard", output_activation="linear", loss="mse")
    if s.name == "targets":
        new = replace(new, inputs=("hours_studied",))
    ex.update(table, new)
    assert ex.data_error == "", ex.data_error
    assert ex.settings == new
    if s.hot:
        assert ex.trainer is trainer and ex.trainer.iteration == 5
        np.testing.assert_array_equal(ex.network.params, params)
        assert ex.run_log.events[-1].kind == "set"
        assert ex.run_log.events[-1].value[s.name] == OTHER[s.name]
    else:
        assert ex.trainer is not trainer and ex.trainer.iteration == 0
        assert ex.run_log.settings == new and ex.run_log.events == []


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_range_admits_its_default(name):
    s = Settings.for_preset(name)
    s.check()
    for row in SETTINGS:
        value = getattr(s, row.name)
        assert row.admits(value), (row.name, value)
        if row.param is not None:
            # a generated data set's setting: set for one, None (and no widget) for a table
            assert (value is None) == (row.param not in PRESETS[name].params), row.name
            if value is None:
                continue
        shown, kind = row.to_widget(value), row.kind
        if isinstance(kind, Choice):
            assert shown in kind.choices
        if isinstance(kind, Number):
            assert kind.min <= shown <= kind.max, (row.name, shown)
        if isinstance(kind, Layers):
            assert len(value) <= kind.max_items and all(kind.min <= n <= kind.max for n in value)
        if isinstance(kind, LogSlider):
            assert kind.min == min(kind.ladder) and kind.max == max(kind.ladder)


def test_other_values_are_valid_and_differ_from_the_defaults():
    for row in SETTINGS:
        assert row.admits(OTHER[row.name]), row.name
        assert OTHER[row.name] != getattr(base_for(row), row.name), row.name


@pytest.mark.parametrize("s", [r for r in SETTINGS if r.name != "dataset"], ids=lambda s: s.name)
def test_every_field_round_trips_through_the_link(s):
    settings = replace(base_for(s), **{s.name: OTHER[s.name]})
    table = preset_table(settings)
    params = write_link(settings, table)
    assert params[s.name] == s.format(OTHER[s.name])
    assert set(params) == {"dataset", s.name}  # only what differs travels
    link = read_link(params)
    assert link.notes == []
    assert getattr(link.settings, s.name) == OTHER[s.name]
    assert link.settings == settings


def test_the_data_set_round_trips_through_the_link():
    for name in PRESETS:
        link = read_link(write_link(Settings.for_preset(name), load_preset(name)))
        assert link.settings == Settings.for_preset(name) and link.notes == []


def test_every_setting_can_be_hidden_and_is_read_from_a_link():
    assert [s.name for s in SETTINGS] == [h for h in HIDEABLE if h in {s.name for s in SETTINGS}]
    assert set(PARSERS) == {s.name for s in SETTINGS} - {"dataset"}


def test_one_range_for_widget_link_and_check():
    m = setting("momentum")
    assert m.widget_args() == {"min_value": 0.0, "max_value": 0.99, "step": 0.05}
    assert m.parse("0.99") == 0.99
    with pytest.raises(ValueError, match="0 to 0.99"):
        m.parse("0.995")
    with pytest.raises(ValueError, match="Momentum"):
        check_hot_settings(replace(Settings(), momentum=0.995))
    with pytest.raises(ValueError, match="Momentum"):
        Settings(momentum=0.995).check()
    link = read_link({"momentum": "0.995"})
    assert link.settings.momentum == Settings().momentum and "momentum" in link.notes[0].text
    b = setting("batch_size")
    assert b.widget_args() == {"min_value": 0, "max_value": MAX_ROWS, "step": 1}
    assert setting("l2").widget_args()["format"] == "%.4f"


@pytest.mark.parametrize(
    "bad, words",
    [
        ({"learning_rate": 0.0}, "Learning rate"),
        ({"learning_rate": float("nan")}, "Learning rate"),
        ({"l1": -1.0}, "L1"),
        ({"l2": float("inf")}, "L2"),
        ({"batch_size": -3}, "Batch size"),
        ({"optimizer": "rmsprop"}, "Optimizer"),
    ],
)
def test_check_hot_settings_refuses_what_the_table_refuses(bad, words):
    with pytest.raises(ValueError, match=words):
        check_hot_settings(replace(Settings(), **bad))
    ex = Explorer()
    ex.step(3)
    ex.update(ex.table, replace(ex.settings, **bad))
    assert words in ex.data_error and ex.trainer.iteration == 3


def test_check_refuses_what_no_widget_gives():
    with pytest.raises(ValueError, match="layers"):
        Settings(hidden=(4,) * 7).check()
    with pytest.raises(ValueError, match="layers"):
        Settings(hidden=(17,)).check()
    with pytest.raises(ValueError, match="Hidden activation"):
        Settings(activation="softmax").check()


def test_none_and_its_widget_value_mean_the_same():
    assert Settings(batch_size=0) == Settings(batch_size=None)
    assert Settings(target_max=0.0).target_max is None
    assert Settings(inputs=["hours_studied"]).inputs == ("hours_studied",)
    assert setting("batch_size").parse("0") is None and setting("batch_size").format(None) == "0"


@pytest.mark.parametrize("name", list(PRESETS))
def test_widget_values_round_trip(name):
    s = replace(Settings.for_preset(name), batch_size=7, l1=0.25)
    values = to_widgets(s)
    assert set(values) == {w.name for w in WIDGET_SETTINGS} | {"n_hidden"} | {
        f"neurons_{i}" for i in range(len(s.hidden))
    }
    assert values["batch_size"] == 7 and values["n_hidden"] == len(s.hidden)
    assert isinstance(values["inputs"], list)
    assert from_widgets(values) == s
    assert to_widgets(replace(s, batch_size=None))["batch_size"] == 0
    assert from_widgets({**values, "batch_size": 0, "target_max": 0.0}).batch_size is None


def test_from_widgets_reads_a_new_layer_as_four_neurons():
    values = to_widgets(Settings())
    values["n_hidden"] = 2  # the second layer's widget has not been drawn yet
    assert from_widgets(values).hidden == (3, 4)


def test_links_write_numbers_exactly_and_briefly():
    lr = setting("learning_rate")
    for x in (0.1, 0.3, 1.0, 1e-4, 0.1 + 0.2, 1 / 3, 10.0):
        assert lr.parse(lr.format(x)) == x
    assert [lr.format(x) for x in (0.1, 1.0, 1e-4, 10.0)] == ["0.1", "1", "0.0001", "10"]
    assert setting("hidden").format(()) == "0" and setting("hidden").parse("0") == ()
    assert setting("hidden").parse("4,4") == (4, 4)


def test_every_widget_kind_owns_its_values_and_has_a_draw():
    from nnviz.ui.sidebar import DRAW

    assert set(settings_module.WIDGETS) == {
        "select",
        "columns",
        "features",
        "layers",
        "checkbox",
        "number",
        "integer",
        "log_slider",
    }
    for kind in KINDS:  # each reads a link, checks and describes its own values
        for method in ("parse", "describe", "_admits"):
            assert getattr(kind, method) is not getattr(Kind, method), (kind, method)
    assert {type(s.kind) for s in SETTINGS + PLAY_SETTINGS} <= set(KINDS) == set(DRAW)
    assert all(s.kind.choices for s in SETTINGS if s.widget == "select")  # read as a choice


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_setting_reads_back_what_a_link_writes(name):
    s = replace(Settings.for_preset(name), batch_size=None, l1=0.25)
    for row in SETTINGS:
        value = getattr(s, row.name)
        assert row.parse(row.format(value)) == value, row.name


def test_the_module_declares_the_learning_rate_ladder_once():
    ladder = settings_module.LEARNING_RATES
    assert setting("learning_rate").kind.ladder == ladder
    assert ladder[0] == 1e-4 and ladder[-1] == 10.0 and 0.03 in ladder


# ---------------------------------------------------------------------------- features


def test_features_are_a_data_setting_that_rebuilds_with_a_wider_input_layer():
    f = setting("features")
    assert f.change == DATA and not f.hot and f.default == ()
    assert all(Settings.for_preset(name).features == () for name in PRESETS)
    s = replace(Settings(), features=["hours_studied**2 ", "sin(hours_slept)"])
    assert s.features == ("hours_studied**2", "sin(hours_slept)")  # a tuple, trimmed
    assert s.layer_sizes == (4, 3, -1)
    assert s.data_key() != Settings().data_key() and s.network_key() != Settings().network_key()
    ex = Explorer()
    ex.step(3)
    update = ex.update(ex.table, s)
    assert ex.data_error == "" and ex.trainer.iteration == 0
    assert ex.network.layer_sizes == (4, 3, 1)
    assert ex.data.inputs == [
        "hours_studied",
        "hours_slept",
        "hours_studied**2",
        "sin(hours_slept)",
    ]
    assert update.rebuilt and update.texts == [
        "Network rebuilt (new input features): training starts again from iteration 0."
    ]


def test_why_rebuilt_names_new_features_only_when_they_alone_changed():
    s = Settings.for_preset("circle")
    squared = replace(s, features=("x1**2",))
    assert why_rebuilt(s, squared) == "new input features"
    assert why_rebuilt(squared, s) == "new input features"
    assert why_rebuilt(squared, replace(squared, features=("x2**2",))) == "new input features"
    both = replace(s, inputs=("x1",), features=("x1**2",))
    assert why_rebuilt(s, both) == "new input/target columns or scaling"
    assert why_rebuilt(s, replace(s, scaling="standard")) == ("new input/target columns or scaling")


@pytest.mark.parametrize(
    "features, text",
    [
        ((), ""),
        (("x1**2",), "x1**2"),
        (("x1**2", "sin(x2)", "x1*x2"), "x1**2;sin(x2);x1*x2"),
        # a backquoted column name may hold the separator, a comma, spaces and symbols
        (
            ("`a;b`**2", "`size (cm, raw)`/2", "exp(-`a;b`)"),
            "`a;b`**2;`size (cm, raw)`/2;exp(-`a;b`)",
        ),
    ],
)
def test_features_round_trip_through_the_link_text(features, text):
    f = setting("features")
    assert f.format(features) == text
    assert f.parse(text) == features
    assert split_features(text) == features


def test_the_link_text_of_features_is_read_forgivingly_and_checked():
    f = setting("features")
    assert f.parse(" x1**2 ;; sin(x2); ") == ("x1**2", "sin(x2)")
    assert f.parse("") == ()
    with pytest.raises(ValueError, match="none twice"):
        f.parse("x1**2;x1**2")
    with pytest.raises(ValueError, match="at most 200 characters"):
        f.parse("x1" + "+x1" * 100)
    with pytest.raises(ValueError, match="Features"):
        Settings(features=("x1", "x1")).check()
    assert not f.admits(["x1"]) and not f.admits(("",)) and not f.admits((" x1",))


def test_column_ref_backquotes_what_is_not_a_plain_name():
    assert [column_ref(n) for n in ("x1", "hours_studied", "größe")] == [
        "x1",
        "hours_studied",
        "größe",
    ]
    assert [column_ref(n) for n in ("hours studied", "size (cm)", "2024", "lambda", "ﬁ")] == [
        "`hours studied`",
        "`size (cm)`",
        "`2024`",
        "`lambda`",
        "`ﬁ`",
    ]
    # every written reference parses back to its column
    names = ["hours studied", "lambda", "2024", "x1"]
    for j, name in enumerate(names):
        assert parse_feature(column_ref(name) + "**2", names).used == (j,)


def test_playground_inputs_over_real_column_names():
    assert list(PLAYGROUND_INPUTS) == ["X1", "X2", "X1²", "X2²", "X1·X2", "sin X1", "sin X2"]
    assert playground_expressions("x1", "x2") == {
        "X1": "x1",
        "X2": "x2",
        "X1²": "x1**2",
        "X2²": "x2**2",
        "X1·X2": "x1*x2",
        "sin X1": "sin(x1)",
        "sin X2": "sin(x2)",
    }
    spaced = playground_expressions("hours studied", "hours_slept")
    assert spaced["X1²"] == "`hours studied`**2"
    assert spaced["X1·X2"] == "`hours studied`*hours_slept"
    table = load_preset("exam_scores").rename(columns={"hours_studied": "hours studied"})
    data = prepare(
        table,
        ["hours studied", "hours_slept"],
        ["test_score"],
        scaling="max",
        target_max=100,
        features=[v for k, v in spaced.items() if k not in ("X1", "X2")],
    )
    assert data.n_inputs == 7
    np.testing.assert_allclose(
        data.scaler.inverse_X(data.X_train)[:, 2], data.scaler.inverse_X(data.X_train)[:, 0] ** 2
    )
    # a name with a backquote cannot be written in an expression: only its raw toggle
    odd = playground_expressions("a`b", "x2")
    assert set(odd) == {"X1", "X2", "X2²", "sin X2"}
    assert [playground_label(t, "x1", "x2") for t in PLAYGROUND_INPUTS] == [
        "x1",
        "x2",
        "x1²",
        "x2²",
        "x1·x2",
        "sin x1",
        "sin x2",
    ]
    assert playground_label("X1·X2", "a_very_long_column_name", "X2") == "a_very_long_c…·X2"


def test_same_feature_compares_what_is_computed():
    assert same_feature("x1**2", "x1 ** 2", ["x1", "x2"])
    assert same_feature("x1*x2", "(x1)*(x2)", ["x1", "x2"])
    assert not same_feature("x1*x2", "x2*x1", ["x1", "x2"])
    assert not same_feature("x1**2", "x3**2", ["x1", "x2"])


def test_with_feature_adds_a_checked_feature_or_says_why_not():
    inputs = ["x1", "x2"]
    assert with_feature((), " x1*x2 ", inputs) == ("x1*x2",)
    assert with_feature(("x1**2",), "sin(x2)", inputs) == ("x1**2", "sin(x2)")
    cases = [
        ("x1^2", "Feature 'x1^2': the operator ^ is not allowed"),
        ("x3**2", "'x3' is not an input column"),
        ("__import__('os')", "Feature '__import__('os')'"),
        ("x1", "is the input column 'x1' itself"),
        ("`x1`", "is the input column 'x1' itself"),
        ("x1 ** 2", "Feature 'x1 ** 2' is already a feature (as 'x1**2')"),
        ("x1**2", "Feature 'x1**2' is already a feature."),
    ]
    for text, words in cases:
        with pytest.raises(DataError) as info:
            with_feature(("x1**2",), text, inputs)
        assert words in str(info.value), (text, str(info.value))
    with pytest.raises(DataError, match=f"the limit is {MAX_FEATURES}"):
        with_feature(tuple(f"x1*{k}" for k in range(1, MAX_FEATURES + 1)), "x2*2", inputs)
    # with the table: the feature must be a finite number in every row
    table = load_preset("circle")
    table.loc[5, "x1"] = 0.0
    with pytest.raises(DataError, match=r"Row 5, feature 'log\(abs\(x1\)\)'"):
        with_feature((), "log(abs(x1))", inputs, table)
    assert with_feature((), "log(abs(x1) + 1)", inputs, table) == ("log(abs(x1) + 1)",)


def test_fit_features_drops_those_over_a_column_that_is_no_longer_an_input():
    kept, notes = fit_features(("x1**2", "x1*x2", "sin(x2)"), ["x2"], ["x1", "x2", "label"])
    assert kept == ("sin(x2)",)
    assert notes == [
        "Removed the feature 'x1**2': it uses 'x1', which is no longer an input.",
        "Removed the feature 'x1*x2': it uses 'x1', which is no longer an input.",
    ]
    assert fit_features(("x1**2",), ["x1", "x2"], ["x1", "x2"]) == (("x1**2",), [])
    # a column the new table does not have
    kept, notes = fit_features(("z**2",), ["x1"], ["x1", "label"])
    assert kept == () and "'z' is not an input column" in notes[0]


def test_generated_data_settings_draw_the_table_and_travel_in_the_link():
    s = replace(Settings.for_preset("circle"), points=300, noise=0.3, data_seed=5)
    table = preset_table(s)
    assert len(table) == 300
    assert table.equals(load_preset("circle", n=300, noise=0.3, seed=5))
    params = write_link(s, table)
    assert "table" not in params  # the link carries how to draw it, not the rows
    link = read_link(params)
    assert link.notes == [] and link.settings == s and link.table.equals(table)
    assert "the data set drawn again" in why_rebuilt(Settings.for_preset("circle"), s)
    # a fixed table has no generator: the link's values are ignored, with a note
    fixed = read_link({"dataset": "exam_scores", "noise": "0.2"})
    assert fixed.settings.noise is None and "not a generated data set" in fixed.notes[0].text
    assert Settings.for_preset("exam_scores").points is None
