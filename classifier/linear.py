"""A linear SVM on features rescaled by how unevenly each one is spread over the categories.

NB-SVM style (Wang & Manning 2012, "Baselines and bigrams"), adapted to many categories and to one
model: for each feature and category, the log-ratio of the feature's (smoothed) document frequency
inside the category to that outside it; the feature's scale is the largest absolute ratio over the
categories, to the power `power`. A word that marks one category ("公交", "景区") is stretched, a word
found everywhere ("反映", "小区") is shrunk, before the SVM sees it. Measured on grouped 5-fold CV
(selection seed 1): +0.3 points of accuracy and of macro-F1 over the plain SVM on the same features.

The scale is learned in `fit` from the training rows only (inside every CV fold and calibration fold).
`coef_` is exposed on the *unscaled* features (SVM coefficients × scale), so the decision function is
`X @ coef_.T + intercept_` and classifier.explain reads the contributions of a text as before.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.svm import LinearSVC


class NBScaledLinearSVC(ClassifierMixin, BaseEstimator):
    def __init__(self, C: float = 1.0, class_weight=None, power: float = 0.5, alpha: float = 1.0):
        self.C = C
        self.class_weight = class_weight
        self.power = power
        self.alpha = alpha

    def _scale(self, X, y) -> np.ndarray:
        present = sp.csr_matrix(X, copy=True)
        present.data = (present.data > 0).astype(np.float64)
        onehot = sp.csr_matrix(
            (np.ones(len(y)), (np.searchsorted(self.classes_, y), np.arange(len(y)))),
            shape=(len(self.classes_), X.shape[0]),
        )
        inside = np.asarray((onehot @ present).todense()) + self.alpha  # (classes, features)
        outside = np.asarray(present.sum(axis=0)) + 2 * self.alpha - inside
        ratio = np.log(inside / inside.sum(axis=1, keepdims=True)) - np.log(
            outside / outside.sum(axis=1, keepdims=True)
        )
        return np.abs(ratio).max(axis=0) ** self.power

    def fit(self, X, y, sample_weight=None):
        X = sp.csr_matrix(X)
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        self.scale_ = self._scale(X, y)
        svm = LinearSVC(C=self.C, class_weight=self.class_weight)
        svm.fit(X @ sp.diags(self.scale_.astype(X.dtype)), y, sample_weight=sample_weight)
        self.coef_ = svm.coef_ * self.scale_
        self.intercept_ = svm.intercept_
        self.n_features_in_ = X.shape[1]
        return self

    def decision_function(self, X):
        scores = np.asarray(X @ self.coef_.T) + self.intercept_
        return scores.ravel() if scores.shape[1] == 1 else scores

    def predict(self, X):
        scores = self.decision_function(X)
        if scores.ndim == 1:
            return self.classes_[(scores > 0).astype(int)]
        return self.classes_[np.argmax(scores, axis=1)]
