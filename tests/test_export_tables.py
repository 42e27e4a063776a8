"""A model of a table as people bring it travels whole: text columns (one input per
value), the gaps' fill values and two class names by one output — in every model file
and in the standalone script, which predicts exactly what the network does."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import nnviz
from nnviz import export as ex
from nnviz.data import prepare


def penguins() -> pd.DataFrame:
    """Twelve penguins: two measurements (one with a gap), the island (text, one gap)
    and the species by name (two of them)."""
    return pd.DataFrame(
        {
            "bill": [39.1, 39.5, 40.3, np.nan, 46.5, 50.0, 45.2, 49.5, 38.6, 47.6, 46.1, 44.0],
            "island": [
                "Dream",
                "Dream",
                "Biscoe",
                "Dream",
                "Biscoe",
                "Biscoe",
                "Torgersen",
                "Biscoe",
                None,
                "Dream",
                "Torgersen",
                "Biscoe",
            ],  # fmt: skip
            "mass": [3750, 3800, 3250, 3450, 4500, 5700, 4200, 5400, 3800, 5600, 4500, 4800],
            "species": ["Adelie"] * 4 + ["Gentoo"] * 4 + ["Adelie"] + ["Gentoo"] * 3,
        }
    )


def _trained(output_activation: str = "sigmoid"):
    data = prepare(
        penguins(),
        ["bill", "island", "mass"],
        "species",
        scaling="standard",
        output_activation=output_activation,
        task="classification",
        gaps="mean",
        features=["bill*mass"],
    )
    net = nnviz.Network(
        [data.n_inputs, 4, data.n_outputs],
        activation="tanh",
        output_activation=output_activation,
        seed=3,
    )
    loss = "bce" if output_activation == "sigmoid" else "mse"
    nnviz.Trainer(net, data.X_train, data.y_train, loss=loss, learning_rate=0.3).run(30)
    return data, net


def test_the_prepared_inputs_are_what_the_scaler_gives_for_the_raw_rows():
    data, _ = _trained()
    assert data.inputs == [
        "bill",
        "island=Biscoe",
        "island=Dream",
        "island=Torgersen",
        "mass",
        "bill*mass",
    ]
    raw = penguins()[["bill", "island", "mass"]].astype(object).to_numpy()
    assert np.allclose(data.scaler.transform_X(raw), data.X_all())


@pytest.mark.parametrize("name", ["model.json", "model.npz", "model.zip"])
def test_every_model_file_carries_the_encoding(name):
    data, net = _trained()
    writers = {
        "model.json": lambda: ex.to_json(net, scaler=data.scaler).encode(),
        "model.npz": lambda: ex.to_npz(net, scaler=data.scaler),
        "model.zip": lambda: ex.weights_txt_zip(net, scaler=data.scaler),
    }
    bundle = ex.load_model(writers[name](), name)
    assert bundle.scaler == data.scaler
    assert bundle.scaler.categories == {"island": ["Biscoe", "Dream", "Torgersen"]}
    assert bundle.scaler.fill == data.scaler.fill and bundle.classes == ["Adelie", "Gentoo"]
    rows = [[41.0, "Dream", 3900], [None, "Biscoe", None], [48.0, None, 5000]]
    assert np.array_equal(bundle.scaler.transform_X(rows), data.scaler.transform_X(rows))


def test_a_model_file_whose_encoding_does_not_fit_is_refused():
    data, net = _trained()
    doc = ex.to_json(net, scaler=data.scaler)
    bad = doc.replace('"Torgersen"', '"Torgersen", "Elsewhere"', 1)
    with pytest.raises(ex.ModelFileError, match="the scaling cannot be read"):
        ex.from_json(bad)


def _run(text: str, tmp_path, *args: str) -> subprocess.CompletedProcess:
    path = tmp_path / "model.py"
    path.write_text(text, encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(path), *args], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )


def _body(stdout: str) -> list[list[str]]:
    return [[c.strip() for c in line.split(" | ")] for line in stdout.strip().splitlines()[2:]]


def test_the_script_encodes_text_fills_gaps_and_names_the_two_classes(tmp_path):
    data, net = _trained()
    rows = [[41.0, "Dream", 3900], [None, "Biscoe", None], [48.0, None, 5000]]
    text = ex.standalone_script(net, scaler=data.scaler, rows=rows)
    assert "CATEGORIES = {'island': ['Biscoe', 'Dream', 'Torgersen']}" in text
    assert "CLASSES = ['Adelie', 'Gentoo']" in text and "MIDPOINT = 0.5" in text
    assert "INPUTS = ['bill', 'island', 'mass']" in text
    result = _run(text, tmp_path)
    assert result.returncode == 0, result.stderr
    body = _body(result.stdout)
    out = net.forward(data.scaler.transform_X(rows))[:, 0]
    assert [row[3] for row in body] == [["Adelie", "Gentoo"][int(p > 0.5)] for p in out]
    assert np.array_equal([float(row[4]) for row in body], out)  # every digit
    assert body[0][:3] == ["41.0", "Dream", "3900.0"]

    # a CSV file as a person keeps it: other columns, the columns in another order, gaps
    (tmp_path / "new.csv").write_text(
        "species,mass,island,bill\n,3900,Dream,41\nGentoo,,Biscoe,\n,5000,,48\n"
    )
    result = _run(text, tmp_path, "new.csv")
    assert result.returncode == 0, result.stderr
    assert [float(row[4]) for row in _body(result.stdout)] == out.tolist()
    (tmp_path / "bad.csv").write_text("bill,island,mass\n41,Atlantis,3900\n")
    result = _run(text, tmp_path, "bad.csv")
    assert result.returncode != 0
    assert "line 2: 'Atlantis' is not one of the values of 'island'" in result.stderr


def test_the_script_of_a_softmax_over_text_inputs(tmp_path):
    data, net = _trained("softmax")
    rows = [[41.0, "Dream", 3900], [48.0, "Biscoe", 5000]]
    result = _run(ex.standalone_script(net, scaler=data.scaler, rows=rows), tmp_path)
    assert result.returncode == 0, result.stderr
    probs = net.forward(data.scaler.transform_X(rows))
    body = _body(result.stdout)
    assert [row[3] for row in body] == [data.classes[k] for k in probs.argmax(axis=1)]
    assert np.array_equal([[float(c) for c in row[4:]] for row in body], probs)


def test_without_fill_values_an_empty_cell_is_an_error_in_the_script(tmp_path):
    df = penguins().dropna()
    data = prepare(df, ["bill", "island"], "species", task="classification")
    net = nnviz.Network([data.n_inputs, 1], output_activation="sigmoid", seed=0)
    assert data.scaler.fill is None and data.scaler.categories
    namespace: dict = {}
    text = ex.standalone_script(net, scaler=data.scaler)
    exec(compile(text.replace('if __name__ == "__main__":', "if False:"), "m", "exec"), namespace)
    with pytest.raises(ValueError, match="row 1: 'bill' is empty"):
        namespace["predict"]([["", "Dream"]])
    assert namespace["predict"]([[40.0, "Dream"]]) in (["Adelie"], ["Gentoo"])
