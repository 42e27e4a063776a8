"""Hostile links and heavy actions against a running server, an innocent session stepping.

    .venv/bin/python benchmarks/bench_hostile.py [--attacks rewinds120k,weights40k,...]
                                                 [--app app.py] [--before OTHER/app.py]
                                                 [--limit 90] [--ttl 10]

For each attack a fresh server (``streamlit run app.py`` on loopback, its
``server.disconnectedSessionTTL`` set to ``--ttl`` seconds) gets a probe page (headless
Chromium, the default page) whose Step is clicked over and over while the attack runs:
click → its Iteration changes, p50 / p95 / max. The attack is one of:

* a **link** opened over Streamlit's own websocket protocol (nothing drawn: the
  attacker's browser would only add its own CPU to the server's two cores): a
  compressed event log of 120,000 or 20,000 rewinds, 40,000 hand-edited weights, or a
  run at the link's step budget on the largest network;
* a **heavy action** clicked in a second browser page on the largest network and table
  the app allows (six hidden layers of 16, 4,500 training rows): the gradient check,
  Step ×1000, the loss landscape at 41 × 41, a 10 MB CSV upload.

Reported per attack: how long the attacker's page took to answer (its first page run
for a link; page idle or a progress bar shown for a click — beside what a plain Step of
that page takes, a page run of the largest run) and to finish (the page idle with
nothing left to do), the server's CPU seconds meanwhile, its memory (RSS) before,
at the peak, and ``--ttl`` + 5 s after the attacker closed, the bytes the attacker's
page received, and the probe's Step latencies. An attack not finished within
``--limit`` seconds is stopped and reported as such.

``--before`` runs every attack against another checkout's app as well, in the same
run (e.g. ``git archive main | tar -x -C /tmp/before``), for a before / after table.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from pathlib import Path

import harness
import wsclient

ROOT = Path(__file__).resolve().parents[1]
NUMBERS, IDLE = harness.NUMBERS, harness.IDLE
PROGRESS = "[data-testid='stProgress']"
TIMEOUT_MS = 120_000
LARGEST = "dataset=circle&points=5000&train_ratio=0.9&hidden=16-16-16-16-16-16"


def _log(items: list) -> str:
    """A link's ``log`` parameter: the JSON list, zlib-compressed, URL-safe base64."""
    raw = json.dumps([1, *items], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")


def _link(**params) -> str:
    from urllib.parse import urlencode

    return "?" + urlencode(params)


# name → (kind, what): "link" with its query, or "click"/"upload" on the largest run
ATTACKS = {
    "rewinds120k": (
        "link",
        lambda: _link(dataset="xor", steps=10, log=_log([[0, "rewind", 0]] * 120_000)),
    ),
    "rewinds20k": (
        "link",
        lambda: _link(dataset="xor", steps=10, log=_log([[0, "rewind", 0]] * 20_000)),
    ),
    "weights40k": (
        "link",
        lambda: _link(dataset="xor", steps=10, log=_log([[0, "weight", [1, 0, 0, 0.5]]] * 40_000)),
    ),
    # rows × parameters × steps at the old bound: 70 training rows × 1,425 parameters ×
    # 100,000 steps ≈ 10¹⁰
    "budget": (
        "link",
        lambda: "?dataset=circle&points=140&train_ratio=0.5&hidden=16-16-16-16-16-16&steps=100000",
    ),
    "gradcheck": ("click", ("Check & edit", "Run the gradient check")),
    "step1000": ("click", (None, "Step ×N")),
    "landscape41": ("click", ("Loss landscape", "41 × 41")),
    "upload10mb": ("upload", None),
}


# ------------------------------------------------------------------ a session over the protocol
class WsSession(wsclient.WsSession):
    """A link opened over Streamlit's websocket protocol, nothing drawn: its first run,
    then the live view's requests for the next chunk while the link's run is replayed,
    as a page asks for them (``wsclient``); the bytes received, when the first run
    finished and when the server last sent anything."""

    def __init__(self, url: str, query: str):
        super().__init__(url, None, query)
        self.bytes = 0
        self.last_message = time.monotonic()
        self.first_finished: float | None = None

    async def run(self, stop: threading.Event) -> None:
        import websockets

        async with websockets.connect(
            self.url.replace("http", "ws", 1) + "/_stcore/stream",
            subprotocols=["streamlit"],
            origin=self.url,
            max_size=None,
            compression=None,
            open_timeout=60,
        ) as ws:
            self.ws = ws
            await ws.send(self._rerun())
            self.reader = asyncio.create_task(self._read())
            while not stop.is_set() and not self.reader.done():
                await asyncio.sleep(0.05)
            for task in self.timers.values():
                task.cancel()
            if self.asker is not None:
                self.asker.cancel()
            self.reader.cancel()

    async def _read(self) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        async for data in self.ws:
            self.bytes += len(data)
            self.last_message = time.monotonic()
            msg = ForwardMsg.FromString(data)
            kind = msg.WhichOneof("type")
            if kind == "new_session":  # a full run: the frontend drops its fragment timers
                self.page_hash = msg.new_session.page_script_hash
                for fid in list(self.timers):
                    self._cancel(fid)
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                self._element(msg.delta.new_element, msg.delta.fragment_id)
            elif kind == "auto_rerun":  # an app from before the browser drove the clock
                fid = msg.auto_rerun.fragment_id
                if fid not in self.timers:
                    self.timers[fid] = asyncio.create_task(
                        self._every(fid, msg.auto_rerun.interval)
                    )
            elif kind == "stop_auto_rerun":
                for fid in msg.stop_auto_rerun.fragment_ids:
                    self._cancel(fid)
            elif kind == "script_finished":
                self.runs += 1
                if self.first_finished is None:
                    self.first_finished = time.monotonic()

    def idle(self, quiet: float = 1.0) -> bool:
        """Its page would be idle: drawn, asking for nothing more, nothing sent for
        ``quiet`` s."""
        return (
            self.runs > 0
            and not self.timers
            and not self.more
            and time.monotonic() - self.last_message > quiet
        )


# ------------------------------------------------------------------ the server
class Server:
    def __init__(self, app: Path, ttl: float):
        self.app, self.ttl = app, ttl

    def __enter__(self):
        self._log = tempfile.TemporaryFile()
        port = harness.free_port()
        cmd = harness.streamlit_command(
            self.app,
            port,
            "--logger.level",
            "warning",
            "--server.disconnectedSessionTTL",
            str(int(self.ttl)),
        )
        self.proc = subprocess.Popen(
            cmd, cwd=self.app.parent, stdin=subprocess.DEVNULL, stdout=self._log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.url = f"http://127.0.0.1:{port}"
        harness.wait_health(self.url, self.proc, self._log)
        return self

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return math.nan

    def cpu_s(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def __exit__(self, *exc):
        harness.stop(self.proc)
        self._log.close()


class PeakRss(threading.Thread):
    def __init__(self, server: Server):
        super().__init__(daemon=True)
        self.server, self.peak, self.done = server, 0.0, threading.Event()

    def run(self):
        while not self.done.is_set():
            with contextlib.suppress(OSError):
                self.peak = max(self.peak, self.server.rss_mb())
            time.sleep(0.1)


# ------------------------------------------------------------------ the pages
ANSWER_JS = """
(() => {
  const w = window;
  w.__nnviz = {mark: null, busy: false, answered: null};
  setInterval(() => {
    const s = w.__nnviz;
    if (s.mark === null || s.answered !== null) return;
    const app = document.querySelector("[data-testid='stApp']");
    const state = app ? app.getAttribute("data-test-script-state") : null;
    if (state && state !== "notRunning") s.busy = true;
    const bar = document.querySelector("[data-testid='stProgress']");
    if (bar || (s.busy && state === "notRunning")) s.answered = performance.now() - s.mark;
  }, 20);
})();
"""


def new_page(browser, url: str, query: str = "", init: str | None = None):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    if init:
        page.add_init_script(init)
    page.goto(url + "/" + query, wait_until="commit", timeout=TIMEOUT_MS)
    page.wait_for_selector(NUMBERS, timeout=TIMEOUT_MS)
    page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
    return page


def probe_step(page, timeout_ms: int = TIMEOUT_MS) -> float:
    """Click the probe's Step; seconds until its Iteration changes (inf: no answer)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    before = harness.iteration(page)
    t0 = time.perf_counter()
    page.get_by_role("button", name="Step", exact=True).click()
    try:
        harness.wait_iteration_change(page, before, timeout_ms)
    except PlaywrightTimeout:
        return math.inf
    return time.perf_counter() - t0


def big_csv(path: Path, mb: float = 10.0) -> Path:
    """A CSV of about ``mb`` MB: 4,999 rows, x1, x2 and y, each cell padded with spaces."""
    rows = ["x1,x2,y"]
    pad = " " * 600
    for i in range(4999):
        rows.append(f"{i % 7}.5{pad},{i % 5}.25{pad},{i % 2}")
    path.write_text("\n".join(rows) + "\n")
    return path


# ------------------------------------------------------------------ one attack
def settle(page, quiet_s: float = 1.5) -> None:
    """Wait until the page is idle with no progress bar, and stays so for ``quiet_s``
    (a heavy action's chunks leave it idle between them)."""
    deadline = time.monotonic() + TIMEOUT_MS * 5 / 1000
    since = None
    while time.monotonic() < deadline:
        quiet = page.locator(IDLE).count() and not page.locator(PROGRESS).count()
        if not quiet:
            since = None
        elif since is None:
            since = time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return
        time.sleep(0.1)
    raise TimeoutError("the attacker's page did not settle")


def _attacker_page(browser, url: str, name: str, what):
    """The attacker's page on the largest run, its tab open and Step ×N at ×1000."""
    attacker = new_page(browser, url, "?" + LARGEST, ANSWER_JS)
    tab = "Data" if name == "upload10mb" else (what[0] if what else None)
    if tab:
        attacker.get_by_role("tab", name=tab).click()
        attacker.wait_for_timeout(300)
        # the tab's own work done (the landscape it opens with may go on in chunks)
        attacker.wait_for_function(
            f"() => !document.querySelector({PROGRESS!r})", timeout=TIMEOUT_MS * 5
        )
        attacker.wait_for_selector(IDLE, timeout=TIMEOUT_MS * 5)
    if name == "step1000":
        attacker.locator(".st-key-step_n_count").click()
        attacker.get_by_role("option", name="×1000").click()
        attacker.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
    return attacker


def _click(attacker, name: str, what) -> None:
    """The attacker's heavy action, its clock started just before."""
    attacker.evaluate("() => { window.__nnviz.mark = performance.now(); }")
    if name == "upload10mb":
        csv = big_csv(Path(tempfile.mkdtemp()) / "big.csv")
        attacker.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(
            str(csv)
        )
    elif name == "landscape41":
        attacker.locator(".st-key-landscape_resolution").click()
        attacker.get_by_role("option", name="41 × 41").click()
    else:
        attacker.get_by_role("button", name=what[1], exact=True).click(no_wait_after=True)


def _done(attacker, ws) -> bool:
    if ws is not None:
        return ws.idle()
    state = attacker.evaluate("() => window.__nnviz")
    idle = attacker.locator(IDLE).count() and not attacker.locator(PROGRESS).count()
    return state["answered"] is not None and bool(idle)


def attack(app: Path, name: str, browser, args) -> dict:
    kind, what = ATTACKS[name]
    out: dict = {"attack": name, "app": str(app)}
    with Server(app, args.ttl) as server:
        probe = new_page(browser, server.url)
        time.sleep(2)
        attacker = ws = thread = None
        if kind != "link":  # the attacker's page, opened before the clock starts
            attacker = _attacker_page(browser, server.url, name, what)
        out["rss_before"] = server.rss_mb()
        peak = PeakRss(server)
        peak.start()
        cpu0, t0 = server.cpu_s(), time.monotonic()
        stop = threading.Event()
        if kind == "link":
            ws = WsSession(server.url, what())
            out["query_chars"] = len(ws.query)
            thread = threading.Thread(target=lambda: asyncio.run(ws.run(stop)), daemon=True)
            thread.start()
        else:
            _click(attacker, name, what)
        steps: list[float] = []
        finished = None
        while time.monotonic() - t0 < args.limit:
            steps.append(probe_step(probe, int(args.limit * 1000)))
            if _done(attacker, ws):
                finished = (ws.last_message if ws else time.monotonic()) - t0
                break
            time.sleep(0.3)
        out["cpu_s"] = server.cpu_s() - cpu0
        out["finished_s"] = finished
        if ws is not None:
            out["answered_s"] = None if ws.first_finished is None else ws.first_finished - t0
            out["received_mb"] = ws.bytes / 1e6
            stop.set()
            thread.join(30)
        else:
            state = attacker.evaluate("() => window.__nnviz")
            out["answered_s"] = None if state["answered"] is None else state["answered"] / 1000
            # what any click of that page takes: a plain Step (a page run of the run)
            out["attacker_step_s"] = probe_step(attacker)
            attacker.context.close()
        peak.done.set()
        peak.join()
        out["rss_peak"] = max(peak.peak, out["rss_before"])
        out["steps"] = steps
        time.sleep(args.ttl + 5)
        out["rss_after_ttl"] = server.rss_mb()
        probe.context.close()
    return out


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)] if ordered else math.nan


def _fmt(v, unit="s") -> str:
    if v is None:
        return "not finished"
    if isinstance(v, float) and math.isinf(v):
        return "no answer"
    return f"{v:.2f} {unit}" if v < 100 else f"{v:.0f} {unit}"


def report(rows: list[dict], limit: float) -> None:
    print(
        "| attack | app | answered (its page's own Step) | finished | server CPU "
        "| RSS before / peak / after TTL | sent to the page | innocent Step p50 / p95 / max (n) |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        s = r["steps"]
        steps = (
            f"{_fmt(statistics.median(s))} / {_fmt(p95(s))} / {_fmt(max(s))} ({len(s)})"
            if s
            else "—"
        )
        finished = _fmt(r["finished_s"]) if r["finished_s"] is not None else f"> {limit:.0f} s"
        own = f" ({_fmt(r['attacker_step_s'])})" if "attacker_step_s" in r else ""
        print(
            f"| {r['attack']} | {r['label']} | {_fmt(r['answered_s'])}{own} | {finished} | "
            f"{r['cpu_s']:.1f} s | {r['rss_before']:.0f} / {r['rss_peak']:.0f} / "
            f"{r['rss_after_ttl']:.0f} MB | "
            f"{r.get('received_mb', math.nan):.2f} MB | {steps} |"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attacks", default=",".join(ATTACKS))
    parser.add_argument("--app", type=Path, default=ROOT / "app.py")
    parser.add_argument("--before", type=Path, help="another checkout's app.py, run first")
    parser.add_argument("--limit", type=float, default=90.0, help="seconds per attack at most")
    parser.add_argument("--ttl", type=int, default=10, help="disconnectedSessionTTL (s)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    apps = [("before", args.before.resolve())] if args.before else []
    apps.append(("after" if args.before else "this", args.app.resolve()))
    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=shutil.which("chromium"), headless=True, args=harness.CHROMIUM_ARGS
        )
        for name in args.attacks.split(","):
            for label, app in apps:
                r = attack(app, name, browser, args)
                r["label"] = label
                rows.append(r)
                summary = {k: v for k, v in r.items() if k != "steps"}
                if r["steps"]:  # the innocent Step, as it goes (a later attack may fail)
                    summary["step_p50"] = statistics.median(r["steps"])
                    summary["step_p95"] = p95(r["steps"])
                    summary["step_n"] = len(r["steps"])
                print(json.dumps(summary), flush=True)
        browser.close()
    report(rows, args.limit)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
