"""Shared governance fixtures (registered in tests/conftest.py through `pytest_plugins`).

`zhengzhou_small`: the real 金水区 and 中牟县 subtrees (city, 2 districts, their streets and communities,
loaded from fixtures/zhengzhou_divisions.csv), all departments for them with the 派单目录, and a few grids
with workers in 文化路街道 and 中牟县东风路街道. Note the real name clash: both districts have a 东风路街道.
"""

from dataclasses import dataclass, field

import pytest

from governance.models import Department, DispatchCatalogue, Grid, GridWorker, Place, Region
from governance.selectors.address import address_index_invalidate
from governance.services.departments import departments_seed
from governance.services.divisions import divisions_load
from tests.factories import GridFactory, GridWorkerFactory, PlaceFactory

SMALL_PREFIXES = ("410105", "410122")


@dataclass
class ZhengzhouSmall:
    city: Region
    district: Region  # 金水区
    zhongmou: Region  # 中牟县
    street: Region  # 金水区文化路街道
    community: Region  # 文化路街道农大社区
    village: Region  # 文化路街道关虎屯村
    zhongmou_street: Region  # 中牟县东风路街道
    zhongmou_community: Region  # 中牟县东风路街道晨光社区
    community_grid: Grid  # 农大社区第1网格
    micro_grid: Grid  # 农大家属院 1-6号楼
    micro_grid_2: Grid  # 农大家属院 7-12号楼
    community_grid_2: Grid  # 农大社区第2网格
    rural_grid: Grid  # 关虎屯村第1网格
    dedicated_grid: Grid  # 文化路第一小学 (专属网格, on the street)
    zhongmou_grid: Grid  # 晨光社区第1网格
    workers: dict[str, GridWorker] = field(default_factory=dict)

    def department(self, dept_type: str, region: Region | None = None) -> Department:
        """The department of a type serving `region` (default 金水区; the city for city departments)."""
        region = region or self.district
        return Department.objects.get(dept_type=dept_type, region=region)

    @property
    def catalogue(self) -> dict[str, DispatchCatalogue]:
        return {row.category_code: row for row in DispatchCatalogue.objects.all()}


def zhengzhou_small_build() -> ZhengzhouSmall:
    divisions_load(prefixes=SMALL_PREFIXES)
    departments_seed()
    regions = Region.objects.in_bulk(
        [
            "410100000000",
            "410105000000",
            "410122000000",
            "410105008000",
            "410105008001",
            "410105008201",
            "410122002000",
            "410122002001",
        ]
    )
    community, village = regions["410105008001"], regions["410105008201"]
    street, zm_community = regions["410105008000"], regions["410122002001"]

    def worker(key, role):
        return GridWorkerFactory(user__username=f"gw-{key}", name=f"{key}网格员", role=role)

    workers = {
        key: worker(key, role)
        for key, role in [
            ("nongda1", GridWorker.Role.LEADER),
            ("nongda1a", GridWorker.Role.FULL_TIME),
            ("nongda1b", GridWorker.Role.PART_TIME),
            ("nongda2", GridWorker.Role.LEADER),
            ("guanhutun", GridWorker.Role.FULL_TIME),
            ("school", GridWorker.Role.CADRE),
            ("chenguang", GridWorker.Role.LEADER),
        ]
    }
    community_grid = GridFactory(
        code=f"{community.code}001", name="农大社区第1网格", region=community, responsible=workers["nongda1"]
    )
    micro = GridFactory(
        code=f"{community_grid.code}001",
        name="农大家属院1-6号楼微网格",
        kind=Grid.Kind.MICRO,
        region=community,
        parent=community_grid,
        responsible=workers["nongda1a"],
    )
    micro_2 = GridFactory(
        code=f"{community_grid.code}002",
        name="农大家属院7-12号楼微网格",
        kind=Grid.Kind.MICRO,
        region=community,
        parent=community_grid,
        responsible=workers["nongda1b"],
    )
    PlaceFactory(grid=micro, region=community, name="农大家属院", building_from=1, building_to=6)
    PlaceFactory(grid=micro_2, region=community, name="农大家属院", building_from=7, building_to=12)
    community_grid_2 = GridFactory(
        code=f"{community.code}002", name="农大社区第2网格", region=community, responsible=workers["nongda2"]
    )
    rural = GridFactory(
        code=f"{village.code}001",
        name="关虎屯村第1网格",
        kind=Grid.Kind.RURAL,
        region=village,
        responsible=workers["guanhutun"],
    )
    dedicated = GridFactory(
        code=f"{street.prefix}Z0001",
        name="文化路第一小学专属网格",
        kind=Grid.Kind.DEDICATED,
        place_type="学校",
        region=street,
        responsible=workers["school"],
    )
    PlaceFactory(
        grid=dedicated,
        region=street,
        name="文化路第一小学",
        kind=Place.Kind.SCHOOL,
        building_from=None,
        building_to=None,
    )
    zm_grid = GridFactory(
        code=f"{zm_community.code}001", name="晨光社区第1网格", region=zm_community, responsible=workers["chenguang"]
    )
    return ZhengzhouSmall(
        city=regions["410100000000"],
        district=regions["410105000000"],
        zhongmou=regions["410122000000"],
        street=street,
        community=community,
        village=village,
        zhongmou_street=regions["410122002000"],
        zhongmou_community=zm_community,
        community_grid=community_grid,
        micro_grid=micro,
        micro_grid_2=micro_2,
        community_grid_2=community_grid_2,
        rural_grid=rural,
        dedicated_grid=dedicated,
        zhongmou_grid=zm_grid,
        workers=workers,
    )


@pytest.fixture
def zhengzhou_small(db) -> ZhengzhouSmall:
    return zhengzhou_small_build()


@pytest.fixture(autouse=True)
def _fresh_address_index():
    """Each test sees its own regions: the per-process address index must not outlive a rolled-back test."""
    address_index_invalidate()
    yield
    address_index_invalidate()
