import pytest

from governance.models import Grid
from tests.factories import UserFactory


@pytest.fixture
def api(client, db):
    client.force_login(UserFactory())
    return client


def test_anonymous_is_refused(client, zhengzhou_small):
    for url in ["/api/regions/", "/api/grids/", "/api/departments/", "/api/catalogue/", "/api/address/resolve/?q=x"]:
        assert client.get(url).status_code in (401, 403), url


def test_region_tree_top_level_is_the_city(api, zhengzhou_small, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        body = api.get("/api/regions/").json()

    assert body["count"] == 1
    assert body["results"][0] == {
        "code": "410100000000",
        "name": "郑州市",
        "official_name": "郑州市",
        "level": "city",
        "is_village": False,
        "parent_code": None,
        "has_children": True,
    }


def test_region_children_on_demand(api, zhengzhou_small, django_assert_max_num_queries):
    districts = api.get("/api/regions/410100000000/children/").json()
    assert [r["name"] for r in districts["results"]] == ["金水区", "中牟县"]

    with django_assert_max_num_queries(5):
        communities = api.get("/api/regions/410105008000/children/").json()

    assert communities["count"] == 15
    assert communities["results"][0]["name"] == "农大社区"
    assert communities["results"][0]["official_name"] == "农大社区居民委员会"
    assert communities["results"][0]["has_children"] is False
    assert communities["results"][-1]["name"] == "关虎屯村"
    assert communities["results"][-1]["is_village"] is True


def test_region_children_are_paginated(api, zhengzhou_small):
    body = api.get("/api/regions/?level=community").json()

    assert body["count"] == 287 + 343
    assert len(body["results"]) == 50
    assert body["next"].endswith("page=2")
    big_page = api.get("/api/regions/?level=community&page_size=500").json()
    assert len(big_page["results"]) == 500
    assert len(api.get("/api/regions/?level=community&page_size=10000").json()["results"]) == 500


def test_region_detail_has_its_ancestors(api, zhengzhou_small):
    body = api.get("/api/regions/410105008201/").json()

    assert body["name"] == "关虎屯村"
    assert [a["name"] for a in body["ancestors"]] == ["郑州市", "金水区", "文化路街道"]
    assert api.get("/api/regions/999999999999/").status_code == 404
    assert api.get("/api/regions/999999999999/children/").status_code == 404


def test_region_search_and_bad_filters(api, zhengzhou_small):
    assert [r["code"] for r in api.get("/api/regions/?q=东风路街道").json()["results"]] == [
        "410105010000",
        "410122002000",
    ]
    response = api.get("/api/regions/?level=planet")
    assert response.status_code == 400
    assert "level" in response.json()
    response = api.get("/api/regions/?parent=123")
    assert response.status_code == 400
    assert "parent" in response.json()


# Session, user, the region filter, count, page.
def test_grids_by_region_subtree_and_kind(api, zhengzhou_small, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        body = api.get("/api/grids/?region=410105008001&kind=micro").json()

    assert [g["code"] for g in body["results"]] == ["410105008001001001", "410105008001001002"]
    first = body["results"][0]
    assert first["parent_code"] == "410105008001001"
    assert first["region"] == {"code": "410105008001", "name": "农大社区", "level": "community"}
    assert first["responsible"]["role"] == "full_time"
    assert first["responsible"]["role_label"] == "专职网格员"
    assert api.get("/api/grids/?region=410105").json()["count"] == 6
    assert api.get("/api/grids/").json()["count"] == 7


def test_grid_list_query_count_does_not_grow_with_rows(api, zhengzhou_small, django_assert_max_num_queries):
    from tests.factories import GridFactory

    for _ in range(30):
        GridFactory(region=zhengzhou_small.community)

    with django_assert_max_num_queries(5):
        body = api.get("/api/grids/?region=410105008001").json()

    assert body["count"] == 34


def test_grid_filters_reject_bad_input(api, zhengzhou_small):
    response = api.get("/api/grids/?kind=planet")
    assert response.status_code == 400
    assert "kind" in response.json()
    response = api.get("/api/grids/?region=419999")
    assert response.status_code == 400
    assert response.json() == {"region": ["没有编码为 419999 的行政区划"]}


def test_departments_filtered(api, zhengzhou_small, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        body = api.get("/api/departments/?region=410105&level=district").json()
    assert body["count"] == 33  # 32 bureaus' counterparts + the district government
    assert body["results"][0]["region"]["name"] == "金水区"

    utilities = api.get("/api/departments/?level=utility").json()
    assert utilities["count"] == 7
    streets = api.get("/api/departments/?dept_type=street_office&q=文化路").json()
    assert [d["name"] for d in streets["results"]] == ["文化路街道办事处"]
    assert api.get("/api/departments/?level=galaxy").status_code == 400


def test_catalogue(api, zhengzhou_small):
    body = api.get("/api/catalogue/").json()

    assert body["count"] == 15  # 7 trained categories and the 8 without labelled examples
    row = next(r for r in body["results"] if r["category_code"] == "城乡建设")
    assert (row["lead_department_type"], row["assist_department_types"], row["level"]) == (
        "zhujian",
        ["chengguan"],
        "district",
    )


def test_address_resolve(api, zhengzhou_small, django_assert_max_num_queries):
    api.get("/api/address/resolve/?q=预热")  # the index is built once per process, not per request
    with django_assert_max_num_queries(5):
        body = api.get("/api/address/resolve/", {"q": "金水区文化路街道农大社区农大家属院8号楼"}).json()

    assert body["certain"] is True
    assert body["score"] == 1.0
    assert (body["district"]["name"], body["street"]["name"], body["community"]["name"]) == (
        "金水区",
        "文化路街道",
        "农大社区",
    )
    assert body["grid"]["code"] == zhengzhou_small.micro_grid_2.code
    assert body["grid"]["kind"] == Grid.Kind.MICRO
    assert len(body["candidates"]) == 1


def test_address_resolve_ambiguous_and_unknown(api, zhengzhou_small):
    ambiguous = api.get("/api/address/resolve/", {"q": "东风路街道"}).json()
    assert ambiguous["certain"] is False
    assert (ambiguous["district"], ambiguous["street"], ambiguous["grid"]) == (None, None, None)
    assert [c["district"]["name"] for c in ambiguous["candidates"]] == ["金水区", "中牟县"]

    unknown = api.get("/api/address/resolve/", {"q": "火星市幸福大道"}).json()
    assert unknown == {
        "query": "火星市幸福大道",
        "certain": False,
        "score": 0.0,
        "district": None,
        "street": None,
        "community": None,
        "grid": None,
        "candidates": [],
        "place_names": [],
    }


def test_address_resolve_says_which_place_names_named_the_district(api, zhengzhou_small):
    from governance.services.place_names import place_names_import

    place_names_import(text="name,aliases,kind,districts,street\n农业路,,road,金水区,\n经三路,,road,金水区,\n")
    body = api.get("/api/address/resolve/", {"q": "农业路与经三路交叉口"}).json()
    assert (body["certain"], body["district"]["name"], body["street"]) == (False, "金水区", None)
    assert body["place_names"] == ["农业路", "经三路"]


def test_address_resolve_with_a_community_picked_by_hand(api, zhengzhou_small):
    body = api.get("/api/address/resolve/", {"q": "东风路街道", "community": "410105008201"}).json()

    assert body["community"]["name"] == "关虎屯村"
    assert body["street"]["name"] == "文化路街道"
    assert body["grid"]["code"] == zhengzhou_small.rural_grid.code


def test_address_resolve_rejects_bad_input(api, zhengzhou_small):
    missing = api.get("/api/address/resolve/")
    assert missing.status_code == 400
    assert "q" in missing.json()
    too_long = api.get("/api/address/resolve/", {"q": "路" * 201})
    assert too_long.status_code == 400
    street = api.get("/api/address/resolve/", {"q": "x", "community": "410105008000"})
    assert street.status_code == 400
    assert "community" in street.json()
