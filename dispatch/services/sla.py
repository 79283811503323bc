"""Deadlines from TimeLimit rows, counted on the WorkCalendarDay calendar.

Working hours are 09:00–12:00 and 13:00–18:00 (8 hours) on working days. "N working days" (N whole)
ends at 18:00 on the Nth working day after the day the clock starts; fractions of a day become working
hours. A date without a calendar row (a year the calendar package does not know yet) is a working day
when it is Monday–Friday and not one of the public holidays known in advance (dispatch/holidays.py:
元旦, 春节, 清明, 劳动节, 端午, 中秋, 国庆; only the 调休 swaps are unknown): the deadline is still
computed, never an error, and the calendar records that the fallback was used so supervisors can be told.
Yellow points of working-time limits are working time too: never at night or on a rest day.

This module is the calendar arithmetic and the TimeLimit lookup; the ticket's clocks (city-mode scale,
yellow point, which deadline runs when) are in services/clocks.py.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from dispatch.holidays import statutory_holidays
from dispatch.models import TimeLimit, WorkCalendarDay

WORK_PERIODS = ((datetime.time(9, 0), datetime.time(12, 0)), (datetime.time(13, 0), datetime.time(18, 0)))
HOURS_PER_DAY = Decimal(8)
# Guard against a calendar edited into having no working days at all.
MAX_SCAN_DAYS = 3 * 366

DEFAULT_LIMIT = {"unit": TimeLimit.Unit.WORKING_DAY, "sign": 1, "handle": 5, "return": 2}


class WorkCalendar:
    """The working calendar for a window of dates, loaded in one query and extended on demand.
    `known` is a window read before ((days, (first, last))), e.g. by `work_calendar`; it is copied."""

    def __init__(self, start: datetime.date, days: int = 120, *, known=None):
        self._days: dict[datetime.date, bool] = {}
        self._loaded: tuple[datetime.date, datetime.date] | None = None
        self.fallback_years: set[int] = set()
        if known is not None and known[1][0] <= start and start + datetime.timedelta(days=days) <= known[1][1]:
            self._days.update(known[0])
            self._loaded = known[1]
        else:
            self._load(start, start + datetime.timedelta(days=days))

    def _load(self, start: datetime.date, end: datetime.date) -> None:
        rows = WorkCalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "is_workday")
        self._days.update(dict(rows))
        if self._loaded is None:
            self._loaded = (start, end)
        else:
            self._loaded = (min(self._loaded[0], start), max(self._loaded[1], end))

    def is_workday(self, day: datetime.date) -> bool:
        assert self._loaded is not None
        if not (self._loaded[0] <= day <= self._loaded[1]):
            self._load(min(day, self._loaded[0]), max(day, self._loaded[1]) + datetime.timedelta(days=120))
        known = self._days.get(day)
        if known is None:
            self.fallback_years.add(day.year)
            return day.weekday() < 5 and day not in statutory_holidays(day.year)
        return known

    def next_workday(self, day: datetime.date) -> datetime.date:
        for _ in range(MAX_SCAN_DAYS):
            day += datetime.timedelta(days=1)
            if self.is_workday(day):
                return day
        return day  # a calendar with no working day for years: stop rather than loop forever


# The window a process keeps in memory: from the first of the month, far enough for every limit started
# this month (the longest are tens of working days, plus extensions read further on demand).
CALENDAR_MEMO_DAYS = 240


def work_calendar(start: datetime.date) -> WorkCalendar:
    """A WorkCalendar from `start`, built from the calendar window this process keeps (one read per month
    and memo lifetime: the memo of governance reads, dropped when a calendar day is saved, see
    dispatch/apps.py). The deadline of every ticket needs one; the rows change once a year."""
    from governance.caching import memo

    first = start.replace(day=1)
    last = first + datetime.timedelta(days=CALENDAR_MEMO_DAYS)

    def read():
        rows = WorkCalendarDay.objects.filter(date__gte=first, date__lte=last).values_list("date", "is_workday")
        return dict(rows), (first, last)

    return WorkCalendar(start, known=memo(("work-calendar", first), read))


def _local(dt: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(dt)


def _at(day: datetime.date, t: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, t))


def add_working_days(start: datetime.datetime, days: int, cal: WorkCalendar) -> datetime.datetime:
    day = _local(start).date()
    for _ in range(days):
        day = cal.next_workday(day)
    return _at(day, WORK_PERIODS[-1][1])


def add_working_hours(start: datetime.datetime, hours: Decimal, cal: WorkCalendar) -> datetime.datetime:
    remaining = datetime.timedelta(seconds=float(hours) * 3600)
    now = _local(start)
    day = now.date()
    for _ in range(MAX_SCAN_DAYS):
        if cal.is_workday(day):
            for begin, end in WORK_PERIODS:
                p_start, p_end = _at(day, begin), _at(day, end)
                if now >= p_end:
                    continue
                cursor = max(now, p_start)
                available = p_end - cursor
                if remaining <= available:
                    return cursor + remaining
                remaining -= available
                now = p_end
        day = day + datetime.timedelta(days=1)
        now = _at(day, datetime.time(0, 0))
    return now


def working_hours_between(start: datetime.datetime, end: datetime.datetime, cal: WorkCalendar) -> Decimal:
    """Working time (hours) from `start` to `end` on the calendar; 0 when end is not after start."""
    a, b = _local(start), _local(end)
    total = datetime.timedelta()
    day = a.date()
    for _ in range(MAX_SCAN_DAYS):
        if day > b.date():
            break
        if cal.is_workday(day):
            for begin, finish in WORK_PERIODS:
                lo, hi = max(a, _at(day, begin)), min(b, _at(day, finish))
                if hi > lo:
                    total += hi - lo
        day += datetime.timedelta(days=1)
    return Decimal(str(total.total_seconds() / 3600))


def add_limit(start: datetime.datetime, amount, unit: str, cal: WorkCalendar) -> datetime.datetime:
    amount = Decimal(str(amount))
    if unit == TimeLimit.Unit.CLOCK_HOUR:
        return start + datetime.timedelta(seconds=float(amount) * 3600)
    if unit == TimeLimit.Unit.WORKING_HOUR:
        return add_working_hours(start, amount, cal)
    if amount == amount.to_integral_value():
        return add_working_days(start, int(amount), cal)
    return add_working_hours(start, amount * HOURS_PER_DAY, cal)


@dataclass(frozen=True)
class Limits:
    unit: str
    sign: Decimal
    handle: Decimal
    ret: Decimal
    max_extension: Decimal


# A matter item's time-limit class times the ticket at least at this urgency (Ticket.Urgency values).
CLASS_URGENCY = {"emergency": "emergency", "utility": "urgent"}
URGENCY_RANK = {"normal": 0, "urgent": 1, "emergency": 2}


def timed_urgency(*, urgency: str, time_limit_class: str = "") -> str:
    """The urgency a ticket is timed at: the operator's, raised by its item's class (a gas leak filed as
    一般 still gets the 2-hour limit); never lowered."""
    raised = CLASS_URGENCY.get(time_limit_class or "", "normal")
    return max(urgency, raised, key=lambda u: URGENCY_RANK.get(u, 0))


def limits_for(*, category_code: str, urgency: str, time_limit_class: str = "") -> Limits:
    """The TimeLimit row for a ticket: at the urgency `timed_urgency` gives, the most specific of
    (category, class), (any category, class), (category, any class), the urgency's default row; else
    1/5/2 working days. `time_limit_class` is the matter item's (派单目录), "" when the ticket has none."""
    from governance.caching import memo

    urgency = timed_urgency(urgency=urgency, time_limit_class=time_limit_class)
    code, klass = category_code or "", time_limit_class or ""
    # The whole table (a few dozen rows) is kept with the governance reads: dropped when a row is saved.
    table = memo(("time-limits",), lambda: list(TimeLimit.objects.all()))
    rows = {
        (row.category_code, row.time_limit_class): row
        for row in table
        if row.urgency == urgency and row.category_code in (code, "") and row.time_limit_class in (klass, "")
    }
    row = rows.get((code, klass)) or rows.get(("", klass)) or rows.get((code, "")) or rows.get(("", ""))
    if row is None:
        d = DEFAULT_LIMIT
        return Limits(d["unit"], Decimal(d["sign"]), Decimal(d["handle"]), Decimal(d["return"]), Decimal(10))
    return Limits(row.unit, row.sign_limit, row.handle_limit, row.return_limit, row.max_extension)
