"""classifier/chargrams.py: the coded character block gives TfidfVectorizer's matrix on the same fit."""

import pickle

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from classifier import text as textmod
from classifier import training
from classifier.chargrams import CharGramTfidfVectorizer, decode_term, encode_term
from classifier.pipeline import build_pipeline
from classifier.registry import LoadedModel


def _pair(**params):
    common = {"analyzer": "char", "preprocessor": textmod.joined_chars, "sublinear_tf": True, "dtype": np.float32}
    return TfidfVectorizer(**common, **params), CharGramTfidfVectorizer(**common, **params)


@pytest.fixture(scope="module")
def docs():
    rows = training.examples_from_csv(training.training_csv_path())
    rng = np.random.default_rng(5)
    picked = [rows[i].text for i in rng.choice(len(rows), size=300, replace=False)]
    # odd inputs: empty, one character, runs of spaces and tabs, a character outside the BMP
    return [textmod.preprocess(t) for t in picked] + ["", "路", "路  灯\t\t坏了", "𠀀小区𠀀", "a  b"]


@pytest.mark.parametrize("ngram_range,min_df", [((1, 3), 3), ((1, 3), 1), ((2, 3), 2), ((1, 1), 1)])
def test_coded_block_equals_tfidf_vectorizer(docs, ngram_range, min_df):
    plain, coded = _pair(ngram_range=ngram_range, min_df=min_df)
    plain.fit(docs[:250])
    coded.fit(docs[:250])
    unseen = docs[250:]

    expected, got = plain.transform(unseen).tocsr(), coded.transform(unseen).tocsr()

    assert not hasattr(coded, "vocabulary_")  # no dict of strings is kept
    assert len(coded.coded_vocabulary_) == len(plain.vocabulary_)
    assert list(coded.get_feature_names_out()) == list(plain.get_feature_names_out())
    assert np.array_equal(got.indptr, expected.indptr)
    assert np.array_equal(got.indices, expected.indices)
    np.testing.assert_allclose(got.data, expected.data, rtol=1e-6)


def test_codes_round_trip_and_keep_lengths_apart():
    terms = ["路", "路灯", "路灯坏", "𠀀", "a𠀀b", "\x00", "\x00\x00", " "]
    codes = [encode_term(t) for t in terms]

    assert [decode_term(c) for c in codes] == terms
    assert len(set(codes)) == len(terms)
    with pytest.raises(ValueError):
        encode_term("四个字符")


def test_the_vocabulary_survives_pickling(docs):
    _, coded = _pair(ngram_range=(1, 3), min_df=2)
    coded.fit(docs)

    loaded = pickle.loads(pickle.dumps(coded))

    assert (loaded.transform(docs[:20]) != coded.transform(docs[:20])).nnz == 0


def test_the_explainer_decodes_character_terms():
    rows = training.examples_from_csv(training.training_csv_path())[::25]  # every category
    pipeline = build_pipeline({"calibration_folds": 3, "neighbours": 0, "short_copies": []})
    pipeline.fit([r.text for r in rows], [r.label for r in rows])
    char = dict(pipeline.named_steps["features"].transformer_list)["char"]
    offset = len(dict(pipeline.named_steps["features"].transformer_list)["word"].vocabulary_)

    explainer = LoadedModel.from_pipeline(version="t", pipeline=pipeline).explainer

    names = char.get_feature_names_out()
    assert [explainer.term(offset + j) for j in (0, 7, len(names) - 1)] == [names[0], names[7], names[-1]]
