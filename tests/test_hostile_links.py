"""A link's event log is bounded before it is read: its unpacked size, its number of
events, the replay's work counting every event — and nothing downstream costs more per
event than the event itself (the loss curve's markers, the path a rewind cuts).

Each test builds the attack as a crafted link and asserts the note a person sees and a
bound in bytes or events (times are in ``benchmarks/bench_link.py`` and
``benchmarks/bench_hostile.py``)."""

from __future__ import annotations

import base64
import json
import random
import zlib

import pytest

from nnviz.app import blobs, runlog, urlstate
from nnviz.app.explorer import Explorer
from nnviz.app.linkreplay import start_link_replay
from nnviz.app.settings import Settings
from nnviz.app.urlstate import MAX_LOG_BYTES, encode_log, link_limits, read_link, run_link
from nnviz.app.views import loss_view
from nnviz.charts import loss as loss_chart
from nnviz.data import load_preset
from nnviz.history import History, RunEvent
from nnviz.network import Network


def _log(items: list) -> str:
    """A link's ``log`` as an attacker writes it: any JSON, zlib at its best."""
    raw = json.dumps([1, *items], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")


REWIND = [0, "rewind", 0]
WEIGHT = [0, "weight", [1, 0, 0, 0.5]]


@pytest.fixture
def parsed(monkeypatch):
    """The sizes of the JSON texts the link reader parses."""
    sizes: list[int] = []
    loads = json.loads

    def counting(text, *args, **kwargs):
        sizes.append(len(text))
        return loads(text, *args, **kwargs)

    monkeypatch.setattr(urlstate.json, "loads", counting)
    return sizes


@pytest.mark.parametrize("item, n", [(REWIND, 153_000), (WEIGHT, 60_000)])
def test_a_log_bomb_by_size_is_refused_unread(item, n, parsed):
    text = _log([item] * n)
    assert len(text) <= urlstate.MAX_LOG_PARAM  # it fits in a link
    link = read_link({"dataset": "xor", "steps": "10", "log": text})
    assert link.events == () and link.steps == 0
    [note] = link.notes
    assert note.kind == "warning"
    assert note.text == (
        f"Ignored the link's log (it unpacks to more than {MAX_LOG_BYTES:,} bytes): "
        "replaying none of the run."
    )
    assert parsed == []  # nothing was parsed: unpacking stopped at the cap


def test_the_unpacking_stops_at_the_cap_however_well_it_compresses(monkeypatch):
    seen = []
    inflate = blobs.inflate

    def watched(blob, limit, what):
        try:
            return inflate(blob, limit, what)
        finally:
            seen.append(limit)

    monkeypatch.setattr(urlstate, "inflate", watched)
    bomb = base64.urlsafe_b64encode(zlib.compress(b"[" * 4_000_000, 9)).decode()
    assert len(bomb) < urlstate.MAX_LOG_PARAM  # 4 MB in a link (zlib's best: ~1000:1)
    with pytest.raises(ValueError, match="unpacks to more than 1,000,000 bytes"):
        urlstate.unpack(bomb, "it", urlstate.MAX_LOG_PARAM, MAX_LOG_BYTES)
    assert seen == [MAX_LOG_BYTES]
    with pytest.raises(ValueError, match="unpacks to more than 1,000 bytes"):
        blobs.inflate(zlib.compress(b"[" * 4_000_000), 1000, "it")


def test_every_compressed_link_parameter_goes_through_one_helper(monkeypatch):
    calls = []
    unpack = urlstate.unpack

    def watched(text, what, max_chars, max_bytes):
        calls.append((what, max_bytes))
        return unpack(text, what, max_chars, max_bytes)

    monkeypatch.setattr(urlstate, "unpack", watched)
    ex = Explorer(load_preset("xor").head(40), Settings.for_preset("xor"))
    ex.step(3)
    ex.set_weight(1, 0, 0, 0.25)
    params = run_link(ex)
    assert {"table", "log"} <= set(params)
    read_link(params)
    assert calls == [
        ("the table in the link", urlstate.MAX_CSV_BYTES),
        ("it", MAX_LOG_BYTES),
    ]


def test_a_log_bomb_by_count_is_cut_at_the_most_events_a_link_carries(monkeypatch):
    read = []
    event = urlstate._event
    monkeypatch.setattr(urlstate, "_event", lambda item, it: read.append(1) or event(item, it))
    text = _log([REWIND] * 20_000)
    link = read_link({"dataset": "xor", "steps": "10", "log": text})
    assert len(read) == len(link.events) == runlog.MAX_LINK_EVENTS == 2_000
    assert link.steps == 0  # the run is replayed up to where the first one cut was made
    [note] = link.notes
    assert note.kind == "warning"
    assert note.text == (
        "The link's log holds 20,000 changes (0 of them edited tables); a link carries at "
        "most 2,000 (50 tables), more than a run made by hand needs: the first 2,000 are "
        "replayed, up to iteration 0."
    )


def test_edited_tables_past_their_bound_are_cut_unread(monkeypatch):
    read = []
    table = urlstate._EVENT_VALUES["table"]
    monkeypatch.setitem(urlstate._EVENT_VALUES, "table", lambda v, i: read.append(1) or table(v, i))
    csv = load_preset("xor").head(5).to_csv(index=False)
    items = [[k, "table", csv] for k in range(60)]
    link = read_link({"dataset": "xor", "steps": "100", "log": _log(items)})
    assert len(read) == len(link.events) == runlog.MAX_LINK_TABLES == 50
    assert link.steps == 50 and "60 changes (60 of them edited tables)" in link.notes[0].text


def test_the_replay_counts_every_event_not_only_steps(monkeypatch):
    events = [RunEvent(0, "rewind", 0)] * runlog.MAX_LINK_EVENTS
    table = load_preset("xor")
    cost = runlog.link_cost(events, 0, 17, table, None)
    assert cost.steps == 0 and cost.work == runlog.MAX_LINK_EVENTS * runlog.EVENT_WORK
    # a budget of 100 events' work: the plan stops after 100 of them, with a note
    monkeypatch.setattr(runlog, "LINK_WORK_BUDGET", 100.5 * runlog.EVENT_WORK)
    link = read_link({"dataset": "xor", "steps": "0", "log": encode_log(events)})
    ex = Explorer(link.table, link.settings)
    [note] = start_link_replay(ex, link)
    assert len(ex.link_replay.events) == 100
    assert "up to iteration 0" in note.text
    while ex.link_replay_pending:
        ex.advance_link_replay(0.05)
    assert len(ex.trainer.history.log) == 100


def test_a_refresh_applies_events_for_its_time_only(monkeypatch):
    """All the events due at one iteration are not applied in one refresh: the replay's
    time is checked before each one (here a clock that moves 1 s a reading: one event a
    refresh)."""
    events = [RunEvent(0, "weight", (1, 0, 0, 0.1 * k)) for k in range(30)]
    link = read_link({"dataset": "xor", "steps": "5", "log": encode_log(events)})
    ex = Explorer(link.table, link.settings)
    start_link_replay(ex, link)
    clock = iter(range(10**6))
    monkeypatch.setattr("nnviz.app.linkreplay.time.perf_counter", lambda: float(next(clock)))
    applied = []
    while ex.link_replay_pending and len(applied) < 40:
        before = len(ex.trainer.history.log)
        ex.advance_link_replay(0.5)
        applied.append(len(ex.trainer.history.log) - before)
    assert applied[:30] == [1] * 30  # one event per refresh, never all at once
    assert ex.trainer.iteration == 5 and not ex.link_replay_pending


def test_a_4200_digit_iteration_is_named_by_its_size():
    link = read_link({"dataset": "xor", "steps": "10", "log": _log([[10**4199, "rewind", 0]])})
    [note] = link.notes
    assert len(note.text) < 300
    assert "a 4,200-digit number, is past the last a link may name" in note.text


# ---------------------------------------------------------------------------- the path


class NoWalk(list):
    """A log that may be appended to and measured, never walked."""

    def __iter__(self):
        raise AssertionError("the whole log was walked")


def test_a_rewind_costs_what_it_takes_off_the_path_not_the_log():
    net = Network([2, 2, 1], seed=0)
    h = History(net)
    h.log = NoWalk()
    for k in range(20_000):  # 20,000 rewinds to iteration 0, each with its marker
        h.record(RunEvent(0, "rewind", 0, ((0, "continue", "continued from iteration 0"),)))
        h.truncate(0)
        assert h.n_events == k + 1
    h.record(RunEvent(0, "set", {"learning_rate": 0.1}, ((0, "lr", "η 1 → 0.1"),)))
    assert len(h.events) == 20_001 and h.events[-1][2] == "η 1 → 0.1"


def test_the_path_kept_as_it_grows_is_the_one_derived_from_the_log():
    rng = random.Random(3)
    net = Network([2, 2, 1], seed=0)
    h = History(net)
    it = 0
    for _ in range(3000):
        if rng.random() < 0.3 and it:
            it = rng.randrange(it + 1)
            h.truncate(it)
        else:
            it += rng.randrange(3)
            h.record(RunEvent(it, "weight", (1, 0, 0, 0.0), ((it, "weight", f"w at {it}"),)))
        kept = h.events
        h._derive_path()
        assert h.events == kept
    # a loaded log whose markers are out of order is filtered as the derivation does
    h.record(RunEvent(it, "set", {}, ((it + 50, "x", "late"), (it + 1, "y", "early"))))
    h.truncate(it + 10)
    kept = h.events
    h._derive_path()
    assert h.events == kept and (it + 1, "y", "early") in kept


# ---------------------------------------------------------------------------- the loss curve


def test_the_loss_curve_draws_a_bounded_number_of_markers():
    ex = Explorer(load_preset("xor"), Settings.for_preset("xor"))
    ex.step(200)
    for k in range(60_000):
        ex.trainer.history.record(
            RunEvent(k % 200, "weight", (1, 0, 0, 0.0), ((k % 200, "weight", f"W1 edit {k}"),))
        )
    fig = loss_view(ex)
    shapes, notes = fig.layout.shapes, fig.layout.annotations
    assert len(shapes) == len(notes) <= loss_chart.MAX_MARKERS == 9
    merged = [a for a in notes if a.hovertext]
    assert merged and all(a.text.endswith(" changes") for a in merged)
    assert sum(int(a.text.split()[0].replace(",", "")) for a in notes) == 60_000
    for a in merged:  # the list on hover names a dozen and counts the rest
        lines = a.hovertext.split("<br>")
        assert len(lines) <= loss_chart.HOVER_CHANGES + 1 and lines[-1].endswith(" more")
    assert len(fig.to_json()) < 40_000


def test_one_change_is_drawn_as_it_was():
    fig = loss_chart.loss_figure(
        [0, 1, 2, 3], [1.0, 0.5, 0.3, 0.2], events=[(1, "lr", "η 1 → 0.3"), (3, "lr", "η 0.3 → 1")]
    )
    assert [a.text for a in fig.layout.annotations] == ["η 1 → 0.3", "η 0.3 → 1"]
    assert all(a.hovertext is None for a in fig.layout.annotations)


# ---------------------------------------------------------------------------- the link panel


def test_the_link_panel_says_when_a_runs_log_is_longer_than_a_link_carries():
    ex = Explorer(load_preset("xor"), Settings.for_preset("xor"))
    for k in range(2_500):
        ex.set_weight(1, 0, 0, (k % 7) / 10)
        if k % 500 == 0:
            ex.step(1)
    ex.step(3)
    [limit] = [t for t in link_limits(ex) if "changes" in t]
    assert limit.startswith(
        "This run made 2,500 changes (0 of them edited tables); a link carries at most "
        "2,000 (50 tables), more than a run made by hand needs: the link reproduces the "
        "run up to iteration 4, where its change 2,001 was made."
    )
    link = read_link(run_link(ex))
    assert len(link.events) <= runlog.MAX_LINK_EVENTS and link.steps == 4
