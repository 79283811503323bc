"""Reads of the knowledge base: search by jieba tokens, the list for the centre's page."""

import math
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from knowledge.models import Article
from knowledge.text import bigrams, head_text, query_terms, words

CANDIDATES = 300
RELATIVE_FLOOR = 0.3


@dataclass(frozen=True)
class Hit:
    article: Article
    score: float
    matched: tuple[str, ...]


def valid_articles(day=None):
    """Entries an operator may read out today: active and within their validity dates."""
    day = day or timezone.localdate()
    return Article.objects.filter(is_active=True, valid_from__lte=day).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=day)
    )


def article_search(*, query: str, category_code: str = "", day=None, limit: int = 5) -> list[Hit]:
    """Valid entries sharing terms with the query, best first.

    A matched word weighs log(1 + N/df) over the candidates (a word found in few entries says more),
    doubled where it is in the title, item or keywords; a matched bigram of the head weighs half of
    that; hits under RELATIVE_FLOOR of the best are dropped. Entries of `category_code` only, when given. Two queries whatever the size of the result."""
    ws, bs = query_terms(query)
    if not ws and not bs:
        return []
    qs = valid_articles(day)
    if category_code:
        qs = qs.filter(category_code=category_code)
    match = Q()
    for term in ws + bs:
        match |= Q(tokens__contains=f" {term} ")
    total = qs.count()
    candidates = list(qs.filter(match)[:CANDIDATES])
    if not candidates:
        return []
    indexed = {a.pk: set(a.tokens.split()) for a in candidates}
    df = {t: sum(1 for s in indexed.values() if t in s) for t in ws + bs}
    hits = []
    for article in candidates:
        have = indexed[article.pk]
        head_words = set(words(head_text(article)))
        head_bigrams = set(bigrams(head_text(article)))
        matched_words = [w for w in ws if w in have]
        matched_bigrams = [b for b in bs if b in head_bigrams]
        score = sum(math.log(1 + total / df[w]) * (2 if w in head_words else 1) for w in matched_words)
        score += sum(0.5 * math.log(1 + total / df[b]) for b in matched_bigrams)
        if score <= 0:
            continue
        hits.append(Hit(article=article, score=round(score, 3), matched=tuple(matched_words + matched_bigrams)))
    hits.sort(key=lambda h: (-h.score, h.article.code))
    # An entry matching only a word or two of a long call beside one that matches it well is noise.
    floor = RELATIVE_FLOOR * hits[0].score if hits else 0
    return [h for h in hits if h.score >= floor][:limit]


def article_list(*, query: str = "", category_code: str = "", include_stopped: bool = True):
    """The centre's list: every entry (stopped and expired too, marked on the page), filtered by a text
    that matches title, item, keywords or code."""
    qs = Article.objects.select_related("updated_by").order_by("category_code", "item", "code")
    if not include_stopped:
        qs = qs.filter(is_active=True)
    if category_code:
        qs = qs.filter(category_code=category_code)
    query = (query or "").strip()
    if query:
        qs = qs.filter(
            Q(title__icontains=query) | Q(item__icontains=query) | Q(keywords__icontains=query) | Q(code__iexact=query)
        )
    return qs


def category_choices() -> list[tuple[str, str]]:
    """The 派单目录's categories, the same codes tickets carry."""
    from governance.models import DispatchCatalogue

    rows = DispatchCatalogue.objects.filter(is_active=True).order_by("category_code")
    return [(r.category_code, r.category_name) for r in rows.only("category_code", "category_name")]
