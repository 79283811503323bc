"""classifier/inference.py gives what the fitted Pipeline gives, on real training texts."""

import numpy as np
import pytest

from classifier import training
from classifier.inference import CompiledModel
from classifier.pipeline import build_pipeline
from classifier.registry import LoadedModel
from tests.classifier.conftest import tiny_examples

TINY = {"min_df": 1, "char_min_df": 1, "calibration_folds": 3}


@pytest.fixture(scope="module")
def fitted():
    """A Pipeline fitted on 400 real rows (both forms) and 60 other real rows to predict."""
    rows = training.examples_from_csv(training.training_csv_path())
    rng = np.random.default_rng(3)
    picked = [rows[i] for i in rng.choice(len(rows), size=460, replace=False)]
    train, test = picked[:400], picked[400:]
    pipeline = build_pipeline({"calibration_folds": 3})
    pipeline.fit([r.text for r in train], [r.label for r in train])
    return pipeline, [r.text for r in test] + ["", "12345", "金水区小区路灯坏了"]


def test_features_equal_the_feature_union(fitted):
    pipeline, texts = fitted
    docs = pipeline[0].transform(texts)

    expected = pipeline[1:-1].transform(docs).tocsr()
    got = CompiledModel.from_pipeline(pipeline).features.transform(docs)

    assert got.shape == expected.shape
    assert got.dtype == np.float32
    assert np.array_equal(got.indptr, expected.indptr)
    assert np.array_equal(got.indices, expected.indices)
    np.testing.assert_allclose(got.data, expected.data, rtol=1e-5)


def test_probabilities_equal_the_pipeline(fitted):
    pipeline, texts = fitted

    got = CompiledModel.from_pipeline(pipeline).predict_proba(texts)

    np.testing.assert_allclose(got, pipeline.predict_proba(texts), atol=1e-6)


def test_an_ensemble_of_calibrated_models_goes_through_scikit_learn(fitted):
    examples = tiny_examples()
    pipeline = build_pipeline(TINY)
    pipeline.named_steps["model"].set_params(ensemble=True)
    pipeline.fit([e.text for e in examples], [e.label for e in examples])
    texts = [e.text for e in examples[:5]]

    compiled = CompiledModel.from_pipeline(pipeline)

    assert compiled._temperature is None
    np.testing.assert_allclose(compiled.predict_proba(texts), pipeline.predict_proba(texts), atol=1e-9)


def test_the_explainer_holds_no_second_copy_of_the_coefficients(fitted):
    pipeline, _ = fitted
    estimator = pipeline.named_steps["model"].calibrated_classifiers_[0].estimator

    explainer = LoadedModel.from_pipeline(version="t", pipeline=pipeline).explainer

    assert explainer.coef is estimator.coef_
    assert estimator.coef_.dtype == np.float32
    vocabulary = pipeline.named_steps["features"].transformer_list[0][1].vocabulary_
    some_word = next(iter(vocabulary))
    assert explainer.feature_names[vocabulary[some_word]] is some_word  # the vocabulary's own string
