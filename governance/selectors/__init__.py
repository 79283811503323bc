"""Reads of the governance app. Other apps import from here (`from governance.selectors import …`)."""

from governance.selectors.address import (
    AddressCandidate,
    AddressMatch,
    address_index,
    address_index_invalidate,
    region_for_address,
)
from governance.selectors.departments import (
    Assignment,
    department_for_category,
    fallback_department,
    street_office_for,
)
from governance.selectors.grids import community_default_grid, grid_for_address, grids_under
from governance.selectors.users import department_for_user, grid_worker_for_user, region_for_user

__all__ = [
    "AddressCandidate",
    "AddressMatch",
    "Assignment",
    "address_index",
    "address_index_invalidate",
    "community_default_grid",
    "department_for_category",
    "department_for_user",
    "fallback_department",
    "grid_for_address",
    "grid_worker_for_user",
    "grids_under",
    "region_for_address",
    "region_for_user",
    "street_office_for",
]
