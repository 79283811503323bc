"""The plain rows and places of 集中诉求预警 (hotspot_detection.py): parameters, a ticket row, an open hotspot,
a candidate surge, and how regions nest. No database."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

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


def nested(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """Whether one (level, region code) place lies inside the other (or they are the same)."""
    (level_a, code_a), (level_b, code_b) = a, b
    if LEVELS.index(level_a) <= LEVELS.index(level_b):
        return ancestor(code_a, level_b) == code_b
    return ancestor(code_b, level_a) == code_a


def same_category(a: str, b: str) -> bool:
    return not a or not b or a == b
