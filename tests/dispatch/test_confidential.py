"""保密件: the lead unit, the 协办 units and the grid workers of a confidential ticket see and work it with
the caller hidden; nobody else learns of it — not in notifications, lists, worklists, pages, CSV exports,
the API or hotspots (Open311: tests/dispatch/test_open311_api.py). The rule: dispatch.selectors.privacy and the visibility filter."""

import pytest
from django.test import Client

from dispatch import selectors, services
from dispatch.models import Notification, PhoneAccessLog
from dispatch.selectors import HIDDEN
from tests.dispatch.conftest import CONTENT
from tests.dispatch.test_api import client_for as api

pytestmark = pytest.mark.django_db

SECRET_PHONE = "13912345678"
WORDS_PHONE = "13700001111"
ID_NUMBER = "410105198001011234"
SECRET_CONTENT = f"{CONTENT}我是本楼住户，电话{WORDS_PHONE}，身份证{ID_NUMBER}。"


def csv_of(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


def page(user) -> Client:
    (client := Client()).force_login(user)
    return client


@pytest.fixture
def secret(file_ticket, world):
    ticket = file_ticket(confidential=True, caller_name="李秀英", caller_phone=SECRET_PHONE, content=SECRET_CONTENT)
    assert ticket.lead_department_id == world.staff.staff_profile.department_id
    assert ticket.assists.filter(department=world.staff_chengguan.staff_profile.department).exists()
    assert ticket.grid.responsible.user == micro_worker(world)  # the micro grid under world.worker's grid
    return ticket


def micro_worker(world):
    return world.small.workers["nongda1a"].user


def handlers(world):
    return {"lead": world.staff, "assist": world.staff_chengguan, "grid": micro_worker(world)}


def outsiders(world):
    return {
        "supervisor": world.supervisor,
        "other district unit": world.staff_zm,
        "street office": world.street_staff,
        "other grid": world.worker_other,
    }


def test_handlers_see_and_work_it_with_the_caller_hidden(world, secret):
    for who, user in {**handlers(world), "grid leader above": world.worker}.items():
        body = api(user).get(f"/api/tickets/{secret.pk}/").json()
        assert body["caller_name"] == HIDDEN and body["caller_phone"] == HIDDEN, who
        assert WORDS_PHONE not in body["content"] and ID_NUMBER not in body["content"], who
        assert "楼顶水箱" in body["content"], who
        assert SECRET_PHONE not in str(body) and "李秀英" not in str(body), who
        listed = api(user).get("/api/tickets/").json()["results"]
        assert [t["number"] for t in listed] == [secret.number], who
        assert listed[0]["caller_name"] == HIDDEN and WORDS_PHONE not in listed[0]["content"], who

    html = page(world.worker).get(f"/tickets/{secret.pk}/").content.decode()
    assert secret.number in html and "李秀英" not in html and "李*" not in html
    assert WORDS_PHONE not in html and ID_NUMBER not in html and SECRET_PHONE[-4:] not in html
    worklist = page(world.staff).get("/worklist/").content.decode()
    assert secret.number in worklist and WORDS_PHONE not in worklist
    csv = csv_of(page(world.staff_chengguan).get("/worklist/?format=csv"))
    assert secret.number in csv and HIDDEN in csv and WORDS_PHONE not in csv and "李" not in csv

    signed = services.ticket_sign(ticket=secret, by=world.staff)
    assert signed.status == "handling"


def test_the_phone_of_a_confidential_ticket_is_revealed_to_the_hotline_centre_only(world, secret):
    refused = api(world.staff).post(f"/api/tickets/{secret.pk}/reveal-phone/", {"purpose": "核实"}, format="json")
    assert refused.status_code == 403 and PhoneAccessLog.objects.count() == 0

    revealed = api(world.dispatcher).post(f"/api/tickets/{secret.pk}/reveal-phone/", {"purpose": "回访"}, format="json")
    assert revealed.status_code == 200 and revealed.json()["caller_phone"] == SECRET_PHONE
    body = api(world.operator).get(f"/api/tickets/{secret.pk}/").json()  # filed it
    assert body["caller_name"] == "李秀英" and body["caller_phone"] == "139****5678" and WORDS_PHONE in body["content"]


def test_nobody_else_sees_or_finds_it(world, secret, file_ticket):
    plain = file_ticket()
    for who, user in outsiders(world).items():
        assert api(user).get(f"/api/tickets/{secret.pk}/").status_code == 404, who
        assert api(user).get(f"/api/tickets/{secret.pk}/timeline/").status_code == 404, who
        listed = [t["number"] for t in api(user).get("/api/tickets/").json()["results"]]
        assert secret.number not in listed, who
        assert page(user).get(f"/tickets/{secret.pk}/").status_code == 404, who
        assert secret.number not in str(api(user).get("/api/notifications/").json()), who
    exported = csv_of(page(world.supervisor).get("/tickets/?format=csv"))
    assert plain.number in exported and secret.number not in exported
    assert list(selectors.ticket_list_for_user(world.supervisor)) == [plain]


def test_notifications_reach_its_handlers_only_and_say_nothing_personal(world, secret):
    for who, user in handlers(world).items():
        notes = list(selectors.notifications_for_user(user).filter(ticket=secret))
        assert notes, who
        for note in notes:
            assert "李" not in note.message and SECRET_PHONE not in note.message and "水箱" not in note.message
    for who, user in outsiders(world).items():
        assert not selectors.notifications_for_user(user).filter(ticket=secret).exists(), who


def test_a_unit_it_moved_away_from_no_longer_sees_it_nor_its_notifications(world, secret):
    services.ticket_redispatch(
        ticket=secret, by=world.dispatcher, department=world.street_staff.staff_profile.department, reason="属地"
    )

    assert api(world.staff).get(f"/api/tickets/{secret.pk}/").status_code == 404
    assert not selectors.notifications_for_user(world.staff).filter(ticket=secret).exists()
    assert Notification.objects.filter(ticket=secret, department=world.staff.staff_profile.department).exists()
    assert api(world.street_staff).get(f"/api/tickets/{secret.pk}/").status_code == 200


def test_confidential_tickets_never_feed_a_hotspot(world, file_ticket):
    from django.utils import timezone

    from dispatch.models import Ticket
    from dispatch.services.hotspots import hotspots_detect
    from tests.dispatch.test_hotspots import WATER

    now = timezone.now()
    for i, text in enumerate(WATER[:5]):
        t = file_ticket(content=text, community=world.small.community.code, confidential=i == 0)
        Ticket.objects.filter(pk=t.pk).update(created_at=now - timezone.timedelta(minutes=50 - 10 * i))
    assert hotspots_detect(now=now).created == []  # four public ones are below the threshold of five

    t = file_ticket(content=WATER[5], community=world.small.community.code)
    Ticket.objects.filter(pk=t.pk).update(created_at=now - timezone.timedelta(minutes=1))
    (hotspot,) = hotspots_detect(now=now).created
    assert hotspot.ticket_count == 5 and not hotspot.tickets.filter(confidential=True).exists()
