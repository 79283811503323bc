import pytest

from governance.models import Grid
from governance.selectors import community_default_grid, grid_for_address, grids_under
from tests.factories import CommunityRegionFactory


@pytest.mark.parametrize(
    ("text", "grid_attr"),
    [
        ("农大家属院3号楼2单元", "micro_grid"),
        ("农大家属院 1号楼", "micro_grid"),
        ("农大家属院6栋", "micro_grid"),
        ("农大家属院7号楼", "micro_grid_2"),
        ("金水区文化路街道农大社区农大家属院12号楼", "micro_grid_2"),
        ("农大家属院３号楼", "micro_grid"),  # full-width digit
        ("农大家属院9-2-301", "micro_grid_2"),  # building-unit-room
    ],
)
def test_xiaoqu_and_building_number_pick_the_micro_grid(zhengzhou_small, text, grid_attr):
    assert grid_for_address(community=zhengzhou_small.community, text=text) == getattr(zhengzhou_small, grid_attr)


@pytest.mark.parametrize("text", ["农大家属院", "农大家属院99号楼", "农大家属院门口"])
def test_xiaoqu_without_a_building_in_its_ranges_is_its_community_grid(zhengzhou_small, text):
    assert grid_for_address(community=zhengzhou_small.community, text=text) == zhengzhou_small.community_grid


def test_institution_of_a_dedicated_grid_in_the_street(zhengzhou_small):
    grid = grid_for_address(community=zhengzhou_small.community, text="文化路第一小学门口占道经营")

    assert grid == zhengzhou_small.dedicated_grid
    assert grid.kind == Grid.Kind.DEDICATED


def test_no_named_place_gives_the_communitys_first_community_grid(zhengzhou_small):
    grid = grid_for_address(community=zhengzhou_small.community, text="农大社区经五路某小区")

    assert grid == zhengzhou_small.community_grid
    assert community_default_grid(community=zhengzhou_small.community) == zhengzhou_small.community_grid


def test_village_gives_its_rural_grid(zhengzhou_small):
    assert grid_for_address(community=zhengzhou_small.village, text="关虎屯村") == zhengzhou_small.rural_grid


def test_place_of_another_community_is_not_used(zhengzhou_small):
    grid = grid_for_address(community=zhengzhou_small.zhongmou_community, text="农大家属院3号楼")

    assert grid == zhengzhou_small.zhongmou_grid


def test_community_without_grids_gives_none(zhengzhou_small):
    community = CommunityRegionFactory(parent=zhengzhou_small.street)

    assert grid_for_address(community=community, text="随便什么地址") is None


def test_grids_under_is_the_subtree_by_code_prefix(zhengzhou_small):
    zz = zhengzhou_small

    assert list(grids_under(region=zz.community)) == [
        zz.community_grid,
        zz.micro_grid,
        zz.micro_grid_2,
        zz.community_grid_2,
    ]
    assert set(grids_under(region=zz.street)) == {
        zz.community_grid,
        zz.micro_grid,
        zz.micro_grid_2,
        zz.community_grid_2,
        zz.rural_grid,
        zz.dedicated_grid,
    }
    assert list(grids_under(region=zz.district, kind=Grid.Kind.MICRO)) == [zz.micro_grid, zz.micro_grid_2]
    assert list(grids_under(region=zz.zhongmou)) == [zz.zhongmou_grid]
    assert grids_under(region=zz.city).count() == 7
