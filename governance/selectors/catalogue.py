"""Choosing the matter item (事项) of a call: the item's signal words found in the text, weighed by the
classifier's belief in the item's first-level category.

- Each active item scores the words of its `signal_words` that occur in the text, a word counting its
  length (at most 4 characters' worth): "暖气不热" says more than "暖气". Words whose places in the text
  overlap count once (the longest): "暖气" inside "暖气不热", or "车乱停" and "乱停乱放" sharing 乱停. A
  word of four or more characters also matches when a caller puts a few characters between two of its
  parts ("暖气片一直不热" for "暖气不热", "电动车推到楼道口充电" for "楼道充电", "电动车被人偷了" for
  "电动车被偷"): callers rarely say the catalogue's exact phrase.
- The score is multiplied by `PRIOR_FLOOR + PRIOR_WEIGHT × p(一级分类)`. Categories the classifier has
  never seen (政法, 民政 … the eight unlabelled ones) are absent from its probabilities; its silence says
  nothing about them, so their items get a neutral `UNTRAINED_PRIOR` rather than 0 (with 0 a generic word
  of a trained category, "价格", outweighed the specific word of an untrained one, "公墓").
- The choice is *certain* (may be dispatched without a person) when the best item has at least one
  signal word; no item of another lead unit type comes close (RIVAL_MARGIN), nor has more words than it
  (then only the classifier's belief put it first, and that is the weaker signal on callers' phrasing:
  "地铁站的电梯坏了" is the metro's, though the classifier is sure 电梯 is 特种设备); and either the item's
  category has the classifier's support (`category_supports`: its top category, or one it gives
  ≥ SUPPORT_PROBABILITY), or its words alone are strong (STRONG_WORDS), or it lies in one of the
  categories the classifier was never trained on: there its top category is no counter-opinion (it can
  only name one of the seven it knows), so one signal word suffices as for a supported category ("判决书…
  不执行" → 民事诉讼, "卖病死的猪肉" → 疫情防控; on bench/routing.py's eight sets this dispatched 19 more
  calls right and 1 more wrong). Otherwise the call waits for a dispatcher with the reason, and the top
  items are its suggestions.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

from django.db import DatabaseError
from django.db.models import Count, Max

from governance.caching import memo
from governance.models import CatalogueItem

WORD_WEIGHT_CAP = 4
PRIOR_FLOOR = 0.6
PRIOR_WEIGHT = 0.8
MIN_WORDS = 2  # one two-character word
STRONG_WORDS = 3  # e.g. one three-character word ("身份证", "红绿灯") or two two-character words
RIVAL_MARGIN = 1.3
SUPPORT_PROBABILITY = 0.2  # a category the classifier gives this much is a plausible second opinion
UNTRAINED_PRIOR = 0.3
GAP_CHARS = 3  # characters a caller may put between the two halves of a long signal word

REASON_NO_WORDS = "无法确定事项：文本中没有派单目录事项的识别词（可能属于未训练的一级分类），请人工判断"
REASON_CLOSE = "事项不明确：“{a}”与“{b}”得分接近而承办单位不同，请人工判断"
REASON_WEAK = "事项“{a}”不在分类器判断的一级分类“{c}”内，且识别词不足，请人工判断"


@dataclass(frozen=True)
class IndexedItem:
    pk: int
    path: str
    name: str
    level1: str
    lead_department_type: str
    words: tuple[str, ...]
    gapped: tuple[tuple[str, re.Pattern], ...] = ()


def _split_points(word: str) -> list[int]:
    """Where a caller may put a few characters inside a signal word of 4+ characters: between any two
    halves of 2+ characters ("暖气…不热"), and at any jieba word boundary, also one that leaves a single
    character on one side ("电动车被…偷" for 电动车被人偷, "暖气不…热" for 暖气不太热)."""
    from classifier.text import get_tokenizer

    points = set(range(2, len(word) - 1))
    edge = 0
    for token in get_tokenizer().lcut(word, HMM=False)[:-1]:
        edge += len(token)
        points.add(edge)
    return sorted(points)


# A two-character verb-object word (离合词: 停电, 停水, 打架, 漏水, 跳闸) is split by callers with an aspect
# particle or 的 and a short count: "停的电", "停了两回水", "打了一架".
SPLIT_PARTICLES = "了的过着"


def _gapped_patterns(words) -> tuple[tuple[str, re.Pattern], ...]:
    """For each word of 4+ characters, a pattern matching it with up to GAP_CHARS characters (not across
    a sentence) at one of its split points (`_split_points`); for each two-character word, the pattern
    of it split by a particle (SPLIT_PARTICLES) and at most two more characters."""
    out = []
    for w in words:
        if len(w) == 2:
            pattern = f"{re.escape(w[0])}[{SPLIT_PARTICLES}][^，。！？,.!?；;]{{0,2}}{re.escape(w[1])}"
            out.append((w, re.compile(pattern)))
            continue
        if len(w) < 4:
            continue
        splits = [f"{re.escape(w[:k])}[^，。！？,.!?；;]{{1,{GAP_CHARS}}}{re.escape(w[k:])}" for k in _split_points(w)]
        out.append((w, re.compile("|".join(splits))))
    return tuple(out)


@dataclass(frozen=True)
class ItemScore:
    item_id: int
    path: str
    name: str
    level1: str
    lead_department_type: str
    score: float  # weighted
    word_score: int  # words alone
    words: tuple[str, ...]

    def as_dict(self) -> dict:
        return {
            "item": self.item_id,
            "path": self.path,
            "name": self.name,
            "category": self.level1,
            "lead_type": self.lead_department_type,
            "score": round(self.score, 3),
            "words": list(self.words),
        }


@dataclass(frozen=True)
class ItemChoice:
    top: list[ItemScore] = field(default_factory=list)
    certain: bool = False
    reason: str = ""

    @property
    def best(self) -> ItemScore | None:
        return self.top[0] if self.top else None


_lock = threading.Lock()
_cache: dict = {"key": None, "items": ()}


def catalogue_index() -> tuple[IndexedItem, ...]:
    """The active items with their words, rebuilt when an item is added, removed or edited."""
    stamp = memo(("catalogue-stamp",), lambda: CatalogueItem.objects.aggregate(n=Count("pk"), last=Max("updated_at")))
    key = (stamp["n"], stamp["last"])
    with _lock:
        if _cache["key"] == key:
            return _cache["items"]
    items = tuple(
        IndexedItem(
            pk=i.pk,
            path=i.path,
            name=i.name,
            level1=i.level1,
            lead_department_type=i.lead_department_type,
            words=tuple(i.words),
            gapped=_gapped_patterns(i.words),
        )
        for i in CatalogueItem.objects.filter(is_active=True).order_by("pk")
    )
    with _lock:
        _cache.update(key=key, items=items)
    return items


def catalogue_index_invalidate() -> None:
    with _lock:
        _cache.update(key=None, items=())


def _word_score(item: IndexedItem, text: str) -> tuple[int, tuple[str, ...]]:
    """The item's words found in the text and their weight. Words whose places in the text overlap count
    once, the longest kept ("暖气不热" not also "暖气"; "乱停乱放" not also "车乱停" in "单车乱停乱放")."""
    spans: dict[str, tuple[int, int]] = {}
    for w in item.words:
        at = text.find(w)
        if at >= 0:
            spans[w] = (at, at + len(w))
    for w, pattern in item.gapped:
        if w not in spans and (m := pattern.search(text)):
            spans[w] = m.span()
    taken: list[tuple[int, int]] = []
    for w in sorted(spans, key=lambda w: -len(w)):
        a, b = spans[w]
        if all(b <= x or a >= y for x, y in taken):
            taken.append((a, b))
        else:
            del spans[w]
    kept = tuple(spans)
    return sum(min(len(w), WORD_WEIGHT_CAP) for w in kept), kept


def item_choose(*, text: str, category_probabilities: dict[str, float] | None = None, k: int = 3) -> ItemChoice:
    """The matter item for a call's text. `category_probabilities` maps first-level categories to the
    classifier's probabilities (None when no model is active: words decide alone, and must be strong).

    Returns the top-k items by score (each with the words that drove it), whether the best one is certain
    enough to dispatch without a person, and, when it is not, the reason in words a dispatcher reads."""
    probs = category_probabilities
    scored: list[ItemScore] = []
    for item in catalogue_index():
        word_score, words = _word_score(item, text)
        if word_score == 0:
            continue
        p = probs.get(item.level1, UNTRAINED_PRIOR) if probs is not None else 0.5
        scored.append(
            ItemScore(
                item_id=item.pk,
                path=item.path,
                name=item.name,
                level1=item.level1,
                lead_department_type=item.lead_department_type,
                score=word_score * (PRIOR_FLOOR + PRIOR_WEIGHT * p),
                word_score=word_score,
                words=words,
            )
        )
    scored.sort(key=lambda s: (-s.score, -s.word_score, s.item_id))
    if not scored:
        return ItemChoice(top=[], certain=False, reason=REASON_NO_WORDS)
    best = scored[0]
    top = _distinct_units(scored, k)
    rival = next((s for s in scored[1:] if s.lead_department_type != best.lead_department_type), None)
    if best.word_score < MIN_WORDS:
        return ItemChoice(top=top, certain=False, reason=REASON_NO_WORDS)
    if rival is not None and (
        best.score < RIVAL_MARGIN * rival.score or rival.word_score > max(best.word_score, STRONG_WORDS - 1)
    ):
        return ItemChoice(top=top, certain=False, reason=REASON_CLOSE.format(a=best.name, b=rival.name))
    top_category = max(probs, key=probs.get) if probs else None
    untrained = probs is not None and best.level1 not in probs
    if not (category_supports(probs, best.level1) or untrained) and best.word_score < STRONG_WORDS:
        return ItemChoice(top=top, certain=False, reason=REASON_WEAK.format(a=best.name, c=top_category or "无"))
    return ItemChoice(top=top, certain=True, reason="")


def category_supports(probs: dict[str, float] | None, level1: str) -> bool:
    """Whether the classifier backs an item's first-level category: its top one, or one it gives at least
    SUPPORT_PROBABILITY (its second or third choice on a call that mixes two matters, "学校食堂饭菜差")."""
    if not probs:
        return False
    return level1 == max(probs, key=probs.get) or probs.get(level1, 0.0) >= SUPPORT_PROBABILITY


def _distinct_units(scored: list[ItemScore], k: int) -> list[ItemScore]:
    """The best k items, preferring items of different lead units (three suggestions that all name the
    same unit help a dispatcher less); the best item is always first."""
    out, seen = [], set()
    for s in scored:
        if s.lead_department_type not in seen:
            out.append(s)
            seen.add(s.lead_department_type)
        if len(out) == k:
            return out
    for s in scored:
        if s not in out:
            out.append(s)
        if len(out) == k:
            break
    return out


def catalogue_words() -> list[tuple[str, str, list[str]]]:
    """(first-level category, item name, signal words) of the active items of the catalogue in use: the
    database's (a city's own, imported or edited in the admin; `catalogue_index`), or the shipped CSV's
    while the database holds none (a fresh install before seeding, a benchmark run without a database).
    What the classifier learns the taxonomy's conventions from (classifier/pipeline.py, `catalogue_rows`)."""
    from governance.services.catalogue import shipped_catalogue_words

    try:
        items = catalogue_index()
    except DatabaseError:  # no catalogue table: a process with no migrated database
        items = ()
    if not items:
        return shipped_catalogue_words()
    # the item's own name: its sub-item, else its third level (the last part of its path)
    return [(i.level1, i.path.rsplit("/", 1)[-1], list(i.words)) for i in items]
