"""Keep DailyTicketStat in step with the tickets.

A day's rows are recomputed from Ticket as a whole (delete the day, insert its aggregate) inside one
transaction, so running twice gives the same rows and a crashed run leaves the previous rows intact.
Which days to recompute: the filing days of every ticket that had an event since the last run, plus
today — a ticket filed last week and closed now moves last week's figures.
"""

import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Count, F, FilteredRelation, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from dispatch.models import (
    DailyDistrictVolume,
    DailyTicketStat,
    MonthlyTicketStat,
    StatsRollupState,
    Ticket,
    TicketEvent,
)
from dispatch.models.stats import COUNT_FIELDS, DIMENSIONS

logger = logging.getLogger(__name__)

ROLLUP_NAME = "daily_ticket_stat"
# Events written by transactions still open while we scan carry an earlier timestamp than their commit:
# re-scan a margin behind the watermark (recomputing a day twice is harmless).
WATERMARK_OVERLAP = dt.timedelta(minutes=5)
# Stay well inside CELERY_TASK_SOFT_TIME_LIMIT (60 s) on a backlog.
ROLLUP_BUDGET_SECONDS = 40.0

S = Ticket.Status
RATED = [Ticket.Satisfaction.SATISFIED, Ticket.Satisfaction.BASIC, Ticket.Satisfaction.UNSATISFIED]
GOOD = [Ticket.Satisfaction.SATISFIED, Ticket.Satisfaction.BASIC]
STAYED = Q(first_lead_department__isnull=False, return_count=0, lead_department=F("first_lead_department"))
# Dispatched by the AI at routing. `dispatch_source` is overwritten by a later 改派, so the routing
# event (data.auto) is what remembers that the first dispatch was automatic. Read through a LEFT JOIN
# (a ticket is routed once): a correlated EXISTS inside an aggregate FILTER makes PostgreSQL hash every
# routing event ever written, once per day recomputed.
AUTO_ROUTED = Q(routed_auto__isnull=False)

# Column -> which of the day's tickets it counts (one entry per count field of the model, checked below).
# Every column is a count of tickets, so rates over any slice of the dashboard are sums of one column
# over sums of another.
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
# Dimension -> where the day's aggregate reads it from the ticket (one entry per dimension field).
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


def _aggregate_day(day: dt.date) -> list[DailyTicketStat]:
    start, end = day_bounds(day)
    counts = {name: Count("id", filter=q) if q else Count("id") for name, q in FLAGS.items()}
    # Aliased: an annotation may not take a model field's own name.
    alias = {f"d_{name}": expression for name, expression in SOURCES.items()}
    rows = (
        Ticket.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(routed_auto=FilteredRelation("events", condition=Q(events__action="routed", events__data__auto=True)))
        .values(**alias)
        .annotate(**counts)
        .order_by()
    )
    return [
        DailyTicketStat(
            day=day,
            **{name: row[f"d_{name}"] for name in DIMENSIONS},
            **{name: row[name] for name in COUNT_FIELDS},
        )
        for row in rows
    ]


def _volumes(day: dt.date, rows: list[DailyTicketStat]) -> list[DailyDistrictVolume]:
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        totals[(row.district_code, row.category_code)] += row.total
    return [
        DailyDistrictVolume(day=day, district_code=district, category_code=category, total=total)
        for (district, category), total in totals.items()
    ]


def _recompute_day(day: dt.date) -> int:
    rows = _aggregate_day(day)
    with transaction.atomic():
        # One day at a time across processes: two runs replacing the same day concurrently could
        # otherwise both delete and then both insert.
        StatsRollupState.objects.select_for_update().get_or_create(name=ROLLUP_NAME)
        DailyTicketStat.objects.filter(day=day).delete()
        DailyTicketStat.objects.bulk_create(rows, batch_size=2000)
        DailyDistrictVolume.objects.filter(day=day).delete()
        DailyDistrictVolume.objects.bulk_create(_volumes(day, rows), batch_size=2000)
    return len(rows)


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _recompute_month(month: dt.date) -> int:
    """Replace a month's rows by the sum of its daily rows (in the database, one statement)."""
    next_month = (month + dt.timedelta(days=32)).replace(day=1)
    sums = (
        DailyTicketStat.objects.filter(day__gte=month, day__lt=next_month)
        .values(*DIMENSIONS)
        .annotate(**{f"s_{name}": Sum(name) for name in COUNT_FIELDS})
        .order_by()
    )
    rows = [
        MonthlyTicketStat(
            month=month, **{d: row[d] for d in DIMENSIONS}, **{name: row[f"s_{name}"] for name in COUNT_FIELDS}
        )
        for row in sums
    ]
    with transaction.atomic():
        StatsRollupState.objects.select_for_update().get_or_create(name=ROLLUP_NAME)
        MonthlyTicketStat.objects.filter(month=month).delete()
        MonthlyTicketStat.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def stats_rollup_months(*, months: Iterable[dt.date]) -> int:
    """Recompute the monthly rows of the given months (first days) from the daily rows."""
    return sum(_recompute_month(month_of(month)) for month in sorted(set(months)))


def stats_rollup_days(*, days: Iterable[dt.date]) -> int:
    """Recompute the roll-up rows of each given day from the tickets filed that day, then the months
    those days belong to. Idempotent; each day and month is replaced in its own transaction. Returns
    the number of daily rows written."""
    days = sorted(set(days))
    written = sum(_recompute_day(day) for day in days)
    for month in sorted({month_of(day) for day in days}):
        _recompute_month(month)
    return written


def _days_of_tickets(ticket_filter: Q) -> set[dt.date]:
    days = (
        Ticket.objects.filter(ticket_filter)
        .annotate(local_day=TruncDate("created_at", tzinfo=local_tz()))
        .values_list("local_day", flat=True)
        .distinct()
        .order_by()
    )
    return set(days)


def stats_rollup_recent(*, now: dt.datetime | None = None, budget_seconds: float | None = None) -> list[dt.date]:
    """Bring the roll-ups up to date; returns the days recomputed.

    Normal runs recompute the filing days of tickets with an event (or a change) since the watermark,
    plus today, and move the watermark to the run's start. The first run on an existing database has a
    backlog (every day with tickets): it fills the days that have no roll-up rows yet, newest first,
    within `budget_seconds` (so the task stays under Celery's time limit), and later runs continue;
    the watermark is set once the backlog is done, to when the backlog began, so nothing that changed
    meanwhile is missed.
    """
    now = now or timezone.now()
    budget = budget_seconds if budget_seconds is not None else ROLLUP_BUDGET_SECONDS
    started = time.monotonic()
    state, _ = StatsRollupState.objects.get_or_create(name=ROLLUP_NAME)
    if state.watermark is None:
        done = set(DailyTicketStat.objects.values_list("day", flat=True).distinct().order_by())
        backlog = sorted(_days_of_tickets(Q()) - done, reverse=True)
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
    since = state.watermark - WATERMARK_OVERLAP
    touched = TicketEvent.objects.filter(created_at__gt=since).values("ticket_id")
    days = _days_of_tickets(Q(id__in=touched) | Q(updated_at__gt=since, created_at__gte=since))
    days.add(timezone.localtime(now).date())
    stats_rollup_days(days=days)
    StatsRollupState.objects.filter(pk=state.pk).update(watermark=now, updated_at=now)
    logger.info("stats roll-up recomputed %d day(s)", len(days))
    return sorted(days)
