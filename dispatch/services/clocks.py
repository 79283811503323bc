"""The ticket's clocks: which deadline runs at each stage, scaled by the city operating mode, and when
its light turns yellow. Moves call these from their `mutate`; the demo calls them too, so a seeded
timeline keeps the product's rules. Calendar arithmetic and the TimeLimit lookup are in services/sla.py."""

import datetime
import threading
from dataclasses import dataclass
from decimal import Decimal

from cachetools import TTLCache, cached
from django.conf import settings
from django.utils import timezone

from dispatch.models import CityMode, Notification, Ticket, TimeLimit
from dispatch.services.notifications import notify_once
from dispatch.services.sla import (
    Limits,
    WorkCalendar,
    add_limit,
    add_working_hours,
    limits_for,
    work_calendar,
    working_hours_between,
)

# Default scale and priority boost per city operating mode (a switch may override them).
CITY_MODE_DEFAULTS = {
    CityMode.Mode.DAILY: (Decimal("1.00"), 0),
    CityMode.Mode.HOLIDAY: (Decimal("0.80"), 1),
    CityMode.Mode.MAJOR_EVENT: (Decimal("0.75"), 1),
    CityMode.Mode.EMERGENCY: (Decimal("0.50"), 2),
}


# Read by every filing and routing: kept per process for a few seconds (a switch in this process clears it
# at once, dispatch.apps; other processes apply it within CITY_MODE_CACHE_SECONDS).
CITY_MODE_CACHE_SECONDS = 5


@cached(cache=TTLCache(maxsize=1, ttl=CITY_MODE_CACHE_SECONDS), lock=threading.Lock())
def current_city_mode() -> CityMode | None:
    """The city operating mode in force (the latest switch), or None before the first switch."""
    return CityMode.objects.order_by("-switched_at", "-id").first()


def city_scale(mode: CityMode | None = None) -> Decimal:
    """The factor new deadlines are multiplied by (1 in daily mode and before any switch)."""
    mode = current_city_mode() if mode is None else mode
    return mode.scale if mode is not None else Decimal(1)


def yellow_fraction() -> float:
    """The share of a limit after which its light turns yellow."""
    return settings.DISPATCH_SLA_YELLOW_FRACTION


@dataclass(frozen=True)
class Deadline:
    due: datetime.datetime
    warn_at: datetime.datetime
    fallback_years: frozenset[int]


def deadline_for(
    *, start: datetime.datetime, amount, unit: str, scale: Decimal | None = None, cal: WorkCalendar | None = None
) -> Deadline:
    """The deadline `amount` units after `start`, scaled by the city mode, and when its light turns yellow."""
    scale = city_scale() if scale is None else scale
    scaled = Decimal(str(amount)) * Decimal(str(scale))
    if scaled <= 0:
        scaled = Decimal("0.01")
    cal = cal or work_calendar(timezone.localtime(start).date())
    due = add_limit(start, scaled, unit, cal)
    warn_at = warn_point(start=start, due=due, unit=unit, cal=cal)
    return Deadline(due=due, warn_at=warn_at, fallback_years=frozenset(cal.fallback_years))


def warn_point(*, start: datetime.datetime, due: datetime.datetime, unit: str, cal: WorkCalendar) -> datetime.datetime:
    """When the light turns yellow: the yellow fraction of the limit, counted like the limit itself — in
    working time for working-day and working-hour limits (a yellow light never comes at 06:48 or on a
    Sunday), in clock time for clock-hour limits (emergencies run day and night)."""
    if unit == TimeLimit.Unit.CLOCK_HOUR:
        return start + (due - start) * yellow_fraction()
    hours = working_hours_between(start, due, cal) * Decimal(str(yellow_fraction()))
    return add_working_hours(start, hours, cal) if hours > 0 else due


def light_for(*, now: datetime.datetime, due: datetime.datetime | None, warn_at: datetime.datetime | None) -> str:
    if due is None:
        return Ticket.Light.GREEN
    if now > due:
        return Ticket.Light.RED
    if warn_at is not None and now >= warn_at:
        return Ticket.Light.YELLOW
    return Ticket.Light.GREEN


# --- The clocks of a ticket (each returns the field names it changed) -------------------------------


@dataclass(frozen=True)
class ClockInputs:
    """What a clock reads, when the caller has it already (the demo reads it once for thousands of
    tickets). Left out: the city mode in force, a calendar from the start, the ticket's TimeLimit row."""

    scale: Decimal | None = None
    cal: WorkCalendar | None = None
    limits: Limits | None = None

    def for_ticket(self, t: Ticket, now: datetime.datetime) -> tuple[Limits, WorkCalendar]:
        limits = self.limits or limits_for(
            category_code=t.category_code, urgency=t.urgency, time_limit_class=ticket_time_limit_class(t)
        )
        return limits, self.cal or work_calendar(timezone.localtime(now).date())


READ_NOW = ClockInputs()


def ticket_time_limit_class(t: Ticket) -> str:
    """The time-limit class of the ticket's matter item (派单目录), "" when it has none."""
    if t.catalogue_item_id is None:
        return ""
    return t.catalogue_item.time_limit_class


def start_sign_clock(t: Ticket, now: datetime.datetime, given: ClockInputs = READ_NOW) -> list[str]:
    """Dispatched now: sign-for and return limits start."""
    limits, cal = given.for_ticket(t, now)
    sign = deadline_for(start=now, amount=limits.sign, unit=limits.unit, scale=given.scale, cal=cal)
    t.dispatched_at = now
    t.sign_due = sign.due
    t.return_due = add_limit(now, limits.ret, limits.unit, cal) if limits.ret else None
    t.sla_due, t.sla_warn_at = sign.due, sign.warn_at
    t.sla_light = Ticket.Light.GREEN
    note_fallback_years(cal.fallback_years)
    return ["dispatched_at", "sign_due", "return_due", "sla_due", "sla_warn_at", "sla_light"]


def start_handle_clock(t: Ticket, now: datetime.datetime, given: ClockInputs = READ_NOW) -> list[str]:
    """Signed (or sent back to the unit): the handling limit runs from now."""
    limits, cal = given.for_ticket(t, now)
    handle = deadline_for(start=now, amount=limits.handle, unit=limits.unit, scale=given.scale, cal=cal)
    t.handle_due = handle.due
    t.sla_due, t.sla_warn_at = handle.due, handle.warn_at
    t.sla_light = Ticket.Light.GREEN
    note_fallback_years(handle.fallback_years)
    return ["handle_due", "sla_due", "sla_warn_at", "sla_light"]


def resume_handle_clock(t: Ticket, now: datetime.datetime) -> list[str]:
    """Sent back to the unit after a reply: it goes on with the time it had left, or a fresh limit when
    that ran out."""
    if t.handle_due and t.handle_due > now:
        t.sla_due = t.handle_due
        t.sla_light = light_for(now=now, due=t.handle_due, warn_at=t.sla_warn_at)
        return ["sla_due", "sla_light"]
    return start_handle_clock(t, now)


def extend_handle_clock(t: Ticket, now: datetime.datetime, days: int) -> list[str]:
    """An extension of `days` working days granted: the handling deadline moves, a red light goes back
    to green (the unit is no longer late)."""
    base = t.handle_due or now
    cal = work_calendar(timezone.localtime(base).date())
    t.handle_due = add_limit(base, days, "working_day", cal)
    t.extension_days += days
    t.sla_due = t.handle_due
    t.sla_light = light_for(now=now, due=t.sla_due, warn_at=t.sla_warn_at)
    if t.sla_light == Ticket.Light.RED:
        t.sla_light = Ticket.Light.GREEN
    note_fallback_years(cal.fallback_years)
    return ["handle_due", "extension_days", "sla_due", "sla_light"]


def stop_clock(t: Ticket) -> list[str]:
    t.sla_due = t.sla_warn_at = None
    return ["sla_due", "sla_warn_at"]


def note_fallback_years(years) -> None:
    """Tell supervisors (once per year) that deadlines are counted Monday–Friday for a year whose
    holidays are not in the working calendar."""
    for year in sorted(years):
        notify_once(
            kind=Notification.Kind.CALENDAR,
            key=calendar_missing_key(year),
            message=f"{year}年节假日安排未录入工作日历，相关时限暂按周一至周五计算，请在后台录入。",
        )


def calendar_missing_key(year: int) -> str:
    """One warning per year whose holidays are missing, whoever notices first (a clock or the sweep)."""
    return f"calendar-missing-{year}"
