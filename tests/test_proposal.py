"""The setup proposed for a loaded table: what it picks, why, and that it learns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nnviz import Network, Trainer
from nnviz.app.settings import MAX_NEURONS, SETTINGS, Settings
from nnviz.data import DataError, load_preset, prepare, propose_setup
from nnviz.data.proposal import BATCH_ROWS, MAX_PROPOSED_NEURONS, PROPOSED_L2


def species_table(n: int = 60, seed: int = 0) -> pd.DataFrame:
    """Three species told apart by two measurements, an id column and a text column."""
    rng = np.random.default_rng(seed)
    kind = np.arange(n) % 3
    return pd.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "length": 1.0 + 2.0 * kind + rng.normal(0, 0.3, n),
            "width": 0.5 + kind + rng.normal(0, 0.2, n),
            "site": np.where(kind == 0, "north", "south"),
            "species": np.array(["ash", "birch", "cedar"])[kind],
        }
    )


def train(table: pd.DataFrame, steps: int = 1000) -> tuple[float, object]:
    """The proposal, as the app applies it, trained: the test accuracy (or R²)."""
    s = propose_setup(table).settings
    data = prepare(
        table,
        list(s["inputs"]),
        list(s["targets"]),
        scaling=s["scaling"],
        output_activation=s["output_activation"],
        task=s["problem"],
        gaps=s["gaps"],
        train_share=s["train_ratio"],
    )
    net = Network(
        [data.n_inputs, *s["hidden"], data.n_outputs],
        activation=s["activation"],
        output_activation=s["output_activation"],
        bias=s["bias"],
        init=s["init"],
        seed=0,
    )
    trainer = Trainer(
        net,
        data.X_train,
        data.y_train,
        loss=s["loss"],
        optimizer=s["optimizer"],
        learning_rate=s["learning_rate"],
        batch_size=s["batch_size"],
        l2=s["l2"],
        seed=0,
    )
    trainer.run(steps)
    if s["problem"] == "classification":
        return trainer.accuracy(data.X_test, data.y_test), data
    pred, truth = net.forward(data.X_test), data.y_test
    mean = data.y_train.mean(axis=0)
    return 1 - float(np.sum((pred - truth) ** 2) / np.sum((mean - truth) ** 2)), data


def test_a_careful_setup_for_a_table_of_names():
    p = propose_setup(species_table())
    s = p.settings
    assert s["targets"] == ("species",)  # named like a target
    assert s["inputs"] == ("length", "width", "site")  # the row number is left out
    assert (s["problem"], s["output_activation"], s["loss"]) == (
        "classification",
        "softmax",
        "cross_entropy",
    )
    assert (s["scaling"], s["bias"], s["activation"], s["init"]) == (
        "standard",
        True,
        "tanh",
        "xavier",
    )
    assert (s["optimizer"], s["learning_rate"], s["batch_size"]) == ("adam", 0.01, None)
    assert s["hidden"] == (8,)  # twice the 4 inputs (length, width, site=north, site=south)
    assert s["train_ratio"] == 0.8 and s["gaps"] == "drop" and s["l2"] == PROPOSED_L2
    words = p.words()
    assert "3 names (ash, birch, cedar)" in words
    assert "Left out 'id': it counts the rows" in words
    assert "Column 'site' holds text: one input per value" in words
    assert "no split column — 80 % of the rows train" in words
    assert "Adam with learning rate 0.01" in words


def test_the_proposal_is_a_pure_function_of_the_table():
    a, b = propose_setup(species_table()), propose_setup(species_table())
    assert a.settings == b.settings and a.choices == b.choices


def test_the_proposed_settings_are_valid_settings_of_the_app():
    names = {s.name for s in SETTINGS}
    for table in (species_table(), load_preset("digits"), load_preset("sine")):
        s = propose_setup(table).settings
        known = {k: v for k, v in s.items() if k in names}
        Settings(**{**known, "dataset": "custom"}).check()
        assert set(s) - names <= {"problem", "gaps"}  # the settings the app has yet to show
    assert MAX_PROPOSED_NEURONS <= MAX_NEURONS


def test_two_classes_one_sigmoid_output_and_the_last_column_as_target():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(40, 2))
    df = pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "outcome?": np.where(x.sum(1) > 0, "y", "n")})
    s = propose_setup(df).settings
    assert s["targets"] == ("outcome?",) and s["inputs"] == ("a", "b")
    assert (s["output_activation"], s["loss"]) == ("sigmoid", "bce")


def test_a_regression_target_gets_a_linear_output_and_standard_scaling():
    s = propose_setup(load_preset("sine").drop(columns="split")).settings
    assert (s["problem"], s["output_activation"], s["loss"]) == ("regression", "linear", "mse")


def test_a_table_with_its_own_split_keeps_it():
    p = propose_setup(load_preset("circle"))
    assert p.settings["train_ratio"] is None and "the table's own split" in p.words()


def test_a_large_table_trains_in_mini_batches_and_images_are_seen():
    p = propose_setup(load_preset("digits", n=2000))
    assert p.settings["batch_size"] == BATCH_ROWS
    assert p.image is not None and p.image.side == 8
    assert "pixels of a 8×8 image" in p.words()
    assert p.settings["hidden"] == (MAX_PROPOSED_NEURONS,)


def test_many_gaps_are_filled_rather_than_left_out():
    df = species_table()
    df.loc[::2, "width"] = np.nan  # half the rows
    df.loc[1, "length"] = np.nan
    p = propose_setup(df)
    assert p.settings["gaps"] == "mean" and "too many to leave out" in p.words()
    df = species_table()
    df.loc[3, "width"] = np.nan
    p = propose_setup(df)
    assert p.settings["gaps"] == "drop" and "1 of 60 rows have empty cells" in p.words()


@pytest.mark.parametrize(
    "table, least",
    [
        (species_table(90), 0.9),
        (load_preset("blobs3").drop(columns="split"), 0.85),
        (load_preset("digits", n=600).drop(columns="split"), 0.85),
    ],
)
def test_the_proposed_setup_learns_in_a_thousand_steps(table, least):
    accuracy, data = train(table)
    assert accuracy >= least, (accuracy, data.notes)


def test_the_proposed_setup_beats_the_mean_on_a_regression():
    r2, _ = train(load_preset("sine", n=300).drop(columns="split"))
    assert r2 > 0.8


def test_nothing_to_learn_is_refused():
    with pytest.raises(DataError, match="No column can be an input"):
        propose_setup(pd.DataFrame({"id": [1, 2, 3], "y": [0, 1, 0]}))
