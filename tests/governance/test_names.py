import pytest

from governance import names


@pytest.mark.parametrize(
    ("official", "display"),
    [
        ("农大社区居民委员会", "农大社区"),
        ("南大街社区居委会", "南大街社区"),
        ("弋湾居委会", "弋湾社区"),
        ("福华南街社区委员会", "福华南街社区"),
        ("亚星社区居民管理委员会", "亚星社区"),
        ("贾寨社区管理委员会", "贾寨社区"),
        ("光合花园社区", "光合花园社区"),
        ("关虎屯村民委员会", "关虎屯村"),
        ("新中村民委员会", "新中村"),
        ("赵寨村委会", "赵寨村"),
        ("陈村村委会", "陈村"),
        ("东风路白庙村村民委员会", "东风路白庙村"),
        ("岗李村", "岗李村"),
        ("产业集聚区管理委员会社区", "产业集聚区管理委员会社区"),
    ],
)
def test_community_display_name_drops_the_committee_suffix(official, display):
    assert names.community_display_name(official) == display


def test_street_display_name_drops_the_district_prefix():
    assert names.street_display_name("郑州经济技术开发区明湖街道", "郑州经济技术开发区") == "明湖街道"
    assert names.street_display_name("文化路街道", "金水区") == "文化路街道"


@pytest.mark.parametrize(
    ("code", "is_village"),
    [("410105008001", False), ("410105008199", False), ("410105008201", True), ("410105010400", False)],
)
def test_village_is_told_by_the_code(code, is_village):
    assert names.community_kind_is_village(code) is is_village


@pytest.mark.parametrize(
    "official, display",
    [
        ("体育社区居民居委会", "体育社区"),  # real NBS string with a doubled suffix
        ("光合花园社区", "光合花园社区"),
        ("河东路社区居委会", "河东路社区"),
    ],
)
def test_urban_display_names_never_repeat_a_suffix(official, display):
    assert names.community_display_name(official) == display
