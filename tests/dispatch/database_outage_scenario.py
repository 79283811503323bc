"""The database goes away under a running gunicorn and comes back, in a process of its own (used by
test_database_outage.py and bench/faults.py).

Starts a PostgreSQL of its own (initdb into VAR_DIR, a free port; never the machine's), migrates it,
builds the small real world, starts gunicorn (DEBUG off) on it, and then: files a ticket (201); stops
PostgreSQL and calls the API, a page and /healthz; starts PostgreSQL again and calls them once more,
without restarting gunicorn. A Celery worker (which keeps its database connection between tasks) routes
the ticket filed before and the one filed after, without a restart either. Prints one JSON line with what
each call answered.
"""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.servers import PostgresServer, free_port  # noqa: E402

VAR = Path(os.environ["VAR_DIR"])
pg = PostgresServer(VAR / "pg").init().start()
os.environ["DATABASE_URL"] = pg.createdb("outage")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402


def call(base: str, method: str, path: str, *, headers: dict, body: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, got_headers, raw = response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        status, got_headers, raw = exc.code, exc.headers, exc.read()
    text = raw.decode("utf-8", "replace")
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    return {
        "status": status,
        "retry_after": got_headers.get("Retry-After"),
        "content_type": got_headers.get("Content-Type", ""),
        "json": parsed,
        "text": text[:2000] if parsed is None else "",
    }


def main() -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from dispatch.models import Ticket
    from governance import roles
    from tests.dispatch.conftest import ADDRESS, CONTENT, _staff
    from tests.fixtures_governance import zhengzhou_small_build

    small = zhengzhou_small_build()
    operator = _staff("op", roles.OPERATOR, region=small.city)
    token = Token.objects.create(user=operator).key
    browser = Client()
    browser.force_login(operator)
    session = browser.cookies[settings.SESSION_COOKIE_NAME].value
    api = {"Authorization": f"Token {token}", "Accept": "application/json"}
    page = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}", "Accept": "text/html"}

    port = free_port()
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "WARNING"}
    env.pop("DEBUG", None)
    web = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", "1", "--threads", "2", "--timeout", "120"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    from tests.dispatch.celery_worker import Worker

    worker = Worker(name="dbout", env=env, loglevel="WARNING")
    base = f"http://127.0.0.1:{port}"
    result: dict = {}
    try:
        end = time.monotonic() + 60
        while time.monotonic() < end:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=5)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.3)

        def round_(label: str) -> None:
            result[label] = {
                "file": call(base, "POST", "/api/tickets/", headers=api, body={"content": CONTENT, "address": ADDRESS}),
                "list": call(base, "GET", "/api/tickets/", headers=api),
                "page": call(base, "GET", "/", headers=page),
                "health": call(base, "GET", "/healthz", headers={}),
            }

        def routed(label: str) -> bool:
            """Whether the worker routed the ticket this round filed (it keeps its connection between tasks)."""
            from django.db import connection

            connection.close()
            pk = (result[label]["file"]["json"] or {}).get("id")
            deadline = time.monotonic() + 120
            while pk is not None and time.monotonic() < deadline:
                if Ticket.objects.filter(pk=pk, routed_at__isnull=False).exists():
                    return True
                time.sleep(0.5)
            return False

        round_("before")
        result["routed_before"] = routed("before")
        pg.stop()
        round_("down")
        pg.start()
        round_("after")
        result["routed_after"] = routed("after")
        result["gunicorn_alive"] = web.poll() is None
        result["worker_alive"] = worker.proc.poll() is None
        from django.db import connection

        connection.close()
        result["tickets"] = Ticket.objects.count()
    finally:
        worker.stop()
        web.terminate()
        try:
            web.wait(20)
        except subprocess.TimeoutExpired:
            web.kill()
        pg.remove()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
