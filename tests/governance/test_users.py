import pytest

from governance import roles
from governance.selectors import department_for_user, grid_worker_for_user, region_for_user
from tests.factories import StaffProfileFactory, UserFactory


def test_department_staff(zhengzhou_small):
    dept = zhengzhou_small.department("zhujian")
    profile = StaffProfileFactory(department=dept)

    assert department_for_user(profile.user) == dept
    assert region_for_user(profile.user) == zhengzhou_small.district
    assert grid_worker_for_user(profile.user) is None


def test_supervisor_with_a_region(zhengzhou_small):
    profile = StaffProfileFactory(
        user=UserFactory(roles=[roles.SUPERVISOR]), department=None, region=zhengzhou_small.street
    )

    assert department_for_user(profile.user) is None
    assert region_for_user(profile.user) == zhengzhou_small.street


def test_grid_worker(zhengzhou_small):
    worker = zhengzhou_small.workers["nongda1a"]

    assert grid_worker_for_user(worker.user) == worker
    assert region_for_user(worker.user) == zhengzhou_small.community
    assert department_for_user(worker.user) is None


@pytest.mark.django_db
def test_user_without_profile_and_anonymous():
    from django.contrib.auth.models import AnonymousUser

    user = UserFactory()

    assert (department_for_user(user), region_for_user(user), grid_worker_for_user(user)) == (None, None, None)
    anonymous = AnonymousUser()
    assert (department_for_user(anonymous), region_for_user(anonymous), grid_worker_for_user(anonymous)) == (
        None,
        None,
        None,
    )


@pytest.mark.django_db
def test_user_factory_roles():
    user = UserFactory(roles=[roles.OPERATOR, roles.DISPATCHER])

    assert set(user.groups.values_list("name", flat=True)) == {roles.OPERATOR, roles.DISPATCHER}
    assert user.check_password("pw-123456")


@pytest.mark.django_db
def test_region_chain_codes_nest():
    from tests.factories import region_chain

    city, district, street, village = region_chain(village=True)

    assert village.code.startswith(street.prefix) and street.code.startswith(district.prefix)
    assert district.code.startswith(city.prefix)
    assert village.is_village is True and 300 <= int(village.code[9:]) < 400
