"""Reads that may go to a read replica.

With `DATABASE_REPLICA_URL` set (a PostgreSQL streaming replica; docs/scaling.md), the selectors that only
read roll-ups and bounded windows for supervisors — the dashboard, 派单复盘, the monthly hotspot topics —
run their queries there, so a supervisor's export never competes with filing. Everything else (every
write, every transition, every read that precedes a write, the work lists people act on) stays on
`default`. A replica that is down or not reachable falls back to the primary: the dashboard is slower
then, never broken. Without the setting every read is on `default`, as before.
"""

import functools
import logging
from contextvars import ContextVar

from django.conf import settings
from django.db import DatabaseError

log = logging.getLogger(__name__)

REPLICA = "replica"
_on_replica: ContextVar[bool] = ContextVar("read_on_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def replica_reads(selector):
    """Run a read-only selector's queries on the replica (when one is configured), falling back to the
    primary if the replica fails. The selector must return computed values, not a lazy QuerySet: the
    routing is decided while it runs."""

    @functools.wraps(selector)
    def wrapper(*args, **kwargs):
        if not replica_configured() or _on_replica.get():
            return selector(*args, **kwargs)
        token = _on_replica.set(True)
        try:
            return selector(*args, **kwargs)
        except DatabaseError:
            log.warning("read replica failed in %s; reading from the primary", selector.__qualname__, exc_info=True)
        finally:
            _on_replica.reset(token)
        return selector(*args, **kwargs)

    return wrapper


class ReplicaRouter:
    """Sends reads to the replica only inside `replica_reads`; writes and migrations always to default."""

    def db_for_read(self, model, **hints):
        return REPLICA if _on_replica.get() else None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the primary's rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA
