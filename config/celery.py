"""The Celery app. Broker: Redis when REDIS_URL is set, otherwise kombu's filesystem transport under var/.

Periodic tasks are declared here in one place (beat_schedule) so that `make run` and production agree.

Database connections are reused between tasks, as the web reuses them between requests: Celery's Django
fixup would otherwise close every connection before and after each task (a reconnect costs 10-20 ms, as
much as routing a ticket). `CELERY_DB_REUSE_MAX` (settings) makes the fixup close them only every that many
tasks, and `close_old_connections` around each task closes a connection that is broken (a query failed
and the health check fails: the database went away) or older than CONN_MAX_AGE — so a worker recovers by
itself when the database comes back (tests/dispatch/test_database_outage.py).
"""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("grid12345")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect(weak=False, dispatch_uid="grid12345-db-prerun")
@task_postrun.connect(weak=False, dispatch_uid="grid12345-db-postrun")
def _close_old_connections(sender=None, **kwargs):
    # Eager tasks run inside the caller's transaction (tests, CELERY_TASK_ALWAYS_EAGER): leave it alone.
    if sender is not None and getattr(sender.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
