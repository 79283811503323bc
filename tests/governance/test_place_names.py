"""The 地名库: roads and landmarks that callers name without their district, read where the divisions
alone agree on no district; its CSV import (all or nothing), export and round trip; the shipped seed."""

import pytest
from django.core.management import call_command

from governance.models import PlaceName, Region
from governance.selectors import region_for_address, routable_place
from governance.services.place_names import (
    PlaceNamesImportError,
    place_names_export,
    place_names_import,
    shipped_place_names_path,
)

pytestmark = pytest.mark.django_db

# Hand-made for the tests (the shipped seed's content may change): two 金水区 roads, one road through both
# districts of zhengzhou_small, a 金水区 landmark with its street and a 中牟县 one without.
SAMPLE = """name,aliases,kind,districts,street
农业路,农业东路|農業路,road,金水区,
经三路,,road,金水区,
郑开大道,,road,金水区|中牟县,
省农科院,河南省农业科学院|农科院,landmark,金水区,文化路街道
绿博园,郑州绿博园,park,中牟县,
"""


@pytest.fixture
def sample(zhengzhou_small):
    place_names_import(text=SAMPLE)
    return zhengzhou_small


def names(match):
    return (
        match.district.name if match.district else None,
        match.street.name if match.street else None,
        match.certain,
        match.place_names,
    )


def test_two_roads_of_one_district_name_it_and_no_street(sample):
    match = region_for_address("农业路与经三路交叉口往东50米")
    assert names(match) == ("金水区", None, False, ("农业路", "经三路"))
    assert routable_place(match) == (sample.district, None, None)


def test_a_road_wholly_in_one_district_names_it_and_aliases_and_traditional_forms_count(sample):
    assert names(region_for_address("农业东路")) == ("金水区", None, False, ("农业路",))
    assert names(region_for_address("農業路")) == ("金水区", None, False, ("农业路",))


def test_a_road_through_two_districts_names_none_unless_another_name_settles_it(sample):
    assert region_for_address("郑开大道").district is None
    assert names(region_for_address("郑开大道与经三路交叉口"))[:2] == ("金水区", None)


def test_a_bare_county_name_narrows_a_road_of_several_districts(sample):
    """ "中牟" alone is too weak for the divisions; beside 郑开大道 (金水区 and 中牟县) it says which."""
    assert region_for_address("中牟").district is None
    assert names(region_for_address("郑开大道中牟段"))[:2] == ("中牟县", None)
    assert region_for_address("郑开大道金水段").district is None  # "金水" is no district name


def test_a_landmark_recorded_with_its_street_names_the_street(sample):
    match = region_for_address("农科院门口")
    assert names(match) == ("金水区", "文化路街道", True, ("省农科院",))
    assert routable_place(match) == (sample.district, sample.street, None)


def test_names_of_two_districts_name_none(sample):
    """A 中牟县 park on a 金水区 road: a person decides."""
    assert region_for_address("农业路绿博园").district is None
    assert region_for_address("郑州绿博园南门").district.name == "中牟县"


def test_a_district_the_divisions_name_is_kept_whatever_the_place_names_say(sample):
    match = region_for_address("中牟县农业路")
    assert match.district == sample.zhongmou
    assert match.place_names == ()


def test_without_place_names_nothing_changes(zhengzhou_small):
    assert region_for_address("农业路与经三路交叉口").district is None


def test_an_entry_edited_in_the_admin_reaches_the_index(sample):
    assert region_for_address("经五路").district is None
    road = PlaceName.objects.create(name="经五路", kind=PlaceName.Kind.ROAD)
    road.districts.set([sample.district])  # the admin saves the districts after the row
    assert region_for_address("经五路").district == sample.district
    road.districts.set([sample.district, sample.zhongmou])
    assert region_for_address("经五路").district is None


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("经五路,,road,朝阳区,", "'朝阳区' 不是区县名称"),
        ("经五路,,road,,", "districts 为空"),
        ("经五路,,road,金水区,文化路街道", "道路 经五路 不填街道"),
        ("某广场,,mall,金水区|中牟县,", "不是道路，只能属于一个区县"),
        ("某广场,,mall,中牟县,文化路街道", "不是该区县的街道/乡镇"),
        ("某广场,,plaza,金水区,", "kind='plaza'"),
        ("农业路,,road,金水区,", "农业路 重复"),
        ("长" * 65 + ",,road,金水区,", "name 超过 64 字"),
        ("经五路," + "|".join(["别名"] * 90) + ",road,金水区,", "aliases 超过 255 字"),
    ],
)
def test_a_bad_row_is_refused_with_its_line_and_nothing_is_written(zhengzhou_small, row, message):
    text = SAMPLE + row + "\n"
    with pytest.raises(PlaceNamesImportError) as error:
        place_names_import(text=text)
    assert message in error.value.message
    assert "第7行" in error.value.message
    assert PlaceName.objects.count() == 0


def test_export_reads_back_unchanged_and_replace_deletes_what_the_file_omits(sample):
    exported = place_names_export()
    again = place_names_import(text=exported)
    assert (again.created, again.updated, again.unchanged, again.deleted) == (0, 0, 5, 0)
    assert place_names_export() == exported

    shorter = "\n".join(line for line in exported.splitlines() if not line.startswith("经三路")) + "\n"
    result = place_names_import(text=shorter, replace=True)
    assert (result.unchanged, result.deleted) == (4, 1)
    assert region_for_address("经三路").district is None


def test_an_updated_row_changes_the_districts(sample):
    result = place_names_import(text="name,aliases,kind,districts,street\n经三路,,road,中牟县,\n")
    assert (result.created, result.updated) == (0, 1)
    assert region_for_address("经三路").district == sample.zhongmou


def test_seeding_adds_missing_names_and_keeps_edits(all_divisions):
    call_command("load_divisions", stdout=open("/dev/null", "w"))
    shipped = PlaceName.objects.count()
    assert shipped > 100
    edited = PlaceName.objects.filter(kind=PlaceName.Kind.ROAD).first()
    edited.aliases = "城市自定义别名"
    edited.save()
    call_command("load_divisions", stdout=open("/dev/null", "w"))
    edited.refresh_from_db()
    assert (PlaceName.objects.count(), edited.aliases) == (shipped, "城市自定义别名")


def test_every_shipped_entry_is_read_back_by_the_index(all_divisions):
    """The shipped seed loads without an error, and each entry's own name finds it: a place or a road of
    one district names that district (unless a region's name reads first), a road of several names none."""
    place_names_import(text=shipped_place_names_path().read_text(encoding="utf-8"))
    wrong = []
    for place in PlaceName.objects.prefetch_related("districts").select_related("street"):
        districts = {d.code for d in place.districts.all()}
        match = region_for_address(place.name)
        if match.place_names:
            got = match.district.code if match.district else None
            if len(districts) == 1 and got not in districts:
                wrong.append(place.name)
            if len(districts) > 1 and got is not None:
                wrong.append(place.name)
        elif len(districts) == 1 and match.district is not None and match.district.code not in districts:
            # The divisions read the name as another district's place: the seed contradicts them.
            wrong.append(place.name)
    assert wrong == []
    assert Region.objects.filter(level="district", place_names__isnull=False).distinct().count() == 15


def test_a_name_two_entries_share_names_no_district_alone_and_each_keeps_its_own_names(sample):
    """The city's 东风路 and 中牟县's: "东风路" alone is either; "中牟东风路" is the county's."""
    place_names_import(
        text="name,aliases,kind,districts,street\n东风路,,road,金水区,\n东风路（中牟县）,东风路|中牟东风路,road,中牟县,\n"
    )
    assert region_for_address("东风路").district is None
    assert region_for_address("中牟东风路").district == sample.zhongmou
    assert region_for_address("东风路与经三路交叉口").district == sample.district


def test_a_name_the_divisions_give_to_a_region_of_another_district_names_none_alone(sample):
    """The bare core of 中牟县's 晨光社区 (晨光): a 金水区 entry called so cannot say which is meant."""
    place_names_import(text="name,aliases,kind,districts,street\n晨光商厦,晨光,mall,金水区,\n")
    assert region_for_address("晨光商厦").district == sample.district
    assert region_for_address("晨光").district is None
    assert region_for_address("晨光与经三路交叉口").district == sample.district  # a road of one district settles it


def test_the_import_command_refuses_a_file_that_is_not_utf8_and_reports_counts(zhengzhou_small, tmp_path, capsys):
    from django.core.management.base import CommandError

    bad = tmp_path / "gbk.csv"
    bad.write_bytes(SAMPLE.encode("gbk"))
    with pytest.raises(CommandError, match="须为 UTF-8"):
        call_command("place_names_import", str(bad))
    good = tmp_path / "utf8.csv"
    good.write_text(SAMPLE, encoding="utf-8")
    call_command("place_names_import", str(good))
    assert "地名: 5 created, 0 updated, 0 unchanged, 0 deleted" in capsys.readouterr().out
    out = tmp_path / "export.csv"
    call_command("place_names_export", str(out))
    assert out.read_text(encoding="utf-8") == place_names_export()
