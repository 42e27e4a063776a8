"""Derived input features: the expression checker, prepare(features=…), and saved models."""

from __future__ import annotations

import builtins
import json
import os
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

import nnviz
from nnviz import export as ex
from nnviz.data import (
    FEATURE_FUNCTIONS,
    MAX_COLUMNS,
    PRESETS,
    load_preset,
    parse_feature,
    parse_features,
    prepare,
)
from nnviz.data.features import MAX_FEATURE_LENGTH
from nnviz.metrics import accuracy

COLUMNS = ["x1", "x2", "hours studied"]


def _raw(n=7, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(0.5, 3.0, (n, len(COLUMNS)))


def _value(expression, raw=None):
    raw = _raw() if raw is None else raw
    return parse_feature(expression, COLUMNS).evaluate(raw)


# ----------------------------------------------------------------------------- the grammar
@pytest.mark.parametrize("name", sorted(FEATURE_FUNCTIONS))
def test_every_function_is_numpys(name):
    raw = _raw()
    numpy_fn = getattr(np, name)
    assert np.array_equal(_value(f"{name}(x1)", raw), numpy_fn(raw[:, 0]))
    assert np.array_equal(_value(f"{name}(x1 * x2)", raw), numpy_fn(raw[:, 0] * raw[:, 1]))


@pytest.mark.parametrize(
    "expression, compute",
    [
        ("x1 + x2", lambda x1, x2, h: x1 + x2),
        ("x1 - x2", lambda x1, x2, h: x1 - x2),
        ("x1 * x2", lambda x1, x2, h: x1 * x2),
        ("x1 / x2", lambda x1, x2, h: x1 / x2),
        ("x1 ** 2", lambda x1, x2, h: x1**2),
        ("x1**0.5", lambda x1, x2, h: x1**0.5),
        ("2 ** x1", lambda x1, x2, h: 2.0**x1),
        ("-x1", lambda x1, x2, h: -x1),
        ("-x1 ** 2", lambda x1, x2, h: -(x1**2)),  # Python's precedence: -(x1²)
        ("(x1 + x2) * 3", lambda x1, x2, h: (x1 + x2) * 3.0),
        ("x1 - x2 - 1", lambda x1, x2, h: (x1 - x2) - 1.0),
        ("2 ** 3 ** 0.5 * x2", lambda x1, x2, h: 2.0**3.0**0.5 * x2),
        ("1e-3 * x1 + .5", lambda x1, x2, h: 1e-3 * x1 + 0.5),
        (
            "sin(x1 * x2) + cos(x2) / exp(x1)",
            lambda x1, x2, h: np.sin(x1 * x2) + np.cos(x2) / np.exp(x1),
        ),
        ("`hours studied` ** 2", lambda x1, x2, h: h**2),
        ("log(`hours studied`) * x1", lambda x1, x2, h: np.log(h) * x1),
        ("sqrt(abs(x1 - `hours studied`))", lambda x1, x2, h: np.sqrt(np.abs(x1 - h))),
        ("+x1", lambda x1, x2, h: x1),
    ],
)
def test_expressions_compute_what_they_say(expression, compute):
    raw = _raw()
    got = _value(expression, raw)
    expected = compute(raw[:, 0], raw[:, 1], raw[:, 2])
    np.testing.assert_allclose(got, expected, rtol=1e-15, atol=0)
    assert got.dtype == np.float64 and got.shape == (raw.shape[0],)


def test_a_constant_feature_is_one_value_per_row():
    assert np.array_equal(_value("2 * 3"), np.full(7, 6.0))


def test_names_that_are_identifiers_need_no_backquotes_and_any_name_can_have_them():
    columns = ["x1", "lambda", "size (cm)", 2024, "sin"]
    base = _raw(6, 1)[:, 0]
    raw = np.column_stack([base + k for k in range(5)])
    f = parse_feature("`x1` * `lambda` + `size (cm)` - `2024` + sin(sin)", columns)
    expected = raw[:, 0] * raw[:, 1] + raw[:, 2] - raw[:, 3] + np.sin(raw[:, 4])
    np.testing.assert_allclose(f.evaluate(raw), expected, rtol=1e-15)
    assert f.used == (0, 1, 2, 3, 4)


REJECTED = [
    ("", "is empty"),
    ("   ", "is empty"),
    ("x1.real", "attribute access"),
    ("x1[0]", "indexing"),
    ("lambda: 1", "lambda"),
    ("x1 if x1 else x2", "conditional expressions"),
    ("x1 < x2", "comparisons"),
    ("x1 and x2", "and / or"),
    ("not x1", "not"),
    ("~x1", "~"),
    ("x1 % 2", "operator %"),
    ("x1 // 2", "operator //"),
    ("x1 @ x2", "operator @"),
    ("x1 ^ x2", "operator ^"),
    ("[x for x in x1]", "comprehensions"),
    ("(x for x in x1)", "comprehensions"),
    ("{x: 1 for x in x1}", "comprehensions"),
    ("[x1, x2]", "lists"),
    ("x1, x2", "tuples"),
    ("{x1}", "sets"),
    ("{'a': x1}", "dicts"),
    ("(y := x1)", "assignments"),
    ("'a'", "text"),
    ('"a"', "text"),
    ("b'a'", "text"),
    ("f'{x1}'", "text"),
    ("True", "True is not a number"),
    ("None", "None is not a number"),
    ("...", "Ellipsis is not a number"),
    ("1j * x1", "complex numbers"),
    ("foo(x1)", "foo( … ) is not one of the functions"),
    ("eval('1')", "eval( … ) is not one of the functions"),
    ("np.sin(x1)", "only the functions"),
    ("sin(x1, x2)", "sin takes one argument, not 2"),
    ("sin()", "sin takes one argument, not 0"),
    ("sin(x=x1)", "keyword arguments"),
    ("sin(*x1)", "unpacking"),
    ("(sin)(x1)(x2)", "only the functions"),
    ("`x1`(x2)", "only the functions"),
    ("sin", "sin is a function"),
    ("y", "'y' is not an input column"),
    ("hours studied", "not a valid expression"),
    ("`hours`", "`hours` is not an input column"),
    ("x1 + `x2", "a backquote is not closed"),
    ("x1 +", "not a valid expression"),
    ("x1 = 2", "not a valid expression"),
    ("import os", "not a valid expression"),
    ("x1; x2", "not a valid expression"),
    ("x1\0", "not a valid expression"),
    ("9**9**9", "not a finite number"),
    ("1e308 * 1e308", "not a finite number"),
    ("1e999", "too large"),
    ("(" * 60 + "x1" + ")" * 60, "nested more than"),
    ("-" * 60 + "x1", "nested too deeply"),
    ("+".join(["1"] * 100), "parts; the limit is"),
    ("x1" * 200, "characters long"),
]


@pytest.mark.parametrize(
    "expression, message", REJECTED, ids=[r[0][:30] or "empty" for r in REJECTED]
)
def test_rejected_expressions_name_themselves_and_the_problem(expression, message):
    with pytest.raises(nnviz.DataError, match=None) as info:
        parse_feature(expression, COLUMNS)
    text = str(info.value)
    assert message in text, text
    if expression.strip() and len(expression) <= MAX_FEATURE_LENGTH:
        assert f"'{expression.strip()}'" in text, text  # names the expression


def test_not_text_is_rejected():
    for value in (3, None, ["x1"], b"x1"):
        with pytest.raises(nnviz.DataError, match="must be an expression written as text"):
            parse_feature(value, COLUMNS)


HOSTILE = [
    "__import__('os').system('touch pwned')",
    "().__class__",
    "().__class__.__bases__[0].__subclasses__()",
    "9**9**9",
    "10**10**10**10",
    "1e308*1e308",
    "x1" + "+x1" * 50_000,  # 100,000 characters
    "(" * 100_000 + ")" * 100_000,
    "(" * 150 + "x1" + ")" * 150,
    "-" * 190 + "x1",
    "x1 if x1 else x2",
    "[x for x in x1]",
    "lambda: 1",
    "x1.real",
    '"a"',
    "open('pwned', 'w')",
    "exec('import os')",
    "globals()",
    "sin.__self__",
    "`x1`.__class__",
    "`__import__`('os')",
]


@pytest.mark.parametrize("expression", HOSTILE, ids=[h[:30] for h in HOSTILE])
def test_hostile_expressions_neither_run_nor_hang(expression, monkeypatch, tmp_path):
    calls = []
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(os, "system", lambda *a: calls.append(a))
    real_compile = builtins.compile

    def only_ast(source, filename, mode, flags=0, *args, **kwargs):
        assert flags & 0x400, "an expression was compiled to code"  # ast.PyCF_ONLY_AST
        return real_compile(source, filename, mode, flags, *args, **kwargs)

    monkeypatch.setattr(builtins, "compile", only_ast)
    monkeypatch.setattr(builtins, "eval", lambda *a, **k: pytest.fail("eval was called"))
    monkeypatch.setattr(builtins, "exec", lambda *a, **k: pytest.fail("exec was called"))
    start = time.perf_counter()
    try:
        feature = parse_feature(expression, COLUMNS)
        feature.evaluate(_raw())  # only a plain arithmetic expression gets here …
        assert set(expression) <= set("x12+-*/() ")  # … like the long sum of x1s
    except nnviz.DataError as e:
        assert "Feature" in str(e)
    assert time.perf_counter() - start < 1.0
    assert not calls and not (tmp_path / "pwned").exists()


def test_the_checked_tree_holds_floats_only():
    def walk(node):
        if node[0] == "num":
            assert type(node[1]) is float
        for child in node[1:]:
            if isinstance(child, tuple):
                walk(child)

    walk(parse_feature("2 ** x1 * 3 + (x2 - 7) / 10**2", COLUMNS).tree)
    assert parse_feature("10**2 * x1", COLUMNS).tree == ("bin", "*", ("num", 100.0), ("col", 0))


def test_non_finite_results_name_the_feature_and_the_row():
    raw = np.array([[1.0, 2.0, 3.0], [0.0, 2.0, 3.0], [-1.0, 2.0, 3.0]])
    cases = [
        ("log(x1)", "Row 11", "-inf", "x1 = 0"),
        ("1 / x1", "Row 11", "inf", "x1 = 0"),
        ("sqrt(x1)", "Row 12", "not a number", "x1 = -1"),
        ("x1 * 1e308 * 1e308", "Row 10", "inf", "x1 = 1"),
        ("exp(x2 * 400)", "Row 10", "inf", "x2 = 2"),
    ]
    for expression, row, what, values in cases:
        with pytest.raises(nnviz.DataError) as info:
            parse_feature(expression, COLUMNS).evaluate(raw, rows=[10, 11, 12])
        text = str(info.value)
        assert f"feature '{expression}'" in text and row in text and what in text, text
        assert values in text, text


def test_parse_features_checks_the_list():
    assert parse_features(None, COLUMNS) == []
    assert [f.expression for f in parse_features("  x1**2 ", COLUMNS)] == ["x1**2"]
    with pytest.raises(nnviz.DataError, match="given twice"):
        parse_features(["x1**2", "x1**2 "], COLUMNS)
    with pytest.raises(nnviz.DataError, match="is the input column 'x1' itself"):
        parse_features(["x1"], COLUMNS)
    with pytest.raises(nnviz.DataError, match="the limit is"):
        parse_features([f"x1*{i}" for i in range(MAX_COLUMNS + 1)], COLUMNS)
    with pytest.raises(nnviz.DataError, match="must be a list"):
        parse_features(3, COLUMNS)


# ----------------------------------------------------------------------------- prepare
def _table():
    return pd.DataFrame(
        {
            "hours studied": [2.0, 1.0, 3.0, 4.0, 5.0],
            "slept": [9.0, 5.0, 6.0, 8.0, 7.0],
            "score": [92.0, 86.0, 89.0, 95.0, np.nan],
            "split": ["train", "train", "train", "test", "predict"],
        }
    )


@pytest.mark.parametrize("scaling", ["none", "max", "minmax", "standard"])
def test_prepare_adds_each_feature_as_a_scaled_input_named_by_its_expression(scaling):
    df = _table()
    features = ["`hours studied` * slept", "slept ** 2", "log(slept)"]
    data = prepare(
        df,
        ["hours studied", "slept"],
        ["score"],
        scaling=scaling,
        output_activation="linear",
        features=features,
    )
    assert data.inputs == ["hours studied", "slept", *features]
    assert data.raw_inputs == ["hours studied", "slept"]
    assert data.features == features and data.scaler.features == features
    assert data.n_inputs == 5
    h, s = df["hours studied"].to_numpy(), df["slept"].to_numpy()
    full = np.column_stack([h, s, h * s, s**2, np.log(s)])
    plain = prepare(
        pd.DataFrame(full[:, :], columns=list("abcde")).assign(
            score=df["score"], split=df["split"]
        ),
        list("abcde"),
        ["score"],
        scaling=scaling,
        output_activation="linear",
    )
    # the features are scaled exactly as the same numbers typed into the table would be
    np.testing.assert_allclose(data.X_train, plain.X_train, rtol=1e-13)
    np.testing.assert_allclose(data.X_all(), plain.X_all(), rtol=1e-13)
    np.testing.assert_allclose(data.scaler.offset, plain.scaler.offset, rtol=1e-13)
    # one method turns raw rows (the table's inputs, in its units) into the network's X
    raw = df[["hours studied", "slept"]].to_numpy()
    assert np.array_equal(data.scaler.transform_X(raw), data.X_all())
    np.testing.assert_allclose(data.scaler.inverse_X(data.X_all()), full, rtol=1e-13)
    with pytest.raises(ValueError, match="the features are computed from them"):
        data.scaler.transform_X(full)


def test_prepare_reports_a_feature_that_is_not_finite_by_row_label():
    df = _table()
    df.index = [10, 20, 30, 40, 50]
    df.loc[50, "slept"] = 0.0  # a predict row: its inputs must work too
    with pytest.raises(
        nnviz.DataError, match=r"Row 50, feature 'log\(slept\)': the result is -inf"
    ):
        prepare(
            df,
            ["hours studied", "slept"],
            ["score"],
            output_activation="linear",
            features=["log(slept)"],
        )


def test_prepare_features_use_only_input_columns():
    with pytest.raises(nnviz.DataError, match="'score' is not an input column"):
        prepare(_table(), ["slept"], ["score"], output_activation="linear", features=["score * 2"])
    with pytest.raises(nnviz.DataError, match="the limit is"):
        prepare(
            _table(),
            ["slept"],
            ["score"],
            output_activation="linear",
            features=[f"slept * {i}" for i in range(MAX_COLUMNS - 1)],
        )


def test_the_scaler_keeps_its_features_through_to_dict():
    data = prepare(
        _table(),
        ["hours studied", "slept"],
        ["score"],
        scaling="standard",
        output_activation="linear",
        features=["slept**2"],
    )
    restored = type(data.scaler).from_dict(json.loads(json.dumps(data.scaler.to_dict())))
    assert restored == data.scaler and restored.features == ["slept**2"]
    raw = [[1.0, 2.0], [3.0, 4.0]]
    assert np.array_equal(restored.transform_X(raw), data.scaler.transform_X(raw))


def test_the_circle_needs_squares_without_a_hidden_layer():
    """TensorFlow Playground's lesson: a straight line cannot split a disc from a ring."""
    preset = PRESETS["circle"]
    table = load_preset("circle")
    scores = {}
    for features in (None, ["x1**2", "x2**2"]):
        data = prepare(
            table,
            preset.inputs,
            preset.targets,
            scaling=preset.scaling,
            output_activation=preset.output_activation,
            features=features,
        )
        net = nnviz.Network([data.n_inputs, 1], output_activation=preset.output_activation, seed=0)
        nnviz.Trainer(
            net, data.X_train, data.y_train, loss=preset.loss, learning_rate=preset.learning_rate
        ).run(2000)
        scores[bool(features)] = accuracy(data.y_train, net.forward(data.X_train))
    assert scores[False] < 0.75, scores  # about as good as guessing
    assert scores[True] >= 0.95, scores  # noisy labels near the edge cap it below 100 %


# ----------------------------------------------------------------------------- saved models
def _featured_model():
    table = load_preset("circle", n=60)
    data = prepare(
        table,
        ["x1", "x2"],
        ["label"],
        scaling="standard",
        features=["x1**2", "x2**2", "sin(x1 * x2)"],
    )
    net = nnviz.Network([data.n_inputs, 3, 1], activation="tanh", seed=1)
    nnviz.Trainer(net, data.X_train, data.y_train, loss="bce", learning_rate=0.5).run(50)
    return data, net


def test_json_model_carries_the_features():
    data, net = _featured_model()
    text = ex.to_json(net, scaler=data.scaler)
    doc = json.loads(text)
    assert doc["features"] == ["x1**2", "x2**2", "sin(x1 * x2)"]
    assert doc["inputs"] == data.inputs
    bundle = ex.from_json(text)
    assert bundle.features == doc["features"]
    assert bundle.scaler == data.scaler
    raw = np.array([[0.5, -2.0], [3.0, 1.0]])  # the raw columns only
    assert np.array_equal(
        bundle.network.forward(bundle.scaler.transform_X(raw)),
        net.forward(data.scaler.transform_X(raw)),
    )
    # a file with features but no scaling: an identity scaler computes them
    doc["scaling"] = None
    plain = ex.from_json(json.dumps(doc))
    assert np.array_equal(
        plain.scaler.transform_X(raw)[:, 2:],
        np.column_stack([raw[:, 0] ** 2, raw[:, 1] ** 2, np.sin(raw[:, 0] * raw[:, 1])]),
    )


@pytest.mark.parametrize(
    "features, message",
    [
        (["__import__('os')"], "is not one of the functions"),
        (["x1 ** 2"], "differ"),
        ("x1**2", "must be a list of expressions"),
        ([1], "must be a list of expressions"),
    ],
)
def test_a_model_file_with_bad_features_is_refused(features, message):
    data, net = _featured_model()
    doc = json.loads(ex.to_json(net, scaler=data.scaler))
    doc["features"] = features
    if message != "differ":
        doc["scaling"]["features"] = []
    else:
        doc["scaling"]["features"] = ["x1**2", "x2**2", "sin(x1 * x2)"]
    with pytest.raises(ex.ModelFileError, match=message):
        ex.from_json(json.dumps(doc))


def test_npz_and_zip_keep_the_features_in_the_scaler():
    data, net = _featured_model()
    raw = [[1.0, 2.0]]
    for blob, name in (
        (ex.to_npz(net, scaler=data.scaler), "m.npz"),
        (ex.weights_txt_zip(net, scaler=data.scaler), "m.zip"),
    ):
        bundle = ex.load_model(blob, name)
        assert bundle.features == data.features, name
        assert np.array_equal(bundle.scaler.transform_X(raw), data.scaler.transform_X(raw))


def test_the_script_computes_the_features_from_the_raw_columns(tmp_path):
    data, net = _featured_model()
    rows = [[0.5, -2.0], [3.0, 1.0], [0.0, 0.0]]
    text = ex.standalone_script(net, scaler=data.scaler, rows=rows)
    assert "INPUTS = ['x1', 'x2']" in text
    assert "FEATURES = ['x1**2', 'x2**2', 'sin(x1 * x2)']" in text
    assert "np.sin(x[:, 0] * x[:, 1]),  # sin(x1 * x2)" in text
    path = tmp_path / "model.py"
    path.write_text(text)
    result = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert [c.strip() for c in lines[0].split("|")] == ["x1", "x2", "label (predicted)"]
    got = np.array([[float(line.split("|")[-1])] for line in lines[2:]])
    expected = data.scaler.inverse_y(net.forward(data.scaler.transform_X(rows)))
    assert np.array_equal(got, expected)  # the same NumPy operations: bit for bit
    # a CSV with just the raw columns works too
    (tmp_path / "rows.csv").write_text("x2,x1\n-2.0,0.5\n")
    result = subprocess.run(
        [sys.executable, str(path), "rows.csv"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert float(result.stdout.strip().splitlines()[2].split("|")[-1]) == expected[0, 0]


def test_the_script_stops_on_a_feature_that_is_not_finite(tmp_path):
    table = load_preset("circle", n=40)
    table = table.assign(x1=table["x1"].abs() + 1)
    data = prepare(table, ["x1", "x2"], ["label"], features=["log(x1)"])
    net = nnviz.Network([3, 1], seed=0)
    with pytest.raises(nnviz.DataError, match="log"):
        ex.standalone_script(net, scaler=data.scaler, rows=[[0.0, 1.0]])
    path = tmp_path / "model.py"
    path.write_text(ex.standalone_script(net, scaler=data.scaler))
    (tmp_path / "rows.csv").write_text("x1,x2\n2,1\n-1,1\n")
    result = subprocess.run(
        [sys.executable, str(path), "rows.csv"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode != 0
    assert "row 2: feature 'log(x1)' is nan, not a finite number" in result.stderr
