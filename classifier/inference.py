"""Prediction with the fitted Pipeline's own parameters, without scikit-learn's per-call machinery.

`Pipeline.predict_proba` on one text spends most of its time in checks that can find nothing here (input
validation, dataframe sniffing, joblib dispatch in FeatureUnion; measured: 85 % of a single call). This
module reads the fitted objects once — each tf-idf block's analyzer, vocabulary and idf weights, the
block weights, the linear model and its temperature calibration — and applies them with numpy and
scipy. It learns nothing and changes nothing: tests/classifier/test_inference.py checks that its
features and probabilities equal the Pipeline's on real texts.

What callers may rely on: `CompiledModel.from_pipeline(p).predict_proba(texts)` equals
`p.predict_proba(texts)` (to float rounding), class order `p.classes_`; `transform(docs)` equals
`p[1:-1].transform(docs)` (i.e. the FeatureUnion's output on preprocessed texts).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain, repeat

import numpy as np
import scipy.sparse as sp
import sklearn
from scipy.special import softmax
from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l1, inplace_csr_row_normalize_l2

from classifier import text as textmod


@dataclass(frozen=True)
class _Block:
    analyzer: object
    vocabulary: dict
    idf: np.ndarray | None  # None: plain counts (use_idf=False)
    sublinear: bool
    norm: str | None
    weight: float
    offset: int


def _blocks(union) -> tuple[list[_Block], int]:
    weights = union.transformer_weights or {}
    blocks, offset = [], 0
    for name, vectorizer in union.transformer_list:
        if vectorizer in ("drop", None):
            continue
        idf = vectorizer.idf_ if vectorizer.use_idf else None  # the fitted array itself, not a copy
        blocks.append(
            _Block(
                analyzer=vectorizer.build_analyzer(),
                vocabulary=vectorizer.vocabulary_,
                idf=idf,
                sublinear=vectorizer.sublinear_tf,
                norm=vectorizer.norm,
                weight=float(weights.get(name, 1.0)),
                offset=offset,
            )
        )
        offset += len(vectorizer.vocabulary_)
    return blocks, offset


class CompiledFeatures:
    """The FeatureUnion of tf-idf blocks as one function: preprocessed texts → CSR (float32).

    A batch is vectorised block by block, not text by text: every term of every text is looked up in
    one `map` over the block's vocabulary, then counting (duplicates summed when the COO matrix
    becomes CSR), sublinear tf, idf, the row norm and the block weight are array operations on the
    whole batch. Per-text Python work was most of a batch's feature time (measured: 3000 texts of ~200
    characters, 2.2 s → see bench/classifier.py for the rate now).
    """

    def __init__(self, union):
        self.blocks, self.n_features = _blocks(union)

    def transform(self, docs: list[str]) -> sp.csr_matrix:
        parts = [_block_matrix(block, docs) for block in self.blocks]
        if not parts:
            return sp.csr_matrix((len(docs), self.n_features), dtype=np.float32)
        indptr = np.zeros(len(docs) + 1, dtype=np.int64)
        for part in parts:
            indptr += part.indptr
        # the blocks side by side: row i is block 1's row i, then block 2's …, each shifted by its offset
        indices = np.empty(indptr[-1], dtype=np.int32)
        data = np.empty(indptr[-1], dtype=np.float32)
        start = indptr[:-1].copy()
        for block, part in zip(self.blocks, parts, strict=True):
            lengths = np.diff(part.indptr)
            target = np.repeat(start - part.indptr[:-1], lengths) + np.arange(part.nnz)
            indices[target] = part.indices + block.offset
            data[target] = part.data
            start += lengths
        return sp.csr_matrix((data, indices, indptr.astype(np.int32)), shape=(len(docs), self.n_features))


def _block_matrix(block: _Block, docs: list[str]) -> sp.csr_matrix:
    """One tf-idf block of a batch: (texts × the block's vocabulary), sorted indices, float32."""
    terms = [block.analyzer(doc) for doc in docs]
    lengths = np.fromiter(map(len, terms), dtype=np.int64, count=len(terms))
    columns = np.fromiter(
        map(block.vocabulary.get, chain.from_iterable(terms), repeat(-1)), dtype=np.int64, count=int(lengths.sum())
    )
    rows = np.repeat(np.arange(len(docs)), lengths)
    known = columns >= 0
    shape = (len(docs), len(block.vocabulary))
    # COO → CSR sums the duplicates (a term's count in its text) and sorts each row's columns
    matrix = sp.csr_matrix((np.ones(int(known.sum())), (rows[known], columns[known])), shape=shape)
    matrix.sum_duplicates()
    values = matrix.data
    if block.sublinear:
        np.log(values, out=values)
        values += 1.0
    if block.idf is not None:
        values *= block.idf[matrix.indices]
    if block.norm == "l2":
        inplace_csr_row_normalize_l2(matrix)
    elif block.norm == "l1":
        inplace_csr_row_normalize_l1(matrix)
    matrix.data *= block.weight
    matrix.data = matrix.data.astype(np.float32)
    return matrix


def _temperature(model) -> tuple[object, float] | None:
    """(linear model, beta) when `model` is one temperature-scaled multi-class decision function."""
    calibrated = getattr(model, "calibrated_classifiers_", [])
    if len(calibrated) != 1 or calibrated[0].method != "temperature" or len(model.classes_) < 3:
        return None
    estimator = calibrated[0].estimator
    if not hasattr(estimator, "decision_function"):
        return None
    return estimator, float(calibrated[0].calibrators[0].beta_)


class CompiledModel:
    """Preprocessing, features and the calibrated model of a fitted Pipeline, applied directly."""

    def __init__(self, pipeline):
        self.features = CompiledFeatures(pipeline.named_steps["features"])
        self.model = pipeline.named_steps["model"]
        self.classes = np.asarray(pipeline.classes_)
        self._temperature = _temperature(self.model)

    @classmethod
    def from_pipeline(cls, pipeline) -> CompiledModel:
        return cls(pipeline)

    def transform(self, texts: list[str]) -> sp.csr_matrix:
        """Raw texts → the feature matrix the model sees."""
        return self.features.transform([textmod.preprocess(t) for t in texts])

    def transform_counted(self, texts: list[str]) -> tuple[sp.csr_matrix, list[int]]:
        """(`transform(texts)`, each text's `text.char_count`), normalising each text once."""
        prepared = [textmod.preprocess_counted(t) for t in texts]
        return self.features.transform([doc for doc, _ in prepared]), [n for _, n in prepared]

    def predict_proba_features(self, X: sp.csr_matrix) -> np.ndarray:
        calibrated = self.model.calibrated_classifiers_
        if self._temperature is not None:
            # one model with temperature scaling over several classes: softmax(beta × decision values),
            # what _CalibratedClassifier.predict_proba computes after checking the target type and the
            # input again on every call (most of a single call's model time)
            estimator, beta = self._temperature
            return softmax(beta * estimator.decision_function(X), axis=1)
        with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
            proba = calibrated[0].predict_proba(X)
            for other in calibrated[1:]:
                proba = proba + other.predict_proba(X)
        return proba / len(calibrated)

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        return self.predict_proba_features(self.transform(texts))
