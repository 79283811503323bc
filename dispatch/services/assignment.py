"""Who owns a ticket: departments named by id or code, the lead unit and its clock, 协办 units, the
兜底 owner after too many returns, and the notifications a dispatch sends. Used by routing and by the
moves that (re-)dispatch."""

import datetime

from django.conf import settings

from common.errors import ApplicationError
from common.inputs import is_id
from dispatch.models import Notification, Ticket, TicketAssist
from dispatch.services.clocks import start_sign_clock
from dispatch.services.notifications import notify_ticket
from governance.models import Department

N = Notification.Kind


def max_returns() -> int:
    """Returns after which a re-dispatch goes to the district's 兜底 owner (ends 退单拉锯)."""
    return settings.DISPATCH_MAX_RETURNS


def fallback_for(ticket: Ticket) -> Department:
    from governance.selectors import fallback_department

    return fallback_department(district=ticket.district)


def department_get(value, *, field: str = "department") -> Department:
    """An active department given as an instance, an id (int or digits) or a code; ApplicationError
    (400 on `field`) otherwise. The one place a department named by a request is looked up."""
    if isinstance(value, Department):
        dep = value
    elif isinstance(value, bool) or not isinstance(value, int | str):
        dep = None
    else:
        dep = Department.objects.filter(pk=int(value)).first() if is_id(value) else None
        dep = dep or Department.objects.filter(code=str(value)).first()
    if dep is None or not dep.is_active:
        raise ApplicationError("未知的承办单位", code="unknown_code", extra={"field": field})
    return dep


def departments_get(values, *, field: str = "assists") -> list[Department]:
    return [department_get(v, field=field) for v in (values or [])]


def require_serving(t: Ticket, departments, *, field: str) -> None:
    """ApplicationError (400 on `field`) when one of the units does not serve the ticket's place: a
    金水区 ticket cannot go to 中原区住建局 (governance.selectors.department_serves is the rule)."""
    from governance.selectors import department_serves

    for dep in departments:
        if dep is not None and not department_serves(dep, district_code=t.district_id):
            place = t.district.name if t.district_id else "该区域"
            raise ApplicationError(
                f"{dep.name}不负责{place}的工单，请选择服务该地的承办单位",
                code="out_of_area",
                extra={"field": field},
            )


def assign_lead(t: Ticket, lead: Department, now: datetime.datetime) -> list[str]:
    """Make `lead` the ticket's lead unit (the first one is remembered) and start its sign-for clock."""
    t.lead_department = lead
    fields = ["lead_department"]
    if t.first_lead_department_id is None:
        t.first_lead_department = lead
        fields.append("first_lead_department")
    return fields + start_sign_clock(t, now)


def assists_add(t: Ticket, departments: list[Department], *, source: str, by) -> list[Department]:
    """Add 协办 units (not the lead, not twice); returns those actually added."""
    added = []
    if not departments:
        return added
    existing = set(t.assists.values_list("department_id", flat=True))
    for dep in departments:
        if dep.pk == t.lead_department_id or dep.pk in existing:
            continue
        TicketAssist.objects.create(ticket=t, department=dep, source=source, added_by=by)
        existing.add(dep.pk)
        added.append(dep)
    return added


def notify_dispatched(t: Ticket, assists: list[Department]) -> None:
    """Tell the lead unit, the 协办 units and the grid's worker about a (re-)dispatched ticket (one INSERT)."""
    notes = [(N.DISPATCHED, f"新工单 {t.number} 请签收（主办）", {"department": t.lead_department})]
    notes += [(N.DISPATCHED, f"新工单 {t.number}（协办）", {"department": dep}) for dep in assists]
    if t.grid_id is not None:
        notes.append((N.GRID, f"网格 {t.grid.name} 有新工单 {t.number}", {"user_id": grid_worker_user_id(t.grid_id)}))
    notify_ticket(t, notes)


def grid_worker_user_id(grid_id: int) -> int:
    """The account of the grid's responsible worker (memoised with the governance reads)."""
    from governance.caching import memo
    from governance.models import Grid

    return memo(
        ("grid-worker-user", grid_id),
        lambda: Grid.objects.filter(pk=grid_id).values_list("responsible__user_id", flat=True).get(),
    )
