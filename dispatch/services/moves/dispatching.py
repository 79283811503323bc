"""派单 side: human dispatch, 改派, and 派单异议审核 of a unit's return."""

from django.utils import timezone

from dispatch.models import Ticket, TicketAssist
from dispatch.services.assignment import (
    assign_lead,
    assists_add,
    department_get,
    departments_get,
    fallback_for,
    max_returns,
    notify_dispatched,
    require_serving,
)
from dispatch.services.clocks import start_sign_clock, stop_clock
from dispatch.services.core import item_category, require_category, require_item, require_text
from dispatch.services.moves.plan import Plan, ticket_move
from governance.models import Department

S = Ticket.Status
DS = Ticket.DispatchSource


@ticket_move("dispatch")
def ticket_dispatch(*, department, assists=(), category_code: str | None = None, item=None, reason: str = "") -> Plan:
    """Human dispatch from the 待人工派单 queue: the dispatcher names the lead unit (and 协办 units) and
    may correct the category (which then counts as confirmed by a person) and name the matter item (its
    time-limit class then sets the deadlines; its category is the ticket's)."""
    category_code = require_category(category_code)
    item = require_item(item)
    category_code = item_category(item, category_code)
    lead = department_get(department)
    assist_deps = departments_get(assists)
    now = timezone.now()

    def mutate(t, actor):
        require_serving(t, [lead], field="department")
        require_serving(t, assist_deps, field="assists")
        fields = []
        if item is not None:  # before the clock starts: the item's class times it
            t.catalogue_item = item
            fields.append("catalogue_item")
        fields += _hand_to(t, actor, lead, DS.HUMAN, category_code, assist_deps, now)
        t.category_confirmed = bool(t.category_code)
        return fields + ["category_confirmed"]

    data = {"department": lead.pk, "assists": [d.pk for d in assist_deps], "category": category_code or ""}
    if item is not None:
        data["item"] = item.pk
    return Plan(mutate, reason=reason, data=data, then=_told(assist_deps))


@ticket_move("redispatch")
def ticket_redispatch(*, department, assists=(), category_code: str | None = None, reason: str = "") -> Plan:
    """改派 to another lead unit, which signs again. After `DISPATCH_MAX_RETURNS` returns the district's
    兜底 owner takes it whatever unit was asked for (recorded in the event), so a ticket cannot bounce
    forever."""
    category_code = require_category(category_code)
    requested = department_get(department)
    assist_deps = departments_get(assists)
    reason = require_text(reason, field="reason", label="改派原因", max_length=500)
    now = timezone.now()
    data = {"requested": requested.pk}

    def mutate(t, actor):
        require_serving(t, [requested], field="department")
        require_serving(t, assist_deps, field="assists")
        lead, source = (fallback_for(t), DS.FALLBACK) if t.return_count >= max_returns() else (requested, DS.HUMAN)
        data.update({"from": t.lead_department_id, "department": lead.pk, "fallback": lead != requested})
        t.signed_at = None
        return ["signed_at"] + _hand_to(t, actor, lead, source, category_code, assist_deps, now)

    return Plan(mutate, reason=reason, data=data, then=_told(assist_deps))


@ticket_move("return_review")
def ticket_return_review(
    *, approve: bool, reason: str = "", department=None, assists=(), category_code: str | None = None
) -> Plan:
    """派单异议审核. Approved with a department → 改派 at once (to the 兜底 owner after too many returns);
    approved without one → back to 待人工派单; refused → back to the same unit, which must sign again."""
    category_code = require_category(category_code)
    reason = (reason or "").strip()
    if not approve:
        reason = require_text(reason, field="reason", label="驳回理由", max_length=500)
    now = timezone.now()
    target_dep = department_get(department) if department not in (None, "") else None
    assist_deps = departments_get(assists)
    data: dict = {"approve": bool(approve)}

    def mutate(t, actor):
        if not approve:
            return start_sign_clock(t, now)
        require_serving(t, [target_dep], field="department")
        require_serving(t, assist_deps, field="assists")
        lead, source = (fallback_for(t), DS.FALLBACK) if t.return_count >= max_returns() else (target_dep, DS.HUMAN)
        if lead is None:
            fields = []
            if category_code:
                t.category_code, t.category_confirmed = category_code, True
                fields += ["category_code", "category_confirmed"]
            return fields + stop_clock(t)
        data.update({"from": t.lead_department_id, "department": lead.pk})
        if t.dispatch_source == DS.FALLBACK:  # a 兜底 owner's ticket stays marked so
            source = DS.FALLBACK
        t.signed_at = None
        return ["signed_at"] + _hand_to(t, actor, lead, source, category_code, assist_deps, now)

    def target_status(t: Ticket) -> str:
        if not approve or target_dep is not None or t.return_count >= max_returns():
            return S.DISPATCHED
        return S.PENDING_DISPATCH

    return Plan(mutate, reason=reason, data=data, to_status=target_status, then=_told(assist_deps))


def _hand_to(
    t: Ticket, actor, lead: Department, source: str, category_code: str, assists: list[Department], now
) -> list[str]:
    """Give the ticket to `lead` (its sign-for clock starts), say how it was chosen, set a category a
    person gave (confirmed) and add the 协办 units; returns the fields changed."""
    fields = assign_lead(t, lead, now)
    if category_code:
        t.category_code, t.category_confirmed = category_code, True
        fields += ["category_code", "category_confirmed"]
    t.dispatch_source = source
    assists_add(t, assists, source=TicketAssist.Source.DISPATCHER, by=actor.user)
    return fields + ["dispatch_source"]


def _told(assists: list[Department]):
    """After a move that left the ticket dispatched: the lead unit, the 协办 units and the grid's worker
    are told, in the same transaction."""

    def then(t: Ticket, actor) -> None:
        if t.status == S.DISPATCHED:
            notify_dispatched(t, assists)

    return then
