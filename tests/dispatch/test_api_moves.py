"""The move endpoints: each declares its own request body in the OpenAPI schema, and the page's
`version` is checked by the locked transition (409 `stale`), not by an unlocked read in the API."""

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from dispatch import services
from dispatch.apis.moves import MOVE_APIS
from dispatch.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def request_ref(schema: dict, path: str) -> str:
    content = schema["paths"][path]["post"]["requestBody"]["content"]
    refs = {media["schema"]["$ref"] for media in content.values()}
    assert len(refs) == 1, refs  # JSON, form and multipart bodies are the same component
    return refs.pop().rsplit("/", 1)[-1]


def test_every_move_endpoint_declares_its_own_request_body():
    schema = SchemaGenerator().get_schema(request=None, public=True)

    refs = {name: request_ref(schema, f"/api/tickets/{{id}}/{name}/") for name in MOVE_APIS}

    assert refs == {name: view.InputSerializer.__name__ for name, view in MOVE_APIS.items()}
    assert len(set(refs.values())) == len(MOVE_APIS) == 16
    components = schema["components"]["schemas"]
    assert set(components["DispatchInput"]["properties"]) >= {"department", "assists", "category_code", "version"}
    assert set(components["SignInput"]["properties"]) == {"version"}
    assert set(components["WhistleInput"]["required"]) == {"departments", "reason"}
    assert set(components["CloseAtIntakeInput"]["required"]) == {"answer"}


def test_move_classes_are_named_classes():
    assert MOVE_APIS["sign"].__name__ == "TicketSignApi" and MOVE_APIS["sign"].__module__ == "dispatch.apis.moves"


def test_stale_version_is_refused_under_the_lock_and_changes_nothing(world, file_ticket):
    ticket = file_ticket()
    services.ticket_sign(ticket=ticket, by=world.staff)  # version 1 → 2 while the page still shows 1
    before = Ticket.objects.get(pk=ticket.pk)
    events = TicketEvent.objects.filter(ticket=ticket).count()

    response = client_for(world.staff).post(
        f"/api/tickets/{ticket.pk}/reply/", {"text": "已处理", "version": before.version - 1}, format="json"
    )

    assert response.status_code == 409
    assert (response.data["code"], response.data["version"]) == ("stale", before.version)
    after = Ticket.objects.get(pk=ticket.pk)
    assert (after.status, after.version, after.reply_text) == (before.status, before.version, before.reply_text)
    assert TicketEvent.objects.filter(ticket=ticket).count() == events


def test_the_api_passes_the_version_to_the_transition(world, file_ticket, monkeypatch):
    """The version is checked by `ticket_transition` (locked), so the API must hand it over."""
    ticket = file_ticket()
    seen = []
    from dispatch.services import core

    real = core.ticket_transition

    def spy(**kwargs):
        seen.append(kwargs.get("expected_version"))
        return real(**kwargs)

    monkeypatch.setattr("dispatch.services.moves.plan.ticket_transition", spy)  # where every move calls it
    current = Ticket.objects.get(pk=ticket.pk).version

    response = client_for(world.staff).post(f"/api/tickets/{ticket.pk}/sign/", {"version": current}, format="json")

    assert response.status_code == 200 and response.data["status"] == "handling"
    assert seen == [current]


def test_a_department_is_looked_up_by_the_service_by_id_or_code(world, file_ticket):
    ticket = file_ticket()
    services.ticket_sign(ticket=ticket, by=world.staff)
    client = client_for(world.staff)

    unknown = client.post(
        f"/api/tickets/{ticket.pk}/whistle/", {"reason": "需要协办", "departments": ["no-such"]}, format="json"
    )
    by_code = client.post(
        f"/api/tickets/{ticket.pk}/whistle/",
        {"reason": "需要协办", "departments": [world.chengguan.code]},
        format="json",
    )

    assert unknown.status_code == 400 and unknown.data == {"departments": ["未知的承办单位"]}
    assert by_code.status_code == 200
    assert ticket.assists.filter(department=world.chengguan).exists()


def test_an_unsatisfied_callback_through_the_api_needs_its_reason(world, file_ticket):
    ticket = file_ticket()
    services.ticket_sign(ticket=ticket, by=world.staff)
    services.ticket_reply(ticket=ticket, by=world.staff, text="已处理完毕")
    services.ticket_reply_review(ticket=ticket, by=world.dispatcher, approve=True)
    client = client_for(world.dispatcher)
    url = f"/api/tickets/{ticket.pk}/callback/"

    refused = client.post(url, {"satisfaction": "unsatisfied"}, format="json")
    done = client.post(
        url,
        {"satisfaction": "unsatisfied", "contacted": True, "resolved": "partly", "reason": "overdue"},
        format="json",
    )

    assert refused.status_code == 400 and refused.data == {"reason": ["请选择不满意原因"]}
    assert done.status_code == 200 and done.data["status"] == Ticket.Status.HANDLING
    event = TicketEvent.objects.get(ticket=ticket, action="called_back")
    assert event.data == {"satisfaction": "unsatisfied", "contacted": True, "resolved": "partly", "reason": "overdue"}
