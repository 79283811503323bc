"""集中诉求预警, the text side: how alike two calls are (TF-IDF of jieba words and character bigrams, with
document frequencies from the shipped complaints) and the few words that say what a surge is about.
Pure functions, no database; dispatch/hotspot_detection.py links and places the tickets."""

from __future__ import annotations

import csv
import math
from collections import Counter
from functools import lru_cache

import numpy as np

from dispatch.duplicates import normalise_text

# The matter is said in the first sentences; the rest of a long complaint is history and pleading.
HEAD = 200


@lru_cache(maxsize=1)
def _reference_df() -> tuple[int, Counter]:
    """Document frequencies of words and bigrams in the shipped complaints (the pre-tokenized rows of
    fixtures/complaints_train.csv, split on their spaces: no jieba at start-up), so a word's weight does
    not depend on how few tickets a pass happens to look at."""
    from django.conf import settings

    df: Counter = Counter()
    n = 0
    with open(settings.FIXTURES_DIR / "complaints_train.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row.get("form") != "tokenized" or not row.get("text"):
                continue
            n += 1
            words = row["text"].split()
            s = normalise_text("".join(words))[:HEAD]
            df.update({"w:" + w for w in words} | {"c:" + s[i : i + 2] for i in range(len(s) - 1)})
    return n, df


@lru_cache(maxsize=20000)
def _features(text: str) -> Counter:
    from classifier.text import segment

    head = text[:HEAD]
    s = normalise_text(head)
    feats = Counter("w:" + w for w in segment(head))
    feats.update("c:" + s[i : i + 2] for i in range(len(s) - 1))
    return feats


def _vectors(texts: list[str]):
    """Unit rows: TF-IDF of jieba words and of character bigrams, each part unit length, side by side
    (so a cosine is the mean of the two): words carry the matter (停水, 供水), bigrams catch the word
    breaks jieba makes differently. IDF from the reference complaints plus these texts."""
    from scipy.sparse import csr_matrix

    n_ref, df_ref = _reference_df()
    feats = [_features(t) for t in texts]
    df_pool = Counter(f for fs in feats for f in fs)
    n = n_ref + len(texts)
    idf = {f: math.log((1 + n) / (1 + df_ref.get(f, 0) + c)) for f, c in df_pool.items()}
    vocab: dict[str, int] = {}
    indptr, indices, data = [0], [], []
    for fs in feats:
        weights = [(f, (1 + math.log(tf)) * idf[f]) for f, tf in fs.items()]
        norms = {"w": 0.0, "c": 0.0}
        for f, v in weights:
            norms[f[0]] += v * v
        for f, v in weights:
            indices.append(vocab.setdefault(f, len(vocab)))
            data.append(v / (math.sqrt(norms[f[0]]) or 1.0) / math.sqrt(2 if norms["w"] and norms["c"] else 1))
        indptr.append(len(indices))
    if not data:
        return None
    return csr_matrix((np.array(data), np.array(indices), np.array(indptr)), shape=(len(texts), len(vocab)))


def keywords(texts: list[str], background: list[str] | None = None, k: int = 3) -> list[str]:
    """The words (jieba, the classifier's dictionary and stopwords) most typical of `texts`: share of
    the texts using the word, weighted by how rare the word is in `background`."""
    from classifier.text import segment

    docs = [set(segment(t)) for t in texts]
    back = [set(segment(t)) for t in background] if background else docs
    df_back = Counter(w for d in back for w in d)
    df = Counter(w for d in docs for w in d if len(w) > 1)
    n_back = max(len(back), 1)

    def weight(w):
        return (df[w] / len(docs)) * math.log(1 + n_back / df_back.get(w, 1))

    return [w for w, _ in sorted(df.items(), key=lambda kv: (-weight(kv[0]), kv[0]))[:k]]


def summary_line(*, place: str, first_at, last_at, count: int, words: list[str]) -> str:
    """ "金水区文化路街道农大社区 45分钟内6件集中诉求：停水、自来水、来水"."""
    minutes = max(1, round((last_at - first_at).total_seconds() / 60))
    when = f"{minutes}分钟内" if minutes < 120 else f"{round(minutes / 60)}小时内"
    what = "、".join(words) if words else "同类诉求"
    return f"{place} {when}{count}件集中诉求：{what}"[:200]
