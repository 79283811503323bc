"""Spikes of 集中诉求预警: per street and category, the count in the last `spike_window` against the street's
own baseline (hotspot_detection.py's docstring). No database."""

from __future__ import annotations

import datetime
import math
from collections import Counter, defaultdict

from dispatch.hotspot_rows import DEFAULT, Candidate, OpenHotspot, Params, Row, nested, same_category
from dispatch.hotspot_text import keywords


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
        same_category(h.category, category)
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
