"""Publishing Celery tasks from a web process without making a request wait for a dead broker.

The web's publish is fail-fast: one connection attempt (`DISPATCH_PUBLISH_MAX_RETRIES`, default 0), of at
most `CELERY_BROKER_CONNECTION_TIMEOUT` seconds. When it fails the process remembers that the broker is
down for `DISPATCH_BROKER_DOWN_SECONDS` and skips publishing until then, so only the first filing of an
outage pays the connection attempt. Nothing is lost by skipping: the rows are committed and the beat's
reconciler (`dispatch.reconcile_unrouted`) routes whatever stayed unrouted; the SLA sweep reads the
database. The worker and beat do the opposite and retry the broker forever (config/settings.py).

The state is per process (each gunicorn worker learns on its own): it must not live in the cache, which
is on the same Redis as the broker.
"""

import logging
import threading
import time
from dataclasses import dataclass

from django.conf import settings

logger = logging.getLogger(__name__)


@dataclass
class BrokerState:
    down_until: float = 0.0  # time.monotonic() until which publishing is skipped
    attempts: int = 0  # connection attempts made (successful or not)
    failures: int = 0
    skipped: int = 0  # publishes not even attempted because the broker was marked down


_state = BrokerState()
_lock = threading.Lock()


def broker_state() -> BrokerState:
    """A copy of this process's counters (for /healthz, tests and the fault benchmark)."""
    with _lock:
        return BrokerState(**vars(_state))


def broker_marked_down() -> bool:
    return time.monotonic() < _state.down_until


def broker_state_reset() -> None:
    global _state
    with _lock:
        _state = BrokerState()


def _mark_down(exc: BaseException) -> None:
    seconds = settings.DISPATCH_BROKER_DOWN_SECONDS
    with _lock:
        _state.failures += 1
        _state.down_until = time.monotonic() + seconds
    logger.warning(
        "broker unreachable (%s); not publishing for %.0f s, the reconciler routes what is missed", exc, seconds
    )


def publish(task_name: str, args: list) -> bool:
    """Send one task now, or skip it when this process knows the broker is down. True when sent.

    Never raises for a broker error: the caller's data is committed and the periodic reconciler/sweep
    finds the work from the database.
    """
    if broker_marked_down():
        with _lock:
            _state.skipped += 1
        logger.info("broker marked down: %s%s not published; the reconciler will pick it up", task_name, args)
        return False
    from config.celery import app

    task = app.tasks.get(task_name)
    if task is not None and app.conf.task_always_eager:  # one-process set-ups and tests: no broker involved
        task.apply_async(args=list(args))
        return True
    with _lock:
        _state.attempts += 1
    try:
        with app.pool.acquire(block=True) as conn:
            try:
                conn.ensure_connection(max_retries=settings.DISPATCH_PUBLISH_MAX_RETRIES)
                if task is not None:
                    task.apply_async(args=list(args), connection=conn, retry=False)
                else:
                    app.send_task(task_name, args=list(args), connection=conn, retry=False)
            except Exception:
                conn.collect()  # a half-dead connection must not go back into the pool as if healthy
                raise
    except Exception as exc:  # kombu.OperationalError, redis.ConnectionError, OSError, …
        _mark_down(exc)
        return False
    return True
