"""The one transition core every named move goes through, notifications, and the enqueue helper."""

import logging
from collections.abc import Callable
from importlib import import_module

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from common.errors import ApplicationError, ConflictError
from dispatch.actors import Actor, actor_for
from dispatch.models import Notification, NotificationRead, Ticket, TicketEvent
from dispatch.selectors import move_blocker
from dispatch.services.webhooks import webhook_deliveries_create
from dispatch.workflow import MOVES, actor_may

logger = logging.getLogger(__name__)
S = Ticket.Status


def ticket_transition(
    *,
    ticket: Ticket | int,
    by,
    action: str,
    to_status: str | None = None,
    reason: str = "",
    data: dict | None = None,
    mutate: Callable[[Ticket, Actor], list[str]] | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """Make one move of the transition table on a ticket, atomically.

    Locks the ticket row, checks the move is allowed from the current status (ConflictError → 409
    otherwise, also when `expected_version` is stale: the caller lost a race), checks the actor's role
    and relation to the ticket (PermissionDenied → 403), applies `mutate` (which returns the extra field
    names it changed), saves only the changed fields, and writes one TicketEvent — all in one
    transaction. A failed move changes nothing. Returns the updated ticket.
    """
    move = MOVES[action]
    actor = actor_for(by)
    pk = ticket.pk if isinstance(ticket, Ticket) else ticket
    with transaction.atomic():
        locked = (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("lead_department", "grid", "district", "street", "community")
            .get(pk=pk)
        )
        if not actor_may(move, actor, locked):
            raise PermissionDenied(f"无权{move.label}")
        if expected_version is not None and locked.version != expected_version:
            raise ConflictError("工单已被他人更新，请刷新后重试", code="stale", extra={"version": locked.version})
        if locked.status not in move.sources:
            raise ConflictError(
                f"工单当前状态为“{locked.get_status_display()}”，不能{move.label}",
                code="illegal_transition",
                extra={"status": locked.status},
            )
        blocker = move_blocker(action, locked)
        if blocker:
            raise ConflictError(blocker, code="blocked", extra={"status": locked.status})
        from_status = locked.status
        target = to_status or (move.targets[0] if move.targets else from_status)
        if move.targets and target not in move.targets:
            raise ValueError(f"{action} cannot lead to {target}")
        changed = set(mutate(locked, actor) if mutate else [])
        locked.status = target
        locked.version += 1
        locked.save(update_fields=sorted(changed | {"status", "version", "updated_at"}))
        write_event(ticket=locked, actor=actor, action=move.event, from_status=from_status, reason=reason, data=data)
    if isinstance(ticket, Ticket):
        _copy_into(locked, ticket)
    return locked


def _copy_into(source: Ticket, target: Ticket) -> None:
    """Keep the caller's instance current after a move (callers often hold on to it)."""
    for f in Ticket._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))
    target._state.fields_cache = dict(source._state.fields_cache)


def write_event(
    *, ticket: Ticket, actor: Actor, action: str, from_status: str | None = None, reason: str = "", data=None
) -> TicketEvent:
    event = TicketEvent.objects.create(
        ticket=ticket,
        action=action,
        from_status=from_status if from_status is not None else ticket.status,
        to_status=ticket.status,
        actor_id=actor.user_id,
        actor_label=actor.label,
        reason=reason or "",
        data=data or {},
        created_at=timezone.now(),
    )
    webhook_deliveries_create(event=event)  # subscribers' deliveries, in this transaction; sent after commit
    return event


def require_text(value: str | None, *, field: str, label: str, max_length: int = 2000) -> str:
    value = (value or "").strip()
    if not value:
        raise ApplicationError(f"{label}不能为空", code="required", extra={"field": field})
    if len(value) > max_length:
        raise ApplicationError(f"{label}不能超过{max_length}字", code="too_long", extra={"field": field})
    return value


# --- Notifications --------------------------------------------------------------------------------


def notify(*, kind: str, ticket: Ticket | None, message: str, user=None, department=None, region=None) -> Notification:
    """A notification row (read in the product); the optional external sender runs after commit."""
    note = Notification.objects.create(
        kind=kind, ticket=ticket, user=user, department=department, region=region, message=message[:255]
    )
    _send_later([note.pk])
    return note


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


def _send_later(ids: list[int]) -> None:
    path = settings.DISPATCH_NOTIFICATION_SENDER
    if not path or not ids:
        return
    module, _, name = path.rpartition(".")
    sender = getattr(import_module(module), name)

    def send():
        for note in Notification.objects.filter(pk__in=ids, sent_at__isnull=True):
            try:
                sender(note)
                Notification.objects.filter(pk=note.pk).update(sent_at=timezone.now())
            except Exception:  # an SMS gateway being down must not break a ticket move
                logger.exception("notification sender failed for notification %s", note.pk)

    transaction.on_commit(send)


# --- Enqueue after commit ----------------------------------------------------------------------------


def enqueue_after_commit(task_name: str, *args) -> None:
    """Publish a Celery task once the current transaction commits.

    A broker error at publish is logged, never raised, and makes this process skip publishing for a
    while (dispatch/publishing.py): the data is committed and the periodic reconciler/sweep finds the
    work from the database.
    """
    from dispatch.publishing import publish

    transaction.on_commit(lambda: publish(task_name, list(args)))
