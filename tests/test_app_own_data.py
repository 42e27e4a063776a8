"""The app with a person's own table: an upload gets a setup that learns, said in one note
with its Undo; class names, text columns, gaps and a table without a split; a refused
upload's reason stays; small images shown as pictures."""

from __future__ import annotations

import numpy as np
import pandas as pd
from conftest import (
    chart_keys,
    click,
    errors,
    explorer,
    infos,
    metric,
    open_tab,
    run,
    step_n,
    warnings,
)


def csv_of(table: pd.DataFrame) -> bytes:
    return table.to_csv(index=False).encode()


def flowers(n: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    kind = np.arange(n) % 3
    return pd.DataFrame(
        {
            "petal_length": 1.5 + 2.6 * kind + rng.normal(0, 0.4, n),
            "petal_width": 0.25 + 0.9 * kind + rng.normal(0, 0.2, n),
            "colour": np.where(kind == 0, "white", "blue"),
            "species": np.array(["setosa", "versicolor", "virginica"])[kind],
        }
    )


def upload(at, table: pd.DataFrame, name: str = "flowers.csv"):
    """Upload a table as a person does, into the uploader the page shows now (each upload
    read gives the next one a new key, so that it starts empty)."""
    done = at.session_state.get("_upload_csv_uploads", 0)
    key = "upload_csv" if not done else f"upload_csv_{done}"
    return run(at.file_uploader(key=key).set_value((name, csv_of(table), "text/csv")))


def setup_notes(at) -> list[str]:
    return [t for t in infos(at) if "A setup for your table" in t]


def test_an_upload_gets_a_setup_that_learns_with_one_note_and_undo(at):
    before = explorer(at).settings
    upload(at, flowers())
    ex = explorer(at)
    s = ex.settings
    assert (s.dataset, s.problem, s.output_activation, s.loss) == (
        "custom",
        "classification",
        "softmax",
        "cross_entropy",
    )
    assert (s.scaling, s.optimizer, s.learning_rate, s.bias, s.init) == (
        "standard",
        "adam",
        0.01,
        True,
        "xavier",
    )
    assert s.inputs == ("petal_length", "petal_width", "colour") and s.targets == ("species",)
    assert ex.data.inputs[-2:] == ["colour=blue", "colour=white"]  # the text column, one-hot
    assert len(ex.data.test_index) == 12 and s.train_ratio == 0.8  # a split drawn for it
    (note,) = setup_notes(at)
    assert "Loaded 60 rows from flowers.csv" in note and "3 names" in note
    assert "Adam with learning rate 0.01" in note and "80 % of the rows train" in note
    step_n(at, 1000)
    assert metric(at, "Test acc.").endswith("%")
    assert float(metric(at, "Test acc.").rstrip("%")) >= 90
    # Undo: the settings before, the table kept (its columns too); they cannot read names
    click(at, "undo_setup")
    assert setup_notes(at) == []
    assert at.session_state["optimizer"] == before.optimizer
    assert at.session_state["output_activation"] == before.output_activation
    assert list(at.session_state["inputs"]) == ["petal_length", "petal_width", "colour"]
    assert any("'setosa' is not a number" in e for e in errors(at))


def test_keep_hides_the_note_and_keeps_the_setup(at):
    upload(at, flowers())
    click(at, "keep_setup")
    assert setup_notes(at) == [] and explorer(at).settings.optimizer == "adam"


def test_two_class_names_give_one_sigmoid_output(at):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(80, 3))
    table = pd.DataFrame(x, columns=["a", "b", "c"])
    table.insert(0, "diagnosis", np.where(x[:, 0] + x[:, 1] > 0, "M", "B"))
    upload(at, table, "cells.csv")
    ex = explorer(at)
    assert (ex.settings.output_activation, ex.settings.loss) == ("sigmoid", "bce")
    assert ex.settings.targets == ("diagnosis",) and ex.data.classes == ["B", "M"]
    step_n(at, 100)
    assert ex.task == "binary"
    shown = ex.predictions()
    assert set(shown["prediction"]) <= {"B", "M"} and set(shown["correct"]) <= {"✓", "✗"}


def test_the_problem_type_can_be_switched(at):
    table = pd.DataFrame({"x": np.linspace(0, 1, 40), "grade": [1, 2, 3, 4] * 10})
    upload(at, table, "grades.csv")
    assert explorer(at).settings.problem == "classification"  # four codes
    at.selectbox(key="problem").set_value("regression")
    at.selectbox(key="output_activation").set_value("linear")
    at.selectbox(key="loss").set_value("mse")
    run(at)
    ex = explorer(at)
    assert ex.settings.problem == "regression" and ex.data.classes is None
    assert metric(at, "RMSE test") != ""


def test_gaps_are_left_out_or_filled(at):
    table = flowers()
    table.loc[[3, 10, 20], "petal_width"] = np.nan
    upload(at, table, "gaps.csv")
    ex = explorer(at)
    assert ex.settings.gaps == "drop" and ex.data.left_out == [3, 10, 20]
    assert any("3 rows with empty cells are left out" in n for n in ex.data.notes)
    at.selectbox(key="gaps").set_value("mean")
    run(at)
    ex = explorer(at)
    assert ex.data.left_out == [] and ex.data.scaler.fill is not None


def test_a_refused_upload_says_why_until_the_next_one(at):
    wide = pd.DataFrame({f"c{k}": [1.0, 2.0] for k in range(70)})
    upload(at, wide, "wide.csv")
    (message,) = [w for w in warnings(at) if "wide.csv" in w]
    assert "The file has 70 columns; the limit is 66" in message
    click(at, "step")  # still said after another click
    assert any("wide.csv" in w for w in warnings(at))
    upload(at, flowers())
    assert not any("wide.csv" in w for w in warnings(at))


def test_a_pasted_table_is_taken_like_an_upload(at):
    at.text_area(key="paste_csv").set_value(csv_of(flowers(30)).decode())
    click(at, "use_paste")
    assert explorer(at).settings.targets == ("species",)
    assert any("the pasted text" in t for t in setup_notes(at))


def test_small_images_are_shown_as_pictures(at):
    at.selectbox(key="dataset").set_value("digits")
    run(at)
    assert "images_chart" in chart_keys(at)  # test images in place of the plane
    open_tab(at, "Weights")
    assert "weight_images_chart" in chart_keys(at)
    assert any("first hidden layer" in c.value for c in at.caption)
