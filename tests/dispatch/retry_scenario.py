"""Clients that time out and retry a filing, with and without an Idempotency-Key (bench/faults.py).

In a process of its own on a SQLite file under VAR_DIR: migrates, builds the small real world, starts
gunicorn, and makes RETRY_CALLS filings per mode with a client timeout of RETRY_TIMEOUT seconds and up to
two retries after a timeout (a careless client: the server goes on with the request it stopped waiting
for). Mode "plain" sends no key, mode "key" one key per call. Prints, per mode, the calls made and the
tickets created, as JSON on the last line.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402


def main() -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    from rest_framework.authtoken.models import Token

    from dispatch.models import Ticket
    from governance import roles
    from tests.dispatch.conftest import ADDRESS, CONTENT, _staff
    from tests.fixtures_governance import zhengzhou_small_build
    from tests.servers import free_port

    calls = int(os.environ.get("RETRY_CALLS", "30"))
    timeout = float(os.environ.get("RETRY_TIMEOUT", "0.05"))
    small = zhengzhou_small_build()
    token = Token.objects.create(user=_staff("op", roles.OPERATOR, region=small.city)).key
    port = free_port()
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "WARNING"}
    web = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", "2", "--threads", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    result = {}
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
        for mode in ("plain", "key"):
            sent = timeouts = 0
            for i in range(calls):
                body = json.dumps({"content": f"{CONTENT}（{mode} 第{i + 1}次来电）", "address": ADDRESS}).encode()
                headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
                if mode == "key":
                    headers["Idempotency-Key"] = str(uuid.uuid4())
                for _attempt in range(3):
                    sent += 1
                    request = urllib.request.Request(base + "/api/tickets/", data=body, headers=headers, method="POST")
                    try:
                        with urllib.request.urlopen(request, timeout=timeout) as response:
                            response.read()
                        break
                    except (TimeoutError, socket.timeout, urllib.error.URLError):
                        timeouts += 1
            time.sleep(10)  # let the requests the client gave up on finish on the server
            per_call = [
                Ticket.objects.filter(content__endswith=f"（{mode} 第{i + 1}次来电）").count() for i in range(calls)
            ]
            result[mode] = {
                "calls": calls,
                "requests": sent,
                "timeouts": timeouts,
                "tickets": sum(per_call),
                "doubled": sum(n - 1 for n in per_call if n > 1),
                "lost": sum(1 for n in per_call if n == 0),
            }
    finally:
        web.terminate()
        try:
            web.wait(20)
        except subprocess.TimeoutExpired:
            web.kill()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
