"""Open311 GeoReport v2 at /open311/v2/: every endpoint in JSON and XML, checked against schemas written
from the spec; requests filed as tickets through the intake; nothing personal in any GET."""

import json
from datetime import UTC, timedelta

import pytest
import xmltodict
from django.core.management import call_command
from django.utils import timezone

from dispatch import services
from dispatch.models import Open311ApiKey, Open311Request, Ticket, TicketEvent
from dispatch.open311.services import open311_key_create, open311_key_revoke
from governance.models import DispatchCatalogue
from tests.dispatch import open311_schemas as schemas

ROOT = "/open311/v2"
NAME, PHONE, EMAIL = "王建国", "13812345678", "wjg@example.com"
DESCRIPTION = "农大家属院3号楼楼顶水箱长年不清洗，自来水有霉味，请督促物业清洗。"


@pytest.fixture
def key(world):
    return open311_key_create(name="fixmystreet")


def post(client, raw, fmt="json", **fields):
    data = {
        "api_key": raw,
        "service_code": "城乡建设",
        "description": DESCRIPTION,
        "address_string": "金水区文化路街道农大社区农大家属院3号楼",
        "first_name": "建国",
        "last_name": "王",
        "phone": PHONE,
        "email": EMAIL,
    }
    data.update(fields)
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(f"{ROOT}/requests.{fmt}", data)


@pytest.fixture
def filed(client, key, predict, django_capture_on_commit_callbacks):
    """One request filed through the API and routed as the worker would."""
    with django_capture_on_commit_callbacks(execute=False):
        response = post(client, key[1])
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(number=response.json()[0]["service_request_id"])
    services.ticket_route(ticket_id=ticket.pk)
    ticket.refresh_from_db()
    return ticket


def test_discovery_json_and_xml(client, db):
    response = client.get(f"{ROOT}/discovery.json")
    assert response.status_code == 200
    schemas.check(response.json(), schemas.DISCOVERY)
    assert response.json()["endpoints"][0]["url"] == "http://testserver/open311/v2"
    xml = xmltodict.parse(client.get(f"{ROOT}/discovery.xml").content)["discovery"]
    assert xml["endpoints"]["endpoint"]["formats"]["format"] == ["application/json", "text/xml"]


def test_services_are_the_active_catalogue(client, world):
    DispatchCatalogue.objects.filter(category_code="卫生计生").update(is_active=False)
    response = client.get(f"{ROOT}/services.json")
    assert response.status_code == 200
    body = response.json()
    schemas.check(body, schemas.SERVICES)
    active = list(DispatchCatalogue.objects.filter(is_active=True).values_list("category_code", flat=True))
    assert [s["service_code"] for s in body] == sorted(active)
    assert "卫生计生" not in {s["service_code"] for s in body}
    zhujian = next(s for s in body if s["service_code"] == "城乡建设")
    assert zhujian["metadata"] is True and zhujian["type"] == "realtime"
    assert zhujian["group"] == "住房和城乡建设局"
    assert "物业" in zhujian["keywords"].split(",")

    xml = xmltodict.parse(client.get(f"{ROOT}/services.xml").content)["services"]["service"]
    assert [s["service_code"] for s in xml] == sorted(active)
    assert xml[0]["metadata"] == "true"


def test_service_definition_lists_the_attributes(client, world):
    response = client.get(f"{ROOT}/services/城乡建设.json")
    assert response.status_code == 200
    body = response.json()
    schemas.check(body, schemas.SERVICE_DEFINITION)
    urgency = next(a for a in body["attributes"] if a["code"] == "urgency")
    assert [v["key"] for v in urgency["values"]] == ["normal", "urgent", "emergency"]
    xml = xmltodict.parse(client.get(f"{ROOT}/services/城乡建设.xml").content)["service_definition"]
    assert [a["code"] for a in xml["attributes"]["attribute"]] == ["type", "urgency"]

    missing = client.get(f"{ROOT}/services/nope.json")
    assert missing.status_code == 404
    schemas.check(missing.json(), schemas.ERRORS)
    assert missing.json()[0]["code"] == 404


def test_post_files_a_ticket_through_intake_and_records_the_key(client, key, filed):
    row, raw = key
    assert filed.channel == Ticket.Channel.OPEN311
    assert filed.content == DESCRIPTION
    assert (filed.caller_name, filed.caller_phone) == (NAME, PHONE)
    assert filed.category_code == "城乡建设"
    assert filed.status == Ticket.Status.DISPATCHED  # routed like any ticket
    request = Open311Request.objects.get(ticket=filed)
    assert request.api_key == row and request.email == EMAIL
    created = TicketEvent.objects.get(ticket=filed, action="created")
    assert created.actor_label == "Open311 fixmystreet" and created.data == {"channel": "open311"}
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_post_response_json_and_xml(client, key, predict, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        response = post(client, key[1])
        xml_response = post(client, key[1], fmt="xml", account_id="acc-7")
    schemas.check(response.json(), schemas.CREATED)
    number = response.json()[0]["service_request_id"]
    assert (
        number.startswith("ZZ")
        and response.json()[0]["token"] == Open311Request.objects.get(ticket__number=number).token
    )
    assert xml_response.status_code == 201 and xml_response["Content-Type"].startswith("text/xml")
    request = xmltodict.parse(xml_response.content)["service_requests"]["request"]
    assert request["service_request_id"].startswith("ZZ") and request["account_id"] == "acc-7"


@pytest.mark.parametrize(
    ("fields", "status", "needle"),
    [
        ({"api_key": None}, 403, "api_key"),
        ({"api_key": "o311_wrong"}, 403, "api_key"),
        ({"service_code": None}, 400, "service_code"),
        ({"service_code": "不存在"}, 404, "service_code"),
        ({"address_string": None}, 400, "address_string"),
        ({"address_string": None, "lat": "34.78"}, 400, "address_string"),
        ({"lat": "95", "long": "113.6"}, 400, "lat"),
        ({"description": "水" * 4001}, 400, "description"),
        ({"phone": "12345"}, 400, "phone"),
        ({"email": "not-an-address"}, 400, "email"),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
        ({"attribute[urgency]": "now"}, 400, "attribute[urgency]"),
    ],
)
def test_post_errors_are_spec_errors_and_write_nothing(client, key, fields, status, needle):
    for fmt in ("json", "xml"):
        response = post(client, key[1], fmt=fmt, **fields)
        assert response.status_code == status
        if fmt == "json":
            schemas.check(response.json(), schemas.ERRORS)
            assert response.json()[0]["code"] == status and needle in response.json()[0]["description"]
        else:
            error = xmltodict.parse(response.content)["errors"]["error"]
            assert error["code"] == str(status)
    assert not Ticket.objects.exists() and not Open311Request.objects.exists()


def test_revoked_key_files_nothing(client, key):
    open311_key_revoke(key=key[0])
    response = post(client, key[1])
    assert response.status_code == 403
    assert not Ticket.objects.exists()


def test_description_of_4000_characters_is_accepted(client, key, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        response = post(client, key[1], description="水" * 4000)
    assert response.status_code == 201
    assert len(Ticket.objects.get().content) == 4000


def test_lat_long_without_address(client, key, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        response = post(client, key[1], address_string=None, lat="34.7866", long="113.6523")
    assert response.status_code == 201
    ticket = Ticket.objects.get()
    assert ticket.address == "坐标 34.786600,113.652300"
    body = client.get(f"{ROOT}/requests/{ticket.number}.json").json()
    assert (body[0]["lat"], body[0]["long"]) == (34.7866, 113.6523)


def test_no_personal_data_in_any_get(client, key, filed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        post(client, key[1], description=f"我是{NAME}，电话{PHONE}，邮箱{EMAIL}，座机0371-66778899，楼下垃圾没人清。")
    texts = []
    for fmt in ("json", "xml"):
        texts.append(client.get(f"{ROOT}/requests.{fmt}").content.decode())
        texts.append(client.get(f"{ROOT}/requests/{filed.number}.{fmt}").content.decode())
        token = Open311Request.objects.get(ticket=filed).token
        texts.append(client.get(f"{ROOT}/tokens/{token}.{fmt}").content.decode())
    for text in texts:
        for secret in (NAME, PHONE, EMAIL, "66778899", "first_name", "email", "phone"):
            assert secret not in text
    listed = client.get(f"{ROOT}/requests.json").json()
    schemas.check(listed, schemas.REQUESTS)
    assert "王**" in listed[0]["description"] and "138****5678" in listed[0]["description"]


def test_request_shape_follows_the_ticket(client, world, filed):
    body = client.get(f"{ROOT}/requests/{filed.number}.json").json()
    schemas.check(body, schemas.ONE_REQUEST)
    (req,) = body
    assert req["status"] == "open" and req["status_notes"] == "已派单待签收"
    assert req["agency_responsible"] == world.zhujian.name
    assert req["service_name"] == "城乡建设" and req["description"] == DESCRIPTION
    due = filed.handle_due or filed.sla_due
    assert req["expected_datetime"] == due.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    services.ticket_sign(ticket=filed, by=world.staff)
    services.ticket_reply(ticket=filed, by=world.staff, text="已督促物业于12月3日完成水箱清洗并消毒。")
    Ticket.objects.filter(pk=filed.pk).update(status=Ticket.Status.CLOSED, closed_at=timezone.now())
    (req,) = client.get(f"{ROOT}/requests/{filed.number}.json").json()
    assert req["status"] == "closed" and req["status_notes"] == "已督促物业于12月3日完成水箱清洗并消毒。"


def test_merged_ticket_is_closed_and_points_at_the_survivor(client, world, key, filed, file_ticket):
    survivor = file_ticket()
    services.ticket_merge(ticket=filed, into=survivor, by=world.dispatcher)
    (req,) = client.get(f"{ROOT}/requests/{filed.number}.json").json()
    assert req["status"] == "closed" and req["status_notes"] == f"已并入工单 {survivor.number}"


def test_get_requests_filters(client, key, predict, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        numbers = [
            post(client, key[1], service_code=code).json()[0]["service_request_id"]
            for code in ("城乡建设", "环境保护", "环境保护")
        ]
    Ticket.objects.filter(number=numbers[0]).update(status=Ticket.Status.CLOSED)
    old = Ticket.objects.get(number=numbers[2])
    Ticket.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=100))

    def ids(**params):
        response = client.get(f"{ROOT}/requests.json", params)
        assert response.status_code == 200, response.content
        schemas.check(response.json(), schemas.REQUESTS)
        return [r["service_request_id"] for r in response.json()]

    assert ids() == [numbers[1], numbers[0]]  # last 90 days, newest first
    assert ids(status="open") == [numbers[1]]
    assert ids(status="closed") == [numbers[0]]
    assert ids(status="open,closed") == [numbers[1], numbers[0]]
    assert ids(service_code="环境保护") == [numbers[1]]
    assert ids(service_request_id=f"{numbers[2]},{numbers[0]}") == [numbers[0], numbers[2]]
    start = (timezone.now() - timedelta(days=120)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (timezone.now() - timedelta(days=60)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(start_date=start, end_date=end) == [numbers[2]]
    assert ids(page_size="1") == [numbers[1]] and ids(page_size="1", page="2") == [numbers[0]]
    assert ids(page_size="1", page="3") == []

    for params in (
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-05-01T00:00:00Z"},
        {"start_date": "yesterday"},
        {"status": "pending"},
        {"page": "0"},
        {"start_date": "2026-05-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
    ):
        response = client.get(f"{ROOT}/requests.json", params)
        assert response.status_code == 400, params
        schemas.check(response.json(), schemas.ERRORS)


def test_detail_token_and_confidential(client, key, filed):
    token = Open311Request.objects.get(ticket=filed).token
    body = client.get(f"{ROOT}/tokens/{token}.json").json()
    schemas.check(body, schemas.TOKENS)
    assert body == [{"service_request_id": filed.number, "token": token}]
    xml = xmltodict.parse(client.get(f"{ROOT}/requests/{filed.number}.xml").content)
    assert xml["service_requests"]["request"]["service_request_id"] == filed.number
    assert client.get(f"{ROOT}/tokens/nope.json").status_code == 404
    assert client.get(f"{ROOT}/requests/ZZ0.json").status_code == 404

    Ticket.objects.filter(pk=filed.pk).update(confidential=True)
    assert client.get(f"{ROOT}/requests/{filed.number}.json").status_code == 404
    assert client.get(f"{ROOT}/requests.json").json() == []


def test_tickets_of_other_channels_are_not_published(client, file_ticket, filed):
    phone_ticket = file_ticket()
    listed = [r["service_request_id"] for r in client.get(f"{ROOT}/requests.json").json()]
    assert listed == [filed.number] and phone_ticket.number not in listed
    assert client.get(f"{ROOT}/requests/{phone_ticket.number}.json").status_code == 404


def test_request_list_query_count_is_flat(client, key, django_capture_on_commit_callbacks, django_assert_num_queries):
    with django_capture_on_commit_callbacks(execute=False):
        for _ in range(2):
            post(client, key[1])
    with django_assert_num_queries(3):  # service names, tickets (+ joins), extra callers
        client.get(f"{ROOT}/requests.json")
    with django_capture_on_commit_callbacks(execute=False):
        for _ in range(6):
            post(client, key[1])
    with django_assert_num_queries(3):
        assert len(client.get(f"{ROOT}/requests.json").json()) == 8


def test_management_command_prints_the_key_last(client, world, capsys, django_capture_on_commit_callbacks):
    call_command("open311_key", "city-app")
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    key = Open311ApiKey.objects.get(name="city-app")
    assert key.key_hash == Open311ApiKey.digest(raw) and raw.startswith(key.prefix)
    assert raw not in json.dumps(list(Open311ApiKey.objects.values()), default=str)  # only the hash is stored
    with django_capture_on_commit_callbacks(execute=False):
        assert post(client, raw).status_code == 201
    assert Open311Request.objects.get().api_key == key


def test_admin_makes_shows_once_and_revokes_keys(client, world):
    client.force_login(_superuser())
    response = client.post("/admin/dispatch/open311apikey/add/", {"name": "province", "note": ""}, follow=True)
    assert response.status_code == 200
    key = Open311ApiKey.objects.get(name="province")
    shown = [str(m) for m in response.context["messages"]]
    raw = next(m for m in shown if "province" in m).rsplit("：", 1)[1]
    assert Open311ApiKey.digest(raw) == key.key_hash

    response = client.post(
        "/admin/dispatch/open311apikey/", {"action": "revoke", "_selected_action": [key.pk]}, follow=True
    )
    assert response.status_code == 200
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert client.get(f"/admin/dispatch/open311apikey/{key.pk}/change/").status_code == 200


def _superuser():
    from tests.factories import UserFactory

    return UserFactory(username="admin311", is_staff=True, is_superuser=True)
