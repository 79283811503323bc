"""Idempotency-Key on POST /api/tickets/ and the moves: a retry replays the first answer, no second ticket;
the same key with another body is 409 naming the key; failed requests keep nothing; keys expire."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from dispatch.models import IdempotencyKey, Ticket, TicketEvent
from dispatch.services.idempotency import idempotency_keys_purge
from tests.dispatch.conftest import ADDRESS, CONTENT

pytestmark = pytest.mark.django_db
BODY = {"content": CONTENT, "address": ADDRESS, "caller_name": "王建国", "caller_phone": "13812345678"}


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def file(client, body=BODY, key="0b5c6c1e-1f4e-4a43-9a55-4b1c2e6f7a01"):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post("/api/tickets/", body, format="json", **headers)


def test_a_retry_with_the_same_key_and_body_replays_the_first_answer(world, predict):
    client = client_for(world.operator)

    first = file(client)
    again = file(client)
    third = file(client)

    assert (first.status_code, again.status_code, third.status_code) == (201, 201, 201)
    assert again.json() == first.json() and third.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert Ticket.objects.count() == 1
    assert TicketEvent.objects.filter(action="created").count() == 1


def test_the_same_key_with_another_body_is_409_naming_the_key(world, predict):
    client = client_for(world.operator)
    file(client)

    response = file(client, body={**BODY, "content": CONTENT + "，又补充一句"})

    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert response.json()["key"] == "0b5c6c1e-1f4e-4a43-9a55-4b1c2e6f7a01"
    assert "0b5c6c1e-1f4e-4a43-9a55-4b1c2e6f7a01" in response.json()["detail"]
    assert Ticket.objects.count() == 1


def test_keys_belong_to_one_user(world, predict):
    file(client_for(world.operator))
    other = file(client_for(world.admin))

    assert other.status_code == 201 and "Idempotent-Replayed" not in other
    assert Ticket.objects.count() == 2


def test_without_a_key_every_post_files(world, predict):
    client = client_for(world.operator)
    file(client, key=None)
    file(client, key=None)

    assert Ticket.objects.count() == 2
    assert IdempotencyKey.objects.count() == 0


def test_a_failed_request_keeps_nothing_and_the_corrected_retry_files(world, predict):
    client = client_for(world.operator)

    bad = file(client, body={**BODY, "content": ""})
    fixed = file(client)

    assert bad.status_code == 400
    assert fixed.status_code == 201 and "Idempotent-Replayed" not in fixed
    assert Ticket.objects.count() == 1


def test_a_malformed_key_is_400_naming_the_header(world, predict):
    response = file(client_for(world.operator), key="has spaces in it")

    assert response.status_code == 400
    assert "Idempotency-Key" in str(response.json())
    assert Ticket.objects.count() == 0


def test_keys_are_kept_at_least_24_hours_and_then_purged(world, predict, settings):
    settings.DISPATCH_IDEMPOTENCY_HOURS = 1  # asking for less than a day still keeps a day
    client = client_for(world.operator)
    file(client)
    record = IdempotencyKey.objects.get()
    assert record.expires_at - record.created_at == datetime.timedelta(hours=24)

    assert idempotency_keys_purge(now=timezone.now() + datetime.timedelta(hours=23)) == 0
    assert file(client)["Idempotent-Replayed"] == "true"
    assert idempotency_keys_purge(now=timezone.now() + datetime.timedelta(hours=25)) == 1


def test_the_purge_is_a_beat_task(settings):
    from dispatch.tasks import idempotency_keys_purge as task

    assert settings.CELERY_BEAT_SCHEDULE["idempotency-purge"]["task"] == task.name


def test_moves_replay_too(world, dispatched):
    client = client_for(world.staff)
    headers = {"HTTP_IDEMPOTENCY_KEY": "sign-once"}

    first = client.post(f"/api/tickets/{dispatched.pk}/sign/", {}, format="json", **headers)
    again = client.post(f"/api/tickets/{dispatched.pk}/sign/", {}, format="json", **headers)
    plain = client.post(f"/api/tickets/{dispatched.pk}/sign/", {}, format="json")

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert plain.status_code == 409  # without the key the second sign is an illegal move
    assert TicketEvent.objects.filter(ticket=dispatched, action="signed").count() == 1


def test_the_schema_documents_the_header_on_filing_and_moves(world):
    schema = client_for(world.admin).get("/api/schema/", {"format": "json"}).json()

    def header_names(path):
        return [p["name"] for p in schema["paths"][path]["post"].get("parameters", []) if p["in"] == "header"]

    assert "Idempotency-Key" in header_names("/api/tickets/")
    assert "Idempotency-Key" in header_names("/api/tickets/{id}/sign/")


@pytest.mark.skipif(
    __import__("django.db").db.connection.vendor != "postgresql", reason="needs PostgreSQL (concurrent writers)"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_file_one_ticket(world, predict):
    from tests.dispatch.test_faults import run_in_threads

    results = run_in_threads(*[lambda: file(client_for(world.operator)) for _ in range(4)])

    assert [r.status_code for r in results] == [201] * 4, results
    assert len({r.json()["id"] for r in results}) == 1
    assert Ticket.objects.count() == 1
    assert sum(1 for r in results if r.get("Idempotent-Replayed") == "true") == 3
