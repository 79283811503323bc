"""`rebuild_ticket_indexes` (routing.ticket_indexes_rebuild): open, placed tickets filed under their
duplicate sketch bands and hint keys anew; closed ones and ones outside the window left alone."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from dispatch.models import Ticket, TicketHintKey, TicketSketch
from dispatch.services.routing import hint_key_rows, ticket_indexes_rebuild


def keys_of(ticket) -> set[int]:
    return set(TicketHintKey.objects.filter(ticket_id=ticket.pk).values_list("key", flat=True))


@pytest.mark.django_db
def test_open_placed_tickets_get_their_keys_back_and_others_are_left_alone(world, file_ticket, capsys):
    routed = file_ticket()
    expected = {row.key for row in hint_key_rows(routed, routed.community_id)}
    assert routed.community_id is not None and keys_of(routed) == expected
    old = file_ticket()
    Ticket.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=40))
    closed = file_ticket()
    Ticket.objects.filter(pk=closed.pk).update(status=Ticket.FINAL_STATUSES[0])
    TicketHintKey.objects.all().delete()
    TicketSketch.objects.all().delete()

    call_command("rebuild_ticket_indexes")

    assert keys_of(routed) == expected
    assert TicketSketch.objects.filter(ticket_id=routed.pk).exists()
    assert keys_of(old) == set() and keys_of(closed) == set()
    assert "1 open tickets filed" in capsys.readouterr().out


@pytest.mark.django_db
def test_rebuilding_twice_files_each_key_once(world, file_ticket):
    tickets = [file_ticket(content=f"小区{i}号楼下水道堵了，污水漫到路上") for i in range(3)]
    before = TicketHintKey.objects.count()

    assert ticket_indexes_rebuild(chunk=2) == 3
    assert ticket_indexes_rebuild(chunk=2) == 3

    assert TicketHintKey.objects.count() == before
    assert all(keys_of(t) for t in tickets)


@pytest.mark.django_db
def test_the_window_must_be_a_day_or_more():
    with pytest.raises(CommandError, match="--days"):
        call_command("rebuild_ticket_indexes", "--days", "0")
