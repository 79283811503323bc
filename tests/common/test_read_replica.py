"""DATABASE_REPLICA_URL: the supervisors' read-only selectors read the replica, everything else the
primary, and a replica that fails falls back to the primary. Real databases in a subprocess (two SQLite
files, the second a copy of the first that then diverges), since the database settings are read at start."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import datetime as dt, json, shutil, sqlite3, sys
import django
from django.core.management import call_command
django.setup()
from django.db import connections
from dispatch.models import DailyDistrictVolume
from dispatch.selectors.stats import DashboardFilter, dashboard_volume
primary, replica = sys.argv[1], sys.argv[2]
call_command("migrate", database="default", verbosity=0)
with connections["default"].cursor() as cursor:
    cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
connections.close_all()
if replica != "-":
    shutil.copy(primary, replica)
    with sqlite3.connect(replica) as db:  # a row the primary does not have: only a replica read sees it
        db.execute("INSERT INTO dispatch_dailydistrictvolume (day, district_code, category_code, total)"
                   " VALUES ('2026-11-30', '410105000000', 'urban', 7)")
day = dt.date(2026, 11, 30)
volume = dashboard_volume(flt=DashboardFilter(start=day, end=day))
print(json.dumps({
    "dashboard": sum(sum(s["data"]) for s in volume["series"]),
    "primary_rows": DailyDistrictVolume.objects.count(),
}))
"""


def run(tmp_path, replica_url: str, replica_file: str) -> dict:
    primary = tmp_path / "primary.sqlite3"
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{primary}", DATABASE_REPLICA_URL=replica_url, LOG_LEVEL="ERROR")
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(primary), replica_file],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_dashboard_reads_the_replica_and_the_rest_the_primary(tmp_path):
    replica = tmp_path / "replica.sqlite3"

    figures = run(tmp_path, f"sqlite:///{replica}", str(replica))

    assert figures == {"dashboard": 7, "primary_rows": 0}


def test_a_replica_that_cannot_be_opened_falls_back_to_the_primary(tmp_path):
    figures = run(tmp_path, f"sqlite:///{tmp_path / 'missing' / 'replica.sqlite3'}", "-")

    assert figures == {"dashboard": 0, "primary_rows": 0}
