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

from collections import Counter
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import sklearn
from scipy.special import softmax

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
        idf = vectorizer.idf_.astype(np.float64) if vectorizer.use_idf else None
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
    """The FeatureUnion of tf-idf blocks as one function: preprocessed texts → CSR (float32)."""

    def __init__(self, union):
        self.blocks, self.n_features = _blocks(union)

    def transform(self, docs: list[str]) -> sp.csr_matrix:
        indptr = [0]
        index_parts: list[np.ndarray] = []
        value_parts: list[np.ndarray] = []
        nnz = 0
        for doc in docs:
            for block in self.blocks:
                counts = Counter(block.analyzer(doc))
                get = block.vocabulary.get
                columns = np.array([get(term, -1) for term in counts], dtype=np.int64)
                values = np.array(list(counts.values()), dtype=np.float64)
                known = columns >= 0
                if not known.all():
                    columns, values = columns[known], values[known]
                if len(columns) == 0:
                    continue
                if block.sublinear:
                    values = np.log(values) + 1.0
                if block.idf is not None:
                    values *= block.idf[columns]
                if block.norm == "l2":
                    values /= np.sqrt(values @ values)
                elif block.norm == "l1":
                    values /= np.abs(values).sum()
                index_parts.append(columns + block.offset)
                value_parts.append(values * block.weight)
                nnz += len(columns)
            indptr.append(nnz)
        return _csr(indptr, index_parts, value_parts, len(docs), self.n_features)


def _csr(indptr, index_parts, value_parts, n_rows, n_columns) -> sp.csr_matrix:
    indices = np.concatenate(index_parts) if index_parts else np.zeros(0, dtype=np.int64)
    data = np.concatenate(value_parts) if value_parts else np.zeros(0)
    matrix = sp.csr_matrix(
        (data.astype(np.float32), indices.astype(np.int32), np.asarray(indptr, dtype=np.int32)),
        shape=(n_rows, n_columns),
    )
    matrix.sort_indices()  # as scikit-learn's vectorisers leave them (one C pass)
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
