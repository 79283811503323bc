"""Across the stages: 并单, 吹哨报到, 催办/督办."""

from django.db import transaction
from django.utils import timezone

from common.errors import ApplicationError, ConflictError
from dispatch.actors import actor_for
from dispatch.models import Notification, Ticket, TicketAssist, TicketCaller
from dispatch.services.assignment import assists_add, departments_get, require_serving
from dispatch.services.clocks import stop_clock
from dispatch.services.core import require_text, ticket_transition, write_event
from dispatch.services.moves.plan import Plan, ticket_move
from dispatch.services.notifications import notify, notify_lead
from governance.models import Department
from governance.selectors import may_report_in

N = Notification.Kind


def ticket_merge(*, ticket, into, by, reason: str = "", expected_version: int | None = None) -> Ticket:
    """并单: `ticket` is merged into the survivor `into`. The survivor keeps every caller (this ticket's
    caller and its own merged callers become TicketCaller rows of the survivor) and tickets already
    merged into this one now point to the survivor. Both rows are locked in id order."""
    a = getattr(ticket, "pk", ticket)
    b = getattr(into, "pk", into)
    if str(a) == str(b):
        raise ApplicationError("不能与自身并单", code="invalid", extra={"field": "into"})
    actor = actor_for(by)
    with transaction.atomic():
        rows = {t.pk: t for t in Ticket.objects.select_for_update(of=("self",)).filter(pk__in=[a, b]).order_by("pk")}
        if len(rows) != 2:
            raise ApplicationError("并入的工单不存在", code="not_found", extra={"field": "into"})
        survivor = rows[int(b)]
        if survivor.status in Ticket.FINAL_STATUSES:
            raise ConflictError(
                "并入的工单已办结或已并单", code="illegal_transition", extra={"status": survivor.status}
            )

        def mutate(t, actor):
            callers = [TicketCaller(ticket=survivor, name=t.caller_name, phone=t.caller_phone, source_ticket=t)]
            for extra in t.extra_callers.all():
                callers.append(
                    TicketCaller(ticket=survivor, name=extra.name, phone=extra.phone, source_ticket=extra.source_ticket)
                )
            TicketCaller.objects.bulk_create(callers)
            Ticket.objects.filter(merged_into=t).update(merged_into=survivor)
            t.merged_into = survivor
            t.closed_at = timezone.now()
            return ["merged_into", "closed_at"] + stop_clock(t)

        merged = ticket_transition(
            ticket=ticket,
            by=by,
            action="merge",
            reason=reason,
            mutate=mutate,
            data={"into": survivor.number},
            expected_version=expected_version,
        )
        Ticket.objects.filter(pk=survivor.pk).update(version=survivor.version + 1)
        survivor.version += 1
        write_event(
            ticket=survivor, actor=actor, action="merge_received", reason=reason, data={"merged": merged.number}
        )
    return merged


@ticket_move("whistle")
def ticket_whistle(*, departments, reason: str) -> Plan:
    """吹哨报到: a grid worker, the street office or the lead unit pulls departments in as 协办 (each
    one added is told)."""
    reason = require_text(reason, field="reason", label="吹哨事由", max_length=500)
    deps = departments_get(departments, field="departments")
    if not deps:
        raise ApplicationError("请选择要报到的部门", code="required", extra={"field": "departments"})
    if any(not may_report_in(d) for d in deps):
        raise ApplicationError("12345热线中心不是报到单位", code="invalid", extra={"field": "departments"})
    added: list[Department] = []
    data: dict = {"departments": [d.pk for d in deps]}

    def mutate(t, actor):
        require_serving(t, deps, field="departments")
        added.extend(assists_add(t, deps, source=TicketAssist.Source.WHISTLE, by=actor.user))
        data["added"] = [d.pk for d in added]
        return []

    def called_in(t, actor):
        for dep in added:
            notify(kind=N.WHISTLE, ticket=t, department=dep, message=f"吹哨报到：工单 {t.number} 请协办")

    return Plan(mutate, reason=reason, data=data, then=called_in)


@ticket_move("urge")
def ticket_urge(*, reason: str = "", supervise: bool = False) -> Plan:
    """催办 (a reminder) or, with `supervise`, 督办 (formal supervision, flagged on the ticket); the lead
    unit is told."""
    kind, label = (N.SUPERVISE, "督办") if supervise else (N.URGE, "催办")

    def mutate(t, actor):
        t.urge_count += 1
        fields = ["urge_count"]
        if supervise:
            t.supervised = True
            fields.append("supervised")
        return fields

    def told(t, actor):
        notify_lead(t, kind, f"{label}：工单 {t.number} {reason}")

    return Plan(mutate, reason=reason, data={"supervise": bool(supervise)}, then=told)
