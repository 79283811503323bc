"""Choosing the matter item of a call, and the two-stage routing decision (item + place → unit)."""

import pytest

from governance.models import CatalogueItem
from governance.selectors import PLACE_UNKNOWN, item_choose
from governance.selectors.catalogue import PRIOR_FLOOR, PRIOR_WEIGHT, REASON_NO_WORDS, UNTRAINED_PRIOR
from governance.selectors.routing import routing_decision

URBAN = {"城乡建设": 0.9, "环境保护": 0.05, "商贸旅游": 0.05}
ENV = {"环境保护": 0.9, "城乡建设": 0.1}
HEALTH = {"卫生计生": 0.6, "商贸旅游": 0.3, "城乡建设": 0.1}
SPREAD = {"教育文体": 0.3, "劳动和社会保障": 0.3, "城乡建设": 0.2, "商贸旅游": 0.2}


@pytest.fixture
def catalogue(db):
    """The shipped catalogue alone (choosing an item needs no regions or departments)."""
    from governance.services.catalogue import catalogue_seed

    catalogue_seed()


def chosen(text, probs):
    choice = item_choose(text=text, category_probabilities=probs)
    return choice.best.path if choice.best else None, choice.certain


@pytest.mark.parametrize(
    "text, probs, path",
    [
        ("楼上噪音扰民，天天半夜吵", ENV, "环境保护/环境污染/噪音污染/社会生活噪声"),
        ("工地夜间施工打桩，噪音太大", ENV, "环境保护/环境污染/噪音污染/施工噪声"),
        ("附近工厂机器设备噪音很大", ENV, "环境保护/环境污染/噪音污染/工业噪声"),
        ("家里暖气不热，室温只有十几度", URBAN, "城乡建设/城市建设和市政管理/冬季采暖"),
        ("闻到很重的煤气味，怀疑燃气泄漏", URBAN, "城乡建设/城市建设和市政管理/燃气供应/燃气泄漏"),
        ("突然停水了，也没有通知", URBAN, "城乡建设/城市建设和市政管理/自来水供应"),
        ("公交司机态度恶劣，到站不停", URBAN, "城乡建设/城市建设和市政管理/公共汽车"),
        ("小区门口有人占道经营摆摊卖水果", URBAN, "城乡建设/城市建设和市政管理/城管执法"),
        ("药店卖过期药", HEALTH, "卫生计生/食品药品监管/药品和医疗器械管理"),
        ("小区电梯经常故障，昨天又困人了", URBAN, "商贸旅游/质监检验检疫/特种设备管理"),
    ],
)
@pytest.mark.django_db
def test_item_is_chosen_from_its_words(catalogue, text, probs, path):
    assert chosen(text, probs) == (path, True)


@pytest.mark.parametrize(
    "text, path",
    [
        ("想给孩子落户，户口迁移需要什么材料", "政法/户籍证件/户籍管理"),
        ("申请低保一直没有批下来", "民政/社会救助/城镇低保"),
        ("村里宅基地纠纷，邻居占了我家的地建房", "农村农业/土地承包经营/宅基地纠纷"),
        ("举报某单位领导公款吃喝，公车私用", "纪检监察/干部作风/奢靡之风"),
        ("手机信号太差，宽带也经常断网", "科技与信息产业/电信/通信保障"),
    ],
)
@pytest.mark.django_db
def test_unlabelled_first_level_categories_are_recognised_from_item_words(catalogue, text, path):
    """The classifier has never seen these categories (p = 0): the item's words alone pick them."""
    assert chosen(text, SPREAD) == (path, True)


@pytest.mark.parametrize(
    "text, word",
    [
        ("家里暖气片一直不热", "暖气不热"),
        ("电动车在楼道里充电", "楼道充电"),
        ("燃气好像泄漏了", "燃气泄漏"),
    ],
)
@pytest.mark.django_db
def test_a_long_word_matches_with_a_few_characters_between_its_halves(catalogue, text, word):
    assert word in item_choose(text=text, category_probabilities=URBAN).best.words


@pytest.mark.django_db
def test_a_long_word_does_not_match_across_a_sentence_or_a_long_gap(catalogue):
    assert "暖气不热" not in item_choose(text="暖气。不热", category_probabilities=URBAN).best.words
    assert "暖气不热" not in item_choose(text="暖气片今年换了新的还是不热", category_probabilities=URBAN).best.words


@pytest.mark.django_db
def test_an_untrained_category_gets_a_neutral_prior_not_zero(catalogue):
    """Categories absent from the classifier's probabilities (never trained on) are not ruled out by it."""
    choice = item_choose(text="想问问公墓在哪里", category_probabilities=SPREAD)
    assert choice.best.path == "民政/社会服务/殡葬管理"
    assert choice.best.score == pytest.approx(2 * (PRIOR_FLOOR + PRIOR_WEIGHT * UNTRAINED_PRIOR))


@pytest.mark.django_db
def test_no_item_words_says_plainly_that_it_does_not_know(catalogue):
    choice = item_choose(text="我想问一下这个事情应该怎么办", category_probabilities=SPREAD)
    assert (choice.best, choice.certain, choice.reason) == (None, False, REASON_NO_WORDS)


@pytest.mark.django_db
def test_close_items_of_different_units_are_not_certain(catalogue):
    choice = item_choose(text="停电停水", category_probabilities=URBAN)
    assert not choice.certain
    assert "得分接近" in choice.reason
    assert {s.lead_department_type for s in choice.top[:2]} == {"power", "water"}


@pytest.mark.django_db
def test_a_weak_word_outside_the_classifiers_category_is_not_certain(catalogue):
    choice = item_choose(text="关于公证的事", category_probabilities=SPREAD)
    assert choice.best.path == "政法/法律服务/公证"
    assert not choice.certain and "识别词不足" in choice.reason


@pytest.mark.django_db
def test_suggestions_carry_the_words_and_prefer_different_units(catalogue):
    choice = item_choose(text="楼下饭店油烟直排，晚上还很吵", category_probabilities=ENV)
    assert choice.best.words == ("饭店油烟",)
    assert len({s.lead_department_type for s in choice.top}) == len(choice.top)


@pytest.mark.django_db
def test_an_edited_word_list_is_used_at_once(catalogue):
    assert chosen("共享单车乱停乱放", URBAN)[0] != "城乡建设/城市建设和市政管理/城管执法"
    i = CatalogueItem.objects.get(level3="城管执法")
    i.signal_words += "、共享单车"
    i.save()
    assert chosen("共享单车乱停乱放", URBAN)[0] == "城乡建设/城市建设和市政管理/城管执法"


@pytest.mark.django_db
def test_without_a_model_only_strong_words_are_certain(catalogue):
    assert chosen("家里暖气不热", None) == ("城乡建设/城市建设和市政管理/冬季采暖", True)
    assert chosen("有点吵", None)[1] is False


# --- the decision: item + place → unit ---


@pytest.mark.django_db
def test_territorial_item_with_the_street_goes_to_the_street_office(zhengzhou_small):
    z = zhengzhou_small
    d = routing_decision(
        text="家属院有人在楼顶私自加盖房子，违章建筑",
        category_probabilities=URBAN,
        district=z.district,
        street=z.street,
    )
    assert d.auto and d.assignment.lead.name == "文化路街道办事处"
    assert d.reason == "事项“违章建筑”（识别词：违章建筑、楼顶加盖），属地事项 → 文化路街道办事处"
    assert d.as_event_data()["item_path"] == "城乡建设/城乡规划/违章建筑"


@pytest.mark.django_db
def test_no_place_holds_the_call_with_the_reason_and_suggestions(zhengzhou_small):
    d = routing_decision(text="楼上噪音扰民，天天半夜吵", category_probabilities=ENV, district=None)
    assert not d.auto
    assert d.reason.startswith(PLACE_UNKNOWN)
    assert d.item.name == "噪音污染·社会生活噪声"
    top = d.suggestions[0]
    assert (top["path"], top["unit"], top["words"]) == (
        "环境保护/环境污染/噪音污染/社会生活噪声",
        None,
        ["噪音", "扰民", "楼上", "半夜", "吵"],
    )


@pytest.mark.django_db
def test_district_only_is_not_enough_for_a_street_item_but_is_for_a_district_one(zhengzhou_small):
    z = zhengzhou_small
    lamp = routing_decision(text="路灯坏了好几天了", category_probabilities=URBAN, district=None)
    assert not lamp.auto and lamp.reason.startswith(PLACE_UNKNOWN)
    lamp = routing_decision(text="路灯坏了好几天了", category_probabilities=URBAN, district=z.zhongmou)
    assert lamp.auto and lamp.assignment.lead.name == "中牟县城市管理局"
    noise = routing_decision(text="楼上噪音扰民，天天半夜吵", category_probabilities=ENV, district=z.district)
    assert not noise.auto and "街道" in noise.reason


@pytest.mark.django_db
def test_utility_item_is_dispatched_without_a_place(zhengzhou_small):
    d = routing_decision(text="家里暖气片一直不热", category_probabilities=URBAN, district=None)
    assert d.auto and d.assignment.lead.dept_type == "heating"
    assert d.category_code == "城乡建设"


@pytest.mark.django_db
def test_below_the_threshold_words_that_agree_with_the_top_category_dispatch(zhengzhou_small):
    z = zhengzhou_small
    d = routing_decision(
        text="家属院有人在楼顶私自加盖房子，违章建筑",
        category_probabilities={"城乡建设": 0.6, "环境保护": 0.4},
        classifier_confident=False,
        district=z.district,
        street=z.street,
    )
    assert d.auto and d.assignment.lead.name == "文化路街道办事处"
    assert d.reason.endswith("；分类置信度低于阈值（城乡建设 60%），事项识别词印证")


@pytest.mark.django_db
def test_below_the_threshold_weak_or_unsupported_words_wait(zhengzhou_small):
    z = zhengzhou_small
    weak = routing_decision(  # one two-character word in the top category
        text="路灯坏了好几天了",
        category_probabilities={"城乡建设": 0.9, "环境保护": 0.1},
        classifier_confident=False,
        district=z.district,
    )
    assert not weak.auto and weak.reason.startswith("分类置信度低于阈值（城乡建设 90%）")
    low = routing_decision(  # strong words, but the top category is too unsure
        text="小区占道经营",
        category_probabilities={"城乡建设": 0.45, "环境保护": 0.4, "商贸旅游": 0.15},
        classifier_confident=False,
        district=z.district,
        street=z.street,
    )
    assert low.choice.best.word_score == 4
    assert not low.auto and low.reason.startswith("分类置信度低于阈值")


@pytest.mark.django_db
def test_below_the_threshold_many_words_of_one_item_decide_even_outside_the_top_category(zhengzhou_small):
    d = routing_decision(
        text="闻到很重的煤气味，怀疑燃气泄漏",
        category_probabilities={"环境保护": 0.93, "城乡建设": 0.07},
        classifier_confident=False,
        district=None,
    )
    assert d.choice.best.word_score >= 5
    assert d.auto and d.assignment.lead.dept_type == "gas"


@pytest.mark.django_db
def test_unlabelled_category_item_is_routed_and_named(zhengzhou_small):
    z = zhengzhou_small
    d = routing_decision(text="想给孩子落户，户口迁移需要什么材料", category_probabilities=SPREAD, district=z.district)
    assert d.auto and d.assignment.lead.name == "郑州市公安局金水分局"
    assert d.category_code == "政法"
