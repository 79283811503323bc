"""Entering a year's holidays (the State Council's notice, in the admin or from the calendar package):
the days are written and the open tickets' deadlines that fall in those years are recomputed on the new
calendar, each change an event on the ticket's timeline (`deadlines_recomputed`)."""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dispatch.actors import actor_for
from dispatch.models import Ticket, WorkCalendarDay
from dispatch.services.clocks import light_for
from dispatch.services.core import write_event
from dispatch.services.sla import WorkCalendar, add_working_hours, working_hours_between
from governance.caching import governance_cache_invalidate

DUE_FIELDS = ("sign_due", "return_due", "handle_due", "sla_due", "sla_warn_at")


def calendar_snapshot(years: Iterable[int]) -> WorkCalendar:
    """The working calendar as it is now over these years (and a margin), read before it is changed."""
    years = sorted(set(years))
    start = datetime.date(years[0] - 1, 12, 1)
    end = datetime.date(years[-1] + 1, 1, 31)
    return WorkCalendar(start, days=(end - start).days)


def work_calendar_enter(*, days: list[tuple[datetime.date, bool, str]], by=None, source: str = "manual") -> int:
    """Write these (date, is_workday, name) days, replacing what was there, then recompute the deadlines
    of the open tickets in their years. Returns how many tickets moved."""
    if not days:
        return 0
    old = calendar_snapshot(d.year for d, _, _ in days)
    with transaction.atomic():
        for day, workday, name in days:
            WorkCalendarDay.objects.update_or_create(
                date=day, defaults={"is_workday": workday, "name": name[:32], "source": source}
            )
        return deadlines_recompute(years={d.year for d, _, _ in days}, old=old, by=by)


def deadlines_recompute(*, years: set[int], old: WorkCalendar, by=None, now: datetime.datetime | None = None) -> int:
    """Move each future deadline of an open ticket that falls in `years` so that it keeps the working time
    it had left on the `old` calendar, counted on the calendar now in the database. Returns how many
    tickets changed; each gets one event listing what moved (old → new)."""
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    first = datetime.datetime(min(years), 1, 1, tzinfo=tz)
    last = datetime.datetime(max(years) + 1, 1, 1, tzinfo=tz)
    in_years = Q(pk__in=[])
    for name in DUE_FIELDS:
        in_years |= Q(**{f"{name}__gte": max(first, now), f"{name}__lt": last})
    ids = list(
        Ticket.objects.filter(in_years)
        .exclude(status__in=Ticket.FINAL_STATUSES)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    new = WorkCalendar(timezone.localdate(now))
    actor = actor_for(by)
    moved = 0
    for pk in ids:
        with transaction.atomic():
            t = Ticket.objects.select_for_update(of=("self",)).get(pk=pk)
            if t.status in Ticket.FINAL_STATUSES:
                continue
            changes = {}
            for name in DUE_FIELDS:
                due = getattr(t, name)
                if due is None or due <= now or not (first <= due < last):
                    continue
                left = working_hours_between(now, due, old)
                fresh = add_working_hours(now, left, new) if left > 0 else due
                if fresh != due:
                    changes[name] = (due, fresh)
                    setattr(t, name, fresh)
            if not changes:
                continue
            t.sla_light = light_for(now=now, due=t.sla_due, warn_at=t.sla_warn_at)
            t.version += 1
            t.save(update_fields=[*changes, "sla_light", "version", "updated_at"])
            write_event(
                ticket=t,
                actor=actor,
                action="deadlines_recomputed",
                reason="工作日历更新，时限按新日历重新计算",
                data={
                    name: [timezone.localtime(a).isoformat(), timezone.localtime(b).isoformat()]
                    for name, (a, b) in changes.items()
                },
            )
            moved += 1
    return moved


def work_calendar_seed_from_package(*, first_year: int = 2020, by=None) -> tuple[int, int]:
    """Add the days the chinese-calendar package knows (days present are kept), then recompute the open
    tickets' deadlines in the years that had no day before. Returns (days added, tickets moved)."""
    from dispatch.calendar_data import package_years, seed_work_calendar

    years = [y for y in package_years() if y >= first_year]
    known = set(
        WorkCalendarDay.objects.filter(date__year__in=years).dates("date", "year").values_list("date__year", flat=True)
    )
    new_years = {y for y in years if y not in known}
    before = WorkCalendarDay.objects.count()
    old = calendar_snapshot(new_years) if new_years else None
    seed_work_calendar(WorkCalendarDay, first_year=first_year)
    governance_cache_invalidate()  # a bulk insert sends no signal: the processes' calendar windows go
    added = WorkCalendarDay.objects.count() - before
    moved = deadlines_recompute(years=new_years, old=old, by=by) if old is not None else 0
    return added, moved
