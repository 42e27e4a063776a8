"""Memory given back: a server's memory as sessions open and close, and what the garbage
collection that gives it back costs.

    .venv/bin/python benchmarks/bench_memory.py [--sessions 8] [--rounds 3] [--ttl 5]

A Streamlit server (``server.disconnectedSessionTTL`` = ``--ttl``) gets ``--sessions``
sessions of the largest run the app allows (six hidden layers of 16 on 4,500 training
rows, a link that trains 300 steps), over Streamlit's own protocol (nothing drawn), in
``--rounds`` rounds: open them all, close them, wait the TTL, let Streamlit drop them
(another page closes) and the app give their memory back (the next page run). It
prints the server's memory (RSS) at each point — fresh, every session open, after they
closed — for the app as it is (``NNVIZ_GIVE_BACK_S`` = 30) and without giving back
(a collection never due), in the same run.

Then, with the sessions of a round open and idle, the time of a light page's run when
every run collects (``NNVIZ_GIVE_BACK_S=0``) against when none does: the difference is
what one full collection costs, paid at most every 30 s.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from pathlib import Path

import harness

ROOT = Path(__file__).resolve().parents[1]
LARGEST = "dataset=circle&points=5000&train_ratio=0.9&hidden=16-16-16-16-16-16&steps=300"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _rerun(query: str) -> bytes:
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    msg.rerun_script.query_string = query.lstrip("?")
    return msg.SerializeToString()


async def page(url: str, query: str = ""):
    """A session, its first run finished; (the socket, seconds the run took)."""
    import websockets
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    ws = await websockets.connect(
        url.replace("http", "ws", 1) + "/_stcore/stream",
        subprotocols=["streamlit"],
        origin=url,
        max_size=None,
        open_timeout=60,
    )
    t0 = time.perf_counter()
    await ws.send(_rerun(query))
    async for data in ws:
        if ForwardMsg.FromString(data).WhichOneof("type") == "script_finished":
            break
    return ws, time.perf_counter() - t0


async def light(url: str) -> float:
    ws, seconds = await page(url)
    await ws.close()
    return seconds


async def rounds(url: str, pid: int, args) -> dict:
    out: dict = {"fresh": None, "open": [], "closed": []}
    await light(url)
    await asyncio.sleep(args.ttl + 1)
    await light(url)
    await light(url)
    out["fresh"] = rss_mb(pid)
    for _ in range(args.rounds):
        heavy = [(await page(url, "?" + LARGEST))[0] for _ in range(args.sessions)]
        out["open"].append(rss_mb(pid))
        for ws in heavy:
            await ws.close()
        await asyncio.sleep(args.ttl + 1)
        await light(url)  # Streamlit drops the closed sessions
        await light(url)  # the next page run may give their memory back
        out["closed"].append(rss_mb(pid))
    # a light page's run with the sessions of a round open and idle
    idle = [(await page(url, "?" + LARGEST))[0] for _ in range(args.sessions)]
    out["page_s"] = [await light(url) for _ in range(args.pages)]
    for ws in idle:
        await ws.close()
    return out


def measure(give_back_s: str, args) -> dict:
    import os
    import subprocess
    import tempfile

    port = harness.free_port()
    cmd = harness.streamlit_command(
        ROOT / "app.py", port, "--server.disconnectedSessionTTL", str(args.ttl)
    )
    env = {**os.environ, "NNVIZ_GIVE_BACK_S": give_back_s}
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            harness.wait_health(url, proc, log)
            return asyncio.run(rounds(url, proc.pid, args))
        finally:
            harness.stop(proc)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--ttl", type=int, default=5)
    parser.add_argument("--pages", type=int, default=15)
    args = parser.parse_args()
    cases = [("as it is (every 30 s)", "30"), ("never given back", "1e12")]
    cases.append(("collected on every run", "0"))
    results = {name: measure(value, args) for name, value in cases}
    print(f"{args.sessions} sessions of the largest run a round, {args.rounds} rounds:")
    print("| | fresh | all open (each round) | after they closed (each round) | page run p50 |")
    print("| --- | --- | --- | --- | --- |")
    for name, r in results.items():
        opened = " / ".join(f"{v:.0f}" for v in r["open"])
        closed = " / ".join(f"{v:.0f}" for v in r["closed"])
        print(
            f"| {name} | {r['fresh']:.0f} MB | {opened} MB | {closed} MB | "
            f"{statistics.median(r['page_s']) * 1000:.0f} ms |"
        )
    every, never = results["collected on every run"], results["never given back"]
    cost = statistics.median(every["page_s"]) - statistics.median(never["page_s"])
    print(
        f"A full collection with {args.sessions} sessions open costs a page run about "
        f"{cost * 1000:.0f} ms (paid once every 30 s at most)."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
