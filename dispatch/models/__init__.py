"""dispatch models, one module per concern; import from here."""

from dispatch.models.events import AppendOnlyError, Notification, NotificationRead, PhoneAccessLog, TicketEvent
from dispatch.models.hotspots import Hotspot, HotspotScan, HotspotTicket
from dispatch.models.idempotency import IdempotencyKey
from dispatch.models.open311 import Open311ApiKey, Open311Request
from dispatch.models.privacy import CallerDataRequest, PiiAnonymisationRun
from dispatch.models.sketches import TicketHintKey, TicketSketch
from dispatch.models.sla import CityMode, TimeLimit, WorkCalendarDay
from dispatch.models.stats import (
    DailyDistrictVolume,
    DailyTicketStat,
    MonthlyTicketStat,
    OpenTicketLight,
    StatsRollupState,
    TicketStatSnapshot,
)
from dispatch.models.ticket import Ticket, TicketAssist, TicketCaller, TicketNumberCounter, TicketPhoto
from dispatch.models.webhooks import WebhookDelivery, WebhookSubscription

__all__ = [
    "AppendOnlyError",
    "CallerDataRequest",
    "CityMode",
    "DailyDistrictVolume",
    "TicketStatSnapshot",
    "OpenTicketLight",
    "DailyTicketStat",
    "Hotspot",
    "HotspotScan",
    "HotspotTicket",
    "IdempotencyKey",
    "MonthlyTicketStat",
    "Notification",
    "NotificationRead",
    "Open311ApiKey",
    "Open311Request",
    "PhoneAccessLog",
    "PiiAnonymisationRun",
    "StatsRollupState",
    "Ticket",
    "TicketAssist",
    "TicketCaller",
    "TicketHintKey",
    "TicketSketch",
    "TicketEvent",
    "TicketNumberCounter",
    "TicketPhoto",
    "TimeLimit",
    "WebhookDelivery",
    "WebhookSubscription",
    "WorkCalendarDay",
]
