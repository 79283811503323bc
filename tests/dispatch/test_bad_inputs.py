"""Bad input is a 4xx naming the field, never a 5xx, and writes nothing: Unicode digits where ids go,
ids past a bigint, 10,000-deep JSON, impossible UTC offsets, NUL characters in paths, queries and forms.
(Found from outside: each of these was a 500.)"""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from common.inputs import as_id, is_id, json_depth_exceeds
from dispatch.models import Notification, Ticket, TicketEvent
from tests.dispatch.conftest import ADDRESS, CONTENT

pytestmark = pytest.mark.django_db
DEEP = "[" * 10_000 + "]" * 10_000
NOT_IDS = ["²", "٣", "１２", "99999999999999999999", "-1", "0", "1.5", " 1", "1e3", ""]


@pytest.mark.parametrize("value", NOT_IDS)
def test_is_id_accepts_only_ascii_digits_in_range(value):
    assert is_id(value) is False and as_id(value) is None


def test_is_id_accepts_real_ids():
    assert (is_id("42"), as_id("42"), is_id(7), is_id(True)) == (True, 42, True, False)


def test_json_depth_is_counted_outside_strings():
    assert json_depth_exceeds(DEEP)
    assert not json_depth_exceeds('{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}')
    assert not json_depth_exceeds('{"a": [[1, 2], {"b": "\\"[["}]}')


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def nothing_written(before: tuple) -> bool:
    return (Ticket.objects.count(), TicketEvent.objects.count()) == before


def counts() -> tuple:
    return Ticket.objects.count(), TicketEvent.objects.count()


@pytest.mark.parametrize("grid", ["²", "99999999999999999999", "１２"])
def test_filing_with_a_bad_grid_is_400_on_grid(world, predict, grid):
    before = counts()

    response = api(world.operator).post(
        "/api/tickets/", {"content": CONTENT, "address": ADDRESS, "grid": grid}, format="json"
    )

    assert response.status_code == 400, response.content
    assert "grid" in response.json()
    assert nothing_written(before)


@pytest.mark.parametrize(
    "path", ["/api/tickets/", "/api/tickets/{pk}/sign/", "/api/tickets/{pk}/reply/", "/api/classify/"]
)
def test_ten_thousand_deep_json_is_400(world, dispatched, path):
    before = counts()

    response = api(world.admin).post(path.format(pk=dispatched.pk), DEEP, content_type="application/json")

    assert response.status_code == 400
    assert "嵌套过深" in response.json()["detail"]
    assert nothing_written(before)


@pytest.mark.parametrize("department", ["²", "99999999999999999999"])
def test_dispatch_to_a_bad_department_is_400_on_department(world, file_ticket, department):
    ticket = file_ticket(route=False)
    from dispatch import services

    services.ticket_route(ticket_id=ticket.pk)
    ticket.refresh_from_db()
    before = counts()

    response = api(world.dispatcher).post(
        f"/api/tickets/{ticket.pk}/redispatch/", {"department": department, "reason": "改派"}, format="json"
    )

    assert 400 <= response.status_code < 500, response.content
    assert response.status_code == 409 or "department" in str(response.json())
    assert nothing_written(before)


@pytest.mark.parametrize("into", ["²", "99999999999999999999"])
def test_merge_into_a_bad_id_is_400_on_into(world, dispatched, into):
    before = counts()

    response = api(world.dispatcher).post(
        f"/api/tickets/{dispatched.pk}/merge/", {"into": into, "reason": "重复"}, format="json"
    )

    assert response.status_code == 400, response.content
    assert "into" in response.json()
    assert nothing_written(before)


@pytest.mark.parametrize("value", ["2026-11-09T16:52:31+16:00", "2026-11-09T16:52:31-22:12", "2026-13-40"])
def test_created_after_with_an_impossible_offset_is_400_on_the_field(world, value):
    response = api(world.admin).get("/api/tickets/", {"created_after": value})

    assert response.status_code == 400
    assert "created_after" in response.json()


def test_a_real_offset_is_accepted(world):
    assert api(world.admin).get("/api/tickets/", {"created_after": "2026-11-09T16:52:31+14:00"}).status_code == 200


@pytest.mark.parametrize("url", ["/api/regions/%00/", "/api/tickets/?q=a%00b", "/api/regions/?parent=%00"])
def test_nul_in_path_or_query_is_400(world, url):
    response = api(world.admin).get(url)

    assert response.status_code == 400
    assert response.json()


def test_nul_in_a_page_form_is_400_and_files_nothing(world):
    client = Client()
    client.force_login(world.operator)
    before = counts()

    response = client.post("/intake/", {"content": CONTENT + "\x00", "address": ADDRESS, "caller_phone": "13812345678"})

    assert response.status_code == 400
    assert nothing_written(before)


def test_pages_with_unicode_digit_ids_are_not_500(world, dispatched):
    client = Client(raise_request_exception=False)
    client.force_login(world.admin)
    notes = Notification.objects.count()

    responses = [
        client.post("/notifications/read/", {"id": "²"}),
        client.get("/dashboard/", {"period": "²"}),
        client.post("/intake/place/", {"grid": "²", "address": ADDRESS}),
    ]

    assert [r.status_code < 500 for r in responses] == [True] * len(responses), [r.status_code for r in responses]
    assert Notification.objects.count() == notes


INVISIBLE = ["\u200b\u200b\u200b", "\u200b \u3000\u200d", "\ufeff\u2060", "\u00a0\t\u200c", "\u0301\u0301"]


@pytest.mark.parametrize("content", INVISIBLE)
def test_filing_content_made_only_of_invisible_characters_is_400_on_content(world, predict, content):
    before = counts()

    response = api(world.operator).post("/api/tickets/", {"content": content, "address": ADDRESS}, format="json")

    assert response.status_code == 400, response.content
    assert "content" in response.json()
    assert nothing_written(before)


@pytest.mark.parametrize("field", ["caller_name", "address"])
def test_filing_an_optional_field_made_only_of_zero_width_characters_is_400_on_it(world, predict, field):
    before = counts()

    response = api(world.operator).post(
        "/api/tickets/", {"content": CONTENT, "address": ADDRESS, field: "\u200b\u200b"}, format="json"
    )

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert nothing_written(before)


@pytest.mark.parametrize(
    ("state", "who", "move", "body", "field"),
    [
        ("dispatched", "staff", "return", {"reason": "\u200b\u200b"}, "reason"),
        ("handling", "staff", "extension-request", {"reason": "\ufeff", "days": 3}, "reason"),
        ("dispatched", "dispatcher", "urge", {"reason": "\u200b\u2060"}, "reason"),
        ("dispatched", "worker", "whistle", {"reason": "\u200d"}, "reason"),
    ],
)
def test_a_move_text_made_only_of_invisible_characters_is_400_on_it(request, world, state, who, move, body, field):
    ticket = request.getfixturevalue(state)
    if move == "whistle":
        body["departments"] = [world.staff_chengguan.staff_profile.department_id]
    before = counts()

    response = api(getattr(world, who)).post(f"/api/tickets/{ticket.pk}/{move}/", body, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert nothing_written(before)


def test_a_reply_made_only_of_invisible_characters_is_400_on_text(world, handling):
    before = counts()

    response = api(world.staff).post(f"/api/tickets/{handling.pk}/reply/", {"text": "\u200b" * 20}, format="json")

    assert response.status_code == 400 and "text" in response.json()
    assert nothing_written(before)


def test_visible_text_keeps_its_inner_zero_width_characters_and_loses_the_outer_ones(world, file_ticket):
    ticket = file_ticket(content=f"\u200b{CONTENT[:10]}\u200b{CONTENT[10:]}\ufeff ")

    assert ticket.content == f"{CONTENT[:10]}\u200b{CONTENT[10:]}"


def test_a_multipart_body_without_a_boundary_is_400(world):
    before = counts()

    response = api(world.operator).generic("POST", "/api/tickets/", b"--x\r\n", content_type="multipart/form-data")

    assert response.status_code == 400 and "body" in response.json()
    assert nothing_written(before)
