"""The periodic sweeps: SLA lights (every minute) and routing of tickets the broker never delivered.

Both read the database, which is the source of truth: a flushed broker or a lost message loses no
timer and no ticket. Both are idempotent — a light only ever moves forward (green → yellow → red) under
a WHERE clause that excludes tickets already there, so running twice writes nothing the second time.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone

from dispatch.models import Notification, Ticket
from dispatch.services.clocks import calendar_missing_key
from dispatch.services.core import event_row, events_insert_sql, write_events
from dispatch.services.notifications import notify_many, notify_once
from dispatch.services.routing import ticket_hold_failed, ticket_route
from dispatch.services.webhooks import webhook_deliveries_insert_sql
from governance.models import Region

logger = logging.getLogger(__name__)
L = Ticket.Light


@dataclass(frozen=True)
class SweepResult:
    red: int
    yellow: int


def _city_code() -> str | None:
    return Region.objects.filter(level=Region.Level.CITY).values_list("code", flat=True).first()


def sla_sweep(*, now: datetime.datetime | None = None) -> SweepResult:
    """Turn due tickets red (overdue: one `sla_red` event per ticket, the 督办 flag, the owning department
    notified, the district's supervisors notified with the count) and yellow (most of the time used: one
    `sla_yellow` event per ticket, the owning department notified). Notifications are one row per
    department (per district for supervisors) and batch, not per ticket (see `_alerts`), and go through
    `notify_many`, so the outbound sender gets them too. Set-based on PostgreSQL: one statement per
    light and batch lights the tickets and writes their events (DISPATCH_SWEEP_BATCH, default 50,000, so
    a burst of 30,000 lights is two statements), then one bulk insert writes the batch's alerts."""
    now = now or timezone.now()
    if connection.vendor == "postgresql":
        red, yellow = _sweep_postgresql(now)
    else:
        with transaction.atomic():
            red, yellow = _sweep_portable(now)
    _calendar_warning()
    if red or yellow:
        logger.info("sla sweep: %s red, %s yellow", red, yellow)
    return SweepResult(red=red, yellow=yellow)


# What the owner is told, per light: (one ticket: before and after its number), (many: before and after the count).
_OWNER_TEXT = {
    L.RED: (("红灯超期：工单 ", " 已超过时限，已督办"), ("红灯超期：", " 件工单已超过时限，已督办")),
    L.YELLOW: (("黄灯预警：工单 ", " 时限将到"), ("黄灯预警：", " 件工单时限将到")),
}
# The event each light writes: (action, reason, data).
_EVENT = {
    L.RED: ("sla_red", "已超过时限（红灯），自动督办", {"supervised": True}),
    L.YELLOW: ("sla_yellow", "时限将到（黄灯）", {}),
}
# Ticket numbers named in an aggregated message (all of them are in its data).
_SHOWN = 5


@dataclass(frozen=True)
class _Lit:
    """A ticket the sweep just lit, as the UPDATE returned it."""

    id: int
    number: str
    status: str
    department_id: int | None
    district_id: str | None


def _alerts(light: str, lit: list[_Lit], *, city: str | None, now) -> list[Notification]:
    """One notification per owning department, not one per ticket: a burst of 30,000 lights is a handful
    of rows. A department with a single ticket gets the per-ticket line (ticket linked), else the count
    and the first numbers in the message and every number in data {"count", "tickets"}, in filing order
    (by id). A red sweep also tells each district's supervisors how many went overdue."""
    (one_head, one_tail), (many_head, many_tail) = _OWNER_TEXT[light]
    per_dep: dict[int, list[_Lit]] = {}
    for t in lit:
        if t.department_id:
            per_dep.setdefault(t.department_id, []).append(t)
    notes = []
    for dep, tickets in per_dep.items():
        tickets.sort(key=lambda t: t.id)
        numbers = [t.number for t in tickets]
        if len(tickets) == 1:
            ticket_id, message = tickets[0].id, f"{one_head}{numbers[0]}{one_tail}"
        else:
            more = " 等" if len(numbers) > _SHOWN else ""
            ticket_id = None
            message = f"{many_head}{len(numbers)}{many_tail}（{'、'.join(numbers[:_SHOWN])}{more}）"
        notes.append(
            Notification(
                kind=light,
                ticket_id=ticket_id,
                department_id=dep,
                message=message,
                data={"count": len(numbers), "tickets": numbers},
                created_at=now,
            )
        )
    if light == L.RED:
        per_region: dict[str, int] = {}
        for t in lit:
            region = t.district_id or city
            if region:
                per_region[region] = per_region.get(region, 0) + 1
        notes += [
            Notification(
                kind=Notification.Kind.SUPERVISE,
                region_id=region,
                message=f"督办：本轮新增 {n} 件超期工单",
                data={"count": n},
                created_at=now,
            )
            for region, n in per_region.items()
        ]
    return notes


# Which tickets each light takes, and what it sets (besides the light, the version and updated_at).
_DUE_SQL = {
    L.RED: ("sla_due < %(now)s AND sla_due IS NOT NULL AND sla_light <> 'red'", "sla_due", ", supervised = TRUE"),
    L.YELLOW: ("sla_warn_at <= %(now)s AND sla_warn_at IS NOT NULL AND sla_light = 'green'", "sla_warn_at", ""),
}


def _light_sql(light: str) -> tuple[str, dict]:
    """One statement per batch: light the due tickets, write their events (the SQL form of the one event
    writer, services/core.py) and return what was lit; the alerts are then written through `notify_many`."""
    where, order, extra_set = _DUE_SQL[light]
    action, reason, data = _EVENT[light]
    events, params = events_insert_sql(source="due", action=action, reason=reason, data=data)
    sql = f"""
WITH due AS (
    UPDATE dispatch_ticket
       SET sla_light = '{light}'{extra_set}, version = version + 1, updated_at = %(now)s
     WHERE id = ANY(ARRAY(
           SELECT id FROM dispatch_ticket
            WHERE {where}
            ORDER BY {order} LIMIT %(batch)s
              FOR UPDATE SKIP LOCKED))
 RETURNING id, number, status, lead_department_id, district_id
), events AS (
    {events}
), deliveries AS (
    {webhook_deliveries_insert_sql(source="events")}
)
SELECT id, number, status, lead_department_id, district_id FROM due
"""
    return sql, params


def _sweep_postgresql(now) -> tuple[int, int]:
    """Batches in their own short transactions; SKIP LOCKED so the sweep never waits behind a user's
    move (a ticket locked right now is simply seen again by the next batch or the next minute).
    `id = ANY(ARRAY(subquery))` rather than `id IN (subquery)`: the locked ids are then fetched by primary
    key; with IN the planner hash-joined a sequential scan of the whole table once batches grew large.
    Batches are large because each one walks again the entries of tickets lit by the one before."""
    batch = settings.DISPATCH_SWEEP_BATCH
    city = _city_code()
    totals = []
    # Red first: a ticket that went straight past its deadline is not also marked yellow.
    for light in (L.RED, L.YELLOW):
        sql, params = _light_sql(light)
        params |= {"now": now, "batch": batch}
        total = 0
        while True:
            with transaction.atomic(), connection.cursor() as cur:
                # A sweep lost to a crash is simply redone by the next one (it is idempotent and the
                # database is the source of truth), so its commit need not wait for the WAL flush.
                cur.execute("SET LOCAL synchronous_commit = off")
                cur.execute(sql, params)
                lit = [_Lit(*row) for row in cur.fetchall()]
                notify_many(_alerts(light, lit, city=city, now=now))
            total += len(lit)
            if len(lit) < batch:
                break
        totals.append(total)
    return totals[0], totals[1]


def _sweep_portable(now) -> tuple[int, int]:
    """The same on SQLite (tests, the laptop demo): select ids under lock, update, bulk-insert."""
    city = _city_code()
    columns = ("id", "number", "status", "lead_department_id", "district_id")
    red = [
        _Lit(*row)
        for row in Ticket.objects.select_for_update()
        .filter(sla_due__lt=now)
        .exclude(sla_light=L.RED)
        .values_list(*columns)
    ]
    for chunk in _chunks([t.id for t in red]):
        Ticket.objects.filter(pk__in=chunk).update(
            sla_light=L.RED, supervised=True, version=F("version") + 1, updated_at=now
        )
    yellow = [
        _Lit(*row)
        for row in Ticket.objects.select_for_update()
        .filter(sla_warn_at__lte=now, sla_light=L.GREEN)
        .values_list(*columns)
    ]
    for chunk in _chunks([t.id for t in yellow]):
        Ticket.objects.filter(pk__in=chunk).update(sla_light=L.YELLOW, version=F("version") + 1, updated_at=now)
    events = []
    for light, lit in ((L.RED, red), (L.YELLOW, yellow)):
        action, reason, data = _EVENT[light]
        events += [
            event_row(
                ticket_id=t.id,
                action=action,
                from_status=t.status,
                to_status=t.status,
                reason=reason,
                data=data,
                at=now,
            )
            for t in lit
        ]
    write_events(events)
    notify_many(_alerts(L.RED, red, city=city, now=now) + _alerts(L.YELLOW, yellow, city=city, now=now))
    return len(red), len(yellow)


def _chunks(ids, size=500):
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def _calendar_warning() -> None:
    from dispatch.selectors import work_calendar_warning

    message = work_calendar_warning()
    if message:
        year = timezone.localdate().year + 1
        notify_once(kind=Notification.Kind.CALENDAR, key=calendar_missing_key(year), message=message)


def _reconcile_age() -> datetime.timedelta:
    # How long a filed ticket's own task gets before the reconciler routes it (DISPATCH_RECONCILE_AFTER_SECONDS).
    return datetime.timedelta(seconds=settings.DISPATCH_RECONCILE_AFTER_SECONDS)


def unrouted_ticket_ids(*, older_than: datetime.timedelta | None = None, limit: int = 200):
    cutoff = timezone.now() - (older_than if older_than is not None else _reconcile_age())
    return list(
        Ticket.objects.filter(status=Ticket.Status.RECEIVED, routed_at__isnull=True, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("id", flat=True)[:limit]
    )


def reconcile_unrouted(*, older_than: datetime.timedelta | None = None, limit: int = 200) -> int:
    """Route tickets stuck before routing (the broker was down when they were filed, a worker died, or
    their routing failed in a batch). Only tickets filed more than `older_than` ago (default: the
    DISPATCH_RECONCILE_AFTER_SECONDS setting, 60 s) are taken; younger ones are left to their own task.
    Routes them here, in this process: the broker may still be the problem. A ticket whose routing fails
    here too is held for a person (routing.ticket_hold_failed) instead of being retried at every sweep,
    and never stops the sweep for the tickets behind it. A database error ends the sweep (the next one
    resumes). Returns how many were routed or held."""
    routed = 0
    for pk in unrouted_ticket_ids(older_than=older_than, limit=limit):
        try:
            ticket = ticket_route(ticket_id=pk)
        except DatabaseError:
            raise
        except Exception as exc:
            logger.exception("routing ticket %s failed again; it waits for a person", pk)
            try:
                ticket = ticket_hold_failed(ticket_id=pk, error=type(exc).__name__)
            except DatabaseError:
                raise
            except Exception:
                logger.exception("holding ticket %s for a person failed; it stays received", pk)
                continue
        if ticket is not None and ticket.routed_at is not None:
            routed += 1
    if routed:
        logger.info("reconciler routed %s tickets", routed)
    return routed
