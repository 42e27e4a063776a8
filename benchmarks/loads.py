"""The load of a classroom benchmark (bench_serve.py): the sessions that are not the probe.

``Load`` drives them from the benchmark's process: it runs this file in a subprocess
at a lower priority (nice 10) and sends it one JSON command a line ("open",
"warm", "play", "rates", "quit"; one JSON answer a line back). The sessions are
Streamlit's websocket protocol spoken from Python (``ws``, :class:`WsLoad`, the
sessions of ``wsclient.py``) or real pages in a browser of their own (``browser``,
:class:`PageLoad`). Also what the probe shares with the load pages: ``open_page``,
``ready``, ``set_playing``.

    python benchmarks/loads.py URL ws|browser   (what Load runs)
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time

import harness
from wsclient import WsSession

# every page keeps its timers running at full rate (no background throttling)
CHROMIUM_FLAGS = (
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
)
VIEWPORT = {"width": 1280, "height": 800}
IDLE = harness.IDLE
PLAY = ".st-key-play"
COOKIE = harness.COOKIE
TIMEOUT_MS = 120_000


COUNTER_JS = """
(() => {
  const c = window.__refreshes = {changes: 0, last: null};
  const look = () => {
    const v = ITERATION;
    if (v !== c.last) { c.changes += 1; c.last = v; }
  };
  const frame = () => { look(); requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
  setInterval(look, 25);
})();
""".replace("ITERATION", harness.ITERATION_JS)


def open_page(
    browser,
    url: str,
    route: str | None,
    init_script: str | None = None,
    wait: bool = True,
    query: str = "",
):
    context = browser.new_context(viewport=VIEWPORT)
    if route:
        context.add_cookies([{"name": COOKIE, "value": route, "url": url}])
    page = context.new_page()
    if init_script:
        page.add_init_script(init_script)
    page.goto(url + query, wait_until="commit", timeout=TIMEOUT_MS)
    if wait:
        ready(page)
    return page


def ready(page) -> None:
    page.wait_for_selector(harness.NUMBERS, timeout=TIMEOUT_MS)
    page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)


iteration = harness.iteration


def set_playing(page, playing: bool) -> None:
    label = "Pause" if playing else "Play"
    if label in page.locator(PLAY).inner_text():
        return
    page.locator(PLAY).get_by_role("button").first.click()
    page.wait_for_function(
        f"() => document.querySelector('{PLAY}').innerText.includes('{label}')", timeout=TIMEOUT_MS
    )


def _reply(**kw) -> None:
    """An answer to the driver (Load): one JSON line on stdout."""
    print(json.dumps(kw), flush=True)


def _command(load, cmd: dict):
    """The method of ``load`` (a WsLoad or PageLoad) that runs a driver command."""
    if cmd["cmd"] not in load.COMMANDS:
        raise KeyError(cmd["cmd"])
    return getattr(load, cmd["cmd"])


class WsLoad:
    """ws_worker's load sessions: one method per command of the driver (Load), each
    returns the fields of its answer."""

    COMMANDS = ("open", "warm", "play", "mark", "rates")

    def __init__(self, url: str):
        self.url = url
        self.sessions: list[WsSession] = []
        self.marks: dict = {}

    async def open(self, cmd: dict) -> dict:
        import asyncio

        t0 = time.perf_counter()
        new = [WsSession(self.url, r, cmd.get("query", "")) for r in cmd["routes"]]
        await asyncio.gather(*(s.open() for s in new))
        self.sessions += new
        return {"seconds": time.perf_counter() - t0}

    async def warm(self, cmd: dict) -> dict:
        """One first run on each route, then closed."""
        import asyncio

        warm = [WsSession(self.url, r, cmd.get("query", "")) for r in cmd["routes"]]
        await asyncio.gather(*(s.open() for s in warm))
        await asyncio.gather(*(s.close() for s in warm))
        return {}

    async def play(self, cmd: dict) -> dict:
        import asyncio

        await asyncio.gather(*(s.set_playing(i < cmd["k"]) for i, s in enumerate(self.sessions)))
        return {}

    async def mark(self, cmd: dict) -> dict:
        self.marks = {
            i: (time.perf_counter(), s.iteration, s.updates, s.runs)
            for i, s in enumerate(self.sessions[: cmd["k"]])
        }
        return {}

    async def rates(self, cmd: dict) -> dict:
        rates = []
        for i, (t0, it0, up0, runs0) in self.marks.items():
            s, dt = self.sessions[i], time.perf_counter() - t0
            rates.append(((s.updates - up0) / dt, (s.iteration - it0) / dt, (s.runs - runs0) / dt))
        playing = sum(s.play_label == "Pause" for s in self.sessions[: len(self.marks)])
        return {"rates": rates, "still_playing": playing}

    async def close(self) -> None:
        import asyncio

        await asyncio.gather(*(s.close() for s in self.sessions), return_exceptions=True)


def ws_worker(url: str) -> int:
    """The load sessions over the websocket protocol, driven like ``worker``."""
    import asyncio

    async def run():
        loop = asyncio.get_running_loop()
        load = WsLoad(url)
        while True:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line:
                break
            cmd = json.loads(line)
            if cmd.get("cmd") == "quit":
                _reply(ok=True)
                break
            try:
                _reply(ok=True, **await _command(load, cmd)(cmd))
            except Exception as e:  # noqa: BLE001 - reported to the driver
                _reply(ok=False, error=f"{type(e).__name__}: {e}")
        await load.close()

    os.nice(10)
    asyncio.run(run())
    return 0


class PageLoad:
    """worker's load pages, in one browser: one method per command of the driver (Load),
    each returns the fields of its answer."""

    COMMANDS = ("open", "warm", "play", "mark", "rates")

    def __init__(self, browser, url: str):
        self.browser, self.url = browser, url
        self.pages: list = []
        self.marks: dict = {}

    def open(self, cmd: dict) -> dict:
        t0 = time.perf_counter()
        new = [
            open_page(self.browser, self.url, r, COUNTER_JS, wait=False, query=cmd.get("query", ""))
            for r in cmd["routes"]
        ]
        for page in new:
            ready(page)
        self.pages += new
        return {"seconds": time.perf_counter() - t0}

    def warm(self, cmd: dict) -> dict:
        """One first run on each route, then closed."""
        for r in cmd["routes"]:
            page = open_page(self.browser, self.url, r, query=cmd.get("query", ""))
            page.context.close()
        return {}

    def play(self, cmd: dict) -> dict:
        for i, page in enumerate(self.pages):
            set_playing(page, i < cmd["k"])
        return {}

    def mark(self, cmd: dict) -> dict:
        self.marks = {
            i: (time.perf_counter(), iteration(p), p.evaluate("() => window.__refreshes.changes"))
            for i, p in enumerate(self.pages[: cmd["k"]])
        }
        return {}

    def rates(self, cmd: dict) -> dict:
        rates, playing = [], 0
        for i, (t0, it0, ch0) in self.marks.items():
            page = self.pages[i]
            dt = time.perf_counter() - t0
            rates.append(
                (
                    (page.evaluate("() => window.__refreshes.changes") - ch0) / dt,
                    (iteration(page) - it0) / dt,
                    float("nan"),  # a page does not see the server's runs
                )
            )
            playing += "Pause" in page.locator(PLAY).inner_text()
        return {"rates": rates, "still_playing": playing}


def worker(url: str) -> int:
    """The load pages, driven by JSON commands on stdin; answers on stdout."""
    os.nice(10)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = harness.launch_chromium(pw, *CHROMIUM_FLAGS)
        load = PageLoad(browser, url)
        for line in sys.stdin:
            cmd = json.loads(line)
            if cmd.get("cmd") == "quit":
                _reply(ok=True)
                break
            try:
                _reply(ok=True, **_command(load, cmd)(cmd))
            except Exception as e:  # noqa: BLE001 - reported to the driver
                _reply(ok=False, error=f"{type(e).__name__}: {e}")
        browser.close()
    return 0


class Load:
    def __init__(self, url: str, kind: str):
        self.proc = subprocess.Popen(
            [sys.executable, __file__, url, kind],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def __call__(self, cmd: str, **kw) -> dict:
        self.proc.stdin.write(json.dumps({"cmd": cmd, **kw}) + "\n")
        self.proc.stdin.flush()
        answer = json.loads(self.proc.stdout.readline() or '{"ok": false, "error": "gone"}')
        if not answer.get("ok"):
            raise RuntimeError(f"load pages, {cmd}: {answer.get('error')}")
        return answer

    def close(self):
        with contextlib.suppress(Exception):
            self("quit")
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(30)
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


if __name__ == "__main__":
    url, kind = sys.argv[1:]
    sys.exit((ws_worker if kind == "ws" else worker)(url))
