"""Title-length cuts that training adds as rows (classifier/shortcuts.py)."""

import numpy as np

from classifier import shortcuts, text
from classifier.pipeline import build_pipeline, fit_on_tokens
from tests.classifier.conftest import tiny_examples


def test_pre_tokenized_rows_are_cut_only_for_training():
    texts = ["小区电梯坏了三天！物业一直不修，老人上下楼很困难", "小区 电梯 坏了 三天 物业 一直 不修 老人 上下楼 困难"]
    forms = ["raw", "tokenized"]

    scored = shortcuts.short_docs_for(texts, forms)
    trained = shortcuts.short_docs_for(texts, forms, tokenized=True)

    assert scored["first_20"][1] == "" and scored["sentence"][1] == ""
    assert trained["first_20"][0] == scored["first_20"][0] == text.preprocess("小区电梯坏了三天!物业一直不修,老人上下")
    # the glued tokens cut at 20 characters, as a raw row would be
    assert trained["first_20"][1] == text.preprocess("小区电梯坏了三天物业一直不修老人上下楼困难"[:20])


def test_augmented_adds_the_named_cuts_of_the_given_rows_once():
    docs = ["a b", "c d", "e f"]
    labels = ["X", "Y", "Y"]
    cuts = {"first_20": ["a", "", "e"], "sentence": ["a b", "c", "e"]}

    rows, y, remembered, origin = shortcuts.augmented(docs, labels, cuts, names=["first_20", "sentence"], index=[0, 2])

    assert rows == ["a b", "e f", "a", "e", "a b", "e"]
    assert list(y) == ["X", "Y", "X", "Y", "X", "Y"]
    assert list(remembered) == [True, True, False, False, False, False]
    assert list(origin) == [0, 2, 0, 2, 0, 2]
    assert shortcuts.augmented(docs, labels, None, names=["first_20"])[0] == docs  # no cuts given: the rows


def test_augmented_remembers_the_cuts_it_is_told_to():
    docs = ["a b", "c d", "e f"]
    labels = ["X", "Y", "Y"]
    cuts = {"first_20": ["a", "", "e"], "sentence": ["a b", "c", "e"]}

    _, _, remembered, _ = shortcuts.augmented(
        docs, labels, cuts, names=["first_20", "sentence"], index=[0, 1], remember=["sentence"]
    )

    # rows 0, 1; first_20 of row 0 only (row 1's is empty); sentence of rows 0 and 1
    assert list(remembered) == [True, True, False, True, True]


def test_the_fit_remembers_whole_messages_and_keeps_the_plain_calibration_setting():
    examples = tiny_examples()
    texts, forms = [e.text for e in examples], [e.form for e in examples]
    docs = [text.preprocess(t) for t in texts]
    params = {"min_df": 1, "char_min_df": 1, "calibration_folds": 2, "catalogue_rows": False}
    pipeline = build_pipeline(params)

    fit_on_tokens(
        pipeline, docs, [e.label for e in examples], short_docs=shortcuts.short_docs_for(texts, forms), params=params
    )

    model = pipeline.named_steps["model"]
    assert model.cv == 2
    assert model.calibrated_classifiers_[0].estimator.memory_.shape[1] == len(examples)
    proba = pipeline.predict_proba(texts[:3])
    assert np.allclose(proba.sum(axis=1), 1.0)
