"""Dispatch figures. Needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL); loopback only,
bounded loops. Run: `.venv/bin/python bench/dispatch.py` (uses and changes the database it is given;
`--steps 3` runs only the sweep, `--keep` keeps its million tickets for the next run and resets them).

Prints:
  1. tickets filed per second through the API (gunicorn, 2 workers) next to raw single-row inserts per
     second on the same database, and their ratio;
  2. end-to-end file → routed (dispatched or queued for a person) per second with one Celery worker;
  3. the time of one SLA sweep over 1,000,000 open tickets (target < 1 s);
  4. duplicate detection on a constructed set: false merges and misses per threshold.
"""

import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

THREADS = 4
API_REQUESTS = 800
RAW_INSERTS = 2000
E2E_TICKETS = 200
SWEEP_ROWS = 1_000_000
BIN = Path(sys.executable).parent


def say(text=""):
    print(text, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare():
    from governance.models import Department, Grid, Region

    call_command("migrate", verbosity=0)
    if not Region.objects.exists():
        call_command("load_divisions", verbosity=0)
    if not Grid.objects.filter(code__startswith="410105").exists():
        call_command("seed_grids", "--district", "410105", verbosity=0)
    if not Department.objects.exists():
        call_command("seed_departments", verbosity=0)
    from dispatch.management.demo import demo_accounts

    return demo_accounts()


def truncate_tickets():
    with connection.cursor() as cur:
        cur.execute(
            "TRUNCATE dispatch_ticketevent, dispatch_notification, dispatch_ticketassist, dispatch_ticketcaller,"
            " dispatch_phoneaccesslog, dispatch_ticket, dispatch_ticketnumbercounter RESTART IDENTITY CASCADE"
        )


def run_threads(total: int, worker) -> float:
    """Run `worker(i)` for i in range(total) on THREADS threads; return the elapsed seconds."""
    counter = iter(range(total))
    lock = threading.Lock()
    errors = []

    def loop():
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            try:
                worker(i)
            except Exception as exc:  # a failed request is reported, not hidden
                errors.append(repr(exc))

    threads = [threading.Thread(target=loop) for _ in range(THREADS)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if errors:
        say(f"   {len(errors)} errors, first: {errors[0]}")
    return elapsed


# --- 1. API filing vs raw inserts ------------------------------------------------------------------------


def raw_inserts_per_second() -> float:
    import psycopg

    db = connection.settings_dict
    dsn = f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} dbname={db['NAME']} user={db['USER']}"
    if db.get("PASSWORD"):
        dsn += f" password={db['PASSWORD']}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            "DROP TABLE IF EXISTS bench_raw_insert;"
            " CREATE TABLE bench_raw_insert (id bigserial primary key, number text, content text, created_at timestamptz)"
        )
    local = threading.local()

    def insert(i):
        if not hasattr(local, "conn"):
            local.conn = psycopg.connect(dsn, autocommit=True)
        local.conn.execute(
            "INSERT INTO bench_raw_insert (number, content, created_at) VALUES (%s, %s, now())",
            (f"R{i:08d}", "小区楼顶水箱长年不清洗，自来水有霉味"),
        )

    elapsed = run_threads(RAW_INSERTS, insert)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("DROP TABLE bench_raw_insert")
    return RAW_INSERTS / elapsed


def start_api(token: str, env: dict, *, tries: int = 150) -> tuple[subprocess.Popen, str]:
    """gunicorn (2 workers) on a free port with `env`, once GET /api/tickets/ answers `token` (or after
    `tries` × 0.2 s); returns the process and the filing URL. The caller terminates the process."""
    port = free_port()
    command = [str(BIN / "gunicorn"), "config.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"]
    proc = subprocess.Popen([*command, "--log-level", "warning"], cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}/api/tickets/"
    for _ in range(tries):
        try:
            urllib.request.urlopen(urllib.request.Request(url, headers={"Authorization": f"Token {token}"}), timeout=2)
            break
        except Exception:
            time.sleep(0.2)
    return proc, url


def api_filings_per_second(token: str) -> float:
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "bench-only", "ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "WARNING"}
    proc, url = start_api(token, env, tries=100)
    try:
        texts = [
            "金水区文化路街道农大社区农大家属院3号楼楼顶水箱长年不清洗，自来水有霉味。",
            "经八路街道体育社区小区门口占道经营，噪音扰民，晚上十点后仍然很吵。",
            "丰产路上公交站牌损坏多日无人修理，请交通部门尽快处理。",
        ]

        def file(i):
            body = json.dumps(
                {"content": texts[i % 3], "address": "金水区", "caller_phone": f"138{i:08d}", "caller_name": "测试"}
            ).encode()
            req = urllib.request.Request(
                url,
                data=body,
                method="POST",
                headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
            )
            with urllib.request.urlopen(req, timeout=30) as resp:
                if resp.status != 201:
                    raise RuntimeError(resp.status)

        for i in range(20):  # warm both workers (imports, connections)
            file(100000 + i)
        elapsed = run_threads(API_REQUESTS, file)
        return API_REQUESTS / elapsed
    finally:
        proc.terminate()
        proc.wait(20)


# --- 2. file → routed with one worker ----------------------------------------------------------------------


def end_to_end_per_second(operator) -> tuple[float, dict]:
    from config.celery import app
    from dispatch.models import Ticket
    from dispatch.services import ticket_create

    app.control.purge()
    proc = subprocess.Popen(
        [
            str(BIN / "celery"),
            "-A",
            "config",
            "worker",
            "--concurrency",
            "1",
            "--pool",
            "solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"bench-{os.getpid()}@%h",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env={**os.environ, "CELERY_TASK_ALWAYS_EAGER": "0"},
        stdout=subprocess.DEVNULL,  # the start-up banner; errors still go to stderr
    )
    try:
        # Warm-up: one ticket routed (model and address index loaded in the worker).
        warm = ticket_create(
            by=operator, content="金水区文化路街道农大社区路灯不亮", address="金水区文化路街道农大社区"
        )
        deadline = time.monotonic() + 120
        while not Ticket.objects.filter(pk=warm.pk, routed_at__isnull=False).exists():
            if time.monotonic() > deadline:
                raise RuntimeError("worker did not route the warm-up ticket")
            time.sleep(0.2)
        from dispatch.management.demo import raw_complaints

        rng = random.Random(7)
        texts = [t for t, _ in rng.sample(raw_complaints(), E2E_TICKETS)]
        start = time.perf_counter()
        ids = [ticket_create(by=operator, content=text[:1000], address="金水区文化路街道农大社区").pk for text in texts]
        deadline = time.monotonic() + 600
        while Ticket.objects.filter(pk__in=ids, routed_at__isnull=True).exists():
            if time.monotonic() > deadline:
                raise RuntimeError("routing did not finish in 10 minutes")
            time.sleep(0.1)
        elapsed = time.perf_counter() - start
        outcome = dict(Ticket.objects.filter(pk__in=ids).values_list("status").annotate(n=django.db.models.Count("id")))
        return E2E_TICKETS / elapsed, outcome
    finally:
        proc.terminate()
        proc.wait(30)


# --- 3. the SLA sweep over a million open tickets ----------------------------------------------------------


def load_open_tickets(lead_id: int, district: str, rows: int) -> float:
    """Bulk-load `rows` open tickets with generate_series: 1 % overdue, 2 % past their yellow point."""
    from dispatch.models import Ticket

    overrides = {
        "number": "'BZ' || lpad(g::text, 14, '0')",
        "content": "'批量压测工单'",
        "status": "'handling'",
        "lead_department_id": str(lead_id),
        "first_lead_department_id": str(lead_id),
        "district_id": f"'{district}'",
        "created_at": "now() - interval '2 days'",
        "updated_at": "now()",
        "signed_at": "now() - interval '1 day'",
        # mod(g, 100) = 0 → overdue; g % 100 in (1, 2) → in the yellow band; the rest well within time
        "sla_due": "CASE WHEN mod(g, 100) = 0 THEN now() - interval '1 hour' "
        "WHEN mod(g, 100) IN (1, 2) THEN now() + interval '2 hours' ELSE now() + interval '3 days' END",
        "sla_warn_at": "CASE WHEN mod(g, 100) = 0 THEN now() - interval '5 hours' "
        "WHEN mod(g, 100) IN (1, 2) THEN now() - interval '1 hour' ELSE now() + interval '2 days' END",
        "handle_due": "now() + interval '3 days'",
    }
    columns, values, params = [], [], []
    for f in Ticket._meta.concrete_fields:
        if f.primary_key:
            continue
        columns.append(f.column)
        if f.attname in overrides:
            values.append(overrides[f.attname])
        elif f.null and not f.has_default():
            values.append("NULL")
        else:
            default = f.get_default()
            values.append("%s")
            params.append(json.dumps(default) if f.get_internal_type() == "JSONField" else default)
    sql = (
        f"INSERT INTO dispatch_ticket ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM generate_series(1, {rows}) AS g"
    )
    start = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(sql, params)
        cur.execute("ANALYZE dispatch_ticket")
    return time.perf_counter() - start


def sweep_figures(world) -> None:
    from dispatch.services import sla_sweep
    from governance.models import Department

    keep = "--keep" in sys.argv
    if keep and (reset := reset_open_tickets()) is not None:
        say(f"   reset the {SWEEP_ROWS:,} open tickets kept from the last run in {reset:.1f}s (CLUSTER)")
    else:
        truncate_tickets()
        lead = Department.objects.filter(dept_type="zhujian", region=world.district).first()
        loaded = load_open_tickets(lead.pk, world.district.code, SWEEP_ROWS)
        say(f"   loaded {SWEEP_ROWS:,} open tickets in {loaded:.1f}s (generate_series)")
    timings = []
    for label in ("first sweep (1 % turn red, 2 % yellow)", "second sweep (nothing new: idempotent)"):
        start = time.perf_counter()
        result = sla_sweep()
        elapsed = time.perf_counter() - start
        timings.append(elapsed)
        say(f"   {label}: {elapsed * 1000:.0f} ms — {result.red:,} red, {result.yellow:,} yellow")
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM dispatch_ticketevent")
        events = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM dispatch_notification")
        notes = cur.fetchone()[0]
    say(f"   events written: {events:,}; notifications: {notes:,}")
    # A steady-state minute: a few hundred tickets fall due (Zhengzhou files ~10,000 a day).
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE dispatch_ticket SET sla_due = now() - interval '1 minute' "
            "WHERE id IN (SELECT id FROM dispatch_ticket WHERE sla_light = 'green' AND id > 500000 ORDER BY id LIMIT 300)"
        )
    start = time.perf_counter()
    result = sla_sweep()
    say(
        f"   steady-state minute ({result.red} due) over {SWEEP_ROWS:,} open: {(time.perf_counter() - start) * 1000:.0f} ms"
    )
    if not keep:
        truncate_tickets()


def reset_open_tickets() -> float | None:
    """`--keep`: put the million tickets of the last run back as freshly loaded (lights, deadlines, no
    events or notifications; CLUSTER rewrites the table in id order packed to its fillfactor, as a fresh load
    leaves it) instead of loading them again. None when there is nothing usable to reset."""
    start = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) = %s AND max(created_at) > now() - interval '2 days 12 hours',"
            " count(*) FILTER (WHERE number NOT LIKE 'BZ%%') = 0 FROM dispatch_ticket",
            [SWEEP_ROWS],
        )
        if not all(cur.fetchone()):
            return None
        cur.execute("TRUNCATE dispatch_ticketevent, dispatch_notification CASCADE")  # and what refers to them
        g = "substr(number, 3)::bigint"
        cur.execute(
            "UPDATE dispatch_ticket SET sla_light = 'green', supervised = FALSE, version = 0,"
            f" sla_due = CASE WHEN mod({g}, 100) = 0 THEN now() - interval '1 hour'"
            f" WHEN mod({g}, 100) IN (1, 2) THEN now() + interval '2 hours' ELSE now() + interval '3 days' END,"
            f" sla_warn_at = CASE WHEN mod({g}, 100) = 0 THEN now() - interval '5 hours'"
            f" WHEN mod({g}, 100) IN (1, 2) THEN now() - interval '1 hour' ELSE now() + interval '2 days' END"
            " WHERE sla_light <> 'green' OR supervised OR version <> 0 OR mod(substr(number, 3)::bigint, 100) <= 2"
        )
        cur.execute("CLUSTER dispatch_ticket USING dispatch_ticket_pkey")  # back in load order
        cur.execute("ANALYZE dispatch_ticket")
    return time.perf_counter() - start


# --- 4. duplicate detection -----------------------------------------------------------------------------


def duplicate_pairs() -> tuple[list, list]:
    """(re-reports of one matter, different matters of one category): constructed pairs of texts."""
    from dispatch.management.demo import raw_complaints

    rng = random.Random(11)
    rows = [(t, label) for t, label in raw_complaints() if len(t) > 80]
    rng.shuffle(rows)
    dup_pairs, neg_pairs = [], []
    for text, _ in rows[:300]:
        # Re-reports of the same matter: the same words in another order and shorter (a second caller).
        sentences = [s for s in text.replace("！", "。").replace("？", "。").split("。") if s]
        variant = "。".join(rng.sample(sentences, len(sentences))) if len(sentences) > 1 else text
        dup_pairs.append((text, "我再反映一下，" + variant[: int(len(variant) * rng.uniform(0.5, 0.9))]))
    by_label: dict[str, list[str]] = {}
    for text, label in rows[300:]:
        by_label.setdefault(label, []).append(text)
    for texts in by_label.values():  # hard negatives: different matters of the same category
        for a, b in zip(texts[0::2], texts[1::2], strict=False):
            neg_pairs.append((a, b))
    return dup_pairs, neg_pairs


def duplicate_figures() -> None:
    from dispatch.duplicates import similarity

    dup_pairs, neg_pairs = duplicate_pairs()
    dup_scores = [similarity(a, b) for a, b in dup_pairs]
    neg_scores = [similarity(a, b) for a, b in neg_pairs]
    say(
        f"   {len(dup_pairs)} duplicate pairs (shuffled, shortened re-reports), {len(neg_pairs)} same-category non-duplicates"
    )
    say("   threshold  false merges        misses")
    for threshold in (0.3, 0.4, 0.5, 0.6, 0.7):
        fm = sum(s >= threshold for s in neg_scores)
        miss = sum(s < threshold for s in dup_scores)
        say(f"   {threshold:>9.1f}  {fm:>4} ({fm / len(neg_scores):6.2%})  {miss:>4} ({miss / len(dup_scores):6.2%})")
    say(f"   highest non-duplicate similarity: {max(neg_scores):.3f}")


def main():
    steps = {1, 2, 3, 4}
    if "--steps" in sys.argv:  # e.g. --steps 3,4
        steps = {int(x) for x in sys.argv[sys.argv.index("--steps") + 1].split(",")}
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        sys.exit("bench/dispatch.py needs DATABASE_URL (PostgreSQL) and REDIS_URL")
    from rest_framework.authtoken.models import Token

    world = prepare()
    operator = world.users["operator"]
    token, _ = Token.objects.get_or_create(user=operator)
    try:
        from classifier.services import NoActiveModel, classify

        try:
            version = classify("路灯不亮").model_version
        except NoActiveModel:
            version = None
    except ImportError:
        version = None
    say(
        f"dispatch bench on {connection.settings_dict['NAME']} (PostgreSQL), Redis broker, model: {version or 'none active'}"
    )

    if "--keep" not in sys.argv:
        truncate_tickets()
    if 1 in steps:
        filing_figures(token.key)
    if 2 in steps:
        say("2. end to end, one Celery worker")
        truncate_tickets()
        rate, outcome = end_to_end_per_second(operator)
        say(f"   file → routed: {rate:.1f} tickets/s over {E2E_TICKETS} tickets; outcome {outcome}")
    if 3 in steps:
        say(f"3. SLA sweep over {SWEEP_ROWS:,} open tickets")
        sweep_figures(world)
    if 4 in steps:
        say("4. duplicate detection (char 2/3-gram cosine)")
        duplicate_figures()


def filing_figures(token: str) -> None:
    say("1. filing")
    raw = raw_inserts_per_second()
    say(f"   raw single-row INSERT (autocommit, {THREADS} clients): {raw:8.0f} rows/s")
    api = api_filings_per_second(token)
    say(f"   POST /api/tickets/ (gunicorn 2 workers, {THREADS} clients): {api:8.0f} tickets/s")
    say(f"   ratio API / raw insert: {api / raw:.3f}  (1 : {raw / api:.0f})")
    from config.celery import app

    app.control.purge()  # the filings above queued routing tasks nobody consumes in this step


if __name__ == "__main__":
    main()
