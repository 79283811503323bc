import pytest
from rest_framework.test import APIClient

from classifier.models import ModelVersion
from governance.models import Department, DispatchCatalogue
from governance.roles import OPERATOR
from tests.factories import DepartmentFactory, DispatchCatalogueFactory, UserFactory, region_chain

pytestmark = pytest.mark.django_db
URL = "/api/classify/"


@pytest.fixture
def operator_client():
    client = APIClient()
    client.force_authenticate(UserFactory(roles=[OPERATOR]))
    return client


def test_anonymous_callers_are_refused(tiny_model):
    response = APIClient().post(URL, {"text": "学校违规补课收费"}, format="json")

    assert response.status_code in (401, 403)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "text"),
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "补" * 5001}, "text"),
        ({"text": "学校违规补课收费", "district": "999999000000"}, "district"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(tiny_model, operator_client, payload, field):
    response = operator_client.post(URL, payload, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_without_an_active_model_the_api_says_so(db, artifacts_dir, operator_client):
    response = operator_client.post(URL, {"text": "学校违规补课收费"}, format="json")

    assert response.status_code == 503
    assert response.json()["code"] == "no_active_model"


def test_classify_returns_top3_version_terms_and_the_responsible_department(tiny_model, operator_client, settings):
    # given the 派单目录 names 教育 for 教育文体 in a district that has an education bureau
    settings.CLASSIFIER_AUTO_DISPATCH_THRESHOLD = 0.30
    settings.CLASSIFIER_CATEGORY_THRESHOLDS = {}
    settings.CLASSIFIER_SHORT_TEXT_THRESHOLD = None  # (the short-text rule has its own tests)
    _city, district, _street, _community = region_chain()
    bureau = DepartmentFactory(
        name="测试区教育局", dept_type="jiaoyu", region=district, level=Department.Level.DISTRICT
    )
    DepartmentFactory(name="测试区人民政府", dept_type="district_gov", region=district)
    DispatchCatalogueFactory(
        category_code="教育文体", lead_department_type="jiaoyu", level=DispatchCatalogue.Level.DISTRICT
    )

    response = operator_client.post(URL, {"text": "学校违规补课收费", "district": district.code}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["model_version"] == tiny_model.version
    assert [c["code"] for c in body["categories"]][0] == "教育文体"
    assert len(body["categories"]) == 3
    assert body["auto"] is True
    assert body["threshold"] == 0.30
    assert body["terms"]
    top = body["categories"][0]
    assert top["threshold"] == 0.30
    assert top["department"] == {
        "lead": {"code": bureau.code, "name": "测试区教育局"},
        "assists": [],
        "is_fallback": False,
    }
    # a category without a catalogue row goes to the district's 兜底 owner
    assert body["categories"][1]["department"]["is_fallback"] is True
    assert ModelVersion.objects.count() == 1
