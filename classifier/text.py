"""Text preparation shared by training and prediction: normalise, mask personal data, segment.

The order matters and is the same everywhere (training, `classify`, evaluation):

1. `normalize`: NFKC (full-width letters, digits and punctuation become half-width), traditional →
   simplified (zhconv, common/chinese.py), whitespace runs collapsed.
2. `mask_pii`: e-mail, ID-card numbers, phone numbers and plate numbers become placeholders, so no
   personal data is learned, logged or stored by the classifier.
3. `segment`: all whitespace is dropped, then jieba (with the Zhengzhou user dictionary) cuts the
   text, and stopwords and punctuation are removed. Dropping whitespace first is what makes a raw
   message and a pre-tokenized one ("小区 高层 二次 供水") end up as the same tokens.

jieba is initialised once per process on a dedicated `jieba.Tokenizer` (not the global one that other
code could reconfigure), quietly, under a lock; after that, cutting only reads its tables and is safe
from several threads. The jieba is jieba-next, a maintained fork of jieba with its dictionary search
in Rust: the same dictionary, user dictionary and algorithm, so the same tokens (checked on all 7,728
texts of the training file and the operator summaries: no difference; tests/classifier/test_text.py),
at a third of the time (0.12 ms instead of 0.40 ms for a 200-character message), which was most of
the time of a `classify` call.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path

import jieba_next as jieba
from django.conf import settings
from sklearn.base import BaseEstimator, TransformerMixin

from common.chinese import simplified

logger = logging.getLogger(__name__)

# --- Normalisation ---------------------------------------------------------------------------

_WHITESPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Half-width, simplified, single-spaced text (never None; None and "" give "")."""
    if not text:
        return ""
    text = simplified(unicodedata.normalize("NFKC", text))
    return _WHITESPACE.sub(" ", text).strip()


# --- Personal data ---------------------------------------------------------------------------

# Placeholders are words jieba keeps whole (they are in the user dictionary), so a masked phone
# number becomes one token "手机号" rather than digits the model could memorise.
PII_PLACEHOLDERS = {
    "email": "[邮箱]",
    "id_card": "[身份证号]",
    "mobile": "[手机号]",
    "landline": "[电话]",
    "plate": "[车牌号]",
}

_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
# One pass with alternatives in priority order: e-mail before digits (an address may hold digits),
# ID numbers (18/15 digits) before phones, so an 11-digit run inside an ID number is never half-masked.
_PII_PATTERNS: list[tuple[str, str]] = [
    ("email", r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"),
    ("id_card", r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])"),
    ("mobile", r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)"),
    ("landline", r"(?<!\d)0\d{2,3}[- ]?\d{7,8}(?!\d)"),
    ("plate", rf"[{_PROVINCES}][A-Za-z][ ·.]?[A-Za-z0-9]{{4}}[A-Za-z0-9挂学警港澳]{{1,2}}(?![A-Za-z0-9])"),
]
_PII = re.compile("|".join(f"(?P<{kind}>{pattern})" for kind, pattern in _PII_PATTERNS))
_PII_HINT = re.compile(r"[0-9@]")


def mask_pii(text: str) -> str:
    """Replace e-mail addresses, ID-card numbers, mobile/landline numbers and plate numbers.

    Callers may rely on: the result holds none of the matched digits; the rest of the text is kept
    as is (this function does not normalise; run `normalize` first so full-width digits are seen).
    """
    if not text or not _PII_HINT.search(text):
        return text or ""
    return _PII.sub(lambda m: PII_PLACEHOLDERS[m.lastgroup], text)


# --- Segmentation ----------------------------------------------------------------------------


def fixtures_dir() -> Path:
    return Path(settings.CLASSIFIER_FIXTURES_DIR)


def userdict_path() -> Path:
    return fixtures_dir() / "userdict.txt"


def stopwords_path() -> Path:
    return fixtures_dir() / "stopwords.txt"


# jieba's HMM guesses words missing from its dictionary; it costs ~40 % of the segmentation time and
# the character n-grams already see unknown words, so it is off (measured: same CV accuracy).
USE_HMM = False
_tokenizer: jieba.Tokenizer | None = None
_tokenizer_lock = threading.Lock()


def get_tokenizer() -> jieba.Tokenizer:
    """The process's jieba tokenizer, built once (about a second) with the user dictionary."""
    global _tokenizer
    if _tokenizer is not None:
        return _tokenizer
    with _tokenizer_lock:
        if _tokenizer is None:
            # jieba announces "Building prefix dict…" at DEBUG.
            jieba.set_log_level(logging.WARNING)
            tok = jieba.Tokenizer()
            tok.initialize()
            path = userdict_path()
            if path.exists():
                tok.load_userdict(str(path))
            else:
                logger.warning("classifier user dictionary %s is missing; segmenting without it", path)
            for placeholder in PII_PLACEHOLDERS.values():
                tok.add_word(placeholder.strip("[]"), freq=100000)
            _tokenizer = tok
    return _tokenizer


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    path = stopwords_path()
    if not path.exists():
        logger.warning("classifier stopword list %s is missing", path)
        return frozenset()
    words = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(w for w in words if w and not w.startswith("#"))


def _is_noise(token: str) -> bool:
    # Punctuation, symbols and lone spaces carry nothing here (the pre-tokenized rows had them removed).
    return all(unicodedata.category(ch)[0] in "PSZC" for ch in token)


# token → kept? Tokens repeat across messages (a few tens of thousands in all), and deciding each one
# again (stopword set + a Unicode category per character) was a third of the time of `segment`.
@lru_cache(maxsize=200_000)
def _kept(token: str) -> bool:
    return token not in stopwords() and not _is_noise(token)


def segment(text: str) -> list[str]:
    """Tokens of a raw or pre-tokenized message after normalising and masking."""
    return _segment_normal(normalize(text))


def _segment_normal(normal: str) -> list[str]:
    text = _WHITESPACE.sub("", mask_pii(normal))
    if not text:
        return []
    return [t for t in get_tokenizer().lcut(text, HMM=USE_HMM) if _kept(t)]


def preprocess(text: str) -> str:
    """The space-joined tokens the vectorisers see."""
    return " ".join(segment(text))


def char_count(text: str) -> int:
    """Characters of the text once normalised, whitespace not counted (what "short" is measured in)."""
    return len(normalize(text).replace(" ", ""))


def preprocess_counted(text: str) -> tuple[str, int]:
    """(`preprocess(text)`, `char_count(text)`) with one normalisation instead of two."""
    normal = normalize(text)
    return " ".join(_segment_normal(normal)), len(normal.replace(" ", ""))


def resources_fingerprint() -> str:
    """Hash of the user dictionary and stopword list: a model is only reproducible with the same ones."""
    digest = hashlib.sha256()
    for path in (userdict_path(), stopwords_path()):
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()[:16]


class ChinesePreprocessor(TransformerMixin, BaseEstimator):
    """Pipeline step: raw texts → space-joined tokens. Stateless, so fitting learns nothing.

    It holds no tokenizer (the process's shared one is used), so it pickles to a few bytes.
    """

    def fit(self, X, y=None):
        return self

    def __sklearn_is_fitted__(self):
        return True  # nothing to learn

    def transform(self, X):
        return [preprocess(x) for x in X]


def split_tokens(doc: str) -> list[str]:
    """Analyzer for word features: the preprocessed text is already tokens joined by spaces."""
    return doc.split()


def joined_chars(doc: str) -> str:
    """Preprocessor for character features: tokens glued back together (no spaces to bridge)."""
    return doc.replace(" ", "")


class FirstTokens:
    """Analyzer for the opening words: the title comes first, and it names the matter most plainly."""

    def __init__(self, n: int):
        self.n = n

    def __call__(self, doc: str) -> list[str]:
        return doc.split()[: self.n]

    def __repr__(self):
        return f"FirstTokens({self.n})"
