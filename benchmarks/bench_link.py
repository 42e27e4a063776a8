"""What opening a link at the link budget costs: its replay's training and events, timed.

    .venv/bin/python benchmarks/bench_link.py [--rounds 1]

A link may ask for at most ``MAX_LINK_STEPS`` steps and ``LINK_WORK_BUDGET`` rows ×
parameters × steps (each event counting too: ``nnviz.app.runlog.event_work``). This
replays, as the app does (``advance`` in chunks of the live view's budget), links at
those bounds:

* **work-bound**: the largest network (six hidden layers of 16) on 70 training rows,
  100,000 steps asked for: cut at the work budget;
* **steps-bound**: the largest network trained one row a step, and seed 002's 2-3-1
  network (3 rows), the most steps a link may ask for;
* **small**: xor's default network (140 rows), the most steps;
* **events-bound**: the most changes a link carries (learning-rate changes, all at one
  iteration), on xor;
* **rewinds**: the same number of rewinds at iteration 0 (a log of nothing but them).

It prints the steps and work of each plan and the seconds (wall and CPU) its replay
took, and the time to read the link (parse, checks, plan). Target: about 10 s of
replay at most, a link read in well under a second.
"""

from __future__ import annotations

import argparse
import statistics
import time

from nnviz.app import runlog
from nnviz.app.explorer import Explorer
from nnviz.app.linkreplay import start_link_replay
from nnviz.app.urlstate import encode_log, read_link
from nnviz.history import RunEvent

CHUNK_S = 0.1  # the live view's LINK_BUDGET


def _events_link() -> dict:
    n = runlog.MAX_LINK_EVENTS
    events = [RunEvent(1, "set", {"learning_rate": 0.1 if k % 2 else 0.2}) for k in range(n)]
    return {"dataset": "xor", "steps": "2", "log": encode_log(events)}


def _rewinds_link() -> dict:
    events = [RunEvent(0, "rewind", 0)] * runlog.MAX_LINK_EVENTS
    return {"dataset": "xor", "steps": "1", "log": encode_log(events)}


CASES = {
    "work-bound (6×16 on 70 rows)": lambda: {
        "dataset": "circle",
        "points": "140",
        "train_ratio": "0.5",
        "hidden": "16-16-16-16-16-16",
        "steps": "100000",
    },
    "steps-bound, deep (6×16, one row a step)": lambda: {
        "dataset": "circle",
        "points": "140",
        "train_ratio": "0.5",
        "hidden": "16-16-16-16-16-16",
        "batch_size": "1",
        "steps": str(runlog.MAX_LINK_STEPS),
    },
    "steps-bound (2-3-1, 3 rows)": lambda: {
        "dataset": "exam_scores",
        "steps": str(runlog.MAX_LINK_STEPS),
    },
    "small (xor 2-4-1, 140 rows)": lambda: {
        "dataset": "xor",
        "steps": str(runlog.MAX_LINK_STEPS),
    },
    "events-bound (2,000 changes at one iteration)": _events_link,
    "rewinds (2,000 at iteration 0)": _rewinds_link,
}


def replay(params: dict) -> dict:
    t0, c0 = time.perf_counter(), time.process_time()
    link = read_link(params)
    ex = Explorer(link.table, link.settings)
    start_link_replay(ex, link)
    read_s = time.perf_counter() - t0
    plan = ex.link_replay
    steps, end = (plan.total, plan.end) if plan else (0, 0)
    t1, c1 = time.perf_counter(), time.process_time()
    chunks = 0
    while ex.link_replay_pending:
        ex.advance_link_replay(CHUNK_S)
        chunks += 1
    return {
        "read_s": read_s,
        "steps": steps,
        "end": end,
        "events": len(link.events),
        "work": ex.network.n_params,
        "wall_s": time.perf_counter() - t1,
        "cpu_s": time.process_time() - c1 + (c1 - c0),
        "chunks": chunks,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    print(
        f"budget: {runlog.MAX_LINK_STEPS:,} steps, {runlog.LINK_WORK_BUDGET:.2g} rows × "
        f"parameters × steps, {runlog.MAX_LINK_EVENTS:,} changes"
    )
    print("| link | steps | events | read | replay (wall) | replay (CPU) | chunks |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, make in CASES.items():
        runs = [replay(make()) for _ in range(args.rounds)]
        r = runs[0]
        wall = statistics.median(x["wall_s"] for x in runs)
        cpu = statistics.median(x["cpu_s"] for x in runs)
        read = statistics.median(x["read_s"] for x in runs)
        print(
            f"| {name} | {r['steps']:,} | {r['events']:,} | {read:.3f} s | {wall:.1f} s | "
            f"{cpu:.1f} s | {r['chunks']} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
