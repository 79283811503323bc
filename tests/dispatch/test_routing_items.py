"""Routing by matter item and place: territorial → the street office of the place, functional → the
district department, utility → the enterprise; no automatic dispatch without the place the item needs;
the `route` event says why."""

import pytest

from dispatch.models import Notification, Ticket, TicketEvent
from governance.models import CatalogueItem, Department
from governance.selectors import PLACE_UNKNOWN
from governance.selectors.items import SITE_UNKNOWN
from tests.dispatch.conftest import ADDRESS, WEAK_CONTENT

S = Ticket.Status
pytestmark = pytest.mark.django_db


def route_event(ticket) -> TicketEvent:
    return TicketEvent.objects.get(ticket=ticket, action="routed")


def test_the_shared_scenario_goes_to_the_district_housing_bureau_by_its_item(world, file_ticket):
    ticket = file_ticket()
    event = route_event(ticket)
    assert (ticket.status, ticket.lead_department, ticket.category_code) == (S.DISPATCHED, world.zhujian, "城乡建设")
    assert list(ticket.assists.values_list("department", flat=True)) == [world.chengguan.pk]
    assert event.data["item_path"] == "城乡建设/城市建设和市政管理/自来水供应/二次供水"
    assert event.reason.startswith(
        "事项“自来水供应·二次供水”（识别词：楼顶水箱、霉味）"
    )  # 水箱清洗 shares 水箱 with 楼顶水箱
    assert event.reason.endswith("→ 金水区住房和城乡建设局")
    assert ticket.ai_routing["items"][0]["unit_name"] == "金水区住房和城乡建设局"


def test_territorial_item_goes_to_the_street_office_and_the_grid_worker_is_told(world, file_ticket):
    ticket = file_ticket(content="家属院有人在楼顶私自加盖房子，违章建筑，请处理", address=ADDRESS)
    street_office = Department.objects.get(dept_type="street_office", region=world.small.street)
    assert (ticket.status, ticket.lead_department) == (S.DISPATCHED, street_office)
    assert ticket.grid is not None
    assert Notification.objects.filter(ticket=ticket, kind="grid", user=ticket.grid.responsible.user).count() == 1
    assert sorted(ticket.assists.values_list("department__dept_type", flat=True)) == ["chengguan", "ziran"]
    assert route_event(ticket).data["item_kind"] == "territorial"


def test_territorial_item_without_a_street_waits_with_the_reason_and_suggestions(world, file_ticket):
    ticket = file_ticket(content="楼上噪音扰民，天天半夜吵", address="")
    event = route_event(ticket)
    assert (ticket.status, ticket.lead_department) == (S.PENDING_DISPATCH, None)
    assert event.reason.startswith(PLACE_UNKNOWN)
    assert event.data["auto"] is False
    top = ticket.ai_routing["items"][0]
    assert (top["path"], top["unit"], top["words"][:2]) == (
        "环境保护/环境污染/噪音污染/社会生活噪声",
        None,
        ["噪音", "扰民"],
    )
    assert Notification.objects.filter(ticket=ticket, kind="dispatched").count() == 0


def test_district_item_with_only_the_district_goes_to_its_department(world, file_ticket, predict):
    ticket = file_ticket(content="孩子上小学划片不合理，学校太远，入学难", address="中牟县")
    assert ticket.status == S.DISPATCHED
    assert ticket.lead_department == Department.objects.get(dept_type="jiaoyu", region=world.small.zhongmou)


def test_a_matter_at_a_spot_waits_for_the_spot_and_goes_once_the_address_names_a_road(world, file_ticket):
    """A lamp in "中牟县" cannot be found by anyone; "中牟县牟州大道东段" can: the county's 城管 has it."""
    held = file_ticket(content="这边的路灯坏了好几天了，晚上很黑", address="中牟县")
    assert (held.status, held.lead_department) == (S.PENDING_DISPATCH, None)
    assert route_event(held).reason == PLACE_UNKNOWN + SITE_UNKNOWN
    assert route_event(held).data["auto"] is False
    assert held.ai_routing["items"][0]["path"] == "城乡建设/城市建设和市政管理/城市公共设施"
    sent = file_ticket(content="这边的路灯坏了好几天了，晚上很黑", address="中牟县牟州大道东段")
    assert (sent.status, sent.street) == (S.DISPATCHED, None)
    assert sent.lead_department == Department.objects.get(dept_type="chengguan", region=world.small.zhongmou)


def test_a_crossroads_the_place_names_put_in_a_district_goes_to_its_department_and_says_so(world, file_ticket):
    """ "农业路与经三路交叉口" names no district in the divisions; in the 地名库 both roads are 金水区's."""
    from governance.services.place_names import place_names_import

    call = {"content": "这边的路灯坏了好几天了，晚上很黑", "address": "农业路与经三路交叉口"}
    held = file_ticket(**call)
    assert (held.status, held.district) == (S.PENDING_DISPATCH, None)
    place_names_import(text="name,aliases,kind,districts,street\n农业路,,road,金水区,\n经三路,,road,金水区,\n")

    sent = file_ticket(**call)
    event = route_event(sent)
    assert (sent.status, sent.district, sent.street) == (S.DISPATCHED, world.small.district, None)
    assert sent.lead_department == Department.objects.get(dept_type="chengguan", region=world.small.district)
    assert event.data["place_names"] == ["农业路", "经三路"]
    assert event.reason.endswith("（属地据地名库“农业路、经三路”定为金水区）")


def test_district_item_without_a_place_waits(world, file_ticket):
    ticket = file_ticket(content="路灯坏了好几天了，晚上走路很黑", address="")
    assert ticket.status == S.PENDING_DISPATCH
    assert route_event(ticket).reason == PLACE_UNKNOWN + "（需明确区县）"


def test_utility_item_is_dispatched_without_a_place(world, file_ticket):
    ticket = file_ticket(content="家里暖气片一直不热，打电话给热力公司没人接", address="")
    assert ticket.status == S.DISPATCHED
    assert ticket.lead_department.dept_type == "heating"
    assert route_event(ticket).data["item_kind"] == "utility"


def test_a_fraud_call_needs_no_place_and_a_fight_does(world, file_ticket, predict):
    """Telecom fraud is nowhere in particular: the city's 公安局 takes it; a fight needs its district."""
    predict("劳动和社会保障", 0.4, auto=False)
    fraud = file_ticket(content="刚接了个电话，冒充公安说我涉嫌洗钱，让我把钱转到安全账户", address="")
    assert (fraud.status, fraud.lead_department.name) == (S.DISPATCHED, "郑州市公安局")
    assert route_event(fraud).data["item_path"] == "政法/社会治安/治安案件/电信网络诈骗"
    fight = file_ticket(content="楼下有人打架斗殴，好几个人", address="")
    assert (fight.status, route_event(fight).reason) == (S.PENDING_DISPATCH, PLACE_UNKNOWN + "（需明确区县）")


def test_unlabelled_category_is_routed_from_its_item_words(world, file_ticket, predict):
    predict("教育文体", 0.4, auto=False)
    ticket = file_ticket(content="想给孩子落户，户口迁移需要什么材料", address=ADDRESS)
    assert ticket.status == S.DISPATCHED
    assert (ticket.category_code, ticket.lead_department.name) == ("政法", "郑州市公安局金水分局")
    assert ticket.ai_category == "教育文体"  # what the classifier said stays on record


def test_no_item_words_waits_and_says_it_does_not_know(world, file_ticket):
    ticket = file_ticket(content="我想问一下这个事情应该怎么办，找了好几个地方", address=ADDRESS)
    assert ticket.status == S.PENDING_DISPATCH
    assert route_event(ticket).reason.startswith("无法确定事项")
    assert ticket.ai_routing["items"] == []


def test_below_the_threshold_an_item_of_a_trained_category_waits(world, file_ticket, predict):
    predict("城乡建设", 0.5, auto=False)
    ticket = file_ticket(content=WEAK_CONTENT)
    assert ticket.status == S.PENDING_DISPATCH
    assert "置信度" in route_event(ticket).reason
    assert (
        ticket.ai_routing["items"][0]["unit_name"] == "金水区住房和城乡建设局"
    )  # the dispatcher's one-click suggestion


def test_below_the_threshold_strong_words_of_the_top_category_dispatch_and_say_so(world, file_ticket, predict):
    predict("城乡建设", 0.6, auto=False)
    ticket = file_ticket()
    assert ticket.status == S.DISPATCHED
    assert ticket.lead_department.name == "金水区住房和城乡建设局"
    assert route_event(ticket).reason.endswith("事项识别词印证")


def test_no_item_that_needs_a_place_is_dispatched_without_one(world, file_ticket):
    """One item of every (lead, place needed) kind, filed with its own signal words and no address."""
    seen = {}
    for item in CatalogueItem.objects.exclude(place_needed="none").exclude(signal_words="").order_by("pk"):
        seen.setdefault((item.lead_department_type, item.place_needed), item)
    assert len(seen) > 30
    for item in seen.values():
        ticket = file_ticket(content="、".join(item.words[:3]) + "的问题，请尽快处理", address="")
        assert ticket.status == S.PENDING_DISPATCH, item.path
        assert ticket.lead_department_id is None, item.path
