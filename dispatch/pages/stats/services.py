"""Keep DailyTicketStat in step with the tickets.

A day's rows are recomputed from Ticket as a whole (delete the day, insert its aggregate) inside one
transaction, so running twice gives the same rows and a crashed run leaves the previous rows intact.
Which days to recompute: the filing days of every ticket that had an event since the last run, plus
today — a ticket filed last week and closed now moves last week's figures.
"""

import datetime as dt
import logging
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from dispatch.models import DailyTicketStat, StatsRollupState, Ticket, TicketEvent

logger = logging.getLogger(__name__)

ROLLUP_NAME = "daily_ticket_stat"
# Events written by transactions still open while we scan carry an earlier timestamp than their commit:
# re-scan a margin behind the watermark (recomputing a day twice is harmless).
WATERMARK_OVERLAP = dt.timedelta(minutes=5)

S = Ticket.Status
RATED = [Ticket.Satisfaction.SATISFIED, Ticket.Satisfaction.BASIC, Ticket.Satisfaction.UNSATISFIED]
GOOD = [Ticket.Satisfaction.SATISFIED, Ticket.Satisfaction.BASIC]
STAYED = Q(first_lead_department__isnull=False, return_count=0, lead_department=F("first_lead_department"))
# Dispatched by the AI at routing. `dispatch_source` is overwritten by a later 改派, so the routing
# event (data.auto) is what remembers that the first dispatch was automatic.
AUTO_ROUTED = Q(
    Exists(TicketEvent.objects.filter(ticket=OuterRef("pk"), action="routed", data__auto=True).values("pk")[:1])
)

# Column -> which of the day's tickets it counts. Every column is a count of tickets, so rates over any
# slice of the dashboard are sums of one column over sums of another.
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
    "resolved": Q(status=S.CLOSED) & ~Q(satisfaction=Ticket.Satisfaction.UNSATISFIED),
    "rated": Q(satisfaction__in=RATED),
    "satisfied": Q(satisfaction__in=GOOD),
    "reopened": Q(reopen_count__gt=0),
    "red": Q(sla_light=Ticket.Light.RED),
}


def local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = local_tz()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return start, start + dt.timedelta(days=1)


def _aggregate_day(day: dt.date) -> list[DailyTicketStat]:
    start, end = day_bounds(day)
    counts = {name: Count("id", filter=q) if q else Count("id") for name, q in FLAGS.items()}
    rows = (
        Ticket.objects.filter(created_at__gte=start, created_at__lt=end)
        .values(
            d_code=Coalesce("district_id", Value("")),
            s_code=Coalesce("street_id", Value("")),
            cat=F("category_code"),
            ai_cat=F("ai_category"),
            dept=F("lead_department_id"),
            first_dept=F("first_lead_department_id"),
        )
        .annotate(**counts)
        .order_by()
    )
    return [
        DailyTicketStat(
            day=day,
            district_code=row["d_code"],
            street_code=row["s_code"],
            category_code=row["cat"],
            ai_category=row["ai_cat"],
            department_id=row["dept"],
            first_department_id=row["first_dept"],
            **{name: row[name] for name in FLAGS},
        )
        for row in rows
    ]


def stats_rollup_days(*, days: Iterable[dt.date]) -> int:
    """Recompute the roll-up rows of each given day from the tickets filed that day.

    Idempotent; each day is replaced in its own transaction. Returns the number of rows written.
    """
    written = 0
    for day in sorted(set(days)):
        rows = _aggregate_day(day)
        with transaction.atomic():
            DailyTicketStat.objects.filter(day=day).delete()
            DailyTicketStat.objects.bulk_create(rows, batch_size=2000)
        written += len(rows)
    return written


def _days_of_tickets(ticket_filter: Q) -> set[dt.date]:
    tz = local_tz()
    stamps = Ticket.objects.filter(ticket_filter).values_list("created_at", flat=True).distinct()
    return {stamp.astimezone(tz).date() for stamp in stamps.iterator(chunk_size=5000)}


def stats_rollup_recent(*, now: dt.datetime | None = None) -> list[dt.date]:
    """Bring the roll-ups up to date: recompute the days touched since the last run, and today.

    The first run (no watermark yet) recomputes every day that has tickets. Returns the days recomputed.
    Safe to run concurrently with itself: the state row is locked for the run.
    """
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    with transaction.atomic():
        state, _ = StatsRollupState.objects.select_for_update().get_or_create(name=ROLLUP_NAME)
        if state.watermark is None:
            days = _days_of_tickets(Q())
        else:
            since = state.watermark - WATERMARK_OVERLAP
            touched = TicketEvent.objects.filter(created_at__gt=since).values("ticket_id")
            days = _days_of_tickets(Q(id__in=touched) | Q(updated_at__gt=since, created_at__gte=since))
        days.add(today)
        stats_rollup_days(days=days)
        state.watermark = now
        state.save(update_fields=["watermark", "updated_at"])
    logger.info("stats roll-up recomputed %d day(s)", len(days))
    return sorted(days)
