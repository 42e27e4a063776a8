"""Heavy actions in short pieces: each piece does a bounded amount of work (steps,
parameters, grid points), the pieces together give exactly the action done at once, and
a job can be stopped where it is (``nnviz.app.jobs``)."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.app import jobs
from nnviz.app.explorer import Explorer
from nnviz.app.settings import Settings, preset_table
from nnviz.app.views.landscape import LandscapeComputation, compute_landscape
from nnviz.gradcheck import GradientChecker, gradient_details


def largest() -> Explorer:
    """The largest run the app allows, on 4,500 training rows."""
    s = Settings.for_preset("circle", points=5000, train_ratio=0.9, hidden=(16,) * 6)
    return Explorer(preset_table(s), s)


def xor() -> Explorer:
    return Explorer(preset_table(Settings.for_preset("xor")), Settings.for_preset("xor"))


@pytest.fixture
def clock(monkeypatch):
    """A clock that moves 1 s a reading: every piece does one item, then its time is up."""
    ticks = iter(range(10**9))
    monkeypatch.setattr(jobs.time, "perf_counter", lambda: float(next(ticks)))


def test_step_n_in_pieces_is_the_same_run(clock):
    a, b = xor(), xor()
    a.step(300)
    job = jobs.StepJob(b, 300)
    pieces = 0
    while not job.finished:
        p = job.advance(0.5)
        pieces += 1
        assert p.done == b.trainer.iteration <= 300
    assert pieces >= 2 and b.trainer.iteration == 300
    assert np.array_equal(a.network.params, b.network.params)
    assert np.array_equal(a.trainer.history.train_loss, b.trainer.history.train_loss)


def test_a_stopped_job_says_where_and_a_new_run_ends_it(clock):
    ex = xor()
    job = jobs.StepJob(ex, 10_000)
    job.advance(0.5)
    done = ex.trainer.iteration
    assert 0 < done < 10_000
    assert job.stop() == f"Step ×10,000 stopped after {done:,} of 10,000 steps."
    assert job.finished and job.advance(0.5).done == done and ex.trainer.iteration == done
    job = jobs.StepJob(ex, 100)
    ex.reset()
    assert job.finished


def test_the_gradient_check_in_pieces_is_the_check_at_once(clock):
    ex = xor()
    ex.step(50)
    whole = gradient_details(ex.network, ex.data.X_train, ex.data.y_train, ex.trainer.loss_name)
    job = jobs.GradientCheckJob(ex)
    assert job.sample == ""  # a small run: every row and parameter
    while not job.finished:
        job.advance(0.5)
    got = job.result()
    assert got.max_relative_error == whole.max_relative_error and got.where == whole.where
    np.testing.assert_array_equal(got.relative_errors, whole.relative_errors)


def test_the_gradient_check_of_the_largest_run_is_bounded_and_says_so():
    ex = largest()
    job = jobs.GradientCheckJob(ex)
    assert job.total == jobs.MAX_CHECK_PARAMS < ex.network.n_params
    assert job.checker.X.shape[0] == jobs.MAX_CHECK_ROWS < len(ex.data.X_train)
    assert job.sample == (
        "on 256 of the 4,500 training rows and 400 of the 1,425 parameters (a sample drawn "
        "with seed 0)"
    )
    # the sampled parameters are checked exactly as a full check checks them
    part = GradientChecker(ex.network, job.checker.X, job.checker.y, ex.trainer.loss_name)
    part.check(0)
    assert np.array_equal(part.analytic, job.checker.analytic)


def test_the_landscape_in_pieces_is_the_landscape_at_once(clock):
    ex = xor()
    ex.step(100)
    whole = compute_landscape(ex, "pca", 11)
    job = jobs.LandscapeJob(LandscapeComputation(ex, "pca", 11))
    assert job.title == "Loss landscape 11 × 11" and job.total == 121
    counts = []
    while not job.finished:
        counts.append(job.advance(0.5).done)
    assert len(counts) > 3  # many pieces: each of a bounded number of points
    got = job.result()
    np.testing.assert_array_equal(got.landscape.loss, whole.landscape.loss)
    np.testing.assert_array_equal(got.path_loss, whole.path_loss)


def test_a_piece_is_sized_by_the_pace_it_measured():
    ex = largest()
    job = jobs.LandscapeJob(LandscapeComputation(ex, "random", 41))
    assert job.title == "Loss landscape 23 × 23"  # the grid's own bound, said in its notes
    assert job.computation.notes and "23 × 23 points instead of 41 × 41" in job.computation.notes[0]
    first = job.advance(0.0).done
    assert first == 1  # one point to measure the pace
