"""The item-level 派单目录: the shipped catalogue, CSV import/export, and resolving an item to a unit."""

import csv
import io
import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Q

from governance.models import CatalogueItem, Department, Region
from governance.selectors import PLACE_UNKNOWN, department_for_item
from governance.services.catalogue import (
    CatalogueImportError,
    catalogue_export,
    catalogue_import,
    shipped_catalogue_path,
)
from governance.services.departments import COUNTY_COUNTERPARTS


def item(path: str) -> CatalogueItem:
    parts = path.split("/")
    return CatalogueItem.objects.get(
        level1=parts[0], level2=parts[1], level3=parts[2], subitem=parts[3] if len(parts) > 3 else ""
    )


def taxonomy() -> set[tuple[str, str, str]]:
    from django.conf import settings

    with open(settings.FIXTURES_DIR / "complaint_categories.csv", encoding="utf-8") as f:
        return {(r["level1"], r["level2"], r["level3"]) for r in csv.DictReader(f)}


@pytest.mark.django_db
def test_shipped_catalogue_covers_every_item_of_the_taxonomy(zhengzhou_small):
    items = CatalogueItem.objects.all()
    assert {(i.level1, i.level2, i.level3) for i in items} == taxonomy()
    assert len({i.level3 for i in items}) == 390
    # 517 taxonomy rows; 噪音污染, 大气污染, 燃气供应, 自来水供应, 司法调解, 治安案件, 招生录取, 物业服务 split
    assert items.count() == 526
    assert len({i.level1 for i in items}) == 15
    # Territorial items are led by the street office and need the street; utilities need no place.
    for i in items:
        if i.kind == CatalogueItem.Kind.TERRITORIAL:
            assert (i.lead_department_type, i.place_needed) == ("street_office", "street"), i.path
        if i.kind == CatalogueItem.Kind.UTILITY:
            assert (i.level, i.place_needed) == ("utility", "none"), i.path


@pytest.mark.parametrize(
    "path, lead, assists, kind, place",
    [
        ("城乡建设/城市建设和市政管理/小区管理", "street_office", ["zhujian"], "territorial", "street"),
        ("城乡建设/住房保障与房地产/物业服务", "street_office", ["zhujian"], "territorial", "street"),
        ("城乡建设/城乡规划/违章建筑", "street_office", ["chengguan", "ziran"], "territorial", "street"),
        ("城乡建设/国有土地上房屋征收与补偿/安置补偿", "street_office", ["zhujian"], "territorial", "street"),
        ("城乡建设/国有土地上房屋征收与补偿/回迁房", "street_office", ["zhujian"], "territorial", "street"),
        ("城乡建设/城市建设和市政管理/城管执法", "chengguan", ["street_office"], "functional", "site"),
        ("城乡建设/城市建设和市政管理/冬季采暖", "heating", ["chengguan"], "utility", "none"),
        ("城乡建设/城市建设和市政管理/燃气供应", "gas", ["chengguan"], "utility", "none"),
        ("城乡建设/城市建设和市政管理/自来水供应", "water", ["chengguan"], "utility", "none"),
        ("城乡建设/城市建设和市政管理/公共汽车", "bus", ["jiaotong"], "utility", "none"),
        ("环境保护/环境污染/噪音污染/社会生活噪声", "gongan", ["street_office"], "functional", "street"),
        ("环境保护/环境污染/噪音污染/施工噪声", "chengguan", ["zhujian", "sthj"], "functional", "site"),
        ("环境保护/环境污染/噪音污染/工业噪声", "sthj", [], "functional", "site"),
        ("卫生计生/食品药品监管/药品和医疗器械管理", "shichang", [], "functional", "district"),
        # A fraud call, a 中考/高考 question: the city's unit takes them when no place is given.
        ("政法/社会治安/治安案件/电信网络诈骗", "gongan", [], "functional", "none"),
        ("教育文体/考试招生/招生录取/中招高招", "jiaoyu", [], "functional", "none"),
        ("政法/社会治安/治安案件", "gongan", ["street_office"], "functional", "district"),
    ],
)
@pytest.mark.django_db
def test_frequent_items_are_set_by_hand(zhengzhou_small, path, lead, assists, kind, place):
    i = item(path)
    assert (i.lead_department_type, i.assist_department_types, i.kind, i.place_needed) == (lead, assists, kind, place)
    assert i.words  # every frequent item has signal words


@pytest.mark.django_db
def test_in_a_township_village_lamps_and_roads_are_led_by_the_township(zhengzhou_small):
    """A township (乡/镇) looks after its villages' lamps, drains and roads: there the township government
    leads and the county's department assists; in a 街道, or with only the county known, the department
    leads as everywhere."""
    z = zhengzhou_small
    township = Region.objects.get(level="street", parent=z.zhongmou, official_name="韩寺镇")
    village = Region.objects.filter(parent=township).order_by("code").first()
    for path, usual in [
        ("城乡建设/城市建设和市政管理/城市公共设施", "chengguan"),
        ("城乡建设/城市建设和市政管理/基础设施", "zhujian"),
    ]:
        matter = item(path)
        assert matter.rural_lead_department_type == "street_office", path
        there = department_for_item(item=matter, district=z.zhongmou, street=village)
        assert (there.lead.name, there.rural, there.kind) == ("韩寺镇人民政府", True, "territorial"), path
        assert [(d.dept_type, d.region_id) for d in there.assists] == [(usual, z.zhongmou.code)], path
        for street in (z.zhongmou_street, z.zhongmou_community, None):
            county = department_for_item(item=matter, district=z.zhongmou, street=street)
            assert (county.lead.dept_type, county.lead.region_id) == (usual, z.zhongmou.code), (path, street)
            assert (county.rural, county.kind) == (False, "functional"), (path, street)
    illegal_building = item("城乡建设/城乡规划/违章建筑")
    assert department_for_item(item=illegal_building, district=z.zhongmou, street=village).rural is False


@pytest.mark.django_db
def test_in_a_county_buses_and_heating_are_the_countys_own(zhengzhou_small):
    """郑州's bus group and heating company serve the city proper: in 中牟县 the county's 交通运输 and
    住建 lead (assists resolved in the county); in 金水区, or with no place, the enterprise does."""
    z = zhengzhou_small
    for path, county_type, assists in [
        ("城乡建设/城市建设和市政管理/公共汽车", "jiaotong", []),
        ("城乡建设/城市建设和市政管理/冬季采暖", "zhujian", [("chengguan", z.zhongmou.code)]),
    ]:
        matter = item(path)
        assert matter.level == "utility", path
        for street in (z.zhongmou_street, None):
            there = department_for_item(item=matter, district=z.zhongmou, street=street)
            assert (there.lead.dept_type, there.lead.region_id) == (county_type, z.zhongmou.code), path
            assert (there.county, there.kind) == (True, "functional"), path
            assert [(d.dept_type, d.region_id) for d in there.assists] == assists, path
        for district in (z.district, None):
            city = department_for_item(item=matter, district=district)
            assert (city.lead.dept_type, city.lead.level, city.county) == (
                matter.lead_department_type,
                "utility",
                False,
            )
    gas = department_for_item(item=item("城乡建设/城市建设和市政管理/燃气供应"), district=z.zhongmou)
    assert (gas.lead.dept_type, gas.county) == ("gas", False)


@pytest.mark.django_db
def test_social_insurance_pensions_and_tax_need_no_place_but_an_employers_wages_do(zhengzhou_small):
    """社保、医保、养老金 and tax are administered city-wide (市级统筹): a caller asking about them often
    names no place, and the city bureau answers; with a district named, its bureau does. A matter of one
    employer (its wages) still needs the district."""
    z = zhengzhou_small
    for path, unit in [
        ("劳动和社会保障/退休政策及待遇/退休金发放", "renshe"),
        ("劳动和社会保障/城镇职工社会保险/职工医疗保险", "yibao"),
        ("经济管理/金融财税/税收征管", "shuiwu"),
    ]:
        matter = item(path)
        assert matter.place_needed == "none", path
        city = department_for_item(item=matter, district=None)
        assert (city.lead.dept_type, city.lead.level) == (unit, "city"), path
        local = department_for_item(item=matter, district=z.district)
        assert (local.lead.dept_type, local.lead.region_id) == (unit, z.district.code), path
    wages = department_for_item(item=item("劳动和社会保障/工资福利/工资发放"), district=None)
    assert wages.lead is None and wages.reason.startswith(PLACE_UNKNOWN)


@pytest.mark.django_db
def test_land_contracts_go_to_the_agriculture_bureau_with_the_township(zhengzhou_small):
    for path in ("农村农业/土地承包经营/土地承包", "农村农业/土地承包经营/土地流转"):
        i = item(path)
        assert (i.lead_department_type, i.assist_department_types, i.kind, i.place_needed) == (
            "nongye",
            ["street_office"],
            "functional",
            "district",
        ), path


TOWNLESS_DISTRICTS = ("中原区", "金水区")  # all their divisions are 街道


@pytest.mark.django_db
def test_every_item_resolves_to_an_existing_unit_in_every_district(all_departments):
    """For each of the 15 districts, with a street of it as the place: every item's lead and assisting
    types exist, so no item ever falls back to the 兜底 owner or is left without a unit. Items with the same
    (lead, assists, 乡镇牵头, level, place) resolve alike, so one item of each such spec stands for the others.
    Each district is tried with its first 街道 and its first township (乡/镇), where it has one."""
    specs = {}
    for i in CatalogueItem.objects.order_by("pk"):
        spec = (i.lead_department_type, tuple(i.assist_department_types), i.rural_lead_department_type)
        specs.setdefault((*spec, i.level, i.place_needed), i)
    items = list(specs.values())
    assert len(items) > 60
    assert any(i.rural_lead_department_type for i in items)
    districts = list(Region.objects.filter(level="district"))
    assert len(districts) == 15
    townships = 0
    for district in districts:
        streets = Region.objects.filter(level="street", parent=district).order_by("code")
        urban = streets.filter(official_name__endswith="街道").first()
        rural = streets.filter(Q(official_name__endswith="镇") | Q(official_name__endswith="乡")).first()
        townships += rural is not None
        for street, i in itertools.product([s for s in (urban, rural) if s is not None], items):
            a = department_for_item(item=i, district=district, street=street)
            assert a.lead is not None and not a.is_fallback, (district.name, i.path)
            assert a.lead.is_active
            lead, assists = i.lead_department_type, list(i.assist_department_types)
            if street is rural and i.rural_lead_department_type:
                lead, assists = i.rural_lead_department_type, [lead, *assists]
            assert a.rural == (lead != i.lead_department_type)
            county = lead in COUNTY_COUNTERPARTS and district.official_name.endswith(("县", "市"))
            if county:
                lead = COUNTY_COUNTERPARTS[lead]
                assists = [t for t in assists if t != lead]
            assert a.county == county
            assert a.lead.dept_type == lead
            assert [d.dept_type for d in a.assists] == assists, (district.name, street.name, i.path)
            if lead == "street_office":
                assert a.lead.region_id == street.code
            elif i.level == "district" or county:
                assert a.lead.region_id == district.code
            else:
                assert a.lead.level in ("city", "utility")
    assert townships == sum(1 for d in districts if d.name not in TOWNLESS_DISTRICTS)


@pytest.mark.django_db
def test_territorial_item_goes_to_the_street_office_of_the_place(zhengzhou_small):
    z = zhengzhou_small
    a = department_for_item(item=item("城乡建设/城乡规划/违章建筑"), district=z.district, street=z.community)
    assert a.lead.name == "文化路街道办事处"
    assert [d.name for d in a.assists] == ["金水区城市管理局", "金水区自然资源和规划分局"]


@pytest.mark.django_db
def test_territorial_item_without_a_street_has_no_unit(zhengzhou_small):
    a = department_for_item(item=item("城乡建设/城乡规划/违章建筑"), district=zhengzhou_small.district)
    assert a.lead is None and a.missing_place == "street"
    assert a.reason.startswith(PLACE_UNKNOWN)
    assert department_for_item(item=item("城乡建设/城乡规划/违章建筑"), district=None).lead is None


@pytest.mark.django_db
def test_functional_item_goes_to_the_district_department_and_needs_the_district(zhengzhou_small):
    z = zhengzhou_small
    drugs = item("卫生计生/食品药品监管/药品和医疗器械管理")
    assert department_for_item(item=drugs, district=z.zhongmou).lead.name == "中牟县市场监督管理局"
    assert department_for_item(item=drugs, district=None, street=z.street).lead.name == "金水区市场监督管理局"
    missing = department_for_item(item=drugs, district=None)
    assert (missing.lead, missing.missing_place) == (None, "district")


@pytest.mark.django_db
def test_functional_item_assisting_street_office_is_left_out_without_the_street(zhengzhou_small):
    vendors = item("城乡建设/城市建设和市政管理/城管执法")
    a = department_for_item(item=vendors, district=zhengzhou_small.district)
    assert (a.lead.name, a.assists) == ("金水区城市管理局", [])
    a = department_for_item(item=vendors, district=zhengzhou_small.district, street=zhengzhou_small.street)
    assert [d.name for d in a.assists] == ["文化路街道办事处"]


@pytest.mark.django_db
def test_utility_item_needs_no_place(zhengzhou_small):
    heating = department_for_item(item=item("城乡建设/城市建设和市政管理/冬季采暖"), district=None)
    assert heating.lead.name == "郑州热力集团有限公司（供热）"
    assert [d.name for d in heating.assists] == ["郑州市城市管理局"]
    bus = department_for_item(item=item("城乡建设/城市建设和市政管理/公共汽车"), district=zhengzhou_small.district)
    assert bus.lead.name == "郑州市公共交通集团有限公司（公交）"


@pytest.mark.django_db
def test_social_noise_needs_the_street_although_the_police_lead(zhengzhou_small):
    z = zhengzhou_small
    noise = item("环境保护/环境污染/噪音污染/社会生活噪声")
    assert department_for_item(item=noise, district=z.district).missing_place == "street"
    a = department_for_item(item=noise, district=z.district, street=z.street)
    assert (a.lead.name, [d.name for d in a.assists]) == ("郑州市公安局金水分局", ["文化路街道办事处"])


@pytest.mark.django_db
def test_missing_lead_unit_falls_back_to_the_district_government(zhengzhou_small):
    z = zhengzhou_small
    Department.objects.filter(dept_type="shichang", region=z.district).update(is_active=False)
    a = department_for_item(item=item("卫生计生/食品药品监管/药品和医疗器械管理"), district=z.district)
    assert a.is_fallback and a.lead.dept_type == "district_gov"


# --- CSV import / export ---


@pytest.mark.django_db
def test_export_import_round_trip(zhengzhou_small):
    first = catalogue_export()
    assert first.count("\n") == 1 + 526
    CatalogueItem.objects.all().delete()

    result = catalogue_import(text=first)

    assert (result.created, result.updated, result.unchanged) == (526, 0, 0)
    assert catalogue_export() == first
    # The shipped file and the export describe the same catalogue (the order may differ).
    shipped = list(csv.DictReader(io.StringIO(shipped_catalogue_path().read_text(encoding="utf-8"))))
    exported = list(csv.DictReader(io.StringIO(first)))
    assert sorted(map(lambda r: tuple(r.items()), shipped)) == sorted(map(lambda r: tuple(r.items()), exported))


@pytest.mark.django_db
def test_import_updates_edited_rows_and_can_deactivate_missing_ones(zhengzhou_small):
    rows = list(csv.DictReader(io.StringIO(catalogue_export())))
    lift = next(r for r in rows if r["level3"] == "特种设备管理")
    lift["lead"], lift["assists"], lift["signal_words"] = "street_office", "shichang", "电梯、困人"
    lift["kind"], lift["level"], lift["place_needed"] = "territorial", "street", "street"
    kept = [r for r in rows if r["level3"] != "传销"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(kept)

    result = catalogue_import(text="\ufeff" + out.getvalue(), deactivate_missing=True)

    assert (result.created, result.updated, result.deactivated) == (0, 1, 1)
    i = item("商贸旅游/质监检验检疫/特种设备管理")
    assert (i.lead_department_type, i.assist_department_types, i.words) == (
        "street_office",
        ["shichang"],
        ["电梯", "困人"],
    )
    assert not item("商贸旅游/市场监管/传销").is_active


@pytest.mark.parametrize(
    "column, value, message",
    [
        ("lead", "police_station", "单位类型 'police_station' 不存在"),
        ("level", "province", "level='province'"),
        ("place_needed", "grid", "place_needed='grid'"),
    ],
)
@pytest.mark.django_db
def test_import_checks_the_whole_file_before_writing(zhengzhou_small, column, value, message):
    rows = list(csv.DictReader(io.StringIO(catalogue_export())))
    rows[0]["signal_words"] = "改了"
    rows[-1][column] = value
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    before = catalogue_export()

    with pytest.raises(CatalogueImportError, match=message):
        catalogue_import(text=out.getvalue())

    assert catalogue_export() == before


@pytest.mark.django_db
def test_an_older_file_without_the_township_column_imports_and_a_bad_township_type_is_refused(zhengzhou_small):
    rows = list(csv.DictReader(io.StringIO(catalogue_export())))
    lamps = next(r for r in rows if r["level3"] == "城市公共设施")
    assert lamps["rural_lead"] == "street_office"

    def text(rows, columns):
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue()

    older = [c for c in rows[0] if c != "rural_lead"]
    result = catalogue_import(text=text(rows, older))
    assert (result.updated, item("城乡建设/城市建设和市政管理/城市公共设施").rural_lead_department_type) == (3, "")
    lamps["rural_lead"] = "village_committee"
    with pytest.raises(CatalogueImportError, match="单位类型 'village_committee' 不存在"):
        catalogue_import(text=text(rows, list(rows[0])))


@pytest.mark.django_db
def test_import_and_export_commands(zhengzhou_small, tmp_path, capsys):
    path = tmp_path / "catalogue.csv"
    call_command("catalogue_export", str(path))
    CatalogueItem.objects.filter(level1="政法").delete()
    call_command("catalogue_import", str(path))
    assert "事项: 57 created, 0 updated, 469 unchanged" in capsys.readouterr().out
    path.write_text("level1,level2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="缺少列"):
        call_command("catalogue_import", str(path))


@pytest.mark.django_db
def test_reseeding_keeps_admin_edits(zhengzhou_small):
    from governance.services.departments import departments_seed

    CatalogueItem.objects.filter(level3="冬季采暖").update(lead_department_type="zhujian")
    CatalogueItem.objects.filter(level3="公园管理").delete()

    result = departments_seed()

    assert result.items_created == 1
    assert item("城乡建设/城市建设和市政管理/冬季采暖").lead_department_type == "zhujian"


# --- admin ---


@pytest.fixture
def admin_client(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.django_db
def test_admin_lists_and_edits_an_item(admin_client, zhengzhou_small, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert admin_client.get("/admin/governance/catalogueitem/", {"level1__exact": "政法"}).status_code == 200
    i = item("城乡建设/城市建设和市政管理/城管执法")
    url = f"/admin/governance/catalogueitem/{i.pk}/change/"
    form = {
        "level1": i.level1,
        "level2": i.level2,
        "level3": i.level3,
        "subitem": "",
        "lead_department_type": "chengguan",
        "assist_department_types": ["street_office", "chengguan"],
        "level": "district",
        "kind": "functional",
        "place_needed": "district",
        "signal_words": i.signal_words + "、共享滑板车",
        "time_limit_class": "general",
        "is_active": "on",
    }
    assert admin_client.post(url, form).status_code == 302
    i.refresh_from_db()
    assert i.words[-1] == "共享滑板车" and i.assist_department_types == ["street_office"]


@pytest.mark.django_db
def test_admin_refuses_a_street_led_item_that_does_not_need_the_street(admin_client, zhengzhou_small):
    i = item("城乡建设/城乡规划/违章建筑")
    form = {
        "level1": i.level1,
        "level2": i.level2,
        "level3": i.level3,
        "lead_department_type": "street_office",
        "level": "street",
        "kind": "territorial",
        "place_needed": "none",
        "signal_words": i.signal_words,
        "time_limit_class": "general",
    }
    response = admin_client.post(f"/admin/governance/catalogueitem/{i.pk}/change/", form)
    assert response.status_code == 200 and "街道牵头的属地事项须明确街道" in response.content.decode()
    i.refresh_from_db()
    assert i.place_needed == "street"
