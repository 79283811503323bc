"""Who is acting: a user's roles and the places/units they answer for, read once per request.

Scope rules are written against this small object so services, selectors and the API
agree on them: an operator or dispatcher sees their region (all of the city when unset), a supervisor
their region's subtree, department staff what their department leads or assists, a grid worker the
tickets of their grids (and of the micro grids below them), the admin everything.
"""

import threading
from dataclasses import dataclass, field

from cachetools import TTLCache, cached
from django.db.models import Q

from governance import roles
from governance.models import Department, GridWorker, Region
from governance.selectors import workplace_for_user

CENTRE_LABEL = "12345热线中心"


@dataclass(frozen=True)
class Actor:
    user: object
    roles: frozenset = frozenset()
    department: Department | None = None
    region: Region | None = None
    grid_worker: GridWorker | None = None
    grid_codes: tuple[str, ...] = field(default=())

    @property
    def user_id(self):
        return getattr(self.user, "pk", None)

    def has(self, *names: str) -> bool:
        return bool(self.roles & set(names))

    @property
    def is_admin(self) -> bool:
        return roles.ADMIN in self.roles

    @property
    def label(self) -> str:
        """Who acted, as the timeline shows it: the person's name and their unit or role
        ("王伟（金水区住建局）", "李娜（网格员）", "接线员小王（12345热线中心）"); the username only when
        the account has no name. Written into each event, so it stays what it was at the time."""
        if self.user is None:
            return "系统"
        person = (self.user.get_full_name() or "").strip()
        if self.grid_worker is not None:
            person, unit = self.grid_worker.name or person, "网格员"
        elif self.department is not None and self.has(roles.DEPARTMENT_STAFF):
            unit = self.department.name
        elif self.has(roles.OPERATOR, roles.DISPATCHER):
            unit = CENTRE_LABEL
        elif self.has(roles.SUPERVISOR):
            unit = f"{self.region.name}督办" if self.region is not None else "指挥中心"
        elif self.is_admin:
            unit = "系统管理员"
        else:
            unit = ""
        person = person or str(self.user.get_username())
        if not unit or unit in person:
            return person[:64]
        return f"{person}（{unit}）"[:64]


SYSTEM = Actor(user=None, roles=frozenset({"system"}))


# Roles and workplace per user, shared by the requests of one process for a few seconds: they cost
# three queries (profile, grid worker, groups) on every API call otherwise, a third of a filing's. An
# edit in this process clears it at once (dispatch.apps: signals on the models they come from); another
# process sees the edit within ACTOR_CACHE_SECONDS.
ACTOR_CACHE_SECONDS = 5


@cached(
    cache=TTLCache(maxsize=4096, ttl=ACTOR_CACHE_SECONDS),
    key=lambda user: (user.pk, user.is_superuser),
    lock=threading.Lock(),
)
def _roles_and_workplace(user):
    return frozenset(roles.user_roles(user)), workplace_for_user(user)


def actor_cache_clear() -> None:
    _roles_and_workplace.cache_clear()


def actor_for(user) -> Actor:
    """The Actor for a user (cached on the user object, like governance.roles.user_roles, and for
    ACTOR_CACHE_SECONDS per process)."""
    if user is None:
        return SYSTEM
    if isinstance(user, Actor):
        return user
    if not getattr(user, "is_authenticated", False):
        return Actor(user=None, roles=frozenset())
    cached = getattr(user, "_dispatch_actor", None)
    if cached is not None:
        return cached
    held, place = _roles_and_workplace(user)
    user._role_names = set(held)  # what governance.roles.user_roles reads back for this request
    actor = Actor(
        user=user,
        roles=held,
        department=place.department,
        region=place.region,
        grid_worker=place.grid_worker,
        grid_codes=place.grid_codes,
    )
    user._dispatch_actor = actor
    return actor


def region_q(region: Region | None, prefix: str = "") -> Q:
    """Tickets inside a region's subtree. None or the city means the whole city."""
    if region is None or region.level == Region.Level.CITY:
        return Q()
    return Q(**{f"{prefix}{region.level}_id": region.code})


def in_region(region: Region | None, ticket) -> bool:
    if region is None or region.level == Region.Level.CITY:
        return True
    return getattr(ticket, f"{region.level}_id") == region.code


def grid_q(codes: tuple[str, ...]) -> Q:
    if not codes:
        return Q(pk__in=[])
    q = Q()
    for code in codes:
        q |= Q(grid__code__startswith=code)
    return q


def on_grid(actor: Actor, ticket) -> bool:
    if not actor.grid_codes or ticket.grid_id is None:
        return False
    code = ticket.grid.code
    return any(code.startswith(c) for c in actor.grid_codes)


def is_lead(actor: Actor, ticket) -> bool:
    return actor.department is not None and ticket.lead_department_id == actor.department.pk


def is_assist(actor: Actor, ticket) -> bool:
    if actor.department is None:
        return False
    return ticket.assists.filter(department_id=actor.department.pk).exists()


def is_street_office_of(actor: Actor, ticket) -> bool:
    """Staff of the street office (街道办事处) of the ticket's street: they may blow the whistle."""
    dep = actor.department
    return dep is not None and dep.level == Department.Level.STREET and ticket.street_id == dep.region_id
