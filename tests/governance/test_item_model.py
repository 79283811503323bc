"""The item model (classifier/items.py), routing's second reader over the catalogue's words: what it
reads, and what routing does with its opinion (governance/selectors/routing.py)."""

from pathlib import Path

import pytest
from django.conf import settings

from classifier import items
from classifier.items import ItemOpinion, item_model, item_opinion
from governance.models import CatalogueItem
from governance.selectors import PLACE_UNKNOWN
from governance.selectors.catalogue import REASON_NO_WORDS
from governance.selectors.routing import WORDS_DECIDE, routing_decision

URBAN = {"城乡建设": 0.9, "环境保护": 0.05, "商贸旅游": 0.05}
ENFORCEMENT = "城乡建设/城市建设和市政管理/城管执法"


@pytest.fixture
def opinion_of(monkeypatch):
    """Make the model's opinion what the test says, to test routing's use of it exactly."""

    def set_opinion(unit_type, gap, path=ENFORCEMENT):
        opinion = ItemOpinion(item_path=path, unit_type=unit_type, gap=gap)
        monkeypatch.setattr(items, "item_opinion", lambda text: opinion)

    return set_opinion


def decide(text, z, *, district=True, street=True, probs=URBAN, confident=True):
    return routing_decision(
        text=text,
        category_probabilities=probs,
        classifier_confident=confident,
        district=z.district if district else None,
        street=z.street if street else None,
    )


@pytest.mark.django_db
def test_the_model_reads_whole_calls_of_the_shipped_catalogue(zhengzhou_small):
    gas = item_opinion("楼道里有煤气味")
    assert (gas.item_path, gas.unit_type) == ("城乡建设/城市建设和市政管理/燃气供应/燃气泄漏", "gas")
    assert gas.gap > 0
    assert item_opinion("暖气片一点都不热").unit_type == "heating"


@pytest.mark.django_db
def test_an_item_a_city_adds_is_known_by_its_words_at_once(zhengzhou_small):
    before = item_model()
    CatalogueItem.objects.create(
        level1="商贸旅游",
        level2="商业贸易",
        level3="共享充电宝",
        lead_department_type="shangwu",
        level="district",
        kind="functional",
        place_needed="district",
        time_limit_class="normal",
        signal_words=["共享充电宝", "充电宝押金"],
    )
    assert item_model() is not before
    assert item_opinion("共享充电宝押金一直退不了").item_path == "商贸旅游/商业贸易/共享充电宝"


@pytest.mark.django_db
def test_routing_decides_by_the_words_alone_when_the_model_is_off(zhengzhou_small, settings, opinion_of):
    settings.ROUTING_ITEM_MODEL = False
    assert item_model() is None
    opinion_of("gongan", 5.0)  # a reading that would hold the call
    gas = decide("楼道里有煤气味", zhengzhou_small)
    assert gas.auto and gas.assignment.lead.dept_type == "gas"


@pytest.mark.django_db
def test_a_clear_other_reading_holds_an_automatic_dispatch_with_both_readings(zhengzhou_small, settings, opinion_of):
    opinion_of("gongan", settings.ROUTING_ITEM_MODEL_VETO_GAP + 0.05)
    held = decide("楼道里有煤气味", zhengzhou_small)
    assert not held.auto
    assert held.reason.startswith("事项识别词指向“燃气供应·燃气泄漏”")
    assert "事项模型判断为“城管执法”（公安局）" in held.reason
    assert held.as_event_data()["auto"] is False
    # a reading barely apart from the next unit's does not overrule the words
    opinion_of("gongan", settings.ROUTING_ITEM_MODEL_VETO_GAP - 0.05)
    assert decide("楼道里有煤气味", zhengzhou_small).auto
    # nor does one that agrees, however clear
    opinion_of("gas", 3.0, path="城乡建设/城市建设和市政管理/燃气供应/燃气泄漏")
    agreed = decide("楼道里有煤气味", zhengzhou_small)
    assert agreed.auto and agreed.assignment.lead.dept_type == "gas"


@pytest.mark.django_db
def test_words_that_decide_alone_are_not_held_by_another_reading(zhengzhou_small, settings, opinion_of):
    opinion_of("gongan", settings.ROUTING_ITEM_MODEL_VETO_GAP + 1.0)
    sent = decide("闻到很重的煤气味，怀疑燃气泄漏了", zhengzhou_small)
    assert sent.choice.best.word_score >= WORDS_DECIDE
    assert sent.auto and sent.assignment.lead.dept_type == "gas"
    # one word of the same item is not enough against it
    assert not decide("楼道里有煤气味", zhengzhou_small).auto


@pytest.mark.django_db
def test_a_call_the_words_cannot_decide_goes_to_a_clear_reading_when_its_place_is_known(
    zhengzhou_small, settings, opinion_of
):
    words_alone = decide("那个事到底谁管", zhengzhou_small)
    assert not words_alone.auto  # the words: no item word
    opinion_of("chengguan", settings.ROUTING_ITEM_MODEL_RESCUE_GAP + 0.1)
    rescued = decide("那个事到底谁管", zhengzhou_small)
    assert rescued.auto
    assert rescued.item.path == ENFORCEMENT
    assert rescued.assignment.lead.dept_type == "chengguan"
    assert rescued.assignment.lead.region == zhengzhou_small.district
    assert rescued.reason.startswith("识别词未能确定事项（无法确定事项）；事项模型判断“城管执法”，条线事项 → ")
    # too close a reading: a person decides, with the words' reason
    opinion_of("chengguan", settings.ROUTING_ITEM_MODEL_RESCUE_GAP - 0.1)
    assert decide("那个事到底谁管", zhengzhou_small).reason == REASON_NO_WORDS
    # without the district the model's item needs, never automatic
    opinion_of("chengguan", 5.0)
    assert not decide("那个事到底谁管", zhengzhou_small, district=False, street=False).auto


@pytest.mark.django_db
def test_the_model_does_not_overrule_words_that_name_an_item_of_another_unit(zhengzhou_small, settings, opinion_of):
    """The classifier is unsure (商贸旅游), the words name 就业和再就业 (人社): a clear reading of 中介机构管理
    (市场监管) leaves the call to a person; a clear reading of an item of the words' unit dispatches it."""
    call = "中介说干满三个月给返费，现在干满了不给了"
    unsure = {"商贸旅游": 0.9, "劳动和社会保障": 0.05, "城乡建设": 0.05}
    words_alone = decide(call, zhengzhou_small, probs=unsure, confident=False)
    assert (words_alone.auto, words_alone.item.path) == (False, "劳动和社会保障/就业培训/就业和再就业")
    assert words_alone.reason.startswith("分类置信度低于阈值")
    opinion_of("shichang", 5.0, path="商贸旅游/市场监管/中介机构管理")
    held = decide(call, zhengzhou_small, probs=unsure, confident=False)
    assert (held.auto, held.reason) == (False, words_alone.reason)
    opinion_of("renshe", 5.0, path="劳动和社会保障/就业培训/就业和再就业")
    sent = decide(call, zhengzhou_small, probs=unsure, confident=False)
    assert (sent.auto, sent.assignment.lead.dept_type) == (True, "renshe")


@pytest.mark.django_db
def test_a_call_held_for_its_place_is_never_dispatched_by_the_model(zhengzhou_small, opinion_of):
    opinion_of("street_office", 5.0, path="环境保护/环境污染/噪音污染/社会生活噪声")
    held = decide("楼上噪音扰民，天天半夜吵", zhengzhou_small, district=False, street=False, probs={"环境保护": 0.95})
    assert not held.auto and held.reason.startswith(PLACE_UNKNOWN)


@pytest.mark.django_db
def test_another_process_loads_the_stored_model_instead_of_training_it(zhengzhou_small, monkeypatch):
    first = item_model()
    items.item_model_forget()  # as a sibling process (a prefork child, a web worker) starting

    def no_training(*args, **kwargs):
        raise AssertionError("trained again")

    monkeypatch.setattr(items.ItemModel, "__init__", no_training)
    second = item_model()
    assert second is not first and second.classes == first.classes
    assert second.opinion("楼道里有煤气味") == first.opinion("楼道里有煤气味")


@pytest.mark.django_db
def test_a_damaged_stored_model_is_trained_anew(zhengzhou_small):
    item_model()
    stored = items._stored(items._cache["key"])
    assert stored.parent == Path(settings.ROUTING_ITEM_MODEL_DIR)
    stored.write_bytes(b"half a file")
    items.item_model_forget()
    assert item_opinion("楼道里有煤气味").unit_type == "gas"
    assert stored.stat().st_size > 1000
