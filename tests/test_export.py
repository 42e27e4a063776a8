"""Tests of nnviz.export: every format round-trips exactly, and bad files get clear errors."""

from __future__ import annotations

import io
import json
import pickle
import subprocess
import sys
import zipfile

import numpy as np
import pytest

import nnviz
from nnviz import export as ex

# (id, layer sizes, hidden activation, output activation, bias, init, seed, loss, learning rate)
# The seeds are ones whose ReLU units are not all dead (the fixture checks that).
CASES = [
    ("sigmoid-1h", [3, 5, 1], "sigmoid", "sigmoid", True, "normal", 7, "half_sse", 1.0),
    ("tanh-2h-nobias", [2, 4, 3, 1], "tanh", "tanh", False, "xavier", 7, "mse", 0.1),
    ("relu-3h", [2, 4, 4, 3, 2], "relu", "relu", True, "uniform", 8, "mse", 0.05),
    ("softmax-2h", [2, 6, 5, 3], "leaky_relu", "softmax", True, "he", 7, "cross_entropy", 0.5),
    (
        "softmax-1h-nobias",
        [4, 3, 3],
        "sigmoid",
        "softmax",
        False,
        "normal",
        7,
        "cross_entropy",
        0.5,
    ),
    ("linear-1h", [1, 8, 1], "tanh", "linear", True, "normal", 7, "mse", 0.05),
    ("bce-3h-nobias", [3, 2, 2, 2, 1], "relu", "sigmoid", False, "uniform", 9, "bce", 0.3),
]


def _targets(output_activation: str, n: int, k: int, rng) -> np.ndarray:
    if output_activation == "softmax":
        return np.eye(k)[rng.integers(0, k, n)]
    if output_activation == "sigmoid":
        return rng.integers(0, 2, (n, k)).astype(float)
    if output_activation == "tanh":
        return rng.uniform(-0.9, 0.9, (n, k))
    if output_activation == "relu":
        return rng.uniform(0.0, 2.0, (n, k))
    return rng.standard_normal((n, k))


def _trained(case, steps: int = 20):
    """The case's network trained ``steps`` steps, and some rows to predict."""
    _, sizes, act, out, bias, init, seed, loss, lr = case
    rng = np.random.default_rng(sum(sizes))
    X = rng.standard_normal((12, sizes[0]))
    y = _targets(out, 12, sizes[-1], rng)
    net = nnviz.Network(
        sizes, activation=act, output_activation=out, bias=bias, init=init, seed=seed
    )
    initial = net.get_params()
    trainer = nnviz.Trainer(net, X, y, loss=loss, learning_rate=lr)
    trainer.run(steps)
    assert not np.array_equal(net.get_params(), initial), "training changed nothing"
    assert np.ptp(net.forward(X), axis=0).min() > 0, "a dead network predicts a constant"
    X_new = rng.standard_normal((5, sizes[0])) * 3
    return net, trainer, X_new


@pytest.fixture(params=CASES, ids=[c[0] for c in CASES])
def trained(request):
    return _trained(request.param)


def assert_same_network(a: nnviz.Network, b: nnviz.Network, X) -> None:
    assert b.config() == a.config()
    assert len(b.weights) == len(a.weights)
    for Wa, Wb in zip(a.weights, b.weights):
        assert Wb.shape == Wa.shape
        assert np.array_equal(Wa, Wb)
    for ba, bb in zip(a.biases, b.biases):
        assert np.array_equal(ba, bb)
    assert np.array_equal(a.params.view(np.uint64), b.params.view(np.uint64))  # bit for bit
    assert np.array_equal(a.forward(X), b.forward(X))


def _data_module():
    try:
        import nnviz.data as data
    except ImportError as e:  # pragma: no cover - data.py is part of the package
        pytest.skip(f"nnviz.data is not importable yet ({e}); the scaler tests need it")
    return data


def _exam_scores():
    """The tutorial's exam scores, scaled as it does, and a 2-3-1 sigmoid network trained on them."""
    data = _data_module()
    prepared = data.prepare(
        data.load_preset("exam_scores"),
        ["hours_studied", "hours_slept"],
        ["test_score"],
        scaling="max",
        target_max=100,
    )
    net = nnviz.Network([2, 3, 1], seed=3)
    trainer = nnviz.Trainer(
        net, prepared.X_train, prepared.y_train, loss="half_sse", learning_rate=1.0
    )
    trainer.run(20)
    return prepared, net, trainer


def _softmax_colours():
    """A softmax network trained on a table whose class labels are words."""
    data = _data_module()
    import pandas as pd

    rng = np.random.default_rng(5)
    centres = {"red": (0.0, 3.0), "green": (-3.0, -1.5), "blue": (3.0, -1.5)}
    labels = rng.choice(list(centres), 60)
    xy = np.array([centres[c] for c in labels]) + rng.standard_normal((60, 2))
    df = pd.DataFrame({"x1": xy[:, 0] * 10, "x2": xy[:, 1] + 5, "colour": labels})
    prepared = data.prepare(
        df, ["x1", "x2"], ["colour"], scaling="minmax", output_activation="softmax"
    )
    net = nnviz.Network([2, 5, 3], activation="tanh", output_activation="softmax", seed=2)
    trainer = nnviz.Trainer(
        net, prepared.X_train, prepared.y_train, loss="cross_entropy", learning_rate=0.5
    )
    trainer.run(20)
    return prepared, net, trainer


def _zip(files: dict[str, bytes | str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, content in files.items():
            zf.writestr(name, content)
    return buf.getvalue()


def _unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _npz(**arrays) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


# =============================================================================
# text matrices in a zip
# =============================================================================


def test_savetxt_percent_s_round_trips_float64_exactly():
    # The seed's fmt="%s" must keep every bit, or the zip would not round-trip.
    rng = np.random.default_rng(0)
    values = rng.standard_normal(20000) * 10.0 ** rng.integers(-300, 300, 20000)
    special = [0.0, -0.0, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 0.1, 1 / 3]
    values = np.concatenate([values, special]).reshape(-1, 1)
    buf = io.BytesIO()
    np.savetxt(buf, values, fmt="%s")
    back = np.loadtxt(io.BytesIO(buf.getvalue()), ndmin=2)
    assert np.array_equal(back.view(np.uint64), values.view(np.uint64))


def test_txt_zip_round_trip(trained):
    net, _, X = trained
    back = ex.network_from_txt_zip(ex.weights_txt_zip(net))
    assert_same_network(net, back, X)


def test_txt_zip_holds_the_seeds_files(trained, tmp_path):
    net, _, _ = trained
    files = _unzip(ex.weights_txt_zip(net, note="hello"))
    L = net.n_layers
    expected = {f"w{l}.txt" for l in range(1, L + 1)} | {"network.json", "README.txt"}
    if net.bias:
        expected |= {f"b{l}.txt" for l in range(1, L + 1)}
    assert set(files) == expected
    for l, (W, b) in enumerate(zip(net.weights, net.biases), start=1):
        # byte for byte what the seed's np.savetxt("w1.txt", self.W1, fmt="%s") writes
        np.savetxt(tmp_path / f"w{l}.txt", W, fmt="%s")
        assert files[f"w{l}.txt"] == (tmp_path / f"w{l}.txt").read_bytes()
        (tmp_path / "x.txt").write_bytes(files[f"w{l}.txt"])
        assert np.array_equal(np.loadtxt(tmp_path / "x.txt", ndmin=2), W)
        plain = np.loadtxt(tmp_path / "x.txt")  # without ndmin: (k, 1) comes back flat
        assert np.array_equal(plain.reshape(W.shape), W)
        if net.bias:
            (tmp_path / "b.txt").write_bytes(files[f"b{l}.txt"])
            assert np.array_equal(np.loadtxt(tmp_path / "b.txt", ndmin=1), b)
    doc = json.loads(files["network.json"])
    assert doc["format"] == "nnviz-weights-txt"
    assert doc["layer_sizes"] == list(net.layer_sizes)
    assert doc["activation"] == net.activation
    assert doc["output_activation"] == net.output_activation
    assert doc["meta"] == {"note": "hello"}
    readme = files["README.txt"].decode()
    assert 'np.loadtxt("w1.txt", ndmin=2)' in readme
    assert net.output_activation in readme


def test_txt_zip_column_matrix_needs_ndmin(tmp_path):
    net = nnviz.Network([3, 1], seed=1)  # w1.txt is 3×1: one number per line
    files = _unzip(ex.weights_txt_zip(net))
    assert files["w1.txt"].decode().count("\n") == 3
    (tmp_path / "w1.txt").write_bytes(files["w1.txt"])
    assert np.loadtxt(tmp_path / "w1.txt").shape == (3,)
    assert np.loadtxt(tmp_path / "w1.txt", ndmin=2).shape == (3, 1)
    assert ex.network_from_txt_zip(ex.weights_txt_zip(net)).weights[0].shape == (3, 1)


def test_txt_zip_of_the_tutorials_own_files():
    # The tutorial saves only w1.txt and w2.txt (sigmoid, no biases); zipped, they load.
    rng = np.random.default_rng(0)
    W1, W2 = rng.standard_normal((2, 3)), rng.standard_normal((3, 1))
    files = {}
    for name, W in (("w1.txt", W1), ("w2.txt", W2)):
        buf = io.BytesIO()
        np.savetxt(buf, W, fmt="%s")
        files[f"weights/{name}"] = buf.getvalue()  # zipped as a folder
    net = ex.network_from_txt_zip(_zip(files))
    assert net.layer_sizes == (2, 3, 1)
    assert (net.activation, net.output_activation, net.bias) == ("sigmoid", "sigmoid", False)
    X = np.array([[2 / 3, 1.0], [0.5, 8 / 9]])
    sigmoid = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    assert np.array_equal(net.forward(X), sigmoid(sigmoid(X @ W1) @ W2))


def test_txt_zip_is_deterministic():
    net = nnviz.Network([2, 3, 1], seed=0)
    assert ex.weights_txt_zip(net) == ex.weights_txt_zip(net.copy())


# =============================================================================
# npz
# =============================================================================


def test_npz_round_trip(trained):
    net, _, X = trained
    data = ex.to_npz(net)
    assert_same_network(net, ex.from_npz(data), X)
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    assert all(a.dtype != object for a in arrays.values())
    assert [int(s) for s in arrays["layer_sizes"]] == list(net.layer_sizes)
    assert str(arrays["activation"]) == net.activation
    assert arrays["activation"].dtype.kind == "U"
    assert str(arrays["output_activation"]) == net.output_activation
    for l in range(1, net.n_layers + 1):
        assert np.array_equal(arrays[f"W{l}"], net.weights[l - 1])
        assert np.array_equal(arrays[f"b{l}"], net.biases[l - 1])


def test_from_npz_reads_a_file_written_with_np_savez(tmp_path):
    rng = np.random.default_rng(1)
    W1, W2, b1, b2 = (rng.standard_normal(s) for s in ((2, 4), (4, 3), (4,), (3,)))
    path = tmp_path / "mine.npz"
    np.savez(
        path,
        W1=W1,
        W2=W2,
        b1=b1,
        b2=b2,
        layer_sizes=np.array([2, 4, 3]),
        activation=np.array("tanh"),
        output_activation=np.array("softmax"),
    )
    net = ex.from_npz(path.read_bytes())
    assert net.config()["layer_sizes"] == [2, 4, 3]
    assert (net.activation, net.output_activation, net.bias) == ("tanh", "softmax", True)
    X = rng.standard_normal((6, 2))
    expected = nnviz.Network([2, 4, 3], "tanh", "softmax")
    expected.weights, expected.biases = [W1, W2], [b1, b2]
    assert np.array_equal(net.forward(X), expected.forward(X))

    # only the tutorial's matrices, named as its files: sigmoid, no biases
    np.savez(path, w1=W1, w2=W2)
    net = ex.from_npz(path.read_bytes())
    assert (net.layer_sizes, net.activation, net.bias) == ((2, 4, 3), "sigmoid", False)
    assert np.array_equal(net.weights[1], W2)


_UNPICKLED: list = []


def _record_unpickling(*args):  # what a malicious pickle would run
    _UNPICKLED.append(args)
    return 0.0


class _Evil:
    def __reduce__(self):
        return (_record_unpickling, ("unpickled!",))


def test_from_npz_refuses_pickled_object_arrays():
    W1 = np.empty((2, 1), dtype=object)
    W1[0, 0], W1[1, 0] = _Evil(), 1.0
    data = _npz(W1=W1, b1=np.zeros(1))
    with pytest.raises(
        ValueError, match=r"'W1' in the \.npz holds Python objects \(pickled data\)"
    ):
        ex.from_npz(data)
    with pytest.raises(ValueError, match="holds Python objects"):
        ex.load_model(data, "model.npz")
    assert _UNPICKLED == []
    # a bare pickle is not an npz either, and is not unpickled
    with pytest.raises(ValueError, match="not an .npz file"):
        ex.from_npz(pickle.dumps(_Evil()))
    assert _UNPICKLED == []


# =============================================================================
# JSON bundle
# =============================================================================


def test_json_round_trip(trained):
    net, trainer, X = trained
    text = ex.to_json(
        net, hyperparameters=ex.trainer_hyperparameters(trainer), iteration=trainer.iteration
    )
    doc = json.loads(text)
    assert doc["format"] == "nnviz-model" and doc["version"] == 1
    for key in (
        "layer_sizes",
        "activation",
        "output_activation",
        "bias",
        "init",
        "seed",
        "weights",
        "biases",
        "scaling",
        "hyperparameters",
        "inputs",
        "targets",
        "classes",
        "iteration",
    ):
        assert key in doc, key
    assert doc["scaling"] is None
    assert doc["weights"][0] == net.weights[0].tolist()
    bundle = ex.from_json(text)
    assert_same_network(net, bundle.network, X)
    assert bundle.iteration == 20
    assert bundle.hyperparameters["loss"] == trainer.loss_name
    assert ex.from_json(text.encode()).network.config() == net.config()  # bytes work too


def test_json_keeps_scaler_and_hyperparameters():
    prepared, net, trainer = _exam_scores()
    hyper = ex.trainer_hyperparameters(trainer)
    assert hyper == {
        "loss": "half_sse",
        "optimizer": "sgd",
        "learning_rate": 1.0,
        "batch_size": None,
        "l1": 0.0,
        "l2": 0.0,
        "momentum": 0.9,
        "seed": trainer.seed,
        "iteration": 20,
    }
    text = ex.to_json(
        net, scaler=prepared.scaler, hyperparameters=hyper, iteration=trainer.iteration
    )
    bundle = ex.load_model(text.encode(), "exam.JSON")
    assert bundle.scaler == prepared.scaler
    assert bundle.scaler.to_dict() == prepared.scaler.to_dict()
    assert bundle.hyperparameters == hyper
    assert bundle.inputs == ["hours_studied", "hours_slept"]  # taken from the scaler
    assert bundle.targets == ["test_score"]
    assert bundle.classes is None
    assert bundle.iteration == 20
    rows = np.array([[4.0, 8.0]])
    expect = prepared.scaler.inverse_y(net.forward(prepared.scaler.transform_X(rows)))
    got = bundle.scaler.inverse_y(bundle.network.forward(bundle.scaler.transform_X(rows)))
    assert np.array_equal(got, expect)


def test_zip_and_npz_meta_carry_the_scaler_too():
    prepared, net, trainer = _exam_scores()
    meta = {
        "scaler": prepared.scaler,
        "hyperparameters": ex.trainer_hyperparameters(trainer),
        "iteration": trainer.iteration,
    }
    for data, name in (
        (ex.weights_txt_zip(net, **meta), "w.zip"),
        (ex.to_npz(net, **meta), "w.npz"),
    ):
        bundle = ex.load_model(data, name)
        assert bundle.scaler == prepared.scaler, name
        assert bundle.hyperparameters["learning_rate"] == 1.0
        assert bundle.iteration == 20
        assert bundle.inputs == ["hours_studied", "hours_slept"]
        assert_same_network(net, bundle.network, prepared.X_train)


def test_load_model_dispatches_on_the_extension(trained):
    net, _, X = trained
    for data, name in (
        (ex.to_json(net).encode(), "m.json"),
        (ex.to_npz(net), "M.NPZ"),
        (ex.weights_txt_zip(net), "folder/m.zip"),
    ):
        bundle = ex.load_model(data, name)
        assert isinstance(bundle, ex.ModelBundle)
        assert_same_network(net, bundle.network, X)
        assert bundle.scaler is None and bundle.hyperparameters == {}


# =============================================================================
# history and hyperparameters
# =============================================================================


def test_history_csv_and_trainer_hyperparameters():
    net, trainer, _ = _trained(CASES[0], steps=5)
    trainer.learning_rate = 0.5
    trainer.set_regularization(l2=0.01)
    csv_text = ex.history_csv(trainer.history)
    assert csv_text == trainer.history.to_csv()
    assert csv_text.splitlines()[0] == "iteration,train_loss,test_loss"
    assert len(csv_text.splitlines()) == 6
    assert ex.history_csv(trainer) == csv_text
    hyper = ex.trainer_hyperparameters(trainer)
    assert hyper["learning_rate"] == 0.5 and hyper["l2"] == 0.01 and hyper["iteration"] == 5
    assert json.loads(json.dumps(hyper)) == hyper


# =============================================================================
# standalone script
# =============================================================================


def _run_script(text: str, tmp_path, *args: str) -> subprocess.CompletedProcess:
    path = tmp_path / "model.py"
    path.write_text(text, encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(path), *args], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )


def _table(stdout: str) -> tuple[list[str], list[list[str]]]:
    """Header and body cells of the table the script prints."""
    lines = stdout.strip().splitlines()
    assert set(lines[1].replace("|", "").replace(" ", "")) == {"-"}, stdout
    split = lambda line: [c.strip() for c in line.split(" | ")]  # noqa: E731
    return split(lines[0]), [split(line) for line in lines[2:]]


def test_script_reads_plainly():
    prepared, net, trainer = _exam_scores()
    text = ex.standalone_script(
        net, scaler=prepared.scaler, rows=[[4, 8]], iteration=trainer.iteration
    )
    assert text.startswith("#!/usr/bin/env python3\n# A trained neural network")
    assert "# Network:     2 -> 3 -> 1" in text
    assert "sigmoid in the hidden layers, sigmoid at the output" in text
    assert "# Trained for: 20 iterations" in text
    assert "\ndef predict(rows):\n" in text
    assert '\nif __name__ == "__main__":\n' in text
    assert "return 1 / (1 + np.exp(-z))" in text and 'np.errstate(over="ignore")' in text
    assert "a = sigmoid(a @ W1 + b1)" in text and "a = sigmoid(a @ W2 + b2)" in text
    imports = [line for line in text.splitlines() if line.startswith(("import ", "from "))]
    assert imports == ["import csv", "import sys", "import numpy as np"]
    assert repr(float(net.weights[0][0, 0])) in text  # full precision
    compile(text, "model.py", "exec")


def test_script_predicts_exam_scores_like_the_network(tmp_path):
    prepared, net, trainer = _exam_scores()
    text = ex.standalone_script(
        net, scaler=prepared.scaler, rows=[[4, 8], [2, 9]], iteration=trainer.iteration
    )
    result = _run_script(text, tmp_path)
    assert result.returncode == 0, result.stderr
    header, body = _table(result.stdout)
    assert header == ["hours_studied", "hours_slept", "test_score (predicted)"]
    rows = np.array([[4.0, 8.0], [2.0, 9.0]])
    expected = prepared.scaler.inverse_y(net.forward(prepared.scaler.transform_X(rows)))
    assert [[float(c) for c in row[:2]] for row in body] == rows.tolist()
    got = np.array([[float(row[2])] for row in body])
    assert np.array_equal(got, expected), (got, expected)  # repr precision: exact
    assert 50 < got[0, 0] < 100  # a score in points, not the scaled 0.9

    # the same rows from a CSV file (with the target and split columns in it)
    (tmp_path / "rows.csv").write_text(
        "hours_slept,test_score,hours_studied,split\n8,,4,predict\n9,92,2,train\n"
    )
    result = _run_script(text, tmp_path, "rows.csv")
    assert result.returncode == 0, result.stderr
    _, body_csv = _table(result.stdout)
    assert body_csv == body


def test_script_without_rows_reads_a_csv_or_says_what_to_do(tmp_path):
    prepared, net, _ = _exam_scores()
    text = ex.standalone_script(net, scaler=prepared.scaler)
    assert "ROWS = []" in text
    result = _run_script(text, tmp_path)
    assert result.returncode != 0
    assert "No rows to predict" in result.stderr
    (tmp_path / "plain.csv").write_text("4;8\n1;5\n")  # no header, semicolons
    result = _run_script(text, tmp_path, "plain.csv")
    assert result.returncode == 0, result.stderr
    _, body = _table(result.stdout)
    expected = prepared.scaler.inverse_y(net.forward(prepared.scaler.transform_X([[4, 8], [1, 5]])))
    assert [float(row[2]) for row in body] == expected[:, 0].tolist()
    (tmp_path / "bad.csv").write_text("hours_studied,hours_slept\n4,eight\n")
    result = _run_script(text, tmp_path, "bad.csv")
    assert result.returncode != 0 and "line 2: 'eight' is not a number" in result.stderr


def test_script_undoes_standardized_scaling(tmp_path):
    # "standard" scaling has non-zero offsets for the inputs and the target
    data = _data_module()
    prepared = data.prepare(
        data.load_preset("sine"), ["x"], ["y"], scaling="standard", output_activation="linear"
    )
    scaler = prepared.scaler
    assert scaler.offset[0] != 0 and scaler.target_offset[0] != 0
    net = nnviz.Network([1, 8, 8, 1], activation="tanh", output_activation="linear", seed=4)
    nnviz.Trainer(net, prepared.X_train, prepared.y_train, loss="mse", learning_rate=0.03).run(20)
    rows = [[-2.5], [0.0], [1.0], [3.0]]
    result = _run_script(ex.standalone_script(net, scaler=scaler, rows=rows), tmp_path)
    assert result.returncode == 0, result.stderr
    header, body = _table(result.stdout)
    assert header == ["x", "y (predicted)"]
    expected = scaler.inverse_y(net.forward(scaler.transform_X(rows)))
    assert np.array_equal(np.array([[float(row[1])] for row in body]), expected)


def test_script_names_softmax_classes(tmp_path):
    prepared, net, trainer = _softmax_colours()
    rows = [[0.0, 8.0], [-30.0, 3.5], [30.0, 3.5], [1.5, 5.0]]
    text = ex.standalone_script(net, scaler=prepared.scaler, rows=rows, iteration=trainer.iteration)
    assert "CLASSES = ['blue', 'green', 'red']" in text
    assert "e = np.exp(z - z.max(axis=1, keepdims=True))" in text
    result = _run_script(text, tmp_path)
    assert result.returncode == 0, result.stderr
    header, body = _table(result.stdout)
    assert header == ["x1", "x2", "colour (predicted)", "P(blue)", "P(green)", "P(red)"]
    probs = net.forward(prepared.scaler.transform_X(rows))
    classes = prepared.scaler.classes
    assert [row[2] for row in body] == [classes[k] for k in probs.argmax(axis=1)]
    assert np.array_equal(np.array([[float(c) for c in row[3:]] for row in body]), probs)


def test_script_matches_every_network(trained, tmp_path):
    net, trainer, X = trained
    text = ex.standalone_script(net, rows=X.tolist(), iteration=trainer.iteration)
    for name in {net.activation, net.output_activation}:
        assert f"def {name}(z):" in text
    if not net.bias:
        assert "b1" not in text
    result = _run_script(text, tmp_path)
    assert result.returncode == 0, result.stderr
    header, body = _table(result.stdout)
    expected = net.forward(X)
    got_inputs = np.array([[float(c) for c in row[: X.shape[1]]] for row in body])
    assert np.array_equal(got_inputs, X)
    if net.output_activation == "softmax":
        assert [int(row[X.shape[1]]) for row in body] == expected.argmax(axis=1).tolist()
        got = np.array([[float(c) for c in row[X.shape[1] + 1 :]] for row in body])
    else:
        assert header[X.shape[1] :] == [f"y{j + 1} (predicted)" for j in range(expected.shape[1])]
        got = np.array([[float(c) for c in row[X.shape[1] :]] for row in body])
    assert np.array_equal(got, expected), np.abs(got - expected).max()


def test_script_names_cannot_inject_code(tmp_path):
    net = nnviz.Network([2, 2, 1], seed=0)
    evil = ['a"""\nimport os; os.remove("x")  #', "b'\r\u2028print('pwned')"]
    text = ex.standalone_script(net, inputs=evil, targets=["t\nprint(1)"], rows=[[1, 2]])
    (tmp_path / "x").write_text("still here")
    result = _run_script(text, tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "x").exists()
    assert "pwned" not in result.stdout.splitlines()  # the name is printed, never run
    namespace: dict = {}
    exec(compile(text.replace('if __name__ == "__main__":', "if False:"), "m", "exec"), namespace)
    assert namespace["INPUTS"] == evil
    assert np.array_equal(namespace["predict"]([[1, 2]]), net.forward([[1, 2]]))


def test_script_knows_every_activation():
    assert set(ex._SCRIPT_ACTIVATIONS) == set(nnviz.ACTIVATIONS)


# =============================================================================
# malformed files: a ValueError that says what is wrong
# =============================================================================


def _good_zip_files(sizes=(2, 3, 1), bias=True) -> dict[str, bytes]:
    net = nnviz.Network(list(sizes), bias=bias, seed=0)
    return _unzip(ex.weights_txt_zip(net))


def _with(files: dict, **changes) -> bytes:
    files = dict(files)
    for name, content in changes.items():
        name = name.replace("_txt", ".txt").replace("_json", ".json")
        if content is None:
            files.pop(name)
        else:
            files[name] = content
    return _zip(files)


def _network_json(**changes) -> str:
    doc = json.loads(_good_zip_files()["network.json"])
    doc.update(changes)
    return json.dumps(doc)


BAD_ZIPS = [
    ("not a zip", b"hello, world", "cannot be opened as a zip archive"),
    (
        "wrong marker",
        _with(_good_zip_files(), network_json=_network_json(format="keras")),
        "network.json has format 'keras'; an nnviz file has format 'nnviz-weights-txt'",
    ),
    (
        "newer version",
        _with(_good_zip_files(), network_json=_network_json(version=7)),
        "version 7, made by a newer nnviz",
    ),
    (
        "network.json not JSON",
        _with(_good_zip_files(), network_json="{oops"),
        r"network.json is not valid JSON \(line 1, column 2",
    ),
    (
        "missing w2",
        _with(_good_zip_files(), w2_txt=None),
        "The zip has no w2.txt: a 2-3-1 network needs w1.txt … w2.txt",
    ),
    ("no weights at all", _zip({"notes.txt": "hi"}), "The zip holds no w1.txt"),
    (
        "missing b1",
        _with(_good_zip_files(), b1_txt=None),
        "The zip has no b1.txt, but the network has biases",
    ),
    (
        "extra w3",
        _with(_good_zip_files(), w3_txt="1\n"),
        r"The zip holds w3.txt, but the layer sizes in network.json make a network of 2 weight "
        r"layer\(s\)",
    ),
    (
        "chain broken",
        _with(_good_zip_files(), w2_txt="1\n2\n3\n4\n"),
        r"w2.txt is 4×1 but w1.txt is 2×3: layer 1 has 3 neurons, so w2.txt needs 3 rows",
    ),
    (
        "sizes disagree",
        _with(_good_zip_files(), network_json=_network_json(layer_sizes=[2, 4, 1])),
        "network.json says the layer sizes are 2-4-1, but the weight matrices",
    ),
    (
        "nan",
        _with(_good_zip_files(), w1_txt="1 2 3\n4 nan 6\n"),
        "w1.txt holds nan at row 2, column 2: every weight and bias must be a finite number",
    ),
    ("inf", _with(_good_zip_files(), b2_txt="inf\n"), "b2.txt holds inf at position 1"),
    (
        "text",
        _with(_good_zip_files(), w1_txt="1 2 3\n4 five 6\n"),
        "w1.txt is not a table of numbers",
    ),
    ("ragged", _with(_good_zip_files(), w1_txt="1 2 3\n4 5\n"), "w1.txt is not a table of numbers"),
    ("empty", _with(_good_zip_files(), w1_txt=""), "w1.txt is empty"),
    (
        "bias too short",
        _with(_good_zip_files(), b1_txt="1\n2\n"),
        "b1.txt has 2 values, but layer 1 has 3 neurons",
    ),
    (
        "bias as matrix",
        _with(_good_zip_files(), b1_txt="1 2 3\n4 5 6\n"),
        "b1.txt must hold one number per line",
    ),
    (
        "unknown activation",
        _with(_good_zip_files(), network_json=_network_json(activation="swish")),
        "network.json: the hidden-layer activation: Unknown activation 'swish'; choose one of: "
        "sigmoid, tanh, relu, leaky_relu, linear",
    ),
    (
        "softmax hidden",
        _with(_good_zip_files(), network_json=_network_json(activation="softmax")),
        "softmax is an output activation only",
    ),
    (
        "unknown init",
        _with(_good_zip_files(), network_json=_network_json(init="zeros")),
        "network.json: Unknown init 'zeros'",
    ),
    (
        "huge file",
        _with(_good_zip_files(), w2_txt="1\n" * 200_000),
        "w2.txt is 400,000 bytes: far too large for the 3 number",
    ),
    ("npz renamed", ex.to_npz(nnviz.Network([2, 1], seed=0)), "it looks like an .npz file"),
]


@pytest.mark.parametrize("data, message", [c[1:] for c in BAD_ZIPS], ids=[c[0] for c in BAD_ZIPS])
def test_bad_zip_is_refused(data, message):
    with pytest.raises(ValueError, match=message):
        ex.network_from_txt_zip(data)
    with pytest.raises(ValueError, match=message):
        ex.load_model(data, "weights.zip")


def test_zip_bomb_guard(monkeypatch):
    data = ex.weights_txt_zip(nnviz.Network([2, 3, 1], seed=0))
    monkeypatch.setattr(ex._validate, "MAX_UNCOMPRESSED_BYTES", 100)  # where _open_zip reads it
    message = "bytes unpacked, more than the 100 bytes a model of the largest network"
    with pytest.raises(ValueError, match=message):
        ex.network_from_txt_zip(data)
    with pytest.raises(ValueError, match=message):
        ex.from_npz(ex.to_npz(nnviz.Network([2, 3, 1], seed=0)))


def _good_npz(**changes) -> bytes:
    with np.load(
        io.BytesIO(ex.to_npz(nnviz.Network([2, 3, 1], seed=0))), allow_pickle=False
    ) as npz:
        arrays = {k: npz[k] for k in npz.files}
    for k, v in changes.items():
        if v is None:
            arrays.pop(k)
        else:
            arrays[k] = v
    return _npz(**arrays)


def _npy() -> bytes:
    buf = io.BytesIO()
    np.save(buf, np.ones((2, 3)))
    return buf.getvalue()


BAD_NPZS = [
    ("not npz", b"\x00\x01 definitely not", "This file is not an .npz file"),
    ("npy", _npy(), r"This is a .npy file \(one array\), not an .npz"),
    (
        "wrong marker",
        _good_npz(format=np.array("pytorch")),
        "This .npz has format 'pytorch'; an nnviz file has format 'nnviz-weights-npz'",
    ),
    ("no W1", _good_npz(W1=None, W2=None), "The .npz holds no weight matrix W1"),
    ("missing W2", _good_npz(W2=None), "The .npz has no W2: a 2-3-1 network needs W1 … W2"),
    ("missing b2", _good_npz(b2=None), "The .npz has no b2, but the network has biases"),
    ("chain broken", _good_npz(W2=np.ones((4, 1))), "W2 is 4×1 but W1 is 2×3"),
    (
        "sizes disagree",
        _good_npz(layer_sizes=np.array([2, 5, 1])),
        "The .npz says the layer sizes are 2-5-1, but the weight matrices",
    ),
    ("nan", _good_npz(W1=np.full((2, 3), np.nan)), "W1 holds nan at row 1, column 1"),
    ("1-D weights", _good_npz(W2=np.ones(3)), r"W2 must be a matrix \(a list of rows\)"),
    (
        "strings",
        _good_npz(W1=np.array([["a", "b", "c"], ["d", "e", "f"]])),
        "W1 must contain only numbers",
    ),
    (
        "unknown activation",
        _good_npz(output_activation=np.array("gelu")),
        "the output activation: Unknown activation 'gelu'",
    ),
    (
        "activation not text",
        _good_npz(activation=np.array(3)),
        r"'activation' in the .npz has the wrong type",
    ),
    ("bias shape", _good_npz(b1=np.ones(2)), "b1 has 2 values, but layer 1 has 3 neurons"),
]


@pytest.mark.parametrize("data, message", [c[1:] for c in BAD_NPZS], ids=[c[0] for c in BAD_NPZS])
def test_bad_npz_is_refused(data, message):
    with pytest.raises(ValueError, match=message):
        ex.from_npz(data)
    with pytest.raises(ValueError, match=message):
        ex.load_model(data, "weights.npz")


def _good_json(**changes) -> str:
    doc = json.loads(ex.to_json(nnviz.Network([2, 3, 1], seed=0)))
    doc.update(changes)
    return json.dumps(doc)


def _scaling(**changes) -> dict:
    d = {
        "method": "max",
        "offset": [0.0, 0.0],
        "divisor": [3.0, 9.0],
        "target_method": "max",
        "target_offset": [0.0],
        "target_divisor": [100.0],
        "inputs": ["a", "b"],
        "targets": ["c"],
        "classes": None,
    }
    d.update(changes)
    return d


BAD_JSONS = [
    ("not json", "<html>hello</html>", r"This model file is not valid JSON \(line 1, column 1"),
    ("not utf-8", b"\xff\xfe\x00garbage", "not JSON text"),
    ("a list", "[1, 2, 3]", "must hold a JSON object, not a list"),
    ("no marker", json.dumps({"weights": []}), "This JSON file has no format marker"),
    ("wrong marker", _good_json(format="onnx"), "This JSON file has format 'onnx'"),
    ("network.json", _good_zip_files()["network.json"].decode(), "load the whole .zip instead"),
    ("newer", _good_json(version=2), "version 2, made by a newer nnviz"),
    (
        "no weights",
        json.dumps({k: v for k, v in json.loads(_good_json()).items() if k != "weights"}),
        "This model file has no 'weights'",
    ),
    ("no biases", _good_json(biases=None), "has no 'biases', but its network has biases"),
    (
        "too few matrices",
        _good_json(weights=[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]]),
        "has 1 weight matrices, but its layer sizes 2-3-1 need 2",
    ),
    (
        "chain broken",
        _good_json(weights=[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], [[1.0], [2.0]]]),
        "the weight matrix of layer 2 is 2×1 but the weight matrix of layer 1 is 2×3",
    ),
    (
        "ragged",
        _good_json(weights=[[[1.0, 2.0, 3.0], [4.0, 5.0]], [[1.0], [2.0], [3.0]]]),
        "The weights of layer 1 must be a matrix .*rows have different lengths",
    ),
    (
        "strings",
        _good_json(weights=[[["1", "2", "3"], ["4", "5", "6"]], [[1.0], [2.0], [3.0]]]),
        "The weights of layer 1 must contain only numbers",
    ),
    (
        "NaN",
        _good_json().replace('"bias": true', '"bias": true, "x": NaN'),
        "contains NaN, which is not a finite number",
    ),
    (
        "1e999",
        _good_json(biases=[[0.0, 0.0, 0.0], [1.0]]).replace("[1.0]", "[1e999]"),
        "contains 1e999, which is too large",
    ),
    (
        "bias length",
        _good_json(biases=[[0.0, 0.0], [1.0]]),
        "the bias vector of layer 1 has 2 values, but layer 1 has 3 neurons",
    ),
    ("unknown activation", _good_json(activation="Swish"), "Unknown activation 'Swish'"),
    (
        "activation not a name",
        _good_json(output_activation=7),
        "the output activation must be the name of an activation, not 7",
    ),
    ("bias not bool", _good_json(bias="yes"), "bias must be true or false, not 'yes'"),
    (
        "layer size text",
        _good_json(layer_sizes=[2, "3", 1]),
        "each layer size must be a whole number, not '3'",
    ),
    (
        "scaling wrong size",
        _good_json(scaling=_scaling(offset=[0.0])),
        "scaling offset has 1 value.* but the network has 2 input",
    ),
    (
        "scaling zero divisor",
        _good_json(scaling=_scaling(divisor=[0.0, 1.0])),
        "scaling divisor contains 0",
    ),
    ("scaling incomplete", _good_json(scaling={"method": "max"}), "the scaling has no 'offset'"),
    (
        "scaling not finite",
        _good_json(scaling=_scaling(target_divisor=[1e308 * 10])),
        "too large|finite",
    ),
    (
        "too many input names",
        _good_json(inputs=["a", "b", "c"]),
        r"names 3 input\(s\) \(a, b, c\) but the network has 2 input",
    ),
    ("iteration", _good_json(iteration=-3), "iteration must be at least 0"),
    ("hyperparameters", _good_json(hyperparameters=[1, 2]), "hyperparameters must be an object"),
]


@pytest.mark.parametrize("text, message", [c[1:] for c in BAD_JSONS], ids=[c[0] for c in BAD_JSONS])
def test_bad_json_is_refused(text, message):
    with pytest.raises(ValueError, match=message):
        ex.from_json(text)
    data = text if isinstance(text, bytes) else text.encode()
    with pytest.raises(ValueError, match=message):
        ex.load_model(data, "model.json")


def test_load_model_refuses_other_files():
    with pytest.raises(
        ValueError,
        match=r"nnviz cannot read 'model\.pkl': load a model saved by "
        r"nnviz as \.json, \.npz or \.zip",
    ):
        ex.load_model(pickle.dumps(_Evil()), "model.pkl")
    with pytest.raises(ValueError, match="cannot read 'a file without a name'"):
        ex.load_model(b"{}", "")
    assert _UNPICKLED == []


def test_errors_are_model_file_errors():
    with pytest.raises(ex.ModelFileError):
        ex.from_json("nope")
    assert issubclass(ex.ModelFileError, ValueError)


def test_saving_a_non_finite_meta_value_is_refused():
    net = nnviz.Network([2, 1], seed=0)
    with pytest.raises(ValueError, match=r"hyperparameters\['l2'\] is nan, which cannot be saved"):
        ex.to_json(net, hyperparameters={"l2": float("nan")})
    with pytest.raises(ValueError, match="is a object, which cannot be saved"):
        ex.to_npz(net, thing=object())
