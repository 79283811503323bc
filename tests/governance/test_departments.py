import csv

import pytest
from django.conf import settings
from django.core.management import call_command

from governance.models import Department, DispatchCatalogue, Region
from governance.selectors import department_for_category, fallback_department, street_office_for
from governance.services.departments import departments_seed
from tests.factories import DispatchCatalogueFactory


def names(departments):
    return [d.name for d in departments]


@pytest.mark.django_db
def test_seed_departments_covers_every_level(all_divisions, capsys):
    call_command("seed_departments")

    # 32 bureaus with district counterparts, 12 city-only bodies, the 12345 centre
    assert Department.objects.filter(level="city").count() == 32 + 12 + 1
    assert Department.objects.filter(level="utility").count() == 7
    assert Department.objects.filter(level="district").count() == 15 * 33
    assert Department.objects.filter(level="street").count() == 208
    assert Department.objects.filter(dept_type="district_gov").count() == 15
    assert set(Department.objects.filter(level="utility").values_list("dept_type", flat=True)) == {
        "water",
        "gas",
        "heating",
        "power",
        "bus",
        "metro",
        "telecom",
    }
    assert "755 departments, 15 派单目录 rows, 526 事项" in capsys.readouterr().out


@pytest.mark.django_db
def test_department_names(all_departments):
    def name(code):
        return Department.objects.get(code=code).name

    assert name("4101-chengguan") == "郑州市城市管理局"
    assert name("4101-city_gov") == "郑州市12345热线中心"
    assert name("410105-zhujian") == "金水区住房和城乡建设局"
    assert name("410105-district_gov") == "金水区人民政府"
    assert name("410104-weijian") == "管城区卫生健康委员会"
    assert name("410171-district_gov") == "经开区管理委员会"
    assert name("410105008-street_office") == "文化路街道办事处"
    assert name("410103100-street_office") == "马寨镇人民政府"
    assert name("410104202-street_office") == "圃田乡人民政府"
    assert name("410183401-street_office") == "伏羲山风景区管理委员会"


@pytest.mark.django_db
def test_seed_departments_twice_keeps_admin_edits(all_departments):
    Department.objects.filter(code="410105-zhujian").update(name="金水区住建局（改）")
    DispatchCatalogue.objects.filter(category_code="城乡建设").update(lead_department_type="chengguan")
    before = list(Department.objects.order_by("code").values_list())

    result = departments_seed()

    assert (result.departments_created, result.catalogue_created) == (0, 0)
    assert list(Department.objects.order_by("code").values_list()) == before
    assert DispatchCatalogue.objects.get(category_code="城乡建设").lead_department_type == "chengguan"


@pytest.mark.django_db
def test_catalogue_codes_are_the_training_labels(all_departments):
    with open(settings.FIXTURES_DIR / "complaints_train.csv", encoding="utf-8") as fh:
        labels = {row["label"] for row in csv.DictReader(fh)}

    with open(settings.FIXTURES_DIR / "complaint_categories.csv", encoding="utf-8") as fh:
        taxonomy = {row["level1"] for row in csv.DictReader(fh)}
    # A row for every first-level category of the taxonomy: the trained labels and the eight without examples.
    codes = set(DispatchCatalogue.objects.values_list("category_code", flat=True))
    assert labels < codes
    assert codes == taxonomy and len(codes - labels) == 8
    # Every lead and assist type exists in every district.
    for row in DispatchCatalogue.objects.all():
        for dept_type in [row.lead_department_type, *row.assist_department_types]:
            assert Department.objects.filter(dept_type=dept_type, level="district").count() == 15


@pytest.mark.parametrize(
    ("category", "lead", "assists"),
    [
        ("城乡建设", "金水区住房和城乡建设局", ["金水区城市管理局"]),
        ("环境保护", "金水区生态环境分局", []),
        ("交通运输", "金水区交通运输局", []),
        ("教育文体", "金水区教育局", ["金水区文化广电和旅游局"]),
        ("劳动和社会保障", "金水区人力资源和社会保障局", []),
        ("商贸旅游", "金水区商务局", ["金水区文化广电和旅游局"]),
        ("卫生计生", "金水区卫生健康委员会", []),
    ],
)
def test_catalogue_gives_the_district_counterpart(zhengzhou_small, category, lead, assists):
    assignment = department_for_category(category_code=category, district=zhengzhou_small.district)

    assert assignment.lead.name == lead
    assert names(assignment.assists) == assists
    assert assignment.is_fallback is False
    assert assignment.catalogue.category_code == category


def test_any_region_inside_a_district_is_accepted(zhengzhou_small):
    assignment = department_for_category(category_code="城乡建设", district=zhengzhou_small.community)

    assert assignment.lead.name == "金水区住房和城乡建设局"


def test_no_district_gives_the_city_department(zhengzhou_small):
    assignment = department_for_category(category_code="城乡建设", district=None)

    assert assignment.lead.name == "郑州市住房和城乡建设局"
    assert names(assignment.assists) == ["郑州市城市管理局"]
    assert assignment.is_fallback is False


def test_city_level_catalogue_row_gives_the_city_department(zhengzhou_small):
    DispatchCatalogue.objects.filter(category_code="交通运输").update(level=DispatchCatalogue.Level.CITY)

    assignment = department_for_category(category_code="交通运输", district=zhengzhou_small.district)

    assert assignment.lead.name == "郑州市交通运输局"
    assert assignment.is_fallback is False


def test_unknown_category_falls_back_to_the_district_government(zhengzhou_small):
    assignment = department_for_category(category_code="不存在的类别", district=zhengzhou_small.district)

    assert assignment.lead.name == "金水区人民政府"
    assert assignment.is_fallback is True
    assert assignment.catalogue is None
    assert assignment.assists == []


def test_unknown_category_without_district_falls_back_to_the_12345_centre(zhengzhou_small):
    assignment = department_for_category(category_code="不存在的类别", district=None)

    assert assignment.lead.name == "郑州市12345热线中心"
    assert assignment.lead.dept_type == "city_gov"
    assert assignment.is_fallback is True


def test_inactive_catalogue_row_or_missing_department_falls_back(zhengzhou_small):
    DispatchCatalogue.objects.filter(category_code="卫生计生").update(is_active=False)
    DispatchCatalogueFactory(category_code="水电气暖", lead_department_type="no_such_type")

    inactive = department_for_category(category_code="卫生计生", district=zhengzhou_small.district)
    missing = department_for_category(category_code="水电气暖", district=zhengzhou_small.district)

    assert (inactive.lead.name, inactive.is_fallback) == ("金水区人民政府", True)
    assert (missing.lead.name, missing.is_fallback) == ("金水区人民政府", True)
    assert missing.catalogue.category_code == "水电气暖"


def test_inactive_lead_department_falls_back(zhengzhou_small):
    Department.objects.filter(code="410105-zhujian").update(is_active=False)

    assignment = department_for_category(category_code="城乡建设", district=zhengzhou_small.district)

    assert (assignment.lead.name, assignment.is_fallback) == ("金水区人民政府", True)


def test_catalogue_fallback_type_is_honoured(zhengzhou_small):
    DispatchCatalogueFactory(
        category_code="市容", lead_department_type="no_such_type", fallback_department_type="chengguan"
    )

    assignment = department_for_category(category_code="市容", district=zhengzhou_small.district)

    assert (assignment.lead.name, assignment.is_fallback) == ("金水区城市管理局", True)


def test_fallback_department(zhengzhou_small):
    assert fallback_department(district=zhengzhou_small.zhongmou).name == "中牟县人民政府"
    assert fallback_department(district=zhengzhou_small.street).name == "金水区人民政府"
    assert fallback_department(district=None).name == "郑州市12345热线中心"
    assert fallback_department(district=zhengzhou_small.city).name == "郑州市12345热线中心"


@pytest.mark.django_db
def test_fallback_department_without_seed_raises():
    with pytest.raises(Department.DoesNotExist):
        fallback_department(district=None)


def test_street_office_for(zhengzhou_small):
    assert street_office_for(street=zhengzhou_small.street).name == "文化路街道办事处"
    assert street_office_for(street=zhengzhou_small.community).name == "文化路街道办事处"
    assert street_office_for(street=zhengzhou_small.district) is None
    assert street_office_for(street=Region.objects.get(code="410122101000")).name == "韩寺镇人民政府"


def test_departments_near_a_district_are_citywide_units_and_the_districts_own(zhengzhou_small):
    from governance.selectors import departments_near

    near = departments_near(district_code=zhengzhou_small.district.code)
    everything = departments_near(district_code=None)

    assert {d.level for d in near if d.region_id not in (zhengzhou_small.district.code,)} <= {
        Department.Level.CITY,
        Department.Level.UTILITY,
        Department.Level.STREET,
    }
    streets = [d for d in near if d.level == Department.Level.STREET]
    assert streets and all(d.region.parent_id == zhengzhou_small.district.code for d in streets)
    assert "文化路街道办事处" in names(near)  # the ticket's street office, and its neighbours
    assert not any(d.region_id == zhengzhou_small.zhongmou.code for d in near)
    assert len(everything) == Department.objects.filter(is_active=True).count() > len(near)


def test_category_suggestions_name_the_unit_of_each_category_in_few_queries(zhengzhou_small, django_assert_num_queries):
    from governance.selectors import category_suggestions

    with django_assert_num_queries(2):
        suggestions = category_suggestions(
            categories=[("城乡建设", 0.6), ("不存在的类别", 0.3), ("交通运输", 0.1)], district=zhengzhou_small.district
        )

    assert [(s.code, s.probability) for s in suggestions] == [
        ("城乡建设", 0.6),
        ("不存在的类别", 0.3),
        ("交通运输", 0.1),
    ]
    for s in suggestions:
        one = department_for_category(category_code=s.code, district=zhengzhou_small.district)
        assert (s.assignment.lead, s.assignment.assists, s.assignment.is_fallback) == (
            one.lead,
            one.assists,
            one.is_fallback,
        )


@pytest.mark.django_db
def test_category_suggestions_before_departments_are_seeded_keep_the_categories():
    from governance.selectors import category_suggestions

    suggestions = category_suggestions(categories=[("城乡建设", 0.9)], district=None)

    assert [(s.code, s.assignment) for s in suggestions] == [("城乡建设", None)]


def test_fallback_owners_are_the_district_government_and_the_city_centre(zhengzhou_small):
    from governance.selectors import is_fallback_department

    assert is_fallback_department(fallback_department(district=zhengzhou_small.district))
    assert is_fallback_department(fallback_department(district=None))
    assert not is_fallback_department(zhengzhou_small.department("zhujian"))
    assert not is_fallback_department(None)
