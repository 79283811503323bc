"""Work for every demo account on first start: the random month may leave a grid worker's grid, a street
office or a queue empty, so each account also gets a few recent tickets at the stage where it acts —
待签收 and 办理中 for grid workers and units, 待人工派单, 待审核 and 待回访 for the hotline centre.

Each is planned like the month's tickets (moves of the transition table, the product's clocks, the one
event builder), only with its place, unit and stage chosen instead of drawn."""

import datetime

from classifier.services import threshold_for
from dispatch.management.demo.accounts import DemoWorld
from dispatch.management.demo.plan import (
    REPLIES,
    DemoContext,
    Plan,
    Timeline,
    demo_ticket,
)
from dispatch.models import Ticket, TicketAssist
from dispatch.services.clocks import ClockInputs, start_handle_clock, start_sign_clock, stop_clock
from governance import roles
from governance.models import Department, DispatchCatalogue, Grid, Region

S = Ticket.Status
# The stages a unit or grid worker finds in its worklist, and those the centre finds in its queues.
HANDLER_STAGES = ["dispatched", "dispatched", "handling", "handling", "handling"]
CENTRE_STAGES = ["pending", "pending", "pending", "replied", "replied", "callback", "callback"]


def account_work(ctx: DemoContext, world: DemoWorld, *, texts, places) -> list[Plan]:
    """A few recent tickets for each demo account, at the stage where that account acts."""
    plans: list[Plan] = []
    by_label: dict[str, list[str]] = {}
    for text, label in texts:
        by_label.setdefault(label, []).append(text)
    lead_types = dict(
        DispatchCatalogue.objects.filter(is_active=True).values_list("category_code", "lead_department_type")
    )
    for user in world.users.values():
        held = roles.user_roles(user)
        if roles.GRID_WORKER in held:
            grid = Grid.objects.filter(responsible__user=user).select_related("region__parent__parent").first()
            if grid is None or grid.region.level != Region.Level.COMMUNITY:
                continue
            community = grid.region
            place = (community.parent.parent, community.parent, community, grid.pk)
            lead = Department.objects.filter(dept_type="street_office", region=community.parent, is_active=True).first()
            plans += _unit_work(ctx, place=place, lead=lead, label="城乡建设", by_label=by_label, stages=HANDLER_STAGES)
        elif roles.DEPARTMENT_STAFF in held:
            profile = getattr(user, "staff_profile", None)
            department = getattr(profile, "department", None)
            if department is None:
                continue
            own = _street_places(department, places) if department.level == Department.Level.STREET else []
            label = next((c for c, t in lead_types.items() if t == department.dept_type and c in by_label), "城乡建设")
            for stage in HANDLER_STAGES:
                place = ctx.rng.choice(own or places)
                plans += _unit_work(ctx, place=place, lead=department, label=label, by_label=by_label, stages=[stage])
    for stage in CENTRE_STAGES:
        label = ctx.rng.choice(sorted(by_label))
        plans.append(_centre_ticket(ctx, place=ctx.rng.choice(places), label=label, by_label=by_label, stage=stage))
    return plans


def _street_places(department: Department, places) -> list[tuple]:
    """Places in a street office's own street: those of the month that lie there, else its communities."""
    own = [p for p in places if p[1].code == department.region_id]
    if own:
        return own
    street = department.region
    communities = Region.objects.filter(parent=street, level=Region.Level.COMMUNITY).order_by("code")[:5]
    return [(street.parent, street, c, None) for c in communities]


def _recent(ctx: DemoContext, hours: float) -> datetime.datetime:
    return ctx.now - datetime.timedelta(hours=hours)


def _routed_ticket(ctx: DemoContext, *, place, label: str, by_label, created) -> tuple[Plan, Timeline, ClockInputs]:
    rng = ctx.rng
    t = demo_ticket(
        ctx, created=created, text=rng.choice(by_label.get(label) or by_label[sorted(by_label)[0]]), place=place
    )
    t.category_code = t.ai_category = label
    # Dispatched at routing by the product's own threshold (the centre's pending ones fall below it).
    threshold = threshold_for(label)
    t.ai_probability, t.ai_model_version = round(rng.uniform(threshold, 1.0), 4), "demo"
    t.ai_top3 = [{"code": label, "probability": t.ai_probability}]
    t.routed_at = created + datetime.timedelta(seconds=rng.randint(2, 30))
    plan = Plan(t)
    life = Timeline(plan)
    life.created(created, by=ctx.operator)
    lim = ctx.limits.get((label, t.urgency)) or ctx.limits[(ctx.categories[0], t.urgency)]
    return plan, life, ClockInputs(scale=ctx.scale, cal=ctx.cal, limits=lim)


def _unit_work(ctx: DemoContext, *, place, lead, label: str, by_label, stages) -> list[Plan]:
    """Tickets dispatched to `lead` (by the AI, at routing) and left 待签收 or signed and 办理中."""
    if lead is None:
        return []
    plans = []
    rng = ctx.rng
    for stage in stages:
        hours = rng.uniform(2, 20) if stage == "dispatched" else rng.uniform(26, 60)
        plan, life, clock = _routed_ticket(
            ctx, place=place, label=label, by_label=by_label, created=_recent(ctx, hours)
        )
        t = plan.ticket
        t.dispatch_source = Ticket.DispatchSource.AI
        t.lead_department = t.first_lead_department = lead
        start_sign_clock(t, t.routed_at, clock)
        routing = {"auto": True, "category": label, "probability": t.ai_probability, "department": lead.pk}
        life.move("route", t.routed_at, to=S.DISPATCHED, data=routing)
        if stage == "handling":
            signed = t.routed_at + datetime.timedelta(hours=rng.uniform(0.5, 4))
            t.signed_at = signed
            user = ctx.staff_by_dept.get(lead.pk)
            start_handle_clock(t, signed, clock)
            life.move("sign", signed, by=user, unit="" if user else lead.name, data={"on_time": signed <= t.sign_due})
        plans.append(plan)
    return plans


def _centre_ticket(ctx: DemoContext, *, place, label: str, by_label, stage: str) -> Plan:
    """A ticket waiting for the hotline centre: 待人工派单, 已答复待审核 or 待回访."""
    rng = ctx.rng
    created = _recent(ctx, rng.uniform(0.3, 3) if stage == "pending" else rng.uniform(50, 90))
    plan, life, clock = _routed_ticket(ctx, place=place, label=label, by_label=by_label, created=created)
    t = plan.ticket
    if stage == "pending":
        t.ai_probability = round(rng.uniform(0.4, threshold_for(label)) - 0.0001, 4)
        t.ai_top3 = [{"code": label, "probability": t.ai_probability}]
        routing = {"auto": False, "category": label, "probability": t.ai_probability}
        life.move("route", t.routed_at, to=S.PENDING_DISPATCH, data=routing)
        return plan
    a = ctx.assignment(label, t.district)
    t.dispatch_source = Ticket.DispatchSource.AI
    t.lead_department = t.first_lead_department = a.lead
    plan.assists = [TicketAssist(department=d, source="catalogue") for d in a.assists]
    start_sign_clock(t, t.routed_at, clock)
    routing = {"auto": True, "category": label, "probability": t.ai_probability, "department": a.lead.pk}
    life.move("route", t.routed_at, to=S.DISPATCHED, data=routing)
    user = ctx.staff_by_dept.get(a.lead.pk)
    unit = "" if user else a.lead.name
    t.signed_at = t.routed_at + datetime.timedelta(hours=rng.uniform(1, 6))
    start_handle_clock(t, t.signed_at, clock)
    life.move("sign", t.signed_at, by=user, unit=unit, data={"on_time": t.signed_at <= t.sign_due})
    t.reply_text = rng.choice(REPLIES)
    t.replied_at = t.signed_at + datetime.timedelta(hours=rng.uniform(4, 20))
    stop_clock(t)
    life.move("reply", t.replied_at, by=user, unit=unit, reason=t.reply_text, data={"on_time": True})
    if stage == "callback":
        reviewed = t.replied_at + datetime.timedelta(hours=rng.uniform(1, 8))
        t.category_confirmed = True
        life.move("reply_review", reviewed, to=S.CALLBACK, by=ctx.dispatcher, data={"approve": True, "category": ""})
    return plan
