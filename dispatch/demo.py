"""Demo data: one account per role, and a realistic month of tickets written in bulk with consistent
timelines. Used by `manage.py seed_demo` (the command only parses arguments and prints)."""

import csv
import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from dispatch.models import Ticket, TicketAssist, TicketEvent, TicketNumberCounter
from dispatch.services.sla import WorkCalendar, add_limit, limits_for
from governance import roles
from governance.models import Department, DispatchCatalogue, Grid, Region, StaffProfile

S = Ticket.Status
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


# --- Tickets ----------------------------------------------------------------------------------------

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
TYPES = [("complaint", 45), ("help", 20), ("consult", 15), ("report", 8), ("suggestion", 8), ("praise", 4)]
CHANNELS = [("phone", 70), ("wechat", 12), ("app", 10), ("web", 8)]
URGENCY = [("normal", 90), ("urgent", 8), ("emergency", 2)]
SATISFACTION = [("satisfied", 78), ("basic", 14), ("unsatisfied", 5), ("unreachable", 3)]
REPLIES = [
    "已联系来电人并现场核实，相关问题已督促责任单位整改完毕。",
    "经核实情况属实，已协调物业及相关部门处理，后续将持续跟踪。",
    "已按政策向来电人解释说明，来电人表示理解。",
    "已安排工作人员现场处置，问题已解决。",
]


def _pick(rng: random.Random, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def raw_complaints() -> list[tuple[str, str]]:
    path = settings.FIXTURES_DIR / "complaints_train.csv"
    with open(path, encoding="utf-8") as fh:
        rows = [(r["text"], r["label"]) for r in csv.DictReader(fh) if r.get("form") == "raw" and r["text"]]
    return rows


def _places(rng: random.Random, districts: list[Region], limit: int = 150) -> list[tuple]:
    """(district, street, community, grid id) for communities that have grids; a subset, so hot spots show."""
    grids = (
        Grid.objects.filter(kind__in=[Grid.Kind.COMMUNITY, Grid.Kind.RURAL], region__level=Region.Level.COMMUNITY)
        .filter(code__startswith=districts[0].prefix)
        .values_list("region_id", "id")
        .order_by("code")
    )
    first_grid: dict[str, int] = {}
    for region_id, grid_id in grids:
        first_grid.setdefault(region_id, grid_id)
    communities = list(Region.objects.filter(code__in=list(first_grid)).select_related("parent__parent"))
    if not communities:
        communities = list(
            Region.objects.filter(level=Region.Level.COMMUNITY, code__startswith=districts[0].prefix).select_related(
                "parent__parent"
            )
        )
    rng.shuffle(communities)
    return [(c.parent.parent, c.parent, c, first_grid.get(c.code)) for c in communities[:limit]]


@dataclass
class _Plan:
    ticket: Ticket
    events: list = field(default_factory=list)
    assists: list = field(default_factory=list)


def demo_tickets(world: DemoWorld, *, count: int = 3000, days: int = 30, seed: int = 12345) -> int:
    """A month of tickets with consistent timelines, written with bulk inserts. Skipped when demo
    tickets exist already (idempotent). Returns how many were created."""
    operator = world.users["operator"]
    if Ticket.objects.filter(created_by=operator).exists():
        return 0
    rng = random.Random(seed)
    texts = raw_complaints()
    places = _places(rng, [world.district])
    if not texts or not places:
        return 0
    catalogue = {c.category_code: c for c in DispatchCatalogue.objects.filter(is_active=True)}
    categories = sorted(catalogue) or sorted({label for _, label in texts})
    from governance.selectors import department_for_category

    assignments = {}

    def assignment(category, district):
        key = (category, district.code)
        if key not in assignments:
            assignments[key] = department_for_category(category_code=category, district=district)
        return assignments[key]

    now = timezone.now()
    cal = WorkCalendar(timezone.localtime(now - datetime.timedelta(days=days + 2)).date(), days=days + 120)
    limits = {(c, u): limits_for(category_code=c, urgency=u) for c in categories for u, _ in URGENCY}
    staff_by_dept = {
        p.department_id: p.user
        for p in StaffProfile.objects.filter(user__in=world.users.values(), department__isnull=False)
    }
    dispatcher = world.users["dispatcher"]
    stamps = sorted(now - datetime.timedelta(days=rng.uniform(0, days)) for _ in range(count))
    plans: list[_Plan] = []
    for created in stamps:
        local = timezone.localtime(created)
        if local.hour < 7:  # few calls at night
            created += datetime.timedelta(hours=rng.randint(8, 12))
            if created > now:
                created = now - datetime.timedelta(minutes=rng.randint(5, 60))
        text, label = rng.choice(texts)
        district, street, community, grid_id = rng.choice(places)
        plans.append(
            _plan_ticket(
                rng=rng,
                now=now,
                created=created,
                text=text,
                label=label,
                place=(district, street, community, grid_id),
                categories=categories,
                assignment=assignment,
                limits=limits,
                cal=cal,
                operator=operator,
                dispatcher=dispatcher,
                staff_by_dept=staff_by_dept,
            )
        )
    with transaction.atomic():
        _number(plans)
        Ticket.objects.bulk_create([p.ticket for p in plans], batch_size=500)
        events, assists = [], []
        for p in plans:
            for e in p.events:
                e.ticket_id = p.ticket.pk
                events.append(e)
            for a in p.assists:
                a.ticket_id = p.ticket.pk
                assists.append(a)
        TicketEvent.objects.bulk_create(events, batch_size=1000)
        TicketAssist.objects.bulk_create(assists, batch_size=1000, ignore_conflicts=True)
    return len(plans)


def _number(plans: list[_Plan]) -> None:
    """Numbers in filing order per day, continuing each day's counter (so later filings never collide)."""
    by_day = defaultdict(list)
    for p in plans:
        by_day[timezone.localtime(p.ticket.created_at).date()].append(p)
    for day, group in by_day.items():
        TicketNumberCounter.objects.bulk_create([TicketNumberCounter(day=day, last=0)], ignore_conflicts=True)
        counter = TicketNumberCounter.objects.select_for_update().get(day=day)
        for i, p in enumerate(group, start=counter.last + 1):
            p.ticket.number = f"ZZ{day:%Y%m%d}{i:06d}"
        counter.last += len(group)
        counter.save(update_fields=["last"])


def _plan_ticket(
    *, rng, now, created, text, label, place, categories, assignment, limits, cal, operator, dispatcher, staff_by_dept
) -> _Plan:
    district, street, community, grid_id = place
    urgency = _pick(rng, URGENCY)
    t = Ticket(
        channel=_pick(rng, CHANNELS),
        caller_name=rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else ""),
        caller_phone=f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
        content=text[:1200],
        address=f"{district.name}{street.name}{community.name}",
        district=district,
        street=street,
        community=community,
        grid_id=grid_id,
        address_certain=True,
        type=_pick(rng, TYPES),
        urgency=urgency,
        priority=2 if urgency == "emergency" else 0,
        created_by=operator,
        created_at=created,
        status=S.RECEIVED,
        confidential=rng.random() < 0.01,
    )
    plan = _Plan(t)
    version = 0

    def event(action, to, at, *, actor=None, label_="", reason="", data=None):
        nonlocal version
        plan.events.append(
            TicketEvent(
                action=action,
                from_status=t.status if action != "created" else "",
                to_status=to,
                actor=actor,
                actor_label=label_ or (actor.first_name if actor else "系统"),
                reason=reason,
                data=data or {},
                created_at=at,
            )
        )
        t.status = to
        version += 1

    event("created", S.RECEIVED, created, actor=operator)
    version = 0
    if rng.random() < 0.2:  # 即办
        t.answer = "已根据知识库当场答复来电人。"
        t.closed_at = created + datetime.timedelta(minutes=rng.randint(2, 8))
        event("closed_at_intake", S.CLOSED_AT_INTAKE, t.closed_at, actor=operator, reason=t.answer)
        t.version = version
        t.updated_at = t.closed_at
        return plan

    # The AI's guess: right most of the time, confident most of the time.
    right = rng.random() < 0.92
    ai_cat = label if right or len(categories) < 2 else rng.choice([c for c in categories if c != label])
    prob = round(rng.uniform(0.82, 0.99) if rng.random() < 0.78 else rng.uniform(0.4, 0.8), 4)
    others = [c for c in categories if c != ai_cat][:2]
    t.ai_category, t.ai_probability, t.ai_model_version = ai_cat, prob, "demo"
    t.ai_top3 = [{"code": ai_cat, "probability": prob}] + [
        {"code": c, "probability": round((1 - prob) / 2, 4)} for c in others
    ]
    routed = created + datetime.timedelta(seconds=rng.randint(2, 30))
    t.routed_at = routed
    auto = prob >= 0.8
    if auto:
        category = ai_cat
        t.dispatch_source = Ticket.DispatchSource.AI
    else:
        event("routed", S.PENDING_DISPATCH, routed, data={"auto": False, "category": ai_cat, "probability": prob})
        category = label
        t.dispatch_source = Ticket.DispatchSource.HUMAN
        t.category_confirmed = True
        routed = routed + datetime.timedelta(minutes=rng.randint(3, 90))
        if routed > now or rng.random() < 0.03:
            t.version = version
            t.updated_at = t.routed_at
            return plan
    t.category_code = category
    a = assignment(category, district)
    t.lead_department = t.first_lead_department = a.lead
    plan.assists = [TicketAssist(department=d, source="catalogue") for d in a.assists]
    lim = limits.get((category, urgency)) or limits[(categories[0], urgency)]
    dispatched_at = routed

    def dispatch_clock(at):
        t.dispatched_at = at
        t.sign_due = add_limit(at, lim.sign, lim.unit, cal)
        t.return_due = add_limit(at, lim.ret, lim.unit, cal)
        t.sla_due = t.sign_due
        t.sla_warn_at = at + (t.sign_due - at) * 0.8

    dispatch_clock(dispatched_at)
    if auto:
        event(
            "routed",
            S.DISPATCHED,
            routed,
            data={"auto": True, "category": category, "probability": prob, "department": a.lead.pk},
        )
    else:
        event("dispatched", S.DISPATCHED, routed, actor=dispatcher, data={"department": a.lead.pk})

    def unit_actor():
        user = staff_by_dept.get(t.lead_department_id)
        return user, ("" if user else t.lead_department.name)

    cursor = dispatched_at
    # A wrong AI category is returned by the unit and re-dispatched by the dispatcher.
    if not right and auto and ai_cat != label:
        back = cursor + datetime.timedelta(hours=rng.uniform(1, 20))
        if back > now:
            return _finish(t, plan, version, cursor)
        actor, lbl = unit_actor()
        t.return_count = 1
        event("returned", S.RETURN_PENDING, back, actor=actor, label_=lbl, reason="经核实不属于本单位职责")
        review = back + datetime.timedelta(hours=rng.uniform(0.5, 6))
        if review > now:
            t.sla_due = t.sla_warn_at = None
            return _finish(t, plan, version, back)
        t.category_code = label
        t.category_confirmed = True
        b = assignment(label, district)
        t.lead_department = b.lead
        plan.assists = [TicketAssist(department=d, source="catalogue") for d in b.assists]
        event(
            "return_reviewed", S.DISPATCHED, review, actor=dispatcher, data={"approve": True, "department": b.lead.pk}
        )
        dispatch_clock(review)
        cursor = review
    sign_at = cursor + datetime.timedelta(hours=rng.uniform(0.2, 30))
    if sign_at > now:
        return _finish(t, plan, version, cursor)
    actor, lbl = unit_actor()
    t.signed_at = sign_at
    event("signed", S.HANDLING, sign_at, actor=actor, label_=lbl, data={"on_time": sign_at <= t.sign_due})
    t.handle_due = add_limit(sign_at, lim.handle, lim.unit, cal)
    t.sla_due = t.handle_due
    t.sla_warn_at = sign_at + (t.handle_due - sign_at) * 0.8
    # Most replies come in time; some late (the red lights on the dashboard).
    span = (t.handle_due - sign_at).total_seconds()
    reply_at = sign_at + datetime.timedelta(seconds=span * rng.uniform(0.2, 1.3 if rng.random() < 0.15 else 0.95))
    if reply_at > now:
        if rng.random() < 0.08 and sign_at + datetime.timedelta(hours=4) < now:
            ext_at = sign_at + datetime.timedelta(hours=rng.uniform(1, 4))
            event(
                "extension_requested",
                S.EXTENSION_PENDING,
                ext_at,
                actor=actor,
                label_=lbl,
                reason="需协调多个部门",
                data={"days": 3},
            )
        return _finish(t, plan, version, sign_at)
    t.reply_text = rng.choice(REPLIES)
    t.replied_at = reply_at
    event(
        "replied",
        S.REPLIED,
        reply_at,
        actor=actor,
        label_=lbl,
        reason=t.reply_text,
        data={"on_time": reply_at <= t.handle_due},
    )
    t.sla_due = t.sla_warn_at = None
    review_at = reply_at + datetime.timedelta(hours=rng.uniform(1, 24))
    if review_at > now:
        return _finish(t, plan, version, reply_at)
    t.category_confirmed = True
    event("reply_reviewed", S.CALLBACK, review_at, actor=dispatcher, data={"approve": True, "category": ""})
    callback_at = review_at + datetime.timedelta(hours=rng.uniform(2, 48))
    if callback_at > now:
        return _finish(t, plan, version, review_at)
    t.satisfaction = _pick(rng, SATISFACTION)
    if t.satisfaction == "unsatisfied":
        t.reopen_count = 1
        t.handle_due = add_limit(callback_at, lim.handle, lim.unit, cal)
        t.sla_due = t.handle_due
        t.sla_warn_at = callback_at + (t.handle_due - callback_at) * 0.8
        event("called_back", S.HANDLING, callback_at, actor=dispatcher, data={"satisfaction": t.satisfaction})
    else:
        t.closed_at = callback_at
        event("called_back", S.CLOSED, callback_at, actor=dispatcher, data={"satisfaction": t.satisfaction})
    return _finish(t, plan, version, callback_at)


def _finish(t: Ticket, plan: _Plan, version: int, last: datetime.datetime) -> _Plan:
    t.version = version
    t.updated_at = last
    return plan
