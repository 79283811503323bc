"""seed_demo: accounts for every role, a month of tickets whose timelines agree with their state, idempotent."""

from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Max

from dispatch.models import CityMode, Ticket, TicketEvent
from dispatch.services import ticket_create
from dispatch.services.clocks import deadline_for
from dispatch.services.sla import limits_for
from dispatch.workflow import EVENT_LABELS, MOVES
from governance import roles
from governance.roles import user_roles

pytestmark = pytest.mark.django_db


def test_seed_demo_accounts_tickets_and_idempotence(zhengzhou_small, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    out = StringIO()

    call_command("seed_demo", "--tickets", "300", stdout=out)

    text = out.getvalue()
    assert "300 demo tickets" in text and "demo12345" in text
    seen_roles = set()
    for username in ["operator", "dispatcher", "supervisor", "staff", "admin", "gw-nongda1"]:
        user = authenticate(username=username, password="demo12345")
        assert user is not None, username
        seen_roles |= user_roles(user)
    assert seen_roles >= set(roles.ALL)

    assert Ticket.objects.count() == 300
    assert Ticket.objects.values("number").distinct().count() == 300
    statuses = set(Ticket.objects.values_list("status", flat=True))
    assert {"closed", "closed_at_intake", "handling"} <= statuses
    last_event = {}
    for ticket_id, to_status in TicketEvent.objects.order_by("created_at", "id").values_list("ticket_id", "to_status"):
        last_event[ticket_id] = to_status
    assert last_event == dict(Ticket.objects.values_list("id", "status"))
    assert set(TicketEvent.objects.filter(action="created").values_list("ticket_id", flat=True)) == set(last_event)

    call_command("seed_demo", "--tickets", "300", stdout=StringIO())

    assert Ticket.objects.count() == 300
    # A ticket filed after the demo continues the day's numbering.
    newest_day_max = Ticket.objects.aggregate(m=Max("number"))["m"]
    filed = ticket_create(by=authenticate(username="operator", password="demo12345"), content="路灯不亮")
    assert filed.number > newest_day_max or filed.number[2:10] != newest_day_max[2:10]


def test_demo_timelines_follow_the_transition_table_and_the_product_clocks(zhengzhou_small, settings):
    """The demo re-states no rule: a changed yellow fraction, city-mode scale or auto-dispatch threshold
    shows in the seeded tickets, and every step is a move the table allows."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DISPATCH_SLA_YELLOW_FRACTION = 0.5
    settings.CLASSIFIER_AUTO_DISPATCH_THRESHOLD = 0.95
    CityMode.objects.create(mode=CityMode.Mode.EMERGENCY, scale=Decimal("0.50"), priority_boost=2)

    call_command("seed_demo", "--tickets", "200", stdout=StringIO())

    by_event = {m.event: m for m in MOVES.values()}
    events = list(TicketEvent.objects.all())
    assert events and {e.action for e in events} <= set(EVENT_LABELS)
    for e in events:
        move = by_event.get(e.action)
        if move is not None:
            assert e.from_status in move.sources, (e.action, e.from_status)
            assert not move.targets or e.to_status in move.targets, (e.action, e.to_status)
    routed = [e.data for e in events if e.action == "routed"]
    assert routed and all((d["probability"] >= 0.95) == d["auto"] for d in routed)
    handling = Ticket.objects.filter(status="handling", reopen_count=0, extension_days=0)
    assert handling.exists()
    for t in handling:
        limits = limits_for(category_code=t.category_code, urgency=t.urgency)
        expected = deadline_for(start=t.signed_at, amount=limits.handle, unit=limits.unit, scale=Decimal("0.50"))
        assert (t.handle_due, t.sla_warn_at) == (expected.due, expected.warn_at)
        assert t.sla_warn_at - t.signed_at == (t.handle_due - t.signed_at) * 0.5
