"""Keep the roll-ups (DailyTicketStat, MonthlyTicketStat, DailyDistrictVolume, OpenTicketLight) in step
with the tickets.

What each ticket adds to them (its filing day, dimensions and flags) is kept in TicketStatSnapshot: the
roll-up rows are exactly the sum of the snapshots. A run finds the tickets touched since the watermark
(an event, or a change to a ticket filed since), reads their current contribution with indexed lookups
by id, and applies the difference to the rows they fall in (old minus new, found through the
(day, street) indexes) — so its cost follows the number of touched tickets, not the table's size.

Whole days are recomputed (snapshots and rows replaced, inside one transaction, set-based: the snapshots
by INSERT … SELECT, the daily, volume and month rows by GROUP BY over them) on the first run of a database
(the backlog, newest first, within a time budget) and by `stats_rollup_days` (a repair). Every write
holds the StatsRollupState row lock, so runs never interleave.
"""

import datetime as dt
import logging
import operator
import time
from collections import defaultdict
from collections.abc import Iterable
from functools import reduce
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Case, Count, Exists, F, Max, Min, OuterRef, Q, Value, When
from django.db.models import IntegerField as Int
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from dispatch.models import (
    DailyDistrictVolume,
    DailyTicketStat,
    MonthlyTicketStat,
    OpenTicketLight,
    StatsRollupState,
    Ticket,
    TicketEvent,
    TicketStatSnapshot,
)
from dispatch.models.stats import COUNT_FIELDS, DIMENSIONS

logger = logging.getLogger(__name__)

ROLLUP_NAME = "daily_ticket_stat"
# Events written by transactions still open while we scan carry an earlier timestamp than their commit:
# re-scan a margin behind the watermark (a ticket read twice adds nothing the second time).
WATERMARK_OVERLAP = dt.timedelta(minutes=5)
# Stay well inside CELERY_TASK_SOFT_TIME_LIMIT (60 s) on a backlog.
ROLLUP_BUDGET_SECONDS = 40.0

S = Ticket.Status
RATED = [Ticket.Satisfaction.SATISFIED, Ticket.Satisfaction.BASIC, Ticket.Satisfaction.UNSATISFIED]
GOOD = [Ticket.Satisfaction.SATISFIED, Ticket.Satisfaction.BASIC]
STAYED = Q(first_lead_department__isnull=False, return_count=0, lead_department=F("first_lead_department"))
# Dispatched by the AI at routing. `dispatch_source` is overwritten by a later 改派, so the routing
# event (data.auto) is what remembers that the first dispatch was automatic (an EXISTS per ticket, on
# the (ticket, created_at) index of events).
AUTO_ROUTED = Q(routed_auto=True)

# Column -> which tickets it counts (one entry per count field of the model, checked below). Every column
# is a count of tickets, so rates over any slice of the dashboard are sums of one column over another's.
FLAGS = {
    "total": Q(),
    "closed_at_intake": Q(status=S.CLOSED_AT_INTAKE),
    "merged": Q(status=S.MERGED),
    "dispatched": Q(first_lead_department__isnull=False),
    "ai_dispatched": AUTO_ROUTED,
    "ai_correct": AUTO_ROUTED & STAYED,
    "stayed": STAYED,
    "returned": Q(return_count__gt=0),
    "redispatched": Q(first_lead_department__isnull=False) & ~Q(lead_department=F("first_lead_department")),
    "signed": Q(signed_at__isnull=False),
    "responded": Q(signed_at__isnull=False, sign_due__isnull=False, signed_at__lte=F("sign_due")),
    "closed": Q(status=S.CLOSED),
    # Among dispatched tickets (the rate's denominator): a patrol finding closed on the spot is 办结, not 解决率.
    "resolved": Q(status=S.CLOSED, first_lead_department__isnull=False)
    & ~Q(satisfaction=Ticket.Satisfaction.UNSATISFIED),
    "rated": Q(satisfaction__in=RATED),
    "satisfied": Q(satisfaction__in=GOOD),
    "reopened": Q(reopen_count__gt=0),
    "red": Q(sla_light=Ticket.Light.RED),
}
# Dimension -> where it is read from the ticket (one entry per dimension field).
SOURCES = {
    "district_code": Coalesce("district_id", Value("")),
    "street_code": Coalesce("street_id", Value("")),
    "category_code": F("category_code"),
    "ai_category": F("ai_category"),
    "department_id": F("lead_department_id"),
    "first_department_id": F("first_lead_department_id"),
}
if list(FLAGS) != list(COUNT_FIELDS) or list(SOURCES) != list(DIMENSIONS):
    raise ImproperlyConfigured("dispatch.services.stats: FLAGS/SOURCES must match the StatRow fields")


def local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = local_tz()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return start, start + dt.timedelta(days=1)


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


# --- What one ticket adds ------------------------------------------------------------------------

# A ticket's contribution: (day, dimensions in DIMENSIONS order, flags as a bit mask in FLAGS order, its
# light while open or "").
Contribution = tuple[dt.date, tuple, int, str]
OPEN_LIGHT = Case(
    When(status__in=[s for s in S.values if s not in Ticket.FINAL_STATUSES], then=F("sla_light")), default=Value("")
)


def _flag_mask():
    """The flags as one bit mask, in SQL (bit i: the i-th entry of FLAGS)."""
    bits = [
        Case(When(q, then=Value(1 << bit)), default=Value(0), output_field=Int()) if q else Value(1 << bit)
        for bit, q in enumerate(FLAGS.values())
    ]
    return reduce(operator.add, bits)


def _contribution_rows(ticket_filter: Q):
    """(ticket id, day, open light, *dimensions, flags) of each ticket matching the filter: one query, no
    aggregate, everything computed by the database (read by _contributions, or inserted as snapshots)."""
    routed_auto = TicketEvent.objects.filter(ticket=OuterRef("pk"), action="routed", data__auto=True)
    columns = {
        "c_day": TruncDate("created_at", tzinfo=local_tz()),
        "c_light": OPEN_LIGHT,
        **{f"c_{name}": source for name, source in SOURCES.items()},
        "c_flags": _flag_mask(),
    }
    return (
        Ticket.objects.filter(ticket_filter)
        .annotate(routed_auto=Exists(routed_auto))
        .annotate(**columns)
        .values_list("pk", *columns)
        .order_by()
    )


def _contributions(ticket_filter: Q) -> dict[int, Contribution]:
    """The current contribution of each ticket matching the filter."""
    n = len(DIMENSIONS)
    return {
        row[0]: (row[1], tuple(row[3 : 3 + n]), row[3 + n], row[2])
        for row in _contribution_rows(ticket_filter).iterator(chunk_size=5000)
    }


def _vector(mask: int, sign: int) -> list[int]:
    return [sign * ((mask >> bit) & 1) for bit in range(len(COUNT_FIELDS))]


def _deltas(changes: Iterable[tuple[Contribution | None, Contribution | None]]):
    """Per roll-up row key, what to add to each count column: the new contributions minus the old."""
    daily, monthly = defaultdict(_zeros), defaultdict(_zeros)
    volume, lights = defaultdict(lambda: [0]), defaultdict(lambda: [0])
    for old, new in changes:
        for contribution, sign in ((old, -1), (new, 1)):
            if contribution is None:
                continue
            day, dims, mask, light = contribution
            vector = _vector(mask, sign)
            for table, key in ((daily, (day, *dims)), (monthly, (month_of(day), *dims))):
                table[key] = [a + b for a, b in zip(table[key], vector, strict=True)]
            volume[(day, dims[0], dims[2])][0] += sign  # district, category: the volume curve
            if light:
                lights[(dims[0], dims[1], light)][0] += sign  # district, street, light: open tickets now
    return daily, monthly, volume, lights


def _zeros() -> list[int]:
    return [0] * len(COUNT_FIELDS)


# --- Applying differences to the rows ----------------------------------------------------------------


def _apply(model, period: str, dims: tuple[str, ...], counts: tuple[str, ...], deltas: dict) -> None:
    """Add `deltas` ({(period, *dims): [per count]}) to the rows of `model`: each row looked up by its whole
    key (the index on (period, `by`) narrows, the database filters the rest: a slice of a Beijing month
    holds tens of thousands of rows), created when missing, deleted when its total reaches 0."""
    changed = {key: delta for key, delta in deltas.items() if any(delta)}
    keys = list(changed)
    rows = {}
    for start in range(0, len(keys), 200):
        match = [Q(**{period: key[0]}, **dict(zip(dims, key[1:], strict=True))) for key in keys[start : start + 200]]
        for row in model.objects.filter(reduce(operator.or_, match)):
            rows.setdefault((getattr(row, period), *[getattr(row, d) for d in dims]), row)
    update, create, delete = [], [], []
    for key, delta in changed.items():
        row = rows.get(key) or model(**{period: key[0]}, **dict(zip(dims, key[1:], strict=True)))
        for name, add in zip(counts, delta, strict=True):
            setattr(row, name, getattr(row, name) + add)
        if min(getattr(row, name) for name in counts) < 0:
            raise RuntimeError(f"stats roll-up: {model.__name__} {key} would go negative (recompute the day)")
        if row.pk is None:
            if row.total:
                create.append(row)
        elif row.total == 0:
            delete.append(row.pk)
        else:
            update.append(row)
    model.objects.bulk_create(create, batch_size=2000)
    model.objects.bulk_update(update, list(counts), batch_size=2000)
    model.objects.filter(pk__in=delete).delete()


def _apply_all(daily=None, monthly=None, volume=None, lights=None) -> None:
    _apply(DailyTicketStat, "day", DIMENSIONS, COUNT_FIELDS, daily or {})
    _apply(MonthlyTicketStat, "month", DIMENSIONS, COUNT_FIELDS, monthly or {})
    _apply(DailyDistrictVolume, "day", ("district_code", "category_code"), ("total",), volume or {})
    _apply(OpenTicketLight, "district_code", ("street_code", "light"), ("total",), lights or {})


def _snapshot_rows(contributions: dict[int, Contribution]) -> list[TicketStatSnapshot]:
    return [
        TicketStatSnapshot(
            ticket_id=pk, day=day, flags=mask, open_light=light, **dict(zip(DIMENSIONS, dims, strict=True))
        )
        for pk, (day, dims, mask, light) in contributions.items()
    ]


def _snapshot_of(row: TicketStatSnapshot) -> Contribution:
    return (row.day, tuple(getattr(row, d) for d in DIMENSIONS), row.flags, row.open_light)


def _lock_rollup():
    return StatsRollupState.objects.select_for_update().get_or_create(name=ROLLUP_NAME)[0]


def stats_rollup_tickets(*, ticket_ids: Iterable[int]) -> set[dt.date]:
    """Bring the roll-ups up to date for these tickets: each one's old contribution (its snapshot) is
    taken out of the rows it was in and its current one added. Idempotent. Returns the filing days of
    the tickets whose contribution changed."""
    ids = sorted(set(ticket_ids))
    days = set()
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        with transaction.atomic():
            _lock_rollup()
            new = _contributions(Q(pk__in=chunk))
            old = {row.ticket_id: _snapshot_of(row) for row in TicketStatSnapshot.objects.filter(ticket_id__in=chunk)}
            pairs = [(old.get(pk), new.get(pk)) for pk in chunk if old.get(pk) != new.get(pk)]
            if not pairs:
                continue
            _apply_all(*_deltas(pairs))
            gone = [pk for pk in chunk if pk in old and pk not in new]
            TicketStatSnapshot.objects.filter(ticket_id__in=gone).delete()
            fresh = {pk: c for pk, c in new.items() if old.get(pk) != c}
            TicketStatSnapshot.objects.bulk_create(
                _snapshot_rows(fresh),
                update_conflicts=True,
                unique_fields=["ticket"],
                update_fields=["day", "flags", "open_light", *DIMENSIONS],
                batch_size=2000,
            )
            days.update(c[0] for pair in pairs for c in pair if c is not None)
    return days


# --- Whole days (the backlog, repairs): set-based, in the database ------------------------------------


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _count_sums(source: str) -> str:
    """SQL: the count columns summed from `source` ("flags": a snapshot's bit mask, else the columns)."""
    if source == "flags":
        return ", ".join(f"SUM((flags >> {bit}) & 1)" for bit in range(len(COUNT_FIELDS)))
    return ", ".join(f"SUM({name})" for name in COUNT_FIELDS)


def _open_lights(snapshots) -> dict:
    rows = snapshots.exclude(open_light="").order_by().values_list("district_code", "street_code", "open_light")
    return {(d, s, light): n for d, s, light, n in rows.annotate(n=Count("pk"))}


def _recompute_day(day: dt.date) -> int:
    """Replace a day's snapshots and daily rows by what its tickets add now: INSERT … SELECT and GROUP BY
    in the database (a Beijing day is 70,000 tickets), then the open-light counts by difference."""
    start, end = day_bounds(day)
    dims = ", ".join(DIMENSIONS)
    snapshots = TicketStatSnapshot.objects.filter(day=day)
    with transaction.atomic():
        # One writer at a time across processes (the incremental runs take the same lock).
        _lock_rollup()
        was_open = _open_lights(snapshots)  # the open-light counts span days: what the day put in
        for model in (DailyTicketStat, DailyDistrictVolume, TicketStatSnapshot):
            model.objects.filter(day=day).delete()
        rows, params = _contribution_rows(Q(created_at__gte=start, created_at__lt=end)).query.sql_with_params()
        with connection.cursor() as cur:
            cur.execute(
                f"INSERT INTO {_table(TicketStatSnapshot)} (ticket_id, day, open_light, {dims}, flags) {rows}", params
            )
            cur.execute(
                f"INSERT INTO {_table(DailyTicketStat)} (day, {dims}, {', '.join(COUNT_FIELDS)})"
                f" SELECT day, {dims}, {_count_sums('flags')} FROM {_table(TicketStatSnapshot)}"
                f" WHERE day = %s GROUP BY day, {dims}",
                [day],
            )
            written = cur.rowcount
            cur.execute(
                f"INSERT INTO {_table(DailyDistrictVolume)} (day, district_code, category_code, total)"
                f" SELECT day, district_code, category_code, COUNT(*) FROM {_table(TicketStatSnapshot)}"
                " WHERE day = %s GROUP BY day, district_code, category_code",
                [day],
            )
        now_open = _open_lights(snapshots)
        lights = {key: [now_open.get(key, 0) - was_open.get(key, 0)] for key in {*was_open, *now_open}}
        _apply(OpenTicketLight, "district_code", ("street_code", "light"), ("total",), lights)
    return written


def _recompute_month(month: dt.date) -> int:
    """Replace a month's rows by the sum of its daily rows (in the database, one statement)."""
    next_month = (month + dt.timedelta(days=32)).replace(day=1)
    dims = ", ".join(DIMENSIONS)
    with transaction.atomic():
        _lock_rollup()
        MonthlyTicketStat.objects.filter(month=month).delete()
        with connection.cursor() as cur:
            cur.execute(
                f"INSERT INTO {_table(MonthlyTicketStat)} (month, {dims}, {', '.join(COUNT_FIELDS)})"
                f" SELECT %s, {dims}, {_count_sums('columns')} FROM {_table(DailyTicketStat)}"
                f" WHERE day >= %s AND day < %s GROUP BY {dims}",
                [month, month, next_month],
            )
            return cur.rowcount


def stats_rollup_months(*, months: Iterable[dt.date]) -> int:
    """Recompute the monthly rows of the given months (first days) from the daily rows."""
    return sum(_recompute_month(month_of(month)) for month in sorted(set(months)))


def stats_rollup_days(*, days: Iterable[dt.date]) -> int:
    """Recompute the roll-up rows (and snapshots) of each given day from the tickets filed that day, then
    the months those days belong to. Idempotent; each day and month is replaced in its own transaction.
    Returns the number of daily rows written."""
    days = sorted(set(days))
    written = sum(_recompute_day(day) for day in days)
    for month in sorted({month_of(day) for day in days}):
        _recompute_month(month)
    return written


def _backlog_days() -> list[dt.date]:
    """Days with tickets but no snapshots, newest first: two indexed probes per day between the first
    and the last filing (a year of Beijing is 25 million tickets: no scan of them)."""
    bounds = Ticket.objects.aggregate(first=Min("created_at"), last=Max("created_at"))
    if bounds["first"] is None:
        return []
    tz = local_tz()
    day, last = bounds["last"].astimezone(tz).date(), bounds["first"].astimezone(tz).date()
    backlog = []
    while day >= last:
        start, end = day_bounds(day)
        filed = Ticket.objects.filter(created_at__gte=start, created_at__lt=end)
        if filed.exists() and not TicketStatSnapshot.objects.filter(day=day).exists():
            backlog.append(day)
        day -= dt.timedelta(days=1)
    return backlog


def tickets_touched_since(since: dt.datetime) -> set[int]:
    """Tickets with an event after `since`, or filed after it (through the created_at indexes)."""
    touched = set(
        TicketEvent.objects.filter(created_at__gt=since).values_list("ticket_id", flat=True).distinct().order_by()
    )
    touched.update(
        Ticket.objects.filter(created_at__gte=since, updated_at__gt=since).values_list("pk", flat=True).order_by()
    )
    return touched


def stats_rollup_recent(*, now: dt.datetime | None = None, budget_seconds: float | None = None) -> list[dt.date]:
    """Bring the roll-ups up to date; returns the filing days whose rows changed (or were recomputed).

    Normal runs apply the tickets touched since the watermark (stats_rollup_tickets) and move the
    watermark to the run's start. The first run on a database has a backlog (every day with tickets but
    no snapshots): it recomputes those days, newest first, within `budget_seconds` (so the task stays
    under Celery's time limit), and later runs continue; the watermark is set once the backlog is done,
    to when the backlog began, so nothing that changed meanwhile is missed.
    """
    now = now or timezone.now()
    budget = budget_seconds if budget_seconds is not None else ROLLUP_BUDGET_SECONDS
    started = time.monotonic()
    state, _ = StatsRollupState.objects.get_or_create(name=ROLLUP_NAME)
    if state.watermark is None:
        backlog = _backlog_days()
        recomputed = []
        for day in backlog:
            if recomputed and time.monotonic() - started > budget:
                logger.info("stats roll-up backlog: %d day(s) left for the next run", len(backlog) - len(recomputed))
                break
            _recompute_day(day)
            recomputed.append(day)
        for month in sorted({month_of(day) for day in recomputed}):
            _recompute_month(month)
        if len(recomputed) < len(backlog):
            return sorted(recomputed)
        # The row was created when the backlog began (updated_at is that moment until now).
        StatsRollupState.objects.filter(pk=state.pk).update(watermark=state.updated_at)
        return sorted(recomputed)
    touched = tickets_touched_since(state.watermark - WATERMARK_OVERLAP)
    days = stats_rollup_tickets(ticket_ids=touched)
    StatsRollupState.objects.filter(pk=state.pk).update(watermark=now, updated_at=now)
    logger.info("stats roll-up: %d touched ticket(s), %d day(s) changed", len(touched), len(days))
    return sorted(days)
