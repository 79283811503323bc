"""Writes. Every status change goes through `ticket_transition` (services/core.py)."""

from dispatch.services.clocks import current_city_mode
from dispatch.services.core import (
    enqueue_after_commit,
    notifications_mark_read,
    notifications_send,
    notify,
    notify_many,
    ticket_transition,
)
from dispatch.services.intake import (
    city_mode_switch,
    next_ticket_number,
    ticket_close_at_intake,
    ticket_create,
    ticket_reveal_phone,
)
from dispatch.services.moves import (
    ticket_callback,
    ticket_close,
    ticket_dispatch,
    ticket_extension_approve,
    ticket_extension_request,
    ticket_merge,
    ticket_redispatch,
    ticket_reopen,
    ticket_reply,
    ticket_reply_review,
    ticket_return,
    ticket_return_review,
    ticket_sign,
    ticket_urge,
    ticket_whistle,
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
    "notifications_send",
    "notify_many",
    "reconcile_unrouted",
    "sla_sweep",
    "ticket_callback",
    "ticket_close",
    "ticket_close_at_intake",
    "ticket_create",
    "ticket_dispatch",
    "ticket_extension_approve",
    "ticket_extension_request",
    "ticket_merge",
    "ticket_redispatch",
    "ticket_reopen",
    "ticket_reply",
    "ticket_reply_review",
    "ticket_return",
    "ticket_return_review",
    "ticket_reveal_phone",
    "ticket_route",
    "ticket_sign",
    "ticket_transition",
    "ticket_urge",
    "ticket_whistle",
]
