"""集中诉求预警: find surges in plain rows, no database. The service (services/hotspots.py) loads the rows
and persists what this module decides; bench/hotspots.py replays traffic through the same functions. The
rows, places and parameters are in hotspot_rows.py, the spike detector in hotspot_spikes.py.

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
from collections import Counter, defaultdict

import numpy as np

from dispatch.hotspot_rows import (
    DEFAULT,
    LEVELS,
    Candidate,
    OpenHotspot,
    Params,
    Row,
    majority_category,
    nested,
    place_of,
    same_category,
)
from dispatch.hotspot_spikes import baseline_windows, find_spikes, poisson_tail
from dispatch.hotspot_text import _vectors, keywords

# The detector's public face: callers use `hotspot_detection as hd` for the rows and the spikes too.
__all__ = [
    "DEFAULT",
    "LEVELS",
    "Candidate",
    "OpenHotspot",
    "Params",
    "Row",
    "baseline_windows",
    "detect",
    "find_clusters",
    "find_spikes",
    "nested",
    "place_of",
    "poisson_tail",
]


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
                if c >= params.join_similarity * (1 if same_category(pool[k].category, hotspot.category) else 2)
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


def _continued(c: Candidate, open_hotspots: list[OpenHotspot], params: Params) -> tuple[OpenHotspot | None, list]:
    """The open hotspot a new cluster continues (module docstring) and the cluster's rows that are alike to
    it (all for a spike); the hotspot taking the most rows wins. (None, []) when none."""
    best, best_rows = None, []
    for h in open_hotspots:
        if not h.members or not same_category(c.category, h.category) or not nested((c.level, c.region), h.place):
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
