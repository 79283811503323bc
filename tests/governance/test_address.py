import pytest

from governance.models import Region
from governance.selectors import region_for_address, routable_place
from tests.factories import CommunityRegionFactory


def codes(match):
    return tuple(r.code if r else None for r in (match.district, match.street, match.community))


@pytest.mark.parametrize(
    "text",
    [
        "金水区文化路街道农大社区",
        "郑州市金水区文化路街道农大社区居民委员会农大家属院3号楼",
        "河南省郑州市 金水区 文化路街道 农大社区 经五路12号",
        "金水区文化路农大社区",  # street by its bare name, corroborated by the district
        "文化路街道农大社区",
    ],
)
def test_full_address_resolves_with_and_without_suffixes(all_divisions, text):
    match = region_for_address(text)

    assert codes(match) == ("410105000000", "410105008000", "410105008001")
    assert match.certain is True
    assert match.candidates[0].community.code == "410105008001"


def test_street_alone_fills_its_district(all_divisions):
    match = region_for_address("文化路街道")

    assert codes(match) == ("410105000000", "410105008000", None)
    assert match.certain is True
    assert match.score == 0.35


def test_district_alone(all_divisions):
    match = region_for_address("二七区")

    assert codes(match) == ("410103000000", None, None)
    assert match.certain is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("郑东新区如意湖街道", ("410105000000", "410105560000", None)),
        ("经开区明湖街道", ("410171000000", "410171560000", None)),
        ("郑州经济技术开发区明湖街道", ("410171000000", "410171560000", None)),
        ("高新区枫杨街道", ("410172000000", "410172560000", None)),
        ("管城区紫荆山南路街道", ("410104000000", "410104008000", None)),
        ("中牟县东风路街道", ("410122000000", "410122002000", None)),
        ("金水区东风路街道", ("410105000000", "410105010000", None)),
    ],
)
def test_short_district_names_and_prefixed_street_names(all_divisions, text, expected):
    match = region_for_address(text)

    assert codes(match) == expected
    assert match.certain is True


@pytest.mark.parametrize("text", ["关虎屯村", "金水区关虎屯村", "文化路街道关虎屯", "金水区关虎屯", "关虎屯村民委员会"])
def test_village_with_or_without_its_suffix(all_divisions, text):
    match = region_for_address(text)

    assert codes(match) == ("410105000000", "410105008000", "410105008201")
    assert match.certain is True


def test_bare_village_core_alone_is_only_a_candidate(all_divisions):
    match = region_for_address("关虎屯")

    assert codes(match) == (None, None, None)
    assert match.certain is False
    assert [c.community.code for c in match.candidates] == ["410105008201"]


def test_community_called_without_its_street_prefix(all_divisions):
    # Official: 东风路文北社区居民委员会, in 东风路街道; people say 文北社区.
    match = region_for_address("金水区文北社区")

    assert codes(match) == ("410105000000", "410105010000", "410105010002")
    assert match.certain is True


def test_street_name_in_two_districts_is_ambiguous(all_divisions):
    match = region_for_address("东风路街道")

    assert match.certain is False
    assert codes(match) == (None, None, None)
    assert [(c.district.code, c.street.code, c.score) for c in match.candidates] == [
        ("410105000000", "410105010000", 0.35),
        ("410122000000", "410122002000", 0.35),
    ]


def test_street_name_in_three_cities(all_divisions):
    match = region_for_address("新华路街道")

    assert match.certain is False
    assert {c.district.name for c in match.candidates} == {"巩义市", "新密市", "新郑市"}
    assert region_for_address("巩义市新华路街道").street.code == "410181001000"


def test_village_name_in_many_streets_is_ambiguous_and_the_district_decides(all_divisions):
    match = region_for_address("张庄村")
    assert match.certain is False
    assert codes(match) == (None, None, None)
    assert len(match.candidates) >= 4
    assert len({c.score for c in match.candidates}) == 1

    named = region_for_address("新郑市张庄村")

    assert named.certain is True
    assert named.district.code == "410184000000"
    assert named.community.name == "张庄村"
    assert named.candidates[0].score > named.candidates[1].score


def test_ambiguity_inside_one_district_keeps_what_is_agreed(all_divisions):
    # 航空港区 has two 岗李村 (三官庙镇 and 岗李乡).
    match = region_for_address("航空港区岗李村")

    assert match.certain is False
    assert codes(match) == ("410173000000", None, None)
    assert {c.street.name for c in match.candidates[:2]} == {"三官庙镇", "岗李乡"}


def test_place_named_in_the_wrong_district_is_not_certain(all_divisions):
    match = region_for_address("二七区关虎屯村")

    assert match.certain is False
    assert codes(match) == (None, None, None)
    assert match.candidates[0].community.code == "410105008201"


def test_a_road_named_like_a_street_office_needs_corroboration(all_divisions):
    alone = region_for_address("丰产路与经三路交叉口")
    assert alone.certain is False
    assert codes(alone) == (None, None, None)
    assert alone.candidates[0].street.name == "丰产路街道"

    with_district = region_for_address("金水区丰产路与经三路交叉口")

    assert with_district.certain is True
    assert codes(with_district) == ("410105000000", "410105009000", None)


def test_a_road_named_like_a_community_is_not_that_community(all_divisions):
    # 管城区 has a 新郑路社区, but "新郑路100号" is a road address.
    match = region_for_address("管城区新郑路100号")

    assert match.certain is False
    assert codes(match) == ("410104000000", None, None)
    assert match.candidates[0].community.name == "新郑路社区"


def test_a_road_sharing_a_community_core_does_not_unsettle_a_full_address(all_divisions):
    # "幸福路" contains 幸福 (the bare name of 幸福社区 in the same street).
    match = region_for_address("二七区建中街街道淮南社区幸福路14号院")

    assert match.certain is True
    assert match.community.name == "淮南社区"
    assert len(match.candidates) == 1


def test_a_community_core_under_its_street_keeps_the_district_named_in_full(all_divisions):
    """东风路街道 is a street of 金水区 and of 中牟县; 森林半岛 is the core of 森林半岛社区 in 金水区's. The core
    alone does not name the community in full, but the district and the street it lies under do."""
    match = region_for_address("金水区东风路街道森林半岛小区")

    assert match.certain is True
    assert (match.district.name, match.street.code) == ("金水区", "410105010000")


@pytest.mark.parametrize("text", ["火星市幸福大道1号", "", "   ", "我在家里", "12345"])
def test_unknown_places_give_no_match(all_divisions, text):
    match = region_for_address(text)

    assert codes(match) == (None, None, None)
    assert match.certain is False
    assert match.score == 0.0
    assert match.candidates == []


def test_city_name_alone_is_no_match(all_divisions):
    match = region_for_address("郑州市")

    assert match.certain is False
    assert match.candidates == []


def test_a_common_word_that_is_a_bare_village_core_is_not_certain(all_divisions):
    match = region_for_address("我上街买菜")

    assert match.certain is False
    assert codes(match) == (None, None, None)


def test_index_follows_new_regions(zhengzhou_small):
    assert region_for_address("测试新建社区").candidates == []

    community = CommunityRegionFactory(parent=zhengzhou_small.street, name="测试新建社区")

    match = region_for_address("文化路街道测试新建社区")
    assert match.community == community
    assert match.certain is True


def test_index_follows_renamed_regions(zhengzhou_small):
    region_for_address("农大社区")
    community = Region.objects.get(code="410105008001")
    community.name = "农大新区社区"
    community.save()

    assert region_for_address("农大新区社区").community == community


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        ("金水區經八路街道", "金水区经八路街道"),
        ("鄭州市金水區文化路街道農大社區農大家屬院3號樓", "郑州市金水区文化路街道农大社区农大家属院3号楼"),
    ],
)
def test_traditional_characters_resolve_like_simplified_ones(all_divisions, traditional, simplified):
    assert codes(region_for_address(traditional)) == codes(region_for_address(simplified))
    assert region_for_address(traditional).certain is True
    assert codes(region_for_address(traditional))[1] is not None


def test_an_official_name_written_with_a_traditional_character_is_found_in_either_form(all_divisions):
    # 二七区 嵩山路街道 啟福社区居民委员会 is spelled with 啟 in the official list
    expected = codes(region_for_address("二七区嵩山路街道啟福社区"))

    assert expected[2] == "410103011015"
    assert codes(region_for_address("二七区嵩山路街道启福社区")) == expected


def test_routing_keeps_a_district_named_in_full_whatever_far_readings_of_the_roads_say(all_divisions):
    """routable_place: 陇海路 also reads as a place in 巩义市, far behind; 二七区 is named in full, so
    routing may act on the district (the street and community stay unknown)."""
    match = region_for_address("二七区大学路与陇海路交叉口往南50米")
    assert match.certain is False
    assert {c.district.name for c in match.candidates if c.district} > {"二七区"}
    district, street, community = routable_place(match)
    assert (district.name, street, community) == ("二七区", None, None)


def test_routing_takes_no_district_from_an_ambiguous_street(all_divisions):
    district, street, community = routable_place(region_for_address("东风路街道"))
    assert (district, street, community) == (None, None, None)


@pytest.mark.parametrize(
    "address, district",
    [
        ("文化路与东风路交叉口", "金水区"),  # 东风路街道 is also 中牟县's; 文化路街道 only 金水区's
        ("建设路与桐柏路交叉口", "中原区"),  # 建设路街道 is also 巩义市's
        ("丰产路", None),  # one road is a guess
    ],
)
def test_two_roads_of_a_crossroads_that_agree_on_a_district_name_it(all_divisions, address, district):
    """Each road read only as the namesake of a street: the one district where both lie is known (never
    the street: the crossroads may be on either's side)."""
    match = region_for_address(address)

    assert match.certain is False
    assert (match.district.name if match.district else None, match.street) == (district, None)
