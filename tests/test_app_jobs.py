"""Heavy actions on the page (Step ×N, the gradient check, the loss landscape) go on in
pieces of bounded work, each run of the live view doing one, with a progress bar and a
Stop; what a piece may do is bounded in steps, parameters and grid points, not seconds.

``pieces`` makes every piece exactly one item (a step, a parameter, a grid point): a
piece works for its time budget and one item at least, and the budgets are set to 0.
AppTest runs the live fragment once per page run (the browser's "next chunk" never
comes), so each ``run`` is one piece.
"""

from __future__ import annotations

import pytest
from conftest import (
    click,
    explorer,
    infos,
    iteration,
    run,
    shown_text,
    toasts,
    until_done,
    warnings,
)

from nnviz.app.jobs import MAX_CHECK_PARAMS, MAX_CHECK_ROWS
from nnviz.ui import jobs, pace

LARGEST = {
    "dataset": "circle",
    "points": 5000,
    "train_ratio": 0.9,
    "hidden": "16-16-16-16-16-16",
}


def one_item_pieces(monkeypatch) -> None:
    """Every piece of a job does one item: no time budget beyond the first item."""
    monkeypatch.setattr(jobs, "FIRST_PIECE_S", 0.0)
    monkeypatch.setattr(jobs, "MIN_PIECE_S", 0.0)
    monkeypatch.setattr(pace, "budget", lambda frames, n: 0.0)


@pytest.fixture
def pieces(monkeypatch):
    one_item_pieces(monkeypatch)


def step_n(at, n: int):
    """Step ×N clicked (not followed to its end)."""
    at.selectbox(key="step_n_count").set_value(n)
    return click(at, "step_n")


def open_tab(at, title: str):
    """A tab chosen (the work it starts not followed to its end)."""
    at.session_state["tab"] = title
    return run(at)


def progress_text(at) -> list[str]:
    return [shown_text(p.proto.text) for p in at.get("progress")]


def stop_label(at) -> str | None:
    found = [b for b in at.button if b.key == jobs.STOP_KEY]
    return found[0].label if found else None


def captions(at) -> list[str]:
    return [shown_text(c.value) for c in at.caption]


def test_step_n_on_the_largest_run_is_not_done_in_the_click(new_app):
    """The largest network on its largest table: ×1000 is left to the live view's
    chunks once the click's run has done its first piece (bounded in steps)."""
    at = new_app(LARGEST)
    step_n(at, 1000)
    done = iteration(at)
    assert 0 < done < 1000
    assert progress_text(at) == [f"Step ×1,000: {done:,} of 1,000 steps"]
    assert stop_label(at) == "Stop stepping"
    click(at, jobs.STOP_KEY)
    assert iteration(at) == done and not progress_text(at) and stop_label(at) is None
    assert f"Step ×1,000 stopped after {done:,} of 1,000 steps." in toasts(at)
    run(at)
    assert iteration(at) == done == explorer(at).trainer.iteration


def test_step_n_goes_on_a_piece_a_run_and_stops_where_it_is(at, pieces):
    step_n(at, 1000)
    # the click's first piece and the live view's piece in the same run: one step each
    assert iteration(at) == 2 and progress_text(at) == ["Step ×1,000: 2 of 1,000 steps"]
    for k in range(3, 6):
        run(at)
        assert iteration(at) == k and progress_text(at) == [f"Step ×1,000: {k:,} of 1,000 steps"]
    click(at, jobs.STOP_KEY)
    assert iteration(at) == 5 and not progress_text(at)
    assert "Step ×1,000 stopped after 5 of 1,000 steps." in toasts(at)
    run(at)
    assert iteration(at) == 5


@pytest.mark.parametrize("action", ["step", "play", "reset"])
def test_a_training_click_ends_a_step_n_under_way(at, pieces, action):
    step_n(at, 100)
    assert iteration(at) == 2
    click(at, action)
    assert not progress_text(at) and jobs.RUNNING not in at.session_state
    assert "Step ×100 stopped after 2 of 100 steps." in toasts(at)
    if action == "step":
        assert iteration(at) == 3


def test_a_small_step_n_is_done_in_the_click(at):
    step_n(at, 1000)
    assert iteration(at) == 1000 and not progress_text(at) and stop_label(at) is None


def test_the_gradient_check_of_the_largest_run_goes_on_in_pieces_and_stops(new_app, pieces):
    at = new_app(LARGEST)
    open_tab(at, "Check & edit")
    click(at, "run_gradcheck")
    assert progress_text(at) == [f"Gradient check: 2 of {MAX_CHECK_PARAMS} parameters"]
    assert stop_label(at) == "Stop the check"
    assert at.button(key="run_gradcheck").disabled
    assert "Under way: its progress bar and Stop are above the live charts." in captions(at)
    run(at)
    assert progress_text(at) == [f"Gradient check: 3 of {MAX_CHECK_PARAMS} parameters"]
    click(at, jobs.STOP_KEY)
    assert not progress_text(at) and not at.button(key="run_gradcheck").disabled
    assert f"Gradient check stopped after 3 of {MAX_CHECK_PARAMS} parameters." in toasts(at)
    iteration_, result = at.session_state["gradcheck"]
    assert iteration_ == 0 and (result.relative_errors > 0).sum() <= 3
    said = " ".join(shown_text(s.value) for s in [*at.success, *at.warning])
    assert (
        f"Iteration 0 (on {MAX_CHECK_ROWS} of the 4,500 training rows and {MAX_CHECK_PARAMS} "
        "of the 1,425 parameters (a sample drawn with seed 0); stopped after 3 of the "
        f"{MAX_CHECK_PARAMS} parameters)"
    ) in said


def test_the_gradient_check_in_pieces_ends_with_the_whole_check(at, monkeypatch):
    run(at.selectbox(key="dataset").set_value("xor"))
    until_done(step_n(at, 10))
    one_item_pieces(monkeypatch)
    open_tab(at, "Check & edit")
    click(at, "run_gradcheck")
    total = explorer(at).network.n_params
    for _ in range(total):
        if jobs.RUNNING not in at.session_state:
            break
        run(at)
    assert jobs.RUNNING not in at.session_state and not progress_text(at)
    it, result = at.session_state["gradcheck"]
    assert it == 10 and result.max_relative_error < 1e-6
    assert any("Iteration 10: largest relative error" in s.value for s in at.success)


def test_the_landscape_goes_on_in_pieces_and_a_stopped_one_is_not_restarted(at, monkeypatch):
    until_done(step_n(at, 10))
    one_item_pieces(monkeypatch)
    open_tab(at, "Loss landscape")
    assert progress_text(at) == ["Loss landscape 21 × 21: 2 of 441 points"]
    assert stop_label(at) == "Stop the landscape"
    assert "Computing: its progress bar and Stop are above the live charts." in captions(at)
    run(at)
    assert progress_text(at) == ["Loss landscape 21 × 21: 3 of 441 points"]
    click(at, jobs.STOP_KEY)
    assert "Loss landscape 21 × 21 stopped after 3 of 441 points." in toasts(at)
    assert not progress_text(at) and "_landscape" not in at.session_state
    assert "No landscape computed yet: press **Recompute**." in infos(at)
    run(at)  # a stopped computation is not started again by itself
    assert jobs.RUNNING not in at.session_state
    monkeypatch.undo()  # pieces of their time budget again: a small grid takes one or two
    click(at, "landscape_recompute")
    for _ in range(20):
        if jobs.RUNNING not in at.session_state:
            break
        run(at)
    result = at.session_state["_landscape"]
    assert result.resolution == 21 and result.stamp.iteration == 10
    assert not progress_text(at) and not infos(at)


def test_another_heavy_action_ends_the_one_under_way(at, pieces):
    step_n(at, 1000)
    open_tab(at, "Check & edit")
    assert iteration(at) == 3  # the tab's run was a piece too
    click(at, "run_gradcheck")
    assert "Step ×1,000 stopped after 3 of 1,000 steps." in toasts(at)
    assert progress_text(at)[0].startswith("Gradient check: 2 of ")
    assert iteration(at) == 3 and not warnings(at)
