"""Routing in batches (services/routing.py `ticket_route_with_waiting`, what the routing task runs): the
task's own ticket and the waiting ones are routed together, each exactly once; a failing ticket does not
undo the others; the statements one ticket costs, alone and in a batch; two workers never take the
same ticket (PostgreSQL)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dispatch import services
from dispatch.models import Notification, Ticket, TicketEvent, TicketSketch
from dispatch.services import routing
from dispatch.services.routing import ticket_route_with_waiting
from dispatch.tasks import route_ticket
from tests.dispatch.conftest import ADDRESS, CONTENT
from tests.dispatch.test_faults import needs_row_locks, run_in_threads

S = Ticket.Status


def received(file_ticket, n: int) -> list[Ticket]:
    return [file_ticket(route=False, content=f"{CONTENT}（第{i}次来电）") for i in range(n)]


def fail_routing_of(bad: Ticket, monkeypatch):
    """Make routing raise for `bad` alone; returns the real planner."""
    plan = routing._plan

    def failing_for_bad(ticket, prediction):
        if ticket.pk == bad.pk:
            raise ValueError("bad data in this ticket")
        return plan(ticket, prediction)

    monkeypatch.setattr(routing, "_plan", failing_for_bad)
    return plan


def statements(fn) -> tuple[object, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        value = fn()
    return value, [q["sql"] for q in ctx.captured_queries]


@pytest.mark.django_db
def test_the_task_routes_its_ticket_and_the_waiting_ones_each_once(world, file_ticket):
    first, *others = received(file_ticket, 4)

    assert route_ticket.run(first.pk) == 4

    assert set(Ticket.objects.filter(pk__in=[first.pk, *[t.pk for t in others]]).values_list("status", flat=True)) == {
        S.DISPATCHED
    }
    for t in [first, *others]:
        assert TicketEvent.objects.filter(ticket=t, action="routed").count() == 1
        assert Notification.objects.filter(ticket=t, kind="dispatched", department=world.zhujian).count() == 1


@pytest.mark.django_db
def test_the_messages_of_tickets_routed_in_a_batch_change_nothing(world, file_ticket):
    tickets = received(file_ticket, 3)
    route_ticket.run(tickets[0].pk)
    events, notes, sketches = TicketEvent.objects.count(), Notification.objects.count(), TicketSketch.objects.count()

    assert [route_ticket.run(t.pk) for t in tickets] == [0, 0, 0]  # their own messages, and a redelivery

    assert (TicketEvent.objects.count(), Notification.objects.count(), TicketSketch.objects.count()) == (
        events,
        notes,
        sketches,
    )


@pytest.mark.django_db
def test_the_batch_takes_its_own_ticket_first_then_the_oldest_up_to_its_size(world, file_ticket):
    oldest, middle, newest = received(file_ticket, 3)

    assert ticket_route_with_waiting(ticket_id=newest.pk, batch=2) == 2

    status = dict(Ticket.objects.filter(pk__in=[oldest.pk, middle.pk, newest.pk]).values_list("pk", "status"))
    assert status == {oldest.pk: S.DISPATCHED, middle.pk: S.RECEIVED, newest.pk: S.DISPATCHED}


@pytest.mark.django_db
def test_a_batch_of_one_routes_only_the_ticket_of_the_message(world, file_ticket, settings):
    settings.DISPATCH_ROUTE_BATCH = 1
    mine, other = received(file_ticket, 2)

    assert route_ticket.run(mine.pk) == 1

    assert Ticket.objects.get(pk=mine.pk).status == S.DISPATCHED
    assert Ticket.objects.get(pk=other.pk).status == S.RECEIVED


@pytest.mark.django_db
def test_a_ticket_that_fails_is_left_received_and_the_others_are_routed(world, file_ticket, monkeypatch):
    good, bad, also_good = received(file_ticket, 3)
    plan = fail_routing_of(bad, monkeypatch)

    assert route_ticket.run(good.pk) == 2

    fresh = Ticket.objects.get(pk=bad.pk)
    assert (fresh.status, fresh.routed_at) == (S.RECEIVED, None)
    assert TicketEvent.objects.filter(ticket=bad, action="routed").count() == 0
    assert Ticket.objects.get(pk=also_good.pk).status == S.DISPATCHED
    monkeypatch.setattr(routing, "_plan", plan)
    assert services.reconcile_unrouted(older_than=datetime.timedelta(0)) == 1  # the sweep's turn


@pytest.mark.django_db
def test_a_write_that_dies_half_way_rolls_the_whole_batch_back(world, file_ticket, monkeypatch):
    tickets = received(file_ticket, 3)
    notify_dispatched = routing.notify_dispatched
    calls = []

    def die_on_the_second(t, assists):
        calls.append(t.pk)
        if len(calls) == 2:
            raise SystemExit("worker killed")
        notify_dispatched(t, assists)

    monkeypatch.setattr(routing, "notify_dispatched", die_on_the_second)
    with pytest.raises(SystemExit):
        route_ticket.run(tickets[0].pk)

    assert set(Ticket.objects.filter(pk__in=[t.pk for t in tickets]).values_list("status", flat=True)) == {S.RECEIVED}
    assert TicketEvent.objects.filter(action="routed").count() == 0


# --- Statements ------------------------------------------------------------------------------------
# What one ticket costs with the memo warm, on the dispatched path of CONTENT (one 协办 unit, and a
# duplicate of the ticket routed before it). In a batch: its duplicate-candidate read; savepoint, UPDATE,
# `routed` event, the 协办 check and row, release; the batch writes every ticket's notifications,
# sketch rows and duplicate-hint key rows in one INSERT each at its end. Alone (`ticket_route`, the
# reconciler): also read first and read again locked, and its notifications (one INSERT), its duplicate
# notice, its sketch rows and its hint-key rows.
PER_TICKET_IN_BATCH = 7
ALONE = PER_TICKET_IN_BATCH + 6


@pytest.mark.django_db
def test_statements_of_routing_one_ticket(world, file_ticket, memo_on):
    warm, ticket = received(file_ticket, 2)
    services.ticket_route(ticket_id=warm.pk)  # the memo and the model are read once per process

    routed, sql = statements(lambda: services.ticket_route(ticket_id=ticket.pk))

    assert routed.status == S.DISPATCHED
    assert len(sql) == ALONE, "\n".join(sql)


@pytest.mark.django_db
def test_statements_of_a_batch_grow_by_a_fixed_few_per_ticket(world, file_ticket, memo_on):
    services.ticket_route(ticket_id=received(file_ticket, 1)[0].pk)  # warm the memo
    three = received(file_ticket, 3)
    n3, sql3 = statements(lambda: route_ticket.run(three[0].pk))
    six = received(file_ticket, 6)
    n6, sql6 = statements(lambda: route_ticket.run(six[0].pk))

    assert (n3, n6) == (3, 6)
    assert len(sql6) - len(sql3) == 3 * PER_TICKET_IN_BATCH, "\n".join(sql6)
    # once per batch: the check, the transaction, the claim, the read of the claimed rows, the
    # notifications, the sketch rows and the hint-key rows
    assert len(sql3) - 3 * PER_TICKET_IN_BATCH == 8, "\n".join(sql3)


@pytest.mark.django_db
def test_a_message_whose_ticket_was_routed_costs_one_read(world, file_ticket, memo_on):
    (ticket,) = received(file_ticket, 1)
    route_ticket.run(ticket.pk)

    routed, sql = statements(lambda: route_ticket.run(ticket.pk))

    assert routed == 0
    assert len(sql) == 1, sql


@pytest.mark.django_db
def test_a_ticket_failing_after_its_notifications_were_made_leaves_none_of_them(world, file_ticket, monkeypatch):
    good, bad = received(file_ticket, 2)
    notify_dispatched = routing.notify_dispatched

    def fail_after_notifying(t, assists):
        notify_dispatched(t, assists)
        if t.pk == bad.pk:
            raise ValueError("failed after its notifications were made")

    monkeypatch.setattr(routing, "notify_dispatched", fail_after_notifying)

    assert route_ticket.run(good.pk) == 1

    assert Notification.objects.filter(ticket=good, kind="dispatched").count() == 2  # 主办 and 协办
    assert Notification.objects.filter(ticket=bad).count() == 0
    assert TicketSketch.objects.filter(ticket_id=bad.pk).count() == 0
    assert Ticket.objects.get(pk=bad.pk).status == S.RECEIVED


# --- Two workers -------------------------------------------------------------------------------------


@needs_row_locks
@pytest.mark.django_db(transaction=True)
def test_two_workers_draining_one_backlog_route_every_ticket_once(world, predict):
    tickets = [
        services.ticket_create(by=world.operator, content=f"{CONTENT}（{i}）", address=ADDRESS) for i in range(12)
    ]

    results = run_in_threads(*[lambda t=t: ticket_route_with_waiting(ticket_id=t.pk, batch=4) for t in tickets[:6]])

    assert all(isinstance(r, int) for r in results), results
    assert sum(results) <= 12
    for pk in [t.pk for t in tickets[6:]]:  # the rest of the messages arrive
        ticket_route_with_waiting(ticket_id=pk, batch=4)
    assert set(Ticket.objects.filter(pk__in=[t.pk for t in tickets]).values_list("status", flat=True)) == {S.DISPATCHED}
    for t in tickets:
        assert TicketEvent.objects.filter(ticket=t, action="routed").count() == 1


@pytest.mark.django_db
def test_statements_of_a_batch_do_not_grow_with_the_open_tickets_of_the_community(world, file_ticket, memo_on):
    from tests.dispatch.test_duplicate_candidates import _open_with_sketches

    services.ticket_route(ticket_id=received(file_ticket, 1)[0].pk)  # warm the memo
    quiet = received(file_ticket, 3)
    n_quiet, sql_quiet = statements(lambda: route_ticket.run(quiet[0].pk))
    _open_with_sketches(world, 200)  # the community fills up (the same matter among them)
    busy = received(file_ticket, 3)
    n_busy, sql_busy = statements(lambda: route_ticket.run(busy[0].pk))

    assert (n_quiet, n_busy) == (3, 3)
    assert len(sql_busy) == len(sql_quiet), "\n".join(sql_busy)
    for t in quiet + busy:  # each routed once, none left behind
        assert TicketEvent.objects.filter(ticket=t, action="routed").count() == 1
        assert Ticket.objects.get(pk=t.pk).status == S.DISPATCHED


@pytest.mark.django_db
def test_a_ticket_failing_again_in_the_sweep_waits_for_a_person_and_the_sweep_goes_on(world, file_ticket, monkeypatch):
    bad, good = received(file_ticket, 2)  # the failing one is the oldest: the sweep meets it first
    fail_routing_of(bad, monkeypatch)

    assert services.reconcile_unrouted(older_than=datetime.timedelta(0)) == 2

    held = Ticket.objects.get(pk=bad.pk)
    assert held.status == S.PENDING_DISPATCH and held.routed_at is not None
    assert held.lead_department_id is None and held.ai_routing["reason"] == routing.ROUTING_FAILED
    event = TicketEvent.objects.get(ticket=bad, action="routed")
    assert event.data["routing_failed"] is True and event.data["error"] == "ValueError"
    assert Ticket.objects.get(pk=good.pk).status == S.DISPATCHED
    assert services.reconcile_unrouted(older_than=datetime.timedelta(0)) == 0  # not retried at every sweep


@pytest.mark.django_db
def test_a_ticket_that_cannot_even_be_held_is_left_received_and_the_sweep_goes_on(world, file_ticket, monkeypatch):
    bad, good = received(file_ticket, 2)
    fail_routing_of(bad, monkeypatch)

    def hold_fails(**kwargs):
        raise RuntimeError("the hold fails too")

    monkeypatch.setattr("dispatch.services.sweep.ticket_hold_failed", hold_fails)

    assert services.reconcile_unrouted(older_than=datetime.timedelta(0)) == 1

    assert Ticket.objects.get(pk=bad.pk).status == S.RECEIVED
    assert Ticket.objects.get(pk=good.pk).status == S.DISPATCHED
