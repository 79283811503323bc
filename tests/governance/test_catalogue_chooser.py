"""Choosing the matter item of a call, and the two-stage routing decision (item + place → unit)."""

import pytest

from governance.models import CatalogueItem
from governance.selectors import PLACE_UNKNOWN, item_choose, names_site
from governance.selectors.catalogue import (
    PRIOR_FLOOR,
    PRIOR_WEIGHT,
    REASON_NO_WORDS,
    RIVAL_MARGIN,
    STRONG_WORDS,
    SUPPORT_PROBABILITY,
    UNTRAINED_PRIOR,
)
from governance.selectors.items import SITE_UNKNOWN
from governance.selectors.routing import NEAR_CONFIDENT, routing_decision

URBAN = {"城乡建设": 0.9, "环境保护": 0.05, "商贸旅游": 0.05}
ENV = {"环境保护": 0.9, "城乡建设": 0.1}
HEALTH = {"卫生计生": 0.6, "商贸旅游": 0.3, "城乡建设": 0.1}
SPREAD = {"教育文体": 0.3, "劳动和社会保障": 0.3, "城乡建设": 0.2, "商贸旅游": 0.2}


@pytest.fixture(autouse=True)
def words_alone(settings):
    """These are the catalogue words' rules; the item model, routing's second reader over them, has its
    own tests (tests/governance/test_item_model.py)."""
    settings.ROUTING_ITEM_MODEL = False


@pytest.fixture
def catalogue(db):
    """The shipped catalogue alone (choosing an item needs no regions or departments)."""
    from governance.services.catalogue import catalogue_seed

    catalogue_seed()


def chosen(text, probs):
    choice = item_choose(text=text, category_probabilities=probs)
    return choice.best.path if choice.best else None, choice.certain


def unsure_decision(text, probs, z, street=False):
    """The decision for a classifier below its threshold, at z's district (and street), for an address
    that names a road there."""
    return routing_decision(
        text=text,
        category_probabilities=probs,
        classifier_confident=False,
        district=z.district,
        street=z.street if street else None,
        site_named=True,
    )


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
        # callers' words, read off the routing sets (bench/routing.py, fixtures/README.md)
        ("接了个电话说是公安局的，让我把钱转到安全账户", "政法/社会治安/治安案件/电信网络诈骗"),
        ("我老公喝了酒就打我，胳膊都打青了", "党务政务/群众团体/妇联工作"),
    ],
)
@pytest.mark.django_db
def test_unlabelled_first_level_categories_are_recognised_from_item_words(catalogue, text, path):
    """The classifier has never seen these categories (p = 0): the item's words alone pick them."""
    assert chosen(text, SPREAD) == (path, True)


@pytest.mark.parametrize(
    "text, probs, path",
    [
        # harassing calls are blocked by the carriers; 工信 regulates them and is not who acts on a call
        ("天天接推销贷款的电话，拉黑也没用", SPREAD, "科技与信息产业/电信/通信保障"),
        # a job agent's broken promise is 人社's (职业中介, 人力资源市场), a house agent's 市场监管's
        ("劳务中介说进厂干满三个月给返费，现在不认账", SPREAD, "劳动和社会保障/就业培训/就业和再就业"),
        ("租房的时候房产中介多收了中介费", SPREAD, "商贸旅游/市场监管/中介机构管理"),
        # a batching plant is complained of for its dust
        ("旁边有个搅拌站，一刮风扬尘大得很，窗台天天一层灰", ENV, "环境保护/环境污染/大气污染"),
    ],
)
@pytest.mark.django_db
def test_callers_words_for_agents_calls_and_dust_name_who_acts(catalogue, text, probs, path):
    """Read off the routing sets, where both of their dispatchers agreed (bench/routing.py)."""
    assert chosen(text, probs) == (path, True)


@pytest.mark.django_db
def test_an_abandoned_car_is_a_traffic_matter_first(catalogue):
    """僵尸车 by the road: the traffic police's item comes first (a 小区's parking may come close)."""
    assert chosen("路边停着一辆僵尸车，轮胎都瘪了", SPREAD)[0] == "政法/交通管理/交通安全管理"


@pytest.mark.parametrize(
    "text, word",
    [
        ("家里暖气片一直不热", "暖气不热"),
        ("电动车推到楼道口充电", "楼道充电"),
        ("燃气好像泄漏了", "燃气泄漏"),
        # at a jieba word boundary one side may be a single character (电动车被|偷)
        ("晚上电动车被人偷了", "电动车被偷"),
    ],
)
@pytest.mark.django_db
def test_a_long_word_matches_with_a_few_characters_between_its_halves(catalogue, text, word):
    assert word in item_choose(text=text, category_probabilities=URBAN).best.words


@pytest.mark.parametrize("text", ["昨天晚上十点开始停的电", "这周已经停了两回电"])
@pytest.mark.django_db
def test_a_two_character_word_split_by_a_particle_still_matches(catalogue, text):
    """离合词: callers split 停电 with 的/了 and a short count."""
    assert "停电" in item_choose(text=text, category_probabilities=URBAN).best.words


@pytest.mark.django_db
def test_a_two_character_word_is_not_split_by_anything_else(catalogue):
    choice = item_choose(text="停车场没电了", category_probabilities=URBAN)
    assert all("停电" not in s.words for s in choice.top)


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
def test_a_weak_word_of_a_trained_category_the_classifier_doubts_is_not_certain(catalogue):
    doubts = {"教育文体": 0.5, "劳动和社会保障": 0.3, "城乡建设": 0.1, "商贸旅游": 0.1}
    choice = item_choose(text="家里暖气", category_probabilities=doubts)
    assert choice.best.path == "城乡建设/城市建设和市政管理/冬季采暖"
    assert not choice.certain and "识别词不足" in choice.reason


@pytest.mark.django_db
def test_a_weak_word_of_a_category_the_classifier_never_learned_is_certain(catalogue):
    """政法 has no labelled examples: the classifier's spread over the seven it knows says nothing
    against 公证, so one signal word is enough, as in a category it supports."""
    choice = item_choose(text="关于公证的事", category_probabilities=SPREAD)
    assert choice.best.path == "政法/法律服务/公证"
    assert choice.certain
    assert not item_choose(text="关于公证的事", category_probabilities=None).certain  # no model: words must be strong


@pytest.mark.django_db
def test_words_that_overlap_in_the_text_count_once(catalogue):
    """车乱停 and 乱停乱放 are both words of 交通安全管理; in 汽车乱停乱放 they share 乱停."""
    best = item_choose(text="汽车乱停乱放", category_probabilities=URBAN).best
    assert (best.name, best.words, best.word_score) == ("交通安全管理", ("乱停乱放",), 4)


@pytest.mark.django_db
def test_a_weak_word_in_the_classifiers_second_category_is_certain(catalogue):
    second = {"商贸旅游": 0.7, "城乡建设": SUPPORT_PROBABILITY, "教育文体": 0.1}
    assert chosen("家里暖气", second) == ("城乡建设/城市建设和市政管理/冬季采暖", True)
    third = {"商贸旅游": 0.7, "教育文体": 0.2, "城乡建设": SUPPORT_PROBABILITY - 0.1}
    choice = item_choose(text="家里暖气", category_probabilities=third)
    assert not choice.certain and "识别词不足" in choice.reason


@pytest.mark.django_db
def test_more_words_of_another_unit_are_not_outweighed_by_the_classifier_alone(catalogue):
    """包工头 (拖欠工程款, 住建) wins on the classifier's belief in 城乡建设, but 拖欠工资 (工资发放, 人社)
    has more words: only a person can tell."""
    choice = item_choose(text="包工头拖欠工资", category_probabilities={"城乡建设": 1.0, "劳动和社会保障": 0.0})
    assert choice.best.name == "拖欠工程款" and choice.best.score > RIVAL_MARGIN * choice.top[1].score
    assert choice.top[1].word_score > choice.best.word_score
    assert not choice.certain and "得分接近" in choice.reason


@pytest.mark.django_db
def test_suggestions_carry_the_words_and_prefer_different_units(catalogue):
    choice = item_choose(text="楼下饭店油烟直排，晚上还很吵", category_probabilities=ENV)
    assert choice.best.words == ("饭店油烟",)
    assert len({s.lead_department_type for s in choice.top}) == len(choice.top)


@pytest.mark.django_db
def test_an_edited_word_list_is_used_at_once(catalogue):
    assert chosen("共享滑板车堆在路口", URBAN)[0] != "城乡建设/城市建设和市政管理/城管执法"
    i = CatalogueItem.objects.get(level3="城管执法")
    i.signal_words += "、共享滑板车"
    i.save()
    assert chosen("共享滑板车堆在路口", URBAN)[0] == "城乡建设/城市建设和市政管理/城管执法"


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
    advice = routing_decision(text="孩子上小学划片不合理，学校太远", category_probabilities=SPREAD, district=z.zhongmou)
    assert advice.auto and advice.assignment.lead.name == "中牟县教育局"
    noise = routing_decision(text="楼上噪音扰民，天天半夜吵", category_probabilities=ENV, district=z.district)
    assert not noise.auto and "街道" in noise.reason


@pytest.mark.django_db
def test_a_matter_at_a_spot_needs_the_spot_not_only_its_district(zhengzhou_small):
    """A lamp, a lift, a stall: the district's 城管 leads, but only once the call says where: the street,
    or an address naming a road or a 小区 in the district. "中牟县" alone is held, saying what is missing."""
    z = zhengzhou_small
    lamp = routing_decision(text="路灯坏了好几天了", category_probabilities=URBAN, district=None)
    assert not lamp.auto and lamp.reason.startswith(PLACE_UNKNOWN)
    lamp = routing_decision(text="路灯坏了好几天了", category_probabilities=URBAN, district=z.zhongmou)
    assert lamp.item.place_needed == CatalogueItem.PlaceNeeded.SITE
    assert not lamp.auto and lamp.reason == PLACE_UNKNOWN + SITE_UNKNOWN
    assert (lamp.assignment.lead, lamp.assignment.missing_place) == (None, "site")
    assert lamp.suggestions[0]["unit"] is None
    lamp = routing_decision(text="路灯坏了好几天了", category_probabilities=URBAN, district=z.zhongmou, site_named=True)
    assert lamp.auto and lamp.assignment.lead.name == "中牟县城市管理局"
    lamp = routing_decision(
        text="路灯坏了好几天了", category_probabilities=URBAN, district=z.zhongmou, street=z.zhongmou_street
    )
    assert lamp.auto and lamp.assignment.lead.name == "中牟县城市管理局"


@pytest.mark.parametrize(
    "address, named",
    [
        ("中牟县", False),
        ("郑州市金水区", False),
        ("金水区这边", False),
        ("", False),
        ("金水区文化路与东风路交叉口", True),
        ("中牟县青年路", True),
        ("金水区某小区3号楼", True),
        ("文化路", True),
    ],
)
@pytest.mark.django_db
def test_an_address_names_a_spot_when_it_says_more_than_the_district(zhengzhou_small, address, named):
    assert names_site(address) is named


@pytest.mark.django_db
def test_a_village_lamp_in_a_township_goes_to_the_township_and_the_event_says_so(zhengzhou_small):
    from governance.models import Region

    z = zhengzhou_small
    village = Region.objects.filter(level="community", parent__official_name="韩寺镇").order_by("code").first()
    lamp = routing_decision(
        text="主街上的路灯坏了大半年了，天黑了路上看不见",
        category_probabilities=URBAN,
        district=z.zhongmou,
        street=village,
    )
    assert lamp.auto and lamp.assignment.lead.name == "韩寺镇人民政府"
    assert [d.name for d in lamp.assignment.assists] == ["中牟县城市管理局"]
    assert lamp.reason.endswith("属地事项 → 韩寺镇人民政府")
    assert lamp.as_event_data()["item_kind"] == "territorial"
    assert lamp.suggestions[0]["kind"] == "territorial"


@pytest.mark.django_db
def test_utility_item_is_dispatched_without_a_place(zhengzhou_small):
    d = routing_decision(text="家里暖气片一直不热", category_probabilities=URBAN, district=None)
    assert d.auto and d.assignment.lead.dept_type == "heating"
    assert d.category_code == "城乡建设"


@pytest.mark.django_db
def test_below_the_threshold_words_that_agree_with_the_top_category_dispatch(zhengzhou_small):
    z = zhengzhou_small
    d = unsure_decision("家属院有人在楼顶私自加盖房子，违章建筑", {"城乡建设": 0.6, "环境保护": 0.4}, z, street=True)
    assert d.auto and d.assignment.lead.name == "文化路街道办事处"
    assert d.reason.endswith("；分类置信度低于阈值（城乡建设 60%），事项识别词印证")
    # A short text's threshold lies above 99.5 %: the probability below it is never shown as "100%".
    short = unsure_decision("楼顶私自加盖房子，违章建筑", {"城乡建设": 0.9996, "环境保护": 0.0004}, z, street=True)
    assert short.reason.endswith("；分类置信度低于阈值（城乡建设 99.9%），事项识别词印证")


@pytest.mark.parametrize("p, auto", [(0.6, False), (NEAR_CONFIDENT, True)])
@pytest.mark.django_db
def test_below_the_threshold_one_word_needs_a_near_confident_top_category(zhengzhou_small, p, auto):
    lamp = unsure_decision("路灯坏了好几天了", {"城乡建设": p, "环境保护": 1 - p}, zhengzhou_small)
    assert lamp.choice.best.words == ("路灯",)
    assert lamp.auto is auto
    if auto:
        assert lamp.assignment.lead.name == "金水区城市管理局" and lamp.reason.endswith("事项识别词印证")
    else:
        assert lamp.reason.startswith("分类置信度低于阈值（城乡建设 60%）")


@pytest.mark.parametrize(
    "probs, auto",
    [
        # 占道经营 (4) in the top category, however unsure the classifier is
        ({"城乡建设": 0.4, "环境保护": 0.35, "商贸旅游": 0.25}, True),
        # the same words in a category the classifier gives almost nothing
        ({"环境保护": 0.5, "商贸旅游": 0.4, "城乡建设": 0.1}, False),
    ],
)
@pytest.mark.django_db
def test_below_the_threshold_strong_words_need_the_classifiers_support(zhengzhou_small, probs, auto):
    d = unsure_decision("小区占道经营", probs, zhengzhou_small, street=True)
    assert d.choice.best.word_score == 4
    assert d.auto is auto
    if auto:
        assert d.assignment.lead.dept_type == "chengguan"
    else:
        assert d.reason.startswith("分类置信度低于阈值")


@pytest.mark.django_db
def test_below_the_threshold_the_second_category_needs_more_than_strong_words(zhengzhou_small):
    """An item in the classifier's second category (≥ SUPPORT_PROBABILITY) is dispatched on more than
    STRONG_WORDS ("学校" + "食堂"), not on one three-character word."""
    z = zhengzhou_small
    second = {"商贸旅游": 0.7, "教育文体": SUPPORT_PROBABILITY + 0.05, "城乡建设": 0.05}
    canteen = unsure_decision("学校食堂饭菜太差", second, z)
    assert canteen.choice.best.level1 == "教育文体" and canteen.choice.best.word_score > STRONG_WORDS
    assert canteen.auto and canteen.assignment.lead.dept_type == "jiaoyu"
    developer = unsure_decision("举报开发商", {"商贸旅游": 0.6, "城乡建设": 0.35, "交通运输": 0.05}, z)
    assert developer.choice.best.word_score == STRONG_WORDS
    assert not developer.auto and developer.reason.startswith("分类置信度低于阈值（商贸旅游 60%）")


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


@pytest.mark.django_db
def test_below_the_threshold_equal_strong_words_of_two_units_wait(zhengzhou_small):
    """消防栓 (消防) and 没有水 (供水) are three characters each: the classifier's belief alone would pick 供水."""
    text = "楼里的消防栓里面都是空的，也没有水带"
    confident = routing_decision(text=text, category_probabilities=URBAN, district=zhengzhou_small.district)
    unsure = routing_decision(
        text=text, category_probabilities=URBAN, classifier_confident=False, district=zhengzhou_small.district
    )
    assert confident.choice.best.word_score == unsure.choice.top[1].word_score == STRONG_WORDS
    assert confident.auto
    assert not unsure.auto and "得分接近" in unsure.reason


@pytest.mark.django_db
def test_below_the_threshold_a_utility_item_with_strong_words_needs_no_category(zhengzhou_small):
    """燃气泄漏 is the gas company's whatever the category; 煤气味 (3) alone names it."""
    unsure = {"商贸旅游": 0.45, "环境保护": 0.3, "城乡建设": 0.15, "教育文体": 0.1}
    gas = routing_decision(
        text="楼道里有煤气味", category_probabilities=unsure, classifier_confident=False, district=None
    )
    assert gas.choice.best.word_score == STRONG_WORDS and gas.item.kind == "utility"
    assert gas.auto and gas.assignment.lead.dept_type == "gas"
    # the same strength of words for a district department's item is not enough
    stalls = unsure_decision("小区占道经营", unsure, zhengzhou_small, street=True)
    assert not stalls.auto and stalls.reason.startswith("分类置信度低于阈值")


@pytest.mark.django_db
def test_a_word_every_workplace_uses_does_not_suggest_the_state_farms(catalogue):
    """职工 is in most labour and housing calls; the 农垦 item (职工待遇 of state farms) needs its own words."""
    choice = item_choose(text="厂里职工宿舍漏雨", category_probabilities={"劳动和社会保障": 0.6, "城乡建设": 0.4})
    assert choice.best.name == "修缮装修"
    assert "职工待遇" not in [s.name for s in choice.top]
