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
        # The yellow light lies in working time (the product's clock snaps it there), before the deadline.
        assert t.signed_at < t.sla_warn_at < t.handle_due


def _has_work(user) -> bool:
    """Something to act on where the role lands: a worklist, a queue, or the tickets of the region."""
    from dispatch import selectors

    held = user_roles(user)
    if held & {roles.GRID_WORKER, roles.DEPARTMENT_STAFF}:
        return selectors.worklist_for_user(user).exists()
    if roles.OPERATOR in held:
        return selectors.human_dispatch_queue(user).exists()
    if roles.DISPATCHER in held:
        return all(
            q(user).exists()
            for q in (selectors.human_dispatch_queue, selectors.reply_review_queue, selectors.callback_queue)
        )
    return selectors.ticket_list_for_user(user).exclude(status__in=Ticket.FINAL_STATUSES).exists()


def test_every_printed_demo_account_has_work_on_first_start(zhengzhou_small, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    out = StringIO()

    call_command("seed_demo", "--tickets", "80", stdout=out)

    printed = [line.split()[0] for line in out.getvalue().splitlines() if line.rstrip().endswith("demo12345")]
    assert len(printed) == 11 and {"gw-nongda1", "gw-nongda1a", "staff_street"} <= set(printed)
    for username in printed:
        user = authenticate(username=username, password="demo12345")
        assert user is not None and _has_work(user), username
    assert Ticket.objects.count() == 80
    # The street office's tickets lie in its own street; the grid workers' on their own grids.
    street_staff = authenticate(username="staff_street", password="demo12345")
    street = street_staff.staff_profile.department.region
    from dispatch import selectors

    assert all(t.street_id == street.code for t in selectors.worklist_for_user(street_staff))
    micro = authenticate(username="gw-nongda1a", password="demo12345")
    assert {t.grid.code for t in selectors.worklist_for_user(micro)} == {zhengzhou_small.micro_grid.code}


def test_demo_texts_name_zhengzhou_places_not_the_anonymised_letters(zhengzhou_small, settings):
    import re

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", "--tickets", "300", stdout=StringIO())

    contents = list(Ticket.objects.values_list("content", "district__name"))
    letters = re.compile(r"(?<![A-Za-z0-9])[A-M]\d{0,2}\s?[市区县]")
    changsha = re.compile("星沙|榔梨|暮云|梅溪湖|松雅湖|万家丽|泉塘|桐梓坡|含浦")
    assert not [c for c, _ in contents if letters.search(c) or changsha.search(c)]
    assert sum("郑州市" in c for c, _ in contents) > 10
    assert sum(district in c for c, district in contents) > 50


def test_the_source_citys_roads_towns_and_sights_become_zhengzhou_ones():
    from dispatch.management.demo.places import localise_text

    text = localise_text(
        "A市A3区坪塘 镇居民，含浦 中路和万家丽北路口，去黄花 国际 机场，梅溪湖边，星沙大道上，暮云片区，蔡锷 南路",
        city="郑州市",
        district="金水区",
        street="经八路街道",
        other_districts=["中原区"],
    )
    assert text == (
        "郑州市金水区经八路街道居民，建设路和中州大道口，去新郑国际机场，龙子湖边，郑汴路上，经八路片区，经三路"
    )
