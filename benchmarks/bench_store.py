"""Saving and restoring runs in the run store: time per save and per restore, and the row's size.

    .venv/bin/python benchmarks/bench_store.py [--quick] [--no-postgres]

Cases (each on a temporary SQLite file, and on a throwaway PostgreSQL cluster when
Debian's postgresql is installed):

* default: the app's default run (exam_scores, 2-3-1) after 2,000 steps;
* spiral 6×8: spiral with six hidden layers of 8 (393 parameters, batch 10, Adam) after
  100,000 steps.

For each: the first save (everything written), then saves as Play makes them — 100 steps
(default) or 50 steps (spiral) between two saves, which write only what changed — and
then, in the same run for comparison, saves that write the whole run each time (a fresh
saver every time); median and p95 of each. Restore: a new explorer from the row (load +
checks + rebuild), median and p95. Size: the row's bytes as the store counts them.
Targets on the 2-core development machine: save ≤ 20 ms p95 for the default run,
restore ≤ 0.3 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
from nnviz.app.explorer import Explorer  # noqa: E402
from nnviz.app.saved import RunSaver, load_explorer  # noqa: E402
from nnviz.app.settings import Settings, preset_table  # noqa: E402
from nnviz.app.store import RunStore, create_store_engine, new_run_id  # noqa: E402


def p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]


def ms(xs: list[float]) -> str:
    return f"{statistics.median(xs) * 1000:7.1f} / {p95(xs) * 1000:7.1f} ms"


def cases(quick: bool):
    default = Settings.for_preset("exam_scores")
    spiral = replace(
        Settings.for_preset("spiral"),
        hidden=(8,) * 6,
        batch_size=10,
        optimizer="adam",
        learning_rate=0.01,
    )
    yield "default", default, 2_000, 100
    yield "spiral 6x8", spiral, 10_000 if quick else 100_000, 50


def bench(store: RunStore, name: str, settings, steps: int, between: int, n: int) -> None:
    ex = Explorer(preset_table(settings), settings)
    t0 = time.perf_counter()
    ex.step(steps)
    trained = time.perf_counter() - t0
    run_id = new_run_id()
    saver = RunSaver(store, run_id)
    t0 = time.perf_counter()
    first = saver.save(ex)
    first_s = time.perf_counter() - t0
    incremental, whole, written = [], [], []
    for _ in range(n):  # as Play saves: a few steps, a save, …
        ex.step(between)
        t0 = time.perf_counter()
        result = saver.save(ex)
        incremental.append(time.perf_counter() - t0)
        written.append(result.written_bytes)
    for _ in range(max(5, n // 4)):  # for comparison: the whole run written every time
        ex.step(between)
        t0 = time.perf_counter()
        RunSaver(store, run_id).save(ex)  # a new saver: every part written again
        whole.append(time.perf_counter() - t0)
    restore = []
    for _ in range(max(5, n // 4)):
        t0 = time.perf_counter()
        back = load_explorer(store, run_id)
        restore.append(time.perf_counter() - t0)
    assert back.trainer.iteration == ex.trainer.iteration
    size = store.info(run_id).size_bytes
    print(
        f"  {name:11s} {ex.trainer.iteration:>7,} it ({trained:5.1f} s to train) | "
        f"first save {first_s * 1000:6.1f} ms, {first.written_bytes / 1e3:8.1f} kB\n"
        f"  {'':11s} save as it goes {ms(incremental)} "
        f"(writes {statistics.median(written) / 1e3:6.1f} kB) | whole run each time "
        f"{ms(whole)} | restore {ms(restore)} | row {size / 1e6:6.2f} MB"
    )


def run_all(url: str, label: str, quick: bool) -> None:
    engine = create_store_engine({"NNVIZ_DB_URL": url})
    store = RunStore(engine)
    store.ready()
    print(f"{label}  (median / p95)")
    for name, settings, steps, between in cases(quick):
        bench(store, name, settings, steps, between, 20 if quick else 100)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer steps and saves")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = sa.URL.create("sqlite", database=f"{folder}/runs.sqlite").render_as_string()
        run_all(url, "SQLite (WAL, a temporary file)", args.quick)
    if args.no_postgres:
        return
    from postgres import Cluster, pg_bin

    if pg_bin() is None:
        print("PostgreSQL: not installed (scripts/setup.sh --postgres), skipped")
        return
    cluster = Cluster(pg_bin())
    try:
        url = cluster.start()  # without fsync: its save times are a lower bound
        run_all(url, "PostgreSQL 15 (a throwaway loopback cluster, fsync off)", args.quick)
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
