"""Signed outbound webhooks for ticket events (a provincial platform, an SMS gateway …).

- Written with the event: `webhook_deliveries_create` runs inside the transaction that writes a
  TicketEvent and adds one WebhookDelivery row per active subscription that wants the event; the
  attempt is enqueued after commit. Events written in bulk (the SLA sweep's lights) get their rows in
  the same statement or transaction (`webhook_deliveries_create_many`, `webhook_deliveries_insert_sql`)
  and are sent by the sweep within a minute or two. A rolled-back move sends nothing; a lost message loses nothing
  (`webhook_sweep` re-enqueues what is due).
- Sent by Celery (`dispatch.webhook_deliver`), never in the web request: POST of a JSON body with
  `X-Webhook-Timestamp` (Unix seconds) and `X-Webhook-Signature: sha256=HEX`, the HMAC-SHA256 with the
  subscription's secret of `"{timestamp}.".encode() + body`. Receivers check it with
  `webhook_signature_verify` (or the same three lines) and reject old timestamps (replays).
- Retried with backoff (settings.DISPATCH_WEBHOOK_BACKOFF) on any answer but 2xx (redirects are not
  followed), then given up after the last attempt; each attempt is logged on the row (the admin's delivery log).
- The body carries no personal data: no caller name, phone, content or reason — the receiver reads
  the ticket by its number where it may.
"""

import hashlib
import hmac
import json
import logging
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, timedelta

from cachetools import TTLCache, cached
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from dispatch.models import TicketEvent, WebhookDelivery, WebhookSubscription

logger = logging.getLogger(__name__)
D = WebhookDelivery.Status

LEASE = timedelta(seconds=120)  # an attempt in flight (> the POST timeout); a dead worker's is retried after
SWEEP_GRACE = timedelta(seconds=30)  # leave fresh deliveries to the message enqueued after commit
COUNTDOWN_MAX = 600  # longer waits are left to the sweep (no long ETA messages in the broker)
TOLERANCE = 300  # seconds a receiver should accept between the timestamp and its clock
LOG_KEEP = 20


def backoff() -> tuple[int, ...]:
    return tuple(settings.DISPATCH_WEBHOOK_BACKOFF)


def max_attempts() -> int:
    return len(backoff()) + 1


# Whether anyone subscribes, asked by every event written: kept per process for a few seconds (an edit in
# this process clears it, dispatch.apps; a subscription added elsewhere gets events from at most
# SUBSCRIPTIONS_CACHE_SECONDS later). The rows themselves are read fresh before deliveries are written.
SUBSCRIPTIONS_CACHE_SECONDS = 5


@cached(cache=TTLCache(maxsize=1, ttl=SUBSCRIPTIONS_CACHE_SECONDS), lock=threading.Lock())
def any_active_subscription() -> bool:
    return WebhookSubscription.objects.filter(is_active=True).exists()


def webhook_deliveries_create(*, event: TicketEvent) -> list[WebhookDelivery]:
    """Inside the event's transaction: one pending delivery per active subscription that wants
    `event.action`, each attempted after commit. Costs no query when nobody subscribes."""
    from dispatch.services.core import enqueue_after_commit

    if not any_active_subscription():
        return []
    subscriptions = [s for s in WebhookSubscription.objects.filter(is_active=True) if s.wants(event.action)]
    if not subscriptions:
        return []
    now = timezone.now()
    deliveries = WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(subscription=s, event=event, next_attempt_at=now) for s in subscriptions]
    )
    for delivery in deliveries:
        enqueue_after_commit("dispatch.webhook_deliver", delivery.pk)
    return deliveries


def webhook_deliveries_create_many(*, events: list[TicketEvent]) -> int:
    """The bulk form, for events saved together (the portable SLA sweep, the demo): one pending delivery
    per event and subscription that wants it, left to `webhook_sweep` (a burst of thousands of lights
    is not thousands of messages at commit). Returns how many."""
    subscriptions = list(WebhookSubscription.objects.filter(is_active=True)) if events else []
    now = timezone.now()
    rows = [
        WebhookDelivery(subscription=s, event_id=e.pk, next_attempt_at=now)
        for e in events
        for s in subscriptions
        if s.wants(e.action)
    ]
    WebhookDelivery.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def webhook_deliveries_insert_sql(*, source: str) -> str:
    """The set-based form for the PostgreSQL SLA sweep: a CTE body inserting one pending delivery per
    row of `source` (inserted events: `id`, `action`) and active subscription that wants it, at
    `%(now)s`; left to `webhook_sweep`. Costs a join with an empty table when nobody subscribes."""
    return f"""INSERT INTO {WebhookDelivery._meta.db_table}
        (subscription_id, event_id, status, attempts, next_attempt_at, body, last_error, log, created_at)
    SELECT s.id, e.id, '{D.PENDING}', 0, %(now)s, '', '', '[]'::jsonb, %(now)s
      FROM {source} e
      JOIN {WebhookSubscription._meta.db_table} s
        ON s.is_active AND (s.events = '[]'::jsonb OR s.events ? e.action)"""


def webhook_body(delivery: WebhookDelivery) -> str:
    event, ticket = delivery.event, delivery.event.ticket
    payload = {
        "delivery_id": delivery.pk,
        "event": event.action,
        "event_id": event.pk,
        "occurred_at": event.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "ticket": {
            "id": ticket.pk,
            "number": ticket.number,
            "from_status": event.from_status,
            "status": event.to_status,
            "channel": ticket.channel,
            "type": ticket.type,
            "urgency": ticket.urgency,
            "category_code": ticket.category_code,
            "district": ticket.district_id,
            "street": ticket.street_id,
            "lead_department": ticket.lead_department.code if ticket.lead_department_id else None,
        },
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def webhook_signature(*, secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def webhook_signature_verify(
    *, secret: str, timestamp: str, body: bytes, signature: str, now: float | None = None
) -> bool:
    """What a receiver checks: the signature matches and the timestamp is within TOLERANCE seconds."""
    try:
        age = abs((time.time() if now is None else now) - int(timestamp))
    except (TypeError, ValueError):
        return False
    expected = webhook_signature(secret=secret, timestamp=timestamp, body=body)
    return age <= TOLERANCE and hmac.compare_digest(expected, signature or "")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 3xx is an answer like any other non-2xx: logged, retried


_opener = urllib.request.build_opener(_NoRedirect)


def _post(url: str, body: bytes, headers: dict) -> tuple[int | None, str]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _opener.open(request, timeout=settings.DISPATCH_WEBHOOK_TIMEOUT) as response:
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return None, f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}"[:500]


def webhook_deliver(*, delivery_id: int) -> int | None:
    """Make one attempt of a due delivery. Returns the seconds until the next attempt when it failed and
    may be retried, else None. Safe to run twice or concurrently: the attempt is claimed with one UPDATE
    (pending, due) that pushes `next_attempt_at` past the attempt, so a second runner finds nothing due."""
    now = timezone.now()
    claimed = WebhookDelivery.objects.filter(pk=delivery_id, status=D.PENDING, next_attempt_at__lte=now).update(
        next_attempt_at=now + LEASE, attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    delivery = WebhookDelivery.objects.select_related("subscription", "event__ticket__lead_department").get(
        pk=delivery_id
    )
    subscription = delivery.subscription
    if not subscription.is_active:
        _finish(delivery, status=D.FAILED, code=None, error="订阅已停用", at=now)
        return None
    if not delivery.body:
        delivery.body = webhook_body(delivery)
        WebhookDelivery.objects.filter(pk=delivery.pk).update(body=delivery.body)
    body = delivery.body.encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "zz12345-webhooks/1",
        "X-Webhook-Id": str(delivery.pk),
        "X-Webhook-Event": delivery.event.action,
        "X-Webhook-Timestamp": timestamp,
        "X-Webhook-Signature": webhook_signature(secret=subscription.secret, timestamp=timestamp, body=body),
    }
    code, error = _post(subscription.url, body, headers)
    at = timezone.now()
    if code is not None and 200 <= code < 300:
        _finish(delivery, status=D.DELIVERED, code=code, error="", at=at)
        return None
    if delivery.attempts >= max_attempts():
        _finish(delivery, status=D.FAILED, code=code, error=error, at=at)
        logger.warning("webhook delivery %s given up after %s attempts: %s", delivery.pk, delivery.attempts, error)
        return None
    delay = backoff()[delivery.attempts - 1]
    _finish(delivery, status=D.PENDING, code=code, error=error, at=at, next_at=at + timedelta(seconds=delay))
    return delay


def _finish(delivery: WebhookDelivery, *, status, code, error, at, next_at=None) -> None:
    entry = {"at": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "attempt": delivery.attempts, "status": code}
    if error:
        entry["error"] = error
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=status,
        response_status=code,
        last_error=error,
        next_attempt_at=next_at,
        delivered_at=at if status == D.DELIVERED else None,
        log=(delivery.log + [entry])[-LOG_KEEP:],
    )


def webhook_sweep(*, limit: int = 5000) -> int:
    """Enqueue deliveries that are due and not freshly written: retries waiting longer than
    COUNTDOWN_MAX, messages a broker lost, attempts a dead worker left. Returns how many."""
    from dispatch.services.core import enqueue_after_commit

    due = list(
        WebhookDelivery.objects.filter(status=D.PENDING, next_attempt_at__lte=timezone.now() - SWEEP_GRACE)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in due:
        enqueue_after_commit("dispatch.webhook_deliver", pk)
    return len(due)


def webhook_redeliver(*, deliveries) -> int:
    """Send deliveries again (the admin's action, e.g. after the receiver fixed its secret): pending,
    due now, attempts counted afresh; the log is kept."""
    from dispatch.services.core import enqueue_after_commit

    pks = [d.pk for d in deliveries]
    WebhookDelivery.objects.filter(pk__in=pks).update(
        status=D.PENDING, attempts=0, next_attempt_at=timezone.now(), delivered_at=None
    )
    for pk in pks:
        enqueue_after_commit("dispatch.webhook_deliver", pk)
    return len(pks)
