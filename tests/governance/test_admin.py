import pytest

from governance.models import DispatchCatalogue
from tests.factories import UserFactory


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "model", ["region", "grid", "gridworker", "place", "department", "dispatchcatalogue", "staffprofile"]
)
def test_changelists_render_with_a_bounded_number_of_queries(
    admin_client, zhengzhou_small, django_assert_max_num_queries, model
):
    with django_assert_max_num_queries(12):
        response = admin_client.get(f"/admin/governance/{model}/")

    assert response.status_code == 200


def test_grid_search_by_code_prefix_lists_the_subtree(admin_client, zhengzhou_small):
    response = admin_client.get("/admin/governance/grid/", {"q": "410105008001"})

    assert response.status_code == 200
    content = response.content.decode()
    assert "农大家属院1-6号楼微网格" in content
    assert "晨光社区第1网格" not in content


def test_grid_change_page_renders(admin_client, zhengzhou_small):
    response = admin_client.get(f"/admin/governance/grid/{zhengzhou_small.micro_grid.pk}/change/")

    assert response.status_code == 200
    assert "农大家属院" in response.content.decode()


def test_catalogue_is_editable_with_existing_department_types(admin_client, zhengzhou_small):
    row = DispatchCatalogue.objects.get(category_code="环境保护")

    response = admin_client.post(
        f"/admin/governance/dispatchcatalogue/{row.pk}/change/",
        {
            "category_code": "环境保护",
            "category_name": "环境保护",
            "lead_department_type": "sthj",
            "assist_department_types": ["chengguan", "sthj"],
            "level": "district",
            "fallback_department_type": "district_gov",
            "description": "噪声、油烟",
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    row.refresh_from_db()
    assert row.assist_department_types == ["chengguan"]  # the lead is not its own assistant
    assert row.description == "噪声、油烟"


def test_catalogue_refuses_an_unknown_department_type(admin_client, zhengzhou_small):
    row = DispatchCatalogue.objects.get(category_code="环境保护")

    response = admin_client.post(
        f"/admin/governance/dispatchcatalogue/{row.pk}/change/",
        {
            "category_code": "环境保护",
            "category_name": "环境保护",
            "lead_department_type": "typo_bureau",
            "level": "district",
            "fallback_department_type": "district_gov",
            "is_active": "on",
        },
    )

    assert response.status_code == 200
    assert "lead_department_type" in response.context["adminform"].form.errors
    row.refresh_from_db()
    assert row.lead_department_type == "sthj"


def test_autocomplete_for_regions_works(admin_client, zhengzhou_small):
    response = admin_client.get(
        "/admin/autocomplete/",
        {"term": "农大", "app_label": "governance", "model_name": "grid", "field_name": "region"},
    )

    assert response.status_code == 200
    assert any(r["text"] == "农大社区" for r in response.json()["results"])


def test_place_names_list_and_the_form_keeps_the_import_rules(
    admin_client, zhengzhou_small, django_assert_max_num_queries
):
    from governance.models import PlaceName
    from governance.services.place_names import place_names_import

    place_names_import(text="name,aliases,kind,districts,street\n农业路,,road,金水区,\n绿博园,,park,中牟县,\n")
    with django_assert_max_num_queries(12):
        listed = admin_client.get("/admin/governance/placename/")
    assert listed.status_code == 200 and "绿博园" in listed.content.decode()

    z = zhengzhou_small
    refused = admin_client.post(
        "/admin/governance/placename/add/",
        {
            "name": "某广场",
            "aliases": "",
            "kind": "mall",
            "districts": [z.district.code, z.zhongmou.code],
            "street": "",
        },
    )
    assert "场所只能属于一个区县" in refused.content.decode()
    refused = admin_client.post(
        "/admin/governance/placename/add/",
        {"name": "某广场", "aliases": "", "kind": "mall", "districts": [z.zhongmou.code], "street": z.street.code},
    )
    assert "该街道不在所选区县" in refused.content.decode()
    assert not PlaceName.objects.filter(name="某广场").exists()

    saved = admin_client.post(
        "/admin/governance/placename/add/",
        {"name": "某广场", "aliases": "", "kind": "mall", "districts": [z.district.code], "street": z.street.code},
    )
    assert saved.status_code == 302
    from governance.selectors import region_for_address

    assert region_for_address("某广场东门").street == z.street
