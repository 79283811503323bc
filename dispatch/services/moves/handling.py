"""The unit's side: 签收, 退单, 延期 (request and decision), 答复."""

from django.utils import timezone

from common.errors import ApplicationError
from dispatch.models import Notification, TicketEvent, TicketPhoto
from dispatch.services.clocks import extend_handle_clock, start_handle_clock, stop_clock, ticket_time_limit_class
from dispatch.services.core import require_text
from dispatch.services.moves.plan import Plan, ticket_move
from dispatch.services.notifications import notify_lead
from dispatch.services.photos import PhotoUpload, photos_attach, photos_check
from dispatch.services.sla import limits_for
from dispatch.workflow import MOVES

N = Notification.Kind


@ticket_move("sign")
def ticket_sign() -> Plan:
    """签收: the unit (or the grid worker) accepts the ticket; the handling clock starts now."""
    now = timezone.now()
    data: dict = {}

    def mutate(t, actor):
        t.signed_at = now
        data["on_time"] = t.sign_due is None or now <= t.sign_due
        return ["signed_at"] + start_handle_clock(t, now)

    return Plan(mutate, data=data)


@ticket_move("return")
def ticket_return(*, reason: str) -> Plan:
    """退单: the lead unit says it is not responsible, with a reason, within the return limit. The
    ticket waits for 派单异议审核 (the dispatcher); it keeps its owner until re-dispatched."""
    reason = require_text(reason, field="reason", label="退单理由", max_length=500)

    def mutate(t, actor):
        t.return_count += 1
        return ["return_count"] + stop_clock(t)

    return Plan(mutate, reason=reason)


@ticket_move("extension_request")
def ticket_extension_request(*, days: int, reason: str) -> Plan:
    """延期 request: working days asked for (1 … the limit's maximum minus extensions already granted)."""
    reason = require_text(reason, field="reason", label="延期理由", max_length=500)
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        raise ApplicationError("延期天数应为正整数", code="invalid", extra={"field": "days"})

    def mutate(t, actor):
        limits = limits_for(
            category_code=t.category_code, urgency=t.urgency, time_limit_class=ticket_time_limit_class(t)
        )
        left = int(limits.max_extension) - t.extension_days
        if days > left:
            raise ApplicationError(f"最多还可延期{max(left, 0)}个工作日", code="too_many", extra={"field": "days"})
        return []

    return Plan(mutate, reason=reason, data={"days": days})


@ticket_move("extension_approve")
def ticket_extension_approve(*, approve: bool, days: int | None = None, reason: str = "") -> Plan:
    """延期审批: approved → the handling deadline moves by the granted working days; refused → unchanged.
    Either way the unit goes on handling (and is told)."""
    now = timezone.now()
    data: dict = {"approve": bool(approve)}

    def mutate(t, actor):
        if not approve:
            return []
        granted = days
        if granted is None:
            last = (
                TicketEvent.objects.filter(ticket=t, action=MOVES["extension_request"].event)
                .order_by("-created_at", "-id")
                .first()
            )
            granted = int((last.data or {}).get("days", 0)) if last else 0
        if not isinstance(granted, int) or granted < 1:
            raise ApplicationError("延期天数应为正整数", code="invalid", extra={"field": "days"})
        fields = extend_handle_clock(t, now, granted)
        data.update({"days": granted, "handle_due": t.handle_due.isoformat()})
        return fields

    verdict = "已批准" if approve else "未批准"
    return Plan(
        mutate,
        reason=reason,
        data=data,
        then=lambda t, actor: notify_lead(t, N.EXTENSION, f"工单 {t.number} 延期申请{verdict}"),
    )


@ticket_move("reply")
def ticket_reply(*, text: str, photo=None, before_photos=(), after_photos=()) -> Plan:
    """答复: the unit's account of what it did; goes to the centre for 审核. Photos are optional: `photo`
    (one, the reply's own field) and up to nine each of 处置前 / 处置后 (`before_photos`, `after_photos`,
    stored as TicketPhoto rows in the move's transaction)."""
    text = require_text(text, field="text", label="答复内容")
    before = photos_check(before_photos, field="before_photos", label="处置前照片")
    after = photos_check(after_photos, field="after_photos", label="处置后照片")
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

    if before or after:
        data["photos"] = len(before) + len(after)

    def attach(t, actor):
        photos = [PhotoUpload(TicketPhoto.Kind.BEFORE, f) for f in before]
        photos_attach(ticket=t, by=actor.user, photos=photos + [PhotoUpload(TicketPhoto.Kind.AFTER, f) for f in after])

    return Plan(mutate, reason=text, data=data, then=attach)
