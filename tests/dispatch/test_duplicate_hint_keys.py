"""The intake's duplicate hints read their candidates from the key index (TicketHintKey): routing files a
ticket under its keys, a re-call is hinted behind many newer open tickets of its community, the queries do
not grow with them, unrelated calls of the same place are not hinted and the strict 并单 rule does not
take them either; the API offers the hints with mode=hint."""

import datetime
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from classifier.items import item_model
from dispatch import duplicates
from dispatch.models import Ticket, TicketHintKey
from dispatch.selectors import duplicate_candidates, duplicate_hints
from dispatch.selectors import duplicates as selectors
from dispatch.services.routing import ticket_hint_keys_write
from tests.dispatch.conftest import ADDRESS, CONTENT, client_for

# A re-call of CONTENT (the 3号楼 water tank) in the caller's own words: too far for the strict rule.
RECALL = "又是3号楼的，楼顶那个水箱一直没人洗，放出来的水一股怪味，物业到现在也没动静。"
# Same estate and building, other matters: never hinted for it.
UNRELATED = [
    "农大家属院3号楼楼道声控灯坏了两个月，晚上上下楼一片漆黑。",
    "农大家属院3号楼电梯又停了，住高层的老人下不去楼。",
    "农大家属院5号楼楼顶水箱不清洗，自来水发黄有味道。",
]
FILLER = [
    "经三路与农业路交叉口红绿灯坏了，早晚高峰车辆拥堵严重",
    "农大社区门口烧烤摊油烟大，夜里十二点还在营业",
    "西大街小区电梯经常困人，物业不及时维修",
    "楼下饭店排风扇噪音大，影响休息",
    "路边井盖丢失，行人夜间经过很危险",
    "东风路上共享单车乱停，把盲道堵了",
    "小区绿化带被人种了菜",
]


def _open(world, n: int, texts=FILLER) -> list[Ticket]:
    """n open tickets of the community, newer than anything filed before, each filed under its keys."""
    now = timezone.now()
    rows = Ticket.objects.bulk_create(
        Ticket(
            number=f"H{n}{i:05d}",
            content=f"{texts[i % len(texts)]}（第{i}次反映）",
            community=world.small.community,
            status=Ticket.Status.DISPATCHED,
            created_at=now + datetime.timedelta(seconds=i + 1),
        )
        for i in range(n)
    )
    ticket_hint_keys_write((t, world.small.community.pk) for t in rows)
    return rows


def _hints(world, content=RECALL, **kw) -> list[int]:
    return [t.pk for t, _ in duplicate_hints(content=content, community=world.small.community, **kw)]


@pytest.mark.django_db
def test_routing_files_the_ticket_under_its_hint_keys(world, file_ticket):
    ticket = file_ticket()

    rows = TicketHintKey.objects.filter(ticket=ticket)
    keys = set(duplicates.hint_keys(ticket.content, ticket.address, item_model()))
    assert {r.key for r in rows} == keys
    # The item model's top items are keys too: a re-call in other words often shares no rare word.
    assert len(keys - set(duplicates.hint_keys(ticket.content, ticket.address))) == duplicates.ITEM_KEYS
    assert rows.count() >= 3 and {r.community_id for r in rows} == {world.small.community.code}


@pytest.mark.django_db
def test_a_recall_is_hinted_behind_many_newer_open_tickets(world, file_ticket):
    first = file_ticket()
    _open(world, selectors.NEWEST_HINT_CANDIDATES + 40)
    assert duplicates.similarity(RECALL, CONTENT) < duplicates.THRESHOLD  # the 并单 rule does not see it

    assert _hints(world) == [first.pk]
    assert _hints(world, address="农大家属院3号楼") == [first.pk]


@pytest.mark.django_db
def test_without_its_keys_the_first_call_is_not_read_behind_the_newest(world, file_ticket):
    """The index, not a scan of the community, finds it: with its keys gone it is out of reach."""
    first = file_ticket()
    _open(world, selectors.NEWEST_HINT_CANDIDATES + 5)
    TicketHintKey.objects.filter(ticket=first).delete()

    assert first.pk not in _hints(world)


@pytest.mark.django_db
def test_the_queries_do_not_grow_with_the_open_tickets(world, file_ticket):
    file_ticket()
    _open(world, 5)
    with CaptureQueriesContext(connection) as few:
        _hints(world)
    _open(world, 60)
    with CaptureQueriesContext(connection) as many:
        _hints(world)

    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(many.captured_queries) <= duplicates.MAX_KEYS + 2


@pytest.mark.django_db
def test_unrelated_calls_of_the_same_building_are_not_hinted_nor_merged(world, file_ticket):
    file_ticket()
    _open(world, 20)

    for text in UNRELATED:
        assert _hints(world, content=text, address=ADDRESS.replace("3号楼", "")) == [], text
        assert duplicate_candidates(content=text, community=world.small.community) == [], text


@pytest.mark.django_db
def test_closed_tickets_and_tickets_past_the_window_are_not_hinted(world, file_ticket):
    first = file_ticket()
    Ticket.objects.filter(pk=first.pk).update(status=Ticket.Status.CLOSED)
    assert _hints(world) == []

    Ticket.objects.filter(pk=first.pk).update(
        status=Ticket.Status.DISPATCHED, created_at=timezone.now() - datetime.timedelta(days=duplicates.HINT_DAYS + 1)
    )
    assert _hints(world) == []


def test_the_strict_rule_merges_no_unrelated_call_of_the_sets():
    """并单 stays strict: no call of a matter reaches THRESHOLD against another matter of its community."""
    for name in ("duplicate_calls.json", "duplicate_calls_heldout.json", "duplicate_calls_test.json"):
        matters = json.loads((Path(settings.BASE_DIR) / "fixtures" / name).read_text(encoding="utf-8"))
        for m in matters:
            for o in matters:
                if o is not m and o["community"] == m["community"]:
                    assert all(duplicates.similarity(t, o["texts"][0]) < duplicates.THRESHOLD for t in m["texts"])


@pytest.mark.django_db
def test_the_api_offers_the_hints_and_keeps_merge_strict(world, file_ticket):
    first = file_ticket()
    client = client_for(world.operator)
    body = {"content": RECALL, "community": world.small.community.code}

    hinted = client.post("/api/tickets/duplicates/", {**body, "mode": "hint"}, format="json")
    merge = client.post("/api/tickets/duplicates/", body, format="json")

    assert hinted.status_code == 200 and [r["id"] for r in hinted.data] == [first.pk]
    assert 0 < hinted.data[0]["similarity"] <= 1
    assert merge.status_code == 200 and merge.data == []


@pytest.mark.django_db
def test_the_api_says_which_field_is_wrong(world):
    client = client_for(world.operator)
    body = {"content": RECALL, "community": world.small.community.code, "mode": "maybe"}

    response = client.post("/api/tickets/duplicates/", body, format="json")

    assert response.status_code == 400 and "mode" in response.data
