"""Why the model chose a category: the features of the text that pushed hardest towards it.

The contribution of a feature to a class is coefficient × the text's tf-idf value for that feature, taken
from the linear model under the calibration. The calibrator is fitted with `ensemble=False`, so there is
exactly one linear model trained on all the data (temperature scaling is a softmax of the decision
values divided by one number: the order is kept). The model's decision also adds a small vote of the
most similar training messages (classifier/linear.py, at most 0.25 against SVM margins of about ±1);
that part has no terms, so the terms shown are those of the linear part, which carries most of the
decision. If a pipeline holds several calibrated base models (`ensemble=True`) their coefficients are
averaged, which is the linear part of their average.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from classifier.chargrams import CharGramTfidfVectorizer


def _linear_coefficients(model) -> np.ndarray:
    if hasattr(model, "calibrated_classifiers_"):
        coefs = [_linear_coefficients(c.estimator) for c in model.calibrated_classifiers_]
        # one model (ensemble=False): its own array, not a second copy of (classes × features)
        return coefs[0] if len(coefs) == 1 else np.mean(coefs, axis=0)
    if hasattr(model, "coef_"):
        coef = np.asarray(model.coef_.toarray() if hasattr(model.coef_, "toarray") else model.coef_)
        if coef.shape[0] == 1:  # binary: one row scores the second class against the first
            coef = np.vstack([-coef[0], coef[0]])
        return coef
    raise TypeError(f"cannot explain a {type(model).__name__}: no linear coefficients")


def _names(vectorizer) -> np.ndarray:
    """Object array: column → the vocabulary's own term string (None for a coded character block,
    whose terms are decoded when shown: holding them as strings is what the coding saves)."""
    if isinstance(vectorizer, CharGramTfidfVectorizer):
        return np.full(len(vectorizer.coded_vocabulary_), None, dtype=object)
    vocabulary = vectorizer.vocabulary_
    names = np.empty(len(vocabulary), dtype=object)
    names[np.fromiter(vocabulary.values(), dtype=np.int64, count=len(vocabulary))] = list(vocabulary)
    return names


@dataclass(frozen=True)
class Explainer:
    coef: np.ndarray  # (n_classes, n_features)
    feature_names: np.ndarray  # each block's own terms (the vocabulary's strings, not copies)
    is_word: np.ndarray  # word or title-word feature (else a character n-gram)
    coded: tuple = ()  # (offset, CodedVocabulary) of each coded character block

    @classmethod
    def for_pipeline(cls, pipeline) -> Explainer:
        features = pipeline.named_steps["features"]
        model = pipeline.named_steps["model"]
        blocks = [(name, t) for name, t in features.transformer_list if t not in ("drop", None)]
        # The blocks' names in FeatureUnion order, without its "word__" prefixes: building prefixed
        # names (get_feature_names_out of the union) would hold a second string per feature. Each
        # name is put at its column straight from the vocabulary: get_feature_names_out sorts a
        # (term, column) tuple per feature first, whose freed memory stayed resident (measured:
        # 14 MB of a loaded model's 106).
        names = [_names(t) for _, t in blocks]
        offsets = np.cumsum([0] + [len(n) for n in names])
        coded = tuple(
            (int(offsets[i]), t.coded_vocabulary_)
            for i, (_, t) in enumerate(blocks)
            if isinstance(t, CharGramTfidfVectorizer)
        )
        is_word = np.concatenate([np.full(len(n), name != "char") for (name, _), n in zip(blocks, names, strict=True)])
        return cls(coef=_linear_coefficients(model), feature_names=np.concatenate(names), is_word=is_word, coded=coded)

    def term(self, index: int) -> str:
        """The feature's term (a coded character n-gram decoded)."""
        name = self.feature_names[index]
        if name is not None:
            return name
        for offset, vocabulary in self.coded:
            if offset <= index < offset + len(vocabulary):
                return vocabulary.term(index - offset)
        raise IndexError(index)

    def top_terms(self, x_row, class_index: int, *, n: int = 5) -> list[str]:
        """Up to `n` distinct terms with the largest positive contribution to the class.

        `x_row` is a one-row sparse matrix or an (indices, values) pair of one CSR row. Words come
        first (an operator reads words); character n-grams of two or more characters only fill the
        list when too few words pushed that way.
        """
        if isinstance(x_row, tuple):
            indices, values = x_row
        else:
            row = x_row.tocsr()
            indices, values = row.indices, row.data
        if len(indices) == 0:
            return []
        contributions = self.coef[class_index, indices] * values
        positive = contributions > 0
        word = self.is_word[indices]
        terms: list[str] = []
        for want_word in (True, False):
            # only this pass's positive features, largest first (most of a row is character n-grams)
            candidates = np.flatnonzero(positive & (word == want_word))
            for i in candidates[np.argsort(-contributions[candidates], kind="stable")]:
                if len(terms) >= n:
                    break
                index = indices[i]
                term = self.term(index).replace(" ", "")  # a word n-gram reads as one phrase
                if not want_word and len(term) < 2:
                    continue
                # a piece of a term already shown (or the reverse) tells the operator nothing new;
                # it also folds a title word into the same word from the body
                if any(term in t or t in term for t in terms):
                    continue
                terms.append(term)
        return terms
