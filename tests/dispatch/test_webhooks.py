"""Signed outbound webhooks against a real HTTP server on 127.0.0.1 that the test starts: deliveries
written with the event, sent after commit by the Celery task (never in the web request), signed,
retried with backoff, logged; given up after the last attempt."""

import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connection
from django.utils import timezone

from common.errors import ConflictError
from config.celery import app
from dispatch import services
from dispatch.models import Ticket, TicketEvent, WebhookDelivery, WebhookSubscription
from dispatch.services import webhooks

D = WebhookDelivery.Status
SECRET = "s3cret-for-tests"


class Receiver:
    """A real HTTP server on 127.0.0.1: records each POST and answers with the next status in line."""

    def __init__(self, statuses=(200,)):
        self.statuses = list(statuses)
        self.received: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append({"headers": dict(self.headers), "body": body, "path": self.path})
                status = receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                self.send_response(status)
                if status in (301, 302, 307):
                    self.send_header("Location", "/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    with Receiver() as r:
        yield r


@pytest.fixture
def eager(settings):
    """Run published tasks in-process, as a worker would (the broker is not under test here)."""
    import dispatch.tasks  # noqa: F401  (registers the tasks, as the worker's autodiscovery does)

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def subscribe(url, events=(), **kw):
    return WebhookSubscription.objects.create(
        name=kw.pop("name", "province"), url=url, secret=SECRET, events=list(events), **kw
    )


def make_due(delivery):
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=5))


def file(world, **fields):
    data = {"content": "小区门口垃圾堆积三天无人清运", "address": "金水区文化路街道", "caller_name": "王建国"}
    data["caller_phone"] = "13812345678"
    data.update(fields)
    return services.ticket_create(by=world.operator, **data)


def hits(receiver):
    return len(receiver.received)


def test_event_is_delivered_signed_after_commit(world, receiver, eager, predict, django_capture_on_commit_callbacks):
    subscribe(receiver.url, events=["created"])
    with django_capture_on_commit_callbacks(execute=True):
        ticket = file(world)
    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.status == D.DELIVERED and delivery.attempts == 1 and delivery.response_status == 200
    assert delivery.delivered_at is not None and delivery.next_attempt_at is None
    (hit,) = receiver.received
    headers, body = hit["headers"], hit["body"]
    assert webhooks.webhook_signature_verify(
        secret=SECRET, timestamp=headers["X-Webhook-Timestamp"], body=body, signature=headers["X-Webhook-Signature"]
    )
    payload = json.loads(body)
    assert payload["event"] == "created" and headers["X-Webhook-Event"] == "created"
    assert headers["X-Webhook-Id"] == str(delivery.pk)
    assert payload["ticket"]["number"] == ticket.number and payload["ticket"]["status"] == "received"
    assert payload["event_id"] == TicketEvent.objects.get(ticket=ticket, action="created").pk
    assert body.decode() == delivery.body
    for personal in ("13812345678", "王建国", "垃圾"):
        assert personal not in body.decode()
    ts, sig = headers["X-Webhook-Timestamp"], headers["X-Webhook-Signature"]
    assert not webhooks.webhook_signature_verify(secret=SECRET, timestamp=ts, body=body + b" ", signature=sig)
    assert not webhooks.webhook_signature_verify(secret="other", timestamp=ts, body=body, signature=sig)
    stale = int(ts) + webhooks.TOLERANCE + 1
    assert not webhooks.webhook_signature_verify(secret=SECRET, timestamp=ts, body=body, signature=sig, now=stale)


def test_nothing_is_sent_in_the_web_request(world, receiver, client, predict, django_capture_on_commit_callbacks):
    subscribe(receiver.url)
    client.force_login(world.operator)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            "/api/tickets/",
            {"content": "路灯不亮已经一周", "address": "金水区文化路街道"},
            content_type="application/json",
        )
    assert response.status_code == 201, response.content
    assert receiver.received == []  # the request is over; the POST waits for the worker
    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.status == D.PENDING and delivery.attempts == 0 and delivery.event.action == "created"
    assert len(callbacks) == 2  # route_ticket and webhook_deliver, both published after commit


def test_failures_are_retried_with_backoff(world, django_capture_on_commit_callbacks):
    with Receiver(statuses=[500, 503, 200]) as receiver:
        subscribe(receiver.url, events=["created"])
        with django_capture_on_commit_callbacks(execute=False):
            file(world)
        delivery = WebhookDelivery.objects.get()
        before = timezone.now()
        assert webhooks.webhook_deliver(delivery_id=delivery.pk) == webhooks.backoff()[0]
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, delivery.response_status) == (D.PENDING, 1, 500)
        assert delivery.next_attempt_at >= before + timedelta(seconds=webhooks.backoff()[0])
        # Run twice (a duplicate message): not due yet, nothing sent.
        assert webhooks.webhook_deliver(delivery_id=delivery.pk) is None and hits(receiver) == 1
        make_due(delivery)
        assert webhooks.webhook_deliver(delivery_id=delivery.pk) == webhooks.backoff()[1]
        make_due(delivery)
        assert webhooks.webhook_deliver(delivery_id=delivery.pk) is None
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, delivery.response_status) == (D.DELIVERED, 3, 200)
        assert [e["status"] for e in delivery.log] == [500, 503, 200]
        make_due(delivery)
        assert webhooks.webhook_deliver(delivery_id=delivery.pk) is None and hits(receiver) == 3
    bodies = {r["body"] for r in receiver.received}
    assert len(bodies) == 1  # every attempt sends the same bytes, each signed afresh
    for r in receiver.received:
        h = r["headers"]
        assert webhooks.webhook_signature_verify(
            secret=SECRET, timestamp=h["X-Webhook-Timestamp"], body=r["body"], signature=h["X-Webhook-Signature"]
        )


def test_gives_up_after_the_last_attempt(world, django_capture_on_commit_callbacks):
    with Receiver(statuses=[500]) as receiver:
        subscribe(receiver.url)
        with django_capture_on_commit_callbacks(execute=False):
            file(world)
        delivery = WebhookDelivery.objects.get()
        delays = []
        for _ in range(webhooks.max_attempts()):
            make_due(delivery)
            delays.append(webhooks.webhook_deliver(delivery_id=delivery.pk))
        assert delays == [*webhooks.backoff(), None]
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (
            D.FAILED,
            webhooks.max_attempts(),
            None,
        )
        make_due(delivery)  # no-op on a finished row's status
        assert webhooks.webhook_deliver(delivery_id=delivery.pk) is None
        assert webhooks.webhook_sweep() == 0
        assert hits(receiver) == webhooks.max_attempts()


def test_unreachable_receiver_and_redirects_are_failed_attempts(world, django_capture_on_commit_callbacks):
    import socket

    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    closed_port = probe.getsockname()[1]
    probe.close()
    with Receiver(statuses=[302]) as receiver:
        subscribe(f"http://127.0.0.1:{closed_port}/hook", name="down")
        subscribe(receiver.url, name="moved")
        with django_capture_on_commit_callbacks(execute=False):
            file(world)
        for delivery in WebhookDelivery.objects.all():
            assert webhooks.webhook_deliver(delivery_id=delivery.pk) == webhooks.backoff()[0]
        down = WebhookDelivery.objects.get(subscription__name="down")
        moved = WebhookDelivery.objects.get(subscription__name="moved")
        assert down.response_status is None and "URLError" in down.last_error
        assert moved.response_status == 302 and [r["path"] for r in receiver.received] == ["/hook"]


def test_sweep_enqueues_what_is_due(world, receiver, eager, django_capture_on_commit_callbacks):
    subscribe(receiver.url)
    with django_capture_on_commit_callbacks(execute=False):
        file(world)  # the message published after commit is lost (never executed)
    delivery = WebhookDelivery.objects.get()
    assert webhooks.webhook_sweep() == 0  # fresh rows are left to their own message
    make_due(delivery)
    with django_capture_on_commit_callbacks(execute=True):
        assert webhooks.webhook_sweep() == 1
    delivery.refresh_from_db()
    assert delivery.status == D.DELIVERED and hits(receiver) == 1


def test_only_wanted_events_of_active_subscriptions(world, receiver, dispatched, django_capture_on_commit_callbacks):
    signed_only = subscribe(receiver.url, events=["signed"], name="sms")
    subscribe(receiver.url, name="off", is_active=False)
    with django_capture_on_commit_callbacks(execute=False):
        services.ticket_sign(ticket=dispatched, by=world.staff)
    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.subscription == signed_only and delivery.event.action == "signed"


def test_a_failed_or_rolled_back_move_sends_nothing(world, receiver, dispatched, django_capture_on_commit_callbacks):
    from django.db import transaction

    subscribe(receiver.url)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with pytest.raises(ConflictError):
            services.ticket_reply(ticket=dispatched, by=world.staff, text="已处理")  # not signed yet
        with pytest.raises(RuntimeError), transaction.atomic():
            services.ticket_sign(ticket=dispatched, by=world.staff)
            raise RuntimeError("the rest of the caller's transaction failed")
    assert not WebhookDelivery.objects.exists() and callbacks == []
    assert Ticket.objects.get(pk=dispatched.pk).status == Ticket.Status.DISPATCHED


def test_deactivated_subscription_is_not_attempted(world, receiver, django_capture_on_commit_callbacks):
    subscription = subscribe(receiver.url)
    with django_capture_on_commit_callbacks(execute=False):
        file(world)
    WebhookSubscription.objects.filter(pk=subscription.pk).update(is_active=False)
    delivery = WebhookDelivery.objects.get()
    assert webhooks.webhook_deliver(delivery_id=delivery.pk) is None
    delivery.refresh_from_db()
    assert delivery.status == D.FAILED and delivery.last_error == "订阅已停用" and hits(receiver) == 0


def test_admin_log_and_redeliver(world, receiver, client, eager, django_capture_on_commit_callbacks):
    from tests.factories import UserFactory

    subscribe(receiver.url)
    with django_capture_on_commit_callbacks(execute=False):
        file(world)
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=D.FAILED, attempts=6, next_attempt_at=None)
    client.force_login(UserFactory(username="admin-wh", is_staff=True, is_superuser=True))
    assert client.get("/admin/dispatch/webhookdelivery/").status_code == 200
    assert client.get(f"/admin/dispatch/webhookdelivery/{delivery.pk}/change/").status_code == 200
    assert client.get("/admin/dispatch/webhooksubscription/add/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/dispatch/webhookdelivery/", {"action": "redeliver", "_selected_action": [delivery.pk]}
        )
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == D.DELIVERED and delivery.attempts == 1 and hits(receiver) == 1


def test_task_schedules_short_retries_and_leaves_long_ones_to_the_sweep(
    world, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from dispatch import tasks

    settings.DISPATCH_WEBHOOK_BACKOFF = (30, 3600)
    scheduled = []
    monkeypatch.setattr(
        tasks.webhook_deliver, "apply_async", lambda args, countdown, retry: scheduled.append((args, countdown))
    )
    with Receiver(statuses=[500]) as receiver:
        subscribe(receiver.url)
        with django_capture_on_commit_callbacks(execute=False):
            file(world)
        delivery = WebhookDelivery.objects.get()
        tasks.webhook_deliver(delivery.pk)  # the task body, as the worker runs it
        assert scheduled == [([delivery.pk], 30)]
        make_due(delivery)
        tasks.webhook_deliver(delivery.pk)
        assert scheduled == [([delivery.pk], 30)]  # an hour is the sweep's to find, not a broker ETA
        make_due(delivery)
        tasks.webhook_deliver(delivery.pk)
        delivery.refresh_from_db()
        assert delivery.status == D.FAILED and hits(receiver) == 3


@pytest.mark.celery_worker
@pytest.mark.slow
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker shares the pytest database (PostgreSQL only)")
@pytest.mark.django_db(transaction=True)
def test_real_worker_retries_then_delivers(world, tmp_path):
    from tests.dispatch.celery_worker import Worker, database_url_for_workers, shared_broker

    with Receiver(statuses=[503, 200]) as receiver:
        subscribe(receiver.url, events=["created"])
        with shared_broker(tmp_path, database_url=database_url_for_workers()) as env:
            worker = Worker(name="webhooks", env={**env, "DISPATCH_WEBHOOK_BACKOFF": "1,1"})
            try:
                worker.wait_ready()
                file(world)  # commits; the delivery is published after commit
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline and not WebhookDelivery.objects.filter(status=D.DELIVERED).exists():
                    time.sleep(0.2)
            finally:
                worker.stop()
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == D.DELIVERED, worker.tail()
        assert delivery.attempts == 2 and [e["status"] for e in delivery.log] == [503, 200]
        assert hits(receiver) == 2 and receiver.received[0]["body"] == receiver.received[1]["body"]


def test_sla_sweep_lights_are_delivered_by_the_webhook_sweep(
    world, receiver, eager, dispatched, django_capture_on_commit_callbacks
):
    """The sweep writes its events in bulk (one SQL statement on PostgreSQL, bulk_create elsewhere): the
    deliveries are written with them and the webhook sweep sends them."""
    subscribe(receiver.url, events=["sla_red"], name="province")
    subscribe(receiver.url, events=["signed"], name="sms")
    Ticket.objects.filter(pk=dispatched.pk).update(sla_due=timezone.now() - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = services.sla_sweep()
    assert result.red == 1
    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.event.action == "sla_red" and delivery.subscription.name == "province"
    assert delivery.status == D.PENDING and not any("webhook" in repr(c) for c in callbacks)
    make_due(delivery)
    with django_capture_on_commit_callbacks(execute=True):
        assert webhooks.webhook_sweep() == 1
    delivery.refresh_from_db()
    assert delivery.status == D.DELIVERED
    payload = json.loads(receiver.received[0]["body"])
    assert payload["event"] == "sla_red" and payload["ticket"]["number"] == dispatched.number
