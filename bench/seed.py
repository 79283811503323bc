"""Benchmark of the governance layer: load the divisions, seed the 70,818 grids with their workers,
query a district's subtree, resolve 1,000 addresses. Prints figures; asserts nothing.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/app .venv/bin/python bench/seed.py [--keep]

Runs in a scratch database beside the one DATABASE_URL names (PostgreSQL: "<name>_bench_seed", created
and dropped here; SQLite: a temporary file), so it never touches real data.
"""

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def scratch_database() -> tuple[str, callable]:
    """A DATABASE_URL for a fresh scratch database and a function that drops it."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        parsed = urlparse(url)
        name = (parsed.path.lstrip("/") or "postgres") + "_bench_seed"
        admin_url = urlunparse(parsed._replace(path="/postgres"))
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')

        def drop():
            from django.db import connections

            connections.close_all()
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')

        return urlunparse(parsed._replace(path="/" + name)), drop
    print("note: DATABASE_URL is not PostgreSQL; measuring on a temporary SQLite file")
    path = Path(tempfile.mkdtemp()) / "bench_seed.sqlite3"
    return f"sqlite:///{path}", lambda: path.unlink(missing_ok=True)


def timed(label, fn, *args, **kwargs):
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    elapsed = time.perf_counter() - started
    print(f"{label:<52} {elapsed:8.2f} s")
    return result, elapsed


def p50_ms(fn, repeats=25) -> tuple[float, float]:
    fn()  # warm: connection, plan cache
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.9) - 1]


FORMS = [
    "official names with suffixes",
    "district street community",
    "district street community",
    "district street community",
    "street community",
    "district + community (village without 村)",
    "community only",
    "district + road",
    "street only",
    "unknown place",
]


def addresses(n=1000, seed=7) -> list[tuple[str, str]]:
    """Realistic address strings over the real divisions: full official names, display names, a street
    and community only, villages without 村, district + road, ambiguous and unknown places."""
    from governance.models import Region

    rng = random.Random(seed)
    communities = list(Region.objects.filter(level="community").select_related("parent__parent"))
    out = []
    for i in range(n):
        c = rng.choice(communities)
        street, district = c.parent, c.parent.parent
        number = (
            f"{rng.choice(['建设路', '幸福路', '人民路', '经三路'])}{rng.randint(1, 300)}号{rng.randint(1, 20)}号楼"
        )
        form = i % 10
        if form == 0:
            text = f"河南省郑州市{district.official_name}{street.official_name}{c.official_name}{number}"
        elif form in (1, 2, 3):
            text = f"{district.name}{street.name}{c.name}{number}"
        elif form == 4:
            text = f"{street.name}{c.name}{number}"
        elif form == 5:
            text = f"{district.name}{c.name.removesuffix('村') if c.is_village else c.name}{number}"
        elif form == 6:
            text = f"{c.name}附近{number}"
        elif form == 7:
            text = f"{district.name}{number}"
        elif form == 8:
            text = f"{street.name}{number}"
        else:
            text = f"{rng.choice(['火星市', '外地', '不知道哪里', '高速路上'])}{number}"
        out.append((FORMS[form], text))
    return out


def main():
    keep = "--keep" in sys.argv
    url, drop = scratch_database()
    os.environ["DATABASE_URL"] = url
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from governance.models import Grid, GridWorker, Place, Region
    from governance.selectors import grids_under, region_for_address
    from governance.selectors.address import address_index, address_index_invalidate
    from governance.services.departments import departments_seed
    from governance.services.divisions import divisions_load
    from governance.services.grids import grids_seed

    try:
        print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
        timed("migrate (scratch database)", call_command, "migrate", verbosity=0)
        result, _ = timed("load divisions (3,530 regions)", divisions_load)
        print(f"  created {result.created}")
        timed("load divisions again (idempotent)", divisions_load)
        seeded, seed_seconds = timed("seed 70,818 grids with workers, users, places", grids_seed)
        timed("seed grids again (idempotent, nothing created)", grids_seed)
        timed("seed departments and 派单目录", departments_seed)

        print("\nrows")
        counts = dict(Grid.objects.values_list("kind").annotate(n=Count("id")))
        for kind, label in Grid.Kind.choices:
            print(f"  {label} ({kind}): {counts.get(kind, 0):,}")
        print(
            f"  grids: {Grid.objects.count():,}  workers: {GridWorker.objects.count():,}  places: {Place.objects.count():,}"
        )
        print(f"  grids without a responsible worker: {Grid.objects.filter(responsible__isnull=True).count()}")
        print(f"  seed target < 60 s: {'met' if seed_seconds < 60 else 'MISSED'} ({seed_seconds:.1f} s)")

        print("\nsubtree query: all grids under one district (p50 / p90 over 25 runs)")
        for code in ("410105000000", "410122000000"):
            district = Region.objects.get(code=code)
            n = grids_under(region=district).count()
            p50, p90 = p50_ms(lambda d=district: list(grids_under(region=d).values_list("code", "name", "kind")))
            print(f"  {district.name}: {n:,} grids, rows (code, name, kind): p50 {p50:.1f} ms, p90 {p90:.1f} ms")
            p50, p90 = p50_ms(lambda d=district: grids_under(region=d).count())
            print(f"  {district.name}: count(): p50 {p50:.2f} ms, p90 {p90:.2f} ms")
            p50, p90 = p50_ms(lambda d=district: list(grids_under(region=d).select_related("responsible")), repeats=5)
            print(f"  {district.name}: full model instances with worker: p50 {p50:.1f} ms, p90 {p90:.1f} ms")

        print("\nregion_for_address")
        texts = addresses()
        address_index_invalidate()
        _, build = timed("  index build (once per process)", address_index)
        started = time.perf_counter()
        matches = [region_for_address(t) for _, t in texts]
        total = time.perf_counter() - started
        print(f"  1,000 addresses: {total * 1000:.1f} ms total, {total * 1000000 / len(texts):.0f} µs per address")
        print(f"  {'form':<44} {'n':>4} {'certain':>8} {'community':>10} {'candidates only':>16} {'no match':>9}")
        for form in dict.fromkeys(FORMS):
            rows = [m for (f, _), m in zip(texts, matches, strict=True) if f == form]
            certain = sum(m.certain for m in rows)
            community = sum(m.community is not None for m in rows)
            unsure = sum(not m.certain and bool(m.candidates) for m in rows)
            none = sum(not m.candidates for m in rows)
            print(f"  {form:<44} {len(rows):>4} {certain:>8} {community:>10} {unsure:>16} {none:>9}")
    finally:
        if keep:
            print(f"\nkept scratch database: {url}")
        else:
            drop()


if __name__ == "__main__":
    main()
