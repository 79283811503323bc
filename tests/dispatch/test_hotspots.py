"""集中诉求预警: detection pass, attach-to-open, closing, spikes against the street's baseline."""

import datetime

import pytest
from django.utils import timezone

from dispatch.models import Hotspot, HotspotTicket, Notification, Ticket
from dispatch.selectors import notifications_for_user
from dispatch.services.hotspots import hotspots_detect
from governance.models import Department

pytestmark = pytest.mark.django_db

WATER = [
    "农大家属院3号楼从早上开始停水了，到现在还没来水，什么时候恢复供水？",
    "我们农大家属院停水一上午了，没有任何通知，请尽快恢复供水",
    "农大社区家属院突然停水，家里老人孩子没水用，请供水公司尽快来水",
    "农大家属院5号楼停水，水龙头一滴水都没有，请问什么原因停水",
    "家属院停水好几个小时了，也没有停水通知，希望尽快恢复供水",
    "农大家属院停水了，请问什么时候恢复供水，楼上一点水都没有",
    "农大家属院还是停水，已经打过电话了，到现在没有恢复供水",
]
OTHER = [
    "文化路与农业路交叉口红绿灯坏了，车辆通行混乱，请交警部门尽快维修。",
    "小区门口烧烤摊每天晚上油烟很大，影响居民休息，请城管部门处理。",
    "孩子入学报名需要哪些材料，学区划分怎么查询？",
    "单位拖欠工资三个月不发，请劳动监察部门帮忙维权。",
]


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def file_at(world, file_ticket):
    """File and route a ticket in 农大社区, then date it `minutes_ago` before `now`."""

    def _file(content, *, at, community=None, **fields):
        t = file_ticket(content=content, community=(community or world.small.community).code, **fields)
        Ticket.objects.filter(pk=t.pk).update(created_at=at)
        return t

    return _file


def test_five_alike_calls_in_one_community_raise_one_hotspot(world, file_at, now):
    water = [file_at(text, at=now - datetime.timedelta(minutes=50 - 10 * i)) for i, text in enumerate(WATER[:5])]
    for i, text in enumerate(OTHER):
        file_at(text, at=now - datetime.timedelta(minutes=30 + i))

    result = hotspots_detect(now=now)

    assert len(result.created) == 1
    h = result.created[0]
    assert (h.kind, h.level, h.region_id, h.status) == ("cluster", "community", world.small.community.code, "open")
    assert set(h.tickets.values_list("pk", flat=True)) == {t.pk for t in water}
    assert h.ticket_count == 5
    assert h.category_code == "城乡建设"
    assert h.lead_department == water_company()
    assert h.first_at == now - datetime.timedelta(minutes=50)
    assert h.last_at == now - datetime.timedelta(minutes=10)
    assert "停水" in h.keywords
    assert h.summary.startswith("金水区文化路街道农大社区 40分钟内5件集中诉求：")
    assert h.score > 0
    notes = Notification.objects.filter(kind=Notification.Kind.HOTSPOT)
    # One to each supervisor whose region holds the place (金水区's here, not 中牟县's), one to the unit.
    assert {(n.user_id, n.department_id) for n in notes} == {(world.supervisor.pk, None), (None, water_company().pk)}
    assert all(n.data["hotspot"] == h.pk for n in notes)
    assert notifications_for_user(world.supervisor).filter(kind="hotspot").count() == 1
    assert (
        not notifications_for_user(world.staff).filter(kind="hotspot").exists()
    )  # 住建 is not the unit for a water cut
    assert not notifications_for_user(world.supervisor_zm).filter(kind="hotspot").exists()


def test_four_alike_calls_raise_nothing(file_at, now):
    for i, text in enumerate(WATER[:4]):
        file_at(text, at=now - datetime.timedelta(minutes=40 - 10 * i))

    result = hotspots_detect(now=now)

    assert result.created == []
    assert not Hotspot.objects.exists()
    assert not Notification.objects.filter(kind="hotspot").exists()


def test_alike_calls_spread_over_hours_raise_nothing(file_at, now):
    for i, text in enumerate(WATER[:5]):
        file_at(text, at=now - datetime.timedelta(hours=2 * i, minutes=1))

    assert hotspots_detect(now=now).created == []


def test_new_calls_join_the_open_hotspot_without_a_new_alert(file_at, now):
    for i, text in enumerate(WATER[:5]):
        file_at(text, at=now - datetime.timedelta(minutes=50 - 10 * i))
    first = hotspots_detect(now=now).created[0]
    later = now + datetime.timedelta(minutes=5)
    joined = [file_at(text, at=later - datetime.timedelta(minutes=2 - i)) for i, text in enumerate(WATER[5:])]
    unrelated = file_at(OTHER[0], at=later - datetime.timedelta(minutes=1))

    result = hotspots_detect(now=later)

    assert result.created == []
    assert result.attached == 2
    first.refresh_from_db()
    assert first.ticket_count == 7
    assert set(joined[i].pk for i in range(2)) <= set(first.tickets.values_list("pk", flat=True))
    assert not first.tickets.filter(pk=unrelated.pk).exists()
    assert first.last_at == later - datetime.timedelta(minutes=1)
    assert "7件" in first.summary
    assert Hotspot.objects.count() == 1
    assert Notification.objects.filter(kind="hotspot").count() == 2  # still only the first alert's two


def test_a_second_pass_raises_nothing_new(file_at, now):
    for i, text in enumerate(WATER[:5]):
        file_at(text, at=now - datetime.timedelta(minutes=50 - 10 * i))
    hotspots_detect(now=now)

    again = hotspots_detect(now=now + datetime.timedelta(minutes=5))

    assert (again.created, again.attached) == ([], 0)
    assert Hotspot.objects.count() == 1
    assert HotspotTicket.objects.count() == 5


def test_a_quiet_hotspot_closes_and_takes_no_more_tickets(file_at, now):
    for i, text in enumerate(WATER[:5]):
        file_at(text, at=now - datetime.timedelta(minutes=50 - 10 * i))
    h = hotspots_detect(now=now).created[0]

    result = hotspots_detect(now=now + datetime.timedelta(hours=7))

    assert result.closed == 1
    h.refresh_from_db()
    assert h.status == Hotspot.Status.CLOSED
    assert h.closed_at == now + datetime.timedelta(hours=7)


def test_proactive_tickets_are_not_counted(file_at, now, world):
    for i, text in enumerate(WATER[:5]):
        file_at(
            text, at=now - datetime.timedelta(minutes=50 - 10 * i), channel=Ticket.Channel.PROACTIVE, by=world.admin
        )

    assert hotspots_detect(now=now).created == []


SPIKE = [
    "农大社区楼道堆放杂物很多，存在消防隐患。",
    "小区电梯经常停运，物业不维修。",
    "农大家属院外墙瓷砖脱落，砸到停放车辆。",
    "农大社区路面坑洼，下雨积水严重。",
    "家属院违建阳光房，影响邻居采光。",
    "农大社区垃圾清运不及时，异味很大。",
]


def _spread(file_at, at, texts, community=None):
    return [
        file_at(t, at=at - datetime.timedelta(minutes=15 * i + 1), community=community) for i, t in enumerate(texts)
    ]


def test_a_category_spike_in_a_street_against_a_quiet_baseline(file_at, now, world):
    # History: a quiet month (one ticket four weeks ago, so four baseline weeks are known).
    file_at(OTHER[2], at=now - datetime.timedelta(weeks=4, hours=3))
    spike = _spread(file_at, now, SPIKE)

    result = hotspots_detect(now=now)

    assert [(h.kind, h.level, h.region_id, h.category_code) for h in result.created] == [
        ("spike", "street", world.small.street.code, "城乡建设")
    ]
    h = result.created[0]
    assert set(h.tickets.values_list("pk", flat=True)) == {t.pk for t in spike}
    assert h.expected == pytest.approx(0.3)


def test_the_same_count_is_no_spike_where_it_is_usual(file_at, now):
    # Every one of the last four weeks had as many such tickets at this hour on this weekday.
    for week in range(1, 5):
        _spread(file_at, now - datetime.timedelta(weeks=week), SPIKE)
    _spread(file_at, now, SPIKE)

    assert hotspots_detect(now=now).created == []


def water_company() -> Department:
    """The unit the 派单目录 names for a water cut (供水: the utility leads)."""
    return Department.objects.get(dept_type="water")
