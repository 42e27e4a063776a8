"""Browser test harness: the app in a real Streamlit server, seen by headless Chromium.

Fixtures
--------
app_server  (session)  base URL of a Streamlit server running app.py on a free port
browser     (session)  Playwright Chromium (Debian's ``chromium`` on PATH, never a download)
page        (function) a fresh 1600x1000 page on the app, loaded and idle

The server and the browser are ``benchmarks/harness.py``'s, as in the benchmarks and
tests/test_serve.py. Helpers: ``wait_idle(page)``, ``rerun(page, action)`` (a rerun it started has
finished), ``wait_still(page)`` (the layout has stopped moving), ``screenshot(page, name)``
(-> tests/screenshots/<name>.png).
Every test in this folder gets the ``browser`` marker.

The live numbers (Iteration, losses, score) are elements of the page itself, each
``[data-nnviz-metric=<name>]`` with a ``.label`` and a ``.value``: ``NUMBER`` finds
their values, ``ITERATION`` the Iteration's.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from benchmarks import harness  # the server and chromium the benchmarks use too

REPO_ROOT = Path(__file__).resolve().parents[2]
APP = REPO_ROOT / "app.py"
SCREENSHOTS = REPO_ROOT / "tests" / "screenshots"
SERVER_START_TIMEOUT_S = 60
IDLE_TIMEOUT_MS = 60_000
VIEWPORT = {"width": 1600, "height": 1000}
APP_SELECTOR = "[data-testid='stApp']"
NUMBER = "[data-nnviz-metric] .value"
ITERATION = "[data-nnviz-metric='iteration'] .value"
IDLE_SELECTOR = harness.IDLE
SEEN_MS = 3_000  # rerun(): how long a run it started may take to show


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def app_server():
    """Start ``streamlit run app.py`` on a free port; yield its base URL."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with (
        open(SCREENSHOTS / "streamlit-server.log", "w+b") as log,
        harness.streamlit_server(APP, log, timeout=SERVER_START_TIMEOUT_S) as (url, _proc),
    ):
        yield url


@pytest.fixture(scope="session")
def browser():
    """Headless Debian chromium driven by Playwright (harness.launch_chromium)."""
    missing = None
    if shutil.which("chromium") is None:
        missing = "Debian's chromium is not on PATH"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing = "the playwright Python package is not installed"
    if missing:
        message = f"{missing}; the browser tests need it. Run 'make test', which installs it."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    pw = sync_playwright().start()
    try:
        chromium = harness.launch_chromium(pw)
    except Exception:
        pw.stop()
        raise
    try:
        yield chromium
    finally:
        chromium.close()
        pw.stop()


def wait_idle(page, timeout: float = IDLE_TIMEOUT_MS) -> None:
    """Wait until the app's script has finished running (not for live-training pages)."""
    page.wait_for_selector(APP_SELECTOR, timeout=timeout)
    page.wait_for_selector(IDLE_SELECTOR, timeout=timeout)


# The script's runs the page has seen finish: every time stApp's script state leaves
# "running" (watched from the first call on; the count only grows).
RUNS_JS = """() => {
  if (window.__nnvizRuns === undefined) {
    window.__nnvizRuns = 0;
    const app = document.querySelector("[data-testid='stApp']");
    new MutationObserver(records => {
      window.__nnvizRuns += records.filter(r => r.oldValue === 'running').length;
    }).observe(app, {attributes: true, attributeOldValue: true,
                     attributeFilter: ['data-test-script-state']});
  }
  return window.__nnvizRuns;
}"""


def rerun(page, action, timeout: float = IDLE_TIMEOUT_MS) -> None:
    """Do ``action`` (a click, a key: something that reruns the script), then wait until
    a run that started after it has finished and the app is idle — instead of sleeping
    for the run to start before waiting for idle. A run too quick for the page to show
    it running (or one of a fragment) is not seen: after ``SEEN_MS`` without one, the
    app being idle is enough."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    before = page.evaluate(RUNS_JS)
    action()
    try:
        page.wait_for_function(
            "([n, idle]) => window.__nnvizRuns > n && document.querySelector(idle)",
            arg=[before, IDLE_SELECTOR],
            timeout=SEEN_MS,
        )
    except PlaywrightTimeout:
        wait_idle(page, timeout)


# The page's layout: the main area's scroll position and every chart's box.
LAYOUT_JS = """() => {
  const main = document.querySelector("[data-testid='stMain']");
  const boxes = [...document.querySelectorAll('.js-plotly-plot, .nnviz-live-chart')]
    .map(e => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; });
  const now = JSON.stringify([main && main.scrollTop, window.scrollY, boxes]);
  const still = window.__nnvizLayout === now;
  window.__nnvizLayout = now;
  return still;
}"""


def wait_still(page, timeout: float = IDLE_TIMEOUT_MS) -> None:
    """Wait until the page has stopped moving: a scroll, a resize or the charts' relayout
    after one gives the same layout twice 150 ms apart (before a screenshot)."""
    page.evaluate("() => { window.__nnvizLayout = null; }")
    page.wait_for_function(LAYOUT_JS, polling=150, timeout=timeout)


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot to tests/screenshots/<name>.png and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def page(browser, app_server):
    """A fresh browser context and page on the app, loaded and idle."""
    context = browser.new_context(viewport=VIEWPORT)
    pg = context.new_page()
    try:
        pg.goto(app_server, wait_until="domcontentloaded")
        wait_idle(pg)
        yield pg
    finally:
        context.close()
