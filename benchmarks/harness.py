"""What the browser benchmarks share: Debian's chromium's flags, the app's selectors,
a Streamlit server on a free loopback port (started, waited for, stopped), and the
server under test of a classroom benchmark (``Server``: one process, or
``scripts/serve.sh`` with replicas behind nginx) with its memory and CPU."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

COOKIE = "nnviz_replica"  # scripts/serve.sh's sticky cookie
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


# ------------------------------------------------------------ a classroom's server
def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of every core since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


class Server:
    """One Streamlit process on loopback, or the app's checkout's scripts/serve.sh with
    N replicas behind nginx; the cookie that reaches each replica (``route``), and the
    memory and CPU of them all."""

    def __init__(self, app: Path, replicas: int):
        self.app, self.replicas = app, replicas
        self.pids: list[int] = []
        self.routes: list[str | None] = [None]  # the cookie for replica i (None: no nginx)
        self._stack = contextlib.ExitStack()

    def __enter__(self):
        log = self._stack.enter_context(tempfile.TemporaryFile())
        if self.replicas == 1:
            port = free_port()
            cmd = streamlit_command(self.app, port, "--logger.level", "warning")
            proc = subprocess.Popen(
                cmd,
                cwd=self.app.parent,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            self._stack.callback(stop, proc)
            self.url = f"http://127.0.0.1:{port}"
            wait_health(self.url, proc, log)
            self.pids = [proc.pid]
            return self
        run = Path(self._stack.enter_context(tempfile.TemporaryDirectory()))
        port, *ports = (free_port() for _ in range(self.replicas + 1))
        checkout = self.app.parent  # its own scripts/serve.sh, app and .venv
        cmd = [
            "bash",
            str(checkout / "scripts" / "serve.sh"),
            "--replicas",
            str(self.replicas),
            "--port",
            str(port),
            "--host",
            "127.0.0.1",
            "--replica-ports",
            ",".join(map(str, ports)),
            "--run-dir",
            str(run),
        ]
        proc = subprocess.Popen(
            cmd,
            cwd=checkout,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._stack.callback(stop, proc, group=True)
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 180
        while not (run / "nginx.pid").exists() or not self._answers():
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(f"scripts/serve.sh did not start:\n{log.read().decode()}")
            time.sleep(0.3)
        by_port = dict(line.split() for line in (run / "replicas").read_text().splitlines())
        self.pids = [int(by_port[str(p)]) for p in ports]
        self.routes = []
        for p in ports:  # a cookie value that nginx hashes onto each replica
            for i in range(256):
                route = f"bench-{i}"
                get(self.url + "/_stcore/health", route)
                lines = (run / "access.log").read_text().splitlines()
                if any(
                    f"route={route} " in ln and f"upstream=127.0.0.1:{p} " in ln for ln in lines
                ):
                    self.routes.append(route)
                    break
            else:
                raise RuntimeError(f"no cookie reaches the replica on port {p}")
        return self

    def _answers(self) -> bool:
        with contextlib.suppress(OSError):
            return get(self.url + "/_stcore/health").strip() == "ok"
        return False

    def route(self, i: int) -> str | None:
        return self.routes[i % len(self.routes)]

    def rss_mb(self) -> float:
        return sum(rss_mb(p) for p in self.pids)

    def cpu_s(self) -> float:
        return sum(cpu_s(p) for p in self.pids)

    def __exit__(self, *exc):
        self._stack.close()


def get(url: str, route: str | None = None) -> str:
    """GET ``url`` on loopback (with the sticky cookie ``route``), as text."""
    headers = {"Cookie": f"{COOKIE}={route}"} if route else {}
    with DIRECT.open(urllib.request.Request(url, headers=headers), timeout=10) as r:
        return r.read().decode()
