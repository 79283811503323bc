"""The worklist: what a unit or a grid holds, in the order it should be worked on, the same on SQLite and
PostgreSQL; a unit's tickets are found through indexed reads (lead unit, the assist table, grids)."""

import datetime as dt

import pytest
from django.utils import timezone

from dispatch import selectors
from dispatch.models import Ticket, TicketAssist

pytestmark = pytest.mark.django_db
S, L = Ticket.Status, Ticket.Light


def _set(ticket, *, status, light=L.GREEN, due=None):
    Ticket.objects.filter(pk=ticket.pk).update(status=status, sla_light=light, sla_due=due)


def test_worklist_puts_what_the_unit_must_do_first_then_light_then_deadline(accounts, make_ticket):
    now = timezone.now()
    t = {
        name: make_ticket(content=f"农大家属院{i}号楼下水道堵塞污水外溢")
        for i, name in enumerate(
            [
                "replied_red",
                "handling_late",
                "dispatched_soon",
                "handling_yellow",
                "return_red",
                "handling_no_due",
                "closed",
            ]
        )
    }
    _set(t["replied_red"], status=S.REPLIED, light=L.RED)
    _set(t["handling_late"], status=S.HANDLING, due=now + dt.timedelta(days=5))
    _set(t["dispatched_soon"], status=S.DISPATCHED, due=now + dt.timedelta(hours=1))
    _set(t["handling_yellow"], status=S.HANDLING, light=L.YELLOW, due=now + dt.timedelta(days=9))
    _set(t["return_red"], status=S.RETURN_PENDING, light=L.RED, due=now)
    _set(t["handling_no_due"], status=S.HANDLING)
    _set(t["closed"], status=S.CLOSED, light=L.RED)

    order = [ticket.pk for ticket in selectors.worklist_for_user(accounts.staff)]

    names = {ticket.pk: name for name, ticket in t.items()}
    assert [names[pk] for pk in order] == [
        "handling_yellow",
        "dispatched_soon",
        "handling_late",
        "handling_no_due",
        "return_red",
        "replied_red",
    ]


def test_worklist_holds_what_the_unit_leads_or_assists_and_what_the_grid_holds(accounts, make_ticket, zhengzhou_small):
    led = make_ticket()
    assisted = make_ticket(content="小区电梯经常故障停运，老人上下楼困难")
    Ticket.objects.filter(pk=assisted.pk).update(lead_department=zhengzhou_small.department("jiaoyu"))
    other = make_ticket(content="学校门口道路积水严重，学生上学不便")
    Ticket.objects.filter(pk=other.pk).update(lead_department=zhengzhou_small.department("jiaoyu"), grid=None)
    TicketAssist.objects.create(ticket=assisted, department=zhengzhou_small.department("zhujian"))

    assert {t.pk for t in selectors.worklist_for_user(accounts.staff)} == {led.pk, assisted.pk}
    assert {t.pk for t in selectors.worklist_for_user(accounts.other_staff)} == {assisted.pk, other.pk}
    # The grid worker of 农大社区第1网格 holds the two tickets still on that grid.
    assert {t.pk for t in selectors.worklist_for_user(accounts.worker)} == {led.pk, assisted.pk}
    assert list(selectors.worklist_for_user(accounts.outsider_worker)) == []
