"""Routing speed: tickets routed per second in-process and through one real Celery worker process, in a
quiet community and in a busy one (thousands of open tickets), with where the time goes.

    DATABASE_URL=postgres://… REDIS_URL=redis://… .venv/bin/python bench/route_speed.py [--tickets 400]
        [--busy 3000] [--json]

Uses and changes the database it is given (migrates it, loads the divisions, the grids of 金水区, the
departments, the shipped 派单目录, trains a classifier if none is active; ANALYZEs the tables it bulk-loads);
the tickets it adds are deleted at the end. The worker is `celery -A config worker --pool solo` (one process) consuming the routing queue.

Prints, per community (quiet / busy):
  in-process: ms per ticket (p50, p99) of `ticket_route`, and of its parts (classify, place, decision,
      duplicate check) on the same tickets; CPU ms and statements per ticket of what the routing task
      runs (`ticket_route_with_waiting` per id, batches of DISPATCH_ROUTE_BATCH), load-independent;
  worker: tickets routed per second by one worker process, from the first publish to the last
      `routed_at` (the figure the target of issue 15 is about: ≥ 60/s, stretch 200/s).
Last line (with --json): {"route_per_s_per_worker": …, "route_per_s_busy": …, "in_process_ms_p50": …, …}.

`route_rate_through_worker(ids)` is the function other benches call: it starts one worker, publishes
`dispatch.route_ticket` for the given received tickets and returns tickets per second.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

BIN = Path(sys.executable).parent
QUIET = "金水区文化路街道农大社区"
BUSY = "金水区经八路街道省委社区"
NUMBER_PREFIX = "RS"  # the bench's own tickets (deleted at the end)


def say(text=""):
    print(text, flush=True)


def prepare():
    from governance.models import Department, Grid, Region
    from governance.services.catalogue import catalogue_import, shipped_catalogue_path

    call_command("migrate", verbosity=0)
    if Region.objects.filter(level="district").count() != 15:
        call_command("load_divisions", verbosity=0)
    if not Grid.objects.filter(code__startswith="410105").exists():
        call_command("seed_grids", "--district", "410105", verbosity=0)
    if not Department.objects.exists():
        call_command("seed_departments", verbosity=0, stdout=open(os.devnull, "w"))
    catalogue_import(text=shipped_catalogue_path().read_text(encoding="utf-8"), deactivate_missing=True)
    call_command("train_classifier", "--if-missing", "--no-cv", verbosity=0, stdout=open(os.devnull, "w"))


def texts(n: int, seed: int) -> list[str]:
    from dispatch.management.demo import raw_complaints

    rows = raw_complaints()
    rng = random.Random(seed)
    return [rng.choice(rows)[0][:1000] for _ in range(n)]


def add_tickets(contents: list[str], *, address: str, status: str, community=None, tag: str) -> list[int]:
    """Rows as filing leaves them (or open tickets already handled, for the busy community), in bulk."""
    from dispatch.models import Ticket

    now = timezone.now()
    rows = [
        Ticket(
            number=f"{NUMBER_PREFIX}{tag}{i:07d}",
            content=text,
            address=address,
            status=status,
            community=community,
            created_at=now - (timezone.timedelta(minutes=i % 20000) if community is not None else timezone.timedelta()),
        )
        for i, text in enumerate(contents)
    ]
    created = Ticket.objects.bulk_create(rows, batch_size=2000)
    if community is not None:  # open tickets routed earlier: their duplicate-check sketches, as routing writes them
        from dispatch.duplicates import sketch_bands
        from dispatch.models import TicketSketch

        TicketSketch.objects.bulk_create(
            (
                TicketSketch(ticket_id=t.pk, community=community, band=band, created_at=t.created_at)
                for t in created
                for band in set(sketch_bands(t.content))
            ),
            batch_size=5000,
        )
    return [t.pk for t in created]


def delete_bench_tickets():
    from django.db import connection

    from dispatch.models import Ticket

    ids = list(Ticket.objects.filter(number__startswith=NUMBER_PREFIX).values_list("pk", flat=True))
    with connection.cursor() as cur:
        for table in (
            "dispatch_ticketevent",
            "dispatch_notification",
            "dispatch_ticketassist",
            "dispatch_ticketsketch",
        ):
            cur.execute(f"DELETE FROM {table} WHERE ticket_id = ANY(%s)", [ids])
    Ticket.objects.filter(pk__in=ids).delete()


def ms_stats(values: list[float]) -> tuple[float, float]:
    values = sorted(values)
    return statistics.median(values), values[min(len(values) - 1, int(len(values) * 0.99))]


def in_process(ids: list[int]) -> dict:
    """ms per ticket of the whole route and of its parts (measured on the same tickets, before routing)."""
    from dispatch.models import Ticket
    from dispatch.selectors import duplicate_candidates
    from dispatch.services import ticket_route
    from dispatch.services.routing import _classify_many, _place
    from governance.selectors.routing import routing_decision

    parts: dict[str, list[float]] = {"classify": [], "place": [], "decision": [], "duplicates": [], "route": []}
    for pk in ids:
        ticket = Ticket.objects.get(pk=pk)
        t0 = time.perf_counter()
        (prediction,) = _classify_many([ticket.content])
        t1 = time.perf_counter()
        place = _place(ticket)
        t2 = time.perf_counter()
        if prediction is not None:
            routing_decision(
                text=ticket.content,
                category_probabilities={c.code: float(c.probability) for c in prediction.categories},
                classifier_confident=prediction.auto,
                district=place.get("district"),
                street=place.get("street"),
                site_named=place["site"],
            )
        t3 = time.perf_counter()
        duplicate_candidates(content=ticket.content, community=place.get("community"), exclude_pk=pk)
        t4 = time.perf_counter()
        ticket_route(ticket_id=pk)
        t5 = time.perf_counter()
        for key, dt in zip(parts, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4), strict=True):
            parts[key].append(dt * 1000)
    return {key: ms_stats(values) for key, values in parts.items()}


def as_the_worker(ids: list[int]) -> dict:
    """What the routing task does for each of these ids (`ticket_route_with_waiting`: the first message
    routes a batch, the later ones find their ticket routed), in this process: CPU ms and statements per
    ticket, the figures that do not depend on what else runs on the machine."""
    from django.db import connection

    from dispatch.services.routing import ticket_route_with_waiting

    # Counted by a wrapper, not CaptureQueriesContext: Django's query log keeps the last 9,000 statements
    # of the connection, so the second community's count came out short (2.5 per ticket at --tickets 1000).
    count = [0]

    def counted(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    cpu = time.process_time()
    with connection.execute_wrapper(counted):
        routed = sum(ticket_route_with_waiting(ticket_id=pk) for pk in ids)
    return {
        "cpu_ms": (time.process_time() - cpu) * 1000 / len(ids),
        "statements": count[0] / len(ids),
        "routed": routed,
    }


def analyze():
    """Fresh planner statistics after the bench's bulk inserts (a production database has them; without,
    PostgreSQL plans the community's thousands of open tickets as if there were a handful)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE dispatch_ticket; ANALYZE dispatch_ticketsketch")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def runqueue_seconds(pid: int) -> float:
    """Seconds a process was ready to run but waited for a core (Linux /proc/PID/schedstat): on a loaded
    machine, wall − CPU − this is what the process waited for itself (the database, the broker)."""
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[1]) / 1e9


LAST_WORKER_CPU_MS: list[float] = []  # CPU ms per ticket of the worker process in the last measurement
LAST_WORKER_WAIT: dict = {}  # the last measurement's wall, CPU, runqueue and blocked ms per ticket


def route_rate_through_worker(ids: list[int], *, env: dict | None = None, timeout: float = 900) -> float:
    """Start one worker process (solo pool) on the routing queue, publish `dispatch.route_ticket` for
    `ids` (tickets in `received`) and return tickets per second from the first publish to the last
    routed. The worker is warmed first on one extra ticket (model and indexes loaded)."""
    from config.celery import app
    from dispatch.models import Ticket
    from dispatch.tasks import route_ticket

    app.control.purge()
    proc = subprocess.Popen(
        [str(BIN / "celery"), "-A", "config", "worker", "--pool", "solo", "-Q", "routing"]
        + ["--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"routespeed-{os.getpid()}@%h"]
        + ["--loglevel", "WARNING"],
        cwd=ROOT,
        env={**os.environ, "CELERY_TASK_ALWAYS_EAGER": "0", **(env or {})},
        stdout=subprocess.DEVNULL,
    )
    try:
        warm, rest = ids[0], ids[1:]
        route_ticket.delay(warm)
        deadline = time.monotonic() + 180
        while not Ticket.objects.filter(pk=warm, routed_at__isnull=False).exists():
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("the worker did not route the warm-up ticket")
            time.sleep(0.1)
        start, cpu, queued = time.perf_counter(), cpu_seconds(proc.pid), runqueue_seconds(proc.pid)
        for pk in rest:
            route_ticket.delay(pk)
        deadline = time.monotonic() + timeout
        while Ticket.objects.filter(pk__in=rest, routed_at__isnull=True).exists():
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("routing did not finish")
            time.sleep(0.05)
        elapsed = time.perf_counter() - start
        LAST_WORKER_CPU_MS[:] = [(cpu_seconds(proc.pid) - cpu) * 1000 / len(rest)]
        per = {
            "wall": elapsed * 1000 / len(rest),
            "cpu": LAST_WORKER_CPU_MS[0],
            "runqueue": (runqueue_seconds(proc.pid) - queued) * 1000 / len(rest),
        }
        per["blocked"] = max(0.0, per["wall"] - per["cpu"] - per["runqueue"])
        LAST_WORKER_WAIT.clear()
        LAST_WORKER_WAIT.update(per)
        return len(rest) / elapsed
    finally:
        proc.terminate()
        proc.wait(60)


def sketch_recall() -> tuple[int, int]:
    """Of the constructed pairs (bench/dispatch.py) at or above the strict threshold, how many share a
    sketch band (would be a candidate however many open tickets the community has)."""
    from bench.dispatch import duplicate_pairs
    from dispatch.duplicates import THRESHOLD, similarity, sketch_bands

    dup_pairs, neg_pairs = duplicate_pairs()
    above = [(a, b) for a, b in dup_pairs + neg_pairs if similarity(a, b) >= THRESHOLD]
    found = sum(1 for a, b in above if set(sketch_bands(a)) & set(sketch_bands(b)))
    return found, len(above)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=400, help="tickets routed per measurement")
    parser.add_argument("--busy", type=int, default=3000, help="open tickets in the busy community")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from django.db import connection

    from dispatch.models import Ticket
    from governance.selectors import region_for_address

    prepare()
    delete_bench_tickets()
    say(f"database: {connection.vendor}; load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")
    busy_community = region_for_address(BUSY).community
    add_tickets(texts(args.busy, 1), address=BUSY, status=Ticket.Status.DISPATCHED, community=busy_community, tag="B")
    analyze()
    found, above = sketch_recall()
    say(f"sketch recall: {found} of {above} constructed pairs at or above the strict threshold share a band")
    figures: dict = {}
    try:
        for label, address in (("quiet", QUIET), ("busy", BUSY)):
            say(
                f"\n{label} community ({address}; open tickets there before: "
                f"{Ticket.objects.filter(community=region_for_address(address).community).exclude(status__in=Ticket.FINAL_STATUSES).count()})"
            )
            ids = add_tickets(
                texts(args.tickets, 2), address=address, status=Ticket.Status.RECEIVED, tag=label[0] + "i"
            )
            parts = in_process(ids)
            for key, (p50, p99) in parts.items():
                say(f"   in-process {key:<11} p50 {p50:7.2f} ms   p99 {p99:7.2f} ms")
            ids = add_tickets(
                texts(args.tickets, 4), address=address, status=Ticket.Status.RECEIVED, tag=label[0] + "t"
            )
            task = as_the_worker(ids)
            say(
                f"   in-process as the routing task (batches of {settings.DISPATCH_ROUTE_BATCH}): "
                f"{task['cpu_ms']:.1f} ms CPU, {task['statements']:.1f} statements per ticket"
            )
            ids = add_tickets(
                texts(args.tickets + 1, 3), address=address, status=Ticket.Status.RECEIVED, tag=label[0] + "w"
            )
            rate = route_rate_through_worker(ids)
            cpu_ms = LAST_WORKER_CPU_MS[0]
            say(f"   one worker process: {rate:7.1f} tickets/s routed ({args.tickets} tickets); the worker used")
            say(f"      {cpu_ms:.1f} ms CPU per ticket: {1000 / cpu_ms:.0f} tickets/s per process on a core of its own")
            wait = dict(LAST_WORKER_WAIT)
            say(
                f"      per ticket: wall {wait['wall']:.1f} ms = CPU {wait['cpu']:.1f} + waiting for a core "
                f"{wait['runqueue']:.1f} + blocked (database, broker) {wait['blocked']:.1f}"
            )
            figures[label] = {"parts": parts, "rate": rate, "cpu_ms": cpu_ms, "task": task, "wait": wait}
    finally:
        delete_bench_tickets()
    result = {
        "route_per_s_per_worker": round(figures["quiet"]["rate"], 1),
        "route_per_s_busy": round(figures["busy"]["rate"], 1),
        "busy_open_tickets": args.busy,
        "worker_cpu_ms_per_ticket": round(figures["quiet"]["cpu_ms"], 2),
        "worker_cpu_ms_per_ticket_busy": round(figures["busy"]["cpu_ms"], 2),
        "task_cpu_ms_per_ticket": round(figures["quiet"]["task"]["cpu_ms"], 2),
        "task_cpu_ms_per_ticket_busy": round(figures["busy"]["task"]["cpu_ms"], 2),
        "worker_blocked_ms_per_ticket": round(figures["quiet"]["wait"]["blocked"], 2),
        "worker_blocked_ms_per_ticket_busy": round(figures["busy"]["wait"]["blocked"], 2),
        "worker_runqueue_ms_per_ticket": round(figures["quiet"]["wait"]["runqueue"], 2),
        "statements_per_ticket": round(figures["quiet"]["task"]["statements"], 2),
        "statements_per_ticket_busy": round(figures["busy"]["task"]["statements"], 2),
        "route_batch": settings.DISPATCH_ROUTE_BATCH,
        "in_process_ms_p50": round(figures["quiet"]["parts"]["route"][0], 2),
        "in_process_ms_p50_busy": round(figures["busy"]["parts"]["route"][0], 2),
        "duplicates_ms_p50_busy": round(figures["busy"]["parts"]["duplicates"][0], 2),
        "sketch_recall": round(found / above, 4) if above else None,
        "load": round(os.getloadavg()[0], 2),
    }
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
