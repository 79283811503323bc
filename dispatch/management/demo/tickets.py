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

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from classifier.services import threshold_for
from dispatch.duplicates import HINT_DAYS
from dispatch.management.demo.accounts import DemoWorld
from dispatch.management.demo.plan import (
    REPLIES,
    URGENCY,
    DemoContext,
    Plan,
    Timeline,
    demo_ticket,
    pick,
)
from dispatch.management.demo.work import account_work
from dispatch.models import Ticket, TicketAssist, TicketNumberCounter
from dispatch.services.clocks import ClockInputs, city_scale, start_handle_clock, start_sign_clock, stop_clock
from dispatch.services.core import write_events
from dispatch.services.routing import ticket_hint_keys_write
from dispatch.services.sla import WorkCalendar, limits_for
from governance.models import DispatchCatalogue, Grid, Region, StaffProfile

S = Ticket.Status

SATISFACTION = [("satisfied", 78), ("basic", 14), ("unsatisfied", 5), ("unreachable", 3)]
# 巡查上报: a share of the tickets on a community grid are found by its grid worker, most handled on the spot.
PATROL_SHARE = 0.1
PATROL_SELF_HANDLED = 0.6
SELF_HANDLED_NOTES = [
    "已现场劝导当事人，问题当场解决。",
    "已联系物业保洁现场清理完毕。",
    "已现场整改，拍照留存。",
]
RESOLUTION = [("solved", 90), ("partly", 10)]
UNSATISFIED_REASONS = [
    ("unsolved", 45),
    ("overdue", 15),
    ("shirking", 12),
    ("attitude", 10),
    ("untrue_reply", 10),
    ("other", 8),
]


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
    ctx = DemoContext(
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
        city_name=world.district.parent.name if world.district.parent_id else "郑州市",
        other_districts=list(
            Region.objects.filter(level=Region.Level.DISTRICT, parent_id=world.district.parent_id)
            .order_by("code")
            .values_list("name", flat=True)
        ),
        grid_workers={
            g.pk: g.responsible.user
            for g in Grid.objects.filter(pk__in=[p[3] for p in places if p[3]]).select_related("responsible__user")
        },
    )
    # Part of the count is recent work for every account (so none starts with an empty list), the rest
    # the month.
    plans: list[Plan] = account_work(ctx, world, texts=texts, places=places)[:count]
    stamps = sorted(now - datetime.timedelta(days=rng.uniform(0, days)) for _ in range(count - len(plans)))
    for created in stamps:
        local = timezone.localtime(created)
        if local.hour < 7:  # few calls at night
            created += datetime.timedelta(hours=rng.randint(8, 12))
            if created > now:
                created = now - datetime.timedelta(minutes=rng.randint(5, 60))
        text, label = rng.choice(texts)
        plans.append(_plan_ticket(ctx, created=created, text=text, label=label, place=rng.choice(places)))
    plans.sort(key=lambda p: p.ticket.created_at)
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
        # Routing files each ticket under its duplicate-hint keys; the demo's open tickets are filed here.
        since = now - datetime.timedelta(days=HINT_DAYS)
        ticket_hint_keys_write(
            (p.ticket, p.ticket.community_id)
            for p in plans
            if p.ticket.community_id and p.ticket.is_open and p.ticket.created_at >= since
        )
    return len(plans)


def _number(plans: list[Plan]) -> None:
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


def _plan_ticket(ctx: DemoContext, *, created, text, label, place) -> Plan:
    rng = ctx.rng
    worker = ctx.grid_workers.get(place[3])
    if worker is not None and rng.random() < PATROL_SHARE:
        # 巡查上报: found by the grid's worker (no caller); handled on the spot, or reported up and routed.
        t = demo_ticket(ctx, created=created, text=text, place=place, channel=Ticket.Channel.PATROL, created_by=worker)
        t.caller_name = t.caller_phone = ""
        t.type = Ticket.Type.REPORT
        plan = Plan(t)
        life = Timeline(plan)
        life.created(created, by=worker)
        if rng.random() < PATROL_SELF_HANDLED:
            t.category_code, t.category_confirmed = label, True
            t.dispatch_source = Ticket.DispatchSource.SELF
            t.reply_text = rng.choice(SELF_HANDLED_NOTES)
            t.replied_at = t.closed_at = created + datetime.timedelta(minutes=rng.randint(5, 40))
            life.move("self_handle", t.closed_at, by=worker, reason=t.reply_text)
            return plan
        return _plan_routed(ctx, plan, life, label=label)
    t = demo_ticket(ctx, created=created, text=text, place=place)
    plan = Plan(t)
    life = Timeline(plan)
    life.created(created, by=ctx.operator)
    if rng.random() < 0.2:  # 即办
        t.answer = "已根据知识库当场答复来电人。"
        t.category_code, t.category_confirmed = label, True  # every 即办 has its category (the operator's)
        t.closed_at = created + datetime.timedelta(minutes=rng.randint(2, 8))
        life.move("close_at_intake", t.closed_at, by=ctx.operator, reason=t.answer)
        return plan
    return _plan_routed(ctx, plan, life, label=label)


def _plan_routed(ctx: DemoContext, plan: Plan, life: "Timeline", *, label: str) -> Plan:
    """Routing and what follows: dispatch (by the AI or a person), returns, sign-for, reply, review, callback."""
    rng, now, t = ctx.rng, ctx.now, plan.ticket
    created, district, urgency = t.created_at, t.district, t.urgency
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
    t.satisfaction = pick(rng, SATISFACTION)
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
        answers["resolved"] = "unsolved" if to == S.HANDLING else pick(script, RESOLUTION)
    if to == S.HANDLING:
        answers["reason"] = pick(script, UNSATISFIED_REASONS)
    life.move("callback", callback_at, to=to, by=ctx.dispatcher, data=answers)
    return plan
