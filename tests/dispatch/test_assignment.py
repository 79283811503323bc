"""A department named by a request (id, digits or code) is looked up in one place: services/assignment.py."""

import pytest

from common.errors import ApplicationError
from dispatch.services.assignment import department_get, departments_get

pytestmark = pytest.mark.django_db


def test_a_department_by_instance_id_digits_or_code(world):
    dep = world.zhujian

    assert department_get(dep) == department_get(dep.pk) == department_get(str(dep.pk)) == department_get(dep.code)
    assert departments_get([dep.pk, world.chengguan.code]) == [dep, world.chengguan]
    assert departments_get(None) == []


@pytest.mark.parametrize("value", ["no-such-code", 99999999, True, None, 1.5])
def test_an_unknown_department_is_a_400_on_its_field(world, value):
    with pytest.raises(ApplicationError) as caught:
        department_get(value, field="assists")

    assert caught.value.extra == {"field": "assists"} and caught.value.code == "unknown_code"


def test_an_inactive_department_is_refused(world):
    dep = world.zhujian
    type(dep).objects.filter(pk=dep.pk).update(is_active=False)
    dep.refresh_from_db()

    with pytest.raises(ApplicationError):
        department_get(dep.code)
