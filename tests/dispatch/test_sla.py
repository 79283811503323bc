"""Deadlines on the working calendar (调休, the year the package does not know), city mode, the sweep."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from dispatch import services
from dispatch.models import CityMode, Notification, Ticket, TicketEvent, WorkCalendarDay
from dispatch.selectors import work_calendar_warning
from dispatch.services.clocks import deadline_for

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
S = Ticket.Status


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SH)


def test_working_days_skip_the_national_day_holiday_and_count_the_adjusted_saturday():
    # 2026-09-30 (Wed): 10-01..10-07 are holidays, Sat 10-10 is a 调休 working day.
    deadline = deadline_for(start=at(2026, 9, 30, 10), amount=3, unit="working_day", scale=Decimal(1))

    assert deadline.due == at(2026, 10, 10, 18)  # 10-08, 10-09, 10-10 (调休)
    assert deadline.fallback_years == frozenset()


def test_working_hours_run_inside_office_hours():
    # Friday 16:00 + 4 working hours: 2 h on Friday, then Monday 09:00-11:00.
    deadline = deadline_for(start=at(2026, 11, 27, 16), amount=4, unit="working_hour", scale=Decimal(1))

    assert deadline.due == at(2026, 11, 30, 11)


def test_clock_hours_for_emergencies():
    deadline = deadline_for(start=at(2026, 10, 1, 23, 30), amount=2, unit="clock_hour", scale=Decimal(1))

    assert deadline.due == at(2026, 10, 2, 1, 30)
    assert deadline.warn_at == at(2026, 10, 2, 1, 6)  # 80 % of the time used


def test_late_december_limit_crossing_into_a_year_the_calendar_does_not_know_skips_the_known_holidays():
    assert not WorkCalendarDay.objects.filter(date__year=2027).exists()

    deadline = deadline_for(start=at(2026, 12, 29, 10), amount=5, unit="working_day", scale=Decimal(1))

    # 12-30, 12-31, then 2027 Monday–Friday less its public holidays: Fri 01-01 (元旦) is not counted,
    # Mon 01-04, Tue 01-05, Wed 01-06.
    assert deadline.due == at(2027, 1, 6, 18)
    assert deadline.fallback_years == frozenset({2027})
    assert "2027年节假日安排尚未录入" in work_calendar_warning(today=datetime.date(2026, 12, 29))


def test_once_next_years_holidays_are_entered_they_count_and_the_warning_goes():
    WorkCalendarDay.objects.create(date=datetime.date(2027, 1, 1), is_workday=False, name="元旦")

    deadline = deadline_for(start=at(2026, 12, 29, 10), amount=5, unit="working_day", scale=Decimal(1))

    assert deadline.due == at(2027, 1, 6, 18)
    assert work_calendar_warning(today=datetime.date(2026, 12, 29)) is None


def test_far_future_dates_never_crash():
    deadline = deadline_for(start=at(2099, 12, 31, 23, 59), amount=Decimal("15"), unit="working_day", scale=Decimal(1))

    assert deadline.due.year == 2100
    assert deadline.fallback_years == frozenset({2099, 2100})  # the yellow point counts from the start day


def test_ticket_filed_in_late_december_gets_a_deadline_in_the_new_year_and_supervisors_are_told(
    world, file_ticket, monkeypatch
):
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(2026, 12, 29, 10).astimezone(datetime.UTC))

    ticket = file_ticket()
    ticket = services.ticket_sign(ticket=ticket, by=world.staff)

    assert ticket.number.startswith("ZZ20261229")
    assert ticket.handle_due == at(2027, 1, 6, 18)
    assert Notification.objects.filter(kind="calendar", dedupe_key="calendar-missing-2027").count() == 1
    from dispatch.selectors import notifications_for_user

    assert notifications_for_user(world.supervisor).filter(kind="calendar").count() == 1


def test_city_mode_scales_new_deadlines_and_is_recorded(world, file_ticket, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(2026, 11, 30, 9).astimezone(datetime.UTC))
    switch = services.city_mode_switch(by=world.supervisor, mode=CityMode.Mode.EMERGENCY, reason="暴雨红色预警")
    assert (switch.scale, switch.priority_boost, switch.switched_by) == (Decimal("0.50"), 2, world.supervisor)

    ticket = file_ticket(urgency=Ticket.Urgency.URGENT)  # 24 clock hours to handle, 2 to sign

    assert ticket.priority == 2
    assert ticket.sign_due == at(2026, 11, 30, 10)  # 2 h × 0.5
    ticket = services.ticket_sign(ticket=ticket, by=world.staff)
    assert ticket.handle_due == at(2026, 11, 30, 21)  # 24 h × 0.5


def test_only_supervisors_switch_the_city_mode(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.city_mode_switch(by=world.staff, mode=CityMode.Mode.EMERGENCY, reason="x")

    assert CityMode.objects.count() == 0


def test_sweep_turns_overdue_red_with_supervision_and_nearly_due_yellow_once(world, file_ticket):
    overdue = file_ticket()
    nearly = file_ticket()
    fresh = file_ticket()
    now = overdue.sign_due + datetime.timedelta(minutes=1)
    Ticket.objects.filter(pk=nearly.pk).update(sla_due=now + datetime.timedelta(hours=1), sla_warn_at=now)
    Ticket.objects.filter(pk=fresh.pk).update(
        sla_due=now + datetime.timedelta(days=3), sla_warn_at=now + datetime.timedelta(days=2)
    )

    result = services.sla_sweep(now=now)

    assert (result.red, result.yellow) == (1, 1)
    lights = dict(Ticket.objects.values_list("pk", "sla_light"))
    assert lights == {overdue.pk: "red", nearly.pk: "yellow", fresh.pk: "green"}
    assert Ticket.objects.get(pk=overdue.pk).supervised is True
    red_event = TicketEvent.objects.get(ticket=overdue, action="sla_red")
    assert (red_event.data, red_event.to_status) == ({"supervised": True}, "dispatched")
    assert Notification.objects.filter(ticket=overdue, kind="red", department=world.zhujian).count() == 1
    supervise = Notification.objects.get(kind="supervise")
    assert (supervise.region, supervise.message) == (world.small.district, "督办：本轮新增 1 件超期工单")
    assert Notification.objects.filter(ticket=nearly, kind="yellow").count() == 1

    again = services.sla_sweep(now=now)

    assert (again.red, again.yellow) == (0, 0)
    assert TicketEvent.objects.filter(action__startswith="sla_").count() == 2
    assert Notification.objects.filter(kind__in=["red", "yellow", "supervise"]).count() == 3


def test_sweep_ignores_tickets_whose_clock_stopped(world, handling):
    ticket = services.ticket_reply(ticket=handling, by=world.staff, text="已处理")

    result = services.sla_sweep(now=ticket.handle_due + datetime.timedelta(days=30))

    assert (result.red, result.yellow) == (0, 0)
    assert Ticket.objects.get(pk=ticket.pk).sla_light == "green"


def test_red_ticket_that_is_signed_starts_a_fresh_green_clock(world, dispatched):
    services.sla_sweep(now=dispatched.sign_due + datetime.timedelta(minutes=5))

    ticket = services.ticket_sign(ticket=dispatched, by=world.staff)

    assert ticket.sla_light == "green" and ticket.sla_due == ticket.handle_due
    assert TicketEvent.objects.get(ticket=ticket, action="signed").data == {"on_time": True}


def test_sweep_works_in_batches_until_everything_due_is_lit(world, file_ticket, settings):
    settings.DISPATCH_SWEEP_BATCH = 2
    tickets = [file_ticket() for _ in range(5)]
    now = max(t.sign_due for t in tickets) + datetime.timedelta(minutes=1)

    result = services.sla_sweep(now=now)

    assert result.red == 5
    assert set(Ticket.objects.values_list("sla_light", flat=True)) == {"red"}
    assert TicketEvent.objects.filter(action="sla_red").count() == 5
