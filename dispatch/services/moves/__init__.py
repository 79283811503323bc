"""The named moves of the closed loop, by stage. Each goes through `ticket_transition` (lock, check,
save, event); clocks are in services/clocks.py, ownership in services/assignment.py."""

from dispatch.services.moves.dispatching import (
    ticket_dispatch,
    ticket_redispatch,
    ticket_return_review,
    tickets_dispatch_batch,
)
from dispatch.services.moves.handling import (
    ticket_extension_approve,
    ticket_extension_request,
    ticket_reply,
    ticket_return,
    ticket_sign,
)
from dispatch.services.moves.review import ticket_callback, ticket_close, ticket_reopen, ticket_reply_review
from dispatch.services.moves.supervision import ticket_merge, ticket_urge, ticket_whistle

__all__ = [
    "ticket_callback",
    "ticket_close",
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
    "ticket_sign",
    "ticket_urge",
    "ticket_whistle",
    "tickets_dispatch_batch",
]
