"""Personal data lifecycle: callers anonymised DISPATCH_PII_RETENTION_DAYS after closure (ticket, category,
place, timeline kept; each run recorded; idempotent), and one caller's data exported or erased on request,
recorded (dispatch/services/privacy.py)."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.utils import timezone

from dispatch import selectors
from dispatch.models import CallerDataRequest, PiiAnonymisationRun, Ticket, TicketCaller, TicketEvent
from dispatch.services.privacy import caller_data_erase, caller_data_export, pii_anonymise_expired
from tests.dispatch.conftest import CONTENT

pytestmark = pytest.mark.django_db

OLD_PHONE, NEW_PHONE, MERGED_PHONE = "13811112222", "13933334444", "13755556666"
ID_NUMBER = "410105198001011234"
PERSONAL = ("caller_name", "caller_phone", "content", "reply_text", "answer")


def closed(file_ticket, *, phone, days_ago, name="王建国", content=CONTENT):
    t = file_ticket(
        route=False, caller_phone=phone, caller_name=name, content=content, close_at_intake=True, answer="已答复"
    )
    Ticket.objects.filter(pk=t.pk).update(closed_at=timezone.now() - datetime.timedelta(days=days_ago))
    return Ticket.objects.get(pk=t.pk)


def facts(ticket) -> dict:
    """Everything of a ticket that is not personal data (what statistics and the timeline read)."""
    t = Ticket.objects.get(pk=ticket.pk)
    data = {k: v for k, v in model_to_dict(t).items() if k not in PERSONAL}
    data.update(updated_at=t.updated_at, created_at=t.created_at, closed_at=t.closed_at)
    return data | {"events": list(TicketEvent.objects.filter(ticket=t).values_list("id", "action", "reason"))}


@pytest.fixture
def tickets(world, file_ticket, settings):
    settings.DISPATCH_PII_RETENTION_DAYS = 180
    old = closed(file_ticket, phone=OLD_PHONE, days_ago=200, content=f"{CONTENT}身份证{ID_NUMBER}，电话{OLD_PHONE}")
    TicketCaller.objects.create(ticket=old, name="李四", phone=MERGED_PHONE)
    recent = closed(file_ticket, phone=NEW_PHONE, days_ago=10)
    open_one = file_ticket(caller_phone=OLD_PHONE)
    Ticket.objects.filter(pk=open_one.pk).update(created_at=timezone.now() - datetime.timedelta(days=400))
    return old, recent, open_one


def test_callers_of_tickets_closed_past_the_retention_are_anonymised(world, tickets):
    old, recent, open_one = tickets
    before = {t.pk: facts(t) for t in tickets}
    kept = {t.pk: model_to_dict(Ticket.objects.get(pk=t.pk)) for t in (recent, open_one)}

    run = pii_anonymise_expired()

    t = Ticket.objects.get(pk=old.pk)
    assert (t.caller_name, t.caller_phone) == ("", "")
    assert ID_NUMBER not in t.content and OLD_PHONE not in t.content and "楼顶水箱" in t.content
    assert list(TicketCaller.objects.filter(ticket=old).values_list("name", "phone")) == [("", "")]
    assert {t.pk: facts(t) for t in tickets} == before  # category, place, times, timeline: all kept
    assert {t.pk: model_to_dict(Ticket.objects.get(pk=t.pk)) for t in (recent, open_one)} == kept
    assert (run.tickets, run.callers, run.retention_days, run.finished_at is not None) == (1, 1, 180, True)
    assert PiiAnonymisationRun.objects.count() == 1


def test_a_second_run_changes_nothing_and_is_recorded(world, tickets):
    pii_anonymise_expired()
    after_first = [model_to_dict(t) for t in Ticket.objects.order_by("pk")]

    again = pii_anonymise_expired()

    assert (again.tickets, again.callers) == (0, 0)
    assert [model_to_dict(t) for t in Ticket.objects.order_by("pk")] == after_first
    assert PiiAnonymisationRun.objects.count() == 2


def test_caller_history_no_longer_finds_anonymised_callers(world, tickets):
    old, _, open_one = tickets
    assert set(selectors.tickets_by_phone(OLD_PHONE)) == {old, open_one}
    assert list(selectors.tickets_by_phone(MERGED_PHONE)) == [old]

    pii_anonymise_expired()

    assert list(selectors.tickets_by_phone(OLD_PHONE)) == [open_one]  # the open ticket is still in use
    assert not selectors.tickets_by_phone(MERGED_PHONE).exists()


def test_the_retention_is_a_setting(world, tickets, settings):
    settings.DISPATCH_PII_RETENTION_DAYS = 5

    assert pii_anonymise_expired().tickets == 2


def test_export_of_one_caller_is_recorded(world, tickets):
    old, _, open_one = tickets

    data = caller_data_export(phone="+86 138 1111 2222", by=world.admin, note="来电申请")

    assert [r["number"] for r in data["tickets"]] == [open_one.number, old.number]  # in filing order
    assert data["tickets"][1]["caller_name"] == "王建国" and ID_NUMBER in data["tickets"][1]["content"]
    json.dumps(data, ensure_ascii=False)
    record = CallerDataRequest.objects.get()
    assert (record.kind, record.phone_masked, record.requested_by, record.tickets) == (
        "export",
        "138****2222",
        world.admin,
        [open_one.number, old.number],
    )


def test_erasure_clears_one_caller_everywhere_and_nobody_else(world, tickets):
    old, recent, open_one = tickets
    recent_before = model_to_dict(Ticket.objects.get(pk=recent.pk))
    facts_before = facts(open_one)

    record = caller_data_erase(phone=OLD_PHONE, by=world.admin)

    assert not selectors.tickets_by_phone(OLD_PHONE).exists()
    assert Ticket.objects.get(pk=open_one.pk).caller_name == ""
    assert facts(open_one) == facts_before
    assert list(TicketCaller.objects.filter(ticket=old).values_list("name", "phone")) == [("李四", MERGED_PHONE)]
    assert model_to_dict(Ticket.objects.get(pk=recent.pk)) == recent_before
    assert (record.kind, record.requested_by, set(record.tickets)) == (
        "erase",
        world.admin,
        {old.number, open_one.number},
    )
    assert OLD_PHONE not in str(list(CallerDataRequest.objects.values()))


def test_the_command_exports_and_erases(world, tickets, tmp_path, capsys):
    out = tmp_path / "export.json"
    call_command("caller_data", "export", MERGED_PHONE, "--by", world.admin.username, "--out", str(out))
    assert json.loads(out.read_text())["tickets"][0]["names_as_merged_caller"] == ["李四"]

    call_command("caller_data", "erase", MERGED_PHONE, "--by", world.admin.username)

    assert tickets[0].number in capsys.readouterr().out
    assert not TicketCaller.objects.filter(phone=MERGED_PHONE).exists()
    assert list(CallerDataRequest.objects.order_by("id").values_list("kind", flat=True)) == ["export", "erase"]


def test_the_admin_actions_are_for_administrators(world, tickets, client):
    old = tickets[0]
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    client.force_login(world.admin)

    response = client.post("/admin/dispatch/ticket/", {"action": "export_caller_data", "_selected_action": [old.pk]})

    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert old.number in [r["number"] for r in json.loads(response.content)[0]["tickets"]]
    client.post("/admin/dispatch/ticket/", {"action": "erase_caller_data", "_selected_action": [old.pk]})
    assert Ticket.objects.get(pk=old.pk).caller_phone == ""
    assert CallerDataRequest.objects.filter(kind="erase", requested_by=world.admin).exists()


def test_the_beat_task_runs_the_sweep(world, tickets):
    from dispatch.tasks import pii_anonymise

    assert pii_anonymise()["tickets"] == 1
