"""The one transition core every named move goes through, the event writer, the shared input checks and the
enqueue helper. Notifications are in services/notifications.py."""

import datetime
import json
import logging
import unicodedata
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from common.errors import ApplicationError, ConflictError
from common.inputs import is_id
from dispatch.actors import Actor, actor_for
from dispatch.models import Ticket, TicketEvent
from dispatch.selectors import move_blocker
from dispatch.services.webhooks import webhook_deliveries_create, webhook_deliveries_create_many
from dispatch.workflow import EVENT_LABELS, MOVES, actor_may

logger = logging.getLogger(__name__)
S = Ticket.Status


def ticket_transition(
    *,
    ticket: Ticket | int,
    by,
    action: str,
    to_status: str | Callable[[Ticket], str] | None = None,
    reason: str = "",
    data: dict | None = None,
    mutate: Callable[[Ticket, Actor], list[str]] | None = None,
    expected_version: int | None = None,
    then: Callable[[Ticket, Actor], object] | None = None,
    held: bool = False,
) -> Ticket:
    """Make one move of the transition table on a ticket, atomically.

    Locks the ticket row, checks the move is allowed from the current status (ConflictError → 409
    otherwise, also when `expected_version` is stale: the caller lost a race), checks the actor's role
    and relation to the ticket (PermissionDenied → 403), applies `mutate` (which returns the extra field
    names it changed), saves only the changed fields, writes one TicketEvent and runs `then` (like
    `mutate`, on the updated ticket and the actor: the notifications the move sends, rows it adds) — all
    in one transaction. A failed move changes nothing. `to_status` may be a function of the locked ticket. Returns the updated ticket.
    `held=True`: the caller read `ticket` (an instance) with select_for_update in the transaction it is in,
    so it is current and locked; it is used as it is instead of being read again (routing's batches).
    """
    move = MOVES[action]
    reason = optional_text(reason, field="reason", label="说明", max_length=2000)
    actor = actor_for(by)
    pk = ticket.pk if isinstance(ticket, Ticket) else ticket
    if held and not (isinstance(ticket, Ticket) and transaction.get_connection().in_atomic_block):
        raise ValueError("held=True needs a ticket locked in the current transaction")
    with transaction.atomic():
        locked = (
            ticket
            if held
            else Ticket.objects.select_for_update(of=("self",))
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
        if callable(to_status):  # chosen from the locked row
            to_status = to_status(locked)
        target = to_status or (move.targets[0] if move.targets else from_status)
        if move.targets and target not in move.targets:
            raise ValueError(f"{action} cannot lead to {target}")
        changed = set(mutate(locked, actor) if mutate else [])
        locked.status = target
        locked.version += 1
        locked.save(update_fields=sorted(changed | {"status", "version", "updated_at"}))
        write_event(ticket=locked, actor=actor, action=move.event, from_status=from_status, reason=reason, data=data)
        if then is not None:
            then(locked, actor)
    if isinstance(ticket, Ticket) and not held:
        _copy_into(locked, ticket)
    return locked


def _copy_into(source: Ticket, target: Ticket) -> None:
    """Keep the caller's instance current after a move (callers often hold on to it)."""
    for f in Ticket._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))
    target._state.fields_cache = dict(source._state.fields_cache)


# --- The ticket's history: the one place an event row is built ------------------------------------


def event_row(
    *,
    ticket_id: int,
    action: str,
    from_status: str,
    to_status: str,
    actor: Actor | None = None,
    actor_label: str | None = None,
    reason: str = "",
    data: dict | None = None,
    at: datetime.datetime | None = None,
) -> TicketEvent:
    """An unsaved TicketEvent. `action` must be one of the transition table's events (or the few others
    in workflow.OTHER_EVENTS): a misspelt action fails here instead of writing a timeline nobody reads.
    No actor is the system; `actor_label` names a unit acting without an account (demo data)."""
    if action not in EVENT_LABELS:
        raise ValueError(f"unknown ticket event {action!r}")
    actor = actor or actor_for(None)
    return TicketEvent(
        ticket_id=ticket_id,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor_id=actor.user_id,
        actor_label=actor_label or actor.label,
        reason=reason or "",
        data=data or {},
        created_at=at or timezone.now(),
    )


def write_event(
    *, ticket: Ticket, actor: Actor, action: str, from_status: str | None = None, reason: str = "", data=None
) -> TicketEvent:
    """One event of `ticket` now, to its current status (from `from_status`, by default the same)."""
    event = event_row(
        ticket_id=ticket.pk,
        action=action,
        from_status=from_status if from_status is not None else ticket.status,
        to_status=ticket.status,
        actor=actor,
        reason=reason,
        data=data,
    )
    event.save(force_insert=True)
    webhook_deliveries_create(event=event)  # subscribers' deliveries, in this transaction; sent after commit
    return event


def write_events(events: list[TicketEvent]) -> None:
    """Many events built by `event_row` at once (the portable sweep, the demo)."""
    TicketEvent.objects.bulk_create(events, batch_size=1000)
    webhook_deliveries_create_many(events=events)  # sent by the webhook sweep, not one message each


def events_insert_sql(*, source: str, action: str, reason: str, data: dict | None = None) -> tuple[str, dict]:
    """The set-based form of `event_row` for the PostgreSQL sweep: an INSERT of one system event per row
    of `source` (a CTE with `id` and `status`; the status does not change), at `%(now)s`, returning the
    events' `id` and `action` (for `webhook_deliveries_insert_sql`). Returns the SQL and its parameters."""
    system = event_row(ticket_id=0, action=action, from_status="", to_status="", reason=reason, data=data)
    sql = f"""INSERT INTO {TicketEvent._meta.db_table}
        (ticket_id, action, from_status, to_status, actor_label, reason, data, created_at)
    SELECT id, %(event_action)s, status, status, %(event_actor)s, %(event_reason)s, %(event_data)s::jsonb, %(now)s
      FROM {source}
    RETURNING id, action"""
    params = {
        "event_action": system.action,
        "event_actor": system.actor_label,
        "event_reason": system.reason,
        "event_data": json.dumps(system.data),
    }
    return sql, params


def _invisible(ch: str) -> bool:
    # Whitespace, zero-width and other format characters (U+200B, U+FEFF, U+2060 …), controls, unassigned
    # code points and lone combining marks: nothing a person reads.
    return ch.isspace() or unicodedata.category(ch) in _INVISIBLE_CATEGORIES


_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Cn", "Co", "Cs", "Zs", "Zl", "Zp", "Mn", "Me"}


def _trimmed(value: str | None) -> str:
    value = value or ""
    start, end = 0, len(value)
    while start < end and _invisible(value[start]):
        start += 1
    while end > start and _invisible(value[end - 1]):
        end -= 1
    return value[start:end]


def require_text(value: str | None, *, field: str, label: str, max_length: int = 2000) -> str:
    """The text without leading/trailing blanks; ApplicationError (400 on `field`) when it is empty or holds
    only whitespace and invisible characters (zero-width, format, control), or is longer than max_length.
    Filing and every move that takes a text check it here."""
    value = _trimmed(value)
    if not value:
        raise ApplicationError(f"{label}不能为空（不能只含空白或不可见字符）", code="required", extra={"field": field})
    if len(value) > max_length:
        raise ApplicationError(f"{label}不能超过{max_length}字", code="too_long", extra={"field": field})
    return value


def optional_text(value: str | None, *, field: str, label: str, max_length: int = 500) -> str:
    """An optional text: "" when none is given; like require_text when some is (a text made only of
    invisible characters is an error, not an empty one)."""
    if not value or not value.strip():
        return ""
    return require_text(value, field=field, label=label, max_length=max_length)


def require_category(code: str | None, *, field: str = "category_code") -> str:
    """A category of the 派单目录, or "" (none given). Raises ApplicationError naming `field`; filing and
    every move that sets a category check it here, the serializers only its shape."""
    from governance.selectors import category_is_known

    code = code or ""
    if code and not category_is_known(code):
        raise ApplicationError("未知的事项类别", code="unknown_category", extra={"field": field})
    return code


def require_item(value, *, field: str = "item"):
    """An active matter item (事项) of the item-level 派单目录 given as an instance or an id, or None (none
    given). Raises ApplicationError naming `field`; intake and dispatch check the item here."""
    from governance.models import CatalogueItem

    if value in (None, ""):
        return None
    if isinstance(value, CatalogueItem):
        item = value
    else:
        item = CatalogueItem.objects.filter(pk=int(value)).first() if is_id(str(value)) else None
    if item is None or not item.is_active:
        raise ApplicationError("未知的派单目录事项", code="unknown_item", extra={"field": field})
    return item


def item_category(item, category_code: str, *, field: str = "item") -> str:
    """The category a ticket takes with a chosen item: the item's own; a different category given with it
    is a contradiction (400 on `field`)."""
    if item is None:
        return category_code
    if category_code and category_code != item.level1:
        raise ApplicationError("所选事项不属于所选类别", code="invalid", extra={"field": field})
    return item.level1


# --- Notifications --------------------------------------------------------------------------------


def category_name(code: str) -> str:
    """The 派单目录's name of a category (the code when it has none), memoised with the governance reads."""
    from governance.caching import memo
    from governance.models import DispatchCatalogue

    name = memo(
        ("category-name", code),
        lambda: DispatchCatalogue.objects.filter(category_code=code).values_list("category_name", flat=True).first(),
    )
    return name or code


def enqueue_after_commit(task_name: str, *args) -> None:
    """Publish a Celery task once the current transaction commits.

    A broker error at publish is logged, never raised, and makes this process skip publishing for a
    while (dispatch/publishing.py): the data is committed and the periodic reconciler/sweep finds the
    work from the database.
    """
    from dispatch.publishing import publish

    transaction.on_commit(lambda: publish(task_name, list(args)))
