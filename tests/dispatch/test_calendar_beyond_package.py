"""Past chinese-calendar's last year: the public holidays known in advance (dispatch/holidays.py) are rest
days, deadlines and yellow points stay in working hours, and entering a year's holidays recomputes the
open tickets' deadlines in that year with an event each (dispatch/services/calendar.py)."""

import datetime
from decimal import Decimal

import chinese_calendar
import pytest

from dispatch import services
from dispatch.holidays import statutory_holidays
from dispatch.models import Ticket, TicketEvent, WorkCalendarDay
from dispatch.services.calendar import work_calendar_enter
from dispatch.services.clocks import deadline_for
from dispatch.services.sla import WORK_PERIODS, WorkCalendar
from tests.dispatch.test_sla import at

pytestmark = pytest.mark.django_db


def in_working_hours(moment: datetime.datetime) -> bool:
    local = moment.astimezone(at(2026, 1, 1).tzinfo)
    cal = WorkCalendar(local.date())
    return cal.is_workday(local.date()) and any(b <= local.time() <= e for b, e in WORK_PERIODS)


def test_the_issue_case_filed_on_30_december_2026_with_5_working_days(world, file_ticket, monkeypatch):
    assert chinese_calendar.holidays and max(chinese_calendar.holidays).year == 2026
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(2026, 12, 30, 10).astimezone(datetime.UTC))

    ticket = services.ticket_sign(ticket=file_ticket(), by=world.staff)

    # 12-31, then 元旦 (Fri 01-01) and the weekend are not counted: 01-04, 01-05, 01-06, 01-07.
    assert ticket.handle_due == at(2027, 1, 7, 18)
    assert ticket.return_due == at(2027, 1, 4, 18)  # 2 working days: 12-31 and 01-04, never 1 January
    assert in_working_hours(ticket.sla_warn_at) and ticket.sla_warn_at < ticket.handle_due


@pytest.mark.parametrize("unit", ["working_day", "working_hour"])
def test_yellow_points_never_fall_outside_working_hours(unit):
    start = at(2026, 12, 28, 0, 17)
    for step in range(0, 24 * 14, 5):  # every 5 hours over two weeks around the new year
        moment = start + datetime.timedelta(hours=step)
        for amount in (1, 2, 5, 15):
            deadline = deadline_for(start=moment, amount=amount, unit=unit, scale=Decimal(1))
            assert in_working_hours(deadline.due), (moment, amount)
            assert in_working_hours(deadline.warn_at), (moment, amount)
            assert moment < deadline.warn_at <= deadline.due


def test_clock_hour_limits_keep_clock_time():
    deadline = deadline_for(start=at(2027, 1, 1, 22), amount=2, unit="clock_hour", scale=Decimal(1))

    assert (deadline.due, deadline.warn_at) == (at(2027, 1, 2, 0), at(2027, 1, 1, 23, 36))


def test_known_holidays_match_the_package_where_it_knows_them():
    real = {d for d in chinese_calendar.holidays if d.year == 2025 and d.weekday() < 5}

    assert {d for d in statutory_holidays(2025) if d.weekday() < 5} == real


def test_lunar_and_solar_term_holidays_of_2027_and_2028():
    h27, h28 = statutory_holidays(2027), statutory_holidays(2028)

    assert [d for d, n in sorted(h27.items()) if n == "春节"][0] == datetime.date(2027, 2, 5)  # 除夕
    assert h27[datetime.date(2027, 4, 5)] == "清明节" and h28[datetime.date(2028, 4, 4)] == "清明节"
    assert h27[datetime.date(2027, 6, 9)] == "端午节" and h27[datetime.date(2027, 9, 15)] == "中秋节"
    assert h28[datetime.date(2028, 10, 3)] == "中秋节" and h28[datetime.date(2028, 10, 8)] == "国庆节"
    assert all(h27[datetime.date(2027, 10, d)] == "国庆节" for d in range(1, 8))
    assert all(h27[datetime.date(2027, 5, d)] == "劳动节" for d in range(1, 6))


def test_entering_the_years_holidays_recomputes_open_deadlines_in_it_with_an_event(world, file_ticket, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(2026, 12, 30, 10).astimezone(datetime.UTC))
    open_one = services.ticket_sign(ticket=file_ticket(), by=world.staff)
    closed = file_ticket(route=False, close_at_intake=True, answer="已答复")
    assert open_one.handle_due == at(2027, 1, 7, 18)
    events = TicketEvent.objects.count()

    # The State Council's notice: Sat 2 January 2027 is a working day (调休).
    moved = work_calendar_enter(days=[(datetime.date(2027, 1, 2), True, "元旦调休")], by=world.admin)

    t = Ticket.objects.get(pk=open_one.pk)
    assert moved == 1
    assert t.handle_due == at(2027, 1, 6, 18) and t.sla_due == t.handle_due
    assert in_working_hours(t.sla_warn_at)
    assert t.version == open_one.version + 1
    event = TicketEvent.objects.get(ticket=t, action="deadlines_recomputed")
    assert event.data["handle_due"] == [at(2027, 1, 7, 18).isoformat(), at(2027, 1, 6, 18).isoformat()]
    assert event.actor == world.admin
    assert TicketEvent.objects.count() == events + 1
    assert Ticket.objects.get(pk=closed.pk).sla_due is None
    assert WorkCalendarDay.objects.get(date=datetime.date(2027, 1, 2)).is_workday

    assert (
        work_calendar_enter(days=[(datetime.date(2027, 1, 2), True, "元旦调休")], by=world.admin) == 0
    )  # again: nothing moves


def test_a_day_entered_in_the_admin_recomputes_too(world, file_ticket, monkeypatch, client):
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(2026, 12, 30, 10).astimezone(datetime.UTC))
    ticket = services.ticket_sign(ticket=file_ticket(), by=world.staff)
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    client.force_login(world.admin)

    response = client.post(
        "/admin/dispatch/workcalendarday/add/", {"date": "2027-01-04", "is_workday": "", "name": "元旦补假"}
    )

    assert response.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).handle_due == at(2027, 1, 8, 18)
    assert TicketEvent.objects.filter(ticket=ticket, action="deadlines_recomputed", actor=world.admin).exists()
