"""The Celery app. Broker: Redis when REDIS_URL is set, otherwise kombu's filesystem transport under var/.

Periodic tasks are declared here in one place (beat_schedule) so that `make run` and production agree.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("grid12345")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
