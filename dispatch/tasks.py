"""Celery tasks: ids in, a service call, nothing else. All safe to run twice (see the services)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

# Only errors that can go away by themselves are retried; a bug or bad data fails once, loudly.
TRANSIENT = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


@shared_task(
    name="dispatch.route_ticket",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=5,
)
def route_ticket(ticket_id: int) -> int:
    # Routes the waiting tickets with this one (a backlog is routed in batches); returns how many.
    from dispatch.services.routing import ticket_route_with_waiting

    return ticket_route_with_waiting(ticket_id=ticket_id)


@shared_task(name="dispatch.sla_sweep", acks_late=True, autoretry_for=TRANSIENT, max_retries=2)
def sla_sweep() -> dict:
    from dispatch.services import sla_sweep as sweep

    result = sweep()
    return {"red": result.red, "yellow": result.yellow}


@shared_task(name="dispatch.reconcile_unrouted", acks_late=True, autoretry_for=TRANSIENT, max_retries=2)
def reconcile_unrouted() -> int:
    from dispatch.services import reconcile_unrouted as reconcile

    return reconcile()


@shared_task(name="dispatch.stats_rollup", acks_late=True)
def stats_rollup() -> int:
    # Recomputes whole days from the tickets: running twice or after a lost run gives the same rows.
    from dispatch.services.stats import stats_rollup_recent

    return len(stats_rollup_recent())


@shared_task(name="dispatch.webhook_deliver", acks_late=True, autoretry_for=TRANSIENT, max_retries=3)
def webhook_deliver(delivery_id: int) -> None:
    from dispatch.services.webhooks import COUNTDOWN_MAX
    from dispatch.services.webhooks import webhook_deliver as deliver

    retry_in = deliver(delivery_id=delivery_id)
    if retry_in is not None and retry_in <= COUNTDOWN_MAX:  # longer waits are left to the sweep
        try:
            webhook_deliver.apply_async(args=[delivery_id], countdown=retry_in, retry=False)
        except Exception:  # the broker is away: the row is due at its time and the sweep finds it
            pass


@shared_task(name="dispatch.webhook_sweep", acks_late=True, autoretry_for=TRANSIENT, max_retries=2)
def webhook_sweep() -> int:
    from dispatch.services.webhooks import webhook_sweep as sweep

    return sweep()


@shared_task(name="dispatch.send_notifications", acks_late=True, autoretry_for=TRANSIENT, max_retries=3)
def send_notifications(ids: list[int]) -> int:
    from dispatch.services import notifications_send

    return notifications_send(ids=ids)


@shared_task(name="dispatch.notifications_requeue", acks_late=True, autoretry_for=TRANSIENT, max_retries=2)
def notifications_requeue() -> int:
    from dispatch.services import notifications_requeue as requeue

    return requeue()


@shared_task(name="dispatch.idempotency_keys_purge", acks_late=True, autoretry_for=TRANSIENT, max_retries=2)
def idempotency_keys_purge() -> int:
    from dispatch.services.idempotency import idempotency_keys_purge as purge

    return purge()


@shared_task(name="dispatch.sketches_purge", acks_late=True, autoretry_for=TRANSIENT, max_retries=2)
def sketches_purge() -> int:
    from dispatch.services.routing import ticket_sketches_purge

    return ticket_sketches_purge()


@shared_task(name="dispatch.hotspots_detect", acks_late=True, autoretry_for=TRANSIENT, max_retries=2)
def hotspots_detect() -> dict:
    from dispatch.services.hotspots import hotspots_detect as detect

    result = detect()
    return {"created": len(result.created), "attached": result.attached, "closed": result.closed}


@shared_task(name="dispatch.pii_anonymise", acks_late=True, autoretry_for=TRANSIENT, max_retries=2)
def pii_anonymise() -> dict:
    from dispatch.services.privacy import pii_anonymise_expired

    run = pii_anonymise_expired()
    return {"run": run.pk, "tickets": run.tickets, "callers": run.callers}
