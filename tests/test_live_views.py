"""The live view's patches draw what the whole figures draw (no browser).

While a run plays, the browser keeps each chart's figure and gets patches
(``nnviz.charts.patch``). For every live chart: the figure of an earlier state with
the patch of a later state must equal the figure of the later state, on every
attribute the patch sets — and the patch must set every attribute that differs.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from nnviz import charts
from nnviz.app.explorer import Explorer, Settings
from nnviz.app.views import live as lv
from nnviz.charts.patch import apply_patch, as_array, figure_patch, same


def explorer(name: str, steps: int = 0, **changes) -> Explorer:
    ex = Explorer(None, replace(Settings.for_preset(name), **changes))
    ex.step(steps)
    return ex


def data_attrs(fig: dict) -> list[dict]:
    """Each trace's attributes, flattened to dotted paths, arrays as NumPy."""

    def walk(d, flat, prefix=""):
        for k, v in d.items():
            if isinstance(v, dict) and "bdata" not in v:
                walk(v, flat, f"{prefix}{k}.")
            else:
                flat[prefix + k] = as_array(v) if isinstance(v, dict) else v
        return flat

    return [walk(trace, {}) for trace in fig["data"]]


def assert_same_figure(a: dict, b: dict, *, f32: bool = False) -> None:
    ta, tb = data_attrs(a), data_attrs(b)
    assert len(ta) == len(tb)
    for i, (x, y) in enumerate(zip(ta, tb)):
        assert set(x) == set(y), (i, set(x) ^ set(y))
        for k in x:
            u, v = x[k], y[k]
            if isinstance(u, np.ndarray) and u.dtype.kind in "fi" and f32:
                np.testing.assert_allclose(
                    np.asarray(u, float),
                    np.asarray(v, float),
                    rtol=1e-6,
                    atol=1e-6,
                    err_msg=f"trace {i} {k}",
                )
            else:
                assert same(u, v), (i, k)
    assert (a["layout"].get("title") or {}).get("text") == (b["layout"].get("title") or {}).get(
        "text"
    )


CASES = [
    ("exam_scores", {}),
    ("circle", {"hidden": (4, 3)}),
    ("blobs3", {}),
    ("plane", {}),
    ("spiral", {"hidden": (8,) * 6}),
]


@pytest.mark.parametrize("name,changes", CASES)
def test_patches_of_a_later_state_redraw_the_earlier_figure_as_the_later_one(name, changes):
    ex = explorer(name, 12, **changes)
    early = {
        s.key: (s, s.figure().to_plotly_json(), s.base_info())
        for s in lv.live_specs(ex, log_y=False, replay=False, row=0, playing=True, discretize=False)
    }
    ex.step(20)
    later = lv.live_specs(ex, log_y=False, replay=False, row=0, playing=True, discretize=False)
    assert [s.key for s in later] == list(early)
    for spec in later:
        _, base, info = early[spec.key]
        assert spec.signature() == early[spec.key][0].signature(), spec.key
        frames = spec.frames(base, info, [lv.state_of(ex)])
        assert frames, spec.key
        shown = apply_patch(base, frames[-1])
        assert_same_figure(shown, spec.figure().to_plotly_json(), f32=True)
        # the earlier figure really was different: the patch did something
        assert figure_patch(base, spec.figure())["data"], spec.key


def test_intermediate_states_are_frames_in_order():
    ex = explorer("circle", 5)
    spec = lv.DiagramLive(ex, row=0)
    base, info = spec.figure().to_plotly_json(), spec.base_info()
    states = []
    for _ in range(3):
        ex.step(4)
        states.append(lv.state_of(ex))
    frames = spec.frames(base, info, states)
    assert [apply_patch(base, f)["layout"]["title"]["text"] for f in frames] == [
        f"Iteration {it} · row 0" for it in (9, 13, 17)
    ]
    # the last frame is the explorer now
    assert_same_figure(apply_patch(base, frames[-1]), spec.figure().to_plotly_json(), f32=True)


def test_loss_patches_append_the_tail_and_a_long_tail_resends_the_curve():
    ex = explorer("exam_scores", 10)
    spec = lv.LossLive(ex, log_y=False, replay=False)
    base, info = spec.figure().to_plotly_json(), spec.base_info()
    ex.step(30)
    (frame,) = spec.frames(base, info, [lv.state_of(ex)])
    x = as_array(apply_patch(base, frame)["data"][0]["x"])
    np.testing.assert_array_equal(x, np.arange(40))  # 0 … 9, then the tail 10 … 39
    y = as_array(apply_patch(base, frame)["data"][0]["y"])
    np.testing.assert_allclose(y, ex.trainer.history.train_loss)
    # a frame of an earlier state shows the curve up to that state only
    half = lv.State(25, ex.network.params.copy())
    assert (
        len(as_array(apply_patch(base, spec.frames(base, info, [half])[0])["data"][0]["x"])) == 25
    )
    ex.step(lv.MAX_TAIL + 50)  # the run more than doubled: the whole curve again
    assert spec.frames(base, info, [lv.state_of(ex)]) is None


def test_the_signature_changes_with_the_structure_not_with_training():
    ex = explorer("circle", 12)
    sigs = [
        s.signature()
        for s in lv.live_specs(ex, log_y=False, replay=False, row=0, playing=True, discretize=False)
    ]
    ex.step(10)
    again = [
        s.signature()
        for s in lv.live_specs(ex, log_y=False, replay=False, row=0, playing=True, discretize=False)
    ]
    assert sigs == again
    other = [
        s.signature()
        for s in lv.live_specs(ex, log_y=True, replay=False, row=1, playing=False, discretize=True)
    ]
    assert all(a != b for a, b in zip(sigs, other))  # axis type, row, resolution, discretize


def test_figure_patch_finds_every_difference_and_refuses_another_structure():
    a = charts.loss_figure([0, 1, 2], [3.0, 2.0, 1.0], title="a")
    b = charts.loss_figure([0, 1, 2], [3.0, 2.5, 1.0], title="b")
    patch = figure_patch(a, b)
    assert set(patch["data"]) == {"0"} and "y" in patch["data"]["0"]
    assert patch["layout"]["title.text"] == "b"
    assert_same_figure(apply_patch(a, patch), b.to_plotly_json())
    c = charts.loss_figure([0, 1, 2], [3.0, 2.5, 1.0], [3.0, 2.0, 1.0])  # a test line too
    assert figure_patch(a, c) is None


def test_live_messages_encode_arrays_compactly_and_exactly():
    from nnviz.ui.livechart import _typed, encode

    z = np.linspace(-1, 1, 3600).reshape(60, 60)
    spec = _typed(z)
    assert spec["dtype"] == "f4" and spec["shape"] == "60,60"
    back = as_array(spec)
    np.testing.assert_array_equal(back, z.astype(np.float32))
    assert len(encode({"z": z})) < 0.4 * len(encode({"z": z.tolist()}))
    ints = _typed(np.arange(5))
    np.testing.assert_array_equal(as_array(ints), np.arange(5))
    huge = _typed(np.array([1e300, -np.inf, np.nan]))
    assert np.isnan(as_array(huge)[2]) and np.isfinite(as_array(huge)[:2]).all()
