"""The end-to-end scenario in its own process, on the database named by DATABASE_URL (used by
test_e2e_worker.py on SQLite, whose pytest database lives in memory where a worker cannot see it).

Migrates, builds the small real world, starts `celery -A config worker` on the same database and
broker, files a ticket through the API, waits for the worker to route it, walks it to 办结 and prints
the result as JSON on the last line."""

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

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402


def main() -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    from rest_framework.test import APIClient

    from dispatch.models import Ticket, TicketEvent
    from governance import roles
    from tests.dispatch.celery_worker import Worker
    from tests.dispatch.conftest import ADDRESS, CONTENT, _staff
    from tests.fixtures_governance import zhengzhou_small_build

    small = zhengzhou_small_build()
    operator = _staff("op", roles.OPERATOR, region=small.city)
    dispatcher = _staff("disp", roles.DISPATCHER, region=small.city)
    zhujian = small.department("zhujian")
    staff = _staff("zj", roles.DEPARTMENT_STAFF, department=zhujian)

    # E2E_WORKER_QUEUES: consume only these queues (as make run's routing worker does); default all.
    worker = Worker(name="e2e", env=dict(os.environ), loglevel="WARNING", queues=os.environ.get("E2E_WORKER_QUEUES"))
    try:

        def as_user(user):
            client = APIClient()
            client.force_authenticate(user)
            return client

        filed = as_user(operator).post("/api/tickets/", {"content": CONTENT, "address": ADDRESS}, format="json")
        assert filed.status_code == 201, filed.data
        pk = filed.data["id"]
        deadline = time.monotonic() + 120
        while not Ticket.objects.filter(pk=pk, routed_at__isnull=False).exists():
            if time.monotonic() > deadline or worker.proc.poll() is not None:
                raise SystemExit("the worker did not route the ticket")
            time.sleep(0.3)
        if Ticket.objects.get(pk=pk).status == Ticket.Status.PENDING_DISPATCH:
            response = as_user(dispatcher).post(
                f"/api/tickets/{pk}/dispatch/", {"department": zhujian.pk, "category_code": "城乡建设"}, format="json"
            )
            assert response.status_code == 200, response.data
        steps = [
            (staff, "sign", {}),
            (staff, "reply", {"text": "已督促物业清洗水箱并送检，水质合格。"}),
            (dispatcher, "reply-review", {"approve": True}),
            (dispatcher, "callback", {"satisfaction": "satisfied"}),
        ]
        codes = []
        for user, move, body in steps:
            codes.append(as_user(user).post(f"/api/tickets/{pk}/{move}/", body, format="json").status_code)
        ticket = Ticket.objects.get(pk=pk)
        timeline = as_user(dispatcher).get(f"/api/tickets/{pk}/timeline/").data
        routed = TicketEvent.objects.get(ticket_id=pk, action="routed")
        print(
            json.dumps(
                {
                    "codes": codes,
                    "status": ticket.status,
                    "actions": [e["action"] for e in timeline],
                    "routed_by_worker": routed.actor_id is None,
                    "community": ticket.community_id,
                }
            )
        )
    finally:
        worker.stop()


if __name__ == "__main__":
    main()
