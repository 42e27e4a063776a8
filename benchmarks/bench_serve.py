"""A classroom on one deployment: how fairly one server shares itself between sessions.

    .venv/bin/python benchmarks/bench_serve.py [--sessions 20] [--playing 0,5] [--steps 20]
                                               [--replicas 1] [--app app.py]

Every session of a Streamlit process runs in that process, so they share one GIL. This
opens ``--sessions`` sessions of the app against one server on loopback, plus a probe
page (a real page in headless Chromium: Debian's chromium driven by Playwright); for
each count in ``--playing`` it sets that many of the sessions playing (the Play button)
and times the probe's Step: click → the Iteration on screen changes, p50 and p95 over
``--steps`` clicks. It also reports the server's memory (RSS) per idle session: RSS
with every session open and idle, minus RSS with the probe alone (the app's imports and
first run are paid by then), divided by ``--sessions``; the CPU the server used while
the probe stepped; and, for the playing sessions, the Iteration updates per second a
page shows and the server's runs per second for each.

The load sessions speak Streamlit's own websocket protocol from Python (``--load ws``,
the default; ``wsclient.py``): the first run, the Play button's trigger and the live
view's requests for the next chunk when a page's frames would run out, as the
browser's frontend sends them, so the server does a page's work while nothing is
drawn. In a classroom the students' browsers run on their own machines; 20
headless pages drawing on the server's two cores starve it (``--load browser`` shows
that: real pages in a second browser). Either way the load runs in a subprocess at a
lower priority (nice 10; ``loads.py``); the probe's browser runs at normal priority.

``--replicas N`` (N > 1) serves through ``scripts/serve.sh`` instead: N processes behind
nginx, the pages spread over them by the sticky cookie (page i on replica i mod N, the
probe on replica 0, with the most playing pages), memory summed over the replicas
(the server harness, ``harness.Server``, runs the checkout of ``--app``: its own
``scripts/serve.sh`` and ``.venv``).
``--py-spy PATH`` samples the server with py-spy (all threads) while the probe steps
with the most pages playing, and prints where the server's time goes.

The machine is shared: other work on it shows in the CPU figures; compare runs made
one after the other.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import math
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import harness
from loads import CHROMIUM_FLAGS, TIMEOUT_MS, Load, iteration, open_page, ready

ROOT = Path(__file__).resolve().parents[1]
TARGET_P95_S = 1.5

# On the load pages: every change of the Iteration on screen, sampled on every
# animation frame (and every 25 ms when a background page gets no frames).
# ------------------------------------------------------------------ the probe
_STEPS: list[float] = []  # the current count's Steps, kept when one times out


def probe_steps(page, n: int, seconds: float) -> list[float]:
    """n Steps' latencies, fewer if they take longer than ``seconds`` in all (at least 3)."""
    times = _STEPS
    times.clear()
    deadline = time.perf_counter() + seconds
    for _ in range(n):
        if len(times) >= 3 and time.perf_counter() > deadline:
            break
        ready(page)
        before = iteration(page)
        t0 = time.perf_counter()
        page.get_by_role("button", name="Step", exact=True).click()
        harness.wait_iteration_change(page, before, timeout=TIMEOUT_MS)
        times.append(time.perf_counter() - t0)
        time.sleep(0.2)
    return times


def probe_or_timeout(page, n: int, seconds: float) -> tuple[list[float], str]:
    """probe_steps, or the Steps so far and a note if one gets no answer in time."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        return list(probe_steps(page, n, seconds)), ""
    except PlaywrightTimeout:
        times = list(_STEPS)
        shot = Path(tempfile.mkdtemp()) / "probe.png"
        with contextlib.suppress(Exception):
            page.screenshot(path=str(shot))
        return [*times, float("inf")], f"a Step got no answer in {TIMEOUT_MS // 1000} s ({shot})"


def p95(values: list[float]) -> float:
    """The nearest-rank 95th percentile (of 20 values, the 19th smallest)."""
    ordered = sorted(values)
    return ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)]


# ------------------------------------------------------------------ py-spy
# Where a sample of the thread holding the GIL falls, first match wins: (label, a regex
# on one frame of its stack, or on the thread's name for the last ones).
AREAS = [
    (
        "Streamlit: gc.collect(2) after every run (runner.postScriptGC)",
        r"ScriptRunner\._on_script_finished \(.*script_runner\.py:\d+\)$",
    ),
    ("live fragment: training (tick, train_chunk)", r"^train_chunk |Explorer\.train_chunk"),
    ("live fragment: charts (charts_area: views, patches, livechart)", r"^charts_area "),
    ("live fragment: metrics row", r"^metrics_row "),
    ("live fragment: the rest (states, banner)", r"^live_view\.<locals>\._live "),
    ("page run: sidebar", r"nnviz/ui/sidebar\.py"),
    ("page run: tabs", r"nnviz/ui/tabs/"),
    ("page run: the rest of app.py", r"\(app\.py:\d+\)|nnviz/"),
    ("script threads: Streamlit around the script", r"ScriptRunner\.scriptThread"),
    ("event loop: websocket, messages, HTTP", r"MainThread|^thread \(\d+\)$"),
]


def summarize_pyspy(raw: Path) -> list[tuple[str, float]]:
    """Share of the samples (py-spy --gil: the thread holding the GIL) in each area."""
    totals: collections.Counter = collections.Counter()
    everything = 0
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        everything += n
        frames = stack.split(";")
        frames[0] = frames[0].split(": ")[-1]  # "thread (123): ScriptRunner.scriptThread"
        for label, pattern in AREAS:
            if any(re.search(pattern, f) for f in reversed(frames)):
                totals[label] += n
                break
        else:
            totals["other threads"] += n
    return [
        (label, totals[label] / everything if everything else 0.0)
        for label in [*(a for a, _ in AREAS), "other threads"]
    ]


# ------------------------------------------------------------------ the run
def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--playing", default="0,5", help="counts of playing pages, e.g. 0,1,5")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--replicas", type=int, default=1)
    parser.add_argument("--app", type=Path, default=ROOT / "app.py")
    parser.add_argument(
        "--query",
        default="",
        help="the load sessions' link, e.g. "
        "'?dataset=spiral&hidden=8-8-8-8-8-8' (the probe: the default page)",
    )
    parser.add_argument(
        "--phase-seconds",
        type=float,
        default=180,
        help="fewer Steps (at least 3) if a count's Steps take longer",
    )
    parser.add_argument("--settle", type=float, default=4.0, help="seconds before measuring")
    parser.add_argument("--py-spy", type=Path, help="a py-spy executable: profile the server")
    parser.add_argument("--timeout", type=int, default=900, help="give up after (s)")
    parser.add_argument(
        "--load",
        choices=("ws", "browser"),
        default="ws",
        help="the load sessions: Streamlit's websocket protocol from Python "
        "(default), or browser pages",
    )
    return parser


def main() -> int:
    parser = _parser()
    args = parser.parse_args()
    playing = [int(k) for k in args.playing.split(",")]
    if max(playing) > args.sessions:
        parser.error("--playing counts cannot exceed --sessions")
    if shutil.which("chromium") is None:
        print("Debian's chromium is needed (make test installs it).", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    def timeout(*_):
        raise TimeoutError(f"the benchmark took longer than {args.timeout} s")

    signal.signal(signal.SIGALRM, timeout)
    signal.alarm(args.timeout)
    busy0 = harness.machine_busy()
    t_start = time.perf_counter()
    with harness.Server(args.app.resolve(), args.replicas) as server, sync_playwright() as pw:
        run = _measure(server, pw, args, playing)
    signal.alarm(0)
    _report(args, playing, run, busy0, time.perf_counter() - t_start)
    return 0


class Measured:
    """What a run measured: a row per playing count, the server's memory (MB) along the
    way, how long the load took to open and the py-spy profile, if any."""

    def __init__(self):
        self.rows: list[dict] = []
        self.rss: dict[str, float] = {}  # "fresh", "one" (the probe), "all" (idle), "end"
        self.opened_s = 0.0
        self.profile: Path | None = None


def _measure(server: harness.Server, pw, args, playing: list[int]) -> Measured:
    """Open the probe and the load, then measure each count of playing sessions in turn
    (until the server no longer answers the probe in time)."""
    run = Measured()
    run.rss["fresh"] = server.rss_mb()
    browser = harness.launch_chromium(pw, *CHROMIUM_FLAGS)
    probe = open_page(browser, server.url, server.route(0))
    load = Load(server.url, args.load)
    try:
        if args.replicas > 1:  # every replica's imports and first run before the baseline
            load("warm", routes=server.routes[1:], query=args.query)
        time.sleep(args.settle)
        run.rss["one"] = server.rss_mb()
        opened = load(
            "open", routes=[server.route(i) for i in range(args.sessions)], query=args.query
        )
        run.opened_s = opened["seconds"]
        time.sleep(args.settle)
        run.rss["all"] = server.rss_mb()
        for k in playing:
            row, profile = _phase(server, probe, load, args, k, k == max(playing))
            run.rows.append(row)
            run.profile = profile or run.profile
            if row["note"]:
                break  # the server no longer answers in time: more load won't either
        load("play", k=0)
        run.rss["end"] = server.rss_mb()
    finally:
        load.close()
        browser.close()
    return run


def _mean(values) -> float:
    values = list(values)
    return statistics.mean(values) if values else float("nan")


def _phase(
    server: harness.Server, probe, load: Load, args, k: int, profiled: bool
) -> tuple[dict, Path | None]:
    """k sessions playing: the probe's Steps, the server's CPU and the Iteration updates,
    runs and steps per second of the playing sessions (a row of the table), and the py-spy profile taken
    meanwhile if ``profiled`` and --py-spy."""
    load("play", k=k)
    time.sleep(args.settle)  # past the first chunks
    load("mark", k=k)
    cpu0, b0, t0 = server.cpu_s(), harness.machine_busy(), time.perf_counter()
    spy = profile = None
    if args.py_spy and profiled:
        profile = Path(tempfile.mkdtemp()) / "server.txt"
        spy = subprocess.Popen(
            [
                str(args.py_spy),
                "record",
                "--pid",
                str(server.pids[0]),
                "--threads",
                "--gil",
                "--format",
                "raw",
                "--rate",
                "200",
                "--output",
                str(profile),
                "--nonblocking",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    times, note = probe_or_timeout(probe, args.steps, args.phase_seconds)
    if spy is not None:
        spy.send_signal(signal.SIGINT)
        spy.wait(30)
    dt = time.perf_counter() - t0
    cpu1, b1 = server.cpu_s(), harness.machine_busy()
    rates = load("rates", k=k) if k else {"rates": [], "still_playing": 0}
    ncpu = os.cpu_count() or 1
    r = {
        "playing": k,
        "p50": statistics.median(times),
        "p95": p95(times),
        "max": max(times),
        "n": len(times),
        "server_cpu": (cpu1 - cpu0) / dt / len(server.pids),
        "machine": (b1[0] - b0[0]) / max(b1[1] - b0[1], 1),
        "updates": _mean(r[0] for r in rates["rates"]),
        "steps_s": _mean(r[1] for r in rates["rates"]),
        "runs": _mean(r[2] for r in rates["rates"]),
        "least_updates": min((r[0] for r in rates["rates"]), default=float("nan")),
        "still": rates["still_playing"],
        "ncpu": ncpu,
        "note": note,
    }
    print(
        f"nnviz bench: {k} playing: Step p50 {r['p50']:.2f} s, p95 "
        f"{r['p95']:.2f} s, server CPU {r['server_cpu']:.0%}, "
        f"{r['updates']:.1f} Iteration updates/s, {r['runs']:.1f} runs/s {note}",
        file=sys.stderr,
        flush=True,
    )
    return r, profile


def _report(
    args, playing: list[int], run: Measured, busy0: tuple[float, float], total: float
) -> None:
    """The run's summary, table, memory and profile on stdout."""
    b1 = harness.machine_busy()
    print(
        f"\n{args.sessions} sessions ({args.load}) + a probe page on {args.replicas} "
        f"{'process' if args.replicas == 1 else 'replicas behind nginx'} "
        f"({os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; machine busy "
        f"{(b1[0] - busy0[0]) / max(b1[1] - busy0[1], 1):.0%} over the run, "
        f"{total:.0f} s; pages opened in {run.opened_s:.0f} s)"
    )
    options = " ".join(
        f"{k}={v}" for k, v in sorted(os.environ.items()) if k.startswith("STREAMLIT_")
    )
    print(
        f"app: {args.app}{args.query or ''} for the load"
        + (f"   (server environment: {options})" if options else "")
        + "\n"
    )
    _print_table(args, run.rows)
    _print_memory(args, run.rss)
    if run.profile is not None and run.profile.exists():
        print(
            f"\nwhere the server's GIL went while the probe stepped with {max(playing)} "
            "playing (py-spy --gil):"
        )
        for label, share in summarize_pyspy(run.profile):
            print(f"  {share:>5.0%}  {label}")
        print(f"  (raw stacks: {run.profile})")


def _print_table(args, rows: list[dict]) -> None:
    head = (
        f"{'playing':>8}  {'Step p50':>9}  {'Step p95':>9}  {'max':>6}  "
        f"{'server CPU':>10}  {'machine':>7}  {'updates/s':>9}  {'least':>6}  "
        f"{'runs/s':>6}  {'steps/s':>8}  target"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        ok = "ok" if r["p95"] <= TARGET_P95_S else "MISSED"
        target = f"p95 ≤ {TARGET_P95_S} s: {ok}" if r["playing"] else ""
        still = "" if r["still"] == r["playing"] else f" ({r['still']} still playing)"
        if r["note"]:
            still += f" ({r['note']})"
        elif r["n"] < args.steps:
            still += f" ({r['n']} Steps in {args.phase_seconds:.0f} s)"
        print(
            f"{r['playing']:>8}  {r['p50']:>8.2f}s  {r['p95']:>8.2f}s  {r['max']:>5.2f}s  "
            f"{r['server_cpu']:>10.0%}  {r['machine']:>7.0%}  {r['updates']:>9.1f}  "
            f"{r['least_updates']:>6.1f}  {r['runs']:>6.1f}  "
            f"{r['steps_s']:>8,.0f}  {target}{still}"
        )
    print(
        "\n  Step: the probe's click → its Iteration changes; server CPU: per process, "
        "100 % = one core;\n  updates/s (the mean, and the least of any page): the "
        "Iteration updates a playing page shows a second;\n  runs/s and steps/s: the "
        "server's runs and the training steps per playing page.\n"
    )


def _print_memory(args, rss: dict[str, float]) -> None:
    per_session = (rss["all"] - rss["one"]) / args.sessions
    print(
        f"memory (RSS{', all replicas' if args.replicas > 1 else ''}): fresh server "
        f"{rss['fresh']:.0f} MB, with the probe{' (and a first run on each)' if args.replicas > 1 else ''} "
        f"{rss['one']:.0f} MB, with {args.sessions} idle "
        f"pages more {rss['all']:.0f} MB, after playing {rss['end']:.0f} MB"
    )
    print(
        f"memory per idle session: {per_session:.1f} MB  "
        f"(({rss['all']:.0f} − {rss['one']:.0f}) / {args.sessions})"
    )


if __name__ == "__main__":
    sys.exit(main())
