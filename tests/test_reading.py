"""Tables as people bring them: class names and codes, text columns, gaps, no split.

Each rule on a small table written here: how a target and an input column are read
(:func:`read_target`, :func:`read_input_column`), and what :func:`prepare` makes of
them — classes, one-hot inputs, rows with gaps left out or filled, a split drawn for
a table without one — deterministically, with notes that say so; and bad input still
refused with a message naming the row, the column and the value.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from nnviz.data import (
    DataError,
    Scaler,
    assign_split,
    prepare,
    read_input_column,
    read_target,
)
from nnviz.data.limits import MAX_CATEGORIES, MAX_CLASS_CODES


def flowers() -> pd.DataFrame:
    """Eight flowers: two measurements, a colour (text) and the species by name."""
    return pd.DataFrame(
        {
            "petal": [1.4, 1.3, 4.7, 4.5, 6.0, 5.1, 1.5, 4.9],
            "width": [0.2, 0.2, 1.4, 1.5, 2.5, 1.9, 0.1, 1.5],
            "colour": ["white", "white", "blue", "blue", "purple", "purple", "white", "blue"],
            "species": [
                "setosa",
                "setosa",
                "versicolor",
                "versicolor",
                "virginica",
                "virginica",
                "setosa",
                "versicolor",
            ],
        }
    )


# ----------------------------------------------------------------------------- the target


def test_names_are_classes_and_three_of_them_ask_for_softmax():
    r = read_target(flowers(), "species")
    assert (r.task, r.kind, r.classes) == (
        "classification",
        "names",
        ("setosa", "versicolor", "virginica"),
    )
    assert (r.output_activation, r.loss) == ("softmax", "cross_entropy")
    assert "3 names" in r.why and "softmax" in r.why


def test_two_names_ask_for_one_sigmoid_output_with_binary_cross_entropy():
    df = pd.DataFrame({"x": [1, 2, 3, 4], "diagnosis": ["M", "B", "B", "M"]})
    r = read_target(df, "diagnosis")
    assert r.classes == ("B", "M") and r.binary
    assert (r.output_activation, r.loss) == ("sigmoid", "bce")
    assert "probability of 'M'" in r.why


def test_a_few_whole_numbers_are_class_codes():
    df = pd.DataFrame({"x": range(9), "class": [0, 1, 2, 0, 1, 2, 0, 1, 2]})
    r = read_target(df, "class")
    assert (r.task, r.kind, r.classes, r.output_activation) == (
        "classification",
        "codes",
        (0, 1, 2),
        "softmax",
    )
    df["class"] = [1, 2, 1, 2, 1, 2, 1, 2, 1]  # two codes: one sigmoid output
    assert read_target(df, "class").output_activation == "sigmoid"


def test_many_numbers_are_a_regression():
    df = pd.DataFrame({"x": range(30), "price": np.linspace(100.5, 300.5, 30)})
    r = read_target(df, "price")
    assert (r.task, r.kind, r.classes) == ("regression", "numbers", ())
    assert (r.output_activation, r.loss) == ("linear", "mse")
    assert "standardised" in r.why


def test_whole_numbers_are_codes_only_when_few_and_repeated():
    n = MAX_CLASS_CODES + 1
    many = pd.DataFrame({"x": range(2 * n), "y": list(range(n)) * 2})
    r = read_target(many, "y")
    assert r.task == "regression" and f"more than {MAX_CLASS_CODES}" in r.why
    # the seed's exam scores: three whole numbers, each seen once — scores, not classes
    scores = pd.DataFrame({"x": [1, 2, 3], "score": [92, 86, 89]})
    assert read_target(scores, "score").task == "regression"


def test_the_target_is_read_from_the_rows_that_are_not_predicted():
    df = pd.DataFrame(
        {
            "x": range(6),
            "y": ["a", "b", "a", "b", None, "c"],
            "split": ["train", "train", "test", "test", "train", "predict"],
        }
    )
    assert read_target(df, "y").classes == ("a", "b")  # 'c' is only in a predict row


def test_a_target_of_one_class_or_no_value_is_refused():
    with pytest.raises(DataError, match="^Column 'y' holds one name only \\('a'\\)"):
        read_target(pd.DataFrame({"y": ["a", "a", None]}), "y")
    with pytest.raises(DataError, match="^Column 'y' has no values"):
        read_target(pd.DataFrame({"y": [None, np.nan]}), "y")


# ------------------------------------------------------------------------- input columns


def test_an_input_column_of_a_few_texts_gives_one_input_per_value():
    c = read_input_column(flowers()["colour"])
    assert c.kind == "categories" and c.categories == ("blue", "purple", "white")
    assert c.nodes == ["colour=blue", "colour=purple", "colour=white"]
    assert "one input per value" in c.why


def test_an_input_column_of_many_texts_is_left_out():
    names = pd.Series([f"flower {k}" for k in range(MAX_CATEGORIES + 1)], name="name")
    c = read_input_column(names)
    assert c.kind == "left_out" and c.nodes == []
    assert c.why.startswith(f"Column 'name' holds {MAX_CATEGORIES + 1} different texts")


def test_numbers_with_a_typo_are_still_numbers():
    column = pd.Series([1.0, "abc", 3.0, 4.0], name="b", dtype=object)
    assert read_input_column(column).kind == "number"


def test_a_text_input_column_is_one_hot_and_unscaled():
    df = flowers()
    data = prepare(
        df,
        ["petal", "colour"],
        "species",
        scaling="standard",
        output_activation="softmax",
    )
    assert data.inputs == ["petal", "colour=blue", "colour=purple", "colour=white"]
    assert data.columns == ["petal", "colour"]
    assert data.raw_inputs == ["petal", "colour"]
    assert data.categories == {"colour": ["blue", "purple", "white"]}
    onehot = data.X_train[:, 1:]
    assert np.array_equal(onehot, [[0, 0, 1], [0, 0, 1], [1, 0, 0], [1, 0, 0],
                                   [0, 1, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]])  # fmt: skip
    assert abs(data.X_train[:, 0].mean()) < 1e-12  # the numbers are standardised
    assert any("'colour' holds text" in n for n in data.notes)
    # new rows in the user's units, text and all, are encoded the same way
    x = data.scaler.transform_X([[4.7, "blue"], [1.4, "white"]])
    assert np.allclose(x, data.X_train[[2, 0]])
    with pytest.raises(DataError, match=r"^Row 0, column 'colour': 'red' is not one of its values"):
        data.scaler.transform_X([[1.0, "red"]])


def test_a_text_column_of_many_values_is_left_out_with_a_note():
    df = flowers()
    df["name"] = [f"plant {k}" for k in range(len(df) - 1)] + ["plant 0"]
    df.loc[len(df)] = [1.0, 0.1, "white", "setosa", "plant x"]
    for k in range(MAX_CATEGORIES):
        df.loc[len(df)] = [1.0 + k, 0.1, "white", "setosa", f"extra {k}"]
    data = prepare(df, ["petal", "name"], "species", output_activation="softmax")
    assert data.inputs == ["petal"]
    assert any(n.startswith("Column 'name' holds") and "left out" in n for n in data.notes)
    with pytest.raises(DataError, match="^No input column is left"):
        prepare(df, ["name"], "species", output_activation="softmax")


def test_a_feature_cannot_use_a_text_column():
    with pytest.raises(DataError, match="uses column 'colour', which holds text"):
        prepare(
            flowers(),
            ["petal", "colour"],
            "species",
            output_activation="softmax",
            features=["colour*2"],
        )


# ---------------------------------------------------------------------- class targets


def test_class_names_with_one_sigmoid_output_are_0_and_1():
    df = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0, 5.0], "diagnosis": ["M", "B", "B", "M", "B"]})
    data = prepare(df, ["x"], "diagnosis", task="classification", output_activation="sigmoid")
    assert data.classes == ["B", "M"]
    assert data.y_train.ravel().tolist() == [1, 0, 0, 1, 0]
    data = prepare(df, ["x"], "diagnosis", task="classification", output_activation="tanh")
    assert data.y_train.ravel().tolist() == [1, -1, -1, 1, -1]  # the ends of tanh's range
    restored = Scaler.from_dict(json.loads(json.dumps(data.scaler.to_dict())))
    assert restored.classes == ["B", "M"]


def test_class_codes_can_be_read_as_classes_or_as_numbers():
    df = pd.DataFrame({"x": [0.1, 0.5, 0.9, 0.2, 0.6, 1.0], "class": [0, 1, 2, 0, 1, 2]})
    data = prepare(df, ["x"], "class", task="classification", output_activation="softmax")
    assert data.classes == [0, 1, 2] and data.n_outputs == 3
    data = prepare(df, ["x"], "class", task="regression", output_activation="linear")
    assert data.classes is None and data.y_train.ravel().tolist() == [0, 1, 2, 0, 1, 2]


def test_three_classes_with_one_sigmoid_output_are_refused_with_what_to_do():
    with pytest.raises(DataError) as info:
        prepare(flowers(), ["petal"], "species", task="classification")
    assert str(info.value).startswith("Column 'species' holds 3 classes")
    assert "use a softmax output" in str(info.value)


def test_names_as_a_regression_target_are_named_as_not_numbers():
    with pytest.raises(DataError, match=r"^Row 0, column 'species': 'setosa' is not a number"):
        prepare(flowers(), ["petal"], "species", task="regression", output_activation="linear")
    with pytest.raises(DataError, match="a regression needs a linear output"):
        prepare(flowers(), ["petal"], "species", task="regression", output_activation="softmax")
    with pytest.raises(DataError, match="cannot tell classes apart"):
        prepare(flowers(), ["petal"], "species", task="classification", output_activation="linear")
    with pytest.raises(DataError, match="Unknown task 'sorting'"):
        prepare(flowers(), ["petal"], "species", task="sorting")


# --------------------------------------------------------------------------------- gaps


def gappy() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "a": [1.0, np.nan, 3.0, 4.0, 5.0, 6.0],
            "b": [10.0, 20.0, 30.0, None, 50.0, 60.0],
            "y": [0.0, 1.0, 0.0, 1.0, np.nan, 1.0],
            "split": ["train", "train", "train", "test", "train", "predict"],
        }
    )


def test_gaps_are_refused_by_default_naming_the_first_one():
    with pytest.raises(DataError, match="^Row 1, column 'a' is empty"):
        prepare(gappy(), ["a", "b"], "y")


def test_rows_with_gaps_can_be_left_out_with_a_note_saying_how_many():
    data = prepare(gappy(), ["a", "b"], "y", gaps="drop")
    assert data.left_out == [1, 3, 4]
    assert data.train_index == [0, 2] and data.test_index == [] and data.predict_index == [5]
    assert data.index == [0, 2, 5] and data.X_all().shape == (3, 2)
    (note,) = data.notes
    assert note.startswith("3 rows with empty cells are left out (2 train, 1 test: rows 1, 3, 4)")


def test_gaps_can_be_filled_with_the_training_mean():
    data = prepare(gappy(), ["a", "b"], "y", gaps="mean")
    # row 4 has no target: left out; the means are over the training rows 0, 1, 2 that have
    # a value: a = (1 + 3) / 2, b = (10 + 20 + 30) / 3
    assert data.left_out == [4]
    assert data.scaler.fill == [2.0, 20.0]
    assert data.X_train.tolist() == [[1.0, 10.0], [2.0, 20.0], [3.0, 30.0]]
    assert data.X_test.tolist() == [[4.0, 20.0]]
    assert any(
        n.startswith("2 empty input cells filled with their column's mean") for n in data.notes
    )
    assert any(n.startswith("1 row without a target is left out") for n in data.notes)
    # the fill travels with the scaler: a new row with a gap is filled the same way
    restored = Scaler.from_dict(json.loads(json.dumps(data.scaler.to_dict())))
    assert restored.transform_X([[None, 40.0]]).tolist() == [[2.0, 40.0]]


def test_a_gap_in_a_text_column_is_filled_with_each_values_share():
    df = flowers()
    df.loc[7, "colour"] = None
    data = prepare(df, ["petal", "colour"], "species", output_activation="softmax", gaps="mean")
    # seven training rows have a colour: 2 blue, 2 purple, 3 white
    assert np.allclose(data.X_train[7, 1:], [2 / 7, 2 / 7, 3 / 7])


def test_a_column_empty_in_every_training_row_cannot_be_filled():
    df = gappy()
    df["a"] = [np.nan, np.nan, np.nan, 4.0, np.nan, 6.0]
    with pytest.raises(DataError, match="^Column 'a' is empty in every training row"):
        prepare(df, ["a", "b"], "y", gaps="mean")
    with pytest.raises(DataError, match="^Every training row has an empty cell"):
        prepare(df, ["a", "b"], "y", gaps="drop")


def test_bad_cells_are_refused_whatever_the_gaps_rule():
    df = gappy().astype({"b": object})
    df.loc[2, "b"] = "thirty"
    for gaps in ("drop", "mean"):
        with pytest.raises(DataError, match="^Row 2, column 'b': 'thirty' is not a number"):
            prepare(df, ["a", "b"], "y", gaps=gaps)
    with pytest.raises(DataError, match="^Row 1, column 'a' is empty"):  # the first in order
        prepare(df, ["a", "b"], "y")


# -------------------------------------------------------------------------------- split


def test_a_table_without_a_split_gets_one_stratified_by_class():
    df = pd.DataFrame({"x": np.arange(20.0), "y": ["a"] * 10 + ["b"] * 10})
    data = prepare(
        df, ["x"], "y", task="classification", output_activation="sigmoid", train_share=0.8
    )
    assert len(data.train_index) == 16 and len(data.test_index) == 4
    test_labels = df.loc[data.test_index, "y"].tolist()
    assert test_labels.count("a") == test_labels.count("b") == 2  # 80 % of each class
    assert any(n.startswith("16 train rows and 4 test rows (80 %") for n in data.notes)
    again = prepare(
        df, ["x"], "y", task="classification", output_activation="sigmoid", train_share=0.8
    )
    assert again.test_index == data.test_index  # seeded: the same split every time
    other = prepare(
        df,
        ["x"],
        "y",
        task="classification",
        output_activation="sigmoid",
        train_share=0.8,
        split_seed=1,
    )
    assert other.test_index != data.test_index


def test_rows_marked_by_hand_keep_their_mark():
    df = pd.DataFrame(
        {
            "x": np.arange(10.0),
            "y": np.arange(10.0) / 10,
            "split": ["test", "predict", None, None, None, None, None, None, None, "train"],
        }
    )
    data = prepare(df, ["x"], "y", train_share=0.5)
    assert 0 in data.test_index and 1 in data.predict_index and 9 in data.train_index
    # of the seven rows without a mark, round(3.5) = 4 train and 3 test
    assert len(data.train_index) == 1 + 4 and len(data.test_index) == 1 + 3
    assert prepare(df, ["x"], "y").train_index == [2, 3, 4, 5, 6, 7, 8, 9]  # no share: train


def test_assign_split_moves_few_rows_when_one_is_marked():
    marks = [""] * 40
    first = assign_split(marks, 0.75, seed=3)
    marks[5] = "test"
    second = assign_split(marks, 0.75, seed=3)
    assert sum(first == "train") == 30 and second[5] == "test"
    assert sum(first != second) <= 3


def test_a_train_share_out_of_range_is_refused():
    with pytest.raises(DataError, match="train share must be above 0"):
        prepare(gappy(), ["a"], "y", gaps="drop", train_share=1.5)


def test_prepare_is_deterministic():
    df = flowers()
    kwargs = dict(
        scaling="standard",
        output_activation="softmax",
        task="classification",
        gaps="mean",
        train_share=0.75,
    )
    a = prepare(df, ["petal", "width", "colour"], "species", **kwargs)
    b = prepare(df.copy(), ["petal", "width", "colour"], "species", **kwargs)
    assert np.array_equal(a.X_train, b.X_train) and np.array_equal(a.y_test, b.y_test)
    assert a.scaler == b.scaler and a.notes == b.notes


def test_rows_still_being_filled_in_are_found_in_a_large_table():
    from nnviz.app.edits import draft_rows

    df = pd.DataFrame({"a": np.arange(20_000.0), "b": ["x"] * 20_000, "y": np.ones(20_000)})
    df.loc[[5, 19_999], ["a", "y"]] = np.nan
    df["b"] = df["b"].astype(object)
    df.loc[[5, 19_999], "b"] = [None, "  "]
    df.loc[7, "a"] = np.nan  # one empty cell is a gap, not a row being filled in
    assert draft_rows(df, ["a", "b", "y"]) == [5, 19_999]
