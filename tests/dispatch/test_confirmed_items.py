"""Learning the items from corrections: the confirmed tickets' items, and the item model reading them
again when the active classifier version changes."""

import pytest

from classifier import items
from classifier.registry import active_model_cache
from dispatch import services
from dispatch.models import Ticket
from dispatch.selectors import ticket_confirmed_items

S = Ticket.Status
pytestmark = pytest.mark.django_db
TANK = "城乡建设/城市建设和市政管理/自来水供应/二次供水"


def close(ticket, world):
    ticket = services.ticket_sign(ticket=ticket, by=world.staff)
    ticket = services.ticket_reply(ticket=ticket, by=world.staff, text="已督促物业清洗水箱并送检，水质合格。")
    ticket = services.ticket_reply_review(ticket=ticket, by=world.dispatcher, approve=True)
    return services.ticket_callback(ticket=ticket, by=world.dispatcher, satisfaction="satisfied")


def test_a_closed_confirmed_ticket_teaches_its_item_once(world, file_ticket):
    ticket = file_ticket()
    assert ticket.catalogue_item.path == TANK and ticket.lead_department == world.zhujian
    assert list(ticket_confirmed_items()) == []  # not closed yet
    close(ticket, world)
    assert list(ticket_confirmed_items()) == [(ticket.content, TANK)]


def test_a_ticket_another_kind_of_unit_handled_does_not_teach_its_item(world, file_ticket):
    ticket = file_ticket()
    close(ticket, world)
    Ticket.objects.filter(pk=ticket.pk).update(lead_department=world.chengguan)  # 改派 to 城管 in the end
    assert list(ticket_confirmed_items()) == []


def test_a_township_that_led_its_item_in_the_departments_stead_teaches_it(world, file_ticket):
    """In a township the 乡镇牵头 type leads (village lamps: the township, not the county's 城管)."""
    from governance.models import CatalogueItem, Department

    lamps = CatalogueItem.objects.get(level3="城市公共设施", subitem="")
    assert lamps.rural_lead_department_type == "street_office"
    township = Department.objects.get(dept_type="street_office", region__official_name="韩寺镇")
    ticket = file_ticket()
    close(ticket, world)
    Ticket.objects.filter(pk=ticket.pk).update(catalogue_item=lamps, lead_department=township)
    assert list(ticket_confirmed_items()) == [(ticket.content, lamps.path)]
    Ticket.objects.filter(pk=ticket.pk).update(lead_department=world.zhujian)  # neither of its lead types
    assert list(ticket_confirmed_items()) == []


def test_personal_data_is_masked_in_what_is_taught(world, file_ticket):
    ticket = file_ticket(content="农大家属院楼顶水箱有霉味，请回电13812345678")
    close(ticket, world)
    [(text, path)] = ticket_confirmed_items()
    assert "13812345678" not in text and path == TANK


def test_the_item_model_reads_the_confirmed_items_again_when_the_classifier_version_changes(
    world, settings, monkeypatch, tmp_path
):
    settings.ROUTING_ITEM_MODEL_DIR = tmp_path  # nothing stored by another test for these versions
    calls = []

    def taught():
        calls.append(1)
        return [("充电宝押金怎么也退不出来了", "商贸旅游/商业贸易/其他")] * 6

    monkeypatch.setattr("tests.dispatch.test_confirmed_items.taught_rows", taught, raising=False)
    settings.ROUTING_ITEM_MODEL_EXTRA_SOURCES = ["tests.dispatch.test_confirmed_items.taught_rows"]
    monkeypatch.setattr(active_model_cache, "_active_version", "v1")
    items.item_model_forget()
    first = items.item_model()
    assert calls == [1]
    assert first.opinion("充电宝押金怎么也退不出来了").item_path == "商贸旅游/商业贸易/其他"
    assert items.item_model() is first and calls == [1]  # same version: no new reading
    monkeypatch.setattr(active_model_cache, "_active_version", "v2")
    assert items.item_model() is not first and calls == [1, 1]
