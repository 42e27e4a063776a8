"""Views of image tables: test rows as pictures with their classes, weights as pictures."""

from __future__ import annotations

import numpy as np

from nnviz.app.explorer import Explorer, Settings
from nnviz.app.views import images as iv


def digits(steps: int = 0) -> Explorer:
    ex = Explorer(settings=Settings.for_preset("digits", points=300))
    ex.step(steps)
    return ex


def test_test_rows_as_pictures_labelled_with_the_predicted_class():
    ex = digits(200)
    fig = iv.test_images_view(ex, limit=24)
    z = np.array(fig.data[0].z, dtype=float)
    first = ex.data.test_index[0]
    pixels = ex.table.loc[first, list(ex.data.raw_inputs)].to_numpy(dtype=float).reshape(8, 8)
    assert np.allclose(z[:8, :8], pixels, atol=1e-9)  # the first test row, in grey levels
    predicted = ex.network.forward(ex.data.X_test[:24]).argmax(axis=1)
    truth = ex.data.y_test[:24].argmax(axis=1)
    labels = [a.text for a in fig.layout.annotations]
    for label, p, t in zip(labels, predicted, truth, strict=True):
        assert label == (str(p) if p == t else f"{p} (is {t})")
    colours = {a.font.color for a in fig.layout.annotations}
    assert colours <= {"#0877bd", "#f59322"}


def test_weights_as_one_picture_per_first_layer_neuron():
    ex = digits()
    fig = iv.weight_images_view(ex)
    z = np.array(fig.data[0].z, dtype=float)
    W = ex.network.weights[0]
    assert z[7, 9 + 3] == W[7 * 8 + 3, 1]
    assert len(fig.layout.annotations) == ex.network.layer_sizes[1]
    notes = iv.first_layer_notes(ex)
    assert "16 neurons of the first hidden layer" in notes[0] and "noise" in notes[1]


def test_tables_that_are_not_images_have_no_image_views():
    ex = Explorer(settings=Settings.for_preset("circle"))
    assert iv.layout_of(ex) is None
    assert iv.test_images_view(ex) is None and iv.weight_images_view(ex) is None
    assert iv.first_layer_notes(ex) == []


def test_the_live_images_send_their_pictures_once_then_only_their_labels():
    from nnviz.app.views.live import ImagesLive, live_specs, state_of

    ex = digits(20)
    (spec,) = [s for s in live_specs(ex, log_y=None, replay=False, row=0, playing=True,
                                     discretize=False) if s.key == "images_chart"]  # fmt: skip
    assert isinstance(spec, ImagesLive)
    base = spec.figure().to_plotly_json()
    assert spec.height == base["layout"]["height"]
    ex.step(150)
    (frame,) = spec.frames(base, {}, [state_of(ex)])
    assert set(frame) == {"layout"} and set(frame["layout"]) == {"annotations"}
    now = iv.test_images_view(ex, limit=iv.LIVE_TILES).to_plotly_json()["layout"]["annotations"]
    sent = frame["layout"]["annotations"]
    assert [a["text"] for a in sent] == [a["text"] for a in now]
    assert [a["font"]["color"] for a in sent] == [a["font"]["color"] for a in now]
    assert spec.frames({}, {}, [state_of(ex)]) is None  # no figure there yet: send it whole
