"""The strict duplicate check's candidates come from the sketch index, not from every open ticket of the
community: a re-call is found behind many newer open tickets, the work is bounded, old sketches are purged."""

import datetime

import pytest
from django.db import connection
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


# --- Bounded cost: the statement, the rows it reads ---------------------------------------------------


def _open_with_sketches(world, n: int, *, content: str = "") -> list[Ticket]:
    tickets = _open(world, content, n)
    TicketSketch.objects.bulk_create(
        TicketSketch(ticket=t, community=world.small.community, band=b, created_at=t.created_at)
        for t in tickets
        for b in set(duplicates.sketch_bands(t.content))
    )
    return tickets


def _statements(fn) -> list[str]:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    return [q["sql"] for q in ctx.captured_queries]


@pytest.mark.django_db
def test_the_candidates_are_one_statement_however_many_tickets_are_open(world, file_ticket):
    first = file_ticket()
    probe = CONTENT.replace("请住建部门", "希望尽快")
    find = lambda: duplicate_candidates(content=probe, community=world.small.community)  # noqa: E731

    few = _statements(find)
    _open_with_sketches(world, 150)
    many = _statements(find)

    assert len(few) == len(many) == 1
    assert [t.pk for t, _ in duplicate_candidates(content=probe, community=world.small.community)] == [first.pk]


@pytest.mark.django_db
def test_a_recall_is_found_when_a_band_it_shares_is_held_by_more_than_band_rows_newer_tickets(
    world, file_ticket, monkeypatch
):
    monkeypatch.setattr(selectors, "BAND_ROWS", 5)
    first = file_ticket()
    common = duplicates.sketch_bands(CONTENT)[0]
    crowd = _open(world, "", 3 * selectors.BAND_ROWS + selectors.NEWEST_CANDIDATES)  # unrelated, newer
    TicketSketch.objects.bulk_create(
        TicketSketch(ticket=t, community=world.small.community, band=common, created_at=t.created_at) for t in crowd
    )

    found = duplicate_candidates(content=CONTENT, community=world.small.community)

    assert [t.pk for t, _ in found] == [first.pk]  # through its other bands


@pytest.mark.django_db
def test_a_ticket_moved_to_another_community_since_it_was_routed_is_not_a_candidate(world, file_ticket):
    first = file_ticket()
    other = Ticket.objects.exclude(community=world.small.community).exclude(community=None).first()
    community = other.community if other is not None else world.small.street  # any other region
    Ticket.objects.filter(pk=first.pk).update(community=community)

    assert duplicate_candidates(content=CONTENT, community=world.small.community) == []


def _buffers_read(content: str, community) -> int:
    """Shared buffers the candidate statement touches (PostgreSQL EXPLAIN ANALYZE): the work it does."""
    import re

    bands = list(dict.fromkeys(duplicates.sketch_bands(content)))
    since = timezone.now() - datetime.timedelta(days=selectors.DUPLICATE_DAYS)
    sql, params = selectors._candidates_sql(
        vendor="postgresql", community_id=community.pk, bands=bands, since=since, exclude_pk=0
    )
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT TEXT) " + sql, params)
        plan = "\n".join(row[0] for row in cur.fetchall())
    top = re.search(r"Buffers: shared(.*)", plan).group(1)  # the top node's line: the whole statement's
    return sum(int(n) for n in re.findall(r"(?:hit|read)=(\d+)", top))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL plans")
@pytest.mark.django_db
def test_the_candidate_statement_reads_about_as_much_at_1000_open_tickets_as_at_20(world, file_ticket):
    # The planner's statistics are those of an empty community (as after a storm that came after the last
    # ANALYZE): the statement must still be driven by the band index and the primary key.
    file_ticket()
    with connection.cursor() as cur:
        cur.execute(f"ANALYZE {Ticket._meta.db_table}; ANALYZE {TicketSketch._meta.db_table}")
    _open_with_sketches(world, 20)
    small = _buffers_read(CONTENT, world.small.community)
    _open_with_sketches(world, 1000)
    large = _buffers_read(CONTENT, world.small.community)

    assert large <= 2 * small + 40, (small, large)
