"""Writes. Every status change goes through `ticket_transition` (services/core.py)."""

from dispatch.services import moves
from dispatch.services.clocks import current_city_mode
from dispatch.services.core import enqueue_after_commit, ticket_transition
from dispatch.services.intake import (
    city_mode_switch,
    next_ticket_number,
    ticket_close_at_intake,
    ticket_create,
    ticket_create_merged,
    ticket_reveal_phone,
)
from dispatch.services.moves import *  # noqa: F403 (the named moves, listed once in moves/__init__.py)
from dispatch.services.notifications import (
    notifications_mark_read,
    notifications_requeue,
    notifications_send,
    notify,
    notify_many,
)
from dispatch.services.routing import ticket_route
from dispatch.services.sweep import reconcile_unrouted, sla_sweep

__all__ = [
    "city_mode_switch",
    "current_city_mode",
    "enqueue_after_commit",
    "next_ticket_number",
    "notify",
    "notifications_mark_read",
    "notifications_requeue",
    "notifications_send",
    "notify_many",
    "reconcile_unrouted",
    "sla_sweep",
    "ticket_close_at_intake",
    "ticket_create",
    "ticket_create_merged",
    "ticket_reveal_phone",
    "ticket_route",
    "ticket_transition",
    *moves.__all__,
]
