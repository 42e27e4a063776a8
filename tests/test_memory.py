"""What closed sessions held comes back: a real server, sessions opened and closed.

Six sessions open the largest run the app allows (its network's work arrays, the
table, the charts: tens of MB each) and close. Streamlit keeps a closed session for
``server.disconnectedSessionTTL`` (2 s here) and drops it when its store next changes
(another session closing); the app's next page run then collects the garbage and trims
the heap (``nnviz.ui.memory``; every page run here: ``NNVIZ_GIVE_BACK_S=0``). The
server's memory must come back to within a bound of where it was. (The figures of a
longer run are in ``benchmarks/bench_memory.py``.)
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
TTL_S = 2
LARGEST = "dataset=circle&points=5000&train_ratio=0.9&hidden=16-16-16-16-16-16&steps=50"
BACK_WITHIN_MB = 40  # of the memory before the sessions opened
SESSIONS = 6


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@contextlib.contextmanager
def server():
    port = _free_port()
    env = {**os.environ, "NNVIZ_GIVE_BACK_S": "0"}
    cmd = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.headless", "true", "--server.port", str(port),
        "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
        "--server.disconnectedSessionTTL", str(TTL_S),
    ]  # fmt: skip
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            deadline = time.monotonic() + 90
            while True:
                with (
                    contextlib.suppress(OSError),
                    opener.open(url + "/_stcore/health", timeout=2) as r,
                ):
                    if r.read().strip() == b"ok":
                        break
                assert proc.poll() is None and time.monotonic() < deadline, "no server"
                time.sleep(0.2)
            yield url, proc.pid
        finally:
            proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(20)
            if proc.poll() is None:
                proc.kill()


def _rerun(query: str, page_hash: str) -> bytes:
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    msg.rerun_script.query_string = query.lstrip("?")
    msg.rerun_script.page_script_hash = page_hash
    return msg.SerializeToString()


async def _open(url: str, query: str = ""):
    """A page's session over Streamlit's protocol: connected, its first run finished."""
    import websockets
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    ws = await websockets.connect(
        url.replace("http", "ws", 1) + "/_stcore/stream",
        subprotocols=["streamlit"],
        origin=url,
        max_size=None,
        open_timeout=60,
    )
    await ws.send(_rerun(query, ""))
    async with asyncio.timeout(120):
        async for data in ws:
            if ForwardMsg.FromString(data).WhichOneof("type") == "script_finished":
                break
    return ws


async def one_page(url: str) -> None:
    """A light page opened and closed: its run gives memory back; its closing makes
    Streamlit drop the sessions whose TTL has passed."""
    ws = await _open(url)
    await ws.close()


async def scenario(url: str, pid: int) -> tuple[float, float, float]:
    """(memory before, with the heavy sessions open, after they closed) in MB."""
    await one_page(url)  # the imports and a first page
    await asyncio.sleep(TTL_S + 1)
    await one_page(url)
    await one_page(url)
    before = rss_mb(pid)
    heavy = [await _open(url, "?" + LARGEST) for _ in range(SESSIONS)]
    held = rss_mb(pid)
    for ws in heavy:
        await ws.close()
    await asyncio.sleep(TTL_S + 1)
    await one_page(url)  # Streamlit drops the closed sessions …
    await one_page(url)  # … and the next page run collects them
    return before, held, rss_mb(pid)


def test_the_memory_of_closed_sessions_comes_back():
    # a loop of its own in a thread: the browser tests' Playwright keeps one running in
    # this thread when the whole suite runs in one process
    with server() as (url, pid), ThreadPoolExecutor(1) as pool:
        before, held, after = pool.submit(asyncio.run, scenario(url, pid)).result()
    assert held - before > 60, (before, held)  # the sessions did hold memory
    assert after - before < BACK_WITHIN_MB, (before, held, after)


def test_a_run_at_rest_holds_no_work_arrays_and_goes_on_bit_for_bit():
    from nnviz.app.explorer import Explorer
    from nnviz.app.settings import Settings, preset_table

    s = Settings.for_preset("circle", points=2000, train_ratio=0.9, hidden=(16,) * 6)
    a, b = Explorer(preset_table(s), s), Explorer(preset_table(s), s)
    a.step(20)
    for _ in range(4):
        b.step(5)
        b.predictions()  # a forward pass over every row: the network keeps its arrays
        b.release_work_arrays()
        t = b.trainer
        assert t._ws == {} and t._ws_full is None and not t.network._workspaces
    assert np.array_equal(a.network.params, b.network.params)
    assert np.array_equal(a.trainer.history.train_loss, b.trainer.history.train_loss)
