"""The supervisor dashboard's reads ("一屏观全域").

Volumes, dispatch accuracy, confusion, 三率 and the heat table come from DailyTicketStat in two
aggregate queries (one per day × category for the time series, one per place × category × department
for everything else), folded in Python; the SLA panel's light counts come from OpenTicketLight (kept by
the roll-up every minute), its list of the most overdue tickets from the ticket table's deadline index.

Rates (each a ratio of two summed ticket counts; None when the denominator is 0):
- 智能派单占比 AI share = ai_dispatched / dispatched
- 智能派单准确率 AI accuracy = AI-dispatched tickets that stayed with the first department / ai_dispatched
- 派单准确率 dispatch accuracy = dispatched tickets never returned nor re-dispatched / dispatched
- 响应率 = signed within the sign-for limit / dispatched
- 解决率 = closed and not rated 不满意 / dispatched
- 满意率 = 满意 + 基本满意 / rated at callback
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections
from django.db.models import Count, Q, Sum
from django.utils import timezone

from common.db import replica_reads
from dispatch.models import DailyDistrictVolume, DailyTicketStat, MonthlyTicketStat, OpenTicketLight, Ticket
from dispatch.models.events import TicketEvent
from dispatch.models.stats import COUNT_FIELDS, DIMENSIONS
from dispatch.workflow import MOVES
from governance.models import Department, DispatchCatalogue, Region

OPEN_STATUSES = [s for s in Ticket.Status.values if s not in Ticket.FINAL_STATUSES]
OVERDUE_LIST_SIZE = 20
HEAT_STREETS = 25


# Each rate of the dashboard: (numerator, denominator), two count columns (see the module docstring).
RATES = {
    "ai_share": ("ai_dispatched", "dispatched"),
    "ai_accuracy": ("ai_correct", "ai_dispatched"),
    "accuracy": ("stayed", "dispatched"),
    "response_rate": ("responded", "dispatched"),
    "resolution_rate": ("resolved", "dispatched"),
    "satisfaction_rate": ("satisfied", "rated"),
    "intake_rate": ("closed_at_intake", "total"),
}


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


@dataclass
class Tally:
    """Summed counts for one slice, with the dashboard's rates."""

    key: str = ""
    label: str = ""
    counts: dict = field(default_factory=lambda: dict.fromkeys(COUNT_FIELDS, 0))

    @classmethod
    def of(cls, key, rows: list[tuple]) -> "Tally":
        """A tally of count tuples (in COUNT_FIELDS order), summed column-wise in C (zip/sum)."""
        sums = map(sum, zip(*rows, strict=True)) if rows else [0] * len(COUNT_FIELDS)
        return cls(key=str(key) if key is not None else "", counts=dict(zip(COUNT_FIELDS, sums, strict=True)))

    def __getattr__(self, name):
        counts = self.__dict__.get("counts")
        if counts is not None and name in counts:
            return counts[name]
        if counts is not None and name in RATES:
            numerator, denominator = RATES[name]
            return _ratio(counts[numerator], counts[denominator])
        raise AttributeError(name)

    @property
    def score(self) -> float:
        """三率 composite for rankings: the mean of the rates that exist (a unit with no tickets scores 0)."""
        rates = [r for r in (self.response_rate, self.resolution_rate, self.satisfaction_rate) if r is not None]
        return sum(rates) / len(rates) if rates else 0.0


@dataclass(frozen=True)
class DashboardFilter:
    start: dt.date
    end: dt.date  # inclusive
    region: Region | None = None

    @property
    def rollup_scope(self) -> Q:
        """Roll-ups hold districts and streets; a community filter narrows to its street."""
        region = self.region
        if region is None or region.level == Region.Level.CITY:
            return Q()
        if region.level == Region.Level.DISTRICT:
            return Q(district_code=region.code)
        street_code = region.code if region.level == Region.Level.STREET else region.parent_id
        return Q(street_code=street_code)

    @property
    def ticket_scope(self) -> Q:
        region = self.region
        if region is None or region.level == Region.Level.CITY:
            return Q()
        return Q(**{f"{region.level}_id": region.code})


def category_names() -> dict[str, str]:
    return dict(DispatchCatalogue.objects.values_list("category_code", "category_name"))


def _stat_rows(flt: DashboardFilter):
    return DailyTicketStat.objects.filter(flt.rollup_scope, day__gte=flt.start, day__lte=flt.end)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def period_pieces(start: dt.date, end: dt.date) -> tuple[list[dt.date], list[tuple[dt.date, dt.date]]]:
    """The calendar months lying wholly inside [start, end] and the day ranges left over at its ends.

    A year's breakdown then reads ~12 monthly roll-ups plus a few daily ones instead of 365 days."""
    first = start if start.day == 1 else _next_month(start)
    months = []
    month = first
    while _next_month(month) - dt.timedelta(days=1) <= end:
        months.append(month)
        month = _next_month(month)
    if not months:
        return [], [(start, end)]
    ranges = []
    if start < months[0]:
        ranges.append((start, months[0] - dt.timedelta(days=1)))
    after = _next_month(months[-1])
    if after <= end:
        ranges.append((after, end))
    return months, ranges


@replica_reads
def dashboard_volume(*, flt: DashboardFilter) -> dict:
    """Tickets filed per day and category: {labels: [dates], series: [{code, label, data}]}."""
    region = flt.region
    if region is not None and region.level in (Region.Level.STREET, Region.Level.COMMUNITY):
        rows = _stat_rows(flt).values("day", "category_code").annotate(n=Sum("total")).order_by()
    else:  # city or district: the small per-district volume table
        volumes = DailyDistrictVolume.objects.filter(day__gte=flt.start, day__lte=flt.end)
        if region is not None and region.level == Region.Level.DISTRICT:
            volumes = volumes.filter(district_code=region.code)
        rows = volumes.values("day", "category_code").annotate(n=Sum("total")).order_by()
    names = category_names()
    days = [flt.start + dt.timedelta(days=i) for i in range((flt.end - flt.start).days + 1)]
    index = {day: i for i, day in enumerate(days)}
    series: dict[str, list[int]] = defaultdict(lambda: [0] * len(days))
    for row in rows:
        series[row["category_code"]][index[row["day"]]] += row["n"]
    ordered = sorted(series.items(), key=lambda item: -sum(item[1]))
    return {
        "labels": [d.isoformat() for d in days],
        "series": [{"code": code, "label": names.get(code, code or "未分类"), "data": data} for code, data in ordered],
    }


def _fetch(queryset) -> list[tuple]:
    """Rows of an aggregate queryset as plain tuples. Skips the ORM's per-row converters, which cost more
    than the query itself for a few thousand grouped rows (the sums are plain integers)."""
    sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@replica_reads
def dashboard_breakdown(*, flt: DashboardFilter) -> dict:
    """Everything else the roll-ups give, from one aggregate query folded several ways."""
    sums = {f"n_{f}": Sum(f) for f in COUNT_FIELDS}
    months, day_ranges = period_pieces(flt.start, flt.end)
    querysets = []
    if months:
        monthly = MonthlyTicketStat.objects.filter(flt.rollup_scope, month__in=months)
        querysets.append(monthly.values(*DIMENSIONS).annotate(**sums).order_by())
    for first, last in day_ranges:
        daily = DailyTicketStat.objects.filter(flt.rollup_scope, day__gte=first, day__lte=last)
        querysets.append(daily.values(*DIMENSIONS).annotate(**sums).order_by())
    names = category_names()

    groups: dict[str, dict] = {name: defaultdict(list) for name in ("cat", "first", "dept", "district", "street")}
    everything: list[tuple] = []
    heat: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    confusion: dict[tuple[str, str], int] = defaultdict(int)
    i_total, i_dispatched = COUNT_FIELDS.index("total"), COUNT_FIELDS.index("dispatched")
    for row in (row for queryset in querysets for row in _fetch(queryset)):
        district, street, category, ai_category, dept, first_dept = row[: len(DIMENSIONS)]
        counts = row[len(DIMENSIONS) :]  # sums over at least one row: integers, never NULL
        everything.append(counts)
        groups["cat"][category].append(counts)
        if first_dept is not None:
            groups["first"][first_dept].append(counts)
        if dept is not None:
            groups["dept"][dept].append(counts)
        if district:
            groups["district"][district].append(counts)
        if street:
            groups["street"][street].append(counts)
            heat[street][category] += counts[i_total]
        if ai_category and counts[i_dispatched]:
            confusion[(ai_category, category)] += counts[i_dispatched]

    total = Tally.of("all", everything)
    total.label = "合计"
    by_category = {k: Tally.of(k, rows) for k, rows in groups["cat"].items()}
    by_first_department = {k: Tally.of(k, rows) for k, rows in groups["first"].items()}
    by_department = {k: Tally.of(k, rows) for k, rows in groups["dept"].items()}
    by_district = {k: Tally.of(k, rows) for k, rows in groups["district"].items()}
    by_street = {k: Tally.of(k, rows) for k, rows in groups["street"].items()}

    region_names = dict(Region.objects.filter(code__in=list(by_district) + list(by_street)).values_list("code", "name"))
    dept_ids = {k for k in list(by_department) + list(by_first_department) if k is not None}
    dept_names = dict(Department.objects.filter(id__in=dept_ids).values_list("id", "name"))
    for code, t in by_category.items():
        t.label = names.get(code, code or "未分类")
    for bucket in (by_department, by_first_department):
        for pk, t in bucket.items():
            t.label = dept_names.get(pk, f"#{pk}")
    for bucket in (by_district, by_street):
        for code, t in bucket.items():
            t.label = region_names.get(code, code)

    categories = [t.key for t in sorted(by_category.values(), key=lambda t: -t.total)]
    predicted = sorted({p for p, _ in confusion}, key=lambda c: categories.index(c) if c in categories else 99)
    finals = sorted({f for _, f in confusion}, key=lambda c: categories.index(c) if c in categories else 99)
    top_streets = sorted(by_street.values(), key=lambda t: -t.total)[:HEAT_STREETS]
    heat_max = max((n for s in top_streets for n in heat[s.key].values()), default=0)

    minimum = settings.DASHBOARD_RANKING_MIN_TICKETS

    def ranked(bucket: dict) -> list[Tally]:
        """Units with enough dispatched tickets, best 三率 first (the others: `small_sample`)."""
        eligible = (t for t in bucket.values() if t.dispatched >= max(minimum, 1))
        return sorted(eligible, key=lambda t: (-t.score, -t.dispatched))

    def small_sample(bucket: dict) -> list[Tally]:
        """Units with some but too few dispatched tickets to rank, most tickets first."""
        return sorted((t for t in bucket.values() if 0 < t.dispatched < minimum), key=lambda t: -t.dispatched)

    return {
        "total": total,
        "by_category": sorted(by_category.values(), key=lambda t: -t.total),
        "by_department": sorted(by_first_department.values(), key=lambda t: -t.dispatched),
        "rank_district": ranked(by_district),
        "rank_street": ranked(by_street),
        "rank_department": ranked(by_department),
        "rank_minimum": minimum,
        "small_district": small_sample(by_district),
        "small_street": small_sample(by_street),
        "small_department": small_sample(by_department),
        "confusion": {
            "predicted": [{"code": c, "label": names.get(c, c)} for c in predicted],
            "final": [{"code": c, "label": names.get(c, c)} for c in finals],
            "cells": [[confusion.get((p, f), 0) for f in finals] for p in predicted],
        },
        "heat": {
            "categories": [{"code": c, "label": names.get(c, c or "未分类")} for c in categories],
            "rows": [
                {
                    "label": s.label,
                    "code": s.key,
                    "total": s.total,
                    "cells": [heat[s.key].get(c, 0) for c in categories],
                }
                for s in top_streets
            ],
            "max": heat_max,
        },
    }


@replica_reads
def dashboard_sla(*, flt: DashboardFilter) -> dict:
    """SLA state of open tickets in the region: light counts (roll-up) and the most overdue tickets (live)."""
    # The counts from the roll-up (a minute behind at most; a community counts as its street, like the
    # other panels); the list of the most overdue is live, through the deadline index, 20 rows.
    lights = dict(
        OpenTicketLight.objects.filter(flt.rollup_scope)
        .values("light")
        .annotate(n=Sum("total"))
        .values_list("light", "n")
    )
    open_tickets = Ticket.objects.filter(flt.ticket_scope, status__in=OPEN_STATUSES)
    overdue = list(
        open_tickets.filter(sla_light=Ticket.Light.RED, sla_due__isnull=False)
        .select_related("lead_department", "street", "district")
        .order_by("sla_due")[:OVERDUE_LIST_SIZE]
    )
    return {
        "open": sum(lights.values()),
        "green": lights.get(Ticket.Light.GREEN, 0),
        "yellow": lights.get(Ticket.Light.YELLOW, 0),
        "red": lights.get(Ticket.Light.RED, 0),
        "overdue": overdue,
        "now": timezone.now(),
    }


def overdue_tickets(*, flt: DashboardFilter):
    """All overdue open tickets in the region, most overdue first (for the list page and CSV)."""
    return (
        Ticket.objects.filter(flt.ticket_scope, status__in=OPEN_STATUSES, sla_light=Ticket.Light.RED)
        .select_related("lead_department", "street", "district")
        .order_by("sla_due")
    )


@replica_reads
def callback_reasons(*, flt: DashboardFilter) -> dict:
    """回访 in the period and region, read from the callback events (their data holds the script's
    answers): {"callbacks": n, "unsatisfied": n, "reasons": [{code, label, n}] most first, every reason
    listed}. A ticket called back twice counts twice: each is a caller's verdict."""
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(flt.start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(flt.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    region = flt.region
    scope = Q()
    if region is not None and region.level != Region.Level.CITY:
        scope = Q(**{f"ticket__{region.level}_id": region.code})
    events = TicketEvent.objects.filter(
        scope, action=MOVES["callback"].event, created_at__gte=since, created_at__lt=until
    )
    totals = events.aggregate(
        callbacks=Count("id"), unsatisfied=Count("id", filter=Q(data__satisfaction=Ticket.Satisfaction.UNSATISFIED))
    )
    counts = dict(
        events.filter(data__satisfaction=Ticket.Satisfaction.UNSATISFIED)
        .values_list("data__reason")
        .annotate(n=Count("id"))
        .order_by()
    )
    reasons = [
        {"code": code, "label": label, "n": counts.get(code, 0)} for code, label in Ticket.UnsatisfiedReason.choices
    ]
    unknown = sum(n for code, n in counts.items() if code not in Ticket.UnsatisfiedReason.values)
    if unknown:  # callbacks recorded before the reasons were asked
        reasons.append({"code": "", "label": "未记录原因", "n": unknown})
    return {**totals, "reasons": sorted(reasons, key=lambda r: -r["n"])}
