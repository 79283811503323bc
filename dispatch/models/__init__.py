"""dispatch models, one module per concern; import from here."""

from dispatch.models.events import AppendOnlyError, Notification, PhoneAccessLog, TicketEvent
from dispatch.models.sla import CityMode, TimeLimit, WorkCalendarDay
from dispatch.models.stats import DailyTicketStat, StatsRollupState
from dispatch.models.ticket import Ticket, TicketAssist, TicketCaller, TicketNumberCounter

__all__ = [
    "AppendOnlyError",
    "CityMode",
    "DailyTicketStat",
    "Notification",
    "PhoneAccessLog",
    "StatsRollupState",
    "Ticket",
    "TicketAssist",
    "TicketCaller",
    "TicketEvent",
    "TicketNumberCounter",
    "TimeLimit",
    "WorkCalendarDay",
]
