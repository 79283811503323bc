"""Demo accounts: one per role (and two real grid workers), all with the demo password. Idempotent."""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from governance import roles
from governance.models import Department, Grid, Region, StaffProfile

DEMO_PASSWORD = "demo12345"
User = get_user_model()


@dataclass
class DemoAccount:
    username: str
    role: str
    scope: str
    password: str = DEMO_PASSWORD


@dataclass
class DemoWorld:
    district: Region
    accounts: list[DemoAccount] = field(default_factory=list)
    users: dict = field(default_factory=dict)


def demo_district() -> Region:
    """金水区 when its grids are seeded, else the district with grids (a one-district seed), else any."""
    districts = list(Region.objects.filter(level=Region.Level.DISTRICT).order_by("code"))
    if not districts:
        raise LookupError("no regions: run `manage.py load_divisions` (make db) first")
    with_grids = [d for d in districts if Grid.objects.filter(code__startswith=d.prefix).exists()]
    for d in with_grids:
        if d.code == "410105000000":
            return d
    return (with_grids or districts)[0]


def _user(username: str, role: str, *, first_name: str = "", superuser: bool = False):
    user, _ = User.objects.get_or_create(username=username, defaults={"first_name": first_name})
    user.set_password(DEMO_PASSWORD)
    user.is_active = True
    if superuser:
        user.is_staff = user.is_superuser = True
    user.save()
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def _profile(user, *, department=None, region=None) -> None:
    StaffProfile.objects.update_or_create(user=user, defaults={"department": department, "region": region})


@transaction.atomic
def demo_accounts() -> DemoWorld:
    """Create (or reset the password of) one account per role. Idempotent."""
    district = demo_district()
    city = district.parent
    world = DemoWorld(district=district)

    def add(key, user, role, scope):
        world.users[key] = user
        world.accounts.append(DemoAccount(user.username, roles.LABELS.get(role, role), scope))

    add("operator", _user("operator", roles.OPERATOR, first_name="接线员小王"), roles.OPERATOR, "全市")
    _profile(world.users["operator"], region=city)
    add("dispatcher", _user("dispatcher", roles.DISPATCHER, first_name="派单员小李"), roles.DISPATCHER, "全市")
    _profile(world.users["dispatcher"], region=city)
    add("supervisor", _user("supervisor", roles.SUPERVISOR, first_name="指挥中心"), roles.SUPERVISOR, "全市")
    _profile(world.users["supervisor"], region=city)
    sup_d = _user("supervisor_district", roles.SUPERVISOR, first_name=f"{district.name}督办")
    add("supervisor_district", sup_d, roles.SUPERVISOR, district.name)
    _profile(sup_d, region=district)
    for key, dept_type in (("staff", "zhujian"), ("staff_chengguan", "chengguan"), ("staff_sthj", "sthj")):
        dep = Department.objects.filter(dept_type=dept_type, region=district).first()
        if dep is None:
            continue
        user = _user(key, roles.DEPARTMENT_STAFF, first_name=dep.name)
        _profile(user, department=dep)
        add(key, user, roles.DEPARTMENT_STAFF, dep.name)
    street_office = (
        Department.objects.filter(dept_type="street_office", region__parent=district).order_by("code").first()
    )
    if street_office is not None:
        user = _user("staff_street", roles.DEPARTMENT_STAFF, first_name=street_office.name)
        _profile(user, department=street_office)
        add("staff_street", user, roles.DEPARTMENT_STAFF, street_office.name)
    # Grid workers are the seeded responsible people of real grids: give two of them the demo password.
    grids = list(
        Grid.objects.filter(code__startswith=district.prefix, kind__in=[Grid.Kind.COMMUNITY, Grid.Kind.RURAL])
        .select_related("responsible__user", "region")
        .order_by("code")[:1]
    )
    micro = (
        Grid.objects.filter(code__startswith=grids[0].code, kind=Grid.Kind.MICRO)
        .select_related("responsible__user", "region")
        .order_by("code")
        .first()
        if grids
        else None
    )
    for i, grid in enumerate([g for g in grids + [micro] if g is not None]):
        user = grid.responsible.user
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get_or_create(name=roles.GRID_WORKER)[0])
        add(f"worker{i}", user, roles.GRID_WORKER, f"{grid.region.name} {grid.name}")
    admin = _user("admin", roles.ADMIN, first_name="系统管理员", superuser=True)
    add("admin", admin, roles.ADMIN, "全部")
    return world
