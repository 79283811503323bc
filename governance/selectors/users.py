"""Where an account works: its department, its region, its grid-worker record."""

from governance.models import Department, GridWorker, Region, StaffProfile


def _profile(user) -> StaffProfile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return StaffProfile.objects.select_related("department__region", "region").get(user=user)
    except StaffProfile.DoesNotExist:
        return None


def department_for_user(user) -> Department | None:
    profile = _profile(user)
    return profile.department if profile else None


def grid_worker_for_user(user) -> GridWorker | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return GridWorker.objects.filter(user=user).first()


def region_for_user(user) -> Region | None:
    """The region whose subtree the account sees: the profile's region, else its department's region,
    else the region of the first grid a grid worker is responsible for."""
    profile = _profile(user)
    if profile is not None:
        if profile.region is not None:
            return profile.region
        if profile.department is not None:
            return profile.department.region
    worker = grid_worker_for_user(user)
    if worker is not None:
        grid = worker.grids.select_related("region").order_by("code").first()
        if grid is not None:
            return grid.region
    return None
