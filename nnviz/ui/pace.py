"""How a playing session's live view is paced: frames, chunks and a fair share.

The browser drives the clock. It shows one state of the run per *frame* (FRAME_S)
and gets them in *chunks*: when the frames it holds are about to run out it asks for
the next chunk, with one request in flight per page, so a slow server gives fewer,
larger chunks and never a queue of them. The run that request starts (a rerun of
the live fragment) trains one chunk — a state per frame — and sends it. Nothing on
the server waits, sleeps or runs on a timer.

This module is the arithmetic of that loop, with no Streamlit in it: how many frames
a chunk holds, how many steps each frame trains, how long a chunk may train, and
which frames each live chart draws (its cadence).

The fair share needs the one fact no session knows alone: how many sessions of this
server process are playing. They all run in one Python interpreter and take turns on
its lock, so each one alone taking a third of the time would, twenty together, leave
nothing for anyone's clicks. ``Players`` is that count: a process-wide registry of the
sessions that played in the last seconds (a weak reference to each one's ``Pace``, so
a closed session drops out by itself). With it, all the playing sessions of a process
together train in at most SHARE of its time and ask for at most REFRESHES_PER_S
chunks a second: past that, each chunk carries more frames instead.
"""

from __future__ import annotations

import math
import secrets
import threading
import time
import weakref
from dataclasses import dataclass, field

FRAME_S = 1 / 30  # the browser shows a new state every frame while playing
CHUNK_FRAMES = 5  # frames of a chunk while the server keeps up: six chunks a second
MAX_FRAMES = 30  # the browser may ask for at most a second of play
SESSION_SHARE = 1 / 3  # of its play time, the share one playing session may train in
SHARE = 0.4  # of a process's time, the share its playing sessions train in together
REFRESHES_PER_S = 45  # chunks a second, of all the playing sessions of one process
STALE_AFTER = 2.0  # seconds without a chunk after which a session no longer plays


def interval(n: int) -> float:
    """Seconds of play a chunk covers at least, when ``n`` sessions of this process
    play: CHUNK_FRAMES frames, or more once they would together ask for more than
    REFRESHES_PER_S chunks a second (each fragment run costs the server a few ms
    beyond its training: past that rate the clicks of everyone would wait)."""
    return max(CHUNK_FRAMES * FRAME_S, n / REFRESHES_PER_S)


def chunk_frames(asked: int, n: int) -> int:
    """Frames in the next chunk: at least CHUNK_FRAMES, at least ``interval(n)`` of
    play, and what the browser asked for (enough frames to play while it waits for
    the next chunk: its measured wait), up to MAX_FRAMES."""
    least = math.ceil(interval(n) / FRAME_S - 1e-9)
    return max(CHUNK_FRAMES, least, min(int(asked or 0), MAX_FRAMES))


def frame_steps(speed: int, frames: int, affordable: float = math.inf) -> list[int]:
    """Training steps of each frame of a chunk: ``speed`` steps per CHUNK_FRAMES
    frames (the play speed is steps per refresh of a sixth of a second), spread
    evenly; a frame may get none at low speeds. When fewer steps fit in the chunk's
    budget (``affordable``: its seconds times the steps per second measured lately),
    that many, still spread over every frame (a step each at least), so that the
    frames show as many different states as they can."""
    total = round(max(int(speed), 0) * frames / CHUNK_FRAMES)
    if total > affordable:
        total = max(min(total, frames), int(affordable))
    return [(total * (k + 1)) // frames - (total * k) // frames for k in range(frames)]


def budget(frames: int, n: int) -> float:
    """Seconds a chunk of ``frames`` may train when ``n`` sessions of this process
    play: SESSION_SHARE of the time it plays, or SHARE / n of it once n sessions
    share the process — all of them together train in at most SHARE of its time."""
    return frames * FRAME_S * min(SESSION_SHARE, SHARE / max(n, 1))


def cadence(every: float, n: int) -> float:
    """A chart's cadence (seconds of play between two of its frames) when ``n``
    sessions of this process play: stretched as their chunks are (``interval``), so
    that a chunk draws as many chart frames however long it is, and a room full of
    playing sessions slows the charts down, never the numbers."""
    return every * interval(n) / interval(1)


def frame_of(seconds: float) -> int:
    """A cadence in seconds of play as a number of frames (at least one)."""
    return max(1, round(seconds / FRAME_S))


@dataclass(eq=False)
class Pace:
    """One session's place in the loop (kept in its session state)."""

    sid: str = field(default_factory=lambda: secrets.token_hex(4))  # this session
    chunk: int = 0  # chunks sent so far (each run of the live view is one)
    frame: int = 0  # frames of play so far: the first frame of the next chunk
    due: dict[str, int] = field(default_factory=dict)  # chart → the frame it draws next
    asked: int = 0  # frames the browser asked for in its last request
    rate: float = math.inf  # training steps a CPU second, measured in the last chunk

    def next_chunk(self, frames: int) -> tuple[int, int]:
        """Number the next chunk of ``frames``; returns (its number, its first frame)."""
        self.chunk += 1
        first = self.frame
        self.frame += frames
        return self.chunk, first

    def due_frames(self, key: str, every_s: float, first: int, frames: int) -> list[int]:
        """The frames of the chunk [first, first + frames) that chart ``key`` draws,
        at most one every ``every_s`` seconds of play (0: every frame); as indices
        into the chunk."""
        step = frame_of(every_s) if every_s > 0 else 1
        at = max(self.due.get(key, first), first)
        out = []
        while at < first + frames:
            out.append(at - first)
            at += step
        self.due[key] = at
        return out


class Players:
    """The sessions of this process that are playing: each one's Pace and when it
    last trained. Weak references: a session that closes drops out by itself, and
    one that has not trained for STALE_AFTER (or three chunk intervals) no longer
    counts."""

    def __init__(self):
        self._last: weakref.WeakKeyDictionary[Pace, float] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def count(self) -> int:
        """How many sessions of this process play (at least one)."""
        with self._lock:
            return max(len(self._last), 1)

    def playing(self, pace: Pace, now: float | None = None) -> int:
        """``pace`` plays now: how many sessions of this process play (it counted)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            self._last[pace] = now
            stale = max(STALE_AFTER, 3 * interval(len(self._last)))
            for p in [p for p, t in self._last.items() if now - t > stale]:
                del self._last[p]
            return max(len(self._last), 1)

    def paused(self, pace: Pace) -> None:
        with self._lock:
            self._last.pop(pace, None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._last)


PLAYERS = Players()
