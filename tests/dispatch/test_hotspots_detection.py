"""The detection core on plain rows (no database): places, the Poisson tail, clusters across a city."""

import datetime

import pytest

from dispatch import hotspot_detection as hd
from dispatch.hotspot_text import summary_line

T0 = datetime.datetime(2026, 11, 2, 10, 0, tzinfo=datetime.UTC)
GAS = [
    "燃气缴费系统进不去，燃气费交不上，家里没法做饭",
    "燃气公众号缴费一直失败，燃气费交不上，请燃气公司尽快修复",
    "燃气缴费充值失败，营业厅排长队，燃气费交不了",
    "网上缴燃气费一直失败，燃气缴费客服电话打不通",
    "燃气缴费后燃气表没到账，燃气费白交了，请尽快解决",
]


def row(i, minutes, text, community="410105008001", category="商贸旅游"):
    return hd.Row(
        i,
        T0 + datetime.timedelta(minutes=minutes),
        text,
        category,
        community[:6] + "000000",
        community[:9] + "000",
        community,
    )


def test_place_is_the_most_specific_region_holding_most_tickets():
    one = [row(i, i, "x") for i in range(5)]
    assert hd.place_of(one) == ("community", "410105008001")
    street = [row(i, i, "x", community=f"41010500800{i}") for i in range(1, 6)]
    assert hd.place_of(street) == ("street", "410105008000")
    city = [row(1, 1, "x", "410105008001"), row(2, 2, "x", "410122002001"), row(3, 3, "x", "410102001001")]
    assert hd.place_of(city) == ("city", "410100000000")


def test_poisson_tail():
    assert hd.poisson_tail(0, 2.0) == 1.0
    assert hd.poisson_tail(1, 2.0) == pytest.approx(1 - 0.1353352832)
    assert hd.poisson_tail(5, 0.3) == pytest.approx(1.579e-05, rel=1e-3)


def test_alike_calls_across_districts_make_one_city_wide_cluster():
    places = ["410105008001", "410122002001", "410102001001", "410105008002", "410122002001"]
    rows = [row(i, 10 * i, text, community=places[i]) for i, text in enumerate(GAS)]
    rows.append(row(99, 5, "孩子入学报名需要哪些材料", category="教育文体"))

    (c,) = hd.detect(rows, [], now=T0 + datetime.timedelta(minutes=45), baseline={}, weeks=0)

    assert (c.kind, c.level, c.region, c.category) == ("cluster", "city", "410100000000", "商贸旅游")
    assert sorted(c.ticket_ids) == [0, 1, 2, 3, 4]
    assert "燃气" in c.keywords and c.hotspot_id is None


def test_an_alike_call_joins_the_live_hotspot_in_its_place_or_next_door_while_calls_come():
    members = [row(i, 10 * i, text) for i, text in enumerate(GAS[:5])]
    live = [hd.OpenHotspot(7, "cluster", "410105008001", "商贸旅游", members, "community")]
    text = "燃气缴费还是失败，燃气费交不上"

    def joined(minutes, community):
        later = row(50, minutes, text, community=community)
        found = hd.detect(members + [later], live, now=later.created_at, baseline={}, weeks=0)
        return [(c.hotspot_id, c.ticket_ids) for c in found]

    assert joined(60, "410105008002") == [(7, [50])]  # next door (same street), 20 minutes after the last
    assert joined(300, "410105008001") == [(7, [50])]  # its own community, hours later: still live
    assert joined(300, "410105008002") == []  # next door hours later: not this surge (one call: no alert)


def test_summary_line():
    line = summary_line(
        place="农大社区", first_at=T0, last_at=T0 + datetime.timedelta(minutes=45), count=6, words=["停水", "供水"]
    )
    assert line == "农大社区 45分钟内6件集中诉求：停水、供水"


# A later wave of the same city-wide failure, phrased in other words than the first (callers do not repeat
# one another): alike among themselves, and to the first wave as a whole, but not ticket by ticket.
GAS_LATER = [
    "燃气营业厅排长队，燃气表充值还是失败",
    "燃气公司客服打不通，燃气表充值失败没气了",
    "燃气表充值不到账，营业厅排了两个小时",
    "燃气充值失败，燃气营业厅人太多排不上",
    "燃气表一直充不上，营业厅排队很久，客服不接",
]
WATER = [
    "小区突然停水了，一直没水，请尽快抢修",
    "家里停水三个小时了，水龙头没有水",
    "又停水了，也没有通知，什么时候来水",
    "楼上楼下都停水了，没法做饭，请供水公司处理",
    "停水一上午了，请尽快恢复供水",
]
CITY = ["410105008001", "410122002001", "410102001001", "410105008002", "410122002001"]


def wave(first_id, minutes, texts, category="商贸旅游"):
    return [row(first_id + i, minutes + 3 * i, t, community=CITY[i], category=category) for i, t in enumerate(texts)]


def test_a_later_wave_of_the_same_surge_attaches_to_its_open_hotspot_without_a_new_alert():
    first = wave(0, 0, GAS)
    live = [hd.OpenHotspot(7, "cluster", "410100000000", "商贸旅游", first, "city")]
    later = wave(100, 80, GAS_LATER)
    now = later[-1].created_at

    alone = hd.detect(later, [], now=now, baseline={}, weeks=0)  # without the hotspot: a surge of its own
    assert [(c.hotspot_id, len(c.rows)) for c in alone] == [(None, 5)]
    found = hd.detect(first + later, live, now=now, baseline={}, weeks=0)

    assert found and all(c.hotspot_id == 7 for c in found)  # no new alert
    assert {i for c in found for i in c.ticket_ids} <= {r.id for r in later}


def test_a_cluster_inside_an_open_spike_of_its_street_and_category_attaches_to_it():
    street = "410105008000"
    spike_rows = [row(i, i, "路面坑洼", community=street[:9] + "002", category="城乡建设") for i in range(6)]
    live = [hd.OpenHotspot(4, "spike", street, "城乡建设", spike_rows, "street")]
    water = [
        row(100 + i, 10 + 3 * i, t, community=street[:9] + "001", category="城乡建设") for i, t in enumerate(WATER)
    ]

    found = hd.detect(water, live, now=water[-1].created_at, baseline={}, weeks=0)

    assert [(c.kind, c.hotspot_id, sorted(c.ticket_ids)) for c in found] == [("cluster", 4, [100, 101, 102, 103, 104])]
    elsewhere = [
        row(r.id, 10 + 3 * k, r.text, community="410105009001", category="城乡建设") for k, r in enumerate(water)
    ]
    assert [c.hotspot_id for c in hd.detect(elsewhere, live, now=water[-1].created_at, baseline={}, weeks=0)] == [None]


def test_another_matter_does_not_join_an_open_hotspot():
    first = wave(0, 0, GAS)
    live = [hd.OpenHotspot(7, "cluster", "410100000000", "商贸旅游", first, "city")]
    water = wave(100, 30, WATER, category="城乡建设")
    found = hd.detect(first + water, live, now=water[-1].created_at, baseline={}, weeks=0)
    assert [(c.hotspot_id, c.category) for c in found] == [(None, "城乡建设")]


def test_a_spike_of_a_street_an_open_cluster_covers_raises_nothing():
    street = "410105008000"
    cluster = [row(i, 2 * i, WATER[i], community=street[:9] + "001", category="城乡建设") for i in range(5)]
    others = [
        row(10 + i, 2 * i, f"第{i}件其他城建诉求：路面坑洼", community=street[:9] + "002", category="城乡建设")
        for i in range(4)
    ]
    now = T0 + datetime.timedelta(minutes=30)
    rows = cluster + others
    spikes = hd.find_spikes(rows, {}, 4, [], now=now)
    assert [(c.kind, c.region) for c in spikes] == [("spike", street)]  # 9 calls against a quiet baseline
    live = [hd.OpenHotspot(3, "cluster", street[:9] + "001", "城乡建设", cluster, "community")]
    assert hd.find_spikes(rows, {}, 4, live, now=now) == []


def test_places_nest():
    assert hd.nested(("community", "410105008001"), ("city", "410100000000"))
    assert hd.nested(("city", "410100000000"), ("street", "410105008000"))
    assert not hd.nested(("community", "410105008001"), ("street", "410105009000"))


def test_of_a_mixed_cluster_only_the_tickets_alike_to_the_open_hotspot_attach():
    """ "没法做饭" chains water-cut calls to a gas-failure surge: the gas calls attach, the water calls wait."""
    first = wave(0, 0, GAS)
    live = [hd.OpenHotspot(7, "cluster", "410100000000", "商贸旅游", first, "city")]
    mixed = wave(100, 60, ["燃气缴费系统进不去，家里没法做饭", "燃气费交不上，没法做饭"] + WATER[:3])
    (attached,) = hd.detect(mixed, live, now=mixed[-1].created_at, baseline={}, weeks=0)
    assert attached.hotspot_id == 7 and sorted(attached.ticket_ids) == [100, 101]
