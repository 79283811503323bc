"""One writer of the ticket's life: every event row is built in services/core.py (the moves, the sweep
on both databases, the demo), its action is one of the transition table's events, and every
notification (the sweep's alerts too) reaches the outbound sender through a Celery task queued after
commit, never inside the request."""

import datetime

import pytest

from dispatch import services, tasks
from dispatch.models import Notification, TicketEvent
from dispatch.services.core import event_row
from dispatch.workflow import EVENT_CHOICES, EVENT_LABELS, MOVES

pytestmark = pytest.mark.django_db
SENT = []


def record(notification):
    SENT.append((notification.kind, notification.message))


@pytest.fixture
def sender(settings):
    settings.DISPATCH_NOTIFICATION_SENDER = "tests.dispatch.test_ticket_life.record"
    SENT.clear()
    return SENT


def test_event_actions_are_the_transition_tables_events():
    field = TicketEvent._meta.get_field("action")

    assert list(field.choices) == EVENT_CHOICES
    assert {m.event for m in MOVES.values()} <= set(EVENT_LABELS)
    assert {"created", "merge_received", "sla_red", "sla_yellow"} <= set(EVENT_LABELS)


def test_an_event_with_an_unknown_action_is_refused():
    with pytest.raises(ValueError):
        event_row(ticket_id=1, action="sla_orange", from_status="handling", to_status="handling")


def test_the_sender_is_a_task_queued_after_commit_not_run_in_the_request(
    world, handling, sender, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(
        "dispatch.services.notifications.enqueue_after_commit", lambda name, *args: queued.append((name, args))
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_urge(ticket=handling, by=world.dispatcher, reason="请加快")

    note = Notification.objects.get(kind="urge")
    assert SENT == [] and note.sent_at is None
    assert queued == [("dispatch.send_notifications", ([note.pk],))]

    assert tasks.send_notifications([note.pk]) == 1  # what the worker runs
    assert tasks.send_notifications([note.pk]) == 0  # a redelivery sends nothing twice
    assert SENT == [("urge", f"催办：工单 {handling.number} 请加快｜城乡建设 · 文化路街道农大社区")]
    assert Notification.objects.get(pk=note.pk).sent_at is not None


def test_no_task_is_queued_without_a_sender(world, handling, monkeypatch, django_capture_on_commit_callbacks):
    queued = []
    monkeypatch.setattr("dispatch.services.notifications.enqueue_after_commit", lambda name, *args: queued.append(name))

    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_urge(ticket=handling, by=world.dispatcher, reason="请加快")

    assert queued == []


def test_sweep_alerts_reach_the_outbound_sender(
    world, file_ticket, sender, eager_worker, django_capture_on_commit_callbacks
):
    overdue = file_ticket()
    nearly = file_ticket()
    now = overdue.sign_due + datetime.timedelta(minutes=1)
    type(overdue).objects.filter(pk=nearly.pk).update(sla_due=now + datetime.timedelta(hours=1), sla_warn_at=now)

    with django_capture_on_commit_callbacks(execute=True):
        services.sla_sweep(now=now)

    # Late in the year the sweep's missing-holidays warning (for next year) is sent as well.
    kinds = sorted(kind for kind, _ in SENT if kind != "calendar")
    assert kinds == ["red", "supervise", "yellow"]
    assert ("red", f"红灯超期：工单 {overdue.number} 已超过时限，已督办") in SENT
    assert not Notification.objects.filter(kind__in=["red", "yellow", "supervise"], sent_at__isnull=True).exists()


def test_the_sweeps_events_are_built_like_every_other_event(world, file_ticket):
    ticket = file_ticket()
    services.sla_sweep(now=ticket.sign_due + datetime.timedelta(minutes=1))

    red = TicketEvent.objects.get(ticket=ticket, action="sla_red")
    built = event_row(
        ticket_id=ticket.pk,
        action="sla_red",
        from_status=red.from_status,
        to_status=red.to_status,
        reason=red.reason,
        data={"supervised": True},
    )
    assert (red.actor_id, red.actor_label, red.from_status, red.to_status) == (
        built.actor_id,
        built.actor_label,
        "dispatched",
        "dispatched",
    )
