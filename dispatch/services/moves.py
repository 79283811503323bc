"""The named moves of the closed loop. Each goes through `ticket_transition` (lock, check, save, event)."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from common.errors import ApplicationError, ConflictError
from dispatch.actors import actor_for
from dispatch.models import Notification, Ticket, TicketAssist, TicketCaller, TicketEvent
from dispatch.services.core import notify, require_text, ticket_transition, write_event
from dispatch.services.sla import WorkCalendar, add_limit, deadline_for, light_for, limits_for
from governance.models import Department

S = Ticket.Status
N = Notification.Kind


def max_returns() -> int:
    """Returns after which a re-dispatch goes to the district's 兜底 owner (ends 退单拉锯)."""
    return int(getattr(settings, "DISPATCH_MAX_RETURNS", 2))


def fallback_for(ticket: Ticket) -> Department:
    from governance.selectors import fallback_department

    return fallback_department(district=ticket.district)


def _department(value, field: str = "department") -> Department:
    if isinstance(value, Department):
        dep = value
    else:
        dep = Department.objects.filter(pk=value).first() if str(value).isdigit() else None
        dep = dep or Department.objects.filter(code=str(value)).first()
    if dep is None or not dep.is_active:
        raise ApplicationError("未知的承办单位", code="unknown_code", extra={"field": field})
    return dep


def _departments(values, field: str = "assists") -> list[Department]:
    return [_department(v, field) for v in (values or [])]


# --- Clocks -----------------------------------------------------------------------------------------


def start_sign_clock(t: Ticket, now: datetime.datetime) -> list[str]:
    """Dispatched now: sign-for and return limits start."""
    limits = limits_for(category_code=t.category_code, urgency=t.urgency)
    cal = WorkCalendar(timezone.localtime(now).date())
    sign = deadline_for(start=now, amount=limits.sign, unit=limits.unit, cal=cal)
    t.dispatched_at = now
    t.sign_due = sign.due
    t.return_due = add_limit(now, limits.ret, limits.unit, cal) if limits.ret else None
    t.sla_due, t.sla_warn_at = sign.due, sign.warn_at
    t.sla_light = Ticket.Light.GREEN
    _note_fallback_years(cal.fallback_years)
    return ["dispatched_at", "sign_due", "return_due", "sla_due", "sla_warn_at", "sla_light"]


def start_handle_clock(t: Ticket, now: datetime.datetime) -> list[str]:
    """Signed (or sent back to the unit): the handling limit runs from now."""
    limits = limits_for(category_code=t.category_code, urgency=t.urgency)
    handle = deadline_for(start=now, amount=limits.handle, unit=limits.unit)
    t.handle_due = handle.due
    t.sla_due, t.sla_warn_at = handle.due, handle.warn_at
    t.sla_light = Ticket.Light.GREEN
    _note_fallback_years(handle.fallback_years)
    return ["handle_due", "sla_due", "sla_warn_at", "sla_light"]


def stop_clock(t: Ticket) -> list[str]:
    t.sla_due = t.sla_warn_at = None
    return ["sla_due", "sla_warn_at"]


def _note_fallback_years(years) -> None:
    """Tell supervisors (once per year) that deadlines are counted Monday–Friday for a year whose
    holidays are not in the working calendar."""
    for year in sorted(years):
        key = f"calendar-missing-{year}"
        if Notification.objects.filter(dedupe_key=key).exists():
            continue
        Notification.objects.bulk_create(
            [
                Notification(
                    kind=N.CALENDAR,
                    dedupe_key=key,
                    message=f"{year}年节假日安排未录入工作日历，相关时限暂按周一至周五计算，请在后台录入。",
                )
            ],
            ignore_conflicts=True,
        )


def _set_assists(t: Ticket, departments: list[Department], *, source: str, by) -> list[Department]:
    added = []
    existing = set(t.assists.values_list("department_id", flat=True))
    for dep in departments:
        if dep.pk == t.lead_department_id or dep.pk in existing:
            continue
        TicketAssist.objects.create(ticket=t, department=dep, source=source, added_by=by)
        existing.add(dep.pk)
        added.append(dep)
    return added


def _assign(t: Ticket, lead: Department, now) -> list[str]:
    t.lead_department = lead
    fields = ["lead_department"]
    if t.first_lead_department_id is None:
        t.first_lead_department = lead
        fields.append("first_lead_department")
    return fields + start_sign_clock(t, now)


def _notify_dispatched(t: Ticket, assists: list[Department]) -> None:
    notify(kind=N.DISPATCHED, ticket=t, department=t.lead_department, message=f"新工单 {t.number} 请签收（主办）")
    for dep in assists:
        notify(kind=N.DISPATCHED, ticket=t, department=dep, message=f"新工单 {t.number}（协办）")
    if t.grid_id is not None:
        notify(kind=N.GRID, ticket=t, user=t.grid.responsible.user, message=f"网格 {t.grid.name} 有新工单 {t.number}")


# --- 派单 ---------------------------------------------------------------------------------------------


def ticket_dispatch(
    *, ticket, by, department, assists=(), category_code: str | None = None, reason: str = ""
) -> Ticket:
    """Human dispatch from the 待人工派单 queue: the dispatcher names the lead unit (and 协办 units) and
    may correct the category (which then counts as confirmed by a person)."""
    lead = _department(department)
    assist_deps = _departments(assists)
    now = timezone.now()

    def mutate(t, actor):
        fields = _assign(t, lead, now)
        if category_code:
            t.category_code = category_code
            fields.append("category_code")
        t.category_confirmed = bool(t.category_code)
        t.dispatch_source = Ticket.DispatchSource.HUMAN
        fields += ["category_confirmed", "dispatch_source"]
        _set_assists(t, assist_deps, source=TicketAssist.Source.DISPATCHER, by=actor.user)
        return fields

    with transaction.atomic():
        t = ticket_transition(
            ticket=ticket,
            by=by,
            action="dispatch",
            reason=reason,
            mutate=mutate,
            data={"department": lead.pk, "assists": [d.pk for d in assist_deps], "category": category_code or ""},
        )
        _notify_dispatched(t, assist_deps)
    return t


def ticket_redispatch(
    *, ticket, by, department, assists=(), category_code: str | None = None, reason: str = ""
) -> Ticket:
    """改派 to another lead unit. After `DISPATCH_MAX_RETURNS` returns the district's 兜底 owner takes it
    whatever unit was asked for (recorded in the event), so a ticket cannot bounce forever."""
    requested = _department(department)
    assist_deps = _departments(assists)
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
        fields = _assign(t, lead, now)
        if category_code:
            t.category_code = category_code
            t.category_confirmed = True
            fields += ["category_code", "category_confirmed"]
        t.dispatch_source = source
        t.signed_at = None
        fields += ["dispatch_source", "signed_at"]
        _set_assists(t, assist_deps, source=TicketAssist.Source.DISPATCHER, by=actor.user)
        return fields

    with transaction.atomic():
        t = ticket_transition(ticket=ticket, by=by, action="redispatch", reason=reason, mutate=mutate, data=data)
        _notify_dispatched(t, assist_deps)
    return t


# --- 签收, 退单 ---------------------------------------------------------------------------------------


def ticket_sign(*, ticket, by) -> Ticket:
    """签收: the unit (or the grid worker) accepts the ticket; the handling clock starts now."""
    now = timezone.now()

    def mutate(t, actor):
        t.signed_at = now
        on_time = t.sign_due is None or now <= t.sign_due
        data["on_time"] = on_time
        return ["signed_at"] + start_handle_clock(t, now)

    data: dict = {}
    return ticket_transition(ticket=ticket, by=by, action="sign", mutate=mutate, data=data)


def ticket_return(*, ticket, by, reason: str) -> Ticket:
    """退单: the lead unit says it is not responsible, with a reason, within the return limit. The
    ticket waits for 派单异议审核 (the dispatcher); it keeps its owner until re-dispatched."""
    reason = require_text(reason, field="reason", label="退单理由", max_length=500)

    def mutate(t, actor):
        t.return_count += 1
        return ["return_count"] + stop_clock(t)

    return ticket_transition(ticket=ticket, by=by, action="return", reason=reason, mutate=mutate)


def ticket_return_review(
    *, ticket, by, approve: bool, reason: str = "", department=None, assists=(), category_code: str | None = None
) -> Ticket:
    """派单异议审核. Approved with a department → 改派 at once (to the 兜底 owner after too many returns);
    approved without one → back to 待人工派单; refused → back to the same unit, which must sign again."""
    reason = (reason or "").strip()
    if not approve:
        reason = require_text(reason, field="reason", label="驳回理由", max_length=500)
    now = timezone.now()
    target_dep = _department(department) if department not in (None, "") else None
    assist_deps = _departments(assists)
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
        _set_assists(t, assist_deps, source=TicketAssist.Source.DISPATCHER, by=actor.user)
        return fields + ["signed_at"] + _assign(t, lead, now)

    def target_status(t: Ticket) -> str:
        if not approve:
            return S.DISPATCHED
        if target_dep is not None or t.return_count >= max_returns():
            return S.DISPATCHED
        return S.PENDING_DISPATCH

    with transaction.atomic():
        current = Ticket.objects.select_for_update(of=("self",)).get(pk=getattr(ticket, "pk", ticket))
        t = ticket_transition(
            ticket=ticket,
            by=by,
            action="return_review",
            to_status=target_status(current),
            reason=reason,
            mutate=mutate,
            data=data,
        )
        if t.status == S.DISPATCHED:
            _notify_dispatched(t, assist_deps)
    return t


# --- 延期 -----------------------------------------------------------------------------------------


def ticket_extension_request(*, ticket, by, days: int, reason: str) -> Ticket:
    """延期 request: working days asked for (1 … the limit's maximum minus extensions already granted)."""
    reason = require_text(reason, field="reason", label="延期理由", max_length=500)
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        raise ApplicationError("延期天数应为正整数", code="invalid", extra={"field": "days"})

    def mutate(t, actor):
        limits = limits_for(category_code=t.category_code, urgency=t.urgency)
        left = int(limits.max_extension) - t.extension_days
        if days > left:
            raise ApplicationError(f"最多还可延期{max(left, 0)}个工作日", code="too_many", extra={"field": "days"})
        return []

    return ticket_transition(
        ticket=ticket, by=by, action="extension_request", reason=reason, mutate=mutate, data={"days": days}
    )


def ticket_extension_approve(*, ticket, by, approve: bool, days: int | None = None, reason: str = "") -> Ticket:
    """延期审批: approved → the handling deadline moves by the granted working days; refused → unchanged.
    Either way the unit goes on handling."""
    now = timezone.now()
    data: dict = {"approve": bool(approve)}

    def mutate(t, actor):
        if not approve:
            return []
        granted = days
        if granted is None:
            last = (
                TicketEvent.objects.filter(ticket=t, action="extension_requested")
                .order_by("-created_at", "-id")
                .first()
            )
            granted = int((last.data or {}).get("days", 0)) if last else 0
        if not isinstance(granted, int) or granted < 1:
            raise ApplicationError("延期天数应为正整数", code="invalid", extra={"field": "days"})
        base = t.handle_due or now
        cal = WorkCalendar(timezone.localtime(base).date())
        t.handle_due = add_limit(base, granted, "working_day", cal)
        t.extension_days += granted
        t.sla_due = t.handle_due
        t.sla_light = light_for(now=now, due=t.sla_due, warn_at=t.sla_warn_at)
        if t.sla_light == Ticket.Light.RED:
            t.sla_light = Ticket.Light.GREEN
        data.update({"days": granted, "handle_due": t.handle_due.isoformat()})
        _note_fallback_years(cal.fallback_years)
        return ["handle_due", "extension_days", "sla_due", "sla_light"]

    with transaction.atomic():
        t = ticket_transition(ticket=ticket, by=by, action="extension_approve", reason=reason, mutate=mutate, data=data)
        verdict = "已批准" if approve else "未批准"
        notify(kind=N.EXTENSION, ticket=t, department=t.lead_department, message=f"工单 {t.number} 延期申请{verdict}")
    return t


# --- 答复, 审核, 回访 --------------------------------------------------------------------------------


def ticket_reply(*, ticket, by, text: str, photo=None) -> Ticket:
    """答复: the unit's account of what it did (optional photo); goes to the centre for 审核."""
    text = require_text(text, field="text", label="答复内容")
    now = timezone.now()
    data: dict = {}

    def mutate(t, actor):
        t.reply_text = text
        t.replied_at = now
        data["on_time"] = t.handle_due is None or now <= t.handle_due
        fields = ["reply_text", "replied_at"]
        if photo is not None:
            t.reply_photo = photo
            fields.append("reply_photo")
        return fields + stop_clock(t)

    return ticket_transition(ticket=ticket, by=by, action="reply", reason=text, mutate=mutate, data=data)


def ticket_reply_review(*, ticket, by, approve: bool, reason: str = "", category_code: str | None = None) -> Ticket:
    """审核: approved → 回访 (the centre confirms the final category, optionally correcting it);
    sent back → the unit handles it again with the time it has left (a new limit when it ran out)."""
    now = timezone.now()
    if not approve:
        reason = require_text(reason, field="reason", label="退回理由", max_length=500)

    def mutate(t, actor):
        if approve:
            if category_code:
                t.category_code = category_code
            t.category_confirmed = bool(t.category_code)
            return ["category_code", "category_confirmed"]
        if t.handle_due and t.handle_due > now:
            t.sla_due = t.handle_due
            t.sla_light = light_for(now=now, due=t.handle_due, warn_at=t.sla_warn_at)
            return ["sla_due", "sla_light"]
        return start_handle_clock(t, now)

    with transaction.atomic():
        t = ticket_transition(
            ticket=ticket,
            by=by,
            action="reply_review",
            to_status=S.CALLBACK if approve else S.HANDLING,
            reason=reason,
            mutate=mutate,
            data={"approve": bool(approve), "category": category_code or ""},
        )
        if not approve:
            notify(kind=N.SENT_BACK, ticket=t, department=t.lead_department, message=f"工单 {t.number} 答复被退回")
    return t


def ticket_callback(*, ticket, by, satisfaction: str, note: str = "") -> Ticket:
    """回访: the caller's verdict. 满意/基本满意/未联系上 → 办结; 不满意 → 重办 (back to the unit with a
    fresh handling limit)."""
    if satisfaction not in Ticket.Satisfaction.values:
        raise ApplicationError("未知的满意度", code="invalid_choice", extra={"field": "satisfaction"})
    now = timezone.now()
    unsatisfied = satisfaction == Ticket.Satisfaction.UNSATISFIED

    def mutate(t, actor):
        t.satisfaction = satisfaction
        fields = ["satisfaction"]
        if unsatisfied:
            t.reopen_count += 1
            return fields + ["reopen_count"] + start_handle_clock(t, now)
        t.closed_at = now
        return fields + ["closed_at"] + stop_clock(t)

    with transaction.atomic():
        t = ticket_transition(
            ticket=ticket,
            by=by,
            action="callback",
            to_status=S.HANDLING if unsatisfied else S.CLOSED,
            reason=note,
            mutate=mutate,
            data={"satisfaction": satisfaction},
        )
        if unsatisfied:
            notify(
                kind=N.REOPENED, ticket=t, department=t.lead_department, message=f"工单 {t.number} 回访不满意，请重办"
            )
    return t


def ticket_close(*, ticket, by, reason: str) -> Ticket:
    """办结 without a callback (e.g. the caller asked not to be called)."""
    reason = require_text(reason, field="reason", label="办结说明", max_length=500)
    now = timezone.now()

    def mutate(t, actor):
        t.closed_at = now
        return ["closed_at"] + stop_clock(t)

    return ticket_transition(ticket=ticket, by=by, action="close", reason=reason, mutate=mutate)


def ticket_reopen(*, ticket, by, reason: str) -> Ticket:
    """重办 of a closed ticket: back to its unit with a fresh handling limit."""
    reason = require_text(reason, field="reason", label="重办原因", max_length=500)
    now = timezone.now()

    def mutate(t, actor):
        t.reopen_count += 1
        t.closed_at = None
        return ["reopen_count", "closed_at"] + start_handle_clock(t, now)

    with transaction.atomic():
        t = ticket_transition(ticket=ticket, by=by, action="reopen", reason=reason, mutate=mutate)
        notify(kind=N.REOPENED, ticket=t, department=t.lead_department, message=f"工单 {t.number} 重办")
    return t


# --- 并单, 吹哨报到, 催办/督办 --------------------------------------------------------------------------


def ticket_merge(*, ticket, into, by, reason: str = "") -> Ticket:
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
            ticket=ticket, by=by, action="merge", reason=reason, mutate=mutate, data={"into": survivor.number}
        )
        Ticket.objects.filter(pk=survivor.pk).update(version=survivor.version + 1)
        survivor.version += 1
        write_event(
            ticket=survivor, actor=actor, action="merge_received", reason=reason, data={"merged": merged.number}
        )
    return merged


def ticket_whistle(*, ticket, by, departments, reason: str) -> Ticket:
    """吹哨报到: a grid worker, the street office or the lead unit pulls departments in as 协办."""
    reason = require_text(reason, field="reason", label="吹哨事由", max_length=500)
    deps = _departments(departments, field="departments")
    if not deps:
        raise ApplicationError("请选择要报到的部门", code="required", extra={"field": "departments"})
    added: list[Department] = []

    def mutate(t, actor):
        added.extend(_set_assists(t, deps, source=TicketAssist.Source.WHISTLE, by=actor.user))
        data["added"] = [d.pk for d in added]
        return []

    data: dict = {"departments": [d.pk for d in deps]}
    with transaction.atomic():
        t = ticket_transition(ticket=ticket, by=by, action="whistle", reason=reason, mutate=mutate, data=data)
        for dep in added:
            notify(kind=N.WHISTLE, ticket=t, department=dep, message=f"吹哨报到：工单 {t.number} 请协办")
    return t


def ticket_urge(*, ticket, by, reason: str = "", supervise: bool = False) -> Ticket:
    """催办 (a reminder) or, with `supervise`, 督办 (formal supervision, flagged on the ticket)."""
    kind = N.SUPERVISE if supervise else N.URGE

    def mutate(t, actor):
        t.urge_count += 1
        fields = ["urge_count"]
        if supervise:
            t.supervised = True
            fields.append("supervised")
        return fields

    with transaction.atomic():
        t = ticket_transition(
            ticket=ticket, by=by, action="urge", reason=reason, mutate=mutate, data={"supervise": bool(supervise)}
        )
        label = "督办" if supervise else "催办"
        notify(kind=kind, ticket=t, department=t.lead_department, message=f"{label}：工单 {t.number} {reason}"[:255])
    return t
