from governance.selectors import department_for_category, grid_for_address, region_for_address


def test_zhengzhou_small_builds(zhengzhou_small):
    zz = zhengzhou_small
    match = region_for_address("金水区文化路街道农大社区农大家属院3号楼")
    assert match.community == zz.community
    assert match.certain is True
    assert grid_for_address(community=zz.community, text="农大家属院3号楼") == zz.micro_grid
    assignment = department_for_category(category_code="城乡建设", district=zz.district)
    assert assignment.lead.name == "金水区住房和城乡建设局"
