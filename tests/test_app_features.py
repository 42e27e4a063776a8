"""Derived input features in the app: the playground's toggles, the feature box, the views
over the raw inputs, the Predict tab, the exports and the link (AppTest and views, no browser).

Expected numbers are computed here from the table (x1², the raw columns' ranges), not
through the code under test.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace
from urllib.parse import parse_qsl, urlsplit

import numpy as np
import pytest
from conftest import (
    array,
    errors,
    explorer,
    figure,
    metric,
    open_tab,
    params,
    run,
    shown_text,
    step_n,
    toasts,
)

from nnviz import export
from nnviz.app import views
from nnviz.app.explorer import Explorer, Settings
from nnviz.data import load_preset

CIRCLE_0 = {"dataset": "circle", "hidden": "0"}  # no hidden layer: a line in the inputs


def toggles(at) -> list:
    return at.pills(key="feature_toggles").value


def features(at) -> tuple:
    return explorer(at).settings.features


def accuracy(at) -> float:
    """The train accuracy the page shows (its first percentage), as a fraction."""
    return float(re.search(r"(\d+)%", metric(at, "Train acc.")).group(1)) / 100


# ---------------------------------------------------------------------------- the lesson


def test_the_classic_lesson_x1_squared_and_x2_squared_make_the_circle_separable(new_app):
    at = new_app()
    run(at.selectbox(key="dataset").set_value("circle"))
    run(at.slider(key="n_hidden").set_value(0))
    ex = explorer(at)
    assert ex.network.layer_sizes == (2, 1) and ex.settings.features == ()
    pills = at.pills(key="feature_toggles")
    assert [shown_text(o) for o in pills.options] == [
        "x1",
        "x2",
        "x1²",
        "x2²",
        "x1·x2",
        "sin x1",
        "sin x2",
    ]
    assert toggles(at) == ["X1", "X2"]
    for _ in range(3):
        step_n(at, 100)
    assert explorer(at).trainer.iteration == 300
    plain = accuracy(at)
    assert plain < 0.8, plain  # a straight line cannot separate a circle from its ring
    assert explorer(at).metrics().train_score < 0.8

    run(at.pills(key="feature_toggles").set_value(["X1", "X2", "X1²", "X2²"]))
    ex = explorer(at)
    assert ex.settings.features == ("x1**2", "x2**2")
    assert ex.trainer.iteration == 0 and ex.network.layer_sizes == (4, 1)
    assert "Network rebuilt (new input features): training starts again from iteration 0." in (
        toasts(at)
    )
    assert toggles(at) == ["X1", "X2", "X1²", "X2²"]
    assert at.multiselect(key="features").value == ["x1**2", "x2**2"]
    # the diagram's input nodes are the four inputs
    diagram = figure(at, "diagram_chart")
    shown = " ".join(str(t.get("text")) for t in diagram["data"]) + " ".join(
        str(a.get("text")) for a in diagram["layout"].get("annotations", [])
    )
    for name in ("x1**2", "x2**2"):
        assert name in shown, name
    step_n(at, 1000)
    for _ in range(5):
        step_n(at, 100)
    assert explorer(at).trainer.iteration == 1500
    assert accuracy(at) >= 0.95
    assert explorer(at).metrics().train_score >= 0.95
    assert at.query_params["features"] == "x1**2;x2**2"
    assert errors(at) == []


# ---------------------------------------------------------------------------- the box


def test_a_bad_expression_is_named_and_the_features_stay(new_app):
    at = new_app({"dataset": "circle", "features": "x1**2"})
    step_n(at, 10)
    trainer = explorer(at).trainer
    run(at.text_input(key="new_feature").input("x1^2 + `x3`"))
    shown = errors(at)
    assert len(shown) == 1 and "Feature 'x1^2 + `x3`'" in shown[0], shown
    assert features(at) == ("x1**2",) and explorer(at).trainer is trainer
    assert trainer.iteration == 10
    assert at.text_input(key="new_feature").value == "x1^2 + `x3`"  # left to be fixed
    # the same feature written differently is refused too
    run(at.text_input(key="new_feature").input("x1 ** 2"))
    assert errors(at) == ["Feature 'x1 ** 2' is already a feature (as 'x1**2')."]
    # Markdown in the text is shown as typed, never as markup
    run(at.text_input(key="new_feature").input("[click](https://x.example)"))
    assert "[click](https://x.example)" in errors(at)[0]
    assert "[click](" not in at.error[0].value  # escaped: no link in the Markdown
    # a good one is added (the + button does the same as Enter), the box empties
    at.text_input(key="new_feature").input("sin(x1) * x2")
    run(at.button(key="add_feature").click())
    assert errors(at) == []
    assert features(at) == ("x1**2", "sin(x1) * x2")
    assert explorer(at).network.layer_sizes == (4, 4, 4, 1)
    assert at.text_input(key="new_feature").value == ""
    # and removed with its × in the list
    run(at.multiselect(key="features").unselect("x1**2"))
    assert features(at) == ("sin(x1) * x2",) and toggles(at) == ["X1", "X2"]


def test_a_feature_that_is_not_finite_in_a_row_is_refused_by_the_box(new_app):
    at = new_app({"dataset": "circle"})
    run(at.text_input(key="new_feature").input("log(x1)"))
    assert len(errors(at)) == 1 and "feature 'log(x1)'" in errors(at)[0]
    assert "finite number in every row" in errors(at)[0]
    assert features(at) == ()


def test_an_input_removed_drops_its_features_with_a_note(new_app):
    at = new_app({"dataset": "circle"})
    run(at.pills(key="feature_toggles").set_value(["X1", "X2", "X1²", "X1·X2", "sin X2"]))
    assert features(at) == ("x1**2", "x1*x2", "sin(x2)")
    run(at.multiselect(key="inputs").unselect("x1"))
    ex = explorer(at)
    assert ex.settings.inputs == ("x2",) and ex.settings.features == ("sin(x2)",)
    assert ex.data.inputs == ["x2", "sin(x2)"] and ex.network.layer_sizes == (2, 4, 4, 1)
    assert ex.data_error == ""
    notes = toasts(at)
    assert "Removed the feature 'x1**2': it uses 'x1', which is no longer an input." in notes
    assert "Removed the feature 'x1*x2': it uses 'x1', which is no longer an input." in notes
    assert toggles(at) == ["X2", "sin X2"]
    # toggling X1 off does the same; X1² toggled on makes x1 an input again
    run(at.pills(key="feature_toggles").set_value(["X2", "sin X2", "X1²"]))
    ex = explorer(at)
    assert ex.settings.inputs == ("x1", "x2") and ex.settings.features == ("sin(x2)", "x1**2")
    assert "The feature x1**2 uses x1: x1 is an input again." in toasts(at)
    assert toggles(at) == ["X1", "X2", "X1²", "sin X2"]
    run(at.pills(key="feature_toggles").set_value(["X1", "X2", "X1²"]))
    assert explorer(at).settings.inputs == ("x1", "x2")  # sin X2 off: only that one goes
    assert features(at) == ("x1**2",)
    run(at.pills(key="feature_toggles").set_value(["X2", "X1²"]))  # X1 off
    assert explorer(at).settings.inputs == ("x2",) and features(at) == ()
    assert (
        toasts(at)[0] == "Removed the feature 'x1**2': it uses 'x1', which is no longer an input."
    )
    assert toggles(at) == ["X2"]


def test_a_new_data_set_starts_without_features(new_app):
    at = new_app({"dataset": "circle", "features": "x1**2"})
    run(at.selectbox(key="dataset").set_value("xor"))
    assert features(at) == () and at.multiselect(key="features").value == []
    assert explorer(at).network.layer_sizes[0] == 2


# ---------------------------------------------------------------------------- the link


def test_a_run_with_features_reopened_from_its_link_has_the_same_weights(new_app):
    at = new_app({"dataset": "circle", "hidden": "3"})
    run(at.pills(key="feature_toggles").set_value(["X1", "X2", "X1·X2"]))
    at.text_input(key="new_feature").input("`x2` ** 2 / 2")
    run(at.button(key="add_feature").click())
    step_n(at, 100)
    assert features(at) == ("x1*x2", "`x2` ** 2 / 2")
    open_tab(at, "Export / share")
    share = next(c.value for c in at.code if "steps=" in c.value)
    shared = dict(parse_qsl(urlsplit(share).query))
    assert shared["features"] == "x1*x2;`x2` ** 2 / 2" and shared["steps"] == "100"
    again = new_app(shared)
    ex = explorer(again)
    assert ex.settings.features == features(at) and ex.trainer.iteration == 100
    assert ex.data.inputs == ["x1", "x2", "x1*x2", "`x2` ** 2 / 2"]
    np.testing.assert_array_equal(params(again), params(at))
    assert toggles(again) == ["X1", "X2", "X1·X2"]
    assert again.multiselect(key="features").value == list(features(at))


# ---------------------------------------------------------------------------- predict, export


def test_the_predict_tab_asks_for_the_raw_inputs_only(new_app):
    at = new_app({"dataset": "circle", "features": "x1**2;x2**2;x1*x2"})
    step_n(at, 100)
    open_tab(at, "Predict")
    keys = [n.key for n in at.number_input if str(n.key).startswith("pred_in_")]
    assert keys == ["pred_in_0", "pred_in_1"]
    assert [shown_text(at.number_input(key=k).label) for k in keys] == ["x1", "x2"]
    at.number_input(key="pred_in_0").set_value(0.5)
    at.number_input(key="pred_in_1").set_value(-1.0)
    run(at.button(key="FormSubmitter:predict_form-Predict").click())
    ex = explorer(at)
    x = np.array([[0.5, -1.0, 0.25, 1.0, -0.5]])  # x1, x2, x1², x2², x1·x2 by hand
    p = float(ex.network.forward((x - ex.data.scaler.offset) / ex.data.scaler.divisor)[0, 0])
    assert p > 0.5  # near the centre: inside the circle
    assert "The network also sees the features x1**2, x2**2, x1*x2" in " ".join(
        shown_text(c.value) for c in at.caption
    )
    assert float(metric(at, "Predicted label")) == pytest.approx(p, rel=1e-3)


def test_a_prediction_where_a_feature_has_no_value_says_so(new_app):
    at = new_app({"dataset": "sine"})
    run(at.text_input(key="new_feature").input("sqrt(x + 10)"))
    assert errors(at) == [] and features(at) == ("sqrt(x + 10)",)
    open_tab(at, "Predict")
    at.number_input(key="pred_in_0").set_value(-20.0)
    run(at.button(key="FormSubmitter:predict_form-Predict").click())
    shown = errors(at)
    assert len(shown) == 1 and shown[0].startswith(
        "Feature 'sqrt(x + 10)': the result is not a number (nan) for x = -20"
    ), shown


def test_a_one_input_table_has_no_toggles_but_the_box_works(new_app):
    at = new_app({"dataset": "sine"})
    assert len(at.pills) == 0
    run(at.text_input(key="new_feature").input("sin(x)"))
    at.text_input(key="new_feature").input("x**3")
    run(at.button(key="add_feature").click())
    ex = explorer(at)
    assert ex.settings.features == ("sin(x)", "x**3") and ex.data.raw_inputs == ["x"]
    assert ex.network.layer_sizes[0] == 3 and errors(at) == []
    step_n(at, 100)
    assert views.has_curve(ex) and not views.has_plane(ex)
    curve = figure(at, "curve_chart")  # the live view draws the curve over the raw x
    xs = np.concatenate([array(t["x"]) for t in curve["data"] if t.get("mode") == "lines"])
    table = ex.table
    assert xs.min() < table["x"].min() and xs.max() > table["x"].max()  # raw units
    open_tab(at, "Predict")
    assert [n.key for n in at.number_input if str(n.key).startswith("pred_in_")] == ["pred_in_0"]


def test_the_exports_carry_the_features_and_the_raw_rows(new_app, downloads, tmp_path):
    at = new_app({"dataset": "circle", "features": "x1**2;sin(x2)"})
    step_n(at, 100)
    ex = explorer(at)
    open_tab(at, "Export / share")
    buttons = {b.key: b for b in at.get("download_button")}
    bundle = export.load_model(downloads[buttons["dl_json"].proto.url], "m.json")
    assert bundle.scaler.features == ["x1**2", "sin(x2)"]
    raw = ex.table.loc[ex.data.index, ["x1", "x2"]].to_numpy(float)
    np.testing.assert_allclose(
        bundle.network.forward(bundle.scaler.transform_X(raw)),
        ex.network.forward(ex.data.X_all()),
        rtol=1e-12,
    )
    script = downloads[buttons["dl_script"].proto.url]
    path = tmp_path / "predict.py"
    path.write_bytes(script if isinstance(script, bytes) else script.encode())
    out = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 2 + len(ex.data.index)  # a header, a rule, one line per row
    header = [c.strip() for c in lines[0].split(" | ")]
    assert header[:2] == ["x1", "x2"] and "x1**2" not in header


# ---------------------------------------------------------------------------- the views


def _circle(**overrides) -> Explorer:
    s = replace(Settings.for_preset("circle"), **overrides)
    ex = Explorer(load_preset("circle"), s)
    ex.step(50)
    return ex


def test_the_plane_is_drawn_over_the_two_raw_inputs():
    ex = _circle(features=("x1**2", "x2**2", "x1*x2"))
    assert views.has_plane(ex) and ex.data.n_inputs == 5
    (x0, x1), (y0, y1) = views.plane_ranges(ex)
    table = ex.table
    pad_x = (table.x1.max() - table.x1.min()) * views.PLANE_MARGIN
    assert (x0, x1) == pytest.approx((table.x1.min() - pad_x, table.x1.max() + pad_x))
    pad_y = (table.x2.max() - table.x2.min()) * views.PLANE_MARGIN
    assert (y0, y1) == pytest.approx((table.x2.min() - pad_y, table.x2.max() + pad_y))
    fig = views.plane_view(ex, resolution=12)
    heat = next(t for t in fig.data if t.type in ("heatmap", "contour"))
    xs, ys = np.asarray(heat.x, float), np.asarray(heat.y, float)
    gx, gy = np.meshgrid(xs, ys)
    X = np.column_stack(
        [gx.ravel(), gy.ravel(), gx.ravel() ** 2, gy.ravel() ** 2, gx.ravel() * gy.ravel()]
    )
    z = ex.network.forward((X - ex.data.scaler.offset) / ex.data.scaler.divisor)[:, 0]
    np.testing.assert_allclose(np.asarray(heat.z, float).ravel(), z, rtol=1e-9)
    assert fig.layout.xaxis.title.text == "x1" and fig.layout.yaxis.title.text == "x2"
    thumbs = views.thumbnails_view(ex, resolution=8)
    maps = [t for t in thumbs.data if t.type == "heatmap"]  # one mosaic per layer
    assert sum(len(set(np.asarray(t.customdata).ravel()) - {-1}) for t in maps) == 4 + 4 + 1
    # the diagram's input layer names the features
    assert views.layer_names(ex)[0] == ["x1", "x2", "x1**2", "x2**2", "x1*x2"]


def test_two_raw_inputs_and_one_feature_over_one_of_them():
    ex = _circle(inputs=("x1",), features=("x1**2",))
    assert not views.has_plane(ex) and ex.data.raw_inputs == ["x1"]


def test_a_feature_without_a_value_past_the_data_leaves_those_points_blank():
    # sqrt(x1 + 5): the data's x1 ≥ -5, the plane reaches past it: blank there, no error
    ex = _circle(features=("sqrt(x1 + 5.01)",))
    (x0, _), _ = views.plane_ranges(ex)
    assert x0 < -5.01
    fig = views.plane_view(ex, resolution=20)
    heat = next(t for t in fig.data if t.type in ("heatmap", "contour"))
    z = np.asarray(heat.z, float)
    xs = np.asarray(heat.x, float)
    assert np.isnan(z[:, xs < -5.01]).all() and np.isfinite(z[:, xs > -5.0]).all()
    views.thumbnails_view(ex, resolution=8)
    views.plane_view(ex, resolution=20, patch=True)


def test_the_feature_boxs_example_names_the_first_input_and_is_seen_whole():
    from nnviz.ui.sidebar import PLACEHOLDER_CHARS, _feature_example

    assert _feature_example("x1") == "e.g. sin(x1) or x1**3"
    assert _feature_example("hours_studied") == "e.g. hours_studied**2"
    assert _feature_example("a_column_name_longer_than_the_box") == "an expression"
    for ref in ("x", "bit1", "hours_studied", "`hours studied`", "z" * 40):
        assert len(_feature_example(ref)) <= PLACEHOLDER_CHARS
