"""Fault figures: filed / routed / lost / doubled under injected faults, on servers of its own.

Run: `.venv/bin/python bench/faults.py [--during 40] [--outage 30]`. Never touches the machine's
PostgreSQL or Redis: each scenario starts its own Redis on a free port and works on a SQLite file in a
temporary folder (tests/dispatch/broker_outage_scenario.py, also used by the fault test).

Prints, first, for clients that time out and retry a filing (gunicorn on SQLite, a client timeout
shorter than a filing, up to two retries), the tickets created per call without and with an
Idempotency-Key; then, for a broker outage with a real Celery worker (Redis stopped for --outage seconds and started
again empty): tickets filed before / during / after, how many were routed, lost (never routed) and
doubled (routed twice); whether the worker survived without a restart; how many filings during the
outage tried the dead broker; and the filing time during the outage (median / max).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import free_port  # noqa: E402


def broker_outage(*, before: int, during: int, after: int, outage: float) -> dict:
    with tempfile.TemporaryDirectory(prefix="faults-") as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{Path(tmp) / 'faults.sqlite3'}",
            "VAR_DIR": str(Path(tmp) / "var"),
            "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
            "ALLOWED_HOSTS": "testserver",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only",
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "LOG_LEVEL": "WARNING",
            "DISPATCH_BROKER_DOWN_SECONDS": "5",
            "OUTAGE_BEFORE": str(before),
            "OUTAGE_DURING": str(during),
            "OUTAGE_AFTER": str(after),
            "OUTAGE_SECONDS": str(outage),
        }
        done = subprocess.run(
            [sys.executable, str(ROOT / "tests" / "dispatch" / "broker_outage_scenario.py")],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=1200,
        )
        if done.returncode != 0:
            raise SystemExit(done.stdout[-3000:] + done.stderr[-3000:])
        return json.loads(done.stdout.strip().splitlines()[-1])


def client_retries(*, calls: int, timeout: float) -> dict:
    with tempfile.TemporaryDirectory(prefix="retries-") as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{Path(tmp) / 'retries.sqlite3'}",
            "VAR_DIR": str(Path(tmp) / "var"),
            "REDIS_URL": "",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only",
            "LOG_LEVEL": "WARNING",
            "RETRY_CALLS": str(calls),
            "RETRY_TIMEOUT": str(timeout),
        }
        env.pop("DEBUG", None)
        done = subprocess.run(
            [sys.executable, str(ROOT / "tests" / "dispatch" / "retry_scenario.py")],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=1200,
        )
        if done.returncode != 0:
            raise SystemExit(done.stdout[-3000:] + done.stderr[-3000:])
        return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", type=int, default=20)
    parser.add_argument("--during", type=int, default=40)
    parser.add_argument("--after", type=int, default=20)
    parser.add_argument("--outage", type=float, default=30.0)
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--client-timeout", type=float, default=0.3)
    parser.add_argument("--only", choices=["outage", "retries"])
    args = parser.parse_args()

    if args.only != "outage":
        r = client_retries(calls=args.calls, timeout=args.client_timeout)
        print(f"client retries ({args.calls} filings, client timeout {args.client_timeout} s, up to 2 retries):")
        for mode, label in (("plain", "without Idempotency-Key"), ("key", "with Idempotency-Key")):
            m = r[mode]
            print(
                f"  {label}: {m['requests']} requests ({m['timeouts']} timed out) -> {m['tickets']} tickets "
                f"for {m['calls']} calls: doubled {m['doubled']}, lost {m['lost']} (no ticket, the client was told nothing)"
            )
        if args.only == "retries":
            return

    r = broker_outage(before=args.before, during=args.during, after=args.after, outage=args.outage)
    seconds = r["filing_seconds_during_outage"]
    print(f"broker outage ({args.outage:.0f} s, Redis restarted empty, one real worker):")
    print(f"  filed {r['filed']} ({args.before} before, {args.during} during, {args.after} after)")
    print(f"  routed {r['routed']}  lost {r['lost']}  doubled {r['doubled']}")
    print(f"  HTTP codes: {sorted(set(r['codes']))}")
    print(
        f"  worker alive {r['worker_alive']}, same process {r['worker_same_process']}, "
        f"'Unrecoverable error' logged {r['unrecoverable_logged']}"
    )
    print(
        f"  during the outage: {r['publish_attempts_during_outage']} publish attempt(s), "
        f"{r['publish_skipped_during_outage']} skipped; filing median {statistics.median(seconds) * 1000:.0f} ms, "
        f"max {max(seconds) * 1000:.0f} ms"
    )
    print(f"  routed by the worker after the restart, before the reconciler: {r['routed_after_restart_by_worker']}")


if __name__ == "__main__":
    main()
