"""Duplicate detection: the strict rule for 并单, and the looser hints shown while a call is taken.

Strict (`rank_duplicates`, THRESHOLD): character n-gram cosine similarity on the normalised text.

Characters rather than words because callers describe the same matter with different word breaks;
bigrams and trigrams keep enough order to tell "噪音扰民" from "扰民噪音 …" apart. The threshold is set
high (bench/dispatch.py measures false merges and misses on a constructed set): a false merge hides a
citizen's request, a missed one only costs a second dispatch. Routing's "疑似重复，可并单" notice uses it.

Hints (`rank_hints`, HINT_THRESHOLD): a hint costs nothing — the operator looks and decides — so they
fire on the same place and matter, ranked by how likely the earlier ticket is the same matter:
- candidates are open tickets of the same community in the last HINT_DAYS days (the selector), of the
  same category when both are known;
- two texts naming different estates ("农大家属院" / "西大街小区"), buildings ("3号楼" / "5号楼"), 单元,
  sides ("南门" / "北门", "东侧" / "西侧"), car plates, kinds of establishment ("小学" / "中学", "公司" /
  "洗浴中心") or aspects (收费 / 态度 / 资质) are different matters by rule (`vetoed`), and so are two
  texts whose 事项小类 (dispatch.matters) are both known and share none;
- the others get a probability from a logistic regression (`hint_probability`, weights in
  fixtures/duplicate_hint_model.json, fitted by `manage.py fit_hint_model` on the sets of calls we wrote:
  dispatch.hint_fitting) over `hint_features`: the text score — a cosine over character unigrams and
  bigrams weighted by their rarity in the shipped complaints (every 4th row of
  fixtures/complaints_train.csv), after the place names are cut out: the place is already the same, and
  "小区" or "反映" say nothing while "鸽" or "井盖" say a lot —, the share of grams in common, the texts'
  lengths, whether they share a 事项小类, a building, a kind, an aspect, a side or a 单元, and, when the
  item model is there (classifier.items, routing's second reader), how alike its readings of the two
  texts are (its scores softened and compared, each text's top item's rank in the other's reading);
- candidates come from an index (hint_keys below, dispatch.models.TicketHintKey), not from every open
  ticket of the community.
bench/duplicates.py measures re-calls suggested and unrelated calls suggested on sets we wrote, and that
the strict rule merges none of the unrelated calls. The hand-set score before the fitted model (the text
score + 0.15 for a shared 事项小类 + 0.2 for the same building, ≥ 0.25) hinted 63–86 % of re-calls on the
unseen sets in turn, with 9–36 % of hard unrelated calls (same place and category); the fitted model was
chosen on leave-one-set-out figures (`fit_hint_model --report`: 90.8 % / 27.7 % at 0.4 over the ten hard
sets) and run once on two sets it never saw: fresh10 86.5 % / 46.9 % (the hand-set score 70.8 % /
36.5 %), fresh11 83.3 % / 30.2 % (72.9 % / 24.0 %) — more re-calls hinted, more hard unrelated calls too,
fewer ordinary open tickets hinted; short of issue 13's 90 % / 5 % (README, fixtures/README.md).
"""

import csv
import hashlib
import json
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

HINT_THRESHOLD = 0.4
RANK_CAP = 50
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


class ItemView:
    """What the duplicate hints read of the item model's scores for one text (classifier.items): its scores
    softened at two temperatures and normed (two calls of one matter point at the same few items), the
    rank of every item and the top score. Kept small: candidates' views are cached."""

    __slots__ = ("ranks", "soft_coarse", "soft_sharp", "top", "top_score")

    def __init__(self, scores: np.ndarray):
        self.soft_sharp = _softened(scores, 0.1)
        self.soft_coarse = _softened(scores, 0.3)
        order = np.argsort(-scores)
        self.ranks = np.empty(len(scores), dtype=np.int16)
        self.ranks[order] = np.arange(len(scores), dtype=np.int16)
        self.top = int(order[0])
        self.top_score = float(scores[order[0]])


def _softened(scores: np.ndarray, temperature: float) -> np.ndarray:
    weights = np.exp((scores - scores.max()) / temperature)
    return (weights / np.linalg.norm(weights)).astype(np.float32)


class HintText:
    """What the hint rule reads from one text, computed once (a candidate is compared with one call).
    `reader`: the item model (classifier.items.item_model()), or None to score on the words alone."""

    __slots__ = (
        "aspects",
        "buildings",
        "estates",
        "item_view",
        "items",
        "kinds",
        "length",
        "lines",
        "plates",
        "sides",
        "units",
        "vector",
    )

    def __init__(self, content: str, address: str = "", reader=None):
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
        self.length = len(normalise_text(content))
        self.item_view = ItemView(reader.scores(content)) if reader is not None and content else None


@lru_cache(maxsize=1024)
def _candidate_hint_text(content: str, address: str, reader) -> HintText:
    # An open ticket is a candidate of its community's calls for days: read it once (~5 KB with the item
    # model's view; the reader is part of the key, so a retrained model reads the texts anew).
    return HintText(content, address, reader)


def _named(mine: frozenset, theirs: frozenset) -> float:
    """1 when both texts name one and share it, -1 when either names none (disjoint ones are vetoed)."""
    return 1.0 if mine & theirs else -1.0


def hint_features(new: HintText, old: HintText) -> dict[str, float]:
    """The figures the hint model weighs (the `features` of hint_model()'s variants; the item model's only
    when both texts have its view)."""
    grams_new, grams_old = new.vector.keys(), old.vector.keys()
    union = len(grams_new | grams_old)
    features = {
        "text": _weighted_cosine(new.vector, old.vector),
        "grams_jaccard": len(grams_new & grams_old) / union if union else 0.0,
        "length_ratio": min(new.length, old.length) / max(new.length, old.length, 1),
        "matter_items": _named(new.items, old.items),
        "building": _named(new.buildings, old.buildings),
        "kind": _named(new.kinds, old.kinds),
        "aspect": _named(new.aspects, old.aspects),
        "side": _named(new.sides, old.sides),
        "unit": _named(new.units, old.units),
    }
    a, b = new.item_view, old.item_view
    if a is not None and b is not None:
        features.update(
            item_sharp=float(a.soft_sharp @ b.soft_sharp),
            item_coarse=float(a.soft_coarse @ b.soft_coarse),
            item_same_top=1.0 if a.top == b.top else 0.0,
            item_rank_old_top=float(min(a.ranks[b.top], RANK_CAP)),
            item_rank_new_top=float(min(b.ranks[a.top], RANK_CAP)),
            item_top_new=a.top_score,
            item_top_old=b.top_score,
        )
    return features


def vetoed(new: HintText, old: HintText) -> bool:
    """Different matters by rule: different estates, buildings, 单元, sides (南门 / 北门, 东侧 / 西侧), car
    plates, kinds of establishment, aspects (收费 / 态度 / 资质) or bus lines when both name one, or known
    事项小类 with none in common."""
    from dispatch.matters import same_estate

    if not same_estate(new.estates, old.estates):
        return True
    for mine, theirs in (
        (new.buildings, old.buildings),
        (new.units, old.units),
        (new.kinds, old.kinds),
        (new.aspects, old.aspects),
        (new.sides, old.sides),
        (new.plates, old.plates),
        (new.lines, old.lines),
        (new.items, old.items),
    ):
        if mine and theirs and not (mine & theirs):
            return True
    return False


def hint_model_path() -> Path:
    return Path(settings.BASE_DIR) / "fixtures" / "duplicate_hint_model.json"


@lru_cache(maxsize=1)
def hint_model() -> dict:
    """The fitted weights (fixtures/duplicate_hint_model.json, written by `manage.py fit_hint_model`): one
    logistic regression over the words' figures and one over those and the item model's."""
    return json.loads(hint_model_path().read_text(encoding="utf-8"))


def hint_probability(features: dict[str, float]) -> float:
    """The shipped model's probability that the earlier ticket is the same matter."""
    return variant_probability(hint_model()["variants"]["items" if "item_sharp" in features else "words"], features)


def variant_probability(variant: dict, features: dict[str, float]) -> float:
    """A fitted logistic regression's probability for one pair (variant: features, mean, scale, coef,
    intercept)."""
    x = (np.array([features[name] for name in variant["features"]]) - variant["mean"]) / variant["scale"]
    return float(1.0 / (1.0 + math.exp(-(float(np.dot(variant["coef"], x)) + variant["intercept"]))))


def hint_score(new: HintText, old: HintText) -> float | None:
    """The hint score of an earlier ticket for a new call (the probability that it is the same matter), or
    None when they are different matters by rule (`vetoed`)."""
    if vetoed(new, old):
        return None
    return hint_probability(hint_features(new, old))


def rank_hints(
    content: str,
    tickets: list,
    *,
    address: str = "",
    category: str = "",
    limit: int = 5,
    threshold=None,
    reader=None,
) -> list:
    """[(ticket, score)] best first, score ≥ HINT_THRESHOLD. A ticket whose category is known and differs
    from `category` (when given) is skipped; tickets need `content`, `address`, `category_code`,
    `ai_category`. `reader`: the item model, whose opinion of both texts the score then weighs too."""
    threshold = HINT_THRESHOLD if threshold is None else threshold
    new = HintText(content, address, reader)
    scored = []
    for t in tickets:
        other = t.category_code or t.ai_category
        if category and other and other != category:
            continue
        score = hint_score(new, _candidate_hint_text(t.content or "", t.address or "", reader))
        if score is not None and score >= threshold:
            scored.append((t, round(score, 3)))
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
# rule alone hinted 77.1 %, 66.7 % of fresh6's for 74.0 %; with 14 (and 22 keys) it hinted what the rule
# did on every set (bench/duplicates.py). The fitted hint model also hints re-calls that share few words
# with their first call; for those the item model's ITEM_KEYS top items are keys too (fresh11: the
# selector hinted 76.0 % where the rule hints 83.3 %; with the item keys 82.3 %). After a change of keys,
# `manage.py rebuild_ticket_indexes` files the open tickets anew.
RARE_GRAMS = 14
MAX_KEYS = 22
ITEM_KEYS = 2


def _key(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


def hint_keys(content: str, address: str = "", reader=None) -> list[int]:
    """The hashed keys a text is filed and looked up under (at most MAX_KEYS, the most telling first).
    `reader`: the item model, whose ITEM_KEYS top items are keys too."""
    from dispatch.matters import buildings, compounds, matter_items

    n, df = _document_frequencies()
    grams = {g for g in matter_grams(content) if len(g) == 2}
    rare = sorted(grams, key=lambda g: (df.get(g, 0), g))[:RARE_GRAMS]
    names = [f"i:{item}" for item in sorted(matter_items(content))]
    if reader is not None and content:
        scores = reader.scores(content)
        names += [f"m:{reader.classes[i]}" for i in np.argsort(-scores)[:ITEM_KEYS]]
    names += [f"b:{b}" for b in sorted(buildings(f"{address} {content}"))]
    names += [f"e:{e}" for e in sorted(compounds(f"{address} {content}"))]
    names += [f"g:{g}" for g in rare]
    return [_key(name) for name in dict.fromkeys(names)][:MAX_KEYS]
