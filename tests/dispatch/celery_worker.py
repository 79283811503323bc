"""A real Celery worker for the tests that need one.

`Worker` runs `celery -A config worker` (solo pool) in a process group of its own and collects its output;
`shared_broker` gives the workers' environment and points this process's Celery app at the same broker:
REDIS_URL when set, else kombu's filesystem transport in a temporary folder.
"""

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 90.0  # seconds for a worker to start or answer
SUCCEEDED = re.compile(r"Task (?P<name>[\w.]+)\[(?P<id>[0-9a-f-]+)\] succeeded in [\d.]+s: (?P<result>.*)$")


class Worker:
    """`celery -A config worker` (solo pool) in a process group of its own, its output collected."""

    def __init__(
        self, *, name: str, env: dict, include: str | None = None, loglevel: str = "INFO", queues: str | None = None
    ):
        self.log: list[str] = []
        self.ready = threading.Event()
        self.proc = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "celery"),
                "-A",
                "config",
                "worker",
                *(["-I", include] if include else []),
                *(["-Q", queues] if queues else []),  # default: every queue of CELERY_TASK_QUEUES
                "--pool",
                "solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"{name}-{os.getpid()}@%h",
                "--loglevel",
                loglevel,
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own process group: killpg reaches it and any child it forks
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.log.append(line)
            if "ready." in line:
                self.ready.set()

    def wait_ready(self):
        if not self.ready.wait(TIMEOUT):
            raise AssertionError("worker did not start:\n" + self.tail())

    def tail(self, n: int = 40) -> str:
        return "".join(self.log[-n:])

    def succeeded(self, task_id: str) -> str | None:
        """The logged result of a task this worker finished, or None."""
        for line in list(self.log):
            match = SUCCEEDED.search(line.rstrip())
            if match and match["id"] == task_id:
                return match["result"]
        return None

    def kill(self) -> int:
        """SIGKILL the whole process group (no clean-up, no ack, no rollback by the worker itself)."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return self.proc.wait(30)

    def stop(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                self.kill()


def database_url_for_workers() -> str:
    """The URL of the PostgreSQL database pytest is using, for worker subprocesses to share it."""
    from django.db import connection

    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextlib.contextmanager
def shared_broker(tmp_path: Path, *, database_url: str) -> Iterator[dict]:
    """The workers' environment; meanwhile this process's Celery app publishes to the same broker."""
    from django.conf import settings

    from config.celery import app

    env = {**os.environ, "DATABASE_URL": database_url, "CELERY_TASK_ALWAYS_EAGER": "0", "LOG_LEVEL": "INFO"}
    conf = app.conf
    saved = (conf.broker_url, dict(conf.broker_transport_options or {}), app._pool)
    if settings.REDIS_URL:
        app.control.purge()  # stale messages from earlier runs would only add noise
    else:
        env["VAR_DIR"] = str(tmp_path / "var")
        broker = tmp_path / "var" / "broker"
        for sub in ("queue", "processed", "control"):
            (broker / sub).mkdir(parents=True)
        conf.broker_transport_options = {
            "data_folder_in": str(broker / "queue"),
            "data_folder_out": str(broker / "queue"),
            "processed_folder": str(broker / "processed"),
            "control_folder": str(broker / "control"),
            "store_processed": False,
        }
        app._pool = None
        app.amqp._producer_pool = None
    try:
        yield env
    finally:
        conf.broker_url, conf.broker_transport_options, app._pool = saved
        app.amqp._producer_pool = None


def run_scenario_on_sqlite(script: str, tmp_path: Path, *, loglevel: str = "WARNING", env: dict | None = None) -> dict:
    """Run tests/dispatch/<script> in a process of its own, on a SQLite file its workers share and the
    filesystem broker in a temporary folder (SQLite's pytest database is in memory, out of their reach);
    returns the JSON the script prints on its last line. `env` adds to or overrides that environment."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'scenario.sqlite3'}",
        "VAR_DIR": str(tmp_path / "var"),
        "REDIS_URL": "",
        "ALLOWED_HOSTS": "testserver",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "LOG_LEVEL": loglevel,
        **(env or {}),
    }
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "dispatch" / script)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
