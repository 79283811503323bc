"""The matter item's time-limit class (派单目录) drives the ticket's deadlines: 紧急 → the 2-hour rows,
水电气暖 → the 24-hour rows, 复杂 → 15 working days; a class row beats a category row; the operator's
urgency is never lowered by it; the ticket shows its item and class."""

import datetime
from decimal import Decimal

import pytest

from dispatch import services
from dispatch.models import TimeLimit
from dispatch.services.sla import WorkCalendar, add_working_days, limits_for, timed_urgency
from governance.models import CatalogueItem
from tests.dispatch.conftest import ADDRESS, client_for

pytestmark = pytest.mark.django_db
GAS_LEAK = "闻到很重的煤气味，怀疑燃气泄漏，很害怕"
GRAFT = "举报某单位领导公款吃喝，公车私用"


@pytest.mark.parametrize(
    "klass, urgency, expect",
    [
        ("emergency", "normal", ("clock_hour", Decimal("0.5"), Decimal(2))),
        ("utility", "normal", ("clock_hour", Decimal(2), Decimal(24))),
        ("general", "normal", ("working_day", Decimal(1), Decimal(5))),
        ("complex", "normal", ("working_day", Decimal(1), Decimal(15))),
        ("complex", "emergency", ("clock_hour", Decimal("0.5"), Decimal(2))),  # the operator's urgency stands
        ("", "normal", ("working_day", Decimal(1), Decimal(5))),
    ],
)
def test_the_class_picks_the_limits(klass, urgency, expect):
    limits = limits_for(category_code="城乡建设", urgency=urgency, time_limit_class=klass)
    assert (limits.unit, limits.sign, limits.handle) == expect


def test_the_class_raises_the_urgency_never_lowers_it():
    assert timed_urgency(urgency="normal", time_limit_class="emergency") == "emergency"
    assert timed_urgency(urgency="normal", time_limit_class="utility") == "urgent"
    assert timed_urgency(urgency="emergency", time_limit_class="utility") == "emergency"
    assert timed_urgency(urgency="urgent", time_limit_class="general") == "urgent"


def test_a_class_row_beats_a_category_row_and_a_category_row_still_times_general_items():
    TimeLimit.objects.create(
        category_code="城乡建设", urgency="normal", unit="working_day", sign_limit=1, handle_limit=7, return_limit=2
    )
    assert limits_for(category_code="城乡建设", urgency="normal", time_limit_class="general").handle == 7
    assert limits_for(category_code="城乡建设", urgency="normal", time_limit_class="complex").handle == 15
    TimeLimit.objects.create(
        category_code="城乡建设",
        urgency="normal",
        time_limit_class="complex",
        unit="working_day",
        sign_limit=1,
        handle_limit=20,
        return_limit=2,
    )
    assert limits_for(category_code="城乡建设", urgency="normal", time_limit_class="complex").handle == 20


def test_an_emergency_item_routed_automatically_gets_the_two_hour_clock(world, file_ticket):
    ticket = file_ticket(content=GAS_LEAK, address=ADDRESS)  # filed as 一般 by the operator
    assert ticket.status == "dispatched" and ticket.urgency == "normal"
    assert ticket.catalogue_item.path == "城乡建设/城市建设和市政管理/燃气供应/燃气泄漏"
    assert ticket.sign_due - ticket.dispatched_at == datetime.timedelta(minutes=30)

    ticket = services.ticket_sign(ticket=ticket, by=world.admin)

    assert ticket.handle_due - ticket.signed_at == datetime.timedelta(hours=2)


def test_a_complex_item_gets_fifteen_working_days(world, file_ticket):
    ticket = file_ticket(content=GRAFT, address=ADDRESS)
    assert ticket.catalogue_item.time_limit_class == CatalogueItem.TimeLimitClass.COMPLEX
    ticket = services.ticket_sign(ticket=ticket, by=world.admin)
    cal = WorkCalendar(ticket.signed_at.date())
    assert ticket.handle_due == add_working_days(ticket.signed_at, 15, cal)


def test_the_dispatcher_naming_an_item_times_the_ticket_by_its_class(world, file_ticket, predict):
    predict("城乡建设", 0.3, auto=False)
    ticket = file_ticket(content="我想问一下这个事情应该怎么办")
    assert ticket.status == "pending_dispatch" and ticket.catalogue_item is None
    leak = CatalogueItem.objects.get(level3="燃气供应", subitem="燃气泄漏")

    ticket = services.ticket_dispatch(ticket=ticket, by=world.dispatcher, department=world.zhujian, item=leak.pk)

    assert (ticket.catalogue_item, ticket.category_code) == (leak, "城乡建设")
    assert ticket.sign_due - ticket.dispatched_at == datetime.timedelta(minutes=30)


def test_the_ticket_shows_its_item_and_class(world, file_ticket, client):
    ticket = file_ticket(content=GAS_LEAK, address=ADDRESS)
    body = client_for(world.admin).get(f"/api/tickets/{ticket.pk}/").json()
    assert body["item"]["path"] == "城乡建设/城市建设和市政管理/燃气供应/燃气泄漏"
    assert (body["item"]["time_limit_class"], body["item"]["time_limit_class_label"]) == (
        "emergency",
        "紧急（2小时反馈）",
    )
    client.force_login(world.admin)
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "燃气供应/燃气泄漏" in page and "紧急（2小时反馈）" in page
