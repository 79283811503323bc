"""Faults: the broker down at filing, a routing run that dies half-way or runs twice, and two users
racing on one ticket (real threads; PostgreSQL only — SQLite has no row locks)."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import close_old_connections, connection
from rest_framework.test import APIClient

from common.errors import ConflictError
from config.celery import app as celery_app
from dispatch import services
from dispatch.models import Notification, Ticket, TicketAssist, TicketEvent
from tests.dispatch.conftest import ADDRESS, CONTENT

S = Ticket.Status
needs_row_locks = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL row locks (SQLite serialises whole transactions)"
)


@pytest.fixture
def dead_broker():
    """Point the Celery app at a port where nothing listens (the broker is down), then restore it."""
    conf = celery_app.conf
    saved = (conf.broker_url, conf.broker_transport_options, celery_app._pool)
    conf.broker_url, conf.broker_transport_options = "redis://127.0.0.1:1/0", {}
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    yield
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    conf.broker_url, conf.broker_transport_options, celery_app._pool = saved
    celery_app.amqp._producer_pool = None


@pytest.mark.django_db
def test_broker_down_at_filing_still_201_and_the_reconciler_routes_later(
    world, predict, dead_broker, django_capture_on_commit_callbacks
):
    client = APIClient()
    client.force_authenticate(world.operator)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        responses = [
            client.post("/api/tickets/", {"content": CONTENT, "address": ADDRESS}, format="json") for _ in range(3)
        ]

    assert [r.status_code for r in responses] == [201, 201, 201]
    assert len(callbacks) == 3  # the publish ran, and failed, after each commit
    assert set(Ticket.objects.values_list("status", flat=True)) == {S.RECEIVED}

    routed = services.reconcile_unrouted(older_than=datetime.timedelta(0))

    assert routed == 3
    assert set(Ticket.objects.values_list("status", flat=True)) == {S.DISPATCHED}
    assert TicketEvent.objects.filter(action="routed").count() == 3
    assert services.reconcile_unrouted(older_than=datetime.timedelta(0)) == 0


@pytest.mark.django_db
def test_reconciler_leaves_fresh_tickets_to_the_normal_path(world, file_ticket):
    ticket = file_ticket(route=False)

    assert services.reconcile_unrouted() == 0  # filed seconds ago: its task is probably on its way
    assert Ticket.objects.get(pk=ticket.pk).status == S.RECEIVED


@pytest.mark.django_db
def test_routing_that_dies_half_way_leaves_the_ticket_unrouted_and_a_rerun_routes_it_once(
    world, file_ticket, monkeypatch
):
    ticket = file_ticket(route=False)

    def die(*args, **kwargs):
        raise SystemExit("worker killed")  # what a SIGTERM'd worker looks like inside the task

    with monkeypatch.context() as patch, pytest.raises(SystemExit):
        patch.setattr("dispatch.services.routing.notify_dispatched", die)
        services.ticket_route(ticket_id=ticket.pk)

    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.status, fresh.routed_at, fresh.lead_department_id) == (S.RECEIVED, None, None)
    assert TicketAssist.objects.filter(ticket=ticket).count() == 0
    assert TicketEvent.objects.filter(ticket=ticket, action="routed").count() == 0

    services.ticket_route(ticket_id=ticket.pk)
    services.ticket_route(ticket_id=ticket.pk)  # acks_late redelivery after the first success

    fresh = Ticket.objects.get(pk=ticket.pk)
    assert fresh.status == S.DISPATCHED
    assert TicketEvent.objects.filter(ticket=ticket, action="routed").count() == 1
    assert TicketAssist.objects.filter(ticket=ticket).count() == 1
    assert Notification.objects.filter(ticket=ticket, kind="dispatched", department=world.zhujian).count() == 1


def run_in_threads(*fns):
    """Start the functions together (a barrier), return what each returned or raised."""
    barrier = threading.Barrier(len(fns))
    results = [None] * len(fns)

    def runner(i, fn):
        try:
            barrier.wait()
            results[i] = fn()
        except BaseException as exc:  # noqa: BLE001 — the result is the exception
            results[i] = exc
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, fn)) for i, fn in enumerate(fns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_transitions_one_wins_the_other_conflicts_one_event(world, dispatched):
    for _ in range(5):  # several rounds: the interleaving differs from run to run
        ticket = services.ticket_route(
            ticket_id=services.ticket_create(by=world.operator, content=CONTENT, address=ADDRESS).pk
        )
        results = run_in_threads(
            lambda t=ticket: services.ticket_sign(ticket=t.pk, by=world.staff),
            lambda t=ticket: services.ticket_sign(ticket=t.pk, by=world.worker),
        )

        wins = [r for r in results if isinstance(r, Ticket)]
        conflicts = [r for r in results if isinstance(r, ConflictError)]
        assert (len(wins), len(conflicts)) == (1, 1), results
        assert TicketEvent.objects.filter(ticket=ticket, action="signed").count() == 1
        assert Ticket.objects.get(pk=ticket.pk).version == 2


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_concurrent_different_moves_on_one_ticket(world, handling):
    results = run_in_threads(
        lambda: services.ticket_reply(ticket=handling.pk, by=world.staff, text="已处理"),
        lambda: services.ticket_return(ticket=handling.pk, by=world.staff, reason="非本单位职责"),
    )

    assert sorted(type(r).__name__ for r in results) == ["ConflictError", "Ticket"]
    assert TicketEvent.objects.filter(ticket=handling, action__in=["replied", "returned"]).count() == 1


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_concurrent_routing_of_one_ticket_dispatches_it_once(world, predict):
    ticket = services.ticket_create(by=world.operator, content=CONTENT, address=ADDRESS)

    run_in_threads(*[lambda: services.ticket_route(ticket_id=ticket.pk) for _ in range(3)])

    assert Ticket.objects.get(pk=ticket.pk).status == S.DISPATCHED
    assert TicketEvent.objects.filter(ticket=ticket, action="routed").count() == 1
    assert Notification.objects.filter(ticket=ticket, kind="dispatched", department=world.zhujian).count() == 1


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_concurrent_filings_get_distinct_numbers(world, predict):
    results = run_in_threads(
        *[lambda: services.ticket_create(by=world.operator, content=CONTENT, address=ADDRESS) for _ in range(6)]
    )

    numbers = [r.number for r in results]
    assert len(set(numbers)) == 6, results


@pytest.mark.django_db
def test_failed_permission_does_not_write_an_event(world, dispatched):
    events = TicketEvent.objects.count()

    with pytest.raises(PermissionDenied):
        services.ticket_sign(ticket=dispatched, by=world.operator)

    assert TicketEvent.objects.count() == events
