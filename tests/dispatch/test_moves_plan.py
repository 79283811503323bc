"""What every named move shares (dispatch/services/moves/plan.py): its public signature, inputs checked
before anything is locked, and the move's notifications in the move's transaction."""

import inspect

import pytest

from common.errors import ApplicationError
from dispatch import services
from dispatch.models import Notification, Ticket, TicketEvent
from dispatch.services import moves
from dispatch.services.moves import review

pytestmark = pytest.mark.django_db


# Moves of one ticket; tickets_dispatch_batch calls ticket_dispatch once per ticket.
@pytest.mark.parametrize("name", [n for n in moves.__all__ if n.startswith("ticket_") and n != "ticket_merge"])
def test_each_move_takes_the_ticket_the_actor_its_inputs_and_the_pages_version(name):
    params = inspect.signature(getattr(moves, name)).parameters

    assert list(params)[:2] == ["ticket", "by"] and list(params)[-1] == "expected_version"
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params.values())
    assert params["expected_version"].default is None


def test_bad_input_is_refused_before_the_ticket_is_touched(world, handling, django_assert_num_queries):
    with django_assert_num_queries(0), pytest.raises(ApplicationError) as err:
        services.ticket_extension_request(ticket=handling, by=world.staff, days=0, reason="需要协调")

    assert err.value.extra == {"field": "days"}


def test_a_failing_notification_undoes_the_move(world, handling, monkeypatch):
    services.ticket_reply(ticket=handling, by=world.staff, text="已修复")
    services.ticket_reply_review(ticket=handling, by=world.dispatcher, approve=True)
    services.ticket_close(ticket=handling, by=world.dispatcher, reason="诉求人要求不回访")
    before = (Ticket.objects.get(pk=handling.pk).version, TicketEvent.objects.filter(ticket=handling).count())

    def broken(*args, **kwargs):
        raise RuntimeError("notification store down")

    monkeypatch.setattr(review, "notify_lead", broken)
    with pytest.raises(RuntimeError):
        services.ticket_reopen(ticket=handling.pk, by=world.dispatcher, reason="诉求人反映问题复发")

    fresh = Ticket.objects.get(pk=handling.pk)
    assert fresh.status == Ticket.Status.CLOSED
    assert (fresh.version, TicketEvent.objects.filter(ticket=handling).count()) == before
    assert not Notification.objects.filter(ticket=handling, kind=Notification.Kind.REOPENED).exists()
