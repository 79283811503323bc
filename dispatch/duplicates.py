"""Duplicate detection: character n-gram cosine similarity on the normalised text.

Characters rather than words because callers describe the same matter with different word breaks;
bigrams and trigrams keep enough order to tell "噪音扰民" from "扰民噪音 …" apart. The threshold is set
high (bench/dispatch.py measures false merges and misses on a constructed set): a false merge hides a
citizen's request, a missed one only costs a second dispatch.
"""

import math
import re
from collections import Counter

THRESHOLD = 0.6
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def _normalise(text: str) -> str:
    return _NOISE.sub("", text or "").lower()


def ngrams(text: str, sizes=(2, 3)) -> Counter:
    s = _normalise(text)
    grams = Counter()
    for n in sizes:
        grams.update(s[i : i + n] for i in range(max(0, len(s) - n + 1)))
    return grams


def cosine(a: Counter, b: Counter) -> float:
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    dot = sum(v * b.get(k, 0) for k, v in a.items())
    if not dot:
        return 0.0
    na = math.sqrt(sum(v * v for v in a.values()))
    nb = math.sqrt(sum(v * v for v in b.values()))
    return dot / (na * nb)


def similarity(a: str, b: str) -> float:
    return cosine(ngrams(a), ngrams(b))


def rank_duplicates(content: str, tickets: list, *, limit: int = 5, threshold: float | None = None) -> list:
    threshold = THRESHOLD if threshold is None else threshold
    base = ngrams(content)
    scored = [(t, cosine(base, ngrams(t.content))) for t in tickets]
    scored = [(t, round(s, 3)) for t, s in scored if s >= threshold]
    scored.sort(key=lambda pair: pair[1], reverse=True)
    return scored[:limit]
