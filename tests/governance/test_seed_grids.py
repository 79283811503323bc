import re
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count

from governance import roles
from governance.models import Grid, GridWorker, Place, Region
from governance.services.grids import TOTALS, _share_out, grids_plan_compute, grids_seed
from tests.governance.conftest import grid_layer_digest, plan_digest

PUBLISHED = {"community": 7876, "micro": 46817, "rural": 11381, "dedicated": 4744}


def test_share_out_hits_the_total_exactly_with_at_least_one_each():
    counts = _share_out(10, [1.0, 1.0, 1.0, 0.01])

    assert sum(counts) == 10
    assert min(counts) == 1


def test_plan_has_the_published_figures(city_plan):
    plan = city_plan

    assert TOTALS == PUBLISHED
    assert Counter(g.kind for g in plan) == PUBLISHED
    assert len({g.code for g in plan}) == 70818


def test_same_seed_same_plan_other_seed_other_plan(city_plan):
    again, other = grids_plan_compute(seed=12345), grids_plan_compute(seed=8)

    assert tuple(again) == city_plan
    assert [(g.code, g.name, g.worker_name) for g in other] != [(g.code, g.name, g.worker_name) for g in city_plan]
    assert Counter(g.kind for g in other) == PUBLISHED


def test_codes_nest_under_their_region_and_parent(city_plan):
    plan = city_plan
    kinds = {g.code: g.kind for g in plan}

    for g in plan:
        if g.kind == "dedicated":
            assert re.fullmatch(r"\d{9}Z\d{4}", g.code), g.code
            assert g.code[:9] == g.region_code[:9] and g.region_code.endswith("000")
        elif g.kind == "micro":
            assert re.fullmatch(r"\d{18}", g.code) and g.code[:15] == g.parent_code
            assert kinds[g.parent_code] == "community" and g.code.startswith(g.region_code)
        else:
            assert re.fullmatch(r"\d{15}", g.code) and g.code[:12] == g.region_code and g.parent_code is None


def test_grid_kinds_sit_on_the_right_regions(city_plan):
    for g in city_plan:
        segment = int(g.region_code[9:12])
        if g.kind in ("community", "micro"):
            assert not 200 <= segment < 400, g.code
        elif g.kind == "rural":
            assert 200 <= segment < 400, g.code
        else:
            assert g.region_code.endswith("000") and segment == 0


@pytest.mark.slow
@pytest.mark.django_db
def test_full_seed_matches_the_published_figures_and_is_idempotent(all_divisions, city_plan):
    call_command("seed_grids")

    assert dict(Grid.objects.values_list("kind").annotate(n=Count("id"))) == PUBLISHED
    assert Grid.objects.count() == 70818
    # Every grid has its own responsible worker, with a login in the grid_worker group and no usable password.
    assert GridWorker.objects.count() == 70818
    assert Grid.objects.values("responsible").distinct().count() == 70818
    users = get_user_model().objects.filter(grid_worker__isnull=False)
    assert users.filter(groups__name=roles.GRID_WORKER).count() == 70818
    assert not users.first().has_usable_password()
    assert set(GridWorker.objects.values_list("role", flat=True)) == set(GridWorker.Role.values)
    # Codes nest: micro codes begin with their parent's code, every code with its region's prefix.
    assert Grid.objects.filter(kind="micro", parent__isnull=True).count() == 0
    for code, parent_code, region_code, level in Grid.objects.values_list(
        "code", "parent__code", "region__code", "region__level"
    ).iterator(chunk_size=10000):
        assert code.startswith(region_code[: {"community": 12, "street": 9}[level]])
        assert parent_code is None or code[:-3] == parent_code
    # Each micro grid has its 小区 building range, each dedicated grid its place.
    assert Place.objects.filter(grid__kind="micro").count() == 46817
    assert Place.objects.filter(grid__kind="dedicated").count() == 4744
    digest = grid_layer_digest()
    assert digest == plan_digest(city_plan)

    call_command("seed_grids")

    assert grid_layer_digest() == digest
    assert Grid.objects.count() == 70818
    assert get_user_model().objects.count() == 70818


@pytest.mark.django_db
def test_district_seed_is_that_districts_share_of_the_full_plan(all_divisions, city_plan):
    shangjie = Region.objects.get(code="410106000000")
    planned = Counter(g.kind for g in city_plan if g.code.startswith("410106"))

    call_command("seed_grids", "--district", "410106")

    assert dict(Grid.objects.values_list("kind").annotate(n=Count("id"))) == dict(planned)
    assert Grid.objects.exclude(code__startswith="410106").count() == 0
    assert Grid.objects.filter(code__startswith=shangjie.prefix).count() == sum(planned.values())


@pytest.mark.django_db
def test_district_seed_twice_changes_nothing(all_divisions):
    district = Region.objects.get(code="410106000000")
    grids_seed(district=district)
    digest = grid_layer_digest("410106")

    result = grids_seed(district=district)

    assert result.created == {"community": 0, "micro": 0, "rural": 0, "dedicated": 0}
    assert result.skipped_existing == Grid.objects.count()
    assert grid_layer_digest("410106") == digest


@pytest.mark.django_db
def test_district_seed_writes_exactly_the_plan_of_that_district(all_divisions, city_plan):
    """The full seed writes the plan too (see the slow test), so a district seeded alone holds the same
    rows as the full seed gives it: a region's grids never depend on what else is seeded."""
    grids_seed(district=Region.objects.get(code="410106000000"))

    assert grid_layer_digest("410106") == plan_digest(city_plan, "410106")


@pytest.mark.django_db
def test_seed_skips_grids_whose_region_is_not_loaded():
    from governance.services.divisions import divisions_load

    divisions_load(prefixes=("410106",))

    result = grids_seed()

    assert Grid.objects.exclude(code__startswith="410106").count() == 0
    assert result.skipped_missing_region == 70818 - Grid.objects.count()


@pytest.mark.django_db
def test_seed_grids_refuses_an_unknown_district(all_divisions):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no district"):
        call_command("seed_grids", "--district", "419999")

    assert Grid.objects.count() == 0
