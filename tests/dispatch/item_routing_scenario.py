"""Item-level routing by a real Celery worker, in a process of its own (used by test_item_routing_worker.py
on SQLite, whose pytest database lives in memory where a worker cannot see it; on PostgreSQL the test
calls `scenario` in-process with a worker on the test database).

Four calls are filed through the API and routed by the worker (with tests.dispatch.routing_hook loaded:
a fixed confident classifier, so the item's words and the place decide): a territorial matter with a
place → the street office, and the grid's worker is told; a functional one → the district department; a
utility's → the utility; a territorial one without a place → held, "地址不明，无法确定属地". Prints the
outcome as JSON on the last line."""

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

HOOK = "tests.dispatch.routing_hook"
ADDRESS = "金水区文化路街道农大社区农大家属院3号楼"
CALLS = {
    "territorial": ("农大家属院门口垃圾堆了一周没人清理，臭气熏天", ADDRESS),
    "functional": ("公司拖欠工资三个月了，老板一直推脱不发", ADDRESS),
    "utility": ("家里暖气不热，室温只有十几度，供暖公司一直不来修", ""),
    "no_place": ("家门口垃圾堆了一周没人清理，臭气熏天", ""),
}


def scenario(operator, wait_seconds: float = 120.0, worker=None) -> dict:
    """File the calls as `operator`, wait for the worker to route each, and describe what happened."""
    from rest_framework.test import APIClient

    from dispatch.models import Notification, Ticket, TicketEvent

    client = APIClient()
    client.force_authenticate(operator)
    ids = {}
    for key, (content, address) in CALLS.items():
        response = client.post("/api/tickets/", {"content": content, "address": address}, format="json")
        assert response.status_code == 201, response.data
        ids[key] = response.data["id"]
    deadline = time.monotonic() + wait_seconds
    while Ticket.objects.filter(pk__in=ids.values(), routed_at__isnull=True).exists():
        if time.monotonic() > deadline or (worker is not None and worker.proc.poll() is not None):
            raise AssertionError("the worker did not route the tickets")
        time.sleep(0.3)
    out = {}
    for key, pk in ids.items():
        t = Ticket.objects.select_related("lead_department", "catalogue_item", "grid").get(pk=pk)
        event = TicketEvent.objects.get(ticket_id=pk, action="routed")
        out[key] = {
            "status": t.status,
            "unit": t.lead_department.name if t.lead_department else None,
            "unit_type": t.lead_department.dept_type if t.lead_department else None,
            "item": t.catalogue_item.path if t.catalogue_item else None,
            "reason": event.reason,
            "by_worker": event.actor_id is None,
            "grid_worker_told": Notification.objects.filter(
                ticket_id=pk, kind=Notification.Kind.GRID, user__isnull=False
            ).exists(),
        }
    return out


def main() -> None:
    from django.conf import settings
    from django.core.management import call_command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    from governance import roles
    from tests.dispatch.celery_worker import Worker
    from tests.dispatch.conftest import _staff
    from tests.fixtures_governance import zhengzhou_small_build

    small = zhengzhou_small_build()
    operator = _staff("op", roles.OPERATOR, region=small.city)
    worker = Worker(name="items", env=dict(os.environ), include=HOOK, loglevel="WARNING")
    try:
        print(json.dumps(scenario(operator, worker=worker), ensure_ascii=False))
    finally:
        worker.stop()


if __name__ == "__main__":
    main()
