"""Scale figures (issue 15), side by side in one run on PostgreSQL + Redis.

Run: `.venv/bin/python bench/scale.py [--json] [--history-days 365] [--open 280000] [--steps 1,2,3,4,5] [--db NAME]`.
Its own database (--db, default grid12345_bench_scale, on the server of BENCH_PG, default postgres://postgres@127.0.0.1:5432)
and drops it at the end (`--keep` keeps it); Redis db 2 (REDIS_URL) for the broker and the cache; a
classifier trained in a temporary folder (steps 2 and 3). Steps 4-5 with a year of history (25.5 M
tickets, 31 GB) take about an hour to build on a busy 2-core machine: build it once with --keep, then
--reuse --steps 4,5 measures again in a minute.

Prints, then as its last line one JSON object:
  1. filing: POST /api/tickets/ (gunicorn, 2 workers, 4 client threads, token auth) next to the same work
     as a raw SQL transaction (number upsert + ticket + created event, psycopg, 4 threads): their ratio;
  2. routing: tickets routed per second by one Celery worker process (`celery -A config worker -c 1`) on
     Redis, from one burst of filings committed together to the last routed;
  3. classify: batch texts/s on one thread and single-call p50/p99 through classifier.services, beside a
     plain jieba + TfidfVectorizer + LinearSVC pipeline trained on the same data in the same run;
  4. statistics: one roll-up run (stats_rollup_recent) for a Beijing-scale minute — 50 touched tickets
     (35 filed, 15 older ones moved) — over --history-days days of 70,000 tickets a day (bulk-inserted
     with INSERT … SELECT generate_series, a created and a routed event each), beside what the previous
     design did for the same minute (recompute the touched days whole);
  5. lists at city scale (--open open tickets across the city's units): a unit's worklist page (first
     page + bounded count) beside the old `lead = X OR EXISTS(assist)` form, and the ticket list's bounded
     count beside an exact COUNT(*).
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DB_NAME = "grid12345_bench_scale"
BEIJING_PER_DAY = 70_000
THREADS = 4


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true", help="(the JSON line is always printed last)")
    parser.add_argument("--history-days", type=int, default=365, help="days of 70,000 tickets behind the minute")
    parser.add_argument("--db", default=DB_NAME, help="the bench database's name (dropped and created unless --reuse)")
    parser.add_argument("--open", type=int, default=280_000, help="open tickets across the city for the lists")
    parser.add_argument("--filings", type=int, default=600, help="API filings (and raw transactions) measured")
    parser.add_argument("--routed", type=int, default=300, help="tickets routed by the worker")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument("--steps", default="1,2,3,4,5", help="which of the five parts to run, e.g. 1 or 4,5")
    parser.add_argument(
        "--reuse", action="store_true", help="measure 4 and 5 again on a database kept by --keep (no set-up, no load)"
    )
    return parser.parse_args()


def create_database(server: str, name: str) -> str:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return f"{server}/{name}"


def drop_database(server: str, name: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def setup_django(args):
    server = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    os.environ["DATABASE_URL"] = f"{server}/{args.db}" if args.reuse else create_database(server, args.db)
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/2")
    os.environ["CLASSIFIER_ARTIFACTS_DIR"] = tempfile.mkdtemp(prefix="bench-scale-models-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    global run_threads, say, start_api
    from bench.dispatch import run_threads, say, start_api  # after setup: that module sets Django up on import

    return server


def timed(fn, *a, **kw):
    started = time.perf_counter()
    result = fn(*a, **kw)
    return time.perf_counter() - started, result


def dsn() -> str:
    from django.db import connection

    db = connection.settings_dict
    out = f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} dbname={db['NAME']} user={db['USER']}"
    return out + (f" password={db['PASSWORD']}" if db.get("PASSWORD") else "")


def prepare(*, model: bool):
    from django.core.management import call_command

    say("setting up: migrate, divisions, grids (金水区), departments, demo accounts, classifier (--no-cv)")
    for command, *extra in (
        ("migrate",),
        ("load_divisions",),
        ("seed_grids", "--district", "410105"),
        ("seed_departments",),
    ):
        call_command(command, *extra, verbosity=0)
    from dispatch.management.demo import demo_accounts

    world = demo_accounts()
    if model:
        seconds, _ = timed(call_command, "train_classifier", "--no-cv", verbosity=0)
        say(f"   classifier trained in {seconds:.0f} s")
    return world


# --- 1. filing ----------------------------------------------------------------------------------------

TEXTS = [
    "金水区文化路街道农大社区农大家属院3号楼楼顶水箱长年不清洗，自来水有霉味。",
    "经八路街道体育社区小区门口占道经营，噪音扰民，晚上十点后仍然很吵。",
    "丰产路上公交站牌损坏多日无人修理，请交通部门尽快处理。",
]


def _ticket_columns(**overrides):
    """Every column of a ticket as Django would write it (a template row), with overrides."""
    from django.db import connection
    from django.utils import timezone

    from dispatch.models import Ticket

    now = timezone.now()
    row = Ticket(number="", content="", created_at=now, updated_at=now)
    out = {}
    for f in Ticket._meta.concrete_fields:
        if f.primary_key:
            continue
        out[f.column] = f.get_db_prep_save(getattr(row, f.attname), connection)
    out.update(overrides)
    return out


def raw_filing_txn_per_second(total: int) -> float:
    """The filing's own work as plain SQL: number upsert, ticket row, created event, one transaction."""
    import psycopg
    from django.utils import timezone

    local = threading.local()
    day = timezone.localdate()
    base = _ticket_columns()
    columns = list(base)

    def work(i):
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = psycopg.connect(dsn())
        now = timezone.now()
        with conn.transaction():
            seq = conn.execute(
                "INSERT INTO dispatch_ticketnumbercounter (day, last) VALUES (%s, 1) ON CONFLICT (day)"
                " DO UPDATE SET last = dispatch_ticketnumbercounter.last + 1 RETURNING last",
                [day],
            ).fetchone()[0]
            values = {**base, "number": f"RAW{day:%Y%m%d}{seq:07d}", "content": TEXTS[i % 3], "created_at": now}
            values["updated_at"] = now
            ticket_id = conn.execute(
                f"INSERT INTO dispatch_ticket ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
                " RETURNING id",
                [values[c] for c in columns],
            ).fetchone()[0]
            conn.execute(
                "INSERT INTO dispatch_ticketevent (ticket_id, action, from_status, to_status, actor_label, reason,"
                " data, created_at) VALUES (%s, 'created', '', 'received', 'operator', '', '{}'::jsonb, %s)",
                [ticket_id, now],
            )

    for i in range(20):
        work(i)
    return total / run_threads(total, work)


def api_filings_per_second(token: str, total: int) -> float:
    env = {**os.environ, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1", "API_THROTTLE_ENABLED": "0"}
    proc, url = start_api(token, env)
    try:

        def work(i):
            body = json.dumps({"content": TEXTS[i % 3], "address": "金水区", "caller_phone": f"138{i:08d}"}).encode()
            headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
            with urllib.request.urlopen(
                urllib.request.Request(url, data=body, method="POST", headers=headers), timeout=30
            ) as r:
                if r.status != 201:
                    raise RuntimeError(r.status)

        for i in range(40):  # warm both workers (imports, connections, the per-process caches)
            work(900_000 + i)
        return total / run_threads(total, work)
    finally:
        proc.terminate()
        proc.wait(20)


# --- 2. routing through one worker --------------------------------------------------------------------


def route_per_second(operator, total: int) -> float:
    from django.db import transaction

    from config.celery import app
    from dispatch.management.demo import raw_complaints
    from dispatch.models import Ticket
    from dispatch.services import ticket_create

    app.control.purge()
    proc = subprocess.Popen(
        [
            str(BIN / "celery"),
            "-A",
            "config",
            "worker",
            "-c",
            "1",
            "-Q",
            "routing",  # dispatch.route_ticket's queue (CELERY_TASK_ROUTES)
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"bench-scale-{os.getpid()}@%h",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env={**os.environ, "CELERY_TASK_ALWAYS_EAGER": "0"},
        stdout=subprocess.DEVNULL,
    )
    try:
        warm = ticket_create(
            by=operator, content="金水区文化路街道农大社区路灯不亮", address="金水区文化路街道农大社区"
        )
        deadline = time.monotonic() + 180
        while not Ticket.objects.filter(pk=warm.pk, routed_at__isnull=False).exists():
            if time.monotonic() > deadline:
                raise RuntimeError("the worker did not route the warm-up ticket")
            time.sleep(0.2)
        texts = [t for t, _ in random.Random(7).sample(raw_complaints(), total)]
        with transaction.atomic():  # one burst: every routing task is published at commit
            ids = [ticket_create(by=operator, content=t[:1000], address="金水区文化路街道").pk for t in texts]
        started = time.perf_counter()
        deadline = time.monotonic() + 900
        while Ticket.objects.filter(pk__in=ids, routed_at__isnull=True).exists():
            if time.monotonic() > deadline:
                raise RuntimeError("routing did not finish in 15 minutes")
            time.sleep(0.05)
        return total / (time.perf_counter() - started)
    finally:
        proc.terminate()
        proc.wait(60)


# --- 3. classify ----------------------------------------------------------------------------------------


def _speed(predict, batch: list[str]) -> tuple[float, float, float]:
    """Best of three passes in batches of 500 (texts/s), and single-call p50/p99 (ms) over 1,000 texts."""
    import numpy as np

    rates = []
    for _ in range(3):
        seconds, _ = timed(lambda: [predict(batch[i : i + 500]) for i in range(0, len(batch), 500)])
        rates.append(len(batch) / seconds)
    latencies = [timed(predict, [t])[0] * 1000 for t in batch[:1000]]
    p50, p99 = np.percentile(latencies, [50, 99])
    return max(rates), float(p50), float(p99)


def classify_figures() -> dict:
    import jieba
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    from classifier import services, training
    from dispatch.services.intake import CONTENT_MAX

    examples = training.examples_from_csv(training.training_csv_path())
    texts = [e.text for e in examples]
    labels = [e.label for e in examples]
    rng = random.Random(3)
    # What a ticket can hold: filing refuses content past CONTENT_MAX (2,000) characters, and 2.6 % of the
    # training rows are longer (up to 10,000+): uncut, they alone made the single-call p99.
    batch = [rng.choice(texts)[:CONTENT_MAX] for _ in range(1500)]
    services.classify_many(batch[:50])  # load the model
    rate, p50, p99 = _speed(services.classify_many, batch)

    jieba.initialize()
    baseline = make_pipeline(TfidfVectorizer(tokenizer=jieba.lcut, token_pattern=None, sublinear_tf=True), LinearSVC())
    fit_seconds, _ = timed(baseline.fit, texts, labels)
    base_rate, _, base_p99 = _speed(baseline.predict, batch)
    return {
        "classify_batch_per_s": round(rate, 1),
        "baseline_batch_per_s": round(base_rate, 1),
        "classify_p50_ms": round(p50, 2),
        "classify_p99_ms": round(p99, 2),
        "baseline_p99_ms": round(base_p99, 2),
        "baseline_fit_s": round(fit_seconds, 1),
    }


# --- 4. statistics over a Beijing-scale history ----------------------------------------------------------


CATEGORIES = ["城乡建设", "交通运输", "市场监管", "生态环境", "教育", "卫生健康", "公安", "人力资源", "民政", "水务",
              "城市管理", "住房保障"]  # fmt: skip
# What the load writes, in this order (the tables the roll-up reads; their indexes are rebuilt after).
HISTORY_TABLES = ("dispatch_ticket", "dispatch_ticketevent", "dispatch_ticketassist")


def _secondary_indexes(cur, tables) -> list[tuple[str, str]]:
    """(what drops it, what rebuilds it) for every index of `tables` but the primary keys."""
    cur.execute(
        "SELECT i.indrelid::regclass::text, i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid),"
        " c.conname, pg_get_constraintdef(c.oid) FROM pg_index i LEFT JOIN pg_constraint c"
        " ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid AND c.contype IN ('u', 'x')"
        " WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary",
        [list(tables)],
    )
    out = []
    for table, index, indexdef, constraint, condef in cur.fetchall():
        if constraint:
            out.append((f"ALTER TABLE {table} DROP CONSTRAINT {constraint}",
                        f"ALTER TABLE {table} ADD CONSTRAINT {constraint} {condef}"))  # fmt: skip
        else:
            out.append((f"DROP INDEX {index}", indexdef))
    return out


def load_history(days: int, open_tickets: int) -> dict:
    """`days` × 70,000 tickets filed before today (the last `open_tickets` still open), each with a created
    and a routed event, a ninth with an assisting unit: INSERT … SELECT generate_series with Django's
    column values, in 500,000-row statements, as a bulk load is done — the secondary indexes dropped and
    rebuilt after (one sort each instead of 25 million random inserts), foreign-key triggers off for the
    load's session only (the rows reference existing streets and units by construction)."""
    from django.db import connection
    from django.utils import timezone

    from governance.models import Department, Region

    streets = list(Region.objects.filter(level="street").values_list("code", "parent_id"))
    units = list(Department.objects.filter(is_active=True).values_list("pk", flat=True))
    total = days * BEIJING_PER_DAY
    start = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0) - timezone.timedelta(days=days)
    base = _ticket_columns()
    at = "%(start)s::timestamptz + (g * (86400.0 / %(per_day)s) + {}) * interval '1 second'"
    # A ticket's street, category and unit are related as the 派单目录 relates them: the unit follows the
    # street and the category; one in 11 was first sent elsewhere, one in 9 the AI put in another category.
    street = "g %% %(n_streets)s"
    category = "(g / %(n_streets)s) %% %(n_cat)s"
    unit = f"(({street}) * 7 + {category})"
    is_open = f"g > {total - open_tickets}"
    varying = {
        "number": "'BJ' || lpad(g::text, 9, '0')",
        "content": "'历史诉求 ' || g",
        "created_at": at.format(0),
        "updated_at": at.format(0),
        "routed_at": at.format(40),
        "dispatched_at": at.format(40),
        "sign_due": at.format(7200),
        "signed_at": at.format("(1800 + (g %% 17) * 400)"),
        "street_id": f"(%(streets)s::text[])[1 + {street}]",
        "district_id": f"(%(districts)s::text[])[1 + {street}]",
        "lead_department_id": f"(%(units)s::bigint[])[1 + {unit} %% %(n_units)s]",
        "first_lead_department_id": f"(%(units)s::bigint[])[1 + ({unit} + (g %% 11 = 0)::int) %% %(n_units)s]",
        "category_code": f"(%(categories)s::text[])[1 + {category}]",
        "ai_category": f"(%(categories)s::text[])[1 + ({category} + (g %% 9 = 0)::int) %% %(n_cat)s]",
        "dispatch_source": "'ai'",
        "status": f"CASE WHEN {is_open} THEN (ARRAY['dispatched','handling','handling','replied'])[1 + g %% 4]"
        " ELSE 'closed' END",
        "closed_at": f"CASE WHEN {is_open} THEN NULL ELSE {at.format('86400 * (1 + g %% 5)')} END",
        "sla_light": "(ARRAY['green','green','green','yellow','red'])[1 + g %% 5]",
        "satisfaction": f"CASE WHEN {is_open} THEN '' ELSE (ARRAY['satisfied','basic','unsatisfied',''])[1 + g %% 4] END",
        "return_count": "(g %% 13 = 0)::int",
        "reopen_count": "(g %% 29 = 0)::int",
        "sla_due": at.format("86400 * 3"),
    }
    params = {
        "start": start,
        "per_day": BEIJING_PER_DAY,
        "streets": [s for s, _ in streets],
        "districts": [d for _, d in streets],
        "n_streets": len(streets),
        "units": units,
        "n_units": len(units),
        "categories": CATEGORIES,
        "n_cat": len(CATEGORIES),
    }
    columns = list(base)
    exprs = []
    for column in columns:
        if column in varying:
            exprs.append(varying[column])
        else:
            key = f"c_{column}"
            params[key] = base[column]
            exprs.append(f"%({key})s")
    select = ", ".join(exprs)
    chunk = 500_000
    phases = {}
    with connection.cursor() as cur:
        started = time.perf_counter()
        cur.execute("SET session_replication_role = replica")  # no FK triggers in this session's load
        cur.execute("SET maintenance_work_mem = '1GB'")
        cur.execute("SET synchronous_commit = off")
        indexes = _secondary_indexes(cur, HISTORY_TABLES)
        for drop, _ in indexes:
            cur.execute(drop)
        for first in range(1, total + 1, chunk):
            last = min(total, first + chunk - 1)
            cur.execute(
                f"INSERT INTO dispatch_ticket ({', '.join(columns)}) SELECT {select}"
                f" FROM generate_series({first}, {last}) g",
                params,
            )
            if (last // chunk) % 10 == 0 or last == total:
                say(f"   tickets: {last:,} of {total:,} ({time.perf_counter() - started:.0f} s)")
        cur.execute("SELECT min(id), max(id) FROM dispatch_ticket WHERE number LIKE 'BJ%%'")
        low, high = cur.fetchone()
        phases["tickets_s"] = time.perf_counter() - started
        for first in range(low, high + 1, 2 * chunk):
            for sql in (
                "'created', '', 'received', 'operator', '', '{}'::jsonb, created_at",
                "'routed', 'received', 'dispatched', '系统', '', jsonb_build_object('auto', id %% 3 <> 0),"
                " created_at + interval '40 seconds'",
            ):
                cur.execute(
                    "INSERT INTO dispatch_ticketevent (ticket_id, action, from_status, to_status, actor_label, reason,"
                    f" data, created_at) SELECT id, {sql} FROM dispatch_ticket WHERE id BETWEEN %s AND %s",
                    [first, min(high, first + 2 * chunk - 1)],
                )
        cur.execute(
            "INSERT INTO dispatch_ticketassist (ticket_id, department_id, source, added_at)"
            " SELECT id, lead_department_id + 1, 'catalogue', created_at FROM dispatch_ticket"
            " WHERE id BETWEEN %s AND %s AND id %% 9 = 0 AND lead_department_id + 1 IN (SELECT id FROM governance_department)",
            [low, high],
        )
        phases["events_s"] = time.perf_counter() - started - phases["tickets_s"]
        say(f"   rows in {time.perf_counter() - started:.0f} s; rebuilding {len(indexes)} indexes")
        for _, create in indexes:
            cur.execute(create)
        phases["indexes_s"] = time.perf_counter() - started - phases["tickets_s"] - phases["events_s"]
        cur.execute("SET session_replication_role = DEFAULT")
        cur.execute(f"VACUUM (ANALYZE) {', '.join(HISTORY_TABLES)}")
        phases["vacuum_s"] = time.perf_counter() - started - sum(phases.values())
    return {"history_tickets": total, **{f"history_{k}": round(v) for k, v in phases.items()}}


SIZED_TABLES = HISTORY_TABLES + ("dispatch_ticketstatsnapshot", "dispatch_dailyticketstat",
                                 "dispatch_monthlyticketstat", "dispatch_dailydistrictvolume")  # fmt: skip


def table_sizes() -> dict:
    """Rows (the planner's estimate after ANALYZE), table and index bytes of what a year of history fills."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(f"ANALYZE {', '.join(SIZED_TABLES[3:])}")
        cur.execute(
            "SELECT relname, reltuples::bigint, pg_table_size(oid), pg_indexes_size(oid) FROM pg_class"
            " WHERE relname = ANY(%s) ORDER BY relname",
            [list(SIZED_TABLES)],
        )
        return {name: {"rows": rows, "table_mb": t // 2**20, "indexes_mb": i // 2**20} for name, rows, t, i in cur}


def rollup_minute(operator) -> dict:
    """One roll-up run after a Beijing minute: 35 tickets filed, 15 older ones moved (an event each)."""
    from django.db import transaction
    from django.utils import timezone

    from dispatch.actors import SYSTEM
    from dispatch.models import StatsRollupState, Ticket
    from dispatch.services import core, stats

    backlog_s, backlog = timed(stats.stats_rollup_recent, budget_seconds=6 * 3600)
    say(f"   backlog (first run: every day whole, set-based): {len(backlog)} days in {backlog_s:.0f} s")
    assert StatsRollupState.objects.get().watermark is not None
    stats.stats_rollup_recent()  # what the backlog's own minute left
    with transaction.atomic():
        for i in range(35):
            Ticket.objects.create(
                number=f"MIN{os.getpid()}-{i:03d}", content=TEXTS[i % 3], created_at=timezone.now(), created_by=operator
            )
    older = list(
        Ticket.objects.filter(number__startswith="BJ", status="closed").order_by("?").values_list("pk", flat=True)[:15]
    )
    for pk in older:
        with transaction.atomic():
            ticket = Ticket.objects.select_for_update().get(pk=pk)
            ticket.satisfaction = Ticket.Satisfaction.UNSATISFIED
            ticket.save(update_fields=["satisfaction", "updated_at"])
            core.write_event(ticket=ticket, actor=SYSTEM, action="called_back", data={})
    incremental_s, days = timed(stats.stats_rollup_recent)
    # What the previous design did for the same minute: recompute every touched filing day whole. One
    # full day (yesterday, 70,000 tickets) is timed and multiplied: all of them take as long as the backlog.
    one_day_s, _ = timed(stats.stats_rollup_days, days=[max(days) - timezone.timedelta(days=1)])
    return {
        "rollup_backlog_days": len(backlog),
        "rollup_backlog_s": round(backlog_s),
        "rollup_s_beijing_minute": round(incremental_s, 3),
        "rollup_full_days_s": round(one_day_s * len(days), 1),
        "rollup_one_day_s": round(one_day_s, 2),
        "days": len(days),
    }


# --- 5. lists at city scale ------------------------------------------------------------------------------


def list_figures() -> dict:
    from django.contrib.auth.models import Group, User
    from django.db.models import Count

    from common.pagination import bounded_count
    from dispatch import selectors
    from dispatch.models import Ticket
    from dispatch.selectors.tickets import WORKLIST_STATUSES
    from governance import roles
    from governance.models import Department, StaffProfile

    busiest = (
        Ticket.objects.filter(status__in=WORKLIST_STATUSES)
        .values("lead_department")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    unit = Department.objects.get(pk=busiest["lead_department"])
    user = User.objects.create_user("bench_unit_staff")
    user.groups.add(Group.objects.get_or_create(name=roles.DEPARTMENT_STAFF)[0])
    StaffProfile.objects.create(user=user, department=unit)
    user = User.objects.get(pk=user.pk)

    def page(qs):
        rows = list(qs[:50])
        return bounded_count(qs), len(rows)

    def best(fn, n=5):
        return min(timed(fn)[0] for _ in range(n)) * 1000

    worklist = selectors.worklist_for_user(user)
    old = (
        selectors.ticket_list_for_user(user).filter(status__in=WORKLIST_STATUSES).order_by("-priority", "sla_due", "id")
    )
    dispatcher = User.objects.get(username="dispatcher")
    everything = selectors.ticket_list_for_user(dispatcher)
    return {
        "worklist_ms_at_city_scale": round(best(lambda: page(worklist)), 1),
        "worklist_old_or_ms": round(best(lambda: page(old)), 1),
        "worklist_unit_open": busiest["n"],
        "ticket_list_bounded_count_ms": round(best(lambda: bounded_count(everything)), 1),
        "ticket_list_exact_count_ms": round(best(lambda: everything.count(), 3), 1),
    }


def main():
    args = parse_args()
    server = setup_django(args)
    from django.conf import settings
    from django.db import connection
    from rest_framework.authtoken.models import Token

    figures = {"load_before": os.getloadavg()[0]}
    try:
        if connection.vendor != "postgresql" or not settings.REDIS_URL:
            sys.exit("bench/scale.py needs PostgreSQL (BENCH_PG) and Redis (REDIS_URL)")
        say(f"scale bench on {args.db} (PostgreSQL), Redis {settings.REDIS_URL}, load {figures['load_before']:.1f}")
        steps = {int(x) for x in args.steps.split(",")}
        if args.reuse:
            from dispatch.management.demo import demo_accounts

            world, steps = demo_accounts(), steps & {4, 5}
        else:
            world = prepare(model=bool(steps & {2, 3}))
        operator = world.users["operator"]
        token, _ = Token.objects.get_or_create(user=operator)

        if 1 in steps:
            say("1. filing")
            raw = raw_filing_txn_per_second(args.filings)
            api = api_filings_per_second(token.key, args.filings)
            figures.update(
                raw_filing_txn_per_s=round(raw, 1), filing_api_per_s=round(api, 1), filing_ratio=round(api / raw, 3)
            )
            say(
                f"   raw filing transaction (4 threads): {raw:7.0f}/s;  POST /api/tickets/ (gunicorn 2 × 4 threads): {api:7.0f}/s"
            )
            say(f"   ratio API / raw: {api / raw:.3f} (target ≥ 0.25, stretch 0.5)")
            from config.celery import app
            from dispatch.models import Ticket

            app.control.purge()
            # Step 1's tickets are still waiting to be routed; routing claims waiting tickets in batches, so
            # left there they would be routed inside step 2's window without being counted (29.9/s measured
            # for 300 counted tickets while the worker routed some 1,500). They are this bench's own data:
            # set aside (a routed_at makes them no longer waiting; their messages were purged).
            from django.utils import timezone

            Ticket.objects.filter(routed_at__isnull=True).update(routed_at=timezone.now())

        if 2 in steps:
            say("2. routing, one worker process on Redis")
            route = route_per_second(operator, args.routed)
            figures["route_per_s_per_worker"] = round(route, 1)
            say(f"   {route:.1f} tickets routed/s over {args.routed} tickets (target ≥ 60, stretch 200)")

        if 3 in steps:
            say("3. classify")
            figures.update(classify_figures())
            say(
                f"   batch {figures['classify_batch_per_s']:.0f} texts/s vs baseline {figures['baseline_batch_per_s']:.0f}"
                f" (ratio {figures['classify_batch_per_s'] / figures['baseline_batch_per_s']:.2f}); single p50"
                f" {figures['classify_p50_ms']} ms, p99 {figures['classify_p99_ms']} ms (baseline p99 {figures['baseline_p99_ms']} ms)"
            )
            figures["classify_vs_baseline"] = round(
                figures["classify_batch_per_s"] / figures["baseline_batch_per_s"], 3
            )

        if steps & {4, 5} and not args.reuse:
            say(f"4. statistics: {args.history_days} days × {BEIJING_PER_DAY:,} tickets, {args.open:,} of them open")
            seconds, loaded = timed(load_history, args.history_days, args.open)
            figures.update(loaded, history_load_s=round(seconds))
            total = loaded["history_tickets"]
            say(f"   history loaded: {total:,} tickets, {2 * total:,} events in {seconds:.0f} s ({loaded})")
        if 4 in steps:
            figures.update(rollup_minute(operator))
            figures["sizes"] = table_sizes()
            for name, size in figures["sizes"].items():
                say(
                    f"   {name}: {size['rows']:,} rows, table {size['table_mb']:,} MB, indexes {size['indexes_mb']:,} MB"
                )
            say(
                f"   one run after a Beijing minute (50 touched tickets): {figures['rollup_s_beijing_minute']:.3f} s"
                f" (target ≤ 2 s); the previous design recomputed the {figures.pop('days')} touched day(s) whole:"
                f" {figures['rollup_one_day_s']:.1f} s a day, {figures['rollup_full_days_s']:.0f} s"
            )

        if 5 in steps:
            say("5. lists at city scale")
            figures.update(list_figures())
            say(
                f"   worklist of the busiest unit ({figures['worklist_unit_open']:,} open): {figures['worklist_ms_at_city_scale']} ms"
                f" (lead = X OR EXISTS(assist): {figures['worklist_old_or_ms']} ms)"
            )
            say(
                f"   ticket list count: bounded {figures['ticket_list_bounded_count_ms']} ms, exact COUNT(*)"
                f" {figures['ticket_list_exact_count_ms']} ms"
            )
    finally:
        figures["load_after"] = os.getloadavg()[0]
        if not (args.keep or args.reuse):
            drop_database(server, args.db)
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
