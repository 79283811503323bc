"""Load the region tree from the NBS division list shipped in fixtures/."""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from governance import names
from governance.models import Region

LEVEL_ORDER = {"city": 0, "district": 1, "street": 2, "community": 3}


def divisions_csv_path() -> Path:
    return Path(settings.FIXTURES_DIR) / "zhengzhou_divisions.csv"


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int


def divisions_read(*, path: Path | None = None, prefixes: tuple[str, ...] | None = None) -> list[Region]:
    """Unsaved Region rows, parents before children. `prefixes` keeps only those subtrees (and their
    ancestors), e.g. ("410105",) for 金水区."""
    with open(path or divisions_csv_path(), encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    by_code = {row["code"]: row for row in rows}
    if prefixes:
        wanted = set()
        for row in rows:
            if any(row["code"].startswith(p) for p in prefixes):
                code = row["code"]
                while code in by_code and code not in wanted:
                    wanted.add(code)
                    code = by_code[code]["parent_code"]
        rows = [row for row in rows if row["code"] in wanted]
    rows.sort(key=lambda row: (LEVEL_ORDER[row["level"]], row["code"]))
    regions = []
    for row in rows:
        parent = by_code.get(row["parent_code"])
        level = row["level"]
        regions.append(
            Region(
                code=row["code"],
                official_name=row["name"],
                name=names.display_name(
                    official=row["name"], level=level, parent_official=parent["name"] if parent else None
                ),
                level=level,
                parent_id=row["parent_code"] if parent else None,
                is_village=level == "community" and names.community_kind_is_village(row["code"]),
            )
        )
    return regions


FIELDS = ("name", "official_name", "level", "parent_id", "is_village")


@transaction.atomic
def divisions_load(*, path: Path | None = None, prefixes: tuple[str, ...] | None = None) -> LoadResult:
    """Create or update every region of the division list; idempotent (a second run reports 0 created,
    0 updated). Regions absent from the file are left alone: tickets and grids may point at them."""
    from governance.caching import governance_cache_invalidate
    from governance.selectors.address import address_index_invalidate

    regions = divisions_read(path=path, prefixes=prefixes)
    existing = {r.code: r for r in Region.objects.filter(code__in=[r.code for r in regions])}
    to_create, to_update = [], []
    for region in regions:
        current = existing.get(region.code)
        if current is None:
            to_create.append(region)
        elif any(getattr(current, f) != getattr(region, f) for f in FIELDS):
            to_update.append(region)
    # Parents first, so the FK holds on databases that check it immediately.
    for level in LEVEL_ORDER:
        Region.objects.bulk_create([r for r in to_create if r.level == level], batch_size=2000)
    if to_update:
        Region.objects.bulk_update(to_update, FIELDS, batch_size=2000)
    if to_create or to_update:
        # Now for this process (it reads its own uncommitted rows), again after commit for the others.
        address_index_invalidate()
        transaction.on_commit(address_index_invalidate)
        governance_cache_invalidate()
    return LoadResult(
        created=len(to_create), updated=len(to_update), unchanged=len(regions) - len(to_create) - len(to_update)
    )
