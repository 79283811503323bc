"""Personal data lifecycle (个人信息保护法).

- Retention: `pii_anonymise_expired` (beat task `dispatch.pii_anonymise`, daily) clears the caller's
  name and number of every ticket closed more than DISPATCH_PII_RETENTION_DAYS ago, and of the callers
  merged into it, masks the numbers found in its texts (phones, ID cards, plates, e-mail: classifier.text.
  mask_pii) and the Open311 e-mail/device/account. The ticket, its category, place, times and timeline
  stay, so statistics do not change. Each run is recorded (PiiAnonymisationRun). Safe to run twice: a
  ticket whose caller data is already gone is not selected again.
- On request: `caller_data_export` (everything held about one phone number, as a dict ready for JSON)
  and `caller_data_erase` (the same clearing, for that caller's tickets whatever their state), each
  recorded (CallerDataRequest: who, when, which tickets; the phone masked).
Timeline events are append-only and keep their texts (reasons are written by staff, not callers).
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from classifier.text import mask_pii
from dispatch.models import CallerDataRequest, Open311Request, PiiAnonymisationRun, Ticket, TicketCaller
from dispatch.selectors import mask_phone
from dispatch.services.intake import normalise_phone

logger = logging.getLogger(__name__)
BATCH = 500
TEXT_FIELDS = ("content", "reply_text", "answer")


def _has_caller_data() -> Q:
    extra = TicketCaller.objects.filter(ticket=OuterRef("pk")).exclude(name="", phone="")
    o311 = Open311Request.objects.filter(ticket=OuterRef("pk")).exclude(email="", device_id="", account_id="")
    return ~Q(caller_name="") | ~Q(caller_phone="") | Q(Exists(extra)) | Q(Exists(o311))


def _anonymise(ids: list[int], *, phone: str | None = None) -> tuple[int, int]:
    """Clear the callers of these tickets (only the caller `phone` when given); returns (tickets, callers)."""
    tickets = list(Ticket.objects.filter(pk__in=ids).only("pk", "caller_name", "caller_phone", *TEXT_FIELDS))
    changed = []
    for t in tickets:
        if phone is None or t.caller_phone == phone:
            t.caller_name, t.caller_phone = "", ""
            for name in TEXT_FIELDS:
                setattr(t, name, mask_pii(getattr(t, name)))
            changed.append(t)
    # A plain UPDATE of these fields only: no version bump, no updated_at, no event (nothing was done to
    # the ticket's handling).
    Ticket.objects.bulk_update(changed, ["caller_name", "caller_phone", *TEXT_FIELDS], batch_size=BATCH)
    callers = TicketCaller.objects.filter(ticket_id__in=ids).exclude(name="", phone="")
    if phone is not None:
        callers = callers.filter(phone=phone)
    n_callers = callers.update(name="", phone="")
    mine = [t.pk for t in changed]
    for req in Open311Request.objects.filter(ticket_id__in=mine).only("pk", "description"):
        req.email, req.device_id, req.account_id, req.description = "", "", "", mask_pii(req.description)
        req.save(update_fields=["email", "device_id", "account_id", "description"])
    return len(changed), n_callers


def pii_anonymise_expired(*, now: datetime.datetime | None = None) -> PiiAnonymisationRun:
    """Anonymise the callers of tickets closed before now − DISPATCH_PII_RETENTION_DAYS; the run, recorded."""
    now = now or timezone.now()
    days = settings.DISPATCH_PII_RETENTION_DAYS
    cutoff = now - datetime.timedelta(days=days)
    run = PiiAnonymisationRun.objects.create(started_at=now, retention_days=days, cutoff=cutoff)
    due = Ticket.objects.filter(status__in=Ticket.FINAL_STATUSES, closed_at__lt=cutoff).filter(_has_caller_data())
    while True:
        ids = list(due.order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            break
        with transaction.atomic():
            tickets, callers = _anonymise(ids)
        if tickets == 0 and callers == 0:  # nothing left to clear on these rows: do not loop on them
            break
        run.tickets += tickets
        run.callers += callers
    run.finished_at = timezone.now()
    run.save(update_fields=["tickets", "callers", "finished_at"])
    if run.tickets or run.callers:
        logger.info("anonymised the callers of %s tickets (%s merged callers)", run.tickets, run.callers)
    return run


def _tickets_of(phone: str):
    extra = TicketCaller.objects.filter(ticket=OuterRef("pk"), phone=phone)
    return Ticket.objects.filter(Q(caller_phone=phone) | Q(Exists(extra))).order_by("created_at", "pk")


def caller_data_export(*, phone: str, by, note: str = "") -> dict:
    """Everything held about the caller with this number (their tickets, as first or merged caller),
    recorded as an export request. A dict ready for JSON."""
    phone = normalise_phone(phone, field="phone")
    rows = []
    for t in _tickets_of(phone).select_related("district", "street", "community"):
        own = t.caller_phone == phone
        rows.append(
            {
                "number": t.number,
                "as": "来电人" if own else "并单来电人",
                "caller_name": t.caller_name if own else "",
                "names_as_merged_caller": [c.name for c in t.extra_callers.filter(phone=phone)],
                "created_at": t.created_at.isoformat(),
                "status": t.get_status_display(),
                "closed_at": t.closed_at.isoformat() if t.closed_at else None,
                "address": t.address if own else "",
                "content": t.content if own else "",
                "place": " ".join(r.name for r in (t.district, t.street, t.community) if r is not None),
            }
        )
    CallerDataRequest.objects.create(
        kind=CallerDataRequest.Kind.EXPORT,
        phone_masked=mask_phone(phone),
        requested_by=by,
        note=note[:200],
        tickets=[r["number"] for r in rows],
    )
    return {"phone": phone, "exported_at": timezone.now().isoformat(), "tickets": rows}


def caller_data_erase(*, phone: str, by, note: str = "") -> CallerDataRequest:
    """Clear this caller's name and number from every ticket they called about (first or merged caller)
    and mask the numbers in the texts of their own tickets; recorded with the tickets concerned."""
    phone = normalise_phone(phone, field="phone")
    with transaction.atomic():
        tickets = list(_tickets_of(phone).values_list("pk", "number"))
        _anonymise([pk for pk, _ in tickets], phone=phone)
        return CallerDataRequest.objects.create(
            kind=CallerDataRequest.Kind.ERASE,
            phone_masked=mask_phone(phone),
            requested_by=by,
            note=note[:200],
            tickets=[number for _, number in tickets],
        )
