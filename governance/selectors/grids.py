"""Grids: subtree queries and the grid inside a community that an address names."""

import re

from django.db.models import Q, QuerySet

from governance.caching import memo
from governance.models import Grid, Place, Region
from governance.selectors.address import normalise

_BUILDING = re.compile(r"^\D{0,6}?(\d{1,3})\s*(?:号楼|栋|幢|号院|号|#|-)")


def grids_under(*, region: Region, kind: str | None = None) -> QuerySet[Grid]:
    """Every grid in the region's subtree (a prefix query on the nested grid codes), ordered by code."""
    qs = Grid.objects.filter(code__startswith=region.prefix)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("code")


def community_default_grid(*, community: Region) -> Grid | None:
    kind = Grid.Kind.RURAL if community.is_village else Grid.Kind.COMMUNITY
    grid = grids_under(region=community, kind=kind).select_related("responsible").first()
    if grid is None:  # a village seeded as urban or the reverse: any top-level grid of the community
        grid = grids_under(region=community).filter(parent__isnull=True).select_related("responsible").first()
    return grid


def grid_for_address(*, community: Region, text: str) -> Grid | None:
    """The grid an address points at inside `community`.

    A named place wins: a 小区 (with a building number, the micro grid whose building range holds it;
    without one, the community grid the 小区 belongs to) or an institution of a dedicated grid in the
    community's street (学校, 医院, 市场…). Otherwise the community's default grid (its first community
    grid, or first rural grid for a village). None when the community has no grids (a partial seed).
    """
    text = normalise(text)
    places = memo(("places", community.code), lambda: _places_near(community))
    found = [(text.find(p.name), p) for p in places if p.name and p.name in text]
    if found:
        longest = max(len(p.name) for _, p in found)
        same = [(pos, p) for pos, p in found if len(p.name) == longest]
        pos, place = same[0]
        if place.building_from is None:
            return place.grid
        number = _building_number(text[pos + len(place.name) :])
        if number is not None:
            for _, candidate in same:
                if candidate.building_from <= number <= (candidate.building_to or candidate.building_from):
                    return candidate.grid
        if len(same) == 1:
            return place.grid
        return place.grid.parent or place.grid
    return memo(("default-grid", community.code), lambda: community_default_grid(community=community))


def _places_near(community: Region) -> list[Place]:
    """The named places of a community and of its street (dedicated grids), with their grids."""
    return list(
        Place.objects.filter(Q(region=community) | Q(region_id=community.parent_id, region__level="street"))
        .select_related("grid__responsible", "grid__parent__responsible")
        .order_by("-building_from")
    )


def _building_number(rest: str) -> int | None:
    match = _BUILDING.match(rest)
    return int(match.group(1)) if match else None
