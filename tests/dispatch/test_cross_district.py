"""A unit must serve the ticket's place to lead it, assist it or be whistled in: a 金水区 ticket cannot go to
中牟县住建局. City departments and utilities serve everywhere, a district's units and street offices only
there. 400 naming the field, nothing changed (rule: governance.selectors.department_serves)."""

import pytest

from common.errors import ApplicationError
from dispatch import services
from dispatch.models import Ticket, TicketAssist, TicketEvent
from governance.selectors import department_serves

pytestmark = pytest.mark.django_db


def snapshot(ticket):
    t = Ticket.objects.get(pk=ticket.pk)
    return (t.status, t.lead_department_id, t.version, TicketEvent.objects.count(), TicketAssist.objects.count())


def refused(call, field: str, ticket) -> None:
    before = snapshot(ticket)
    with pytest.raises(ApplicationError) as caught:
        call()
    assert caught.value.code == "out_of_area" and caught.value.extra == {"field": field}
    assert "中牟县" in str(caught.value)
    assert snapshot(ticket) == before


def test_redispatch_to_another_districts_unit_is_400_on_department(world, dispatched):
    refused(
        lambda: services.ticket_redispatch(
            ticket=dispatched, by=world.dispatcher, department=world.zhujian_zm, reason="改派"
        ),
        "department",
        dispatched,
    )
    refused(
        lambda: services.ticket_redispatch(
            ticket=dispatched,
            by=world.dispatcher,
            department=world.chengguan,
            assists=[world.zhujian_zm],
            reason="改派",
        ),
        "assists",
        dispatched,
    )


def test_return_review_and_dispatch_check_the_place_too(world, dispatched):
    services.ticket_return(ticket=dispatched, by=world.staff, reason="不属于本单位职责")
    refused(
        lambda: services.ticket_return_review(
            ticket=dispatched, by=world.dispatcher, approve=True, department=world.zhujian_zm
        ),
        "department",
        dispatched,
    )

    services.ticket_return_review(ticket=dispatched, by=world.dispatcher, approve=True)  # back to 待人工派单
    assert Ticket.objects.get(pk=dispatched.pk).status == Ticket.Status.PENDING_DISPATCH
    refused(
        lambda: services.ticket_dispatch(ticket=dispatched, by=world.dispatcher, department=world.zhujian_zm),
        "department",
        dispatched,
    )


def test_whistle_is_400_on_departments(world, handling):
    refused(
        lambda: services.ticket_whistle(
            ticket=handling, by=world.worker, departments=[world.zhujian_zm], reason="联合执法"
        ),
        "departments",
        handling,
    )


def test_units_that_serve_the_place_are_accepted(world, handling):
    city_unit = world.small.department("zhujian", world.small.city)
    street_office = world.street_staff.staff_profile.department

    services.ticket_whistle(ticket=handling, by=world.worker, departments=[street_office, city_unit], reason="联合")
    moved = services.ticket_redispatch(ticket=handling, by=world.dispatcher, department=world.chengguan, reason="改派")

    assert moved.lead_department == world.chengguan
    assert {a.department for a in moved.assists.all()} >= {street_office, city_unit}


def test_the_rule(world):
    jinshui, zhongmou = world.small.district.code, world.small.zhongmou.code
    city_unit = world.small.department("zhujian", world.small.city)
    street_office = world.street_staff.staff_profile.department

    assert department_serves(world.zhujian, district_code=jinshui)
    assert not department_serves(world.zhujian, district_code=zhongmou)
    assert department_serves(city_unit, district_code=zhongmou)
    assert department_serves(street_office, district_code=jinshui)
    assert not department_serves(street_office, district_code=zhongmou)
    assert department_serves(world.zhujian_zm, district_code=None)  # place not resolved yet
