"""At intake the operator may pick the category or the matter item, also of the eight first-level
categories the classifier was never trained on (政法, 民政 …): the 派单目录 has their rows, routing uses the
person's choice, and what it cannot recognise it says plainly and leaves for a person."""

import pytest

from dispatch.models import Ticket, TicketEvent
from governance.models import CatalogueItem, DispatchCatalogue
from tests.dispatch.conftest import ADDRESS

S = Ticket.Status
pytestmark = pytest.mark.django_db
UNTRAINED = {"政法", "民政", "农村农业", "国土资源", "党务政务", "经济管理", "科技与信息产业", "纪检监察"}


def reason(ticket) -> str:
    return TicketEvent.objects.get(ticket=ticket, action="routed").reason


def test_the_catalogue_has_a_row_for_each_untrained_category(world):
    rows = {r.category_code: r for r in DispatchCatalogue.objects.filter(category_code__in=UNTRAINED)}
    assert set(rows) == UNTRAINED
    assert (rows["民政"].lead_department_type, rows["纪检监察"].lead_department_type) == ("minzheng", "jiwei")


def test_an_item_picked_at_intake_is_routed_as_the_persons_choice(world, api):
    funeral = CatalogueItem.objects.get(level1="民政", level3="殡葬管理")
    response = api.file(content="家里老人的后事想咨询一下怎么办", item=funeral.pk)
    assert response.status_code == 201, response.data
    ticket = Ticket.objects.get(pk=response.data["id"])
    assert (ticket.catalogue_item, ticket.category_code) == (funeral, "民政")
    assert ticket.status == S.DISPATCHED and ticket.lead_department.dept_type == "minzheng"
    assert ticket.lead_department.region_id == world.small.district.code
    assert reason(ticket).startswith("接线员选定事项“殡葬管理”")


def test_a_picked_item_still_needs_its_place(world, api):
    funeral = CatalogueItem.objects.get(level1="民政", level3="殡葬管理")
    response = api.file(content="家里老人的后事想咨询一下怎么办", item=funeral.pk, address="")
    ticket = Ticket.objects.get(pk=response.data["id"])
    assert ticket.status == S.PENDING_DISPATCH and ticket.lead_department is None
    assert reason(ticket).startswith("地址不明，无法确定属地")


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"item": "999999"}, "未知的派单目录事项"),
        ({"item": "x1"}, "未知的派单目录事项"),
        ({"item": "ITEM", "category_code": "城乡建设"}, "所选事项不属于所选类别"),
    ],
)
def test_a_bad_item_is_400_naming_the_field_and_nothing_is_written(world, api, fields, message):
    if fields["item"] == "ITEM":
        fields["item"] = str(CatalogueItem.objects.get(level1="民政", level3="殡葬管理").pk)
    response = api.file(**fields)
    assert response.status_code == 400
    assert message in response.data["item"][0]
    assert Ticket.objects.count() == 0


def test_an_untrained_category_picked_at_intake_routes_by_its_items_words(world, api):
    response = api.file(content="我想咨询一下婚姻登记需要带什么材料", category_code="民政")
    ticket = Ticket.objects.get(pk=response.data["id"])
    assert ticket.status == S.DISPATCHED and ticket.lead_department.dept_type == "minzheng"
    assert ticket.catalogue_item.level3 == "婚姻登记"


def test_an_untrained_category_without_item_words_says_it_does_not_know(world, api):
    response = api.file(content="我想反映一个情况，你们能不能帮我问问", category_code="纪检监察")
    ticket = Ticket.objects.get(pk=response.data["id"])
    assert ticket.status == S.PENDING_DISPATCH
    assert reason(ticket).startswith("无法确定事项")
    assert ticket.category_code == "纪检监察"  # the operator's category stays for the dispatcher


def test_the_intake_page_offers_every_category_and_the_items_and_files_the_choice(world, client, predict):
    client.force_login(world.operator)
    page = client.get("/intake/").content.decode()
    for code in UNTRAINED | {"城乡建设"}:
        assert f'<option value="{code}">' in page
    assert '<optgroup label="纪检监察">' in page
    graft = CatalogueItem.objects.get(level1="纪检监察", level3="行贿受贿索贿")
    assert f'<option value="{graft.pk}">' in page
    body = {
        "caller_phone": "13812345678",
        "channel": "phone",
        "type": "report",
        "urgency": "normal",
        "address": ADDRESS,
        "content": "举报有人收了好处费，请调查",
        "item": str(graft.pk),
        "intent": "file",
    }
    response = client.post("/intake/", body)
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert (ticket.catalogue_item, ticket.category_code) == (graft, "纪检监察")
    bad = client.post("/intake/", body | {"category_code": "城乡建设"})
    assert "所选事项不属于所选类别" in bad.content.decode() and Ticket.objects.count() == 1
