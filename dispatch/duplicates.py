"""Duplicate detection: the strict rule for 并单, and the looser hints shown while a call is taken.

Strict (`rank_duplicates`, THRESHOLD): character n-gram cosine similarity on the normalised text.

Characters rather than words because callers describe the same matter with different word breaks;
bigrams and trigrams keep enough order to tell "噪音扰民" from "扰民噪音 …" apart. The threshold is set
high (bench/dispatch.py measures false merges and misses on a constructed set): a false merge hides a
citizen's request, a missed one only costs a second dispatch. Routing's "疑似重复，可并单" notice uses it.

Hints (`rank_hints`, HINT_THRESHOLD): a hint costs nothing — the operator looks and decides — so they
fire on the same place and matter, ranked by how close the texts are:
- candidates are open tickets of the same community in the last HINT_DAYS days (the selector), of the
  same category when both are known;
- two texts naming different estates ("农大家属院" / "西大街小区"), buildings ("3号楼" / "5号楼"), 单元,
  sides ("南门" / "北门", "东侧" / "西侧"), car plates, kinds of establishment ("小学" / "中学", "公司" /
  "洗浴中心") or aspects (收费 / 态度 / 资质) are different matters, and so are two texts
  whose 事项小类 (dispatch.matters) are both known and share none;
- the text score is a cosine over character unigrams and bigrams weighted by their rarity in the
  shipped complaints (every 4th row of fixtures/complaints_train.csv), after the place names are cut out: the place is
  already the same, and "小区" or "反映" say nothing while "鸽" or "井盖" say a lot; a shared 事项小类
  adds ITEM_BONUS and the same building BUILDING_BONUS (a re-call often names only the building and the
  matter in other words: "2号楼楼道堆满杂物" / "2号楼楼梯间全是住户堆的破烂");
- candidates come from an index (hint_keys below, dispatch.models.TicketHintKey), not from every open
  ticket of the community.
bench/duplicates.py measures re-calls suggested and unrelated calls suggested on sets we wrote, and that
the strict rule merges none of the unrelated calls. Honest figures (sets written before tuning, each run
once): 86 %, 68 % and 63 % of re-calls hinted on three unseen sets in turn (main's rule: 74 %, 60 %, 58 %),
with 9 %, 14 % and 22 % of hard unrelated calls (same place and category) hinted, and 77 % / 28 % on a
fourth (fresh4). The 单元/side/plate vetoes (issue 13's third round) cost no re-call on any set and cut
fresh4's unrelated hints to 24 %; on the unseen fifth set (fresh5) 78 % of re-calls are hinted and 31 % of
unrelated calls (main's rule: 78 % / 33 %); with the kind-of-establishment and aspect vetoes, on the
unseen sixth (fresh6) 73 % / 32 % (the rule before these rounds: 74 % / 39 %): short of issue 13's
90 % / 5 % (fixtures/README.md).
"""

import csv
import hashlib
import math
import re
import zlib
from collections import Counter
from functools import lru_cache
from pathlib import Path

import numpy as np
from django.conf import settings

from classifier.text import normalize

THRESHOLD = 0.6
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def normalise_text(text: str) -> str:
    return _NOISE.sub("", text or "").lower()


def ngrams(text: str, sizes=(2, 3)) -> Counter:
    s = normalise_text(text)
    grams = Counter()
    for n in sizes:
        grams.update(s[i : i + n] for i in range(max(0, len(s) - n + 1)))
    return grams


def similarity(a: str, b: str) -> float:
    return cosine(_normed(a), _normed(b))


# --- candidates: MinHash bands ----------------------------------------------------------------------
# The strict rule compares a new ticket with candidates, not with every open ticket of the community:
# candidates are the tickets sharing at least one band of BANDS × ROWS MinHash values over the same
# character 2- and 3-grams (dispatch.models.TicketSketch, one row per band), plus the newest few open
# tickets (selectors). Two texts whose gram sets have Jaccard similarity J share a band with probability
# 1 − (1 − J^ROWS)^BANDS: 0.96 at J = 0.35, below which a pair hardly reaches the cosine THRESHOLD (equal
# sizes: cosine 0.6 ≈ J 0.43), and 0.06 for unrelated texts of the same community (J ≈ 0.05). The work
# per ticket is bounded by the candidate limit, whatever the number of open tickets.
BANDS = 24
ROWS = 2
_PRIME = (1 << 31) - 1
_rng = np.random.default_rng(20260315)  # fixed: sketches stored by one process are read by all others
_A = _rng.integers(1, _PRIME, size=BANDS * ROWS, dtype=np.int64)
_B = _rng.integers(0, _PRIME, size=BANDS * ROWS, dtype=np.int64)


def _gram_id(gram: str) -> int:
    return zlib.crc32(gram.encode("utf-8")) & _PRIME


def sketch_bands(text: str) -> list[int]:
    """The BANDS band values (signed 64-bit) of a text's MinHash sketch; [] for a text without grams."""
    return list(_sketch_bands(text))


@lru_cache(maxsize=256)
def _sketch_bands(text: str) -> tuple[int, ...]:
    # Routing asks twice per ticket: for its duplicate candidates, then for the rows it stores.
    grams = ngrams(text)
    if not grams:
        return ()
    ids = np.fromiter((_gram_id(g) for g in grams), dtype=np.int64, count=len(grams))
    mins = ((_A[:, None] * ids[None, :] + _B[:, None]) % _PRIME).min(axis=1).reshape(BANDS, ROWS)
    bands = []
    for j, row in enumerate(mins):
        digest = hashlib.blake2b(f"{j}:{row[0]}:{row[1]}".encode(), digest_size=8).digest()
        bands.append(int.from_bytes(digest, "big", signed=True))
    return tuple(bands)


def _normed(text: str) -> tuple[Counter, float]:
    grams = ngrams(text)
    return grams, math.sqrt(sum(v * v for v in grams.values()))


@lru_cache(maxsize=1024)
def _candidate_grams(text: str) -> tuple[Counter, float]:
    # The same open tickets are the candidates of every new ticket of their community for days: their
    # grams and norm are kept (read-only) instead of recounted for each comparison. ~1024 texts, a few MB.
    return _normed(text)


def cosine(a: tuple[Counter, float], b: tuple[Counter, float]) -> float:
    """Cosine of two (grams, norm) pairs (`_normed`): a candidate's norm is computed once and cached."""
    (ga, na), (gb, nb) = a, b
    if not ga or not gb:
        return 0.0
    if len(ga) > len(gb):
        ga, gb = gb, ga
    dot = sum(v * gb.get(k, 0) for k, v in ga.items())
    if not dot:
        return 0.0
    return dot / (na * nb)


def rank_duplicates(content: str, tickets: list, *, limit: int = 5, threshold: float | None = None) -> list:
    threshold = THRESHOLD if threshold is None else threshold
    base = _normed(content)
    scored = [(t, cosine(base, _candidate_grams(t.content))) for t in tickets]
    scored = [(t, round(s, 3)) for t, s in scored if s >= threshold]
    scored.sort(key=lambda pair: pair[1], reverse=True)
    return scored[:limit]


# --- hints ------------------------------------------------------------------------------------------

HINT_THRESHOLD = 0.25
ITEM_BONUS = 0.15
BUILDING_BONUS = 0.2
HINT_DAYS = 30
_NOT_HANZI = re.compile(r"[\W_\d]+", re.UNICODE)
# District before a street, streets, communities and villages: the place, not the matter.
_PLACE = re.compile(
    r"[\u4e00-\u9fa5]{1,6}?(?:区|县|市)(?=[\u4e00-\u9fa5]{2,6}?(?:街道|镇|乡))|[\u4e00-\u9fa5]{2,6}?(?:街道|社区|村)"
)


def strip_admin_places(text: str) -> str:
    """The normalised text with district, street and community names cut out."""
    return _PLACE.sub(" ", normalize(text or ""))


def _strip_places(text: str) -> str:
    from dispatch.matters import BUILDING_RE, COMPOUND_RE

    text = strip_admin_places(text)
    for pattern in (BUILDING_RE, COMPOUND_RE):
        text = pattern.sub(" ", text)
    return text


def matter_grams(text: str) -> Counter:
    """Character unigrams and bigrams of the text with its place names cut out (no digits, no
    punctuation, no n-gram across a cut)."""
    grams = Counter()
    for run in _NOT_HANZI.split(_strip_places(text)):
        grams.update(run)
        grams.update(run[i : i + 2] for i in range(len(run) - 1))
    return grams


def _background_path() -> Path:
    return Path(settings.BASE_DIR) / "fixtures" / "complaints_train.csv"


# Every 4th shipped complaint (about 1,900): rarity needs no more, and reading them all costs ~4.5 s CPU.
BACKGROUND_EVERY = 4


@lru_cache(maxsize=1)
def _document_frequencies() -> tuple[int, dict]:
    """How many of the sampled shipped complaints hold each gram; read once per process (~1 s CPU)."""
    df: Counter = Counter()
    n = 0
    path = _background_path()
    if path.exists():
        with path.open(encoding="utf-8", newline="") as f:
            for i, row in enumerate(csv.DictReader(f)):
                if i % BACKGROUND_EVERY:
                    continue
                grams = set()
                for run in _NOT_HANZI.split(normalize(row["text"].replace(" ", ""))):
                    grams.update(run)
                    grams.update(run[j : j + 2] for j in range(len(run) - 1))
                df.update(grams)
                n += 1
    return n, dict(df)


def _weights(grams: Counter) -> dict:
    n, df = _document_frequencies()
    return {g: c * (math.log((n + 1) / (df.get(g, 0) + 1)) + 1) for g, c in grams.items()}


def _weighted_cosine(a: dict, b: dict) -> float:
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    dot = sum(v * b.get(k, 0.0) for k, v in a.items())
    if not dot:
        return 0.0
    return dot / (math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values())))


class HintText:
    """What the hint rule reads from one text, computed once (a candidate is compared with one call)."""

    __slots__ = ("aspects", "buildings", "estates", "items", "kinds", "lines", "plates", "sides", "units", "vector")

    def __init__(self, content: str, address: str = ""):
        from dispatch.matters import aspects, buildings, compounds, kinds, lines, matter_items, plates, sides, units

        self.buildings = buildings(f"{address} {content}")
        self.estates = compounds(f"{address} {content}")
        self.units = units(f"{address} {content}")
        self.kinds = kinds(content)
        self.aspects = aspects(content)
        self.sides = sides(f"{address} {content}")
        self.plates = plates(content)
        self.lines = lines(content)
        self.items = matter_items(content)
        self.vector = _weights(matter_grams(content))


def hint_score(new: HintText, old: HintText) -> float | None:
    """The hint score of an earlier ticket for a new call, or None when they are different matters by
    rule: different estates, buildings, 单元, sides (南门 / 北门, 东侧 / 西侧), car plates, kinds of
    establishment, aspects (收费 / 态度 / 资质) or bus lines when both name one, or known 事项小类 with none
    in common."""
    from dispatch.matters import same_estate

    if not same_estate(new.estates, old.estates):
        return None
    for mine, theirs in (
        (new.buildings, old.buildings),
        (new.units, old.units),
        (new.kinds, old.kinds),
        (new.aspects, old.aspects),
        (new.sides, old.sides),
        (new.plates, old.plates),
        (new.lines, old.lines),
    ):
        if mine and theirs and not (mine & theirs):
            return None
    shared = new.items & old.items
    if new.items and old.items and not shared:
        return None
    same_building = bool(new.buildings & old.buildings)
    return (
        _weighted_cosine(new.vector, old.vector)
        + (ITEM_BONUS if shared else 0.0)
        + (BUILDING_BONUS if same_building else 0.0)
    )


def rank_hints(
    content: str, tickets: list, *, address: str = "", category: str = "", limit: int = 5, threshold=None
) -> list:
    """[(ticket, score)] best first, score ≥ HINT_THRESHOLD. A ticket whose category is known and differs
    from `category` (when given) is skipped; tickets need `content`, `address`, `category_code`,
    `ai_category`."""
    threshold = HINT_THRESHOLD if threshold is None else threshold
    new = HintText(content, address)
    scored = []
    for t in tickets:
        other = t.category_code or t.ai_category
        if category and other and other != category:
            continue
        score = hint_score(new, HintText(t.content, t.address))
        if score is not None and score >= threshold:
            scored.append((t, round(min(score, 1.0), 3)))
    scored.sort(key=lambda pair: pair[1], reverse=True)
    return scored[:limit]


# --- hint candidates: keys ---------------------------------------------------------------------------
# A routed ticket is filed under a few keys of its community (dispatch.models.TicketHintKey): each
# 事项小类, building and estate it names, and the RARE_GRAMS rarest bigrams of its text with the places cut
# out. A call's candidates are the newest few open tickets under each of its own keys (and the community's
# newest, not routed yet), so a re-call that shares a matter, a building or a rare word with its first call
# is read whatever the number of open tickets, and the work is bounded by keys × tickets per key. With 6
# rare bigrams (and at most 14 keys) a re-call in other words often shared none with its first call: with
# 200 newer open tickets per community the intake's selector hinted 67.7 % of fresh4's re-calls where the
# rule alone hinted 77.1 %, 66.7 % of fresh6's for 74.0 %; with 14 (and 22 keys) it hints what the rule
# does on every set (bench/duplicates.py).
RARE_GRAMS = 14
MAX_KEYS = 22


def _key(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


def hint_keys(content: str, address: str = "") -> list[int]:
    """The hashed keys a text is filed and looked up under (at most MAX_KEYS, the most telling first)."""
    from dispatch.matters import buildings, compounds, matter_items

    n, df = _document_frequencies()
    grams = {g for g in matter_grams(content) if len(g) == 2}
    rare = sorted(grams, key=lambda g: (df.get(g, 0), g))[:RARE_GRAMS]
    names = [f"i:{item}" for item in sorted(matter_items(content))]
    names += [f"b:{b}" for b in sorted(buildings(f"{address} {content}"))]
    names += [f"e:{e}" for e in sorted(compounds(f"{address} {content}"))]
    names += [f"g:{g}" for g in rare]
    return [_key(name) for name in dict.fromkeys(names)][:MAX_KEYS]
