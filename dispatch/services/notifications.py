"""Notifications: who is told what about a ticket, written in the move's transaction and sent after it
commits (the `dispatch.send_notifications` task; re-queued by beat when a publish failed)."""

import datetime
import logging
from contextlib import contextmanager
from contextvars import ContextVar
from importlib import import_module

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from dispatch.models import Notification, NotificationRead, Ticket
from dispatch.services.core import category_name, enqueue_after_commit

logger = logging.getLogger(__name__)


def ticket_brief(ticket: Ticket) -> str:
    """What a notification says a ticket is about, beside its number: the category and a short place
    (street and community) — never personal data: no caller, no address line, no content. Nothing for a
    confidential ticket, whose notifications name only its number (dispatch/selectors/privacy.py)."""
    if ticket.confidential:
        return ""
    parts = [category_name(ticket.category_code) if ticket.category_code else "未分类"]
    place = "".join(r.name for r in (ticket.street, ticket.community) if r is not None)
    parts.append(place or (ticket.district.name if ticket.district else ""))
    return " · ".join(p for p in parts if p)


def notify(*, kind: str, ticket: Ticket | None, message: str, **to) -> Notification:
    """A notification row (read in the product); the outbound sender, when one is set, gets it after commit.
    `to` names the addressee (user/user_id, department, region). A ticket's notification names what it is
    about after the message (`ticket_brief`)."""
    if ticket is not None:
        (note,) = notify_ticket(ticket, [(kind, message, to)])
        return note
    (note,) = notify_many([Notification(kind=kind, message=message, **to)])
    return note


def notify_ticket(ticket: Ticket, notes: list[tuple[str, str, dict]]) -> list[Notification]:
    """Several notifications about one ticket, each (kind, message, addressee fields), written in one
    INSERT; each names what the ticket is about after its message, like `notify`."""
    brief = ticket_brief(ticket)
    return notify_many(
        [
            Notification(kind=kind, ticket=ticket, message=f"{message}｜{brief}" if brief else message, **to)
            for kind, message, to in notes
        ]
    )


def notify_lead(ticket: Ticket, kind: str, message: str) -> Notification:
    """A notification to the ticket's lead unit (what most moves tell the unit)."""
    return notify(kind=kind, ticket=ticket, department=ticket.lead_department, message=message)


def notify_once(*, kind: str, key: str, message: str) -> Notification | None:
    """A notification without a ticket or an addressee (supervisors read it) written at most once per
    `key`, e.g. the warning that a year's holidays are missing; handed to the sender like `notify`. None
    when one with that key exists (a unique index settles two writers racing)."""
    if Notification.objects.filter(dedupe_key=key).exists():
        return None
    try:
        with transaction.atomic():
            note = Notification.objects.create(kind=kind, dedupe_key=key, message=message[:255])
    except IntegrityError:
        return None
    send_later([note.pk])
    return note


def notify_many(notes: list[Notification]) -> list[Notification]:
    """Write many notifications at once (the sweep's aggregated alerts) and hand them to the outbound
    sender after commit, like `notify`. Inside `notifications_deferred` they are only kept for its end."""
    for note in notes:
        note.message = note.message[:255]
    pending = _deferred.get()
    if pending is not None:
        pending.extend(notes)
        return notes
    created = Notification.objects.bulk_create(notes, batch_size=500)
    send_later([n.pk for n in created if n.pk is not None])
    return created


_deferred: ContextVar[list | None] = ContextVar("dispatch_deferred_notifications", default=None)


@contextmanager
def notifications_deferred():
    """The notifications written in this block (`notify`, `notify_ticket`, `notify_many`) are inserted
    in one INSERT when it ends without an error, and none when it raises; until then they have no pk.
    Blocks nest: an inner block that ends well hands its notifications to the outer one (routing: one
    block per ticket, whose notifications are dropped when it fails, inside one block per batch)."""
    pending: list[Notification] = []
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
    if pending:
        notify_many(pending)


def notifications_mark_read(*, by, ids: list[int] | None = None) -> int:
    """Mark the unread notifications the user can see (all, or those of `ids`) as read *for that user*;
    returns how many. Colleagues sharing a unit's notifications keep their own read state. Marking
    twice at once (a double click) records each notification once."""
    from dispatch.selectors import notifications_for_user

    unread = notifications_for_user(by).filter(read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    pks = list(unread.values_list("pk", flat=True))
    now = timezone.now()
    NotificationRead.objects.bulk_create(
        [NotificationRead(notification_id=pk, user=by, read_at=now) for pk in pks], ignore_conflicts=True
    )
    return len(pks)


# How many notifications one sender task takes.
SEND_CHUNK = 200


def send_later(ids: list[int]) -> None:
    """Queue the outbound sender for these notifications once the transaction commits (a Celery task:
    a slow SMS gateway never holds up a web request). Nothing is queued when no sender is set."""
    if not settings.DISPATCH_NOTIFICATION_SENDER or not ids:
        return
    for i in range(0, len(ids), SEND_CHUNK):
        enqueue_after_commit("dispatch.send_notifications", ids[i : i + SEND_CHUNK])


# A notification still unsent this long after it was written is queued again (its publish failed or the
# broker lost it, or the sender failed); one older than a day is left: a gateway that refuses it for that
# long will not take it now, and the people have read it in the product.
REQUEUE_AFTER = datetime.timedelta(minutes=5)
REQUEUE_WITHIN = datetime.timedelta(days=1)


def notifications_requeue(*, limit: int = 2000) -> int:
    """Queue the sender again for the notifications of the last day still unsent (the beat runs it); the
    database, not the broker, says what is left to send. Returns how many were queued; 0 without a sender.
    Safe to run twice: `notifications_send` skips a row once it is sent."""
    if not settings.DISPATCH_NOTIFICATION_SENDER:
        return 0
    now = timezone.now()
    ids = list(
        Notification.objects.filter(
            sent_at__isnull=True, created_at__lt=now - REQUEUE_AFTER, created_at__gte=now - REQUEUE_WITHIN
        )
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    send_later(ids)
    return len(ids)


def notifications_send(*, ids: list[int]) -> int:
    """Run the configured sender on each of these notifications not sent yet; returns how many were sent.
    Safe to run twice: each row is locked (skipping one another worker holds) and skipped once `sent_at`
    is set. A failing sender is logged and leaves the row unsent; it never raises."""
    path = settings.DISPATCH_NOTIFICATION_SENDER
    if not path:
        return 0
    module, _, name = path.rpartition(".")
    sender = getattr(import_module(module), name)
    sent = 0
    for pk in ids:
        with transaction.atomic():
            note = (
                Notification.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("ticket")
                .filter(pk=pk, sent_at__isnull=True)
                .first()
            )
            if note is None:
                continue
            try:
                sender(note)
            except Exception:  # an SMS gateway being down must not break the batch
                logger.exception("notification sender failed for notification %s", note.pk)
                continue
            Notification.objects.filter(pk=note.pk).update(sent_at=timezone.now())
            sent += 1
    return sent


# --- Enqueue after commit ----------------------------------------------------------------------------
