"""seed_demo: accounts for every role, a month of tickets whose timelines agree with their state, idempotent."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Max

from dispatch.models import Ticket, TicketEvent
from dispatch.services import ticket_create
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
