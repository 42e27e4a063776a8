"""What the browser benchmarks share: Debian's chromium's flags, the app's selectors,
and a Streamlit server on a free loopback port (started, waited for, stopped)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
# The Iteration on screen: the live numbers (data-nnviz-metric) or, in an app from
# before them, the first st.metric — so that a baseline is measured the same way.
NUMBERS = "[data-nnviz-metric], [data-testid='stMetricValue']"
ITERATION_JS = (
    "(() => { const m = document.querySelector(\"[data-nnviz-metric='iteration'] .value\")"
    " || document.querySelector(\"[data-testid='stMetricValue']\");"
    " return m ? m.innerText : null; })()"
)
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: no proxy


def iteration(page) -> int:
    """The Iteration on screen."""
    return int(page.evaluate("() => " + ITERATION_JS).replace(",", ""))


def wait_iteration_change(page, before: int, timeout: float) -> None:
    page.wait_for_function(
        "v => { const t = " + ITERATION_JS + "; return t && t.replace(/,/g, '') !== String(v); }",
        arg=before,
        timeout=timeout,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def python_for(app: Path) -> str:
    """The Python that runs ``app``: its checkout's own .venv if it has one (another
    checkout measured as a baseline runs its own nnviz and its own asset files), else
    this one."""
    own = app.resolve().parent / ".venv" / "bin" / "python"
    return str(own) if own.exists() else sys.executable


def streamlit_command(app: Path, port: int, *extra: str) -> list[str]:
    """``streamlit run app`` on 127.0.0.1:port, headless, no file watcher."""
    return [
        python_for(app),
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        *extra,
    ]


def wait_health(url: str, proc: subprocess.Popen, log, timeout: float = 120) -> None:
    """Until ``url`` answers /_stcore/health; the server's log if it exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), DIRECT.open(url + "/_stcore/health", timeout=2) as r:
            if r.read().strip() == b"ok":
                return
        if proc.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"the server exited:\n{log.read().decode()[-3000:]}")
        time.sleep(0.2)
    raise RuntimeError(f"no answer from {url}/_stcore/health within {timeout:.0f} s")


def stop(proc: subprocess.Popen, group: bool = False) -> None:
    """Terminate ``proc`` (and with ``group`` its whole process group), then kill."""
    if proc.poll() is None:
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(20)
    if group:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    elif proc.poll() is None:
        proc.kill()
    proc.wait(10)
