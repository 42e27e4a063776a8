"""Memory given back: what a closed session held returns to the system.

Streamlit keeps a closed tab's session for ``server.disconnectedSessionTTL`` (a
reconnect finds it as it was) and drops it at the next change of its store after that
(when another tab closes). What the session held — the run and its history, the
network's work arrays, the live charts' last figures — is then garbage, but garbage in
reference cycles (Streamlit's own session objects refer to each other), which only a
full collection frees; and this app turns off Streamlit's collection after every run
(``runner.postScriptGC = false`` in ``.streamlit/config.toml``: it took most of the
server's time). Freed, the memory then stays in the C library's heap unless the heap
is trimmed.

So :func:`give_back`, called at the end of every page run, does a full collection and
trims the heap — at most once every :data:`GIVE_BACK_S` seconds per process, in
whichever run comes next: a collection of 60–110 ms every 30 s, where one after every
run took most of the server's time. (Freezing the objects of the imports out of the
collections, ``gc.freeze``, would make each cheaper, but it can only happen in a
session's first run, and would freeze that session's own objects with them: its memory
would never come back.) ``benchmarks/bench_memory.py`` measures it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os
import threading
import time

GIVE_BACK_S = float(os.environ.get("NNVIZ_GIVE_BACK_S", "30"))
"""Seconds between two full collections of a server process, at least."""

_lock = threading.Lock()
_last = time.monotonic()


def _libc_trim():
    """glibc's ``malloc_trim``, or None where there is none (another C library)."""
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None


_trim = _libc_trim()


def give_back(now: float | None = None) -> bool:
    """A full collection and a trimmed heap, if GIVE_BACK_S have passed since the last
    one in this process; True if it was done now."""
    global _last
    now = time.monotonic() if now is None else now
    if now - _last < GIVE_BACK_S or not _lock.acquire(blocking=False):
        return False
    try:
        if now - _last < GIVE_BACK_S:
            return False
        gc.collect()
        if _trim is not None:
            _trim(0)
        _last = time.monotonic()
        return True
    finally:
        _lock.release()
