import pytest
from django.contrib.auth.models import Group

from governance import roles


@pytest.mark.django_db
def test_every_role_has_a_group():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ALL)


@pytest.mark.django_db
def test_openapi_schema_renders(client, django_user_model):
    user = django_user_model.objects.create_user("schema-reader", password="pw-123456")
    client.force_login(user)
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"openapi" in response.content


@pytest.mark.django_db
def test_the_upload_folder_is_for_admins_only(client, django_user_model, settings):
    settings.MEDIA_ROOT.mkdir(parents=True, exist_ok=True)
    (settings.MEDIA_ROOT / "photo.txt").write_text("x")

    assert client.get("/media/photo.txt").status_code == 302  # to the login page

    client.force_login(django_user_model.objects.create_user("viewer", password="pw-123456"))
    assert client.get("/media/photo.txt").status_code == 302  # signed in is not enough

    client.force_login(django_user_model.objects.create_user("root", password="pw-123456", is_staff=True))
    assert client.get("/media/photo.txt").status_code == 200
