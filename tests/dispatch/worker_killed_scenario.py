"""A Celery worker SIGKILLed in the middle of routing, then a fresh worker and the reconciler.

`run()` is the scenario; test_worker_killed.py calls it in-process on PostgreSQL (the worker shares the
pytest database) and, on SQLite, runs this file as a script: the pytest database lives in memory where a
worker cannot see it, so `main()` migrates a SQLite file named by DATABASE_URL, builds the small real
world, runs the scenario and prints the result as JSON on the last line.

Steps: file three tickets through the API (their route tasks wait in the broker); start worker 1 with
tests.dispatch.routing_hook blocking routing inside its transaction; once it is there (a marker file),
SIGKILL its whole process group and read what the database holds; start worker 2, let it route what is
still queued, send it `dispatch.reconcile_unrouted` (reconcile age 0 through DISPATCH_RECONCILE_AFTER_SECONDS),
then replay every route task (what a late acks_late redelivery would do) and read the database again.
"""

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script (the SQLite variant)
    sys.path.insert(0, str(ROOT))

from tests.dispatch.celery_worker import TIMEOUT, Worker  # noqa: E402

HOOK = "tests.dispatch.routing_hook"  # blocks routing inside its transaction when told to

# Three different requests at one address: the same place and route (all three are 二次供水 matters of the
# building: 住建 leads, 城管 assists), but no duplicate (并单) hint.
CONTENTS = [
    "文化路街道农大社区农大家属院3号楼楼顶水箱长年不清洗，自来水有霉味，请住建部门督促物业清洗。",
    "农大家属院3号楼地下蓄水池的盖板破损两个月无人维修，二次供水有被污染的风险，请督促物业尽快更换。",
    "农大家属院3号楼的加压泵坏了，十楼以上住户白天一直没水，请督促物业修理。",
]
ADDRESS = "金水区文化路街道农大社区农大家属院3号楼"


def wait_for(predicate, what: str, worker: Worker | None = None):
    end = time.monotonic() + TIMEOUT
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}" + ("\n" + worker.tail() if worker else ""))


def snapshot(ids: list[int]) -> dict:
    """What the database holds for each ticket, in plain JSON-able values."""
    from dispatch.models import Notification, Ticket, TicketAssist, TicketEvent

    out = {}
    for t in Ticket.objects.filter(pk__in=ids).order_by("pk"):
        out[str(t.pk)] = {
            "status": t.status,
            "routed": t.routed_at is not None,
            "lead": t.lead_department_id,
            "grid": t.grid_id,
            "events": list(TicketEvent.objects.filter(ticket=t).order_by("pk").values_list("action", flat=True)),
            "assists": sorted(TicketAssist.objects.filter(ticket=t).values_list("department_id", flat=True)),
            "notifications": sorted(
                [kind, dep, user]
                for kind, dep, user in Notification.objects.filter(ticket=t).values_list(
                    "kind", "department_id", "user_id"
                )
            ),
        }
    return out


def run(*, operator, workdir: Path, env: dict) -> dict:
    """The scenario; `env` is the workers' environment (database and broker the caller uses)."""
    from rest_framework.test import APIClient

    from config.celery import app as celery_app
    from dispatch.models import Ticket

    marker = workdir / "routing-blocked"
    client = APIClient()
    client.force_authenticate(operator)
    # Filed before any worker runs: their route tasks wait in the broker (and on SQLite no filing has to
    # wait for the lock that the blocked worker will hold).
    ids = []
    for content in CONTENTS:
        response = client.post("/api/tickets/", {"content": content, "address": ADDRESS}, format="json")
        assert response.status_code == 201, response.data
        ids.append(response.data["id"])

    killed = Worker(name="killed", env={**env, "ROUTING_HOOK_BLOCK_MARKER": str(marker)}, include=HOOK)
    fresh = None
    try:
        killed.wait_ready()
        wait_for(marker.exists, "the worker to reach the inside of routing", killed)
        blocked = int(marker.read_text())
        during = snapshot(ids)  # another connection: the worker's writes are not committed
        returncode = killed.kill()
        after_kill = snapshot(ids)

        # The killed worker routed in a batch (all three claimed, none committed). The fresh one routes one
        # ticket per task, so the blocked ticket is left to the reconciler, the path this scenario is about
        # (with batches, the next task would take it first: tests/dispatch/test_routing_batches.py).
        fresh_env = {**env, "DISPATCH_RECONCILE_AFTER_SECONDS": "0", "DISPATCH_ROUTE_BATCH": "1"}
        fresh = Worker(name="fresh", env=fresh_env, include=HOOK)
        fresh.wait_ready()
        others = [pk for pk in ids if pk != blocked]
        # The other two tickets' tasks were still queued: the fresh worker routes them the normal way.
        wait_for(
            lambda: Ticket.objects.filter(pk__in=others, routed_at__isnull=False).count() == len(others),
            "the fresh worker to route the queued tickets",
            fresh,
        )
        before_reconcile = snapshot([blocked])
        reconcile = celery_app.send_task("dispatch.reconcile_unrouted")
        reconciled = wait_for(lambda: fresh.succeeded(reconcile.id), "the reconciler", fresh)
        # A late redelivery of every route task (acks_late) and a second reconcile must change nothing.
        replays = [celery_app.send_task("dispatch.route_ticket", args=[pk]) for pk in ids]
        replays.append(celery_app.send_task("dispatch.reconcile_unrouted"))
        replayed = [wait_for(lambda r=r: fresh.succeeded(r.id), "a replayed task", fresh) for r in replays]
        final = snapshot(ids)
    finally:
        killed.kill()
        if fresh is not None:
            fresh.stop()
    return {
        "ids": ids,
        "blocked": blocked,
        "killed_returncode": returncode,
        "during": during,
        "after_kill": after_kill,
        "before_reconcile": before_reconcile,
        "reconciled": reconciled,
        "replayed": replayed,
        "final": final,
    }


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    from governance import roles
    from tests.dispatch.conftest import _staff
    from tests.fixtures_governance import zhengzhou_small_build

    small = zhengzhou_small_build()
    operator = _staff("op", roles.OPERATOR, region=small.city)
    workdir = Path(os.environ["VAR_DIR"])
    result = run(operator=operator, workdir=workdir, env=dict(os.environ))
    result["world"] = {
        "zhujian": small.department("zhujian").pk,
        "chengguan": small.department("chengguan").pk,
        "grid": small.micro_grid.pk,
        "grid_worker": small.micro_grid.responsible.user_id,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
