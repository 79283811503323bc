import pytest
from django.test import Client

from classifier.models import ModelVersion
from tests.classifier.conftest import train_tiny
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/admin/classifier/modelversion/"


@pytest.fixture
def admin_client():
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_admin_lists_versions_with_their_scores(artifacts_dir, admin_client):
    version = train_tiny().version

    response = admin_client.get(URL)

    assert response.status_code == 200
    assert version.version in response.content.decode()


def test_admin_actions_activate_and_roll_back(artifacts_dir, admin_client):
    first = train_tiny().version
    second = train_tiny(activate=False).version

    admin_client.post(URL, {"action": "activate_selected", "_selected_action": [second.pk]})
    assert list(ModelVersion.objects.filter(is_active=True)) == [second]
    assert ModelVersion.objects.get(pk=second.pk).activated_by is not None

    admin_client.post(URL, {"action": "rollback", "_selected_action": [second.pk]})
    assert list(ModelVersion.objects.filter(is_active=True)) == [first]


def test_admin_activate_refuses_two_at_once(artifacts_dir, admin_client):
    first = train_tiny().version
    second = train_tiny(activate=False).version

    response = admin_client.post(
        URL, {"action": "activate_selected", "_selected_action": [first.pk, second.pk]}, follow=True
    )

    assert "请只选择一个版本" in response.content.decode()
    assert list(ModelVersion.objects.filter(is_active=True)) == [first]
