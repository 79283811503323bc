"""The periodic sweeps: SLA lights (every minute) and routing of tickets the broker never delivered.

Both read the database, which is the source of truth: a flushed broker or a lost message loses no
timer and no ticket. Both are idempotent — a light only ever moves forward (green → yellow → red) under
a WHERE clause that excludes tickets already there, so running twice writes nothing the second time.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from dispatch.models import Notification, Ticket, TicketEvent
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
    department (per district for supervisors) and batch, not per ticket: see `_owners_sql`.
    Set-based on PostgreSQL: one statement per light and batch (DISPATCH_SWEEP_BATCH, default 50,000,
    so a burst of 30,000 lights is two statements)."""
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
    "red": (("红灯超期：工单 ", " 已超过时限，已督办"), ("红灯超期：", " 件工单已超过时限，已督办")),
    "yellow": (("黄灯预警：工单 ", " 时限将到"), ("黄灯预警：", " 件工单时限将到")),
}
# Ticket numbers named in an aggregated message (all of them are in its data).
_SHOWN = 5


def _owners_sql(kind: str) -> str:
    """One notification per owning department and batch, not one per ticket: a burst of 30,000 lights is
    a handful of rows. A department with a single ticket gets the per-ticket line (ticket linked), else the
    count and the first numbers in the message and every number in data {"count", "tickets"}, in filing
    order (by id: cheaper to sort than the numbers, and the same order)."""
    (one_head, one_tail), (many_head, many_tail) = _OWNER_TEXT[kind]
    return f"""    INSERT INTO dispatch_notification (kind, ticket_id, department_id, message, data, created_at)
    SELECT '{kind}',
           CASE WHEN count(*) = 1 THEN min(id) END,
           lead_department_id,
           CASE WHEN count(*) = 1 THEN '{one_head}' || min(number) || '{one_tail}'
                ELSE '{many_head}' || count(*) || '{many_tail}（'
                     || array_to_string((array_agg(number ORDER BY id))[1:{_SHOWN}], '、')
                     || CASE WHEN count(*) > {_SHOWN} THEN ' 等' ELSE '' END || '）' END,
           jsonb_build_object('count', count(*), 'tickets', jsonb_agg(number ORDER BY id)),
           %(now)s
      FROM due WHERE lead_department_id IS NOT NULL
     GROUP BY lead_department_id"""


def _owner_notes(kind: str, rows, now) -> list[Notification]:
    """The same as `_owners_sql` for the portable sweep: rows are (id, number, department id)."""
    (one_head, one_tail), (many_head, many_tail) = _OWNER_TEXT[kind]
    per_dep: dict[int, list[tuple[int, str]]] = {}
    for pk, number, dep in rows:
        if dep:
            per_dep.setdefault(dep, []).append((pk, number))
    notes = []
    for dep, tickets in per_dep.items():
        numbers = [number for _, number in sorted(tickets)]
        if len(tickets) == 1:
            ticket_id, message = tickets[0][0], f"{one_head}{numbers[0]}{one_tail}"
        else:
            more = " 等" if len(numbers) > _SHOWN else ""
            ticket_id = None
            message = f"{many_head}{len(numbers)}{many_tail}（{'、'.join(numbers[:_SHOWN])}{more}）"
        notes.append(
            Notification(
                kind=kind,
                ticket_id=ticket_id,
                department_id=dep,
                message=message,
                data={"count": len(numbers), "tickets": numbers},
                created_at=now,
            )
        )
    return notes


_RED_SQL = (
    """
WITH due AS (
    UPDATE dispatch_ticket
       SET sla_light = 'red', supervised = TRUE, version = version + 1, updated_at = %(now)s
     WHERE id = ANY(ARRAY(
           SELECT id FROM dispatch_ticket
            WHERE sla_due < %(now)s AND sla_due IS NOT NULL AND sla_light <> 'red'
            ORDER BY sla_due LIMIT %(batch)s
              FOR UPDATE SKIP LOCKED))
 RETURNING id, number, status, lead_department_id, district_id
), events AS (
    INSERT INTO dispatch_ticketevent (ticket_id, action, from_status, to_status, actor_label, reason, data, created_at)
    SELECT id, 'sla_red', status, status, '系统', '已超过时限（红灯），自动督办', '{"supervised": true}'::jsonb, %(now)s
      FROM due
), owners AS (
"""
    + _owners_sql("red")
    + """
), supervisors AS (
    -- one line per district and sweep for the supervisors, not one per ticket
    INSERT INTO dispatch_notification (kind, region_id, message, data, created_at)
    SELECT 'supervise', COALESCE(district_id, %(city)s), '督办：本轮新增 ' || count(*) || ' 件超期工单',
           jsonb_build_object('count', count(*)), %(now)s
      FROM due WHERE COALESCE(district_id, %(city)s) IS NOT NULL
     GROUP BY COALESCE(district_id, %(city)s)
)
SELECT count(*) FROM due
"""
)

_YELLOW_SQL = (
    """
WITH due AS (
    UPDATE dispatch_ticket
       SET sla_light = 'yellow', version = version + 1, updated_at = %(now)s
     WHERE id = ANY(ARRAY(
           SELECT id FROM dispatch_ticket
            WHERE sla_warn_at <= %(now)s AND sla_warn_at IS NOT NULL AND sla_light = 'green'
            ORDER BY sla_warn_at LIMIT %(batch)s
              FOR UPDATE SKIP LOCKED))
 RETURNING id, number, status, lead_department_id
), events AS (
    INSERT INTO dispatch_ticketevent (ticket_id, action, from_status, to_status, actor_label, reason, data, created_at)
    SELECT id, 'sla_yellow', status, status, '系统', '时限将到（黄灯）', '{}'::jsonb, %(now)s FROM due
), owners AS (
"""
    + _owners_sql("yellow")
    + """
)
SELECT count(*) FROM due
"""
)


def _sweep_postgresql(now) -> tuple[int, int]:
    """Batches in their own short transactions; SKIP LOCKED so the sweep never waits behind a user's
    move (a ticket locked right now is simply seen again by the next batch or the next minute).
    `id = ANY(ARRAY(subquery))` rather than `id IN (subquery)`: the locked ids are then fetched by primary
    key; with IN the planner hash-joined a sequential scan of the whole table once batches grew large.
    Batches are large because each one walks again the entries of tickets lit by the one before."""
    batch = settings.DISPATCH_SWEEP_BATCH
    params = {"now": now, "city": _city_code(), "batch": batch}
    totals = []
    # Red first: a ticket that went straight past its deadline is not also marked yellow.
    for sql in (_RED_SQL, _YELLOW_SQL):
        total = 0
        while True:
            with transaction.atomic(), connection.cursor() as cur:
                # A sweep lost to a crash is simply redone by the next one (it is idempotent and the
                # database is the source of truth), so its commit need not wait for the WAL flush.
                cur.execute("SET LOCAL synchronous_commit = off")
                cur.execute(sql, params)
                done = cur.fetchone()[0]
            total += done
            if done < batch:
                break
        totals.append(total)
    return totals[0], totals[1]


def _sweep_portable(now) -> tuple[int, int]:
    """The same on SQLite (tests, the laptop demo): select ids under lock, update, bulk-insert."""
    city = _city_code()
    red_rows = list(
        Ticket.objects.select_for_update()
        .filter(sla_due__lt=now)
        .exclude(sla_light=L.RED)
        .values_list("id", "number", "status", "lead_department_id", "district_id")
    )
    ids = [r[0] for r in red_rows]
    for chunk in _chunks(ids):
        Ticket.objects.filter(pk__in=chunk).update(sla_light=L.RED, supervised=True, updated_at=now)
    events, notes = [], []
    per_region: dict[str, int] = {}
    for pk, _number, status, _dep, district in red_rows:
        events.append(
            TicketEvent(
                ticket_id=pk,
                action="sla_red",
                from_status=status,
                to_status=status,
                actor_label="系统",
                reason="已超过时限（红灯），自动督办",
                data={"supervised": True},
                created_at=now,
            )
        )
        if district or city:
            per_region[district or city] = per_region.get(district or city, 0) + 1
    notes.extend(_owner_notes("red", [(r[0], r[1], r[3]) for r in red_rows], now))
    for region, n in per_region.items():
        notes.append(
            Notification(
                kind="supervise", region_id=region, message=f"督办：本轮新增 {n} 件超期工单", data={"count": n}
            )
        )
    yellow_rows = list(
        Ticket.objects.select_for_update()
        .filter(sla_warn_at__lte=now, sla_light=L.GREEN)
        .values_list("id", "number", "status", "lead_department_id")
    )
    for chunk in _chunks([r[0] for r in yellow_rows]):
        Ticket.objects.filter(pk__in=chunk).update(sla_light=L.YELLOW, updated_at=now)
    for pk, _number, status, _dep in yellow_rows:
        events.append(
            TicketEvent(
                ticket_id=pk,
                action="sla_yellow",
                from_status=status,
                to_status=status,
                actor_label="系统",
                reason="时限将到（黄灯）",
                created_at=now,
            )
        )
    notes.extend(_owner_notes("yellow", [(r[0], r[1], r[3]) for r in yellow_rows], now))
    TicketEvent.objects.bulk_create(events, batch_size=500)
    Notification.objects.bulk_create(notes, batch_size=500)
    for ids_chunk in _chunks(ids + [r[0] for r in yellow_rows]):
        # version bump for optimistic UI checks, as on PostgreSQL
        from django.db.models import F

        Ticket.objects.filter(pk__in=ids_chunk).update(version=F("version") + 1)
    return len(red_rows), len(yellow_rows)


def _chunks(ids, size=500):
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def _calendar_warning() -> None:
    from dispatch.selectors import work_calendar_warning

    message = work_calendar_warning()
    if message:
        year = timezone.localdate().year + 1
        Notification.objects.bulk_create(
            [
                Notification(
                    kind=Notification.Kind.CALENDAR, message=message[:255], dedupe_key=f"calendar-missing-{year}"
                )
            ],
            ignore_conflicts=True,
        )


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
    """Route tickets stuck before routing (the broker was down when they were filed, or a worker died).
    Only tickets filed more than `older_than` ago (default: the DISPATCH_RECONCILE_AFTER_SECONDS setting,
    60 s) are taken; younger ones are left to their own task. Routes them here, in this process: the
    broker may still be the problem. Returns how many routed."""
    from dispatch.services.routing import ticket_route

    routed = 0
    for pk in unrouted_ticket_ids(older_than=older_than, limit=limit):
        ticket = ticket_route(ticket_id=pk)
        if ticket is not None and ticket.routed_at is not None:
            routed += 1
    if routed:
        logger.info("reconciler routed %s tickets", routed)
    return routed
