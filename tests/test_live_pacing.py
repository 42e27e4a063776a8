"""How the live view paces a playing session (nnviz.ui.pace): the frames of a chunk,
the steps each frame trains, the share of a process's time the playing sessions train
in, and which frames each live chart draws."""

from __future__ import annotations

import gc

import pytest

from nnviz.ui import pace


def test_a_chunk_is_five_frames_while_the_server_keeps_up():
    assert pace.chunk_frames(0, 1) == pace.CHUNK_FRAMES
    assert pytest.approx(1 / 6) == pace.CHUNK_FRAMES * pace.FRAME_S


def test_a_slow_answer_gets_a_larger_chunk_up_to_a_second_of_its_own():
    """The browser asks for enough frames to play while it waits for the next chunk."""
    assert pace.chunk_frames(12, 1) == 12
    assert pace.chunk_frames(3, 1) == pace.CHUNK_FRAMES
    assert pace.chunk_frames(500, 1) == pace.MAX_FRAMES
    assert pace.chunk_frames(-4, 1) == pace.CHUNK_FRAMES


@pytest.mark.parametrize("n", [1, 2, 5, 7, 8, 10, 20, 30, 45, 100, 500])
def test_a_process_trains_and_answers_a_bounded_amount_however_many_play(n):
    frames = pace.chunk_frames(0, n)
    seconds = frames * pace.FRAME_S  # of play: at least this long until the next request
    chunks_per_s = n / seconds  # of all n sessions together, at most
    assert chunks_per_s <= max(pace.REFRESHES_PER_S, 1 / pace.interval(1)) + 1e-9
    if n <= pace.REFRESHES_PER_S * pace.interval(1):  # few sessions: every one at full rate
        assert frames == pace.CHUNK_FRAMES
    training = chunks_per_s * pace.budget(frames, n)  # seconds of training per second
    assert training <= pace.SHARE + 1e-9
    assert pace.budget(frames, 1) == pytest.approx(frames * pace.FRAME_S / 3)


def test_the_steps_of_a_chunk_are_the_play_speed_spread_over_its_frames():
    assert pace.frame_steps(100, 5) == [20] * 5
    assert sum(pace.frame_steps(100, 10)) == 200  # a longer chunk trains as long
    assert pace.frame_steps(1, 5) == [0, 0, 0, 0, 1]
    assert pace.frame_steps(7, 5) == [1, 1, 2, 1, 2]
    assert sum(pace.frame_steps(5000, 30)) == 30_000


def test_a_chunk_whose_budget_fits_fewer_steps_spreads_them_over_its_frames():
    """When training is slow for the budget, each frame still moves (a step at least)
    rather than the first ones taking all the steps and the rest repeating a state."""
    assert pace.frame_steps(100, 10, affordable=40.5) == [4] * 10
    assert pace.frame_steps(100, 10, affordable=3) == [1] * 10  # a step a frame at least
    assert pace.frame_steps(100, 5, affordable=1e9) == [20] * 5
    slow = pace.frame_steps(2, 10, affordable=1)  # fewer steps than frames: as planned
    assert sum(slow) == 4 and max(slow) == 1


def test_a_chart_draws_once_per_cadence_across_chunks():
    p = pace.Pace()
    seen = []
    for _ in range(6):
        number, first = p.next_chunk(5)
        seen += [first + i for i in p.due_frames("plane", 0.45, first, 5)]
    assert seen == list(range(0, 30, 14))  # every 14 frames (0.45 s), wherever chunks split
    q = pace.Pace()
    _, first = q.next_chunk(5)
    assert q.due_frames("numbers", 0, first, 5) == [0, 1, 2, 3, 4]
    assert q.due_frames("diagram", 0.1, first, 5) == [0, 3]


def test_a_room_of_playing_sessions_slows_the_charts_as_much_as_the_chunks_grow():
    assert pace.cadence(0.45, 1) == pytest.approx(0.45)
    assert pace.cadence(0.45, 7) == pytest.approx(0.45)  # chunks still five frames
    n = 30
    grown = pace.chunk_frames(0, n) / pace.CHUNK_FRAMES
    assert pace.cadence(0.45, n) == pytest.approx(0.45 * grown, rel=0.1)
    p, q = pace.Pace(), pace.Pace()
    _, first = p.next_chunk(5)
    _, first_q = q.next_chunk(pace.chunk_frames(0, n))
    one = p.due_frames("diagram", pace.cadence(0.1, 1), first, 5)
    many = q.due_frames("diagram", pace.cadence(0.1, n), first_q, pace.chunk_frames(0, n))
    assert len(one) == len(many) == 2  # as many chart frames in a chunk


def test_chunks_are_numbered_and_count_the_frames_played():
    p = pace.Pace()
    assert p.next_chunk(5) == (1, 0)
    assert p.next_chunk(12) == (2, 5)
    assert p.next_chunk(1) == (3, 17)
    assert pace.Pace().sid != p.sid


def test_the_players_are_the_sessions_that_trained_lately():
    players = pace.Players()
    a, b, c = pace.Pace(), pace.Pace(), pace.Pace()
    assert players.playing(a, now=100.0) == 1
    assert players.playing(b, now=100.1) == 2
    assert players.playing(c, now=100.2) == 3
    players.paused(b)
    assert players.playing(a, now=100.3) == 2
    assert players.count() == 2
    # c has not trained for longer than STALE_AFTER: it no longer counts
    assert players.playing(a, now=100.3 + pace.STALE_AFTER + 0.5) == 1


def test_a_closed_session_drops_out_by_itself():
    players = pace.Players()
    keep = pace.Pace()
    players.playing(keep, now=1.0)
    players.playing(pace.Pace(), now=1.0)  # no one holds this one: its session is gone
    gc.collect()
    assert len(players) == 1
