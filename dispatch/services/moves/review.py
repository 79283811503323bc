"""The centre's side after a reply: 审核, 回访, 办结, 重办."""

from django.utils import timezone

from common.errors import ApplicationError
from dispatch.models import Notification, Ticket
from dispatch.services.clocks import resume_handle_clock, start_handle_clock, stop_clock
from dispatch.services.core import optional_text, require_category, require_text
from dispatch.services.moves.plan import Plan, ticket_move
from dispatch.services.notifications import notify_lead

S = Ticket.Status
N = Notification.Kind


@ticket_move("reply_review")
def ticket_reply_review(*, approve: bool, reason: str = "", category_code: str | None = None) -> Plan:
    """审核: approved → 回访 (the centre confirms the final category, optionally correcting it);
    sent back → the unit handles it again with the time it has left (a new limit when it ran out)."""
    category_code = require_category(category_code)
    now = timezone.now()
    if not approve:
        reason = require_text(reason, field="reason", label="退回理由", max_length=500)

    def mutate(t, actor):
        if approve:
            if category_code:
                t.category_code = category_code
            t.category_confirmed = bool(t.category_code)
            return ["category_code", "category_confirmed"]
        return resume_handle_clock(t, now)

    def sent_back(t, actor):
        if not approve:
            notify_lead(t, N.SENT_BACK, f"工单 {t.number} 答复被退回")

    data = {"approve": bool(approve), "category": category_code or ""}
    return Plan(mutate, reason=reason, data=data, to_status=S.CALLBACK if approve else S.HANDLING, then=sent_back)


@ticket_move("callback")
def ticket_callback(
    *, satisfaction: str, note: str = "", contacted: bool | None = None, resolved: str = "", reason: str = ""
) -> Plan:
    """回访: the caller's answers to the script — 是否联系 (`contacted`: did the unit contact them),
    是否解决 (`resolved`: Ticket.Resolution), 是否满意 (`satisfaction`) and, when 不满意, the reason
    (`reason`: Ticket.UnsatisfiedReason, required). 满意/基本满意/未联系上 → 办结; 不满意 → 重办 (back to
    the unit with a fresh handling limit, the reason in its notification). The answers are the event's
    data, which the dashboard counts."""
    if satisfaction not in Ticket.Satisfaction.values:
        raise ApplicationError("未知的满意度", code="invalid_choice", extra={"field": "satisfaction"})
    if resolved and resolved not in Ticket.Resolution.values:
        raise ApplicationError("未知的解决情况", code="invalid_choice", extra={"field": "resolved"})
    unsatisfied = satisfaction == Ticket.Satisfaction.UNSATISFIED
    if unsatisfied and reason not in Ticket.UnsatisfiedReason.values:
        message = "请选择不满意原因" if not reason else "未知的不满意原因"
        raise ApplicationError(message, code="required", extra={"field": "reason"})
    note = optional_text(note, field="note", label="回访记录")
    data = {"satisfaction": satisfaction}
    if contacted is not None:
        data["contacted"] = bool(contacted)
    if resolved:
        data["resolved"] = resolved
    if unsatisfied:
        data["reason"] = reason
    now = timezone.now()

    def mutate(t, actor):
        t.satisfaction = satisfaction
        fields = ["satisfaction"]
        if unsatisfied:
            t.reopen_count += 1
            return fields + ["reopen_count"] + start_handle_clock(t, now)
        t.closed_at = now
        return fields + ["closed_at"] + stop_clock(t)

    def reopened(t, actor):
        if unsatisfied:
            label = Ticket.UnsatisfiedReason(reason).label
            notify_lead(t, N.REOPENED, f"工单 {t.number} 回访不满意（{label}），请重办")

    target = S.HANDLING if unsatisfied else S.CLOSED
    return Plan(mutate, reason=note, data=data, to_status=target, then=reopened)


@ticket_move("close")
def ticket_close(*, reason: str) -> Plan:
    """办结 without a callback (e.g. the caller asked not to be called)."""
    reason = require_text(reason, field="reason", label="办结说明", max_length=500)
    now = timezone.now()

    def mutate(t, actor):
        t.closed_at = now
        return ["closed_at"] + stop_clock(t)

    return Plan(mutate, reason=reason)


@ticket_move("reopen")
def ticket_reopen(*, reason: str) -> Plan:
    """重办 of a closed ticket: back to its unit with a fresh handling limit."""
    reason = require_text(reason, field="reason", label="重办原因", max_length=500)
    now = timezone.now()

    def mutate(t, actor):
        t.reopen_count += 1
        t.closed_at = None
        return ["reopen_count", "closed_at"] + start_handle_clock(t, now)

    return Plan(mutate, reason=reason, then=lambda t, actor: notify_lead(t, N.REOPENED, f"工单 {t.number} 重办"))
