"""make serve: two replicas of the app behind nginx (scripts/serve.sh), seen by Chromium.

Both replicas answer and serve the app through nginx; nginx serves the live view's
files itself, compressed once, and plotly.js with a year's lifetime under its
content-hashed name (a second page load fetches none of it); a page sticks to its
replica across reruns (one WebSocket, never reopened); killing the other replica leaves
the page working, and a browser whose cookie points at the dead replica is served by
the live one.
Needs Debian's nginx and chromium (``make test`` installs both); skipped without them,
except in CI, where that is a failure.
"""

from __future__ import annotations

import concurrent.futures
import gzip
import os
import re
import shutil
import signal
import time
import urllib.request
from pathlib import Path

import pytest

from benchmarks import harness  # the classroom and chromium the benchmarks use too

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT_S = 90
TIMEOUT_MS = 30_000
COOKIE = harness.COOKIE
METRIC = "[data-nnviz-metric='iteration'] .value"  # the Iteration on screen
IDLE = harness.IDLE
# One access-log line (scripts/serve.sh's log_format): upstream may list several
# replicas, "a, b", when nginx moved on from one that refused.
LOG_LINE = re.compile(
    r'"(?P<method>\S+) (?P<path>\S+) [^"]*" (?P<status>\d+) \d+ '
    r"upstream=(?P<upstream>.*?) route=(?P<route>\S+)"
)
DIRECT = harness.DIRECT


def _missing(what: str) -> None:
    message = f"{what}; run 'make test', which installs it."
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _get(url: str, cookie: str | None = None) -> str:
    request = urllib.request.Request(
        url, headers={"Cookie": f"{COOKIE}={cookie}"} if cookie else {}
    )
    with DIRECT.open(request, timeout=10) as r:
        return r.read().decode()


class Classroom:
    """harness.Classroom, read: its access log, the replicas a cookie reached, what
    scripts/serve.sh said."""

    def __init__(self, room: harness.Classroom, output: Path):
        self.proc, self.url, self.run, self.output = room.proc, room.url, room.run, output
        self.replicas = room.replicas  # port -> pid

    def log(self) -> list[dict]:
        text = (self.run / "access.log").read_text(errors="replace")
        return [m.groupdict() for m in map(LOG_LINE.search, text.splitlines()) if m]

    def served(self, route: str) -> list[str]:
        """The upstream field of every logged request of this cookie that reached a
        replica (not the files nginx serves itself), oldest first."""
        return [e["upstream"] for e in self.log() if e["route"] == route and e["upstream"] != "-"]

    def said(self) -> str:
        return self.output.read_text(errors="replace")


def _classroom(tmp_path_factory):
    if shutil.which("nginx") is None and not os.access("/usr/sbin/nginx", os.X_OK):
        _missing("Debian's nginx is not installed (make serve needs it)")
    run = tmp_path_factory.mktemp("serve")
    output = run / "serve.out"
    try:
        with harness.classroom(ROOT, 2, run, output, timeout=START_TIMEOUT_S) as room:
            assert len(room.replicas) == 2
            yield Classroom(room, output)
    except RuntimeError as e:  # it did not start: what it said
        pytest.fail(str(e))


classroom = pytest.fixture(scope="module")(_classroom)
own_classroom = pytest.fixture(scope="function")(_classroom)  # one whose replica may die


def test_both_replicas_answer_and_serve_pages_through_nginx(classroom):
    for port in classroom.replicas:
        assert _get(f"http://127.0.0.1:{port}/_stcore/health").strip() == "ok", port
    assert "<title>" in _get(classroom.url + "/")
    # Cookies spread over both replicas and each one sticks to its replica.
    routes = [f"probe-{i}" for i in range(16)]
    for route in routes:
        _get(classroom.url + "/", route)
        _get(classroom.url + "/_stcore/health", route)
    by_route = {route: set(classroom.served(route)) for route in routes}
    assert all(len(seen) == 1 for seen in by_route.values()), by_route
    used = set().union(*by_route.values())
    assert used == {f"127.0.0.1:{p}" for p in classroom.replicas}, by_route
    # A browser without the cookie gets one.
    with DIRECT.open(classroom.url + "/", timeout=10) as r:
        assert r.headers.get("Set-Cookie", "").startswith(f"{COOKIE}=")


def _fetch(url: str) -> tuple[dict, bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with DIRECT.open(request, timeout=10) as r:
        return dict(r.headers), r.read()


def test_nginx_serves_the_live_view_s_files_compressed_once_and_plotly_js_cached(classroom):
    from nnviz.ui import livechart

    base = classroom.url + "/_stcore/bidi-components/nnviz.live_chart/"
    headers, body = _fetch(base + livechart.BUNDLE)
    assert headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == (livechart.ASSETS / livechart.BUNDLE).read_bytes()
    assert len(body) < 0.4 * len(gzip.decompress(body))
    assert "max-age=31536000" in headers["Cache-Control"]
    assert "immutable" in headers["Cache-Control"]
    assert headers["Content-Type"] == "application/javascript"
    for name, script in (
        ("live_chart", "live_chart.js"),
        ("presenter_keys", "presenter_keys.js"),
    ):
        url = f"{classroom.url}/_stcore/bidi-components/nnviz.{name}/{script}"
        headers, body = _fetch(url)
        assert headers["Content-Encoding"] == "gzip" and headers["Cache-Control"] == "no-cache"
        assert headers.get("ETag")
        assert gzip.decompress(body) == (livechart.ASSETS / script).read_bytes()
    # compressed once, at start: nginx sends the .gz made then; no replica saw them
    assert (classroom.run / "assets" / f"{livechart.BUNDLE}.gz").is_file()
    files = [e for e in classroom.log() if "/bidi-components/" in e["path"]]
    assert len(files) == 3 and {e["upstream"] for e in files} == {"-"}, files
    if shutil.which("chromium") is None:
        _missing("Debian's chromium is not on PATH")
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(_second_load_scenario, classroom, livechart.BUNDLE).result()


def _second_load_scenario(classroom, bundle: str) -> None:
    """A page loaded twice in one browser: the second load takes plotly.js from the
    browser's cache (no request reaches nginx, nothing is transferred)."""
    from playwright.sync_api import sync_playwright

    def fetched() -> int:
        return sum(e["path"].split("?")[0].endswith("/" + bundle) for e in classroom.log())

    with sync_playwright() as pw:
        browser = harness.launch_chromium(pw)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            before = fetched()
            for load in (1, 2):
                page = context.new_page()
                page.goto(classroom.url, wait_until="domcontentloaded")
                page.wait_for_selector(".nnviz-live-chart .main-svg", timeout=TIMEOUT_MS)
                entries = page.evaluate(
                    "name => performance.getEntriesByType('resource')"
                    ".filter(e => new URL(e.name).pathname.endsWith('/' + name))"
                    ".map(e => e.transferSize)",
                    bundle,
                )
                assert len(entries) == 1, entries
                if load == 1:
                    assert entries[0] > 0 and fetched() == before + 1
                else:
                    assert entries[0] == 0 and fetched() == before + 1, (entries, fetched())
                page.close()
            context.close()
        finally:
            browser.close()


def _route_to(classroom, port: int) -> str:
    """A cookie value that nginx sends to the replica on this port."""
    for i in range(64):
        route = f"route-{i}"
        _get(classroom.url + "/_stcore/health", route)
        if classroom.served(route) == [f"127.0.0.1:{port}"]:
            return route
    raise AssertionError(f"no cookie reached the replica on port {port}")


def _iteration(page) -> int:
    return int(page.locator(METRIC).first.inner_text().replace(",", ""))


def _open(browser, url: str, route: str):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.add_cookies([{"name": COOKIE, "value": route, "url": url}])
    page = context.new_page()
    sockets = []
    page.on("websocket", lambda ws: sockets.append(ws) if "/_stcore/stream" in ws.url else None)
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector(METRIC, timeout=TIMEOUT_MS)
    page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
    return context, page, sockets


def _step(page, times: int) -> list[int]:
    seen = []
    for _ in range(times):
        before = _iteration(page)
        page.get_by_role("button", name="Step", exact=True).click()
        page.wait_for_function(
            'v => { const m = document.querySelector("' + METRIC + '");'
            " return m && Number(m.innerText.replace(/,/g, '')) > v; }",
            arg=before,
            timeout=TIMEOUT_MS,
        )
        seen.append(_iteration(page))
    return seen


def _sticky_scenario(classroom) -> None:
    from playwright.sync_api import sync_playwright

    ports = sorted(classroom.replicas)
    routes = {port: _route_to(classroom, port) for port in ports}
    with sync_playwright() as pw:
        browser = harness.launch_chromium(pw)
        try:
            # One page on each replica: the app runs behind nginx on both.
            pages = {port: _open(browser, classroom.url, routes[port]) for port in ports}
            mine, other = ports
            _, page, sockets = pages[mine]
            for port, (_context, pg, _) in pages.items():
                assert pg.get_by_role("heading", name="nnviz").is_visible(), port
                assert set(classroom.served(routes[port])) == {f"127.0.0.1:{port}"}
            pages[other][0].close()

            start = _iteration(page)
            assert _step(page, 3) == [start + 1, start + 2, start + 3]

            # The other replica dies: this page's session goes on, on the same socket.
            os.kill(classroom.replicas[other], signal.SIGKILL)
            deadline = time.monotonic() + 10
            while f"replica on port {other} stopped" not in classroom.said():
                assert time.monotonic() < deadline, classroom.said()
                time.sleep(0.1)
            assert _step(page, 3) == [start + 4, start + 5, start + 6]
            assert len(sockets) == 1 and not sockets[0].is_closed(), (
                "the page's WebSocket was reopened or closed"
            )
            assert page.get_by_text("Connection error").count() == 0
            assert set(classroom.served(routes[mine])) == {f"127.0.0.1:{mine}"}

            # A browser whose cookie points at the dead replica is served by the live one.
            context, page2, _ = _open(browser, classroom.url, routes[other])
            assert page2.get_by_role("heading", name="nnviz").is_visible()
            assert classroom.served(routes[other])[-1].endswith(f"127.0.0.1:{mine}")
            context.close()
        finally:
            browser.close()


def test_a_session_sticks_to_its_replica_and_outlives_the_other(classroom):
    if shutil.which("chromium") is None:
        _missing("Debian's chromium is not on PATH")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _missing("the playwright Python package is not installed")
    # Playwright's sync API runs one instance per thread, and the browser tests' own may
    # be alive in this one: this scenario drives a browser of its own in a thread.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(_sticky_scenario, classroom).result()


def _reconnect_scenario(classroom) -> None:
    from playwright.sync_api import sync_playwright

    from nnviz.app.store import RunStore, create_store_engine

    store = RunStore(create_store_engine(os.environ))
    ports = sorted(classroom.replicas)
    mine = ports[0]
    with sync_playwright() as pw:
        browser = harness.launch_chromium(pw)
        try:
            context, page, _ = _open(browser, classroom.url, _route_to(classroom, mine))
            page.wait_for_function("() => location.search.includes('run=')", timeout=TIMEOUT_MS)
            run = re.search(r"run=([A-Za-z0-9_-]{24})", page.url).group(1)
            page.get_by_role("button", name=re.compile(r"(^|\W)Play$")).click()
            deadline = time.monotonic() + 30
            while not store.list_runs([run]) or store.info(run).iteration < 50:
                assert time.monotonic() < deadline, "no save while playing"
                time.sleep(0.3)
            time.sleep(1.5)
            # The replica serving this playing page dies.
            os.kill(classroom.replicas[mine], signal.SIGKILL)
            killed_at = time.time()
            last = store.info(run)
            assert killed_at - last.updated <= 3.0, "the last save was more than 2 s of play ago"
            # the page reconnects to the other replica, says so, and plays on from the save
            page.get_by_text("The server this page was on has stopped").wait_for(timeout=60_000)
            assert run in page.url
            page.wait_for_function(
                'v => { const m = document.querySelector("' + METRIC + '");'
                " return m && Number(m.innerText.replace(/,/g, '')) > v; }",
                arg=last.iteration,
                timeout=TIMEOUT_MS,
            )
            assert page.get_by_role("button", name=re.compile(r"(^|\W)Pause$")).count() == 1
            assert page.locator("[data-testid='stException']").count() == 0
            page.screenshot(path=str(classroom.run / "reconnected.png"))
            context.close()
        finally:
            browser.close()


def test_a_playing_page_outlives_its_replica_from_the_last_save(own_classroom):
    """The replica serving a playing page is killed: the page reconnects to the other,
    which opens the run from its last save (at most 2 s of play before), and goes on
    playing with a note, not an error screen."""
    if shutil.which("chromium") is None:
        _missing("Debian's chromium is not on PATH")
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(_reconnect_scenario, own_classroom).result()
