"""Optional outbound senders for notifications (SMS gateway, webhook). Off by default: set
DISPATCH_NOTIFICATION_SENDER to the dotted path of a callable taking a Notification, e.g.
"dispatch.senders.webhook_sender" with DISPATCH_WEBHOOK_URL. Rows are always written first; a sender runs
after commit and its failures are logged, never raised. Messages carry ticket numbers, never caller data."""

import json
import logging
import urllib.request

from django.conf import settings

logger = logging.getLogger(__name__)


def webhook_sender(notification) -> None:
    url = settings.DISPATCH_WEBHOOK_URL
    if not url:
        return
    body = json.dumps(
        {
            "kind": notification.kind,
            "message": notification.message,
            "ticket": notification.ticket.number if notification.ticket_id else None,
            "created_at": notification.created_at.isoformat(),
        }
    ).encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=3):
        pass


def log_sender(notification) -> None:
    """For development: shows what would be sent."""
    logger.info("notification %s (%s): %s", notification.pk, notification.kind, notification.message)
