"""The loss-landscape and confusion-matrix figures: what they draw and how they look."""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import plotly.io
import pytest
from conftest import array

from nnviz import charts
from nnviz.charts._style import BLUE, DIVERGING, ORANGE, SEQUENTIAL
from nnviz.charts.landscape import NOW_NAME, PATH_NAME, START_NAME, wants_log
from nnviz.charts.metrics import MIN_DEPTH, confusion_shares

ALPHAS = np.linspace(-1, 1, 5)
BETAS = np.linspace(-2, 2, 7)


def bowl(scale=1.0, floor=0.0):
    A, B = np.meshgrid(ALPHAS, BETAS)
    return floor + scale * (A**2 + B**2)


def as_json(fig) -> dict:
    return json.loads(plotly.io.to_json(fig))


def fonts(node, path="") -> list[tuple[str, float]]:
    """Every font size set anywhere in a figure's JSON."""
    found = []
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "size" and "font" in path.rsplit(".", 1)[-1] and isinstance(v, (int, float)):
                found.append((path, v))
            found += fonts(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            found += fonts(v, f"{path}[{i}]")
    return found


def trace(fig: dict, name: str) -> dict:
    (t,) = [t for t in fig["data"] if t.get("name") == name]
    return t


def values(v) -> np.ndarray:
    return array(v)  # typed arrays → NumPy


# ---------------------------------------------------------------------------- landscape


def test_landscape_contours_mark_the_current_weights_and_the_path():
    path = np.array([[-0.8, -1.5], [-0.4, -0.5], [0.0, 0.0]])
    fig = as_json(
        charts.landscape_figure(
            ALPHAS,
            BETAS,
            bowl(floor=0.5),
            path=path,
            path_iterations=[0, 10, 20],
            path_loss=[2.0, 1.0, 0.5],
            center_loss=0.5,
            x_label="α",
            y_label="β",
            title="T",
        )
    )
    loss = trace(fig, "loss")
    assert loss["type"] == "contour" and loss["contours"]["coloring"] == "heatmap"
    np.testing.assert_allclose(values(loss["z"]), bowl(floor=0.5), rtol=1e-6)
    np.testing.assert_allclose(values(loss["x"]), ALPHAS, rtol=1e-6)
    np.testing.assert_allclose(values(loss["y"]), BETAS, rtol=1e-6)
    # set explicitly: the project's scale for unsigned quantities
    assert (
        loss["colorscale"]
        == as_json(go.Figure(go.Contour(colorscale=SEQUENTIAL)))["data"][0]["colorscale"]
    )
    now = trace(fig, NOW_NAME)
    assert now["x"] == [0.0] and now["y"] == [0.0] and now["customdata"] == [0.5]
    p = trace(fig, PATH_NAME)
    np.testing.assert_array_equal(values(p["x"]), path[:, 0])
    np.testing.assert_array_equal(values(p["customdata"])[:, 0], [0, 10, 20])
    assert list(values(trace(fig, START_NAME)["x"])) == [-0.8]
    assert fig["layout"]["yaxis"]["scaleanchor"] == "x"  # α and β in the same units
    assert fig["layout"]["xaxis"]["title"]["text"] == "α"
    assert all(size >= 14 for _, size in fonts(fig)), fonts(fig)


def test_landscape_colours_follow_log_loss_when_it_spans_decades():
    steep = 1e-4 + bowl(scale=10.0)  # 1e-4 … 50
    assert wants_log(steep) and not wants_log(bowl(floor=1.0))
    fig = as_json(charts.landscape_figure(ALPHAS, BETAS, steep))
    loss = trace(fig, "loss")
    np.testing.assert_allclose(values(loss["z"]), np.log10(steep), rtol=1e-5)
    np.testing.assert_allclose(values(loss["customdata"]), steep, rtol=1e-6)  # hover: the loss
    bar = loss["colorbar"]
    assert bar["title"]["text"] == "loss (log scale)"
    assert "0.0001" in bar["ticktext"] and "10" in bar["ticktext"]
    np.testing.assert_allclose(
        [10**v for v in bar["tickvals"]], [float(t) for t in bar["ticktext"]], rtol=1e-9
    )
    assert not loss["contours"]["showlabels"]  # labels would read log₁₀ values
    linear = as_json(charts.landscape_figure(ALPHAS, BETAS, steep, log_color=False))
    np.testing.assert_allclose(values(trace(linear, "loss")["z"]), steep, rtol=1e-6)


def test_landscape_surface_draws_the_path_on_the_loss():
    path = np.array([[-0.5, -1.0], [0.0, 0.0]])
    fig = as_json(
        charts.landscape_figure(
            ALPHAS, BETAS, bowl(), path=path, path_loss=[1.25, 0.0], surface=True
        )
    )
    assert trace(fig, "loss")["type"] == "surface"
    p = trace(fig, PATH_NAME)
    assert p["type"] == "scatter3d" and list(values(p["z"])) == [1.25, 0.0]
    now = trace(fig, NOW_NAME)
    assert (now["x"], now["y"], now["z"]) == ([0.0], [0.0], [0.0])
    assert fig["layout"]["scene"]["zaxis"]["type"] == "linear"
    assert all(size >= 14 for _, size in fonts(fig))


def test_landscape_refuses_a_grid_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"shape \(len\(betas\), len\(alphas\)\)"):
        charts.landscape_figure(ALPHAS, BETAS, bowl().T)


# ---------------------------------------------------------------------------- confusion


def test_confusion_matrix_prints_counts_blue_on_the_diagonal_orange_off_it():
    C = np.array([[5, 1, 0], [2, 6, 2], [0, 0, 0]])
    fig = as_json(charts.confusion_figure(C, ["cat", "dog", "owl"], title="Training rows"))
    (hm,) = fig["data"]
    assert hm["type"] == "heatmap"
    assert hm["x"] == hm["y"] == ["cat", "dog", "owl"]
    assert hm["text"] == [["5", "1", "0"], ["2", "6", "2"], ["0", "0", "0"]]
    z = values(hm["z"])
    share = confusion_shares(C)
    np.testing.assert_allclose(share[:2].sum(axis=1), 1.0)  # each true class's rows: 100 %
    assert np.all(share[2] == 0)  # a class without rows
    np.testing.assert_allclose(values(hm["customdata"]), share)  # the hover's share
    # colour depth: 0 for an empty cell, from MIN_DEPTH (one row) up to 1 (all the rows)
    depth = MIN_DEPTH + (1 - MIN_DEPTH) * share
    np.testing.assert_allclose(np.diag(z)[:2], np.diag(depth)[:2])
    assert z[0, 1] == pytest.approx(-depth[0, 1]) and z[1, 0] == pytest.approx(-depth[1, 0])
    assert z[0, 2] == 0 and z[2, 2] == 0 and -z[0, 1] >= MIN_DEPTH  # a lone mistake shows
    assert (hm["zmin"], hm["zmid"], hm["zmax"]) == (-1, 0, 1)
    assert hm["colorscale"][0][1] == ORANGE and hm["colorscale"][-1][1] == BLUE
    assert [c for _, c in hm["colorscale"]] == [c for _, c in DIVERGING]
    assert fig["layout"]["yaxis"]["autorange"] == "reversed"  # row 0 on top
    assert fig["layout"]["xaxis"]["title"]["text"] == "predicted class"
    assert fig["layout"]["yaxis"]["title"]["text"] == "true class"
    assert all(size >= 14 for _, size in fonts(fig))


def test_confusion_matrix_names_classes_and_refuses_non_counts():
    fig = as_json(charts.confusion_figure([[3, 0], [1, 2]]))
    assert fig["data"][0]["x"] == ["class 0", "class 1"]
    with pytest.raises(ValueError, match="square"):
        charts.confusion_figure([[1, 2, 3], [4, 5, 6]])
    with pytest.raises(ValueError, match="counts"):
        charts.confusion_figure([[1, -1], [0, 2]])
    with pytest.raises(ValueError, match="counts"):
        charts.confusion_figure([[1.5, 0], [0, 2]])


def test_the_3d_landscapes_log_ticks_stay_clear_of_the_bottom_corner():
    import math

    from nnviz.charts.landscape import _z_log_ticks

    surface = np.logspace(0, -8, 21 * 21).reshape(21, 21)  # 1 … 1e-8
    ticks = _z_log_ticks(surface, [0.5, 1e-3])["tickvals"]
    lo, hi = -8.0, 0.0
    assert 2 <= len(ticks) <= 5 and max(ticks) == 1.0
    assert all((math.log10(t) - lo) / (hi - lo) >= 0.125 for t in ticks)
    assert 1e-8 not in ticks
    assert _z_log_ticks(np.full((3, 3), 0.2), None) == {}  # under a decade: Plotly's own
