"""Browser test harness: the app in a real Streamlit server, seen by headless Chromium.

Fixtures
--------
app_server  (session)  base URL of a Streamlit server running app.py on a free port
browser     (session)  Playwright Chromium (Debian's ``chromium`` on PATH, never a download)
page        (function) a fresh 1600x1000 page on the app, loaded and idle

Helpers: ``wait_idle(page)``, ``screenshot(page, name)`` (-> tests/screenshots/<name>.png).
Every test in this folder gets the ``browser`` marker.

The live numbers (Iteration, losses, score) are elements of the page itself, each
``[data-nnviz-metric=<name>]`` with a ``.label`` and a ``.value``: ``NUMBER`` finds
their values, ``ITERATION`` the Iteration's.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "tests" / "screenshots"
SERVER_START_TIMEOUT_S = 60
IDLE_TIMEOUT_MS = 60_000
VIEWPORT = {"width": 1600, "height": 1000}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
APP_SELECTOR = "[data-testid='stApp']"
NUMBER = "[data-nnviz-metric] .value"
ITERATION = "[data-nnviz-metric='iteration'] .value"
IDLE_SELECTOR = "[data-testid='stApp'][data-test-script-state='notRunning']"


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@pytest.fixture(scope="session")
def app_server():
    """Start ``streamlit run app.py`` on a free port; yield its base URL."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    log_path = SCREENSHOTS / "streamlit-server.log"
    cmd = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            cmd, cwd=REPO_ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(
                    f"streamlit exited with code {proc.returncode} before answering.\n"
                    f"--- {log_path} ---\n{_tail(log_path)}"
                )
            try:
                with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as r:
                    if r.read().decode().strip() == "ok":
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"streamlit did not answer {base_url}/_stcore/health within "
                    f"{SERVER_START_TIMEOUT_S} s.\n--- {log_path} ---\n{_tail(log_path)}"
                )
            time.sleep(0.2)
        yield base_url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian chromium driven by Playwright."""
    executable = shutil.which("chromium")
    missing = None
    if executable is None:
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
        chromium = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
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
