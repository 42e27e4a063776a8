"""How the live view shares one server process between its playing sessions: the
refresh interval and training budget per session, and the hold that paces a refresh
without delaying a click (nnviz.ui.live)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from streamlit.runtime.scriptrunner_utils.script_requests import RerunData, ScriptRequests

from nnviz.ui import live


def test_one_session_refreshes_every_tick_with_the_whole_budget():
    assert live.interval(1) == live.TICK
    assert live.fair_budget(1) == live.BUDGET


@pytest.mark.parametrize("n", [1, 2, 5, 6, 7, 10, 20, 45, 100, 500])
def test_a_process_refreshes_and_trains_a_bounded_amount_however_many_play(n):
    per_second = n / live.interval(n)  # refreshes of all n sessions together
    assert per_second <= max(live.REFRESHES_PER_S, 1 / live.TICK) + 1e-9
    if n <= live.REFRESHES_PER_S * live.TICK:  # few sessions: every one at full rate
        assert live.interval(n) == live.TICK
    training = per_second * live.fair_budget(n)  # seconds of training per second
    assert training <= live.SHARE + 1e-9
    assert live.fair_budget(n) > 0


def test_the_interval_grows_with_the_sessions_past_the_process_rate():
    n = 2 * live.REFRESHES_PER_S
    assert live.interval(n) == pytest.approx(2.0)
    assert live.interval(2 * n) == pytest.approx(2 * live.interval(n))


@pytest.fixture
def requests(monkeypatch):
    """This run's pending requests, as Streamlit's script runner holds them."""
    reqs = ScriptRequests()
    monkeypatch.setattr(live, "get_script_run_ctx", lambda: SimpleNamespace(script_requests=reqs))
    return reqs


def test_a_waiting_click_is_seen_and_a_timed_refresh_is_not(requests):
    assert not live._click_waiting()
    requests.request_rerun(RerunData(fragment_id="live"))  # the fragment's own timer
    assert not live._click_waiting()
    requests.request_rerun(RerunData())  # a button: the whole page
    assert live._click_waiting()


def test_a_closing_session_ends_the_hold(requests):
    requests.request_stop()  # the browser went away
    assert live._click_waiting()


class Clock:
    """perf_counter and sleep on a fake clock; ``at`` calls a function at a time."""

    def __init__(self, monkeypatch, at: float = float("inf"), then=None):
        self.now, self.slept, self.at, self.then = 0.0, [], at, then
        monkeypatch.setattr(live.time, "perf_counter", lambda: self.now)
        monkeypatch.setattr(live.time, "sleep", self.sleep)

    def sleep(self, s: float) -> None:
        self.slept.append(s)
        self.now += s
        if self.now >= self.at and self.then:
            self.then()
            self.then = None


def test_a_held_refresh_lasts_its_interval_in_short_sleeps(monkeypatch, requests):
    n = 2 * live.REFRESHES_PER_S  # an interval of 2 s
    clock = Clock(monkeypatch)
    live.hold(0.0, n)
    assert clock.now == pytest.approx(live.interval(n))
    assert max(clock.slept) <= live.HOLD_SLICE


def test_a_click_ends_the_hold_at_once(monkeypatch, requests):
    n = 2 * live.REFRESHES_PER_S
    clock = Clock(monkeypatch, at=0.3, then=lambda: requests.request_rerun(RerunData()))
    live.hold(0.0, n)
    assert 0.3 <= clock.now <= 0.3 + live.HOLD_SLICE + 1e-9


def test_few_sessions_are_not_held(monkeypatch, requests):
    clock = Clock(monkeypatch)
    live.hold(0.0, 1)
    assert clock.slept == []


# ------------------------------------------------------------ one click, one action
class Ctx:
    """A script run: a live refresh (a fragment run) or a run of the whole page."""

    def __init__(self):
        self.fragment_ids_this_run = None


@pytest.fixture
def run_ctx(monkeypatch):
    from nnviz.ui import controls

    ctx = Ctx()
    monkeypatch.setattr(controls, "SS", {})
    monkeypatch.setattr(controls, "get_script_run_ctx", lambda: ctx)
    clock = [100.0]
    monkeypatch.setattr(controls.time, "monotonic", lambda: clock[0])
    return controls, ctx, clock


def test_a_click_delivered_in_a_refresh_and_again_in_its_own_run_acts_once(run_ctx):
    controls, ctx, clock = run_ctx
    calls = []
    pause = controls.once_per_click("play")(calls.append)
    ctx.fragment_ids_this_run = ["live"]  # the timer's refresh carried the click
    pause(False)
    ctx.fragment_ids_this_run = None  # then the click's own run, the button drawn anew
    clock[0] += 0.01
    pause(True)
    assert calls == [False]


def test_clicks_in_runs_of_the_page_all_act(run_ctx):
    controls, ctx, clock = run_ctx
    calls = []
    play = controls.once_per_click("play")(calls.append)
    step = controls.once_per_click("step")(calls.append)
    for value in (True, False, True):  # quick clicks, each in its own run
        play(value)
        clock[0] += 0.05
    ctx.fragment_ids_this_run = ["live"]
    play(False)  # delivered in a refresh …
    clock[0] += 0.01
    step(1)  # … and another button right after: a click of its own
    clock[0] += controls.REPEAT_WINDOW
    ctx.fragment_ids_this_run = None
    play(True)  # past the window: a new click
    assert calls == [True, False, True, False, 1, True]
