"""The Lessons tab through AppTest: both tutorials walked end to end on the live network.

Every step's matrices on the page are compared with what ``nnviz.app.lessons`` computes
from the session's explorer, and "Run this step" is checked to act on the live run
(the iteration metric above the tabs, the sidebar's settings, the table) as the rest
of the app does.
"""

from __future__ import annotations

import re

import numpy as np
from conftest import (
    array,
    chart_keys,
    click,
    explorer,
    figure,
    iteration,
    metric,
    open_tab,
    params,
    run,
    shown_text,
    step_n,
)

from nnviz.app import lessons
from nnviz.app.explorer import Explorer
from nnviz.app.settings import Settings
from nnviz.data import load_preset


def shown_step(at) -> str:
    """The lesson step's heading ("3. Forward propagation")."""
    (header,) = [h for h in (shown_text(h.value) for h in at.subheader) if re.match(r"\d+\. ", h)]
    return header


def check_matrices(at, step) -> None:
    """The page shows exactly the step's matrices of the live network."""
    expected = lessons.step_matrices(explorer(at), step)
    keys = [k for k in chart_keys(at) if k.startswith("lesson_matrix_")]
    assert keys == [f"lesson_matrix_{i}" for i in range(len(expected))], (step.key, keys)
    for i, m in enumerate(expected):
        z = array(figure(at, f"lesson_matrix_{i}")["data"][0]["z"])
        np.testing.assert_allclose(z, np.atleast_2d(m.value), rtol=1e-12, err_msg=m.name)
    captions = [shown_text(md.value) for md in at.markdown]
    for m in expected:
        assert any(c.startswith(f"**`{m.name}`**") and "shape " in c for c in captions), m.name


def test_the_exam_lesson_walked_end_to_end_predicts_about_90_points(at):
    open_tab(at, "Lessons")
    assert at.radio(key="lesson").value == "exam_scores"  # the app opens on seed 002's data
    lesson = lessons.EXAM_SCORES
    n = len(lesson.steps)
    assert at.slider(key="lesson_step").value == 1 and at.slider(key="lesson_step").max == n
    assert at.button(key="lesson_back").disabled
    click(at, "lesson_run")  # step 1: load the lesson's network
    assert iteration(at) == 0 and explorer(at).settings == lesson.settings(0)
    for k, step in enumerate(lesson.steps, start=1):
        assert at.slider(key="lesson_step").value == k
        assert shown_step(at) == f"{k}. {step.title}"
        assert any(step.formula == c.value for c in at.code)
        check_matrices(at, step)
        if step.action is not None and step.action.kind == "train":
            before = iteration(at)
            assert at.button(key="lesson_run").label == step.action.label_at(before)
            click(at, "lesson_run")
            assert iteration(at) == before + step.action.steps_from(before)  # the live run
            check_matrices(at, step)  # … and the step shows its new matrices
        if step.chart == "loss":
            assert "lesson_loss" in chart_keys(at)
        if k < n:
            click(at, "lesson_next")
    assert at.button(key="lesson_next").disabled
    ex = explorer(at)
    assert ex.trainer.iteration == iteration(at) == 1000
    points = lessons.prediction(ex)
    assert 80 <= points <= 100
    assert metric(at, "Predicted test_score for (4 h, 8 h)") == f"{points:.1f} points"
    # the Predict tab, from the same model, agrees (its default row is the table's (4, 8))
    open_tab(at, "Predict")
    assert [at.number_input(key=f"pred_in_{i}").value for i in (0, 1)] == [4.0, 8.0]
    assert float(metric(at, "Predicted test_score")) == float(f"{points:.4g}")
    ref = lessons.EXAM_SCORES.explorer()  # the same walk, without the app
    for step in lesson.steps:
        if step.action is not None and step.action.kind == "train":
            lessons.perform(ref, step)
    np.testing.assert_array_equal(params(at), ref.network.params)
    # saved weights: the page shows the files np.savetxt writes
    open_tab(at, "Lessons")
    assert at.slider(key="lesson_step").value == n  # the lesson kept its place
    files = lessons.saved_weights(ex)
    texts = [t.strip() for t in files.values()]
    assert [c.value.strip() for c in at.code if c.value.strip() in texts] == texts


def test_the_three_bits_lesson_loads_its_network_and_trains_it(at):
    open_tab(at, "Lessons")
    run(at.radio(key="lesson").set_value("three_bits"))
    lesson = lessons.THREE_BITS
    assert at.slider(key="lesson_step").value == 1
    assert any("not quite this lesson's" in shown_text(i.value) for i in at.info)
    # before loading, a train step refuses: the live network is seed 002's
    run(at.slider(key="lesson_step").set_value(11))
    assert shown_step(at) == "11. Step 8: update W₁ and b₁"
    assert at.button(key="lesson_run").disabled
    run(at.slider(key="lesson_step").set_value(1))
    click(at, "lesson_run")
    ex = explorer(at)
    assert ex.settings == Settings.for_preset("three_bits", seed=0)
    assert at.session_state["dataset"] == "three_bits"  # the sidebar shows it
    assert at.session_state["table"].equals(load_preset("three_bits"))
    assert ex.network.layer_sizes == (3, 5, 1) and iteration(at) == 0
    assert not any("not quite" in shown_text(i.value) for i in at.info)
    np.testing.assert_array_equal(
        params(at), Explorer(load_preset("three_bits"), lesson.settings(0)).network.params
    )
    for k, step in enumerate(lesson.steps[:11], start=1):
        assert shown_step(at) == f"{k}. {step.title}"
        check_matrices(at, step)
        if k < 11:
            click(at, "lesson_next")
    # step 8: the updates steps 4 and 8 showed are what one training step does
    by_name = {m.name: m.value for s in lesson.steps for m in lessons.step_matrices(ex, s)}
    click(at, "lesson_run")
    assert iteration(at) == 1
    np.testing.assert_array_equal(explorer(at).network.weights[0], by_name["new w1"])
    np.testing.assert_array_equal(explorer(at).network.weights[1], by_name["new w2"])
    click(at, "lesson_next")  # the training loop: up to iteration 100
    assert shown_step(at) == "12. The training loop"
    click(at, "lesson_run")
    assert iteration(at) == 100 and metric(at, "Iteration") == "100"
    click(at, "lesson_next")
    assert shown_step(at) == "13. The test rows"
    check_matrices(at, lesson.steps[-1])
    assert metric(at, "Test rows right") == f"{explorer(at).metrics().test_score:.0%}"


def test_loading_the_lesson_mid_run_starts_it_again_and_replays_are_shown(at):
    step_n(at, 10)
    first = Explorer().network.params
    assert not np.array_equal(params(at), first)
    open_tab(at, "Lessons")
    run(at.slider(key="lesson_step").set_value(3))
    run(at.radio(key="lesson").set_value("three_bits"))
    assert at.slider(key="lesson_step").value == 1  # another lesson starts at its step 1
    run(at.radio(key="lesson").set_value("exam_scores"))
    click(at, "lesson_run")  # the same network as now: back to its initial weights
    assert iteration(at) == 0
    np.testing.assert_array_equal(params(at), first)
    step_n(at, 10)
    # a replayed snapshot: the lesson shows its matrices, and Run this step ends the replay
    click(at, "replay")
    run(at.select_slider(key="replay_at").set_value(4))
    click(at, "lesson_next")
    assert shown_step(at) == "2. The network"
    _, W, _ = explorer(at).trainer.history.snapshot_at(4)
    np.testing.assert_array_equal(array(figure(at, "lesson_matrix_0")["data"][0]["z"]), W[0])
    assert any("replayed iteration 4" in shown_text(c.value) for c in at.caption)
    run(at.slider(key="lesson_step").set_value(6))
    click(at, "lesson_run")
    assert at.session_state["replay_index"] is None and iteration(at) == 11
