"""A broker outage with a real worker, in a process of its own (used by test_broker_outage.py and
bench/faults.py).

This process plays the web: it migrates the database named by DATABASE_URL, builds the small real world,
starts its own `redis-server` on the port of REDIS_URL (never the machine's), starts `celery -A config
worker` on both, and then:
  1. files OUTAGE_BEFORE tickets and waits for the worker to route them;
  2. stops Redis (no persistence: it comes back empty), keeps it down OUTAGE_SECONDS while filing
     OUTAGE_DURING tickets (each must be 201);
  3. starts Redis again on the same port and files OUTAGE_AFTER tickets, which the worker must route (the
     first of their tasks routes the waiting tickets filed during the outage with its own, in a batch);
  4. sends the reconciler task (what beat does every minute), which routes whatever is still unrouted.
Prints one JSON line: counts (filed, routed, lost, doubled), the worker's survival, the publish counters
and the filing times during the outage.
"""

import itertools
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DISPATCH_RECONCILE_AFTER_SECONDS", "0")  # the reconciler takes every unrouted ticket

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db.models import Count  # noqa: E402


def wait_for(predicate, timeout: float, worker) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        if worker.proc.poll() is not None:
            return False
        time.sleep(0.2)
    return False


def main() -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    from rest_framework.test import APIClient

    from config.celery import app
    from dispatch.models import Ticket, TicketEvent
    from dispatch.publishing import broker_state
    from governance import roles
    from tests.dispatch.celery_worker import Worker
    from tests.dispatch.conftest import ADDRESS, CONTENT, _staff
    from tests.fixtures_governance import zhengzhou_small_build
    from tests.servers import RedisServer

    before, during, after = (
        int(os.environ.get(f"OUTAGE_{k}", d)) for k, d in [("BEFORE", 3), ("DURING", 5), ("AFTER", 3)]
    )
    outage_seconds = float(os.environ.get("OUTAGE_SECONDS", "8"))
    port = int(settings.REDIS_URL.rsplit(":", 1)[1].split("/")[0])
    redis = RedisServer(Path(os.environ["VAR_DIR"]) / "redis", port=port).start()

    small = zhengzhou_small_build()
    operator = _staff("op", roles.OPERATOR, region=small.city)
    client = APIClient()
    client.force_authenticate(operator)

    serial = itertools.count(1)

    def file(n: int) -> tuple[list[int], list[int], list[float]]:
        ids, codes, seconds = [], [], []
        for _ in range(n):
            started = time.perf_counter()
            response = client.post(
                "/api/tickets/", {"content": f"{CONTENT}（第{next(serial)}次反映）", "address": ADDRESS}, format="json"
            )
            seconds.append(time.perf_counter() - started)
            codes.append(response.status_code)
            if response.status_code == 201:
                ids.append(response.data["id"])
        return ids, codes, seconds

    def routed(ids: list[int]) -> int:
        return Ticket.objects.filter(pk__in=ids, routed_at__isnull=False).count()

    worker = Worker(name="outage", env=dict(os.environ), loglevel="INFO")
    result = {}
    try:
        worker.wait_ready()
        pid = worker.proc.pid
        first, codes_before, _ = file(before)
        result["routed_before_outage"] = wait_for(lambda: routed(first) == before, 120, worker) and routed(first)

        redis.stop()
        outage_started = time.monotonic()
        state0 = broker_state()
        middle, codes_during, seconds_during = file(during)
        state1 = broker_state()
        time.sleep(max(0.0, outage_seconds - (time.monotonic() - outage_started)))
        result["worker_alive_during_outage"] = worker.proc.poll() is None
        redis.start()

        time.sleep(settings.DISPATCH_BROKER_DOWN_SECONDS + 0.5)  # the web's "broker is down" memory runs out
        last, codes_after, _ = file(after)
        result["routed_after_restart_by_worker"] = wait_for(lambda: routed(last) == after, 120, worker) and routed(last)
        result["routed_during_before_reconcile"] = routed(middle)

        app.send_task("dispatch.reconcile_unrouted")  # what beat sends every minute
        everything = first + middle + last
        wait_for(lambda: routed(everything) == len(everything), 120, worker)

        doubled = (
            TicketEvent.objects.filter(ticket_id__in=everything, action="routed")
            .values("ticket_id")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
            .count()
        )
        result.update(
            codes=codes_before + codes_during + codes_after,
            filed=len(everything),
            routed=routed(everything),
            lost=len(everything) - routed(everything),
            doubled=doubled,
            worker_alive=worker.proc.poll() is None,
            worker_same_process=worker.proc.pid == pid,
            unrecoverable_logged=any("Unrecoverable error" in line for line in worker.log),
            publish_attempts_during_outage=state1.attempts - state0.attempts,
            publish_skipped_during_outage=state1.skipped - state0.skipped,
            filing_seconds_during_outage=[round(s, 4) for s in seconds_during],
            worker_log_tail="".join(worker.log[-15:]) if worker.proc.poll() is not None else "",
        )
    finally:
        worker.stop()
        redis.stop()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
