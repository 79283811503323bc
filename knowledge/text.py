"""Terms for the knowledge base's search.

Words come from the classifier's jieba segmenter (same user dictionary, stopwords, traditional →
simplified), so "暖气不热" on the line finds an entry written as "供暖 暖气 不热". Callers also say
things the segmenter splits into single characters or drops as stopwords ("家里没水了" → 家里): for
those the title, item and keywords of an entry are indexed as character bigrams too, and a short
query (what an operator types) is matched by its bigrams as well.
"""

import re

from classifier.text import normalize, segment

MAX_QUERY_WORDS = 24
BIGRAM_QUERY_CHARS = 40
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def words(text: str) -> list[str]:
    """Distinct jieba tokens in order; single characters only when nothing longer is there (a lone "水")."""
    seen = dict.fromkeys(t.lower() for t in segment(text or ""))
    longer = [w for w in seen if len(w) > 1]
    return longer or list(seen)


def bigrams(text: str) -> list[str]:
    """Distinct character bigrams of each run of letters/digits/hanzi (none across punctuation)."""
    out: dict[str, None] = {}
    for run in _NOT_WORD.split(normalize(text or "").lower()):
        for i in range(len(run) - 1):
            out.setdefault(run[i : i + 2], None)
    return list(out)


def head_text(article) -> str:
    return " ".join([article.title, article.item, article.keywords, article.category_code])


def index_terms(article) -> str:
    """The stored index: words of head and answer, bigrams of the head, padded so " term " matches a
    whole term."""
    head = head_text(article)
    terms = dict.fromkeys(words(head) + words(article.answer) + bigrams(head))
    return f" {' '.join(terms)} " if terms else ""


def query_terms(text: str) -> tuple[list[str], list[str]]:
    """(words, bigrams) of a query; bigrams only from its first characters (a pasted 诉求内容 is matched
    by its words, the beginning of it by bigrams too), never repeating a word."""
    ws = words(text)[:MAX_QUERY_WORDS]
    taken = set(ws)
    bs = [b for b in bigrams((text or "")[:BIGRAM_QUERY_CHARS]) if b not in taken]
    return ws, bs
