"""Permission matrix: every role × every ticket endpoint × a ticket inside / outside the role's scope.

Inside: a ticket in 金水区农大社区 (lead 金水区住建局, the grid of 网格长 nongda1). Outside: the same kind of
ticket in 中牟县晨光社区 (department staff also do not see a ticket before it is dispatched to them). Operators, dispatchers and supervisors here are scoped to 金水区. A ticket the user
may not know about is 404 whatever the endpoint; a known ticket the role may not act on is 403; a
refused request changes nothing.
"""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from rest_framework.test import APIClient

from dispatch.models import Ticket, TicketEvent
from dispatch.services.intake import next_ticket_number
from governance import roles
from tests.factories import StaffProfileFactory, UserFactory

pytestmark = pytest.mark.django_db
S = Ticket.Status
ROLES = ["operator", "dispatcher", "supervisor", "staff", "worker", "admin"]

# endpoint → (status the ticket needs, roles allowed on an in-scope ticket)
ENDPOINTS = {
    "detail": (S.DISPATCHED, set(ROLES)),
    "timeline": (S.DISPATCHED, set(ROLES)),
    "photo": (S.REPLIED, set(ROLES)),
    "reveal-phone": (S.DISPATCHED, {"operator", "dispatcher", "staff", "worker", "admin"}),
    # Operators work the human dispatch queue too.
    "dispatch": (S.PENDING_DISPATCH, {"operator", "dispatcher", "supervisor", "admin"}),
    "close-at-intake": (S.PENDING_DISPATCH, {"operator", "dispatcher", "admin"}),
    "sign": (S.DISPATCHED, {"staff", "worker", "admin"}),
    "return": (S.DISPATCHED, {"staff", "admin"}),
    # Supervisors work the 派单异议审核 queue too.
    "return-review": (S.RETURN_PENDING, {"dispatcher", "supervisor", "admin"}),
    "redispatch": (S.DISPATCHED, {"dispatcher", "supervisor", "admin"}),
    "extension-request": (S.HANDLING, {"staff", "worker", "admin"}),
    "extension-approve": (S.EXTENSION_PENDING, {"dispatcher", "supervisor", "admin"}),
    "reply": (S.HANDLING, {"staff", "worker", "admin"}),
    "reply-review": (S.REPLIED, {"dispatcher", "admin"}),
    "callback": (S.CALLBACK, {"dispatcher", "admin"}),
    "close": (S.CALLBACK, {"dispatcher", "admin"}),
    "reopen": (S.CLOSED, {"dispatcher", "supervisor", "admin"}),
    "merge": (S.DISPATCHED, {"operator", "dispatcher", "supervisor", "admin"}),  # 集中诉求并单 from a hotspot
    "whistle": (S.HANDLING, {"staff", "worker", "admin"}),
    "urge": (S.HANDLING, {"dispatcher", "supervisor", "admin"}),
}


def _user(world, role):
    if role in ("operator", "dispatcher"):
        user = UserFactory(username=f"{role}-jinshui", roles=[getattr(roles, role.upper())])
        StaffProfileFactory(user=user, department=None, region=world.small.district)
        return user
    return {"supervisor": world.supervisor, "staff": world.staff, "worker": world.worker, "admin": world.admin}[role]


def _ticket(world, status, *, inside: bool) -> Ticket:
    s = world.small
    now = timezone.now()
    place = (
        dict(district=s.district, street=s.street, community=s.community, grid=s.community_grid, lead=world.zhujian)
        if inside
        else dict(
            district=s.zhongmou,
            street=s.zhongmou_street,
            community=s.zhongmou_community,
            grid=s.zhongmou_grid,
            lead=world.zhujian_zm,
        )
    )
    dispatched = status not in (S.RECEIVED, S.PENDING_DISPATCH)
    ticket = Ticket.objects.create(
        number=next_ticket_number(),
        content="小区楼顶水箱长年不清洗",
        caller_name="王建国",
        caller_phone="13812345678",
        district=place["district"],
        street=place["street"],
        community=place["community"],
        grid=place["grid"],
        lead_department=place["lead"] if dispatched else None,
        category_code="城乡建设",
        status=status,
        routed_at=now,
        dispatched_at=now if dispatched else None,
        sign_due=now + datetime.timedelta(days=1),
        return_due=now + datetime.timedelta(days=2),
        handle_due=now + datetime.timedelta(days=5),
        created_by=world.operator,
        created_at=now,
    )
    TicketEvent.objects.create(ticket=ticket, action="created", to_status=status, created_at=now)
    return ticket


def _request(world, client, endpoint, ticket, survivor):
    # Units of the ticket's own district: one of another district is refused (tests/dispatch/test_cross_district.py).
    unit = {t: world.small.department(t, ticket.district) for t in ("jiaotong", "zhujian", "chengguan")}
    bodies = {
        "reveal-phone": {"purpose": "核实"},
        "dispatch": {"department": unit["zhujian"].pk},
        "close-at-intake": {"answer": "已当场答复"},
        "return": {"reason": "非本单位职责"},
        "return-review": {"approve": True, "department": unit["chengguan"].pk},
        "redispatch": {"department": unit["chengguan"].pk, "reason": "调整主办"},
        "extension-request": {"days": 2, "reason": "需协调"},
        "extension-approve": {"approve": True, "days": 2},
        "reply": {"text": "已处理"},
        "reply-review": {"approve": True},
        "callback": {"satisfaction": "satisfied"},
        "close": {"reason": "来电人不需回访"},
        "reopen": {"reason": "再次反映"},
        "merge": {"into": survivor.number},
        "whistle": {"departments": [unit["jiaotong"].pk], "reason": "需交通部门配合"},
        "urge": {"reason": "请加快"},
    }
    if endpoint == "detail":
        return client.get(f"/api/tickets/{ticket.pk}/")
    if endpoint == "timeline":
        return client.get(f"/api/tickets/{ticket.pk}/timeline/")
    if endpoint == "photo":
        ticket.reply_photo.save("site.png", ContentFile(b"\x89PNG site photo"))
        return client.get(f"/api/tickets/{ticket.pk}/photo/")
    return client.post(f"/api/tickets/{ticket.pk}/{endpoint}/", bodies.get(endpoint, {}), format="json")


@pytest.mark.parametrize("inside", [True, False], ids=["in-scope", "out-of-scope"])
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(world, role, inside):
    user = _user(world, role)
    client = APIClient()
    client.force_authenticate(user)
    survivor = _ticket(world, S.DISPATCHED, inside=inside)
    got, expected, unchanged = {}, {}, {}
    for endpoint, (status, allowed) in ENDPOINTS.items():
        ticket = _ticket(world, status, inside=inside)
        events = TicketEvent.objects.filter(ticket=ticket).count()
        response = _request(world, client, endpoint, ticket, survivor)
        got[endpoint] = response.status_code
        if not inside and role != "admin":
            expected[endpoint] = 404
        elif role == "staff" and status == S.PENDING_DISPATCH:
            expected[endpoint] = 404  # not dispatched to any unit yet: no unit knows it
        else:
            expected[endpoint] = 200 if role in allowed else 403
        if response.status_code != 200:
            fresh = Ticket.objects.get(pk=ticket.pk)
            unchanged[endpoint] = (fresh.status, fresh.version, TicketEvent.objects.filter(ticket=ticket).count()) == (
                status,
                0,
                events,
            )

    assert got == expected
    assert all(unchanged.values()), unchanged


@pytest.mark.parametrize("role", ROLES)
def test_list_shows_only_tickets_in_scope(world, role):
    user = _user(world, role)
    client = APIClient()
    client.force_authenticate(user)
    inside = _ticket(world, S.HANDLING, inside=True)
    outside = _ticket(world, S.HANDLING, inside=False)

    ids = {row["id"] for row in client.get("/api/tickets/").data["results"]}

    assert ids == ({inside.pk, outside.pk} if role == "admin" else {inside.pk})
