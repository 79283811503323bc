"""派单 side: human dispatch, 改派, and 派单异议审核 of a unit's return."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from common.errors import ApplicationError, ConflictError
from dispatch.models import Ticket, TicketAssist
from dispatch.services.assignment import (
    assign_lead,
    assists_add,
    department_get,
    departments_get,
    fallback_for,
    max_returns,
    notify_dispatched,
)
from dispatch.services.clocks import start_sign_clock, stop_clock
from dispatch.services.core import require_category, require_text, ticket_transition
from governance.models import Department

S = Ticket.Status


def ticket_dispatch(
    *,
    ticket,
    by,
    department,
    assists=(),
    category_code: str | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> Ticket:
    """Human dispatch from the 待人工派单 queue: the dispatcher names the lead unit (and 协办 units) and
    may correct the category (which then counts as confirmed by a person)."""
    category_code = require_category(category_code)
    lead = department_get(department)
    assist_deps = departments_get(assists)
    now = timezone.now()

    def mutate(t, actor):
        fields = assign_lead(t, lead, now)
        if category_code:
            t.category_code = category_code
            fields.append("category_code")
        t.category_confirmed = bool(t.category_code)
        t.dispatch_source = Ticket.DispatchSource.HUMAN
        fields += ["category_confirmed", "dispatch_source"]
        assists_add(t, assist_deps, source=TicketAssist.Source.DISPATCHER, by=actor.user)
        return fields

    data = {"department": lead.pk, "assists": [d.pk for d in assist_deps], "category": category_code or ""}
    return _move_and_notify(
        assist_deps,
        ticket=ticket,
        by=by,
        action="dispatch",
        reason=reason,
        mutate=mutate,
        data=data,
        expected_version=expected_version,
    )


def ticket_redispatch(
    *,
    ticket,
    by,
    department,
    assists=(),
    category_code: str | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> Ticket:
    """改派 to another lead unit. After `DISPATCH_MAX_RETURNS` returns the district's 兜底 owner takes it
    whatever unit was asked for (recorded in the event), so a ticket cannot bounce forever."""
    category_code = require_category(category_code)
    requested = department_get(department)
    assist_deps = departments_get(assists)
    reason = require_text(reason, field="reason", label="改派原因", max_length=500)
    now = timezone.now()
    data = {"requested": requested.pk}

    def mutate(t, actor):
        lead = requested
        source = Ticket.DispatchSource.HUMAN
        if t.return_count >= max_returns():
            lead = fallback_for(t)
            source = Ticket.DispatchSource.FALLBACK
        data.update({"from": t.lead_department_id, "department": lead.pk, "fallback": lead != requested})
        fields = assign_lead(t, lead, now)
        if category_code:
            t.category_code = category_code
            t.category_confirmed = True
            fields += ["category_code", "category_confirmed"]
        t.dispatch_source = source
        t.signed_at = None
        fields += ["dispatch_source", "signed_at"]
        assists_add(t, assist_deps, source=TicketAssist.Source.DISPATCHER, by=actor.user)
        return fields

    return _move_and_notify(
        assist_deps,
        ticket=ticket,
        by=by,
        action="redispatch",
        reason=reason,
        mutate=mutate,
        data=data,
        expected_version=expected_version,
    )


def ticket_return_review(
    *,
    ticket,
    by,
    approve: bool,
    reason: str = "",
    department=None,
    assists=(),
    category_code: str | None = None,
    expected_version: int | None = None,
) -> Ticket:
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
        fields = []
        if not approve:
            return fields + start_sign_clock(t, now)
        if category_code:
            t.category_code, t.category_confirmed = category_code, True
            fields += ["category_code", "category_confirmed"]
        lead = target_dep
        if t.return_count >= max_returns():
            lead = fallback_for(t)
            t.dispatch_source = Ticket.DispatchSource.FALLBACK
            fields.append("dispatch_source")
        if lead is None:
            return fields + stop_clock(t)
        data.update({"from": t.lead_department_id, "department": lead.pk})
        if t.dispatch_source != Ticket.DispatchSource.FALLBACK:
            t.dispatch_source = Ticket.DispatchSource.HUMAN
            fields.append("dispatch_source")
        t.signed_at = None
        assists_add(t, assist_deps, source=TicketAssist.Source.DISPATCHER, by=actor.user)
        return fields + ["signed_at"] + assign_lead(t, lead, now)

    def target_status(t: Ticket) -> str:
        if not approve:
            return S.DISPATCHED
        if target_dep is not None or t.return_count >= max_returns():
            return S.DISPATCHED
        return S.PENDING_DISPATCH

    with transaction.atomic():
        current = Ticket.objects.select_for_update(of=("self",)).get(pk=getattr(ticket, "pk", ticket))
        return _move_and_notify(
            assist_deps,
            ticket=ticket,
            by=by,
            action="return_review",
            to_status=target_status(current),
            reason=reason,
            mutate=mutate,
            data=data,
            expected_version=expected_version,
        )


def _move_and_notify(assists: list[Department], **move) -> Ticket:
    """The move (`ticket_transition`'s arguments), then, when it left the ticket dispatched, the lead unit,
    the 协办 units and the grid's worker are told, in the same transaction."""
    with transaction.atomic():
        t = ticket_transition(**move)
        if t.status == S.DISPATCHED:
            notify_dispatched(t, assists)
    return t


@dataclass
class BatchDispatch:
    """What 批量派单 did: the tickets dispatched, and for each one that was not, why (`conflicts`: moved
    by someone else since the page was shown, 409; `refused`: the rules said no)."""

    dispatched: list[Ticket] = field(default_factory=list)
    conflicts: list[tuple[Ticket, str]] = field(default_factory=list)
    refused: list[tuple[Ticket, str]] = field(default_factory=list)


def tickets_dispatch_batch(
    *, tickets, by, department, category_code: str = "", versions: dict[int, int] | None = None
) -> BatchDispatch:
    """批量派单: `ticket_dispatch` for each ticket on its own (its own lock, version check, event and
    notification), so one ticket that cannot go does not hold back the others. `versions` (ticket id →
    the version the page showed) makes a ticket moved meanwhile a conflict instead of a blind dispatch.
    A bad unit or category raises ApplicationError before any ticket is touched."""
    lead = department_get(department)
    category_code = require_category(category_code)
    versions = versions or {}
    result = BatchDispatch()
    for ticket in tickets:
        try:
            done = ticket_dispatch(
                ticket=ticket,
                by=by,
                department=lead,
                category_code=category_code,
                reason="批量派单",
                expected_version=versions.get(ticket.pk),
            )
        except ConflictError as exc:
            result.conflicts.append((ticket, exc.message))
        except PermissionDenied:
            result.refused.append((ticket, "无权派发此工单"))
        except ApplicationError as exc:
            result.refused.append((ticket, exc.message))
        else:
            result.dispatched.append(done)
    return result
