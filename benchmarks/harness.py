"""What the browser tests and the benchmarks share: Debian's chromium with its flags
(``launch_chromium``), the app's selectors, a Streamlit server on a free loopback port
(``streamlit_server``: started, waited for, stopped), a classroom (``classroom``:
``scripts/serve.sh`` with replicas behind nginx), and the server under test of a
classroom benchmark (``Server``: one process or a classroom) with its memory and CPU.

The tests import it as ``benchmarks.harness`` (tests/browser/conftest.py,
tests/test_serve.py), the benchmarks as ``harness``."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

COOKIE = "nnviz_replica"  # scripts/serve.sh's sticky cookie
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
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
    return free_ports(1)[0]


def free_ports(n: int) -> list[int]:
    """``n`` different free loopback ports (all bound at once, then released)."""
    sockets = [socket.socket() for _ in range(n)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


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


def launch_chromium(pw, *extra: str):
    """Debian's chromium (on PATH, never a download of Playwright's own), headless, with
    CHROMIUM_ARGS and ``extra`` flags, from a started ``sync_playwright()``."""
    executable = shutil.which("chromium")
    if executable is None:
        raise RuntimeError("Debian's chromium is not on PATH (make test installs it)")
    return pw.chromium.launch(
        executable_path=executable, headless=True, args=[*CHROMIUM_ARGS, *extra]
    )


@contextlib.contextmanager
def streamlit_server(app: Path, log, *extra: str, timeout: float = 120, env: dict | None = None):
    """``streamlit run app`` on a free loopback port (``extra``: more options; ``env``:
    environment variables set for it), its output in the binary file ``log`` (opened for
    writing and reading); yields its URL once it answers, and stops it after."""
    port = free_port()
    proc = subprocess.Popen(
        streamlit_command(app, port, *extra),
        cwd=app.parent,
        env={**os.environ, **env} if env else None,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_health(url, proc, log, timeout)
        yield url, proc
    finally:
        stop(proc)


@dataclass
class Classroom:
    """A running ``scripts/serve.sh``: nginx's URL, its run folder (nginx.conf,
    access.log, the compressed assets) and its replicas (port → pid)."""

    url: str
    run: Path
    replicas: dict[int, int]
    proc: subprocess.Popen


@contextlib.contextmanager
def classroom(checkout: Path, replicas: int, run: Path, output: Path, timeout: float = 180):
    """``checkout``'s ``scripts/serve.sh`` with ``replicas`` Streamlit processes behind
    nginx, all on free loopback ports, its run folder ``run``, what it says in
    ``output``; yields a :class:`Classroom` once it says it is serving, and stops it
    (nginx and the replicas: the script's whole process group) after."""
    port, *ports = free_ports(replicas + 1)
    cmd = [
        "bash",
        str(checkout / "scripts" / "serve.sh"),
        "--replicas",
        str(replicas),
        "--port",
        str(port),
        "--host",
        "127.0.0.1",
        "--replica-ports",
        ",".join(map(str, ports)),
        "--run-dir",
        str(run),
    ]
    with open(output, "wb") as out:
        # its own process group: the cleanup reaches nginx and the replicas even if the
        # script itself is gone
        proc = subprocess.Popen(
            cmd,
            cwd=checkout,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + timeout
        while "nnviz is serving" not in output.read_text(errors="replace"):
            if proc.poll() is not None or time.monotonic() > deadline:
                said = output.read_text(errors="replace")[-3000:]
                how = f"exited with {proc.returncode}" if proc.poll() is not None else "is slow"
                raise RuntimeError(f"scripts/serve.sh {how}, not serving after:\n{said}")
            time.sleep(0.2)
        pairs = [line.split() for line in (run / "replicas").read_text().splitlines()]
        yield Classroom(f"http://127.0.0.1:{port}", run, {int(p): int(i) for p, i in pairs}, proc)
    finally:
        stop(proc, group=True)


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
        if self.replicas == 1:
            log = self._stack.enter_context(tempfile.TemporaryFile())
            self.url, proc = self._stack.enter_context(
                streamlit_server(self.app, log, "--logger.level", "warning")
            )
            self.pids = [proc.pid]
            return self
        run = Path(self._stack.enter_context(tempfile.TemporaryDirectory()))
        checkout = self.app.parent  # its own scripts/serve.sh, app and .venv
        room = self._stack.enter_context(classroom(checkout, self.replicas, run, run / "serve.out"))
        self.url = room.url
        ports = sorted(room.replicas)
        self.pids = [room.replicas[p] for p in ports]
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
