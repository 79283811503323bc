"""Who handles a matter: the 派单目录 lookup, the 兜底 owners, and the units a dispatcher picks from."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q

from governance.caching import memo
from governance.models import Department, DispatchCatalogue, Region
from governance.services.departments import CITY_GOV, DISTRICT_GOV, STREET_OFFICE

# The 兜底 owners: the district government (区12345分中心), else the city's 12345 centre. A ticket they
# lead cannot be returned (there is no one further to send it to).
FALLBACK_TYPES = (DISTRICT_GOV, CITY_GOV)
CITYWIDE_LEVELS = (Department.Level.CITY, Department.Level.UTILITY)


@dataclass(frozen=True)
class Assignment:
    lead: Department
    assists: list[Department] = field(default_factory=list)
    is_fallback: bool = False
    catalogue: DispatchCatalogue | None = None


@dataclass(frozen=True)
class Suggestion:
    """A suggested category with the unit the 派单目录 names for it (None before departments are seeded)."""

    code: str
    probability: float | None
    assignment: Assignment | None


def district_code_of(region: Region | None) -> str | None:
    """The district a region lies in (itself for a district); None for the city or no region."""
    if region is None or region.level == Region.Level.CITY:
        return None
    return region.code[:6] + "000000"


def is_fallback_department(department: Department | None) -> bool:
    return department is not None and department.dept_type in FALLBACK_TYPES


class Directory:
    """The active 派单目录 and the active departments of some districts (and the city-wide ones), read in
    two queries; answers for any number of tickets in those districts without further queries."""

    def __init__(self, *, districts: Iterable[Region | None] = ()):
        codes = {code for code in map(district_code_of, districts) if code}
        self.catalogue = {row.category_code: row for row in DispatchCatalogue.objects.filter(is_active=True)}
        units = (
            Department.objects.filter(is_active=True)
            .filter(Q(level__in=CITYWIDE_LEVELS) | Q(region_id__in=codes))
            .select_related("region")
            .order_by("code")
        )
        self._units: dict[tuple[str, str | None], Department] = {}
        for unit in units:  # the first by code wins, as a lookup ordered by code would pick it
            if unit.region_id in codes:
                self._units.setdefault((unit.dept_type, unit.region_id), unit)
            if unit.level in CITYWIDE_LEVELS:
                self._units.setdefault((unit.dept_type, None), unit)

    def category_name(self, code: str) -> str:
        row = self.catalogue.get(code)
        return row.category_name if row is not None else code

    def unit(self, *, dept_type: str, district_code: str | None) -> Department | None:
        """The active unit of a type in a district, or the city-wide one when `district_code` is None."""
        return self._units.get((dept_type, district_code))

    def fallback(self, *, district: Region | None) -> Department:
        code = district_code_of(district)
        if code is not None:
            dept = self.unit(dept_type=DISTRICT_GOV, district_code=code)
            if dept is not None:
                return dept
        dept = self.unit(dept_type=CITY_GOV, district_code=None)
        if dept is None:
            raise Department.DoesNotExist("no 12345 centre (city_gov): run manage.py seed_departments")
        return dept

    def assignment(self, *, category_code: str, district: Region | None) -> Assignment:
        catalogue = self.catalogue.get(category_code)
        district_code = district_code_of(district)
        if catalogue is None:
            return Assignment(lead=self.fallback(district=district), is_fallback=True, catalogue=None)
        scope = district_code if catalogue.level == DispatchCatalogue.Level.DISTRICT else None
        lead = self.unit(dept_type=catalogue.lead_department_type, district_code=scope)
        if lead is None:
            if district_code and catalogue.fallback_department_type:
                lead = self.unit(dept_type=catalogue.fallback_department_type, district_code=district_code)
            return Assignment(lead=lead or self.fallback(district=district), is_fallback=True, catalogue=catalogue)
        assists = []
        for dept_type in catalogue.assist_department_types or []:
            dept = self.unit(dept_type=dept_type, district_code=scope)
            if dept is not None and dept.pk != lead.pk:
                assists.append(dept)
        return Assignment(lead=lead, assists=assists, is_fallback=False, catalogue=catalogue)

    def suggestions(
        self, *, categories: Iterable[tuple[str, float | None]], district: Region | None
    ) -> list[Suggestion]:
        out = []
        for code, probability in categories:
            try:
                assignment = self.assignment(category_code=code, district=district)
            except Department.DoesNotExist:  # no departments seeded yet: the category still helps
                assignment = None
            out.append(Suggestion(code=code, probability=probability, assignment=assignment))
        return out


def fallback_department(*, district: Region | None) -> Department:
    """The 兜底 owner: the district government (区12345分中心) of `district` (any region inside a district
    is accepted), else the city's 12345 centre. Raises Department.DoesNotExist only when
    seed_departments never ran."""
    return memo(
        ("fallback", district_code_of(district)), lambda: Directory(districts=[district]).fallback(district=district)
    )


def department_for_category(*, category_code: str, district: Region | None) -> Assignment:
    """Resolve the 派单目录 for a category in a district.

    - catalogue level=district and a district given → that district's department of the lead type;
      level=city, or no district known → the city department of the lead type;
    - assists resolved the same way (missing ones are left out);
    - no active catalogue row, or no active lead department → the catalogue's fallback type in the
      district (default district_gov), else the district government, else the city's 12345 centre,
      with `is_fallback=True`.
    """
    return Directory(districts=[district]).assignment(category_code=category_code, district=district)


def category_suggestions(
    *, categories: Iterable[tuple[str, float | None]], district: Region | None
) -> list[Suggestion]:
    """Each suggested (category, probability) with the unit the 派单目录 names for it in the district
    (the operator's live panel, the classify API, the human dispatch queue)."""
    return Directory(districts=[district]).suggestions(categories=categories, district=district)


def category_choices() -> list[tuple[str, str]]:
    """(code, name) of the active categories of the 派单目录, for pickers and filters."""
    return list(DispatchCatalogue.objects.filter(is_active=True).values_list("category_code", "category_name"))


def category_is_known(code: str) -> bool:
    """A category of the 派单目录 (active or not: an old ticket keeps its category)."""
    return DispatchCatalogue.objects.filter(category_code=code).exists()


def departments_near(*, district_code: str | None, units: Iterable[Department] | None = None) -> list[Department]:
    """The units a dispatcher picks from for a ticket in a district: city units and utilities, the
    district's own units and those of its streets (a 改派 is often to the neighbouring street office);
    every active unit when the district is unknown. `units` (with `region` loaded) saves the query when
    a page needs this for many tickets."""
    if units is None:
        units = (
            Department.objects.filter(is_active=True).select_related("region").order_by("level", "region_id", "name")
        )
    return [unit for unit in units if department_serves(unit, district_code=district_code)]


def department_serves(unit: Department, *, district_code: str | None) -> bool:
    """Whether a unit serves a place in this district, so it may lead, assist or be whistled in: city
    departments and utilities everywhere, a district's own units and its street offices/town governments
    only there; any unit when the district is unknown (the place is not resolved yet). The one rule
    for dispatch, 改派, 协办 and 吹哨 (dispatch.services.assignment.require_serving) and the pick lists."""
    if not district_code or unit.level in CITYWIDE_LEVELS:
        return True
    unit_district = district_code_of(unit.region)
    return unit_district is None or unit_district == district_code


def may_report_in(unit: Department) -> bool:
    """Whether a unit can be whistled in (吹哨报到): every handling unit, not the hotline centre itself
    (it runs the loop; it is never a 协办 that reports to a site)."""
    return unit.dept_type != CITY_GOV


def street_office_for(*, street: Region) -> Department | None:
    """The 街道办事处/乡镇政府 of a street (a community is accepted and mapped to its street)."""
    if street.level == Region.Level.COMMUNITY:
        code = street.code[:9] + "000"
    elif street.level == Region.Level.STREET:
        code = street.code
    else:
        return None
    return (
        Department.objects.filter(dept_type=STREET_OFFICE, is_active=True, region_id=code)
        .select_related("region")
        .order_by("code")
        .first()
    )
