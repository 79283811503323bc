"""The centre's side after a reply: 审核, 回访, 办结, 重办."""

from django.utils import timezone

from common.errors import ApplicationError
from dispatch.models import Notification, Ticket
from dispatch.services.clocks import resume_handle_clock, start_handle_clock, stop_clock
from dispatch.services.core import notify_lead, optional_text, require_category, require_text
from dispatch.services.moves.plan import Plan, ticket_move

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
def ticket_callback(*, satisfaction: str, note: str = "") -> Plan:
    """回访: the caller's verdict. 满意/基本满意/未联系上 → 办结; 不满意 → 重办 (back to the unit with a
    fresh handling limit)."""
    if satisfaction not in Ticket.Satisfaction.values:
        raise ApplicationError("未知的满意度", code="invalid_choice", extra={"field": "satisfaction"})
    note = optional_text(note, field="note", label="回访记录")
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

    def reopened(t, actor):
        if unsatisfied:
            notify_lead(t, N.REOPENED, f"工单 {t.number} 回访不满意，请重办")

    target = S.HANDLING if unsatisfied else S.CLOSED
    return Plan(mutate, reason=note, data={"satisfaction": satisfaction}, to_status=target, then=reopened)


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
