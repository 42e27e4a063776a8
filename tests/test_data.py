"""Tests for nnviz.data: presets, table checks, scaling and CSV."""

from __future__ import annotations

import io
import json
import math

import numpy as np
import pandas as pd
import pytest

from nnviz.data import (
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_TABLE_COLUMNS,
    OUTPUT_RANGES,
    PRESETS,
    SCALINGS,
    Preset,
    Scaler,
    UnknownPresetError,
    load_preset,
    prepare,
    read_csv_table,
    table_from_arrays,
    to_csv_bytes,
)
from nnviz.errors import DataError

RANDOM_PRESETS = ["circle", "xor", "gaussian", "spiral", "moons", "blobs3", "plane", "sine"]
TASKS = {"regression", "binary", "multiclass"}
LOSSES = {"half_sse", "mse", "bce", "cross_entropy"}


def small_table(index=(10, 11, 12, 13)) -> pd.DataFrame:
    """A 4-row table with a non-default index, so messages must use the labels."""
    return pd.DataFrame(
        {
            "a": [1.0, 2.0, 3.0, 4.0],
            "b": [0.5, 0.0, 2.0, 1.0],
            "y": [0.1, 0.2, 0.3, 0.4],
            "split": ["train", "train", "test", "predict"],
        },
        index=list(index),
    )


def error_message(df, inputs=("a", "b"), targets="y", **kwargs) -> str:
    with pytest.raises(DataError) as info:
        prepare(df, list(inputs), targets, **kwargs)
    return str(info.value)


# ----------------------------------------------------------------------- presets


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_preset_loads_with_its_columns_and_settings(name):
    preset = PRESETS[name]
    assert isinstance(preset, Preset)
    assert preset.name == name == name.lower()
    assert preset.title and preset.description.endswith(".")
    assert preset.task in TASKS
    assert preset.loss in LOSSES
    assert preset.output_activation in OUTPUT_RANGES
    assert preset.scaling in SCALINGS
    assert all(isinstance(h, int) and h > 0 for h in preset.hidden)
    assert preset.learning_rate > 0
    df = load_preset(name)
    assert list(df.columns) == preset.inputs + preset.targets + ["split"]
    assert isinstance(df.index, pd.RangeIndex) and df.index.start == 0
    assert set(df["split"]) <= {"train", "test", "predict"}
    for column in preset.inputs:
        assert df[column].dtype == np.float64
    # The generator's own defaults are the preset's params.
    pd.testing.assert_frame_equal(df, preset.make(**preset.params))


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_preset_prepares_with_its_suggested_settings(name):
    preset = PRESETS[name]
    df = load_preset(name)
    data = prepare(df, **preset.prepare_kwargs())
    n_train = int((df["split"] == "train").sum())
    assert data.X_train.shape == (n_train, len(preset.inputs))
    assert data.X_train.dtype == np.float64
    if preset.task == "multiclass":
        assert data.y_train.shape == (n_train, df[preset.targets[0]].nunique())
    else:
        assert data.y_train.shape == (n_train, len(preset.targets))
    low, high = OUTPUT_RANGES[preset.output_activation]
    assert np.all((data.y_train >= low) & (data.y_train <= high))


@pytest.mark.parametrize("name", RANDOM_PRESETS)
def test_random_preset_params_and_split_counts(name):
    preset = PRESETS[name]
    assert preset.params == {"n": 200, "noise": 0.1, "seed": 0, "train_ratio": 0.7}
    for n, ratio in [(200, 0.7), (57, 0.5), (10, 0.66), (10, 0.01), (1, 0.5), (33, 1.0)]:
        df = load_preset(name, n=n, train_ratio=ratio)
        assert len(df) == n
        n_train = max(1, round(n * ratio))
        assert (df["split"] == "train").sum() == n_train
        assert (df["split"] == "test").sum() == n - n_train


@pytest.mark.parametrize("name", RANDOM_PRESETS)
def test_random_preset_is_deterministic_per_seed(name):
    first = load_preset(name, seed=3)
    again = load_preset(name, seed=3)
    other = load_preset(name, seed=4)
    pd.testing.assert_frame_equal(first, again)
    assert not np.array_equal(
        first["x1" if "x1" in first else "x"], other["x1" if "x1" in other else "x"]
    )
    assert not first["split"].equals(other["split"])


@pytest.mark.parametrize("name", ["circle", "xor", "gaussian", "spiral", "moons"])
def test_binary_presets_have_both_labels_evenly(name):
    df = load_preset(name, n=201)
    assert df["label"].dtype == np.int64
    assert set(df["label"]) == {0, 1}
    if name not in ("circle", "xor"):  # their labels depend on the noisy position
        assert sorted(df["label"].value_counts().tolist()) == [100, 101]


def test_three_bits_is_the_seed_table():
    # The seed: "we will use only six rows and the rest of the rows will be test data".
    inputs = np.array([[0, 0, 0], [0, 0, 1], [0, 1, 0], [0, 1, 1], [1, 0, 0], [1, 0, 1]])
    output = np.array([[0], [1], [0], [1], [0], [1]])
    df = load_preset("three_bits")
    train = df[df["split"] == "train"]
    assert np.array_equal(train[["bit1", "bit2", "bit3"]].to_numpy(), inputs)
    assert np.array_equal(train[["output"]].to_numpy(), output)
    assert df["split"].tolist() == ["train"] * 6 + ["test"] * 2
    assert df[["bit1", "bit2", "bit3"]].iloc[6:].to_numpy().tolist() == [[1, 1, 0], [1, 1, 1]]
    assert np.array_equal(df["output"], df["bit3"])
    preset = PRESETS["three_bits"]
    assert (preset.output_activation, preset.loss, preset.hidden, preset.learning_rate) == (
        "sigmoid",
        "half_sse",
        (5,),
        1.0,
    )


def test_exam_scores_is_the_seed_table_and_scaling():
    df = load_preset("exam_scores")
    assert df["split"].tolist() == ["train", "train", "train", "predict"]
    assert math.isnan(df["test_score"].iloc[3])
    # The seed's own expressions:
    X = np.array(([2, 9], [1, 5], [3, 6]), dtype=float)
    y = np.array(([92], [86], [89]), dtype=float)
    X = X / np.amax(X, axis=0)
    y = y / 100
    preset = PRESETS["exam_scores"]
    assert (preset.scaling, preset.target_max, preset.hidden) == ("max", 100.0, (3,))
    data = prepare(
        df, ["hours_studied", "hours_slept"], "test_score", scaling="max", target_max=100
    )
    assert np.array_equal(data.X_train, X)
    assert np.array_equal(data.y_train, y)
    assert data.predict_index == [3] and data.train_index == [0, 1, 2] and data.test_index == []
    assert data.X_test.shape == (0, 2) and data.y_test.shape == (0, 1)
    assert np.array_equal(data.X_predict, [[4 / 3, 8 / 9]])
    assert np.array_equal(data.scaler.transform_X([[4, 8]]), [[4 / 3, 8 / 9]])
    assert np.array_equal(data.scaler.inverse_y([[0.92]]), [[92.0]])
    assert np.array_equal(data.scaler.inverse_y(data.y_train), [[92.0], [86.0], [89.0]])


def test_geometry_of_noise_free_playground_sets():
    circle = load_preset("circle", noise=0.0, n=400)
    r = np.hypot(circle["x1"], circle["x2"])
    assert np.array_equal(circle["label"], (r < 2.5).astype(int))
    assert r[circle["label"] == 0].min() >= 3.5 and r.max() <= 5

    xor = load_preset("xor", noise=0.0, n=400)
    assert np.array_equal(xor["label"], (xor["x1"] * xor["x2"] >= 0).astype(int))
    assert np.abs(xor[["x1", "x2"]].to_numpy()).min() >= 0.3

    gauss = load_preset("gaussian", n=2000)
    means = gauss.groupby("label")[["x1", "x2"]].mean()
    assert np.allclose(means.loc[1], [2, 2], atol=0.2)
    assert np.allclose(means.loc[0], [-2, -2], atol=0.2)

    spiral = load_preset("spiral", noise=0.0)
    assert np.hypot(spiral["x1"], spiral["x2"]).max() < 5

    moons = load_preset("moons", noise=0.0)
    upper = moons[moons["label"] == 0]
    lower = moons[moons["label"] == 1]
    assert np.allclose(np.hypot(upper["x1"], upper["x2"]), 1)
    assert np.allclose(np.hypot(lower["x1"] - 1, lower["x2"] - 0.5), 1)

    plane = load_preset("plane", noise=0.0)
    assert np.allclose(plane["y"], (plane["x1"] + plane["x2"]) / 10)
    assert plane[["x1", "x2"]].abs().to_numpy().max() <= 5

    sine = load_preset("sine", noise=0.0)
    assert np.array_equal(sine["y"], np.sin(sine["x"]))
    assert sine["x"].abs().max() <= 3


def test_blobs3_has_three_classes_for_softmax():
    df = load_preset("blobs3", n=301)
    assert list(df.columns) == ["x1", "x2", "class", "split"]
    assert sorted(df["class"].value_counts().tolist()) == [100, 100, 101]
    preset = PRESETS["blobs3"]
    assert (preset.task, preset.output_activation, preset.loss) == (
        "multiclass",
        "softmax",
        "cross_entropy",
    )


def test_noise_changes_the_random_sets():
    quiet = load_preset("plane", noise=0.0)
    noisy = load_preset("plane", noise=0.5)
    assert not np.allclose(noisy["y"], (noisy["x1"] + noisy["x2"]) / 10)
    assert np.allclose(quiet["y"], (quiet["x1"] + quiet["x2"]) / 10)


def test_unknown_preset_lists_the_names():
    with pytest.raises(KeyError) as info:
        load_preset("nope")
    message = str(info.value)
    assert "'nope'" in message and "'three_bits'" in message and "'spiral'" in message
    with pytest.raises(ValueError):
        load_preset("nope")
    assert isinstance(info.value, UnknownPresetError)
    assert load_preset(" XOR ").equals(load_preset("xor"))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"n": 0},
        {"n": MAX_ROWS + 1},
        {"noise": 0.6},
        {"train_ratio": 0.0},
        {"train_ratio": 1.5},
        {"size": 3},
    ],
)
def test_bad_generator_arguments(kwargs):
    with pytest.raises(ValueError):
        load_preset("circle", **kwargs)


def test_preset_without_parameters_rejects_kwargs():
    with pytest.raises(ValueError, match="'n'"):
        load_preset("three_bits", n=5)


# -------------------------------------------------------------- prepare: splits


def test_missing_split_column_means_all_train():
    df = small_table().drop(columns="split")
    data = prepare(df, ["a", "b"], "y")
    assert data.train_index == [10, 11, 12, 13]
    assert data.X_test.shape == (0, 2) and data.X_predict.shape == (0, 2)


def test_split_values_are_case_insensitive_and_empty_means_train():
    df = small_table()
    df["split"] = [" Train", "TRAIN", "Test ", None]
    data = prepare(df, ["a", "b"], "y")
    assert data.train_index == [10, 11, 13]
    assert data.test_index == [12]
    assert np.array_equal(data.X_test, [[3.0, 2.0]])


def test_split_rows_keep_table_order_and_all_rows():
    df = small_table()
    df["split"] = ["test", "train", "predict", "train"]
    data = prepare(df, ["a", "b"], "y", scaling="max")
    assert data.train_index == [11, 13] and data.test_index == [10]
    assert data.predict_index == [12]
    assert np.array_equal(data.X_all(), data.scaler.transform_X(df[["a", "b"]].to_numpy()))
    assert data.index == [10, 11, 12, 13]


def test_bad_split_value():
    df = small_table()
    df.loc[12, "split"] = "validation"
    message = error_message(df)
    assert message.startswith("Row 12, column 'split': 'validation' is not a split")
    assert "'train', 'test' or 'predict'" in message


def test_no_training_rows():
    df = small_table()
    df["split"] = ["test", "test", "predict", "predict"]
    message = error_message(df)
    assert "No row has split 'train'" in message
    assert "2 'test' and 2 'predict'" in message


def test_no_rows():
    message = error_message(small_table().iloc[0:0])
    assert message == "The table has no rows — add at least one training row."


def test_too_many_rows():
    n = MAX_ROWS + 1
    df = pd.DataFrame({"a": np.ones(n), "b": np.ones(n), "y": np.zeros(n)})
    message = error_message(df)
    assert f"{n} rows" in message and f"limit is {MAX_ROWS}" in message
    prepare(df.iloc[:MAX_ROWS], ["a", "b"], "y")  # exactly at the limit is fine


# ------------------------------------------------------------ prepare: cells


def test_non_numeric_cell():
    df = small_table()
    df["b"] = df["b"].astype(object)
    df.loc[11, "b"] = "abc"
    assert error_message(df) == "Row 11, column 'b': 'abc' is not a number."


def test_non_numeric_target_cell():
    df = small_table()
    df["y"] = df["y"].astype(object)
    df.loc[12, "y"] = "high"
    assert error_message(df) == "Row 12, column 'y': 'high' is not a number."


def test_numeric_strings_are_accepted():
    df = small_table()
    df["a"] = ["3.5", " 2 ", "1e1", "-4"]
    df["y"] = ["0.5", "0", " 1", ""]  # the predict row's target may be empty
    data = prepare(df, ["a", "b"], "y")
    assert np.array_equal(data.X_train[:, 0], [3.5, 2.0])
    assert np.array_equal(data.X_test, [[10.0, 2.0]])
    assert np.array_equal(data.X_predict, [[-4.0, 1.0]])
    assert np.array_equal(data.y_train, [[0.5], [0.0]])


@pytest.mark.parametrize("empty", [np.nan, None, "", "  "])
def test_empty_input_cell(empty):
    df = small_table().astype({"a": object})
    df.loc[13, "a"] = empty  # a predict row still needs its inputs
    message = error_message(df)
    assert message.startswith("Row 13, column 'a' is empty")
    assert "every row needs a number in each input column" in message


@pytest.mark.parametrize("empty", [np.nan, None, ""])
def test_empty_target_cell_in_a_training_row(empty):
    df = small_table().astype({"y": object})
    df.loc[11, "y"] = empty
    message = error_message(df)
    assert message.startswith("Row 11, column 'y' is empty")
    assert "'predict'" in message


def test_empty_target_in_a_predict_row_is_fine():
    df = small_table()
    df.loc[13, "y"] = np.nan
    data = prepare(df, ["a", "b"], "y")
    assert data.predict_index == [13]


@pytest.mark.parametrize(("value", "shown"), [(np.inf, "inf"), (-np.inf, "-inf"), ("inf", "inf")])
def test_infinite_cell(value, shown):
    df = small_table().astype({"a": object})
    df.loc[12, "a"] = value
    message = error_message(df)
    assert message.startswith(f"Row 12, column 'a': {shown} is not a finite number")


def test_first_bad_cell_in_table_order_is_reported():
    df = small_table().astype({"a": object, "b": object})
    df.loc[12, "a"] = "x"
    df.loc[11, "b"] = "y"
    assert error_message(df).startswith("Row 11, column 'b': 'y'")


def test_string_index_labels_are_used():
    df = small_table(index=["ann", "bob", "cy", "dee"]).astype({"b": object})
    df.loc["cy", "b"] = "?"
    assert error_message(df) == "Row cy, column 'b': '?' is not a number."


# --------------------------------------------------------- prepare: columns


def test_unknown_column():
    message = error_message(small_table(), inputs=("a", "c"))
    assert message.startswith("Column 'c' is not in the table")
    assert "'a', 'b', 'y', 'split'" in message


def test_column_both_input_and_target():
    message = error_message(small_table(), inputs=("a", "y"), targets=["y"])
    assert message.startswith("Column 'y' is both an input and a target")


def test_split_column_cannot_be_used():
    message = error_message(small_table(), inputs=("a", "split"))
    assert message.startswith("Column 'split' holds each row's split")


def test_duplicate_input():
    assert error_message(small_table(), inputs=("a", "a")) == (
        "Column 'a' is chosen twice as an input."
    )


def test_no_inputs_and_no_target():
    assert "at least one input column" in error_message(small_table(), inputs=())
    assert "No target column is chosen" in error_message(small_table(), targets=[])


def test_too_many_columns():
    n = MAX_COLUMNS  # inputs; plus one target is one too many
    df = pd.DataFrame({f"c{i}": [1.0, 2.0] for i in range(n + 1)})
    with pytest.raises(DataError) as info:
        prepare(df, [f"c{i}" for i in range(n)], f"c{n}")
    assert (
        str(info.value)
        == f"{n + 1} input and target columns are chosen; the limit is {MAX_COLUMNS}."
    )
    prepare(df, [f"c{i}" for i in range(n - 1)], f"c{n}", output_activation="linear")  # 32 is fine


def test_unknown_scaling_and_activation():
    assert "Unknown scaling 'log'" in error_message(small_table(), scaling="log")
    assert "'minmax'" in error_message(small_table(), scaling="log")
    assert "Unknown output activation 'step'" in error_message(
        small_table(), output_activation="step"
    )
    assert "positive number, not 0" in error_message(small_table(), scaling="max", target_max=0)


# ---------------------------------------------------------- prepare: ranges


def test_target_outside_sigmoid_range_suggests_scaling():
    df = load_preset("exam_scores")
    message = error_message(df, ["hours_studied", "hours_slept"], "test_score")
    assert message == (
        "Row 0, column 'test_score': 92 is outside the sigmoid output's range 0 … 1 — "
        "scale the target (scaling 'max' with target maximum 100) or use a linear output."
    )
    # The same table trains with a linear output.
    prepare(df, ["hours_studied", "hours_slept"], "test_score", output_activation="linear")


def test_target_outside_range_after_scaling():
    df = load_preset("exam_scores")
    message = error_message(
        df, ["hours_studied", "hours_slept"], "test_score", scaling="max", target_max=90
    )
    assert message.startswith("Row 0, column 'test_score': 92 (after scaling 'max': ")
    assert "range 0 … 1" in message and "target maximum 100" in message


def test_negative_target_for_sigmoid_suggests_minmax_and_tanh_bounds():
    df = small_table()
    df.loc[11, "y"] = -3.0
    message = error_message(df)
    assert message.startswith("Row 11, column 'y': -3 is outside the sigmoid output's range")
    assert "'minmax'" in message
    message = error_message(df, output_activation="tanh")
    assert "-3 is outside the tanh output's range -1 … 1" in message
    assert "target maximum 5" in message
    relu = error_message(df, output_activation="relu")
    assert "range 0 … ∞" in relu
    prepare(df, ["a", "b"], "y", output_activation="leaky_relu")


def test_targets_exactly_at_the_bounds_are_allowed():
    df = small_table()
    df["y"] = [0.0, 1.0, 1.0, np.nan]
    prepare(df, ["a", "b"], "y", output_activation="sigmoid")
    df["y"] = [-1.0, 1.0, -1.0, np.nan]
    prepare(df, ["a", "b"], "y", output_activation="tanh")


def test_test_rows_are_range_checked_too():
    df = small_table()
    df.loc[12, "y"] = 1.5
    assert error_message(df).startswith("Row 12, column 'y': 1.5 is outside")


def test_fitted_target_scaling_lets_a_test_value_pass_the_edge():
    df = small_table()  # training targets 0.1 and 0.2; the test row's 0.3 maps to 2
    data = prepare(df, ["a", "b"], "y", scaling="minmax")
    assert np.allclose(data.y_test, [[2.0]])
    df["split"] = ["train", "test", "train", "predict"]  # now 0.3 is a training row: fine
    prepare(df, ["a", "b"], "y", scaling="minmax")
    df.loc[11, "y"] = 0.05  # a training row can never be past the edge under minmax
    message = error_message(df, scaling="standard")
    assert message.startswith("Row 10, column 'y': 0.1 (after scaling 'standard': -1")
    assert "leave the target unscaled (target scaling 'none')" in message


def test_binary_labels_are_not_scaled_by_default():
    df = load_preset("xor")
    data = prepare(df, ["x1", "x2"], "label", scaling="standard")
    assert data.scaler.target_method == "none"
    assert set(np.unique(data.y_train)) == {0.0, 1.0}
    assert np.allclose(data.X_train.mean(axis=0), 0)


# ---------------------------------------------------------------- scaling


def test_all_zero_input_column_under_max_scaling():
    df = small_table()
    df["b"] = [0.0, 0.0, 5.0, 1.0]  # zero in every *training* row
    message = error_message(df, scaling="max")
    assert message.startswith("Column 'b' is 0 in every training row")
    assert "scaling 'max' would divide by 0" in message
    prepare(df, ["a", "b"], "y", scaling="minmax")  # other scalings cope


def test_max_scaling_uses_max_abs_of_training_rows():
    df = small_table()
    df["a"] = [-8.0, 2.0, 100.0, 50.0]
    data = prepare(df, ["a", "b"], "y", scaling="max", target_scaling="none")
    assert np.array_equal(data.scaler.divisor, [8.0, 0.5])
    assert np.array_equal(data.X_train[:, 0], [-1.0, 0.25])
    assert np.array_equal(data.X_test[:, 0], [12.5])


def test_minmax_statistics_on_training_rows():
    df = load_preset("plane", n=300, noise=0.3)
    data = prepare(df, ["x1", "x2"], "y", scaling="minmax", output_activation="sigmoid")
    assert np.allclose(data.X_train.min(axis=0), 0) and np.allclose(data.X_train.max(axis=0), 1)
    assert np.allclose(data.y_train.min(), 0) and np.allclose(data.y_train.max(), 1)
    train = df[df["split"] == "train"]
    assert np.allclose(data.scaler.offset, train[["x1", "x2"]].min())
    test = df[df["split"] == "test"][["x1", "x2"]].to_numpy()
    assert np.allclose(
        data.X_test,
        (test - train[["x1", "x2"]].min().to_numpy())
        / (train[["x1", "x2"]].max() - train[["x1", "x2"]].min()).to_numpy(),
    )


def test_standard_statistics_on_training_rows():
    df = load_preset("sine", n=300, noise=0.2)
    data = prepare(df, ["x"], "y", scaling="standard", output_activation="linear")
    assert np.allclose(data.X_train.mean(), 0) and np.allclose(data.X_train.std(), 1)
    assert np.allclose(data.y_train.mean(), 0) and np.allclose(data.y_train.std(), 1)
    train_x = df.loc[df["split"] == "train", "x"]
    assert np.isclose(data.scaler.offset[0], train_x.mean())
    assert not np.isclose(data.scaler.offset[0], df["x"].mean())  # fitted on train only


def test_constant_column_divides_by_one():
    df = small_table()
    df["b"] = [7.0, 7.0, 9.0, 7.0]
    data = prepare(df, ["a", "b"], "y", scaling="minmax")
    assert np.array_equal(data.X_train[:, 1], [0.0, 0.0])
    assert np.array_equal(data.X_test[:, 1], [2.0])
    data = prepare(df, ["a", "b"], "y", scaling="standard", output_activation="linear")
    assert data.scaler.divisor[1] == 1.0


@pytest.mark.parametrize("scaling", ["none", "max", "minmax", "standard"])
def test_inverse_of_scaled_targets_gives_the_users_numbers(scaling):
    df = load_preset("plane", noise=0.4)
    data = prepare(df, ["x1", "x2"], "y", scaling=scaling, output_activation="linear")
    train = df[df["split"] == "train"]
    assert np.allclose(data.scaler.inverse_y(data.y_train), train[["y"]], rtol=1e-12, atol=1e-12)
    assert np.allclose(
        data.scaler.inverse_X(data.X_train), train[["x1", "x2"]], rtol=1e-12, atol=1e-12
    )


@pytest.mark.parametrize("scaling", ["max", "minmax", "standard"])
def test_scaler_survives_json(scaling):
    df = load_preset("sine", noise=0.3)
    data = prepare(df, ["x"], "y", scaling=scaling, output_activation="linear")
    text = json.dumps(data.scaler.to_dict())
    restored = Scaler.from_dict(json.loads(text))
    assert restored == data.scaler
    X = df[["x"]].to_numpy()
    assert np.array_equal(restored.transform_X(X), data.scaler.transform_X(X))
    assert np.array_equal(restored.inverse_y(data.y_test), data.scaler.inverse_y(data.y_test))
    assert np.array_equal(restored.transform_y([[0.3]]), data.scaler.transform_y([[0.3]]))
    assert restored.method == scaling and restored.inputs == ["x"]


def test_scaler_rejects_the_wrong_width():
    scaler = Scaler.identity(2, 1)
    with pytest.raises(ValueError):
        scaler.transform_X([[1.0, 2.0, 3.0]])


# --------------------------------------------------------------- multiclass


def test_multiclass_one_hot_with_string_labels():
    df = pd.DataFrame(
        {
            "w": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
            "animal": ["dog", "cat", "emu", "cat", " dog ", None],
            "split": ["train", "train", "train", "test", "test", "predict"],
        }
    )
    data = prepare(df, ["w"], "animal", output_activation="softmax", scaling="none")
    assert data.classes == ["cat", "dog", "emu"]
    assert np.array_equal(data.y_train, [[0, 1, 0], [1, 0, 0], [0, 0, 1]])
    assert np.array_equal(data.y_test, [[1, 0, 0], [0, 1, 0]])
    assert data.X_predict.shape == (1, 1)
    restored = Scaler.from_dict(json.loads(json.dumps(data.scaler.to_dict())))
    assert np.array_equal(restored.encode_classes(["emu", "cat"]), [[0, 0, 1], [1, 0, 0]])


def test_multiclass_integer_labels_sorted_numerically():
    df = load_preset("blobs3")
    data = prepare(df, ["x1", "x2"], "class", output_activation="softmax", scaling="standard")
    assert data.classes == [0, 1, 2]
    labels = df.loc[df["split"] == "train", "class"].to_numpy()
    assert np.array_equal(data.y_train.argmax(axis=1), labels)
    assert np.array_equal(data.y_train.sum(axis=1), np.ones(len(labels)))
    df["class"] = df["class"].map({0: 2, 1: 10, 2: 1})
    data = prepare(df, ["x1", "x2"], "class", output_activation="softmax")
    assert data.classes == [1, 2, 10]


def test_multiclass_needs_one_target_and_two_classes():
    df = small_table()
    message = error_message(df, inputs=("a",), targets=["b", "y"], output_activation="softmax")
    assert "exactly one target column" in message and "'b', 'y'" in message
    df["y"] = ["x", "x", "x", None]
    message = error_message(df, output_activation="softmax")
    assert message.startswith("Column 'y' holds only one class ('x')")


def test_multiclass_empty_label():
    df = small_table().astype({"y": object})
    df["y"] = ["a", None, "b", None]
    message = error_message(df, output_activation="softmax")
    assert message.startswith("Row 11, column 'y' is empty")


# ------------------------------------------------------------- tables & CSV


def test_table_from_arrays_round_trip():
    X = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    y = np.array([0.0, 1.0, 0.5])
    df = table_from_arrays(X, y, ["p", "q"], "r", split=["train", "train", "test"])
    assert list(df.columns) == ["p", "q", "r", "split"]
    data = prepare(df, ["p", "q"], ["r"])
    assert np.array_equal(data.X_train, X[:2]) and np.array_equal(data.y_test, [[0.5]])
    assert table_from_arrays(X, y, ["p", "q"], "r")["split"].tolist() == ["train"] * 3
    with pytest.raises(ValueError):
        table_from_arrays(X, y, ["p"], "r")


@pytest.mark.parametrize("name", ["exam_scores", "three_bits", "blobs3", "sine"])
def test_csv_round_trip(name):
    df = load_preset(name)
    content = to_csv_bytes(df)
    assert isinstance(content, bytes)
    back = read_csv_table(content)
    pd.testing.assert_frame_equal(back, df, check_dtype=False)
    assert np.array_equal(
        back.select_dtypes("number").to_numpy(),
        df.select_dtypes("number").to_numpy(),
        equal_nan=True,
    )
    pd.testing.assert_frame_equal(read_csv_table(io.BytesIO(content)), back)


def test_csv_from_path_semicolons_and_bom(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("\ufeff a ; b ;split\n1,5;2;train\n3;4;test\n".encode())
    df = read_csv_table(path)
    assert list(df.columns) == ["a", "b", "split"]
    assert df["b"].tolist() == [2, 4]
    assert df["a"].tolist() == ["1,5", "3"]
    message = error_message(df, inputs=["a"], targets="b", output_activation="linear")
    assert message == (
        "Row 0, column 'a': '1,5' is not a number — write decimals with a point, like 1.5."
    )


def test_csv_errors():
    with pytest.raises(DataError, match="empty"):
        read_csv_table(b"")
    with pytest.raises(DataError, match="empty"):
        read_csv_table(b"  \n\n")
    with pytest.raises(DataError, match="not a text CSV"):
        read_csv_table(b"PK\x03\x04\x00\x00binary")
    with pytest.raises(DataError, match="could not be read"):
        read_csv_table(b'a,b\n1,"2\n')
    rows = b"a,b\n" + b"1,2\n" * (MAX_ROWS + 1)
    with pytest.raises(DataError, match=f"more than {MAX_ROWS} rows; the limit is {MAX_ROWS}"):
        read_csv_table(rows)
    wide = ",".join(f"c{i}" for i in range(MAX_TABLE_COLUMNS + 1)).encode() + b"\n"
    with pytest.raises(DataError, match=f"{MAX_TABLE_COLUMNS + 1} columns"):
        read_csv_table(wide + b",".join([b"1"] * (MAX_TABLE_COLUMNS + 1)))


def test_csv_with_text_cell_reaches_prepare_as_a_clear_error():
    df = read_csv_table(b"a,b,y\n1,2,0.5\n3,abc,0.2\n")
    with pytest.raises(DataError, match=r"^Row 1, column 'b': 'abc' is not a number\.$"):
        prepare(df, ["a", "b"], "y")
