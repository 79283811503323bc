"""Open311 and webhook figures, in one process on the database it is given (DATABASE_URL; SQLite works,
PostgreSQL is what production runs). Uses and changes that database: it files tickets and removes them.
Celery publishes go to an in-process memory broker (nothing routes them), so only this code is measured.
Run: `.venv/bin/python bench/open311.py`.

Prints:
  1. service requests filed per second through POST /open311/v2/requests.json (Django test client,
     no network) next to `ticket_create` called directly: the cost of the Open311 face;
  2. GET /open311/v2/requests.json with 1,000 published tickets: median and p95 time, and queries;
  3. what one subscription adds to a ticket move (the delivery row written with its event): filings
     per second with no subscription and with one;
  4. signed deliveries per second to a real HTTP server on 127.0.0.1 (one sender, serial).
"""

import os
import statistics
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("SECRET_KEY", "bench-only")  # sessions and messages sign with it; DEBUG stays off

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

N_FILE = 300
N_LIST = 1000
N_GET = 30
N_DELIVER = 300


def say(text=""):
    print(text, flush=True)


def prepare():
    from config.celery import app
    from governance.models import Department, Region

    app.conf.broker_url = "memory://"
    call_command("migrate", verbosity=0)
    if not Region.objects.exists():
        call_command("load_divisions", verbosity=0)
    if not Department.objects.exists():
        call_command("seed_departments", verbosity=0)


def clean(marker: str):
    from dispatch.models import Open311ApiKey, Open311Request, Ticket, TicketEvent, WebhookDelivery, WebhookSubscription

    tickets = Ticket.objects.filter(content__startswith=marker)
    WebhookDelivery.objects.filter(event__ticket__in=tickets).delete()
    WebhookSubscription.objects.filter(name__startswith="bench-").delete()
    Open311Request.objects.filter(ticket__in=tickets).delete()
    with connection.cursor() as cur:  # events are append-only for the product; the bench removes its own
        cur.execute(
            f"DELETE FROM {TicketEvent._meta.db_table} WHERE ticket_id IN (SELECT id FROM {Ticket._meta.db_table}"
            f" WHERE content LIKE %s)",
            [marker + "%"],
        )
    tickets.delete()
    Open311ApiKey.objects.filter(name__startswith="bench-").delete()


def rate(n, fn) -> float:
    start = time.perf_counter()
    for i in range(n):
        fn(i)
    return n / (time.perf_counter() - start)


class _Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def main():
    prepare()
    from dispatch.actors import Actor
    from dispatch.models import Ticket, WebhookDelivery, WebhookSubscription
    from dispatch.open311.services import open311_key_create
    from dispatch.services import ticket_create
    from dispatch.services.webhooks import webhook_deliver
    from governance import roles

    marker = "【bench-open311】"
    clean(marker)
    operator = Actor(user=None, roles=frozenset({roles.OPERATOR}))
    _, raw = open311_key_create(name="bench-fixmystreet")
    client = Client(HTTP_HOST="localhost")
    text = marker + "农大家属院3号楼楼顶水箱长年不清洗，自来水有霉味，请督促物业清洗。"
    say(f"database: {connection.vendor}")
    try:

        def post(i):
            response = client.post(
                "/open311/v2/requests.json",
                {
                    "api_key": raw,
                    "service_code": "城乡建设",
                    "description": text,
                    "address_string": "金水区文化路街道农大社区",
                    "first_name": "建国",
                    "last_name": "王",
                    "phone": "13812345678",
                    "media_url": ["https://fms.example.org/1.jpeg", "https://fms.example.org/2.jpeg"],
                    "attribute[urgency]": "urgent",
                },
            )
            assert response.status_code == 201, response.content[:300]

        def direct(i):
            ticket_create(by=operator, content=text, address="金水区文化路街道农大社区", category_code="城乡建设")

        post(0)
        direct(0)
        via_api, plain = rate(N_FILE, post), rate(N_FILE, direct)
        say(
            f"1. filing: Open311 POST {via_api:.0f}/s, ticket_create directly {plain:.0f}/s (ratio 1 : {plain / via_api:.2f})"
        )

        while Ticket.objects.filter(channel="open311", content__startswith=marker).count() < N_LIST:
            post(0)
        times, queries = [], 0
        with override_settings(DEBUG=True):
            for _ in range(N_GET):
                reset_queries()
                start = time.perf_counter()
                response = client.get("/open311/v2/requests.json", {"page_size": "1000"})
                times.append(time.perf_counter() - start)
                queries = len(connection.queries)
                assert response.status_code == 200 and len(response.json()) == 1000
        times.sort()
        say(
            f"2. GET requests.json, 1,000 requests: median {statistics.median(times) * 1000:.0f} ms,"
            f" p95 {times[int(0.95 * len(times)) - 1] * 1000:.0f} ms, {queries} queries"
        )

        server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_port}/hook"
        none = rate(N_FILE, direct)
        WebhookSubscription.objects.create(name="bench-province", url=url, secret="bench", events=[])
        one = rate(N_FILE, direct)
        say(
            f"3. ticket_create with no subscription {none:.0f}/s, with one {one:.0f}/s (+{(none / one - 1) * 100:.0f} % time)"
        )

        pending = list(
            WebhookDelivery.objects.filter(status="pending").values_list("pk", flat=True).order_by("pk")[:N_DELIVER]
        )
        start = time.perf_counter()
        for pk in pending:
            webhook_deliver(delivery_id=pk)
        elapsed = time.perf_counter() - start
        delivered = WebhookDelivery.objects.filter(pk__in=pending, status="delivered").count()
        say(
            f"4. signed deliveries to 127.0.0.1: {len(pending) / elapsed:.0f}/s serial, {delivered}/{len(pending)} delivered"
        )
        server.shutdown()
    finally:
        clean(marker)


if __name__ == "__main__":
    main()
