"""Place resolution: which district, street and community a free-text address names.

One in-memory index per process: every display name, official name and common short form of the 3,530
regions, looked up by scanning the text once (leftmost-longest, a dict probe per position and length).
The index is rebuilt when the regions change: the writer calls `address_index_invalidate()` (here and,
through a version key in the cache, in the other processes, which check it at most every few seconds).

Scoring: each level that the text names and that agrees with a candidate adds its weight (district 0.25,
street 0.35, community 0.40), halved when only the bare core of the name matched ("文化路" for
文化路街道, "农大" for 农大社区), because bare cores also name roads and shops. A candidate is *certain*
when no other candidate comes close and its deepest level was named in full (or in short under a level
named in full). Otherwise the fields hold only what all close candidates agree on.

Where the divisions agree on no district, the 地名库 (governance.models.PlaceName) is read: a landmark or
station names its district (and its street, where the 地名库 records one); roads name the one district they
all run through ("农业路与经三路交叉口" → 金水区), or none.
"""

import re
import threading
import time
from dataclasses import dataclass, field

from common.chinese import simplified
from common.versions import shared_version, shared_version_bump
from governance import names
from governance.models import PlaceName, Region

WEIGHTS = {"district": 0.25, "street": 0.35, "community": 0.40}
STRONG, WEAK = 1.0, 0.5
# A runner-up closer than this (and above half the best score) makes the best not certain.
MARGIN = 0.25
MAX_CANDIDATES = 10
ROAD_ENDINGS = ("路", "街", "道", "巷", "里")
VERSION_KEY = "governance:address-index-version"
VERSION_CHECK_SECONDS = 2.0

_WHITESPACE = re.compile(r"\s+")
_FULLWIDTH = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)} | {"\u3000": ""})


def normalise(text: str) -> str:
    """Half-width, simplified (金水區 → 金水区), without spaces: how addresses and names are compared."""
    return _WHITESPACE.sub("", simplified((text or "").translate(_FULLWIDTH)))


@dataclass(frozen=True)
class AddressCandidate:
    district: Region | None
    street: Region | None
    community: Region | None
    score: float
    matched: str


@dataclass(frozen=True)
class AddressMatch:
    district: Region | None = None
    street: Region | None = None
    community: Region | None = None
    score: float = 0.0
    certain: bool = False
    candidates: list[AddressCandidate] = field(default_factory=list)
    # The 地名库 names that placed it, when the divisions alone did not ("农业路", "经三路").
    place_names: tuple[str, ...] = ()

    @property
    def deepest(self) -> Region | None:
        return self.community or self.street or self.district


NO_MATCH = AddressMatch()


@dataclass(frozen=True)
class NamedPlace:
    """One 地名库 entry as the index reads it: district codes, and a street code for a place that has one."""

    name: str
    road: bool
    districts: frozenset[str]
    street: str | None


class AddressIndex:
    def __init__(self, regions, version: str, place_names=()):
        self.version = version
        self.regions: dict[str, Region] = {r.code: r for r in regions}
        self.aliases: dict[str, list[tuple[str, float]]] = {}
        for region in self.regions.values():
            for alias, strength in self._aliases_of(region):
                self._add(alias, region.code, strength)
        self.first_chars = {alias[0] for alias in self.aliases}
        self.max_len = max((len(a) for a in self.aliases), default=0)
        self.named: dict[str, NamedPlace] = {}
        for place in place_names:
            self._add_named(place)
        self.named_first_chars = {alias[0] for alias in self.named}
        self.named_max_len = max((len(a) for a in self.named), default=0)

    def _add_named(self, place):
        districts = frozenset(r.code for r in place.districts.all())
        for alias in {place.name, *place.alias_list}:
            alias = normalise(alias)
            if len(alias) < 2:
                continue
            # A name the divisions also give to a region of another district ("王寨": villages of several
            # counties), or that another entry bears too (东风路 of 金水区 and of 中牟县), is either place: it
            # keeps every district it may mean, and no street.
            elsewhere = {
                code[:6] + "000000"
                for code, _ in self.aliases.get(alias, ())
                if self.regions[code].level != Region.Level.CITY
            }
            entry = NamedPlace(name=place.name, road=place.kind == "road", districts=districts, street=place.street_id)
            other = self.named.get(alias)
            if other is not None and other.name != entry.name:
                entry = NamedPlace(
                    name=other.name, road=other.road and entry.road, districts=other.districts | districts, street=None
                )
            if not elsewhere <= entry.districts:
                entry = NamedPlace(name=entry.name, road=entry.road, districts=entry.districts | elsewhere, street=None)
            self.named[alias] = entry

    def _add(self, alias: str, code: str, strength: float):
        alias = simplified(alias)  # a few official names hold traditional characters (啟福社区)
        if len(alias) < 2:
            return
        entries = self.aliases.setdefault(alias, [])
        for i, (other, other_strength) in enumerate(entries):
            if other == code:
                entries[i] = (code, max(strength, other_strength))
                return
        entries.append((code, strength))

    def _aliases_of(self, region: Region):
        name, official = region.name, region.official_name
        if region.level == Region.Level.CITY:
            return [(a, STRONG) for a in (*names.CITY_ALIASES, name, official)]
        aliases = [(name, STRONG), (official, STRONG)]
        if region.level == Region.Level.DISTRICT:
            aliases += [(a, STRONG) for a in names.DISTRICT_ALIASES.get(region.code, ())]
            if region.code in names.WEAK_DISTRICT_CORES:
                aliases.append((names.WEAK_DISTRICT_CORES[region.code], WEAK))
            return aliases
        core = names.core_name(name, region.level)
        if core != name:
            aliases.append((core, WEAK))
        if region.level == Region.Level.COMMUNITY:
            street = self.regions.get(region.code[:9] + "000")
            # "东风路文北社区" is called "文北社区" in its own street.
            if street is not None:
                street_core = names.core_name(street.name, "street")
                if name.startswith(street_core) and len(name) - len(street_core) >= 3:
                    short = name[len(street_core) :]
                    aliases.append((short, STRONG))
                    short_core = names.core_name(short, "community")
                    if short_core != short:
                        aliases.append((short_core, WEAK))
        return aliases

    def scan(self, text: str) -> list[tuple[str, str, float]]:
        """(matched text, region code, strength) for each alias found, leftmost-longest, non-overlapping."""
        return [
            (matched, code, strength)
            for matched, entries in _scan(text, self.aliases, self.first_chars, self.max_len)
            for code, strength in entries
        ]

    def scan_named(self, text: str) -> list[NamedPlace]:
        """The 地名库 entries the text names, leftmost-longest, each once."""
        found = {}
        for _, entry in _scan(text, self.named, self.named_first_chars, self.named_max_len):
            found.setdefault(entry.name, entry)
        return list(found.values())


def _scan(text: str, table: dict, first_chars: set[str], max_len: int) -> list[tuple[str, object]]:
    hits = []
    i, n = 0, len(text)
    while i < n:
        if text[i] not in first_chars:
            i += 1
            continue
        for length in range(min(max_len, n - i), 1, -1):
            entry = table.get(text[i : i + length])
            if entry:
                hits.append((text[i : i + length], entry))
                i += length
                break
        else:
            i += 1
    return hits


_lock = threading.Lock()
_index: AddressIndex | None = None
_checked_at = 0.0


def address_index_invalidate() -> None:
    """Forget the index here and tell other processes (through the cache) to rebuild theirs."""
    global _index
    with _lock:
        _index = None
    shared_version_bump(VERSION_KEY)


def address_index() -> AddressIndex:
    global _index, _checked_at
    index = _index
    now = time.monotonic()
    if index is not None and now - _checked_at > VERSION_CHECK_SECONDS:
        _checked_at = now
        version = shared_version(VERSION_KEY)
        if version is not None and version != index.version:
            index = None
    if index is None:
        with _lock:
            version = shared_version(VERSION_KEY) or ""
            index = AddressIndex(Region.objects.all(), version, PlaceName.objects.prefetch_related("districts"))
            _index, _checked_at = index, now
    return index


def _chain(index: AddressIndex, code: str) -> tuple[Region | None, Region | None, Region | None]:
    region = index.regions[code]
    if region.level == Region.Level.DISTRICT:
        return region, None, None
    district = index.regions.get(code[:6] + "000000")
    if region.level == Region.Level.STREET:
        return district, region, None
    return district, index.regions.get(code[:9] + "000"), region


def region_for_address(text: str) -> AddressMatch:
    """Resolve a free-text address to district/street/community.

    Callers may rely on: unknown places → `NO_MATCH` (all None, certain=False, no candidates); `certain`
    is True only when one reading clearly wins; when not certain, `district`/`street`/`community` hold
    only what every close reading agrees on (possibly nothing) and `candidates` lists the readings, best
    first (at most 10). Where the divisions agree on no district, the 地名库 may name it (`place_names`
    says which entries did): certain only when a place recorded with its street names that street.
    """
    index = address_index()
    text = normalise(text)
    match = _divisions_reading(index, text)
    if match.district is None and index.named:
        return _named_reading(index, text, match) or match
    return match


def _named_reading(index: AddressIndex, text: str, match: AddressMatch) -> AddressMatch | None:
    """The district (and street) the 地名库 entries of the text agree on, or None: the places must all lie
    in one district that every road named runs through; without a place, the roads must share exactly one
    district ("农业路与经三路" → 金水区; a road through three districts alone names none); a district the
    text names, however weakly, must be that one."""
    entries = index.scan_named(text)
    if not entries:
        return None
    places = [e for e in entries if not e.road]
    # A district the text names, even by a bare core the divisions alone do not trust ("郑上路荥阳段": 荥阳),
    # narrows the entries.
    named_districts = [
        frozenset([code]) for _, code, _ in index.scan(text) if index.regions[code].level == Region.Level.DISTRICT
    ]
    common = frozenset.intersection(*(e.districts for e in entries), *named_districts)
    if len(common) != 1:
        return None
    (district_code,) = common
    streets = {e.street for e in places}
    street_code = streets.pop() if len(streets) == 1 else None
    street = index.regions.get(street_code) if street_code else None
    if street is not None and not street.code.startswith(district_code[:6]):
        street = None
    return AddressMatch(
        district=index.regions[district_code],
        street=street,
        score=match.score,
        certain=street is not None,
        candidates=match.candidates,
        place_names=tuple(e.name for e in entries),
    )


def _divisions_reading(index: AddressIndex, text: str) -> AddressMatch:
    hits = index.scan(text)
    evidence: dict[str, tuple[float, str]] = {}
    for matched, code, strength in hits:
        if index.regions[code].level == Region.Level.CITY:
            continue
        if code not in evidence or evidence[code][0] < strength:
            evidence[code] = (strength, matched)
    if not evidence:
        return NO_MATCH

    def reading(code):
        district, street, community = _chain(index, code)
        levels = {"district": district, "street": street, "community": community}
        score, matched, strengths = 0.0, [], {}
        for level, region in levels.items():
            if region is not None and region.code in evidence:
                strength, text_matched = evidence[region.code]
                score += WEIGHTS[level] * strength
                matched.append(text_matched)
                strengths[level] = strength
        return (round(score, 4), levels, " ".join(matched), strengths)

    chains = {code: reading(code) for code in evidence}

    # A two-character bare core on its own ("幸福", "上街") is an ordinary word far more often than a place.
    chains = {
        code: c
        for code, c in chains.items()
        if max(c[3].values()) == STRONG or any(len(m) >= 3 for m in c[2].split(" "))
    }
    if not chains:
        return NO_MATCH

    # A reading that stops at a region another reading goes below adds nothing: drop it.
    def deepest_only(chains):
        codes = set(chains)
        return {
            code: c
            for code, c in chains.items()
            if index.regions[code].level == Region.Level.COMMUNITY
            or not any(other != code and other.startswith(index.regions[code].prefix) for other in codes)
        }

    chains = deepest_only(chains)

    # A reading whose deepest place is only a bare core ("幸福路" → 幸福社区) is noise once another reading
    # names its deepest place in full; what it named in full above the core still counts: a community's
    # core under its street named in full is read as that street ("金水区东风路街道森林半岛小区": 金水区's
    # 东风路街道, not 中牟县's), and again gives way to a reading below that street.
    def deepest_strong(code):
        return chains[code][3].get(index.regions[code].level) == STRONG

    if any(deepest_strong(code) for code in chains):
        kept = {}
        for code, c in chains.items():
            if deepest_strong(code):
                kept[code] = c
            elif index.regions[code].level == Region.Level.COMMUNITY and c[3].get("street") == STRONG:
                street_code = code[:9] + "000"
                kept.setdefault(street_code, reading(street_code))
        chains = deepest_only(kept)

    ranked = sorted(chains.items(), key=lambda item: (-item[1][0], item[0]))
    candidates = [
        AddressCandidate(
            district=levels["district"], street=levels["street"], community=levels["community"], score=score, matched=m
        )
        for _, (score, levels, m, _) in ranked[:MAX_CANDIDATES]
    ]
    best_code, (best_score, best_levels, _, best_strengths) = ranked[0]
    close = [c for c in candidates[1:] if not _clearly_behind(best_score, c.score)]
    deepest_level = index.regions[best_code].level
    parent_level = {"community": "street", "street": "district"}.get(deepest_level)
    named_in_full = (
        best_strengths.get(deepest_level) == STRONG
        or (parent_level is not None and best_strengths.get(parent_level) == STRONG)
        or _corroborated_core(evidence[best_code][1], best_strengths)
    )
    if not close and named_in_full:
        return AddressMatch(**best_levels, score=best_score, certain=True, candidates=candidates)
    agreed = {}
    for level in ("district", "street", "community"):
        region = best_levels[level]
        if region is None or any(getattr(c, level) != region for c in close):
            break
        # A level inferred from a bare core alone ("丰产路" → 丰产路街道 → 金水区) is a guess: stop there.
        if not named_in_full and best_strengths.get(level) != STRONG:
            break
        agreed[level] = region
    if "district" not in agreed:
        district = _crossroads_district(index, chains)
        if district is not None:
            agreed["district"] = district
    return AddressMatch(**agreed, score=best_score, certain=False, candidates=candidates)


def _crossroads_district(index: AddressIndex, chains: dict) -> Region | None:
    """The district two roads agree on when each is read only as the namesake of a street ("文化路与东风路交叉口":
    文化路街道 and 东风路街道 both lie in 金水区, 东风路街道 in 中牟县 too): the one district where two different
    roads are read, if there is one. A single road stays a guess ("丰产路")."""
    roads: dict[str, set[str]] = {}
    for code, (_score, levels, matched, strengths) in chains.items():
        if index.regions[code].level == Region.Level.STREET and strengths.get("street") == WEAK:
            roads.setdefault(levels["district"].code, set()).add(matched.split(" ")[-1])
    agreeing = [code for code, names in roads.items() if len(names) >= 2]
    return index.regions[agreeing[0]] if len(agreeing) == 1 else None


def routable_place(match: AddressMatch) -> tuple[Region | None, Region | None, Region | None]:
    """(district, street, community) that routing may act on: all of a certain match; of an uncertain one,
    the district its close readings agree on ("二七区大学路与陇海路交叉口": 二七区 named in full, the roads
    also read as places of other districts far behind) or its two roads do ("文化路与东风路交叉口"), never a
    street or community it is unsure of."""
    if match.certain:
        return match.district, match.street, match.community
    return match.district, None, None


# What an address may say around its city and district without naming a place inside them.
_NOT_A_SITE = re.compile(
    r"河南省?|这边|那边|附近|一带|境内|辖区|区域|地区|那儿|这儿|这里|那里|[^\u4e00-\u9fff0-9A-Za-z]"
)


def names_site(address: str) -> bool:
    """Whether an address names a spot inside its district: a street, a road or crossroads, a 小区, a
    village, a shop ("经开区第八大街与经南五路交叉口", "高新区科学大道"), not only the city and the district or
    county ("惠济区", "郑州市中牟县"). An empty address names none."""
    text = normalise(address)
    index = address_index()
    # The scan gives one hit per region an alias names: each city or district name is taken out once.
    above = (Region.Level.CITY, Region.Level.DISTRICT)
    for matched in {m for m, code, _ in index.scan(text) if index.regions[code].level in above}:
        text = text.replace(matched, "", 1)
    return len(_NOT_A_SITE.sub("", text)) >= 2


def _corroborated_core(matched: str, strengths: dict[str, float]) -> bool:
    """A bare core of three or more characters that is no road name ("关虎屯", not "新郑路") under a district
    named in full: "金水区关虎屯" is as good as "金水区关虎屯村"."""
    return len(matched) >= 3 and not matched.endswith(ROAD_ENDINGS) and strengths.get("district") == STRONG


def _clearly_behind(best: float, other: float) -> bool:
    return round(best - other, 4) >= MARGIN or other <= best * 0.5
