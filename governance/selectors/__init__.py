"""Reads of the governance app. Other apps import from here (`from governance.selectors import …`)."""

from governance.selectors.address import (
    AddressCandidate,
    AddressMatch,
    address_index,
    address_index_invalidate,
    region_for_address,
)
from governance.selectors.departments import (
    FALLBACK_TYPES,
    Assignment,
    Directory,
    Suggestion,
    category_choices,
    category_is_known,
    category_suggestions,
    department_for_category,
    departments_near,
    fallback_department,
    is_fallback_department,
    street_office_for,
)
from governance.selectors.grids import community_default_grid, grid_for_address, grids_under
from governance.selectors.places import PickerOptions, grid_get, place_picker_options, region_get
from governance.selectors.users import Workplace, workplace_for_user

__all__ = [
    "AddressCandidate",
    "AddressMatch",
    "Assignment",
    "Directory",
    "FALLBACK_TYPES",
    "Suggestion",
    "Workplace",
    "category_choices",
    "category_is_known",
    "category_suggestions",
    "departments_near",
    "is_fallback_department",
    "address_index",
    "address_index_invalidate",
    "community_default_grid",
    "department_for_category",
    "fallback_department",
    "grid_for_address",
    "grids_under",
    "grid_get",
    "place_picker_options",
    "region_get",
    "PickerOptions",
    "region_for_address",
    "workplace_for_user",
    "street_office_for",
]
