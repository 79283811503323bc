"""Replay a day of calls against web processes and Celery workers on four "hosts" (network namespaces
joined by veth links to a bridge), kill one worker host in the middle and bring it back; count what was
lost or done twice. Root only (ip netns). PostgreSQL and Redis are private to this run, in the db host;
the machine's own 5432/6379 are never touched.

    sudo .venv/bin/python bench/replay.py [--tickets 70000] [--minutes 30] [--clients 8] [--routing 1]
                                          [--cache /var/tmp/replay-cache] [--json]
    sudo .venv/bin/python bench/replay.py --cleanup      # remove what a crashed run left (rp-* names)

--cache keeps the prepared database (migrated, the 70,818 grids, the departments) and the classifier
between runs: the first run fills it, later ones copy it (and migrate) instead of 6 minutes of set-up.
A line a minute tells filed, routed and waiting tickets while the replay runs; after the last call it
drains until every ticket is routed, or nothing was routed for --stall seconds, or --drain passes. The
replay's pace is the arrival curve's, not the machine's: the header says the busiest hour's calls/s, and
a deployment that routes fewer per second builds a backlog that shows in the latency per minute.

Hosts: rp-db 10.77.0.2 (PostgreSQL, Redis), rp-web 10.77.0.3 (gunicorn), rp-w1 10.77.0.4 (routing
worker), rp-w2 10.77.0.5 (routing worker, background worker, beat). This process is the callers, on the
bridge (10.77.0.1). The day: a 12345 centre's arrival curve (quiet night, peaks at 9-11 and 14-17 h)
compressed into --minutes; texts are the shipped complaints, places the real Zhengzhou communities
(Beijing's divisions are not shipped: the volume is Beijing's, the map Zhengzhou's). At half time the
worker host rp-w1 is killed (SIGKILL to every process, link down) and comes back after --down seconds;
its unacknowledged tasks come back through Redis' visibility timeout or the reconciler.

Prints per replayed minute the tickets filed and routed and the filed → routed latency p50/p99, then as
its last line {"tickets", "hosts", "lost", "doubled", "minutes", "route_p99_s", …}: lost = filed (201)
but never routed by the end of the drain; doubled = more than one `routed` event for a ticket.
"""

import argparse
import atexit
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
BRIDGE, SUBNET = "rpbr0", "10.77.0"
HOSTS = {"rp-db": 2, "rp-web": 3, "rp-w1": 4, "rp-w2": 5}
PG_PORT, REDIS_PORT, WEB_PORT = 15432, 16379, 8000
SERVER_SETTINGS = [
    "-c", "idle_in_transaction_session_timeout=30s",
    "-c", "tcp_keepalives_idle=15", "-c", "tcp_keepalives_interval=5", "-c", "tcp_keepalives_count=3",
]  # fmt: skip

# Share of a day's calls per hour (a 12345 centre: quiet at night, peaks mid-morning and mid-afternoon).
HOURLY = [
    0.6,
    0.4,
    0.3,
    0.3,
    0.4,
    0.8,
    1.8,
    3.6,
    6.2,
    7.6,
    7.8,
    7.0,
    5.2,
    5.6,
    6.8,
    7.2,
    7.0,
    6.0,
    4.6,
    4.0,
    3.6,
    2.8,
    1.8,
    1.1,
]


def say(text=""):
    print(text, flush=True)


def sh(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), check=check, capture_output=True, text=True)


def postgres_bin(name: str) -> str:
    from tests.servers import postgres_bin as find

    return find(name)


def ip_of(host: str) -> str:
    return f"{SUBNET}.{HOSTS[host]}"


# --- the hosts --------------------------------------------------------------------------------------


def network_up() -> None:
    sh("ip", "link", "add", BRIDGE, "type", "bridge")
    sh("ip", "addr", "add", f"{SUBNET}.1/24", "dev", BRIDGE)
    sh("ip", "link", "set", BRIDGE, "up")
    for host, n in HOSTS.items():
        sh("ip", "netns", "add", host)
        sh("ip", "link", "add", f"{host}-h", "type", "veth", "peer", "name", f"{host}-n")
        sh("ip", "link", "set", f"{host}-n", "netns", host)
        sh("ip", "link", "set", f"{host}-h", "master", BRIDGE)
        sh("ip", "link", "set", f"{host}-h", "up")
        sh("ip", "netns", "exec", host, "ip", "link", "set", "lo", "up")
        sh("ip", "netns", "exec", host, "ip", "addr", "add", f"{SUBNET}.{n}/24", "dev", f"{host}-n")
        sh("ip", "netns", "exec", host, "ip", "link", "set", f"{host}-n", "up")


def link(host: str, up: bool) -> None:
    sh("ip", "link", "set", f"{host}-h", "up" if up else "down")


def network_down() -> None:
    for host in HOSTS:
        sh("ip", "netns", "pids", host, check=False)
        for pid in sh("ip", "netns", "pids", host, check=False).stdout.split():
            try:
                os.kill(int(pid), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass
        sh("ip", "link", "del", f"{host}-h", check=False)
        sh("ip", "netns", "del", host, check=False)
    sh("ip", "link", "del", BRIDGE, check=False)


class Processes:
    """Every process this run started, in process groups of their own, by host."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.by_host: dict[str, list[subprocess.Popen]] = {h: [] for h in HOSTS}
        self.named: dict[tuple[str, str], subprocess.Popen] = {}

    def start(self, host: str, name: str, args: list[str], env: dict, user: str | None = None) -> None:
        prefix = ["ip", "netns", "exec", host] + (["runuser", "-u", user, "--"] if user else [])
        log = open(self.logs / f"{host}-{name}.log", "ab")
        proc = subprocess.Popen(
            prefix + args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.by_host[host].append(proc)
        self.named[(host, name)] = proc

    def stop(self, host: str, name: str, sig=signal.SIGINT) -> None:
        """Stop one process (PostgreSQL: SIGINT is its fast, clean shutdown) and wait for it."""
        proc = self.named.pop((host, name))
        self.by_host[host].remove(proc)
        os.killpg(proc.pid, sig)
        proc.wait(120)

    def kill_host(self, host: str) -> int:
        procs, self.by_host[host] = self.by_host[host], []
        for proc in procs:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(30)
        return len(procs)

    def stop_all(self) -> None:
        """Workers and web first (SIGTERM, then SIGKILL); the datastores' data is thrown away: SIGKILL."""
        for host in reversed(list(HOSTS)):
            for proc in self.by_host[host]:
                try:
                    os.killpg(proc.pid, signal.SIGKILL if host == "rp-db" else signal.SIGTERM)
                except ProcessLookupError:
                    pass
            for proc in self.by_host[host]:
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
            self.by_host[host] = []


def wait_for(predicate, what: str, timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if predicate():
                return
        except Exception:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{what}: not within {timeout:.0f} s")


def pg_and_redis(procs: Processes, folder: Path, cached: Path | None = None) -> None:
    """PostgreSQL (initdb into `folder`, as the postgres user, or a copy of the `cached` data folder) and
    Redis, listening in rp-db only."""
    import pwd

    pw = pwd.getpwnam("postgres")
    os.chown(folder, pw.pw_uid, pw.pw_gid)
    data = folder / "pg"
    if cached:
        shutil.copytree(cached, data, symlinks=True)
    else:
        initdb(data)
    sh("chown", "-R", "postgres:postgres", str(folder))
    start_postgres(procs, folder)
    procs.start(
        "rp-db",
        "redis",
        [shutil.which("redis-server"), "--bind", ip_of("rp-db"), "--port", str(REDIS_PORT), "--save", ""]
        + ["--appendonly", "no", "--protected-mode", "no", "--dir", str(folder)],
        env=dict(os.environ),
    )
    wait_for(lambda: accepts(REDIS_PORT), "Redis in rp-db")
    if not cached:
        sh(postgres_bin("createdb"), "-h", ip_of("rp-db"), "-p", str(PG_PORT), "-U", "postgres", "replay")


def accepts(port: int) -> bool:
    import socket

    with socket.create_connection((ip_of("rp-db"), port), timeout=0.5):
        return True


def initdb(data: Path) -> None:
    sh(
        "runuser",
        "-u",
        "postgres",
        "--",
        postgres_bin("initdb"),
        "-D",
        str(data),
        "-U",
        "postgres",
        "--auth=trust",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
        "--no-sync",
    )
    with open(data / "pg_hba.conf", "a") as hba:  # the other hosts reach it over the bridge
        hba.write(f"host all all {SUBNET}.0/24 trust\n")


def start_postgres(procs: Processes, folder: Path) -> None:
    options = [
        "-p", str(PG_PORT), "-k", str(folder), "-c", f"listen_addresses={ip_of('rp-db')}",
        "-c", "fsync=off", "-c", "max_connections=200", "-c", "shared_buffers=256MB",
        # What docs/scaling.md asks of production: a host that dies mid-transaction (power, network: its
        # FIN never arrives) must not keep its row locks for the kernel's 2-hour keepalive; they block the
        # reconciler and the roll-up on the tickets it held.
        *SERVER_SETTINGS,
    ]  # fmt: skip
    data = str(folder / "pg")
    procs.start(
        "rp-db", "postgres", [postgres_bin("postgres"), "-D", data, *options], env=dict(os.environ), user="postgres"
    )
    wait_for(lambda: accepts(PG_PORT), "PostgreSQL in rp-db")
    wait_for(
        lambda: (
            sh(
                postgres_bin("psql"), "-h", ip_of("rp-db"), "-p", str(PG_PORT), "-U", "postgres", "-c", "select 1"
            ).returncode
            == 0
        ),
        "PostgreSQL ready",
    )


def prepared(procs: Processes, folder: Path, env: dict, cache: Path | None) -> str:
    """The database migrated and loaded, a classifier trained; returns an operator's API token. With
    `cache`: the first run keeps the prepared data folder, models and token there (PostgreSQL stopped
    cleanly for the copy), later runs start from a copy of it (skipping the 6 minutes of set-up)."""
    if cache and (cache / "token").exists():
        shutil.copytree(cache / "models", folder / "models")
        migrate = "import django; django.setup(); from django.core.management import call_command; call_command('migrate', verbosity=0)"
        subprocess.run([sys.executable, "-c", migrate], cwd=ROOT, env=env, check=True)  # the code may be newer
        return (cache / "token").read_text().strip()
    token = prepare_database(env)
    if cache:
        procs.stop("rp-db", "postgres")
        shutil.rmtree(cache, ignore_errors=True)
        cache.mkdir(parents=True)
        shutil.copytree(folder / "pg", cache / "pg", symlinks=True, ignore=shutil.ignore_patterns("postmaster.pid"))
        shutil.copytree(folder / "models", cache / "models")
        (cache / "token").write_text(token)
        start_postgres(procs, folder)
    return token


# --- the product -----------------------------------------------------------------------------------


def product_env(folder: Path) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@{ip_of('rp-db')}:{PG_PORT}/replay",
        "REDIS_URL": f"redis://{ip_of('rp-db')}:{REDIS_PORT}/0",
        "SECRET_KEY": "replay-only",
        "ALLOWED_HOSTS": ip_of("rp-web"),
        "VAR_DIR": str(folder / "var"),
        "CLASSIFIER_ARTIFACTS_DIR": str(folder / "models"),
        "LOG_LEVEL": "WARNING",
        "API_THROTTLE_ENABLED": "0",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


def prepare_database(env: dict) -> str:
    """Migrate, load the real world, train a classifier; returns an operator's API token."""
    script = """
import os, django
django.setup()
from django.core.management import call_command
from rest_framework.authtoken.models import Token
call_command("migrate", verbosity=0)
call_command("load_divisions", verbosity=0)
call_command("seed_grids", verbosity=0)
call_command("seed_departments", verbosity=0)
call_command("train_classifier", "--if-missing", "--no-cv", verbosity=0)
from dispatch.management.demo import demo_accounts
world = demo_accounts()
print(Token.objects.get_or_create(user=world.users["operator"])[0].key)
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    return done.stdout.strip().splitlines()[-1]


def start_web(procs: Processes, env: dict, workers: int) -> None:
    procs.start(
        "rp-web",
        "gunicorn",
        [
            str(BIN / "gunicorn"),
            "config.wsgi",
            "--config",
            "config/gunicorn.py",
            "--bind",
            f"{ip_of('rp-web')}:{WEB_PORT}",
        ]
        + ["--workers", str(workers), "--threads", "4", "--timeout", "120"],
        env,
    )
    wait_for(lambda: urllib.request.urlopen(f"http://{ip_of('rp-web')}:{WEB_PORT}/healthz", timeout=5), "gunicorn")


def start_workers(procs: Processes, host: str, env: dict, *, background: bool, routing: int = 1) -> None:
    celery = [str(BIN / "celery"), "-A", "config"]
    procs.start(
        host,
        "routing",
        celery + ["worker", "-Q", "routing", "--concurrency", str(routing), "-n", f"routing@{host}"],
        env,
    )
    if background:
        queues = "sweeps,statistics,hotspots,notifications,celery"
        procs.start(
            host, "background", celery + ["worker", "-Q", queues, "--concurrency", "1", "-n", f"bg@{host}"], env
        )
        procs.start(host, "beat", celery + ["beat", "-s", str(Path(env["VAR_DIR"]) / "beat-schedule")], env)


# --- the callers -----------------------------------------------------------------------------------


def schedule(n: int, seconds: float, seed: int) -> list[float]:
    """Send times (seconds from the start) of n calls following HOURLY, compressed into `seconds`."""
    rng = random.Random(seed)
    total = sum(HOURLY)
    cumulative = [sum(HOURLY[: h + 1]) / total for h in range(24)]
    times = []
    for _ in range(n):
        u = rng.random()
        hour = next(h for h, c in enumerate(cumulative) if u <= c)
        times.append((hour + rng.random()) / 24 * seconds)
    return sorted(times)


def calls(n: int, seed: int, env: dict) -> list[dict]:
    script = """
import json, django
django.setup()
from governance.models import Region
from dispatch.management.demo import raw_complaints
print(json.dumps({"texts": [t for t, _ in raw_complaints()],
    "places": [(c.parent.parent.name + c.parent.name + c.name) for c in
               Region.objects.filter(level="community").select_related("parent__parent")]}, ensure_ascii=False))
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    data = json.loads(done.stdout.strip().splitlines()[-1])
    rng = random.Random(seed)
    return [{"content": rng.choice(data["texts"])[:1000], "address": rng.choice(data["places"])} for _ in range(n)]


class Callers:
    def __init__(self, token: str, bodies: list[dict], times: list[float], clients: int):
        self.url = f"http://{ip_of('rp-web')}:{WEB_PORT}/api/tickets/"
        self.token, self.bodies, self.times, self.clients = token, bodies, times, clients
        self.next = 0
        self.lock = threading.Lock()
        self.filed: list[tuple[int, float]] = []  # (ticket id, wall time of the 201)
        self.failed = 0
        self.start = 0.0

    def post(self, body: dict) -> int | None:
        key = str(uuid.uuid4())  # a retry with the same key files once (the product's Idempotency-Key)
        data = json.dumps(body).encode()
        headers = {"Authorization": f"Token {self.token}", "Content-Type": "application/json", "Idempotency-Key": key}
        for attempt in range(5):
            try:
                req = urllib.request.Request(self.url, data=data, headers=headers, method="POST")
                with urllib.request.urlopen(req, timeout=60) as response:
                    return json.loads(response.read())["id"]
            except (urllib.error.URLError, OSError, TimeoutError):
                time.sleep(1 + attempt)
        return None

    def loop(self):
        while True:
            with self.lock:
                i = self.next
                self.next += 1
            if i >= len(self.bodies):
                return
            delay = self.start + self.times[i] - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            pk = self.post(self.bodies[i])
            with self.lock:
                if pk is None:
                    self.failed += 1
                else:
                    self.filed.append((pk, time.time()))

    def run(self) -> list[threading.Thread]:
        self.start = time.monotonic()
        threads = [threading.Thread(target=self.loop, daemon=True) for _ in range(self.clients)]
        for t in threads:
            t.start()
        return threads


# --- the figures -----------------------------------------------------------------------------------


def routed_figures(env: dict) -> dict:
    import psycopg

    url = env["DATABASE_URL"]
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT id, extract(epoch FROM created_at), extract(epoch FROM routed_at) FROM dispatch_ticket"
        ).fetchall()
        doubled = conn.execute(
            "SELECT count(*) FROM (SELECT ticket_id FROM dispatch_ticketevent WHERE action = 'routed'"
            " GROUP BY ticket_id HAVING count(*) > 1) d"
        ).fetchone()[0]
    return {"rows": rows, "doubled": doubled}


def counts(env: dict) -> tuple[int, int]:
    """(tickets filed, tickets routed) in the database now."""
    import psycopg

    with psycopg.connect(env["DATABASE_URL"], connect_timeout=5) as conn:
        return conn.execute("SELECT count(*), count(routed_at) FROM dispatch_ticket").fetchone()


def progress(env: dict, began: float, stop: threading.Event, every: float = 60) -> None:
    """A line a minute while the replay runs: filed, routed, waiting, and the routing rate of the minute."""
    last = 0
    while not stop.wait(every):
        try:
            filed, routed = counts(env)
        except Exception as exc:  # the database host is busy or away for a moment: the next line says
            say(f"  t={time.time() - began:5.0f}s  (no count: {type(exc).__name__})")
            continue
        say(f"  t={time.time() - began:5.0f}s  filed {filed:6d}  routed {routed:6d}  waiting {filed - routed:6d}"
            f"  routed/s {(routed - last) / every:5.1f}  load {os.getloadavg()[0]:.1f}")  # fmt: skip
        last = routed


def drain(env: dict, filed_ids: set[int], longest: float, stall: float) -> tuple[dict, float]:
    """Wait until every filed ticket is routed, routing stops progressing for `stall` seconds (what is left
    is lost), or `longest` seconds pass. Returns the last figures and the seconds waited."""
    started = time.monotonic()
    seen, moved_at = -1, started
    while True:
        figures = routed_figures(env)
        routed = sum(1 for r in figures["rows"] if r[0] in filed_ids and r[2] is not None)
        now = time.monotonic()
        if routed != seen:
            seen, moved_at = routed, now
        if routed == len(filed_ids) or now - moved_at > stall or now - started > longest:
            return figures, now - started
        time.sleep(5)


def minute_table(rows: list[tuple], start: float) -> None:
    """Per minute of the replay: tickets filed, tickets routed, and the filed → routed latency (p50, p99) of
    the tickets filed in that minute."""
    filed, routed, latency = defaultdict(int), defaultdict(int), defaultdict(list)
    for _, created, routed_at in rows:
        minute = int((float(created) - start) // 60)
        filed[minute] += 1
        if routed_at is not None:
            routed[int((float(routed_at) - start) // 60)] += 1
            latency[minute].append(float(routed_at) - float(created))
    say("\nminute  filed  routed  route p50 s  p99 s")
    for minute in sorted(set(filed) | set(routed)):
        lats = latency.get(minute, [])
        say(
            f"{minute:6d} {filed[minute]:6d} {routed[minute]:7d} {percentile(lats, 0.5):12.2f} {percentile(lats, 0.99):6.2f}"
        )


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * q))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=70000)
    parser.add_argument("--minutes", type=float, default=30, help="the day compressed into this many minutes")
    parser.add_argument("--clients", type=int, default=8, help="concurrent callers")
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--down", type=float, default=60, help="seconds the killed worker host stays away")
    parser.add_argument("--drain", type=float, default=3600, help="longest wait for routing after the last call")
    parser.add_argument("--stall", type=float, default=180, help="end the drain when nothing is routed for this long")
    parser.add_argument("--routing", type=int, default=1, help="routing processes per worker host")
    parser.add_argument(
        "--cache", type=Path, help="a folder keeping the prepared database and model between runs (made by the first)"
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--cleanup", action="store_true", help="only remove what an earlier run left")
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("needs root (ip netns)")
    network_down()  # leftovers of a crashed run
    if args.cleanup:
        return
    folder = Path(tempfile.mkdtemp(prefix="replay-"))
    procs = Processes(folder)
    cleaned = []

    def cleanup(*_):
        if cleaned:
            return
        cleaned.append(True)
        procs.stop_all()
        network_down()
        shutil.rmtree(folder, ignore_errors=True)

    atexit.register(cleanup)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: sys.exit(1))
    began = time.monotonic()
    try:
        (folder / "var").mkdir()
        network_up()
        cached = args.cache / "pg" if args.cache and (args.cache / "token").exists() else None
        pg_and_redis(procs, folder, cached)
        env = product_env(folder)
        say(f"hosts up; preparing the database (load {os.getloadavg()[0]:.1f}{', from the cache' if cached else ''})")
        token = prepared(procs, folder, env, args.cache)
        prepare_s = time.monotonic() - began
        start_web(procs, env, args.web_workers)
        start_workers(procs, "rp-w1", env, background=False, routing=args.routing)
        start_workers(procs, "rp-w2", env, background=True, routing=args.routing)
        bodies = calls(args.tickets, 1, env)
        seconds = args.minutes * 60
        times = schedule(args.tickets, seconds, 2)
        peak = args.tickets * max(HOURLY) / sum(HOURLY) / (seconds / 24)
        say(
            f"replaying {args.tickets} calls in {args.minutes:g} min with {args.clients} callers: on average"
            f" {args.tickets / seconds:.1f} calls/s, {peak:.1f}/s in the busiest hour (set up in {prepare_s:.0f} s)"
        )
        callers = Callers(token, bodies, times, args.clients)
        threads = callers.run()
        replay_start = time.time()
        stop_progress = threading.Event()
        threading.Thread(target=progress, args=(env, replay_start, stop_progress), daemon=True).start()
        time.sleep(seconds / 2)
        killed = procs.kill_host("rp-w1")
        link("rp-w1", False)
        kill_at = time.time() - replay_start
        say(f"t={kill_at:.0f}s: host rp-w1 killed ({killed} processes, link down); filed so far {len(callers.filed)}")
        time.sleep(args.down)
        link("rp-w1", True)
        start_workers(procs, "rp-w1", env, background=False, routing=args.routing)
        say(f"t={time.time() - replay_start:.0f}s: host rp-w1 back")
        for t in threads:
            t.join()
        filed_end = time.time()
        filed_ids = {pk for pk, _ in callers.filed}
        say(f"all calls made in {filed_end - replay_start:.0f}s: {len(filed_ids)} filed, {callers.failed} failed")
        figures, drained_s = drain(env, filed_ids, args.drain, args.stall)
        stop_progress.set()
        rows = [r for r in figures["rows"] if r[0] in filed_ids]
        latencies = [(float(r[1]) - replay_start, float(r[2]) - float(r[1])) for r in rows if r[2] is not None]
        minute_table(rows, replay_start)
        all_lat = [lat for _, lat in latencies]
        lost = len(filed_ids) - len(latencies) + callers.failed
        result = {
            "tickets": len(filed_ids),
            "hosts": len(HOSTS),
            "lost": lost,
            "doubled": figures["doubled"],
            "minutes": round((filed_end - replay_start) / 60, 1),
            "peak_arrival_per_s": round(peak, 1),
            "drain_s": round(drained_s),
            "routed_per_s": round(len(latencies) / max(1.0, filed_end - replay_start + drained_s), 1),
            "routing_processes": 2 * args.routing,
            "route_p50_s": round(percentile(all_lat, 0.5), 2),
            "route_p99_s": round(percentile(all_lat, 0.99), 2),
            "filed_per_s": round(len(filed_ids) / (filed_end - replay_start), 1),
            "failed_calls": callers.failed,
            "killed_host": "rp-w1",
            "killed_at_s": round(kill_at),
            "down_s": args.down,
            "wall_minutes": round((time.monotonic() - began) / 60, 1),
            "load": round(os.getloadavg()[0], 2),
        }
        say(
            f"\nlost {lost}, doubled {figures['doubled']}, route p50 {result['route_p50_s']} s, p99 {result['route_p99_s']} s"
        )
        if args.json:
            print(json.dumps(result))
    finally:
        cleanup()


if __name__ == "__main__":
    main()
