"""Throw-away Redis and PostgreSQL servers for the fault tests, on ports of their own.

The machine's own PostgreSQL (5432) and Redis (6379) are never touched: these servers live in a temporary
folder, listen on a free port, and are stopped and started by the test to inject the fault.
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(predicate, what: str, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not happen within {timeout:.0f} s")


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class RedisServer:
    """`redis-server` without persistence: a restart comes back empty, as after a crash or FLUSHALL."""

    def __init__(self, folder: Path, port: int | None = None):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed")
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            + ["--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait(lambda: _accepts(self.port), f"redis on port {self.port} accepting connections")
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(20)
        self.proc = None
        _wait(lambda: not _accepts(self.port), f"redis on port {self.port} gone")


def postgres_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError(f"PostgreSQL's {name} is not installed under /usr/lib/postgresql/*/bin/")
    return found[-1]


class PostgresServer:
    """A PostgreSQL cluster initialised into a temporary folder (trust auth, user `postgres`).

    PostgreSQL refuses to run as root: as root, the cluster lives in a folder of its own under /tmp owned
    by the `postgres` system user, and its commands run as that user (runuser); `remove()` deletes it.
    """

    def __init__(self, folder: Path, port: int | None = None):
        self.as_root = os.geteuid() == 0
        if self.as_root:
            folder = Path(tempfile.mkdtemp(prefix="pgfault-"))
            pw = pwd.getpwnam("postgres")
            os.chown(folder, pw.pw_uid, pw.pw_gid)
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.data = self.folder / "data"
        self.port = port or free_port()

    def _run(self, args: list[str], *, check: bool = True) -> subprocess.CompletedProcess:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_root else []
        return subprocess.run(prefix + args, check=check, capture_output=True, text=True)

    def url(self, dbname: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def init(self) -> "PostgresServer":
        self._run(
            [postgres_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
            + ["--locale=C.UTF-8", "--no-sync"]
        )
        return self

    def start(self) -> "PostgresServer":
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            [postgres_bin("pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.folder / "log")]
            + ["-w", "start"]
        )
        return self

    def stop(self) -> None:
        self._run([postgres_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"], check=False)
        _wait(lambda: not _accepts(self.port), f"postgres on port {self.port} gone")

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def createdb(self, name: str) -> str:
        self._run([postgres_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name])
        return self.url(name)
