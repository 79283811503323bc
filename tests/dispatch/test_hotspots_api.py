"""集中诉求预警 from the supervisors' side: scope, the API, the pages, 并单, 未诉先办 and 每月一题."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from dispatch.models import Hotspot, Notification, Ticket, TicketCaller
from dispatch.selectors.hotspots import hotspot_list_for_user, monthly_topics
from dispatch.services.hotspots import hotspot_merge, hotspot_open_proactive, hotspots_detect
from governance.models import Department
from tests.dispatch.test_hotspots import WATER
from tests.factories import StaffProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def surge(world, file_ticket):
    """Five water-cut calls in 农大社区 over the last 40 minutes, detected: (hotspot, tickets)."""
    now = timezone.now()
    tickets = []
    for i, text in enumerate(WATER[:5]):
        t = file_ticket(content=text, community=world.small.community.code, caller_phone=f"1381234560{i}")
        Ticket.objects.filter(pk=t.pk).update(created_at=now - datetime.timedelta(minutes=45 - 10 * i))
        tickets.append(t)
    (hotspot,) = hotspots_detect(now=now).created
    return hotspot, tickets


def test_api_lists_the_hotspot_with_region_and_ticket_ids(world, surge, django_assert_max_num_queries):
    hotspot, tickets = surge
    with django_assert_max_num_queries(12):
        response = client_for(world.supervisor).get("/api/hotspots/")
    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row["id"] == hotspot.pk
    assert row["region"] == {"code": world.small.community.code, "name": "农大社区", "level": "community"}
    assert row["tickets"] == [t.pk for t in tickets]
    assert (row["kind"], row["status"], row["ticket_count"]) == ("cluster", "open", 5)
    assert row["lead_department"] == {"id": water_company().pk, "name": water_company().name}
    assert row["summary"] == hotspot.summary


def test_api_scope_other_district_sees_none_and_other_roles_are_refused(world, surge):
    assert client_for(world.supervisor_zm).get("/api/hotspots/").json()["results"] == []
    for user in (world.operator, world.dispatcher, world.staff, world.worker):
        assert client_for(user).get("/api/hotspots/").status_code == 403
    assert client_for(world.admin).get("/api/hotspots/").json()["count"] == 1


def test_a_street_supervisor_elsewhere_does_not_see_it(world, surge):
    other_street = world.small.zhongmou_street
    user = UserFactory(username="sup-street", roles=["supervisor"])
    StaffProfileFactory(user=user, region=other_street)
    assert not hotspot_list_for_user(user).exists()
    here = UserFactory(username="sup-here", roles=["supervisor"])
    StaffProfileFactory(user=here, region=world.small.street)
    assert list(hotspot_list_for_user(here)) == [surge[0]]


def test_api_closed_filter(world, surge):
    hotspot, _ = surge
    Hotspot.objects.filter(pk=hotspot.pk).update(status=Hotspot.Status.CLOSED)
    client = client_for(world.supervisor)
    assert client.get("/api/hotspots/").json()["count"] == 0
    assert client.get("/api/hotspots/?status=closed").json()["count"] == 1


def test_merge_puts_every_caller_on_the_lead_ticket(world, surge):
    hotspot, tickets = surge

    hotspot, merged = hotspot_merge(hotspot=hotspot, by=world.supervisor)

    assert merged == 4
    lead = tickets[0]
    assert hotspot.lead_ticket == lead and hotspot.status == Hotspot.Status.MERGED
    statuses = dict(Ticket.objects.filter(pk__in=[t.pk for t in tickets]).values_list("pk", "status"))
    assert statuses[lead.pk] == Ticket.Status.DISPATCHED
    assert {statuses[t.pk] for t in tickets[1:]} == {Ticket.Status.MERGED}
    assert sorted(TicketCaller.objects.filter(ticket=lead).values_list("phone", flat=True)) == [
        f"1381234560{i}" for i in range(1, 5)
    ]


def test_merge_by_a_supervisor_of_another_district_is_refused_and_changes_nothing(world, surge):
    from django.core.exceptions import PermissionDenied

    hotspot, tickets = surge
    with pytest.raises(PermissionDenied):
        hotspot_merge(hotspot=hotspot, by=world.supervisor_zm)
    assert not Ticket.objects.filter(status=Ticket.Status.MERGED).exists()
    hotspot.refresh_from_db()
    assert hotspot.status == Hotspot.Status.OPEN and hotspot.lead_ticket is None


def test_proactive_ticket_goes_to_the_responsible_unit_once(world, surge, django_capture_on_commit_callbacks):
    hotspot, tickets = surge
    with django_capture_on_commit_callbacks(execute=False):
        ticket = hotspot_open_proactive(hotspot=hotspot, by=world.supervisor, note="排查管网")

    assert ticket.channel == Ticket.Channel.PROACTIVE
    assert (ticket.status, ticket.lead_department) == (Ticket.Status.DISPATCHED, water_company())
    assert ticket.community == world.small.community and ticket.street == world.small.street
    assert ticket.category_code == "城乡建设"
    assert ticket.content.startswith("【未诉先办】") and tickets[0].number in ticket.content
    assert ticket.sign_due is not None
    hotspot.refresh_from_db()
    assert (hotspot.proactive_ticket, hotspot.status) == (ticket, Hotspot.Status.PROACTIVE)
    assert Notification.objects.filter(kind="dispatched", ticket=ticket, department=water_company()).exists()

    response = client_for(world.supervisor).post(f"/api/hotspots/{hotspot.pk}/proactive/", {}, format="json")
    assert response.status_code == 409
    assert Ticket.objects.filter(channel=Ticket.Channel.PROACTIVE).count() == 1


def test_api_merge_and_proactive(world, surge):
    hotspot, tickets = surge
    client = client_for(world.supervisor)
    response = client.post(f"/api/hotspots/{hotspot.pk}/merge/", {"lead_ticket": tickets[2].pk}, format="json")
    assert response.status_code == 200
    assert response.json()["merged"] == 4
    assert response.json()["hotspot"]["lead_ticket"] == tickets[2].pk
    response = client.post(f"/api/hotspots/{hotspot.pk}/proactive/", {"note": ""}, format="json")
    assert response.status_code == 201
    assert Ticket.objects.get(pk=response.json()["ticket"]).channel == "proactive"
    assert client_for(world.supervisor_zm).post(f"/api/hotspots/{hotspot.pk}/merge/", {}).status_code == 404


def test_operators_still_cannot_file_proactive_tickets_by_hand(world):
    from django.core.exceptions import PermissionDenied

    from dispatch.services import ticket_create

    with pytest.raises(PermissionDenied):
        ticket_create(by=world.supervisor, content="普通来电", channel=Ticket.Channel.PHONE)


# --- Pages --------------------------------------------------------------------------------------------


def test_hotspot_page_lists_and_handles(world, surge, client):
    hotspot, tickets = surge
    client.force_login(world.supervisor)
    page = client.get(reverse("pages:hotspots"))
    assert page.status_code == 200
    assert hotspot.summary in page.content.decode()
    assert "热点预警" in page.content.decode()  # the menu link
    detail = client.get(reverse("pages:hotspot_detail", args=[hotspot.pk])).content.decode()
    assert all(t.number in detail for t in tickets)
    response = client.post(reverse("pages:hotspot_act", args=[hotspot.pk, "proactive"]), {"note": "查管网"})
    assert response.status_code == 302
    hotspot.refresh_from_db()
    assert hotspot.proactive_ticket is not None
    csv = b"".join(client.get(reverse("pages:hotspots") + "?format=csv").streaming_content).decode("utf-8-sig")
    assert hotspot.summary in csv


def test_hotspot_page_refuses_other_roles(world, surge, client):
    client.force_login(world.dispatcher)
    assert client.get(reverse("pages:hotspots")).status_code == 403
    client.force_login(world.supervisor_zm)
    assert client.get(reverse("pages:hotspot_detail", args=[surge[0].pk])).status_code == 404


def test_hotspot_notification_opens_the_hotspot(world, surge, client):
    client.force_login(world.supervisor)
    note = Notification.objects.get(kind="hotspot", user=world.supervisor)
    response = client.get(reverse("pages:notification_open", args=[note.pk]))
    assert response.url == reverse("pages:hotspot_detail", args=[surge[0].pk])


def test_monthly_topics_rank_categories_with_trend(world, file_ticket, predict, client):
    today = timezone.localdate()
    this_month = timezone.make_aware(datetime.datetime.combine(today.replace(day=1), datetime.time(9)))
    last_month = this_month - datetime.timedelta(days=20)

    def filed(code, at, n):
        predict(code)
        for _ in range(n):
            t = file_ticket(community=world.small.community.code)
            # the category as a person confirmed it: routing may pick another item from the words
            Ticket.objects.filter(pk=t.pk).update(created_at=at, category_code=code)

    filed("城乡建设", this_month, 3)
    filed("环境保护", this_month, 1)
    filed("城乡建设", last_month, 2)

    topics = monthly_topics(world.supervisor, month=today, level="district")
    assert [(t.region.name, t.rank, t.category_code, t.count, t.previous, t.trend) for t in topics] == [
        ("金水区", 1, "城乡建设", 3, 2, 50.0),
        ("金水区", 2, "环境保护", 1, 0, None),
    ]
    assert monthly_topics(world.supervisor_zm, month=today) == []
    client.force_login(world.supervisor)
    response = client.get(reverse("pages:monthly_topics") + "?level=street&format=csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "文化路街道,1,城乡建设,3,2,上升50.0%" in body
    assert client.get(reverse("pages:monthly_topics")).status_code == 200


def water_company() -> Department:
    """The unit the 派单目录 names for a water cut (供水: the utility leads)."""
    return Department.objects.get(dept_type="water")
