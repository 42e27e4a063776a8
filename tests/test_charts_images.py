"""Image charts: tiles of one heatmap, labels coloured right/wrong, weights on one scale."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.charts.images import image_grid, weight_images
from nnviz.data import image_layout, pixel_names


def test_a_grid_lays_images_out_as_tiles_of_one_heatmap():
    images = np.arange(5 * 4 * 4, dtype=float).reshape(5, 4, 4)
    fig = image_grid(
        images, labels=list("abcde"), correct=[True, False, None, True, True], columns=3
    )
    (heat,) = fig.data
    z = np.array(heat.z, dtype=float)
    # 2 rows × 3 columns of 4×4: a pixel's gap across, three rows for the labels down
    assert z.shape == (2 * 7, 3 * 5 - 1)
    assert np.array_equal(z[0:4, 5:9], images[1]) and np.array_equal(z[7:11, 0:4], images[3])
    assert np.isnan(z[4:7, :]).all() and np.isnan(z[7:11, 10:14]).all()  # gaps, an empty tile
    assert (heat.zmin, heat.zmax, heat.zmid) == (-79.0, 79.0, 0)  # white is 0, one scale
    colours = [a.font.color for a in fig.layout.annotations]
    assert [a.text for a in fig.layout.annotations] == list("abcde")
    assert colours[0] == "#0877bd" and colours[1] == "#f59322" and colours[2] != colours[1]
    assert fig.layout.yaxis.autorange == "reversed"  # the first pixel row at the top


def test_labels_are_shown_as_text():
    fig = image_grid(np.zeros((1, 2, 2)), labels=["<b>x</b>"])
    assert fig.layout.annotations[0].text == "&lt;b&gt;x&lt;/b&gt;"


def test_first_layer_weights_as_pictures_in_pixel_order():
    layout = image_layout(pixel_names(8)[::-1])  # the inputs in reverse pixel order
    W = np.random.default_rng(0).normal(size=(64, 3))
    fig = weight_images(W, layout.pixels, layout.side)
    z = np.array(fig.data[0].z, dtype=float)
    # pixel (r, c) of neuron j is the weight from input pixels[r * 8 + c]
    assert z[2, 9 + 5] == W[layout.pixels[2 * 8 + 5], 1]  # the second tile, 9 pixels on
    assert fig.data[0].zmax == pytest.approx(np.abs(W).max())
    assert [a.text for a in fig.layout.annotations] == ["h1.1", "h1.2", "h1.3"]
    with pytest.raises(ValueError):
        weight_images(W, layout.pixels[:10], 8)
