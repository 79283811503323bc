"""Every task has a queue a deployed worker consumes (Procfile, deploy/systemd), and routing has its own."""

import re
from pathlib import Path

from django.conf import settings

from config.celery import app

ROOT = Path(settings.BASE_DIR)


def consumed_queues(text: str) -> set[str]:
    return {q for found in re.findall(r"celery -A config worker -Q (\S+)", text) for q in found.split(",")}


def test_every_registered_task_goes_to_a_queue_that_make_run_and_systemd_consume():
    app.loader.import_default_modules()
    procfile = consumed_queues((ROOT / "Procfile").read_text())
    systemd = consumed_queues("".join(p.read_text() for p in (ROOT / "deploy" / "systemd").glob("grid12345-*.service")))
    names = [n for n in app.tasks if not n.startswith("celery.")]
    assert names
    for name in names:
        queue = settings.CELERY_TASK_ROUTES.get(name, {}).get("queue", settings.CELERY_TASK_DEFAULT_QUEUE)
        assert queue in settings.TASK_QUEUE_NAMES, name
        assert queue in procfile and queue in systemd, (name, queue)


def test_routing_has_a_worker_of_its_own():
    assert settings.CELERY_TASK_ROUTES["dispatch.route_ticket"] == {"queue": "routing"}
    for text in [(ROOT / "Procfile").read_text(), (ROOT / "deploy/systemd/grid12345-worker.service").read_text()]:
        assert "-Q routing " in text
    others = {r["queue"] for r in settings.CELERY_TASK_ROUTES.values()} - {"routing"}
    background = (ROOT / "deploy/systemd/grid12345-background.service").read_text()
    assert "routing" not in consumed_queues(background) and others <= consumed_queues(background)
