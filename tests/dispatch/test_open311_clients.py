"""The Open311 face against real clients over HTTP (pytest-django's live_server): the `georeport` package
from PyPI in JSON and XML, and form POSTs shaped as FixMyStreet's Open311 client sends them."""

import pytest
import requests
import xmltodict
from georeport import GeoReport

from dispatch.models import Open311Request, Ticket
from dispatch.open311.services import open311_key_create
from tests.dispatch import open311_schemas as schemas

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def root(live_server, world):
    return f"{live_server.url}/open311/v2"


@pytest.fixture
def raw_key(world):
    return open311_key_create(name="fixmystreet")[1]


def fixmystreet_post(root, raw_key, fmt="xml", **extra):
    """What FixMyStreet's Open311 client posts: attribute[...] fields of its own, several media_url,
    jurisdiction_id, and the e-mail of the reporter."""
    data = [
        ("api_key", raw_key),
        ("jurisdiction_id", "zhengzhou"),
        ("service_code", "环境保护"),
        ("lat", "34.786612"),
        ("long", "113.652311"),
        ("address_string", "金水区文化路街道农大社区"),
        ("description", "小区门口烧烤摊每晚油烟很大，窗户都不敢开。"),
        ("first_name", "Li"),
        ("last_name", "Wei"),
        ("email", "li.wei@example.org"),
        ("phone", "13912345678"),
        ("media_url", "https://fms.example.org/photo/1.jpeg"),
        ("media_url", "https://fms.example.org/photo/2.jpeg"),
        ("attribute[title]", "烧烤油烟"),
        ("attribute[report_url]", "https://fms.example.org/report/42"),
        ("attribute[fixmystreet_id]", "42"),
        ("attribute[urgency]", "urgent"),
        ("attribute[type]", "complaint"),
        *extra.items(),
    ]
    return requests.post(f"{root}/requests.{fmt}", data=data, timeout=30)


def test_georeport_reads_services_and_definitions_in_json_and_xml(root):
    for fmt in ("json", "xml"):
        client = GeoReport(root, output_format=fmt)
        services = client.get_service_list()
        codes = [s["service_code"] for s in services]
        assert "城乡建设" in codes and len(codes) == 15  # every first-level category of the 派单目录
        definition = client.get_service_definition("城乡建设")
        attributes = definition["attributes"] if fmt == "json" else definition["attributes"]["attribute"]
        assert [a["code"] for a in attributes] == ["type", "urgency"]
    schemas.check(GeoReport(root).get_service_list(), schemas.SERVICES)


def test_fixmystreet_post_then_georeport_reads_it_back(root, raw_key):
    response = fixmystreet_post(root, raw_key)
    assert response.status_code == 201, response.text
    created = xmltodict.parse(response.content)["service_requests"]["request"]
    number = created["service_request_id"]

    ticket = Ticket.objects.get(number=number)
    extra = Open311Request.objects.get(ticket=ticket)
    assert ticket.channel == "open311" and ticket.urgency == "urgent" and ticket.caller_name == "Li Wei"
    assert extra.media_urls == ["https://fms.example.org/photo/1.jpeg", "https://fms.example.org/photo/2.jpeg"]
    assert extra.attributes["fixmystreet_id"] == "42" and extra.attributes["urgency"] == "urgent"
    assert "https://fms.example.org/photo/2.jpeg" in ticket.content  # the unit sees the photos

    for fmt in ("json", "xml"):
        client = GeoReport(root, output_format=fmt)
        one = client.get_service_request(number)  # the client takes element 0 of a list (JSON)
        assert one["service_request_id"] == number and one["status"] == "open"
        assert one["media_url"] == "https://fms.example.org/photo/1.jpeg"
        listed = client.get_service_requests(status="open", service_code="环境保护")
        listed = [listed] if isinstance(listed, dict) else listed  # xmltodict: one element is a dict
        assert [r["service_request_id"] for r in listed] == [number]
        by_id = client.get_service_requests(service_request_id=number)
        by_id = [by_id] if isinstance(by_id, dict) else by_id
        assert [r["service_request_id"] for r in by_id] == [number]
    body = requests.get(f"{root}/requests.json", timeout=30).text
    for personal in ("Li Wei", "li.wei@example.org", "13912345678"):
        assert personal not in body
    schemas.check(GeoReport(root).get_service_requests(), schemas.REQUESTS)


def test_georeport_sees_real_4xx(root, raw_key):
    client = GeoReport(root)
    with pytest.raises(requests.HTTPError) as missing:
        client.get_service_definition("不存在")
    assert missing.value.response.status_code == 404
    schemas.check(missing.value.response.json(), schemas.ERRORS)
    with pytest.raises(requests.HTTPError) as span:
        client.get_service_requests(start_date="2026-01-01T00:00:00Z", end_date="2026-06-01T00:00:00Z")
    assert span.value.response.status_code == 400
    with pytest.raises(requests.HTTPError) as unknown:
        client.get_service_request("ZZ20260101999999")
    assert unknown.value.response.status_code == 404

    rejected = fixmystreet_post(root, "o311_not-a-key")
    assert rejected.status_code == 403
    assert xmltodict.parse(rejected.content)["errors"]["error"]["code"] == "403"
    assert not Ticket.objects.exists()
