"""Notifications are rows users read; an external sender is pluggable and off by default."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from dispatch import services
from dispatch.models import Notification, NotificationRead
from dispatch.selectors import notifications_for_user
from dispatch.services import notifications
from dispatch.services.clocks import note_fallback_years

pytestmark = pytest.mark.django_db
SENT = []


def record(notification):
    SENT.append((notification.kind, notification.message))


def broken(notification):
    raise ConnectionError("SMS gateway down")


def test_rows_reach_the_department_and_the_grid_worker(world, dispatched):
    staff_kinds = set(notifications_for_user(world.staff).values_list("kind", flat=True))
    worker_notes = notifications_for_user(world.small.workers["nongda1a"].user)

    assert staff_kinds == {"dispatched"}
    assert list(worker_notes.values_list("kind", flat=True)) == ["grid"]
    assert notifications_for_user(world.staff_zm).count() == 0


def test_no_sender_by_default(world, handling, django_capture_on_commit_callbacks):
    SENT.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_urge(ticket=handling, by=world.dispatcher, reason="请加快")

    assert SENT == []
    assert Notification.objects.get(kind="urge").sent_at is None


def test_configured_sender_runs_after_commit(
    world, handling, settings, eager_worker, django_capture_on_commit_callbacks
):
    settings.DISPATCH_NOTIFICATION_SENDER = "tests.dispatch.test_notifications.record"
    SENT.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_urge(ticket=handling, by=world.dispatcher, reason="请加快")

    # The message says what the ticket is (category and short place), never who called.
    assert SENT == [("urge", f"催办：工单 {handling.number} 请加快｜城乡建设 · 文化路街道农大社区")]
    assert Notification.objects.get(kind="urge").sent_at is not None


def test_a_failing_sender_does_not_fail_the_move(
    world, handling, settings, eager_worker, django_capture_on_commit_callbacks
):
    settings.DISPATCH_NOTIFICATION_SENDER = "tests.dispatch.test_notifications.broken"

    with django_capture_on_commit_callbacks(execute=True):
        ticket = services.ticket_urge(ticket=handling, by=world.dispatcher, reason="请加快")

    assert ticket.urge_count == 1
    assert Notification.objects.get(kind="urge").sent_at is None


def test_notifications_are_marked_read_through_the_api_per_person(world):
    mine = services.notify(kind="grid", ticket=None, message="网格通知一", department=world.zhujian)
    also = services.notify(kind="grid", ticket=None, message="网格通知二", department=world.zhujian)
    elsewhere = services.notify(kind="grid", ticket=None, message="别的单位", department=world.zhujian_zm)
    client = APIClient()
    client.force_authenticate(world.staff)

    # only what the user can see, only the listed ids, once
    response = client.post("/api/notifications/read/", {"ids": [mine.pk, elsewhere.pk]}, format="json")
    assert response.status_code == 200 and response.json() == {"marked": 1}
    assert client.post("/api/notifications/read/", {"ids": [mine.pk]}, format="json").json() == {"marked": 0}
    rows = {n["id"]: n["read_at"] for n in client.get("/api/notifications/").json()["results"]}
    assert rows[mine.pk] is not None and rows[also.pk] is None and elsewhere.pk not in rows
    assert not NotificationRead.objects.filter(notification=elsewhere).exists()

    # without ids: everything still unread
    assert client.post("/api/notifications/read/", {}, format="json").json()["marked"] >= 1
    assert all(n["read_at"] for n in client.get("/api/notifications/").json()["results"])


@pytest.mark.parametrize("body", [{"ids": "3"}, {"ids": ["x"]}, {"ids": [0]}, {"ids": [2**63]}])
def test_bad_ids_get_a_400_naming_the_field(world, body):
    client = APIClient()
    client.force_authenticate(world.staff)
    response = client.post("/api/notifications/read/", body, format="json")
    assert response.status_code == 400
    assert "ids" in response.json()
    assert not NotificationRead.objects.exists()


def test_a_notification_says_what_the_ticket_is_without_personal_data(world, handling, file_ticket):
    messages = set(Notification.objects.filter(ticket=handling).values_list("message", flat=True))
    assert f"新工单 {handling.number} 请签收（主办）｜城乡建设 · 文化路街道农大社区" in messages
    assert all("王建国" not in m and "138" not in m and "3号楼" not in m for m in messages)
    secret = file_ticket(confidential=True)
    secret_messages = set(Notification.objects.filter(ticket=secret).values_list("message", flat=True))
    assert f"新工单 {secret.number} 请签收（主办）" in secret_messages  # a confidential ticket: its number only


def test_a_notification_whose_publish_failed_is_queued_again_by_the_requeue_sweep(
    world, handling, settings, eager_worker, django_capture_on_commit_callbacks, monkeypatch
):
    settings.DISPATCH_NOTIFICATION_SENDER = "tests.dispatch.test_notifications.record"
    SENT.clear()
    monkeypatch.setattr("dispatch.publishing.broker_marked_down", lambda: True)  # the broker is down at the move
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_urge(ticket=handling, by=world.dispatcher, reason="请加快")
    note = Notification.objects.get(kind="urge")
    assert SENT == [] and note.sent_at is None
    monkeypatch.undo()

    # not yet: the normal path may still be on its way
    assert services.notifications_requeue() == 0
    Notification.objects.filter(pk=note.pk).update(created_at=timezone.now() - notifications.REQUEUE_AFTER)
    with django_capture_on_commit_callbacks(execute=True):  # as the beat task's own transaction would
        queued = services.notifications_requeue()

    assert queued == 1
    assert SENT == [("urge", f"催办：工单 {handling.number} 请加快｜城乡建设 · 文化路街道农大社区")]
    assert Notification.objects.get(pk=note.pk).sent_at is not None
    assert services.notifications_requeue() == 0  # sent: never again


def test_the_requeue_sweep_leaves_old_notifications_and_does_nothing_without_a_sender(world, settings):
    old = services.notify(kind="grid", ticket=None, message="两天前", department=world.zhujian)
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - notifications.REQUEUE_WITHIN)
    recent = services.notify(kind="grid", ticket=None, message="十分钟前", department=world.zhujian)
    Notification.objects.filter(pk=recent.pk).update(created_at=timezone.now() - notifications.REQUEUE_AFTER * 2)

    assert services.notifications_requeue() == 0  # no sender configured
    settings.DISPATCH_NOTIFICATION_SENDER = "tests.dispatch.test_notifications.record"
    assert services.notifications_requeue() == 1  # the recent one only


def test_the_calendar_warning_is_written_once_and_handed_to_the_sender(
    world, settings, eager_worker, django_capture_on_commit_callbacks
):
    settings.DISPATCH_NOTIFICATION_SENDER = "tests.dispatch.test_notifications.record"
    SENT.clear()

    with django_capture_on_commit_callbacks(execute=True):
        note_fallback_years({2031})
        note_fallback_years({2031})

    assert SENT == [("calendar", "2031年节假日安排未录入工作日历，相关时限暂按周一至周五计算，请在后台录入。")]
    assert Notification.objects.get(kind="calendar", dedupe_key="calendar-missing-2031").sent_at is not None
