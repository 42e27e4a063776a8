"""What a person sees in a real browser: nnviz's live view, measured in headless Chromium.

    .venv/bin/python benchmarks/bench_app.py [--app app.py] [--seconds 10]
    .venv/bin/python benchmarks/bench_app.py --saving 3   # Play, run store off vs on

Starts the app (and a trivial one-chart Streamlit page, for comparison) on free
loopback ports and drives Debian's chromium with Playwright. For the default preset,
for spiral with 6 hidden layers of 8 and for the largest table (the digits preset at
20,000 rows of 64 inputs) it prints:

* Step: click → the Iteration on screen changes, and → the page is idle (median of 5);
* Play: visible Iteration updates per second (sampled inside the page on every
  animation frame), the server's runs per second (the page's script state turning
  to running: a refresh or a chunk), chart redraws per second, chart nodes
  re-created during play, the share of a 10 ms page timer's ticks that ran (the
  main thread's headroom), and the bytes per second received over the websocket;
* Pause: click → the Iteration frozen, and how far it moved past the number on
  screen at the click;
* navigation → the first chart drawn, against the trivial page (ratio).

The Iteration is read from the live numbers (``data-nnviz-metric``) or, in an app
from before them, from the first ``st.metric``: a baseline is measured the same way.

``--saving ROUNDS`` measures Play alone (default and spiral) with the run store off
(``NNVIZ_DB_URL=none``) and on (a SQLite file, saved every 2 s while playing),
alternating, and prints the ratio of the refresh rates (target: within 5 %).

``--app`` points at another checkout's app.py to measure a baseline in the same
way (e.g. ``git worktree add /tmp/before <commit>``; with a ``.venv`` of its own,
made by its ``scripts/setup.sh``, it runs with that). Times are medians; the machine
is shared, so compare ratios measured in one run.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import harness

ROOT = Path(__file__).resolve().parents[1]
VIEWPORT = {"width": 1440, "height": 900}
IDLE = harness.IDLE
CHART = ".js-plotly-plot"

TRIVIAL_APP = textwrap.dedent("""
    import plotly.graph_objects as go
    import streamlit as st
    st.title("one chart")
    st.plotly_chart(go.Figure(go.Scatter(x=[0, 1, 2], y=[1, 3, 2])), key="c")
""")

# Installed before the page's scripts: counts chart nodes that appear (a chart
# re-created), timer ticks, every change of the Iteration's text (both sampled on
# each animation frame), the bytes received over the websocket and the server's runs
# (each run ends with a ForwardMsg of two bytes: session_status_changed, field 9, empty:
# the script no longer runs).
PROBE_JS = """
(() => {
  const probe = window.__probe = {added: 0, ticks: 0, t0: 0, changes: [], last: null,
                                  running: false, runs: 0, bytes: 0};
  const Socket = window.WebSocket;
  window.WebSocket = function (...args) {
    const ws = new Socket(...args);
    ws.addEventListener('message', (e) => {
      if (!probe.running || !(e.data instanceof ArrayBuffer)) return;
      probe.bytes += e.data.byteLength;
      const head = new Uint8Array(e.data, 0, Math.min(2, e.data.byteLength));
      if (e.data.byteLength === 2 && head[0] === 0x4a && head[1] === 0) probe.runs += 1;
    });
    return ws;
  };
  window.WebSocket.prototype = Socket.prototype;
  Object.assign(window.WebSocket, Socket);
  // a chart node not seen before is a (re-)created chart
  const tagNew = () => {
    let n = 0;
    for (const el of document.querySelectorAll('.js-plotly-plot:not([data-probe-seen])')) {
      el.setAttribute('data-probe-seen', '1');
      n += 1;
    }
    return n;
  };
  setInterval(() => { if (probe.running) probe.ticks += 1; }, 10);
  const sample = () => {
    const fresh = tagNew();
    if (probe.running) probe.added += fresh;
    const v = ITERATION;
    if (probe.running && v !== probe.last) probe.changes.push([performance.now(), v]);
    probe.last = v;
    requestAnimationFrame(sample);
  };
  requestAnimationFrame(sample);
  probe.countDraws = () => [...document.querySelectorAll('.nnviz-live-chart')]
    .reduce((s, d) => s + Number(d.dataset.draws || 0), 0);
  probe.start = () => {
    tagNew();
    probe.added = 0; probe.ticks = 0; probe.changes = []; probe.t0 = performance.now();
    probe.draws0 = probe.countDraws(); probe.runs = 0; probe.bytes = 0; probe.running = true;
  };
  probe.stop = () => {
    probe.running = false;
    const secs = (performance.now() - probe.t0) / 1000;
    return {secs, added: probe.added, ticks: probe.ticks, changes: probe.changes.length,
            draws: probe.countDraws() - probe.draws0, runs: probe.runs, bytes: probe.bytes};
  };
})();
""".replace("ITERATION", harness.ITERATION_JS)


@contextlib.contextmanager
def streamlit(app: Path, env: dict | None = None):
    with (
        tempfile.TemporaryFile() as log,
        harness.streamlit_server(app, log, timeout=90, env=env) as server,
    ):
        yield server[0]


iteration = harness.iteration


def wait_idle(page, timeout=60_000):
    page.wait_for_selector(IDLE, timeout=timeout)


def open_page(browser, url: str, query: str = ""):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.add_init_script(PROBE_JS)
    t0 = time.perf_counter()
    page.goto(url + query, wait_until="domcontentloaded")
    page.wait_for_function(
        f"() => [...document.querySelectorAll('{CHART}')].some(e => e.querySelector('.main-svg'))",
        timeout=90_000,
    )
    first_chart = time.perf_counter() - t0
    wait_idle(page)
    return context, page, first_chart


def play_button(page):
    return page.locator(".st-key-play").get_by_role("button").first


def measure_step(page, rounds: int = 5) -> tuple[float, float]:
    to_metric, to_idle = [], []
    for _ in range(rounds):
        before = iteration(page)
        t0 = time.perf_counter()
        page.get_by_role("button", name="Step", exact=True).click()
        harness.wait_iteration_change(page, before, timeout=30_000)
        to_metric.append(time.perf_counter() - t0)
        time.sleep(0.05)
        wait_idle(page)
        to_idle.append(time.perf_counter() - t0)
        time.sleep(0.3)
    return statistics.median(to_metric), statistics.median(to_idle)


def measure_play(page, seconds: float) -> dict:
    play_button(page).click()
    page.wait_for_function(
        "() => document.querySelector('.st-key-play').innerText.includes('Pause')", timeout=30_000
    )
    time.sleep(1.0)  # past the first refresh
    page.evaluate("() => window.__probe.start()")
    time.sleep(seconds)
    r = page.evaluate("() => window.__probe.stop()")
    # Pause: the number on screen at the click, and when it stops moving
    shown = iteration(page)
    t0 = time.perf_counter()
    play_button(page).click()
    last, frozen_at, deadline = shown, None, time.perf_counter() + 20
    stable_since = time.perf_counter()
    while time.perf_counter() < deadline:
        now = iteration(page)
        if now != last:
            last, stable_since = now, time.perf_counter()
        elif time.perf_counter() - stable_since > 1.0:
            frozen_at = stable_since - t0
            break
        time.sleep(0.02)
    return {
        "updates_per_s": r["changes"] / r["secs"],
        "runs_per_s": r["runs"] / r["secs"],
        "draws_per_s": r["draws"] / r["secs"],
        "remounts": r["added"],
        "timer_share": r["ticks"] / (r["secs"] * 100),
        "kb_per_s": r["bytes"] / 1000 / r["secs"],
        "pause_s": frozen_at if frozen_at is not None else float("nan"),
        "past_shown": last - shown,
    }


def run_case(browser, url: str, query: str, seconds: float, trivial_first: float) -> dict:
    context, page, first = open_page(browser, url, query)
    try:
        step_metric, step_idle = measure_step(page)
        play = measure_play(page, seconds)
    finally:
        context.close()
    return {
        "step_metric_s": step_metric,
        "step_idle_s": step_idle,
        **play,
        "first_chart_s": first,
        "first_chart_ratio": first / trivial_first,
    }


CASES = {
    "exam_scores (default)": "",
    "spiral, 6 hidden layers of 8": "/?dataset=spiral&hidden=8-8-8-8-8-8",
    # the largest table: 20,000 rows of 8×8 images (64 inputs), 16,000 training rows
    "digits, 20,000 rows × 64 inputs": "/?dataset=digits&points=20000",
}
TARGETS = {
    "step_metric_s": ("Step → Iteration changes", "≤ 0.25 s"),
    "step_idle_s": ("Step → idle", "≤ 0.6 s"),
    "updates_per_s": ("Play: Iteration updates / s", "≥ 20 (goal 30)"),
    "runs_per_s": ("Play: server runs / s", "no more than before"),
    "draws_per_s": ("Play: chart redraws / s (all charts)", ""),
    "remounts": ("Play: chart nodes re-created", "0"),
    "timer_share": ("Play: page timer ticks that ran", "≥ 50 %"),
    "kb_per_s": ("Play: websocket kB / s", ""),
    "pause_s": ("Pause → frozen", "≤ 0.5 s"),
    "past_shown": ("Pause: iterations past the number shown", "≤ one refresh"),
    "first_chart_s": ("Navigation → first chart", ""),
    "first_chart_ratio": ("  … against a trivial one-chart page", "≤ 1.2×"),
}


SECONDS = ("step_metric_s", "step_idle_s", "pause_s", "first_chart_s")


def fmt(key: str, value: float) -> str:
    if key == "timer_share":
        return f"{value:.0%}"
    if key in ("remounts", "past_shown"):
        return f"{value:,.0f}"
    if key == "first_chart_ratio":
        return f"{value:.2f}×"
    if key in SECONDS:
        return f"{value:.2f} s"
    return f"{value:,.1f}"


SAVING_KEYS = ("updates_per_s", "runs_per_s", "draws_per_s")


def measure_saving(browser, app: Path, cases: list[str], seconds: float, rounds: int) -> None:
    """Play with the run store off (NNVIZ_DB_URL=none) and on (a SQLite file of its own,
    saved every 2 s while playing), alternating, ``rounds`` times each: the medians and
    their ratio (on / off)."""
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = f"sqlite:///{Path(tmp) / 'runs.sqlite'}"
        modes = {"saving off": {"NNVIZ_DB_URL": "none"}, "saving on": {"NNVIZ_DB_URL": sqlite}}
        found: dict = {(c, m): [] for c in cases for m in modes}
        for _ in range(rounds):
            for mode, env in modes.items():
                with streamlit(app, env) as url:
                    open_page(browser, url)[0].close()  # warm the server
                    for case in cases:
                        context, page, _ = open_page(browser, url, CASES[case])
                        try:
                            found[case, mode].append(measure_play(page, seconds))
                        finally:
                            context.close()
    print(f"app: {app}   Play with the run store off and on ({rounds} rounds, medians)")
    for case in cases:
        print(f"\n{case}")
        for key in SAVING_KEYS:
            off, on = (
                statistics.median(r[key] for r in found[case, m])
                for m in ("saving off", "saving on")
            )
            print(f"  {TARGETS[key][0]:<40} off {off:8.1f}   on {on:8.1f}   on/off {on / off:.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", type=Path, default=ROOT / "app.py")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--case", choices=list(CASES), action="append")
    parser.add_argument(
        "--saving",
        type=int,
        metavar="ROUNDS",
        default=0,
        help="only Play with the run store off and on, alternating, ROUNDS times each",
    )
    args = parser.parse_args()
    executable = shutil.which("chromium")
    if executable is None:
        print("Debian's chromium is needed (make test installs it).", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    if args.saving:
        with sync_playwright() as pw:
            browser = harness.launch_chromium(pw)
            measure_saving(
                browser, args.app.resolve(), args.case or list(CASES)[:2], args.seconds, args.saving
            )
            browser.close()
        return 0
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        trivial = Path(tmp) / "trivial.py"
        trivial.write_text(TRIVIAL_APP)
        browser = harness.launch_chromium(pw)
        with streamlit(trivial) as url:
            firsts = []
            for _ in range(3):
                context, _page, first = open_page(browser, url)
                context.close()
                firsts.append(first)
            trivial_first = statistics.median(firsts)
        results = {}
        with streamlit(args.app.resolve()) as url:
            open_page(browser, url)[0].close()  # warm the server (imports, first run)
            for name in args.case or CASES:
                results[name] = run_case(browser, url, CASES[name], args.seconds, trivial_first)
        browser.close()
    print(
        f"app: {args.app}   (machine: {os.cpu_count()} cores; trivial page → first chart "
        f"{trivial_first:.2f} s)"
    )
    names = list(results)
    width = max(len(label) for label, _ in TARGETS.values()) + 2
    print("".ljust(width) + "".join(n[:28].ljust(30) for n in names) + "target")
    for key, (label, target) in TARGETS.items():
        row = label.ljust(width) + "".join(fmt(key, results[n][key]).ljust(30) for n in names)
        print(row + target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
