"""The human dispatch queue's own clock and filters: 派单时限 (how long a ticket may wait for a person
to dispatch it) and the dispatcher's filters (place, category, channel, waiting time)."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from dispatch.models import Ticket

URGENT = (Ticket.Urgency.URGENT, Ticket.Urgency.EMERGENCY)
# Waiting-time filter: value → (label, minimum wait); "overdue" is past the queue's own limit.
WAITING = {
    "overdue": ("已超派单时限", None),
    "1h": ("等待超过1小时", dt.timedelta(hours=1)),
    "4h": ("等待超过4小时", dt.timedelta(hours=4)),
    "1d": ("等待超过1天", dt.timedelta(days=1)),
    "3d": ("等待超过3天", dt.timedelta(days=3)),
}


def queue_waiting_choices() -> list[tuple[str, str]]:
    return [(value, label) for value, (label, _) in WAITING.items()]


def dispatch_limit(urgency: str) -> dt.timedelta:
    """派单时限 of the queue, from filing: clock time (the centre works around the clock); 紧急 and 特急
    get the shorter limit (settings DISPATCH_QUEUE_URGENT_LIMIT_MINUTES / DISPATCH_QUEUE_LIMIT_MINUTES)."""
    if urgency in URGENT:
        return dt.timedelta(minutes=settings.DISPATCH_QUEUE_URGENT_LIMIT_MINUTES)
    return dt.timedelta(minutes=settings.DISPATCH_QUEUE_LIMIT_MINUTES)


@dataclass(frozen=True)
class QueueClock:
    waited: dt.timedelta
    due: dt.datetime
    overdue: bool


def dispatch_clock(ticket: Ticket, now: dt.datetime | None = None) -> QueueClock:
    """How long the ticket has waited, when its 派单时限 ends and whether that has passed."""
    now = now or timezone.now()
    due = ticket.created_at + dispatch_limit(ticket.urgency)
    return QueueClock(waited=now - ticket.created_at, due=due, overdue=now > due)


@dataclass(frozen=True)
class QueueFilter:
    district: str = ""
    street: str = ""
    category: str = ""
    channel: str = ""
    waiting: str = ""


def dispatch_queue_filter(queryset: QuerySet[Ticket], flt: QueueFilter, *, now=None) -> QuerySet[Ticket]:
    """The queue narrowed by the dispatcher's filters. The category matches the ticket's own or, when it
    has none yet, the AI's guess (what a queued ticket is most likely about)."""
    now = now or timezone.now()
    if flt.district:
        queryset = queryset.filter(district_id=flt.district)
    if flt.street:
        queryset = queryset.filter(street_id=flt.street)
    if flt.category:
        queryset = queryset.filter(Q(category_code=flt.category) | Q(category_code="", ai_category=flt.category))
    if flt.channel:
        queryset = queryset.filter(channel=flt.channel)
    if flt.waiting == "overdue":
        urgent = Q(urgency__in=URGENT)
        queryset = queryset.filter(
            (urgent & Q(created_at__lt=now - dispatch_limit(Ticket.Urgency.URGENT)))
            | (~urgent & Q(created_at__lt=now - dispatch_limit(Ticket.Urgency.NORMAL)))
        )
    elif flt.waiting in WAITING:
        queryset = queryset.filter(created_at__lt=now - WAITING[flt.waiting][1])
    return queryset
