"""Routing's memo of governance reads (governance/caching.py): reads once, dropped on a save here, on a
version change announced by another process, and after its age limit."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance import caching
from governance.models import Department, Place
from governance.selectors import grid_for_address
from governance.selectors.items import _department


def queries(fn) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as ctx:
        value = fn()
    return value, len(ctx.captured_queries)


@pytest.mark.django_db
def test_a_memoised_read_costs_no_query_the_second_time(zhengzhou_small, memo_on):
    z = zhengzhou_small
    first, n_first = queries(lambda: grid_for_address(community=z.community, text="农大家属院3号楼"))
    again, n_again = queries(lambda: grid_for_address(community=z.community, text="农大家属院9号楼"))

    assert first == z.micro_grid and again == z.micro_grid_2
    assert n_first >= 1 and n_again == 0


@pytest.mark.django_db
def test_a_save_drops_the_memo_at_once(zhengzhou_small, memo_on):
    z = zhengzhou_small
    assert _department(dept_type="zhujian", region_code=z.district.code).name == z.department("zhujian").name
    dept = Department.objects.get(dept_type="zhujian", region=z.district)
    dept.name = "金水区住建局（改）"
    dept.save()

    assert _department(dept_type="zhujian", region_code=z.district.code).name == "金水区住建局（改）"


@pytest.mark.django_db
def test_a_new_place_is_found_after_its_save(zhengzhou_small, memo_on):
    z = zhengzhou_small
    assert grid_for_address(community=z.community, text="幸福里小区门口") == z.community_grid
    Place.objects.create(name="幸福里小区", kind=Place.Kind.RESIDENTIAL, region=z.community, grid=z.community_grid_2)

    assert grid_for_address(community=z.community, text="幸福里小区门口") == z.community_grid_2


@pytest.mark.django_db
def test_another_process_announcing_a_change_drops_the_memo_here(zhengzhou_small, memo_on):
    z = zhengzhou_small
    before = _department(dept_type="zhujian", region_code=z.district.code).name
    Department.objects.filter(dept_type="zhujian", region=z.district).update(name="改名")  # no signal
    caching._state["checked_at"] = 0.0
    assert _department(dept_type="zhujian", region_code=z.district.code).name == before  # memoised

    cache.set(caching.VERSION_KEY, "another-process-wrote", timeout=None)  # what _announce does there
    caching._state["checked_at"] = 0.0  # its next check (at most CHECK_SECONDS later)

    assert _department(dept_type="zhujian", region_code=z.district.code).name == "改名"


@pytest.mark.django_db
def test_the_age_limit_drops_a_write_nobody_announced(zhengzhou_small, memo_on, settings):
    z = zhengzhou_small
    _department(dept_type="zhujian", region_code=z.district.code)
    Department.objects.filter(dept_type="zhujian", region=z.district).update(name="改名")
    caching._state["born"] -= 61

    assert _department(dept_type="zhujian", region_code=z.district.code).name == "改名"


@pytest.mark.django_db
def test_zero_seconds_turns_the_memo_off(zhengzhou_small, settings):
    settings.GOVERNANCE_CACHE_SECONDS = 0
    z = zhengzhou_small
    _, first = queries(lambda: _department(dept_type="zhujian", region_code=z.district.code))
    _, again = queries(lambda: _department(dept_type="zhujian", region_code=z.district.code))

    assert first == again == 1
