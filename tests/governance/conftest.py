import hashlib

import pytest

from governance.models import Grid, GridWorker, Place
from governance.services.departments import departments_seed
from governance.services.divisions import divisions_load


@pytest.fixture
def all_divisions(db):
    """The whole real division list (3,530 regions)."""
    divisions_load()


@pytest.fixture
def all_departments(all_divisions):
    departments_seed()


def grid_layer_digest(prefix: str = "") -> str:
    """A digest of every grid, its worker (and account) and its places under `prefix`: equal digests
    mean identical rows, whatever the database ids are."""
    h = hashlib.sha256()
    grids = (
        Grid.objects.filter(code__startswith=prefix)
        .order_by("code")
        .values_list(
            "code",
            "name",
            "kind",
            "region_id",
            "parent__code",
            "place_type",
            "responsible__name",
            "responsible__phone",
            "responsible__role",
            "responsible__user__username",
            "responsible__user__password",
        )
    )
    for row in grids.iterator(chunk_size=5000):
        h.update(repr(row).encode())
    places = (
        Place.objects.filter(grid__code__startswith=prefix)
        .order_by("grid__code", "name", "building_from")
        .values_list("grid__code", "name", "kind", "region_id", "building_from", "building_to")
    )
    for row in places.iterator(chunk_size=5000):
        h.update(repr(row).encode())
    h.update(repr(GridWorker.objects.filter(user__username__startswith="gw" + prefix).count()).encode())
    return h.hexdigest()


def plan_digest(plan, prefix: str = "") -> str:
    """`grid_layer_digest` computed from a plan instead of the database."""
    from governance.services.grids import UNUSABLE_PASSWORD, USERNAME_PREFIX

    plan = sorted((g for g in plan if g.code.startswith(prefix)), key=lambda g: g.code)
    h = hashlib.sha256()
    for g in plan:
        row = (g.code, g.name, g.kind, g.region_code, g.parent_code, g.place_type, g.worker_name, g.worker_phone)
        row += (str(g.worker_role), USERNAME_PREFIX + g.code, UNUSABLE_PASSWORD)
        h.update(repr(row).encode())
    places = sorted(
        ((g.code, name, str(kind), g.region_code, a, b) for g in plan for name, kind, a, b in g.places),
        key=lambda p: (p[0], p[1], -1 if p[4] is None else p[4]),
    )
    for row in places:
        h.update(repr(row).encode())
    h.update(repr(len(plan)).encode())
    return h.hexdigest()


@pytest.fixture(scope="session")
def city_plan():
    """The default-seed plan of the whole city, computed once (about two seconds)."""
    from governance.services.grids import grids_plan

    return grids_plan()
