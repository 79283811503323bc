"""Demo tickets: a realistic month written in bulk, whose timelines follow the product's own rules.

Nothing here re-states a rule: every step is a move of the transition table (`dispatch.workflow.MOVES`,
its sources, targets and event name), every deadline comes from the product's clock functions
(`dispatch.services.clocks`: the TimeLimit rows, the city-mode scale, the yellow fraction), the
auto-dispatch threshold is the classifier's (`threshold_for`), and every event row is built by the one
event writer (`dispatch.services.core.event_row`). Only the timestamps are invented (in the past), which
is why the rows are planned in memory and bulk-inserted rather than made by calling the moves now."""

import csv
import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from classifier.services import threshold_for
from dispatch.actors import actor_for
from dispatch.management.demo.accounts import DemoWorld
from dispatch.models import Ticket, TicketAssist, TicketNumberCounter
from dispatch.services.clocks import ClockInputs, city_scale, start_handle_clock, start_sign_clock, stop_clock
from dispatch.services.core import event_row, write_events
from dispatch.services.sla import WorkCalendar, limits_for
from dispatch.workflow import MOVES
from governance.models import DispatchCatalogue, Grid, Region, StaffProfile

S = Ticket.Status

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
TYPES = [("complaint", 45), ("help", 20), ("consult", 15), ("report", 8), ("suggestion", 8), ("praise", 4)]
CHANNELS = [("phone", 70), ("wechat", 12), ("app", 10), ("web", 8)]
URGENCY = [("normal", 90), ("urgent", 8), ("emergency", 2)]
SATISFACTION = [("satisfied", 78), ("basic", 14), ("unsatisfied", 5), ("unreachable", 3)]
RESOLUTION = [("solved", 90), ("partly", 10)]
UNSATISFIED_REASONS = [
    ("unsolved", 45),
    ("overdue", 15),
    ("shirking", 12),
    ("attitude", 10),
    ("untrue_reply", 10),
    ("other", 8),
]
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


@dataclass
class _Context:
    """What every planned ticket shares: the random source, the clock inputs read once, the people."""

    rng: random.Random
    now: datetime.datetime
    categories: list[str]
    assignments: dict
    limits: dict
    cal: WorkCalendar
    scale: object
    operator: object
    dispatcher: object
    staff_by_dept: dict

    def assignment(self, category: str, district: Region):
        from governance.selectors import department_for_category

        key = (category, district.code)
        if key not in self.assignments:
            self.assignments[key] = department_for_category(category_code=category, district=district)
        return self.assignments[key]


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
    now = timezone.now()
    ctx = _Context(
        rng=rng,
        now=now,
        categories=categories,
        assignments={},
        limits={(c, u): limits_for(category_code=c, urgency=u) for c in categories for u, _ in URGENCY},
        cal=WorkCalendar(timezone.localtime(now - datetime.timedelta(days=days + 2)).date(), days=days + 120),
        scale=city_scale(),
        operator=operator,
        dispatcher=world.users["dispatcher"],
        staff_by_dept={
            p.department_id: p.user
            for p in StaffProfile.objects.filter(user__in=world.users.values(), department__isnull=False)
        },
    )
    stamps = sorted(now - datetime.timedelta(days=rng.uniform(0, days)) for _ in range(count))
    plans: list[_Plan] = []
    for created in stamps:
        local = timezone.localtime(created)
        if local.hour < 7:  # few calls at night
            created += datetime.timedelta(hours=rng.randint(8, 12))
            if created > now:
                created = now - datetime.timedelta(minutes=rng.randint(5, 60))
        text, label = rng.choice(texts)
        plans.append(_plan_ticket(ctx, created=created, text=text, label=label, place=rng.choice(places)))
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
        write_events(events)
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


class _Timeline:
    """One ticket's history as the product would write it: each step a move of the table, checked
    against its sources and targets, recorded with the move's event name by the one event builder."""

    def __init__(self, plan: _Plan):
        self.plan = plan
        self.t = plan.ticket

    def created(self, at, *, by) -> None:
        self.plan.events.append(
            event_row(ticket_id=0, action="created", from_status="", to_status=S.RECEIVED, actor=actor_for(by), at=at)
        )

    def move(self, name: str, at, *, to: str | None = None, by=None, unit: str = "", reason="", data=None) -> None:
        move = MOVES[name]
        to = to or (move.targets[0] if move.targets else self.t.status)
        if self.t.status not in move.sources or (move.targets and to not in move.targets):
            raise ValueError(f"demo timeline: {name} from {self.t.status} to {to} is not in the transition table")
        self.plan.events.append(
            event_row(
                ticket_id=0,
                action=move.event,
                from_status=self.t.status,
                to_status=to,
                actor=actor_for(by),
                actor_label=unit or None,
                reason=reason,
                data=data,
                at=at,
            )
        )
        self.t.status = to
        self.t.version += 1
        self.t.updated_at = at


def _plan_ticket(ctx: _Context, *, created, text, label, place) -> _Plan:
    rng, now = ctx.rng, ctx.now
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
        created_by=ctx.operator,
        created_at=created,
        updated_at=created,
        status=S.RECEIVED,
        version=0,
        confidential=rng.random() < 0.01,
    )
    plan = _Plan(t)
    life = _Timeline(plan)
    life.created(created, by=ctx.operator)
    if rng.random() < 0.2:  # 即办
        t.answer = "已根据知识库当场答复来电人。"
        t.category_code, t.category_confirmed = label, True  # every 即办 has its category (the operator's)
        t.closed_at = created + datetime.timedelta(minutes=rng.randint(2, 8))
        life.move("close_at_intake", t.closed_at, by=ctx.operator, reason=t.answer)
        return plan

    # The AI's guess: right most of the time, confident most of the time.
    right = rng.random() < 0.92
    ai_cat = label if right or len(ctx.categories) < 2 else rng.choice([c for c in ctx.categories if c != label])
    prob = round(rng.uniform(0.82, 0.99) if rng.random() < 0.78 else rng.uniform(0.4, 0.8), 4)
    others = [c for c in ctx.categories if c != ai_cat][:2]
    t.ai_category, t.ai_probability, t.ai_model_version = ai_cat, prob, "demo"
    t.ai_top3 = [{"code": ai_cat, "probability": prob}] + [
        {"code": c, "probability": round((1 - prob) / 2, 4)} for c in others
    ]
    routed = created + datetime.timedelta(seconds=rng.randint(2, 30))
    t.routed_at = routed
    auto = prob >= threshold_for(ai_cat)
    category = ai_cat if auto else label
    t.category_code = category
    a = ctx.assignment(category, district)
    lim = ctx.limits.get((category, urgency)) or ctx.limits[(ctx.categories[0], urgency)]
    clock = ClockInputs(scale=ctx.scale, cal=ctx.cal, limits=lim)

    def dispatch_to(lead, at) -> None:
        t.lead_department = lead
        if t.first_lead_department_id is None:
            t.first_lead_department = lead
        start_sign_clock(t, at, clock)

    routing = {"auto": auto, "category": ai_cat, "probability": prob}
    if auto:
        t.dispatch_source = Ticket.DispatchSource.AI
        dispatch_to(a.lead, routed)
        life.move("route", routed, to=S.DISPATCHED, data=routing | {"department": a.lead.pk})
    else:
        life.move("route", routed, to=S.PENDING_DISPATCH, data=routing)
        t.dispatch_source = Ticket.DispatchSource.HUMAN
        t.category_confirmed = True
        routed = routed + datetime.timedelta(minutes=rng.randint(3, 90))
        if routed > now or rng.random() < 0.03:
            return plan
        dispatch_to(a.lead, routed)
        life.move("dispatch", routed, by=ctx.dispatcher, data={"department": a.lead.pk})
    plan.assists = [TicketAssist(department=d, source="catalogue") for d in a.assists]

    def unit_actor():
        user = ctx.staff_by_dept.get(t.lead_department_id)
        return user, ("" if user else t.lead_department.name)

    cursor = routed
    # A wrong AI category is returned by the unit and re-dispatched by the dispatcher.
    if not right and auto and ai_cat != label:
        back = cursor + datetime.timedelta(hours=rng.uniform(1, 20))
        if back > now:
            return plan
        actor, unit = unit_actor()
        t.return_count = 1
        stop_clock(t)
        life.move("return", back, by=actor, unit=unit, reason="经核实不属于本单位职责")
        review = back + datetime.timedelta(hours=rng.uniform(0.5, 6))
        if review > now:
            return plan
        t.category_code = label
        t.category_confirmed = True
        b = ctx.assignment(label, district)
        plan.assists = [TicketAssist(department=d, source="catalogue") for d in b.assists]
        dispatch_to(b.lead, review)
        life.move(
            "return_review",
            review,
            to=S.DISPATCHED,
            by=ctx.dispatcher,
            data={"approve": True, "department": b.lead.pk},
        )
        cursor = review
    sign_at = cursor + datetime.timedelta(hours=rng.uniform(0.2, 30))
    if sign_at > now:
        return plan
    actor, unit = unit_actor()
    t.signed_at = sign_at
    on_time = sign_at <= t.sign_due
    start_handle_clock(t, sign_at, clock)
    life.move("sign", sign_at, by=actor, unit=unit, data={"on_time": on_time})
    # Most replies come in time; some late (the red lights on the dashboard).
    span = (t.handle_due - sign_at).total_seconds()
    reply_at = sign_at + datetime.timedelta(seconds=span * rng.uniform(0.2, 1.3 if rng.random() < 0.15 else 0.95))
    if reply_at > now:
        if rng.random() < 0.08 and sign_at + datetime.timedelta(hours=4) < now:
            ext_at = sign_at + datetime.timedelta(hours=rng.uniform(1, 4))
            life.move("extension_request", ext_at, by=actor, unit=unit, reason="需协调多个部门", data={"days": 3})
        return plan
    t.reply_text = rng.choice(REPLIES)
    t.replied_at = reply_at
    stop_clock(t)
    life.move("reply", reply_at, by=actor, unit=unit, reason=t.reply_text, data={"on_time": reply_at <= t.handle_due})
    review_at = reply_at + datetime.timedelta(hours=rng.uniform(1, 24))
    if review_at > now:
        return plan
    t.category_confirmed = True
    life.move("reply_review", review_at, to=S.CALLBACK, by=ctx.dispatcher, data={"approve": True, "category": ""})
    callback_at = review_at + datetime.timedelta(hours=rng.uniform(2, 48))
    if callback_at > now:
        return plan
    t.satisfaction = _pick(rng, SATISFACTION)
    if t.satisfaction == Ticket.Satisfaction.UNSATISFIED:
        t.reopen_count = 1
        start_handle_clock(t, callback_at, clock)
        to = S.HANDLING
    else:
        t.closed_at = callback_at
        stop_clock(t)
        to = S.CLOSED
    # The 回访 script's answers, from a generator of their own so the rest of the demo stays as it was.
    answers, script = {"satisfaction": t.satisfaction}, random.Random(f"callback {t.created_at.isoformat()}")
    if t.satisfaction != Ticket.Satisfaction.UNREACHABLE:
        answers["contacted"] = script.random() < 0.95
        answers["resolved"] = "unsolved" if to == S.HANDLING else _pick(script, RESOLUTION)
    if to == S.HANDLING:
        answers["reason"] = _pick(script, UNSATISFIED_REASONS)
    life.move("callback", callback_at, to=to, by=ctx.dispatcher, data=answers)
    return plan
