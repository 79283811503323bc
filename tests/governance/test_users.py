import pytest

from governance import roles
from governance.selectors import Workplace, workplace_for_user
from tests.factories import StaffProfileFactory, UserFactory


def test_department_staff_work_in_their_department_and_have_no_region_of_their_own(zhengzhou_small):
    dept = zhengzhou_small.department("zhujian")
    profile = StaffProfileFactory(department=dept)

    assert workplace_for_user(profile.user) == Workplace(department=dept)


def test_supervisor_with_a_region(zhengzhou_small):
    profile = StaffProfileFactory(
        user=UserFactory(roles=[roles.SUPERVISOR]), department=None, region=zhengzhou_small.street
    )

    assert workplace_for_user(profile.user) == Workplace(region=zhengzhou_small.street)


def test_grid_worker_works_on_their_grids(zhengzhou_small):
    worker = zhengzhou_small.workers["nongda1a"]

    place = workplace_for_user(worker.user)

    assert (place.department, place.region, place.grid_worker) == (None, None, worker)
    assert place.grid_codes == tuple(worker.grids.values_list("code", flat=True))
    assert place.grid_codes


@pytest.mark.django_db
def test_user_without_profile_and_anonymous(django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    user = UserFactory()

    with django_assert_num_queries(2):
        assert workplace_for_user(user) == Workplace()
    with django_assert_num_queries(0):
        assert workplace_for_user(AnonymousUser()) == Workplace()


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
