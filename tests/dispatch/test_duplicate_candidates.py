"""The strict duplicate check's candidates come from the sketch index, not from every open ticket of the
community: a re-call is found behind many newer open tickets, the work is bounded, old sketches are purged."""

import datetime

import pytest
from django.utils import timezone

from dispatch import duplicates
from dispatch.models import Ticket, TicketHintKey, TicketSketch
from dispatch.selectors import duplicate_candidates
from dispatch.selectors import duplicates as selectors
from dispatch.services.routing import ticket_sketches_purge
from tests.dispatch.conftest import CONTENT

OTHER = [
    "经三路与农业路交叉口红绿灯坏了，早晚高峰车辆拥堵严重",
    "农大社区门口烧烤摊油烟大，夜里十二点还在营业",
    "小区电梯经常困人，物业不及时维修",
    "楼下饭店排风扇噪音大，影响休息",
    "路边井盖丢失，行人夜间经过很危险",
]


def _open(world, content: str, n: int) -> list[Ticket]:
    now = timezone.now()
    rows = [
        Ticket(
            number=f"T{n}{i:05d}",
            content=content if content else OTHER[i % len(OTHER)] + f"（第{i}次反映）",
            community=world.small.community,
            status=Ticket.Status.DISPATCHED,
            created_at=now - datetime.timedelta(minutes=n - i),
        )
        for i in range(n)
    ]
    return Ticket.objects.bulk_create(rows)


@pytest.mark.django_db
def test_routing_writes_the_sketch_of_the_ticket_under_its_community(world, file_ticket):
    ticket = file_ticket()

    rows = TicketSketch.objects.filter(ticket=ticket)
    assert rows.count() == len(set(duplicates.sketch_bands(CONTENT)))
    assert {r.community_id for r in rows} == {world.small.community.code}


@pytest.mark.django_db
def test_a_recall_is_found_behind_more_newer_open_tickets_than_the_newest_are_read(world, file_ticket):
    first = file_ticket()
    newer = _open(world, "", selectors.NEWEST_CANDIDATES + 15)
    assert first.pk not in [t.pk for t in newer]

    found = duplicate_candidates(content=CONTENT.replace("请住建部门", "希望尽快"), community=world.small.community)

    assert [t.pk for t, _ in found] == [first.pk]
    assert found[0][1] >= duplicates.THRESHOLD


@pytest.mark.django_db
def test_the_texts_compared_are_bounded_whatever_the_open_tickets(world, file_ticket, monkeypatch):
    file_ticket()
    many = _open(world, CONTENT, 60)  # 60 open copies with sketches, as if each had been routed
    TicketSketch.objects.bulk_create(
        TicketSketch(ticket=t, community=world.small.community, band=b, created_at=t.created_at)
        for t in many
        for b in set(duplicates.sketch_bands(t.content))
    )
    seen = []
    real = duplicates.rank_duplicates
    monkeypatch.setattr(
        duplicates, "rank_duplicates", lambda c, tickets, **kw: seen.append(len(tickets)) or real(c, tickets, **kw)
    )

    found = duplicate_candidates(content=CONTENT, community=world.small.community)

    assert len(found) == 5
    assert (
        len(seen) == 1
        and selectors.SKETCH_CANDIDATES <= seen[0] <= selectors.NEWEST_CANDIDATES + selectors.SKETCH_CANDIDATES
    )


@pytest.mark.django_db
def test_closed_tickets_are_not_candidates(world, file_ticket):
    first = file_ticket()
    Ticket.objects.filter(pk=first.pk).update(status=Ticket.Status.CLOSED)

    assert duplicate_candidates(content=CONTENT, community=world.small.community) == []


@pytest.mark.django_db
def test_sketches_older_than_the_window_are_purged(world, file_ticket):
    ticket = file_ticket()
    kept = TicketSketch.objects.filter(ticket=ticket).count() + TicketHintKey.objects.filter(ticket=ticket).count()

    assert ticket_sketches_purge() == 0
    later = timezone.now() + datetime.timedelta(days=selectors.DUPLICATE_DAYS + 1)
    assert ticket_sketches_purge(now=later) == kept
    assert not TicketSketch.objects.exists() and not TicketHintKey.objects.exists()
