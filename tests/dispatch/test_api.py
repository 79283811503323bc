"""The ticket API: filing, validation (400 with field messages), masking, the recorded phone read,
404/403/409, and bounded query counts on lists."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dispatch import services
from dispatch.models import PhoneAccessLog, Ticket, TicketEvent
from tests.dispatch.conftest import ADDRESS, CONTENT, WEAK_CONTENT, client_for

pytestmark = pytest.mark.django_db


def test_operator_files_a_ticket_and_gets_201(world, api):
    response = api.file()

    assert response.status_code == 201
    ticket = Ticket.objects.get(pk=response.data["id"])
    assert response.data["number"] == ticket.number
    assert response.data["caller_phone"] == "138****5678"
    assert response.data["caller_name"] == "王建国"  # operators read names
    assert ticket.caller_phone == "13812345678"


def test_token_authentication(world):
    token = Token.objects.create(user=world.operator)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    assert client.get("/api/tickets/").status_code == 200
    assert APIClient().get("/api/tickets/").status_code in (401, 403)


@pytest.mark.parametrize(
    "body, field",
    [
        ({"content": ""}, "content"),
        ({"content": "   "}, "content"),
        ({"content": "长" * 2001}, "content"),
        ({"caller_phone": "12345"}, "caller_phone"),
        ({"caller_phone": "1381234567a"}, "caller_phone"),
        ({"district": "999999999999"}, "district"),
        ({"community": "410105008000"}, "community"),  # a street's code given as a community
        ({"type": "抱怨"}, "type"),
        ({"urgency": 3}, "urgency"),
        ({"confidential": "maybe"}, "confidential"),
        ({"content": ["a", "b"]}, "content"),
        ({"category_code": "不存在的类别"}, "category_code"),
        ({"close_at_intake": True}, "answer"),
    ],
)
def test_bad_input_is_400_with_the_field(world, api, body, field):
    response = api.file(**body)

    assert response.status_code == 400
    assert field in response.data
    assert Ticket.objects.count() == 0


def test_malformed_json_is_400(world):
    response = client_for(world.operator).post("/api/tickets/", data="{content: ", content_type="application/json")

    assert response.status_code == 400
    assert Ticket.objects.count() == 0


def test_roles_that_do_not_file_get_403(world, api):
    assert api.file(user=world.staff).status_code == 403
    assert api.file(user=world.worker).status_code == 403
    assert Ticket.objects.count() == 0


def test_department_staff_see_masked_caller_and_reveal_is_recorded(world, api):
    ticket_id = api.file().data["id"]
    client = client_for(world.staff)

    detail = client.get(f"/api/tickets/{ticket_id}/")
    assert detail.status_code == 200
    assert detail.data["caller_name"] == "王**" and detail.data["caller_phone"] == "138****5678"
    assert "sign" in detail.data["allowed_actions"] and "dispatch" not in detail.data["allowed_actions"]

    revealed = client.post(f"/api/tickets/{ticket_id}/reveal-phone/", {"purpose": "联系来电人核实"}, format="json")

    assert revealed.status_code == 200 and revealed.data["caller_phone"] == "13812345678"
    log = PhoneAccessLog.objects.get()
    assert (log.user, log.ticket_id, log.purpose) == (world.staff, ticket_id, "联系来电人核实")


def test_supervisor_may_not_reveal_the_phone(world, api):
    ticket_id = api.file().data["id"]

    response = client_for(world.supervisor).post(f"/api/tickets/{ticket_id}/reveal-phone/", {}, format="json")

    assert response.status_code == 403
    assert PhoneAccessLog.objects.count() == 0


def test_sign_reply_through_the_api_and_timeline(world, api):
    ticket_id = api.file().data["id"]
    client = client_for(world.staff)

    assert client.post(f"/api/tickets/{ticket_id}/sign/", {}, format="json").status_code == 200
    reply = client.post(f"/api/tickets/{ticket_id}/reply/", {"text": "已清洗水箱"}, format="json")
    assert reply.status_code == 200 and reply.data["status"] == "replied"

    timeline = client.get(f"/api/tickets/{ticket_id}/timeline/")
    assert [e["action"] for e in timeline.data] == ["created", "routed", "signed", "replied"]


def test_illegal_transition_is_409_and_changes_nothing(world, api):
    ticket_id = api.file().data["id"]
    events = TicketEvent.objects.filter(ticket_id=ticket_id).count()

    response = client_for(world.staff).post(f"/api/tickets/{ticket_id}/reply/", {"text": "已处理"}, format="json")

    assert response.status_code == 409 and response.data["code"] == "illegal_transition"
    assert Ticket.objects.get(pk=ticket_id).status == "dispatched"
    assert TicketEvent.objects.filter(ticket_id=ticket_id).count() == events


def test_stale_version_is_409(world, api):
    created = api.file().data
    services.ticket_sign(ticket=Ticket.objects.get(pk=created["id"]), by=world.staff)

    response = client_for(world.staff).post(
        f"/api/tickets/{created['id']}/reply/", {"text": "已处理", "version": 0}, format="json"
    )

    assert response.status_code == 409 and response.data["code"] == "stale"


def test_move_input_is_validated(world, api):
    ticket_id = api.file().data["id"]
    client = client_for(world.staff)
    services.ticket_sign(ticket=Ticket.objects.get(pk=ticket_id), by=world.staff)

    assert client.post(f"/api/tickets/{ticket_id}/return/", {"reason": ""}, format="json").data.keys() >= {"reason"}
    bad_days = client.post(f"/api/tickets/{ticket_id}/extension-request/", {"days": "x", "reason": "r"}, format="json")
    assert bad_days.status_code == 400 and "days" in bad_days.data
    whistle = client.post(f"/api/tickets/{ticket_id}/whistle/", {"departments": [999999], "reason": "r"}, format="json")
    assert whistle.status_code == 400 and "departments" in whistle.data
    assert Ticket.objects.get(pk=ticket_id).status == "handling"


def test_unknown_ticket_is_404(world):
    assert client_for(world.admin).get("/api/tickets/999999/").status_code == 404
    assert client_for(world.admin).post("/api/tickets/999999/sign/", {}, format="json").status_code == 404


def test_list_filters_and_query_count_does_not_grow_with_rows(world, api):
    client = client_for(world.dispatcher)
    api.file()

    with CaptureQueriesContext(connection) as few:
        assert client.get("/api/tickets/").status_code == 200
    for _ in range(6):
        api.file(urgency="urgent")
    with CaptureQueriesContext(connection) as many:
        response = client.get("/api/tickets/")

    assert response.data["count"] == 7
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(many.captured_queries) <= 8
    assert client.get("/api/tickets/", {"urgency": "urgent"}).data["count"] == 6
    assert client.get("/api/tickets/", {"status": ["dispatched"]}).data["count"] == 7
    assert client.get("/api/tickets/", {"district": world.small.zhongmou.code}).data["count"] == 0
    assert client.get("/api/tickets/", {"status": "nope"}).status_code == 400


def test_queue_query_count_is_bounded(world, api, predict):
    predict("城乡建设", 0.5, auto=False)
    client = client_for(world.dispatcher)
    api.file(content=WEAK_CONTENT)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/queues/dispatch/")
    for _ in range(5):
        api.file(content=WEAK_CONTENT)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/api/queues/dispatch/")

    assert response.data["count"] == 6
    assert len(many.captured_queries) == len(few.captured_queries)


def test_duplicates_are_offered_for_merge(world, api):
    first = api.file().data["id"]

    response = client_for(world.operator).get(
        "/api/tickets/duplicates/",
        {"content": CONTENT.replace("请住建部门", "希望尽快"), "community": world.small.community.code},
    )

    assert response.status_code == 200
    assert [row["id"] for row in response.data] == [first]
    assert response.data[0]["similarity"] >= 0.6


def test_city_mode_switch_by_supervisor_only(world):
    body = {"mode": "emergency", "reason": "暴雨"}

    assert client_for(world.staff).post("/api/city-mode/", body, format="json").status_code == 403
    created = client_for(world.supervisor).post("/api/city-mode/", body, format="json")
    assert created.status_code == 201 and created.data["scale"] == "0.50"
    assert client_for(world.operator).get("/api/city-mode/").data["current"]["mode"] == "emergency"


def test_callers_earlier_tickets_by_phone_for_the_hotline_only(world, api):
    first = api.file().data["id"]
    api.file(caller_phone="13900000000")

    response = client_for(world.operator).get("/api/tickets/by-phone/", {"phone": "13812345678"})

    assert response.status_code == 200
    assert [row["id"] for row in response.data["results"]] == [first]
    assert client_for(world.staff).get("/api/tickets/by-phone/", {"phone": "13812345678"}).status_code == 403
    assert client_for(world.operator).get("/api/tickets/by-phone/", {"phone": "abc"}).status_code == 400


@pytest.mark.parametrize(
    "query",
    ["lead_department=3.402823466e%2B38", "grid=99999999999999999999", "grid=-1", "lead_department=abc"],
)
def test_out_of_range_id_filters_are_400_not_500(world, query):
    # Found by schemathesis against the OpenAPI schema: huge numbers overflowed the database integer.
    response = client_for(world.admin).get(f"/api/tickets/?{query}")

    assert response.status_code == 400
    assert query.split("=")[0] in response.json()


def _statements(queries) -> list[str]:
    """The statements sent, savepoints left out (the test's transaction adds them)."""
    return [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


def test_a_filing_writes_three_rows_and_reads_nothing_back(world, django_capture_on_commit_callbacks):
    client = client_for(world.operator)
    body = {
        "content": CONTENT,
        "address": ADDRESS,
        "caller_phone": "13812345678",
        "community": world.small.community.code,
    }
    with django_capture_on_commit_callbacks(execute=False):
        client.post("/api/tickets/", body, format="json")  # the process reads who the operator is, the city mode
        with CaptureQueriesContext(connection) as queries:
            response = client.post("/api/tickets/", body, format="json")

    assert response.status_code == 201
    tables = [sql.split('"')[1] for sql in _statements(queries.captured_queries)]
    assert tables == ["dispatch_ticketnumbercounter", "dispatch_ticket", "dispatch_ticketevent"]
    # The 201 body: what a later read of the detail says, for the fields it has.
    detail = client.get(response["Location"]).data
    assert response.data == {name: detail[name] for name in response.data}
    assert response.data["community"] == world.small.community.code
    assert {"id", "number", "status", "version", "caller_phone"} <= response.data.keys()


def test_a_role_taken_away_counts_at_once_in_this_process(world):
    client = client_for(world.operator)
    assert client.post("/api/tickets/", {"content": CONTENT}, format="json").status_code == 201

    world.operator.groups.clear()
    client.force_authenticate(type(world.operator).objects.get(pk=world.operator.pk))  # as the next request reads it

    assert client.post("/api/tickets/", {"content": CONTENT}, format="json").status_code == 403
    assert Ticket.objects.count() == 1


def test_list_counts_stop_at_the_cap(world, api, settings):
    settings.LIST_COUNT_CAP = 3
    for _ in range(2):
        api.file()
    client = client_for(world.dispatcher)
    assert (client.get("/api/tickets/").data["count"], client.get("/api/tickets/").data["count_capped"]) == (2, False)

    for _ in range(3):
        api.file()
    response = client.get("/api/tickets/")

    assert (response.data["count"], response.data["count_capped"]) == (3, True)
    assert len(response.data["results"]) == 3  # pages stop at the cap: filters reach the rest
    assert client.get("/api/tickets/", {"urgency": "normal"}).data["count_capped"] is True


def test_worklist_query_count_does_not_grow_with_rows(world, api):
    client = client_for(world.staff)
    api.file()
    with CaptureQueriesContext(connection) as few:
        client.get("/api/queues/worklist/")
    for _ in range(5):
        api.file()
    with CaptureQueriesContext(connection) as many:
        response = client.get("/api/queues/worklist/")

    assert response.data["count"] == 6
    assert len(many.captured_queries) == len(few.captured_queries)
