"""Small images: inputs read as the pixels of an n×n image, and the digits nnviz draws."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.data import PRESETS, as_images, image_layout, load_preset, make_digits, pixel_names
from nnviz.data.digits import STROKES


def test_pixels_named_by_row_and_column_in_any_order():
    names = pixel_names(3)
    assert names[:4] == ["pixel_0_0", "pixel_0_1", "pixel_0_2", "pixel_1_0"]
    shuffled = [names[k] for k in (8, 0, 1, 2, 3, 4, 5, 6, 7)]
    layout = image_layout(shuffled)
    assert layout is not None and layout.side == 3 and layout.named
    row = np.array([[80, 0, 1, 2, 10, 11, 12, 20, 21]], dtype=float)  # pixel (r, c) = 10r + c
    assert as_images(row, layout)[0].tolist() == [[0, 1, 2], [10, 11, 12], [20, 21, 80]]


@pytest.mark.parametrize(
    "names",
    [
        [f"r{r}c{c}" for r in range(1, 5) for c in range(1, 5)],  # 1-based
        [f"px{k}" for k in range(16)],
        [str(k) for k in range(1, 17)],
    ],
)
def test_other_pixel_names(names):
    layout = image_layout(names)
    assert layout is not None and layout.side == 4
    assert as_images(np.arange(16.0), layout)[0].tolist() == np.arange(16.0).reshape(4, 4).tolist()


def test_64_numeric_columns_are_an_image_and_other_tables_are_not():
    assert image_layout([f"col{k}" for k in range(64)]).side == 8  # 64: 8×8, named or not
    assert image_layout([f"col{k}" for k in range(64)]).named is False
    assert image_layout(["sepal_length", "sepal_width", "petal_length", "petal_width"]) is None
    assert image_layout(["x1", "x2", "x3", "x4"]) is None  # numbered, but not pixels
    assert image_layout([f"v{k}" for k in range(9)]) is None
    assert image_layout([f"v{k}" for k in range(9)], force=True).side == 3  # the switch
    assert image_layout([f"pixel_{k}" for k in range(10)]) is None  # not a square
    assert image_layout([f"pixel_{r}_{c}" for r in range(17) for c in range(17)]) is None


def test_first_layer_weights_as_images():
    layout = image_layout(pixel_names(8))
    W1 = np.random.default_rng(0).normal(size=(64, 5))
    images = as_images(W1.T, layout)
    assert images.shape == (5, 8, 8) and images[2, 3, 4] == W1[3 * 8 + 4, 2]


def test_the_digits_preset_is_drawn_deterministically():
    a, b = make_digits(n=200, seed=3), make_digits(n=200, seed=3)
    assert a.equals(b)
    assert not a.equals(make_digits(n=200, seed=4))
    assert list(a.columns) == pixel_names(8) + ["digit", "split"]
    pixels = a[pixel_names(8)].to_numpy()
    assert pixels.min() == 0 and pixels.max() == 16
    assert np.array_equal(pixels, np.round(pixels))  # grey levels 0–16
    assert sorted(a["digit"].value_counts().tolist()) == [20] * 10
    assert (a["split"] == "train").sum() == 160


def test_every_digit_is_drawn_with_ink_where_its_strokes_are():
    df = make_digits(n=1000, noise=0.0, seed=0)
    mean = df.groupby("digit")[pixel_names(8)].mean().to_numpy().reshape(10, 8, 8)
    assert set(STROKES) == set(range(10))
    # a 1 is a vertical stroke: its middle columns are darker than its edges; a 0 is a ring:
    # its centre is lighter than the ring around it
    assert mean[1][:, 3:5].mean() > 2 * mean[1][:, [0, 1, 6, 7]].mean()
    assert mean[0][3:5, 3:5].mean() < 0.5 * mean[0][[1, 6], 2:6].mean()
    # the ten digits differ from each other
    flat = mean.reshape(10, -1)
    distances = np.linalg.norm(flat[:, None] - flat[None], axis=2)
    assert np.all(distances[~np.eye(10, dtype=bool)] > 5)


def test_the_digits_preset_has_its_settings():
    p = PRESETS["digits"]
    assert p.inputs == pixel_names(8) and p.targets == ["digit"]
    assert (p.output_activation, p.loss, p.optimizer, p.batch_size) == (
        "softmax",
        "cross_entropy",
        "adam",
        64,
    )
    assert p.task == "multiclass"
    assert len(load_preset("digits", n=20_000)) == 20_000  # the largest table


def test_a_drawn_table_is_kept_and_handed_out_as_a_copy():
    a = load_preset("digits", n=100, seed=9)
    a.loc[0, "pixel_0_0"] = 99.0  # a caller's edit stays the caller's
    b = load_preset("digits", n=100, seed=9)
    assert b.loc[0, "pixel_0_0"] != 99.0 and b.equals(make_digits(n=100, seed=9))
    with pytest.raises(ValueError, match="whole number"):
        load_preset("digits", n=True)  # True == 1, but it is no count of rows
