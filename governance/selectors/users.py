"""Where an account works: its department, its region and, for a grid worker, its grids.

The one reader of that question: dispatch's Actor (who may see and do what) is built from it.
"""

from dataclasses import dataclass, field

from governance.models import Department, Grid, GridWorker, Region, StaffProfile


@dataclass(frozen=True)
class Workplace:
    department: Department | None = None
    # The region the account's profile names (operators, dispatchers, supervisors). Deliberately not
    # derived from the department or the grids: department staff and grid workers are scoped by those.
    region: Region | None = None
    grid_worker: GridWorker | None = None
    grid_codes: tuple[str, ...] = field(default=())


def workplace_for_user(user) -> Workplace:
    """Three queries at most (profile, grid worker, their grids); an anonymous user works nowhere."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Workplace()
    profile = StaffProfile.objects.select_related("department", "region").filter(user=user).first()
    worker = GridWorker.objects.filter(user=user).first()
    grid_codes: tuple[str, ...] = ()
    if worker is not None:
        grid_codes = tuple(Grid.objects.filter(responsible=worker).values_list("code", flat=True))
    return Workplace(
        department=profile.department if profile else None,
        region=profile.region if profile else None,
        grid_worker=worker,
        grid_codes=grid_codes,
    )
