"""End to end with a real Celery worker process: file → routed (by the worker) → signed → replied →
reviewed → callback → closed, and the timeline tells the whole story.

The worker is `celery -A config worker` in a subprocess, on the test database; the broker is REDIS_URL
when set, else kombu's filesystem transport in a temporary folder.
"""

import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from dispatch.models import Ticket, TicketEvent
from tests.dispatch.celery_worker import Worker, database_url_for_workers, run_scenario_on_sqlite, shared_broker
from tests.dispatch.conftest import ADDRESS, CONTENT

pytestmark = [pytest.mark.celery_worker, pytest.mark.slow]
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="shares the pytest database with the worker; on SQLite see the scenario-process test below",
)
ROOT = Path(settings.BASE_DIR)


@pytest.fixture
def worker(tmp_path):
    """A real worker on the test database and a shared broker; yields its log lines."""
    with shared_broker(tmp_path, database_url=database_url_for_workers()) as env:
        proc = Worker(name="e2e", env=env)
        try:
            proc.wait_ready()
            yield proc.log
        finally:
            proc.stop()


def wait_for(predicate, timeout=60.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    return None


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_file_route_sign_reply_review_callback_close_with_a_real_worker(world, worker):
    def as_user(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    filed = as_user(world.operator).post(
        "/api/tickets/",
        {"content": CONTENT, "address": ADDRESS, "caller_name": "王建国", "caller_phone": "13812345678"},
        format="json",
    )
    assert filed.status_code == 201
    pk = filed.data["id"]

    routed = wait_for(lambda: Ticket.objects.filter(pk=pk, routed_at__isnull=False).first())
    assert routed is not None, "the worker did not route the ticket:\n" + "".join(worker[-40:])
    assert routed.community == world.small.community and routed.grid == world.small.micro_grid
    if routed.status == Ticket.Status.PENDING_DISPATCH:  # no active model, or below the threshold
        response = as_user(world.dispatcher).post(
            f"/api/tickets/{pk}/dispatch/", {"department": world.zhujian.pk, "category_code": "城乡建设"}, format="json"
        )
        assert response.status_code == 200
    assert Ticket.objects.get(pk=pk).lead_department_id is not None

    lead = Ticket.objects.get(pk=pk).lead_department
    staff = world.staff if lead == world.zhujian else world.admin
    steps = [
        (staff, "sign", {}),
        (staff, "reply", {"text": "已督促物业清洗水箱并送检，水质合格。"}),
        (world.dispatcher, "reply-review", {"approve": True}),
        (world.dispatcher, "callback", {"satisfaction": "satisfied"}),
    ]
    for user, move, body in steps:
        response = as_user(user).post(f"/api/tickets/{pk}/{move}/", body, format="json")
        assert response.status_code == 200, (move, response.data)

    ticket = Ticket.objects.get(pk=pk)
    assert ticket.status == Ticket.Status.CLOSED and ticket.satisfaction == "satisfied"
    timeline = as_user(world.dispatcher).get(f"/api/tickets/{pk}/timeline/").data
    actions = [e["action"] for e in timeline]
    expected = ["created", "routed", "signed", "replied", "reply_reviewed", "called_back"]
    if "dispatched" in actions:
        expected.insert(2, "dispatched")
    assert actions == expected
    assert [e["to_status"] for e in timeline][-1] == "closed"
    assert TicketEvent.objects.get(ticket_id=pk, action="routed").actor is None  # done by the worker
    assert any("dispatch.route_ticket" in line and "succeeded" in line for line in worker)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL runs the in-process variant above")
def test_real_worker_on_sqlite_with_the_filesystem_broker(tmp_path):
    """SQLite's pytest database is in memory: run the same scenario in a process of its own, on a SQLite
    file that the worker shares, with the filesystem broker in a temporary folder."""
    result = run_scenario_on_sqlite("e2e_scenario.py", tmp_path)
    assert result["codes"] == [200, 200, 200, 200]
    assert result["status"] == "closed"
    assert result["routed_by_worker"] is True
    assert result["community"] == "410105008001"
    expected = ["created", "routed", "signed", "replied", "reply_reviewed", "called_back"]
    if "dispatched" in result["actions"]:
        expected.insert(2, "dispatched")
    assert result["actions"] == expected


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the filesystem broker is the laptop's (no REDIS_URL)")
def test_a_worker_on_the_routing_queue_alone_routes_through_the_filesystem_broker(tmp_path):
    """make run's routing worker consumes only `routing` (config/settings.py CELERY_TASK_ROUTES): the web's
    publish must reach that queue through kombu's filesystem transport, whose exchange bindings live in
    each process (the publisher declares the queue it sends to)."""
    result = run_scenario_on_sqlite("e2e_scenario.py", tmp_path, env={"E2E_WORKER_QUEUES": "routing"})
    assert result["routed_by_worker"] is True
    assert result["status"] == "closed"
