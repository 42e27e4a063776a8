"""A throwaway PostgreSQL cluster for the run store's tests: Debian's ``initdb`` and
``pg_ctl`` (``/usr/lib/postgresql/<version>/bin``) in a temporary folder, on a free
loopback port, stopped and removed at the end.

``pg_ctl`` refuses to run as root: as root the cluster runs as Debian's ``postgres`` user
(``runuser -u postgres --``), its folder given to that user; as anyone else, as that user.
The cluster trusts loopback connections of its superuser ``nnviz`` and runs without
fsync (a test cluster: speed over durability).
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def pg_bin() -> Path | None:
    """The folder of the newest Debian PostgreSQL's programs (or pg_ctl's on PATH)."""
    found = glob.glob("/usr/lib/postgresql/*/bin/pg_ctl")

    def version(path: str) -> tuple:
        return tuple(int(p) for p in re.findall(r"\d+", path.split("/")[4]))

    if found:
        return Path(max(found, key=version)).parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).resolve().parent if on_path else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """``start()`` → a SQLAlchemy URL of a fresh cluster; ``stop()`` removes it all."""

    def __init__(self, bin_dir: Path):
        self.bin = bin_dir
        self.dir = Path(tempfile.mkdtemp(prefix="nnviz-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.dir, user.pw_uid, user.pw_gid)
            self.prefix = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str, timeout: float = 120) -> None:
        done = subprocess.run(
            [*self.prefix, *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
        if done.returncode:
            log = self.dir / "log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise RuntimeError(f"{args[0]} failed:\n{done.stdout}\n{done.stderr}\n{tail}")

    def start(self) -> str:
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "nnviz", "--auth=trust",
            "--encoding=UTF8", "--no-locale", "--no-sync",
        )  # fmt: skip
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.dir} "
            "-c fsync=off -c full_page_writes=off -c synchronous_commit=off"
        )
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "log"),
            "-o", options, "-w", "-t", "60", "start",
        )  # fmt: skip
        return f"postgresql+psycopg://nnviz@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run(
                    str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"
                )
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
