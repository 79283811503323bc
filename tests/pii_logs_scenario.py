"""Every log the product writes, after filing and searching with distinctive personal numbers (used by
test_pii_logs.py). In a process of its own, on a SQLite file and the filesystem broker under VAR_DIR:
migrates, builds the small real world, starts gunicorn (config/gunicorn.py, access and error logs to
files, the app's own logging captured) and a Celery worker (its output kept), files, looks up and
searches with the numbers in JSON bodies and in query strings, waits for routing, stops both and prints
the logs' text as JSON on the last line."""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

PHONE = os.environ["PII_PHONE"]
ID_NUMBER = os.environ["PII_ID"]
PLATE = os.environ["PII_PLATE"]


def call(base, method, path, token, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Authorization", f"Token {token}")
    request.add_header("Referer", base + path)  # a browser sends the page's URL, query string and all
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, None


def main() -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    from rest_framework.authtoken.models import Token

    from dispatch.models import Ticket
    from governance import roles
    from tests.dispatch.celery_worker import Worker
    from tests.dispatch.conftest import ADDRESS, CONTENT, _staff
    from tests.fixtures_governance import zhengzhou_small_build
    from tests.servers import free_port

    small = zhengzhou_small_build()
    operator = _staff("op", roles.OPERATOR, region=small.city)
    token = Token.objects.create(user=operator).key
    logs = Path(os.environ["VAR_DIR"]) / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "INFO"}
    with open(logs / "gunicorn-stdout.log", "w") as out:
        web = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "--config", "config/gunicorn.py"]
            + ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2", "--capture-output"]
            + ["--access-logfile", str(logs / "access.log"), "--error-logfile", str(logs / "error.log")],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    worker = Worker(name="pii", env=env, loglevel="INFO")
    base = f"http://127.0.0.1:{port}"
    codes = {}
    try:
        worker.wait_ready()
        end = time.monotonic() + 60
        while time.monotonic() < end:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=5)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.3)
        content = f"{CONTENT}。来电人身份证{ID_NUMBER}，电话{PHONE}，车牌{PLATE}。"
        body = {"content": content, "address": ADDRESS, "caller_name": "王建国", "caller_phone": PHONE}
        codes["file"], filed = call(base, "POST", "/api/tickets/", token, body)
        codes["file_bad"], _ = call(base, "POST", "/api/tickets/", token, {**body, "grid": "²", "address": ""})
        q = urllib.parse.quote
        for name, path in [
            ("search", f"/api/tickets/?q={q(PHONE)}"),
            ("search_id", f"/api/tickets/?q={q(ID_NUMBER)}"),
            ("search_plate", f"/api/tickets/?q={q(PLATE)}"),
            ("by_phone", f"/api/tickets/by-phone/?phone={q(PHONE)}"),
            ("by_phone_intl", f"/api/tickets/by-phone/?phone={q('+86 ' + PHONE)}"),
            ("duplicates", f"/api/tickets/duplicates/?content={q(content)}"),
            ("resolve", f"/api/address/resolve/?q={q(ADDRESS + PHONE)}"),
            ("missing", f"/api/tickets/by-phone/{PHONE}/"),
        ]:
            codes[name], _ = call(base, "GET", path, token)
        for name, path, payload in [
            ("by_phone_post", "/api/tickets/by-phone/", {"phone": PHONE}),
            ("duplicates_post", "/api/tickets/duplicates/", {"content": content}),
        ]:
            codes[name], _ = call(base, "POST", path, token, payload)
        if codes["file"] == 201:
            pk = filed["id"]
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and not Ticket.objects.filter(pk=pk, routed_at__isnull=False).exists():
                time.sleep(0.3)
            codes["routed"] = Ticket.objects.filter(pk=pk, routed_at__isnull=False).exists()
    finally:
        web.terminate()
        try:
            web.wait(20)
        except subprocess.TimeoutExpired:
            web.kill()
        worker.stop()
    texts = {p.name: p.read_text(errors="replace") for p in sorted(logs.iterdir())}
    texts["celery-worker.log"] = "".join(worker.log)
    print(json.dumps({"codes": codes, "logs": texts}, ensure_ascii=False))


if __name__ == "__main__":
    main()
