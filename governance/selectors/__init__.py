"""Reads of the governance app. Other apps import from here (`from governance.selectors import …`)."""

from governance.selectors.address import (
    AddressCandidate,
    AddressMatch,
    address_index,
    address_index_invalidate,
    names_site,
    region_for_address,
    routable_place,
)
from governance.selectors.catalogue import ItemChoice, ItemScore, catalogue_index, item_choose
from governance.selectors.departments import (
    FALLBACK_TYPES,
    Assignment,
    Directory,
    Suggestion,
    category_choices,
    category_is_known,
    category_suggestions,
    department_for_category,
    department_serves,
    departments_near,
    fallback_department,
    is_fallback_department,
    may_report_in,
    street_office_for,
)
from governance.selectors.grids import community_default_grid, grid_for_address, grids_under
from governance.selectors.items import PLACE_UNKNOWN, ItemAssignment, department_for_item, item_choices
from governance.selectors.places import PickerOptions, grid_get, place_picker_options, region_get
from governance.selectors.users import Workplace, workplace_for_user

__all__ = [
    "PLACE_UNKNOWN",
    "AddressCandidate",
    "AddressMatch",
    "Assignment",
    "Directory",
    "FALLBACK_TYPES",
    "PickerOptions",
    "Suggestion",
    "Workplace",
    "address_index",
    "address_index_invalidate",
    "category_choices",
    "category_is_known",
    "category_suggestions",
    "community_default_grid",
    "department_for_category",
    "department_serves",
    "departments_near",
    "ItemAssignment",
    "ItemChoice",
    "ItemScore",
    "catalogue_index",
    "department_for_item",
    "fallback_department",
    "grid_for_address",
    "grid_get",
    "grids_under",
    "names_site",
    "is_fallback_department",
    "place_picker_options",
    "item_choices",
    "item_choose",
    "region_for_address",
    "routable_place",
    "region_get",
    "may_report_in",
    "street_office_for",
    "workplace_for_user",
]
