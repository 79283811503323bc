"""Supervisor dashboard at Zhengzhou scale: a year of tickets (3.6 million) in PostgreSQL.

Builds (once; reused on the next run unless --fresh) a separate database `<DATABASE_URL name>_dashboard_bench`
with the real divisions and departments and a year of tickets bulk-generated in SQL (generate_series), with
the routing events the roll-up reads; rebuilds the roll-ups through the product's own service
(stats_rollup_days), then prints the time to compute each chart's data and to serve the whole dashboard
page (median of warm runs). Target: < 1 s.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grid12345 .venv/bin/python bench/dashboard.py [--tickets N] [--fresh]
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/grid12345"
ZHENGZHOU_YEAR = 3_600_000
CATEGORY_WEIGHTS = [  # the training data's label shares
    ("城乡建设", 1692),
    ("劳动和社会保障", 1647),
    ("教育文体", 1308),
    ("商贸旅游", 997),
    ("环境保护", 797),
    ("卫生计生", 719),
    ("交通运输", 484),
]


def bench_database_url() -> tuple[str, str]:
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    parts = urlparse(url)
    if not parts.scheme.startswith("postgres"):
        sys.exit("bench/dashboard.py needs PostgreSQL: set DATABASE_URL=postgres://…")
    name = parts.path.lstrip("/") or "grid12345"
    bench_name = f"{name}_dashboard_bench"
    return urlunparse(parts._replace(path="/" + bench_name)), bench_name


def ensure_database(url: str, name: str, *, fresh: bool) -> None:
    import psycopg

    admin = urlunparse(urlparse(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def timed(label: str, fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    print(f"  {label:<58} {time.perf_counter() - start:8.2f} s", flush=True)
    return result


GENERATE_SQL = """
CREATE TEMP TABLE bench_place AS
  SELECT (row_number() OVER (ORDER BY code)) - 1 AS idx, code AS street, parent_id AS district
  FROM governance_region WHERE level = 'street';
CREATE TEMP TABLE bench_cat (idx int, code text, lo float, hi float);
{cat_rows}
CREATE TEMP TABLE bench_dept AS
  SELECT p.district, c.idx AS cat_idx,
         COALESCE(
           (SELECT d.id FROM governance_department d JOIN governance_dispatchcatalogue k
              ON k.lead_department_type = d.dept_type
             WHERE k.category_code = c.code AND d.region_id = p.district LIMIT 1),
           (SELECT d.id FROM governance_department d
             WHERE d.dept_type = 'district_gov' AND d.region_id = p.district LIMIT 1)) AS dept
  FROM (SELECT DISTINCT district FROM bench_place) p CROSS JOIN bench_cat c;
CREATE INDEX ON bench_dept (district, cat_idx);
SELECT setseed(0.4212);
CREATE TEMP TABLE bench_src AS
  SELECT g,
         %(start)s::timestamptz + (g::float / %(n)s) * interval '365 days' AS created_at,
         floor(random() * (SELECT count(*) FROM bench_place))::int AS place_idx,
         random() AS r_cat, random() AS r_intake, random() AS r_ai, random() AS r_wrong,
         random() AS r_sign, random() AS r_sat, random() AS r_light, random() AS r_status
  FROM generate_series(0, %(n)s - 1) AS g;
"""

INSERT_SQL = """
INSERT INTO dispatch_ticket (
  number, channel, caller_name, caller_phone, content, address, district_id, street_id, community_id, grid_id,
  address_certain, type, urgency, priority, category_code, category_confirmed, lead_department_id,
  first_lead_department_id, dispatch_source, ai_category, ai_probability, ai_model_version, ai_top3, ai_terms,
  status, sla_light, sla_due, sla_warn_at, sign_due, handle_due, return_due, supervised, urge_count, confidential,
  merged_into_id, satisfaction, return_count, reopen_count, extension_days, answer, reply_text, reply_photo,
  created_by_id, created_at, routed_at, dispatched_at, signed_at, replied_at, closed_at, version, updated_at)
SELECT
  'ZZ' || to_char(s.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || lpad((s.g %% 1000000)::text, 6, '0'),
  'phone', '市民', '13800000000', '诉求内容（基准数据）', '', p.district, p.street, NULL, NULL,
  true, 'complaint', 'normal', 0, c.code, NOT s.intake AND NOT s.auto, d.dept,
  CASE WHEN s.intake THEN NULL WHEN s.wrong THEN wd.dept ELSE d.dept END,
  CASE WHEN s.intake THEN '' WHEN s.auto AND NOT s.wrong THEN 'ai' ELSE 'human' END,
  CASE WHEN s.intake THEN '' WHEN s.wrong THEN wc.code ELSE c.code END,
  0.5 + s.r_ai / 2, CASE WHEN s.auto AND NOT s.intake THEN 'bench-auto' ELSE 'bench' END, '[]', '[]',
  s.status,
  CASE WHEN s.intake THEN 'green'
       WHEN s.status NOT IN ('closed', 'closed_at_intake') AND s.r_light < 0.08 THEN 'red'
       WHEN s.status NOT IN ('closed', 'closed_at_intake') AND s.r_light < 0.20 THEN 'yellow'
       WHEN s.r_light < 0.03 THEN 'red' ELSE 'green' END,
  CASE WHEN s.status IN ('closed', 'closed_at_intake') THEN NULL ELSE s.created_at + interval '5 days' END,
  CASE WHEN s.status IN ('closed', 'closed_at_intake') THEN NULL ELSE s.created_at + interval '4 days' END,
  CASE WHEN s.intake THEN NULL ELSE s.created_at + interval '1 day' END,
  CASE WHEN s.intake THEN NULL ELSE s.created_at + interval '5 days' END,
  NULL, false, 0, false, NULL,
  CASE WHEN s.status <> 'closed' THEN ''
       WHEN s.r_sat < 0.80 THEN 'satisfied' WHEN s.r_sat < 0.90 THEN 'basic'
       WHEN s.r_sat < 0.95 THEN 'unsatisfied' ELSE 'unreachable' END,
  CASE WHEN s.wrong THEN 1 ELSE 0 END, 0, 0,
  CASE WHEN s.intake THEN '已当场答复' ELSE '' END, '', '',
  NULL, s.created_at, s.created_at, s.created_at,
  CASE WHEN s.intake THEN NULL
       WHEN s.r_sign < 0.93 THEN s.created_at + interval '3 hours' ELSE s.created_at + interval '30 hours' END,
  NULL,
  CASE WHEN s.status IN ('closed', 'closed_at_intake') THEN s.created_at + interval '4 days' END,
  1, s.created_at
FROM (
  SELECT b.*, b.r_intake < 0.45 AS intake, b.r_ai < 0.85 AS auto, b.r_wrong < 0.05 AS wrong,
         (SELECT idx FROM bench_cat WHERE b.r_cat >= lo AND b.r_cat < hi) AS cat_idx,
         CASE WHEN b.r_intake < 0.45 THEN 'closed_at_intake'
              WHEN b.created_at < %(open_from)s THEN 'closed'
              WHEN b.r_status < 0.25 THEN 'dispatched' WHEN b.r_status < 0.70 THEN 'handling'
              WHEN b.r_status < 0.80 THEN 'replied' WHEN b.r_status < 0.92 THEN 'callback'
              ELSE 'closed' END AS status
  FROM bench_src b WHERE b.g >= %(lo)s AND b.g < %(hi)s
) s
JOIN bench_place p ON p.idx = s.place_idx
JOIN bench_cat c ON c.idx = s.cat_idx
JOIN bench_dept d ON d.district = p.district AND d.cat_idx = s.cat_idx
JOIN bench_cat wc ON wc.idx = (s.cat_idx + 1) %% 7
JOIN bench_dept wd ON wd.district = p.district AND wd.cat_idx = wc.idx;
"""

EVENTS_SQL = """
INSERT INTO dispatch_ticketevent (ticket_id, action, from_status, to_status, actor_id, actor_label, reason, data, created_at)
SELECT id, 'routed', 'received', 'dispatched', NULL, '系统', '', '{"auto": true}'::jsonb, created_at
FROM dispatch_ticket WHERE ai_model_version = 'bench-auto' AND id >= %(lo)s AND id < %(hi)s;
"""


VOLUME_SQL = """
INSERT INTO dispatch_dailydistrictvolume (day, district_code, category_code, total)
SELECT day, district_code, category_code, sum(total) FROM dispatch_dailyticketstat
GROUP BY day, district_code, category_code
"""


def _without_indexes(cur, tables: list[str]):
    """Drop the tables' secondary indexes and FK/unique constraints, returning the statements that restore
    them: bulk loading millions of rows is several times faster with the indexes built once afterwards."""
    restore_indexes, restore_constraints = [], []
    for table in tables:
        cur.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('f', 'u')",
            [table],
        )
        for name, definition in cur.fetchall():
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            restore_constraints.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT LIKE %s",
            [table, "%_pkey"],
        )
        for name, definition in cur.fetchall():
            cur.execute(f'DROP INDEX "{name}"')
            restore_indexes.append(definition)
    return restore_indexes + restore_constraints


def generate(n: int, today: dt.date) -> None:
    from django.db import connection

    tz_start = dt.datetime.combine(today - dt.timedelta(days=364), dt.time.min).isoformat() + "+08:00"
    open_from = dt.datetime.combine(today - dt.timedelta(days=15), dt.time.min).isoformat() + "+08:00"
    total = sum(w for _, w in CATEGORY_WEIGHTS)
    cat_rows, acc = [], 0.0
    for i, (code, weight) in enumerate(CATEGORY_WEIGHTS):
        hi = 1.0000001 if i == len(CATEGORY_WEIGHTS) - 1 else acc + weight / total
        cat_rows.append(f"INSERT INTO bench_cat VALUES ({i}, '{code}', {acc}, {hi});")
        acc = hi
    with connection.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '256MB'")
        cur.execute("SET synchronous_commit = off")
        restore = _without_indexes(cur, ["dispatch_ticketevent", "dispatch_ticket"])
        script = GENERATE_SQL.replace("{cat_rows}", "\n".join(cat_rows))
        for statement in filter(None, (part.strip() for part in script.split(";\n"))):
            params = {"start": tz_start, "n": n} if "%(" in statement else None
            cur.execute(statement, params)
        step = 1_200_000
        for lo in range(0, n, step):
            cur.execute(INSERT_SQL, {"lo": lo, "hi": lo + step, "open_from": open_from})
        cur.execute("SELECT min(id), max(id) FROM dispatch_ticket")
        first, last = cur.fetchone()
        for lo in range(first, last + 1, step):
            cur.execute(EVENTS_SQL, {"lo": lo, "hi": lo + step})
        for statement in restore:
            cur.execute(statement)
    with connection.cursor() as cur:
        cur.execute("ANALYZE dispatch_ticket; ANALYZE dispatch_ticketevent;")


def median_time(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=ZHENGZHOU_YEAR)
    parser.add_argument("--fresh", action="store_true", help="drop and rebuild the bench database")
    args = parser.parse_args()

    url, name = bench_database_url()
    ensure_database(url, name, fresh=args.fresh)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from dispatch.models import DailyDistrictVolume, DailyTicketStat, MonthlyTicketStat, Ticket
    from dispatch.selectors import stats
    from dispatch.services.stats import stats_rollup_days, stats_rollup_months
    from governance import roles
    from governance.models import Region

    print(f"database {name} ({connection.vendor}); target {args.tickets:,} tickets over 365 days")
    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    have = Ticket.objects.count()
    if have != args.tickets:
        if have:
            sys.exit(f"{name} holds {have:,} tickets, not {args.tickets:,}: run again with --fresh")
        print("building (once; later runs reuse it):")
        timed(
            "load divisions + departments",
            lambda: (call_command("load_divisions", verbosity=0), call_command("seed_departments", verbosity=0)),
        )
        timed(f"generate {args.tickets:,} tickets + routing events (SQL)", generate, args.tickets, today)
    first = timezone.localtime(Ticket.objects.order_by("created_at").values_list("created_at", flat=True)[0]).date()
    days = [first + dt.timedelta(days=i) for i in range((today - first).days + 1)]
    done = set(DailyTicketStat.objects.values_list("day", flat=True).distinct().order_by())
    missing = [day for day in days if day not in done]
    if missing:
        rows = timed(f"roll-up: stats_rollup_days over {len(missing)} days", stats_rollup_days, days=missing)
        print(f"  roll-up rows written: {rows:,}")
        with connection.cursor() as cur:
            cur.execute("ANALYZE dispatch_dailyticketstat")
    if not DailyDistrictVolume.objects.exists():
        # Same sums as the service writes per day (dispatch.services.stats._volumes), in one statement,
        # for daily rows written before the volume table existed.
        with connection.cursor() as cur:
            timed("roll-up: district volume from daily rows (SQL)", cur.execute, VOLUME_SQL)
    if not MonthlyTicketStat.objects.exists():
        months = sorted({day.replace(day=1) for day in days})
        rows = timed(f"roll-up: stats_rollup_months over {len(months)} months", stats_rollup_months, months=months)
        print(f"  monthly rows written: {rows:,}")
    with connection.cursor() as cur:
        cur.execute("ANALYZE dispatch_monthlyticketstat; ANALYZE dispatch_dailydistrictvolume")
    one_day = timed("roll-up: recompute one day (what the beat task does)", stats_rollup_days, days=[today])
    print(f"  ({one_day:,} rows for today)")

    print(
        f"tickets {Ticket.objects.count():,}; roll-up rows: daily {DailyTicketStat.objects.count():,}, "
        f"monthly {MonthlyTicketStat.objects.count():,}, district volume {DailyDistrictVolume.objects.count():,}"
    )
    jinshui = Region.objects.get(code="410105000000")
    street = Region.objects.filter(parent=jinshui).order_by("code").first()
    year = stats.DashboardFilter(start=today - dt.timedelta(days=364), end=today)
    month_city = stats.DashboardFilter(start=today - dt.timedelta(days=29), end=today)
    month_district = stats.DashboardFilter(start=today - dt.timedelta(days=29), end=today, region=jinshui)
    month_street = stats.DashboardFilter(start=today - dt.timedelta(days=29), end=today, region=street)

    user, _ = User.objects.get_or_create(username="bench-supervisor")
    user.groups.add(Group.objects.get_or_create(name=roles.SUPERVISOR)[0])
    client = Client()
    client.force_login(user)

    def page(query):
        response = client.get(f"/dashboard/?{query}", HTTP_HOST="localhost")
        assert response.status_code == 200, response.status_code
        return response

    print("chart data, median of 5 warm runs (whole city, 365 days unless noted):")
    results = [
        ("volume by day × category", lambda: stats.dashboard_volume(flt=year)),
        ("accuracy/confusion/三率/heat (one aggregate)", lambda: stats.dashboard_breakdown(flt=year)),
        ("SLA lights + overdue list (live tickets)", lambda: stats.dashboard_sla(flt=year)),
        ("breakdown, city, 30 days", lambda: stats.dashboard_breakdown(flt=month_city)),
        ("breakdown, 金水区, 30 days", lambda: stats.dashboard_breakdown(flt=month_district)),
        (f"breakdown, {street.name}, 30 days", lambda: stats.dashboard_breakdown(flt=month_street)),
        ("whole dashboard page, city, 365 days (HTTP)", lambda: page("period=365")),
        ("whole dashboard page, city, 30 days (HTTP)", lambda: page("period=30")),
        ("whole dashboard page, 金水区, 90 days (HTTP)", lambda: page(f"period=90&district={jinshui.code}")),
    ]
    worst = 0.0
    for label, fn in results:
        fn()  # warm
        seconds = median_time(fn)
        worst = max(worst, seconds)
        print(f"  {label:<58} {seconds * 1000:8.1f} ms")
    size = len(page("period=365").content)
    print(
        f"dashboard page size (365 days): {size / 1024:.0f} KiB; slowest figure {worst * 1000:.0f} ms "
        f"({'within' if worst < 1 else 'OVER'} the 1 s target)"
    )


if __name__ == "__main__":
    main()
