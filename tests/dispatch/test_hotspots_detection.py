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
