"""Who handles a matter: the 派单目录 lookup and the 兜底 owners."""

from dataclasses import dataclass, field

from governance.models import Department, DispatchCatalogue, Region
from governance.services.departments import CITY_GOV, DISTRICT_GOV, STREET_OFFICE


@dataclass(frozen=True)
class Assignment:
    lead: Department
    assists: list[Department] = field(default_factory=list)
    is_fallback: bool = False
    catalogue: DispatchCatalogue | None = None


def _district_code(region: Region | None) -> str | None:
    """The district a region lies in (itself for a district); None for the city or no region."""
    if region is None or region.level == Region.Level.CITY:
        return None
    return region.code[:6] + "000000"


def _department(*, dept_type: str, region_code: str | None) -> Department | None:
    qs = Department.objects.filter(dept_type=dept_type, is_active=True).select_related("region")
    if region_code is None:
        return qs.filter(level__in=[Department.Level.CITY, Department.Level.UTILITY]).order_by("code").first()
    return qs.filter(region_id=region_code).order_by("code").first()


def fallback_department(*, district: Region | None) -> Department:
    """The 兜底 owner: the district government (区12345分中心) of `district` (any region inside a district
    is accepted), else the city's 12345 centre. Raises Department.DoesNotExist only when
    seed_departments never ran."""
    code = _district_code(district)
    if code is not None:
        dept = _department(dept_type=DISTRICT_GOV, region_code=code)
        if dept is not None:
            return dept
    dept = _department(dept_type=CITY_GOV, region_code=None)
    if dept is None:
        raise Department.DoesNotExist("no 12345 centre (city_gov): run manage.py seed_departments")
    return dept


def department_for_category(*, category_code: str, district: Region | None) -> Assignment:
    """Resolve the 派单目录 for a category in a district.

    - catalogue level=district and a district given → that district's department of the lead type;
      level=city, or no district known → the city department of the lead type;
    - assists resolved the same way (missing ones are left out);
    - no active catalogue row, or no active lead department → the catalogue's fallback type in the
      district (default district_gov), else the district government, else the city's 12345 centre,
      with `is_fallback=True`.
    """
    catalogue = DispatchCatalogue.objects.filter(category_code=category_code, is_active=True).first()
    district_code = _district_code(district)
    if catalogue is None:
        return Assignment(lead=fallback_department(district=district), is_fallback=True, catalogue=None)
    scope = district_code if catalogue.level == DispatchCatalogue.Level.DISTRICT else None
    lead = _department(dept_type=catalogue.lead_department_type, region_code=scope)
    if lead is None:
        lead = None
        if district_code and catalogue.fallback_department_type:
            lead = _department(dept_type=catalogue.fallback_department_type, region_code=district_code)
        return Assignment(lead=lead or fallback_department(district=district), is_fallback=True, catalogue=catalogue)
    assists = []
    for dept_type in catalogue.assist_department_types or []:
        dept = _department(dept_type=dept_type, region_code=scope)
        if dept is not None and dept.pk != lead.pk:
            assists.append(dept)
    return Assignment(lead=lead, assists=assists, is_fallback=False, catalogue=catalogue)


def street_office_for(*, street: Region) -> Department | None:
    """The 街道办事处/乡镇政府 of a street (a community is accepted and mapped to its street)."""
    if street.level == Region.Level.COMMUNITY:
        code = street.code[:9] + "000"
    elif street.level == Region.Level.STREET:
        code = street.code
    else:
        return None
    return _department(dept_type=STREET_OFFICE, region_code=code)
