"""The grid layer at Zhengzhou's published scale, generated deterministically.

Figures (source article): 7,876 community grids over the urban communities, 46,817 micro grids under
them, 11,381 rural grids over the villages, 4,744 dedicated grids over the streets; 70,818 in all. Each
grid gets one responsible grid worker with a login account (unusable password until an admin sets one).

Determinism: the plan is drawn over the full division list (fixtures/), with one random generator per
region seeded from (seed, region code); the exact totals are shared out by largest remainder over those
per-region weights. So a region's grids depend only on the seed and its code: `--district 410105` makes
exactly the 金水区 grids a full seed makes, and seeding again adds nothing.
"""

import functools
import math
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from governance import roles
from governance.caching import governance_cache_invalidate
from governance.models import Grid, GridWorker, Place, Region
from governance.services import grid_names as words
from governance.services.bulk import insert_rows
from governance.services.divisions import divisions_read

TOTALS = {"community": 7876, "micro": 46817, "rural": 11381, "dedicated": 4744}
DEFAULT_SEED = 12345
USERNAME_PREFIX = "gw"
# Unusable ("!" prefix, see django.contrib.auth.hashers) and deterministic, so a re-seed is byte-identical.
UNUSABLE_PASSWORD = "!seeded-grid-worker"

ROLE_MIX = {
    "community": ((GridWorker.Role.LEADER, 1.0),),
    "micro": ((GridWorker.Role.FULL_TIME, 0.5), (GridWorker.Role.PART_TIME, 0.35), (GridWorker.Role.CADRE, 0.15)),
    "rural": ((GridWorker.Role.FULL_TIME, 0.6), (GridWorker.Role.PART_TIME, 0.25), (GridWorker.Role.CADRE, 0.15)),
    "dedicated": ((GridWorker.Role.PART_TIME, 0.5), (GridWorker.Role.CADRE, 0.5)),
}


@dataclass
class PlannedGrid:
    code: str
    name: str
    kind: str
    region_code: str
    parent_code: str | None
    place_type: str
    worker_name: str
    worker_phone: str
    worker_role: str
    places: list[tuple[str, str, int | None, int | None]] = field(default_factory=list)  # name, kind, from, to


@dataclass(frozen=True)
class SeedResult:
    created: dict[str, int]
    skipped_existing: int
    skipped_missing_region: int


def _rng(seed: int, key: str) -> random.Random:
    return random.Random(f"{seed}:{key}")


def _share_out(total: int, weights: list[float]) -> list[int]:
    """Integers ≥ 1 proportional to `weights` that add up to exactly `total` (largest remainder)."""
    if not weights:
        return []
    weight_sum = sum(weights)
    quotas = [total * w / weight_sum for w in weights]
    counts = [max(1, math.floor(q)) for q in quotas]
    rest = total - sum(counts)
    order = sorted(range(len(weights)), key=lambda i: (-(quotas[i] - math.floor(quotas[i])), i))
    i = 0
    while rest > 0:
        counts[order[i % len(order)]] += 1
        rest -= 1
        i += 1
    for j in reversed(order):  # only when the floor of 1 overshot: take back from the biggest remainders last
        if rest == 0:
            break
        if counts[j] > 1:
            counts[j] -= 1
            rest += 1
    return counts


def _person(rng: random.Random, kind: str) -> tuple[str, str, str]:
    given = "".join(rng.choice(words.GIVEN_CHARS) for _ in range(rng.choice((1, 2, 2))))
    phone = "1" + rng.choice("3589") + "".join(rng.choice("0123456789") for _ in range(9))
    roll, role = rng.random(), ROLE_MIX[kind][-1][0]
    for candidate, share in ROLE_MIX[kind]:
        if roll < share:
            role = candidate
            break
        roll -= share
    return rng.choice(words.SURNAMES) + given, phone, role


def _xiaoqu_names(
    rng: random.Random, community: Region, street: Region | None, count: int, seen: set[str]
) -> list[str]:
    """`count` 小区 names not in `seen` (the names already used in the community), added to it."""
    core = community.name.removesuffix("社区")
    street_core = street.name.removesuffix("街道") if street else ""
    names = []
    while len(names) < count:
        roll = rng.random()
        if not seen and roll < 0.3 and len(core) >= 2:
            name = core + rng.choice(("小区", "家属院", "新村"))
        elif roll < 0.2 and street_core.endswith(("路", "街")):
            name = f"{street_core}{rng.randint(1, 300)}号院"
        else:
            name = rng.choice(words.XIAOQU_HEADS) + rng.choice(words.XIAOQU_TAILS)
        if name in seen:
            name = f"{name}{words.CHINESE_ORDINALS[rng.randint(1, 9)]}期"
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def grids_plan(*, seed: int = DEFAULT_SEED) -> tuple[PlannedGrid, ...]:
    """The full city's grid layer, parents before children (computed once per process and seed: about
    two seconds; the division file does not change under a running process). Treat as read-only."""
    return _grids_plan_cached(seed)


@functools.lru_cache(maxsize=2)
def _grids_plan_cached(seed: int) -> tuple[PlannedGrid, ...]:
    return tuple(grids_plan_compute(seed=seed))


def grids_plan_compute(*, seed: int = DEFAULT_SEED) -> list[PlannedGrid]:
    """The plan itself. Pure: reads only the division list."""
    regions = divisions_read()
    by_code = {r.code: r for r in regions}
    urban = [r for r in regions if r.level == "community" and not r.is_village]
    villages = [r for r in regions if r.level == "community" and r.is_village]
    streets = [r for r in regions if r.level == "street"]
    plan: list[PlannedGrid] = []

    def grid(rng, code, name, kind, region, parent=None, place_type="", places=()):
        person, phone, role = _person(rng, kind)
        plan.append(PlannedGrid(code, name, kind, region.code, parent, place_type, person, phone, role, list(places)))

    # Community grids, then their micro grids (小区 building ranges).
    community_counts = _share_out(TOTALS["community"], [_rng(seed, r.code).uniform(0.5, 1.5) for r in urban])
    community_grids = []
    for community, count in zip(urban, community_counts, strict=True):
        rng = _rng(seed, community.code)
        for i in range(1, count + 1):
            grid(rng, f"{community.code}{i:03d}", f"{community.name}第{i}网格", "community", community)
            community_grids.append((plan[-1].code, community))
    micro_counts = _share_out(TOTALS["micro"], [_rng(seed, code).uniform(0.4, 1.6) for code, _ in community_grids])
    used_names: dict[str, set[str]] = {}
    for (parent_code, community), count in zip(community_grids, micro_counts, strict=True):
        rng = _rng(seed, parent_code + "m")
        street = by_code.get(community.code[:9] + "000")
        # A 小区 spans 1-4 micro grids of 2-6 buildings each.
        sizes = []
        while sum(sizes) < count:
            sizes.append(min(rng.randint(1, 4), count - sum(sizes)))
        xiaoqu = _xiaoqu_names(rng, community, street, len(sizes), used_names.setdefault(community.code, set()))
        n = 0
        for name, size in zip(xiaoqu, sizes, strict=True):
            first = 1
            for _ in range(size):
                n += 1
                last = first + rng.randint(2, 6) - 1
                grid(
                    rng,
                    f"{parent_code}{n:03d}",
                    f"{name}{first}-{last}号楼微网格",
                    "micro",
                    community,
                    parent=parent_code,
                    places=[(name, Place.Kind.RESIDENTIAL, first, last)],
                )
                first = last + 1

    rural_counts = _share_out(TOTALS["rural"], [_rng(seed, r.code).uniform(0.5, 1.5) for r in villages])
    for village, count in zip(villages, rural_counts, strict=True):
        rng = _rng(seed, village.code + "r")
        for i in range(1, count + 1):
            grid(rng, f"{village.code}{i:03d}", f"{village.name}第{i}网格", "rural", village)

    # Dedicated grids weigh towards urban streets (街道), where schools, hospitals and markets cluster.
    weights = [_rng(seed, s.code).uniform(0.5, 1.5) * (1.6 if s.name.endswith("街道") else 1.0) for s in streets]
    type_weights = [t[2] for t in words.DEDICATED_TYPES]
    for street, count in zip(streets, _share_out(TOTALS["dedicated"], weights), strict=True):
        rng = _rng(seed, street.code + "d")
        core = street.name.removesuffix("街道")
        used: dict[str, int] = {}
        for i in range(1, count + 1):
            label, place_kind, _, patterns = rng.choices(words.DEDICATED_TYPES, weights=type_weights)[0]
            k = used.get(label, 0)
            used[label] = k + 1
            place = patterns[k % len(patterns)].format(c=core)
            if k >= len(patterns):
                place = f"{place}（{k // len(patterns) + 1}）"
            grid(
                rng,
                f"{street.prefix}Z{i:04d}",
                f"{place}专属网格",
                "dedicated",
                street,
                place_type=label,
                places=[(place, place_kind, None, None)],
            )
    return plan


@transaction.atomic
def grids_seed(*, seed: int = DEFAULT_SEED, district: Region | None = None) -> SeedResult:
    """Create the planned grids (all, or those of one district) that do not exist yet, each with its
    worker account in the grid_worker group and its 小区/场所 registry rows.

    Callers may rely on: idempotent (existing grid codes are skipped, nothing is updated); grids whose
    region is not loaded are skipped and counted; one transaction.
    """
    prefix = district.prefix if district is not None else ""
    plan = [g for g in grids_plan(seed=seed) if g.code.startswith(prefix)]
    existing_codes = dict(Grid.objects.filter(code__startswith=prefix).values_list("code", "id"))
    loaded = set(Region.objects.filter(code__startswith=prefix).values_list("code", flat=True))
    todo = [g for g in plan if g.code not in existing_codes and g.region_code in loaded]
    missing_region = sum(1 for g in plan if g.region_code not in loaded)

    user_model = get_user_model()
    usernames = {g.code: f"{USERNAME_PREFIX}{g.code}" for g in todo}
    user_ids = dict(
        user_model.objects.filter(username__startswith=USERNAME_PREFIX + prefix).values_list("username", "id")
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    new_users = [g for g in todo if usernames[g.code] not in user_ids]
    ids = insert_rows(
        user_model,
        ["username", "password", "first_name", "last_name", "email", "is_superuser", "is_staff", "is_active"]
        + ["date_joined"],
        [(usernames[g.code], UNUSABLE_PASSWORD, g.worker_name, "", "", False, False, True, now) for g in new_users],
    )
    user_ids.update(zip((usernames[g.code] for g in new_users), ids, strict=True))
    group = Group.objects.get_or_create(name=roles.GRID_WORKER)[0]
    membership = user_model.groups.through
    in_group = set(
        membership.objects.filter(group=group, user__username__startswith=USERNAME_PREFIX + prefix).values_list(
            "user_id", flat=True
        )
    )
    insert_rows(
        membership,
        ["user_id", "group_id"],
        [(user_ids[usernames[g.code]], group.id) for g in todo if user_ids[usernames[g.code]] not in in_group],
    )
    worker_ids = dict(
        GridWorker.objects.filter(user__username__startswith=USERNAME_PREFIX + prefix).values_list("user_id", "id")
    )
    new_workers = [g for g in todo if user_ids[usernames[g.code]] not in worker_ids]
    ids = insert_rows(
        GridWorker,
        ["user_id", "name", "phone", "role"],
        [(user_ids[usernames[g.code]], g.worker_name, g.worker_phone, str(g.worker_role)) for g in new_workers],
    )
    worker_ids.update(zip((user_ids[usernames[g.code]] for g in new_workers), ids, strict=True))

    grid_ids = dict(existing_codes)
    created = dict.fromkeys(TOTALS, 0)
    # Parents first: community grids (and the other top-level kinds), then micro grids.
    for top_level in (True, False):
        batch = [g for g in todo if (g.parent_code is None) == top_level]
        ids = insert_rows(
            Grid,
            ["code", "name", "kind", "region_id", "parent_id", "place_type", "responsible_id"],
            [
                (
                    g.code,
                    g.name,
                    g.kind,
                    g.region_code,
                    grid_ids[g.parent_code] if g.parent_code else None,
                    g.place_type,
                    worker_ids[user_ids[usernames[g.code]]],
                )
                for g in batch
            ],
        )
        for g, id_ in zip(batch, ids, strict=True):
            grid_ids[g.code] = id_
            created[g.kind] += 1
    insert_rows(
        Place,
        ["name", "kind", "region_id", "grid_id", "building_from", "building_to"],
        [(name, str(kind), g.region_code, grid_ids[g.code], a, b) for g in todo for name, kind, a, b in g.places],
    )
    governance_cache_invalidate()
    return SeedResult(
        created=created, skipped_existing=len(plan) - len(todo) - missing_region, skipped_missing_region=missing_region
    )
