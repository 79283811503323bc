"""The SLA reads every dispatch makes (the time-limit table, the working calendar) are kept with the
governance memo (services/sla.py): read once, and a saved row is seen by the next deadline at once."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dispatch.models import TimeLimit, WorkCalendarDay
from dispatch.services.sla import limits_for, work_calendar


def queries(fn):
    with CaptureQueriesContext(connection) as ctx:
        value = fn()
    return value, len(ctx.captured_queries)


@pytest.mark.django_db
def test_the_time_limits_are_read_once_and_a_saved_row_is_seen_at_once(memo_on):
    row, _ = TimeLimit.objects.update_or_create(
        category_code="城乡建设",
        urgency="normal",
        time_limit_class="",
        defaults={"unit": "working_day", "sign_limit": 1, "handle_limit": 5, "return_limit": 2},
    )
    first, n_first = queries(lambda: limits_for(category_code="城乡建设", urgency="normal"))
    again, n_again = queries(lambda: limits_for(category_code="城乡建设", urgency="normal"))

    row.handle_limit = 3
    row.save()
    changed = limits_for(category_code="城乡建设", urgency="normal")

    assert (first.handle, again.handle, changed.handle) == (5, 5, 3)
    assert (n_first, n_again) == (1, 0)


@pytest.mark.django_db
def test_the_calendar_window_is_read_once_and_a_saved_day_is_seen_at_once(memo_on):
    day = datetime.date(2031, 3, 3)  # a Monday of a year no calendar package knows
    first, n_first = queries(lambda: work_calendar(day))
    again, n_again = queries(lambda: work_calendar(day + datetime.timedelta(days=1)))

    WorkCalendarDay.objects.create(date=day, is_workday=False, name="调休")

    assert first.is_workday(day) and again.is_workday(day)
    assert not work_calendar(day).is_workday(day)
    assert (n_first, n_again) == (1, 0)


@pytest.mark.django_db
def test_a_calendar_reaches_past_its_window_by_reading_on(memo_on):
    cal = work_calendar(datetime.date(2031, 3, 3))
    WorkCalendarDay.objects.create(date=datetime.date(2032, 3, 1), is_workday=False, name="假日")

    assert not cal.is_workday(datetime.date(2032, 3, 1))  # a year on: beyond the kept window, read then
