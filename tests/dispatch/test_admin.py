"""The admin: the calendar is editable (next year's holidays), tickets and their history are read-only."""

import datetime

import pytest

from dispatch.models import TicketEvent, WorkCalendarDay

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client, world):
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    client.force_login(world.admin)
    return client


def test_admin_pages_render(admin_client_, dispatched):
    for url in [
        "/admin/dispatch/ticket/",
        f"/admin/dispatch/ticket/{dispatched.pk}/change/",
        "/admin/dispatch/ticketevent/",
        "/admin/dispatch/workcalendarday/",
        "/admin/dispatch/timelimit/",
        "/admin/dispatch/citymode/",
        "/admin/dispatch/notification/",
        "/admin/dispatch/phoneaccesslog/",
    ]:
        assert admin_client_.get(url).status_code == 200, url
    assert b"13812345678" not in admin_client_.get(f"/admin/dispatch/ticket/{dispatched.pk}/change/").content


def test_next_years_holiday_is_entered_in_the_admin(admin_client_):
    response = admin_client_.post(
        "/admin/dispatch/workcalendarday/add/", {"date": "2027-01-01", "is_workday": "", "name": "元旦"}
    )

    assert response.status_code == 302
    day = WorkCalendarDay.objects.get(date=datetime.date(2027, 1, 1))
    assert (day.is_workday, day.name, day.source) == (False, "元旦", "manual")


def test_events_cannot_be_deleted_in_the_admin(admin_client_, dispatched):
    event = TicketEvent.objects.filter(ticket=dispatched).first()

    response = admin_client_.post(f"/admin/dispatch/ticketevent/{event.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert TicketEvent.objects.filter(pk=event.pk).exists()
