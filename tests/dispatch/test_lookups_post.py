"""Phone, ID-number and text lookups have POST forms (the value in the body, out of URLs and access logs);
GET keeps working for older clients and answers the same."""

import pytest

from tests.dispatch.conftest import ADDRESS, CONTENT
from tests.dispatch.test_api import client_for

pytestmark = pytest.mark.django_db
PHONE = "13812345678"


def numbers(response) -> list[str]:
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    return [r["number"] for r in rows]


def test_by_phone_post_answers_like_get(world, file_ticket):
    mine = file_ticket(caller_phone=PHONE)
    file_ticket(caller_phone="13900000000")
    api = client_for(world.operator)

    posted = api.post("/api/tickets/by-phone/", {"phone": "+86 138 1234 5678"}, format="json")

    assert posted.status_code == 200 and numbers(posted) == [mine.number]
    assert numbers(api.get("/api/tickets/by-phone/", {"phone": PHONE})) == [mine.number]
    assert api.post("/api/tickets/by-phone/", {"phone": "12"}, format="json").json().keys() == {"phone"}
    assert client_for(world.staff).post("/api/tickets/by-phone/", {"phone": PHONE}, format="json").status_code == 403


def test_ticket_search_by_post_takes_the_list_filters(world, file_ticket):
    wanted = file_ticket(content=f"{CONTENT}身份证410105198001011234")
    file_ticket()
    api = client_for(world.dispatcher)

    found = api.post("/api/tickets/search/", {"q": "410105198001011234"}, format="json")

    assert found.status_code == 200 and numbers(found) == [wanted.number]
    assert len(numbers(api.post("/api/tickets/search/", {"status": ["dispatched"]}, format="json"))) == 2
    bad = api.post("/api/tickets/search/", {"status": ["nope"]}, format="json")
    assert bad.status_code == 400 and "status" in bad.json()
    assert client_for(world.worker_other).post("/api/tickets/search/", {}, format="json").json()["count"] == 0


def test_duplicates_post_answers_like_get(world, file_ticket):
    first = file_ticket()
    body = {"content": CONTENT, "community": world.small.community.code}
    api = client_for(world.operator)

    posted = api.post("/api/tickets/duplicates/", body, format="json")

    assert posted.status_code == 200 and numbers(posted) == [first.number]
    assert numbers(api.get("/api/tickets/duplicates/", body)) == [first.number]


def test_address_resolve_post_answers_like_get(world):
    api = client_for(world.operator)

    posted = api.post("/api/address/resolve/", {"q": ADDRESS}, format="json")

    assert posted.status_code == 200
    assert posted.json() == api.get("/api/address/resolve/", {"q": ADDRESS}).json()
    assert posted.json()["community"]["code"] == world.small.community.code
    assert api.post("/api/address/resolve/", {}, format="json").status_code == 400
