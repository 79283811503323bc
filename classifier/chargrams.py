"""Character n-grams as integers: the character tf-idf block without a dictionary of strings.

The character block holds most of the model's features (229 k of 267 k), and as a fitted
TfidfVectorizer each is a Python string key of a dict with a Python int value: measured 18.1 MB of
strings, 7.7 MB of dict and about 6 MB of ints, a third of what a loaded model keeps resident.
Here an n-gram of at most three characters is one int64: the code points + 1 of its characters,
21 bits each, the first character in the highest bits used (`a` → a+1, `ab` → (a+1)·2²¹ + b+1,
`abc` → (a+1)·2⁴² + (b+1)·2²¹ + c+1; code points stay below 2²¹, so lengths never collide). The
fitted vocabulary is kept as one array of codes in column order (1.8 MB for 229 k n-grams);
columns are the ones scikit-learn gave the strings, so the model fitted on them is unchanged.

A batch's n-grams are computed with numpy over the concatenated code points of all its texts, and
looked up with one `searchsorted` (faster than slicing strings and a dict look-up per n-gram).
`CharGramTfidfVectorizer.transform` equals TfidfVectorizer's on the same fit
(tests/classifier/test_chargrams.py).
"""

from __future__ import annotations

import re

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

BITS = 21
MAX_N = 3  # 3 × 21 bits fill an int64; longer n-grams would need another encoding
_WHITE_SPACES = re.compile(r"\s\s+")  # what scikit-learn's char analyzer folds first


def encode_term(term: str) -> int:
    """The code of one n-gram (1 to MAX_N characters)."""
    if not 1 <= len(term) <= MAX_N:
        raise ValueError(f"character n-grams of 1 to {MAX_N} characters only, not {term!r}")
    code = 0
    for char in term:
        code = (code << BITS) | (ord(char) + 1)
    return code


def decode_term(code: int) -> str:
    """The n-gram of a code (encode_term's inverse)."""
    chars = []
    code = int(code)
    while code:
        chars.append(chr((code & ((1 << BITS) - 1)) - 1))
        code >>= BITS
    return "".join(reversed(chars))


def batch_codes(texts: list[str], ngram_range: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """(row, code) of every character n-gram of every text, as scikit-learn's char analyzer cuts them
    (runs of whitespace folded to one space first)."""
    low, high = ngram_range
    texts = [_WHITE_SPACES.sub(" ", t) for t in texts]
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    points = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.int64) + 1
    row_of = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    ends = np.repeat(np.cumsum(lengths), lengths)  # the end of each position's text
    positions = np.arange(len(points), dtype=np.int64)
    rows, codes = [], []
    for n in range(low, high + 1):
        starts = positions[positions + n <= ends]
        code = np.zeros(len(starts), dtype=np.int64)
        for k in range(n):
            code = (code << BITS) | points[starts + k]
        rows.append(row_of[starts])
        codes.append(code)
    return np.concatenate(rows), np.concatenate(codes)


class CodedVocabulary:
    """The fitted n-grams: `column_codes[j]` is column j's code; look-ups by binary search."""

    def __init__(self, column_codes: np.ndarray):
        self.column_codes = np.asarray(column_codes, dtype=np.int64)
        order = np.argsort(self.column_codes, kind="stable")
        self._sorted = self.column_codes[order]
        self._columns = order.astype(np.int32)

    def __len__(self) -> int:
        return len(self.column_codes)

    def columns(self, codes: np.ndarray) -> np.ndarray:
        """Column of each code, -1 where the n-gram is not in the vocabulary."""
        if len(self._sorted) == 0:
            return np.full(len(codes), -1, dtype=np.int64)
        at = np.searchsorted(self._sorted, codes)
        at = np.minimum(at, len(self._sorted) - 1)
        found = self._sorted[at] == codes
        return np.where(found, self._columns[at], -1).astype(np.int64)

    def term(self, column: int) -> str:
        return decode_term(self.column_codes[column])

    def __getstate__(self):
        return {"column_codes": self.column_codes}  # the sorted view is rebuilt on load

    def __setstate__(self, state):
        self.__init__(state["column_codes"])


class CharGramTfidfVectorizer(TfidfVectorizer):
    """TfidfVectorizer(analyzer="char") that keeps its vocabulary as codes (`coded_vocabulary_`).

    Fitting is scikit-learn's own (same document-frequency floors, idf, columns); afterwards the
    string dict is replaced by a CodedVocabulary and `transform` counts n-grams through it. Only
    for analyzer="char" with n-grams of at most MAX_N characters and a `preprocessor` (lowercase and
    accents are then not applied, as in scikit-learn); anything else is refused when fitting.
    """

    def _check_coded(self):
        if self.analyzer != "char" or self.ngram_range[1] > MAX_N or self.preprocessor is None:
            raise ValueError("CharGramTfidfVectorizer: analyzer='char', n-grams ≤ 3 characters and a preprocessor")
        if self.vocabulary is not None or self.binary or self.max_features is not None:
            raise ValueError("CharGramTfidfVectorizer: no fixed vocabulary, binary counts or max_features")

    def fit(self, raw_documents, y=None):
        self._check_coded()
        super().fit(raw_documents, y)
        self._encode_vocabulary()
        return self

    def fit_transform(self, raw_documents, y=None):
        return self.fit(raw_documents, y).transform(raw_documents)

    def _encode_vocabulary(self):
        codes = np.zeros(len(self.vocabulary_), dtype=np.int64)
        for term, column in self.vocabulary_.items():
            codes[column] = encode_term(term)
        self.coded_vocabulary_ = CodedVocabulary(codes)
        del self.vocabulary_

    def known_grams(self, raw_documents) -> tuple[np.ndarray, np.ndarray]:
        """(row, column) of every n-gram of the documents that is in the vocabulary, one per occurrence."""
        rows, codes = batch_codes([self.preprocessor(d) for d in raw_documents], self.ngram_range)
        columns = self.coded_vocabulary_.columns(codes)
        known = columns >= 0
        return rows[known], columns[known]

    def counts(self, raw_documents) -> sp.csr_matrix:
        """Term counts (documents × columns), what CountVectorizer.transform gives."""
        raw_documents = list(raw_documents)
        rows, columns = self.known_grams(raw_documents)
        matrix = sp.csr_matrix(
            (np.ones(len(rows), dtype=self.dtype), (rows, columns)),
            shape=(len(raw_documents), len(self.coded_vocabulary_)),
        )
        matrix.sum_duplicates()  # also sorts the indices
        return matrix

    def transform(self, raw_documents):
        return self._tfidf.transform(self.counts(raw_documents), copy=False)

    def get_feature_names_out(self, input_features=None):
        return np.asarray([decode_term(c) for c in self.coded_vocabulary_.column_codes], dtype=object)
