"""The intake place picker's reads: a region or a grid from what a form posts, and the options of each
level under the chosen parent."""

from dataclasses import dataclass

from common.inputs import is_id
from governance.models import Grid, Region
from governance.selectors.address import address_index

# Grids an operator picks a ticket's place from (dedicated grids are found from the address instead).
PICKER_GRID_KINDS = (Grid.Kind.COMMUNITY, Grid.Kind.RURAL, Grid.Kind.MICRO)
PICKER_GRID_LIMIT = 300


@dataclass(frozen=True)
class PickerOptions:
    districts: list[Region]
    streets: list[Region]
    communities: list[Region]
    grids: list[Grid]


def region_get(code, *, level: str) -> Region | None:
    """The region of that code and level, or None (nothing posted, or not such a region). Read from the
    process's address index, which holds every region (no query)."""
    if not code:
        return None
    region = address_index().regions.get(str(code))
    return region if region is not None and region.level == level else None


def grid_get(pk) -> Grid | None:
    if not is_id(str(pk or "")):
        return None
    return Grid.objects.filter(pk=pk).first()


def place_picker_options(*, district=None, street=None, community=None, grid=None) -> PickerOptions:
    """Every district; the streets of the chosen district, the communities of the chosen street and the
    grids of the chosen community (the chosen grid first when it is not among them)."""
    districts = list(Region.objects.filter(level=Region.Level.DISTRICT).order_by("code"))
    streets = list(Region.objects.filter(parent=district).order_by("code")) if district else []
    communities = list(Region.objects.filter(parent=street).order_by("code")) if street else []
    grids = []
    if community is not None:
        grids = list(
            Grid.objects.filter(region=community, kind__in=PICKER_GRID_KINDS)
            .order_by("code")
            .only("id", "code", "name", "kind")[:PICKER_GRID_LIMIT]
        )
        if grid is not None and grid not in grids:
            grids.insert(0, grid)
    return PickerOptions(districts, streets, communities, grids)
