"""集中诉求预警: find surges in plain rows, no database. The service (services/hotspots.py) loads the rows
and persists what this module decides; bench/hotspots.py replays traffic through the same functions.

Two detectors, one pass:

- Clusters: tickets whose texts are alike (cosine of TF-IDF jieba words and character bigrams; a far lower bar
  than for duplicates: callers describe one water cut in many ways) and that came within `link_window` of
  each other are linked; a connected group of at least `min_tickets` is a surge. Its place is the most
  specific region (community → street → district → city) holding `place_share` of its tickets, so one
  building, one street and a city-wide item are the same mechanism at different heights.
- Spikes: per street and category, the count in the last `spike_window` against the street's own
  baseline: the same clock window on the same weekday of the previous `baseline_weeks` weeks (widened
  by `baseline_pad` on both sides to steady a small count). Significant when the Poisson tail is below
  `spike_alpha` and there are at least `min_tickets` calls.

Open hotspots take part as seeds: a new ticket alike to a member of an open hotspot joins that hotspot
instead of raising a new alert, and a spike mostly made of tickets already in a hotspot raises nothing.
A surge is one alert: a new cluster that continues an open hotspot — same category, a place inside or
around the hotspot's, starting before the hotspot has been quiet for `link_window`, and its tickets alike
to the hotspot's as a whole (`surge_similarity`, ticket by ticket; any for a spike, which is a count, not
a text) — attaches to it (a later wave of a city-wide gas failure phrased differently, a street's power cut seen
again from one building); a spike of a street and category that an open hotspot already covers raises
nothing.
"""

from __future__ import annotations

import datetime
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

from dispatch.hotspot_text import (
    _vectors,
    keywords,
)

LEVELS = ("community", "street", "district", "city")


@dataclass(frozen=True)
class Params:
    min_tickets: int = 5
    similarity: float = 0.2
    # A new ticket joins a live hotspot when this alike to the centroid of the hotspot's tickets.
    join_similarity: float = 0.2
    link_window: datetime.timedelta = datetime.timedelta(minutes=90)
    place_share: float = 0.8
    spike_window: datetime.timedelta = datetime.timedelta(hours=2)
    baseline_weeks: int = 4
    baseline_pad: datetime.timedelta = datetime.timedelta(hours=1)
    spike_alpha: float = 1e-5
    # Expected count below this is treated as this: four quiet weeks do not make a street's rate zero.
    spike_floor: float = 0.3
    # An open hotspot with no new ticket for this long is closed; until then new tickets join it.
    quiet_close: datetime.timedelta = datetime.timedelta(hours=6)
    seeds_per_hotspot: int = 50
    # A new cluster's ticket continues an open hotspot of its category and place when this alike to it.
    surge_similarity: float = 0.15

    @property
    def fetch_window(self) -> datetime.timedelta:
        return max(self.link_window, self.spike_window)


DEFAULT = Params()


@dataclass(frozen=True)
class Row:
    id: int
    created_at: datetime.datetime
    text: str
    category: str = ""
    district: str | None = None
    street: str | None = None
    community: str | None = None

    def region(self, level: str) -> str | None:
        if level == "city":
            return self.district[:4] + "00000000" if self.district else None
        return getattr(self, level)


@dataclass
class OpenHotspot:
    id: int
    kind: str
    region: str
    category: str
    members: list[Row] = field(default_factory=list)
    level: str = "community"

    @property
    def place(self) -> tuple[str, str]:
        return self.level, self.region

    @property
    def reach(self) -> tuple[str, str]:
        """(level, code) where new alike tickets may still join it: a community's street (while calls keep
        coming), so a surge may spread from a building to its street; wider places only themselves (a
        street's power cut does not take in a water cut elsewhere in the district)."""
        level = "street" if self.level == "community" else self.level
        return level, ancestor(self.region, level)


def ancestor(code: str, level: str) -> str:
    """The code of the region at `level` above (or at) a region code: codes nest by prefix."""
    keep = {"community": 12, "street": 9, "district": 6, "city": 4}[level]
    return code[:keep].ljust(12, "0")


@dataclass
class Candidate:
    kind: str  # "cluster" | "spike"
    level: str
    region: str
    category: str
    rows: list[Row]
    score: float
    keywords: list[str] = field(default_factory=list)
    expected: float | None = None
    hotspot_id: int | None = None  # set when these rows join an open hotspot

    @property
    def ticket_ids(self) -> list[int]:
        return [r.id for r in self.rows]

    @property
    def first_at(self) -> datetime.datetime:
        return min(r.created_at for r in self.rows)

    @property
    def last_at(self) -> datetime.datetime:
        return max(r.created_at for r in self.rows)


# --- Places -------------------------------------------------------------------------------------


def place_of(rows: list[Row], share: float = DEFAULT.place_share) -> tuple[str, str]:
    """(level, region code): the most specific region holding `share` of the rows."""
    for level in LEVELS:
        counts = Counter(r.region(level) for r in rows if r.region(level))
        if counts:
            code, n = counts.most_common(1)[0]
            if n >= share * len(rows):
                return level, code
    return "city", rows[0].region("city") or ""


def majority_category(rows: list[Row]) -> str:
    counts = Counter(r.category for r in rows if r.category)
    return counts.most_common(1)[0][0] if counts else ""


# --- Clusters ------------------------------------------------------------------------------------


def _components(rows: list[Row], seeded: set[int], params: Params):
    """Groups (indexes into `rows`) of linked rows, and the rows' vectors."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    X = _vectors([r.text for r in rows])
    if X is None:
        return [], None
    sim = (X @ X.T).tocoo()
    keep = (sim.data >= params.similarity) & (sim.row < sim.col)
    i, j = sim.row[keep], sim.col[keep]
    stamps = np.array([r.created_at.timestamp() for r in rows])
    seed = np.array([r.id in seeded for r in rows])
    close = np.abs(stamps[i] - stamps[j]) <= params.link_window.total_seconds()
    keep = close | seed[i] | seed[j]
    graph = coo_matrix((np.ones(int(keep.sum())), (i[keep], j[keep])), shape=(len(rows), len(rows)))
    n, labels = connected_components(graph, directed=False)
    groups = defaultdict(list)
    for idx, label in enumerate(labels):
        groups[label].append(idx)
    return [g for g in groups.values() if len(g) > 1], X


def find_clusters(
    rows: list[Row], open_hotspots: list[OpenHotspot], *, now: datetime.datetime, params: Params = DEFAULT
) -> list[Candidate]:
    """Cluster candidates among `rows` (the recent tickets): new surges, and rows joining open hotspots
    (`hotspot_id` set, `rows` only the new members)."""
    member_of: dict[int, int] = {}
    by_id = {h.id: h for h in open_hotspots}
    seeds: dict[int, Row] = {}
    clusters = [h for h in open_hotspots if h.kind == "cluster"]
    for h in clusters:
        for r in h.members[-params.seeds_per_hotspot :]:
            member_of.setdefault(r.id, h.id)
            seeds[r.id] = r
    for h in open_hotspots:  # spike members are not seeds, but they never found a second hotspot
        for r in h.members:
            member_of.setdefault(r.id, h.id)
    pool = list(seeds.values()) + [r for r in rows if r.id not in seeds]
    if len(pool) < 2:
        return []
    out = []
    background = [r.text for r in rows]
    components, X = _components(pool, set(seeds), params)
    for group in components:
        members = [pool[k] for k in group]
        fresh = [r for r in members if r.id not in member_of]
        if not fresh:
            continue
        hits = Counter(member_of[r.id] for r in members if r.id in member_of)
        if hits:
            hotspot = by_id[min(hits, key=lambda h: (-hits[h], h))]
            level, code = hotspot.reach
            last = max((m.created_at for m in hotspot.members), default=now)

            def joins(r, hotspot=hotspot, level=level, code=code, last=last):
                # In its place, while it is live; one level wider, only while the calls keep coming.
                if r.region(hotspot.level) == hotspot.region:
                    return True
                return r.region(level) == code and r.created_at - last <= params.link_window

            # Single links chain ("没法做饭" is said of a water cut and of a gas failure alike): a new
            # ticket joins only when it is alike to the hotspot as a whole (the centroid of its members).
            seeded_idx = [k for k in group if member_of.get(pool[k].id) == hotspot.id]
            centroid = np.asarray(X[seeded_idx].mean(axis=0)).ravel()
            centroid /= np.linalg.norm(centroid) or 1.0
            closeness = X[group] @ centroid
            # Another category needs twice the likeness (a water cut and a gas failure both "没法做饭").
            near = {
                pool[k].id
                for k, c in zip(group, closeness, strict=True)
                if c >= params.join_similarity * (1 if _same_category(pool[k].category, hotspot.category) else 2)
            }
            joining = [r for r in fresh if joins(r) and r.id in near]
            if joining:
                place = place_of(hotspot.members + joining, params.place_share)
                out.append(Candidate("cluster", *place, hotspot.category, joining, 0.0, hotspot_id=hotspot.id))
            # Alike tickets elsewhere are linked to each other again without the seeds: a surge of their own?
            taken = {r.id for r in joining}
            fresh = [r for r in fresh if r.id not in taken]
            groups = [[fresh[k] for k in g] for g in _components(fresh, set(), params)[0]] if len(fresh) > 1 else []
        else:
            groups = [fresh]
        for group_rows in groups:
            candidate = _new_surge(group_rows, now=now, background=background, params=params)
            if candidate is not None:
                out.append(candidate)
    return out


def _same_category(a: str, b: str) -> bool:
    return not a or not b or a == b


def _new_surge(rows: list[Row], *, now, background: list[str], params: Params) -> Candidate | None:
    recent = [r for r in rows if r.created_at > now - params.fetch_window]
    if len(recent) < params.min_tickets:
        return None
    level, region = place_of(rows, params.place_share)
    return Candidate(
        "cluster",
        level,
        region,
        majority_category(rows),
        rows,
        score=round(len(rows) * _cohesion(rows), 2),
        keywords=keywords([r.text for r in rows], background),
    )


def _cohesion(rows: list[Row]) -> float:
    X = _vectors([r.text for r in rows])
    if X is None or len(rows) < 2:
        return 0.0
    sim = (X @ X.T).toarray()
    n = len(rows)
    return float((sim.sum() - n) / (n * (n - 1)))


# --- Spikes --------------------------------------------------------------------------------------


def poisson_tail(k: int, mu: float) -> float:
    """P(X >= k) for X ~ Poisson(mu)."""
    if k <= 0:
        return 1.0
    term = math.exp(-mu)
    cdf = term
    for i in range(1, k):
        term *= mu / i
        cdf += term
    return max(0.0, 1.0 - cdf)


def baseline_windows(now: datetime.datetime, params: Params = DEFAULT) -> list[tuple]:
    """The (start, end) windows of the baseline: same weekday and clock time, previous weeks, padded."""
    return [
        (
            now - datetime.timedelta(weeks=k) - params.spike_window - params.baseline_pad,
            now - datetime.timedelta(weeks=k) + params.baseline_pad,
        )
        for k in range(1, params.baseline_weeks + 1)
    ]


def _covers(h: OpenHotspot, street: str, category: str, since: datetime.datetime) -> bool:
    """Whether an open hotspot is about this street's category now: same category, a place inside or
    around the street, a ticket within the spike window."""
    return (
        _same_category(h.category, category)
        and nested(("street", street), h.place)
        and any(m.created_at > since for m in h.members)
    )


def find_spikes(
    rows: list[Row],
    baseline: Counter,
    weeks: int,
    open_hotspots: list[OpenHotspot],
    *,
    now: datetime.datetime,
    taken: set[int] = frozenset(),
    params: Params = DEFAULT,
) -> list[Candidate]:
    """Spike candidates per (street, category). `baseline` counts (street, category) over the `weeks`
    baseline windows that the history covers; `taken` are ticket ids already in a hotspot or cluster."""
    start = now - params.spike_window
    cells = defaultdict(list)
    for r in rows:
        if r.street and r.category and start < r.created_at <= now:
            cells[(r.street, r.category)].append(r)
    scale = (params.spike_window + 2 * params.baseline_pad) / params.spike_window
    open_spikes = {(h.region, h.category): h for h in open_hotspots if h.kind == "spike"}
    background = [r.text for r in rows]
    out = []
    for (street, category), cell in cells.items():
        if len(cell) < params.min_tickets:
            continue
        expected = baseline.get((street, category), 0) / (weeks * scale) if weeks else 0.0
        expected = max(expected, params.spike_floor)
        p = poisson_tail(len(cell), expected)
        if p >= params.spike_alpha:
            continue
        z = round((len(cell) - expected) / math.sqrt(expected), 2)
        existing = open_spikes.get((street, category))
        if existing is not None:
            known = {m.id for m in existing.members}
            fresh = [r for r in cell if r.id not in known]
            if fresh:
                out.append(
                    Candidate("spike", "street", street, category, fresh, z, expected=expected, hotspot_id=existing.id)
                )
            continue
        if sum(r.id in taken for r in cell) * 3 >= len(cell):  # mostly a known surge
            continue
        if any(_covers(h, street, category, start) for h in open_hotspots):  # the surge is raised already
            continue
        words = keywords([r.text for r in cell], background)
        out.append(Candidate("spike", "street", street, category, cell, z, keywords=words, expected=round(expected, 3)))
    return out


def nested(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """Whether one (level, region code) place lies inside the other (or they are the same)."""
    (level_a, code_a), (level_b, code_b) = a, b
    if LEVELS.index(level_a) <= LEVELS.index(level_b):
        return ancestor(code_a, level_b) == code_b
    return ancestor(code_b, level_a) == code_a


def _continued(c: Candidate, open_hotspots: list[OpenHotspot], params: Params) -> tuple[OpenHotspot | None, list]:
    """The open hotspot a new cluster continues (module docstring) and the cluster's rows that are alike to
    it (all for a spike); the hotspot taking the most rows wins. (None, []) when none."""
    best, best_rows = None, []
    for h in open_hotspots:
        if not h.members or not _same_category(c.category, h.category) or not nested((c.level, c.region), h.place):
            continue
        if c.first_at > max(m.created_at for m in h.members) + params.link_window:
            continue
        alike = c.rows if h.kind == "spike" else _alike_to(c.rows, h.members[-params.seeds_per_hotspot :], params)
        if len(alike) > len(best_rows):
            best, best_rows = h, alike
    return best, best_rows


def _alike_to(rows: list[Row], members: list[Row], params: Params) -> list[Row]:
    """The rows alike to the members as a whole (cosine to their centroid ≥ `surge_similarity`): a cluster
    chained through "没法做饭" holds water-cut calls beside gas-failure ones; only the latter continue a
    gas hotspot."""
    X = _vectors([r.text for r in rows + members])
    if X is None:
        return []
    centroid = np.asarray(X[len(rows) :].mean(axis=0)).ravel()
    centroid /= np.linalg.norm(centroid) or 1.0
    return [r for r, sim in zip(rows, X[: len(rows)] @ centroid, strict=True) if sim >= params.surge_similarity]


def detect(
    rows: list[Row],
    open_hotspots: list[OpenHotspot],
    *,
    now: datetime.datetime,
    baseline: Counter,
    weeks: int,
    params: Params = DEFAULT,
) -> list[Candidate]:
    """One pass: cluster candidates first (the most specific evidence), then spikes they do not explain."""
    clusters = find_clusters(rows, open_hotspots, now=now, params=params)
    for c in list(clusters):
        if c.hotspot_id is not None:
            continue
        hotspot, alike = _continued(c, open_hotspots, params)
        if hotspot is None:
            continue
        # The same surge again: its rows attach, no second alert; the others wait, or are a surge of their own.
        rest = [r for r in c.rows if r not in alike]
        c.rows, c.hotspot_id = alike, hotspot.id
        if rest and (other := _new_surge(rest, now=now, background=[r.text for r in rows], params=params)):
            clusters.append(other)
    taken = {r.id for h in open_hotspots for r in h.members} | {r.id for c in clusters for r in c.rows}
    spikes = find_spikes(rows, baseline, weeks, open_hotspots, now=now, taken=taken, params=params)
    return clusters + spikes
