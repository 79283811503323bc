"""Who handles a matter item (事项) of the item-level 派单目录 at a place: the unit its lead type names
there, its 协办 units, or nothing when the place the item needs is unknown."""

from dataclasses import dataclass, field

from governance import names
from governance.caching import memo
from governance.models import CatalogueItem, Department, Region
from governance.selectors.departments import CITYWIDE_LEVELS, district_code_of, fallback_department
from governance.selectors.places import region_get
from governance.services.departments import COUNTY_COUNTERPARTS, STREET_OFFICE


def _department(*, dept_type: str, region_code: str | None) -> Department | None:
    """The active unit of a type serving a region, or the city-wide one (city body, utility) for None."""
    return memo(("unit", dept_type, region_code), lambda: _department_read(dept_type, region_code))


def _department_read(dept_type: str, region_code: str | None) -> Department | None:
    qs = Department.objects.filter(dept_type=dept_type, is_active=True).select_related("region").order_by("code")
    if region_code is None:
        return qs.filter(level__in=CITYWIDE_LEVELS).first()
    return qs.filter(region_id=region_code).first()


PLACE_UNKNOWN = "地址不明，无法确定属地"
SITE_UNKNOWN = "（只知区县，需明确具体位置：街道、道路或小区）"


@dataclass(frozen=True)
class ItemAssignment:
    """Who handles a matter item at a place. `lead` is None when the place the item needs is unknown
    (`missing_place` says which: "street", "site" or "district"); the ticket then waits for a person."""

    item: CatalogueItem
    lead: Department | None
    assists: list[Department] = field(default_factory=list)
    is_fallback: bool = False
    missing_place: str | None = None
    reason: str = ""
    rural: bool = False  # the place is a township and the item's 乡镇牵头 type leads in its lead's stead
    county: bool = False  # a county's own department leads where the city's enterprise does not serve

    @property
    def kind(self) -> str:
        """The item's kind as routed here: 属地 where a township's government leads in a 条线 item's stead."""
        if self.rural and self.lead is not None and self.lead.dept_type == STREET_OFFICE:
            return CatalogueItem.Kind.TERRITORIAL
        if self.county:
            return CatalogueItem.Kind.FUNCTIONAL
        return self.item.kind


def _street_code(region: Region | None) -> str | None:
    if region is None or region.level in (Region.Level.CITY, Region.Level.DISTRICT):
        return None
    return region.code[:9] + "000"


def _in_township(street_code: str) -> bool:
    street = region_get(street_code, level=Region.Level.STREET)
    return street is not None and names.is_township(street.name)


def _in_county(district_code: str) -> bool:
    district = region_get(district_code, level=Region.Level.DISTRICT)
    return district is not None and names.is_county(district.code, district.name)


def _unit_of_type(*, dept_type: str, level: str, district_code: str | None, street_code: str | None):
    if dept_type == STREET_OFFICE:
        return _department(dept_type=STREET_OFFICE, region_code=street_code) if street_code else None
    if level in (CatalogueItem.Level.CITY, CatalogueItem.Level.UTILITY) or district_code is None:
        return _department(dept_type=dept_type, region_code=None)
    return _department(dept_type=dept_type, region_code=district_code)


def department_for_item(
    *, item: CatalogueItem, district: Region | None, street: Region | None = None, site_named: bool = True
) -> ItemAssignment:
    """Resolve an item of the 派单目录 at a place (any region inside the place is accepted).

    - territorial (lead street_office) → the street office of the street; the item needs the street;
    - functional at district level → that district's department of the lead type; needs the district;
    - functional at city level, and utilities → the city department / the enterprise; no place needed;
    - `place_needed` on the item is authoritative: a district-led item may still need the street
      (社会生活噪声: the 派出所 and the community of the place act), or the spot (`site`: a lamp, a lift, a
      stall): the street, or an address naming a place inside the district (`site_named`, decided by
      the caller from the address: governance.selectors.names_site), besides the district;
    - assists are resolved the same way; an assisting street office is left out when the street is
      unknown, as is any assisting unit that does not exist;
    - in a township (乡/镇) an item with a 乡镇牵头 type (`rural_lead_department_type`) is led by that type
      instead, its usual lead assisting (`rural=True`): village lamps and roads are the township's;
    - in a county or county-level city, an item led by the city's bus group or heating company is led by
      the county's department that oversees them (COUNTY_COUNTERPARTS: 交通运输, 住建; `county=True`), its
      assists resolved in the county too;
    - a lead type with no active unit in the district → the district's 兜底 (`is_fallback=True`).
    """
    street = (
        street if street is not None else (district if district is not None and district.level != "district" else None)
    )
    street_code = _street_code(street)
    district_code = district_code_of(street or district)
    lead_type, assist_types = item.lead_department_type, list(item.assist_department_types or [])
    rural = bool(item.rural_lead_department_type) and street_code is not None and _in_township(street_code)
    if rural:
        lead_type, assist_types = item.rural_lead_department_type, [lead_type, *assist_types]
    level = item.level
    county = lead_type in COUNTY_COUNTERPARTS and district_code is not None and _in_county(district_code)
    if county:
        lead_type, level = COUNTY_COUNTERPARTS[lead_type], CatalogueItem.Level.DISTRICT
        assist_types = [t for t in assist_types if t != lead_type]
    needs = item.place_needed
    if lead_type == STREET_OFFICE:
        needs = CatalogueItem.PlaceNeeded.STREET
    if needs == CatalogueItem.PlaceNeeded.STREET and street_code is None:
        return ItemAssignment(
            item=item, lead=None, missing_place="street", reason=PLACE_UNKNOWN + "（需明确街道/乡镇）"
        )
    if needs in (CatalogueItem.PlaceNeeded.DISTRICT, CatalogueItem.PlaceNeeded.SITE) and district_code is None:
        return ItemAssignment(item=item, lead=None, missing_place="district", reason=PLACE_UNKNOWN + "（需明确区县）")
    if needs == CatalogueItem.PlaceNeeded.SITE and street_code is None and not site_named:
        return ItemAssignment(item=item, lead=None, missing_place="site", reason=PLACE_UNKNOWN + SITE_UNKNOWN)
    lead = _unit_of_type(dept_type=lead_type, level=level, district_code=district_code, street_code=street_code)
    is_fallback = lead is None
    if lead is None:
        lead = fallback_department(district=street or district)
    assists = []
    for dept_type in assist_types:
        dept = _unit_of_type(dept_type=dept_type, level=level, district_code=district_code, street_code=street_code)
        if dept is not None and dept.pk != lead.pk and dept not in assists:
            assists.append(dept)
    return ItemAssignment(item=item, lead=lead, assists=assists, is_fallback=is_fallback, rural=rural, county=county)


def item_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """The active matter items grouped by first-level category, for pickers: [(一级, [(id, "二级/三级·细项")])]."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for item in CatalogueItem.objects.filter(is_active=True).order_by("level1", "level2", "level3", "subitem"):
        groups.setdefault(item.level1, []).append((item.pk, f"{item.level2}/{item.name}"))
    return list(groups.items())
